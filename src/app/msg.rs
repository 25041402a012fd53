//! Everything that can happen to the TUI.

use crossterm::event::KeyEvent;

use super::state::{Millis, RequestId};
use crate::api::{ApiError, Page, Prospect};
use crate::edit::draft::Draft;

/// One thing that happened: input, time, or a finished request.
// A message is moved once from the worker to `update`; its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// A key press.
    Key(KeyEvent),
    /// The terminal now has this many columns and rows.
    Resize(u16, u16),
    /// Time passed: milliseconds on a monotonic clock the runtime started at 0.
    Tick(Millis),
    /// A list request finished.
    PageLoaded {
        req: RequestId,
        result: Result<Page, ApiError>,
    },
    /// A request for one prospect (by id or by external reference) finished.
    ProspectLoaded {
        req: RequestId,
        result: Result<Prospect, ApiError>,
    },
    /// A GET failed and will be retried after a wait; `text` says so in one sentence.
    Retrying { req: RequestId, text: String },
    /// A PATCH finished: the full updated record, or why not.
    PatchSent {
        req: RequestId,
        result: Result<Prospect, ApiError>,
    },
    /// The crash draft of a prospect (or none), or why it could not be read.
    DraftLoaded {
        id: String,
        result: Result<Option<Draft>, String>,
    },
    /// A local file operation (journal, draft) failed: the sentence to show.
    LocalFailed(String),
    /// `$EDITOR` exited: the document's text, or why there is none.
    EditorClosed {
        id: String,
        result: Result<String, String>,
    },
}
