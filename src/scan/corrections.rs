//! The corrections file `check --fix` writes and `apply` reads: CSV with an `id` column,
//! one column per field to change (named as in `patch --set`) and an `expected.FIELD` column
//! holding the value the record has now, so `apply` refuses to overwrite a newer edit.

use std::collections::HashMap;

use super::fields::FieldRef;
use super::rules::{Finding, text_fields};
use super::transform::FieldChange;
use crate::patch::FieldPath;

/// The fixes of one record: field → (current value, suggested value).
type Fixes = HashMap<String, (String, String)>;

/// The corrections for every finding that has a suggestion: one row per record, in the
/// order the records first appear; `None` when there is nothing to fix.
pub fn corrections_csv(findings: &[Finding]) -> Result<Option<String>, csv::Error> {
    let mut order: Vec<&str> = Vec::new();
    let mut by_id: HashMap<&str, Fixes> = HashMap::new();
    for f in findings {
        let (Some(value), Some(suggestion)) = (&f.value, &f.suggestion) else {
            continue;
        };
        let fixes = by_id.entry(f.id.as_str()).or_insert_with(|| {
            order.push(f.id.as_str());
            Fixes::new()
        });
        fixes
            .entry(f.field.clone())
            .or_insert_with(|| (value.clone(), suggestion.clone()));
    }
    if order.is_empty() {
        return Ok(None);
    }
    // Columns for the fields that have a fix, in the order `patch --set` lists them.
    let columns: Vec<String> = text_fields()
        .into_iter()
        .map(|f| FieldRef::name(f).to_string())
        .filter(|name| by_id.values().any(|fx| fx.contains_key(name)))
        .collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["id".to_string()];
    header.extend(columns.iter().cloned());
    header.extend(columns.iter().map(|c| format!("expected.{c}")));
    w.write_record(&header)?;
    for id in order {
        let fixes = &by_id[id];
        let mut row = vec![id.to_string()];
        // An empty cell leaves a field unchanged (and expects nothing of it). Values are
        // escaped (`\e`, `\u{7}`, `\\`): the file is safe to `cat`, and `apply` reads back
        // exactly the value the server holds.
        let cell = |v: &str| crate::text::escape_cell(v).into_owned();
        row.extend(
            columns
                .iter()
                .map(|c| fixes.get(c).map(|(_, s)| cell(s)).unwrap_or_default()),
        );
        row.extend(
            columns
                .iter()
                .map(|c| fixes.get(c).map(|(v, _)| cell(v)).unwrap_or_default()),
        );
        w.write_record(&row)?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}

/// A corrections file that sets `field` on each row's record: `id`, the field, and
/// `expected.FIELD` holding the value the record had (a record changed since is a conflict),
/// values escaped as in [`corrections_csv`].
pub fn set_values_csv(
    field: &str,
    rows: &[(String, String, String)],
) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "id".to_string(),
        field.to_string(),
        format!("expected.{field}"),
    ])?;
    // Escaped as `corrections_csv` does: safe to `cat`, read back exactly by `apply`.
    let cell = |v: &str| crate::text::escape_cell(v).into_owned();
    for (id, new, was) in rows {
        w.write_record([id.clone(), cell(new), cell(was)])?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The corrections file of `transform --fix`: `id`, one column per field the expressions
/// set, and `expected.FIELD` with the value seen (a record changed since is a conflict).
/// A field a row leaves as it is has empty cells; a cleared value, or one seen empty, is `\N`.
pub fn changes_csv(
    fields: &[FieldPath],
    rows: &[(String, Vec<FieldChange>)],
) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["id".to_string()];
    header.extend(fields.iter().map(ToString::to_string));
    header.extend(fields.iter().map(|f| format!("expected.{f}")));
    w.write_record(&header)?;
    let cell = |v: &Option<String>| match v {
        Some(v) => crate::text::escape_cell(v).into_owned(),
        None => "\\N".to_string(),
    };
    for (id, changes) in rows {
        let of = |f: &FieldPath| changes.iter().find(|c| c.field == *f);
        let mut row = vec![id.clone()];
        row.extend(
            fields
                .iter()
                .map(|f| of(f).map(|c| cell(&c.after)).unwrap_or_default()),
        );
        row.extend(
            fields
                .iter()
                .map(|f| of(f).map(|c| cell(&c.before)).unwrap_or_default()),
        );
        w.write_record(&row)?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_values_file_escapes_what_it_quotes_and_apply_reads_it_back() {
        let rows = vec![(
            "id-1".to_string(),
            "ACME".to_string(),
            "ACME\u{1b}[31m".to_string(),
        )];
        let text = set_values_csv("lastName", &rows).unwrap();
        assert_eq!(
            text,
            "id,lastName,expected.lastName\nid-1,ACME,ACME\\e[31m\n"
        );
        assert_eq!(crate::text::unescape_cell("ACME\\e[31m"), "ACME\u{1b}[31m");
    }
    use crate::scan::rules::Rule;

    fn finding(
        id: &str,
        rule: Rule,
        field: &str,
        value: &str,
        suggestion: Option<&str>,
    ) -> Finding {
        Finding {
            id: id.into(),
            external_reference: None,
            name: String::new(),
            rule,
            field: field.into(),
            value: Some(value.into()),
            message: String::new(),
            suggestion: suggestion.map(Into::into),
        }
    }

    #[test]
    fn one_row_per_record_with_expected_values_and_no_row_without_a_fix() {
        let findings = vec![
            finding(
                "a",
                Rule::PhoneFormat,
                "phoneNumber",
                "+44 7700 900123",
                Some("+447700900123"),
            ),
            finding("a", Rule::Whitespace, "firstName", " Ann", Some("Ann")),
            finding(
                "b",
                Rule::CountryInvalid,
                "address.country",
                "gb",
                Some("GBR"),
            ),
            finding("c", Rule::DobInvalid, "dateOfBirth", "1990-02-30", None),
            finding(
                "a",
                Rule::Whitespace,
                "phoneNumber",
                "+44 7700 900123",
                Some("+447700900123"),
            ),
        ];
        let csv = corrections_csv(&findings).unwrap().unwrap();
        assert_eq!(
            csv,
            "id,firstName,phoneNumber,address.country,expected.firstName,expected.phoneNumber,expected.address.country\n\
             a,Ann,+447700900123,, Ann,+44 7700 900123,\n\
             b,,,GBR,,,gb\n"
        );
        assert_eq!(corrections_csv(&findings[3..4]).unwrap(), None);
    }

    #[test]
    fn a_hostile_value_is_escaped_in_the_file_and_apply_reads_it_back_exactly() {
        let evil = "Evil\u{1b}[31mRed\u{7} C:\\data \\N";
        let findings = vec![finding(
            "a",
            Rule::ControlChars,
            "lastName",
            evil,
            Some("EvilRed C:\\data \\N"),
        )];
        let csv = corrections_csv(&findings).unwrap().unwrap();
        assert!(
            !csv.chars().any(|c| c.is_control() && c != '\n'),
            "nothing raw reaches the file: {csv:?}"
        );
        assert!(csv.contains("Evil\\e[31mRed\\u{7}"), "{csv}");
        let rows = crate::batch::corrections::parse("fixes.csv", csv.as_bytes()).unwrap();
        let field = crate::patch::FieldPath::parse("lastName").unwrap();
        assert_eq!(
            rows[0].expect,
            vec![(field, Some(evil.to_string()))],
            "the expected value is the server's, byte for byte"
        );
        assert_eq!(
            rows[0].set,
            vec![(field, Some("EvilRed C:\\data \\N".to_string()))]
        );
    }

    #[test]
    fn a_transform_file_sets_changed_fields_and_expects_the_values_seen() {
        let phone = FieldPath::parse("phoneNumber").unwrap();
        let middle = FieldPath::parse("middleName").unwrap();
        let rows = vec![
            (
                "id-1".to_string(),
                vec![FieldChange {
                    field: phone,
                    before: Some("07123 456789".into()),
                    after: Some("+447123456789".into()),
                }],
            ),
            (
                "id-2".to_string(),
                vec![FieldChange {
                    field: middle,
                    before: Some("X\u{7}".into()),
                    after: None,
                }],
            ),
        ];
        let text = changes_csv(&[phone, middle], &rows).unwrap();
        assert_eq!(
            text,
            "id,phoneNumber,middleName,expected.phoneNumber,expected.middleName\n\
             id-1,+447123456789,,07123 456789,\n\
             id-2,,\\N,,X\\u{7}\n"
        );
        let back = crate::batch::corrections::parse("t.csv", text.as_bytes()).unwrap();
        assert_eq!(back[1].set, vec![(middle, None)]);
        assert_eq!(back[1].expect, vec![(middle, Some("X\u{7}".into()))]);
        assert_eq!(back[0].expect, vec![(phone, Some("07123 456789".into()))]);
    }
}
