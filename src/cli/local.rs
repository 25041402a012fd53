//! Commands that need no API: they run before any settings are resolved.

use std::io::Write;

use super::Failure;
use super::args::{Command, ConfigCommand};
use crate::prefs::Prefs;

/// Runs `command` if it needs no API (`config keys`); `None` for the others.
pub fn run_local(command: &Command, prefs: &Prefs) -> Option<Result<(), Failure>> {
    match command {
        Command::Config(args) => Some(match args.command {
            ConfigCommand::Keys => print(&prefs.keys.to_toml()),
        }),
        _ => None,
    }
}

fn print(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}
