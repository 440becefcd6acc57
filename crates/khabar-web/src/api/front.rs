//! The front page's operations: getFrontPage and updateFrontPage, the
//! same use case as the newsroom's front page desk.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use khabar_app::front::{BreakingRequest, FrontDesk};
use khabar_core::Lang;
use khabar_store::FrontPlan;
use serde::{Deserialize, Serialize};

use super::access::{self, Operation};
use super::{ApiError, body, caller};
use crate::App;
use crate::http::session::Viewer;

/// A story on the front page, in order: the first leads.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct FrontPickBody {
    /// A published edition in the front page's language.
    pub(crate) edition_id: i64,
    /// Past this time the pick no longer shows; absent: until changed.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub(crate) pinned_until: Option<Timestamp>,
}

/// The breaking-news banner.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BreakingBody {
    /// One line, at most 160 characters.
    pub(crate) text: String,
    /// The edition it links to, in the front page's language.
    #[serde(default)]
    pub(crate) edition_id: Option<i64>,
    #[schema(value_type = String, format = DateTime)]
    pub(crate) expires_at: Timestamp,
}

/// A language's front page as editors arranged it. Picks and a banner
/// past their time are kept here but no longer shown.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = FrontPage)]
pub(crate) struct FrontBody {
    /// At most five; empty: the automatic order (newest first, leading
    /// with the newest story that has an image).
    #[serde(default)]
    pub(crate) picks: Vec<FrontPickBody>,
    #[serde(default)]
    pub(crate) breaking: Option<BreakingBody>,
}

impl From<FrontPlan> for FrontBody {
    fn from(plan: FrontPlan) -> Self {
        FrontBody {
            picks: plan
                .picks
                .into_iter()
                .map(|p| FrontPickBody {
                    edition_id: p.edition_id,
                    pinned_until: p.pinned_until,
                })
                .collect(),
            breaking: plan.breaking.map(|b| BreakingBody {
                text: b.text,
                edition_id: b.edition_id,
                expires_at: b.expires_at,
            }),
        }
    }
}

async fn account_and_lang(
    app: &App,
    headers: &HeaderMap,
    viewer: &Viewer,
    op: &Operation,
    path: Result<Path<String>, PathRejection>,
) -> Result<(khabar_store::Account, Lang), ApiError> {
    let account = caller(app, headers, viewer)
        .await?
        .require(app, headers, op)?
        .clone();
    let lang = path
        .ok()
        .and_then(|Path(code)| app.lang(&code))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "the site has no such language",
            )
        })?;
    Ok((account, lang))
}

#[utoipa::path(
    get,
    path = "/front/{lang}",
    operation_id = "getFrontPage",
    tag = "newsroom",
    summary = "A language's front page as editors arranged it: picks in order and the breaking banner (editors, admins)",
    params(("lang" = String, Path, description = "a language of the site")),
    responses(
        (status = 200, description = "the arrangement", body = FrontBody),
        crate::api::wire::NewsroomErrors,
    )
)]
pub(crate) async fn get_front_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    viewer: Viewer,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let (account, lang) =
        account_and_lang(&app, &headers, &viewer, &access::GET_FRONT_PAGE, path).await?;
    let plan = FrontDesk::new(&app, &account).plan(lang).await?;
    Ok(Json(FrontBody::from(plan)).into_response())
}

#[utoipa::path(
    put,
    path = "/front/{lang}",
    operation_id = "updateFrontPage",
    tag = "newsroom",
    summary = "Replaces a language's front page arrangement; every node's cached home page of that language goes at once (editors, admins)",
    params(("lang" = String, Path, description = "a language of the site")),
    request_body = FrontBody,
    responses(
        (status = 200, description = "the arrangement saved", body = FrontBody),
        (status = 400, description = "bad_request_body: not JSON of the documented shape, or an unknown field", body = crate::api::wire::ErrorBody),
        crate::api::wire::NewsroomErrors,
        (status = 422, description = "in_the_past, too_many_picks, not_published_here, required, too_long, control_character", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn update_front_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    viewer: Viewer,
    path: Result<Path<String>, PathRejection>,
    json: Result<Json<FrontBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let (account, lang) =
        account_and_lang(&app, &headers, &viewer, &access::UPDATE_FRONT_PAGE, path).await?;
    let wanted = body(json)?;
    let picks = wanted
        .picks
        .into_iter()
        .map(|p| (p.edition_id, p.pinned_until))
        .collect();
    let breaking = wanted.breaking.map(|b| BreakingRequest {
        text: b.text,
        edition_id: b.edition_id,
        expires_at: b.expires_at,
    });
    let plan = FrontDesk::new(&app, &account)
        .arrange(lang, picks, breaking)
        .await?;
    Ok(Json(FrontBody::from(plan)).into_response())
}
