//! The runtime's file work: appending to the change journal, keeping crash drafts and the
//! staged change set.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::app::changes::ChangeSet;
use crate::edit::draft::{self, Draft};
use crate::edit::journal::{self, JournalEntry};

/// The form's unsaved content, kept up to date by the runtime for the panic hook and signals.
pub type DraftSlot = Arc<Mutex<Option<Draft>>>;

/// Now, as the journal and drafts write it: RFC 3339 in UTC, whole seconds.
pub fn wall_clock() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Appends a saved change, stamped with the wall clock.
pub fn append_journal(state_dir: &Path, mut entry: JournalEntry) -> std::io::Result<()> {
    entry.time = wall_clock();
    journal::append(&journal::path_in(state_dir), &entry)
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
    draft::save(&draft::dir_in(dir), &d).ok()
}

/// The staged change set's file of a profile: `staged.<profile>.json` in the state directory
/// (the profile escaped as draft names are).
pub fn staged_path(state_dir: &Path, profile: &str) -> PathBuf {
    let mut name = String::from("staged.");
    draft::escape_into(&mut name, profile);
    name.push_str(".json");
    state_dir.join(name)
}

/// Writes the staged set (0600, through a rename, so a crash mid-write keeps the old file);
/// an empty set removes the file.
pub fn save_staged(state_dir: &Path, set: &ChangeSet) -> std::io::Result<()> {
    let path = staged_path(state_dir, &set.profile);
    if set.is_empty() {
        return match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        };
    }
    journal::create_private_dir(state_dir)?;
    let bytes = serde_json::to_vec(set).map_err(std::io::Error::other)?;
    draft::write_private(&path, &bytes)
}

/// The staged set left by an earlier session, if any.
pub fn load_staged(state_dir: &Path, profile: &str) -> std::io::Result<Option<ChangeSet>> {
    let bytes = match std::fs::read(staged_path(state_dir, profile)) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

/// Every journal entry (oldest first); a torn line is skipped.
pub fn read_journal(state_dir: &Path) -> std::io::Result<Vec<JournalEntry>> {
    let path = journal::path_in(state_dir);
    if !path.exists() {
        return Ok(Vec::new());
    }
    journal::read_checked(&path).map(|(entries, _skipped)| entries)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let back = draft::load(&draft::dir_in(dir.path()), "sandbox", &p.id)
            .expect("reads")
            .expect("a draft");
        assert!(back.saved_at.ends_with('Z'));
        assert_eq!(back.edited.email, "new@example.com");
    }

    #[test]
    fn the_staged_set_is_kept_private_and_an_empty_one_removes_the_file() {
        use crate::patch::FieldPath;
        let dir = tempfile::tempdir().expect("tempdir");
        let mut set = ChangeSet::new("prod/1");
        let field = FieldPath::parse("email").expect("field");
        set.stage("id-1", "Ann", field, Some("a@example.com".into()), None);
        save_staged(dir.path(), &set).expect("saved");
        let path = staged_path(dir.path(), "prod/1");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(load_staged(dir.path(), "prod/1").expect("reads"), Some(set));
        save_staged(dir.path(), &ChangeSet::new("prod/1")).expect("saved");
        assert!(!path.exists());
        assert_eq!(load_staged(dir.path(), "prod/1").expect("reads"), None);
    }
}
