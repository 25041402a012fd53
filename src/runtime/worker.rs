//! The worker: owns the API client, runs each request concurrently, reports back as `Msg`s,
//! and aborts a request `update` no longer waits for.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::task::{AbortHandle, JoinHandle, JoinSet};

use super::batch_jobs::{self, SendJob};
use super::explore;
use crate::api::{ApiClient, ApiError};
use crate::app::filter::MatchRow;
use crate::app::msg::ScanPart;
use crate::app::{ApiCall, ApiRequest, Msg, Reply, RequestId};
use crate::patch::phone::Region;
use crate::scan::{Checker, Filter, Progress, RuleSet, Scan, ScanEvent, ScanOptions};

/// What the runtime hands the worker.
#[derive(Debug)]
pub enum Job {
    /// Make this request and answer with `Msg::Api`.
    Start(ApiCall),
    /// Abort this request if it is still running: its answer is no longer wanted.
    Cancel(RequestId),
}

/// What every request of the worker shares.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The pages a scan (`!`, `F`) keeps in flight (config `concurrency`).
    pub concurrency: usize,
    /// Where a batch journals its applied changes (`None`: no state directory).
    pub journal: Option<PathBuf>,
    /// How the problems view (`!`) reads national phone numbers (`default_region`).
    pub region: Option<Region>,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            concurrency: crate::scan::engine::DEFAULT_CONCURRENCY,
            journal: None,
            region: None,
        }
    }
}

/// Starts the worker; it ends when the job channel closes, aborting what still runs.
pub fn spawn(
    client: ApiClient,
    setup: Setup,
    mut jobs: UnboundedReceiver<Job>,
    msgs: UnboundedSender<Msg>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tasks: JoinSet<RequestId> = JoinSet::new();
        let mut running: HashMap<RequestId, AbortHandle> = HashMap::new();
        loop {
            tokio::select! {
                job = jobs.recv() => match job {
                    None => break,
                    Some(Job::Start(call)) => {
                        let req = call.req;
                        let run = run(client.clone(), setup.clone(), call, msgs.clone());
                        let handle = tasks.spawn(run);
                        running.insert(req, handle);
                    }
                    Some(Job::Cancel(req)) => {
                        if let Some(handle) = running.remove(&req) {
                            handle.abort();
                        }
                    }
                },
                // Reap finished requests so neither the set nor the map grows.
                Some(done) = tasks.join_next(), if !tasks.is_empty() => {
                    if let Ok(req) = done {
                        running.remove(&req);
                    }
                }
            }
        }
        tasks.abort_all();
    })
}

/// Makes one request; retries are told to the status line, tagged with the request.
async fn run(
    client: ApiClient,
    setup: Setup,
    call: ApiCall,
    msgs: UnboundedSender<Msg>,
) -> RequestId {
    let ApiCall { req, request } = call;
    let tell = msgs.clone();
    let client = client.with_retry_observer(Arc::new(move |e: &ApiError, wait| {
        let text = e.retrying_sentence(wait);
        let _ = tell.send(Msg::Retrying { req, text });
    }));
    let reply = perform(&client, setup, req, request, &msgs).await;
    // The UI may be gone already; nothing to do then.
    let _ = msgs.send(Msg::Api { req, reply });
    req
}

/// The one place a request kind becomes an HTTP call (a check: many, answered in parts).
async fn perform(
    client: &ApiClient,
    setup: Setup,
    req: RequestId,
    request: ApiRequest,
    msgs: &UnboundedSender<Msg>,
) -> Reply {
    let Setup {
        concurrency: scan_concurrency,
        journal,
        region,
    } = setup;
    let scan = |search| ScanOptions {
        search,
        concurrency: scan_concurrency,
        ..ScanOptions::default()
    };
    match request {
        ApiRequest::Plan { rows, concurrency } => batch_jobs::plan(client, rows, concurrency).await,
        ApiRequest::PlanRevert {
            entries,
            concurrency,
        } => batch_jobs::plan_revert(client, entries, concurrency).await,
        ApiRequest::SendBatch {
            rows,
            profile,
            reason,
            concurrency,
        } => {
            let job = SendJob {
                req,
                profile,
                reason,
                concurrency,
                journal,
            };
            batch_jobs::send(client, rows, job, msgs).await
        }
        ApiRequest::Check { search } => check(client, req, scan(search), region, msgs).await,
        ApiRequest::Filter { search, filter } => {
            find(client, req, scan(search), filter, msgs).await
        }
        ApiRequest::Facet {
            search,
            filter,
            field,
        } => explore::facet(client, req, scan(search), filter, field, msgs).await,
        ApiRequest::Members {
            search,
            filter,
            field,
            values,
        } => explore::members(client, req, scan(search), filter, field, values, msgs).await,
        ApiRequest::Fetch {
            ids,
            field,
            by_scan: true,
            ..
        } => explore::find_ids(client, req, scan(None), ids, field, msgs).await,
        ApiRequest::Fetch {
            ids,
            field,
            concurrency,
            by_scan: false,
        } => explore::fetch(client, req, ids, field, concurrency, msgs).await,
        ApiRequest::Cluster { values, method } => explore::cluster(values, method).await,
        ApiRequest::Page {
            search,
            page,
            limit,
        } => Reply::Page(client.list(search.as_deref(), page, limit).await),
        ApiRequest::ById { id } => Reply::Prospect(client.get(&id).await),
        ApiRequest::ByRef { reference } => {
            Reply::Prospect(client.get_by_external_ref(&reference).await)
        }
        ApiRequest::Patch { id, body } => {
            // As `prospect patch`: a change that could not be journaled is not sent.
            if let Err(e) = journal_opens(journal).await {
                return Reply::Prospect(Err(ApiError::Config(e)));
            }
            Reply::Prospect(client.patch(&id, &body).await)
        }
    }
}

/// Whether the journal (if any) can be opened for appending; the sentence naming it if not.
async fn journal_opens(journal: Option<PathBuf>) -> Result<(), String> {
    let Some(path) = journal else {
        return Ok(());
    };
    tokio::task::spawn_blocking(move || {
        crate::edit::journal::open_for_append(&path)
            .map(drop)
            .map_err(|e| {
                format!(
                    "Nothing was sent: {}",
                    crate::batch::journaling::failure_text(&path, &e)
                )
            })
    })
    .await
    .unwrap_or_else(|e| {
        Err(format!(
            "Nothing was sent: the journal cannot be opened: {e}"
        ))
    })
}

/// Scans every page and runs every rule on it, sending each page's findings as they come
/// and the duplicates at the end; holds the duplicate index, never the records. Aborting
/// the task drops the scan, which stops its requests.
async fn check(
    client: &ApiClient,
    req: RequestId,
    opts: ScanOptions,
    region: Option<Region>,
    msgs: &UnboundedSender<Msg>,
) -> Reply {
    let today = chrono::Utc::now().date_naive();
    let mut checker = Checker::new(RuleSet::new(&[], today).with_region(region));
    let mut scan = Scan::start(client, opts);
    let mut progress = Progress::default();
    let send = |progress, findings| {
        let reply = Reply::Scanned {
            progress,
            part: ScanPart::Findings { findings, today },
        };
        let _ = msgs.send(Msg::Api { req, reply });
    };
    while let Some(event) = scan.next().await {
        match event {
            Ok(ScanEvent::Page(page)) => {
                progress = page.progress;
                send(progress, checker.check_page(&page.items));
            }
            Ok(ScanEvent::Done(summary)) => {
                send(progress, checker.duplicate_findings());
                return Reply::ScanEnded(Ok(summary));
            }
            Err(e) => return Reply::ScanEnded(Err(e)),
        }
    }
    explore::never_ended(progress.pages)
}

/// Scans every page and sends the rows of the records matching `filter`, a page at a time
/// (the rows only: a page's records are dropped once it is filtered).
async fn find(
    client: &ApiClient,
    req: RequestId,
    opts: ScanOptions,
    filter: Filter,
    msgs: &UnboundedSender<Msg>,
) -> Reply {
    explore::stream_pages(client, req, opts, msgs, |items| {
        ScanPart::Matches(
            items
                .iter()
                .filter(|p| filter.matches(p))
                .map(MatchRow::of)
                .collect(),
        )
    })
    .await
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::io::AsyncReadExt;
    use tokio::net::TcpListener;
    use tokio::sync::mpsc;

    use super::*;
    use crate::api::ClientConfig;

    #[tokio::test]
    async fn a_cancelled_request_is_aborted_and_frees_its_connection() {
        // A server that reads the request and never answers.
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let client = ApiClient::new(ClientConfig::new(&base, "t", "s", "test")).expect("client");
        let (jobs, jobs_rx) = mpsc::unbounded_channel();
        let (msgs_tx, mut msgs) = mpsc::unbounded_channel();
        let _worker = spawn(client, Setup::default(), jobs_rx, msgs_tx);
        let req = RequestId(1);
        let request = ApiRequest::Page {
            search: Some("slow".into()),
            page: 1,
            limit: 10,
        };
        jobs.send(Job::Start(ApiCall { req, request }))
            .expect("sent");
        let (mut conn, _) = tokio::time::timeout(Duration::from_secs(30), listener.accept())
            .await
            .expect("the request arrives")
            .expect("accepted");
        let mut buf = [0u8; 4096];
        let n = conn.read(&mut buf).await.expect("reads the request");
        assert!(String::from_utf8_lossy(&buf[..n]).starts_with("GET "));

        jobs.send(Job::Cancel(req)).expect("sent");
        // The aborted task drops its connection: the server reads end of stream.
        let closed = tokio::time::timeout(Duration::from_secs(30), async {
            loop {
                match conn.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
        })
        .await;
        assert!(closed.is_ok(), "the connection stayed open");
        assert!(
            msgs.try_recv().is_err(),
            "no answer for a cancelled request"
        );
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_check_answers_in_parts_with_every_planted_problem_then_ends() {
        use crate::sandbox::{Sandbox, SandboxOptions};
        let sb = Sandbox::start(SandboxOptions {
            count: 300,
            problems: true,
            ..SandboxOptions::default()
        })
        .await
        .expect("sandbox");
        let config = ClientConfig::new(&sb.base_url(), sb.token(), sb.secret(), "test");
        let client = ApiClient::new(config).expect("client");
        let (jobs, jobs_rx) = mpsc::unbounded_channel();
        let (msgs_tx, mut msgs) = mpsc::unbounded_channel();
        let _worker = spawn(client, Setup::default(), jobs_rx, msgs_tx);
        let req = RequestId(7);
        let request = ApiRequest::Check { search: None };
        jobs.send(Job::Start(ApiCall { req, request }))
            .expect("sent");
        let (mut parts, mut findings) = (0, Vec::new());
        let summary = loop {
            let msg = tokio::time::timeout(Duration::from_secs(30), msgs.recv())
                .await
                .expect("an answer within 30 s")
                .expect("the worker runs");
            match msg {
                Msg::Api {
                    req: r,
                    reply:
                        Reply::Scanned {
                            part: ScanPart::Findings { findings: f, .. },
                            ..
                        },
                } if r == req => {
                    parts += 1;
                    findings.extend(f);
                }
                Msg::Api {
                    req: r,
                    reply: Reply::ScanEnded(end),
                } if r == req => break end.expect("the check ends well"),
                other => panic!("unexpected {other:?}"),
            }
        };
        // Three pages of 100, then the duplicates.
        assert_eq!(parts, 4);
        assert_eq!(findings.len(), 64);
        assert_eq!(summary.records, 300);
        assert!(msgs.try_recv().is_err(), "nothing after the end");
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_filter_streams_the_matches_page_by_page_then_ends() {
        use crate::sandbox::{Sandbox, SandboxOptions, generate};
        let sb = Sandbox::start(SandboxOptions {
            count: 250,
            ..SandboxOptions::default()
        })
        .await
        .expect("sandbox");
        let config = ClientConfig::new(&sb.base_url(), sb.token(), sb.secret(), "test");
        let client = ApiClient::new(config).expect("client");
        let (jobs, jobs_rx) = mpsc::unbounded_channel();
        let (msgs_tx, mut msgs) = mpsc::unbounded_channel();
        let _worker = spawn(client, Setup::default(), jobs_rx, msgs_tx);
        let filter = Filter::parse_line("address.country=gbr email~.net").expect("filter");
        let expected: Vec<String> = generate(250, 42)
            .into_iter()
            .filter(|p| filter.matches(p))
            .map(|p| p.id)
            .collect();
        assert!(!expected.is_empty());
        let req = RequestId(9);
        let request = ApiRequest::Filter {
            search: None,
            filter,
        };
        jobs.send(Job::Start(ApiCall { req, request }))
            .expect("sent");
        let mut found = Vec::new();
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(30), msgs.recv())
                .await
                .expect("an answer within 30 s")
                .expect("the worker runs");
            match msg {
                Msg::Api {
                    reply:
                        Reply::Scanned {
                            part: ScanPart::Matches(items),
                            ..
                        },
                    ..
                } => found.extend(items.iter().map(|m| m.id().to_string())),
                Msg::Api {
                    reply: Reply::ScanEnded(end),
                    ..
                } => {
                    assert_eq!(end.expect("ends well").records, 250);
                    break;
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(found, expected);
    }
}
