//! The TUI's core, The Elm Architecture style: plain `State`, `Msg`s in, `Effect`s out.
//!
//! Nothing here does IO or reads a clock: time arrives in `Msg::Tick`, results arrive as
//! messages carrying the `RequestId` they answer, and IO leaves as `Effect` data.

pub mod change_views;
pub mod changes;
mod changes_flow;
pub mod effect;
pub mod facet;
mod facet_flow;
mod facet_scan;
pub mod filter;
mod filter_flow;
pub mod find;
pub mod form;
pub mod form_flow;
pub mod history;
pub mod input;
pub mod keys;
mod layers;
pub mod msg;
pub mod pending_flow;
pub mod problems;
mod problems_flow;
pub mod requests;
mod scan_flow;
pub mod scan_view;
pub mod screens;
pub mod set_expr;
pub mod state;
pub mod update;

mod browse;
mod lookup;
mod mouse;
mod save;

#[cfg(test)]
pub(crate) mod tests;

pub use changes_flow::modal_context as changes_modal;
pub use effect::{ApiCall, ApiRequest, Effect, Local, RequestId};
pub use msg::{Msg, Reply};
pub use requests::Purpose;
pub use state::{Focus, Millis, State, Viewport};
pub use update::{init, update};
