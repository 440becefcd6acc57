//! What readers see: published editions, listed and in full. Lists load
//! their bylines in one extra query, never one per item.

use std::collections::HashMap;

use jiff::Timestamp;
use khabar_core::{EditionStatus, Lang};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{FromRow, Row};

use crate::row::{JsonText, MaybeMillis, Millis};
use crate::{Result, Store, StoreError, placeholders};

#[derive(Debug, Clone, PartialEq, Serialize, FromRow)]
pub struct SectionRef {
    #[serde(skip)]
    pub id: i64,
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, FromRow)]
pub struct TagRef {
    #[serde(skip)]
    pub id: i64,
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, FromRow)]
pub struct AuthorRef {
    #[serde(skip)]
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub bio: String,
}

/// A published edition as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, FromRow)]
pub struct EditionSummary {
    pub id: i64,
    pub story_id: i64,
    #[sqlx(try_from = "String")]
    pub lang: Lang,
    pub slug: String,
    pub headline: String,
    pub standfirst: String,
    pub hero_image: Option<String>,
    pub hero_caption: String,
    /// Set when the hero image is from the media library.
    #[sqlx(skip)]
    pub hero: Option<HeroMedia>,
    #[sqlx(try_from = "MaybeMillis")]
    pub published_at: Timestamp,
    #[sqlx(try_from = "Millis")]
    pub updated_at: Timestamp,
    #[sqlx(skip)]
    pub section: Option<SectionRef>,
    #[sqlx(skip)]
    pub authors: Vec<AuthorRef>,
    /// Visible comments on this edition.
    #[sqlx(skip)]
    pub comment_count: i64,
}

/// What the media library knows of a hero image: its size (so the page
/// reserves its space), narrower copies for `srcset`, and alt text in the
/// edition's language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeroMedia {
    pub width: u32,
    pub height: u32,
    /// `url 480w, url 960w, …, original Nw`.
    pub srcset: String,
    pub alt: String,
}

/// Another published edition of the same story.
#[derive(Debug, Clone, PartialEq, Serialize, FromRow)]
pub struct EditionLink {
    #[sqlx(try_from = "String")]
    pub lang: Lang,
    pub slug: String,
    pub headline: String,
}

/// A published edition in full.
#[derive(Debug, Clone, PartialEq, Serialize, FromRow)]
pub struct Article {
    #[serde(flatten)]
    #[sqlx(flatten)]
    pub summary: EditionSummary,
    /// Markdown.
    pub body: String,
    pub dateline: String,
    pub hero_credit: String,
    pub comment_mode: String,
    #[sqlx(skip)]
    pub tags: Vec<TagRef>,
    #[sqlx(skip)]
    pub other_editions: Vec<EditionLink>,
}

/// An edition whatever its status, as the newsroom sees it.
#[derive(Debug, Clone, PartialEq, Serialize, FromRow)]
pub struct EditionRecord {
    pub id: i64,
    pub story_id: i64,
    #[sqlx(try_from = "String")]
    pub lang: Lang,
    pub slug: String,
    pub headline: String,
    #[sqlx(try_from = "String")]
    pub status: EditionStatus,
    pub revision: i64,
    #[sqlx(try_from = "MaybeMillis")]
    pub scheduled_at: Option<Timestamp>,
    #[sqlx(try_from = "MaybeMillis")]
    pub published_at: Option<Timestamp>,
    #[sqlx(try_from = "Millis")]
    pub updated_at: Timestamp,
}

/// An edition's record columns, from `editions e`: the one list of what
/// an [`EditionRecord`] reads.
pub(crate) const RECORD_COLUMNS: &str =
    "e.id, e.story_id, e.lang, e.slug, e.headline, e.status, e.revision,
    e.scheduled_at, e.published_at, e.updated_at";

/// One saved version of an edition.
#[derive(Debug, Clone, PartialEq, Serialize, FromRow)]
pub struct Revision {
    pub revision: i64,
    pub editor_id: Option<i64>,
    #[sqlx(try_from = "Millis")]
    pub saved_at: Timestamp,
    pub slug: String,
    pub headline: String,
    pub standfirst: String,
    pub body: String,
    pub dateline: String,
    pub hero_caption: String,
    pub hero_credit: String,
    pub comment_mode: String,
    #[sqlx(try_from = "JsonText")]
    pub author_ids: Vec<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFilter {
    Latest,
    Section(i64),
    Tag(i64),
    Author(i64),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub has_more: bool,
}

pub(crate) const SUMMARY_COLUMNS: &str =
    "e.id, e.story_id, e.lang, e.slug, e.headline, e.standfirst, e.hero_caption,
    e.published_at, e.updated_at, s.hero_image, s.section_id, sec.slug AS section_slug,
    COALESCE(sn.name, sec.slug) AS section_name,
    m.variants AS hero_variants, m.width AS hero_width, m.height AS hero_height,
    (SELECT t.alt FROM media_texts t WHERE t.media_id = m.id AND t.lang = e.lang) AS hero_alt";

/// A hero image from the media library (`/media/<path>`) brings its
/// variants, size and alt text; the join is by the indexed path.
pub(crate) const SUMMARY_FROM: &str = "FROM editions e
    JOIN stories s ON s.id = e.story_id
    LEFT JOIN sections sec ON sec.id = s.section_id
    LEFT JOIN section_names sn ON sn.section_id = sec.id AND sn.lang = e.lang
    LEFT JOIN media m ON s.hero_image LIKE '/media/%' AND m.path = SUBSTR(s.hero_image, 8)";

/// The query of one article: its summary and its text, where `condition`.
fn article_sql(condition: &str) -> String {
    format!(
        "SELECT {SUMMARY_COLUMNS}, e.body, e.dateline, e.hero_credit, e.comment_mode {SUMMARY_FROM}
         WHERE {condition}"
    )
}

/// A name in the reader's language, or in any language when missing.
const NAME_IN_LANG: &str = "COALESCE(
    (SELECT n.name FROM section_names n WHERE n.section_id = x.id AND n.lang = $1),
    (SELECT n.name FROM section_names n WHERE n.section_id = x.id ORDER BY n.lang LIMIT 1),
    x.slug)";

impl Store {
    /// Which of `edition_ids` are published (or embedded discussions), in
    /// ascending order.
    pub async fn published_among(&self, edition_ids: &[i64]) -> Result<Vec<i64>> {
        if edition_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id FROM editions WHERE status IN ('published', 'embedded') AND id IN ({}) ORDER BY id",
            placeholders(1, edition_ids.len())
        );
        let mut query = sqlx::query_scalar(&sql);
        for id in edition_ids {
            query = query.bind(id);
        }
        Ok(query.fetch_all(&self.read).await?)
    }

    /// Whether the site has no stories yet (a new instance).
    pub async fn has_no_stories(&self) -> Result<bool> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM stories")
            .fetch_one(&self.read)
            .await?;
        Ok(count == 0)
    }

    pub async fn sections(&self, lang: Lang) -> Result<Vec<SectionRef>> {
        let sql = format!(
            "SELECT x.id, x.slug, {NAME_IN_LANG} AS name FROM sections x ORDER BY x.position, x.id"
        );
        Ok(sqlx::query_as(&sql)
            .bind(lang.as_str())
            .fetch_all(&self.read)
            .await?)
    }

    pub async fn section_by_slug(&self, lang: Lang, slug: &str) -> Result<Option<SectionRef>> {
        Ok(self
            .sections(lang)
            .await?
            .into_iter()
            .find(|s| s.slug == slug))
    }

    pub async fn tag_by_slug(&self, lang: Lang, slug: &str) -> Result<Option<TagRef>> {
        let sql = NAME_IN_LANG
            .replace("section_names", "tag_names")
            .replace("section_id", "tag_id");
        let sql = format!("SELECT x.id, x.slug, {sql} AS name FROM tags x WHERE x.slug = $2");
        Ok(sqlx::query_as(&sql)
            .bind(lang.as_str())
            .bind(slug)
            .fetch_optional(&self.read)
            .await?)
    }

    pub async fn author_by_slug(&self, lang: Lang, slug: &str) -> Result<Option<AuthorRef>> {
        Ok(
            sqlx::query_as(&format!("{AUTHOR_SELECT} WHERE a.slug = $2"))
                .bind(lang.as_str())
                .bind(slug)
                .fetch_optional(&self.read)
                .await?,
        )
    }

    /// Published editions in `lang`, newest first.
    pub async fn published(
        &self,
        lang: Lang,
        filter: ListFilter,
        page: u32,
        per_page: u32,
    ) -> Result<Page<EditionSummary>> {
        let page = page.max(1);
        let filter_sql = match filter {
            ListFilter::Latest => "",
            ListFilter::Section(_) => "AND s.section_id = $4",
            ListFilter::Tag(_) => {
                "AND EXISTS (SELECT 1 FROM story_tags st WHERE st.story_id = s.id AND st.tag_id = $4)"
            }
            ListFilter::Author(_) => {
                "AND EXISTS (SELECT 1 FROM edition_authors ea WHERE ea.edition_id = e.id AND ea.author_id = $4)"
            }
        };
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} {SUMMARY_FROM}
             WHERE e.lang = $1 AND e.status = 'published' {filter_sql}
             ORDER BY e.published_at DESC, e.id DESC LIMIT $2 OFFSET $3"
        );
        let mut query = sqlx::query(&sql)
            .bind(lang.as_str())
            .bind(i64::from(per_page) + 1)
            .bind(i64::from(page - 1) * i64::from(per_page));
        if let ListFilter::Section(id) | ListFilter::Tag(id) | ListFilter::Author(id) = filter {
            query = query.bind(id);
        }
        let rows = query.fetch_all(&self.read).await?;
        let mut items = rows
            .iter()
            .map(summary_from_row)
            .collect::<Result<Vec<_>>>()?;
        let has_more = items.len() > per_page as usize;
        items.truncate(per_page as usize);
        self.fill_authors(lang, &mut items).await?;
        Ok(Page {
            items,
            page,
            has_more,
        })
    }

    /// A published edition by its language and slug.
    pub async fn article(&self, lang: Lang, slug: &str) -> Result<Option<Article>> {
        let sql = article_sql("e.lang = $1 AND e.slug = $2 AND e.status = 'published'");
        let query = sqlx::query(&sql).bind(lang.as_str()).bind(slug);
        let Some(mut article) = self.one_article(query).await? else {
            return Ok(None);
        };
        let tag_names = NAME_IN_LANG
            .replace("section_names", "tag_names")
            .replace("section_id", "tag_id");
        article.tags = sqlx::query_as(&format!(
            "SELECT x.id, x.slug, {tag_names} AS name FROM tags x
             JOIN story_tags st ON st.tag_id = x.id WHERE st.story_id = $2 ORDER BY x.id"
        ))
        .bind(lang.as_str())
        .bind(article.summary.story_id)
        .fetch_all(&self.read)
        .await?;
        article.other_editions = sqlx::query_as(
            "SELECT lang, slug, headline FROM editions
             WHERE story_id = $1 AND lang <> $2 AND status = 'published' ORDER BY lang",
        )
        .bind(article.summary.story_id)
        .bind(lang.as_str())
        .fetch_all(&self.read)
        .await?;
        Ok(Some(article))
    }

    /// The edition of an embedded discussion (docs/embed.md) as a thread
    /// shows it: headed by its host page's title, without tags or
    /// other editions.
    pub async fn embedded_article(&self, edition_id: i64) -> Result<Option<Article>> {
        let sql = article_sql("e.id = $1 AND e.status = 'embedded'");
        self.one_article(sqlx::query(&sql).bind(edition_id)).await
    }

    /// The article `query` (of `article_sql`) finds, with its byline.
    async fn one_article<'q>(
        &self,
        query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> Result<Option<Article>> {
        let Some(row) = query.fetch_optional(&self.read).await? else {
            return Ok(None);
        };
        let mut article = Article::from_row(&row)?;
        complete_summary(&mut article.summary, &row)?;
        let lang = article.summary.lang;
        self.fill_authors(lang, std::slice::from_mut(&mut article.summary))
            .await?;
        Ok(Some(article))
    }

    /// The current slug of the published edition that once had `slug`.
    pub async fn current_slug(&self, lang: Lang, retired_slug: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT e.slug FROM retired_slugs r JOIN editions e ON e.id = r.edition_id
             WHERE r.lang = $1 AND r.slug = $2 AND e.status = 'published'",
        )
        .bind(lang.as_str())
        .bind(retired_slug)
        .fetch_optional(&self.read)
        .await?)
    }

    /// An edition in any status.
    pub async fn edition(&self, edition_id: i64) -> Result<EditionRecord> {
        sqlx::query_as(&format!(
            "SELECT {RECORD_COLUMNS} FROM editions e WHERE e.id = $1"
        ))
        .bind(edition_id)
        .fetch_optional(&self.read)
        .await?
        .ok_or(StoreError::NotFound)
    }

    /// Every saved version of an edition, newest first.
    pub async fn revisions(&self, edition_id: i64) -> Result<Vec<Revision>> {
        Ok(sqlx::query_as(
            "SELECT revision, editor_id, saved_at, slug, headline, standfirst, body, dateline,
                 hero_caption, hero_credit, comment_mode, author_ids
             FROM revisions WHERE edition_id = $1 ORDER BY revision DESC",
        )
        .bind(edition_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// Loads the bylines of all `editions` in one query, and their comment
    /// counts in another.
    pub(crate) async fn fill_authors(
        &self,
        lang: Lang,
        editions: &mut [EditionSummary],
    ) -> Result<()> {
        if editions.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "SELECT ea.edition_id, x.* FROM edition_authors ea
             JOIN ({AUTHOR_SELECT}) x ON x.id = ea.author_id
             WHERE ea.edition_id IN ({}) ORDER BY ea.edition_id, ea.position",
            placeholders(2, editions.len())
        );
        let mut query = sqlx::query_as::<_, Byline>(&sql).bind(lang.as_str());
        for edition in editions.iter() {
            query = query.bind(edition.id);
        }
        let mut bylines: HashMap<i64, Vec<AuthorRef>> = HashMap::new();
        for byline in query.fetch_all(&self.read).await? {
            bylines
                .entry(byline.edition_id)
                .or_default()
                .push(byline.author);
        }
        let ids: Vec<i64> = editions.iter().map(|e| e.id).collect();
        let counts = self.comment_counts(&ids).await?;
        for edition in editions {
            edition.authors = bylines.remove(&edition.id).unwrap_or_default();
            edition.comment_count = counts.get(&edition.id).copied().unwrap_or(0);
        }
        Ok(())
    }
}

/// Authors with their name and bio in `$1`, or any language when missing.
const AUTHOR_SELECT: &str = "SELECT a.id, a.slug,
    COALESCE(p.name, (SELECT q.name FROM author_profiles q WHERE q.author_id = a.id ORDER BY q.lang LIMIT 1), a.slug) AS name,
    COALESCE(p.bio, '') AS bio
    FROM authors a LEFT JOIN author_profiles p ON p.author_id = a.id AND p.lang = $1";

/// A byline as [`Store::fill_authors`] reads it.
#[derive(FromRow)]
struct Byline {
    edition_id: i64,
    #[sqlx(flatten)]
    author: AuthorRef,
}

/// The columns of [`SUMMARY_COLUMNS`] that become a summary's section and
/// hero image.
#[derive(FromRow)]
struct SummaryParts {
    section_id: Option<i64>,
    section_slug: Option<String>,
    section_name: Option<String>,
    hero_image: Option<String>,
    hero_variants: Option<String>,
    hero_width: Option<i64>,
    hero_height: Option<i64>,
    hero_alt: Option<String>,
}

pub(crate) fn summary_from_row(row: &AnyRow) -> Result<EditionSummary> {
    let mut summary = EditionSummary::from_row(row)?;
    complete_summary(&mut summary, row)?;
    Ok(summary)
}

/// Sets the section and hero image of a summary read from `row`.
fn complete_summary(summary: &mut EditionSummary, row: &AnyRow) -> Result<()> {
    let parts = SummaryParts::from_row(row)?;
    summary.section = parts.section_id.map(|id| SectionRef {
        id,
        slug: parts.section_slug.unwrap_or_default(),
        name: parts.section_name.unwrap_or_default(),
    });
    summary.hero = match (parts.hero_variants, parts.hero_image) {
        (Some(variants), Some(image)) => {
            let width = u32::try_from(parts.hero_width.unwrap_or(0)).unwrap_or(0);
            let height = u32::try_from(parts.hero_height.unwrap_or(0)).unwrap_or(0);
            let variants: Vec<crate::MediaVariant> =
                serde_json::from_str(&variants).unwrap_or_default();
            Some(HeroMedia {
                width,
                height,
                srcset: crate::media::srcset(&variants, &image, width),
                alt: parts.hero_alt.unwrap_or_default(),
            })
        }
        _ => None,
    };
    Ok(())
}

impl Store {
    /// Editions in any status, most recently changed first, narrowed by
    /// `filter`: the newsroom's story list. Each comes with the languages
    /// its story has, and how far other editions have moved on since it
    /// last changed.
    pub async fn newsroom_editions(
        &self,
        filter: &NewsroomFilter,
        page: u32,
        per_page: u32,
    ) -> Result<Page<NewsroomEdition>> {
        let page = page.max(1);
        let (conditions, binds) = newsroom_conditions(filter);
        let filter_sql = where_clause(&conditions);
        let sql = format!(
            "SELECT {RECORD_COLUMNS}, s.section_id FROM editions e JOIN stories s ON s.id = e.story_id
             {filter_sql} ORDER BY e.updated_at DESC, e.id DESC LIMIT ${} OFFSET ${}",
            binds.len() + 1,
            binds.len() + 2
        );
        let rows = bind_all(sqlx::query(&sql), &binds)
            .bind(i64::from(per_page) + 1)
            .bind(i64::from(page - 1) * i64::from(per_page))
            .fetch_all(&self.read)
            .await?;
        let mut items = rows
            .iter()
            .map(NewsroomEdition::from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let has_more = items.len() > per_page as usize;
        items.truncate(per_page as usize);
        self.fill_translation_status(&mut items).await?;
        Ok(Page {
            items,
            page,
            has_more,
        })
    }

    /// The story list's page: `per_page` stories with an edition that
    /// `filter` lets through, the most recently changed first, each with
    /// all such editions, so a story's editions never split across pages.
    pub async fn newsroom_stories(
        &self,
        filter: &NewsroomFilter,
        page: u32,
        per_page: u32,
    ) -> Result<Page<NewsroomEdition>> {
        let page = page.max(1);
        let (mut conditions, binds) = newsroom_conditions(filter);
        let sql = format!(
            "SELECT e.story_id FROM editions e JOIN stories s ON s.id = e.story_id {}
             GROUP BY e.story_id ORDER BY MAX(e.updated_at) DESC, e.story_id DESC LIMIT ${} OFFSET ${}",
            where_clause(&conditions),
            binds.len() + 1,
            binds.len() + 2
        );
        let mut story_ids: Vec<i64> = bind_all(sqlx::query(&sql), &binds)
            .bind(i64::from(per_page) + 1)
            .bind(i64::from(page - 1) * i64::from(per_page))
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(|row| row.try_get(0))
            .collect::<Result<_, _>>()?;
        let has_more = story_ids.len() > per_page as usize;
        story_ids.truncate(per_page as usize);
        if story_ids.is_empty() {
            return Ok(Page {
                items: Vec::new(),
                page,
                has_more,
            });
        }
        // Ids read back from the database, so safe to write into the query.
        let listed = story_ids
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        conditions.push(format!("e.story_id IN ({listed})"));
        let sql = format!(
            "SELECT {RECORD_COLUMNS}, s.section_id FROM editions e JOIN stories s ON s.id = e.story_id
             {} ORDER BY e.updated_at DESC, e.id DESC",
            where_clause(&conditions)
        );
        let rows = bind_all(sqlx::query(&sql), &binds)
            .fetch_all(&self.read)
            .await?;
        let mut items = rows
            .iter()
            .map(NewsroomEdition::from_row)
            .collect::<Result<Vec<_>, _>>()?;
        // In the stories' order, so that grouping keeps it.
        items.sort_by_key(|item| story_ids.iter().position(|id| *id == item.record.story_id));
        self.fill_translation_status(&mut items).await?;
        Ok(Page {
            items,
            page,
            has_more,
        })
    }

    /// Two queries for the whole page: the languages of each story, and
    /// for each edition the revisions its siblings saved since it was
    /// last brought in line with them (`edition_sync`, kept by
    /// `Store::sync_edition`). Publishing changes no text, so it never
    /// puts a sibling behind.
    async fn fill_translation_status(&self, items: &mut [NewsroomEdition]) -> Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        let list = |ids: Vec<i64>| {
            ids.iter()
                .map(|id| id.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let story_ids = list(items.iter().map(|i| i.record.story_id).collect());
        let edition_ids = list(items.iter().map(|i| i.record.id).collect());
        let mut languages: HashMap<i64, Vec<Lang>> = HashMap::new();
        for edition in sqlx::query_as::<_, StoryLang>(&format!(
            "SELECT story_id, lang FROM editions WHERE story_id IN ({story_ids}) ORDER BY lang"
        ))
        .fetch_all(&self.read)
        .await?
        {
            languages
                .entry(edition.story_id)
                .or_default()
                .push(edition.lang);
        }
        let mut behind: HashMap<i64, Vec<Behind>> = HashMap::new();
        for row in sqlx::query_as::<_, BehindRow>(&format!(
            "SELECT o.id AS edition_id, me.lang AS lang,
                    me.revision - COALESCE(sync.sibling_revision, 1) AS revisions
             FROM editions o
             JOIN editions me ON me.story_id = o.story_id AND me.id <> o.id
             LEFT JOIN edition_sync sync ON sync.edition_id = o.id AND sync.sibling_id = me.id
             WHERE o.id IN ({edition_ids}) AND me.revision > COALESCE(sync.sibling_revision, 1)
             ORDER BY me.lang"
        ))
        .fetch_all(&self.read)
        .await?
        {
            behind.entry(row.edition_id).or_default().push(row.behind);
        }
        for item in items {
            item.story_languages = languages
                .get(&item.record.story_id)
                .cloned()
                .unwrap_or_default();
            item.behind = behind.remove(&item.record.id).unwrap_or_default();
        }
        Ok(())
    }
}

impl Store {
    /// The published editions with the most visible comments posted since
    /// `since`, busiest first: the newsroom's "most discussed".
    pub async fn most_discussed(&self, since: Timestamp, limit: u32) -> Result<Vec<Discussed>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {RECORD_COLUMNS}, c.comments FROM editions e
             JOIN (SELECT edition_id, COUNT(*) AS comments FROM comments
                   WHERE status = 'visible' AND created_at >= $1 GROUP BY edition_id) c
               ON c.edition_id = e.id
             WHERE e.status = 'published'
             ORDER BY c.comments DESC, e.id DESC LIMIT $2"
        ))
        .bind(crate::time::to_millis(since))
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await?)
    }
}

/// A published edition and how many comments it drew lately.
#[derive(Debug, Clone, PartialEq, Serialize, FromRow)]
pub struct Discussed {
    #[serde(flatten)]
    #[sqlx(flatten)]
    pub record: EditionRecord,
    pub comments: i64,
}

/// What the newsroom's story list is narrowed by.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewsroomFilter {
    /// One story's editions.
    pub story_id: Option<i64>,
    pub status: Option<EditionStatus>,
    pub lang: Option<Lang>,
    pub section_id: Option<i64>,
    pub author_id: Option<i64>,
    /// Words in the headline.
    pub query: Option<String>,
}

enum NewsroomBind {
    Text(String),
    Id(i64),
}

/// An edition on the newsroom's list, with its story's translation status.
#[derive(Debug, Clone, PartialEq, Serialize, FromRow)]
pub struct NewsroomEdition {
    #[serde(flatten)]
    #[sqlx(flatten)]
    pub record: EditionRecord,
    pub section_id: Option<i64>,
    /// Languages the story has an edition in (this one included).
    #[sqlx(skip)]
    pub story_languages: Vec<Lang>,
    /// Other editions that saved revisions since this one was last in
    /// line with them.
    #[sqlx(skip)]
    pub behind: Vec<Behind>,
}

/// "The `lang` edition has saved `revisions` revisions since this one
/// was last in line with it."
#[derive(Debug, Clone, PartialEq, Serialize, FromRow)]
pub struct Behind {
    #[sqlx(try_from = "String")]
    pub lang: Lang,
    pub revisions: i64,
}

/// An edition's language, by story.
#[derive(FromRow)]
struct StoryLang {
    story_id: i64,
    #[sqlx(try_from = "String")]
    lang: Lang,
}

/// How far an edition is behind another, by edition.
#[derive(FromRow)]
struct BehindRow {
    edition_id: i64,
    #[sqlx(flatten)]
    behind: Behind,
}

/// The conditions (numbered from `$1`) and their values that narrow the
/// newsroom's list by `filter`.
fn newsroom_conditions(filter: &NewsroomFilter) -> (Vec<String>, Vec<NewsroomBind>) {
    // Embedded discussions are stories of the host sites, not the newsroom's.
    let mut conditions = vec!["e.status <> 'embedded'".to_owned()];
    let mut binds: Vec<NewsroomBind> = Vec::new();
    let mut next = |bind: NewsroomBind, sql: &str, binds: &mut Vec<NewsroomBind>| {
        binds.push(bind);
        conditions.push(sql.replace('?', &format!("${}", binds.len())));
    };
    if let Some(story_id) = filter.story_id {
        next(NewsroomBind::Id(story_id), "e.story_id = ?", &mut binds);
    }
    if let Some(status) = &filter.status {
        next(
            NewsroomBind::Text(status.as_str().to_owned()),
            "e.status = ?",
            &mut binds,
        );
    }
    if let Some(lang) = filter.lang {
        next(
            NewsroomBind::Text(lang.as_str().to_owned()),
            "e.lang = ?",
            &mut binds,
        );
    }
    if let Some(section_id) = filter.section_id {
        next(NewsroomBind::Id(section_id), "s.section_id = ?", &mut binds);
    }
    if let Some(author_id) = filter.author_id {
        next(
            NewsroomBind::Id(author_id),
            "EXISTS (SELECT 1 FROM edition_authors ea WHERE ea.edition_id = e.id AND ea.author_id = ?)",
            &mut binds,
        );
    }
    if let Some(words) = filter
        .query
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
    {
        let escaped = words
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        next(
            NewsroomBind::Text(format!("%{}%", escaped.to_lowercase())),
            "LOWER(e.headline) LIKE ? ESCAPE '\\'",
            &mut binds,
        );
    }
    (conditions, binds)
}

fn where_clause(conditions: &[String]) -> String {
    if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    }
}

fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    binds: &[NewsroomBind],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for bind in binds {
        query = match bind {
            NewsroomBind::Text(text) => query.bind(text.clone()),
            NewsroomBind::Id(id) => query.bind(*id),
        };
    }
    query
}
