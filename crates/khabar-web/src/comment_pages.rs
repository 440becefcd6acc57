//! The discussion under an article: the thread as HTML and the forms that
//! post, reply, edit, delete, like and report. Rules live in `comments`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::{SignedDuration, Timestamp};
use khabar_core::moderation::SettingScope;
use khabar_core::{CommentSort, Dir, Lang};
use khabar_store::{Article, CommentView};
use serde::{Deserialize, Serialize};

use crate::comments::{self, CommentError};
use crate::pages::{error_page, preferred_language, segment};
use crate::session::Viewer;
use crate::{App, PageError, csrf};

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
    /// Held for moderation: only its author sees it, marked so.
    pending: bool,
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
        Some(session) => match crate::moderation::moderator(app, &session.account).await {
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
        open: comments::thread_open(app, article, &settings, now),
        message: settings.message,
        warning,
        moderation,
        signed_in: viewer.session.is_some(),
        csrf_token: viewer.session.as_ref().map(|s| s.csrf_token.clone()),
        sort: sort_name,
        page: thread.page,
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
/// thread (on the right page), or the article's discussion.
async fn back_to(app: &App, lang: Lang, comment_id: Option<i64>, fallback: &str) -> Response {
    let location = match comment_id {
        Some(id) => permalink_target(app, lang, id)
            .await
            .unwrap_or_else(|| fallback.to_owned()),
        None => fallback.to_owned(),
    };
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

async fn permalink_target(app: &App, lang: Lang, comment_id: i64) -> Option<String> {
    let (edition_id, page) = app.store.comment_page(comment_id, THREAD_PAGE).await.ok()?;
    let edition = app.store.edition(edition_id).await.ok()?;
    if edition.status != "published" {
        return None;
    }
    let _ = lang;
    Some(format!(
        "/{}/story/{}?cpage={page}#comment-{comment_id}",
        edition.lang,
        segment(&edition.slug)
    ))
}

fn comment_failure(app: &App, lang: Lang, error: &CommentError) -> Response {
    let page_error = match error {
        CommentError::NotFound => PageError::NotFound,
        CommentError::TooMany(wait) => PageError::TooManyRequests(wait.as_secs().max(1) as u64),
        CommentError::Store(e) => {
            tracing::error!(error = %e, "comment use case failed");
            PageError::Internal
        }
        other => PageError::Rejected(other.code()),
    };
    error_page(app, lang, &page_error)
}

/// Checks language, form, sign-in and CSRF for a comment form.
fn checked<'a>(
    app: &App,
    lang: &str,
    headers: &HeaderMap,
    viewer: &'a Viewer,
    form: Result<Form<CommentForm>, FormRejection>,
) -> Result<(Lang, &'a khabar_store::SessionRecord, CommentForm), Box<Response>> {
    let fail = |lang, error| Box::new(error_page(app, lang, &error));
    let lang = app
        .lang(lang)
        .ok_or_else(|| fail(preferred_language(app, headers), PageError::NotFound))?;
    let Ok(Form(form)) = form else {
        return Err(fail(lang, PageError::BadRequest("unreadable form".into())));
    };
    let Some(session) = &viewer.session else {
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
    let article_path = format!("/{lang}/story/{}#comments", segment(&slug));
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
        Ok((id, _)) => back_to(&app, lang, Some(id), &article_path).await,
        Err(error) => comment_failure(&app, lang, &error),
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
        Ok(()) => back_to(app, lang, Some(comment_id), &format!("/{lang}/")).await,
        Err(error) => comment_failure(app, lang, &error),
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
    let fallback = preferred_language(&app, &headers);
    let Ok(Path((lang, comment_id))) = path else {
        return error_page(&app, fallback, &PageError::NotFound);
    };
    let Some(lang) = app.lang(&lang) else {
        return error_page(&app, fallback, &PageError::NotFound);
    };
    match permalink_target(&app, lang, comment_id).await {
        Some(location) => (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response(),
        None => error_page(&app, lang, &PageError::NotFound),
    }
}
