//! The non-interactive commands: `list`, `get`, `patch`, `sandbox`, `config`.

mod apply_cmd;
pub mod args;
mod ask;
mod commands;
mod failure;
mod history_cmd;
mod local;
mod out;
pub mod output;
mod patch_cmd;
mod scan_cmd;

pub use args::{Cli, Command, Global};
pub use commands::{run_command, run_sandbox, start_demo_sandbox};
pub use failure::Failure;
pub use local::{completions, man, run_local};
