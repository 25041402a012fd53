//! Reading the config file: parse errors (secrets redacted), unknown keys and loose
//! permissions as warnings.

use std::path::Path;

use super::error::ConfigError;
use super::redact::redact_config_message;
use super::schema::ConfigFile;
use super::unknown_keys::unknown_keys;

/// Reads and parses the file at `path`, adding its warnings to `warnings`.
pub(super) fn load(path: &Path, warnings: &mut Vec<String>) -> Result<ConfigFile, ConfigError> {
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
    warnings.extend(unknown_keys(&text, &path.display().to_string()));
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
