//! Sections, tags and authors: each with a name (and for authors a bio) per
//! language.

use std::collections::BTreeMap;

use khabar_core::{EventKind, Lang, Slug};
use serde::Serialize;
use sqlx::{Any, FromRow, Transaction};

use crate::events::{self, NewEvent};
use crate::time::now_millis;
use crate::{Result, Store, StoreError};

/// A name in one language.
#[derive(Debug, Clone)]
pub struct Named {
    pub lang: Lang,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct AuthorProfile {
    pub lang: Lang,
    pub name: String,
    pub bio: String,
}

impl Store {
    pub async fn create_section(&self, slug: &Slug, position: i64, names: &[Named]) -> Result<i64> {
        self.create_section_as(slug, position, names, None).await
    }

    /// A new section, made by `actor_id`; announced as `section.changed`,
    /// since every page's navigation lists the sections.
    pub async fn create_section_as(
        &self,
        slug: &Slug,
        position: i64,
        names: &[Named],
        actor_id: Option<i64>,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO sections (slug, position, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(slug.as_str())
        .bind(position)
        .bind(now_millis())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::taken_if_unique(e, "section slug"))?;
        insert_names(&mut tx, "section_names", "section_id", id, names).await?;
        record_section_changed(&mut tx, self, id, actor_id).await?;
        self.commit_logged(tx).await?;
        Ok(id)
    }

    /// Replaces a section's names (languages left out lose theirs) and,
    /// when given, its menu position; its slug stays, so links hold.
    /// `NotFound` for an unknown section.
    pub async fn rename_section(
        &self,
        id: i64,
        names: &[Named],
        position: Option<i64>,
        actor_id: Option<i64>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        // Writing the row (even unchanged) both finds the section and, on
        // PostgreSQL, locks it against a concurrent rename.
        let found =
            sqlx::query("UPDATE sections SET position = COALESCE($1, position) WHERE id = $2")
                .bind(position)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if found == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM section_names WHERE section_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        insert_names(&mut tx, "section_names", "section_id", id, names).await?;
        record_section_changed(&mut tx, self, id, actor_id).await?;
        self.commit_logged(tx).await?;
        Ok(())
    }

    pub async fn create_tag(&self, slug: &Slug, names: &[Named]) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let id: i64 =
            sqlx::query_scalar("INSERT INTO tags (slug, created_at) VALUES ($1, $2) RETURNING id")
                .bind(slug.as_str())
                .bind(now_millis())
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| StoreError::taken_if_unique(e, "tag slug"))?;
        insert_names(&mut tx, "tag_names", "tag_id", id, names).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn create_author(
        &self,
        slug: &Slug,
        profiles: &[AuthorProfile],
        user_id: Option<i64>,
    ) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO authors (slug, user_id, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(slug.as_str())
        .bind(user_id)
        .bind(now_millis())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::taken_if_unique(e, "author slug"))?;
        for profile in profiles {
            sqlx::query(
                "INSERT INTO author_profiles (author_id, lang, name, bio) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(profile.lang.as_str())
            .bind(&profile.name)
            .bind(&profile.bio)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }
}

/// Logs that section `id` changed, in the change's transaction.
async fn record_section_changed(
    tx: &mut Transaction<'static, Any>,
    store: &Store,
    id: i64,
    actor_id: Option<i64>,
) -> Result<()> {
    let payload = serde_json::json!({ "section_id": id });
    let event = NewEvent::site(EventKind::SectionChanged, actor_id, &payload);
    events::record(tx, store, event).await?;
    Ok(())
}

/// Writes the per-language names of a section or tag.
async fn insert_names(
    tx: &mut Transaction<'static, Any>,
    table: &'static str,
    owner_column: &'static str,
    owner_id: i64,
    names: &[Named],
) -> Result<()> {
    let sql = format!("INSERT INTO {table} ({owner_column}, lang, name) VALUES ($1, $2, $3)");
    for named in names {
        sqlx::query(&sql)
            .bind(owner_id)
            .bind(named.lang.as_str())
            .bind(&named.name)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// A section with its names in every language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionRecord {
    pub id: i64,
    pub slug: String,
    pub position: i64,
    pub names: BTreeMap<String, String>,
}

/// A tag or an author with its names in every language; an author may be
/// an account's byline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NamedRecord {
    pub id: i64,
    pub slug: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    pub names: BTreeMap<String, String>,
}

impl NamedRecord {
    /// The name in `lang`, else in any language, else the slug.
    pub fn name_in(&self, lang: Lang) -> &str {
        self.names
            .get(lang.as_str())
            .or_else(|| self.names.values().next())
            .unwrap_or(&self.slug)
    }
}

impl Store {
    /// Every section in menu order, named in every language.
    pub async fn section_records(&self) -> Result<Vec<SectionRecord>> {
        let rows = sqlx::query_as(
            "SELECT x.id, x.slug, x.position, n.lang, n.name FROM sections x
             LEFT JOIN section_names n ON n.section_id = x.id
             ORDER BY x.position, x.id, n.lang",
        )
        .fetch_all(&self.read)
        .await?;
        Ok(group_names(rows)
            .into_iter()
            .map(|(named, position)| SectionRecord {
                position,
                id: named.id,
                slug: named.slug,
                names: named.names,
            })
            .collect())
    }

    /// Ids of the published editions of section `section_id`'s stories
    /// after `after`, in id order: the documents that show its name.
    pub async fn published_edition_ids_in_section(
        &self,
        section_id: i64,
        after: i64,
        limit: i64,
    ) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT e.id FROM editions e JOIN stories s ON s.id = e.story_id
             WHERE s.section_id = $1 AND e.status = 'published' AND e.id > $2
             ORDER BY e.id LIMIT $3",
        )
        .bind(section_id)
        .bind(after)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    /// Every tag by slug, named in every language.
    pub async fn tag_records(&self) -> Result<Vec<NamedRecord>> {
        let rows = sqlx::query_as(
            "SELECT x.id, x.slug, n.lang, n.name FROM tags x
             LEFT JOIN tag_names n ON n.tag_id = x.id ORDER BY x.slug, x.id, n.lang",
        )
        .fetch_all(&self.read)
        .await?;
        Ok(group_names(rows)
            .into_iter()
            .map(|(named, _)| named)
            .collect())
    }

    /// Every author by slug, named in every language.
    pub async fn author_records(&self) -> Result<Vec<NamedRecord>> {
        let rows = sqlx::query_as(
            "SELECT x.id, x.slug, x.user_id, p.lang, p.name FROM authors x
             LEFT JOIN author_profiles p ON p.author_id = x.id ORDER BY x.slug, x.id, p.lang",
        )
        .fetch_all(&self.read)
        .await?;
        Ok(group_names(rows)
            .into_iter()
            .map(|(named, _)| named)
            .collect())
    }
}

/// One name of a section, tag or author: `id, slug, lang, name`, and
/// the owner's `position` (sections) or `user_id` (authors) where read.
#[derive(FromRow)]
struct NameRow {
    id: i64,
    slug: String,
    #[sqlx(default)]
    position: i64,
    #[sqlx(default)]
    user_id: Option<i64>,
    lang: Option<String>,
    name: Option<String>,
}

/// Rows ordered by owner as one record per owner, with the owner's
/// position from its first row.
fn group_names(rows: Vec<NameRow>) -> Vec<(NamedRecord, i64)> {
    let mut records: Vec<(NamedRecord, i64)> = Vec::new();
    for row in rows {
        if records.last().is_none_or(|(r, _)| r.id != row.id) {
            let record = NamedRecord {
                id: row.id,
                slug: row.slug,
                user_id: row.user_id,
                names: BTreeMap::new(),
            };
            records.push((record, row.position));
        }
        if let (Some((record, _)), Some(lang), Some(name)) =
            (records.last_mut(), row.lang, row.name)
        {
            record.names.insert(lang, name);
        }
    }
    records
}
