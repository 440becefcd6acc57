//! Webhook endpoints (admins): register, change, rotate the secret,
//! remove, and look at and replay deliveries (docs/webhooks.md).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use khabar_app::webhooks::{Registered, WebhookInput, WebhookUpdate, Webhooks};
use khabar_store::{Webhook, WebhookDelivery};
use serde::{Deserialize, Serialize};

use super::newsroom::signed_in;
use super::{ApiError, access, body, id_param};
use crate::App;
use crate::http::session::Viewer;

/// An endpoint as admins see it; the secret only once, when made or
/// rotated.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Webhook)]
pub(crate) struct WebhookBody {
    id: i64,
    url: String,
    description: String,
    /// Event types it is sent, e.g. `edition.published`.
    event_types: Vec<String>,
    enabled: bool,
    /// Why it is disabled: `admin` (switched off) or `failing` (retries ran out).
    #[schema(nullable = true)]
    disabled_reason: Option<String>,
    #[schema(nullable = true)]
    disabled_at: Option<Timestamp>,
    /// Until when the previous secret still signs, after a rotation.
    #[schema(nullable = true)]
    previous_secret_until: Option<Timestamp>,
    /// The newest event sequence number it acknowledged (0: none yet).
    delivered_seq: i64,
    created_at: Timestamp,
    updated_at: Timestamp,
    /// `whsec_…`: shown when the endpoint is made or its secret rotated, never again.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    secret: Option<String>,
}

impl WebhookBody {
    fn new(hook: Webhook, secret: Option<String>) -> WebhookBody {
        WebhookBody {
            id: hook.id,
            url: hook.url,
            description: hook.description,
            event_types: hook.event_types,
            enabled: hook.disabled_reason.is_none(),
            disabled_reason: hook.disabled_reason,
            disabled_at: hook.disabled_at,
            previous_secret_until: hook.previous_secret_until,
            delivered_seq: hook.delivered_seq,
            created_at: hook.created_at,
            updated_at: hook.updated_at,
            secret,
        }
    }
}

impl From<Registered> for WebhookBody {
    fn from(registered: Registered) -> Self {
        WebhookBody::new(registered.webhook, registered.secret)
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Webhooks)]
pub(crate) struct WebhooksBody {
    items: Vec<WebhookBody>,
}

/// A new endpoint.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewWebhook)]
pub(crate) struct NewWebhookBody {
    /// http or https; its host must resolve to public addresses unless the configuration allows others.
    url: String,
    #[serde(default)]
    description: String,
    /// At least one of the event types in docs/webhooks.md.
    event_types: Vec<String>,
}

/// What to change; absent fields stay.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = WebhookChange)]
pub(crate) struct WebhookChangeBody {
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    event_types: Option<Vec<String>>,
    /// false switches it off; true switches it on again (also after it failed).
    #[serde(default)]
    enabled: Option<bool>,
    /// A new secret, returned once; the old one keeps signing (a second signature) for the overlap.
    #[serde(default)]
    rotate_secret: bool,
}

/// One message to an endpoint and its last answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = WebhookDelivery)]
pub(crate) struct DeliveryBody {
    id: i64,
    event_seq: i64,
    event_type: String,
    /// The `webhook-id` header; a replay keeps it.
    message_id: String,
    /// The signed JSON body sent.
    payload: String,
    replay: bool,
    /// pending, delivered or failed
    status: String,
    attempts: i64,
    next_attempt_at: Timestamp,
    #[schema(nullable = true)]
    last_attempt_at: Option<Timestamp>,
    /// The endpoint's last HTTP status.
    #[schema(nullable = true)]
    last_status: Option<i64>,
    /// The first 4 KB of its last answer.
    #[schema(nullable = true)]
    last_body: Option<String>,
    /// Why there was no answer (refused address, timeout, connection).
    #[schema(nullable = true)]
    last_error: Option<String>,
    created_at: Timestamp,
    #[schema(nullable = true)]
    delivered_at: Option<Timestamp>,
}

impl From<WebhookDelivery> for DeliveryBody {
    fn from(d: WebhookDelivery) -> Self {
        DeliveryBody {
            id: d.id,
            event_seq: d.event_seq,
            event_type: d.event_type,
            message_id: d.message_id,
            payload: d.payload,
            replay: d.replay,
            status: d.status,
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at,
            last_attempt_at: d.last_attempt_at,
            last_status: d.last_status,
            last_body: d.last_body,
            last_error: d.last_error,
            created_at: d.created_at,
            delivered_at: d.delivered_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = WebhookDeliveries)]
pub(crate) struct DeliveriesBody {
    items: Vec<DeliveryBody>,
    /// Pass as `before` for the next, older page; null on the last page.
    next_before: Option<i64>,
}

/// Deliveries listed at most.
const DELIVERIES_SHOWN: u32 = 100;

fn id(path: Result<Path<i64>, PathRejection>) -> Result<i64, ApiError> {
    path.map(|Path(id)| id).map_err(|_| no_such_webhook())
}

fn no_such_webhook() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such webhook")
}

#[utoipa::path(
    get,
    path = "/webhooks",
    operation_id = "listWebhooks",
    tag = "webhooks",
    summary = "Every webhook endpoint, with whether it is enabled (admins)",
    responses(
        (status = 200, description = "The endpoints, oldest first", body = WebhooksBody),
    )
)]
pub(crate) async fn list(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    viewer: Viewer,
) -> Result<Response, ApiError> {
    let account = signed_in(&app, &headers, &viewer, &access::LIST_WEBHOOKS).await?;
    let items = Webhooks::new(&app, &account)?
        .list()
        .await?
        .into_iter()
        .map(|hook| WebhookBody::new(hook, None))
        .collect();
    Ok(Json(WebhooksBody { items }).into_response())
}

#[utoipa::path(
    post,
    path = "/webhooks",
    operation_id = "createWebhook",
    tag = "webhooks",
    summary = "Registers an endpoint for event types (admins); the answer carries its signing secret, shown this once. Addresses on loopback, private, link-local and metadata networks are refused unless the configuration allows them",
    request_body = NewWebhookBody,
    responses(
        (status = 201, description = "Registered; `secret` is in the body", body = WebhookBody),
        (status = 400, description = "bad_request_body: not JSON of the documented shape, or an unknown field", body = crate::api::wire::ErrorBody),
        (status = 422, description = "invalid_webhook_url, webhook_address_refused, unresolvable_webhook_host, unknown_event_type, no_event_types, too_long, too_many_webhooks", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn create(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<NewWebhookBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let account = signed_in(&app, &headers, &viewer, &access::CREATE_WEBHOOK).await?;
    let new = body(json)?;
    let registered = Webhooks::new(&app, &account)?
        .create(
            &account,
            &WebhookInput {
                url: new.url,
                description: new.description,
                event_types: new.event_types,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(WebhookBody::from(registered))).into_response())
}

#[utoipa::path(
    patch,
    path = "/webhooks/{id}",
    operation_id = "updateWebhook",
    tag = "webhooks",
    summary = "Changes an endpoint, switches it off or on, or rotates its secret (admins); a rotation returns the new secret once and the old one keeps signing for the overlap (24 h by default)",
    params(("id" = i64, Path, description = "The endpoint")),
    request_body = WebhookChangeBody,
    responses(
        (status = 200, description = "The endpoint as saved; `secret` after a rotation", body = WebhookBody),
        (status = 400, description = "bad_request_body: not JSON of the documented shape, or an unknown field", body = crate::api::wire::ErrorBody),
        (status = 404, description = "not_found", body = crate::api::wire::ErrorBody),
        (status = 422, description = "invalid_webhook_url, webhook_address_refused, unresolvable_webhook_host, unknown_event_type, no_event_types, too_long", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn update(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    viewer: Viewer,
    path: Result<Path<i64>, PathRejection>,
    json: Result<Json<WebhookChangeBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let account = signed_in(&app, &headers, &viewer, &access::UPDATE_WEBHOOK).await?;
    let id = id(path)?;
    let change = body(json)?;
    let registered = Webhooks::new(&app, &account)?
        .update(
            id,
            &WebhookUpdate {
                url: change.url,
                description: change.description,
                event_types: change.event_types,
                enabled: change.enabled,
                rotate_secret: change.rotate_secret,
            },
        )
        .await?;
    Ok(Json(WebhookBody::from(registered)).into_response())
}

#[utoipa::path(
    delete,
    path = "/webhooks/{id}",
    operation_id = "deleteWebhook",
    tag = "webhooks",
    summary = "Removes an endpoint and its deliveries (admins)",
    params(("id" = i64, Path, description = "The endpoint")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "not_found", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn delete(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    viewer: Viewer,
    path: Result<Path<i64>, PathRejection>,
) -> Result<Response, ApiError> {
    let account = signed_in(&app, &headers, &viewer, &access::DELETE_WEBHOOK).await?;
    let id = id(path)?;
    Webhooks::new(&app, &account)?.delete(id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(
    get,
    path = "/webhooks/{id}/deliveries",
    operation_id = "listWebhookDeliveries",
    tag = "webhooks",
    summary = "An endpoint's deliveries of the last week, 100 a page, newest first, with their last answers (admins)",
    params(
        ("id" = i64, Path, description = "The endpoint"),
        ("before" = Option<i64>, Query, description = "Only deliveries older than this one: the `next_before` of the previous page"),
    ),
    responses(
        (status = 200, description = "Its deliveries", body = DeliveriesBody),
        (status = 404, description = "not_found", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn deliveries(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    viewer: Viewer,
    path: Result<Path<i64>, PathRejection>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let account = signed_in(&app, &headers, &viewer, &access::LIST_WEBHOOK_DELIVERIES).await?;
    let id = id(path)?;
    let before = id_param(&query, "before")?;
    let deliveries = Webhooks::new(&app, &account)?
        .deliveries(id, before, DELIVERIES_SHOWN)
        .await?;
    let next_before = (deliveries.len() == DELIVERIES_SHOWN as usize)
        .then(|| deliveries.last().map(|d| d.id))
        .flatten();
    let items = deliveries.into_iter().map(DeliveryBody::from).collect();
    Ok(Json(DeliveriesBody { items, next_before }).into_response())
}

#[utoipa::path(
    post,
    path = "/webhooks/{id}/deliveries/{delivery_id}/redeliver",
    operation_id = "redeliverWebhook",
    tag = "webhooks",
    summary = "Sends a delivery again with the same message id and body, after what the endpoint has queued (admins)",
    params(
        ("id" = i64, Path, description = "The endpoint"),
        ("delivery_id" = i64, Path, description = "The delivery to send again"),
    ),
    responses(
        (status = 202, description = "Queued; the replay", body = DeliveryBody),
        (status = 404, description = "not_found", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn redeliver(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    viewer: Viewer,
    path: Result<Path<(i64, i64)>, PathRejection>,
) -> Result<Response, ApiError> {
    let account = signed_in(&app, &headers, &viewer, &access::REDELIVER_WEBHOOK).await?;
    let Ok(Path((id, delivery_id))) = path else {
        return Err(no_such_webhook());
    };
    let replay = Webhooks::new(&app, &account)?
        .redeliver(id, delivery_id)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(DeliveryBody::from(replay))).into_response())
}
