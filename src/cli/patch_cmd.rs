//! `prospect patch`: the same minimal-PATCH logic as the form, from the command line.

use std::io::Write;

use super::args::PatchArgs;
use super::ask::confirm;
use super::failure::Failure;
use super::output::change_line;
use crate::api::{ApiClient, Prospect};
use crate::batch::journaling;
use crate::config::Settings;
use crate::edit::journal::{self, JournalEntry};
use crate::patch::phone::{self, Region};
use crate::patch::{self, FieldPath, PatchBody};
use crate::text::escape_control;

/// One requested change to a record.
#[derive(Debug, Clone, PartialEq)]
enum Change {
    /// Set (`Some`) or clear (`None`) one field, named as in `--set`.
    Field(FieldPath, Option<String>),
    /// `--clear address`: the whole address.
    ClearAddress,
}

fn parse_target(name: &str) -> Result<FieldPath, Failure> {
    FieldPath::resolve(name).map_err(Failure::usage)
}

fn parse_changes(a: &PatchArgs) -> Result<Vec<Change>, Failure> {
    let mut changes = Vec::new();
    for s in &a.set {
        let Some((name, value)) = s.split_once('=') else {
            return Err(Failure::usage(format!(
                "--set takes FIELD=VALUE (got {s:?})"
            )));
        };
        if name.trim().eq_ignore_ascii_case("address") {
            return Err(Failure::usage(
                "Set the address part by part, e.g. --set address.line1=\"1 High St\"",
            ));
        }
        changes.push(Change::Field(parse_target(name)?, Some(value.to_string())));
    }
    for name in &a.clear {
        if name.trim().eq_ignore_ascii_case("address") {
            changes.push(Change::ClearAddress);
        } else {
            changes.push(Change::Field(parse_target(name)?, None));
        }
    }
    if changes.is_empty() {
        return Err(Failure::usage(
            "Nothing to change: give at least one --set FIELD=VALUE or --clear FIELD",
        ));
    }
    Ok(changes)
}

/// A phone number in any format that parses becomes its E.164 form, said on stderr, with a
/// warning (not a refusal) when it is not a valid number for its region.
fn phones_as_e164(changes: Vec<Change>, region: Option<Region>) -> Vec<Change> {
    changes
        .into_iter()
        .map(|c| match c {
            Change::Field(f, Some(v)) if f.key().is_phone() => {
                if let Some(w) = phone::warning(&v, region) {
                    eprintln!("prospect: warning: {}", escape_control(&w));
                }
                let sent = phone::for_api(&v, region);
                if sent != v {
                    eprintln!(
                        "prospect: phoneNumber {} is sent as {sent}",
                        escape_control(&v)
                    );
                }
                Change::Field(f, Some(sent))
            }
            c => c,
        })
        .collect()
}

fn apply_changes(current: &Prospect, changes: &[Change]) -> Prospect {
    let mut p = current.clone();
    for c in changes {
        match c {
            Change::Field(f, v) => f.set(&mut p, v.clone()),
            Change::ClearAddress => p.address = None,
        }
    }
    p
}

/// Each changed key as `key: before → after`, for the confirmation.
pub fn describe(current: &Prospect, body: &PatchBody) -> String {
    body.iter()
        .map(|(k, after)| {
            let before = patch::display_value(&patch::current_value(current, k));
            format!(
                "{}\n",
                change_line(k, &before, &patch::display_value(after))
            )
        })
        .collect()
}

/// Runs `patch`: fetch, diff, validate, show, confirm, send.
pub async fn run(a: PatchArgs, client: &ApiClient, settings: &Settings) -> Result<(), Failure> {
    if settings.read_only && !a.dry_run {
        return Err(Failure {
            code: 4,
            message: format!(
                "Profile {} is read-only: patch is refused (use --dry-run to see the body)",
                settings.profile
            ),
        });
    }
    if uuid::Uuid::parse_str(&a.id).is_err() {
        return Err(Failure::usage(format!(
            "{:?} is not a prospect id (a UUID)",
            a.id
        )));
    }
    let changes = phones_as_e164(parse_changes(&a)?, settings.default_region);
    let current = client.get(&a.id).await?;
    let edited = apply_changes(&current, &changes);
    let body = patch::diff(&current, &edited);
    if body.is_empty() {
        let _ = writeln!(
            super::out::stdout(),
            "No changes: prospect {} already has these values; nothing was sent.",
            a.id
        );
        return Ok(());
    }
    let errors = patch::validate_body(&body);
    if !errors.is_empty() {
        let messages: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
        return Err(Failure {
            code: 5,
            message: format!("Invalid change, nothing was sent: {}", messages.join("; ")),
        });
    }
    let text = serde_json::to_string(&body)
        .map_err(|e| Failure::other(format!("Cannot encode the body: {e}")))?;
    if a.dry_run {
        let _ = writeln!(super::out::stdout(), "{text}");
        return Ok(());
    }
    // The audit trail is part of the write: a journal that cannot be opened stops it before
    // anything is asked or sent.
    let journal = journal_path();
    if let Some(path) = journal.clone() {
        blocking(move || {
            journal::open_for_append(&path)
                .map(drop)
                .map_err(|e| (path, e))
        })
        .await
        .map_err(|(path, e)| {
            Failure::other(format!(
                "Nothing was sent: {}",
                journaling::failure_text(&path, &e)
            ))
        })?;
    }
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "PATCH {} on profile {}\n{}\n{}",
        crate::api::target::by_id(&a.id),
        settings.profile,
        text,
        describe(&current, &body).trim_end()
    );
    drop(err);
    if !a.yes && !confirm("Send this change?").await? {
        eprintln!("Nothing was sent.");
        return Ok(());
    }
    let keys: Vec<&str> = body.keys().map(String::as_str).collect();
    let keys = keys.join(", ");
    match client.patch(&a.id, &body).await {
        Ok(updated) => {
            let _ = writeln!(
                super::out::stdout(),
                "Saved {keys} on prospect {}.",
                escape_control(&updated.id)
            );
        }
        Err(e) if e.outcome_unknown() => find_out(client, &a.id, &body, &keys, e).await?,
        Err(e) => return Err(e.into()),
    }
    let Some(path) = journal else {
        return Ok(());
    };
    let entry = JournalEntry {
        time: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        profile: settings.profile.clone(),
        prospect_id: current.id.clone(),
        previous: journal::previous_values(&current, &body),
        body,
        status: 200,
        batch: None,
        reason: None,
    };
    blocking(move || journal::append(&path, &entry).map_err(|e| (path, e)))
        .await
        .map_err(|(path, e)| {
            Failure::other(format!(
                "The change was saved but not journaled ({}): `history` will not show it",
                journaling::failure_text(&path, &e)
            ))
        })
}

fn journal_path() -> Option<std::path::PathBuf> {
    crate::config::state_dir().map(|d| journal::path_in(&d))
}

/// Runs file work on the blocking pool (the journal syncs to disk).
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, (std::path::PathBuf, std::io::Error)> + Send + 'static,
) -> Result<T, (std::path::PathBuf, std::io::Error)> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err((std::path::PathBuf::new(), std::io::Error::other(e))))
}

/// The PATCH may have reached the server although its answer was lost: fetch the record and
/// compare, rather than report a failure for a change that landed (or invite a blind resend).
async fn find_out(
    client: &ApiClient,
    id: &str,
    body: &PatchBody,
    keys: &str,
    cause: crate::api::ApiError,
) -> Result<(), Failure> {
    eprintln!(
        "prospect: {}: checking whether the server has the change…",
        escape_control(&cause.to_string())
    );
    match client.get(id).await {
        Ok(server) if patch::is_applied(&server, body) => {
            let _ = writeln!(
                super::out::stdout(),
                "Saved {keys} on prospect {id} (the server's answer was lost; the record has the change)."
            );
            Ok(())
        }
        Ok(_) => Err(Failure::other(format!(
            "Not applied: {cause}; the record does not have the change, so it is safe to send it again"
        ))),
        Err(e) => Err(Failure::other(format!(
            "Unknown outcome: {cause}, and the record could not be fetched ({e}): check the record with `prospect get {id}` before sending again"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(set: &[&str], clear: &[&str]) -> PatchArgs {
        PatchArgs {
            id: "a2b9649e-df7f-4349-adff-1c57283fef10".into(),
            set: set.iter().map(|s| s.to_string()).collect(),
            clear: clear.iter().map(|s| s.to_string()).collect(),
            dry_run: true,
            yes: false,
        }
    }

    #[test]
    fn sets_and_clears_become_the_minimal_body() {
        let current = Prospect {
            id: "x".into(),
            email: "john@example.com".into(),
            middle_name: Some("James".into()),
            first_name: Some("John".into()),
            ..Default::default()
        };
        let changes = parse_changes(&args(
            &["email=john.doe@example.com", "first_name=John"],
            &["middleName"],
        ))
        .unwrap();
        let body = patch::diff(&current, &apply_changes(&current, &changes));
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"email":"john.doe@example.com","middleName":null}"#
        );
    }

    #[test]
    fn address_parts_start_a_structured_address() {
        let current = Prospect::default();
        let changes = parse_changes(&args(
            &["address.line1=1 High St", "address.country=GBR"],
            &[],
        ))
        .unwrap();
        let body = patch::diff(&current, &apply_changes(&current, &changes));
        assert_eq!(body["address"]["type"], "STRUCTURED");
        assert_eq!(body["address"]["line1"], "1 High St");
    }

    #[test]
    fn bad_arguments_are_usage_errors() {
        assert_eq!(parse_changes(&args(&["email"], &[])).unwrap_err().code, 2);
        assert_eq!(
            parse_changes(&args(&["partnerId=1"], &[]))
                .unwrap_err()
                .code,
            2
        );
        assert_eq!(parse_changes(&args(&[], &[])).unwrap_err().code, 2);
    }
}
