//! Classifying a wanted change against the record as the server has it (pure: the fetching
//! is in `batch::run`): what will be sent, or why nothing will.

use serde_json::Value;

use super::corrections::{Correction, RowKey};
use crate::api::{PatchBody, Prospect};
use crate::edit::journal::JournalEntry;
use crate::patch;

/// What a row comes to; the first five are known after planning, the rest after sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Sent, and the server has it.
    Applied,
    /// Already as wanted: nothing will be sent.
    Unchanged,
    /// Planned: a minimal body will be sent.
    Change,
    /// An expected value differs from the server's, or the record changed since the plan.
    Conflict,
    /// The wanted values break the form's rules.
    Invalid,
    NotFound,
    /// The server refused it (400) with its messages.
    Rejected,
    /// Not applied (an error that leaves the record as it was).
    Failed,
    /// Sent, but whether it landed could not be found out: check the record.
    Unknown,
}

impl Outcome {
    /// The report's word (`not-found`).
    pub fn word(self) -> &'static str {
        match self {
            Outcome::Change => "change",
            Outcome::Unchanged => "unchanged",
            Outcome::Conflict => "conflict",
            Outcome::Invalid => "invalid",
            Outcome::NotFound => "not-found",
            Outcome::Applied => "applied",
            Outcome::Rejected => "rejected",
            Outcome::Failed => "failed",
            Outcome::Unknown => "unknown",
        }
    }

    /// Whether the row ended as wanted (exit 0 needs every row so).
    pub fn is_done(self) -> bool {
        matches!(self, Outcome::Applied | Outcome::Unchanged)
    }
}

/// One row of a plan: the change for one prospect and what became of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    /// The line of the corrections file (0 for a revert).
    pub line: u64,
    pub key: RowKey,
    /// The prospect's id, once known.
    pub id: Option<String>,
    pub outcome: Outcome,
    /// The record the body was computed against.
    pub before: Option<Prospect>,
    /// What will be (or was) sent.
    pub body: PatchBody,
    /// The fields the row touches, as named on the command line.
    pub fields: Vec<String>,
    /// Why, for anything but a plain change.
    pub message: String,
}

impl Planned {
    /// A row that ends before anything is fetched or sent.
    pub fn ended(line: u64, key: RowKey, outcome: Outcome, message: String) -> Self {
        Planned {
            line,
            key,
            id: None,
            outcome,
            before: None,
            body: PatchBody::new(),
            fields: Vec::new(),
            message,
        }
    }

    /// Each changed field as `field: before → after`, the address by its parts
    /// (`address.country: gb → GBR`), as people name them.
    pub fn changes(&self) -> Vec<(String, String, String)> {
        let Some(before) = &self.before else {
            return Vec::new();
        };
        self.body
            .iter()
            .flat_map(|(k, after)| patch::change_lines(k, &patch::current_value(before, k), after))
            .collect()
    }
}

/// `applied=3 unchanged=1 …` for every outcome present; `no rows` for none.
pub fn counts(rows: &[Planned]) -> String {
    if rows.is_empty() {
        return "no rows".into();
    }
    let mut by: std::collections::BTreeMap<Outcome, usize> = std::collections::BTreeMap::new();
    for r in rows {
        *by.entry(r.outcome).or_default() += 1;
    }
    by.iter()
        .map(|(o, n)| format!("{}={n}", o.word()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn shown(v: Option<&str>) -> String {
    v.map_or_else(|| "empty".to_string(), |v| format!("{v:?}"))
}

/// A corrections row against the record as it is now.
pub fn classify(c: &Correction, current: &Prospect) -> Planned {
    let mut edited = current.clone();
    for (f, v) in &c.set {
        f.set(&mut edited, v.clone());
    }
    let body = patch::diff(current, &edited);
    let mut planned = Planned {
        line: c.line,
        key: c.key.clone(),
        id: Some(current.id.clone()),
        outcome: Outcome::Change,
        before: Some(current.clone()),
        body,
        fields: c.set.iter().map(|(f, _)| f.to_string()).collect(),
        message: String::new(),
    };
    let errors = patch::validate_body(&planned.body);
    if !errors.is_empty() {
        planned.outcome = Outcome::Invalid;
        planned.message = errors
            .iter()
            .map(|e| e.message.clone())
            .collect::<Vec<_>>()
            .join("; ");
        return planned;
    }
    // Already as wanted: nothing to send, whatever the expected values say (a row sent once
    // and planned again — after a crash mid-batch, say — is done, not a conflict).
    if planned.body.is_empty() {
        planned.outcome = Outcome::Unchanged;
        planned.message = "already as wanted".into();
        return planned;
    }
    let mut conflicts: Vec<String> = c
        .expect
        .iter()
        .filter(|(f, want)| f.get(current).as_deref() != want.as_deref().filter(|w| !w.is_empty()))
        .map(|(f, want)| {
            format!(
                "{f} is {} on the server, expected {}",
                shown(f.get(current).as_deref()),
                shown(want.as_deref())
            )
        })
        .collect();
    // An exported file's externalReference is checked, never changed (the API cannot).
    if let Some(want) = &c.reference
        && current.external_reference.as_deref() != Some(want.as_str())
    {
        conflicts.push(format!(
            "externalReference is {} on the server, the file says {} (it cannot be changed)",
            shown(current.external_reference.as_deref()),
            shown(Some(want))
        ));
    }
    if !conflicts.is_empty() {
        planned.outcome = Outcome::Conflict;
        planned.message = conflicts.join("; ");
    }
    planned
}

/// The inverse of a journaled change against the record as it is now: a field changed again
/// since the batch is a conflict, never overwritten.
pub fn classify_revert(entry: &JournalEntry, current: &Prospect) -> Planned {
    let inverse = crate::edit::journal::inverse_body(entry);
    let mut planned = Planned {
        line: 0,
        key: RowKey::Id(entry.prospect_id.clone()),
        id: Some(current.id.clone()),
        outcome: Outcome::Change,
        before: Some(current.clone()),
        body: PatchBody::new(),
        fields: entry.body.keys().cloned().collect(),
        message: String::new(),
    };
    let changed_since: Vec<String> = entry
        .body
        .iter()
        .filter(|(k, sent)| !same_value(&patch::current_value(current, k), sent))
        .map(|(k, _)| format!("{k} changed again since the batch"))
        .collect();
    if !changed_since.is_empty() {
        planned.outcome = Outcome::Conflict;
        planned.message = changed_since.join("; ");
        return planned;
    }
    // The previous values go through the form's rules, as an `apply` row does: a batch that
    // fixed invalid data cannot put it back.
    let refused = |value: &Value, why: &str| {
        format!(
            "the previous value {} is refused: {why}",
            crate::text::cut_server_text(&patch::display_value(value))
        )
    };
    let errors = patch::validate_body(&inverse);
    if !errors.is_empty() {
        planned.outcome = Outcome::Invalid;
        planned.message = errors
            .iter()
            .map(|e| refused(&previous_of(&inverse, &e.field), &e.message))
            .collect::<Vec<_>>()
            .join("; ");
        return planned;
    }
    match patch::apply(current, &inverse) {
        Ok(edited) => planned.body = patch::diff(current, &edited),
        Err(e) => {
            planned.outcome = Outcome::Invalid;
            planned.message = format!("the previous values are refused: {e}");
            return planned;
        }
    }
    if planned.body.is_empty() {
        planned.outcome = Outcome::Unchanged;
        planned.message = "already as before the batch".into();
    }
    planned
}

/// The value of `field` (`middleName`, `address.country`) in a body.
fn previous_of(body: &PatchBody, field: &str) -> Value {
    let value = match field.split_once('.') {
        Some((key, part)) => body.get(key).and_then(|v| v.get(part)),
        None => body.get(field),
    };
    value.cloned().unwrap_or(Value::Null)
}

/// Whether the record's value for a key is what was sent (an address compared without its id,
/// empty text as null — as the diff normalizes them).
fn same_value(current: &Value, sent: &Value) -> bool {
    let norm = |v: &Value| match v {
        Value::String(s) if s.is_empty() => Value::Null,
        Value::Object(m) => {
            let mut m = m.clone();
            m.remove("id");
            m.retain(|_, v| !matches!(v, Value::String(s) if s.is_empty()) && !v.is_null());
            Value::Object(m)
        }
        other => other.clone(),
    };
    norm(current) == norm(sent)
}

/// Two rows of a plan that reached the same prospect (an id on one, an external reference
/// resolving to it on the other): the sentence naming both lines.
pub fn same_prospect_twice(rows: &[Planned]) -> Option<String> {
    let mut seen: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    for r in rows {
        let Some(id) = r.id.as_deref() else {
            continue;
        };
        if let Some(first) = seen.insert(id, r.line) {
            return Some(super::corrections::same_prospect(first, r.line, id));
        }
    }
    None
}

/// Whether the record changed, since `before`, in any key of `body` (checked just before
/// sending: the plan is then stale for this row).
pub fn changed_since(before: &Prospect, now: &Prospect, body: &PatchBody) -> Vec<String> {
    body.keys()
        .filter(|k| patch::current_value(before, k) != patch::current_value(now, k))
        .cloned()
        .collect()
}

/// Whether `now` already holds everything `body` sets.
pub fn holds(now: &Prospect, body: &PatchBody) -> bool {
    patch::apply(now, body).is_ok_and(|after| patch::diff(now, &after).is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patch::FieldPath;

    #[test]
    fn an_exported_external_reference_is_checked_never_changed() {
        let current = crate::app::tests::fixtures::prospect(0);
        let row = |reference: &str| Correction {
            line: 2,
            key: RowKey::Id(current.id.clone()),
            set: vec![(FieldPath::parse("firstName").unwrap(), Some("Jon".into()))],
            expect: Vec::new(),
            reference: Some(reference.into()),
        };
        assert_eq!(
            classify(&row("CRM-0042"), &current).outcome,
            Outcome::Change
        );
        let edited = classify(&row("CRM-9999"), &current);
        assert_eq!(edited.outcome, Outcome::Conflict);
        assert!(
            edited.message.contains("cannot be changed"),
            "{}",
            edited.message
        );
    }

    #[test]
    fn an_address_change_reads_by_its_parts() {
        let current = crate::app::tests::fixtures::prospect(0);
        let row = Correction {
            line: 2,
            key: RowKey::Id(current.id.clone()),
            set: vec![(
                FieldPath::parse("address.country").unwrap(),
                Some("FRA".into()),
            )],
            expect: Vec::new(),
            reference: None,
        };
        let planned = classify(&row, &current);
        assert_eq!(planned.outcome, Outcome::Change);
        let was = patch::display_value(&Value::String("GBR".into()));
        let now = patch::display_value(&Value::String("FRA".into()));
        assert_eq!(
            planned.changes(),
            vec![("address.country".to_string(), was, now)]
        );
    }
}
