//! The pending view (`P`: the staged set, planned and sent as `prospect apply` does; also the
//! review of a revert) and the journal view (`H`: a prospect's changes with `u` undo, or every
//! batch with `R` revert), and their answers.

use super::browse;
use super::change_views::{HistoryScope, HistoryView, PendingView, Work};
use super::changes::label_of;
use super::changes_flow;
use super::effect::{ApiRequest, BatchRows, Effect, Local, RequestId};
use super::input::LineInput;
use super::keys::Action;
use super::msg::Reply;
use super::requests::Purpose;
use super::screens::Screen;
use super::state::{Prompt, PromptKind, SendQuestion, State, StatusKind};
use crate::batch::plan::counts;
use crate::batch::{Outcome, Planned};
use crate::edit::journal::JournalEntry;
use crate::patch;

/// `P`: shows the staged set.
pub(super) fn open(state: &mut State) {
    if state.refuse_read_only() {
        return;
    }
    // A finished revert review is not shown again; a running one is.
    if state.pending.revert.is_some() && state.pending.work.is_none() {
        state.pending.revert = None;
        state.pending.plan = None;
    }
    state.show(Screen::Pending);
    state.pending.row = 0;
}

/// How many rows the pending view shows.
pub fn row_count(state: &State) -> usize {
    match (&state.pending.revert, &state.pending.plan) {
        (Some(_), Some(plan)) => plan.len(),
        (Some(_), None) => 0,
        (None, _) => state.staged.len(),
    }
}

/// The id of a plan row.
fn row_id(r: &Planned) -> String {
    r.id.clone().unwrap_or_else(|| r.key.value().to_string())
}

/// A key of the pending view.
pub(super) fn on_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) {
    let rows = row_count(state);
    let busy = state.pending.work.is_some();
    match action {
        Action::Down => state.pending.row = (state.pending.row + 1).min(rows.saturating_sub(1)),
        Action::Up => state.pending.row = state.pending.row.saturating_sub(1),
        Action::Back => {
            state.hide(Screen::Pending);
            if state.pending.revert.is_some() && !busy {
                state.pending = PendingView::default();
            }
        }
        Action::Remove if !busy => {
            let at = state.pending.row;
            if state.pending.revert.is_some() {
                if let Some(plan) = state.pending.plan.as_mut()
                    && at < plan.len()
                {
                    plan.remove(at);
                }
            } else if let Some(id) = state.staged.records.keys().nth(at).cloned() {
                state.staged.remove(&id);
                state.staged_changed(fx);
            }
            state.pending.row = at.min(row_count(state).saturating_sub(1));
        }
        Action::Plan if !busy => {
            let request = if state.pending.revert.is_some() {
                ApiRequest::PlanRevert {
                    entries: state.pending.revert_entries.clone(),
                    concurrency: state.concurrency,
                }
            } else if state.staged.is_empty() {
                return state.set_status(StatusKind::Error, "Nothing is staged");
            } else {
                ApiRequest::Plan {
                    rows: state.staged.corrections(),
                    concurrency: state.concurrency,
                }
            };
            let req = state.requests.start(Purpose::Changes, request, fx);
            state.pending.work = Some(Work::Planning(req));
        }
        Action::Send if !busy => ask_send(state),
        // `y`: the id of the row (the rows name records by name and external reference).
        Action::CopyId => {
            let at = state.pending.row;
            let id = match (&state.pending.revert, &state.pending.plan) {
                (Some(_), Some(plan)) => plan.get(at).map(row_id),
                (Some(_), None) => None,
                (None, _) => state.staged.records.keys().nth(at).cloned(),
            };
            state.copy_id(id, fx);
        }
        Action::Help => {
            state.help.open = true;
            state.help.scroll = 0;
        }
        _ => {}
    }
}

/// What `Enter` would send: the rows, how many changes, and what a revert reverts.
fn to_send(state: &State) -> Option<(BatchRows, usize, Option<String>)> {
    match (&state.pending.revert, &state.pending.plan) {
        (Some(what), Some(plan)) => {
            let total = plan.iter().filter(|r| r.outcome == Outcome::Change).count();
            Some((BatchRows::Planned(plan.clone()), total, Some(what.clone())))
        }
        (Some(_), None) => None,
        (None, _) => Some((
            BatchRows::Corrections(state.staged.corrections()),
            state.staged.len(),
            None,
        )),
    }
}

/// `Enter`: asks "Send N changes to profile NAME?" before anything leaves (as `apply`).
fn ask_send(state: &mut State) {
    if state.refuse_read_only() {
        return;
    }
    match to_send(state) {
        Some((_, 0, _)) => state.set_status(StatusKind::Error, "Nothing to send"),
        Some((_, total, _)) => {
            state.send_question = Some(SendQuestion {
                total,
                reason: None,
            });
        }
        None => {}
    }
}

/// A key of the send question: `y` sends, `r` asks for a reason, `n`/`Esc` sends nothing.
pub(super) fn question_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) {
    match action {
        Action::Send => {
            let reason = state.send_question.take().and_then(|q| q.reason);
            send(state, reason, fx);
        }
        Action::Reason => {
            let text = state
                .send_question
                .as_ref()
                .and_then(|q| q.reason.clone())
                .unwrap_or_default();
            state.prompt = Some(Prompt {
                kind: PromptKind::Reason,
                input: LineInput::with_text(&text),
                previous_search: state.list.search.clone(),
                history_pos: None,
            });
        }
        Action::Cancel => state.send_question = None,
        _ => {}
    }
}

/// The reason was typed: the question shows it and waits for `y`.
pub(super) fn reason_typed(state: &mut State, text: &str) {
    if let Some(q) = state.send_question.as_mut() {
        q.reason = Some(text.trim().to_string()).filter(|t| !t.is_empty());
    }
}

fn send(state: &mut State, typed: Option<String>, fx: &mut Vec<Effect>) {
    if state.refuse_read_only() {
        return;
    }
    let Some((rows, total, reverts)) = to_send(state) else {
        return;
    };
    if total == 0 {
        return state.set_status(StatusKind::Error, "Nothing to send");
    }
    // A revert says what it reverts; the reason typed is added to it.
    let reason = match (reverts, typed) {
        (Some(what), Some(why)) => Some(format!("{what}: {why}")),
        (what, why) => why.or(what),
    };
    let request = ApiRequest::SendBatch {
        rows,
        profile: state.profile.clone(),
        reason,
        concurrency: state.concurrency,
    };
    let req = state.requests.start(Purpose::Changes, request, fx);
    state.pending.work = Some(Work::Sending {
        req,
        done: 0,
        total,
    });
}

/// An answer to the pending view's plan or batch.
pub(super) fn answered(state: &mut State, req: RequestId, reply: Reply, fx: &mut Vec<Effect>) {
    if state.pending.req() != Some(req) {
        return;
    }
    match reply {
        Reply::Planned(rows) => {
            state.pending.work = None;
            let changes = rows.iter().filter(|r| r.outcome == Outcome::Change).count();
            let text = format!(
                "Plan: {} — Enter sends {changes} change{}",
                counts(&rows),
                if changes == 1 { "" } else { "s" }
            );
            state.pending.plan = Some(rows);
            state.set_status(StatusKind::Info, text);
        }
        Reply::Sending { done, total } => {
            state.pending.work = Some(Work::Sending { req, done, total });
        }
        Reply::Sent { batch, rows, error } => {
            state.pending.work = None;
            let mut text = format!("Batch {batch}: {}", counts(&rows));
            if let Some(e) = &error {
                text = format!("{e} — {text}");
            }
            let all_done = error.is_none() && rows.iter().all(|r| r.outcome.is_done());
            // What landed is checked again in the problems view (a fixed finding goes) and
            // shown in the filter's rows, as after a save from the form.
            for r in rows.iter().filter(|r| r.outcome == Outcome::Applied) {
                let Some(after) = r
                    .before
                    .as_ref()
                    .and_then(|b| patch::apply(b, &r.body).ok())
                else {
                    continue;
                };
                if let Some(p) = state.problems.as_mut() {
                    p.record_saved(&after, state.region);
                }
                if let Some(f) = state.filter.as_mut() {
                    f.record_saved(&after);
                }
                if let (Some(f), Some(before)) = (state.facet.as_mut(), r.before.as_ref()) {
                    f.record_saved(before, &after);
                }
            }
            if state.pending.revert.is_none() {
                // What landed leaves the set; what did not stays staged with its reason.
                for r in &rows {
                    let id = row_id(r);
                    if r.outcome.is_done() {
                        state.staged.remove(&id);
                    } else if let Some(s) = state.staged.records.get_mut(&id) {
                        s.error = Some(if r.outcome == Outcome::Change {
                            "not sent".to_string()
                        } else {
                            format!("{}: {}", r.outcome.word(), r.message)
                        });
                    }
                }
                state.staged_changed(fx);
                state.pending.row = state.pending.row.min(state.staged.len().saturating_sub(1));
            } else {
                state.pending.plan = Some(rows);
            }
            let kind = if all_done {
                StatusKind::Info
            } else {
                StatusKind::Error
            };
            state.set_status(kind, text);
            // The records changed on the server: show them as they are now, and the journal
            // view (if open) with the new batch.
            browse::reload(state, fx);
            if state.journal.is_some() {
                fx.push(Local::LoadJournal.into());
            }
        }
        Reply::Page(Err(e)) | Reply::Prospect(Err(e)) => {
            state.pending.work = None;
            state.set_status(StatusKind::Error, e.to_string());
        }
        _ => {}
    }
}

/// `H`: the detail's prospect's changes, or (from the list) every batch.
pub(super) fn open_history(state: &mut State, fx: &mut Vec<Effect>) {
    let scope = match state.detail.as_ref() {
        Some(d) if changes_flow::detail_focused(state) => HistoryScope::Prospect {
            id: d.prospect.id.clone(),
            label: label_of(&d.prospect),
        },
        _ => HistoryScope::Batches,
    };
    state.journal = Some(HistoryView {
        scope,
        entries: None,
        row: 0,
    });
    state.show(Screen::Journal);
    fx.push(Local::LoadJournal.into());
}

/// The journal was read: this profile's entries of the view's scope, newest first.
pub(super) fn journal_loaded(state: &mut State, result: Result<Vec<JournalEntry>, String>) {
    let profile = state.profile.clone();
    let Some(view) = state.journal.as_mut() else {
        return;
    };
    view.entries = Some(result.map(|all| {
        let mut mine: Vec<JournalEntry> = all
            .into_iter()
            .filter(|e| e.profile == profile)
            .filter(|e| match &view.scope {
                HistoryScope::Prospect { id, .. } => e.prospect_id == *id,
                HistoryScope::Batches | HistoryScope::Batch { .. } => e.batch.is_some(),
            })
            .collect();
        mine.reverse();
        mine
    }));
    view.row = 0;
}

/// A key of the journal view.
pub(super) fn history_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) {
    let Some(view) = state.journal.as_mut() else {
        return;
    };
    let rows = view.len();
    if view.entries.is_none() && matches!(action, Action::Undo | Action::Revert) {
        return state.set_status(StatusKind::Error, "The journal is still being read");
    }
    match action {
        Action::Down => view.row = (view.row + 1).min(rows.saturating_sub(1)),
        Action::Up => view.row = view.row.saturating_sub(1),
        // On a batch: its changes.
        Action::Open => {
            if let (HistoryScope::Batches, Some(b)) = (&view.scope, view.batches().get(view.row)) {
                view.scope = HistoryScope::Batch {
                    batch: b.batch.clone(),
                    from_row: view.row,
                };
                view.row = 0;
            }
        }
        Action::CopyId => {
            let id = match &view.scope {
                HistoryScope::Prospect { id, .. } => Some(id.clone()),
                HistoryScope::Batch { batch, .. } => view
                    .of_batch(batch)
                    .get(view.row)
                    .map(|e| e.prospect_id.clone()),
                HistoryScope::Batches => None,
            };
            state.copy_id(id, fx);
        }
        Action::Back => match view.scope {
            HistoryScope::Batch { from_row, .. } => {
                view.scope = HistoryScope::Batches;
                view.row = from_row;
            }
            _ => {
                state.journal = None;
                state.hide(Screen::Journal);
            }
        },
        Action::Undo => {
            let entry = match &view.scope {
                HistoryScope::Prospect { .. } => view.loaded().get(view.row).cloned(),
                HistoryScope::Batch { batch, .. } => view.of_batch(batch).get(view.row).cloned(),
                HistoryScope::Batches => None,
            };
            let Some(entry) = entry else {
                return state.set_status(StatusKind::Error, "Select a change to undo");
            };
            let what = format!(
                "undo of the change of {}",
                crate::present::readable_time(&entry.time)
            );
            review_revert(state, vec![entry], what, fx);
        }
        Action::Revert => {
            let batch = match &view.scope {
                HistoryScope::Batches => view.batches().get(view.row).map(|b| b.batch.clone()),
                HistoryScope::Batch { batch, .. } => Some(batch.clone()),
                HistoryScope::Prospect { .. } => {
                    view.loaded().get(view.row).and_then(|e| e.batch.clone())
                }
            };
            let Some(batch) = batch else {
                return state.set_status(StatusKind::Error, "This change belongs to no batch");
            };
            let entries = view.of_batch(&batch);
            review_revert(state, entries, format!("revert of batch {batch}"), fx);
        }
        Action::Help => {
            state.help.open = true;
            state.help.scroll = 0;
        }
        _ => {}
    }
}

/// Plans the inverse of journaled changes and shows it for review (the pending view, in its
/// revert form): nothing is sent before `Enter` there.
fn review_revert(
    state: &mut State,
    entries: Vec<JournalEntry>,
    what: String,
    fx: &mut Vec<Effect>,
) {
    if state.refuse_read_only() {
        return;
    }
    if state.pending.work.is_some() {
        return state.set_status(StatusKind::Error, "A batch is still being sent");
    }
    let request = ApiRequest::PlanRevert {
        entries: entries.clone(),
        concurrency: state.concurrency,
    };
    let req = state.requests.start(Purpose::Changes, request, fx);
    state.show(Screen::Pending);
    state.pending = PendingView {
        row: 0,
        plan: None,
        revert: Some(what),
        revert_entries: entries,
        work: Some(Work::Planning(req)),
    };
}
