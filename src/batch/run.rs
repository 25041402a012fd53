//! Planning and sending a batch over HTTP with bounded concurrency: fetch every record,
//! classify, then send each change after checking the record has not moved, and find out
//! what became of every PATCH whose answer was lost. No terminal code.

use futures::StreamExt;
use tokio::sync::watch;

use super::corrections::{Correction, RowKey};
use super::plan::{self, Outcome, Planned};
use crate::api::limiter;
use crate::api::{ApiClient, ApiError, PatchBody, Prospect};
use crate::edit::journal::{self, JournalEntry};

/// How often a rate-limited PATCH is tried again before it counts as failed (each waits out
/// the client's pause for the `Retry-After`, or backs off with jitter without one).
const RATE_RETRIES: u32 = 5;
/// How often a PATCH whose answer was lost, and that the record shows did not land, is sent
/// once more (each resend checked the same way).
const MAX_RESENDS: u32 = 2;
/// Concurrency of the second pass, which tries again the rows that failed for a transient
/// reason: one at a time, gentle on a server that is struggling.
const SECOND_PASS_CONCURRENCY: usize = 1;

/// Whether an error is passing (a limit, a server fault, the network): worth another try.
fn transient(e: &ApiError) -> bool {
    e.is_retryable()
}

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

/// Runs `f(item, false)` over `items` at `concurrency`, then `f(item, true)`, one at a time,
/// over those whose result `f` called transient; results in input order.
async fn with_second_pass<T, R, F, Fut>(items: Vec<T>, concurrency: usize, f: F) -> Vec<R>
where
    T: Clone,
    F: Fn(T, bool) -> Fut,
    Fut: std::future::Future<Output = (R, bool)>,
{
    let first = bounded(items.clone(), concurrency, |item| f(item, false)).await;
    let again: Vec<(usize, T)> = first
        .iter()
        .zip(items)
        .enumerate()
        .filter(|(_, ((_, transient), _))| *transient)
        .map(|(i, (_, item))| (i, item))
        .collect();
    let mut out: Vec<R> = first.into_iter().map(|(r, _)| r).collect();
    if again.is_empty() {
        return out;
    }
    let retried = bounded(again, SECOND_PASS_CONCURRENCY, |(i, item)| {
        let fut = f(item, true);
        async move { (i, fut.await.0) }
    })
    .await;
    for (i, r) in retried {
        out[i] = r;
    }
    out
}

/// Fetches each row's record and classifies it; a lookup that failed for a passing reason is
/// tried again at the end, one at a time.
pub async fn plan(client: &ApiClient, rows: &[Correction], concurrency: usize) -> Vec<Planned> {
    client.set_concurrency(concurrency);
    with_second_pass(rows.to_vec(), concurrency, |row, _| async move {
        match fetch(client, &row.key).await {
            Ok(current) => (plan::classify(&row, &current), false),
            Err(e) => {
                let again = transient(&e);
                (lookup_failed(row.line, row.key.clone(), e), again)
            }
        }
    })
    .await
}

/// Fetches each journaled change's record and plans its inverse (lookups as in [`plan`]).
pub async fn plan_revert(
    client: &ApiClient,
    entries: &[JournalEntry],
    concurrency: usize,
) -> Vec<Planned> {
    client.set_concurrency(concurrency);
    with_second_pass(entries.to_vec(), concurrency, |entry, _| async move {
        match client.get(&entry.prospect_id).await {
            Ok(current) => (plan::classify_revert(&entry, &current), false),
            Err(e) => {
                let again = transient(&e);
                let row = lookup_failed(0, RowKey::Id(entry.prospect_id.clone()), e);
                (row, again)
            }
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
///
/// A row that failed for a transient reason (a 429, a 5xx, the network), or whose PATCH was
/// sent but could not be confirmed, is tried again in a second pass at the end of the batch,
/// one at a time: the record is fetched again, a PATCH that turns out to have landed is
/// confirmed (never sent twice), and only what still fails is reported `failed`.
pub async fn send_observed(
    client: &ApiClient,
    planned: Vec<Planned>,
    concurrency: usize,
    info: &BatchInfo,
    stop: watch::Receiver<bool>,
    sent: &(dyn Fn(usize) + Sync),
) -> Vec<Planned> {
    client.set_concurrency(concurrency);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let done = &done;
    with_second_pass(planned, concurrency, |row, second| {
        let stop = stop.clone();
        async move {
            // The second pass is given only the rows the first called transient.
            if (row.outcome != Outcome::Change && !second)
                || *stop.borrow()
                || info.journal_failed()
            {
                return (row, false);
            }
            let (row, transient) = send_one(client, row, info).await;
            // A row counts as sent once: when it is done, or after its last try.
            if !transient || second {
                sent(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
            }
            (row, transient)
        }
    })
    .await
}

/// Sends one row: fetches the record, sends the PATCH unless a field it touches moved since
/// the plan, and journals what landed. True with the row when it failed for a passing reason
/// (worth a second pass). A row whose PATCH was sent but not confirmed (`Unknown`) is first
/// checked: if the record already holds the change, it landed and is confirmed, not resent.
async fn send_one(client: &ApiClient, row: Planned, info: &BatchInfo) -> (Planned, bool) {
    let (Some(id), Some(before)) = (row.id.clone(), row.before.clone()) else {
        return (row, false);
    };
    // A journal write failed: no new PATCH starts.
    if info.journal_failed() {
        return (row, false);
    }
    let now = match client.get(&id).await {
        Ok(now) => now,
        Err(e) => {
            // A row sent before keeps what is known of it: it may have landed.
            if row.outcome == Outcome::Unknown {
                return (row, false);
            }
            let outcome = match e {
                ApiError::NotFound { .. } => Outcome::NotFound,
                _ => Outcome::Failed,
            };
            let again = transient(&e);
            return (finish(row, outcome, format!("not sent: {e}")), again);
        }
    };
    if row.outcome == Outcome::Unknown && plan::holds(&now, &row.body) {
        // Sent in the first pass, and it landed: journaled with the values the plan saw.
        let message = format!("confirmed on a second look ({})", row.message);
        return (
            journaled(row, info, &id, &before, Outcome::Applied, message).await,
            false,
        );
    }
    // The record may have moved since the plan: a field this row touches → conflict.
    let moved = plan::changed_since(&before, &now, &row.body);
    if !moved.is_empty() {
        let text = format!("not sent: {} changed since the plan", moved.join(", "));
        return (finish(row, Outcome::Conflict, text), false);
    }
    let (outcome, message, again) = patch_once_known(client, &id, &row.body).await;
    if outcome == Outcome::Applied {
        return (
            journaled(row, info, &id, &now, outcome, message).await,
            false,
        );
    }
    (finish(row, outcome, message), again)
}

/// The row as applied, with its journal entry written (previous values from `was`) before
/// the outcome is reported; a failed write is reported on the row and stops the batch.
async fn journaled(
    row: Planned,
    info: &BatchInfo,
    id: &str,
    was: &Prospect,
    outcome: Outcome,
    message: String,
) -> Planned {
    let entry = JournalEntry {
        time: String::new(),
        profile: info.profile.clone(),
        prospect_id: id.to_string(),
        previous: journal::previous_values(was, &row.body),
        body: row.body.clone(),
        status: 200,
        batch: Some(info.batch.clone()),
        reason: info.reason.clone(),
    };
    if let Err(e) = info.record(entry).await {
        return finish(row, Outcome::Applied, e);
    }
    finish(row, outcome, message)
}

fn finish(mut row: Planned, outcome: Outcome, message: String) -> Planned {
    row.outcome = outcome;
    row.message = message;
    row
}

/// Sends one PATCH and learns its outcome: a 429 waits (the client pauses for its
/// `Retry-After`) and tries again; a lost answer (a timeout, a dropped connection, a 5xx, an
/// unreadable 2xx) fetches the record and decides from it — never a blind resend: only when
/// the record shows it did not land is it sent once more, at most [`MAX_RESENDS`] times, each
/// checked the same way. The flag says whether a failure was passing (worth a later try).
pub async fn patch_once_known(
    client: &ApiClient,
    id: &str,
    body: &PatchBody,
) -> (Outcome, String, bool) {
    let mut rate_waits = 0;
    let mut resends = 0;
    loop {
        let e = match client.patch(id, body).await {
            Ok(_) => return (Outcome::Applied, String::new(), false),
            Err(e) => e,
        };
        match e {
            ApiError::RateLimited { retry_after } if rate_waits < RATE_RETRIES => {
                // Refused before anything was done: safe to send again.
                if retry_after.is_none() {
                    let bound =
                        limiter::backoff(rate_waits, limiter::BACKOFF_BASE, limiter::BACKOFF_CAP);
                    tokio::time::sleep(limiter::random_jitter(bound)).await;
                }
                rate_waits += 1;
            }
            ApiError::Validation { messages } => {
                return (Outcome::Rejected, messages.join("; "), false);
            }
            ApiError::NotFound { .. } => return (Outcome::NotFound, e.to_string(), false),
            ApiError::Timeout { .. }
            | ApiError::Connection { .. }
            | ApiError::Interrupted { .. }
            | ApiError::Server { .. }
            | ApiError::Decode { .. } => match client.get(id).await {
                Ok(now) if plan::holds(&now, body) => {
                    return (Outcome::Applied, format!("confirmed after: {e}"), false);
                }
                Ok(_) if resends < MAX_RESENDS => resends += 1,
                Ok(_) => return (Outcome::Failed, format!("not applied: {e}"), true),
                Err(check) => {
                    return (
                        Outcome::Unknown,
                        format!("{e}; the record could not be checked ({check}): check it"),
                        true,
                    );
                }
            },
            ApiError::RateLimited { .. } => return (Outcome::Failed, e.to_string(), true),
            ApiError::Unauthorized { .. }
            | ApiError::Forbidden { .. }
            | ApiError::Status { .. }
            | ApiError::Paging { .. }
            | ApiError::Config(_) => return (Outcome::Failed, e.to_string(), false),
        }
    }
}
