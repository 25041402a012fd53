//! The `phonenumber` crate's reading of a number written in digits only (`+447123456789`, or
//! `07123456789` with a region), done over libphonenumber's metadata patterns compiled once.
//!
//! Why: the crate keeps its metadata's patterns in one process-wide cache behind a mutex,
//! keyed by the pattern's text, so every use of a pattern hashes its text (some are over a
//! kilobyte) under the lock, and its E.164 formatter matches every format of the region for a
//! result it does not use. A `check` over a million records spent about six seconds there. This
//! module takes the crate's metadata (the same `DATABASE`: country codes, regions, prefixes,
//! possible lengths, the pattern texts) and follows the crate's own steps line for line —
//! `parser::parse_with`, `helper::country_code`, `helper::international_prefix`,
//! `helper::national_number`, `validator::{source_for, number_type, length}` of
//! `phonenumber` 0.3.10 — with each pattern compiled once, with the crate's options.
//!
//! It answers only for text that is a `+` and digits, or digits and a region, together or with
//! spaces (brackets, dashes and dots allowed among them); for anything else,
//! or wherever the crate would fail, it answers `None` and the caller asks the crate, so an error
//! is always the crate's own. The test `agrees_with_the_crate` holds the two to the same answer
//! over every country code and region.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use phonenumber::metadata::{DATABASE, Descriptor, Metadata};
use regex::Regex;

/// A number read: its country calling code and its national significant number (leading zeros
/// kept, as the crate's `NationalNumber` prints it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digits {
    pub code: u16,
    pub national: String,
}

impl Digits {
    /// The E.164 form: `+`, the code and the national number.
    pub fn e164(&self) -> String {
        format!("+{}{}", self.code, self.national)
    }

    /// Whether the number is valid for its region: `phonenumber::is_valid`.
    pub fn is_valid(&self) -> bool {
        let t = table();
        t.source_for(self.code, &self.national).is_some_and(|m| {
            t.compiled(m)
                .is_some_and(|c| c.number_type_known(&self.national))
        })
    }
}

/// The crate's `parse(region, text)` for a `+` and digits, or digits with a region, written
/// together or with spaces (`+44 7123 456789`, `+44 (0)7123 456789`, `(0)20 7946-0958`);
/// `None` when the text has another shape, or wherever the crate would give an error (its
/// caller then asks the crate, for the crate's own error).
pub fn read(text: &str, region: Option<&str>) -> Option<Digits> {
    let (plus, rest) = match text.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if rest.bytes().all(|b| b.is_ascii_digit()) {
        return read_digits(plus, rest, region);
    }
    // Written with spaces (and brackets, dashes or dots among them): the crate reads it as
    // its digits. A space keeps it from the crate's RFC 3966 reading (`+44-7123-456789` is
    // read as `tel:` there, the country code up to the first dash), none of these characters
    // can start an extension, and the crate's normalisation drops them.
    let spaced = rest.contains(' ')
        && rest
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'(' | b')' | b'-' | b'.'));
    if !spaced {
        return None;
    }
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    read_digits(plus, &digits, region)
}

/// [`read`] for a `+` (when `plus`) and `digits`, all ASCII digits.
fn read_digits(plus: bool, digits: &str, region: Option<&str>) -> Option<Digits> {
    let t = table();
    // Three digits at least: shorter text fails the crate's `is_viable` or its length checks.
    if digits.len() < 3 {
        return None;
    }
    // A region is an alpha-2 code (`Region` allows nothing else); `001` and the like are the
    // crate's to answer.
    let region_meta = match region {
        Some(id) if id.len() == 2 => Some(DATABASE.by_id(id)?),
        Some(_) => return None,
        None => None,
    };
    if !plus && region_meta.is_none() {
        return None;
    }
    let region_compiled = match region_meta {
        Some(m) => Some(t.compiled(m)?),
        None => None,
    };

    // `international_prefix`: a leading `+` makes the source `Plus`; with a region, its
    // international dialling prefix at the start (not followed by a 0) is stripped too.
    let mut national: &str = digits;
    let mut from_plus = plus;
    if let Some(idd) = region_compiled.and_then(|c| c.idd.as_ref())
        && let Some(m) = idd.find(national)
        && m.start() == 0
        && !national[m.end()..].starts_with('0')
    {
        national = &national[m.end()..];
        from_plus = true;
    }

    // `country_code`.
    let code: u16 = if from_plus {
        if national.len() <= 2 || national.starts_with('0') {
            return None;
        }
        let (code, len) = (1..=3).find_map(|len| {
            let code: u16 = national[..len].parse().ok()?;
            t.codes.contains(&code).then_some((code, len))
        })?;
        national = &national[len..];
        code
    } else {
        // A national number in the region (`region_meta` is set here).
        let meta = region_meta?;
        let c = region_compiled?;
        let code = meta.country_code();
        let code_text = code.to_string();
        if national.starts_with(&code_text)
            && (!c.general.is_match(national) || !length(meta, national.len()).is_possible())
        {
            national = &national[code_text.len()..];
        }
        code
    };

    // The metadata that reads the national prefix: the region's, or the number's own.
    let meta = match region_meta {
        Some(m) => Some(m),
        None => t.source_for(code, national.trim_start_matches('0')),
    };
    let mut national = national.to_string();
    if let Some(meta) = meta {
        let c = t.compiled(meta)?;
        let mut potential = c.national_number(meta, &national)?;
        if let Some(prefix) = meta.national_prefix()
            && potential.starts_with(prefix)
        {
            potential.drain(..prefix.len());
        }
        if length(meta, potential.len()) != Length::TooShort {
            national = potential;
        }
    }

    // The crate's last checks and its `NationalNumber`: 2 to 17 digits, at least one of them
    // not zero, the value under 2⁵⁶.
    if national.len() < 2 || national.len() > 17 {
        return None;
    }
    let significant = national.trim_start_matches('0');
    let value: u64 = significant.parse().ok()?;
    if value >= 1 << 56 {
        return None;
    }
    Some(Digits { code, national })
}

/// `validator::length` with `Type::Unknown` (the general descriptor), as the crate computes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Length {
    Possible,
    LocalOnly,
    TooShort,
    TooLong,
    Invalid,
}

impl Length {
    fn is_possible(self) -> bool {
        matches!(self, Length::Possible | Length::LocalOnly)
    }
}

fn length(meta: &Metadata, len: usize) -> Length {
    let general = meta.descriptors().general();
    let len = u16::try_from(len).unwrap_or(u16::MAX);
    let local = general.possible_local_length();
    // The crate's own choice of list, kept as it is: for the general descriptor both branches
    // read the same list.
    let possible = general.possible_length();
    let (Some(&minimum), Some(&maximum)) = (possible.first(), possible.last()) else {
        return Length::Invalid;
    };
    if local.contains(&len) {
        Length::LocalOnly
    } else if len == minimum {
        Length::Possible
    } else if len < minimum {
        Length::TooShort
    } else if len > maximum {
        Length::TooLong
    } else if possible.contains(&len) {
        Length::Possible
    } else {
        Length::Invalid
    }
}

/// A descriptor with its pattern compiled, anchored at the start.
struct Desc {
    desc: &'static Descriptor,
    /// `^(?:pattern)`: a match of the pattern starting at 0 exists exactly when this matches,
    /// and `is_match` stops at the first such match, where `find` looks for the leftmost match's
    /// end and then its start.
    anchored: Regex,
}

impl Desc {
    /// `Descriptor::is_match`: a possible length, and a match of the pattern starting at 0.
    fn is_match(&self, value: &str) -> bool {
        let lengths = self.desc.possible_length();
        if !lengths.is_empty() && !lengths.contains(&(u16::try_from(value.len()).unwrap_or(0))) {
            return false;
        }
        self.anchored.is_match(value)
    }
}

/// One metadata entry's patterns, compiled.
struct Compiled {
    general: Desc,
    /// The descriptors `number_type` tries, in its order; a number matching any of them (and
    /// the general one) has a known type.
    types: Vec<Desc>,
    idd: Option<Regex>,
    for_parsing: Option<Regex>,
    leading_digits: Option<Regex>,
}

/// Compiles a metadata pattern as the crate does (`ignore_whitespace`), with a lazy-DFA budget
/// of 1 MiB (the `regex` default is 2 MiB). Only the patterns of the regions met are compiled,
/// and for numbers of at most 17 digits their caches stay small: a million-record `check` holds
/// 231 MB in all. At 64 KiB the larger mobile patterns thrashed their caches (0.73 µs a reading
/// against 0.54 µs).
fn compile(source: &str) -> Option<Regex> {
    regex::RegexBuilder::new(source)
        .ignore_whitespace(true)
        .dfa_size_limit(1024 * 1024)
        .build()
        .ok()
}

/// [`compile`]d to match at the start only. The pattern sits on lines of its own so that a
/// `#` comment in it (allowed with `ignore_whitespace`) cannot swallow the closing parenthesis.
fn compile_anchored(source: &str) -> Option<Regex> {
    compile(&format!("^(?:\n{source}\n)"))
}

fn desc(desc: &'static Descriptor) -> Option<Desc> {
    Some(Desc {
        desc,
        anchored: compile_anchored(desc.national_number().as_str())?,
    })
}

impl Compiled {
    fn new(meta: &'static Metadata) -> Option<Compiled> {
        let d = meta.descriptors();
        // `number_type`'s descriptors; whether any matches does not depend on their order, so
        // the ones most numbers are come first.
        let types = [
            d.mobile(),
            d.fixed_line(),
            d.toll_free(),
            d.premium_rate(),
            d.shared_cost(),
            d.voip(),
            d.personal_number(),
            d.pager(),
            d.uan(),
            d.voicemail(),
        ]
        .into_iter()
        .flatten()
        .map(desc)
        .collect::<Option<Vec<_>>>()?;
        let optional = |source: Option<&str>| -> Option<Option<Regex>> {
            match source {
                Some(source) => compile(source).map(Some),
                None => Some(None),
            }
        };
        Some(Compiled {
            general: desc(d.general())?,
            types,
            idd: optional(meta.international_prefix().map(|r| r.as_str()))?,
            for_parsing: optional(meta.national_prefix_for_parsing().map(|r| r.as_str()))?,
            leading_digits: optional(meta.leading_digits().map(|r| r.as_str()))?,
        })
    }

    /// `validator::number_type(meta, value) != Type::Unknown`.
    fn number_type_known(&self, value: &str) -> bool {
        self.general.is_match(value) && self.types.iter().any(|d| d.is_match(value))
    }

    /// `helper::national_number`: the national prefix (and carrier code) stripped by the
    /// region's parsing pattern and transform rule. `None` where the crate would panic.
    fn national_number(&self, meta: &Metadata, national: &str) -> Option<String> {
        let Some(parsing) = &self.for_parsing else {
            return Some(match meta.national_prefix() {
                Some(prefix) if national.starts_with(prefix) => national[prefix.len()..].into(),
                _ => national.into(),
            });
        };
        let Some(m) = parsing.find(national) else {
            return Some(national.into());
        };
        if m.start() != 0 {
            return Some(national.into());
        }
        let viable = self.general.is_match(national);
        let captures = parsing.captures(national)?;
        let first = captures.get(1);
        let last = captures.get(captures.len() - 1);
        match meta.national_prefix_transform_rule() {
            Some(transform) if last.is_some() => {
                let transformed = parsing.replace(national, transform).into_owned();
                if viable && !self.general.is_match(&transformed) {
                    return Some(national.into());
                }
                // The crate takes the carrier from the first group and panics without one.
                first?;
                Some(transformed)
            }
            _ => {
                // The crate's `viable && !general.is_match(&national[start..])` with `start`
                // 0 is never true: the prefix is always stripped here.
                Some(national[m.end()..].into())
            }
        }
    }
}

/// Every metadata entry's compiled patterns, compiled on first use, and the regions of each
/// country calling code.
struct Table {
    compiled: HashMap<usize, OnceLock<Option<Compiled>>>,
    regions: HashMap<u16, Vec<&'static str>>,
    /// The codes `Database::by_code` knows.
    codes: HashSet<u16>,
}

fn key(meta: &Metadata) -> usize {
    std::ptr::from_ref(meta) as usize
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let db: &'static phonenumber::metadata::Database = &DATABASE;
        let mut compiled = HashMap::new();
        let mut regions = HashMap::new();
        let mut codes = HashSet::new();
        for code in 1..1000u16 {
            if let Some(metas) = db.by_code(&code) {
                codes.insert(code);
                for meta in metas {
                    compiled.insert(key(meta), OnceLock::new());
                }
            }
            if let Some(ids) = db.region(&code) {
                regions.insert(code, ids);
            }
        }
        for meta in db.iter() {
            compiled.insert(key(meta), OnceLock::new());
        }
        Table {
            compiled,
            regions,
            codes,
        }
    })
}

impl Table {
    fn compiled(&self, meta: &'static Metadata) -> Option<&Compiled> {
        self.compiled
            .get(&key(meta))?
            .get_or_init(|| Compiled::new(meta))
            .as_ref()
    }

    /// `validator::source_for` resolved to its metadata, as `parse` and `is_valid` do.
    fn source_for(&self, code: u16, national: &str) -> Option<&'static Metadata> {
        let regions = self.regions.get(&code)?;
        if let [only] = regions.as_slice() {
            if *only == "001" {
                return DATABASE.by_code(&code)?.into_iter().next();
            }
            only.parse::<phonenumber::country::Id>().ok()?;
            return DATABASE.by_id(*only);
        }
        for region in regions {
            let meta = DATABASE.by_id(*region)?;
            let c = self.compiled(meta)?;
            match &c.leading_digits {
                Some(leading) => {
                    if leading.find(national).is_some_and(|m| m.start() == 0) {
                        return Some(meta);
                    }
                }
                None => {
                    if c.number_type_known(national) {
                        return Some(meta);
                    }
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use phonenumber::Mode;

    /// The crate's answer: the E.164 form and validity, or `None` for an error.
    fn crate_reading(text: &str, region: Option<&str>) -> Option<(String, bool)> {
        let id = match region {
            Some(r) => Some(r.parse::<phonenumber::country::Id>().ok()?),
            None => None,
        };
        let n = phonenumber::parse(id, text).ok()?;
        Some((
            n.format().mode(Mode::E164).to_string(),
            phonenumber::is_valid(&n),
        ))
    }

    fn check(text: &str, region: Option<&str>, answered: &mut usize) {
        let Some(ours) = read(text, region) else {
            return;
        };
        *answered += 1;
        let theirs = crate_reading(text, region);
        assert_eq!(
            Some((ours.e164(), ours.is_valid())),
            theirs,
            "{text:?} in {region:?}"
        );
    }

    /// A small deterministic generator (the test must not depend on a seed file).
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            self.0 >> 33
        }
        fn digits(&mut self, n: usize) -> String {
            (0..n)
                .map(|_| char::from(b'0' + (self.next() % 10) as u8))
                .collect()
        }
    }

    /// `text` written with spaces as people write numbers: grouped in threes and fours, the
    /// first group bracketed and the rest dashed, dotted.
    fn written(text: &str, rng: &mut Lcg) -> Vec<String> {
        let (plus, digits) = match text.strip_prefix('+') {
            Some(d) => ("+", d),
            None => ("", text),
        };
        if digits.len() < 4 {
            return Vec::new();
        }
        let cut = 1 + (rng.next() as usize) % (digits.len() - 2);
        let (head, tail) = digits.split_at(cut);
        let grouped: Vec<String> = tail
            .as_bytes()
            .chunks(3 + (rng.next() as usize) % 2)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        vec![
            format!("{plus}{head} {}", grouped.join(" ")),
            format!("{plus}({head}) {}", grouped.join("-")),
            format!("{plus} {head}. {}", grouped.join(".")),
        ]
    }

    #[test]
    fn agrees_with_the_crate() {
        let mut rng = Lcg(16);
        let mut answered = 0;
        let mut tried = 0;
        let regions: Vec<&str> = DATABASE
            .iter()
            .map(Metadata::id)
            .filter(|id| id.len() == 2)
            .collect();
        let some_regions = [
            None,
            Some("GB"),
            Some("US"),
            Some("DE"),
            Some("RU"),
            Some("IT"),
        ];
        for code in 1..1000u16 {
            let Some(metas) = DATABASE.by_code(&code) else {
                continue;
            };
            // Every type's example number, as E.164, with the national prefix inserted, and
            // nationally in its region; then random digits of every possible length.
            let mut nationals: Vec<String> = Vec::new();
            for meta in &metas {
                let d = meta.descriptors();
                for desc in [
                    Some(d.general()),
                    d.fixed_line(),
                    d.mobile(),
                    d.toll_free(),
                    d.premium_rate(),
                    d.voip(),
                    d.uan(),
                ]
                .into_iter()
                .flatten()
                {
                    if let Some(example) = desc.example() {
                        nationals.push(example.to_string());
                        if let Some(prefix) = meta.national_prefix() {
                            nationals.push(format!("{prefix}{example}"));
                        }
                        // One digit changed: near misses of valid ranges.
                        let mut near: Vec<u8> = example.bytes().collect();
                        if let Some(last) = near.last_mut() {
                            *last = b'0' + ((*last - b'0' + 1) % 10);
                        }
                        nationals.push(String::from_utf8_lossy(&near).into_owned());
                    }
                }
                for len in d.general().possible_length() {
                    for _ in 0..3 {
                        nationals.push(rng.digits(usize::from(*len)));
                    }
                }
            }
            nationals.push(rng.digits(1));
            nationals.push(rng.digits(18));
            for national in &nationals {
                let international = format!("+{code}{national}");
                for region in some_regions {
                    tried += 1;
                    check(&international, region, &mut answered);
                }
                for text in written(&international, &mut rng)
                    .into_iter()
                    .chain(written(national, &mut rng))
                {
                    let own = Some(metas[0].id()).filter(|id| id.len() == 2);
                    for region in [None, Some("GB"), own] {
                        tried += 1;
                        check(&text, region, &mut answered);
                    }
                }
                if let Some(prefix) = metas[0].national_prefix() {
                    tried += 1;
                    check(
                        &format!("+{code} ({prefix}){national}"),
                        None,
                        &mut answered,
                    );
                }
                let random_region = regions[(rng.next() as usize) % regions.len()];
                tried += 1;
                check(&international, Some(random_region), &mut answered);
                for meta in &metas {
                    if meta.id().len() == 2 {
                        tried += 2;
                        check(national, Some(meta.id()), &mut answered);
                        check(&format!("{code}{national}"), Some(meta.id()), &mut answered);
                        if let Some(prefix) = meta.preferred_international_prefix() {
                            tried += 1;
                            check(
                                &format!("{prefix}{code}{national}"),
                                Some("GB"),
                                &mut answered,
                            );
                        }
                    }
                }
            }
        }
        // Almost everything of these shapes is answered here, not handed back to the crate.
        eprintln!("{answered} of {tried} answered");
        assert!(answered * 10 > tried * 8, "{answered} of {tried} answered");
    }

    #[test]
    fn other_shapes_go_to_the_crate() {
        for (text, region) in [
            ("+44-7123-456789", None),
            ("(0)7123-456789", Some("GB")),
            ("+44 7123 456789 ext. 12", None),
            ("+44 7123 456789#", None),
            ("07123 456789", None),
            ("07123456789", None),
            ("+44", None),
            ("+0447123456789", None),
            ("+447123456789", Some("XX")),
            ("", Some("GB")),
        ] {
            assert_eq!(read(text, region), None, "{text}");
        }
        let gb = read("07123456789", Some("GB")).expect("answered");
        assert_eq!(gb.e164(), "+447123456789");
        for spaced in ["+44 7123 456789", "+44 (0)7123 456789", "(07123) 456-789"] {
            let region = (!spaced.starts_with('+')).then_some("GB");
            let n = read(spaced, region).expect("answered");
            assert_eq!(n.e164(), "+447123456789", "{spaced}");
        }
        assert!(gb.is_valid());
        assert!(!read("+447700900123", None).expect("answered").is_valid());
    }
}
