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
use khabar_core::{CommentSort, Lang, Username};
use serde::Deserialize;

use super::wire::comments::{
    Comment, CommentFields, NotificationItem, Notifications, PostedComment, ReactionResult, Thread,
    ThreadItem, UserProfile,
};
use super::{ApiError, access, body, caller, page_param};
use crate::App;
use crate::http::cache::{Public, keys};
use crate::http::session::Viewer;
use khabar_app::comments::{self, CommentError};
use khabar_store::EditionKey;

type AppState = State<Arc<App>>;

fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such comment or story",
    )
}

/// A comment for the API, with its body rendered (mentions linked).
fn comment_json(lang: &str, comment: &khabar_store::CommentView) -> Comment {
    let rendered = crate::public::thread::render_body(comment, |name| {
        format!("/{lang}/user/{}", crate::http::paths::segment(name))
    });
    Comment {
        comment: CommentFields::from(comment),
        html: rendered.html,
        dir: rendered.dir.as_str().to_owned(),
    }
}

/// The public discussion `id`: (language, slug).
async fn published(app: &App, edition_id: i64) -> Result<(Lang, String), ApiError> {
    let record = published_record(app, edition_id).await?;
    Ok((record.lang, record.slug))
}

/// An edition whose thread anyone may read: a published one, or a
/// discussion embedded on another site (docs/embed.md), which is listed
/// nowhere but is as public as its host page.
async fn published_record(
    app: &App,
    edition_id: i64,
) -> Result<khabar_store::EditionRecord, ApiError> {
    use khabar_core::EditionStatus::{Embedded, Published};
    match app.store.edition(edition_id).await {
        Ok(record) if matches!(record.status, Published | Embedded) => Ok(record),
        Ok(_) | Err(khabar_store::StoreError::NotFound) => Err(not_found()),
        Err(other) => Err(other.into()),
    }
}

type EditionPath = Result<Path<i64>, PathRejection>;

fn id_of(path: EditionPath) -> Result<i64, ApiError> {
    path.map(|Path(id)| id).map_err(|_| not_found())
}

#[utoipa::path(
    get,
    path = "/editions/{id}/comments",
    operation_id = "listComments",
    tag = "comments",
    summary = "A page of an edition's thread: top-level comments with all their replies",
    params(
        ("id" = i64, Path, description = "the edition"),
        ("sort" = Option<crate::api::wire::sets::CommentSortName>, Query, description = "oldest (the default), newest or liked"),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 10000, description = "from 1"),
    ),
    responses(
        (status = 200, description = "Comments, each with body (Markdown) and html", body = Thread),
        (status = 404, description = "No such published or embedded edition", body = crate::api::wire::ErrorBody),
        (status = 422, description = "invalid_page", body = crate::api::wire::ErrorBody),
    )
)]
pub(super) async fn list(
    State(app): AppState,
    path: EditionPath,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let edition_id = id_of(path)?;
    let edition = published_record(&app, edition_id).await?;
    let lang = edition.lang;
    let sort = CommentSort::parse(query.get("sort").map(String::as_str).unwrap_or(""));
    let page = page_param(&query)?;
    let thread = app
        .store
        .thread(
            edition_id,
            None,
            sort,
            page,
            crate::public::thread::THREAD_PAGE,
        )
        .await?;
    let render = |comment: &khabar_store::CommentView| comment_json(lang.as_str(), comment);
    let answer = Json(Thread {
        comments: thread
            .comments
            .iter()
            .map(|entry| ThreadItem::new(entry, render))
            .collect(),
        page: thread.page,
        has_more: thread.has_more,
    })
    .into_response();
    // The same for every caller: kept and shared until the story changes.
    Ok(Public(vec![keys::story(edition.story_id)]).on(answer))
}

#[utoipa::path(
    get,
    path = "/comments/{id}",
    operation_id = "getComment",
    tag = "comments",
    summary = "A visible or deleted comment",
    params(
        ("id" = i64, Path, description = "the comment"),
    ),
    responses(
        (status = 200, description = "The comment", body = Comment),
        (status = 404, description = "No such comment", body = crate::api::wire::ErrorBody),
    )
)]
pub(super) async fn get(State(app): AppState, path: EditionPath) -> Result<Response, ApiError> {
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

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewComment)]
pub(super) struct NewCommentBody {
    /// Markdown.
    #[schema(max_length = 5000)]
    body: String,
    #[serde(default)]
    parent_id: Option<i64>,
}

#[utoipa::path(
    post,
    path = "/editions/{id}/comments",
    operation_id = "createComment",
    tag = "comments",
    summary = "Comment on an edition, or reply with parent_id",
    params(
        ("id" = i64, Path, description = "the edition"),
    ),
    request_body = NewCommentBody,
    responses(
        (status = 201, description = "The comment; held_for_moderation when it waits for a moderator", body = PostedComment),
        (status = 400, description = "bad_request_body: not JSON of the documented shape", body = crate::api::wire::ErrorBody),
        (status = 403, description = "suspended, banned or warning_unacknowledged", body = crate::api::wire::ErrorBody),
        (status = 404, description = "No such published edition or parent", body = crate::api::wire::ErrorBody),
        (status = 409, description = "comments_closed", body = crate::api::wire::ErrorBody),
        (status = 422, description = "comment_empty, comment_too_long, comment_rejected", body = crate::api::wire::ErrorBody),
        (status = 429, description = "Posting too fast", body = crate::api::wire::ErrorBody),
    )
)]
pub(super) async fn create(
    State(app): AppState,
    path: EditionPath,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<NewCommentBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers, &viewer).await?;
    let author = caller.require(&app, &headers, &access::CREATE_COMMENT)?;
    let edition_id = id_of(path)?;
    let input = body(json)?;
    let posted = comments::post(
        &app,
        author,
        &viewer.ip,
        EditionKey::Id(edition_id),
        input.parent_id,
        &input.body,
    )
    .await?;
    let posted = PostedComment {
        comment: comment_json(posted.lang.as_str(), &posted.view),
        held_for_moderation: posted.status == khabar_store::CommentStatus::Pending,
    };
    Ok((StatusCode::CREATED, Json(posted)).into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CommentEdit)]
pub(super) struct EditBody {
    body: String,
}

#[utoipa::path(
    patch,
    path = "/comments/{id}",
    operation_id = "editComment",
    tag = "comments",
    summary = "Edit one's own comment within the edit window",
    params(
        ("id" = i64, Path, description = "the comment"),
    ),
    request_body = EditBody,
    responses(
        (status = 200, description = "The edited comment", body = PostedComment),
        (status = 400, description = "bad_request_body: not JSON of the documented shape", body = crate::api::wire::ErrorBody),
        (status = 403, description = "suspended, banned or warning_unacknowledged", body = crate::api::wire::ErrorBody),
        (status = 404, description = "No such comment", body = crate::api::wire::ErrorBody),
        (status = 409, description = "comments_closed: the thread closed since the comment was written", body = crate::api::wire::ErrorBody),
        (status = 422, description = "not_your_comment, edit_window_closed", body = crate::api::wire::ErrorBody),
    )
)]
pub(super) async fn edit(
    State(app): AppState,
    path: EditionPath,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<EditBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers, &viewer).await?;
    let author = caller.require(&app, &headers, &access::EDIT_COMMENT)?;
    let id = id_of(path)?;
    let input = body(json)?;
    let status = comments::edit(&app, author, id, &input.body).await?;
    let comment = app.store.comment(id).await?;
    let (lang, _) = published(&app, comment.edition_id).await?;
    let posted = PostedComment {
        comment: comment_json(lang.as_str(), &comment),
        held_for_moderation: status == khabar_store::CommentStatus::Pending,
    };
    Ok(Json(posted).into_response())
}

#[utoipa::path(
    delete,
    path = "/comments/{id}",
    operation_id = "deleteComment",
    tag = "comments",
    summary = "Delete one's own comment; a placeholder keeps the replies in place",
    params(
        ("id" = i64, Path, description = "the comment"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "suspended, banned or warning_unacknowledged", body = crate::api::wire::ErrorBody),
        (status = 404, description = "No such comment", body = crate::api::wire::ErrorBody),
        (status = 422, description = "not_your_comment", body = crate::api::wire::ErrorBody),
    )
)]
pub(super) async fn delete(
    State(app): AppState,
    path: EditionPath,
    headers: HeaderMap,
    viewer: Viewer,
) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers, &viewer).await?;
    let author = caller.require(&app, &headers, &access::DELETE_COMMENT)?;
    comments::delete(&app, author, id_of(path)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Reaction)]
pub(super) struct ReactionBody {
    like: bool,
}

#[utoipa::path(
    put,
    path = "/comments/{id}/reaction",
    operation_id = "reactToComment",
    tag = "comments",
    summary = "Like (or take back the like of) a comment; once per reader",
    params(
        ("id" = i64, Path, description = "the comment"),
    ),
    request_body = ReactionBody,
    responses(
        (status = 200, description = "The new like count", body = ReactionResult),
        (status = 400, description = "bad_request_body: not JSON of the documented shape", body = crate::api::wire::ErrorBody),
        (status = 403, description = "suspended, banned or warning_unacknowledged", body = crate::api::wire::ErrorBody),
        (status = 404, description = "No such comment", body = crate::api::wire::ErrorBody),
    )
)]
pub(super) async fn react(
    State(app): AppState,
    path: EditionPath,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<ReactionBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers, &viewer).await?;
    let author = caller.require(&app, &headers, &access::REACT_TO_COMMENT)?;
    let id = id_of(path)?;
    let input = body(json)?;
    comments::like(&app, author, id, input.like).await?;
    let comment = app.store.comment(id).await?;
    Ok(Json(ReactionResult {
        like_count: comment.like_count,
        liked: input.like,
    })
    .into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Report)]
pub(super) struct ReportBody {
    #[schema(value_type = crate::api::wire::sets::ReportReasonName)]
    reason: String,
    #[serde(default)]
    #[schema(max_length = 1000)]
    note: String,
}

#[utoipa::path(
    post,
    path = "/comments/{id}/reports",
    operation_id = "reportComment",
    tag = "comments",
    summary = "Report a comment to the moderators",
    params(
        ("id" = i64, Path, description = "the comment"),
    ),
    request_body = ReportBody,
    responses(
        (status = 201, description = "Reported"),
        (status = 400, description = "bad_request_body: not JSON of the documented shape", body = crate::api::wire::ErrorBody),
        (status = 403, description = "suspended, banned or warning_unacknowledged", body = crate::api::wire::ErrorBody),
        (status = 404, description = "No such comment", body = crate::api::wire::ErrorBody),
        (status = 409, description = "already_reported", body = crate::api::wire::ErrorBody),
        (status = 422, description = "unknown_reason", body = crate::api::wire::ErrorBody),
        (status = 429, description = "too_many_attempts: too many reports this hour; see Retry-After", body = crate::api::wire::ErrorBody),
    )
)]
pub(super) async fn report(
    State(app): AppState,
    path: EditionPath,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<ReportBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers, &viewer).await?;
    let author = caller.require(&app, &headers, &access::REPORT_COMMENT)?;
    let input = body(json)?;
    comments::report(&app, author, id_of(path)?, &input.reason, &input.note).await?;
    Ok(StatusCode::CREATED.into_response())
}

#[utoipa::path(
    get,
    path = "/editions/{id}/comments/stream",
    operation_id = "streamComments",
    tag = "comments",
    summary = "Server-sent events of the thread; reconnect with Last-Event-ID to catch up",
    params(
        ("id" = i64, Path, description = "the edition"),
    ),
    responses(
        (status = 200, description = "text/event-stream", body = inline(String), content_type = "text/event-stream"),
        (status = 404, description = "No such published or embedded edition", body = crate::api::wire::ErrorBody),
        (status = 429, description = "too_many_streams", body = crate::api::wire::ErrorBody),
    )
)]
pub(super) async fn stream(
    State(app): AppState,
    path: EditionPath,
    viewer: Viewer,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let edition_id = id_of(path)?;
    published(&app, edition_id).await?;
    let ticket = crate::public::live::admit(&app, &viewer).ok_or_else(|| ApiError {
        retry_after: Some(30),
        ..ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_streams",
            "this address has as many live streams open as allowed",
        )
    })?;
    Ok(crate::public::live::events_of(&app, edition_id, &headers, ticket).await)
}

#[utoipa::path(
    get,
    path = "/notifications",
    operation_id = "listNotifications",
    tag = "comments",
    summary = "The newest notifications",
    responses(
        (status = 200, description = "Newest notifications and the unread count", body = Notifications),
    )
)]
pub(super) async fn notifications(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers, &viewer).await?;
    let account = caller.require(&app, &headers, &access::LIST_NOTIFICATIONS)?;
    let items = app.store.notifications(account.id, 50).await?;
    let unread = app.store.unread_notifications(account.id).await?;
    Ok(Json(Notifications {
        notifications: items.into_iter().map(NotificationItem::from).collect(),
        unread,
    })
    .into_response())
}

#[utoipa::path(
    post,
    path = "/notifications/read",
    operation_id = "markNotificationsRead",
    tag = "comments",
    summary = "Mark every notification read",
    responses(
        (status = 204, description = "All read"),
    )
)]
pub(super) async fn mark_read(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
) -> Result<Response, ApiError> {
    let caller = caller(&app, &headers, &viewer).await?;
    let account = caller.require(&app, &headers, &access::MARK_NOTIFICATIONS_READ)?;
    app.store.mark_notifications_read(account.id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(
    get,
    path = "/users/{username}",
    operation_id = "getUserProfile",
    tag = "comments",
    summary = "A reader's public profile",
    params(
        ("username" = String, Path),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 10000, description = "from 1"),
    ),
    responses(
        (status = 200, description = "Display name, join date and visible comments", body = UserProfile),
        (status = 404, description = "No such reader", body = crate::api::wire::ErrorBody),
    )
)]
pub(super) async fn profile(
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
    Ok(Json(UserProfile::new(profile, comments)).into_response())
}
