//! Snapshots of the edit form and its dialogs at 80×24 and 140×40.

use crossterm::event::KeyCode;

use crate::api::ApiError;
use crate::app::tests::fixtures::*;
use crate::app::{Effect, Msg, State, update};

use crate::runtime::harness::frame;

const NARROW: (u16, u16) = (80, 24);
const WIDE: (u16, u16) = (140, 40);

fn form() -> State {
    let mut s = loaded(20, 45, NARROW);
    answer(&mut s, "", 2, 20, 45);
    update(&mut s, ch('e'));
    s
}

fn to_field(s: &mut State, i: usize) {
    while s.form.as_ref().map(|f| f.focus) != Some(i) {
        update(s, key(KeyCode::Tab));
    }
}

fn retype(s: &mut State, text: &str) {
    update(s, ctrl('a'));
    update(s, ctrl('k'));
    type_text(s, text);
}

/// Email and middle name changed, focus on the email.
pub(super) fn changed() -> State {
    let mut s = form();
    to_field(&mut s, 1);
    retype(&mut s, "");
    to_field(&mut s, 3);
    retype(&mut s, "new@example.com");
    s
}

#[test]
fn form_clean_80x24() {
    insta::assert_snapshot!(frame(&form(), NARROW).backend());
}

#[test]
fn form_clean_140x40() {
    insta::assert_snapshot!(frame(&form(), WIDE).backend());
}

#[test]
fn form_changed_80x24() {
    insta::assert_snapshot!(frame(&changed(), NARROW).backend());
}

#[test]
fn form_invalid_80x24() {
    let mut s = form();
    to_field(&mut s, 4);
    // Letters (O for 0) cannot be read as a number, so saving is refused.
    retype(&mut s, "+44 71O1");
    update(&mut s, ctrl('s'));
    insta::assert_snapshot!(frame(&s, NARROW).backend());
}

#[test]
fn form_scrolls_to_the_focused_field_80x24() {
    let mut s = form();
    to_field(&mut s, 12);
    retype(&mut s, "XX");
    insta::assert_snapshot!(frame(&s, NARROW).backend());
}

#[test]
fn review_dialog_80x24() {
    let mut s = changed();
    update(&mut s, ctrl('s'));
    insta::assert_snapshot!(frame(&s, NARROW).backend());
}

#[test]
fn review_repeats_that_a_number_is_not_valid_for_its_region_80x24() {
    let mut s = form();
    to_field(&mut s, 4);
    // Parses (+44 and digits) but no UK number is that short: sent, with a warning.
    retype(&mut s, "+4412345");
    update(&mut s, ctrl('s'));
    let text = crate::runtime::harness::buffer_text(frame(&s, NARROW).backend().buffer());
    assert!(text.contains("not a valid number for its region"), "{text}");
    insta::assert_snapshot!(frame(&s, NARROW).backend());
}

#[test]
fn review_dialog_140x40() {
    let mut s = changed();
    update(&mut s, ctrl('s'));
    insta::assert_snapshot!(frame(&s, WIDE).backend());
}

pub(super) fn conflicted() -> State {
    let mut s = changed();
    update(&mut s, ctrl('s'));
    let fx = update(&mut s, key(KeyCode::Enter));
    let req = fetches(&fx).first().map(|(r, _)| *r).expect("a fetch");
    let mut server = prospect(0);
    server.email = "someone.else@example.com".into();
    update(
        &mut s,
        Msg::Api {
            req,
            reply: Reply::Prospect(Ok(server)),
        },
    );
    s
}

#[test]
fn conflict_dialog_80x24() {
    insta::assert_snapshot!(frame(&conflicted(), NARROW).backend());
}

#[test]
fn conflict_dialog_140x40() {
    insta::assert_snapshot!(frame(&conflicted(), WIDE).backend());
}

/// The changed form saved, the check passed, and the PATCH answered with a 400 of `messages`.
pub(super) fn failed(messages: &[&str]) -> State {
    let mut s = changed();
    update(&mut s, ctrl('s'));
    let fx = update(&mut s, key(KeyCode::Enter));
    let req = fetches(&fx).first().map(|(r, _)| *r).expect("a fetch");
    let fx = update(
        &mut s,
        Msg::Api {
            req,
            reply: Reply::Prospect(Ok(prospect(0))),
        },
    );
    let req = fx
        .iter()
        .find_map(|e| match e {
            Effect::Api(ApiCall {
                req,
                request: ApiRequest::Patch { .. },
            }) => Some(*req),
            _ => None,
        })
        .expect("a patch");
    update(
        &mut s,
        Msg::Api {
            req,
            reply: Reply::Prospect(Err(ApiError::Validation {
                messages: messages.iter().map(|m| (*m).to_string()).collect(),
            })),
        },
    );
    s
}

#[test]
fn failed_save_80x24() {
    let s = failed(&["email must be an email address the server accepts"]);
    insta::assert_snapshot!(frame(&s, NARROW).backend());
}

#[test]
fn failed_save_with_a_message_naming_no_field_80x24() {
    let s = failed(&[
        "email must be an email address the server accepts",
        "The partner account partner-7 is suspended until the compliance review of its \
         onboarding documents is complete; contact support",
    ]);
    let t = frame(&s, NARROW);
    let text = crate::runtime::harness::buffer_text(t.backend().buffer());
    assert!(text.contains("contact support"), "shown in full:\n{text}");
    insta::assert_snapshot!(t.backend());
}

#[test]
fn discard_dialog_80x24() {
    let mut s = changed();
    update(&mut s, key(KeyCode::Esc));
    insta::assert_snapshot!(frame(&s, NARROW).backend());
}

#[test]
fn the_form_renders_at_every_small_size_without_panic() {
    let mut states = vec![
        form(),
        changed(),
        conflicted(),
        failed(&["a long message naming no field at all, to be wrapped"]),
    ];
    let mut s = changed();
    update(&mut s, ctrl('s'));
    states.push(s);
    for state in &states {
        for w in 1..=40 {
            for h in 1..=15 {
                frame(state, (w, h));
            }
        }
    }
}
