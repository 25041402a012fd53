//! The form's dialogs: review of the PATCH body, conflicts, "Discard changes?" and the crash
//! draft offered back. Each is a bordered box centred over the form.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};
use serde_json::Value;

use super::style::{accent, dim, fg, key};
use super::text::{fit, width, wrap};
use crate::app::State;
use crate::app::form::Stage;
use crate::app::keys::{Action, Context};
use crate::edit::conflict::Conflict;
use crate::patch::{self, Field, PatchBody};
use crate::theme::Role;

const MAX_W: u16 = 90;

/// How a person reads a patchable key.
fn key_label(key: &str) -> &'static str {
    Field::parse(key).map_or("Address", Field::label)
}

/// A value as the review shows it: `—` for none, an address as its parts.
fn shown(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let parts: Vec<String> = patch::AddressPart::TEXT
                .iter()
                .filter_map(|p| m.get(p.key()).and_then(Value::as_str))
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            let kind = m.get("type").and_then(Value::as_str).unwrap_or("");
            if parts.is_empty() {
                kind.to_string()
            } else {
                format!("{} ({kind})", parts.join(", "))
            }
        }
        other => patch::display_value(other),
    }
}

fn body_json(body: &PatchBody) -> String {
    serde_json::to_string(body).unwrap_or_default()
}

struct Dialog {
    title: String,
    lines: Vec<Line<'static>>,
    color: Color,
}

fn wrapped(out: &mut Vec<Line<'static>>, text: &str, cols: usize, style: Style) {
    for part in wrap(text, cols) {
        out.push(Line::styled(part, style));
    }
}

/// The dialog's keys, from the key table (so they are the keys that work).
fn keys_line(context: Context, state: &State) -> Line<'static> {
    let key = key(state);
    let mut spans = Vec::new();
    for (k, word) in state.keys.dialog_hints(context) {
        spans.push(Span::styled(k, key));
        spans.push(Span::styled(format!(" {word}   "), dim()));
    }
    Line::from(spans)
}

fn review(state: &State, body: &PatchBody, base_id: &str, checked: bool, cols: usize) -> Dialog {
    let mut lines = Vec::new();
    let bold = Style::new().add_modifier(Modifier::BOLD);
    wrapped(
        &mut lines,
        &format!("PATCH {}", crate::api::target::by_id(base_id)),
        cols,
        bold,
    );
    wrapped(
        &mut lines,
        &body_json(body),
        cols,
        Style::new().fg(accent(state)),
    );
    lines.push(Line::default());
    let label_w = 20;
    for (key, after) in body {
        let before = state
            .form
            .as_ref()
            .and_then(|f| match &f.stage {
                Stage::Review { base, .. } => Some(patch::current_value(base, key)),
                _ => None,
            })
            .unwrap_or(Value::Null);
        let text = format!("{} → {}", shown(&before), shown(after));
        for (i, part) in wrap(&text, cols.saturating_sub(label_w).max(1))
            .into_iter()
            .enumerate()
        {
            let head = if i == 0 { key_label(key) } else { "" };
            lines.push(Line::from(vec![
                Span::styled(fit(head, label_w), bold.fg(state.theme.get(Role::Label))),
                Span::raw(part),
            ]));
        }
    }
    // A number that parses but is not valid for its region is sent (the metadata may lag new
    // ranges), and said again here, where the send is decided.
    let phone_warning = body
        .get("phoneNumber")
        .and_then(Value::as_str)
        .and_then(|v| crate::patch::phone::warning(v, state.region));
    if let Some(w) = phone_warning {
        lines.push(Line::default());
        wrapped(
            &mut lines,
            &format!("⚠ {w}"),
            cols,
            Style::new().fg(state.theme.get(Role::Warning)),
        );
    }
    lines.push(Line::default());
    if !checked {
        wrapped(
            &mut lines,
            "Before sending, the server's current version is fetched and compared.",
            cols,
            dim(),
        );
    }
    lines.push(keys_line(Context::Review, state));
    Dialog {
        title: " Review the change ".into(),
        lines,
        color: accent(state),
    }
}

fn conflict(state: &State, conflicts: &[Conflict], body: &PatchBody, cols: usize) -> Dialog {
    let mut lines = Vec::new();
    wrapped(
        &mut lines,
        "Someone changed these fields on the server since the form was opened. Nothing was sent.",
        cols,
        Style::new(),
    );
    for c in conflicts {
        lines.push(Line::default());
        lines.push(Line::styled(
            key_label(&c.key),
            Style::new().add_modifier(Modifier::BOLD),
        ));
        for (label, v, style) in [
            ("when opened", &c.original, dim()),
            ("on the server", &c.server, fg(state, Role::Warning)),
            ("yours", &c.mine, fg(state, Role::Success)),
        ] {
            for (i, part) in wrap(&shown(v), cols.saturating_sub(16).max(1))
                .into_iter()
                .enumerate()
            {
                let head = if i == 0 { label } else { "" };
                lines.push(Line::from(vec![
                    Span::styled(format!("  {}", fit(head, 14)), dim()),
                    Span::styled(part, style),
                ]));
            }
        }
    }
    lines.push(Line::default());
    wrapped(
        &mut lines,
        &format!("o sends {}", body_json(body)),
        cols,
        Style::new().fg(accent(state)),
    );
    lines.push(keys_line(Context::Conflict, state));
    Dialog {
        title: " Changed on the server ".into(),
        lines,
        color: state.theme.get(Role::Warning),
    }
}

/// The change-set dialogs: the quit question, a change set offered back, the field picker.
fn change_dialog(state: &State, context: Context, cols: usize) -> Dialog {
    let mut lines = Vec::new();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    match context {
        Context::QuitStaged => {
            let n = state.staged.len();
            wrapped(
                &mut lines,
                &format!(
                    "{n} record{} staged changes that were not sent. Kept, they are offered back the next time prospect starts.",
                    if n == 1 { " has" } else { "s have" }
                ),
                cols,
                Style::new(),
            );
            lines.push(Line::default());
            lines.push(keys_line(context, state));
            Dialog {
                title: " Quit with staged changes? ".into(),
                lines,
                color: state.theme.get(Role::Warning),
            }
        }
        Context::SendQuestion => {
            let (n, reason) = state
                .send_question
                .as_ref()
                .map_or((0, None), |q| (q.total, q.reason.clone()));
            wrapped(
                &mut lines,
                &format!("Send {n} change{} to profile {}?", plural(n), state.profile),
                cols,
                Style::new().add_modifier(ratatui::style::Modifier::BOLD),
            );
            lines.push(Line::default());
            match reason {
                Some(r) => wrapped(&mut lines, &format!("Reason: {r}"), cols, Style::new()),
                None => wrapped(
                    &mut lines,
                    "No reason given: r types one, journaled with the batch.",
                    cols,
                    dim(),
                ),
            }
            lines.push(Line::default());
            lines.push(keys_line(context, state));
            Dialog {
                title: " Send? ".into(),
                lines,
                color: state.theme.get(Role::Warning),
            }
        }
        Context::Draft => {
            let n = state.staged_offer.as_ref().map_or(0, |s| s.len());
            wrapped(
                &mut lines,
                &format!(
                    "Changes to {n} record{} were staged in an earlier session and not sent.",
                    plural(n)
                ),
                cols,
                Style::new(),
            );
            lines.push(Line::default());
            lines.push(keys_line(context, state));
            Dialog {
                title: " Staged changes ".into(),
                lines,
                color: accent(state),
            }
        }
        _ => {
            let (n, row, facet) = state
                .set_field
                .as_ref()
                .map_or((0, 0, false), |s| (s.targets.len(), s.row, s.facet));
            for (i, f) in patch::FieldPath::all().iter().enumerate() {
                let marker = if i == row { "› " } else { "  " };
                lines.push(Line::styled(
                    format!("{marker}{f}"),
                    super::changes::picker_style(state, i == row),
                ));
            }
            lines.push(Line::default());
            lines.push(keys_line(context, state));
            let title = if facet {
                " Facet: count the values of a field ".to_string()
            } else {
                format!(" Set a field on {n} record{} ", plural(n))
            };
            Dialog {
                title,
                lines,
                color: accent(state),
            }
        }
    }
}

/// The dialog of the form's current stage, if it has one.
fn form_dialog(state: &State, cols: usize) -> Option<Dialog> {
    let form = state.form.as_ref()?;
    Some(match &form.stage {
        Stage::Review { body, checked, .. } => review(state, body, form.id(), *checked, cols),
        Stage::Conflict {
            conflicts, body, ..
        } => conflict(state, conflicts, body, cols),
        Stage::Discard { .. } => Dialog {
            title: " Discard changes? ".into(),
            lines: vec![
                Line::from("The changes in the form have not been saved."),
                Line::default(),
                keys_line(Context::Discard, state),
            ],
            color: state.theme.get(Role::Warning),
        },
        Stage::DraftOffer(d) => {
            let mut lines = Vec::new();
            wrapped(
                &mut lines,
                &format!(
                    "A draft from {} exists: unsaved edits of this prospect kept when the app stopped.",
                    crate::present::readable_time(&d.saved_at)
                ),
                cols,
                Style::new(),
            );
            lines.push(Line::default());
            lines.push(keys_line(Context::Draft, state));
            Dialog {
                title: " Draft ".into(),
                lines,
                color: accent(state),
            }
        }
        _ => return None,
    })
}

/// The key context of the form's dialog, if one is open.
fn form_context(state: &State) -> Option<Context> {
    match state.form.as_ref()?.stage {
        Stage::Review { .. } => Some(Context::Review),
        Stage::Conflict { .. } => Some(Context::Conflict),
        Stage::Discard { .. } => Some(Context::Discard),
        Stage::DraftOffer(_) => Some(Context::Draft),
        _ => None,
    }
}

/// Where each part of a key line drawn at `(x, y)` is, with its action: the mouse clicks them.
fn buttons(state: &State, context: Context, x: u16, y: u16) -> Vec<(Rect, Action)> {
    let mut at = x;
    let mut out = Vec::new();
    for (k, word, action) in state.keys.dialog_buttons(context) {
        let w = u16::try_from(width(&k) + 1 + width(word)).unwrap_or(u16::MAX);
        out.push((Rect::new(at, y, w, 1), action));
        // As `keys_line` writes it: the key, a space, the word and three spaces.
        at = at.saturating_add(w + 3);
    }
    out
}

/// Draws the dialog of the form's current stage, if it has one, centred in `area`; returns
/// where its key line's buttons are.
pub fn render_form(state: &State, area: Rect, buf: &mut Buffer) -> Vec<(Rect, Action)> {
    let width = area.width.min(MAX_W);
    match (
        form_dialog(state, usize::from(width.saturating_sub(4))),
        form_context(state),
    ) {
        (Some(d), context) => draw(state, d, context, area, buf),
        (None, _) => Vec::new(),
    }
}

/// Draws a change-set dialog (`context`: the field picker, the send or quit question, a
/// staged set offered back) centred in `area`; returns where its buttons are.
pub fn render_change(
    state: &State,
    context: Context,
    area: Rect,
    buf: &mut Buffer,
) -> Vec<(Rect, Action)> {
    let width = area.width.min(MAX_W);
    let d = change_dialog(state, context, usize::from(width.saturating_sub(4)));
    draw(state, d, Some(context), area, buf)
}

fn draw(
    state: &State,
    d: Dialog,
    context: Option<Context>,
    area: Rect,
    buf: &mut Buffer,
) -> Vec<(Rect, Action)> {
    let width = area.width.min(MAX_W);
    let height = u16::try_from(d.lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let rect = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    if rect.is_empty() {
        return Vec::new();
    }
    Clear.render(rect, buf);
    let block = Block::bordered()
        .border_style(Style::new().fg(d.color))
        .title_top(Line::from(d.title));
    let inner = block.inner(rect);
    block.render(rect, buf);
    let inner = Rect::new(
        inner.x + 1,
        inner.y,
        inner.width.saturating_sub(2),
        inner.height,
    );
    // The key line is the dialog's last line; it is clickable when it is on screen.
    let last = u16::try_from(d.lines.len().saturating_sub(1)).unwrap_or(u16::MAX);
    Paragraph::new(d.lines).render(inner, buf);
    match context {
        Some(ctx) if last < inner.height => buttons(state, ctx, inner.x, inner.y + last),
        _ => Vec::new(),
    }
}
