//! The moderation log's writing side: every decision, by a moderator or a
//! pipeline phase, is one append-only row written in the same transaction
//! as the change it records.

use jiff::Timestamp;
use khabar_core::moderation::Reason;
use sqlx::{Any, Transaction};

use crate::time::to_millis;
use crate::{Backend, Result, value_rows};

/// A decision to write to the log.
pub(crate) struct LogRow<'a> {
    pub actor_id: Option<i64>,
    pub phase: Option<&'a str>,
    pub action: &'a str,
    pub comment_id: Option<i64>,
    pub user_id: Option<i64>,
    pub reasons: &'a [Reason],
    pub message: &'a str,
}

pub(crate) async fn write_log(tx: &mut Transaction<'static, Any>, row: LogRow<'_>) -> Result<()> {
    write_logs(tx, std::slice::from_ref(&row)).await
}

/// Writes several rows at once (the pipeline's verdicts on a batch of
/// comments), stamped now.
pub(crate) async fn write_logs(tx: &mut Transaction<'_, Any>, rows: &[LogRow<'_>]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO moderation_log (at, actor_id, phase, action, comment_id, user_id, reasons, message) VALUES {}",
        value_rows(Backend::of(tx), rows.len(), 8)
    );
    let at = to_millis(Timestamp::now());
    let mut query = sqlx::query(&sql);
    for row in rows {
        query = query
            .bind(at)
            .bind(row.actor_id)
            .bind(row.phase)
            .bind(row.action)
            .bind(row.comment_id)
            .bind(row.user_id)
            .bind(reasons_json(row.reasons))
            .bind(row.message);
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

/// Writes a log row and returns its id. A moderator's decision carries
/// what it changed; an undo names the decision it reverses.
pub(crate) async fn insert_log(
    tx: &mut Transaction<'static, Any>,
    row: &LogRow<'_>,
    at: Timestamp,
    previous: Option<&str>,
    undoes: Option<i64>,
) -> Result<i64> {
    let id = sqlx::query_scalar(
        "INSERT INTO moderation_log (at, actor_id, phase, action, comment_id, user_id, reasons, message, previous, undoes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(to_millis(at))
    .bind(row.actor_id)
    .bind(row.phase)
    .bind(row.action)
    .bind(row.comment_id)
    .bind(row.user_id)
    .bind(reasons_json(row.reasons))
    .bind(row.message)
    .bind(previous)
    .bind(undoes)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

pub(crate) fn reasons_json(reasons: &[Reason]) -> String {
    serde_json::to_string(reasons).unwrap_or_else(|_| "[]".to_owned())
}

pub(crate) fn reasons_of(text: &str) -> Vec<Reason> {
    serde_json::from_str(text).unwrap_or_default()
}
