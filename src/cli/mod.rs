//! The non-interactive commands: `list`, `get`, `patch`, `sandbox`, `config`.

pub mod args;
mod commands;
mod local;
pub mod output;
mod patch_cmd;

pub use args::{Cli, Command, Global};
pub use commands::{run_command, run_sandbox, start_demo_sandbox};
pub use local::{completions, man, run_local};

use crate::api::ApiError;
use crate::config::ConfigError;

/// A failure of a command: one sentence for stderr and the exit code product.md assigns.
#[derive(Debug)]
pub struct Failure {
    pub code: i32,
    pub message: String,
}

impl Failure {
    /// Exit code 2: usage or configuration.
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: 2,
            message: message.into(),
        }
    }

    /// Exit code 1: anything else.
    pub fn other(message: impl Into<String>) -> Self {
        Failure {
            code: 1,
            message: message.into(),
        }
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Failure {
            code: e.exit_code(),
            message: e.to_string(),
        }
    }
}

impl From<ConfigError> for Failure {
    fn from(e: ConfigError) -> Self {
        Failure::usage(e.0)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::other(format!("Cannot write the output: {e}"))
    }
}
