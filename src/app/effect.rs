//! IO that `update` asks the runtime to do, as data.

use std::time::Duration;

use super::state::RequestId;
use crate::edit::journal::JournalEntry;
use crate::patch::PatchBody;

/// Work for the runtime or the worker; each API effect answers with a `Msg` carrying `req`.
// Effects are moved once to the runtime; their size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// One page of the list, optionally filtered (`None` = no search).
    FetchPage {
        req: RequestId,
        search: Option<String>,
        page: u64,
        limit: u64,
    },
    /// One prospect by id.
    FetchById { req: RequestId, id: String },
    /// One prospect by external reference.
    FetchByRef { req: RequestId, reference: String },
    /// A minimal PATCH; answers with `Msg::PatchSent`.
    SendPatch {
        req: RequestId,
        id: String,
        body: PatchBody,
    },
    /// Append a saved change to the local journal. `time` is empty: the runtime stamps it
    /// with the wall clock (update has none).
    AppendJournal(JournalEntry),
    /// Look for a crash draft of this prospect; answers with `Msg::DraftLoaded`.
    LoadDraft { id: String },
    /// Remove the crash draft of this prospect, if any.
    DiscardDraft { id: String },
    /// Hand the terminal to `$VISUAL`/`$EDITOR` on this document; answers with
    /// `Msg::EditorClosed`.
    OpenEditor { id: String, text: String },
    /// Put this text on the clipboard (OSC 52).
    CopyToClipboard(String),
    /// Deliver a `Msg::Tick` after this long (debounce, fades).
    ScheduleTick { after: Duration },
    /// Suspend to the shell (ctrl-z) and redraw on resume.
    Suspend,
    /// Leave the TUI.
    Quit,
}

impl Effect {
    /// Whether the worker (the HTTP side) handles this effect.
    pub fn is_request(&self) -> bool {
        matches!(
            self,
            Effect::FetchPage { .. }
                | Effect::FetchById { .. }
                | Effect::FetchByRef { .. }
                | Effect::SendPatch { .. }
        )
    }
}
