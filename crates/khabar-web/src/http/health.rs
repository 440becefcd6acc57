use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::json;

use crate::App;

/// The process is up.
pub async fn alive() -> Json<serde_json::Value> {
    Json(json!({ "status": "alive" }))
}

/// The database answers and every migration is applied; also what the
/// page cache holds (pages, bytes against its capacity, hits and misses),
/// and the comment writer's transactions and the comments they held.
pub async fn ready(State(app): State<Arc<App>>) -> (StatusCode, Json<serde_json::Value>) {
    if app.store.is_ready().await {
        (
            StatusCode::OK,
            Json(json!({
                "status": "ready",
                "database": app.store.backend().as_str(),
                "page_cache": app.page_cache_report(),
                "comment_writer": app.store.writer_report(),
            })),
        )
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "not_ready", "code": "database_unavailable" })),
        )
    }
}
