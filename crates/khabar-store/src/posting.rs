//! Posting comments with group commit.
//!
//! Each node has one comment writer: a task that takes the comments queued
//! while its previous transaction committed, and posts them all in one
//! transaction — their rate-limit counters, the duplicate rule, the
//! comments, their versions, mentions, notifications, moderation log rows
//! and events — then answers each caller. Nobody waits for a batch to
//! fill: under light load a batch is one comment, and under a burst the
//! queue that builds up while a transaction commits is the next batch. A
//! caller is answered only after the transaction that holds its comment
//! (and its event) committed, so an acknowledged comment survives a crash.
//!
//! Counters and the duplicate rule are decided inside that transaction,
//! comment after comment in arrival order, so limits hold exactly: on
//! SQLite there is one writer; on PostgreSQL the transaction locks the
//! counters' rows (in one sorted order on every node, so no two batches
//! deadlock) before it reads them, and a second node's batch waits.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use khabar_core::comment::{ParentComment, place_reply};
use khabar_core::moderation::{Action, Verdict};
use khabar_core::{CommentBody, CommentStatus, EventKind, Lang};
use serde_json::json;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, Transaction};
use tokio::sync::{mpsc, oneshot};

use crate::audit::{LogRow, reasons_json, write_logs};
use crate::comments::{NewComment, NotificationKind, body_hash, insert_notifications};
use crate::events::{self, NewEvent};
use crate::time::{from_millis, to_millis};
use crate::{Backend, Result, Store, StoreError, placeholders, value_rows};

/// The most comments one transaction posts.
const MOST_PER_BATCH: usize = 128;
/// Comments waiting for the writer; a caller beyond waits to enqueue.
const QUEUE: usize = 4 * MOST_PER_BATCH;
/// How long the writer keeps the write connection while comments keep
/// coming, before it lets the node's other writes (likes, moderation,
/// sessions…) have their turn: on SQLite there is only the one.
const HOLD_AT_MOST: Duration = Duration::from_millis(50);

/// At most `max` posts per `window` in `bucket` (a reader's minute, an
/// address's minute, a reader's day…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostingLimit {
    pub bucket: String,
    pub max: i64,
    pub window: SignedDuration,
}

/// A comment for the writer, with the rules it must pass inside the
/// transaction that posts it.
#[derive(Debug, Clone)]
pub struct CommentPost {
    pub edition_id: i64,
    pub author_id: i64,
    pub body: CommentBody,
    /// The comment answered, if any.
    pub parent_id: Option<i64>,
    pub status: CommentStatus,
    /// Readers the body mentions (who exist).
    pub mentions: Vec<i64>,
    /// The moderation pipeline's verdict, kept with the comment and logged.
    pub verdict: Verdict,
    /// When it was written: unset, when it commits; an imported or demo
    /// comment keeps its own time.
    pub written_at: Option<Timestamp>,
    /// What it counts against, in order: the first one full refuses it
    /// (and it counts against none after that one).
    pub limits: Vec<PostingLimit>,
    /// Refused when its author posted the same body on the same edition
    /// within this time (a double submit, a copy-paste flood).
    pub duplicate_window: Option<SignedDuration>,
}

/// What became of a [`CommentPost`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Posting {
    /// Posted, where the writer put it.
    Posted(Placed),
    /// A limit was full; try again after this long.
    Limited(SignedDuration),
    /// The same text was posted already.
    Duplicate,
}

/// Where the writer put a comment: with what its author sent and who they
/// are, all a view of the new comment needs, without reading it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub root_id: i64,
    pub depth: i64,
    /// Whom it answers by name, when it joined its parent's siblings
    /// below the deepest level.
    pub reply_to_username: Option<String>,
    pub created_at: Timestamp,
}

type Job = (CommentPost, oneshot::Sender<Result<Posting>>);

/// The node's comment writer, started on first use (in the runtime that
/// first posts) and ended by [`Store::close`].
#[derive(Debug, Default)]
pub(crate) struct Writer {
    queue: Mutex<Option<mpsc::Sender<Job>>>,
    /// Set by `stop`: no writer starts again.
    stopped: AtomicBool,
    /// Transactions committed, and the comments they held.
    batches: AtomicU64,
    comments: AtomicU64,
}

/// What the comment writer has done since the process started: how many
/// transactions, holding how many comments (their ratio is the mean group).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct WriterReport {
    pub batches: u64,
    pub comments: u64,
}

impl Writer {
    /// The queue to the running writer, starting one if none runs (none
    /// yet, or the runtime that ran it ended).
    fn queue(&self, store: &Store) -> Result<mpsc::Sender<Job>> {
        let mut queue = self.queue.lock().map_err(|_| StoreError::WriterGone)?;
        if self.stopped.load(Ordering::SeqCst) {
            return Err(StoreError::WriterGone);
        }
        if let Some(sender) = queue.as_ref().filter(|sender| !sender.is_closed()) {
            return Ok(sender.clone());
        }
        let (sender, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(write(store.clone(), receiver));
        *queue = Some(sender.clone());
        Ok(sender)
    }

    /// Lets the writer finish what is queued, then end.
    pub(crate) fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
        if let Ok(mut queue) = self.queue.lock() {
            queue.take();
        }
    }
}

/// The writer's loop: one transaction per batch of what is queued.
///
/// It keeps the write connection from one batch to the next while comments
/// keep coming (for at most [`HOLD_AT_MOST`]): sqlx tests every connection
/// given back to its pool with a round trip, in a task of the busy runtime,
/// and the next batch waited for both (about an eighth of a batch's time
/// under a burst, bench/README.md).
async fn write(store: Store, mut queue: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MOST_PER_BATCH);
    let mut held: Option<(PoolConnection<Any>, Instant)> = None;
    loop {
        if queue.is_empty() {
            held = None;
        }
        if queue.recv_many(&mut batch, MOST_PER_BATCH).await == 0 {
            break;
        }
        if held
            .as_ref()
            .is_some_and(|(_, since)| since.elapsed() >= HOLD_AT_MOST)
        {
            held = None;
        }
        let (posts, answers): (Vec<CommentPost>, Vec<_>) = batch.drain(..).unzip();
        store.poster.batches.fetch_add(1, Ordering::Relaxed);
        store
            .poster
            .comments
            .fetch_add(posts.len() as u64, Ordering::Relaxed);
        let outcomes = match post_held(&store, &mut held, &posts).await {
            Ok(outcomes) => outcomes,
            Err(error) if posts.len() == 1 => vec![Err(error)],
            // One comment's failure fails the batch's transaction; each is
            // posted alone again, so it fails only its own caller.
            Err(error) => {
                tracing::warn!(%error, comments = posts.len(), "a batch of comments failed; posting them one by one");
                let mut each = Vec::with_capacity(posts.len());
                for post in &posts {
                    let alone = post_held(&store, &mut held, std::slice::from_ref(post)).await;
                    each.push(
                        alone.and_then(|mut one| one.pop().unwrap_or(Err(StoreError::NotFound))),
                    );
                }
                each
            }
        };
        for (answer, outcome) in answers.into_iter().zip(outcomes) {
            // A caller that gave up is no longer waiting for its answer.
            let _ = answer.send(outcome);
        }
    }
}

/// Posts a batch on the connection the writer holds, taking one from the
/// pool when it holds none. After a failure the connection goes back to the
/// pool, which tests it, and the next batch takes a sound one.
async fn post_held(
    store: &Store,
    held: &mut Option<(PoolConnection<Any>, Instant)>,
    posts: &[CommentPost],
) -> Result<Vec<Result<Posting>>> {
    let connection = match held {
        Some((connection, _)) => connection,
        None => {
            &mut held
                .insert((store.write.acquire().await?, Instant::now()))
                .0
        }
    };
    store.restart_log_if_due(connection).await;
    let outcomes = store.post_batch(connection, posts, true).await;
    if outcomes.is_err() {
        *held = None;
    }
    outcomes
}

/// A rate-limit row as the batch reads and updates it.
#[derive(Debug, Clone, Copy)]
struct Counter {
    hits: i64,
    window_start: i64,
    blocked_until: i64,
}

impl Counter {
    /// Counts one post; the time to wait if this one is refused.
    fn count(&mut self, now: i64, max: i64, window: i64) -> Option<i64> {
        if self.window_start + window <= now {
            self.hits = 0;
            self.window_start = now;
        }
        self.hits += 1;
        if self.blocked_until > now {
            Some(self.blocked_until - now)
        } else if self.hits > max {
            Some((self.window_start + window - now).max(1_000))
        } else {
            None
        }
    }
}

/// The published edition a comment goes on.
#[derive(sqlx::FromRow)]
struct Target {
    id: i64,
    story_id: i64,
    lang: String,
}

/// A comment answered, as the rule for replies needs it.
#[derive(sqlx::FromRow)]
struct Parent {
    id: i64,
    parent_id: Option<i64>,
    depth: i64,
    author_id: i64,
    author_username: String,
    root_id: Option<i64>,
    edition_id: i64,
    status: String,
}

impl Store {
    /// Posts a comment on a published edition, in its place in the thread.
    pub async fn post_comment(&self, comment: NewComment<'_>) -> Result<i64> {
        self.post_comment_at(comment, Timestamp::now()).await
    }

    /// Posts a comment written at `at`: the demo's discussion (and comments
    /// brought from another system) keep their own times. No limits or
    /// duplicate rule apply; it commits alone, not through the writer.
    pub async fn post_comment_at(&self, comment: NewComment<'_>, at: Timestamp) -> Result<i64> {
        self.post_alone(comment, at, true).await
    }

    /// [`Store::post_comment_at`] for a comment brought from another
    /// system: it is history, so it notifies no one (no bell, no mail).
    pub async fn post_imported_comment_at(
        &self,
        comment: NewComment<'_>,
        at: Timestamp,
    ) -> Result<i64> {
        self.post_alone(comment, at, false).await
    }

    async fn post_alone(
        &self,
        comment: NewComment<'_>,
        at: Timestamp,
        notify: bool,
    ) -> Result<i64> {
        let post = CommentPost {
            edition_id: comment.edition_id,
            author_id: comment.author_id,
            body: comment.body.clone(),
            parent_id: comment.parent_id,
            status: comment.status,
            mentions: comment.mentions.to_vec(),
            verdict: comment.verdict.clone(),
            written_at: Some(at),
            limits: Vec::new(),
            duplicate_window: None,
        };
        let mut connection = self.write.acquire().await?;
        match self
            .post_batch(&mut connection, &[post], notify)
            .await?
            .pop()
        {
            Some(Ok(Posting::Posted(placed))) => Ok(placed.id),
            Some(Err(error)) => Err(error),
            // Refusals need limits or the duplicate rule, which it has not.
            Some(Ok(_)) | None => Err(StoreError::NotFound),
        }
    }

    /// Posts a comment through the node's writer, which commits it together
    /// with the others arriving at the same time; answers once it is
    /// committed, or refused by its limits or the duplicate rule.
    /// `StoreError::NotFound` when the edition is not published or the
    /// comment answered is not one its author may see.
    pub async fn post_comment_checked(&self, post: CommentPost) -> Result<Posting> {
        let (answer, answered) = oneshot::channel();
        self.poster
            .queue(self)?
            .send((post, answer))
            .await
            .map_err(|_| StoreError::WriterGone)?;
        answered.await.map_err(|_| StoreError::WriterGone)?
    }

    /// What the comment writer has done since the process started.
    pub fn writer_report(&self) -> WriterReport {
        WriterReport {
            batches: self.poster.batches.load(Ordering::Relaxed),
            comments: self.poster.comments.load(Ordering::Relaxed),
        }
    }

    /// Posts `posts` in one transaction on `connection` (a write one), each
    /// in turn, and says what became of each; with `notify` false, the
    /// comments notify no one. Fails as a whole only when the database does.
    pub(crate) async fn post_batch(
        &self,
        connection: &mut AnyConnection,
        posts: &[CommentPost],
        notify: bool,
    ) -> Result<Vec<Result<Posting>>> {
        let mut tx = Store::begin_write_on(connection).await?;
        let now = Timestamp::now();
        let now_ms = to_millis(now);
        let targets = published_targets(&mut tx, posts).await?;
        let mut counters = lock_counters(&mut tx, posts, now_ms).await?;
        let parents = parents_of(&mut tx, posts).await?;
        let mut duplicates = recent_bodies(&mut tx, posts, now).await?;

        // Each post in arrival order: its edition, its limits, the
        // duplicate rule, the comment it answers.
        let mut outcomes: Vec<Result<Posting>> = Vec::with_capacity(posts.len());
        let mut accepted: Vec<(usize, Option<&Parent>)> = Vec::new();
        for (index, post) in posts.iter().enumerate() {
            if !targets.contains_key(&post.edition_id) {
                outcomes.push(Err(StoreError::NotFound));
                continue;
            }
            let refused = post.limits.iter().find_map(|limit| {
                let counter = counters.get_mut(limit.bucket.as_str())?;
                counter.count(now_ms, limit.max, limit.window.as_millis() as i64)
            });
            if let Some(wait) = refused {
                outcomes.push(Ok(Posting::Limited(SignedDuration::from_millis(wait))));
                continue;
            }
            let text = (post.edition_id, post.author_id, post.body.as_str());
            if post.duplicate_window.is_some() && duplicates.contains(&text) {
                outcomes.push(Ok(Posting::Duplicate));
                continue;
            }
            let parent = match post.parent_id {
                None => None,
                Some(parent_id) => match parents.get(&parent_id) {
                    // Only a comment the replier can see takes replies: a
                    // reply to a held or refused one would name its author.
                    Some(parent)
                        if parent.edition_id == post.edition_id
                            && (parent.status == CommentStatus::Visible.as_str()
                                || (parent.status == CommentStatus::Shadowed.as_str()
                                    && parent.author_id == post.author_id)) =>
                    {
                        Some(parent)
                    }
                    _ => {
                        outcomes.push(Err(StoreError::NotFound));
                        continue;
                    }
                },
            };
            duplicates.insert(text);
            // Replaced with where it went once inserted.
            outcomes.push(Ok(Posting::Duplicate));
            accepted.push((index, parent));
        }
        save_counters(&mut tx, &counters).await?;

        // Ids handed out first, so that the comments go in one statement
        // (a round trip per comment was most of a batch) and a thread's
        // first comment names itself as its root.
        let ids = self.new_comment_ids(&mut tx, accepted.len()).await?;
        let mut posted = Vec::with_capacity(accepted.len());
        for (&(index, parent), id) in accepted.iter().zip(ids) {
            let post = &posts[index];
            let placement = place_reply(parent.map(|p| ParentComment {
                id: p.id,
                parent_id: p.parent_id,
                depth: p.depth,
                author_id: p.author_id,
            }));
            let written = post.written_at.map_or(now_ms, to_millis);
            let root_id = parent.map_or(Some(id), |p| p.root_id);
            outcomes[index] = Ok(Posting::Posted(Placed {
                id,
                parent_id: placement.parent_id,
                root_id: root_id.unwrap_or(0),
                depth: placement.depth,
                reply_to_username: placement
                    .reply_to_user_id
                    .and(parent.map(|p| p.author_username.clone())),
                created_at: from_millis(written),
            }));
            posted.push(Posted {
                id,
                post,
                written,
                // Whom a reply notifies: the author of the comment answered.
                answered: parent.map(|p| p.author_id),
                parent_id: placement.parent_id,
                root_id,
                depth: placement.depth,
                reply_to_user_id: placement.reply_to_user_id,
            });
        }
        if !posted.is_empty() {
            write_rows(&mut tx, self, &posted, &targets, notify).await?;
            self.commit_logged(tx).await?;
        } else {
            tx.commit().await?;
        }
        Ok(outcomes)
    }
}

impl Store {
    /// `count` new comment ids, in the writer's transaction: on SQLite the
    /// counter's next ones (the writer holds the database), on PostgreSQL
    /// drawn from the column's sequence.
    async fn new_comment_ids(
        &self,
        tx: &mut Transaction<'_, Any>,
        count: usize,
    ) -> Result<Vec<i64>> {
        if count == 0 {
            return Ok(Vec::new());
        }
        match self.backend {
            Backend::Sqlite => {
                // AUTOINCREMENT never reuses an id: past the largest ever
                // handed out as well as the largest there.
                let last: i64 = sqlx::query_scalar(
                    "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'comments'), 0),
                                COALESCE((SELECT MAX(id) FROM comments), 0))",
                )
                .fetch_one(&mut **tx)
                .await?;
                Ok((last + 1..=last + count as i64).collect())
            }
            Backend::Postgres => {
                let mut ids: Vec<i64> = sqlx::query_scalar(
                    "SELECT nextval(pg_get_serial_sequence('comments', 'id')) FROM generate_series(1, $1)",
                )
                .bind(count as i64)
                .fetch_all(&mut **tx)
                .await?;
                ids.sort_unstable();
                Ok(ids)
            }
        }
    }
}

/// A comment of this batch, placed in its thread, with its id.
struct Posted<'a> {
    id: i64,
    post: &'a CommentPost,
    written: i64,
    answered: Option<i64>,
    parent_id: Option<i64>,
    root_id: Option<i64>,
    depth: i64,
    reply_to_user_id: Option<i64>,
}

/// Each posted comment with the rows it brings along: its first version,
/// mentions, notifications, moderation log row and event.
async fn write_rows(
    tx: &mut Transaction<'_, Any>,
    store: &Store,
    posted: &[Posted<'_>],
    targets: &HashMap<i64, Target>,
    notify_readers: bool,
) -> Result<()> {
    let sql = format!(
        "INSERT INTO comments (id, edition_id, parent_id, root_id, depth, reply_to_user_id, author_id, body,
             status, created_at, flagged, moderation_reasons, body_hash) VALUES {}",
        value_rows(Backend::of(tx), posted.len(), 13)
    );
    let mut query = sqlx::query(&sql);
    for p in posted {
        query = query
            .bind(p.id)
            .bind(p.post.edition_id)
            .bind(p.parent_id)
            .bind(p.root_id)
            .bind(p.depth)
            .bind(p.reply_to_user_id)
            .bind(p.post.author_id)
            .bind(p.post.body.as_str())
            .bind(p.post.status.as_str())
            .bind(p.written)
            .bind(i64::from(p.post.verdict.action == Action::Flag))
            .bind(reasons_json(&p.post.verdict.reasons))
            .bind(body_hash(p.post.body.as_str()));
    }
    query.execute(&mut **tx).await?;

    let sql = format!(
        "INSERT INTO comment_versions (comment_id, version, body, saved_at) VALUES {}",
        value_rows(Backend::of(tx), posted.len(), 4)
    );
    let mut query = sqlx::query(&sql);
    for p in posted {
        query = query
            .bind(p.id)
            .bind(1_i64)
            .bind(p.post.body.as_str())
            .bind(p.written);
    }
    query.execute(&mut **tx).await?;

    let mentions: Vec<(i64, i64)> = posted
        .iter()
        .flat_map(|p| {
            let mut users = p.post.mentions.clone();
            users.sort_unstable();
            users.dedup();
            users.into_iter().map(move |user| (p.id, user))
        })
        .collect();
    if !mentions.is_empty() {
        let sql = format!(
            "INSERT INTO comment_mentions (comment_id, user_id) VALUES {} ON CONFLICT DO NOTHING",
            value_rows(Backend::of(tx), mentions.len(), 2)
        );
        let mut query = sqlx::query(&sql);
        for (comment, user) in &mentions {
            query = query.bind(comment).bind(user);
        }
        query.execute(&mut **tx).await?;
    }

    // Held and hidden comments notify no one until a moderator lets them
    // through; an author is never notified of their own comment.
    let mut notifications = Vec::new();
    for p in posted
        .iter()
        .filter(|p| notify_readers && p.post.status == CommentStatus::Visible)
    {
        let mut notify: Vec<(i64, NotificationKind)> = Vec::new();
        notify.extend(p.answered.map(|author| (author, NotificationKind::Reply)));
        let mut mentioned = p.post.mentions.clone();
        mentioned.sort_unstable();
        for user in mentioned {
            if !notify.iter().any(|(u, _)| *u == user) {
                notify.push((user, NotificationKind::Mention));
            }
        }
        notifications.extend(
            notify
                .into_iter()
                .filter(|(user, _)| *user != p.post.author_id)
                .map(|(user, kind)| (user, kind, p.id, p.post.author_id, p.written)),
        );
    }
    insert_notifications(tx, &notifications).await?;

    let logs: Vec<LogRow> = posted
        .iter()
        .map(|p| LogRow {
            actor_id: None,
            phase: Some(p.post.verdict.phase.as_str()),
            action: p.post.verdict.action.as_str(),
            comment_id: Some(p.id),
            user_id: Some(p.post.author_id),
            reasons: &p.post.verdict.reasons,
            message: "",
        })
        .collect();
    write_logs(tx, &logs).await?;

    // Whom each comment notified: their bells count it, so what nodes
    // keep about them must go.
    let payloads: Vec<serde_json::Value> = posted
        .iter()
        .map(|p| {
            let notified: Vec<i64> = notifications
                .iter()
                .filter(|(_, _, comment, _, _)| *comment == p.id)
                .map(|(user, ..)| *user)
                .collect();
            json!({
                "comment_id": p.id,
                "parent_id": p.parent_id,
                "status": p.post.status.as_str(),
                "notified": notified,
            })
        })
        .collect();
    let mut recorded = Vec::with_capacity(posted.len());
    for (p, payload) in posted.iter().zip(&payloads) {
        let target = targets
            .get(&p.post.edition_id)
            .ok_or(StoreError::NotFound)?;
        recorded.push(NewEvent::edition(
            EventKind::CommentCreated,
            target.story_id,
            target.id,
            Lang::parse(&target.lang)?,
            Some(p.post.author_id),
            payload,
        ));
    }
    events::record_all(tx, store, &recorded).await?;
    Ok(())
}

/// The posts' editions that are published (or embedded discussions), by id.
async fn published_targets(
    tx: &mut Transaction<'_, Any>,
    posts: &[CommentPost],
) -> Result<HashMap<i64, Target>> {
    by_id(
        tx,
        "SELECT id, story_id, lang FROM editions WHERE status IN ('published', 'embedded') AND id IN",
        posts.iter().map(|p| p.edition_id),
        |target: &Target| target.id,
    )
    .await
}

/// The rows `select` (a query ending in `id IN`) finds among `ids`, by id.
async fn by_id<R>(
    tx: &mut Transaction<'_, Any>,
    select: &str,
    ids: impl Iterator<Item = i64>,
    id_of: fn(&R) -> i64,
) -> Result<HashMap<i64, R>>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let ids: HashSet<i64> = ids.collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!("{select} ({})", placeholders(1, ids.len()));
    let mut query = sqlx::query_as::<_, R>(&sql);
    for id in &ids {
        query = query.bind(*id);
    }
    Ok(query
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .map(|row| (id_of(&row), row))
        .collect())
}

/// Reads the counters the posts count against, locking their rows (made
/// when missing) in the buckets' sorted order.
async fn lock_counters(
    tx: &mut Transaction<'_, Any>,
    posts: &[CommentPost],
    now_ms: i64,
) -> Result<BTreeMap<String, Counter>> {
    let buckets: Vec<&str> = posts
        .iter()
        .flat_map(|p| p.limits.iter().map(|l| l.bucket.as_str()))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if buckets.is_empty() {
        return Ok(BTreeMap::new());
    }
    // A new counter starts its window now; an existing one is only locked.
    let sql = format!(
        "INSERT INTO rate_limits (bucket, hits, window_start, blocked_until) VALUES {}
         ON CONFLICT (bucket) DO UPDATE SET hits = rate_limits.hits
         RETURNING bucket, hits, window_start, blocked_until",
        value_rows(Backend::of(tx), buckets.len(), 4)
    );
    let mut query = sqlx::query_as::<_, (String, i64, i64, i64)>(&sql);
    for bucket in &buckets {
        query = query.bind(*bucket).bind(0_i64).bind(now_ms).bind(0_i64);
    }
    Ok(query
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .map(|(bucket, hits, window_start, blocked_until)| {
            (
                bucket,
                Counter {
                    hits,
                    window_start,
                    blocked_until,
                },
            )
        })
        .collect())
}

/// Writes the counters back as the batch left them.
async fn save_counters(
    tx: &mut Transaction<'_, Any>,
    counters: &BTreeMap<String, Counter>,
) -> Result<()> {
    if counters.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO rate_limits (bucket, hits, window_start, blocked_until) VALUES {}
         ON CONFLICT (bucket) DO UPDATE SET hits = excluded.hits, window_start = excluded.window_start",
        value_rows(Backend::of(tx), counters.len(), 4)
    );
    let mut query = sqlx::query(&sql);
    for (bucket, counter) in counters {
        query = query
            .bind(bucket.as_str())
            .bind(counter.hits)
            .bind(counter.window_start)
            .bind(counter.blocked_until);
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

/// The comments the posts answer, by id.
async fn parents_of(
    tx: &mut Transaction<'_, Any>,
    posts: &[CommentPost],
) -> Result<HashMap<i64, Parent>> {
    by_id(
        tx,
        "SELECT c.id, c.parent_id, c.depth, c.author_id, u.username AS author_username, c.root_id,
                c.edition_id, c.status
         FROM comments c JOIN users u ON u.id = c.author_id WHERE c.id IN",
        posts.iter().filter_map(|p| p.parent_id),
        |parent: &Parent| parent.id,
    )
    .await
}

/// What the posts' authors wrote recently that a post would repeat, as
/// (edition, author, body); the batch adds what it posts.
async fn recent_bodies<'a>(
    tx: &mut Transaction<'_, Any>,
    posts: &'a [CommentPost],
    now: Timestamp,
) -> Result<HashSet<(i64, i64, &'a str)>> {
    let checked: Vec<&CommentPost> = posts
        .iter()
        .filter(|p| p.duplicate_window.is_some())
        .collect();
    // Each (author, text) once, with the widest window asked for it,
    // looked up by the body's hash: the index finds the few comments with
    // the same text, however many the authors wrote in the window.
    let mut wanted: HashMap<(i64, i64), i64> = HashMap::new();
    for post in &checked {
        let since = post
            .duplicate_window
            .map_or(i64::MAX, |w| to_millis(now - w));
        let key = (post.author_id, body_hash(post.body.as_str()));
        let entry = wanted.entry(key).or_insert(since);
        *entry = (*entry).min(since);
    }
    if wanted.is_empty() {
        return Ok(HashSet::new());
    }
    let sql = format!(
        "WITH posted (author_id, body_hash, since) AS (VALUES {})
         SELECT c.edition_id, c.author_id, c.body, c.created_at
         FROM posted p JOIN comments c ON c.author_id = p.author_id AND c.body_hash = p.body_hash
         WHERE c.created_at >= p.since",
        value_rows(Backend::of(tx), wanted.len(), 3)
    );
    let mut query = sqlx::query_as::<_, (i64, i64, String, i64)>(&sql);
    for ((author, hash), since) in &wanted {
        query = query.bind(author).bind(hash).bind(since);
    }
    let found = query.fetch_all(&mut **tx).await?;
    // Each found row stands for the post that would repeat it, whose text
    // the set can borrow.
    Ok(checked
        .into_iter()
        .filter(|p| {
            let since = p.duplicate_window.map_or(i64::MAX, |w| to_millis(now - w));
            found.iter().any(|(edition, author, body, at)| {
                *edition == p.edition_id
                    && *author == p.author_id
                    && body == p.body.as_str()
                    && *at >= since
            })
        })
        .map(|p| (p.edition_id, p.author_id, p.body.as_str()))
        .collect())
}
