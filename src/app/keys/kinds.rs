//! What the key table is made of: actions, the contexts they apply in, and one row's shape.

use super::key::Key;

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
    /// Complete the field name being typed (the filter prompt).
    Complete,
    /// Type the reason journaled with a batch.
    Reason,
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
    /// Mark / unmark the selected row for a change set.
    Mark,
    /// Mark every row shown (the page, or the filter's or problems view's list).
    MarkAll,
    /// Stage one field's new value on every marked record.
    SetField,
    /// The pending change set.
    Pending,
    /// The journal: a prospect's changes, or every batch.
    History,
    /// Stage a finding's suggestion.
    Accept,
    /// Stage the suggestions of every finding of a rule.
    AcceptRule,
    /// Remove a staged change.
    Remove,
    /// Plan the change set as `apply` does (conflicts shown), without sending.
    Plan,
    /// Revert a whole batch.
    Revert,
    /// Quit, keeping the staged changes for next time.
    QuitKeep,
    /// Quit and discard the staged changes.
    QuitDrop,
    /// Stay in the app.
    Stay,
    /// `%`: the value counts of a field.
    Facet,
    /// Switch the facet view between values and clusters.
    Cluster,
}

impl Action {
    /// Whether the action would change data: a read-only profile refuses it, and the footer
    /// does not offer it there.
    pub fn changes_data(self) -> bool {
        matches!(
            self,
            Action::Edit
                | Action::EditExternal
                | Action::Undo
                | Action::SetField
                | Action::Pending
                | Action::Accept
                | Action::AcceptRule
                | Action::Revert
        )
    }
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
    /// A draft (or a change set) from an earlier session is offered back.
    Draft,
    /// The problems view (`!`).
    Problems,
    /// The filter view (`F`).
    Filter,
    /// The facet view (`%`) and its clusters.
    Facet,
    /// The pending change set (`P`) and the review of a revert.
    Pending,
    /// The journal view (`H`).
    History,
    /// Picking the field `S` sets.
    FieldPick,
    /// "Quit with staged changes?"
    QuitStaged,
    /// "Send N changes to profile NAME?"
    SendQuestion,
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
            Context::Facet => "facet",
            Context::Pending => "pending",
            Context::History => "history",
            Context::FieldPick => "set field",
            Context::QuitStaged => "quit dialog",
            Context::SendQuestion => "send dialog",
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
