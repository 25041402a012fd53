//! Where each effective setting came from, for `config check`.

use std::fmt;

/// The source of one setting's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag, e.g. `--base-url`.
    Flag(&'static str),
    /// An environment variable.
    Env(String),
    /// A key of the config file, e.g. `profiles.sandbox.base_url`.
    File(String),
    /// The environment variable a profile's `secret_env` names.
    SecretEnv { key: String, var: String },
    /// The output of a profile's `secret_command`.
    SecretCommand(String),
    /// Nothing set it: the built-in default.
    Default,
    /// It could not be read: the sentence says why.
    Failed(String),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(flag) => write!(f, "flag {flag}"),
            Source::Env(var) => write!(f, "environment {var}"),
            Source::File(key) => write!(f, "config file ({key})"),
            Source::SecretEnv { key, var } => write!(f, "environment {var} (config file {key})"),
            Source::SecretCommand(key) => write!(f, "secret_command (config file {key})"),
            Source::Default => f.write_str("default"),
            Source::Failed(why) => write!(f, "error: {why}"),
        }
    }
}

/// One effective setting: its name, the value as shown (a secret only as set or unset) and
/// its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub name: &'static str,
    pub shown: String,
    pub source: Source,
}

impl Origin {
    /// A setting shown as it is.
    pub fn new(name: &'static str, shown: &str, source: Source) -> Self {
        Origin {
            name,
            shown: shown.to_string(),
            source,
        }
    }

    /// A setting shown as it is, or `unset` with no source.
    pub fn shown(name: &'static str, found: Option<&(String, Source)>) -> Self {
        match found {
            Some((value, source)) => Origin::new(name, value, source.clone()),
            None => Origin::new(name, "unset", Source::Default),
        }
    }

    /// A credential: only whether it is set, never its value.
    pub fn secret(name: &'static str, found: Option<&(String, Source)>) -> Self {
        match found {
            Some((_, source)) => Origin::new(name, "set", source.clone()),
            None => Origin::new(name, "unset", Source::Default),
        }
    }
}
