//! `khabar import ghost FILE.json`: a Ghost export, read into the same
//! records as a WordPress one and written the same way.

use super::{ImportError, Options, Summary, Target, ghost_json, wordpress};

/// Imports `text`, a Ghost JSON export; `progress(done, total)` follows the posts.
pub async fn import(
    target: Target<'_>,
    text: &str,
    options: &Options,
    progress: &dyn Fn(u64, u64),
) -> Result<Summary, ImportError> {
    let archive = ghost_json::parse(text)?;
    wordpress::import_archive(target, "ghost", &archive, options, progress).await
}
