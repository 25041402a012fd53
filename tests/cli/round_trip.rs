//! Files `prospect` writes for people to edit and `apply` to read: safe to `cat` (no raw
//! control character from the server), and read back exactly; an export edited and applied
//! sends only what was edited.

use crate::common;
use crate::common::stderr;

use std::path::Path;
use std::process::Output;

use prospect::sandbox::Sandbox;
use serde_json::Value;

async fn run(home: &Path, sb: &Sandbox, args: &[&str]) -> Output {
    common::run_on(home, sb, args).await
}

/// The PATCH requests the sandbox has seen.
fn patches(sb: &Sandbox) -> usize {
    sb.requests().iter().filter(|r| r.method == "PATCH").count()
}

#[tokio::test(flavor = "multi_thread")]
async fn check_fix_escapes_control_characters_and_apply_reads_them_back_exactly() {
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
    let text = std::fs::read_to_string(&fixes).unwrap();
    // `cat fixes.csv` cannot drive the terminal: no ESC, no BEL, nothing raw.
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "raw control characters in the file"
    );
    assert!(
        text.contains("\\e[31m"),
        "the escape is written as text: {text}"
    );
    // Whole escape sequences are removed by the suggestion, not only their ESC.
    assert!(!text.contains(",Evil[31mRed"), "{text}");
    // Read back, every expected value is the server's exactly: nothing is a conflict.
    let o = run(
        home.path(),
        &sb,
        &["apply", fixes.to_str().unwrap(), "--dry-run", "-o", "json"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let plan: Vec<Value> = serde_json::from_slice(&o.stdout).expect("a JSON plan");
    let outcomes: Vec<&str> = plan.iter().filter_map(|r| r["outcome"].as_str()).collect();
    // Every fixable planted defect (48 since the `+44 (0)…` phone number was planted).
    assert_eq!(outcomes.len(), 48);
    assert!(outcomes.iter().all(|o| *o == "change"), "{outcomes:?}");
    let o = run(
        home.path(),
        &sb,
        &["apply", fixes.to_str().unwrap(), "--yes"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(
        home.path(),
        &sb,
        &["check", "--rule", "control-chars", "-o", "json"],
    )
    .await;
    let left: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(left.is_empty(), "{left:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_exported_csv_edited_and_applied_sends_only_the_edit() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::problems_sandbox(30).await;
    let o = run(home.path(), &sb, &["list", "--all", "-o", "csv"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let export = String::from_utf8(o.stdout).unwrap();
    let header = export.lines().next().unwrap();
    assert_eq!(
        header,
        "id,externalReference,firstName,middleName,lastName,email,phoneNumber,dateOfBirth,\
         identificationNumber,address.type,address.line1,address.line2,address.line3,\
         address.postcode,address.country,createDate"
    );
    // Edit one cell: John Doe's first name.
    let mut r = csv::Reader::from_reader(export.as_bytes());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(r.headers().unwrap()).unwrap();
    let mut john = String::new();
    for rec in r.records() {
        let mut rec: Vec<String> = rec.unwrap().iter().map(String::from).collect();
        if rec[1] == "CRM-0042" {
            john = rec[0].clone();
            rec[2] = "Jonathan".into();
        }
        w.write_record(&rec).unwrap();
    }
    let file = home.path().join("export.csv");
    std::fs::write(&file, w.into_inner().unwrap()).unwrap();
    let before = patches(&sb);
    let o = run(
        home.path(),
        &sb,
        &["apply", file.to_str().unwrap(), "--yes"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("applied=1"), "{}", stderr(&o));
    assert_eq!(
        patches(&sb) - before,
        1,
        "one PATCH: the edited record only"
    );
    let now = sb.get_record(&john).unwrap();
    assert_eq!(now.first_name.as_deref(), Some("Jonathan"));
    assert_eq!(now.last_name.as_deref(), Some("Doe"));
}
