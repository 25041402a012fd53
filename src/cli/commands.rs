//! Running `list`, `get` and `sandbox`; `patch` lives in `patch_cmd`.

use std::io::Write;

use super::args::{Command, GetArgs, GetOutput, ListArgs, ListOutput, SandboxArgs};
use super::failure::Failure;
use super::out::{Out, csv_line, progress_bar};
use super::{output, patch_cmd, scan_cmd};
use crate::api::{ApiClient, ApiError, Page, PageWalk, Prospect};
use crate::config::Settings;
use crate::sandbox::{Sandbox, SandboxOptions};
use crate::text::escape_control;

/// Starts the in-process sandbox behind `--demo` and the settings that point at it.
pub async fn start_demo_sandbox(
    count: usize,
    page_size: u64,
    problems: bool,
) -> Result<(Sandbox, Settings), Failure> {
    let sandbox = Sandbox::start(SandboxOptions {
        count,
        problems,
        ..Default::default()
    })
    .await
    .map_err(|e| Failure::other(format!("Cannot start the demo sandbox: {e}")))?;
    let settings = Settings {
        journal_days: None,
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
        concurrency: crate::config::DEFAULT_CONCURRENCY,
        // The demo's people are in the UK.
        default_region: crate::patch::phone::Region::parse("GB").ok(),
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
    let client = &announcing_waits(client);
    match command {
        Command::List(a) if a.all || !a.filters.is_empty() => {
            scan_cmd::list(a, client, settings).await
        }
        Command::List(a) => list(a, client).await,
        Command::Check(a) => scan_cmd::check(a, client, settings).await,
        Command::Get(a) => get(a, client).await,
        Command::Patch(a) => patch_cmd::run(a, client, settings).await,
        Command::Api(a) => super::api_cmd::run(a, client, settings).await,
        Command::Facet(a) => super::explore_cmd::facet(a, client, settings).await,
        Command::Cluster(a) => super::explore_cmd::cluster(a, client, settings).await,
        Command::Transform(a) => super::transform_cmd::run(a, client, settings).await,
        Command::Sandbox(a) => run_sandbox(a, false).await,
        Command::Apply(a) => super::apply_cmd::apply(a, client, settings).await,
        Command::Revert(a) => super::apply_cmd::revert(a, client, settings).await,
        Command::History(a) => super::history_cmd::run(a, client).await,
        Command::Config(_) | Command::Completions(_) | Command::Man => Err(Failure::other(
            "this command needs no API: main runs it first",
        )),
    }
}

/// The client, telling stderr about every wait before a retry that lasts a second or more,
/// as the TUI does in its status line: a long wait is never silent.
fn announcing_waits(client: &ApiClient) -> ApiClient {
    client.with_retry_observer(std::sync::Arc::new(move |e: &ApiError, wait| {
        if wait >= std::time::Duration::from_secs(1) {
            super::out::notice(&escape_control(&e.retrying_sentence(wait)));
        }
    }))
}

async fn list(a: ListArgs, client: &ApiClient) -> Result<(), Failure> {
    let search = a.search.as_deref().filter(|s| !s.is_empty());
    let columns = output::columns(a.columns.as_deref())?;
    let limit = a.limit.unwrap_or(if a.all { 100 } else { 10 });
    // The first answer comes before any output: a failure leaves stdout empty (not a lone `[`).
    let first = client.list(search, a.page, limit).await?;
    let meta = first.meta;
    let mut walk = if a.all {
        Some(PageWalk::new(&first, limit)?)
    } else {
        None
    };
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
                ListOutput::Ndjson => out.write(&(output::json_line(p)? + "\n"))?,
                ListOutput::Json => {
                    let sep = if first_item { "\n  " } else { ",\n  " };
                    first_item = false;
                    out.write(&(sep.to_string() + &output::json_line(p)?))?;
                }
                ListOutput::Csv => out.write(&csv_line(&output::csv_row(p, a.raw))?)?,
            }
        }
        Ok(())
    };

    if let Some(walk) = walk.as_mut() {
        let bar = progress_bar(meta.total_items);
        bar.inc(first.items.len() as u64);
        // Fetch the next page while this one is written out.
        let mut next = walk.wants(2).then(|| spawn_page(client, search, 2, limit));
        emit(&first, &mut out)?;
        let mut page_no = 2;
        while let Some(handle) = next.take() {
            let page = handle
                .await
                .map_err(|e| Failure::other(format!("A page request failed: {e}")))??;
            walk.check(page_no, &page)?;
            bar.inc(page.items.len() as u64);
            if walk.wants(page_no + 1) && !page.items.is_empty() && !out.closed {
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
                out.write(&(output::table(&table_rows, &columns) + "\n"))?;
                if walk.is_none() {
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

async fn get(a: GetArgs, client: &ApiClient) -> Result<(), Failure> {
    let p = match (&a.id, &a.external_ref) {
        (_, Some(r)) => match client.get_by_external_ref(r).await {
            Err(ApiError::NotFound { what }) => {
                return Err(did_you_mean(client, r, what).await);
            }
            other => other?,
        },
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
        GetOutput::Json => out.write(&(output::json_pretty(&p)? + "\n"))?,
        GetOutput::Text => out.write(&output::text(&p, a.reveal))?,
    }
    out.finish()
}

/// A missed external reference: when the same text in another case names a prospect, the
/// failure says so ("did you mean crm-0042?"); it stays a not-found (exit 3).
async fn did_you_mean(client: &ApiClient, reference: &str, what: String) -> Failure {
    let mut failure = Failure::from(ApiError::NotFound { what });
    for v in crate::text::case_variants(reference) {
        if let Ok(p) = client.get_by_external_ref(&v).await
            && let Some(found) = p.external_reference
        {
            failure.message.push_str(&format!(
                "; did you mean {}?",
                crate::text::escape_control(&found)
            ));
            break;
        }
    }
    failure
}

/// `prospect sandbox`: serves until ctrl-c, SIGTERM or SIGHUP.
pub async fn run_sandbox(a: SandboxArgs, problems: bool) -> Result<(), Failure> {
    // Listen for the signals before the banner is out: a script that sends SIGTERM as soon as
    // it has read the exports must get a clean stop, not the signal's default action.
    let signals = ShutdownSignals::install();
    if !a.listen.ip().is_loopback() {
        eprintln!(
            "prospect: warning: the sandbox listens on {}, which is not a loopback address: anyone who can reach it gets its sample data, and its token and secret are printed below",
            a.listen
        );
    }
    let sandbox = Sandbox::start(SandboxOptions {
        listen: a.listen,
        count: a.count,
        seed: a.seed,
        token: a.token,
        secret: a.secret,
        latency_ms: a.latency_ms,
        fail_rate: a.fail_rate,
        max_inflight: a.max_inflight,
        fail_every: a.fail_every,
        clock_skew_secs: a.clock_skew_secs,
        problems,
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
