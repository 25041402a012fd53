//! The scan engine against the real sandbox and a small scripted ("hostile") server: pages
//! in order, each record once, 429 pausing every worker, a failing page, a total that changes
//! mid-scan, servers that never end, and cancellation leaving no task behind.

use crate::common;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use prospect::api::{ApiClient, ClientConfig, Prospect};
use prospect::sandbox::{Sandbox, SandboxOptions, generate};
use prospect::scan::engine::page_bound;
use prospect::scan::{Scan, ScanError, ScanEvent, ScanOptions, ScanSummary};
use serde_json::{Value, json};

/// Runs a scan to its end: the page numbers, the records in order, and how it ended.
async fn collect(mut scan: Scan) -> (Vec<u64>, Vec<Prospect>, Result<ScanSummary, ScanError>) {
    let (mut pages, mut items) = (Vec::new(), Vec::new());
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let next = tokio::time::timeout_at(deadline.into(), scan.next())
            .await
            .expect("the scan ends within 60 s");
        match next {
            Some(Ok(ScanEvent::Page(p))) => {
                pages.push(p.number);
                items.extend(p.items);
            }
            Some(Ok(ScanEvent::Done(s))) => return (pages, items, Ok(s)),
            Some(Err(e)) => return (pages, items, Err(e)),
            None => panic!("the scan ended without a summary"),
        }
    }
}

fn opts(limit: u64, concurrency: usize) -> ScanOptions {
    ScanOptions {
        search: None,
        limit,
        concurrency,
    }
}

fn ids(items: &[Prospect]) -> Vec<String> {
    items.iter().map(|p| p.id.clone()).collect()
}

/// The sandbox's records in its own order, walked one page at a time.
async fn sequential(c: &ApiClient, search: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    for page in 1.. {
        let p = c.list(search, page, 100).await.unwrap();
        out.extend(p.items.into_iter().map(|p| p.id));
        if page >= p.meta.total_pages {
            break;
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_come_in_order_with_every_record_once_at_any_concurrency() {
    let sb = Sandbox::start(SandboxOptions {
        count: 503,
        latency_ms: 2,
        ..Default::default()
    })
    .await
    .unwrap();
    let c = common::client(&sb);
    let expected = sequential(&c, None).await;
    for concurrency in [1, 3, 8, 16] {
        let (pages, items, end) = collect(Scan::start(&c, opts(7, concurrency))).await;
        assert_eq!(pages, (1..=72).collect::<Vec<_>>(), "at {concurrency}");
        assert_eq!(ids(&items), expected, "at {concurrency}");
        let s = end.unwrap();
        assert_eq!((s.records, s.first_total, s.last_total), (503, 503, 503));
        assert_eq!(s.note(), None);
    }
    // Narrowed server-side by a search.
    let (_, items, _) = collect(Scan::start(
        &c,
        ScanOptions {
            search: Some("an".into()),
            ..opts(10, 4)
        },
    ))
    .await;
    assert_eq!(ids(&items), sequential(&c, Some("an")).await);
    assert!(!items.is_empty());
}

// ---- a scripted server ------------------------------------------------------------------

/// What the scripted server answers to one request.
struct Reply {
    status: StatusCode,
    retry_after: Option<u64>,
    delay: Duration,
    /// `None`: the page from `records`; `Some`: this body instead.
    body: Option<Value>,
    /// Overrides `meta.totalPages` (and `totalItems` to match).
    total_pages: Option<u64>,
    /// Serves this page's records whatever page was asked for.
    serve_page: Option<u64>,
}

impl Reply {
    fn page() -> Self {
        Reply {
            status: StatusCode::OK,
            retry_after: None,
            delay: Duration::ZERO,
            body: None,
            total_pages: None,
            serve_page: None,
        }
    }
}

/// One request as the scripted server saw it.
struct Ctx<'a> {
    page: u64,
    /// How many times this page was asked for before (0 the first time).
    hit: u32,
    records: &'a mut Vec<Value>,
}

type Script = Box<dyn Fn(&mut Ctx) -> Reply + Send + Sync>;

struct Scripted {
    base_url: String,
    records: Mutex<Vec<Value>>,
    hits: Mutex<HashMap<u64, u32>>,
    /// (arrival, page, status answered)
    log: Mutex<Vec<(Instant, u64, u16)>>,
    script: Script,
}

#[derive(serde::Deserialize)]
struct ListQuery {
    page: u64,
    limit: u64,
}

async fn serve_list(State(s): State<Arc<Scripted>>, Query(q): Query<ListQuery>) -> Response {
    let arrived = Instant::now();
    let (reply, body) = {
        let hit = {
            let mut hits = s.hits.lock().unwrap();
            let h = hits.entry(q.page).or_default();
            *h += 1;
            *h - 1
        };
        let mut records = s.records.lock().unwrap();
        let reply = (s.script)(&mut Ctx {
            page: q.page,
            hit,
            records: &mut records,
        });
        let total = records.len() as u64;
        let start = ((reply.serve_page.unwrap_or(q.page) - 1) * q.limit) as usize;
        let items: Vec<Value> = records
            .iter()
            .skip(start)
            .take(q.limit as usize)
            .cloned()
            .collect();
        let total_pages = reply.total_pages.unwrap_or(total.div_ceil(q.limit));
        let body = reply.body.clone().unwrap_or_else(|| {
            json!({"items": items, "meta": {
                "currentPage": q.page, "itemCount": items.len(), "itemsPerPage": q.limit,
                "totalItems": reply.total_pages.map_or(total, |p| p * q.limit),
                "totalPages": total_pages}})
        });
        (reply, body)
    };
    s.log
        .lock()
        .unwrap()
        .push((arrived, q.page, reply.status.as_u16()));
    tokio::time::sleep(reply.delay).await;
    let mut resp = (reply.status, axum::Json(body)).into_response();
    if let Some(secs) = reply.retry_after {
        resp.headers_mut()
            .insert("retry-after", secs.to_string().parse().unwrap());
    }
    resp
}

/// Starts a scripted server over `count` generated records; returns it and a client for it.
async fn scripted(count: usize, script: Script) -> (Arc<Scripted>, ApiClient) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = Arc::new(Scripted {
        base_url: format!("http://{addr}"),
        records: Mutex::new(generate(count, 7).iter().map(Prospect::to_value).collect()),
        hits: Mutex::default(),
        log: Mutex::default(),
        script,
    });
    let app = axum::Router::new()
        .route(common::PERSONAL, axum::routing::get(serve_list))
        .with_state(state.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = ApiClient::new(ClientConfig::new(
        &state.base_url,
        "token",
        "secret",
        "scripted",
    ))
    .unwrap();
    (state, client)
}

fn generated_ids(count: usize) -> Vec<String> {
    generate(count, 7).into_iter().map(|p| p.id).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_that_finish_out_of_order_are_still_handed_over_in_order() {
    // Earlier pages answer more slowly, so later ones always finish first.
    let (_s, c) = scripted(
        200,
        Box::new(|ctx| Reply {
            delay: Duration::from_millis(5 * (20 - ctx.page.min(20))),
            ..Reply::page()
        }),
    )
    .await;
    let (pages, items, end) = collect(Scan::start(&c, opts(10, 8))).await;
    assert_eq!(pages, (1..=20).collect::<Vec<_>>());
    assert_eq!(ids(&items), generated_ids(200));
    assert_eq!(end.unwrap().note(), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_429_pauses_every_worker_for_its_retry_after() {
    let (s, c) = scripted(
        400,
        Box::new(|ctx| {
            if ctx.page == 6 && ctx.hit == 0 {
                Reply {
                    status: StatusCode::TOO_MANY_REQUESTS,
                    retry_after: Some(1),
                    body: Some(json!({"statusCode": 429, "message": "slow down"})),
                    ..Reply::page()
                }
            } else {
                // Slow enough that free workers would go on fetching during the pause.
                Reply {
                    delay: Duration::from_millis(150),
                    ..Reply::page()
                }
            }
        }),
    )
    .await;
    let (pages, items, end) = collect(Scan::start(&c, opts(10, 4))).await;
    assert_eq!(pages, (1..=40).collect::<Vec<_>>());
    assert_eq!(ids(&items), generated_ids(400));
    end.unwrap();
    let log = s.log.lock().unwrap();
    let limited = log
        .iter()
        .find(|(_, _, status)| *status == 429)
        .map(|(t, _, _)| *t)
        .expect("a 429 was answered");
    // Requests already on their way may land just after the 429; after that, nothing until
    // the second has passed, though the other three workers had pages left to fetch.
    let during: Vec<_> = log
        .iter()
        .filter(|(t, _, _)| {
            *t > limited + Duration::from_millis(200) && *t < limited + Duration::from_millis(900)
        })
        .map(|(_, page, _)| *page)
        .collect();
    assert_eq!(during, Vec::<u64>::new(), "requests during the pause");
    let after = log.iter().filter(|(t, _, _)| *t > limited).count();
    assert!(
        after > 4,
        "the scan went on after the pause ({after} requests)"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_that_keeps_failing_ends_the_scan_with_an_error_naming_it() {
    let (_s, c) = scripted(
        300,
        Box::new(|ctx| {
            if ctx.page == 5 {
                Reply {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    body: Some(json!({"statusCode": 503, "message": "down"})),
                    ..Reply::page()
                }
            } else {
                Reply::page()
            }
        }),
    )
    .await;
    let (pages, items, end) = collect(Scan::start(&c, opts(10, 4))).await;
    let e = end.unwrap_err();
    assert_eq!(e.page, 5);
    assert!(e.to_string().contains("page 5"), "{e}");
    // Never a silent gap: nothing after the failed page was handed over.
    assert_eq!(pages, vec![1, 2, 3, 4]);
    assert_eq!(ids(&items), generated_ids(40));
}

#[tokio::test(flavor = "multi_thread")]
async fn records_added_at_the_end_mid_scan_are_picked_up_and_the_change_is_reported() {
    let sb = Sandbox::start(SandboxOptions {
        count: 500,
        latency_ms: 5,
        ..Default::default()
    })
    .await
    .unwrap();
    let c = common::client(&sb);
    let mut scan = Scan::start(&c, opts(10, 2));
    let Some(Ok(ScanEvent::Page(first))) = scan.next().await else {
        panic!("no first page")
    };
    assert_eq!(first.progress.total, 500);
    let template = sb.get_record(prospect::sandbox::data::JOHN_DOE_ID).unwrap();
    let mut added = Vec::new();
    for i in 0..15 {
        let mut p = template.clone();
        p.id = uuid::Uuid::new_v4().to_string();
        p.email = format!("added.{i}@example.com");
        p.external_reference = None;
        added.push(p.id.clone());
        sb.put_record(p);
    }
    let (_, rest, end) = collect(scan).await;
    let mut all = ids(&first.items);
    all.extend(ids(&rest));
    let unique: HashSet<_> = all.iter().collect();
    assert_eq!(unique.len(), all.len(), "no record twice");
    assert_eq!(all.len(), 515);
    assert!(added.iter().all(|id| unique.contains(id)));
    let s = end.unwrap();
    assert_eq!((s.first_total, s.last_total, s.records), (500, 515, 515));
    assert!(
        s.note()
            .unwrap()
            .contains("500 prospects at the start, 515 at the end")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn records_inserted_in_front_mid_scan_never_come_twice_and_none_is_lost() {
    // After page 2, five new records go in front: every later record moves five places on,
    // so the next pages repeat some records and the last ones move onto a new page.
    let (_s, c) = scripted(
        200,
        Box::new(|ctx| {
            if ctx.page == 3 && ctx.hit == 0 {
                let fresh: Vec<Value> = generate(5, 99).iter().map(Prospect::to_value).collect();
                ctx.records.splice(0..0, fresh);
            }
            Reply::page()
        }),
    )
    .await;
    let (_, items, end) = collect(Scan::start(&c, opts(10, 1))).await;
    let got = ids(&items);
    let unique: HashSet<_> = got.iter().collect();
    assert_eq!(unique.len(), got.len(), "no record twice");
    for id in generated_ids(200) {
        assert!(unique.contains(&id), "{id} was lost");
    }
    let s = end.unwrap();
    assert_eq!(s.repeats_skipped, 5);
    assert!(s.note().is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_claiming_ever_more_pages_or_repeating_a_page_cannot_make_the_walk_endless() {
    // Every page claims there is one more, with fresh records each time.
    let (s, c) = scripted(
        100,
        Box::new(|ctx| {
            let more: Vec<Value> = generate(10, 1000 + ctx.page)
                .iter()
                .map(Prospect::to_value)
                .collect();
            ctx.records.extend(more);
            Reply {
                total_pages: Some(ctx.page + 1),
                ..Reply::page()
            }
        }),
    )
    .await;
    let (pages, _, end) = collect(Scan::start(&c, opts(10, 4))).await;
    let bound = page_bound(2);
    assert_eq!(pages, (1..=bound).collect::<Vec<_>>());
    let summary = end.unwrap();
    assert!(summary.hit_bound);
    assert!(
        summary
            .note()
            .unwrap()
            .contains("kept reporting more pages")
    );
    assert_eq!(s.log.lock().unwrap().len() as u64, bound);

    // A server that ignores `page` and sends page 1 again and again.
    let (s, c) = scripted(
        10,
        Box::new(|_| Reply {
            total_pages: Some(50),
            serve_page: Some(1),
            ..Reply::page()
        }),
    )
    .await;
    let (pages, items, end) = collect(Scan::start(&c, opts(10, 4))).await;
    assert_eq!(pages, vec![1]);
    assert_eq!(ids(&items), generated_ids(10));
    let e = end.unwrap_err();
    assert_eq!(e.page, 2);
    assert!(e.to_string().contains("repeats records"), "{e}");
    // Only the pages in flight when page 2 came back were asked for.
    assert!(
        s.log.lock().unwrap().len() <= 1 + 8,
        "{}",
        s.log.lock().unwrap().len()
    );
}

/// Cancelling (or dropping) a scan leaves no task running on the runtime.
#[test]
fn cancelling_or_dropping_a_scan_leaves_no_task_running() {
    // The sandbox runs on a runtime of its own, so the test's runtime holds only the scan.
    let (tx, rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let sb = Sandbox::start(SandboxOptions {
                count: 5000,
                latency_ms: 30,
                ..Default::default()
            })
            .await
            .unwrap();
            tx.send(common::config(&sb)).unwrap();
            let _ = stop_rx.await;
        });
    });
    let config = rx.recv().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let alive = || rt.metrics().num_alive_tasks();
    assert_eq!(alive(), 0);
    for cancel in [true, false] {
        rt.block_on(async {
            let c = ApiClient::new(config.clone()).unwrap();
            let mut scan = Scan::start(&c, opts(10, 8));
            for _ in 0..3 {
                assert!(matches!(scan.next().await, Some(Ok(ScanEvent::Page(_)))));
            }
            if cancel {
                scan.cancel().await;
            } else {
                drop(scan);
            }
        });
        // Connection tasks of the dropped client wind down on their own: poll, don't sleep.
        let deadline = Instant::now() + Duration::from_secs(30);
        while alive() > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(
            alive(),
            0,
            "tasks left after {}",
            if cancel { "cancel" } else { "drop" }
        );
    }
    let _ = stop_tx.send(());
    server.join().unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn list_all_exits_non_zero_naming_the_page_that_failed() {
    let (s, _) = scripted(
        300,
        Box::new(|ctx| {
            if ctx.page == 3 {
                Reply {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    body: Some(json!({"statusCode": 500, "message": "boom"})),
                    ..Reply::page()
                }
            } else {
                Reply::page()
            }
        }),
    )
    .await;
    let home = tempfile::tempdir().unwrap();
    let o = tokio::process::Command::new(env!("CARGO_BIN_EXE_prospect"))
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("PROSPECT_BASE_URL", &s.base_url)
        .env("PROSPECT_API_TOKEN", "token")
        .env("PROSPECT_API_SECRET", "secret")
        .args(["list", "--all", "--limit", "10", "-o", "ndjson"])
        .output()
        .await
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("The scan stopped at page 3"), "{err}");
    // What came before the failed page was written, nothing after it.
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 20);
}
