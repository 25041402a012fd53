//! `--problems`: a known set of every defect `prospect check` looks for, planted in the
//! sandbox data at fixed indices (each only when `count` is larger than its index).
//!
//! | index | rule | planted value | suggestion |
//! |---|---|---|---|
//! | 8 | `email-invalid` | email `kim.lee@example` | none |
//! | 9 | `phone-format` | `+44 7123 456789` | `+447123456789` |
//! | 10 | `phone-format` | `07123 456780` (national) | `+447123456780` with `default_region = "GB"`, none without |
//! | 11 | `dob-invalid` | `1990-02-30` | none |
//! | 12 | `dob-invalid` | `2999-01-01` (in the future) | none |
//! | 13 | `dob-invalid` | `1890-05-01` (over 120 years ago) | none |
//! | 14 | `country-invalid` | `gbr` | `GBR` |
//! | 15 | `country-invalid` | `FR` | `FRA` |
//! | 16 | `country-invalid` | `Germany` | `DEU` |
//! | 17 | `whitespace` | first name `  Anna  Maria ` | `Anna Maria` |
//! | 18 | `control-chars` | last name `Bell` + BEL + TAB | `Bell` |
//! | 19 | `missing-name` | first and last name null | none |
//! | 20, 21 | `duplicate-email` | `Dup.Email@Example.com`, `dup.email@example.com` | none |
//! | 22, 23 | `duplicate-phone` | `+447123456555` twice | none |
//! | 24, 25 | `duplicate-external-reference` | `CRM-DUP-1` twice | none |
//! | 26, 27 | `duplicate-identification-number` | `AB123456C` twice | none |
//! | 28 | `phone-invalid` | `+4412345` (parses, not a valid UK number) | none |
//! | 29 | `phone-format` | `+44 (0)7123 456781` | `+447123456781` |
//! | 40–79 | `country-invalid` | `gb` on 40 records (one group) | `GBR` |
//!
//! Each planted record has exactly the defect its row names and no other.

use crate::api::model::{Address, Prospect};

/// The first index of the group of 40 records sharing one wrong country code.
pub const COUNTRY_GROUP: std::ops::Range<usize> = 40..80;

fn address(p: &mut Prospect) -> &mut Address {
    p.address.get_or_insert_with(|| Address {
        kind: "STRUCTURED".into(),
        line1: Some("1 High Street".into()),
        line3: Some("London".into()),
        postcode: Some("NW1 6XE".into()),
        country: Some("GBR".into()),
        ..Default::default()
    })
}

/// Plants the defects listed in the module documentation.
pub fn plant(records: &mut [Prospect]) {
    let mut at = |i: usize, f: &dyn Fn(&mut Prospect)| {
        if let Some(p) = records.get_mut(i) {
            f(p);
        }
    };
    at(8, &|p| p.email = "kim.lee@example".into());
    at(9, &|p| p.phone_number = Some("+44 7123 456789".into()));
    at(10, &|p| p.phone_number = Some("07123 456780".into()));
    at(11, &|p| p.date_of_birth = Some("1990-02-30".into()));
    at(12, &|p| p.date_of_birth = Some("2999-01-01".into()));
    at(13, &|p| p.date_of_birth = Some("1890-05-01".into()));
    at(14, &|p| address(p).country = Some("gbr".into()));
    at(15, &|p| address(p).country = Some("FR".into()));
    at(16, &|p| address(p).country = Some("Germany".into()));
    at(17, &|p| p.first_name = Some("  Anna  Maria ".into()));
    at(18, &|p| p.last_name = Some("Bell\u{7}\t".into()));
    at(19, &|p| {
        p.first_name = None;
        p.last_name = None;
    });
    at(20, &|p| p.email = "Dup.Email@Example.com".into());
    at(21, &|p| p.email = "dup.email@example.com".into());
    for i in [22, 23] {
        at(i, &|p| p.phone_number = Some("+447123456555".into()));
    }
    for i in [24, 25] {
        at(i, &|p| p.external_reference = Some("CRM-DUP-1".into()));
    }
    for i in [26, 27] {
        at(i, &|p| p.identification_number = Some("AB123456C".into()));
    }
    at(28, &|p| p.phone_number = Some("+4412345".into()));
    at(29, &|p| p.phone_number = Some("+44 (0)7123 456781".into()));
    for i in COUNTRY_GROUP {
        at(i, &|p| address(p).country = Some("gb".into()));
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use chrono::NaiveDate;

    use super::*;
    use crate::sandbox::data::{CONTROL_CHARS_INDEX, MINIMAL_INDEX, generate};
    use crate::scan::{Checker, Rule, RuleSet};

    fn check(records: &[Prospect]) -> BTreeSet<(usize, Rule, String)> {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default();
        let mut c = Checker::new(RuleSet::new(&[], today));
        records.iter().for_each(|p| c.add(p));
        let index = |id: &str| {
            records
                .iter()
                .position(|p| p.id == id)
                .unwrap_or(usize::MAX)
        };
        c.finish()
            .into_iter()
            .map(|f| (index(&f.id), f.rule, f.field))
            .collect()
    }

    #[test]
    fn generated_data_has_only_the_deliberate_defects_even_at_100_000_records() {
        let found = check(&generate(100_000, 42));
        let expected: BTreeSet<_> = [
            (
                CONTROL_CHARS_INDEX,
                Rule::ControlChars,
                "lastName".to_string(),
            ),
            (MINIMAL_INDEX, Rule::MissingName, "firstName".to_string()),
        ]
        .into();
        assert_eq!(found, expected);
    }

    #[test]
    fn every_planted_defect_is_found_and_nothing_else() {
        let mut records = generate(100, 42);
        plant(&mut records);
        let found = check(&records);
        let s = |x: &str| x.to_string();
        let mut expected: BTreeSet<(usize, Rule, String)> = [
            (CONTROL_CHARS_INDEX, Rule::ControlChars, s("lastName")),
            (MINIMAL_INDEX, Rule::MissingName, s("firstName")),
            (8, Rule::EmailInvalid, s("email")),
            (9, Rule::PhoneFormat, s("phoneNumber")),
            (10, Rule::PhoneFormat, s("phoneNumber")),
            (28, Rule::PhoneInvalid, s("phoneNumber")),
            (29, Rule::PhoneFormat, s("phoneNumber")),
            (11, Rule::DobInvalid, s("dateOfBirth")),
            (12, Rule::DobInvalid, s("dateOfBirth")),
            (13, Rule::DobInvalid, s("dateOfBirth")),
            (14, Rule::CountryInvalid, s("address.country")),
            (15, Rule::CountryInvalid, s("address.country")),
            (16, Rule::CountryInvalid, s("address.country")),
            (17, Rule::Whitespace, s("firstName")),
            (18, Rule::ControlChars, s("lastName")),
            (19, Rule::MissingName, s("firstName")),
            (20, Rule::DuplicateEmail, s("email")),
            (21, Rule::DuplicateEmail, s("email")),
            (22, Rule::DuplicatePhone, s("phoneNumber")),
            (23, Rule::DuplicatePhone, s("phoneNumber")),
            (24, Rule::DuplicateExternalReference, s("externalReference")),
            (25, Rule::DuplicateExternalReference, s("externalReference")),
            (
                26,
                Rule::DuplicateIdentificationNumber,
                s("identificationNumber"),
            ),
            (
                27,
                Rule::DuplicateIdentificationNumber,
                s("identificationNumber"),
            ),
        ]
        .into();
        expected.extend(COUNTRY_GROUP.map(|i| (i, Rule::CountryInvalid, s("address.country"))));
        assert_eq!(found, expected);
    }

    #[test]
    fn the_planted_phone_numbers_get_their_e164_suggestions() {
        let mut records = generate(40, 42);
        plant(&mut records);
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default();
        let rules = RuleSet::new(&[Rule::PhoneFormat, Rule::PhoneInvalid], today);
        let suggestions = |rules: RuleSet| {
            let mut c = Checker::new(rules);
            records.iter().for_each(|p| c.add(p));
            c.finish()
                .into_iter()
                .map(|f| (f.value.unwrap_or_default(), f.rule, f.suggestion))
                .collect::<Vec<_>>()
        };
        let s = |v: &str| Some(v.to_string());
        let gb = crate::patch::phone::Region::parse("GB").ok();
        assert_eq!(
            suggestions(rules.clone().with_region(gb)),
            vec![
                (
                    s("+44 7123 456789").unwrap(),
                    Rule::PhoneFormat,
                    s("+447123456789")
                ),
                (
                    s("07123 456780").unwrap(),
                    Rule::PhoneFormat,
                    s("+447123456780")
                ),
                (
                    s("+44 (0)7123 456781").unwrap(),
                    Rule::PhoneFormat,
                    s("+447123456781")
                ),
                (s("+4412345").unwrap(), Rule::PhoneInvalid, None),
            ]
        );
        // Without a region the national number has no suggestion.
        assert_eq!(suggestions(rules)[1].2, None);
    }
}
