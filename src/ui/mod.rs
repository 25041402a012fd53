//! Pure views of `State`: no IO, no HTTP, nothing but drawing into a frame.

pub mod bar;
pub mod changes;
pub mod detail;
pub mod dialogs;
pub mod filter;
pub mod find;
pub mod form;
pub mod help;
pub mod layout;
pub mod list;
pub mod problems;
pub mod screenshot;
pub mod style;
pub mod text;

#[cfg(test)]
mod tests;

use ratatui::Frame;

use crate::app::find::FindTarget;
use crate::app::{State, Viewport};

/// Draws the whole screen; returns what it laid out (how far the scrolling panes can scroll),
/// which the runtime reports back to `update` as `Msg::Viewport`.
pub fn render(state: &State, frame: &mut Frame) -> Viewport {
    let areas = layout::areas(state, frame.area());
    let buf = frame.buffer_mut();
    // The pending and journal views take the whole main area, over list and detail.
    let full_view = state.pending.open || state.journal.is_some();
    let list_rows = if state.pending.open {
        changes::render_pending(state, areas.main, buf);
        None
    } else if let Some(view) = &state.journal {
        changes::render_history(state, view, areas.main, buf);
        None
    } else if state.problems.as_ref().is_some_and(|p| p.open) {
        problems::render(state, areas.list, buf);
        None
    } else if state.filter.as_ref().is_some_and(|f| f.open) {
        filter::render(state, areas.list, buf);
        None
    } else {
        list::render(state, areas.list, buf)
    };
    let (detail_max_scroll, detail_found) = if full_view {
        (None, None)
    } else {
        detail::render(state, areas.detail, buf).unzip()
    };
    let (form_cursor, form_fields) = form::render(state, areas.form, buf);
    // The change-set dialogs sit over whatever is shown; the form's over the form.
    let dialog_area = if crate::app::changes_modal(state).is_some() {
        form::place(areas.main)
    } else {
        form::place(areas.form)
    };
    let buttons = dialogs::render(state, dialog_area, buf);
    bar::render_footer(state, areas.footer, buf);
    let (help_max_scroll, help_found) = if state.help.open {
        help::render(state, areas.main, buf).unzip()
    } else {
        (None, None)
    };
    if let Some(cursor) = bar::render_status(state, areas.status, frame.buffer_mut()) {
        frame.set_cursor_position(cursor);
    } else if let Some(cursor) = form_cursor {
        frame.set_cursor_position(cursor);
    }
    if !state.theme.colors {
        style::strip_colors(frame.buffer_mut());
    }
    // The matches of a search in the pane it is for, if that pane is on screen.
    let found = match state.find.as_ref().map(|f| f.target) {
        Some(FindTarget::Detail) => detail_found.flatten(),
        Some(FindTarget::Help) => help_found.flatten(),
        None => None,
    };
    let help_area = help_max_scroll.map(|_| help::area(state, areas.main));
    Viewport {
        detail_max_scroll,
        help_max_scroll,
        list_rows,
        detail_area: detail_max_scroll.map(|_| areas.detail),
        help_area,
        form_fields,
        buttons,
        find_query: found
            .as_ref()
            .and(state.find.as_ref().map(|f| f.query.clone())),
        find_lines: found.unwrap_or_default(),
    }
}

#[cfg(test)]
mod changes_tests;
#[cfg(test)]
mod form_tests;
#[cfg(test)]
mod problems_tests;

#[cfg(test)]
mod color_tests;

#[cfg(test)]
mod screenshot_tests;
