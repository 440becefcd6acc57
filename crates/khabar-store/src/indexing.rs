//! What the search index reads: published editions in full and comments,
//! as events name them or in id order (to rebuild).

use khabar_core::Lang;
use sqlx::FromRow;

use crate::comments::{VIEW_COLUMNS, VIEW_FROM, hold_reasons};
use crate::{Article, CommentView, Result, Store, StoreError, placeholders};

/// A comment as the index keeps it: with its story, for filtering.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct IndexedComment {
    #[sqlx(flatten)]
    pub comment: CommentView,
    pub story_id: i64,
    #[sqlx(rename = "edition_lang", try_from = "String")]
    pub lang: Lang,
}

impl Store {
    /// How many documents a rebuild of the index reads: published
    /// editions and comments.
    pub async fn indexable_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM editions WHERE status = 'published')
                  + (SELECT COUNT(*) FROM comments)",
        )
        .fetch_one(&self.read)
        .await?)
    }

    /// Ids of published editions after `after`, in id order.
    pub async fn published_edition_ids(&self, after: i64, limit: i64) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM editions WHERE status = 'published' AND id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    /// An edition as its readers see it, if it is published.
    pub async fn published_article(&self, edition_id: i64) -> Result<Option<Article>> {
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT lang, slug FROM editions WHERE id = $1 AND status = 'published'",
        )
        .bind(edition_id)
        .fetch_optional(&self.read)
        .await?;
        let Some((lang, slug)) = row else {
            return Ok(None);
        };
        let lang = Lang::parse(&lang).map_err(StoreError::Invalid)?;
        self.article(lang, &slug).await
    }

    /// Ids of comments after `after`, in id order.
    pub async fn comment_ids(&self, after: i64, limit: i64) -> Result<Vec<i64>> {
        Ok(
            sqlx::query_scalar("SELECT id FROM comments WHERE id > $1 ORDER BY id LIMIT $2")
                .bind(after)
                .bind(limit)
                .fetch_all(&self.read)
                .await?,
        )
    }

    /// Comments with their stories and languages, whatever their status,
    /// in no particular order; ids not found are left out. One query for
    /// a whole batch of events or of a rebuild.
    pub async fn indexed_comments(&self, comment_ids: &[i64]) -> Result<Vec<IndexedComment>> {
        if comment_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {VIEW_COLUMNS}, e.story_id, e.lang AS edition_lang {VIEW_FROM}
             JOIN editions e ON e.id = c.edition_id WHERE c.id IN ({})",
            placeholders(1, comment_ids.len())
        );
        let mut query = sqlx::query(&sql);
        for id in comment_ids {
            query = query.bind(id);
        }
        query
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(|row| {
                let mut indexed = IndexedComment::from_row(row)?;
                hold_reasons(&mut indexed.comment, row)?;
                Ok(indexed)
            })
            .collect()
    }
}
