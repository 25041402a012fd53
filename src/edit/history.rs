//! The prompt history file of a profile: `$XDG_STATE_HOME/prospect/history/history.<profile>.json`
//! (mode 0600), replaced whole on each change.

use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// How many entries of each kind are kept.
pub const HISTORY_MAX: usize = 100;

/// Past entries of the prompts, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PromptHistory {
    /// Searches kept with Enter.
    pub search: Vec<String>,
    /// Look-ups by id or external reference.
    pub lookup: Vec<String>,
    /// Filters (`F`) on any field.
    pub filter: Vec<String>,
}

/// Adds `text` as the newest entry of `list` (an older copy moves up), keeping the last
/// `HISTORY_MAX`; returns whether anything changed.
pub fn push(list: &mut Vec<String>, text: &str) -> bool {
    if text.is_empty() || list.last().map(String::as_str) == Some(text) {
        return false;
    }
    list.retain(|t| t != text);
    list.push(text.to_string());
    let extra = list.len().saturating_sub(HISTORY_MAX);
    list.drain(..extra);
    true
}

/// The history file of `profile` inside a state directory.
pub fn path_in(state_dir: &Path, profile: &str) -> PathBuf {
    let mut name = String::from("history.");
    super::draft::escape_into(&mut name, profile);
    name.push_str(".json");
    state_dir.join("history").join(name)
}

/// Reads the history of `profile`; none yet is an empty history. A file that does not parse
/// is an error (the caller says so and starts empty; the file is replaced on the next entry).
pub fn load(state_dir: &Path, profile: &str) -> io::Result<PromptHistory> {
    let text = match std::fs::read_to_string(path_in(state_dir, profile)) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(PromptHistory::default()),
        Err(e) => return Err(e),
    };
    let mut h: PromptHistory = serde_json::from_str(&text).map_err(io::Error::other)?;
    // A hand-edited file may hold more than is kept.
    for list in [&mut h.search, &mut h.lookup] {
        let extra = list.len().saturating_sub(HISTORY_MAX);
        list.drain(..extra);
    }
    Ok(h)
}

/// Writes the history of `profile`.
pub fn save(state_dir: &Path, profile: &str, history: &PromptHistory) -> io::Result<()> {
    let target = path_in(state_dir, profile);
    if let Some(dir) = target.parent() {
        super::journal::create_private_dir(dir)?;
    }
    let bytes = serde_json::to_vec_pretty(history).map_err(io::Error::other)?;
    super::draft::write_private(&target, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_history_reads_back_per_profile() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path(), "a").unwrap(), PromptHistory::default());
        let h = PromptHistory {
            search: vec!["doe".into()],
            lookup: vec!["CRM-0042".into()],
            filter: vec!["address.country=gb".into()],
        };
        save(dir.path(), "a/../b", &h).unwrap();
        assert_eq!(load(dir.path(), "a/../b").unwrap(), h);
        assert_eq!(load(dir.path(), "b").unwrap(), PromptHistory::default());
        std::fs::write(path_in(dir.path(), "c"), "not json").unwrap();
        assert!(load(dir.path(), "c").is_err());
    }
}
