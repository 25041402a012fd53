//! Pure views of `State`: no IO, no HTTP, nothing but drawing into a frame.

pub mod bar;
pub mod changes;
pub mod detail;
pub mod dialogs;
pub mod facet;
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
use crate::app::keys::Context;
use crate::app::screens::{Overlay, Screen};
use crate::app::{State, Viewport};

/// Draws the whole screen; returns what it laid out (how far the scrolling panes can scroll),
/// which the runtime reports back to `update` as `Msg::Viewport`.
pub fn render(state: &State, frame: &mut Frame) -> Viewport {
    let areas = layout::areas(state, frame.area());
    let buf = frame.buffer_mut();
    // The screen on top of the stack (`layers`); pending and journal take the whole main
    // area, the others the list's place with the detail beside or over them.
    let screen = state.screen();
    let list_rows = match screen {
        Some(Screen::Pending) => {
            changes::render_pending(state, areas.main, buf);
            None
        }
        Some(Screen::Journal) => {
            if let Some(view) = &state.journal {
                changes::render_history(state, view, areas.main, buf);
            }
            None
        }
        Some(Screen::Problems) => {
            problems::render(state, areas.list, buf);
            None
        }
        Some(Screen::Filter) => {
            filter::render(state, areas.list, buf);
            None
        }
        Some(Screen::Facet) => {
            facet::render(state, areas.list, buf);
            None
        }
        None => list::render(state, areas.list, buf),
    };
    let (detail_max_scroll, detail_found) = if screen.is_some_and(Screen::is_full) {
        (None, None)
    } else {
        detail::render(state, areas.detail, buf).unzip()
    };
    // The overlays, bottom to top, in the order `layers` gives (the same order keys reach
    // them): what is drawn last is what has the keys.
    let mut form_cursor = None;
    let mut form_fields = Vec::new();
    let mut buttons = Vec::new();
    let mut help_drawn = (None, None);
    let overlays = state.overlays();
    let top_overlay = overlays.last().copied();
    for overlay in overlays {
        match overlay {
            Overlay::Form => {
                (form_cursor, form_fields) = form::render(state, areas.form, buf);
                let drawn = dialogs::render_form(state, form::place(areas.form), buf);
                if top_overlay == Some(Overlay::Form) {
                    buttons = drawn;
                }
            }
            Overlay::Dialog(_) | Overlay::Quit => {
                let context = match overlay {
                    Overlay::Dialog(c) => c,
                    _ => Context::QuitStaged,
                };
                let drawn = dialogs::render_change(state, context, form::place(areas.main), buf);
                if top_overlay == Some(overlay) {
                    buttons = drawn;
                }
            }
            Overlay::Help => help_drawn = help::render(state, areas.main, buf).unzip(),
            // A prompt is the status line, drawn below.
            Overlay::Prompt => {}
        }
    }
    bar::render_preview(state, areas.main, buf);
    bar::render_footer(state, areas.footer, buf);
    let (help_max_scroll, help_found) = help_drawn;
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
mod facet_tests;
#[cfg(test)]
mod form_tests;
#[cfg(test)]
mod problems_tests;

#[cfg(test)]
mod color_tests;

#[cfg(test)]
mod screenshot_tests;
