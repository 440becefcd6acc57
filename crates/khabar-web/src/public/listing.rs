//! Lists of stories: a section's, a tag's or an author's, paged; shared by
//! their pages and their feeds.

use crate::http::cache::keys;
use crate::{App, PageError};
use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use khabar_core::Lang;
use khabar_store::ListFilter;
use std::collections::HashMap;

/// Stories on a list page and on the home page.
pub(crate) const PER_PAGE: u32 = 12;

/// No list is paged further than this; deeper offsets only cost the database.
const MAX_PAGE: u32 = 1_000;

/// The kinds of list page, each of which also has feeds.
#[derive(Clone, Copy)]
pub(crate) enum ListKind {
    Section,
    Tag,
    Author,
}

impl ListKind {
    pub(crate) fn path_part(self) -> &'static str {
        match self {
            ListKind::Section => "section",
            ListKind::Tag => "tag",
            ListKind::Author => "author",
        }
    }
}

/// A section, tag or author found by its slug.
pub(crate) struct Listing {
    pub filter: ListFilter,
    pub title: String,
    pub description: String,
    /// The surrogate key of every page that lists it.
    pub key: String,
}

pub(crate) async fn listing(
    app: &App,
    kind: ListKind,
    lang: Lang,
    slug: &str,
) -> Result<Listing, PageError> {
    let store = &app.store;
    Ok(match kind {
        ListKind::Section => {
            let section = store
                .section_by_slug(lang, slug)
                .await?
                .ok_or(PageError::NotFound)?;
            Listing {
                filter: ListFilter::Section(section.id),
                title: section.name,
                description: String::new(),
                key: keys::section(section.id),
            }
        }
        ListKind::Tag => {
            let tag = store
                .tag_by_slug(lang, slug)
                .await?
                .ok_or(PageError::NotFound)?;
            Listing {
                filter: ListFilter::Tag(tag.id),
                title: tag.name,
                description: String::new(),
                key: keys::tag(tag.id),
            }
        }
        ListKind::Author => {
            let author = store
                .author_by_slug(lang, slug)
                .await?
                .ok_or(PageError::NotFound)?;
            Listing {
                filter: ListFilter::Author(author.id),
                title: author.name,
                description: author.bio,
                key: keys::author(author.id),
            }
        }
    })
}

pub(crate) fn page_number(
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<u32, PageError> {
    let Ok(Query(query)) = query else {
        return Err(PageError::BadRequest("unreadable query string".into()));
    };
    match query.get("page") {
        None => Ok(1),
        Some(text) => match text.parse::<u32>() {
            Ok(page) if (1..=MAX_PAGE).contains(&page) => Ok(page),
            _ => Err(PageError::BadRequest(format!(
                "page must be a number from 1 to {MAX_PAGE}"
            ))),
        },
    }
}
