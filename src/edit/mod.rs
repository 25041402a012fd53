//! Terminal-independent building blocks of record editing: conflict detection and rebase,
//! the local change journal, crash-safe drafts and the `$EDITOR` TOML document.
//!
//! Everything here is pure or touches only the file system: no clock, no terminal, no
//! network. Diffing and validation stay in [`crate::patch`]; these modules build on it.

pub mod conflict;
pub mod draft;
pub mod history;
pub mod journal;
pub mod limits;
pub mod toml_doc;

use serde_json::Value;

use crate::api::model::Prospect;
use crate::patch;

/// The value of a patchable `key` in `p` as the minimal diff sees it: an empty text is
/// `null`, the address is the object without its `id` (or `null` when empty).
///
/// Reuses [`patch::diff`] against an empty record, so it normalizes exactly as the diff does.
pub fn normalized_value(p: &Prospect, key: &str) -> Value {
    patch::diff(&Prospect::default(), p)
        .remove(key)
        .unwrap_or(Value::Null)
}
