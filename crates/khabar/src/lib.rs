//! The khabar binary's wiring, as a library so that tests start the very
//! server the CLI starts.

pub mod config;
pub mod demo;
pub mod server;
mod webhooks;
mod workers;

pub use config::{Config, ConfigError, Overrides};
pub use server::Server;
