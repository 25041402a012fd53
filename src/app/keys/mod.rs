//! The one key table: key handling, the help overlay, the footer and the dialogs' key lines
//! all read it, through the effective `KeyMap` (the defaults in `table`, changed by `[keys]`).

mod key;
mod map;
mod table;

pub use key::Key;
pub use map::{KeyEntry, KeyMap};
pub use table::{Action, BINDINGS, Binding, Context};
