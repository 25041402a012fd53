//! The API client, the scan engine and the sandbox, in process over real HTTP on loopback:
//! signing, errors, retries, limits, paging, abuse. One test binary.

#[path = "../common/mod.rs"]
mod common;

mod client_errors;
mod retries;
mod sandbox;
mod sandbox_abuse;
mod scan;
