//! listUsers: the first admin-only operation.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use khabar_app::newsroom::Newsroom;

use super::{ApiError, access, caller, page_param};
use crate::App;
use crate::http::session::Viewer;

const PER_PAGE: u32 = 50;

#[utoipa::path(
    get,
    path = "/users",
    operation_id = "listUsers",
    tag = "accounts",
    summary = "Users, 50 a page (admins only)",
    params(
        ("page" = Option<u32>, Query, minimum = 1, maximum = 10000, description = "from 1"),
    ),
    responses(
        (status = 200, description = "A page of users", body = crate::api::wire::accounts::UserPage),
        (status = 422, description = "invalid_page", body = crate::api::wire::ErrorBody),
    )
)]
pub(super) async fn list(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    viewer: Viewer,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers, &viewer).await?;
    let account = caller.require(&app, &headers, &access::LIST_USERS)?;
    let page = page_param(&query)?;
    let users = Newsroom::new(&app, account).users(page, PER_PAGE).await?;
    Ok(Json(super::wire::accounts::UserPage::from(users)).into_response())
}
