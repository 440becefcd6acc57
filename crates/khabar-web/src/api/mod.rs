//! The JSON API under `/api/v1`: the same use cases as the HTML forms, with
//! errors as JSON carrying a stable code. Described by `openapi.json`.

pub mod access;
mod auth;
mod comments;
mod embed;
mod front;
pub(crate) mod moderation;
pub(crate) mod newsroom;
mod openapi;
mod pages;
mod search;
mod site_icon;
pub(crate) mod stories;
mod users;
mod webhooks;
pub(crate) mod wire;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jiff::{SignedDuration, Timestamp};
use khabar_core::Scopes;
use khabar_core::secret::{constant_time_eq, hash_token};
use khabar_store::{Account, SessionRecord};

use crate::http::error::status_of;
use crate::http::session::Viewer;
use crate::{App, http::csrf};
use access::{Access, Operation};
use khabar_app::{Failure, Kind};

pub use openapi::document as openapi_document;

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi::serve))
        .route("/api/v1/auth/signup", post(auth::sign_up))
        .route("/api/v1/auth/signin", post(auth::sign_in))
        .route("/api/v1/auth/signout", post(auth::sign_out))
        .route("/api/v1/auth/verify-email", post(auth::verify_email))
        .route(
            "/api/v1/auth/password-reset",
            post(auth::request_password_reset),
        )
        .route(
            "/api/v1/auth/password-reset/confirm",
            post(auth::reset_password),
        )
        .route(
            "/api/v1/me",
            get(auth::current_user).delete(auth::delete_my_account),
        )
        .route("/api/v1/me/export", get(auth::export_my_data))
        .route("/api/v1/tokens", post(auth::create_token))
        .route("/api/v1/users", get(users::list))
        .route(
            "/api/v1/site/settings",
            get(newsroom::get_site_settings).put(newsroom::update_site_settings),
        )
        .route(
            "/api/v1/site/icon",
            axum::routing::put(site_icon::update_site_icon)
                .delete(site_icon::remove_site_icon)
                .layer(axum::extract::DefaultBodyLimit::max(
                    khabar_app::media::MAX_UPLOAD_BYTES + 64 * 1024,
                )),
        )
        .route(
            "/api/v1/front/{lang}",
            get(front::get_front_page).put(front::update_front_page),
        )
        .route("/api/v1/pages", get(pages::list_pages))
        .route(
            "/api/v1/webhooks",
            get(webhooks::list).post(webhooks::create),
        )
        .route(
            "/api/v1/webhooks/{id}",
            axum::routing::patch(webhooks::update).delete(webhooks::delete),
        )
        .route(
            "/api/v1/webhooks/{id}/deliveries",
            get(webhooks::deliveries),
        )
        .route(
            "/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver",
            post(webhooks::redeliver),
        )
        .route(
            "/api/v1/pages/{page}/{lang}",
            get(pages::get_page).put(pages::update_page),
        )
        .route(
            "/api/v1/stories",
            get(stories::list).post(newsroom::create_story),
        )
        .route(
            "/api/v1/stories/{id}",
            get(newsroom::get_story).put(newsroom::update_story),
        )
        .route(
            "/api/v1/stories/{id}/editions",
            post(newsroom::create_edition),
        )
        .route(
            "/api/v1/editions/{id}",
            axum::routing::put(newsroom::update_edition),
        )
        .route(
            "/api/v1/editions/{id}/publish",
            post(newsroom::publish_edition),
        )
        .route(
            "/api/v1/editions/{id}/unpublish",
            post(newsroom::unpublish_edition),
        )
        .route(
            "/api/v1/editions/{id}/revisions",
            get(newsroom::list_revisions),
        )
        .route(
            "/api/v1/editions/{id}/revisions/{revision}/restore",
            post(newsroom::restore_revision),
        )
        .route(
            "/api/v1/media",
            post(newsroom::upload_media).layer(axum::extract::DefaultBodyLimit::max(
                khabar_app::media::MAX_UPLOAD_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/api/v1/sections",
            get(newsroom::list_sections).post(newsroom::create_section),
        )
        .route(
            "/api/v1/sections/{id}",
            axum::routing::patch(newsroom::update_section),
        )
        .route(
            "/api/v1/users/{username}/role",
            axum::routing::put(newsroom::update_user_role),
        )
        .route(
            "/api/v1/editions/{id}/comments",
            get(comments::list).post(comments::create),
        )
        .route(
            "/api/v1/editions/{id}/comments/stream",
            get(comments::stream),
        )
        .route(
            "/api/v1/comments/{id}",
            get(comments::get)
                .patch(comments::edit)
                .delete(comments::delete),
        )
        .route(
            "/api/v1/comments/{id}/reaction",
            axum::routing::put(comments::react),
        )
        .route("/api/v1/comments/{id}/reports", post(comments::report))
        .route("/api/v1/notifications", get(comments::notifications))
        .route("/api/v1/notifications/read", post(comments::mark_read))
        .route("/api/v1/users/{username}", get(comments::profile))
        .route("/api/v1/embed/counts", get(embed::counts))
        .route("/api/v1/search/articles", get(search::articles))
        .route("/api/v1/search/comments", get(search::comments))
        .route("/api/v1/moderation/queue", get(moderation::list_queue))
        .route(
            "/api/v1/moderation/comments",
            post(moderation::moderate_comments),
        )
        .route(
            "/api/v1/moderation/comments/{id}",
            post(moderation::moderate_comment),
        )
        .route(
            "/api/v1/moderation/users/{id}",
            get(moderation::reader_history).post(moderation::moderate_user),
        )
        .route("/api/v1/moderation/undo", post(moderation::undo))
        .route("/api/v1/moderation/log", get(moderation::list_audit_log))
        .route(
            "/api/v1/moderation/word-lists",
            get(moderation::list_word_lists),
        )
        .route(
            "/api/v1/moderation/word-lists/{lang}/{list}",
            axum::routing::put(moderation::update_word_list),
        )
        .route(
            "/api/v1/moderation/settings",
            get(moderation::get_settings).put(moderation::update_settings),
        )
}

/// An API error: an HTTP status, a stable code, a message for people, and
/// the request field it is about, if any.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    field: Option<&'static str>,
    pub(crate) retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            field: None,
            retry_after: None,
        }
    }

    pub fn unauthorized() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "not_signed_in",
            "sign in or send a bearer token",
        )
    }

    pub fn forbidden(code: &'static str, message: &str) -> Self {
        ApiError::new(StatusCode::FORBIDDEN, code, message)
    }

    pub fn internal() -> Self {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "something went wrong on our side",
        )
    }

    pub fn bad_body(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request_body", message)
    }
}

impl ApiError {
    /// A use case's failure as the API answers it: the status of its kind
    /// (`http::error::status_of`, as for pages), its stable code and message;
    /// our own failures are logged and say nothing more.
    pub fn from_failure(error: &(impl Failure + ?Sized)) -> ApiError {
        let kind = error.kind();
        if kind == Kind::Internal {
            tracing::error!(%error, "an API use case failed");
            return ApiError::internal();
        }
        let message = match error.invalid_input() {
            Some(invalid) => invalid.message.clone(),
            None => error.to_string(),
        };
        ApiError {
            field: error.field(),
            retry_after: match kind {
                Kind::TooMany(wait) => Some(wait.as_secs().max(1) as u64),
                _ => None,
            },
            ..ApiError::new(status_of(kind), error.code(), message)
        }
    }
}

/// `From` each use case's error into an API error, through the one mapping.
macro_rules! api_errors {
    ($($error:ty),* $(,)?) => {$(
        impl From<$error> for ApiError {
            fn from(error: $error) -> Self {
                ApiError::from_failure(&error)
            }
        }
    )*};
}

api_errors!(
    khabar_app::accounts::AccountError,
    khabar_app::comments::CommentError,
    khabar_app::embed::EmbedError,
    khabar_app::moderation::ModerationError,
    khabar_app::newsroom::NewsroomError,
    khabar_app::search::SearchFailure,
    khabar_app::tokens::TokenError,
    khabar_app::webhooks::WebhookError,
    khabar_core::InvalidInput,
    khabar_store::StoreError,
);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = wire::ErrorBody {
            error: wire::ErrorDetail {
                code: self.code,
                message: self.message,
                field: self.field,
            },
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
        }
        response
    }
}

/// Who is calling the API, and how they proved it.
pub enum Caller {
    Anonymous,
    /// A browser session; state changes need its CSRF token in
    /// `X-CSRF-Token`.
    Session(Box<SessionRecord>),
    /// A personal access token: no CSRF, but only its scopes.
    Token {
        account: Box<Account>,
        token_id: i64,
        scopes: Scopes,
    },
}

/// `last_used_at` of a token is written at most this often.
const TOKEN_TOUCH_EVERY: SignedDuration = SignedDuration::from_mins(1);

/// Works out the caller. A bearer token that is present but wrong is an
/// error, not a fall back to anonymous.
pub async fn caller(app: &App, headers: &HeaderMap, viewer: &Viewer) -> Result<Caller, ApiError> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 128)
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "invalid_token",
                    "use Authorization: Bearer <token>",
                )
            })?;
        let token_hash = hash_token(token);
        let record = app
            .http_cache
            .access_token(&app.store, &token_hash)
            .await?
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "invalid_token",
                    "this token is unknown or revoked",
                )
            })?;
        let now = Timestamp::now();
        // A kept token may have expired since it was read.
        if record.expires_at.is_some_and(|at| at <= now) {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_token",
                "this token has expired",
            ));
        }
        if record
            .last_used_at
            .is_none_or(|at| at + TOKEN_TOUCH_EVERY < now)
        {
            app.http_cache
                .touch_access_token(&app.store, &record, &token_hash, now)
                .await?;
        }
        return Ok(Caller::Token {
            scopes: Scopes::from_stored(&record.scopes),
            token_id: record.id,
            account: Box::new(record.account),
        });
    }
    Ok(match &viewer.session {
        Some(session) => Caller::Session(Box::new(session.clone())),
        None => Caller::Anonymous,
    })
}

impl Caller {
    pub fn account(&self) -> Option<&Account> {
        match self {
            Caller::Anonymous => None,
            Caller::Session(session) => Some(&session.account),
            Caller::Token { account, .. } => Some(account),
        }
    }

    /// The account, if it may call `op`: the one check every operation
    /// that is not public makes (see [`access`]). A session must come from
    /// the site with its CSRF token for a change, and holds every scope its
    /// role allows; a token holds the scopes it was granted that the role
    /// still allows (a demoted account's old token keeps no more than its
    /// role). A token without the scope is `insufficient_scope`; a role
    /// without it is `forbidden`, as the use cases say it.
    pub fn require(
        &self,
        app: &App,
        headers: &HeaderMap,
        op: &Operation,
    ) -> Result<&Account, ApiError> {
        let (account, token_scopes) = match self {
            Caller::Anonymous => return Err(ApiError::unauthorized()),
            Caller::Session(session) => {
                if op.changes {
                    let sent = headers
                        .get("x-csrf-token")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    if !csrf::same_site(app, headers)
                        || !constant_time_eq(sent, &session.csrf_token)
                    {
                        return Err(ApiError::forbidden(
                            "csrf_failed",
                            "send the session's X-CSRF-Token from this site",
                        ));
                    }
                }
                (&session.account, None)
            }
            Caller::Token {
                account, scopes, ..
            } => (&**account, Some(scopes)),
        };
        let needed = match (op.access, token_scopes) {
            // A session proves itself again with the password.
            (Access::SessionOrAdminToken, None) => None,
            (access, _) => access.scope(),
        };
        if let Some(scope) = needed
            && token_scopes.is_some_and(|scopes| !scopes.contains(scope))
        {
            return Err(ApiError::forbidden(
                "insufficient_scope",
                &format!("this token lacks the “{}” scope", scope.as_str()),
            ));
        }
        // The code the use cases give when a role may not do something.
        if !op.access.admits(account.role) {
            return Err(ApiError::forbidden(
                "forbidden",
                &format!("a {} may not do that", account.role),
            ));
        }
        Ok(account)
    }
}

pub(crate) use khabar_app::query::{id_param, page_param};

/// A JSON request body, or a `bad_request_body` error saying what is
/// wrong (`body_too_large`, 413, past the route's limit).
pub(crate) fn body<T>(
    json: Result<axum::Json<T>, axum::extract::rejection::JsonRejection>,
) -> Result<T, ApiError> {
    json.map(|axum::Json(body)| body).map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "the request body is too large",
            )
        } else {
            ApiError::bad_body(e.body_text())
        }
    })
}

/// Any `/api/…` path no route knows.
pub async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "unknown_operation",
        "no such API operation",
    )
}
