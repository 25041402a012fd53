//! Text from the API is untrusted: control characters are shown escaped, never written raw.

use std::borrow::Cow;

/// Replaces C0/C1 control characters and DEL with visible escapes (`\e`, `\n`, `\u{7}`…),
/// so a name can never move the cursor, ring the bell or recolour the terminal.
pub fn escape_control(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\u{1b}' => out.push_str("\\e"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Server-provided text longer than this many characters is cut in errors and status lines.
pub const MAX_SERVER_TEXT: usize = 300;

/// `s` cut to at most `max` characters, ending in `…` when something was cut.
pub fn bounded(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some(_) => {
            let keep: String = s.chars().take(max.saturating_sub(1)).collect();
            Cow::Owned(keep + "…")
        }
    }
}

/// Server text as it may appear in a one-line error: cut to [`MAX_SERVER_TEXT`] characters.
/// (Escaping happens where the line is written: stderr, the TUI, the log.)
pub fn cut_server_text(s: &str) -> String {
    bounded(s, MAX_SERVER_TEXT).into_owned()
}

/// Control characters, DEL, and the bidirectional overrides that can disguise text.
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The same text in upper and in lower case, where that differs from it: what a missed
/// look-up by external reference tries before saying "did you mean …?" (`crm-0042` for
/// `CRM-0042`).
pub fn case_variants(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in [text.to_uppercase(), text.to_lowercase()] {
        if v != text && !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

/// The 1-based line of a byte offset in `text` (for warnings that name a config line).
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()
        .iter()
        .take(offset)
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(
            escape_control("Ann\u{1b}[31mRed\u{7}"),
            "Ann\\e[31mRed\\u{7}"
        );
        assert_eq!(
            escape_control("a\r\nb\u{9b}c\u{7f}"),
            "a\\r\\nb\\u{9b}c\\u{7f}"
        );
        assert!(matches!(escape_control("Zoë 王芳"), Cow::Borrowed(_)));
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis() {
        assert_eq!(bounded("abcdef", 4), "abc…");
        assert_eq!(bounded("abcd", 4), "abcd");
        assert_eq!(bounded("王芳王芳王", 3), "王芳…");
        let huge = "x".repeat(10_000_000);
        assert_eq!(cut_server_text(&huge).chars().count(), MAX_SERVER_TEXT);
    }
}
