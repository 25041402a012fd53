//! The problems view (`!`): a frequency table of findings by rule, or one rule's findings,
//! with the scan's coverage in the title.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::style::{dim, scan_frame};
use super::text::{fit, truncate};
use crate::app::State;
use crate::app::problems::Problems;
use crate::present::mask;
use crate::scan::Finding;

/// Draws the view into `area` (where the list is otherwise).
pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    let Some(p) = state.problems.as_ref().filter(|p| p.open) else {
        return;
    };
    if area.is_empty() {
        return;
    }
    let inner = scan_frame(state, &p.title(), p.ended.is_none(), area, buf);
    if inner.is_empty() {
        return;
    }
    let (header, rows, selected) = match p.rule {
        None => rule_rows(p, usize::from(inner.width)),
        Some(rule) => {
            let findings = p.of_rule(rule);
            let (header, rows) = finding_rows(state, &findings, usize::from(inner.width));
            (header, rows, p.finding_row)
        }
    };
    if rows.is_empty() {
        let text = match &p.ended {
            None => "Scanning… findings appear here as pages arrive",
            Some(Ok(_)) => "No problems found",
            Some(Err(_)) => "The scan stopped before it found anything (r scans again)",
        };
        Paragraph::new(Line::styled(text, dim()))
            .wrap(Wrap { trim: false })
            .render(inner, buf);
        return;
    }
    let bold = Style::new().add_modifier(Modifier::BOLD);
    buf.set_stringn(
        inner.x,
        inner.y,
        format!("  {header}"),
        usize::from(inner.width),
        bold,
    );
    let height = usize::from(inner.height.saturating_sub(1));
    let offset = (selected + 1).saturating_sub(height);
    for (i, row) in rows.iter().enumerate().skip(offset).take(height) {
        let y = inner.y + 1 + u16::try_from(i - offset).unwrap_or(0);
        let (marker, style) = if i == selected {
            ("› ", Style::new().add_modifier(Modifier::REVERSED))
        } else {
            ("  ", Style::new())
        };
        buf.set_stringn(
            inner.x,
            y,
            format!("{marker}{row}"),
            usize::from(inner.width),
            style,
        );
    }
    if let Some(Err(e)) = &p.ended {
        let y = inner.y + inner.height.saturating_sub(1);
        let line = truncate(e, usize::from(inner.width));
        buf.set_stringn(
            inner.x,
            y,
            line,
            usize::from(inner.width),
            Style::new().fg(Color::Red),
        );
    }
}

/// The frequency table: rule, count, and the value most of its findings share.
fn rule_rows(p: &Problems, width: usize) -> (String, Vec<String>, usize) {
    let name_w = 32;
    let count_w = 8;
    let rest = width.saturating_sub(2 + name_w + count_w + 2);
    let header = format!(
        "{}{}  {}",
        fit("Rule", name_w),
        fit("   Count", count_w),
        "Most common value"
    );
    let rows = p
        .rules()
        .into_iter()
        .map(|(rule, n)| {
            let common = match p.top_value(rule) {
                Some((v, k)) if rule.is_duplicate() || k > 1 => {
                    let v = if rule.name().contains("identification") {
                        mask(&v)
                    } else {
                        v
                    };
                    format!("{k} × {v}")
                }
                _ => String::new(),
            };
            format!(
                "{}{:>8}  {}",
                fit(rule.name(), name_w),
                n,
                fit(&common, rest)
            )
        })
        .collect();
    (header, rows, p.rule_row)
}

/// One rule's findings: id, field, value and suggestion (identification numbers masked), with
/// the marks and staged signs of change sets when there are any.
fn finding_rows(state: &State, findings: &[&Finding], width: usize) -> (String, Vec<String>) {
    let (id_w, field_w) = (36, 22);
    let gutter = super::changes::gutter(state, "").map_or(0, |g| g.chars().count());
    let rest = width.saturating_sub(2 + gutter + id_w + field_w + 2);
    let (value_w, fix_w) = (rest / 2, rest - rest / 2);
    let header = format!(
        "{}{} {} {} {}",
        " ".repeat(gutter),
        fit("Id", id_w),
        fit("Field", field_w),
        fit("Value", value_w),
        fit("Suggestion", fix_w)
    );
    let rows = findings
        .iter()
        .map(|f| {
            let f = f.masked();
            format!(
                "{}{} {} {} {}",
                super::changes::gutter(state, &f.id).unwrap_or_default(),
                fit(&f.id, id_w),
                fit(&f.field, field_w),
                fit(f.value.as_deref().unwrap_or("—"), value_w),
                fit(f.suggestion.as_deref().unwrap_or("—"), fix_w)
            )
        })
        .collect();
    (header, rows)
}
