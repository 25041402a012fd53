//! Expressions (`transform --set FIELD=EXPR`): a pipeline of steps applied to a field's
//! value, left to right, joined with `|`. Pure: no IO, no terminal. `parse` turns the text
//! into a typed [`Pipeline`] (errors point at the column of the mistake); `eval` runs it.

mod eval;
mod parse;

pub use eval::{Outcome, eval};
pub use parse::{ParseError, parse, parse_in};

use crate::patch::phone::Region;

/// The largest compiled regex a `replace` step may hold, in bytes.
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// One step of a pipeline.
#[derive(Debug, Clone)]
pub enum Step {
    Trim,
    Collapse,
    Upper,
    Lower,
    Title,
    Strip(String),
    Replace(regex::Regex, String),
    /// National numbers read in the given region, else the profile's `default_region`.
    E164(Option<Region>),
    Country,
    Value(String),
    Null,
}

/// Steps applied left to right.
#[derive(Debug, Clone)]
pub struct Pipeline {
    pub steps: Vec<Step>,
}
