//! `check` over a stream of records: the per-record rules as records arrive, duplicates at
//! the end. Holds findings and the duplicate index, never the records themselves.

use super::duplicates::Duplicates;
use super::rules::{Finding, Rule, RuleSet};
use crate::api::Prospect;

/// Runs a rule set over records one at a time.
pub struct Checker {
    rules: RuleSet,
    duplicates: Duplicates,
    findings: Vec<Finding>,
    records: u64,
}

impl Checker {
    /// A checker for `rules` (every rule when empty).
    pub fn new(rules: RuleSet) -> Self {
        Checker {
            duplicates: Duplicates::new(&rules.rules),
            rules,
            findings: Vec::new(),
            records: 0,
        }
    }

    /// Checks one record (each record once).
    pub fn add(&mut self, p: &Prospect) {
        self.records += 1;
        self.findings.extend(self.rules.check(p));
        self.duplicates.add(p);
    }

    /// Checks records without keeping their findings: returns them (the duplicates still
    /// accumulate, see [`Checker::duplicate_findings`]). For callers that stream findings on.
    pub fn check_page(&mut self, records: &[Prospect]) -> Vec<Finding> {
        let mut out = Vec::new();
        for p in records {
            self.records += 1;
            out.extend(self.rules.check(p));
            self.duplicates.add(p);
        }
        out
    }

    /// The duplicate findings among every record added so far.
    pub fn duplicate_findings(&self) -> Vec<Finding> {
        self.duplicates.findings()
    }

    /// Records checked so far.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Every finding, grouped by rule in [`Rule::ALL`] order, records in scan order.
    pub fn finish(mut self) -> Vec<Finding> {
        self.findings.extend(self.duplicates.findings());
        // Stable: within a rule, findings keep the order the records came in.
        self.findings.sort_by_key(|f| f.rule);
        self.findings
    }
}

/// How many findings each rule has, in [`Rule::ALL`] order, rules without any left out.
pub fn summary(findings: &[Finding]) -> Vec<(Rule, usize)> {
    Rule::ALL
        .into_iter()
        .map(|r| (r, findings.iter().filter(|f| f.rule == r).count()))
        .filter(|(_, n)| *n > 0)
        .collect()
}
