//! Readers' public profiles and their notifications.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use khabar_core::Lang;
use minijinja::context;
use serde::Deserialize;

use crate::extract::{CheckedForm, PageLang, SignedIn, see_other};
use crate::http::paths::segment;
use crate::http::session::Viewer;
use crate::theme::page::{chrome, error_page, render_with_status};
use crate::{App, PageError};

type AppState = State<Arc<App>>;

const HISTORY_PAGE: u32 = 20;
const NOTIFICATIONS_SHOWN: i64 = 50;

/// `/{lang}/user/{username}`: display name, join date, comment history.
pub(crate) async fn profile(
    State(app): AppState,
    PageLang(lang): PageLang,
    path: Result<Path<(String, String)>, PathRejection>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    viewer: Viewer,
) -> Response {
    let name = path.map(|Path((_, name))| name).unwrap_or_default();
    let page = query
        .ok()
        .and_then(|Query(q)| q.get("page").and_then(|p| p.parse::<u32>().ok()))
        .filter(|p| (1..=1_000).contains(p))
        .unwrap_or(1);
    let result = profile_page(&app, lang, &name, page, &viewer).await;
    result.unwrap_or_else(|e| error_page(&app, lang, &e))
}

async fn profile_page(
    app: &App,
    lang: Lang,
    name: &str,
    page: u32,
    viewer: &Viewer,
) -> Result<Response, PageError> {
    let username = khabar_core::Username::parse_for_staff(name).map_err(|_| PageError::NotFound)?;
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
    let chrome = chrome(app, lang, viewer, paths, None, base(lang)).await?;
    let this = base(lang);
    render_with_status(
        app,
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
}

/// `/{lang}/notifications`: replies and mentions, newest first.
pub(crate) async fn notifications(State(app): AppState, reader: SignedIn) -> Response {
    let result = notifications_page(&app, &reader).await;
    result.unwrap_or_else(|e| error_page(&app, reader.lang, &e))
}

async fn notifications_page(app: &App, reader: &SignedIn) -> Result<Response, PageError> {
    let lang = reader.lang;
    let items = app
        .store
        .notifications(reader.account().id, NOTIFICATIONS_SHOWN)
        .await?;
    let paths = app
        .languages()
        .into_iter()
        .map(|l| (l, format!("/{l}/notifications")))
        .collect();
    let this = format!("/{lang}/notifications");
    let chrome = chrome(app, lang, &reader.viewer, paths, None, this).await?;
    render_with_status(
        app,
        StatusCode::OK,
        "notifications.html",
        lang,
        chrome,
        context! { notifications => items, csrf_token => &reader.session.csrf_token },
    )
}

pub(crate) async fn mark_read(
    State(app): AppState,
    reader: SignedIn,
    CheckedForm(..): CheckedForm,
) -> Response {
    let lang = reader.lang;
    match app.store.mark_notifications_read(reader.account().id).await {
        Ok(()) => see_other(format!("/{lang}/notifications")),
        Err(error) => error_page(&app, lang, &PageError::Store(error)),
    }
}

#[derive(Deserialize)]
pub(crate) struct PreferenceForm {
    #[serde(default)]
    email: String,
}

/// Sets how the reader hears about replies and mentions by email.
pub(crate) async fn set_email_preference(
    State(app): AppState,
    reader: SignedIn,
    CheckedForm(form, ..): CheckedForm<PreferenceForm>,
) -> Response {
    let lang = reader.lang;
    let Some(preference) = khabar_store::EmailPreference::parse(&form.email) else {
        let unknown = PageError::BadRequest("unknown preference".into());
        return error_page(&app, lang, &unknown);
    };
    match app
        .store
        .set_email_preference(reader.account().id, preference)
        .await
    {
        Ok(()) => see_other(format!("/{lang}/account")),
        Err(error) => error_page(&app, lang, &PageError::Store(error)),
    }
}

/// `/{lang}/unsubscribe/{key}`: the link in every notification email. One
/// click (or the mail client's RFC 8058 POST) stops the emails.
pub(crate) async fn unsubscribe(
    State(app): AppState,
    PageLang(lang): PageLang,
    path: Result<Path<(String, String)>, PathRejection>,
    viewer: Viewer,
) -> Response {
    let key = path.map(|Path((_, key))| key).unwrap_or_default();
    let known = key.len() <= 128
        && !key.is_empty()
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    let found = if known {
        app.store.unsubscribe(&key).await
    } else {
        Ok(false)
    };
    match found {
        Ok(true) => unsubscribed_page(&app, lang, &viewer)
            .await
            .unwrap_or_else(|e| error_page(&app, lang, &e)),
        Ok(false) => error_page(&app, lang, &PageError::NotFound),
        Err(error) => error_page(&app, lang, &PageError::Store(error)),
    }
}

/// Says the emails have stopped, with the way to the account page.
async fn unsubscribed_page(app: &App, lang: Lang, viewer: &Viewer) -> Result<Response, PageError> {
    let home = format!("/{lang}/");
    let chrome = chrome(app, lang, viewer, vec![(lang, home.clone())], None, home).await?;
    render_with_status(
        app,
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
}
