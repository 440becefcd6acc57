//! The theme's assets (CSS, scripts, fonts, images), named by their content
//! hash and cached for a year.

use crate::theme::page::error_page;
use crate::theme::page::preferred_language;
use crate::{App, PageError};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
type AppState = State<Arc<App>>;

/// Theme assets (CSS, scripts, icons). Addresses named by the file's
/// current hash never change content, so they are cached for a year.
pub(crate) async fn asset(
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
