//! Sign-up, sign-in, sign-out and the account page, as HTML forms that work
//! without JavaScript. The rules live in `accounts`; this is HTTP in and out.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::{SignedDuration, Timestamp};
use khabar_core::Lang;
use khabar_core::secret::Secret;
use minijinja::context;
use serde::Deserialize;

use crate::accounts::{self, AccountError, SignUp};
use crate::pages::{chrome, error_page, preferred_language, render_with_status};
use crate::session::{FORM_COOKIE, SESSION_COOKIE, SESSION_LIFETIME, Viewer, set_cookie};
use crate::{App, PageError, csrf};

type AppState = State<Arc<App>>;
type LangPath = Result<Path<String>, PathRejection>;

/// Passwords longer than this are not even hashed on sign-in.
const MAX_SIGN_IN_PASSWORD: usize = 1_024;

#[derive(Deserialize)]
pub struct SignUpForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf_token: String,
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf_token: String,
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    csrf_token: String,
    /// The session to end, on the account page.
    #[serde(default)]
    session: String,
}

fn lang_of(app: &App, path: LangPath, headers: &HeaderMap) -> Result<Lang, Lang> {
    path.ok()
        .and_then(|Path(code)| app.lang(&code))
        .ok_or_else(|| preferred_language(app, headers))
}

fn see_other(location: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, location.to_owned())],
    )
        .into_response()
}

/// The token forms shown before sign-in carry, and the cookie that holds
/// it when the request had none yet.
fn form_token(app: &App, viewer: &Viewer) -> Result<(String, Option<HeaderValue>), PageError> {
    if let Some(session) = &viewer.session {
        return Ok((session.csrf_token.clone(), None));
    }
    if let Some(token) = &viewer.form_token {
        return Ok((token.clone(), None));
    }
    let secret = Secret::generate("khf_").map_err(|e| PageError::BadRequest(e.to_string()))?;
    let cookie = set_cookie(
        app,
        FORM_COOKIE,
        &secret.token,
        SignedDuration::from_hours(24),
    );
    Ok((secret.token, Some(cookie)))
}

/// Whether a state-changing request may proceed.
fn allowed(app: &App, headers: &HeaderMap, viewer: &Viewer, token: &str) -> bool {
    csrf::same_site(app, headers) && csrf::token_matches(viewer, token)
}

struct FormPage<'a> {
    template: &'a str,
    path: &'a str,
    status: StatusCode,
    values: BTreeMap<&'static str, String>,
    error: Option<AccountError>,
}

async fn show_form(
    app: &App,
    lang: Lang,
    viewer: &Viewer,
    page: FormPage<'_>,
) -> Result<Response, PageError> {
    let (token, cookie) = form_token(app, viewer)?;
    let paths = app
        .languages()
        .into_iter()
        .map(|l| (l, format!("/{l}/{}", page.path)))
        .collect();
    let chrome = chrome(
        app,
        lang,
        viewer,
        paths,
        None,
        format!("/{lang}/{}", page.path),
    )
    .await?;
    let (field, message) = match &page.error {
        Some(error) => (error.field(), Some(error_message(app, lang, error))),
        None => (None, None),
    };
    let mut response = render_with_status(
        app,
        page.status,
        page.template,
        lang,
        chrome,
        context! {
            csrf_token => token,
            values => page.values,
            error_field => field,
            error_message => message,
        },
    )?;
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

/// What to tell the reader, in their language.
fn error_message(app: &App, lang: Lang, error: &AccountError) -> String {
    let key = format!("form-error-{}", error.code());
    let message = app.i18n.message(lang, &key, None);
    if message == key {
        app.i18n.message(lang, "form-error-invalid", None)
    } else {
        message
    }
}

/// The page for errors that are not about a form field: too many
/// attempts (429 with Retry-After) or a failure on our side (500).
fn failure_page(app: &App, lang: Lang, error: &AccountError) -> Option<Response> {
    match error {
        AccountError::TooManyAttempts(wait) => {
            let seconds = wait.as_secs().max(1) as u64;
            Some(error_page(app, lang, &PageError::TooManyRequests(seconds)))
        }
        AccountError::Store(_) | AccountError::Internal(_) => {
            tracing::error!(%error, "account use case failed");
            Some(error_page(app, lang, &PageError::Internal))
        }
        _ => None,
    }
}

/// Signs the reader in with a fresh session and sends them on.
async fn signed_in_redirect(
    app: &App,
    lang: Lang,
    user_id: i64,
    viewer: &Viewer,
    to: &str,
) -> Response {
    match accounts::start_session(app, user_id, viewer).await {
        Ok(secret) => {
            let mut response = see_other(to);
            let headers = response.headers_mut();
            headers.append(
                header::SET_COOKIE,
                set_cookie(app, SESSION_COOKIE, &secret.token, SESSION_LIFETIME),
            );
            headers.append(
                header::SET_COOKIE,
                set_cookie(app, FORM_COOKIE, "", SignedDuration::ZERO),
            );
            response
        }
        Err(error) => failure_page(app, lang, &error)
            .unwrap_or_else(|| error_page(app, lang, &PageError::Internal)),
    }
}

/// Parses the language, the form and its CSRF token, or answers why not.
fn checked<T>(
    app: &App,
    path: LangPath,
    headers: &HeaderMap,
    viewer: &Viewer,
    form: Result<Form<T>, FormRejection>,
    token: impl Fn(&T) -> &str,
) -> Result<(Lang, T), Box<Response>> {
    let refuse = |lang, error| Box::new(error_page(app, lang, &error));
    let lang = lang_of(app, path, headers).map_err(|lang| refuse(lang, PageError::NotFound))?;
    let Ok(Form(form)) = form else {
        return Err(refuse(
            lang,
            PageError::BadRequest("unreadable form".into()),
        ));
    };
    if !allowed(app, headers, viewer, token(&form)) {
        return Err(refuse(lang, PageError::Forbidden));
    }
    Ok((lang, form))
}

pub async fn sign_up_form(
    State(app): AppState,
    path: LangPath,
    headers: HeaderMap,
    viewer: Viewer,
) -> Response {
    blank_form(&app, path, &headers, &viewer, "signup.html", "signup").await
}

pub async fn sign_in_form(
    State(app): AppState,
    path: LangPath,
    headers: HeaderMap,
    viewer: Viewer,
) -> Response {
    blank_form(&app, path, &headers, &viewer, "signin.html", "signin").await
}

async fn blank_form(
    app: &App,
    path: LangPath,
    headers: &HeaderMap,
    viewer: &Viewer,
    template: &str,
    page_path: &str,
) -> Response {
    let lang = match lang_of(app, path, headers) {
        Ok(lang) => lang,
        Err(lang) => return error_page(app, lang, &PageError::NotFound),
    };
    if viewer.session.is_some() {
        return see_other(&format!("/{lang}/account"));
    }
    let page = FormPage {
        template,
        path: page_path,
        status: StatusCode::OK,
        values: BTreeMap::new(),
        error: None,
    };
    show_form(app, lang, viewer, page)
        .await
        .unwrap_or_else(|e| error_page(app, lang, &e))
}

pub async fn sign_up(
    State(app): AppState,
    path: LangPath,
    headers: HeaderMap,
    viewer: Viewer,
    form: Result<Form<SignUpForm>, FormRejection>,
) -> Response {
    let (lang, form) = match checked(&app, path, &headers, &viewer, form, |f| &f.csrf_token) {
        Ok(checked) => checked,
        Err(response) => return *response,
    };
    let input = SignUp {
        username: &form.username,
        display_name: &form.display_name,
        email: &form.email,
        password: &form.password,
        lang,
    };
    let error = match accounts::sign_up(&app, input, &viewer).await {
        Ok(user_id) => {
            return signed_in_redirect(&app, lang, user_id, &viewer, &format!("/{lang}/account"))
                .await;
        }
        Err(error) => error,
    };
    if let Some(response) = failure_page(&app, lang, &error) {
        return response;
    }
    let values = BTreeMap::from([
        ("username", form.username),
        ("display_name", form.display_name),
        ("email", form.email),
    ]);
    let page = FormPage {
        template: "signup.html",
        path: "signup",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        values,
        error: Some(error),
    };
    show_form(&app, lang, &viewer, page)
        .await
        .unwrap_or_else(|e| error_page(&app, lang, &e))
}

pub async fn sign_in(
    State(app): AppState,
    path: LangPath,
    headers: HeaderMap,
    viewer: Viewer,
    form: Result<Form<SignInForm>, FormRejection>,
) -> Response {
    let (lang, form) = match checked(&app, path, &headers, &viewer, form, |f| &f.csrf_token) {
        Ok(checked) => checked,
        Err(response) => return *response,
    };
    let result = if form.password.chars().count() > MAX_SIGN_IN_PASSWORD
        || form.login.chars().count() > 254
    {
        Err(AccountError::WrongCredentials)
    } else {
        accounts::sign_in(&app, &form.login, &form.password, &viewer).await
    };
    let error = match result {
        Ok(user_id) => {
            return signed_in_redirect(&app, lang, user_id, &viewer, &format!("/{lang}/")).await;
        }
        Err(error) => error,
    };
    if let Some(response) = failure_page(&app, lang, &error) {
        return response;
    }
    let page = FormPage {
        template: "signin.html",
        path: "signin",
        status: StatusCode::UNAUTHORIZED,
        values: BTreeMap::from([("login", form.login)]),
        error: Some(error),
    };
    show_form(&app, lang, &viewer, page)
        .await
        .unwrap_or_else(|e| error_page(&app, lang, &e))
}

pub async fn sign_out(
    State(app): AppState,
    path: LangPath,
    headers: HeaderMap,
    viewer: Viewer,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    let (lang, _) = match checked(&app, path, &headers, &viewer, form, |f| &f.csrf_token) {
        Ok(checked) => checked,
        Err(response) => return *response,
    };
    if let Some(session) = &viewer.session
        && let Err(error) = app.store.end_session(&session.token_hash).await
    {
        tracing::error!(%error, "could not end a session");
        return error_page(&app, lang, &PageError::Internal);
    }
    let mut response = see_other(&format!("/{lang}/"));
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&app, SESSION_COOKIE, "", SignedDuration::ZERO),
    );
    response
}

#[derive(Deserialize)]
pub struct ChangedQuery {
    #[serde(default)]
    changed: String,
}

pub async fn account(
    State(app): AppState,
    path: LangPath,
    headers: HeaderMap,
    viewer: Viewer,
    query: Result<axum::extract::Query<ChangedQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let lang = match lang_of(&app, path, &headers) {
        Ok(lang) => lang,
        Err(lang) => return error_page(&app, lang, &PageError::NotFound),
    };
    let notice = query
        .ok()
        .map(|q| q.0.changed)
        .filter(|c| c == "password" || c == "email");
    account_page(&app, lang, &viewer, StatusCode::OK, None, notice.as_deref()).await
}

async fn account_page(
    app: &App,
    lang: Lang,
    viewer: &Viewer,
    status: StatusCode,
    error: Option<&AccountError>,
    notice: Option<&str>,
) -> Response {
    let Some(session) = &viewer.session else {
        return see_other(&format!("/{lang}/signin"));
    };
    let page = async {
        let sessions = app
            .store
            .sessions_of(session.account.id, Timestamp::now())
            .await?;
        let tokens = app.store.access_tokens_of(session.account.id).await?;
        let email_preference = app.store.email_preference(session.account.id).await?;
        let current = session.token_hash.chars().take(16).collect::<String>();
        let paths = app
            .languages()
            .into_iter()
            .map(|l| (l, format!("/{l}/account")))
            .collect();
        let chrome = chrome(app, lang, viewer, paths, None, format!("/{lang}/account")).await?;
        render_with_status(
            app,
            status,
            "account.html",
            lang,
            chrome,
            context! {
                account => &session.account,
                sessions => sessions,
                tokens => tokens,
                email_preference => email_preference,
                current_session => current,
                csrf_token => &session.csrf_token,
                error_field => error.and_then(|e| e.field()),
                error_message => error.map(|e| error_message(app, lang, e)),
                notice => notice.map(|n| app.i18n.message(lang, &format!("account-changed-{n}"), None)),
            },
        )
    };
    page.await.unwrap_or_else(|e| error_page(app, lang, &e))
}

pub async fn end_session(
    State(app): AppState,
    path: LangPath,
    headers: HeaderMap,
    viewer: Viewer,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    let (lang, form) = match checked(&app, path, &headers, &viewer, form, |f| &f.csrf_token) {
        Ok(checked) => checked,
        Err(response) => return *response,
    };
    let Some(session) = &viewer.session else {
        return see_other(&format!("/{lang}/signin"));
    };
    match app
        .store
        .end_session_of(session.account.id, &form.session)
        .await
    {
        Ok(_) => see_other(&format!("/{lang}/account")),
        Err(error) => {
            tracing::error!(%error, "could not end a session");
            error_page(&app, lang, &PageError::Internal)
        }
    }
}

/// A page that says one thing, with an optional link onwards.
async fn message_page(
    app: &App,
    lang: Lang,
    viewer: &Viewer,
    status: StatusCode,
    key: &str,
    link: Option<(String, &str)>,
) -> Response {
    let page = async {
        let path = format!("/{lang}/");
        let chrome = chrome(app, lang, viewer, vec![(lang, path.clone())], None, path).await?;
        let (href, label) = match link {
            Some((href, label_key)) => (Some(href), Some(app.i18n.message(lang, label_key, None))),
            None => (None, None),
        };
        render_with_status(
            app,
            status,
            "message.html",
            lang,
            chrome,
            context! {
                title => app.i18n.message(lang, &format!("{key}-title"), None),
                body => app.i18n.message(lang, &format!("{key}-body"), None),
                link => href,
                link_text => label,
            },
        )
    };
    page.await.unwrap_or_else(|e| error_page(app, lang, &e))
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

pub async fn verify_email(
    State(app): AppState,
    path: LangPath,
    headers: HeaderMap,
    viewer: Viewer,
    query: Result<axum::extract::Query<TokenQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let lang = match lang_of(&app, path, &headers) {
        Ok(lang) => lang,
        Err(lang) => return error_page(&app, lang, &PageError::NotFound),
    };
    let token = query.map(|q| q.0.token).unwrap_or_default();
    match accounts::verify_email(&app, &token).await {
        Ok(()) => {
            message_page(
                &app,
                lang,
                &viewer,
                StatusCode::OK,
                "email-verified",
                Some((format!("/{lang}/"), "nav-home")),
            )
            .await
        }
        Err(AccountError::LinkInvalid) => {
            message_page(&app, lang, &viewer, StatusCode::GONE, "link-invalid", None).await
        }
        Err(error) => failure_page(&app, lang, &error)
            .unwrap_or_else(|| error_page(&app, lang, &PageError::Internal)),
    }
}

#[derive(Deserialize)]
pub struct ResetRequestForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    csrf_token: String,
}

pub async fn reset_request_form(
    State(app): AppState,
    path: LangPath,
    headers: HeaderMap,
    viewer: Viewer,
) -> Response {
    blank_form(&app, path, &headers, &viewer, "reset-request.html", "reset").await
}

pub async fn reset_request(
    State(app): AppState,
    path: LangPath,
    headers: HeaderMap,
    viewer: Viewer,
    form: Result<Form<ResetRequestForm>, FormRejection>,
) -> Response {
    let (lang, form) = match checked(&app, path, &headers, &viewer, form, |f| &f.csrf_token) {
        Ok(checked) => checked,
        Err(response) => return *response,
    };
    match accounts::request_password_reset(&app, &form.email, &viewer).await {
        Ok(()) => message_page(&app, lang, &viewer, StatusCode::OK, "reset-sent", None).await,
        Err(error) => {
            if let Some(response) = failure_page(&app, lang, &error) {
                return response;
            }
            let page = FormPage {
                template: "reset-request.html",
                path: "reset",
                status: StatusCode::UNPROCESSABLE_ENTITY,
                values: BTreeMap::from([("email", form.email)]),
                error: Some(error),
            };
            show_form(&app, lang, &viewer, page)
                .await
                .unwrap_or_else(|e| error_page(&app, lang, &e))
        }
    }
}

#[derive(Deserialize)]
pub struct NewPasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf_token: String,
}

type LangTokenPath = Result<Path<(String, String)>, PathRejection>;

fn split_token_path(path: LangTokenPath) -> (LangPath, String) {
    match path {
        Ok(Path((lang, token))) => (Ok(Path(lang)), token),
        Err(rejection) => (Err(rejection), String::new()),
    }
}

pub async fn reset_form(
    State(app): AppState,
    path: LangTokenPath,
    headers: HeaderMap,
    viewer: Viewer,
) -> Response {
    let (path, token) = split_token_path(path);
    let lang = match lang_of(&app, path, &headers) {
        Ok(lang) => lang,
        Err(lang) => return error_page(&app, lang, &PageError::NotFound),
    };
    let page = FormPage {
        template: "reset.html",
        path: &format!("reset/{token}"),
        status: StatusCode::OK,
        values: BTreeMap::new(),
        error: None,
    };
    show_form(&app, lang, &viewer, page)
        .await
        .unwrap_or_else(|e| error_page(&app, lang, &e))
}

pub async fn reset(
    State(app): AppState,
    path: LangTokenPath,
    headers: HeaderMap,
    viewer: Viewer,
    form: Result<Form<NewPasswordForm>, FormRejection>,
) -> Response {
    let (path, token) = split_token_path(path);
    let (lang, form) = match checked(&app, path, &headers, &viewer, form, |f| &f.csrf_token) {
        Ok(checked) => checked,
        Err(response) => return *response,
    };
    match accounts::reset_password(&app, &token, &form.password).await {
        Ok(_) => {
            message_page(
                &app,
                lang,
                &viewer,
                StatusCode::OK,
                "password-changed",
                Some((format!("/{lang}/signin"), "sign-in")),
            )
            .await
        }
        Err(AccountError::LinkInvalid) => {
            message_page(&app, lang, &viewer, StatusCode::GONE, "link-invalid", None).await
        }
        Err(error) => {
            if let Some(response) = failure_page(&app, lang, &error) {
                return response;
            }
            let page = FormPage {
                template: "reset.html",
                path: &format!("reset/{token}"),
                status: StatusCode::UNPROCESSABLE_ENTITY,
                values: BTreeMap::new(),
                error: Some(error),
            };
            show_form(&app, lang, &viewer, page)
                .await
                .unwrap_or_else(|e| error_page(&app, lang, &e))
        }
    }
}

#[derive(Deserialize)]
pub struct AccountChangeForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    email: String,
}

/// The account page's forms: password, email, deletion.
pub async fn change_password(
    State(app): AppState,
    path: LangPath,
    headers: HeaderMap,
    viewer: Viewer,
    form: Result<Form<AccountChangeForm>, FormRejection>,
) -> Response {
    account_change(&app, path, &headers, &viewer, form, AccountChange::Password).await
}

pub async fn change_email(
    State(app): AppState,
    path: LangPath,
    headers: HeaderMap,
    viewer: Viewer,
    form: Result<Form<AccountChangeForm>, FormRejection>,
) -> Response {
    account_change(&app, path, &headers, &viewer, form, AccountChange::Email).await
}

pub async fn delete_account(
    State(app): AppState,
    path: LangPath,
    headers: HeaderMap,
    viewer: Viewer,
    form: Result<Form<AccountChangeForm>, FormRejection>,
) -> Response {
    account_change(&app, path, &headers, &viewer, form, AccountChange::Delete).await
}

#[derive(Clone, Copy)]
enum AccountChange {
    Password,
    Email,
    Delete,
}

async fn account_change(
    app: &App,
    path: LangPath,
    headers: &HeaderMap,
    viewer: &Viewer,
    form: Result<Form<AccountChangeForm>, FormRejection>,
    change: AccountChange,
) -> Response {
    let (lang, form) = match checked(app, path, headers, viewer, form, |f| &f.csrf_token) {
        Ok(checked) => checked,
        Err(response) => return *response,
    };
    let Some(session) = &viewer.session else {
        return see_other(&format!("/{lang}/signin"));
    };
    let result = match change {
        AccountChange::Password => {
            accounts::change_password(app, session, &form.current_password, &form.password).await
        }
        AccountChange::Email => {
            accounts::change_email(app, &session.account, &form.current_password, &form.email).await
        }
        AccountChange::Delete => {
            accounts::delete_account(app, &session.account, &form.current_password).await
        }
    };
    match (result, change) {
        (Ok(()), AccountChange::Delete) => {
            let mut response = message_page(
                app,
                lang,
                &Viewer {
                    session: None,
                    ..viewer.clone()
                },
                StatusCode::OK,
                "account-deleted",
                None,
            )
            .await;
            response.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(app, SESSION_COOKIE, "", SignedDuration::ZERO),
            );
            response
        }
        (Ok(()), AccountChange::Password) => {
            see_other(&format!("/{lang}/account?changed=password"))
        }
        (Ok(()), AccountChange::Email) => see_other(&format!("/{lang}/account?changed=email")),
        (Err(error), _) => {
            if let Some(response) = failure_page(app, lang, &error) {
                return response;
            }
            account_page(
                app,
                lang,
                viewer,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&error),
                None,
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    token: i64,
}

/// Revokes one of the signed-in person's access tokens.
pub async fn revoke_token(
    State(app): AppState,
    path: LangPath,
    headers: HeaderMap,
    viewer: Viewer,
    form: Result<Form<RevokeForm>, FormRejection>,
) -> Response {
    let (lang, form) = match checked(&app, path, &headers, &viewer, form, |f| &f.csrf_token) {
        Ok(checked) => checked,
        Err(response) => return *response,
    };
    let Some(session) = &viewer.session else {
        return see_other(&format!("/{lang}/signin"));
    };
    match app
        .store
        .revoke_access_token(session.account.id, form.token)
        .await
    {
        Ok(_) => see_other(&format!("/{lang}/account")),
        Err(error) => {
            tracing::error!(%error, "could not revoke a token");
            error_page(&app, lang, &PageError::Internal)
        }
    }
}

/// Downloads everything khabar keeps about the signed-in person, as JSON.
pub async fn export(
    State(app): AppState,
    path: LangPath,
    headers: HeaderMap,
    viewer: Viewer,
) -> Response {
    let lang = match lang_of(&app, path, &headers) {
        Ok(lang) => lang,
        Err(lang) => return error_page(&app, lang, &PageError::NotFound),
    };
    let Some(session) = &viewer.session else {
        return see_other(&format!("/{lang}/signin"));
    };
    match accounts::export(&app, &session.account).await {
        Ok(data) => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/json; charset=utf-8".to_owned(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"khabar-{}.json\"",
                        session.account.id
                    ),
                ),
                (header::CACHE_CONTROL, "private, no-store".to_owned()),
            ],
            serde_json::to_string_pretty(&data).unwrap_or_default(),
        )
            .into_response(),
        Err(error) => failure_page(&app, lang, &error)
            .unwrap_or_else(|| error_page(&app, lang, &PageError::Internal)),
    }
}
