//! What a signed-in person's requests are checked against — their
//! session, their access token, their part in an edition (unread
//! notifications, a warning, whether they commented) — kept in memory the
//! way pages are: each remembers how far the log had been applied when it
//! was read, and is read again once the log touched its person after that.
//!
//! Every change to these writes an event naming the person: a session or
//! token ended, a password, address, role or warning changed, notifications
//! read (`user.changed`), a moderator's action on them (`user.moderated`),
//! a comment they wrote or were notified of (`comment.created`, its
//! `actor_id` and `notified`: only their parts in editions, not their
//! sessions and tokens). A comment edited, deleted or moderated may
//! change anyone's notification count, so it makes every kept part in an
//! edition stale; sessions and tokens stay. Expiry is checked on every use.

use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};

use jiff::Timestamp;
use khabar_core::EventKind;
use khabar_store::{Event, ReaderOnPage, SessionRecord, Store, StoreError, TokenRecord};

/// How many of each are kept; the least used go first.
const SESSIONS_KEPT: usize = 50_000;
const TOKENS_KEPT: usize = 5_000;
const PARTS_KEPT: usize = 50_000;

/// People touched, remembered at most this many; then everything kept
/// before the log's position is read again and the list starts over.
const MAX_TOUCHED_PEOPLE: usize = 100_000;

#[derive(Clone)]
struct Remembered<T> {
    value: T,
    /// How far the log had been applied when it was read.
    read_at: i64,
}

#[derive(Default)]
struct Touched {
    /// The person's account, standing, sessions or tokens changed.
    by_user: HashMap<i64, i64>,
    /// They wrote a comment or were notified of one: only their parts in
    /// editions change (a session or token does not, so a reader posting
    /// a comment after another is not read again at every one).
    parts_by_user: HashMap<i64, i64>,
    /// Everything read before this is stale.
    floor: i64,
    /// Parts in editions read before this are stale.
    parts_floor: i64,
}

pub(crate) struct Readers {
    sessions: quick_cache::sync::Cache<String, Remembered<SessionRecord>>,
    tokens: quick_cache::sync::Cache<String, Remembered<TokenRecord>>,
    parts: quick_cache::sync::Cache<(i64, i64), Remembered<ReaderOnPage>>,
    touched: RwLock<Touched>,
    hits: AtomicU64,
    misses: AtomicU64,
}

/// What is kept, for `/readyz` and the tests.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct ReadersReport {
    pub sessions: usize,
    pub tokens: usize,
    pub parts: usize,
    pub hits: u64,
    pub misses: u64,
}

impl Readers {
    pub(super) fn new() -> Readers {
        Readers {
            sessions: quick_cache::sync::Cache::new(SESSIONS_KEPT),
            tokens: quick_cache::sync::Cache::new(TOKENS_KEPT),
            parts: quick_cache::sync::Cache::new(PARTS_KEPT),
            touched: RwLock::default(),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// Whether what was read about `user_id` at `read_at` still holds.
    fn fresh(&self, user_id: i64, read_at: i64, part: bool) -> bool {
        let fresh = self.touched.read().is_ok_and(|touched| {
            let untouched =
                |by_user: &HashMap<i64, i64>| by_user.get(&user_id).is_none_or(|at| *at <= read_at);
            read_at >= touched.floor
                && untouched(&touched.by_user)
                && (!part || (read_at >= touched.parts_floor && untouched(&touched.parts_by_user)))
        });
        if fresh {
            self.hits.fetch_add(1, Ordering::Relaxed);
        }
        fresh
    }

    /// Counts a reading from the store while the log vouched for memory.
    fn missed(&self) {
        self.misses.fetch_add(1, Ordering::Relaxed);
    }

    /// The live session with this hash; `read_at` is where the log stands
    /// applied, `None` when it cannot vouch for what is kept.
    pub(super) async fn session(
        &self,
        store: &Store,
        read_at: Option<i64>,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let Some(read_at) = read_at else {
            return store.session(token_hash, now).await;
        };
        if let Some(kept) = self.sessions.get(token_hash)
            && kept.value.expires_at > now
            && self.fresh(kept.value.account.id, kept.read_at, false)
        {
            return Ok(Some(kept.value));
        }
        self.missed();
        let found = store.session(token_hash, now).await?;
        if let Some(session) = &found {
            self.sessions.insert(
                token_hash.to_owned(),
                Remembered {
                    value: session.clone(),
                    read_at,
                },
            );
        }
        Ok(found)
    }

    /// The kept session was used at `now` (and the store told so).
    pub(super) fn session_used(&self, token_hash: &str, now: Timestamp) {
        if let Some(mut kept) = self.sessions.get(token_hash) {
            kept.value.last_seen_at = now;
            self.sessions.insert(token_hash.to_owned(), kept);
        }
    }

    /// The unrevoked access token with this hash; see [`Readers::session`].
    pub(super) async fn access_token(
        &self,
        store: &Store,
        read_at: Option<i64>,
        token_hash: &str,
    ) -> Result<Option<TokenRecord>, StoreError> {
        let Some(read_at) = read_at else {
            return store.access_token(token_hash).await;
        };
        if let Some(kept) = self.tokens.get(token_hash)
            && self.fresh(kept.value.account.id, kept.read_at, false)
        {
            return Ok(Some(kept.value));
        }
        self.missed();
        let found = store.access_token(token_hash).await?;
        if let Some(token) = &found {
            self.tokens.insert(
                token_hash.to_owned(),
                Remembered {
                    value: token.clone(),
                    read_at,
                },
            );
        }
        Ok(found)
    }

    /// The kept token was used at `now` (and the store told so).
    pub(super) fn token_used(&self, token_hash: &str, now: Timestamp) {
        if let Some(mut kept) = self.tokens.get(token_hash) {
            kept.value.last_used_at = Some(now);
            self.tokens.insert(token_hash.to_owned(), kept);
        }
    }

    /// A reader's part in an edition; see [`Readers::session`].
    pub(super) async fn reader_on_edition(
        &self,
        store: &Store,
        read_at: Option<i64>,
        user_id: i64,
        edition_id: i64,
    ) -> Result<ReaderOnPage, StoreError> {
        let Some(read_at) = read_at else {
            return store.reader_on_edition(user_id, edition_id).await;
        };
        let key = (user_id, edition_id);
        if let Some(kept) = self.parts.get(&key)
            && self.fresh(user_id, kept.read_at, true)
        {
            return Ok(kept.value);
        }
        self.missed();
        let found = store.reader_on_edition(user_id, edition_id).await?;
        self.parts.insert(
            key,
            Remembered {
                value: found.clone(),
                read_at,
            },
        );
        Ok(found)
    }

    /// Marks the people a batch of logged changes touched, `last` being
    /// the batch's newest event.
    pub(super) fn apply(&self, events: &[Event], last: i64) {
        let Ok(mut touched) = self.touched.write() else {
            return;
        };
        let user_id = |event: &Event| event.payload.get("user_id").and_then(|id| id.as_i64());
        let mut people = Vec::new();
        let mut parts_people = Vec::new();
        for event in events {
            let kind = event.kind.as_str();
            if kind == EventKind::AccountChanged.as_str()
                || kind == EventKind::UserModerated.as_str()
                || kind == EventKind::AccountDeleted.as_str()
            {
                people.extend(user_id(event));
            } else if kind == EventKind::CommentCreated.as_str() {
                parts_people.extend(event.actor_id);
                if let Some(notified) = event.payload.get("notified").and_then(|n| n.as_array()) {
                    parts_people.extend(notified.iter().filter_map(|id| id.as_i64()));
                }
            } else if kind == EventKind::CommentEdited.as_str()
                || kind == EventKind::CommentDeleted.as_str()
                || kind == EventKind::CommentModerated.as_str()
            {
                touched.parts_floor = last;
            }
        }
        if touched.by_user.len() + touched.parts_by_user.len() + people.len() + parts_people.len()
            > MAX_TOUCHED_PEOPLE
        {
            touched.by_user.clear();
            touched.parts_by_user.clear();
            touched.floor = last;
        }
        for person in people {
            touched.by_user.insert(person, last);
        }
        for person in parts_people {
            touched.parts_by_user.insert(person, last);
        }
    }

    pub(super) fn report(&self) -> ReadersReport {
        ReadersReport {
            sessions: self.sessions.len(),
            tokens: self.tokens.len(),
            parts: self.parts.len(),
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }
}
