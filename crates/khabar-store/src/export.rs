//! The whole instance as documented records (docs/export.md), read in one
//! snapshot and handed out one at a time, parents before children, so a
//! writer can stream them and an importer can consume them in one pass.
//! Secrets (password hashes, sessions, tokens) are never read.

use std::collections::BTreeMap;

use futures_util::TryStreamExt;
use jiff::Timestamp;
use khabar_core::SiteOverrides;
use serde::{Deserialize, Serialize};
use sqlx::{Any, FromRow, Transaction};

use crate::media::MediaVariant;
use crate::row::{JsonText, MaybeMillis, Millis};
use crate::{Result, Store, StoreError};

/// The version of the format written first in every export.
pub const EXPORT_FORMAT_VERSION: u32 = 1;

/// How many parents (stories, comments) are read per query: memory stays
/// bounded whatever the instance's size.
const PAGE: i64 = 200;

/// One line of an export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExportRecord {
    /// Always first.
    KhabarExport(ExportHeader),
    Settings(ExportedSettings),
    User(ExportedUser),
    Section(ExportedTerm),
    Tag(ExportedTerm),
    Author(ExportedAuthor),
    Media(ExportedMedia),
    Story(ExportedStory),
    /// Boxed: by far the largest record.
    Edition(Box<ExportedEdition>),
    Comment(ExportedComment),
    Front(ExportedFront),
    Page(ExportedPage),
    LegacyPath(ExportedLegacyPath),
    /// Always last: an export without it was cut short.
    End(ExportEnd),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportHeader {
    pub version: u32,
    /// The exporting site's address: what an importer knows it by.
    pub site: String,
    pub exported_at: Timestamp,
}

/// What admins changed in the site settings, and the site icon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedSettings {
    pub overrides: SiteOverrides,
    pub icon: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, FromRow)]
pub struct ExportedUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub role: String,
    pub lang: String,
    #[sqlx(try_from = "Millis")]
    pub created_at: Timestamp,
    #[sqlx(try_from = "MaybeMillis")]
    pub email_verified_at: Option<Timestamp>,
    /// A deleted account: its name and address are placeholders.
    #[sqlx(try_from = "MaybeMillis")]
    pub deleted_at: Option<Timestamp>,
}

/// A section or a tag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedTerm {
    pub id: i64,
    pub slug: String,
    /// Sections only: their order in menus.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
    /// By language code.
    pub names: BTreeMap<String, String>,
}

/// A byline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedAuthor {
    pub id: i64,
    pub slug: String,
    /// The account writing under it, if any.
    pub user: Option<i64>,
    /// By language code.
    pub profiles: BTreeMap<String, ExportedProfile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedProfile {
    pub name: String,
    pub bio: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedMedia {
    pub id: i64,
    /// Under the media folder; its stem is the upload's content hash.
    pub path: String,
    pub content_type: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    pub variants: Vec<MediaVariant>,
    pub uploaded_by: Option<i64>,
    pub created_at: Timestamp,
    /// By language code.
    pub texts: BTreeMap<String, ExportedMediaText>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedMediaText {
    pub alt: String,
    pub caption: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedStory {
    pub id: i64,
    pub section: Option<i64>,
    pub tags: Vec<i64>,
    pub hero_image: Option<String>,
    pub created_at: Timestamp,
}

/// An edition as it is now, with every revision it went through.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedEdition {
    pub id: i64,
    pub story: i64,
    pub lang: String,
    pub status: String,
    pub published_at: Option<Timestamp>,
    pub scheduled_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// The current revision's number.
    pub revision: i64,
    #[serde(flatten)]
    pub content: ExportedContent,
    /// Oldest first; the last is the edition as it is now.
    pub revisions: Vec<ExportedRevision>,
    /// Its read counts ("most read"), by day.
    pub reads: Vec<ExportedReads>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, FromRow)]
pub struct ExportedReads {
    /// Days since the Unix epoch (UTC).
    pub day: i64,
    pub reads: i64,
}

/// What an editor writes in an edition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, FromRow)]
pub struct ExportedContent {
    pub slug: String,
    pub headline: String,
    pub standfirst: String,
    /// Markdown.
    pub body: String,
    pub dateline: String,
    pub hero_caption: String,
    pub hero_credit: String,
    pub comment_mode: String,
    /// Bylines, in order.
    #[sqlx(skip)]
    pub authors: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedRevision {
    pub revision: i64,
    pub editor: Option<i64>,
    pub saved_at: Timestamp,
    #[serde(flatten)]
    pub content: ExportedContent,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, FromRow)]
pub struct ExportedComment {
    pub id: i64,
    #[sqlx(rename = "edition_id")]
    pub edition: i64,
    #[sqlx(rename = "parent_id")]
    pub parent: Option<i64>,
    #[sqlx(rename = "author_id")]
    pub author: i64,
    /// The reader's text as stored (NFC, the comment-body policy applied).
    pub body: String,
    /// `visible`, `pending`, `rejected`, `shadowed` or `deleted`.
    pub status: String,
    #[sqlx(try_from = "Millis")]
    pub created_at: Timestamp,
    #[sqlx(try_from = "MaybeMillis")]
    pub edited_at: Option<Timestamp>,
    #[sqlx(try_from = "crate::row::Flag")]
    pub featured: bool,
    /// The readers its @mentions name (user ids).
    #[sqlx(skip)]
    pub mentions: Vec<i64>,
}

/// A language's front page as editors arranged it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedFront {
    pub lang: String,
    /// In order: the lead first.
    pub picks: Vec<ExportedPick>,
    pub breaking: Option<ExportedBreaking>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, FromRow)]
pub struct ExportedPick {
    #[sqlx(rename = "edition_id")]
    pub edition: i64,
    #[sqlx(try_from = "MaybeMillis")]
    pub pinned_until: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, FromRow)]
pub struct ExportedBreaking {
    pub text: String,
    #[sqlx(rename = "edition_id")]
    pub edition: Option<i64>,
    #[sqlx(try_from = "Millis")]
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, FromRow)]
pub struct ExportedPage {
    pub page: String,
    pub lang: String,
    pub title: String,
    /// Markdown.
    pub body: String,
    #[sqlx(try_from = "Millis")]
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, FromRow)]
pub struct ExportedLegacyPath {
    pub path: String,
    #[sqlx(rename = "edition_id")]
    pub edition: i64,
}

/// How many records of each kind came before.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExportEnd {
    pub counts: BTreeMap<String, u64>,
}

impl ExportRecord {
    /// Its `kind` as written.
    pub fn kind(&self) -> &'static str {
        match self {
            ExportRecord::KhabarExport(_) => "khabar_export",
            ExportRecord::Settings(_) => "settings",
            ExportRecord::User(_) => "user",
            ExportRecord::Section(_) => "section",
            ExportRecord::Tag(_) => "tag",
            ExportRecord::Author(_) => "author",
            ExportRecord::Media(_) => "media",
            ExportRecord::Story(_) => "story",
            ExportRecord::Edition(_) => "edition",
            ExportRecord::Comment(_) => "comment",
            ExportRecord::Front(_) => "front",
            ExportRecord::Page(_) => "page",
            ExportRecord::LegacyPath(_) => "legacy_path",
            ExportRecord::End(_) => "end",
        }
    }
}

#[derive(FromRow)]
struct EditionRow {
    id: i64,
    story_id: i64,
    lang: String,
    status: String,
    #[sqlx(try_from = "MaybeMillis")]
    published_at: Option<Timestamp>,
    #[sqlx(try_from = "MaybeMillis")]
    scheduled_at: Option<Timestamp>,
    #[sqlx(try_from = "Millis")]
    created_at: Timestamp,
    #[sqlx(try_from = "Millis")]
    updated_at: Timestamp,
    revision: i64,
    #[sqlx(flatten)]
    content: ExportedContent,
}

#[derive(FromRow)]
struct RevisionRow {
    edition_id: i64,
    revision: i64,
    editor_id: Option<i64>,
    #[sqlx(try_from = "Millis")]
    saved_at: Timestamp,
    #[sqlx(try_from = "JsonText")]
    author_ids: Vec<i64>,
    #[sqlx(flatten)]
    content: ExportedContent,
}

#[derive(FromRow)]
struct MediaRow {
    id: i64,
    path: String,
    content_type: String,
    #[sqlx(try_from = "crate::row::Unsigned")]
    width: u32,
    #[sqlx(try_from = "crate::row::Unsigned")]
    height: u32,
    #[sqlx(try_from = "crate::row::Unsigned")]
    bytes: u64,
    #[sqlx(try_from = "JsonText")]
    variants: Vec<MediaVariant>,
    uploaded_by: Option<i64>,
    #[sqlx(try_from = "Millis")]
    created_at: Timestamp,
}

const CONTENT: &str =
    "slug, headline, standfirst, body, dateline, hero_caption, hero_credit, comment_mode";

/// Editions of embedded discussions belong to another site's page, not
/// to this one's archive (docs/export.md).
const EXPORTED_EDITION: &str = "status <> 'embedded'";

impl Store {
    /// Hands every record of the instance to `emit`, in the order of
    /// docs/export.md, from one consistent snapshot. Stops at the first
    /// error `emit` returns.
    pub async fn export<E: From<StoreError>>(
        &self,
        site: &str,
        mut emit: impl FnMut(ExportRecord) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        let mut send = |record: ExportRecord| {
            *counts.entry(record.kind().to_owned()).or_default() += 1;
            emit(record)
        };
        let mut tx = self.snapshot().await?;
        send(ExportRecord::KhabarExport(ExportHeader {
            version: EXPORT_FORMAT_VERSION,
            site: site.to_owned(),
            exported_at: Timestamp::now(),
        }))?;
        let settings: Option<(String, Option<String>)> =
            sqlx::query_as("SELECT document, icon FROM site_settings WHERE id = 1")
                .fetch_optional(&mut *tx)
                .await
                .map_err(StoreError::from)?;
        if let Some((document, icon)) = settings {
            let overrides = serde_json::from_str(&document).unwrap_or_default();
            send(ExportRecord::Settings(ExportedSettings { overrides, icon }))?;
        }
        {
            let mut users = sqlx::query_as::<_, ExportedUser>(
                "SELECT id, username, display_name, email, role, lang, created_at,
                     email_verified_at, deleted_at FROM users ORDER BY id",
            )
            .fetch(&mut *tx);
            while let Some(user) = users.try_next().await.map_err(StoreError::from)? {
                send(ExportRecord::User(user))?;
            }
        }
        for (table, names) in [("sections", "section_names"), ("tags", "tag_names")] {
            let key = &table[..table.len() - 1];
            let position = if table == "sections" {
                "position"
            } else {
                "NULL"
            };
            let terms: Vec<(i64, String, Option<i64>)> = sqlx::query_as(&format!(
                "SELECT id, slug, {position} FROM {table} ORDER BY id"
            ))
            .fetch_all(&mut *tx)
            .await
            .map_err(StoreError::from)?;
            let mut all_names = by_owner(
                &mut tx,
                &format!("SELECT {key}_id, lang, name FROM {names} ORDER BY {key}_id, lang"),
            )
            .await?;
            for (id, slug, position) in terms {
                let term = ExportedTerm {
                    id,
                    slug,
                    position,
                    names: all_names.remove(&id).unwrap_or_default(),
                };
                send(if table == "sections" {
                    ExportRecord::Section(term)
                } else {
                    ExportRecord::Tag(term)
                })?;
            }
        }
        let authors: Vec<(i64, String, Option<i64>)> =
            sqlx::query_as("SELECT id, slug, user_id FROM authors ORDER BY id")
                .fetch_all(&mut *tx)
                .await
                .map_err(StoreError::from)?;
        let profiles: Vec<(i64, String, String, String)> = sqlx::query_as(
            "SELECT author_id, lang, name, bio FROM author_profiles ORDER BY author_id, lang",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        for (id, slug, user) in authors {
            let profiles = profiles
                .iter()
                .filter(|p| p.0 == id)
                .map(|(_, lang, name, bio)| {
                    let profile = ExportedProfile {
                        name: name.clone(),
                        bio: bio.clone(),
                    };
                    (lang.clone(), profile)
                })
                .collect();
            send(ExportRecord::Author(ExportedAuthor {
                id,
                slug,
                user,
                profiles,
            }))?;
        }
        let mut after = 0;
        loop {
            let media: Vec<MediaRow> = sqlx::query_as(
                "SELECT id, path, content_type, width, height, bytes, variants, uploaded_by,
                     created_at FROM media WHERE id > $1 ORDER BY id LIMIT $2",
            )
            .bind(after)
            .bind(PAGE)
            .fetch_all(&mut *tx)
            .await
            .map_err(StoreError::from)?;
            let Some(last) = media.last() else { break };
            after = last.id;
            let texts: Vec<(i64, String, String, String)> = sqlx::query_as(
                "SELECT media_id, lang, alt, caption FROM media_texts
                 WHERE media_id >= $1 AND media_id <= $2 ORDER BY media_id, lang",
            )
            .bind(media[0].id)
            .bind(after)
            .fetch_all(&mut *tx)
            .await
            .map_err(StoreError::from)?;
            for m in media {
                let texts = texts
                    .iter()
                    .filter(|t| t.0 == m.id)
                    .map(|(_, lang, alt, caption)| {
                        let text = ExportedMediaText {
                            alt: alt.clone(),
                            caption: caption.clone(),
                        };
                        (lang.clone(), text)
                    })
                    .collect();
                send(ExportRecord::Media(ExportedMedia {
                    id: m.id,
                    path: m.path,
                    content_type: m.content_type,
                    width: m.width,
                    height: m.height,
                    bytes: m.bytes,
                    variants: m.variants,
                    uploaded_by: m.uploaded_by,
                    created_at: m.created_at,
                    texts,
                }))?;
            }
        }
        export_stories(&mut tx, &mut send).await?;
        let mut after = 0;
        loop {
            let comments: Vec<ExportedComment> = sqlx::query_as(&format!(
                "SELECT c.id, c.edition_id, c.parent_id, c.author_id, c.body, c.status,
                     c.created_at, c.edited_at, c.featured
                 FROM comments c JOIN editions e ON e.id = c.edition_id
                 WHERE c.id > $1 AND e.{EXPORTED_EDITION} ORDER BY c.id LIMIT $2"
            ))
            .bind(after)
            .bind(PAGE)
            .fetch_all(&mut *tx)
            .await
            .map_err(StoreError::from)?;
            let (Some(first), Some(last)) = (comments.first(), comments.last()) else {
                break;
            };
            let mentions: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT comment_id, user_id FROM comment_mentions
                 WHERE comment_id >= $1 AND comment_id <= $2 ORDER BY comment_id, user_id",
            )
            .bind(first.id)
            .bind(last.id)
            .fetch_all(&mut *tx)
            .await
            .map_err(StoreError::from)?;
            after = last.id;
            for mut comment in comments {
                comment.mentions = mentions
                    .iter()
                    .filter(|(c, _)| *c == comment.id)
                    .map(|(_, user)| *user)
                    .collect();
                send(ExportRecord::Comment(comment))?;
            }
        }
        let langs: Vec<String> = sqlx::query_scalar(
            "SELECT lang FROM front_picks UNION SELECT lang FROM front_breaking ORDER BY 1",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        for lang in langs {
            let picks: Vec<ExportedPick> = sqlx::query_as(
                "SELECT edition_id, pinned_until FROM front_picks WHERE lang = $1 ORDER BY position",
            )
            .bind(&lang)
            .fetch_all(&mut *tx)
            .await
            .map_err(StoreError::from)?;
            let breaking: Option<ExportedBreaking> = sqlx::query_as(
                "SELECT text, edition_id, expires_at FROM front_breaking WHERE lang = $1",
            )
            .bind(&lang)
            .fetch_optional(&mut *tx)
            .await
            .map_err(StoreError::from)?;
            send(ExportRecord::Front(ExportedFront {
                lang,
                picks,
                breaking,
            }))?;
        }
        let pages: Vec<ExportedPage> = sqlx::query_as(
            "SELECT page, lang, title, body, updated_at FROM static_pages ORDER BY page, lang",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        for page in pages {
            send(ExportRecord::Page(page))?;
        }
        let paths: Vec<ExportedLegacyPath> =
            sqlx::query_as("SELECT path, edition_id FROM legacy_paths ORDER BY path")
                .fetch_all(&mut *tx)
                .await
                .map_err(StoreError::from)?;
        for path in paths {
            send(ExportRecord::LegacyPath(path))?;
        }
        emit(ExportRecord::End(ExportEnd { counts }))
    }
}

/// Stories, each followed by its editions (with their revisions), a page
/// of stories at a time.
async fn export_stories<E: From<StoreError>>(
    tx: &mut Transaction<'static, Any>,
    send: &mut impl FnMut(ExportRecord) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let mut after = 0;
    loop {
        let stories: Vec<(i64, Option<i64>, Option<String>, i64)> = sqlx::query_as(
            "SELECT id, section_id, hero_image, created_at FROM stories
             WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(PAGE)
        .fetch_all(&mut **tx)
        .await
        .map_err(StoreError::from)?;
        let (Some(first), Some(last)) = (stories.first(), stories.last()) else {
            return Ok(());
        };
        let (from, to) = (first.0, last.0);
        after = to;
        let tags: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT story_id, tag_id FROM story_tags WHERE story_id >= $1 AND story_id <= $2
             ORDER BY story_id, tag_id",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&mut **tx)
        .await
        .map_err(StoreError::from)?;
        let editions: Vec<EditionRow> = sqlx::query_as(&format!(
            "SELECT id, story_id, lang, status, published_at, scheduled_at, created_at,
                 updated_at, revision, {CONTENT}
             FROM editions WHERE story_id >= $1 AND story_id <= $2 AND {EXPORTED_EDITION}
             ORDER BY story_id, id"
        ))
        .bind(from)
        .bind(to)
        .fetch_all(&mut **tx)
        .await
        .map_err(StoreError::from)?;
        let bylines: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT a.edition_id, a.author_id FROM edition_authors a
             JOIN editions e ON e.id = a.edition_id
             WHERE e.story_id >= $1 AND e.story_id <= $2 ORDER BY a.edition_id, a.position",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&mut **tx)
        .await
        .map_err(StoreError::from)?;
        let revisions: Vec<RevisionRow> = sqlx::query_as(&format!(
            "SELECT r.edition_id, r.revision, r.editor_id, r.saved_at, r.author_ids,
                 r.slug, r.headline, r.standfirst, r.body, r.dateline, r.hero_caption,
                 r.hero_credit, r.comment_mode
             FROM revisions r JOIN editions e ON e.id = r.edition_id
             WHERE e.story_id >= $1 AND e.story_id <= $2 AND e.{EXPORTED_EDITION}
             ORDER BY r.edition_id, r.revision"
        ))
        .bind(from)
        .bind(to)
        .fetch_all(&mut **tx)
        .await
        .map_err(StoreError::from)?;
        let reads: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT r.edition_id, r.day, r.reads FROM edition_reads r
             JOIN editions e ON e.id = r.edition_id
             WHERE e.story_id >= $1 AND e.story_id <= $2 ORDER BY r.edition_id, r.day",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&mut **tx)
        .await
        .map_err(StoreError::from)?;
        for (id, section, hero_image, created_at) in stories {
            let own: Vec<&EditionRow> = editions.iter().filter(|e| e.story_id == id).collect();
            if own.is_empty() {
                // An embedded discussion's story, or one being written.
                continue;
            }
            send(ExportRecord::Story(ExportedStory {
                id,
                section,
                tags: tags
                    .iter()
                    .filter(|(story, _)| *story == id)
                    .map(|(_, tag)| *tag)
                    .collect(),
                hero_image,
                created_at: crate::time::from_millis(created_at),
            }))?;
            for edition in own {
                let mut content = edition.content.clone();
                content.authors = bylines
                    .iter()
                    .filter(|(e, _)| *e == edition.id)
                    .map(|(_, author)| *author)
                    .collect();
                let revisions = revisions
                    .iter()
                    .filter(|r| r.edition_id == edition.id)
                    .map(|r| ExportedRevision {
                        revision: r.revision,
                        editor: r.editor_id,
                        saved_at: r.saved_at,
                        content: ExportedContent {
                            authors: r.author_ids.clone(),
                            ..r.content.clone()
                        },
                    })
                    .collect();
                send(ExportRecord::Edition(Box::new(ExportedEdition {
                    id: edition.id,
                    story: edition.story_id,
                    lang: edition.lang.clone(),
                    status: edition.status.clone(),
                    published_at: edition.published_at,
                    scheduled_at: edition.scheduled_at,
                    created_at: edition.created_at,
                    updated_at: edition.updated_at,
                    revision: edition.revision,
                    content,
                    revisions,
                    reads: reads
                        .iter()
                        .filter(|(e, _, _)| *e == edition.id)
                        .map(|(_, day, reads)| ExportedReads {
                            day: *day,
                            reads: *reads,
                        })
                        .collect(),
                })))?;
            }
        }
    }
}

/// `(owner id, lang, name)` rows as names by language, by owner.
async fn by_owner(
    tx: &mut Transaction<'static, Any>,
    sql: &str,
) -> Result<BTreeMap<i64, BTreeMap<String, String>>> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(sql).fetch_all(&mut **tx).await?;
    let mut names: BTreeMap<i64, BTreeMap<String, String>> = BTreeMap::new();
    for (owner, lang, name) in rows {
        names.entry(owner).or_default().insert(lang, name);
    }
    Ok(names)
}
