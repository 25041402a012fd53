use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;

fn entry(name: &str, line: usize, keys: &[&str]) -> KeyEntry {
    KeyEntry {
        name: name.into(),
        place: format!("config.toml line {line}"),
        keys: Ok(keys.iter().map(|k| k.to_string()).collect()),
    }
}

fn press(c: char) -> KeyEvent {
    KeyEvent::from(KeyCode::Char(c))
}

#[test]
fn every_row_has_its_own_name() {
    for (i, b) in BINDINGS.iter().enumerate() {
        assert!(
            BINDINGS[i + 1..].iter().all(|o| o.name != b.name),
            "{} twice",
            b.name
        );
    }
}

#[test]
fn the_defaults_never_clash() {
    // Every row counted as configured: the check sees every pair.
    let all = entry("x", 1, &[]);
    let set_by = vec![Some(&all); BINDINGS.len()];
    assert_eq!(KeyMap::default().first_clash(&set_by), None);
    assert_eq!(KeyMap::configure(&[]), (KeyMap::default(), Vec::new()));
}

#[test]
fn a_configured_key_replaces_the_defaults() {
    let (map, warnings) = KeyMap::configure(&[entry("next_page", 3, &["ctrl-f", "J"])]);
    assert!(warnings.is_empty(), "{warnings:?}");
    let list = [Context::List, Context::Anywhere];
    let ctrl_f = KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL);
    assert_eq!(map.action_for(&list, &ctrl_f), Some(Action::NextPage));
    assert_eq!(map.action_for(&list, &press('J')), Some(Action::NextPage));
    assert_eq!(map.action_for(&list, &press('n')), None);
    assert_eq!(
        map.hints(&list, false)
            .iter()
            .find(|(_, w)| *w == "page")
            .map(|(k, _)| k.as_str()),
        Some("J/p")
    );
}

#[test]
fn dialog_keys_are_configurable() {
    let (map, warnings) = KeyMap::configure(&[entry("send", 1, &["s"])]);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        map.action_for(&[Context::Review], &press('s')),
        Some(Action::Send)
    );
    assert_eq!(map.action_for(&[Context::Review], &press('y')), None);
    assert_eq!(
        map.dialog_hints(Context::Review)[0],
        ("s".to_string(), "send")
    );
}

#[test]
fn an_unknown_name_is_a_warning_naming_the_line() {
    let (map, warnings) = KeyMap::configure(&[entry("nxt_page", 7, &["x"])]);
    assert_eq!(map, KeyMap::default());
    assert_eq!(
        warnings,
        [
            "config.toml line 7: unknown action `nxt_page` in [keys], ignored; did you mean `next_page`?"
        ]
    );
}

#[test]
fn a_key_that_does_not_parse_keeps_the_defaults() {
    let (map, warnings) = KeyMap::configure(&[entry("search", 4, &["f", "hyper-s"])]);
    assert_eq!(map, KeyMap::default());
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].starts_with("config.toml line 4: `hyper-s` is not a key"));
    let not_a_list = KeyEntry {
        keys: Err("must be a list of keys".into()),
        ..entry("search", 5, &[])
    };
    let (map, warnings) = KeyMap::configure(&[not_a_list]);
    assert_eq!(map, KeyMap::default());
    assert!(warnings[0].starts_with("config.toml line 5: `search` must be a list"));
}

#[test]
fn one_key_for_two_actions_in_one_place_keeps_the_defaults() {
    // `n` is next_page's: search keeps `/`.
    let (map, warnings) = KeyMap::configure(&[entry("search", 2, &["n"])]);
    assert_eq!(map, KeyMap::default());
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0]
            .starts_with("config.toml line 2: `search` gives n to `search` as well as `next_page`"),
        "{}",
        warnings[0]
    );
    // A global key clashes with every place.
    let (_, warnings) = KeyMap::configure(&[entry("quit", 9, &["ctrl-s"])]);
    assert!(warnings[0].contains("`save_form`"), "{warnings:?}");
    // Moving next_page away first makes room: no clash.
    let (map, warnings) = KeyMap::configure(&[
        entry("search", 2, &["n"]),
        entry("next_page", 3, &["ctrl-f"]),
    ]);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        map.action_for(&[Context::List], &press('n')),
        Some(Action::Search)
    );
    // The same key in places that never meet is fine (list `j`, detail `j`).
    let (_, warnings) = KeyMap::configure(&[entry("down", 1, &["j"])]);
    assert!(warnings.is_empty());
}

#[test]
fn the_help_and_footer_read_the_configured_keys() {
    let (map, _) = KeyMap::configure(&[entry("help", 1, &["h"]), entry("back", 2, &["x"])]);
    let hints = map.hints(&[Context::List, Context::Anywhere], false);
    assert_eq!(hints[0], ("h".to_string(), "help"));
    assert_eq!(hints.last(), Some(&("x".to_string(), "quit")));
    assert_eq!(map.key_label_for(Context::Anywhere, Action::Help), "h");
}
