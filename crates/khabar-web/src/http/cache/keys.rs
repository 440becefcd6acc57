//! The surrogate keys a response is tagged with, and which of them a
//! change in the events log touches. A CDN purge and the page cache's
//! invalidation use the same keys, so one mechanism serves both.

use std::collections::{BTreeMap, BTreeSet};

use khabar_core::EventKind;

/// Every public page: its name, languages and dates change with the
/// site settings.
pub const SITE: &str = "site";
pub const HOME: &str = "home";
pub const FEEDS: &str = "feeds";
pub const SITEMAPS: &str = "sitemaps";

pub fn story(id: i64) -> String {
    format!("story-{id}")
}

pub fn section(id: i64) -> String {
    format!("section-{id}")
}

pub fn tag(id: i64) -> String {
    format!("tag-{id}")
}

pub fn author(id: i64) -> String {
    format!("author-{id}")
}

/// The surrogate keys of every page a batch of logged changes touched.
/// A published story changes its own pages, the lists it is on, the home
/// pages, feeds and sitemaps; a comment changes its story's pages and the
/// comment counts on the lists it is on; a like, its story's pages.
pub async fn purge_keys(
    store: &khabar_store::Store,
    events: &[khabar_store::Event],
) -> Result<BTreeSet<String>, khabar_store::StoreError> {
    let mut purged = BTreeSet::new();
    // A batch often holds many events of one story (an edit, its publish,
    // a run of comments): each story's places are read once.
    let mut changed_stories = BTreeSet::new();
    let mut discussed_stories = BTreeSet::new();
    let mut checked_editions = BTreeMap::new();
    for event in events {
        // Site settings and sections show on every page (names, the
        // navigation); a deleted account's name may be on any page.
        if event.kind == EventKind::SiteSettingsChanged.as_str()
            || event.kind == EventKind::SectionChanged.as_str()
            || event.kind == EventKind::AccountDeleted.as_str()
        {
            purged.insert(SITE.to_owned());
        }
        // The front page's arrangement shows on the home pages only; a
        // static page also in every page's footer.
        if event.kind == EventKind::FrontPageChanged.as_str() {
            purged.insert(HOME.to_owned());
        }
        if event.kind == EventKind::StaticPageChanged.as_str() {
            purged.insert(SITE.to_owned());
        }
        // A thread's message and whether it is closed show above it.
        if event.kind == EventKind::ThreadSettingsChanged.as_str() {
            let id = event.payload.get("id").and_then(|id| id.as_i64());
            match (event.payload.get("scope").and_then(|s| s.as_str()), id) {
                (Some("story"), Some(id)) => purged.insert(story(id)),
                (Some("section"), Some(id)) => purged.insert(section(id)),
                _ => purged.insert(SITE.to_owned()),
            };
            continue;
        }
        let Some(story_id) = event.story_id else {
            continue;
        };
        match event.kind.as_str() {
            "edition.published" | "edition.unpublished" => {
                changed_stories.insert(story_id);
            }
            "edition.edited" => {
                // A draft's edits change no public page.
                let Some(edition_id) = event.edition_id else {
                    continue;
                };
                let public = match checked_editions.get(&edition_id) {
                    Some(public) => *public,
                    None => {
                        let public = store.edition(edition_id).await?.status
                            == khabar_core::EditionStatus::Published;
                        *checked_editions.entry(edition_id).or_insert(public)
                    }
                };
                if public {
                    changed_stories.insert(story_id);
                }
            }
            kind if kind == EventKind::CommentLiked.as_str() => {
                purged.insert(story(story_id));
            }
            kind if kind.starts_with("comment.") => {
                discussed_stories.insert(story_id);
            }
            _ => {}
        }
    }
    if !changed_stories.is_empty() {
        purged.extend([FEEDS, SITEMAPS].map(String::from));
    }
    if !changed_stories.is_empty() || !discussed_stories.is_empty() {
        purged.insert(HOME.to_owned());
    }
    for story_id in changed_stories.union(&discussed_stories) {
        let places = store.story_places(*story_id).await?;
        purged.insert(story(*story_id));
        purged.extend(places.section_id.map(section));
        purged.extend(places.tag_ids.into_iter().map(tag));
        purged.extend(places.author_ids.into_iter().map(author));
    }
    Ok(purged)
}
