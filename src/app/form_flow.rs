//! The edit form's keys: opening it (`e`, `E`), typing, moving between fields, leaving it,
//! and the crash draft offered back. The save itself is in `app::save`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::effect::{Effect, Local};
use super::form::{FORM_FIELDS, Form, Stage};
use super::keys::{Action, Context};
use super::save;
use super::state::{State, StatusKind};
use crate::api::Prospect;
use crate::edit::draft::Draft;
use crate::edit::toml_doc;

/// The prospect `e`/`E` act on, or `None` after saying why not (read-only, nothing selected).
fn editable(state: &mut State) -> Option<Prospect> {
    if state.refuse_read_only() {
        return None;
    }
    let p = state.current_prospect().cloned();
    match &p {
        None => state.set_status(StatusKind::Info, "Nothing to edit: no prospect is selected"),
        // The form would have to invent values (an empty email) for a record off the contract.
        Some(p) => {
            if let Some(why) = p.irregularity() {
                state.set_status(StatusKind::Error, format!("Cannot edit: {why}"));
                return None;
            }
        }
    }
    p
}

/// `e`: the form for the selected prospect (and a look for a crash draft of it).
pub(super) fn start(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(p) = editable(state) else {
        return;
    };
    fx.push(Local::LoadDraft { id: p.id.clone() }.into());
    state.form = Some(Form::new(p.clone(), &p).in_region(state.region));
}

/// The form for `p` with the field named `field_key` (`phoneNumber`, `address.country`)
/// focused: `e` on a finding of the problems view.
pub(super) fn start_on_field(
    state: &mut State,
    p: Prospect,
    field_key: &str,
    fx: &mut Vec<Effect>,
) {
    if state.refuse_read_only() {
        return;
    }
    fx.push(Local::LoadDraft { id: p.id.clone() }.into());
    let mut form = Form::new(p.clone(), &p).in_region(state.region);
    if let Some(i) = FORM_FIELDS.iter().position(|f| f.key() == field_key) {
        form.focus = i;
    }
    state.form = Some(form);
}

/// `E`: the selected prospect as a TOML document in `$VISUAL`/`$EDITOR`.
pub(super) fn start_external(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(p) = editable(state) else {
        return;
    };
    // A crash draft of this prospect is offered before anything else, as with `e`.
    fx.push(Local::LoadDraft { id: p.id.clone() }.into());
    state.editor_pending = Some(p);
}

fn open_editor(state: &mut State, p: Prospect, fx: &mut Vec<Effect>) {
    fx.push(
        Local::OpenEditor {
            id: p.id.clone(),
            text: toml_doc::to_toml(&p),
        }
        .into(),
    );
    state.external_edit = Some(p);
}

/// `$EDITOR` closed: its document goes through the form's validation, diff and review.
pub(super) fn editor_closed(state: &mut State, id: &str, result: Result<String, String>) {
    let Some(original) = state.external_edit.take().filter(|p| p.id == id) else {
        return;
    };
    match result {
        Err(e) => state.set_status(StatusKind::Error, format!("The editor failed: {e}")),
        Ok(text) => match toml_doc::from_toml(&original, &text) {
            Ok(edited) => {
                let form = Form::new(original, &edited).in_region(state.region);
                if form.changed() {
                    state.form = Some(form);
                    save::review(state);
                } else {
                    // Nothing to review: back where the user was.
                    state.set_status(StatusKind::Info, "No changes");
                }
            }
            Err(e) => {
                state.form = Some(Form::new(original.clone(), &original).in_region(state.region));
                state.set_status(
                    StatusKind::Error,
                    format!("The edited document was not used: {e}"),
                );
            }
        },
    }
}

/// ctrl-c with the form open: asks first when anything changed.
pub(super) fn on_quit(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(form) = state.form.as_mut() else {
        return;
    };
    match form.stage {
        Stage::Checking { .. } | Stage::Sending { .. } | Stage::Verifying { .. } => {
            if form.quit_armed {
                fx.push(Local::Quit.into());
            } else {
                form.quit_armed = true;
                let quit = state.keys.first_key_label(Context::Global, Action::Quit);
                state.set_status(
                    StatusKind::Error,
                    format!(
                        "A save is in flight: wait for its answer, or press {quit} again to quit anyway"
                    ),
                );
            }
        }
        Stage::Discard { .. } => {}
        Stage::Editing | Stage::Review { .. } | Stage::Conflict { .. } | Stage::DraftOffer(_)
            if form.changed() =>
        {
            form.stage = Stage::Discard { quit: true }
        }
        Stage::Editing | Stage::Review { .. } | Stage::Conflict { .. } | Stage::DraftOffer(_) => {
            fx.push(Local::Quit.into());
        }
    }
}

/// A key while the form is open (the form, or one of its dialogs, has the keyboard).
pub(super) fn on_key(state: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    let Some(form) = state.form.as_mut() else {
        return;
    };
    let context = match form.stage {
        Stage::Editing => Context::Form,
        Stage::Review { .. } => Context::Review,
        Stage::Conflict { .. } => Context::Conflict,
        Stage::Discard { .. } => Context::Discard,
        Stage::DraftOffer(_) => Context::Draft,
        // Waiting for the server: keys wait too (ctrl-c is handled before).
        Stage::Checking { .. } | Stage::Sending { .. } | Stage::Verifying { .. } => return,
    };
    let action = state.keys.action_for(&[context], &key);
    match (context, action) {
        (Context::Form, None) => type_key(state, key),
        (_, None) => {}
        (_, Some(action)) => on_action(state, action, fx),
    }
}

pub(super) fn on_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) {
    let Some(form) = state.form.as_mut() else {
        return;
    };
    let n = FORM_FIELDS.len();
    match action {
        Action::NextField => form.focus = (form.focus + 1) % n,
        Action::PrevField => form.focus = (form.focus + n - 1) % n,
        Action::SaveForm => save::review(state),
        Action::LeaveForm if form.changed() => form.stage = Stage::Discard { quit: false },
        Action::LeaveForm => state.form = None,
        Action::BackToForm => form.stage = Stage::Editing,
        Action::ConfirmDiscard => {
            let quit = matches!(form.stage, Stage::Discard { quit: true });
            state.form = None;
            state.set_status(StatusKind::Info, "Changes discarded");
            if quit {
                fx.push(Local::Quit.into());
            }
        }
        Action::Send => save::confirm(state, fx),
        Action::Overwrite => save::overwrite(state, fx),
        Action::Rebase => save::rebase(state),
        Action::RestoreDraft => {
            if let Stage::DraftOffer(draft) = std::mem::replace(&mut form.stage, Stage::Editing) {
                fx.push(
                    Local::DiscardDraft {
                        id: draft.prospect_id.clone(),
                    }
                    .into(),
                );
                *form = Form::new(draft.original, &draft.edited).in_region(form.region);
                let save = state.keys.first_key_label(Context::Form, Action::SaveForm);
                state.set_status(
                    StatusKind::Info,
                    format!("Draft restored: {save} to review and save"),
                );
            }
        }
        Action::DropDraft => {
            form.stage = Stage::Editing;
            fx.push(
                Local::DiscardDraft {
                    id: form.id().to_string(),
                }
                .into(),
            );
            state.set_status(StatusKind::Info, "Draft discarded");
        }
        _ => {}
    }
}

/// A key the form does not bind goes to the focused field's textarea (its own keys:
/// ctrl-a/ctrl-e, ctrl-w, ctrl-k, ctrl-u undo…); line breaks are kept out of a one-line field.
fn type_key(state: &mut State, key: KeyEvent) {
    let Some(form) = state.form.as_mut() else {
        return;
    };
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let breaks_line = matches!(key.code, KeyCode::Enter | KeyCode::Char('\n' | '\r'))
        || (ctrl && key.code == KeyCode::Char('m'));
    if breaks_line || key.code == KeyCode::Tab {
        return;
    }
    let field = form.focused();
    if let Some(input) = form.inputs.get_mut(form.focus)
        && input.0.input(key)
    {
        form.server_errors.retain(|(f, _)| *f != field);
    }
}

/// A crash draft of the prospect in the form, offered back while nothing has been typed yet.
pub(super) fn draft_loaded(
    state: &mut State,
    id: &str,
    result: Result<Option<Draft>, String>,
    fx: &mut Vec<Effect>,
) {
    if let Some(p) = state.editor_pending.take_if(|p| p.id == id) {
        match result {
            Ok(Some(draft)) => {
                let mut form = Form::new(p.clone(), &p).in_region(state.region);
                form.stage = Stage::DraftOffer(Box::new(draft));
                state.form = Some(form);
            }
            Ok(None) => open_editor(state, p, fx),
            Err(e) => {
                state.set_status(
                    StatusKind::Error,
                    format!("A saved draft of this prospect could not be read: {e}"),
                );
                open_editor(state, p, fx);
            }
        }
        return;
    }
    let Some(form) = state.form.as_mut().filter(|f| f.id() == id) else {
        return;
    };
    match result {
        Ok(Some(draft)) if form.stage == Stage::Editing && !form.changed() => {
            form.stage = Stage::DraftOffer(Box::new(draft));
        }
        Ok(_) => {}
        Err(e) => state.set_status(
            StatusKind::Error,
            format!("A saved draft of this prospect could not be read: {e}"),
        ),
    }
}

/// The form's unsaved content as a draft (without a time: the runtime stamps it), when
/// there is anything to lose.
pub fn current_draft(state: &State) -> Option<Draft> {
    let form = state.form.as_ref()?;
    if !form.changed() {
        return None;
    }
    Some(Draft {
        prospect_id: form.id().to_string(),
        profile: state.profile.clone(),
        saved_at: String::new(),
        original: form.original.clone(),
        edited: form.edited(),
    })
}
