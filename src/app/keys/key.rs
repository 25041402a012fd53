//! One key: how it matches a key press, how help writes it, and how the config names it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// One key: a code and the modifiers it needs (shift is ignored for characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

pub(super) const fn plain(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}

pub(super) const fn ch(c: char) -> Key {
    plain(KeyCode::Char(c))
}

pub(super) const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}

/// Named keys as the config writes them (first) and other spellings it accepts.
const NAMES: &[(KeyCode, &[&str])] = &[
    (KeyCode::Up, &["up", "↑"]),
    (KeyCode::Down, &["down", "↓"]),
    (KeyCode::Left, &["left", "←"]),
    (KeyCode::Right, &["right", "→"]),
    (KeyCode::PageDown, &["pgdn", "pagedown", "page-down"]),
    (KeyCode::PageUp, &["pgup", "pageup", "page-up"]),
    (KeyCode::Home, &["home"]),
    (KeyCode::End, &["end"]),
    (KeyCode::Enter, &["enter", "return"]),
    (KeyCode::Esc, &["esc", "escape"]),
    (KeyCode::Tab, &["tab"]),
    (KeyCode::BackTab, &["shift-tab", "backtab"]),
    (KeyCode::Backspace, &["backspace"]),
    (KeyCode::Delete, &["delete", "del"]),
    (KeyCode::Insert, &["insert", "ins"]),
    (KeyCode::Char(' '), &["space"]),
];

impl Key {
    /// Whether a pressed key is this one.
    pub fn matches(&self, ev: &KeyEvent) -> bool {
        let mods = match ev.code {
            // Shift is how a capital letter or `?` is typed, not a separate binding.
            KeyCode::Char(_) | KeyCode::BackTab => ev.modifiers - KeyModifiers::SHIFT,
            _ => ev.modifiers,
        };
        ev.code == self.code && mods == self.mods
    }

    /// How help and footer write the key.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "shift-Tab".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::Insert => "Ins".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        with_mods(self.mods, base, "ctrl-", "alt-")
    }

    /// How `prospect config keys` writes the key; `parse` reads it back.
    pub fn config_name(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::F(n) => format!("f{n}"),
            code => NAMES
                .iter()
                .find(|(c, _)| *c == code)
                .map_or_else(|| format!("{code:?}"), |(_, names)| names[0].to_string()),
        };
        with_mods(self.mods, base, "ctrl-", "alt-")
    }

    /// Reads a key as the config writes it: `n`, `G`, `?`, `ctrl-f`, `alt-x`, `pgdn`, `f5`,
    /// `shift-tab`; named keys and modifiers in any case.
    pub fn parse(text: &str) -> Result<Key, String> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            // A lone `-` is the minus key, not a modifier's separator.
            if lower.starts_with("ctrl-") && rest.len() > 5 {
                mods |= KeyModifiers::CONTROL;
                rest = &rest[5..];
            } else if lower.starts_with("alt-") && rest.len() > 4 {
                mods |= KeyModifiers::ALT;
                rest = &rest[4..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (named(rest), chars.next(), chars.next()) {
            (Some(code), _, _) => code,
            (None, Some(c), None) if !c.is_control() => {
                // ctrl-F arrives as ctrl and `f`: the letter's case means nothing with ctrl.
                if mods.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            _ => return Err(format!("`{text}` is not a key")),
        };
        Ok(Key { code, mods })
    }
}

fn named(text: &str) -> Option<KeyCode> {
    let lower = text.to_lowercase();
    if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
        return (1..=12).contains(&n).then_some(KeyCode::F(n));
    }
    NAMES
        .iter()
        .find(|(_, names)| names.contains(&lower.as_str()))
        .map(|(code, _)| *code)
}

fn with_mods(mods: KeyModifiers, base: String, ctrl: &str, alt: &str) -> String {
    let mut out = String::new();
    if mods.contains(KeyModifiers::CONTROL) {
        out.push_str(ctrl);
    }
    if mods.contains(KeyModifiers::ALT) {
        out.push_str(alt);
    }
    out + &base
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_back_what_config_keys_writes() {
        for text in [
            "n",
            "G",
            "?",
            "/",
            "ctrl-f",
            "alt-x",
            "pgdn",
            "shift-tab",
            "f5",
            "space",
        ] {
            let key = Key::parse(text).unwrap();
            assert_eq!(key.config_name(), text);
            assert_eq!(Key::parse(&key.config_name()), Ok(key));
        }
        assert_eq!(Key::parse("Ctrl-F"), Ok(ctrl('f')));
        assert_eq!(Key::parse("PageDown"), Ok(plain(KeyCode::PageDown)));
        assert_eq!(Key::parse("-"), Ok(ch('-')));
        assert_eq!(Key::parse("↑"), Ok(plain(KeyCode::Up)));
    }

    #[test]
    fn nonsense_is_not_a_key() {
        for text in ["", "ctrl-", "pgdown2", "f13", "hyper-x", "ab"] {
            let err = Key::parse(text).unwrap_err();
            assert!(err.contains("is not a key"), "{text}: {err}");
        }
    }
}
