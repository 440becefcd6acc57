//! The append-only events log.

use jiff::Timestamp;
use khabar_core::{EventKind, Lang};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};

use sqlx::{Any, FromRow, Transaction};

use crate::row::{MaybeLang, Millis, decode_as};
use crate::time::now_millis;
use crate::{Backend, Result, Store, value_rows};

/// One row of the log, as followers read it.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Event {
    pub seq: i64,
    pub kind: String,
    pub story_id: Option<i64>,
    pub edition_id: Option<i64>,
    #[sqlx(try_from = "MaybeLang")]
    pub lang: Option<Lang>,
    pub actor_id: Option<i64>,
    #[sqlx(try_from = "Payload")]
    pub payload: serde_json::Value,
    #[sqlx(try_from = "Millis")]
    pub created_at: Timestamp,
}

/// What an [`Event`] reads.
const EVENT_COLUMNS: &str = "seq, kind, story_id, edition_id, lang, actor_id, payload, created_at";

/// An event's JSON payload; text that does not parse reads as `null`.
struct Payload(serde_json::Value);
decode_as!(Payload, String, |text: String| serde_json::from_str(&text)
    .unwrap_or(serde_json::Value::Null));

impl From<Payload> for serde_json::Value {
    fn from(payload: Payload) -> serde_json::Value {
        payload.0
    }
}

/// What a change reports about itself.
pub(crate) struct NewEvent<'a> {
    pub kind: EventKind,
    pub story_id: Option<i64>,
    pub edition_id: Option<i64>,
    pub lang: Option<Lang>,
    pub actor_id: Option<i64>,
    pub payload: &'a serde_json::Value,
}

impl<'a> NewEvent<'a> {
    /// An event about no story: a person, a setting, a section.
    pub(crate) fn site(
        kind: EventKind,
        actor_id: Option<i64>,
        payload: &'a serde_json::Value,
    ) -> Self {
        NewEvent {
            kind,
            story_id: None,
            edition_id: None,
            lang: None,
            actor_id,
            payload,
        }
    }

    /// An event about one edition of a story.
    pub(crate) fn edition(
        kind: EventKind,
        story_id: i64,
        edition_id: i64,
        lang: Lang,
        actor_id: Option<i64>,
        payload: &'a serde_json::Value,
    ) -> Self {
        NewEvent {
            kind,
            story_id: Some(story_id),
            edition_id: Some(edition_id),
            lang: Some(lang),
            actor_id,
            payload,
        }
    }
}

/// Appends an event inside the caller's transaction, so the event exists
/// exactly when the change does.
pub(crate) async fn record(
    tx: &mut Transaction<'static, Any>,
    store: &Store,
    event: NewEvent<'_>,
) -> Result<i64> {
    record_all(tx, store, std::slice::from_ref(&event)).await
}

/// Records that what `user_id`'s requests are checked against changed
/// ([`EventKind::AccountChanged`]), inside the caller's transaction.
pub(crate) async fn account_changed(
    tx: &mut Transaction<'static, Any>,
    store: &Store,
    user_id: i64,
) -> Result<i64> {
    let payload = serde_json::json!({ "user_id": user_id });
    record(
        tx,
        store,
        NewEvent::site(EventKind::AccountChanged, None, &payload),
    )
    .await
}

/// Appends events inside the caller's transaction, in order; returns the
/// newest one's sequence number (0 for none).
pub(crate) async fn record_all(
    tx: &mut Transaction<'_, Any>,
    store: &Store,
    events: &[NewEvent<'_>],
) -> Result<i64> {
    if events.is_empty() {
        return Ok(0);
    }
    if store.backend == Backend::Postgres {
        // Sequence numbers are handed out at insert time but become visible
        // at commit; serialising event writers makes seq order equal commit
        // order, so a follower reading "seq > last" can never skip a row
        // that commits late. SQLite already has a single writer. The
        // notification is delivered at commit, to every node listening:
        // their followers read the log at once instead of at their next
        // tick.
        sqlx::query("SELECT pg_advisory_xact_lock(7010), pg_notify($1, '')")
            .bind(CHANNEL)
            .execute(&mut **tx)
            .await?;
    }
    let sql = format!(
        "INSERT INTO events (kind, story_id, edition_id, lang, actor_id, payload, created_at)
         VALUES {} RETURNING seq",
        value_rows(store.backend, events.len(), 7)
    );
    let now = now_millis();
    let mut query = sqlx::query_scalar::<_, i64>(&sql);
    for event in events {
        query = query
            .bind(event.kind.as_str())
            .bind(event.story_id)
            .bind(event.edition_id)
            .bind(event.lang.map(|l| l.as_str().to_owned()))
            .bind(event.actor_id)
            .bind(event.payload.to_string())
            .bind(now);
    }
    let seq = query
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .max()
        .unwrap_or(0);
    // Writers are serialised (above, and SQLite's single writer), so at
    // commit this is the transaction's own newest event.
    store.wake.recorded.fetch_max(seq, Ordering::SeqCst);
    Ok(seq)
}

/// What wakes the log's followers when an event is committed: on this
/// node, the commit itself; on PostgreSQL, other nodes' commits through
/// LISTEN/NOTIFY. The log stays the truth; a wake-up only says "read it
/// now" (followers still read it on their tick, so a lost notification
/// costs a few hundred milliseconds, never an event).
#[derive(Debug, Default)]
pub(crate) struct Wake {
    url: Option<String>,
    notify: tokio::sync::Notify,
    /// The listening task, started on first use and ended by `close`.
    listening: std::sync::OnceLock<tokio::task::AbortHandle>,
    /// The newest event this process has written, committed or not.
    recorded: AtomicI64,
    /// The newest event this process has committed.
    committed: AtomicI64,
    /// Notifications received from PostgreSQL, counted.
    notices: AtomicU64,
    /// Whether the PostgreSQL listener is connected, so that every other
    /// node's commit reaches this one as it happens.
    connected: AtomicBool,
}

/// Where the log stands as far as this process knows without asking the
/// database: what it committed itself, and how many wake-ups arrived from
/// other nodes. A follower that has read the log since the same mark has
/// seen everything the mark stands for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LogMark {
    pub committed: i64,
    pub notices: u64,
}

/// The channel `record` notifies on PostgreSQL.
const CHANNEL: &str = "khabar_events";

impl Wake {
    pub(crate) fn listening_at(url: &str) -> Wake {
        Wake {
            url: Some(url.to_owned()),
            ..Wake::default()
        }
    }

    fn noticed(&self) {
        self.notices.fetch_add(1, Ordering::SeqCst);
        self.notify.notify_waiters();
    }
}

/// Listens on its own connection until the store closes, reconnecting
/// after failures.
async fn listen(url: String, wake: std::sync::Arc<Wake>) {
    loop {
        match sqlx::postgres::PgListener::connect(&url).await {
            Ok(mut listener) => match listener.listen(CHANNEL).await {
                Ok(()) => {
                    wake.connected.store(true, Ordering::SeqCst);
                    // What was committed while no one listened is read now.
                    wake.noticed();
                    loop {
                        match listener.try_recv().await {
                            Ok(Some(_)) => wake.noticed(),
                            // The connection dropped and is made again on
                            // the next call; what was sent meanwhile is
                            // lost, so the followers read the log now.
                            Ok(None) => wake.noticed(),
                            Err(error) => {
                                tracing::warn!(%error, "lost the events channel; reconnecting");
                                break;
                            }
                        }
                    }
                    wake.connected.store(false, Ordering::SeqCst);
                }
                Err(error) => tracing::warn!(%error, "could not listen for events"),
            },
            Err(error) => tracing::warn!(%error, "no connection to listen for events"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}

impl Store {
    /// Completes when an event may have been committed since it was
    /// called: by this process, or on PostgreSQL by any node. Followers
    /// wait on it beside their tick.
    pub async fn event_committed(&self) {
        let notified = self.wake.notify.notified();
        if let Some(url) = &self.wake.url {
            self.wake.listening.get_or_init(|| {
                tokio::spawn(listen(url.clone(), self.wake.clone())).abort_handle()
            });
        }
        notified.await;
    }

    /// [`Store::event_committed`], completing no sooner than `not_before`:
    /// a follower that reads the log at each wake-up, and leaves it there
    /// meanwhile, takes a burst's commits (a hundred a second) in one read.
    pub async fn event_committed_not_before(&self, not_before: tokio::time::Instant) {
        self.event_committed().await;
        tokio::time::sleep_until(not_before).await;
    }

    /// When a follower should read the log again: at once when its last
    /// read was a full batch (`behind`: more is waiting), otherwise at the
    /// next commit but not before `not_before`, or within `at_most` anyway.
    pub async fn time_to_read_log(
        &self,
        behind: bool,
        not_before: tokio::time::Instant,
        at_most: std::time::Duration,
    ) {
        if behind {
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(at_most) => {}
            _ = self.event_committed_not_before(not_before) => {}
        }
    }

    /// Commits a write that recorded events, then wakes this process's
    /// followers, so that a reader's next request sees the change.
    pub(crate) async fn commit_logged(&self, tx: Transaction<'_, Any>) -> Result<()> {
        tx.commit().await?;
        let recorded = self.wake.recorded.load(Ordering::SeqCst);
        self.wake.committed.fetch_max(recorded, Ordering::SeqCst);
        self.wake.notify.notify_waiters();
        Ok(())
    }

    /// Where the log stands as far as this process knows (no query).
    pub fn log_mark(&self) -> LogMark {
        LogMark {
            committed: self.wake.committed.load(Ordering::SeqCst),
            notices: self.wake.notices.load(Ordering::SeqCst),
        }
    }

    /// Whether every committed event reaches this process as it happens:
    /// always on SQLite (one node), on PostgreSQL while the listener is
    /// connected. Until then, only reading the log tells.
    pub fn hears_every_commit(&self) -> bool {
        self.wake.url.is_none() || self.wake.connected.load(Ordering::SeqCst)
    }

    /// Ends the events listener, if one was started.
    pub(crate) fn stop_listening(&self) {
        if let Some(task) = self.wake.listening.get() {
            task.abort();
        }
    }

    /// Events after `seq`, oldest first, at most `limit`.
    pub async fn events_since(&self, seq: i64, limit: i64) -> Result<Vec<Event>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE seq > $1 ORDER BY seq LIMIT $2"
        ))
        .bind(seq)
        .bind(limit)
        .fetch_all(&self.log)
        .await?)
    }
}

impl Store {
    /// The newest sequence number in the log (0 when empty).
    pub async fn latest_event_seq(&self) -> Result<i64> {
        let seq: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM events")
            .fetch_one(&self.log)
            .await?;
        Ok(seq.unwrap_or(0))
    }

    /// Comment events of these editions after `seq`, in log order, at
    /// most `limit`.
    pub async fn comment_events_since(
        &self,
        edition_ids: &[i64],
        seq: i64,
        limit: i64,
    ) -> Result<Vec<Event>> {
        if edition_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {EVENT_COLUMNS}
             FROM events WHERE seq > $1 AND kind LIKE 'comment.%' AND edition_id IN ({})
             ORDER BY seq LIMIT $2",
            crate::placeholders(3, edition_ids.len())
        );
        let mut query = sqlx::query_as(&sql).bind(seq).bind(limit);
        for id in edition_ids {
            query = query.bind(id);
        }
        Ok(query.fetch_all(&self.read).await?)
    }
}
