//! How records are printed: a table, CSV, JSON, NDJSON, or labelled text.

use super::failure::Failure;
use crate::api::Prospect;
use crate::patch::field::{FIELDS, Field, FieldKey};
use crate::present;
use crate::text::escape_control;

fn cell(v: Option<&str>) -> String {
    escape_control(v.unwrap_or("")).into_owned()
}

/// The table's columns: the name `--columns` takes, and the header.
const TABLE_COLUMNS: [(&str, &str); 6] = [
    ("id", "ID"),
    ("name", "NAME"),
    ("email", "EMAIL"),
    ("externalReference", "EXTERNAL REF"),
    ("phone", "PHONE"),
    ("created", "CREATED"),
];

/// The columns `--columns` names, in its order (every column without it).
pub fn columns(list: Option<&str>) -> Result<Vec<usize>, Failure> {
    let Some(list) = list else {
        return Ok((0..TABLE_COLUMNS.len()).collect());
    };
    let known = || TABLE_COLUMNS.map(|(n, _)| n).join(", ");
    let mut out = Vec::new();
    for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let norm = name.to_ascii_lowercase();
        let norm = match norm.as_str() {
            "phonenumber" => "phone",
            "createdate" => "created",
            "externalref" | "ref" => "externalreference",
            other => other,
        };
        let i = TABLE_COLUMNS
            .iter()
            .position(|(n, _)| n.eq_ignore_ascii_case(norm))
            .ok_or_else(|| Failure::usage(format!("Unknown column {name:?}: use {}", known())))?;
        if !out.contains(&i) {
            out.push(i);
        }
    }
    if out.is_empty() {
        return Err(Failure::usage(format!("No column given: use {}", known())));
    }
    Ok(out)
}

/// A prospect's cells, one per column of [`TABLE_COLUMNS`].
fn cells(p: &Prospect) -> [String; 6] {
    [
        cell(Some(&p.id)),
        cell(Some(&p.full_name())),
        cell(p.email_as_sent()),
        cell(p.external_reference.as_deref()),
        cell(p.phone_number.as_deref()),
        cell(Some(&present::created_day(p))),
    ]
}

/// A table of prospects fitted to the terminal (whole when piped): one line per prospect,
/// the columns given.
pub fn table(items: &[Prospect], cols: &[usize]) -> String {
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|p| {
            let all = cells(p);
            cols.iter().map(|&i| all[i].clone()).collect()
        })
        .collect();
    let headers: Vec<&str> = cols.iter().map(|&i| TABLE_COLUMNS[i].1).collect();
    super::table::render(&headers, &rows, super::table::width())
}

pub use super::table::{display_width, fit};

/// Column widths of the streamed table (`list --all`, `list --where`): fixed, so each row
/// can be printed as it arrives instead of measuring every row first.
const STREAM_COLUMNS: [(&str, usize); 6] = [
    ("ID", 36),
    ("NAME", 26),
    ("EMAIL", 34),
    ("EXTERNAL REF", 20),
    ("PHONE", 16),
    ("CREATED", 10),
];

/// The streamed table's widths for the columns given, fitted to the terminal.
fn stream_widths(cols: &[usize]) -> Vec<usize> {
    let natural: Vec<usize> = cols.iter().map(|&i| STREAM_COLUMNS[i].1).collect();
    let headers: Vec<&str> = cols.iter().map(|&i| STREAM_COLUMNS[i].0).collect();
    super::table::shrink(
        &natural,
        &super::table::mins(&headers),
        super::table::width(),
    )
}

/// The header of the streamed table, with a rule under it.
pub fn stream_header(cols: &[usize]) -> String {
    let widths = stream_widths(cols);
    let headers: Vec<String> = cols
        .iter()
        .map(|&i| STREAM_COLUMNS[i].0.to_string())
        .collect();
    let header = super::table::line(&headers, &widths);
    let width: usize = widths
        .iter()
        .map(|w| w + 2)
        .sum::<usize>()
        .saturating_sub(2);
    header + &"─".repeat(width) + "\n"
}

/// One row of the streamed table.
pub fn stream_row(p: &Prospect, cols: &[usize]) -> String {
    let all = cells(p);
    let row: Vec<String> = cols.iter().map(|&i| all[i].clone()).collect();
    super::table::line(&row, &stream_widths(cols))
}

/// CSV columns, one per field of the field table (address flattened), named as `patch
/// --set` names them.
pub const CSV_HEADER: [&str; 16] = {
    let mut out = [""; 16];
    let mut i = 0;
    while i < out.len() {
        out[i] = FIELDS[i].name;
        i += 1;
    }
    out
};

/// One CSV record, columns named as `patch --set` names the fields, so the file can be
/// edited and given to `apply`. Control characters in values are escaped (`\e`, `\n`,
/// `\u{7}`, a backslash as `\\`: the notation `apply` reads back exactly) so the file is safe
/// to `cat`; with `raw` they are written as they came.
pub fn csv_row(p: &Prospect, raw: bool) -> [String; 16] {
    let s = |v: Option<&str>| {
        let v = v.unwrap_or_default();
        if raw {
            v.to_string()
        } else {
            crate::text::escape_cell(v).into_owned()
        }
    };
    let email = FieldKey::scalar(Field::Email);
    let mut keys = FieldKey::all();
    std::array::from_fn(|_| match keys.next() {
        Some(k) if k == email => s(p.email_as_sent()),
        Some(k) => s(k.get(p)),
        None => String::new(),
    })
}

/// A record as one line of JSON (see [`json_pretty`] for the escaping).
pub fn json_line(p: &Prospect) -> Result<String, Failure> {
    json_with(p, JsonSafe(serde_json::ser::CompactFormatter))
}

/// A record as indented JSON. JSON escapes C0 controls itself; DEL and the C1 controls (which
/// some terminals obey) are escaped as `\u007f`…`\u009f` too, so no output carries them raw.
pub fn json_pretty(p: &Prospect) -> Result<String, Failure> {
    json_with(p, JsonSafe(serde_json::ser::PrettyFormatter::new()))
}

fn json_with<F: serde_json::ser::Formatter>(p: &Prospect, f: F) -> Result<String, Failure> {
    // A record takes about 600 bytes: one allocation instead of a few growing ones.
    let mut buf = Vec::with_capacity(1024);
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, f);
    serde::Serialize::serialize(p, &mut ser)
        .map_err(|e| Failure::other(format!("Cannot encode JSON: {e}")))?;
    String::from_utf8(buf).map_err(|e| Failure::other(format!("Cannot encode JSON: {e}")))
}

/// A JSON formatter that also escapes DEL and C1 control characters.
struct JsonSafe<F>(F);

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for JsonSafe<F> {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        // DEL is 0x7f and every C1 control starts with 0xc2 in UTF-8: most text has neither,
        // and a byte scan is far cheaper than decoding every character.
        if !fragment.bytes().any(|b| b == 0x7f || b == 0xc2) {
            return w.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if ('\u{7f}'..='\u{9f}').contains(&c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                write!(w, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// A record as labelled lines, every field the server sent included (the same fields, labels
/// and masking as the TUI's detail pane).
pub fn text(p: &Prospect, reveal: bool) -> String {
    let mut out = String::new();
    for f in present::fields(p, reveal) {
        let v = f
            .value
            .map_or_else(|| "—".to_string(), |v| escape_control(&v).into_owned());
        out.push_str(&format!("{:<22}{v}\n", escape_control(&f.label)));
    }
    out
}

/// One changed field as `  key: before → after`, all escaped (no newline).
pub fn change_line(key: &str, before: &str, after: &str) -> String {
    format!(
        "  {}: {} → {}",
        escape_control(key),
        escape_control(before),
        escape_control(after)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [usize; 6] = [0, 1, 2, 3, 4, 5];

    #[test]
    fn columns_are_chosen_by_name_in_the_order_given() {
        assert_eq!(columns(None).unwrap(), ALL);
        assert_eq!(columns(Some("name, externalRef,id")).unwrap(), [1, 3, 0]);
        assert_eq!(columns(Some("phoneNumber,createDate")).unwrap(), [4, 5]);
        let e = columns(Some("name,shoeSize")).unwrap_err();
        assert_eq!(e.code, 2);
        assert!(e.message.contains("shoeSize") && e.message.contains("externalReference"));
    }

    #[test]
    fn text_escapes_control_characters_and_masks_the_id_number() {
        let p = Prospect {
            id: "x".into(),
            last_name: Some("Evil\u{1b}[2J".into()),
            identification_number: Some("QQ123456C".into()),
            email: "a@b.co".into(),
            ..Default::default()
        };
        let t = text(&p, false);
        assert!(t.contains("Evil\\e[2J"));
        assert!(!t.contains('\u{1b}'));
        assert!(t.contains("•••••456C"));
        assert!(text(&p, true).contains("QQ123456C"));
        assert!(!table(std::slice::from_ref(&p), &ALL).contains('\u{1b}'));
        assert!(!stream_row(&p, &ALL).contains('\u{1b}'));
    }

    #[test]
    fn streamed_rows_have_fixed_widths_whatever_the_text() {
        use unicode_width::UnicodeWidthStr;
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("abcdef", 5), "abcd…");
        assert_eq!(fit("王芳王芳", 5), "王芳…");
        assert_eq!(fit("王芳王芳", 6), "王芳… ");
        let short = Prospect {
            id: "a2b9649e-df7f-4349-adff-1c57283fef10".into(),
            first_name: Some("Zoë".into()),
            email: "z@example.com".into(),
            create_date: Some("2024-05-01T10:00:00.000Z".into()),
            phone_number: Some("+447700900123".into()),
            ..Default::default()
        };
        let long = Prospect {
            first_name: Some("王芳".repeat(20)),
            email: format!("{}@example.com", "x".repeat(60)),
            ..short.clone()
        };
        // Every column starts at the same place in both rows.
        let (a, b) = (stream_row(&short, &ALL), stream_row(&long, &ALL));
        let created = |row: &str| UnicodeWidthStr::width(&row[..row.find("2024-05-01").unwrap()]);
        assert_eq!(created(&a), created(&b));
        assert!(stream_header(&ALL).starts_with("ID "));
    }

    #[test]
    fn csv_and_json_never_carry_raw_control_characters() {
        let mut p = Prospect {
            id: "x".into(),
            first_name: Some("Mal\u{1b}]52;c;aGk=\u{7}lory\u{9b}2J\u{7f}".into()),
            email: "m@e.co".into(),
            ..Default::default()
        };
        p.extra
            .insert("evil\u{1b}[2Jkey".into(), serde_json::json!("v\u{85}"));
        let row = csv_row(&p, false).join(",");
        assert!(!row.chars().any(char::is_control), "{row:?}");
        assert!(row.contains("Mal\\e]52;c;aGk=\\u{7}lory"), "{row}");
        assert!(csv_row(&p, true)[2].contains('\u{1b}'));
        for json in [json_line(&p).unwrap(), json_pretty(&p).unwrap()] {
            assert!(
                !json.chars().any(|c| c.is_control() && c != '\n'),
                "{json:?}"
            );
            assert!(
                json.contains("\\u009b") && json.contains("\\u007f"),
                "{json}"
            );
            let back: serde_json::Value = serde_json::from_str(&json).unwrap();
            assert_eq!(back["firstName"], p.first_name.clone().unwrap().as_str());
        }
        let t = text(&p, false);
        assert!(!t.chars().any(|c| c.is_control() && c != '\n'), "{t:?}");
        assert!(t.contains("evil\\e[2Jkey"), "{t}");
    }

    #[test]
    fn the_cli_text_and_the_tui_detail_show_the_same_fields_and_masks() {
        let p = Prospect {
            id: "x".into(),
            identification_number: Some("1234".into()),
            create_date: Some("2026-11-26T17:21:03.000Z".into()),
            email: "a@b.co".into(),
            ..Default::default()
        };
        let t = text(&p, false);
        assert!(t.contains("••••") && !t.contains("34"), "{t}");
        for f in present::fields(&p, false) {
            assert!(t.contains(&f.label), "{} missing from\n{t}", f.label);
        }
        assert!(t.contains("26 Nov 2026 17:21 UTC"), "{t}");
    }
}
