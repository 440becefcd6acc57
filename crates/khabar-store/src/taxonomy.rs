//! Sections, tags and authors: each with a name (and for authors a bio) per
//! language.

use khabar_core::{Lang, Slug};

use sqlx::{Any, Transaction};

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
        let mut tx = self.write.begin().await?;
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
        tx.commit().await?;
        Ok(id)
    }

    pub async fn create_tag(&self, slug: &Slug, names: &[Named]) -> Result<i64> {
        let mut tx = self.write.begin().await?;
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
        let mut tx = self.write.begin().await?;
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
