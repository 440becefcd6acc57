//! HTTP plumbing every screen shares: who is asking (sessions), CSRF
//! tokens, form reading, error answers, HTTP caching and compression, and
//! health checks.

pub mod cache;
pub mod csrf;
pub mod error;
pub mod forms;
pub mod health;
pub(crate) mod paths;
pub mod session;
