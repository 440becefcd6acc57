//! What imports brought in (`imported_records`) and the old site's
//! addresses of imported stories (`legacy_paths`).

use std::collections::HashMap;

use jiff::Timestamp;
use khabar_core::{EventKind, Lang, SiteOverrides};

use crate::events::{self, NewEvent};
use crate::time::{now_millis, to_millis};
use crate::{Result, Store};

/// One record of an export: where it came from and what it is here.
#[derive(Debug, Clone, Copy)]
pub struct ImportKey<'a> {
    /// `wordpress`, `disqus` or `ghost`.
    pub source: &'a str,
    /// The exporting site (base URL, or Disqus forum).
    pub site: &'a str,
    /// `story`, `edition`, `comment`, `user`, `section`, `tag`, `media`.
    pub entity: &'a str,
    pub external_id: &'a str,
}

/// What an earlier run made of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub local_id: i64,
    /// The hash of the record as it was imported.
    pub content_hash: String,
    /// The local revision once imported (editions), else 0.
    pub local_revision: i64,
}

impl Store {
    /// Everything earlier imports from `source`'s `site` made, by entity
    /// and external id: read once per run, not once per record.
    pub async fn imported_from(
        &self,
        source: &str,
        site: &str,
    ) -> Result<HashMap<(String, String), Imported>> {
        let rows: Vec<(String, String, i64, String, i64)> = sqlx::query_as(
            "SELECT entity, external_id, local_id, content_hash, local_revision
             FROM imported_records WHERE source = $1 AND site = $2",
        )
        .bind(source)
        .bind(site)
        .fetch_all(&self.write)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(entity, external_id, local_id, content_hash, local_revision)| {
                    let imported = Imported {
                        local_id,
                        content_hash,
                        local_revision,
                    };
                    ((entity, external_id), imported)
                },
            )
            .collect())
    }

    /// Remembers what `key` became here (replacing an earlier run's note).
    pub async fn record_import(&self, key: ImportKey<'_>, imported: &Imported) -> Result<()> {
        sqlx::query(
            "INSERT INTO imported_records
                 (source, site, entity, external_id, local_id, content_hash, local_revision, imported_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (source, site, entity, external_id) DO UPDATE SET
                 local_id = excluded.local_id, content_hash = excluded.content_hash,
                 local_revision = excluded.local_revision, imported_at = excluded.imported_at",
        )
        .bind(key.source)
        .bind(key.site)
        .bind(key.entity)
        .bind(key.external_id)
        .bind(imported.local_id)
        .bind(&imported.content_hash)
        .bind(imported.local_revision)
        .bind(now_millis())
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Makes the old site's `path` lead to `edition_id`; a path already
    /// leading somewhere keeps its target.
    pub async fn add_legacy_path(&self, path: &str, edition_id: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO legacy_paths (path, edition_id, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (path) DO NOTHING",
        )
        .bind(path)
        .bind(edition_id)
        .bind(now_millis())
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// The edition an old path leads to, whatever its status.
    pub async fn legacy_edition(&self, path: &str) -> Result<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT edition_id FROM legacy_paths WHERE path = $1")
                .bind(path)
                .fetch_optional(&self.read)
                .await?,
        )
    }

    /// The language and slug of the published edition an old path leads to.
    pub async fn legacy_target(&self, path: &str) -> Result<Option<(Lang, String)>> {
        let found: Option<(String, String)> = sqlx::query_as(
            "SELECT e.lang, e.slug FROM legacy_paths l JOIN editions e ON e.id = l.edition_id
             WHERE l.path = $1 AND e.status = 'published'",
        )
        .bind(path)
        .fetch_optional(&self.read)
        .await?;
        match found {
            Some((lang, slug)) => Ok(Some((Lang::parse(&lang)?, slug))),
            None => Ok(None),
        }
    }

    /// The edition in `lang` whose slug is `slug` now, in any status.
    pub async fn edition_by_slug(&self, lang: Lang, slug: &str) -> Result<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT id FROM editions WHERE lang = $1 AND slug = $2")
                .bind(lang.as_str())
                .bind(slug)
                .fetch_optional(&self.read)
                .await?,
        )
    }

    /// Gives an imported edition its source's times, which the writes
    /// that made it set to now: when it was made and last changed, and
    /// when each revision was saved (`(revision, saved_at)`).
    pub async fn keep_edition_times(
        &self,
        edition_id: i64,
        created_at: Timestamp,
        updated_at: Timestamp,
        revisions: &[(i64, Timestamp)],
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE editions SET created_at = $1, updated_at = $2 WHERE id = $3")
            .bind(to_millis(created_at))
            .bind(to_millis(updated_at))
            .bind(edition_id)
            .execute(&mut *tx)
            .await?;
        for (revision, saved_at) in revisions {
            sqlx::query(
                "UPDATE revisions SET saved_at = $1 WHERE edition_id = $2 AND revision = $3",
            )
            .bind(to_millis(*saved_at))
            .bind(edition_id)
            .bind(revision)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Gives an imported story its source's creation time.
    pub async fn keep_story_time(&self, story_id: i64, created_at: Timestamp) -> Result<()> {
        sqlx::query("UPDATE stories SET created_at = $1 WHERE id = $2")
            .bind(to_millis(created_at))
            .bind(story_id)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Gives an imported account its source's language, sign-up time and,
    /// when its address was verified there, marks it verified.
    pub async fn keep_account_details(
        &self,
        user_id: i64,
        lang: Lang,
        created_at: Timestamp,
        email_verified_at: Option<Timestamp>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE users SET lang = $1, created_at = $2, email_verified_at = $3 WHERE id = $4",
        )
        .bind(lang.as_str())
        .bind(to_millis(created_at))
        .bind(email_verified_at.map(to_millis))
        .bind(user_id)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Keeps an imported comment's marks: when it was last edited there,
    /// and whether moderators featured it.
    pub async fn keep_comment_marks(
        &self,
        comment_id: i64,
        edited_at: Option<Timestamp>,
        featured: bool,
    ) -> Result<()> {
        sqlx::query("UPDATE comments SET edited_at = $1, featured = $2 WHERE id = $3")
            .bind(edited_at.map(to_millis))
            .bind(i64::from(featured))
            .bind(comment_id)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Stores imported site settings unless admins here already changed
    /// some (theirs win); true when they were stored.
    pub async fn import_site_settings(
        &self,
        overrides: &SiteOverrides,
        icon: Option<&str>,
    ) -> Result<bool> {
        let document = serde_json::to_string(overrides).unwrap_or_else(|_| "{}".into());
        let mut tx = self.begin_write().await?;
        let stored = sqlx::query(
            "INSERT INTO site_settings (id, document, icon, updated_at) VALUES (1, $1, $2, $3)
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(&document)
        .bind(icon)
        .bind(now_millis())
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if stored {
            let payload = serde_json::json!({});
            let event = NewEvent::site(EventKind::SiteSettingsChanged, None, &payload);
            events::record(&mut tx, self, event).await?;
            self.commit_logged(tx).await?;
        } else {
            tx.commit().await?;
        }
        Ok(stored)
    }
}
