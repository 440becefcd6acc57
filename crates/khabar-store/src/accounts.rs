//! Accounts as the sign-in flows need them: credentials, server-side
//! sessions, and rate-limit counters that every node shares.

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};
use khabar_core::{Lang, Role};
use serde::Serialize;
use sqlx::FromRow;

use crate::events;
use crate::row::{IsSet, MaybeMillis, Millis, decode_as};
use crate::time::to_millis;
use crate::{Result, Store, StoreError, placeholders};

/// A person with an account, as pages and the API show them to themselves.
#[derive(Debug, Clone, PartialEq, Serialize, FromRow)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    #[sqlx(try_from = "String")]
    pub lang: Lang,
    #[sqlx(rename = "email_verified_at", try_from = "IsSet")]
    pub email_verified: bool,
    #[sqlx(try_from = "Millis")]
    pub created_at: Timestamp,
}

/// A live session and whose it is.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct SessionRecord {
    pub token_hash: String,
    pub csrf_token: String,
    #[sqlx(try_from = "Millis")]
    pub last_seen_at: Timestamp,
    #[sqlx(try_from = "Millis")]
    pub expires_at: Timestamp,
    #[sqlx(flatten)]
    pub account: Account,
}

/// One of a person's sessions, as their session list shows it. `id` is a
/// prefix of the stored hash: enough to name it, useless to sign in with.
#[derive(Debug, Clone, PartialEq, Serialize, FromRow)]
pub struct SessionInfo {
    #[sqlx(rename = "token_hash", try_from = "SessionId")]
    pub id: String,
    #[sqlx(try_from = "Millis")]
    pub created_at: Timestamp,
    #[sqlx(try_from = "Millis")]
    pub last_seen_at: Timestamp,
    pub user_agent: String,
    pub ip: String,
}

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_id: i64,
    pub csrf_token: &'a str,
    pub user_agent: &'a str,
    pub ip: &'a str,
    pub lifetime: SignedDuration,
}

/// Characters of the hash that name a session in lists and forms.
const SESSION_ID_CHARS: usize = 16;

/// A session's listed id, read from its stored hash.
struct SessionId(String);
decode_as!(SessionId, String, |hash: String| hash
    .chars()
    .take(SESSION_ID_CHARS)
    .collect());

impl From<SessionId> for String {
    fn from(id: SessionId) -> String {
        id.0
    }
}

/// The outcome of counting one attempt against a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateDecision {
    Allowed {
        hits: i64,
    },
    /// Wait this long before trying again.
    Limited {
        retry_after: SignedDuration,
    },
}

const ACCOUNT_COLUMNS: &str = "u.id, u.username, u.display_name, u.email, u.role, u.lang,
    u.email_verified_at, u.created_at";

impl Store {
    /// The id and password hash for a sign-in name: a username (compared on
    /// its confusable key) or an email address. Deleted accounts have none.
    pub async fn credentials(
        &self,
        username_key: &str,
        email: &str,
    ) -> Result<Option<(i64, String)>> {
        Ok(sqlx::query_as(
            "SELECT id, password_hash FROM users
             WHERE (username_key = $1 OR email_key = $2) AND deleted_at IS NULL",
        )
        .bind(username_key)
        .bind(email.to_lowercase())
        .fetch_optional(&self.read)
        .await?)
    }

    pub async fn account(&self, user_id: i64) -> Result<Account> {
        sqlx::query_as(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM users u WHERE u.id = $1 AND u.deleted_at IS NULL"
        ))
        .bind(user_id)
        .fetch_optional(&self.read)
        .await?
        .ok_or(StoreError::NotFound)
    }

    pub async fn create_session(&self, session: NewSession<'_>) -> Result<()> {
        let now = Timestamp::now();
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, user_agent, ip)
             VALUES ($1, $2, $3, $4, $4, $5, $6, $7)",
        )
        .bind(session.token_hash)
        .bind(session.user_id)
        .bind(session.csrf_token)
        .bind(to_millis(now))
        .bind(to_millis(now + session.lifetime))
        .bind(session.user_agent)
        .bind(session.ip)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// The live session with this token hash, with its account.
    pub async fn session(&self, token_hash: &str, now: Timestamp) -> Result<Option<SessionRecord>> {
        Ok(sqlx::query_as(&format!(
            "SELECT s.token_hash, s.csrf_token, s.last_seen_at, s.expires_at, {ACCOUNT_COLUMNS}
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.deleted_at IS NULL"
        ))
        .bind(token_hash)
        .bind(to_millis(now))
        .fetch_optional(&self.read)
        .await?)
    }

    /// Records that a session was used (callers throttle this).
    pub async fn touch_session(&self, token_hash: &str, now: Timestamp) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(to_millis(now))
            .bind(token_hash)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    pub async fn end_session(&self, token_hash: &str) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let ended: Option<i64> =
            sqlx::query_scalar("DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id")
                .bind(token_hash)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(user_id) = ended {
            events::account_changed(&mut tx, self, user_id).await?;
        }
        self.commit_logged(tx).await
    }

    /// A person's live sessions, most recently used first.
    pub async fn sessions_of(&self, user_id: i64, now: Timestamp) -> Result<Vec<SessionInfo>> {
        Ok(sqlx::query_as(
            "SELECT token_hash, created_at, last_seen_at, user_agent, ip FROM sessions
             WHERE user_id = $1 AND expires_at > $2 ORDER BY last_seen_at DESC",
        )
        .bind(user_id)
        .bind(to_millis(now))
        .fetch_all(&self.read)
        .await?)
    }

    /// Ends one of `user_id`'s sessions by its listed id. Someone else's
    /// session is never touched. Returns whether one ended.
    pub async fn end_session_of(&self, user_id: i64, session_id: &str) -> Result<bool> {
        if session_id.len() != SESSION_ID_CHARS
            || !session_id.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Ok(false);
        }
        let mut tx = self.begin_write().await?;
        // substr, not LIKE: LIKE ignores case on SQLite but not on PostgreSQL.
        let ended = sqlx::query(
            "DELETE FROM sessions WHERE user_id = $1 AND substr(token_hash, 1, 16) = $2",
        )
        .bind(user_id)
        .bind(session_id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if ended {
            events::account_changed(&mut tx, self, user_id).await?;
        }
        self.commit_logged(tx).await?;
        Ok(ended)
    }

    /// Counts one attempt in `bucket`: at most `limit` per `window`, and
    /// never while a block set by [`Store::block`] lasts. One statement, so
    /// concurrent attempts on several nodes all count.
    pub async fn count_attempt(
        &self,
        bucket: &str,
        limit: i64,
        window: SignedDuration,
        now: Timestamp,
    ) -> Result<RateDecision> {
        let now_ms = to_millis(now);
        let window_ms = window.as_millis() as i64;
        let (hits, window_start, blocked_until): (i64, i64, i64) = sqlx::query_as(
            "INSERT INTO rate_limits (bucket, hits, window_start, blocked_until) VALUES ($1, 1, $2, 0)
             ON CONFLICT (bucket) DO UPDATE SET
                 hits = CASE WHEN rate_limits.window_start + $3 <= $2 THEN 1 ELSE rate_limits.hits + 1 END,
                 window_start = CASE WHEN rate_limits.window_start + $3 <= $2 THEN $2 ELSE rate_limits.window_start END
             RETURNING hits, window_start, blocked_until",
        )
        .bind(bucket)
        .bind(now_ms)
        .bind(window_ms)
        .fetch_one(&self.write)
        .await?;
        if blocked_until > now_ms {
            return Ok(RateDecision::Limited {
                retry_after: SignedDuration::from_millis(blocked_until - now_ms),
            });
        }
        if hits > limit {
            return Ok(RateDecision::Limited {
                retry_after: SignedDuration::from_millis(
                    (window_start + window_ms - now_ms).max(1_000),
                ),
            });
        }
        Ok(RateDecision::Allowed { hits })
    }

    /// The block time left on `bucket`, if any, without counting.
    pub async fn blocked_for(
        &self,
        bucket: &str,
        now: Timestamp,
    ) -> Result<Option<SignedDuration>> {
        let until: Option<i64> =
            sqlx::query_scalar("SELECT blocked_until FROM rate_limits WHERE bucket = $1")
                .bind(bucket)
                .fetch_optional(&self.read)
                .await?;
        let now_ms = to_millis(now);
        Ok(until
            .filter(|&until| until > now_ms)
            .map(|until| SignedDuration::from_millis(until - now_ms)))
    }

    /// Blocks `bucket` until `until`.
    pub async fn block(&self, bucket: &str, until: Timestamp) -> Result<()> {
        sqlx::query(
            "INSERT INTO rate_limits (bucket, hits, window_start, blocked_until) VALUES ($1, 0, $2, $2)
             ON CONFLICT (bucket) DO UPDATE SET blocked_until = $2",
        )
        .bind(bucket)
        .bind(to_millis(until))
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Forgets a bucket (after a successful sign-in, say).
    pub async fn clear_attempts(&self, bucket: &str) -> Result<()> {
        sqlx::query("DELETE FROM rate_limits WHERE bucket = $1")
            .bind(bucket)
            .execute(&self.write)
            .await?;
        Ok(())
    }
}

/// A personal access token, as its owner's list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, FromRow)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub scopes: String,
    #[sqlx(try_from = "Millis")]
    pub created_at: Timestamp,
    #[sqlx(try_from = "MaybeMillis")]
    pub last_used_at: Option<Timestamp>,
}

/// A live token and whose it is.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct TokenRecord {
    #[sqlx(rename = "token_id")]
    pub id: i64,
    pub scopes: String,
    #[sqlx(try_from = "MaybeMillis")]
    pub last_used_at: Option<Timestamp>,
    /// When it stops working; none for a personal token.
    #[sqlx(try_from = "MaybeMillis")]
    pub expires_at: Option<Timestamp>,
    #[sqlx(flatten)]
    pub account: Account,
}

impl Store {
    pub async fn create_access_token(
        &self,
        user_id: i64,
        name: &str,
        token_hash: &str,
        scopes: &str,
    ) -> Result<i64> {
        self.create_access_token_until(user_id, name, token_hash, scopes, None)
            .await
    }

    /// A token that stops working at `expires_at` (when given).
    pub async fn create_access_token_until(
        &self,
        user_id: i64,
        name: &str,
        token_hash: &str,
        scopes: &str,
        expires_at: Option<Timestamp>,
    ) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO access_tokens (user_id, name, token_hash, scopes, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(user_id)
        .bind(name)
        .bind(token_hash)
        .bind(scopes)
        .bind(to_millis(Timestamp::now()))
        .bind(expires_at.map(to_millis))
        .fetch_one(&self.write)
        .await?)
    }

    /// The unrevoked, unexpired token with this hash, with its account.
    pub async fn access_token(&self, token_hash: &str) -> Result<Option<TokenRecord>> {
        Ok(sqlx::query_as(&format!(
            "SELECT t.id AS token_id, t.scopes, t.last_used_at, t.expires_at, {ACCOUNT_COLUMNS}
             FROM access_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.deleted_at IS NULL
               AND (t.expires_at IS NULL OR t.expires_at > $2)"
        ))
        .bind(token_hash)
        .bind(to_millis(Timestamp::now()))
        .fetch_optional(&self.read)
        .await?)
    }

    pub async fn touch_access_token(&self, token_id: i64, now: Timestamp) -> Result<()> {
        sqlx::query("UPDATE access_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(to_millis(now))
            .bind(token_id)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Revokes one of `user_id`'s tokens. Returns whether one was revoked.
    pub async fn revoke_access_token(&self, user_id: i64, token_id: i64) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let revoked = sqlx::query(
            "UPDATE access_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
        )
        .bind(to_millis(Timestamp::now()))
        .bind(token_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if revoked {
            events::account_changed(&mut tx, self, user_id).await?;
        }
        self.commit_logged(tx).await?;
        Ok(revoked)
    }

    /// A person's unrevoked tokens, newest first.
    pub async fn access_tokens_of(&self, user_id: i64) -> Result<Vec<TokenInfo>> {
        Ok(sqlx::query_as(
            "SELECT id, name, scopes, created_at, last_used_at FROM access_tokens
             WHERE user_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)
             ORDER BY id DESC",
        )
        .bind(user_id)
        .bind(to_millis(Timestamp::now()))
        .fetch_all(&self.read)
        .await?)
    }

    /// The id of the (not deleted) user with this username key.
    pub async fn user_id_by_key(&self, username_key: &str) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM users WHERE username_key = $1 AND deleted_at IS NULL",
        )
        .bind(username_key)
        .fetch_optional(&self.read)
        .await?)
    }

    /// The live accounts that mentions may name: by username key, and by
    /// display name (lowercased) where exactly one account has it, so that
    /// `@ Salma Nasr` names nobody if two readers go by it. One query each,
    /// however many names a comment holds.
    pub async fn mention_targets(
        &self,
        username_keys: &[String],
        display_names: &[String],
    ) -> Result<(HashMap<String, i64>, HashMap<String, i64>)> {
        let mut by_key = HashMap::new();
        if !username_keys.is_empty() {
            let sql = format!(
                "SELECT username_key, id FROM users WHERE deleted_at IS NULL AND username_key IN ({})",
                placeholders(1, username_keys.len())
            );
            let mut query = sqlx::query_as::<_, (String, i64)>(&sql);
            for key in username_keys {
                query = query.bind(key);
            }
            by_key.extend(query.fetch_all(&self.read).await?);
        }
        let mut by_name = HashMap::new();
        if !display_names.is_empty() {
            let names: Vec<String> = (1..=display_names.len())
                .map(|i| format!("lower(${i})"))
                .collect();
            let sql = format!(
                "SELECT lower(display_name) AS name, MIN(id) AS id, COUNT(*) AS n FROM users
                 WHERE deleted_at IS NULL AND lower(display_name) IN ({})
                 GROUP BY lower(display_name)",
                names.join(", ")
            );
            let mut query = sqlx::query_as::<_, (String, i64, i64)>(&sql);
            for name in display_names {
                query = query.bind(name);
            }
            for (name, id, n) in query.fetch_all(&self.read).await? {
                if n == 1 {
                    by_name.insert(name, id);
                }
            }
        }
        Ok((by_key, by_name))
    }
}

impl Store {
    /// The password hash of a live account.
    pub async fn password_hash(&self, user_id: i64) -> Result<String> {
        sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1 AND deleted_at IS NULL")
            .bind(user_id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Sets a new password; every session but `keep` (the one that made the
    /// change, if any), every access token and every unused email link end:
    /// whatever was stolen dies with the old password.
    pub async fn set_password(
        &self,
        user_id: i64,
        password_hash: &str,
        keep: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(keep.unwrap_or(""))
            .execute(&mut *tx)
            .await?;
        // Access tokens minted with the old password, and links still in
        // mailboxes, die with it.
        sqlx::query(
            "UPDATE access_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(to_millis(Timestamp::now()))
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM email_tokens WHERE user_id = $1 AND used_at IS NULL")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        events::account_changed(&mut tx, self, user_id).await?;
        self.commit_logged(tx).await
    }

    /// Changes the email address; it is unverified until its link is used.
    pub async fn change_email(&self, user_id: i64, email: &khabar_core::Email) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE users SET email = $1, email_key = $2, email_verified_at = NULL WHERE id = $3",
        )
        .bind(email.as_str())
        .bind(email.as_str().to_lowercase())
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::taken_if_unique(e, "email"))?;
        events::account_changed(&mut tx, self, user_id).await?;
        self.commit_logged(tx).await
    }

    /// Deletes an account: personal data is overwritten, sessions, tokens
    /// and links go. The row stays so that what the person wrote keeps its
    /// place, shown as "deleted account".
    pub async fn delete_account(&self, user_id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let email: Option<String> = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
        // `#` is in no username and no address key: the placeholders can
        // never collide with a real account's.
        let placeholder = format!("#deleted-{user_id}");
        sqlx::query(
            "UPDATE users SET username = $1, username_key = $1, email = $1, email_key = $1,
                 display_name = '', password_hash = '!', email_verified_at = NULL, deleted_at = $2
             WHERE id = $3",
        )
        .bind(&placeholder)
        .bind(to_millis(Timestamp::now()))
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        if let Some(email) = email {
            sqlx::query("DELETE FROM outbox WHERE recipient = $1")
                .bind(email)
                .execute(&mut *tx)
                .await?;
        }
        for table in ["sessions", "access_tokens", "email_tokens"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1"))
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        // Pages kept anywhere that name the person must follow.
        let payload = serde_json::json!({ "user_id": user_id });
        events::record(
            &mut tx,
            self,
            events::NewEvent::site(
                khabar_core::EventKind::AccountDeleted,
                Some(user_id),
                &payload,
            ),
        )
        .await?;
        self.commit_logged(tx).await?;
        Ok(())
    }
}

impl Store {
    /// Claims the one attempt a blocked-for-guessing bucket allows: succeeds
    /// (and closes the slot until `until`) only if no block is running.
    /// Atomic, so of many simultaneous attempts exactly one gets through.
    pub async fn claim_attempt(
        &self,
        bucket: &str,
        until: Timestamp,
        now: Timestamp,
    ) -> Result<bool> {
        let claimed = sqlx::query(
            "UPDATE rate_limits SET blocked_until = $1 WHERE bucket = $2 AND blocked_until <= $3",
        )
        .bind(to_millis(until))
        .bind(bucket)
        .bind(to_millis(now))
        .execute(&self.write)
        .await?;
        Ok(claimed.rows_affected() == 1)
    }
}

/// What [`Store::prune`] removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pruned {
    pub sessions: u64,
    pub email_links: u64,
    pub emails: u64,
    pub rate_limits: u64,
    pub known_devices: u64,
    pub webhook_deliveries: u64,
}

/// Sent messages are kept this long (for support), then deleted.
const KEEP_SENT_EMAIL: SignedDuration = SignedDuration::from_hours(24 * 7);
/// Finished webhook deliveries and their answers are kept this long (replays).
const KEEP_WEBHOOK_DELIVERIES: SignedDuration = SignedDuration::from_hours(24 * 7);
/// Links, counters and blocks are kept this long after they stop mattering.
const KEEP_SPENT: SignedDuration = SignedDuration::from_hours(24);

impl Store {
    /// Deletes what no longer serves: expired sessions and known devices, spent or expired
    /// email links, week-old sent mail (it holds links and addresses), and
    /// rate-limit counters whose window and block ended a day ago.
    pub async fn prune(&self, now: Timestamp) -> Result<Pruned> {
        let now_ms = to_millis(now);
        let spent = to_millis(now - KEEP_SPENT);
        let sessions = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now_ms)
            .execute(&self.write)
            .await?
            .rows_affected();
        let email_links =
            sqlx::query("DELETE FROM email_tokens WHERE expires_at <= $1 OR used_at <= $1")
                .bind(spent)
                .execute(&self.write)
                .await?
                .rows_affected();
        let emails = sqlx::query("DELETE FROM outbox WHERE sent_at <= $1")
            .bind(to_millis(now - KEEP_SENT_EMAIL))
            .execute(&self.write)
            .await?
            .rows_affected();
        let rate_limits =
            sqlx::query("DELETE FROM rate_limits WHERE window_start <= $1 AND blocked_until <= $1")
                .bind(spent)
                .execute(&self.write)
                .await?
                .rows_affected();
        let known_devices = sqlx::query("DELETE FROM known_devices WHERE expires_at <= $1")
            .bind(now_ms)
            .execute(&self.write)
            .await?
            .rows_affected();
        // Deliveries and their answers are kept a week; a queued one stays.
        let webhook_deliveries = sqlx::query(
            "DELETE FROM webhook_deliveries WHERE created_at <= $1 AND status <> 'pending'",
        )
        .bind(to_millis(now - KEEP_WEBHOOK_DELIVERIES))
        .execute(&self.write)
        .await?
        .rows_affected();
        Ok(Pruned {
            sessions,
            email_links,
            emails,
            rate_limits,
            known_devices,
            webhook_deliveries,
        })
    }
}

impl Store {
    /// Remembers a browser that signed in to `user_id`, by its cookie's
    /// hash, until `expires_at`; `replaces` is the cookie it had for this
    /// account, if any.
    pub async fn remember_device(
        &self,
        token_hash: &str,
        user_id: i64,
        expires_at: Timestamp,
        replaces: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        if let Some(old) = replaces {
            sqlx::query("DELETE FROM known_devices WHERE token_hash = $1 AND user_id = $2")
                .bind(old)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO known_devices (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(to_millis(expires_at))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The account a remembered browser signed in to, while it is remembered.
    pub async fn known_device(&self, token_hash: &str, now: Timestamp) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT user_id FROM known_devices WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(to_millis(now))
        .fetch_optional(&self.read)
        .await?)
    }
}

impl Store {
    /// Keeps a reader from posting until `until` (None lifts it).
    pub async fn suspend(&self, user_id: i64, until: Option<Timestamp>) -> Result<()> {
        sqlx::query("UPDATE users SET suspended_until = $1 WHERE id = $2")
            .bind(until.map(to_millis))
            .bind(user_id)
            .execute(&self.write)
            .await?;
        Ok(())
    }
}
