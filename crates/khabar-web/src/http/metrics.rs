//! `/metrics` in the Prometheus text format.
//!
//! Two kinds of series. What happens is recorded where it happens through
//! the `metrics` facade (requests by route, method and status with their
//! latency, comments by outcome, connections open) into one recorder per
//! process. What *is* — queue sizes, the outbox, followers' lag, the
//! index, pools, the page cache — is read when Prometheus scrapes, with
//! two queries, and written after the recorder's part: no loop polls.
//!
//! Access: [`MetricsAccess`] (`[metrics]` in the configuration).

use std::fmt::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use serde::{Deserialize, Serialize};

use crate::App;

/// Who may read `/metrics`.
///
/// - `allow` set: only clients whose address is in one of its networks
///   (others get 403);
/// - `token` set: only requests with `Authorization: Bearer <token>`
///   (others get 401);
/// - both: both; neither: only this machine (a loopback peer whose
///   request came through no proxy).
///
/// The client's address is the socket's peer, or what a trusted proxy
/// says it forwarded for (`trusted_proxies`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsAccess {
    /// A secret Prometheus sends as `Authorization: Bearer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Networks scrapers may come from, such as `10.0.0.0/8` or `::1/128`.
    #[serde(default)]
    pub allow: Vec<ipnet::IpNet>,
}

/// Shortest bearer token accepted.
const MIN_TOKEN_LEN: usize = 16;

impl MetricsAccess {
    /// A bad setting, by key.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        match &self.token {
            Some(token) if token.len() < MIN_TOKEN_LEN || !token.is_ascii() => Err((
                "metrics.token",
                format!("must be at least {MIN_TOKEN_LEN} ASCII characters"),
            )),
            _ => Ok(()),
        }
    }

    /// Whether this request may read the metrics.
    fn admits(&self, client: IpAddr, proxied: bool, headers: &HeaderMap) -> Result<(), Refusal> {
        let address_ok = if self.allow.is_empty() {
            // With a token, any address; without, this machine only, and
            // not a request a local proxy passed on from elsewhere.
            self.token.is_some() || (client.is_loopback() && !proxied)
        } else {
            self.allow.iter().any(|net| net.contains(&client))
        };
        if !address_ok {
            return Err(Refusal::Address);
        }
        if let Some(token) = &self.token {
            let given = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .unwrap_or("");
            if !khabar_core::secret::constant_time_eq(given, token) {
                return Err(Refusal::Token);
            }
        }
        Ok(())
    }
}

enum Refusal {
    /// 401: a scraper that sends the token gets in.
    Token,
    /// 403, not 404: `/metrics` is a documented address, and the
    /// operator reading the answer learns which setting to change.
    Address,
}

/// Latency buckets, in seconds: a page from memory takes well under a
/// millisecond, a search or a comment a few, an upload up to seconds.
const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

const REQUESTS: &str = "khabar_http_requests_total";
const LATENCY: &str = "khabar_http_request_duration_seconds";
const CONNECTIONS: &str = "khabar_http_connections_open";

/// The process's recorder, installed on first use; none when another
/// recorder was installed first (then `/metrics` shows only what is read
/// at scrape time).
pub(crate) fn recorder() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = match PrometheusBuilder::new().set_buckets(LATENCY_BUCKETS) {
                Ok(builder) => builder,
                Err(error) => {
                    tracing::error!(%error, "metrics buckets refused");
                    return None;
                }
            };
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            if let Err(error) = metrics::set_global_recorder(recorder) {
                tracing::error!(%error, "another metrics recorder is installed");
                return None;
            }
            describe();
            Some(handle)
        })
        .as_ref()
}

fn describe() {
    metrics::describe_counter!(
        REQUESTS,
        "HTTP requests answered, by route, method and status"
    );
    metrics::describe_histogram!(
        LATENCY,
        metrics::Unit::Seconds,
        "Time to answer an HTTP request (to its head, for streams), by route and method"
    );
    metrics::describe_gauge!(CONNECTIONS, "HTTP connections open");
    metrics::describe_counter!(
        khabar_app::comments::COMMENTS_METRIC,
        "Comments posted, by what the moderation pipeline made of them"
    );
}

/// How often the recorder folds recorded latencies into its buckets
/// between scrapes, so that they do not pile up unscraped.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// Keeps the recorder's memory bounded until `stop` fires.
pub(crate) async fn upkeep(mut stop: tokio::sync::watch::Receiver<bool>) {
    let Some(handle) = recorder() else { return };
    let mut tick = tokio::time::interval(UPKEEP_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => handle.run_upkeep(),
            _ = stop.changed() => return,
        }
    }
}

/// One more connection open until the guard drops.
pub(crate) struct ConnectionOpen(());

impl ConnectionOpen {
    pub(crate) fn new() -> ConnectionOpen {
        metrics::gauge!(CONNECTIONS).increment(1.0);
        ConnectionOpen(())
    }
}

impl Drop for ConnectionOpen {
    fn drop(&mut self) {
        metrics::gauge!(CONNECTIONS).decrement(1.0);
    }
}

/// A method as a label: the usual ones by name, others together.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// A route pattern as a label, its parameters written `:name` (and
/// `*name`): `/{lang}/story/{slug}` is `/:lang/story/:slug`. Braces in a
/// label value are valid Prometheus text, but some parsers (the
/// `prometheus-parse` crate among them) stop at the first `}`, and
/// regular-expression matchers would need them escaped.
fn route_label(pattern: &str) -> String {
    let mut label = String::with_capacity(pattern.len());
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'*') => {}
            '{' => label.push(':'),
            '}' => {}
            c => label.push(c),
        }
    }
    label
}

/// Counts each request by its route (the router's pattern, never the
/// address asked for: that would make a series per story and per
/// scanner's probe) and times it.
pub(crate) async fn record(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| route_label(path.as_str()));
    let method = method_label(request.method());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!(REQUESTS, "route" => route.clone(), "method" => method, "status" => status)
        .increment(1);
    metrics::histogram!(LATENCY, "route" => route, "method" => method)
        .record(started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics`.
pub async fn scrape(State(app): State<Arc<App>>, request: Request) -> Response {
    let headers = request.headers();
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    let Some(peer) = peer else {
        return StatusCode::FORBIDDEN.into_response();
    };
    let client = super::session::client_ip(peer, headers, &app.trusted_proxies).to_canonical();
    let proxied = headers.contains_key("x-forwarded-for") || headers.contains_key("forwarded");
    match app.metrics_access.admits(client, proxied, headers) {
        Ok(()) => {}
        Err(Refusal::Token) => {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
            )
                .into_response();
        }
        Err(Refusal::Address) => return StatusCode::FORBIDDEN.into_response(),
    }
    let mut body = recorder().map(PrometheusHandle::render).unwrap_or_default();
    write_figures(&app, &mut Exposition(&mut body)).await;
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}

/// The Prometheus text format, one family at a time.
struct Exposition<'a>(&'a mut String);

impl Exposition<'_> {
    fn family(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.0, "# HELP {name} {help}\n# TYPE {name} {kind}");
    }

    /// A sample; label values here are the code's own names, never a
    /// reader's text, so they need no escaping.
    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: impl std::fmt::Display) {
        self.0.push_str(name);
        if !labels.is_empty() {
            self.0.push('{');
            for (i, (label, text)) in labels.iter().enumerate() {
                if i > 0 {
                    self.0.push(',');
                }
                let _ = write!(self.0, "{label}=\"{text}\"");
            }
            self.0.push('}');
        }
        let _ = writeln!(self.0, " {value}");
    }

    fn single(&mut self, name: &str, kind: &str, help: &str, value: impl std::fmt::Display) {
        self.family(name, kind, help);
        self.sample(name, &[], value);
    }
}

/// What is read at scrape time.
async fn write_figures(app: &App, out: &mut Exposition<'_>) {
    let store = &app.store;
    let figures = store.figures().await;
    out.single(
        "khabar_database_up",
        "gauge",
        "Whether the database answered this scrape",
        u8::from(figures.is_ok()),
    );
    match figures {
        Ok(figures) => {
            out.single(
                "khabar_events_log_head",
                "gauge",
                "Newest sequence number in the events log",
                figures.log_head,
            );
            out.single(
                "khabar_outbox_emails",
                "gauge",
                "Emails waiting in the outbox",
                figures.outbox,
            );
            out.family(
                "khabar_follower_applied_seq",
                "gauge",
                "Last event of the log each follower in this process applied",
            );
            for follower in &figures.followers {
                out.sample(
                    "khabar_follower_applied_seq",
                    &[("follower", follower.name)],
                    follower.applied,
                );
            }
            out.family(
                "khabar_follower_lag_events",
                "gauge",
                "Events in the log a follower has not applied yet",
            );
            for follower in &figures.followers {
                out.sample(
                    "khabar_follower_lag_events",
                    &[("follower", follower.name)],
                    follower.lag,
                );
            }
        }
        Err(error) => tracing::warn!(%error, "metrics: the store's figures are unreadable"),
    }
    match store
        .queue_counts(&khabar_store::QueueFilter::everything())
        .await
    {
        Ok(counts) => {
            out.family(
                "khabar_moderation_queue_comments",
                "gauge",
                "Comments in each moderation queue",
            );
            for (queue, count) in counts {
                out.sample(
                    "khabar_moderation_queue_comments",
                    &[("queue", queue.as_str())],
                    count,
                );
            }
        }
        Err(error) => tracing::warn!(%error, "metrics: the queue sizes are unreadable"),
    }
    out.single(
        "khabar_search_documents",
        "gauge",
        "Documents (editions and comments) in the search index",
        app.search.documents(),
    );
    out.single(
        "khabar_live_streams_open",
        "gauge",
        "Live update streams (server-sent events) open",
        app.live_streams.total(),
    );
    let pools = store.pool_use();
    out.family(
        "khabar_db_pool_connections",
        "gauge",
        "Database connections open in each pool, busy or idle",
    );
    for pool in &pools {
        let busy = pool.open.saturating_sub(pool.idle);
        out.sample(
            "khabar_db_pool_connections",
            &[("pool", pool.name), ("state", "busy")],
            busy,
        );
        out.sample(
            "khabar_db_pool_connections",
            &[("pool", pool.name), ("state", "idle")],
            pool.idle,
        );
    }
    out.family(
        "khabar_db_pool_max_connections",
        "gauge",
        "Most connections each pool opens",
    );
    for pool in &pools {
        out.sample(
            "khabar_db_pool_max_connections",
            &[("pool", pool.name)],
            pool.max,
        );
    }
    let writer = store.writer_report();
    out.single(
        "khabar_comment_writer_transactions_total",
        "counter",
        "Transactions of the comment writer (group commit)",
        writer.batches,
    );
    out.single(
        "khabar_comment_writer_comments_total",
        "counter",
        "Comments the comment writer committed",
        writer.comments,
    );
    if let Some(cache) = app.page_cache_report() {
        out.single(
            "khabar_page_cache_hits_total",
            "counter",
            "Anonymous pages served from memory",
            cache.hits,
        );
        out.single(
            "khabar_page_cache_misses_total",
            "counter",
            "Anonymous pages rendered because memory had none fresh",
            cache.misses,
        );
        out.single(
            "khabar_page_cache_stale_total",
            "counter",
            "Stale pages served while another request rendered them anew",
            cache.stale,
        );
        out.single(
            "khabar_page_cache_pages",
            "gauge",
            "Pages held in memory",
            cache.pages,
        );
        out.single(
            "khabar_page_cache_bytes",
            "gauge",
            "Bytes the pages in memory weigh",
            cache.bytes,
        );
        out.single(
            "khabar_page_cache_capacity_bytes",
            "gauge",
            "Most bytes the page cache holds",
            cache.capacity,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bearer(token: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
        );
        headers
    }

    #[test]
    fn by_default_only_this_machine_unproxied() {
        let access = MetricsAccess::default();
        let none = HeaderMap::new();
        assert!(
            access
                .admits("127.0.0.1".parse().unwrap(), false, &none)
                .is_ok()
        );
        assert!(access.admits("::1".parse().unwrap(), false, &none).is_ok());
        assert!(matches!(
            access.admits("127.0.0.1".parse().unwrap(), true, &none),
            Err(Refusal::Address)
        ));
        assert!(matches!(
            access.admits("10.0.0.5".parse().unwrap(), false, &none),
            Err(Refusal::Address)
        ));
    }

    #[test]
    fn allow_lists_and_tokens_each_hold() {
        let access = MetricsAccess {
            token: Some("a-long-enough-secret".into()),
            allow: vec!["10.0.0.0/8".parse().unwrap()],
        };
        let inside: IpAddr = "10.1.2.3".parse().unwrap();
        assert!(
            access
                .admits(inside, false, &bearer("a-long-enough-secret"))
                .is_ok()
        );
        assert!(matches!(
            access.admits(inside, false, &bearer("a-long-enough-secreT")),
            Err(Refusal::Token)
        ));
        assert!(matches!(
            access.admits(inside, false, &HeaderMap::new()),
            Err(Refusal::Token)
        ));
        assert!(matches!(
            access.admits(
                "192.0.2.1".parse().unwrap(),
                false,
                &bearer("a-long-enough-secret")
            ),
            Err(Refusal::Address)
        ));
        let token_only = MetricsAccess {
            allow: Vec::new(),
            ..access
        };
        assert!(
            token_only
                .admits(
                    "192.0.2.1".parse().unwrap(),
                    true,
                    &bearer("a-long-enough-secret")
                )
                .is_ok()
        );
    }

    #[test]
    fn routes_are_labelled_by_pattern() {
        assert_eq!(route_label("/{lang}/story/{slug}"), "/:lang/story/:slug");
        assert_eq!(route_label("/api/{*rest}"), "/api/*rest");
        assert_eq!(route_label("/healthz"), "/healthz");
    }

    #[test]
    fn short_tokens_are_refused_by_name() {
        let access = MetricsAccess {
            token: Some("short".into()),
            allow: Vec::new(),
        };
        assert_eq!(access.check().map_err(|(key, _)| key), Err("metrics.token"));
        assert!(MetricsAccess::default().check().is_ok());
    }
}
