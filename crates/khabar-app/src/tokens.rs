//! Personal access tokens for the JSON API, minted for the API's callers
//! and for operators at the command line alike.

use khabar_core::secret::Secret;
use khabar_core::{InvalidInput, Scopes, text};
use khabar_store::{Account, Store, StoreError};

use crate::error::{Failure, Kind};

/// Longest token name, in characters.
const MAX_NAME_CHARS: usize = 100;

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("{0}")]
    Invalid(#[from] InvalidInput),
    #[error("the token could not be made: {0}")]
    Internal(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Failure for TokenError {
    fn invalid_input(&self) -> Option<&InvalidInput> {
        match self {
            TokenError::Invalid(e) => Some(e),
            _ => None,
        }
    }

    fn kind(&self) -> Kind {
        match self {
            TokenError::Invalid(e) => e.kind(),
            TokenError::Store(e) => e.kind(),
            TokenError::Internal(_) => Kind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            TokenError::Invalid(e) => e.code,
            TokenError::Store(e) => e.code(),
            TokenError::Internal(_) => "internal",
        }
    }
}

/// The name a token will carry: a line of at most 100 characters, "API
/// token" when nothing of it shows.
pub fn checked_name(name: &str) -> Result<String, InvalidInput> {
    let name = text::line("name", name, MAX_NAME_CHARS)?;
    Ok(if text::is_visible(&name) {
        name
    } else {
        "API token".to_owned()
    })
}

/// A token as minted: `token` is shown once and stored only hashed.
#[derive(Debug, serde::Serialize)]
pub struct NewToken {
    pub id: i64,
    pub name: String,
    pub token: String,
    pub scopes: Scopes,
}

/// Mints a token for `account` with `scopes` (each one its role allows);
/// an empty name becomes "API token". Takes only the store, so the CLI
/// needs no running site.
pub async fn create(
    store: &Store,
    account: &Account,
    name: &str,
    scopes: &[String],
) -> Result<NewToken, TokenError> {
    create_until(store, account, name, scopes, None).await
}

/// [`create`] for a token that stops working at `expires_at`.
pub async fn create_until(
    store: &Store,
    account: &Account,
    name: &str,
    scopes: &[String],
    expires_at: Option<jiff::Timestamp>,
) -> Result<NewToken, TokenError> {
    let name = checked_name(name)?;
    let scopes = Scopes::grant(scopes, account.role)?;
    let secret = Secret::generate("khp_").map_err(|e| TokenError::Internal(e.to_string()))?;
    let id = store
        .create_access_token_until(
            account.id,
            &name,
            &secret.hash,
            &scopes.to_stored(),
            expires_at,
        )
        .await?;
    Ok(NewToken {
        id,
        name,
        token: secret.token,
        scopes,
    })
}
