//! Retries: under the sandbox's injected failures, and against a scripted stub that records
//! every attempt's signed headers (issue 17: GETs retried on 429, 500/502/503/504, timeouts and
//! connection failures, with full-jitter backoff, at most 5 retries; a PATCH never; a fresh
//! date and nonce each time).

use crate::common;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use common::{body, config};
use prospect::api::sign::{Payload, SignedHeaders};
use prospect::api::{ApiClient, ApiError, ClientConfig};
use prospect::sandbox::{Sandbox, SandboxOptions, data};
use serde_json::json;

#[tokio::test]
async fn injected_failures_come_before_any_change_and_gets_are_retried() {
    let sb = Arc::new(
        Sandbox::start(SandboxOptions {
            count: 10,
            fail_rate: 1.0,
            ..SandboxOptions::default()
        })
        .await
        .unwrap(),
    );
    let c = ApiClient::new(quick(config(&sb))).unwrap();
    let err = c.get(data::JOHN_DOE_ID).await.unwrap_err();
    let seen = sb.requests();
    let statuses: Vec<u16> = seen.iter().map(|r| r.status).collect();
    assert!(
        statuses.iter().all(|s| [500, 503, 429].contains(s)),
        "{statuses:?}"
    );
    // 500, 503 and 429 are all retried: one try and five retries.
    assert_eq!(statuses.len(), 6, "{statuses:?}");
    match (*statuses.last().unwrap(), &err) {
        (429, ApiError::RateLimited { retry_after }) => {
            assert_eq!(*retry_after, Some(Duration::from_secs(1)))
        }
        (s, ApiError::Server { status, .. }) => assert_eq!(s, *status),
        other => panic!("unexpected {other:?}"),
    }
    // Every attempt was the same GET. (Fresh nonces and signatures per attempt are checked
    // against the recording stub below: injected failures come before the sandbox's own
    // signature and nonce check, so it cannot tell.)
    assert!(
        seen.iter()
            .all(|r| r.method == "GET" && r.path_and_query == seen[0].path_and_query),
        "{seen:?}"
    );

    sb.clear_requests();
    let patched = c
        .patch(data::JOHN_DOE_ID, &body(json!({"lastName": "Failed"})))
        .await;
    assert!(patched.is_err());
    assert_eq!(sb.requests().len(), 1, "a PATCH is never retried");
    assert_eq!(
        sb.get_record(data::JOHN_DOE_ID)
            .unwrap()
            .last_name
            .as_deref(),
        Some("Doe")
    );

    // A retry passes the real verifier: the observer turns failures off before the client
    // waits, so the retry is the first attempt the sandbox checks, and it must be accepted.
    let heal = sb.clone();
    let healing = ApiClient::new(quick(config(&sb)))
        .unwrap()
        .with_retry_observer(Arc::new(move |_: &ApiError, _| heal.set_fail_rate(0.0)));
    sb.set_fail_rate(1.0);
    sb.clear_requests();
    let page = healing.list(None, 1, 1).await.unwrap();
    assert_eq!(page.items.len(), 1);
    let statuses: Vec<u16> = sb.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses.len(), 2, "{statuses:?}");
    assert!([500, 503, 429].contains(&statuses[0]), "{statuses:?}");
    assert_eq!(statuses[1], 200);

    let c = ApiClient::new(config(&sb)).unwrap();
    assert_eq!(
        c.get(data::JOHN_DOE_ID).await.unwrap().last_name.as_deref(),
        Some("Doe")
    );
    let ok = c
        .patch(data::JOHN_DOE_ID, &body(json!({"lastName": "Worked"})))
        .await
        .unwrap();
    assert_eq!(ok.last_name.as_deref(), Some("Worked"));
}

/// `cfg` with short waits, so that a test of five retries takes milliseconds.
fn quick(mut cfg: ClientConfig) -> ClientConfig {
    cfg.max_retry_wait = Duration::from_millis(50);
    cfg.retry_base = Duration::from_millis(5);
    cfg
}

const TOKEN: &str = "pk_stub";
const SECRET: &str = "sk_stub";

/// One scripted answer.
#[derive(Debug, Clone, Copy)]
struct Reply {
    status: u16,
    retry_after: Option<&'static str>,
}

fn fail(status: u16) -> Reply {
    Reply {
        status,
        retry_after: None,
    }
}

fn limited(retry_after: &'static str) -> Reply {
    Reply {
        status: 429,
        retry_after: Some(retry_after),
    }
}

fn ok() -> Reply {
    fail(200)
}

/// One request as the stub saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    target: String,
    date: String,
    nonce: String,
    signature: String,
}

#[derive(Clone)]
struct StubState {
    script: Arc<Vec<Reply>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

/// A server on 127.0.0.1:0 that answers the n-th request with `script[n]` (the last entry
/// once the script runs out) and records each request's signed headers.
struct Stub {
    base_url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Stub {
    async fn start(script: &[Reply]) -> Stub {
        let state = StubState {
            script: Arc::new(script.to_vec()),
            seen: Arc::new(Mutex::new(Vec::new())),
        };
        let seen = state.seen.clone();
        let app = axum::Router::new().fallback(answer).with_state(state);
        let (base_url, task) = common::serve(app).await;
        Stub {
            base_url,
            seen,
            task,
        }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn config(&self) -> ClientConfig {
        ClientConfig::new(&self.base_url, TOKEN, SECRET, "stub")
    }
}

impl Drop for Stub {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(
    axum::extract::State(s): axum::extract::State<StubState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let n = {
        let mut seen = s.seen.lock().unwrap();
        seen.push(Seen {
            method: method.to_string(),
            target: uri
                .path_and_query()
                .map_or("", |pq| pq.as_str())
                .to_string(),
            date: header("date"),
            nonce: header("x-alg-nonce"),
            signature: header("x-alg-signature"),
        });
        seen.len() - 1
    };
    let reply = s.script[n.min(s.script.len() - 1)];
    let status = StatusCode::from_u16(reply.status).unwrap();
    if status.is_success() {
        let page = r#"{"items":[],"meta":{"currentPage":1,"itemCount":0,"itemsPerPage":10,"totalItems":0,"totalPages":0}}"#;
        return (status, page).into_response();
    }
    let body = json!({
        "statusCode": reply.status,
        "message": status.canonical_reason().unwrap_or("Error"),
    })
    .to_string();
    match reply.retry_after {
        Some(ra) => (status, [("retry-after", ra)], body).into_response(),
        None => (status, body).into_response(),
    }
}

type Heard = Arc<Mutex<Vec<(ApiError, Duration)>>>;

/// A client whose retry notices (error, wait) are collected.
fn observed(cfg: ClientConfig) -> (ApiClient, Heard) {
    let heard: Heard = Arc::default();
    let log = heard.clone();
    let client =
        ApiClient::new(cfg)
            .unwrap()
            .with_retry_observer(Arc::new(move |e: &ApiError, wait| {
                log.lock().unwrap().push((e.clone(), wait));
            }));
    (client, heard)
}

fn heard(h: &Heard) -> Vec<(ApiError, Duration)> {
    h.lock().unwrap().clone()
}

fn date_of(r: &Seen) -> SystemTime {
    httpdate::parse_http_date(&r.date).unwrap_or_else(|e| panic!("{:?}: {e}", r.date))
}

#[tokio::test]
async fn a_get_is_retried_through_503_429_502_with_a_fresh_signature_each_time() {
    let stub = Stub::start(&[fail(503), limited("1"), fail(502), ok()]).await;
    let mut cfg = stub.config();
    cfg.max_retry_wait = Duration::from_millis(50);
    let (c, notices) = observed(cfg);
    let started = Instant::now();
    let page = c.list(None, 1, 10).await.unwrap();
    let elapsed = started.elapsed();
    assert!(page.items.is_empty());

    let seen = stub.seen();
    assert_eq!(seen.len(), 4, "one try and three retries: {seen:?}");
    for r in &seen {
        assert_eq!(
            (r.method.as_str(), r.target.as_str()),
            ("GET", seen[0].target.as_str())
        );
        let nonce = uuid::Uuid::parse_str(&r.nonce).unwrap();
        assert_eq!(
            nonce.get_version(),
            Some(uuid::Version::Random),
            "{}",
            r.nonce
        );
        assert_eq!(nonce.get_variant(), uuid::Variant::RFC4122, "{}", r.nonce);
        // Each attempt is signed over its own date and nonce.
        let expected = Payload {
            url: &r.target,
            method: "GET",
            headers: SignedHeaders {
                authorization: TOKEN,
                date: &r.date,
                nonce: &r.nonce,
            },
            body: "",
        }
        .sign(SECRET);
        assert_eq!(r.signature, expected, "{r:?}");
    }
    let nonces: HashSet<&str> = seen.iter().map(|r| r.nonce.as_str()).collect();
    assert_eq!(nonces.len(), 4, "a new nonce per attempt: {seen:?}");
    let signatures: HashSet<&str> = seen.iter().map(|r| r.signature.as_str()).collect();
    assert_eq!(signatures.len(), 4, "a new signature per attempt: {seen:?}");
    let dates: Vec<SystemTime> = seen.iter().map(date_of).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");

    let notices = heard(&notices);
    assert_eq!(notices.len(), 3, "{notices:?}");
    assert!(
        matches!(notices[0].0, ApiError::Server { status: 503, .. }),
        "{notices:?}"
    );
    assert_eq!(
        notices[1],
        (
            ApiError::RateLimited {
                retry_after: Some(Duration::from_secs(1))
            },
            Duration::from_millis(50)
        ),
        "Retry-After: 1 capped at max_retry_wait"
    );
    assert!(
        matches!(notices[2].0, ApiError::Server { status: 502, .. }),
        "{notices:?}"
    );
    // Backoff with full jitter: the wait before retry n is drawn from [0, base · 2^n].
    assert!(notices[0].1 <= Duration::from_millis(200), "{notices:?}");
    assert!(notices[2].1 <= Duration::from_millis(800), "{notices:?}");
    let waited: Duration = notices.iter().map(|(_, w)| *w).sum();
    assert!(elapsed >= waited, "{elapsed:?} < {waited:?}");
}

#[tokio::test]
async fn a_retry_after_under_the_cap_is_obeyed_with_a_fresh_signature() {
    // 0 s: obeyed as given (no backoff of its own added), and the test does not sleep.
    let stub = Stub::start(&[limited("0"), ok()]).await;
    let mut cfg = stub.config();
    cfg.max_retry_wait = Duration::from_secs(10);
    let (c, notices) = observed(cfg);
    c.list(None, 1, 10).await.unwrap();
    assert_eq!(
        heard(&notices),
        [(
            ApiError::RateLimited {
                retry_after: Some(Duration::ZERO)
            },
            Duration::ZERO
        )]
    );
    let seen = stub.seen();
    assert_eq!(seen.len(), 2, "{seen:?}");
    // Each attempt is signed anew: its own nonce, its own date, a signature over both.
    assert_ne!(seen[0].nonce, seen[1].nonce);
    assert_ne!(seen[0].signature, seen[1].signature);
    assert!(date_of(&seen[1]) >= date_of(&seen[0]), "{seen:?}");
}

#[tokio::test]
async fn six_failures_are_one_try_and_five_retries() {
    // A seventh request would succeed: the client must not make it.
    let script = [
        fail(503),
        fail(504),
        fail(502),
        fail(500),
        fail(503),
        fail(500),
    ];
    let stub = Stub::start(&[&script[..], &[ok()]].concat()).await;
    let (c, notices) = observed(quick(stub.config()));
    let e = c.list(None, 1, 10).await.unwrap_err();
    assert!(matches!(e, ApiError::Server { status: 500, .. }), "{e:?}");
    assert_eq!(stub.seen().len(), 6);
    let waits: Vec<Duration> = heard(&notices).iter().map(|(_, w)| *w).collect();
    assert_eq!(waits.len(), 5);
    // Full jitter under a doubling bound (5 ms base), capped at max_retry_wait (50 ms).
    for (n, w) in waits.iter().enumerate() {
        let bound = Duration::from_millis(5 << n).min(Duration::from_millis(50));
        assert!(*w <= bound, "retry {n}: {w:?} > {bound:?}");
    }

    let stub = Stub::start(&[&[limited("1"); 6][..], &[ok()]].concat()).await;
    let (c, notices) = observed(quick(stub.config()));
    let e = c.get(data::JOHN_DOE_ID).await.unwrap_err();
    assert_eq!(
        e,
        ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(1))
        }
    );
    assert_eq!(stub.seen().len(), 6);
    let waits: Vec<Duration> = heard(&notices).iter().map(|(_, w)| *w).collect();
    assert_eq!(waits, [Duration::from_millis(50); 5]);
}

#[tokio::test]
async fn retries_full_jitter_their_waits_instead_of_a_fixed_schedule() {
    // Two clients failing the same way do not wait the same times: no lock-step retries.
    let mut schedules = Vec::new();
    for _ in 0..2 {
        let stub = Stub::start(&[fail(503), fail(503), fail(503), ok()]).await;
        let mut cfg = stub.config();
        cfg.retry_base = Duration::from_millis(20);
        let (c, notices) = observed(cfg);
        c.list(None, 1, 10).await.unwrap();
        schedules.push(heard(&notices).iter().map(|(_, w)| *w).collect::<Vec<_>>());
    }
    assert_eq!(schedules[0].len(), 3);
    assert_ne!(schedules[0], schedules[1], "{schedules:?}");
}

#[tokio::test]
async fn a_get_that_times_out_is_asked_again_within_the_timeout() {
    // The first answer never comes in time; the second is prompt.
    let calls = Arc::new(Mutex::new(0u32));
    let counted = calls.clone();
    let app = axum::Router::new().fallback(move || {
        let counted = counted.clone();
        async move {
            let n = {
                let mut g = counted.lock().unwrap();
                *g += 1;
                *g
            };
            if n == 1 {
                tokio::time::sleep(Duration::from_secs(30)).await;
            }
            let page = r#"{"items":[],"meta":{"currentPage":1,"itemCount":0,"itemsPerPage":10,"totalItems":0,"totalPages":0}}"#;
            (StatusCode::OK, page).into_response()
        }
    });
    let (base_url, task) = common::serve(app).await;
    let mut cfg = quick(ClientConfig::new(&base_url, TOKEN, SECRET, "stub"));
    cfg.timeout = Duration::from_secs(4);
    let (c, notices) = observed(cfg);
    let started = Instant::now();
    c.list(None, 1, 10).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(*calls.lock().unwrap(), 2);
    let notices = heard(&notices);
    assert!(
        matches!(notices[..], [(ApiError::Timeout { .. }, _)]),
        "{notices:?}"
    );
    task.abort();
}

#[tokio::test]
async fn a_patch_is_never_retried_blindly() {
    for first in [fail(503), fail(502), fail(504), limited("1")] {
        let stub = Stub::start(&[first, ok()]).await;
        let (c, notices) = observed(stub.config());
        let e = c
            .patch(data::JOHN_DOE_ID, &body(json!({"lastName": "Once"})))
            .await
            .unwrap_err();
        assert!(e.is_retryable(), "a GET would retry {e:?}");
        let seen = stub.seen();
        assert_eq!(seen.len(), 1, "{first:?}: {seen:?}");
        assert_eq!(seen[0].method, "PATCH");
        assert!(heard(&notices).is_empty(), "{first:?}");
    }
    let (c, notices) = observed(ClientConfig::new(
        &format!("http://127.0.0.1:{}", closing_port().await),
        TOKEN,
        SECRET,
        "stub",
    ));
    let e = c
        .patch(data::JOHN_DOE_ID, &body(json!({"lastName": "Once"})))
        .await
        .unwrap_err();
    // Accepted and closed: the request may have been sent, so the outcome is unknown.
    assert!(matches!(e, ApiError::Interrupted { .. }), "{e:?}");
    assert!(e.outcome_unknown());
    assert!(heard(&notices).is_empty());
}

#[tokio::test]
async fn only_429_5xx_but_501_505_timeouts_and_connection_failures_are_retried() {
    for status in [500, 502, 503, 504, 429] {
        let stub = Stub::start(&[fail(status), ok()]).await;
        let (c, notices) = observed(quick(stub.config()));
        c.list(None, 1, 10).await.unwrap();
        assert_eq!(stub.seen().len(), 2, "{status} is retried");
        assert_eq!(heard(&notices).len(), 1, "{status}");
    }
    for status in [501, 505, 400, 401, 403, 404] {
        let stub = Stub::start(&[fail(status), ok()]).await;
        let (c, notices) = observed(stub.config());
        let e = c.list(None, 1, 10).await.unwrap_err();
        assert!(!e.is_retryable(), "{status}: {e:?}");
        assert_eq!(stub.seen().len(), 1, "{status} is not retried");
        assert!(heard(&notices).is_empty(), "{status}");
    }
}

/// A loopback port whose listener accepts every connection and closes it at once, so each
/// request fails as a dropped connection. The port stays bound for the test (no other test
/// can take it, unlike a port that was merely free a moment ago).
async fn closing_port() -> u16 {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = l.accept().await {
            drop(stream);
        }
    });
    port
}

#[tokio::test]
async fn connection_failures_are_retried_with_backoff() {
    let mut cfg = ClientConfig::new(
        &format!("http://127.0.0.1:{}", closing_port().await),
        TOKEN,
        SECRET,
        "stub",
    );
    cfg.retry_base = Duration::from_millis(10);
    let (c, notices) = observed(cfg);
    let started = Instant::now();
    let e = c.list(None, 1, 10).await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(matches!(e, ApiError::Interrupted { .. }), "{e:?}");
    let notices = heard(&notices);
    assert_eq!(notices.len(), 5, "{notices:?}");
    assert!(
        notices
            .iter()
            .all(|(e, _)| matches!(e, ApiError::Interrupted { .. })),
        "{notices:?}"
    );
    for (n, (_, w)) in notices.iter().enumerate() {
        let bound = Duration::from_millis(10 << n);
        assert!(*w <= bound, "retry {n}: {w:?} > {bound:?}");
    }
    assert_eq!(
        notices[0].0.retrying_sentence(notices[0].1),
        "Cannot reach 127.0.0.1: retrying in 1 s"
    );
    let waited: Duration = notices.iter().map(|(_, w)| *w).sum();
    assert!(elapsed >= waited, "{elapsed:?} < {waited:?}");
}
