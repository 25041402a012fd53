//! The TUI's core, The Elm Architecture style: plain `State`, `Msg`s in, `Effect`s out.
//!
//! Nothing here does IO or reads a clock: time arrives in `Msg::Tick`, results arrive as
//! messages carrying the `RequestId` they answer, and IO leaves as `Effect` data.

pub mod edit;
pub mod effect;
pub mod form;
pub mod input;
pub mod keys;
pub mod msg;
pub mod state;
pub mod update;

mod browse;
mod lookup;
mod save;

#[cfg(test)]
pub(crate) mod tests;

pub use effect::Effect;
pub use msg::Msg;
pub use state::{Focus, Millis, RequestId, State};
pub use update::{init, update};
