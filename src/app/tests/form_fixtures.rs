//! Helpers shared by the form's `update` tests (`form`, `form_outcomes`).

pub use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
pub use serde_json::{Value, json};

pub use super::fixtures::*;
pub use crate::api::{ApiError, Prospect};
pub use crate::app::form::{FORM_FIELDS, FormField, Stage};
pub use crate::app::state::StatusKind;
pub use crate::app::{Effect, Msg, RequestId, State, update};
pub use crate::edit::draft::Draft;
pub use crate::patch::{Field, PatchBody};

pub const EMAIL: usize = 3;
pub const PHONE: usize = 4;
pub const COUNTRY: usize = 12;

pub fn body(v: Value) -> PatchBody {
    v.as_object().cloned().expect("an object")
}

pub fn list() -> State {
    loaded(20, 45, (80, 24))
}

/// The list with the form open on John James Doe (row 0).
pub fn form() -> State {
    let mut s = list();
    let fx = update(&mut s, ch('e'));
    assert_eq!(fx, [Effect::Local(Local::LoadDraft { id: prospect(0).id })]);
    s
}

pub fn focus(s: &mut State, field: usize) {
    while s.form.as_ref().map(|f| f.focus) != Some(field) {
        update(s, key(KeyCode::Tab));
    }
}

/// Replaces the focused field's text using the textarea's own keys.
pub fn retype(s: &mut State, text: &str) {
    update(s, ctrl('a'));
    update(s, ctrl('k'));
    type_text(s, text);
}

pub fn text(s: &State, field: usize) -> String {
    s.form.as_ref().expect("a form").inputs[field].text()
}

pub fn stage(s: &State) -> &Stage {
    &s.form.as_ref().expect("a form").stage
}

pub fn status(s: &State) -> String {
    s.status
        .as_ref()
        .map(|x| x.text.clone())
        .unwrap_or_default()
}

pub fn patches(fx: &[Effect]) -> Vec<(RequestId, PatchBody)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Api(ApiCall {
                req,
                request: ApiRequest::Patch { body, .. },
            }) => Some((*req, body.clone())),
            _ => None,
        })
        .collect()
}

/// Email changed, ctrl-s, Enter: returns the request for the server's current version.
pub fn email_changed_and_confirmed(s: &mut State) -> RequestId {
    focus(s, EMAIL);
    retype(s, "new@example.com");
    assert!(update(s, ctrl('s')).is_empty(), "the review sends nothing");
    let fx = update(s, key(KeyCode::Enter));
    let f = fetches(&fx);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].1, prospect(0).id);
    f[0].0
}

pub fn loaded_msg(req: RequestId, p: Prospect) -> Msg {
    Msg::Api {
        req,
        reply: Reply::Prospect(Ok(p)),
    }
}

pub fn saved_email() -> Prospect {
    let mut p = prospect(0);
    p.email = "new@example.com".into();
    p
}
