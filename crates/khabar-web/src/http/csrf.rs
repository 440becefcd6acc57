//! Cross-site request forgery: every state-changing request must come from
//! the site itself (Sec-Fetch-Site / Origin) and carry the token of the
//! session — or, before sign-in, the token of the form cookie.

use axum::http::{HeaderMap, header};
use khabar_core::secret::constant_time_eq;

use crate::App;
use crate::http::session::Viewer;

/// Whether the browser says the request came from this site. Requests
/// without either header (curl, old browsers) pass this check and rely on
/// the token alone.
pub fn same_site(app: &App, headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) => origin == app.base_url,
        None => true,
    }
}

/// Whether `submitted` is the token this viewer's forms carry.
pub fn token_matches(viewer: &Viewer, submitted: &str) -> bool {
    let expected = match &viewer.session {
        Some(session) => Some(session.csrf_token.as_str()),
        None => viewer.form_token.as_deref(),
    };
    expected.is_some_and(|expected| !submitted.is_empty() && constant_time_eq(expected, submitted))
}
