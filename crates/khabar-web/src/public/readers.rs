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

use crate::public::pages::{chrome, error_page, preferred_language, render_with_status, segment};
use crate::http::session::Viewer;
use crate::{App, PageError, http::csrf};

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

#[derive(Deserialize)]
pub struct PreferenceForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    email: String,
}

/// Sets how the reader hears about replies and mentions by email.
pub async fn set_email_preference(
    State(app): AppState,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    viewer: Viewer,
    form: Result<Form<PreferenceForm>, FormRejection>,
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
    let Ok(Form(form)) = form else {
        return error_page(&app, lang, &PageError::BadRequest("unreadable form".into()));
    };
    if !csrf::same_site(&app, &headers) || !csrf::token_matches(&viewer, &form.csrf_token) {
        return error_page(&app, lang, &PageError::Forbidden);
    }
    let Some(preference) = khabar_store::EmailPreference::parse(&form.email) else {
        return error_page(
            &app,
            lang,
            &PageError::BadRequest("unknown preference".into()),
        );
    };
    match app
        .store
        .set_email_preference(session.account.id, preference)
        .await
    {
        Ok(()) => (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, format!("/{lang}/account"))],
        )
            .into_response(),
        Err(error) => error_page(&app, lang, &PageError::Store(error)),
    }
}

/// `/{lang}/unsubscribe/{key}`: the link in every notification email. One
/// click (or the mail client's RFC 8058 POST) stops the emails.
pub async fn unsubscribe(
    State(app): AppState,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
    viewer: Viewer,
) -> Response {
    let fallback = preferred_language(&app, &headers);
    let Some((lang, key)) = path
        .ok()
        .and_then(|Path((lang, key))| Some((app.lang(&lang)?, key)))
    else {
        return error_page(&app, fallback, &PageError::NotFound);
    };
    let known = key.len() <= 128 && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    match if known {
        app.store.unsubscribe(&key).await
    } else {
        Ok(false)
    } {
        Ok(true) => {
            let page = async {
                let chrome = chrome(
                    &app,
                    lang,
                    &viewer,
                    vec![(lang, format!("/{lang}/"))],
                    None,
                    format!("/{lang}/"),
                )
                .await?;
                render_with_status(
                    &app,
                    StatusCode::OK,
                    "message.html",
                    lang,
                    chrome,
                    context! {
                        title => app.i18n.message(lang, "unsubscribed-title", None),
                        body => app.i18n.message(lang, "unsubscribed-body", None),
                        link => format!("/{lang}/account"),
                        link_text => app.i18n.message(lang, "account-title", None),
                    },
                )
            };
            page.await.unwrap_or_else(|e| error_page(&app, lang, &e))
        }
        Ok(false) => error_page(&app, lang, &PageError::NotFound),
        Err(error) => error_page(&app, lang, &PageError::Store(error)),
    }
}
