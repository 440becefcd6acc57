//! Reading a request's query parameters into typed inputs, the same way
//! for the pages and the API (pages of lists, ids to filter by).

use std::collections::HashMap;

use khabar_core::moderation::Queue;
use khabar_core::{InvalidInput, Lang, text};
use khabar_store::{NewsroomFilter, QueueFilter};

/// The `page` query parameter of list operations: 1 to 10,000.
pub fn page_param(query: &HashMap<String, String>) -> Result<u32, InvalidInput> {
    match query.get("page") {
        None => Ok(1),
        Some(text) => text
            .parse::<u32>()
            .ok()
            .filter(|p| (1..=10_000).contains(p))
            .ok_or_else(|| InvalidInput::new("page", "invalid_page", "a page from 1 to 10000")),
    }
}

/// An optional numeric id parameter (`story=12`).
pub fn id_param(
    query: &HashMap<String, String>,
    name: &'static str,
) -> Result<Option<i64>, InvalidInput> {
    query
        .get(name)
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse::<i64>()
                .map_err(|_| InvalidInput::new(name, "invalid_id", "a number"))
        })
        .transpose()
}

/// A moderation queue's filter.
pub fn queue_filter(query: &HashMap<String, String>) -> Result<QueueFilter, InvalidInput> {
    let queue = Queue::parse(query.get("queue").map(String::as_str).unwrap_or("pending"))?;
    let lang = match query.get("lang").filter(|v| !v.is_empty()) {
        Some(code) => Some(Lang::parse(code)?),
        None => None,
    };
    let per_page = match query.get("per_page") {
        Some(n) => n
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=200).contains(n))
            .ok_or_else(|| InvalidInput::new("per_page", "invalid_page", "from 1 to 200"))?,
        None => 50,
    };
    Ok(QueueFilter {
        queue,
        story_id: id_param(query, "story")?,
        section_id: id_param(query, "section")?,
        lang,
        reason: query.get("reason").filter(|r| !r.is_empty()).map(|r| {
            r.chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                .take(50)
                .collect()
        }),
        newest_first: query.get("order").is_some_and(|o| o == "newest"),
        page: page_param(query)?,
        per_page,
        sections: Vec::new(),
    })
}

/// Longest headline search.
const MAX_QUERY_CHARS: usize = 200;

pub fn list_filter(query: &HashMap<String, String>) -> Result<NewsroomFilter, InvalidInput> {
    let given = |name: &str| query.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let status = match given("status") {
        Some(status @ ("draft" | "scheduled" | "published" | "unpublished")) => {
            khabar_core::EditionStatus::parse(status).ok()
        }
        Some(_) => {
            return Err(InvalidInput::new(
                "status",
                "invalid_status",
                "draft, scheduled, published or unpublished",
            ));
        }
        None => None,
    };
    // Control characters are spaces, as in every search box (see
    // `khabar_core::text::query`).
    let words = given("q").map(text::query).filter(|q| !q.is_empty());
    if words
        .as_ref()
        .is_some_and(|q| q.chars().count() > MAX_QUERY_CHARS)
    {
        return Err(InvalidInput::new(
            "q",
            "query_too_long",
            format!("at most {MAX_QUERY_CHARS} characters"),
        ));
    }
    Ok(NewsroomFilter {
        story_id: None,
        status,
        lang: given("lang").map(Lang::parse).transpose()?,
        section_id: id_param(query, "section")?,
        author_id: id_param(query, "author")?,
        query: words,
    })
}
