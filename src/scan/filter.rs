//! `--where` expressions: `FIELD=VALUE` (equal) and `FIELD~TEXT` (contains), both
//! case-insensitive; phone numbers are compared by their digits only.

use super::fields::{self, FieldRef};
use crate::api::Prospect;

/// How a value is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `=`: the whole value, ignoring case (an empty value matches a missing one).
    Equals,
    /// `~`: a substring, ignoring case.
    Contains,
    /// `==`: the whole value exactly as stored (what a facet counts as one value); an empty
    /// value matches a missing or blank one.
    Exact,
}

/// One parsed expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub field: FieldRef,
    pub op: Op,
    /// The value as typed.
    pub value: String,
    /// The value as it is compared (lower case, or digits for phone numbers).
    needle: String,
}

/// Lower case, or only the digits for a phone number.
fn normalize(field: FieldRef, v: &str) -> String {
    if field.is_phone() {
        v.chars().filter(char::is_ascii_digit).collect()
    } else {
        v.trim().to_lowercase()
    }
}

impl Condition {
    /// Parses `FIELD=VALUE` or `FIELD~TEXT`; the error is one sentence for the user.
    pub fn parse(expr: &str) -> Result<Condition, String> {
        let at = expr.find(['=', '~']).ok_or_else(|| {
            format!("{expr:?} is not a filter: write FIELD=VALUE (equals) or FIELD~TEXT (contains)")
        })?;
        let (name, rest) = expr.split_at(at);
        let (op, value) = if let Some(v) = rest.strip_prefix("==") {
            (Op::Exact, v)
        } else if let Some(v) = rest.strip_prefix('=') {
            (Op::Equals, v)
        } else {
            (Op::Contains, &rest[1..])
        };
        let value = value.to_string();
        if name.trim().is_empty() {
            return Err(format!(
                "{expr:?} names no field: write FIELD=VALUE or FIELD~TEXT"
            ));
        }
        let field = fields::parse(name)?;
        if op == Op::Contains && normalize(field, &value).is_empty() {
            return Err(format!(
                "{expr:?} looks for nothing: give some text after ~"
            ));
        }
        Ok(Condition {
            needle: normalize(field, &value),
            field,
            op,
            value,
        })
    }

    /// `FIELD==VALUE`: the records holding exactly `value` (blank or missing when empty).
    pub fn exact(field: FieldRef, value: &str) -> Condition {
        Condition {
            field,
            op: Op::Exact,
            value: value.to_string(),
            needle: value.to_string(),
        }
    }

    /// Whether a record satisfies this condition.
    pub fn matches(&self, p: &Prospect) -> bool {
        if self.op == Op::Exact {
            let have = self.field.get(p).filter(|v| !v.trim().is_empty());
            return match have {
                None => self.value.trim().is_empty(),
                Some(h) => h == self.value,
            };
        }
        let have = self.field.get(p).map(|v| normalize(self.field, v));
        match (self.op, have) {
            (Op::Equals, None) => self.needle.is_empty(),
            (Op::Equals, Some(h)) => h == self.needle,
            (Op::Contains, None) => false,
            (Op::Contains, Some(h)) => h.contains(&self.needle),
            (Op::Exact, _) => false,
        }
    }
}

/// Every condition must hold (repeated `--where`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub conditions: Vec<Condition>,
}

impl Filter {
    /// Parses every expression; the first bad one is the error.
    pub fn parse<S: AsRef<str>>(exprs: &[S]) -> Result<Filter, String> {
        let conditions = exprs
            .iter()
            .map(|e| Condition::parse(e.as_ref()))
            .collect::<Result<_, _>>()?;
        Ok(Filter { conditions })
    }

    /// Parses a line of expressions as the TUI's `F` prompt takes them:
    /// `phoneNumber=+44 7700 900123 address.country=GBR`. A word starts a new expression
    /// when it holds `=` or `~` after a known field name; any other word belongs to the value
    /// before it, so values may hold spaces.
    pub fn parse_line(line: &str) -> Result<Filter, String> {
        let starts_expr = |word: &str| {
            word.find(['=', '~'])
                .is_some_and(|at| FieldRef::parse(&word[..at]).is_some())
        };
        let mut exprs: Vec<String> = Vec::new();
        for word in line.split(' ').filter(|w| !w.is_empty()) {
            match exprs.last_mut() {
                Some(last) if !starts_expr(word) => {
                    last.push(' ');
                    last.push_str(word);
                }
                _ => exprs.push(word.to_string()),
            }
        }
        if exprs.is_empty() {
            return Err("Type a filter: FIELD=VALUE (equals) or FIELD~TEXT (contains)".into());
        }
        Filter::parse(&exprs)
    }

    /// Whether every condition holds for the record (true with no condition).
    pub fn matches(&self, p: &Prospect) -> bool {
        self.conditions.iter().all(|c| c.matches(p))
    }

    /// True when there is no condition.
    pub fn is_empty(&self) -> bool {
        self.conditions.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Address;

    fn sample() -> Prospect {
        Prospect {
            id: "a2b9649e-df7f-4349-adff-1c57283fef10".into(),
            first_name: Some("Zoë".into()),
            last_name: Some("O'Brien".into()),
            email: "Zoe.OBrien@Example.ie".into(),
            phone_number: Some("+447700900123".into()),
            address: Some(Address {
                kind: "STRUCTURED".into(),
                postcode: Some("D01 F5P2".into()),
                country: Some("IRL".into()),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn matches(expr: &str) -> bool {
        Condition::parse(expr).unwrap().matches(&sample())
    }

    #[test]
    fn equals_ignores_case_and_phone_numbers_compare_by_digits() {
        assert!(matches("email=zoe.obrien@example.ie"));
        assert!(matches("firstName=ZOË"));
        assert!(matches("phoneNumber=+44 7700 900123"));
        assert!(matches("phone=447700900123"));
        assert!(!matches("phoneNumber=+44 7700 900124"));
        assert!(matches("address.postcode=d01 f5p2"));
        assert!(!matches("address.postcode=d01"));
        assert!(matches("id=A2B9649E-DF7F-4349-ADFF-1C57283FEF10"));
    }

    #[test]
    fn contains_and_missing_values() {
        assert!(matches("lastName~brien"));
        assert!(matches("address.country~ir"));
        assert!(!matches("middleName~a"));
        assert!(
            matches("middleName="),
            "an empty value matches a missing one"
        );
        assert!(!matches("externalReference~crm"));
        assert!(matches("phone~7700 900"));
    }

    #[test]
    fn every_condition_must_hold() {
        let f = Filter::parse(&["firstName=zoë", "address.country=IRL"]).unwrap();
        assert!(f.matches(&sample()));
        let f = Filter::parse(&["firstName=zoë", "address.country=GBR"]).unwrap();
        assert!(!f.matches(&sample()));
        assert!(Filter::default().matches(&sample()));
    }

    #[test]
    fn a_prompt_line_splits_into_expressions_and_values_keep_their_spaces() {
        let f = Filter::parse_line("phoneNumber=+44 7700 900123  address.country=irl").unwrap();
        let got: Vec<(String, &str)> = f
            .conditions
            .iter()
            .map(|c| (c.field.name().to_string(), c.value.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("phoneNumber".to_string(), "+44 7700 900123"),
                ("address.country".to_string(), "irl")
            ]
        );
        assert!(f.matches(&sample()));
        assert!(Filter::parse_line("  ").is_err());
        assert!(
            Filter::parse_line("nope=1")
                .unwrap_err()
                .contains("Unknown field")
        );
    }

    #[test]
    fn bad_expressions_are_one_clear_sentence() {
        let e = Condition::parse("shoeSize=42").unwrap_err();
        assert!(e.starts_with("Unknown field \"shoeSize\""), "{e}");
        assert!(e.contains("address.postcode"), "{e}");
        assert!(
            Condition::parse("email")
                .unwrap_err()
                .contains("FIELD=VALUE")
        );
        assert!(
            Condition::parse("=x")
                .unwrap_err()
                .contains("names no field")
        );
        assert!(
            Condition::parse("email~")
                .unwrap_err()
                .contains("looks for nothing")
        );
        // The first `=` or `~` splits: values may hold either.
        let c = Condition::parse("lastName=a~b=c").unwrap();
        assert_eq!((c.op, c.value.as_str()), (Op::Equals, "a~b=c"));
    }
}
