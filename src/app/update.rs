//! `update`: the only place state changes. Pure: no IO, no clock.

use std::time::Duration;

use crossterm::event::{KeyEvent, KeyEventKind};

use super::browse;
use super::changes_flow as changes;
use super::effect::{Effect, Local, RequestId};
use super::facet_flow as facet;
use super::filter_flow as filter;
use super::find::{self, FindTarget};
use super::form_flow;
use super::history;
use super::input::LineInput;
use super::keys::{Action, Context};
use super::lookup;
use super::mouse;
use super::msg::{Msg, Reply};
use super::pending_flow as pending;
use super::problems_flow as problems;
use super::requests::Purpose;
use super::save;
use super::screens::{Overlay, Screen, Top, View};
use super::state::{
    Focus, PageKey, Prompt, PromptKind, SEARCH_DEBOUNCE_MS, Select, State, StatusKind,
};
use super::{facet_scan, scan_flow};

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
        Msg::Mouse(ev) => {
            mouse::on_mouse(state, ev, &mut fx);
            clamp_scrolls(state);
        }
        Msg::Resize(w, h) => {
            state.size = (w, h);
            clamp_scrolls(state);
        }
        Msg::Tick(now) => on_tick(state, now, &mut fx),
        Msg::Viewport(viewport) => {
            state.viewport = viewport;
            find::on_viewport(state);
            clamp_scrolls(state);
        }
        Msg::Api { req, reply } => {
            let answered = matches!(&reply, Reply::Page(Ok(_)) | Reply::Prospect(Ok(_)));
            route(state, req, reply, &mut fx);
            // The server is back: a list that still shows its rows drops the stale error.
            if answered && state.list.shown.is_some() {
                state.list.error = None;
            }
            clamp_scrolls(state);
        }
        Msg::Retrying { req, text } => {
            // Only for what the user waits on: a prefetch may retry quietly.
            if state.awaits(req) {
                state.set_status(StatusKind::Info, text);
            }
        }
        Msg::DraftLoaded { id, result } => form_flow::draft_loaded(state, &id, result, &mut fx),
        Msg::LocalFailed(text) => state.set_status(StatusKind::Error, text),
        Msg::Warnings(warnings) => {
            if !warnings.is_empty() {
                let text = format!("Warning: {}", warnings.join("; "));
                state.set_status(StatusKind::Error, text);
            }
        }
        Msg::EditorClosed { id, result } => form_flow::editor_closed(state, &id, result),
        Msg::StagedFound(set) => changes::staged_found(state, set),
        Msg::JournalLoaded(result) => pending::journal_loaded(state, result),
    }
    fx
}

/// An answer goes to whoever registered its request; nobody waits for an unknown id any more
/// (superseded or cancelled), so its answer is dropped.
fn route(state: &mut State, req: RequestId, reply: Reply, fx: &mut Vec<Effect>) {
    // A check answers in parts: it stays registered until its last part.
    let purpose = if reply.is_partial() {
        state.requests.get(req).cloned()
    } else {
        state.requests.finish(req)
    };
    let Some(purpose) = purpose else {
        return;
    };
    match purpose {
        Purpose::Scan(kind) => scan_flow::answered(state, kind, req, reply),
        Purpose::Members(purpose) => facet_scan::members_answered(state, &purpose, req, reply, fx),
        Purpose::Cluster => facet_scan::clustered(state, req, reply),
        Purpose::Changes => pending::answered(state, req, reply, fx),
        Purpose::ProblemEdit { field } => {
            if let Some(result) = reply.into_prospect() {
                problems::edit_fetched(state, &field, result, fx);
            }
        }
        Purpose::FilterEdit => {
            if let Some(result) = reply.into_prospect() {
                filter::edit_fetched(state, result, fx);
            }
        }
        Purpose::ListPage(key) => {
            if let Some(result) = reply.into_page() {
                browse::page_loaded(state, req, key, result, fx);
            }
        }
        Purpose::DetailReload { id } => {
            if let Some(result) = reply.into_prospect() {
                browse::detail_reloaded(state, &id, result);
            }
        }
        Purpose::Lookup(by) => {
            if let Some(result) = reply.into_prospect() {
                lookup::answered(state, by, result, fx);
            }
        }
        Purpose::SaveCheck | Purpose::SaveVerify => {
            if let Some(result) = reply.into_prospect() {
                save::record_answered(state, result, fx);
            }
        }
        Purpose::SaveSend => {
            if let Some(result) = reply.into_prospect() {
                save::patch_sent(state, result, fx);
            }
        }
    }
}

fn on_tick(state: &mut State, now: u64, fx: &mut Vec<Effect>) {
    state.now = state.now.max(now);
    // An error stays until the next key (it may be read slowly); news fades.
    if state
        .status
        .as_ref()
        .is_some_and(|s| s.kind == StatusKind::Info && s.expires <= state.now)
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
    // The key that follows an error dismisses it (and may bring its own).
    if state
        .status
        .as_ref()
        .is_some_and(|s| s.kind == StatusKind::Error)
    {
        state.status = None;
    }
    match state.keys.action_for(&[Context::Global], &key) {
        // The form asks about its own unsaved edits: the help over it closes so the question
        // is seen.
        Some(Action::Quit) if state.form.is_some() => {
            state.help.open = false;
            return form_flow::on_quit(state, fx);
        }
        Some(Action::Quit) => return changes::on_quit(state, fx),
        Some(Action::Suspend) => return fx.push(Local::Suspend.into()),
        _ => {}
    }
    // One answer to what is on top (`layers`): the same one drawing and the footer use.
    match state.top() {
        Top::Overlay(Overlay::Quit) => {
            let action = state.keys.action_for(&[Context::QuitStaged], &key);
            changes::on_modal(state, action.unwrap_or(Action::Stay), fx);
        }
        Top::Overlay(Overlay::Prompt) => on_prompt_key(state, key, fx),
        Top::Overlay(Overlay::Help) => on_help_key(state, key),
        Top::Overlay(Overlay::Dialog(context)) => {
            // Keys of no row of the dialog do nothing (the dialog stays).
            let action = state.keys.action_for(&[context], &key);
            if context == Context::SendQuestion {
                pending::question_action(state, action.unwrap_or(Action::Stay), fx);
            } else {
                changes::on_modal(state, action.unwrap_or(Action::Stay), fx);
            }
        }
        Top::Overlay(Overlay::Form) => form_flow::on_key(state, key, fx),
        Top::View(view) => on_view_key(state, view, key, fx),
    }
}

fn on_help_key(state: &mut State, key: KeyEvent) {
    match state.keys.action_for(&[Context::Help], &key) {
        Some(Action::CloseHelp) => {
            state.help.open = false;
            if state.find.as_ref().map(|f| f.target) == Some(FindTarget::Help) {
                state.find = None;
            }
        }
        Some(Action::Find) => open_prompt(state, PromptKind::Find),
        Some(Action::FindNext) => find::step(state, true),
        Some(Action::FindPrev) => find::step(state, false),
        Some(Action::ScrollDown) => state.help.scroll = state.help.scroll.saturating_add(1),
        Some(Action::ScrollUp) => state.help.scroll = state.help.scroll.saturating_sub(1),
        _ => {}
    }
    clamp_scrolls(state);
}

/// The contexts whose keys work in a view, most specific first.
pub fn view_contexts(view: View) -> [Context; 2] {
    let here = match view {
        View::List => Context::List,
        View::Detail => Context::Detail,
        View::Screen(Screen::Problems) => Context::Problems,
        View::Screen(Screen::Filter) => Context::Filter,
        View::Screen(Screen::Facet) => Context::Facet,
        View::Screen(Screen::Pending) => Context::Pending,
        View::Screen(Screen::Journal) => Context::History,
    };
    [here, Context::Anywhere]
}

fn on_view_key(state: &mut State, view: View, key: KeyEvent, fx: &mut Vec<Effect>) {
    if state.detail.is_none() {
        state.focus = Focus::List;
    }
    let Some(action) = state.keys.action_for(&view_contexts(view), &key) else {
        return;
    };
    match view {
        View::Screen(Screen::Pending) => pending::on_action(state, action, fx),
        View::Screen(Screen::Journal) => pending::history_action(state, action, fx),
        View::Screen(Screen::Problems) => match action {
            Action::Mark => {
                changes::toggle_mark(state);
                problems::on_action(state, Action::Down, fx);
            }
            Action::MarkAll => changes::mark_all(state),
            Action::Accept => changes::accept(state, false, fx),
            Action::AcceptRule => changes::accept(state, true, fx),
            Action::Pending => pending::open(state),
            Action::Filter => filter::open(state),
            _ => problems::on_action(state, action, fx),
        },
        View::Screen(Screen::Filter) => match action {
            Action::Mark => {
                changes::toggle_mark(state);
                filter::on_action(state, Action::Down, fx);
            }
            Action::MarkAll => changes::mark_all(state),
            Action::SetField => changes::start_set_field(state),
            Action::Pending => pending::open(state),
            Action::Facet => facet::open(state),
            _ => filter::on_action(state, action, fx),
        },
        View::Screen(Screen::Facet) => facet::on_action(state, action, fx),
        View::List | View::Detail => {
            on_action(state, action, fx);
            clamp_scrolls(state);
        }
    }
}

pub(super) fn on_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) {
    match action {
        Action::Help => {
            state.help.open = true;
            state.help.scroll = 0;
        }
        Action::Back if state.focus == Focus::Detail => {
            if state.find.as_ref().map(|f| f.target) == Some(FindTarget::Detail) {
                state.find = None;
            }
            browse::close_detail(state, fx);
        }
        Action::Back | Action::Quit => changes::on_quit(state, fx),
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
            let id = state.current_prospect().map(|p| p.id.clone());
            state.copy_id(id, fx);
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
        Action::Suspend => fx.push(Local::Suspend.into()),
        Action::Edit => form_flow::start(state, fx),
        Action::EditExternal => form_flow::start_external(state, fx),
        Action::Undo => save::undo(state),
        Action::Problems => problems::open(state, fx),
        Action::Filter => filter::open(state),
        Action::Facet => facet::open(state),
        Action::Find => open_prompt(state, PromptKind::Find),
        Action::FindNext => find::step(state, true),
        Action::FindPrev => find::step(state, false),
        Action::Mark => {
            changes::toggle_mark(state);
            browse::move_down(state, fx);
        }
        Action::MarkAll => changes::mark_all(state),
        Action::SetField => changes::start_set_field(state),
        Action::Pending => pending::open(state),
        Action::History => pending::open_history(state, fx),
        Action::Accept
        | Action::AcceptRule
        | Action::Remove
        | Action::Plan
        | Action::Revert
        | Action::QuitKeep
        | Action::QuitDrop
        | Action::Stay
        | Action::Cluster
        | Action::CloseHelp
        | Action::Submit
        | Action::Cancel
        | Action::HistoryBack
        | Action::HistoryForward
        | Action::Complete
        | Action::Reason
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

fn copy_json(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(p) = state.current_prospect() else {
        return;
    };
    match serde_json::to_string_pretty(p) {
        Ok(json) => {
            let text = format!("Copied the record {} as JSON", p.id);
            state.set_status(StatusKind::Info, text);
            fx.push(Local::CopyToClipboard(json).into());
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

/// Keeps the detail and help scroll positions within what the last frame laid out.
fn clamp_scrolls(state: &mut State) {
    let viewport = &state.viewport;
    if let (Some(d), Some(max)) = (state.detail.as_mut(), viewport.detail_max_scroll) {
        d.scroll = d.scroll.min(max);
    }
    if let Some(max) = viewport.help_max_scroll.filter(|_| state.help.open) {
        state.help.scroll = state.help.scroll.min(max);
    }
}

fn open_prompt(state: &mut State, kind: PromptKind) {
    let text = match kind {
        PromptKind::Search => state.list.search.clone(),
        PromptKind::Lookup | PromptKind::Filter | PromptKind::SetValue => String::new(),
        PromptKind::Reason => state
            .send_question
            .as_ref()
            .and_then(|q| q.reason.clone())
            .unwrap_or_default(),
        PromptKind::Find => state
            .find
            .as_ref()
            .filter(|f| f.target == find::target(state))
            .map(|f| f.query.clone())
            .unwrap_or_default(),
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
        PromptKind::Lookup
        | PromptKind::Filter
        | PromptKind::Find
        | PromptKind::SetValue
        | PromptKind::Reason => &[Context::Prompt],
    };
    match state.keys.action_for(contexts, &key) {
        // A value for `S` is typed as it is meant: spaces kept.
        Some(Action::Submit) if kind == PromptKind::SetValue => {
            let text = prompt.input.text().to_string();
            state.prompt = None;
            changes::value_submitted(state, &text, fx);
        }
        Some(Action::Submit) => {
            let text = prompt.input.text().trim().to_string();
            state.prompt = None;
            // Remembered across runs, but never an identification number.
            if !history::is_identification(state, &text)
                && history::push(&mut state.history, kind, &text)
            {
                fx.push(Local::SaveHistory(state.history.clone()).into());
            }
            match kind {
                PromptKind::Search => browse::apply_search(state, &text, fx),
                PromptKind::Lookup => lookup::start(state, &text, fx),
                PromptKind::Filter => filter::submit(state, &text, fx),
                PromptKind::Find => find::start(state, &text),
                PromptKind::Reason => pending::reason_typed(state, &text),
                PromptKind::SetValue => {}
            }
        }
        Some(Action::Cancel) => {
            let previous = prompt.previous_search.clone();
            state.prompt = None;
            if kind == PromptKind::SetValue {
                state.set_field = None;
            }
            if kind == PromptKind::Search {
                browse::apply_search(state, &previous, fx);
            }
        }
        Some(Action::HistoryBack) => {
            let history = history::of(&state.history, kind);
            if history.is_empty() {
                return;
            }
            let pos = prompt
                .history_pos
                .map_or(history.len() - 1, |p| p.saturating_sub(1));
            prompt.history_pos = Some(pos);
            prompt.input.set(&history[pos]);
            if kind == PromptKind::Search {
                schedule_search(state, fx);
            }
        }
        Some(Action::HistoryForward) => {
            let Some(pos) = prompt.history_pos else {
                return;
            };
            let history = history::of(&state.history, kind);
            if pos + 1 < history.len() {
                prompt.history_pos = Some(pos + 1);
                prompt.input.set(&history[pos + 1]);
            } else {
                prompt.history_pos = None;
                prompt.input.set("");
            }
            if kind == PromptKind::Search {
                schedule_search(state, fx);
            }
        }
        Some(Action::Complete) if kind == PromptKind::Filter => filter::complete(prompt),
        _ => {
            let changed = prompt.input.handle(key);
            match kind {
                PromptKind::Search if changed => schedule_search(state, fx),
                // An expression is previewed as it is typed.
                PromptKind::SetValue if changed => changes::refresh_preview(state),
                _ => {}
            }
        }
    }
}

/// Results follow typing, once it pauses for the debounce interval.
fn schedule_search(state: &mut State, fx: &mut Vec<Effect>) {
    state.list.debounce_due = Some(state.now + SEARCH_DEBOUNCE_MS);
    fx.push(
        Local::ScheduleTick {
            after: Duration::from_millis(SEARCH_DEBOUNCE_MS),
        }
        .into(),
    );
}
