//! Under a real server's limits (issue 17): the built binary against a sandbox that refuses
//! requests beyond a few in flight (`--max-inflight`) or fails every Nth (`--fail-every`).
//! Scans complete, batches apply every row exactly once, and a listing the client knows is
//! incomplete exits 6. Counts come from the sandbox's own record of what it answered.

use crate::common;

use std::collections::HashMap;
use std::path::Path;
use std::process::Output;

use axum::extract::RawQuery;
use axum::response::IntoResponse;
use prospect::api::Prospect;
use prospect::sandbox::{RecordedRequest, Sandbox, SandboxOptions, generate};
use serde_json::{Value, json};

use crate::common::{run_on as run, text};

fn ids(o: &Output) -> Vec<String> {
    text(&o.stdout)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("one JSON record a line");
            v["id"].as_str().expect("an id").to_string()
        })
        .collect()
}

fn statuses(seen: &[RecordedRequest], method: &str) -> HashMap<u16, usize> {
    let mut counts = HashMap::new();
    for r in seen.iter().filter(|r| r.method == method) {
        *counts.entry(r.status).or_default() += 1;
    }
    counts
}

fn expected_ids(count: usize) -> Vec<String> {
    generate(count, SandboxOptions::default().seed)
        .into_iter()
        .map(|p| p.id)
        .collect()
}

/// `list --all -o ndjson` with `args` against `count` records behind these faults, 15 ms a
/// request.
async fn list_all(
    count: usize,
    max_inflight: usize,
    fail_every: u64,
    args: &[&str],
) -> (Sandbox, Output) {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox_with(SandboxOptions {
        count,
        max_inflight,
        fail_every,
        latency_ms: 15,
        ..Default::default()
    })
    .await;
    let mut all = vec!["list", "--all", "--output", "ndjson"];
    all.extend_from_slice(args);
    let o = run(home.path(), &sb, &all).await;
    (sb, o)
}

#[tokio::test(flavor = "multi_thread")]
async fn list_all_at_concurrency_8_completes_under_a_limit_of_2_with_few_429s() {
    let (sb, o) = list_all(2_000, 2, 0, &["--concurrency", "8"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(ids(&o), expected_ids(2_000), "every record, in order");
    // The burst's retries are told once, not once per refused request.
    let told = text(&o.stderr)
        .lines()
        .filter(|l| l.contains("Rate limited: retrying in 1 s"))
        .count();
    assert_eq!(told, 1, "{}", text(&o.stderr));
    let seen = sb.requests();
    let gets = statuses(&seen, "GET");
    let refused = gets.get(&429).copied().unwrap_or(0);
    // 20 pages. Without the adaptive limit, 8 at a time against 2 ends in 429s that
    // exhaust the retries; with it, the first burst teaches the client the limit.
    assert_eq!(gets.get(&200), Some(&20), "{gets:?}");
    assert!(refused >= 1, "the limit was met: {gets:?}");
    assert!(refused <= 12, "a bounded number of 429s: {gets:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn list_all_is_complete_when_every_4th_request_fails() {
    let (sb, o) = list_all(1_000, 0, 4, &["--limit", "50"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(ids(&o), expected_ids(1_000));
    let gets = statuses(&sb.requests(), "GET");
    assert_eq!(gets.get(&200), Some(&20), "{gets:?}");
    assert!(gets.get(&500).copied().unwrap_or(0) >= 5, "{gets:?}");
}

/// A corrections file setting the middle name of the first `n` records.
fn middle_names(home: &Path, n: usize) -> std::path::PathBuf {
    let mut csv = String::from("id,middleName\n");
    for (i, id) in expected_ids(n).iter().enumerate() {
        csv.push_str(&format!("{id},Batch{i}\n"));
    }
    let file = home.join("fixes.csv");
    std::fs::write(&file, csv).unwrap();
    file
}

/// Every record got its new middle name through exactly one PATCH the server took.
fn applied_exactly_once(sb: &Sandbox, n: usize) {
    let mut landed: HashMap<String, usize> = HashMap::new();
    for r in sb.requests() {
        if r.method == "PATCH" && r.status == 200 {
            *landed.entry(r.path_and_query).or_default() += 1;
        }
    }
    assert_eq!(landed.len(), n, "{landed:?}");
    assert!(
        landed.values().all(|c| *c == 1),
        "patched twice: {landed:?}"
    );
    for (i, id) in expected_ids(n).iter().enumerate() {
        let p: Prospect = sb.get_record(id).expect("on the server");
        assert_eq!(p.middle_name, Some(format!("Batch{i}")), "{id}");
    }
}

fn journaled(home: &Path) -> usize {
    prospect::edit::journal::read(&home.join("state/prospect/journal.jsonl"))
        .expect("the journal reads")
        .len()
}

/// `apply` of 40 middle names at `concurrency` against a sandbox with these faults: every row
/// applied exactly once and journaled. Returns the sandbox and what `apply` said on stderr.
async fn apply_40(max_inflight: usize, fail_every: u64, concurrency: &str) -> (Sandbox, String) {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox_with(SandboxOptions {
        count: 40,
        max_inflight,
        fail_every,
        latency_ms: 15,
        ..Default::default()
    })
    .await;
    let file = middle_names(home.path(), 40);
    let args = [
        "apply",
        file.to_str().unwrap(),
        "--yes",
        "--concurrency",
        concurrency,
    ];
    let o = run(home.path(), &sb, &args).await;
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("applied=40"), "{err}");
    applied_exactly_once(&sb, 40);
    assert_eq!(journaled(home.path()), 40);
    (sb, err)
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_of_40_rows_at_concurrency_8_applies_all_under_a_limit_of_2() {
    let (_, err) = apply_40(2, 0, "8").await;
    assert!(
        err.contains("server limit: ") && err.contains("at a time"),
        "the slow-down is told: {err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_of_40_rows_applies_all_exactly_once_when_every_4th_request_fails() {
    let (sb, _) = apply_40(0, 4, "4").await;
    let patches = statuses(&sb.requests(), "PATCH");
    assert!(patches.get(&500).copied().unwrap_or(0) >= 1, "{patches:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn rows_whose_patches_keep_failing_are_sent_again_in_a_second_pass() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox_with(SandboxOptions {
        count: 4,
        max_inflight: 0,
        fail_every: 0,
        latency_ms: 15,
        ..Default::default()
    })
    .await;
    // Each row's PATCH and its two resends fail (12 in all): the first pass reports them
    // `failed`; the second pass, one at a time, gets them through.
    sb.fail_next_patches(12);
    let file = middle_names(home.path(), 4);
    let o = run(
        home.path(),
        &sb,
        &[
            "apply",
            file.to_str().unwrap(),
            "--yes",
            "--concurrency",
            "4",
        ],
    )
    .await;
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("applied=4"), "{err}");
    let patches = statuses(&sb.requests(), "PATCH");
    assert_eq!(patches.get(&503), Some(&12), "{patches:?}");
    applied_exactly_once(&sb, 4);
    assert_eq!(journaled(home.path()), 4);

    // With more failures than both passes can outlast, the rest is reported, not hidden.
    let sb = common::sandbox_with(SandboxOptions {
        count: 2,
        max_inflight: 0,
        fail_every: 0,
        latency_ms: 15,
        ..Default::default()
    })
    .await;
    sb.fail_next_patches(1_000);
    let home = tempfile::tempdir().unwrap();
    let file = middle_names(home.path(), 2);
    let o = run(
        home.path(),
        &sb,
        &["apply", file.to_str().unwrap(), "--yes"],
    )
    .await;
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(6), "{err}");
    assert!(err.contains("failed=2"), "{err}");
    // Each row: three PATCHes in the first pass, three in the second.
    assert_eq!(statuses(&sb.requests(), "PATCH").get(&503), Some(&12));
}

/// A list endpoint whose every page claims one more page than there is.
async fn ever_more_pages(RawQuery(q): RawQuery) -> impl IntoResponse {
    let page: u64 = q
        .unwrap_or_default()
        .split('&')
        .find_map(|kv| kv.strip_prefix("page="))
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let items: Vec<Value> = generate(10, 1000 + page)
        .iter()
        .map(Prospect::to_value)
        .collect();
    let total_pages = page + 1;
    axum::Json(json!({
        "items": items,
        "meta": {
            "currentPage": page,
            "itemCount": 10,
            "itemsPerPage": 10,
            "totalItems": total_pages * 10,
            "totalPages": total_pages,
        }
    }))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_listing_the_client_knows_is_incomplete_exits_6() {
    let app = axum::Router::new().route(common::PERSONAL, axum::routing::get(ever_more_pages));
    let (base_url, task) = common::serve(app).await;
    let home = tempfile::tempdir().unwrap();
    let o = common::bin(home.path())
        .env("PROSPECT_BASE_URL", &base_url)
        .env("PROSPECT_API_TOKEN", "pk_stub")
        .env("PROSPECT_API_SECRET", "sk_stub")
        .args(["list", "--all", "--limit", "10", "--output", "ndjson"])
        .output()
        .await
        .unwrap();
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(6), "{err}");
    assert!(err.contains("kept reporting more pages"), "{err}");
    assert!(err.contains("The listing is incomplete"), "{err}");
    // What was found is still written, each record once.
    let listed = ids(&o);
    let distinct: std::collections::HashSet<&String> = listed.iter().collect();
    assert_eq!(distinct.len(), listed.len(), "{err}");
    assert!(
        err.contains(&format!("{} prospects were listed", listed.len())),
        "{err}"
    );
    task.abort();
}

/// The 429s the server sent to GETs since its record was last cleared.
fn refused_gets(sb: &Sandbox) -> usize {
    statuses(&sb.requests(), "GET")
        .get(&429)
        .copied()
        .unwrap_or(0)
}

fn limits_file(home: &Path) -> std::path::PathBuf {
    home.join("state").join("prospect").join("limits.json")
}

const LIST_8: [&str; 6] = ["list", "--all", "--output", "ndjson", "--concurrency", "8"];

/// A sandbox of 2,000 records that serves 2 requests at a time, 15 ms each.
async fn limited_to_2() -> Sandbox {
    common::sandbox_with(SandboxOptions {
        count: 2_000,
        max_inflight: 2,
        latency_ms: 15,
        ..Default::default()
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_run_starts_at_the_limit_the_first_learned_and_meets_no_429() {
    let home = tempfile::tempdir().unwrap();
    let sb = limited_to_2().await;
    let first = run(home.path(), &sb, &LIST_8).await;
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    assert!(refused_gets(&sb) >= 1, "the first run meets the limit");
    // Remembered by base URL, in a file only its owner reads.
    let file = limits_file(home.path());
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let base = sb.base_url();
    let entry = &saved[base.trim_end_matches('/')];
    assert_eq!(entry["limit"], 2, "{saved}");
    assert!(entry["learned_at"].is_string(), "{saved}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    sb.clear_requests();
    let second = run(home.path(), &sb, &LIST_8).await;
    assert_eq!(second.status.code(), Some(0), "{}", text(&second.stderr));
    assert_eq!(ids(&second), expected_ids(2_000));
    assert_eq!(
        refused_gets(&sb),
        0,
        "{:?}",
        statuses(&sb.requests(), "GET")
    );
    assert!(
        !text(&second.stderr).contains("Rate limited"),
        "{}",
        text(&second.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_or_corrupt_limits_file_is_ignored() {
    let home = tempfile::tempdir().unwrap();
    let sb = limited_to_2().await;
    let file = limits_file(home.path());
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    // Learned two hours ago: no longer used.
    let old = (chrono::Utc::now() - chrono::TimeDelta::hours(2)).to_rfc3339();
    let expired = json!({ sb.base_url().trim_end_matches('/'): { "limit": 2, "learned_at": old } });
    std::fs::write(&file, expired.to_string()).unwrap();
    let o = run(home.path(), &sb, &LIST_8).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(refused_gets(&sb) >= 1, "an expired entry is not used");

    // A corrupt file: a warning, the command runs, and the file is written anew.
    std::fs::write(&file, "{ not json").unwrap();
    sb.clear_requests();
    let o = run(home.path(), &sb, &LIST_8).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(ids(&o), expected_ids(2_000));
    let err = text(&o.stderr);
    assert!(
        err.contains("warning: ignoring the remembered server limits in")
            && err.contains("limits.json"),
        "{err}"
    );
    assert!(refused_gets(&sb) >= 1);
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(
        saved[sb.base_url().trim_end_matches('/')]["limit"],
        2,
        "{saved}"
    );
}
