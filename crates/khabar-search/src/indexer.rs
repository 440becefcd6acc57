//! Keeping the index true to the store: a full rebuild, and a follower of
//! the events log that re-reads each edition or comment an event names
//! (and every edition of a renamed section).
//! Both are idempotent, so an event applied twice does no harm.

use std::sync::Arc;
use std::time::Duration;

use khabar_core::EventKind;
use khabar_store::{Event, Store};
use tokio::sync::watch;

use crate::{Result, SearchIndex};

/// How often the follower reads the log: changes are searchable within
/// about this long.
const FOLLOW_EVERY: Duration = Duration::from_millis(250);
/// Documents read from the store per batch of a rebuild.
const BATCH: i64 = 500;

/// Rebuilds the index from the store. `progress(done, of)` is called as
/// editions and comments are indexed. Returns how many documents it holds.
pub async fn rebuild(
    store: &Store,
    index: &SearchIndex,
    mut progress: impl FnMut(usize),
) -> Result<usize> {
    // Events from here on are replayed by the follower: nothing written
    // while the rebuild runs is missed.
    let seq = store.latest_event_seq().await?;
    index.clear()?;
    let mut done = 0;
    let mut after = 0;
    loop {
        let ids = store.published_edition_ids(after, BATCH).await?;
        let Some(&last) = ids.last() else { break };
        for id in ids {
            if let Some(article) = store.published_article(id).await? {
                index.put_edition(&article)?;
                done += 1;
            }
        }
        after = last;
        progress(done);
    }
    after = 0;
    loop {
        let ids = store.comment_ids(after, BATCH).await?;
        let Some(&last) = ids.last() else { break };
        for id in ids {
            if let Some(comment) = store.indexed_comment(id).await? {
                index.put_comment(&comment)?;
                done += 1;
            }
        }
        after = last;
        progress(done);
    }
    index.commit(seq)?;
    Ok(done)
}

/// Applies one event: the edition or comment it names is read again and
/// indexed as it now is (or removed).
async fn apply(store: &Store, index: &SearchIndex, event: &Event) -> Result<()> {
    if event.kind.starts_with("edition.") {
        if let Some(edition_id) = event.edition_id {
            match store.published_article(edition_id).await? {
                Some(article) => index.put_edition(&article)?,
                None => index.remove_edition(edition_id),
            }
        }
    } else if event.kind.starts_with("comment.")
        && event.kind != EventKind::CommentLiked.as_str()
        && let Some(comment_id) = event.payload.get("comment_id").and_then(|v| v.as_i64())
        && let Some(comment) = store.indexed_comment(comment_id).await?
    {
        index.put_comment(&comment)?;
    } else if event.kind == EventKind::SectionChanged.as_str()
        && let Some(section_id) = event.payload.get("section_id").and_then(|v| v.as_i64())
    {
        // Edition documents keep their section's name: a rename rewrites
        // every published edition filed under it.
        let mut after = 0;
        loop {
            let ids = store
                .published_edition_ids_in_section(section_id, after, BATCH)
                .await?;
            let Some(&last) = ids.last() else { break };
            for id in ids {
                if let Some(article) = store.published_article(id).await? {
                    index.put_edition(&article)?;
                }
            }
            after = last;
        }
    }
    Ok(())
}

/// Brings the index up to the log's end once: a fresh index is rebuilt,
/// an existing one replays what it missed while the node was down.
pub async fn resume(store: &Store, index: &SearchIndex, fresh: bool) -> Result<()> {
    match index.last_seq()? {
        Some(seq) if !fresh => {
            catch_up(store, index, seq).await?;
        }
        _ => {
            let count = rebuild(store, index, |_| {}).await?;
            tracing::info!(documents = count, "search index built");
        }
    }
    Ok(())
}

/// Applies every event after `seq`; returns the last one applied.
async fn catch_up(store: &Store, index: &SearchIndex, mut seq: i64) -> Result<i64> {
    loop {
        let events = store.events_since(seq, 500).await?;
        let Some(last) = events.last().map(|e| e.seq) else {
            return Ok(seq);
        };
        for event in &events {
            apply(store, index, event).await?;
        }
        index.commit(last)?;
        seq = last;
    }
}

/// Follows the log until `stop` fires, committing after each batch.
pub async fn follow(store: Store, index: Arc<SearchIndex>, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(FOLLOW_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Where `resume` left the index; after that, where this loop did.
    let mut seq = match index.last_seq() {
        Ok(seq) => seq.unwrap_or(0),
        Err(error) => {
            tracing::warn!(%error, "search index unreadable; following from the start");
            0
        }
    };
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = store.event_committed() => {}
            _ = stop.changed() => return,
        }
        match catch_up(&store, &index, seq).await {
            Ok(last) => seq = last,
            Err(error) => tracing::warn!(%error, "search indexer could not apply the log"),
        }
    }
}
