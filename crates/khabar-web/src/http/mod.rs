//! HTTP plumbing every screen shares: who is asking (sessions), CSRF
//! tokens, form reading, error answers, HTTP caching and compression,
//! health checks, metrics and request ids.

pub mod cache;
pub mod csrf;
pub mod error;
pub mod forms;
pub mod health;
pub mod metrics;
pub(crate) mod paths;
pub(crate) mod request_id;
pub mod session;
