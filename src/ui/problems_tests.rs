//! Snapshots of the problems view: streaming, the frequency table, one rule's findings.

use crossterm::event::KeyCode;

use crate::app::tests::fixtures::*;
use crate::app::tests::problems::{finished, sample_findings, started};
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
            reply: Reply::Checked {
                progress: crate::scan::Progress {
                    scanned: 3400,
                    total: 10_000,
                    pages: 34,
                    server_limit: None,
                },
                findings: sample_findings(),
                today: crate::app::tests::problems::today(),
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
