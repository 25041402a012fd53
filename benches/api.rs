//! Speed figures for the API layer: `cargo bench --bench api`.
//!
//! Prints medians rather than asserting anything: machines here are noisy, so figures belong in
//! notes, not in tests.

use std::time::{Duration, Instant};

use prospect::api::{ApiClient, ClientConfig};
use prospect::sandbox::{Sandbox, SandboxOptions};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

async fn sandbox(count: usize) -> (Sandbox, ApiClient) {
    let sb = Sandbox::start(SandboxOptions {
        count,
        ..Default::default()
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

#[tokio::main]
async fn main() {
    let started = Instant::now();
    let (_big, client) = sandbox(100_000).await;
    println!(
        "sandbox with 100000 prospects ready in {:?}",
        started.elapsed()
    );
    for query in [
        None,
        Some("john.doe@example.com"),
        Some("zoë"),
        Some("a"),
        Some("no-such-name"),
        Some("王"),
    ] {
        let mut times = Vec::new();
        for _ in 0..50 {
            let t = Instant::now();
            let page = client.list(query, 1, 100).await.expect("search");
            std::hint::black_box(page);
            times.push(t.elapsed());
        }
        println!(
            "search {:<24} median {:?} (through the client, limit 100)",
            format!("{query:?}"),
            median(times)
        );
    }

    let (_sb, client) = sandbox(10_000).await;
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let mut page = 1;
        let mut n = 0;
        loop {
            let p = client.list(None, page, 100).await.expect("page");
            n += p.items.len();
            if page >= p.meta.total_pages {
                break;
            }
            page += 1;
        }
        assert_eq!(n, 10_000);
        times.push(t.elapsed());
    }
    println!(
        "walk 10000 prospects at limit 100: median {:?}",
        median(times)
    );
}
