//! Settings: command-line flags, then environment variables, then the config file, then defaults.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

mod error;
mod redact;
mod secret_command;

use redact::redact_config_message;
use secret_command::run_secret_command;

/// The config file (`~/.config/prospect/config.toml`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Profile used when none is named.
    pub default_profile: Option<String>,
    /// Rows per page in the TUI.
    pub page_size: Option<u64>,
    /// Total request timeout in seconds.
    pub timeout: Option<u64>,
    /// Connection timeout in seconds.
    pub connect_timeout: Option<u64>,
    /// Pages or records in flight at once in scans (`list --all`, `check`), 1 to 16.
    pub concurrency: Option<u64>,
    /// How long a `secret_command` may run, in seconds (default 10).
    pub secret_command_timeout: Option<u64>,
    /// Journal entries older than this many days are dropped (default: kept for ever).
    pub journal_days: Option<u64>,
    #[serde(default)]
    pub profiles: BTreeMap<String, ProfileFile>,
    /// The TUI's look and feel (`[keys]`, `theme`, `color`, `mouse`): `prefs` reads them,
    /// with the line of anything wrong; here they are only allowed.
    pub keys: Option<toml::Table>,
    pub theme: Option<toml::Value>,
    pub color: Option<toml::Value>,
    pub mouse: Option<toml::Value>,
}

/// One `[profiles.NAME]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileFile {
    pub base_url: Option<String>,
    pub token: Option<String>,
    /// The secret inline (the file should then be readable by its owner only).
    pub secret: Option<String>,
    /// The name of an environment variable holding the secret.
    pub secret_env: Option<String>,
    /// A shell command whose output is the secret, e.g. `pass show partner/sandbox`.
    pub secret_command: Option<String>,
    #[serde(default)]
    pub read_only: bool,
    /// Accent colour, e.g. `red` or `#ff8800`, so production never looks like the sandbox.
    pub accent: Option<String>,
    pub page_size: Option<u64>,
}

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

/// Resolves settings from flags, the environment (through `env`) and the config file.
pub fn resolve(
    flags: &Overrides,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Settings, ConfigError> {
    let env = |k: &str| env(k).filter(|v| !v.is_empty());
    let explicit_path = explicit_config_path(flags, &env);
    let path = explicit_path.clone().or_else(default_config_path);
    let mut warnings = Vec::new();
    let file = match &path {
        Some(p) if p.exists() => load(p, &mut warnings)?,
        Some(p) if explicit_path.is_some() => {
            return Err(ConfigError(format!(
                "The config file {} does not exist",
                p.display()
            )));
        }
        _ => ConfigFile::default(),
    };

    let named = flags.profile.clone().or_else(|| env("PROSPECT_PROFILE"));
    let profile_name = named
        .clone()
        .or_else(|| file.default_profile.clone())
        .or_else(|| (file.profiles.len() == 1).then(|| file.profiles.keys().next().cloned())?)
        .unwrap_or_else(|| "default".into());
    let empty = ProfileFile::default();
    let profile = match file.profiles.get(&profile_name) {
        Some(p) => p,
        None if named.is_some() || file.default_profile.is_some() => {
            let where_ = path
                .as_ref()
                .map_or_else(|| "the config file".into(), |p| p.display().to_string());
            return Err(ConfigError(format!(
                "There is no profile {profile_name:?} in {where_}"
            )));
        }
        None => &empty,
    };

    let base_url = flags
        .base_url
        .clone()
        .or_else(|| env("PROSPECT_BASE_URL"))
        .or_else(|| profile.base_url.clone());
    let token = env("PROSPECT_API_TOKEN").or_else(|| profile.token.clone());
    let secret = match env("PROSPECT_API_SECRET") {
        Some(s) => Some(s),
        None => {
            let limit = Duration::from_secs(
                file.secret_command_timeout
                    .unwrap_or(DEFAULT_SECRET_COMMAND_TIMEOUT_SECS)
                    .max(1),
            );
            profile_secret(&profile_name, profile, &env, limit)?
        }
    };
    let (base_url, token, secret) = match (base_url, token, secret) {
        (None, None, None) => return Err(ConfigError(NOT_CONFIGURED.into())),
        (Some(b), Some(t), Some(s)) => (b, t, s),
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
    let page_size = flags
        .page_size
        .or(profile.page_size)
        .or(file.page_size)
        .unwrap_or(DEFAULT_PAGE_SIZE)
        .clamp(1, 100);
    let timeout = flags
        .timeout
        .or(file.timeout)
        .unwrap_or(DEFAULT_TIMEOUT_SECS)
        .max(1);
    let concurrency = match file.concurrency {
        None => DEFAULT_CONCURRENCY,
        Some(n @ 1..=16) => n as usize,
        Some(n) => {
            return Err(ConfigError(format!(
                "concurrency in the config file must be between 1 and 16 (got {n})"
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
        page_size,
        timeout: Duration::from_secs(timeout),
        connect_timeout: Duration::from_secs(
            file.connect_timeout
                .unwrap_or(DEFAULT_CONNECT_TIMEOUT_SECS)
                .clamp(1, timeout),
        ),
        concurrency,
        journal_days: file.journal_days,
        warnings,
    })
}

fn load(path: &Path, warnings: &mut Vec<String>) -> Result<ConfigFile, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError(format!("Cannot read {}: {e}", path.display())))?;
    let file: ConfigFile = toml::from_str(&text).map_err(|e| {
        // serde quotes the offending value ("invalid type: string \"sk_…\""): that may be a
        // secret on the wrong line, and errors come before the log's redactor knows it.
        ConfigError(format!(
            "{} is not a valid config file: {}",
            path.display(),
            redact_config_message(e.message(), &text)
        ))
    })?;
    let holds_secret = file
        .profiles
        .values()
        .any(|p| p.secret.is_some() || p.token.is_some());
    if holds_secret && readable_by_others(path) {
        warnings.push(format!(
            "{} holds a secret and is readable by other users: run chmod 600 {}",
            path.display(),
            path.display()
        ));
    }
    Ok(file)
}

#[cfg(unix)]
fn readable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
}

#[cfg(not(unix))]
fn readable_by_others(_path: &Path) -> bool {
    false
}

fn profile_secret(
    name: &str,
    p: &ProfileFile,
    env: &dyn Fn(&str) -> Option<String>,
    limit: Duration,
) -> Result<Option<String>, ConfigError> {
    let given = [
        p.secret.is_some(),
        p.secret_env.is_some(),
        p.secret_command.is_some(),
    ];
    if given.iter().filter(|g| **g).count() > 1 {
        return Err(ConfigError(format!(
            "Profile {name} gives its secret more than one way: keep one of secret, secret_env and secret_command"
        )));
    }
    if let Some(s) = &p.secret {
        return Ok(Some(s.clone()));
    }
    if let Some(var) = &p.secret_env {
        return env(var).map(Some).ok_or_else(|| {
            ConfigError(format!(
                "Profile {name} reads its secret from ${var}, which is not set"
            ))
        });
    }
    if let Some(cmd) = &p.secret_command {
        let out = run_secret_command(name, cmd, limit)?;
        if !out.status.success() {
            return Err(ConfigError(format!(
                "The secret_command of profile {name} failed ({})",
                out.status
            )));
        }
        let secret = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if secret.is_empty() {
            return Err(ConfigError(format!(
                "The secret_command of profile {name} printed nothing"
            )));
        }
        return Ok(Some(secret));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    fn write(dir: &Path, text: &str) -> PathBuf {
        let p = dir.join("config.toml");
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn nothing_configured_gives_the_demo_hint() {
        let dir = tempfile::tempdir().unwrap();
        let flags = Overrides {
            config: None,
            ..Default::default()
        };
        let env = env_of(&[(
            "PROSPECT_CONFIG",
            dir.path().join("none.toml").to_str().unwrap(),
        )]);
        // An explicit config path that does not exist is an error of its own.
        assert!(
            resolve(&flags, &env)
                .unwrap_err()
                .0
                .contains("does not exist")
        );
        let p = write(dir.path(), "");
        let flags = Overrides {
            config: Some(p),
            ..Default::default()
        };
        assert_eq!(resolve(&flags, &env_of(&[])).unwrap_err().0, NOT_CONFIGURED);
    }

    #[test]
    fn flags_beat_environment_beats_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            r#"
default_profile = "sandbox"
page_size = 20
timeout = 12
connect_timeout = 3
concurrency = 9
[profiles.sandbox]
base_url = "https://file.example"
token = "file-token"
secret_command = "echo cmd-secret"
accent = "green"
[profiles.prod]
base_url = "https://prod.example"
token = "prod-token"
secret_env = "PROD_SECRET"
read_only = true
accent = "red"
"#,
        );
        let flags = Overrides {
            config: Some(p.clone()),
            ..Default::default()
        };
        let s = resolve(&flags, &env_of(&[])).unwrap();
        assert_eq!(s.profile, "sandbox");
        assert_eq!(s.base_url, "https://file.example");
        assert_eq!(s.secret, "cmd-secret");
        assert_eq!(s.page_size, 20);
        assert_eq!(s.timeout, Duration::from_secs(12));
        assert_eq!(s.connect_timeout, Duration::from_secs(3));
        assert_eq!(s.concurrency, 9);
        assert!(!s.read_only);

        let env = env_of(&[
            ("PROSPECT_BASE_URL", "https://env.example"),
            ("PROSPECT_API_TOKEN", "env-token"),
        ]);
        let s = resolve(&flags, &env).unwrap();
        assert_eq!(s.base_url, "https://env.example");
        assert_eq!(s.token, "env-token");

        let flags2 = Overrides {
            base_url: Some("https://flag.example".into()),
            ..flags.clone()
        };
        assert_eq!(
            resolve(&flags2, &env).unwrap().base_url,
            "https://flag.example"
        );

        let env = env_of(&[("PROSPECT_PROFILE", "prod"), ("PROD_SECRET", "s3")]);
        let s = resolve(&flags, &env).unwrap();
        assert_eq!((s.profile.as_str(), s.secret.as_str()), ("prod", "s3"));
        assert!(s.read_only);
        assert_eq!(s.accent.as_deref(), Some("red"));

        let missing = env_of(&[("PROSPECT_PROFILE", "prod")]);
        assert!(
            resolve(&flags, &missing)
                .unwrap_err()
                .0
                .contains("$PROD_SECRET")
        );
        let unknown = Overrides {
            profile: Some("nope".into()),
            ..flags
        };
        assert!(
            resolve(&unknown, &env_of(&[]))
                .unwrap_err()
                .0
                .contains("no profile \"nope\"")
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_secret_readable_by_others_is_warned_about() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "[profiles.a]\nbase_url = \"https://a.example\"\ntoken = \"t\"\nsecret = \"s\"\n",
        );
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        let flags = Overrides {
            config: Some(p.clone()),
            ..Default::default()
        };
        let s = resolve(&flags, &env_of(&[])).unwrap();
        assert_eq!(s.warnings.len(), 1);
        assert!(s.warnings[0].contains("chmod 600"));
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(resolve(&flags, &env_of(&[])).unwrap().warnings.is_empty());
    }

    #[test]
    fn a_partial_profile_names_what_is_missing() {
        let env = env_of(&[("PROSPECT_BASE_URL", "https://x.example")]);
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "");
        let flags = Overrides {
            config: Some(p),
            ..Default::default()
        };
        assert!(
            resolve(&flags, &env)
                .unwrap_err()
                .0
                .contains("has no token")
        );
    }

    #[test]
    fn a_hanging_secret_command_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "secret_command_timeout = 1\n[profiles.prod]\nbase_url = \"https://a.example\"\ntoken = \"pk_live_1\"\nsecret_command = \"sleep 30; echo late\"\n",
        );
        let flags = Overrides {
            config: Some(p),
            ..Default::default()
        };
        let started = std::time::Instant::now();
        let e = resolve(&flags, &env_of(&[])).unwrap_err().0;
        assert!(
            e.contains("secret_command of profile prod did not finish within 1 s"),
            "{e}"
        );
        assert!(started.elapsed() < Duration::from_secs(20));
    }

    #[test]
    fn a_config_error_never_shows_the_secret() {
        let dir = tempfile::tempdir().unwrap();
        let secret = "sk_live_0123456789abcdef";
        let p = write(
            dir.path(),
            &format!(
                "timeout = \"{secret}\"\n[profiles.a]\nbase_url = \"https://a.example\"\ntoken = \"pk_live_9876\"\nsecret = \"{secret}\"\n"
            ),
        );
        let flags = Overrides {
            config: Some(p),
            ..Default::default()
        };
        let e = resolve(&flags, &env_of(&[])).unwrap_err().0;
        assert!(e.contains("not a valid config file"), "{e}");
        assert!(e.contains("invalid type"), "{e}");
        assert!(!e.contains(secret), "{e}");
        // Only the value is hidden; a mistyped number on its own line is still redacted.
        assert_eq!(
            redact::redact_quoted_strings(r#"invalid type: string "a\"b", expected u64"#),
            "invalid type: string <redacted>, expected u64"
        );
    }

    #[test]
    fn a_broken_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "[profiles.a]\nbase_ur = 1\n");
        let flags = Overrides {
            config: Some(p),
            ..Default::default()
        };
        assert!(
            resolve(&flags, &env_of(&[]))
                .unwrap_err()
                .0
                .contains("not a valid config file")
        );
    }

    #[test]
    fn concurrency_defaults_to_4_and_must_be_1_to_16() {
        let dir = tempfile::tempdir().unwrap();
        let creds =
            "[profiles.a]\nbase_url = \"https://a.example\"\ntoken = \"t\"\nsecret_env = \"S\"\n";
        let resolve_with = |top: &str| {
            let p = write(dir.path(), &format!("{top}\n{creds}"));
            let flags = Overrides {
                config: Some(p),
                ..Default::default()
            };
            resolve(&flags, &env_of(&[("S", "secret")]))
        };
        assert_eq!(resolve_with("").unwrap().concurrency, DEFAULT_CONCURRENCY);
        assert_eq!(resolve_with("concurrency = 16").unwrap().concurrency, 16);
        let e = resolve_with("concurrency = 40").unwrap_err().0;
        assert_eq!(
            e,
            "concurrency in the config file must be between 1 and 16 (got 40)"
        );
        assert!(resolve_with("concurrency = 0").is_err());
    }
}
