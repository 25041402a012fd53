//! The built binary, run as a person or a script would: output formats, exit codes, secrecy.

use crate::common;
use crate::common::{stderr, stdout};

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

use prospect::sandbox::Sandbox;

const JOHN: &str = "john.doe@example.com";

/// A command with no configuration leaking in from the machine it runs on.
fn command(home: &Path) -> tokio::process::Command {
    common::bin(home)
}

async fn run(home: &Path, sb: Option<&Sandbox>, args: &[&str]) -> Output {
    let mut c = command(home);
    if let Some(sb) = sb {
        c.env("PROSPECT_BASE_URL", sb.base_url())
            .env("PROSPECT_API_TOKEN", sb.token())
            .env("PROSPECT_API_SECRET", sb.secret());
    }
    c.args(args).output().await.expect("the binary runs")
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_list_finds_john_doe_in_a_table() {
    let home = tempfile::tempdir().unwrap();
    let o = run(home.path(), None, &["--demo", "list", "--search", "DOE"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains(JOHN), "{out}");
    assert!(out.contains("EMAIL"), "{out}");
    assert!(out.contains("page 1 of"), "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn list_formats_json_ndjson_and_csv() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(40).await;
    let o = run(
        home.path(),
        Some(&sb),
        &["list", "--limit", "7", "--output", "json"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let items: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(items.len(), 7);
    assert!(
        items.iter().all(|p| p["partnerId"].is_string()),
        "unknown fields kept"
    );
    assert!(items.iter().all(|p| p.get("externalReference").is_some()));

    let o = run(
        home.path(),
        Some(&sb),
        &["list", "--page", "2", "--limit", "15", "-o", "ndjson"],
    )
    .await;
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 15);

    let o = run(
        home.path(),
        Some(&sb),
        &["list", "--limit", "3", "--output", "csv"],
    )
    .await;
    let mut r = csv::Reader::from_reader(o.stdout.as_slice());
    assert_eq!(r.headers().unwrap().get(0), Some("id"));
    assert_eq!(r.records().count(), 3);

    let o = run(
        home.path(),
        Some(&sb),
        &["list", "--search", "no-such-person-xyz"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("No prospects match"));
    let o = run(
        home.path(),
        Some(&sb),
        &["list", "--search", "no-such-person-xyz", "-o", "json"],
    )
    .await;
    assert_eq!(
        serde_json::from_slice::<Vec<serde_json::Value>>(&o.stdout)
            .unwrap()
            .len(),
        0
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn list_all_walks_every_page() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(250).await;
    let o = run(
        home.path(),
        Some(&sb),
        &["list", "--all", "--limit", "100", "-o", "ndjson"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let ids: std::collections::HashSet<String> = stdout(&o)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(ids.len(), 250);
    let o = run(home.path(), Some(&sb), &["list", "--all", "-o", "json"]).await;
    assert_eq!(
        serde_json::from_slice::<Vec<serde_json::Value>>(&o.stdout)
            .unwrap()
            .len(),
        250
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn get_by_id_and_by_external_reference() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(50).await;
    let o = run(
        home.path(),
        Some(&sb),
        &["get", "--external-ref", "CRM-0042", "-o", "json"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let john: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(john["email"], JOHN);
    let id = john["id"].as_str().unwrap().to_string();

    let o = run(home.path(), Some(&sb), &["get", &id]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains(JOHN) && text.contains("CRM-0042"), "{text}");

    let o = run(
        home.path(),
        Some(&sb),
        &["get", "--external-ref", "ACME 42/7", "-o", "json"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let acme: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(acme["externalReference"], "ACME 42/7");
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_codes_follow_the_contract() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(10).await;

    let o = run(
        home.path(),
        Some(&sb),
        &["get", "--external-ref", "CRM-NOPE"],
    )
    .await;
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(
        stderr(&o).trim(),
        "prospect: Not found: no prospect with external reference CRM-NOPE"
    );

    let o = run(home.path(), Some(&sb), &["get", "CRM-0042"]).await;
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--external-ref"));

    let o = run(home.path(), Some(&sb), &["list", "--limit", "0"]).await;
    assert_eq!(o.status.code(), Some(2));

    let mut c = command(home.path());
    c.env("PROSPECT_BASE_URL", sb.base_url())
        .env("PROSPECT_API_TOKEN", sb.token())
        .env("PROSPECT_API_SECRET", "wrong-secret-value");
    let o = c.args(["list"]).output().await.unwrap();
    assert_eq!(o.status.code(), Some(4));
    assert!(
        stderr(&o).contains("Signature rejected (401)"),
        "{}",
        stderr(&o)
    );

    let o = run(home.path(), None, &["list"]).await;
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--demo"), "{}", stderr(&o));
    // With no configuration the TUI does not start: the hint is printed instead.
    let o = run(home.path(), None, &[]).await;
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o).trim(),
        format!("prospect: {}", prospect::config::NOT_CONFIGURED)
    );
    assert!(o.stdout.is_empty(), "nothing drawn on the terminal");

    let o = command(home.path())
        .env("PROSPECT_BASE_URL", "http://example.com")
        .env("PROSPECT_API_TOKEN", "t")
        .env("PROSPECT_API_SECRET", "s")
        .args(["list"])
        .output()
        .await
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("Refusing plain http://"),
        "{}",
        stderr(&o)
    );
}

async fn john_id(sb: &Sandbox, home: &Path) -> String {
    let o = run(
        home,
        Some(sb),
        &["get", "--external-ref", "CRM-0042", "-o", "json"],
    )
    .await;
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["id"].as_str().unwrap().to_string()
}

fn patches(sb: &Sandbox) -> Vec<String> {
    sb.requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| r.body)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn patch_sends_exactly_the_minimal_body() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(10).await;
    let id = john_id(&sb, home.path()).await;
    let set = [
        "patch",
        &id,
        "--set",
        "email=john.d@example.com",
        "--clear",
        "middleName",
        "--set",
        "firstName=John",
    ];

    let mut dry: Vec<&str> = set.to_vec();
    dry.push("--dry-run");
    let o = run(home.path(), Some(&sb), &dry).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).trim(),
        r#"{"email":"john.d@example.com","middleName":null}"#
    );
    assert!(patches(&sb).is_empty(), "a dry run sends nothing");

    // Without a terminal and without --yes nothing is sent.
    let o = run(home.path(), Some(&sb), &set).await;
    assert_eq!(o.status.code(), Some(2));
    assert!(patches(&sb).is_empty());

    let mut yes: Vec<&str> = set.to_vec();
    yes.push("--yes");
    let o = run(home.path(), Some(&sb), &yes).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        patches(&sb),
        [r#"{"email":"john.d@example.com","middleName":null}"#]
    );
    let stored = sb.get_record(&id).unwrap();
    assert_eq!(stored.email, "john.d@example.com");
    assert_eq!(stored.middle_name, None);

    // The same change again is no change at all.
    let o = run(home.path(), Some(&sb), &yes).await;
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("No changes"));
    assert_eq!(patches(&sb).len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invalid_patch_is_refused_locally_with_exit_5() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(10).await;
    let id = john_id(&sb, home.path()).await;
    let o = run(
        home.path(),
        Some(&sb),
        // A letter O for a zero: not a phone number. (One that parses, even if not valid
        // for its region, is sent as E.164 with a warning.)
        &["patch", &id, "--set", "phoneNumber=+44 71O1", "--yes"],
    )
    .await;
    assert_eq!(o.status.code(), Some(5));
    assert!(stderr(&o).contains("phoneNumber"), "{}", stderr(&o));
    let o = run(
        home.path(),
        Some(&sb),
        &["patch", &id, "--clear", "email", "--yes"],
    )
    .await;
    assert_eq!(o.status.code(), Some(5));
    assert!(patches(&sb).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_read_only_profile_refuses_patch() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(10).await;
    let id = john_id(&sb, home.path()).await;
    let cfg = common::profile_config(home.path(), &sb, "prod", "", "read_only = true\n");
    let o = command(home.path())
        .args([
            "--config",
            cfg.to_str().unwrap(),
            "patch",
            &id,
            "--set",
            "firstName=Jon",
            "--yes",
        ])
        .output()
        .await
        .unwrap();
    assert_eq!(o.status.code(), Some(4));
    assert!(stderr(&o).contains("read-only"), "{}", stderr(&o));
    assert!(patches(&sb).is_empty());
    // Reading works on a read-only profile.
    let o = command(home.path())
        .args(["--config", cfg.to_str().unwrap(), "list", "--limit", "1"])
        .output()
        .await
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[tokio::test(flavor = "multi_thread")]
async fn secrets_never_reach_output_errors_or_the_log() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(10).await;
    let log = home.path().join("p.log");
    let log_s = log.to_str().unwrap();
    let mut outputs = vec![
        run(
            home.path(),
            Some(&sb),
            &["-vv", "--log-file", log_s, "list", "-o", "json"],
        )
        .await,
        run(
            home.path(),
            Some(&sb),
            &["-vv", "--log-file", log_s, "get", "--external-ref", "nope"],
        )
        .await,
    ];
    let mut c = command(home.path());
    c.env("PROSPECT_BASE_URL", sb.base_url())
        .env("PROSPECT_API_TOKEN", sb.token())
        .env("PROSPECT_API_SECRET", "another-wrong-secret");
    outputs.push(
        c.args(["-vv", "--log-file", log_s, "list"])
            .output()
            .await
            .unwrap(),
    );
    let log_text = std::fs::read_to_string(&log).unwrap();
    assert!(
        log_text.contains("response"),
        "the log has content: {log_text}"
    );
    for secret in [sb.token(), sb.secret(), "another-wrong-secret"] {
        assert!(!log_text.contains(secret), "log leaks {secret}");
        for o in &outputs {
            assert!(!stdout(o).contains(secret) && !stderr(o).contains(secret));
        }
    }
    // Each request is logged with its credentials named but redacted.
    assert!(
        log_text.contains(r#"authorization="<redacted>" x_alg_signature="<redacted>""#),
        "{log_text}"
    );
}

/// Sends SIGTERM to a process by id.
fn sigterm(pid: u32) {
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -TERM {pid}: {status}");
}

/// Spawns `prospect sandbox ARGS` and reads its stdout up to the last export line (at most
/// 60 s); returns the child, the banner lines and the exported base URL. Stdout is closed
/// then, as `prospect sandbox | head -n 9` closes it: the server must keep serving.
async fn spawn_sandbox(home: &Path, args: &[&str]) -> (tokio::process::Child, Vec<String>, String) {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let mut child = command(home)
        .arg("sandbox")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let banner = tokio::time::timeout(Duration::from_secs(60), async move {
        let mut banner = Vec::new();
        while let Some(line) = lines.next_line().await.unwrap() {
            let last = line.trim_start().starts_with("export PROSPECT_API_SECRET=");
            banner.push(line);
            if last {
                return banner;
            }
        }
        panic!("stdout ended before the exports: {banner:?}");
    })
    .await
    .expect("the banner within 60 s");
    let base_url = banner
        .iter()
        .find_map(|l| l.trim().strip_prefix("export PROSPECT_BASE_URL="))
        .unwrap_or_else(|| panic!("no base URL export in {banner:?}"))
        .to_string();
    (child, banner, base_url)
}

/// Waits (at most 60 s) for the child to exit; its exit code and stderr.
async fn exit_of(child: tokio::process::Child) -> (Option<i32>, String) {
    let o = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("exits within 60 s")
        .unwrap();
    (o.status.code(), stderr(&o))
}

#[tokio::test(flavor = "multi_thread")]
async fn sandbox_command_plays_a_server_limit_and_periodic_failures() {
    use prospect::api::{ApiClient, ApiError, ClientConfig};
    let home = tempfile::tempdir().unwrap();
    let (child, banner, base_url) = spawn_sandbox(
        home.path(),
        &[
            "--listen",
            "127.0.0.1:0",
            "--count",
            "30",
            "--token",
            "pk_limits",
            "--secret",
            "sk_limits",
            "--latency-ms",
            "300",
            "--max-inflight",
            "1",
            "--fail-every",
            "3",
        ],
    )
    .await;
    let text = banner.join("\n");
    assert!(
        text.contains("requests: at most 1 at a time (429 beyond); every 3rd request fails (500)"),
        "{text}"
    );
    let mut cfg = ClientConfig::new(&base_url, "pk_limits", "sk_limits", "cli");
    cfg.max_retries = 0;
    // Two at once against a limit of one: the second is refused at once with Retry-After: 1.
    let (a, b) = (
        ApiClient::new(cfg.clone()).unwrap(),
        ApiClient::new(cfg).unwrap(),
    );
    let (ra, rb) = tokio::join!(a.list(None, 1, 5), b.list(None, 1, 5));
    let mut results = [ra.is_ok(), rb.is_ok()];
    results.sort();
    assert_eq!(results, [false, true], "{ra:?} {rb:?}");
    let refused = ra.err().or(rb.err()).unwrap();
    assert_eq!(
        refused,
        ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(1))
        }
    );
    // The 2nd request admitted is served, the 3rd fails with a 500 before doing anything.
    assert!(a.list(None, 1, 5).await.is_ok());
    let third = a.list(None, 1, 5).await.unwrap_err();
    assert!(
        matches!(third, ApiError::Server { status: 500, .. }),
        "{third:?}"
    );
    assert!(a.list(None, 1, 5).await.is_ok());
    sigterm(child.id().unwrap());
    let (code, err) = exit_of(child).await;
    assert_eq!(code, Some(0), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn sandbox_command_serves_until_sigterm() {
    let home = tempfile::tempdir().unwrap();
    let (child, banner, base_url) = spawn_sandbox(
        home.path(),
        &[
            "--listen",
            "127.0.0.1:0",
            "--count",
            "30",
            "--seed",
            "7",
            "--token",
            "pk_cli_test",
            "--secret",
            "sk_cli_test",
            "--latency-ms",
            "1",
        ],
    )
    .await;
    let text = banner.join("\n");
    let port = base_url
        .strip_prefix("http://127.0.0.1:")
        .unwrap_or_else(|| panic!("{base_url}"));
    assert_ne!(port.parse::<u16>().unwrap(), 0, "the real port is shown");
    assert!(
        text.contains(&format!("30 prospects at {base_url}")),
        "{text}"
    );
    assert!(text.contains("token:    pk_cli_test"), "{text}");
    assert!(text.contains("secret:   sk_cli_test"), "{text}");
    assert!(
        text.contains("export PROSPECT_API_TOKEN=pk_cli_test"),
        "{text}"
    );
    assert!(
        text.contains("export PROSPECT_API_SECRET=sk_cli_test"),
        "{text}"
    );

    let o = command(home.path())
        .env("PROSPECT_BASE_URL", &base_url)
        .env("PROSPECT_API_TOKEN", "pk_cli_test")
        .env("PROSPECT_API_SECRET", "sk_cli_test")
        .args(["list", "-o", "json", "--limit", "5"])
        .output()
        .await
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let items: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let ids: Vec<&str> = items.iter().map(|p| p["id"].as_str().unwrap()).collect();
    let expected = prospect::sandbox::generate(30, 7);
    let expected: Vec<&str> = expected[..5].iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, expected, "the data of --seed 7");

    sigterm(child.id().expect("still running"));
    let (code, err) = exit_of(child).await;
    assert_eq!(code, Some(0), "a clean exit on SIGTERM: {err}");
    assert!(
        reqwest::get(format!("{base_url}/v1/partner/prospects/personal"))
            .await
            .is_err(),
        "nothing listens after the exit"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sandbox_command_stops_cleanly_on_sigterm_right_after_the_banner() {
    // The banner is printed only once the signals are caught; before that was so, a SIGTERM
    // sent as soon as the exports were read killed the process about half of the time.
    for _ in 0..5 {
        let home = tempfile::tempdir().unwrap();
        let (child, _, _) =
            spawn_sandbox(home.path(), &["--listen", "127.0.0.1:0", "--count", "3"]).await;
        sigterm(child.id().expect("still running"));
        let (code, err) = exit_of(child).await;
        assert_eq!(code, Some(0), "{err}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sandbox_fail_rate_above_one_is_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    // Were the rate accepted, the sandbox would serve until killed: bound the wait.
    let o = tokio::time::timeout(
        Duration::from_secs(60),
        run(
            home.path(),
            None,
            &["sandbox", "--listen", "127.0.0.1:0", "--fail-rate", "2"],
        ),
    )
    .await
    .expect("refused without serving");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("the fail rate must be between 0 and 1"),
        "{}",
        stderr(&o)
    );
    assert!(o.stdout.is_empty(), "no banner: {}", stdout(&o));
}
