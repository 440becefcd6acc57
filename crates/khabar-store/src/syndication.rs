//! What feeds, sitemaps and cache purges read: published editions with
//! their bodies, every published address with its other-language
//! alternates, and what a story's pages are tagged with.

use std::collections::HashMap;

use jiff::Timestamp;
use khabar_core::Lang;
use sqlx::FromRow;

use crate::comments::{VIEW_COLUMNS, VIEW_FROM, view_from_row};
use crate::row::Millis;
use crate::time::to_millis;
use crate::{CommentView, EditionSummary, ListFilter, Result, Store};

/// A published edition as a feed carries it.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedEntry {
    pub summary: EditionSummary,
    /// Markdown.
    pub body: String,
}

/// One address of a sitemap and the editions it links as alternates
/// (itself included), as `(lang, slug)`.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct SitemapEntry {
    #[sqlx(try_from = "String")]
    pub lang: Lang,
    pub slug: String,
    #[sqlx(try_from = "Millis")]
    pub updated_at: Timestamp,
    #[sqlx(skip)]
    pub alternates: Vec<(Lang, String)>,
}

/// One file's worth of a split sitemap: how many addresses it holds and
/// when the newest of them changed.
#[derive(Debug, Clone, Copy, PartialEq, FromRow)]
pub struct SitemapChunk {
    pub urls: i64,
    #[sqlx(try_from = "Millis")]
    pub last_modified: Timestamp,
}

/// A story published recently, for the news sitemap.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct NewsEntry {
    #[sqlx(try_from = "String")]
    pub lang: Lang,
    pub slug: String,
    pub headline: String,
    #[sqlx(try_from = "Millis")]
    pub published_at: Timestamp,
}

/// The slugs of the list pages worth a sitemap entry.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListingSlugs {
    pub sections: Vec<String>,
    /// Tags with at least one published story.
    pub tags: Vec<String>,
    pub authors: Vec<String>,
}

/// What a story's pages show besides itself: the list pages they appear on.
/// A sitemap entry with one of its story's published editions.
#[derive(FromRow)]
struct SitemapRow {
    id: i64,
    #[sqlx(flatten)]
    entry: SitemapEntry,
    #[sqlx(try_from = "String")]
    alt_lang: Lang,
    alt_slug: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct StoryPlaces {
    pub section_id: Option<i64>,
    pub tag_ids: Vec<i64>,
    pub author_ids: Vec<i64>,
}

impl Store {
    /// The newest published editions of a list, with their bodies.
    pub async fn feed_entries(
        &self,
        lang: Lang,
        filter: ListFilter,
        limit: u32,
    ) -> Result<Vec<FeedEntry>> {
        let summaries = self.published(lang, filter, 1, limit).await?.items;
        if summaries.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (1..=summaries.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT id, body FROM editions WHERE id IN ({})",
            placeholders.join(", ")
        );
        let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
        for summary in &summaries {
            query = query.bind(summary.id);
        }
        let mut bodies: HashMap<i64, String> =
            query.fetch_all(&self.read).await?.into_iter().collect();
        Ok(summaries
            .into_iter()
            .map(|summary| FeedEntry {
                body: bodies.remove(&summary.id).unwrap_or_default(),
                summary,
            })
            .collect())
    }

    /// The newest visible comments of an edition, newest first.
    pub async fn recent_comments(&self, edition_id: i64, limit: u32) -> Result<Vec<CommentView>> {
        let rows = sqlx::query(&format!(
            "SELECT {VIEW_COLUMNS} {VIEW_FROM}
             WHERE c.edition_id = $1 AND c.status = 'visible'
             ORDER BY c.created_at DESC, c.id DESC LIMIT $2"
        ))
        .bind(edition_id)
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(view_from_row).collect()
    }

    /// Published editions cut into files of `per_file` addresses, in the
    /// order [`Store::sitemap_entries`] pages through them.
    pub async fn sitemap_chunks(&self, per_file: u32) -> Result<Vec<SitemapChunk>> {
        Ok(sqlx::query_as(
            "SELECT (n - 1) / $1 AS chunk, COUNT(*) AS urls, MAX(updated_at) AS last_modified
             FROM (SELECT updated_at, ROW_NUMBER() OVER (ORDER BY id) AS n
                   FROM editions WHERE status = 'published') numbered
             GROUP BY (n - 1) / $1 ORDER BY chunk",
        )
        .bind(i64::from(per_file.max(1)))
        .fetch_all(&self.read)
        .await?)
    }

    /// The `chunk`-th file (from 0) of published editions, each with every
    /// published edition of its story — one query, whatever the size.
    pub async fn sitemap_entries(&self, chunk: u32, per_file: u32) -> Result<Vec<SitemapEntry>> {
        let rows: Vec<SitemapRow> = sqlx::query_as(
            "SELECT e.id, e.lang, e.slug, e.updated_at, a.lang AS alt_lang, a.slug AS alt_slug
             FROM (SELECT id, story_id, lang, slug, updated_at FROM editions
                   WHERE status = 'published' ORDER BY id LIMIT $1 OFFSET $2) e
             JOIN editions a ON a.story_id = e.story_id AND a.status = 'published'
             ORDER BY e.id, a.lang",
        )
        .bind(i64::from(per_file))
        .bind(i64::from(chunk) * i64::from(per_file))
        .fetch_all(&self.read)
        .await?;
        let mut entries: Vec<SitemapEntry> = Vec::new();
        let mut last_id = None;
        for row in rows {
            let alternate = (row.alt_lang, row.alt_slug);
            match entries.last_mut() {
                Some(entry) if last_id == Some(row.id) => entry.alternates.push(alternate),
                _ => entries.push(SitemapEntry {
                    alternates: vec![alternate],
                    ..row.entry
                }),
            }
            last_id = Some(row.id);
        }
        Ok(entries)
    }

    /// Editions published since `since`, newest first, at most `limit`.
    pub async fn published_since(&self, since: Timestamp, limit: u32) -> Result<Vec<NewsEntry>> {
        Ok(sqlx::query_as(
            "SELECT lang, slug, headline, published_at FROM editions
             WHERE status = 'published' AND published_at >= $1
             ORDER BY published_at DESC, id DESC LIMIT $2",
        )
        .bind(to_millis(since))
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn listing_slugs(&self) -> Result<ListingSlugs> {
        let column = |sql: &'static str| async move {
            sqlx::query_scalar::<_, String>(sql)
                .fetch_all(&self.read)
                .await
        };
        Ok(ListingSlugs {
            sections: column("SELECT slug FROM sections ORDER BY position, id").await?,
            tags: column(
                "SELECT t.slug FROM tags t WHERE EXISTS (
                     SELECT 1 FROM story_tags st JOIN editions e ON e.story_id = st.story_id
                     WHERE st.tag_id = t.id AND e.status = 'published')
                 ORDER BY t.id",
            )
            .await?,
            authors: column("SELECT slug FROM authors ORDER BY id").await?,
        })
    }

    /// The section, tags and bylines of a story, for cache purges.
    pub async fn story_places(&self, story_id: i64) -> Result<StoryPlaces> {
        let section_id: Option<Option<i64>> =
            sqlx::query_scalar("SELECT section_id FROM stories WHERE id = $1")
                .bind(story_id)
                .fetch_optional(&self.log)
                .await?;
        let tag_ids = sqlx::query_scalar("SELECT tag_id FROM story_tags WHERE story_id = $1")
            .bind(story_id)
            .fetch_all(&self.log)
            .await?;
        let author_ids = sqlx::query_scalar(
            "SELECT DISTINCT ea.author_id FROM edition_authors ea
             JOIN editions e ON e.id = ea.edition_id WHERE e.story_id = $1",
        )
        .bind(story_id)
        .fetch_all(&self.log)
        .await?;
        Ok(StoryPlaces {
            section_id: section_id.flatten(),
            tag_ids,
            author_ids,
        })
    }
}
