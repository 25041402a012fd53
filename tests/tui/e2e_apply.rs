//! `prospect apply` in a real (pseudo-)terminal, interrupted with ctrl-c: it stops sending,
//! waits for what is in flight, journals and reports it, and exits 130.

use crate::pty;

use std::time::{Duration, Instant};

use prospect::sandbox::{Sandbox, SandboxOptions};
use pty::Spawn;

#[test]
fn ctrl_c_mid_apply_stops_new_patches_reports_and_exits_130() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    // Slow answers: 15 changes one at a time take 6 s or more, so ctrl-c lands mid-batch.
    let sb = rt
        .block_on(Sandbox::start(SandboxOptions {
            count: 60,
            latency_ms: 200,
            ..SandboxOptions::default()
        }))
        .unwrap();
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("fixes.csv");
    let mut text = String::from("id,lastName\n");
    for p in prospect::sandbox::generate(60, SandboxOptions::default().seed)
        .iter()
        .take(15)
    {
        text.push_str(&format!("{},Interrupted\n", p.id));
    }
    std::fs::write(&file, text).unwrap();
    let report = files.path().join("report.csv");
    let t = Spawn::app(&[
        "apply",
        file.to_str().unwrap(),
        "--yes",
        "--concurrency",
        "1",
        "--report",
        report.to_str().unwrap(),
    ])
    .env("PROSPECT_BASE_URL", &sb.base_url())
    .env("PROSPECT_API_TOKEN", sb.token())
    .env("PROSPECT_API_SECRET", sb.secret())
    .start();

    // Once the first PATCH has been answered, the batch is being sent: interrupt it.
    let deadline = Instant::now() + pty::DEADLINE;
    while !sb
        .requests()
        .iter()
        .any(|r| r.method == "PATCH" && r.status == 200)
    {
        assert!(
            Instant::now() < deadline,
            "no PATCH was sent:\n{}",
            t.screen()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    t.key("C-c");
    let status = t.wait_exit();
    assert_eq!(status.exit_code(), 130, "{}", t.screen());
    let screen = t.screen();
    assert!(screen.contains("Interrupted:"), "{screen}");
    assert!(screen.contains("batch: "), "{screen}");
    assert!(
        !screen.lines().any(|l| l.trim_end().ends_with(" change:")),
        "no empty line per unsent row:\n{screen}"
    );

    let sent: Vec<_> = sb
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .collect();
    assert!(sent.len() < 15, "sending stopped: {} PATCHes", sent.len());
    let rows: Vec<Vec<String>> = csv::Reader::from_path(&report)
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(rows.len(), 15, "every row is in the report");
    let applied = rows.iter().filter(|r| r[3] == "applied").count();
    let unsent = rows.iter().filter(|r| r[3] == "change").count();
    assert_eq!(applied, sent.len(), "every PATCH sent is reported applied");
    assert_eq!(applied + unsent, 15, "{rows:?}");
    let journal =
        prospect::edit::journal::read(&t.state_dir().join("prospect/journal.jsonl")).unwrap();
    assert_eq!(journal.len(), applied, "and journaled");
}
