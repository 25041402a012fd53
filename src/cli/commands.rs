//! Running `list`, `get` and `sandbox`; `patch` lives in `patch_cmd`.

use std::io::{IsTerminal, Write};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::args::{Command, GetArgs, GetOutput, ListArgs, ListOutput, SandboxArgs};
use super::{Failure, output, patch_cmd};
use crate::api::{ApiClient, Page, Prospect};
use crate::config::Settings;
use crate::sandbox::{Sandbox, SandboxOptions};

/// Starts the in-process sandbox behind `--demo` and the settings that point at it.
pub async fn start_demo_sandbox(
    count: usize,
    page_size: u64,
) -> Result<(Sandbox, Settings), Failure> {
    let sandbox = Sandbox::start(SandboxOptions {
        count,
        ..Default::default()
    })
    .await
    .map_err(|e| Failure::other(format!("Cannot start the demo sandbox: {e}")))?;
    let settings = Settings {
        profile: "demo".into(),
        base_url: sandbox.base_url(),
        token: sandbox.token().into(),
        secret: sandbox.secret().into(),
        read_only: false,
        accent: Some("cyan".into()),
        page_size,
        timeout: std::time::Duration::from_secs(crate::config::DEFAULT_TIMEOUT_SECS),
        connect_timeout: std::time::Duration::from_secs(
            crate::config::DEFAULT_CONNECT_TIMEOUT_SECS,
        ),
        warnings: Vec::new(),
    };
    Ok((sandbox, settings))
}

/// Runs one non-interactive command against the API.
pub async fn run_command(
    command: Command,
    client: &ApiClient,
    settings: &Settings,
) -> Result<(), Failure> {
    match command {
        Command::List(a) => list(a, client).await,
        Command::Get(a) => get(a, client).await,
        Command::Patch(a) => patch_cmd::run(a, client, settings).await,
        Command::Sandbox(a) => run_sandbox(a).await,
        Command::Config(_) | Command::Completions(_) | Command::Man => Err(Failure::other(
            "this command needs no API: main runs it first",
        )),
    }
}

/// Where list output goes; a closed pipe (`prospect list | head`) ends it quietly.
struct Out {
    w: std::io::BufWriter<std::io::StdoutLock<'static>>,
    closed: bool,
}

impl Out {
    fn new() -> Self {
        Out {
            w: std::io::BufWriter::new(std::io::stdout().lock()),
            closed: false,
        }
    }

    fn write(&mut self, s: &str) -> Result<(), Failure> {
        if self.closed {
            return Ok(());
        }
        match self.w.write_all(s.as_bytes()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => Ok(other?),
        }
    }

    fn finish(mut self) -> Result<(), Failure> {
        match self.w.flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => Ok(other?),
        }
    }
}

fn json_line(p: &Prospect) -> Result<String, Failure> {
    serde_json::to_string(p).map_err(|e| Failure::other(format!("Cannot encode JSON: {e}")))
}

/// One CSV record, quoted as needed, with its line ending.
fn csv_line<S: AsRef<str>>(fields: &[S]) -> Result<String, Failure> {
    let err = |e: String| Failure::other(format!("Cannot write CSV: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(fields.iter().map(AsRef::as_ref))
        .map_err(|e| err(e.to_string()))?;
    let bytes = w.into_inner().map_err(|e| err(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| err(e.to_string()))
}

async fn list(a: ListArgs, client: &ApiClient) -> Result<(), Failure> {
    let search = a.search.as_deref().filter(|s| !s.is_empty());
    let limit = a.limit.unwrap_or(if a.all { 100 } else { 10 });
    let mut out = Out::new();
    if a.output == ListOutput::Csv {
        out.write(&csv_line(&output::CSV_HEADER)?)?;
    }
    if a.output == ListOutput::Json {
        out.write("[")?;
    }
    let mut first_item = true;
    let mut table_rows: Vec<Prospect> = Vec::new();
    let mut emit = |page: &Page, out: &mut Out| -> Result<(), Failure> {
        for p in &page.items {
            match a.output {
                ListOutput::Table => table_rows.push(p.clone()),
                ListOutput::Ndjson => out.write(&(json_line(p)? + "\n"))?,
                ListOutput::Json => {
                    let sep = if first_item { "\n  " } else { ",\n  " };
                    first_item = false;
                    out.write(&(sep.to_string() + &json_line(p)?))?;
                }
                ListOutput::Csv => out.write(&csv_line(&output::csv_row(p))?)?,
            }
        }
        Ok(())
    };

    let first = client.list(search, a.page, limit).await?;
    let meta = first.meta;
    if a.all {
        let bar = progress_bar(meta.total_items);
        bar.inc(first.items.len() as u64);
        // Fetch the next page while this one is written out.
        let mut next = (meta.total_pages > 1).then(|| spawn_page(client, search, 2, limit));
        emit(&first, &mut out)?;
        let mut page_no = 2;
        while let Some(handle) = next.take() {
            let page = handle
                .await
                .map_err(|e| Failure::other(format!("A page request failed: {e}")))??;
            bar.inc(page.items.len() as u64);
            if page_no < meta.total_pages && !page.items.is_empty() && !out.closed {
                next = Some(spawn_page(client, search, page_no + 1, limit));
            }
            emit(&page, &mut out)?;
            page_no += 1;
        }
        bar.finish_and_clear();
    } else {
        emit(&first, &mut out)?;
    }
    match a.output {
        ListOutput::Json => out.write(if first_item { "]\n" } else { "\n]\n" })?,
        ListOutput::Table => {
            if table_rows.is_empty() {
                let msg = match search {
                    Some(s) => format!("No prospects match {:?}.\n", s),
                    None => "No prospects on this page.\n".to_string(),
                };
                out.write(&msg)?;
            } else {
                out.write(&(output::table(&table_rows) + "\n"))?;
                if !a.all {
                    out.write(&format!(
                        "page {} of {} · {} prospects\n",
                        meta.current_page.max(1),
                        meta.total_pages.max(1),
                        meta.total_items
                    ))?;
                }
            }
        }
        _ => {}
    }
    out.finish()
}

fn spawn_page(
    client: &ApiClient,
    search: Option<&str>,
    page: u64,
    limit: u64,
) -> tokio::task::JoinHandle<Result<Page, crate::api::ApiError>> {
    let client = client.clone();
    let search = search.map(str::to_owned);
    tokio::spawn(async move { client.list(search.as_deref(), page, limit).await })
}

fn progress_bar(total: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} prospects ({per_sec}, {eta} left)")
    {
        bar.set_style(style);
    }
    bar
}

async fn get(a: GetArgs, client: &ApiClient) -> Result<(), Failure> {
    let p = match (&a.id, &a.external_ref) {
        (_, Some(r)) => client.get_by_external_ref(r).await?,
        (Some(id), None) => {
            if uuid::Uuid::parse_str(id).is_err() {
                return Err(Failure::usage(format!(
                    "{id:?} is not a prospect id (a UUID): to look up by external reference use --external-ref {id:?}"
                )));
            }
            client.get(id).await?
        }
        (None, None) => return Err(Failure::usage("Give an id or --external-ref REF")),
    };
    let mut out = Out::new();
    match a.output {
        GetOutput::Json => out.write(
            &(serde_json::to_string_pretty(&p)
                .map_err(|e| Failure::other(format!("Cannot encode JSON: {e}")))?
                + "\n"),
        )?,
        GetOutput::Text => out.write(&output::text(&p, a.reveal))?,
    }
    out.finish()
}

/// `prospect sandbox`: serves until ctrl-c, SIGTERM or SIGHUP.
pub async fn run_sandbox(a: SandboxArgs) -> Result<(), Failure> {
    // Listen for the signals before the banner is out: a script that sends SIGTERM as soon as
    // it has read the exports must get a clean stop, not the signal's default action.
    let signals = ShutdownSignals::install();
    let sandbox = Sandbox::start(SandboxOptions {
        listen: a.listen,
        count: a.count,
        seed: a.seed,
        token: a.token,
        secret: a.secret,
        latency_ms: a.latency_ms,
        fail_rate: a.fail_rate,
        ..Default::default()
    })
    .await
    .map_err(|e| Failure::other(format!("Cannot listen on {}: {e}", a.listen)))?;
    {
        // A closed stdout (`prospect sandbox | head -n 9`) must not stop the server.
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", sandbox.banner()).and_then(|()| out.flush());
    }
    signals.wait().await;
    sandbox.shutdown().await;
    Ok(())
}

/// Ctrl-c, SIGTERM and SIGHUP, caught from the moment this is made.
struct ShutdownSignals {
    #[cfg(unix)]
    streams: Option<[tokio::signal::unix::Signal; 3]>,
}

impl ShutdownSignals {
    fn install() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let streams = (|| -> std::io::Result<_> {
                Ok([
                    signal(SignalKind::interrupt())?,
                    signal(SignalKind::terminate())?,
                    signal(SignalKind::hangup())?,
                ])
            })()
            .ok();
            ShutdownSignals { streams }
        }
        #[cfg(not(unix))]
        ShutdownSignals {}
    }

    /// Waits for the first of the signals.
    async fn wait(self) {
        #[cfg(unix)]
        if let Some([mut int, mut term, mut hup]) = self.streams {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
                _ = hup.recv() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}
