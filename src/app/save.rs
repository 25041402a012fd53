//! Saving the form: validate, review the minimal body, compare with the server's current
//! version (conflicts), send, and handle every answer, including a timeout after sending.
//! Also `u`, which undoes the last change saved in this session through the same review.

use super::effect::{ApiRequest, Effect, Local};
use super::form::{FORM_FIELDS, Form, FormField, SavedChange, Stage};
use super::keys::{Action, Context};
use super::requests::Purpose;
use super::state::{State, StatusKind};
use crate::api::{ApiError, Prospect};
use crate::edit::conflict;
use crate::edit::journal::{self, JournalEntry};
use crate::patch::{self, PatchBody};

/// ctrl-s: refuses an invalid form naming the field, says "No changes" when there are none,
/// else shows the body for review. Nothing is sent here.
pub(super) fn review(state: &mut State) {
    let Some(form) = state.form.as_mut() else {
        return;
    };
    if let Some((field, e)) = form.errors().into_iter().next() {
        if let Some(i) = FORM_FIELDS.iter().position(|f| *f == field) {
            form.focus = i;
        }
        let text = format!("Cannot save: {} is invalid: {}", field.label(), e.message);
        state.set_status(StatusKind::Error, text);
        return;
    }
    let body = form.body();
    if body.is_empty() {
        state.set_status(StatusKind::Info, "No changes");
        return;
    }
    form.stage = Stage::Review {
        body,
        base: form.original.clone(),
        checked: false,
    };
    // A complaint about an earlier attempt no longer applies to this body.
    if state
        .status
        .as_ref()
        .is_some_and(|s| s.kind == StatusKind::Error)
    {
        state.status = None;
    }
}

/// `Enter`/`y` in the review: fetch the server's version first (unless the body was already
/// computed against it), then send.
pub(super) fn confirm(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(form) = state.form.as_mut() else {
        return;
    };
    let Stage::Review {
        body,
        base,
        checked,
    } = std::mem::replace(&mut form.stage, Stage::Editing)
    else {
        return;
    };
    if checked {
        return send(state, body, base, fx);
    }
    let id = form.id().to_string();
    form.stage = Stage::Checking { body };
    state
        .requests
        .start(Purpose::SaveCheck, ApiRequest::ById { id }, fx);
}

fn send(state: &mut State, body: PatchBody, base: Prospect, fx: &mut Vec<Effect>) {
    let Some(form) = state.form.as_mut() else {
        return;
    };
    let request = ApiRequest::Patch {
        id: form.id().to_string(),
        body: body.clone(),
    };
    // A new attempt: the last one's general complaints no longer apply.
    form.server_messages.clear();
    form.stage = Stage::Sending { body, base };
    state.requests.start(Purpose::SaveSend, request, fx);
}

/// The record the form fetched arrived: before sending (`Purpose::SaveCheck`, the form is
/// `Checking`) or after a save's answer was lost (`Purpose::SaveVerify`, the form is `Verifying`).
pub(super) fn record_answered(
    state: &mut State,
    result: Result<Prospect, ApiError>,
    fx: &mut Vec<Effect>,
) {
    let Some(form) = state.form.as_mut() else {
        return;
    };
    match std::mem::replace(&mut form.stage, Stage::Editing) {
        Stage::Checking { body } => checked(state, body, result, fx),
        Stage::Verifying { body, base, lead } => verified(state, body, base, &lead, result, fx),
        other => form.stage = other,
    }
}

fn checked(
    state: &mut State,
    reviewed: PatchBody,
    result: Result<Prospect, ApiError>,
    fx: &mut Vec<Effect>,
) {
    let server = match result {
        Ok(p) => p,
        Err(e) => {
            let text = format!("Nothing was sent: the current version could not be fetched: {e}");
            return state.set_status(StatusKind::Error, text);
        }
    };
    let Some(form) = state.form.as_mut() else {
        return;
    };
    let edited = form.edited();
    let conflicts = conflict::conflicts(&form.original, &server, &form.body());
    // The user's keys against the fresh record: fields only the server changed stay out.
    let body = conflict::overwrite_body(&server, &form.original, &edited);
    if !conflicts.is_empty() {
        form.stage = Stage::Conflict {
            server,
            conflicts,
            body,
        };
        return;
    }
    if body.is_empty() {
        *form = rebased(form, server);
        return state.set_status(
            StatusKind::Info,
            "No changes: the server already has these values",
        );
    }
    if body == reviewed {
        return send(state, body, server, fx);
    }
    // The server changed something the edit merges with (an address part): the body differs
    // from the one reviewed, so it is shown again before anything is sent.
    form.stage = Stage::Review {
        body,
        base: server,
        checked: true,
    };
    state.set_status(
        StatusKind::Info,
        "The record changed on the server meanwhile: review the merged change",
    );
}

fn rebased(form: &Form, server: Prospect) -> Form {
    let edited = conflict::rebase(&server, &form.original, &form.edited());
    let mut next = Form::new(server, &edited).in_region(form.region);
    next.focus = form.focus;
    next
}

/// `o` in the conflict dialog: send the user's values for the keys the user changed.
pub(super) fn overwrite(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(form) = state.form.as_mut() else {
        return;
    };
    let Stage::Conflict { server, body, .. } = std::mem::replace(&mut form.stage, Stage::Editing)
    else {
        return;
    };
    if body.is_empty() {
        *form = rebased(form, server);
        return state.set_status(StatusKind::Info, "No changes");
    }
    send(state, body, server, fx);
}

/// `r` in the conflict dialog: the form's original becomes the server's version, with the
/// user's edits kept on top.
pub(super) fn rebase(state: &mut State) {
    let Some(form) = state.form.as_mut() else {
        return;
    };
    if let Stage::Conflict { server, .. } = std::mem::replace(&mut form.stage, Stage::Editing) {
        *form = rebased(form, server);
        let save = state.keys.first_key_label(Context::Form, Action::SaveForm);
        state.set_status(
            StatusKind::Info,
            format!("Rebased on the server's version with your edits kept: {save} to review again"),
        );
    }
}

/// The PATCH answered (`Purpose::SaveSend`).
pub(super) fn patch_sent(
    state: &mut State,
    result: Result<Prospect, ApiError>,
    fx: &mut Vec<Effect>,
) {
    let Some(form) = state.form.as_mut() else {
        return;
    };
    let (body, base) = match std::mem::replace(&mut form.stage, Stage::Editing) {
        Stage::Sending { body, base } => (body, base),
        other => {
            form.stage = other;
            return;
        }
    };
    match result {
        Ok(after) => saved(state, body, &base, after, None, fx),
        Err(e) if e.outcome_unknown() => {
            // It may have been applied: never resend blindly, ask the server.
            let id = form.id().to_string();
            let lead = lost_answer(&e);
            let text = format!("{lead}: checking whether the server has your change…");
            form.stage = Stage::Verifying { body, base, lead };
            state
                .requests
                .start(Purpose::SaveVerify, ApiRequest::ById { id }, fx);
            state.set_status(StatusKind::Info, text);
        }
        Err(e) => {
            if !e.messages().is_empty() {
                // This answer's complaints replace the previous attempt's.
                form.server_errors.clear();
                form.server_messages.clear();
            }
            for m in e.messages() {
                match FormField::for_message(m) {
                    Some(f) => form.server_errors.push((f, m.clone())),
                    // Shown in full on top of the form: the status line cuts and fades.
                    None => form.server_messages.push(m.clone()),
                }
            }
            if let Some(i) = form
                .server_errors
                .first()
                .and_then(|(f, _)| FORM_FIELDS.iter().position(|x| x == f))
            {
                form.focus = i;
            }
            state.set_status(StatusKind::Error, e.to_string());
        }
    }
}

/// How a save whose outcome is unknown begins its sentences.
fn lost_answer(e: &ApiError) -> String {
    match e {
        ApiError::Timeout { .. } => "The save timed out".into(),
        ApiError::Server { status, .. } => format!("The server failed the save ({status})"),
        ApiError::Interrupted { .. } => "The connection broke during the save".into(),
        _ => "The server's answer to the save was unreadable".into(),
    }
}

fn verified(
    state: &mut State,
    body: PatchBody,
    base: Prospect,
    lead: &str,
    result: Result<Prospect, ApiError>,
    fx: &mut Vec<Effect>,
) {
    match result {
        Ok(server) => {
            if patch::is_applied(&server, &body) {
                let text = format!(
                    "{lead}, but the server has your change: saved {}",
                    keys(&body)
                );
                saved(state, body, &base, server, Some(text), fx);
            } else {
                state.set_status(
                    StatusKind::Error,
                    format!(
                        "{lead} and the change was not applied; your edits are still in the form"
                    ),
                );
            }
        }
        Err(e) => state.set_status(
            StatusKind::Error,
            format!(
                "{lead} and the record could not be checked ({e}); your edits are still in the \
                 form: reload before saving again"
            ),
        ),
    }
}

fn keys(body: &PatchBody) -> String {
    body.keys().cloned().collect::<Vec<_>>().join(", ")
}

/// A save went through: the record is updated everywhere it is shown, the change journaled,
/// the form closed.
fn saved(
    state: &mut State,
    body: PatchBody,
    base: &Prospect,
    after: Prospect,
    text: Option<String>,
    fx: &mut Vec<Effect>,
) {
    let entry = JournalEntry {
        time: String::new(),
        profile: state.profile.clone(),
        prospect_id: after.id.clone(),
        previous: journal::previous_values(base, &body),
        body,
        status: 200,
        batch: None,
        reason: None,
    };
    let text = text.unwrap_or_else(|| format!("Saved {}", keys(&entry.body)));
    fx.push(Local::AppendJournal(entry.clone()).into());
    fx.push(
        Local::DiscardDraft {
            id: after.id.clone(),
        }
        .into(),
    );
    replace_record(state, &after);
    if let Some(p) = state.problems.as_mut() {
        p.record_saved(&after, state.region);
    }
    if let Some(f) = state.filter.as_mut() {
        f.record_saved(&after);
    }
    if let Some(f) = state.facet.as_mut() {
        f.record_saved(base, &after);
    }
    state.last_save = Some(SavedChange { entry, after });
    state.form = None;
    state.set_status(StatusKind::Info, text);
}

/// Shows a changed record wherever the old version is: detail, list rows, cached pages.
fn replace_record(state: &mut State, p: &Prospect) {
    if let Some(d) = state.detail.as_mut().filter(|d| d.prospect.id == p.id) {
        d.prospect = p.clone();
    }
    for row in state.list.rows.iter_mut().filter(|r| r.id == p.id) {
        *row = p.clone();
    }
    state.list.cache.replace_record(p);
}

/// `u`: the inverse of the last change saved in this session, through the usual review.
pub(super) fn undo(state: &mut State) {
    if state.refuse_read_only() {
        return;
    }
    let Some(last) = state.last_save.clone() else {
        return state.set_status(
            StatusKind::Info,
            "Nothing to undo: no change was saved in this session",
        );
    };
    let inverse = journal::inverse_body(&last.entry);
    let edited = match patch::apply(&last.after, &inverse) {
        Ok(p) => p,
        Err(e) => {
            return state.set_status(StatusKind::Error, format!("Cannot undo: {e}"));
        }
    };
    state.form = Some(Form::new(last.after, &edited).in_region(state.region));
    review(state);
}
