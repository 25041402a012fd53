//! Tests of `update`, driven with real crossterm key events.

pub(crate) mod changes;
pub(crate) mod filter;
mod find;
pub(crate) mod fixtures;
mod form;
mod form_fixtures;
mod form_outcomes;
mod layers;
mod lookup;
pub(crate) mod problems;
mod send_question;
mod update;
