//! The Partner API: records, request signing and the HTTP client. Knows nothing of terminals.

pub mod client;
pub mod error;
pub mod exact;
pub mod limiter;
pub mod model;
mod model_de;
pub mod pages;
pub mod sign;
pub mod target;

pub use client::{ApiClient, ClientConfig, DateObserver, DryRun, RawAnswer};
pub use error::ApiError;
pub use model::{Address, AddressPart, Page, PageMeta, PatchBody, Prospect};
pub use pages::PageWalk;
