//! Search in the API: searchArticles (anyone) and searchComments
//! (moderators). The same use cases as the search pages.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use khabar_core::Scope;

use super::{ApiError, caller};
use crate::App;
use crate::search::{self, SearchFailure};
use crate::session::Viewer;

type AppState = State<Arc<App>>;

impl From<SearchFailure> for ApiError {
    fn from(failure: SearchFailure) -> Self {
        match failure {
            SearchFailure::Invalid(e) => e.into(),
            failure if failure.is_readers() => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                failure.code(),
                failure.to_string(),
            ),
            failure => {
                tracing::error!(error = %failure, "API search failed");
                ApiError::internal()
            }
        }
    }
}

/// `GET /search/articles?q=…`
pub async fn articles(
    State(app): AppState,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let request = search::article_search(&app, &query, None)?;
    let hits = search::articles(&app, request).await?;
    Ok(Json(hits).into_response())
}

/// `GET /search/comments?q=…` (moderators)
pub async fn comments(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers, &viewer).await?;
    let account = caller.authorize_read(Scope::Moderate)?;
    let moderator = crate::moderation::moderator(&app, account).await?;
    let request = search::comment_search(&query)?;
    let hits = search::comments(&app, &moderator, request).await?;
    Ok(Json(hits).into_response())
}
