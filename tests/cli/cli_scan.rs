//! `list --all`, `list --where` and `check`, run as the built binary against the sandbox.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use crate::common;
use crate::common::{stderr, stdout};
use prospect::api::Prospect;
use prospect::sandbox::problems::{COUNTRY_GROUP, plant};
use prospect::sandbox::{Sandbox, SandboxOptions, data, generate};
use serde_json::Value;
use tokio::io::AsyncReadExt;

/// The binary in a clean environment, on `sb` when given.
fn command(home: &Path, sb: Option<&Sandbox>, args: &[&str]) -> tokio::process::Command {
    let mut c = match sb {
        Some(sb) => common::bin_on(home, sb),
        None => common::bin(home),
    };
    c.args(args);
    c
}

async fn run(home: &Path, sb: Option<&Sandbox>, args: &[&str]) -> Output {
    command(home, sb, args)
        .output()
        .await
        .expect("the binary runs")
}

fn ndjson_ids(o: &Output) -> Vec<String> {
    stdout(o)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn list_all_is_in_order_and_the_same_at_every_concurrency() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(333).await;
    let expected: Vec<String> = generate(333, 42).into_iter().map(|p| p.id).collect();
    let mut outputs = Vec::new();
    for c in ["1", "8", "16"] {
        let o = run(
            home.path(),
            Some(&sb),
            &[
                "list",
                "--all",
                "--limit",
                "20",
                "--concurrency",
                c,
                "-o",
                "ndjson",
            ],
        )
        .await;
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(ndjson_ids(&o), expected, "at --concurrency {c}");
        outputs.push(o.stdout);
    }
    assert!(outputs.windows(2).all(|w| w[0] == w[1]));
    let o = run(
        home.path(),
        Some(&sb),
        &["list", "--all", "--concurrency", "17"],
    )
    .await;
    assert_eq!(o.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread")]
async fn list_all_table_streams_rows_of_fixed_width() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(120).await;
    let o = run(home.path(), Some(&sb), &["list", "--all", "--limit", "25"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("ID"), "{out}");
    assert_eq!(lines.len(), 2 + 120 + 1, "header, rule, rows, count");
    assert_eq!(*lines.last().unwrap(), "120 prospects");
    // The email column starts at the same display column on every row, CJK names included.
    use unicode_width::UnicodeWidthStr;
    let at = |l: &str| {
        l.find('@').map(|i| {
            let start = l[..i].rfind("  ").unwrap() + 2;
            UnicodeWidthStr::width(&l[..start])
        })
    };
    let starts: BTreeSet<_> = lines[2..122].iter().filter_map(|l| at(l)).collect();
    assert_eq!(starts.len(), 1, "{starts:?}\n{out}");
    assert!(!out.contains('\u{1b}'), "control characters are escaped");
}

#[tokio::test(flavor = "multi_thread")]
async fn list_where_filters_on_any_field_and_streams_the_matches() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(400).await;
    let records = generate(400, 42);
    let with_phone = records.iter().find(|p| p.phone_number.is_some()).unwrap();
    let phone = with_phone.phone_number.clone().unwrap();
    // The same digits written with spaces find the record.
    let spaced = format!("{} {} {}", &phone[..3], &phone[3..7], &phone[7..]);
    let o = run(
        home.path(),
        Some(&sb),
        &[
            "list",
            "--where",
            &format!("phoneNumber={spaced}"),
            "-o",
            "ndjson",
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(ndjson_ids(&o), vec![with_phone.id.clone()]);

    // Every expression must hold; address parts and contains work, case-insensitively.
    let expected: Vec<String> = records
        .iter()
        .filter(|p| p.address.as_ref().and_then(|a| a.country.as_deref()) == Some("GBR"))
        .filter(|p| p.email.contains(".net"))
        .map(|p| p.id.clone())
        .collect();
    assert!(expected.len() > 2);
    let o = run(
        home.path(),
        Some(&sb),
        &[
            "list",
            "--where",
            "address.country=gbr",
            "--where",
            "email~.NET",
            "--concurrency",
            "8",
            "-o",
            "ndjson",
        ],
    )
    .await;
    assert_eq!(ndjson_ids(&o), expected);
    let o = run(
        home.path(),
        Some(&sb),
        &[
            "list",
            "--where",
            "address.country=gbr",
            "--where",
            "email~.NET",
        ],
    )
    .await;
    assert!(
        stdout(&o).ends_with(&format!(
            "{} matches · scanned 400 prospects\n",
            expected.len()
        )),
        "{}",
        stdout(&o)
    );

    // Narrowed server-side by --search, then filtered.
    let o = run(
        home.path(),
        Some(&sb),
        &[
            "list",
            "--search",
            "doe",
            "--where",
            "externalReference=crm-0042",
            "-o",
            "ndjson",
        ],
    )
    .await;
    assert_eq!(ndjson_ids(&o), vec![data::JOHN_DOE_ID.to_string()]);
    let doe_requests = sb
        .requests()
        .iter()
        .filter(|r| r.path_and_query.contains("searchKeyword=doe"))
        .count();
    assert!(doe_requests >= 1);

    let o = run(home.path(), Some(&sb), &["list", "--where", "shoeSize=42"]).await;
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("Unknown field \"shoeSize\""),
        "{}",
        stderr(&o)
    );
    assert_eq!(stderr(&o).lines().count(), 1);
}

/// The findings of `check -o json` as (index in the data, rule, field).
fn findings_by_index(o: &Output, records: &[Prospect]) -> BTreeSet<(usize, String, String)> {
    let index: HashMap<&str, usize> = records
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    serde_json::from_slice::<Vec<Value>>(&o.stdout)
        .unwrap()
        .iter()
        .map(|f| {
            (
                index[f["id"].as_str().unwrap()],
                f["rule"].as_str().unwrap().to_string(),
                f["field"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn check_finds_every_planted_defect_and_exits_6() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::problems_sandbox(300).await;
    let mut records = generate(300, 42);
    plant(&mut records);
    let o = run(
        home.path(),
        Some(&sb),
        &["check", "-o", "json", "--concurrency", "8"],
    )
    .await;
    assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Found 64 problems in 300 prospects"),
        "{}",
        stderr(&o)
    );
    let found = findings_by_index(&o, &records);
    let s = |x: &str| x.to_string();
    let planted = [
        (8, "email-invalid", "email"),
        (9, "phone-format", "phoneNumber"),
        (10, "phone-format", "phoneNumber"),
        (11, "dob-invalid", "dateOfBirth"),
        (12, "dob-invalid", "dateOfBirth"),
        (13, "dob-invalid", "dateOfBirth"),
        (14, "country-invalid", "address.country"),
        (15, "country-invalid", "address.country"),
        (16, "country-invalid", "address.country"),
        (17, "whitespace", "firstName"),
        (18, "control-chars", "lastName"),
        (19, "missing-name", "firstName"),
        (20, "duplicate-email", "email"),
        (21, "duplicate-email", "email"),
        (22, "duplicate-phone", "phoneNumber"),
        (23, "duplicate-phone", "phoneNumber"),
        (24, "duplicate-external-reference", "externalReference"),
        (25, "duplicate-external-reference", "externalReference"),
        (
            26,
            "duplicate-identification-number",
            "identificationNumber",
        ),
        (
            27,
            "duplicate-identification-number",
            "identificationNumber",
        ),
        (28, "phone-invalid", "phoneNumber"),
        (29, "phone-format", "phoneNumber"),
        // The deliberate records every sandbox has.
        (data::CONTROL_CHARS_INDEX, "control-chars", "lastName"),
        (data::MINIMAL_INDEX, "missing-name", "firstName"),
    ];
    let mut expected: BTreeSet<_> = planted.iter().map(|(i, r, f)| (*i, s(r), s(f))).collect();
    expected.extend(COUNTRY_GROUP.map(|i| (i, s("country-invalid"), s("address.country"))));
    assert_eq!(found, expected);

    // One rule at a time finds just its own.
    for rule in ["phone-format", "duplicate-email"] {
        let o = run(
            home.path(),
            Some(&sb),
            &["check", "--rule", rule, "-o", "json"],
        )
        .await;
        assert_eq!(o.status.code(), Some(6));
        let rules: BTreeSet<_> = findings_by_index(&o, &records)
            .into_iter()
            .map(|f| f.1)
            .collect();
        assert_eq!(rules, BTreeSet::from([rule.to_string()]));
    }
    let o = run(home.path(), Some(&sb), &["check", "--rule", "no-such-rule"]).await;
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Unknown rule \"no-such-rule\""));
}

#[tokio::test(flavor = "multi_thread")]
async fn check_on_clean_data_fires_only_on_the_deliberate_records() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(500).await;
    let records = generate(500, 42);
    let o = run(home.path(), Some(&sb), &["check", "-o", "json"]).await;
    assert_eq!(o.status.code(), Some(6));
    let expected = BTreeSet::from([
        (
            data::CONTROL_CHARS_INDEX,
            "control-chars".to_string(),
            "lastName".to_string(),
        ),
        (
            data::MINIMAL_INDEX,
            "missing-name".to_string(),
            "firstName".to_string(),
        ),
    ]);
    assert_eq!(findings_by_index(&o, &records), expected);
    // Clean for the rules that find nothing: exit 0 and says so.
    let o = run(
        home.path(),
        Some(&sb),
        &["check", "--rule", "phone-format,email-invalid"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "No problems in 500 prospects.\n");
}

#[tokio::test(flavor = "multi_thread")]
async fn check_output_formats_mask_identification_numbers_unless_revealed() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::problems_sandbox(60).await;
    let args = |fmt: &'static str| {
        vec![
            "check",
            "--rule",
            "duplicate-identification-number",
            "-o",
            fmt,
        ]
    };
    let o = run(home.path(), Some(&sb), &args("table")).await;
    let out = stdout(&o);
    assert!(out.starts_with("2 problems in 60 prospects\n"), "{out}");
    assert!(
        out.contains("duplicate-identification-number         2"),
        "{out}"
    );
    assert!(
        out.contains("•••••456C") && !out.contains("AB123456C"),
        "{out}"
    );

    let o = run(home.path(), Some(&sb), &args("ndjson")).await;
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    let keys: BTreeSet<&str> = lines[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "id",
            "externalReference",
            "rule",
            "field",
            "value",
            "message",
            "suggestion"
        ])
    );
    assert_eq!(lines[0]["value"], "•••••456C");
    assert!(lines[0]["suggestion"].is_null());

    let o = run(home.path(), Some(&sb), &args("csv")).await;
    let mut r = csv::Reader::from_reader(o.stdout.as_slice());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "id",
            "externalReference",
            "rule",
            "field",
            "value",
            "message",
            "suggestion"
        ]
    );
    assert_eq!(r.records().count(), 2);

    let mut revealed = args("json");
    revealed.push("--reveal");
    let o = run(home.path(), Some(&sb), &revealed).await;
    assert!(stdout(&o).contains("AB123456C"));
}

#[tokio::test(flavor = "multi_thread")]
async fn check_fix_writes_corrections_that_make_the_problems_go_away() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::problems_sandbox(100).await;
    let fixes = home.path().join("fixes.csv");
    let o = run(
        home.path(),
        Some(&sb),
        &["check", "--fix", fixes.to_str().unwrap(), "-o", "json"],
    )
    .await;
    assert_eq!(o.status.code(), Some(6));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&fixes).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let mut r = csv::Reader::from_path(&fixes).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[0], "id");
    let fields: Vec<&String> = header[1..]
        .iter()
        .filter(|h| !h.starts_with("expected."))
        .collect();
    for f in &fields {
        assert!(header.contains(&format!("expected.{f}")), "{header:?}");
    }
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    // Planted fixable defects: 2 phones (spaced and `(0)`; the national one has no fix
    // without default_region), 3 countries, whitespace, control characters, 40 "gb", and
    // the deliberate control-character record.
    assert_eq!(rows.len(), 48, "{rows:?}");
    // Each row is what `apply` will do; here `patch` sends it, checking the expected value.
    for row in &rows {
        let id = &row[0];
        let current = sb.get_record(id).unwrap();
        let mut args = vec!["patch".to_string(), id.to_string(), "--yes".into()];
        for (i, f) in header.iter().enumerate().skip(1) {
            if f.starts_with("expected.") || row[i].is_empty() {
                continue;
            }
            let expected = &row[header
                .iter()
                .position(|h| *h == format!("expected.{f}"))
                .unwrap()];
            let now = match f.strip_prefix("address.") {
                Some(part) => current
                    .address
                    .as_ref()
                    .and_then(|a| a.part(part))
                    .unwrap()
                    .to_string(),
                None => prospect::patch::Field::parse(f)
                    .unwrap()
                    .get(&current)
                    .unwrap()
                    .to_string(),
            };
            // Cells are escaped (`\e`, `\\`): they read back as the server's value.
            assert_eq!(now, prospect::text::unescape_cell(expected), "{id} {f}");
            args.push("--set".into());
            args.push(format!("{f}={}", prospect::text::unescape_cell(&row[i])));
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(home.path(), Some(&sb), &args).await;
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    }
    // Everything with a mechanical fix is gone; what needs a person is still there.
    let o = run(home.path(), Some(&sb), &["check", "-o", "json"]).await;
    let left: BTreeSet<String> = serde_json::from_slice::<Vec<Value>>(&o.stdout)
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    assert!(
        !left.contains("whitespace") && !left.contains("control-chars"),
        "{left:?}"
    );
    assert!(!left.contains("country-invalid"), "{left:?}");
    assert!(
        left.contains("dob-invalid") && left.contains("duplicate-email"),
        "{left:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_stops_a_scan_with_exit_130() {
    let home = tempfile::tempdir().unwrap();
    let sb = Sandbox::start(SandboxOptions {
        count: 3000,
        latency_ms: 40,
        ..Default::default()
    })
    .await
    .unwrap();
    let mut child = command(
        home.path(),
        Some(&sb),
        &[
            "list",
            "--all",
            "--limit",
            "10",
            "--concurrency",
            "2",
            "-o",
            "ndjson",
        ],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    // Wait for the first records, then interrupt.
    let mut out = child.stdout.take().unwrap();
    let mut buf = vec![0u8; 4096];
    let deadline = Instant::now() + Duration::from_secs(30);
    let n = tokio::time::timeout_at(deadline.into(), out.read(&mut buf))
        .await
        .expect("output within 30 s")
        .unwrap();
    assert!(n > 0);
    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("exits within 30 s")
        .unwrap();
    assert_eq!(status.code(), Some(130));
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .await
        .unwrap();
    assert!(err.contains("Interrupted after"), "{err}");
    // It stopped early: far fewer requests than the 300 pages.
    assert!(sb.requests().len() < 250, "{}", sb.requests().len());
}

#[tokio::test(flavor = "multi_thread")]
async fn problems_needs_the_demo_or_the_sandbox_and_demo_problems_plants_them() {
    let home = tempfile::tempdir().unwrap();
    let o = run(home.path(), None, &["--problems", "list"]).await;
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--problems works only with --demo"));
    let o = run(
        home.path(),
        None,
        &[
            "--demo",
            "--problems",
            "check",
            "--rule",
            "duplicate-phone",
            "-o",
            "ndjson",
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(6));
    assert_eq!(stdout(&o).lines().count(), 2);
}
