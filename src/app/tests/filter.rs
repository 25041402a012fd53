//! The filter view (`F`): the prompt, matches streaming in with coverage, Esc stopping the
//! scan and keeping the matches, Enter and e on a match.

use crossterm::event::KeyCode;

use super::fixtures::*;
use crate::app::State;
use crate::app::state::StatusKind;
use crate::scan::{Filter, Progress, ScanSummary};

fn filter_req(fx: &[Effect]) -> Option<(RequestId, Filter)> {
    fx.iter().find_map(|e| match e {
        Effect::Api(ApiCall {
            req,
            request: ApiRequest::Filter { filter, .. },
        }) => Some((*req, filter.clone())),
        _ => None,
    })
}

fn matched(req: RequestId, scanned: u64, items: Vec<usize>) -> Msg {
    Msg::Api {
        req,
        reply: Reply::Matched {
            progress: Progress {
                scanned,
                total: 10_000,
                pages: scanned / 100,
            },
            items: items.into_iter().map(prospect).collect(),
        },
    }
}

/// `F`, a filter typed and submitted: the state and the scan's request.
pub fn filtering(text: &str) -> (State, RequestId) {
    let mut s = loaded(20, 45, (80, 24));
    answer(&mut s, "", 2, 20, 45);
    send(&mut s, [ch('F')]);
    type_text(&mut s, text);
    let fx = send(&mut s, [key(KeyCode::Enter)]);
    let (req, _) = filter_req(&fx).expect("a filter scan");
    (s, req)
}

#[test]
fn f_asks_for_a_filter_and_scans_with_every_expression() {
    let mut s = loaded(20, 45, (80, 24));
    send(&mut s, [ch('F')]);
    type_text(&mut s, "phoneNumber=+44 7101 231111 address.country=gbr");
    let fx = send(&mut s, [key(KeyCode::Enter)]);
    let (_, filter) = filter_req(&fx).unwrap();
    assert_eq!(filter.conditions.len(), 2);
    assert!(filter.matches(&prospect(1)));
    let view = s.filter.as_ref().unwrap();
    assert!(view.open && view.ended.is_none());
}

#[test]
fn a_bad_filter_is_one_sentence_and_scans_nothing() {
    let mut s = loaded(20, 45, (80, 24));
    send(&mut s, [ch('F')]);
    type_text(&mut s, "shoeSize=42");
    let fx = send(&mut s, [key(KeyCode::Enter)]);
    assert!(filter_req(&fx).is_none());
    let status = s.status.as_ref().unwrap();
    assert_eq!(status.kind, StatusKind::Error);
    assert!(
        status.text.starts_with("Unknown field \"shoeSize\""),
        "{}",
        status.text
    );
}

#[test]
fn matches_stream_in_and_the_title_says_the_coverage() {
    let (mut s, req) = filtering("email~example");
    send(
        &mut s,
        [matched(req, 3400, vec![1, 2]), matched(req, 3500, vec![])],
    );
    let view = s.filter.as_ref().unwrap();
    assert_eq!(view.matches.len(), 2);
    assert_eq!(
        view.title(),
        "email~example · 2 matches · scanning 3,500 of 10,000…"
    );
    assert!(s.requests.any(|p| *p == Purpose::Filter), "still scanning");
    let end = Msg::Api {
        req,
        reply: Reply::FilterEnded(Ok(ScanSummary::default())),
    };
    send(&mut s, [matched(req, 10_000, vec![3]), end]);
    let view = s.filter.as_ref().unwrap();
    assert_eq!(
        view.title(),
        "email~example · 3 matches · scanned 10,000 of 10,000"
    );
    assert!(!s.requests.any(|p| *p == Purpose::Filter));
}

#[test]
fn esc_stops_the_scan_and_keeps_what_was_found_then_closes_the_view() {
    let (mut s, req) = filtering("email~example");
    send(&mut s, [matched(req, 200, vec![1, 2])]);
    let fx = send(&mut s, [key(KeyCode::Esc)]);
    assert!(fx.contains(&Effect::Cancel(req)));
    let view = s.filter.as_ref().unwrap();
    assert_eq!(view.matches.len(), 2);
    assert!(view.title().ends_with("stopped at 200 of 10,000"));
    // A late page of the stopped scan is dropped.
    send(&mut s, [matched(req, 300, vec![3])]);
    assert_eq!(s.filter.as_ref().unwrap().matches.len(), 2);
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(!s.filter.as_ref().unwrap().open);
    send(&mut s, [ch('F')]);
    assert!(s.filter.as_ref().unwrap().open, "F shows the matches again");
}

#[test]
fn enter_opens_a_match_and_e_edits_it() {
    let (mut s, req) = filtering("email~example");
    send(&mut s, [matched(req, 200, vec![1, 2, 3])]);
    send(&mut s, [ch('j'), key(KeyCode::Enter)]);
    assert_eq!(
        s.detail.as_ref().map(|d| d.prospect.id.clone()),
        Some(prospect(2).id)
    );
    assert!(!s.filter.as_ref().unwrap().open);
    send(&mut s, [ch('F')]);
    let fx = send(&mut s, [ch('k'), ch('e')]);
    assert_eq!(
        s.form.as_ref().map(|f| f.id().to_string()),
        Some(prospect(1).id)
    );
    assert!(fx.contains(&Effect::Local(Local::LoadDraft { id: prospect(1).id })));
}
