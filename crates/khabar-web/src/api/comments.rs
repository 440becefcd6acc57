//! The discussion in the API: listComments, getComment, createComment,
//! editComment, deleteComment, reactToComment, reportComment,
//! streamComments, listNotifications, markNotificationsRead,
//! getUserProfile. The same use cases as the forms.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use khabar_core::{CommentSort, Lang, Scope, Username};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ApiError, body, caller, page_param};
use crate::App;
use crate::comments::{self, CommentError};
use crate::session::Viewer;

type AppState = State<Arc<App>>;

impl From<CommentError> for ApiError {
    fn from(error: CommentError) -> Self {
        match error {
            CommentError::Invalid(e) => e.into(),
            CommentError::Closed => ApiError::new(
                StatusCode::CONFLICT,
                "comments_closed",
                "comments on this story are closed",
            ),
            CommentError::NotFound => ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "no such comment or story",
            ),
            CommentError::AlreadyReported => ApiError::new(
                StatusCode::CONFLICT,
                "already_reported",
                "you have already reported this comment",
            ),
            CommentError::TooMany(wait) => {
                let mut error = ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_attempts",
                    "slow down, then retry",
                );
                error.retry_after = Some(wait.as_secs().max(1) as u64);
                error
            }
            CommentError::Suspended(until) => {
                ApiError::forbidden("suspended", &format!("you may post again after {until}"))
            }
            CommentError::Banned => {
                ApiError::forbidden("banned", "you may no longer comment on this site")
            }
            CommentError::Warned(warning) => ApiError::forbidden(
                "warning_unacknowledged",
                &format!("acknowledge the moderators' warning first: {warning}"),
            ),
            CommentError::Rejected => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "comment_rejected",
                "this comment breaks the community rules and was not published",
            ),
            CommentError::Store(e) => e.into(),
        }
    }
}

fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such comment or story",
    )
}

/// A comment as JSON, with its body rendered (mentions linked).
fn comment_json(lang: &str, comment: &khabar_store::CommentView) -> Value {
    let rendered = crate::comment_pages::render_body(comment, |name| {
        format!("/{lang}/user/{}", crate::pages::segment(name))
    });
    let mut value = json!(comment);
    value["html"] = json!(rendered.html);
    value["dir"] = json!(rendered.dir.as_str());
    value
}

/// The published edition `id`: (language, slug).
async fn published(app: &App, edition_id: i64) -> Result<(Lang, String), ApiError> {
    let record = match app.store.edition(edition_id).await {
        Ok(record) if record.status == khabar_core::EditionStatus::Published => record,
        Ok(_) | Err(khabar_store::StoreError::NotFound) => return Err(not_found()),
        Err(other) => return Err(other.into()),
    };
    Ok((record.lang, record.slug))
}

type EditionPath = Result<Path<i64>, PathRejection>;

fn id_of(path: EditionPath) -> Result<i64, ApiError> {
    path.map(|Path(id)| id).map_err(|_| not_found())
}

pub async fn list(
    State(app): AppState,
    path: EditionPath,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let edition_id = id_of(path)?;
    let (lang, _) = published(&app, edition_id).await?;
    let sort = CommentSort::parse(query.get("sort").map(String::as_str).unwrap_or(""));
    let page = page_param(&query)?;
    let thread = app
        .store
        .thread(
            edition_id,
            None,
            sort,
            page,
            crate::comment_pages::THREAD_PAGE,
        )
        .await?;
    let comments: Vec<Value> = thread
        .comments
        .iter()
        .map(|entry| {
            json!({
                "comment": comment_json(lang.as_str(), &entry.comment),
                "replies": entry.replies.iter().map(|r| comment_json(lang.as_str(), r)).collect::<Vec<_>>(),
                "reply_count": entry.reply_count,
            })
        })
        .collect();
    Ok(
        Json(json!({ "comments": comments, "page": thread.page, "has_more": thread.has_more }))
            .into_response(),
    )
}

pub async fn get(State(app): AppState, path: EditionPath) -> Result<Response, ApiError> {
    let comment = app
        .store
        .comment(id_of(path)?)
        .await
        .map_err(CommentError::from)?;
    if !matches!(
        comment.status,
        khabar_core::CommentStatus::Visible | khabar_core::CommentStatus::Deleted
    ) {
        return Err(not_found());
    }
    let (lang, _) = published(&app, comment.edition_id).await?;
    Ok(Json(comment_json(lang.as_str(), &comment)).into_response())
}

#[derive(Deserialize)]
pub struct NewCommentBody {
    body: String,
    #[serde(default)]
    parent_id: Option<i64>,
}

pub async fn create(
    State(app): AppState,
    path: EditionPath,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<NewCommentBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers, &viewer).await?;
    let author = caller.authorize(&app, &headers, Scope::Comment)?;
    let edition_id = id_of(path)?;
    let input = body(json)?;
    let (lang, slug) = published(&app, edition_id).await?;
    let (id, status) = comments::post(
        &app,
        author,
        &viewer.ip,
        lang,
        &slug,
        input.parent_id,
        &input.body,
    )
    .await?;
    let comment = app.store.comment(id).await?;
    let mut value = comment_json(lang.as_str(), &comment);
    value["held_for_moderation"] = json!(status == khabar_store::CommentStatus::Pending);
    Ok((StatusCode::CREATED, Json(value)).into_response())
}

#[derive(Deserialize)]
pub struct EditBody {
    body: String,
}

pub async fn edit(
    State(app): AppState,
    path: EditionPath,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<EditBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers, &viewer).await?;
    let author = caller.authorize(&app, &headers, Scope::Comment)?;
    let id = id_of(path)?;
    let input = body(json)?;
    let status = comments::edit(&app, author, id, &input.body).await?;
    let comment = app.store.comment(id).await?;
    let (lang, _) = published(&app, comment.edition_id).await?;
    let mut value = comment_json(lang.as_str(), &comment);
    value["held_for_moderation"] = json!(status == khabar_store::CommentStatus::Pending);
    Ok(Json(value).into_response())
}

pub async fn delete(
    State(app): AppState,
    path: EditionPath,
    headers: HeaderMap,
    viewer: Viewer,
) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers, &viewer).await?;
    let author = caller.authorize(&app, &headers, Scope::Comment)?;
    comments::delete(&app, author, id_of(path)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize)]
pub struct ReactionBody {
    like: bool,
}

pub async fn react(
    State(app): AppState,
    path: EditionPath,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<ReactionBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers, &viewer).await?;
    let author = caller.authorize(&app, &headers, Scope::Comment)?;
    let id = id_of(path)?;
    let input = body(json)?;
    comments::like(&app, author, id, input.like).await?;
    let comment = app.store.comment(id).await?;
    Ok(Json(json!({ "like_count": comment.like_count, "liked": input.like })).into_response())
}

#[derive(Deserialize)]
pub struct ReportBody {
    reason: String,
    #[serde(default)]
    note: String,
}

pub async fn report(
    State(app): AppState,
    path: EditionPath,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<ReportBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers, &viewer).await?;
    let author = caller.authorize(&app, &headers, Scope::Comment)?;
    let input = body(json)?;
    comments::report(&app, author, id_of(path)?, &input.reason, &input.note).await?;
    Ok(StatusCode::CREATED.into_response())
}

pub async fn stream(
    State(app): AppState,
    path: EditionPath,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let edition_id = id_of(path)?;
    published(&app, edition_id).await?;
    Ok(crate::live::events_of(&app, edition_id, &headers).await)
}

pub async fn notifications(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers, &viewer).await?;
    let account = caller.authorize_read(Scope::Read)?;
    let items = app.store.notifications(account.id, 50).await?;
    let unread = app.store.unread_notifications(account.id).await?;
    Ok(Json(json!({ "notifications": items, "unread": unread })).into_response())
}

pub async fn mark_read(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers, &viewer).await?;
    let account = caller.authorize(&app, &headers, Scope::Read)?;
    app.store.mark_notifications_read(account.id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn profile(
    State(app): AppState,
    path: Result<Path<String>, PathRejection>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let name = path.map(|Path(name)| name).map_err(|_| not_found())?;
    let username = Username::parse_for_staff(&name).map_err(|_| not_found())?;
    let profile = app
        .store
        .profile(&username.key())
        .await?
        .ok_or_else(not_found)?;
    let comments = app
        .store
        .comments_by(profile.id, page_param(&query)?, 20)
        .await?;
    Ok(Json(json!({ "profile": profile, "comments": comments })).into_response())
}
