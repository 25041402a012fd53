//! Change sets: marks, `S`, `a`/`A`, the pending view (plan, send, failures stay staged),
//! the journal view (undo, revert), quitting with staged changes, a set offered back, and the
//! read-only refusals.

use crate::app::screens::Screen;
use crossterm::event::KeyCode;

use super::fixtures::*;
use super::form_fixtures::status;
use crate::app::State;
use crate::app::change_views::{HistoryScope, Work};
use crate::app::changes::ChangeSet;
use crate::app::effect::BatchRows;
use crate::app::state::PromptKind;
use crate::batch::{Outcome, Planned, RowKey};
use crate::edit::journal::JournalEntry;
use crate::patch::FieldPath;

const SIZE: (u16, u16) = (100, 30);

fn field(name: &str) -> FieldPath {
    FieldPath::parse(name).expect("a field")
}

/// The page of 20 rows (of 45) loaded, its prefetch answered: nothing in flight.
pub(crate) fn list() -> State {
    let mut s = loaded(20, 45, SIZE);
    answer(&mut s, "", 2, 20, 45);
    s
}

/// `S`, the field picked by moving down `down` rows, Enter: the value prompt is open.
pub(crate) fn pick(s: &mut State, down: usize) -> Vec<Effect> {
    let mut fx = send(s, [ch('S')]);
    for _ in 0..down {
        fx.extend(send(s, [ch('j')]));
    }
    fx.extend(send(s, [key(KeyCode::Enter)]));
    fx
}

/// Replaces the prompt's text with `text` and submits it.
pub(crate) fn enter_value(s: &mut State, text: &str) -> Vec<Effect> {
    if let Some(p) = s.prompt.as_mut() {
        p.input.set("");
    }
    let mut fx = type_text(s, text);
    fx.extend(send(s, [key(KeyCode::Enter)]));
    fx
}

/// The index of `phoneNumber` in the picker.
pub(crate) fn phone_row() -> usize {
    row_of("phoneNumber")
}

/// The index of the field `name` in the picker.
pub(crate) fn row_of(name: &str) -> usize {
    FieldPath::all()
        .iter()
        .position(|f| *f == field(name))
        .expect("listed")
}

/// Marks rows 0, 1 and 2 and stages a phone number on them.
pub(crate) fn staged_three() -> State {
    let mut s = list();
    send(&mut s, [ch(' '), ch(' '), ch(' ')]);
    pick(&mut s, phone_row());
    enter_value(&mut s, "+447700900123");
    s
}

fn saves_staged(fx: &[Effect]) -> Option<ChangeSet> {
    fx.iter().rev().find_map(|e| match e {
        Effect::Local(Local::SaveStaged(set)) => Some(set.clone()),
        _ => None,
    })
}

pub(crate) fn requests(fx: &[Effect]) -> Vec<(RequestId, ApiRequest)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Api(ApiCall { req, request }) => Some((*req, request.clone())),
            _ => None,
        })
        .collect()
}

pub(crate) fn planned(id: &str, outcome: Outcome, message: &str) -> Planned {
    let mut row = Planned::ended(0, RowKey::Id(id.into()), outcome, message.into());
    row.id = Some(id.into());
    row
}

#[test]
fn space_marks_and_moves_on_and_marks_survive_paging_and_searching() {
    let mut s = list();
    send(&mut s, [ch(' '), ch(' ')]);
    assert_eq!(s.list.selected, 2, "space moves to the next row");
    let ids: Vec<String> = (0..2).map(|i| prospect(i).id).collect();
    assert!(ids.iter().all(|id| s.marks.contains_key(id)));
    // The next page, then a search: the marks stay.
    send(&mut s, [ch('n')]);
    assert_eq!(s.list.page, 2);
    send(&mut s, [ch(' ')]);
    assert_eq!(s.marks.len(), 3);
    send(&mut s, [ch('/')]);
    type_text(&mut s, "zz");
    send(&mut s, [key(KeyCode::Enter)]);
    assert_eq!(s.marks.len(), 3);
    // Space again on a marked row unmarks it.
    let mut s = list();
    send(&mut s, [ch(' '), ch('k'), ch(' ')]);
    assert!(s.marks.is_empty());
}

#[test]
fn v_marks_the_whole_page_and_again_unmarks_it() {
    let mut s = list();
    send(&mut s, [ch('V')]);
    assert_eq!(s.marks.len(), 20);
    assert!(status(&s).contains("Marked 20 rows"));
    send(&mut s, [ch('V')]);
    assert!(s.marks.is_empty());
}

#[test]
fn s_stages_the_value_on_every_marked_record_with_the_value_seen_as_expected() {
    let s = staged_three();
    assert_eq!(s.staged.len(), 3);
    let rows = s.staged.corrections();
    for (row, i) in rows.iter().zip([0usize, 1, 2]) {
        let p = prospect(i);
        assert!(rows.iter().any(|r| r.key == RowKey::Id(p.id.clone())));
        assert_eq!(
            row.set,
            vec![(field("phoneNumber"), Some("+447700900123".into()))]
        );
        assert_eq!(row.expect.len(), 1, "the value seen is expected still");
    }
    assert!(status(&s).starts_with("Staged phoneNumber on 3 records"));
    assert!(s.prompt.is_none() && s.set_field.is_none());
}

#[test]
fn s_counts_only_the_records_that_will_change() {
    let row = |name: &str| {
        FieldPath::all()
            .iter()
            .position(|f| *f == field(name))
            .expect("listed")
    };
    let mut s = list();
    send(&mut s, [ch(' '), ch(' '), ch(' ')]);
    pick(&mut s, row("lastName"));
    // Row 1 is "Number 1" already.
    enter_value(&mut s, "Number 1");
    assert_eq!(s.staged.len(), 2);
    assert!(
        status(&s).starts_with("Staged lastName on 2 records; 1 record already has it"),
        "{}",
        status(&s)
    );
    // Every one already holds it: nothing is staged, and it says so.
    let mut s = list();
    send(&mut s, [ch(' '), ch(' '), ch(' ')]);
    pick(&mut s, phone_row());
    enter_value(&mut s, "+447101231111");
    assert!(s.staged.is_empty());
    assert_eq!(
        status(&s),
        "Nothing staged: phoneNumber is already that on every record"
    );
}

#[test]
fn an_invalid_value_keeps_the_prompt_with_the_text_and_the_reason() {
    let mut s = list();
    pick(&mut s, phone_row());
    // Not a phone number at all (any format that parses is taken, as in the form).
    let fx = enter_value(&mut s, "ask reception");
    assert!(saves_staged(&fx).is_none());
    assert!(s.staged.is_empty());
    let prompt = s.prompt.as_ref().expect("the prompt stays");
    assert_eq!(prompt.kind, PromptKind::SetValue);
    assert_eq!(prompt.input.text(), "ask reception");
    let error = s.set_field.as_ref().and_then(|f| f.error.clone());
    assert!(
        error.is_some_and(|e| e.contains("phone")),
        "{:?}",
        s.set_field
    );
    // Fixed, it is staged, in E.164 even when typed with spaces.
    let fx = enter_value(&mut s, "+44 7123 456789");
    assert_eq!(saves_staged(&fx).map(|set| set.len()), Some(1));
    let id = s.list.rows[0].id.clone();
    let change = &s.staged.records[&id].fields["phoneNumber"];
    assert_eq!(change.after.as_deref(), Some("+447123456789"));
}

#[test]
fn an_empty_value_clears_a_nullable_field_but_never_the_email() {
    let mut s = list();
    pick(&mut s, phone_row());
    enter_value(&mut s, "");
    let id = prospect(0).id;
    assert_eq!(
        s.staged.get(&id).expect("staged").fields["phoneNumber"].after,
        None
    );
    let email_row = row_of("email");
    pick(&mut s, email_row);
    enter_value(&mut s, "");
    assert!(s.prompt.is_some(), "the email cannot be cleared");
}

#[test]
fn escape_in_the_picker_or_the_prompt_stages_nothing() {
    let mut s = list();
    send(&mut s, [ch('S'), key(KeyCode::Esc)]);
    assert!(s.set_field.is_none());
    pick(&mut s, 0);
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(s.set_field.is_none() && s.prompt.is_none() && s.staged.is_empty());
}

#[test]
fn every_staging_writes_the_set_so_a_crash_keeps_it() {
    let mut s = list();
    send(&mut s, [ch(' ')]);
    pick(&mut s, phone_row());
    let fx = enter_value(&mut s, "+447700900123");
    assert_eq!(saves_staged(&fx), Some(s.staged.clone()));
}

#[test]
fn ctrl_s_in_the_pending_view_plans_the_staged_set_as_apply_does() {
    let mut s = staged_three();
    send(&mut s, [ch('P')]);
    assert!(s.showing(Screen::Pending));
    let fx = send(&mut s, [ctrl('s')]);
    let reqs = requests(&fx);
    let [(req, ApiRequest::Plan { rows, concurrency })] = reqs.as_slice() else {
        panic!("one plan request: {reqs:?}");
    };
    assert_eq!(*rows, s.staged.corrections());
    assert_eq!(*concurrency, 4);
    assert_eq!(s.pending.work, Some(Work::Planning(*req)));
    let ids: Vec<String> = s.staged.records.keys().cloned().collect();
    let plan = vec![
        planned(&ids[0], Outcome::Change, ""),
        planned(
            &ids[1],
            Outcome::Conflict,
            "phoneNumber is \"+1\" on the server",
        ),
        planned(&ids[2], Outcome::Change, ""),
    ];
    send(
        &mut s,
        [Msg::Api {
            req: *req,
            reply: Reply::Planned(plan.clone()),
        }],
    );
    assert_eq!(s.pending.plan, Some(plan));
    assert_eq!(s.pending.work, None);
    assert!(status(&s).contains("change=2 conflict=1"), "{}", status(&s));
}

#[test]
fn enter_sends_with_progress_and_what_fails_stays_staged_with_its_reason() {
    let mut s = staged_three();
    send(&mut s, [ch('P')]);
    let fx = send(&mut s, [key(KeyCode::Enter), ch('y')]);
    let reqs = requests(&fx);
    let [(req, ApiRequest::SendBatch { rows, profile, .. })] = reqs.as_slice() else {
        panic!("one batch: {reqs:?}");
    };
    assert_eq!(*rows, BatchRows::Corrections(s.staged.corrections()));
    assert_eq!(profile, "sandbox");
    let req = *req;
    let progress = Reply::Sending { done: 1, total: 3 };
    send(
        &mut s,
        [Msg::Api {
            req,
            reply: progress,
        }],
    );
    assert_eq!(
        s.pending.work,
        Some(Work::Sending {
            req,
            done: 1,
            total: 3
        })
    );
    // While it sends, nothing else starts.
    assert!(requests(&send(&mut s, [key(KeyCode::Enter), ctrl('s')])).is_empty());
    let ids: Vec<String> = s.staged.records.keys().cloned().collect();
    let rows = vec![
        planned(&ids[0], Outcome::Applied, ""),
        planned(&ids[1], Outcome::Rejected, "phoneNumber must be valid"),
        planned(&ids[2], Outcome::Unchanged, "already as wanted"),
    ];
    let fx = send(
        &mut s,
        [Msg::Api {
            req,
            reply: Reply::Sent {
                batch: "B1".into(),
                rows,
                error: None,
            },
        }],
    );
    assert_eq!(s.staged.len(), 1, "only the rejected row stays");
    let left = s.staged.get(&ids[1]).expect("stays staged");
    assert_eq!(
        left.error.as_deref(),
        Some("rejected: phoneNumber must be valid")
    );
    assert_eq!(saves_staged(&fx), Some(s.staged.clone()));
    assert!(status(&s).starts_with("Batch B1: applied=1"));
    assert!(
        !page_requests(&fx).is_empty(),
        "the list is reloaded to show the records as they are now"
    );
}

#[test]
fn d_in_the_pending_view_unstages_the_record() {
    let mut s = staged_three();
    send(&mut s, [ch('P'), ch('j')]);
    let second = s.staged.records.keys().nth(1).cloned().expect("three");
    let fx = send(&mut s, [ch('d')]);
    assert_eq!(s.staged.len(), 2);
    assert!(s.staged.get(&second).is_none());
    assert_eq!(saves_staged(&fx).map(|set| set.len()), Some(2));
}

#[test]
fn quitting_with_staged_changes_asks_first() {
    let mut s = staged_three();
    let fx = send(&mut s, [ch('q')]);
    assert!(!quits(&fx) && s.quit_asked);
    send(&mut s, [ch('n')]);
    assert!(!s.quit_asked);
    assert!(
        quits(&send(&mut s, [ch('q'), ch('y')])),
        "y quits keeping them"
    );
    let mut s = staged_three();
    let fx = send(&mut s, [ctrl('c'), ch('d')]);
    assert!(quits(&fx));
    assert_eq!(saves_staged(&fx).map(|set| set.is_empty()), Some(true));
    // Nothing staged: q quits at once.
    assert!(quits(&send(&mut list(), [ch('q')])));
}

#[test]
fn a_set_from_an_earlier_session_is_offered_back() {
    let earlier = staged_three().staged;
    let mut s = list();
    send(&mut s, [Msg::StagedFound(earlier.clone())]);
    assert!(s.staged_offer.is_some());
    // Other keys do nothing while it asks.
    send(&mut s, [ch('j')]);
    assert_eq!(s.list.selected, 0);
    let fx = send(&mut s, [ch('r')]);
    assert_eq!(s.staged, earlier);
    assert_eq!(saves_staged(&fx), Some(earlier.clone()));

    let mut s = list();
    send(&mut s, [Msg::StagedFound(earlier)]);
    let fx = send(&mut s, [ch('d')]);
    assert!(s.staged.is_empty() && s.staged_offer.is_none());
    assert_eq!(saves_staged(&fx).map(|set| set.is_empty()), Some(true));
}

#[test]
fn a_and_capital_a_stage_suggestions_from_the_problems_view() {
    let mut s = super::problems::finished();
    // The rule table: phone-format first; Enter lists its finding.
    send(&mut s, [key(KeyCode::Enter)]);
    let fx = send(&mut s, [ch('a')]);
    let id = prospect(1).id;
    let staged = s.staged.get(&id).expect("staged").fields["phoneNumber"].clone();
    assert_eq!(staged.after.as_deref(), Some("+447101231111"));
    assert_eq!(staged.before, Some(Some("+44 7101 231111".into())));
    assert!(saves_staged(&fx).is_some());
    // Back to the rules, the country rule, A: its three findings.
    send(&mut s, [key(KeyCode::Esc), ch('j'), ch('A')]);
    assert_eq!(s.staged.len(), 4);
    assert!(
        status(&s).starts_with("Staged 3 suggestions"),
        "{}",
        status(&s)
    );
}

fn entry(id: &str, batch: Option<&str>, time: &str) -> JournalEntry {
    let mut body = serde_json::Map::new();
    body.insert("phoneNumber".into(), "+447700900123".into());
    let mut previous = serde_json::Map::new();
    previous.insert("phoneNumber".into(), "+447101231111".into());
    JournalEntry {
        time: time.into(),
        profile: "sandbox".into(),
        prospect_id: id.into(),
        body,
        previous,
        status: 200,
        batch: batch.map(Into::into),
        reason: None,
    }
}

pub(crate) fn journal() -> Vec<JournalEntry> {
    let mut other = entry("x", Some("B0"), "2026-11-28T01:00:00Z");
    other.profile = "prod".into();
    vec![
        other,
        entry(&prospect(0).id, Some("B1"), "2026-11-28T02:00:00Z"),
        entry(&prospect(1).id, Some("B1"), "2026-11-28T02:00:01Z"),
        entry(&prospect(0).id, None, "2026-11-28T03:00:00Z"),
        entry(&prospect(2).id, Some("B2"), "2026-11-28T04:00:00Z"),
    ]
}

#[test]
fn h_in_the_list_shows_this_profiles_batches_and_r_reviews_a_revert() {
    let mut s = list();
    let fx = send(&mut s, [ch('H')]);
    assert!(fx.contains(&Effect::Local(Local::LoadJournal)));
    send(&mut s, [Msg::JournalLoaded(Ok(journal()))]);
    let view = s.journal.as_ref().expect("open");
    assert_eq!(view.scope, HistoryScope::Batches);
    let batches: Vec<String> = view.batches().into_iter().map(|b| b.batch).collect();
    assert_eq!(
        batches,
        vec!["B2", "B1"],
        "newest first, other profiles left out"
    );
    let fx = send(&mut s, [ch('j'), ch('R')]);
    let reqs = requests(&fx);
    let [(req, ApiRequest::PlanRevert { entries, .. })] = reqs.as_slice() else {
        panic!("a revert plan: {reqs:?}");
    };
    let ids: Vec<&str> = entries.iter().map(|e| e.prospect_id.as_str()).collect();
    assert_eq!(ids, vec![prospect(0).id.as_str(), prospect(1).id.as_str()]);
    assert!(s.showing(Screen::Pending));
    assert_eq!(s.pending.revert.as_deref(), Some("revert of batch B1"));
    // The plan arrives: Enter sends exactly it, as a batch of its own with its reason.
    let plan = vec![
        planned(&prospect(0).id, Outcome::Change, ""),
        planned(
            &prospect(1).id,
            Outcome::Conflict,
            "phoneNumber changed again",
        ),
    ];
    let req = *req;
    send(
        &mut s,
        [Msg::Api {
            req,
            reply: Reply::Planned(plan.clone()),
        }],
    );
    let fx = send(&mut s, [key(KeyCode::Enter), ch('y')]);
    let reqs = requests(&fx);
    let [(_, ApiRequest::SendBatch { rows, reason, .. })] = reqs.as_slice() else {
        panic!("a batch: {reqs:?}");
    };
    assert_eq!(*rows, BatchRows::Planned(plan));
    assert_eq!(reason.as_deref(), Some("revert of batch B1"));
    assert!(s.staged.is_empty(), "a revert never touches the staged set");
    // ctrl-s plans the same revert again (the records may have moved since).
    let mut s2 = list();
    send(
        &mut s2,
        [ch('H'), Msg::JournalLoaded(Ok(journal())), ch('R')],
    );
    let again = requests(&send(&mut s2, [ctrl('s')]));
    assert!(again.is_empty(), "not while the first plan runs");
    let req = s2.requests.find(|_| true).expect("the plan");
    send(
        &mut s2,
        [Msg::Api {
            req,
            reply: Reply::Planned(Vec::new()),
        }],
    );
    let again = requests(&send(&mut s2, [ctrl('s')]));
    assert!(
        matches!(again.as_slice(), [(_, ApiRequest::PlanRevert { entries, .. })] if entries.len() == 1)
    );
}

#[test]
fn h_on_the_detail_lists_the_prospects_changes_and_u_reviews_the_undo() {
    let mut s = list();
    send(&mut s, [key(KeyCode::Enter)]);
    send(&mut s, [ch('H'), Msg::JournalLoaded(Ok(journal()))]);
    let view = s.journal.as_ref().expect("open");
    assert!(matches!(view.scope, HistoryScope::Prospect { .. }));
    let times: Vec<&str> = view.loaded().iter().map(|e| e.time.as_str()).collect();
    assert_eq!(times, vec!["2026-11-28T03:00:00Z", "2026-11-28T02:00:00Z"]);
    let fx = send(&mut s, [ch('u')]);
    let reqs = requests(&fx);
    let [(_, ApiRequest::PlanRevert { entries, .. })] = reqs.as_slice() else {
        panic!("an undo plan: {reqs:?}");
    };
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].time, "2026-11-28T03:00:00Z");
    assert!(s.showing(Screen::Pending) && s.pending.revert.is_some());
    // Esc leaves the review; the journal view is there again.
    send(&mut s, [key(KeyCode::Esc)]);
    assert!(!s.showing(Screen::Pending) && s.journal.is_some());
}

#[test]
fn a_read_only_profile_refuses_staging_sending_and_reverting_in_one_place() {
    let mut s = list();
    s.read_only = true;
    send(&mut s, [ch(' ')]);
    assert_eq!(s.marks.len(), 1, "marking changes nothing: allowed");
    for c in ['S', 'P'] {
        s.status = None;
        let fx = send(&mut s, [ch(c)]);
        assert!(fx.is_empty(), "{c}");
        assert!(status(&s).contains("read-only"), "{c}");
    }
    assert!(s.set_field.is_none() && !s.showing(Screen::Pending));
    send(&mut s, [ch('H'), Msg::JournalLoaded(Ok(journal()))]);
    s.status = None;
    assert!(requests(&send(&mut s, [ch('R')])).is_empty());
    assert!(status(&s).contains("read-only"));
    let mut p = super::problems::finished();
    p.read_only = true;
    send(&mut p, [key(KeyCode::Enter), ch('a'), ch('A')]);
    assert!(p.staged.is_empty());
    assert!(status(&p).contains("read-only"));
}

#[test]
fn an_applied_suggestion_leaves_the_problems_view() {
    let mut s = super::problems::finished();
    send(&mut s, [key(KeyCode::Enter), ch('a'), ch('P')]);
    let fx = send(&mut s, [key(KeyCode::Enter), ch('y')]);
    let [(req, _)] = requests(&fx)[..] else {
        panic!("one batch");
    };
    let mut before = prospect(1);
    before.phone_number = Some("+44 7101 231111".into());
    let mut row = planned(&before.id, Outcome::Applied, "");
    row.before = Some(before);
    row.body
        .insert("phoneNumber".into(), "+447101231111".into());
    let count = |s: &State| s.problems.as_ref().map_or(0, |p| p.findings.len());
    let n = count(&s);
    send(
        &mut s,
        [Msg::Api {
            req,
            reply: Reply::Sent {
                batch: "B".into(),
                rows: vec![row],
                error: None,
            },
        }],
    );
    assert_eq!(count(&s), n - 1, "the fixed finding went");
    let p = s.problems.as_ref().expect("the view");
    assert!(p.findings.iter().all(|f| f.id != prospect(1).id));
}

/// `S =EXPR` on marked records the screen does not hold (marked by a scan, never loaded):
/// the held one is staged at once, the others are fetched and computed as they come, and the
/// status says what came of them.
#[test]
fn an_expression_fetches_the_marked_records_the_screen_does_not_hold() {
    use crate::app::facet::Member;
    use crate::app::msg::ScanPart;
    let mut s = list();
    let held = prospect(0);
    s.marks.insert(held.id.clone(), "held".into());
    let far = [
        "00000000-0000-4000-8000-00000000f001",
        "00000000-0000-4000-8000-00000000f002",
    ];
    for id in far {
        s.marks.insert(id.into(), format!("far {id}"));
    }
    let first = row_of("firstName");
    pick(&mut s, first);
    // The preview shows the held record's before → after first, then the others.
    type_text(&mut s, "=upper");
    let preview = s.set_field.as_ref().and_then(|f| f.preview.clone());
    let rows = preview.expect("a preview").expect("it parses");
    assert_eq!(rows[0].label, "held");
    assert!(matches!(
        rows[0].result,
        crate::app::set_expr::Result1::Change { .. }
    ));
    assert_eq!(rows[1].result, crate::app::set_expr::Result1::Unknown);
    let fx = enter_value(&mut s, "=upper");
    assert_eq!(s.staged.len(), 1, "the held record at once");
    assert!(
        status(&s).contains("fetching 2 not held here"),
        "{}",
        status(&s)
    );
    let (req, ids) = requests(&fx)
        .into_iter()
        .find_map(|(req, r)| match r {
            ApiRequest::Fetch {
                ids,
                field: f,
                by_scan,
                ..
            } => {
                assert_eq!(f, field("firstName"));
                // 2 records to fetch, and the 45 the list counts fit on one page of 100.
                assert!(by_scan);
                Some((req, ids))
            }
            _ => None,
        })
        .expect("the others are fetched");
    let mut want: Vec<String> = far.iter().map(|id| id.to_string()).collect();
    want.sort();
    let mut got = ids.clone();
    got.sort();
    assert_eq!(got, want);
    // One comes back lower-case, one already upper-case; neither was held.
    let part = Reply::Scanned {
        progress: crate::scan::Progress {
            scanned: 2,
            total: 2,
            pages: 2,
            server_limit: None,
        },
        part: ScanPart::Members(vec![
            Member {
                id: far[0].into(),
                label: "Ann · F1".into(),
                value: Some("ann".into()),
            },
            Member {
                id: far[1].into(),
                label: "BOB · F2".into(),
                value: Some("BOB".into()),
            },
        ]),
    };
    let end = Reply::ScanEnded(Ok(crate::scan::ScanSummary {
        records: 2,
        ..crate::scan::ScanSummary::default()
    }));
    send(
        &mut s,
        [Msg::Api { req, reply: part }, Msg::Api { req, reply: end }],
    );
    assert_eq!(s.staged.len(), 2, "ann → ANN staged; BOB unchanged");
    assert!(s.staged.records.contains_key(far[0]));
    let text = status(&s);
    assert!(
        text.starts_with(
            "Fetched 2 records: changed 1 · unchanged 1 · skipped 0 (2 staged in all) — P reviews"
        ),
        "{text}"
    );
}

/// Few records to fetch, or a list whose count does not cover them (searched): one GET each.
#[test]
fn few_records_or_a_searched_list_are_fetched_by_id() {
    let first = row_of("firstName");
    for (total, search) in [(45_000, ""), (45, "ann")] {
        let mut s = list();
        if let Some(meta) = s.list.meta.as_mut() {
            meta.total_items = total;
        }
        s.list.search = search.into();
        for id in [
            "00000000-0000-4000-8000-00000000f001",
            "00000000-0000-4000-8000-00000000f002",
        ] {
            s.marks.insert(id.into(), "far".into());
        }
        pick(&mut s, first);
        let fx = enter_value(&mut s, "=upper");
        let by_scan = requests(&fx).into_iter().find_map(|(_, r)| match r {
            ApiRequest::Fetch { by_scan, .. } => Some(by_scan),
            _ => None,
        });
        assert_eq!(by_scan, Some(false), "{total} records, search {search:?}");
    }
}

/// A fetch that fails part-way keeps what it staged and says so, as an error.
#[test]
fn a_fetch_that_fails_keeps_what_it_staged_and_says_why() {
    use crate::app::facet::Member;
    use crate::app::msg::ScanPart;
    let mut s = list();
    let far = [
        "00000000-0000-4000-8000-00000000f001",
        "00000000-0000-4000-8000-00000000f002",
    ];
    for id in far {
        s.marks.insert(id.into(), "far".into());
    }
    pick(&mut s, row_of("firstName"));
    let fx = enter_value(&mut s, "=upper");
    let req = requests(&fx)
        .into_iter()
        .find_map(|(req, r)| matches!(r, ApiRequest::Fetch { .. }).then_some(req))
        .expect("a fetch");
    let part = Reply::Scanned {
        progress: crate::scan::Progress::default(),
        part: ScanPart::Members(vec![Member {
            id: far[0].into(),
            label: "Ann".into(),
            value: Some("ann".into()),
        }]),
    };
    let failed = Reply::ScanEnded(Err(crate::scan::ScanError {
        page: 2,
        source: crate::api::ApiError::Config("the server went away".into()),
    }));
    send(
        &mut s,
        [
            Msg::Api { req, reply: part },
            Msg::Api { req, reply: failed },
        ],
    );
    assert_eq!(s.staged.len(), 1);
    let st = s.status.as_ref().expect("a status");
    assert_eq!(st.kind, crate::app::state::StatusKind::Error);
    assert!(
        st.text
            .starts_with("Fetching the records stopped after staging 1: "),
        "{}",
        st.text
    );
}
