//! signUp, signIn, signOut, getCurrentUser, createAccessToken.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::SignedDuration;
use khabar_core::{Lang, Scope};
use serde::Deserialize;

use super::wire::accounts::{
    AccessToken, AuthKind, CurrentUser, ExportBody, ScopeName, Session, User,
};
use super::{ApiError, Caller, access, body, caller};
use crate::http::session::{SESSION_COOKIE, Viewer, cookie, set_cookie};
use crate::public::accounts::{DEVICE_COOKIE, known_device_cookie};
use crate::{App, http::csrf};
use khabar_app::accounts::SESSION_LIFETIME;
use khabar_app::accounts::{self, SignUp, SignedUp};
use khabar_app::tokens;

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

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = SignUp)]
pub(super) struct SignUpBody {
    #[schema(min_length = 3, max_length = 32)]
    username: String,
    #[serde(default)]
    #[schema(max_length = 60)]
    display_name: String,
    #[schema(format = Email)]
    email: String,
    #[schema(min_length = 10, max_length = 256)]
    password: String,
    /// The reader's language; the site's default when absent.
    #[serde(default)]
    lang: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = SignIn)]
pub(super) struct SignInBody {
    /// Username or email address.
    login: String,
    password: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = TokenRequest)]
pub(super) struct TokenBody {
    login: String,
    password: String,
    #[serde(default)]
    #[schema(max_length = 100)]
    name: String,
    /// read, comment, moderate, edit or admin
    #[schema(min_items = 1, value_type = Vec<ScopeName>)]
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
    let secret = accounts::start_session(app, user_id, &viewer.client()).await?;
    let session = app
        .store
        .session(&secret.hash, jiff::Timestamp::now())
        .await?
        .ok_or_else(ApiError::internal)?;
    let mut response = (
        status,
        Json(Session {
            user: User::from(&session.account),
            csrf_token: session.csrf_token,
        }),
    )
        .into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(app, SESSION_COOKIE, &secret.token, SESSION_LIFETIME),
    );
    Ok(response)
}

#[utoipa::path(
    post,
    path = "/auth/signup",
    operation_id = "signUp",
    tag = "accounts",
    summary = "Create a reader account and sign in",
    description = "An address that already has an account is not refused, so that a sign-up does not tell who has one: nothing is created, the owner is mailed (at most once an hour), and the answer is 202 without a session.",
    request_body = SignUpBody,
    responses(
        (status = 201, description = "Signed up and in; sets the session cookie", body = Session),
        (status = 202, description = "Nothing to sign in to yet: see the description"),
        (status = 400, description = "bad_request_body: not JSON of the documented shape", body = crate::api::wire::ErrorBody),
        (status = 403, description = "cross_site: a browser request from another site", body = crate::api::wire::ErrorBody),
        (status = 409, description = "username_taken", body = crate::api::wire::ErrorBody),
        (status = 422, description = "A field breaks a rule; `field` names it", body = crate::api::wire::ErrorBody),
        (status = 429, description = "Too many sign-ups from this address", body = crate::api::wire::ErrorBody),
    )
)]
pub(super) async fn sign_up(
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
    let signed_up = accounts::sign_up(
        &app,
        SignUp {
            username: &input.username,
            display_name: &input.display_name,
            email: &input.email,
            password: &input.password,
            lang,
        },
        &viewer.client(),
    )
    .await?;
    match signed_up {
        SignedUp::Created(user_id) => {
            session_answer(&app, user_id, &viewer, StatusCode::CREATED).await
        }
        SignedUp::AddressKnown => Ok(StatusCode::ACCEPTED.into_response()),
    }
}

#[utoipa::path(
    post,
    path = "/auth/signin",
    operation_id = "signIn",
    tag = "accounts",
    summary = "Sign in with a username or email and a password",
    request_body = SignInBody,
    responses(
        (status = 200, description = "Signed in; sets the session cookie", body = Session),
        (status = 400, description = "bad_request_body: not JSON of the documented shape", body = crate::api::wire::ErrorBody),
        (status = 401, description = "wrong_credentials, the same whether the account exists or not", body = crate::api::wire::ErrorBody),
        (status = 403, description = "cross_site: a browser request from another site", body = crate::api::wire::ErrorBody),
        (status = 429, description = "Too many attempts; see Retry-After", body = crate::api::wire::ErrorBody),
    )
)]
pub(super) async fn sign_in(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<SignInBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    same_site(&app, &headers)?;
    let input = body(json)?;
    let device = cookie(&headers, DEVICE_COOKIE);
    let user_id = accounts::sign_in(
        &app,
        &input.login,
        &input.password,
        &viewer.client(),
        device,
    )
    .await?;
    let mut response = session_answer(&app, user_id, &viewer, StatusCode::OK).await?;
    if let Some(cookie) = known_device_cookie(&app, user_id, device).await {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// Ends the calling session, or revokes the calling token.
#[utoipa::path(
    post,
    path = "/auth/signout",
    operation_id = "signOut",
    tag = "accounts",
    summary = "End the calling session, or revoke the calling token",
    responses(
        (status = 204, description = "Signed out"),
    )
)]
pub(super) async fn sign_out(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers, &viewer).await?;
    caller.require(&app, &headers, &access::SIGN_OUT)?;
    match &caller {
        Caller::Session(session) => app.store.end_session(&session.token_hash).await?,
        Caller::Token {
            account, token_id, ..
        } => {
            app.store.revoke_access_token(account.id, *token_id).await?;
        }
        // `require` refused it.
        Caller::Anonymous => {}
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&app, SESSION_COOKIE, "", SignedDuration::ZERO),
    );
    Ok(response)
}

#[utoipa::path(
    get,
    path = "/me",
    operation_id = "getCurrentUser",
    tag = "accounts",
    summary = "The signed-in account",
    responses(
        (status = 200, description = "The account and how the call was authenticated", body = CurrentUser),
    )
)]
pub(super) async fn current_user(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers, &viewer).await?;
    let account = caller.require(&app, &headers, &access::GET_CURRENT_USER)?;
    // What the caller can use, as `Caller::require` decides it: a session
    // every scope its role allows, a token those of its scopes the role
    // still allows.
    let (auth, held): (_, &dyn Fn(Scope) -> bool) = match &caller {
        Caller::Token { scopes, .. } => (AuthKind::Token, &|s| scopes.contains(s)),
        _ => (AuthKind::Session, &|_| true),
    };
    let scopes = Scope::ALL
        .into_iter()
        .filter(|s| s.allowed_for(account.role) && held(*s))
        .map(ScopeName::from)
        .collect();
    Ok(Json(CurrentUser {
        user: User::from(account),
        auth,
        scopes,
    })
    .into_response())
}

/// Username (or email) and password in, bearer token out.
#[utoipa::path(
    post,
    path = "/tokens",
    operation_id = "createAccessToken",
    tag = "accounts",
    summary = "Username and password in, bearer token out",
    request_body = TokenBody,
    responses(
        (status = 201, description = "The new token, shown this once", body = AccessToken),
        (status = 400, description = "bad_request_body: not JSON of the documented shape", body = crate::api::wire::ErrorBody),
        (status = 401, description = "wrong_credentials", body = crate::api::wire::ErrorBody),
        (status = 422, description = "unknown_scope or scope_not_allowed for the account's role; too_long (name)", body = crate::api::wire::ErrorBody),
        (status = 429, description = "Too many attempts", body = crate::api::wire::ErrorBody),
    )
)]
pub(super) async fn create_token(
    State(app): AppState,
    viewer: Viewer,
    json: Result<Json<TokenBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let input = body(json)?;
    // A bad name is refused before it costs a sign-in attempt.
    tokens::checked_name(&input.name)?;
    let user_id =
        accounts::sign_in(&app, &input.login, &input.password, &viewer.client(), None).await?;
    let account = app.store.account(user_id).await?;
    let token = tokens::create(&app.store, &account, &input.name, &input.scopes).await?;
    Ok((StatusCode::CREATED, Json(AccessToken::from(token))).into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = LinkToken)]
#[serde(deny_unknown_fields)]
pub(super) struct TokenOnly {
    token: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = EmailAddress)]
#[serde(deny_unknown_fields)]
pub(super) struct EmailOnly {
    email: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = PasswordReset)]
#[serde(deny_unknown_fields)]
pub(super) struct ResetBody {
    token: String,
    password: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Password)]
pub(super) struct PasswordOnly {
    password: String,
}

#[utoipa::path(
    post,
    path = "/auth/verify-email",
    operation_id = "verifyEmail",
    tag = "accounts",
    summary = "Use the link sent to confirm an email address",
    request_body = TokenOnly,
    responses(
        (status = 204, description = "The address is confirmed"),
        (status = 400, description = "bad_request_body: not JSON of the documented shape", body = crate::api::wire::ErrorBody),
        (status = 410, description = "link_invalid: expired, used or unknown", body = crate::api::wire::ErrorBody),
    )
)]
pub(super) async fn verify_email(
    State(app): AppState,
    json: Result<Json<TokenOnly>, JsonRejection>,
) -> Result<Response, ApiError> {
    let input = body(json)?;
    accounts::verify_email(&app, &input.token).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Always 202 for a well-formed address, whether an account uses it or not.
#[utoipa::path(
    post,
    path = "/auth/password-reset",
    operation_id = "requestPasswordReset",
    tag = "accounts",
    summary = "Send a password-reset link, if an account uses the address",
    request_body = EmailOnly,
    responses(
        (status = 202, description = "Accepted; the same whether the account exists or not"),
        (status = 400, description = "bad_request_body: not JSON of the documented shape", body = crate::api::wire::ErrorBody),
        (status = 422, description = "invalid_email", body = crate::api::wire::ErrorBody),
        (status = 429, description = "Too many requests for this address or client", body = crate::api::wire::ErrorBody),
    )
)]
pub(super) async fn request_password_reset(
    State(app): AppState,
    viewer: Viewer,
    json: Result<Json<EmailOnly>, JsonRejection>,
) -> Result<Response, ApiError> {
    let input = body(json)?;
    accounts::request_password_reset(&app.ctx, &input.email, &viewer.client()).await?;
    Ok(StatusCode::ACCEPTED.into_response())
}

#[utoipa::path(
    post,
    path = "/auth/password-reset/confirm",
    operation_id = "resetPassword",
    tag = "accounts",
    summary = "Choose a new password with a reset link; every session ends",
    request_body = ResetBody,
    responses(
        (status = 204, description = "Password changed"),
        (status = 400, description = "bad_request_body: not JSON of the documented shape", body = crate::api::wire::ErrorBody),
        (status = 410, description = "link_invalid", body = crate::api::wire::ErrorBody),
        (status = 422, description = "The new password breaks a rule", body = crate::api::wire::ErrorBody),
    )
)]
pub(super) async fn reset_password(
    State(app): AppState,
    json: Result<Json<ResetBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let input = body(json)?;
    accounts::reset_password(&app, &input.token, &input.password).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(
    get,
    path = "/me/export",
    operation_id = "exportMyData",
    tag = "accounts",
    summary = "Everything kept about the account, as JSON",
    responses(
        (status = 200, description = "The account, its sessions and tokens (never secrets)", body = ExportBody),
    )
)]
pub(super) async fn export_my_data(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers, &viewer).await?;
    let account = caller.require(&app, &headers, &access::EXPORT_MY_DATA)?;
    Ok(Json(ExportBody(accounts::export(&app, account).await?)).into_response())
}

/// Needs the password again, whatever the credential; tokens need `admin`
/// scope or a session, so a leaked reading token cannot delete anyone.
#[utoipa::path(
    delete,
    path = "/me",
    operation_id = "deleteMyAccount",
    tag = "accounts",
    summary = "Delete the account (password required); comments stay as a deleted account's",
    request_body = PasswordOnly,
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "bad_request_body: not JSON of the documented shape", body = crate::api::wire::ErrorBody),
        (status = 403, description = "wrong_password", body = crate::api::wire::ErrorBody),
        (status = 429, description = "too_many_attempts: wrong passwords for this account; see Retry-After", body = crate::api::wire::ErrorBody),
    )
)]
pub(super) async fn delete_my_account(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<PasswordOnly>, JsonRejection>,
) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers, &viewer).await?;
    let account = caller.require(&app, &headers, &access::DELETE_MY_ACCOUNT)?;
    let input = body(json)?;
    accounts::delete_account(&app, account, &input.password).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&app, SESSION_COOKIE, "", SignedDuration::ZERO),
    );
    Ok(response)
}
