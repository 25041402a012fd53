//! Speed of batches: `cargo bench --bench batch`.
//!
//! 1,000 corrections against a sandbox answering after 20 ms, sent at concurrency 1 and 8;
//! and the plan of 10,000 rows on loopback. Prints figures, asserts nothing.

use std::time::Instant;

use prospect::api::{ApiClient, ClientConfig};
use prospect::batch::corrections;
use prospect::batch::run::{self, BatchInfo};
use prospect::sandbox::{Sandbox, SandboxOptions};
use tokio::sync::watch;

async fn sandbox(count: usize, latency_ms: u64) -> (Sandbox, ApiClient) {
    let sb = Sandbox::start(SandboxOptions {
        count,
        latency_ms,
        ..SandboxOptions::default()
    })
    .await
    .expect("sandbox starts");
    let client = ApiClient::new(ClientConfig::new(
        &sb.base_url(),
        sb.token(),
        sb.secret(),
        "bench",
    ))
    .expect("client");
    (sb, client)
}

fn file(count: usize, rows: usize, tag: &str) -> Vec<corrections::Correction> {
    let mut text = String::from("id,lastName\n");
    for p in prospect::sandbox::generate(count, SandboxOptions::default().seed)
        .iter()
        .take(rows)
    {
        text.push_str(&format!("{},{tag}\n", p.id));
    }
    corrections::parse("bench.csv", text.as_bytes()).expect("parses")
}

#[tokio::main]
async fn main() {
    let info = BatchInfo {
        batch: "bench".into(),
        profile: "bench".into(),
        reason: None,
        journal: None,
    };
    for concurrency in [1, 8] {
        let (_sb, client) = sandbox(1_000, 20).await;
        let rows = file(1_000, 1_000, &format!("Bench{concurrency}"));
        let started = Instant::now();
        let planned = run::plan(&client, &rows, concurrency).await;
        let planned_in = started.elapsed();
        let (_tx, stop) = watch::channel(false);
        let sent = run::send(&client, planned, concurrency, &info, stop).await;
        let applied = sent
            .iter()
            .filter(|r| r.outcome == prospect::batch::Outcome::Applied)
            .count();
        println!(
            "1000 corrections, latency 20 ms, concurrency {concurrency}: plan {:.2?}, plan+send {:.2?} ({applied} applied)",
            planned_in,
            started.elapsed()
        );
    }
    let (_sb, client) = sandbox(10_000, 0).await;
    let rows = file(10_000, 10_000, "Plan");
    let started = Instant::now();
    let planned = run::plan(&client, &rows, 8).await;
    println!(
        "plan of 10000 rows on loopback, concurrency 8: {:.2?} ({} rows)",
        started.elapsed(),
        planned.len()
    );
}
