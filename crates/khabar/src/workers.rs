//! Background work that must happen without a request.

use std::time::{Duration, Instant};

use jiff::Timestamp;
use khabar_store::Store;
use tokio::sync::watch;

/// How often the scheduler looks for editions whose time has come.
const SCHEDULER_TICK: Duration = Duration::from_secs(1);

/// Publishes scheduled editions when their time comes, until `stop` fires.
/// Each edition is claimed by a guarded update in the store, so several
/// nodes may run this loop at once without publishing anything twice.
pub(crate) async fn scheduler(store: Store, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(SCHEDULER_TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => return,
        }
        match store.publish_due(Timestamp::now()).await {
            Ok(published) if !published.is_empty() => {
                tracing::info!(editions = ?published, "published scheduled editions");
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, code = error.code(), "scheduler pass failed"),
        }
    }
}

/// How often the mailer looks at the outbox.
const MAILER_TICK: Duration = Duration::from_secs(2);
/// How long a claimed message is reserved for this node.
const MAIL_LEASE: jiff::SignedDuration = jiff::SignedDuration::from_secs(120);

/// Where the mailer delivers.
pub(crate) enum Delivery {
    Smtp(lettre::AsyncSmtpTransport<lettre::Tokio1Executor>),
    /// No SMTP configured: `.eml` files in this folder, links in the log.
    Folder(std::path::PathBuf),
}

/// Sends what the outbox holds, until `stop` fires. Messages are claimed
/// with a lease, so several nodes share the work without sending twice.
pub(crate) async fn mailer(
    store: Store,
    from: lettre::message::Mailbox,
    delivery: Delivery,
    mut stop: watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(MAILER_TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => return,
        }
        let batch = match store.claim_emails(Timestamp::now(), MAIL_LEASE, 20).await {
            Ok(batch) => batch,
            Err(error) => {
                tracing::warn!(%error, "mailer could not read the outbox");
                continue;
            }
        };
        for email in batch {
            let outcome = deliver(&from, &delivery, &email).await;
            let recorded = match outcome {
                Ok(()) => store.mark_email_sent(email.id).await,
                Err(error) => {
                    tracing::warn!(id = email.id, attempt = email.attempts, %error, "email not sent");
                    let retry_in = jiff::SignedDuration::from_secs(
                        30 * 2_i64.pow(email.attempts.clamp(0, 6) as u32),
                    );
                    store.mark_email_failed(email.id, &error, retry_in).await
                }
            };
            if let Err(error) = recorded {
                tracing::warn!(%error, "mailer could not record a delivery");
            }
        }
    }
}

async fn deliver(
    from: &lettre::message::Mailbox,
    delivery: &Delivery,
    email: &khabar_store::OutgoingEmail,
) -> Result<(), String> {
    use lettre::AsyncTransport;
    use lettre::message::{Message, MultiPart};
    let to: lettre::message::Mailbox = email
        .recipient
        .parse()
        .map_err(|e| format!("bad recipient: {e}"))?;
    let message = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(&email.subject)
        .multipart(MultiPart::alternative_plain_html(
            email.text_body.clone(),
            email.html_body.clone(),
        ))
        .map_err(|e| e.to_string())?;
    match delivery {
        Delivery::Smtp(transport) => transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string()),
        Delivery::Folder(folder) => {
            std::fs::create_dir_all(folder).map_err(|e| e.to_string())?;
            let path = folder.join(format!(
                "{}-{}.eml",
                email.created_at.as_millisecond(),
                email.id
            ));
            std::fs::write(&path, message.formatted()).map_err(|e| e.to_string())?;
            let links: Vec<&str> = email
                .text_body
                .split_whitespace()
                .filter(|w| w.starts_with("http"))
                .collect();
            tracing::info!(to = %email.recipient, subject = %email.subject, file = %path.display(), ?links, "email written (no SMTP configured)");
            Ok(())
        }
    }
}

/// How often spent records are cleared away.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(600);

/// Clears expired sessions, spent links, old mail and old counters, until
/// `stop` fires. Deletes are idempotent, so every node may run it.
pub(crate) async fn housekeeping(store: Store, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(HOUSEKEEPING_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => return,
        }
        match store.prune(Timestamp::now()).await {
            Ok(pruned) => tracing::debug!(?pruned, "housekeeping done"),
            Err(error) => tracing::warn!(%error, "housekeeping failed"),
        }
    }
}

/// How often the purger looks at the events log.
const PURGE_TICK: Duration = Duration::from_millis(500);
/// Longest wait between attempts while the purge address fails.
const PURGE_MAX_BACKOFF: Duration = Duration::from_secs(60);
/// The lease that makes one node of several send the purges.
const PURGE_LEASE: &str = "cache-purger";
/// How long a purger's lease lasts unrenewed: after a node dies, another
/// node takes over within this time, from where the dead one stopped.
const PURGE_LEASE_TTL: Duration = Duration::from_secs(15);

/// Follows the events log and asks the CDN at `settings.purge_url` to drop
/// the pages each change touched, until `stop` fires. With several nodes
/// one holds the purge lease and sends them; the shared cursor makes the
/// next holder go on where it stopped. A failed purge is retried, with the
/// same events, until it succeeds. The very first purger starts at
/// `start` (the log's end when its node started).
pub(crate) async fn purger(
    store: Store,
    settings: khabar_web::http::cache::CacheSettings,
    start: i64,
    mut stop: watch::Receiver<bool>,
) {
    let Some(url) = settings.purge_url.clone() else {
        return;
    };
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "no HTTP client for cache purges");
            return;
        }
    };
    let holder = node_name();
    // Where this node's purges reached while it held the lease.
    let mark = store.follower("purge");
    let mut wait = PURGE_TICK;
    // While this node holds the lease: the cursor, and when it last
    // renewed. It renews a third of the way through the lease rather than
    // on every tick, and the others ask every few seconds, so an idle
    // cluster is not writing the lease row twice a second per node.
    let mut held: Option<(i64, Instant)> = None;
    loop {
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = stop.changed() => {
                // A node stopping hands over at once; one that dies, when
                // its lease runs out.
                if let Err(error) = store.release_lease(PURGE_LEASE, &holder).await {
                    tracing::warn!(%error, "could not hand the purge lease over");
                }
                return;
            }
        }
        let done = match held {
            Some((done, renewed)) if renewed.elapsed() < PURGE_LEASE_TTL / 3 => done,
            _ => match store
                .claim_lease(PURGE_LEASE, &holder, PURGE_LEASE_TTL, start)
                .await
            {
                Ok(Some(done)) => {
                    mark.applied(done);
                    held = Some((done, Instant::now()));
                    done
                }
                // Another node purges.
                Ok(None) => {
                    held = None;
                    wait = PURGE_LEASE_TTL / 5;
                    continue;
                }
                Err(error) => {
                    tracing::warn!(%error, "could not claim the purge lease");
                    held = None;
                    wait = (wait * 2).min(PURGE_MAX_BACKOFF);
                    continue;
                }
            },
        };
        let sent = purge_once(&store, &client, &url, settings.purge_token.as_deref(), done).await;
        match sent {
            Ok(next) => {
                if next > done {
                    match store.advance_lease(PURGE_LEASE, &holder, next).await {
                        Ok(true) => {
                            mark.applied(next);
                            held = held.map(|(_, renewed)| (next, renewed));
                        }
                        // The lease passed to another node meanwhile; its
                        // work counts.
                        Ok(false) => held = None,
                        Err(error) => {
                            tracing::warn!(%error, "could not record the purges sent");
                            held = None;
                        }
                    }
                }
                wait = PURGE_TICK;
            }
            Err(error) => {
                wait = (wait * 2).min(PURGE_MAX_BACKOFF);
                tracing::warn!(error = %error, retry_in = ?wait, "cache purge failed");
                // Keep the lease through the wait, so that the other
                // nodes do not each retry the failing purge meanwhile.
                held = None;
                if let Err(error) = store
                    .claim_lease(PURGE_LEASE, &holder, wait + PURGE_LEASE_TTL, start)
                    .await
                {
                    tracing::warn!(%error, "could not keep the purge lease");
                }
            }
        }
    }
}

/// This node among others, for leases: host, process and start time.
pub(crate) fn node_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "node".into());
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{host}-{}-{started}", std::process::id())
}

/// Most keys in one purge request (Fastly takes 256).
const PURGE_KEYS_PER_REQUEST: usize = 256;

/// A 4xx other than "too soon" or "too many": the request itself is wrong.
fn is_refusal(status: reqwest::StatusCode) -> bool {
    status.is_client_error()
        && status != reqwest::StatusCode::REQUEST_TIMEOUT
        && status != reqwest::StatusCode::TOO_MANY_REQUESTS
}

/// Purges what the events after `seq` touched; returns the sequence
/// number reached.
async fn purge_once(
    store: &Store,
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    seq: i64,
) -> anyhow::Result<i64> {
    let events = store.events_since(seq, 500).await?;
    let Some(last) = events.last().map(|e| e.seq) else {
        return Ok(seq);
    };
    let keys = khabar_web::http::cache::purge_keys(store, &events).await?;
    if keys.is_empty() {
        return Ok(last);
    }
    let keys: Vec<String> = keys.into_iter().collect();
    for batch in keys.chunks(PURGE_KEYS_PER_REQUEST) {
        let mut request = client
            .post(url)
            .header("surrogate-key", batch.join(" "))
            .json(&serde_json::json!({ "keys": batch }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let status = request.send().await?.status();
        if status.is_success() {
            continue;
        }
        if is_refusal(status) {
            // Sending the same request again would be refused again, and
            // hold up every purge after it.
            tracing::error!(%status, keys = ?batch, "the purge address refused these keys; skipped");
            continue;
        }
        anyhow::bail!("the purge address answered {status}");
    }
    tracing::debug!(?keys, "purged");
    Ok(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_wrong_request_is_given_up() {
        for code in [400, 401, 403, 404, 422] {
            assert!(
                is_refusal(reqwest::StatusCode::from_u16(code).unwrap()),
                "{code}"
            );
        }
        for code in [408, 429, 500, 502, 503] {
            assert!(
                !is_refusal(reqwest::StatusCode::from_u16(code).unwrap()),
                "{code}"
            );
        }
    }
}
