//! Every field of a prospect, described once: [`FIELDS`] gives each its name (as `patch
//! --set`, `--where`, corrections files and CSV headers spell it), its label for people,
//! whether a PATCH can change it, whether it is secret or a phone number; [`FieldKey`] names
//! one row, and [`parse`] is the one parser of field names every entry point uses.

pub use crate::api::model::AddressPart;
use crate::api::model::Prospect;

/// The scalar text fields of a prospect that a PATCH can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    FirstName,
    MiddleName,
    LastName,
    Email,
    PhoneNumber,
    DateOfBirth,
    IdentificationNumber,
}

/// Where a field lives in a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    Id,
    ExternalReference,
    CreateDate,
    /// A scalar patchable field (`firstName`, `phoneNumber`, …).
    Scalar(Field),
    /// A part of `address`.
    Address(AddressPart),
}

/// One row of the field table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldInfo {
    /// The name as `patch --set`, corrections files and CSV headers spell it (`firstName`,
    /// `address.postcode`).
    pub name: &'static str,
    /// A label for people.
    pub label: &'static str,
    pub slot: Slot,
    /// Whether a PATCH can change it.
    pub settable: bool,
    /// Whether its values are masked unless revealed (identification numbers).
    pub secret: bool,
    /// Whether it holds a phone number (compared by digits, checked as a phone number).
    pub phone: bool,
    /// Other spellings people type, normalised (lower case, no `.`, `_`, `-` or spaces):
    /// `dob`, `phone`. Every name also parses by its normalised form (`first_name`,
    /// `address_postcode`) and an address part by its last part alone (`postcode`).
    pub aliases: &'static [&'static str],
}

const fn meta(
    name: &'static str,
    label: &'static str,
    slot: Slot,
    aliases: &'static [&'static str],
) -> FieldInfo {
    FieldInfo {
        name,
        label,
        slot,
        settable: false,
        secret: false,
        phone: false,
        aliases,
    }
}

const fn scalar(
    name: &'static str,
    label: &'static str,
    field: Field,
    aliases: &'static [&'static str],
) -> FieldInfo {
    FieldInfo {
        name,
        label,
        slot: Slot::Scalar(field),
        settable: true,
        secret: matches!(field, Field::IdentificationNumber),
        phone: matches!(field, Field::PhoneNumber),
        aliases,
    }
}

const fn part(
    name: &'static str,
    label: &'static str,
    part: AddressPart,
    aliases: &'static [&'static str],
) -> FieldInfo {
    FieldInfo {
        name,
        label,
        slot: Slot::Address(part),
        settable: true,
        secret: false,
        phone: false,
        aliases,
    }
}

/// Every field a prospect has, in the order lists, CSV columns and the form show them.
pub const FIELDS: [FieldInfo; 16] = [
    meta("id", "Id", Slot::Id, &[]),
    meta(
        "externalReference",
        "External reference",
        Slot::ExternalReference,
        &["externalref", "externalid", "reference"],
    ),
    scalar(
        "firstName",
        "First name",
        Field::FirstName,
        &["first", "forename", "givenname"],
    ),
    scalar("middleName", "Middle name", Field::MiddleName, &["middle"]),
    scalar(
        "lastName",
        "Last name",
        Field::LastName,
        &["last", "surname", "familyname"],
    ),
    scalar("email", "Email", Field::Email, &["emailaddress"]),
    scalar(
        "phoneNumber",
        "Phone",
        Field::PhoneNumber,
        &["phone", "telephone", "mobile"],
    ),
    scalar(
        "dateOfBirth",
        "Date of birth",
        Field::DateOfBirth,
        &["dob", "birthdate", "birthday"],
    ),
    scalar(
        "identificationNumber",
        "Identification no.",
        Field::IdentificationNumber,
        &["idnumber", "identification", "idno"],
    ),
    part(
        "address.type",
        "Address type",
        AddressPart::Type,
        &["kind", "addresskind"],
    ),
    part("address.line1", "Address line 1", AddressPart::Line1, &[]),
    part("address.line2", "Address line 2", AddressPart::Line2, &[]),
    part("address.line3", "Address line 3", AddressPart::Line3, &[]),
    part(
        "address.postcode",
        "Postcode",
        AddressPart::Postcode,
        &["zip", "zipcode", "postalcode"],
    ),
    part("address.country", "Country", AddressPart::Country, &[]),
    meta(
        "createDate",
        "Created",
        Slot::CreateDate,
        &["created", "createdate"],
    ),
];

/// The row of each slot's kind, for a lookup without a search: a slot without a row, or with
/// two, fails the build.
const fn slot_code(s: Slot) -> usize {
    match s {
        Slot::Id => 0,
        Slot::ExternalReference => 1,
        Slot::CreateDate => 2,
        Slot::Scalar(f) => 16 + f as usize,
        Slot::Address(p) => 32 + p as usize,
    }
}

const fn row_of(slot: Slot) -> FieldKey {
    let (mut i, mut found) = (0, None);
    while i < FIELDS.len() {
        if slot_code(FIELDS[i].slot) == slot_code(slot) {
            assert!(found.is_none(), "two rows for one slot");
            found = Some(FieldKey(i as u8));
        }
        i += 1;
    }
    match found {
        Some(k) => k,
        None => panic!("a slot without a row"),
    }
}

const SCALAR_ROWS: [FieldKey; 7] = {
    let mut out = [FieldKey(0); 7];
    let mut i = 0;
    while i < out.len() {
        out[i] = row_of(Slot::Scalar(Field::ALL[i]));
        i += 1;
    }
    out
};

const ADDRESS_ROWS: [FieldKey; 6] = {
    let mut out = [FieldKey(0); 6];
    let mut i = 0;
    while i < out.len() {
        out[i] = row_of(Slot::Address(AddressPart::ALL[i]));
        i += 1;
    }
    out
};

/// One field of a prospect: a row of [`FIELDS`], ordered as the table lists them (so findings
/// sort by field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldKey(u8);

impl FieldKey {
    /// Every field, in table order.
    pub fn all() -> impl Iterator<Item = FieldKey> {
        (0..FIELDS.len()).map(|i| FieldKey(i as u8))
    }

    /// A scalar field.
    pub const fn scalar(f: Field) -> FieldKey {
        SCALAR_ROWS[f as usize]
    }

    /// An address part.
    pub const fn address(part: AddressPart) -> FieldKey {
        ADDRESS_ROWS[part as usize]
    }

    /// Its row of the table.
    pub fn info(self) -> &'static FieldInfo {
        &FIELDS[usize::from(self.0) % FIELDS.len()]
    }

    /// The name as `patch --set` spells it.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The label for people.
    pub fn label(self) -> &'static str {
        self.info().label
    }

    /// Where it lives in a record.
    pub fn slot(self) -> Slot {
        self.info().slot
    }

    /// Whether a PATCH can change it.
    pub fn settable(self) -> bool {
        self.info().settable
    }

    /// Whether its values are masked unless revealed.
    pub fn is_secret(self) -> bool {
        self.info().secret
    }

    /// Whether it holds a phone number.
    pub fn is_phone(self) -> bool {
        self.info().phone
    }

    /// The scalar field, if it is one.
    pub fn field(self) -> Option<Field> {
        match self.slot() {
            Slot::Scalar(f) => Some(f),
            _ => None,
        }
    }

    /// The address part, if it is one.
    pub fn address_part(self) -> Option<AddressPart> {
        match self.slot() {
            Slot::Address(p) => Some(p),
            _ => None,
        }
    }

    /// The value in a record, as it came; `None` when null or absent (no address).
    pub fn get(self, p: &Prospect) -> Option<&str> {
        match self.slot() {
            Slot::Id => Some(p.id.as_str()),
            Slot::ExternalReference => p.external_reference.as_deref(),
            Slot::CreateDate => p.create_date.as_deref(),
            Slot::Scalar(f) => f.get(p),
            Slot::Address(part) => p.address.as_ref().and_then(|a| a.get(part)),
        }
    }

    /// The field a name means: [`parse`] without the sentence.
    pub fn parse(name: &str) -> Option<FieldKey> {
        let norm = normalise(name);
        if norm.is_empty() {
            return None;
        }
        let mut found = FieldKey::all().filter(|k| k.answers_to(&norm));
        match (found.next(), found.next()) {
            (Some(k), None) => Some(k),
            _ => None,
        }
    }

    /// Whether the normalised name `norm` names this field.
    fn answers_to(self, norm: &str) -> bool {
        let info = self.info();
        if normalise(info.name) == norm || info.aliases.contains(&norm) {
            return true;
        }
        // An address part by its last part alone (`postcode`), or an alias after `address`.
        match self.slot() {
            Slot::Address(part) => {
                part.key() == norm
                    || norm
                        .strip_prefix("address")
                        .is_some_and(|rest| info.aliases.contains(&rest))
            }
            _ => false,
        }
    }
}

/// A name as the parser compares it: lower case, without `.`, `_`, `-` or spaces.
fn normalise(name: &str) -> String {
    name.trim()
        .chars()
        .filter(|c| !matches!(c, '.' | '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The one parser of field names (`patch --set`, `--where`, the TUI's `F`, corrections-file
/// headers, `facet`/`cluster`): `address.postcode`, `address_postcode`, `Postcode`,
/// `address.kind`, `first_name`, `phone`, `dob`… case-insensitively. An unknown name gets one
/// sentence listing the known names.
pub fn parse(name: &str) -> Result<FieldKey, String> {
    FieldKey::parse(name).ok_or_else(|| unknown(name.trim(), |_| true))
}

/// The sentence for a name that is no field among those `keep` allows: the known names, and
/// the nearest one when the name looks like a slip of it.
pub fn unknown(name: &str, keep: impl Fn(FieldKey) -> bool) -> String {
    let names: Vec<&str> = FieldKey::all()
        .filter(|k| keep(*k))
        .map(FieldKey::name)
        .collect();
    let norm = normalise(name);
    let near = names
        .iter()
        .map(|n| (strsim::jaro_winkler(&norm, &normalise(n)), *n))
        .filter(|(score, _)| *score > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| format!(" (did you mean {n}?)"))
        .unwrap_or_default();
    format!(
        "Unknown field {name:?}{near}: use one of {}",
        names.join(", ")
    )
}

/// Every field name, comma-separated, for messages.
pub fn known_names() -> String {
    FieldKey::all()
        .map(FieldKey::name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The field names starting with `prefix` (case-insensitive), whole or by their last part
/// (`coun` → `address.country`).
pub fn completions(prefix: &str) -> Vec<String> {
    let prefix = prefix.trim().to_lowercase();
    FieldKey::all()
        .map(FieldKey::name)
        .filter(|name| {
            let lower = name.to_lowercase();
            let last = lower.rsplit('.').next().unwrap_or_default().to_string();
            lower.starts_with(&prefix) || last.starts_with(&prefix)
        })
        .map(str::to_owned)
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

impl Field {
    /// Every scalar field, in form order.
    pub const ALL: [Field; 7] = [
        Field::FirstName,
        Field::MiddleName,
        Field::LastName,
        Field::Email,
        Field::PhoneNumber,
        Field::DateOfBirth,
        Field::IdentificationNumber,
    ];

    /// The JSON key.
    pub fn key(self) -> &'static str {
        FieldKey::scalar(self).name()
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        FieldKey::scalar(self).label()
    }

    /// The scalar field with exactly this JSON key (a PATCH body's keys).
    pub fn from_key(key: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.key() == key)
    }

    /// Looks a scalar field up by any name [`parse`] takes (`first_name`, `phone`).
    pub fn parse(name: &str) -> Option<Field> {
        FieldKey::parse(name).and_then(FieldKey::field)
    }

    /// The field's value in a record (email as `Some`).
    pub fn get(self, p: &Prospect) -> Option<&str> {
        match self {
            Field::FirstName => p.first_name.as_deref(),
            Field::MiddleName => p.middle_name.as_deref(),
            Field::LastName => p.last_name.as_deref(),
            Field::Email => Some(p.email.as_str()),
            Field::PhoneNumber => p.phone_number.as_deref(),
            Field::DateOfBirth => p.date_of_birth.as_deref(),
            Field::IdentificationNumber => p.identification_number.as_deref(),
        }
    }

    /// Sets the field in a record; `None` clears it (email becomes empty).
    pub fn set(self, p: &mut Prospect, value: Option<String>) {
        match self {
            Field::FirstName => p.first_name = value,
            Field::MiddleName => p.middle_name = value,
            Field::LastName => p.last_name = value,
            Field::Email => p.email = value.unwrap_or_default(),
            Field::PhoneNumber => p.phone_number = value,
            Field::DateOfBirth => p.date_of_birth = value,
            Field::IdentificationNumber => p.identification_number = value,
        }
    }
}

/// The address parts a user can edit, by their JSON keys (from [`AddressPart::ALL`]).
pub const ADDRESS_PARTS: [&str; 6] = {
    let mut out = [""; 6];
    let mut i = 0;
    while i < out.len() {
        out[i] = AddressPart::ALL[i].key();
        i += 1;
    }
    out
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_agrees_with_the_enums_and_the_api_model() {
        for f in Field::ALL {
            assert_eq!(FieldKey::scalar(f).field(), Some(f));
        }
        for p in AddressPart::ALL {
            let k = FieldKey::address(p);
            assert_eq!(k.address_part(), Some(p));
            assert_eq!(k.name(), format!("address.{}", p.key()));
        }
        // Every row is reached by its own name, and no two rows share a name or alias.
        for k in FieldKey::all() {
            assert_eq!(FieldKey::parse(k.name()), Some(k), "{}", k.name());
            for a in k.info().aliases {
                assert_eq!(FieldKey::parse(a), Some(k), "{a}");
            }
            assert_eq!(
                k.settable(),
                matches!(k.slot(), Slot::Scalar(_) | Slot::Address(_))
            );
        }
        let secret: Vec<_> = FieldKey::all()
            .filter(|k| k.is_secret())
            .map(FieldKey::name)
            .collect();
        assert_eq!(secret, ["identificationNumber"]);
        let phone: Vec<_> = FieldKey::all()
            .filter(|k| k.is_phone())
            .map(FieldKey::name)
            .collect();
        assert_eq!(phone, ["phoneNumber"]);
    }

    #[test]
    fn every_spelling_of_a_field_parses_to_it() {
        let cases = [
            ("address.postcode", "address.postcode"),
            ("address_postcode", "address.postcode"),
            ("Address_Postcode", "address.postcode"),
            ("ADDRESS.POSTCODE", "address.postcode"),
            ("postcode", "address.postcode"),
            (" Postcode ", "address.postcode"),
            ("address.kind", "address.type"),
            ("address_kind", "address.type"),
            ("type", "address.type"),
            ("country", "address.country"),
            ("address-line-1", "address.line1"),
            ("first_name", "firstName"),
            ("FIRSTNAME", "firstName"),
            ("phone", "phoneNumber"),
            ("phone_number", "phoneNumber"),
            ("dob", "dateOfBirth"),
            ("date_of_birth", "dateOfBirth"),
            ("external_reference", "externalReference"),
            ("ID", "id"),
            ("created", "createDate"),
        ];
        for (typed, name) in cases {
            assert_eq!(parse(typed).map(FieldKey::name), Ok(name), "{typed}");
        }
        for bad in [
            "",
            "address",
            "address.nope",
            "shoeSize",
            "partnerId",
            "line",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_unknown_name_gets_one_sentence_with_the_known_names_and_a_guess() {
        let e = parse("adress_postcode").unwrap_err();
        assert!(e.starts_with("Unknown field \"adress_postcode\" (did you mean address.postcode?): use one of id, "), "{e}");
        assert!(!e.contains('\n'));
        assert!(e.ends_with("address.country, createDate"), "{e}");
        let e = parse("shoeSize").unwrap_err();
        assert!(
            e.starts_with("Unknown field \"shoeSize\": use one of"),
            "{e}"
        );
        let settable = unknown("x", FieldKey::settable);
        assert!(!settable.contains("createDate") && settable.contains("firstName"));
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

    #[test]
    fn address_parts_come_from_the_api_model() {
        assert_eq!(
            ADDRESS_PARTS,
            ["type", "line1", "line2", "line3", "postcode", "country"]
        );
    }
}
