//! The facet view's work in the background: counting a field's values over a scan (the
//! counts so far sent now and then, sorted, so the view never sorts), finding the records of
//! some values, and clustering values off the UI thread.

use std::collections::HashSet;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;
use tokio::time::Instant;

use crate::api::{ApiClient, ApiError, Prospect};
use crate::app::facet::Member;
use crate::app::msg::ScanPart;
use crate::app::{Msg, Reply, RequestId};
use crate::scan::facet::{Facet, FacetField, Method, clusters};
use crate::scan::keys::By;
use crate::scan::{Filter, Scan, ScanError, ScanEvent, ScanOptions};

/// How often the counts so far are sent while a facet scan runs (and once at its end).
const COUNTS_EVERY: Duration = Duration::from_millis(250);

/// The answer when a scan's stream ends without its last event.
pub(super) fn never_ended(pages: u64) -> Reply {
    Reply::ScanEnded(Err(ScanError {
        page: pages + 1,
        source: ApiError::Config("the scan ended without a result".into()),
    }))
}

/// Counts `field` over every record of the scan that passes `filter`.
pub(super) async fn facet(
    client: &ApiClient,
    req: RequestId,
    opts: ScanOptions,
    filter: Option<Filter>,
    field: FacetField,
    msgs: &UnboundedSender<Msg>,
) -> Reply {
    let mut facet = Facet::new(field, By::Exact, false);
    let mut scan = Scan::start(client, opts);
    let mut last_sent: Option<Instant> = None;
    let mut pages = 0;
    let send = |facet: &Facet, progress| {
        let reply = Reply::Scanned {
            progress,
            part: ScanPart::Counts(facet.report(0)),
        };
        let _ = msgs.send(Msg::Api { req, reply });
    };
    while let Some(event) = scan.next().await {
        match event {
            Ok(ScanEvent::Page(page)) => {
                pages = page.progress.pages;
                for p in page.items.iter() {
                    if filter.as_ref().is_none_or(|f| f.matches(p)) {
                        facet.add(p);
                    }
                }
                let due = last_sent.is_none_or(|t| t.elapsed() >= COUNTS_EVERY);
                let last = page.progress.scanned >= page.progress.total;
                if due || last {
                    send(&facet, page.progress);
                    last_sent = Some(Instant::now());
                }
            }
            Ok(ScanEvent::Done(summary)) => {
                let progress = crate::scan::Progress {
                    scanned: summary.records,
                    total: summary.records,
                    pages: summary.pages,
                    server_limit: None,
                };
                send(&facet, progress);
                return Reply::ScanEnded(Ok(summary));
            }
            Err(e) => return Reply::ScanEnded(Err(e)),
        }
    }
    never_ended(pages)
}

/// How the views name a record: its name and external reference.
fn label(p: &Prospect) -> String {
    crate::present::name_and_ref(&p.full_name(), p.external_reference.as_deref(), &p.id)
}

/// Scans every page and sends what `part` makes of each page's records (the records are
/// dropped once a page is done): the filter view's matches, a members scan's records.
pub(super) async fn stream_pages(
    client: &ApiClient,
    req: RequestId,
    opts: ScanOptions,
    msgs: &UnboundedSender<Msg>,
    part: impl Fn(&[Prospect]) -> ScanPart,
) -> Reply {
    let mut scan = Scan::start(client, opts);
    let mut pages = 0;
    while let Some(event) = scan.next().await {
        match event {
            Ok(ScanEvent::Page(page)) => {
                pages = page.progress.pages;
                let reply = Reply::Scanned {
                    progress: page.progress,
                    part: part(&page.items),
                };
                let _ = msgs.send(Msg::Api { req, reply });
            }
            Ok(ScanEvent::Done(summary)) => return Reply::ScanEnded(Ok(summary)),
            Err(e) => return Reply::ScanEnded(Err(e)),
        }
    }
    never_ended(pages)
}

/// The records whose `field` holds one of `values` (`None`: blank or missing).
pub(super) async fn members(
    client: &ApiClient,
    req: RequestId,
    opts: ScanOptions,
    filter: Option<Filter>,
    field: FacetField,
    values: Vec<Option<String>>,
    msgs: &UnboundedSender<Msg>,
) -> Reply {
    let want_empty = values.iter().any(Option::is_none);
    let wanted: HashSet<String> = values.into_iter().flatten().collect();
    stream_pages(client, req, opts, msgs, |items| {
        let found = items
            .iter()
            .filter(|p| filter.as_ref().is_none_or(|f| f.matches(p)))
            .filter_map(|p| {
                let value = field.value(p).filter(|v| !v.trim().is_empty());
                let hit = match &value {
                    Some(v) => wanted.contains(v),
                    None => want_empty,
                };
                hit.then(|| Member {
                    id: p.id.clone(),
                    label: label(p),
                    value,
                })
            })
            .collect();
        ScanPart::Members(found)
    })
    .await
}

/// How many fetched records a part carries (a part also goes when `COUNTS_EVERY` passed).
const FETCHED_PER_PART: usize = 50;

/// Fetches the records `ids`, `concurrency` at a time (the client's limiter and retries as
/// for every request), and sends each one's value of `field` as members; a record not found
/// (deleted since) is left out. Any other failure ends the fetch with what was sent so far.
pub(super) async fn fetch(
    client: &ApiClient,
    req: RequestId,
    ids: Vec<String>,
    field: crate::patch::FieldPath,
    concurrency: usize,
    msgs: &UnboundedSender<Msg>,
) -> Reply {
    use futures::StreamExt;
    let total = ids.len() as u64;
    let mut answers = futures::stream::iter(ids)
        .map(|id| async move { client.get(&id).await })
        .buffer_unordered(concurrency.max(1));
    let mut found = Vec::new();
    let mut done: u64 = 0;
    let mut last_sent = Instant::now();
    let send = |found: &mut Vec<Member>, done: u64| {
        let progress = crate::scan::Progress {
            scanned: done,
            total,
            pages: done,
            server_limit: client.limiter().reduced(),
        };
        let part = ScanPart::Members(std::mem::take(found));
        let _ = msgs.send(Msg::Api {
            req,
            reply: Reply::Scanned { progress, part },
        });
    };
    while let Some(answer) = answers.next().await {
        done += 1;
        match answer {
            Ok(p) => found.push(Member {
                id: p.id.clone(),
                label: label(&p),
                value: field.get(&p).filter(|v| !v.trim().is_empty()),
            }),
            Err(ApiError::NotFound { .. }) => {}
            Err(source) => {
                send(&mut found, done);
                return Reply::ScanEnded(Err(ScanError { page: done, source }));
            }
        }
        if found.len() >= FETCHED_PER_PART || last_sent.elapsed() >= COUNTS_EVERY {
            send(&mut found, done);
            last_sent = Instant::now();
        }
    }
    send(&mut found, done);
    Reply::ScanEnded(Ok(crate::scan::ScanSummary {
        records: done,
        pages: done,
        ..crate::scan::ScanSummary::default()
    }))
}

/// The records `ids` found by a scan of every page (cheaper than a GET each when they are
/// many), each one's value of `field` sent as members as its page comes.
pub(super) async fn find_ids(
    client: &ApiClient,
    req: RequestId,
    opts: ScanOptions,
    ids: Vec<String>,
    field: crate::patch::FieldPath,
    msgs: &UnboundedSender<Msg>,
) -> Reply {
    let wanted: HashSet<String> = ids.into_iter().collect();
    stream_pages(client, req, opts, msgs, |items| {
        let found = items
            .iter()
            .filter(|p| wanted.contains(&p.id))
            .map(|p| Member {
                id: p.id.clone(),
                label: label(p),
                value: field.get(p).filter(|v| !v.trim().is_empty()),
            })
            .collect();
        ScanPart::Members(found)
    })
    .await
}

/// Clusters `values` on a blocking thread (n-gram keys over many values take a while).
pub(super) async fn cluster(values: Vec<(String, u64)>, method: Method) -> Reply {
    let work = tokio::task::spawn_blocking(move || {
        let counts: Vec<(&str, u64)> = values.iter().map(|(v, n)| (v.as_str(), *n)).collect();
        clusters(&counts, method)
    });
    Reply::Clustered(work.await.unwrap_or_default())
}
