//! Everything that can happen to the TUI.

use chrono::NaiveDate;
use crossterm::event::{KeyEvent, MouseEvent};

use super::changes::ChangeSet;
use super::effect::RequestId;
use super::facet::{FacetCounts, Member};
use super::filter::MatchRow;
use super::state::{Millis, Viewport};
use crate::api::{ApiError, Page, Prospect};
use crate::batch::Planned;
use crate::edit::draft::Draft;
use crate::edit::journal::JournalEntry;
use crate::scan::{Finding, Progress, ScanError, ScanSummary};

/// One thing that happened: input, time, a finished request, or what the view laid out.
// A message is moved once from the worker to `update`; its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// A key press.
    Key(KeyEvent),
    /// A click, a drag or the wheel.
    Mouse(MouseEvent),
    /// The terminal now has this many columns and rows.
    Resize(u16, u16),
    /// Time passed: milliseconds on a monotonic clock the runtime started at 0.
    Tick(Millis),
    /// The sizes the last frame laid out (how far the scrolling panes can scroll).
    Viewport(Viewport),
    /// A request finished; `update` routes it by the purpose it was registered with.
    Api { req: RequestId, reply: Reply },
    /// A GET failed and will be retried after a wait; `text` says so in one sentence.
    Retrying { req: RequestId, text: String },
    /// The crash draft of a prospect (or none), or why it could not be read.
    DraftLoaded {
        id: String,
        result: Result<Option<Draft>, String>,
    },
    /// Local work (journal, draft, clipboard) failed: the sentence to show.
    LocalFailed(String),
    /// Warnings found while starting (e.g. a config file readable by others).
    Warnings(Vec<String>),
    /// A change set staged in an earlier session was found at start.
    StagedFound(ChangeSet),
    /// The journal's entries of this profile (oldest first), or why it could not be read.
    JournalLoaded(Result<Vec<JournalEntry>, String>),
    /// `$EDITOR` exited: the document's text, or why there is none.
    EditorClosed {
        id: String,
        result: Result<String, String>,
    },
}

/// What a request brought back; the kind follows from the request (`ApiRequest`).
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// A page of the list.
    Page(Result<Page, ApiError>),
    /// One prospect (a GET by id or reference, or the record a PATCH returned).
    Prospect(Result<Prospect, ApiError>),
    /// Part of a scan's answer (`!`, `F`, `%`): what the records scanned since the last part
    /// brought, and how far the scan has got.
    Scanned { progress: Progress, part: ScanPart },
    /// A scan ended: how it went, or the page that failed.
    ScanEnded(Result<ScanSummary, ScanError>),
    /// The clusters of a facet's values, largest first (computed off the UI thread).
    Clustered(Vec<crate::scan::facet::Cluster>),
    /// A plan: every row classified against the server's record.
    Planned(Vec<Planned>),
    /// Part of a batch's answer: how many rows are done, of how many.
    Sending { done: usize, total: usize },
    /// A batch ended: its id, every row's outcome, and why it stopped early (the journal
    /// could not be written), if it did.
    Sent {
        batch: String,
        rows: Vec<Planned>,
        error: Option<String>,
    },
}

/// What one part of a scan brings, by the view it feeds.
#[derive(Debug, Clone, PartialEq)]
pub enum ScanPart {
    /// The findings of the records scanned (the duplicates come in the last part), and the
    /// date the rules took as today (a record saved later is checked against it).
    Findings {
        findings: Vec<Finding>,
        today: NaiveDate,
    },
    /// The rows of the matches on the page just scanned.
    Matches(Vec<MatchRow>),
    /// The counts so far (the worker counts; the view holds only the counts).
    Counts(FacetCounts),
    /// The records holding one of the values asked for (`V`, `A` in the facet view).
    Members(Vec<Member>),
}

impl Reply {
    /// Whether more answers to the same request follow this one. Every kind is named, so a
    /// new streamed reply cannot be dropped silently by the registry.
    pub fn is_partial(&self) -> bool {
        match self {
            Reply::Scanned { .. } | Reply::Sending { .. } => true,
            Reply::Page(_)
            | Reply::Prospect(_)
            | Reply::ScanEnded(_)
            | Reply::Clustered(_)
            | Reply::Planned(_)
            | Reply::Sent { .. } => false,
        }
    }

    /// The page, if this is a page answer.
    pub fn into_page(self) -> Option<Result<Page, ApiError>> {
        match self {
            Reply::Page(r) => Some(r),
            Reply::Prospect(_)
            | Reply::Scanned { .. }
            | Reply::ScanEnded(_)
            | Reply::Clustered(_)
            | Reply::Planned(_)
            | Reply::Sending { .. }
            | Reply::Sent { .. } => None,
        }
    }

    /// The prospect, if this is a one-prospect answer.
    pub fn into_prospect(self) -> Option<Result<Prospect, ApiError>> {
        match self {
            Reply::Prospect(r) => Some(r),
            Reply::Page(_)
            | Reply::Scanned { .. }
            | Reply::ScanEnded(_)
            | Reply::Clustered(_)
            | Reply::Planned(_)
            | Reply::Sending { .. }
            | Reply::Sent { .. } => None,
        }
    }
}
