//! khabar's persistence: one store over SQLite (the embedded default) or
//! PostgreSQL.
//!
//! Both backends go through sqlx's `Any` driver so that every query is
//! written once: the dialects agree on `$n` parameters, `RETURNING`,
//! window functions and the column types used here (BIGINT times in Unix
//! milliseconds, TEXT). Where they differ — identity columns, serialising
//! event writers — [`Backend`] says which text to use.
//!
//! Rows become Rust values through `#[derive(sqlx::FromRow)]`, each select
//! list written once next to its row type; stored words decode into the
//! domain's types (`Lang`, `Role`, edition and comment status) and stored
//! forms the `Any` driver has no type for through the wrappers in `row`.

mod accounts;
mod audit;
mod checkpoints;
mod comments;
mod decisions;
mod embeds;
mod error;
mod events;
mod export;
mod followers;
mod front;
mod imports;
mod indexing;
mod leases;
mod mail;
mod media;
mod migrate;
mod moderation;
mod newsroom;
mod policy;
mod posting;
mod readers;
mod reading;
mod row;
mod site;
mod static_pages;
mod stories;
mod syndication;
mod taxonomy;
mod time;
mod transfer;
mod users;
mod webhooks;

use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Connection, Executor};

pub use accounts::{
    Account, NewSession, Pruned, RateDecision, SessionInfo, SessionRecord, TokenInfo, TokenRecord,
};
pub use comments::{CommentView, NewComment, NotificationKind, ThreadEntry, ThreadPage};
pub use decisions::{Decision, UndoRefusal};
pub use embeds::{EmbedThread, NewEmbedThread};
pub use error::StoreError;
pub use events::{Event, LogMark};
pub use export::{
    EXPORT_FORMAT_VERSION, ExportEnd, ExportHeader, ExportRecord, ExportedAuthor, ExportedBreaking,
    ExportedComment, ExportedContent, ExportedEdition, ExportedFront, ExportedLegacyPath,
    ExportedMedia, ExportedMediaText, ExportedPage, ExportedPick, ExportedProfile, ExportedReads,
    ExportedRevision, ExportedSettings, ExportedStory, ExportedTerm, ExportedUser,
};
pub use followers::{FollowerLag, FollowerMark, PoolUse, StoreFigures};
pub use front::{
    Breaking, BreakingShown, FRONT_SLOTS, FrontPage, FrontPick, FrontPlan, FrontSection, Reads,
    read_day,
};
pub use imports::{ImportKey, Imported};
pub use indexing::IndexedComment;
pub use khabar_core::CommentStatus;
pub use mail::{LinkPurpose, MAX_SEND_ATTEMPTS, NewEmail, OutgoingEmail};
pub use media::{MediaRecord, MediaText, MediaVariant, NewMedia};
pub use moderation::{
    CommentContext, CommentInputs, LogEntry, LogFilter, ModeratorNote, PipelineInputs, QueueFilter,
    QueueItem, QueuePage, ReaderHistory, Standing,
};
pub use newsroom::{EditionDraft, StoryRecord};
pub use policy::{Discussion, EditionKey, WordListRow};
pub use posting::{CommentPost, Placed, Posting, PostingLimit, WriterReport};
pub use readers::{
    AuthoredComment, EmailBatch, EmailPreference, Notification, Profile, ReaderOnPage,
};
pub use reading::{
    Article, AuthorRef, Behind, Discussed, EditionLink, EditionRecord, EditionSummary, HeroMedia,
    ListFilter, NewsroomEdition, NewsroomFilter, Page, Revision, SectionRef, TagRef,
};
pub use static_pages::StaticPage;
pub use stories::NewStory;
pub use syndication::{
    FeedEntry, ListingSlugs, NewsEntry, SitemapChunk, SitemapEntry, StoryPlaces,
};
pub use taxonomy::{AuthorProfile, Named, NamedRecord, SectionRecord};
pub use transfer::{CopyProgress, TableCopy};
pub use users::{NewUser, UserSummary};
pub use webhooks::{
    Attempt, AttemptOutcome, NewWebhook, Webhook, WebhookChange, WebhookDelivery, WebhookMessage,
};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Result<Backend> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else {
            Err(StoreError::UnsupportedUrl)
        }
    }

    /// The backend a connection (or a transaction, through `&**tx`) talks to.
    pub(crate) fn of(connection: &sqlx::AnyConnection) -> Backend {
        if connection.backend_name() == "PostgreSQL" {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// What an acknowledged write survives (docs/durability.md).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Durability {
    /// A crash of the process (`kill -9`, a panic, the OOM killer): SQLite
    /// in WAL mode with `synchronous = NORMAL`; PostgreSQL as its server is
    /// configured (`synchronous_commit = on` by default survives more).
    #[default]
    ProcessCrash,
    /// A power loss or kernel crash as well: SQLite syncs the WAL on every
    /// commit (`synchronous = FULL`), and each PostgreSQL session sets
    /// `synchronous_commit = on` whatever the server's default.
    PowerLoss,
}

impl Durability {
    /// SQLite's `synchronous` level for it.
    fn sqlite_synchronous(self) -> &'static str {
        match self {
            Durability::ProcessCrash => "NORMAL",
            Durability::PowerLoss => "FULL",
        }
    }
}

/// How a write transaction starts on SQLite; see [`Store::begin_write`].
const SQLITE_BEGIN_WRITE: &str = "BEGIN IMMEDIATE";

/// The store. Cheap to clone: it holds connection pools.
///
/// On SQLite every write goes through a pool of exactly one connection, so
/// writers queue in the application instead of failing with "database is
/// locked"; reads use a separate read-only pool that WAL lets run beside
/// the writer. On PostgreSQL both are the same pool.
///
/// The events log's followers read through a small pool of their own
/// (`log`): every answer from the page cache waits until the log's newest
/// commits are applied, so those reads must not queue behind a burst of
/// requests' reads.
#[derive(Clone, Debug)]
pub struct Store {
    read: AnyPool,
    write: AnyPool,
    log: AnyPool,
    /// SQLite's checkpointing connection (checkpoints.rs).
    checkpoints: Option<AnyPool>,
    /// Set by the checkpointer when SQLite's log should start over.
    log_restart: std::sync::Arc<checkpoints::RestartDue>,
    backend: Backend,
    wake: std::sync::Arc<events::Wake>,
    /// The node's comment writer (group commit).
    poster: std::sync::Arc<posting::Writer>,
    /// How far each of this process's log followers has come.
    followers: std::sync::Arc<followers::Followers>,
    /// How far a reader's record is counted (moderation.rs).
    record_sample: std::sync::Arc<moderation::LastRecordSample>,
}

impl Store {
    /// Opens (and for SQLite creates) the database at `url`:
    /// `sqlite:///path/to/khabar.db` or `postgres://…`. Does not migrate.
    pub async fn open(url: &str) -> Result<Store> {
        Store::open_with(url, Durability::default()).await
    }

    /// [`Store::open`], with commits as durable as `durability` asks.
    pub async fn open_with(url: &str, durability: Durability) -> Result<Store> {
        install_default_drivers();
        let backend = Backend::of_url(url)?;
        let store = match backend {
            Backend::Sqlite => {
                let path = sqlite_path(url).unwrap_or_default();
                let write = sqlite_pool(
                    &format!("sqlite://{path}?mode=rwc"),
                    1,
                    durability,
                    SqliteRole::Writer,
                )
                .await?;
                // WAL lets readers work while the single writer commits;
                // the mode is stored in the file, so setting it once holds.
                write.execute("PRAGMA journal_mode = WAL").await?;
                let read = sqlite_pool(
                    &format!("sqlite://{path}?mode=ro"),
                    4,
                    durability,
                    SqliteRole::Reader,
                )
                .await?;
                let log = sqlite_pool(
                    &format!("sqlite://{path}?mode=ro"),
                    2,
                    durability,
                    SqliteRole::Reader,
                )
                .await?;
                let checkpoints = sqlite_pool(
                    &format!("sqlite://{path}?mode=rw"),
                    1,
                    durability,
                    SqliteRole::Checkpointer,
                )
                .await?;
                let log_restart = std::sync::Arc::<checkpoints::RestartDue>::default();
                tokio::spawn(checkpoints::run(checkpoints.clone(), log_restart.clone()));
                Store {
                    read,
                    write,
                    log,
                    checkpoints: Some(checkpoints),
                    log_restart,
                    backend,
                    wake: Default::default(),
                    poster: Default::default(),
                    followers: Default::default(),
                    record_sample: Default::default(),
                }
            }
            Backend::Postgres => {
                let pool = postgres_pool(url, 16, durability).await?;
                Store {
                    read: pool.clone(),
                    write: pool,
                    log: postgres_pool(url, 2, durability).await?,
                    checkpoints: None,
                    log_restart: Default::default(),
                    backend,
                    wake: std::sync::Arc::new(events::Wake::listening_at(url)),
                    poster: Default::default(),
                    followers: Default::default(),
                    record_sample: Default::default(),
                }
            }
        };
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// How the writing connection syncs commits, as the database reports
    /// it: SQLite's `synchronous` (`1` NORMAL, `2` FULL) or PostgreSQL's
    /// `synchronous_commit` (`on`, `off`…).
    pub async fn commit_sync(&self) -> Result<String> {
        let query = match self.backend {
            Backend::Sqlite => "SELECT CAST(synchronous AS TEXT) FROM pragma_synchronous",
            Backend::Postgres => "SELECT current_setting('synchronous_commit')",
        };
        Ok(sqlx::query_scalar(query).fetch_one(&self.write).await?)
    }

    /// Whether the database answers and every migration has been applied.
    pub async fn is_ready(&self) -> bool {
        migrate::is_up_to_date(self).await.unwrap_or(false)
    }

    /// A write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a transaction that read first and wrote later
    /// would fail with "database is locked", not wait, when another process
    /// (a second node, `khabar admin` beside the server) wrote in between.
    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.write.begin_with(SQLITE_BEGIN_WRITE).await?,
            Backend::Postgres => self.write.begin().await?,
        })
    }

    /// [`Store::begin_write`] on a write connection the caller holds.
    pub(crate) async fn begin_write_on(
        connection: &mut sqlx::AnyConnection,
    ) -> Result<sqlx::Transaction<'_, sqlx::Any>> {
        use sqlx::Connection;
        Ok(match Backend::of(connection) {
            Backend::Sqlite => connection.begin_with(SQLITE_BEGIN_WRITE).await?,
            Backend::Postgres => connection.begin().await?,
        })
    }

    /// Waits for queries in flight and closes every connection.
    pub async fn close(&self) {
        self.stop_listening();
        self.poster.stop();
        self.write.close().await;
        self.read.close().await;
        self.log.close().await;
        if let Some(checkpoints) = &self.checkpoints {
            checkpoints.close().await;
        }
    }
}

/// `count` numbered placeholders from `$first` on, comma-separated, for an
/// `IN (…)` list both backends read alike.
pub(crate) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `rows` parenthesised rows of `columns` placeholders each, for a
/// multi-row `VALUES` whose parameters are all of the statement's, bound
/// in order: `$1, $2…` on PostgreSQL, `?` on SQLite. SQLite looks up each
/// numbered parameter by a scan of the statement's names, so a batch's
/// thousand-odd numbered parameters cost a million steps to bind; `?` is
/// bound by position.
pub(crate) fn value_rows(backend: Backend, rows: usize, columns: usize) -> String {
    let row = |n: usize| match backend {
        Backend::Sqlite => vec!["?"; columns].join(", "),
        Backend::Postgres => placeholders(1 + n * columns, columns),
    };
    (0..rows)
        .map(|n| format!("({})", row(n)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The file a `sqlite:` URL names (`None` for other URLs).
pub fn sqlite_path(url: &str) -> Option<&str> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    path.split('?').next()
}

/// How long a PostgreSQL connection may have been idle and still be lent
/// without a ping.
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(1);

/// A pool of at most `connections` to PostgreSQL.
async fn postgres_pool(url: &str, connections: u32, durability: Durability) -> Result<AnyPool> {
    Ok(AnyPoolOptions::new()
        .max_connections(connections)
        .acquire_timeout(Duration::from_secs(10))
        // sqlx pings every connection it lends by default: one more round
        // trip to the server per query. Only one left idle a while, which
        // the server may have dropped (a restart), is pinged first.
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= PING_IF_IDLE_FOR {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
        .after_connect(move |conn, _| {
            Box::pin(async move {
                // A server configured with synchronous_commit off would
                // acknowledge commits a power loss can take back.
                if durability == Durability::PowerLoss {
                    conn.execute("SET synchronous_commit = on").await?;
                }
                Ok(())
            })
        })
        .connect(url)
        .await?)
}

/// How much of an SQLite database file each connection maps into memory.
const SQLITE_MMAP_BYTES: u64 = 1 << 30;

/// What an SQLite pool's connections are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SqliteRole {
    /// The one connection every write goes through.
    Writer,
    /// Read-only connections.
    Reader,
    /// The connection that copies the log into the database file.
    Checkpointer,
}

async fn sqlite_pool(
    url: &str,
    connections: u32,
    durability: Durability,
    role: SqliteRole,
) -> Result<AnyPool> {
    // Each commit makes the other connections drop their page caches; with
    // the file mapped they read its pages in place instead of copying them
    // in by a system call each (the write path's profile was full of them).
    let mut pragmas = format!(
        "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = {};
         PRAGMA mmap_size = {SQLITE_MMAP_BYTES}; PRAGMA cache_size = -16000",
        durability.sqlite_synchronous()
    );
    if role == SqliteRole::Writer {
        // Checkpoints are the checkpointer's; a statement's undo pages (a
        // batch's multi-row inserts spill past 64 KiB) stay in memory
        // instead of a temporary file.
        pragmas.push_str(&format!(
            "; PRAGMA wal_autocheckpoint = {}; PRAGMA temp_store = MEMORY",
            checkpoints::WRITER_CHECKPOINT_PAGES
        ));
    }
    Ok(AnyPoolOptions::new()
        .max_connections(connections)
        // A file cannot hang up: the ping sqlx sends before lending a
        // connection would be one more hand-off to the connection's thread
        // for every query.
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(move |conn, _| {
            let pragmas = pragmas.clone();
            Box::pin(async move {
                conn.execute(pragmas.as_str()).await?;
                Ok(())
            })
        })
        .connect(url)
        .await?)
}
