//! The theme's assets (CSS, scripts, fonts, images), named by their content
//! hash and cached for a year; the icons browsers ask for at fixed
//! addresses, and the web manifest.

use crate::theme::page::error_page;
use crate::theme::page::preferred_language;
use crate::{App, PageError};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use khabar_core::Lang;
use serde_json::json;
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

/// Icons are asked for at fixed addresses (`/favicon.ico` by every
/// browser, `/apple-touch-icon.png` by iOS, unprompted); a changed icon
/// shows within the day, or at once to a browser that revalidates (the
/// ETag is the file's hash).
const ICON_CACHE: &str = "public, max-age=86400";

/// `/favicon.ico`: the admins' icon when set, else the theme's.
pub(crate) async fn favicon(State(app): AppState, headers: HeaderMap) -> Response {
    fixed_address(&app, "icons/favicon.ico", ".ico", &headers).await
}

/// `/apple-touch-icon.png` (and its `-precomposed` twin older iOS asks for).
pub(crate) async fn touch_icon(State(app): AppState, headers: HeaderMap) -> Response {
    fixed_address(&app, "icons/apple-touch-icon.png", "-180.png", &headers).await
}

/// The admins' icon file `{stem}{suffix}` from the media folder every node
/// shares, else the theme's `path`.
async fn fixed_address(app: &App, path: &str, suffix: &str, headers: &HeaderMap) -> Response {
    let mut bytes = None;
    if let Some(stem) = app.settings.icon() {
        let file = format!("{}/{stem}{suffix}", khabar_app::newsroom::ICONS);
        match app.media.read(&file).await {
            Ok(Some(icon)) => bytes = Some(icon),
            // A node that cannot reach the media still shows an icon.
            Ok(None) => tracing::error!(%file, "the site icon's file is missing"),
            Err(error) => tracing::error!(%error, %file, "the site icon's file is unreadable"),
        }
    }
    let bytes = bytes.or_else(|| {
        app.theme
            .file(&format!("assets/{path}"))
            .map(|b| b.into_owned())
    });
    let Some(bytes) = bytes else {
        return error_page(app, preferred_language(app, headers), &PageError::NotFound);
    };
    tagged(path, bytes, ICON_CACHE, headers)
}

/// A file served at a fixed address, tagged with its hash: 304 to a
/// browser that has these bytes already.
pub(crate) fn tagged(
    path: &str,
    bytes: Vec<u8>,
    cache_control: &'static str,
    headers: &HeaderMap,
) -> Response {
    let tag = format!("\"{}\"", crate::theme::content_hash(&bytes));
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|sent| sent.split(',').any(|t| t.trim() == tag));
    let common = [
        (header::CONTENT_TYPE, content_type_of(path).to_owned()),
        (header::CACHE_CONTROL, cache_control.to_owned()),
        (header::ETAG, tag),
    ];
    if fresh {
        (StatusCode::NOT_MODIFIED, common).into_response()
    } else {
        (common, bytes).into_response()
    }
}

/// `/manifest.webmanifest`: the web manifest in the reader's language.
pub(crate) async fn manifest(State(app): AppState, headers: HeaderMap) -> Response {
    manifest_in(&app, preferred_language(&app, &headers))
}

/// `/{lang}/manifest.webmanifest`, which each page links: the site as an
/// installed app opens in the language it was installed from.
pub(crate) async fn language_manifest(
    State(app): AppState,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Response {
    match path.ok().and_then(|Path(lang)| app.lang(&lang)) {
        Some(lang) => manifest_in(&app, lang),
        None => error_page(
            &app,
            preferred_language(&app, &headers),
            &PageError::NotFound,
        ),
    }
}

/// The manifest in `lang`: its name, direction and front page, the other
/// languages' names under `translations` (the W3C proposal browsers are
/// adopting), and the icons by their content-named addresses.
fn manifest_in(app: &App, lang: Lang) -> Response {
    let site = app.site();
    let describe = |lang: Lang| {
        json!({
            "name": site.name_in(lang),
            "short_name": site.name_in(lang),
            "description": app.i18n.message(lang, "site-description", None),
        })
    };
    let translations: serde_json::Map<String, serde_json::Value> = site
        .languages
        .iter()
        .filter(|other| other.code != lang)
        .map(|other| (other.code.to_string(), describe(other.code)))
        .collect();
    let icon = |path: &str, sizes: &str, purpose: &str| {
        json!({
            "src": app.theme.asset_url(path),
            "sizes": sizes,
            "type": content_type_of(path),
            "purpose": purpose,
        })
    };
    let icons = match app.settings.icon() {
        // The admins' icon was not drawn with a maskable safe zone.
        Some(stem) => json!([192, 512].map(|size| json!({
            "src": app.media.public_url(&format!("{}/{stem}-{size}.png", khabar_app::newsroom::ICONS)),
            "sizes": format!("{size}x{size}"),
            "type": "image/png",
            "purpose": "any",
        }))),
        None => json!([
            icon("icons/icon-192.png", "192x192", "any"),
            icon("icons/icon-512.png", "512x512", "any"),
            icon("icons/icon-maskable-512.png", "512x512", "maskable"),
            icon("icons/icon.svg", "any", "any"),
        ]),
    };
    let mut manifest = describe(lang);
    if let Some(fields) = manifest.as_object_mut() {
        fields.extend([
            ("id".to_owned(), json!(format!("/{lang}/"))),
            ("lang".to_owned(), json!(lang.as_str())),
            ("dir".to_owned(), json!(app.dir(lang))),
            ("start_url".to_owned(), json!(format!("/{lang}/"))),
            ("scope".to_owned(), json!("/")),
            ("display".to_owned(), json!("minimal-ui")),
            ("background_color".to_owned(), json!("#fbfaf7")),
            ("theme_color".to_owned(), json!("#ffffff")),
            ("icons".to_owned(), icons),
            ("translations".to_owned(), json!(translations)),
        ]);
    }
    (
        [
            (header::CONTENT_TYPE, "application/manifest+json"),
            // The site's name is an admin's setting.
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        manifest.to_string(),
    )
        .into_response()
}
