//! The search use cases, shared by the search pages and the API: reading
//! a request's filters, and running the (blocking) index search off the
//! async threads.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::Timestamp;
use khabar_core::{InvalidInput, Lang, text};
use khabar_search::{ArticleHit, ArticleSearch, CommentHit, CommentSearch, Hits, SearchError};

use crate::Context;
use crate::error::{Failure, Kind};
use crate::moderation::Moderator;
use crate::query::{id_param, page_param};

/// Results a page shows.
pub const PER_PAGE: u32 = 10;

/// Search results, or why there are none.
#[derive(Debug, thiserror::Error)]
pub enum SearchFailure {
    #[error("{0}")]
    Invalid(#[from] InvalidInput),
    #[error("{0}")]
    Search(#[from] SearchError),
    #[error("the search did not finish")]
    Interrupted,
}

impl Failure for SearchFailure {
    fn invalid_input(&self) -> Option<&InvalidInput> {
        match self {
            SearchFailure::Invalid(e) => Some(e),
            _ => None,
        }
    }

    fn kind(&self) -> Kind {
        match self {
            SearchFailure::Invalid(_)
            | SearchFailure::Search(SearchError::EmptyQuery | SearchError::QueryTooLong) => {
                Kind::Invalid
            }
            SearchFailure::Search(_) | SearchFailure::Interrupted => Kind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            SearchFailure::Invalid(e) => e.code,
            SearchFailure::Search(e) => e.code(),
            SearchFailure::Interrupted => "internal",
        }
    }
}

/// A filter's text: control characters are spaces, as in the query.
fn param(query: &HashMap<String, String>, name: &str) -> Option<String> {
    query
        .get(name)
        .map(|v| text::query(v))
        .filter(|v| !v.is_empty() && v.len() <= 200)
}

/// The words searched for, without the control characters (`a%00b`) that
/// no index or database can search for: a search box forgives.
fn words(query: &HashMap<String, String>) -> String {
    query.get("q").map(|q| text::query(q)).unwrap_or_default()
}

/// A day in the site's time zone: its first instant, or (`end`) the first
/// instant of the next day.
fn day(
    ctx: &Context,
    query: &HashMap<String, String>,
    name: &'static str,
    end: bool,
) -> Result<Option<Timestamp>, InvalidInput> {
    let Some(text) = param(query, name) else {
        return Ok(None);
    };
    let invalid = || InvalidInput::new(name, "invalid_date", "a date as YYYY-MM-DD");
    let date: jiff::civil::Date = text.parse().map_err(|_| invalid())?;
    let date = if end {
        date.tomorrow().map_err(|_| invalid())?
    } else {
        date
    };
    Ok(Some(
        date.to_zoned(ctx.settings.time_zone())
            .map_err(|_| invalid())?
            .timestamp(),
    ))
}

/// Reads a story search from query parameters: `q`, `lang`, `section`,
/// `tag`, `author`, `from`, `to` (dates), `sort=newest`, `page`.
pub fn article_search(
    ctx: &Context,
    query: &HashMap<String, String>,
    prefer: Option<Lang>,
) -> Result<ArticleSearch, InvalidInput> {
    let lang = match param(query, "lang") {
        Some(code) => Some(ctx.lang(&code).ok_or_else(|| {
            InvalidInput::new("lang", "unknown_language", "not a language of this site")
        })?),
        None => None,
    };
    Ok(ArticleSearch {
        text: words(query),
        lang,
        prefer,
        section: param(query, "section"),
        tag: param(query, "tag"),
        author: param(query, "author"),
        from: day(ctx, query, "from", false)?,
        until: day(ctx, query, "to", true)?,
        newest: query.get("sort").is_some_and(|s| s == "newest"),
        page: page_param(query)?,
        per_page: PER_PAGE,
    })
}

/// Published stories matching the search, in every language unless one
/// is asked for.
pub async fn articles(
    ctx: &Context,
    search: ArticleSearch,
) -> Result<Hits<ArticleHit>, SearchFailure> {
    let index = Arc::clone(&ctx.search);
    tokio::task::spawn_blocking(move || index.search_articles(&search))
        .await
        .map_err(|_| SearchFailure::Interrupted)?
        .map_err(SearchFailure::from)
}

/// Reads a comment search from query parameters: `q`, `author`, `story`,
/// `status`, `page`.
pub fn comment_search(query: &HashMap<String, String>) -> Result<CommentSearch, InvalidInput> {
    Ok(CommentSearch {
        text: words(query),
        author: param(query, "author").map(|a| a.trim_start_matches('@').to_owned()),
        story_id: id_param(query, "story")?,
        status: param(query, "status"),
        page: page_param(query)?,
        per_page: 20,
    })
}

/// Comments matching a moderator's search (every status).
pub async fn comments(
    ctx: &Context,
    _moderator: &Moderator,
    search: CommentSearch,
) -> Result<Hits<CommentHit>, SearchFailure> {
    let index = Arc::clone(&ctx.search);
    tokio::task::spawn_blocking(move || index.search_comments(&search))
        .await
        .map_err(|_| SearchFailure::Interrupted)?
        .map_err(SearchFailure::from)
}
