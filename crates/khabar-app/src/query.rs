//! Reading a request's query parameters into typed inputs, the same way
//! for the pages and the API (pages of lists, ids to filter by).

use std::collections::HashMap;

use khabar_core::InvalidInput;

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
