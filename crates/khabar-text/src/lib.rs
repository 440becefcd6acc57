//! Pure text handling: no IO, no async.
//!
//! Everything khabar does to text written by people — slugs, writing
//! direction, Markdown to safe HTML — lives here so it can be tested and
//! fuzzed on its own.

pub mod arabic;
pub mod comment;
pub mod diff;
pub mod direction;
pub mod markdown;
pub mod plurals;
pub mod search;
pub mod slug;
pub mod unicode;
pub mod username;
pub mod wordlist;

pub use direction::{Direction, detect_direction};
pub use markdown::render_article;
pub use slug::slugify;
