//! Webhook endpoints and their deliveries: a queue per endpoint, filled
//! from the events log by the node holding the webhooks lease and
//! emptied in order, oldest first.

use std::collections::HashSet;

use jiff::Timestamp;
use sqlx::FromRow;

use khabar_core::moderation::Queue;

use crate::reading::{EditionRecord, RECORD_COLUMNS};
use crate::row::{Flag, JsonText, MaybeMillis, Millis};
use crate::time::{now_millis, to_millis};
use crate::{Result, Store, StoreError};

/// A registered endpoint.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Webhook {
    pub id: i64,
    pub url: String,
    pub description: String,
    #[sqlx(try_from = "JsonText")]
    pub event_types: Vec<String>,
    pub secret: String,
    pub previous_secret: Option<String>,
    #[sqlx(try_from = "MaybeMillis")]
    pub previous_secret_until: Option<Timestamp>,
    /// `None` while enabled; `admin` or `failing` otherwise.
    pub disabled_reason: Option<String>,
    #[sqlx(try_from = "MaybeMillis")]
    pub disabled_at: Option<Timestamp>,
    /// The newest event the endpoint acknowledged (0: none yet).
    pub delivered_seq: i64,
    pub created_by: Option<i64>,
    #[sqlx(try_from = "Millis")]
    pub created_at: Timestamp,
    #[sqlx(try_from = "Millis")]
    pub updated_at: Timestamp,
}

const WEBHOOK_COLUMNS: &str = "id, url, description, event_types, secret, previous_secret,
    previous_secret_until, disabled_reason, disabled_at, delivered_seq, created_by, created_at,
    updated_at";

impl Webhook {
    /// The secrets that sign a message sent at `now`: the current one,
    /// and the previous one while its overlap lasts.
    pub fn signing_secrets(&self, now: Timestamp) -> Vec<&str> {
        let mut secrets = vec![self.secret.as_str()];
        if let (Some(previous), Some(until)) = (&self.previous_secret, self.previous_secret_until)
            && until > now
        {
            secrets.push(previous);
        }
        secrets
    }
}

/// A new endpoint; `event_types` already checked.
pub struct NewWebhook<'a> {
    pub url: &'a str,
    pub description: &'a str,
    pub event_types: &'a [String],
    pub secret: &'a str,
    pub created_by: i64,
}

/// What an update changes; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct WebhookChange<'a> {
    pub url: Option<&'a str>,
    pub description: Option<&'a str>,
    pub event_types: Option<&'a [String]>,
    pub enabled: Option<bool>,
    /// A new secret, and until when the current one keeps signing.
    pub rotate: Option<(&'a str, Timestamp)>,
}

/// One message to one endpoint, with its last answer.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct WebhookDelivery {
    pub id: i64,
    pub endpoint_id: i64,
    pub event_seq: i64,
    pub event_type: String,
    pub message_id: String,
    pub payload: String,
    /// A replay an admin asked for.
    #[sqlx(try_from = "Flag")]
    pub replay: bool,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    pub attempts: i64,
    #[sqlx(try_from = "Millis")]
    pub next_attempt_at: Timestamp,
    #[sqlx(try_from = "MaybeMillis")]
    pub last_attempt_at: Option<Timestamp>,
    pub last_status: Option<i64>,
    pub last_body: Option<String>,
    pub last_error: Option<String>,
    #[sqlx(try_from = "Millis")]
    pub created_at: Timestamp,
    #[sqlx(try_from = "MaybeMillis")]
    pub delivered_at: Option<Timestamp>,
}

const DELIVERY_COLUMNS: &str = "id, endpoint_id, event_seq, event_type, message_id, payload,
    replay, status, attempts, next_attempt_at, last_attempt_at, last_status, last_body,
    last_error, created_at, delivered_at";

/// A message for every endpoint subscribed to its type.
#[derive(Debug, Clone)]
pub struct WebhookMessage {
    pub event_seq: i64,
    pub event_type: String,
    pub message_id: String,
    pub payload: String,
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AttemptOutcome {
    Delivered,
    /// Try again at this time.
    Retry(Timestamp),
    /// Retries ran out: the delivery failed and the endpoint is disabled.
    GiveUp,
}

/// One attempt's answer, as kept.
#[derive(Debug, Clone)]
pub struct Attempt<'a> {
    pub at: Timestamp,
    pub status: Option<i64>,
    pub body: Option<&'a str>,
    pub error: Option<&'a str>,
    pub outcome: AttemptOutcome,
}

impl Store {
    /// Registers an endpoint; it is sent the events logged from now on.
    pub async fn create_webhook(&self, new: NewWebhook<'_>) -> Result<i64> {
        let now = now_millis();
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO webhook_endpoints (url, description, event_types, secret, start_seq,
                 created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, (SELECT COALESCE(MAX(seq), 0) FROM events), $5, $6, $6)
             RETURNING id",
        )
        .bind(new.url)
        .bind(new.description)
        .bind(json_list(new.event_types))
        .bind(new.secret)
        .bind(new.created_by)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Every endpoint, oldest first.
    pub async fn webhooks(&self) -> Result<Vec<Webhook>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {WEBHOOK_COLUMNS} FROM webhook_endpoints ORDER BY id"
        ))
        .fetch_all(&self.read)
        .await?)
    }

    /// The event types some enabled endpoint is sent: the worker makes
    /// messages of these alone (none at all on a site with no endpoint).
    pub async fn subscribed_webhook_events(&self) -> Result<HashSet<String>> {
        let lists: Vec<String> = sqlx::query_scalar(
            "SELECT event_types FROM webhook_endpoints WHERE disabled_reason IS NULL",
        )
        .fetch_all(&self.read)
        .await?;
        Ok(lists
            .iter()
            .filter_map(|list| serde_json::from_str::<Vec<String>>(list).ok())
            .flatten()
            .collect())
    }

    pub async fn webhook(&self, id: i64) -> Result<Webhook> {
        sqlx::query_as(&format!(
            "SELECT {WEBHOOK_COLUMNS} FROM webhook_endpoints WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.write)
        .await?
        .ok_or(StoreError::NotFound)
    }

    /// Changes an endpoint; re-enabling one clears why it was disabled.
    pub async fn update_webhook(&self, id: i64, change: &WebhookChange<'_>) -> Result<Webhook> {
        let now = now_millis();
        let (disabled_reason, disabled_at, keep_disabled) = match change.enabled {
            None => (None, None, 1),
            Some(true) => (None, None, 0),
            Some(false) => (Some("admin"), Some(now), 0),
        };
        let changed = sqlx::query(
            "UPDATE webhook_endpoints SET
                 url = COALESCE($1, url),
                 description = COALESCE($2, description),
                 event_types = COALESCE($3, event_types),
                 previous_secret = CASE WHEN $4 IS NULL THEN previous_secret ELSE secret END,
                 previous_secret_until = CASE WHEN $4 IS NULL THEN previous_secret_until ELSE $5 END,
                 secret = COALESCE($4, secret),
                 disabled_reason = CASE WHEN $6 = 1 THEN disabled_reason
                     WHEN $7 IS NULL THEN NULL
                     ELSE COALESCE(disabled_reason, $7) END,
                 disabled_at = CASE WHEN $6 = 1 THEN disabled_at
                     WHEN $7 IS NULL THEN NULL
                     ELSE COALESCE(disabled_at, $8) END,
                 updated_at = $9
             WHERE id = $10",
        )
        .bind(change.url)
        .bind(change.description)
        .bind(change.event_types.map(json_list))
        .bind(change.rotate.map(|(secret, _)| secret))
        .bind(change.rotate.map(|(_, until)| to_millis(until)))
        .bind(keep_disabled)
        .bind(disabled_reason)
        .bind(disabled_at)
        .bind(now)
        .bind(id)
        .execute(&self.write)
        .await?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        self.webhook(id).await
    }

    /// Removes an endpoint and its deliveries.
    pub async fn delete_webhook(&self, id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM webhook_deliveries WHERE endpoint_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let deleted = sqlx::query("DELETE FROM webhook_endpoints WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }

    /// Queues `messages` for every enabled endpoint subscribed to their
    /// type that existed before their event, and moves the lease `lease`
    /// of `holder` to `through_seq`, in one transaction: `false` (and
    /// nothing queued) when the lease passed to another node meanwhile.
    /// A message already queued for an endpoint is not queued again.
    pub async fn queue_webhook_messages(
        &self,
        lease: &str,
        holder: &str,
        through_seq: i64,
        messages: &[WebhookMessage],
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let moved = sqlx::query(
            "UPDATE worker_leases SET done_seq = $1 WHERE name = $2 AND holder = $3 AND done_seq <= $1",
        )
        .bind(through_seq)
        .bind(lease)
        .bind(holder)
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() != 1 {
            return Ok(false);
        }
        if !messages.is_empty() {
            let endpoints: Vec<(i64, String, i64)> = sqlx::query_as(
                "SELECT id, event_types, start_seq FROM webhook_endpoints WHERE disabled_reason IS NULL",
            )
            .fetch_all(&mut *tx)
            .await?;
            let now = now_millis();
            for message in messages {
                for (endpoint_id, types, start_seq) in &endpoints {
                    let subscribed = serde_json::from_str::<Vec<String>>(types)
                        .is_ok_and(|types| types.contains(&message.event_type));
                    if message.event_seq <= *start_seq || !subscribed {
                        continue;
                    }
                    sqlx::query(
                        "INSERT INTO webhook_deliveries (endpoint_id, event_seq, event_type,
                             message_id, payload, status, next_attempt_at, created_at)
                         VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6)
                         ON CONFLICT (endpoint_id, event_seq, event_type) WHERE replay = 0 DO NOTHING",
                    )
                    .bind(endpoint_id)
                    .bind(message.event_seq)
                    .bind(&message.event_type)
                    .bind(&message.message_id)
                    .bind(&message.payload)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(true)
    }

    /// The deliveries to attempt now, with their endpoints: the oldest
    /// pending delivery of each enabled endpoint, if its time has come
    /// (a later one waits while an earlier one is retried).
    pub async fn due_webhook_deliveries(
        &self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<(Webhook, WebhookDelivery)>> {
        let heads: Vec<WebhookDelivery> = sqlx::query_as(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d
             WHERE d.id IN (SELECT MIN(q.id) FROM webhook_deliveries q
                            JOIN webhook_endpoints e ON e.id = q.endpoint_id
                            WHERE q.status = 'pending' AND e.disabled_reason IS NULL
                            GROUP BY q.endpoint_id)
               AND d.next_attempt_at <= $1
             ORDER BY d.next_attempt_at, d.id LIMIT $2"
        ))
        .bind(to_millis(now))
        .bind(limit)
        .fetch_all(&self.write)
        .await?;
        let mut due = Vec::with_capacity(heads.len());
        for delivery in heads {
            due.push((self.webhook(delivery.endpoint_id).await?, delivery));
        }
        Ok(due)
    }

    /// Keeps an attempt's answer and what follows from it. Giving up
    /// marks the delivery failed and disables its endpoint (`failing`),
    /// in one transaction.
    pub async fn record_webhook_attempt(
        &self,
        delivery_id: i64,
        attempt: &Attempt<'_>,
    ) -> Result<()> {
        let at = to_millis(attempt.at);
        let (status, next, delivered_at) = match attempt.outcome {
            AttemptOutcome::Delivered => ("delivered", at, Some(at)),
            AttemptOutcome::Retry(next) => ("pending", to_millis(next), None),
            AttemptOutcome::GiveUp => ("failed", at, None),
        };
        let mut tx = self.begin_write().await?;
        let endpoint: Option<(i64, i64)> = sqlx::query_as(
            "UPDATE webhook_deliveries SET status = $1, attempts = attempts + 1,
                 next_attempt_at = $2, last_attempt_at = $3, last_status = $4, last_body = $5,
                 last_error = $6, delivered_at = $7
             WHERE id = $8 RETURNING endpoint_id, event_seq",
        )
        .bind(status)
        .bind(next)
        .bind(at)
        .bind(attempt.status)
        .bind(attempt.body)
        .bind(attempt.error)
        .bind(delivered_at)
        .bind(delivery_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (endpoint_id, event_seq) = endpoint.ok_or(StoreError::NotFound)?;
        match attempt.outcome {
            AttemptOutcome::Delivered => {
                sqlx::query(
                    "UPDATE webhook_endpoints SET delivered_seq = $1 WHERE id = $2 AND delivered_seq < $1",
                )
                .bind(event_seq)
                .bind(endpoint_id)
                .execute(&mut *tx)
                .await?;
            }
            AttemptOutcome::GiveUp => {
                sqlx::query(
                    "UPDATE webhook_endpoints SET disabled_reason = 'failing', disabled_at = $1, updated_at = $1
                     WHERE id = $2 AND disabled_reason IS NULL",
                )
                .bind(at)
                .bind(endpoint_id)
                .execute(&mut *tx)
                .await?;
            }
            AttemptOutcome::Retry(_) => {}
        }
        tx.commit().await?;
        Ok(())
    }

    /// An endpoint's deliveries, newest first; with `before`, those older
    /// than that delivery (the next page).
    pub async fn webhook_deliveries(
        &self,
        endpoint_id: i64,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<WebhookDelivery>> {
        self.webhook(endpoint_id).await?;
        Ok(sqlx::query_as(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE endpoint_id = $1 AND id < $2
             ORDER BY id DESC LIMIT $3"
        ))
        .bind(endpoint_id)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    /// Queues a delivery again, as a replay with the same message id and
    /// body, behind what the endpoint has queued; returns the replay.
    pub async fn redeliver_webhook(
        &self,
        endpoint_id: i64,
        delivery_id: i64,
    ) -> Result<WebhookDelivery> {
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO webhook_deliveries (endpoint_id, event_seq, event_type, message_id,
                 payload, replay, status, next_attempt_at, created_at)
             SELECT endpoint_id, event_seq, event_type, message_id, payload, 1, 'pending', $1, $1
             FROM webhook_deliveries WHERE id = $2 AND endpoint_id = $3
             RETURNING id",
        )
        .bind(now_millis())
        .bind(delivery_id)
        .bind(endpoint_id)
        .fetch_optional(&self.write)
        .await?;
        let id = id.ok_or(StoreError::NotFound)?;
        Ok(sqlx::query_as(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = $1"
        ))
        .bind(id)
        .fetch_one(&self.write)
        .await?)
    }

    /// Every edition of a story, in any status, oldest first (a webhook's
    /// payload names the story's address in each language).
    pub async fn story_editions(&self, story_id: i64) -> Result<Vec<EditionRecord>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {RECORD_COLUMNS} FROM editions e WHERE e.story_id = $1 ORDER BY e.id"
        ))
        .bind(story_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// Where to write to every admin: (address, language).
    pub async fn admin_addresses(&self) -> Result<Vec<(String, String)>> {
        Ok(sqlx::query_as(
            "SELECT email, lang FROM users
             WHERE role = 'admin' AND deleted_at IS NULL AND banned_at IS NULL ORDER BY id",
        )
        .fetch_all(&self.read)
        .await?)
    }

    /// Records whether the alarm `name` is raised; returns whether it was
    /// raised before. Writes only when that changes: the worker asks at
    /// every stretch of the log that moved a queue.
    pub async fn set_webhook_alarm(&self, name: &str, raised: bool) -> Result<bool> {
        let kept: Option<i64> =
            sqlx::query_scalar("SELECT raised FROM webhook_alarms WHERE name = $1")
                .bind(name)
                .fetch_optional(&self.read)
                .await?;
        if (kept.unwrap_or(0) != 0) == raised {
            return Ok(raised);
        }
        let mut tx = self.begin_write().await?;
        let before: Option<i64> =
            sqlx::query_scalar("SELECT raised FROM webhook_alarms WHERE name = $1")
                .bind(name)
                .fetch_optional(&mut *tx)
                .await?;
        sqlx::query(
            "INSERT INTO webhook_alarms (name, raised) VALUES ($1, $2)
             ON CONFLICT (name) DO UPDATE SET raised = excluded.raised",
        )
        .bind(name)
        .bind(i64::from(raised))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(before.unwrap_or(0) != 0)
    }

    /// How many comments wait in the moderation queues (held, and visible
    /// but reported or flagged and not yet reviewed).
    pub async fn moderation_backlog(&self) -> Result<i64> {
        Ok(self
            .queue_counts(&crate::QueueFilter::everything())
            .await?
            .into_iter()
            .filter(|(queue, _)| matches!(queue, Queue::Pending | Queue::Reported | Queue::Flagged))
            .map(|(_, count)| count)
            .sum())
    }
}

/// A JSON list in a TEXT column.
fn json_list(items: &[String]) -> String {
    serde_json::Value::from(items).to_string()
}
