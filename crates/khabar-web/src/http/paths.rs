//! Page paths: percent-encoded segments and the language and slug read
//! from them.

use crate::App;
use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use khabar_core::{Lang, Slug};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Characters kept as they are in a path segment; everything else,
/// including every non-ASCII letter of an Arabic slug, is percent-encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

pub(crate) fn segment(text: &str) -> String {
    utf8_percent_encode(text, SEGMENT).to_string()
}

/// A site language and a well-formed slug from the path. Anything else —
/// an unknown language, NUL bytes, a thousand characters — cannot name a
/// page, so it is a 404 before the database is asked.
pub(crate) fn lang_and_slug(
    app: &App,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Option<(Lang, Slug)> {
    let Path((code, slug)) = path.ok()?;
    Some((app.lang(&code)?, Slug::parse(&slug).ok()?))
}

/// A story's public address in one language.
pub(crate) fn story_path(lang: &str, slug: &str) -> String {
    format!("/{lang}/story/{}", segment(slug))
}
