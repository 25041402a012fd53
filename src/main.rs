//! The `prospect` binary: parses the command line, resolves settings, and runs a command or the TUI.

use std::process::ExitCode;

use clap::Parser;
use prospect::api::{ApiClient, ClientConfig};
use prospect::cli::{self, Cli, Command, Failure};
use prospect::config::{self, Overrides, Settings};
use prospect::logging::{self, Redactor};

fn main() -> ExitCode {
    let cli = Cli::parse();
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
    let redactor = Redactor::default();
    let code = match runtime.block_on(run(cli, redactor.clone())) {
        Ok(()) => 0,
        Err(f) => {
            eprintln!("prospect: {}", redactor.redact(&f.message));
            f.code
        }
    };
    // Background tasks (an in-process sandbox, a prefetch) must not hold the exit.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

async fn run(cli: Cli, redactor: Redactor) -> Result<(), Failure> {
    let g = cli.global;
    if let Some(Command::Sandbox(_)) = &cli.command {
        logging::init(g.log_file.as_deref(), g.verbose, redactor).map_err(Failure::usage)?;
        let Some(command) = cli.command else {
            return Ok(());
        };
        return cli::run_command(command, &unreachable_client()?, &empty_settings()).await;
    }
    let overrides = Overrides {
        profile: g.profile.clone(),
        base_url: g.base_url.clone(),
        config: g.config.clone(),
        timeout: g.timeout,
        page_size: None,
    };
    let (_sandbox, settings) = if g.demo {
        let (sb, mut s) = cli::start_demo_sandbox(g.demo_count, config::DEFAULT_PAGE_SIZE).await?;
        if let Some(t) = g.timeout {
            s.timeout = std::time::Duration::from_secs(t);
        }
        (Some(sb), s)
    } else {
        (
            None,
            config::resolve(&overrides, &|k| std::env::var(k).ok())?,
        )
    };
    for w in &settings.warnings {
        eprintln!("prospect: warning: {w}");
    }
    redactor.add(&settings.token);
    redactor.add(&settings.secret);
    logging::init(g.log_file.as_deref(), g.verbose, redactor).map_err(Failure::usage)?;
    tracing::info!(profile = %settings.profile, base_url = %settings.base_url, "starting");
    let client = ApiClient::new(client_config(&settings))?;
    match cli.command {
        Some(command) => cli::run_command(command, &client, &settings).await,
        None => {
            let opts = prospect::tui::TuiOptions {
                profile: settings.profile.clone(),
                accent: settings.accent.as_deref().and_then(|a| a.parse().ok()),
                read_only: settings.read_only,
                page_size: settings.page_size,
                state_dir: prospect::config::state_dir(),
                editor: None,
                warnings: settings.warnings.clone(),
            };
            prospect::tui::run(client, opts)
                .await
                .map_err(|e| Failure::other(e.to_string()))
        }
    }
}

fn client_config(s: &Settings) -> ClientConfig {
    let mut c = ClientConfig::new(&s.base_url, &s.token, &s.secret, &s.profile);
    c.timeout = s.timeout;
    c
}

fn empty_settings() -> Settings {
    Settings {
        profile: String::new(),
        base_url: "http://127.0.0.1:9".into(),
        token: String::new(),
        secret: String::new(),
        read_only: true,
        accent: None,
        page_size: config::DEFAULT_PAGE_SIZE,
        timeout: std::time::Duration::from_secs(1),
        warnings: Vec::new(),
    }
}

fn unreachable_client() -> Result<ApiClient, Failure> {
    Ok(ApiClient::new(client_config(&empty_settings()))?)
}
