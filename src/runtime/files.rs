//! The runtime's file work: appending to the change journal and keeping crash drafts.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

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
}
