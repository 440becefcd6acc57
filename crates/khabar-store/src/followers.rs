//! How far each follower of the events log in this process has applied
//! it (the search indexer, live pages, the page cache, purges, webhooks),
//! and the few figures about the store an operator watches: the pools'
//! use, the log's head and the outbox. `/metrics` and `/readyz` read them
//! when asked; nothing here polls.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};

use serde::Serialize;
use sqlx::AnyPool;

use crate::{Result, Store};

/// The followers of this process's log, by name.
#[derive(Debug, Default)]
pub(crate) struct Followers {
    marks: RwLock<Vec<(&'static str, FollowerMark)>>,
}

/// Where one follower stands: the sequence number of the last event it
/// applied. Cheap to clone; every clone moves the same mark.
#[derive(Debug, Clone, Default)]
pub struct FollowerMark(Arc<AtomicI64>);

impl FollowerMark {
    /// The follower has applied every event up to `seq`.
    pub fn applied(&self, seq: i64) {
        self.0.store(seq, Ordering::Relaxed);
    }

    pub fn get(&self) -> i64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// One follower's place against the log's head.
#[derive(Debug, Clone, Serialize)]
pub struct FollowerLag {
    pub name: &'static str,
    pub applied: i64,
    /// Events in the log it has not applied yet.
    pub lag: i64,
}

/// What one connection pool holds.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct PoolUse {
    pub name: &'static str,
    /// Connections open, idle ones included.
    pub open: u32,
    pub idle: u32,
    pub max: u32,
}

/// The store's figures read at one scrape.
#[derive(Debug, Clone, Serialize)]
pub struct StoreFigures {
    /// The newest sequence number in the events log.
    pub log_head: i64,
    /// Emails waiting in the outbox: not sent, not given up on.
    pub outbox: i64,
    pub followers: Vec<FollowerLag>,
}

impl Store {
    /// The mark of the follower called `name`, made on first use: a
    /// follower of the log registers with one line and moves it as it
    /// applies events, and `/metrics` and `/readyz` report its lag.
    pub fn follower(&self, name: &'static str) -> FollowerMark {
        let known = |marks: &[(&'static str, FollowerMark)]| {
            marks
                .iter()
                .find(|(known, _)| *known == name)
                .map(|(_, mark)| mark.clone())
        };
        let marks = self
            .followers
            .marks
            .read()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(mark) = known(&marks) {
            return mark;
        }
        drop(marks);
        let mut marks = self
            .followers
            .marks
            .write()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(mark) = known(&marks) {
            return mark;
        }
        let mark = FollowerMark::default();
        marks.push((name, mark.clone()));
        mark
    }

    /// The log's head, the outbox and each follower's lag: one query.
    pub async fn figures(&self) -> Result<StoreFigures> {
        let (head, outbox): (Option<i64>, i64) = sqlx::query_as(
            "SELECT (SELECT MAX(seq) FROM events),
                    (SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND attempts < $1)",
        )
        .bind(crate::MAX_SEND_ATTEMPTS)
        .fetch_one(&self.log)
        .await?;
        let log_head = head.unwrap_or(0);
        let marks = self
            .followers
            .marks
            .read()
            .unwrap_or_else(|e| e.into_inner());
        let followers = marks
            .iter()
            .map(|(name, mark)| {
                let applied = mark.get();
                FollowerLag {
                    name,
                    applied,
                    lag: (log_head - applied).max(0),
                }
            })
            .collect();
        Ok(StoreFigures {
            log_head,
            outbox,
            followers,
        })
    }

    /// What each connection pool holds now (no query). On PostgreSQL
    /// requests read and write through one pool.
    pub fn pool_use(&self) -> Vec<PoolUse> {
        let pools: &[(&'static str, &AnyPool)] = match self.backend {
            crate::Backend::Sqlite => &[
                ("read", &self.read),
                ("write", &self.write),
                ("log", &self.log),
            ],
            crate::Backend::Postgres => &[("main", &self.write), ("log", &self.log)],
        };
        pools
            .iter()
            .map(|&(name, pool)| PoolUse {
                name,
                open: pool.size(),
                idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
                max: pool.options().get_max_connections(),
            })
            .collect()
    }
}
