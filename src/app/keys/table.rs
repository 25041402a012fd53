//! The default key table: every action, where it applies, its keys, help text and footer word.

use super::key::{Key, ch, ctrl, plain};
use crossterm::event::KeyCode;

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Help,
    Back,
    Quit,
    Suspend,
    Down,
    Up,
    NextPage,
    PrevPage,
    First,
    Last,
    Search,
    ClearSearch,
    Lookup,
    Open,
    SwitchFocus,
    Reload,
    CopyId,
    CopyJson,
    Reveal,
    ScrollDown,
    ScrollUp,
    ScrollPageDown,
    ScrollPageUp,
    CloseHelp,
    Submit,
    Cancel,
    HistoryBack,
    HistoryForward,
    Edit,
    EditExternal,
    Undo,
    NextField,
    PrevField,
    SaveForm,
    LeaveForm,
    Send,
    BackToForm,
    Overwrite,
    Rebase,
    ConfirmDiscard,
    RestoreDraft,
    DropDraft,
    Problems,
    Filter,
    Find,
    FindNext,
    FindPrev,
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Everywhere, prompts included.
    Global,
    /// Everywhere but in prompts (where keys type text).
    Anywhere,
    List,
    Detail,
    Help,
    /// Any prompt at the bottom.
    Prompt,
    /// The search prompt only.
    SearchPrompt,
    /// The edit form (keys not in the table type text).
    Form,
    /// The review of a PATCH body before it is sent.
    Review,
    /// Someone else changed what the user is about to change.
    Conflict,
    /// "Discard changes?"
    Discard,
    /// A draft from an earlier session is offered back.
    Draft,
    /// The problems view (`!`).
    Problems,
    /// The filter view (`F`).
    Filter,
}

impl Context {
    /// Whether a key pressed in one context can also reach a binding of the other (the
    /// handler asks them together), so one key must not do two things there.
    pub fn overlaps(self, other: Context) -> bool {
        use Context::*;
        self == other
            || matches!(
                (self, other),
                (Global, _)
                    | (_, Global)
                    | (Anywhere, List | Detail)
                    | (List | Detail, Anywhere)
                    | (Prompt, SearchPrompt)
                    | (SearchPrompt, Prompt)
            )
    }

    /// How the help overlay names the context.
    pub fn label(self) -> &'static str {
        match self {
            Context::Global | Context::Anywhere => "anywhere",
            Context::List => "list",
            Context::Detail => "detail",
            Context::Help => "help",
            Context::Prompt => "prompt",
            Context::SearchPrompt => "search",
            Context::Form => "form",
            Context::Review => "review",
            Context::Conflict => "conflict",
            Context::Discard => "discard dialog",
            Context::Draft => "draft dialog",
            Context::Problems => "problems",
            Context::Filter => "filter",
        }
    }
}

/// One row of the key table.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    /// The name `[keys]` in the config uses for this row, e.g. `next_page`.
    pub name: &'static str,
    /// The keys unless the config says otherwise.
    pub defaults: &'static [Key],
    pub action: Action,
    pub contexts: &'static [Context],
    /// The help overlay's sentence.
    pub description: &'static str,
    /// The footer's word, for the few keys that matter there.
    pub hint: Option<&'static str>,
}

impl Binding {
    /// The contexts written as help shows them, e.g. `list, detail`.
    pub fn context_labels(&self) -> String {
        let mut labels: Vec<&str> = Vec::new();
        for c in self.contexts {
            if !labels.contains(&c.label()) {
                labels.push(c.label());
            }
        }
        labels.join(", ")
    }
}

use Action as A;
use Context as C;
use KeyCode as K;

/// Every binding of the TUI, in the order help lists them.
pub const BINDINGS: &[Binding] = &[
    Binding {
        name: "help",
        defaults: &[ch('?')],
        action: A::Help,
        contexts: &[C::Anywhere],
        description: "help overlay",
        hint: Some("help"),
    },
    Binding {
        name: "back",
        defaults: &[ch('q')],
        action: A::Back,
        contexts: &[C::Anywhere],
        description: "back / close; quits from the list",
        hint: None,
    },
    Binding {
        name: "quit",
        defaults: &[ctrl('c')],
        action: A::Quit,
        contexts: &[C::Global],
        description: "quit (asks first when edits are unsaved)",
        hint: None,
    },
    Binding {
        name: "suspend",
        defaults: &[ctrl('z')],
        action: A::Suspend,
        contexts: &[C::Global],
        description: "suspend to the shell (fg resumes)",
        hint: None,
    },
    Binding {
        name: "down",
        defaults: &[plain(K::Down), ch('j')],
        action: A::Down,
        contexts: &[C::List],
        description: "move down; past the last row goes on to the next page",
        hint: Some("move"),
    },
    Binding {
        name: "up",
        defaults: &[plain(K::Up), ch('k')],
        action: A::Up,
        contexts: &[C::List],
        description: "move up; past the first row goes back to the previous page",
        hint: None,
    },
    Binding {
        name: "next_page",
        defaults: &[plain(K::PageDown), ch('n')],
        action: A::NextPage,
        contexts: &[C::List],
        description: "next page",
        hint: Some("page"),
    },
    Binding {
        name: "prev_page",
        defaults: &[plain(K::PageUp), ch('p')],
        action: A::PrevPage,
        contexts: &[C::List],
        description: "previous page",
        hint: None,
    },
    Binding {
        name: "first",
        defaults: &[plain(K::Home), ch('g')],
        action: A::First,
        contexts: &[C::List],
        description: "first row of the page",
        hint: None,
    },
    Binding {
        name: "last",
        defaults: &[plain(K::End), ch('G')],
        action: A::Last,
        contexts: &[C::List],
        description: "last row of the page",
        hint: None,
    },
    Binding {
        name: "search",
        defaults: &[ch('/')],
        action: A::Search,
        contexts: &[C::List],
        description: "search names and emails; Enter keeps, Esc restores",
        hint: Some("search"),
    },
    Binding {
        name: "clear_search",
        defaults: &[plain(K::Esc)],
        action: A::ClearSearch,
        contexts: &[C::List],
        description: "clear an active search",
        hint: None,
    },
    Binding {
        name: "lookup",
        defaults: &[ch(':')],
        action: A::Lookup,
        contexts: &[C::List],
        description: "look up by id or external reference",
        hint: Some("look up"),
    },
    Binding {
        name: "open",
        defaults: &[plain(K::Enter)],
        action: A::Open,
        contexts: &[C::List],
        description: "open the selected prospect in the detail pane",
        hint: Some("open"),
    },
    Binding {
        name: "switch_focus",
        defaults: &[plain(K::Tab)],
        action: A::SwitchFocus,
        contexts: &[C::List, C::Detail],
        description: "switch focus between list and detail",
        hint: None,
    },
    Binding {
        name: "reload",
        defaults: &[ch('r'), ctrl('r')],
        action: A::Reload,
        contexts: &[C::List, C::Detail],
        description: "reload",
        hint: None,
    },
    Binding {
        name: "copy_id",
        defaults: &[ch('y')],
        action: A::CopyId,
        contexts: &[C::List, C::Detail],
        description: "copy the id",
        hint: None,
    },
    Binding {
        name: "copy_json",
        defaults: &[ch('Y')],
        action: A::CopyJson,
        contexts: &[C::List, C::Detail],
        description: "copy the record as JSON",
        hint: None,
    },
    Binding {
        name: "edit",
        defaults: &[ch('e')],
        action: A::Edit,
        contexts: &[C::List, C::Detail],
        description: "edit the selected prospect",
        hint: Some("edit"),
    },
    Binding {
        name: "edit_external",
        defaults: &[ch('E')],
        action: A::EditExternal,
        contexts: &[C::List, C::Detail],
        description: "edit the selected prospect in $VISUAL/$EDITOR",
        hint: None,
    },
    Binding {
        name: "undo",
        defaults: &[ch('u')],
        action: A::Undo,
        contexts: &[C::List, C::Detail],
        description: "undo the last change saved in this session (after review)",
        hint: None,
    },
    Binding {
        name: "reveal",
        defaults: &[ch('m')],
        action: A::Reveal,
        contexts: &[C::Detail],
        description: "reveal / mask sensitive fields (identification number)",
        hint: Some("reveal/mask"),
    },
    Binding {
        name: "scroll_down",
        defaults: &[plain(K::Down), ch('j')],
        action: A::ScrollDown,
        contexts: &[C::Detail],
        description: "scroll down",
        hint: Some("scroll"),
    },
    Binding {
        name: "scroll_up",
        defaults: &[plain(K::Up), ch('k')],
        action: A::ScrollUp,
        contexts: &[C::Detail],
        description: "scroll up",
        hint: None,
    },
    Binding {
        name: "scroll_page_down",
        defaults: &[plain(K::PageDown)],
        action: A::ScrollPageDown,
        contexts: &[C::Detail],
        description: "scroll a page down",
        hint: None,
    },
    Binding {
        name: "scroll_page_up",
        defaults: &[plain(K::PageUp)],
        action: A::ScrollPageUp,
        contexts: &[C::Detail],
        description: "scroll a page up",
        hint: None,
    },
    Binding {
        name: "detail_back",
        defaults: &[plain(K::Esc)],
        action: A::Back,
        contexts: &[C::Detail],
        description: "back to the list",
        hint: Some("back"),
    },
    Binding {
        name: "find",
        defaults: &[ch('/')],
        action: A::Find,
        contexts: &[C::Detail, C::Help],
        description: "search this text; matches are highlighted",
        hint: Some("find"),
    },
    Binding {
        name: "find_next",
        defaults: &[ch('n')],
        action: A::FindNext,
        contexts: &[C::Detail, C::Help],
        description: "next match",
        hint: None,
    },
    Binding {
        name: "find_prev",
        defaults: &[ch('N')],
        action: A::FindPrev,
        contexts: &[C::Detail, C::Help],
        description: "previous match",
        hint: None,
    },
    Binding {
        name: "close_help",
        defaults: &[ch('?'), plain(K::Esc), ch('q')],
        action: A::CloseHelp,
        contexts: &[C::Help],
        description: "close help",
        hint: Some("close"),
    },
    Binding {
        name: "help_scroll_down",
        defaults: &[plain(K::Down), ch('j')],
        action: A::ScrollDown,
        contexts: &[C::Help],
        description: "scroll help",
        hint: Some("scroll"),
    },
    Binding {
        name: "help_scroll_up",
        defaults: &[plain(K::Up), ch('k')],
        action: A::ScrollUp,
        contexts: &[C::Help],
        description: "scroll help back",
        hint: None,
    },
    Binding {
        name: "submit",
        defaults: &[plain(K::Enter)],
        action: A::Submit,
        contexts: &[C::Prompt],
        description: "keep the search / look up",
        hint: Some("ok"),
    },
    Binding {
        name: "cancel",
        defaults: &[plain(K::Esc)],
        action: A::Cancel,
        contexts: &[C::Prompt],
        description: "cancel (a search restores the previous one)",
        hint: Some("cancel"),
    },
    Binding {
        name: "history_back",
        defaults: &[plain(K::Up)],
        action: A::HistoryBack,
        contexts: &[C::Prompt],
        description: "earlier searches / look-ups (kept across runs, per profile)",
        hint: Some("history"),
    },
    Binding {
        name: "history_forward",
        defaults: &[plain(K::Down)],
        action: A::HistoryForward,
        contexts: &[C::Prompt],
        description: "later entries",
        hint: None,
    },
    Binding {
        name: "next_field",
        defaults: &[plain(K::Tab), plain(K::Down)],
        action: A::NextField,
        contexts: &[C::Form],
        description: "next field",
        hint: Some("next"),
    },
    Binding {
        name: "prev_field",
        defaults: &[plain(K::BackTab), plain(K::Up)],
        action: A::PrevField,
        contexts: &[C::Form],
        description: "previous field",
        hint: None,
    },
    Binding {
        name: "save_form",
        defaults: &[ctrl('s')],
        action: A::SaveForm,
        contexts: &[C::Form],
        description: "review and save: shows the PATCH body before anything is sent",
        hint: Some("save"),
    },
    Binding {
        name: "leave_form",
        defaults: &[plain(K::Esc)],
        action: A::LeaveForm,
        contexts: &[C::Form],
        description: "leave the form (asks \"Discard changes?\" when anything changed)",
        hint: Some("leave"),
    },
    Binding {
        name: "send",
        defaults: &[plain(K::Enter), ch('y')],
        action: A::Send,
        contexts: &[C::Review],
        description: "send the PATCH shown",
        hint: Some("send"),
    },
    Binding {
        name: "review_back",
        defaults: &[plain(K::Esc), ch('n'), ch('q')],
        action: A::BackToForm,
        contexts: &[C::Review],
        description: "back to the form, everything kept",
        hint: Some("back"),
    },
    Binding {
        name: "overwrite",
        defaults: &[ch('o')],
        action: A::Overwrite,
        contexts: &[C::Conflict],
        description: "overwrite with mine (sends only the fields you changed)",
        hint: Some("overwrite"),
    },
    Binding {
        name: "rebase",
        defaults: &[ch('r')],
        action: A::Rebase,
        contexts: &[C::Conflict],
        description: "rebase: keep my edits on top of the server's version",
        hint: Some("rebase"),
    },
    Binding {
        name: "conflict_back",
        defaults: &[plain(K::Esc), ch('q')],
        action: A::BackToForm,
        contexts: &[C::Conflict],
        description: "back to the form",
        hint: Some("back"),
    },
    Binding {
        name: "confirm_discard",
        defaults: &[ch('y')],
        action: A::ConfirmDiscard,
        contexts: &[C::Discard],
        description: "discard the changes",
        hint: Some("discard"),
    },
    Binding {
        name: "keep_editing",
        defaults: &[ch('n'), plain(K::Esc), ch('q')],
        action: A::BackToForm,
        contexts: &[C::Discard],
        description: "keep editing",
        hint: Some("keep editing"),
    },
    Binding {
        name: "restore_draft",
        defaults: &[ch('r')],
        action: A::RestoreDraft,
        contexts: &[C::Draft],
        description: "restore the draft",
        hint: Some("restore"),
    },
    Binding {
        name: "drop_draft",
        defaults: &[ch('d')],
        action: A::DropDraft,
        contexts: &[C::Draft],
        description: "discard the draft",
        hint: Some("discard"),
    },
    Binding {
        name: "problems",
        defaults: &[ch('!')],
        action: A::Problems,
        contexts: &[C::List, C::Detail],
        description: "problems view: every check rule over every record, grouped by rule",
        hint: None,
    },
    Binding {
        name: "problems_down",
        defaults: &[plain(K::Down), ch('j')],
        action: A::Down,
        contexts: &[C::Problems],
        description: "move down",
        hint: Some("move"),
    },
    Binding {
        name: "problems_up",
        defaults: &[plain(K::Up), ch('k')],
        action: A::Up,
        contexts: &[C::Problems],
        description: "move up",
        hint: None,
    },
    Binding {
        name: "problems_open",
        defaults: &[plain(K::Enter)],
        action: A::Open,
        contexts: &[C::Problems],
        description: "list the findings of a rule; open the record of a finding",
        hint: Some("open"),
    },
    Binding {
        name: "problems_back",
        defaults: &[plain(K::Esc)],
        action: A::Back,
        contexts: &[C::Problems],
        description: "back; from the rules, hide the view (the scan goes on; ! shows it again)",
        hint: Some("back"),
    },
    Binding {
        name: "problems_reload",
        defaults: &[ch('r')],
        action: A::Reload,
        contexts: &[C::Problems],
        description: "scan again",
        hint: Some("rescan"),
    },
    Binding {
        name: "problems_edit",
        defaults: &[ch('e')],
        action: A::Edit,
        contexts: &[C::Problems],
        description: "edit the record of a finding, its field focused",
        hint: Some("edit"),
    },
    Binding {
        name: "filter",
        defaults: &[ch('F')],
        action: A::Filter,
        contexts: &[C::List, C::Detail, C::Filter],
        description: "filter on any field (FIELD=VALUE, FIELD~TEXT): scans every page, matches stream in",
        hint: None,
    },
    Binding {
        name: "filter_down",
        defaults: &[plain(K::Down), ch('j')],
        action: A::Down,
        contexts: &[C::Filter],
        description: "move down",
        hint: Some("move"),
    },
    Binding {
        name: "filter_up",
        defaults: &[plain(K::Up), ch('k')],
        action: A::Up,
        contexts: &[C::Filter],
        description: "move up",
        hint: None,
    },
    Binding {
        name: "filter_open",
        defaults: &[plain(K::Enter)],
        action: A::Open,
        contexts: &[C::Filter],
        description: "open the match in the detail pane",
        hint: Some("open"),
    },
    Binding {
        name: "filter_edit",
        defaults: &[ch('e')],
        action: A::Edit,
        contexts: &[C::Filter],
        description: "edit the match",
        hint: Some("edit"),
    },
    Binding {
        name: "filter_back",
        defaults: &[plain(K::Esc)],
        action: A::Back,
        contexts: &[C::Filter],
        description: "stop the scan (keeping the matches); then close the view",
        hint: Some("stop/back"),
    },
];
