//! Marking rows and staging changes: `space`/`V` marks, `S` sets a field on the marked
//! records, `a`/`A` stage a finding's suggestion; a change set left from an earlier session
//! is offered back, and quitting with staged changes asks first.

use std::collections::HashMap;

use super::changes::{ChangeSet, check_value, label_of};
use super::effect::{ApiRequest, Effect, Local};
use super::facet::MembersFor;
use super::filter::MatchRow;
use super::keys::{Action, Context};
use super::requests::Purpose;
use super::set_expr;
use super::state::{Focus, Prompt, PromptKind, State, StatusKind};
use super::{change_views::SetField, input::LineInput};
use crate::api::Prospect;
use crate::patch::FieldPath;
use crate::scan::Finding;

/// A filter match's (id, label), named as every view names a prospect.
fn match_target(m: &MatchRow) -> (String, String) {
    let label = crate::present::name_and_ref(m.name(), Some(m.reference()), m.id());
    (m.id().to_string(), label)
}

/// A finding's record, named as every view names a prospect.
fn finding_label(f: &Finding) -> String {
    crate::present::name_and_ref(&f.name, f.external_reference.as_deref(), &f.id)
}

/// The problems view's findings shown now: a rule's, or every finding from the rule table.
fn shown_findings(state: &State) -> Vec<&Finding> {
    let Some(p) = state
        .problems
        .as_ref()
        .filter(|_| state.problems_have_keys())
    else {
        return Vec::new();
    };
    match p.rule {
        Some(_) => p.shown(),
        None => p.findings.iter().collect(),
    }
}

/// The selected finding, when findings are listed.
fn selected_finding(state: &State) -> Option<&Finding> {
    let p = state
        .problems
        .as_ref()
        .filter(|_| state.problems_have_keys())?;
    p.selected()
}

/// The (id, label) of the row the keys act on in the view shown.
fn selected_target(state: &State) -> Option<(String, String)> {
    if state.problems_have_keys() {
        return selected_finding(state).map(|f| (f.id.clone(), finding_label(f)));
    }
    if let Some(f) = state.filter.as_ref().filter(|_| state.filter_has_keys()) {
        return f.matches.get(f.selected).map(match_target);
    }
    state
        .current_prospect()
        .map(|p| (p.id.clone(), label_of(p)))
}

/// `space`: marks or unmarks the selected row.
pub(super) fn toggle_mark(state: &mut State) {
    let Some((id, label)) = selected_target(state) else {
        return;
    };
    if state.marks.remove(&id).is_none() {
        state.marks.insert(id, label);
    }
}

/// `V`: marks every row shown (the page, the filter's matches, the findings listed); when
/// all of them are marked already, unmarks them.
pub(super) fn mark_all(state: &mut State) {
    let rows: Vec<(String, String)> = if state.problems_have_keys() {
        shown_findings(state)
            .into_iter()
            .map(|f| (f.id.clone(), finding_label(f)))
            .collect()
    } else if let Some(f) = state.filter.as_ref().filter(|_| state.filter_has_keys()) {
        f.matches.iter().map(match_target).collect()
    } else {
        state
            .list
            .rows
            .iter()
            .map(|p| (p.id.clone(), label_of(p)))
            .collect()
    };
    if rows.iter().all(|(id, _)| state.marks.contains_key(id)) {
        for (id, _) in &rows {
            state.marks.remove(id);
        }
        state.set_status(StatusKind::Info, format!("Unmarked {} rows", rows.len()));
        return;
    }
    let n = rows.len();
    state.marks.extend(rows);
    let total = state.marks.len();
    state.set_status(
        StatusKind::Info,
        format!("Marked {n} rows ({total} marked in all)"),
    );
}

/// `S`: the field picker opens for the marked records (or the selected one).
pub(super) fn start_set_field(state: &mut State) {
    if state.refuse_read_only() {
        return;
    }
    let targets: Vec<(String, String)> = if state.marks.is_empty() {
        selected_target(state).into_iter().collect()
    } else {
        state
            .marks
            .iter()
            .map(|(id, l)| (id.clone(), l.clone()))
            .collect()
    };
    if targets.is_empty() {
        let key = state.keys.first_key_label(Context::List, Action::Mark);
        state.set_status(
            StatusKind::Error,
            format!("Nothing to set: mark rows with {key} first"),
        );
        return;
    }
    state.set_field = Some(SetField {
        targets,
        row: 0,
        field: None,
        error: None,
        facet: false,
        members: None,
        preview: None,
    });
}

/// Opens the prompt for the value of `S`, holding `text`.
pub(super) fn open_value_prompt(state: &mut State, text: &str) {
    state.prompt = Some(Prompt {
        kind: PromptKind::SetValue,
        input: LineInput::with_text(text),
        previous_search: state.list.search.clone(),
        history_pos: None,
    });
}

/// A key of the field picker.
pub(super) fn field_pick_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) {
    let Some(s) = state.set_field.as_mut() else {
        return;
    };
    let fields = FieldPath::all();
    match action {
        Action::Down => s.row = (s.row + 1).min(fields.len().saturating_sub(1)),
        Action::Up => s.row = s.row.saturating_sub(1),
        Action::Cancel => state.set_field = None,
        Action::Submit => {
            let Some(field) = fields.get(s.row).copied() else {
                return;
            };
            if s.facet {
                state.set_field = None;
                let Some(known) = crate::scan::fields::FieldRef::parse(&field.to_string()) else {
                    return;
                };
                let field = crate::scan::facet::FacetField::Known(known);
                return super::facet_scan::start(state, field, fx);
            }
            s.field = Some(field);
            // One record on screen: its value is the starting text, as in the form.
            let one = match s.targets.as_slice() {
                [(id, _)] => Some(id.clone()),
                _ => None,
            };
            let text = one
                .and_then(|id| known_record(state, &id).and_then(|p| field.get(p)))
                .unwrap_or_default();
            open_value_prompt(state, &text);
        }
        _ => {}
    }
}

/// The record as last seen on screen, if it is still held (the detail, the page, the cache;
/// a filter match keeps only its shown columns, so its values are learnt when planning).
pub(super) fn known_record<'a>(state: &'a State, id: &str) -> Option<&'a Prospect> {
    state
        .detail
        .as_ref()
        .map(|d| &d.prospect)
        .filter(|p| p.id == id)
        .or_else(|| state.list.rows.iter().find(|p| p.id == id))
        .or_else(|| state.list.cache.find(id))
}

/// The value of `field` the screen knows for a record: from a record held (detail, page,
/// cache) or a filter match's columns. `None`: not known here.
fn known_value(
    state: &State,
    matches: &HashMap<&str, &MatchRow>,
    id: &str,
    field: FieldPath,
) -> Option<Option<String>> {
    if let Some(p) = known_record(state, id) {
        return Some(field.get(p));
    }
    let m = matches.get(id)?;
    let v = match field.to_string().as_str() {
        "phoneNumber" => m.phone(),
        "email" => m.email(),
        "address.postcode" => m.postcode(),
        "address.country" => m.country(),
        _ => return None,
    };
    Some(Some(v.to_string()).filter(|v| !v.is_empty()))
}

/// The filter view's matches by id.
fn matches_by_id(state: &State) -> HashMap<&str, &MatchRow> {
    state
        .filter
        .iter()
        .flat_map(|f| f.matches.iter())
        .map(|m| (m.id(), m))
        .collect()
}

/// What the expression `pipeline` makes of each target (the first `limit`).
fn expr_rows(
    state: &State,
    s: &SetField,
    field: FieldPath,
    pipeline: &crate::expr::Pipeline,
    limit: usize,
) -> Vec<set_expr::Row> {
    // On a facet value or cluster: one row per value (its records all hold it).
    if let Some(values) = &s.members {
        return values
            .iter()
            .take(limit)
            .map(|v| {
                let n = state
                    .facet
                    .as_ref()
                    .and_then(|f| f.rows().iter().find(|r| r.value == *v))
                    .map_or(0, |r| r.count);
                set_expr::Row {
                    id: String::new(),
                    label: format!("{n} record{}", if n == 1 { "" } else { "s" }),
                    result: set_expr::outcome(pipeline, field, Some(v.clone()), state.region),
                }
            })
            .collect();
    }
    let matches = matches_by_id(state);
    let row = |(id, label): &(String, String)| set_expr::Row {
        id: id.clone(),
        label: label.clone(),
        result: set_expr::outcome(
            pipeline,
            field,
            known_value(state, &matches, id, field),
            state.region,
        ),
    };
    if limit == usize::MAX {
        return s.targets.iter().map(row).collect();
    }
    // The preview: records whose value is held first (they show a before → after), looked
    // for among the first few hundred targets; then those fetched on Enter.
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for target in s.targets.iter().take(PREVIEW_LOOKS) {
        let r = row(target);
        if r.result == set_expr::Result1::Unknown {
            if unknown.len() < limit {
                unknown.push(r);
            }
        } else {
            known.push(r);
            if known.len() == limit {
                break;
            }
        }
    }
    known.extend(unknown);
    known.truncate(limit);
    known
}

/// Whether `n` records are found sooner by scanning every page (100 a page) than by a GET
/// each: when the list, unsearched, says how many records there are and `n` is more than
/// its pages.
fn fetch_by_scan(state: &State, n: usize) -> bool {
    let Some(meta) = state
        .list
        .meta
        .as_ref()
        .filter(|_| state.list.search.is_empty())
    else {
        return false;
    };
    let pages = meta.total_items.div_ceil(100);
    u64::try_from(n).unwrap_or(u64::MAX) > pages
}

/// How many targets the preview looks through for records whose value is held.
const PREVIEW_LOOKS: usize = 500;

/// The `S` prompt's text changed: an expression is previewed on the first few targets.
pub(super) fn refresh_preview(state: &mut State) {
    let Some(text) = state
        .prompt
        .as_ref()
        .filter(|p| p.kind == PromptKind::SetValue)
        .map(|p| p.input.text().to_string())
    else {
        return;
    };
    let Some(s) = state.set_field.as_ref() else {
        return;
    };
    let preview = match (s.field, set_expr::parse(&text)) {
        (Some(field), Some(Ok(pipeline))) => Some(Ok(expr_rows(
            state,
            s,
            field,
            &pipeline,
            set_expr::PREVIEW_ROWS,
        ))),
        (_, Some(Err(e))) => Some(Err(e)),
        _ => None,
    };
    if let Some(s) = state.set_field.as_mut() {
        s.preview = preview;
        s.error = None;
    }
}

/// Keeps the `S` prompt open with `text` and says why it was refused.
fn refuse_value(state: &mut State, mut s: SetField, text: &str, why: String) {
    s.error = Some(why);
    state.set_field = Some(s);
    open_value_prompt(state, text);
}

/// An expression typed for `S`: computed per target, each result checked with the form's
/// rules; the records whose value changes are staged, the others counted and said.
fn expr_submitted(
    state: &mut State,
    s: SetField,
    field: FieldPath,
    text: &str,
    fx: &mut Vec<Effect>,
) {
    let pipeline = match set_expr::parse(text) {
        Some(Ok(p)) => p,
        Some(Err(e)) => return refuse_value(state, s, text, e),
        None => return,
    };
    if let Some(values) = s.members {
        return super::facet_scan::stage_expr(state, field, &pipeline, text, values, fx);
    }
    let rows = expr_rows(state, &s, field, &pipeline, usize::MAX);
    let mut first_skip = None;
    for r in &rows {
        match &r.result {
            set_expr::Result1::Change { before, after } => {
                state
                    .staged
                    .stage(&r.id, &r.label, field, after.clone(), Some(before.clone()));
            }
            set_expr::Result1::Skipped(why) if first_skip.is_none() => {
                first_skip = Some(format!("{}: {why}", r.label));
            }
            _ => {}
        }
    }
    let (changed, .., unknown) = set_expr::counts(&rows);
    let key = state.keys.first_key_label(Context::List, Action::Pending);
    let mut line = format!(
        "Staged {field} ({}): {}",
        text.trim_start_matches('='),
        set_expr::summary(&rows)
    );
    if let Some(skip) = first_skip {
        line.push_str(&format!("; first skipped: {skip}"));
    }
    if changed > 0 {
        line.push_str(&format!(" — {key} reviews and sends"));
        state.staged_changed(fx);
    }
    // The records whose value the screen does not hold are fetched, and the expression
    // computed on each as they come (`facet_scan::members_answered`).
    if unknown > 0 {
        let ids = rows
            .iter()
            .filter(|r| r.result == set_expr::Result1::Unknown)
            .map(|r| r.id.clone())
            .collect();
        let purpose = Purpose::Members(MembersFor::Expr {
            field,
            text: text.to_string(),
        });
        let request = ApiRequest::Fetch {
            by_scan: fetch_by_scan(state, unknown),
            ids,
            field,
            concurrency: state.concurrency,
        };
        state.requests.start(purpose, request, fx);
    }
    let kind = if changed == 0 && unknown == 0 {
        StatusKind::Error
    } else {
        StatusKind::Info
    };
    state.set_status(kind, line);
}

/// The value typed for `S`: checked with the form's rules, then staged on every target. An
/// invalid value keeps the prompt open with the text, and says why. A value starting with
/// `=` is an expression, computed per record.
pub(super) fn value_submitted(state: &mut State, text: &str, fx: &mut Vec<Effect>) {
    let Some(s) = state.set_field.take() else {
        return;
    };
    let Some(field) = s.field else {
        return;
    };
    if text.starts_with('=') {
        return expr_submitted(state, s, field, text, fx);
    }
    let mut value = Some(text.to_string()).filter(|t| !t.is_empty());
    // As in the form: a phone number in any format that parses goes as E.164.
    if field.key().is_phone() {
        value = value.map(|v| crate::patch::phone::for_api(&v, state.region));
    }
    if let Err(why) = check_value(field, value.as_deref()) {
        return refuse_value(state, s, text, why);
    }
    if let Some(values) = s.members {
        return super::facet_scan::stage_typed(state, field, value, values, fx);
    }
    let mut n = 0;
    for (id, label) in &s.targets {
        let before = known_record(state, id).map(|p| field.get(p));
        if state.staged.stage(id, label, field, value.clone(), before) {
            n += 1;
        }
    }
    // Records that already hold the value are not counted: they will not change.
    let same = s.targets.len() - n;
    let already = match same {
        0 => String::new(),
        1 => "; 1 record already has it".to_string(),
        k => format!("; {k} records already have it"),
    };
    let key = state.keys.first_key_label(Context::List, Action::Pending);
    let text = match (&value, n) {
        (_, 0) => format!("Nothing staged: {field} is already that on every record"),
        (Some(_), n) => {
            format!(
                "Staged {field} on {n} record{}{already} — {key} reviews and sends",
                plural(n)
            )
        }
        (None, n) => format!(
            "Staged clearing {field} on {n} record{}{already} — {key} reviews and sends",
            plural(n)
        ),
    };
    state.set_status(StatusKind::Info, text);
    state.staged_changed(fx);
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `a` / `A` in the problems view: stages the suggestion of the selected finding, or of every
/// finding of its rule (findings without a suggestion are left for the form).
pub(super) fn accept(state: &mut State, whole_rule: bool, fx: &mut Vec<Effect>) {
    if state.refuse_read_only() {
        return;
    }
    let findings: Vec<Finding> = if whole_rule {
        let rule = state.problems.as_ref().and_then(|p| {
            p.rule
                .or_else(|| p.rules().get(p.rule_row).map(|(r, _)| *r))
        });
        match (rule, state.problems.as_ref()) {
            (Some(rule), Some(p)) => p.of_rule(rule).into_iter().cloned().collect(),
            _ => Vec::new(),
        }
    } else {
        selected_finding(state).cloned().into_iter().collect()
    };
    let mut staged = 0;
    let mut without = 0;
    for f in &findings {
        let (Some(suggestion), Some(field)) = (&f.suggestion, FieldPath::parse(&f.field)) else {
            without += 1;
            continue;
        };
        let before = Some(f.value.clone().filter(|v| !v.is_empty()));
        let label = finding_label(f);
        if state
            .staged
            .stage(&f.id, &label, field, Some(suggestion.clone()), before)
        {
            staged += 1;
        }
    }
    let key = state.keys.first_key_label(Context::List, Action::Pending);
    let text = match (staged, without) {
        (0, 0) => "No finding selected: Enter lists a rule's findings".to_string(),
        (0, _) => "No suggestion to stage: fix it in the form (e)".to_string(),
        (n, 0) => format!(
            "Staged {n} suggestion{} — {key} reviews and sends",
            plural(n)
        ),
        (n, w) => format!(
            "Staged {n} suggestion{}; {w} without one — {key} reviews and sends",
            plural(n)
        ),
    };
    let kind = if staged == 0 {
        StatusKind::Error
    } else {
        StatusKind::Info
    };
    state.set_status(kind, text);
    if staged > 0 {
        state.staged_changed(fx);
    }
}

/// A change set from an earlier session: offered back unless this session staged its own.
pub(super) fn staged_found(state: &mut State, set: ChangeSet) {
    if !set.is_empty() && set.profile == state.profile {
        state.staged_offer = Some(set);
    }
}

/// A key of the "restore the staged changes?" dialog.
pub(super) fn offer_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) {
    match action {
        Action::RestoreDraft => {
            if let Some(set) = state.staged_offer.take() {
                let n = set.len();
                for (id, r) in set.records {
                    state.staged.records.entry(id).or_insert(r);
                }
                state.set_status(
                    StatusKind::Info,
                    format!("Restored staged changes of {n} record{}", plural(n)),
                );
                state.staged_changed(fx);
            }
        }
        Action::DropDraft => {
            state.staged_offer = None;
            state.staged_changed(fx);
        }
        _ => {}
    }
}

/// `q` / ctrl-c outside the form: with staged changes, asks first.
pub(super) fn on_quit(state: &mut State, fx: &mut Vec<Effect>) {
    if state.staged.is_empty() || state.quit_asked {
        fx.push(Local::Quit.into());
    } else {
        state.quit_asked = true;
    }
}

/// A key of the quit question.
pub(super) fn quit_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) {
    match action {
        Action::QuitKeep | Action::Quit => fx.push(Local::Quit.into()),
        Action::QuitDrop => {
            state.staged = ChangeSet::new(&state.profile);
            fx.push(Local::SaveStaged(state.staged.clone()).into());
            fx.push(Local::Quit.into());
        }
        Action::Stay => state.quit_asked = false,
        _ => {}
    }
}

/// The context of the change-set dialog on screen, if any: the quit question, a change set
/// offered back, the field picker of `S`. They take the keyboard before any view.
pub fn modal_context(state: &State) -> Option<Context> {
    if state.quit_asked {
        Some(Context::QuitStaged)
    } else {
        dialog_context(state)
    }
}

/// The context of the change-set dialog other than the quit question (which sits over the
/// help, see `layers`): the send question, a change set offered back, the field picker.
pub fn dialog_context(state: &State) -> Option<Context> {
    if state.send_question.is_some() {
        Some(Context::SendQuestion)
    } else if state.staged_offer.is_some() {
        Some(Context::Draft)
    } else if state.set_field.as_ref().is_some_and(|s| s.field.is_none()) {
        Some(Context::FieldPick)
    } else {
        None
    }
}

/// A key (or a click on a button) of the dialog `modal_context` names.
pub(super) fn on_modal(state: &mut State, action: Action, fx: &mut Vec<Effect>) {
    match modal_context(state) {
        Some(Context::QuitStaged) => quit_action(state, action, fx),
        Some(Context::Draft) => offer_action(state, action, fx),
        // Its keys go to the pending view's flow (`pending_flow::question_action`).
        Some(Context::SendQuestion) => {}
        Some(_) => field_pick_action(state, action, fx),
        None => {}
    }
}

/// Whether the list or the detail has focus on the prospect (for `H`).
pub(super) fn detail_focused(state: &State) -> bool {
    state.focus == Focus::Detail && state.detail.is_some()
}
