//! The detail pane: every field the server sent, labelled; nothing hidden.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};
use serde_json::Value;

use super::text::{clean, fit, mask, truncate, width, wrap};
use super::{border_style, dim};
use crate::api::Prospect;
use crate::app::state::Detail;
use crate::app::{Focus, State};
use crate::patch::validate::country_name;

/// One labelled value; `None` is shown as a dash.
struct Field {
    label: String,
    value: Option<String>,
    note: Option<&'static str>,
}

fn field(label: &str, value: Option<String>) -> Field {
    Field {
        label: label.to_string(),
        value,
        note: None,
    }
}

/// A JSON value as text: strings as they are, everything else as compact JSON.
fn json_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `26 Nov 2026 17:21 UTC (2026-11-26T17:21:03.000Z)`, or the raw value if it is no date.
fn readable_time(raw: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(raw) {
        Ok(t) => format!(
            "{} ({raw})",
            t.with_timezone(&chrono::Utc).format("%d %b %Y %H:%M UTC")
        ),
        Err(_) => raw.to_string(),
    }
}

fn onboarding(v: &Value) -> Vec<Field> {
    let Value::Array(items) = v else {
        return vec![field("Onboarding states", Some(json_text(v)))];
    };
    if items.is_empty() {
        return vec![field("Onboarding states", Some("none".into()))];
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let label = if i == 0 { "Onboarding states" } else { "" };
            let text = match item {
                Value::Object(m) => {
                    let mut parts = Vec::new();
                    if let Some(s) = m.get("state") {
                        parts.push(json_text(s));
                    }
                    if let Some(Value::String(d)) = m.get("createDate") {
                        parts.push(readable_time(d));
                    }
                    for (k, v) in m {
                        if k != "state" && k != "createDate" {
                            parts.push(format!("{k}: {}", json_text(v)));
                        }
                    }
                    parts.join(" · ")
                }
                other => json_text(other),
            };
            field(label, Some(text))
        })
        .collect()
}

fn fields(p: &Prospect, reveal: bool) -> Vec<Field> {
    let mut out = vec![
        field("Id", Some(p.id.clone())),
        field("External reference", p.external_reference.clone()),
        field("First name", p.first_name.clone()),
        field("Middle name", p.middle_name.clone()),
        field("Last name", p.last_name.clone()),
        field("Email", Some(p.email.clone())),
        field("Phone", p.phone_number.clone()),
        field("Date of birth", p.date_of_birth.clone()),
    ];
    out.push(match (&p.identification_number, reveal) {
        (Some(n), false) => Field {
            label: "Identification no.".into(),
            value: Some(mask(n)),
            note: Some("  (masked: m reveals)"),
        },
        (n, _) => field("Identification no.", n.clone()),
    });
    match &p.address {
        None => out.push(field("Address", None)),
        Some(a) => {
            out.push(field("Address type", Some(a.kind.clone())));
            for (label, v) in [
                ("Address line 1", &a.line1),
                ("Address line 2", &a.line2),
                ("Address line 3", &a.line3),
                ("Postcode", &a.postcode),
            ] {
                if v.is_some() || a.is_structured() {
                    out.push(field(label, v.clone()));
                }
            }
            if a.country.is_some() || a.is_structured() {
                let country = a.country.as_ref().map(|c| match country_name(c) {
                    Some(name) => format!("{c} — {name}"),
                    None => c.clone(),
                });
                out.push(field("Country", country));
            }
            if let Some(id) = &a.id {
                out.push(field("Address id", Some(json_text(id))));
            }
            for (k, v) in &a.extra {
                out.push(field(&format!("address.{k}"), Some(json_text(v))));
            }
        }
    }
    out.push(field(
        "Created",
        p.create_date.as_deref().map(readable_time),
    ));
    if let Some(states) = p.extra.get("onboardingStates") {
        out.extend(onboarding(states));
    }
    for (k, v) in &p.extra {
        if k != "onboardingStates" {
            out.push(field(k, Some(json_text(v))));
        }
    }
    out
}

/// The pane's content as lines, wrapped to `cols` columns.
fn lines(detail: &Detail, cols: u16) -> Vec<Line<'static>> {
    let fields = fields(&detail.prospect, detail.reveal);
    let label_w = fields
        .iter()
        .map(|f| width(&clean(&f.label)))
        .max()
        .unwrap_or(0)
        .min(usize::from(cols / 2));
    let value_w = usize::from(cols).saturating_sub(label_w + 1).max(1);
    let mut out = Vec::new();
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
                    Style::new().fg(Color::Gray).add_modifier(Modifier::BOLD),
                )
            } else {
                Span::raw(" ".repeat(label_w + 1))
            };
            out.push(Line::from(vec![head, Span::styled(chunk, style)]));
        }
        if let Some(note) = f.note {
            out.push(Line::from(vec![
                Span::raw(" ".repeat(label_w + 1)),
                Span::styled(note.trim_start(), dim()),
            ]));
        }
    }
    out
}

/// Draws the detail pane into `area`; returns how far it can scroll (`None` when not shown).
pub fn render(state: &State, area: Rect, buf: &mut Buffer) -> Option<u16> {
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
        .title_top(Line::from(format!(" {} ", truncate(&title, 60))))
        .title_top(Line::from(right).right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);
    let content = lines(detail, inner.width);
    let max =
        u16::try_from(content.len().saturating_sub(usize::from(inner.height))).unwrap_or(u16::MAX);
    Paragraph::new(content)
        .scroll((detail.scroll.min(max), 0))
        .render(inner, buf);
    Some(max)
}
