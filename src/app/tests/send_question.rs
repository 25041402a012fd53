//! Sending the pending view's changes asks first ("Send N changes to profile NAME?", a
//! reason journaled with the batch), and the journal's batches list their changes.

use crate::app::screens::Screen;
use crossterm::event::KeyCode;

use super::changes::{journal, list, requests, staged_three};
use super::fixtures::*;
use crate::app::change_views::HistoryScope;
use crate::app::state::PromptKind;

#[test]
fn enter_in_the_pending_view_asks_before_sending_and_n_sends_nothing() {
    let mut s = staged_three();
    send(&mut s, [ch('P')]);
    let fx = send(&mut s, [key(KeyCode::Enter)]);
    assert!(requests(&fx).is_empty(), "nothing leaves on Enter alone");
    let q = s.send_question.as_ref().expect("the question");
    assert_eq!((q.total, q.reason.as_deref()), (3, None));
    // Keys of no button do nothing; n and Esc send nothing.
    assert!(requests(&send(&mut s, [ch('j'), ch('d')])).is_empty());
    assert_eq!(s.staged.len(), 3, "d did not reach the pending view");
    let fx = send(&mut s, [ch('n')]);
    assert!(requests(&fx).is_empty() && s.send_question.is_none());
    assert!(s.showing(Screen::Pending), "back in the pending view");
    send(&mut s, [key(KeyCode::Enter), key(KeyCode::Esc)]);
    assert!(s.send_question.is_none() && s.showing(Screen::Pending));
}

#[test]
fn a_reason_typed_at_the_question_is_sent_with_the_batch() {
    let mut s = staged_three();
    send(&mut s, [ch('P'), key(KeyCode::Enter), ch('r')]);
    assert_eq!(s.prompt.as_ref().map(|p| p.kind), Some(PromptKind::Reason));
    // y and n are text while the reason is typed.
    type_text(&mut s, "ticket 4711 by ny");
    let fx = send(&mut s, [key(KeyCode::Enter)]);
    assert!(requests(&fx).is_empty(), "the question is asked again");
    assert_eq!(
        s.send_question.as_ref().and_then(|q| q.reason.as_deref()),
        Some("ticket 4711 by ny")
    );
    let fx = send(&mut s, [ch('y')]);
    let reqs = requests(&fx);
    let [(_, ApiRequest::SendBatch { reason, .. })] = reqs.as_slice() else {
        panic!("one batch: {reqs:?}");
    };
    assert_eq!(reason.as_deref(), Some("ticket 4711 by ny"));
}

#[test]
fn enter_on_a_batch_in_the_journal_lists_its_changes_and_esc_goes_back() {
    let mut s = list();
    send(
        &mut s,
        [ch('H'), Msg::JournalLoaded(Ok(journal())), ch('j')],
    );
    send(&mut s, [key(KeyCode::Enter)]);
    let view = s.journal.as_ref().expect("open");
    assert_eq!(
        view.scope,
        HistoryScope::Batch {
            batch: "B1".into(),
            from_row: 1
        }
    );
    assert_eq!(view.len(), 2, "B1 holds two changes");
    // u undoes the selected change of the batch alone.
    let fx = send(&mut s, [ch('j'), ch('u')]);
    let reqs = requests(&fx);
    let [(_, ApiRequest::PlanRevert { entries, .. })] = reqs.as_slice() else {
        panic!("an undo plan: {reqs:?}");
    };
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].prospect_id, prospect(1).id);
    send(&mut s, [key(KeyCode::Esc)]);
    send(&mut s, [key(KeyCode::Esc)]);
    let view = s.journal.as_ref().expect("still open");
    assert_eq!((view.scope.clone(), view.row), (HistoryScope::Batches, 1));
}
