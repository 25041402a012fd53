//! What can be on screen, bottom to top: the screens of the main area and the overlays over
//! them (the types; `layers` answers which are on screen and which is on top).
//!
//! The main area shows a stack of screens (the list at the bottom; `!`, `F`, `%`, `P`, `H` push
//! theirs; `Esc` pops). Over it sit the overlays, in a fixed order: the form, a change-set
//! dialog, the help, a prompt, and the quit question last — so a question asked while the help
//! is open is seen and answered, and a record arriving while the help is open waits under it.

use super::keys::Context;

/// A screen of the main area above the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// `!`: the problems found by the check rules.
    Problems,
    /// `F`: the records matching a filter.
    Filter,
    /// `%`: the value counts of one field (and its clusters).
    Facet,
    /// `P`: the staged changes (or a revert under review).
    Pending,
    /// `H`: the journal.
    Journal,
}

impl Screen {
    /// Whether the screen takes the whole main area (no detail beside it).
    pub fn is_full(self) -> bool {
        matches!(self, Screen::Pending | Screen::Journal)
    }
}

/// What the main area shows and gives the keys to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    List,
    /// A record's detail, focused (beside or over the screen it was opened from).
    Detail,
    Screen(Screen),
}

/// Something drawn over the main area, bottom to top in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    /// The edit form (its own dialogs included).
    Form,
    /// A change-set dialog: the field picker, the send question, a staged set offered back.
    Dialog(Context),
    Help,
    /// A one-line prompt in the status line.
    Prompt,
    /// "Quit and keep the staged changes?"
    Quit,
}

/// What has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Top {
    Overlay(Overlay),
    View(View),
}
