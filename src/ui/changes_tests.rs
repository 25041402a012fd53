//! Snapshots of change sets: marks and staged signs in the list, the detail's staged lines,
//! the field picker, the pending view (staged, planned, sending), a revert under review, the
//! journal views and the quit question — with colour, and without (NO_COLOR).

use std::sync::Arc;

use crossterm::event::KeyCode;

use crate::app::State;
use crate::app::tests::changes::{journal, list, planned, staged_three};
use crate::app::tests::fixtures::*;
use crate::batch::{Outcome, Planned};
use crate::runtime::harness::frame;

const NARROW: (u16, u16) = (80, 24);
const WIDE: (u16, u16) = (140, 40);

fn no_color(mut s: State) -> State {
    let mut theme = (*s.theme).clone();
    theme.colors = false;
    s.theme = Arc::new(theme);
    s
}

/// Three rows staged, a fourth marked, the selection on the fifth.
fn marked_and_staged() -> State {
    let mut s = staged_three();
    send(&mut s, [ch(' ')]);
    s
}

#[test]
fn list_with_marks_and_staged_changes_80x24() {
    insta::assert_snapshot!(frame(&marked_and_staged(), NARROW).backend());
}

/// Once the staging news fades, the status line keeps the staged changes and their key in
/// sight, so an 80-column footer has room for `H history` (it dropped off the end before).
#[test]
fn staged_changes_stay_in_sight_after_the_news_fades_80x24() {
    let mut s = marked_and_staged();
    let later = s.now + crate::app::state::STATUS_FADE_MS + 1;
    send(&mut s, [crate::app::Msg::Tick(later)]);
    assert!(s.status.is_none());
    let frame = frame(&s, NARROW);
    let text = crate::runtime::harness::buffer_text(frame.backend().buffer());
    let rows: Vec<&str> = text.lines().collect();
    let (status, footer) = (rows[22], rows[23]);
    assert!(
        status.contains("3 records with staged changes, not sent — P reviews and sends"),
        "{status}"
    );
    assert!(footer.contains("H history"), "{footer}");
    assert!(footer.contains("q quit"), "{footer}");
    insta::assert_snapshot!(frame.backend());
}

#[test]
fn list_with_marks_and_staged_changes_no_color() {
    let s = no_color(marked_and_staged());
    insta::assert_snapshot!(frame(&s, WIDE).backend());
}

#[test]
fn detail_shows_the_staged_change_before_to_after_140x40() {
    let mut s = staged_three();
    s.list.selected = 0;
    send(&mut s, [key(KeyCode::Enter)]);
    insta::assert_snapshot!(frame(&s, WIDE).backend());
}

#[test]
fn field_picker_80x24() {
    let mut s = marked_and_staged();
    send(&mut s, [ch('S'), ch('j'), ch('j')]);
    insta::assert_snapshot!(frame(&s, NARROW).backend());
}

#[test]
fn value_prompt_with_a_refused_value_80x24() {
    let mut s = list();
    crate::app::tests::changes::pick(&mut s, crate::app::tests::changes::phone_row());
    crate::app::tests::changes::enter_value(&mut s, "ask reception");
    insta::assert_snapshot!(frame(&s, NARROW).backend());
}

#[test]
fn pending_view_staged_140x40() {
    let mut s = staged_three();
    send(&mut s, [ch('P')]);
    insta::assert_snapshot!(frame(&s, WIDE).backend());
}

/// Three rows staged, `P`, ctrl-s: the plan answered with what `plan` makes of their ids.
fn planned_three(plan: impl FnOnce(&[String]) -> Vec<Planned>) -> State {
    let mut s = staged_three();
    let fx = send(&mut s, [ch('P'), ctrl('s')]);
    assert!(!fx.is_empty());
    let req = s.requests.find(|_| true).expect("the plan");
    let ids: Vec<String> = s.staged.records.keys().cloned().collect();
    let reply = Reply::Planned(plan(&ids));
    send(&mut s, [Msg::Api { req, reply }]);
    s
}

#[test]
fn pending_view_planned_with_a_conflict_140x40() {
    let s = planned_three(|ids| {
        let mut conflict = planned(
            &ids[1],
            Outcome::Conflict,
            "phoneNumber is \"+1\" on the server",
        );
        conflict.before = Some(prospect(1));
        vec![
            planned(&ids[0], Outcome::Change, ""),
            conflict,
            planned(&ids[2], Outcome::Change, ""),
        ]
    });
    insta::assert_snapshot!(frame(&s, WIDE).backend());
}

/// On a narrow screen a row's reason does not fit beside it: it goes, whole and wrapped,
/// under the row instead of being cut off at the edge.
#[test]
fn a_long_reason_goes_under_its_row_on_a_narrow_screen_60x20() {
    let why = "the previous value +44 (0)7123 456781 is refused by the form's rules: phoneNumber must be in E.164 form";
    let s = planned_three(|ids| {
        vec![
            planned(&ids[0], Outcome::Invalid, why),
            planned(&ids[1], Outcome::Change, ""),
            planned(&ids[2], Outcome::Change, ""),
        ]
    });
    let frame = frame(&s, (60, 20));
    let text = crate::runtime::harness::buffer_text(frame.backend().buffer());
    let shown: String = text
        .lines()
        .filter(|l| l.starts_with("│      "))
        .map(|l| l.trim_matches(|c| c == '│' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(shown.contains(why), "{text}");
    insta::assert_snapshot!(frame.backend());
}

#[test]
fn pending_view_sending_80x24() {
    let mut s = staged_three();
    send(&mut s, [ch('P'), key(KeyCode::Enter), ch('y')]);
    let req = s.requests.find(|_| true).expect("the batch");
    send(
        &mut s,
        [Msg::Api {
            req,
            reply: Reply::Sending {
                done: 37,
                total: 183,
            },
        }],
    );
    insta::assert_snapshot!(frame(&s, NARROW).backend());
}

#[test]
fn journal_batches_and_a_revert_under_review_140x40() {
    let mut s = list();
    send(&mut s, [ch('H'), Msg::JournalLoaded(Ok(journal()))]);
    insta::assert_snapshot!("journal_batches_140x40", frame(&s, WIDE).backend());
    send(&mut s, [ch('j'), ch('R')]);
    let req = s.requests.find(|_| true).expect("the revert plan");
    let mut row = planned(&prospect(0).id, Outcome::Change, "");
    row.before = Some(prospect(0));
    let mut body = serde_json::Map::new();
    body.insert("phoneNumber".into(), "+447700900001".into());
    row.body = body;
    let plan = vec![
        row,
        planned(
            &prospect(1).id,
            Outcome::Conflict,
            "phoneNumber changed again since the batch",
        ),
    ];
    send(
        &mut s,
        [Msg::Api {
            req,
            reply: Reply::Planned(plan),
        }],
    );
    insta::assert_snapshot!("revert_under_review_140x40", frame(&s, WIDE).backend());
}

#[test]
fn journal_of_one_prospect_80x24() {
    let mut s = list();
    send(
        &mut s,
        [
            key(KeyCode::Enter),
            ch('H'),
            Msg::JournalLoaded(Ok(journal())),
        ],
    );
    insta::assert_snapshot!(frame(&s, NARROW).backend());
}

#[test]
fn journal_shows_an_address_change_by_the_parts_that_changed() {
    let mut s = list();
    let mut entries = journal();
    let address = |country: &str| {
        serde_json::json!({"type": "STRUCTURED", "line1": "1 High Street", "line2": null,
            "line3": null, "postcode": "AB1 2CD", "country": country})
    };
    let e = &mut entries[3];
    e.body.clear();
    e.body.insert("address".into(), address("GBR"));
    e.previous.clear();
    e.previous.insert("address".into(), address("gb"));
    send(
        &mut s,
        [
            key(KeyCode::Enter),
            ch('H'),
            Msg::JournalLoaded(Ok(entries)),
        ],
    );
    let text = crate::runtime::harness::buffer_text(frame(&s, WIDE).backend().buffer());
    assert!(text.contains("~ address.country: gb → GBR"), "{text}");
    assert!(
        !text.contains("High Street"),
        "only the part that changed: {text}"
    );
}

#[test]
fn quit_with_staged_changes_asks_80x24() {
    let mut s = staged_three();
    send(&mut s, [ch('q')]);
    insta::assert_snapshot!(frame(&s, NARROW).backend());
}

#[test]
fn problems_findings_show_their_marks_and_staged_signs_140x40() {
    let mut s = crate::app::tests::problems::finished();
    // The country rule's three findings: the first marked (space moves on), the second's
    // suggestion staged.
    send(&mut s, [ch('j'), key(KeyCode::Enter), ch(' '), ch('a')]);
    insta::assert_snapshot!(frame(&s, WIDE).backend());
}

#[test]
fn filter_matches_show_their_marks_80x24() {
    let (mut s, req) = crate::app::tests::filter::filtering("address.country=gbr");
    let records = [prospect(0), prospect(1), prospect(2)];
    send(
        &mut s,
        [crate::app::tests::filter::matched_records(
            req,
            (300, 300),
            &records,
        )],
    );
    // Space marks and moves on; V would mark every match.
    send(&mut s, [ch(' '), ch('j'), ch(' ')]);
    assert_eq!(s.marks.len(), 2);
    insta::assert_snapshot!(frame(&s, NARROW).backend());
}

/// The pending view's Enter: the question, a reason typed.
fn send_question() -> State {
    let mut s = staged_three();
    send(&mut s, [ch('P'), key(KeyCode::Enter), ch('r')]);
    type_text(&mut s, "ticket 4711");
    send(&mut s, [key(KeyCode::Enter)]);
    s
}

#[test]
fn pending_send_asks_with_the_reason_80x24() {
    insta::assert_snapshot!(frame(&send_question(), (80, 24)).backend());
}

#[test]
fn pending_send_asks_with_the_reason_140x40() {
    insta::assert_snapshot!(frame(&send_question(), (140, 40)).backend());
}

#[test]
fn pending_send_reason_prompt_80x24() {
    let mut s = staged_three();
    send(&mut s, [ch('P'), key(KeyCode::Enter), ch('r')]);
    type_text(&mut s, "ticket");
    insta::assert_snapshot!(frame(&s, (80, 24)).backend());
}

#[test]
fn journal_batch_lists_its_changes_80x24() {
    let mut s = list();
    send(
        &mut s,
        [
            ch('H'),
            Msg::JournalLoaded(Ok(journal())),
            ch('j'),
            key(KeyCode::Enter),
        ],
    );
    insta::assert_snapshot!(frame(&s, (80, 24)).backend());
}
