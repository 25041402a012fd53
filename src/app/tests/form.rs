//! The form: opening, moving, typing, validation, review and conflicts.

use super::form_fixtures::*;

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
    retype(&mut s, "+44 71O1");
    focus(&mut s, 0);
    let f = s.form.as_ref().expect("a form");
    assert_eq!(f.messages_for(PHONE).len(), 1, "a message under the field");
    let fx = update(&mut s, ctrl('s'));
    assert!(fx.is_empty());
    assert_eq!(stage(&s), &Stage::Editing);
    assert_eq!(s.form.as_ref().map(|f| f.focus), Some(PHONE));
    let st = status(&s);
    assert!(st.starts_with("Cannot save: Phone is invalid"), "{st}");
    assert!(
        st.contains("phoneNumber must be a number such as +447123456789"),
        "{st}"
    );

    // Once fixed, the review opens and the old complaint is gone.
    retype(&mut s, "+447101");
    update(&mut s, ctrl('s'));
    assert!(matches!(stage(&s), Stage::Review { .. }));
    assert!(s.status.is_none(), "{:?}", s.status);
}

#[test]
fn a_phone_number_in_any_format_is_sent_as_e164_and_an_invalid_one_only_warns() {
    let mut s = form();
    s.form.as_mut().expect("a form").region = crate::patch::phone::Region::parse("GB").ok();
    focus(&mut s, PHONE);
    retype(&mut s, "07123 456789");
    let f = s.form.as_ref().expect("a form");
    assert_eq!(f.body(), body(json!({"phoneNumber": "+447123456789"})));
    assert_eq!(f.messages_for(PHONE), ["sent as +447123456789"]);
    // Parses, but no UK number is this short: a warning, and the review still opens.
    retype(&mut s, "+44 1234");
    let f = s.form.as_ref().expect("a form");
    assert!(f.messages_for(PHONE)[0].contains("not a valid number"));
    update(&mut s, ctrl('s'));
    assert!(matches!(stage(&s), Stage::Review { .. }));
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

#[test]
fn q_closes_the_review_like_esc_and_keeps_everything() {
    let mut s = form();
    focus(&mut s, EMAIL);
    retype(&mut s, "new@example.com");
    let before = s.form.clone();
    update(&mut s, ctrl('s'));
    assert!(matches!(stage(&s), Stage::Review { .. }));
    let fx = update(&mut s, ch('q'));
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(stage(&s), &Stage::Editing);
    assert_eq!(s.form.as_ref().map(|f| f.body()), before.map(|f| f.body()));
}

#[test]
fn a_record_off_the_contract_is_not_edited_and_the_reason_is_given() {
    let mut s = State::new("sandbox", None, false, 20);
    s.size = (80, 24);
    let fx = crate::app::init(&mut s);
    let (req, _, _) = page_requests(&fx)[0];
    let mut first = page(1, 20, 45);
    first.items[0] = serde_json::from_value(json!({"id": prospect(0).id, "email": null}))
        .expect("decodes, keeping the null");
    update(
        &mut s,
        Msg::Api {
            req,
            reply: crate::app::Reply::Page(Ok(first)),
        },
    );
    for k in ['e', 'E'] {
        let fx = update(&mut s, ch(k));
        assert!(fx.is_empty(), "{fx:?}");
        assert!(s.form.is_none() && s.editor_pending.is_none());
        let st = status(&s);
        assert!(
            st.contains("Cannot edit") && st.contains("a null email"),
            "{st}"
        );
    }
}
