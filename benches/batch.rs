//! Speed of batches: `cargo bench --bench batch`.
//!
//! 1,000 corrections against a sandbox answering after 20 ms, sent at concurrency 1 and 8;
//! the plan of 10,000 rows on loopback; and `journal_days` pruning of a 20,000-entry journal at
//! start. Prints figures, asserts nothing.

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

/// What `journal_days` costs at every start: a 20,000-entry journal read with nothing to drop,
/// then with the older half dropped.
fn prune_journal() {
    use prospect::edit::journal::{self, JournalEntry};
    let dir = tempfile::tempdir().expect("a temporary dir");
    let path = journal::path_in(dir.path());
    let mut text = Vec::new();
    for i in 0..20_000 {
        let body = serde_json::json!({"email": format!("new{i}@example.com"), "middleName": null});
        let previous =
            serde_json::json!({"email": format!("old{i}@example.com"), "middleName": "James"});
        let entry = JournalEntry {
            time: format!("2026-{:02}-01T00:00:00Z", if i < 10_000 { 1 } else { 6 }),
            profile: "bench".into(),
            prospect_id: format!("{i:08}-0000-4000-8000-000000000000"),
            body: body.as_object().cloned().unwrap_or_default(),
            previous: previous.as_object().cloned().unwrap_or_default(),
            status: 200,
            batch: Some("b-1".into()),
            reason: Some("bench".into()),
        };
        text.extend(serde_json::to_vec(&entry).expect("serialises"));
        text.push(b'\n');
    }
    for (what, keep_from, runs) in [
        ("nothing to drop", "2025-01-01T00:00:00Z", 10),
        ("older half dropped", "2026-03-01T00:00:00Z", 1),
    ] {
        let mut times = Vec::new();
        for _ in 0..runs {
            std::fs::write(&path, &text).expect("writes");
            let started = Instant::now();
            journal::prune(&path, keep_from).expect("prunes");
            times.push(started.elapsed());
        }
        times.sort();
        println!(
            "journal_days pruning, 20000 entries ({} KiB), {what}: {:.2?}",
            text.len() / 1024,
            times[times.len() / 2]
        );
    }
}

#[tokio::main]
async fn main() {
    prune_journal();
    if std::env::args().any(|a| a == "--prune-only") {
        return;
    }
    let info = BatchInfo {
        batch: "bench".into(),
        profile: "bench".into(),
        reason: None,
        journal: None,
        journal_failure: Default::default(),
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
