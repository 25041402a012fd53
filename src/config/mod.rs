//! Settings: command-line flags, then environment variables, then the config file, then defaults.

use std::path::{Path, PathBuf};
use std::time::Duration;

mod error;
mod file;
mod origins;
mod redact;
mod schema;
mod secret_command;
mod unknown_keys;
pub mod write;

use crate::patch::phone::Region;
use file::load;
pub use origins::{Origin, Source};
pub use schema::{ConfigFile, ProfileFile};
use secret_command::profile_secret;
pub use unknown_keys::{did_you_mean, unknown_keys, unknown_keys_at};

/// What the command line says about settings.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub profile: Option<String>,
    pub base_url: Option<String>,
    pub config: Option<PathBuf>,
    pub timeout: Option<u64>,
    pub page_size: Option<u64>,
}

/// The resolved settings for one run.
#[derive(Clone)]
pub struct Settings {
    pub profile: String,
    pub base_url: String,
    pub token: String,
    pub secret: String,
    pub read_only: bool,
    pub accent: Option<String>,
    pub page_size: u64,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Requests in flight at once in scans (1..=16).
    pub concurrency: usize,
    /// Journal entries older than this many days are dropped at start.
    pub journal_days: Option<u64>,
    /// How national phone numbers are read (`default_region`), when set.
    pub default_region: Option<Region>,
    /// Warnings for the user (e.g. a config file with a secret readable by others).
    pub warnings: Vec<String>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("profile", &self.profile)
            .field("base_url", &self.base_url)
            .field("token", &"<redacted>")
            .field("secret", &"<redacted>")
            .field("read_only", &self.read_only)
            .finish_non_exhaustive()
    }
}

pub use error::ConfigError;

/// The sentence shown when nothing at all is configured.
pub const NOT_CONFIGURED: &str = "No API is configured: run `prospect --demo` to try prospect on a built-in sandbox, or set PROSPECT_BASE_URL, PROSPECT_API_TOKEN and PROSPECT_API_SECRET (or add a profile to ~/.config/prospect/config.toml).";

/// Default rows per page in the TUI.
pub const DEFAULT_PAGE_SIZE: u64 = 50;
/// Default total request timeout.
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// Default connection timeout.
pub const DEFAULT_CONNECT_TIMEOUT_SECS: u64 = 5;
/// Default requests in flight in scans.
pub const DEFAULT_CONCURRENCY: usize = 4;
/// Default limit on how long a `secret_command` may run.
pub const DEFAULT_SECRET_COMMAND_TIMEOUT_SECS: u64 = 10;

/// `$XDG_CONFIG_HOME/prospect/config.toml`.
pub fn default_config_path() -> Option<PathBuf> {
    use etcetera::BaseStrategy;
    etcetera::choose_base_strategy()
        .ok()
        .map(|s| s.config_dir().join("prospect").join("config.toml"))
}

/// `$XDG_STATE_HOME/prospect`: the log file and, later, the journal live here.
pub fn state_dir() -> Option<PathBuf> {
    use etcetera::BaseStrategy;
    let s = etcetera::choose_base_strategy().ok()?;
    Some(
        s.state_dir()
            .unwrap_or_else(|| s.data_dir())
            .join("prospect"),
    )
}

/// The config file named by `--config` or `PROSPECT_CONFIG`, if any.
fn explicit_config_path(
    flags: &Overrides,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<PathBuf> {
    flags.config.clone().or_else(|| {
        env("PROSPECT_CONFIG")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    })
}

/// The config file in use: `--config`, `PROSPECT_CONFIG`, then the default path.
pub fn config_path(flags: &Overrides, env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    explicit_config_path(flags, env).or_else(default_config_path)
}

/// The settings with where each came from, as `config check` shows them.
pub struct Explained {
    /// The config file in use, when it exists.
    pub path: Option<PathBuf>,
    /// Every setting's shown value (secrets as set/unset) and source, in a fixed order.
    pub origins: Vec<Origin>,
    /// The settings, or why they cannot be used (a missing secret, an unknown profile…).
    pub settings: Result<Settings, ConfigError>,
    /// Warnings about the file (unknown keys, permissions), also in `settings` when it is `Ok`.
    pub warnings: Vec<String>,
}

/// Resolves settings from flags, the environment (through `env`) and the config file.
pub fn resolve(
    flags: &Overrides,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Settings, ConfigError> {
    explain(flags, env)?.settings
}

/// The first candidate that holds a value, with its source.
fn first<T>(candidates: Vec<(Source, Option<T>)>) -> Option<(T, Source)> {
    candidates
        .into_iter()
        .find_map(|(source, value)| value.map(|v| (v, source)))
}

/// Resolves settings as [`resolve`] does, recording where each came from. An `Err` only when
/// the file cannot be used at all (missing when named, unreadable, not TOML).
pub fn explain(
    flags: &Overrides,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Explained, ConfigError> {
    let env = |k: &str| env(k).filter(|v| !v.is_empty());
    let explicit_path = explicit_config_path(flags, &env);
    let path = explicit_path.clone().or_else(default_config_path);
    let mut warnings = Vec::new();
    let (file, path) = match path {
        Some(p) if p.exists() => (load(&p, &mut warnings)?, Some(p)),
        Some(p) if explicit_path.is_some() => {
            return Err(ConfigError(format!(
                "The config file {} does not exist",
                p.display()
            )));
        }
        _ => (ConfigFile::default(), None),
    };
    let mut origins = Vec::new();
    let settings = settle(flags, &env, &file, path.as_deref(), &mut origins).map(|mut s| {
        s.warnings = warnings.clone();
        s
    });
    Ok(Explained {
        path,
        origins,
        settings,
        warnings,
    })
}

/// The precedence rules, each setting's source recorded in `origins` as it is decided.
fn settle(
    flags: &Overrides,
    env: &dyn Fn(&str) -> Option<String>,
    file: &ConfigFile,
    path: Option<&Path>,
    origins: &mut Vec<Origin>,
) -> Result<Settings, ConfigError> {
    let named = first(vec![
        (Source::Flag("--profile"), flags.profile.clone()),
        (
            Source::Env("PROSPECT_PROFILE".into()),
            env("PROSPECT_PROFILE"),
        ),
    ]);
    let only = (file.profiles.len() == 1)
        .then(|| file.profiles.keys().next().cloned())
        .flatten();
    let (profile_name, source) = first(vec![
        (Source::Flag("--profile"), flags.profile.clone()),
        (
            Source::Env("PROSPECT_PROFILE".into()),
            env("PROSPECT_PROFILE"),
        ),
        (
            Source::File("default_profile".into()),
            file.default_profile.clone(),
        ),
        (Source::File("its only profile".into()), only),
    ])
    .unwrap_or_else(|| ("default".into(), Source::Default));
    origins.push(Origin::new("profile", &profile_name, source));
    let empty = ProfileFile::default();
    let profile = match file.profiles.get(&profile_name) {
        Some(p) => p,
        None if named.is_some() || file.default_profile.is_some() => {
            let where_ = path.map_or_else(|| "the config file".into(), |p| p.display().to_string());
            return Err(ConfigError(format!(
                "There is no profile {profile_name:?} in {where_}"
            )));
        }
        None => &empty,
    };
    let key = |k: &str| Source::File(format!("profiles.{profile_name}.{k}"));

    let base_url = first(vec![
        (Source::Flag("--base-url"), flags.base_url.clone()),
        (
            Source::Env("PROSPECT_BASE_URL".into()),
            env("PROSPECT_BASE_URL"),
        ),
        (key("base_url"), profile.base_url.clone()),
    ]);
    origins.push(Origin::shown("base_url", base_url.as_ref()));
    let token = first(vec![
        (
            Source::Env("PROSPECT_API_TOKEN".into()),
            env("PROSPECT_API_TOKEN"),
        ),
        (key("token"), profile.token.clone()),
    ]);
    origins.push(Origin::secret("token", token.as_ref()));
    let secret = match env("PROSPECT_API_SECRET") {
        Some(s) => Ok(Some((s, Source::Env("PROSPECT_API_SECRET".into())))),
        None => {
            let limit = Duration::from_secs(
                file.secret_command_timeout
                    .unwrap_or(DEFAULT_SECRET_COMMAND_TIMEOUT_SECS)
                    .max(1),
            );
            profile_secret(&profile_name, profile, env, limit)
        }
    };
    origins.push(match &secret {
        Ok(found) => Origin::secret("secret", found.as_ref()),
        Err(e) => Origin::new("secret", "unset", Source::Failed(e.0.clone())),
    });
    let rest = numbers(flags, file, profile, &profile_name, origins);
    let (secret, rest) = (secret?, rest?);
    let (base_url, token, secret) = match (base_url, token, secret) {
        (None, None, None) => return Err(ConfigError(NOT_CONFIGURED.into())),
        (Some(b), Some(t), Some(s)) => (b.0, t.0, s.0),
        (b, t, _) => {
            let missing = if b.is_none() {
                "base URL (PROSPECT_BASE_URL or base_url)"
            } else if t.is_none() {
                "token (PROSPECT_API_TOKEN or token)"
            } else {
                "secret (PROSPECT_API_SECRET, secret, secret_env or secret_command)"
            };
            return Err(ConfigError(format!(
                "Profile {profile_name} has no {missing}"
            )));
        }
    };
    Ok(Settings {
        profile: profile_name,
        base_url,
        token,
        secret,
        read_only: profile.read_only,
        accent: profile.accent.clone(),
        page_size: rest.page_size,
        timeout: rest.timeout,
        connect_timeout: rest.connect_timeout,
        concurrency: rest.concurrency,
        journal_days: file.journal_days,
        default_region: rest.default_region,
        warnings: Vec::new(),
    })
}

/// The settings that are numbers and switches, decided after the credentials.
struct Numbers {
    page_size: u64,
    timeout: Duration,
    connect_timeout: Duration,
    concurrency: usize,
    default_region: Option<Region>,
}

fn numbers(
    flags: &Overrides,
    file: &ConfigFile,
    profile: &ProfileFile,
    profile_name: &str,
    origins: &mut Vec<Origin>,
) -> Result<Numbers, ConfigError> {
    let read_only = if profile.read_only {
        Source::File(format!("profiles.{profile_name}.read_only"))
    } else {
        Source::Default
    };
    origins.push(Origin::new(
        "read_only",
        &profile.read_only.to_string(),
        read_only,
    ));
    let (page_size, source) = first(vec![
        (Source::Flag("--limit"), flags.page_size),
        (
            Source::File(format!("profiles.{profile_name}.page_size")),
            profile.page_size,
        ),
        (Source::File("page_size".into()), file.page_size),
    ])
    .unwrap_or((DEFAULT_PAGE_SIZE, Source::Default));
    let page_size = page_size.clamp(1, 100);
    origins.push(Origin::new("page_size", &page_size.to_string(), source));
    let (timeout, source) = first(vec![
        (Source::Flag("--timeout"), flags.timeout),
        (Source::File("timeout".into()), file.timeout),
    ])
    .unwrap_or((DEFAULT_TIMEOUT_SECS, Source::Default));
    let timeout = timeout.max(1);
    origins.push(Origin::new("timeout", &format!("{timeout} s"), source));
    let (connect, source) = first(vec![(
        Source::File("connect_timeout".into()),
        file.connect_timeout,
    )])
    .unwrap_or((DEFAULT_CONNECT_TIMEOUT_SECS, Source::Default));
    let connect = connect.clamp(1, timeout);
    origins.push(Origin::new(
        "connect_timeout",
        &format!("{connect} s"),
        source,
    ));
    let concurrency = match file.concurrency {
        None => DEFAULT_CONCURRENCY,
        Some(n @ 1..=16) => n as usize,
        Some(n) => {
            return Err(ConfigError(format!(
                "concurrency in the config file must be between 1 and 16 (got {n})"
            )));
        }
    };
    let source = if file.concurrency.is_some() {
        Source::File("concurrency".into())
    } else {
        Source::Default
    };
    origins.push(Origin::new("concurrency", &concurrency.to_string(), source));
    let region = first(vec![
        (
            Source::File(format!("profiles.{profile_name}.default_region")),
            profile.default_region.clone(),
        ),
        (
            Source::File("default_region".into()),
            file.default_region.clone(),
        ),
    ]);
    origins.push(Origin::shown("default_region", region.as_ref()));
    let default_region = match region {
        None => None,
        Some((code, source)) => Some(Region::parse(&code).map_err(|e| {
            let key = match source {
                Source::File(k) => k,
                other => other.to_string(),
            };
            ConfigError(format!("{key} in the config file: {e}"))
        })?),
    };
    Ok(Numbers {
        page_size,
        timeout: Duration::from_secs(timeout),
        connect_timeout: Duration::from_secs(connect),
        concurrency,
        default_region,
    })
}

#[cfg(test)]
mod tests;
