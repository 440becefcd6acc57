//! listStories: the newsroom's list of editions in every status.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use khabar_core::{Role, Scope};

use super::{ApiError, caller, page_param, require_role};
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
    Ok(Json(app.store.newsroom_editions(page, PER_PAGE).await?).into_response())
}
