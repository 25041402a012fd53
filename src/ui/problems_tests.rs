//! Snapshots of the problems view: streaming, the frequency table, one rule's findings.

use crossterm::event::KeyCode;

use crate::app::tests::fixtures::*;
use crate::app::tests::problems::{duplicates_listed, finished, sample_findings, started};
use crate::runtime::harness::frame;

const NARROW: (u16, u16) = (80, 24);
const WIDE: (u16, u16) = (140, 40);

#[test]
fn problems_while_the_scan_streams_in_80x24() {
    let (mut s, req) = started();
    send(
        &mut s,
        [Msg::Api {
            req,
            reply: Reply::Scanned {
                progress: crate::scan::Progress {
                    scanned: 3400,
                    total: 10_000,
                    pages: 34,
                    server_limit: None,
                },
                part: crate::app::msg::ScanPart::Findings {
                    findings: sample_findings(),
                    today: crate::app::tests::problems::today(),
                },
            },
        }],
    );
    insta::assert_snapshot!(frame(&s, NARROW).backend());
}

#[test]
fn problems_grouped_by_rule_140x40() {
    insta::assert_snapshot!(frame(&finished(), WIDE).backend());
}

#[test]
fn problems_findings_of_one_rule_140x40() {
    let mut s = finished();
    send(&mut s, [ch('j'), key(KeyCode::Enter)]);
    insta::assert_snapshot!(frame(&s, WIDE).backend());
}

#[test]
fn filter_matches_streaming_in_80x24() {
    let (mut s, req) = crate::app::tests::filter::filtering("address.country=gbr");
    let records = [prospect(0), prospect(1), hostile()];
    send(
        &mut s,
        [crate::app::tests::filter::matched_records(
            req,
            (3400, 10_000),
            &records,
        )],
    );
    insta::assert_snapshot!(frame(&s, NARROW).backend());
}

#[test]
fn problems_findings_say_who_and_why_80x24() {
    let mut s = finished();
    send(&mut s, [ch('j'), key(KeyCode::Enter), ch('j')]);
    insta::assert_snapshot!(frame(&s, NARROW).backend());
}

#[test]
fn problems_whitespace_findings_show_the_field_140x40() {
    let (mut s, req) = started();
    let rules = crate::scan::RuleSet::new(&[], crate::app::tests::problems::today());
    let mut a = prospect(1);
    a.first_name = Some(" Person".into());
    let mut b = prospect(2);
    b.address.as_mut().unwrap().line1 = Some("1  High Street".into());
    let findings = [a, b].iter().flat_map(|p| rules.check(p)).collect();
    send(
        &mut s,
        [Msg::Api {
            req,
            reply: Reply::Scanned {
                progress: crate::scan::Progress {
                    scanned: 500,
                    total: 500,
                    pages: 5,
                    server_limit: None,
                },
                part: crate::app::msg::ScanPart::Findings {
                    findings,
                    today: crate::app::tests::problems::today(),
                },
            },
        }],
    );
    send(&mut s, [key(KeyCode::Enter)]);
    insta::assert_snapshot!(frame(&s, WIDE).backend());
}

#[test]
fn problems_duplicate_names_the_others_80x24() {
    insta::assert_snapshot!(frame(&duplicates_listed(), NARROW).backend());
}

#[test]
fn problems_duplicate_names_the_others_140x40() {
    insta::assert_snapshot!(frame(&duplicates_listed(), WIDE).backend());
}

#[test]
fn problems_duplicate_group_lists_the_records_sharing_it_80x24() {
    let mut s = duplicates_listed();
    send(&mut s, [key(KeyCode::Enter)]);
    insta::assert_snapshot!(frame(&s, NARROW).backend());
}

/// A finding's record opened from the view: the record has the keyboard.
fn record_opened_from_problems(size: (u16, u16)) -> crate::app::State {
    let mut s = finished();
    s.size = size;
    let fx = send(&mut s, [ch('j'), key(KeyCode::Enter), key(KeyCode::Enter)]);
    let (req, _) = fetches(&fx)
        .first()
        .cloned()
        .expect("the record is fetched");
    send(
        &mut s,
        [Msg::Api {
            req,
            reply: Reply::Prospect(Ok(prospect(2))),
        }],
    );
    s
}

#[test]
fn problems_stay_behind_a_record_opened_from_them_140x40() {
    insta::assert_snapshot!(frame(&record_opened_from_problems(WIDE), WIDE).backend());
}

#[test]
fn problems_record_opened_from_them_80x24() {
    insta::assert_snapshot!(frame(&record_opened_from_problems(NARROW), NARROW).backend());
}

#[test]
fn filter_prompt_lists_the_field_names_tab_completes_80x24() {
    let mut s = crate::app::tests::fixtures::loaded(20, 45, NARROW);
    send(&mut s, [ch('F')]);
    type_text(&mut s, "email~example line");
    insta::assert_snapshot!(frame(&s, NARROW).backend());
}
