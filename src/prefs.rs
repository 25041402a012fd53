//! The look and feel the config file asks for: `[keys]`, `theme` / `[theme]`, `color`,
//! `mouse`. Whatever is wrong is a warning naming its line, never an error: the defaults stay
//! in force for it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::app::keys::{KeyEntry, KeyMap};
use crate::theme::{ColorMode, Theme, parse_color, role_named};

/// The TUI's preferences from the config file, and what was wrong in them.
#[derive(Debug, Clone, PartialEq)]
pub struct Prefs {
    /// The effective key map.
    pub keys: KeyMap,
    /// The preset with the `[theme]` overrides (whether colour is on is decided with
    /// `NO_COLOR`, from `color`).
    pub theme: Theme,
    /// `color = "auto" | "always" | "never"`.
    pub color: ColorMode,
    /// `mouse = false` turns the mouse off.
    pub mouse: bool,
    /// One sentence per problem, naming the file and line.
    pub warnings: Vec<String>,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            keys: KeyMap::default(),
            theme: Theme::dark(),
            color: ColorMode::Auto,
            mouse: true,
            warnings: Vec::new(),
        }
    }
}

impl Prefs {
    /// The theme to draw with: colour off when `color` or `NO_COLOR` (its value given) say so.
    pub fn effective_theme(&self, no_color: Option<&str>) -> Theme {
        let mut theme = self.theme.clone();
        theme.colors = self.color.use_color(no_color);
        theme
    }
}

type SpannedTable = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

/// The parts of the file read here; the rest is `config`'s.
#[derive(Deserialize, Default)]
struct Raw {
    keys: Option<SpannedTable>,
    theme: Option<Spanned<toml::Value>>,
    color: Option<Spanned<toml::Value>>,
    mouse: Option<Spanned<toml::Value>>,
}

/// `[theme]` read again as a table, for the line of each entry.
#[derive(Deserialize)]
struct RawThemeTable {
    theme: SpannedTable,
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
                .map(|s| format!(" line {}", crate::text::line_of(text, s.start)))
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
    let place = |offset: usize| format!("{file} line {}", crate::text::line_of(text, offset));
    let entries: Vec<KeyEntry> = raw
        .keys
        .unwrap_or_default()
        .into_iter()
        .map(|(name, value)| KeyEntry {
            place: place(name.span().start),
            name: name.into_inner(),
            keys: key_list(value.get_ref()),
        })
        .collect();
    let (keys, mut warnings) = KeyMap::configure(&entries);
    let mut prefs = Prefs {
        keys,
        ..Prefs::default()
    };
    if let Some(v) = raw.theme {
        prefs.theme = theme(text, &v, &place, &mut warnings);
    }
    if let Some(v) = raw.color {
        match v.get_ref().as_str().and_then(ColorMode::parse) {
            Some(mode) => prefs.color = mode,
            None => warnings.push(format!(
                "{}: color must be \"auto\", \"always\" or \"never\"; auto is used",
                place(v.span().start)
            )),
        }
    }
    if let Some(v) = raw.mouse {
        match v.get_ref().as_bool() {
            Some(on) => prefs.mouse = on,
            None => warnings.push(format!(
                "{}: mouse must be true or false; the mouse stays on",
                place(v.span().start)
            )),
        }
    }
    // Warnings in the order the lines are written.
    warnings.sort_by_key(|w| line_number(w));
    prefs.warnings = warnings;
    prefs
}

/// `theme = "light"`, or a `[theme]` table: `preset = "light"` and colours by role.
fn theme(
    text: &str,
    v: &Spanned<toml::Value>,
    place: &dyn Fn(usize) -> String,
    warnings: &mut Vec<String>,
) -> Theme {
    let preset = |name: &str, at: usize, warnings: &mut Vec<String>| {
        Theme::preset(name).unwrap_or_else(|| {
            warnings.push(format!(
                "{}: unknown theme `{name}` (dark or light); dark is used",
                place(at)
            ));
            Theme::dark()
        })
    };
    if let Some(name) = v.get_ref().as_str() {
        return preset(name, v.span().start, warnings);
    }
    let Ok(RawThemeTable { theme: table }) = toml::from_str::<RawThemeTable>(text) else {
        warnings.push(format!(
            "{}: theme must be \"dark\", \"light\" or a [theme] table; dark is used",
            place(v.span().start)
        ));
        return Theme::dark();
    };
    let mut theme = match table.iter().find(|(k, _)| k.get_ref() == "preset") {
        Some((_, v)) => match v.get_ref().as_str() {
            Some(name) => preset(name, v.span().start, warnings),
            None => preset("", v.span().start, warnings),
        },
        None => Theme::dark(),
    };
    for (name, value) in table.iter().filter(|(k, _)| k.get_ref() != "preset") {
        let at = place(name.span().start);
        let Some(role) = role_named(name.get_ref()) else {
            let roles: Vec<&str> = crate::theme::ROLES.iter().map(|(_, n)| *n).collect();
            let hint = match crate::config::did_you_mean(name.get_ref(), &roles) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("roles: {}", roles.join(", ")),
            };
            warnings.push(format!(
                "{at}: unknown colour role `{}` in [theme], ignored ({hint})",
                name.get_ref(),
            ));
            continue;
        };
        match value.get_ref().as_str().map(parse_color) {
            Some(Ok(color)) => theme.set(role, color),
            Some(Err(why)) => warnings.push(format!(
                "{at}: {why}; `{}` keeps its colour",
                name.get_ref()
            )),
            None => warnings.push(format!(
                "{at}: `{}` must be a colour in quotes; it keeps its colour",
                name.get_ref()
            )),
        }
    }
    theme
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

/// The line a warning names (`… line 12: …`).
fn line_number(warning: &str) -> usize {
    warning
        .split_once(" line ")
        .and_then(|(_, rest)| rest.split(':').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
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
    fn theme_color_and_mouse_are_read_with_the_lines_of_what_is_wrong() {
        use crate::theme::Role;
        use ratatui::style::Color;
        let p = from_text(
            "theme = \"light\"\ncolor = \"never\"\nmouse = false\n",
            "c.toml",
        );
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(p.theme, Theme::light());
        assert!(!p.mouse);
        assert!(!p.effective_theme(None).colors);

        let text = "color = \"sometimes\"\n[theme]\npreset = \"light\"\naccent = \"#ff8800\"\nerror = \"lightred\"\nchanged = \"mauve\"\nsparkle = \"red\"\n";
        let p = from_text(text, "c.toml");
        assert_eq!(p.theme.get(Role::Accent), Color::Rgb(0xff, 0x88, 0x00));
        assert_eq!(p.theme.get(Role::Error), Color::LightRed);
        assert_eq!(
            p.theme.get(Role::Changed),
            Theme::light().get(Role::Changed)
        );
        assert_eq!(p.color, ColorMode::Auto);
        assert!(p.effective_theme(None).colors);
        assert!(!p.effective_theme(Some("1")).colors);
        assert_eq!(p.warnings.len(), 3, "{:?}", p.warnings);
        assert!(p.warnings[0].starts_with("c.toml line 1: color must be"));
        assert!(p.warnings[1].starts_with("c.toml line 6: `mauve` is not a colour"));
        assert!(p.warnings[2].starts_with("c.toml line 7: unknown colour role `sparkle`"));
        let p = from_text("[theme]\naccnt = \"red\"\n", "c.toml");
        assert_eq!(
            p.warnings,
            [
                "c.toml line 2: unknown colour role `accnt` in [theme], ignored (did you mean `accent`?)"
            ]
        );

        let p = from_text("theme = \"solarized\"\nmouse = \"yes\"\n", "c.toml");
        assert_eq!(p.theme, Theme::dark());
        assert!(p.mouse);
        assert!(p.warnings[0].starts_with("c.toml line 1: unknown theme `solarized`"));
        assert!(p.warnings[1].starts_with("c.toml line 2: mouse must be true or false"));
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
