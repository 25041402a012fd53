//! `prospect facet` and `prospect cluster` against the sandbox with its planted problems:
//! exact counts, groupings, masking, bad input, and a cluster fixed through `apply`.

use std::collections::HashMap;

use crate::common::{self, run_on as run, text};
use prospect::sandbox::problems::{COUNTRY_GROUP, plant};
use prospect::sandbox::{Sandbox, generate};
use serde_json::Value;

const COUNT: usize = 300;

async fn planted() -> Sandbox {
    common::problems_sandbox(COUNT).await
}

/// The countries of the planted records, counted here from the same generator.
fn expected_countries() -> HashMap<Option<String>, u64> {
    let mut records = generate(COUNT, 42);
    plant(&mut records);
    let mut counts = HashMap::new();
    for p in &records {
        let c = p
            .address
            .as_ref()
            .and_then(|a| a.country.clone())
            .filter(|c| !c.trim().is_empty());
        *counts.entry(c).or_default() += 1;
    }
    counts
}

fn json(o: &std::process::Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", text(&o.stdout), text(&o.stderr)))
}

#[tokio::test(flavor = "multi_thread")]
async fn facet_counts_every_value_exactly_most_common_first() {
    let home = tempfile::tempdir().unwrap();
    let sb = planted().await;
    let o = run(
        home.path(),
        &sb,
        &["facet", "address.country", "--top", "0", "-o", "json"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let r = json(&o);
    assert_eq!(r["records"], COUNT as u64);
    let rows = r["rows"].as_array().unwrap();
    let got: HashMap<Option<String>, u64> = rows
        .iter()
        .map(|row| {
            (
                row["value"].as_str().map(str::to_string),
                row["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, expected_countries());
    assert_eq!(got[&Some("gb".to_string())], COUNTRY_GROUP.len() as u64);
    let counts: Vec<u64> = rows.iter().map(|r| r["count"].as_u64().unwrap()).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");

    // The table: one line per value up to --top, then one for the rest.
    let o = run(
        home.path(),
        &sb,
        &["facet", "address.country", "--top", "2"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("address.country · 300 records · "),
        "{out}"
    );
    assert!(
        lines[1].contains("COUNT") && lines[1].contains("SHARE"),
        "{out}"
    );
    // The two most common, as counted here: the empty ones after values of the same count.
    let mut expected: Vec<(Option<String>, u64)> = expected_countries().into_iter().collect();
    expected.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(a.0.is_none().cmp(&b.0.is_none()))
            .then(a.0.cmp(&b.0))
    });
    for (line, (value, count)) in lines[2..4].iter().zip(&expected) {
        let value = value.as_deref().unwrap_or("(empty)");
        assert!(line.ends_with(&format!("  {value}")), "{line:?} in {out}");
        assert!(
            line.trim_start().starts_with(&count.to_string()),
            "{line:?}"
        );
    }
    assert!(
        lines[4].contains("more values (--top 0 lists all)"),
        "{out}"
    );
    assert_eq!(lines.len(), 5, "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn facet_by_fingerprint_groups_spellings_and_where_narrows_it() {
    let home = tempfile::tempdir().unwrap();
    let sb = planted().await;
    let o = run(
        home.path(),
        &sb,
        &[
            "facet",
            "address.country",
            "--by",
            "fingerprint",
            "-o",
            "json",
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let r = json(&o);
    let gbr = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["value"] == "GBR")
        .expect("the GBR group");
    let spellings: Vec<&str> = gbr["spellings"]
        .as_array()
        .expect("GBR and gbr meet")
        .iter()
        .map(|s| s["value"].as_str().unwrap())
        .collect();
    assert_eq!(spellings, ["GBR", "gbr"]);
    let expected = expected_countries();
    assert_eq!(
        gbr["count"].as_u64(),
        Some(expected[&Some("GBR".into())] + expected[&Some("gbr".into())])
    );

    // --where narrows the records counted; csv for scripts.
    let o = run(
        home.path(),
        &sb,
        &[
            "facet",
            "address.country",
            "--where",
            "address.country=gb",
            "-o",
            "csv",
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "value,count,share\ngb,40,100.00\n");
}

#[tokio::test(flavor = "multi_thread")]
async fn facet_masks_identification_numbers_unless_revealed_and_reads_unmodelled_keys() {
    let home = tempfile::tempdir().unwrap();
    let sb = planted().await;
    let o = run(
        home.path(),
        &sb,
        &["facet", "identificationNumber", "--top", "3"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let masked = text(&o.stdout);
    assert!(masked.contains('•'), "{masked}");
    let o = run(
        home.path(),
        &sb,
        &["facet", "identificationNumber", "--top", "3", "--reveal"],
    )
    .await;
    assert!(!text(&o.stdout).contains('•'), "{}", text(&o.stdout));
    // A key the client does not model, as the server sends it.
    let o = run(home.path(), &sb, &["facet", "partnerId", "-o", "json"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(json(&o)["rows"][0]["count"], COUNT as u64);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_is_one_sentence_and_exit_2() {
    let home = tempfile::tempdir().unwrap();
    let sb = planted().await;
    for args in [
        vec!["facet", "no such field"],
        vec!["facet", "noSuchKey"],
        vec!["facet", "email", "--by", "soundex"],
        vec!["facet", "email", "--top", "-1"],
        vec!["cluster", "email", "--method", "phonetic"],
        vec!["cluster", "partnerId", "--fix", "x.csv"],
        vec!["facet", "email", "--where", "nonsense"],
    ] {
        let o = run(home.path(), &sb, &args).await;
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stderr));
        assert!(!text(&o.stderr).trim().is_empty(), "{args:?}");
        assert_eq!(text(&o.stdout), "", "{args:?}");
    }
    assert!(!home.path().join("x.csv").exists());
    assert!(sb.requests().iter().all(|r| r.method == "GET"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cluster_fixed_through_apply_is_gone_and_only_its_members_changed() {
    let home = tempfile::tempdir().unwrap();
    let sb = planted().await;
    let o = run(
        home.path(),
        &sb,
        &["cluster", "address.country", "-o", "json"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let r = json(&o);
    let found = r["clusters"].as_array().unwrap();
    let gbr = found
        .iter()
        .find(|c| c["key"] == "gbr")
        .unwrap_or_else(|| panic!("{r}"));
    let values: Vec<(&str, u64)> = gbr["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["value"].as_str().unwrap(), v["count"].as_u64().unwrap()))
        .collect();
    let expected = expected_countries();
    assert_eq!(values, [("GBR", expected[&Some("GBR".into())]), ("gbr", 1)]);
    // Every cluster has two different values at least: a value alone is no cluster.
    assert!(
        found
            .iter()
            .all(|c| c["values"].as_array().unwrap().len() >= 2)
    );

    let fix = home.path().join("fix.csv");
    let o = run(
        home.path(),
        &sb,
        &["cluster", "address.country", "--fix", fix.to_str().unwrap()],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let csv = std::fs::read_to_string(&fix).unwrap();
    assert!(
        csv.starts_with("id,address.country,expected.address.country\n"),
        "{csv}"
    );
    assert!(csv.contains(",GBR,gbr\n"), "{csv}");
    let rows = csv.lines().count() - 1;
    let o = run(home.path(), &sb, &["apply", fix.to_str().unwrap(), "--yes"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains(&format!("applied={rows}")),
        "{}",
        text(&o.stderr)
    );

    let o = run(
        home.path(),
        &sb,
        &["cluster", "address.country", "-o", "json"],
    )
    .await;
    let after = json(&o);
    assert!(
        after["clusters"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["key"] != "gbr"),
        "{after}"
    );
}
