//! Pure views of `State`: no IO, no HTTP, nothing but drawing into a frame.

pub mod bar;
pub mod detail;
pub mod dialogs;
pub mod form;
pub mod help;
pub mod layout;
pub mod list;
pub mod text;

#[cfg(test)]
mod tests;

use ratatui::Frame;
use ratatui::style::{Color, Modifier, Style};

use crate::app::{State, Viewport};

/// Draws the whole screen; returns what it laid out (how far the scrolling panes can scroll),
/// which the runtime reports back to `update` as `Msg::Viewport`.
pub fn render(state: &State, frame: &mut Frame) -> Viewport {
    let areas = layout::areas(state, frame.area());
    let buf = frame.buffer_mut();
    list::render(state, areas.list, buf);
    let detail_max_scroll = detail::render(state, areas.detail, buf);
    let form_cursor = form::render(state, areas.form, buf);
    dialogs::render(state, form::place(areas.form), buf);
    bar::render_footer(state, areas.footer, buf);
    let help_max_scroll = if state.help.open {
        help::render(state, areas.main, buf)
    } else {
        None
    };
    if let Some(cursor) = bar::render_status(state, areas.status, frame.buffer_mut()) {
        frame.set_cursor_position(cursor);
    } else if let Some(cursor) = form_cursor {
        frame.set_cursor_position(cursor);
    }
    Viewport {
        detail_max_scroll,
        help_max_scroll,
    }
}

/// The profile's accent colour (cyan unless configured).
pub fn accent(state: &State) -> Color {
    state.accent.unwrap_or(Color::Cyan)
}

/// The border style of a pane, brighter when it has the keyboard.
pub fn border_style(state: &State, focused: bool) -> Style {
    if focused {
        Style::new().fg(accent(state))
    } else {
        Style::new().fg(Color::DarkGray)
    }
}

/// Style of labels and other secondary text.
pub fn dim() -> Style {
    Style::new().add_modifier(Modifier::DIM)
}

#[cfg(test)]
mod form_tests;
