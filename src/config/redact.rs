//! Config errors come before the log's redactor knows any secret: they are cleaned here.

/// Keys whose values must never appear in an error message.
const SECRET_KEYS: [&str; 3] = ["token", "secret", "secret_command"];

/// A config error message with every secret-like value of the file (and of the
/// `PROSPECT_API_*` variables) removed, and any quoted string value serde shows redacted.
pub(super) fn redact_config_message(message: &str, file_text: &str) -> String {
    let mut secrets: Vec<String> = ["PROSPECT_API_TOKEN", "PROSPECT_API_SECRET"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .collect();
    if let Ok(table) = toml::from_str::<toml::Table>(file_text) {
        collect_secrets(&table, &mut secrets);
    }
    let mut out = message.to_string();
    for s in secrets.iter().filter(|s| s.len() >= 4) {
        out = out.replace(s.as_str(), "<redacted>");
    }
    redact_quoted_strings(&out)
}

fn collect_secrets(table: &toml::Table, out: &mut Vec<String>) {
    for (k, v) in table {
        match v {
            toml::Value::String(s) if SECRET_KEYS.contains(&k.as_str()) => out.push(s.clone()),
            toml::Value::Table(t) => collect_secrets(t, out),
            _ => {}
        }
    }
}

/// `invalid type: string "xyz", expected u64` → `invalid type: string <redacted>, expected u64`.
pub(super) fn redact_quoted_strings(message: &str) -> String {
    const MARK: &str = "string \"";
    let mut out = String::new();
    let mut rest = message;
    while let Some(i) = rest.find(MARK) {
        out.push_str(&rest[..i]);
        out.push_str("string <redacted>");
        let after = &rest[i + MARK.len()..];
        // The value ends at the last quote before serde's ", expected …" (it may hold quotes).
        let end = after
            .find("\", expected")
            .or_else(|| after.rfind('"'))
            .map_or(after.len(), |e| e + 1);
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}
