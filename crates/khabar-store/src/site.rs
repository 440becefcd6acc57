//! The site settings changed from the browser, and the site's icon.
//! Saving either logs `site.settings_changed`, so every node following the
//! log reloads them and every cached page (which links the icon) goes.

use khabar_core::{EventKind, SiteOverrides};

use crate::events::{self, NewEvent};
use crate::time::now_millis;
use crate::{Result, Store};

impl Store {
    /// What admins changed; nothing yet is the default.
    pub async fn site_overrides(&self) -> Result<SiteOverrides> {
        let document: Option<String> =
            sqlx::query_scalar("SELECT document FROM site_settings WHERE id = 1")
                .fetch_optional(&self.read)
                .await?;
        // A document this version cannot read (written by a newer one, or
        // damaged) must not stop the site: the file's settings hold.
        Ok(document
            .and_then(|d| match serde_json::from_str(&d) {
                Ok(overrides) => Some(overrides),
                Err(error) => {
                    tracing::error!(%error, "stored site settings are unreadable; using the file's");
                    None
                }
            })
            .unwrap_or_default())
    }

    /// Replaces the stored settings and logs the change.
    pub async fn save_site_overrides(
        &self,
        overrides: &SiteOverrides,
        actor_id: i64,
    ) -> Result<()> {
        let document = serde_json::to_string(overrides).unwrap_or_else(|_| "{}".into());
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO site_settings (id, document, updated_at, updated_by) VALUES (1, $1, $2, $3)
             ON CONFLICT (id) DO UPDATE SET document = excluded.document,
                 updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(&document)
        .bind(now_millis())
        .bind(actor_id)
        .execute(&mut *tx)
        .await?;
        let payload = serde_json::json!({});
        events::record(
            &mut tx,
            self,
            NewEvent::site(EventKind::SiteSettingsChanged, Some(actor_id), &payload),
        )
        .await?;
        self.commit_logged(tx).await?;
        Ok(())
    }

    /// The stem of the site's uploaded icon files, if an admin set one.
    pub async fn site_icon(&self) -> Result<Option<String>> {
        let icon: Option<Option<String>> =
            sqlx::query_scalar("SELECT icon FROM site_settings WHERE id = 1")
                .fetch_optional(&self.read)
                .await?;
        Ok(icon.flatten())
    }

    /// Sets (or, with `None`, removes) the site's icon and logs the change.
    pub async fn save_site_icon(&self, icon: Option<&str>, actor_id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO site_settings (id, document, updated_at, updated_by, icon) VALUES (1, '{}', $1, $2, $3)
             ON CONFLICT (id) DO UPDATE SET icon = excluded.icon,
                 updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(now_millis())
        .bind(actor_id)
        .bind(icon)
        .execute(&mut *tx)
        .await?;
        let payload = serde_json::json!({ "icon": icon });
        events::record(
            &mut tx,
            self,
            NewEvent::site(EventKind::SiteSettingsChanged, Some(actor_id), &payload),
        )
        .await?;
        self.commit_logged(tx).await?;
        Ok(())
    }
}
