//! The editable fields of a prospect as a TOML document for `$VISUAL`/`$EDITOR`, and back.
//!
//! Rules of the document (also written in its comment header):
//! - an empty string (`""`) clears a field (email cannot be cleared: validation says so);
//! - a top-level key that is deleted leaves that field unchanged;
//! - deleting the whole `[address]` table removes the address; inside the table a deleted key
//!   leaves that part unchanged (a new address without `type` is `STRUCTURED`);
//! - any other key is rejected, naming it; read-only fields appear only as comments.
//!
//! Values are written as TOML basic strings with every control character escaped, so
//! untrusted text can neither break the document nor reach the terminal raw, and it comes
//! back unchanged. The result of [`from_toml`] goes through the usual diff and validation.

use std::fmt::Write as _;

use crate::api::model::{Address, Prospect};
use crate::patch::{AddressPart, Field};

/// The prospect's editable fields as a commented TOML document.
pub fn to_toml(p: &Prospect) -> String {
    let mut out = String::new();
    let opt = |v: &Option<String>| v.as_deref().map_or_else(|| "(none)".into(), quote);
    let _ = writeln!(out, "# Prospect {}", quote(&p.id));
    out.push_str("#\n# Read-only, shown for reference (changes here are ignored):\n");
    let _ = writeln!(out, "#   id = {}", quote(&p.id));
    let _ = writeln!(
        out,
        "#   externalReference = {}",
        opt(&p.external_reference)
    );
    let _ = writeln!(out, "#   createDate = {}", opt(&p.create_date));
    out.push_str(
        "#\n\
         # Save and quit to review the change: nothing is sent before you confirm it.\n\
         # An empty string (\"\") clears a field; email cannot be cleared.\n\
         # A key you delete is left unchanged; keys not listed here are rejected.\n\
         # Delete the whole [address] table to remove the address.\n\n",
    );
    for f in Field::ALL {
        let _ = write!(out, "{} = {}", f.key(), quote(f.get(p).unwrap_or("")));
        if f == Field::DateOfBirth {
            out.push_str("  # YYYY-MM-DD");
        } else if f == Field::PhoneNumber {
            out.push_str("  # digits with an optional leading +, e.g. \"+447101231111\"");
        }
        out.push('\n');
    }
    out.push('\n');
    match &p.address {
        Some(a) => {
            out.push_str("[address]\n");
            write_address(&mut out, a, "");
            if !a.extra.is_empty() {
                let keys: Vec<String> = a.extra.keys().map(|k| quote(k)).collect();
                let _ = writeln!(
                    out,
                    "# This address also has fields edited elsewhere, kept as they are: {}",
                    keys.join(", ")
                );
            }
        }
        None => {
            out.push_str("# No address. To add one, remove the \"# \" in front of these lines:\n");
            out.push_str("# [address]\n");
            let blank = Address {
                kind: "STRUCTURED".into(),
                ..Address::default()
            };
            write_address(&mut out, &blank, "# ");
        }
    }
    out
}

fn write_address(out: &mut String, a: &Address, prefix: &str) {
    for part in AddressPart::ALL {
        let name = part.key();
        let _ = write!(out, "{prefix}{name} = {}", quote(a.get(part).unwrap_or("")));
        if part == AddressPart::Country {
            out.push_str("  # ISO 3166-1 alpha-3, e.g. \"GBR\"");
        }
        out.push('\n');
    }
}

/// A TOML basic string: quotes, backslashes and every control character escaped.
fn quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\t' => q.push_str("\\t"),
            '\r' => q.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(q, "\\u{:04X}", u32::from(c));
            }
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

/// The record as edited in the document `text`, starting from `original` (keys missing from
/// the document keep the original's values; see the module rules).
///
/// Errors are one message for a person: a syntax error names its line and column; unknown
/// keys and values that are not strings are all named at once.
pub fn from_toml(original: &Prospect, text: &str) -> Result<Prospect, String> {
    let table: toml::Table = text.parse().map_err(|e| syntax_error(text, &e))?;
    let mut edited = original.clone();
    let mut unknown = Vec::new();
    let mut problems = Vec::new();
    let mut address_seen = false;
    for (key, value) in &table {
        if key == "address" {
            address_seen = true;
            let toml::Value::Table(t) = value else {
                problems.push("address must be a table: [address]".to_owned());
                continue;
            };
            let mut a = original.address.clone().unwrap_or_else(|| Address {
                kind: "STRUCTURED".into(),
                ..Address::default()
            });
            for (name, v) in t {
                let Some(part) = AddressPart::from_key(name) else {
                    unknown.push(format!("address.{name}"));
                    continue;
                };
                match text_of(&format!("address.{name}"), v) {
                    Ok(s) => a.set(part, (!s.is_empty()).then_some(s)),
                    Err(m) => problems.push(m),
                }
            }
            edited.address = Some(a);
            continue;
        }
        let Some(f) = Field::from_key(key) else {
            unknown.push(key.clone());
            continue;
        };
        match text_of(key, value) {
            Ok(s) => f.set(&mut edited, (!s.is_empty()).then_some(s)),
            Err(m) => problems.push(m),
        }
    }
    if !address_seen {
        edited.address = None;
    }
    if !unknown.is_empty() {
        problems.insert(
            0,
            format!(
                "unknown or read-only key{}: {}",
                if unknown.len() == 1 { "" } else { "s" },
                unknown.join(", ")
            ),
        );
    }
    if problems.is_empty() {
        Ok(edited)
    } else {
        Err(problems.join("; "))
    }
}

/// A value as text: strings as they are; a bare TOML date (`1990-02-03`) is accepted too.
fn text_of(key: &str, v: &toml::Value) -> Result<String, String> {
    match v {
        toml::Value::String(s) => Ok(s.clone()),
        toml::Value::Datetime(d) if d.date.is_some() && d.time.is_none() => Ok(d.to_string()),
        other => Err(format!(
            "{key} must be a string in double quotes, got {}",
            other.type_str()
        )),
    }
}

fn syntax_error(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim();
    let Some(span) = e.span() else {
        return format!("not valid TOML: {message}");
    };
    let before = text.get(..span.start).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("not valid TOML at line {line}, column {column}: {message}")
}

#[cfg(test)]
#[path = "toml_doc_tests.rs"]
mod tests;
