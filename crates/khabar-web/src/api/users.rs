//! listUsers: the first admin-only operation.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use khabar_core::{Role, Scope};

use super::{ApiError, caller, require_role};
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
    let account = caller.authorize_read(Scope::Admin)?;
    require_role(account, &[Role::Admin])?;
    let page = match query.get("page") {
        None => 1,
        Some(text) => text
            .parse::<u32>()
            .ok()
            .filter(|p| (1..=10_000).contains(p))
            .ok_or_else(|| {
                ApiError::from(khabar_core::InvalidInput::new(
                    "page",
                    "invalid_page",
                    "a page from 1 to 10000",
                ))
            })?,
    };
    Ok(Json(app.store.list_users(page, PER_PAGE).await?).into_response())
}
