//! `prospect`: browse, look up and correct the personal prospects of the Partner API.

pub mod api;
pub mod app;
pub mod patch;
pub mod sandbox;
pub mod tui;
pub mod ui;
