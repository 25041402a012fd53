//! The problems view (`!`): starting the check, findings streaming in, drilling down,
//! opening a record, hiding, rescanning.

use crate::app::msg::ScanPart;
use crate::app::scan_view::ScanKind;
use crate::app::screens::Screen;
use chrono::NaiveDate;
use crossterm::event::KeyCode;

use super::fixtures::*;
use super::form_fixtures::{fetches, loaded_msg, patches, retype};
use crate::api::{ApiError, Prospect};
use crate::app::State;
use crate::scan::{Checker, Finding, Progress, Rule, RuleSet, ScanError, ScanSummary};

const SIZE: (u16, u16) = (80, 24);

/// The date the tests' rules take as today.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default()
}

/// Record 1 with its phone number written with spaces.
fn spaced_phone() -> Prospect {
    let mut p = prospect(1);
    p.phone_number = Some("+44 7101 231111".into());
    p
}

/// Findings as the worker would send them: a phone with spaces, three records with `gb`.
pub fn sample_findings() -> Vec<Finding> {
    let rules = RuleSet::new(&[], today());
    let mut records: Vec<Prospect> = (1..=4).map(prospect).collect();
    records[0].phone_number = Some("+44 7101 231111".into());
    for p in &mut records[1..] {
        p.address.as_mut().unwrap().country = Some("gb".into());
    }
    records.iter().flat_map(|p| rules.check(p)).collect()
}

/// Findings of one duplicate: records 1, 2 and 3 share an email.
pub fn duplicate_findings() -> Vec<Finding> {
    let mut checker = Checker::new(RuleSet::new(&[Rule::DuplicateEmail], today()));
    for i in 1..=3 {
        let mut p = prospect(i);
        p.email = "same@example.com".into();
        checker.add(&p);
    }
    checker.finish()
}

fn progress(scanned: u64, total: u64) -> Progress {
    Progress {
        scanned,
        total,
        pages: scanned.div_ceil(100),
        server_limit: None,
    }
}

/// The check request `!` started.
fn check_req(fx: &[Effect]) -> RequestId {
    fx.iter()
        .find_map(|e| match e {
            Effect::Api(ApiCall {
                req,
                request: ApiRequest::Check { .. },
            }) => Some(*req),
            _ => None,
        })
        .expect("a check was started")
}

fn part(req: RequestId, scanned: u64, findings: Vec<Finding>) -> Msg {
    Msg::Api {
        req,
        reply: Reply::Scanned {
            progress: progress(scanned, 500),
            part: ScanPart::Findings {
                findings,
                today: today(),
            },
        },
    }
}

fn ended(req: RequestId) -> Msg {
    Msg::Api {
        req,
        reply: Reply::ScanEnded(Ok(ScanSummary {
            records: 500,
            pages: 5,
            first_total: 500,
            last_total: 500,
            ..ScanSummary::default()
        })),
    }
}

/// A list with the problems view open and its check running.
pub fn started() -> (State, RequestId) {
    let mut s = loaded(20, 45, SIZE);
    // The list's prefetch answers: only the check is in flight.
    answer(&mut s, "", 2, 20, 45);
    let fx = send(&mut s, [ch('!')]);
    (s, check_req(&fx))
}

/// The problems view after the sample findings came in and the check ended.
pub fn finished() -> State {
    let (mut s, req) = started();
    send(&mut s, [part(req, 500, sample_findings()), ended(req)]);
    s
}

/// The problems view listing the findings of a duplicate email shared by records 1, 2, 3.
pub fn duplicates_listed() -> State {
    let (mut s, req) = started();
    let msgs = [
        part(req, 500, duplicate_findings()),
        ended(req),
        key(KeyCode::Enter),
    ];
    send(&mut s, msgs);
    s
}

#[test]
fn a_finding_says_who_and_the_title_names_its_rule() {
    let mut s = finished();
    send(&mut s, [key(KeyCode::Enter)]);
    let p = s.problems.as_ref().unwrap();
    let f = p.selected().expect("a finding");
    assert_eq!(f.name, "Person Number 1");
    assert_eq!(f.external_reference.as_deref(), Some("CRM-0043"));
    assert_eq!(
        p.title(),
        "Problems · phone-format: 1 of 4 findings · scanned 500 records"
    );
}

#[test]
fn a_duplicate_names_the_others_and_enter_lists_them_then_opens_one() {
    let mut s = duplicates_listed();
    let p = s.problems.as_ref().unwrap();
    assert_eq!(p.rule, Some(Rule::DuplicateEmail));
    let f = p.selected().expect("the first record's finding");
    assert_eq!(f.id, prospect(1).id);
    let others: Vec<String> = p.others(f).iter().map(|o| o.id.clone()).collect();
    assert_eq!(others, [prospect(2).id, prospect(3).id]);
    // Enter lists the records sharing the value, the first other one selected.
    let fx = send(&mut s, [key(KeyCode::Enter)]);
    assert!(fx.is_empty(), "nothing is fetched yet: {fx:?}");
    let p = s.problems.as_ref().unwrap();
    assert_eq!(p.group.as_deref(), Some("same@example.com"));
    assert_eq!(p.shown().len(), 3);
    assert_eq!(p.selected().map(|f| f.id.clone()), Some(prospect(2).id));
    assert_eq!(
        p.title(),
        "Problems · duplicate-email · 3 records share same@example.com"
    );
    // Enter there opens that record; j moves within the group.
    let fx = send(&mut s, [ch('j'), key(KeyCode::Enter)]);
    let asked = fetches(&fx);
    assert_eq!(
        asked.first().map(|(_, id)| id.clone()),
        Some(prospect(3).id)
    );
    // Esc leaves the group for the rule's findings, then the rules.
    send(&mut s, [key(KeyCode::Esc)]);
    let p = s.problems.as_ref().unwrap();
    assert_eq!(
        (p.group.is_none(), p.rule),
        (true, Some(Rule::DuplicateEmail))
    );
}

#[test]
fn bang_starts_a_check_over_the_lists_search_and_shows_the_view() {
    let mut s = loaded(20, 45, SIZE);
    let fx = send(&mut s, [ch('!')]);
    assert!(fx.contains(&Effect::Api(ApiCall {
        req: check_req(&fx),
        request: ApiRequest::Check { search: None },
    })));
    let p = s.problems.as_ref().unwrap();
    assert!(s.showing(Screen::Problems) && p.scan.ended.is_none());
    assert!(
        p.title()
            .starts_with("Problems · 0 findings so far · scanning 0 of 0")
    );
}

#[test]
fn findings_stream_in_grouped_by_rule_with_the_check_registered_until_its_end() {
    let (mut s, req) = started();
    let findings = sample_findings();
    send(&mut s, [part(req, 200, findings[..2].to_vec())]);
    assert!(!s.requests.is_empty(), "the check still runs");
    let p = s.problems.as_ref().unwrap();
    assert_eq!(
        p.rules(),
        vec![(Rule::PhoneFormat, 1), (Rule::CountryInvalid, 1)]
    );
    assert_eq!(
        p.title(),
        "Problems · 2 findings so far · scanning 200 of 500…"
    );

    send(&mut s, [part(req, 500, findings[2..].to_vec()), ended(req)]);
    assert!(
        !s.requests.any(|p| *p == Purpose::Scan(ScanKind::Problems)),
        "the check is over"
    );
    let p = s.problems.as_ref().unwrap();
    assert_eq!(
        p.rules(),
        vec![(Rule::PhoneFormat, 1), (Rule::CountryInvalid, 3)]
    );
    // The same wrong value on three records is one group.
    assert_eq!(p.top_value(Rule::CountryInvalid), Some(("gb".into(), 3)));
    assert_eq!(p.title(), "Problems · 4 findings · scanned 500 records");
}

#[test]
fn enter_lists_a_rules_findings_and_enter_on_a_finding_opens_its_record() {
    let mut s = finished();
    send(&mut s, [ch('j'), key(KeyCode::Enter)]);
    let p = s.problems.as_ref().unwrap();
    assert_eq!(p.rule, Some(Rule::CountryInvalid));
    let second = p.of_rule(Rule::CountryInvalid)[1].id.clone();
    let fx = send(&mut s, [ch('j'), key(KeyCode::Enter)]);
    let asked: Vec<&ApiRequest> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Api(ApiCall { request, .. }) => Some(request),
            _ => None,
        })
        .collect();
    assert!(
        asked.contains(&&ApiRequest::ById { id: second.clone() }),
        "{fx:?}"
    );
    // The look-up answers: the record opens in the detail pane.
    let by_id = fx
        .iter()
        .find_map(|e| match e {
            Effect::Api(ApiCall {
                req,
                request: ApiRequest::ById { .. },
            }) => Some(*req),
            _ => None,
        })
        .unwrap();
    let record = prospect(3);
    assert_eq!(record.id, second);
    send(
        &mut s,
        [Msg::Api {
            req: by_id,
            reply: Reply::Prospect(Ok(record.clone())),
        }],
    );
    assert_eq!(
        s.detail.as_ref().map(|d| d.prospect.id.clone()),
        Some(second)
    );
    // The record has the keyboard; the view waits behind it.
    assert!(s.detail_has_keys() && !s.problems_have_keys());
    assert!(s.showing(Screen::Problems));
    send(&mut s, [ch('j')]);
    assert_eq!(
        s.problems.as_ref().unwrap().finding_row,
        1,
        "j scrolled the record"
    );
    // `Esc` closes the record and comes back to the findings, where they were.
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(s.detail.is_none() && s.problems_have_keys());
    let p = s.problems.as_ref().unwrap();
    assert_eq!((p.rule, p.finding_row), (Some(Rule::CountryInvalid), 1));
    // Hidden, `!` brings the view back where it was, without scanning again.
    send(&mut s, [key(KeyCode::Esc), key(KeyCode::Esc)]);
    assert!(!s.showing(Screen::Problems));
    let fx = send(&mut s, [ch('!')]);
    assert!(s.showing(Screen::Problems));
    assert!(!fx.iter().any(|e| matches!(e, Effect::Api(_))), "{fx:?}");
    assert_eq!(s.problems.as_ref().unwrap().rule_row, 1);
}

#[test]
fn bang_from_a_focused_record_gives_the_view_the_keyboard() {
    let mut s = finished();
    send(&mut s, [key(KeyCode::Esc)]);
    s.size = (140, 40);
    send(&mut s, [key(KeyCode::Enter)]);
    assert!(s.detail_has_keys());
    send(&mut s, [ch('!')]);
    assert!(
        s.problems_have_keys(),
        "the view, not the record, has the keys"
    );
    assert!(!s.detail_has_keys());
    send(&mut s, [ch('j')]);
    assert_eq!(s.problems.as_ref().unwrap().rule_row, 1);
}

#[test]
fn esc_goes_back_then_stops_the_scan_keeping_its_findings_then_hides_the_view() {
    let (mut s, req) = started();
    send(
        &mut s,
        [part(req, 100, sample_findings()), key(KeyCode::Enter)],
    );
    assert!(s.problems.as_ref().unwrap().rule.is_some());
    let fx = send(&mut s, [key(KeyCode::Esc)]);
    assert_eq!(s.problems.as_ref().unwrap().rule, None);
    assert!(fx.is_empty());
    // As every streaming view: Esc stops the scan and keeps what it found…
    let fx = send(&mut s, [key(KeyCode::Esc)]);
    assert!(s.showing(Screen::Problems));
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Cancel(_))),
        "the scan stops"
    );
    let p = s.problems.as_ref().unwrap();
    assert_eq!(p.findings.len(), sample_findings().len());
    assert!(p.title().contains("stopped at 100 of"), "{}", p.title());
    // …and an answer of the stopped scan is dropped.
    send(&mut s, [part(req, 500, sample_findings())]);
    assert_eq!(
        s.problems.as_ref().unwrap().findings.len(),
        sample_findings().len()
    );
    // …then the next Esc hides the view.
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(!s.showing(Screen::Problems));
    assert!(s.problems.as_ref().unwrap().scan.ended.is_some());
    let fx = send(&mut s, [ch('!')]);
    assert!(s.showing(Screen::Problems));
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::Api(_))),
        "no second scan"
    );
}

#[test]
fn r_rescans_cancelling_the_running_check_and_its_late_answers_are_dropped() {
    let (mut s, old) = started();
    send(&mut s, [part(old, 100, sample_findings())]);
    let fx = send(&mut s, [ch('r')]);
    assert!(fx.contains(&Effect::Cancel(old)));
    let new = check_req(&fx);
    assert_ne!(new, old);
    assert!(s.problems.as_ref().unwrap().findings.is_empty());
    send(&mut s, [part(old, 200, sample_findings())]);
    assert!(
        s.problems.as_ref().unwrap().findings.is_empty(),
        "old answers dropped"
    );
    send(&mut s, [part(new, 100, sample_findings()[..1].to_vec())]);
    assert_eq!(s.problems.as_ref().unwrap().findings.len(), 1);
}

#[test]
fn a_failed_check_keeps_what_it_found_and_says_which_page_failed() {
    let (mut s, req) = started();
    send(&mut s, [part(req, 100, sample_findings())]);
    let failure = ScanError {
        page: 2,
        source: ApiError::Server {
            status: 500,
            detail: "boom".into(),
        },
    };
    send(
        &mut s,
        [Msg::Api {
            req,
            reply: Reply::ScanEnded(Err(failure)),
        }],
    );
    let p = s.problems.as_ref().unwrap();
    assert_eq!(p.findings.len(), 4);
    assert!(
        p.title().contains("failed after 100 of 500"),
        "{}",
        p.title()
    );
    let status = s.status.as_ref().unwrap();
    assert!(status.text.contains("page 2"), "{}", status.text);
}

/// `e` on the phone finding, the record fetched, the phone retyped, reviewed and sent:
/// returns the state once the server answered the PATCH with the saved record.
fn fix_phone(typed: &str) -> State {
    let mut s = finished();
    send(&mut s, [key(KeyCode::Enter)]);
    assert_eq!(s.problems.as_ref().unwrap().rule, Some(Rule::PhoneFormat));
    let fx = send(&mut s, [ch('e')]);
    let asked = fetches(&fx);
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].1, prospect(1).id);
    send(&mut s, [loaded_msg(asked[0].0, spaced_phone())]);
    let form = s.form.as_ref().expect("the form opened");
    assert_eq!(form.focused().key(), "phoneNumber");
    retype(&mut s, typed);
    send(&mut s, [ctrl('s')]);
    let fx = send(&mut s, [key(KeyCode::Enter)]);
    let check = fetches(&fx)[0].0;
    let fx = send(&mut s, [loaded_msg(check, spaced_phone())]);
    let (patch, body) = patches(&fx).remove(0);
    assert_eq!(body.get("phoneNumber"), Some(&serde_json::json!(typed)));
    let mut saved = spaced_phone();
    saved.phone_number = Some(typed.into());
    send(&mut s, [loaded_msg(patch, saved)]);
    assert!(s.form.is_none(), "saved");
    s
}

#[test]
fn e_opens_the_form_on_the_findings_field_and_a_fixed_finding_goes_away() {
    let s = fix_phone("+447101231111");
    let p = s.problems.as_ref().unwrap();
    assert!(s.showing(Screen::Problems), "back in the problems view");
    assert_eq!(p.rules(), vec![(Rule::CountryInvalid, 3)]);
    assert_eq!(p.rule, None, "the rule has no finding left");
}

#[test]
fn a_finding_still_wrong_after_a_save_stays_with_its_new_reason() {
    // Sent as typed (no default_region to read it in), and still not E.164.
    let s = fix_phone("07101231111");
    let p = s.problems.as_ref().unwrap();
    let left = p.of_rule(Rule::PhoneFormat);
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].value.as_deref(), Some("07101231111"));
    assert_eq!(
        left[0].message,
        "phoneNumber is a national number: no suggestion without default_region (e.g. GB)"
    );
    assert_eq!(left[0].suggestion, None);
    assert_eq!(p.rule, Some(Rule::PhoneFormat));
}

#[test]
fn f_from_a_record_opened_from_the_problems_view_shows_the_filter_not_the_problems() {
    let mut s = finished();
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
    assert!(s.detail_has_keys());
    send(&mut s, [ch('F')]);
    type_text(&mut s, "email~example");
    send(&mut s, [key(KeyCode::Enter)]);
    assert!(s.filter_has_keys(), "the filter has the keyboard");
    assert_eq!(
        s.screen(),
        Some(Screen::Filter),
        "on top of the problems view"
    );
    assert!(s.showing(Screen::Problems), "which waits under it");
    // Out of the filter view (Esc stops its scan, Esc closes it), the problems show again,
    // where they were.
    send(&mut s, [key(KeyCode::Esc), key(KeyCode::Esc)]);
    assert!(s.problems_have_keys());
    send(&mut s, [ch('!')]);
    assert!(s.problems_have_keys());
    assert!(!s.showing(Screen::Filter));
    assert_eq!(
        s.problems.as_ref().unwrap().rule,
        Some(Rule::CountryInvalid)
    );
}
