//! The styles the panes share: the profile's accent, focused borders, secondary text.

use ratatui::style::{Color, Modifier, Style};

use crate::app::State;

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
