//! Facets and clusters over a stream of records (pure, a record at a time, as `check`): the
//! value counts of one field (`prospect facet`), grouped by a normal form when asked, and the
//! groups of different spellings that share a key (`prospect cluster`). Counts are kept, never
//! the records; `cluster --fix` also keeps the ids of the records that hold each value.

use std::collections::HashMap;

use serde_json::Value;

use super::fields::{self, FieldRef};
use super::keys::{By, fingerprint, ngram_fingerprint};
use crate::api::Prospect;

/// The field a facet counts: one `--where` knows, or a top-level key the client does not model
/// (`partnerId`), read from the record as it came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FacetField {
    Known(FieldRef),
    Extra(String),
}

impl FacetField {
    /// Parses a field name as `--where` takes it; any other name that could be a JSON key is a
    /// top-level field the server may send (checked once the records are in: see
    /// [`Facet::unknown_field`]).
    pub fn parse(name: &str) -> Result<FacetField, String> {
        let known = fields::parse(name);
        if let Ok(f) = known {
            return Ok(FacetField::Known(f));
        }
        let name = name.trim();
        let plausible = !name.is_empty()
            && name.len() <= 64
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if plausible {
            Ok(FacetField::Extra(name.to_string()))
        } else {
            known.map(FacetField::Known)
        }
    }

    /// The name as typed in `patch --set` (or as the server sends an unmodelled key).
    pub fn name(&self) -> String {
        match self {
            FacetField::Known(f) => f.name().into(),
            FacetField::Extra(k) => k.clone(),
        }
    }

    /// Whether its values are identification numbers (masked unless `--reveal`).
    pub fn is_secret(&self) -> bool {
        matches!(self, FacetField::Known(f) if f.is_secret())
    }

    /// The value in `p` (`None` when null or absent).
    pub fn value(&self, p: &Prospect) -> Option<String> {
        self.get(p).0
    }

    /// The value in `p`, `None` when null, empty or absent; `Some(present)` tells whether an
    /// unmodelled key was there at all.
    fn get(&self, p: &Prospect) -> (Option<String>, bool) {
        match self {
            FacetField::Known(f) => (f.get(p).map(str::to_string), true),
            FacetField::Extra(k) => match p.extra.get(k) {
                None => (None, false),
                Some(Value::Null) => (None, true),
                Some(Value::String(s)) => (Some(s.clone()), true),
                Some(other) => (Some(other.to_string()), true),
            },
        }
    }
}

/// The spellings met in each group of a grouping other than `exact`, with their counts.
type Spellings = HashMap<Box<str>, HashMap<Box<str>, u64>>;

/// The counts of one field over the records seen so far.
#[derive(Debug, Clone)]
pub struct Facet {
    field: FacetField,
    by: By,
    records: u64,
    empty: u64,
    /// How many records had an unmodelled key at all.
    present: u64,
    /// Records per group (per exact value when grouped `exact`). Kept apart from the
    /// spellings so a group costs one key and one count: 1,000,000 distinct emails stay
    /// within issue 16's memory bound.
    groups: HashMap<Box<str>, u64>,
    /// Per group, each spelling and its count (empty when grouped `exact`).
    spellings: Spellings,
    /// With `keep_ids`: the ids of the records holding each exact value.
    ids: Option<HashMap<Box<str>, Vec<Box<str>>>>,
}

/// One line of a facet: the value (a group's most common spelling), its count and, for a
/// grouping, its spellings, most common first.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FacetRow {
    /// `None`: the records where the field is empty or absent.
    pub value: Option<String>,
    pub count: u64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub spellings: Vec<Spelling>,
}

/// One spelling inside a group.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Spelling {
    pub value: String,
    pub count: u64,
}

/// A whole facet, sorted: most common first, then by value.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FacetReport {
    pub field: String,
    pub by: &'static str,
    pub records: u64,
    /// Distinct values (groups), the empty one included.
    pub distinct: u64,
    pub rows: Vec<FacetRow>,
    /// Past `--top`: how many more values, and how many records they hold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rest: Option<Rest>,
}

/// What `--top` left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Rest {
    pub values: u64,
    pub records: u64,
}

impl Facet {
    /// An empty facet of `field`, grouped `by`; `keep_ids` keeps each value's record ids.
    pub fn new(field: FacetField, by: By, keep_ids: bool) -> Self {
        Facet {
            field,
            by,
            records: 0,
            empty: 0,
            present: 0,
            groups: HashMap::new(),
            spellings: HashMap::new(),
            ids: keep_ids.then(HashMap::new),
        }
    }

    /// Counts one record.
    pub fn add(&mut self, p: &Prospect) {
        self.records += 1;
        let (value, present) = self.field.get(p);
        self.present += u64::from(present);
        let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
            self.empty += 1;
            return;
        };
        if let Some(ids) = &mut self.ids {
            ids.entry(value.as_str().into())
                .or_default()
                .push(p.id.as_str().into());
        }
        let key = self.by.key(&value);
        if key.is_empty() {
            // Nothing left once normalised (only punctuation, say): its own group.
            self.empty += 1;
            return;
        }
        if self.by == By::Exact {
            // The key is the value itself: one allocation, and none when it is known.
            match self.groups.get_mut(key.as_str()) {
                Some(c) => *c += 1,
                None => {
                    self.groups.insert(key.into_boxed_str(), 1);
                }
            }
            return;
        }
        let spellings = match self.groups.get_mut(key.as_str()) {
            Some(c) => {
                *c += 1;
                self.spellings.entry(key.into_boxed_str()).or_default()
            }
            None => {
                self.groups.insert(key.clone().into_boxed_str(), 1);
                self.spellings.entry(key.into_boxed_str()).or_default()
            }
        };
        match spellings.get_mut(value.as_str()) {
            Some(c) => *c += 1,
            None => {
                spellings.insert(value.into_boxed_str(), 1);
            }
        }
    }

    /// Records counted so far.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// For a field the client does not model: a sentence when no record had it at all.
    pub fn unknown_field(&self) -> Option<String> {
        match &self.field {
            FacetField::Extra(k) if self.records > 0 && self.present == 0 => Some(
                fields::unknown(k, |_| true).replacen(
                    ": use one of",
                    ": no record has it; use one of",
                    1,
                ) + ", or a key the server sends",
            ),
            _ => None,
        }
    }

    /// The report: the `top` most common values (0: all), and a count of the rest.
    pub fn report(&self, top: usize) -> FacetReport {
        // Each group as (its shown value, count, key), borrowed: only the rows shown are
        // built, so a facet of a million distinct values sorts references, not copies.
        let mut order: Vec<(Option<&str>, u64, &str)> = self
            .groups
            .iter()
            .map(|(key, &count)| {
                let shown = self
                    .spellings
                    .get(key)
                    .and_then(|s| {
                        s.iter()
                            .min_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)))
                            .map(|(v, _)| &**v)
                    })
                    .unwrap_or(key);
                (Some(shown), count, &**key)
            })
            .collect();
        if self.empty > 0 {
            order.push((None, self.empty, ""));
        }
        // Most common first; the empty ones after the values of the same count. Shown values
        // are distinct (a spelling belongs to one group), so this order is total.
        let cmp = |a: &(Option<&str>, u64, &str), b: &(Option<&str>, u64, &str)| {
            b.1.cmp(&a.1)
                .then(a.0.is_none().cmp(&b.0.is_none()))
                .then(a.0.cmp(&b.0))
        };
        let distinct = order.len() as u64;
        let rest = (top > 0 && order.len() > top).then(|| {
            order.select_nth_unstable_by(top, cmp);
            let cut = order.split_off(top);
            Rest {
                values: cut.len() as u64,
                records: cut.iter().map(|r| r.1).sum(),
            }
        });
        order.sort_unstable_by(cmp);
        let rows = order
            .into_iter()
            .map(|(shown, count, key)| {
                let Some(value) = shown else {
                    return FacetRow {
                        value: None,
                        count,
                        spellings: Vec::new(),
                    };
                };
                let mut spellings: Vec<Spelling> = self
                    .spellings
                    .get(key)
                    .map(|s| {
                        s.iter()
                            .map(|(v, c)| Spelling {
                                value: v.to_string(),
                                count: *c,
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                spellings.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
                if spellings.len() < 2 {
                    spellings.clear();
                }
                FacetRow {
                    value: Some(value.to_string()),
                    count,
                    spellings,
                }
            })
            .collect();
        FacetReport {
            field: self.field.name(),
            by: self.by.name(),
            records: self.records,
            distinct,
            rows,
            rest,
        }
    }

    /// The exact values and their counts (a facet grouped `exact`), for clustering.
    pub fn exact_counts(&self) -> Vec<(&str, u64)> {
        self.groups.iter().map(|(k, c)| (k.as_ref(), *c)).collect()
    }

    /// The ids of the records holding `value` (with `keep_ids`).
    pub fn ids_of(&self, value: &str) -> &[Box<str>] {
        self.ids
            .as_ref()
            .and_then(|m| m.get(value))
            .map_or(&[], Vec::as_slice)
    }
}

/// How `cluster` keys values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    #[default]
    Fingerprint,
    /// Character 2-grams.
    Ngram,
}

impl Method {
    /// Parses `fingerprint` or `ngram`.
    pub fn parse(s: &str) -> Result<Method, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fingerprint" => Ok(Method::Fingerprint),
            "ngram" | "n-gram" => Ok(Method::Ngram),
            other => Err(format!(
                "Unknown clustering method {other:?}: use fingerprint or ngram"
            )),
        }
    }

    /// The name as typed.
    pub fn name(self) -> &'static str {
        match self {
            Method::Fingerprint => "fingerprint",
            Method::Ngram => "ngram",
        }
    }

    fn key(self, value: &str) -> String {
        match self {
            Method::Fingerprint => fingerprint(value),
            Method::Ngram => ngram_fingerprint(value, 2),
        }
    }
}

/// Different values that share a key: each with its count, most common first.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Cluster {
    pub key: String,
    pub values: Vec<Spelling>,
    /// Records in the cluster.
    pub records: u64,
}

impl Cluster {
    /// The value the cluster would be set to: the most common one.
    pub fn winner(&self) -> &str {
        self.values.first().map_or("", |s| s.value.as_str())
    }
}

/// The clusters among `counts` (each exact value once, with its count): groups of two or more
/// different values under one key, the largest (by records) first.
pub fn clusters(counts: &[(&str, u64)], method: Method) -> Vec<Cluster> {
    let mut by_key: HashMap<String, Vec<Spelling>> = HashMap::new();
    for (value, count) in counts {
        let key = method.key(value);
        if key.is_empty() {
            continue;
        }
        by_key.entry(key).or_default().push(Spelling {
            value: (*value).to_string(),
            count: *count,
        });
    }
    let mut out: Vec<Cluster> = by_key
        .into_iter()
        .filter(|(_, values)| values.len() >= 2)
        .map(|(key, mut values)| {
            values.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
            let records = values.iter().map(|v| v.count).sum();
            Cluster {
                key,
                values,
                records,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.records
            .cmp(&a.records)
            .then(b.values.len().cmp(&a.values.len()))
            .then(a.key.cmp(&b.key))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patch::Field;

    fn with_middle(id: &str, middle: Option<&str>) -> Prospect {
        let mut p = crate::sandbox::generate(1, 1)
            .pop()
            .expect("a generated record");
        p.id = id.to_string();
        p.middle_name = middle.map(str::to_string);
        p
    }

    fn facet_of(values: &[Option<&str>], by: By) -> Facet {
        let mut f = Facet::new(
            FacetField::Known(FieldRef::scalar(Field::MiddleName)),
            by,
            true,
        );
        for (i, v) in values.iter().enumerate() {
            f.add(&with_middle(&format!("id-{i}"), *v));
        }
        f
    }

    #[test]
    fn a_facet_counts_values_most_common_first_with_the_empty_ones_and_the_rest() {
        let f = facet_of(
            &[
                Some("Ann"),
                Some("Bo"),
                Some("Ann"),
                None,
                Some(" "),
                Some("Cy"),
            ],
            By::Exact,
        );
        let r = f.report(2);
        assert_eq!(r.records, 6);
        assert_eq!(r.distinct, 4);
        let rows: Vec<(Option<&str>, u64)> = r
            .rows
            .iter()
            .map(|r| (r.value.as_deref(), r.count))
            .collect();
        assert_eq!(rows, [(Some("Ann"), 2), (None, 2)]);
        assert_eq!(
            r.rest,
            Some(Rest {
                values: 2,
                records: 2
            })
        );
        assert_eq!(f.report(0).rows.len(), 4, "0 is all");
        assert_eq!(f.ids_of("Ann").len(), 2);
    }

    #[test]
    fn a_grouped_facet_shows_the_spellings_inside_each_group() {
        let f = facet_of(
            &[
                Some("ACME Ltd"),
                Some("Acme Ltd."),
                Some("ACME Ltd"),
                Some("Other"),
            ],
            By::Fingerprint,
        );
        let r = f.report(0);
        assert_eq!(r.rows[0].value.as_deref(), Some("ACME Ltd"));
        assert_eq!(r.rows[0].count, 3);
        let spellings: Vec<(&str, u64)> = r.rows[0]
            .spellings
            .iter()
            .map(|s| (s.value.as_str(), s.count))
            .collect();
        assert_eq!(spellings, [("ACME Ltd", 2), ("Acme Ltd.", 1)]);
        assert!(r.rows[1].spellings.is_empty(), "one spelling is no list");
    }

    #[test]
    fn clusters_are_different_spellings_under_one_key_largest_first() {
        let counts = [
            ("gb", 3),
            ("GB", 10),
            ("Gb.", 1),
            ("France", 4),
            ("france", 1),
            ("Spain", 7),
        ];
        let c = clusters(&counts, Method::Fingerprint);
        assert_eq!(c.len(), 2, "{c:?}");
        assert_eq!(c[0].winner(), "GB");
        assert_eq!(c[0].records, 14);
        assert_eq!(c[0].values.len(), 3);
        assert_eq!(c[1].winner(), "France");
        // A value alone under its key is no cluster, however often it occurs.
        assert!(c.iter().all(|c| c.winner() != "Spain"));
        // A word split or joined meets under the n-gram key, not under the token fingerprint.
        let split = [("McDonald", 5), ("Mc Donald", 1), ("Mc-Donald", 2)];
        let by_tokens = clusters(&split, Method::Fingerprint);
        assert_eq!(by_tokens.len(), 1);
        assert_eq!(
            by_tokens[0].values.len(),
            2,
            "McDonald is one token: {by_tokens:?}"
        );
        let c = clusters(&split, Method::Ngram);
        assert_eq!(c[0].winner(), "McDonald");
        assert_eq!(c[0].records, 8);
    }

    #[test]
    fn field_names_parse_as_where_takes_them_and_unmodelled_keys_are_checked_later() {
        assert_eq!(
            FacetField::parse("address.country"),
            Ok(FacetField::Known(FieldRef::address(
                crate::patch::AddressPart::Country
            )))
        );
        assert_eq!(
            FacetField::parse("partnerId"),
            Ok(FacetField::Extra("partnerId".into()))
        );
        assert!(FacetField::parse("no such field!").is_err());
        let mut f = Facet::new(FacetField::Extra("nope".into()), By::Exact, false);
        f.add(&with_middle("a", None));
        assert!(f.unknown_field().unwrap().contains("no record has it"));
        let mut f = Facet::new(FacetField::Extra("partnerId".into()), By::Exact, false);
        f.add(&with_middle("a", None));
        assert_eq!(f.unknown_field(), None);
        assert_eq!(f.report(0).rows[0].count, 1);
    }
}
