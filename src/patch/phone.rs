//! Phone numbers read with libphonenumber's metadata (the `phonenumber` crate): the one
//! reading behind the `phone-format` and `phone-invalid` rules, the form, `patch --set` and
//! the `e164` expression step.

use phonenumber::country::Id;
use phonenumber::{Mode, PhoneNumber};

/// A region to read national numbers in: an ISO 3166-1 alpha-2 code, e.g. `GB`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Region(Id);

impl Region {
    /// Reads an alpha-2 code, any case; the error is one sentence.
    pub fn parse(code: &str) -> Result<Region, String> {
        let upper = code.trim().to_ascii_uppercase();
        match upper.parse::<Id>() {
            Ok(id) if upper.len() == 2 => Ok(Region(id)),
            _ => Err(format!(
                "{code:?} is not a region: use an ISO 3166-1 alpha-2 code such as GB"
            )),
        }
    }

    /// The alpha-2 code, e.g. `GB`.
    pub fn code(&self) -> &str {
        self.0.as_ref()
    }
}

/// What a phone number's text comes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    /// A valid number; its E.164 form.
    Valid(String),
    /// A number that parses but is not valid for its region (its E.164 form): the metadata
    /// may lag a new range, so this warns and never refuses.
    Invalid(String),
    /// A national number (no `+country`) and no region to read it in.
    NeedsRegion,
    /// Not a phone number; the reason.
    NotANumber(String),
}

impl Reading {
    /// The E.164 form, when the text parses.
    pub fn e164(&self) -> Option<&str> {
        match self {
            Reading::Valid(s) | Reading::Invalid(s) => Some(s),
            Reading::NeedsRegion | Reading::NotANumber(_) => None,
        }
    }
}

/// Reads `value` as a phone number, national numbers in `region`.
pub fn read(value: &str, region: Option<Region>) -> Reading {
    match parsed(value, region) {
        Ok(n) if n.is_valid() => Reading::Valid(n.e164()),
        Ok(n) => Reading::Invalid(n.e164()),
        Err(reading) => reading,
    }
}

/// A number that parsed: by [`phone_meta`](super::phone_meta) for text in digits only (most
/// stored numbers), by the crate for every other shape.
enum Parsed {
    Digits(super::phone_meta::Digits),
    Crate(PhoneNumber),
}

impl Parsed {
    fn e164(&self) -> String {
        match self {
            Parsed::Digits(d) => d.e164(),
            Parsed::Crate(n) => n.format().mode(Mode::E164).to_string(),
        }
    }

    fn is_valid(&self) -> bool {
        match self {
            Parsed::Digits(d) => d.is_valid(),
            Parsed::Crate(n) => {
                let valid = phonenumber::is_valid(n);
                shrink_new_patterns();
                valid
            }
        }
    }
}

/// The parsed number, or the reading that says why there is none.
fn parsed(value: &str, region: Option<Region>) -> Result<Parsed, Reading> {
    let v = value.trim();
    if !v.chars().any(|c| c.is_ascii_digit()) {
        return Err(Reading::NotANumber(format!("{value:?} holds no digits")));
    }
    if v.chars().any(|c| c.is_alphabetic() || c.is_control()) {
        return Err(Reading::NotANumber(format!(
            "{value:?} holds letters or control characters"
        )));
    }
    if !v.starts_with('+') && region.is_none() {
        return Err(Reading::NeedsRegion);
    }
    if let Some(digits) = super::phone_meta::read(v, region.as_ref().map(Region::code)) {
        return Ok(Parsed::Digits(digits));
    }
    widen_regex_cache();
    let number = phonenumber::parse(region.map(|r| r.0), v)
        .map_err(|e| Reading::NotANumber(format!("{value:?} is not a phone number ({e})")));
    shrink_new_patterns();
    number.map(Parsed::Crate)
}

/// How many compiled patterns libphonenumber's metadata may keep. The `phonenumber` crate
/// compiles its metadata's patterns lazily into one LRU cache of only 100; reading and
/// validating a number touches a dozen or more patterns of its region, so numbers from a
/// handful of countries evict each other's patterns and every read recompiled them (about
/// 3 ms a number: a 100,000-record scan took almost five minutes). Every pattern the
/// metadata holds fits in this, so each is compiled once per process.
const REGEX_CACHE_CAPACITY: usize = 20_000;

/// Raises the metadata's pattern cache to [`REGEX_CACHE_CAPACITY`], once per process.
fn widen_regex_cache() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let cache = phonenumber::metadata::DATABASE.cache();
        let mut cache = cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        cache.set_capacity(REGEX_CACHE_CAPACITY);
    });
}

/// The lazy DFA memory each metadata pattern may keep (the `regex` crate's default is 2 MiB a
/// pattern). Every pattern libphonenumber compiles keeps a cache of the states it met, and over
/// a million numbers the hundreds of patterns of a few regions grew to about 100 MB, a third
/// of `check`'s memory. The patterns match numbers of at most 17 digits: a small cache holds
/// what they need.
const PATTERN_DFA_BYTES: usize = 64 * 1024;

/// Recompiles the patterns the metadata cache gained since the last call with
/// [`PATTERN_DFA_BYTES`], exactly as `phonenumber` compiles them otherwise (its metadata
/// patterns are all built with `ignore_whitespace`; the cache is keyed by the pattern).
fn shrink_new_patterns() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static SHRUNK: AtomicUsize = AtomicUsize::new(0);
    static DONE: std::sync::Mutex<Option<std::collections::HashSet<String>>> =
        std::sync::Mutex::new(None);
    let cache = phonenumber::metadata::DATABASE.cache();
    let mut cache = cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if cache.len() == SHRUNK.load(Ordering::Relaxed) {
        return;
    }
    let mut done = DONE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let done = done.get_or_insert_with(Default::default);
    for (source, re) in cache.iter_mut() {
        if done.contains(source) {
            continue;
        }
        if let Ok(small) = regex::RegexBuilder::new(source)
            .ignore_whitespace(true)
            .dfa_size_limit(PATTERN_DFA_BYTES)
            .build()
        {
            *re = small;
        }
        done.insert(source.clone());
    }
    SHRUNK.store(cache.len(), Ordering::Relaxed);
}

/// The value to send for a phone number typed in the form or `patch --set`: the E.164 form
/// when it parses, the text as typed otherwise (the API's own rule then judges it).
pub fn for_api(value: &str, region: Option<Region>) -> String {
    match read(value, region) {
        Reading::Valid(s) | Reading::Invalid(s) => s,
        Reading::NeedsRegion | Reading::NotANumber(_) => value.to_string(),
    }
}

/// A warning about a typed phone number that is still sent: one that parses but is not valid
/// for its region, or a national number kept as typed for want of a region.
pub fn warning(value: &str, region: Option<Region>) -> Option<String> {
    match read(value, region) {
        Reading::Invalid(s) => Some(format!(
            "{s} is not a valid number for its region (sent anyway: the metadata may lag new ranges)"
        )),
        Reading::NeedsRegion if super::validate::phone(value).is_ok() => Some(format!(
            "{value} is a national number: set default_region to store it as E.164"
        )),
        _ => None,
    }
}

/// E.164 for the `e164` step: a number that parses (valid or not), or why it cannot be.
/// Whether the number is valid for its region is not asked (the `phone-invalid` rule's
/// question, and most of the time a reading takes): the step writes either as E.164.
pub fn to_e164(value: &str, region: Option<Region>) -> Result<String, String> {
    match parsed(value, region) {
        Ok(n) => Ok(n.e164()),
        Err(Reading::NeedsRegion) => Err(format!(
            "{value:?} is a national number and no region is set (e164(\"GB\") or default_region)"
        )),
        Err(Reading::NotANumber(why)) => Err(why),
        // `parsed` fails with the two above only.
        Err(other) => Err(format!("{value:?}: {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gb() -> Option<Region> {
        Some(Region::parse("GB").unwrap())
    }

    #[test]
    fn real_formats_read_as_e164() {
        let valid = [
            ("+44 7123 456789", None, "+447123456789"),
            ("07123 456789", gb(), "+447123456789"),
            ("+44 (0)7123 456789", None, "+447123456789"),
            ("020 7946 0958", gb(), "+442079460958"),
            ("+353 85 123 4567", None, "+353851234567"),
            (
                "085 123 4567",
                Some(Region::parse("ie").unwrap()),
                "+353851234567",
            ),
            ("+1 (201) 555-0123", None, "+12015550123"),
            (
                "(201) 555-0123",
                Some(Region::parse("US").unwrap()),
                "+12015550123",
            ),
            ("+49 30 901820", None, "+4930901820"),
            (
                "030 901820",
                Some(Region::parse("DE").unwrap()),
                "+4930901820",
            ),
            ("+447123456789", None, "+447123456789"),
        ];
        for (text, region, e164) in valid {
            assert_eq!(read(text, region), Reading::Valid(e164.into()), "{text}");
        }
    }

    #[test]
    fn invalid_ranges_parse_but_are_not_valid() {
        for (text, region) in [
            ("+44 1234", None),
            ("+44 7700 900123", None),
            ("07700 900123", gb()),
            ("+1 555 555 5555", None),
        ] {
            assert!(
                matches!(read(text, region), Reading::Invalid(_)),
                "{text}: {:?}",
                read(text, region)
            );
        }
        assert_eq!(read("07123 456789", None), Reading::NeedsRegion);
        assert!(matches!(read("abc", gb()), Reading::NotANumber(_)));
        assert!(matches!(read("", gb()), Reading::NotANumber(_)));
    }

    #[test]
    fn regions_are_alpha2() {
        assert_eq!(Region::parse("gb").unwrap().code(), "GB");
        assert!(Region::parse("GBR").is_err());
        assert!(Region::parse("XX").is_err());
    }

    #[test]
    fn the_api_gets_e164_and_a_warning_for_what_is_doubtful() {
        assert_eq!(for_api("07123 456789", gb()), "+447123456789");
        assert_eq!(for_api("07123 456789", None), "07123 456789");
        assert_eq!(warning("+447123456789", None), None);
        assert!(warning("+44 1234", None).unwrap().contains("+441234"));
        assert!(
            warning("07123456789", None)
                .unwrap()
                .contains("default_region")
        );
        assert!(
            to_e164("07123 456789", None)
                .unwrap_err()
                .contains("region")
        );
        // The step gives the reading's E.164 form, valid or not.
        for (text, region) in [
            ("07123 456789", gb()),
            ("+44 (0)7123 456789", None),
            ("+44 1234", None),
            ("+1 (201) 555-0123", None),
        ] {
            assert_eq!(
                to_e164(text, region).ok().as_deref(),
                read(text, region).e164(),
                "{text}"
            );
        }
        assert!(to_e164("abc", gb()).unwrap_err().contains("no digits"));
    }
}
