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

/// Control characters, DEL, and the bidirectional overrides that can disguise text.
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
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
}
