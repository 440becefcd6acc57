//! Webhook endpoints (`/{lang}/admin/webhooks`, admins): the endpoints
//! with their state, a form to register one, each one's settings, secret
//! rotation and removal, and an endpoint's recent deliveries with their
//! answers and a replay button. The rules are the `webhooks` use cases'.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use khabar_app::webhooks::{WebhookInput, WebhookUpdate, Webhooks};
use khabar_core::webhook::WebhookEvent;
use minijinja::context;

use super::{Desk, Fields, after, desk_chrome, refusal};
use crate::extract::{CheckedForm, Id, Params};
use crate::http::forms::field;
use crate::theme::page::{render, respond};
use crate::{App, PageError};

/// Deliveries shown for the chosen endpoint.
const DELIVERIES_SHOWN: u32 = 50;

pub(super) async fn show(
    State(app): State<Arc<App>>,
    desk: Desk,
    Params(query): Params,
) -> Response {
    let page = webhooks_page(&app, &desk, &query, None).await;
    respond(&app, desk.lang, page)
}

/// The screen; `secret` is a new endpoint's or rotation's secret, shown
/// on this answer only.
async fn webhooks_page(
    app: &App,
    desk: &Desk,
    query: &HashMap<String, String>,
    secret: Option<(i64, String)>,
) -> Result<Response, PageError> {
    let hooks = Webhooks::new(app, &desk.account)?;
    let endpoints = hooks.list().await?;
    let chosen = query
        .get("endpoint")
        .and_then(|id| id.parse::<i64>().ok())
        .or(secret.as_ref().map(|(id, _)| *id));
    let deliveries = match chosen {
        Some(id) if endpoints.iter().any(|e| e.id == id) => {
            hooks.deliveries(id, None, DELIVERIES_SHOWN).await?
        }
        _ => Vec::new(),
    };
    let list: Vec<_> = endpoints
        .iter()
        .map(|e| {
            context! {
                id => e.id,
                url => e.url,
                description => e.description,
                event_types => e.event_types,
                enabled => e.disabled_reason.is_none(),
                disabled_reason => e.disabled_reason,
                disabled_at => e.disabled_at.map(|t| t.to_string()),
                chosen => Some(e.id) == chosen,
            }
        })
        .collect();
    let rows: Vec<_> = deliveries
        .iter()
        .map(|d| {
            context! {
                id => d.id,
                event_type => d.event_type,
                status => d.status,
                attempts => d.attempts,
                replay => d.replay,
                last_status => d.last_status,
                last_error => d.last_error,
                last_body => d.last_body,
                created_at => d.created_at.to_string(),
                last_attempt_at => d.last_attempt_at.map(|t| t.to_string()),
            }
        })
        .collect();
    let tail = match chosen {
        Some(id) => format!("/webhooks?endpoint={id}"),
        None => "/webhooks".to_owned(),
    };
    let chrome = desk_chrome(app, desk, &tail).await?;
    render(
        app,
        "admin/webhooks.html",
        desk.lang,
        chrome,
        context! {
            current => "webhooks",
            endpoints => list,
            chosen => chosen,
            deliveries => rows,
            event_types => WebhookEvent::ALL.iter().map(|e| e.as_str()).collect::<Vec<_>>(),
            secret => secret.map(|(_, s)| s),
            error => refusal(app, desk.lang, query.get("error").map(String::as_str)),
            saved => query.contains_key("saved"),
            replayed => query.contains_key("replayed"),
        },
    )
}

fn event_types(fields: &Fields) -> Vec<String> {
    fields
        .iter()
        .filter(|(k, _)| k == "event_type")
        .map(|(_, v)| v.clone())
        .collect()
}

fn screen(desk: &Desk) -> String {
    format!("/{}/admin/webhooks", desk.lang)
}

/// `POST /{lang}/admin/webhooks`: registers an endpoint and shows its
/// secret once.
pub(super) async fn create(
    State(app): State<Arc<App>>,
    desk: Desk,
    CheckedForm(fields, ..): CheckedForm,
) -> Response {
    let outcome = async {
        let registered = Webhooks::new(&app, &desk.account)?
            .create(
                &desk.account,
                &WebhookInput {
                    url: field(&fields, "url").to_owned(),
                    description: field(&fields, "description").to_owned(),
                    event_types: event_types(&fields),
                },
            )
            .await?;
        Ok::<_, PageError>((registered.webhook.id, registered.secret.unwrap_or_default()))
    }
    .await;
    match outcome {
        Ok(secret) => respond(
            &app,
            desk.lang,
            webhooks_page(&app, &desk, &HashMap::new(), Some(secret)).await,
        ),
        Err(error) => after(&screen(&desk), Err(error)),
    }
}

/// `POST /{lang}/admin/webhooks/{id}`: `action` save (url, description,
/// event types, enabled), rotate, delete, or replay (`delivery_id`).
pub(super) async fn act(
    State(app): State<Arc<App>>,
    desk: Desk,
    Id(id): Id,
    CheckedForm(fields, ..): CheckedForm,
) -> Response {
    let here = format!("{}?endpoint={id}", screen(&desk));
    let hooks = match Webhooks::new(&app, &desk.account) {
        Ok(hooks) => hooks,
        Err(error) => return after(&here, Err(error.into())),
    };
    match field(&fields, "action") {
        "save" => {
            let update = WebhookUpdate {
                url: Some(field(&fields, "url").to_owned()),
                description: Some(field(&fields, "description").to_owned()),
                event_types: Some(event_types(&fields)),
                enabled: Some(field(&fields, "enabled") == "on"),
                rotate_secret: false,
            };
            let outcome = hooks.update(id, &update).await.map(|_| ());
            match outcome {
                Ok(()) => after(&format!("{here}&saved"), Ok(())),
                Err(error) => after(&here, Err(error.into())),
            }
        }
        "rotate" => {
            let update = WebhookUpdate {
                rotate_secret: true,
                ..WebhookUpdate::default()
            };
            match hooks.update(id, &update).await {
                Ok(rotated) => respond(
                    &app,
                    desk.lang,
                    webhooks_page(
                        &app,
                        &desk,
                        &HashMap::new(),
                        Some((id, rotated.secret.unwrap_or_default())),
                    )
                    .await,
                ),
                Err(error) => after(&here, Err(error.into())),
            }
        }
        "delete" => match hooks.delete(id).await {
            Ok(()) => after(&format!("{}?saved", screen(&desk)), Ok(())),
            Err(error) => after(&here, Err(error.into())),
        },
        "replay" => {
            let Ok(delivery) = field(&fields, "delivery_id").parse::<i64>() else {
                return after(&here, Err(PageError::NotFound));
            };
            match hooks.redeliver(id, delivery).await {
                Ok(_) => after(&format!("{here}&replayed"), Ok(())),
                Err(error) => after(&here, Err(error.into())),
            }
        }
        _ => after(&here, Err(PageError::BadRequest("unknown action".into()))),
    }
}
