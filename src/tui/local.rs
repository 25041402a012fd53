//! The runtime's local IO for editing: the change journal, crash drafts and `$EDITOR`.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use crate::edit::draft::{self, Draft};
use crate::edit::journal::{self, JournalEntry};

/// The form's unsaved content, kept up to date by the runtime for the panic hook and signals.
pub type DraftSlot = Arc<Mutex<Option<Draft>>>;

/// Now, as the journal and drafts write it: RFC 3339 in UTC, whole seconds.
pub fn wall_clock() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The journal file inside the state directory.
pub fn journal_path(state_dir: &Path) -> PathBuf {
    state_dir.join("journal.jsonl")
}

/// The drafts directory inside the state directory.
pub fn drafts_dir(state_dir: &Path) -> PathBuf {
    state_dir.join("drafts")
}

/// Appends a saved change, stamped with the wall clock.
pub fn append_journal(state_dir: &Path, mut entry: JournalEntry) -> std::io::Result<()> {
    entry.time = wall_clock();
    journal::append(&journal_path(state_dir), &entry)
}

/// Writes the draft in `slot`, if any (panic hook and SIGTERM/SIGHUP). Never blocks on the
/// lock: a draft that cannot be taken at once is not worth a hang while dying.
pub fn save_draft(slot: &DraftSlot, state_dir: Option<&Path>) -> Option<PathBuf> {
    let dir = state_dir?;
    let mut d = match slot.try_lock() {
        Ok(g) => g.clone()?,
        Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner().clone()?,
        Err(std::sync::TryLockError::WouldBlock) => return None,
    };
    d.saved_at = wall_clock();
    draft::save(&drafts_dir(dir), &d).ok()
}

/// The editor command: the configured one, else `$VISUAL`, `$EDITOR`, `vi`.
pub fn editor_command(configured: Option<&str>) -> String {
    configured
        .map(str::to_owned)
        .or_else(|| std::env::var("VISUAL").ok())
        .or_else(|| std::env::var("EDITOR").ok())
        .filter(|e| !e.trim().is_empty())
        .unwrap_or_else(|| "vi".into())
}

/// Runs `command` (through `sh`, so `code -w` works) on a private temporary file holding
/// `text`, waits for it, and returns the file's text. Blocking: call it where blocking is fine.
pub fn run_editor(command: &str, text: &str) -> Result<String, String> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let path = std::env::temp_dir().join(format!("prospect-{}-{nanos}.toml", std::process::id()));
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // The document holds personal data.
        opts.mode(0o600);
    }
    let written = opts
        .open(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()));
    if let Err(e) = written {
        let _ = fs::remove_file(&path);
        return Err(format!("cannot write the temporary file: {e}"));
    }
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("{command} \"$1\""))
        .arg("prospect-editor")
        .arg(&path)
        .status();
    let result = match status {
        Ok(s) if s.success() => {
            fs::read_to_string(&path).map_err(|e| format!("cannot read the edited file back: {e}"))
        }
        Ok(s) => Err(format!("{command} exited with {s}; nothing was changed")),
        Err(e) => Err(format!("cannot start {command}: {e}")),
    };
    let _ = fs::remove_file(&path);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_editor_edits_a_temporary_file_that_is_removed_afterwards() {
        let out = run_editor("sed -i 's/old/new/'", "email = \"old@example.com\"\n");
        assert_eq!(out, Ok("email = \"new@example.com\"\n".to_string()));
        let failed = run_editor("false", "x");
        assert!(failed.is_err_and(|e| e.contains("exited")));
    }

    #[test]
    fn a_draft_in_the_slot_is_written_with_a_time() {
        let dir = tempfile::tempdir().expect("tempdir");
        let slot: DraftSlot = Arc::new(Mutex::new(None));
        assert_eq!(save_draft(&slot, Some(dir.path())), None);
        let p = crate::app::tests::fixtures::prospect(0);
        let mut edited = p.clone();
        edited.email = "new@example.com".into();
        *slot.lock().expect("lock") = Some(Draft {
            prospect_id: p.id.clone(),
            profile: "sandbox".into(),
            saved_at: String::new(),
            original: p.clone(),
            edited,
        });
        assert!(save_draft(&slot, Some(dir.path())).is_some());
        let back = draft::load(&drafts_dir(dir.path()), "sandbox", &p.id)
            .expect("reads")
            .expect("a draft");
        assert!(back.saved_at.ends_with('Z'));
        assert_eq!(back.edited.email, "new@example.com");
    }
}
