//! A field named as on the command line (`email`, `address.postcode`…): the names `patch
//! --set`, corrections files and `history` share.

use std::fmt;

use super::field::{ADDRESS_PARTS, Field};
use crate::api::{Address, Prospect};

/// One settable field of a prospect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FieldPath {
    Field(FieldKey),
    /// An address part, by its index in `ADDRESS_PARTS`.
    AddressPart(usize),
}

/// A scalar field, ordered as the form shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldKey(usize);

impl FieldKey {
    /// The scalar field.
    pub fn field(self) -> Field {
        Field::ALL[self.0]
    }
}

impl FieldPath {
    /// Every settable field, in form order (`address.type` … `address.country` last).
    pub fn all() -> Vec<FieldPath> {
        (0..Field::ALL.len())
            .map(|i| FieldPath::Field(FieldKey(i)))
            .chain((0..ADDRESS_PARTS.len()).map(FieldPath::AddressPart))
            .collect()
    }

    /// The field for a name: a JSON key or friendly spelling (`first_name`), or
    /// `address.PART` (`address.kind` for `address.type`).
    pub fn parse(name: &str) -> Option<FieldPath> {
        let name = name.trim();
        if let Some(f) = Field::parse(name) {
            let i = Field::ALL.iter().position(|x| *x == f)?;
            return Some(FieldPath::Field(FieldKey(i)));
        }
        // An address part may be named alone (`country`): no other field ends so.
        let part = name
            .strip_prefix("address.")
            .or_else(|| name.strip_prefix("address_"))
            .unwrap_or(name);
        let part = if part.eq_ignore_ascii_case("kind") {
            "type"
        } else {
            part
        };
        ADDRESS_PARTS
            .iter()
            .position(|k| k.eq_ignore_ascii_case(part))
            .map(FieldPath::AddressPart)
    }

    /// The sentence for a name that is no field.
    pub fn unknown(name: &str) -> String {
        format!(
            "Unknown field {name:?}: use one of {}",
            FieldPath::all()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )
    }

    /// The PATCH key this field travels in (`address` for every address part).
    pub fn body_key(self) -> &'static str {
        match self {
            FieldPath::Field(k) => k.field().key(),
            FieldPath::AddressPart(_) => "address",
        }
    }

    /// The value in a record (`None` when absent or empty).
    pub fn get(self, p: &Prospect) -> Option<String> {
        let v = match self {
            FieldPath::Field(k) => k.field().get(p).map(str::to_owned),
            FieldPath::AddressPart(i) => p
                .address
                .as_ref()
                .and_then(|a| a.part(ADDRESS_PARTS[i]).map(str::to_owned)),
        };
        v.filter(|s| !s.is_empty())
    }

    /// Sets the value in a record; `None` clears it. Setting an address part on a record
    /// without an address starts a structured one.
    pub fn set(self, p: &mut Prospect, value: Option<String>) {
        match self {
            FieldPath::Field(k) => k.field().set(p, value),
            FieldPath::AddressPart(i) => match (p.address.as_mut(), value) {
                (Some(a), v) => a.set_part(ADDRESS_PARTS[i], v),
                (None, None) => {}
                (None, Some(v)) => {
                    let mut a = Address {
                        kind: "STRUCTURED".into(),
                        ..Address::default()
                    };
                    a.set_part(ADDRESS_PARTS[i], Some(v));
                    p.address = Some(a);
                }
            },
        }
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldPath::Field(k) => f.write_str(k.field().key()),
            FieldPath::AddressPart(i) => write!(f, "address.{}", ADDRESS_PARTS[*i]),
        }
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
