//! `/` inside the detail or the help: the text searched, which match is current, and moving
//! between matches with `n`/`N`. The view finds the matching lines in what it laid out and
//! reports them in `Viewport`; this module only moves among them.

pub use super::state::{Find, FindTarget};
use super::state::{State, StatusKind};

/// Where a search typed now applies: the help when open, else the detail.
pub fn target(state: &State) -> FindTarget {
    if state.help.open {
        FindTarget::Help
    } else {
        FindTarget::Detail
    }
}

/// The query was entered: highlight it and go to the first match from where the pane is.
pub fn start(state: &mut State, query: &str) {
    if query.is_empty() {
        state.find = None;
        return;
    }
    state.find = Some(Find {
        target: target(state),
        query: query.to_string(),
        current: None,
    });
    // The lines are known only once the view has laid out this query; if it already has
    // (the same query again), go now.
    if state.viewport.find_query.as_deref() == Some(query) {
        first_match(state);
    }
}

/// A new frame reported its matches: a search waiting for them goes to its first match.
pub fn on_viewport(state: &mut State) {
    let waiting = state.find.as_ref().is_some_and(|f| {
        f.current.is_none() && state.viewport.find_query.as_deref() == Some(f.query.as_str())
    });
    if waiting {
        first_match(state);
    }
}

/// `n` (forward) or `N`: the next or previous match, round the end.
pub fn step(state: &mut State, forward: bool) {
    let Some(find) = state.find.as_ref().filter(|f| f.target == target(state)) else {
        return;
    };
    let n = state.viewport.find_lines.len();
    if n == 0 {
        let text = format!("No match for \"{}\"", find.query);
        state.set_status(StatusKind::Error, text);
        return;
    }
    let i = match (find.current, forward) {
        (None, _) => 0,
        (Some(c), true) => (c + 1) % n,
        (Some(c), false) => (c + n - 1) % n,
    };
    show(state, i);
}

fn first_match(state: &mut State) {
    let scroll = scroll_of(state);
    let lines = &state.viewport.find_lines;
    if lines.is_empty() {
        if let Some(f) = &state.find {
            let text = format!("No match for \"{}\"", f.query);
            state.set_status(StatusKind::Error, text);
        }
        return;
    }
    let i = lines.iter().position(|l| *l >= scroll).unwrap_or(0);
    show(state, i);
}

/// Makes match `i` current and scrolls to it (a line of context above).
fn show(state: &mut State, i: usize) {
    let Some(line) = state.viewport.find_lines.get(i).copied() else {
        return;
    };
    let total = state.viewport.find_lines.len();
    let top = line.saturating_sub(1);
    let Some(find) = state.find.as_mut() else {
        return;
    };
    find.current = Some(i);
    match find.target {
        FindTarget::Detail => {
            if let Some(d) = state.detail.as_mut() {
                d.scroll = top;
            }
        }
        FindTarget::Help => state.help.scroll = top,
    }
    state.set_status(StatusKind::Info, format!("Match {} of {total}", i + 1));
}

fn scroll_of(state: &State) -> u16 {
    match state.find.as_ref().map(|f| f.target) {
        Some(FindTarget::Help) => state.help.scroll,
        _ => state.detail.as_ref().map_or(0, |d| d.scroll),
    }
}
