//! `prospect`: browse, look up and correct the personal prospects of the Partner API.

pub mod api;
pub mod app;
pub mod batch;
pub mod cli;
pub mod config;
pub mod edit;
pub mod expr;
pub mod logging;
pub mod patch;
pub mod prefs;
pub mod present;
pub mod runtime;
pub mod sandbox;
pub mod scan;
pub mod text;
pub mod theme;
pub mod ui;
