//! The site's own pages (about, contact, privacy, terms, corrections):
//! listPages and getPage for anyone, as the public pages are; updatePage
//! through the same use case as the newsroom's pages screen.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use khabar_app::front::{FrontDesk, STATIC_PAGES};
use khabar_core::Lang;
use khabar_store::StaticPage;
use serde::{Deserialize, Serialize};

use super::access;
use super::{ApiError, body, caller};
use crate::App;
use crate::http::session::Viewer;

/// One page in one language, as the newsroom wrote it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = StaticPage)]
pub(crate) struct PageBody {
    /// about, contact, privacy, terms or corrections
    page: String,
    lang: String,
    title: String,
    /// Markdown, shown through the stories' sanitizer.
    body: String,
    updated_at: Timestamp,
    /// Its public address.
    url: String,
}

impl PageBody {
    fn new(app: &App, page: StaticPage) -> PageBody {
        PageBody {
            url: format!("{}/{}/{}", app.base_url, page.lang, page.page),
            page: page.page,
            lang: page.lang.to_string(),
            title: page.title,
            body: page.body,
            updated_at: page.updated_at,
        }
    }
}

/// Every written page, by page then language.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = StaticPages)]
pub(crate) struct PagesBody {
    items: Vec<PageBody>,
}

/// A page's new text; an empty title and body remove it in that language.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = StaticPageText)]
pub(crate) struct PageText {
    /// One line, at most 120 characters; required with a body.
    title: String,
    /// Markdown, at most 60,000 characters.
    #[serde(default)]
    body: String,
}

fn no_such_page() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such page in this language",
    )
}

/// The page's name and a language of the site from the path.
fn page_and_lang(
    app: &App,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<(&'static str, Lang), ApiError> {
    let Ok(Path((page, lang))) = path else {
        return Err(no_such_page());
    };
    let page = STATIC_PAGES
        .into_iter()
        .find(|p| *p == page)
        .ok_or_else(no_such_page)?;
    let lang = app.lang(&lang).ok_or_else(no_such_page)?;
    Ok((page, lang))
}

#[utoipa::path(
    get,
    path = "/pages",
    operation_id = "listPages",
    tag = "newsroom",
    summary = "The site's own pages in every language they are written in (anyone: they are public pages)",
    responses(
        (status = 200, description = "The written pages, by page then language", body = PagesBody),
    )
)]
pub(crate) async fn list_pages(State(app): State<Arc<App>>) -> Result<Response, ApiError> {
    let items = app
        .store
        .static_pages()
        .await?
        .into_iter()
        .filter(|p| app.lang(p.lang.as_str()).is_some())
        .map(|p| PageBody::new(&app, p))
        .collect();
    Ok(Json(PagesBody { items }).into_response())
}

#[utoipa::path(
    get,
    path = "/pages/{page}/{lang}",
    operation_id = "getPage",
    tag = "newsroom",
    summary = "One of the site's own pages in one language (anyone)",
    params(
        ("page" = String, Path, description = "about, contact, privacy, terms or corrections"),
        ("lang" = String, Path, description = "a language of the site"),
    ),
    responses(
        (status = 200, description = "The page", body = PageBody),
        (status = 404, description = "not_found: no such page, or not written in this language", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn get_page(
    State(app): State<Arc<App>>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, ApiError> {
    let (page, lang) = page_and_lang(&app, path)?;
    let written = app
        .store
        .static_page(page, lang)
        .await?
        .ok_or_else(no_such_page)?;
    Ok(Json(PageBody::new(&app, written)).into_response())
}

#[utoipa::path(
    put,
    path = "/pages/{page}/{lang}",
    operation_id = "updatePage",
    tag = "newsroom",
    summary = "Writes one of the site's own pages in one language, or removes it with an empty title and body; every node's cached pages go at once, as the footer links the pages (editors, admins)",
    params(
        ("page" = String, Path, description = "about, contact, privacy, terms or corrections"),
        ("lang" = String, Path, description = "a language of the site"),
    ),
    request_body = PageText,
    responses(
        (status = 200, description = "The page as saved", body = PageBody),
        (status = 204, description = "Removed in this language"),
        (status = 400, description = "bad_request_body: not JSON of the documented shape, or an unknown field", body = crate::api::wire::ErrorBody),
        crate::api::wire::NewsroomErrors,
        (status = 422, description = "required (a body without a title), too_long", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn update_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    viewer: Viewer,
    path: Result<Path<(String, String)>, PathRejection>,
    json: Result<Json<PageText>, JsonRejection>,
) -> Result<Response, ApiError> {
    let account = caller(&app, &headers, &viewer)
        .await?
        .require(&app, &headers, &access::UPDATE_PAGE)?
        .clone();
    let (page, lang) = page_and_lang(&app, path)?;
    let text = body(json)?;
    FrontDesk::new(&app, &account)
        .write_page(page, lang, &text.title, &text.body)
        .await?;
    match app.store.static_page(page, lang).await? {
        Some(saved) => Ok(Json(PageBody::new(&app, saved)).into_response()),
        None => Ok(StatusCode::NO_CONTENT.into_response()),
    }
}
