use axum::http::StatusCode;

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
    #[error("too many requests; retry in {0} s")]
    TooManyRequests(u64),
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
            PageError::Forbidden => StatusCode::FORBIDDEN,
            PageError::Rejected(_) => StatusCode::UNPROCESSABLE_ENTITY,
            PageError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            PageError::Store(khabar_store::StoreError::NotFound) => StatusCode::NOT_FOUND,
            PageError::Store(_) | PageError::Template(_) | PageError::Internal => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }
}
