//! The one key table: key handling, the help overlay and the footer all read it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

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

/// One key: a code and the modifiers it needs (shift is ignored for characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn plain(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}

const fn ch(c: char) -> Key {
    plain(KeyCode::Char(c))
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}

impl Key {
    /// Whether a pressed key is this one.
    pub fn matches(&self, ev: &KeyEvent) -> bool {
        let mods = match ev.code {
            // Shift is how a capital letter or `?` is typed, not a separate binding.
            KeyCode::Char(_) | KeyCode::BackTab => ev.modifiers - KeyModifiers::SHIFT,
            _ => ev.modifiers,
        };
        ev.code == self.code && mods == self.mods
    }

    /// How help and footer write the key.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "shift-Tab".into(),
            other => format!("{other:?}"),
        };
        if self.mods.contains(KeyModifiers::CONTROL) {
            format!("ctrl-{base}")
        } else {
            base
        }
    }
}

/// One row of the key table.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    pub contexts: &'static [Context],
    /// The help overlay's sentence.
    pub description: &'static str,
    /// The footer's word, for the few keys that matter there.
    pub hint: Option<&'static str>,
}

impl Binding {
    /// The keys written as help shows them, e.g. `↓ j`.
    pub fn key_labels(&self) -> String {
        self.keys
            .iter()
            .map(Key::label)
            .collect::<Vec<_>>()
            .join(" ")
    }

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
        keys: &[ch('?')],
        action: A::Help,
        contexts: &[C::Anywhere],
        description: "help overlay",
        hint: Some("help"),
    },
    Binding {
        keys: &[ch('q')],
        action: A::Back,
        contexts: &[C::Anywhere],
        description: "back / close; quits from the list",
        hint: None,
    },
    Binding {
        keys: &[ctrl('c')],
        action: A::Quit,
        contexts: &[C::Global],
        description: "quit (asks first when edits are unsaved)",
        hint: None,
    },
    Binding {
        keys: &[ctrl('z')],
        action: A::Suspend,
        contexts: &[C::Global],
        description: "suspend to the shell (fg resumes)",
        hint: None,
    },
    Binding {
        keys: &[plain(K::Down), ch('j')],
        action: A::Down,
        contexts: &[C::List],
        description: "move down; past the last row goes on to the next page",
        hint: Some("move"),
    },
    Binding {
        keys: &[plain(K::Up), ch('k')],
        action: A::Up,
        contexts: &[C::List],
        description: "move up; past the first row goes back to the previous page",
        hint: None,
    },
    Binding {
        keys: &[plain(K::PageDown), ch('n')],
        action: A::NextPage,
        contexts: &[C::List],
        description: "next page",
        hint: Some("page"),
    },
    Binding {
        keys: &[plain(K::PageUp), ch('p')],
        action: A::PrevPage,
        contexts: &[C::List],
        description: "previous page",
        hint: None,
    },
    Binding {
        keys: &[plain(K::Home), ch('g')],
        action: A::First,
        contexts: &[C::List],
        description: "first row of the page",
        hint: None,
    },
    Binding {
        keys: &[plain(K::End), ch('G')],
        action: A::Last,
        contexts: &[C::List],
        description: "last row of the page",
        hint: None,
    },
    Binding {
        keys: &[ch('/')],
        action: A::Search,
        contexts: &[C::List],
        description: "search names and emails; Enter keeps, Esc restores",
        hint: Some("search"),
    },
    Binding {
        keys: &[plain(K::Esc)],
        action: A::ClearSearch,
        contexts: &[C::List],
        description: "clear an active search",
        hint: None,
    },
    Binding {
        keys: &[ch(':')],
        action: A::Lookup,
        contexts: &[C::List],
        description: "look up by id or external reference",
        hint: Some("look up"),
    },
    Binding {
        keys: &[plain(K::Enter)],
        action: A::Open,
        contexts: &[C::List],
        description: "open the selected prospect in the detail pane",
        hint: Some("open"),
    },
    Binding {
        keys: &[plain(K::Tab)],
        action: A::SwitchFocus,
        contexts: &[C::List, C::Detail],
        description: "switch focus between list and detail",
        hint: None,
    },
    Binding {
        keys: &[ch('r'), ctrl('r')],
        action: A::Reload,
        contexts: &[C::List, C::Detail],
        description: "reload",
        hint: None,
    },
    Binding {
        keys: &[ch('y')],
        action: A::CopyId,
        contexts: &[C::List, C::Detail],
        description: "copy the id",
        hint: None,
    },
    Binding {
        keys: &[ch('Y')],
        action: A::CopyJson,
        contexts: &[C::List, C::Detail],
        description: "copy the record as JSON",
        hint: None,
    },
    Binding {
        keys: &[ch('e')],
        action: A::Edit,
        contexts: &[C::List, C::Detail],
        description: "edit the selected prospect",
        hint: Some("edit"),
    },
    Binding {
        keys: &[ch('E')],
        action: A::EditExternal,
        contexts: &[C::List, C::Detail],
        description: "edit the selected prospect in $VISUAL/$EDITOR",
        hint: None,
    },
    Binding {
        keys: &[ch('u')],
        action: A::Undo,
        contexts: &[C::List, C::Detail],
        description: "undo the last change saved in this session (after review)",
        hint: None,
    },
    Binding {
        keys: &[ch('m')],
        action: A::Reveal,
        contexts: &[C::Detail],
        description: "reveal / mask sensitive fields (identification number)",
        hint: Some("reveal/mask"),
    },
    Binding {
        keys: &[plain(K::Down), ch('j')],
        action: A::ScrollDown,
        contexts: &[C::Detail],
        description: "scroll down",
        hint: Some("scroll"),
    },
    Binding {
        keys: &[plain(K::Up), ch('k')],
        action: A::ScrollUp,
        contexts: &[C::Detail],
        description: "scroll up",
        hint: None,
    },
    Binding {
        keys: &[plain(K::PageDown)],
        action: A::ScrollPageDown,
        contexts: &[C::Detail],
        description: "scroll a page down",
        hint: None,
    },
    Binding {
        keys: &[plain(K::PageUp)],
        action: A::ScrollPageUp,
        contexts: &[C::Detail],
        description: "scroll a page up",
        hint: None,
    },
    Binding {
        keys: &[plain(K::Esc)],
        action: A::Back,
        contexts: &[C::Detail],
        description: "back to the list",
        hint: Some("back"),
    },
    Binding {
        keys: &[ch('?'), plain(K::Esc), ch('q')],
        action: A::CloseHelp,
        contexts: &[C::Help],
        description: "close help",
        hint: Some("close"),
    },
    Binding {
        keys: &[plain(K::Down), ch('j')],
        action: A::ScrollDown,
        contexts: &[C::Help],
        description: "scroll help",
        hint: Some("scroll"),
    },
    Binding {
        keys: &[plain(K::Up), ch('k')],
        action: A::ScrollUp,
        contexts: &[C::Help],
        description: "scroll help back",
        hint: None,
    },
    Binding {
        keys: &[plain(K::Enter)],
        action: A::Submit,
        contexts: &[C::Prompt],
        description: "keep the search / look up",
        hint: Some("ok"),
    },
    Binding {
        keys: &[plain(K::Esc)],
        action: A::Cancel,
        contexts: &[C::Prompt],
        description: "cancel (a search restores the previous one)",
        hint: Some("cancel"),
    },
    Binding {
        keys: &[plain(K::Up)],
        action: A::HistoryBack,
        contexts: &[C::SearchPrompt],
        description: "earlier searches of this session",
        hint: Some("history"),
    },
    Binding {
        keys: &[plain(K::Down)],
        action: A::HistoryForward,
        contexts: &[C::SearchPrompt],
        description: "later searches",
        hint: None,
    },
    Binding {
        keys: &[plain(K::Tab), plain(K::Down)],
        action: A::NextField,
        contexts: &[C::Form],
        description: "next field",
        hint: Some("next"),
    },
    Binding {
        keys: &[plain(K::BackTab), plain(K::Up)],
        action: A::PrevField,
        contexts: &[C::Form],
        description: "previous field",
        hint: None,
    },
    Binding {
        keys: &[ctrl('s')],
        action: A::SaveForm,
        contexts: &[C::Form],
        description: "review and save: shows the PATCH body before anything is sent",
        hint: Some("save"),
    },
    Binding {
        keys: &[plain(K::Esc)],
        action: A::LeaveForm,
        contexts: &[C::Form],
        description: "leave the form (asks \"Discard changes?\" when anything changed)",
        hint: Some("leave"),
    },
    Binding {
        keys: &[plain(K::Enter), ch('y')],
        action: A::Send,
        contexts: &[C::Review],
        description: "send the PATCH shown",
        hint: Some("send"),
    },
    Binding {
        keys: &[plain(K::Esc), ch('n'), ch('q')],
        action: A::BackToForm,
        contexts: &[C::Review],
        description: "back to the form, everything kept",
        hint: Some("back"),
    },
    Binding {
        keys: &[ch('o')],
        action: A::Overwrite,
        contexts: &[C::Conflict],
        description: "overwrite with mine (sends only the fields you changed)",
        hint: Some("overwrite"),
    },
    Binding {
        keys: &[ch('r')],
        action: A::Rebase,
        contexts: &[C::Conflict],
        description: "rebase: keep my edits on top of the server's version",
        hint: Some("rebase"),
    },
    Binding {
        keys: &[plain(K::Esc), ch('q')],
        action: A::BackToForm,
        contexts: &[C::Conflict],
        description: "back to the form",
        hint: Some("back"),
    },
    Binding {
        keys: &[ch('y')],
        action: A::ConfirmDiscard,
        contexts: &[C::Discard],
        description: "discard the changes",
        hint: Some("discard"),
    },
    Binding {
        keys: &[ch('n'), plain(K::Esc), ch('q')],
        action: A::BackToForm,
        contexts: &[C::Discard],
        description: "keep editing",
        hint: Some("keep editing"),
    },
    Binding {
        keys: &[ch('r')],
        action: A::RestoreDraft,
        contexts: &[C::Draft],
        description: "restore the draft",
        hint: Some("restore"),
    },
    Binding {
        keys: &[ch('d')],
        action: A::DropDraft,
        contexts: &[C::Draft],
        description: "discard the draft",
        hint: Some("discard"),
    },
    Binding {
        keys: &[ch('!')],
        action: A::Problems,
        contexts: &[C::List, C::Detail],
        description: "problems view: every check rule over every record, grouped by rule",
        hint: None,
    },
    Binding {
        keys: &[plain(K::Down), ch('j')],
        action: A::Down,
        contexts: &[C::Problems],
        description: "move down",
        hint: Some("move"),
    },
    Binding {
        keys: &[plain(K::Up), ch('k')],
        action: A::Up,
        contexts: &[C::Problems],
        description: "move up",
        hint: None,
    },
    Binding {
        keys: &[plain(K::Enter)],
        action: A::Open,
        contexts: &[C::Problems],
        description: "list the findings of a rule; open the record of a finding",
        hint: Some("open"),
    },
    Binding {
        keys: &[plain(K::Esc)],
        action: A::Back,
        contexts: &[C::Problems],
        description: "back; from the rules, hide the view (the scan goes on; ! shows it again)",
        hint: Some("back"),
    },
    Binding {
        keys: &[ch('r')],
        action: A::Reload,
        contexts: &[C::Problems],
        description: "scan again",
        hint: Some("rescan"),
    },
    Binding {
        keys: &[ch('e')],
        action: A::Edit,
        contexts: &[C::Problems],
        description: "edit the record of a finding, its field focused",
        hint: Some("edit"),
    },
    Binding {
        keys: &[ch('F')],
        action: A::Filter,
        contexts: &[C::List, C::Detail, C::Filter],
        description: "filter on any field (FIELD=VALUE, FIELD~TEXT): scans every page, matches stream in",
        hint: None,
    },
    Binding {
        keys: &[plain(K::Down), ch('j')],
        action: A::Down,
        contexts: &[C::Filter],
        description: "move down",
        hint: Some("move"),
    },
    Binding {
        keys: &[plain(K::Up), ch('k')],
        action: A::Up,
        contexts: &[C::Filter],
        description: "move up",
        hint: None,
    },
    Binding {
        keys: &[plain(K::Enter)],
        action: A::Open,
        contexts: &[C::Filter],
        description: "open the match in the detail pane",
        hint: Some("open"),
    },
    Binding {
        keys: &[ch('e')],
        action: A::Edit,
        contexts: &[C::Filter],
        description: "edit the match",
        hint: Some("edit"),
    },
    Binding {
        keys: &[plain(K::Esc)],
        action: A::Back,
        contexts: &[C::Filter],
        description: "stop the scan (keeping the matches); then close the view",
        hint: Some("stop/back"),
    },
];

/// The action for a key pressed where `contexts` apply, first match in table order.
pub fn action_for(contexts: &[Context], key: &KeyEvent) -> Option<Action> {
    contexts.iter().find_map(|ctx| {
        BINDINGS
            .iter()
            .filter(|b| b.contexts.contains(ctx))
            .find(|b| b.keys.iter().any(|k| k.matches(key)))
            .map(|b| b.action)
    })
}

/// The footer's hints for where the user is: `(keys, word)` pairs (no edits when read-only).
pub fn hints(contexts: &[Context], read_only: bool) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for b in BINDINGS {
        let Some(hint) = b.hint else { continue };
        // A read-only profile refuses edits: the footer does not offer them.
        if read_only && matches!(b.action, A::Edit | A::EditExternal | A::Undo) {
            continue;
        }
        if b.contexts.iter().any(|c| contexts.contains(c)) {
            // The footer is short: just the first key, or the first two when they pair up.
            let keys = match b.action {
                A::Down | A::ScrollDown => "j/k".to_string(),
                A::NextPage => "n/p".to_string(),
                A::NextField => "Tab/↑↓".to_string(),
                _ => b.keys[0].label(),
            };
            out.push((keys, hint));
        }
    }
    if contexts.contains(&C::List) {
        out.push(("q".into(), "quit"));
    } else if contexts.contains(&C::Detail) && !contexts.contains(&C::List) {
        out.push(("Tab".into(), "list"));
    }
    out
}

/// The keys of `action` where `context` applies, as help writes them (`Enter/y`: the first
/// two), for text that names a key ("m reveals").
pub fn key_label_for(context: Context, action: Action) -> String {
    BINDINGS
        .iter()
        .find(|b| b.action == action && b.contexts.contains(&context))
        .map(|b| {
            b.keys
                .iter()
                .take(2)
                .map(Key::label)
                .collect::<Vec<_>>()
                .join("/")
        })
        .unwrap_or_default()
}

/// A dialog's key line: every binding of `context` that has a hint, as `(keys, word)`.
pub fn dialog_hints(context: Context) -> Vec<(String, &'static str)> {
    BINDINGS
        .iter()
        .filter(|b| b.contexts.contains(&context))
        .filter_map(|b| Some((key_label_for(context, b.action), b.hint?)))
        .collect()
}
