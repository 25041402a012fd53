//! The whole key table, in the order help lists it: the rows of `table` then `table_changes`.

use std::sync::LazyLock;

use super::kinds::Binding;

/// Every binding of the TUI, in the order help lists them.
pub static BINDINGS: LazyLock<Vec<Binding>> =
    LazyLock::new(|| [super::table::BASE, super::table_changes::CHANGES].concat());
