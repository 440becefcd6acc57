//! `/{lang}/search`: stories in either language, with filters and
//! highlighted snippets; and `/{lang}/moderate/search`: comments for
//! moderators. Rules live in `search`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use khabar_core::Lang;
use minijinja::context;
use serde::Serialize;

use crate::public::pages::{chrome, error_page, preferred_language, render, segment};
use khabar_app::search::{self, SearchFailure};
use crate::http::session::Viewer;
use crate::{App, PageError};

type AppState = State<Arc<App>>;

/// One result as the page shows it.
#[derive(Serialize)]
struct Result {
    url: String,
    lang: String,
    dir: &'static str,
    /// Set when the result is in another language than the page.
    other_language: Option<String>,
    headline: String,
    snippet: String,
    section_name: Option<String>,
    published_at: jiff::Timestamp,
}

/// The query string with `page` set, for the pager.
fn with_page(lang: Lang, query: &HashMap<String, String>, page: u32) -> String {
    let mut pairs: Vec<String> = query
        .iter()
        .filter(|(k, v)| k.as_str() != "page" && !v.is_empty())
        .map(|(k, v)| {
            format!(
                "{k}={}",
                percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC)
            )
        })
        .collect();
    pairs.sort();
    pairs.push(format!("page={page}"));
    format!("/{lang}/search?{}", pairs.join("&"))
}

/// The failure as the page tells it: the reader's own (an empty or
/// overlong query, a bad date) in words, anything else as an error page.
fn failure_message(failure: &SearchFailure) -> std::result::Result<&'static str, PageError> {
    if failure.is_readers() {
        Ok(failure.code())
    } else {
        tracing::error!(error = %failure, "search failed");
        Err(PageError::Internal)
    }
}

pub async fn articles(
    State(app): AppState,
    path: std::result::Result<Path<String>, PathRejection>,
    query: std::result::Result<Query<HashMap<String, String>>, QueryRejection>,
    headers: HeaderMap,
    viewer: Viewer,
) -> Response {
    let fallback = preferred_language(&app, &headers);
    let Some(lang) = path.ok().and_then(|Path(l)| app.lang(&l)) else {
        return error_page(&app, fallback, &PageError::NotFound);
    };
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let result = async {
        let typed = query.get("q").map(|q| q.trim()).unwrap_or_default();
        let outcome = if typed.is_empty() {
            None
        } else {
            Some(match search::article_search(&app, &query, Some(lang)) {
                Ok(request) => search::articles(&app, request).await,
                Err(invalid) => Err(invalid.into()),
            })
        };
        let (hits, problem) = match outcome {
            None => (None, None),
            Some(Ok(hits)) => (Some(hits), None),
            Some(Err(failure)) => (None, Some(failure_message(&failure)?)),
        };
        let results: Vec<Result> = hits
            .as_ref()
            .map(|hits| {
                hits.hits
                    .iter()
                    .map(|hit| Result {
                        url: format!("/{}/story/{}", hit.lang, segment(&hit.slug)),
                        dir: Lang::parse(&hit.lang)
                            .ok()
                            .and_then(|l| app.site().dir_of(l))
                            .map(|d| d.as_str())
                            .unwrap_or("auto"),
                        other_language: (hit.lang != lang.as_str()).then(|| hit.lang.clone()),
                        lang: hit.lang.clone(),
                        headline: hit.headline.clone(),
                        snippet: hit.snippet.clone(),
                        section_name: hit.section_name.clone(),
                        published_at: hit.published_at,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let page = hits.as_ref().map(|h| h.page).unwrap_or(1);
        let paths = app
            .languages()
            .into_iter()
            .map(|l| (l, format!("/{l}/search")))
            .collect();
        let chrome = chrome(&app, lang, &viewer, paths, None, format!("/{lang}/search")).await?;
        let mut response = render(
            &app,
            "search.html",
            lang,
            chrome,
            context! {
                query => &query,
                typed => typed,
                results => results,
                total => hits.as_ref().map(|h| h.total),
                problem => problem,
                sections => app.store.sections(lang).await?,
                previous_page => (page > 1).then(|| with_page(lang, &query, page - 1)),
                next_page => hits.as_ref().is_some_and(|h| h.has_more).then(|| with_page(lang, &query, page + 1)),
            },
        )?;
        // Search pages are many and cheap to make: keep them out of
        // search engines' indexes.
        response
            .headers_mut()
            .insert("x-robots-tag", header::HeaderValue::from_static("noindex"));
        if problem.is_some() {
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        }
        Ok::<_, PageError>(response)
    };
    result.await.unwrap_or_else(|e| error_page(&app, lang, &e))
}

/// `/{lang}/moderate/search`: comments by text, author, story, status.
pub async fn comments(
    State(app): AppState,
    path: std::result::Result<Path<String>, PathRejection>,
    query: std::result::Result<Query<HashMap<String, String>>, QueryRejection>,
    headers: HeaderMap,
    viewer: Viewer,
) -> Response {
    let fallback = preferred_language(&app, &headers);
    let Some(lang) = path.ok().and_then(|Path(l)| app.lang(&l)) else {
        return error_page(&app, fallback, &PageError::NotFound);
    };
    let Some(session) = &viewer.session else {
        let to = format!("/{lang}/signin");
        return (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response();
    };
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let result = async {
        let moderator = khabar_app::moderation::moderator(&app, &session.account).await?;
        let typed = query.get("q").map(|q| q.trim()).unwrap_or_default();
        let (hits, problem) = if typed.is_empty() {
            (None, None)
        } else {
            let outcome = match search::comment_search(&query) {
                Ok(request) => search::comments(&app, &moderator, request).await,
                Err(invalid) => Err(invalid.into()),
            };
            match outcome {
                Ok(hits) => (Some(hits), None),
                Err(failure) => (None, Some(failure_message(&failure)?)),
            }
        };
        let paths = app
            .languages()
            .into_iter()
            .map(|l| (l, format!("/{l}/moderate/search")))
            .collect();
        let chrome = chrome(
            &app,
            lang,
            &viewer,
            paths,
            None,
            format!("/{lang}/moderate/search"),
        )
        .await?;
        render(
            &app,
            "moderate-search.html",
            lang,
            chrome,
            context! { query => &query, hits => hits, problem => problem },
        )
    };
    result.await.unwrap_or_else(|e| error_page(&app, lang, &e))
}
