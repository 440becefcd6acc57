//! Discussions embedded on other sites (docs/embed.md): each is an edition
//! with status `embedded` of a story of its own, found by the host page's
//! normalized URL. Comments, moderation, live updates and notifications
//! treat it as any thread; only `published` editions are listed, fed,
//! mapped or searched, so it shows nowhere else.

use std::collections::HashMap;

use jiff::Timestamp;
use khabar_core::Lang;
use serde::Serialize;
use sqlx::FromRow;

use crate::row::Millis;
use crate::time::to_millis;
use crate::{Result, Store, placeholders};

/// An embedded discussion and the host page it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, FromRow)]
pub struct EmbedThread {
    pub url_key: String,
    pub edition_id: i64,
    pub story_id: i64,
    /// The host page as first seen.
    pub url: String,
    pub title: String,
    pub origin: String,
    #[sqlx(try_from = "String")]
    pub lang: Lang,
    #[sqlx(try_from = "Millis")]
    pub created_at: Timestamp,
}

/// The host page a discussion is opened for.
#[derive(Debug, Clone, Copy)]
pub struct NewEmbedThread<'a> {
    pub url_key: &'a str,
    pub url: &'a str,
    pub title: &'a str,
    pub origin: &'a str,
    pub lang: Lang,
}

const COLUMNS: &str = "t.url_key, t.edition_id, e.story_id, t.url, t.title, t.origin, t.lang, \
                       t.created_at FROM embed_threads t JOIN editions e ON e.id = t.edition_id";

impl Store {
    /// The discussion tied to `url_key`, if one was opened.
    pub async fn embed_thread(&self, url_key: &str) -> Result<Option<EmbedThread>> {
        Ok(
            sqlx::query_as(&format!("SELECT {COLUMNS} WHERE t.url_key = $1"))
                .bind(url_key)
                .fetch_optional(&self.read)
                .await?,
        )
    }

    /// The discussion an edition is, if it is an embedded one.
    pub async fn embed_thread_of(&self, edition_id: i64) -> Result<Option<EmbedThread>> {
        Ok(
            sqlx::query_as(&format!("SELECT {COLUMNS} WHERE t.edition_id = $1"))
                .bind(edition_id)
                .fetch_optional(&self.read)
                .await?,
        )
    }

    /// The discussion of `thread.url_key`, opened now if there is none:
    /// a story with one `embedded` edition headed by the page's title.
    /// Pages opening the same key at once all get the one discussion (the
    /// key is unique; the loser's story is rolled back).
    pub async fn open_embed_thread(&self, thread: NewEmbedThread<'_>) -> Result<EmbedThread> {
        if let Some(found) = self.embed_thread(thread.url_key).await? {
            return Ok(found);
        }
        let now = to_millis(Timestamp::now());
        let mut tx = self.begin_write().await?;
        let story_id: i64 = sqlx::query_scalar(
            "INSERT INTO stories (section_id, hero_image, created_at, updated_at)
             VALUES (NULL, NULL, $1, $1) RETURNING id",
        )
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let edition_id: i64 = sqlx::query_scalar(
            "INSERT INTO editions (story_id, lang, slug, headline, standfirst, body, dateline,
                 hero_caption, hero_credit, comment_mode, status, published_at, updated_at,
                 created_at, revision)
             VALUES ($1, $2, $3, $4, '', '', '', '', '', 'open', 'embedded', $5, $5, $5, 1)
             RETURNING id",
        )
        .bind(story_id)
        .bind(thread.lang.as_str())
        .bind(format!("embed-{story_id}"))
        .bind(thread.title)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let inserted = sqlx::query(
            "INSERT INTO embed_threads (url_key, edition_id, url, title, origin, lang, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (url_key) DO NOTHING",
        )
        .bind(thread.url_key)
        .bind(edition_id)
        .bind(thread.url)
        .bind(thread.title)
        .bind(thread.origin)
        .bind(thread.lang.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 1 {
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        // Read from the writer's side: a replica may not have it yet.
        Ok(
            sqlx::query_as(&format!("SELECT {COLUMNS} WHERE t.url_key = $1"))
                .bind(thread.url_key)
                .fetch_one(&self.write)
                .await?,
        )
    }

    /// The visible comments of the discussions of `url_keys`: keys with
    /// no discussion yet are left out.
    pub async fn embed_comment_counts(&self, url_keys: &[String]) -> Result<HashMap<String, i64>> {
        if url_keys.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT t.url_key, COALESCE(n.visible, 0) FROM embed_threads t
             LEFT JOIN edition_counts n ON n.edition_id = t.edition_id
             WHERE t.url_key IN ({})",
            placeholders(1, url_keys.len())
        );
        let mut query = sqlx::query_as::<_, (String, i64)>(&sql);
        for key in url_keys {
            query = query.bind(key);
        }
        Ok(query.fetch_all(&self.read).await?.into_iter().collect())
    }
}
