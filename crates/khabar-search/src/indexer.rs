//! Keeping the index true to the store: a full rebuild, and a follower of
//! the events log that re-reads each edition or comment events name
//! (and every edition of a renamed section).
//! Both are idempotent, so an event applied twice does no harm.

use std::sync::Arc;
use std::time::{Duration, Instant};

use khabar_core::EventKind;
use khabar_store::{Event, Store};
use tokio::sync::watch;

use crate::{Result, SearchError, SearchIndex};

/// How often the follower reads the log: changes are searchable within
/// about this long.
const FOLLOW_EVERY: Duration = Duration::from_millis(250);
/// While events keep coming, the follower commits at most this often: a
/// commit writes a segment and syncs it, and a burst of comments would
/// otherwise make hundreds a second (each fsynced, each to be merged).
/// The first change after a quiet spell is committed at once.
const COMMIT_AT_MOST_EVERY: Duration = Duration::from_millis(500);
/// The least time between two reads of the log that commits wake: during
/// a burst the writer commits a hundred times a second, and each read
/// costs the store a query for the events and one for their comments.
const READ_GAP: Duration = Duration::from_millis(100);
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
        for comment in store.indexed_comments(&ids).await? {
            index.put_comment(&comment)?;
            done += 1;
        }
        after = last;
        progress(done);
    }
    index.commit(seq)?;
    Ok(done)
}

/// Applies a batch of events: the comments they name are read again
/// together (a burst brings hundreds) and indexed as they now are; then
/// each other event in turn.
async fn apply_all(store: &Store, index: &SearchIndex, events: &[Event]) -> Result<()> {
    let mut comment_ids: Vec<i64> = events.iter().filter_map(comment_named).collect();
    comment_ids.sort_unstable();
    comment_ids.dedup();
    for comment in store.indexed_comments(&comment_ids).await? {
        index.put_comment(&comment)?;
    }
    for event in events {
        apply(store, index, event).await?;
    }
    Ok(())
}

/// The comment a comment event changed what the index keeps of (a like
/// changes nothing it keeps).
fn comment_named(event: &Event) -> Option<i64> {
    if !event.kind.starts_with("comment.") || event.kind == EventKind::CommentLiked.as_str() {
        return None;
    }
    event.payload.get("comment_id")?.as_i64()
}

/// Applies one event that is not about a comment: the edition it names
/// is read again and indexed as it now is (or removed); a renamed
/// section's editions too.
async fn apply(store: &Store, index: &SearchIndex, event: &Event) -> Result<()> {
    if event.kind.starts_with("edition.") {
        if let Some(edition_id) = event.edition_id {
            match store.published_article(edition_id).await? {
                Some(article) => index.put_edition(&article)?,
                None => index.remove_edition(edition_id),
            }
        }
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

/// Applies every event after `seq` and commits; returns the last one
/// applied.
async fn catch_up(store: &Store, index: &SearchIndex, seq: i64) -> Result<i64> {
    let last = apply_since(store, index, seq).await?;
    if last > seq {
        index.commit(last)?;
    }
    Ok(last)
}

/// Applies every event after `seq` to the index writer, without
/// committing; returns the last one applied.
async fn apply_since(store: &Store, index: &SearchIndex, mut seq: i64) -> Result<i64> {
    loop {
        let events = store.events_since(seq, 500).await?;
        let Some(last) = events.last().map(|e| e.seq) else {
            return Ok(seq);
        };
        apply_all(store, index, &events).await?;
        seq = last;
    }
}

/// [`SearchIndex::commit`] on a blocking thread: a commit waits while the
/// writer writes and syncs a segment, and a runtime worker stalled that
/// long would hold up every request queued on it (during a burst of
/// comments, twice a second).
async fn commit_aside(index: &Arc<SearchIndex>, seq: i64) -> Result<()> {
    let index = Arc::clone(index);
    tokio::task::spawn_blocking(move || index.commit(seq))
        .await
        .map_err(|_| SearchError::Interrupted)?
}

/// Follows the log until `stop` fires, committing what it applied at
/// most every [`COMMIT_AT_MOST_EVERY`].
pub async fn follow(store: Store, index: Arc<SearchIndex>, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(FOLLOW_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Where `resume` left the index; after that, where this loop did.
    let mut committed = match index.last_seq() {
        Ok(seq) => seq.unwrap_or(0),
        Err(error) => {
            tracing::warn!(%error, "search index unreadable; following from the start");
            0
        }
    };
    // What searches see: the last event committed.
    let mark = store.follower("search");
    mark.applied(committed);
    let mut applied = committed;
    // None: nothing committed yet, so the first change commits at once.
    let mut committed_at: Option<Instant> = None;
    let mut read_at = Instant::now();
    loop {
        let commit_due = committed_at.map_or_else(Instant::now, |at| at + COMMIT_AT_MOST_EVERY);
        tokio::select! {
            _ = tick.tick() => {}
            _ = store.event_committed_not_before((read_at + READ_GAP).into()) => {}
            _ = tokio::time::sleep_until(commit_due.into()), if applied > committed => {}
            _ = stop.changed() => {
                if applied > committed && let Err(error) = commit_aside(&index, applied).await {
                    tracing::warn!(%error, "search index could not commit at stop");
                }
                return;
            }
        }
        // A failure part-way leaves `applied` where it was: applying an
        // event again does no harm.
        read_at = Instant::now();
        match apply_since(&store, &index, applied).await {
            Ok(last) => applied = last,
            Err(error) => tracing::warn!(%error, "search indexer could not apply the log"),
        }
        if applied > committed && committed_at.is_none_or(|at| at.elapsed() >= COMMIT_AT_MOST_EVERY)
        {
            match commit_aside(&index, applied).await {
                Ok(()) => {
                    committed = applied;
                    mark.applied(committed);
                    committed_at = Some(Instant::now());
                }
                Err(error) => tracing::warn!(%error, "search index could not commit"),
            }
        }
    }
}
