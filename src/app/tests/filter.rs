//! The filter view (`F`): the prompt, matches streaming in with coverage, Esc stopping the
//! scan and keeping the matches, Enter and e on a match.

use crate::app::msg::ScanPart;
use crate::app::scan_view::ScanKind;
use crate::app::screens::Screen;
use crossterm::event::KeyCode;

use super::fixtures::*;
use super::form_fixtures::{loaded_msg, patches, retype};
use crate::api::Prospect;
use crate::app::State;
use crate::app::filter::MatchRow;
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

/// A part of a filter's answer: these records matched, `scanned` of `total` so far.
pub fn matched_records(req: RequestId, (scanned, total): (u64, u64), records: &[Prospect]) -> Msg {
    Msg::Api {
        req,
        reply: Reply::Scanned {
            progress: Progress {
                scanned,
                total,
                pages: scanned / 100,
                server_limit: None,
            },
            part: ScanPart::Matches(records.iter().map(MatchRow::of).collect()),
        },
    }
}

fn matched(req: RequestId, scanned: u64, items: Vec<usize>) -> Msg {
    let records: Vec<Prospect> = items.into_iter().map(prospect).collect();
    matched_records(req, (scanned, 10_000), &records)
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
    assert!(s.showing(Screen::Filter) && view.scan.ended.is_none());
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
    assert!(
        s.requests.any(|p| *p == Purpose::Scan(ScanKind::Filter)),
        "still scanning"
    );
    let end = Msg::Api {
        req,
        reply: Reply::ScanEnded(Ok(ScanSummary::default())),
    };
    send(&mut s, [matched(req, 10_000, vec![3]), end]);
    let view = s.filter.as_ref().unwrap();
    assert_eq!(
        view.title(),
        "email~example · 3 matches · scanned 10,000 records"
    );
    assert!(!s.requests.any(|p| *p == Purpose::Scan(ScanKind::Filter)));
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
    assert!(!s.showing(Screen::Filter));
    send(&mut s, [ch('F')]);
    let prompt = s.prompt.as_ref().expect("F asks again");
    assert_eq!(prompt.input.text(), "email~example");
    let fx = send(&mut s, [key(KeyCode::Enter)]);
    assert!(
        filter_req(&fx).is_none(),
        "the same filter is not scanned again"
    );
    assert!(s.showing(Screen::Filter), "Enter shows its matches again");
}

#[test]
fn f_after_a_hidden_filter_asks_and_typed_letters_stay_in_the_prompt() {
    let (mut s, req) = filtering("email~example");
    send(&mut s, [matched(req, 200, vec![1, 2])]);
    send(&mut s, [key(KeyCode::Esc), key(KeyCode::Esc)]);
    assert!(!s.showing(Screen::Filter));
    send(&mut s, [ch('F'), ctrl('u')]);
    // `e` would open the form, `d` nothing: here they are text.
    let fx = type_text(&mut s, "dateOfBirth~1990");
    assert!(s.form.is_none(), "no key ran as a command");
    assert!(fx.is_empty());
    let fx = send(&mut s, [key(KeyCode::Enter)]);
    let (_, filter) = filter_req(&fx).expect("a new scan");
    assert_eq!(filter.conditions.len(), 1);
    assert_eq!(s.filter.as_ref().unwrap().text, "dateOfBirth~1990");
}

#[test]
fn tab_completes_a_field_name_and_its_last_part_is_enough() {
    let mut s = loaded(20, 45, (80, 24));
    send(&mut s, [ch('F')]);
    type_text(&mut s, "coun");
    send(&mut s, [key(KeyCode::Tab)]);
    assert_eq!(s.prompt.as_ref().unwrap().input.text(), "address.country");
    type_text(&mut s, "=GBR date");
    send(&mut s, [key(KeyCode::Tab)]);
    assert_eq!(
        s.prompt.as_ref().unwrap().input.text(),
        "address.country=GBR dateOfBirth"
    );
    // Typed without Tab, the last part names the field too.
    send(&mut s, [ctrl('u')]);
    type_text(&mut s, "country=gbr");
    let fx = send(&mut s, [key(KeyCode::Enter)]);
    let (_, filter) = filter_req(&fx).expect("country is address.country");
    assert!(filter.matches(&prospect(1)));
}

#[test]
fn enter_fetches_a_match_by_id_and_opens_the_servers_version() {
    let (mut s, req) = filtering("email~example");
    send(&mut s, [matched(req, 200, vec![1, 2, 3])]);
    let fx = send(&mut s, [ch('j'), key(KeyCode::Enter)]);
    let asked = fetches(&fx);
    let (by_id, id) = asked.first().cloned().expect("the record is fetched by id");
    assert_eq!(id, prospect(2).id);
    assert!(
        s.detail.is_none(),
        "nothing shows before the record arrives"
    );
    // The server's version is what opens, not the row the scan saw.
    let mut fresh = prospect(2);
    fresh.email = "changed.since@example.com".into();
    send(
        &mut s,
        [Msg::Api {
            req: by_id,
            reply: Reply::Prospect(Ok(fresh.clone())),
        }],
    );
    assert_eq!(s.detail.as_ref().map(|d| &d.prospect), Some(&fresh));
    assert!(s.detail_has_keys() && s.showing(Screen::Filter));
    // Esc closes the record and the matches have the keyboard again.
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(s.filter_has_keys());
    send(&mut s, [key(KeyCode::Esc)]);
    send(&mut s, [ch('F')]);
    let prompt = s.prompt.as_ref().expect("F asks again");
    assert_eq!(prompt.input.text(), "email~example");
    let fx = send(&mut s, [key(KeyCode::Enter)]);
    assert!(
        filter_req(&fx).is_none(),
        "the same filter is not scanned again"
    );
    assert!(s.showing(Screen::Filter), "Enter shows its matches again");
}

#[test]
fn e_fetches_a_match_then_opens_the_form_and_a_save_refreshes_its_row() {
    let (mut s, req) = filtering("email~example");
    send(&mut s, [matched(req, 200, vec![1, 2, 3])]);
    let fx = send(&mut s, [ch('e')]);
    let (by_id, id) = fetches(&fx).first().cloned().expect("a fetch by id");
    assert_eq!(id, prospect(1).id);
    assert!(s.form.is_none(), "the form waits for the record");
    let fx = send(&mut s, [loaded_msg(by_id, prospect(1))]);
    assert_eq!(
        s.form.as_ref().map(|f| f.id().to_string()),
        Some(prospect(1).id)
    );
    assert!(fx.contains(&Effect::Local(Local::LoadDraft { id: prospect(1).id })));
    // The first name retyped, reviewed and sent: the match's row shows the saved name.
    retype(&mut s, "Renamed");
    send(&mut s, [ctrl('s')]);
    let fx = send(&mut s, [key(KeyCode::Enter)]);
    let check = fetches(&fx)[0].0;
    let fx = send(&mut s, [loaded_msg(check, prospect(1))]);
    let (patch, _) = patches(&fx).remove(0);
    let mut saved = prospect(1);
    saved.first_name = Some("Renamed".into());
    send(&mut s, [loaded_msg(patch, saved.clone())]);
    assert!(s.form.is_none(), "saved");
    let rows = &s.filter.as_ref().unwrap().matches;
    assert_eq!(rows[0], MatchRow::of(&saved));
    assert!(rows[0].name().starts_with("Renamed"), "{:?}", rows[0]);
    assert_eq!(rows[1], MatchRow::of(&prospect(2)));
}

#[test]
fn a_match_that_cannot_be_fetched_is_one_sentence() {
    let (mut s, req) = filtering("email~example");
    send(&mut s, [matched(req, 200, vec![1])]);
    let fx = send(&mut s, [ch('e')]);
    let (by_id, _) = fetches(&fx)[0].clone();
    let gone = crate::api::ApiError::NotFound {
        what: "prospect".into(),
    };
    send(
        &mut s,
        [Msg::Api {
            req: by_id,
            reply: Reply::Prospect(Err(gone)),
        }],
    );
    assert!(s.form.is_none());
    assert_eq!(s.status.as_ref().map(|s| s.kind), Some(StatusKind::Error));
}

#[test]
fn a_match_keeps_only_its_row() {
    // A whole record per match made a 100,000-match scan take ~470 MB.
    assert!(std::mem::size_of::<MatchRow>() <= 48);
    assert!(std::mem::size_of::<MatchRow>() < std::mem::size_of::<crate::api::Prospect>() / 4);
}
