//! Commands that need no API: they run before any settings are resolved.

use std::io::Write;

use super::failure::Failure;
use clap::CommandFactory;

use super::args::{Cli, Command, ConfigCommand};
use crate::prefs::Prefs;

/// Runs `command` if it needs no API (`config keys`, `completions`, `man`); `None` for the
/// others.
pub fn run_local(command: &Command, prefs: &Prefs) -> Option<Result<(), Failure>> {
    match command {
        Command::Config(args) => match args.command {
            ConfigCommand::Keys => Some(print(&prefs.keys.to_toml())),
            // They resolve settings themselves: see `run_config`.
            ConfigCommand::Init | ConfigCommand::Check => None,
        },
        Command::Completions(args) => Some(print(&completions(args.shell))),
        Command::Man => Some(man().map_err(Failure::from).and_then(|page| print(&page))),
        _ => None,
    }
}

/// Runs `command` when no settings could be resolved (no credentials, say) if it can do
/// without them: `history` reads only the local journal (but `--external-ref`, which looks
/// the prospect up). `None` for any other command.
pub fn run_without_api(command: &Command) -> Option<Result<(), Failure>> {
    match command {
        Command::History(a) => super::history_cmd::run_local(a),
        _ => None,
    }
}

/// The completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> String {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "prospect", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// The manual: prospect(1), then a page for each subcommand (prospect-list(1), …).
pub fn man() -> std::io::Result<String> {
    let cmd = Cli::command();
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut out)?;
    for sub in cmd.get_subcommands() {
        let title = format!("prospect-{}", sub.get_name());
        // Under its full name, so its synopsis reads `prospect list …`.
        let sub = sub.clone().bin_name(format!("prospect {}", sub.get_name()));
        clap_mangen::Man::new(sub)
            .title(title)
            .source(format!("prospect {}", env!("CARGO_PKG_VERSION")))
            .render(&mut out)?;
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn print(text: &str) -> Result<(), Failure> {
    let mut out = super::out::stdout();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}
