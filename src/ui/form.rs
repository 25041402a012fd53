//! The edit form: read-only facts on top, one input per editable field, changed fields
//! marked, messages under the fields they are about; scrolls to keep the focus in view.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};
use unicode_width::UnicodeWidthChar;

use super::style::{accent, dim, fg};
use super::text::{clean, fit, truncate, width, wrap};
use crate::app::State;
use crate::app::form::{FORM_FIELDS, Form, FormField, Stage};
use crate::patch::AddressPart;
use crate::theme::Role;

/// Columns of the label (marker included).
const LABEL_W: usize = 21;
/// The form is never wider than this, centred on wide screens.
const MAX_W: u16 = 100;

/// The form's rectangle inside `area`: centred, at most `MAX_W` wide.
pub fn place(area: Rect) -> Rect {
    let w = area.width.min(MAX_W);
    Rect::new(area.x + (area.width - w) / 2, area.y, w, area.height)
}

/// The `cols` columns of `s` starting at column `start` (wide characters are not split).
fn window(s: &str, start: usize, cols: usize) -> String {
    let mut out = String::new();
    let mut at = 0;
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if at < start {
            at += w;
            continue;
        }
        if used + w > cols {
            break;
        }
        out.push(c);
        used += w;
    }
    out
}

struct Content {
    lines: Vec<Line<'static>>,
    /// The line of the focused input, and the column of the cursor in it.
    cursor: (usize, usize),
    /// The last line belonging to the focused field (its messages included).
    focus_end: usize,
    /// The line of each field's input: (line, field index).
    fields: Vec<(usize, usize)>,
}

fn content(state: &State, form: &Form, cols: usize) -> Content {
    let label_style = fg(state, Role::Label).add_modifier(Modifier::BOLD);
    let input_w = cols.saturating_sub(LABEL_W + 1).max(1);
    let p = &form.original;
    let mut lines = Vec::new();
    // What the server said about no field in particular, in full, until the next attempt.
    for m in &form.server_messages {
        for part in wrap(&format!("⚠ {m}"), cols.saturating_sub(2).max(1)) {
            lines.push(Line::from(vec![
                Span::raw("  "),
                Span::styled(part, fg(state, Role::Error)),
            ]));
        }
    }
    if !form.server_messages.is_empty() {
        lines.push(Line::default());
    }
    for (label, value) in [
        ("Id", Some(p.id.clone())),
        ("External reference", p.external_reference.clone()),
        ("Created", p.create_date.clone()),
    ] {
        lines.push(Line::from(vec![
            Span::styled(format!("  {}", fit(label, LABEL_W - 2)), dim()),
            Span::styled(truncate(value.as_deref().unwrap_or("—"), input_w), dim()),
        ]));
    }
    let mut cursor = (0, 0);
    let mut focus_end = 0;
    let mut fields = Vec::new();
    for (i, field) in FORM_FIELDS.iter().enumerate() {
        if i == 0 || *field == FormField::Address(AddressPart::Type) {
            lines.push(Line::default());
            if *field == FormField::Address(AddressPart::Type) {
                lines.push(Line::styled(
                    "  Address",
                    dim().add_modifier(Modifier::BOLD),
                ));
            }
        }
        let Some(input) = form.inputs.get(i) else {
            continue;
        };
        let focused = i == form.focus;
        let changed = form.field_changed(i);
        let messages = form.messages_for(i);
        // A mark that needs no colour: `›` has the keyboard, `•` changed.
        let marker = format!(
            "{}{}",
            if focused { "›" } else { " " },
            if changed { "•" } else { " " }
        );
        let mut style = label_style;
        if changed {
            style = style.fg(state.theme.get(Role::Changed));
        }
        if !messages.is_empty() {
            style = style.fg(state.theme.get(Role::Error));
        }
        if focused {
            style = style.fg(accent(state));
        }
        let text = clean(&input.text()).into_owned();
        let before = width(&clean(&input.before_cursor()));
        // Keep the cursor inside the input: show a later part of a long value.
        let start = before.saturating_sub(input_w.saturating_sub(1));
        let shown = window(&text, start, input_w);
        let input_style = if focused {
            // White on the muted grey: readable in both presets.
            Style::new()
                .bg(state.theme.get(Role::Muted))
                .fg(Color::White)
        } else if text.is_empty() {
            dim()
        } else {
            Style::new()
        };
        let value = if text.is_empty() && !focused {
            "—".to_string()
        } else {
            shown
        };
        let pad = input_w.saturating_sub(width(&value));
        fields.push((lines.len(), i));
        let mut spans = vec![
            Span::styled(
                format!("{marker}{}", fit(field.label(), LABEL_W - 3)),
                style,
            ),
            Span::raw(" "),
            Span::styled(value, input_style),
        ];
        if focused {
            spans.push(Span::styled(" ".repeat(pad), input_style));
            cursor = (lines.len(), LABEL_W + before - start);
        }
        lines.push(Line::from(spans));
        for m in &messages {
            for part in wrap(&format!("⚠ {m}"), input_w) {
                lines.push(Line::from(vec![
                    Span::raw(" ".repeat(LABEL_W)),
                    Span::styled(part, fg(state, Role::Error)),
                ]));
            }
        }
        if focused {
            focus_end = lines.len() - 1;
        }
    }
    Content {
        lines,
        cursor,
        focus_end,
        fields,
    }
}

/// Draws the form into `area`; returns where the terminal cursor goes while typing.
/// Draws the form; returns where the cursor goes, and the screen row of each field's input
/// (row, field index) for the mouse.
pub fn render(
    state: &State,
    area: Rect,
    buf: &mut Buffer,
) -> (Option<Position>, Vec<(u16, usize)>) {
    let fields = |c: &Content, inner: Rect, scroll: usize| -> Vec<(u16, usize)> {
        c.fields
            .iter()
            .filter_map(|(line, i)| {
                let row = line
                    .checked_sub(scroll)
                    .filter(|r| *r < usize::from(inner.height))?;
                Some((inner.y + u16::try_from(row).ok()?, *i))
            })
            .collect()
    };
    let Some(form) = state.form.as_ref() else {
        return (None, Vec::new());
    };
    if area.is_empty() {
        return (None, Vec::new());
    }
    let area = place(area);
    let name = form.original.full_name();
    let title = if name.is_empty() {
        form.original.id.clone()
    } else {
        name
    };
    let changed = (0..FORM_FIELDS.len())
        .filter(|i| form.field_changed(*i))
        .count();
    let right = match changed {
        0 => " no changes ".to_string(),
        1 => " • 1 field changed ".to_string(),
        n => format!(" • {n} fields changed "),
    };
    let block = Block::bordered()
        .border_style(Style::new().fg(accent(state)))
        .title_top(Line::from(format!(" Edit {} ", truncate(&title, 50))))
        .title_top(Line::from(right).right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.is_empty() {
        return (None, Vec::new());
    }
    let c = content(state, form, usize::from(inner.width));
    let height = usize::from(inner.height);
    let scroll = (c.focus_end + 1).saturating_sub(height).min(c.cursor.0);
    Paragraph::new(c.lines.clone())
        .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0))
        .render(inner, buf);
    if form.stage != Stage::Editing {
        return (None, Vec::new());
    }
    let rows = fields(&c, inner, scroll);
    let Some(row) = c.cursor.0.checked_sub(scroll).filter(|r| *r < height) else {
        return (None, rows);
    };
    let x = inner.x + u16::try_from(c.cursor.1).unwrap_or(u16::MAX);
    let y = inner.y + u16::try_from(row).unwrap_or(u16::MAX);
    (
        Some(Position::new(x.min(inner.right().saturating_sub(1)), y)),
        rows,
    )
}
