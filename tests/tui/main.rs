//! The TUI end to end: the built binary in a pseudo-terminal (portable-pty + vt100), driven
//! by keys and read from the screen. One test binary.

#[path = "../pty/mod.rs"]
mod pty;

mod cli_tables;
mod e2e_apply;
mod e2e_changes;
mod e2e_filter;
mod e2e_layers;
mod e2e_native;
mod e2e_problems;
mod e2e_pty;
mod pty_session;
