//! Values shared between records: emails (trimmed, lower case), phone numbers (digits only),
//! external references and identification numbers (trimmed).
//!
//! Memory stays small at 1,000,000 records: nothing is held per record but one entry in a
//! byte arena ([`Arena`]: its id, 16 bytes for a UUID; its external reference and name; the
//! normalised value of each duplicate rule that is on) and one `u32` per value in each rule's
//! hash table ([`hashbrown::HashTable`], the hash recomputed from the arena when it grows).
//! Values are compared byte for byte whenever their hashes are equal, so a hash collision
//! never makes two different values a duplicate.

use std::collections::HashMap;
use std::hash::BuildHasher;

use hashbrown::HashTable;

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

/// What each record keeps, one record after the other in one byte buffer: no allocation of
/// its own per record or per value.
///
/// A record is its id (`0` and the 16 bytes of a UUID written in its canonical lower-case
/// form, or `1` and the text), then its external reference (length + 1, `0` for none), its
/// name, and one value per duplicate rule (length + 1, empty for none; `0` when it is the
/// external reference as it stands, the usual case of `duplicate-external-reference`), each
/// length a LEB128 varint before the text.
#[derive(Default)]
struct Arena {
    bytes: Vec<u8>,
    starts: Vec<u64>,
}

/// A record's id as kept.
enum Id<'a> {
    Uuid(uuid::Uuid),
    Text(&'a str),
}

impl Id<'_> {
    fn text(&self) -> String {
        match self {
            Id::Uuid(u) => u.hyphenated().to_string(),
            Id::Text(t) => (*t).to_string(),
        }
    }
}

/// A record read back from the [`Arena`].
struct Seen<'a> {
    id: Id<'a>,
    external_reference: Option<&'a str>,
    name: &'a str,
}

fn put_len(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn get_len(bytes: &[u8], at: &mut usize) -> usize {
    let mut n = 0usize;
    let mut shift = 0;
    while let Some(&b) = bytes.get(*at) {
        *at += 1;
        n |= usize::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    n
}

fn put_text(out: &mut Vec<u8>, s: &str) {
    put_len(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

/// The text at `at` (advanced past it). The arena only holds what [`put_text`] wrote, so the
/// bytes are UTF-8; anything else would read as empty rather than panic.
fn get_text<'a>(bytes: &'a [u8], at: &mut usize) -> &'a str {
    let n = get_len(bytes, at);
    let end = (*at + n).min(bytes.len());
    let s = bytes.get(*at..end).unwrap_or_default();
    *at = end;
    std::str::from_utf8(s).unwrap_or_default()
}

/// The id as the canonical UUID it is, when it is one (the id the API gives).
fn as_uuid(id: &str) -> Option<uuid::Uuid> {
    let u = uuid::Uuid::try_parse(id).ok()?;
    let mut buf = uuid::Uuid::encode_buffer();
    (u.hyphenated().encode_lower(&mut buf) == id).then_some(u)
}

impl Arena {
    /// Appends a record; its values by kind (`None` where the rule is off or it has none).
    fn push(&mut self, p: &Prospect, values: &[Option<String>; 4]) {
        let out = &mut self.bytes;
        self.starts.push(out.len() as u64);
        match as_uuid(&p.id) {
            Some(u) => {
                out.push(0);
                out.extend_from_slice(u.as_bytes());
            }
            None => {
                out.push(1);
                put_text(out, &p.id);
            }
        }
        match &p.external_reference {
            Some(r) => {
                put_len(out, r.len() + 1);
                out.extend_from_slice(r.as_bytes());
            }
            None => put_len(out, 0),
        }
        put_text(out, &p.full_name());
        for v in values {
            let v = v.as_deref().unwrap_or_default();
            if !v.is_empty() && p.external_reference.as_deref() == Some(v) {
                put_len(out, 0);
            } else {
                put_len(out, v.len() + 1);
                out.extend_from_slice(v.as_bytes());
            }
        }
    }

    fn len(&self) -> usize {
        self.starts.len()
    }

    fn start(&self, i: u32) -> usize {
        self.starts
            .get(i as usize)
            .map_or(self.bytes.len(), |s| *s as usize)
    }

    /// Record `i`: its id, external reference and name, and where its values begin.
    fn head(&self, i: u32) -> (Seen<'_>, usize) {
        let b = &self.bytes;
        let mut at = self.start(i);
        let id = match b.get(at) {
            Some(0) => {
                let raw = b
                    .get(at + 1..at + 17)
                    .and_then(|s| uuid::Uuid::from_slice(s).ok())
                    .unwrap_or_default();
                at += 17;
                Id::Uuid(raw)
            }
            _ => {
                at += 1;
                Id::Text(get_text(b, &mut at))
            }
        };
        let external_reference = get_opt_text(b, &mut at);
        let name = get_text(b, &mut at);
        (
            Seen {
                id,
                external_reference,
                name,
            },
            at,
        )
    }

    /// Record `i`'s value for kind `k` (empty for none).
    fn value(&self, i: u32, k: usize) -> &str {
        let (seen, mut at) = self.head(i);
        let b = &self.bytes;
        for _ in 0..k {
            get_opt_text(b, &mut at);
        }
        match get_len(b, &mut at) {
            0 => seen.external_reference.unwrap_or_default(),
            n => {
                let end = (at + n - 1).min(b.len());
                std::str::from_utf8(b.get(at..end).unwrap_or_default()).unwrap_or_default()
            }
        }
    }

    /// Record `i`'s id, external reference and name.
    fn seen(&self, i: u32) -> Seen<'_> {
        self.head(i).0
    }
}

/// A text written as its length + 1 (`0`: none), at `at` (advanced past it).
fn get_opt_text<'a>(bytes: &'a [u8], at: &mut usize) -> Option<&'a str> {
    match get_len(bytes, at) {
        0 => None,
        n => {
            let end = (*at + n - 1).min(bytes.len());
            let s = bytes.get(*at..end).unwrap_or_default();
            *at = end;
            Some(std::str::from_utf8(s).unwrap_or_default())
        }
    }
}

/// Collects records one at a time and reports the values several of them share.
pub struct Duplicates<S = hashbrown::DefaultHashBuilder> {
    enabled: [bool; 4],
    records: Arena,
    /// Per kind: the first record holding each value, hashed by the value.
    index: [HashTable<u32>; 4],
    /// Per kind: (first record, a later record with the same value).
    pairs: [Vec<(u32, u32)>; 4],
    hasher: S,
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
        Duplicates::with_hasher(rules, hashbrown::DefaultHashBuilder::default())
    }
}

impl<S: BuildHasher> Duplicates<S> {
    /// [`Duplicates::new`] hashing values with `hasher` (a test forces collisions with it).
    pub fn with_hasher(rules: &[Rule], hasher: S) -> Self {
        Duplicates {
            enabled: KINDS.map(|k| rules.contains(&k)),
            records: Arena::default(),
            index: Default::default(),
            pairs: Default::default(),
            hasher,
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
        let values: [Option<String>; 4] =
            std::array::from_fn(|k| self.enabled[k].then(|| normalized(KINDS[k], p)).flatten());
        self.records.push(p, &values);
        let Duplicates {
            records,
            index,
            pairs,
            hasher,
            ..
        } = self;
        for (k, v) in values.iter().enumerate() {
            let Some(v) = v else { continue };
            let hash = hasher.hash_one(v.as_str());
            match index[k].find(hash, |&i| records.value(i, k) == v) {
                Some(&first) => pairs[k].push((first, at)),
                None => {
                    index[k].insert_unique(hash, at, |&i| hasher.hash_one(records.value(i, k)));
                }
            }
        }
    }

    /// A finding for every record whose value another record shares, the others named.
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for (k, kind) in KINDS.into_iter().enumerate() {
            // Groups keyed by their first record.
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
            let mut found: Vec<(u32, Finding)> = Vec::new();
            for (first, members) in &groups {
                let value = Some(self.records.value(*first, k).to_string());
                let ids: Vec<String> = members
                    .iter()
                    .map(|&m| self.records.seen(m).id.text())
                    .collect();
                for (at, &m) in members.iter().enumerate() {
                    let others: Vec<&str> = ids
                        .iter()
                        .enumerate()
                        .filter(|(o, _)| *o != at)
                        .map(|(_, id)| id.as_str())
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
                    let seen = self.records.seen(m);
                    found.push((
                        m,
                        Finding {
                            id: seen.id.text(),
                            external_reference: seen.external_reference.map(String::from),
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

    /// Every value hashes alike: each lookup meets every other value's entry.
    #[derive(Default, Clone, Copy)]
    struct Colliding;

    impl BuildHasher for Colliding {
        type Hasher = Constant;
        fn build_hasher(&self) -> Constant {
            Constant
        }
    }

    struct Constant;

    impl std::hash::Hasher for Constant {
        fn finish(&self) -> u64 {
            7
        }
        fn write(&mut self, _: &[u8]) {}
    }

    fn ids(f: &[Finding]) -> Vec<(&str, Rule, &str)> {
        f.iter()
            .map(|f| (f.id.as_str(), f.rule, f.message.as_str()))
            .collect()
    }

    #[test]
    fn a_forced_hash_collision_never_makes_different_values_duplicates() {
        let mut d = Duplicates::with_hasher(&Rule::ALL, Colliding);
        let mut plain = Duplicates::new(&Rule::ALL);
        let records = [
            p("a", "ann@example.com", Some("+441")),
            p("b", "bob@example.com", Some("+442")),
            p("c", "cy@example.com", None),
            p("d", "Bob@example.com ", Some("+44 2")),
            p("e", "ann@example.com", Some("+443")),
        ];
        for r in &records {
            d.add(r);
            plain.add(r);
        }
        let f = d.findings();
        assert_eq!(
            ids(&f),
            vec![
                (
                    "a",
                    Rule::DuplicateEmail,
                    "email is shared with 1 other record: e"
                ),
                (
                    "b",
                    Rule::DuplicateEmail,
                    "email is shared with 1 other record: d"
                ),
                (
                    "d",
                    Rule::DuplicateEmail,
                    "email is shared with 1 other record: b"
                ),
                (
                    "e",
                    Rule::DuplicateEmail,
                    "email is shared with 1 other record: a"
                ),
                (
                    "b",
                    Rule::DuplicatePhone,
                    "phoneNumber is shared with 1 other record: d"
                ),
                (
                    "d",
                    Rule::DuplicatePhone,
                    "phoneNumber is shared with 1 other record: b"
                ),
            ]
        );
        assert_eq!(f[1].value.as_deref(), Some("bob@example.com"));
        assert_eq!(f[4].value.as_deref(), Some("442"));
        assert_eq!(f, plain.findings(), "the same as with a real hash");
    }

    #[test]
    fn the_arena_gives_back_ids_references_names_and_values_as_added() {
        let long = "x".repeat(300);
        let uuid = "0b3c6a1e-8f55-4c2e-9a57-1f6f2d9f0a11";
        let records = [
            Prospect {
                id: uuid.into(),
                external_reference: Some("CRM-1".into()),
                first_name: Some("Zoë".into()),
                last_name: Some("Ünal".into()),
                email: "z@example.com".into(),
                identification_number: Some(" AB1 ".into()),
                ..Default::default()
            },
            Prospect {
                // Not in the canonical form: kept as text, given back as sent.
                id: uuid.to_uppercase(),
                external_reference: Some(String::new()),
                email: long.clone(),
                ..Default::default()
            },
            Prospect {
                id: "plain-id".into(),
                external_reference: Some(" CRM-2 ".into()),
                phone_number: Some("+44 7123".into()),
                ..Default::default()
            },
        ];
        let mut a = Arena::default();
        for r in &records {
            let values = KINDS.map(|k| normalized(k, r));
            a.push(r, &values);
        }
        for (i, r) in records.iter().enumerate() {
            let i = i as u32;
            let seen = a.seen(i);
            assert_eq!(seen.id.text(), r.id);
            assert_eq!(seen.external_reference, r.external_reference.as_deref());
            assert_eq!(seen.name, r.full_name());
            for (k, kind) in KINDS.into_iter().enumerate() {
                assert_eq!(a.value(i, k), normalized(kind, r).unwrap_or_default());
            }
        }
        assert_eq!(a.value(1, 0), long);
        assert_eq!(a.value(0, 3), "AB1");
        assert_eq!(a.value(2, 1), "447123");
        // The reference as it stands is not written twice; trimmed, it is.
        assert_eq!(a.value(0, 2), "CRM-1");
        assert_eq!(a.value(2, 2), "CRM-2");
        assert_eq!(a.seen(2).external_reference, Some(" CRM-2 "));
        assert_eq!(a.value(1, 2), "");
        assert_eq!(a.seen(0).name, "Zoë Ünal");
    }
}
