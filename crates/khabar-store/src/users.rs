use khabar_core::{DisplayName, Email, Lang, Role, Username};

use crate::time::now_millis;
use crate::{Result, Store, StoreError};

pub struct NewUser<'a> {
    pub username: &'a Username,
    pub email: &'a Email,
    pub display_name: &'a DisplayName,
    /// An Argon2id PHC string; the store never sees passwords.
    pub password_hash: &'a str,
    pub role: Role,
    /// The language of their emails and of the site when they sign in.
    pub lang: Lang,
}

impl Store {
    pub async fn create_user(&self, user: NewUser<'_>) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        // The username first: it is public, and sign-up answers an address
        // in use as it answers a new one, so which of the two is taken may
        // only be said of the username.
        let taken_name: Option<i64> =
            sqlx::query_scalar("SELECT id FROM users WHERE username_key = $1")
                .bind(user.username.key())
                .fetch_optional(&mut *tx)
                .await?;
        if taken_name.is_some() {
            return Err(StoreError::Taken { what: "username" });
        }
        let taken_email: Option<i64> =
            sqlx::query_scalar("SELECT id FROM users WHERE email_key = $1")
                .bind(user.email.as_str().to_lowercase())
                .fetch_optional(&mut *tx)
                .await?;
        if taken_email.is_some() {
            return Err(StoreError::Taken { what: "email" });
        }
        let id = sqlx::query_scalar(
            "INSERT INTO users (username, username_key, email, email_key, display_name, password_hash, role, created_at, lang)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(user.username.as_str())
        .bind(user.username.key())
        .bind(user.email.as_str())
        .bind(user.email.as_str().to_lowercase())
        .bind(user.display_name.as_str())
        .bind(user.password_hash)
        .bind(user.role.as_str())
        .bind(now_millis())
        .bind(user.lang.as_str())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            // Two sign-ups racing for one address meet here, not above.
            let what = if e.to_string().contains("email_key") { "email" } else { "username" };
            StoreError::taken_if_unique(e, what)
        })?;
        tx.commit().await?;
        Ok(id)
    }
}

/// A user as the admin's list shows them.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct UserSummary {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    #[sqlx(try_from = "crate::row::Millis")]
    pub created_at: jiff::Timestamp,
}

impl Store {
    /// Users, oldest first, a page at a time (deleted accounts left out).
    pub async fn list_users(&self, page: u32, per_page: u32) -> Result<crate::Page<UserSummary>> {
        let page = page.max(1);
        let mut items: Vec<UserSummary> = sqlx::query_as(
            "SELECT id, username, display_name, role, created_at FROM users
             WHERE deleted_at IS NULL ORDER BY id LIMIT $1 OFFSET $2",
        )
        .bind(i64::from(per_page) + 1)
        .bind(i64::from(page - 1) * i64::from(per_page))
        .fetch_all(&self.read)
        .await?;
        let has_more = items.len() > per_page as usize;
        items.truncate(per_page as usize);
        Ok(crate::Page {
            items,
            page,
            has_more,
        })
    }
}
