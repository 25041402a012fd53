//! Corrections files for `prospect apply`: CSV or NDJSON rows, each naming one prospect and
//! the fields to set, clear or expect. Anything malformed is one error naming its line.
//!
//! CSV: one key column (`id` or `externalReference`), field columns named as in `patch
//! --set`, optional `expected.FIELD` columns. An empty cell leaves the field unchanged (an
//! empty `expected.` cell expects nothing); the cell `\N` clears the field (or expects it
//! empty); anything else sets it (or is the value expected), read in the notation
//! `prospect` writes: `\e`, `\n`, `\r`, `\t`, `\u{HEX}` for control characters and `\\` for
//! a backslash ([`crate::text::unescape_cell`]). Beside `id`, an `externalReference` column
//! is checked against the record, never changed, and `createDate` is left alone: a file
//! `list --output csv` wrote can be edited and applied as it is.
//!
//! NDJSON: `{"id" | "externalReference": …, "set": {FIELD: value | null}, "expect": {FIELD:
//! value | null}}` per line.

use serde_json::Value;

use crate::patch::FieldPath;
use crate::patch::field::{FieldKey, Slot};

/// How a row names its prospect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowKey {
    Id(String),
    ExternalReference(String),
}

impl RowKey {
    /// The key's value, for reports.
    pub fn value(&self) -> &str {
        match self {
            RowKey::Id(s) | RowKey::ExternalReference(s) => s,
        }
    }
}

/// One row of a corrections file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    /// The line the row starts on (1-based, the header is line 1 in CSV).
    pub line: u64,
    pub key: RowKey,
    /// Fields to set (`Some`) or clear (`None`).
    pub set: Vec<(FieldPath, Option<String>)>,
    /// Values the record must still have (`None`: must be empty).
    pub expect: Vec<(FieldPath, Option<String>)>,
    /// The external reference the record must have: the `externalReference` column of a
    /// file keyed by `id` (as `list --output csv` writes), which cannot be changed.
    pub reference: Option<String>,
}

/// A malformed file: the line and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    pub line: u64,
    pub message: String,
}

fn err(line: u64, message: impl Into<String>) -> ParseError {
    ParseError {
        line,
        message: message.into(),
    }
}

/// Reads a corrections file: NDJSON when the name ends in `.ndjson` or `.jsonl`, else CSV.
/// One prospect named on two rows is an error naming both lines: the order two PATCHes land
/// in would decide the result.
pub fn parse(name: &str, bytes: &[u8]) -> Result<Vec<Correction>, ParseError> {
    let lower = name.to_ascii_lowercase();
    let rows = if lower.ends_with(".ndjson") || lower.ends_with(".jsonl") {
        parse_ndjson(bytes)?
    } else {
        parse_csv(bytes)?
    };
    let mut seen: std::collections::HashMap<(bool, String), u64> = std::collections::HashMap::new();
    for r in &rows {
        let key = match &r.key {
            // Ids compare as UUIDs (case and braces aside), as the server reads them.
            RowKey::Id(id) => (
                true,
                uuid::Uuid::parse_str(id.trim())
                    .map_or_else(|_| id.trim().to_string(), |u| u.to_string()),
            ),
            RowKey::ExternalReference(x) => (false, x.clone()),
        };
        if let Some(first) = seen.insert(key, r.line) {
            return Err(err(r.line, same_prospect(first, r.line, r.key.value())));
        }
    }
    Ok(rows)
}

/// The error of one prospect on two rows.
pub fn same_prospect(first: u64, second: u64, what: &str) -> String {
    format!("lines {first} and {second} both name prospect {what}: give one row per prospect")
}

/// The cell `\N`: clear the field.
const NULL_CELL: &str = "\\N";

enum Column {
    Key(fn(String) -> RowKey),
    Set(FieldPath),
    Expect(FieldPath),
    /// `externalReference` beside `id`: checked, not changed.
    Reference,
    /// `createDate`: the server's, read-only; an export carries it, `apply` leaves it.
    ReadOnly,
}

/// The line of the first byte that is not valid UTF-8, if any.
fn bad_utf8_line(bytes: &[u8]) -> Option<u64> {
    let e = std::str::from_utf8(bytes).err()?;
    let before = &bytes[..e.valid_up_to()];
    Some(1 + before.iter().filter(|b| **b == b'\n').count() as u64)
}

/// The line where a quoted field opens that is never closed (the CSV reader would silently
/// read to the end of the file instead).
fn unclosed_quote_line(text: &str) -> Option<u64> {
    let mut line = 1;
    let mut open_at = None;
    let mut at_field_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (open_at, c) {
            (None, '"') if at_field_start => open_at = Some(line),
            (Some(_), '"') if chars.peek() == Some(&'"') => {
                chars.next();
            }
            (Some(_), '"') => open_at = None,
            _ => {}
        }
        if c == '\n' {
            line += 1;
        }
        at_field_start = open_at.is_none() && matches!(c, ',' | '\n' | '\r');
    }
    open_at
}

/// The line a record starts on. The reader's own line count is one too low in a CRLF file
/// (it ends a record at `\r` and counts the `\n` as the next record's), so the line is
/// counted from the record's first byte, past any line ending.
fn line_at(text: &str, pos: Option<&csv::Position>) -> u64 {
    let Some(pos) = pos else { return 0 };
    let start = usize::try_from(pos.byte())
        .unwrap_or(usize::MAX)
        .min(text.len());
    let first = text[start..]
        .find(|c| c != '\r' && c != '\n')
        .map_or(text.len(), |i| start + i);
    1 + text.as_bytes()[..first]
        .iter()
        .filter(|b| **b == b'\n')
        .count() as u64
}

fn parse_csv(bytes: &[u8]) -> Result<Vec<Correction>, ParseError> {
    if let Some(line) = bad_utf8_line(bytes) {
        return Err(err(line, "not valid UTF-8"));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| err(1, e.to_string()))?;
    if let Some(line) = unclosed_quote_line(text) {
        return Err(err(line, "a quoted cell is never closed"));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| err(1, format!("cannot read the header: {e}")))?
        .clone();
    let mut columns = Vec::new();
    let mut keys = 0;
    // With an `id` column, `externalReference` is the record's, checked (an exported file).
    // Headers are named as everywhere else (`patch::field::parse`: `address_postcode`…).
    let slot = |h: &str| FieldKey::parse(h).map(FieldKey::slot);
    let by_id = headers.iter().any(|h| slot(h) == Some(Slot::Id));
    for name in headers.iter() {
        let name = name.trim();
        let expected = name
            .get(..9)
            .filter(|p| p.eq_ignore_ascii_case("expected."))
            .map(|_| &name[9..]);
        let column = match (expected, slot(name)) {
            (Some(f), _) => Column::Expect(FieldPath::resolve(f).map_err(|e| err(1, e))?),
            (None, Some(Slot::Id)) => Column::Key(RowKey::Id),
            (None, Some(Slot::ExternalReference)) if by_id => Column::Reference,
            (None, Some(Slot::ExternalReference)) => Column::Key(RowKey::ExternalReference),
            (None, Some(Slot::CreateDate)) => Column::ReadOnly,
            (None, _) => Column::Set(FieldPath::resolve(name).map_err(|e| err(1, e))?),
        };
        let twice = |f: &FieldPath, expect: bool| {
            columns.iter().any(|c| match c {
                Column::Set(g) => !expect && g == f,
                Column::Expect(g) => expect && g == f,
                Column::Key(_) | Column::Reference | Column::ReadOnly => false,
            })
        };
        let repeated = match &column {
            Column::Key(_) => {
                keys += 1;
                false
            }
            Column::Set(f) => twice(f, false),
            Column::Expect(f) => twice(f, true),
            Column::Reference => columns.iter().any(|c| matches!(c, Column::Reference)),
            Column::ReadOnly => columns.iter().any(|c| matches!(c, Column::ReadOnly)),
        };
        if repeated {
            return Err(err(
                1,
                format!("the column {name} appears twice: which value is meant?"),
            ));
        }
        columns.push(column);
    }
    match keys {
        0 => return Err(err(1, "no key column: add `id` or `externalReference`")),
        1 => {}
        _ => {
            return Err(err(
                1,
                "more than one key column: use either `id` or `externalReference`",
            ));
        }
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = line_at(text, e.position());
            match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => err(
                    line,
                    format!("the row has {len} fields, the header {expected_len}"),
                ),
                _ => err(line, e.to_string()),
            }
        })?;
        let line = line_at(text, record.position());
        let mut key = None;
        let mut set = Vec::new();
        let mut expect = Vec::new();
        let mut reference = None;
        for (column, cell) in columns.iter().zip(record.iter()) {
            let value = match cell {
                "" => continue,
                NULL_CELL => None,
                // The notation `prospect` writes (`\e`, `\u{7}`, `\\`) reads back exactly.
                v => Some(crate::text::unescape_cell(v).into_owned()),
            };
            match column {
                Column::Key(make) => key = value.filter(|v| !v.trim().is_empty()).map(make),
                Column::Set(f) => set.push((*f, value)),
                Column::Expect(f) => expect.push((*f, value)),
                Column::Reference => reference = value,
                Column::ReadOnly => {}
            }
        }
        let key = key.ok_or_else(|| err(line, "the row names no prospect (its key is empty)"))?;
        rows.push(Correction {
            line,
            key,
            set,
            expect,
            reference,
        });
    }
    Ok(rows)
}

fn fields(
    line: u64,
    what: &str,
    v: Option<&Value>,
) -> Result<Vec<(FieldPath, Option<String>)>, ParseError> {
    let Some(v) = v else {
        return Ok(Vec::new());
    };
    let Value::Object(m) = v else {
        return Err(err(line, format!("`{what}` must be an object")));
    };
    m.iter()
        .map(|(k, v)| {
            let f = FieldPath::resolve(k).map_err(|e| err(line, e))?;
            let value = match v {
                Value::Null => None,
                Value::String(s) => Some(s.clone()),
                other => {
                    return Err(err(
                        line,
                        format!("{what}.{k} must be a string or null, not {other}"),
                    ));
                }
            };
            Ok((f, value))
        })
        .collect()
}

fn parse_ndjson(bytes: &[u8]) -> Result<Vec<Correction>, ParseError> {
    let mut rows = Vec::new();
    for (i, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let line = i as u64 + 1;
        let text = std::str::from_utf8(raw).map_err(|_| err(line, "not valid UTF-8"))?;
        if text.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(text).map_err(|e| err(line, e.to_string()))?;
        let Value::Object(m) = &v else {
            return Err(err(line, "each line must be a JSON object"));
        };
        for k in m.keys() {
            if !matches!(k.as_str(), "id" | "externalReference" | "set" | "expect") {
                return Err(err(
                    line,
                    format!("unknown key {k:?}: use id or externalReference, set, expect"),
                ));
            }
        }
        let text_of = |k: &str| {
            m.get(k)
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty())
        };
        let key = match (text_of("id"), text_of("externalReference")) {
            (Some(_), Some(_)) => {
                return Err(err(line, "both id and externalReference: give one"));
            }
            (Some(id), None) => RowKey::Id(id.to_string()),
            (None, Some(r)) => RowKey::ExternalReference(r.to_string()),
            (None, None) => {
                return Err(err(
                    line,
                    "the row names no prospect (id or externalReference)",
                ));
            }
        };
        rows.push(Correction {
            line,
            key,
            set: fields(line, "set", m.get("set"))?,
            expect: fields(line, "expect", m.get("expect"))?,
            reference: None,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(name: &str) -> FieldPath {
        FieldPath::parse(name).expect("a field")
    }

    #[test]
    fn csv_rows_set_clear_leave_and_expect() {
        let text = "id,email,middleName,address.postcode,expected.email\n\
                    a1,new@example.com,\\N,,old@example.com\n\
                    a2,,,\"AB1 2CD\",\n";
        let rows = parse("fixes.csv", text.as_bytes()).expect("parses");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].key, RowKey::Id("a1".into()));
        assert_eq!(
            rows[0].set,
            [
                (f("email"), Some("new@example.com".into())),
                (f("middleName"), None)
            ]
        );
        assert_eq!(
            rows[0].expect,
            [(f("email"), Some("old@example.com".into()))]
        );
        assert_eq!(
            rows[1].set,
            [(f("address.postcode"), Some("AB1 2CD".into()))]
        );
        assert!(rows[1].expect.is_empty());
    }

    #[test]
    fn ndjson_rows_by_external_reference() {
        let text = r#"{"externalReference":"CRM-1","set":{"phoneNumber":"+447700900123","middleName":null},"expect":{"phoneNumber":"+44 7700 900123"}}

{"id":"a2","set":{"email":"x@example.com"}}
"#;
        let rows = parse("fixes.jsonl", text.as_bytes()).expect("parses");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].key, RowKey::ExternalReference("CRM-1".into()));
        assert_eq!(rows[0].set.len(), 2);
        assert_eq!(rows[1].line, 3);
    }

    #[test]
    fn an_exported_file_is_keyed_by_id_checks_its_reference_and_leaves_the_read_only() {
        let text = "id,externalReference,firstName,address.country,createDate\n\
                    a1,CRM-1,Ann,GBR,2025-01-01T00:00:00Z\n\
                    a2,,Bo\\e[31m,,2025-01-02T00:00:00Z\n";
        let rows = parse("export.csv", text.as_bytes()).unwrap();
        assert_eq!(rows[0].key, RowKey::Id("a1".into()));
        assert_eq!(rows[0].reference.as_deref(), Some("CRM-1"));
        assert_eq!(
            rows[0].set,
            vec![
                (f("firstName"), Some("Ann".into())),
                (f("address.country"), Some("GBR".into()))
            ]
        );
        // An empty reference expects nothing; escapes read back as the characters.
        assert_eq!(rows[1].reference, None);
        assert_eq!(
            rows[1].set,
            vec![(f("firstName"), Some("Bo\u{1b}[31m".into()))]
        );
        // Without `id`, externalReference is the key as before.
        let rows = parse("r.csv", b"externalReference,email\nCRM-1,a@example.com\n").unwrap();
        assert_eq!(rows[0].key, RowKey::ExternalReference("CRM-1".into()));
        let twice = parse("t.csv", b"id,externalReference,externalReference\na,b,c\n");
        assert!(twice.is_err());
    }

    #[test]
    fn every_malformed_file_is_one_error_naming_the_line() {
        let cases: [(&str, &[u8], u64, &str); 9] = [
            ("a.csv", b"id,emial\na,b\n", 1, "Unknown field \"emial\""),
            ("a.csv", b"id,email,id\na,b,c\n", 1, "more than one key"),
            ("a.csv", b"email\nx@example.com\n", 1, "no key column"),
            (
                "a.csv",
                b"id,email\na,x@example.com\n,y@example.com\n",
                3,
                "names no prospect",
            ),
            ("a.csv", b"id,email\na,x@exa\xffmple.com\n", 2, "UTF-8"),
            (
                "a.csv",
                b"id,email\na,\"x@example.com\nb,y\n",
                2,
                "never closed",
            ),
            ("a.csv", b"id,email\na,x,extra\n", 2, "fields"),
            (
                "a.ndjson",
                b"{\"id\":\"a\"}\n{\"id\":\"a\",\"externalReference\":\"b\"}\n",
                2,
                "both",
            ),
            (
                "a.ndjson",
                b"{\"id\":\"a\",\"set\":{\"x\":\"1\"}}\n",
                1,
                "Unknown field",
            ),
        ];
        for (name, bytes, line, text) in cases {
            let e = parse(name, bytes).expect_err(text);
            assert_eq!(e.line, line, "{e}");
            assert!(e.to_string().contains(text), "{e} should say {text}");
        }
    }

    #[test]
    fn one_prospect_on_two_rows_or_one_column_twice_is_refused() {
        let id = "a2b9649e-df7f-4349-adff-1c57283fef10";
        let twice = format!(
            "id,email\n{id},a@example.com\nother,b@example.com\n{},c@example.com\n",
            id.to_uppercase()
        );
        let e = parse("a.csv", twice.as_bytes()).expect_err("the same id twice");
        assert_eq!(e.line, 4);
        assert!(e.message.contains("lines 2 and 4"), "{e}");
        let refs = b"{\"externalReference\":\"CRM-1\"}\n{\"externalReference\":\"CRM-1\"}\n";
        let e = parse("a.ndjson", refs).expect_err("the same reference twice");
        assert!(e.message.contains("lines 1 and 2"), "{e}");
        let e = parse("a.csv", b"id,middleName,middleName\na,x,y\n").expect_err("a column twice");
        assert_eq!(e.line, 1);
        assert!(e.message.contains("middleName appears twice"), "{e}");
        // A field and its expected value are two columns, not one twice.
        assert!(parse("a.csv", b"id,email,expected.email\na,x,y\n").is_ok());
    }

    #[test]
    fn a_crlf_file_numbers_its_rows_and_errors_as_an_lf_file_does() {
        for nl in ["\n", "\r\n"] {
            let text = format!("id,email{nl}a,x{nl}b,y{nl}");
            let lines: Vec<u64> = parse("a.csv", text.as_bytes())
                .expect("parses")
                .iter()
                .map(|r| r.line)
                .collect();
            assert_eq!(lines, [2, 3], "{nl:?}");
            let bad = format!("id,email{nl}a,x{nl}b,y,z{nl}");
            let e = parse("a.csv", bad.as_bytes()).expect_err("too many cells");
            assert_eq!(e.line, 3, "{nl:?}: {e}");
            let empty_key = format!("id,email{nl}a,x{nl},y{nl}");
            assert_eq!(
                parse("a.csv", empty_key.as_bytes())
                    .expect_err("no key")
                    .line,
                3
            );
        }
    }
}
