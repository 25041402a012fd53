//! Corrections files that are ambiguous or carry what the form would refuse, over real HTTP
//! against the sandbox: refused before anything is sent, each naming its lines.

use crate::common;
use crate::common::{patches, records, stderr, stdout};

use std::process::Output;

use prospect::sandbox::Sandbox;

use crate::common::run_on as run;

/// `apply FILE --yes` of `bytes` written to `name`: the output, and how many PATCHes left.
async fn apply(sb: &Sandbox, name: &str, bytes: &[u8]) -> (Output, usize) {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join(name);
    std::fs::write(&file, bytes).unwrap();
    sb.clear_requests();
    let o = run(home.path(), sb, &["apply", file.to_str().unwrap(), "--yes"]).await;
    (o, patches(sb))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_prospect_on_two_rows_by_id_is_refused_naming_both_lines() {
    let sb = common::sandbox(20).await;
    let r = records(&sb, 20);
    let text = format!(
        "id,middleName\n{},First\n{},Other\n{},Second\n",
        r[1].id, r[2].id, r[1].id
    );
    let (o, sent) = apply(&sb, "fixes.csv", text.as_bytes()).await;
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("lines 2 and 4"), "{}", stderr(&o));
    assert_eq!(sent, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_id_and_an_external_reference_of_one_prospect_are_refused_naming_both_lines() {
    let sb = common::sandbox(20).await;
    let r = records(&sb, 20);
    let p = r
        .iter()
        .find(|p| p.external_reference.is_some())
        .expect("a record with an external reference");
    let reference = p.external_reference.clone().unwrap_or_default();
    let text = format!(
        "{{\"id\":\"{}\",\"set\":{{\"middleName\":\"First\"}}}}\n{{\"externalReference\":{},\"set\":{{\"middleName\":\"Second\"}}}}\n",
        p.id,
        serde_json::to_string(&reference).unwrap()
    );
    let (o, sent) = apply(&sb, "fixes.ndjson", text.as_bytes()).await;
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("lines 1 and 2"), "{}", stderr(&o));
    assert_eq!(sent, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_duplicated_column_is_refused_naming_it() {
    let sb = common::sandbox(20).await;
    let r = records(&sb, 20);
    let text = format!("id,middleName,middleName\n{},One,Two\n", r[1].id);
    let (o, sent) = apply(&sb, "fixes.csv", text.as_bytes()).await;
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("line 1: the column middleName appears twice"),
        "{}",
        stderr(&o)
    );
    assert_eq!(sent, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_value_with_a_nul_byte_is_an_invalid_row_and_nothing_is_sent() {
    let sb = common::sandbox(20).await;
    let r = records(&sb, 20);
    let text = format!("id,middleName\n{},Ann\0Marie\n{},Fine\n", r[1].id, r[2].id);
    let (o, sent) = apply(&sb, "fixes.csv", text.as_bytes()).await;
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("invalid") && out.contains("middleName must not contain control characters"),
        "{out}"
    );
    assert_eq!(sent, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_two_megabyte_value_is_an_invalid_row_and_nothing_is_sent() {
    let sb = common::sandbox(20).await;
    let r = records(&sb, 20);
    let text = format!("id,lastName\n{},{}\n", r[1].id, "x".repeat(2 << 20));
    let (o, sent) = apply(&sb, "fixes.csv", text.as_bytes()).await;
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("lastName must be shorter than or equal to 1000 characters"),
        "{}",
        stdout(&o)
    );
    assert_eq!(sent, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crlf_file_names_its_lines_as_an_lf_file_does() {
    let sb = common::sandbox(20).await;
    let r = records(&sb, 20);
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("fixes.csv");
    let text = format!(
        "id,email\r\n{},crlf.one@example.com\r\n{},not-an-email\r\n",
        r[1].id, r[2].id
    );
    std::fs::write(&file, text).unwrap();
    let o = run(
        home.path(),
        &sb,
        &["apply", file.to_str().unwrap(), "--dry-run"],
    )
    .await;
    let out = stdout(&o);
    assert!(out.contains(&format!("line 2 {}", r[1].id)), "{out}");
    assert!(out.contains(&format!("line 3 {}", r[2].id)), "{out}");
    let bad = home.path().join("bad.csv");
    std::fs::write(
        &bad,
        format!(
            "id,email\r\n{},a@example.com\r\n,b@example.com\r\n",
            r[1].id
        ),
    )
    .unwrap();
    let o = run(
        home.path(),
        &sb,
        &["apply", bad.to_str().unwrap(), "--dry-run"],
    )
    .await;
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("line 3:"), "{}", stderr(&o));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_header_only_file_plans_no_rows_without_an_empty_line() {
    let sb = common::sandbox(5).await;
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("fixes.csv");
    std::fs::write(&file, "id,email\n").unwrap();
    let o = run(
        home.path(),
        &sb,
        &["apply", file.to_str().unwrap(), "--yes"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "Plan: no rows\n");
    assert!(
        !stderr(&o).lines().any(|l| l.trim_end().ends_with(':')),
        "{}",
        stderr(&o)
    );
}
