//! The webhooks worker (docs/webhooks.md): follows the events log under
//! the webhooks lease (one node at a time, as the cache purger does),
//! queues each event's message for the endpoints subscribed to it, and
//! sends every endpoint's queue in order, retrying with exponential
//! backoff and jitter until the retry horizon, then disabling the
//! endpoint and writing to the admins.

use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use khabar_app::Context;
use khabar_app::webhooks::{WebhookSettings, destination, messages_for, tell_admins_disabled};
use khabar_core::webhook::sign;
use khabar_store::{Attempt, AttemptOutcome, Webhook, WebhookDelivery};
use tokio::sync::watch;

/// The lease that makes one node of several send webhooks.
const LEASE: &str = "webhooks";
/// How long the lease lasts unrenewed.
const LEASE_TTL: Duration = Duration::from_secs(15);
/// How often the worker looks at the log and the queues when nothing wakes it.
const TICK: Duration = Duration::from_millis(500);
/// The least time between two looks: a burst of comments commits a
/// hundred times a second, and each look writes the cursor.
const ROUND_GAP: Duration = Duration::from_millis(100);
/// Events read from the log at a time.
const BATCH: i64 = 200;
/// Endpoints sent to at once.
const PARALLEL: i64 = 16;
/// How long connecting and a whole attempt may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(15);
/// Most bytes of an answer's body kept.
const KEPT_BODY_BYTES: usize = 4096;

/// Runs until `stop` fires. The very first holder of the lease starts at
/// `start` (the log's end when its node started).
pub(crate) async fn worker(ctx: Arc<Context>, start: i64, mut stop: watch::Receiver<bool>) {
    let store = ctx.store.clone();
    let holder = crate::workers::node_name();
    let mark = store.follower("webhooks");
    let mut held: Option<(i64, Instant)> = None;
    let mut last_round = tokio::time::Instant::now();
    // The last look read a full batch: the next one does not wait.
    let mut behind = false;
    loop {
        tokio::select! {
            _ = store.time_to_read_log(behind, last_round + ROUND_GAP, TICK) => {}
            _ = stop.changed() => {
                if let Err(error) = store.release_lease(LEASE, &holder).await {
                    tracing::warn!(%error, "could not hand the webhooks lease over");
                }
                return;
            }
        }
        last_round = tokio::time::Instant::now();
        let done = match held {
            Some((done, renewed)) if renewed.elapsed() < LEASE_TTL / 3 => done,
            _ => match store.claim_lease(LEASE, &holder, LEASE_TTL, start).await {
                Ok(Some(done)) => {
                    held = Some((done, Instant::now()));
                    mark.applied(done);
                    done
                }
                Ok(None) => {
                    held = None;
                    continue;
                }
                Err(error) => {
                    tracing::warn!(%error, "could not claim the webhooks lease");
                    held = None;
                    continue;
                }
            },
        };
        behind = false;
        match queue(&ctx, &holder, done).await {
            Ok(Some((next, full))) => {
                behind = full;
                held = held.map(|(_, renewed)| (next, renewed));
                mark.applied(next);
            }
            Ok(None) => {
                held = None;
                continue;
            }
            Err(error) => {
                tracing::warn!(%error, "could not queue webhooks");
                continue;
            }
        }
        if let Err(error) = send_due(&ctx).await {
            tracing::warn!(%error, "could not send webhooks");
        }
    }
}

/// Queues the messages of the events after `done`; the cursor reached and
/// whether a full batch was read (more may wait), or `None` when the lease
/// passed to another node.
async fn queue(ctx: &Context, holder: &str, done: i64) -> anyhow::Result<Option<(i64, bool)>> {
    let events = ctx.store.events_since(done, BATCH).await?;
    let Some(last) = events.last().map(|e| e.seq) else {
        return Ok(Some((done, false)));
    };
    let full = events.len() as i64 == BATCH;
    // Read after the events: an endpoint registered since starts past them.
    let subscribed = ctx.store.subscribed_webhook_events().await?;
    let messages = messages_for(ctx, &events, &subscribed).await?;
    let kept = ctx
        .store
        .queue_webhook_messages(LEASE, holder, last, &messages)
        .await?;
    Ok(kept.then_some((last, full)))
}

/// Sends the head of every endpoint's queue whose time has come, the
/// endpoints side by side.
async fn send_due(ctx: &Arc<Context>) -> anyhow::Result<()> {
    let due = ctx
        .store
        .due_webhook_deliveries(Timestamp::now(), PARALLEL)
        .await?;
    let mut sending = tokio::task::JoinSet::new();
    for (hook, delivery) in due {
        let ctx = ctx.clone();
        sending.spawn(async move { attempt(&ctx, &hook, &delivery).await });
    }
    while let Some(done) = sending.join_next().await {
        match done {
            Ok(Err(error)) => tracing::warn!(%error, "could not record a webhook attempt"),
            Err(error) => tracing::warn!(%error, "a webhook attempt failed"),
            Ok(Ok(())) => {}
        }
    }
    Ok(())
}

/// One attempt at a delivery, and what follows from its answer.
async fn attempt(ctx: &Context, hook: &Webhook, delivery: &WebhookDelivery) -> anyhow::Result<()> {
    let settings = ctx.webhook_settings();
    let now = Timestamp::now();
    let answer = send(settings, hook, delivery, now).await;
    let (status, body, error) = match &answer {
        Ok((status, body)) => (Some(i64::from(*status)), Some(body.as_str()), None),
        Err(error) => (None, None, Some(error.as_str())),
    };
    let delivered = matches!(answer, Ok((status, _)) if (200..300).contains(&status));
    let outcome = if delivered {
        AttemptOutcome::Delivered
    } else {
        let next = now + backoff(settings, delivery.attempts + 1);
        if next > delivery.created_at + settings.retry_for {
            AttemptOutcome::GiveUp
        } else {
            AttemptOutcome::Retry(next)
        }
    };
    ctx.store
        .record_webhook_attempt(
            delivery.id,
            &Attempt {
                at: now,
                status,
                body,
                error,
                outcome,
            },
        )
        .await?;
    if outcome == AttemptOutcome::GiveUp {
        tracing::warn!(endpoint = hook.id, url = %hook.url, "webhook endpoint disabled after failing for the retry horizon");
        tell_admins_disabled(ctx, hook).await?;
    }
    Ok(())
}

/// The wait before attempt `attempt` (1 is the first retry): the base
/// doubled each time up to an hour, the later half of it drawn at random.
fn backoff(settings: &WebhookSettings, attempt: i64) -> SignedDuration {
    let doubled = settings
        .retry_base
        .checked_mul(1 << attempt.clamp(1, 20).saturating_sub(1))
        .unwrap_or(SignedDuration::from_hours(1))
        .min(SignedDuration::from_hours(1));
    let half = doubled / 2;
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    let jitter_ms = i64::try_from(random % u64::try_from(half.as_millis().max(1)).unwrap_or(1))
        .unwrap_or_default();
    half + SignedDuration::from_millis(jitter_ms)
}

/// POSTs a delivery to its endpoint, connecting only to the address its
/// host resolves to now (checked again), following no redirect; the
/// answer's status and the first few KB of its body.
async fn send(
    settings: &WebhookSettings,
    hook: &Webhook,
    delivery: &WebhookDelivery,
    now: Timestamp,
) -> Result<(u16, String), String> {
    let to = destination(&hook.url, settings)
        .await
        .map_err(|refused| refused.message)?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(ATTEMPT_TIMEOUT)
        .resolve(&to.host, to.address)
        .build()
        .map_err(|e| e.to_string())?;
    let timestamp = now.as_second();
    let signatures: Vec<String> = hook
        .signing_secrets(now)
        .into_iter()
        .filter_map(|secret| sign(secret, &delivery.message_id, timestamp, &delivery.payload))
        .collect();
    let mut response = client
        .post(&hook.url)
        .header("content-type", "application/json")
        .header(
            "user-agent",
            concat!("khabar-webhooks/", env!("CARGO_PKG_VERSION")),
        )
        .header("webhook-id", &delivery.message_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signatures.join(" "))
        .body(delivery.payload.clone())
        .send()
        .await
        .map_err(|e| e.without_url().to_string())?;
    let status = response.status().as_u16();
    let mut body = Vec::new();
    while body.len() < KEPT_BODY_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    body.truncate(KEPT_BODY_BYTES);
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_stops_at_an_hour() {
        let settings = WebhookSettings::default();
        for attempt in 1..6 {
            let full = SignedDuration::from_secs(10 * (1 << (attempt - 1)));
            let wait = backoff(&settings, attempt);
            assert!(wait >= full / 2 && wait <= full, "{attempt}: {wait:?}");
        }
        assert!(backoff(&settings, 40) <= SignedDuration::from_hours(1));
    }
}
