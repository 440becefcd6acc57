//! Pages rendered once and served to every anonymous reader from memory,
//! until the events log says something on them changed.
//!
//! A page remembers how far the log had been applied when its rendering
//! began (`rendered_at`) and the surrogate keys it shows. Applying the log
//! records, per key, the newest event that touched it; a page whose keys
//! were touched after it was rendered is stale and rendered again. Before
//! serving, the cache applies whatever this process committed (so an
//! author's next request shows their change) and whatever other nodes
//! announced (PostgreSQL notifications). On PostgreSQL without a working
//! listener, nothing is served from memory: another node's change could
//! go unnoticed.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use khabar_app::Context;
use khabar_store::LogMark;

use super::coding::{Coding, ContentKey};
use super::keys::purge_keys;
use super::readers::{Readers, ReadersReport};

/// One rendered page: what every anonymous reader of its address gets.
pub(crate) struct Page {
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    /// Its compressed forms, made when first asked for.
    pub(super) gzip: Option<Bytes>,
    pub(super) brotli: Option<Bytes>,
    /// The body's content hash: its ETag.
    pub(super) tag: ContentKey,
    /// The surrogate keys it shows.
    pub(super) keys: Vec<String>,
    /// How far the log had been applied when rendering began.
    pub(super) rendered_at: i64,
    pub(super) born: Instant,
    /// The edition an article page shows, for checks of the reader's own
    /// part in it.
    pub(crate) edition_id: Option<i64>,
}

impl Page {
    /// The bytes to send in `coding`, if this page holds them.
    pub(super) fn body_in(&self, coding: Coding) -> Option<&Bytes> {
        match coding {
            Coding::Identity => Some(&self.body),
            Coding::Gzip => self.gzip.as_ref(),
            Coding::Brotli => self.brotli.as_ref(),
        }
    }

    /// The same page with its form in `coding` added.
    pub(super) fn with_form(&self, coding: Coding, bytes: Bytes) -> Page {
        let mut gzip = self.gzip.clone();
        let mut brotli = self.brotli.clone();
        match coding {
            Coding::Identity => {}
            Coding::Gzip => gzip = Some(bytes),
            Coding::Brotli => brotli = Some(bytes),
        }
        Page {
            headers: self.headers.clone(),
            body: self.body.clone(),
            gzip,
            brotli,
            tag: self.tag,
            keys: self.keys.clone(),
            rendered_at: self.rendered_at,
            born: self.born,
            edition_id: self.edition_id,
        }
    }

    /// Bytes held, roughly: bodies, keys and headers.
    fn weight(&self) -> u64 {
        let headers: usize = self
            .headers
            .iter()
            .map(|(name, value)| name.as_str().len() + value.len() + 32)
            .sum();
        let keys: usize = self.keys.iter().map(|k| k.len() + 24).sum();
        let bodies = self.body.len()
            + self.gzip.as_ref().map_or(0, Bytes::len)
            + self.brotli.as_ref().map_or(0, Bytes::len);
        (bodies + headers + keys + 256) as u64
    }
}

#[derive(Clone)]
struct PageWeight;

impl quick_cache::Weighter<String, Arc<Page>> for PageWeight {
    fn weight(&self, address: &String, page: &Arc<Page>) -> u64 {
        address.len() as u64 + page.weight()
    }
}

/// Keys touched, remembered at most this many; then every page older than
/// the log's position is dropped at once and the list starts again.
const MAX_TOUCHED_KEYS: usize = 100_000;

/// Which keys the log has touched, and when.
#[derive(Default)]
struct Touched {
    by_key: HashMap<String, i64>,
    /// Pages rendered before this are stale, whatever their keys.
    floor: i64,
}

/// What is in memory, for `/readyz` and the tests.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct PageCacheReport {
    pub pages: usize,
    pub bytes: u64,
    pub capacity: u64,
    pub hits: u64,
    pub misses: u64,
    /// Stale pages served to anonymous readers while another request
    /// rendered them anew.
    pub stale: u64,
    /// Sessions, tokens and readers' parts kept beside the pages.
    pub readers: ReadersReport,
}

pub struct PageCache {
    ctx: Arc<Context>,
    pages: quick_cache::sync::Cache<String, Arc<Page>, PageWeight>,
    capacity: u64,
    /// Longer than this, a page is rendered again even unchanged: what
    /// depends on the clock (a thread closing after some days, "updated"
    /// lines) moves on.
    lifetime: Duration,
    touched: RwLock<Touched>,
    /// The log's position applied so far, and the notifications heard
    /// when that reading began.
    applied: AtomicI64,
    heard: AtomicU64,
    /// Set once `follow` has found the log's end: until then, nothing is
    /// served from memory.
    started: AtomicBool,
    catching_up: tokio::sync::Mutex<()>,
    /// Addresses being rendered again after going stale.
    rendering: std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    hits: AtomicU64,
    misses: AtomicU64,
    /// Stale pages served while another request rendered them anew.
    stale: AtomicU64,
    /// What signed-in requests are checked against, kept by the same log.
    pub(super) readers: Readers,
}

/// A page is at least this large in the estimate of how many fit.
const TYPICAL_PAGE_BYTES: u64 = 32 * 1024;

impl PageCache {
    pub(super) fn new(ctx: Arc<Context>, capacity: u64, lifetime: Duration) -> PageCache {
        let items = (capacity / TYPICAL_PAGE_BYTES).clamp(16, 1 << 20) as usize;
        PageCache {
            ctx,
            pages: quick_cache::sync::Cache::with_weighter(items, capacity, PageWeight),
            capacity,
            lifetime,
            touched: RwLock::default(),
            applied: AtomicI64::new(0),
            heard: AtomicU64::new(0),
            started: AtomicBool::new(false),
            catching_up: tokio::sync::Mutex::new(()),
            rendering: std::sync::Mutex::default(),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            stale: AtomicU64::new(0),
            readers: Readers::new(),
        }
    }

    /// Whether pages may be served from memory now, after applying what
    /// the log holds that this process knows of. `None`: render.
    pub(super) async fn ready(&self) -> Option<i64> {
        let store = &self.ctx.store;
        if !self.started.load(Ordering::SeqCst) || !store.hears_every_commit() {
            return None;
        }
        let mark = store.log_mark();
        if !self.covers(mark)
            && let Err(error) = self.catch_up(Some(mark)).await
        {
            tracing::warn!(%error, "page cache could not read the events log");
            return None;
        }
        Some(self.applied.load(Ordering::SeqCst))
    }

    /// The page kept at `address`, if any, and whether it may be served.
    /// A stale page stays until its new rendering replaces it, so that
    /// the readers asking meanwhile get it or wait for that one rendering
    /// ([`PageCache::find`]) instead of each rendering it again.
    fn lookup(&self, address: &str) -> Kept {
        let Some(page) = self.pages.get(address) else {
            return Kept::Absent;
        };
        let stale = page.born.elapsed() > self.lifetime
            || self.touched.read().is_ok_and(|touched| {
                page.rendered_at < touched.floor
                    || page.keys.iter().any(|key| {
                        touched
                            .by_key
                            .get(key)
                            .is_some_and(|at| *at > page.rendered_at)
                    })
            });
        if stale {
            return Kept::Stale(page);
        }
        self.hits.fetch_add(1, Ordering::Relaxed);
        Kept::Fresh(page)
    }

    /// Waits until no other request is rendering `address`; the turn ends
    /// when the returned guard is dropped, after the new page is kept.
    async fn turn(&self, address: &str) -> RenderTurn<'_> {
        let lock = self
            .rendering
            .lock()
            .map(|mut rendering| rendering.entry(address.to_owned()).or_default().clone())
            .unwrap_or_default();
        RenderTurn {
            cache: self,
            address: address.to_owned(),
            _held: lock.lock_owned().await,
        }
    }

    /// The turn to render `address` if nobody renders it now.
    fn try_turn(&self, address: &str) -> Option<RenderTurn<'_>> {
        let lock = self
            .rendering
            .lock()
            .ok()?
            .entry(address.to_owned())
            .or_default()
            .clone();
        Some(RenderTurn {
            cache: self,
            address: address.to_owned(),
            _held: lock.try_lock_owned().ok()?,
        })
    }

    /// The fresh page at `address`, or else the turn to render it: when
    /// a stale page is kept, after waiting for whoever renders it now (who
    /// may have kept a fresh one meanwhile). With a turn, the stale page
    /// is forgotten once rendered ([`RenderTurn::rendered`]).
    ///
    /// With `stale_ok` (a reader who wrote nothing: an anonymous one), a
    /// stale page that another request is rendering anew is served as it
    /// is instead ("grace", a CDN's stale-while-revalidate). Otherwise,
    /// while comments pour in, each waiting reader of the commented
    /// article would render it again in turn, every rendering made stale
    /// by the next comment. Such a page is at most one rendering old.
    pub(super) async fn find(
        &self,
        address: &str,
        stale_ok: bool,
    ) -> Result<(Arc<Page>, Served), Option<RenderTurn<'_>>> {
        match self.lookup(address) {
            Kept::Fresh(page) => Ok((page, Served::Fresh)),
            Kept::Absent => Err(None),
            Kept::Stale(page) if stale_ok => match self.try_turn(address) {
                Some(turn) => Err(Some(turn)),
                None => {
                    self.stale.fetch_add(1, Ordering::Relaxed);
                    Ok((page, Served::Stale))
                }
            },
            Kept::Stale(_) => {
                let turn = self.turn(address).await;
                match self.lookup(address) {
                    Kept::Fresh(page) => Ok((page, Served::Fresh)),
                    _ => Err(Some(turn)),
                }
            }
        }
    }

    /// Drops what is kept at `address` (a stale page whose new rendering
    /// may not be kept: a story taken down).
    fn forget(&self, address: &str) {
        self.pages.remove(address);
    }

    /// Counts a page rendered because none was kept.
    pub(super) fn missed(&self) {
        self.misses.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn keep(&self, address: String, page: Arc<Page>) {
        self.pages.insert(address, page);
    }

    pub fn report(&self) -> PageCacheReport {
        PageCacheReport {
            pages: self.pages.len(),
            bytes: self.pages.weight(),
            capacity: self.capacity,
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            stale: self.stale.load(Ordering::Relaxed),
            readers: self.readers.report(),
        }
    }

    /// Whether what is applied covers `mark`: every event this process
    /// committed and every notification it heard up to then.
    fn covers(&self, mark: LogMark) -> bool {
        mark.committed <= self.applied.load(Ordering::SeqCst)
            && mark.notices <= self.heard.load(Ordering::SeqCst)
    }

    /// Reads the log from where it was last applied and marks the keys it
    /// touched. One reader at a time; the others wait for it and, when it
    /// covered what they came for (`wanted`, the log's mark when they
    /// asked), find the work done: while comments pour in, one reading
    /// serves every request that arrived before it began. Without
    /// `wanted`, the log is read whatever this process knows.
    async fn catch_up(&self, wanted: Option<LogMark>) -> Result<(), khabar_store::StoreError> {
        let _one_at_a_time = self.catching_up.lock().await;
        if wanted.is_some_and(|mark| self.covers(mark)) {
            return Ok(());
        }
        let store = &self.ctx.store;
        let mark = store.log_mark();
        const BATCH: i64 = 500;
        loop {
            let from = self.applied.load(Ordering::SeqCst);
            let events = store.events_since(from, BATCH).await?;
            let Some(last) = events.last().map(|e| e.seq) else {
                break;
            };
            // Pages rendered from here on must show the new settings.
            if events
                .iter()
                .any(|e| e.kind == khabar_core::EventKind::SiteSettingsChanged.as_str())
            {
                self.ctx.reload_site().await?;
            }
            let keys = purge_keys(store, &events).await?;
            if let Ok(mut touched) = self.touched.write() {
                if touched.by_key.len() + keys.len() > MAX_TOUCHED_KEYS {
                    touched.by_key.clear();
                    touched.floor = last;
                }
                for key in keys {
                    touched.by_key.insert(key, last);
                }
            }
            self.readers.apply(&events, last);
            // Only now may a rendering begin that counts on these.
            self.applied.store(last, Ordering::SeqCst);
            store.follower("page_cache").applied(last);
            if events.len() < BATCH as usize {
                break;
            }
        }
        self.heard.store(mark.notices, Ordering::SeqCst);
        Ok(())
    }

    /// Applies the log as it grows, so that invalidations do not wait for
    /// a request, until `stop` fires. At start, the cache is empty and
    /// begins at the log's end.
    pub async fn follow(self: Arc<Self>, mut stop: tokio::sync::watch::Receiver<bool>) {
        match self.ctx.store.latest_event_seq().await {
            Ok(seq) => {
                self.applied.store(seq, Ordering::SeqCst);
                self.ctx.store.follower("page_cache").applied(seq);
            }
            Err(error) => tracing::warn!(%error, "page cache starts from the log's beginning"),
        }
        self.started.store(true, Ordering::SeqCst);
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            // The tick also catches what no wake-up announces: another
            // process writing the same SQLite file (`khabar admin`).
            let wanted = tokio::select! {
                _ = tick.tick() => None,
                _ = self.ctx.store.event_committed() => Some(self.ctx.store.log_mark()),
                _ = stop.changed() => return,
            };
            if let Err(error) = self.catch_up(wanted).await {
                tracing::warn!(%error, "page cache could not read the events log");
            }
        }
    }
}

/// What [`PageCache::lookup`] found.
enum Kept {
    Fresh(Arc<Page>),
    Stale(Arc<Page>),
    Absent,
}

/// Whether [`PageCache::find`] served a page fresh or in its grace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Served {
    Fresh,
    Stale,
}

/// One request's turn to render an address; see [`PageCache::turn`].
pub(super) struct RenderTurn<'a> {
    cache: &'a PageCache,
    address: String,
    _held: tokio::sync::OwnedMutexGuard<()>,
}

impl RenderTurn<'_> {
    /// The new rendering is done: the stale page goes, whether or not the
    /// new one may be kept (a story taken down is not).
    pub(super) fn rendered(&self) {
        self.cache.forget(&self.address);
    }
}

impl Drop for RenderTurn<'_> {
    fn drop(&mut self) {
        // Those already waiting hold the lock and take their turns; a
        // newcomer finds the page kept.
        if let Ok(mut rendering) = self.cache.rendering.lock() {
            rendering.remove(&self.address);
        }
    }
}

/// Whether a response may be kept as a page: a complete 200.
pub(super) fn keepable(status: StatusCode) -> bool {
    status == StatusCode::OK
}
