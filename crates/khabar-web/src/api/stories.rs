//! listStories: the newsroom's list of editions in every status, narrowed
//! by status, language, section, author and headline words, each with its
//! story's translation status.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use super::{ApiError, access, caller, page_param};
use crate::App;
use crate::http::session::Viewer;
use khabar_app::newsroom::Newsroom;
use khabar_app::query::list_filter;

const PER_PAGE: u32 = 50;

#[utoipa::path(
    get,
    path = "/stories",
    operation_id = "listStories",
    tag = "newsroom",
    summary = "Editions in every status, most recently changed first, with their story's translation status (authors, editors, admins)",
    params(
        ("page" = Option<u32>, Query, minimum = 1, maximum = 10000, description = "from 1"),
        ("status" = Option<crate::api::wire::sets::EditionStatusName>, Query),
        ("lang" = Option<String>, Query, description = "a language code"),
        ("section" = Option<i64>, Query, description = "section id"),
        ("author" = Option<i64>, Query, description = "author id"),
        ("q" = Option<String>, Query, max_length = 200, description = "words in the headline"),
    ),
    responses(
        (status = 200, description = "A page of editions: section_id, story_languages (the languages the story has) and behind ([{lang, revisions}] for each other edition that saved revisions since this one's text last changed)", body = crate::api::wire::newsroom::StoryPage),
        (status = 422, description = "invalid_status, invalid_id, query_too_long, invalid_lang", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn list(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    viewer: Viewer,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers, &viewer).await?;
    let account = caller.require(&app, &headers, &access::LIST_STORIES)?;
    let page = page_param(&query)?;
    let filter = list_filter(&query)?;
    let editions = Newsroom::new(&app, account)
        .editions(&filter, page, PER_PAGE)
        .await?;
    Ok(Json(super::wire::newsroom::StoryPage::from(editions)).into_response())
}
