//! The filter view (`F`): the matches found so far, with the scan's coverage in the title.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::style::{dim, scan_frame};
use super::text::{fit, truncate};
use crate::app::State;
use crate::app::scan_view::Ended;

/// Draws the view into `area` (where the list is otherwise).
pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    let Some(f) = state.filter.as_ref() else {
        return;
    };
    if area.is_empty() {
        return;
    }
    let inner = scan_frame(state, &f.title(), f.scan.is_running(), area, buf);
    if inner.is_empty() {
        return;
    }
    if f.matches.is_empty() {
        let text = match &f.scan.ended {
            None => "Scanning… matches appear here as pages arrive (Esc stops)",
            Some(Ended::Complete(_) | Ended::Stopped) => "No prospect matches",
            Some(Ended::Failed(e)) => e.as_str(),
        };
        Paragraph::new(Line::styled(truncate(text, 500), dim()))
            .wrap(Wrap { trim: false })
            .render(inner, buf);
        return;
    }
    // Name, email, phone, postcode and country: the fields people filter on most.
    // Marks and staged signs take three more columns when there are any.
    let gutter = super::changes::gutter(state, "").map_or(0, |g| g.chars().count());
    let width = usize::from(inner.width).saturating_sub(2 + gutter);
    // Named as every view names a prospect: name and external reference first.
    let (ref_w, phone_w, post_w, country_w) = (12, 16, 10, 7);
    let rest = width.saturating_sub(ref_w + phone_w + post_w + country_w + 5);
    let (name_w, email_w) = (rest * 2 / 5, rest - rest * 2 / 5);
    let row = |cells: [&str; 6]| {
        [
            fit(cells[0], name_w),
            fit(cells[1], ref_w),
            fit(cells[2], email_w),
            fit(cells[3], phone_w),
            fit(cells[4], post_w),
            fit(cells[5], country_w),
        ]
        .join(" ")
    };
    let header = row([
        "Name",
        "External ref",
        "Email",
        "Phone",
        "Postcode",
        "Country",
    ]);
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let cols = usize::from(inner.width);
    let pad = " ".repeat(2 + gutter);
    buf.set_stringn(inner.x, inner.y, format!("{pad}{header}"), cols, bold);
    let height = usize::from(inner.height.saturating_sub(1));
    let offset = (f.selected + 1).saturating_sub(height);
    for (i, m) in f.matches.iter().enumerate().skip(offset).take(height) {
        let y = inner.y + 1 + u16::try_from(i - offset).unwrap_or(0);
        let line = row([
            m.name(),
            m.reference(),
            m.email(),
            m.phone(),
            m.postcode(),
            m.country(),
        ]);
        let (marker, style) = if i == f.selected {
            ("› ", Style::new().add_modifier(Modifier::REVERSED))
        } else {
            ("  ", Style::new())
        };
        let signs = super::changes::gutter(state, m.id()).unwrap_or_default();
        buf.set_stringn(inner.x, y, format!("{marker}{signs}{line}"), cols, style);
    }
}
