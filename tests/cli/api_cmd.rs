//! `prospect api METHOD PATH`: the built binary against the real sandbox over HTTP — GETs
//! printed as they came, a PATCH from `--input` journaled, a 404's exit code, `--dry-run`'s
//! payload in the contract's shape, and no credential in any output unless asked.

use crate::common::{self, text};

use std::path::Path;
use std::process::{Output, Stdio};

use prospect::api::sign::{Payload, SignedHeaders};
use prospect::sandbox::{Sandbox, data};
use serde_json::Value;
use tokio::io::AsyncWriteExt;

fn command(home: &Path, sb: &Sandbox, args: &[&str]) -> tokio::process::Command {
    let mut c = common::bin_on(home, sb);
    c.arg("api").args(args);
    c
}

async fn run(home: &Path, sb: &Sandbox, args: &[&str]) -> Output {
    command(home, sb, args)
        .output()
        .await
        .expect("the binary runs")
}

/// No credential of the sandbox shows anywhere in `o`.
fn no_secrets(o: &Output, sb: &Sandbox) {
    for s in [sb.token(), sb.secret()] {
        assert!(!text(&o.stdout).contains(s), "{s} on stdout");
        assert!(!text(&o.stderr).contains(s), "{s} on stderr");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_get_prints_the_body_as_it_came() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(20).await;
    let o = run(
        home.path(),
        &sb,
        &["GET", "/v1/partner/prospects/personal?page=2&limit=5"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // Piped: the bytes exactly as the server sent them (compact JSON, no added newline).
    let body: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(body["meta"]["currentPage"], 2);
    assert_eq!(body["items"].as_array().map(Vec::len), Some(5));
    assert!(!text(&o.stdout).contains('\n'), "raw, not pretty-printed");
    no_secrets(&o, &sb);

    let path = format!("/v1/partner/prospects/personal/{}", data::JOHN_DOE_ID);
    let o = run(home.path(), &sb, &["get", &path, "--include"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let (head, body) = out
        .split_once("\n\n")
        .expect("headers, a blank line, the body");
    assert!(head.starts_with("HTTP/1.1 200 OK\n"), "{head}");
    assert!(head.contains("content-type: application/json"), "{head}");
    let record: Value = serde_json::from_str(body).expect("JSON");
    assert_eq!(record["id"], data::JOHN_DOE_ID);
    // The sandbox saw one signed GET it verified.
    let seen = sb.requests();
    assert_eq!(
        seen.last().map(|r| (r.method.as_str(), r.status)),
        Some(("GET", 200))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_404_prints_the_servers_body_and_exits_3() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(20).await;
    let o = run(
        home.path(),
        &sb,
        &[
            "GET",
            "/v1/partner/prospects/personal/00000000-0000-4000-8000-000000000000",
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(3), "{}", text(&o.stderr));
    let body: Value = serde_json::from_slice(&o.stdout).expect("the error body, as it came");
    assert_eq!(body["statusCode"], 404);
    assert!(text(&o.stderr).contains("Not found"), "{}", text(&o.stderr));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_patch_from_input_is_sent_as_given_and_journaled() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(20).await;
    let path = format!("/v1/partner/prospects/personal/{}", data::JOHN_DOE_ID);
    let body = r#"{"middleName":"Through the API"}"#;
    // From standard input.
    let mut child = command(home.path(), &sb, &["PATCH", &path, "--input", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(body.as_bytes()).await.unwrap();
    drop(stdin);
    let o = child.wait_with_output().await.unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let updated: Value = serde_json::from_slice(&o.stdout).expect("the updated record");
    assert_eq!(updated["middleName"], "Through the API");
    let sent = sb
        .requests()
        .into_iter()
        .rfind(|r| r.method == "PATCH")
        .unwrap();
    assert_eq!(sent.body, body, "the body exactly as given");
    assert_eq!(
        sb.get_record(data::JOHN_DOE_ID)
            .unwrap()
            .middle_name
            .as_deref(),
        Some("Through the API")
    );
    // Journaled with the value it replaced, so history (and revert) see it.
    let entries =
        prospect::edit::journal::read(&home.path().join("state/prospect/journal.jsonl")).unwrap();
    let entry = entries.last().expect("a journal entry");
    assert_eq!(entry.prospect_id, data::JOHN_DOE_ID);
    assert_eq!(
        entry.previous.get("middleName"),
        Some(&Value::from("James"))
    );
    assert_eq!(
        entry.body.get("middleName"),
        Some(&Value::from("Through the API"))
    );
    let h = common::run_on(home.path(), &sb, &["history", "--id", data::JOHN_DOE_ID]).await;
    assert!(
        text(&h.stdout).contains("Through the API"),
        "{}",
        text(&h.stdout)
    );

    // From a file, a value the server refuses: its 400 body printed, exit 5, nothing journaled.
    let file = home.path().join("bad.json");
    std::fs::write(&file, r#"{"email":"not an email"}"#).unwrap();
    let o = run(
        home.path(),
        &sb,
        &["PATCH", &path, "--input", file.to_str().unwrap()],
    )
    .await;
    assert_eq!(o.status.code(), Some(5), "{}", text(&o.stderr));
    let refused: Value = serde_json::from_slice(&o.stdout).expect("the 400 body");
    assert_eq!(refused["statusCode"], 400);
    let after =
        prospect::edit::journal::read(&home.path().join("state/prospect/journal.jsonl")).unwrap();
    assert_eq!(after.len(), entries.len());
}

#[tokio::test(flavor = "multi_thread")]
async fn writes_that_cannot_be_journaled_are_not_sent() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(20).await;
    let by_id = format!("/v1/partner/prospects/personal/{}", data::JOHN_DOE_ID);
    for args in [
        vec!["DELETE", by_id.as_str()],
        vec!["POST", "/v1/partner/prospects/personal"],
        // A PATCH of something that is not one prospect, or without a JSON object.
        vec!["PATCH", "/v1/partner/prospects/personal"],
        vec!["PATCH", by_id.as_str()],
    ] {
        let o = run(home.path(), &sb, &args).await;
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stderr));
        assert!(
            text(&o.stderr).starts_with("prospect: "),
            "{}",
            text(&o.stderr)
        );
    }
    assert!(
        sb.requests().iter().all(|r| r.method == "GET"),
        "{:?}",
        sb.requests()
    );

    // A read-only profile refuses the PATCH before anything is sent.
    let cfg = common::profile_config(home.path(), &sb, "ro", "", "read_only = true\n");
    let file = home.path().join("body.json");
    std::fs::write(&file, r#"{"middleName":"No"}"#).unwrap();
    let o = common::bin(home.path())
        .args([
            "--config",
            cfg.to_str().unwrap(),
            "--profile",
            "ro",
            "api",
            "PATCH",
        ])
        .args([by_id.as_str(), "--input", file.to_str().unwrap()])
        .output()
        .await
        .unwrap();
    assert_eq!(o.status.code(), Some(4), "{}", text(&o.stderr));
    assert!(sb.requests().iter().all(|r| r.method == "GET"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_prints_the_signed_payload_in_the_contracts_shape_and_no_credential() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(20).await;
    let path = format!("/v1/partner/prospects/personal/{}", data::JOHN_DOE_ID);
    let file = home.path().join("body.json");
    let body = r#"{"lastName":"O'Brien"}"#;
    std::fs::write(&file, body).unwrap();
    let o = run(
        home.path(),
        &sb,
        &[
            "PATCH",
            &path,
            "--input",
            file.to_str().unwrap(),
            "--dry-run",
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(sb.requests().is_empty(), "nothing sent");
    let out = text(&o.stdout);
    assert!(
        out.starts_with(&format!("PATCH {}{path}\n", sb.base_url())),
        "{out}"
    );
    let date = out
        .lines()
        .find_map(|l| l.strip_prefix("date: "))
        .expect("a date header");
    let payload = out
        .lines()
        .find_map(|l| l.strip_prefix("payload (signed): "))
        .expect("the payload line");
    // Exactly partner-api.md's shape, keys in order, compact, token and nonce redacted.
    let expected = Payload {
        url: &path,
        method: "PATCH",
        headers: SignedHeaders {
            authorization: "<redacted>",
            date,
            nonce: "<redacted>",
        },
        body,
    }
    .to_json();
    assert_eq!(payload, expected);
    assert!(out.contains("x-alg-signature: <redacted>"), "{out}");
    assert!(out.contains("authorization: <redacted>"), "{out}");
    no_secrets(&o, &sb);

    // --show-signature: the signature over the real payload, still no token or secret.
    let o = run(
        home.path(),
        &sb,
        &[
            "GET",
            "/v1/partner/prospects/personal?page=1&limit=10",
            "--dry-run",
            "--show-signature",
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let signature = out
        .lines()
        .find_map(|l| l.strip_prefix("x-alg-signature: "))
        .expect("the signature");
    assert_ne!(signature, "<redacted>");
    assert_eq!(signature.len(), 44, "base64 of 32 bytes: {signature}");
    no_secrets(&o, &sb);
    assert!(sb.requests().is_empty());
}

/// `api PATCH` of John Doe's middle name from a file.
async fn patch_john(home: &Path, sb: &Sandbox) -> Output {
    let path = format!("/v1/partner/prospects/personal/{}", data::JOHN_DOE_ID);
    let file = home.join("body.json");
    std::fs::write(&file, r#"{"middleName":"Unjournaled"}"#).unwrap();
    run(
        home,
        sb,
        &["PATCH", &path, "--input", file.to_str().unwrap()],
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_patch_is_not_sent_when_the_journal_cannot_be_opened() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(20).await;
    // The journal's folder is a file: the journal cannot be opened.
    std::fs::create_dir_all(home.path().join("state")).unwrap();
    std::fs::write(home.path().join("state/prospect"), "not a folder").unwrap();
    let o = patch_john(home.path(), &sb).await;
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("Nothing was sent") && err.contains("journal.jsonl"),
        "{err}"
    );
    assert!(sb.requests().iter().all(|r| r.method != "PATCH"));
    assert_eq!(
        sb.get_record(data::JOHN_DOE_ID)
            .unwrap()
            .middle_name
            .as_deref(),
        Some("James")
    );
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread")]
async fn a_patch_whose_entry_cannot_be_written_says_so_and_exits_1() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(20).await;
    let state = home.path().join("state/prospect");
    std::fs::create_dir_all(&state).unwrap();
    std::os::unix::fs::symlink("/dev/full", state.join("journal.jsonl")).unwrap();
    let o = patch_john(home.path(), &sb).await;
    let err = text(&o.stderr);
    // The journal opened, the write landed, the entry failed: said, and exit 1.
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("applied but not journaled"), "{err}");
    assert!(err.contains("No space left on device"), "{err}");
}
