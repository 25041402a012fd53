//! `!` — the problems view: every `check` rule over every record, grouped by rule with
//! counts; `Enter` lists a rule's findings, `Enter` on a finding opens its record.
//!
//! The worker runs the scan and the rules; this state holds only the findings.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::effect::{ApiRequest, Effect, RequestId};
use super::form_flow;
use super::keys::Action;
use super::lookup;
use super::msg::Reply;
use super::requests::Purpose;
use super::state::{State, StatusKind};
use crate::api::{ApiError, Prospect};
use crate::scan::check::summary;
use crate::scan::{Finding, Progress, Rule, RuleSet, ScanSummary};

/// The problems view.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Problems {
    /// The check in flight, while it runs.
    pub req: Option<RequestId>,
    /// Every finding so far, in the order they came.
    pub findings: Vec<Finding>,
    pub progress: Progress,
    /// How the scan ended (`None` while it runs): its summary, or why it stopped.
    pub ended: Option<Result<ScanSummary, String>>,
    /// Whether the view is on screen (it hides while a record opened from it is shown).
    pub open: bool,
    /// The selected row of the rule table.
    pub rule_row: usize,
    /// The rule whose findings are listed, if any.
    pub rule: Option<Rule>,
    /// The selected finding of that rule.
    pub finding_row: usize,
    /// The date the worker's rules took as today (for checking a saved record again).
    pub today: Option<NaiveDate>,
}

/// `3400` as `3,400`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl Problems {
    /// Each rule with findings and how many, in rule order.
    pub fn rules(&self) -> Vec<(Rule, usize)> {
        summary(&self.findings)
    }

    /// The findings of one rule, in the order they came.
    pub fn of_rule(&self, rule: Rule) -> Vec<&Finding> {
        self.findings.iter().filter(|f| f.rule == rule).collect()
    }

    /// The value most findings of a rule share, and how many share it, when more than one
    /// does (one wrong country code on 40 records is one group).
    pub fn top_value(&self, rule: Rule) -> Option<(String, usize)> {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for f in self.findings.iter().filter(|f| f.rule == rule) {
            if let Some(v) = f.value.as_deref() {
                *counts.entry(v).or_default() += 1;
            }
        }
        counts
            .into_iter()
            .filter(|(_, n)| *n > 1)
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
            .map(|(v, n)| (v.to_string(), n))
    }

    /// The title: findings and coverage ("12 findings · scanned 3,400 of 10,000").
    pub fn title(&self) -> String {
        let n = self.findings.len();
        let found = format!(
            "{} finding{}",
            thousands(n as u64),
            if n == 1 { "" } else { "s" }
        );
        let p = self.progress;
        match &self.ended {
            None => format!(
                "Problems · {found} so far · scanning {} of {}…",
                thousands(p.scanned),
                thousands(p.total)
            ),
            Some(Ok(s)) => format!(
                "Problems · {found} · scanned {} records",
                thousands(s.records)
            ),
            Some(Err(_)) => format!(
                "Problems · {found} · stopped after {} of {}",
                thousands(p.scanned),
                thousands(p.total)
            ),
        }
    }
}

/// `!`: shows the view, starting a check when there is none yet.
pub(super) fn open(state: &mut State, fx: &mut Vec<Effect>) {
    match state.problems.as_mut() {
        Some(p) => p.open = true,
        None => rescan(state, fx),
    }
}

/// Starts a fresh check over the records the list's search covers.
pub(super) fn rescan(state: &mut State, fx: &mut Vec<Effect>) {
    state
        .requests
        .cancel_where(|p| matches!(p, Purpose::Problems), fx);
    let search = Some(state.list.search.clone()).filter(|s| !s.is_empty());
    let req = state
        .requests
        .start(Purpose::Problems, ApiRequest::Check { search }, fx);
    state.problems = Some(Problems {
        req: Some(req),
        open: true,
        ..Problems::default()
    });
}

/// A part of the check's answer.
pub(super) fn answered(state: &mut State, req: RequestId, reply: Reply) {
    let Some(p) = state.problems.as_mut().filter(|p| p.req == Some(req)) else {
        return;
    };
    match reply {
        Reply::Checked {
            progress,
            findings,
            today,
        } => {
            p.progress = progress;
            p.today = Some(today);
            p.findings.extend(findings);
        }
        Reply::CheckEnded(Ok(summary)) => {
            p.req = None;
            p.ended = Some(Ok(summary));
        }
        Reply::CheckEnded(Err(e)) => {
            p.req = None;
            let text = e.to_string();
            p.ended = Some(Err(text.clone()));
            state.set_status(StatusKind::Error, text);
        }
        _ => {}
    }
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

/// A record was saved: its findings are checked again, so a fixed one goes away and one
/// still wrong stays with its new reason. (Duplicates are found again by a rescan, `r`.)
pub(super) fn record_saved(state: &mut State, after: &Prospect) {
    let Some(p) = state.problems.as_mut() else {
        return;
    };
    let Some(today) = p.today else {
        return;
    };
    let at = p
        .findings
        .iter()
        .position(|f| f.id == after.id && !f.rule.is_duplicate());
    p.findings
        .retain(|f| f.id != after.id || f.rule.is_duplicate());
    let fresh = RuleSet::new(&[], today).check(after);
    let at = at.unwrap_or(p.findings.len()).min(p.findings.len());
    p.findings.splice(at..at, fresh);
    // Selections stay within what is left.
    let rules = p.rules();
    if p.rule.is_some_and(|r| !rules.iter().any(|(x, _)| *x == r)) {
        p.rule = None;
    }
    p.rule_row = p.rule_row.min(rules.len().saturating_sub(1));
    if let Some(rule) = p.rule {
        p.finding_row = p.finding_row.min(p.of_rule(rule).len().saturating_sub(1));
    }
}

/// A key of the problems view.
pub(super) fn on_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) {
    let Some(p) = state.problems.as_mut() else {
        return;
    };
    let rows = match p.rule {
        Some(rule) => p.of_rule(rule).len(),
        None => p.rules().len(),
    };
    let row = match p.rule {
        Some(_) => &mut p.finding_row,
        None => &mut p.rule_row,
    };
    match action {
        Action::Down => *row = (*row + 1).min(rows.saturating_sub(1)),
        Action::Up => *row = row.saturating_sub(1),
        Action::First => *row = 0,
        Action::Last => *row = rows.saturating_sub(1),
        Action::Open => match p.rule {
            None => {
                p.rule = p.rules().get(p.rule_row).map(|(r, _)| *r);
                p.finding_row = 0;
            }
            Some(rule) => {
                let id = p.of_rule(rule).get(p.finding_row).map(|f| f.id.clone());
                if let Some(id) = id {
                    p.open = false;
                    lookup::start(state, &id, fx);
                }
            }
        },
        Action::Back => match p.rule {
            Some(_) => p.rule = None,
            // The scan goes on in the background; `!` shows the view again.
            None => p.open = false,
        },
        Action::Edit => {
            let finding = p
                .rule
                .and_then(|rule| p.of_rule(rule).get(p.finding_row).copied().cloned());
            if let Some(f) = finding
                && !state.refuse_read_only()
            {
                let request = ApiRequest::ById { id: f.id };
                let purpose = Purpose::ProblemEdit { field: f.field };
                state.requests.start(purpose, request, fx);
            }
        }
        Action::Reload => rescan(state, fx),
        Action::Help => {
            state.help.open = true;
            state.help.scroll = 0;
        }
        _ => {}
    }
}
