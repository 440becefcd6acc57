use axum::http::StatusCode;

/// Why a page could not be shown; rendered as a localized error page.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error(transparent)]
    Store(#[from] khabar_store::StoreError),
    #[error("template: {0}")]
    Template(#[from] minijinja::Error),
}

impl PageError {
    pub fn status(&self) -> StatusCode {
        match self {
            PageError::NotFound => StatusCode::NOT_FOUND,
            PageError::BadRequest(_) => StatusCode::BAD_REQUEST,
            PageError::Store(khabar_store::StoreError::NotFound) => StatusCode::NOT_FOUND,
            PageError::Store(_) | PageError::Template(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}
