//! The facet view's keys and answers: picking the field, the counts streaming in, `Enter`
//! (the records with a value, as a filter view), `V` (mark them), `c` (clusters), `A`/`S`
//! (stage a value on a cluster's records), and the members scans those start.

use super::change_views::SetField;
use super::changes_flow;
use super::effect::{ApiRequest, Effect, RequestId};
use super::facet::{Clusters, FacetView, MembersFor};
use super::keys::{Action, Context};
use super::layers::Screen;
use super::msg::{Reply, ScanPart};
use super::requests::Purpose;
use super::scan_flow;
use super::scan_view::{Coverage, ScanKind};
use super::state::{Focus, State, StatusKind};
use crate::patch::FieldPath;
use crate::scan::facet::{FacetField, Method};
use crate::scan::fields::FieldRef;
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

/// A field was picked: counts its values over what the list's search (and the filter view
/// the picker was opened from, if any) covers.
pub(super) fn start(state: &mut State, field: FacetField, fx: &mut Vec<Effect>) {
    let scope = match state.view() {
        super::layers::View::Screen(Screen::Filter) => state
            .filter
            .as_ref()
            .and_then(|f| f.filter.clone().map(|parsed| (f.text.clone(), parsed))),
        _ => None,
    };
    let search = Some(state.list.search.clone()).filter(|s| !s.is_empty());
    let view = FacetView::new(field, search, scope);
    run(state, view, fx);
}

/// Starts (or restarts) the count of `view` and shows it on top.
fn run(state: &mut State, mut view: FacetView, fx: &mut Vec<Effect>) {
    let purpose = Purpose::Scan(ScanKind::Facet);
    state
        .requests
        .cancel_where(|p| *p == purpose || *p == Purpose::Cluster, fx);
    let request = ApiRequest::Facet {
        search: view.search.clone(),
        filter: view.scope.as_ref().map(|(_, f)| f.clone()),
        field: view.field.clone(),
    };
    let req = state.requests.start(purpose, request, fx);
    view.scan = Coverage::running(req);
    view.counts = None;
    view.clusters = None;
    view.selected = 0;
    state.facet = Some(view);
    state.focus = Focus::List;
    state.show(Screen::Facet);
}

/// A part of the count: every value counted so far (the selection stays in range).
pub(super) fn take(f: &mut FacetView, part: ScanPart) {
    if let ScanPart::Counts(counts) = part {
        f.counts = Some(counts);
        f.selected = f.selected.min(f.rows().len().saturating_sub(1));
    }
}

/// The field as the filter, marks and staging name it (`None`: a key the client does not
/// model, which can be counted but not filtered on or set).
fn field_ref(f: &FacetView) -> Option<FieldRef> {
    match &f.field {
        FacetField::Known(r) => Some(*r),
        FacetField::Extra(_) => None,
    }
}

/// The values the keys act on: the selected cluster's, or the selected value.
fn selected_values(f: &FacetView) -> Vec<Option<String>> {
    match &f.clusters {
        Some(_) => f
            .selected_cluster()
            .map(|c| c.values.iter().map(|s| Some(s.value.clone())).collect())
            .unwrap_or_default(),
        None => f
            .selected_row()
            .map(|r| vec![r.value.clone()])
            .unwrap_or_default(),
    }
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
            run(state, view, fx);
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

/// Starts a members scan for the selected value or cluster (`values` overrides which).
fn members(
    state: &mut State,
    purpose: MembersFor,
    values: Option<Vec<Option<String>>>,
    fx: &mut Vec<Effect>,
) {
    let Some(f) = state.facet.as_ref() else {
        return;
    };
    let values = values.unwrap_or_else(|| selected_values(f));
    if values.is_empty() {
        return state.set_status(StatusKind::Error, "No value selected");
    }
    let request = ApiRequest::Members {
        search: f.search.clone(),
        filter: f.scope.as_ref().map(|(_, p)| p.clone()),
        field: f.field.clone(),
        values,
    };
    let doing = match &purpose {
        MembersFor::Mark => "Marking the records of the value…".to_string(),
        MembersFor::Stage { field, .. } => format!("Staging {field} on the records…"),
    };
    state.requests.start(Purpose::Members(purpose), request, fx);
    state.set_status(StatusKind::Info, doing);
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

/// The clusters were computed.
pub(super) fn clustered(state: &mut State, req: RequestId, reply: Reply) {
    let Some(c) = state
        .facet
        .as_mut()
        .and_then(|f| f.clusters.as_mut())
        .filter(|c| c.req == Some(req))
    else {
        return;
    };
    if let Reply::Clustered(list) = reply {
        c.req = None;
        c.list = Some(list);
        c.selected = 0;
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
            let purpose = MembersFor::Stage {
                field,
                to: Some(winner),
            };
            members(state, purpose, Some(others), fx);
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

/// The value typed for `S` on a facet value or cluster: the records holding those values are
/// found by a scan and the value staged on each whose value differs.
pub(super) fn stage_typed(
    state: &mut State,
    field: FieldPath,
    to: Option<String>,
    values: Vec<Option<String>>,
    fx: &mut Vec<Effect>,
) {
    let values: Vec<Option<String>> = values.into_iter().filter(|v| *v != to).collect();
    if values.is_empty() {
        let text = format!("Nothing staged: {field} is already that on every record");
        return state.set_status(StatusKind::Info, text);
    }
    members(state, MembersFor::Stage { field, to }, Some(values), fx);
}

/// A part or the end of a members scan: marks or stages each record found.
pub(super) fn members_answered(
    state: &mut State,
    purpose: &MembersFor,
    reply: Reply,
    fx: &mut Vec<Effect>,
) {
    match reply {
        Reply::Scanned {
            part: ScanPart::Members(found),
            ..
        } => {
            let n = found.len();
            match purpose {
                MembersFor::Mark => {
                    for m in found {
                        state.marks.insert(m.id, m.label);
                    }
                    let total = state.marks.len();
                    state.set_status(StatusKind::Info, format!("Marking… {total} marked in all"));
                }
                MembersFor::Stage { field, to } => {
                    let mut staged = 0;
                    for m in found {
                        let before = Some(m.value.clone());
                        if state
                            .staged
                            .stage(&m.id, &m.label, *field, to.clone(), before)
                        {
                            staged += 1;
                        }
                    }
                    if staged > 0 {
                        changes_flow::staged_changed(state, fx);
                    }
                    let total = state.staged.len();
                    state.set_status(
                        StatusKind::Info,
                        format!("Staging… {total} records staged ({n} just found)"),
                    );
                }
            }
        }
        Reply::ScanEnded(Ok(_)) => {
            let key = state.keys.first_key_label(Context::List, Action::Pending);
            let text = match purpose {
                MembersFor::Mark => format!("{} records marked in all", state.marks.len()),
                MembersFor::Stage { field, .. } => format!(
                    "Staged {field}: {} records staged in all — {key} reviews and sends",
                    state.staged.len()
                ),
            };
            state.set_status(StatusKind::Info, text);
        }
        Reply::ScanEnded(Err(e)) => {
            let text = format!("The scan for the records stopped: {e}");
            state.set_status(StatusKind::Error, text);
        }
        _ => {}
    }
}
