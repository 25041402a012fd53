//! Many corrections as one batch: reading corrections files, planning (what each row comes
//! to against the server's records), sending with bounded concurrency, and reverting. Used by
//! `prospect apply` and `prospect revert`; no terminal code.

pub mod corrections;
pub mod journaling;
pub mod plan;
pub mod run;

pub use corrections::{Correction, ParseError, RowKey};
pub use plan::{Outcome, Planned};
