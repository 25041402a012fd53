//! Values shared between records: emails (trimmed, lower case), phone numbers (digits only),
//! external references and identification numbers (trimmed).
//!
//! Memory stays small at 100,000 records: each record is kept as its id and external
//! reference only, and each value once, pointing at the first record that held it.

use std::collections::HashMap;

use super::rules::{Finding, Rule};
use crate::api::Prospect;

/// The duplicate rules, in the order of [`Duplicates::index`].
const KINDS: [Rule; 4] = [
    Rule::DuplicateEmail,
    Rule::DuplicatePhone,
    Rule::DuplicateExternalReference,
    Rule::DuplicateIdentificationNumber,
];

/// At most this many other ids are named in one message.
const NAMED: usize = 5;

struct Seen {
    id: Box<str>,
    external_reference: Option<Box<str>>,
    name: Box<str>,
}

/// Collects records one at a time and reports the values several of them share.
#[derive(Default)]
pub struct Duplicates {
    enabled: [bool; 4],
    records: Vec<Seen>,
    /// Per kind: normalised value → index of the first record holding it.
    index: [HashMap<Box<str>, u32>; 4],
    /// Per kind: (first record, a later record with the same value).
    pairs: [Vec<(u32, u32)>; 4],
}

fn normalized(kind: Rule, p: &Prospect) -> Option<String> {
    let v = match kind {
        Rule::DuplicateEmail => p.email.trim().to_lowercase(),
        Rule::DuplicatePhone => p
            .phone_number
            .as_deref()?
            .chars()
            .filter(char::is_ascii_digit)
            .collect(),
        Rule::DuplicateExternalReference => p.external_reference.as_deref()?.trim().to_string(),
        Rule::DuplicateIdentificationNumber => {
            p.identification_number.as_deref()?.trim().to_string()
        }
        _ => return None,
    };
    (!v.is_empty()).then_some(v)
}

fn field(kind: Rule) -> &'static str {
    match kind {
        Rule::DuplicateEmail => "email",
        Rule::DuplicatePhone => "phoneNumber",
        Rule::DuplicateExternalReference => "externalReference",
        _ => "identificationNumber",
    }
}

impl Duplicates {
    /// Looks for the duplicate rules among `rules` (none: the index stays empty).
    pub fn new(rules: &[Rule]) -> Self {
        Duplicates {
            enabled: KINDS.map(|k| rules.contains(&k)),
            ..Default::default()
        }
    }

    /// Whether any duplicate rule is on.
    pub fn is_active(&self) -> bool {
        self.enabled.iter().any(|e| *e)
    }

    /// Adds one record (each record once: the scan removes repeats).
    pub fn add(&mut self, p: &Prospect) {
        if !self.is_active() {
            return;
        }
        let at = u32::try_from(self.records.len()).unwrap_or(u32::MAX);
        self.records.push(Seen {
            id: p.id.as_str().into(),
            external_reference: p.external_reference.as_deref().map(Into::into),
            name: p.full_name().into_boxed_str(),
        });
        for (k, kind) in KINDS.into_iter().enumerate() {
            if !self.enabled[k] {
                continue;
            }
            let Some(v) = normalized(kind, p) else {
                continue;
            };
            match self.index[k].get(v.as_str()) {
                Some(&first) => self.pairs[k].push((first, at)),
                None => {
                    self.index[k].insert(v.into_boxed_str(), at);
                }
            }
        }
    }

    /// A finding for every record whose value another record shares, the others named.
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for (k, kind) in KINDS.into_iter().enumerate() {
            // Groups keyed by their first record; values looked up once per group.
            let mut groups: HashMap<u32, Vec<u32>> = HashMap::new();
            for &(first, other) in &self.pairs[k] {
                groups
                    .entry(first)
                    .or_insert_with(|| vec![first])
                    .push(other);
            }
            if groups.is_empty() {
                continue;
            }
            let values: HashMap<u32, &str> = self.index[k]
                .iter()
                .filter(|(_, first)| groups.contains_key(first))
                .map(|(v, first)| (*first, &**v))
                .collect();
            let mut found: Vec<(u32, Finding)> = Vec::new();
            for (first, members) in &groups {
                let value = values.get(first).map(|v| v.to_string());
                for &m in members {
                    let others: Vec<&str> = members
                        .iter()
                        .filter(|&&o| o != m)
                        .map(|&o| &*self.records[o as usize].id)
                        .collect();
                    let mut named = others
                        .iter()
                        .take(NAMED)
                        .copied()
                        .collect::<Vec<_>>()
                        .join(", ");
                    if others.len() > NAMED {
                        named.push_str(&format!(" and {} more", others.len() - NAMED));
                    }
                    let seen = &self.records[m as usize];
                    found.push((
                        m,
                        Finding {
                            id: seen.id.to_string(),
                            external_reference: seen
                                .external_reference
                                .as_deref()
                                .map(String::from),
                            name: seen.name.to_string(),
                            rule: kind,
                            field: field(kind).into(),
                            value: value.clone(),
                            message: format!(
                                "{} is shared with {} other record{}: {named}",
                                field(kind),
                                others.len(),
                                if others.len() == 1 { "" } else { "s" }
                            ),
                            suggestion: None,
                        },
                    ));
                }
            }
            found.sort_by_key(|(m, _)| *m);
            out.extend(found.into_iter().map(|(_, f)| f));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(id: &str, email: &str, phone: Option<&str>) -> Prospect {
        Prospect {
            id: id.into(),
            email: email.into(),
            phone_number: phone.map(Into::into),
            ..Default::default()
        }
    }

    #[test]
    fn shared_values_are_found_after_normalising_and_name_the_others() {
        let mut d = Duplicates::new(&Rule::ALL);
        d.add(&p("a", "Ann@Example.com", Some("+44 7700 900123")));
        d.add(&p("b", "bob@example.com", None));
        d.add(&p("c", " ann@example.com", Some("+447700900123")));
        d.add(&p("d", "ann@example.com", Some("+447700900999")));
        let f = d.findings();
        let got: Vec<(&str, Rule, &str)> = f
            .iter()
            .map(|f| (f.id.as_str(), f.rule, f.message.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "a",
                    Rule::DuplicateEmail,
                    "email is shared with 2 other records: c, d"
                ),
                (
                    "c",
                    Rule::DuplicateEmail,
                    "email is shared with 2 other records: a, d"
                ),
                (
                    "d",
                    Rule::DuplicateEmail,
                    "email is shared with 2 other records: a, c"
                ),
                (
                    "a",
                    Rule::DuplicatePhone,
                    "phoneNumber is shared with 1 other record: c"
                ),
                (
                    "c",
                    Rule::DuplicatePhone,
                    "phoneNumber is shared with 1 other record: a"
                ),
            ]
        );
        assert_eq!(f[0].value.as_deref(), Some("ann@example.com"));
        assert_eq!(f[3].value.as_deref(), Some("447700900123"));
    }

    #[test]
    fn unselected_rules_and_unique_values_find_nothing() {
        let mut d = Duplicates::new(&[Rule::DuplicatePhone]);
        d.add(&p("a", "x@example.com", None));
        d.add(&p("b", "x@example.com", None));
        assert!(d.findings().is_empty());
        let mut d = Duplicates::new(&[]);
        d.add(&p("a", "x@example.com", None));
        assert!(!d.is_active());
        assert!(d.findings().is_empty());
    }
}
