//! Retries: under the sandbox's injected failures, and against a scripted stub that records
//! every attempt's signed headers (issue 2: GETs retried on 429, 502/503/504 and connection
//! failures, with backoff, at most 3 retries; a PATCH never; a fresh date and nonce each time).

mod common;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use common::{body, client, config};
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
    let c = client(&sb);
    let err = c.get(data::JOHN_DOE_ID).await.unwrap_err();
    let seen = sb.requests();
    let statuses: Vec<u16> = seen.iter().map(|r| r.status).collect();
    assert!(
        statuses.iter().all(|s| [500, 503, 429].contains(s)),
        "{statuses:?}"
    );
    // 503 and 429 are retried (3 retries); a 500 is not.
    let (last, before) = statuses.split_last().unwrap();
    assert!(before.iter().all(|s| *s != 500), "{statuses:?}");
    assert!(statuses.len() == 4 || *last == 500, "{statuses:?}");
    match (*last, &err) {
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
    // When the injected failure is a 500 (not retried) nothing is heard: try again.
    let heal = sb.clone();
    let mut cfg = config(&sb);
    cfg.max_retry_wait = Duration::from_millis(50);
    let healing = ApiClient::new(cfg)
        .unwrap()
        .with_retry_observer(Arc::new(move |_: &ApiError, _| heal.set_fail_rate(0.0)));
    let mut tries = 0;
    let statuses = loop {
        tries += 1;
        assert!(tries <= 50, "every injected failure was a 500");
        sb.set_fail_rate(1.0);
        sb.clear_requests();
        let listed = healing.list(None, 1, 1).await;
        let statuses: Vec<u16> = sb.requests().iter().map(|r| r.status).collect();
        match listed {
            Ok(page) => {
                assert_eq!(page.items.len(), 1);
                break statuses;
            }
            Err(e) => {
                assert!(
                    matches!(e, ApiError::Server { status: 500, .. }),
                    "{e:?} {statuses:?}"
                );
                assert_eq!(statuses, [500]);
            }
        }
    };
    assert_eq!(statuses.len(), 2, "{statuses:?}");
    assert!([503, 429].contains(&statuses[0]), "{statuses:?}");
    assert_eq!(statuses[1], 200);

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
    // Backoff: a wait before every retry, growing from one server error to the next.
    assert!(notices[0].1 > Duration::ZERO, "{notices:?}");
    assert!(notices[2].1 > notices[0].1, "{notices:?}");
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
async fn four_failures_are_one_try_and_three_retries() {
    // A fifth request would succeed: the client must not make it.
    let stub = Stub::start(&[fail(503), fail(504), fail(502), fail(503), ok()]).await;
    let (c, notices) = observed(stub.config());
    let e = c.list(None, 1, 10).await.unwrap_err();
    assert!(matches!(e, ApiError::Server { status: 503, .. }), "{e:?}");
    assert_eq!(stub.seen().len(), 4);
    assert_eq!(heard(&notices).len(), 3);

    let stub = Stub::start(&[limited("1"), limited("1"), limited("1"), limited("1"), ok()]).await;
    let mut cfg = stub.config();
    cfg.max_retry_wait = Duration::from_millis(50);
    let (c, notices) = observed(cfg);
    let e = c.get(data::JOHN_DOE_ID).await.unwrap_err();
    assert_eq!(
        e,
        ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(1))
        }
    );
    assert_eq!(stub.seen().len(), 4);
    let waits: Vec<Duration> = heard(&notices).iter().map(|(_, w)| *w).collect();
    assert_eq!(waits, [Duration::from_millis(50); 3]);
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
async fn only_429_502_503_504_and_connection_failures_are_retried() {
    for status in [500, 501, 505, 400, 401, 403, 404] {
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
    let (c, notices) = observed(ClientConfig::new(
        &format!("http://127.0.0.1:{}", closing_port().await),
        TOKEN,
        SECRET,
        "stub",
    ));
    let started = Instant::now();
    let e = c.list(None, 1, 10).await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(matches!(e, ApiError::Interrupted { .. }), "{e:?}");
    let notices = heard(&notices);
    assert_eq!(notices.len(), 3, "{notices:?}");
    assert!(
        notices
            .iter()
            .all(|(e, _)| matches!(e, ApiError::Interrupted { .. })),
        "{notices:?}"
    );
    assert!(
        notices.windows(2).all(|w| w[1].1 > w[0].1),
        "the waits grow: {notices:?}"
    );
    assert_eq!(
        notices[0].0.retrying_sentence(notices[0].1),
        "Cannot reach 127.0.0.1: retrying in 1 s"
    );
    let waited: Duration = notices.iter().map(|(_, w)| *w).sum();
    assert!(elapsed >= waited, "{elapsed:?} < {waited:?}");
}
