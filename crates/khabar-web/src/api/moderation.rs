//! Moderation in the API: listModerationQueue, moderateComment,
//! moderateUser, undoModerationDecisions, listAuditLog, listWordLists,
//! updateWordList, getModerationSettings, updateModerationSettings. The
//! same use cases as the moderators' pages; every operation needs the
//! `moderate` scope.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use khabar_core::moderation::{
    CommentAction, ListKind, PolicySettings, Queue, ScopeSettings, SettingScope, UserAction,
    WordListEntry,
};
use khabar_core::{InvalidInput, Lang, Scope};
use khabar_store::{LogFilter, QueueFilter};
use serde::Deserialize;
use serde_json::json;

use super::{ApiError, body, caller, id_param, page_param};
use crate::App;
use crate::moderation::{self, ModerationError, Moderator};
use crate::session::Viewer;

type AppState = State<Arc<App>>;

impl From<ModerationError> for ApiError {
    fn from(error: ModerationError) -> Self {
        match error {
            ModerationError::Invalid(e) => e.into(),
            ModerationError::NotFound => ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "no such comment, reader or scope",
            ),
            ModerationError::Forbidden(code, message) => ApiError::forbidden(code, message),
            ModerationError::Undo(refusal) => {
                ApiError::new(StatusCode::CONFLICT, refusal.code(), refusal.to_string())
            }
            ModerationError::Store(e) => e.into(),
        }
    }
}

/// The caller as a moderator, for a read or (with CSRF) a change.
async fn moderator_for(
    app: &App,
    headers: &HeaderMap,
    viewer: &Viewer,
    changes: bool,
) -> Result<Moderator, ApiError> {
    let caller = caller(app, headers, viewer).await?;
    let account = if changes {
        caller.authorize(app, headers, Scope::Moderate)?
    } else {
        caller.authorize_read(Scope::Moderate)?
    };
    Ok(moderation::moderator(app, account).await?)
}

/// Reads a queue filter from query parameters (shared with the pages).
pub fn queue_filter(query: &HashMap<String, String>) -> Result<QueueFilter, InvalidInput> {
    let queue = Queue::parse(query.get("queue").map(String::as_str).unwrap_or("pending"))?;
    let lang = match query.get("lang").filter(|v| !v.is_empty()) {
        Some(code) => Some(Lang::parse(code)?),
        None => None,
    };
    let per_page = match query.get("per_page") {
        Some(n) => n
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=200).contains(n))
            .ok_or_else(|| InvalidInput::new("per_page", "invalid_page", "from 1 to 200"))?,
        None => 50,
    };
    Ok(QueueFilter {
        queue,
        story_id: id_param(query, "story")?,
        section_id: id_param(query, "section")?,
        lang,
        reason: query.get("reason").filter(|r| !r.is_empty()).map(|r| {
            r.chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                .take(50)
                .collect()
        }),
        newest_first: query.get("order").is_some_and(|o| o == "newest"),
        page: page_param(query)?,
        per_page,
        sections: Vec::new(),
    })
}

/// `GET /moderation/queue`
pub async fn list_queue(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let moderator = moderator_for(&app, &headers, &viewer, false).await?;
    let filter = queue_filter(&query)?;
    let (page, counts) = moderation::queue(&app, &moderator, filter).await?;
    let counts: serde_json::Map<String, serde_json::Value> = counts
        .into_iter()
        .map(|(queue, n)| (queue.as_str().to_owned(), json!(n)))
        .collect();
    Ok(Json(json!({
        "items": page.items,
        "page": page.page,
        "has_more": page.has_more,
        "counts": counts,
    }))
    .into_response())
}

#[derive(Deserialize)]
pub struct BulkComments {
    comment_ids: Vec<i64>,
    #[serde(flatten)]
    action: CommentAction,
}

/// `POST /moderation/comments/{id}` (one) and `POST /moderation/comments`
/// (a selection, `comment_ids`).
pub async fn moderate_comment(
    State(app): AppState,
    path: Result<Path<i64>, PathRejection>,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<CommentAction>, JsonRejection>,
) -> Result<Response, ApiError> {
    let moderator = moderator_for(&app, &headers, &viewer, true).await?;
    let Ok(Path(id)) = path else {
        return Err(ModerationError::NotFound.into());
    };
    let action = body(json)?;
    let decision = moderation::moderate_comment(&app, &moderator, id, &action).await?;
    Ok(Json(json!({
        "comment_id": id,
        "action": action.as_str(),
        "decision_id": decision,
    }))
    .into_response())
}

pub async fn moderate_comments(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<BulkComments>, JsonRejection>,
) -> Result<Response, ApiError> {
    let moderator = moderator_for(&app, &headers, &viewer, true).await?;
    let input = body(json)?;
    if input.comment_ids.is_empty() || input.comment_ids.len() > 500 {
        return Err(InvalidInput::new(
            "comment_ids",
            "invalid_selection",
            "from 1 to 500 comments",
        )
        .into());
    }
    let (decisions, refused) =
        moderation::moderate_comments(&app, &moderator, &input.comment_ids, &input.action).await;
    let refused: Vec<_> = refused
        .into_iter()
        .map(|(id, code)| json!({ "comment_id": id, "code": code }))
        .collect();
    Ok(Json(json!({
        "action": input.action.as_str(),
        "done": decisions.len(),
        "decision_ids": decisions,
        "refused": refused,
    }))
    .into_response())
}

/// `POST /moderation/users/{id}`
pub async fn moderate_user(
    State(app): AppState,
    path: Result<Path<i64>, PathRejection>,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<UserAction>, JsonRejection>,
) -> Result<Response, ApiError> {
    let moderator = moderator_for(&app, &headers, &viewer, true).await?;
    let Ok(Path(id)) = path else {
        return Err(ModerationError::NotFound.into());
    };
    let action = body(json)?;
    let decision = moderation::moderate_user(&app, &moderator, id, &action).await?;
    let history = moderation::reader_history(&app, &moderator, id).await?;
    let mut answer = json!(history);
    answer["decision_id"] = json!(decision);
    Ok(Json(answer).into_response())
}

#[derive(Deserialize)]
pub struct UndoBody {
    decisions: Vec<i64>,
}

/// `POST /moderation/undo`: undoes decisions made in the last few
/// minutes. When none could be, the first refusal is the error.
pub async fn undo(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<UndoBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let moderator = moderator_for(&app, &headers, &viewer, true).await?;
    let input = body(json)?;
    if input.decisions.is_empty() || input.decisions.len() > 500 {
        return Err(
            InvalidInput::new("decisions", "invalid_selection", "from 1 to 500 decisions").into(),
        );
    }
    let (undone, mut refused) = moderation::undo(&app, &moderator, &input.decisions).await;
    if undone.is_empty() && !refused.is_empty() {
        return Err(refused.swap_remove(0).1.into());
    }
    let refused: Vec<_> = refused
        .iter()
        .map(|(id, error)| json!({ "decision_id": id, "code": error.code() }))
        .collect();
    Ok(Json(json!({ "undone": undone, "refused": refused })).into_response())
}

/// `GET /moderation/users/{id}`: a reader's record.
pub async fn reader_history(
    State(app): AppState,
    path: Result<Path<i64>, PathRejection>,
    headers: HeaderMap,
    viewer: Viewer,
) -> Result<Response, ApiError> {
    let moderator = moderator_for(&app, &headers, &viewer, false).await?;
    let Ok(Path(id)) = path else {
        return Err(ModerationError::NotFound.into());
    };
    let history = moderation::reader_history(&app, &moderator, id).await?;
    Ok(Json(json!(history)).into_response())
}

/// `GET /moderation/log`
pub async fn list_audit_log(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let moderator = moderator_for(&app, &headers, &viewer, false).await?;
    let filter = LogFilter {
        text: query.get("q").cloned(),
        user_id: id_param(&query, "user")?,
        comment_id: id_param(&query, "comment")?,
        action: query.get("action").filter(|a| !a.is_empty()).cloned(),
        before: id_param(&query, "before")?,
        limit: 100,
        ..Default::default()
    };
    let entries = moderation::audit_log(&app, &moderator, &filter).await?;
    let next = (entries.len() == 100)
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    Ok(Json(json!({ "entries": entries, "next_before": next })).into_response())
}

/// `GET /moderation/word-lists`
pub async fn list_word_lists(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
) -> Result<Response, ApiError> {
    let moderator = moderator_for(&app, &headers, &viewer, false).await?;
    let rows = moderation::list_word_lists(&app, &moderator).await?;
    let mut lists: Vec<serde_json::Value> = Vec::new();
    for lang in app.languages() {
        for list in [ListKind::Banned, ListKind::Suspect] {
            let entries: Vec<_> = rows
                .iter()
                .filter(|r| r.lang == lang.as_str() && r.list == list.as_str())
                .map(|r| json!({ "term": r.term, "mode": r.mode }))
                .collect();
            lists.push(json!({ "lang": lang, "list": list, "entries": entries }));
        }
    }
    Ok(Json(json!({ "lists": lists })).into_response())
}

#[derive(Deserialize)]
pub struct WordListBody {
    entries: Vec<WordListEntry>,
}

/// `PUT /moderation/word-lists/{lang}/{list}`: replaces the list.
pub async fn update_word_list(
    State(app): AppState,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<WordListBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let moderator = moderator_for(&app, &headers, &viewer, true).await?;
    let Ok(Path((lang, list))) = path else {
        return Err(ModerationError::NotFound.into());
    };
    let lang = Lang::parse(&lang)?;
    let list = ListKind::parse(&list)?;
    let input = body(json)?;
    let count = moderation::update_word_list(&app, &moderator, lang, list, input.entries).await?;
    Ok(Json(json!({ "lang": lang, "list": list, "count": count })).into_response())
}

fn scope_of(query: &HashMap<String, String>) -> Result<(SettingScope, i64), ApiError> {
    let scope = SettingScope::parse(query.get("scope").map(String::as_str).unwrap_or("site"))?;
    let id = match scope {
        SettingScope::Site => 0,
        _ => id_param(query, "id")?
            .ok_or_else(|| InvalidInput::new("id", "missing_id", "the section or story id"))?,
    };
    Ok((scope, id))
}

/// `GET /moderation/settings?scope=site|section|story&id=`
pub async fn get_settings(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let moderator = moderator_for(&app, &headers, &viewer, false).await?;
    let (scope, id) = scope_of(&query)?;
    let (policy, settings) = moderation::settings(&app, &moderator, scope, id).await?;
    Ok(
        Json(json!({ "scope": scope, "id": id, "settings": settings, "policy": policy }))
            .into_response(),
    )
}

#[derive(Deserialize)]
pub struct SettingsBody {
    settings: ScopeSettings,
    #[serde(default)]
    policy: Option<PolicySettings>,
}

/// `PUT /moderation/settings?scope=…&id=…`
pub async fn update_settings(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    Query(query): Query<HashMap<String, String>>,
    json: Result<Json<SettingsBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let moderator = moderator_for(&app, &headers, &viewer, true).await?;
    let (scope, id) = scope_of(&query)?;
    let input = body(json)?;
    moderation::update_settings(
        &app,
        &moderator,
        scope,
        id,
        &input.settings,
        input.policy.as_ref(),
    )
    .await?;
    let (policy, settings) = moderation::settings(&app, &moderator, scope, id).await?;
    Ok(
        Json(json!({ "scope": scope, "id": id, "settings": settings, "policy": policy }))
            .into_response(),
    )
}
