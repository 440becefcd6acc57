//! listStories: the newsroom's list of editions in every status, narrowed
//! by status, language, section, author and headline words, each with its
//! story's translation status.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use khabar_core::{InvalidInput, Lang, Role, Scope};
use khabar_store::NewsroomFilter;

use super::{ApiError, caller, id_param, page_param, require_role};
use crate::App;
use crate::session::Viewer;

const PER_PAGE: u32 = 50;

pub async fn list(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    viewer: Viewer,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers, &viewer).await?;
    let account = caller.authorize_read(Scope::Edit)?;
    require_role(account, &[Role::Author, Role::Editor, Role::Admin])?;
    let page = page_param(&query)?;
    let filter = list_filter(&query)?;
    Ok(Json(app.store.newsroom_editions(&filter, page, PER_PAGE).await?).into_response())
}

/// Longest headline search.
const MAX_QUERY_CHARS: usize = 200;

pub(crate) fn list_filter(query: &HashMap<String, String>) -> Result<NewsroomFilter, InvalidInput> {
    let given = |name: &str| query.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let status = match given("status") {
        Some(status @ ("draft" | "scheduled" | "published" | "unpublished")) => {
            khabar_core::EditionStatus::parse(status).ok()
        }
        Some(_) => {
            return Err(InvalidInput::new(
                "status",
                "invalid_status",
                "draft, scheduled, published or unpublished",
            ));
        }
        None => None,
    };
    let words = given("q").map(str::to_owned);
    if words
        .as_ref()
        .is_some_and(|q| q.chars().count() > MAX_QUERY_CHARS)
    {
        return Err(InvalidInput::new(
            "q",
            "query_too_long",
            format!("at most {MAX_QUERY_CHARS} characters"),
        ));
    }
    Ok(NewsroomFilter {
        story_id: None,
        status,
        lang: given("lang").map(Lang::parse).transpose()?,
        section_id: id_param(query, "section")?,
        author_id: id_param(query, "author")?,
        query: words,
    })
}
