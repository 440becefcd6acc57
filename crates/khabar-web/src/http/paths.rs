//! Page paths: percent-encoded segments and the language and slug read
//! from them.

use std::collections::HashMap;
use std::sync::Arc;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use khabar_core::{Lang, Slug};
use khabar_store::{EditionLink, ListFilter, SectionRef};
use minijinja::{Value, context};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use crate::http::cache::{Public, keys};
use crate::theme::i18n::negotiate;
use crate::http::session::Viewer;
use crate::public::structured_data::article_meta;
use crate::public::syndication::feeds;
use crate::theme::page::FeedLink;
use crate::{App, PageError};
type AppState = State<Arc<App>>;



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
