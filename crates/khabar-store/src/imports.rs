//! What imports brought in (`imported_records`) and the old site's
//! addresses of imported stories (`legacy_paths`).

use std::collections::HashMap;

use khabar_core::Lang;

use crate::time::now_millis;
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
}
