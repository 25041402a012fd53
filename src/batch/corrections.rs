//! Corrections files for `prospect apply`: CSV or NDJSON rows, each naming one prospect and
//! the fields to set, clear or expect. Anything malformed is one error naming its line.
//!
//! CSV: one key column (`id` or `externalReference`), field columns named as in `patch
//! --set`, optional `expected.FIELD` columns. An empty cell leaves the field unchanged (an
//! empty `expected.` cell expects nothing); the cell `\N` clears the field (or expects it
//! empty); anything else sets it (or is the value expected).
//!
//! NDJSON: `{"id" | "externalReference": …, "set": {FIELD: value | null}, "expect": {FIELD:
//! value | null}}` per line.

use serde_json::Value;

use crate::patch::FieldPath;

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
pub fn parse(name: &str, bytes: &[u8]) -> Result<Vec<Correction>, ParseError> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".ndjson") || lower.ends_with(".jsonl") {
        parse_ndjson(bytes)
    } else {
        parse_csv(bytes)
    }
}

/// The cell `\N`: clear the field.
const NULL_CELL: &str = "\\N";

enum Column {
    Key(fn(String) -> RowKey),
    Set(FieldPath),
    Expect(FieldPath),
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
    for name in headers.iter() {
        let name = name.trim();
        let column = match name {
            "id" => Column::Key(RowKey::Id),
            "externalReference" => Column::Key(RowKey::ExternalReference),
            _ => match name.strip_prefix("expected.") {
                Some(f) => Column::Expect(
                    FieldPath::parse(f).ok_or_else(|| err(1, FieldPath::unknown(name)))?,
                ),
                None => Column::Set(
                    FieldPath::parse(name).ok_or_else(|| err(1, FieldPath::unknown(name)))?,
                ),
            },
        };
        if matches!(column, Column::Key(_)) {
            keys += 1;
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
            let line = e.position().map_or(0, csv::Position::line);
            err(line, e.to_string())
        })?;
        let line = record.position().map_or(0, csv::Position::line);
        let mut key = None;
        let mut set = Vec::new();
        let mut expect = Vec::new();
        for (column, cell) in columns.iter().zip(record.iter()) {
            let value = match cell {
                "" => continue,
                NULL_CELL => None,
                v => Some(v.to_string()),
            };
            match column {
                Column::Key(make) => key = value.filter(|v| !v.trim().is_empty()).map(make),
                Column::Set(f) => set.push((*f, value)),
                Column::Expect(f) => expect.push((*f, value)),
            }
        }
        let key = key.ok_or_else(|| err(line, "the row names no prospect (its key is empty)"))?;
        rows.push(Correction {
            line,
            key,
            set,
            expect,
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
            let f = FieldPath::parse(k).ok_or_else(|| err(line, FieldPath::unknown(k)))?;
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
    fn every_malformed_file_is_one_error_naming_the_line() {
        let cases: [(&str, &[u8], u64, &str); 9] = [
            ("a.csv", b"id,emial\na,b\n", 1, "Unknown field \"emial\""),
            (
                "a.csv",
                b"id,externalReference,email\na,b,c\n",
                1,
                "more than one key",
            ),
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
}
