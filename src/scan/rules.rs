//! Data-quality rules over one record, the findings they produce, and the mechanical fix
//! behind every suggestion. Pure: "today" is passed in.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::fields::FieldRef;
use crate::api::Prospect;
use crate::patch::phone::{self, Reading, Region};
use crate::patch::{AddressPart, Field, validate};
use crate::present::mask;

/// A rule, by the name `check --rule` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    EmailInvalid,
    PhoneFormat,
    PhoneInvalid,
    DobInvalid,
    CountryInvalid,
    Whitespace,
    ControlChars,
    MissingName,
    DuplicateEmail,
    DuplicatePhone,
    DuplicateExternalReference,
    DuplicateIdentificationNumber,
}

impl Rule {
    /// Every rule, in the order summaries list them.
    pub const ALL: [Rule; 12] = [
        Rule::EmailInvalid,
        Rule::PhoneFormat,
        Rule::PhoneInvalid,
        Rule::DobInvalid,
        Rule::CountryInvalid,
        Rule::Whitespace,
        Rule::ControlChars,
        Rule::MissingName,
        Rule::DuplicateEmail,
        Rule::DuplicatePhone,
        Rule::DuplicateExternalReference,
        Rule::DuplicateIdentificationNumber,
    ];

    /// The rule's name, e.g. `phone-format`.
    pub fn name(self) -> &'static str {
        match self {
            Rule::EmailInvalid => "email-invalid",
            Rule::PhoneFormat => "phone-format",
            Rule::PhoneInvalid => "phone-invalid",
            Rule::DobInvalid => "dob-invalid",
            Rule::CountryInvalid => "country-invalid",
            Rule::Whitespace => "whitespace",
            Rule::ControlChars => "control-chars",
            Rule::MissingName => "missing-name",
            Rule::DuplicateEmail => "duplicate-email",
            Rule::DuplicatePhone => "duplicate-phone",
            Rule::DuplicateExternalReference => "duplicate-external-reference",
            Rule::DuplicateIdentificationNumber => "duplicate-identification-number",
        }
    }

    /// Looks a rule up by name; the error lists the names.
    pub fn parse(name: &str) -> Result<Rule, String> {
        Rule::ALL
            .into_iter()
            .find(|r| r.name().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| {
                format!(
                    "Unknown rule {name:?}: use one of {}",
                    Rule::ALL.map(Rule::name).join(", ")
                )
            })
    }

    /// Whether the rule compares records with each other (needs the whole scan).
    pub fn is_duplicate(self) -> bool {
        matches!(
            self,
            Rule::DuplicateEmail
                | Rule::DuplicatePhone
                | Rule::DuplicateExternalReference
                | Rule::DuplicateIdentificationNumber
        )
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// One problem with one field of one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub id: String,
    pub external_reference: Option<String>,
    /// The prospect's name, for people reading the finding (empty when it has none; not in
    /// `check`'s output, which names records by id and external reference).
    #[serde(skip)]
    pub name: String,
    pub rule: Rule,
    /// The field as `patch --set` names it.
    pub field: String,
    /// The offending value (`null` when the problem is a missing value).
    pub value: Option<String>,
    pub message: String,
    /// The mechanical fix, or `null` when there is none.
    pub suggestion: Option<String>,
}

impl Finding {
    /// The finding as shown to people: identification numbers masked.
    pub fn masked(&self) -> Finding {
        if self.field != "identificationNumber" {
            return self.clone();
        }
        Finding {
            value: self.value.as_deref().map(mask),
            suggestion: self.suggestion.as_deref().map(mask),
            ..self.clone()
        }
    }
}

/// The text fields the whitespace and control-character rules look at (all patchable).
pub fn text_fields() -> Vec<FieldRef> {
    FieldRef::all()
        .filter(|f| f.settable() && f.address_part() != Some(AddressPart::Type))
        .collect()
}

/// Which rules run, the date "today" for `dob-invalid`, and the region national phone
/// numbers are read in (`default_region`).
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub today: NaiveDate,
    pub region: Option<Region>,
    text_fields: Vec<FieldRef>,
}

impl RuleSet {
    /// The given rules (every rule when empty).
    pub fn new(rules: &[Rule], today: NaiveDate) -> Self {
        let mut rules = if rules.is_empty() {
            Rule::ALL.to_vec()
        } else {
            rules.to_vec()
        };
        rules.sort();
        rules.dedup();
        RuleSet {
            rules,
            today,
            region: None,
            text_fields: text_fields(),
        }
    }

    /// The same rules, reading national phone numbers in `region`.
    pub fn with_region(mut self, region: Option<Region>) -> Self {
        self.region = region;
        self
    }

    /// Whether `rule` is selected.
    pub fn has(&self, rule: Rule) -> bool {
        self.rules.contains(&rule)
    }

    /// Runs every selected per-record rule; duplicates are found by [`super::duplicates`].
    pub fn check(&self, p: &Prospect) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut add = |rule: Rule, field: FieldRef, message: String| {
            let value = field.get(p).map(str::to_string);
            let suggestion = value.as_deref().and_then(|v| self.suggest(field, v));
            out.push(Finding {
                id: p.id.clone(),
                external_reference: p.external_reference.clone(),
                name: p.full_name(),
                rule,
                field: field.name().into(),
                value,
                message,
                suggestion,
            });
        };
        let email = FieldRef::scalar(Field::Email);
        if self.has(Rule::EmailInvalid)
            && let Err(m) = validate::email(&p.email)
        {
            add(Rule::EmailInvalid, email, m);
        }
        let phone = FieldRef::scalar(Field::PhoneNumber);
        if (self.has(Rule::PhoneFormat) || self.has(Rule::PhoneInvalid))
            && let Some(v) = phone.get(p)
        {
            let reading = phone::read(v, self.region);
            if self.has(Rule::PhoneFormat)
                && let Err(m) = phone_problem(v, &reading)
            {
                add(Rule::PhoneFormat, phone, m);
            }
            if self.has(Rule::PhoneInvalid)
                && let Reading::Invalid(e164) = &reading
            {
                add(
                    Rule::PhoneInvalid,
                    phone,
                    format!("phoneNumber {e164} is not a valid number for its region"),
                );
            }
        }
        let dob = FieldRef::scalar(Field::DateOfBirth);
        if self.has(Rule::DobInvalid)
            && let Some(v) = dob.get(p)
            && let Err(m) = dob_problem(v, self.today)
        {
            add(Rule::DobInvalid, dob, m);
        }
        let country = FieldRef::address(AddressPart::Country);
        if self.has(Rule::CountryInvalid)
            && let Some(v) = country.get(p)
            && validate::country(v).is_err()
        {
            add(
                Rule::CountryInvalid,
                country,
                format!("address.country {v:?} is not an upper-case ISO 3166-1 alpha-3 code"),
            );
        }
        for &f in &self.text_fields {
            let Some(v) = f.get(p) else { continue };
            if self.has(Rule::Whitespace) && collapse_spaces(v) != v {
                add(
                    Rule::Whitespace,
                    f,
                    format!("{} has leading, trailing or doubled spaces", f.name()),
                );
            }
            if self.has(Rule::ControlChars) && v.chars().any(char::is_control) {
                add(
                    Rule::ControlChars,
                    f,
                    format!("{} holds control characters", f.name()),
                );
            }
        }
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
        if self.has(Rule::MissingName) && blank(&p.first_name) && blank(&p.last_name) {
            add(
                Rule::MissingName,
                FieldRef::scalar(Field::FirstName),
                "both firstName and lastName are empty".into(),
            );
        }
        out
    }

    /// The value `field` should hold after every mechanical fix, when that differs from
    /// `value` and is valid; `None` when there is no mechanical fix.
    pub fn suggest(&self, field: FieldRef, value: &str) -> Option<String> {
        let fixed = fix(field, value, self.region);
        (fixed != value && !fixed.is_empty() && self.valid(field, &fixed)).then_some(fixed)
    }

    fn valid(&self, field: FieldRef, v: &str) -> bool {
        if field == FieldRef::address(AddressPart::Country) {
            return validate::country(v).is_ok();
        }
        match field.field() {
            Some(Field::Email) => validate::email(v).is_ok(),
            Some(Field::PhoneNumber) => {
                matches!(phone::read(v, self.region), Reading::Valid(e) if e == v)
            }
            Some(Field::DateOfBirth) => dob_problem(v, self.today).is_ok(),
            _ => true,
        }
    }
}

/// Written exactly as its E.164 form (`+447123456789`); why not otherwise.
fn phone_problem(v: &str, reading: &Reading) -> Result<(), String> {
    match reading {
        Reading::Valid(e) | Reading::Invalid(e) if e == v => Ok(()),
        Reading::Valid(_) | Reading::Invalid(_) => {
            Err("phoneNumber is not written in E.164 form (+, country code, digits)".into())
        }
        Reading::NeedsRegion => Err(
            "phoneNumber is a national number: no suggestion without default_region (e.g. GB)"
                .into(),
        ),
        Reading::NotANumber(why) => Err(format!("phoneNumber is not a phone number: {why}")),
    }
}

/// A real `YYYY-MM-DD`, not in the future, at most 120 years ago.
fn dob_problem(v: &str, today: NaiveDate) -> Result<(), String> {
    validate::date(v)?;
    let d = NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|e| e.to_string())?;
    if d > today {
        return Err(format!("dateOfBirth {v} is in the future"));
    }
    let limit = today
        .with_year(today.year() - 120)
        .unwrap_or_else(|| today - chrono::Duration::days(120 * 365 + 29));
    if d < limit {
        return Err(format!("dateOfBirth {v} is more than 120 years ago"));
    }
    Ok(())
}

/// Trims spaces at both ends and collapses runs of spaces into one.
fn collapse_spaces(v: &str) -> String {
    v.split(' ')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every mechanical fix for a field, in order: control characters out, spaces trimmed and
/// collapsed, phone numbers to E.164 (national ones read in `region`), country codes
/// upper-cased or mapped to alpha-3.
pub fn fix(field: FieldRef, value: &str, region: Option<Region>) -> String {
    // Whole escape sequences go, not only their ESC (`Evil\e[31mRed` → `EvilRed`).
    let no_control = crate::text::strip_control(value);
    let mut v = collapse_spaces(&no_control);
    if field.is_phone()
        && let Some(e164) = phone::read(&v, region).e164()
    {
        v = e164.to_string();
    }
    if field == FieldRef::address(AddressPart::Country) {
        v = fix_country(&v).unwrap_or(v);
    }
    v
}

/// Upper-cases an alpha-3 code, or maps an alpha-2 code or an exact English name to alpha-3.
fn fix_country(v: &str) -> Option<String> {
    use isocountry::CountryCode;
    let upper = v.to_uppercase();
    if let Ok(c) = CountryCode::for_alpha3(&upper) {
        return Some(c.alpha3().into());
    }
    if let Ok(c) = CountryCode::for_alpha2(&upper) {
        return Some(c.alpha3().into());
    }
    CountryCode::iter()
        .find(|c| c.name().eq_ignore_ascii_case(v))
        .map(|c| c.alpha3().into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Address;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    fn clean() -> Prospect {
        Prospect {
            id: "id-1".into(),
            first_name: Some("Anna".into()),
            last_name: Some("Smith".into()),
            email: "anna.smith@example.com".into(),
            phone_number: Some("+447123456789".into()),
            date_of_birth: Some("1980-01-15".into()),
            address: Some(Address {
                kind: "STRUCTURED".into(),
                line1: Some("1 High Street".into()),
                postcode: Some("NW1 6XE".into()),
                country: Some("GBR".into()),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn found(p: &Prospect) -> Vec<(Rule, String, Option<String>)> {
        RuleSet::new(&[], today())
            .check(p)
            .into_iter()
            .map(|f| (f.rule, f.field, f.suggestion))
            .collect()
    }

    #[test]
    fn a_clean_record_has_no_finding() {
        assert_eq!(found(&clean()), vec![]);
    }

    fn found_in(p: &Prospect, region: &str) -> Vec<(Rule, String, Option<String>)> {
        RuleSet::new(&[], today())
            .with_region(Region::parse(region).ok())
            .check(p)
            .into_iter()
            .map(|f| (f.rule, f.field, f.suggestion))
            .collect()
    }

    #[test]
    fn phone_numbers_against_real_formats() {
        use Rule::{PhoneFormat as F, PhoneInvalid as I};
        let s = |v: &str| Some(v.to_string());
        // (as written, default_region, rules found, the suggestion of phone-format)
        let table: [(&str, &str, &[Rule], Option<String>); 14] = [
            ("+447123456789", "", &[], None),
            ("+44 (7123) 456-789", "", &[F], s("+447123456789")),
            ("07123 456789", "GB", &[F], s("+447123456789")),
            ("07123 456789", "", &[F], None),
            ("+44 (0)20 7946 0958", "", &[F], s("+442079460958")),
            ("085 123 4567", "IE", &[F], s("+353851234567")),
            ("+353851234567", "GB", &[], None),
            ("(201) 555-0123", "US", &[F], s("+12015550123")),
            ("+1 201-555-0123", "GB", &[F], s("+12015550123")),
            ("030 901820", "DE", &[F], s("+4930901820")),
            ("+441234", "", &[I], None),
            ("+44 1234", "", &[F, I], None),
            ("07700 900123", "GB", &[F, I], None),
            ("call me", "GB", &[F], None),
        ];
        for (value, region, rules, suggestion) in table {
            let mut p = clean();
            p.phone_number = Some(value.into());
            let got = found_in(&p, region);
            let got_rules: Vec<Rule> = got.iter().map(|f| f.0).collect();
            assert_eq!(got_rules, rules, "{value} in {region:?}");
            let got_fix = got.iter().find(|f| f.0 == F).and_then(|f| f.2.clone());
            assert_eq!(got_fix, suggestion, "{value} in {region:?}");
        }
        let mut p = clean();
        p.phone_number = Some("07123 456789".into());
        let f = &RuleSet::new(&[], today()).check(&p)[0];
        assert!(f.message.contains("default_region"), "{}", f.message);
    }

    #[test]
    fn dates_that_are_not_real_in_the_future_or_too_old() {
        for bad in ["1990-02-30", "2027-01-01", "1899-06-01", "15/01/1980"] {
            let mut p = clean();
            p.date_of_birth = Some(bad.into());
            assert_eq!(
                found(&p),
                vec![(Rule::DobInvalid, "dateOfBirth".into(), None)],
                "{bad}"
            );
        }
        let mut p = clean();
        p.date_of_birth = Some("1906-12-01".into());
        assert_eq!(found(&p), vec![]);
    }

    #[test]
    fn country_suggestions_from_case_alpha2_and_names() {
        for (bad, fix) in [
            ("gbr", Some("GBR")),
            ("FR", Some("FRA")),
            ("germany", Some("DEU")),
            ("UK", None),
        ] {
            let mut p = clean();
            p.address.as_mut().unwrap().country = Some(bad.into());
            assert_eq!(
                found(&p),
                vec![(
                    Rule::CountryInvalid,
                    "address.country".into(),
                    fix.map(String::from)
                )],
                "{bad}"
            );
        }
    }

    #[test]
    fn whitespace_control_characters_missing_name_and_email() {
        let mut p = clean();
        p.first_name = Some("  Anna  Maria ".into());
        assert_eq!(
            found(&p),
            vec![(
                Rule::Whitespace,
                "firstName".into(),
                Some("Anna Maria".into())
            )]
        );
        let mut p = clean();
        p.last_name = Some("Evil\u{1b}[31mRed\u{7}".into());
        assert_eq!(
            found(&p),
            vec![(
                Rule::ControlChars,
                "lastName".into(),
                Some("EvilRed".into())
            )]
        );
        let mut p = clean();
        p.first_name = None;
        p.last_name = Some(" ".into());
        let rules: Vec<Rule> = found(&p).into_iter().map(|f| f.0).collect();
        assert_eq!(rules, vec![Rule::Whitespace, Rule::MissingName]);
        let mut p = clean();
        p.email = " anna.smith@example.com".into();
        assert_eq!(
            found(&p),
            vec![
                (
                    Rule::EmailInvalid,
                    "email".into(),
                    Some("anna.smith@example.com".into())
                ),
                (
                    Rule::Whitespace,
                    "email".into(),
                    Some("anna.smith@example.com".into())
                ),
            ]
        );
    }

    #[test]
    fn only_selected_rules_run_and_names_parse() {
        let mut p = clean();
        p.phone_number = Some("+44 7123".into());
        p.email = "nope".into();
        let set = RuleSet::new(&[Rule::EmailInvalid], today());
        let rules: Vec<Rule> = set.check(&p).into_iter().map(|f| f.rule).collect();
        assert_eq!(rules, vec![Rule::EmailInvalid]);
        assert_eq!(Rule::parse("PHONE-format"), Ok(Rule::PhoneFormat));
        assert!(Rule::parse("nope").unwrap_err().contains("duplicate-email"));
        for r in Rule::ALL {
            assert_eq!(Rule::parse(r.name()), Ok(r));
        }
    }

    #[test]
    fn identification_numbers_are_masked_for_display() {
        let mut p = clean();
        p.identification_number = Some(" QQ123456C".into());
        let f = &RuleSet::new(&[], today()).check(&p)[0];
        assert_eq!(f.suggestion.as_deref(), Some("QQ123456C"));
        let m = f.masked();
        assert_eq!(m.suggestion.as_deref(), Some("•••••456C"));
        assert!(!m.value.unwrap().contains("QQ1"));
    }
}
