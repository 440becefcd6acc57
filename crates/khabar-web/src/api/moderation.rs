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
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use khabar_core::moderation::{
    CommentAction, ListKind, PolicySettings, ScopeSettings, SettingScope, UserAction, WordListEntry,
};
use khabar_core::{InvalidInput, Lang};
use khabar_store::LogFilter;

use super::access::{self, Operation};
use super::wire::moderation::{
    AuditLog, BulkCommentAction, BulkDecision, CommentActionBody, Decision, History, LogItem,
    ModerationSettings, QueueAnswer, RefusedComment, RefusedUndo, SettingsBody, UndoDecisions,
    Undone, UserActionBody, UserDecision, WordListBody, WordListOf, WordListUpdated, WordLists,
};
use super::{ApiError, body, caller, id_param};
use crate::App;
use crate::http::session::Viewer;
use khabar_app::Failure;
use khabar_app::moderation::{self, ModerationError, Moderator};
use khabar_app::query::queue_filter;

type AppState = State<Arc<App>>;

/// The caller as a moderator, if it may call `op`.
async fn moderator_for(
    app: &App,
    headers: &HeaderMap,
    viewer: &Viewer,
    op: &Operation,
) -> Result<Moderator, ApiError> {
    let caller = caller(app, headers, viewer).await?;
    let account = caller.require(app, headers, op)?;
    Ok(moderation::moderator(app, account).await?)
}

/// `GET /moderation/queue`
#[utoipa::path(
    get,
    path = "/moderation/queue",
    operation_id = "listModerationQueue",
    tag = "moderation",
    summary = "A page of a queue with counts per queue (moderators; section-limited moderators see their sections)",
    params(
        ("queue" = Option<crate::api::wire::sets::QueueName>, Query, description = "pending by default"),
        ("story" = Option<i64>, Query),
        ("section" = Option<i64>, Query),
        ("lang" = Option<String>, Query),
        ("reason" = Option<String>, Query, description = "a reason code"),
        ("order" = Option<String>, Query, description = "oldest (the default) or newest"),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 10000, description = "from 1"),
        ("per_page" = Option<u32>, Query, minimum = 1, maximum = 200),
    ),
    responses(
        (status = 200, description = "Queue items", body = QueueAnswer),
        (status = 403, description = "not_a_moderator or outside_your_sections", body = crate::api::wire::ErrorBody),
        (status = 422, description = "unknown_queue, invalid_page, invalid_id", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn list_queue(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let moderator = moderator_for(&app, &headers, &viewer, &access::LIST_MODERATION_QUEUE).await?;
    let filter = queue_filter(&query)?;
    let (page, counts) = moderation::queue(&app, &moderator, filter).await?;
    Ok(Json(QueueAnswer::new(&page, counts)).into_response())
}

/// `POST /moderation/comments/{id}` (one) and `POST /moderation/comments`
/// (a selection, `comment_ids`).
#[utoipa::path(
    post,
    path = "/moderation/comments/{id}",
    operation_id = "moderateComment",
    tag = "moderation",
    summary = "A decision on one comment",
    params(
        ("id" = i64, Path, description = "the comment"),
    ),
    request_body = CommentActionBody,
    responses(
        (status = 200, description = "Decided and logged", body = Decision),
        (status = 400, description = "bad_request_body: not JSON of the documented shape", body = crate::api::wire::ErrorBody),
        (status = 403, description = "not_a_moderator, outside_your_sections or own_comment", body = crate::api::wire::ErrorBody),
        (status = 404, description = "not_found", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn moderate_comment(
    State(app): AppState,
    path: Result<Path<i64>, PathRejection>,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<CommentActionBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let moderator = moderator_for(&app, &headers, &viewer, &access::MODERATE_COMMENT).await?;
    let Ok(Path(id)) = path else {
        return Err(ModerationError::NotFound.into());
    };
    let action = CommentAction::from(body(json)?);
    let decision = moderation::moderate_comment(&app, &moderator, id, &action).await?;
    Ok(Json(Decision {
        comment_id: id,
        action: action.as_str().to_owned(),
        decision_id: decision,
    })
    .into_response())
}

#[utoipa::path(
    post,
    path = "/moderation/comments",
    operation_id = "moderateComments",
    tag = "moderation",
    summary = "The same decision on a selection; each is checked and logged on its own",
    request_body = BulkCommentAction,
    responses(
        (status = 200, description = "How many were done, their decision ids, and which were refused, with why", body = BulkDecision),
        (status = 400, description = "bad_request_body: not JSON of the documented shape", body = crate::api::wire::ErrorBody),
        (status = 403, description = "not_a_moderator", body = crate::api::wire::ErrorBody),
        (status = 422, description = "invalid_selection", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn moderate_comments(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<BulkCommentAction>, JsonRejection>,
) -> Result<Response, ApiError> {
    let moderator = moderator_for(&app, &headers, &viewer, &access::MODERATE_COMMENTS).await?;
    let input = body(json)?;
    if input.comment_ids.is_empty() || input.comment_ids.len() > 500 {
        return Err(InvalidInput::new(
            "comment_ids",
            "invalid_selection",
            "from 1 to 500 comments",
        )
        .into());
    }
    let action = CommentAction::from(input.action);
    let (decisions, refused) =
        moderation::moderate_comments(&app, &moderator, &input.comment_ids, &action).await;
    let refused = refused
        .into_iter()
        .map(|(comment_id, code)| RefusedComment {
            comment_id,
            code: code.to_owned(),
        })
        .collect();
    Ok(Json(BulkDecision {
        action: action.as_str().to_owned(),
        done: decisions.len(),
        decision_ids: decisions,
        refused,
    })
    .into_response())
}

/// `POST /moderation/users/{id}`
#[utoipa::path(
    post,
    path = "/moderation/users/{id}",
    operation_id = "moderateUser",
    tag = "moderation",
    summary = "An action on a reader",
    params(
        ("id" = i64, Path, description = "the reader"),
    ),
    request_body = UserActionBody,
    responses(
        (status = 200, description = "The reader's record after the action, and the decision's id", body = UserDecision),
        (status = 400, description = "bad_request_body: not JSON of the documented shape", body = crate::api::wire::ErrorBody),
        (status = 403, description = "staff_account, own_account, admins_only or outside_your_sections", body = crate::api::wire::ErrorBody),
        (status = 404, description = "not_found", body = crate::api::wire::ErrorBody),
        (status = 422, description = "invalid_text, out_of_range", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn moderate_user(
    State(app): AppState,
    path: Result<Path<i64>, PathRejection>,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<UserActionBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let moderator = moderator_for(&app, &headers, &viewer, &access::MODERATE_USER).await?;
    let Ok(Path(id)) = path else {
        return Err(ModerationError::NotFound.into());
    };
    let action = UserAction::from(body(json)?);
    let decision = moderation::moderate_user(&app, &moderator, id, &action).await?;
    let history = moderation::reader_history(&app, &moderator, id).await?;
    Ok(Json(UserDecision {
        history: History::from(&history),
        decision_id: decision,
    })
    .into_response())
}

/// `POST /moderation/undo`: undoes decisions made in the last few
/// minutes. When none could be, the first refusal is the error.
#[utoipa::path(
    post,
    path = "/moderation/undo",
    operation_id = "undoModerationDecisions",
    tag = "moderation",
    summary = "Undoes moderators' decisions made in the last five minutes: the comment or reader as before, its reports reopened, the notifications it sent withdrawn; logged as undo. A moderator undoes their own decisions, an admin anyone's",
    request_body = UndoDecisions,
    responses(
        (status = 200, description = "The decisions undone, and any refused with why", body = Undone),
        (status = 400, description = "bad_request_body: not JSON of the documented shape", body = crate::api::wire::ErrorBody),
        (status = 403, description = "not_yours or outside_your_sections (when none could be undone)", body = crate::api::wire::ErrorBody),
        (status = 404, description = "not_found: no such decision, or not one that can be undone", body = crate::api::wire::ErrorBody),
        (status = 409, description = "undo_window_passed, already_undone or superseded (a later decision changed it; when none could be undone)", body = crate::api::wire::ErrorBody),
        (status = 422, description = "invalid_selection", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn undo(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<UndoDecisions>, JsonRejection>,
) -> Result<Response, ApiError> {
    let moderator =
        moderator_for(&app, &headers, &viewer, &access::UNDO_MODERATION_DECISIONS).await?;
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
    let refused = refused
        .iter()
        .map(|(id, error)| RefusedUndo {
            decision_id: *id,
            code: error.code().to_owned(),
        })
        .collect();
    Ok(Json(Undone { undone, refused }).into_response())
}

/// `GET /moderation/users/{id}`: a reader's record.
#[utoipa::path(
    get,
    path = "/moderation/users/{id}",
    operation_id = "getReaderHistory",
    tag = "moderation",
    summary = "A reader's record",
    params(
        ("id" = i64, Path, description = "the reader"),
    ),
    responses(
        (status = 200, description = "Counts, reports, actions and notes", body = History),
        (status = 403, description = "not_a_moderator", body = crate::api::wire::ErrorBody),
        (status = 404, description = "not_found", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn reader_history(
    State(app): AppState,
    path: Result<Path<i64>, PathRejection>,
    headers: HeaderMap,
    viewer: Viewer,
) -> Result<Response, ApiError> {
    let moderator = moderator_for(&app, &headers, &viewer, &access::GET_READER_HISTORY).await?;
    let Ok(Path(id)) = path else {
        return Err(ModerationError::NotFound.into());
    };
    let history = moderation::reader_history(&app, &moderator, id).await?;
    Ok(Json(History::from(&history)).into_response())
}

/// `GET /moderation/log`
#[utoipa::path(
    get,
    path = "/moderation/log",
    operation_id = "listAuditLog",
    tag = "moderation",
    summary = "Every decision, human or automatic, newest first; never edited",
    params(
        ("q" = Option<String>, Query),
        ("user" = Option<i64>, Query),
        ("comment" = Option<i64>, Query),
        ("action" = Option<String>, Query),
        ("before" = Option<i64>, Query),
    ),
    responses(
        (status = 200, description = "Entries and the id to page back from", body = AuditLog),
        (status = 403, description = "not_a_moderator", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn list_audit_log(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let moderator = moderator_for(&app, &headers, &viewer, &access::LIST_AUDIT_LOG).await?;
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
    Ok(Json(AuditLog {
        entries: entries.iter().map(LogItem::from).collect(),
        next_before: next,
    })
    .into_response())
}

/// `GET /moderation/word-lists`
#[utoipa::path(
    get,
    path = "/moderation/word-lists",
    operation_id = "listWordLists",
    tag = "moderation",
    summary = "Banned and suspect lists per language",
    responses(
        (status = 200, description = "Banned and suspect lists per language", body = WordLists),
        (status = 403, description = "not_a_moderator", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn list_word_lists(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
) -> Result<Response, ApiError> {
    let moderator = moderator_for(&app, &headers, &viewer, &access::LIST_WORD_LISTS).await?;
    let rows = moderation::list_word_lists(&app, &moderator).await?;
    let mut lists = Vec::new();
    for lang in app.languages() {
        for list in [ListKind::Banned, ListKind::Suspect] {
            lists.push(WordListOf::new(lang.as_str(), list, &rows));
        }
    }
    Ok(Json(WordLists { lists }).into_response())
}

/// `PUT /moderation/word-lists/{lang}/{list}`: replaces the list.
#[utoipa::path(
    put,
    path = "/moderation/word-lists/{lang}/{list}",
    operation_id = "updateWordList",
    tag = "moderation",
    summary = "Replaces one list (moderators of every section)",
    params(
        ("lang" = String, Path),
        ("list" = String, Path, description = "banned or suspect"),
    ),
    request_body = WordListBody,
    responses(
        (status = 200, description = "Stored; every node uses it for the next comment", body = WordListUpdated),
        (status = 400, description = "bad_request_body: not JSON of the documented shape", body = crate::api::wire::ErrorBody),
        (status = 403, description = "not_a_moderator", body = crate::api::wire::ErrorBody),
        (status = 422, description = "invalid_term, unknown_match_mode, unknown_word_list or too_many_entries", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn update_word_list(
    State(app): AppState,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<WordListBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let moderator = moderator_for(&app, &headers, &viewer, &access::UPDATE_WORD_LIST).await?;
    let Ok(Path((lang, list))) = path else {
        return Err(ModerationError::NotFound.into());
    };
    let lang = Lang::parse(&lang)?;
    let list = ListKind::parse(&list)?;
    let input = body(json)?;
    let entries = input.entries.into_iter().map(WordListEntry::from).collect();
    let count = moderation::update_word_list(&app, &moderator, lang, list, entries).await?;
    Ok(Json(WordListUpdated {
        lang: lang.as_str().to_owned(),
        list: list.into(),
        count,
    })
    .into_response())
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
#[utoipa::path(
    get,
    path = "/moderation/settings",
    operation_id = "getModerationSettings",
    tag = "moderation",
    summary = "A scope's moderation settings and the site's policy",
    params(
        ("scope" = Option<crate::api::wire::sets::SettingScopeName>, Query, description = "site by default"),
        ("id" = Option<i64>, Query, description = "the section or story"),
    ),
    responses(
        (status = 200, description = "The scope's settings and the site's policy", body = ModerationSettings),
        (status = 403, description = "not_a_moderator", body = crate::api::wire::ErrorBody),
        (status = 422, description = "unknown_scope, missing_id", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn get_settings(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let moderator =
        moderator_for(&app, &headers, &viewer, &access::GET_MODERATION_SETTINGS).await?;
    let (scope, id) = scope_of(&query)?;
    let settings = moderation::settings(&app, &moderator, scope, id).await?;
    Ok(Json(ModerationSettings::new(scope, id, settings)).into_response())
}

/// `PUT /moderation/settings?scope=…&id=…`
#[utoipa::path(
    put,
    path = "/moderation/settings",
    operation_id = "updateModerationSettings",
    tag = "moderation",
    summary = "Stores a scope's moderation settings (and, at site scope, the policy)",
    params(
        ("scope" = Option<crate::api::wire::sets::SettingScopeName>, Query, description = "site by default"),
        ("id" = Option<i64>, Query, description = "the section or story"),
    ),
    request_body = SettingsBody,
    responses(
        (status = 200, description = "Stored", body = ModerationSettings),
        (status = 400, description = "bad_request_body: not JSON of the documented shape", body = crate::api::wire::ErrorBody),
        (status = 403, description = "outside_your_sections", body = crate::api::wire::ErrorBody),
        (status = 422, description = "unknown_scope, missing_id, out_of_range", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn update_settings(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    Query(query): Query<HashMap<String, String>>,
    json: Result<Json<SettingsBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let moderator =
        moderator_for(&app, &headers, &viewer, &access::UPDATE_MODERATION_SETTINGS).await?;
    let (scope, id) = scope_of(&query)?;
    let input = body(json)?;
    let policy = input.policy.map(PolicySettings::from);
    let scope_settings = ScopeSettings::from(input.settings);
    moderation::update_settings(
        &app,
        &moderator,
        scope,
        id,
        &scope_settings,
        policy.as_ref(),
    )
    .await?;
    let settings = moderation::settings(&app, &moderator, scope, id).await?;
    Ok(Json(ModerationSettings::new(scope, id, settings)).into_response())
}
