//! The media library's records; the files themselves live in the media
//! folder, written by the web layer.

use std::collections::BTreeMap;

use jiff::Timestamp;
use khabar_core::Lang;
use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use crate::row::{JsonText, Millis, Unsigned};
use crate::time::now_millis;
use crate::{Result, Store, StoreError};

/// A narrower copy of an image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaVariant {
    pub width: u32,
    /// Under the media folder.
    pub path: String,
}

/// Alt text and caption in one language.
#[derive(Debug, Clone, PartialEq, Serialize, FromRow)]
pub struct MediaText {
    pub alt: String,
    pub caption: String,
}

pub struct NewMedia<'a> {
    pub path: &'a str,
    pub content_type: &'a str,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    pub variants: &'a [MediaVariant],
    pub uploaded_by: Option<i64>,
    pub texts: &'a [(Lang, MediaText)],
}

#[derive(Debug, Clone, PartialEq, Serialize, FromRow)]
pub struct MediaRecord {
    pub id: i64,
    pub path: String,
    pub content_type: String,
    #[sqlx(try_from = "Unsigned")]
    pub width: u32,
    #[sqlx(try_from = "Unsigned")]
    pub height: u32,
    #[sqlx(try_from = "Unsigned")]
    pub bytes: u64,
    #[sqlx(try_from = "JsonText")]
    pub variants: Vec<MediaVariant>,
    /// By language code.
    #[sqlx(skip)]
    pub texts: BTreeMap<String, MediaText>,
    #[sqlx(try_from = "Millis")]
    pub created_at: Timestamp,
}

impl Store {
    /// Records an upload; the same file (same path) uploaded again is the
    /// entry already there, texts and all.
    pub async fn create_media(&self, media: NewMedia<'_>) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let variants = serde_json::to_string(media.variants).unwrap_or_else(|_| "[]".into());
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO media (path, content_type, width, height, bytes, variants, uploaded_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (path) DO NOTHING RETURNING id",
        )
        .bind(media.path)
        .bind(media.content_type)
        .bind(i64::from(media.width))
        .bind(i64::from(media.height))
        .bind(i64::try_from(media.bytes).unwrap_or(i64::MAX))
        .bind(variants)
        .bind(media.uploaded_by)
        .bind(now_millis())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = inserted else {
            let existing = sqlx::query_scalar("SELECT id FROM media WHERE path = $1")
                .bind(media.path)
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            return Ok(existing);
        };
        for (lang, text) in media.texts {
            sqlx::query(
                "INSERT INTO media_texts (media_id, lang, alt, caption) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(lang.as_str())
            .bind(&text.alt)
            .bind(&text.caption)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    pub async fn media(&self, id: i64) -> Result<MediaRecord> {
        let mut record: MediaRecord =
            sqlx::query_as(&format!("SELECT {MEDIA_COLUMNS} FROM media WHERE id = $1"))
                .bind(id)
                .fetch_optional(&self.read)
                .await?
                .ok_or(StoreError::NotFound)?;
        self.fill_texts(std::slice::from_mut(&mut record)).await?;
        Ok(record)
    }

    /// The library's image served at `url` (`/media/…`), if it is one.
    pub async fn media_at(&self, url: &str) -> Result<Option<MediaRecord>> {
        let Some(path) = url.strip_prefix("/media/") else {
            return Ok(None);
        };
        let Some(mut record) = sqlx::query_as::<_, MediaRecord>(&format!(
            "SELECT {MEDIA_COLUMNS} FROM media WHERE path = $1"
        ))
        .bind(path)
        .fetch_optional(&self.read)
        .await?
        else {
            return Ok(None);
        };
        self.fill_texts(std::slice::from_mut(&mut record)).await?;
        Ok(Some(record))
    }

    /// The library's newest images first, for the editor's picker.
    pub async fn recent_media(&self, limit: u32) -> Result<Vec<MediaRecord>> {
        let mut records: Vec<MediaRecord> = sqlx::query_as(&format!(
            "SELECT {MEDIA_COLUMNS} FROM media ORDER BY created_at DESC, id DESC LIMIT $1"
        ))
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await?;
        self.fill_texts(&mut records).await?;
        Ok(records)
    }

    /// Every record's alt texts and captions, in one query.
    async fn fill_texts(&self, records: &mut [MediaRecord]) -> Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        let ids = records
            .iter()
            .map(|r| r.id.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        for text in sqlx::query_as::<_, LangText>(&format!(
            "SELECT media_id, lang, alt, caption FROM media_texts WHERE media_id IN ({ids})"
        ))
        .fetch_all(&self.read)
        .await?
        {
            if let Some(record) = records.iter_mut().find(|r| r.id == text.media_id) {
                record.texts.insert(text.lang, text.text);
            }
        }
        Ok(())
    }
}

impl MediaRecord {
    /// Where pages link the original.
    pub fn url(&self) -> String {
        format!("/media/{}", self.path)
    }

    /// The image as a hero in `lang`: its size, `srcset` and alt text.
    pub fn hero(&self, lang: &str) -> crate::HeroMedia {
        crate::HeroMedia {
            width: self.width,
            height: self.height,
            srcset: srcset(&self.variants, &self.url(), self.width),
            alt: self
                .texts
                .get(lang)
                .map(|t| t.alt.clone())
                .unwrap_or_default(),
        }
    }
}

/// `url 480w, url 960w, …, original Nw`.
pub(crate) fn srcset(variants: &[MediaVariant], original: &str, width: u32) -> String {
    let mut set: Vec<String> = variants
        .iter()
        .map(|v| format!("/media/{} {}w", v.path, v.width))
        .collect();
    set.push(format!("{original} {width}w"));
    set.join(", ")
}

const MEDIA_COLUMNS: &str = "id, path, content_type, width, height, bytes, variants, created_at";

/// An image's alt text and caption in one language.
#[derive(FromRow)]
struct LangText {
    media_id: i64,
    lang: String,
    #[sqlx(flatten)]
    text: MediaText,
}
