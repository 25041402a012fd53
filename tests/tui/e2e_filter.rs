//! The filter view (`F`) end to end, in a pseudo-terminal: a filter on a field the API cannot
//! search, the coverage in the title, `Esc` mid-scan keeping what was found, and `Enter` on a
//! match fetching and opening its record.

use crate::pty;

use prospect::sandbox::data::JOHN_DOE_ID;
use prospect::sandbox::{Sandbox, SandboxOptions};
use pty::{Spawn, Term};

/// On the first page: `F`, the filter typed, and `Enter`.
fn filter(t: &Term, text: &str) {
    t.wait_for("the first page", |s| s.contains("John James Doe"));
    t.send("F");
    t.wait_for("the filter prompt", |s| {
        s.contains("F FIELD=VALUE or FIELD~TEXT")
    });
    t.send(text);
    t.key("Enter");
}

#[test]
fn f_finds_a_record_by_external_reference_and_enter_opens_it() {
    let t = Spawn::app(&["--demo"]).size(30, 140).start();
    filter(&t, "externalReference=crm-0042");
    t.wait_for("the one match and the whole coverage", |s| {
        s.contains("externalReference=crm-0042 · 1 match · scanned 500 records")
            && s.contains("john.doe@example.com")
    });
    t.key("Enter");
    // The record opens beside the matches, which wait behind it.
    t.wait_for("the match's record", |s| {
        s.contains("External reference CRM-0042") && s.contains("Esc matches")
    });
    t.key("Escape");
    t.wait_for("the matches with the keyboard", |s| {
        !s.contains("External reference CRM-0042") && s.contains("1 match · scanned 500 records")
    });
    t.key("Escape");
    t.wait_for("the list", |s| !s.contains("1 match"));
    // `F` asks again with the filter's text; Enter on it shows the matches without a scan.
    t.send("F");
    t.wait_for("the prompt holding the filter", |s| {
        s.contains("F FIELD=VALUE or FIELD~TEXT externalReference=crm-0042")
    });
    t.key("Enter");
    t.wait_for("the matches again", |s| {
        s.contains("1 match · scanned 500 records")
    });
    t.key("Escape");
    t.wait_for("the list", |s| !s.contains("1 match"));
    // After a hidden filter, typed letters are the new filter's text, never commands (the
    // `e` of dateOfBirth once opened the form); Tab completes the field name.
    t.send("F");
    t.wait_for("the prompt", |s| s.contains("F FIELD=VALUE or FIELD~TEXT"));
    t.key("C-u");
    t.send("dateOf");
    t.wait_for("the names it can become", |s| {
        s.contains("fields: dateOfBirth")
    });
    t.key("Tab");
    t.send("=1990-02-03");
    t.wait_for("the completed filter", |s| {
        s.contains("F FIELD=VALUE or FIELD~TEXT dateOfBirth=1990-02-03")
    });
    t.key("Enter");
    t.wait_for("the new filter's scan", |s| {
        s.contains("dateOfBirth=1990-02-03 ·") && s.contains("scanned 500 records")
    });
    t.key("C-c");
    assert!(t.wait_exit().success());
    t.assert_terminal_restored();
}

/// "N matches · stopped at S of T" in the screen's title: (N, S).
fn stopped_counts(screen: &str) -> Option<(u64, u64)> {
    let num = |s: &str| s.replace(',', "").parse::<u64>().ok();
    let line = screen.lines().find(|l| l.contains("stopped at"))?;
    let (before, after) = line.split_once(" matches · stopped at ")?;
    let matches = num(before.rsplit(' ').next()?)?;
    let scanned = num(after.split(' ').next()?)?;
    Some((matches, scanned))
}

#[test]
fn esc_mid_scan_keeps_the_matches_and_enter_fetches_a_match() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    // 30 pages answered after 300 ms each: the scan takes seconds, so Esc lands mid-scan.
    let sb = rt
        .block_on(Sandbox::start(SandboxOptions {
            count: 3000,
            latency_ms: 300,
            ..SandboxOptions::default()
        }))
        .unwrap();
    let t = Spawn::app(&[])
        .size(30, 140)
        .env("PROSPECT_BASE_URL", &sb.base_url())
        .env("PROSPECT_API_TOKEN", sb.token())
        .env("PROSPECT_API_SECRET", sb.secret())
        .start();
    // Every id holds a dash: everything matches.
    filter(&t, "id~-");
    t.wait_for("matches streaming in", |s| {
        s.contains("matches · scanning") && !s.contains("scanning 0 of")
    });
    t.key("Escape");
    let screen = t.wait_for("the stopped scan", |s| stopped_counts(s).is_some());
    let (matches, scanned) = stopped_counts(&screen).unwrap();
    assert!(
        matches > 0 && matches == scanned && scanned < 3000,
        "{screen}"
    );
    assert!(screen.contains("of 3,000"), "{screen}");
    assert!(screen.contains("john.doe@example.com"), "{screen}");

    // Enter on the first match fetches it by id, then shows it.
    sb.clear_requests();
    t.key("Enter");
    t.wait_for("the match's record", |s| {
        s.contains("External reference CRM-0042")
    });
    let fetched = sb
        .requests()
        .iter()
        .any(|r| r.method == "GET" && r.path_and_query.ends_with(JOHN_DOE_ID));
    assert!(fetched, "{:?}", sb.requests());
    t.key("C-c");
    assert!(t.wait_exit().success());
    t.assert_terminal_restored();
}
