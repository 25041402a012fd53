//! One record through `transform --set FIELD=EXPR …` (and the TUI's `S =expr`): each field's
//! new value from its expression, the result checked with the form's rules. Pure: the CLI and
//! the TUI hand it records as they arrive.

use serde_json::Value;

use crate::api::{PatchBody, Prospect};
use crate::expr::{self, Outcome, Pipeline};
use crate::patch::field::Slot;
use crate::patch::phone::Region;
use crate::patch::{self, FieldPath};

/// A field and the expression that computes its new value.
#[derive(Debug, Clone)]
pub struct Assignment {
    pub field: FieldPath,
    pub pipeline: Pipeline,
}

/// One field's value before and after (`None`: empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: FieldPath,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// What the expressions make of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every value stays as it is.
    Unchanged,
    /// The fields whose value changes (at least one), valid by the form's rules.
    Changed(Vec<FieldChange>),
    /// Left out: a step could not apply, or the form's rules refuse the result; why.
    Skipped(String),
}

/// Reads `FIELD=EXPR`: a field `patch --set` takes, and an expression whose errors count
/// columns from the start of the whole argument.
pub fn parse_assignment(arg: &str) -> Result<Assignment, String> {
    let Some((name, _)) = arg.split_once('=') else {
        return Err(format!(
            "{arg:?} is not FIELD=EXPR: give a field, =, and an expression, e.g. phoneNumber=e164"
        ));
    };
    let field = FieldPath::parse(name).ok_or_else(|| FieldPath::unknown(name.trim()))?;
    let pipeline =
        expr::parse_in(arg, name.len() + 1).map_err(|e| format!("{field}={}: {e}", rest(arg)))?;
    Ok(Assignment { field, pipeline })
}

/// The expression part of `FIELD=EXPR`, for messages.
fn rest(arg: &str) -> &str {
    arg.split_once('=').map_or("", |(_, e)| e)
}

/// Reads every `--set`; one field set twice is refused (which value would win?).
pub fn parse_assignments(args: &[String]) -> Result<Vec<Assignment>, String> {
    let mut out: Vec<Assignment> = Vec::new();
    for arg in args {
        let a = parse_assignment(arg)?;
        if out.iter().any(|b| b.field == a.field) {
            return Err(format!(
                "{} is set twice: give one expression per field (join steps with |)",
                a.field
            ));
        }
        out.push(a);
    }
    if out.is_empty() {
        return Err("Nothing to compute: give --set FIELD=EXPR".into());
    }
    Ok(out)
}

/// Runs every assignment over `p` (each reads the field's value as the record has it) and
/// checks the result with the form's rules; `region` reads national phone numbers.
pub fn transform(p: &Prospect, assignments: &[Assignment], region: Option<Region>) -> Verdict {
    let mut changes = Vec::new();
    for a in assignments {
        let before = a.field.get(p);
        let after = match expr::eval(&a.pipeline, before.as_deref(), region) {
            Outcome::Value(v) => v.filter(|s| !s.is_empty()),
            Outcome::Skipped(why) => return Verdict::Skipped(format!("{}: {why}", a.field)),
        };
        if after != before {
            changes.push(FieldChange {
                field: a.field,
                before,
                after,
            });
        }
    }
    if changes.is_empty() {
        return Verdict::Unchanged;
    }
    let body = body_of(p, &changes);
    if body.is_empty() {
        return Verdict::Unchanged;
    }
    let errors = patch::validate_body(&body);
    if !errors.is_empty() {
        let why: Vec<String> = errors.into_iter().map(|e| e.message).collect();
        return Verdict::Skipped(why.join("; "));
    }
    Verdict::Changed(changes)
}

/// The PATCH body the changes come to, as `patch::diff` makes it — without copying the whole
/// record (its unknown fields included) for every record that changes: a scalar field is its
/// key, an address part the whole address as edited.
fn body_of(p: &Prospect, changes: &[FieldChange]) -> PatchBody {
    let mut body = PatchBody::new();
    let mut parts = Vec::new();
    for c in changes {
        match c.field.key().slot() {
            Slot::Address(_) => parts.push(c),
            _ => {
                let value = c.after.clone().map_or(Value::Null, Value::String);
                body.insert(c.field.body_key().to_string(), value);
            }
        }
    }
    if !parts.is_empty() {
        let before = Prospect {
            address: p.address.clone(),
            ..Prospect::default()
        };
        let mut after = before.clone();
        for c in parts {
            c.field.set(&mut after, c.after.clone());
        }
        body.extend(patch::diff(&before, &after));
    }
    body
}

/// The counts of a run: `changed N · unchanged N · skipped N`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Tally {
    pub changed: u64,
    pub unchanged: u64,
    pub skipped: u64,
}

impl Tally {
    /// Counts one verdict.
    pub fn add(&mut self, v: &Verdict) {
        match v {
            Verdict::Unchanged => self.unchanged += 1,
            Verdict::Changed(_) => self.changed += 1,
            Verdict::Skipped(_) => self.skipped += 1,
        }
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "changed {} · unchanged {} · skipped {}",
            self.changed, self.unchanged, self.skipped
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> Prospect {
        crate::app::tests::fixtures::prospect(0)
    }

    fn set(args: &[&str]) -> Vec<Assignment> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        parse_assignments(&args).expect("parses")
    }

    fn gb() -> Option<Region> {
        Region::parse("GB").ok()
    }

    #[test]
    fn a_changed_value_is_listed_before_and_after() {
        let mut p = record();
        p.phone_number = Some("07123 456789".into());
        let v = transform(&p, &set(&["phoneNumber=e164"]), gb());
        assert_eq!(
            v,
            Verdict::Changed(vec![FieldChange {
                field: FieldPath::parse("phoneNumber").unwrap(),
                before: Some("07123 456789".into()),
                after: Some("+447123456789".into()),
            }])
        );
    }

    #[test]
    fn a_value_that_stays_is_unchanged_and_empty_stays_empty() {
        let mut p = record();
        p.phone_number = Some("+447123456789".into());
        assert_eq!(
            transform(&p, &set(&["phoneNumber=e164"]), gb()),
            Verdict::Unchanged
        );
        p.middle_name = None;
        assert_eq!(
            transform(&p, &set(&["middleName=trim | upper"]), None),
            Verdict::Unchanged
        );
        // An expression that yields "" clears, as an empty value is none.
        p.middle_name = Some("".into());
        assert_eq!(
            transform(&p, &set(&["middleName=value(\"\")"]), None),
            Verdict::Unchanged
        );
    }

    #[test]
    fn a_step_that_cannot_apply_or_a_refused_result_is_skipped_with_why() {
        let mut p = record();
        p.phone_number = Some("07123 456789".into());
        let Verdict::Skipped(why) = transform(&p, &set(&["phoneNumber=e164"]), None) else {
            panic!("skipped")
        };
        assert!(
            why.starts_with("phoneNumber: ") && why.contains("region"),
            "{why}"
        );
        let Verdict::Skipped(why) = transform(&p, &set(&["email=value(\"not-an-email\")"]), gb())
        else {
            panic!("skipped")
        };
        assert!(why.contains("email must be an email"), "{why}");
        let Verdict::Skipped(why) = transform(&p, &set(&["email=null"]), gb()) else {
            panic!("skipped")
        };
        assert_eq!(why, "email cannot be cleared");
        // One refused field leaves the whole record out, the valid one too.
        let v = transform(
            &p,
            &set(&["firstName=upper", "phoneNumber=value(\"12 34\")"]),
            gb(),
        );
        assert!(matches!(v, Verdict::Skipped(_)), "{v:?}");
    }

    #[test]
    fn several_fields_each_read_the_record_as_it_is() {
        let mut p = record();
        p.first_name = Some("  ann ".into());
        p.last_name = Some("LEE".into());
        let v = transform(
            &p,
            &set(&["firstName=trim | title", "lastName=title", "email=lower"]),
            None,
        );
        let Verdict::Changed(changes) = v else {
            panic!("{v:?}")
        };
        let names: Vec<String> = changes
            .iter()
            .map(|c| format!("{}={}", c.field, c.after.as_deref().unwrap_or("-")))
            .collect();
        assert_eq!(names[..2], ["firstName=Ann", "lastName=Lee"]);
    }

    #[test]
    fn address_parts_are_set_within_the_address() {
        let mut p = record();
        if let Some(a) = p.address.as_mut() {
            a.country = Some("gb".into());
        }
        let v = transform(&p, &set(&["address.country=country"]), None);
        assert!(
            matches!(&v, Verdict::Changed(c) if c[0].after.as_deref() == Some("GBR")),
            "{v:?}"
        );
    }

    #[test]
    fn bad_assignments_are_one_sentence() {
        let err = |args: &[&str]| {
            let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
            parse_assignments(&args).map(|_| ()).unwrap_err()
        };
        assert!(err(&["phoneNumber"]).contains("is not FIELD=EXPR"));
        assert!(err(&["shoeSize=trim"]).starts_with("Unknown field \"shoeSize\""));
        assert_eq!(
            err(&["lastName=replace(/[/, \"\")"]),
            "lastName=replace(/[/, \"\"): line 1, column 19: unclosed character class"
        );
        assert!(err(&["phoneNumber=e164(\"XX\")"]).contains("\"XX\" is not a region"));
        assert!(err(&["email=trim", "email=lower"]).contains("email is set twice"));
        assert!(err(&[]).contains("--set"));
    }

    #[test]
    fn the_tally_reads_as_the_summary_line() {
        let mut t = Tally::default();
        t.add(&Verdict::Unchanged);
        t.add(&Verdict::Skipped("x".into()));
        t.add(&Verdict::Changed(Vec::new()));
        t.add(&Verdict::Unchanged);
        assert_eq!(t.to_string(), "changed 1 · unchanged 2 · skipped 1");
    }

    #[test]
    fn the_body_is_the_one_diff_makes_of_the_edited_record() {
        let p = record();
        let changes = |pairs: &[(&str, Option<&str>)]| -> Vec<FieldChange> {
            pairs
                .iter()
                .map(|(f, v)| {
                    let field = FieldPath::parse(f).unwrap();
                    FieldChange {
                        field,
                        before: field.get(&p),
                        after: v.map(str::to_string),
                    }
                })
                .collect()
        };
        for set in [
            changes(&[("firstName", Some("Jon"))]),
            changes(&[("middleName", None), ("phoneNumber", Some("+447123456789"))]),
            changes(&[
                ("address.postcode", Some("AB1 2CD")),
                ("lastName", Some("X")),
            ]),
            changes(&[
                ("address.line2", Some("Flat 2")),
                ("address.country", Some("FRA")),
            ]),
        ] {
            let mut edited = p.clone();
            for c in &set {
                c.field.set(&mut edited, c.after.clone());
            }
            assert_eq!(body_of(&p, &set), patch::diff(&p, &edited), "{set:?}");
        }
        // A record without an address: setting a part starts one, as the form does.
        let mut bare = p.clone();
        bare.address = None;
        let set = vec![FieldChange {
            field: FieldPath::parse("address.postcode").unwrap(),
            before: None,
            after: Some("AB1 2CD".into()),
        }];
        let mut edited = bare.clone();
        set[0].field.set(&mut edited, set[0].after.clone());
        assert_eq!(body_of(&bare, &set), patch::diff(&bare, &edited));
    }
}
