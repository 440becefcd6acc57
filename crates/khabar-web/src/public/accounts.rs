//! Sign-up, sign-in, sign-out and the account page, as HTML forms that work
//! without JavaScript. The rules live in `accounts`; this is HTTP in and out.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::SignedDuration;
use khabar_core::newsroom::may_write;
use khabar_core::secret::Secret;
use khabar_core::{Lang, Role};
use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::extract::{CheckedForm, PageLang};
use crate::http::forms::return_path;
use crate::http::paths::segment;
use crate::http::session::{FORM_COOKIE, SESSION_COOKIE, Viewer, cookie, set_cookie};
use crate::theme::page::{chrome, error_page, render_with_status};
use crate::{App, PageError};
use khabar_app::Failure;
use khabar_app::accounts::SESSION_LIFETIME;
use khabar_app::accounts::{self, AccountError, SignUp, SignedUp};

type AppState = State<Arc<App>>;

/// The cookie of a browser that signed in before: its wrong passwords are
/// counted apart from everyone else's (see `accounts::sign_in`).
pub(crate) const DEVICE_COOKIE: &str = "khabar_device";

/// Passwords longer than this are not even hashed on sign-in.
const MAX_SIGN_IN_PASSWORD: usize = 1_024;

#[derive(Deserialize)]
pub(crate) struct SignUpForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

#[derive(Deserialize)]
pub(crate) struct SignInForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// Where to send the reader once signed in, as links to the forms carry it.
#[derive(Deserialize)]
pub(crate) struct NextQuery {
    #[serde(default)]
    next: String,
}

/// The query's return path, when it is one on this site.
fn next_of(query: Result<Query<NextQuery>, QueryRejection>) -> Option<String> {
    query
        .ok()
        .and_then(|Query(q)| return_path(&q.next).map(str::to_owned))
}

pub(crate) fn see_other(location: &str) -> Response {
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

/// What a refused form says next to its inputs, all at once.
#[derive(Default, Serialize)]
pub(crate) struct Feedback {
    /// Problems by input id, in the reader's language.
    pub(crate) errors: BTreeMap<&'static str, String>,
    /// A problem with the form as a whole, such as wrong credentials.
    pub(crate) form_error: Option<String>,
    /// Password inputs that had text: they come back empty and say so.
    pub(crate) retype: Vec<&'static str>,
}

impl Feedback {
    /// The problem `code` next to input `id`; the first one there stays.
    pub(crate) fn problem(&mut self, app: &App, lang: Lang, id: &'static str, code: &str) {
        self.errors
            .entry(id)
            .or_insert_with(|| problem_message(app, lang, code));
    }

    /// `error` next to its input (`id_of` names the form's input for the
    /// use case's field), or over the form when it is about no input there.
    pub(crate) fn error(
        &mut self,
        app: &App,
        lang: Lang,
        error: &AccountError,
        id_of: impl Fn(&'static str) -> Option<&'static str>,
    ) {
        match error.field().and_then(id_of) {
            Some(id) => self.problem(app, lang, id, error.code()),
            None => self.form_error = Some(problem_message(app, lang, error.code())),
        }
    }

    /// Passwords are never sent back: when one was typed, ask for it again.
    pub(crate) fn retype(&mut self, id: &'static str, typed: &str) {
        if !typed.is_empty() && !self.errors.contains_key(id) {
            self.retype.push(id);
        }
    }
}

struct FormPage<'a> {
    template: &'a str,
    path: &'a str,
    status: StatusCode,
    values: BTreeMap<&'static str, String>,
    feedback: Feedback,
    /// The return path the form carries on.
    next: Option<String>,
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
    let mut response = render_with_status(
        app,
        page.status,
        page.template,
        lang,
        chrome,
        context! {
            csrf_token => token,
            values => page.values,
            errors => page.feedback.errors,
            form_error => page.feedback.form_error,
            retype => page.feedback.retype,
            next => page.next,
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

/// A form page, or the error page when it cannot be drawn.
async fn form_page(app: &App, lang: Lang, viewer: &Viewer, page: FormPage<'_>) -> Response {
    show_form(app, lang, viewer, page)
        .await
        .unwrap_or_else(|e| error_page(app, lang, &e))
}

/// What to tell the reader about problem `code`, in their language.
fn problem_message(app: &App, lang: Lang, code: &str) -> String {
    let key = format!("form-error-{code}");
    let message = app.i18n.message(lang, &key, None);
    if message == key {
        app.i18n.message(lang, "form-error-invalid", None)
    } else {
        message
    }
}

/// The page for errors that are not about a form field: too many
/// attempts (429 with Retry-After) or a failure on our side (500).
pub(crate) fn failure_page(app: &App, lang: Lang, error: &AccountError) -> Option<Response> {
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
    match accounts::start_session(app, user_id, &viewer.client()).await {
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

pub(crate) async fn sign_up_form(
    State(app): AppState,
    PageLang(lang): PageLang,
    viewer: Viewer,
    query: Result<Query<NextQuery>, QueryRejection>,
) -> Response {
    let next = next_of(query);
    blank_form(&app, lang, &viewer, "signup.html", "signup", next).await
}

pub(crate) async fn sign_in_form(
    State(app): AppState,
    PageLang(lang): PageLang,
    viewer: Viewer,
    headers: HeaderMap,
    query: Result<Query<NextQuery>, QueryRejection>,
) -> Response {
    // A link without `next` (the header's) returns the reader to the page
    // they came from, when it is a page of this site.
    let next = next_of(query).or_else(|| came_from(&app, &headers));
    blank_form(&app, lang, &viewer, "signin.html", "signin", next).await
}

/// The local path of the page the browser says it came from, unless that
/// is another site or one of the account forms themselves.
fn came_from(app: &App, headers: &HeaderMap) -> Option<String> {
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let path = referer.strip_prefix(app.base_url.as_str())?;
    let path = return_path(path)?;
    let page = path.split(['?', '#']).next().unwrap_or(path);
    let form = ["/signin", "/signup", "/reset", "/signout"]
        .iter()
        .any(|form| page.ends_with(form) || page.contains(&format!("{form}/")));
    (!form).then(|| path.to_owned())
}

/// Where an account lands after signing in: newsroom staff on their
/// dashboard (moderators on their queue) unless they were sent to sign in
/// from one of those screens or from an embedded discussion's popup;
/// readers where they were, else the front page.
fn landing(lang: Lang, role: Role, next: Option<String>) -> String {
    let desk = if may_write(role) {
        Some(format!("/{lang}/admin"))
    } else if role.moderates() {
        Some(format!("/{lang}/moderate"))
    } else {
        None
    };
    match (desk, next) {
        (Some(_), Some(next)) if on_desk(&next) || next.starts_with("/embed/") => next,
        (Some(desk), _) => desk,
        (None, next) => next.unwrap_or_else(|| format!("/{lang}/")),
    }
}

/// Whether a local path is a newsroom or moderation screen (`/{lang}/admin…`,
/// `/{lang}/moderate…`).
fn on_desk(path: &str) -> bool {
    let mut parts = path.trim_start_matches('/').splitn(2, '/');
    parts.next();
    parts.next().is_some_and(|rest| {
        let screen = rest.split(['/', '?', '#']).next().unwrap_or("");
        screen == "admin" || screen == "moderate"
    })
}

async fn blank_form(
    app: &App,
    lang: Lang,
    viewer: &Viewer,
    template: &str,
    page_path: &str,
    next: Option<String>,
) -> Response {
    if viewer.session.is_some() {
        return see_other(next.as_deref().unwrap_or(&format!("/{lang}/account")));
    }
    let page = FormPage {
        template,
        path: page_path,
        status: StatusCode::OK,
        values: BTreeMap::new(),
        feedback: Feedback::default(),
        next,
    };
    form_page(app, lang, viewer, page).await
}

pub(crate) async fn sign_up(
    State(app): AppState,
    PageLang(lang): PageLang,
    viewer: Viewer,
    CheckedForm(form, ..): CheckedForm<SignUpForm>,
) -> Response {
    let next = return_path(&form.next).map(str::to_owned);
    let input = SignUp {
        username: &form.username,
        display_name: &form.display_name,
        email: &form.email,
        password: &form.password,
        lang,
    };
    let welcome = match &next {
        Some(next) => format!("/{lang}/welcome?next={}", segment(next)),
        None => format!("/{lang}/welcome"),
    };
    let error = match accounts::sign_up(&app, input, &viewer.client()).await {
        Ok(SignedUp::Created(user_id)) => {
            return signed_in_redirect(&app, lang, user_id, &viewer, &welcome).await;
        }
        // Answered as a new account is, minus the session: the address's
        // owner has a mail, and the page says nothing of the address.
        Ok(SignedUp::AddressKnown) => {
            let mut response = see_other(&welcome);
            response.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(&app, FORM_COOKIE, "", SignedDuration::ZERO),
            );
            return response;
        }
        Err(error) => error,
    };
    if let Some(response) = failure_page(&app, lang, &error) {
        return response;
    }
    let mut feedback = sign_up_feedback(&app, lang, &input, &error);
    feedback.retype("password", &form.password);
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
        feedback,
        next,
    };
    form_page(&app, lang, &viewer, page).await
}

/// Why a sign-up was refused, next to the inputs: every problem at once
/// when the input was invalid (the use case stops at the first).
fn sign_up_feedback(app: &App, lang: Lang, input: &SignUp<'_>, error: &AccountError) -> Feedback {
    let mut feedback = Feedback::default();
    if let AccountError::Invalid(_) = error {
        for problem in accounts::sign_up_problems(input) {
            feedback.problem(app, lang, problem.field, problem.code);
        }
    } else {
        feedback.error(app, lang, error, Some);
    }
    feedback
}

pub(crate) async fn sign_in(
    State(app): AppState,
    PageLang(lang): PageLang,
    viewer: Viewer,
    headers: HeaderMap,
    CheckedForm(form, ..): CheckedForm<SignInForm>,
) -> Response {
    let next = return_path(&form.next).map(str::to_owned);
    let mut feedback = Feedback::default();
    // An empty field is the reader's slip, not a guess: say so without
    // spending one of their attempts.
    if form.login.trim().is_empty() {
        feedback.problem(&app, lang, "login", "login_required");
    }
    if form.password.is_empty() {
        feedback.problem(&app, lang, "password", "password_required");
    }
    let status = if !feedback.errors.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        let device = cookie(&headers, DEVICE_COOKIE);
        let error = match try_sign_in(&app, &form, &viewer, device).await {
            Ok(user_id) => {
                let role = match app.store.account(user_id).await {
                    Ok(account) => account.role,
                    Err(error) => {
                        tracing::error!(%error, "reading the account that signed in");
                        return error_page(&app, lang, &PageError::Internal);
                    }
                };
                let to = landing(lang, role, next);
                let mut response = signed_in_redirect(&app, lang, user_id, &viewer, &to).await;
                if let Some(cookie) = known_device_cookie(&app, user_id, device).await {
                    response.headers_mut().append(header::SET_COOKIE, cookie);
                }
                return response;
            }
            Err(error) => error,
        };
        if let Some(response) = failure_page(&app, lang, &error) {
            return response;
        }
        feedback.error(&app, lang, &error, Some);
        StatusCode::UNAUTHORIZED
    };
    feedback.retype("password", &form.password);
    let page = FormPage {
        template: "signin.html",
        path: "signin",
        status,
        values: BTreeMap::from([("login", form.login)]),
        feedback,
        next,
    };
    form_page(&app, lang, &viewer, page).await
}

/// Checks the credentials; overlong ones are wrong without hashing them.
async fn try_sign_in(
    app: &App,
    form: &SignInForm,
    viewer: &Viewer,
    device: Option<&str>,
) -> Result<i64, AccountError> {
    if form.password.chars().count() > MAX_SIGN_IN_PASSWORD || form.login.chars().count() > 254 {
        return Err(AccountError::WrongCredentials);
    }
    accounts::sign_in(app, &form.login, &form.password, &viewer.client(), device).await
}

/// The cookie that makes the browser that just signed in to `user_id` a
/// known one. None when it cannot be remembered: signing in goes on.
pub(crate) async fn known_device_cookie(
    app: &App,
    user_id: i64,
    previous: Option<&str>,
) -> Option<HeaderValue> {
    match accounts::remember_device(app, user_id, previous).await {
        Ok(token) => Some(set_cookie(
            app,
            DEVICE_COOKIE,
            &token,
            accounts::DEVICE_LIFETIME,
        )),
        Err(error) => {
            tracing::error!(%error, "could not remember a browser");
            None
        }
    }
}

pub(crate) async fn sign_out(
    State(app): AppState,
    PageLang(lang): PageLang,
    viewer: Viewer,
    CheckedForm(..): CheckedForm,
) -> Response {
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

/// A page that says one thing, with an optional link onwards.
pub(crate) async fn message_page(
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

/// Where a new reader lands after sign-up: what to do next (confirm the
/// address) and the way back to the story they came from.
pub(crate) async fn welcome(
    State(app): AppState,
    PageLang(lang): PageLang,
    viewer: Viewer,
    query: Result<Query<NextQuery>, QueryRejection>,
) -> Response {
    let next = next_of(query);
    // Without a session this is a sign-up with an address that already has
    // an account: the page says only that a message went to the address
    // (its owner's mail tells them to sign in), never which case it was.
    let account = viewer.session.as_ref().map(|session| &session.account);
    let page = async {
        let paths = app
            .languages()
            .into_iter()
            .map(|l| (l, format!("/{l}/welcome")))
            .collect();
        let chrome = chrome(&app, lang, &viewer, paths, None, format!("/{lang}/welcome")).await?;
        render_with_status(
            &app,
            StatusCode::OK,
            "welcome.html",
            lang,
            chrome,
            context! {
                account => account,
                next => next,
            },
        )
    };
    let mut response = page.await.unwrap_or_else(|e| error_page(&app, lang, &e));
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

#[derive(Deserialize)]
pub(crate) struct TokenQuery {
    #[serde(default)]
    token: String,
}

pub(crate) async fn verify_email(
    State(app): AppState,
    PageLang(lang): PageLang,
    viewer: Viewer,
    query: Result<Query<TokenQuery>, QueryRejection>,
) -> Response {
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
pub(crate) struct ResetRequestForm {
    #[serde(default)]
    email: String,
}

pub(crate) async fn reset_request_form(
    State(app): AppState,
    PageLang(lang): PageLang,
    viewer: Viewer,
) -> Response {
    blank_form(&app, lang, &viewer, "reset-request.html", "reset", None).await
}

pub(crate) async fn reset_request(
    State(app): AppState,
    PageLang(lang): PageLang,
    viewer: Viewer,
    CheckedForm(form, ..): CheckedForm<ResetRequestForm>,
) -> Response {
    match accounts::request_password_reset(&app.ctx, &form.email, &viewer.client()).await {
        Ok(()) => message_page(&app, lang, &viewer, StatusCode::OK, "reset-sent", None).await,
        Err(error) => {
            if let Some(response) = failure_page(&app, lang, &error) {
                return response;
            }
            let mut feedback = Feedback::default();
            feedback.error(&app, lang, &error, Some);
            let page = FormPage {
                template: "reset-request.html",
                path: "reset",
                status: StatusCode::UNPROCESSABLE_ENTITY,
                values: BTreeMap::from([("email", form.email)]),
                feedback,
                next: None,
            };
            form_page(&app, lang, &viewer, page).await
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct NewPasswordForm {
    #[serde(default)]
    password: String,
}

/// The `{token}` of a reset link's path.
fn reset_token(path: Result<Path<(String, String)>, PathRejection>) -> String {
    path.map(|Path((_, token))| token).unwrap_or_default()
}

pub(crate) async fn reset_form(
    State(app): AppState,
    PageLang(lang): PageLang,
    path: Result<Path<(String, String)>, PathRejection>,
    viewer: Viewer,
) -> Response {
    let token = reset_token(path);
    let page = FormPage {
        template: "reset.html",
        path: &format!("reset/{token}"),
        status: StatusCode::OK,
        values: BTreeMap::new(),
        feedback: Feedback::default(),
        next: None,
    };
    form_page(&app, lang, &viewer, page).await
}

pub(crate) async fn reset(
    State(app): AppState,
    PageLang(lang): PageLang,
    path: Result<Path<(String, String)>, PathRejection>,
    viewer: Viewer,
    CheckedForm(form, ..): CheckedForm<NewPasswordForm>,
) -> Response {
    let token = reset_token(path);
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
        Err(error) => reset_refused(&app, lang, &viewer, &token, &form, &error).await,
    }
}

/// The reset form again, saying why the new password was refused.
async fn reset_refused(
    app: &App,
    lang: Lang,
    viewer: &Viewer,
    token: &str,
    form: &NewPasswordForm,
    error: &AccountError,
) -> Response {
    if let Some(response) = failure_page(app, lang, error) {
        return response;
    }
    let mut feedback = Feedback::default();
    feedback.error(app, lang, error, Some);
    feedback.retype("password", &form.password);
    let page = FormPage {
        template: "reset.html",
        path: &format!("reset/{token}"),
        status: StatusCode::UNPROCESSABLE_ENTITY,
        values: BTreeMap::new(),
        feedback,
        next: None,
    };
    form_page(app, lang, viewer, page).await
}
