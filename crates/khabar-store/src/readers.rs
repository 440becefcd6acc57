//! Readers as others see them (public profiles) and what they are told
//! (notifications).

use jiff::Timestamp;
use khabar_core::Lang;
use serde::Serialize;
use sqlx::FromRow;

use crate::row::{IsSet, Millis};
use crate::time::to_millis;
use crate::{Page, Result, Store};

/// A reader's public profile.
#[derive(Debug, Clone, PartialEq, Serialize, FromRow)]
pub struct Profile {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    #[sqlx(rename = "created_at", try_from = "Millis")]
    pub joined_at: Timestamp,
}

/// A comment in its author's history, with the story it is on.
#[derive(Debug, Clone, PartialEq, Serialize, FromRow)]
pub struct AuthoredComment {
    pub id: i64,
    pub body: String,
    #[sqlx(try_from = "Millis")]
    pub created_at: Timestamp,
    #[sqlx(try_from = "String")]
    pub lang: Lang,
    pub slug: String,
    pub headline: String,
}

/// A notification with what it is about.
#[derive(Debug, Clone, PartialEq, Serialize, FromRow)]
pub struct Notification {
    pub id: i64,
    pub kind: String,
    pub comment_id: i64,
    pub actor_name: Option<String>,
    #[sqlx(try_from = "Millis")]
    pub created_at: Timestamp,
    #[sqlx(rename = "read_at", try_from = "IsSet")]
    pub read: bool,
    #[sqlx(try_from = "String")]
    pub lang: Lang,
    pub headline: String,
    /// The comment's text as its author wrote it.
    pub body: String,
    /// A moderator's words, on a rejection.
    pub message: Option<String>,
}

impl Store {
    /// The profile of the live account with this username key.
    pub async fn profile(&self, username_key: &str) -> Result<Option<Profile>> {
        Ok(sqlx::query_as(
            "SELECT id, username, display_name, created_at FROM users WHERE username_key = $1 AND deleted_at IS NULL",
        )
        .bind(username_key)
        .fetch_optional(&self.read)
        .await?)
    }

    /// A reader's visible comments on published stories, newest first.
    pub async fn comments_by(
        &self,
        user_id: i64,
        page: u32,
        per_page: u32,
    ) -> Result<Page<AuthoredComment>> {
        let page = page.max(1);
        let mut items: Vec<AuthoredComment> = sqlx::query_as(
            "SELECT c.id, c.body, c.created_at, e.lang, e.slug, e.headline
             FROM comments c JOIN editions e ON e.id = c.edition_id
             WHERE c.author_id = $1 AND c.status = 'visible' AND e.status = 'published'
             ORDER BY c.created_at DESC, c.id DESC LIMIT $2 OFFSET $3",
        )
        .bind(user_id)
        .bind(i64::from(per_page) + 1)
        .bind(i64::from(page - 1) * i64::from(per_page))
        .fetch_all(&self.read)
        .await?;
        let has_more = items.len() > per_page as usize;
        items.truncate(per_page as usize);
        Ok(Page {
            items,
            page,
            has_more,
        })
    }

    /// A reader's newest notifications whose comment is still visible, and
    /// the notices of their comments moderators rejected.
    pub async fn notifications(&self, user_id: i64, limit: i64) -> Result<Vec<Notification>> {
        Ok(sqlx::query_as(
            "SELECT n.id, n.kind, n.comment_id, n.created_at, n.read_at, a.display_name AS actor_name,
                    e.lang, e.headline, c.body, n.message
             FROM notifications n
             JOIN comments c ON c.id = n.comment_id
             JOIN editions e ON e.id = c.edition_id
             LEFT JOIN users a ON a.id = n.actor_id AND a.deleted_at IS NULL
             WHERE n.user_id = $1 AND (c.status = 'visible' OR n.kind = 'rejected')
             ORDER BY n.created_at DESC, n.id DESC LIMIT $2",
        )
        .bind(user_id)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn unread_notifications(&self, user_id: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications n JOIN comments c ON c.id = n.comment_id
             WHERE n.user_id = $1 AND n.read_at IS NULL AND (c.status = 'visible' OR n.kind = 'rejected')",
        )
        .bind(user_id)
        .fetch_one(&self.read)
        .await?)
    }

    /// What a reader's view of an edition's page depends on beyond what
    /// every reader sees, in one query: unread notifications, a warning
    /// to acknowledge, and whether they wrote any comment there.
    pub async fn reader_on_edition(&self, user_id: i64, edition_id: i64) -> Result<ReaderOnPage> {
        let (unread, warning, commented): (i64, Option<String>, i64) = sqlx::query_as(
            "SELECT
               (SELECT COUNT(*) FROM notifications n JOIN comments c ON c.id = n.comment_id
                WHERE n.user_id = $1 AND n.read_at IS NULL AND (c.status = 'visible' OR n.kind = 'rejected')),
               (SELECT warning FROM users WHERE id = $1),
               (SELECT COUNT(*) FROM (SELECT 1 FROM comments WHERE author_id = $1 AND edition_id = $2 LIMIT 1) mine)",
        )
        .bind(user_id)
        .bind(edition_id)
        .fetch_one(&self.read)
        .await?;
        Ok(ReaderOnPage {
            unread,
            warning,
            commented: commented > 0,
        })
    }

    pub async fn mark_notifications_read(&self, user_id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let read = sqlx::query(
            "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
        )
        .bind(to_millis(Timestamp::now()))
        .bind(user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        // The bell on the person's pages counts what is unread.
        if read > 0 {
            crate::events::account_changed(&mut tx, self, user_id).await?;
        }
        self.commit_logged(tx).await
    }
}

/// See [`Store::reader_on_edition`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderOnPage {
    pub unread: i64,
    pub warning: Option<String>,
    pub commented: bool,
}

/// How a reader wants to hear about replies and mentions by email.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EmailPreference {
    Immediately,
    Daily,
    Never,
}

impl EmailPreference {
    pub fn as_str(self) -> &'static str {
        match self {
            EmailPreference::Immediately => "immediately",
            EmailPreference::Daily => "daily",
            EmailPreference::Never => "never",
        }
    }

    pub fn parse(text: &str) -> Option<EmailPreference> {
        match text {
            "immediately" => Some(EmailPreference::Immediately),
            "daily" => Some(EmailPreference::Daily),
            "never" => Some(EmailPreference::Never),
            _ => None,
        }
    }
}

/// Notifications to email to one reader, with what the message needs.
#[derive(Debug, Clone, PartialEq)]
pub struct EmailBatch {
    pub user_id: i64,
    pub email: String,
    pub display_name: String,
    pub lang: Lang,
    pub unsubscribe_key: String,
    pub items: Vec<Notification>,
}

impl Store {
    pub async fn email_preference(&self, user_id: i64) -> Result<EmailPreference> {
        let text: String = sqlx::query_scalar("SELECT notify_email FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(&self.read)
            .await?;
        Ok(EmailPreference::parse(&text).unwrap_or(EmailPreference::Immediately))
    }

    pub async fn set_email_preference(
        &self,
        user_id: i64,
        preference: EmailPreference,
    ) -> Result<()> {
        sqlx::query("UPDATE users SET notify_email = $1 WHERE id = $2")
            .bind(preference.as_str())
            .bind(user_id)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Stops notification email for whoever holds this unsubscribe key.
    /// Returns whether the key was known.
    pub async fn unsubscribe(&self, key: &str) -> Result<bool> {
        if key.len() < 32 {
            return Ok(false);
        }
        let done = sqlx::query("UPDATE users SET notify_email = 'never' WHERE unsubscribe_key = $1 AND deleted_at IS NULL")
            .bind(key)
            .execute(&self.write)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Claims the notifications due by email at `now`: every unemailed one
    /// for readers who want them at once, and a day's worth for readers who
    /// want a digest and had none for 24 hours. Claimed rows are marked
    /// emailed in the same statement, so two nodes never send one twice.
    /// `new_key` supplies an unsubscribe key for readers who have none yet.
    pub async fn claim_notification_emails(
        &self,
        now: Timestamp,
        mut new_key: impl FnMut() -> String,
    ) -> Result<Vec<EmailBatch>> {
        let now_ms = to_millis(now);
        let day_ago = to_millis(now - jiff::SignedDuration::from_hours(24));
        let claimed: Vec<(i64, i64)> = sqlx::query_as(
            "UPDATE notifications SET emailed_at = $1
             WHERE emailed_at IS NULL AND user_id IN (
                 SELECT id FROM users WHERE deleted_at IS NULL AND (notify_email = 'immediately'
                     OR (notify_email = 'daily' AND COALESCE(last_digest_at, 0) <= $2)))
             RETURNING id, user_id",
        )
        .bind(now_ms)
        .bind(day_ago)
        .fetch_all(&self.write)
        .await?;
        let mut by_user: std::collections::BTreeMap<i64, Vec<i64>> = Default::default();
        for (id, user_id) in claimed {
            by_user.entry(user_id).or_default().push(id);
        }
        let mut batches = Vec::new();
        for (user_id, ids) in by_user {
            let (email, display_name, lang, notify_email, unsubscribe_key): (
                String,
                String,
                String,
                String,
                Option<String>,
            ) = sqlx::query_as(
                "SELECT email, display_name, lang, notify_email, unsubscribe_key FROM users WHERE id = $1",
            )
            .bind(user_id)
            .fetch_one(&self.write)
            .await?;
            let key = match unsubscribe_key {
                Some(key) => key,
                None => {
                    let key = new_key();
                    sqlx::query("UPDATE users SET unsubscribe_key = $1 WHERE id = $2")
                        .bind(&key)
                        .bind(user_id)
                        .execute(&self.write)
                        .await?;
                    key
                }
            };
            if EmailPreference::parse(&notify_email) == Some(EmailPreference::Daily) {
                sqlx::query("UPDATE users SET last_digest_at = $1 WHERE id = $2")
                    .bind(now_ms)
                    .bind(user_id)
                    .execute(&self.write)
                    .await?;
            }
            let items: Vec<Notification> = self
                .notifications(user_id, 200)
                .await?
                .into_iter()
                .filter(|n| ids.contains(&n.id))
                .collect();
            if items.is_empty() {
                continue;
            }
            batches.push(EmailBatch {
                user_id,
                email,
                display_name,
                lang: Lang::parse(&lang)?,
                unsubscribe_key: key,
                items,
            });
        }
        Ok(batches)
    }
}
