//! The state of the change-set views: the pending set (`P`, also the review of a revert),
//! the journal (`H`), the field picker of `S`, and the quit question.

use std::collections::BTreeMap;

use super::effect::RequestId;
use crate::batch::Planned;
use crate::edit::journal::JournalEntry;
use crate::patch::FieldPath;

/// What the pending view is busy with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// Fetching every record and classifying it, as `apply` plans.
    Planning(RequestId),
    /// Sending: how many rows are done of how many.
    Sending {
        req: RequestId,
        done: usize,
        total: usize,
    },
}

/// The pending change set (`P`), or the review of a revert (`u`, `R` in the journal).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PendingView {
    /// The selected row.
    pub row: usize,
    /// The last plan: of the staged set (outcomes shown beside each record), or of the revert
    /// under review (then its rows are what is shown and sent).
    pub plan: Option<Vec<Planned>>,
    /// A revert under review, and what it reverts (`batch 2026…`, `the change of …`).
    pub revert: Option<String>,
    /// The journaled changes the revert inverts (planned again by ctrl-s).
    pub revert_entries: Vec<JournalEntry>,
    pub work: Option<Work>,
}

impl PendingView {
    /// The request in flight, if any.
    pub fn req(&self) -> Option<RequestId> {
        match self.work? {
            Work::Planning(req) | Work::Sending { req, .. } => Some(req),
        }
    }
}

/// Whose changes the journal view lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryScope {
    /// One prospect's changes, newest first.
    Prospect { id: String, label: String },
    /// Every batch of this profile, newest first.
    Batches,
    /// The changes of one batch (`Enter` on a batch), in the order they were sent; `Esc`
    /// goes back to the batches, on the row it came from.
    Batch { batch: String, from_row: usize },
}

/// One batch of the journal, as the batches view lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRow {
    pub batch: String,
    /// When its first change was journaled.
    pub time: String,
    pub reason: Option<String>,
    /// How many changes it holds.
    pub changes: usize,
}

/// The journal view (`H`).
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryView {
    pub scope: HistoryScope,
    /// This profile's entries (of the prospect, for that scope), newest first, once read.
    pub entries: Option<Result<Vec<JournalEntry>, String>>,
    pub row: usize,
}

impl HistoryView {
    /// The entries read so far (none while reading or after a failure).
    pub fn loaded(&self) -> &[JournalEntry] {
        match &self.entries {
            Some(Ok(e)) => e,
            _ => &[],
        }
    }

    /// The batches, newest first.
    pub fn batches(&self) -> Vec<BatchRow> {
        let mut by: BTreeMap<&str, BatchRow> = BTreeMap::new();
        for e in self.loaded() {
            let Some(b) = e.batch.as_deref() else {
                continue;
            };
            let row = by.entry(b).or_insert_with(|| BatchRow {
                batch: b.to_string(),
                time: e.time.clone(),
                reason: e.reason.clone(),
                changes: 0,
            });
            row.changes += 1;
            if e.time < row.time {
                row.time = e.time.clone();
            }
        }
        let mut rows: Vec<BatchRow> = by.into_values().collect();
        rows.sort_by(|a, b| b.time.cmp(&a.time).then(b.batch.cmp(&a.batch)));
        rows
    }

    /// How many rows the view shows.
    pub fn len(&self) -> usize {
        match &self.scope {
            HistoryScope::Batches => self.batches().len(),
            HistoryScope::Prospect { .. } => self.loaded().len(),
            HistoryScope::Batch { batch, .. } => self.of_batch(batch).len(),
        }
    }

    /// Whether it shows no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entries of one batch, in the order they were journaled.
    pub fn of_batch(&self, batch: &str) -> Vec<JournalEntry> {
        let mut out: Vec<JournalEntry> = self
            .loaded()
            .iter()
            .filter(|e| e.batch.as_deref() == Some(batch))
            .cloned()
            .collect();
        out.reverse();
        out
    }
}

/// `S`: the records the field is set on, and (once picked) the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetField {
    /// (id, label) of every record the value goes to.
    pub targets: Vec<(String, String)>,
    /// The selected row of the field list.
    pub row: usize,
    /// The field picked; the value is then typed in the prompt.
    pub field: Option<FieldPath>,
    /// Why the value typed last was refused (shown in the prompt, which stays open).
    pub error: Option<String>,
    /// The picker is `%`'s: the field picked is counted, nothing is set.
    pub facet: bool,
    /// `S` in the facet view: the value goes to the records holding these values (found by a
    /// scan), not to `targets`.
    pub members: Option<Vec<Option<String>>>,
    /// While an expression (`=…`) is typed: what it makes of the first few targets, or why
    /// it does not parse.
    pub preview: Option<Result<Vec<super::set_expr::Row>, String>>,
}
