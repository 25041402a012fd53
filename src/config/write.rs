//! Adding a profile to the config file (`config init`): the rest of the file, comments
//! included, is kept; an existing profile is never overwritten; the file is written `0600`.

use std::path::Path;

use toml_edit::{DocumentMut, Item, Table, value};

use super::error::ConfigError;

/// Where a new profile gets its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretFrom {
    /// Stored in the file (`secret = …`).
    Inline(String),
    /// Read from this environment variable (`secret_env = …`).
    Env(String),
    /// The output of this command (`secret_command = …`).
    Command(String),
}

/// A profile as `config init` asks for it.
#[derive(Debug, Clone)]
pub struct NewProfile {
    pub name: String,
    pub base_url: String,
    pub token: String,
    pub secret: SecretFrom,
    pub read_only: bool,
}

/// Why a profile name cannot be used, if it cannot.
pub fn check_profile_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("A profile needs a name".into());
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(format!(
            "{name:?} is not a profile name: use letters, digits, - and _"
        ));
    }
    Ok(())
}

/// The config file's text parsed for editing; `what` names it in the error.
fn parse(text: &str, what: &str) -> Result<DocumentMut, ConfigError> {
    text.parse::<DocumentMut>().map_err(|e| {
        ConfigError(format!(
            "{what} is not valid TOML ({}); fix it first, nothing was written",
            e.message()
        ))
    })
}

/// Whether the config file's `text` already has a profile `name`.
pub fn has_profile(text: &str, what: &str, name: &str) -> Result<bool, ConfigError> {
    let doc = parse(text, what)?;
    Ok(doc
        .get("profiles")
        .and_then(Item::as_table_like)
        .is_some_and(|t| t.contains_key(name)))
}

/// `text` with `p` added as `[profiles.NAME]`, everything else kept as it was. The first
/// profile of a file becomes its `default_profile` when it names none.
pub fn add_profile(text: &str, what: &str, p: &NewProfile) -> Result<String, ConfigError> {
    let mut doc = parse(text, what)?;
    if has_profile(text, what, &p.name)? {
        return Err(ConfigError(format!(
            "Profile {} already exists in {what}: it was left as it is",
            p.name
        )));
    }
    let had_profiles = doc
        .get("profiles")
        .and_then(Item::as_table_like)
        .is_some_and(|t| !t.is_empty());
    if !had_profiles && !doc.contains_key("default_profile") {
        doc.insert("default_profile", value(p.name.as_str()));
    }
    let profiles = doc
        .entry("profiles")
        .or_insert_with(|| {
            let mut t = Table::new();
            // Only `[profiles.NAME]` headers, no empty `[profiles]` line.
            t.set_implicit(true);
            Item::Table(t)
        })
        .as_table_like_mut()
        .ok_or_else(|| ConfigError(format!("In {what}, `profiles` is not a table")))?;
    let mut t = Table::new();
    t.insert("base_url", value(p.base_url.as_str()));
    t.insert("token", value(p.token.as_str()));
    match &p.secret {
        SecretFrom::Inline(s) => t.insert("secret", value(s.as_str())),
        SecretFrom::Env(var) => t.insert("secret_env", value(var.as_str())),
        SecretFrom::Command(cmd) => t.insert("secret_command", value(cmd.as_str())),
    };
    if p.read_only {
        t.insert("read_only", value(true));
    }
    profiles.insert(&p.name, Item::Table(t));
    Ok(doc.to_string())
}

/// Writes `text` to `path`, readable by its owner only (`0600`), creating the directories
/// above it: a new file beside it is renamed over it, so a crash never leaves half a file.
pub fn write_private(path: &Path, text: &str) -> Result<(), ConfigError> {
    use std::io::Write;
    let fail = |e: std::io::Error| ConfigError(format!("Cannot write {}: {e}", path.display()));
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(fail)?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&tmp).and_then(|mut f| {
        f.write_all(text.as_bytes())?;
        f.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(name: &str, secret: SecretFrom) -> NewProfile {
        NewProfile {
            name: name.into(),
            base_url: "https://api.example/partner".into(),
            token: "pk_1".into(),
            secret,
            read_only: true,
        }
    }

    #[test]
    fn a_profile_is_added_and_the_rest_of_the_file_kept() {
        let text = "# my settings\ntimeout = 12 # seconds\n\n[profiles.sandbox]\nbase_url = \"http://127.0.0.1:8080\" # local\ntoken = \"t\"\nsecret = \"s\"\n\n[keys]\nsearch = [\"f\"]\n";
        let out = add_profile(
            text,
            "c.toml",
            &profile("prod", SecretFrom::Command("pass show x".into())),
        )
        .unwrap();
        let block = "[profiles.prod]\nbase_url = \"https://api.example/partner\"\ntoken = \"pk_1\"\nsecret_command = \"pass show x\"\nread_only = true\n\n";
        assert!(out.contains(block), "{out}");
        // Without the new block the file is exactly as it was, comments and all.
        assert_eq!(out.replace(block, ""), text);
        assert!(!out.contains("default_profile"), "{out}");
        let e = add_profile(
            &out,
            "c.toml",
            &profile("prod", SecretFrom::Env("S".into())),
        );
        assert_eq!(
            e.unwrap_err().0,
            "Profile prod already exists in c.toml: it was left as it is"
        );
    }

    #[test]
    fn the_first_profile_becomes_the_default() {
        let out = add_profile("", "c.toml", &profile("a", SecretFrom::Env("S".into()))).unwrap();
        assert_eq!(
            out,
            "default_profile = \"a\"\n\n[profiles.a]\nbase_url = \"https://api.example/partner\"\ntoken = \"pk_1\"\nsecret_env = \"S\"\nread_only = true\n"
        );
        assert!(has_profile(&out, "c.toml", "a").unwrap());
        assert!(
            add_profile(
                "x = [",
                "c.toml",
                &profile("a", SecretFrom::Env("S".into()))
            )
            .unwrap_err()
            .0
            .contains("not valid TOML")
        );
        assert!(check_profile_name("prod-eu_1").is_ok());
        assert!(check_profile_name("a b").is_err());
    }
}
