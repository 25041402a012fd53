//! The config file's shape, as serde reads it (unknown keys are warned about, not refused).

use std::collections::BTreeMap;

use serde::Deserialize;

/// The config file (`~/.config/prospect/config.toml`).
#[derive(Debug, Default, Deserialize)]
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
    /// How national phone numbers are read: an ISO alpha-2 region, e.g. `GB`.
    pub default_region: Option<String>,
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
    /// This profile's `default_region`, over the top-level one.
    pub default_region: Option<String>,
}
