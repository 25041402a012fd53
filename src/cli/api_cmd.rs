//! `prospect api METHOD PATH`: one signed request to any path of the API, the answer printed as
//! it came (as `gh api` does), for the engineers who integrate with the Partner API.
//!
//! - The body is printed as it came: pretty-printed JSON on a terminal (anything else with its
//!   control characters escaped), the raw bytes when piped. `--include` prints the status line
//!   and the headers first.
//! - `--dry-run` sends nothing and prints the method, the URL, the headers and the exact payload
//!   that would be signed, with the token, the nonce and the signature redacted
//!   (`--show-signature` shows the signature; the token and the secret never appear).
//! - Writes: only a PATCH of one prospect is sent, and it is journaled like every write
//!   (`history` and `revert` see it): the record is fetched first for the previous values,
//!   the journal is checked to be writable before anything is sent, and a read-only profile
//!   refuses it. Any other write cannot be journaled, so it is not sent.

use std::io::{IsTerminal, Read, Write};

use super::args::ApiArgs;
use super::failure::Failure;
use crate::api::{ApiClient, PatchBody, RawAnswer, target};
use crate::config::Settings;
use crate::edit::journal::{self, JournalEntry};
use crate::text::escape_control;

/// Runs `prospect api`.
pub async fn run(a: ApiArgs, client: &ApiClient, settings: &Settings) -> Result<(), Failure> {
    let method = a.method.trim().to_ascii_uppercase();
    let body = match &a.input {
        Some(source) => Some(read_input(source)?),
        None => None,
    };
    if a.dry_run {
        let dry = client.dry_run(&method, &a.path, body.as_deref(), a.show_signature)?;
        let mut out = String::new();
        out.push_str(&format!("{} {}\n", dry.method, dry.url));
        for (k, v) in &dry.headers {
            out.push_str(&format!("{k}: {v}\n"));
        }
        out.push_str(&format!("\npayload (signed): {}\n", dry.payload));
        if let Some(body) = &body {
            out.push_str(&format!("body: {body}\n"));
        }
        out.push_str("Nothing was sent (--dry-run).\n");
        return print(&shown(&out));
    }
    let answer = match method.as_str() {
        "GET" | "HEAD" => client.raw(&method, &a.path, body).await?,
        "PATCH" => patch(client, settings, &a.path, body).await?,
        _ => {
            refuse_read_only(settings, &method)?;
            return Err(Failure::usage(format!(
                "prospect api sends {method} nowhere: every write is journaled, and only a PATCH of one prospect ({}/ID) can be; use GET to read",
                target::PERSONAL
            )));
        }
    };
    write_answer(&answer, a.include)?;
    match answer.error {
        Some(e) => Err(Failure::from(e)),
        None => Ok(()),
    }
}

fn refuse_read_only(settings: &Settings, method: &str) -> Result<(), Failure> {
    if settings.read_only {
        return Err(Failure {
            code: 4,
            message: format!(
                "Profile {} is read-only: {method} is refused (GET and --dry-run work)",
                settings.profile
            ),
        });
    }
    Ok(())
}

/// The body from a file or standard input (`-`), as UTF-8 text (it is signed as text).
fn read_input(source: &str) -> Result<String, Failure> {
    let mut bytes = Vec::new();
    let read = if source == "-" {
        std::io::stdin().lock().read_to_end(&mut bytes)
    } else {
        std::fs::File::open(source).and_then(|mut f| f.read_to_end(&mut bytes))
    };
    let name = if source == "-" {
        "standard input".to_string()
    } else {
        source.to_string()
    };
    read.map_err(|e| Failure::usage(format!("Cannot read the body from {name}: {e}")))?;
    String::from_utf8(bytes)
        .map_err(|_| Failure::usage(format!("The body in {name} is not UTF-8 text")))
}

/// The prospect id a PATCH target names (`/v1/partner/prospects/personal/ID`), if it names one.
fn prospect_id(path: &str) -> Option<String> {
    let rest = path.strip_prefix(target::PERSONAL)?.strip_prefix('/')?;
    if rest.is_empty() || rest.contains(['/', '?']) {
        return None;
    }
    let id = percent_encoding::percent_decode_str(rest)
        .decode_utf8()
        .ok()?
        .into_owned();
    uuid::Uuid::parse_str(&id).ok().map(|_| id)
}

/// A PATCH of one prospect: checked, journaled, never resent.
async fn patch(
    client: &ApiClient,
    settings: &Settings,
    path: &str,
    body: Option<String>,
) -> Result<RawAnswer, Failure> {
    refuse_read_only(settings, "PATCH")?;
    let Some(id) = prospect_id(path) else {
        return Err(Failure::usage(format!(
            "prospect api sends a PATCH only to one prospect ({}/ID, with a UUID), which it journals",
            target::PERSONAL
        )));
    };
    let Some(text) = body else {
        return Err(Failure::usage(
            "A PATCH needs a body: --input FILE (or - for standard input) with a JSON object",
        ));
    };
    let sent: PatchBody = serde_json::from_str(&text).map_err(|e| {
        Failure::usage(format!(
            "The PATCH body must be a JSON object of the fields to change ({e})"
        ))
    })?;
    let journal = super::apply_cmd::journal_path()
        .ok_or_else(|| Failure::other("No state directory for the journal: nothing was sent"))?;
    journal::open_for_append(&journal).map(drop).map_err(|e| {
        Failure::other(format!(
            "Nothing was sent: {}",
            crate::batch::journaling::failure_text(&journal, &e)
        ))
    })?;
    // The previous values, for the journal and so `revert` can restore them.
    let before = client.get(&id).await?;
    let answer = match client.raw("PATCH", path, Some(text)).await {
        Ok(answer) => answer,
        Err(e) if e.outcome_unknown() => {
            // The answer was lost: the record says whether it landed. Never resent.
            let landed = client
                .get(&id)
                .await
                .is_ok_and(|now| crate::batch::plan::holds(&now, &sent));
            if landed {
                record(&journal, settings, &id, &before, &sent, 200)?;
                eprintln!(
                    "prospect: the answer was lost ({e}), but the record shows the change: journaled"
                );
            }
            return Err(Failure::from(e));
        }
        Err(e) => return Err(Failure::from(e)),
    };
    if answer.error.is_none() {
        record(&journal, settings, &id, &before, &sent, answer.status)?;
    }
    Ok(answer)
}

fn record(
    journal: &std::path::Path,
    settings: &Settings,
    id: &str,
    before: &crate::api::Prospect,
    sent: &PatchBody,
    status: u16,
) -> Result<(), Failure> {
    let entry = JournalEntry {
        time: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        profile: settings.profile.clone(),
        prospect_id: id.to_string(),
        previous: journal::previous_values(before, sent),
        body: sent.clone(),
        status,
        batch: None,
        reason: None,
    };
    journal::append(journal, &entry).map_err(|e| {
        Failure::other(format!(
            "The change was applied but not journaled ({}): `history` will not show it and `revert` cannot undo it",
            crate::batch::journaling::failure_text(journal, &e)
        ))
    })
}

/// Prints the answer: JSON pretty and control characters escaped on a terminal, raw when piped.
fn write_answer(answer: &RawAnswer, include: bool) -> Result<(), Failure> {
    let terminal = std::io::stdout().is_terminal();
    let mut out: Vec<u8> = Vec::new();
    if include {
        let mut head = format!("HTTP/1.1 {} {}\n", answer.status, answer.reason);
        for (k, v) in &answer.headers {
            head.push_str(&format!("{k}: {v}\n"));
        }
        head.push('\n');
        out.extend_from_slice(if terminal { shown(&head) } else { head }.as_bytes());
    }
    if terminal {
        let pretty = serde_json::from_slice::<serde_json::Value>(&answer.body)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok());
        let text = match pretty {
            Some(json) => json,
            None => String::from_utf8_lossy(&answer.body).into_owned(),
        };
        if !text.is_empty() {
            out.extend_from_slice(shown(&text).as_bytes());
            out.push(b'\n');
        }
    } else {
        out.extend_from_slice(&answer.body);
    }
    write_stdout(&out)
}

/// `text` with control characters escaped, line by line (newlines kept).
fn shown(text: &str) -> String {
    text.split('\n')
        .map(|l| escape_control(l).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

fn print(text: &str) -> Result<(), Failure> {
    write_stdout(text.as_bytes())
}

/// Writes to stdout; a closed pipe ends quietly.
fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    let mut w = std::io::stdout().lock();
    match w.write_all(bytes).and_then(|()| w.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_prospects_own_path_names_a_prospect() {
        let id = "5d9b2f63-0a51-4a4b-9c3e-2b1f6c7d8e90";
        assert_eq!(
            prospect_id(&format!("{}/{id}", target::PERSONAL)).as_deref(),
            Some(id)
        );
        for path in [
            target::PERSONAL.to_string(),
            format!("{}/", target::PERSONAL),
            format!("{}/{id}?x=1", target::PERSONAL),
            format!("{}/externalReference/CRM-1", target::PERSONAL),
            format!("{}/not-a-uuid", target::PERSONAL),
            format!("/v2/other/{id}"),
        ] {
            assert_eq!(prospect_id(&path), None, "{path}");
        }
    }

    #[test]
    fn shown_text_escapes_control_characters_but_keeps_lines() {
        assert_eq!(shown("a\u{1b}[31mb\nc\u{7}"), "a\\e[31mb\nc\\u{7}");
    }
}
