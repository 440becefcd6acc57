//! The site's own pages (about, contact, privacy…), one Markdown text per
//! page and language. Saving one logs `page.changed`: the page itself and
//! the footer of every page (which links the pages that exist) change.

use jiff::Timestamp;
use khabar_core::{EventKind, Lang};
use serde::Serialize;
use sqlx::FromRow;

use crate::events::{self, NewEvent};
use crate::row::Millis;
use crate::time::now_millis;
use crate::{Result, Store};

#[derive(Debug, Clone, PartialEq, Serialize, FromRow)]
pub struct StaticPage {
    pub page: String,
    #[sqlx(try_from = "String")]
    pub lang: Lang,
    pub title: String,
    /// Markdown.
    pub body: String,
    #[sqlx(try_from = "Millis")]
    pub updated_at: Timestamp,
}

const COLUMNS: &str = "page, lang, title, body, updated_at";

impl Store {
    /// One page in one language, if written.
    pub async fn static_page(&self, page: &str, lang: Lang) -> Result<Option<StaticPage>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM static_pages WHERE page = $1 AND lang = $2"
        ))
        .bind(page)
        .bind(lang.as_str())
        .fetch_optional(&self.read)
        .await?)
    }

    /// Every page in every language, by page then language.
    pub async fn static_pages(&self) -> Result<Vec<StaticPage>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM static_pages ORDER BY page, lang"
        ))
        .fetch_all(&self.read)
        .await?)
    }

    /// Writes (or, with an empty title and body, removes) one page in one
    /// language and logs the change.
    pub async fn save_static_page(
        &self,
        page: &str,
        lang: Lang,
        title: &str,
        body: &str,
        actor_id: Option<i64>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        if title.is_empty() && body.is_empty() {
            sqlx::query("DELETE FROM static_pages WHERE page = $1 AND lang = $2")
                .bind(page)
                .bind(lang.as_str())
                .execute(&mut *tx)
                .await?;
        } else {
            sqlx::query(
                "INSERT INTO static_pages (page, lang, title, body, updated_at, updated_by)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (page, lang) DO UPDATE SET title = excluded.title, body = excluded.body,
                     updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            )
            .bind(page)
            .bind(lang.as_str())
            .bind(title)
            .bind(body)
            .bind(now_millis())
            .bind(actor_id)
            .execute(&mut *tx)
            .await?;
        }
        let payload = serde_json::json!({ "page": page });
        events::record(
            &mut tx,
            self,
            NewEvent {
                lang: Some(lang),
                ..NewEvent::site(EventKind::StaticPageChanged, actor_id, &payload)
            },
        )
        .await?;
        self.commit_logged(tx).await?;
        Ok(())
    }
}
