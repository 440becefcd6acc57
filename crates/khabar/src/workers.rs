//! Background work that must happen without a request.

use std::time::Duration;

use jiff::Timestamp;
use khabar_store::Store;
use tokio::sync::watch;

/// How often the scheduler looks for editions whose time has come.
const SCHEDULER_TICK: Duration = Duration::from_secs(1);

/// Publishes scheduled editions when their time comes, until `stop` fires.
/// Each edition is claimed by a guarded update in the store, so several
/// nodes may run this loop at once without publishing anything twice.
pub async fn scheduler(store: Store, mut stop: watch::Receiver<bool>) {
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
