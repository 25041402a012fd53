//! The command line, run as the built binary against the real sandbox over HTTP: every
//! command, its output, exit codes and files; the docs that describe them. One test binary
//! (each module was a binary of its own: one link instead of eleven).

#[path = "../common/mod.rs"]
mod common;

mod api_cmd;
mod apply;
mod apply_files;
mod cli;
mod cli_config;
mod cli_local;
mod cli_scan;
mod docs;
mod explore;
mod field_names;
mod hostile;
mod journal;
mod limits;
mod manners;
mod round_trip;
mod transform;
