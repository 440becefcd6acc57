//! The answers to failures, in one place: the HTTP status of each kind of
//! use-case failure (pages and the API alike), and the page error.

use axum::http::StatusCode;
use khabar_app::{Failure, Kind};

/// Why a page could not be shown; rendered as a localized error page.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(String),
    /// A state-changing request without a valid CSRF token or from another site.
    #[error("forbidden")]
    Forbidden,
    /// The reader may not do this, for the reason its code names (a role
    /// they lack: `not_in_newsroom`, `not_a_moderator`…); 403, explained
    /// by `error-rejected-{code}` rather than as an expired form.
    #[error("not allowed: {0}")]
    NotAllowed(&'static str),
    #[error("too many requests; retry in {0} s")]
    TooManyRequests(u64),
    /// A request body past the limit: 413, as the API's `body_too_large`.
    #[error("the request body is too large")]
    TooLarge,
    /// A use case said no, for the reason its code names; the page explains
    /// it in the reader's language (`error-rejected-{code}`).
    #[error("refused: {0}")]
    Rejected(&'static str),
    #[error(transparent)]
    Store(#[from] khabar_store::StoreError),
    #[error("template: {0}")]
    Template(#[from] minijinja::Error),
    /// Logged where it happened; the reader sees a plain 500 page.
    #[error("internal error")]
    Internal,
}

impl PageError {
    pub fn status(&self) -> StatusCode {
        match self {
            PageError::NotFound => StatusCode::NOT_FOUND,
            PageError::BadRequest(_) => StatusCode::BAD_REQUEST,
            PageError::Forbidden | PageError::NotAllowed(_) => StatusCode::FORBIDDEN,
            PageError::Rejected(_) => StatusCode::UNPROCESSABLE_ENTITY,
            PageError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            PageError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            PageError::Store(khabar_store::StoreError::NotFound) => StatusCode::NOT_FOUND,
            PageError::Store(_) | PageError::Template(_) | PageError::Internal => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }
}

/// The HTTP status of a use case's failure.
pub fn status_of(kind: Kind) -> StatusCode {
    match kind {
        Kind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        Kind::NotFound => StatusCode::NOT_FOUND,
        Kind::Unauthorized => StatusCode::UNAUTHORIZED,
        Kind::Forbidden => StatusCode::FORBIDDEN,
        Kind::Conflict => StatusCode::CONFLICT,
        Kind::Gone => StatusCode::GONE,
        Kind::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
        Kind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        Kind::UnsupportedType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Kind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl PageError {
    /// A use case's failure as a page: the page explains a refusal in the
    /// reader's language by its code; our own failures are logged.
    pub fn from_failure(error: &(impl Failure + ?Sized)) -> PageError {
        match error.kind() {
            Kind::NotFound => PageError::NotFound,
            Kind::Forbidden | Kind::Unauthorized => PageError::NotAllowed(error.code()),
            Kind::TooMany(wait) => PageError::TooManyRequests(wait.as_secs().max(1) as u64),
            Kind::Internal => {
                tracing::error!(%error, "a page's use case failed");
                PageError::Internal
            }
            _ => PageError::Rejected(error.code()),
        }
    }
}

/// `From` each use case's error into a page error, through the one mapping.
macro_rules! page_errors {
    ($($error:ty),* $(,)?) => {$(
        impl From<$error> for PageError {
            fn from(error: $error) -> Self {
                PageError::from_failure(&error)
            }
        }
    )*};
}

page_errors!(
    khabar_app::accounts::AccountError,
    khabar_app::comments::CommentError,
    khabar_app::moderation::ModerationError,
    khabar_app::newsroom::NewsroomError,
    khabar_app::search::SearchFailure,
    khabar_app::webhooks::WebhookError,
    khabar_core::InvalidInput,
);
