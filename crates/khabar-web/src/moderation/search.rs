//! `/{lang}/moderate/search`: moderators find comments by text, author,
//! story and status.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use khabar_app::search;
use minijinja::context;

use crate::extract::Params;
use crate::moderation::Moderating;
use crate::public::search::failure_message;
use crate::theme::page::{chrome, error_page, render};
use crate::{App, PageError};

type AppState = State<Arc<App>>;

/// `/{lang}/moderate/search`: comments by text, author, story, status.
pub(crate) async fn comments(
    State(app): AppState,
    on: Moderating,
    Params(query): Params,
) -> Response {
    let page = comments_page(&app, &on, &query).await;
    page.unwrap_or_else(|e| error_page(&app, on.lang, &e))
}

async fn comments_page(
    app: &App,
    on: &Moderating,
    query: &HashMap<String, String>,
) -> Result<Response, PageError> {
    let lang = on.lang;
    let typed = query.get("q").map(|q| q.trim()).unwrap_or_default();
    let (hits, problem) = if typed.is_empty() {
        (None, None)
    } else {
        let outcome = match search::comment_search(query) {
            Ok(request) => search::comments(app, &on.moderator, request).await,
            Err(invalid) => Err(invalid.into()),
        };
        match outcome {
            Ok(hits) => (Some(hits), None),
            Err(failure) => (None, Some(failure_message(&failure)?)),
        }
    };
    let paths = app
        .languages()
        .into_iter()
        .map(|l| (l, format!("/{l}/moderate/search")))
        .collect();
    let this = format!("/{lang}/moderate/search");
    let chrome = chrome(app, lang, &on.viewer, paths, None, this).await?;
    render(
        app,
        "moderate-search.html",
        lang,
        chrome,
        context! { query => query, hits => hits, problem => problem },
    )
}
