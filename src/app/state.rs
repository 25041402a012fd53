//! The TUI's state: plain data, changed only by `update`.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use ratatui::layout::Rect;
use ratatui::style::Color;

use super::change_views::{HistoryView, PendingView, SetField};
use super::changes::ChangeSet;
use super::effect::RequestId;
use super::form::{Form, SavedChange};
use super::input::LineInput;
use super::keys::{Action, KeyMap};
pub use super::requests::PageKey;
use super::requests::{Purpose, Requests};
use super::screens::{Screen, View};
use crate::api::{ApiError, Page, PageMeta, Prospect};
use crate::edit::history::PromptHistory;
use crate::patch::phone::Region;
use crate::theme::Theme;

/// Which text is searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindTarget {
    Detail,
    Help,
}

/// A search inside the detail or the help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Find {
    pub target: FindTarget,
    pub query: String,
    /// The match shown (an index into the lines the view reported), once known.
    pub current: Option<usize>,
}

/// Milliseconds on the runtime's monotonic clock (0 = start).
pub type Millis = u64;

/// How long a status message stays on screen (an error stays until the next key).
pub const STATUS_FADE_MS: Millis = 4_000;
/// How long typing in the search prompt must pause before the search is sent.
pub const SEARCH_DEBOUNCE_MS: Millis = 200;
/// How many pages the cache keeps.
pub const PAGE_CACHE_PAGES: usize = 20;
/// Requests a plan or a batch runs at once unless the config says otherwise.
pub const DEFAULT_CONCURRENCY: usize = 4;
/// Columns from which list and detail sit side by side.
pub const WIDE_COLUMNS: u16 = 120;

/// Which pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    #[default]
    List,
    Detail,
}

/// Which row to select once a page is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Select {
    First,
    Last,
    Index(usize),
}

/// The page the list is waiting for.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingPage {
    pub req: RequestId,
    pub key: PageKey,
    pub select: Select,
}

/// Bounded least-recently-used cache of pages.
#[derive(Debug, Clone, PartialEq)]
pub struct PageCache {
    capacity: usize,
    entries: VecDeque<(PageKey, Page)>,
}

impl PageCache {
    /// An empty cache holding at most `capacity` pages.
    pub fn new(capacity: usize) -> Self {
        PageCache {
            capacity: capacity.max(1),
            entries: VecDeque::new(),
        }
    }

    /// The page, marked as most recently used.
    pub fn get(&mut self, key: &PageKey) -> Option<&Page> {
        let i = self.entries.iter().position(|(k, _)| k == key)?;
        let entry = self.entries.remove(i)?;
        self.entries.push_back(entry);
        self.entries.back().map(|(_, p)| p)
    }

    /// Whether the page is cached (without touching its recency).
    pub fn contains(&self, key: &PageKey) -> bool {
        self.entries.iter().any(|(k, _)| k == key)
    }

    /// Stores a page, evicting the least recently used one when full.
    pub fn insert(&mut self, key: PageKey, page: Page) {
        self.entries.retain(|(k, _)| *k != key);
        self.entries.push_back((key, page));
        while self.entries.len() > self.capacity {
            self.entries.pop_front();
        }
    }

    /// Puts a changed record in place of its old version in every cached page.
    pub fn replace_record(&mut self, p: &Prospect) {
        for (_, page) in &mut self.entries {
            for row in page.items.iter_mut().filter(|r| r.id == p.id) {
                *row = p.clone();
            }
        }
    }

    /// A record held in any cached page.
    pub fn find(&self, id: &str) -> Option<&Prospect> {
        self.entries
            .iter()
            .rev()
            .find_map(|(_, page)| page.items.iter().find(|p| p.id == id))
    }

    /// Forgets every page.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// How many pages are cached.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The list pane.
#[derive(Debug, Clone, PartialEq)]
pub struct ListState {
    /// The active search (`""` = none): what is shown or being loaded.
    pub search: String,
    /// The page the user asked for (1-based).
    pub page: u64,
    /// The rows on screen (kept while another page loads).
    pub rows: Vec<Prospect>,
    /// Which search and page `rows` belong to; `None` before the first page arrives.
    pub shown: Option<PageKey>,
    pub meta: Option<PageMeta>,
    pub selected: usize,
    /// The page the list waits for; other answers only fill the cache.
    pub loading: Option<PendingPage>,
    pub cache: PageCache,
    /// The last error loading the list, until a page loads.
    pub error: Option<String>,
    /// When the search being typed is due to be sent.
    pub debounce_due: Option<Millis>,
}

/// The detail pane.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    pub prospect: Prospect,
    /// First line shown.
    pub scroll: u16,
    /// Whether sensitive fields are shown in clear.
    pub reveal: bool,
}

/// What a prompt at the bottom is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    /// `F`: a filter on any field.
    Filter,
    Search,
    Lookup,
    /// A search inside the detail or the help.
    Find,
    /// The value `S` sets on the marked records.
    SetValue,
    /// The reason journaled with a batch about to be sent.
    Reason,
}

/// A one-line prompt at the bottom of the screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: LineInput,
    /// The search active when the prompt opened (Esc restores it).
    pub previous_search: String,
    /// Position in the search history while recalling with ↑/↓.
    pub history_pos: Option<usize>,
}

/// Whether a status message reports success or trouble.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    Error,
}

/// A message in the status line, gone at `expires`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub kind: StatusKind,
    pub expires: Millis,
}

/// "Send N changes to profile NAME?": asked before a batch leaves, as `apply` asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendQuestion {
    /// How many changes (records) would be sent.
    pub total: usize,
    /// Why, journaled with the batch (as `apply --reason`); typed after `r`.
    pub reason: Option<String>,
}

/// A look-up by id or external reference in flight (its requests are in the registry).
#[derive(Debug, Clone, PartialEq)]
pub struct Lookup {
    pub text: String,
    /// Whether the text was asked as an id too (it is a UUID).
    pub asked_id: bool,
    pub id_result: Option<Result<Prospect, ApiError>>,
    pub ref_result: Option<Result<Prospect, ApiError>>,
    /// After nothing was found: the external reference in other cases, and their answers.
    pub other_case: Option<Vec<Option<Result<Prospect, ApiError>>>>,
}

/// What the last frame laid out: how far each scrolling pane can scroll (`None`: not shown,
/// or not drawn yet), and the lines matching a search inside the detail or help. The runtime
/// reports it after drawing, so `update` never asks the view.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Viewport {
    pub detail_max_scroll: Option<u16>,
    pub help_max_scroll: Option<u16>,
    /// The search the matches below are for (`State::find`'s query when drawn).
    pub find_query: Option<String>,
    /// The laid-out lines holding a match, top to bottom, one entry per match.
    pub find_lines: Vec<u16>,
    /// Where the list's rows are on screen, and the index of the first row shown.
    pub list_rows: Option<(Rect, usize)>,
    /// Where the detail pane and the help overlay are, when shown.
    pub detail_area: Option<Rect>,
    pub help_area: Option<Rect>,
    /// The screen row of each form input shown: (row, field index).
    pub form_fields: Vec<(u16, usize)>,
    /// The open dialog's clickable keys: where, and what a click does.
    pub buttons: Vec<(Rect, Action)>,
}

impl Viewport {
    /// Whether learning this viewport instead of `before` can change what is drawn: the
    /// scroll limits (a scroll is clamped to them) and the find matches (the first one is
    /// shown). Where rows, panes, fields and buttons are serves the mouse only.
    pub fn reshapes(&self, before: &Viewport) -> bool {
        self.detail_max_scroll != before.detail_max_scroll
            || self.help_max_scroll != before.help_max_scroll
            || self.find_query != before.find_query
            || self.find_lines != before.find_lines
    }
}

/// The help overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Help {
    pub open: bool,
    pub scroll: u16,
}

/// Everything the TUI shows and remembers.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub profile: String,
    pub accent: Option<Color>,
    pub read_only: bool,
    pub page_size: u64,
    /// A search inside the detail or the help (`/` there), highlighted until cleared.
    pub find: Option<Find>,
    /// The last left click (time, column, row), to tell a double click.
    pub last_click: Option<(Millis, u16, u16)>,
    /// The effective keys (the defaults changed by the config's `[keys]`), set at start.
    pub keys: Arc<KeyMap>,
    /// The colours by role, and whether there is colour at all, set at start.
    pub theme: Arc<Theme>,
    /// Terminal columns and rows.
    pub size: (u16, u16),
    /// What the last frame laid out.
    pub viewport: Viewport,
    /// The latest time a `Tick` brought.
    pub now: Millis,
    pub focus: Focus,
    pub list: ListState,
    pub detail: Option<Detail>,
    pub prompt: Option<Prompt>,
    pub help: Help,
    pub status: Option<Status>,
    pub lookup: Option<Lookup>,
    /// What was entered in the prompts, this run and earlier ones (per profile).
    pub history: PromptHistory,
    /// The edit form, when open (it takes the keyboard).
    pub form: Option<Form>,
    /// The record `E` handed to `$EDITOR`, until the editor closes.
    pub external_edit: Option<Prospect>,
    /// `E` was pressed: the prospect waits for its crash-draft check before the editor opens.
    pub editor_pending: Option<Prospect>,
    /// The last change saved in this session (what `u` undoes).
    pub last_save: Option<SavedChange>,
    /// Every request in flight and who waits for it.
    pub requests: Requests,
    /// The screens of the main area above the list, bottom to top (`Esc` takes the top one
    /// off): with the overlays, the one answer to what is on top (`layers`).
    pub screens: Vec<super::screens::Screen>,
    /// The problems view (`!`), once opened.
    pub problems: Option<super::problems::Problems>,
    /// The filter view (`F`), once a filter was given.
    pub filter: Option<super::filter::FilterView>,
    /// The facet view (`%`), once a field was picked.
    pub facet: Option<super::facet::FacetView>,
    /// How many records each members scan (`V`, `A`, `S` in the facet view) marked or staged.
    pub members_found: BTreeMap<RequestId, super::facet::Found>,
    /// The rows marked for a change set (`space`, `V`): id → label.
    pub marks: BTreeMap<String, String>,
    /// The changes staged and not sent yet.
    pub staged: ChangeSet,
    /// The pending view (`P`) and a revert under review.
    pub pending: PendingView,
    /// The journal view (`H`).
    pub journal: Option<HistoryView>,
    /// `S` in progress: the field picker, then the value prompt.
    pub set_field: Option<SetField>,
    /// Quitting was asked with changes staged: the question is on screen.
    pub quit_asked: bool,
    /// Sending the pending view's changes was asked: the question is on screen.
    pub send_question: Option<SendQuestion>,
    /// A change set from an earlier session, offered back.
    pub staged_offer: Option<ChangeSet>,
    /// How many requests a plan or a batch runs at once (config `concurrency`).
    pub concurrency: usize,
    /// How national phone numbers are read (config `default_region`).
    pub region: Option<Region>,
}

impl State {
    /// A fresh state; `init` asks for the first page.
    pub fn new(profile: &str, accent: Option<Color>, read_only: bool, page_size: u64) -> Self {
        State {
            profile: profile.to_string(),
            accent,
            read_only,
            page_size: page_size.clamp(1, 100),
            find: None,
            last_click: None,
            keys: Arc::default(),
            theme: Arc::default(),
            size: (80, 24),
            viewport: Viewport::default(),
            now: 0,
            focus: Focus::List,
            list: ListState {
                search: String::new(),
                page: 1,
                rows: Vec::new(),
                shown: None,
                meta: None,
                selected: 0,
                loading: None,
                cache: PageCache::new(PAGE_CACHE_PAGES),
                error: None,
                debounce_due: None,
            },
            detail: None,
            prompt: None,
            help: Help::default(),
            status: None,
            lookup: None,
            history: PromptHistory::default(),
            form: None,
            external_edit: None,
            editor_pending: None,
            last_save: None,
            requests: Requests::default(),
            screens: Vec::new(),
            problems: None,
            filter: None,
            facet: None,
            members_found: BTreeMap::new(),
            marks: BTreeMap::new(),
            staged: ChangeSet::new(profile),
            pending: PendingView::default(),
            journal: None,
            set_field: None,
            quit_asked: false,
            send_question: None,
            staged_offer: None,
            concurrency: DEFAULT_CONCURRENCY,
            region: None,
        }
    }

    /// Whether any request is in flight (the spinner turns).
    pub fn busy(&self) -> bool {
        !self.requests.is_empty()
    }

    /// Whether the open detail's record is being reloaded.
    pub fn detail_reloading(&self) -> bool {
        self.detail.as_ref().is_some_and(|d| {
            self.requests
                .any(|p| matches!(p, Purpose::DetailReload { id } if *id == d.prospect.id))
        })
    }

    /// Whether the user waits on this request (a shown page, a look-up, a reload, a save);
    /// a prefetch is not waited on.
    pub fn awaits(&self, req: RequestId) -> bool {
        match self.requests.get(req) {
            Some(Purpose::ListPage(_)) => self.list.loading.as_ref().is_some_and(|l| l.req == req),
            Some(
                Purpose::DetailReload { .. }
                | Purpose::Lookup(_)
                | Purpose::SaveCheck
                | Purpose::SaveSend
                | Purpose::SaveVerify,
            ) => true,
            Some(Purpose::Scan(kind)) => self.showing(kind.screen()),
            Some(Purpose::ProblemEdit { .. } | Purpose::FilterEdit) => true,
            Some(Purpose::Members(_) | Purpose::Cluster) => true,
            Some(Purpose::Changes) => true,
            None => false,
        }
    }

    /// Whether the runtime should keep ticking (spinner, fades, debounce).
    pub fn wants_ticks(&self) -> bool {
        let fading = self
            .status
            .as_ref()
            .is_some_and(|s| s.kind == StatusKind::Info);
        self.busy() || fading || self.list.debounce_due.is_some()
    }

    /// Whether list and detail sit side by side.
    pub fn is_wide(&self) -> bool {
        self.size.0 >= WIDE_COLUMNS
    }

    /// Whether the detail pane has the keyboard: it is open and focused (the problems or
    /// filter view behind it waits for `Esc` or `Tab`).
    pub fn detail_has_keys(&self) -> bool {
        self.view() == View::Detail
    }

    /// Whether the problems view has the keyboard.
    pub fn problems_have_keys(&self) -> bool {
        self.view() == View::Screen(Screen::Problems)
    }

    /// Whether the filter view has the keyboard.
    pub fn filter_has_keys(&self) -> bool {
        self.view() == View::Screen(Screen::Filter)
    }

    /// The selected row of the list, if any.
    pub fn selected_row(&self) -> Option<&Prospect> {
        self.list.rows.get(self.list.selected)
    }

    /// The prospect keys act on: the detail's when it has focus, else the selected row.
    pub fn current_prospect(&self) -> Option<&Prospect> {
        match (self.focus, &self.detail) {
            (Focus::Detail, Some(d)) => Some(&d.prospect),
            _ => self.selected_row(),
        }
    }

    /// Refuses a change on a read-only profile, saying so; returns whether it refused.
    /// Every key that would change data (editing, staging, sending, reverting) asks here, so
    /// the rule lives in one place.
    pub fn refuse_read_only(&mut self) -> bool {
        if self.read_only {
            let text = format!(
                "Profile {} is read-only: editing, staging and sending are off",
                self.profile
            );
            self.set_status(StatusKind::Error, text);
        }
        self.read_only
    }

    /// The staged set changed: an earlier plan no longer holds, and the file is rewritten (so a
    /// crash or SIGTERM loses nothing).
    pub fn staged_changed(&mut self, fx: &mut Vec<super::effect::Effect>) {
        if self.pending.revert.is_none() {
            self.pending.plan = None;
        }
        fx.push(super::effect::Local::SaveStaged(self.staged.clone()).into());
    }

    /// `y`: copies the id of the row the keys act on, in any view that lists prospects.
    pub fn copy_id(&mut self, id: Option<String>, fx: &mut Vec<super::effect::Effect>) {
        if let Some(id) = id {
            self.set_status(StatusKind::Info, format!("Copied id {id}"));
            fx.push(super::effect::Local::CopyToClipboard(id).into());
        }
    }

    /// Shows a message in the status line until it fades.
    pub fn set_status(&mut self, kind: StatusKind, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            kind,
            expires: self.now + STATUS_FADE_MS,
        });
    }

    /// The spinner frame for the current time.
    pub fn spinner(&self) -> char {
        const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
        FRAMES[((self.now / 100) % 10) as usize]
    }
}

#[cfg(test)]
mod viewport_tests {
    use ratatui::layout::Rect;

    use super::Viewport;

    #[test]
    fn only_scroll_limits_and_find_matches_reshape_a_frame() {
        let before = Viewport::default();
        let moved = Viewport {
            list_rows: Some((Rect::new(1, 2, 80, 20), 0)),
            detail_area: Some(Rect::new(40, 2, 40, 20)),
            form_fields: vec![(3, 0)],
            ..Viewport::default()
        };
        assert!(
            !moved.reshapes(&before),
            "where things are is for the mouse"
        );
        for changed in [
            Viewport {
                detail_max_scroll: Some(4),
                ..Viewport::default()
            },
            Viewport {
                help_max_scroll: Some(0),
                ..Viewport::default()
            },
            Viewport {
                find_query: Some("doe".into()),
                ..Viewport::default()
            },
            Viewport {
                find_lines: vec![7],
                ..Viewport::default()
            },
        ] {
            assert!(changed.reshapes(&before), "{changed:?}");
        }
    }
}
