//! What happens after a save is sent: success, rejections, failures, timeouts; discard,
//! read-only, undo, drafts and the external editor.

use super::form_fixtures::*;

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
        Msg::Api {
            req,
            reply: Reply::Prospect(Ok(saved_email())),
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
            Effect::Local(Local::AppendJournal(entry)) => Some(entry.clone()),
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
    assert!(fx.contains(&Effect::Local(Local::DiscardDraft { id: prospect(0).id })));
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
        Msg::Api {
            req,
            reply: Reply::Prospect(Err(ApiError::Validation {
                messages: messages.clone(),
            })),
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
        !s.form
            .as_ref()
            .expect("form")
            .messages_for(PHONE)
            .contains(&messages[1])
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
    let rejected = |req| Msg::Api {
        req,
        reply: Reply::Prospect(Err(ApiError::Validation {
            messages: vec![
                "email must be an email".to_string(),
                "the partner is suspended".to_string(),
            ],
        })),
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
    assert_eq!(
        crate::app::form_flow::current_draft(&s),
        None,
        "nothing to keep"
    );
    update(&mut s, key(KeyCode::Esc));
    assert!(s.form.is_none(), "Esc just leaves");

    let mut s = form_on(with_line_breaks());
    assert_eq!(
        update(&mut s, ctrl('c')),
        [Effect::Local(Local::Quit)],
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
        Msg::Api {
            req,
            // A definite refusal: the change did not land, so the form stays as it was.
            reply: Reply::Prospect(Err(ApiError::Status {
                status: 409,
                detail: "conflict".into(),
            })),
        },
    );
    assert_eq!(stage(&s), &Stage::Editing);
    assert_eq!(text(&s, EMAIL), "new@example.com");
    assert_eq!(status(&s), "Unexpected response (409) (conflict)");
    assert_eq!(s.status.as_ref().map(|x| x.kind), Some(StatusKind::Error));
}

#[test]
fn a_5xx_a_broken_connection_or_an_unreadable_answer_is_checked_like_a_timeout() {
    let lost = [
        ApiError::Server {
            status: 503,
            detail: String::new(),
        },
        ApiError::Interrupted {
            host: "127.0.0.1".into(),
            detail: "connection reset".into(),
        },
        ApiError::Decode {
            status: 200,
            detail: "expected JSON but got an HTML page".into(),
        },
    ];
    for e in lost {
        let (mut s, req) = sending();
        let fx = update(
            &mut s,
            Msg::Api {
                req,
                reply: Reply::Prospect(Err(e.clone())),
            },
        );
        assert!(patches(&fx).is_empty(), "never resent blindly");
        let f = fetches(&fx);
        assert_eq!(f.len(), 1, "{e:?}");
        let fx = update(&mut s, loaded_msg(f[0].0, saved_email()));
        assert!(s.form.is_none(), "{e:?}");
        assert!(
            status(&s).contains("but the server has your change"),
            "{}",
            status(&s)
        );
        assert!(
            fx.iter()
                .any(|e| matches!(e, Effect::Local(Local::AppendJournal(_)))),
            "journaled, so u can undo it"
        );
    }
}

fn timed_out() -> (State, RequestId) {
    let (mut s, req) = sending();
    let fx = update(
        &mut s,
        Msg::Api {
            req,
            reply: Reply::Prospect(Err(ApiError::Timeout {
                host: "127.0.0.1".into(),
                secs: 30,
            })),
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
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Local(Local::AppendJournal(_))))
    );
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
    let fx = update(&mut s, ch('y'));
    assert!(s.form.is_none());
    assert!(!quits(&fx));

    let mut s = form();
    type_text(&mut s, "x");
    let fx = update(&mut s, ctrl('c'));
    assert!(fx.is_empty());
    assert_eq!(stage(&s), &Stage::Discard { quit: true });
    let fx = update(&mut s, ch('y'));
    assert_eq!(fx, [Effect::Local(Local::Quit)]);

    let mut s = form();
    assert_eq!(
        update(&mut s, ctrl('c')),
        [Effect::Local(Local::Quit)],
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
        assert_eq!(
            status(&s),
            "Profile prod is read-only: editing, staging and sending are off"
        );
    }
}

#[test]
fn undo_reviews_the_inverse_of_the_last_save() {
    let (mut s, req) = sending();
    update(
        &mut s,
        Msg::Api {
            req,
            reply: Reply::Prospect(Ok(saved_email())),
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

/// `E`, then the runtime's answer that there is no crash draft: the editor effect.
fn press_e_without_draft(s: &mut State) -> Vec<Effect> {
    let fx = update(s, ch('E'));
    let [Effect::Local(Local::LoadDraft { id })] = fx.as_slice() else {
        panic!("E first looks for a draft: {fx:?}");
    };
    let id = id.clone();
    update(
        s,
        Msg::DraftLoaded {
            id,
            result: Ok(None),
        },
    )
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
    assert_eq!(fx, [Effect::Local(Local::DiscardDraft { id: id.clone() })]);
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
    assert_eq!(fx, [Effect::Local(Local::DiscardDraft { id })]);
    assert_eq!(text(&s, EMAIL), "john.doe@example.com");
}

#[test]
fn the_current_draft_exists_only_while_something_changed() {
    let mut s = form();
    assert_eq!(crate::app::form_flow::current_draft(&s), None);
    type_text(&mut s, "x");
    let d = crate::app::form_flow::current_draft(&s).expect("a draft");
    assert_eq!(d.edited.first_name.as_deref(), Some("Johnx"));
    assert_eq!(d.original, prospect(0));
}

#[test]
fn the_external_editor_result_goes_through_validation_and_review() {
    let mut s = list();
    let fx = press_e_without_draft(&mut s);
    let [Effect::Local(Local::OpenEditor { id, text: doc })] = fx.as_slice() else {
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
    press_e_without_draft(&mut s);
    update(
        &mut s,
        Msg::EditorClosed {
            id: prospect(0).id,
            result: Ok("nonsense = \"x\"\n".into()),
        },
    );
    assert_eq!(stage(&s), &Stage::Editing, "the form opens with the record");
    assert!(status(&s).contains("nonsense"), "{}", status(&s));

    // Quitting the editor without a change opens nothing.
    let mut s = list();
    let fx = press_e_without_draft(&mut s);
    let [Effect::Local(Local::OpenEditor { id, text: doc })] = fx.as_slice() else {
        panic!("{fx:?}");
    };
    let (id, doc) = (id.clone(), doc.clone());
    update(
        &mut s,
        Msg::EditorClosed {
            id,
            result: Ok(doc),
        },
    );
    assert!(s.form.is_none(), "{:?}", s.form);
    assert_eq!(status(&s), "No changes");
}

#[test]
fn e_in_capitals_offers_a_crash_draft_before_opening_the_editor() {
    let mut s = list();
    update(&mut s, ch('E'));
    let fx = update(
        &mut s,
        Msg::DraftLoaded {
            id: prospect(0).id,
            result: Ok(Some(a_draft())),
        },
    );
    assert!(fx.is_empty(), "no editor while a draft waits: {fx:?}");
    assert!(matches!(stage(&s), Stage::DraftOffer(_)), "{:?}", s.form);
}
