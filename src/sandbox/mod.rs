//! The embedded sandbox API server (axum).
