//! Moderators' decisions on comments and readers, and undoing them: each
//! decision's log row keeps what it changed, so that for a short while it
//! can be put back exactly, itself logged and announced.
//!
//! Longer than most files on purpose: each decision and its exact undo sit
//! side by side, so that a change to one is seen next to the other.

use jiff::{SignedDuration, Timestamp};
use khabar_core::CommentStatus;
use khabar_core::EventKind;
use khabar_core::moderation::{CommentAction, Reason, UserAction};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{Any, FromRow, Transaction};

use crate::audit::{LogRow, insert_log};
use crate::comments::{CommentPlace, announce_comment, body_hash, notify_readers};
use crate::events::{self, NewEvent};
use crate::row::Millis;
use crate::time::to_millis;
use crate::{Result, Store, StoreError};

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

impl Previous {
    /// The JSON kept on the decision's log row.
    fn snapshot(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// A comment's columns a decision changes, read from `c.id, c.status,
/// c.featured, c.flagged, c.reviewed_at`.
#[derive(Debug, Serialize, Deserialize, FromRow)]
struct CommentState {
    id: i64,
    status: String,
    featured: i64,
    flagged: i64,
    reviewed_at: Option<i64>,
    /// Kept by a redaction only: the text it replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[sqlx(skip)]
    text: Option<CommentText>,
}

/// A comment as a moderator's decision finds it.
#[derive(FromRow)]
struct Decided {
    author_id: i64,
    #[sqlx(rename = "status", try_from = "String")]
    current: CommentStatus,
    depth: i64,
    parent_id: Option<i64>,
    body: String,
    redaction_note: Option<String>,
    #[sqlx(flatten)]
    place: CommentPlace,
    #[sqlx(flatten)]
    state: CommentState,
}

/// A comment a ban rejects.
#[derive(FromRow)]
struct Rejected {
    #[sqlx(flatten)]
    place: CommentPlace,
    #[sqlx(flatten)]
    state: CommentState,
}

/// A reader's columns that actions change.
#[derive(FromRow)]
struct ReaderColumns {
    warning: Option<String>,
    suspended_until: Option<i64>,
    banned_at: Option<i64>,
    shadow_banned: i64,
    pre_moderated: i64,
}

/// A moderator's decision by its log id (`$1`), if the row is one.
const LOGGED_DECISION: &str = "SELECT id, at, actor_id, action, comment_id, user_id, previous
    FROM moderation_log WHERE id = $1 AND actor_id IS NOT NULL AND previous IS NOT NULL";

/// A moderator's decision as logged, with its snapshot of what it changed.
#[derive(FromRow)]
struct LoggedDecision {
    id: i64,
    #[sqlx(try_from = "Millis")]
    at: Timestamp,
    actor_id: i64,
    action: String,
    comment_id: Option<i64>,
    user_id: Option<i64>,
    previous: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct CommentText {
    body: String,
    redaction_note: Option<String>,
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

impl Store {
    /// A moderator's decision on a comment, logged (with what it changed,
    /// for an undo) and announced. Returns the decision's log id.
    pub async fn moderate_comment(
        &self,
        comment_id: i64,
        action: &CommentAction,
        actor_id: i64,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let Decided {
            author_id,
            current,
            depth,
            parent_id,
            body,
            redaction_note,
            place,
            state,
        } = sqlx::query_as(
            "SELECT c.id, c.author_id, c.status, c.depth, c.edition_id, c.parent_id, e.story_id, e.lang,
                    c.featured, c.flagged, c.reviewed_at, c.body, c.redaction_note
             FROM comments c JOIN editions e ON e.id = c.edition_id WHERE c.id = $1",
        )
        .bind(comment_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        if current == CommentStatus::Deleted {
            return Err(StoreError::NotFound);
        }
        let now = to_millis(Timestamp::now());
        let mut previous = Previous {
            comment: Some(state),
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
                if current == CommentStatus::Pending {
                    // Held comments notified no one; they do now. The
                    // notifications made here are the ones past the
                    // highest id before.
                    let before: i64 =
                        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM notifications")
                            .fetch_one(&mut *tx)
                            .await?;
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
                if depth != 0 || current != CommentStatus::Visible {
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
                        body,
                        redaction_note,
                    });
                }
                // Every body stays in comment_versions; only the page loses it.
                sqlx::query(
                    "UPDATE comments SET body = '', body_hash = NULL, redaction_note = $1, reviewed_at = $2
                     WHERE id = $3",
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
            Some(&previous.snapshot()),
            None,
        )
        .await?;
        let payload = json!({ "comment_id": comment_id, "action": action.as_str() });
        events::record(
            &mut tx,
            self,
            NewEvent::edition(
                EventKind::CommentModerated,
                place.story_id,
                place.edition_id,
                place.lang,
                Some(actor_id),
                &payload,
            ),
        )
        .await?;
        self.commit_logged(tx).await?;
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
        let user: ReaderColumns = sqlx::query_as(
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
                UserAction::Warn { .. } => Some(UserColumn::Warning(user.warning)),
                UserAction::Suspend { .. } | UserAction::Unsuspend => {
                    Some(UserColumn::SuspendedUntil(user.suspended_until))
                }
                UserAction::Ban { .. } | UserAction::Unban => {
                    Some(UserColumn::BannedAt(user.banned_at))
                }
                UserAction::ShadowBan | UserAction::Unshadow => {
                    Some(UserColumn::ShadowBanned(user.shadow_banned))
                }
                UserAction::PreModerate | UserAction::StopPreModerating => {
                    Some(UserColumn::PreModerated(user.pre_moderated))
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
                    let rejected: Vec<Rejected> = sqlx::query_as(
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
                    let count = rejected.len();
                    for Rejected { place, state } in rejected {
                        let payload = json!({ "comment_id": state.id, "action": "reject" });
                        previous.comments.push(state);
                        events::record(
                            &mut tx,
                            self,
                            NewEvent::edition(
                                EventKind::CommentModerated,
                                place.story_id,
                                place.edition_id,
                                place.lang,
                                Some(actor_id),
                                &payload,
                            ),
                        )
                        .await?;
                    }
                    message = format!("{count} comments rejected");
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
            Some(&previous.snapshot()),
            None,
        )
        .await?;
        let payload = json!({ "user_id": user_id, "action": action.as_str() });
        events::record(
            &mut tx,
            self,
            NewEvent::site(EventKind::UserModerated, Some(actor_id), &payload),
        )
        .await?;
        self.commit_logged(tx).await?;
        Ok(decision)
    }

    /// A moderator's decision that an undo could reverse (rows before
    /// undo existed, the pipeline's and undos themselves are not).
    pub async fn decision(&self, log_id: i64) -> Result<Decision> {
        let row = sqlx::query_as(LOGGED_DECISION)
            .bind(log_id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound)?;
        let (decision, _) = decision_from_row(&row).ok_or(StoreError::NotFound)?;
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
        let row: Option<LoggedDecision> = sqlx::query_as(LOGGED_DECISION)
            .bind(log_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            return Ok(Err(UndoRefusal::NotADecision));
        };
        let Some((decision, previous)) = decision_from_row(&row) else {
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
                user_id: row.user_id,
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
                sqlx::query(
                    "UPDATE comments SET body = $1, redaction_note = $2, body_hash = $4 WHERE id = $3",
                )
                .bind(&text.body)
                .bind(text.redaction_note.as_deref())
                .bind(state.id)
                .bind(body_hash(&text.body))
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
                self,
                EventKind::CommentModerated,
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
                        self,
                        EventKind::CommentModerated,
                        state.id,
                        actor_id,
                        &payload("comment_id", state.id),
                    )
                    .await?;
                }
            }
            events::record(
                &mut tx,
                self,
                NewEvent::site(
                    EventKind::UserModerated,
                    Some(actor_id),
                    &payload("user_id", user_id),
                ),
            )
            .await?;
        }
        self.commit_logged(tx).await?;
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
}

/// A decision's log row and what it changed; none for a snapshot this
/// version cannot read.
fn decision_from_row(row: &LoggedDecision) -> Option<(Decision, Previous)> {
    let previous = serde_json::from_str::<Previous>(&row.previous).ok()?;
    let decision = Decision {
        id: row.id,
        at: row.at,
        actor_id: row.actor_id,
        action: row.action.clone(),
        comment_id: row.comment_id,
        // A comment decision's row names the comment's author too.
        reader_id: if previous.comment.is_some() {
            None
        } else {
            row.user_id
        },
    };
    Some((decision, previous))
}
