//! Naming any field of a record the way `patch --set` does, plus `id`, `externalReference`
//! and `createDate`: what `--where` filters on and what a finding points at.

use crate::api::Prospect;
use crate::patch::{ADDRESS_PARTS, Field};

/// One field of a prospect, by the name people type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FieldRef {
    Id,
    ExternalReference,
    CreateDate,
    /// A scalar patchable field (`firstName`, `phoneNumber`, …).
    Scalar(FieldKey),
    /// An address part: an index into [`ADDRESS_PARTS`].
    AddressPart(usize),
}

/// [`Field`] with an order, so findings sort by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldKey(usize);

impl FieldKey {
    /// The patch field.
    pub fn field(self) -> Field {
        Field::ALL[self.0]
    }

    /// The key of a patch field.
    pub fn of(f: Field) -> Self {
        FieldKey(Field::ALL.iter().position(|x| *x == f).unwrap_or(0))
    }
}

impl FieldRef {
    /// A scalar field.
    pub fn scalar(f: Field) -> Self {
        FieldRef::Scalar(FieldKey::of(f))
    }

    /// An address part by its JSON key (`country`, `postcode`, …).
    pub fn address(part: &str) -> Self {
        FieldRef::AddressPart(ADDRESS_PARTS.iter().position(|p| *p == part).unwrap_or(0))
    }

    /// Parses a field name as `patch --set` takes it, or `id`, `externalReference`, `createDate`.
    pub fn parse(name: &str) -> Option<FieldRef> {
        let name = name.trim();
        let norm: String = name
            .chars()
            .filter(|c| *c != '_' && *c != '-')
            .flat_map(char::to_lowercase)
            .collect();
        match norm.as_str() {
            "id" => return Some(FieldRef::Id),
            "externalreference" | "externalref" | "externalid" => {
                return Some(FieldRef::ExternalReference);
            }
            "createdate" | "created" => return Some(FieldRef::CreateDate),
            _ => {}
        }
        if let Some(f) = Field::parse(name) {
            return Some(FieldRef::scalar(f));
        }
        let part = norm.strip_prefix("address.")?;
        let part = if part == "kind" { "type" } else { part };
        ADDRESS_PARTS
            .iter()
            .position(|p| *p == part)
            .map(FieldRef::AddressPart)
    }

    /// The name as `patch --set` and corrections files spell it (`address.country`).
    pub fn name(self) -> String {
        match self {
            FieldRef::Id => "id".into(),
            FieldRef::ExternalReference => "externalReference".into(),
            FieldRef::CreateDate => "createDate".into(),
            FieldRef::Scalar(k) => k.field().key().into(),
            FieldRef::AddressPart(i) => format!("address.{}", ADDRESS_PARTS[i]),
        }
    }

    /// The field's value in a record; `None` when null or absent (no address).
    pub fn get(self, p: &Prospect) -> Option<&str> {
        match self {
            FieldRef::Id => Some(p.id.as_str()),
            FieldRef::ExternalReference => p.external_reference.as_deref(),
            FieldRef::CreateDate => p.create_date.as_deref(),
            FieldRef::Scalar(k) => k.field().get(p),
            FieldRef::AddressPart(i) => p.address.as_ref().and_then(|a| a.part(ADDRESS_PARTS[i])),
        }
    }

    /// Whether this field holds a phone number (compared by digits only).
    pub fn is_phone(self) -> bool {
        self == FieldRef::scalar(Field::PhoneNumber)
    }
}

/// Every field name `--where` accepts, for error messages.
pub fn known_names() -> String {
    let mut names = vec!["id".to_string(), "externalReference".into()];
    names.extend(Field::ALL.iter().map(|f| f.key().to_string()));
    names.extend(ADDRESS_PARTS.iter().map(|p| format!("address.{p}")));
    names.push("createDate".into());
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_friendly_spellings_parse() {
        for name in known_names().split(", ") {
            let f = FieldRef::parse(name).unwrap_or_else(|| panic!("{name}"));
            assert_eq!(f.name(), name);
        }
        assert_eq!(
            FieldRef::parse("phone"),
            Some(FieldRef::scalar(Field::PhoneNumber))
        );
        assert_eq!(
            FieldRef::parse("Address.Postcode"),
            Some(FieldRef::address("postcode"))
        );
        assert_eq!(FieldRef::parse("address.nope"), None);
        assert_eq!(FieldRef::parse("shoeSize"), None);
    }
}
