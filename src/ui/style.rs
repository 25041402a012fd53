//! The styles the panes share, by role from the theme: the profile's accent, focused borders,
//! the selection, badges, secondary text; and colour taken out entirely when it is off.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::BorderType;

use crate::app::State;
use crate::theme::Role;

/// The profile's accent colour (the theme's unless the profile sets one).
pub fn accent(state: &State) -> Color {
    state.accent.unwrap_or(state.theme.get(Role::Accent))
}

/// Text in a role's colour.
pub fn fg(state: &State, role: Role) -> Style {
    Style::new().fg(state.theme.get(role))
}

/// Keys in help, footer and dialogs.
pub fn key(state: &State) -> Style {
    Style::new().fg(accent(state)).add_modifier(Modifier::BOLD)
}

/// The border style of a pane, brighter when it has the keyboard.
pub fn border_style(state: &State, focused: bool) -> Style {
    if focused {
        Style::new().fg(accent(state))
    } else {
        fg(state, Role::Muted)
    }
}

/// The border of a pane: thick when it has the keyboard and another pane is on screen, so
/// focus shows without colour.
pub fn border_type(state: &State, focused: bool) -> BorderType {
    let two_panes = state.is_wide() && state.detail.is_some() && state.form.is_none();
    if focused && two_panes {
        BorderType::Thick
    } else {
        BorderType::Plain
    }
}

/// The selected row: coloured, or reversed without colour; underlined when its pane does
/// not have the keyboard. (The `›` marker shows it in any case.)
pub fn selection(state: &State, focused: bool) -> Style {
    match (focused, state.theme.colors) {
        (false, _) => Style::new().add_modifier(Modifier::UNDERLINED),
        (true, true) => Style::new()
            .fg(state.theme.get(Role::SelectionText))
            .bg(state.theme.get(Role::Selection))
            .add_modifier(Modifier::BOLD),
        (true, false) => Style::new().add_modifier(Modifier::REVERSED),
    }
}

/// A match of a search inside the detail or help: reversed, so it shows without colour too.
pub fn find_style(state: &State) -> Style {
    if state.theme.colors {
        Style::new()
            .fg(state.theme.get(Role::SelectionText))
            .bg(state.theme.get(Role::Warning))
    } else {
        Style::new().add_modifier(Modifier::REVERSED)
    }
}

/// The `READ-ONLY` and `PROD` badges.
pub fn badge(state: &State) -> Style {
    Style::new()
        .fg(state.theme.get(Role::BadgeText))
        .bg(state.theme.get(Role::Badge))
        .add_modifier(Modifier::BOLD)
}

/// Whether the profile's accent is red: the convention for production, shown as `PROD` too.
pub fn accent_is_red(state: &State) -> bool {
    match state.accent {
        Some(Color::Red | Color::LightRed) => true,
        Some(Color::Rgb(r, g, b)) => r >= 0x99 && g < 0x66 && b < 0x66,
        _ => false,
    }
}

/// Style of labels and other secondary text.
pub fn dim() -> Style {
    Style::new().add_modifier(Modifier::DIM)
}

/// Takes every colour out of a drawn frame (`NO_COLOR`, `color = "never"`); bold, reverse and
/// underline stay.
pub fn strip_colors(buf: &mut Buffer) {
    for cell in &mut buf.content {
        cell.fg = Color::Reset;
        cell.bg = Color::Reset;
        cell.underline_color = Color::Reset;
    }
}

/// The border of a view fed by a scan (`!`, `F`): its title (cut to the width) and, while
/// the scan runs, the spinner; returns the area inside.
pub fn scan_frame(state: &State, title: &str, running: bool, area: Rect, buf: &mut Buffer) -> Rect {
    let mut title = format!(
        " {} ",
        super::text::truncate(title, usize::from(area.width).saturating_sub(6))
    );
    if running {
        title.push_str(&format!("{} ", state.spinner()));
    }
    // Behind a record that has the keyboard, the view's border is the quiet one.
    let focused = !state.detail_has_keys();
    let block = ratatui::widgets::Block::bordered()
        .border_style(border_style(state, focused))
        .border_type(border_type(state, focused))
        .title_top(ratatui::text::Line::from(title));
    let inner = block.inner(area);
    ratatui::widgets::Widget::render(block, area, buf);
    inner
}
