//! Snapshots of whole frames at fixed sizes, and every small size without a panic.

use crossterm::event::KeyCode;
use ratatui::style::Color;

use crate::api::{ApiError, Page, PageMeta};
use crate::app::tests::fixtures::*;
use crate::app::{Msg, State, init, update};

use crate::runtime::harness::frame;

fn at(state: &State, size: (u16, u16)) -> State {
    let mut s = state.clone();
    update(&mut s, Msg::Resize(size.0, size.1));
    s
}

const NARROW: (u16, u16) = (80, 24);
const WIDE: (u16, u16) = (140, 40);

fn list() -> State {
    let mut s = loaded(20, 45, NARROW);
    s.profile = "production".into();
    s.accent = Some(Color::Red);
    s.read_only = true;
    // The prefetch answers: no spinner in the frame.
    answer(&mut s, "", 2, 20, 45);
    s
}

fn with_detail(size: (u16, u16)) -> State {
    let mut s = at(&list(), size);
    update(&mut s, ch('j'));
    update(&mut s, key(KeyCode::Enter));
    s
}

#[test]
fn list_80x24() {
    insta::assert_snapshot!(frame(&list(), NARROW).backend());
}

#[test]
fn list_140x40() {
    insta::assert_snapshot!(frame(&at(&list(), WIDE), WIDE).backend());
}

fn loading(size: (u16, u16)) -> State {
    let mut s = State::new("sandbox", None, false, 50);
    s.size = size;
    init(&mut s);
    s
}

#[test]
fn loading_first_page() {
    insta::assert_snapshot!(frame(&loading(NARROW), NARROW).backend());
}

#[test]
fn loading_first_page_140x40() {
    insta::assert_snapshot!(frame(&loading(WIDE), WIDE).backend());
}

fn loading_next(size: (u16, u16)) -> State {
    let mut s = loaded(20, 45, size);
    update(&mut s, ch('n'));
    s
}

#[test]
fn loading_next_page_keeps_old_rows_with_a_spinner() {
    insta::assert_snapshot!(frame(&loading_next(NARROW), NARROW).backend());
}

#[test]
fn loading_next_page_keeps_old_rows_with_a_spinner_140x40() {
    insta::assert_snapshot!(frame(&loading_next(WIDE), WIDE).backend());
}

fn empty_search_at(size: (u16, u16)) -> State {
    let mut s = at(&list(), size);
    update(&mut s, ch('/'));
    type_text(&mut s, "xyz");
    update(&mut s, key(KeyCode::Enter));
    let req = s.list.loading.as_ref().map(|l| l.req).expect("searching");
    let empty = Page {
        items: vec![],
        meta: PageMeta {
            current_page: 1,
            ..Default::default()
        },
    };
    update(
        &mut s,
        Msg::Api {
            req,
            reply: Reply::Page(Ok(empty)),
        },
    );
    s
}

#[test]
fn empty_search() {
    insta::assert_snapshot!(frame(&empty_search_at(NARROW), NARROW).backend());
}

#[test]
fn empty_search_140x40() {
    insta::assert_snapshot!(frame(&empty_search_at(WIDE), WIDE).backend());
}

fn search_prompt(size: (u16, u16)) -> State {
    let mut s = at(&list(), size);
    update(&mut s, ch('/'));
    type_text(&mut s, "doe");
    s
}

#[test]
fn search_prompt_while_typing() {
    insta::assert_snapshot!(frame(&search_prompt(NARROW), NARROW).backend());
}

#[test]
fn search_prompt_while_typing_140x40() {
    insta::assert_snapshot!(frame(&search_prompt(WIDE), WIDE).backend());
}

#[test]
fn detail_wide() {
    insta::assert_snapshot!(frame(&with_detail(WIDE), WIDE).backend());
}

#[test]
fn detail_narrow() {
    insta::assert_snapshot!(frame(&with_detail(NARROW), NARROW).backend());
}

fn revealed(size: (u16, u16)) -> State {
    let mut s = with_detail(size);
    update(&mut s, ch('m'));
    s
}

#[test]
fn detail_revealed_identification_number() {
    insta::assert_snapshot!(frame(&revealed(NARROW), NARROW).backend());
}

#[test]
fn detail_revealed_identification_number_140x40() {
    insta::assert_snapshot!(frame(&revealed(WIDE), WIDE).backend());
}

#[test]
fn help_80x24() {
    let mut s = list();
    update(&mut s, ch('?'));
    insta::assert_snapshot!(frame(&s, NARROW).backend());
}

#[test]
fn help_140x40() {
    let mut s = at(&list(), WIDE);
    update(&mut s, ch('?'));
    insta::assert_snapshot!(frame(&s, WIDE).backend());
}

fn lookup(size: (u16, u16)) -> State {
    let mut s = at(&list(), size);
    update(&mut s, ch(':'));
    type_text(&mut s, "ACME 42/7");
    s
}

#[test]
fn lookup_prompt() {
    insta::assert_snapshot!(frame(&lookup(NARROW), NARROW).backend());
}

#[test]
fn lookup_prompt_140x40() {
    insta::assert_snapshot!(frame(&lookup(WIDE), WIDE).backend());
}

fn error(size: (u16, u16)) -> State {
    let mut s = State::new("sandbox", None, false, 50);
    s.size = size;
    let fx = init(&mut s);
    let req = page_requests(&fx)[0].0;
    let result = Err(ApiError::Unauthorized {
        profile: "sandbox".into(),
        detail: String::new(),
    });
    update(
        &mut s,
        Msg::Api {
            req,
            reply: Reply::Page(result),
        },
    );
    s
}

#[test]
fn error_state() {
    insta::assert_snapshot!(frame(&error(NARROW), NARROW).backend());
}

#[test]
fn error_state_140x40() {
    insta::assert_snapshot!(frame(&error(WIDE), WIDE).backend());
}

/// The list with the hostile record selected, then its detail: both snapshotted as
/// `{name}_list` and `{name}_detail`.
fn hostile_at(size: (u16, u16), name: &str) {
    let mut s = at(&list(), size);
    s.list.rows[1] = hostile();
    update(&mut s, ch('j'));
    insta::assert_snapshot!(format!("{name}_list"), frame(&s, size).backend());
    update(&mut s, key(KeyCode::Enter));
    let t = frame(&s, size);
    let text = crate::runtime::harness::buffer_text(t.backend().buffer());
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'));
    assert!(text.contains("Evil\\e[2J\\u{7}"));
    insta::assert_snapshot!(format!("{name}_detail"), t.backend());
}

#[test]
fn control_characters_are_shown_escaped() {
    hostile_at(NARROW, "hostile");
}

#[test]
fn control_characters_are_shown_escaped_140x40() {
    hostile_at(WIDE, "hostile_140x40");
}

#[test]
fn every_small_size_renders_without_panic() {
    let base = list();
    let mut states = vec![base.clone()];
    let mut s = base.clone();
    update(&mut s, key(KeyCode::Enter));
    states.push(s.clone());
    update(&mut s, ch('?'));
    states.push(s);
    let mut s = base.clone();
    update(&mut s, ch('/'));
    type_text(&mut s, "山田😀 long search text");
    states.push(s);
    let mut s = State::new("p", None, true, 50);
    init(&mut s);
    states.push(s);
    for state in &states {
        for w in 1..=40 {
            for h in 1..=15 {
                let sized = at(state, (w, h));
                frame(&sized, (w, h));
            }
        }
    }
}

#[test]
fn an_error_in_the_list_title_never_cuts_the_profile_name() {
    for width in [40, 50, 60, 80] {
        let mut s = at(&list(), (width, 24));
        s.list.error = Some(format!(
            "Cannot reach api.example.test: {}",
            "connection refused ".repeat(10)
        ));
        let t = frame(&s, (width, 24));
        let text = crate::runtime::harness::buffer_text(t.backend().buffer());
        let top = text.lines().next().unwrap_or_default();
        assert!(top.contains(" production "), "{width}: {top}");
        assert!(top.contains("Cannot rea"), "{width}: {top}");
    }
}

#[test]
fn a_read_only_footer_does_not_offer_edit() {
    let text = |s: &State| {
        let t = frame(s, NARROW);
        let all = crate::runtime::harness::buffer_text(t.backend().buffer());
        all.lines().last().unwrap_or_default().to_string()
    };
    let read_only = list();
    assert!(!text(&read_only).contains("edit"), "{}", text(&read_only));
    let mut writable = list();
    writable.read_only = false;
    assert!(text(&writable).contains("e edit"), "{}", text(&writable));
}
