//! The change-set views: the pending set (`P`, also the review of a revert), the journal
//! (`H`), and the staged lines of the detail. Signs (`+` added, `~` changed, `-` cleared) and
//! words carry the meaning; colour only repeats it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

use super::style::{border_style, dim, fg};
use super::text::{clean, fit, truncate, width, wrap};
use crate::app::State;
use crate::app::change_views::{HistoryScope, HistoryView, Work};
use crate::app::changes::{StagedField, StagedRecord};
use crate::app::keys::{Action, Context};
use crate::app::pending_flow::row_count;
use crate::app::problems::thousands;
use crate::batch::{Outcome, Planned};
use crate::patch;
use crate::present::{mask, readable_time};
use crate::theme::Role;

/// A value as the change lines show it: quoted, `empty` for none, identification numbers
/// masked unless revealed.
fn value(field: &str, v: Option<&str>, reveal: bool) -> String {
    match v {
        None => "empty".into(),
        Some(v) if field == "identificationNumber" && !reveal => mask(v),
        Some(v) => format!("{:?}", clean(v)),
    }
}

/// `~ phoneNumber: "+44 7700" → "+447700"` for one staged field.
pub fn staged_line(field: &str, f: &StagedField, current: Option<&str>, reveal: bool) -> String {
    let before = match &f.before {
        Some(b) => value(field, b.as_deref(), reveal),
        None => current.map_or_else(|| "?".into(), |c| value(field, Some(c), reveal)),
    };
    format!(
        "{} {field}: {before} → {}",
        f.sign(),
        value(field, f.after.as_deref(), reveal)
    )
}

fn outcome_role(o: Outcome) -> Role {
    match o {
        Outcome::Applied | Outcome::Unchanged | Outcome::Change => Role::Success,
        Outcome::Conflict | Outcome::Unknown => Role::Warning,
        Outcome::Invalid | Outcome::NotFound | Outcome::Rejected | Outcome::Failed => Role::Error,
    }
}

/// One record of the view: its head line, why it is as planned (at the end of the head when
/// it fits, on lines of its own under it when not), and its change lines.
struct Item {
    head: Vec<Span<'static>>,
    message: Option<String>,
    lines: Vec<Line<'static>>,
}

fn plan_lines(r: &Planned) -> Vec<Line<'static>> {
    r.changes()
        .into_iter()
        .map(|(k, before, after)| {
            let (before, after) = if k == "identificationNumber" {
                (mask(&before), mask(&after))
            } else {
                (clean(&before).into_owned(), clean(&after).into_owned())
            };
            Line::from(format!("    ~ {k}: {before} → {after}"))
        })
        .collect()
}

fn outcome_span(state: &State, r: &Planned) -> Span<'static> {
    Span::styled(
        format!("[{}]", r.outcome.word()),
        fg(state, outcome_role(r.outcome)).add_modifier(Modifier::BOLD),
    )
}

fn outcome_message(r: &Planned) -> Option<String> {
    (!r.message.is_empty()).then(|| clean(&r.message).into_owned())
}

fn staged_item(state: &State, id: &str, s: &StagedRecord) -> Item {
    let _ = id;
    let mut head = vec![Span::raw(format!("{} {}  ", s.sign(), clean(&s.label)))];
    let planned = state
        .pending
        .plan
        .as_ref()
        .and_then(|plan| plan.iter().find(|r| r.id.as_deref() == Some(id)));
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut message = None;
    match planned {
        Some(r) => {
            head.push(outcome_span(state, r));
            message = outcome_message(r);
            lines = plan_lines(r);
        }
        None => {
            if let Some(e) = &s.error {
                head.push(Span::styled(
                    format!("! {}", clean(e)),
                    fg(state, Role::Error),
                ));
            }
        }
    }
    if lines.is_empty() {
        lines = s
            .fields
            .iter()
            .map(|(k, f)| Line::from(format!("    {}", staged_line(k, f, None, false))))
            .collect();
    }
    Item {
        head,
        message,
        lines,
    }
}

fn plan_item(state: &State, r: &Planned) -> Item {
    let id = r.id.clone().unwrap_or_else(|| r.key.value().to_string());
    let head = match r.before.as_ref() {
        Some(p) => format!("{}  ", clean(&crate::app::changes::label_of(p))),
        None => format!("{}  ", clean(&id)),
    };
    Item {
        head: vec![Span::raw(head), outcome_span(state, r)],
        message: outcome_message(r),
        lines: plan_lines(r),
    }
}

fn pending_title(state: &State) -> String {
    let p = &state.pending;
    let mut title = match (&p.revert, &p.plan) {
        (Some(what), Some(plan)) => {
            format!("Review: {what} · {}", crate::batch::plan::counts(plan))
        }
        (Some(what), None) => format!("Review: {what}"),
        (None, _) => {
            let n = state.staged.len();
            format!(
                "Pending · {} record{} staged",
                thousands(n as u64),
                if n == 1 { "" } else { "s" }
            )
        }
    };
    match p.work {
        Some(Work::Planning(_)) => title.push_str(&format!(" · planning… {}", state.spinner())),
        Some(Work::Sending { done, total, .. }) => title.push_str(&format!(
            " · Saving {} of {}… {}",
            thousands(done as u64),
            thousands(total as u64),
            state.spinner()
        )),
        None => {}
    }
    title
}

/// Draws the pending view (or a revert's review) into `area`.
pub fn render_pending(state: &State, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let block = Block::bordered()
        .border_style(border_style(state, true))
        .title_top(Line::from(format!(" {} ", pending_title(state))));
    let inner = block.inner(area);
    block.render(area, buf);
    let items: Vec<Item> = match (&state.pending.revert, &state.pending.plan) {
        (Some(_), Some(plan)) => plan.iter().map(|r| plan_item(state, r)).collect(),
        (Some(_), None) => Vec::new(),
        (None, _) => state
            .staged
            .records
            .iter()
            .map(|(id, s)| staged_item(state, id, s))
            .collect(),
    };
    if items.is_empty() {
        let text = if state.pending.revert.is_some() {
            "Planning the revert: every record is fetched to check it has not changed since…"
                .to_string()
        } else {
            let k = |a| state.keys.first_key_label(Context::List, a);
            format!(
                "Nothing is staged. Mark rows with {}, then {} sets a field on them; in the \
                 problems view {} stages a suggestion.",
                k(Action::Mark),
                k(Action::SetField),
                state
                    .keys
                    .first_key_label(Context::Problems, Action::Accept)
            )
        };
        Paragraph::new(Line::styled(text, dim()))
            .wrap(Wrap { trim: false })
            .render(inner, buf);
        return;
    }
    draw_items(
        state,
        &items,
        state.pending.row.min(row_count(state)),
        inner,
        buf,
    );
}

/// Draws records with their lines, the selected one marked `›` and kept in view.
fn draw_items(state: &State, items: &[Item], selected: usize, area: Rect, buf: &mut Buffer) {
    let mut lines: Vec<(usize, Line<'static>)> = Vec::new();
    let cols = usize::from(area.width);
    for (i, item) in items.iter().enumerate() {
        // The reason ends the head line when it fits; on a narrow screen it goes under it,
        // whole, rather than cut off at the edge.
        let head_width: usize = 2 + item.head.iter().map(|s| width(&s.content)).sum::<usize>();
        let mut head = item.head.clone();
        let mut under = Vec::new();
        if let Some(m) = &item.message {
            if head_width + 1 + width(m) <= cols {
                head.push(Span::raw(format!(" {m}")));
            } else {
                under = wrap(m, cols.saturating_sub(6))
                    .into_iter()
                    .map(|l| Line::from(format!("      {l}")))
                    .collect();
            }
        }
        let line = if i == selected {
            // The selection's colours win over the head's (an outcome's colour on the
            // selection's background would be unreadable); the words stay.
            let style = super::style::selection(state, true);
            let mut spans = vec![Span::styled("› ", style)];
            spans.extend(head.iter().map(|s| Span::styled(s.content.clone(), style)));
            Line::from(spans).style(style)
        } else {
            let mut spans = vec![Span::raw("  ")];
            spans.extend(head);
            Line::from(spans)
        };
        lines.push((i, line));
        for l in under.iter().chain(&item.lines) {
            lines.push((i, l.clone()));
        }
    }
    let height = usize::from(area.height);
    let first = lines.iter().position(|(i, _)| *i == selected).unwrap_or(0);
    let last = lines.iter().rposition(|(i, _)| *i == selected).unwrap_or(0);
    // The selected record's lines in view, its head first.
    let offset = if last + 1 > height {
        first.min(last + 1 - height)
    } else {
        0
    };
    for (row, (_, line)) in lines.iter().skip(offset).take(height).enumerate() {
        let y = area.y + u16::try_from(row).unwrap_or(u16::MAX);
        buf.set_line(area.x, y, line, area.width);
    }
}

/// Draws the journal view into `area`.
pub fn render_history(state: &State, view: &HistoryView, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let title = match &view.scope {
        HistoryScope::Prospect { label, .. } => format!(" History of {} ", clean(label)),
        HistoryScope::Batches => " Batches (this profile) ".to_string(),
        HistoryScope::Batch { batch, .. } => {
            let n = view.of_batch(batch).len();
            format!(
                " Batch {} · {n} change{} ",
                clean(batch),
                if n == 1 { "" } else { "s" }
            )
        }
    };
    let block = Block::bordered()
        .border_style(border_style(state, true))
        .title_top(Line::from(title));
    let inner = block.inner(area);
    block.render(area, buf);
    let empty = match &view.entries {
        None => Some("Reading the journal…".to_string()),
        Some(Err(e)) => Some(format!("! The journal could not be read: {}", clean(e))),
        Some(Ok(_)) if view.is_empty() => Some(match view.scope {
            HistoryScope::Prospect { .. } => "No change of this prospect is journaled".into(),
            HistoryScope::Batch { .. } => "No change of this batch is journaled".into(),
            HistoryScope::Batches => {
                "No batch is journaled yet (P sends staged changes as one)".into()
            }
        }),
        Some(Ok(_)) => None,
    };
    if let Some(text) = empty {
        Paragraph::new(Line::styled(text, dim()))
            .wrap(Wrap { trim: false })
            .render(inner, buf);
        return;
    }
    let cols = usize::from(inner.width);
    let items: Vec<Item> = match view.scope {
        HistoryScope::Batches => view
            .batches()
            .into_iter()
            .map(|b| Item {
                head: vec![Span::raw(format!(
                    "{}  {}  {:>5} change{}  {}",
                    fit(&readable_time(&b.time), 21),
                    b.batch,
                    b.changes,
                    if b.changes == 1 { " " } else { "s" },
                    truncate(&clean(b.reason.as_deref().unwrap_or("")), cols / 2)
                ))],
                message: None,
                lines: Vec::new(),
            })
            .collect(),
        HistoryScope::Prospect { .. } => view
            .loaded()
            .iter()
            .map(|e| change_item(state, e, false))
            .collect(),
        HistoryScope::Batch { ref batch, .. } => view
            .of_batch(batch)
            .iter()
            .map(|e| change_item(state, e, true))
            .collect(),
    };
    draw_items(state, &items, view.row, inner, buf);
}

/// One journaled change: when, its batch and reason (or, in a batch, whose record), then
/// each field before → after.
fn change_item(state: &State, e: &crate::edit::journal::JournalEntry, who: bool) -> Item {
    let mut head = format!("{}  ", fit(&readable_time(&e.time), 21));
    if who {
        // Named as every view names a prospect when this session has seen it (`y` copies
        // the id); its id otherwise.
        let name = state
            .list
            .cache
            .find(&e.prospect_id)
            .map(crate::app::changes::label_of);
        match name {
            Some(n) => head.push_str(&clean(&n)),
            None => head.push_str(&e.prospect_id),
        }
    } else {
        if let Some(b) = &e.batch {
            head.push_str(&format!("batch {b}  "));
        }
        if let Some(r) = &e.reason {
            head.push_str(&clean(r));
        }
    }
    // An address change shows the parts that changed, as the plan does.
    let lines = e
        .body
        .iter()
        .flat_map(|(k, after)| {
            let before = e.previous.get(k).cloned().unwrap_or_default();
            patch::change_lines(k, &before, after)
        })
        .map(|(k, b, a)| {
            let (b, a) = if k == "identificationNumber" {
                (mask(&b), mask(&a))
            } else {
                (clean(&b).into_owned(), clean(&a).into_owned())
            };
            Line::from(format!("    ~ {k}: {b} → {a}"))
        })
        .collect();
    Item {
        head: vec![Span::raw(head)],
        message: None,
        lines,
    }
}

/// The detail's lines for the record's staged change: before → after, unsent.
pub fn detail_lines(state: &State, reveal: bool) -> Vec<Line<'static>> {
    let Some(d) = state.detail.as_ref() else {
        return Vec::new();
    };
    let Some(s) = state.staged.get(&d.prospect.id) else {
        return Vec::new();
    };
    let key = state.keys.first_key_label(Context::Detail, Action::Pending);
    let mut out = vec![Line::styled(
        format!("Staged, not sent ({key} reviews and sends):"),
        fg(state, Role::Changed).add_modifier(Modifier::BOLD),
    )];
    for (k, f) in &s.fields {
        let current = crate::patch::FieldPath::parse(k).and_then(|p| p.get(&d.prospect));
        out.push(Line::styled(
            format!("  {}", staged_line(k, f, current.as_deref(), reveal)),
            fg(state, Role::Changed),
        ));
    }
    if let Some(e) = &s.error {
        out.push(Line::styled(
            format!("  ! {}", clean(e)),
            fg(state, Role::Error),
        ));
    }
    out.push(Line::default());
    out
}

/// The list's gutter for a row: `✓` marked, `+`/`~` staged (three columns), when the list has
/// marks or staged changes at all.
pub fn gutter(state: &State, id: &str) -> Option<String> {
    if state.marks.is_empty() && state.staged.is_empty() {
        return None;
    }
    let mark = if state.marks.contains_key(id) {
        '✓'
    } else {
        ' '
    };
    let staged = state.staged.get(id).map_or(' ', StagedRecord::sign);
    Some(format!("{mark}{staged} "))
}

/// The title's count of marks and staged records, when there are any.
pub fn counts(state: &State) -> Option<String> {
    let mut parts = Vec::new();
    if !state.marks.is_empty() {
        parts.push(format!("✓ {} marked", thousands(state.marks.len() as u64)));
    }
    if !state.staged.is_empty() {
        parts.push(format!("~ {} staged", thousands(state.staged.len() as u64)));
    }
    (!parts.is_empty()).then(|| format!(" {} ", parts.join(" · ")))
}

/// A style for the selected field row of the picker.
pub fn picker_style(state: &State, selected: bool) -> Style {
    if selected {
        super::style::selection(state, true)
    } else {
        Style::new()
    }
}
