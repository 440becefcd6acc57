//! Readers' public profiles and their notifications.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use khabar_core::Lang;
use minijinja::context;
use serde::Deserialize;

use crate::pages::{chrome, error_page, preferred_language, render_with_status, segment};
use crate::session::Viewer;
use crate::{App, PageError, csrf};

type AppState = State<Arc<App>>;

const HISTORY_PAGE: u32 = 20;
const NOTIFICATIONS_SHOWN: i64 = 50;

/// `/{lang}/user/{username}`: display name, join date, comment history.
pub async fn profile(
    State(app): AppState,
    path: Result<Path<(String, String)>, PathRejection>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    headers: HeaderMap,
    viewer: Viewer,
) -> Response {
    let fallback = preferred_language(&app, &headers);
    let Some((lang, name)) = path
        .ok()
        .and_then(|Path((lang, name))| Some((app.lang(&lang)?, name)))
    else {
        return error_page(&app, fallback, &PageError::NotFound);
    };
    let page = query
        .ok()
        .and_then(|Query(q)| q.get("page").and_then(|p| p.parse::<u32>().ok()))
        .filter(|p| (1..=1_000).contains(p))
        .unwrap_or(1);
    let result = async {
        let username =
            khabar_core::Username::parse_for_staff(&name).map_err(|_| PageError::NotFound)?;
        let profile = app
            .store
            .profile(&username.key())
            .await?
            .ok_or(PageError::NotFound)?;
        let comments = app
            .store
            .comments_by(profile.id, page, HISTORY_PAGE)
            .await?;
        let base = |l: Lang| format!("/{l}/user/{}", segment(&profile.username));
        let paths = app.languages().into_iter().map(|l| (l, base(l))).collect();
        let chrome = chrome(&app, lang, &viewer, paths, None, base(lang)).await?;
        let this = base(lang);
        render_with_status(
            &app,
            StatusCode::OK,
            "profile.html",
            lang,
            chrome,
            context! {
                profile => profile,
                comments => comments,
                previous_page => (page > 1).then(|| format!("{this}?page={}", page - 1)),
                next_page => comments.has_more.then(|| format!("{this}?page={}", page + 1)),
            },
        )
    };
    result.await.unwrap_or_else(|e| error_page(&app, lang, &e))
}

/// `/{lang}/notifications`: replies and mentions, newest first.
pub async fn notifications(
    State(app): AppState,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    viewer: Viewer,
) -> Response {
    let fallback = preferred_language(&app, &headers);
    let Some(lang) = path.ok().and_then(|Path(lang)| app.lang(&lang)) else {
        return error_page(&app, fallback, &PageError::NotFound);
    };
    let Some(session) = &viewer.session else {
        return (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, format!("/{lang}/signin"))],
        )
            .into_response();
    };
    let result = async {
        let items = app
            .store
            .notifications(session.account.id, NOTIFICATIONS_SHOWN)
            .await?;
        let paths = app
            .languages()
            .into_iter()
            .map(|l| (l, format!("/{l}/notifications")))
            .collect();
        let chrome = chrome(
            &app,
            lang,
            &viewer,
            paths,
            None,
            format!("/{lang}/notifications"),
        )
        .await?;
        render_with_status(
            &app,
            StatusCode::OK,
            "notifications.html",
            lang,
            chrome,
            context! { notifications => items, csrf_token => &session.csrf_token },
        )
    };
    result.await.unwrap_or_else(|e| error_page(&app, lang, &e))
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    csrf_token: String,
}

pub async fn mark_read(
    State(app): AppState,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    viewer: Viewer,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    let fallback = preferred_language(&app, &headers);
    let Some(lang) = path.ok().and_then(|Path(lang)| app.lang(&lang)) else {
        return error_page(&app, fallback, &PageError::NotFound);
    };
    let Some(session) = &viewer.session else {
        return (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, format!("/{lang}/signin"))],
        )
            .into_response();
    };
    let token = form.map(|Form(f)| f.csrf_token).unwrap_or_default();
    if !csrf::same_site(&app, &headers) || !csrf::token_matches(&viewer, &token) {
        return error_page(&app, lang, &PageError::Forbidden);
    }
    match app.store.mark_notifications_read(session.account.id).await {
        Ok(()) => (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, format!("/{lang}/notifications"))],
        )
            .into_response(),
        Err(error) => error_page(&app, lang, &PageError::Store(error)),
    }
}
