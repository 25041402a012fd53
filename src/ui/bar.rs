//! The two bottom lines: the status (or a prompt) and the footer of key hints.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::style::{dim, fg, key};
use super::text::{clean, truncate, width};
use crate::app::State;
use crate::app::form::Stage;
use crate::app::keys::{Action, Context};
use crate::app::screens::{Overlay, Screen, Top};
use crate::app::set_expr::Result1;
use crate::app::state::{PromptKind, StatusKind};
use crate::theme::Role;

/// Draws the status line; returns where the cursor goes when a prompt is open.
pub fn render_status(state: &State, area: Rect, buf: &mut Buffer) -> Option<Position> {
    if area.is_empty() {
        return None;
    }
    let cols = usize::from(area.width);
    if let Some(prompt) = &state.prompt {
        let label = match prompt.kind {
            PromptKind::Search => "/",
            PromptKind::Lookup => ": id or external reference ",
            PromptKind::Filter => "F FIELD=VALUE or FIELD~TEXT ",
            PromptKind::Find => "find: ",
            PromptKind::SetValue => "",
            PromptKind::Reason => "reason (journaled with the batch) ",
        };
        // `S`'s prompt names the field (why a value was refused is on the line below).
        let label = match state
            .set_field
            .as_ref()
            .filter(|_| prompt.kind == PromptKind::SetValue)
        {
            Some(s) => match (s.field, &s.members) {
                (Some(f), Some(_)) => format!("{f} on the records of the value (empty clears) "),
                (Some(f), None) => format!("{f} (empty clears, =EXPR computes) "),
                (None, _) => String::new(),
            },
            None => label.to_string(),
        };
        let label = label.as_str();
        let before = clean(prompt.input.before_cursor()).into_owned();
        let full = clean(prompt.input.text()).into_owned();
        // Keep the cursor in view: show the tail when the text is longer than the line.
        let room = cols.saturating_sub(width(label) + 1);
        let (shown, cursor_col) = if width(&before) <= room {
            (truncate(&full, room + 1), width(&before))
        } else {
            let tail = tail_fitting(&before, room);
            let w = width(&tail);
            (tail, w)
        };
        let line = Line::from(vec![Span::styled(label, key(state)), Span::raw(shown)]);
        line.render(area, buf);
        let x = area.x + u16::try_from(width(label) + cursor_col).unwrap_or(u16::MAX);
        return Some(Position::new(x.min(area.right().saturating_sub(1)), area.y));
    }
    if let Some(status) = &state.status {
        // `!` marks an error without colour.
        let (mark, style) = match status.kind {
            StatusKind::Error => ("! ", fg(state, Role::Error).add_modifier(Modifier::BOLD)),
            StatusKind::Info => ("", fg(state, Role::Success)),
        };
        Line::styled(truncate(&format!("{mark}{}", status.text), cols), style).render(area, buf);
    } else if let Some(doing) = form_doing(state) {
        Line::styled(format!("{} {doing}", state.spinner()), dim()).render(area, buf);
    } else if let Some((done, total)) = batch_sending(state) {
        // The batch goes on while the view is closed: its progress stays in sight.
        let text = format!("{} Saving {done} of {total}…", state.spinner());
        Line::styled(text, dim()).render(area, buf);
    } else if state.busy() {
        Line::styled(format!("{} loading…", state.spinner()), dim()).render(area, buf);
    } else if let Some(text) = staged_reminder(state) {
        Line::styled(truncate(&text, cols), dim()).render(area, buf);
    }
    None
}

/// What the form is doing with the server, while it is.
fn form_doing(state: &State) -> Option<&'static str> {
    state.form.as_ref().and_then(|f| match f.stage {
        Stage::Checking { .. } => Some("checking the server's current version…"),
        Stage::Sending { .. } => Some("saving…"),
        Stage::Verifying { .. } => Some("checking whether the change was applied…"),
        _ => None,
    })
}

/// A batch being sent: (done, total).
fn batch_sending(state: &State) -> Option<(usize, usize)> {
    match state.pending.work {
        Some(crate::app::change_views::Work::Sending { done, total, .. }) => Some((done, total)),
        _ => None,
    }
}

/// What the status line says when it has nothing else to say and changes are staged: how
/// many records, and the key that reviews and sends them. While it shows, the footer may leave
/// out that key when the line is short.
fn staged_reminder(state: &State) -> Option<String> {
    let n = state.staged.records.len();
    if n == 0
        || state.showing(Screen::Pending)
        || state.prompt.is_some()
        || state.status.is_some()
        || form_doing(state).is_some()
        || batch_sending(state).is_some()
        || state.busy()
    {
        return None;
    }
    let key = state
        .keys
        .first_key_label(Context::List, crate::app::keys::Action::Pending);
    let s = if n == 1 { "" } else { "s" };
    Some(format!(
        "{n} record{s} with staged changes, not sent — {key} reviews and sends"
    ))
}

/// The longest end of `s` that fits in `cols` columns.
fn tail_fitting(s: &str, cols: usize) -> String {
    let mut used = 0;
    let mut chars: Vec<char> = s
        .chars()
        .rev()
        .take_while(|c| {
            used += unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
            used <= cols
        })
        .collect();
    chars.reverse();
    chars.into_iter().collect()
}

/// The contexts whose keys matter where the user is: those of what is on top (`layers`),
/// the same answer key handling uses.
fn contexts(state: &State) -> Vec<Context> {
    match state.top() {
        Top::Overlay(Overlay::Prompt) => match state.prompt.as_ref().map(|p| p.kind) {
            Some(PromptKind::Search) => vec![Context::Prompt, Context::SearchPrompt],
            _ => vec![Context::Prompt],
        },
        Top::Overlay(Overlay::Quit) => vec![Context::QuitStaged],
        Top::Overlay(Overlay::Help) => vec![Context::Help],
        Top::Overlay(Overlay::Dialog(context)) => vec![context],
        Top::Overlay(Overlay::Form) => match state.form.as_ref().map(|f| &f.stage) {
            Some(Stage::Editing) => vec![Context::Form],
            Some(Stage::Review { .. }) => vec![Context::Review],
            Some(Stage::Conflict { .. }) => vec![Context::Conflict],
            Some(Stage::Discard { .. }) => vec![Context::Discard],
            Some(Stage::DraftOffer(_)) => vec![Context::Draft],
            _ => Vec::new(),
        },
        Top::View(view) => crate::app::update::view_contexts(view).to_vec(),
    }
}

/// Footer words of keys people guess without being told, in the order they give way.
const GUESSABLE: [&str; 7] = [
    "reveal/mask",
    "find",
    "scroll",
    "page",
    "move",
    "open",
    "mark",
];

/// Draws the footer of key hints, cut to the width.
pub fn render_footer(state: &State, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    // A value `S` refused, or an expression that does not parse: the reason (at its column),
    // where the keys would be (the prompt is above it).
    let set = state.set_field.as_ref().filter(|_| state.prompt.is_some());
    let parse_error = set.and_then(|s| match &s.preview {
        Some(Err(e)) => Some(e),
        _ => None,
    });
    if let Some(e) = set.and_then(|s| s.error.as_ref()).or(parse_error) {
        let text = truncate(&format!("! {}", clean(e)), usize::from(area.width));
        Line::styled(text, fg(state, Role::Error).add_modifier(Modifier::BOLD)).render(area, buf);
        return;
    }
    // Typing a filter's field name: the names it can become (Tab completes).
    if let Some(word) = state
        .prompt
        .as_ref()
        .filter(|p| p.kind == PromptKind::Filter)
        .and_then(|p| p.input.field_at_cursor())
    {
        let names = crate::scan::fields::completions(word);
        if !names.is_empty() && names.iter().all(|n| n != word) {
            let text = truncate(
                &format!("fields: {}", names.join("  ")),
                usize::from(area.width),
            );
            Line::styled(text, dim()).render(area, buf);
            return;
        }
    }
    let key = key(state);
    let mut hints = state.keys.hints(&contexts(state), state.read_only);
    // The way out (`q quit`, `Tab list`) always shows: room is kept for it at the end.
    let tail = hints
        .last()
        .filter(|(_, w)| matches!(*w, "quit" | "list"))
        .cloned();
    if tail.is_some() {
        hints.pop();
    }
    // Only the search, look-up and filter prompts remember what was typed.
    if state.prompt.as_ref().is_some_and(|p| {
        matches!(
            p.kind,
            PromptKind::Find | PromptKind::SetValue | PromptKind::Reason
        )
    }) {
        hints.retain(|(_, w)| *w != "history");
    }
    // Tab completes field names in the filter prompt only.
    if state
        .prompt
        .as_ref()
        .is_some_and(|p| p.kind != PromptKind::Filter)
    {
        hints.retain(|(_, w)| *w != "complete");
    }
    // A record opened from the problems or filter view: `Esc` goes back to that view.
    if state.detail_has_keys() {
        let behind = match state.screen() {
            Some(Screen::Problems) => Some("problems"),
            Some(Screen::Filter) => Some("matches"),
            Some(Screen::Facet) => Some("facet"),
            _ => None,
        };
        if let Some(view) = behind {
            for hint in hints.iter_mut().filter(|(_, w)| *w == "back") {
                hint.1 = view;
            }
        }
    }
    // `Enter` lists a batch's changes: on the batches only.
    if state
        .journal
        .as_ref()
        .is_some_and(|j| j.scope != crate::app::change_views::HistoryScope::Batches)
    {
        hints.retain(|(_, w)| *w != "changes");
    }
    // `u` undoes one change: not on the batches (`R` reverts a whole one there).
    if state.view() == crate::app::screens::View::Screen(Screen::Journal)
        && state
            .journal
            .as_ref()
            .is_some_and(|j| j.scope == crate::app::change_views::HistoryScope::Batches)
    {
        hints.retain(|(_, w)| *w != "undo");
    }
    // The facet view's own steps after `Enter`: `V` marks the value's (or the cluster's)
    // records, and on the clusters `A` stages each group's most common value.
    if state.view() == crate::app::screens::View::Screen(Screen::Facet)
        && let Some(facet) = &state.facet
    {
        let at = hints
            .iter()
            .position(|(_, w)| *w == "records")
            .map_or(hints.len(), |i| i + 1);
        let mark = state.keys.first_key_label(Context::Facet, Action::MarkAll);
        let mut own = vec![(mark, "mark")];
        let groups = facet
            .clusters
            .as_ref()
            .and_then(|c| c.list.as_ref())
            .is_some_and(|l| !l.is_empty());
        if groups && !state.read_only {
            let merge = state
                .keys
                .first_key_label(Context::Facet, Action::AcceptRule);
            own.push((merge, "merge"));
        }
        own.retain(|(k, _)| !k.is_empty());
        hints.splice(at..at, own);
    }
    // `P` matters once something is staged (staging says so in the status line).
    if state.staged.is_empty() && !state.showing(Screen::Pending) {
        hints.retain(|(_, w)| *w != "pending");
    }
    // The key, a space, the word and two spaces of gap; the last hint needs no gap after it.
    let cost = |(keys, word): &(String, &str)| width(keys) + width(word) + 3;
    let room = usize::from(area.width).saturating_sub(tail.as_ref().map_or(0, cost));
    // When the line is short, the keys anyone guesses (arrows, Enter) give way first, so the
    // ones nobody guesses (`!`, `F`, `S`, `H`) stay in sight.
    for word in GUESSABLE {
        let total: usize = hints.iter().map(cost).sum();
        if total.saturating_sub(2) <= room {
            break;
        }
        hints.retain(|(_, w)| w != &word);
    }
    // Still too long: the key that reviews staged changes is on the status line already.
    if hints.iter().map(cost).sum::<usize>().saturating_sub(2) > room
        && staged_reminder(state).is_some()
    {
        hints.retain(|(_, w)| *w != "pending");
    }
    let mut spans = Vec::new();
    let mut used = 0;
    for hint in &hints {
        let w = cost(hint);
        if used + w - 2 > room {
            break;
        }
        used += w;
        spans.push(Span::styled(hint.0.clone(), key));
        spans.push(Span::styled(format!(" {}  ", hint.1), dim()));
    }
    if let Some((keys, word)) = tail {
        spans.push(Span::styled(keys, key));
        spans.push(Span::styled(format!(" {word}"), dim()));
    }
    Line::from(spans).render(area, buf);
}

/// While an expression is typed for `S`: what it makes of the first few records, over the
/// bottom of the main area (`Enter` stages, the summary counts every record on `Enter`).
pub fn render_preview(state: &State, area: Rect, buf: &mut Buffer) {
    let Some(s) = state.set_field.as_ref().filter(|_| {
        state
            .prompt
            .as_ref()
            .is_some_and(|p| p.kind == PromptKind::SetValue)
    }) else {
        return;
    };
    let Some(Ok(rows)) = &s.preview else {
        return;
    };
    let cols = usize::from(area.width.saturating_sub(2));
    let mut lines: Vec<Line> = rows
        .iter()
        .map(|r| {
            let label = clean(&r.label).into_owned();
            let what = match &r.result {
                Result1::Change { before, after } => format!(
                    "{} → {}",
                    clean(before.as_deref().unwrap_or("(empty)")),
                    clean(after.as_deref().unwrap_or("(empty)"))
                ),
                Result1::Same => "unchanged".to_string(),
                Result1::Skipped(why) => format!("skipped: {}", clean(why)),
                Result1::Unknown => "not held here: fetched on Enter".to_string(),
            };
            Line::raw(truncate(&format!("{label}: {what}"), cols))
        })
        .collect();
    let total = s.members.as_ref().map_or(s.targets.len(), Vec::len);
    let more = total.saturating_sub(rows.len());
    if more > 0 {
        lines.push(Line::styled(
            format!("… and {more} more (Enter computes every one)"),
            dim(),
        ));
    }
    let height = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let rect = Rect::new(
        area.x,
        area.bottom().saturating_sub(height),
        area.width,
        height,
    );
    if rect.is_empty() {
        return;
    }
    ratatui::widgets::Clear.render(rect, buf);
    let block = ratatui::widgets::Block::bordered()
        .border_style(dim())
        .title_top(Line::from(" preview "));
    let inner = block.inner(rect);
    block.render(rect, buf);
    ratatui::widgets::Paragraph::new(lines).render(inner, buf);
}
