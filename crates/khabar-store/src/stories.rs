//! Writing stories and editions. Every change keeps its revision and writes
//! its event in the same transaction.

use jiff::Timestamp;
use khabar_core::{
    EditionContent, EditionStatus, EventKind, HeroImage, InvalidInput, Lang, StatusChange,
    change_status,
};
use serde_json::json;
use sqlx::{Any, Transaction};

use crate::events::{self, NewEvent};
use crate::time::{now_millis, to_millis};
use crate::{Result, Store, StoreError};

pub struct NewStory<'a> {
    pub section_id: Option<i64>,
    pub tag_ids: &'a [i64],
    pub hero_image: Option<&'a HeroImage>,
}

impl Store {
    pub async fn create_story(&self, story: NewStory<'_>) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let now = now_millis();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO stories (section_id, hero_image, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id",
        )
        .bind(story.section_id)
        .bind(story.hero_image.map(|h| h.as_str().to_owned()))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        for tag_id in story.tag_ids {
            sqlx::query("INSERT INTO story_tags (story_id, tag_id) VALUES ($1, $2)")
                .bind(id)
                .bind(tag_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// Moves a story to another section, gives it other tags or another
    /// hero image. Each of its editions logs an `edition.edited` event, so
    /// search and caches that follow the log see the change.
    pub async fn update_story(
        &self,
        story_id: i64,
        story: NewStory<'_>,
        actor_id: Option<i64>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE stories SET section_id = $1, hero_image = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(story.section_id)
        .bind(story.hero_image.map(|h| h.as_str().to_owned()))
        .bind(now_millis())
        .bind(story_id)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM story_tags WHERE story_id = $1")
            .bind(story_id)
            .execute(&mut *tx)
            .await?;
        for tag_id in story.tag_ids {
            sqlx::query("INSERT INTO story_tags (story_id, tag_id) VALUES ($1, $2)")
                .bind(story_id)
                .bind(tag_id)
                .execute(&mut *tx)
                .await?;
        }
        let editions: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, lang FROM editions WHERE story_id = $1")
                .bind(story_id)
                .fetch_all(&mut *tx)
                .await?;
        let payload = json!({ "story": true });
        for (edition_id, lang) in editions {
            let event = NewEvent::edition(
                EventKind::EditionEdited,
                story_id,
                edition_id,
                Lang::parse(&lang)?,
                actor_id,
                &payload,
            );
            events::record(&mut tx, self, event).await?;
        }
        self.commit_logged(tx).await?;
        Ok(())
    }

    /// Adds a story's edition in `lang` as a draft (revision 1).
    pub async fn create_edition(
        &self,
        story_id: i64,
        lang: Lang,
        content: &EditionContent,
        author_ids: &[i64],
        editor_id: Option<i64>,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let existing: Option<i64> =
            sqlx::query_scalar("SELECT id FROM editions WHERE story_id = $1 AND lang = $2")
                .bind(story_id)
                .bind(lang.as_str())
                .fetch_optional(&mut *tx)
                .await?;
        if existing.is_some() {
            return Err(StoreError::Taken {
                what: "this story's edition in that language",
            });
        }
        let now = now_millis();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO editions (story_id, lang, slug, headline, standfirst, body, dateline,
                 hero_caption, hero_credit, comment_mode, status, updated_at, created_at, revision)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, 1) RETURNING id",
        )
        .bind(story_id)
        .bind(lang.as_str())
        .bind(content.slug.as_str())
        .bind(&content.headline)
        .bind(&content.standfirst)
        .bind(&content.body)
        .bind(&content.dateline)
        .bind(&content.hero_caption)
        .bind(&content.hero_credit)
        .bind(content.comment_mode.as_str())
        .bind(EditionStatus::Draft.as_str())
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::taken_if_unique(e, "slug"))?;
        claim_slug(&mut tx, lang, content.slug.as_str()).await?;
        set_authors(&mut tx, id, author_ids).await?;
        insert_revision(&mut tx, id, 1, editor_id, content, author_ids, now).await?;
        let payload = json!({ "slug": content.slug.as_str(), "revision": 1 });
        let event = NewEvent::edition(
            EventKind::EditionCreated,
            story_id,
            id,
            lang,
            editor_id,
            &payload,
        );
        events::record(&mut tx, self, event).await?;
        self.commit_logged(tx).await?;
        Ok(id)
    }

    /// Saves new content over revision `expected_revision`; refused with
    /// [`StoreError::Conflict`] when someone saved in between. Returns the
    /// new revision number.
    pub async fn update_edition(
        &self,
        edition_id: i64,
        expected_revision: i64,
        content: &EditionContent,
        author_ids: &[i64],
        editor_id: Option<i64>,
    ) -> Result<i64> {
        self.save_edition(
            edition_id,
            expected_revision,
            content,
            author_ids,
            editor_id,
            false,
        )
        .await
    }

    /// [`Store::update_edition`] that is also refused, as a conflict, once
    /// the edition has left draft — even if that happened after the caller
    /// looked: an author's save cannot slip in after an editor's publish.
    pub async fn update_draft(
        &self,
        edition_id: i64,
        expected_revision: i64,
        content: &EditionContent,
        author_ids: &[i64],
        editor_id: Option<i64>,
    ) -> Result<i64> {
        self.save_edition(
            edition_id,
            expected_revision,
            content,
            author_ids,
            editor_id,
            true,
        )
        .await
    }

    async fn save_edition(
        &self,
        edition_id: i64,
        expected_revision: i64,
        content: &EditionContent,
        author_ids: &[i64],
        editor_id: Option<i64>,
        only_draft: bool,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let (story_id, lang, _) = edition_identity(&mut tx, edition_id).await?;
        let now = now_millis();
        // No edition reaches i64::MAX revisions: a client claiming one is
        // simply out of date.
        let revision = expected_revision
            .checked_add(1)
            .ok_or(StoreError::Conflict)?;
        let (old_slug, was_public): (String, Option<i64>) =
            sqlx::query_as("SELECT slug, published_at FROM editions WHERE id = $1")
                .bind(edition_id)
                .fetch_one(&mut *tx)
                .await?;
        let updated = sqlx::query(
            "UPDATE editions SET slug = $1, headline = $2, standfirst = $3, body = $4, dateline = $5,
                 hero_caption = $6, hero_credit = $7, comment_mode = $8, updated_at = $9, revision = $10
             WHERE id = $11 AND revision = $12 AND ($13 = 0 OR status = 'draft')",
        )
        .bind(content.slug.as_str())
        .bind(&content.headline)
        .bind(&content.standfirst)
        .bind(&content.body)
        .bind(&content.dateline)
        .bind(&content.hero_caption)
        .bind(&content.hero_credit)
        .bind(content.comment_mode.as_str())
        .bind(now)
        .bind(revision)
        .bind(edition_id)
        .bind(expected_revision)
        .bind(i64::from(only_draft))
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::taken_if_unique(e, "slug"))?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        if was_public.is_some() && old_slug != content.slug.as_str() {
            retire_slug(&mut tx, lang, &old_slug, edition_id, now).await?;
        }
        claim_slug(&mut tx, lang, content.slug.as_str()).await?;
        set_authors(&mut tx, edition_id, author_ids).await?;
        insert_revision(
            &mut tx, edition_id, revision, editor_id, content, author_ids, now,
        )
        .await?;
        let payload = json!({ "slug": content.slug.as_str(), "revision": revision });
        let event = NewEvent::edition(
            EventKind::EditionEdited,
            story_id,
            edition_id,
            lang,
            editor_id,
            &payload,
        );
        events::record(&mut tx, self, event).await?;
        self.commit_logged(tx).await?;
        Ok(revision)
    }

    /// Publishes an edition as of `at` (normally now). The first
    /// publication time is kept when an edition is published again.
    pub async fn publish_edition(
        &self,
        edition_id: i64,
        at: Timestamp,
        actor_id: Option<i64>,
    ) -> Result<()> {
        self.publish_editions(&[edition_id], at, actor_id).await
    }

    /// Schedules an edition to go live at `at`, which must be in the future.
    pub async fn schedule_edition(
        &self,
        edition_id: i64,
        at: Timestamp,
        actor_id: Option<i64>,
    ) -> Result<()> {
        self.schedule_editions(&[edition_id], at, actor_id).await
    }

    pub async fn unpublish_edition(&self, edition_id: i64, actor_id: Option<i64>) -> Result<()> {
        self.change_status(
            edition_id,
            StatusChange::Unpublish,
            Timestamp::now(),
            actor_id,
        )
        .await
    }

    /// Publishes every scheduled edition whose time has come. Each is
    /// claimed by a guarded update, so two workers never both publish one.
    pub async fn publish_due(&self, now: Timestamp) -> Result<Vec<i64>> {
        let due: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM editions WHERE status = 'scheduled' AND scheduled_at <= $1 ORDER BY scheduled_at LIMIT 100",
        )
        .bind(to_millis(now))
        .fetch_all(&self.write)
        .await?;
        let mut published = Vec::with_capacity(due.len());
        for edition_id in due {
            match self
                .change_status(edition_id, StatusChange::Publish, now, None)
                .await
            {
                Ok(()) => published.push(edition_id),
                // Someone else got there first, or an editor changed it.
                Err(StoreError::Invalid(_) | StoreError::NotFound | StoreError::Conflict) => {}
                Err(other) => return Err(other),
            }
        }
        Ok(published)
    }

    /// Publishes several editions as of `at` in one transaction: all go
    /// live, or none does (one that may not be published refuses them all).
    pub async fn publish_editions(
        &self,
        edition_ids: &[i64],
        at: Timestamp,
        actor_id: Option<i64>,
    ) -> Result<()> {
        self.change_statuses(edition_ids, StatusChange::Publish, at, actor_id)
            .await
    }

    /// Schedules several editions for `at` in one transaction, all or none.
    pub async fn schedule_editions(
        &self,
        edition_ids: &[i64],
        at: Timestamp,
        actor_id: Option<i64>,
    ) -> Result<()> {
        if at <= Timestamp::now() {
            return Err(InvalidInput::new(
                "scheduled_at",
                "not_in_future",
                "a scheduled time must be in the future",
            )
            .into());
        }
        self.change_statuses(edition_ids, StatusChange::Schedule, at, actor_id)
            .await
    }

    async fn change_status(
        &self,
        edition_id: i64,
        change: StatusChange,
        at: Timestamp,
        actor_id: Option<i64>,
    ) -> Result<()> {
        self.change_statuses(&[edition_id], change, at, actor_id)
            .await
    }

    /// Changes each edition's status and logs its event in one
    /// transaction; the first refusal rolls back the others.
    async fn change_statuses(
        &self,
        edition_ids: &[i64],
        change: StatusChange,
        at: Timestamp,
        actor_id: Option<i64>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        for &edition_id in edition_ids {
            change_status_in(&mut tx, self, edition_id, change, at, actor_id).await?;
        }
        self.commit_logged(tx).await?;
        Ok(())
    }
}

async fn change_status_in(
    tx: &mut Transaction<'static, Any>,
    store: &Store,
    edition_id: i64,
    change: StatusChange,
    at: Timestamp,
    actor_id: Option<i64>,
) -> Result<()> {
    let (story_id, lang, from) = edition_identity(tx, edition_id).await?;
    let to = change_status(from, change)?;
    let at_ms = to_millis(at);
    let query = match change {
        StatusChange::Publish => sqlx::query(
            // The first publication is the first public version: until
            // then `updated_at` follows it, so "updated" only ever means
            // changed after readers could see it.
            "UPDATE editions SET status = $1, published_at = COALESCE(published_at, $2),
                 updated_at = CASE WHEN published_at IS NULL THEN $2 ELSE updated_at END, scheduled_at = NULL
             WHERE id = $3 AND status = $4",
        )
        .bind(to.as_str())
        .bind(at_ms),
        StatusChange::Schedule => sqlx::query(
            "UPDATE editions SET status = $1, scheduled_at = $2 WHERE id = $3 AND status = $4",
        )
        .bind(to.as_str())
        .bind(at_ms),
        StatusChange::Unpublish => sqlx::query(
            "UPDATE editions SET status = $1, scheduled_at = NULL WHERE id = $2 AND status = $3",
        )
        .bind(to.as_str()),
    };
    let changed = query
        .bind(edition_id)
        .bind(from.as_str())
        .execute(&mut **tx)
        .await?;
    if changed.rows_affected() == 0 {
        return Err(StoreError::Conflict);
    }
    let kind = match change {
        StatusChange::Publish => EventKind::EditionPublished,
        StatusChange::Schedule => EventKind::EditionScheduled,
        StatusChange::Unpublish => EventKind::EditionUnpublished,
    };
    let payload = json!({ "from": from.as_str(), "to": to.as_str(), "at": at_ms });
    let event = NewEvent::edition(kind, story_id, edition_id, lang, actor_id, &payload);
    events::record(tx, store, event).await?;
    Ok(())
}

/// (story id, language, status) of an edition.
async fn edition_identity(
    tx: &mut Transaction<'static, Any>,
    edition_id: i64,
) -> Result<(i64, Lang, EditionStatus)> {
    let row: Option<(i64, String, String)> =
        sqlx::query_as("SELECT story_id, lang, status FROM editions WHERE id = $1")
            .bind(edition_id)
            .fetch_optional(&mut **tx)
            .await?;
    let (story_id, lang, status) = row.ok_or(StoreError::NotFound)?;
    Ok((
        story_id,
        Lang::parse(&lang)?,
        EditionStatus::parse(&status)?,
    ))
}

async fn set_authors(
    tx: &mut Transaction<'static, Any>,
    edition_id: i64,
    author_ids: &[i64],
) -> Result<()> {
    sqlx::query("DELETE FROM edition_authors WHERE edition_id = $1")
        .bind(edition_id)
        .execute(&mut **tx)
        .await?;
    for (position, author_id) in author_ids.iter().enumerate() {
        sqlx::query(
            "INSERT INTO edition_authors (edition_id, author_id, position) VALUES ($1, $2, $3)",
        )
        .bind(edition_id)
        .bind(author_id)
        .bind(position as i64)
        .execute(&mut **tx)
        .await
        .map_err(|e| StoreError::taken_if_unique(e, "author in this byline"))?;
    }
    Ok(())
}

/// Remembers a public slug the edition leaves, so its old links redirect.
async fn retire_slug(
    tx: &mut Transaction<'static, Any>,
    lang: Lang,
    slug: &str,
    edition_id: i64,
    at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO retired_slugs (lang, slug, edition_id, retired_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (lang, slug) DO UPDATE SET edition_id = excluded.edition_id, retired_at = excluded.retired_at",
    )
    .bind(lang.as_str())
    .bind(slug)
    .bind(edition_id)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A slug taken by a live edition no longer redirects anywhere else.
async fn claim_slug(tx: &mut Transaction<'static, Any>, lang: Lang, slug: &str) -> Result<()> {
    sqlx::query("DELETE FROM retired_slugs WHERE lang = $1 AND slug = $2")
        .bind(lang.as_str())
        .bind(slug)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn insert_revision(
    tx: &mut Transaction<'static, Any>,
    edition_id: i64,
    revision: i64,
    editor_id: Option<i64>,
    content: &EditionContent,
    author_ids: &[i64],
    saved_at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO revisions (edition_id, revision, editor_id, saved_at, slug, headline, standfirst, body,
             dateline, hero_caption, hero_credit, comment_mode, author_ids)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(edition_id)
    .bind(revision)
    .bind(editor_id)
    .bind(saved_at)
    .bind(content.slug.as_str())
    .bind(&content.headline)
    .bind(&content.standfirst)
    .bind(&content.body)
    .bind(&content.dateline)
    .bind(&content.hero_caption)
    .bind(&content.hero_credit)
    .bind(content.comment_mode.as_str())
    .bind(serde_json::to_string(author_ids).unwrap_or_else(|_| "[]".into()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
