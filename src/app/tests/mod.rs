//! Tests of `update`, driven with real crossterm key events.

mod form;
pub(crate) mod fixtures;
mod lookup;
mod update;
