//! Email about replies and mentions, by each reader's preference: at once,
//! as a daily digest, or never.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use khabar_core::secret::Secret;
use tokio::sync::watch;

use crate::App;
use crate::emails::compose_notifications;

/// How often due notification emails are gathered.
const NOTIFY_EVERY: Duration = Duration::from_secs(2);

/// Puts due notification emails in the outbox until `stop` fires. Rows are
/// claimed in the store, so several nodes may run this.
pub async fn run(app: Arc<App>, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(NOTIFY_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => return,
        }
        if let Err(error) = send_due(&app, Timestamp::now()).await {
            tracing::warn!(%error, "notification emails failed");
        }
    }
}

/// One pass: claims what is due at `now` and queues one message per reader.
pub async fn send_due(app: &App, now: Timestamp) -> Result<usize, khabar_store::StoreError> {
    let new_key = || Secret::generate("").map(|s| s.token).unwrap_or_default();
    let batches = app.store.claim_notification_emails(now, new_key).await?;
    let mut queued = 0;
    for batch in &batches {
        match compose_notifications(app, batch) {
            Ok((message, lang)) => {
                app.store
                    .enqueue_email(message.to_new_email(&batch.email, &lang))
                    .await?;
                queued += 1;
            }
            Err(error) => {
                tracing::warn!(%error, user = batch.user_id, "notification email did not render")
            }
        }
    }
    Ok(queued)
}
