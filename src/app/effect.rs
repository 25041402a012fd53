//! IO that `update` asks for, as data: requests for the worker, local work for the runtime.
//!
//! Each kind of IO has one enum and one place that carries it out: [`ApiRequest`] the worker's
//! match (`runtime::worker`), [`Local`] the runtime's (`runtime::app`). Neither has a wildcard
//! arm, so a new kind cannot be forgotten.

use std::time::Duration;

use super::changes::ChangeSet;
use crate::api::PatchBody;
use crate::batch::{Correction, Planned};
use crate::edit::history::PromptHistory;
use crate::edit::journal::JournalEntry;
use crate::scan::Filter;
use crate::scan::facet::{FacetField, Method};

/// Identifies one request, so an answer nobody waits for any more can be dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct RequestId(pub u64);

/// One piece of IO asked for by `update`.
// Effects are moved once to the runtime; their size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// An HTTP request for the worker; its answer comes back as `Msg::Api` with the same id.
    Api(ApiCall),
    /// Nobody waits for this request any more: the worker aborts it (freeing its connection).
    Cancel(RequestId),
    /// Work the runtime does itself (files, the terminal, the clock).
    Local(Local),
}

/// A request to the Partner API and the id its answer will carry.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiCall {
    pub req: RequestId,
    pub request: ApiRequest,
}

/// The requests the worker knows how to make.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiRequest {
    /// One page of the list, optionally filtered (`None` = no search); answers `Reply::Page`.
    Page {
        search: Option<String>,
        page: u64,
        limit: u64,
    },
    /// One prospect by id; answers `Reply::Prospect`.
    ById { id: String },
    /// One prospect by external reference; answers `Reply::Prospect`.
    ByRef { reference: String },
    /// A minimal PATCH; answers `Reply::Prospect` (the updated record).
    Patch { id: String, body: PatchBody },
    /// Scan every page (narrowed by a search) and run every `check` rule: answers with one
    /// `Reply::Scanned` (findings) per page, then `Reply::ScanEnded`. Cancelling it stops the scan.
    Check { search: Option<String> },
    /// Scan every page (narrowed by a search) for the records matching a filter: answers with
    /// one `Reply::Scanned` (matches) per page, then `Reply::ScanEnded`.
    Filter {
        search: Option<String>,
        filter: Filter,
    },
    /// Scan every page (narrowed by a search and a filter) and count the values of one
    /// field: answers with `Reply::Scanned` parts holding the counts so far, then
    /// `Reply::ScanEnded`.
    Facet {
        search: Option<String>,
        filter: Option<Filter>,
        field: FacetField,
    },
    /// Scan every page (narrowed as the facet was) for the records whose `field` holds one of
    /// `values` (`None`: blank or missing): `Reply::Scanned` parts of members, then
    /// `Reply::ScanEnded`.
    Members {
        search: Option<String>,
        filter: Option<Filter>,
        field: FacetField,
        values: Vec<Option<String>>,
    },
    /// Fetch the records `ids` one by one (as many at once as the client's limit allows), or
    /// find them in a scan of every page, for their value of `field`: `Reply::Scanned` parts of members (a record gone since is left
    /// out), then `Reply::ScanEnded`. For `S =EXPR` on marked records whose value the screen
    /// does not hold.
    Fetch {
        ids: Vec<String>,
        field: crate::patch::FieldPath,
        concurrency: usize,
        /// Find them by scanning every page instead (fewer requests when there are more
        /// records to fetch than pages of 100 to scan).
        by_scan: bool,
    },
    /// Not HTTP: cluster a facet's values off the UI thread; answers `Reply::Clustered`.
    Cluster {
        values: Vec<(String, u64)>,
        method: Method,
    },
    /// Plan corrections as `prospect apply` does (fetch each record, classify it); answers
    /// `Reply::Planned`.
    Plan {
        rows: Vec<Correction>,
        concurrency: usize,
    },
    /// Plan the inverse of journaled changes as `prospect revert` does; answers
    /// `Reply::Planned`.
    PlanRevert {
        entries: Vec<JournalEntry>,
        concurrency: usize,
    },
    /// Send rows as one journaled batch (corrections are planned first); answers with
    /// `Reply::Sending` as rows finish, then `Reply::Sent`. Cancelling it stops new PATCHes.
    SendBatch {
        rows: BatchRows,
        profile: String,
        reason: Option<String>,
        concurrency: usize,
    },
}

/// What a batch sends.
#[derive(Debug, Clone, PartialEq)]
pub enum BatchRows {
    /// Staged changes: planned just before sending.
    Corrections(Vec<Correction>),
    /// A reviewed plan (a revert): its `change` rows are sent.
    Planned(Vec<Planned>),
}

/// Work the runtime does itself; failures come back as messages.
// Moved once; size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Local {
    /// Append a saved change to the journal. `time` is empty: the runtime stamps it with the
    /// wall clock (update has none).
    AppendJournal(JournalEntry),
    /// Look for a crash draft of this prospect; answers with `Msg::DraftLoaded`.
    LoadDraft { id: String },
    /// Remove the crash draft of this prospect, if any.
    DiscardDraft { id: String },
    /// Hand the terminal to `$VISUAL`/`$EDITOR` on this document; answers with
    /// `Msg::EditorClosed`.
    OpenEditor { id: String, text: String },
    /// Put this text on the clipboard (OSC 52); a failure answers with `Msg::LocalFailed`.
    CopyToClipboard(String),
    /// Deliver a `Msg::Tick` after this long (debounce, fades).
    ScheduleTick { after: Duration },
    /// Write the prompt history of this profile (the whole of it, replacing the file).
    SaveHistory(PromptHistory),
    /// Write the staged change set (an empty one removes the file): done on every change, so
    /// staged work survives a crash.
    SaveStaged(ChangeSet),
    /// Read this profile's journal; answers with `Msg::JournalLoaded`.
    LoadJournal,
    /// Suspend to the shell (ctrl-z) and redraw on resume.
    Suspend,
    /// Leave the TUI: the only way it ends.
    Quit,
}

impl From<Local> for Effect {
    fn from(local: Local) -> Self {
        Effect::Local(local)
    }
}
