//! `update`: the only place state changes. Pure: no IO, no clock.

use std::time::Duration;

use crossterm::event::{KeyEvent, KeyEventKind};

use super::browse;
use super::edit;
use super::effect::Effect;
use super::input::LineInput;
use super::keys::{Action, Context, action_for};
use super::lookup;
use super::msg::Msg;
use super::save;
use super::state::{
    Focus, PageKey, Prompt, PromptKind, RequestId, SEARCH_DEBOUNCE_MS, Select, State, StatusKind,
};
use crate::ui;

/// The effects that start the TUI: the first page.
pub fn init(state: &mut State) -> Vec<Effect> {
    let mut fx = Vec::new();
    let key = PageKey {
        search: String::new(),
        page: 1,
    };
    browse::show_page(state, key, Select::First, false, &mut fx);
    fx
}

/// Applies one message to the state and returns the IO it calls for.
pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    let mut fx = Vec::new();
    match msg {
        Msg::Key(key) => {
            if key.kind != KeyEventKind::Release {
                on_key(state, key, &mut fx);
            }
        }
        Msg::Resize(w, h) => {
            state.size = (w, h);
            clamp_scrolls(state);
        }
        Msg::Tick(now) => on_tick(state, now, &mut fx),
        Msg::PageLoaded { req, result } => browse::page_loaded(state, req, result, &mut fx),
        Msg::ProspectLoaded { req, result } if save::waits_for(state, req) => {
            save::prospect_loaded(state, result, &mut fx);
        }
        Msg::ProspectLoaded { req, result } => {
            lookup::prospect_loaded(state, req, result);
            clamp_scrolls(state);
        }
        Msg::PatchSent { req, result } => {
            save::patch_sent(state, req, result, &mut fx);
            clamp_scrolls(state);
        }
        Msg::Retrying { req, text } => {
            // Only for what the user waits on: a prefetch may retry quietly.
            if awaited(state, req) {
                state.set_status(StatusKind::Info, text);
            }
        }
        Msg::DraftLoaded { id, result } => edit::draft_loaded(state, &id, result, &mut fx),
        Msg::LocalFailed(text) => state.set_status(StatusKind::Error, text),
        Msg::EditorClosed { id, result } => edit::editor_closed(state, &id, result),
    }
    fx
}

/// Whether the user is waiting on this request (a shown page, a look-up, a reload, a save).
fn awaited(state: &State, req: RequestId) -> bool {
    state.list.loading.as_ref().is_some_and(|p| p.req == req)
        || state
            .lookup
            .as_ref()
            .is_some_and(|l| l.by_id == Some(req) || l.by_ref == Some(req))
        || state.detail.as_ref().is_some_and(|d| d.reload == Some(req))
        || save::waits_for(state, req)
}

fn on_tick(state: &mut State, now: u64, fx: &mut Vec<Effect>) {
    state.now = state.now.max(now);
    if state
        .status
        .as_ref()
        .is_some_and(|s| s.expires <= state.now)
    {
        state.status = None;
    }
    if state.list.debounce_due.is_some_and(|due| due <= state.now) {
        state.list.debounce_due = None;
        let text = state
            .prompt
            .as_ref()
            .filter(|p| p.kind == PromptKind::Search)
            .map(|p| p.input.text().to_string());
        if let Some(text) = text {
            browse::apply_search(state, &text, fx);
        }
    }
}

fn on_key(state: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    match action_for(&[Context::Global], &key) {
        Some(Action::Quit) if state.form.is_some() => return edit::on_quit(state, fx),
        Some(Action::Quit) => return quit(state, fx),
        Some(Action::Suspend) => return fx.push(Effect::Suspend),
        _ => {}
    }
    if state.form.is_some() {
        return edit::on_key(state, key, fx);
    }
    if state.prompt.is_some() {
        return on_prompt_key(state, key, fx);
    }
    if state.help.open {
        match action_for(&[Context::Help], &key) {
            Some(Action::CloseHelp) => state.help.open = false,
            Some(Action::ScrollDown) => state.help.scroll = state.help.scroll.saturating_add(1),
            Some(Action::ScrollUp) => state.help.scroll = state.help.scroll.saturating_sub(1),
            _ => {}
        }
        clamp_scrolls(state);
        return;
    }
    if state.detail.is_none() {
        state.focus = Focus::List;
    }
    let here = match state.focus {
        Focus::List => Context::List,
        Focus::Detail => Context::Detail,
    };
    let Some(action) = action_for(&[here, Context::Anywhere], &key) else {
        return;
    };
    on_action(state, action, fx);
    clamp_scrolls(state);
}

fn on_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) {
    match action {
        Action::Help => {
            state.help.open = true;
            state.help.scroll = 0;
        }
        Action::Back if state.focus == Focus::Detail => {
            state.detail = None;
            state.focus = Focus::List;
        }
        Action::Back | Action::Quit => quit(state, fx),
        Action::Down => browse::move_down(state, fx),
        Action::Up => browse::move_up(state, fx),
        Action::NextPage => browse::next_page(state, fx),
        Action::PrevPage => browse::prev_page(state, fx),
        Action::First => browse::select_edge(state, false),
        Action::Last => browse::select_edge(state, true),
        Action::Search => open_prompt(state, PromptKind::Search),
        Action::ClearSearch => browse::apply_search(state, "", fx),
        Action::Lookup => open_prompt(state, PromptKind::Lookup),
        Action::Open => {
            if let Some(p) = state.selected_row().cloned() {
                browse::open_detail(state, p, true);
            }
        }
        Action::SwitchFocus => {
            state.focus = match (state.focus, &state.detail) {
                (Focus::List, Some(_)) => Focus::Detail,
                _ => Focus::List,
            };
        }
        Action::Reload => browse::reload(state, fx),
        Action::CopyId => {
            if let Some(id) = state.current_prospect().map(|p| p.id.clone()) {
                state.set_status(StatusKind::Info, format!("Copied id {id}"));
                fx.push(Effect::CopyToClipboard(id));
            }
        }
        Action::CopyJson => copy_json(state, fx),
        Action::Reveal => {
            if let Some(d) = state.detail.as_mut() {
                d.reveal = !d.reveal;
            }
        }
        Action::ScrollDown => scroll_detail(state, 1),
        Action::ScrollUp => scroll_detail(state, -1),
        Action::ScrollPageDown => scroll_detail(state, page_height(state)),
        Action::ScrollPageUp => scroll_detail(state, -page_height(state)),
        Action::Suspend => fx.push(Effect::Suspend),
        Action::Edit => edit::start(state, fx),
        Action::EditExternal => edit::start_external(state, fx),
        Action::Undo => save::undo(state),
        Action::CloseHelp
        | Action::Submit
        | Action::Cancel
        | Action::HistoryBack
        | Action::HistoryForward
        | Action::NextField
        | Action::PrevField
        | Action::SaveForm
        | Action::LeaveForm
        | Action::Send
        | Action::BackToForm
        | Action::Overwrite
        | Action::Rebase
        | Action::ConfirmDiscard
        | Action::RestoreDraft
        | Action::DropDraft => {}
    }
}

fn quit(state: &mut State, fx: &mut Vec<Effect>) {
    state.quit = true;
    fx.push(Effect::Quit);
}

fn copy_json(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(p) = state.current_prospect() else {
        return;
    };
    match serde_json::to_string_pretty(p) {
        Ok(json) => {
            let text = format!("Copied the record {} as JSON", p.id);
            state.set_status(StatusKind::Info, text);
            fx.push(Effect::CopyToClipboard(json));
        }
        Err(e) => state.set_status(StatusKind::Error, format!("Cannot copy the record: {e}")),
    }
}

fn page_height(state: &State) -> i32 {
    i32::from(state.size.1.saturating_sub(6).max(1))
}

fn scroll_detail(state: &mut State, by: i32) {
    if let Some(d) = state.detail.as_mut() {
        let next = i32::from(d.scroll) + by;
        d.scroll = u16::try_from(next.max(0)).unwrap_or(u16::MAX);
    }
}

/// Keeps the detail and help scroll positions within what the current layout can show.
fn clamp_scrolls(state: &mut State) {
    // Laying out the detail or the help text costs more than the key itself: only when shown.
    if state.detail.is_some() {
        let max_detail = ui::detail::max_scroll(state);
        if let Some(d) = state.detail.as_mut() {
            d.scroll = d.scroll.min(max_detail);
        }
    }
    if state.help.open {
        state.help.scroll = state.help.scroll.min(ui::help::max_scroll(state));
    }
}

fn open_prompt(state: &mut State, kind: PromptKind) {
    let text = match kind {
        PromptKind::Search => state.list.search.clone(),
        PromptKind::Lookup => String::new(),
    };
    state.prompt = Some(Prompt {
        kind,
        input: LineInput::with_text(&text),
        previous_search: state.list.search.clone(),
        history_pos: None,
    });
}

fn on_prompt_key(state: &mut State, key: KeyEvent, fx: &mut Vec<Effect>) {
    let Some(prompt) = state.prompt.as_mut() else {
        return;
    };
    let kind = prompt.kind;
    let contexts: &[Context] = match kind {
        PromptKind::Search => &[Context::SearchPrompt, Context::Prompt],
        PromptKind::Lookup => &[Context::Prompt],
    };
    match action_for(contexts, &key) {
        Some(Action::Submit) => {
            let text = prompt.input.text().trim().to_string();
            state.prompt = None;
            match kind {
                PromptKind::Search => {
                    browse::apply_search(state, &text, fx);
                    if !text.is_empty() && state.search_history.last() != Some(&text) {
                        state.search_history.push(text);
                    }
                }
                PromptKind::Lookup => lookup::start(state, &text, fx),
            }
        }
        Some(Action::Cancel) => {
            let previous = prompt.previous_search.clone();
            state.prompt = None;
            if kind == PromptKind::Search {
                browse::apply_search(state, &previous, fx);
            }
        }
        Some(Action::HistoryBack) => {
            let history = &state.search_history;
            if history.is_empty() {
                return;
            }
            let pos = prompt
                .history_pos
                .map_or(history.len() - 1, |p| p.saturating_sub(1));
            prompt.history_pos = Some(pos);
            prompt.input.set(&history[pos]);
            schedule_search(state, fx);
        }
        Some(Action::HistoryForward) => {
            let Some(pos) = prompt.history_pos else {
                return;
            };
            if pos + 1 < state.search_history.len() {
                prompt.history_pos = Some(pos + 1);
                prompt.input.set(&state.search_history[pos + 1]);
            } else {
                prompt.history_pos = None;
                prompt.input.set("");
            }
            schedule_search(state, fx);
        }
        _ => {
            if prompt.input.handle(key) && kind == PromptKind::Search {
                schedule_search(state, fx);
            }
        }
    }
}

/// Results follow typing, once it pauses for the debounce interval.
fn schedule_search(state: &mut State, fx: &mut Vec<Effect>) {
    state.list.debounce_due = Some(state.now + SEARCH_DEBOUNCE_MS);
    fx.push(Effect::ScheduleTick {
        after: Duration::from_millis(SEARCH_DEBOUNCE_MS),
    });
}
