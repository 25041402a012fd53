//! The audit trail over real HTTP against the sandbox: every write is journaled, a journal
//! that cannot be written stops a batch before anything is sent, reports and the state
//! directory are private, and `history` needs no credentials.

use crate::common;
use crate::common::{patches, records, stderr, stdout};

use std::path::{Path, PathBuf};

use prospect::edit::journal;

use crate::common::run_on as run;

fn state_dir(home: &Path) -> PathBuf {
    home.join("state/prospect")
}

fn journal_path(home: &Path) -> PathBuf {
    journal::path_in(&state_dir(home))
}

/// The journal's path made a link to `/dev/full`: every write to it fails (ENOSPC).
#[cfg(unix)]
fn full_journal(home: &Path) {
    std::fs::create_dir_all(state_dir(home)).unwrap();
    std::os::unix::fs::symlink("/dev/full", journal_path(home)).unwrap();
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[tokio::test(flavor = "multi_thread")]
async fn a_patch_is_journaled_and_shows_in_history() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(20).await;
    let r = records(&sb, 20);
    let id = r[3].id.as_str();
    let o = run(
        home.path(),
        &sb,
        &["patch", id, "--set", "middleName=Quentin", "--yes"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(home.path(), &sb, &["history", "--id", id]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains(id) && out.contains("Quentin"), "{out}");
    let entries = journal::read(&journal_path(home.path())).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].prospect_id, id);
    assert_eq!(
        entries[0].previous.get("middleName"),
        Some(&serde_json::json!(r[3].middle_name))
    );
    assert_eq!(entries[0].batch, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn history_shows_an_address_change_by_the_part_that_changed() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(20).await;
    let r = records(&sb, 20);
    let p = r
        .iter()
        .find(|p| p.address.as_ref().and_then(|a| a.line1.as_ref()).is_some())
        .expect("a record with an address");
    let line1 = p.address.as_ref().and_then(|a| a.line1.clone()).unwrap();
    let o = run(
        home.path(),
        &sb,
        &["patch", &p.id, "--set", "address.postcode=ZZ9 9ZZ", "--yes"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(home.path(), &sb, &["history", "--id", &p.id]).await;
    let out = stdout(&o);
    assert!(
        out.contains("address.postcode") && out.contains("ZZ9 9ZZ"),
        "{out}"
    );
    assert!(!out.contains(&line1), "only the part that changed: {out}");
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn with_the_journal_unwritable_apply_sends_nothing_and_exits_1() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(20).await;
    let r = records(&sb, 20);
    full_journal(home.path());
    let file = home.path().join("fixes.csv");
    let rows: String = r[..5]
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{},fixed{i}@example.com\n", p.id))
        .collect();
    std::fs::write(&file, format!("id,email\n{rows}")).unwrap();
    sb.clear_requests();
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
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("Nothing was sent")
            && err.contains(journal_path(home.path()).to_str().unwrap()),
        "{err}"
    );
    assert_eq!(patches(&sb), 0, "no PATCH may be sent");
    for p in &r[..5] {
        assert_eq!(sb.get_record(&p.id).unwrap().email, p.email);
    }
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn with_the_journal_unwritable_patch_says_so_and_exits_1() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(20).await;
    let r = records(&sb, 20);
    full_journal(home.path());
    let o = run(
        home.path(),
        &sb,
        &["patch", &r[2].id, "--set", "middleName=Zed", "--yes"],
    )
    .await;
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("not journaled") && err.contains(journal_path(home.path()).to_str().unwrap()),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_journal_that_cannot_be_opened_stops_a_patch_before_it_is_sent() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(20).await;
    let r = records(&sb, 20);
    // A directory where the journal file should be: it cannot be opened for appending.
    std::fs::create_dir_all(journal_path(home.path())).unwrap();
    sb.clear_requests();
    let o = run(
        home.path(),
        &sb,
        &["patch", &r[2].id, "--set", "middleName=Zed", "--yes"],
    )
    .await;
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("Nothing was sent"), "{}", stderr(&o));
    assert_eq!(patches(&sb), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_opens_with_a_journal_line_that_readers_skip() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(20).await;
    let r = records(&sb, 20);
    let file = home.path().join("fixes.csv");
    let rows: String = r[..4]
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{},fixed{i}@example.com\n", p.id))
        .collect();
    std::fs::write(&file, format!("id,email\n{rows}")).unwrap();
    let rep = home.path().join("report.csv");
    let o = run(
        home.path(),
        &sb,
        &[
            "apply",
            file.to_str().unwrap(),
            "--yes",
            "--concurrency",
            "4",
            "--reason",
            "tidy",
            "--report",
            rep.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(journal_path(home.path())).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        5,
        "an opening line and four entries, no empty line:\n{text}"
    );
    let first: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(first["rows"], 4);
    assert_eq!(first["reason"], "tidy");
    assert_eq!(first["profile"], "default");
    let batch = first["opensBatch"].as_str().unwrap().to_string();
    let (entries, skipped) = journal::read_checked(&journal_path(home.path())).unwrap();
    assert!(skipped.is_empty(), "the opening line is not damage");
    assert_eq!(entries.len(), 4);
    assert!(
        entries
            .iter()
            .all(|e| e.batch.as_deref() == Some(batch.as_str()))
    );
    let o = run(home.path(), &sb, &["history", "--batch", &batch]).await;
    assert_eq!(o.status.code(), Some(0));
    assert!(!stderr(&o).contains("damaged"), "{}", stderr(&o));
    let o = run(home.path(), &sb, &["revert", &batch, "--yes"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(sb.get_record(&r[0].id).unwrap().email, r[0].email);
    #[cfg(unix)]
    {
        assert_eq!(mode(&rep), 0o600, "the report quotes values");
        assert_eq!(mode(&state_dir(home.path())), 0o700);
    }
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn an_entry_that_cannot_be_written_stops_the_batch_and_is_reported() {
    use prospect::batch::run::{self, BatchInfo};
    use prospect::batch::{Outcome, corrections};
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(20).await;
    let r = records(&sb, 20);
    let text: String = r[..5]
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{},fixed{i}@example.com\n", p.id))
        .collect();
    let rows = corrections::parse("f.csv", format!("id,email\n{text}").as_bytes()).unwrap();
    let client = common::client(&sb);
    let planned = run::plan(&client, &rows, 1).await;
    // The opening line was written; the journal then fills up.
    full_journal(home.path());
    let info = BatchInfo::new("sandbox".into(), None, Some(journal_path(home.path())));
    let (_stop_tx, stop) = tokio::sync::watch::channel(false);
    sb.clear_requests();
    let sent = run::send(&client, planned, 1, &info, stop).await;
    assert_eq!(patches(&sb), 1, "no new PATCH after the failed entry");
    assert_eq!(sent[0].outcome, Outcome::Applied);
    assert!(
        sent[0].message.starts_with("applied, not journaled"),
        "{}",
        sent[0].message
    );
    assert!(sent[1..].iter().all(|p| p.outcome == Outcome::Change));
    assert!(info.journal_failure().is_some());
}

/// A journal entry of `batch`: `body` sent to `id`, which had `previous`.
fn entry(
    id: &str,
    batch: &str,
    body: serde_json::Value,
    previous: serde_json::Value,
) -> journal::JournalEntry {
    journal::JournalEntry {
        time: "2026-11-26T17:21:03Z".into(),
        profile: "default".into(),
        prospect_id: id.into(),
        body: body.as_object().unwrap().clone(),
        previous: previous.as_object().unwrap().clone(),
        status: 200,
        batch: Some(batch.into()),
        reason: Some("tidy".into()),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn history_runs_without_credentials_and_cuts_long_values() {
    let home = tempfile::tempdir().unwrap();
    let id = "a2b9649e-df7f-4349-adff-1c57283fef10";
    let huge = "y".repeat(5 << 20);
    journal::append(
        &journal_path(home.path()),
        &entry(
            id,
            "B1",
            serde_json::json!({"middleName": "Short"}),
            serde_json::json!({"middleName": huge}),
        ),
    )
    .unwrap();
    // No PROSPECT_* variable, no config file: no credentials anywhere.
    let o = common::bin(home.path())
        .args(["history", "--id", id])
        .output()
        .await
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains(id) && out.contains("Short"), "{out}");
    assert!(out.len() < 2_000, "the value is cut: {} bytes", out.len());
    assert!(out.contains('…'), "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn reverting_a_batch_that_fixed_invalid_data_plans_the_originals_invalid() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::problems_sandbox(100).await;
    let fixes = home.path().join("fixes.csv");
    let o = run(
        home.path(),
        &sb,
        &["check", "--fix", fixes.to_str().unwrap()],
    )
    .await;
    assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
    let o = run(
        home.path(),
        &sb,
        &["apply", fixes.to_str().unwrap(), "--yes"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let batch = stderr(&o)
        .lines()
        .last()
        .and_then(|l| l.strip_prefix("batch: "))
        .and_then(|l| l.split_whitespace().next())
        .expect("a batch id")
        .to_string();
    sb.clear_requests();
    let o = run(home.path(), &sb, &["revert", &batch, "--yes"]).await;
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("the previous value gb is refused: address.country must be"),
        "{out}"
    );
    assert!(stderr(&o).contains("--skip-invalid"), "{}", stderr(&o));
    assert_eq!(patches(&sb), 0, "nothing is sent while rows are invalid");
    // With --skip-invalid the rest is reverted, and the server refuses none of it.
    let o = run(
        home.path(),
        &sb,
        &["revert", &batch, "--yes", "--skip-invalid"],
    )
    .await;
    assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
    let last = stderr(&o).lines().last().unwrap_or_default().to_string();
    assert!(
        last.contains("invalid=") && !last.contains("rejected"),
        "{last}"
    );
    let sent = sb.requests().into_iter().filter(|r| r.method == "PATCH");
    assert!(sent.clone().count() > 0);
    assert!(
        sent.into_iter().all(|r| r.status == 200),
        "no PATCH is refused"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_journal_entry_of_the_wrong_type_is_one_invalid_row_not_a_stop() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(20).await;
    let r = records(&sb, 20);
    let (mut a, mut b) = (r[1].clone(), r[2].clone());
    a.middle_name = Some("Sent".into());
    b.middle_name = Some("Sent".into());
    sb.put_record(a.clone());
    sb.put_record(b.clone());
    let path = journal_path(home.path());
    let sent = serde_json::json!({"middleName": "Sent"});
    journal::append(
        &path,
        &entry(
            &a.id,
            "B1",
            sent.clone(),
            serde_json::json!({"middleName": 7}),
        ),
    )
    .unwrap();
    journal::append(
        &path,
        &entry(
            &b.id,
            "B1",
            sent,
            serde_json::json!({"middleName": "Before"}),
        ),
    )
    .unwrap();
    let o = run(home.path(), &sb, &["revert", "B1", "--yes"]).await;
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("the previous value 7 is refused"),
        "{}",
        stdout(&o)
    );
    let o = run(
        home.path(),
        &sb,
        &["revert", "B1", "--yes", "--skip-invalid"],
    )
    .await;
    assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
    assert_eq!(
        sb.get_record(&b.id).unwrap().middle_name.as_deref(),
        Some("Before")
    );
    assert_eq!(
        sb.get_record(&a.id).unwrap().middle_name.as_deref(),
        Some("Sent")
    );
}
