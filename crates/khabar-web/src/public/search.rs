//! `/{lang}/search`: stories in either language, with filters and
//! highlighted snippets; and `/{lang}/moderate/search`: comments for
//! moderators. Rules live in `search`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::Response;
use khabar_core::Lang;
use minijinja::context;
use serde::Serialize;

use crate::extract::{PageLang, Params};
use crate::http::paths::segment;
use crate::http::session::Viewer;
use crate::theme::page::{chrome, error_page, render};
use crate::{App, PageError};
use khabar_app::search::{self, SearchFailure};
use khabar_search::{ArticleHit, Hits};

type AppState = State<Arc<App>>;

/// One result as the page shows it.
#[derive(Serialize)]
struct Result {
    url: String,
    lang: String,
    dir: &'static str,
    /// Set when the result is in another language than the page.
    other_language: Option<String>,
    headline: String,
    snippet: String,
    section_name: Option<String>,
    published_at: jiff::Timestamp,
}

/// A search that finds something when the reader's found nothing.
#[derive(Serialize)]
struct Help {
    /// The nearest search with results (a word respelt), and its link.
    suggestion: Option<(String, String, usize)>,
    /// How many stories the search finds in every language, and its link,
    /// when a language was asked for.
    elsewhere: Option<(String, usize)>,
}

impl Help {
    fn of(lang: Lang, query: &HashMap<String, String>, hits: &Hits<ArticleHit>) -> Option<Help> {
        let help = Help {
            suggestion: hits.suggestion.as_ref().map(|s| {
                let mut respelt = query.clone();
                respelt.insert("q".into(), s.text.clone());
                (s.text.clone(), search_url(lang, &respelt, None), s.total)
            }),
            elsewhere: hits.elsewhere.map(|total| {
                let mut everywhere = query.clone();
                everywhere.remove("lang");
                (search_url(lang, &everywhere, None), total)
            }),
        };
        (help.suggestion.is_some() || help.elsewhere.is_some()).then_some(help)
    }
}

/// The query string with `page` set, for the pager.
fn with_page(lang: Lang, query: &HashMap<String, String>, page: u32) -> String {
    search_url(lang, query, Some(page))
}

/// The search page for `query`, at `page` if given.
fn search_url(lang: Lang, query: &HashMap<String, String>, page: Option<u32>) -> String {
    let mut pairs: Vec<String> = query
        .iter()
        .filter(|(k, v)| k.as_str() != "page" && !v.is_empty())
        .map(|(k, v)| {
            format!(
                "{k}={}",
                percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC)
            )
        })
        .collect();
    pairs.sort();
    pairs.extend(page.map(|page| format!("page={page}")));
    format!("/{lang}/search?{}", pairs.join("&"))
}

/// The failure as the page tells it: the reader's own (an empty or
/// overlong query, a bad date) in words, anything else as an error page.
pub(crate) fn failure_message(
    failure: &SearchFailure,
) -> std::result::Result<&'static str, PageError> {
    match PageError::from_failure(failure) {
        PageError::Rejected(code) => Ok(code),
        other => Err(other),
    }
}

pub(crate) async fn articles(
    State(app): AppState,
    PageLang(lang): PageLang,
    Params(query): Params,
    viewer: Viewer,
) -> Response {
    let page = articles_page(&app, lang, &query, &viewer).await;
    page.unwrap_or_else(|e| error_page(&app, lang, &e))
}

/// The stories `query` finds, or the reader's problem with it in words;
/// neither when nothing was typed.
async fn find_articles(
    app: &App,
    lang: Lang,
    query: &HashMap<String, String>,
) -> std::result::Result<(Option<Hits<ArticleHit>>, Option<&'static str>), PageError> {
    let typed = query.get("q").map(|q| q.trim()).unwrap_or_default();
    if typed.is_empty() {
        return Ok((None, None));
    }
    let outcome = match search::article_search(app, query, Some(lang)) {
        Ok(request) => search::articles(app, request).await,
        Err(invalid) => Err(invalid.into()),
    };
    match outcome {
        Ok(hits) => Ok((Some(hits), None)),
        Err(failure) => Ok((None, Some(failure_message(&failure)?))),
    }
}

/// One story found, as the results page in `lang` lists it.
fn result_of(app: &App, lang: Lang, hit: &ArticleHit) -> Result {
    Result {
        url: format!("/{}/story/{}", hit.lang, segment(&hit.slug)),
        dir: Lang::parse(&hit.lang)
            .ok()
            .and_then(|l| app.site().dir_of(l))
            .map(|d| d.as_str())
            .unwrap_or("auto"),
        other_language: (hit.lang != lang.as_str()).then(|| hit.lang.clone()),
        lang: hit.lang.clone(),
        headline: hit.headline.clone(),
        snippet: hit.snippet.clone(),
        section_name: hit.section_name.clone(),
        published_at: hit.published_at,
    }
}

async fn articles_page(
    app: &App,
    lang: Lang,
    query: &HashMap<String, String>,
    viewer: &Viewer,
) -> std::result::Result<Response, PageError> {
    let (hits, problem) = find_articles(app, lang, query).await?;
    let results: Vec<Result> = hits
        .iter()
        .flat_map(|hits| hits.hits.iter().map(|hit| result_of(app, lang, hit)))
        .collect();
    let page = hits.as_ref().map(|h| h.page).unwrap_or(1);
    let help = hits.as_ref().and_then(|h| Help::of(lang, query, h));
    let paths = app
        .languages()
        .into_iter()
        .map(|l| (l, format!("/{l}/search")))
        .collect();
    let chrome = chrome(app, lang, viewer, paths, None, format!("/{lang}/search")).await?;
    let mut response = render(
        app,
        "search.html",
        lang,
        chrome,
        context! {
            query => query,
            typed => query.get("q").map(|q| q.trim()).unwrap_or_default(),
            results => results,
            total => hits.as_ref().map(|h| h.total),
            problem => problem,
            help => help,
            sections => app.store.sections(lang).await?,
            previous_page => (page > 1).then(|| with_page(lang, query, page - 1)),
            next_page => hits.as_ref().is_some_and(|h| h.has_more).then(|| with_page(lang, query, page + 1)),
        },
    )?;
    // Search pages are many and cheap to make: keep them out of
    // search engines' indexes.
    response
        .headers_mut()
        .insert("x-robots-tag", header::HeaderValue::from_static("noindex"));
    if problem.is_some() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}
