//! Making untrusted text safe and tidy for a terminal cell grid.

use std::borrow::Cow;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The text with every unsafe character escaped, the same way the CLI shows it
/// (`crate::text::escape_control`: `\e`, `\n`, `\u{7}`…).
pub fn clean(s: &str) -> Cow<'_, str> {
    crate::text::escape_control(s)
}

/// Display width in terminal columns.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cleaned and cut to at most `max` columns, with `…` when something was cut.
pub fn truncate(s: &str, max: usize) -> String {
    let s = clean(s);
    if width(&s) <= max {
        return s.into_owned();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Cleaned, cut and padded with spaces to exactly `cols` columns.
pub fn fit(s: &str, cols: usize) -> String {
    let mut out = truncate(s, cols);
    let w = width(&out);
    out.extend(std::iter::repeat_n(' ', cols.saturating_sub(w)));
    out
}

/// Cleaned and split into lines of at most `cols` columns, at spaces where possible.
pub fn wrap(s: &str, cols: usize) -> Vec<String> {
    let s = clean(s);
    let cols = cols.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in s.split_inclusive(' ') {
        if used > 0 && used + width(word.trim_end()) > cols {
            lines.push(std::mem::take(&mut line).trim_end().to_string());
            used = 0;
        }
        for c in word.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > cols && used > 0 {
                if c == ' ' {
                    continue;
                }
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += w;
        }
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(
            clean("a\u{1b}[31mb\u{7}\r\n\u{7f}\u{9b}"),
            "a\\e[31mb\\u{7}\\r\\n\\u{7f}\\u{9b}"
        );
        assert_eq!(clean("evil\u{202e}gnp.exe"), "evil\\u{202e}gnp.exe");
        assert!(matches!(clean("Zoë 山田"), Cow::Borrowed(_)));
    }

    #[test]
    fn wide_characters_are_cut_by_columns() {
        assert_eq!(truncate("山田太郎", 5), "山田…");
        assert_eq!(width(&fit("山田太郎", 5)), 5);
        assert_eq!(fit("ab", 4), "ab  ");
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(truncate("😀😀😀", 4), "😀…");
        assert_eq!(wrap("山田太郎", 5), ["山田", "太郎"]);
        assert_eq!(wrap("one two three", 8), ["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
    }
}
