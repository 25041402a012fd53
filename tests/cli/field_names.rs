//! One field-name parser for every entry point: `address_postcode`, `address.postcode`,
//! `Postcode` name the same field in `list --where`, a corrections file's header, `facet` and
//! `patch --set`, run as the built binary against the sandbox over HTTP.

use crate::common;
use crate::common::run_on as run;
use crate::common::{patches, records, stderr, stdout};

use serde_json::Value;

/// The ids `-o ndjson` printed.
fn ndjson_ids(o: &std::process::Output) -> Vec<String> {
    stdout(o)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| v["id"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn where_takes_every_spelling_of_an_address_part() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(60).await;
    let r = records(&sb, 60);
    let target = r
        .iter()
        .find(|p| {
            p.address
                .as_ref()
                .and_then(|a| a.postcode.as_deref())
                .is_some()
        })
        .expect("a record with a postcode");
    let postcode = target
        .address
        .as_ref()
        .and_then(|a| a.postcode.clone())
        .unwrap();
    let expected: Vec<String> = r
        .iter()
        .filter(|p| {
            p.address.as_ref().and_then(|a| a.postcode.as_deref()) == Some(postcode.as_str())
        })
        .map(|p| p.id.clone())
        .collect();
    for name in [
        "address.postcode",
        "address_postcode",
        "Address_Postcode",
        "postcode",
    ] {
        let o = run(
            home.path(),
            &sb,
            &[
                "list",
                "--where",
                &format!("{name}={postcode}"),
                "-o",
                "ndjson",
            ],
        )
        .await;
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        assert_eq!(ndjson_ids(&o), expected, "{name}");
    }
    // An unknown name: one sentence with the known names and a guess.
    let o = run(home.path(), &sb, &["list", "--where", "adress_postcode=x"]).await;
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(e.contains("did you mean address.postcode?"), "{e}");
    assert!(e.contains("address.country"), "{e}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_corrections_file_with_an_address_postcode_column_is_applied() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(20).await;
    let r = records(&sb, 20);
    let (a, b) = (&r[3], &r[4]);
    let pc = |p: &prospect::api::Prospect| {
        p.address
            .as_ref()
            .and_then(|a| a.postcode.clone())
            .unwrap_or_default()
    };
    let file = home.path().join("fixes.csv");
    std::fs::write(
        &file,
        format!(
            "id,Address_Postcode,last_name,expected.address_postcode\n{},ZZ9 9ZZ,Aardvark,{}\n{},ZZ9 9ZY,Badger,{}\n",
            a.id,
            pc(a),
            b.id,
            pc(b)
        ),
    )
    .unwrap();
    sb.clear_requests();
    let o = run(
        home.path(),
        &sb,
        &["apply", file.to_str().unwrap(), "--yes"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(patches(&sb), 2);
    let after = records(&sb, 20);
    let postcode = |i: usize| {
        after[i]
            .address
            .as_ref()
            .and_then(|a| a.postcode.clone())
            .unwrap_or_default()
    };
    assert_eq!(postcode(3), "ZZ9 9ZZ");
    assert_eq!(postcode(4), "ZZ9 9ZY");
    assert_eq!(after[4].last_name.as_deref(), Some("Badger"));
}

#[tokio::test(flavor = "multi_thread")]
async fn facet_and_patch_take_address_postcode() {
    let home = tempfile::tempdir().unwrap();
    let sb = common::sandbox(30).await;
    let r = records(&sb, 30);
    let with_postcode = r
        .iter()
        .filter(|p| {
            p.address
                .as_ref()
                .and_then(|a| a.postcode.as_deref())
                .is_some_and(|s| !s.is_empty())
        })
        .count();
    let o = run(
        home.path(),
        &sb,
        &["facet", "address_postcode", "--top", "0", "-o", "json"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(report["field"], "address.postcode", "{report}");
    let counted: u64 = report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|v| !v["value"].is_null())
        .map(|v| v["count"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(counted, with_postcode as u64, "{report}");

    let o = run(
        home.path(),
        &sb,
        &[
            "patch",
            &r[2].id,
            "--set",
            "address_postcode=AB1 2CD",
            "--dry-run",
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("AB1 2CD"), "{}", stdout(&o));
}
