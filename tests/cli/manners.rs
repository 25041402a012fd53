//! The CLI's manners, run as a person would: a closed pipe ends output quietly, tables fit
//! the terminal, a look-up that misses says what a case-insensitive match would find, and
//! `--demo` says it forgets what it changes.

use crate::common;
use crate::common::{stderr, stdout};

use std::path::Path;
use std::process::{Output, Stdio};

use prospect::sandbox::{Sandbox, SandboxOptions};
use tokio::io::AsyncBufReadExt;

async fn sandbox(count: usize) -> Sandbox {
    Sandbox::start(SandboxOptions {
        count,
        ..Default::default()
    })
    .await
    .expect("sandbox starts")
}

fn on(c: &mut tokio::process::Command, sb: &Sandbox) {
    c.env("PROSPECT_BASE_URL", sb.base_url())
        .env("PROSPECT_API_TOKEN", sb.token())
        .env("PROSPECT_API_SECRET", sb.secret());
}

async fn run(home: &Path, sb: Option<&Sandbox>, args: &[&str]) -> Output {
    let mut c = common::bin(home);
    if let Some(sb) = sb {
        on(&mut c, sb);
    }
    c.args(args).output().await.expect("the binary runs")
}

/// A journal of `n` changes in the state directory under `home`.
fn write_journal(home: &Path, n: usize) {
    let dir = home.join("state/prospect");
    std::fs::create_dir_all(&dir).unwrap();
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!(
            "{{\"time\":\"2026-11-28T02:{:02}:{:02}Z\",\"profile\":\"default\",\"prospectId\":\"a2b9649e-df7f-4349-adff-{i:012}\",\"body\":{{\"phoneNumber\":\"+447700900123\"}},\"previous\":{{\"phoneNumber\":\"+447101231111\"}},\"status\":200,\"batch\":\"B{}\",\"reason\":\"bulk fix of the numbers\"}}\n",
            (i / 60) % 60,
            i % 60,
            i / 100
        ));
    }
    std::fs::write(dir.join("journal.jsonl"), text).unwrap();
}

/// Runs the command, reads one line of its output and closes the pipe, as `| head -n 1`
/// does; returns its exit code and stderr.
async fn head_one(home: &Path, sb: &Sandbox, args: &[&str]) -> (Option<i32>, String) {
    let mut c = common::bin(home);
    on(&mut c, sb);
    let mut child = c
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let out = child.stdout.take().expect("stdout");
    let mut lines = tokio::io::BufReader::new(out).lines();
    let first = lines.next_line().await.expect("readable");
    assert!(first.is_some(), "{args:?} printed nothing");
    drop(lines);
    let o = tokio::time::timeout(std::time::Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("the command ends once its reader left")
        .expect("waited");
    (o.status.code(), stderr(&o))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_closed_pipe_ends_every_command_quietly() {
    let home = tempfile::tempdir().unwrap();
    let sb = sandbox(600).await;
    // Far more than a pipe holds, so the writer meets the closed end.
    write_journal(home.path(), 6000);
    for args in [
        &["history"][..],
        &["history", "--output", "json"],
        &["history", "--output", "ndjson"],
        &["list", "--all"],
        &["list", "--all", "--output", "csv"],
        &["man"],
        &["completions", "zsh"],
    ] {
        let (code, err) = head_one(home.path(), &sb, args).await;
        assert_eq!(code, Some(0), "{args:?}: {err}");
        assert!(
            !err.contains("Broken pipe") && !err.contains("panicked"),
            "{args:?}: {err}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missed_external_reference_says_did_you_mean_only_when_another_case_exists() {
    let home = tempfile::tempdir().unwrap();
    let o = run(
        home.path(),
        None,
        &["--demo", "get", "--external-ref", "crm-0042"],
    )
    .await;
    assert_eq!(o.status.code(), Some(3), "still not found");
    assert!(
        stderr(&o).contains("no prospect with external reference crm-0042; did you mean CRM-0042?"),
        "{}",
        stderr(&o)
    );
    let o = run(
        home.path(),
        None,
        &["--demo", "get", "--external-ref", "crm-9999"],
    )
    .await;
    assert_eq!(o.status.code(), Some(3));
    assert!(!stderr(&o).contains("did you mean"), "{}", stderr(&o));
}

#[tokio::test(flavor = "multi_thread")]
async fn every_writing_command_under_demo_says_the_sandbox_forgets() {
    let home = tempfile::tempdir().unwrap();
    let get = run(
        home.path(),
        None,
        &["--demo", "get", "--external-ref", "CRM-0042", "-o", "json"],
    )
    .await;
    let john: serde_json::Value = serde_json::from_slice(&get.stdout).expect("json");
    let id = john["id"].as_str().expect("an id").to_string();
    let file = home.path().join("fix.csv");
    std::fs::write(&file, format!("id,firstName\n{id},Jonathan\n")).unwrap();
    let file = file.to_str().unwrap();
    let forgets = "forgets every change when this command ends";
    for args in [
        &["--demo", "patch", &id, "--set", "firstName=Jon", "--yes"][..],
        &["--demo", "apply", file, "--yes"],
        &["--demo", "revert", "no-such-batch", "--yes"],
    ] {
        let o = run(home.path(), None, args).await;
        assert!(stderr(&o).contains(forgets), "{args:?}: {}", stderr(&o));
    }
    for args in [
        &[
            "--demo",
            "patch",
            &id,
            "--set",
            "firstName=Jon",
            "--dry-run",
        ][..],
        &["--demo", "apply", file, "--dry-run"],
        &["--demo", "list"],
        &["--demo", "check"],
    ] {
        let o = run(home.path(), None, args).await;
        assert!(!stderr(&o).contains(forgets), "{args:?}: {}", stderr(&o));
    }
    assert!(stdout(&get).contains("CRM-0042"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_field_is_named_by_its_last_part_when_no_other_ends_so() {
    let home = tempfile::tempdir().unwrap();
    let get = run(
        home.path(),
        None,
        &["--demo", "get", "--external-ref", "CRM-0042", "-o", "json"],
    )
    .await;
    let john: serde_json::Value = serde_json::from_slice(&get.stdout).expect("json");
    let id = john["id"].as_str().expect("an id").to_string();
    let o = run(
        home.path(),
        None,
        &["--demo", "patch", &id, "--set", "country=FRA", "--dry-run"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("\"country\":\"FRA\""), "{}", stdout(&o));
    let o = run(
        home.path(),
        None,
        &["--demo", "list", "--where", "country=gbr", "-o", "ndjson"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).lines().count() > 1, "{}", stdout(&o));
}
