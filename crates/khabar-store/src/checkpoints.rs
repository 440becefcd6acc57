//! SQLite's checkpoints, beside the writer rather than inside its commits.
//!
//! A checkpoint copies the write-ahead log back into the database file and
//! flushes it. By default SQLite runs one inside the commit that grows the
//! log past 1,000 pages: on the store's one write connection, so under a
//! burst of comments every few batches waited for that copy and its
//! `fsync` (a seventh of the writer's time in the write path's profile).
//! Here a connection of its own runs a passive checkpoint every
//! [`CHECKPOINT_EVERY`]: it copies what no reader still needs while the
//! writer goes on, and never takes the writer's lock. The writer still
//! checkpoints by itself past [`WRITER_CHECKPOINT_PAGES`], should this one
//! fall behind or stop.
//!
//! A passive checkpoint copies only what no reader still reads, and the log
//! starts over from its beginning only when a write begins with all of it
//! copied. Under a steady stream of comments and page reads that almost
//! never happens, and the log grew until the writer's own checkpoints took
//! over, one (with its `fsync`s) in every commit until the log started
//! over: the slowest commits of a burst. So past [`RESTART_PAGES`] the
//! checkpointer asks the comment writer, which alone writes without pause
//! during a burst, to restart the log between two of its transactions
//! ([`Store::restart_log_if_due`]): one short wait, planned.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sqlx::{AnyConnection, AnyPool, Executor};

use crate::Store;

/// How often the log is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

/// The log's length (pages, about 320 MB) past which the writer
/// checkpoints in its own commit: reached only when the checkpointer falls
/// behind or the planned restart keeps failing.
pub(crate) const WRITER_CHECKPOINT_PAGES: u32 = 80_000;

/// The log's length (pages, about 256 MB) past which the comment writer is
/// asked to restart it; below [`WRITER_CHECKPOINT_PAGES`], so that the
/// planned restart comes first. Each restart holds the batch after it for
/// as long as the database file takes to sync (5–30 ms, longer as it
/// grows), and a burst writes about 100 MB of log a second: at 4,096 or
/// 16,384 pages the restarts came often enough to be the write path's p99
/// (bench/README.md). The unit test grows a shorter log.
const RESTART_PAGES: i64 = if cfg!(test) { 4_096 } else { 65_536 };

/// Whether the log has grown past [`RESTART_PAGES`] since it last started over.
#[derive(Debug, Default)]
pub(crate) struct RestartDue(AtomicBool);

/// Checkpoints through `pool` (one read-write connection) until the pool
/// is closed; asks for a restart through `restart` when the log is long.
pub(crate) async fn run(pool: AnyPool, restart: Arc<RestartDue>) {
    let mut every = tokio::time::interval(CHECKPOINT_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if pool.is_closed() {
            return;
        }
        // PASSIVE: copies the frames no reader's snapshot still needs and
        // returns; a reader is never waited for, the writer never blocked.
        // Its row: whether it was blocked, the log's length, and how much
        // of it is now copied (pages).
        let checkpoint = sqlx::query_as::<_, (i64, i64, i64)>("PRAGMA wal_checkpoint(PASSIVE)")
            .fetch_one(&pool)
            .await;
        match checkpoint {
            Ok((_, log, _)) if log >= RESTART_PAGES => restart.0.store(true, Ordering::Relaxed),
            Ok(_) => {}
            Err(_) if pool.is_closed() => return,
            Err(error) => {
                tracing::warn!(%error, "checkpointing the SQLite log failed; the writer checkpoints past its limit");
            }
        }
    }
}

impl Store {
    /// Restarts SQLite's log on `connection` (the write one, outside a
    /// transaction) if the checkpointer asked for it: copies its last pages,
    /// waits for readers still in it (they are quick), and leaves it to
    /// start over at the next commit. Holds the write lock meanwhile, until
    /// the database file is synced (5–30 ms under a burst); a failure only
    /// leaves the log long, so it is logged.
    pub(crate) async fn restart_log_if_due(&self, connection: &mut AnyConnection) {
        if !self.log_restart.0.swap(false, Ordering::Relaxed) {
            return;
        }
        if let Err(error) = connection.execute("PRAGMA wal_checkpoint(RESTART)").await {
            tracing::warn!(%error, "restarting the SQLite log failed; it stays long until it can");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use sqlx::Executor;

    use super::*;

    /// The log's length and how much of it is copied (pages), as a passive
    /// checkpoint leaves them.
    async fn log_pages(store: &Store) -> (i64, i64) {
        let pool = store.checkpoints.as_ref().expect("a SQLite store");
        let (_, log, copied) =
            sqlx::query_as::<_, (i64, i64, i64)>("PRAGMA wal_checkpoint(PASSIVE)")
                .fetch_one(pool)
                .await
                .unwrap();
        (log, copied)
    }

    /// A reader in the middle of a read keeps the log from being copied
    /// past it, as page reads do under load; the log grows past its limit,
    /// the checkpointer asks for a restart, and once the reader is done the
    /// writer's restart makes the log start over at the next commit.
    #[tokio::test]
    async fn a_long_log_is_restarted_between_two_writes() {
        let db = khabar_testkit::sqlite();
        let store = Store::open(db.url()).await.unwrap();
        store
            .write
            .execute("CREATE TABLE filler (page BLOB)")
            .await
            .unwrap();
        let mut reader = store.read.acquire().await.unwrap();
        reader.execute("BEGIN").await.unwrap();
        let _: i64 = sqlx::query_scalar("SELECT count(*) FROM filler")
            .fetch_one(&mut *reader)
            .await
            .unwrap();
        // A row of a page's size each, in a few transactions.
        for _ in 0..(RESTART_PAGES / 500 + 1) {
            store
                .write
                .execute(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
                     INSERT INTO filler SELECT zeroblob(4000) FROM n",
                )
                .await
                .unwrap();
        }
        let (log, copied) = log_pages(&store).await;
        assert!(log > RESTART_PAGES && copied < log, "{log} {copied}");
        // Not a timing claim: the checkpointer looks every 100 ms.
        for _ in 0..100 {
            if store.log_restart.0.load(Ordering::Relaxed) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(store.log_restart.0.load(Ordering::Relaxed));

        reader.execute("COMMIT").await.unwrap();
        drop(reader);
        let mut writer = store.write.acquire().await.unwrap();
        store.restart_log_if_due(&mut writer).await;
        assert!(!store.log_restart.0.load(Ordering::Relaxed));
        writer
            .execute("INSERT INTO filler VALUES (zeroblob(10))")
            .await
            .unwrap();
        let (log, _) = log_pages(&store).await;
        assert!(log < 10, "the log started over: {log} pages");
        drop(writer);
        store.close().await;
    }
}
