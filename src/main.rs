//! The `prospect` binary: parses the command line, resolves settings, and runs a command or the TUI.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use prospect::api::{ApiClient, ClientConfig};
use prospect::cli::{self, Cli, Command, Failure};
use prospect::config::{self, Overrides, Settings};
use prospect::edit::limits;
use prospect::logging::{self, Redactor};
use prospect::prefs::{self, Prefs};
use prospect::text::escape_control;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let redactor = Redactor::default();
    if cli.global.problems && !cli.global.demo && !matches!(cli.command, Some(Command::Sandbox(_)))
    {
        return exit(
            &redactor,
            Failure::usage("--problems works only with --demo or the sandbox command"),
        );
    }
    let overrides = Overrides {
        profile: cli.global.profile.clone(),
        base_url: cli.global.base_url.clone(),
        config: cli.global.config.clone(),
        timeout: cli.global.timeout,
        page_size: cli.limit,
    };
    let env = |k: &str| std::env::var(k).ok();
    // The TUI's keys and looks apply with --demo too.
    let config_path = config::config_path(&overrides, &env);
    let prefs = prefs::load(config_path.as_deref());
    if let Some(result) = cli.command.as_ref().and_then(|c| cli::run_local(c, &prefs)) {
        for w in config::unknown_keys_at(config_path.as_deref())
            .iter()
            .chain(&prefs.warnings)
        {
            eprintln!("prospect: warning: {w}");
        }
        return match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(f) => exit(&redactor, f),
        };
    }
    if let Some(result) = cli
        .command
        .as_ref()
        .and_then(|c| cli::run_config(c, &overrides, &env))
    {
        return match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(f) => exit(&redactor, f),
        };
    }
    // Settings are resolved before the async runtime starts: reading the config file and
    // running a `secret_command` block, and must not do so on a runtime thread.
    let settings = if cli.global.demo || matches!(cli.command, Some(Command::Sandbox(_))) {
        None
    } else {
        match config::resolve(&overrides, &env) {
            Ok(s) => Some(s),
            // `history` reads only the local journal: it runs without credentials too.
            Err(e) => {
                return match cli.command.as_ref().and_then(cli::run_without_api) {
                    Some(Ok(())) => ExitCode::SUCCESS,
                    Some(Err(f)) => exit(&redactor, f),
                    None => exit(&redactor, Failure::from(e)),
                };
            }
        }
    };
    if let Some(s) = &settings {
        prune_journal(s);
    }
    // The journal and the log live there: 0700, even if an older version made it 0755.
    if let Some(dir) = config::state_dir() {
        let _ = prospect::edit::journal::make_private(&dir);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("prospect: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    // Without a profile (`--demo`) the file is still read for its looks: its unknown keys
    // are warned about all the same.
    let file_warnings = match &settings {
        None => config::unknown_keys_at(config_path.as_deref()),
        Some(_) => Vec::new(),
    };
    let result = runtime.block_on(run(cli, settings, prefs, file_warnings, redactor.clone()));
    // Background tasks (an in-process sandbox, a prefetch) must not hold the exit.
    runtime.shutdown_timeout(Duration::from_millis(200));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => exit(&redactor, f),
    }
}

/// Said by every writing command under `--demo`.
const DEMO_FORGETS: &str = "note: --demo runs an embedded sandbox that forgets every change when \
this command ends (the journal still records the batch); the next command starts from the \
sample data again. To keep changes between commands, run `prospect sandbox` in another \
terminal and point --base-url at it.";

/// Prints a failure as one sentence, secrets redacted, and gives its exit code.
fn exit(redactor: &Redactor, f: Failure) -> ExitCode {
    // Server text is in some messages: escaped so it can never drive the terminal.
    let message = redactor.redact(&f.message);
    if !message.is_empty() {
        eprintln!("prospect: {}", escape_control(&message));
    }
    ExitCode::from(u8::try_from(f.code).unwrap_or(1))
}

async fn run(
    cli: Cli,
    settings: Option<Settings>,
    prefs: Prefs,
    file_warnings: Vec<String>,
    redactor: Redactor,
) -> Result<(), Failure> {
    let g = cli.global;
    if let Some(Command::Sandbox(args)) = cli.command {
        logging::init(g.log_file.as_deref(), g.verbose, redactor).map_err(Failure::usage)?;
        return cli::run_sandbox(args, g.problems).await;
    }
    let (demo, settings) = match settings {
        Some(s) => (None, s),
        None => {
            let page_size = cli.limit.unwrap_or(config::DEFAULT_PAGE_SIZE);
            let (sb, mut s) = cli::start_demo_sandbox(g.demo_count, page_size, g.problems).await?;
            if let Some(t) = g.timeout {
                s.timeout = Duration::from_secs(t);
            }
            s.warnings = file_warnings;
            // What a demo command changes is gone when it ends: said before anything is sent.
            if cli.command.as_ref().is_some_and(Command::writes) {
                eprintln!("prospect: {DEMO_FORGETS}");
            }
            (Some(sb), s)
        }
    };
    for w in &settings.warnings {
        eprintln!("prospect: warning: {}", escape_control(w));
    }
    redactor.add(&settings.token);
    redactor.add(&settings.secret);
    logging::init(g.log_file.as_deref(), g.verbose, redactor).map_err(Failure::usage)?;
    tracing::info!(profile = %settings.profile, base_url = %settings.base_url, "starting");
    // A server limit learned by an earlier run (not for the demo's throw-away sandbox).
    let limits_file = config::state_dir()
        .filter(|_| demo.is_none())
        .map(|d| limits::path_in(&d));
    let mut cfg = client_config(&settings);
    cfg.start_limit = limits_file.as_deref().and_then(|path| {
        let (limits, warning) = limits::load(path);
        if let Some(w) = warning {
            eprintln!("prospect: warning: {}", escape_control(&w));
        }
        limits.remembered(&settings.base_url, chrono::Utc::now())
    });
    let client = ApiClient::new(cfg)?;
    let result = run_client(cli.command, &client, &settings, prefs, g.no_mouse).await;
    if let Some(path) = &limits_file {
        remember_limit(path, &client, &settings.base_url);
    }
    result
}

/// Writes what `client` learned of its server's limit (if anything) to the limits file; a
/// failure is a warning.
fn remember_limit(path: &std::path::Path, client: &ApiClient, base_url: &str) {
    let Some(learned) = client.learned_limit() else {
        return;
    };
    let (_, configured) = client.limiter().limits();
    let (mut limits, _) = limits::load(path);
    limits.learn(base_url, learned, configured, chrono::Utc::now());
    if let Err(e) = limits::save(path, &limits) {
        eprintln!(
            "prospect: warning: cannot remember the server limit in {}: {e}",
            path.display()
        );
    }
}

/// Runs the command, or the TUI without one.
async fn run_client(
    command: Option<Command>,
    client: &ApiClient,
    settings: &Settings,
    prefs: Prefs,
    no_mouse: bool,
) -> Result<(), Failure> {
    match command {
        Some(command) => cli::run_command(command, client, settings).await,
        None => {
            for w in &prefs.warnings {
                eprintln!("prospect: warning: {w}");
            }
            let mut warnings = settings.warnings.clone();
            warnings.extend(prefs.warnings.iter().cloned());
            let opts = prospect::runtime::TuiOptions {
                profile: settings.profile.clone(),
                accent: settings.accent.as_deref().and_then(|a| a.parse().ok()),
                read_only: settings.read_only,
                page_size: settings.page_size,
                state_dir: config::state_dir(),
                editor: None,
                warnings,
                theme: prefs.effective_theme(std::env::var("NO_COLOR").ok().as_deref()),
                keys: prefs.keys,
                mouse: prefs.mouse && !no_mouse,
                concurrency: settings.concurrency,
                region: settings.default_region,
            };
            match prospect::runtime::run(client.clone(), opts).await {
                Ok(0) => Ok(()),
                // Ended by a signal: the code says so, and there is nothing to print.
                Ok(code) => Err(Failure {
                    code: i32::from(code),
                    message: String::new(),
                }),
                Err(e) => Err(Failure::other(e.to_string())),
            }
        }
    }
}

/// `journal_days`: older journal entries go, before anything runs (and writes to it).
fn prune_journal(s: &Settings) {
    let (Some(days), Some(dir)) = (s.journal_days, config::state_dir()) else {
        return;
    };
    // A number of days beyond the calendar keeps everything.
    let Some(keep_from) = i64::try_from(days)
        .ok()
        .and_then(chrono::TimeDelta::try_days)
        .and_then(|d| chrono::Utc::now().checked_sub_signed(d))
    else {
        return;
    };
    let keep_from = keep_from.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let path = prospect::edit::journal::path_in(&dir);
    if let Err(e) = prospect::edit::journal::prune(&path, &keep_from) {
        eprintln!(
            "prospect: warning: cannot prune the journal {}: {e}",
            path.display()
        );
    }
}

fn client_config(s: &Settings) -> ClientConfig {
    let mut c = ClientConfig::new(&s.base_url, &s.token, &s.secret, &s.profile);
    c.timeout = s.timeout;
    c.connect_timeout = s.connect_timeout;
    c.concurrency = s.concurrency;
    c
}
