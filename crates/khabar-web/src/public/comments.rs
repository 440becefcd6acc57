//! The discussion under an article: the thread as HTML and the forms that
//! post, reply, edit, delete, like and report. Rules live in `comments`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use jiff::{SignedDuration, Timestamp};
use khabar_core::moderation::SettingScope;
use khabar_core::{CommentSort, Dir, Lang};
use khabar_store::{Article, CommentView};
use minijinja::context;
use serde::{Deserialize, Serialize};
use serde_json::json;

use khabar_app::comments::{self, CommentError};
use khabar_app::moderation;
use crate::public::pages::{error_page, preferred_language, segment};
use crate::http::session::Viewer;
use crate::{App, PageError, http::csrf};

type AppState = State<Arc<App>>;

/// Top-level comments per page of a thread.
pub(crate) const THREAD_PAGE: u32 = 20;

/// One comment as the template shows it.
#[derive(Serialize)]
pub(crate) struct CommentItem {
    id: i64,
    depth: i64,
    author_name: String,
    author_username: String,
    reply_to: Option<String>,
    /// The body as written (for the edit form).
    body: String,
    /// The body as shown (`khabar_text::comment::render_comment`).
    html: String,
    /// Worked out from the text itself: an Arabic reply in an English
    /// thread reads right to left.
    dir: &'static str,
    lang: Option<String>,
    deleted: bool,
    /// A moderator's note shown in place of a removed body.
    redaction_note: Option<String>,
    /// Held for moderation: only its author sees it, marked so, with why
    /// in plain words where telling does not help a spammer.
    pending: bool,
    held_reason: Option<String>,
    featured: bool,
    like_count: i64,
    created_at: Timestamp,
    edited: bool,
    mine: bool,
    editable: bool,
}

#[derive(Serialize)]
struct ThreadItem {
    comment: CommentItem,
    replies: Vec<CommentItem>,
    reply_count: usize,
}

/// The thread part of an article page.
#[derive(Serialize)]
pub struct ThreadView {
    count: i64,
    open: bool,
    /// The moderators' message above the thread.
    message: Option<String>,
    /// A warning the signed-in reader must acknowledge before posting.
    warning: Option<String>,
    /// For a moderator of this story: its own settings, to change in place.
    moderation: Option<khabar_core::moderation::ScopeSettings>,
    signed_in: bool,
    csrf_token: Option<String>,
    comments: Vec<ThreadItem>,
    sort: &'static str,
    page: u32,
    previous_page: Option<String>,
    next_page: Option<String>,
    /// A form this reader sent that was refused: shown again at its place
    /// with their text and the reason.
    refusal: Option<Refusal>,
}

/// A refused comment form: which one (`new`, `reply-12`, `edit-12`,
/// `report-12`), what was typed in it, and why it was refused.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Refusal {
    form: String,
    text: String,
    message: String,
    /// Whether the page shows that form to this reader (someone else's
    /// comment has no edit form): if not, the reason heads the thread.
    at_form: bool,
}

/// A comment as the template shows it to `viewer`.
pub(crate) fn comment_item(
    app: &App,
    page_lang: Lang,
    comment: CommentView,
    viewer: &Viewer,
    now: Timestamp,
) -> CommentItem {
    let rendered = render_body(&comment, |name| {
        format!("/{page_lang}/user/{}", segment(name))
    });
    let direction = rendered.dir;
    let site = app.site();
    let lang = match direction {
        khabar_text::Direction::Rtl => site.languages.iter().find(|l| l.dir == Dir::Rtl),
        khabar_text::Direction::Ltr => site.languages.iter().find(|l| l.dir == Dir::Ltr),
        khabar_text::Direction::Auto => None,
    }
    .map(|l| l.code.to_string());
    let mine = viewer
        .session
        .as_ref()
        .is_some_and(|s| s.account.id == comment.author_id);
    let window = SignedDuration::from_mins(i64::from(app.site().comment_edit_minutes));
    let deleted = comment.status == "deleted";
    let redacted = comment.redaction_note.is_some();
    CommentItem {
        id: comment.id,
        depth: comment.depth,
        author_name: comment.author_name,
        author_username: comment.author_username,
        reply_to: comment.reply_to_username,
        dir: direction.as_str(),
        lang,
        deleted,
        pending: comment.status == "pending",
        held_reason: held_reason(app, page_lang, &comment.held_for),
        redaction_note: comment.redaction_note,
        featured: comment.featured,
        like_count: comment.like_count,
        created_at: comment.created_at,
        edited: comment.edited_at.is_some(),
        editable: mine && !deleted && !redacted && now <= comment.created_at + window,
        mine,
        html: rendered.html,
        body: comment.body,
    }
}

/// The first reason a held comment waits that its author may be told; word
/// lists stay unnamed.
fn held_reason(app: &App, lang: Lang, codes: &[String]) -> Option<String> {
    const TOLD: [&str; 5] = [
        "pre_moderated",
        "user_pre_moderated",
        "new_commenter",
        "link",
        "repeated_text",
    ];
    let code = codes.iter().find(|code| TOLD.contains(&code.as_str()))?;
    Some(
        app.i18n
            .message(lang, &format!("comments-held-{code}"), None),
    )
}

/// A comment's body as every surface shows it, its mentions linked to
/// `profile(username)`.
pub(crate) fn render_body(
    comment: &CommentView,
    profile: impl Fn(&str) -> String,
) -> khabar_text::comment::RenderedComment {
    khabar_text::comment::render_comment(&comment.body, &comment.mentions, profile)
}

pub async fn thread_view(
    app: &App,
    lang: Lang,
    article: &Article,
    viewer: &Viewer,
    query: &HashMap<String, String>,
    refusal: Option<Refusal>,
) -> Result<ThreadView, PageError> {
    let sort = CommentSort::parse(query.get("csort").map(String::as_str).unwrap_or(""));
    let page = query
        .get("cpage")
        .and_then(|p| p.parse::<u32>().ok())
        .filter(|p| (1..=10_000).contains(p))
        .unwrap_or(1);
    let viewer_id = viewer.session.as_ref().map(|s| s.account.id);
    let thread = app
        .store
        .thread(article.summary.id, viewer_id, sort, page, THREAD_PAGE)
        .await?;
    let settings = app.store.thread_settings(article.summary.story_id).await?;
    let warning = match viewer_id {
        Some(id) => app.store.standing(id).await?.warning,
        None => None,
    };
    let moderation = match &viewer.session {
        Some(session) => match khabar_app::moderation::moderator(app, &session.account).await {
            Ok(moderator) if moderator.covers(article.summary.section.as_ref().map(|s| s.id)) => {
                Some(
                    app.store
                        .scope_settings(SettingScope::Story, article.summary.story_id)
                        .await?,
                )
            }
            _ => None,
        },
        None => None,
    };
    let now = Timestamp::now();
    let sort_name = match sort {
        CommentSort::Oldest => "oldest",
        CommentSort::Newest => "newest",
        CommentSort::MostLiked => "liked",
    };
    let base = format!(
        "/{lang}/story/{}?csort={sort_name}",
        segment(&article.summary.slug)
    );
    Ok(ThreadView {
        count: article.summary.comment_count,
        open: moderation::thread_open(app, article, &settings, now),
        message: settings.message,
        warning,
        moderation,
        signed_in: viewer.session.is_some(),
        csrf_token: viewer.session.as_ref().map(|s| s.csrf_token.clone()),
        sort: sort_name,
        page: thread.page,
        refusal,
        previous_page: (thread.page > 1)
            .then(|| format!("{base}&cpage={}#comments", thread.page - 1)),
        next_page: thread
            .has_more
            .then(|| format!("{base}&cpage={}#comments", thread.page + 1)),
        comments: thread
            .comments
            .into_iter()
            .map(|entry| ThreadItem {
                reply_count: entry.reply_count,
                comment: comment_item(app, lang, entry.comment, viewer, now),
                replies: entry
                    .replies
                    .into_iter()
                    .map(|r| comment_item(app, lang, r, viewer, now))
                    .collect(),
            })
            .collect(),
    })
}

#[derive(Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    csrf_token: String,
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

/// A site language and a comment id from the path.
fn lang_and_id(app: &App, path: Result<Path<(String, i64)>, PathRejection>) -> Option<(Lang, i64)> {
    let Path((code, id)) = path.ok()?;
    Some((app.lang(&code)?, id))
}

/// The comment's place: its edition's page (in the edition's language)
/// that shows it.
async fn permalink_target(app: &App, comment_id: i64) -> Option<String> {
    let (edition_id, page) = app.store.comment_page(comment_id, THREAD_PAGE).await.ok()?;
    let edition = app.store.edition(edition_id).await.ok()?;
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
            match crate::public::pages::article_page(app, story_lang, &slug, viewer, &query, Some(refusal))
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

/// Checks language, form, sign-in and CSRF for a comment form.
fn checked<'a>(
    app: &App,
    lang: &str,
    headers: &HeaderMap,
    viewer: &'a Viewer,
    form: Result<Form<CommentForm>, FormRejection>,
) -> Result<(Lang, &'a khabar_store::SessionRecord, CommentForm), Box<Response>> {
    let json = wants_json(headers);
    let fail = |lang, error| Box::new(failure(app, lang, error, json));
    let lang = app
        .lang(lang)
        .ok_or_else(|| fail(preferred_language(app, headers), PageError::NotFound))?;
    let Ok(Form(form)) = form else {
        return Err(fail(lang, PageError::BadRequest("unreadable form".into())));
    };
    let Some(session) = &viewer.session else {
        if json {
            let message = app.i18n.message(lang, "comments-sign-in", None);
            return Err(Box::new(json_refusal(
                StatusCode::UNAUTHORIZED,
                "sign_in_required",
                message,
            )));
        }
        let to = format!("/{lang}/signin");
        return Err(Box::new(
            (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response(),
        ));
    };
    if !csrf::same_site(app, headers) || !csrf::token_matches(viewer, &form.csrf_token) {
        return Err(fail(lang, PageError::Forbidden));
    }
    Ok((lang, session, form))
}

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
                open => moderation::thread_open(app, &article, &settings, now),
            },
        })?;
    Ok(Some((status, html)))
}

/// `GET /{lang}/comments/{id}/fragment`: one comment as this reader sees
/// it, for live pages to insert with the reader's own buttons.
pub async fn fragment(
    State(app): AppState,
    path: Result<Path<(String, i64)>, PathRejection>,
    headers: HeaderMap,
    viewer: Viewer,
) -> Response {
    let Some((lang, id)) = lang_and_id(&app, path) else {
        return error_page(
            &app,
            preferred_language(&app, &headers),
            &PageError::NotFound,
        );
    };
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

pub async fn post(
    State(app): AppState,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
    viewer: Viewer,
    form: Result<Form<CommentForm>, FormRejection>,
) -> Response {
    let Ok(Path((lang, slug))) = path else {
        return error_page(
            &app,
            preferred_language(&app, &headers),
            &PageError::NotFound,
        );
    };
    let (lang, session, form) = match checked(&app, &lang, &headers, &viewer, form) {
        Ok(checked) => checked,
        Err(response) => return *response,
    };
    let json = wants_json(&headers);
    match comments::post(
        &app,
        &session.account,
        &viewer.ip,
        lang,
        &slug,
        form.parent,
        &form.body,
    )
    .await
    {
        Ok((id, _)) => accepted(&app, lang, &viewer, id, json).await,
        Err(error) => {
            let name = match form.parent {
                Some(parent) => format!("reply-{parent}"),
                None => "new".to_owned(),
            };
            let attempt = Attempt {
                story: Some((lang, slug)),
                near_comment: form.parent,
                form: name,
                text: &form.body,
            };
            refused(&app, lang, &viewer, attempt, error, json).await
        }
    }
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
}

async fn act(
    app: &App,
    path: Result<Path<(String, i64)>, PathRejection>,
    headers: &HeaderMap,
    viewer: &Viewer,
    form: Result<Form<CommentForm>, FormRejection>,
    action: Action,
) -> Response {
    let Ok(Path((lang, comment_id))) = path else {
        return error_page(app, preferred_language(app, headers), &PageError::NotFound);
    };
    let (lang, session, form) = match checked(app, &lang, headers, viewer, form) {
        Ok(checked) => checked,
        Err(response) => return *response,
    };
    let json = wants_json(headers);
    let result = match action {
        Action::Edit => comments::edit(app, &session.account, comment_id, &form.body)
            .await
            .map(|_| ()),
        Action::Delete => comments::delete(app, &session.account, comment_id).await,
        Action::Like => comments::like(app, &session.account, comment_id, form.like != "0").await,
        Action::Report => {
            comments::report(app, &session.account, comment_id, &form.reason, &form.note).await
        }
    };
    match result {
        Ok(()) => accepted(app, lang, viewer, comment_id, json).await,
        Err(error) => {
            let story = match app.store.comment(comment_id).await {
                Ok(comment) => app
                    .store
                    .edition(comment.edition_id)
                    .await
                    .ok()
                    .filter(|e| e.status == khabar_core::EditionStatus::Published)
                    .and_then(|e| Some((app.lang(e.lang.as_str())?, e.slug))),
                Err(_) => None,
            };
            let text = match action {
                Action::Report => &form.note,
                _ => &form.body,
            };
            let attempt = Attempt {
                story,
                near_comment: Some(comment_id),
                form: format!("{}-{comment_id}", action.form()),
                text,
            };
            refused(app, lang, viewer, attempt, error, json).await
        }
    }
}

pub async fn edit(
    State(app): AppState,
    path: Result<Path<(String, i64)>, PathRejection>,
    headers: HeaderMap,
    viewer: Viewer,
    form: Result<Form<CommentForm>, FormRejection>,
) -> Response {
    act(&app, path, &headers, &viewer, form, Action::Edit).await
}

pub async fn delete(
    State(app): AppState,
    path: Result<Path<(String, i64)>, PathRejection>,
    headers: HeaderMap,
    viewer: Viewer,
    form: Result<Form<CommentForm>, FormRejection>,
) -> Response {
    act(&app, path, &headers, &viewer, form, Action::Delete).await
}

pub async fn like(
    State(app): AppState,
    path: Result<Path<(String, i64)>, PathRejection>,
    headers: HeaderMap,
    viewer: Viewer,
    form: Result<Form<CommentForm>, FormRejection>,
) -> Response {
    act(&app, path, &headers, &viewer, form, Action::Like).await
}

pub async fn report(
    State(app): AppState,
    path: Result<Path<(String, i64)>, PathRejection>,
    headers: HeaderMap,
    viewer: Viewer,
    form: Result<Form<CommentForm>, FormRejection>,
) -> Response {
    act(&app, path, &headers, &viewer, form, Action::Report).await
}

/// `/{lang}/comment/{id}`: the comment in its thread, on the right page.
pub async fn permalink(
    State(app): AppState,
    path: Result<Path<(String, i64)>, PathRejection>,
    headers: HeaderMap,
) -> Response {
    let Some((lang, comment_id)) = lang_and_id(&app, path) else {
        return error_page(
            &app,
            preferred_language(&app, &headers),
            &PageError::NotFound,
        );
    };
    match permalink_target(&app, comment_id).await {
        Some(location) => (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response(),
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
pub async fn history(
    State(app): AppState,
    path: Result<Path<(String, i64)>, PathRejection>,
    headers: HeaderMap,
    viewer: Viewer,
) -> Response {
    let Some((lang, id)) = lang_and_id(&app, path) else {
        return error_page(
            &app,
            preferred_language(&app, &headers),
            &PageError::NotFound,
        );
    };
    let Some(session) = &viewer.session else {
        let to = format!("/{lang}/signin?next=/{lang}/comments/{id}/history");
        return (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response();
    };
    let result = async {
        let (comment, article, versions) = match comments::history(&app, &session.account, id).await
        {
            Ok(found) => found,
            Err(CommentError::Store(e)) => return Err(PageError::Store(e)),
            Err(_) => return Err(PageError::NotFound),
        };
        let profile = |name: &str| format!("/{lang}/user/{}", segment(name));
        let versions: Vec<VersionItem> = versions
            .into_iter()
            .map(|(version, body, saved_at)| {
                let rendered =
                    khabar_text::comment::render_comment(&body, &comment.mentions, profile);
                VersionItem {
                    version,
                    saved_at,
                    html: rendered.html,
                    dir: rendered.dir.as_str(),
                }
            })
            .collect();
        let here = format!("/{lang}/comments/{id}/history");
        let chrome =
            crate::public::pages::chrome(&app, lang, &viewer, vec![(lang, here.clone())], None, here)
                .await?;
        crate::public::pages::render(
            &app,
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
    };
    result.await.unwrap_or_else(|e| error_page(&app, lang, &e))
}
