//! The sandbox under abuse (issue 11, point 9): unsigned megabytes, a flood of idle
//! connections, slow headers, overlong values. Memory figures come from
//! `cargo bench --bench sandbox_abuse`; these tests check the behaviour.

use crate::common;

use std::time::{Duration, Instant};

use common::{PERSONAL, Raw};
use prospect::api::ApiError;
use prospect::sandbox::data;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const DEADLINE: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread")]
async fn unsigned_bodies_are_refused_before_they_are_read_and_never_kept() {
    let sb = common::sandbox(5).await;
    let http = reqwest::Client::new();
    let url = format!("{}{PERSONAL}/{}", sb.base_url(), data::JOHN_DOE_ID);
    let mib = "x".repeat(1024 * 1024 - 16);
    for _ in 0..40 {
        let status = http
            .patch(&url)
            .header("content-type", "application/json")
            .body(format!("{{\"lastName\":\"{mib}\"}}"))
            .send()
            .await
            .map(|r| r.status().as_u16());
        // The server may answer 401 and close before the whole body is sent.
        assert!(matches!(status, Ok(401) | Err(_)), "{status:?}");
    }
    let seen = sb.requests();
    assert!(!seen.is_empty());
    let kept: usize = seen.iter().map(|r| r.body.len()).sum();
    assert!(kept <= 40 * 1024, "{kept} bytes of unsigned bodies kept");
}

#[tokio::test(flavor = "multi_thread")]
async fn recorded_history_is_bounded_by_bytes() {
    let sb = common::sandbox(5).await;
    let big = "y".repeat(900 * 1024);
    for _ in 0..24 {
        // Signed, so recorded whole; rejected by validation, so nothing changes.
        let mut raw = Raw::new(&sb, "PATCH", &format!("{PERSONAL}/{}", data::JOHN_DOE_ID));
        raw.body = Some(json!({"lastName": big}).to_string());
        let (status, _) = raw.send(&sb).await;
        assert_eq!(status, 400);
    }
    let kept: usize = sb.requests().iter().map(|r| r.body.len()).sum();
    assert!(kept <= 16 * 1024 * 1024, "{kept} bytes recorded");
    assert!(
        kept >= 8 * 1024 * 1024,
        "recent requests are still kept: {kept}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn overlong_values_and_nul_bytes_are_nestjs_400s() {
    let sb = common::sandbox(5).await;
    let target = format!("{PERSONAL}/{}", data::JOHN_DOE_ID);
    let cases = [
        (
            json!({"firstName": "a".repeat(1001)}),
            "firstName must be shorter than or equal to 1000 characters",
        ),
        (
            json!({"lastName": "Do\u{0}e"}),
            "lastName must not contain NUL bytes",
        ),
        (
            json!({"address": {"type": "STRUCTURED", "line1": "b".repeat(2000), "country": "GBR"}}),
            "address.line1 must be shorter than or equal to 1000 characters",
        ),
    ];
    for (body, message) in cases {
        let mut raw = Raw::new(&sb, "PATCH", &target);
        raw.body = Some(body.to_string());
        let (status, answer) = raw.send(&sb).await;
        assert_eq!(status, 400, "{answer}");
        assert_eq!(answer["error"], "Bad Request");
        assert!(
            answer["message"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m == message),
            "{answer}"
        );
    }
    assert_eq!(
        sb.get_record(data::JOHN_DOE_ID)
            .unwrap()
            .last_name
            .as_deref(),
        Some("Doe")
    );
    let (status, _) = Raw::new(&sb, "GET", &format!("{PERSONAL}?searchKeyword=a%00b"))
        .send(&sb)
        .await;
    assert_eq!(status, 400);
}

/// Whether the server closed `s`: a read returns end-of-stream or an error.
async fn closed_within(s: &mut TcpStream, deadline: Duration) -> bool {
    let mut buf = [0u8; 256];
    matches!(
        tokio::time::timeout(deadline, s.read(&mut buf)).await,
        Ok(Ok(0)) | Ok(Err(_))
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn an_idle_connection_is_closed() {
    let sb = common::sandbox(5).await;
    let mut idle = TcpStream::connect(sb.addr()).await.unwrap();
    assert!(closed_within(&mut idle, DEADLINE).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn headers_sent_a_byte_at_a_time_are_cut_off() {
    let sb = common::sandbox(5).await;
    let mut slow = TcpStream::connect(sb.addr()).await.unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
    let started = Instant::now();
    let mut cut = false;
    while started.elapsed() < DEADLINE {
        if slow.write_all(b"x").await.is_err()
            || closed_within(&mut slow, Duration::from_millis(500)).await
        {
            cut = true;
            break;
        }
    }
    assert!(cut, "the server still waits for the headers");
}

/// `prospect sandbox` as its own process with the common limit of 1024 open files, so a
/// flood of connections meets the limits it would meet on a real machine.
async fn sandbox_process() -> (tokio::process::Child, String, String, String) {
    use tokio::io::AsyncBufReadExt;
    let script = format!(
        "ulimit -n 1024 && exec '{}' sandbox --listen 127.0.0.1:0 --count 5",
        env!("CARGO_BIN_EXE_prospect")
    );
    let mut child = tokio::process::Command::new("sh")
        .args(["-c", &script])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut url, mut token, mut secret) = (String::new(), String::new(), String::new());
    while let Ok(Some(line)) = tokio::time::timeout(DEADLINE, lines.next_line())
        .await
        .unwrap()
    {
        let field = |name: &str| line.trim().strip_prefix(name).map(|v| v.trim().to_string());
        if let Some(v) = field("base URL:") {
            url = v;
        } else if let Some(v) = field("token:") {
            token = v;
        } else if let Some(v) = field("secret:") {
            secret = v;
            break;
        }
    }
    (child, url, token, secret)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_flood_of_idle_connections_does_not_stop_service() {
    let (_child, url, token, secret) = sandbox_process().await;
    let addr = url.trim_start_matches("http://").to_string();
    let mut flood = Vec::new();
    for _ in 0..1100 {
        flood.push(TcpStream::connect(&addr).await.unwrap());
    }
    let mut cfg = prospect::api::ClientConfig::new(&url, &token, &secret, "sandbox");
    cfg.timeout = DEADLINE;
    cfg.max_retries = 0;
    let c = prospect::api::ApiClient::new(cfg).unwrap();
    let answered = c.get(data::JOHN_DOE_ID).await;
    assert!(answered.is_ok(), "{answered:?}");
    drop(flood);
    let again: Result<_, ApiError> = c.list(None, 1, 5).await;
    assert_eq!(again.unwrap().items.len(), 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn listening_beyond_loopback_is_warned_about() {
    use tokio::io::AsyncBufReadExt;
    for (listen, warned) in [("0.0.0.0:0", true), ("127.0.0.1:0", false)] {
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_prospect"))
            .args(["sandbox", "--listen", listen, "--count", "1"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        // The banner on stdout means start-up (and any warning before it) is over.
        let mut out = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let first = tokio::time::timeout(DEADLINE, out.next_line()).await;
        assert!(matches!(first, Ok(Ok(Some(_)))), "{first:?}");
        child.start_kill().unwrap();
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .await
            .unwrap();
        assert_eq!(
            err.contains("warning: the sandbox listens on 0.0.0.0"),
            warned,
            "{listen}: {err}"
        );
    }
}
