//! signUp, signIn, signOut, getCurrentUser, createAccessToken.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::SignedDuration;
use khabar_core::secret::Secret;
use khabar_core::{Lang, Role, Scope, Scopes};
use serde::Deserialize;
use serde_json::json;

use super::{ApiError, Caller, body, caller};
use crate::accounts::{self, SignUp};
use crate::session::{SESSION_COOKIE, SESSION_LIFETIME, Viewer, set_cookie};
use crate::{App, csrf};

type AppState = State<Arc<App>>;

/// Sign-up and sign-in set a cookie: like the forms, they must come from
/// the site itself when a browser sends them.
fn same_site(app: &App, headers: &HeaderMap) -> Result<(), ApiError> {
    if csrf::same_site(app, headers) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "cross_site",
            "this request came from another site",
        ))
    }
}

#[derive(Deserialize)]
pub struct SignUpBody {
    username: String,
    #[serde(default)]
    display_name: String,
    email: String,
    password: String,
    /// The reader's language; the site's default when absent.
    #[serde(default)]
    lang: Option<String>,
}

#[derive(Deserialize)]
pub struct SignInBody {
    login: String,
    password: String,
}

#[derive(Deserialize)]
pub struct TokenBody {
    login: String,
    password: String,
    #[serde(default)]
    name: String,
    scopes: Vec<String>,
}

/// A new session for `user_id`, answered with the account, the CSRF token
/// for later calls, and the cookie.
async fn session_answer(
    app: &App,
    user_id: i64,
    viewer: &Viewer,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let secret = accounts::start_session(app, user_id, viewer).await?;
    let session = app
        .store
        .session(&secret.hash, jiff::Timestamp::now())
        .await?
        .ok_or_else(ApiError::internal)?;
    let mut response = (
        status,
        Json(json!({ "user": session.account, "csrf_token": session.csrf_token })),
    )
        .into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(app, SESSION_COOKIE, &secret.token, SESSION_LIFETIME),
    );
    Ok(response)
}

pub async fn sign_up(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<SignUpBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    same_site(&app, &headers)?;
    let input = body(json)?;
    let lang = match input.lang.as_deref() {
        Some(code) => Lang::parse(code)
            .ok()
            .filter(|l| app.site().dir_of(*l).is_some())
            .ok_or_else(|| {
                ApiError::from(khabar_core::InvalidInput::new(
                    "lang",
                    "unknown_language",
                    "not one of the site's languages",
                ))
            })?,
        None => app.site().default_language,
    };
    let user_id = accounts::sign_up(
        &app,
        SignUp {
            username: &input.username,
            display_name: &input.display_name,
            email: &input.email,
            password: &input.password,
            lang,
        },
        &viewer,
    )
    .await?;
    session_answer(&app, user_id, &viewer, StatusCode::CREATED).await
}

pub async fn sign_in(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<SignInBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    same_site(&app, &headers)?;
    let input = body(json)?;
    let user_id = accounts::sign_in(&app, &input.login, &input.password, &viewer).await?;
    session_answer(&app, user_id, &viewer, StatusCode::OK).await
}

/// Ends the calling session, or revokes the calling token.
pub async fn sign_out(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers, &viewer).await?;
    match &caller {
        Caller::Session(session) => {
            // Any scope: the check that matters is the CSRF token.
            caller.authorize(&app, &headers, Scope::Read)?;
            app.store.end_session(&session.token_hash).await?
        }
        // A token may always revoke itself, whatever its scopes.
        Caller::Token {
            account, token_id, ..
        } => {
            app.store.revoke_access_token(account.id, *token_id).await?;
        }
        Caller::Anonymous => return Err(ApiError::unauthorized()),
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&app, SESSION_COOKIE, "", SignedDuration::ZERO),
    );
    Ok(response)
}

pub async fn current_user(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers, &viewer).await?;
    let account = caller.authorize_read(Scope::Read)?;
    let (auth, scopes) = match &caller {
        Caller::Token { scopes, .. } => ("token", json!(scopes)),
        _ => (
            "session",
            json!(Scope::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
        ),
    };
    Ok(Json(json!({ "user": account, "auth": auth, "scopes": scopes })).into_response())
}

/// Username (or email) and password in, bearer token out.
pub async fn create_token(
    State(app): AppState,
    viewer: Viewer,
    json: Result<Json<TokenBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let input = body(json)?;
    let name = input.name.trim();
    if name.chars().count() > 100 {
        return Err(
            khabar_core::InvalidInput::new("name", "too_long", "at most 100 characters").into(),
        );
    }
    let user_id = accounts::sign_in(&app, &input.login, &input.password, &viewer).await?;
    let account = app.store.account(user_id).await?;
    let role = Role::parse(&account.role)?;
    let scopes = Scopes::grant(&input.scopes, role)?;
    let secret = Secret::generate("khp_").map_err(|_| ApiError::internal())?;
    let name = if name.is_empty() { "API token" } else { name };
    let id = app
        .store
        .create_access_token(user_id, name, &secret.hash, &scopes.to_stored())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "name": name, "token": secret.token, "scopes": scopes })),
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct TokenOnly {
    token: String,
}

#[derive(Deserialize)]
pub struct EmailOnly {
    email: String,
}

#[derive(Deserialize)]
pub struct ResetBody {
    token: String,
    password: String,
}

#[derive(Deserialize)]
pub struct PasswordOnly {
    password: String,
}

pub async fn verify_email(
    State(app): AppState,
    json: Result<Json<TokenOnly>, JsonRejection>,
) -> Result<Response, ApiError> {
    let input = body(json)?;
    accounts::verify_email(&app, &input.token).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Always 202 for a well-formed address, whether an account uses it or not.
pub async fn request_password_reset(
    State(app): AppState,
    viewer: Viewer,
    json: Result<Json<EmailOnly>, JsonRejection>,
) -> Result<Response, ApiError> {
    let input = body(json)?;
    accounts::request_password_reset(&app, &input.email, &viewer).await?;
    Ok(StatusCode::ACCEPTED.into_response())
}

pub async fn reset_password(
    State(app): AppState,
    json: Result<Json<ResetBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let input = body(json)?;
    accounts::reset_password(&app, &input.token, &input.password).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn export_my_data(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers, &viewer).await?;
    let account = caller.authorize_read(Scope::Read)?;
    Ok(Json(accounts::export(&app, account).await?).into_response())
}

/// Needs the password again, whatever the credential; tokens need `admin`
/// scope or a session, so a leaked reading token cannot delete anyone.
pub async fn delete_my_account(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<PasswordOnly>, JsonRejection>,
) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers, &viewer).await?;
    let account = match &caller {
        Caller::Token { .. } => caller.authorize(&app, &headers, Scope::Admin)?,
        _ => caller.authorize(&app, &headers, Scope::Read)?,
    };
    let input = body(json)?;
    accounts::delete_account(&app, account, &input.password).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&app, SESSION_COOKIE, "", SignedDuration::ZERO),
    );
    Ok(response)
}
