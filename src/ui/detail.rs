//! The detail pane: every field the server sent, labelled; nothing hidden.

use super::find;
use super::style::find_style;
use super::style::{border_style, border_type, dim, fg};
use super::text::{clean, fit, truncate, width, wrap};
use crate::app::find::FindTarget;
use crate::app::keys::{Action, Context};
use crate::app::state::Detail;
use crate::app::{Focus, State};
use crate::present::fields;
use crate::theme::Role;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};

/// The pane's content as lines, wrapped to `cols` columns.
fn lines(state: &State, detail: &Detail, cols: u16) -> Vec<Line<'static>> {
    let fields = fields(&detail.prospect, detail.reveal);
    let label_w = fields
        .iter()
        .map(|f| width(&clean(&f.label)))
        .max()
        .unwrap_or(0)
        .min(usize::from(cols / 2));
    let value_w = usize::from(cols).saturating_sub(label_w + 1).max(1);
    // A staged change comes first: it is what is about to happen to this record.
    let mut out = super::changes::detail_lines(state, detail.reveal);
    for f in fields {
        let label = format!("{} ", fit(&f.label, label_w));
        let (text, style) = match &f.value {
            Some(v) => (v.clone(), Style::new()),
            None => ("—".to_string(), dim()),
        };
        for (i, chunk) in wrap(&text, value_w).into_iter().enumerate() {
            let head = if i == 0 {
                Span::styled(
                    label.clone(),
                    fg(state, Role::Label).add_modifier(Modifier::BOLD),
                )
            } else {
                Span::raw(" ".repeat(label_w + 1))
            };
            out.push(Line::from(vec![head, Span::styled(chunk, style)]));
        }
        if f.masked {
            let note = format!(
                "(masked: {} reveals)",
                state.keys.key_label_for(Context::Detail, Action::Reveal)
            );
            out.push(Line::from(vec![
                Span::raw(" ".repeat(label_w + 1)),
                Span::styled(note, dim()),
            ]));
        }
    }
    out
}

/// Draws the detail pane into `area`; returns how far it can scroll and the lines matching a
/// search in it, if one is on (`None` when not shown).
pub fn render(state: &State, area: Rect, buf: &mut Buffer) -> Option<(u16, Option<Vec<u16>>)> {
    let detail = state.detail.as_ref()?;
    if area.is_empty() {
        return None;
    }
    let p = &detail.prospect;
    let name = p.full_name();
    let title = if name.is_empty() { p.id.clone() } else { name };
    let mut right = String::new();
    if state.detail_reloading() {
        right = format!(" {} ", state.spinner());
    }
    let block = Block::bordered()
        .border_style(border_style(state, state.focus == Focus::Detail))
        .border_type(border_type(state, state.focus == Focus::Detail))
        .title_top(Line::from(format!(" {} ", truncate(&title, 60))))
        .title_top(Line::from(right).right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);
    let mut content = lines(state, detail, inner.width);
    let mut found = None;
    if let Some(q) = find::query_for(state, FindTarget::Detail) {
        let current = state.find.as_ref().and_then(|f| f.current);
        let (lit, lines) = find::highlight(content, q, current, find_style(state));
        content = lit;
        found = Some(lines);
    }
    let max =
        u16::try_from(content.len().saturating_sub(usize::from(inner.height))).unwrap_or(u16::MAX);
    Paragraph::new(content)
        .scroll((detail.scroll.min(max), 0))
        .render(inner, buf);
    Some((max, found))
}
