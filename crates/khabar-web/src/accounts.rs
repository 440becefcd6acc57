//! The account use cases — sign-up, sign-in, sessions — shared by the HTML
//! forms and (next) the JSON API. Rate limits and permission checks live
//! here, not in the handlers.

use jiff::{SignedDuration, Timestamp};
use khabar_core::password::{DECOY_HASH, check_new_password, hash_password, verify_password};
use khabar_core::secret::Secret;
use khabar_core::{DisplayName, Email, InvalidInput, Lang, Role, Username};
use khabar_store::{NewSession, NewUser, RateDecision, StoreError};

use crate::App;
use crate::session::{SESSION_LIFETIME, Viewer};

/// Sign-ups allowed per address per hour.
const SIGNUPS_PER_IP_HOUR: i64 = 5;
/// Sign-in attempts allowed per address per quarter hour.
const SIGNINS_PER_IP: i64 = 30;
/// Failed sign-ins for one name before each further failure blocks it for
/// a doubling delay (15 s, 30 s, 1 min … up to about an hour).
const FREE_FAILURES: i64 = 5;
const FIRST_DELAY: SignedDuration = SignedDuration::from_secs(15);

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{0}")]
    Invalid(#[from] InvalidInput),
    /// The username or the email belongs to someone already.
    #[error("{0} is already taken")]
    Taken(&'static str),
    /// The same answer whether the account exists or not.
    #[error("wrong username or password")]
    WrongCredentials,
    #[error("too many attempts; retry in {0:?}")]
    TooManyAttempts(SignedDuration),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AccountError {
    /// A stable code, also the suffix of the UI string that explains it.
    pub fn code(&self) -> &'static str {
        match self {
            AccountError::Invalid(e) => e.code,
            AccountError::Taken("email") => "email_taken",
            AccountError::Taken(_) => "username_taken",
            AccountError::WrongCredentials => "wrong_credentials",
            AccountError::TooManyAttempts(_) => "too_many_attempts",
            AccountError::Store(_) | AccountError::Internal(_) => "internal",
        }
    }

    /// The form field the error belongs to, if any.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            AccountError::Invalid(e) => Some(e.field),
            AccountError::Taken("email") => Some("email"),
            AccountError::Taken(_) => Some("username"),
            _ => None,
        }
    }
}

pub struct SignUp<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub email: &'a str,
    pub password: &'a str,
    pub lang: Lang,
}

async fn limit(
    app: &App,
    bucket: &str,
    max: i64,
    window: SignedDuration,
) -> Result<(), AccountError> {
    match app
        .store
        .count_attempt(bucket, max, window, Timestamp::now())
        .await?
    {
        RateDecision::Allowed { .. } => Ok(()),
        RateDecision::Limited { retry_after } => Err(AccountError::TooManyAttempts(retry_after)),
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AccountError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AccountError::Internal(e.to_string()))
}

/// Creates a reader account. Returns the new user's id.
pub async fn sign_up(app: &App, input: SignUp<'_>, viewer: &Viewer) -> Result<i64, AccountError> {
    let username = Username::parse(input.username)?;
    let display_name = DisplayName::parse(if input.display_name.trim().is_empty() {
        username.as_str()
    } else {
        input.display_name
    })?;
    let email = Email::parse(input.email)?;
    check_new_password(input.password, &[username.as_str(), email.as_str()])?;
    limit(
        app,
        &format!("signup:ip:{}", viewer.ip),
        SIGNUPS_PER_IP_HOUR,
        SignedDuration::from_hours(1),
    )
    .await?;
    let password = input.password.to_owned();
    let hash = blocking(move || hash_password(&password)).await??;
    let id = app
        .store
        .create_user(NewUser {
            username: &username,
            email: &email,
            display_name: &display_name,
            password_hash: &hash,
            role: Role::Reader,
            lang: input.lang,
        })
        .await
        .map_err(|e| match e {
            StoreError::Taken { what } => AccountError::Taken(what),
            other => AccountError::Store(other),
        })?;
    Ok(id)
}

/// Checks a sign-in. `login` is a username or an email address. The work
/// and the answer are the same whether the account exists or not.
pub async fn sign_in(
    app: &App,
    login: &str,
    password: &str,
    viewer: &Viewer,
) -> Result<i64, AccountError> {
    let login = login.trim();
    let (key, email) = if login.contains('@') {
        (String::new(), login.to_lowercase())
    } else {
        let key = Username::parse(login)
            .map(|u| u.key())
            .unwrap_or_else(|_| login.to_lowercase());
        (key, String::new())
    };
    let login_bucket = format!("signin:fail:{}{}", key, email);
    limit(
        app,
        &format!("signin:ip:{}", viewer.ip),
        SIGNINS_PER_IP,
        SignedDuration::from_mins(15),
    )
    .await?;
    if let Some(wait) = app
        .store
        .blocked_for(&login_bucket, Timestamp::now())
        .await?
    {
        return Err(AccountError::TooManyAttempts(wait));
    }
    let credentials = app.store.credentials(&key, &email).await?;
    let (user_id, phc) = match credentials {
        Some((id, phc)) => (Some(id), phc),
        None => (None, DECOY_HASH.clone()),
    };
    let password = password.to_owned();
    let matches = blocking(move || verify_password(&password, &phc)).await?;
    match user_id {
        Some(id) if matches => {
            app.store.clear_attempts(&login_bucket).await?;
            Ok(id)
        }
        _ => {
            let now = Timestamp::now();
            let failures = match app
                .store
                .count_attempt(&login_bucket, i64::MAX, SignedDuration::from_hours(1), now)
                .await?
            {
                RateDecision::Allowed { hits } => hits,
                RateDecision::Limited { .. } => FREE_FAILURES,
            };
            if failures >= FREE_FAILURES {
                let doublings = (failures - FREE_FAILURES).min(8) as i32;
                let delay = FIRST_DELAY * 2_i32.pow(doublings as u32);
                app.store.block(&login_bucket, now + delay).await?;
            }
            Err(AccountError::WrongCredentials)
        }
    }
}

/// A new session for `user_id`. Any session the request came with ends
/// first, so a session id planted before sign-in is never promoted.
pub async fn start_session(
    app: &App,
    user_id: i64,
    viewer: &Viewer,
) -> Result<Secret, AccountError> {
    if let Some(old) = &viewer.session {
        app.store.end_session(&old.token_hash).await?;
    }
    let secret = Secret::generate("khs_").map_err(|e| AccountError::Internal(e.to_string()))?;
    let csrf = Secret::generate("khc_").map_err(|e| AccountError::Internal(e.to_string()))?;
    app.store
        .create_session(NewSession {
            token_hash: &secret.hash,
            user_id,
            csrf_token: &csrf.token,
            user_agent: &viewer.user_agent,
            ip: &viewer.ip,
            lifetime: SESSION_LIFETIME,
        })
        .await?;
    Ok(secret)
}
