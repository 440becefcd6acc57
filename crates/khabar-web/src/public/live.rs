//! Live updates: comments appearing, changing and going on open pages,
//! over server-sent events fed by the events log.
//!
//! One follower per node reads the log and broadcasts each comment event,
//! rendered once, to every open page. A page that reconnects sends
//! `Last-Event-ID` (the log's sequence number) and first gets what it
//! missed from the store, then the live feed, never the same event twice.
//!
//! Browsers allow six HTTP/1.1 connections per host, so pages share one
//! stream per browser: `GET /live?editions=…` carries the events of every
//! edition the browser's open pages show (see `theme/assets/live.js`).

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use std::collections::BTreeSet;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use fluent_bundle::FluentArgs;
use futures_util::stream::{self, Stream};
use khabar_core::{EventKind, Lang};
use khabar_store::{CommentView, Event};
use minijinja::context;
use serde_json::json;
use tokio::sync::{broadcast, watch};

use crate::extract::{LangSlug, Params};
use crate::http::session::Viewer;
use crate::limits::Held;
use crate::public::thread::comment_item;
use crate::theme::page::{error_page, preferred_language};
use crate::{App, PageError};

/// How often the follower reads the log.
const FOLLOW_EVERY: Duration = Duration::from_millis(300);
/// Events read from the log at a time.
const LOG_BATCH: i64 = 500;
/// The least time between two reads of the log while no stream is open:
/// then only the site's settings are looked for, and a burst of comments
/// commits a hundred times a second.
const UNHEARD_READ_GAP: Duration = Duration::from_millis(100);
/// Messages a slow page may fall behind before it reloads from the store.
const BUFFER: usize = 1_024;
/// Events read from the store per edition at a time when catching up.
const CATCH_UP: i64 = 500;
/// Editions one shared stream may follow: a browser's open stories.
pub(crate) const MAX_EDITIONS: usize = 64;
/// Seconds a reader at the cap of live streams is told to wait; the page
/// tries again by itself (see `live.js`).
const STREAMS_RETRY_AFTER: u64 = 30;

/// A live stream's place in its reader's allowance
/// (`limits.live_streams_per_address`), given back when the stream ends.
pub(crate) struct Ticket {
    _held: Held<String>,
}

/// Room for one more live stream from the viewer's address, or none when
/// it holds as many as allowed.
pub(crate) fn admit(app: &App, viewer: &Viewer) -> Option<Ticket> {
    app.live_streams
        .take(viewer.ip.clone())
        .map(|held| Ticket { _held: held })
}

/// The page answer to a reader at the cap: 429, retry later.
fn too_many_streams(app: &App, lang: Lang) -> Response {
    error_page(app, lang, &PageError::TooManyRequests(STREAMS_RETRY_AFTER))
}

/// A comment event, rendered for pages, or (`for_moderators`) a hint
/// to moderators' queues that a comment entered or left one.
#[derive(Debug, Clone)]
pub(crate) struct LiveMessage {
    pub seq: i64,
    pub edition_id: i64,
    pub for_moderators: bool,
    pub data: Arc<str>,
}

pub(crate) fn channel() -> (
    broadcast::Sender<LiveMessage>,
    broadcast::Receiver<LiveMessage>,
) {
    broadcast::channel(BUFFER)
}

/// Follows the log from its current end and broadcasts comment events
/// until `stop` fires; dropping the sender then ends every open stream.
pub(crate) async fn follow(
    app: Arc<App>,
    sender: broadcast::Sender<LiveMessage>,
    mut stop: watch::Receiver<bool>,
) {
    let mut last = app.store.latest_event_seq().await.unwrap_or(0);
    let mark = app.store.follower("live");
    mark.applied(last);
    let mut read_at = tokio::time::Instant::now();
    let mut behind = false;
    loop {
        // An open stream hears of each commit at once; a follower that
        // read a full batch reads on.
        let gap = if sender.receiver_count() > 1 {
            Duration::ZERO
        } else {
            UNHEARD_READ_GAP
        };
        tokio::select! {
            _ = app.store.time_to_read_log(behind, read_at + gap, FOLLOW_EVERY) => {}
            _ = stop.changed() => return,
        }
        read_at = tokio::time::Instant::now();
        let events = match app.store.events_since(last, LOG_BATCH).await {
            Ok(events) => events,
            Err(error) => {
                tracing::warn!(%error, "live follower could not read the log");
                continue;
            }
        };
        // Beside the app's own receiver, each one is an open stream. With
        // none, nothing is read or rendered (a burst of comments costs a
        // read and a rendering each): a stream opened after this check
        // starts after these events, or catches up on them from the store.
        behind = events.len() as i64 == LOG_BATCH;
        let listening = sender.receiver_count() > 1;
        let batch = if listening {
            Batch::read(&app, &events).await
        } else {
            Batch::default()
        };
        for event in events {
            last = event.seq;
            if event.kind == EventKind::SiteSettingsChanged.as_str() {
                if let Err(error) = app.reload_site().await {
                    tracing::warn!(%error, "could not reload the site settings");
                }
                continue;
            }
            if !listening {
                continue;
            }
            // No page listening is fine.
            if let Some(message) = render(&app, &event, &batch).await {
                let _ = sender.send(message);
            }
            if let Some(message) = queue_hint(&event) {
                let _ = sender.send(message);
            }
        }
        mark.applied(last);
    }
}

/// What moderators' queues need to know of a comment event: which
/// comment, and what happened to it.
fn queue_hint(event: &Event) -> Option<LiveMessage> {
    // Likes change nothing a queue shows.
    if !event.kind.starts_with("comment.") || event.kind == EventKind::CommentLiked.as_str() {
        return None;
    }
    let comment_id = event.payload.get("comment_id")?.as_i64()?;
    let data = json!({
        "kind": event.kind,
        "comment_id": comment_id,
        "action": event.payload.get("action"),
        "status": event.payload.get("status"),
        "by": event.actor_id,
    });
    Some(LiveMessage {
        seq: event.seq,
        edition_id: event.edition_id?,
        for_moderators: true,
        data: Arc::from(data.to_string()),
    })
}

/// The page-ready form of a comment event, as anyone would see it; none
/// for events pages do not show (other kinds, held comments). A comment
/// that a moderator or the pipeline took off the page is sent with no
/// HTML, so open pages remove it.
async fn render(app: &App, event: &Event, batch: &Batch) -> Option<LiveMessage> {
    if !event.kind.starts_with("comment.") {
        return None;
    }
    let edition_id = event.edition_id?;
    let comment_id = event.payload.get("comment_id")?.as_i64()?;
    let lang = event.lang?;
    let comment = batch.comments.get(&comment_id)?.clone();
    if !matches!(
        comment.status,
        khabar_core::CommentStatus::Visible | khabar_core::CommentStatus::Deleted
    ) {
        if event.kind == "comment.created" {
            return None;
        }
        let mut data = json!({
            "kind": "comment.removed",
            "edition_id": edition_id,
            "comment_id": comment_id,
            "html": "",
        });
        count_into(app, lang, edition_id, batch.counts.as_ref(), &mut data);
        return Some(LiveMessage {
            seq: event.seq,
            edition_id,
            for_moderators: false,
            data: Arc::from(data.to_string()),
        });
    }
    let (parent_id, root_id) = (comment.parent_id, comment.root_id);
    let anonymous = Viewer {
        session: None,
        ip: String::new(),
        user_agent: String::new(),
        form_token: None,
    };
    let item = comment_item(app, lang, comment, &anonymous, jiff::Timestamp::now());
    let dir = app.dir(lang);
    let html = app
        .templates
        .get_template("comment.html")
        .and_then(|t| {
            t.render(context! { lang => lang.as_str(), dir => dir, comment => item, thread => context! { signed_in => false } })
        })
        .map_err(|error| tracing::warn!(%error, "live comment did not render"))
        .ok()?;
    let mut data = json!({
        "kind": event.kind,
        "edition_id": edition_id,
        "comment_id": comment_id,
        "parent_id": parent_id,
        "root_id": root_id,
        "html": html,
    });
    count_into(app, lang, edition_id, batch.counts.as_ref(), &mut data);
    Some(LiveMessage {
        seq: event.seq,
        edition_id,
        for_moderators: false,
        data: Arc::from(data.to_string()),
    })
}

/// What rendering a batch of events needs from the store, read once for
/// the whole batch (a burst of comments brings hundreds): the comments
/// they name, and the visible comment counts of their editions. A message
/// early in the batch carries the count after it, which is what the page
/// should show by the time it arrives.
#[derive(Default)]
struct Batch {
    comments: HashMap<i64, CommentView>,
    /// `None` when counting failed: the messages then carry no count.
    counts: Option<HashMap<i64, i64>>,
}

impl Batch {
    async fn read(app: &App, events: &[Event]) -> Batch {
        let about_comments = || events.iter().filter(|e| e.kind.starts_with("comment."));
        let mut ids: Vec<i64> = about_comments()
            .filter_map(|e| e.payload.get("comment_id")?.as_i64())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let mut editions: Vec<i64> = about_comments().filter_map(|e| e.edition_id).collect();
        editions.sort_unstable();
        editions.dedup();
        let comments = match app.store.comments(&ids).await {
            Ok(views) => views.into_iter().map(|view| (view.id, view)).collect(),
            Err(error) => {
                tracing::warn!(%error, "live comments could not be read");
                HashMap::new()
            }
        };
        let counts = app
            .store
            .comment_counts(&editions)
            .await
            .map_err(|error| tracing::warn!(%error, "live comment count failed"))
            .ok();
        Batch { comments, counts }
    }
}

/// The edition's visible comment count (from a [`Batch`]), and the
/// discussion's heading saying it in the edition's language, so open
/// pages need not count.
fn count_into(
    app: &App,
    lang: Lang,
    edition_id: i64,
    counts: Option<&HashMap<i64, i64>>,
    data: &mut serde_json::Value,
) {
    let Some(counts) = counts else { return };
    // An edition without visible comments is not counted at all.
    let count = counts.get(&edition_id).copied().unwrap_or(0);
    let mut args = FluentArgs::new();
    args.set("count", count);
    data["count"] = json!(count);
    data["heading"] = json!(app.i18n.message(lang, "comments-count", Some(&args)));
}

struct Feed {
    app: Arc<App>,
    /// Sorted, without repeats.
    editions: Vec<i64>,
    backlog: VecDeque<LiveMessage>,
    receiver: broadcast::Receiver<LiveMessage>,
    last_sent: i64,
    /// The last catch-up stopped at its read limit: read on before
    /// taking live messages, which may be further ahead.
    behind: bool,
    /// A first `ready` event naming the sequence the stream starts after,
    /// so a page that saw nothing yet still knows where it stands.
    greeting: bool,
    /// Held while the stream is open.
    _ticket: Ticket,
}

impl Feed {
    /// Refills the backlog from the store after `last_sent`, in log order.
    /// False when the store failed: the stream then ends, and the browser
    /// reconnects from the last event it got.
    async fn catch_up(&mut self) -> bool {
        let events = match self
            .app
            .store
            .comment_events_since(&self.editions, self.last_sent, CATCH_UP)
            .await
        {
            Ok(events) => events,
            Err(error) => {
                tracing::warn!(%error, "live catch-up failed");
                return false;
            }
        };
        // A full read may have left more: read again once it is sent.
        self.behind = events.len() as i64 >= CATCH_UP;
        let batch = Batch::read(&self.app, &events).await;
        for event in events {
            if let Some(message) = render(&self.app, &event, &batch).await {
                self.backlog.push_back(message);
            }
        }
        true
    }

    fn follows(&self, message: &LiveMessage) -> bool {
        !message.for_moderators && self.editions.binary_search(&message.edition_id).is_ok()
    }

    async fn next(mut self) -> Option<(Result<SseEvent, Infallible>, Feed)> {
        if self.greeting {
            self.greeting = false;
            let event = SseEvent::default()
                .event("ready")
                .id(self.last_sent.to_string())
                .data(json!({ "seq": self.last_sent }).to_string());
            return Some((Ok(event), self));
        }
        loop {
            if let Some(message) = self.backlog.pop_front() {
                if message.seq <= self.last_sent {
                    continue;
                }
                self.last_sent = message.seq;
                let event = SseEvent::default()
                    .id(message.seq.to_string())
                    .data(message.data.as_ref());
                return Some((Ok(event), self));
            }
            if self.behind {
                if !self.catch_up().await {
                    return None;
                }
                continue;
            }
            match self.receiver.recv().await {
                Ok(message) if self.follows(&message) => self.backlog.push_back(message),
                Ok(_) => {}
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    if !self.catch_up().await {
                        return None;
                    }
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }
}

/// `GET /{lang}/story/{slug}/live`: the story's comment events as SSE.
pub(crate) async fn stream(
    State(app): State<Arc<App>>,
    LangSlug(lang, slug): LangSlug,
    viewer: Viewer,
    headers: HeaderMap,
) -> Response {
    let Some(ticket) = admit(&app, &viewer) else {
        return too_many_streams(&app, lang);
    };
    match app.store.article(lang, slug.as_str()).await {
        Ok(Some(article)) => events_of(&app, article.summary.id, &headers, ticket).await,
        Ok(None) => error_page(&app, lang, &PageError::NotFound),
        Err(error) => error_page(&app, lang, &PageError::Store(error)),
    }
}

/// `GET /live?editions=12,15&after=SEQ`: the comment events of several
/// published editions in one stream, the one a browser's pages share.
/// `after` resumes after that sequence like `Last-Event-ID`, which wins
/// when both are sent (the browser's own reconnection is the newer).
/// Ids that are not published editions are left out; a list naming none
/// is a 404, a malformed or longer one than [`MAX_EDITIONS`] a 400.
pub(crate) async fn shared(
    State(app): State<Arc<App>>,
    Params(query): Params,
    viewer: Viewer,
    headers: HeaderMap,
) -> Response {
    let lang = preferred_language(&app, &headers);
    let Some(ticket) = admit(&app, &viewer) else {
        return too_many_streams(&app, lang);
    };
    let Some(requested) = query.get("editions").and_then(|list| edition_list(list)) else {
        let why = format!("editions: up to {MAX_EDITIONS} comma-separated edition ids");
        return error_page(&app, lang, &PageError::BadRequest(why));
    };
    let after = match query.get("after").map(|seq| seq.trim().parse::<i64>()) {
        None => None,
        Some(Ok(seq)) => Some(seq),
        Some(Err(_)) => {
            let why = "after: a sequence number".to_owned();
            return error_page(&app, lang, &PageError::BadRequest(why));
        }
    };
    let requested: Vec<i64> = requested.into_iter().collect();
    let editions = match app.store.published_among(&requested).await {
        Ok(editions) => editions,
        Err(error) => return error_page(&app, lang, &PageError::Store(error)),
    };
    if editions.is_empty() {
        return error_page(&app, lang, &PageError::NotFound);
    }
    let resume = last_event_id(&headers).or(after);
    stream_of(&app, editions, resume, true, ticket).await
}

/// Distinct edition ids from `12,15,40`: none when malformed, empty or
/// longer than [`MAX_EDITIONS`].
fn edition_list(list: &str) -> Option<BTreeSet<i64>> {
    let mut ids = BTreeSet::new();
    for part in list.split(',') {
        let id = part.trim().parse::<i64>().ok().filter(|id| *id > 0)?;
        ids.insert(id);
        if ids.len() > MAX_EDITIONS {
            return None;
        }
    }
    (!ids.is_empty()).then_some(ids)
}

fn last_event_id(headers: &HeaderMap) -> Option<i64> {
    headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
}

/// The SSE stream of one (published) edition's comment events, for a
/// reader [`admit`]ted.
pub(crate) async fn events_of(
    app: &Arc<App>,
    edition_id: i64,
    headers: &HeaderMap,
    ticket: Ticket,
) -> Response {
    stream_of(app, vec![edition_id], last_event_id(headers), false, ticket).await
}

/// The comment events of `editions` (published, sorted, distinct) as SSE,
/// after `resume` when given, else from now on.
async fn stream_of(
    app: &Arc<App>,
    editions: Vec<i64>,
    resume: Option<i64>,
    greeting: bool,
    ticket: Ticket,
) -> Response {
    // Subscribe before reading the backlog: nothing falls between the two.
    let receiver = app.live.resubscribe();
    let last_sent = match resume {
        Some(seq) => seq,
        None => app.store.latest_event_seq().await.unwrap_or(0),
    };
    let mut feed = Feed {
        app: app.clone(),
        editions,
        backlog: VecDeque::new(),
        receiver,
        last_sent,
        behind: false,
        greeting,
        _ticket: ticket,
    };
    if resume.is_some() && !feed.catch_up().await {
        return error_page(app, app.site().default_language, &PageError::Internal);
    }
    let events: std::pin::Pin<Box<dyn Stream<Item = Result<SseEvent, Infallible>> + Send>> =
        Box::pin(stream::unfold(feed, Feed::next));
    Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// The moderators' hints as SSE: every comment event, as it happens. The
/// queue page uses them to drop items another moderator decided and to
/// announce new ones; missing some is harmless (the page reloads).
pub(crate) fn moderator_events(app: &Arc<App>) -> Response {
    let receiver = app.live.resubscribe();
    let events = stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(message) if message.for_moderators => {
                    let event = SseEvent::default()
                        .id(message.seq.to_string())
                        .data(message.data.as_ref());
                    return Some((Ok::<_, Infallible>(event), receiver));
                }
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edition_lists_are_checked_and_capped() {
        assert_eq!(
            edition_list("12, 15,12,40").map(|ids| ids.into_iter().collect::<Vec<_>>()),
            Some(vec![12, 15, 40])
        );
        for bad in ["", "12,", "a", "0", "-3", "12;15", "1.5"] {
            assert_eq!(edition_list(bad), None, "{bad:?}");
        }
        let most: Vec<String> = (1..=MAX_EDITIONS).map(|id| id.to_string()).collect();
        assert_eq!(
            edition_list(&most.join(",")).map(|ids| ids.len()),
            Some(MAX_EDITIONS)
        );
        assert_eq!(edition_list(&format!("{},999", most.join(","))), None);
    }
}
