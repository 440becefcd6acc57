//! Moderation: queues, decisions on comments and readers, word lists,
//! settings per site, section and story, and the append-only audit log.
//! Every decision writes its log row in the same transaction as the change.

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};
use khabar_core::moderation::{
    AuthorHistory, CommentAction, ListKind, PolicySettings, Queue, Reason, ScopeSettings,
    SettingScope, ThreadSettings, UserAction, thread_settings,
};
use khabar_core::{EventKind, Lang, Role};
use khabar_text::wordlist::MatchMode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::comments::{VIEW_COLUMNS, VIEW_FROM, notify_readers, view_from_row};
use crate::events::{self, NewEvent};
use crate::time::{from_millis, to_millis};
use crate::{CommentView, Result, Store, StoreError};

/// How far back "recent" reaches for a reader's rejection rate and
/// repeated texts.
pub const RECENT: SignedDuration = SignedDuration::from_hours(24 * 30);
/// Repeats of the same text count within this window.
pub const REPEAT_WINDOW: SignedDuration = SignedDuration::from_hours(24);

/// Where a reader stands with the moderators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Standing {
    pub user_id: i64,
    pub username: String,
    pub role: String,
    pub banned: bool,
    pub shadow_banned: bool,
    pub pre_moderated: bool,
    /// A warning not yet acknowledged.
    pub warning: Option<String>,
    pub suspended_until: Option<Timestamp>,
    /// Sections a moderator is limited to (empty: all).
    pub sections: Vec<i64>,
}

/// Which queue, narrowed how, in which order, which page.
#[derive(Debug, Clone)]
pub struct QueueFilter {
    pub queue: Queue,
    pub story_id: Option<i64>,
    pub section_id: Option<i64>,
    pub lang: Option<Lang>,
    /// A reason code, e.g. `banned_word`, `new_commenter`, `spam`.
    pub reason: Option<String>,
    pub newest_first: bool,
    pub page: u32,
    pub per_page: u32,
    /// A section-limited moderator sees these sections only.
    pub sections: Vec<i64>,
}

/// A comment in a queue, with what a moderator needs to decide at once.
#[derive(Debug, Clone, Serialize)]
pub struct QueueItem {
    pub comment: CommentView,
    pub reasons: Vec<Reason>,
    pub flagged: bool,
    pub story_id: i64,
    pub section_id: Option<i64>,
    pub lang: String,
    pub headline: String,
    pub slug: String,
    pub parent_author: Option<String>,
    pub parent_body: Option<String>,
    /// Open reports: (reason, note).
    pub reports: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    pub page: u32,
    pub has_more: bool,
}

/// What a moderator acting on a comment needs to know of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentContext {
    pub comment_id: i64,
    pub author_id: i64,
    pub status: String,
    pub section_id: Option<i64>,
}

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogEntry {
    pub id: i64,
    pub at: Timestamp,
    /// The moderator, or none for the pipeline.
    pub actor: Option<String>,
    /// The pipeline phase, for automatic decisions.
    pub phase: Option<String>,
    pub action: String,
    pub comment_id: Option<i64>,
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub reasons: Vec<Reason>,
    pub message: String,
    /// The comment's first `EXCERPT_CHARS` characters as typed, `…` after
    /// a cut; empty once redacted.
    pub excerpt: Option<String>,
    /// The edition the comment is under: headline, language, slug.
    pub headline: Option<String>,
    pub story_lang: Option<String>,
    pub slug: Option<String>,
}

/// How much of a comment the log quotes.
pub const EXCERPT_CHARS: usize = 120;

#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    /// Words in the action, reasons, message or names.
    pub text: Option<String>,
    pub user_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub action: Option<String>,
    /// The moderator who decided, by username.
    pub moderator: Option<String>,
    /// The reader concerned, by username.
    pub reader: Option<String>,
    /// Decisions at or after `since` and before `until`.
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
    /// Entries older than this id (paging back).
    pub before: Option<i64>,
    pub limit: u32,
}

/// A reader's record, for the moderators' history view.
#[derive(Debug, Clone, Serialize)]
pub struct ReaderHistory {
    pub standing: Standing,
    pub approved: i64,
    pub pending: i64,
    pub rejected: i64,
    /// Reports others filed against their comments.
    pub reports_received: i64,
    pub notes: Vec<ModeratorNote>,
    pub log: Vec<LogEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ModeratorNote {
    pub author: String,
    pub body: String,
    pub created_at: Timestamp,
}

/// One word-list entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WordListRow {
    pub lang: String,
    pub list: String,
    pub term: String,
    pub mode: String,
}

/// A decision to write to the log.
pub(crate) struct LogRow<'a> {
    pub actor_id: Option<i64>,
    pub phase: Option<&'a str>,
    pub action: &'a str,
    pub comment_id: Option<i64>,
    pub user_id: Option<i64>,
    pub reasons: &'a [Reason],
    pub message: &'a str,
}

pub(crate) async fn write_log(tx: &mut Transaction<'static, Any>, row: LogRow<'_>) -> Result<()> {
    insert_log(tx, &row, Timestamp::now(), None, None).await?;
    Ok(())
}

/// Writes a log row and returns its id. A moderator's decision carries
/// what it changed; an undo names the decision it reverses.
async fn insert_log(
    tx: &mut Transaction<'static, Any>,
    row: &LogRow<'_>,
    at: Timestamp,
    previous: Option<&Previous>,
    undoes: Option<i64>,
) -> Result<i64> {
    let id = sqlx::query_scalar(
        "INSERT INTO moderation_log (at, actor_id, phase, action, comment_id, user_id, reasons, message, previous, undoes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(to_millis(at))
    .bind(row.actor_id)
    .bind(row.phase)
    .bind(row.action)
    .bind(row.comment_id)
    .bind(row.user_id)
    .bind(reasons_json(row.reasons))
    .bind(row.message)
    .bind(previous.and_then(|p| serde_json::to_string(p).ok()))
    .bind(undoes)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// What a moderator's decision changed, kept on its log row so that
/// [`Store::undo_decision`] can put it back.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Previous {
    /// The comment decided on, as it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    comment: Option<CommentState>,
    /// The comments a ban rejected, as they were.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    comments: Vec<CommentState>,
    /// The reports the decision resolved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    reports: Vec<i64>,
    /// The notifications the decision created.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    notifications: Vec<i64>,
    /// The reader's column the action changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    user: Option<UserColumn>,
    /// The moderator note the action added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<i64>,
    /// The sections a moderator was limited to before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sections: Option<Vec<i64>>,
}

#[derive(Debug, Serialize, Deserialize)]
struct CommentState {
    id: i64,
    status: String,
    featured: i64,
    flagged: i64,
    reviewed_at: Option<i64>,
    /// Kept by a redaction only: the text it replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<CommentText>,
}

#[derive(Debug, Serialize, Deserialize)]
struct CommentText {
    body: String,
    redaction_note: Option<String>,
}

fn comment_state(row: &AnyRow, id: i64) -> Result<CommentState> {
    Ok(CommentState {
        id,
        status: row.try_get("status")?,
        featured: row.try_get("featured")?,
        flagged: row.try_get("flagged")?,
        reviewed_at: row.try_get("reviewed_at")?,
        text: None,
    })
}

/// A reader's column as it was before an action changed it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "column", content = "was", rename_all = "snake_case")]
enum UserColumn {
    Warning(Option<String>),
    SuspendedUntil(Option<i64>),
    BannedAt(Option<i64>),
    ShadowBanned(i64),
    PreModerated(i64),
}

/// A moderator's decision that may be undone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub id: i64,
    pub at: Timestamp,
    pub actor_id: i64,
    pub action: String,
    pub comment_id: Option<i64>,
    /// The reader a reader action concerns (none for a comment decision).
    pub reader_id: Option<i64>,
}

/// Why a decision cannot be undone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UndoRefusal {
    #[error("no such decision")]
    NotADecision,
    #[error("the time to undo this decision has passed")]
    WindowPassed,
    #[error("this decision was already undone")]
    AlreadyUndone,
    /// A later decision (or an edit) changed the same comment or reader;
    /// putting back the older state would silently revert it.
    #[error("a later decision changed this since; decide again instead")]
    Superseded,
}

impl UndoRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            UndoRefusal::NotADecision => "not_found",
            UndoRefusal::WindowPassed => "undo_window_passed",
            UndoRefusal::AlreadyUndone => "already_undone",
            UndoRefusal::Superseded => "superseded",
        }
    }
}

/// Announces a change to a comment, as a decision on it does, so that
/// open pages, queues, the search index and caches follow.
async fn announce_comment(
    tx: &mut Transaction<'static, Any>,
    backend: crate::Backend,
    comment_id: i64,
    actor_id: i64,
    payload: &serde_json::Value,
) -> Result<()> {
    let row = sqlx::query(
        "SELECT c.edition_id, e.story_id, e.lang FROM comments c
         JOIN editions e ON e.id = c.edition_id WHERE c.id = $1",
    )
    .bind(comment_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else {
        return Ok(());
    };
    events::record(
        tx,
        backend,
        NewEvent::edition(
            EventKind::CommentModerated,
            row.try_get("story_id")?,
            row.try_get("edition_id")?,
            Lang::parse(&row.try_get::<String, _>("lang")?)?,
            Some(actor_id),
            payload,
        ),
    )
    .await?;
    Ok(())
}

pub(crate) fn reasons_json(reasons: &[Reason]) -> String {
    serde_json::to_string(reasons).unwrap_or_else(|_| "[]".to_owned())
}

pub(crate) fn reasons_of(text: &str) -> Vec<Reason> {
    serde_json::from_str(text).unwrap_or_default()
}

/// The SQL condition for a queue.
fn queue_condition(queue: Queue) -> &'static str {
    match queue {
        Queue::Pending => "c.status = 'pending'",
        Queue::Reported => {
            "c.status = 'visible' AND EXISTS (SELECT 1 FROM comment_reports cr
             WHERE cr.comment_id = c.id AND cr.resolved_at IS NULL)"
        }
        Queue::Flagged => "c.status = 'visible' AND c.flagged = 1 AND c.reviewed_at IS NULL",
        Queue::Approved => "c.status = 'visible'",
        Queue::Rejected => "c.status = 'rejected'",
    }
}

/// The filter's narrowing conditions and their parameters, numbered from
/// `$first`.
fn narrowing(filter: &QueueFilter, first: usize) -> (String, Vec<Param>) {
    let mut sql = String::new();
    let mut params = Vec::new();
    let next = |value: Param, params: &mut Vec<Param>| {
        params.push(value);
        format!("${}", first + params.len() - 1)
    };
    if let Some(story) = filter.story_id {
        sql += &format!(" AND e.story_id = {}", next(Param::Int(story), &mut params));
    }
    if let Some(section) = filter.section_id {
        sql += &format!(
            " AND s.section_id = {}",
            next(Param::Int(section), &mut params)
        );
    }
    if let Some(lang) = filter.lang {
        sql += &format!(
            " AND e.lang = {}",
            next(Param::Text(lang.as_str().to_owned()), &mut params)
        );
    }
    if let Some(reason) = &filter.reason {
        // Pipeline reasons live on the comment; readers' on their reports.
        let pattern = next(Param::Text(format!("%\"code\":\"{reason}\"%")), &mut params);
        let report = next(Param::Text(reason.clone()), &mut params);
        sql += &format!(
            " AND (c.moderation_reasons LIKE {pattern} OR EXISTS (SELECT 1 FROM comment_reports cr
               WHERE cr.comment_id = c.id AND cr.resolved_at IS NULL AND cr.reason = {report}))"
        );
    }
    if !filter.sections.is_empty() {
        let list: Vec<String> = filter
            .sections
            .iter()
            .map(|&id| next(Param::Int(id), &mut params))
            .collect();
        sql += &format!(" AND s.section_id IN ({})", list.join(", "));
    }
    (sql, params)
}

enum Param {
    Int(i64),
    Text(String),
}

fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    params: &'q [Param],
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    for param in params {
        query = match param {
            Param::Int(v) => query.bind(*v),
            Param::Text(v) => query.bind(v.as_str()),
        };
    }
    query
}

const QUEUE_FROM: &str =
    "JOIN editions e ON e.id = c.edition_id JOIN stories s ON s.id = e.story_id";

fn standing_from_row(row: &AnyRow) -> Result<Standing> {
    Ok(Standing {
        user_id: row.try_get("id")?,
        username: row.try_get("username")?,
        role: row.try_get("role")?,
        banned: row.try_get::<Option<i64>, _>("banned_at")?.is_some(),
        shadow_banned: row.try_get::<i64, _>("shadow_banned")? != 0,
        pre_moderated: row.try_get::<i64, _>("pre_moderated")? != 0,
        warning: row.try_get("warning")?,
        suspended_until: row
            .try_get::<Option<i64>, _>("suspended_until")?
            .map(from_millis)
            .filter(|&until| until > Timestamp::now()),
        sections: Vec::new(),
    })
}

impl Store {
    /// The site's pipeline policy and the word lists' version.
    pub async fn moderation_policy(&self) -> Result<(PolicySettings, i64)> {
        let row =
            sqlx::query("SELECT settings, word_lists_version FROM moderation_policy WHERE id = 1")
                .fetch_one(&self.read)
                .await?;
        let settings: String = row.try_get("settings")?;
        Ok((
            serde_json::from_str(&settings).unwrap_or_default(),
            row.try_get("word_lists_version")?,
        ))
    }

    /// Replaces the pipeline policy.
    pub async fn set_moderation_policy(
        &self,
        settings: &PolicySettings,
        actor_id: i64,
    ) -> Result<()> {
        settings.validate()?;
        let text = serde_json::to_string(settings).unwrap_or_else(|_| "{}".to_owned());
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE moderation_policy SET settings = $1 WHERE id = 1")
            .bind(&text)
            .execute(&mut *tx)
            .await?;
        write_log(
            &mut tx,
            LogRow {
                actor_id: Some(actor_id),
                phase: None,
                action: "policy_updated",
                comment_id: None,
                user_id: None,
                reasons: &[],
                message: &text,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every word-list entry, by language, list and term.
    pub async fn word_lists(&self) -> Result<Vec<WordListRow>> {
        let rows = sqlx::query(
            "SELECT lang, list, term, mode FROM word_list_entries ORDER BY lang, list, term",
        )
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(WordListRow {
                    lang: row.try_get("lang")?,
                    list: row.try_get("list")?,
                    term: row.try_get("term")?,
                    mode: row.try_get("mode")?,
                })
            })
            .collect()
    }

    /// Replaces one list of one language and bumps the version every node
    /// checks before using its compiled lists.
    pub async fn replace_word_list(
        &self,
        lang: Lang,
        list: ListKind,
        entries: &[(String, MatchMode)],
        actor_id: i64,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM word_list_entries WHERE lang = $1 AND list = $2")
            .bind(lang.as_str())
            .bind(list.as_str())
            .execute(&mut *tx)
            .await?;
        let now = to_millis(Timestamp::now());
        for (term, mode) in entries {
            sqlx::query(
                "INSERT INTO word_list_entries (lang, list, term, mode, created_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (lang, list, term) DO NOTHING",
            )
            .bind(lang.as_str())
            .bind(list.as_str())
            .bind(term)
            .bind(mode.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "UPDATE moderation_policy SET word_lists_version = word_lists_version + 1 WHERE id = 1",
        )
        .execute(&mut *tx)
        .await?;
        write_log(
            &mut tx,
            LogRow {
                actor_id: Some(actor_id),
                phase: None,
                action: "word_list_updated",
                comment_id: None,
                user_id: None,
                reasons: &[],
                message: &format!("{} {} ({} terms)", lang, list.as_str(), entries.len()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The stored settings of one scope (`scope_id` 0 for the site).
    pub async fn scope_settings(
        &self,
        scope: SettingScope,
        scope_id: i64,
    ) -> Result<ScopeSettings> {
        let row = sqlx::query(
            "SELECT pre_moderated, closed, message FROM moderation_settings WHERE scope = $1 AND scope_id = $2",
        )
        .bind(scope.as_str())
        .bind(scope_id)
        .fetch_optional(&self.read)
        .await?;
        row.map(|row| scope_settings_from_row(&row))
            .transpose()
            .map(Option::unwrap_or_default)
    }

    /// Stores the settings of one scope.
    pub async fn set_scope_settings(
        &self,
        scope: SettingScope,
        scope_id: i64,
        settings: &ScopeSettings,
        actor_id: i64,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO moderation_settings (scope, scope_id, pre_moderated, closed, message, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (scope, scope_id) DO UPDATE SET pre_moderated = excluded.pre_moderated,
                closed = excluded.closed, message = excluded.message, updated_at = excluded.updated_at",
        )
        .bind(scope.as_str())
        .bind(scope_id)
        .bind(settings.pre_moderated.map(i64::from))
        .bind(settings.closed.map(i64::from))
        .bind(settings.message.as_deref())
        .bind(to_millis(Timestamp::now()))
        .execute(&mut *tx)
        .await?;
        write_log(
            &mut tx,
            LogRow {
                actor_id: Some(actor_id),
                phase: None,
                action: "settings_updated",
                comment_id: None,
                user_id: None,
                reasons: &[],
                message: &format!(
                    "{} {scope_id}: {}",
                    scope.as_str(),
                    serde_json::to_string(settings).unwrap_or_default()
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// What applies to a story's threads: site, its section, itself.
    pub async fn thread_settings(&self, story_id: i64) -> Result<ThreadSettings> {
        let rows = sqlx::query(
            "SELECT scope, pre_moderated, closed, message FROM moderation_settings
             WHERE (scope = 'site' AND scope_id = 0) OR (scope = 'story' AND scope_id = $1)
                OR (scope = 'section' AND scope_id = (SELECT section_id FROM stories WHERE id = $1))",
        )
        .bind(story_id)
        .fetch_all(&self.read)
        .await?;
        let mut by_scope: HashMap<String, ScopeSettings> = HashMap::new();
        for row in &rows {
            by_scope.insert(row.try_get("scope")?, scope_settings_from_row(row)?);
        }
        let get = |scope: SettingScope| by_scope.get(scope.as_str()).cloned().unwrap_or_default();
        Ok(thread_settings(
            &get(SettingScope::Site),
            &get(SettingScope::Section),
            &get(SettingScope::Story),
        ))
    }

    /// The section of a story (none for a story without one).
    pub async fn story_section(&self, story_id: i64) -> Result<Option<i64>> {
        let row: Option<Option<i64>> =
            sqlx::query_scalar("SELECT section_id FROM stories WHERE id = $1")
                .bind(story_id)
                .fetch_optional(&self.read)
                .await?;
        row.ok_or(StoreError::NotFound)
    }

    /// Where a reader stands: bans, warnings, suspension, limits.
    pub async fn standing(&self, user_id: i64) -> Result<Standing> {
        let row = sqlx::query(
            "SELECT id, username, role, banned_at, shadow_banned, pre_moderated, warning, suspended_until
             FROM users WHERE id = $1",
        )
        .bind(user_id)
        .fetch_optional(&self.read)
        .await?
        .ok_or(StoreError::NotFound)?;
        let mut standing = standing_from_row(&row)?;
        standing.sections = sqlx::query_scalar(
            "SELECT section_id FROM moderator_sections WHERE user_id = $1 ORDER BY section_id",
        )
        .bind(user_id)
        .fetch_all(&self.read)
        .await?;
        Ok(standing)
    }

    /// The author's record as the pipeline weighs it. `body` is the text
    /// being moderated; `except` the comment being edited, if any.
    pub async fn author_history(
        &self,
        user_id: i64,
        role: Role,
        pre_moderated: bool,
        body: &str,
        except: Option<i64>,
    ) -> Result<AuthorHistory> {
        let now = Timestamp::now();
        let row = sqlx::query(
            "SELECT
               (SELECT COUNT(*) FROM comments WHERE author_id = $1 AND status = 'visible') AS approved,
               (SELECT COUNT(*) FROM comments WHERE author_id = $1 AND created_at >= $2) AS recent,
               (SELECT COUNT(*) FROM comments WHERE author_id = $1 AND created_at >= $2 AND status = 'rejected') AS rejected,
               (SELECT COUNT(*) FROM comments WHERE author_id = $1 AND created_at >= $3 AND body = $4 AND id <> $5) AS repeats",
        )
        .bind(user_id)
        .bind(to_millis(now - RECENT))
        .bind(to_millis(now - REPEAT_WINDOW))
        .bind(body)
        .bind(except.unwrap_or(0))
        .fetch_one(&self.read)
        .await?;
        let count = |name: &str| -> Result<u32> {
            Ok(u32::try_from(row.try_get::<i64, _>(name)?).unwrap_or(u32::MAX))
        };
        Ok(AuthorHistory {
            staff: role.is_staff(),
            approved: count("approved")?,
            recent: count("recent")?,
            recent_rejected: count("rejected")?,
            repeats: count("repeats")?,
            forced_pre_moderation: pre_moderated,
        })
    }

    /// What acting on a comment needs: its author, status and section.
    pub async fn comment_context(&self, comment_id: i64) -> Result<CommentContext> {
        let row = sqlx::query(
            "SELECT c.id, c.author_id, c.status, s.section_id FROM comments c
             JOIN editions e ON e.id = c.edition_id JOIN stories s ON s.id = e.story_id WHERE c.id = $1",
        )
        .bind(comment_id)
        .fetch_optional(&self.read)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(CommentContext {
            comment_id: row.try_get("id")?,
            author_id: row.try_get("author_id")?,
            status: row.try_get("status")?,
            section_id: row.try_get("section_id")?,
        })
    }

    /// One page of a queue.
    pub async fn moderation_queue(&self, filter: &QueueFilter) -> Result<QueuePage> {
        let page = filter.page.max(1);
        let per_page = filter.per_page.clamp(1, 200);
        let (narrow, params) = narrowing(filter, 3);
        let order = if filter.newest_first {
            "c.created_at DESC, c.id DESC"
        } else {
            "c.created_at, c.id"
        };
        let sql = format!(
            "SELECT {VIEW_COLUMNS}, c.moderation_reasons, c.flagged, e.story_id, s.section_id,
                    e.lang AS edition_lang, e.headline, e.slug,
                    p.body AS parent_body, pu.username AS parent_author
             {VIEW_FROM} {QUEUE_FROM}
             LEFT JOIN comments p ON p.id = c.parent_id LEFT JOIN users pu ON pu.id = p.author_id
             WHERE {} {narrow} ORDER BY {order} LIMIT $1 OFFSET $2",
            queue_condition(filter.queue)
        );
        let query = sqlx::query(&sql)
            .bind(i64::from(per_page) + 1)
            .bind(i64::from(page - 1) * i64::from(per_page));
        let rows = bind_all(query, &params).fetch_all(&self.read).await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in rows.iter().take(per_page as usize) {
            items.push(QueueItem {
                comment: view_from_row(row)?,
                reasons: reasons_of(&row.try_get::<String, _>("moderation_reasons")?),
                flagged: row.try_get::<i64, _>("flagged")? != 0,
                story_id: row.try_get("story_id")?,
                section_id: row.try_get("section_id")?,
                lang: row.try_get("edition_lang")?,
                headline: row.try_get("headline")?,
                slug: row.try_get("slug")?,
                parent_author: row.try_get("parent_author")?,
                parent_body: row.try_get("parent_body")?,
                reports: Vec::new(),
            });
        }
        self.fill_reports(&mut items).await?;
        Ok(QueuePage {
            has_more: rows.len() > per_page as usize,
            items,
            page,
        })
    }

    /// Open reports of the listed comments, in one query.
    async fn fill_reports(&self, items: &mut [QueueItem]) -> Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        let placeholders: Vec<String> = (1..=items.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT comment_id, reason, note FROM comment_reports
             WHERE resolved_at IS NULL AND comment_id IN ({}) ORDER BY id",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for item in items.iter() {
            query = query.bind(item.comment.id);
        }
        let mut found: HashMap<i64, Vec<(String, String)>> = HashMap::new();
        for row in query.fetch_all(&self.read).await? {
            found
                .entry(row.try_get("comment_id")?)
                .or_default()
                .push((row.try_get("reason")?, row.try_get("note")?));
        }
        for item in items {
            item.reports = found.remove(&item.comment.id).unwrap_or_default();
        }
        Ok(())
    }

    /// How many comments each queue holds under the filter's narrowing.
    pub async fn queue_counts(&self, filter: &QueueFilter) -> Result<Vec<(Queue, i64)>> {
        let (narrow, params) = narrowing(filter, 1);
        // Without a story, section or language to narrow by, the counts
        // come from the comments' own indexes, joining nothing.
        let joined = filter.story_id.is_some()
            || filter.section_id.is_some()
            || filter.lang.is_some()
            || !filter.sections.is_empty();
        let from = if joined { QUEUE_FROM } else { "" };
        let counts: Vec<String> = Queue::ALL
            .iter()
            .map(|&queue| {
                format!(
                    "(SELECT COUNT(*) FROM comments c {from} WHERE {} {narrow})",
                    queue_condition(queue)
                )
            })
            .collect();
        let sql = format!("SELECT {}", counts.join(", "));
        let row = bind_all(sqlx::query(&sql), &params)
            .fetch_one(&self.read)
            .await?;
        Queue::ALL
            .iter()
            .enumerate()
            .map(|(i, &queue)| Ok((queue, row.try_get::<i64, _>(i)?)))
            .collect()
    }

    /// A moderator's decision on a comment, logged (with what it changed,
    /// for an undo) and announced. Returns the decision's log id.
    pub async fn moderate_comment(
        &self,
        comment_id: i64,
        action: &CommentAction,
        actor_id: i64,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT c.author_id, c.status, c.depth, c.edition_id, c.parent_id, e.story_id, e.lang,
                    c.featured, c.flagged, c.reviewed_at, c.body, c.redaction_note
             FROM comments c JOIN editions e ON e.id = c.edition_id WHERE c.id = $1",
        )
        .bind(comment_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let author_id: i64 = row.try_get("author_id")?;
        let status: String = row.try_get("status")?;
        if status == "deleted" {
            return Err(StoreError::NotFound);
        }
        let now = to_millis(Timestamp::now());
        let mut previous = Previous {
            comment: Some(comment_state(&row, comment_id)?),
            ..Previous::default()
        };
        let (reasons, message) = match action {
            CommentAction::Approve => {
                sqlx::query(
                    "UPDATE comments SET status = 'visible', reviewed_at = $1 WHERE id = $2",
                )
                .bind(now)
                .bind(comment_id)
                .execute(&mut *tx)
                .await?;
                if status == "pending" {
                    // Held comments notified no one; they do now. The
                    // notifications made here are the ones past the
                    // highest id before.
                    let before: i64 =
                        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM notifications")
                            .fetch_one(&mut *tx)
                            .await?;
                    let parent_id: Option<i64> = row.try_get("parent_id")?;
                    notify_readers(&mut tx, comment_id, author_id, parent_id, now).await?;
                    previous.notifications = sqlx::query_scalar(
                        "SELECT id FROM notifications WHERE comment_id = $1 AND id > $2 AND kind IN ('reply', 'mention')",
                    )
                    .bind(comment_id)
                    .bind(before)
                    .fetch_all(&mut *tx)
                    .await?;
                }
                (Vec::new(), String::new())
            }
            CommentAction::Reject { reason, message } => {
                sqlx::query(
                    "UPDATE comments SET status = 'rejected', reviewed_at = $1 WHERE id = $2",
                )
                .bind(now)
                .bind(comment_id)
                .execute(&mut *tx)
                .await?;
                let notice: i64 = sqlx::query_scalar(
                    "INSERT INTO notifications (user_id, kind, comment_id, actor_id, created_at, message)
                     VALUES ($1, 'rejected', $2, NULL, $3, $4) RETURNING id",
                )
                .bind(author_id)
                .bind(comment_id)
                .bind(now)
                .bind(message.trim())
                .fetch_one(&mut *tx)
                .await?;
                previous.notifications.push(notice);
                let reasons = if reason.trim().is_empty() {
                    Vec::new()
                } else {
                    vec![Reason {
                        code: reason.trim().to_owned(),
                        detail: String::new(),
                    }]
                };
                (reasons, message.trim().to_owned())
            }
            CommentAction::Feature | CommentAction::Unfeature => {
                let depth: i64 = row.try_get("depth")?;
                if depth != 0 || status != "visible" {
                    return Err(khabar_core::InvalidInput::new(
                        "comment",
                        "not_featurable",
                        "only published top-level comments can be featured",
                    )
                    .into());
                }
                sqlx::query("UPDATE comments SET featured = $1, reviewed_at = $2 WHERE id = $3")
                    .bind(i64::from(matches!(action, CommentAction::Feature)))
                    .bind(now)
                    .bind(comment_id)
                    .execute(&mut *tx)
                    .await?;
                (Vec::new(), String::new())
            }
            CommentAction::Redact { note } => {
                let note = note.trim();
                if let Some(state) = previous.comment.as_mut() {
                    state.text = Some(CommentText {
                        body: row.try_get("body")?,
                        redaction_note: row.try_get("redaction_note")?,
                    });
                }
                // Every body stays in comment_versions; only the page loses it.
                sqlx::query(
                    "UPDATE comments SET body = '', redaction_note = $1, reviewed_at = $2 WHERE id = $3",
                )
                .bind(note)
                .bind(now)
                .bind(comment_id)
                .execute(&mut *tx)
                .await?;
                (Vec::new(), note.to_owned())
            }
        };
        // A decision answers the reports filed so far.
        previous.reports = sqlx::query_scalar(
            "UPDATE comment_reports SET resolved_at = $1 WHERE comment_id = $2 AND resolved_at IS NULL RETURNING id",
        )
        .bind(now)
        .bind(comment_id)
        .fetch_all(&mut *tx)
        .await?;
        let decision = insert_log(
            &mut tx,
            &LogRow {
                actor_id: Some(actor_id),
                phase: None,
                action: action.as_str(),
                comment_id: Some(comment_id),
                user_id: Some(author_id),
                reasons: &reasons,
                message: &message,
            },
            Timestamp::now(),
            Some(&previous),
            None,
        )
        .await?;
        let lang = Lang::parse(&row.try_get::<String, _>("lang")?)?;
        let payload = json!({ "comment_id": comment_id, "action": action.as_str() });
        events::record(
            &mut tx,
            self.backend,
            NewEvent::edition(
                EventKind::CommentModerated,
                row.try_get("story_id")?,
                row.try_get("edition_id")?,
                lang,
                Some(actor_id),
                &payload,
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(decision)
    }

    /// A moderator's action on a reader, logged (with what it changed, for
    /// an undo) and announced. Returns the decision's log id.
    pub async fn moderate_user(
        &self,
        user_id: i64,
        action: &UserAction,
        actor_id: i64,
    ) -> Result<i64> {
        action.validate()?;
        let mut tx = self.begin_write().await?;
        let user = sqlx::query(
            "SELECT warning, suspended_until, banned_at, shadow_banned, pre_moderated
             FROM users WHERE id = $1 AND deleted_at IS NULL",
        )
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let now = Timestamp::now();
        let set = |sql: &'static str| sqlx::query(sql).bind(user_id);
        let mut message = String::new();
        let mut previous = Previous {
            user: match action {
                UserAction::Warn { .. } => Some(UserColumn::Warning(user.try_get("warning")?)),
                UserAction::Suspend { .. } | UserAction::Unsuspend => {
                    Some(UserColumn::SuspendedUntil(user.try_get("suspended_until")?))
                }
                UserAction::Ban { .. } | UserAction::Unban => {
                    Some(UserColumn::BannedAt(user.try_get("banned_at")?))
                }
                UserAction::ShadowBan | UserAction::Unshadow => {
                    Some(UserColumn::ShadowBanned(user.try_get("shadow_banned")?))
                }
                UserAction::PreModerate | UserAction::StopPreModerating => {
                    Some(UserColumn::PreModerated(user.try_get("pre_moderated")?))
                }
                UserAction::Note { .. } | UserAction::LimitSections { .. } => None,
            },
            ..Previous::default()
        };
        match action {
            UserAction::Warn { message: text } => {
                message = text.trim().to_owned();
                sqlx::query("UPDATE users SET warning = $1 WHERE id = $2")
                    .bind(&message)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
            }
            UserAction::Suspend { hours } => {
                let until = now + SignedDuration::from_hours(i64::from(*hours));
                message = until.to_string();
                sqlx::query("UPDATE users SET suspended_until = $1 WHERE id = $2")
                    .bind(to_millis(until))
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
            }
            UserAction::Unsuspend => {
                set("UPDATE users SET suspended_until = NULL WHERE id = $1")
                    .execute(&mut *tx)
                    .await?;
            }
            UserAction::Ban { reject_comments } => {
                sqlx::query("UPDATE users SET banned_at = $1 WHERE id = $2")
                    .bind(to_millis(now))
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                if *reject_comments {
                    let rejected = sqlx::query(
                        "SELECT c.id, c.edition_id, e.story_id, e.lang, c.status, c.featured,
                                c.flagged, c.reviewed_at
                         FROM comments c JOIN editions e ON e.id = c.edition_id
                         WHERE c.author_id = $1 AND c.status IN ('visible', 'pending', 'shadowed')",
                    )
                    .bind(user_id)
                    .fetch_all(&mut *tx)
                    .await?;
                    sqlx::query(
                        "UPDATE comments SET status = 'rejected', reviewed_at = $1
                         WHERE author_id = $2 AND status IN ('visible', 'pending', 'shadowed')",
                    )
                    .bind(to_millis(now))
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                    // Open pages and queues learn of each, as of any decision.
                    for row in &rejected {
                        let comment_id: i64 = row.try_get("id")?;
                        previous.comments.push(comment_state(row, comment_id)?);
                        let payload = json!({ "comment_id": comment_id, "action": "reject" });
                        events::record(
                            &mut tx,
                            self.backend,
                            NewEvent::edition(
                                EventKind::CommentModerated,
                                row.try_get("story_id")?,
                                row.try_get("edition_id")?,
                                Lang::parse(&row.try_get::<String, _>("lang")?)?,
                                Some(actor_id),
                                &payload,
                            ),
                        )
                        .await?;
                    }
                    message = format!("{} comments rejected", rejected.len());
                }
            }
            UserAction::Unban => {
                set("UPDATE users SET banned_at = NULL WHERE id = $1")
                    .execute(&mut *tx)
                    .await?;
            }
            UserAction::ShadowBan | UserAction::Unshadow => {
                sqlx::query("UPDATE users SET shadow_banned = $1 WHERE id = $2")
                    .bind(i64::from(matches!(action, UserAction::ShadowBan)))
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
            }
            UserAction::PreModerate | UserAction::StopPreModerating => {
                sqlx::query("UPDATE users SET pre_moderated = $1 WHERE id = $2")
                    .bind(i64::from(matches!(action, UserAction::PreModerate)))
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
            }
            UserAction::Note { body } => {
                message = body.trim().to_owned();
                let note: i64 = sqlx::query_scalar(
                    "INSERT INTO moderator_notes (user_id, author_id, body, created_at) VALUES ($1, $2, $3, $4)
                     RETURNING id",
                )
                .bind(user_id)
                .bind(actor_id)
                .bind(&message)
                .bind(to_millis(now))
                .fetch_one(&mut *tx)
                .await?;
                previous.note = Some(note);
            }
            UserAction::LimitSections { section_ids } => {
                previous.sections = Some(
                    sqlx::query_scalar(
                        "SELECT section_id FROM moderator_sections WHERE user_id = $1 ORDER BY section_id",
                    )
                    .bind(user_id)
                    .fetch_all(&mut *tx)
                    .await?,
                );
                set("DELETE FROM moderator_sections WHERE user_id = $1")
                    .execute(&mut *tx)
                    .await?;
                for section_id in section_ids {
                    sqlx::query(
                        "INSERT INTO moderator_sections (user_id, section_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    )
                    .bind(user_id)
                    .bind(section_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| match &e {
                        sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                            StoreError::NotFound
                        }
                        _ => StoreError::Database(e),
                    })?;
                }
                message = format!("{section_ids:?}");
            }
        }
        let decision = insert_log(
            &mut tx,
            &LogRow {
                actor_id: Some(actor_id),
                phase: None,
                action: action.as_str(),
                comment_id: None,
                user_id: Some(user_id),
                reasons: &[],
                message: &message,
            },
            now,
            Some(&previous),
            None,
        )
        .await?;
        let payload = json!({ "user_id": user_id, "action": action.as_str() });
        events::record(
            &mut tx,
            self.backend,
            NewEvent {
                kind: EventKind::UserModerated,
                story_id: None,
                edition_id: None,
                lang: None,
                actor_id: Some(actor_id),
                payload: &payload,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(decision)
    }

    /// A moderator's decision that an undo could reverse (rows before
    /// undo existed, the pipeline's and undos themselves are not).
    pub async fn decision(&self, log_id: i64) -> Result<Decision> {
        let row = sqlx::query(
            "SELECT id, at, actor_id, action, comment_id, user_id, previous FROM moderation_log
             WHERE id = $1 AND actor_id IS NOT NULL AND previous IS NOT NULL",
        )
        .bind(log_id)
        .fetch_optional(&self.read)
        .await?
        .ok_or(StoreError::NotFound)?;
        let (decision, _) = decision_from_row(&row)?.ok_or(StoreError::NotFound)?;
        Ok(decision)
    }

    /// Reverses a moderator's decision made within `window` before `now`:
    /// the comment's or reader's columns as they were, the reports it
    /// resolved reopened, the notifications it created deleted. Logged as
    /// `undo` and announced as the decision was. Returns the undo's log id.
    pub async fn undo_decision(
        &self,
        log_id: i64,
        actor_id: i64,
        now: Timestamp,
        window: SignedDuration,
    ) -> Result<Result<i64, UndoRefusal>> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT id, at, actor_id, action, comment_id, user_id, previous FROM moderation_log
             WHERE id = $1 AND actor_id IS NOT NULL AND previous IS NOT NULL",
        )
        .bind(log_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(Err(UndoRefusal::NotADecision));
        };
        let Some((decision, previous)) = decision_from_row(&row)? else {
            return Ok(Err(UndoRefusal::NotADecision));
        };
        if decision.at + window < now {
            return Ok(Err(UndoRefusal::WindowPassed));
        }
        let undone: Option<i64> =
            sqlx::query_scalar("SELECT id FROM moderation_log WHERE undoes = $1")
                .bind(log_id)
                .fetch_optional(&mut *tx)
                .await?;
        if undone.is_some() {
            return Ok(Err(UndoRefusal::AlreadyUndone));
        }
        // Later decisions that still stand (neither undos nor undone) on
        // the same comment, or on the same reader (notes change nothing).
        let (target, id) = match (decision.comment_id, decision.reader_id) {
            (Some(comment_id), _) => ("l.comment_id = $2", comment_id),
            (None, Some(user_id)) => (
                "l.comment_id IS NULL AND l.user_id = $2 AND l.action <> 'note'",
                user_id,
            ),
            (None, None) => return Ok(Err(UndoRefusal::NotADecision)),
        };
        let later: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM moderation_log l WHERE l.id > $1 AND l.action <> 'undo'
             AND NOT EXISTS (SELECT 1 FROM moderation_log u WHERE u.undoes = l.id) AND {target}"
        ))
        .bind(log_id)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        if later > 0 {
            return Ok(Err(UndoRefusal::Superseded));
        }
        let undo = insert_log(
            &mut tx,
            &LogRow {
                actor_id: Some(actor_id),
                phase: None,
                action: "undo",
                comment_id: decision.comment_id,
                // The same reader as the decision (a comment's author too).
                user_id: row.try_get("user_id")?,
                reasons: &[],
                message: &decision.action,
            },
            now,
            None,
            Some(log_id),
        )
        .await;
        let undo = match undo {
            Err(StoreError::Database(sqlx::Error::Database(db))) if db.is_unique_violation() => {
                // Another moderator undid it a moment ago.
                return Ok(Err(UndoRefusal::AlreadyUndone));
            }
            other => other?,
        };
        if let Some(state) = &previous.comment {
            // A comment its author deleted since stays deleted.
            sqlx::query(
                "UPDATE comments SET status = $1, featured = $2, flagged = $3, reviewed_at = $4
                 WHERE id = $5 AND status <> 'deleted'",
            )
            .bind(&state.status)
            .bind(state.featured)
            .bind(state.flagged)
            .bind(state.reviewed_at)
            .bind(state.id)
            .execute(&mut *tx)
            .await?;
            if let Some(text) = &state.text {
                sqlx::query("UPDATE comments SET body = $1, redaction_note = $2 WHERE id = $3")
                    .bind(&text.body)
                    .bind(text.redaction_note.as_deref())
                    .bind(state.id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for report in &previous.reports {
            sqlx::query("UPDATE comment_reports SET resolved_at = NULL WHERE id = $1")
                .bind(report)
                .execute(&mut *tx)
                .await?;
        }
        for notification in &previous.notifications {
            sqlx::query("DELETE FROM notifications WHERE id = $1")
                .bind(notification)
                .execute(&mut *tx)
                .await?;
        }
        let payload =
            |key: &str, id: i64| json!({ key: id, "action": "undo", "undoes": decision.action });
        if let Some(comment_id) = decision.comment_id {
            announce_comment(
                &mut tx,
                self.backend,
                comment_id,
                actor_id,
                &payload("comment_id", comment_id),
            )
            .await?;
        }
        if let Some(user_id) = decision.reader_id {
            self.restore_reader(&mut tx, user_id, &previous).await?;
            // Comments a ban rejected come back unless decided on since.
            for state in &previous.comments {
                let restored = sqlx::query(
                    "UPDATE comments SET status = $1, reviewed_at = $2 WHERE id = $3 AND status = 'rejected'",
                )
                .bind(&state.status)
                .bind(state.reviewed_at)
                .bind(state.id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if restored > 0 {
                    announce_comment(
                        &mut tx,
                        self.backend,
                        state.id,
                        actor_id,
                        &payload("comment_id", state.id),
                    )
                    .await?;
                }
            }
            events::record(
                &mut tx,
                self.backend,
                NewEvent {
                    kind: EventKind::UserModerated,
                    story_id: None,
                    edition_id: None,
                    lang: None,
                    actor_id: Some(actor_id),
                    payload: &payload("user_id", user_id),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Ok(undo))
    }

    /// Puts back what a reader action changed on the reader.
    async fn restore_reader(
        &self,
        tx: &mut Transaction<'static, Any>,
        user_id: i64,
        previous: &Previous,
    ) -> Result<()> {
        if let Some(column) = &previous.user {
            let query = match column {
                UserColumn::Warning(was) => {
                    sqlx::query("UPDATE users SET warning = $1 WHERE id = $2").bind(was.clone())
                }
                UserColumn::SuspendedUntil(was) => {
                    sqlx::query("UPDATE users SET suspended_until = $1 WHERE id = $2").bind(*was)
                }
                UserColumn::BannedAt(was) => {
                    sqlx::query("UPDATE users SET banned_at = $1 WHERE id = $2").bind(*was)
                }
                UserColumn::ShadowBanned(was) => {
                    sqlx::query("UPDATE users SET shadow_banned = $1 WHERE id = $2").bind(*was)
                }
                UserColumn::PreModerated(was) => {
                    sqlx::query("UPDATE users SET pre_moderated = $1 WHERE id = $2").bind(*was)
                }
            };
            query.bind(user_id).execute(&mut **tx).await?;
        }
        if let Some(note) = previous.note {
            sqlx::query("DELETE FROM moderator_notes WHERE id = $1")
                .bind(note)
                .execute(&mut **tx)
                .await?;
        }
        if let Some(sections) = &previous.sections {
            sqlx::query("DELETE FROM moderator_sections WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut **tx)
                .await?;
            for section_id in sections {
                sqlx::query(
                    "INSERT INTO moderator_sections (user_id, section_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                )
                .bind(user_id)
                .bind(section_id)
                .execute(&mut **tx)
                .await?;
            }
        }
        Ok(())
    }

    /// The reader read their warning; they may comment again.
    pub async fn acknowledge_warning(&self, user_id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let changed =
            sqlx::query("UPDATE users SET warning = NULL WHERE id = $1 AND warning IS NOT NULL")
                .bind(user_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if changed > 0 {
            write_log(
                &mut tx,
                LogRow {
                    actor_id: Some(user_id),
                    phase: None,
                    action: "warning_acknowledged",
                    comment_id: None,
                    user_id: Some(user_id),
                    reasons: &[],
                    message: "",
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The audit log, newest first.
    pub async fn audit_log(&self, filter: &LogFilter) -> Result<Vec<LogEntry>> {
        // One character past the excerpt tells whether it was cut.
        let mut sql = format!(
            "SELECT l.id, l.at, a.username AS actor, l.phase, l.action, l.comment_id, l.user_id,
                    u.username, l.reasons, l.message, SUBSTR(c.body, 1, {}) AS excerpt,
                    e.headline, e.lang AS story_lang, e.slug
             FROM moderation_log l LEFT JOIN users a ON a.id = l.actor_id LEFT JOIN users u ON u.id = l.user_id
             LEFT JOIN comments c ON c.id = l.comment_id LEFT JOIN editions e ON e.id = c.edition_id
             WHERE 1 = 1",
            EXCERPT_CHARS + 1
        );
        let mut params = Vec::new();
        let next = |value: Param, params: &mut Vec<Param>| {
            params.push(value);
            format!("${}", params.len())
        };
        if let Some(text) = filter
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let p = next(
                Param::Text(format!("%{}%", text.to_lowercase())),
                &mut params,
            );
            sql += &format!(
                " AND (LOWER(l.action) LIKE {p} OR LOWER(l.reasons) LIKE {p} OR LOWER(l.message) LIKE {p}
                   OR LOWER(COALESCE(a.username, l.phase, '')) LIKE {p} OR LOWER(COALESCE(u.username, '')) LIKE {p})"
            );
        }
        if let Some(user_id) = filter.user_id {
            sql += &format!(
                " AND l.user_id = {}",
                next(Param::Int(user_id), &mut params)
            );
        }
        if let Some(comment_id) = filter.comment_id {
            sql += &format!(
                " AND l.comment_id = {}",
                next(Param::Int(comment_id), &mut params)
            );
        }
        if let Some(action) = &filter.action {
            sql += &format!(
                " AND l.action = {}",
                next(Param::Text(action.clone()), &mut params)
            );
        }
        // Names become ids first, so the user index (or the id order)
        // still serves the query.
        for (column, name) in [
            ("l.actor_id", &filter.moderator),
            ("l.user_id", &filter.reader),
        ] {
            if let Some(name) = name
                .as_deref()
                .map(|n| n.trim().trim_start_matches('@'))
                .filter(|n| !n.is_empty())
            {
                let p = next(Param::Text(name.to_owned()), &mut params);
                sql += &format!(" AND {column} = (SELECT id FROM users WHERE username = {p})");
            }
        }
        if let Some(since) = filter.since {
            sql += &format!(
                " AND l.at >= {}",
                next(Param::Int(to_millis(since)), &mut params)
            );
        }
        if let Some(until) = filter.until {
            sql += &format!(
                " AND l.at < {}",
                next(Param::Int(to_millis(until)), &mut params)
            );
        }
        if let Some(before) = filter.before {
            sql += &format!(" AND l.id < {}", next(Param::Int(before), &mut params));
        }
        sql += &format!(
            " ORDER BY l.id DESC LIMIT {}",
            next(
                Param::Int(i64::from(filter.limit.clamp(1, 500))),
                &mut params
            )
        );
        let rows = bind_all(sqlx::query(&sql), &params)
            .fetch_all(&self.read)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(LogEntry {
                    id: row.try_get("id")?,
                    at: from_millis(row.try_get("at")?),
                    actor: row.try_get("actor")?,
                    phase: row.try_get("phase")?,
                    action: row.try_get("action")?,
                    comment_id: row.try_get("comment_id")?,
                    user_id: row.try_get("user_id")?,
                    username: row.try_get("username")?,
                    reasons: reasons_of(&row.try_get::<String, _>("reasons")?),
                    message: row.try_get("message")?,
                    excerpt: row
                        .try_get::<Option<String>, _>("excerpt")?
                        .map(|text| excerpt(&text)),
                    headline: row.try_get("headline")?,
                    story_lang: row.try_get("story_lang")?,
                    slug: row.try_get("slug")?,
                })
            })
            .collect()
    }

    /// A reader's record for moderators.
    pub async fn reader_history(&self, user_id: i64) -> Result<ReaderHistory> {
        let standing = self.standing(user_id).await?;
        let row = sqlx::query(
            "SELECT
               (SELECT COUNT(*) FROM comments WHERE author_id = $1 AND status = 'visible') AS approved,
               (SELECT COUNT(*) FROM comments WHERE author_id = $1 AND status = 'pending') AS pending,
               (SELECT COUNT(*) FROM comments WHERE author_id = $1 AND status = 'rejected') AS rejected,
               (SELECT COUNT(*) FROM comment_reports r JOIN comments c ON c.id = r.comment_id
                 WHERE c.author_id = $1) AS reports",
        )
        .bind(user_id)
        .fetch_one(&self.read)
        .await?;
        let notes = sqlx::query(
            "SELECT a.username, n.body, n.created_at FROM moderator_notes n JOIN users a ON a.id = n.author_id
             WHERE n.user_id = $1 ORDER BY n.created_at DESC, n.id DESC",
        )
        .bind(user_id)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|row| {
            Ok(ModeratorNote {
                author: row.try_get("username")?,
                body: row.try_get("body")?,
                created_at: from_millis(row.try_get("created_at")?),
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let log = self
            .audit_log(&LogFilter {
                user_id: Some(user_id),
                limit: 100,
                ..Default::default()
            })
            .await?;
        Ok(ReaderHistory {
            standing,
            approved: row.try_get("approved")?,
            pending: row.try_get("pending")?,
            rejected: row.try_get("rejected")?,
            reports_received: row.try_get("reports")?,
            notes,
            log,
        })
    }
}

/// The first `EXCERPT_CHARS` characters of `text`, marked when cut.
fn excerpt(text: &str) -> String {
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

fn scope_settings_from_row(row: &AnyRow) -> Result<ScopeSettings> {
    Ok(ScopeSettings {
        pre_moderated: row
            .try_get::<Option<i64>, _>("pre_moderated")?
            .map(|v| v != 0),
        closed: row.try_get::<Option<i64>, _>("closed")?.map(|v| v != 0),
        message: row.try_get("message")?,
    })
}

/// A decision's log row and what it changed; none for a snapshot this
/// version cannot read.
fn decision_from_row(row: &AnyRow) -> Result<Option<(Decision, Previous)>> {
    let Ok(previous) = serde_json::from_str::<Previous>(&row.try_get::<String, _>("previous")?)
    else {
        return Ok(None);
    };
    let decision = Decision {
        id: row.try_get("id")?,
        at: from_millis(row.try_get("at")?),
        actor_id: row.try_get("actor_id")?,
        action: row.try_get("action")?,
        comment_id: row.try_get("comment_id")?,
        // A comment decision's row names the comment's author too.
        reader_id: if previous.comment.is_some() {
            None
        } else {
            row.try_get("user_id")?
        },
    };
    Ok(Some((decision, previous)))
}
