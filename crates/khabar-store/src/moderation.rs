//! Moderation: queues, readers' standing, and reading the audit log.
//! The policy (word lists, settings per site, section and story) is in
//! `policy`; decisions and their undo in `decisions`; writing the log in
//! `audit`.

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};
use khabar_core::moderation::{AuthorHistory, PolicySettings, Queue, Reason};
use khabar_core::{CommentStatus, Lang, Role};
use serde::Serialize;
use sqlx::{Any, FromRow, Row};

use crate::audit::{LogRow, write_log};
use crate::comments::{VIEW_COLUMNS, VIEW_FROM, body_hash, hold_reasons};
use crate::policy::{Discussion, EditionKey, bind_edition, discussion_from_row, discussion_select};
use crate::row::{Flag, IsSet, JsonText, MaybeLang, MaybeMillis, Millis, decode_as};
use crate::time::to_millis;
use crate::{CommentView, Result, Store, StoreError};

/// How far back "recent" reaches for a reader's rejection rate and
/// repeated texts.
pub(crate) const RECENT: SignedDuration = SignedDuration::from_hours(24 * 30);
/// Repeats of the same text count within this window.
pub(crate) const REPEAT_WINDOW: SignedDuration = SignedDuration::from_hours(24);
/// A reader's record is read at every comment they post, so each count
/// stops early: approvals at the most any policy asks for
/// (`new_commenter_approvals` ≤ 1,000), the rejection rate over their
/// newest comments of the recent window (as many as the largest
/// `rejection_rate_min_comments`). Repeats of the text are all counted:
/// the body's hash finds them.
const RECORD_SAMPLE: i64 = 1_000;

/// How far a reader's record is counted: approvals up to what the policy
/// asks of new commenters, recent comments up to [`RECORD_SAMPLE`] while
/// the rejection rate is weighed; 0 when a rule is off.
///
/// Recent comments are counted further only while the reader's rejections
/// could still tip the rule: with r rejections and a threshold of p %, the
/// rate exceeds it only among fewer than r × 100 / p + 1 comments, so the
/// count stops there (a reader with none reads one comment, not a
/// thousand; on PostgreSQL each one counted was a visit to the table).
/// The verdict is the same as counting them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RecordSample {
    approvals: i64,
    recent: i64,
    /// The threshold the recent count is bounded with (1…100).
    rejection_percent: i64,
}

impl RecordSample {
    /// The most any policy asks for.
    const MOST: RecordSample = RecordSample {
        approvals: RECORD_SAMPLE,
        recent: RECORD_SAMPLE,
        rejection_percent: 1,
    };

    fn for_policy(policy: &PolicySettings) -> RecordSample {
        let percent = i64::from(policy.rejection_rate_percent);
        RecordSample {
            approvals: i64::from(policy.new_commenter_approvals).min(RECORD_SAMPLE),
            recent: if percent > 0 { RECORD_SAMPLE } else { 0 },
            rejection_percent: percent.clamp(1, 100),
        }
    }

    /// Whether counts made this far answer what `needed` asks: a lower
    /// threshold counts further than a higher one needs.
    fn covers(self, needed: RecordSample) -> bool {
        self.approvals >= needed.approvals
            && self.recent >= needed.recent
            && (needed.recent == 0 || self.rejection_percent <= needed.rejection_percent)
    }
}

/// The bounds the last comment's policy asked for (at first, the most
/// any policy asks), shared by the store's clones.
#[derive(Debug)]
pub(crate) struct LastRecordSample(std::sync::Mutex<RecordSample>);

impl Default for LastRecordSample {
    fn default() -> Self {
        LastRecordSample(std::sync::Mutex::new(RecordSample::MOST))
    }
}

impl LastRecordSample {
    fn get(&self) -> RecordSample {
        self.0.lock().map_or(RecordSample::MOST, |sample| *sample)
    }

    fn set(&self, sample: RecordSample) {
        if let Ok(mut last) = self.0.lock() {
            *last = sample;
        }
    }
}

/// Where a reader stands with the moderators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromRow)]
pub struct Standing {
    #[sqlx(rename = "id")]
    pub user_id: i64,
    pub username: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    #[sqlx(rename = "banned_at", try_from = "IsSet")]
    pub banned: bool,
    #[sqlx(try_from = "Flag")]
    pub shadow_banned: bool,
    #[sqlx(try_from = "Flag")]
    pub pre_moderated: bool,
    /// A warning not yet acknowledged.
    pub warning: Option<String>,
    /// Set while a suspension lasts.
    #[sqlx(try_from = "MaybeMillis")]
    pub suspended_until: Option<Timestamp>,
    /// Sections a moderator is limited to (empty: all).
    #[sqlx(skip)]
    pub sections: Vec<i64>,
}

/// What the moderation pipeline weighs a comment with, besides its text.
#[derive(Debug, Clone)]
pub struct PipelineInputs {
    pub standing: Standing,
    pub history: AuthorHistory,
    /// The site's pipeline settings.
    pub policy: PolicySettings,
    /// The word lists' version, to tell a compiled copy is current.
    pub word_lists_version: i64,
}

/// What a comment about to be posted or edited is weighed with.
#[derive(Debug, Clone)]
pub struct CommentInputs {
    /// The edition's discussion; none when it takes no comments.
    pub discussion: Option<Discussion>,
    pub pipeline: PipelineInputs,
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

impl QueueFilter {
    /// Every queue's comments, narrowed by nothing: for counts, where the
    /// queue and the page count for nothing.
    pub fn everything() -> QueueFilter {
        QueueFilter {
            queue: Queue::Pending,
            story_id: None,
            section_id: None,
            lang: None,
            reason: None,
            newest_first: false,
            page: 1,
            per_page: 1,
            sections: Vec::new(),
        }
    }
}

/// A comment in a queue, with what a moderator needs to decide at once.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct QueueItem {
    #[sqlx(flatten)]
    pub comment: CommentView,
    #[sqlx(rename = "moderation_reasons", try_from = "JsonText")]
    pub reasons: Vec<Reason>,
    #[sqlx(try_from = "Flag")]
    pub flagged: bool,
    pub story_id: i64,
    pub section_id: Option<i64>,
    #[sqlx(rename = "edition_lang", try_from = "String")]
    pub lang: Lang,
    pub headline: String,
    pub slug: String,
    /// For a discussion embedded on another site: the host page's URL
    /// (the headline is its title).
    pub host_url: Option<String>,
    pub parent_author: Option<String>,
    pub parent_body: Option<String>,
    /// Open reports: (reason, note).
    #[sqlx(skip)]
    pub reports: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    pub page: u32,
    pub has_more: bool,
}

/// What a moderator acting on a comment needs to know of it.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct CommentContext {
    #[sqlx(rename = "id")]
    pub comment_id: i64,
    pub author_id: i64,
    #[sqlx(try_from = "String")]
    pub status: CommentStatus,
    pub section_id: Option<i64>,
}

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, FromRow)]
pub struct LogEntry {
    pub id: i64,
    #[sqlx(try_from = "Millis")]
    pub at: Timestamp,
    /// The moderator, or none for the pipeline.
    pub actor: Option<String>,
    /// The pipeline phase, for automatic decisions.
    pub phase: Option<String>,
    pub action: String,
    pub comment_id: Option<i64>,
    pub user_id: Option<i64>,
    pub username: Option<String>,
    #[sqlx(try_from = "JsonText")]
    pub reasons: Vec<Reason>,
    pub message: String,
    /// The comment's first `EXCERPT_CHARS` characters as typed, `…` after
    /// a cut; empty once redacted.
    #[sqlx(try_from = "Excerpt")]
    pub excerpt: Option<String>,
    /// The edition the comment is under: headline, language, slug.
    pub headline: Option<String>,
    #[sqlx(try_from = "MaybeLang")]
    pub story_lang: Option<Lang>,
    pub slug: Option<String>,
}

/// How much of a comment the log quotes.
pub(crate) const EXCERPT_CHARS: usize = 120;

/// A comment's text as the log quotes it.
struct Excerpt(Option<String>);
decode_as!(Excerpt, Option<String>, |text: Option<String>| text
    .map(|text| excerpt(&text)));

impl From<Excerpt> for Option<String> {
    fn from(value: Excerpt) -> Option<String> {
        value.0
    }
}

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

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct ModeratorNote {
    #[sqlx(rename = "username")]
    pub author: String,
    pub body: String,
    #[sqlx(try_from = "Millis")]
    pub created_at: Timestamp,
}

/// The SQL condition for a queue.
fn queue_condition(queue: Queue) -> &'static str {
    match queue {
        Queue::Pending => "c.status = 'pending'",
        Queue::Reported => {
            // A banned reader's reports no longer count.
            "c.status = 'visible' AND EXISTS (SELECT 1 FROM comment_reports cr
             WHERE cr.comment_id = c.id AND cr.resolved_at IS NULL
               AND cr.reporter_id NOT IN (SELECT id FROM users WHERE banned_at IS NOT NULL))"
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
               WHERE cr.comment_id = c.id AND cr.resolved_at IS NULL AND cr.reason = {report}
                 AND cr.reporter_id NOT IN (SELECT id FROM users WHERE banned_at IS NOT NULL)))"
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

impl Store {
    /// Where a reader stands: bans, warnings, suspension, limits.
    pub async fn standing(&self, user_id: i64) -> Result<Standing> {
        let standing: Standing = sqlx::query_as(
            "SELECT id, username, role, banned_at, shadow_banned, pre_moderated, warning, suspended_until
             FROM users WHERE id = $1",
        )
        .bind(user_id)
        .fetch_optional(&self.read)
        .await?
        .ok_or(StoreError::NotFound)?;
        self.complete_standing(standing).await
    }

    /// A standing as read from `users`, with a suspension that ended
    /// cleared and, for a moderator, the sections they are limited to.
    async fn complete_standing(&self, mut standing: Standing) -> Result<Standing> {
        standing.suspended_until = standing
            .suspended_until
            .filter(|&until| until > Timestamp::now());
        if standing.role.moderates() {
            standing.sections = sqlx::query_scalar(
                "SELECT section_id FROM moderator_sections WHERE user_id = $1 ORDER BY section_id",
            )
            .bind(standing.user_id)
            .fetch_all(&self.read)
            .await?;
        }
        Ok(standing)
    }

    /// What posting or editing a comment on `edition` weighs, in one
    /// query: the discussion (none when the edition takes no comments: not
    /// published, or no such edition), where the author stands, their
    /// record, and the site's policy. `body` is the text being moderated;
    /// `except` the comment being edited, if any.
    ///
    /// The record is counted only as far as the policy looks (nothing of
    /// what a switched-off rule would weigh), with the policy of the
    /// previous call; when the policy read with it asks for more, the
    /// query runs once more with the new bounds, so a moderator's change
    /// holds from the next comment on.
    pub async fn comment_inputs(
        &self,
        edition: EditionKey<'_>,
        user_id: i64,
        body: &str,
        except: Option<i64>,
    ) -> Result<CommentInputs> {
        let mut sample = self.record_sample.get();
        loop {
            let inputs = self
                .comment_inputs_counting(edition, user_id, body, except, sample)
                .await?;
            let needed = RecordSample::for_policy(&inputs.pipeline.policy);
            self.record_sample.set(needed);
            if sample.covers(needed) {
                return Ok(inputs);
            }
            sample = needed;
        }
    }

    async fn comment_inputs_counting(
        &self,
        edition: EditionKey<'_>,
        user_id: i64,
        body: &str,
        except: Option<i64>,
        sample: RecordSample,
    ) -> Result<CommentInputs> {
        let now = Timestamp::now();
        // The recent comments are read once for both their number and
        // their rejections.
        let sql = format!(
            "SELECT u.id, u.username, u.role, u.banned_at, u.shadow_banned, u.pre_moderated, u.warning,
                 u.suspended_until,
                 (SELECT COUNT(*) FROM (SELECT 1 FROM comments WHERE author_id = $1 AND status = 'visible'
                     LIMIT $6) a) AS approved,
                 r.recent, r.rejected,
                 (SELECT COUNT(*) FROM comments WHERE author_id = $1 AND body_hash = $7 AND created_at >= $3
                     AND body = $4 AND id <> $5) AS repeats,
                 p.settings AS policy, p.word_lists_version, d.*
             FROM users u JOIN moderation_policy p ON p.id = 1
             JOIN (SELECT COUNT(*) AS recent,
                          COALESCE(SUM(CASE WHEN status = 'rejected' THEN 1 ELSE 0 END), 0) AS rejected
                   FROM (SELECT status FROM comments WHERE author_id = $1 AND created_at >= $2
                         ORDER BY created_at DESC
                         LIMIT (SELECT CASE WHEN COUNT(*) * 100 / $9 + 1 < $8 THEN COUNT(*) * 100 / $9 + 1
                                            ELSE $8 END
                                FROM (SELECT 1 FROM comments WHERE author_id = $1 AND status = 'rejected'
                                      AND created_at >= $2 LIMIT $8) x)) s) r ON 1 = 1
             LEFT JOIN ({}) d ON 1 = 1
             WHERE u.id = $1",
            discussion_select(edition, 10)
        );
        let query = sqlx::query(&sql)
            .bind(user_id)
            .bind(to_millis(now - RECENT))
            .bind(to_millis(now - REPEAT_WINDOW))
            .bind(body)
            .bind(except.unwrap_or(0))
            .bind(sample.approvals)
            .bind(body_hash(body))
            .bind(sample.recent)
            .bind(sample.rejection_percent);
        let row = bind_edition(query, edition)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound)?;
        let standing = self.complete_standing(Standing::from_row(&row)?).await?;
        let count = |column: &str| -> Result<u32> {
            Ok(u32::try_from(row.try_get::<i64, _>(column)?).unwrap_or(u32::MAX))
        };
        let history = AuthorHistory {
            staff: standing.role.is_staff(),
            approved: count("approved")?,
            recent: count("recent")?,
            recent_rejected: count("rejected")?,
            repeats: count("repeats")?,
            forced_pre_moderation: standing.pre_moderated,
        };
        Ok(CommentInputs {
            discussion: discussion_from_row(&row)?,
            pipeline: PipelineInputs {
                standing,
                history,
                policy: serde_json::from_str(&row.try_get::<String, _>("policy")?)
                    .unwrap_or_default(),
                word_lists_version: row.try_get("word_lists_version")?,
            },
        })
    }

    /// What acting on a comment needs: its author, status and section.
    pub async fn comment_context(&self, comment_id: i64) -> Result<CommentContext> {
        sqlx::query_as(
            "SELECT c.id, c.author_id, c.status, s.section_id FROM comments c
             JOIN editions e ON e.id = c.edition_id JOIN stories s ON s.id = e.story_id WHERE c.id = $1",
        )
        .bind(comment_id)
        .fetch_optional(&self.read)
        .await?
        .ok_or(StoreError::NotFound)
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
                    e.lang AS edition_lang, e.headline, e.slug, et.url AS host_url,
                    p.body AS parent_body, pu.username AS parent_author
             {VIEW_FROM} {QUEUE_FROM}
             LEFT JOIN embed_threads et ON et.edition_id = e.id
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
            let mut item = QueueItem::from_row(row)?;
            hold_reasons(&mut item.comment, row)?;
            items.push(item);
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
             WHERE resolved_at IS NULL AND comment_id IN ({})
               AND reporter_id NOT IN (SELECT id FROM users WHERE banned_at IS NOT NULL) ORDER BY id",
            placeholders.join(", ")
        );
        let mut query = sqlx::query_as::<_, (i64, String, String)>(&sql);
        for item in items.iter() {
            query = query.bind(item.comment.id);
        }
        let mut found: HashMap<i64, Vec<(String, String)>> = HashMap::new();
        for (comment_id, reason, note) in query.fetch_all(&self.read).await? {
            found.entry(comment_id).or_default().push((reason, note));
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
            crate::events::account_changed(&mut tx, self, user_id).await?;
        }
        self.commit_logged(tx).await
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
        Ok(rows
            .iter()
            .map(LogEntry::from_row)
            .collect::<Result<_, _>>()?)
    }

    /// A reader's record for moderators.
    pub async fn reader_history(&self, user_id: i64) -> Result<ReaderHistory> {
        let standing = self.standing(user_id).await?;
        let (approved, pending, rejected, reports_received) = sqlx::query_as(
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
        let notes = sqlx::query_as(
            "SELECT a.username, n.body, n.created_at FROM moderator_notes n JOIN users a ON a.id = n.author_id
             WHERE n.user_id = $1 ORDER BY n.created_at DESC, n.id DESC",
        )
        .bind(user_id)
        .fetch_all(&self.read)
        .await?;
        let log = self
            .audit_log(&LogFilter {
                user_id: Some(user_id),
                limit: 100,
                ..Default::default()
            })
            .await?;
        Ok(ReaderHistory {
            standing,
            approved,
            pending,
            rejected,
            reports_received,
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
