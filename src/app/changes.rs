//! Change sets: the rows marked for a change, and the changes staged (not sent) per record.
//!
//! A staged change is a corrections row held in memory (and in the state directory, so it
//! survives a crash): the pending view plans and sends it through the same code as
//! `prospect apply`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::api::Prospect;
use crate::batch::{Correction, RowKey};
use crate::patch::field::Slot;
use crate::patch::{AddressPart, Field, FieldPath, validate};

/// One staged field of one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StagedField {
    /// The value wanted (`None` clears the field).
    pub after: Option<String>,
    /// The record's value when the change was staged, when it was known (`Some(None)`: it
    /// was empty). The plan expects it still: a record changed since is a conflict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Option<String>>,
}

impl StagedField {
    /// `+` sets an empty field, `-` clears one, `~` changes one (or its value was not known):
    /// markers that do not rely on colour.
    pub fn sign(&self) -> char {
        match (&self.before, &self.after) {
            (Some(None), Some(_)) => '+',
            (Some(Some(_)), None) => '-',
            _ => '~',
        }
    }
}

/// Everything staged for one prospect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StagedRecord {
    /// How the record is named on screen (its name, else its email or id).
    pub label: String,
    /// By field name as `patch --set` spells it (`phoneNumber`, `address.postcode`).
    pub fields: BTreeMap<String, StagedField>,
    /// Why the last send or plan did not apply it (it stays staged until it is fixed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl StagedRecord {
    /// The row's marker: `+` when every field only gains a value, else `~`.
    pub fn sign(&self) -> char {
        if self.fields.values().all(|f| f.sign() == '+') {
            '+'
        } else {
            '~'
        }
    }
}

/// The staged changes of one profile, by prospect id (the order they are sent in).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeSet {
    pub profile: String,
    pub records: BTreeMap<String, StagedRecord>,
}

impl ChangeSet {
    /// An empty set for a profile.
    pub fn new(profile: &str) -> Self {
        ChangeSet {
            profile: profile.to_string(),
            records: BTreeMap::new(),
        }
    }

    /// Stages one field of one record. Staging a field again keeps the value first seen as
    /// its `before`; a change back to that value unstages the field. Returns whether the
    /// field is now staged (not when the record already holds the value).
    pub fn stage(
        &mut self,
        id: &str,
        label: &str,
        field: FieldPath,
        after: Option<String>,
        before: Option<Option<String>>,
    ) -> bool {
        let after = after.filter(|v| !v.is_empty());
        let record = self
            .records
            .entry(id.to_string())
            .or_insert_with(|| StagedRecord {
                label: label.to_string(),
                fields: BTreeMap::new(),
                error: None,
            });
        record.error = None;
        let name = field.to_string();
        let before = record
            .fields
            .get(&name)
            .map_or(before, |old| old.before.clone());
        if before.as_ref() == Some(&after) {
            record.fields.remove(&name);
        } else {
            record
                .fields
                .insert(name.clone(), StagedField { after, before });
        }
        let staged = record.fields.contains_key(&name);
        if record.fields.is_empty() {
            self.records.remove(id);
        }
        staged
    }

    /// Unstages everything of one record.
    pub fn remove(&mut self, id: &str) -> bool {
        self.records.remove(id).is_some()
    }

    /// How many records have staged changes.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether nothing is staged.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The staged change of a record, if any.
    pub fn get(&self, id: &str) -> Option<&StagedRecord> {
        self.records.get(id)
    }

    /// The set as corrections rows (line = position, from 1), as `prospect apply` reads them:
    /// each known `before` is an expected value.
    pub fn corrections(&self) -> Vec<Correction> {
        self.records
            .iter()
            .zip(1u64..)
            .map(|((id, r), line)| {
                let mut set = Vec::new();
                let mut expect = Vec::new();
                for (name, f) in &r.fields {
                    // Names were written from a `FieldPath`; one that no longer parses (a file
                    // from another version) is left out rather than sent wrong.
                    let Some(path) = FieldPath::parse(name) else {
                        continue;
                    };
                    set.push((path, f.after.clone()));
                    if let Some(before) = &f.before {
                        expect.push((path, before.clone()));
                    }
                }
                Correction {
                    line,
                    key: RowKey::Id(id.clone()),
                    set,
                    expect,
                    reference: None,
                }
            })
            .collect()
    }
}

/// How a record is named in marks and the pending view.
pub fn label_of(p: &Prospect) -> String {
    crate::present::name_and_ref(&p.full_name(), p.external_reference.as_deref(), &p.id)
}

/// Checks a value for one field with the form's rules for that field (the rules that need
/// the whole record, such as an address's first line, are checked when the set is planned).
pub fn check_value(field: FieldPath, value: Option<&str>) -> Result<(), String> {
    let slot = field.key().slot();
    let Some(v) = value.filter(|v| !v.is_empty()) else {
        return match slot {
            Slot::Scalar(Field::Email) => Err("email cannot be cleared".into()),
            Slot::Address(AddressPart::Type) => Err("address.type must not be empty".into()),
            _ => Ok(()),
        };
    };
    match slot {
        Slot::Scalar(Field::Email) => validate::email(v),
        Slot::Scalar(Field::PhoneNumber) => validate::phone(v),
        Slot::Scalar(Field::DateOfBirth) => validate::date(v),
        Slot::Address(AddressPart::Country) => validate::country(v),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone() -> FieldPath {
        FieldPath::parse("phoneNumber").expect("field")
    }

    #[test]
    fn staging_keeps_the_first_before_and_a_change_back_unstages() {
        let mut set = ChangeSet::new("p");
        set.stage(
            "1",
            "Ann",
            phone(),
            Some("+441".into()),
            Some(Some("+440".into())),
        );
        set.stage(
            "1",
            "Ann",
            phone(),
            Some("+442".into()),
            Some(Some("+441".into())),
        );
        let f = &set.get("1").expect("staged").fields["phoneNumber"];
        assert_eq!(f.before, Some(Some("+440".into())));
        assert_eq!(f.after.as_deref(), Some("+442"));
        set.stage("1", "Ann", phone(), Some("+440".into()), None);
        assert!(set.is_empty());
    }

    #[test]
    fn signs_tell_added_changed_and_cleared_apart() {
        let mut set = ChangeSet::new("p");
        set.stage("1", "A", phone(), Some("+441".into()), Some(None));
        assert_eq!(set.get("1").map(StagedRecord::sign), Some('+'));
        set.stage("2", "B", phone(), None, Some(Some("+44".into())));
        assert_eq!(set.get("2").map(StagedRecord::sign), Some('~'));
        assert_eq!(set.get("2").expect("b").fields["phoneNumber"].sign(), '-');
    }

    #[test]
    fn corrections_carry_the_known_before_as_expected() {
        let mut set = ChangeSet::new("p");
        set.stage(
            "b",
            "B",
            phone(),
            Some("+441".into()),
            Some(Some("+440".into())),
        );
        set.stage("a", "A", phone(), None, None);
        let rows = set.corrections();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].key, RowKey::Id("a".into()));
        assert_eq!(rows[0].set, vec![(phone(), None)]);
        assert!(rows[0].expect.is_empty());
        assert_eq!(rows[1].expect, vec![(phone(), Some("+440".into()))]);
    }

    #[test]
    fn values_are_checked_with_the_forms_rules() {
        let email = FieldPath::parse("email").expect("field");
        assert!(check_value(email, Some("x@example.com")).is_ok());
        assert!(check_value(email, Some("nope")).is_err());
        assert!(check_value(email, None).is_err());
        assert!(check_value(phone(), Some("+44 7700")).is_err());
        assert!(check_value(phone(), None).is_ok());
    }
}
