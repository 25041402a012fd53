//! The help overlay, generated from the key table.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use super::text::fit;
use super::{accent, layout};
use crate::app::State;
use crate::app::keys::BINDINGS;

const WHERE_W: usize = 14;
const KEYS_W: usize = 16;

fn lines(state: &State) -> Vec<Line<'static>> {
    let key_style = Style::new()
        .fg(accent(state))
        .add_modifier(Modifier::BOLD);
    let mut out = vec![Line::from(vec![Span::styled(
        format!("{} {} does", fit("where", WHERE_W), fit("key", KEYS_W)),
        Style::new().add_modifier(Modifier::BOLD),
    )])];
    for b in BINDINGS {
        out.push(Line::from(vec![
            Span::raw(format!("{} ", fit(&b.context_labels(), WHERE_W))),
            Span::styled(format!("{} ", fit(&b.key_labels(), KEYS_W)), key_style),
            Span::raw(b.description),
        ]));
    }
    out
}

fn overlay(area: Rect, content_height: usize) -> Rect {
    let height = u16::try_from(content_height + 2).unwrap_or(u16::MAX);
    let [row] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [rect] = Layout::horizontal([Constraint::Length(96)])
        .flex(Flex::Center)
        .areas(row);
    rect
}

/// The furthest the help can scroll at the current size.
pub fn max_scroll(state: &State) -> u16 {
    let main = layout::areas(state, layout::screen(state)).main;
    let n = lines(state).len();
    let inner = Block::bordered().inner(overlay(main, n));
    u16::try_from(n.saturating_sub(usize::from(inner.height))).unwrap_or(u16::MAX)
}

/// Draws the overlay centred in `area`.
pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    let content = lines(state);
    let rect = overlay(area, content.len());
    if rect.is_empty() {
        return;
    }
    Clear.render(rect, buf);
    let block = Block::bordered()
        .border_style(Style::new().fg(accent(state)))
        .title_top(Line::from(" Keys "))
        .title_top(Line::from(" ? or Esc closes ").right_aligned());
    let inner = block.inner(rect);
    block.render(rect, buf);
    let max = u16::try_from(content.len().saturating_sub(usize::from(inner.height)))
        .unwrap_or(u16::MAX);
    Paragraph::new(content)
        .scroll((state.help.scroll.min(max), 0))
        .render(inner, buf);
}
