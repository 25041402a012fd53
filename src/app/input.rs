//! A small single-line text editor for the prompts.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The text of a prompt and where the cursor is (a byte offset on a char boundary).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineInput {
    text: String,
    cursor: usize,
}

impl LineInput {
    /// An input holding `text`, cursor at the end.
    pub fn with_text(text: &str) -> Self {
        LineInput {
            text: text.to_string(),
            cursor: text.len(),
        }
    }

    /// An input holding `text`, cursor at byte `cursor` (the end when that is not a char
    /// boundary).
    pub fn with_text_at(text: &str, cursor: usize) -> Self {
        let cursor = if text.is_char_boundary(cursor) {
            cursor
        } else {
            text.len()
        };
        LineInput {
            text: text.to_string(),
            cursor,
        }
    }

    /// The text typed so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text before the cursor (for placing the terminal cursor).
    pub fn before_cursor(&self) -> &str {
        &self.text[..self.cursor]
    }

    /// The field name being typed at the cursor in a filter: the word before it, while it
    /// has no operator (`=`, `~`) yet.
    pub fn field_at_cursor(&self) -> Option<&str> {
        let word = self.before_cursor().rsplit(' ').next().unwrap_or_default();
        (!word.is_empty() && !word.contains(['=', '~'])).then_some(word)
    }

    /// Replaces the text, cursor at the end.
    pub fn set(&mut self, text: &str) {
        *self = LineInput::with_text(text);
    }

    fn prev_boundary(&self) -> usize {
        self.text[..self.cursor]
            .char_indices()
            .next_back()
            .map_or(0, |(i, _)| i)
    }

    fn next_boundary(&self) -> usize {
        self.text[self.cursor..]
            .chars()
            .next()
            .map_or(self.cursor, |c| self.cursor + c.len_utf8())
    }

    /// Applies an editing key; returns whether the text changed.
    pub fn handle(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = self.text.len(),
            KeyCode::Char('u') if ctrl => {
                self.text.drain(..self.cursor);
                self.cursor = 0;
                return true;
            }
            KeyCode::Char('w') if ctrl => {
                let before = &self.text[..self.cursor];
                let start = before
                    .trim_end()
                    .rfind(char::is_whitespace)
                    .map_or(0, |i| i + 1);
                let changed = start != self.cursor;
                self.text.drain(start..self.cursor);
                self.cursor = start;
                return changed;
            }
            KeyCode::Char(c) if !ctrl && !key.modifiers.contains(KeyModifiers::ALT) => {
                self.text.insert(self.cursor, c);
                self.cursor += c.len_utf8();
                return true;
            }
            KeyCode::Backspace if self.cursor > 0 => {
                let start = self.prev_boundary();
                self.text.drain(start..self.cursor);
                self.cursor = start;
                return true;
            }
            KeyCode::Delete if self.cursor < self.text.len() => {
                let end = self.next_boundary();
                self.text.drain(self.cursor..end);
                return true;
            }
            KeyCode::Left => self.cursor = self.prev_boundary(),
            KeyCode::Right => self.cursor = self.next_boundary(),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.text.len(),
            _ => {}
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn typing_and_deleting_multibyte_text() {
        let mut i = LineInput::default();
        for c in "zoë".chars() {
            assert!(i.handle(key(KeyCode::Char(c))));
        }
        assert_eq!(i.text(), "zoë");
        assert!(i.handle(key(KeyCode::Backspace)));
        assert_eq!(i.text(), "zo");
        i.handle(key(KeyCode::Left));
        i.handle(key(KeyCode::Char('x')));
        assert_eq!(i.text(), "zxo");
        assert_eq!(i.before_cursor(), "zx");
        i.handle(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        assert_eq!(i.text(), "o");
    }
}
