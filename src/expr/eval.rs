//! Running a pipeline over one value.

use super::pipeline::{Pipeline, Step};
use crate::patch::phone::{self, Region};

/// What a pipeline makes of one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The new value (`None`: cleared).
    Value(Option<String>),
    /// A step could not apply (an unparseable phone number): why.
    Skipped(String),
}

/// Runs `pipeline` over `value`; `region` is the profile's `default_region`.
pub fn eval(pipeline: &Pipeline, value: Option<&str>, region: Option<Region>) -> Outcome {
    let mut v: Option<String> = value.map(str::to_string);
    for step in &pipeline.steps {
        v = match (step, v) {
            (Step::Value(x), _) => Some(x.clone()),
            (Step::Null, _) => None,
            (_, None) => None,
            (step, Some(s)) => match apply(step, &s, region) {
                Ok(next) => Some(next),
                Err(why) => return Outcome::Skipped(why),
            },
        };
    }
    Outcome::Value(v)
}

fn apply(step: &Step, s: &str, region: Option<Region>) -> Result<String, String> {
    Ok(match step {
        Step::Trim => s.trim().to_string(),
        Step::Collapse => collapse(s),
        Step::Upper => s.to_uppercase(),
        Step::Lower => s.to_lowercase(),
        Step::Title => title(s),
        Step::Strip(chars) => s.chars().filter(|c| !chars.contains(*c)).collect(),
        Step::Replace(re, with) => re.replace_all(s, with.as_str()).into_owned(),
        Step::E164(r) => phone::to_e164(s, r.or(region))?,
        Step::Country => country(s)?,
        Step::Value(_) | Step::Null => unreachable_value(s),
    })
}

/// `value` and `null` are handled before `apply`; kept total without a panic.
fn unreachable_value(s: &str) -> String {
    s.to_string()
}

/// Runs of whitespace to one space (the ends kept as they are but collapsed).
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_space = false;
    for c in s.chars() {
        if c == ' ' || c == '\t' {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

/// The first letter of each word upper-case, the rest lower-case.
fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if c.is_alphanumeric() || c == '\'' {
            if start {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
            start = false;
        } else {
            out.push(c);
            start = true;
        }
    }
    out
}

/// A country name, alpha-2 or alpha-3 code (any case) to ISO alpha-3.
fn country(s: &str) -> Result<String, String> {
    use isocountry::CountryCode;
    let t = s.trim();
    let upper = t.to_uppercase();
    let found = CountryCode::for_alpha3(&upper)
        .or_else(|_| CountryCode::for_alpha2(&upper))
        .ok()
        .or_else(|| {
            CountryCode::iter()
                .find(|c| c.name().eq_ignore_ascii_case(t))
                .copied()
        });
    found
        .map(|c| c.alpha3().to_string())
        .ok_or_else(|| format!("{s:?} is not a country name or code"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::parse;

    fn run(expr: &str, v: &str) -> Outcome {
        eval(&parse(expr).expect("parses"), Some(v), None)
    }

    fn val(s: &str) -> Outcome {
        Outcome::Value(Some(s.into()))
    }

    #[test]
    fn each_step() {
        assert_eq!(run("trim", "  a b  "), val("a b"));
        assert_eq!(run("collapse", "a   b\t\tc"), val("a b c"));
        assert_eq!(run("trim | upper", " acme ltd "), val("ACME LTD"));
        assert_eq!(run("lower", "ÉCOLE"), val("école"));
        assert_eq!(run("title", "o'brien MARY-ann"), val("O'brien Mary-Ann"));
        assert_eq!(run("strip(\" -.()\")", "+44 (0) 71-23.4"), val("+44071234"));
        assert_eq!(
            run("replace(/^CRM-(\\d+)$/, \"C$1\")", "CRM-42"),
            val("C42")
        );
        assert_eq!(run("e164(\"GB\")", "07123 456789"), val("+447123456789"));
        assert_eq!(
            run(
                "country",
                "United Kingdom of Great Britain and Northern Ireland"
            ),
            val("GBR")
        );
        assert_eq!(run("country", "gb"), val("GBR"));
        assert_eq!(run("country", "fra"), val("FRA"));
        assert_eq!(run("value(\"x\")", "y"), val("x"));
        assert_eq!(run("null", "y"), Outcome::Value(None));
        assert_eq!(
            eval(&parse("trim").unwrap(), None, None),
            Outcome::Value(None)
        );
    }

    #[test]
    fn a_step_that_cannot_apply_skips_the_record_with_the_reason() {
        let Outcome::Skipped(why) = run("e164", "07123 456789") else {
            panic!("skipped")
        };
        assert!(why.contains("region"), "{why}");
        let gb = crate::patch::phone::Region::parse("GB").ok();
        assert_eq!(
            eval(&parse("e164").unwrap(), Some("07123 456789"), gb),
            val("+447123456789")
        );
        assert!(matches!(run("country", "Atlantis"), Outcome::Skipped(_)));
    }

    proptest::proptest! {
        #[test]
        fn trim_is_idempotent(s in ".{0,40}") {
            let once = run("trim", &s);
            let Outcome::Value(Some(t)) = once.clone() else { panic!("value") };
            proptest::prop_assert_eq!(run("trim", &t), once);
        }

        #[test]
        fn upper_then_lower_is_lower(s in ".{0,40}") {
            // Whole-string case mapping: `lower` of the `upper` is `lower` for every
            // character whose upper case maps back (not, e.g., `ß` → `SS`).
            let cased: String = s.chars().filter(|c| c.to_uppercase().collect::<String>().to_lowercase() == c.to_lowercase().collect::<String>()).collect();
            proptest::prop_assert_eq!(run("upper | lower", &cased), run("lower", &cased));
        }
    }
}
