//! Comment threads: reading a page of a thread in two queries, likes,
//! reports and the author's own edits and deletions. Posting is
//! `posting`'s.

use std::collections::HashMap;

use jiff::Timestamp;
use khabar_core::moderation::{Action, Verdict};
use khabar_core::{CommentBody, CommentSort, CommentStatus, EventKind, Lang, ReportReason};
use khabar_text::comment::Mentioned;
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{Any, FromRow, Row, Transaction};

use sha2::{Digest, Sha256};

use crate::audit::{LogRow, reasons_json, reasons_of, write_log};
use crate::events::{self, NewEvent};
use crate::row::{Flag, MaybeMillis, Millis, ZeroIfNull};
use crate::time::{from_millis, to_millis};
use crate::{Backend, Result, Store, StoreError, placeholders, value_rows};

pub struct NewComment<'a> {
    pub edition_id: i64,
    pub author_id: i64,
    pub body: &'a CommentBody,
    /// The comment answered, if any.
    pub parent_id: Option<i64>,
    pub status: CommentStatus,
    /// Readers the body mentions (who exist).
    pub mentions: &'a [i64],
    /// The moderation pipeline's verdict, kept with the comment and logged.
    pub verdict: &'a Verdict,
}

/// Why a reader is notified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NotificationKind {
    Reply,
    Mention,
    /// A moderator rejected the reader's comment.
    Rejected,
}

impl NotificationKind {
    fn as_str(self) -> &'static str {
        match self {
            NotificationKind::Reply => "reply",
            NotificationKind::Mention => "mention",
            NotificationKind::Rejected => "rejected",
        }
    }
}

/// A comment as a thread shows it. Deleted comments have an empty body.
#[derive(Debug, Clone, PartialEq, Serialize, FromRow)]
pub struct CommentView {
    pub id: i64,
    pub edition_id: i64,
    pub parent_id: Option<i64>,
    #[sqlx(try_from = "ZeroIfNull")]
    pub root_id: i64,
    pub depth: i64,
    pub author_id: i64,
    pub author_username: String,
    pub author_name: String,
    pub reply_to_username: Option<String>,
    pub body: String,
    #[sqlx(try_from = "String")]
    pub status: CommentStatus,
    pub like_count: i64,
    #[sqlx(try_from = "Flag")]
    pub featured: bool,
    #[sqlx(try_from = "Millis")]
    pub created_at: Timestamp,
    #[sqlx(try_from = "MaybeMillis")]
    pub edited_at: Option<Timestamp>,
    /// Set when a moderator removed the body; shown in its place.
    pub redaction_note: Option<String>,
    /// Why a held comment waits (reason codes), for its author's view.
    #[serde(skip)]
    #[sqlx(skip)]
    pub held_for: Vec<String>,
    /// The readers the body mentions (the API lists their usernames).
    #[serde(serialize_with = "usernames")]
    #[sqlx(skip)]
    pub mentions: Vec<Mentioned>,
}

fn usernames<S: serde::Serializer>(
    mentions: &[Mentioned],
    out: S,
) -> std::result::Result<S::Ok, S::Error> {
    out.collect_seq(mentions.iter().map(|m| &m.username))
}

/// One page of a thread: top-level comments, each with all its replies in
/// reading order and how many there are.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThreadPage {
    pub comments: Vec<ThreadEntry>,
    pub page: u32,
    pub has_more: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThreadEntry {
    pub comment: CommentView,
    pub replies: Vec<CommentView>,
    pub reply_count: usize,
}

pub(crate) const VIEW_COLUMNS: &str =
    "c.id, c.edition_id, c.parent_id, c.root_id, c.depth, c.author_id, c.body, c.status,
    c.like_count, c.featured, c.created_at, c.edited_at, c.redaction_note, c.moderation_reasons,
    u.username AS author_username,
    u.display_name AS author_name, r.username AS reply_to_username";

pub(crate) const VIEW_FROM: &str = "FROM comments c JOIN users u ON u.id = c.author_id
    LEFT JOIN users r ON r.id = c.reply_to_user_id";

/// Statuses a thread shows to everyone.
const SHOWN: &str = "c.status IN ('visible', 'deleted')";
/// What a thread shows a viewer (bound as `viewer`, e.g. `$4`): [`SHOWN`],
/// and their own held comments and a shadow-banned reader's comments, to
/// them alone. Written as a `CASE` that no index can serve: as `SHOWN OR
/// own`, SQLite's planner (without statistics) read the replies of a page
/// through the status index, i.e. every visible comment of the site, 14 ms
/// a page at 200,000 comments (bench/README.md), instead of the thread's.
fn shown_to(viewer: &str) -> String {
    format!(
        "CASE WHEN {SHOWN} THEN TRUE
              WHEN c.status IN ('pending', 'shadowed') THEN c.author_id = {viewer} ELSE FALSE END"
    )
}

/// A comment read from [`VIEW_COLUMNS`], with why it is held if it is.
pub(crate) fn view_from_row(row: &AnyRow) -> Result<CommentView> {
    let mut view = CommentView::from_row(row)?;
    hold_reasons(&mut view, row)?;
    Ok(view)
}

/// Sets why a held comment read from `row` waits.
pub(crate) fn hold_reasons(view: &mut CommentView, row: &AnyRow) -> Result<()> {
    if view.status == CommentStatus::Pending {
        view.held_for = reasons_of(&row.try_get::<String, _>("moderation_reasons")?)
            .into_iter()
            .map(|reason| reason.code)
            .collect();
    }
    Ok(())
}

impl Store {
    /// One comment, whatever its status.
    pub async fn comment(&self, comment_id: i64) -> Result<CommentView> {
        self.comments(&[comment_id])
            .await?
            .pop()
            .ok_or(StoreError::NotFound)
    }

    /// Comments by id, in no particular order; ids not found are left
    /// out. Two queries however many.
    pub async fn comments(&self, comment_ids: &[i64]) -> Result<Vec<CommentView>> {
        if comment_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {VIEW_COLUMNS} {VIEW_FROM} WHERE c.id IN ({})",
            placeholders(1, comment_ids.len())
        );
        let mut query = sqlx::query(&sql);
        for id in comment_ids {
            query = query.bind(id);
        }
        let mut views = query
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(view_from_row)
            .collect::<Result<Vec<_>>>()?;
        self.fill_mentions(&mut views).await?;
        Ok(views)
    }

    /// Loads the mentioned usernames of `comments` in one query.
    pub async fn fill_mentions(&self, comments: &mut [CommentView]) -> Result<()> {
        if comments.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "SELECT m.comment_id, u.username, u.display_name FROM comment_mentions m JOIN users u ON u.id = m.user_id
             WHERE m.comment_id IN ({}) AND u.deleted_at IS NULL",
            placeholders(1, comments.len())
        );
        let mut query = sqlx::query_as::<_, (i64, String, String)>(&sql);
        for comment in comments.iter() {
            query = query.bind(comment.id);
        }
        let mut found: HashMap<i64, Vec<Mentioned>> = HashMap::new();
        for (comment_id, username, display_name) in query.fetch_all(&self.read).await? {
            found.entry(comment_id).or_default().push(Mentioned {
                username,
                display_name,
            });
        }
        for comment in comments {
            comment.mentions = found.remove(&comment.id).unwrap_or_default();
        }
        Ok(())
    }

    /// Replaces a comment's body, keeping the previous one as a version.
    /// Whether the editor may is the caller's rule (`comment::may_edit`).
    /// The edited text went through the pipeline again: `status` and
    /// `verdict` are its new standing; `mentions` the readers it names now
    /// (linked, not notified again).
    pub async fn edit_comment(
        &self,
        comment_id: i64,
        body: &CommentBody,
        status: CommentStatus,
        verdict: &Verdict,
        mentions: &[i64],
    ) -> Result<()> {
        self.change_comment(comment_id, Some((body, status, verdict, mentions)))
            .await
    }

    /// Deletes a comment for its author: the body goes, a placeholder keeps
    /// its replies in place; versions stay for moderators.
    pub async fn delete_comment(&self, comment_id: i64) -> Result<()> {
        self.change_comment(comment_id, None).await
    }

    async fn change_comment(
        &self,
        comment_id: i64,
        edit: Option<(&CommentBody, CommentStatus, &Verdict, &[i64])>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let changed: Changed = sqlx::query_as(
            "SELECT c.edition_id, c.status, c.author_id, e.story_id, e.lang FROM comments c JOIN editions e ON e.id = c.edition_id
             WHERE c.id = $1",
        )
        .bind(comment_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        if changed.status == CommentStatus::Deleted {
            return Err(StoreError::NotFound);
        }
        let now = to_millis(Timestamp::now());
        let kind = match edit {
            Some((body, status, verdict, mentions)) => {
                let version: i64 = sqlx::query_scalar(
                    "SELECT COALESCE(MAX(version), 0) + 1 FROM comment_versions WHERE comment_id = $1",
                )
                .bind(comment_id)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query("INSERT INTO comment_versions (comment_id, version, body, saved_at) VALUES ($1, $2, $3, $4)")
                    .bind(comment_id)
                    .bind(version)
                    .bind(body.as_str())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "UPDATE comments SET body = $1, edited_at = $2, status = $3, flagged = $4,
                        moderation_reasons = $5, reviewed_at = NULL, body_hash = $7 WHERE id = $6",
                )
                .bind(body.as_str())
                .bind(now)
                .bind(status.as_str())
                .bind(i64::from(verdict.action == Action::Flag))
                .bind(reasons_json(&verdict.reasons))
                .bind(comment_id)
                .bind(body_hash(body.as_str()))
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM comment_mentions WHERE comment_id = $1")
                    .bind(comment_id)
                    .execute(&mut *tx)
                    .await?;
                for user_id in mentions {
                    sqlx::query("INSERT INTO comment_mentions (comment_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                        .bind(comment_id)
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await?;
                }
                log_verdict(&mut tx, comment_id, changed.author_id, verdict).await?;
                EventKind::CommentEdited
            }
            None => {
                sqlx::query("UPDATE comments SET body = '', body_hash = NULL, status = 'deleted', deleted_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(comment_id)
                    .execute(&mut *tx)
                    .await?;
                EventKind::CommentDeleted
            }
        };
        let payload = json!({ "comment_id": comment_id });
        events::record(
            &mut tx,
            self,
            NewEvent::edition(
                kind,
                changed.place.story_id,
                changed.place.edition_id,
                changed.place.lang,
                None,
                &payload,
            ),
        )
        .await?;
        self.commit_logged(tx).await?;
        Ok(())
    }

    /// Every saved body of a comment, newest first (for moderators).
    pub async fn comment_versions(&self, comment_id: i64) -> Result<Vec<(i64, String, Timestamp)>> {
        let rows: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT version, body, saved_at FROM comment_versions WHERE comment_id = $1 ORDER BY version DESC",
        )
        .bind(comment_id)
        .fetch_all(&self.read)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(version, body, saved_at)| (version, body, from_millis(saved_at)))
            .collect())
    }

    /// Likes a comment once per reader. Returns whether this was new.
    pub async fn like_comment(&self, comment_id: i64, user_id: i64) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO comment_likes (comment_id, user_id, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (comment_id, user_id) DO NOTHING",
        )
        .bind(comment_id)
        .bind(user_id)
        .bind(to_millis(Timestamp::now()))
        .execute(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
            _ => StoreError::Database(e),
        })?
        .rows_affected()
            == 1;
        if inserted {
            sqlx::query("UPDATE comments SET like_count = like_count + 1 WHERE id = $1")
                .bind(comment_id)
                .execute(&mut *tx)
                .await?;
            self.announce_like(&mut tx, comment_id, user_id).await?;
        }
        self.commit_logged(tx).await?;
        Ok(inserted)
    }

    /// Takes a like back. Returns whether there was one.
    pub async fn unlike_comment(&self, comment_id: i64, user_id: i64) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let removed =
            sqlx::query("DELETE FROM comment_likes WHERE comment_id = $1 AND user_id = $2")
                .bind(comment_id)
                .bind(user_id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
        if removed {
            sqlx::query("UPDATE comments SET like_count = like_count - 1 WHERE id = $1")
                .bind(comment_id)
                .execute(&mut *tx)
                .await?;
            self.announce_like(&mut tx, comment_id, user_id).await?;
        }
        self.commit_logged(tx).await?;
        Ok(removed)
    }

    /// A like count changed: pages showing it follow.
    async fn announce_like(
        &self,
        tx: &mut Transaction<'static, Any>,
        comment_id: i64,
        user_id: i64,
    ) -> Result<()> {
        announce_comment(
            tx,
            self,
            EventKind::CommentLiked,
            comment_id,
            user_id,
            &json!({ "comment_id": comment_id }),
        )
        .await
    }

    /// Reports a comment; one report per reader per comment.
    pub async fn report_comment(
        &self,
        comment_id: i64,
        reporter_id: i64,
        reason: ReportReason,
        note: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO comment_reports (comment_id, reporter_id, reason, note, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(comment_id)
        .bind(reporter_id)
        .bind(reason.as_str())
        .bind(note)
        .bind(to_millis(Timestamp::now()))
        .execute(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
            _ => StoreError::taken_if_unique(e, "your report of this comment"),
        })?;
        // Webhooks and the queues learn of it from the log.
        let payload = serde_json::json!({ "comment_id": comment_id, "reason": reason.as_str() });
        announce_comment(
            &mut tx,
            self,
            EventKind::CommentReported,
            comment_id,
            reporter_id,
            &payload,
        )
        .await?;
        self.commit_logged(tx).await
    }

    /// A page of an edition's thread in two queries: the top-level comments,
    /// then every reply under them.
    /// `viewer_id` also sees their own held and shadowed comments.
    pub async fn thread(
        &self,
        edition_id: i64,
        viewer_id: Option<i64>,
        sort: CommentSort,
        page: u32,
        per_page: u32,
    ) -> Result<ThreadPage> {
        let page = page.max(1);
        let viewer = viewer_id.unwrap_or(0);
        // Featured comments lead, whatever the order.
        let order = match sort {
            CommentSort::Oldest => "c.featured DESC, c.created_at, c.id",
            CommentSort::Newest => "c.featured DESC, c.created_at DESC, c.id DESC",
            CommentSort::MostLiked => "c.featured DESC, c.like_count DESC, c.created_at, c.id",
        };
        let rows = sqlx::query(&format!(
            "SELECT {VIEW_COLUMNS} {VIEW_FROM}
             WHERE c.edition_id = $1 AND c.depth = 0 AND {shown}
             ORDER BY {order} LIMIT $2 OFFSET $3",
            shown = shown_to("$4")
        ))
        .bind(edition_id)
        .bind(i64::from(per_page) + 1)
        .bind(i64::from(page - 1) * i64::from(per_page))
        .bind(viewer)
        .fetch_all(&self.read)
        .await?;
        let mut top = rows.iter().map(view_from_row).collect::<Result<Vec<_>>>()?;
        let has_more = top.len() > per_page as usize;
        top.truncate(per_page as usize);
        self.fill_mentions(&mut top).await?;
        let mut replies: HashMap<i64, Vec<CommentView>> = HashMap::new();
        if !top.is_empty() {
            let sql = format!(
                "SELECT {VIEW_COLUMNS} {VIEW_FROM}
                 WHERE c.root_id IN ({}) AND c.depth > 0 AND {} ORDER BY c.created_at, c.id",
                placeholders(2, top.len()),
                shown_to("$1")
            );
            let mut replies_query = sqlx::query(&sql).bind(viewer);
            for comment in &top {
                replies_query = replies_query.bind(comment.id);
            }
            let mut all = replies_query
                .fetch_all(&self.read)
                .await?
                .iter()
                .map(view_from_row)
                .collect::<Result<Vec<_>>>()?;
            self.fill_mentions(&mut all).await?;
            for reply in all {
                replies.entry(reply.root_id).or_default().push(reply);
            }
        }
        let comments = top
            .into_iter()
            .map(|comment| {
                let replies = order_replies(replies.remove(&comment.id).unwrap_or_default());
                ThreadEntry {
                    reply_count: replies
                        .iter()
                        .filter(|r| r.status == CommentStatus::Visible)
                        .count(),
                    comment,
                    replies,
                }
            })
            .collect();
        Ok(ThreadPage {
            comments,
            page,
            has_more,
        })
    }

    /// Visible comments per edition, for lists and article pages: kept by
    /// the database's triggers (migration 21), not counted.
    pub async fn comment_counts(&self, edition_ids: &[i64]) -> Result<HashMap<i64, i64>> {
        if edition_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT edition_id, visible FROM edition_counts WHERE edition_id IN ({})",
            placeholders(1, edition_ids.len())
        );
        let mut query = sqlx::query_as::<_, (i64, i64)>(&sql);
        for id in edition_ids {
            query = query.bind(id);
        }
        Ok(query.fetch_all(&self.read).await?.into_iter().collect())
    }

    /// The page (in the default order — featured first, then oldest —
    /// `per_page` top-level comments a page) on which a comment's thread
    /// appears, for permalinks.
    pub async fn comment_page(&self, comment_id: i64, per_page: u32) -> Result<(i64, u32)> {
        let (edition_id, featured, created_at, root_id): (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT r.edition_id, r.featured, r.created_at, r.id FROM comments c JOIN comments r ON r.id = c.root_id WHERE c.id = $1",
        )
        .bind(comment_id)
        .fetch_optional(&self.read)
        .await?
        .ok_or(StoreError::NotFound)?;
        let before: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM comments c WHERE c.edition_id = $1 AND c.depth = 0 AND {SHOWN}
             AND (c.featured > $2 OR (c.featured = $2
                  AND (c.created_at < $3 OR (c.created_at = $3 AND c.id < $4))))"
        ))
        .bind(edition_id)
        .bind(featured)
        .bind(created_at)
        .bind(root_id)
        .fetch_one(&self.read)
        .await?;
        Ok((edition_id, (before / i64::from(per_page.max(1))) as u32 + 1))
    }
}

/// Announces a change to a comment, as a decision on it does, so that
/// open pages, queues, the search index and caches follow.
pub(crate) async fn announce_comment(
    tx: &mut Transaction<'static, Any>,
    store: &Store,
    kind: EventKind,
    comment_id: i64,
    actor_id: i64,
    payload: &serde_json::Value,
) -> Result<()> {
    let place: Option<CommentPlace> = sqlx::query_as(
        "SELECT c.edition_id, e.story_id, e.lang FROM comments c
         JOIN editions e ON e.id = c.edition_id WHERE c.id = $1",
    )
    .bind(comment_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(place) = place else {
        return Ok(());
    };
    events::record(
        tx,
        store,
        NewEvent::edition(
            kind,
            place.story_id,
            place.edition_id,
            place.lang,
            Some(actor_id),
            payload,
        ),
    )
    .await?;
    Ok(())
}

/// The edition a comment is under, as its events name it:
/// `c.edition_id, e.story_id, e.lang`.
#[derive(FromRow)]
pub(crate) struct CommentPlace {
    pub edition_id: i64,
    pub story_id: i64,
    #[sqlx(try_from = "String")]
    pub lang: Lang,
}

/// What changing a comment needs to know of it and its edition.
#[derive(FromRow)]
struct Changed {
    #[sqlx(try_from = "String")]
    status: CommentStatus,
    author_id: i64,
    #[sqlx(flatten)]
    place: CommentPlace,
}

/// Replies in reading order: each reply right after the comment it
/// answers (depth-first), siblings oldest first.
fn order_replies(replies: Vec<CommentView>) -> Vec<CommentView> {
    let mut children: HashMap<Option<i64>, Vec<CommentView>> = HashMap::new();
    let root = replies.first().map(|r| r.root_id);
    for reply in replies {
        children.entry(reply.parent_id).or_default().push(reply);
    }
    let mut ordered = Vec::new();
    let mut stack: Vec<CommentView> = children
        .remove(&root)
        .unwrap_or_default()
        .into_iter()
        .rev()
        .collect();
    while let Some(reply) = stack.pop() {
        if let Some(mut below) = children.remove(&Some(reply.id)) {
            below.reverse();
            ordered.push(reply);
            stack.extend(below);
        } else {
            ordered.push(reply);
        }
    }
    // Anything unreachable (a parent hidden by moderation) still shows.
    let mut rest: Vec<CommentView> = children.into_values().flatten().collect();
    rest.sort_by_key(|r| (r.created_at, r.id));
    ordered.extend(rest);
    ordered
}

/// Notifies the author of the comment answered and the readers mentioned,
/// once each, never the commenter themselves.
pub(crate) async fn notify_readers(
    tx: &mut Transaction<'static, Any>,
    comment_id: i64,
    author_id: i64,
    parent_id: Option<i64>,
    now: i64,
) -> Result<()> {
    let mut notify: Vec<(i64, NotificationKind)> = Vec::new();
    if let Some(parent_id) = parent_id {
        let parent_author: Option<i64> =
            sqlx::query_scalar("SELECT author_id FROM comments WHERE id = $1")
                .bind(parent_id)
                .fetch_optional(&mut **tx)
                .await?;
        notify.extend(parent_author.map(|a| (a, NotificationKind::Reply)));
    }
    let mentioned: Vec<i64> = sqlx::query_scalar(
        "SELECT user_id FROM comment_mentions WHERE comment_id = $1 ORDER BY user_id",
    )
    .bind(comment_id)
    .fetch_all(&mut **tx)
    .await?;
    for user_id in mentioned {
        if !notify.iter().any(|(u, _)| *u == user_id) {
            notify.push((user_id, NotificationKind::Mention));
        }
    }
    let rows: Vec<_> = notify
        .into_iter()
        .filter(|(user, _)| *user != author_id)
        .map(|(user, kind)| (user, kind, comment_id, author_id, now))
        .collect();
    insert_notifications(tx, &rows).await
}

/// The hash kept with a comment's body (`comments.body_hash`), by which
/// the duplicate rule and the repeated-text count find the same text among
/// an author's recent comments: the first eight bytes of its SHA-256. Two
/// texts with the same hash are still compared in full.
pub(crate) fn body_hash(body: &str) -> i64 {
    let digest = Sha256::digest(body.as_bytes());
    let mut first = [0_u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

/// Writes notifications, each (reader, why, comment, actor, at), at once.
pub(crate) async fn insert_notifications(
    tx: &mut Transaction<'_, Any>,
    rows: &[(i64, NotificationKind, i64, i64, i64)],
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO notifications (user_id, kind, comment_id, actor_id, created_at) VALUES {}",
        value_rows(Backend::of(tx), rows.len(), 5)
    );
    let mut query = sqlx::query(&sql);
    for (user, kind, comment, actor, at) in rows {
        query = query
            .bind(user)
            .bind(kind.as_str())
            .bind(comment)
            .bind(actor)
            .bind(at);
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

/// Records the pipeline's verdict on a new or edited comment.
async fn log_verdict(
    tx: &mut Transaction<'static, Any>,
    comment_id: i64,
    author_id: i64,
    verdict: &Verdict,
) -> Result<()> {
    write_log(
        tx,
        LogRow {
            actor_id: None,
            phase: Some(verdict.phase.as_str()),
            action: verdict.action.as_str(),
            comment_id: Some(comment_id),
            user_id: Some(author_id),
            reasons: &verdict.reasons,
            message: "",
        },
    )
    .await
}
