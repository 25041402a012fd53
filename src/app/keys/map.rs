//! The effective key map: the table's defaults, changed by the config's `[keys]`; what key
//! handling, help, the footer and the dialogs ask.

use crossterm::event::KeyEvent;

use super::bindings::BINDINGS;
use super::key::Key;
use super::kinds::{Action, Binding, Context};

/// The keys of every row of `BINDINGS`, in table order, as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMap {
    keys: Vec<Vec<Key>>,
}

impl Default for KeyMap {
    fn default() -> Self {
        KeyMap {
            keys: BINDINGS.iter().map(|b| b.defaults.to_vec()).collect(),
        }
    }
}

/// One `name = [keys]` line of the config's `[keys]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyEntry {
    /// The row's name, e.g. `next_page`.
    pub name: String,
    /// Where it is written, for warnings (`config.toml line 12`).
    pub place: String,
    /// The keys as written, or why the value is not a list of strings.
    pub keys: Result<Vec<String>, String>,
}

impl KeyMap {
    /// The defaults changed by `entries`; whatever is wrong in an entry (an unknown name, a
    /// key that does not parse, a key another row uses in the same place) is a warning naming
    /// its place, and that row keeps its defaults.
    pub fn configure(entries: &[KeyEntry]) -> (KeyMap, Vec<String>) {
        let mut map = KeyMap::default();
        let mut warnings = Vec::new();
        // Which entry set each row, for the conflict check.
        let mut set_by: Vec<Option<&KeyEntry>> = vec![None; BINDINGS.len()];
        for e in entries {
            let Some(i) = BINDINGS.iter().position(|b| b.name == e.name) else {
                warnings.push(format!(
                    "{}: unknown action `{}` in [keys], ignored{}",
                    e.place,
                    e.name,
                    did_you_mean(&e.name)
                ));
                continue;
            };
            let texts = match &e.keys {
                Ok(t) => t,
                Err(why) => {
                    warnings.push(format!(
                        "{}: `{}` {why}; its defaults stay",
                        e.place, e.name
                    ));
                    continue;
                }
            };
            match texts
                .iter()
                .map(|t| Key::parse(t))
                .collect::<Result<Vec<_>, _>>()
            {
                Ok(keys) => {
                    map.keys[i] = keys;
                    set_by[i] = Some(e);
                }
                Err(why) => warnings.push(format!(
                    "{}: {why} (in `{}`); its defaults stay",
                    e.place, e.name
                )),
            }
        }
        // A clash puts a configured row back to its defaults, which may clash in turn: repeat
        // until none is left (each round restores one row, so this ends).
        while let Some((i, j, key)) = map.first_clash(&set_by) {
            let (undo, other) = if set_by[j].is_some() { (j, i) } else { (i, j) };
            if let Some(e) = set_by[undo].take() {
                warnings.push(format!(
                    "{}: `{}` gives {} to `{}` as well as `{}` ({}); `{}` keeps its defaults",
                    e.place,
                    e.name,
                    key.config_name(),
                    e.name,
                    BINDINGS[other].name,
                    BINDINGS[other].context_labels(),
                    e.name
                ));
            }
            map.keys[undo] = BINDINGS[undo].defaults.to_vec();
        }
        (map, warnings)
    }

    /// Two rows giving one key to different things in one place, at least one configured.
    fn first_clash(&self, set_by: &[Option<&KeyEntry>]) -> Option<(usize, usize, Key)> {
        for (i, a) in BINDINGS.iter().enumerate() {
            for (j, b) in BINDINGS.iter().enumerate().skip(i + 1) {
                if set_by[i].is_none() && set_by[j].is_none() {
                    continue;
                }
                if !a
                    .contexts
                    .iter()
                    .any(|x| b.contexts.iter().any(|y| x.overlaps(*y)))
                {
                    continue;
                }
                if let Some(k) = self.keys[i].iter().find(|k| self.keys[j].contains(k)) {
                    return Some((i, j, *k));
                }
            }
        }
        None
    }

    /// The keys of the `i`th row of `BINDINGS`.
    pub fn keys_of(&self, i: usize) -> &[Key] {
        self.keys.get(i).map_or(&[], Vec::as_slice)
    }

    /// The rows of the table with their keys, in table order.
    pub fn rows(&self) -> impl Iterator<Item = (&'static Binding, &[Key])> {
        BINDINGS.iter().zip(self.keys.iter().map(Vec::as_slice))
    }

    /// The action for a key pressed where `contexts` apply, first match in table order.
    pub fn action_for(&self, contexts: &[Context], key: &KeyEvent) -> Option<Action> {
        contexts.iter().find_map(|ctx| {
            self.rows()
                .filter(|(b, _)| b.contexts.contains(ctx))
                .find(|(_, keys)| keys.iter().any(|k| k.matches(key)))
                .map(|(b, _)| b.action)
        })
    }

    /// The keys of `action` where `context` applies.
    fn keys_for(&self, context: Context, action: Action) -> &[Key] {
        self.rows()
            .find(|(b, _)| b.action == action && b.contexts.contains(&context))
            .map_or(&[], |(_, keys)| keys)
    }

    /// The first key of `action` where `context` applies, for text that names it ("r tries
    /// again").
    pub fn first_key_label(&self, context: Context, action: Action) -> String {
        self.keys_for(context, action)
            .first()
            .map(Key::label)
            .unwrap_or_default()
    }

    /// The keys of `action` where `context` applies, as help writes them (`Enter/y`: the
    /// first two), for text that names a key ("m reveals").
    pub fn key_label_for(&self, context: Context, action: Action) -> String {
        self.keys_for(context, action)
            .iter()
            .take(2)
            .map(Key::label)
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The footer's hints for where the user is: `(keys, word)` pairs.
    pub fn hints(&self, contexts: &[Context], read_only: bool) -> Vec<(String, &'static str)> {
        let mut out = Vec::new();
        for (b, keys) in self.rows() {
            let Some(hint) = b.hint else { continue };
            // A read-only profile refuses edits: the footer does not offer them.
            if read_only && b.action.changes_data() {
                continue;
            }
            let Some(ctx) = b.contexts.iter().find(|c| contexts.contains(c)) else {
                continue;
            };
            // The footer is short: the first key, or one of each for a pair (`j/k`).
            let label = match paired(b.action) {
                Some(other) => match (footer_key(keys), footer_key(self.keys_for(*ctx, other))) {
                    (Some(a), Some(b)) => format!("{a}/{b}"),
                    (Some(a), None) => a,
                    _ => continue,
                },
                None => match keys.first() {
                    Some(k) => k.label(),
                    None => continue,
                },
            };
            out.push((label, hint));
        }
        if contexts.contains(&Context::List) {
            if let Some(k) = self.keys_for(Context::Anywhere, Action::Back).first() {
                out.push((k.label(), "quit"));
            }
        } else if contexts.contains(&Context::Detail) {
            let list = self.keys_for(Context::Detail, Action::SwitchFocus);
            if let Some(k) = list.first() {
                out.push((k.label(), "list"));
            }
        }
        out
    }

    /// A dialog's key line: every row of `context` that has a hint, as `(keys, word)`.
    pub fn dialog_hints(&self, context: Context) -> Vec<(String, &'static str)> {
        self.dialog_buttons(context)
            .into_iter()
            .map(|(keys, word, _)| (keys, word))
            .collect()
    }

    /// The dialog's key line with the action of each part (a click on it does that).
    pub fn dialog_buttons(&self, context: Context) -> Vec<(String, &'static str, Action)> {
        self.rows()
            .filter(|(b, _)| b.contexts.contains(&context))
            .filter_map(|(b, _)| Some((self.key_label_for(context, b.action), b.hint?, b.action)))
            .filter(|(keys, _, _)| !keys.is_empty())
            .collect()
    }

    /// The whole table as TOML for the config file, one commented line per row.
    pub fn to_toml(&self) -> String {
        let mut out = String::from("[keys]\n");
        for (b, keys) in self.rows() {
            let list = keys
                .iter()
                .map(|k| toml_string(&k.config_name()))
                .collect::<Vec<_>>()
                .join(", ");
            out.push_str(&format!(
                "{} = [{list}]  # {}: {}\n",
                b.name,
                b.context_labels(),
                b.description
            ));
        }
        out
    }
}

/// The footer's pairs: the hint of the first stands for both.
fn paired(action: Action) -> Option<Action> {
    match action {
        Action::Down => Some(Action::Up),
        Action::ScrollDown => Some(Action::ScrollUp),
        Action::NextPage => Some(Action::PrevPage),
        Action::NextField => Some(Action::PrevField),
        _ => None,
    }
}

/// The key the footer shows for one of a pair: a letter when there is one (`j` rather than
/// `↓`), else the first.
fn footer_key(keys: &[Key]) -> Option<String> {
    let letter = keys.iter().find(|k| {
        matches!(k.code, crossterm::event::KeyCode::Char(c) if c.is_alphanumeric())
            && k.mods.is_empty()
    });
    letter.or(keys.first()).map(Key::label)
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `; did you mean `x`?` for a name close to a row's, else nothing.
fn did_you_mean(name: &str) -> String {
    BINDINGS
        .iter()
        .map(|b| (edit_distance(name, b.name), b.name))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, n)| format!("; did you mean `{n}`?"))
        .unwrap_or_default()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
#[path = "map_tests.rs"]
mod tests;
