//! The sandbox under abuse, measured: `cargo bench --bench sandbox_abuse`.
//!
//! Starts `prospect sandbox` as its own process with 1024 open files allowed (a common
//! default), then (1) sends 2,000 unsigned 1 MiB PATCHes, 50 at a time, and reads the server's
//! resident memory before and after (and its peak), (2) sends 300 signed 900 KiB PATCHes (kept
//! whole in the request history, which is bounded by bytes), and (3) opens 1,100 idle
//! connections and times one signed request made behind them. It prints figures and asserts nothing.
//! `PROSPECT_BENCH_BIN=/path/to/prospect` measures another build (e.g. an older one).

use std::time::{Duration, Instant};

use prospect::api::{ApiClient, ClientConfig};
use tokio::io::AsyncBufReadExt;

/// A field of `/proc/PID/status` (`VmRSS`, `VmHWM`) in MiB.
fn memory_mib(pid: u32, field: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

async fn start(bin: &str) -> (tokio::process::Child, u32, String, String, String) {
    let script = format!("ulimit -n 1024 && exec '{bin}' sandbox --listen 127.0.0.1:0 --count 500");
    let mut child = tokio::process::Command::new("sh")
        .args(["-c", &script])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the sandbox starts");
    let pid = child.id().expect("a pid");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let (mut url, mut token, mut secret) = (String::new(), String::new(), String::new());
    while let Ok(Some(line)) = lines.next_line().await {
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
    (child, pid, url, token, secret)
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(run());
}

async fn run() {
    let bin = std::env::var("PROSPECT_BENCH_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_prospect").to_string());
    let (_child, pid, url, token, secret) = start(&bin).await;
    println!("sandbox under abuse: {bin}");
    println!(
        "  at start:                         RSS {:7.1} MiB",
        memory_mib(pid, "VmRSS")
    );

    // 1. 2,000 unsigned 1 MiB PATCHes, 50 at a time.
    let http = reqwest::Client::new();
    let target = format!(
        "{url}/v1/partner/prospects/personal/{}",
        prospect::sandbox::data::JOHN_DOE_ID
    );
    let body = format!("{{\"lastName\":\"{}\"}}", "x".repeat(1024 * 1024 - 16));
    let started = Instant::now();
    let mut refused = 0;
    for _ in 0..40 {
        let batch: Vec<_> = (0..50)
            .map(|_| {
                let req = http
                    .patch(&target)
                    .header("content-type", "application/json")
                    .body(body.clone());
                tokio::spawn(async move { req.send().await.map(|r| r.status().as_u16()) })
            })
            .collect();
        for t in batch {
            if matches!(t.await, Ok(Ok(401)) | Ok(Err(_))) {
                refused += 1;
            }
        }
    }
    println!(
        "  after 2,000 unsigned 1 MiB PATCHes: RSS {:7.1} MiB, peak {:7.1} MiB ({refused} refused, {:.1} s)",
        memory_mib(pid, "VmRSS"),
        memory_mib(pid, "VmHWM"),
        started.elapsed().as_secs_f64()
    );

    // 2. 300 signed 900 KiB PATCHes (refused by validation): recorded whole, history bounded.
    let path = format!(
        "/v1/partner/prospects/personal/{}",
        prospect::sandbox::data::JOHN_DOE_ID
    );
    let signed_body = format!("{{\"lastName\":\"{}\"}}", "y".repeat(900 * 1024));
    for _ in 0..300 {
        let date = prospect::api::sign::http_date(std::time::SystemTime::now());
        let nonce = uuid::Uuid::new_v4().to_string();
        let signature = prospect::api::sign::Payload {
            url: &path,
            method: "PATCH",
            headers: prospect::api::sign::SignedHeaders {
                authorization: &token,
                date: &date,
                nonce: &nonce,
            },
            body: &signed_body,
        }
        .sign(&secret);
        let _ = http
            .patch(format!("{url}{path}"))
            .header("authorization", &token)
            .header("date", &date)
            .header("x-alg-nonce", &nonce)
            .header("x-alg-signature", signature)
            .header("content-type", "application/json")
            .body(signed_body.clone())
            .send()
            .await;
    }
    println!(
        "  after 300 signed 900 KiB PATCHes:  RSS {:7.1} MiB, peak {:7.1} MiB",
        memory_mib(pid, "VmRSS"),
        memory_mib(pid, "VmHWM")
    );

    // 3. 1,100 idle connections, then one signed request behind them.
    let addr = url.trim_start_matches("http://").to_string();
    let mut idle = Vec::new();
    for _ in 0..1100 {
        match tokio::net::TcpStream::connect(&addr).await {
            Ok(s) => idle.push(s),
            Err(e) => {
                println!("  connection {} failed: {e}", idle.len() + 1);
                break;
            }
        }
    }
    let mut cfg = ClientConfig::new(&url, &token, &secret, "bench");
    cfg.timeout = Duration::from_secs(60);
    cfg.max_retries = 0;
    let client = ApiClient::new(cfg).expect("client");
    let started = Instant::now();
    let answer = client.list(None, 1, 10).await;
    println!(
        "  {} idle connections open; a signed list request: {} in {:.2} s",
        idle.len(),
        match &answer {
            Ok(_) => "answered".to_string(),
            Err(e) => format!("failed ({e})"),
        },
        started.elapsed().as_secs_f64()
    );
    println!(
        "  with the idle connections open:    RSS {:7.1} MiB",
        memory_mib(pid, "VmRSS")
    );
}
