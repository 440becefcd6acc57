//! Search in the API: searchArticles (anyone) and searchComments
//! (moderators). The same use cases as the search pages.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use super::{ApiError, access, caller};
use crate::App;
use crate::http::session::Viewer;
use khabar_app::search::{self};

type AppState = State<Arc<App>>;

/// `GET /search/articles?q=…`
#[utoipa::path(
    get,
    path = "/search/articles",
    operation_id = "searchArticles",
    tag = "search",
    summary = "Published stories in every language: any form of an Arabic or English word, with or without diacritics; \"phrases\", -exclusions, one typo in Latin words of 5+ letters",
    params(
        ("q" = String, Query, max_length = 200),
        ("lang" = Option<String>, Query, description = "only this language"),
        ("section" = Option<String>, Query, description = "section slug"),
        ("tag" = Option<String>, Query, description = "tag slug"),
        ("author" = Option<String>, Query, description = "author slug"),
        ("from" = Option<String>, Query, format = Date),
        ("to" = Option<String>, Query, format = Date),
        ("sort" = Option<String>, Query, description = "relevance or newest"),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 1000),
    ),
    responses(
        (status = 200, description = "Hits (snippet as HTML with <mark>), total, page, has_more; when the first page is empty, a suggestion (the nearest search that finds stories) and elsewhere (how many the search finds in every language, when lang was given)", body = crate::api::wire::search::ArticleResults),
        (status = 422, description = "empty_query, query_too_long, invalid_date", body = crate::api::wire::ErrorBody),
    )
)]
pub(super) async fn articles(
    State(app): AppState,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let request = search::article_search(&app, &query, None)?;
    let hits = search::articles(&app, request).await?;
    Ok(Json(super::wire::search::ArticleResults::from(hits)).into_response())
}

/// `GET /search/comments?q=…` (moderators)
#[utoipa::path(
    get,
    path = "/search/comments",
    operation_id = "searchComments",
    tag = "search",
    summary = "Comments of every status by text, author, story and status (moderators)",
    params(
        ("q" = String, Query, max_length = 200),
        ("author" = Option<String>, Query, description = "username"),
        ("story" = Option<i64>, Query),
        ("status" = Option<String>, Query, description = "visible, pending, rejected or shadowed"),
        ("page" = Option<u32>, Query, minimum = 1),
    ),
    responses(
        (status = 200, description = "Hits, total, page, has_more", body = crate::api::wire::search::CommentResults),
        (status = 403, description = "not_a_moderator", body = crate::api::wire::ErrorBody),
        (status = 422, description = "empty_query, query_too_long", body = crate::api::wire::ErrorBody),
    )
)]
pub(super) async fn comments(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers, &viewer).await?;
    let account = caller.require(&app, &headers, &access::SEARCH_COMMENTS)?;
    let moderator = khabar_app::moderation::moderator(&app, account).await?;
    let request = search::comment_search(&query)?;
    let hits = search::comments(&app, &moderator, request).await?;
    Ok(Json(super::wire::search::CommentResults::from(hits)).into_response())
}
