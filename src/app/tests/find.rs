//! `/`, `n` and `N` inside the detail and the help: `update` moves among the matches the view
//! reports, as the runtime reports them after each frame.

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::fixtures::*;
use crate::app::find::FindTarget;
use crate::app::state::StatusKind;
use crate::app::{Focus, Msg, State, Viewport, update};
use crate::runtime::harness::buffer_text;

const SIZE: (u16, u16) = (80, 24);

/// Draws as the runtime does, reporting the viewport until it no longer changes; the screen.
fn settle(s: &mut State) -> String {
    let mut t = Terminal::new(TestBackend::new(SIZE.0, SIZE.1)).unwrap();
    for _ in 0..4 {
        let mut viewport = Viewport::default();
        t.draw(|f| viewport = crate::ui::render(s, f)).unwrap();
        if viewport == s.viewport {
            break;
        }
        update(s, Msg::Viewport(viewport));
    }
    buffer_text(t.backend().buffer())
}

fn find(s: &mut State, text: &str) -> String {
    update(s, ch('/'));
    type_text(s, text);
    update(s, key(KeyCode::Enter));
    settle(s)
}

fn status(s: &State) -> &str {
    s.status.as_ref().map_or("", |st| st.text.as_str())
}

fn detail() -> State {
    let mut s = loaded(20, 45, SIZE);
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.focus, Focus::Detail);
    settle(&mut s);
    s
}

#[test]
fn slash_in_the_detail_finds_and_n_moves_round_the_matches() {
    let mut s = detail();
    let screen = find(&mut s, "2026");
    let f = s.find.clone().unwrap();
    assert_eq!(
        (f.target, f.query.as_str(), f.current),
        (FindTarget::Detail, "2026", Some(0))
    );
    let total = s.viewport.find_lines.len();
    assert!(total >= 2, "{screen}");
    assert_eq!(status(&s), format!("Match 1 of {total}"));
    // The detail's own `/` did not open the list's search.
    assert_eq!(s.list.search, "");
    update(&mut s, ch('n'));
    assert_eq!(s.find.as_ref().unwrap().current, Some(1));
    update(&mut s, ch('N'));
    update(&mut s, ch('N'));
    assert_eq!(s.find.as_ref().unwrap().current, Some(total - 1));
    let line = s.viewport.find_lines[total - 1];
    assert_eq!(
        s.detail.as_ref().unwrap().scroll,
        line.saturating_sub(1)
            .min(s.viewport.detail_max_scroll.unwrap())
    );
    insta::assert_snapshot!(settle(&mut s));
}

#[test]
fn no_match_says_so_and_esc_leaves_the_detail_and_the_search() {
    let mut s = detail();
    find(&mut s, "zebra");
    assert_eq!(s.status.as_ref().map(|st| st.kind), Some(StatusKind::Error));
    assert_eq!(status(&s), "No match for \"zebra\"");
    update(&mut s, ch('n'));
    assert_eq!(status(&s), "No match for \"zebra\"");
    update(&mut s, key(KeyCode::Esc));
    assert!(s.detail.is_none() && s.find.is_none());
}

#[test]
fn slash_in_the_help_searches_the_help() {
    let mut s = loaded(20, 45, SIZE);
    update(&mut s, ch('?'));
    settle(&mut s);
    find(&mut s, "page");
    assert_eq!(s.find.as_ref().map(|f| f.target), Some(FindTarget::Help));
    let total = s.viewport.find_lines.len();
    assert!(total >= 3);
    update(&mut s, ch('n'));
    update(&mut s, ch('n'));
    assert_eq!(s.find.as_ref().unwrap().current, Some(2));
    assert!(s.help.open, "n in the help is not the list's next page");
    assert_eq!(s.list.page, 1);
    insta::assert_snapshot!(settle(&mut s));
    update(&mut s, key(KeyCode::Esc));
    assert!(!s.help.open && s.find.is_none());
}
