//! Email links and the outbox.

use jiff::{SignedDuration, Timestamp};
use khabar_core::Lang;
use sqlx::FromRow;

use crate::row::Millis;
use crate::time::to_millis;
use crate::{Result, Store};

/// Why an email link was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    VerifyEmail,
    ResetPassword,
}

impl LinkPurpose {
    fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::VerifyEmail => "verify",
            LinkPurpose::ResetPassword => "reset",
        }
    }
}

/// A message to send.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct OutgoingEmail {
    pub id: i64,
    pub recipient: String,
    #[sqlx(try_from = "String")]
    pub lang: Lang,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    #[sqlx(try_from = "Millis")]
    pub created_at: Timestamp,
    pub attempts: i64,
}

pub struct NewEmail<'a> {
    pub recipient: &'a str,
    pub lang: &'a str,
    pub subject: &'a str,
    pub text_body: &'a str,
    pub html_body: &'a str,
}

/// Sending stops after this many failures; the row stays for the operator.
pub const MAX_SEND_ATTEMPTS: i64 = 5;

impl Store {
    pub async fn create_email_link(
        &self,
        user_id: i64,
        purpose: LinkPurpose,
        email: &str,
        token_hash: &str,
        lifetime: SignedDuration,
    ) -> Result<()> {
        let now = Timestamp::now();
        sqlx::query(
            "INSERT INTO email_tokens (token_hash, user_id, purpose, email, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(purpose.as_str())
        .bind(email)
        .bind(to_millis(now))
        .bind(to_millis(now + lifetime))
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Uses an email link once: returns (user id, email) if it was live.
    pub async fn use_email_link(
        &self,
        token_hash: &str,
        purpose: LinkPurpose,
        now: Timestamp,
    ) -> Result<Option<(i64, String)>> {
        Ok(sqlx::query_as(
            "UPDATE email_tokens SET used_at = $1
             WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1
             RETURNING user_id, email",
        )
        .bind(to_millis(now))
        .bind(token_hash)
        .bind(purpose.as_str())
        .fetch_optional(&self.write)
        .await?)
    }

    /// Marks `email` verified for `user_id`, if it is still their address.
    pub async fn mark_email_verified(&self, user_id: i64, email: &str) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let done =
            sqlx::query("UPDATE users SET email_verified_at = $1 WHERE id = $2 AND email_key = $3")
                .bind(to_millis(Timestamp::now()))
                .bind(user_id)
                .bind(email.to_lowercase())
                .execute(&mut *tx)
                .await?
                .rows_affected()
                > 0;
        if done {
            crate::events::account_changed(&mut tx, self, user_id).await?;
        }
        self.commit_logged(tx).await?;
        Ok(done)
    }

    pub async fn enqueue_email(&self, email: NewEmail<'_>) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO outbox (recipient, lang, subject, text_body, html_body, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(email.recipient)
        .bind(email.lang)
        .bind(email.subject)
        .bind(email.text_body)
        .bind(email.html_body)
        .bind(to_millis(Timestamp::now()))
        .fetch_one(&self.write)
        .await?)
    }

    /// Claims up to `limit` unsent messages for `lease`. A message whose
    /// lease ran out (its sender died) is claimed again.
    pub async fn claim_emails(
        &self,
        now: Timestamp,
        lease: SignedDuration,
        limit: i64,
    ) -> Result<Vec<OutgoingEmail>> {
        Ok(sqlx::query_as(
            "UPDATE outbox SET claimed_until = $1, attempts = attempts + 1
             WHERE claimed_until < $2 AND sent_at IS NULL AND id IN (
                 SELECT id FROM outbox
                 WHERE sent_at IS NULL AND claimed_until < $2 AND attempts < $3
                 ORDER BY id LIMIT $4)
             RETURNING id, recipient, lang, subject, text_body, html_body, created_at, attempts",
        )
        .bind(to_millis(now + lease))
        .bind(to_millis(now))
        .bind(MAX_SEND_ATTEMPTS)
        .bind(limit)
        .fetch_all(&self.write)
        .await?)
    }

    pub async fn mark_email_sent(&self, id: i64) -> Result<()> {
        sqlx::query("UPDATE outbox SET sent_at = $1, last_error = NULL WHERE id = $2")
            .bind(to_millis(Timestamp::now()))
            .bind(id)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Records a failure; the message is retried after `retry_in`.
    pub async fn mark_email_failed(
        &self,
        id: i64,
        error: &str,
        retry_in: SignedDuration,
    ) -> Result<()> {
        sqlx::query("UPDATE outbox SET last_error = $1, claimed_until = $2 WHERE id = $3")
            .bind(error.chars().take(500).collect::<String>())
            .bind(to_millis(Timestamp::now() + retry_in))
            .bind(id)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Messages to `recipient`, newest first (tests, support).
    pub async fn emails_to(&self, recipient: &str) -> Result<Vec<(String, String, bool)>> {
        let rows: Vec<(String, String, Option<i64>)> = sqlx::query_as(
            "SELECT subject, text_body, sent_at FROM outbox WHERE recipient = $1 ORDER BY id DESC",
        )
        .bind(recipient)
        .fetch_all(&self.read)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(subject, text, sent_at)| (subject, text, sent_at.is_some()))
            .collect())
    }
}

impl Store {
    /// The user a live link belongs to, without using it.
    pub async fn peek_email_link(
        &self,
        token_hash: &str,
        purpose: LinkPurpose,
        now: Timestamp,
    ) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT user_id FROM email_tokens
             WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
        )
        .bind(token_hash)
        .bind(purpose.as_str())
        .bind(to_millis(now))
        .fetch_optional(&self.read)
        .await?)
    }
}
