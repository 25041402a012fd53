//! Keys the config file does not know: a warning naming the key and its line, with the
//! nearest known key ("unknown key `time_out`; did you mean `timeout`?"), never an error.

use serde::Deserialize;
use toml::de::{DeTable, DeValue};

use super::schema::{ConfigFile, ProfileFile};

/// One warning per unknown key of `text` (top level and in each `[profiles.NAME]`), in the
/// order of the file, each naming `file` and the line.
pub fn unknown_keys(text: &str, file: &str) -> Vec<String> {
    let Ok(doc) = DeTable::parse(text) else {
        // A file that does not parse is an error of its own, reported by `load`.
        return Vec::new();
    };
    let top = fields_of::<ConfigFile>();
    let in_profile = fields_of::<ProfileFile>();
    let mut found = Vec::new();
    for (key, value) in doc.get_ref() {
        let name = key.get_ref().as_ref();
        if !top.contains(&name) {
            found.push((key.span().start, warning(name, top, "")));
        } else if name == "profiles"
            && let DeValue::Table(profiles) = value.get_ref()
        {
            for (profile, table) in profiles {
                let DeValue::Table(table) = table.get_ref() else {
                    continue;
                };
                let within = format!(" in profile {}", profile.get_ref());
                for (key, _) in table {
                    let name = key.get_ref().as_ref();
                    if !in_profile.contains(&name) {
                        found.push((key.span().start, warning(name, in_profile, &within)));
                    }
                }
            }
        }
    }
    found.sort_by_key(|(at, _)| *at);
    found
        .into_iter()
        .map(|(at, w)| format!("{file} line {}: {w}", crate::text::line_of(text, at)))
        .collect()
}

/// The unknown-key warnings of the config file at `path` (none when it cannot be read: that
/// is reported where the file is loaded), for runs that use no profile (`--demo`).
pub fn unknown_keys_at(path: Option<&std::path::Path>) -> Vec<String> {
    path.and_then(|p| Some((p, std::fs::read_to_string(p).ok()?)))
        .map(|(p, text)| unknown_keys(&text, &p.display().to_string()))
        .unwrap_or_default()
}

/// "unknown key `time_out`; did you mean `timeout`?", or "unknown key `x`, ignored".
fn warning(name: &str, known: &[&str], within: &str) -> String {
    match did_you_mean(name, known) {
        Some(near) => format!("unknown key `{name}`{within}; did you mean `{near}`?"),
        None => format!("unknown key `{name}`{within}, ignored"),
    }
}

/// The known name nearest to `name`, when it is near enough to be a slip.
pub fn did_you_mean<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(name, k), *k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

/// The field names serde accepts for `T`, read from its derived `Deserialize`, so the list
/// of known keys can never drift from the structs.
fn fields_of<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    use serde::de::{self, Visitor};
    struct Capture<'a>(&'a mut &'static [&'static str]);
    impl<'de> de::Deserializer<'de> for Capture<'_> {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(de::Error::custom("fields captured"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Capture(&mut fields));
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_named_with_their_line_and_the_nearest_key() {
        let text = "time_out = 5\npage_size = 20\n[profiles.prod]\nbase_url = \"https://a.example\"\nsecrett = \"x\"\nzzz = 1\n[theme]\npreset = \"light\"\n";
        assert_eq!(
            unknown_keys(text, "c.toml"),
            [
                "c.toml line 1: unknown key `time_out`; did you mean `timeout`?",
                "c.toml line 5: unknown key `secrett` in profile prod; did you mean `secret`?",
                "c.toml line 6: unknown key `zzz` in profile prod, ignored",
            ]
        );
    }

    #[test]
    fn every_field_of_the_structs_is_known() {
        let top = fields_of::<ConfigFile>();
        assert!(top.contains(&"timeout") && top.contains(&"profiles") && top.contains(&"keys"));
        assert!(fields_of::<ProfileFile>().contains(&"secret_command"));
        let all_known = "default_profile = \"a\"\npage_size = 1\ntimeout = 1\nconnect_timeout = 1\nconcurrency = 1\nsecret_command_timeout = 1\njournal_days = 1\ntheme = \"dark\"\ncolor = \"auto\"\nmouse = true\n[keys]\nsearch = [\"f\"]\n[profiles.a]\nbase_url = \"x\"\ntoken = \"t\"\nsecret = \"s\"\nread_only = true\naccent = \"red\"\npage_size = 3\n";
        assert!(unknown_keys(all_known, "c").is_empty());
    }
}
