//! What `/api/v1` sends and reads, as types: each derives `Serialize` (or
//! `Deserialize`) and `utoipa::ToSchema`, so the JSON on the wire and its
//! schema in `openapi.json` come from one definition. Rows of the store and
//! the use cases are copied into these at the edge, so a change inside the
//! store cannot change the API without a change here.

pub(crate) mod accounts;
pub(crate) mod comments;
pub(crate) mod embed;
pub(crate) mod moderation;
pub(crate) mod newsroom;
pub(crate) mod search;
pub(crate) mod sets;

use serde::Serialize;
use utoipa::ToSchema;

/// Every error: a stable machine-readable code, a message for people, and
/// the request field it is about, if any.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Error)]
pub(crate) struct ErrorBody {
    pub(crate) error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ErrorDetail {
    #[schema(examples("username_taken", "csrf_failed"))]
    pub(crate) code: &'static str,
    pub(crate) message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub(crate) field: Option<&'static str>,
}

/// The errors any newsroom operation on an item can answer beyond those
/// `openapi::FromAccessTable` adds (for `#[utoipa::path(responses(…))]`;
/// never built).
#[derive(utoipa::IntoResponses)]
#[allow(dead_code, reason = "describes responses; ApiError builds them")]
pub(crate) enum NewsroomErrors {
    #[response(
        status = 403,
        description = "forbidden: authors change only their own unpublished editions; editors publish"
    )]
    Forbidden(ErrorBody),
    #[response(status = 404, description = "not_found")]
    NotFound(ErrorBody),
}
