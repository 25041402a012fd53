//! Tables that fit the terminal: each column as wide as its widest cell, and when the line
//! would be wider than the terminal, the widest columns give way first, their cells cut with
//! `…` (an id becomes `a2b9649e-df7f-43…`), so no row ever wraps onto a second line.
//!
//! The width is the terminal's (or `COLUMNS`, when set) when stdout is a terminal; piped
//! output (`list | grep`) is never cut.

use std::io::IsTerminal;

/// Width in terminal columns.
pub fn display_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

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

/// Columns between two cells.
const GAP: usize = 2;
/// No column is cut narrower than this (nor than its header).
const MIN_COLUMN: usize = 6;

/// The width output must fit, if any.
pub fn width() -> Option<usize> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
    {
        return Some(n);
    }
    crossterm::terminal::size()
        .ok()
        .map(|(w, _)| usize::from(w))
        .filter(|w| *w > 0)
}

/// An id cut this far still tells records apart (`a2b9649e-df7f…`).
pub const ID_COLUMN: usize = 14;

/// Column widths fitting `total` (gaps included): column 0 (the id) gives way first, down to
/// [`ID_COLUMN`]; then the widest column gives one column at a time until the line fits or
/// every column is at its minimum.
pub fn shrink(natural: &[usize], mins: &[usize], total: Option<usize>) -> Vec<usize> {
    let mut widths = natural.to_vec();
    let Some(total) = total else {
        return widths;
    };
    let room = total.saturating_sub(GAP * widths.len().saturating_sub(1));
    let over = widths.iter().sum::<usize>().saturating_sub(room);
    if let Some(id) = widths.first_mut() {
        *id -= over.min(id.saturating_sub(ID_COLUMN));
    }
    while widths.iter().sum::<usize>() > room {
        let widest = widths
            .iter()
            .enumerate()
            .filter(|(i, w)| **w > mins.get(*i).copied().unwrap_or(MIN_COLUMN))
            .max_by_key(|(_, w)| **w)
            .map(|(i, _)| i);
        match widest {
            Some(i) => widths[i] -= 1,
            None => break,
        }
    }
    widths
}

/// The smallest width each column may be cut to: its header, at least [`MIN_COLUMN`].
pub fn mins(headers: &[&str]) -> Vec<usize> {
    headers
        .iter()
        .map(|h| display_width(h).max(MIN_COLUMN))
        .collect()
}

/// One line of cells at `widths`, trailing spaces trimmed.
pub fn line(cells: &[String], widths: &[usize]) -> String {
    let mut line = cells
        .iter()
        .zip(widths)
        .map(|(c, w)| fit(c, *w))
        .collect::<Vec<_>>()
        .join(&" ".repeat(GAP));
    line.truncate(line.trim_end().len());
    line.push('\n');
    line
}

/// A header, a rule under it, and the rows, fitted to `total` columns when given. Cells are
/// printed as given: escape them first.
pub fn render(headers: &[&str], rows: &[Vec<String>], total: Option<usize>) -> String {
    let natural: Vec<usize> = (0..headers.len())
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| display_width(c))
                .chain([display_width(headers[i])])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let widths = shrink(&natural, &mins(headers), total);
    let head: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    let mut out = line(&head, &widths);
    let rule = widths.iter().sum::<usize>() + GAP * widths.len().saturating_sub(1);
    out.push_str(&"─".repeat(rule));
    out.push('\n');
    for r in rows {
        out.push_str(&line(r, &widths));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_widest_columns_give_way_first_and_never_below_their_header() {
        assert_eq!(shrink(&[36, 10, 20], &[6, 6, 6], None), [36, 10, 20]);
        assert_eq!(shrink(&[36, 10, 20], &[6, 6, 6], Some(80)), [36, 10, 20]);
        // 66 + 4 gaps = 70 > 50: 20 columns go, from the widest down.
        // 66 + 4 gaps = 70 > 60: the id gives 10.
        assert_eq!(shrink(&[36, 10, 20], &[6, 6, 6], Some(60)), [26, 10, 20]);
        // 70 > 40: the id down to 14, then the widest.
        assert_eq!(shrink(&[36, 10, 20], &[6, 6, 6], Some(40)), [13, 10, 13]);
        assert_eq!(shrink(&[36, 10, 20], &[6, 6, 6], Some(10)), [6, 6, 6]);
    }

    #[test]
    fn a_row_never_wraps_and_a_cut_cell_ends_with_an_ellipsis() {
        let rows = vec![vec![
            "a2b9649e-df7f-4349-adff-1c57283fef10".to_string(),
            "John James Doe".to_string(),
        ]];
        let text = render(&["ID", "NAME"], &rows, Some(30));
        for l in text.lines() {
            assert!(super::display_width(l) <= 30, "{l:?}");
        }
        assert!(text.contains("a2b9649e-df7f…"), "{text}");
        assert!(text.contains("John James Doe"), "{text}");
    }
}
