//! The one key table: key handling, the help overlay, the footer and the dialogs' key lines
//! all read it, through the effective `KeyMap` (the defaults in `table`, changed by `[keys]`).

mod bindings;
mod key;
mod kinds;
mod map;
mod table;
mod table_changes;

pub use bindings::BINDINGS;
pub use key::Key;
pub use kinds::{Action, Binding, Context};
pub use map::{KeyEntry, KeyMap};
