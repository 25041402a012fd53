//! The facet view (`%`): a field's values with their counts, shares and a proportional bar,
//! most common first, the scan's coverage in the title; or (`c`) the field's clusters, the
//! selected one's spellings under the table.

use std::ops::Range;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::style::{dim, scan_frame};
use super::text::{clean, fit};
use crate::app::State;
use crate::app::facet::FacetView;
use crate::app::problems::thousands;
use crate::app::scan_view::Ended;
use crate::present::mask;

/// How many lines the selected cluster's spellings take under the clusters.
const SPELLING_LINES: usize = 5;

/// Draws the view into `area` (where the list is otherwise).
pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    let Some(f) = state.facet.as_ref() else {
        return;
    };
    if area.is_empty() {
        return;
    }
    let running = f.scan.is_running() || f.clusters.as_ref().is_some_and(|c| c.req.is_some());
    let inner = scan_frame(state, &f.title(), running, area, buf);
    if inner.is_empty() {
        return;
    }
    let width = usize::from(inner.width);
    // Only the rows on screen are formatted: a facet may hold 100,000 values.
    let below = if f.clusters.is_some() {
        spellings(f, width)
    } else {
        Vec::new()
    };
    let below_h = u16::try_from(below.len()).unwrap_or(0);
    let height = usize::from(inner.height.saturating_sub(1 + below_h));
    let selected = match &f.clusters {
        Some(c) => c.selected,
        None => f.selected,
    };
    let offset = (selected + 1).saturating_sub(height);
    let window = offset..offset + height;
    let (header, rows) = match &f.clusters {
        Some(c) => match &c.list {
            None => return empty(inner, buf, "Clustering… (Esc shows the values)"),
            Some(list) if list.is_empty() => {
                return empty(
                    inner,
                    buf,
                    "No clusters: no two values share a key (c tries the next method)",
                );
            }
            Some(_) => cluster_rows(f, width, window),
        },
        None if f.rows().is_empty() => {
            let text = match &f.scan.ended {
                None => "Counting… values appear here as pages arrive (Esc stops)",
                Some(Ended::Failed(e)) => e.as_str(),
                Some(_) => "No records",
            };
            return empty(inner, buf, text);
        }
        None => value_rows(f, width, window),
    };
    let bold = Style::new().add_modifier(Modifier::BOLD);
    buf.set_stringn(inner.x, inner.y, format!("  {header}"), width, bold);
    for (n, row) in rows.iter().enumerate() {
        let i = offset + n;
        let y = inner.y + 1 + u16::try_from(n).unwrap_or(0);
        let (marker, style) = if i == selected {
            ("› ", Style::new().add_modifier(Modifier::REVERSED))
        } else {
            ("  ", Style::new())
        };
        buf.set_stringn(inner.x, y, format!("{marker}{row}"), width, style);
    }
    let top = inner.y + inner.height.saturating_sub(below_h);
    for (i, line) in below.into_iter().enumerate() {
        let y = top + u16::try_from(i).unwrap_or(0);
        line.render(Rect::new(inner.x, y, inner.width, 1), buf);
    }
}

fn empty(inner: Rect, buf: &mut Buffer, text: &str) {
    Paragraph::new(Line::styled(super::text::truncate(text, 500), dim()))
        .wrap(Wrap { trim: false })
        .render(inner, buf);
}

/// A value as shown: escaped, masked when secret, `(empty)` for blank or missing.
fn shown(f: &FacetView, value: Option<&str>) -> String {
    match value {
        None => "(empty)".to_string(),
        Some(v) if f.field.is_secret() => mask(v),
        Some(v) => clean(v).into_owned(),
    }
}

/// The value table's rows in `window`: value, count, share and a bar as long as the count is
/// to the largest.
fn value_rows(f: &FacetView, width: usize, window: Range<usize>) -> (String, Vec<String>) {
    let avail = width.saturating_sub(2);
    let (count_w, share_w) = (9, 7);
    let shown_rows = f
        .rows()
        .get(window.start..window.end.min(f.rows().len()))
        .unwrap_or(&[]);
    // The value gets what the values on screen need, up to 48 columns; the bar the rest (up
    // to 50).
    let longest = shown_rows
        .iter()
        .map(|r| super::text::width(&shown(f, r.value.as_deref())))
        .max()
        .unwrap_or(0)
        .max(8);
    // On a narrow terminal the bar gives way first.
    let value_w = longest
        .min(48)
        .min(avail.saturating_sub(count_w + share_w + 2));
    let bar_w = avail
        .saturating_sub(value_w + count_w + share_w + 3)
        .min(50);
    let header = format!(
        "{} {:>count_w$} {:>share_w$} {}",
        fit("Value", value_w),
        "Count",
        "Share",
        ""
    );
    let max = f.rows().first().map_or(1, |r| r.count.max(1));
    let rows = shown_rows
        .iter()
        .map(|r| {
            let cells = (r.count as usize * bar_w).div_ceil(max as usize).min(bar_w);
            format!(
                "{} {:>count_w$} {:>share_w$} {}",
                fit(&shown(f, r.value.as_deref()), value_w),
                thousands(r.count),
                format!("{:.1}%", f.share(r.count)),
                "█".repeat(cells)
            )
        })
        .collect();
    (header, rows)
}

/// The cluster table's rows in `window`: the value the group would become, how many spellings
/// and records.
fn cluster_rows(f: &FacetView, width: usize, window: Range<usize>) -> (String, Vec<String>) {
    let avail = width.saturating_sub(2);
    let (n_w, rec_w) = (10, 9);
    let value_w = avail.saturating_sub(n_w + rec_w + 2).min(60);
    let header = format!(
        "{} {:>n_w$} {:>rec_w$}",
        fit("Most common value (A sets the group to it)", value_w),
        "Spellings",
        "Records"
    );
    let list = f.clusters.as_ref().and_then(|c| c.list.as_ref());
    let rows = list
        .into_iter()
        .flatten()
        .skip(window.start)
        .take(window.len())
        .map(|c| {
            format!(
                "{} {:>n_w$} {:>rec_w$}",
                fit(&shown(f, Some(c.winner())), value_w),
                c.values.len(),
                thousands(c.records)
            )
        })
        .collect();
    (header, rows)
}

/// The selected cluster's spellings with their counts, under a rule.
fn spellings(f: &FacetView, width: usize) -> Vec<Line<'static>> {
    let Some(c) = f.selected_cluster() else {
        return Vec::new();
    };
    let mut lines = vec![Line::styled("─".repeat(width), dim())];
    let shown_values: Vec<String> = c
        .values
        .iter()
        .map(|s| format!("{} × {}", thousands(s.count), shown(f, Some(&s.value))))
        .collect();
    let text = format!("Spellings: {}", shown_values.join("   "));
    lines.extend(
        super::text::wrap(&text, width)
            .into_iter()
            .take(SPELLING_LINES - 1)
            .map(Line::raw),
    );
    lines
}
