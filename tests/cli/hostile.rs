//! The built binary against a hostile or broken server (issue 11): server text escaped,
//! bounded and redacted everywhere, PATCH outcomes found out, nothing waits forever.

use crate::common;
use crate::common::{stderr, stdout};

use std::path::Path;
use std::process::Output;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use prospect::sandbox::{Sandbox, SandboxOptions, data};
use serde_json::json;

const TOKEN: &str = "pk_hostile_token_0001";
const SECRET: &str = "sk_hostile_secret_0001";

/// One request the hostile server saw.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
}

#[derive(Clone)]
struct Hostile {
    seen: Arc<Mutex<Vec<Seen>>>,
    /// Where `/relay…` requests are forwarded (a real sandbox), if anywhere.
    upstream: Option<String>,
}

/// A server whose behaviour is picked by the first path segment of the base URL, e.g.
/// `http://127.0.0.1:PORT/echo503` answers every request with a hostile 503.
struct Server {
    origin: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    async fn start(upstream: Option<String>) -> Server {
        let state = Hostile {
            seen: Arc::default(),
            upstream,
        };
        let seen = state.seen.clone();
        let app = axum::Router::new().fallback(answer).with_state(state);
        let (origin, task) = common::serve(app).await;
        Server { origin, seen, task }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A 503 whose message smuggles a clipboard write, a bell, a forged log line, a C1 CSI, the
/// request's own signature, nonce and token, and a megabyte of text.
fn echo_503(headers: &HeaderMap) -> Response {
    let h = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("");
    let message = format!(
        "busy\u{1b}]52;c;cHduZWQ=\u{7}\r\n2026-11-28T00:00:00.000000Z  INFO prospect: forged line\u{9b}2J sig={} nonce={} token={} TAIL{}END",
        h("x-alg-signature"),
        h("x-alg-nonce"),
        h("authorization"),
        "x".repeat(1_000_000)
    );
    let body = json!({"statusCode": 503, "message": message, "error": "Service Unavailable"});
    (StatusCode::SERVICE_UNAVAILABLE, body.to_string()).into_response()
}

async fn relay(
    upstream: &str,
    method: Method,
    target: &str,
    headers: &HeaderMap,
    body: Bytes,
) -> (u16, String) {
    let mut req = reqwest::Client::new().request(method, format!("{upstream}{target}"));
    for name in ["authorization", "date", "x-alg-nonce", "x-alg-signature"] {
        if let Some(v) = headers.get(name) {
            req = req.header(name, v.to_str().unwrap());
        }
    }
    if !body.is_empty() {
        req = req.header("content-type", "application/json").body(body);
    }
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

async fn answer(
    State(s): State<Hostile>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let patches_before = {
        let mut seen = s.seen.lock().unwrap();
        seen.push(Seen {
            method: method.to_string(),
        });
        seen.iter().filter(|r| r.method == "PATCH").count() - usize::from(method == Method::PATCH)
    };
    let (mode, rest) = path[1..].split_once('/').unwrap_or((&path[1..], ""));
    let target = format!(
        "/{rest}{}",
        uri.query().map_or(String::new(), |q| format!("?{q}"))
    );
    let page = |n: u64| {
        json!({
            "items": [{"id": "a2b9649e-df7f-4349-adff-000000000001", "email": "same@example.com"}],
            "meta": {"currentPage": n, "itemCount": 1, "itemsPerPage": 1,
                     "totalItems": 1u64 << 62, "totalPages": 1u64 << 62}
        })
        .to_string()
    };
    match mode {
        "echo503" => echo_503(&headers),
        "unauthorized" => (
            StatusCode::UNAUTHORIZED,
            r#"{"statusCode":401,"message":"no"}"#,
        )
            .into_response(),
        "nocontent" => StatusCode::NO_CONTENT.into_response(),
        "wait3600" => (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "3600")],
            r#"{"statusCode":429,"message":"ThrottlerException: Too Many Requests"}"#,
        )
            .into_response(),
        "wait2" if s.seen.lock().unwrap().len() == 1 => {
            (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "2")], "").into_response()
        }
        "wait2" => (StatusCode::OK, page(1)).into_response(),
        "samepage" => {
            let n = uri
                .query()
                .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("page=")))
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            (StatusCode::OK, page(n)).into_response()
        }
        "irregular" => (
            StatusCode::OK,
            r#"{"id": 42, "email": null, "firstName": "Ann", "evil\u001b[2Jkey": 1}"#,
        )
            .into_response(),
        // The PATCH lands upstream but its answer is lost: an HTML 200 from a proxy.
        "relaylost" if method == Method::PATCH => {
            relay(
                s.upstream.as_deref().unwrap(),
                method,
                &target,
                &headers,
                body,
            )
            .await;
            (StatusCode::OK, "<html>proxy</html>").into_response()
        }
        // The PATCH never gets upstream: a 502 from the proxy.
        "relaydropped" if method == Method::PATCH => {
            (StatusCode::BAD_GATEWAY, "<h1>502 Bad Gateway</h1>").into_response()
        }
        // The PATCH lands, its answer is lost, and the record cannot be fetched afterwards.
        "relaydark" if method == Method::PATCH || patches_before > 0 => {
            if method == Method::PATCH {
                relay(
                    s.upstream.as_deref().unwrap(),
                    method,
                    &target,
                    &headers,
                    body,
                )
                .await;
            }
            (StatusCode::INTERNAL_SERVER_ERROR, "").into_response()
        }
        m if m.starts_with("relay") => {
            let (status, text) = relay(
                s.upstream.as_deref().unwrap(),
                method,
                &target,
                &headers,
                body,
            )
            .await;
            (StatusCode::from_u16(status).unwrap(), text).into_response()
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

fn command(home: &Path, base_url: &str, token: &str, secret: &str) -> tokio::process::Command {
    let mut c = common::bin(home);
    c.env("PROSPECT_BASE_URL", base_url)
        .env("PROSPECT_API_TOKEN", token)
        .env("PROSPECT_API_SECRET", secret);
    c
}

async fn run(home: &Path, base_url: &str, args: &[&str]) -> Output {
    command(home, base_url, TOKEN, SECRET)
        .args(args)
        .output()
        .await
        .unwrap()
}

/// A fresh hostile server answering in `mode`, and the binary run once against it.
async fn against(mode: &str, args: &[&str]) -> (Server, Output) {
    let server = Server::start(None).await;
    let home = tempfile::tempdir().unwrap();
    let o = run(home.path(), &format!("{}/{mode}", server.origin), args).await;
    (server, o)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hostile_error_is_one_escaped_bounded_redacted_line_and_logged_in_full() {
    let server = Server::start(None).await;
    let home = tempfile::tempdir().unwrap();
    let log = home.path().join("prospect.log");
    let o = run(
        home.path(),
        &format!("{}/echo503", server.origin),
        &[
            "get",
            data::JOHN_DOE_ID,
            "--log-file",
            log.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // The retries (a 503 is retried with backoff) may announce their longer waits first.
    let all = stderr(&o);
    let (announced, err): (Vec<&str>, Vec<&str>) =
        all.lines().partition(|l| l.contains(": retrying in "));
    assert!(
        announced
            .iter()
            .all(|l| l.starts_with("prospect: Server error (503): retrying in ")),
        "{all:?}"
    );
    let err = format!("{}\n", err.join("\n"));
    // Escaped: one line, no control character at all.
    assert_eq!(err.matches('\n').count(), 1, "{err:?}");
    assert!(
        !err.trim_end().chars().any(char::is_control),
        "raw control characters on stderr: {err:?}"
    );
    assert!(err.contains("busy\\e]52;c;cHduZWQ=\\u{7}\\r\\n"), "{err}");
    // Bounded.
    assert!(err.chars().count() < 600, "{} characters", err.len());
    assert!(err.contains('…'), "{err}");
    // Redacted: the echoed credentials of the request never show.
    assert!(
        err.contains("sig=<redacted> nonce=<redacted> token=<redacted>"),
        "{err}"
    );

    let log = std::fs::read_to_string(&log).unwrap();
    assert!(
        !log.lines()
            .any(|l| l.contains("INFO prospect: forged line") && !l.contains("busy")),
        "a forged log line"
    );
    assert!(!log.contains('\u{1b}') && !log.contains('\u{9b}'));
    assert!(!log.contains(TOKEN) && !log.contains(SECRET));
    assert!(log.contains("sig=<redacted> nonce=<redacted>"));
    // The full text is in the log.
    assert!(log.contains(&format!("TAIL{}END", "x".repeat(1_000_000))));
}

#[tokio::test(flavor = "multi_thread")]
async fn list_json_writes_nothing_when_the_first_request_fails() {
    let (_server, o) = against("unauthorized", &["list", "-o", "json"]).await;
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_204_is_reported_with_its_real_status() {
    let (_server, o) = against("nocontent", &["get", data::JOHN_DOE_ID]).await;
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("(204)"), "{}", stderr(&o));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retry_after_beyond_the_timeout_fails_at_once() {
    let (server, o) = against("wait3600", &["--timeout", "5", "list"]).await;
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("Rate limited: the server asks to wait 3600 s"),
        "{}",
        stderr(&o)
    );
    assert_eq!(server.seen().len(), 1, "no retry was attempted");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wait_over_a_second_is_announced_on_stderr() {
    let (server, o) = against("wait2", &["list", "-o", "ndjson"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Rate limited: retrying in 2 s"),
        "{}",
        stderr(&o)
    );
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn list_all_stops_when_the_server_repeats_its_pages() {
    let server = Server::start(None).await;
    let home = tempfile::tempdir().unwrap();
    let o = run(
        home.path(),
        &format!("{}/samepage", server.origin),
        // One page in flight at a time, so the count of requests below is exact.
        &["list", "--all", "--concurrency", "1", "-o", "ndjson"],
    )
    .await;
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("repeats records"), "{}", stderr(&o));
    // The scan asks a few pages ahead (at most twice its concurrency of 4), never more.
    assert!(
        server.seen().len() <= 12,
        "{} requests",
        server.seen().len()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_off_contract_record_is_printed_as_the_server_sent_it() {
    let server = Server::start(None).await;
    let home = tempfile::tempdir().unwrap();
    let base = format!("{}/irregular", server.origin);
    let o = run(
        home.path(),
        &base,
        &["get", "--external-ref", "X", "-o", "json"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["id"], json!(42));
    assert_eq!(v["email"], serde_json::Value::Null);
    let o = run(home.path(), &base, &["get", "--external-ref", "X"]).await;
    let text = stdout(&o);
    assert!(
        text.lines()
            .any(|l| l.starts_with("Email") && l.ends_with('—')),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("Id") && l.ends_with("42")),
        "{text}"
    );
    assert!(text.contains("evil\\e[2Jkey"), "{text}");
    assert!(!text.contains('\u{1b}'));
}

async fn patch_through(mode: &str, last_name: &str) -> (Output, Sandbox, Server) {
    let sb = Sandbox::start(SandboxOptions {
        count: 5,
        token: Some(TOKEN.into()),
        secret: Some(SECRET.into()),
        ..Default::default()
    })
    .await
    .unwrap();
    let server = Server::start(Some(sb.base_url())).await;
    let home = tempfile::tempdir().unwrap();
    let set = format!("lastName={last_name}");
    let o = run(
        home.path(),
        &format!("{}/{mode}", server.origin),
        &["patch", data::JOHN_DOE_ID, "--set", &set, "--yes"],
    )
    .await;
    (o, sb, server)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_patch_whose_answer_is_lost_is_checked_and_reported_applied() {
    let (o, sb, _server) = patch_through("relaylost", "Landed").await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("Saved lastName"), "{}", stdout(&o));
    assert!(stderr(&o).contains("checking whether the server has the change"));
    let john = sb.get_record(data::JOHN_DOE_ID).unwrap();
    assert_eq!(john.last_name.as_deref(), Some("Landed"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_patch_that_never_landed_is_reported_safe_to_retry() {
    let (o, sb, _server) = patch_through("relaydropped", "Dropped").await;
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("Not applied"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("safe to send it again"),
        "{}",
        stderr(&o)
    );
    let john = sb.get_record(data::JOHN_DOE_ID).unwrap();
    assert_eq!(john.last_name.as_deref(), Some("Doe"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_patch_that_cannot_be_checked_is_reported_unknown() {
    let (o, _sb, server) = patch_through("relaydark", "Dark").await;
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("Unknown outcome"), "{err}");
    assert!(err.contains("check the record"), "{err}");
    let patches = server.seen().iter().filter(|r| r.method == "PATCH").count();
    assert_eq!(patches, 1, "never resent blindly");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hanging_secret_command_is_announced_and_ends_with_exit_2() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        "secret_command_timeout = 3\n[profiles.prod]\nbase_url = \"https://api.example.test\"\ntoken = \"pk_live_x\"\nsecret_command = \"sleep 60\"\n",
    )
    .unwrap();
    let mut c = command(home.path(), "", "", "");
    for k in [
        "PROSPECT_BASE_URL",
        "PROSPECT_API_TOKEN",
        "PROSPECT_API_SECRET",
    ] {
        c.env_remove(k);
    }
    let o = c
        .args(["--config", config.to_str().unwrap(), "list"])
        .output()
        .await
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("Waiting for secret_command of profile prod…"),
        "{err}"
    );
    assert!(err.contains("did not finish within 3 s"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_external_reference_of_only_dots_can_be_looked_up() {
    let sb = Sandbox::start(SandboxOptions {
        count: 5,
        token: Some(TOKEN.into()),
        secret: Some(SECRET.into()),
        ..Default::default()
    })
    .await
    .unwrap();
    let mut john = sb.get_record(data::JOHN_DOE_ID).unwrap();
    for (i, reference) in [".", ".."].into_iter().enumerate() {
        john.id = format!("a2b9649e-df7f-4349-adff-00000000000{i}");
        john.external_reference = Some(reference.into());
        sb.put_record(john.clone());
    }
    let home = tempfile::tempdir().unwrap();
    for (i, reference) in [".", ".."].into_iter().enumerate() {
        let o = run(
            home.path(),
            &sb.base_url(),
            &["get", "--external-ref", reference, "-o", "json"],
        )
        .await;
        assert_eq!(o.status.code(), Some(0), "{reference}: {}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["externalReference"], reference);
        assert_eq!(v["id"], format!("a2b9649e-df7f-4349-adff-00000000000{i}"));
    }
    let wire: Vec<String> = sb
        .requests()
        .iter()
        .map(|r| r.path_and_query.clone())
        .collect();
    assert!(
        wire.iter()
            .any(|p| p.ends_with("/externalReference/%2E%2E")),
        "{wire:?}"
    );
}
