//! `/metrics` read by a Prometheus text parser, who may read it, `/readyz`
//! dependency by dependency (and unready without its database), and
//! request ids, through the real server on SQLite and on PostgreSQL.

mod common;

use std::time::Duration;

use common::{client, publish_story, publish_story_with, reader_token, spawn_app, spawn_app_with};
use khabar::Server;
use khabar_core::moderation::ListKind;
use khabar_core::{CommentMode, EditionInput, Lang, Role};
use khabar_testkit::{TestDatabase, on_both_backends};
use prometheus_parse::{Scrape, Value};
use serde_json::json;

/// Every series the operator's documentation names.
const SERIES: &[&str] = &[
    "khabar_http_requests_total",
    "khabar_http_request_duration_seconds",
    "khabar_http_connections_open",
    "khabar_database_up",
    "khabar_events_log_head",
    "khabar_outbox_emails",
    "khabar_follower_applied_seq",
    "khabar_follower_lag_events",
    "khabar_moderation_queue_comments",
    "khabar_search_documents",
    "khabar_live_streams_open",
    "khabar_db_pool_connections",
    "khabar_db_pool_max_connections",
    "khabar_comment_writer_transactions_total",
    "khabar_comment_writer_comments_total",
    "khabar_page_cache_hits_total",
    "khabar_page_cache_misses_total",
    "khabar_page_cache_stale_total",
    "khabar_page_cache_pages",
    "khabar_page_cache_bytes",
    "khabar_page_cache_capacity_bytes",
];

async fn scrape(server: &Server) -> Scrape {
    let response = client()
        .get(format!("{}/metrics", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4"),
    );
    let text = response.text().await.unwrap();
    Scrape::parse(text.lines().map(|line| Ok(line.to_owned()))).expect("Prometheus text")
}

/// The sum of the samples of `name` whose labels include `labels`; for a
/// histogram, its observation count. None when there is no such sample.
fn value(scrape: &Scrape, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let matching: Vec<f64> = scrape
        .samples
        .iter()
        .filter(|s| s.metric == name && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .map(|s| match &s.value {
            Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => *v,
            Value::Histogram(buckets) => buckets.last().map_or(0.0, |b| b.count),
            Value::Summary(_) => f64::NAN,
        })
        .collect();
    (!matching.is_empty()).then(|| matching.iter().sum())
}

fn has(scrape: &Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    value(scrape, name, labels).unwrap_or_else(|| panic!("no {name} {labels:?}"))
}

/// Every `khabar_…` series name in a text.
fn series_named(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices("khabar_").map(move |(start, _)| {
        let rest = &text[start..];
        let end = rest
            .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
            .unwrap_or(rest.len());
        &rest[..end]
    })
}

/// A published English story whose thread a moderator reads first.
async fn premoderated_story(server: &Server) -> i64 {
    let input = EditionInput {
        headline: "Held for review".into(),
        body: "Filed by a test.".into(),
        comment_mode: CommentMode::PreModerated,
        ..Default::default()
    };
    publish_story_with(server.store(), input).await
}

async fn comment(server: &Server, token: &str, edition: i64, body: &str) -> u16 {
    common::call(
        server,
        "POST",
        &format!("/editions/{edition}/comments"),
        Some(json!({ "body": body })),
        &[("Authorization", token)],
    )
    .await
    .status
}

async fn series_are_there_and_move(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let store = server.store();
    let admin = common::account(&server, "metrics_admin", Role::Admin, "password").await;
    store
        .replace_word_list(
            Lang::EN,
            ListKind::Banned,
            &[(
                "scumbag".to_owned(),
                khabar_text::wordlist::MatchMode::WholeWord,
            )],
            admin,
        )
        .await
        .unwrap();
    let open = publish_story(store, "Counted comments").await;
    let held = premoderated_story(&server).await;
    let token = reader_token(store, server.base_url(), "metrics_reader", "password").await;

    let before = scrape(&server).await;
    for name in SERIES {
        assert!(
            before.samples.iter().any(|s| s.metric == *name),
            "{name} is missing"
        );
    }
    for pool in store.pool_use() {
        has(
            &before,
            "khabar_db_pool_max_connections",
            &[("pool", pool.name)],
        );
    }
    assert_eq!(has(&before, "khabar_database_up", &[]), 1.0);
    // What the operator's page and the dashboard name is what is served.
    let docs = std::fs::read_to_string("../../docs/operations.md").unwrap();
    let dashboard = std::fs::read_to_string("../../docs/grafana-dashboard.json").unwrap();
    for name in SERIES.iter().chain(&["khabar_comments_total"]) {
        assert!(docs.contains(&format!("`{name}`")), "{name} undocumented");
    }
    for name in series_named(&docs).chain(series_named(&dashboard)) {
        let name = name.strip_suffix("_bucket").unwrap_or(name);
        assert!(
            SERIES.contains(&name) || name == "khabar_comments_total",
            "{name} is named but not served"
        );
    }
    assert!(has(&before, "khabar_http_connections_open", &[]) >= 1.0);
    assert!(
        has(&before, "khabar_search_documents", &[]) > 0.0,
        "the demo is indexed"
    );

    // Pages: the front page twice (the second from memory).
    for _ in 0..3 {
        assert_eq!(common::get(&server, "/en/").await.0, 200);
    }
    assert_eq!(common::get(&server, "/en/story/no-such-story").await.0, 404);
    // Comments: one published, one held by its thread, one refused.
    assert_eq!(
        comment(&server, &token, open, "Numbers look right").await,
        201
    );
    assert_eq!(comment(&server, &token, held, "Waiting my turn").await, 201);
    assert_eq!(comment(&server, &token, open, "What a scumbag").await, 422);

    let front = [("route", "/:lang/"), ("method", "GET"), ("status", "200")];
    let story = [("route", "/:lang/story/:slug"), ("status", "404")];
    let moved = |after: &Scrape, name: &str, labels: &[(&str, &str)]| {
        value(after, name, labels).unwrap_or(0.0) - value(&before, name, labels).unwrap_or(0.0)
    };
    // Followers catch up within moments; until then lag shows.
    let mut after = scrape(&server).await;
    for _ in 0..100 {
        let lags = ["search", "live", "page_cache"]
            .map(|f| value(&after, "khabar_follower_lag_events", &[("follower", f)]));
        if lags.iter().all(|lag| *lag == Some(0.0)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        after = scrape(&server).await;
    }
    for follower in ["search", "live", "page_cache"] {
        assert_eq!(
            value(
                &after,
                "khabar_follower_lag_events",
                &[("follower", follower)]
            ),
            Some(0.0),
            "{follower} caught up"
        );
        assert_eq!(
            has(
                &after,
                "khabar_follower_applied_seq",
                &[("follower", follower)]
            ),
            has(&after, "khabar_events_log_head", &[]),
        );
    }
    let routes: Vec<String> = after
        .samples
        .iter()
        .filter(|s| s.metric == "khabar_http_requests_total")
        .map(|s| format!("{:?} {:?}", *s.labels, s.value))
        .collect();
    assert!(
        moved(&after, "khabar_http_requests_total", &front) >= 3.0,
        "{routes:#?}"
    );
    assert!(moved(&after, "khabar_http_request_duration_seconds", &front[..2]) >= 3.0);
    assert!(moved(&after, "khabar_http_requests_total", &story) >= 1.0);
    assert!(
        after
            .samples
            .iter()
            .filter(|s| s.metric == "khabar_http_requests_total")
            .all(|s| !s
                .labels
                .get("route")
                .unwrap_or("")
                .contains("no-such-story")),
        "routes are patterns, never addresses"
    );
    for outcome in ["published", "held", "rejected"] {
        assert!(
            moved(&after, "khabar_comments_total", &[("outcome", outcome)]) >= 1.0,
            "{outcome}"
        );
    }
    // The queue and the log are this node's own: exact.
    assert_eq!(
        moved(
            &after,
            "khabar_moderation_queue_comments",
            &[("queue", "pending")]
        ),
        1.0
    );
    assert!(moved(&after, "khabar_events_log_head", &[]) >= 2.0);
    assert!(moved(&after, "khabar_comment_writer_comments_total", &[]) >= 2.0);
    assert!(moved(&after, "khabar_page_cache_hits_total", &[]) >= 1.0);
    assert!(moved(&after, "khabar_page_cache_misses_total", &[]) >= 1.0);
    assert!(moved(&after, "khabar_search_documents", &[]) >= 2.0);
    server.stop().await.unwrap();
}

async fn status_of(server: &Server, headers: &[(&str, &str)]) -> (u16, Option<String>) {
    let mut request = client().get(format!("{}/metrics", server.base_url()));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned());
    (response.status().as_u16(), challenge)
}

async fn metrics_are_guarded(db: &TestDatabase) {
    // By default: this machine, directly.
    let server = spawn_app(db, false).await;
    assert_eq!(status_of(&server, &[]).await.0, 200);
    assert_eq!(
        status_of(&server, &[("X-Forwarded-For", "203.0.113.9")])
            .await
            .0,
        403,
        "through a proxy on this machine"
    );
    server.stop().await.unwrap();

    let secret = "a-scraper-secret-of-length";
    let server = spawn_app_with(db, false, |config| {
        config.metrics.token = Some(secret.to_owned());
    })
    .await;
    assert_eq!(
        status_of(&server, &[]).await,
        (401, Some("Bearer".to_owned()))
    );
    let wrong = format!("Bearer {secret}x");
    assert_eq!(
        status_of(&server, &[("Authorization", &wrong)]).await.0,
        401
    );
    let right = format!("Bearer {secret}");
    assert_eq!(
        status_of(&server, &[("Authorization", &right)]).await.0,
        200
    );
    server.stop().await.unwrap();

    let server = spawn_app_with(db, false, |config| {
        config.metrics.allow = vec!["10.0.0.0/8".parse().unwrap()];
    })
    .await;
    assert_eq!(status_of(&server, &[]).await.0, 403, "not in the list");
    server.stop().await.unwrap();
    let server = spawn_app_with(db, false, |config| {
        config.metrics.allow = vec!["127.0.0.0/8".parse().unwrap()];
    })
    .await;
    assert_eq!(status_of(&server, &[]).await.0, 200, "in the list");
    server.stop().await.unwrap();
}

async fn requests_carry_an_id(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let id_of = |headers: &[(&'static str, &'static str)]| {
        let mut request = client().get(format!("{}/healthz", server.base_url()));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        async move {
            let response = request.send().await.unwrap();
            let ids: Vec<String> = response
                .headers()
                .get_all("x-request-id")
                .iter()
                .map(|v| v.to_str().unwrap().to_owned())
                .collect();
            assert_eq!(ids.len(), 1, "{ids:?}");
            ids[0].clone()
        }
    };
    let made = id_of(&[]).await;
    assert_eq!(made.len(), 36, "a UUID: {made}");
    assert_ne!(id_of(&[]).await, made, "one per request");
    assert_eq!(
        id_of(&[("X-Request-Id", "lb-7f3a9c:42")]).await,
        "lb-7f3a9c:42"
    );
    let replaced = id_of(&[("X-Request-Id", "forged\"} log line")]).await;
    assert_eq!(replaced.len(), 36, "a new id instead: {replaced}");
    // Error pages too.
    let response = client()
        .get(format!("{}/en/story/none", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert!(response.headers().contains_key("x-request-id"));
    server.stop().await.unwrap();
}

/// Takes the database away from a running node: on PostgreSQL its schema
/// is dropped under it; on SQLite, whose file the node holds open (a
/// deleted file would still answer), the node's connections are closed.
async fn take_the_database_away(db: &TestDatabase, server: &Server) {
    if db.is_postgres() {
        let (server_url, options) = db.url().split_once('?').unwrap();
        let schema = options.rsplit("search_path%3D").next().unwrap();
        let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(server_url)
            .await
            .unwrap();
        // The node's followers hold locks on its tables, so the drop can be
        // chosen as a deadlock's victim: try again until it goes through.
        let drop = format!("DROP SCHEMA {schema} CASCADE");
        let mut tries = 0;
        while let Err(error) = sqlx::Executor::execute(&mut admin, drop.as_str()).await {
            tries += 1;
            assert!(tries < 20, "the schema could not be dropped: {error}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    } else {
        server.store().close().await;
    }
}

async fn readyz_reports_each_dependency(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let base = server.base_url();
    let mut ready = common::get_json(&format!("{base}/readyz")).await;
    for _ in 0..50 {
        if ready["followers"]["search"]["lag"] == 0 && ready["followers"]["live"]["lag"] == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        ready = common::get_json(&format!("{base}/readyz")).await;
    }
    assert_eq!(ready["status"], "ready", "{ready}");
    assert_eq!(ready["database"]["status"], "ok");
    let backend = if db.is_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    assert_eq!(ready["database"]["backend"], backend);
    assert!(ready["database"]["pools"][0]["max"].as_u64() > Some(0));
    assert!(ready["log_head"].as_i64() > Some(0), "{ready}");
    assert_eq!(ready["search"]["status"], "ok", "{ready}");
    assert!(ready["search"]["documents"].as_u64() > Some(0));
    assert_eq!(ready["search"]["lag"], 0);
    for follower in ["search", "live", "page_cache"] {
        assert_eq!(ready["followers"][follower]["status"], "ok", "{ready}");
        assert!(ready["followers"][follower]["applied"].is_i64());
    }
    assert!(ready["page_cache"]["capacity"].is_u64());

    take_the_database_away(db, &server).await;
    let response = client().get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(response.status(), 503);
    let unready: serde_json::Value = response.json().await.unwrap();
    assert_eq!(unready["status"], "not_ready");
    assert_eq!(unready["code"], "database_unavailable");
    assert_eq!(unready["database"]["status"], "unavailable");
    assert_eq!(common::get(&server, "/healthz").await.0, 200, "still alive");
    let metrics = scrape(&server).await;
    assert_eq!(has(&metrics, "khabar_database_up", &[]), 0.0);
    server.stop().await.unwrap();
}

on_both_backends!(
    series_are_there_and_move,
    metrics_are_guarded,
    requests_carry_an_id,
    readyz_reports_each_dependency,
);
