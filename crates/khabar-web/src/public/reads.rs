//! "Most read" without a tracker: each node counts the article pages it
//! serves (from the page cache too, so this layer sits outside it) in a
//! map in memory, and adds the counts to the store once a minute and when
//! it stops. A read costs a map update; the store sees one transaction a
//! minute per node, whatever the traffic. Pages a CDN answers are not
//! counted (the origin never sees them): behind one, "most read" ranks
//! what the CDN fetched, which still follows what readers open.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use jiff::Timestamp;
use percent_encoding::percent_decode_str;

use crate::App;

/// How often a node adds what it counted to the store.
const FLUSH_EVERY: Duration = Duration::from_secs(60);

/// Counts a GET of `/{lang}/story/{slug}` answered 200.
pub(crate) async fn count(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let article = (request.method() == Method::GET)
        .then(|| article_address(&app, request.uri().path()))
        .flatten();
    let response = next.run(request).await;
    if let Some((lang, slug)) = article
        && response.status() == StatusCode::OK
    {
        app.reads.count(lang, slug);
    }
    response
}

fn article_address(app: &App, path: &str) -> Option<(khabar_core::Lang, String)> {
    let mut parts = path.trim_start_matches('/').split('/');
    let lang = app.lang(parts.next()?)?;
    if parts.next()? != "story" {
        return None;
    }
    let slug = percent_decode_str(parts.next()?).decode_utf8().ok()?;
    parts.next().is_none().then(|| (lang, slug.into_owned()))
}

/// Adds the counts to the store every [`FLUSH_EVERY`], and once more when
/// `stop` fires, so a node that shuts down keeps what it counted.
pub(crate) async fn flush(app: Arc<App>, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(FLUSH_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let stopping = tokio::select! {
            _ = tick.tick() => false,
            _ = stop.changed() => true,
        };
        if let Err(error) = app.reads.flush(&app.store, Timestamp::now()).await {
            tracing::warn!(%error, "could not store the article read counts");
        }
        if stopping || *stop.borrow() {
            return;
        }
    }
}
