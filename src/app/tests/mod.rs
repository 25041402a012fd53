//! Tests of `update`, driven with real crossterm key events.

pub(crate) mod fixtures;
mod form;
mod lookup;
mod update;
