//! How a command fails: one sentence and an exit code.

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

    /// An exit code whose reason was already printed (e.g. a batch's summary line).
    pub fn silent(code: i32) -> Self {
        Failure {
            code,
            message: String::new(),
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
