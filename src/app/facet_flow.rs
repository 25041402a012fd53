//! The facet view's keys and answers: picking the field, the counts streaming in, `Enter`
//! (the records with a value, as a filter view), `V` (mark them), `c` (clusters), `A`/`S`
//! (stage a value on a cluster's records), and the members scans those start.

use super::change_views::SetField;
use super::changes_flow;
use super::effect::{ApiRequest, Effect};
use super::facet::{Clusters, MembersFor};
use super::facet_scan::{self, field_ref, members, selected_values};
use super::keys::{Action, Context};
use super::requests::Purpose;
use super::scan_flow;
use super::scan_view::ScanKind;
use super::state::{State, StatusKind};
use crate::patch::FieldPath;
use crate::scan::facet::Method;
use crate::scan::filter::Condition;

/// `%`: the field picker opens; the facet starts once a field is picked.
pub(super) fn open(state: &mut State) {
    state.set_field = Some(SetField {
        targets: Vec::new(),
        row: 0,
        field: None,
        error: None,
        facet: true,
        members: None,
        preview: None,
    });
}

/// A key of the facet view.
pub(super) fn on_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) {
    let Some(f) = state.facet.as_mut() else {
        return;
    };
    let last = f.len().saturating_sub(1);
    match action {
        Action::Down => *f.row_mut() = (*f.row_mut() + 1).min(last),
        Action::Up => *f.row_mut() = f.row_mut().saturating_sub(1),
        Action::First => *f.row_mut() = 0,
        Action::Last => *f.row_mut() = last,
        Action::Open => open_value(state, fx),
        Action::MarkAll => members(state, MembersFor::Mark, None, fx),
        Action::Cluster => cluster(state, fx),
        Action::AcceptRule => accept_cluster(state, fx),
        Action::SetField => set_value(state),
        Action::Back if f.clusters.is_some() => f.clusters = None,
        Action::Back => scan_flow::back(state, ScanKind::Facet, fx),
        Action::Reload => {
            let view = f.clone();
            facet_scan::run(state, view, fx);
        }
        Action::Pending => super::pending_flow::open(state),
        Action::Help => {
            state.help.open = true;
            state.help.scroll = 0;
        }
        _ => {}
    }
}

/// `Enter` on a value: its records, as a filter view (`Esc` there comes back here).
fn open_value(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(f) = state.facet.as_ref() else {
        return;
    };
    if f.clusters.is_some() {
        let key = state.keys.first_key_label(Context::Facet, Action::Cluster);
        let text = format!("Enter lists the records of a value: {key} shows the values again");
        return state.set_status(StatusKind::Info, text);
    }
    let Some(row) = f.selected_row() else {
        return;
    };
    let Some(field) = field_ref(f) else {
        let text = format!(
            "{} is not a field the filter knows: its records cannot be listed",
            f.field.name()
        );
        return state.set_status(StatusKind::Error, text);
    };
    let value = row.value.clone().unwrap_or_default();
    let mut filter = f
        .scope
        .as_ref()
        .map(|(_, parsed)| parsed.clone())
        .unwrap_or_default();
    filter.conditions.push(Condition::exact(field, &value));
    let shown = crate::text::escape_cell(&value);
    let text = match &f.scope {
        Some((scope, _)) => format!("{scope} {}=={shown}", field.name()),
        None => format!("{}=={shown}", field.name()),
    };
    super::filter_flow::start(state, &text, filter, fx);
}

/// `c`: values → clusters by fingerprint → by 2-gram fingerprint → values.
fn cluster(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(f) = state.facet.as_mut() else {
        return;
    };
    let method = match f.clusters.as_ref().map(|c| c.method) {
        None => Method::Fingerprint,
        Some(Method::Fingerprint) => Method::Ngram,
        Some(Method::Ngram) => {
            f.clusters = None;
            state.requests.cancel_where(|p| *p == Purpose::Cluster, fx);
            return;
        }
    };
    let values: Vec<(String, u64)> = f
        .rows()
        .iter()
        .filter_map(|r| r.value.clone().map(|v| (v, r.count)))
        .collect();
    state.requests.cancel_where(|p| *p == Purpose::Cluster, fx);
    let req = state
        .requests
        .start(Purpose::Cluster, ApiRequest::Cluster { values, method }, fx);
    if let Some(f) = state.facet.as_mut() {
        f.clusters = Some(Clusters {
            method,
            req: Some(req),
            list: None,
            selected: 0,
        });
    }
}

/// The field a change is staged on, or the sentence saying it cannot be set.
fn settable(state: &State) -> Result<FieldPath, String> {
    let f = state.facet.as_ref().ok_or("No facet")?;
    field_ref(f)
        .and_then(|r| FieldPath::parse(r.name()))
        .ok_or_else(|| format!("{} cannot be changed", f.field.name()))
}

/// `A` on a cluster: stages "set to the most common value" on the records of its other values.
fn accept_cluster(state: &mut State, fx: &mut Vec<Effect>) {
    if state.refuse_read_only() {
        return;
    }
    let Some(f) = state.facet.as_ref() else {
        return;
    };
    let Some(cluster) = f.selected_cluster() else {
        let key = state.keys.first_key_label(Context::Facet, Action::Cluster);
        let text = format!("A stages a cluster's most common value: {key} shows the clusters");
        return state.set_status(StatusKind::Error, text);
    };
    let winner = cluster.winner().to_string();
    let others: Vec<Option<String>> = cluster
        .values
        .iter()
        .filter(|s| s.value != winner)
        .map(|s| Some(s.value.clone()))
        .collect();
    match settable(state) {
        Ok(field) => {
            facet_scan::stage_typed(state, field, Some(winner), others, fx);
        }
        Err(e) => state.set_status(StatusKind::Error, e),
    }
}

/// `S` on a value or a cluster: the value typed is staged on all their records.
fn set_value(state: &mut State) {
    if state.refuse_read_only() {
        return;
    }
    let field = match settable(state) {
        Ok(f) => f,
        Err(e) => return state.set_status(StatusKind::Error, e),
    };
    let values = state
        .facet
        .as_ref()
        .map(selected_values)
        .unwrap_or_default();
    if values.is_empty() {
        return state.set_status(StatusKind::Error, "No value selected");
    }
    state.set_field = Some(SetField {
        targets: Vec::new(),
        row: 0,
        field: Some(field),
        error: None,
        facet: true,
        members: Some(values),
        preview: None,
    });
    changes_flow::open_value_prompt(state, "");
}
