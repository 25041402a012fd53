//! The facet view's background work: its count (started, restarted), the members scans `V`,
//! `A` and `S` start (the records holding some values, marked or staged as they are found),
//! and the clusters computed off the UI thread. Separate from the keys (`facet_flow`) so the
//! change-set flow can start a count or a members scan without importing the keys.

use super::effect::{ApiRequest, Effect, RequestId};
use super::facet::{FacetView, MembersFor};
use super::keys::{Action, Context};
use super::msg::{Reply, ScanPart};
use super::requests::Purpose;
use super::scan_view::{Coverage, ScanKind};
use super::screens::{Screen, View};
use super::set_expr;
use super::state::{Focus, State, StatusKind};
use crate::patch::FieldPath;
use crate::scan::facet::FacetField;
use crate::scan::fields::FieldRef;

/// A field was picked: counts its values over what the list's search (and the filter view
/// the picker was opened from, if any) covers.
pub(super) fn start(state: &mut State, field: FacetField, fx: &mut Vec<Effect>) {
    let scope = match state.view() {
        View::Screen(Screen::Filter) => state
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
pub(super) fn run(state: &mut State, mut view: FacetView, fx: &mut Vec<Effect>) {
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
    view.changed_since = 0;
    state.facet = Some(view);
    state.focus = Focus::List;
    state.show(Screen::Facet);
}

/// The field as the filter, marks and staging name it (`None`: a key the client does not
/// model, which can be counted but not filtered on or set).
pub(super) fn field_ref(f: &FacetView) -> Option<FieldRef> {
    match &f.field {
        FacetField::Known(r) => Some(*r),
        FacetField::Extra(_) => None,
    }
}

/// The values the keys act on: the selected cluster's, or the selected value.
pub(super) fn selected_values(f: &FacetView) -> Vec<Option<String>> {
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

/// Starts a members scan for the selected value or cluster (`values` overrides which).
pub(super) fn members(
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
        MembersFor::Stage { field, .. } | MembersFor::Expr { field, .. } => {
            format!("Staging {field} on the records…")
        }
    };
    state.requests.start(Purpose::Members(purpose), request, fx);
    state.set_status(StatusKind::Info, doing);
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
    let what = to
        .as_deref()
        .map_or("(empty)".to_string(), |v| format!("= {v:?}"));
    let changes = values
        .into_iter()
        .filter(|v| *v != to)
        .map(|v| (v, to.clone()))
        .collect();
    stage(state, field, changes, what, fx);
}

/// An expression typed for `S` on a facet value or cluster: computed once per value (each
/// value's records all hold it), checked with the form's rules; the records of the values it
/// changes are found by a scan and staged.
pub(super) fn stage_expr(
    state: &mut State,
    field: FieldPath,
    pipeline: &crate::expr::Pipeline,
    text: &str,
    values: Vec<Option<String>>,
    fx: &mut Vec<Effect>,
) {
    use super::set_expr::{Result1, outcome};
    let mut skipped = Vec::new();
    let mut changes = Vec::new();
    for v in values {
        match outcome(pipeline, field, Some(v.clone()), state.region) {
            Result1::Change { after, .. } => changes.push((v, after)),
            Result1::Skipped(why) => skipped.push(why),
            Result1::Same | Result1::Unknown => {}
        }
    }
    if changes.is_empty() {
        let text = match skipped.first() {
            Some(why) => format!("Nothing staged: {why}"),
            None => format!("Nothing staged: {field} does not change"),
        };
        return state.set_status(StatusKind::Error, text);
    }
    let what = format!("({})", text.trim_start_matches('='));
    stage(state, field, changes, what, fx);
}

fn stage(
    state: &mut State,
    field: FieldPath,
    changes: Vec<(Option<String>, Option<String>)>,
    what: String,
    fx: &mut Vec<Effect>,
) {
    if changes.is_empty() {
        let text = format!("Nothing staged: {field} is already that on every record");
        return state.set_status(StatusKind::Info, text);
    }
    let purpose = MembersFor::Stage {
        field,
        changes,
        what,
    };
    let values = purpose.values();
    members(state, purpose, values, fx);
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

/// A part or the end of a members scan: marks or stages each record found.
pub(super) fn members_answered(
    state: &mut State,
    purpose: &MembersFor,
    req: RequestId,
    reply: Reply,
    fx: &mut Vec<Effect>,
) {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    match reply {
        Reply::Scanned {
            part: ScanPart::Members(found),
            ..
        } => {
            let mut tally = state.members_found.remove(&req).unwrap_or_default();
            let before = tally.done;
            match purpose {
                MembersFor::Mark => {
                    for m in found {
                        tally.done += usize::from(state.marks.insert(m.id, m.label).is_none());
                    }
                }
                MembersFor::Stage { field, changes, .. } => {
                    for m in found {
                        let Some((_, to)) = changes.iter().find(|(from, _)| *from == m.value)
                        else {
                            continue;
                        };
                        let before = Some(m.value.clone());
                        let label = m.label.as_str();
                        tally.done += usize::from(state.staged.stage(
                            &m.id,
                            label,
                            *field,
                            to.clone(),
                            before,
                        ));
                    }
                }
                MembersFor::Expr { field, text } => {
                    if let Some(Ok(pipeline)) = set_expr::parse(text) {
                        for m in found {
                            match set_expr::outcome(&pipeline, *field, Some(m.value), state.region)
                            {
                                set_expr::Result1::Change { before, after } => {
                                    tally.done += usize::from(state.staged.stage(
                                        &m.id,
                                        &m.label,
                                        *field,
                                        after,
                                        Some(before),
                                    ));
                                }
                                set_expr::Result1::Skipped(why) => {
                                    tally.skipped += 1;
                                    if tally.first_skip.is_none() {
                                        tally.first_skip = Some(format!("{}: {why}", m.label));
                                    }
                                }
                                set_expr::Result1::Same | set_expr::Result1::Unknown => {
                                    tally.same += 1;
                                }
                            }
                        }
                    }
                }
            }
            if tally.done > before && !matches!(purpose, MembersFor::Mark) {
                state.staged_changed(fx);
            }
            let n = tally.done;
            state.members_found.insert(req, tally);
            let doing = match purpose {
                MembersFor::Mark => "Marking",
                MembersFor::Stage { .. } | MembersFor::Expr { .. } => "Staging",
            };
            state.set_status(
                StatusKind::Info,
                format!("{doing}… {n} record{} so far", plural(n)),
            );
        }
        Reply::ScanEnded(result) => {
            let tally = state.members_found.remove(&req).unwrap_or_default();
            let n = tally.done;
            let key = state.keys.first_key_label(Context::List, Action::Pending);
            let text = match (purpose, result) {
                (purpose, Err(e)) => {
                    let what = match purpose {
                        MembersFor::Mark => "The scan for the records stopped after marking",
                        MembersFor::Stage { .. } => {
                            "The scan for the records stopped after staging"
                        }
                        MembersFor::Expr { .. } => "Fetching the records stopped after staging",
                    };
                    let text = format!("{what} {n}: {e}");
                    return state.set_status(StatusKind::Error, text);
                }
                (MembersFor::Mark, Ok(_)) => format!(
                    "Marked {n} record{} ({} marked in all)",
                    plural(n),
                    state.marks.len()
                ),
                (MembersFor::Stage { field, what, .. }, Ok(_)) => format!(
                    "Staged {field} {what} on {n} record{} ({} staged in all) — {key} reviews and sends",
                    plural(n),
                    state.staged.len()
                ),
                (MembersFor::Expr { .. }, Ok(summary)) => {
                    let mut line = format!(
                        "Fetched {} record{}: changed {n} · unchanged {} · skipped {} ({} staged in all)",
                        summary.records,
                        plural(usize::try_from(summary.records).unwrap_or(usize::MAX)),
                        tally.same,
                        tally.skipped,
                        state.staged.len(),
                    );
                    if let Some(skip) = &tally.first_skip {
                        line.push_str(&format!("; first skipped: {skip}"));
                    }
                    if n > 0 {
                        line.push_str(&format!(" — {key} reviews and sends"));
                    }
                    line
                }
            };
            state.set_status(StatusKind::Info, text);
        }
        _ => {}
    }
}
