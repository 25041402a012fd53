//! `prospect transform` against the sandbox with its planted problems over HTTP: exact
//! counts, before → after, skipped records and their reasons, the corrections file and
//! `apply`, a conflict, `--apply`, masking, and bad input (exit 2, nothing sent).

use std::path::Path;

use crate::common::{self, patches, records, run_on as run, stderr, stdout};
use prospect::sandbox::{Sandbox, SandboxOptions};
use serde_json::Value;

const COUNT: usize = 300;

async fn planted() -> Sandbox {
    common::problems_sandbox(COUNT).await
}

/// A config whose profile `gb` reads national numbers as British (`default_region`).
fn gb_config(home: &Path, sb: &Sandbox) -> String {
    common::profile_config(home, sb, "gb", "default_region = \"GB\"\n", "")
        .to_string_lossy()
        .into_owned()
}

fn json(o: &std::process::Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(o), stderr(o)))
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|r| r["id"].as_str().expect("an id").to_string())
        .collect()
}

/// The planted phone numbers: `+44 7123 456789`, national `07123 456780`, `+44 (0)7123 456781`.
const SPACED: usize = 9;
const NATIONAL: usize = 10;
const ZERO: usize = 29;

#[tokio::test(flavor = "multi_thread")]
async fn e164_counts_the_planted_numbers_exactly_with_and_without_a_region() {
    let home = tempfile::tempdir().unwrap();
    let sb = planted().await;
    let r = records(&sb, COUNT);
    // No region: the national number cannot be read, and says why.
    let o = run(
        home.path(),
        &sb,
        &["transform", "--set", "phoneNumber=e164", "-o", "json"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(
        (&v["records"], &v["changed"], &v["unchanged"], &v["skipped"]),
        (&300.into(), &2.into(), &297.into(), &1.into()),
        "{v}"
    );
    assert_eq!(
        ids(&v["changes"]),
        [r[SPACED].id.clone(), r[ZERO].id.clone()]
    );
    assert_eq!(v["matched"], 300);
    assert_eq!(ids(&v["skippedRecords"]), [r[NATIONAL].id.clone()]);
    let reason = v["skippedRecords"][0]["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("phoneNumber: ") && reason.contains("no region is set"),
        "{reason}"
    );
    assert_eq!(
        v["changes"][1]["fields"][0],
        serde_json::json!({"field": "phoneNumber", "before": "+44 (0)7123 456781", "after": "+447123456781"})
    );

    // default_region = "GB": all three, as a table naming each prospect.
    let cfg = gb_config(home.path(), &sb);
    let o = run(
        home.path(),
        &sb,
        &[
            "--config",
            &cfg,
            "--profile",
            "gb",
            "transform",
            "--set",
            "phoneNumber=e164",
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("phoneNumber=e164 · 300 records · changed 3 · unchanged 297 · skipped 0\n"),
        "{out}"
    );
    let national = &r[NATIONAL];
    let label = format!(
        "{} · {} ({})\n  phoneNumber: 07123 456780 → +447123456780\n",
        national.full_name(),
        national.external_reference.as_deref().unwrap_or_default(),
        national.id
    );
    assert!(out.contains(&label), "{label:?} in {out}");
    assert!(!out.contains("Skipped:"), "{out}");
    assert_eq!(patches(&sb), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn fix_then_apply_leaves_no_phone_format_finding() {
    let home = tempfile::tempdir().unwrap();
    let sb = planted().await;
    let r = records(&sb, COUNT);
    let cfg = gb_config(home.path(), &sb);
    let fix = home.path().join("phones.csv");
    let fix = fix.to_str().unwrap();
    let gb = ["--config", &cfg, "--profile", "gb"];
    let args = |rest: &[&'static str]| -> Vec<String> {
        gb.iter().chain(rest).map(|s| s.to_string()).collect()
    };
    let run_args = async |a: Vec<String>| {
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        run(home.path(), &sb, &a).await
    };
    let o = run_args(args(&["check", "--rule", "phone-format", "-o", "json"])).await;
    assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
    assert_eq!(json(&o).as_array().map(Vec::len), Some(3));

    let mut a = args(&["transform", "--set", "phoneNumber=e164", "--fix"]);
    a.push(fix.into());
    let o = run_args(a).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("Wrote 3 corrections"), "{}", stderr(&o));
    let text = std::fs::read_to_string(fix).unwrap();
    assert_eq!(
        text,
        format!(
            "id,phoneNumber,expected.phoneNumber\n\
             {},+447123456789,+44 7123 456789\n\
             {},+447123456780,07123 456780\n\
             {},+447123456781,+44 (0)7123 456781\n",
            r[SPACED].id, r[NATIONAL].id, r[ZERO].id
        )
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(fix).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert_eq!(patches(&sb), 0);

    let mut a = args(&["apply", "--yes"]);
    a.push(fix.into());
    let o = run_args(a).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("applied=3"), "{}", stderr(&o));
    assert_eq!(patches(&sb), 3);
    let o = run_args(args(&["check", "--rule", "phone-format"])).await;
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(
        sb.get_record(&r[NATIONAL].id)
            .unwrap()
            .phone_number
            .as_deref(),
        Some("+447123456780")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_record_changed_between_fix_and_apply_is_a_conflict_and_kept() {
    let home = tempfile::tempdir().unwrap();
    let sb = planted().await;
    let r = records(&sb, COUNT);
    let fix = home.path().join("phones.csv");
    let fix = fix.to_str().unwrap();
    let o = run(
        home.path(),
        &sb,
        &["transform", "--set", "phoneNumber=e164", "--fix", fix],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Someone edits one of the records meanwhile.
    let mut edited = r[ZERO].clone();
    edited.phone_number = Some("+447123000111".into());
    sb.put_record(edited);
    let o = run(home.path(), &sb, &["apply", fix, "--yes"]).await;
    assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("applied=1") && err.contains("conflict=1"),
        "{err}"
    );
    assert!(
        err.contains(
            "phoneNumber is \"+447123000111\" on the server, expected \"+44 (0)7123 456781\""
        ),
        "{err}"
    );
    assert_eq!(
        sb.get_record(&r[ZERO].id).unwrap().phone_number.as_deref(),
        Some("+447123000111")
    );
    assert_eq!(patches(&sb), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_goes_on_to_the_plan_the_confirmation_and_the_journal() {
    let home = tempfile::tempdir().unwrap();
    let sb = planted().await;
    let base = [
        "transform",
        "--set",
        "address.country=country",
        "--where",
        "address.country=gb",
    ];
    let with = |more: &[&'static str]| -> Vec<&str> { base.iter().chain(more).copied().collect() };

    // Without --yes and no terminal to ask: refused, nothing sent.
    let o = run(home.path(), &sb, &with(&["--apply"])).await;
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("pass --yes"), "{}", stderr(&o));
    assert!(stdout(&o).contains("Plan: change=40"), "{}", stdout(&o));
    // --dry-run: the plan only.
    let o = run(home.path(), &sb, &with(&["--apply", "--dry-run"])).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("address.country: gb → GBR"),
        "{}",
        stdout(&o)
    );
    assert_eq!(patches(&sb), 0);

    let o = run(
        home.path(),
        &sb,
        &with(&["--apply", "--yes", "--reason", "alpha-3 codes"]),
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with(
            "address.country=country · 40 of 300 records match · changed 40 · unchanged 0 · skipped 0\n"
        ),
        "{out}"
    );
    assert!(stderr(&o).contains("applied=40"), "{}", stderr(&o));
    assert_eq!(patches(&sb), 40);
    let o = run(home.path(), &sb, &["history", "-o", "json"]).await;
    let h = json(&o);
    let entries = h.as_array().expect("entries");
    assert_eq!(entries.len(), 40, "{h}");
    assert!(
        entries.iter().all(|e| e["reason"] == "alpha-3 codes"),
        "{h}"
    );

    // Run again: nothing left to change.
    let o = run(home.path(), &sb, &with(&["--apply", "--yes"])).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("0 of 300 records match · changed 0"),
        "{}",
        stdout(&o)
    );
    assert_eq!(patches(&sb), 40);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_value_the_form_refuses_is_skipped_with_the_rule_and_never_written() {
    let home = tempfile::tempdir().unwrap();
    let sb = planted().await;
    let r = records(&sb, COUNT);
    let fix = home.path().join("fix.csv");
    let fix = fix.to_str().unwrap();
    // Of the planted numbers, one made E.164, the national one made "+44 7123 456780"
    // (spaces: refused by the form); every other number is left as it is.
    let o = run(
        home.path(),
        &sb,
        &[
            "transform",
            "--set",
            r#"phoneNumber=replace(/^0/, "+44 ") | replace(/^\+44 7123 456789$/, "+447123456789")"#,
            "--fix",
            fix,
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("· 300 records · changed 1 · unchanged 298 · skipped 1\n"),
        "{out}"
    );
    let skipped = out.split("\nSkipped:\n").nth(1).expect("a skipped list");
    assert!(skipped.contains(&r[NATIONAL].id), "{out}");
    assert!(
        skipped.contains("phoneNumber must be a number such as +447123456789: digits with an optional leading + (got \"+44 7123 456780\")"),
        "{out}"
    );
    let text = std::fs::read_to_string(fix).unwrap();
    assert_eq!(
        text,
        format!(
            "id,phoneNumber,expected.phoneNumber\n{},+447123456789,+44 7123 456789\n",
            r[SPACED].id
        )
    );
    // --apply never stages it either.
    let o = run(
        home.path(),
        &sb,
        &[
            "transform",
            "--set",
            r#"phoneNumber=replace(/^0/, "+44 ")"#,
            "--apply",
            "--yes",
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("Plan: no rows"), "{}", stdout(&o));
    assert_eq!(patches(&sb), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn identification_numbers_are_masked_unless_revealed() {
    let home = tempfile::tempdir().unwrap();
    let sb = planted().await;
    let args = [
        "transform",
        "--where",
        "identificationNumber=AB123456C",
        "--set",
        "identificationNumber=lower",
    ];
    let o = run(home.path(), &sb, &args).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("changed 2 · unchanged 0 · skipped 0"), "{out}");
    assert!(
        out.contains("identificationNumber: •••••456C → •••••456c"),
        "{out}"
    );
    assert!(!out.to_lowercase().contains("ab123456c"), "{out}");
    let mut revealed = args.to_vec();
    revealed.push("--reveal");
    let o = run(home.path(), &sb, &revealed).await;
    assert!(
        stdout(&o).contains("identificationNumber: AB123456C → ab123456c"),
        "{}",
        stdout(&o)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_is_one_sentence_exit_2_and_nothing_sent() {
    let home = tempfile::tempdir().unwrap();
    let sb = planted().await;
    let fix = home.path().join("never.csv");
    let fix = fix.to_str().unwrap();
    let cases: [(&[&str], &str); 6] = [
        (&["--set", "shoeSize=trim"], "Unknown field \"shoeSize\""),
        (
            &["--set", r#"lastName=replace(/[/, "")"#],
            "line 1, column 19: unclosed character class",
        ),
        (
            &["--set", r#"lastName=replace(/\w{1000}\w{1000}/, "")"#],
            "the pattern is too large",
        ),
        (
            &["--set", r#"phoneNumber=e164("XX")"#],
            "\"XX\" is not a region",
        ),
        (&["--set", "phoneNumber"], "is not FIELD=EXPR"),
        (
            &["--set", "email=trim", "--set", "email=lower"],
            "email is set twice",
        ),
    ];
    for (args, says) in cases {
        let mut all = vec!["transform"];
        all.extend_from_slice(args);
        all.extend(["--fix", fix, "--apply", "--yes"]);
        let o = run(home.path(), &sb, &all).await;
        assert_eq!(o.status.code(), Some(2), "{all:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains(says), "{all:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert_eq!(stdout(&o), "", "{all:?}");
    }
    // Unknown steps and unknown --where fields are found before the first request.
    let o = run(
        home.path(),
        &sb,
        &["transform", "--set", "email=trim", "--where", "nonsense"],
    )
    .await;
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(sb.requests().is_empty(), "{:?}", sb.requests().len());
    assert!(!Path::new(fix).exists());
    assert_eq!(patches(&sb), 0);
}

/// The worked example of docs/exploring.md (and the README) is this output, as it came.
#[tokio::test(flavor = "multi_thread")]
async fn the_worked_example_in_the_docs_is_what_the_sandbox_gives() {
    let home = tempfile::tempdir().unwrap();
    // `prospect sandbox --problems`: 500 records, the default seed.
    let sb = common::sandbox_with(SandboxOptions {
        problems: true,
        ..Default::default()
    })
    .await;
    let cfg = gb_config(home.path(), &sb);
    let o = common::bin_on(home.path(), &sb)
        .current_dir(home.path())
        .args(["--config", &cfg, "--profile", "gb"])
        .args([
            "transform",
            "--set",
            "phoneNumber=e164",
            "--fix",
            "phones.csv",
        ])
        .output()
        .await
        .expect("the binary runs");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/exploring.md"))
            .unwrap();
    let transcript = format!(
        "$ prospect transform --set phoneNumber=e164 --fix phones.csv\n{}{}",
        stdout(&o),
        stderr(&o)
    );
    assert!(
        doc.contains(&transcript),
        "docs/exploring.md should show:\n{transcript}"
    );
    let file = std::fs::read_to_string(home.path().join("phones.csv")).unwrap();
    assert!(
        doc.contains(&format!("```\n{file}```")),
        "docs/exploring.md should show phones.csv:\n{file}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn names_from_the_server_are_escaped_in_every_format() {
    let home = tempfile::tempdir().unwrap();
    let sb = planted().await;
    let r = records(&sb, COUNT);
    let hostile = &r[prospect::sandbox::data::CONTROL_CHARS_INDEX];
    assert!(hostile.full_name().contains('\u{1b}'));
    for format in ["table", "csv"] {
        let o = run(
            home.path(),
            &sb,
            &["transform", "--set", "firstName=upper", "-o", format],
        )
        .await;
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = stdout(&o);
        assert!(out.contains(&hostile.id), "{format}: {out}");
        assert!(
            !out.chars().any(|c| c.is_control() && c != '\n'),
            "{format}: a raw control character"
        );
        assert!(out.contains("\\e"), "{format}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_read_only_profile_refuses_apply_before_the_scan_but_may_look() {
    let home = tempfile::tempdir().unwrap();
    let sb = planted().await;
    let cfg = common::profile_config(home.path(), &sb, "prod", "", "read_only = true\n");
    let cfg = cfg.to_str().unwrap();
    let ro = ["--config", cfg, "--profile", "prod", "transform"];
    let with = |more: &[&'static str]| -> Vec<&str> { ro.iter().chain(more).copied().collect() };
    let o = run(
        home.path(),
        &sb,
        &with(&["--set", "phoneNumber=e164", "--apply", "--yes"]),
    )
    .await;
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(stderr(&o).contains("read-only"), "{}", stderr(&o));
    assert!(sb.requests().is_empty());
    // Looking, and a dry run, are not writing.
    let o = run(home.path(), &sb, &with(&["--set", "phoneNumber=e164"])).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(
        home.path(),
        &sb,
        &with(&["--set", "phoneNumber=e164", "--apply", "--dry-run"]),
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("Plan: change=2"), "{}", stdout(&o));
    assert_eq!(patches(&sb), 0);
}
