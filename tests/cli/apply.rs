//! `prospect apply`, `revert` and `history` against the real sandbox: plans, every outcome,
//! faults while sending, re-runs, reverts, the journal, read-only profiles.

use crate::common;
use crate::common::{records, stderr, stdout};

use std::path::Path;

use prospect::api::{ApiClient, ClientConfig};
use prospect::batch::run::{self, BatchInfo};
use prospect::batch::{Outcome, corrections};
use prospect::edit::journal;
use prospect::sandbox::{Sandbox, SandboxOptions};
use tokio::sync::watch;

use crate::common::run_on as run;

/// The records of the sandbox, in list order (ids are random per seed but stable).
fn patches(sb: &Sandbox) -> Vec<prospect::sandbox::RecordedRequest> {
    sb.requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .collect()
}

fn journal_entries(home: &Path) -> Vec<journal::JournalEntry> {
    journal::read(&home.join("state/prospect/journal.jsonl")).expect("reads")
}

fn report(path: &Path) -> Vec<Vec<String>> {
    csv::Reader::from_path(path)
        .expect("a report")
        .records()
        .map(|r| r.expect("a row").iter().map(str::to_owned).collect())
        .collect()
}

const NOBODY: &str = "00000000-0000-4000-8000-000000000000";

#[tokio::test(flavor = "multi_thread")]
async fn apply_plans_sends_reports_and_a_second_run_sends_nothing() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox_with(SandboxOptions {
        count: 40,
        fail_rate: 0.0,
        ..Default::default()
    })
    .await;
    let r = records(&sb, 40);
    let file = home.path().join("fixes.csv");
    let text = format!(
        "id,email,expected.email\n{},new.a@example.com,\n{},{},\n{},new.c@example.com,wrong@example.com\n{NOBODY},x@example.com,\n",
        r[10].id, r[11].id, r[11].email, r[12].id
    );
    std::fs::write(&file, text).unwrap();
    let rep = home.path().join("report.csv");
    let f = file.to_str().unwrap();
    let o = run(
        home.path(),
        &sb,
        &[
            "apply",
            f,
            "--yes",
            "--reason",
            "tidy",
            "--report",
            rep.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
    let last = stderr(&o).lines().last().unwrap_or_default().to_string();
    assert!(
        last.starts_with("batch: ") && last.contains("applied=1") && last.contains("conflict=1"),
        "{last}"
    );
    assert!(stdout(&o).contains("new.a@example.com"), "{}", stdout(&o));
    let outcomes: Vec<(String, String)> = report(&rep)
        .into_iter()
        .map(|row| (row[0].clone(), row[3].clone()))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("2".into(), "applied".into()),
            ("3".into(), "unchanged".into()),
            ("4".into(), "conflict".into()),
            ("5".into(), "not-found".into())
        ]
    );
    assert_eq!(patches(&sb).len(), 1, "one PATCH for one change");
    assert_eq!(
        sb.get_record(&r[10].id).map(|p| p.email),
        Some("new.a@example.com".into())
    );
    assert_eq!(
        sb.get_record(&r[12].id),
        Some(r[12].clone()),
        "conflict untouched"
    );
    let j = journal_entries(home.path());
    assert_eq!(j.len(), 1);
    let batch = last
        .trim_start_matches("batch: ")
        .split(' ')
        .next()
        .unwrap_or_default();
    assert_eq!(j[0].batch.as_deref(), Some(batch));
    assert_eq!(j[0].reason.as_deref(), Some("tidy"));
    assert_eq!(j[0].previous["email"], r[10].email.as_str());

    // The same file again: every row that was applied is now unchanged; nothing is sent.
    let again = format!(
        "id,email\n{},new.a@example.com\n{},{}\n",
        r[10].id, r[11].id, r[11].email
    );
    std::fs::write(&file, again).unwrap();
    let o = run(home.path(), &sb, &["apply", f, "--yes"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(patches(&sb).len(), 1, "a re-run sends nothing");
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_rows_stop_the_batch_with_exit_5_unless_skipped() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox_with(SandboxOptions {
        count: 20,
        fail_rate: 0.0,
        ..Default::default()
    })
    .await;
    let r = records(&sb, 20);
    let file = home.path().join("fixes.ndjson");
    let text = format!(
        "{{\"id\":\"{}\",\"set\":{{\"phoneNumber\":\"+44 7700 900123\"}}}}\n{{\"id\":\"{}\",\"set\":{{\"lastName\":\"Okay\"}}}}\n",
        r[5].id, r[6].id
    );
    std::fs::write(&file, text).unwrap();
    let f = file.to_str().unwrap();
    let o = run(home.path(), &sb, &["apply", f, "--yes"]).await;
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert!(stdout(&o).contains("line 1"), "{}", stdout(&o));
    assert!(patches(&sb).is_empty(), "nothing sent");
    let o = run(home.path(), &sb, &["apply", f, "--yes", "--skip-invalid"]).await;
    assert_eq!(
        o.status.code(),
        Some(6),
        "the invalid row is reported: {}",
        stderr(&o)
    );
    assert_eq!(patches(&sb).len(), 1);
    assert_eq!(
        sb.get_record(&r[6].id).and_then(|p| p.last_name),
        Some("Okay".into())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_file_is_exit_2_naming_the_line_and_dry_run_sends_nothing() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox_with(SandboxOptions {
        count: 20,
        fail_rate: 0.0,
        ..Default::default()
    })
    .await;
    let r = records(&sb, 20);
    let file = home.path().join("fixes.csv");
    std::fs::write(&file, "id,emial\nx,y\n").unwrap();
    let f = file.to_str().unwrap();
    let o = run(home.path(), &sb, &["apply", f]).await;
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("line 1: Unknown field \"emial\""),
        "{}",
        stderr(&o)
    );

    std::fs::write(&file, format!("id,email\n{},dry@example.com\n", r[3].id)).unwrap();
    let o = run(home.path(), &sb, &["apply", f, "--dry-run", "-o", "json"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let plan: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("a JSON plan");
    assert_eq!(plan[0]["outcome"], "change");
    assert_eq!(plan[0]["body"]["email"], "dry@example.com");
    assert!(patches(&sb).is_empty());
    // Without --yes and without a terminal, nothing is sent either.
    let o = run(home.path(), &sb, &["apply", f]).await;
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(patches(&sb).is_empty());
}

fn client(sb: &Sandbox) -> ApiClient {
    ApiClient::new(ClientConfig::new(
        &sb.base_url(),
        sb.token(),
        sb.secret(),
        "t",
    ))
    .unwrap()
}

fn info(dir: &Path) -> BatchInfo {
    BatchInfo {
        batch: "b-test".into(),
        profile: "t".into(),
        reason: None,
        journal: Some(dir.join("journal.jsonl")),
        journal_failure: Default::default(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_record_changed_between_plan_and_send_is_a_conflict_and_not_sent() {
    let dir = tempfile::tempdir().unwrap();
    let sb = common::sandbox_with(SandboxOptions {
        count: 20,
        fail_rate: 0.0,
        ..Default::default()
    })
    .await;
    let r = records(&sb, 20);
    let rows = corrections::parse(
        "x.csv",
        format!("id,email\n{},mine@example.com\n", r[4].id).as_bytes(),
    )
    .unwrap();
    let c = client(&sb);
    let planned = run::plan(&c, &rows, 4).await;
    assert_eq!(planned[0].outcome, Outcome::Change);
    let mut theirs = r[4].clone();
    theirs.email = "theirs@example.com".into();
    sb.put_record(theirs.clone());
    let (_tx, stop) = watch::channel(false);
    let sent = run::send(&c, planned, 4, &info(dir.path()), stop).await;
    assert_eq!(sent[0].outcome, Outcome::Conflict, "{:?}", sent[0]);
    assert!(patches(&sb).is_empty());
    assert_eq!(sb.get_record(&r[4].id), Some(theirs));
}

#[tokio::test(flavor = "multi_thread")]
async fn under_faults_every_row_is_applied_exactly_once_or_reported() {
    let dir = tempfile::tempdir().unwrap();
    let sb = common::sandbox_with(SandboxOptions {
        count: 60,
        fail_rate: 0.0,
        ..Default::default()
    })
    .await;
    let r = records(&sb, 60);
    let mut text = String::from("id,lastName\n");
    for (i, p) in r.iter().enumerate().take(40) {
        text.push_str(&format!("{},Fixed{i}\n", p.id));
    }
    let rows = corrections::parse("x.csv", text.as_bytes()).unwrap();
    let c = client(&sb);
    let planned = run::plan(&c, &rows, 8).await;
    assert!(planned.iter().all(|p| p.outcome == Outcome::Change));
    // 500, 503 and 429 on 40% of the requests from now on.
    sb.set_fail_rate(0.4);
    let (_tx, stop) = watch::channel(false);
    let sent = run::send(&c, planned, 8, &info(dir.path()), stop).await;
    sb.set_fail_rate(0.0);
    for (i, row) in sent.iter().enumerate() {
        let id = row.id.clone().unwrap_or_default();
        let ok_patches = patches(&sb)
            .iter()
            .filter(|p| p.path_and_query.ends_with(&id) && p.status == 200)
            .count();
        let now = sb.get_record(&id).and_then(|p| p.last_name);
        let wanted = Some(format!("Fixed{i}"));
        match row.outcome {
            Outcome::Applied => {
                assert_eq!(now, wanted, "{row:?}");
                assert_eq!(ok_patches, 1, "applied exactly once: {row:?}");
            }
            Outcome::Failed | Outcome::Unknown => {
                assert!(!row.message.is_empty(), "a reason is reported: {row:?}");
                assert!(ok_patches <= 1, "{row:?}");
            }
            other => panic!("unexpected {other:?}: {row:?}"),
        }
    }
    let applied = sent
        .iter()
        .filter(|r| r.outcome == Outcome::Applied)
        .count();
    assert!(applied > 0, "some rows got through");
    let j = journal::read(&dir.path().join("journal.jsonl")).unwrap();
    assert_eq!(j.len(), applied, "each applied change journaled once");
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_is_simulated_by_the_stop_signal_no_new_patch_starts() {
    let dir = tempfile::tempdir().unwrap();
    let sb = common::sandbox_with(SandboxOptions {
        count: 30,
        fail_rate: 0.0,
        ..Default::default()
    })
    .await;
    let r = records(&sb, 30);
    let mut text = String::from("id,lastName\n");
    for p in r.iter().take(10) {
        text.push_str(&format!("{},Stopped\n", p.id));
    }
    let rows = corrections::parse("x.csv", text.as_bytes()).unwrap();
    let c = client(&sb);
    let planned = run::plan(&c, &rows, 2).await;
    let (tx, stop) = watch::channel(false);
    tx.send(true).unwrap();
    let sent = run::send(&c, planned, 2, &info(dir.path()), stop).await;
    assert!(sent.iter().all(|r| r.outcome == Outcome::Change));
    assert!(patches(&sb).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn revert_restores_the_originals_reports_conflicts_and_history_lists_both_batches() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox_with(SandboxOptions {
        count: 30,
        fail_rate: 0.0,
        ..Default::default()
    })
    .await;
    let r = records(&sb, 30);
    let file = home.path().join("fixes.csv");
    let text = format!(
        "id,email,identificationNumber\n{},a@example.com,\n{},b@example.com,\n{},,ZZ998877A\n",
        r[7].id, r[8].id, r[9].id
    );
    std::fs::write(&file, text).unwrap();
    let o = run(
        home.path(),
        &sb,
        &["apply", file.to_str().unwrap(), "--yes"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let batch = journal_entries(home.path())[0]
        .batch
        .clone()
        .unwrap_or_default();
    // Someone changes one of them again.
    let mut again = sb.get_record(&r[8].id).unwrap();
    again.email = "someone@example.com".into();
    sb.put_record(again);

    let o = run(home.path(), &sb, &["revert", &batch, "--yes"]).await;
    assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
    assert!(stderr(&o).contains("conflict"), "{}", stderr(&o));
    assert_eq!(sb.get_record(&r[7].id), Some(r[7].clone()), "restored");
    assert_eq!(sb.get_record(&r[9].id), Some(r[9].clone()), "restored");
    assert_eq!(
        sb.get_record(&r[8].id).map(|p| p.email),
        Some("someone@example.com".into()),
        "not overwritten"
    );
    let j = journal_entries(home.path());
    assert_eq!(j.len(), 5, "three applied, two reverted");
    assert!(j[3].batch != j[0].batch && j[3].batch == j[4].batch);

    let o = run(home.path(), &sb, &["history", "--batch", &batch]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.matches(&batch).count(), 3, "{out}");
    assert!(!out.contains("ZZ998877A"), "masked: {out}");
    assert!(out.contains("•••••877A"), "{out}");
    let o = run(
        home.path(),
        &sb,
        &["history", "--id", &r[9].id, "-o", "ndjson", "--reveal"],
    )
    .await;
    assert_eq!(stdout(&o).lines().count(), 2, "{}", stdout(&o));
    assert!(stdout(&o).contains("ZZ998877A"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_read_only_profile_refuses_apply_and_revert() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox_with(SandboxOptions {
        count: 10,
        fail_rate: 0.0,
        ..Default::default()
    })
    .await;
    let cfg = common::profile_config(home.path(), &sb, "prod", "", "read_only = true\n");
    let file = home.path().join("fixes.csv");
    std::fs::write(&file, "id,email\nx,y@example.com\n").unwrap();
    let c = cfg.to_str().unwrap();
    for args in [
        vec![
            "--config",
            c,
            "--profile",
            "prod",
            "apply",
            file.to_str().unwrap(),
            "--yes",
        ],
        vec!["--config", c, "--profile", "prod", "revert", "b-1", "--yes"],
    ] {
        let o = run(home.path(), &sb, &args).await;
        assert_eq!(o.status.code(), Some(4), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("read-only"));
    }
    assert!(patches(&sb).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn journal_days_prunes_older_entries_at_start() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox_with(SandboxOptions {
        count: 10,
        fail_rate: 0.0,
        ..Default::default()
    })
    .await;
    let cfg = common::profile_config(home.path(), &sb, "p", "journal_days = 30\n", "");
    let path = home.path().join("state/prospect/journal.jsonl");
    let entry = |time: &str, id: &str| journal::JournalEntry {
        time: time.into(),
        profile: "p".into(),
        prospect_id: id.into(),
        body: serde_json::Map::new(),
        previous: serde_json::Map::new(),
        status: 200,
        batch: None,
        reason: None,
    };
    let recent = (chrono::Utc::now() - chrono::Duration::days(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    journal::append(&path, &entry("2020-01-01T00:00:00Z", "old")).unwrap();
    journal::append(&path, &entry(&recent, "recent")).unwrap();
    let o = run(
        home.path(),
        &sb,
        &[
            "--config",
            cfg.to_str().unwrap(),
            "--profile",
            "p",
            "history",
            "-o",
            "ndjson",
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let ids: Vec<String> = journal::read(&path)
        .unwrap()
        .into_iter()
        .map(|e| e.prospect_id)
        .collect();
    assert_eq!(ids, ["recent"]);
}
