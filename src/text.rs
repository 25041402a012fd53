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

/// The text without terminal escape sequences (whole: `ESC [ 31 m`, an OSC title up to its
/// BEL or `ESC \\`, a two-character escape) nor any other control character: what a value
/// is meant to say once what would drive a terminal is gone (`Evil\e[31mRed` → `EvilRed`).
pub fn strip_control(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let introducer = match c {
            '\u{1b}' => chars.next_if(|n| ('\u{20}'..='\u{7e}').contains(n)),
            // The 8-bit forms of CSI, OSC, DCS, SOS, PM and APC.
            '\u{9b}' => Some('['),
            '\u{9d}' => Some(']'),
            '\u{90}' => Some('P'),
            '\u{98}' => Some('X'),
            '\u{9e}' => Some('^'),
            '\u{9f}' => Some('_'),
            c if c.is_control() => continue,
            c => {
                out.push(c);
                continue;
            }
        };
        match introducer {
            // A lone ESC (or one before a control character): dropped.
            None => {}
            // CSI: parameters and intermediates, then one final byte.
            Some('[') => {
                while chars
                    .next_if(|n| ('\u{20}'..='\u{3f}').contains(n))
                    .is_some()
                {}
                chars.next_if(|n| ('\u{40}'..='\u{7e}').contains(n));
            }
            // Strings: up to BEL, ST (`ESC \\` or 0x9c), or the end.
            Some(']' | 'P' | 'X' | '^' | '_') => {
                while let Some(n) = chars.next() {
                    match n {
                        '\u{7}' | '\u{9c}' => break,
                        '\u{1b}' => {
                            chars.next_if_eq(&'\\');
                            break;
                        }
                        _ => {}
                    }
                }
            }
            // Intermediates, then a final byte (`ESC ( B`, `ESC 7`).
            Some(i) if ('\u{20}'..='\u{2f}').contains(&i) => {
                while chars
                    .next_if(|n| ('\u{20}'..='\u{2f}').contains(n))
                    .is_some()
                {}
                chars.next_if(|n| ('\u{30}'..='\u{7e}').contains(n));
            }
            Some(_) => {}
        }
    }
    out
}

/// A value as a cell of a CSV file `prospect` writes for people to edit and `apply` to read
/// (`check --fix`, `list --output csv`): every control character escaped as the terminal
/// shows it (`\e`, `\n`, `\r`, `\t`, `\u{7}`), and a backslash doubled, so the file is safe
/// to `cat` and [`unescape_cell`] gives the value back exactly. (A whole cell `\N` means null.)
pub fn escape_cell(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) || c == '\\') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            c if is_unsafe(c) => out.push_str(&escape_control(&c.to_string())),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A cell written by [`escape_cell`], as the value it stands for: `\\` is a backslash, `\e`
/// `\n` `\r` `\t` and `\u{HEX}` the control characters; a backslash before anything else
/// stays as it is (a hand-written `C:\data` reads as written).
pub fn unescape_cell(s: &str) -> Cow<'_, str> {
    if !s.contains('\\') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (decoded, used) = match after.chars().next() {
            Some('\\') => (Some('\\'), 1),
            Some('e') => (Some('\u{1b}'), 1),
            Some('n') => (Some('\n'), 1),
            Some('r') => (Some('\r'), 1),
            Some('t') => (Some('\t'), 1),
            Some('u') => match after
                .strip_prefix("u{")
                .and_then(|h| h.split_once('}'))
                .and_then(|(hex, _)| {
                    let c = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)?;
                    Some((c, hex.len() + 3))
                }) {
                Some((c, used)) => (Some(c), used),
                None => (None, 0),
            },
            _ => (None, 0),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &after[used..];
            }
            None => {
                out.push('\\');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
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

    #[test]
    fn escape_sequences_are_stripped_whole() {
        assert_eq!(strip_control("Evil\u{1b}[31mRed\u{7}"), "EvilRed");
        assert_eq!(strip_control("a\u{1b}[1;38;5;196mb\u{1b}[0mc"), "abc");
        assert_eq!(strip_control("x\u{1b}]0;pwned\u{7}y"), "xy");
        assert_eq!(
            strip_control("x\u{1b}]8;;http://e\u{1b}\\link\u{1b}]8;;\u{1b}\\y"),
            "xlinky"
        );
        assert_eq!(strip_control("x\u{9b}2Jy"), "xy");
        assert_eq!(strip_control("x\u{1b}(By\u{1b}7z"), "xyz");
        assert_eq!(strip_control("tab\there\n"), "tabhere");
        assert_eq!(strip_control("Zoë 王芳"), "Zoë 王芳");
        assert_eq!(strip_control("cut\u{1b}"), "cut");
    }

    #[test]
    fn a_cell_reads_back_exactly_what_was_written() {
        for v in [
            "Evil\u{1b}[31mRed\u{7}",
            "C:\\temp\\new",
            "\\N",
            "\\e is not ESC",
            "line\r\nbreak\ttab",
            "bidi\u{202e}txt\u{9b}",
            "plain Zoë",
            "\\",
        ] {
            let cell = escape_cell(v);
            assert!(!cell.chars().any(is_unsafe), "{cell:?}");
            assert_eq!(unescape_cell(&cell), v, "{cell:?}");
        }
        assert_eq!(
            escape_cell("Evil\u{1b}[31mRed\u{7}"),
            "Evil\\e[31mRed\\u{7}"
        );
        assert_eq!(escape_cell("\\N"), "\\\\N", "never the null cell");
        // A backslash before anything else is kept as written.
        assert_eq!(unescape_cell("C:\\data"), "C:\\data");
        assert_eq!(unescape_cell("\\u{zz}"), "\\u{zz}");
    }
}
