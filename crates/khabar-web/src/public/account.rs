//! The signed-in reader's account page: sessions, password, address,
//! tokens, their data to take away, and closing the account.

use crate::extract::{CheckedForm, SignedIn};
use crate::http::session::{SESSION_COOKIE, Viewer, set_cookie};
use crate::theme::page::{chrome, error_page, render_with_status};
use crate::{App, PageError};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::{SignedDuration, Timestamp};
use khabar_app::accounts::{self, AccountError};
use khabar_core::Lang;
use minijinja::context;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

use crate::public::accounts::{Feedback, failure_page, message_page, see_other};

type AppState = State<Arc<App>>;

#[derive(Deserialize)]
pub(crate) struct SessionForm {
    /// The session to end, on the account page.
    #[serde(default)]
    session: String,
}

#[derive(Deserialize)]
pub(crate) struct ChangedQuery {
    #[serde(default)]
    changed: String,
}

pub(crate) async fn account(
    State(app): AppState,
    reader: SignedIn,
    query: Result<Query<ChangedQuery>, QueryRejection>,
) -> Response {
    let notice = query
        .ok()
        .map(|q| q.0.changed)
        .filter(|c| c == "password" || c == "email");
    let page = AccountPage {
        status: StatusCode::OK,
        feedback: Feedback::default(),
        email: String::new(),
        notice: notice.as_deref(),
    };
    account_page(&app, &reader, page).await
}

/// The account page as one of its forms left it.
struct AccountPage<'a> {
    status: StatusCode,
    feedback: Feedback,
    /// The new address typed into the email form, kept when it is refused.
    email: String,
    notice: Option<&'a str>,
}

/// A session as its list shows it: the browser named, not its user agent.
#[derive(Serialize)]
struct SessionRow {
    #[serde(flatten)]
    info: khabar_store::SessionInfo,
    browser: String,
}

async fn account_page(app: &App, reader: &SignedIn, view: AccountPage<'_>) -> Response {
    let (lang, session, viewer) = (reader.lang, &reader.session, &reader.viewer);
    let page = async {
        let sessions: Vec<SessionRow> = app
            .store
            .sessions_of(session.account.id, Timestamp::now())
            .await?
            .into_iter()
            .map(|info| SessionRow {
                browser: browser_name(app, lang, &info.user_agent),
                info,
            })
            .collect();
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
            view.status,
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
                values => context! { email => view.email },
                errors => view.feedback.errors,
                form_error => view.feedback.form_error,
                retype => view.feedback.retype,
                notice => view.notice.map(|n| app.i18n.message(lang, &format!("account-changed-{n}"), None)),
            },
        )
    };
    page.await.unwrap_or_else(|e| error_page(app, lang, &e))
}

/// A session's user agent as a person names it ("Firefox on Linux"); for
/// other clients the first product name ("curl").
fn browser_name(app: &App, lang: Lang, agent: &str) -> String {
    match browser_and_system(agent) {
        (Some(browser), Some(system)) => {
            let mut args = fluent_bundle::FluentArgs::new();
            args.set("browser", browser);
            args.set("system", system);
            app.i18n.message(lang, "session-browser-on", Some(&args))
        }
        (Some(browser), None) => browser.to_owned(),
        (None, _) => match agent.split(['/', ' ']).next() {
            Some(product) if !product.is_empty() => product.chars().take(40).collect(),
            _ => app.i18n.message(lang, "session-unknown-browser", None),
        },
    }
}

/// The browser family and operating system a user agent names. Order
/// matters: Edge and Opera also say Chrome, Chrome also says Safari,
/// Android also says Linux, iOS also says Mac OS X.
fn browser_and_system(agent: &str) -> (Option<&'static str>, Option<&'static str>) {
    const BROWSERS: &[(&str, &str)] = &[
        ("Edg", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"),
        ("FxiOS/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ];
    const SYSTEMS: &[(&str, &str)] = &[
        ("Windows", "Windows"),
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("CrOS", "ChromeOS"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ];
    let find = |table: &[(&str, &'static str)]| {
        table
            .iter()
            .find(|(mark, _)| agent.contains(mark))
            .map(|(_, name)| *name)
    };
    (find(BROWSERS), find(SYSTEMS))
}

pub(crate) async fn end_session(
    State(app): AppState,
    reader: SignedIn,
    CheckedForm(form, ..): CheckedForm<SessionForm>,
) -> Response {
    let lang = reader.lang;
    match app
        .store
        .end_session_of(reader.account().id, &form.session)
        .await
    {
        Ok(_) => see_other(&format!("/{lang}/account")),
        Err(error) => {
            tracing::error!(%error, "could not end a session");
            error_page(&app, lang, &PageError::Internal)
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct AccountChangeForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    email: String,
}

/// The account page's forms: password, email, deletion.
pub(crate) async fn change_password(
    State(app): AppState,
    reader: SignedIn,
    CheckedForm(form, ..): CheckedForm<AccountChangeForm>,
) -> Response {
    account_change(&app, &reader, form, AccountChange::Password).await
}

pub(crate) async fn change_email(
    State(app): AppState,
    reader: SignedIn,
    CheckedForm(form, ..): CheckedForm<AccountChangeForm>,
) -> Response {
    account_change(&app, &reader, form, AccountChange::Email).await
}

pub(crate) async fn delete_account(
    State(app): AppState,
    reader: SignedIn,
    CheckedForm(form, ..): CheckedForm<AccountChangeForm>,
) -> Response {
    account_change(&app, &reader, form, AccountChange::Delete).await
}

#[derive(Clone, Copy)]
enum AccountChange {
    Password,
    Email,
    Delete,
}

impl AccountChange {
    /// The id of this form's input for a use case's field: the page has
    /// three forms, each with its own current-password input.
    fn input_id(self, field: &str) -> Option<&'static str> {
        match (self, field) {
            (AccountChange::Password, "current_password") => Some("pw-current"),
            (AccountChange::Password, "password") => Some("pw-new"),
            (AccountChange::Email, "current_password") => Some("email-current"),
            (AccountChange::Email, "email") => Some("email"),
            (AccountChange::Delete, "current_password") => Some("delete-current"),
            _ => None,
        }
    }
}

async fn account_change(
    app: &App,
    reader: &SignedIn,
    form: AccountChangeForm,
    change: AccountChange,
) -> Response {
    let (lang, session, viewer) = (reader.lang, &reader.session, &reader.viewer);
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
            let mut feedback = Feedback::default();
            feedback.error(app, lang, &error, |field| change.input_id(field));
            // A wrong current password stops the use case before it looks
            // at the new one: check that too, so both show at once.
            if let (AccountChange::Password, AccountError::WrongPassword) = (change, &error)
                && let Err(problem) =
                    accounts::new_password_problem(&session.account, &form.password)
            {
                feedback.problem(app, lang, "pw-new", problem.code);
            }
            let typed = match change {
                AccountChange::Password => {
                    vec![
                        ("pw-current", &form.current_password),
                        ("pw-new", &form.password),
                    ]
                }
                AccountChange::Email => vec![("email-current", &form.current_password)],
                AccountChange::Delete => vec![("delete-current", &form.current_password)],
            };
            for (id, text) in typed {
                feedback.retype(id, text);
            }
            let page = AccountPage {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                feedback,
                email: form.email,
                notice: None,
            };
            account_page(app, reader, page).await
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct RevokeForm {
    #[serde(default)]
    token: i64,
}

/// Revokes one of the signed-in person's access tokens.
pub(crate) async fn revoke_token(
    State(app): AppState,
    reader: SignedIn,
    CheckedForm(form, ..): CheckedForm<RevokeForm>,
) -> Response {
    let lang = reader.lang;
    match app
        .store
        .revoke_access_token(reader.account().id, form.token)
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
pub(crate) async fn export(State(app): AppState, reader: SignedIn) -> Response {
    let (lang, session) = (reader.lang, &reader.session);
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

#[cfg(test)]
mod tests {
    use super::browser_and_system;

    #[test]
    fn user_agents_are_named_as_people_name_them() {
        let cases = [
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
                (Some("Chrome"), Some("Linux")),
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
                (Some("Edge"), Some("Windows")),
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
                (Some("Safari"), Some("iOS")),
            ),
            (
                "Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0",
                (Some("Firefox"), Some("Android")),
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
                (Some("Safari"), Some("macOS")),
            ),
            ("curl/8.5.0", (None, None)),
            ("", (None, None)),
        ];
        for (agent, expected) in cases {
            assert_eq!(browser_and_system(agent), expected, "{agent}");
        }
    }
}
