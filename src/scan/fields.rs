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
        if let Some(part) = norm.strip_prefix("address.") {
            let part = if part == "kind" { "type" } else { part };
            return ADDRESS_PARTS
                .iter()
                .position(|p| *p == part)
                .map(FieldRef::AddressPart);
        }
        // The last part alone, when one field ends with it (`country` → `address.country`).
        let mut by_last = all()
            .into_iter()
            .filter(|f| f.name().rsplit('.').next().map(str::to_lowercase) == Some(norm.clone()));
        match (by_last.next(), by_last.next()) {
            (Some(f), None) => Some(f),
            _ => None,
        }
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

/// Every field, in the order [`known_names`] lists them.
pub fn all() -> Vec<FieldRef> {
    let mut out = vec![FieldRef::Id, FieldRef::ExternalReference];
    out.extend(Field::ALL.iter().map(|f| FieldRef::scalar(*f)));
    out.extend((0..ADDRESS_PARTS.len()).map(FieldRef::AddressPart));
    out.push(FieldRef::CreateDate);
    out
}

/// The field names starting with `prefix` (case-insensitive), whole or by their last part
/// (`coun` → `address.country`).
pub fn completions(prefix: &str) -> Vec<String> {
    let prefix = prefix.trim().to_lowercase();
    all()
        .into_iter()
        .map(FieldRef::name)
        .filter(|name| {
            let lower = name.to_lowercase();
            let last = lower.rsplit('.').next().unwrap_or_default().to_string();
            lower.starts_with(&prefix) || last.starts_with(&prefix)
        })
        .collect()
}

/// What Tab makes of a field name being typed: the one name it can only be, or the longest
/// start the candidates share (`None` when that adds nothing).
pub fn complete(prefix: &str) -> Option<String> {
    let found = completions(prefix);
    let [first, rest @ ..] = found.as_slice() else {
        return None;
    };
    if rest.is_empty() {
        return Some(first.clone());
    }
    // The candidates all start with the prefix (not by last part): their common start.
    let mut common = first.clone();
    for name in rest {
        let n = common
            .chars()
            .zip(name.chars())
            .take_while(|(a, b)| a.eq_ignore_ascii_case(b))
            .count();
        common = common.chars().take(n).collect();
    }
    (common.chars().count() > prefix.trim().chars().count()).then_some(common)
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
        assert_eq!(
            FieldRef::parse("country"),
            Some(FieldRef::address("country"))
        );
        assert_eq!(
            FieldRef::parse("Postcode"),
            Some(FieldRef::address("postcode"))
        );
        assert_eq!(FieldRef::parse("shoeSize"), None);
    }

    #[test]
    fn tab_completes_a_unique_name_or_the_shared_start() {
        assert_eq!(complete("coun").as_deref(), Some("address.country"));
        assert_eq!(complete("dateOf").as_deref(), Some("dateOfBirth"));
        assert_eq!(complete("address.l").as_deref(), Some("address.line"));
        assert_eq!(
            complete("address.line"),
            None,
            "nothing to add: three lines"
        );
        assert_eq!(complete("zz"), None);
        assert_eq!(completions("line").len(), 3);
    }
}
