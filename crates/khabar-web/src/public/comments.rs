//! The discussion under an article: the thread as HTML and the forms that
//! post, reply, edit, delete, like and report. Rules live in `comments`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use khabar_core::Lang;
use minijinja::context;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::extract::{Answer, CheckedForm, ComeBack, Id, PageLang, SignedIn, see_other};
use crate::http::paths::segment;
use crate::http::session::Viewer;
use crate::public::thread::{Refusal, THREAD_PAGE, comment_item};
use crate::theme::page::{chrome, error_page, render};
use crate::{App, PageError};
use khabar_app::Failure;
use khabar_app::comments::{self, CommentError};
use khabar_app::moderation;
use khabar_store::EditionKey;

type AppState = State<Arc<App>>;

#[derive(Deserialize)]
pub(crate) struct CommentForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    parent: Option<i64>,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    like: String,
}

/// Where to send the reader after acting on a comment: its place in the
/// thread (on the right page), or `fallback`.
async fn back_to(app: &App, comment_id: i64, fallback: &str) -> Response {
    let location = permalink_target(app, comment_id)
        .await
        .unwrap_or_else(|| fallback.to_owned());
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// The comment's place: its edition's page (in the edition's language)
/// that shows it, or the host page of a discussion embedded on another
/// site (docs/embed.md).
async fn permalink_target(app: &App, comment_id: i64) -> Option<String> {
    let (edition_id, page) = app.store.comment_page(comment_id, THREAD_PAGE).await.ok()?;
    let edition = app.store.edition(edition_id).await.ok()?;
    if edition.status == khabar_core::EditionStatus::Embedded {
        let thread = app.store.embed_thread_of(edition_id).await.ok()??;
        return Some(format!("{}#khabar-thread", thread.url));
    }
    if edition.status != khabar_core::EditionStatus::Published {
        return None;
    }
    Some(format!(
        "/{}/story/{}?cpage={page}#comment-{comment_id}",
        edition.lang,
        segment(&edition.slug)
    ))
}

/// Whether the form was sent by the page's script, which wants JSON back
/// instead of a page.
fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json"))
}

/// A refusal in JSON: a stable code and the message in the page's language.
fn json_refusal(status: StatusCode, code: &str, message: String) -> Response {
    (status, Json(json!({ "code": code, "message": message }))).into_response()
}

/// A page error as the script or the plain form expects it.
fn failure(app: &App, lang: Lang, error: PageError, json: bool) -> Response {
    if !json {
        return error_page(app, lang, &error);
    }
    let status = error.status();
    if status.is_server_error() {
        tracing::error!(%error, "comment form failed");
    }
    let message = app
        .i18n
        .message(lang, &format!("error-{}-title", status.as_u16()), None);
    json_refusal(status, &status.as_u16().to_string(), message)
}

/// Why a comment form was refused, in the reader's language.
fn refusal_message(app: &App, lang: Lang, error: &CommentError) -> String {
    let mut args = fluent_bundle::FluentArgs::new();
    match error {
        CommentError::TooMany(wait) => {
            args.set("seconds", wait.as_secs().max(1));
            app.i18n.message(lang, "comments-wait", Some(&args))
        }
        CommentError::Suspended(until) => {
            args.set("until", app.i18n.date_time(lang, *until));
            app.i18n
                .message(lang, "comments-suspended-until", Some(&args))
        }
        other => app
            .i18n
            .message(lang, &format!("error-rejected-{}", other.code()), None),
    }
}

/// A comment form the reader sent: where its story is, which comment's
/// page it belongs on, which form it was and what was typed in it.
struct Attempt<'a> {
    story: Option<(Lang, String)>,
    near_comment: Option<i64>,
    form: String,
    text: &'a str,
}

/// The answer to a refused comment form: for the script, JSON with the
/// reason; for the plain form, the story page again with the reader's text
/// in the form it came from and the reason beside it.
async fn refused(
    app: &App,
    lang: Lang,
    viewer: &Viewer,
    attempt: Attempt<'_>,
    error: CommentError,
    json: bool,
) -> Response {
    let Attempt {
        story,
        near_comment,
        form,
        text,
    } = attempt;
    let status = match &error {
        CommentError::NotFound => return failure(app, lang, PageError::NotFound, json),
        CommentError::Store(e) => {
            tracing::error!(error = %e, "comment use case failed");
            return failure(app, lang, PageError::Internal, json);
        }
        CommentError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let message = refusal_message(app, lang, &error);
    let mut response = match story {
        _ if json => json_refusal(status, error.code(), message),
        Some((story_lang, slug)) => {
            let mut query = HashMap::new();
            if let Some(id) = near_comment
                && let Ok((_, page)) = app.store.comment_page(id, THREAD_PAGE).await
            {
                query.insert("cpage".to_owned(), page.to_string());
            }
            let at_form = !matches!(
                error.code(),
                "not_your_comment" | "edit_window_closed" | "comments_closed"
            );
            let refusal = Refusal {
                form,
                text: text.to_owned(),
                message,
                at_form,
            };
            match crate::public::pages::article_page(
                app,
                story_lang,
                &slug,
                viewer,
                &query,
                Some(refusal),
            )
            .await
            {
                Ok(mut page) => {
                    *page.status_mut() = status;
                    page
                }
                Err(page_error) => error_page(app, story_lang, &page_error),
            }
        }
        None => error_page(app, lang, &PageError::Rejected(error.code())),
    };
    if let CommentError::TooMany(wait) = error {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(wait.as_secs().max(1)),
        );
    }
    response
}

/// How comment forms are refused: the page's script asks for JSON
/// (`Accept: application/json`) and gets a code and a message in the
/// page's language; the plain form gets the site's pages.
pub(crate) enum Script {}

impl Answer for Script {
    fn refusal(app: &App, parts: &Parts, lang: Lang, error: PageError) -> Response {
        failure(app, lang, error, wants_json(&parts.headers))
    }

    fn sign_in(app: &App, parts: &Parts, lang: Lang) -> Response {
        if !wants_json(&parts.headers) {
            return see_other(format!("/{lang}/signin"));
        }
        let message = app.i18n.message(lang, "comments-sign-in", None);
        json_refusal(StatusCode::UNAUTHORIZED, "sign_in_required", message)
    }
}

/// A comment form from a signed-in reader, checked for its CSRF token.
type CommentPost = CheckedForm<CommentForm, Script>;

/// The answer to a comment form that worked: for the script, the comment
/// as this reader now sees it (a held one too, which only they see); for
/// the plain form, the comment in its thread.
async fn accepted(app: &App, lang: Lang, viewer: &Viewer, id: i64, json: bool) -> Response {
    if !json {
        return back_to(app, id, &format!("/{lang}/")).await;
    }
    match comment_as_seen(app, lang, id, viewer).await {
        Ok(Some((status, html))) => {
            Json(json!({ "id": id, "status": status, "html": html })).into_response()
        }
        Ok(None) => Json(json!({ "id": id, "status": "gone", "html": "" })).into_response(),
        Err(error) => failure(app, lang, error, true),
    }
}

/// One comment's HTML as `viewer` would see it in its thread after a
/// reload, with their buttons, and its status; none when they may not see
/// it.
async fn comment_as_seen(
    app: &App,
    lang: Lang,
    comment_id: i64,
    viewer: &Viewer,
) -> Result<Option<(String, String)>, PageError> {
    let comment = match app.store.comment(comment_id).await {
        Ok(comment) => comment,
        Err(khabar_store::StoreError::NotFound) => return Ok(None),
        Err(error) => return Err(error.into()),
    };
    let mine = viewer
        .session
        .as_ref()
        .is_some_and(|s| s.account.id == comment.author_id);
    use khabar_core::CommentStatus::{Deleted, Pending, Shadowed, Visible};
    let shown = matches!(comment.status, Visible | Deleted)
        || (mine && matches!(comment.status, Pending | Shadowed));
    if !shown {
        return Ok(None);
    }
    let Some(article) = app.store.published_article(comment.edition_id).await? else {
        return Ok(None);
    };
    let settings = app.store.thread_settings(article.summary.story_id).await?;
    let now = Timestamp::now();
    let status = comment.status.to_string();
    let item = comment_item(app, lang, comment, viewer, now);
    let html = app
        .templates
        .get_template("comment.html")?
        .render(context! {
            lang => lang.as_str(),
            dir => app.dir(lang),
            comment => item,
            article => context! { slug => article.summary.slug },
            thread => context! {
                signed_in => viewer.session.is_some(),
                csrf_token => viewer.session.as_ref().map(|s| s.csrf_token.clone()),
                open => moderation::thread_open(
                    app,
                    article.summary.published_at,
                    &article.comment_mode,
                    &settings,
                    now,
                ),
            },
        })?;
    Ok(Some((status, html)))
}

/// `GET /{lang}/comments/{id}/fragment`: one comment as this reader sees
/// it, for live pages to insert with the reader's own buttons.
pub(crate) async fn fragment(
    State(app): AppState,
    PageLang(lang): PageLang,
    Id(id): Id,
    viewer: Viewer,
) -> Response {
    match comment_as_seen(&app, lang, id, &viewer).await {
        Ok(Some((_, html))) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "private, no-store"),
            ],
            html,
        )
            .into_response(),
        Ok(None) => error_page(&app, lang, &PageError::NotFound),
        Err(error) => error_page(&app, lang, &error),
    }
}

/// `POST /{lang}/story/{slug}/comments`: a new comment, or a reply to
/// `parent`.
pub(crate) async fn post(
    State(app): AppState,
    reader: SignedIn<Script>,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
    CheckedForm(form, ..): CommentPost,
) -> Response {
    let (lang, viewer) = (reader.lang, &reader.viewer);
    let slug = path.map(|Path((_, slug))| slug).unwrap_or_default();
    let json = wants_json(&headers);
    let posted = comments::post(
        &app,
        reader.account(),
        &viewer.ip,
        EditionKey::Address(lang, &slug),
        form.parent,
        &form.body,
    )
    .await;
    let error = match posted {
        Ok(posted) => return accepted(&app, lang, viewer, posted.view.id, json).await,
        Err(error) => error,
    };
    let attempt = Attempt {
        story: Some((lang, slug)),
        near_comment: form.parent,
        form: match form.parent {
            Some(parent) => format!("reply-{parent}"),
            None => "new".to_owned(),
        },
        text: &form.body,
    };
    refused(&app, lang, viewer, attempt, error, json).await
}

/// The actions on one comment, by the last part of the path.
#[derive(Clone, Copy)]
enum Action {
    Edit,
    Delete,
    Like,
    Report,
}

impl Action {
    fn form(self) -> &'static str {
        match self {
            Action::Edit => "edit",
            Action::Delete => "delete",
            Action::Like => "like",
            Action::Report => "report",
        }
    }

    /// Does it, as `account`, to comment `id`.
    async fn apply(
        self,
        app: &App,
        account: &khabar_store::Account,
        id: i64,
        form: &CommentForm,
    ) -> Result<(), CommentError> {
        match self {
            Action::Edit => comments::edit(app, account, id, &form.body)
                .await
                .map(|_| ()),
            Action::Delete => comments::delete(app, account, id).await,
            Action::Like => comments::like(app, account, id, form.like != "0").await,
            Action::Report => comments::report(app, account, id, &form.reason, &form.note).await,
        }
    }
}

/// One of the actions on comment `comment_id`, answered as its form (or
/// its script) expects.
async fn act(
    app: &App,
    reader: SignedIn<Script>,
    comment_id: i64,
    headers: &HeaderMap,
    form: CommentForm,
    action: Action,
) -> Response {
    let (lang, viewer) = (reader.lang, &reader.viewer);
    let json = wants_json(headers);
    let error = match action.apply(app, reader.account(), comment_id, &form).await {
        Ok(()) => return accepted(app, lang, viewer, comment_id, json).await,
        Err(error) => error,
    };
    let attempt = Attempt {
        story: published_story_of(app, comment_id).await,
        near_comment: Some(comment_id),
        form: format!("{}-{comment_id}", action.form()),
        text: match action {
            Action::Report => &form.note,
            _ => &form.body,
        },
    };
    refused(app, lang, viewer, attempt, error, json).await
}

/// The language and slug of the published story comment `id` is under.
async fn published_story_of(app: &App, id: i64) -> Option<(Lang, String)> {
    let comment = app.store.comment(id).await.ok()?;
    let edition = app.store.edition(comment.edition_id).await.ok()?;
    (edition.status == khabar_core::EditionStatus::Published)
        .then_some((edition.lang, edition.slug))
}

pub(crate) async fn edit(
    State(app): AppState,
    Id(id): Id,
    reader: SignedIn<Script>,
    headers: HeaderMap,
    CheckedForm(form, ..): CommentPost,
) -> Response {
    act(&app, reader, id, &headers, form, Action::Edit).await
}

pub(crate) async fn delete(
    State(app): AppState,
    Id(id): Id,
    reader: SignedIn<Script>,
    headers: HeaderMap,
    CheckedForm(form, ..): CommentPost,
) -> Response {
    act(&app, reader, id, &headers, form, Action::Delete).await
}

pub(crate) async fn like(
    State(app): AppState,
    Id(id): Id,
    reader: SignedIn<Script>,
    headers: HeaderMap,
    CheckedForm(form, ..): CommentPost,
) -> Response {
    act(&app, reader, id, &headers, form, Action::Like).await
}

pub(crate) async fn report(
    State(app): AppState,
    Id(id): Id,
    reader: SignedIn<Script>,
    headers: HeaderMap,
    CheckedForm(form, ..): CommentPost,
) -> Response {
    act(&app, reader, id, &headers, form, Action::Report).await
}

/// `/{lang}/comment/{id}`: the comment in its thread, on the right page.
pub(crate) async fn permalink(
    State(app): AppState,
    PageLang(lang): PageLang,
    Id(id): Id,
) -> Response {
    match permalink_target(&app, id).await {
        Some(location) => see_other(location),
        None => error_page(&app, lang, &PageError::NotFound),
    }
}

/// One earlier text of a comment, as the history page shows it.
#[derive(Serialize)]
struct VersionItem {
    version: i64,
    saved_at: Timestamp,
    html: String,
    dir: &'static str,
}

/// `GET /{lang}/comments/{id}/history`: a comment's texts as typed, newest
/// first, for its author and its section's moderators.
pub(crate) async fn history(
    State(app): AppState,
    Id(id): Id,
    reader: SignedIn<ComeBack>,
) -> Response {
    let page = history_page(&app, &reader, id).await;
    page.unwrap_or_else(|e| error_page(&app, reader.lang, &e))
}

async fn history_page(
    app: &App,
    reader: &SignedIn<ComeBack>,
    id: i64,
) -> Result<Response, PageError> {
    let lang = reader.lang;
    let (comment, article, versions) = match comments::history(app, reader.account(), id).await {
        Ok(found) => found,
        Err(CommentError::Store(e)) => return Err(PageError::Store(e)),
        Err(_) => return Err(PageError::NotFound),
    };
    let profile = |name: &str| format!("/{lang}/user/{}", segment(name));
    let versions: Vec<VersionItem> = versions
        .into_iter()
        .map(|(version, body, saved_at)| {
            let rendered = khabar_text::comment::render_comment(&body, &comment.mentions, profile);
            VersionItem {
                version,
                saved_at,
                html: rendered.html,
                dir: rendered.dir.as_str(),
            }
        })
        .collect();
    let here = format!("/{lang}/comments/{id}/history");
    let chrome = chrome(
        app,
        lang,
        &reader.viewer,
        vec![(lang, here.clone())],
        None,
        here,
    )
    .await?;
    render(
        app,
        "comment-history.html",
        lang,
        chrome,
        context! {
            comment_id => id,
            author_name => comment.author_name,
            headline => article.summary.headline,
            story_lang => article.summary.lang,
            versions => versions,
        },
    )
}
