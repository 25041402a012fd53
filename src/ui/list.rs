//! The list pane: a table of prospects with the profile, search and paging in its title.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

use super::style::{accent, border_style, dim};
use super::text::{fit, truncate};
use crate::api::Prospect;
use crate::app::{Focus, State};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Column {
    Name,
    Email,
    Reference,
    Phone,
    Created,
}

impl Column {
    fn title(self) -> &'static str {
        match self {
            Column::Name => "Name",
            Column::Email => "Email",
            Column::Reference => "External ref",
            Column::Phone => "Phone",
            Column::Created => "Created",
        }
    }

    fn value(self, p: &Prospect) -> String {
        match self {
            Column::Name => p.full_name(),
            Column::Email => p.email.clone(),
            Column::Reference => p.external_reference.clone().unwrap_or_default(),
            Column::Phone => p.phone_number.clone().unwrap_or_default(),
            Column::Created => crate::present::created_day(p),
        }
    }
}

/// Which columns fit, and how wide each is.
fn columns(width: u16) -> Vec<(Column, u16)> {
    use Column::*;
    let (cols, constraints): (Vec<Column>, Vec<Constraint>) = if width >= 90 {
        (
            vec![Name, Email, Reference, Phone, Created],
            vec![
                Constraint::Fill(2),
                Constraint::Fill(3),
                Constraint::Length(14),
                Constraint::Length(14),
                Constraint::Length(10),
            ],
        )
    } else if width >= 64 {
        (
            // Phone before Created: a caller on the line is found by number.
            vec![Name, Email, Reference, Phone],
            vec![
                Constraint::Fill(2),
                Constraint::Fill(3),
                Constraint::Length(12),
                Constraint::Length(14),
            ],
        )
    } else if width >= 30 {
        (
            vec![Name, Email],
            vec![Constraint::Fill(2), Constraint::Fill(3)],
        )
    } else {
        (vec![Name], vec![Constraint::Fill(1)])
    };
    let rects = Layout::horizontal(constraints)
        .spacing(1)
        .split(Rect::new(0, 0, width, 1));
    cols.into_iter()
        .zip(rects.iter().map(|r| r.width))
        .collect()
}

fn title_left(state: &State) -> Line<'static> {
    let mut spans = vec![Span::styled(
        format!(" {} ", truncate(&state.profile, 24)),
        Style::new()
            .fg(Color::Black)
            .bg(accent(state))
            .add_modifier(Modifier::BOLD),
    )];
    if state.read_only {
        spans.push(Span::styled(
            " read-only ",
            Style::new().fg(Color::White).bg(Color::Red),
        ));
    }
    if !state.list.search.is_empty() {
        spans.push(Span::raw(format!(
            " search \"{}\" ",
            truncate(&state.list.search, 30)
        )));
    }
    Line::from(spans)
}

fn title_right(state: &State, room: usize) -> Line<'static> {
    let mut parts = Vec::new();
    if let (Some(key), Some(meta)) = (&state.list.shown, state.list.meta) {
        parts.push(format!("page {} of {}", key.page, meta.total_pages.max(1)));
        let noun = if meta.total_items == 1 {
            "prospect"
        } else {
            "prospects"
        };
        parts.push(format!("{} {noun}", meta.total_items));
    }
    if state.busy() {
        parts.push(state.spinner().to_string());
    }
    let mut spans = Vec::new();
    let paging = format!(" {} ", parts.join(" · "));
    if let Some(err) = &state.list.error {
        // The error gets what the border has left after the profile (never cut) and, when
        // there is room for both, the paging; a narrow terminal drops the paging first.
        let with_paging = room.saturating_sub(paging.chars().count() + 2);
        let budget = if parts.is_empty() || with_paging < 16 {
            room.saturating_sub(2)
        } else {
            spans.push(Span::raw(paging));
            with_paging
        };
        if budget > 0 {
            spans.push(Span::styled(
                format!(" {} ", truncate(err, budget)),
                Style::new().fg(Color::Red),
            ));
        }
    } else if !parts.is_empty() {
        spans.push(Span::raw(paging));
    }
    Line::from(spans).right_aligned()
}

/// Draws the list pane into `area`.
pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let focused = state.focus == Focus::List || state.detail.is_none();
    let left = title_left(state);
    // Two corners and a gap of two between the titles.
    let room = usize::from(area.width).saturating_sub(left.width() + 4);
    let block = Block::bordered()
        .border_style(border_style(state, focused))
        .title_top(left)
        .title_top(title_right(state, room));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.is_empty() {
        return;
    }
    if state.list.rows.is_empty() {
        return render_empty(state, inner, buf);
    }
    // Two columns for the selection marker, so the selection shows even without colour.
    let cols = columns(inner.width.saturating_sub(2));
    let header: String = cols
        .iter()
        .map(|(c, w)| fit(c.title(), usize::from(*w)))
        .collect::<Vec<_>>()
        .join(" ");
    let bold = Style::new().add_modifier(Modifier::BOLD);
    buf.set_stringn(
        inner.x,
        inner.y,
        format!("  {header}"),
        usize::from(inner.width),
        bold,
    );
    let height = usize::from(inner.height.saturating_sub(1));
    let selected = state.list.selected;
    let offset = (selected + 1).saturating_sub(height);
    for (i, p) in state.list.rows.iter().enumerate().skip(offset).take(height) {
        let y = inner.y + 1 + u16::try_from(i - offset).unwrap_or(0);
        let line: String = cols
            .iter()
            .map(|(c, w)| fit(&c.value(p), usize::from(*w)))
            .collect::<Vec<_>>()
            .join(" ");
        let (marker, style) = if i == selected {
            let style = if focused {
                Style::new().add_modifier(Modifier::REVERSED)
            } else {
                Style::new().add_modifier(Modifier::UNDERLINED)
            };
            ("› ", style)
        } else {
            ("  ", Style::new())
        };
        buf.set_stringn(
            inner.x,
            y,
            format!("{marker}{line}"),
            usize::from(inner.width),
            style,
        );
    }
}

fn render_empty(state: &State, area: Rect, buf: &mut Buffer) {
    let text = match (&state.list.shown, &state.list.error) {
        (None, Some(err)) => vec![
            Line::styled(truncate(err, 500), Style::new().fg(Color::Red)),
            Line::styled("r tries again", dim()),
        ],
        (None, None) => vec![Line::styled("Loading prospects…", dim())],
        (Some(shown), _) if state.list.loading.is_some() && shown.search != state.list.search => {
            vec![Line::styled("Searching…", dim())]
        }
        (Some(_), _) if !state.list.search.is_empty() => vec![Line::from(format!(
            "No prospects match \"{}\" — Esc clears the search",
            truncate(&state.list.search, 200)
        ))],
        (Some(_), _) => vec![Line::from("No prospects yet")],
    };
    Paragraph::new(text)
        .wrap(Wrap { trim: false })
        .render(area, buf);
}
