//! The scan: every page of a listing, fetched with bounded concurrency and handed over in
//! page order, each record once.
//!
//! What it does when the data changes while it runs (the API pages by offset):
//! - Records are de-duplicated by id, so a record pushed onto the next page by an insertion
//!   is never yielded twice.
//! - When a later page reports more pages than the first did, the walk follows on, but never
//!   past the first page's `totalPages` plus a small margin ([`page_bound`]): a server that
//!   keeps claiming more pages cannot make the walk endless. A page that brings only records
//!   already listed ends the scan with an error naming it (a server ignoring `page`).
//! - Records removed meanwhile shift later ones onto earlier pages, so one can be missed:
//!   the scan cannot know which, so [`ScanSummary::note`] says that the total changed and
//!   that a second run gives an exact result. Nothing is dropped silently.
//!
//! The client's limiter (see `api::limiter`) decides how many pages are really in flight: a
//! 429 halves it and pauses every request until its `Retry-After` has passed; transient
//! failures are retried by the client as for any GET, with backoff; a page that still fails
//! once its retries are spent ends the scan with a [`ScanError`] naming the page. Dropping a
//! [`Scan`] aborts every task it started; [`Scan::cancel`] also waits until they are gone.

use std::collections::{BTreeMap, HashMap, HashSet};

use tokio::sync::{mpsc, oneshot};
use tokio::task::{JoinHandle, JoinSet};

use crate::api::{ApiClient, ApiError, Page, Prospect};

/// Most pages in flight at once (`--concurrency`).
pub const MAX_CONCURRENCY: usize = 16;
/// Pages in flight when nothing is configured.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// What to scan and how hard.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Narrows the listing server-side (`searchKeyword`).
    pub search: Option<String>,
    /// Records per page (1..=100).
    pub limit: u64,
    /// Pages in flight at once (1..=16).
    pub concurrency: usize,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            search: None,
            limit: 100,
            concurrency: DEFAULT_CONCURRENCY,
        }
    }
}

/// How far a scan has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Distinct records handed over so far.
    pub scanned: u64,
    /// The total the most recent page reported.
    pub total: u64,
    /// Pages handed over so far.
    pub pages: u64,
    /// Requests at a time the server allows, when it has made the client slow down below
    /// the configured concurrency.
    pub server_limit: Option<usize>,
}

impl Progress {
    /// " · server limit: 2 requests at a time" while the server holds the scan back.
    pub fn limit_note(&self) -> String {
        self.server_limit
            .map(|n| format!(" · {}", crate::api::limiter::limit_sentence(n)))
            .unwrap_or_default()
    }
}

/// One page, in order, with the records not seen on an earlier page.
#[derive(Debug, Clone)]
pub struct ScanPage {
    /// The page number, from 1.
    pub number: u64,
    pub items: Vec<Prospect>,
    pub progress: Progress,
}

/// How a finished scan went.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScanSummary {
    /// Distinct records handed over.
    pub records: u64,
    /// Pages fetched.
    pub pages: u64,
    /// `totalItems` of the first page.
    pub first_total: u64,
    /// `totalItems` of the last page.
    pub last_total: u64,
    /// Records that came again on a later page and were left out.
    pub repeats_skipped: u64,
    /// The server claimed more pages than the walk may fetch ([`page_bound`]).
    pub hit_bound: bool,
}

impl ScanSummary {
    /// Whether the scan knows it missed records: it stopped while the server still reported
    /// more pages, or it found fewer records than the server reported (with no change seen).
    pub fn incomplete(&self) -> bool {
        self.hit_bound
            || (self.first_total == self.last_total
                && self.repeats_skipped == 0
                && self.records < self.last_total)
    }

    /// A sentence for the user when the result may not be exact, `None` when it is.
    pub fn note(&self) -> Option<String> {
        if self.hit_bound {
            return Some(format!(
                "The server kept reporting more pages than the {} it had at the start; the scan stopped after {} pages with {} prospects: run it again for an exact result.",
                self.first_total, self.pages, self.records
            ));
        }
        if self.first_total != self.last_total || self.repeats_skipped > 0 {
            return Some(format!(
                "The data changed during the scan ({} prospects at the start, {} at the end): each record was listed once, but records added or removed meanwhile can be missing: run it again for an exact result.",
                self.first_total, self.last_total
            ));
        }
        if self.records != self.last_total {
            return Some(format!(
                "The server reported {} prospects but the scan found {}.",
                self.last_total, self.records
            ));
        }
        None
    }
}

/// What a scan hands over: pages in order, then one summary.
#[derive(Debug, Clone)]
pub enum ScanEvent {
    Page(ScanPage),
    Done(ScanSummary),
}

/// A page that failed after the client's retries; the scan ends with it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("The scan stopped at page {page}: {source}")]
pub struct ScanError {
    pub page: u64,
    pub source: ApiError,
}

/// The last page a walk may fetch when the first page reported `first_pages`.
pub fn page_bound(first_pages: u64) -> u64 {
    first_pages + 2 + first_pages / 100
}

/// A running scan. Dropping it aborts every task it started.
pub struct Scan {
    rx: mpsc::Receiver<Result<ScanEvent, ScanError>>,
    stop: Option<oneshot::Sender<()>>,
    driver: JoinHandle<()>,
}

impl std::fmt::Debug for Scan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scan").finish_non_exhaustive()
    }
}

impl Scan {
    /// Starts scanning on the current tokio runtime.
    pub fn start(client: &ApiClient, opts: ScanOptions) -> Scan {
        let (tx, rx) = mpsc::channel(2);
        let (stop, stopped) = oneshot::channel();
        let driver = tokio::spawn(drive(client.clone(), opts, tx, stopped));
        Scan {
            rx,
            stop: Some(stop),
            driver,
        }
    }

    /// The next page, the summary after the last page, or `None` once it has ended.
    pub async fn next(&mut self) -> Option<Result<ScanEvent, ScanError>> {
        self.rx.recv().await
    }

    /// Stops the scan and waits until none of its tasks is left.
    pub async fn cancel(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        // The driver shuts its page tasks down (and waits for them) before it returns.
        self.rx.close();
        let _ = (&mut self.driver).await;
    }
}

impl Drop for Scan {
    fn drop(&mut self) {
        self.driver.abort();
    }
}

/// Ids seen so far; UUIDs (every id the API gives) take 16 bytes each.
#[derive(Default)]
struct SeenIds {
    uuids: HashSet<u128>,
    other: HashSet<String>,
}

impl SeenIds {
    /// True the first time an id is offered.
    fn first_time(&mut self, id: &str) -> bool {
        match uuid::Uuid::parse_str(id) {
            Ok(u) => self.uuids.insert(u.as_u128()),
            Err(_) => self.other.insert(id.to_string()),
        }
    }
}

type Sender = mpsc::Sender<Result<ScanEvent, ScanError>>;

struct Walk {
    tx: Sender,
    limiter: std::sync::Arc<crate::api::limiter::Limiter>,
    seen: SeenIds,
    summary: ScanSummary,
    first_pages: u64,
    /// The last page to request (grows when later pages report more, up to the bound).
    planned: u64,
    /// A page that brought only records already listed: the server repeats itself.
    repeated: Option<u64>,
}

impl Walk {
    /// Takes page `n` (in order): drops repeats, updates the plan, hands it over.
    /// False when nobody listens any more.
    async fn take(&mut self, n: u64, page: Page) -> bool {
        let before = page.items.len() as u64;
        let items: Vec<Prospect> = page
            .items
            .into_iter()
            .filter(|p| self.seen.first_time(&p.id))
            .collect();
        let fresh = items.len() as u64;
        if before > 0 && fresh == 0 {
            // Nothing new on a whole page: a server ignoring `page` would never end.
            self.repeated = Some(n);
            return true;
        }
        let s = &mut self.summary;
        s.repeats_skipped += before - fresh;
        s.records += fresh;
        s.pages += 1;
        s.last_total = page.meta.total_items;
        let bound = page_bound(self.first_pages);
        if page.meta.total_pages > bound {
            s.hit_bound = true;
        }
        if before == 0 || (n >= self.first_pages && fresh == 0) {
            // An empty page: nothing lies beyond it. Past the first count, a page with nothing
            // new means the server repeats itself.
            self.planned = self.planned.min(n);
        } else if page.meta.total_pages > self.planned {
            self.planned = page.meta.total_pages.min(bound);
        }
        let progress = Progress {
            scanned: s.records,
            total: s.last_total,
            pages: s.pages,
            server_limit: self.limiter.reduced(),
        };
        self.tx
            .send(Ok(ScanEvent::Page(ScanPage {
                number: n,
                items,
                progress,
            })))
            .await
            .is_ok()
    }
}

async fn drive(client: ApiClient, opts: ScanOptions, tx: Sender, mut stop: oneshot::Receiver<()>) {
    let limit = opts.limit.clamp(1, 100);
    let concurrency = opts.concurrency.clamp(1, MAX_CONCURRENCY);
    // The client's limiter starts here and adapts to the server; the tasks below only keep
    // enough pages asked for that it is never idle.
    client.set_concurrency(concurrency);
    let search = opts.search.filter(|s| !s.is_empty());

    let first = tokio::select! {
        _ = &mut stop => return,
        r = client.list(search.as_deref(), 1, limit) => r,
    };
    let first = match first {
        Ok(p) => p,
        Err(source) => {
            let _ = tx.send(Err(ScanError { page: 1, source })).await;
            return;
        }
    };
    let first_pages = first.meta.total_pages.max(1);
    let mut walk = Walk {
        tx,
        limiter: client.limiter().clone(),
        seen: SeenIds::default(),
        summary: ScanSummary {
            first_total: first.meta.total_items,
            ..Default::default()
        },
        first_pages,
        planned: first_pages,
        repeated: None,
    };
    if !walk.take(1, first).await {
        return;
    }

    let mut tasks: JoinSet<Result<Page, ApiError>> = JoinSet::new();
    let mut page_of: HashMap<tokio::task::Id, u64> = HashMap::new();
    let mut arrived: BTreeMap<u64, Page> = BTreeMap::new();
    let mut next_request = 2;
    let mut next_emit = 2;
    // The first page that failed: the pages before it are still handed over, then the scan
    // ends with its error.
    let mut failed: Option<(u64, ApiError)> = None;
    loop {
        let last_wanted = failed
            .as_ref()
            .map_or(walk.planned, |(f, _)| walk.planned.min(f - 1));
        // At most `concurrency` requests in flight, and pages fetched ahead of the one due
        // next stay within twice that: a slow page never makes the buffer grow without bound.
        while tasks.len() < concurrency
            && next_request <= last_wanted
            && next_request < next_emit + 2 * concurrency as u64
        {
            let (client, search) = (client.clone(), search.clone());
            let n = next_request;
            let handle = tasks.spawn(async move { client.list(search.as_deref(), n, limit).await });
            page_of.insert(handle.id(), n);
            next_request += 1;
        }
        if let Some((f, _)) = &failed
            && next_emit >= *f
        {
            break;
        }
        if tasks.is_empty() {
            break;
        }
        let joined = tokio::select! {
            biased;
            _ = &mut stop => {
                tasks.shutdown().await;
                return;
            }
            j = tasks.join_next_with_id() => j,
        };
        let Some(joined) = joined else { break };
        let (n, result) = match joined {
            Ok((id, r)) => (page_of.remove(&id).unwrap_or(next_emit), r),
            Err(e) => (
                page_of.remove(&e.id()).unwrap_or(next_emit),
                Err(ApiError::Config(format!("the page request stopped ({e})"))),
            ),
        };
        match result {
            Ok(page) => {
                arrived.insert(n, page);
            }
            // A page past a shrunken plan is not needed: its failure does not matter.
            Err(_) if n > walk.planned => {}
            Err(source) => {
                if failed.as_ref().is_none_or(|(f, _)| n < *f) {
                    failed = Some((n, source));
                }
            }
        }
        if failed.as_ref().is_some_and(|(f, _)| next_emit >= *f) {
            break;
        }
        let stop_at = failed.as_ref().map_or(u64::MAX, |(f, _)| *f);
        while next_emit < stop_at
            && let Some(page) = arrived.remove(&next_emit)
        {
            if next_emit <= walk.planned && !walk.take(next_emit, page).await {
                tasks.shutdown().await;
                return;
            }
            if let Some(n) = walk.repeated.take() {
                let detail = format!("page {n} repeats records the server already sent");
                failed = Some((n, ApiError::Paging { detail }));
                break;
            }
            next_emit += 1;
        }
    }
    tasks.shutdown().await;
    let end = match failed {
        Some((page, source)) => Err(ScanError { page, source }),
        None => Ok(ScanEvent::Done(walk.summary)),
    };
    let _ = walk.tx.send(end).await;
}
