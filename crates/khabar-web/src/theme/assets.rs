//! The theme's assets (CSS, scripts, fonts, images), named by their content
//! hash and cached for a year.

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
use crate::theme::page::preferred_language;
use crate::theme::page::error_page;
type AppState = State<Arc<App>>;



/// Theme assets (CSS, scripts, icons). Addresses named by the file's
/// current hash never change content, so they are cached for a year.
pub async fn asset(
    State(app): AppState,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Response {
    let file = path
        .ok()
        .and_then(|Path(path)| Some((app.theme.asset(&path)?, path)));
    let Some(((bytes, current), path)) = file else {
        return error_page(
            &app,
            preferred_language(&app, &headers),
            &PageError::NotFound,
        );
    };
    let content_type = content_type_of(&path);
    let cache_control = if current {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, cache_control),
        ],
        bytes.into_owned(),
    )
        .into_response()
}

/// A file's media type from its extension: theme assets, and images named
/// in feeds (uploads are named by their sniffed type).
pub(crate) fn content_type_of(path: &str) -> &'static str {
    match path
        .rsplit('.')
        .next()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("gif") => "image/gif",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}
