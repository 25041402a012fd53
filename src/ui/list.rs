//! The list pane: a table of prospects with the profile, search and paging in its title.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

use super::style::{accent, accent_is_red, badge, border_style, border_type, dim, fg, selection};
use super::text::{fit, truncate};
use crate::api::Prospect;
use crate::app::keys::{Action, Context};
use crate::app::{Focus, State};
use crate::theme::Role;

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
            .fg(state.theme.get(Role::SelectionText))
            .bg(accent(state))
            .add_modifier(Modifier::BOLD),
    )];
    // Badges in words, so production never depends on seeing the colour.
    if accent_is_red(state) {
        spans.push(Span::styled(" PROD ", badge(state)));
    }
    if state.read_only {
        spans.push(Span::styled(" READ-ONLY ", badge(state)));
    }
    if !state.list.search.is_empty() {
        spans.push(Span::raw(format!(
            " search \"{}\" ",
            truncate(&state.list.search, 30)
        )));
    }
    if let Some(counts) = super::changes::counts(state) {
        spans.push(Span::styled(counts, fg(state, Role::Changed)));
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
                format!(" ! {} ", truncate(err, budget.saturating_sub(2))),
                fg(state, Role::Error),
            ));
        }
    } else if !parts.is_empty() {
        spans.push(Span::raw(paging));
    }
    Line::from(spans).right_aligned()
}

/// Draws the list pane into `area`; returns where its rows are and the index of the first
/// shown (for the mouse).
pub fn render(state: &State, area: Rect, buf: &mut Buffer) -> Option<(Rect, usize)> {
    if area.is_empty() {
        return None;
    }
    let focused = state.focus == Focus::List || state.detail.is_none();
    let left = title_left(state);
    // Two corners and a gap of two between the titles.
    let room = usize::from(area.width).saturating_sub(left.width() + 4);
    let block = Block::bordered()
        .border_style(border_style(state, focused))
        .border_type(border_type(state, focused))
        .title_top(left)
        .title_top(title_right(state, room));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.is_empty() {
        return None;
    }
    if state.list.rows.is_empty() {
        render_empty(state, inner, buf);
        return None;
    }
    // Two columns for the selection marker, so the selection shows even without colour, and
    // three more for marks and staged changes when there are any.
    let gutter = if state.marks.is_empty() && state.staged.is_empty() {
        2
    } else {
        5
    };
    let cols = columns(inner.width.saturating_sub(gutter));
    let header: String = cols
        .iter()
        .map(|(c, w)| fit(c.title(), usize::from(*w)))
        .collect::<Vec<_>>()
        .join(" ");
    let bold = Style::new().add_modifier(Modifier::BOLD);
    buf.set_stringn(
        inner.x,
        inner.y,
        format!("{}{header}", " ".repeat(usize::from(gutter))),
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
            ("› ", selection(state, focused))
        } else {
            ("  ", Style::new())
        };
        let signs = super::changes::gutter(state, &p.id).unwrap_or_default();
        buf.set_stringn(
            inner.x,
            y,
            format!("{marker}{signs}{line}"),
            usize::from(inner.width),
            style,
        );
    }
    let rows = Rect::new(
        inner.x,
        inner.y + 1,
        inner.width,
        inner.height.saturating_sub(1),
    );
    Some((rows, offset))
}

fn render_empty(state: &State, area: Rect, buf: &mut Buffer) {
    let text = match (&state.list.shown, &state.list.error) {
        (None, Some(err)) => vec![
            Line::styled(format!("! {}", truncate(err, 500)), fg(state, Role::Error)),
            Line::styled(
                format!(
                    "{} tries again",
                    state.keys.first_key_label(Context::List, Action::Reload)
                ),
                dim(),
            ),
        ],
        (None, None) => vec![Line::styled("Loading prospects…", dim())],
        (Some(shown), _) if state.list.loading.is_some() && shown.search != state.list.search => {
            vec![Line::styled("Searching…", dim())]
        }
        (Some(_), _) if !state.list.search.is_empty() => vec![Line::from(format!(
            "No prospects match \"{}\" — {} clears the search",
            truncate(&state.list.search, 200),
            state
                .keys
                .first_key_label(Context::List, Action::ClearSearch)
        ))],
        (Some(_), _) => vec![Line::from("No prospects yet")],
    };
    Paragraph::new(text)
        .wrap(Wrap { trim: false })
        .render(area, buf);
}
