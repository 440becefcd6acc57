//! The site settings in force: the configuration file's, with what admins
//! changed from the browser laid over them, and the time zone they name.

use std::sync::{Arc, RwLock};

use jiff::tz::TimeZone;
use khabar_core::SiteSettings;
use khabar_store::{Store, StoreError};

/// Shared by the use cases and the web layer (dates are shown and forms
/// read in the site's time zone), so one reload changes both.
pub struct Settings {
    file: SiteSettings,
    current: RwLock<(Arc<SiteSettings>, TimeZone)>,
    /// The stem of the admins' site icon files; none: the theme's icons.
    icon: RwLock<Option<Arc<str>>>,
}

impl Settings {
    pub fn new(file: SiteSettings) -> Settings {
        let zone = TimeZone::get(&file.time_zone).unwrap_or(TimeZone::UTC);
        Settings {
            current: RwLock::new((Arc::new(file.clone()), zone)),
            icon: RwLock::new(None),
            file,
        }
    }

    /// The configuration file's settings, before admins' changes.
    pub fn file(&self) -> &SiteSettings {
        &self.file
    }

    /// The settings in force.
    pub fn site(&self) -> Arc<SiteSettings> {
        match self.current.read() {
            Ok(current) => current.0.clone(),
            Err(poisoned) => poisoned.into_inner().0.clone(),
        }
    }

    /// The site's time zone, which dates are shown in and forms read in.
    pub fn time_zone(&self) -> TimeZone {
        match self.current.read() {
            Ok(current) => current.1.clone(),
            Err(poisoned) => poisoned.into_inner().1.clone(),
        }
    }

    /// The stem of the site icon's files in the media folder's `icons/`
    /// (see `media::site_icons`), when admins set one.
    pub fn icon(&self) -> Option<Arc<str>> {
        match self.icon.read() {
            Ok(icon) => icon.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Lays the stored overrides over the file's settings again, and reads
    /// the site's icon.
    pub async fn reload(&self, store: &Store) -> Result<(), StoreError> {
        let icon = store.site_icon().await?.map(Arc::from);
        match self.icon.write() {
            Ok(mut current) => *current = icon,
            Err(poisoned) => *poisoned.into_inner() = icon,
        }
        let overrides = store.site_overrides().await?;
        let site = match self.file.with(&overrides) {
            Ok(site) => site,
            Err(error) => {
                tracing::error!(%error, "stored site settings do not fit this configuration; using the file's");
                self.file.clone()
            }
        };
        let zone = TimeZone::get(&site.time_zone).unwrap_or(TimeZone::UTC);
        let next = (Arc::new(site), zone);
        match self.current.write() {
            Ok(mut current) => *current = next,
            Err(poisoned) => *poisoned.into_inner() = next,
        }
        Ok(())
    }
}
