//! Speed and memory of scans, measured on the built binary: `cargo bench --bench scan`.
//!
//! - `list --all` over 10,000 prospects against a sandbox answering after 20 ms, at
//!   `--concurrency` 1 and 8, and on loopback without latency against the sequential walk
//!   (one page after the other, as `list --all` did before the scan engine);
//! - `check` over 100,000 prospects on loopback: time and max RSS;
//! - `list --all --output table` over 100,000: max RSS;
//! - `list --all` over 10,000 against a sandbox that answers 429 (`Retry-After: 1`) beyond 2
//!   requests in flight, 20 ms a request, at `--concurrency` 1, 2 and 8 (the adaptive limit),
//!   with the 429s the server sent;
//! - `facet` and `cluster` over 100,000 records (`facet`);
//! - `transform` over 100,000 records: the expressions alone, in process (the CPU beyond the
//!   scan), and the built binary against `facet` of the same field (`transform`);
//! - `check` and `facet email` over 1,000,000 records (`million`): time and max RSS of the
//!   client alone (the sandbox runs in this process);
//! - an expression evaluated over 100,000 records held in memory (`expr`): CPU time beyond
//!   the scan.
//!
//! Max RSS comes from `/usr/bin/time -f %M` (kilobytes). Prints figures, asserts nothing.
//! One part alone: `cargo bench --bench scan -- latency` (or `loopback`, `big`, `limited`,
//! `facet`, `transform`, `million`, `expr`). `limited` runs `--concurrency 8` twice in each
//! round: cold (a fresh state directory) and warm (the limit the cold run learned is
//! remembered).

use std::process::Command;
use std::time::{Duration, Instant};

use prospect::api::{ApiClient, ClientConfig};
use prospect::sandbox::{Sandbox, SandboxOptions};

const BIN: &str = env!("CARGO_BIN_EXE_prospect");

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

async fn sandbox(count: usize, latency_ms: u64, problems: bool) -> Sandbox {
    Sandbox::start(SandboxOptions {
        count,
        latency_ms,
        problems,
        ..Default::default()
    })
    .await
    .expect("sandbox starts")
}

/// Runs the binary against `sb` with its output thrown away: (wall time, max RSS in KiB).
fn run(sb: &Sandbox, args: &[&str]) -> (Duration, Option<u64>) {
    run_in(&std::env::temp_dir().join("prospect-bench-scan"), sb, args)
}

/// [`run`] with `home` as its home and state directory.
fn run_in(home: &std::path::Path, sb: &Sandbox, args: &[&str]) -> (Duration, Option<u64>) {
    let timed = std::path::Path::new("/usr/bin/time").exists();
    let mut c = if timed {
        let mut c = Command::new("/usr/bin/time");
        c.args(["-f", "maxrss=%M", BIN]);
        c
    } else {
        Command::new(BIN)
    };
    c.args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("PROSPECT_BASE_URL", sb.base_url())
        .env("PROSPECT_API_TOKEN", sb.token())
        .env("PROSPECT_API_SECRET", sb.secret())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let started = Instant::now();
    let out = c.output().expect("the binary runs");
    let took = started.elapsed();
    let code = out.status.code();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        code == Some(0) || code == Some(6),
        "{args:?} exited {code:?}: {err}"
    );
    let rss = err
        .lines()
        .filter_map(|l| l.strip_prefix("maxrss="))
        .filter_map(|v| v.trim().parse().ok())
        .next_back();
    (took, rss)
}

fn figures(label: &str, sb: &Sandbox, args: &[&str], runs: usize) -> Duration {
    let mut times = Vec::new();
    let mut rss = Vec::new();
    for _ in 0..runs {
        let (t, r) = run(sb, args);
        times.push(t);
        rss.extend(r);
    }
    let t = median(times);
    let rss = rss
        .iter()
        .max()
        .map_or("n/a".into(), |k| format!("{:.1} MB", *k as f64 / 1024.0));
    println!("{label:<58} median {t:>9.3?}   max RSS {rss}");
    t
}

/// The walk `list --all` did before the scan engine: one page after the other.
async fn sequential_walk(sb: &Sandbox) -> Duration {
    let client = ApiClient::new(ClientConfig::new(
        &sb.base_url(),
        sb.token(),
        sb.secret(),
        "bench",
    ))
    .expect("client");
    let mut times = Vec::new();
    for _ in 0..11 {
        let t = Instant::now();
        let mut page = 1;
        loop {
            let p = client.list(None, page, 100).await.expect("page");
            std::hint::black_box(&p);
            if page >= p.meta.total_pages {
                break;
            }
            page += 1;
        }
        times.push(t.elapsed());
    }
    median(times)
}

#[tokio::main]
async fn main() {
    // cargo passes `--bench`; any other word names the parts to run.
    let parts: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let want = |part: &str| parts.is_empty() || parts.iter().any(|p| p == part);
    if want("latency") {
        latency().await;
    }
    if want("loopback") {
        loopback().await;
    }
    if want("big") {
        big().await;
    }
    if want("limited") {
        limited().await;
    }
    if want("facet") {
        facets().await;
    }
    if want("transform") {
        transforms().await;
    }
    if want("million") {
        million().await;
    }
    if want("expr") {
        expressions();
    }
}

/// `transform` over 100,000 records: the per-record work in process (what an expression costs
/// beyond the scan), then the binary against `facet` of the same field (the scan alone).
async fn transforms() {
    use prospect::scan::transform::{Tally, parse_assignments, transform};
    let mut records = prospect::sandbox::generate(100_000, 42);
    prospect::sandbox::problems::plant(&mut records);
    let gb = prospect::patch::phone::Region::parse("GB").ok();
    for expr in [
        "phoneNumber=e164",
        "firstName=trim | collapse | title",
        r#"lastName=replace(/\s+/, " ") | upper"#,
    ] {
        let assignments = parse_assignments(&[expr.to_string()]).expect("parses");
        let mut times = Vec::new();
        let mut tally = Tally::default();
        for _ in 0..3 {
            tally = Tally::default();
            let start = Instant::now();
            for p in &records {
                tally.add(&transform(p, &assignments, gb));
            }
            times.push(start.elapsed());
        }
        println!(
            "{:<58} median {:>9.3?}  ({tally})",
            format!("{expr}, 100k records, in process"),
            median(times)
        );
    }
    let big = sandbox(100_000, 0, true).await;
    figures(
        "facet phoneNumber, 100k, loopback (the scan)",
        &big,
        &["facet", "phoneNumber"],
        3,
    );
    figures(
        "transform --set phoneNumber=e164, 100k, loopback",
        &big,
        &["transform", "--set", "phoneNumber=e164"],
        3,
    );
}

/// `check` and `facet email` over 1,000,000 records on loopback (issue 16: ≤ 15 s and
/// ≤ 250 MB for `check`, ≤ 300 MB for the facet). The sandbox runs in this process, so the
/// max RSS is the client's alone.
async fn million() {
    let started = Instant::now();
    let big = sandbox(1_000_000, 0, true).await;
    println!(
        "(sandbox of 1,000,000 started in {:.1?})",
        started.elapsed()
    );
    figures(
        "check, 1M, loopback (every rule, duplicates)",
        &big,
        &["check", "-o", "json"],
        3,
    );
    figures(
        "facet email (1M distinct), 1M, loopback",
        &big,
        &["facet", "email"],
        3,
    );
}

/// CPU time of a pipeline over 100,000 values held in memory: `strip(" -.()") | e164("GB")`
/// over phone numbers (national and international forms) and `trim | title` over names.
fn expressions() {
    use prospect::expr;
    let records = prospect::sandbox::generate(100_000, 42);
    let phones: Vec<String> = records
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let e164 = p
                .phone_number
                .clone()
                .unwrap_or_else(|| "+447123456789".into());
            // One in four written nationally, as a CRM import would: "07123 456789".
            match e164.strip_prefix("+44") {
                Some(rest) if i % 4 == 0 => format!("0{} {}", &rest[..4], &rest[4..]),
                _ => e164,
            }
        })
        .collect();
    let names: Vec<String> = records
        .iter()
        .map(|p| format!("  {}  ", p.full_name().to_uppercase()))
        .collect();
    // What `check`'s two phone rules cost a record: one reading, E.164 form and validity;
    // with default_region GB the national numbers (written with a space) are read too.
    let gb = prospect::patch::phone::Region::parse("GB").ok();
    for (label, region) in [
        (
            "phone::read (check's phone rules), 100k phone numbers",
            None,
        ),
        ("phone::read, default_region GB, 100k phone numbers", gb),
    ] {
        let mut times = Vec::new();
        let mut valid = 0;
        for _ in 0..5 {
            let t = Instant::now();
            valid = 0;
            for v in &phones {
                let reading = prospect::patch::phone::read(v, region);
                valid += usize::from(matches!(reading, prospect::patch::phone::Reading::Valid(_)));
            }
            times.push(t.elapsed());
        }
        let t = median(times);
        println!(
            "{label:<58} median {t:>9.3?}   ({:.2} µs a value, {valid} valid)",
            t.as_secs_f64() * 1e6 / phones.len() as f64
        );
    }
    for (label, text, values) in [
        (
            "strip(\" -.()\") | e164(\"GB\"), 100k phone numbers",
            r#"strip(" -.()") | e164("GB")"#,
            &phones,
        ),
        ("trim | title, 100k names", "trim | title", &names),
    ] {
        let pipeline = expr::parse(text).expect("the expression parses");
        let mut times = Vec::new();
        let mut changed = 0;
        for _ in 0..5 {
            let t = Instant::now();
            changed = 0;
            for v in values {
                if let expr::Outcome::Value(Some(out)) = expr::eval(&pipeline, Some(v), None) {
                    changed += usize::from(&out != v);
                }
            }
            times.push(t.elapsed());
        }
        let t = median(times);
        println!(
            "{label:<58} median {t:>9.3?}   ({:.2} µs a value, {changed} changed)",
            t.as_secs_f64() * 1e6 / values.len() as f64
        );
    }
}

/// `facet` and `cluster` over 100,000 records on loopback: time and max RSS. `email` has a
/// distinct value per record, the worst case for both.
async fn facets() {
    let big = sandbox(100_000, 0, true).await;
    figures(
        "facet address.country, 100k, loopback",
        &big,
        &["facet", "address.country"],
        3,
    );
    figures(
        "facet email (100k distinct), 100k, loopback",
        &big,
        &["facet", "email"],
        3,
    );
    figures(
        "cluster email --method ngram (100k distinct), loopback",
        &big,
        &["cluster", "email", "--method", "ngram"],
        3,
    );
    figures(
        "cluster lastName (fingerprint), 100k, loopback",
        &big,
        &["cluster", "lastName"],
        3,
    );
}

/// `list --all` over 10,000 against a server that takes 2 requests at a time (429 with
/// `Retry-After: 1` beyond), 20 ms a request: 1 and 2 at a time, and 8 that the client's
/// adaptive limit brings down to what the server takes. Pages of 100 (the default) and 20.
async fn limited() {
    let sb = Sandbox::start(SandboxOptions {
        count: 10_000,
        latency_ms: 20,
        max_inflight: 2,
        ..Default::default()
    })
    .await
    .expect("sandbox starts");
    for limit in ["100", "20"] {
        let args = |c: &'static str| {
            [
                "list",
                "--all",
                "-o",
                "ndjson",
                "--limit",
                limit,
                "--concurrency",
                c,
            ]
        };
        let mut times = Vec::new();
        for c in ["1", "2"] {
            sb.clear_requests();
            let label =
                format!("list --all, 10k, pages of {limit}, server limit 2, --concurrency {c}");
            times.push(figures(&label, &sb, &args(c), 3));
            let refused = sb.requests().iter().filter(|r| r.status == 429).count();
            println!("  → 429s over the 3 runs: {refused}");
        }
        // Cold: a state directory of its own each round; warm: the same one again, with the
        // limit the cold run learned remembered in it.
        let (mut cold, mut warm) = (Vec::new(), Vec::new());
        let (mut cold_429, mut warm_429) = (0, 0);
        for round in 0..3 {
            let home = std::env::temp_dir().join(format!("prospect-bench-limited-{round}"));
            let _ = std::fs::remove_dir_all(&home);
            sb.clear_requests();
            cold.push(run_in(&home, &sb, &args("8")).0);
            cold_429 += sb.requests().iter().filter(|r| r.status == 429).count();
            sb.clear_requests();
            warm.push(run_in(&home, &sb, &args("8")).0);
            warm_429 += sb.requests().iter().filter(|r| r.status == 429).count();
            let _ = std::fs::remove_dir_all(&home);
        }
        let (cold, warm) = (median(cold), median(warm));
        let label = format!("list --all, 10k, pages of {limit}, server limit 2, --concurrency 8");
        println!("{label:<58} cold   {cold:>9.3?}   warm {warm:>9.3?}");
        println!("  → 429s over the 3 runs: cold {cold_429}, warm {warm_429}");
        let vs2 = |t: Duration| (t.as_secs_f64() / times[1].as_secs_f64() - 1.0) * 100.0;
        println!(
            "  → adaptive (8) against --concurrency 2: cold {:+.0} %, warm {:+.0} %",
            vs2(cold),
            vs2(warm)
        );
    }
}

fn list_args(c: &str) -> [&str; 6] {
    ["list", "--all", "-o", "ndjson", "--concurrency", c]
}

/// `list --all` over 10,000 against a sandbox answering after 20 ms: concurrency 1 and 8.
async fn latency() {
    let slow = sandbox(10_000, 20, false).await;
    let args = list_args;
    let c1 = figures(
        "list --all, 10k, latency 20 ms, --concurrency 1",
        &slow,
        &args("1"),
        3,
    );
    let c8 = figures(
        "list --all, 10k, latency 20 ms, --concurrency 8",
        &slow,
        &args("8"),
        3,
    );
    println!(
        "  → concurrency 8 is {:.1}× faster than 1",
        c1.as_secs_f64() / c8.as_secs_f64()
    );
}

/// `list --all` over 10,000 on loopback without latency, against the sequential walk.
async fn loopback() {
    let args = list_args;
    let fast = sandbox(10_000, 0, false).await;
    let seq = sequential_walk(&fast).await;
    println!(
        "{:<58} median {seq:>9.3?}",
        "sequential walk, 10k, loopback (in process, no output)"
    );
    for c in ["1", "4", "8"] {
        let t = figures(
            &format!("list --all, 10k, loopback, --concurrency {c}"),
            &fast,
            &args(c),
            11,
        );
        println!(
            "  → --concurrency {c} is {:.1}× faster than the sequential walk",
            seq.as_secs_f64() / t.as_secs_f64()
        );
    }
}

/// `check` and `list --all` over 100,000 on loopback: time and max RSS.
async fn big() {
    let big = sandbox(100_000, 0, true).await;
    figures(
        "check, 100k, loopback (every rule, duplicates)",
        &big,
        &["check", "-o", "json"],
        3,
    );
    figures(
        "list --all --output table, 100k, loopback",
        &big,
        &["list", "--all", "-o", "table"],
        3,
    );
    figures(
        "list --all --output ndjson, 100k, loopback",
        &big,
        &["list", "--all", "-o", "ndjson"],
        1,
    );
}
