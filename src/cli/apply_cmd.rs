//! `prospect apply` and `prospect revert`: plan, show, confirm, send as one batch, report.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use tokio::sync::watch;

use super::args::{ApplyArgs, PlanOutput, RevertArgs};
use super::ask::confirm;
use super::failure::Failure;
use super::output::change_line;
use crate::api::ApiClient;
use crate::batch::journaling::NOT_JOURNALED;
use crate::batch::plan::counts;
use crate::batch::run::{self, BatchInfo};
use crate::batch::{Outcome, Planned, corrections};
use crate::config::{self, Settings};
use crate::edit::journal;
use crate::present::name_and_reference;
use crate::text::escape_control;

/// Requests at a time when neither the flag nor the config says.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// Exit code when a batch left rows not applied (the report says which).
const NOT_ALL_APPLIED: i32 = 6;
/// Exit code after ctrl-c.
const INTERRUPTED: i32 = 130;

pub(super) fn journal_path() -> Option<PathBuf> {
    config::state_dir().map(|d| journal::path_in(&d))
}

fn refuse_read_only(settings: &Settings, what: &str) -> Result<(), Failure> {
    if settings.read_only {
        return Err(Failure {
            code: 4,
            message: format!(
                "Profile {} is read-only: {what} is refused (use --dry-run to see the plan)",
                settings.profile
            ),
        });
    }
    Ok(())
}

/// Runs `apply`.
pub async fn apply(a: ApplyArgs, client: &ApiClient, settings: &Settings) -> Result<(), Failure> {
    refuse_unless_dry_run(settings, "apply", a.dry_run)?;
    let bytes = std::fs::read(&a.file)
        .map_err(|e| Failure::usage(format!("Cannot read {}: {e}", a.file.display())))?;
    let name = a.file.to_string_lossy();
    let rows = corrections::parse(&name, &bytes)
        .map_err(|e| Failure::usage(format!("{}: {e}", a.file.display())))?;
    let send = SendOptions {
        dry_run: a.dry_run,
        yes: a.yes,
        skip_invalid: a.skip_invalid,
        output: a.output,
        report: a.report,
        reason: a.reason,
        concurrency: a.concurrency,
    };
    apply_rows(&a.file.display().to_string(), &rows, send, client, settings).await
}

/// How a plan is reviewed and sent: `apply`'s flags, which `transform --apply` takes too.
pub(super) struct SendOptions {
    pub dry_run: bool,
    pub yes: bool,
    pub skip_invalid: bool,
    pub output: PlanOutput,
    pub report: Option<PathBuf>,
    pub reason: Option<String>,
    pub concurrency: Option<u64>,
}

/// A read-only profile refuses `what` before any work, unless it is a dry run.
pub(super) fn refuse_unless_dry_run(
    settings: &Settings,
    what: &str,
    dry_run: bool,
) -> Result<(), Failure> {
    if dry_run {
        Ok(())
    } else {
        refuse_read_only(settings, what)
    }
}

/// `apply` from its rows on: plan them against the server, print the plan, ask, send as one
/// journaled batch, report. `source` names where the rows came from in messages.
pub(super) async fn apply_rows(
    source: &str,
    rows: &[corrections::Correction],
    send: SendOptions,
    client: &ApiClient,
    settings: &Settings,
) -> Result<(), Failure> {
    refuse_unless_dry_run(settings, "apply", send.dry_run)?;
    let concurrency = concurrency(send.concurrency);
    let planned = run::plan(client, rows, concurrency).await;
    if let Some(e) = crate::batch::plan::same_prospect_twice(&planned) {
        return Err(Failure::usage(format!("{source}: {e}")));
    }
    let job = Job {
        what: "apply",
        dry_run: send.dry_run,
        yes: send.yes,
        skip_invalid: send.skip_invalid,
        output: send.output,
        report: send.report,
        reason: send.reason,
        concurrency,
    };
    job.finish(client, settings, planned).await
}

/// Runs `revert`.
pub async fn revert(a: RevertArgs, client: &ApiClient, settings: &Settings) -> Result<(), Failure> {
    refuse_unless_dry_run(settings, "revert", a.dry_run)?;
    let path = journal_path()
        .ok_or_else(|| Failure::usage("No state directory is known: there is no journal"))?;
    let entries: Vec<_> = read_journal(&path)?
        .into_iter()
        .filter(|e| e.batch.as_deref() == Some(a.batch.as_str()))
        .collect();
    if entries.is_empty() {
        return Err(Failure {
            code: 3,
            message: format!(
                "Not found: no journaled change belongs to batch {}",
                a.batch
            ),
        });
    }
    let concurrency = concurrency(a.concurrency);
    let planned = run::plan_revert(client, &entries, concurrency).await;
    let job = Job {
        what: "revert",
        dry_run: a.dry_run,
        yes: a.yes,
        skip_invalid: a.skip_invalid,
        output: a.output,
        report: a.report,
        reason: Some(format!("revert of batch {}", a.batch)),
        concurrency,
    };
    job.finish(client, settings, planned).await
}

/// The journal's entries; damaged lines are skipped with a warning, never fatal.
pub fn read_journal(path: &Path) -> Result<Vec<journal::JournalEntry>, Failure> {
    let (entries, skipped) = journal::read_checked(path)
        .map_err(|e| Failure::other(format!("Cannot read the journal: {e}")))?;
    if let Some(w) = journal::skipped_warning(path, &skipped) {
        eprintln!("prospect: warning: {w}");
    }
    Ok(entries)
}

fn concurrency(flag: Option<u64>) -> usize {
    flag.and_then(|n| usize::try_from(n).ok())
        .unwrap_or(DEFAULT_CONCURRENCY)
        .clamp(1, 16)
}

struct Job {
    what: &'static str,
    dry_run: bool,
    yes: bool,
    skip_invalid: bool,
    output: PlanOutput,
    report: Option<PathBuf>,
    reason: Option<String>,
    concurrency: usize,
}

impl Job {
    async fn finish(
        self,
        client: &ApiClient,
        settings: &Settings,
        planned: Vec<Planned>,
    ) -> Result<(), Failure> {
        print_plan(&planned, self.output)?;
        let invalid = count(&planned, Outcome::Invalid);
        if invalid > 0 && !self.skip_invalid {
            self.write_report(&planned)?;
            return Err(Failure {
                code: 5,
                message: format!(
                    "{invalid} row(s) invalid, nothing was sent (fix them, or pass --skip-invalid)"
                ),
            });
        }
        let changes = count(&planned, Outcome::Change);
        if self.dry_run || changes == 0 {
            self.write_report(&planned)?;
            if changes == 0 {
                eprintln!("Nothing to send.");
            }
            return done(&planned, None);
        }
        let prospects: std::collections::BTreeSet<&str> = planned
            .iter()
            .filter(|p| p.outcome == Outcome::Change)
            .filter_map(|p| p.id.as_deref())
            .collect();
        let question = format!(
            "{} {changes} change(s) to {} prospect(s) on profile {}?",
            if self.what == "apply" {
                "Apply"
            } else {
                "Revert"
            },
            prospects.len(),
            settings.profile
        );
        if !self.yes && !confirm(&question).await? {
            eprintln!("Nothing was sent.");
            return Ok(());
        }
        let info = BatchInfo::new(
            settings.profile.clone(),
            self.reason.clone(),
            journal_path(),
        );
        // The audit trail comes first: a batch that cannot be journaled is not sent.
        if let Err(e) = info.open(changes).await {
            self.write_report(&planned)?;
            return Err(Failure::other(format!(
                "Nothing was sent: {e} (a batch is journaled before anything is sent)"
            )));
        }
        let (stop_tx, stop) = watch::channel(false);
        let interrupt = tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("Stopping: no new change is sent; waiting for those in flight…");
                let _ = stop_tx.send(true);
            }
        });
        let sent = run::send(client, planned, self.concurrency, &info, stop.clone()).await;
        interrupt.abort();
        let interrupted = *stop.borrow();
        if let Some(note) = client.slowed_down() {
            eprintln!("prospect: the server limited the batch ({note})");
        }
        print_outcomes(&sent);
        self.write_report(&sent)?;
        if let Some(e) = info.journal_failure() {
            eprintln!("{}", summary(&sent, Some(&info.batch)));
            return Err(Failure::other(format!(
                "Stopped: {e}; no new change was sent after that ({} not sent, {} applied but not journaled: see the rows above)",
                count(&sent, Outcome::Change),
                sent.iter().filter(|r| not_journaled(r)).count()
            )));
        }
        if interrupted {
            eprintln!(
                "Interrupted: {} change(s) not sent (still `change` in the report)",
                count(&sent, Outcome::Change)
            );
            eprintln!("{}", summary(&sent, Some(&info.batch)));
            return Err(Failure::silent(INTERRUPTED));
        }
        done(&sent, Some(&info.batch))
    }

    fn write_report(&self, rows: &[Planned]) -> Result<(), Failure> {
        let Some(path) = &self.report else {
            return Ok(());
        };
        write_report(path, rows)
            .map_err(|e| Failure::other(format!("Cannot write the report {}: {e}", path.display())))
    }
}

fn count(rows: &[Planned], outcome: Outcome) -> usize {
    rows.iter().filter(|r| r.outcome == outcome).count()
}

fn summary(rows: &[Planned], batch: Option<&str>) -> String {
    match batch {
        Some(b) => format!("batch: {b} {}", counts(rows)),
        None => format!("plan: {}", counts(rows)),
    }
}

/// The last line on stderr, and the exit code: 0 when every row is applied or unchanged.
fn done(rows: &[Planned], batch: Option<&str>) -> Result<(), Failure> {
    eprintln!("{}", summary(rows, batch));
    let all_done = rows
        .iter()
        .all(|r| r.outcome.is_done() || (batch.is_none() && r.outcome == Outcome::Change));
    if all_done {
        Ok(())
    } else {
        // The summary above is the last line; the report says which rows.
        Err(Failure::silent(NOT_ALL_APPLIED))
    }
}

fn key_text(r: &Planned) -> String {
    escape_control(r.key.value()).into_owned()
}

fn print_plan(rows: &[Planned], output: PlanOutput) -> Result<(), Failure> {
    let mut out = super::out::stdout();
    match output {
        PlanOutput::Json => {
            let plan: Vec<Value> = rows.iter().map(row_json).collect();
            let text = serde_json::to_string_pretty(&plan)
                .map_err(|e| Failure::other(format!("Cannot encode the plan: {e}")))?;
            writeln!(out, "{text}")?;
        }
        PlanOutput::Table => {
            writeln!(out, "Plan: {}", counts(rows))?;
            for r in rows {
                let place = if r.line > 0 {
                    format!("line {} ", r.line)
                } else {
                    String::new()
                };
                let id = r.id.as_deref().unwrap_or("-");
                // A row keyed by its id is named by the record, when it was found.
                let beside = match &r.before {
                    Some(p) if r.key.value() == id => name_and_reference(p),
                    _ => id.to_string(),
                };
                writeln!(
                    out,
                    "{place}{} ({}) {}",
                    key_text(r),
                    escape_control(&beside),
                    r.outcome.word()
                )?;
                for (k, before, after) in r.changes() {
                    writeln!(out, "{}", change_line(&k, &before, &after))?;
                }
                if !r.message.is_empty() && r.outcome != Outcome::Change {
                    writeln!(out, "  {}", escape_control(&r.message))?;
                }
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// Whether the row was applied but its journal entry could not be written.
fn not_journaled(r: &Planned) -> bool {
    r.outcome == Outcome::Applied && r.message.starts_with(NOT_JOURNALED)
}

/// The rows that did not end as planned. Rows never started (`change`, after ctrl-c or a
/// journal failure) are counted in the summary and listed in the report, not here.
fn print_outcomes(rows: &[Planned]) {
    for r in rows.iter().filter(|r| {
        not_journaled(r)
            || !matches!(
                r.outcome,
                Outcome::Applied | Outcome::Unchanged | Outcome::Change
            )
    }) {
        let place = if r.line > 0 {
            format!("line {}: ", r.line)
        } else {
            String::new()
        };
        if not_journaled(r) {
            eprintln!("{place}{} {}", key_text(r), escape_control(&r.message));
            continue;
        }
        eprintln!(
            "{place}{} {}: {}",
            key_text(r),
            r.outcome.word(),
            escape_control(&r.message)
        );
    }
}

fn row_json(r: &Planned) -> Value {
    json!({
        "line": r.line,
        "key": r.key.value(),
        "id": r.id,
        "outcome": r.outcome,
        "fields": r.fields,
        "body": r.body,
        "changes": r.changes().into_iter().map(|(k, b, a)| json!({"field": k, "before": b, "after": a})).collect::<Vec<_>>(),
        "message": r.message,
    })
}

/// The report quotes values (personal data): created 0600, like the journal.
fn write_report(path: &Path, rows: &[Planned]) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let file = opts.open(path)?;
    // An existing file keeps its mode on open: made private too (a regular file only, never
    // a `/dev/stdout` given as the report).
    #[cfg(unix)]
    if file.metadata()?.is_file() {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    let mut w = csv::Writer::from_writer(file);
    w.write_record(["line", "key", "id", "outcome", "fields", "message"])?;
    for r in rows {
        w.write_record([
            r.line.to_string(),
            key_text(r),
            escape_control(r.id.as_deref().unwrap_or_default()).into_owned(),
            r.outcome.word().to_string(),
            r.fields.join(" "),
            escape_control(&r.message).into_owned(),
        ])?;
    }
    w.flush()
}
