//! `!` — the problems view: every `check` rule over every record, grouped by rule with
//! counts; `Enter` lists a rule's findings, `Enter` on a finding opens its record.
//!
//! The worker runs the scan and the rules; this state holds only the findings.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::scan_view::Coverage;
use crate::api::Prospect;
use crate::patch::phone::Region;
use crate::scan::check::summary;
use crate::scan::{Finding, Rule, RuleSet};

/// The problems view.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Problems {
    /// The check: in flight, or how it ended.
    pub scan: Coverage,
    /// Every finding so far, in the order they came.
    pub findings: Vec<Finding>,
    /// The selected row of the rule table.
    pub rule_row: usize,
    /// The rule whose findings are listed, if any.
    pub rule: Option<Rule>,
    /// The selected finding of that rule.
    pub finding_row: usize,
    /// A duplicate's group being listed (`Enter` on a duplicate finding): the value its
    /// records share, and the selected record of the group.
    pub group: Option<String>,
    pub group_row: usize,
    /// The date the worker's rules took as today (for checking a saved record again).
    pub today: Option<NaiveDate>,
}

pub use crate::present::thousands;

impl Problems {
    /// Each rule with findings and how many, in rule order.
    pub fn rules(&self) -> Vec<(Rule, usize)> {
        summary(&self.findings)
    }

    /// The findings of one rule, in the order they came.
    pub fn of_rule(&self, rule: Rule) -> Vec<&Finding> {
        self.findings.iter().filter(|f| f.rule == rule).collect()
    }

    /// The findings listed now: a duplicate group's, a rule's, or none (the rule table).
    pub fn shown(&self) -> Vec<&Finding> {
        match (self.rule, &self.group) {
            (Some(rule), Some(value)) => self.group_of(rule, value),
            (Some(rule), None) => self.of_rule(rule),
            (None, _) => Vec::new(),
        }
    }

    /// The selected row of the list shown (the rule table's when no rule is listed).
    pub fn row(&self) -> usize {
        match (self.rule, &self.group) {
            (Some(_), Some(_)) => self.group_row,
            (Some(_), None) => self.finding_row,
            (None, _) => self.rule_row,
        }
    }

    /// The selected finding, when findings are listed.
    pub fn selected(&self) -> Option<&Finding> {
        self.shown().get(self.row()).copied()
    }

    /// The findings of the records sharing one duplicate value, in scan order.
    pub fn group_of(&self, rule: Rule, value: &str) -> Vec<&Finding> {
        self.findings
            .iter()
            .filter(|f| f.rule == rule && f.value.as_deref() == Some(value))
            .collect()
    }

    /// The other records of a duplicate finding's group.
    pub fn others(&self, f: &Finding) -> Vec<&Finding> {
        match f.value.as_deref().filter(|_| f.rule.is_duplicate()) {
            Some(v) => self
                .group_of(f.rule, v)
                .into_iter()
                .filter(|o| o.id != f.id)
                .collect(),
            None => Vec::new(),
        }
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
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        // The rule (and the shared value) listed, then how many of all the findings.
        let found = match (self.rule, &self.group) {
            (Some(rule), Some(value)) => {
                let k = self.group_of(rule, value).len();
                let value = if rule == Rule::DuplicateIdentificationNumber {
                    crate::present::mask(value)
                } else {
                    value.clone()
                };
                return format!("Problems · {} · {k} records share {value}", rule.name());
            }
            (Some(rule), None) => {
                let k = self.of_rule(rule).len();
                format!(
                    "{}: {} of {} finding{}",
                    rule.name(),
                    thousands(k as u64),
                    thousands(n as u64),
                    plural(n)
                )
            }
            (None, _) => format!("{} finding{}", thousands(n as u64), plural(n)),
        };
        let so_far = if self.scan.is_running() {
            " so far"
        } else {
            ""
        };
        format!("Problems · {found}{so_far} · {}", self.scan.text())
    }

    /// A record was saved: its findings are checked again, so a fixed one goes away and one
    /// still wrong stays with its new reason. (Duplicates are found again by a rescan, `r`.)
    pub fn record_saved(&mut self, after: &Prospect, region: Option<Region>) {
        let p = self;
        let Some(today) = p.today else {
            return;
        };
        let at = p
            .findings
            .iter()
            .position(|f| f.id == after.id && !f.rule.is_duplicate());
        p.findings
            .retain(|f| f.id != after.id || f.rule.is_duplicate());
        let fresh = RuleSet::new(&[], today).with_region(region).check(after);
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
        if p.rule.is_none() {
            p.group = None;
        }
    }
}
