//! The edit form through `update`: typing with real key events, validation, review,
//! conflicts, the answers to a save, discarding, drafts, undo and `$EDITOR`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::{Value, json};

use super::fixtures::*;
use crate::api::{ApiError, Prospect};
use crate::app::form::{FORM_FIELDS, FormField, Stage};
use crate::app::state::StatusKind;
use crate::app::{Effect, Msg, RequestId, State, update};
use crate::edit::draft::Draft;
use crate::patch::{Field, PatchBody};

const EMAIL: usize = 3;
const PHONE: usize = 4;
const COUNTRY: usize = 12;

fn body(v: Value) -> PatchBody {
    v.as_object().cloned().expect("an object")
}

fn list() -> State {
    loaded(20, 45, (80, 24))
}

/// The list with the form open on John James Doe (row 0).
fn form() -> State {
    let mut s = list();
    let fx = update(&mut s, ch('e'));
    assert_eq!(fx, [Effect::LoadDraft { id: prospect(0).id }]);
    s
}

fn focus(s: &mut State, field: usize) {
    while s.form.as_ref().map(|f| f.focus) != Some(field) {
        update(s, key(KeyCode::Tab));
    }
}

/// Replaces the focused field's text using the textarea's own keys.
fn retype(s: &mut State, text: &str) {
    update(s, ctrl('a'));
    update(s, ctrl('k'));
    type_text(s, text);
}

fn text(s: &State, field: usize) -> String {
    s.form.as_ref().expect("a form").inputs[field].text()
}

fn stage(s: &State) -> &Stage {
    &s.form.as_ref().expect("a form").stage
}

fn status(s: &State) -> String {
    s.status
        .as_ref()
        .map(|x| x.text.clone())
        .unwrap_or_default()
}

fn fetches(fx: &[Effect]) -> Vec<(RequestId, String)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::FetchById { req, id } => Some((*req, id.clone())),
            _ => None,
        })
        .collect()
}

fn patches(fx: &[Effect]) -> Vec<(RequestId, PatchBody)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::SendPatch { req, body, .. } => Some((*req, body.clone())),
            _ => None,
        })
        .collect()
}

/// Email changed, ctrl-s, Enter: returns the request for the server's current version.
fn email_changed_and_confirmed(s: &mut State) -> RequestId {
    focus(s, EMAIL);
    retype(s, "new@example.com");
    assert!(update(s, ctrl('s')).is_empty(), "the review sends nothing");
    let fx = update(s, key(KeyCode::Enter));
    let f = fetches(&fx);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].1, prospect(0).id);
    f[0].0
}

fn loaded_msg(req: RequestId, p: Prospect) -> Msg {
    Msg::ProspectLoaded { req, result: Ok(p) }
}

fn saved_email() -> Prospect {
    let mut p = prospect(0);
    p.email = "new@example.com".into();
    p
}

#[test]
fn e_opens_the_form_on_the_selected_prospect_with_first_name_focused() {
    let s = form();
    let f = s.form.as_ref().expect("a form");
    assert_eq!(f.original, prospect(0));
    assert_eq!(f.focus, 0);
    assert_eq!(f.focused(), FormField::Scalar(Field::FirstName));
    assert_eq!(text(&s, 0), "John");
    assert_eq!(text(&s, EMAIL), "john.doe@example.com");
    assert_eq!(text(&s, COUNTRY), "GBR");
    assert!(!f.changed());
}

#[test]
fn tab_shift_tab_and_arrows_move_between_fields() {
    let mut s = form();
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(KeyCode::Down));
    assert_eq!(s.form.as_ref().map(|f| f.focus), Some(2));
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)),
    );
    assert_eq!(s.form.as_ref().map(|f| f.focus), Some(1));
    update(&mut s, key(KeyCode::Up));
    update(&mut s, key(KeyCode::Up));
    assert_eq!(
        s.form.as_ref().map(|f| f.focus),
        Some(FORM_FIELDS.len() - 1),
        "wraps around"
    );
}

#[test]
fn typing_uses_the_textarea_keys_and_marks_changed_fields() {
    let mut s = form();
    // `q`, `j`, `e` type letters here: the form is a text field.
    type_text(&mut s, "qje");
    assert_eq!(text(&s, 0), "Johnqje");
    update(&mut s, ctrl('a'));
    type_text(&mut s, "X");
    assert_eq!(text(&s, 0), "XJohnqje");
    update(&mut s, ctrl('e'));
    update(&mut s, ctrl('w'));
    assert_eq!(text(&s, 0), "");
    update(&mut s, ctrl('u'));
    assert_eq!(text(&s, 0), "XJohnqje", "ctrl-u undoes");
    // Enter does not break the line.
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(
        s.form.as_ref().map(|f| f.inputs[0].0.lines().len()),
        Some(1)
    );
    let f = s.form.as_ref().expect("a form");
    assert!(f.field_changed(0));
    assert!(!f.field_changed(1));
    assert!(f.changed());
    assert_eq!(f.body(), body(json!({"firstName": "XJohnqje"})));
}

#[test]
fn an_invalid_field_refuses_ctrl_s_names_it_and_sends_nothing() {
    let mut s = form();
    focus(&mut s, PHONE);
    retype(&mut s, "+44 7101");
    focus(&mut s, 0);
    let f = s.form.as_ref().expect("a form");
    assert_eq!(f.messages_for(PHONE).len(), 1, "a message under the field");
    let fx = update(&mut s, ctrl('s'));
    assert!(fx.is_empty());
    assert_eq!(stage(&s), &Stage::Editing);
    assert_eq!(s.form.as_ref().map(|f| f.focus), Some(PHONE));
    let st = status(&s);
    assert!(st.starts_with("Cannot save: Phone is invalid"), "{st}");
    assert!(st.contains("phoneNumber must be digits"), "{st}");

    // Once fixed, the review opens and the old complaint is gone.
    retype(&mut s, "+447101");
    update(&mut s, ctrl('s'));
    assert!(matches!(stage(&s), Stage::Review { .. }));
    assert!(s.status.is_none(), "{:?}", s.status);
}

#[test]
fn no_changes_says_so_and_sends_nothing() {
    let mut s = form();
    type_text(&mut s, "x");
    update(&mut s, key(KeyCode::Backspace));
    let fx = update(&mut s, ctrl('s'));
    assert!(fx.is_empty());
    assert_eq!(status(&s), "No changes");
    assert_eq!(stage(&s), &Stage::Editing);
}

#[test]
fn the_review_shows_the_minimal_body_and_esc_returns_with_everything_intact() {
    let mut s = form();
    focus(&mut s, EMAIL);
    retype(&mut s, "new@example.com");
    update(&mut s, key(KeyCode::Tab));
    retype(&mut s, ""); // phone
    let before = s.form.clone();
    update(&mut s, ctrl('s'));
    let Stage::Review { body: b, base, .. } = stage(&s) else {
        panic!("no review: {:?}", stage(&s));
    };
    assert_eq!(
        b,
        &body(json!({"email": "new@example.com", "phoneNumber": null}))
    );
    assert_eq!(base, &prospect(0));
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.form, before, "back in the form, nothing lost");
    update(&mut s, ctrl('s'));
    update(&mut s, ch('n'));
    assert_eq!(s.form, before);
}

#[test]
fn enter_fetches_the_current_version_then_sends_the_reviewed_body() {
    let mut s = form();
    let req = email_changed_and_confirmed(&mut s);
    assert!(matches!(stage(&s), Stage::Checking { .. }));
    assert!(s.busy());
    let fx = update(&mut s, loaded_msg(req, prospect(0)));
    let sent = patches(&fx);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].1, body(json!({"email": "new@example.com"})));
    assert!(matches!(stage(&s), Stage::Sending { .. }));
}

#[test]
fn a_server_change_to_a_field_the_user_changed_is_a_conflict() {
    let mut s = form();
    let req = email_changed_and_confirmed(&mut s);
    let mut server = prospect(0);
    server.email = "someone.else@example.com".into();
    server.last_name = Some("Doe-Smith".into());
    let fx = update(&mut s, loaded_msg(req, server.clone()));
    assert!(patches(&fx).is_empty(), "nothing is sent");
    let Stage::Conflict {
        conflicts, body: b, ..
    } = stage(&s)
    else {
        panic!("no conflict: {:?}", stage(&s));
    };
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].key, "email");
    assert_eq!(conflicts[0].original, json!("john.doe@example.com"));
    assert_eq!(conflicts[0].server, json!("someone.else@example.com"));
    assert_eq!(conflicts[0].mine, json!("new@example.com"));
    assert_eq!(b, &body(json!({"email": "new@example.com"})));

    // Esc: back to the form, nothing lost.
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(stage(&s), &Stage::Editing);
    assert_eq!(text(&s, EMAIL), "new@example.com");

    // o: only the user's key goes out, never the server's lastName.
    update(&mut s, ctrl('s'));
    let fx = update(&mut s, key(KeyCode::Enter));
    let req = fetches(&fx)[0].0;
    update(&mut s, loaded_msg(req, server));
    let fx = update(&mut s, ch('o'));
    assert_eq!(
        patches(&fx),
        [(patches(&fx)[0].0, body(json!({"email": "new@example.com"})))]
    );
}

#[test]
fn rebase_keeps_my_edits_on_the_server_version() {
    let mut s = form();
    focus(&mut s, 0);
    retype(&mut s, "Jon");
    let req = email_changed_and_confirmed(&mut s);
    let mut server = prospect(0);
    server.email = "someone.else@example.com".into();
    server.last_name = Some("Doe-Smith".into());
    update(&mut s, loaded_msg(req, server.clone()));
    update(&mut s, ch('r'));
    let f = s.form.as_ref().expect("a form");
    assert_eq!(f.stage, Stage::Editing);
    assert_eq!(
        f.original, server,
        "the form's original is the server's version"
    );
    assert_eq!(text(&s, 0), "Jon");
    assert_eq!(text(&s, 2), "Doe-Smith");
    assert_eq!(text(&s, EMAIL), "new@example.com");
    assert_eq!(
        s.form.as_ref().map(|f| f.body()),
        Some(body(
            json!({"email": "new@example.com", "firstName": "Jon"})
        ))
    );
}

#[test]
fn a_merged_address_is_reviewed_again_before_it_is_sent() {
    let mut s = form();
    focus(&mut s, 8); // line 1
    retype(&mut s, "2 Low Road");
    update(&mut s, ctrl('s'));
    let fx = update(&mut s, key(KeyCode::Enter));
    let req = fetches(&fx)[0].0;
    let mut server = prospect(0);
    if let Some(a) = server.address.as_mut() {
        a.postcode = Some("ZZ9 9ZZ".into());
    }
    let fx = update(&mut s, loaded_msg(req, server));
    assert!(patches(&fx).is_empty());
    let Stage::Review {
        body: b, checked, ..
    } = stage(&s)
    else {
        panic!("no review: {:?}", stage(&s));
    };
    assert!(checked);
    assert_eq!(b["address"]["postcode"], "ZZ9 9ZZ");
    assert_eq!(b["address"]["line1"], "2 Low Road");
    let fx = update(&mut s, ch('y'));
    assert_eq!(patches(&fx).len(), 1, "sent without another fetch");
    assert!(fetches(&fx).is_empty());
}

/// Form with the email changed, confirmed, checked: the PATCH is in flight.
fn sending() -> (State, RequestId) {
    let mut s = list();
    update(&mut s, key(KeyCode::Enter)); // the detail
    update(&mut s, ch('e'));
    let req = email_changed_and_confirmed(&mut s);
    let fx = update(&mut s, loaded_msg(req, prospect(0)));
    (s, patches(&fx)[0].0)
}

#[test]
fn a_successful_save_updates_detail_row_and_cache_and_is_journaled() {
    let (mut s, req) = sending();
    let fx = update(
        &mut s,
        Msg::PatchSent {
            req,
            result: Ok(saved_email()),
        },
    );
    assert!(s.form.is_none());
    assert_eq!(status(&s), "Saved email");
    assert_eq!(
        s.detail.as_ref().map(|d| d.prospect.email.as_str()),
        Some("new@example.com")
    );
    assert_eq!(s.list.rows[0].email, "new@example.com");
    let key = s.list.shown.clone().expect("shown");
    let cached = s.list.cache.get(&key).map(|p| p.items[0].email.clone());
    assert_eq!(cached.as_deref(), Some("new@example.com"));
    let entry = fx
        .iter()
        .find_map(|e| match e {
            Effect::AppendJournal(entry) => Some(entry.clone()),
            _ => None,
        })
        .expect("journaled");
    assert_eq!(entry.body, body(json!({"email": "new@example.com"})));
    assert_eq!(
        Value::Object(entry.previous),
        json!({"email": "john.doe@example.com"})
    );
    assert_eq!(entry.prospect_id, prospect(0).id);
    assert_eq!(entry.time, "", "the runtime stamps the time");
    assert!(fx.contains(&Effect::DiscardDraft { id: prospect(0).id }));
}

#[test]
fn a_rejected_save_keeps_every_value_and_marks_the_fields_named() {
    let (mut s, req) = sending();
    let messages = vec![
        "email must be an email".to_string(),
        "phoneNumber must be a valid phone number".to_string(),
        "address.country must be a valid ISO 3166-1 alpha-3 code".to_string(),
        "something else entirely".to_string(),
    ];
    update(
        &mut s,
        Msg::PatchSent {
            req,
            result: Err(ApiError::Validation {
                messages: messages.clone(),
            }),
        },
    );
    let f = s.form.as_ref().expect("the form stays");
    assert_eq!(f.stage, Stage::Editing);
    assert_eq!(text(&s, EMAIL), "new@example.com");
    assert_eq!(
        f.server_errors
            .iter()
            .map(|(f, _)| f.key())
            .collect::<Vec<_>>(),
        ["email", "phoneNumber", "address.country"]
    );
    assert_eq!(f.messages_for(COUNTRY), [messages[2].clone()]);
    assert_eq!(
        f.server_messages,
        ["something else entirely"],
        "kept in full on the form"
    );
    assert_eq!(f.focus, EMAIL);
    assert!(status(&s).contains("something else entirely"));
    // Editing a field clears the server's complaint about it.
    focus(&mut s, PHONE);
    type_text(&mut s, "1");
    assert!(
        s.form
            .as_ref()
            .expect("form")
            .messages_for(PHONE)
            .is_empty()
    );
}

/// Ctrl-s, Enter, the check answered with the unchanged record: the PATCH in flight.
fn send_again(s: &mut State) -> RequestId {
    update(s, ctrl('s'));
    let fx = update(s, key(KeyCode::Enter));
    let req = fetches(&fx)[0].0;
    let fx = update(s, loaded_msg(req, prospect(0)));
    patches(&fx)[0].0
}

#[test]
fn a_second_rejection_replaces_the_first_ones_messages() {
    let (mut s, req) = sending();
    let rejected = |req| Msg::PatchSent {
        req,
        result: Err(ApiError::Validation {
            messages: vec![
                "email must be an email".to_string(),
                "the partner is suspended".to_string(),
            ],
        }),
    };
    update(&mut s, rejected(req));
    let req = send_again(&mut s);
    let f = s.form.as_ref().expect("the form");
    assert!(f.server_messages.is_empty(), "gone with the next attempt");
    assert_eq!(f.server_errors.len(), 1);
    update(&mut s, rejected(req));
    let f = s.form.as_ref().expect("the form");
    assert_eq!(
        f.server_errors.len(),
        1,
        "no duplicates: {:?}",
        f.server_errors
    );
    assert_eq!(f.messages_for(EMAIL), ["email must be an email"]);
    assert_eq!(f.server_messages, ["the partner is suspended"]);
}

/// A record whose first name and address line 1 hold line breaks and control characters
/// (the one-line inputs show the breaks as spaces).
fn with_line_breaks() -> Prospect {
    let mut p = hostile();
    p.first_name = Some("Ann\r\nMarie\u{7}".into());
    if let Some(a) = p.address.as_mut() {
        a.line1 = Some("1 High\r\nStreet\u{1b}[2J".into());
    }
    p
}

fn form_on(p: Prospect) -> State {
    let mut s = list();
    s.list.rows[0] = p;
    update(&mut s, ch('e'));
    s
}

#[test]
fn untouched_fields_holding_line_breaks_are_never_sent() {
    let p = with_line_breaks();
    let mut s = form_on(p.clone());
    assert_eq!(text(&s, 0), "Ann  Marie\u{7}", "shown on one line");
    let f = s.form.as_ref().expect("a form");
    assert!(!f.changed());
    assert!((0..FORM_FIELDS.len()).all(|i| !f.field_changed(i)));
    assert_eq!(f.edited(), p, "untouched: the original's exact values");

    focus(&mut s, EMAIL);
    retype(&mut s, "ann@example.com");
    let f = s.form.as_ref().expect("a form");
    assert_eq!(f.body(), body(json!({"email": "ann@example.com"})));
    assert_eq!(f.edited().first_name, p.first_name);
    assert_eq!(f.edited().address, p.address);
    update(&mut s, ctrl('s'));
    let Stage::Review { body: b, .. } = stage(&s) else {
        panic!("no review: {:?}", stage(&s));
    };
    assert_eq!(b, &body(json!({"email": "ann@example.com"})));

    // A field the user does edit is sent as the form shows it.
    update(&mut s, key(KeyCode::Esc));
    focus(&mut s, 0);
    type_text(&mut s, "e");
    let f = s.form.as_ref().expect("a form");
    assert_eq!(
        f.body(),
        body(json!({"email": "ann@example.com", "firstName": "Ann  Marie\u{7}e"}))
    );
}

#[test]
fn leaving_an_untouched_form_on_line_breaks_asks_nothing() {
    let mut s = form_on(with_line_breaks());
    assert_eq!(crate::app::edit::current_draft(&s), None, "nothing to keep");
    update(&mut s, key(KeyCode::Esc));
    assert!(s.form.is_none(), "Esc just leaves");

    let mut s = form_on(with_line_breaks());
    assert_eq!(
        update(&mut s, ctrl('c')),
        [Effect::Quit],
        "ctrl-c just quits"
    );

    let mut s = form_on(with_line_breaks());
    update(&mut s, ctrl('s'));
    assert_eq!(status(&s), "No changes");
    assert_eq!(stage(&s), &Stage::Editing);
}

#[test]
fn other_failures_keep_the_form_and_say_why_in_one_sentence() {
    let (mut s, req) = sending();
    update(
        &mut s,
        Msg::PatchSent {
            req,
            result: Err(ApiError::Server {
                status: 503,
                detail: String::new(),
            }),
        },
    );
    assert_eq!(stage(&s), &Stage::Editing);
    assert_eq!(text(&s, EMAIL), "new@example.com");
    assert_eq!(
        status(&s),
        "Server error (503): the API failed; try again later"
    );
    assert_eq!(s.status.as_ref().map(|x| x.kind), Some(StatusKind::Error));
}

fn timed_out() -> (State, RequestId) {
    let (mut s, req) = sending();
    let fx = update(
        &mut s,
        Msg::PatchSent {
            req,
            result: Err(ApiError::Timeout {
                host: "127.0.0.1".into(),
                secs: 30,
            }),
        },
    );
    assert!(patches(&fx).is_empty(), "never resent blindly");
    let f = fetches(&fx);
    assert_eq!(f.len(), 1);
    assert!(matches!(stage(&s), Stage::Verifying { .. }));
    (s, f[0].0)
}

#[test]
fn a_timeout_then_the_record_shows_the_change_was_applied() {
    let (mut s, req) = timed_out();
    let fx = update(&mut s, loaded_msg(req, saved_email()));
    assert!(s.form.is_none());
    assert!(
        status(&s).starts_with("The save timed out, but the server has your change"),
        "{}",
        status(&s)
    );
    assert!(fx.iter().any(|e| matches!(e, Effect::AppendJournal(_))));
}

#[test]
fn a_timeout_then_the_record_shows_the_change_was_not_applied() {
    let (mut s, req) = timed_out();
    let fx = update(&mut s, loaded_msg(req, prospect(0)));
    assert!(fx.is_empty());
    assert_eq!(stage(&s), &Stage::Editing);
    assert_eq!(text(&s, EMAIL), "new@example.com");
    assert_eq!(
        status(&s),
        "The save timed out and the change was not applied; your edits are still in the form"
    );
}

#[test]
fn esc_and_ctrl_c_ask_before_discarding_changes() {
    let mut s = form();
    update(&mut s, key(KeyCode::Esc));
    assert!(s.form.is_none(), "nothing changed: Esc just leaves");

    let mut s = form();
    type_text(&mut s, "x");
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(stage(&s), &Stage::Discard { quit: false });
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(stage(&s), &Stage::Editing);
    assert_eq!(text(&s, 0), "Johnx");
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, ch('n'));
    assert_eq!(text(&s, 0), "Johnx");
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, ch('y'));
    assert!(s.form.is_none());
    assert!(!s.quit);

    let mut s = form();
    type_text(&mut s, "x");
    let fx = update(&mut s, ctrl('c'));
    assert!(fx.is_empty());
    assert_eq!(stage(&s), &Stage::Discard { quit: true });
    let fx = update(&mut s, ch('y'));
    assert_eq!(fx, [Effect::Quit]);
    assert!(s.quit);

    let mut s = form();
    assert_eq!(
        update(&mut s, ctrl('c')),
        [Effect::Quit],
        "unchanged: quits"
    );
}

#[test]
fn read_only_profiles_refuse_editing_and_undo() {
    let mut s = list();
    s.read_only = true;
    s.profile = "prod".into();
    for k in ['e', 'E', 'u'] {
        s.status = None;
        let fx = update(&mut s, ch(k));
        assert!(fx.is_empty(), "{k}");
        assert!(s.form.is_none());
        assert_eq!(status(&s), "Profile prod is read-only: editing is off");
    }
}

#[test]
fn undo_reviews_the_inverse_of_the_last_save() {
    let (mut s, req) = sending();
    update(
        &mut s,
        Msg::PatchSent {
            req,
            result: Ok(saved_email()),
        },
    );
    update(&mut s, ch('u'));
    let Stage::Review { body: b, base, .. } = stage(&s) else {
        panic!("no review: {:?}", s.form);
    };
    assert_eq!(b, &body(json!({"email": "john.doe@example.com"})));
    assert_eq!(base, &saved_email());
    let fx = update(&mut s, key(KeyCode::Enter));
    assert_eq!(fetches(&fx).len(), 1, "checked against a fresh fetch first");
}

#[test]
fn nothing_to_undo_says_so() {
    let mut s = list();
    update(&mut s, ch('u'));
    assert!(s.form.is_none());
    assert!(status(&s).starts_with("Nothing to undo"));
}

fn a_draft() -> Draft {
    let mut edited = prospect(0);
    edited.email = "drafted@example.com".into();
    Draft {
        prospect_id: prospect(0).id,
        profile: "sandbox".into(),
        saved_at: "2026-11-26T17:21:03Z".into(),
        original: prospect(0),
        edited,
    }
}

#[test]
fn a_draft_is_offered_back_and_restored_or_discarded() {
    let mut s = form();
    let id = prospect(0).id;
    update(
        &mut s,
        Msg::DraftLoaded {
            id: id.clone(),
            result: Ok(Some(a_draft())),
        },
    );
    assert!(matches!(stage(&s), Stage::DraftOffer(_)));
    let fx = update(&mut s, ch('r'));
    assert_eq!(fx, [Effect::DiscardDraft { id: id.clone() }]);
    assert_eq!(stage(&s), &Stage::Editing);
    assert_eq!(text(&s, EMAIL), "drafted@example.com");

    let mut s = form();
    update(
        &mut s,
        Msg::DraftLoaded {
            id: id.clone(),
            result: Ok(Some(a_draft())),
        },
    );
    let fx = update(&mut s, ch('d'));
    assert_eq!(fx, [Effect::DiscardDraft { id }]);
    assert_eq!(text(&s, EMAIL), "john.doe@example.com");
}

#[test]
fn the_current_draft_exists_only_while_something_changed() {
    let mut s = form();
    assert_eq!(crate::app::edit::current_draft(&s), None);
    type_text(&mut s, "x");
    let d = crate::app::edit::current_draft(&s).expect("a draft");
    assert_eq!(d.edited.first_name.as_deref(), Some("Johnx"));
    assert_eq!(d.original, prospect(0));
}

#[test]
fn the_external_editor_result_goes_through_validation_and_review() {
    let mut s = list();
    let fx = update(&mut s, ch('E'));
    let [Effect::OpenEditor { id, text: doc }] = fx.as_slice() else {
        panic!("{fx:?}");
    };
    assert!(doc.contains("email = \"john.doe@example.com\""));
    let edited = doc.replace("john.doe@example.com", "new@example.com");
    update(
        &mut s,
        Msg::EditorClosed {
            id: id.clone(),
            result: Ok(edited),
        },
    );
    let Stage::Review { body: b, .. } = stage(&s) else {
        panic!("no review: {:?}", s.form);
    };
    assert_eq!(b, &body(json!({"email": "new@example.com"})));

    let mut s = list();
    update(&mut s, ch('E'));
    update(
        &mut s,
        Msg::EditorClosed {
            id: prospect(0).id,
            result: Ok("nonsense = \"x\"\n".into()),
        },
    );
    assert_eq!(stage(&s), &Stage::Editing, "the form opens with the record");
    assert!(status(&s).contains("nonsense"), "{}", status(&s));
}
