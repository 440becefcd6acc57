//! The site's icon: updateSiteIcon and removeSiteIcon, the same use case
//! as the settings screen's icon form.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use khabar_app::media::{ICON_SIZES, MediaError};
use khabar_app::newsroom::{ICONS, Newsroom, NewsroomError};
use khabar_core::InvalidInput;
use serde::Serialize;

use super::access::{self, Operation};
use super::{ApiError, caller};
use crate::App;
use crate::http::session::Viewer;

/// One square PNG made from the source image.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct IconFile {
    /// Its address; it changes with the image.
    src: String,
    /// Pixels a side.
    size: u32,
}

/// The icon files every page now links; `/favicon.ico` and
/// `/apple-touch-icon.png` serve the 32 and 180 pixel ones.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = SiteIcon)]
pub(crate) struct SiteIconBody {
    files: Vec<IconFile>,
}

/// The source image, as `multipart/form-data` with the image in `file`.
/// The handler reads the part itself, so this type only describes it.
#[derive(utoipa::ToSchema)]
#[allow(
    dead_code,
    reason = "describes a multipart form the handler reads by hand"
)]
#[schema(as = SiteIconUpload)]
pub(crate) struct SiteIconUpload {
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

async fn admin(
    app: &App,
    headers: &HeaderMap,
    viewer: &Viewer,
    op: &Operation,
) -> Result<khabar_store::Account, ApiError> {
    Ok(caller(app, headers, viewer)
        .await?
        .require(app, headers, op)?
        .clone())
}

#[utoipa::path(
    put,
    path = "/site/icon",
    operation_id = "updateSiteIcon",
    tag = "newsroom",
    summary = "Makes the site's icons from one image (admins): JPEG, PNG or WebP by its bytes, at most 10 MiB; centred on a transparent square if not square, then 32 (also as /favicon.ico), 180 (/apple-touch-icon.png), 192 and 512 pixel PNGs for the manifest, in the media folder every node serves; every node's cached pages go at once",
    request_body(content = SiteIconUpload, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The icon's files", body = SiteIconBody),
        (status = 400, description = "bad_request_body: not multipart/form-data", body = crate::api::wire::ErrorBody),
        (status = 413, description = "file_too_large", body = crate::api::wire::ErrorBody),
        (status = 415, description = "unsupported_type", body = crate::api::wire::ErrorBody),
        (status = 422, description = "unreadable_image, image_too_large, required", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn update_site_icon(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    viewer: Viewer,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let account = admin(&app, &headers, &viewer, &access::UPDATE_SITE_ICON).await?;
    let mut multipart =
        multipart.map_err(|e| ApiError::bad_body(format!("send multipart/form-data: {e}")))?;
    let too_large = |e: MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::from(NewsroomError::Media(MediaError::TooLarge))
        } else {
            ApiError::bad_body(e.body_text())
        }
    };
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(too_large)? {
        if field.name() == Some("file") {
            file = Some(field.bytes().await.map_err(too_large)?.to_vec());
        }
    }
    let file = file.ok_or_else(|| {
        InvalidInput::new("file", "required", "send the image in the `file` field")
    })?;
    Newsroom::new(&app, &account).set_site_icon(file).await?;
    let stem = app.settings.icon().ok_or_else(ApiError::internal)?;
    let files = ICON_SIZES
        .into_iter()
        .map(|size| IconFile {
            src: format!("/media/{ICONS}/{stem}-{size}.png"),
            size,
        })
        .collect();
    Ok(Json(SiteIconBody { files }).into_response())
}

#[utoipa::path(
    delete,
    path = "/site/icon",
    operation_id = "removeSiteIcon",
    tag = "newsroom",
    summary = "Goes back to the theme's icons (admins)",
    responses(
        (status = 204, description = "The theme's icons are in use"),
    )
)]
pub(crate) async fn remove_site_icon(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    viewer: Viewer,
) -> Result<Response, ApiError> {
    let account = admin(&app, &headers, &viewer, &access::REMOVE_SITE_ICON).await?;
    Newsroom::new(&app, &account).remove_site_icon().await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
