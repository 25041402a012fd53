//! Colour off (`NO_COLOR`, `color = "never"`) and the two presets, snapshotted with every
//! cell's style: without colour each mark still shows as text, a symbol or a modifier.

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use super::form_tests::{changed, conflicted, failed};
use super::tests::{at, list, with_detail};
use crate::app::State;
use crate::app::tests::fixtures::*;
use crate::app::update;
use crate::runtime::harness::frame;
use crate::theme::Theme;

const NARROW: (u16, u16) = (80, 24);
const WIDE: (u16, u16) = (140, 40);

fn themed(mut s: State, theme: Theme) -> State {
    s.theme = std::sync::Arc::new(theme);
    s
}

fn no_color(s: State) -> State {
    let mut theme = Theme::dark();
    theme.colors = false;
    themed(s, theme)
}

/// The frame with its styles, checked to hold no colour at all.
fn colourless(s: &State, size: (u16, u16)) -> Buffer {
    let buf = frame(&no_color(s.clone()), size).backend().buffer().clone();
    for (i, c) in buf.content.iter().enumerate() {
        assert!(
            c.fg == Color::Reset && c.bg == Color::Reset,
            "a colour at cell {i} ({:?}): {c:?}",
            c.symbol()
        );
    }
    buf
}

fn row_of(buf: &Buffer, text: &str) -> Option<u16> {
    let w = usize::from(buf.area.width);
    buf.content
        .chunks(w)
        .position(|row| {
            row.iter()
                .map(|c| c.symbol())
                .collect::<String>()
                .contains(text)
        })
        .and_then(|y| u16::try_from(y).ok())
}

#[test]
fn no_color_list_keeps_the_selection_and_the_badges() {
    let buf = colourless(&list(), NARROW);
    let y = row_of(&buf, "› John James Doe").expect("the marker");
    assert!(buf[(5, y)].modifier.contains(Modifier::REVERSED));
    assert!(row_of(&buf, "PROD  READ-ONLY").is_some());
    insta::assert_debug_snapshot!(buf);
}

#[test]
fn no_color_detail_shows_focus_by_its_border() {
    let s = with_detail(WIDE);
    assert_eq!(s.focus, crate::app::Focus::Detail);
    let buf = colourless(&s, WIDE);
    // The pane with the keyboard has the thick border, the other a plain one.
    assert_eq!(buf[(0, 0)].symbol(), "┌");
    assert!(buf.content.iter().any(|c| c.symbol() == "┏"));
    insta::assert_debug_snapshot!(buf);
}

#[test]
fn no_color_form_marks_changed_fields_and_errors() {
    let buf = colourless(&failed(&["phoneNumber must be digits"]), NARROW);
    let text = crate::runtime::harness::buffer_text(&buf);
    assert!(text.contains(" •Email"), "{text}");
    assert!(text.contains('⚠'), "{text}");
    insta::assert_debug_snapshot!(buf);
}

#[test]
fn no_color_review_and_conflict_dialogs() {
    let mut s = changed();
    update(&mut s, ctrl('s'));
    insta::assert_debug_snapshot!("no_color_review", colourless(&s, NARROW));
    insta::assert_debug_snapshot!("no_color_conflict", colourless(&conflicted(), NARROW));
}

#[test]
fn no_color_help_and_status_errors() {
    let mut s = list();
    update(&mut s, ch('?'));
    insta::assert_debug_snapshot!("no_color_help", colourless(&s, NARROW));
    let mut s = list();
    s.set_status(crate::app::state::StatusKind::Error, "Something failed");
    let text = crate::runtime::harness::buffer_text(&colourless(&s, NARROW));
    assert!(text.contains("! Something failed"), "{text}");
}

#[test]
fn dark_preset_list_and_detail() {
    let s = themed(with_detail(NARROW), Theme::dark());
    insta::assert_debug_snapshot!(frame(&s, NARROW).backend().buffer());
}

#[test]
fn light_preset_list_and_detail() {
    let s = themed(at(&with_detail(WIDE), NARROW), Theme::light());
    let buf = frame(&s, NARROW).backend().buffer().clone();
    // Exact colours from the light preset, not the terminal's dark-background names.
    assert!(buf.content.iter().any(|c| matches!(c.fg, Color::Rgb(..))));
    insta::assert_debug_snapshot!(buf);
}

#[test]
fn light_preset_form() {
    let s = themed(failed(&["phoneNumber must be digits"]), Theme::light());
    insta::assert_debug_snapshot!(frame(&s, NARROW).backend().buffer());
}
