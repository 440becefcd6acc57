//! countEmbedComments: how many comments the discussions of host pages
//! hold, for a host's index pages (docs/embed.md). Public and readable
//! across origins by the allowed ones only (CORS).

use std::sync::Arc;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use khabar_app::embed;

use super::ApiError;
use super::wire::embed::{EmbedCount, EmbedCounts};
use crate::App;

/// Counts may be this stale: a host's index page asks on every view.
const COUNTS_CACHE: &str = "public, max-age=30";

#[utoipa::path(
    get,
    path = "/embed/counts",
    operation_id = "countEmbedComments",
    tag = "comments",
    summary = "Comment counts of host pages' embedded discussions, for a host's index pages; readable across origins by the allowed ones",
    params(
        ("url" = Vec<String>, Query, description = "a host page's URL, repeated for each page (at most 100)"),
    ),
    responses(
        (status = 200, description = "One count per URL, in the order asked", body = EmbedCounts),
        (status = 404, description = "embed_off: no origin may embed this site's discussions", body = crate::api::wire::ErrorBody),
        (status = 422, description = "invalid_url, too_many_urls", body = crate::api::wire::ErrorBody),
    )
)]
pub(super) async fn counts(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let urls: Vec<String> = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .filter(|(name, _)| name == "url")
        .map(|(_, value)| value.into_owned())
        .collect();
    let counts = embed::counts(&app, &urls).await?;
    let body = EmbedCounts {
        counts: urls
            .into_iter()
            .map(|url| EmbedCount {
                count: counts.get(&url).copied().unwrap_or(0),
                url,
            })
            .collect(),
    };
    let mut response = Json(body).into_response();
    let answer = response.headers_mut();
    answer.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(COUNTS_CACHE),
    );
    answer.insert(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = headers.get(header::ORIGIN)
        && origin
            .to_str()
            .is_ok_and(|origin| app.embed_settings().allows(origin))
    {
        answer.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
    }
    Ok(response)
}
