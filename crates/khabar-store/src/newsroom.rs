//! What the newsroom's editor reads and writes beyond the editing itself:
//! a story with every edition in full, whose byline an account is in,
//! restoring a revision, and people's roles.

use jiff::Timestamp;
use khabar_core::{CommentMode, EditionContent, EditionInput, Role};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::time::from_millis;
use crate::{Result, Store, StoreError};

/// An edition in any status with everything the editor shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EditionDraft {
    pub id: i64,
    pub story_id: i64,
    pub lang: String,
    pub slug: String,
    pub headline: String,
    pub standfirst: String,
    /// Markdown.
    pub body: String,
    pub dateline: String,
    pub hero_caption: String,
    pub hero_credit: String,
    pub comment_mode: String,
    pub status: String,
    /// Send it back with the next save: a stale number is refused.
    pub revision: i64,
    pub scheduled_at: Option<Timestamp>,
    pub published_at: Option<Timestamp>,
    pub updated_at: Timestamp,
    pub author_ids: Vec<i64>,
}

/// A story and all its editions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoryRecord {
    pub id: i64,
    pub section_id: Option<i64>,
    pub tag_ids: Vec<i64>,
    pub hero_image: Option<String>,
    pub editions: Vec<EditionDraft>,
}

const DRAFT_COLUMNS: &str = "id, story_id, lang, slug, headline, standfirst, body, dateline,
    hero_caption, hero_credit, comment_mode, status, revision, scheduled_at, published_at, updated_at";

impl Store {
    /// An edition in any status, in full.
    pub async fn edition_draft(&self, edition_id: i64) -> Result<EditionDraft> {
        let row = sqlx::query(&format!(
            "SELECT {DRAFT_COLUMNS} FROM editions WHERE id = $1"
        ))
        .bind(edition_id)
        .fetch_optional(&self.read)
        .await?
        .ok_or(StoreError::NotFound)?;
        let mut draft = draft_from_row(&row)?;
        draft.author_ids = sqlx::query_scalar(
            "SELECT author_id FROM edition_authors WHERE edition_id = $1 ORDER BY position",
        )
        .bind(edition_id)
        .fetch_all(&self.read)
        .await?;
        Ok(draft)
    }

    /// A story with its editions, ordered by language.
    pub async fn story_record(&self, story_id: i64) -> Result<StoryRecord> {
        let row = sqlx::query("SELECT id, section_id, hero_image FROM stories WHERE id = $1")
            .bind(story_id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound)?;
        // Two queries whatever the number of editions: their columns, then
        // every byline of the story.
        let rows = sqlx::query(&format!(
            "SELECT {DRAFT_COLUMNS} FROM editions WHERE story_id = $1 ORDER BY lang"
        ))
        .bind(story_id)
        .fetch_all(&self.read)
        .await?;
        let mut editions = rows
            .iter()
            .map(draft_from_row)
            .collect::<Result<Vec<_>>>()?;
        let bylines = sqlx::query(
            "SELECT ea.edition_id, ea.author_id FROM edition_authors ea
             JOIN editions e ON e.id = ea.edition_id
             WHERE e.story_id = $1 ORDER BY ea.edition_id, ea.position",
        )
        .bind(story_id)
        .fetch_all(&self.read)
        .await?;
        for byline in &bylines {
            let edition_id: i64 = byline.try_get("edition_id")?;
            if let Some(edition) = editions.iter_mut().find(|e| e.id == edition_id) {
                edition.author_ids.push(byline.try_get("author_id")?);
            }
        }
        Ok(StoryRecord {
            id: row.try_get("id")?,
            section_id: row.try_get("section_id")?,
            tag_ids: sqlx::query_scalar(
                "SELECT tag_id FROM story_tags WHERE story_id = $1 ORDER BY tag_id",
            )
            .bind(story_id)
            .fetch_all(&self.read)
            .await?,
            hero_image: row.try_get("hero_image")?,
            editions,
        })
    }

    /// Deletes a story that has no edition (a creation that failed half
    /// way); a story with editions is left alone.
    pub async fn delete_empty_story(&self, story_id: i64) -> Result<()> {
        sqlx::query(
            "DELETE FROM stories WHERE id = $1
             AND NOT EXISTS (SELECT 1 FROM editions WHERE story_id = $1)",
        )
        .bind(story_id)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// The author profiles an account writes as.
    pub async fn bylines_of(&self, user_id: i64) -> Result<Vec<i64>> {
        Ok(
            sqlx::query_scalar("SELECT id FROM authors WHERE user_id = $1 ORDER BY id")
                .bind(user_id)
                .fetch_all(&self.read)
                .await?,
        )
    }

    /// Saves revision `revision`'s content as the edition's next revision,
    /// over `expected_revision` (refused as a conflict when stale). With
    /// `keep_byline`, the byline stays as given instead of the revision's;
    /// with `only_draft`, a save to an edition past draft is refused.
    pub async fn restore_revision(
        &self,
        edition_id: i64,
        revision: i64,
        expected_revision: i64,
        editor_id: Option<i64>,
        keep_byline: Option<&[i64]>,
        only_draft: bool,
    ) -> Result<i64> {
        let old = self
            .revisions(edition_id)
            .await?
            .into_iter()
            .find(|r| r.revision == revision)
            .ok_or(StoreError::NotFound)?;
        let content = EditionContent::parse(EditionInput {
            slug: Some(old.slug),
            headline: old.headline,
            standfirst: old.standfirst,
            body: old.body,
            dateline: old.dateline,
            hero_caption: old.hero_caption,
            hero_credit: old.hero_credit,
            comment_mode: CommentMode::parse(&old.comment_mode).unwrap_or_default(),
        })?;
        let byline = keep_byline.unwrap_or(&old.author_ids);
        if only_draft {
            self.update_draft(edition_id, expected_revision, &content, byline, editor_id)
                .await
        } else {
            self.update_edition(edition_id, expected_revision, &content, byline, editor_id)
                .await
        }
    }

    /// Gives an account another role.
    pub async fn set_role(&self, user_id: i64, role: Role) -> Result<()> {
        let updated = sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
            .bind(role.as_str())
            .bind(user_id)
            .execute(&self.write)
            .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}

fn draft_from_row(row: &AnyRow) -> Result<EditionDraft> {
    let time = |name: &str| -> Result<Option<Timestamp>> {
        Ok(row.try_get::<Option<i64>, _>(name)?.map(from_millis))
    };
    Ok(EditionDraft {
        id: row.try_get("id")?,
        story_id: row.try_get("story_id")?,
        lang: row.try_get("lang")?,
        slug: row.try_get("slug")?,
        headline: row.try_get("headline")?,
        standfirst: row.try_get("standfirst")?,
        body: row.try_get("body")?,
        dateline: row.try_get("dateline")?,
        hero_caption: row.try_get("hero_caption")?,
        hero_credit: row.try_get("hero_credit")?,
        comment_mode: row.try_get("comment_mode")?,
        status: row.try_get("status")?,
        revision: row.try_get("revision")?,
        scheduled_at: time("scheduled_at")?,
        published_at: time("published_at")?,
        updated_at: from_millis(row.try_get("updated_at")?),
        author_ids: Vec::new(),
    })
}
