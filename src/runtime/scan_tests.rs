//! The TUI's scans (`!`, `F`) keep as many pages in flight as configured (`concurrency`),
//! seen by the sandbox itself: a counting layer around it on loopback.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::extract::Request;
use axum::middleware::{Next, from_fn};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::harness::WAIT;
use super::{App, Clipboard, TuiOptions};
use crate::api::{ApiClient, ClientConfig};
use crate::sandbox::{SandboxOptions, SandboxState, router};

/// Requests the server is answering right now, and the most there ever were.
#[derive(Default)]
struct InFlight {
    now: AtomicUsize,
    most: AtomicUsize,
}

/// The sandbox (3,000 records, 150 ms a request) behind a layer counting requests in flight:
/// its base URL, the counts and the server task.
async fn counted_sandbox() -> (String, Arc<InFlight>, tokio::task::JoinHandle<()>) {
    counted(SandboxOptions::default()).await
}

/// As [`counted_sandbox`], with `opts`'s fault settings.
async fn counted(opts: SandboxOptions) -> (String, Arc<InFlight>, tokio::task::JoinHandle<()>) {
    let opts = SandboxOptions {
        count: 3000,
        latency_ms: 150,
        token: Some("tok".into()),
        secret: Some("sec".into()),
        ..opts
    };
    let counts = Arc::new(InFlight::default());
    let c = counts.clone();
    let app = router(SandboxState::new(&opts)).layer(from_fn(move |req: Request, next: Next| {
        let c = c.clone();
        async move {
            let now = c.now.fetch_add(1, Ordering::SeqCst) + 1;
            c.most.fetch_max(now, Ordering::SeqCst);
            let res = next.run(req).await;
            c.now.fetch_sub(1, Ordering::SeqCst);
            res
        }
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (base, counts, task)
}

/// The app with `concurrency` configured, on the counted sandbox, with its first page shown
/// and nothing in flight.
async fn app_on(base: &str, concurrency: usize) -> App<TestBackend> {
    let client = ApiClient::new(ClientConfig::new(base, "tok", "sec", "test")).unwrap();
    let opts = TuiOptions {
        concurrency,
        ..TuiOptions::default()
    };
    let terminal = Terminal::new(TestBackend::new(120, 30)).unwrap();
    let mut app = App::new(client, &opts, terminal, Clipboard::Memory(Vec::new())).unwrap();
    // The first page and its prefetch answered: from here on only the scan asks.
    let idle = app.wait_for(WAIT, |s, _| s.list.shown.is_some() && s.requests.is_empty());
    assert!(idle.await.unwrap(), "the first page");
    app
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_problems_scan_keeps_the_configured_pages_in_flight() {
    let (base, counts, _server) = counted_sandbox().await;
    let mut app = app_on(&base, 7).await;
    assert_eq!(counts.now.load(Ordering::SeqCst), 0);
    counts.most.store(0, Ordering::SeqCst);
    app.key(KeyEvent::from(KeyCode::Char('!')));
    let done = app.wait_for(WAIT, |s, _| {
        s.problems.as_ref().is_some_and(|p| p.scan.ended.is_some())
    });
    assert!(done.await.unwrap(), "{}", app.screen());
    assert!(
        app.screen().contains("scanned 3,000 records"),
        "{}",
        app.screen()
    );
    // 30 pages of 150 ms each: after the first, 7 at a time (the default would be 4).
    assert_eq!(counts.most.load(Ordering::SeqCst), 7);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_filter_scan_keeps_the_configured_pages_in_flight() {
    let (base, counts, _server) = counted_sandbox().await;
    let mut app = app_on(&base, 2).await;
    assert_eq!(counts.now.load(Ordering::SeqCst), 0);
    counts.most.store(0, Ordering::SeqCst);
    app.key(KeyEvent::from(KeyCode::Char('F')));
    app.type_text("email~@");
    app.key(KeyEvent::from(KeyCode::Enter));
    let done = app.wait_for(WAIT, |s, _| {
        s.filter.as_ref().is_some_and(|f| f.scan.ended.is_some())
    });
    assert!(done.await.unwrap(), "{}", app.screen());
    assert!(
        app.screen()
            .contains("3,000 matches · scanned 3,000 records"),
        "{}",
        app.screen()
    );
    assert_eq!(counts.most.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scan_under_a_server_limit_slows_down_says_so_and_finishes() {
    let (base, counts, _server) = counted(SandboxOptions {
        max_inflight: 2,
        ..SandboxOptions::default()
    })
    .await;
    let mut app = app_on(&base, 7).await;
    app.key(KeyEvent::from(KeyCode::Char('!')));
    // The view's title says it while the scan runs (and the retry notice in the status line).
    let told = app.wait_for(WAIT, |_, screen| {
        screen.contains("scanning") && screen.contains("server limit: 2 requests at a time")
    });
    assert!(told.await.unwrap(), "{}", app.screen());
    let done = app.wait_for(WAIT, |s, _| {
        s.problems.as_ref().is_some_and(|p| p.scan.ended.is_some())
    });
    assert!(done.await.unwrap(), "{}", app.screen());
    assert!(
        app.screen().contains("scanned 3,000 records"),
        "{}",
        app.screen()
    );
    // The layer counts what reached the server, refused or not: the client kept to 2 once
    // it learnt the limit, so the most seen is the first burst.
    assert!(counts.most.load(Ordering::SeqCst) <= 7);
}
