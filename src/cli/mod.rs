//! The non-interactive commands: `list`, `get`, `patch`, `sandbox`, `config`.

mod api_cmd;
mod apply_cmd;
pub mod args;
mod ask;
mod commands;
mod config_check;
mod config_init;
mod explore_cmd;
mod failure;
mod history_cmd;
mod local;
mod out;
pub mod output;
mod patch_cmd;
mod scan_cmd;
mod table;
mod transform_cmd;

pub use args::{Cli, Command, Global};
pub use commands::{run_command, run_sandbox, start_demo_sandbox};
pub use failure::Failure;
pub use local::{completions, man, run_local, run_without_api};

/// Runs `config init` or `config check`, which resolve the settings themselves (to say where
/// each came from); `None` for any other command.
pub fn run_config(
    command: &Command,
    flags: &crate::config::Overrides,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<Result<(), Failure>> {
    match command {
        Command::Config(args) => match args.command {
            args::ConfigCommand::Init => Some(config_init::init(flags, env)),
            args::ConfigCommand::Check => Some(config_check::check(flags, env)),
            args::ConfigCommand::Keys => None,
        },
        _ => None,
    }
}
