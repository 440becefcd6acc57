//! The moderation policy as stored: the site's pipeline settings, the word
//! lists and their version, and the settings of each section and story.

use crate::audit::{LogRow, write_log};
use crate::events::{self, NewEvent};
use crate::time::{from_millis, to_millis};
use crate::{Result, Store, StoreError};
use jiff::Timestamp;
use khabar_core::moderation::{
    ListKind, PolicySettings, ScopeSettings, SettingScope, ThreadSettings, thread_settings,
};
use khabar_core::{EventKind, Lang};
use khabar_text::wordlist::MatchMode;
use serde::Serialize;
use sqlx::{FromRow, Row};
use std::collections::HashMap;

/// One word-list entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromRow)]
pub struct WordListRow {
    #[sqlx(try_from = "String")]
    pub lang: Lang,
    pub list: String,
    pub term: String,
    pub mode: String,
}

/// A published (or embedded) edition: by id (the API's way), or by its
/// address (a page's form).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditionKey<'a> {
    Id(i64),
    Address(Lang, &'a str),
}

/// Columns of [`discussion_select`], prefixed `d_` so that they can sit
/// beside another query's.
const DISCUSSION_COLUMNS: &str =
    "e.id AS d_id, e.story_id AS d_story_id, s.section_id AS d_section_id,
     e.lang AS d_lang, e.published_at AS d_published_at, e.comment_mode AS d_comment_mode";

/// A published (or embedded) edition with the thread settings of the site,
/// its section and its story, as one `SELECT` whose key is bound from
/// `$first` on (see [`bind_edition`]).
pub(crate) fn discussion_select(edition: EditionKey<'_>, first: usize) -> String {
    let scope = |alias: &str| {
        format!(
            "{alias}.pre_moderated AS d_{alias}_pre_moderated, {alias}.closed AS d_{alias}_closed,
             {alias}.message AS d_{alias}_message"
        )
    };
    let which = match edition {
        EditionKey::Id(_) => format!("e.id = ${first}"),
        EditionKey::Address(..) => format!("e.lang = ${first} AND e.slug = ${}", first + 1),
    };
    format!(
        "SELECT {DISCUSSION_COLUMNS}, {}, {}, {}
         FROM editions e JOIN stories s ON s.id = e.story_id
         LEFT JOIN moderation_settings site ON site.scope = 'site' AND site.scope_id = 0
         LEFT JOIN moderation_settings section
             ON section.scope = 'section' AND section.scope_id = s.section_id
         LEFT JOIN moderation_settings story ON story.scope = 'story' AND story.scope_id = s.id
         WHERE e.status IN ('published', 'embedded') AND {which}",
        scope("site"),
        scope("section"),
        scope("story")
    )
}

/// Binds the key of [`discussion_select`].
pub(crate) fn bind_edition<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    edition: EditionKey<'q>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    match edition {
        EditionKey::Id(id) => query.bind(id),
        EditionKey::Address(lang, slug) => query.bind(lang.as_str().to_owned()).bind(slug),
    }
}

/// The discussion in a row holding [`discussion_select`]'s columns; none
/// when they are empty (no such edition, left-joined).
pub(crate) fn discussion_from_row(row: &sqlx::any::AnyRow) -> Result<Option<Discussion>> {
    let Some(edition_id) = row.try_get::<Option<i64>, _>("d_id")? else {
        return Ok(None);
    };
    let scope = |alias: &str| -> Result<ScopeSettings> {
        Ok(StoredScope {
            pre_moderated: row.try_get(format!("d_{alias}_pre_moderated").as_str())?,
            closed: row.try_get(format!("d_{alias}_closed").as_str())?,
            message: row.try_get(format!("d_{alias}_message").as_str())?,
        }
        .into())
    };
    let thread = thread_settings(&scope("site")?, &scope("section")?, &scope("story")?);
    Ok(Some(Discussion {
        edition_id,
        story_id: row.try_get("d_story_id")?,
        section_id: row.try_get("d_section_id")?,
        lang: Lang::parse(&row.try_get::<String, _>("d_lang")?)?,
        published_at: from_millis(
            row.try_get::<Option<i64>, _>("d_published_at")?
                .unwrap_or(0),
        ),
        comment_mode: row.try_get("d_comment_mode")?,
        thread,
    }))
}

/// A published edition as commenting on it needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Discussion {
    pub edition_id: i64,
    pub story_id: i64,
    pub section_id: Option<i64>,
    pub lang: Lang,
    pub published_at: Timestamp,
    /// The edition's own setting: `open`, `pre_moderated` or `closed`.
    pub comment_mode: String,
    /// What the site, the section and the story set for its thread.
    pub thread: ThreadSettings,
}

/// One scope's stored settings: each unset (NULL) or a flag.
#[derive(FromRow)]
struct StoredScope {
    pre_moderated: Option<i64>,
    closed: Option<i64>,
    message: Option<String>,
}

impl From<StoredScope> for ScopeSettings {
    fn from(stored: StoredScope) -> ScopeSettings {
        ScopeSettings {
            pre_moderated: stored.pre_moderated.map(|v| v != 0),
            closed: stored.closed.map(|v| v != 0),
            message: stored.message,
        }
    }
}

/// Settings with the scope they are for.
#[derive(FromRow)]
struct ScopeRow {
    scope: String,
    #[sqlx(flatten)]
    settings: StoredScope,
}

impl Store {
    /// The site's pipeline policy and the word lists' version.
    pub async fn moderation_policy(&self) -> Result<(PolicySettings, i64)> {
        let (settings, version): (String, i64) = sqlx::query_as(
            "SELECT settings, word_lists_version FROM moderation_policy WHERE id = 1",
        )
        .fetch_one(&self.read)
        .await?;
        Ok((serde_json::from_str(&settings).unwrap_or_default(), version))
    }

    /// Replaces the pipeline policy.
    pub async fn set_moderation_policy(
        &self,
        settings: &PolicySettings,
        actor_id: i64,
    ) -> Result<()> {
        settings.validate()?;
        let text = serde_json::to_string(settings).unwrap_or_else(|_| "{}".to_owned());
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE moderation_policy SET settings = $1 WHERE id = 1")
            .bind(&text)
            .execute(&mut *tx)
            .await?;
        write_log(
            &mut tx,
            LogRow {
                actor_id: Some(actor_id),
                phase: None,
                action: "policy_updated",
                comment_id: None,
                user_id: None,
                reasons: &[],
                message: &text,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every word-list entry, by language, list and term.
    pub async fn word_lists(&self) -> Result<Vec<WordListRow>> {
        Ok(sqlx::query_as(
            "SELECT lang, list, term, mode FROM word_list_entries ORDER BY lang, list, term",
        )
        .fetch_all(&self.read)
        .await?)
    }

    /// Replaces one list of one language and bumps the version every node
    /// checks before using its compiled lists.
    pub async fn replace_word_list(
        &self,
        lang: Lang,
        list: ListKind,
        entries: &[(String, MatchMode)],
        actor_id: i64,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM word_list_entries WHERE lang = $1 AND list = $2")
            .bind(lang.as_str())
            .bind(list.as_str())
            .execute(&mut *tx)
            .await?;
        let now = to_millis(Timestamp::now());
        for (term, mode) in entries {
            sqlx::query(
                "INSERT INTO word_list_entries (lang, list, term, mode, created_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (lang, list, term) DO NOTHING",
            )
            .bind(lang.as_str())
            .bind(list.as_str())
            .bind(term)
            .bind(mode.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "UPDATE moderation_policy SET word_lists_version = word_lists_version + 1 WHERE id = 1",
        )
        .execute(&mut *tx)
        .await?;
        write_log(
            &mut tx,
            LogRow {
                actor_id: Some(actor_id),
                phase: None,
                action: "word_list_updated",
                comment_id: None,
                user_id: None,
                reasons: &[],
                message: &format!("{} {} ({} terms)", lang, list.as_str(), entries.len()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The stored settings of one scope (`scope_id` 0 for the site).
    pub async fn scope_settings(
        &self,
        scope: SettingScope,
        scope_id: i64,
    ) -> Result<ScopeSettings> {
        let stored: Option<StoredScope> = sqlx::query_as(
            "SELECT pre_moderated, closed, message FROM moderation_settings WHERE scope = $1 AND scope_id = $2",
        )
        .bind(scope.as_str())
        .bind(scope_id)
        .fetch_optional(&self.read)
        .await?;
        Ok(stored.map(ScopeSettings::from).unwrap_or_default())
    }

    /// Stores the settings of one scope.
    pub async fn set_scope_settings(
        &self,
        scope: SettingScope,
        scope_id: i64,
        settings: &ScopeSettings,
        actor_id: i64,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO moderation_settings (scope, scope_id, pre_moderated, closed, message, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (scope, scope_id) DO UPDATE SET pre_moderated = excluded.pre_moderated,
                closed = excluded.closed, message = excluded.message, updated_at = excluded.updated_at",
        )
        .bind(scope.as_str())
        .bind(scope_id)
        .bind(settings.pre_moderated.map(i64::from))
        .bind(settings.closed.map(i64::from))
        .bind(settings.message.as_deref())
        .bind(to_millis(Timestamp::now()))
        .execute(&mut *tx)
        .await?;
        write_log(
            &mut tx,
            LogRow {
                actor_id: Some(actor_id),
                phase: None,
                action: "settings_updated",
                comment_id: None,
                user_id: None,
                reasons: &[],
                message: &format!(
                    "{} {scope_id}: {}",
                    scope.as_str(),
                    serde_json::to_string(settings).unwrap_or_default()
                ),
            },
        )
        .await?;
        let payload = serde_json::json!({ "scope": scope.as_str(), "id": scope_id });
        events::record(
            &mut tx,
            self,
            NewEvent {
                kind: EventKind::ThreadSettingsChanged,
                story_id: (scope == SettingScope::Story).then_some(scope_id),
                edition_id: None,
                lang: None,
                actor_id: Some(actor_id),
                payload: &payload,
            },
        )
        .await?;
        self.commit_logged(tx).await?;
        Ok(())
    }

    /// What applies to a story's threads: site, its section, itself.
    pub async fn thread_settings(&self, story_id: i64) -> Result<ThreadSettings> {
        let rows: Vec<ScopeRow> = sqlx::query_as(
            "SELECT scope, pre_moderated, closed, message FROM moderation_settings
             WHERE (scope = 'site' AND scope_id = 0) OR (scope = 'story' AND scope_id = $1)
                OR (scope = 'section' AND scope_id = (SELECT section_id FROM stories WHERE id = $1))",
        )
        .bind(story_id)
        .fetch_all(&self.read)
        .await?;
        let by_scope: HashMap<String, ScopeSettings> = rows
            .into_iter()
            .map(|row| (row.scope, row.settings.into()))
            .collect();
        let get = |scope: SettingScope| by_scope.get(scope.as_str()).cloned().unwrap_or_default();
        Ok(thread_settings(
            &get(SettingScope::Site),
            &get(SettingScope::Section),
            &get(SettingScope::Story),
        ))
    }

    /// The section of a story (none for a story without one).
    pub async fn story_section(&self, story_id: i64) -> Result<Option<i64>> {
        let row: Option<Option<i64>> =
            sqlx::query_scalar("SELECT section_id FROM stories WHERE id = $1")
                .bind(story_id)
                .fetch_optional(&self.read)
                .await?;
        row.ok_or(StoreError::NotFound)
    }
}
