//! The typed pipeline that `parse` builds and `eval` runs: in its own file so that neither
//! imports the module that re-exports them (no import cycle between files).

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
