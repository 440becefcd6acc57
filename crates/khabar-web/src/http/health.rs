use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use crate::App;

/// A follower this many events behind is reported `behind` (the node
/// stays ready: its pages are still right, only some derived state lags).
const BEHIND_AT: i64 = 1000;

/// The process is up.
pub async fn alive() -> Json<Value> {
    Json(json!({ "status": "alive" }))
}

/// Whether this node can serve, dependency by dependency: the database
/// (answers, every migration applied; its pools), the search index (its
/// documents and how far it follows the log) and every follower of the
/// events log with its lag; also what the page cache holds and the
/// comment writer's transactions. 503 when the database is not ready:
/// a load balancer should then send readers elsewhere.
pub async fn ready(State(app): State<Arc<App>>) -> (StatusCode, Json<Value>) {
    let store = &app.store;
    let database_ready = store.is_ready().await;
    let figures = if database_ready {
        store.figures().await.ok()
    } else {
        None
    };
    let database = json!({
        "status": if database_ready { "ok" } else { "unavailable" },
        "backend": store.backend().as_str(),
        "pools": store.pool_use(),
    });
    let mut followers = Map::new();
    let mut search = json!({ "documents": app.search.documents() });
    if let Some(figures) = &figures {
        for follower in &figures.followers {
            let status = if follower.lag >= BEHIND_AT {
                "behind"
            } else {
                "ok"
            };
            let entry = json!({
                "status": status,
                "applied": follower.applied,
                "lag": follower.lag,
            });
            if follower.name == "search" {
                search["status"] = json!(status);
                search["applied"] = json!(follower.applied);
                search["lag"] = json!(follower.lag);
            }
            followers.insert(follower.name.to_owned(), entry);
        }
    }
    let mut answer = json!({
        "status": if database_ready { "ready" } else { "not_ready" },
        "database": database,
        "search": search,
        "followers": followers,
        "log_head": figures.as_ref().map(|f| f.log_head),
        "page_cache": app.page_cache_report(),
        "comment_writer": store.writer_report(),
    });
    if database_ready {
        (StatusCode::OK, Json(answer))
    } else {
        answer["code"] = json!("database_unavailable");
        (StatusCode::SERVICE_UNAVAILABLE, Json(answer))
    }
}
