//! The look and feel the config file asks for: `[keys]` (and, read the same way, the rest of
//! the TUI's preferences). Whatever is wrong is a warning naming its line, never an error:
//! the defaults stay in force for it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::app::keys::{KeyEntry, KeyMap};

/// The TUI's preferences from the config file, and what was wrong in them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Prefs {
    /// The effective key map.
    pub keys: KeyMap,
    /// One sentence per problem, naming the file and line.
    pub warnings: Vec<String>,
}

/// The parts of the file read here; the rest is `config`'s.
#[derive(Deserialize, Default)]
struct Raw {
    keys: Option<BTreeMap<Spanned<String>, Spanned<toml::Value>>>,
}

/// Reads the preferences from the config file at `path`, if there is one.
pub fn load(path: Option<&Path>) -> Prefs {
    let Some(path) = path.filter(|p| p.exists()) else {
        return Prefs::default();
    };
    match std::fs::read_to_string(path) {
        Ok(text) => from_text(&text, &path.display().to_string()),
        Err(e) => Prefs {
            warnings: vec![format!("Cannot read {}: {e}", path.display())],
            ..Prefs::default()
        },
    }
}

/// Reads the preferences from the text of a config file called `file` in warnings.
pub fn from_text(text: &str, file: &str) -> Prefs {
    let raw: Raw = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let at = e
                .span()
                .map(|s| format!(" line {}", line_of(text, s.start)))
                .unwrap_or_default();
            return Prefs {
                warnings: vec![format!(
                    "{file}{at}: {}; the default keys and looks are used",
                    e.message()
                )],
                ..Prefs::default()
            };
        }
    };
    let place = |offset: usize| format!("{file} line {}", line_of(text, offset));
    let mut entries: Vec<KeyEntry> = raw
        .keys
        .unwrap_or_default()
        .into_iter()
        .map(|(name, value)| KeyEntry {
            place: place(name.span().start),
            name: name.into_inner(),
            keys: key_list(value.get_ref()),
        })
        .collect();
    // Warnings in the order the lines are written.
    entries.sort_by_key(|e| line_number(&e.place));
    let (keys, warnings) = KeyMap::configure(&entries);
    Prefs { keys, warnings }
}

fn key_list(v: &toml::Value) -> Result<Vec<String>, String> {
    let not_a_list = || "must be a list of keys, e.g. [\"n\", \"ctrl-f\"]".to_string();
    match v {
        toml::Value::String(s) => Ok(vec![s.clone()]),
        toml::Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string).ok_or_else(not_a_list))
            .collect(),
        _ => Err(not_a_list()),
    }
}

fn line_number(place: &str) -> usize {
    place
        .rsplit(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
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
    use crate::app::keys::{Action, Context};
    use crossterm::event::{KeyCode, KeyEvent};

    #[test]
    fn keys_are_read_with_the_lines_of_what_is_wrong() {
        let text = "page_size = 20\n[keys]\nnext_page = [\"J\", \"pgdn\"]\nnxt = [\"x\"]\nsearch = \"f\"\nlookup = 3\n";
        let p = from_text(text, "config.toml");
        let press = |c| KeyEvent::from(KeyCode::Char(c));
        assert_eq!(
            p.keys.action_for(&[Context::List], &press('J')),
            Some(Action::NextPage)
        );
        assert_eq!(
            p.keys.action_for(&[Context::List], &press('f')),
            Some(Action::Search)
        );
        assert_eq!(p.warnings.len(), 2, "{:?}", p.warnings);
        assert!(p.warnings[0].starts_with("config.toml line 4: unknown action `nxt`"));
        assert!(p.warnings[1].starts_with("config.toml line 6: `lookup` must be a list"));
    }

    #[test]
    fn the_printed_table_reads_back_as_the_same_keys() {
        let (map, _) = KeyMap::configure(&[KeyEntry {
            name: "reload".into(),
            place: "x".into(),
            keys: Ok(vec!["ctrl-l".into(), "\"".into(), "\\".into()]),
        }]);
        let p = from_text(&map.to_toml(), "printed");
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(p.keys, map);
        assert_eq!(
            from_text(&KeyMap::default().to_toml(), "printed").keys,
            KeyMap::default()
        );
    }

    #[test]
    fn a_broken_file_is_a_warning_and_the_defaults() {
        let p = from_text("[keys]\nsearch = [\"f\"\n", "config.toml");
        assert_eq!(p.keys, KeyMap::default());
        assert!(
            p.warnings[0].starts_with("config.toml line"),
            "{:?}",
            p.warnings
        );
    }
}
