//! Normal forms of a value, so that different spellings of one value meet: what `facet --by`
//! groups by and what `cluster` keys on. The fingerprints are OpenRefine's:
//!
//! - **fingerprint**: trimmed, lower-cased, accents folded to ASCII (`é` → `e`, `ß` → `ss`),
//!   punctuation and control characters removed, split on white space, the tokens sorted and
//!   de-duplicated, joined by one space: `"ACME Ltd."`, `"Acme  ltd"` and `"Ltd ACME"` all
//!   give `acme ltd`.
//! - **n-gram fingerprint** (n = 2 for `cluster --method ngram`): the same folding, white space
//!   and punctuation removed, then the distinct character n-grams, sorted and joined: a word
//!   split, joined or hyphenated (`Mc Donald`/`McDonald`/`Mc-Donald`) and repeated fragments
//!   meet, which the token fingerprint misses.

/// How `facet --by` groups values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum By {
    /// The value as it is.
    #[default]
    Exact,
    /// Lower case, trimmed.
    Lower,
    /// Only the digits (phone numbers, postcodes).
    Digits,
    /// OpenRefine's fingerprint.
    Fingerprint,
}

impl By {
    /// Parses `exact`, `lower`, `digits` or `fingerprint`.
    pub fn parse(s: &str) -> Result<By, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "exact" => Ok(By::Exact),
            "lower" => Ok(By::Lower),
            "digits" => Ok(By::Digits),
            "fingerprint" => Ok(By::Fingerprint),
            other => Err(format!(
                "Unknown grouping {other:?}: use exact, lower, digits or fingerprint"
            )),
        }
    }

    /// The name as typed.
    pub fn name(self) -> &'static str {
        match self {
            By::Exact => "exact",
            By::Lower => "lower",
            By::Digits => "digits",
            By::Fingerprint => "fingerprint",
        }
    }

    /// The key `value` is grouped under.
    pub fn key(self, value: &str) -> String {
        match self {
            By::Exact => value.to_string(),
            By::Lower => value.trim().to_lowercase(),
            By::Digits => value.chars().filter(char::is_ascii_digit).collect(),
            By::Fingerprint => fingerprint(value),
        }
    }
}

/// Lower case ASCII with accents folded; punctuation and control characters become spaces.
fn folded(value: &str) -> String {
    deunicode::deunicode(value.trim())
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect()
}

/// OpenRefine's fingerprint key.
pub fn fingerprint(value: &str) -> String {
    let folded = folded(value);
    let mut tokens: Vec<&str> = folded.split_whitespace().collect();
    tokens.sort_unstable();
    tokens.dedup();
    tokens.join(" ")
}

/// OpenRefine's character n-gram fingerprint key.
pub fn ngram_fingerprint(value: &str, n: usize) -> String {
    let chars: Vec<char> = folded(value).chars().filter(|c| *c != ' ').collect();
    let n = n.max(1);
    if chars.len() < n {
        return chars.into_iter().collect();
    }
    let mut grams: Vec<String> = chars.windows(n).map(|w| w.iter().collect()).collect();
    grams.sort_unstable();
    grams.dedup();
    grams.concat()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fingerprint_folds_case_accents_punctuation_and_token_order() {
        for v in [
            "ACME Ltd.",
            "Acme  ltd",
            "Ltd ACME",
            " acme, LTD ",
            "ACME ACME Ltd",
        ] {
            assert_eq!(fingerprint(v), "acme ltd", "{v}");
        }
        assert_eq!(fingerprint("Zoë O'Brien"), "brien o zoe");
        assert_eq!(fingerprint("Straße"), "strasse");
        assert_eq!(fingerprint("Ørsted"), "orsted");
        assert_eq!(fingerprint("Evil\u{1b}[31mRed"), "31mred evil");
        assert_eq!(
            fingerprint("ACME Limited"),
            "acme limited",
            "words are not synonyms"
        );
        assert_eq!(fingerprint(""), "");
        assert_eq!(fingerprint("..."), "");
    }

    #[test]
    fn ngram_fingerprints_meet_over_split_and_joined_words() {
        assert_eq!(
            ngram_fingerprint("McDonald", 2),
            ngram_fingerprint("Mc Donald", 2)
        );
        assert_eq!(
            ngram_fingerprint("Mc-Donald", 2),
            ngram_fingerprint("mcdonald", 2)
        );
        assert_ne!(fingerprint("McDonald"), fingerprint("Mc Donald"));
        assert_eq!(ngram_fingerprint("ab", 2), "ab");
        assert_eq!(ngram_fingerprint("a", 2), "a");
        assert_eq!(ngram_fingerprint("A-B c", 2), "abbc");
        assert_ne!(ngram_fingerprint("John", 2), ngram_fingerprint("Joan", 2));
    }

    #[test]
    fn grouping_keys() {
        assert_eq!(By::Lower.key("  ACME Ltd "), "acme ltd");
        assert_eq!(By::Digits.key("+44 (0)7123 456-789"), "4407123456789");
        assert_eq!(By::Exact.key(" a "), " a ");
        assert_eq!(By::parse("Fingerprint"), Ok(By::Fingerprint));
        assert!(By::parse("soundex").unwrap_err().contains("exact, lower"));
    }

    proptest! {
        #[test]
        fn fingerprints_are_idempotent_and_ascii(s in "\\PC{0,40}") {
            let once = fingerprint(&s);
            prop_assert_eq!(fingerprint(&once), once.clone());
            prop_assert!(once.is_ascii());
        }
    }
}
