//! The problems view's keys and answers: starting the check, its parts arriving, drilling
//! down, opening or editing a finding's record, rescanning.

use super::effect::{ApiRequest, Effect};
use super::form_flow;
use super::keys::Action;
use super::lookup;
use super::problems::Problems;
use super::requests::Purpose;
use super::scan_flow;
use super::scan_view::{Coverage, ScanKind};
use super::screens::Screen;
use super::state::{Focus, State, StatusKind};
use crate::api::{ApiError, Prospect};

/// `!`: shows the view, starting a check when there is none yet.
pub(super) fn open(state: &mut State, fx: &mut Vec<Effect>) {
    // The view takes the keyboard from a focused record (which stays beside it when wide),
    // and the place of a filter view behind that record.
    state.focus = Focus::List;
    match state.problems {
        Some(_) => state.show(Screen::Problems),
        None => rescan(state, fx),
    }
}

/// Starts a fresh check over the records the list's search covers.
pub(super) fn rescan(state: &mut State, fx: &mut Vec<Effect>) {
    let purpose = Purpose::Scan(ScanKind::Problems);
    state.requests.cancel_where(|p| *p == purpose, fx);
    let search = Some(state.list.search.clone()).filter(|s| !s.is_empty());
    let req = state
        .requests
        .start(purpose, ApiRequest::Check { search }, fx);
    state.problems = Some(Problems {
        scan: Coverage::running(req),
        ..Problems::default()
    });
    state.show(Screen::Problems);
}

/// The record of a finding arrived: the form opens on the finding's field.
pub(super) fn edit_fetched(
    state: &mut State,
    field: &str,
    result: Result<Prospect, ApiError>,
    fx: &mut Vec<Effect>,
) {
    match result {
        Ok(p) => form_flow::start_on_field(state, p, field, fx),
        Err(e) => state.set_status(StatusKind::Error, e.to_string()),
    }
}

/// A key of the problems view.
pub(super) fn on_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) {
    let Some(p) = state.problems.as_mut() else {
        return;
    };
    let rows = match p.rule {
        Some(_) => p.shown().len(),
        None => p.rules().len(),
    };
    let row = match (p.rule, &p.group) {
        (Some(_), Some(_)) => &mut p.group_row,
        (Some(_), None) => &mut p.finding_row,
        (None, _) => &mut p.rule_row,
    };
    match action {
        Action::Down => *row = (*row + 1).min(rows.saturating_sub(1)),
        Action::Up => *row = row.saturating_sub(1),
        Action::First => *row = 0,
        Action::Last => *row = rows.saturating_sub(1),
        Action::Open => match (p.rule, p.selected().cloned()) {
            (None, _) => {
                p.rule = p.rules().get(p.rule_row).map(|(r, _)| *r);
                p.finding_row = 0;
                p.group = None;
            }
            // A duplicate lists the records sharing its value, the first other selected.
            (Some(rule), Some(f)) if rule.is_duplicate() && p.group.is_none() => {
                if let Some(value) = f.value.clone() {
                    let members = p.group_of(rule, &value);
                    p.group_row = members.iter().position(|o| o.id != f.id).unwrap_or(0);
                    p.group = Some(value);
                }
            }
            // The view stays behind the record: `Esc` there comes back to it.
            (Some(_), Some(f)) => lookup::start(state, &f.id, fx),
            (Some(_), None) => {}
        },
        Action::Back => match (p.rule, &p.group) {
            (Some(_), Some(_)) => p.group = None,
            (Some(_), None) => p.rule = None,
            // As every streaming view: stop the scan (keeping the findings), then close.
            (None, _) => scan_flow::back(state, ScanKind::Problems, fx),
        },
        Action::Edit => {
            let finding = p.selected().cloned();
            if let Some(f) = finding
                && !state.refuse_read_only()
            {
                let request = ApiRequest::ById { id: f.id };
                let purpose = Purpose::ProblemEdit { field: f.field };
                state.requests.start(purpose, request, fx);
            }
        }
        Action::Reload => rescan(state, fx),
        Action::CopyId => {
            let id = p.selected().map(|f| f.id.clone());
            state.copy_id(id, fx);
        }
        Action::Help => {
            state.help.open = true;
            state.help.scroll = 0;
        }
        _ => {}
    }
}
