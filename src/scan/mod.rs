//! Finding what needs fixing, with no terminal code: the scan over every page
//! ([`engine`]), `--where` filters ([`filter`]), the data-quality rules ([`rules`]),
//! shared values ([`duplicates`]), `check` over a stream of records ([`check`]), the
//! corrections file `check --fix` writes ([`corrections`]), facets and clusters
//! ([`facet`], keyed by [`keys`]), and expressions over a record ([`transform`]).
//!
//! The filter, rule and duplicate logic is pure and works a record at a time, so the CLI and
//! the TUI both run it on pages as they stream in, holding findings, not raw responses.

pub mod check;
pub mod corrections;
pub mod duplicates;
pub mod engine;
pub mod facet;
pub mod fields;
pub mod filter;
pub mod keys;
pub mod rules;
pub mod transform;

pub use check::Checker;
pub use engine::{Progress, Scan, ScanError, ScanEvent, ScanOptions, ScanPage, ScanSummary};
pub use fields::FieldRef;
pub use filter::{Condition, Filter};
pub use rules::{Finding, Rule, RuleSet};
