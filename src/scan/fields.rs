//! Naming any field of a record the way `patch --set` does, plus `id`, `externalReference`
//! and `createDate`: what `--where` filters on and what a finding points at. One field table
//! and one parser serve every entry point: they live in `patch::field`, seen from here.

use crate::patch::field::FieldKey;

pub use crate::patch::field::{complete, completions, known_names, parse, unknown};

/// One field of a prospect, any of the table's rows (settable or not).
pub type FieldRef = FieldKey;
