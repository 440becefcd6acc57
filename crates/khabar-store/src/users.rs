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
        let mut tx = self.write.begin().await?;
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
        .map_err(|e| StoreError::taken_if_unique(e, "username"))?;
        tx.commit().await?;
        Ok(id)
    }

    /// The role of a user, if the user exists.
    pub async fn user_role(&self, username: &str) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT role FROM users WHERE username_key = $1")
                .bind(username.to_lowercase())
                .fetch_optional(&self.read)
                .await?,
        )
    }
}
