//! The help overlay, generated from the key table.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use super::find;
use super::style::{accent, find_style, key};
use super::text::{fit, wrap};
use crate::app::State;
use crate::app::find::FindTarget;
use crate::app::keys::{Action, Context, Key};

const WHERE_W: usize = 14;
const KEYS_W: usize = 16;

/// The help text for an overlay `cols` columns wide inside; descriptions wrap.
fn lines(state: &State, cols: u16) -> Vec<Line<'static>> {
    let key_style = key(state);
    let desc_w = usize::from(cols)
        .saturating_sub(WHERE_W + KEYS_W + 2)
        .max(10);
    let mut out = vec![Line::from(vec![Span::styled(
        format!("{} {} does", fit("where", WHERE_W), fit("key", KEYS_W)),
        Style::new().add_modifier(Modifier::BOLD),
    )])];
    for (b, keys) in state.keys.rows() {
        let keys = keys.iter().map(Key::label).collect::<Vec<_>>().join(" ");
        for (i, part) in wrap(b.description, desc_w).into_iter().enumerate() {
            let (place, keys) = if i == 0 {
                (b.context_labels(), keys.clone())
            } else {
                (String::new(), String::new())
            };
            out.push(Line::from(vec![
                Span::raw(format!("{} ", fit(&place, WHERE_W))),
                Span::styled(format!("{} ", fit(&keys, KEYS_W)), key_style),
                Span::raw(part),
            ]));
        }
    }
    out
}

const OVERLAY_W: u16 = 96;

/// The overlay's content and its rectangle, centred in `area`.
fn place(state: &State, area: Rect) -> (Vec<Line<'static>>, Rect) {
    let width = area.width.min(OVERLAY_W);
    let content = lines(state, width.saturating_sub(2));
    let rect = overlay(area, content.len());
    (content, rect)
}

fn overlay(area: Rect, content_height: usize) -> Rect {
    let height = u16::try_from(content_height + 2).unwrap_or(u16::MAX);
    let [row] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [rect] = Layout::horizontal([Constraint::Length(OVERLAY_W)])
        .flex(Flex::Center)
        .areas(row);
    rect
}

/// The overlay's rectangle in `area` (where the wheel scrolls it).
pub fn area(state: &State, area: Rect) -> Rect {
    place(state, area).1
}

/// Draws the overlay centred in `area`; returns how far it can scroll and the lines matching
/// a search in it, if one is on.
pub fn render(state: &State, area: Rect, buf: &mut Buffer) -> Option<(u16, Option<Vec<u16>>)> {
    let (mut content, rect) = place(state, area);
    let mut found = None;
    if let Some(q) = find::query_for(state, FindTarget::Help) {
        let current = state.find.as_ref().and_then(|f| f.current);
        let (lit, lines) = find::highlight(content, q, current, find_style(state));
        content = lit;
        found = Some(lines);
    }
    if rect.is_empty() {
        return None;
    }
    Clear.render(rect, buf);
    let close = state
        .keys
        .key_label_for(Context::Help, Action::CloseHelp)
        .replace('/', " or ");
    let block = Block::bordered()
        .border_style(Style::new().fg(accent(state)))
        .title_top(Line::from(" Keys "))
        .title_top(Line::from(format!(" {} closes ", close)).right_aligned());
    let inner = block.inner(rect);
    block.render(rect, buf);
    let max =
        u16::try_from(content.len().saturating_sub(usize::from(inner.height))).unwrap_or(u16::MAX);
    Paragraph::new(content)
        .scroll((state.help.scroll.min(max), 0))
        .render(inner, buf);
    Some((max, found))
}
