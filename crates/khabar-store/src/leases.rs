//! Leases on work one node must do alone, with the cursor of how far that
//! work got: whichever node holds the lease does the next stretch, and a
//! node that dies hands over by no longer renewing.

use std::time::Duration;

use crate::time::now_millis;
use crate::{Result, Store};

impl Store {
    /// Takes or renews the lease `name` for `holder` for `ttl`, if nobody
    /// else holds it; returns the cursor to go on from, or `None` when
    /// another node holds the lease. A lease taken for the first time
    /// starts at `start`.
    pub async fn claim_lease(
        &self,
        name: &str,
        holder: &str,
        ttl: Duration,
        start: i64,
    ) -> Result<Option<i64>> {
        let now = now_millis();
        let until = now + i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX / 2);
        let cursor: Option<i64> = sqlx::query_scalar(
            "INSERT INTO worker_leases (name, holder, lease_until, done_seq) VALUES ($1, $2, $3, $4)
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until
             WHERE worker_leases.holder = excluded.holder OR worker_leases.lease_until < $5
             RETURNING done_seq",
        )
        .bind(name)
        .bind(holder)
        .bind(until)
        .bind(start)
        .bind(now)
        .fetch_optional(&self.write)
        .await?;
        Ok(cursor)
    }

    /// Moves the cursor of a lease `holder` still holds; `false` when the
    /// lease passed to another node meanwhile (whose work then counts).
    pub async fn advance_lease(&self, name: &str, holder: &str, cursor: i64) -> Result<bool> {
        let moved = sqlx::query(
            "UPDATE worker_leases SET done_seq = $1 WHERE name = $2 AND holder = $3 AND done_seq <= $1",
        )
        .bind(cursor)
        .bind(name)
        .bind(holder)
        .execute(&self.write)
        .await?;
        Ok(moved.rows_affected() == 1)
    }

    /// Gives up a lease `holder` holds, so that another node takes it at
    /// its next claim rather than after the lease runs out.
    pub async fn release_lease(&self, name: &str, holder: &str) -> Result<()> {
        sqlx::query("UPDATE worker_leases SET lease_until = 0 WHERE name = $1 AND holder = $2")
            .bind(name)
            .bind(holder)
            .execute(&self.write)
            .await?;
        Ok(())
    }
}
