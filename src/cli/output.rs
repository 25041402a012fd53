//! How records are printed: a table, CSV, JSON, NDJSON, or labelled text.

use comfy_table::{ContentArrangement, Table, presets::UTF8_BORDERS_ONLY};

use crate::api::Prospect;
use crate::present;
use crate::text::escape_control;

fn cell(v: Option<&str>) -> String {
    escape_control(v.unwrap_or("")).into_owned()
}

/// A table of prospects sized to the terminal (or unbounded when piped).
pub fn table(items: &[Prospect]) -> String {
    let mut t = Table::new();
    t.load_style(UTF8_BORDERS_ONLY)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(["ID", "NAME", "EMAIL", "EXTERNAL REF", "PHONE", "CREATED"]);
    for p in items {
        t.add_row([
            cell(Some(&p.id)),
            cell(Some(&p.full_name())),
            cell(Some(&p.email)),
            cell(p.external_reference.as_deref()),
            cell(p.phone_number.as_deref()),
            cell(Some(&present::created_day(p))),
        ]);
    }
    t.to_string()
}

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

/// `s` cut or padded to exactly `width` terminal columns (cut text ends in `…`).
pub fn fit(s: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut out = String::new();
    let mut used = 0;
    let total: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    let room = if total > width {
        width.saturating_sub(1)
    } else {
        width
    };
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > room {
            break;
        }
        out.push(c);
        used += w;
    }
    if total > width {
        out.push('…');
        used += 1;
    }
    out.push_str(&" ".repeat(width.saturating_sub(used)));
    out
}

fn stream_line(cells: [String; 6]) -> String {
    let mut line = cells
        .iter()
        .zip(STREAM_COLUMNS)
        .map(|(c, (_, w))| fit(c, w))
        .collect::<Vec<_>>()
        .join("  ");
    line.truncate(line.trim_end().len());
    line.push('\n');
    line
}

/// The header of the streamed table, with a rule under it.
pub fn stream_header() -> String {
    let header = stream_line(STREAM_COLUMNS.map(|(h, _)| h.to_string()));
    let width: usize = STREAM_COLUMNS.iter().map(|(_, w)| w + 2).sum::<usize>() - 2;
    header + &"─".repeat(width) + "\n"
}

/// One row of the streamed table.
pub fn stream_row(p: &Prospect) -> String {
    stream_line([
        cell(Some(&p.id)),
        cell(Some(&p.full_name())),
        cell(Some(&p.email)),
        cell(p.external_reference.as_deref()),
        cell(p.phone_number.as_deref()),
        cell(Some(&present::created_day(p))),
    ])
}

/// CSV columns, one per field (address flattened).
pub const CSV_HEADER: [&str; 16] = [
    "id",
    "externalReference",
    "firstName",
    "middleName",
    "lastName",
    "email",
    "phoneNumber",
    "dateOfBirth",
    "identificationNumber",
    "addressType",
    "addressLine1",
    "addressLine2",
    "addressLine3",
    "postcode",
    "country",
    "createDate",
];

/// One CSV record.
pub fn csv_row(p: &Prospect) -> [String; 16] {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let a = p.address.clone().unwrap_or_default();
    [
        p.id.clone(),
        s(&p.external_reference),
        s(&p.first_name),
        s(&p.middle_name),
        s(&p.last_name),
        p.email.clone(),
        s(&p.phone_number),
        s(&p.date_of_birth),
        s(&p.identification_number),
        a.kind.clone(),
        s(&a.line1),
        s(&a.line2),
        s(&a.line3),
        s(&a.postcode),
        s(&a.country),
        s(&p.create_date),
    ]
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(!table(std::slice::from_ref(&p)).contains('\u{1b}'));
        assert!(!stream_row(&p).contains('\u{1b}'));
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
        let (a, b) = (stream_row(&short), stream_row(&long));
        let created = |row: &str| UnicodeWidthStr::width(&row[..row.find("2024-05-01").unwrap()]);
        assert_eq!(created(&a), created(&b));
        assert!(stream_header().starts_with("ID "));
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
