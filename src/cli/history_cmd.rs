//! `prospect history`: the journal, filtered, with identification numbers masked.

use std::io::Write;

use serde_json::Value;

use super::args::{HistoryArgs, HistoryOutput};
use super::failure::Failure;
use super::output::change_line;
use crate::api::ApiClient;
use crate::config;
use crate::edit::journal::{self, JournalEntry};
use crate::patch;
use crate::present;
use crate::text::{cut_server_text, escape_control};

/// Masks the identification number wherever an entry holds it.
fn masked(mut e: JournalEntry) -> JournalEntry {
    for map in [&mut e.body, &mut e.previous] {
        if let Some(Value::String(s)) = map.get_mut("identificationNumber") {
            *s = present::mask(s);
        }
    }
    e
}

/// The start of `--since`: a date means its midnight UTC.
fn since(text: &str) -> Result<String, Failure> {
    if let Ok(d) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(format!("{d}T00:00:00Z"));
    }
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        })
        .map_err(|_| {
            Failure::usage(format!(
                "--since takes YYYY-MM-DD or an RFC 3339 time, not {text:?}"
            ))
        })
}

/// Runs `history`; only `--external-ref` needs the API (to look the prospect up).
pub async fn run(a: HistoryArgs, client: &ApiClient) -> Result<(), Failure> {
    let id = match (&a.id, &a.external_ref) {
        (Some(id), _) => Some(id.clone()),
        (None, Some(r)) => Some(client.get_by_external_ref(r).await?.id),
        (None, None) => None,
    };
    print(&a, id)
}

/// Runs `history` without the API (no settings, no credentials): `None` when it needs it.
pub fn run_local(a: &HistoryArgs) -> Option<Result<(), Failure>> {
    a.external_ref.is_none().then(|| print(a, a.id.clone()))
}

/// Prints the journal's entries of prospect `id` (all when `None`) that `a` asks for.
fn print(a: &HistoryArgs, id: Option<String>) -> Result<(), Failure> {
    let since = a.since.as_deref().map(since).transpose()?;
    let Some(path) = config::state_dir().map(|d| journal::path_in(&d)) else {
        return Ok(());
    };
    let entries: Vec<JournalEntry> = super::apply_cmd::read_journal(&path)?
        .into_iter()
        .filter(|e| id.as_ref().is_none_or(|id| e.prospect_id == *id))
        .filter(|e| a.batch.as_ref().is_none_or(|b| e.batch.as_ref() == Some(b)))
        .filter(|e| since.as_ref().is_none_or(|s| e.time.as_str() >= s.as_str()))
        .map(|e| if a.reveal { e } else { masked(e) })
        .collect();
    let mut out = super::out::stdout();
    match a.output {
        HistoryOutput::Json => {
            let text = serde_json::to_string_pretty(&entries)
                .map_err(|e| Failure::other(format!("Cannot encode the history: {e}")))?;
            writeln!(out, "{text}")?;
        }
        HistoryOutput::Ndjson => {
            for e in &entries {
                let line = serde_json::to_string(e)
                    .map_err(|e| Failure::other(format!("Cannot encode the history: {e}")))?;
                writeln!(out, "{line}")?;
            }
        }
        HistoryOutput::Table => {
            for e in &entries {
                writeln!(
                    out,
                    "{}  {}  batch {}  {}{}",
                    escape_control(&e.time),
                    escape_control(&e.profile),
                    escape_control(e.batch.as_deref().unwrap_or("-")),
                    escape_control(&e.prospect_id),
                    e.reason
                        .as_deref()
                        .map(|r| format!("  ({})", escape_control(&cut_server_text(r))))
                        .unwrap_or_default()
                )?;
                for (k, before, after) in changes(e) {
                    writeln!(out, "{}", change_line(&k, &before, &after))?;
                }
            }
        }
    }
    out.flush()?;
    Ok(())
}

fn changes(e: &JournalEntry) -> Vec<(String, String, String)> {
    e.body
        .iter()
        .flat_map(|(k, after)| {
            let before = e.previous.get(k).cloned().unwrap_or(Value::Null);
            // An address by the parts that changed, as the plan and the TUI show it.
            patch::change_lines(k, &before, after)
        })
        // A value may be megabytes long: cut as other server text is.
        .map(|(k, before, after)| (k, cut_server_text(&before), cut_server_text(&after)))
        .collect()
}
