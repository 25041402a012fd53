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
use crate::app::scan_view::Ended;
use crate::present::mask;
use crate::scan::Finding;

/// Draws the view into `area` (where the list is otherwise).
pub fn render(state: &State, area: Rect, buf: &mut Buffer) {
    let Some(p) = state.problems.as_ref() else {
        return;
    };
    if area.is_empty() {
        return;
    }
    let inner = scan_frame(state, &p.title(), p.scan.is_running(), area, buf);
    if inner.is_empty() {
        return;
    }
    // Listing findings, the selected one's message (why) takes the last lines.
    let why = p
        .selected()
        .map(|f| why_lines(p, f, usize::from(inner.width)));
    let why_h = why
        .as_ref()
        .map_or(0, |w| u16::try_from(w.len()).unwrap_or(0));
    let table = Rect {
        height: inner.height.saturating_sub(why_h),
        ..inner
    };
    let (header, rows, selected) = match p.rule {
        None => rule_rows(p, usize::from(inner.width)),
        Some(_) => {
            let (header, rows) = finding_rows(state, p, usize::from(inner.width));
            (header, rows, p.row())
        }
    };
    if rows.is_empty() {
        let text = match &p.scan.ended {
            None => "Scanning… findings appear here as pages arrive (Esc stops)",
            Some(Ended::Complete(_)) => "No problems found",
            Some(Ended::Stopped) => "Stopped before anything was found (r scans again)",
            Some(Ended::Failed(_)) => "The scan stopped before it found anything (r scans again)",
        };
        Paragraph::new(Line::styled(text, dim()))
            .wrap(Wrap { trim: false })
            .render(inner, buf);
        return;
    }
    let bold = Style::new().add_modifier(Modifier::BOLD);
    buf.set_stringn(
        table.x,
        table.y,
        format!("  {header}"),
        usize::from(table.width),
        bold,
    );
    let height = usize::from(table.height.saturating_sub(1));
    let offset = (selected + 1).saturating_sub(height);
    for (i, row) in rows.iter().enumerate().skip(offset).take(height) {
        let y = table.y + 1 + u16::try_from(i - offset).unwrap_or(0);
        let (marker, style) = if i == selected {
            ("› ", Style::new().add_modifier(Modifier::REVERSED))
        } else {
            ("  ", Style::new())
        };
        buf.set_stringn(
            table.x,
            y,
            format!("{marker}{row}"),
            usize::from(table.width),
            style,
        );
    }
    if let Some(lines) = why {
        let top = table.y + table.height;
        for (i, line) in lines.into_iter().enumerate() {
            let y = top + u16::try_from(i).unwrap_or(0);
            line.render(Rect::new(inner.x, y, inner.width, 1), buf);
        }
    }
    if let Some(Ended::Failed(e)) = &p.scan.ended {
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

/// Why the selected finding is one, under the table: a rule under it, then its message (for
/// a duplicate, who else holds the value and what `Enter` does), wrapped to two lines.
fn why_lines(p: &Problems, f: &Finding, width: usize) -> Vec<Line<'static>> {
    let f = f.masked();
    let mut text = f.message.clone();
    if f.rule.is_duplicate() {
        let others = p.others(&f);
        if !others.is_empty() {
            let names: Vec<String> = others.iter().take(3).map(|o| who(o)).collect();
            let more = others.len().saturating_sub(3);
            let enter = if p.group.is_some() {
                "Enter opens this record"
            } else {
                "Enter lists them"
            };
            text = format!(
                "{} is shared with {}{} — {enter}",
                f.field,
                names.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            );
        }
    }
    let mut lines = vec![Line::styled("─".repeat(width), dim())];
    lines.extend(
        super::text::wrap(&text, width)
            .into_iter()
            .take(2)
            .map(Line::raw),
    );
    lines
}

/// A record as every view names it: its name and external reference, else its id.
fn who(f: &Finding) -> String {
    crate::present::name_and_ref(&f.name, f.external_reference.as_deref(), &f.id)
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

/// The findings listed (a rule's, or a duplicate group's): who (name and external
/// reference), the field when the rule covers several, the value, and the suggestion (for a
/// duplicate, who else holds the value), with the marks and
/// staged signs of change sets when there are any. Columns that do not fit are left out
/// rather than cut mid-word.
fn finding_rows(state: &State, p: &Problems, width: usize) -> (String, Vec<String>) {
    let findings = p.shown();
    let duplicate = p.rule.is_some_and(|r| r.is_duplicate());
    let gutter = super::changes::gutter(state, "").map_or(0, |g| g.chars().count());
    let avail = width.saturating_sub(2 + gutter);
    let fields_vary = findings.windows(2).any(|w| w[0].field != w[1].field);
    let last = match (duplicate, p.group.is_some()) {
        (true, true) => "",
        (true, false) => "Shared with",
        (false, _) => "Suggestion",
    };
    // Name and external reference first; the field only when it varies and there is room.
    let ref_w = 13;
    let name_w = (avail * 3 / 10).clamp(12, 28);
    let field_w = if fields_vary && avail >= 100 { 20 } else { 0 };
    let spaces = 3 + usize::from(field_w > 0);
    let rest = avail.saturating_sub(name_w + ref_w + field_w + spaces);
    // A group shares one value (the title says it): no value column (`y` copies an id).
    let (value_w, last_w) = if p.group.is_some() {
        (0, rest.min(36))
    } else {
        (rest / 2, rest - rest / 2)
    };
    let col = |s: &str, w: usize| {
        if w == 0 {
            String::new()
        } else {
            format!("{} ", fit(s, w))
        }
    };
    let header = format!(
        "{}{}{}{}{}{}",
        " ".repeat(gutter),
        col("Name", name_w),
        col("External ref", ref_w),
        col("Field", field_w),
        col("Value", value_w),
        fit(if width_ok(last, last_w) { last } else { "" }, last_w)
    );
    let rows = findings
        .iter()
        .map(|f| {
            let last = if p.group.is_some() {
                String::new()
            } else if duplicate {
                p.others(f)
                    .iter()
                    .map(|o| who(o))
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                f.masked().suggestion.unwrap_or_else(|| "—".into())
            };
            let f = f.masked();
            let name = if f.name.trim().is_empty() {
                "—"
            } else {
                f.name.as_str()
            };
            format!(
                "{}{}{}{}{}{}",
                super::changes::gutter(state, &f.id).unwrap_or_default(),
                col(name, name_w),
                col(f.external_reference.as_deref().unwrap_or("—"), ref_w),
                col(&f.field, field_w),
                col(f.value.as_deref().unwrap_or("—"), value_w),
                fit(&last, last_w)
            )
        })
        .collect();
    (header, rows)
}

/// Whether a header fits its column whole.
fn width_ok(label: &str, cols: usize) -> bool {
    super::text::width(label) <= cols
}
