//! Tests of `update`, driven with real crossterm key events.

mod find;
pub(crate) mod fixtures;
mod form;
mod form_fixtures;
mod form_outcomes;
mod lookup;
mod update;
