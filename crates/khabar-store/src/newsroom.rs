//! What the newsroom's editor reads and writes beyond the editing itself:
//! a story with every edition in full, whose byline an account is in,
//! restoring a revision, and people's roles.

use jiff::Timestamp;
use khabar_core::{CommentMode, EditionContent, EditionInput, EditionStatus, Lang, Role};
use serde::Serialize;
use sqlx::FromRow;

use crate::reading::RECORD_COLUMNS;
use crate::row::{MaybeMillis, Millis};
use crate::{Result, Store, StoreError};

/// An edition in any status with everything the editor shows.
#[derive(Debug, Clone, PartialEq, Serialize, FromRow)]
pub struct EditionDraft {
    pub id: i64,
    pub story_id: i64,
    #[sqlx(try_from = "String")]
    pub lang: Lang,
    pub slug: String,
    pub headline: String,
    pub standfirst: String,
    /// Markdown.
    pub body: String,
    pub dateline: String,
    pub hero_caption: String,
    pub hero_credit: String,
    pub comment_mode: String,
    #[sqlx(try_from = "String")]
    pub status: EditionStatus,
    /// Send it back with the next save: a stale number is refused.
    pub revision: i64,
    #[sqlx(try_from = "MaybeMillis")]
    pub scheduled_at: Option<Timestamp>,
    #[sqlx(try_from = "MaybeMillis")]
    pub published_at: Option<Timestamp>,
    #[sqlx(try_from = "Millis")]
    pub updated_at: Timestamp,
    #[sqlx(skip)]
    pub author_ids: Vec<i64>,
}

/// A story and all its editions.
#[derive(Debug, Clone, PartialEq, Serialize, FromRow)]
pub struct StoryRecord {
    pub id: i64,
    pub section_id: Option<i64>,
    #[sqlx(skip)]
    pub tag_ids: Vec<i64>,
    pub hero_image: Option<String>,
    #[sqlx(skip)]
    pub editions: Vec<EditionDraft>,
}

/// What a draft reads beyond an edition's record columns, from `editions e`.
const DRAFT_TEXT_COLUMNS: &str =
    "e.standfirst, e.body, e.dateline, e.hero_caption, e.hero_credit, e.comment_mode";

impl Store {
    /// An edition in any status, in full.
    pub async fn edition_draft(&self, edition_id: i64) -> Result<EditionDraft> {
        let mut draft: EditionDraft = sqlx::query_as(&format!(
            "SELECT {RECORD_COLUMNS}, {DRAFT_TEXT_COLUMNS} FROM editions e WHERE e.id = $1"
        ))
        .bind(edition_id)
        .fetch_optional(&self.read)
        .await?
        .ok_or(StoreError::NotFound)?;
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
        let mut story: StoryRecord =
            sqlx::query_as("SELECT id, section_id, hero_image FROM stories WHERE id = $1")
                .bind(story_id)
                .fetch_optional(&self.read)
                .await?
                .ok_or(StoreError::NotFound)?;
        // Two queries whatever the number of editions: their columns, then
        // every byline of the story.
        let mut editions: Vec<EditionDraft> = sqlx::query_as(&format!(
            "SELECT {RECORD_COLUMNS}, {DRAFT_TEXT_COLUMNS} FROM editions e
             WHERE e.story_id = $1 ORDER BY e.lang"
        ))
        .bind(story_id)
        .fetch_all(&self.read)
        .await?;
        let bylines: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT ea.edition_id, ea.author_id FROM edition_authors ea
             JOIN editions e ON e.id = ea.edition_id
             WHERE e.story_id = $1 ORDER BY ea.edition_id, ea.position",
        )
        .bind(story_id)
        .fetch_all(&self.read)
        .await?;
        for (edition_id, author_id) in bylines {
            if let Some(edition) = editions.iter_mut().find(|e| e.id == edition_id) {
                edition.author_ids.push(author_id);
            }
        }
        story.tag_ids =
            sqlx::query_scalar("SELECT tag_id FROM story_tags WHERE story_id = $1 ORDER BY tag_id")
                .bind(story_id)
                .fetch_all(&self.read)
                .await?;
        story.editions = editions;
        Ok(story)
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
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
            .bind(role.as_str())
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        crate::events::account_changed(&mut tx, self, user_id).await?;
        self.commit_logged(tx).await
    }
}

impl Store {
    /// Records edition `edition_id` and each of its siblings as in line
    /// with one another as they stand now: it with their current
    /// revisions, they with its own. A new edition (a translation of where
    /// the others stood) and an edition an editor marks as updated both
    /// end up here.
    pub async fn sync_edition(&self, edition_id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        for sql in [
            // This edition, in line with each sibling's revision…
            "INSERT INTO edition_sync (edition_id, sibling_id, sibling_revision)
             SELECT me.id, s.id, s.revision FROM editions me
             JOIN editions s ON s.story_id = me.story_id AND s.id <> me.id
             WHERE me.id = $1
             ON CONFLICT (edition_id, sibling_id) DO UPDATE SET sibling_revision = excluded.sibling_revision",
            // …and each sibling in line with this edition's.
            "INSERT INTO edition_sync (edition_id, sibling_id, sibling_revision)
             SELECT s.id, me.id, me.revision FROM editions me
             JOIN editions s ON s.story_id = me.story_id AND s.id <> me.id
             WHERE me.id = $1
             ON CONFLICT (edition_id, sibling_id) DO UPDATE SET sibling_revision = excluded.sibling_revision",
        ] {
            sqlx::query(sql).bind(edition_id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
