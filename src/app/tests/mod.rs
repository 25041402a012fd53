//! Tests of `update`, driven with real crossterm key events.

pub(crate) mod fixtures;
mod lookup;
mod update;
