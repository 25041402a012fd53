//! The filter view's keys and answers: the prompt, the scan's parts, stopping it, opening or
//! editing a match.

use super::effect::{ApiRequest, Effect};
use super::filter::FilterView;
use super::form_flow;
use super::input::LineInput;
use super::keys::Action;
use super::lookup;
use super::requests::Purpose;
use super::scan_flow;
use super::scan_view::{Coverage, ScanKind};
use super::screens::Screen;
use super::state::{Focus, Prompt, PromptKind, State, StatusKind};
use crate::api::{ApiError, Prospect};
use crate::scan::Filter;

/// `F`: asks for a filter, the current one's text in the prompt (`Enter` shows its matches
/// again without a new scan).
pub(super) fn open(state: &mut State) {
    prompt(state);
}

/// Tab in the filter prompt: completes the field name being typed.
pub(super) fn complete(prompt: &mut Prompt) {
    let Some(word) = prompt.input.field_at_cursor() else {
        return;
    };
    let Some(done) = crate::scan::fields::complete(word) else {
        return;
    };
    let before = prompt.input.before_cursor();
    let start = before.len() - word.len();
    let after = &prompt.input.text()[before.len()..];
    let text = format!("{}{done}{after}", &before[..start]);
    let cursor = start + done.len();
    prompt.input = LineInput::with_text_at(&text, cursor);
}

/// Opens the prompt, holding the current filter's text.
fn prompt(state: &mut State) {
    let text = state
        .filter
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default();
    state.prompt = Some(Prompt {
        kind: PromptKind::Filter,
        input: LineInput::with_text(&text),
        previous_search: state.list.search.clone(),
        history_pos: None,
    });
}

/// The prompt was submitted: a bad filter is one sentence, a good one starts the scan.
pub(super) fn submit(state: &mut State, text: &str, fx: &mut Vec<Effect>) {
    if state.filter.as_ref().is_some_and(|f| f.text == text.trim()) {
        return take_the_keyboard(state);
    }
    let filter = match Filter::parse_line(text) {
        Ok(f) => f,
        Err(e) => return state.set_status(StatusKind::Error, e),
    };
    start(state, text.trim(), filter, fx);
}

/// Starts the scan of a filter (typed, or made by the facet view's `Enter`) and shows its
/// view on top.
pub(super) fn start(state: &mut State, text: &str, filter: Filter, fx: &mut Vec<Effect>) {
    take_the_keyboard(state);
    let purpose = Purpose::Scan(ScanKind::Filter);
    state.requests.cancel_where(|p| *p == purpose, fx);
    let search = Some(state.list.search.clone()).filter(|s| !s.is_empty());
    let request = ApiRequest::Filter {
        search,
        filter: filter.clone(),
    };
    let req = state.requests.start(purpose, request, fx);
    state.filter = Some(FilterView {
        text: text.to_string(),
        scan: Coverage::running(req),
        filter: Some(filter),
        ..FilterView::default()
    });
}

/// The filter view takes the keyboard from a focused record (beside it when wide) and goes
/// on top of the screens (`Esc` shows what was under it).
fn take_the_keyboard(state: &mut State) {
    state.focus = Focus::List;
    state.show(Screen::Filter);
}

/// The record of a match arrived: the form opens on it.
pub(super) fn edit_fetched(
    state: &mut State,
    result: Result<Prospect, ApiError>,
    fx: &mut Vec<Effect>,
) {
    match result {
        Ok(p) => form_flow::start_on_field(state, p, "", fx),
        Err(e) => state.set_status(StatusKind::Error, e.to_string()),
    }
}

/// A key of the filter view.
pub(super) fn on_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) {
    let Some(f) = state.filter.as_mut() else {
        return;
    };
    let last = f.matches.len().saturating_sub(1);
    match action {
        Action::Down => f.selected = (f.selected + 1).min(last),
        Action::Up => f.selected = f.selected.saturating_sub(1),
        Action::First => f.selected = 0,
        Action::Last => f.selected = last,
        // A match holds only what the list shows: the record is fetched fresh by its id.
        Action::Open => {
            // The view stays behind the record: `Esc` there comes back to it.
            if let Some(id) = f.matches.get(f.selected).map(|m| m.id().to_string()) {
                lookup::start(state, &id, fx);
            }
        }
        Action::Edit => {
            let id = f.matches.get(f.selected).map(|m| m.id().to_string());
            if let Some(id) = id
                && !state.refuse_read_only()
            {
                let request = ApiRequest::ById { id };
                state.requests.start(Purpose::FilterEdit, request, fx);
            }
        }
        // Esc stops a running scan and keeps what it found; then it closes the view.
        Action::Back => scan_flow::back(state, ScanKind::Filter, fx),
        Action::Filter => prompt(state),
        Action::CopyId => {
            let id = f.matches.get(f.selected).map(|m| m.id().to_string());
            state.copy_id(id, fx);
        }
        Action::Help => {
            state.help.open = true;
            state.help.scroll = 0;
        }
        _ => {}
    }
}
