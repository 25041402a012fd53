//! IO that `update` asks the runtime to do, as data.

use std::time::Duration;

use super::state::RequestId;

/// Work for the runtime or the worker; each API effect answers with a `Msg` carrying `req`.
#[derive(Debug, Clone, PartialEq, Eq)]
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
            Effect::FetchPage { .. } | Effect::FetchById { .. } | Effect::FetchByRef { .. }
        )
    }
}
