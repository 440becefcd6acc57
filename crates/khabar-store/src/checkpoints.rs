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

use std::time::Duration;

use sqlx::{AnyPool, Executor};

/// How often the log is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

/// The log's length (pages) past which the writer checkpoints in its own
/// commit: ten times SQLite's default, reached only when the checkpointer
/// falls behind.
pub(crate) const WRITER_CHECKPOINT_PAGES: u32 = 10_000;

/// Checkpoints through `pool` (one read-write connection) until the pool
/// is closed.
pub(crate) async fn run(pool: AnyPool) {
    let mut every = tokio::time::interval(CHECKPOINT_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if pool.is_closed() {
            return;
        }
        // PASSIVE: copies the frames no reader's snapshot still needs and
        // returns; a reader is never waited for, the writer never blocked.
        if let Err(error) = pool.execute("PRAGMA wal_checkpoint(PASSIVE)").await {
            if pool.is_closed() {
                return;
            }
            tracing::warn!(%error, "checkpointing the SQLite log failed; the writer checkpoints past its limit");
        }
    }
}
