//! A field a PATCH can change, named as on the command line (`email`, `address.postcode`…):
//! a view of the field table (`patch::field`) restricted to its settable rows; the names
//! `patch --set`, corrections files, the TUI's `S` picker and `history` share.

use std::fmt;

use super::field::{self, FieldKey, Slot};
use crate::api::{Address, Prospect};

/// One settable field of a prospect (a row of `patch::field::FIELDS` with `settable`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldPath(FieldKey);

impl FieldPath {
    /// Every settable field, in form order (`address.type` … `address.country` last).
    pub fn all() -> Vec<FieldPath> {
        FieldKey::all().filter_map(FieldPath::new).collect()
    }

    /// The field as a settable one, if it is.
    pub fn new(key: FieldKey) -> Option<FieldPath> {
        key.settable().then_some(FieldPath(key))
    }

    /// Its row of the field table.
    pub fn key(self) -> FieldKey {
        self.0
    }

    /// The field for a name, by the one parser (`patch::field::parse`): a JSON key or
    /// friendly spelling (`first_name`), `address.PART`, `address_PART` or `PART` alone
    /// (`address.kind` for `address.type`); `None` for a field a PATCH cannot change.
    pub fn parse(name: &str) -> Option<FieldPath> {
        FieldKey::parse(name).and_then(FieldPath::new)
    }

    /// [`FieldPath::parse`] with the sentence for a name that is no settable field.
    pub fn resolve(name: &str) -> Result<FieldPath, String> {
        match FieldKey::parse(name) {
            Some(k) => FieldPath::new(k).ok_or_else(|| {
                format!(
                    "{} is not a field prospect can change: use one of {}",
                    k.name(),
                    names()
                )
            }),
            None => Err(FieldPath::unknown(name.trim())),
        }
    }

    /// The sentence for a name that is no settable field.
    pub fn unknown(name: &str) -> String {
        field::unknown(name, FieldKey::settable)
    }

    /// The PATCH key this field travels in (`address` for every address part).
    pub fn body_key(self) -> &'static str {
        match self.0.slot() {
            Slot::Address(_) => "address",
            _ => self.0.name(),
        }
    }

    /// The value in a record (`None` when absent or empty).
    pub fn get(self, p: &Prospect) -> Option<String> {
        self.0.get(p).filter(|s| !s.is_empty()).map(str::to_owned)
    }

    /// Sets the value in a record; `None` clears it. Setting an address part on a record
    /// without an address starts a structured one.
    pub fn set(self, p: &mut Prospect, value: Option<String>) {
        match self.0.slot() {
            Slot::Scalar(f) => f.set(p, value),
            Slot::Address(part) => match (p.address.as_mut(), value) {
                (Some(a), v) => a.set(part, v),
                (None, None) => {}
                (None, Some(v)) => {
                    let mut a = Address {
                        kind: "STRUCTURED".into(),
                        ..Address::default()
                    };
                    a.set(part, Some(v));
                    p.address = Some(a);
                }
            },
            // Not settable: `new` never makes one.
            Slot::Id | Slot::ExternalReference | Slot::CreateDate => {}
        }
    }
}

/// The settable names, comma-separated.
fn names() -> String {
    FieldPath::all()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_and_print_as_patch_set_spells_them() {
        for path in FieldPath::all() {
            assert_eq!(FieldPath::parse(&path.to_string()), Some(path));
        }
        assert_eq!(
            FieldPath::parse("first_name").map(|p| p.to_string()),
            Some("firstName".into())
        );
        assert_eq!(
            FieldPath::parse("address.kind").map(|p| p.to_string()),
            Some("address.type".into())
        );
        assert_eq!(FieldPath::parse("partnerId"), None);
        assert_eq!(
            FieldPath::parse("address_postcode").map(|p| p.to_string()),
            Some("address.postcode".into())
        );
        // Known but not settable: no path, and a sentence that says so.
        assert_eq!(FieldPath::parse("createDate"), None);
        assert!(
            FieldPath::resolve("id")
                .unwrap_err()
                .contains("not a field prospect can change")
        );
        // The last part alone names an address part: no other field ends so.
        assert_eq!(
            FieldPath::parse("country").map(|p| p.to_string()),
            Some("address.country".into())
        );
        assert_eq!(
            FieldPath::parse("Postcode").map(|p| p.to_string()),
            Some("address.postcode".into())
        );
        assert!(FieldPath::unknown("x").contains("address.postcode"));
    }

    #[test]
    fn setting_an_address_part_starts_a_structured_address() {
        let mut p = Prospect::default();
        let postcode = FieldPath::parse("address.postcode").expect("a field");
        postcode.set(&mut p, Some("AB1 2CD".into()));
        assert_eq!(postcode.get(&p).as_deref(), Some("AB1 2CD"));
        assert_eq!(p.address.map(|a| a.kind), Some("STRUCTURED".into()));
    }
}
