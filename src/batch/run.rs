//! Planning and sending a batch over HTTP with bounded concurrency: fetch every record,
//! classify, then send each change after checking the record has not moved, and find out
//! what became of every PATCH whose answer was lost. No terminal code.

use std::time::Duration;

use futures::StreamExt;
use tokio::sync::watch;

use super::corrections::{Correction, RowKey};
use super::plan::{self, Outcome, Planned};
use crate::api::{ApiClient, ApiError, PatchBody, Prospect};
use crate::edit::journal::{self, JournalEntry};

/// Longest wait for a 429 on a PATCH before trying again.
const MAX_RATE_WAIT: Duration = Duration::from_secs(30);
/// How often a rate-limited PATCH is tried again before it counts as failed.
const RATE_RETRIES: u32 = 5;

async fn fetch(client: &ApiClient, key: &RowKey) -> Result<Prospect, ApiError> {
    match key {
        RowKey::Id(id) => client.get(id).await,
        RowKey::ExternalReference(r) => client.get_by_external_ref(r).await,
    }
}

/// Runs `f` over `items` with at most `concurrency` at a time; results in input order.
async fn bounded<T, R, F, Fut>(items: Vec<T>, concurrency: usize, f: F) -> Vec<R>
where
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = R>,
{
    let mut out: Vec<(usize, R)> = futures::stream::iter(items.into_iter().enumerate())
        .map(|(i, item)| {
            let fut = f(item);
            async move { (i, fut.await) }
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, r)| r).collect()
}

/// Fetches each row's record and classifies it.
pub async fn plan(client: &ApiClient, rows: &[Correction], concurrency: usize) -> Vec<Planned> {
    bounded(rows.to_vec(), concurrency, |row| async move {
        match fetch(client, &row.key).await {
            Ok(current) => plan::classify(&row, &current),
            Err(e) => lookup_failed(row.line, row.key.clone(), e),
        }
    })
    .await
}

/// Fetches each journaled change's record and plans its inverse.
pub async fn plan_revert(
    client: &ApiClient,
    entries: &[JournalEntry],
    concurrency: usize,
) -> Vec<Planned> {
    bounded(entries.to_vec(), concurrency, |entry| async move {
        match client.get(&entry.prospect_id).await {
            Ok(current) => plan::classify_revert(&entry, &current),
            Err(e) => lookup_failed(0, RowKey::Id(entry.prospect_id.clone()), e),
        }
    })
    .await
}

fn lookup_failed(line: u64, key: RowKey, e: ApiError) -> Planned {
    let outcome = match e {
        ApiError::NotFound { .. } => Outcome::NotFound,
        _ => Outcome::Failed,
    };
    Planned::ended(line, key, outcome, e.to_string())
}

/// A new batch id: when it started, and four random hex digits (`20261128T033000-3f9a`).
pub fn new_batch_id() -> String {
    format!(
        "{}-{:04x}",
        chrono::Utc::now().format("%Y%m%dT%H%M%S"),
        rand::random::<u16>()
    )
}

/// What the journal entries of a batch carry besides the change.
#[derive(Debug, Clone)]
pub struct BatchInfo {
    pub batch: String,
    pub profile: String,
    pub reason: Option<String>,
    /// Where applied changes are journaled (`None`: not journaled).
    pub journal: Option<std::path::PathBuf>,
    /// The first journal write that failed: from then on no new PATCH starts.
    pub journal_failure: std::sync::Arc<std::sync::OnceLock<String>>,
}

/// Sends every `Change` of the plan (other rows are kept as they are), at most `concurrency`
/// at a time. When `stop` turns true, no new PATCH starts; those in flight finish and are
/// reported. Rows not started keep the outcome `Change`.
pub async fn send(
    client: &ApiClient,
    planned: Vec<Planned>,
    concurrency: usize,
    info: &BatchInfo,
    stop: watch::Receiver<bool>,
) -> Vec<Planned> {
    send_observed(client, planned, concurrency, info, stop, &|_| {}).await
}

/// As [`send`], and `sent(n)` is told each time a change has its outcome (`n` of them so
/// far), for a progress display.
pub async fn send_observed(
    client: &ApiClient,
    planned: Vec<Planned>,
    concurrency: usize,
    info: &BatchInfo,
    stop: watch::Receiver<bool>,
    sent: &(dyn Fn(usize) + Sync),
) -> Vec<Planned> {
    let done = std::sync::atomic::AtomicUsize::new(0);
    let done = &done;
    bounded(planned, concurrency, |row| {
        let stop = stop.clone();
        async move {
            if row.outcome != Outcome::Change || *stop.borrow() || info.journal_failed() {
                return row;
            }
            let row = send_one(client, row, info).await;
            sent(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
            row
        }
    })
    .await
}

async fn send_one(client: &ApiClient, row: Planned, info: &BatchInfo) -> Planned {
    let (Some(id), Some(before)) = (row.id.clone(), row.before.clone()) else {
        return row;
    };
    if info.journal_failed() {
        return row;
    }
    // The record may have moved since the plan: a field this row touches → conflict.
    let now = match client.get(&id).await {
        Ok(now) => now,
        Err(e) => {
            let outcome = match e {
                ApiError::NotFound { .. } => Outcome::NotFound,
                _ => Outcome::Failed,
            };
            return finish(row, outcome, format!("not sent: {e}"));
        }
    };
    let moved = plan::changed_since(&before, &now, &row.body);
    if !moved.is_empty() {
        let text = format!("not sent: {} changed since the plan", moved.join(", "));
        return finish(row, Outcome::Conflict, text);
    }
    let (outcome, message) = patch_once_known(client, &id, &row.body).await;
    if outcome == Outcome::Applied {
        let entry = JournalEntry {
            time: String::new(),
            profile: info.profile.clone(),
            prospect_id: id,
            previous: journal::previous_values(&now, &row.body),
            body: row.body.clone(),
            status: 200,
            batch: Some(info.batch.clone()),
            reason: info.reason.clone(),
        };
        if let Err(e) = info.record(entry).await {
            return finish(row, Outcome::Applied, e);
        }
    }
    finish(row, outcome, message)
}

fn finish(mut row: Planned, outcome: Outcome, message: String) -> Planned {
    row.outcome = outcome;
    row.message = message;
    row
}

/// Sends one PATCH and learns its outcome: a 429 waits and tries again; a lost answer (a
/// timeout, a dropped connection, a 5xx, an unreadable 2xx) fetches the record and decides from
/// it — never a blind resend, and at most one resend after the record shows it did not land.
pub async fn patch_once_known(client: &ApiClient, id: &str, body: &PatchBody) -> (Outcome, String) {
    let mut rate_waits = 0;
    let mut resent = false;
    loop {
        let e = match client.patch(id, body).await {
            Ok(_) => return (Outcome::Applied, String::new()),
            Err(e) => e,
        };
        match e {
            ApiError::RateLimited { retry_after } if rate_waits < RATE_RETRIES => {
                rate_waits += 1;
                let wait = retry_after
                    .unwrap_or(Duration::from_secs(1))
                    .min(MAX_RATE_WAIT);
                tokio::time::sleep(wait).await;
            }
            ApiError::Validation { messages } => {
                return (Outcome::Rejected, messages.join("; "));
            }
            ApiError::NotFound { .. } => return (Outcome::NotFound, e.to_string()),
            ApiError::Timeout { .. }
            | ApiError::Connection { .. }
            | ApiError::Interrupted { .. }
            | ApiError::Server { .. }
            | ApiError::Decode { .. } => match client.get(id).await {
                Ok(now) if plan::holds(&now, body) => {
                    return (Outcome::Applied, format!("confirmed after: {e}"));
                }
                Ok(_) if !resent => resent = true,
                Ok(_) => return (Outcome::Failed, format!("not applied: {e}")),
                Err(check) => {
                    return (
                        Outcome::Unknown,
                        format!("{e}; the record could not be checked ({check}): check it"),
                    );
                }
            },
            ApiError::RateLimited { .. }
            | ApiError::Unauthorized { .. }
            | ApiError::Forbidden { .. }
            | ApiError::Status { .. }
            | ApiError::Paging { .. }
            | ApiError::Config(_) => return (Outcome::Failed, e.to_string()),
        }
    }
}
