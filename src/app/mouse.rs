//! The mouse: a click selects a row, focuses a pane or a form field, or presses a dialog's
//! key; a double click opens a row; the wheel scrolls the list, the detail and the help. Where
//! things are comes from the `Viewport` the last frame reported, never from the view itself.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::effect::Effect;
use super::form::Stage;
use super::keys::Context;
use super::state::{Focus, Millis, State};
use super::{browse, form_flow};

/// Two clicks on one cell within this time are a double click.
pub const DOUBLE_CLICK_MS: Millis = 400;
/// Rows one turn of the wheel moves.
const WHEEL_ROWS: usize = 3;

fn inside(r: Option<Rect>, x: u16, y: u16) -> bool {
    r.is_some_and(|r| r.contains(Position::new(x, y)))
}

/// Handles one mouse event.
pub(super) fn on_mouse(state: &mut State, ev: MouseEvent, fx: &mut Vec<Effect>) {
    let (x, y) = (ev.column, ev.row);
    match ev.kind {
        MouseEventKind::ScrollDown => wheel(state, x, y, true, fx),
        MouseEventKind::ScrollUp => wheel(state, x, y, false, fx),
        MouseEventKind::Down(MouseButton::Left) => click(state, x, y, fx),
        _ => {}
    }
}

fn wheel(state: &mut State, x: u16, y: u16, down: bool, fx: &mut Vec<Effect>) {
    let by: i32 = if down { 3 } else { -3 };
    if state.help.open {
        let next = i32::from(state.help.scroll) + by;
        state.help.scroll = u16::try_from(next.max(0)).unwrap_or(u16::MAX);
    } else if state.form.is_some() || state.prompt.is_some() {
        // The form keeps the focused field in view itself; the wheel has nothing to move.
    } else if inside(state.viewport.detail_area, x, y) {
        if let Some(d) = state.detail.as_mut() {
            let next = i32::from(d.scroll) + by;
            d.scroll = u16::try_from(next.max(0)).unwrap_or(u16::MAX);
        }
    } else if inside(state.viewport.list_rows.map(|(r, _)| r), x, y) {
        for _ in 0..WHEEL_ROWS {
            if down {
                browse::move_down(state, fx);
            } else {
                browse::move_up(state, fx);
            }
        }
    }
}

fn click(state: &mut State, x: u16, y: u16, fx: &mut Vec<Effect>) {
    let double = state.last_click.is_some_and(|(t, cx, cy)| {
        (cx, cy) == (x, y) && state.now.saturating_sub(t) <= DOUBLE_CLICK_MS
    });
    // A double click counts once: a third click starts over.
    state.last_click = (!double).then_some((state.now, x, y));
    let button = state
        .viewport
        .buttons
        .iter()
        .find(|(r, _)| r.contains(Position::new(x, y)))
        .map(|(_, a)| *a);
    if let Some(context) = super::changes_flow::modal_context(state) {
        match (context, button) {
            (Context::SendQuestion, Some(action)) => {
                super::pending_flow::question_action(state, action, fx);
            }
            (_, Some(action)) => super::changes_flow::on_modal(state, action, fx),
            (_, None) => {}
        }
        return;
    }
    if state.form.is_some() {
        if let Some(action) = button {
            return form_flow::on_action(state, action, fx);
        }
        let field = state.viewport.form_fields.iter().find(|(row, _)| *row == y);
        if let (Some((_, i)), Some(form)) = (field, state.form.as_mut())
            && form.stage == Stage::Editing
        {
            form.focus = *i;
        }
        return;
    }
    if state.help.open || state.prompt.is_some() {
        return;
    }
    if let Some((rows, first)) = state
        .viewport
        .list_rows
        .filter(|(r, _)| inside(Some(*r), x, y))
    {
        let i = first + usize::from(y - rows.y);
        if i < state.list.rows.len() {
            state.focus = Focus::List;
            state.list.selected = i;
            if double && let Some(p) = state.selected_row().cloned() {
                browse::open_detail(state, p, true);
            }
        }
    } else if inside(state.viewport.detail_area, x, y) && state.detail.is_some() {
        state.focus = Focus::Detail;
    }
}
