//! A batch's audit trail: the line that opens it (written before anything is sent), and one
//! entry per applied change. The first entry that cannot be written stops the batch: no new
//! PATCH starts, as after ctrl-c.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use super::run::{BatchInfo, new_batch_id};
use crate::edit::journal::{self, BatchOpening, JournalEntry};

/// The start of the message of a row that was applied but could not be journaled.
pub const NOT_JOURNALED: &str = "applied, not journaled";

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Why the journal at `path` could not be written, as one sentence naming it.
pub fn failure_text(path: &std::path::Path, e: &std::io::Error) -> String {
    format!("the journal {} cannot be written: {e}", path.display())
}

impl BatchInfo {
    /// A new batch (a fresh id) on `profile`, journaled at `journal`.
    pub fn new(profile: String, reason: Option<String>, journal: Option<PathBuf>) -> Self {
        BatchInfo {
            batch: new_batch_id(),
            profile,
            reason,
            journal,
            journal_failure: Arc::new(OnceLock::new()),
        }
    }

    /// Whether a journal write of this batch has failed (then nothing more is sent).
    pub fn journal_failed(&self) -> bool {
        self.journal_failure.get().is_some()
    }

    /// The first journal failure of this batch, as a sentence naming the journal.
    pub fn journal_failure(&self) -> Option<&str> {
        self.journal_failure.get().map(String::as_str)
    }

    /// Writes the line that opens the batch (`rows` changes about to be sent). An error
    /// names the journal and its path: then nothing may be sent.
    pub async fn open(&self, rows: usize) -> Result<(), String> {
        let Some(path) = self.journal.clone() else {
            return Ok(());
        };
        let opening = BatchOpening {
            time: now(),
            opens_batch: self.batch.clone(),
            profile: self.profile.clone(),
            reason: self.reason.clone(),
            rows,
        };
        let written = tokio::task::spawn_blocking(move || {
            journal::append_opening(&path, &opening).map_err(|e| (path, e))
        })
        .await;
        match written {
            Ok(Ok(())) => Ok(()),
            Ok(Err((path, e))) => Err(failure_text(&path, &e)),
            Err(e) => Err(format!("the journal cannot be written: {e}")),
        }
    }

    /// Journals one applied change, flushed before its outcome is reported. On failure the
    /// batch is marked stopped and the row's message is returned (`applied, not journaled: …`).
    pub async fn record(&self, entry: JournalEntry) -> Result<(), String> {
        let Some(path) = self.journal.clone() else {
            return Ok(());
        };
        let written = tokio::task::spawn_blocking(move || {
            let mut entry = entry;
            entry.time = now();
            journal::append(&path, &entry).map_err(|e| failure_text(&path, &e))
        })
        .await
        .unwrap_or_else(|e| Err(format!("the journal cannot be written: {e}")));
        written.map_err(|text| {
            let _ = self.journal_failure.set(text.clone());
            format!("{NOT_JOURNALED}: {text}")
        })
    }
}
