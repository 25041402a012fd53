//! Expressions (`transform --set FIELD=EXPR`): a pipeline of steps applied to a field's
//! value, left to right, joined with `|`. Pure: no IO, no terminal. `parse` turns the text
//! into a typed [`Pipeline`] (errors point at the column of the mistake); `eval` runs it.

mod eval;
mod parse;
mod pipeline;

pub use eval::{Outcome, eval};
pub use parse::{ParseError, parse, parse_in};
pub use pipeline::{Pipeline, REGEX_SIZE_LIMIT, Step};
