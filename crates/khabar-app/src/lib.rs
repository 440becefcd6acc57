//! khabar's use cases. Each takes the small [`Context`] (store, search
//! index, site settings, letters), checks who may do it and returns typed
//! results; the public pages, the JSON API and the CLI all call these, so
//! a permission check lives here and nowhere else.

pub mod accounts;
pub mod comments;
pub mod embed;
mod error;
pub mod export;
pub mod front;
pub mod import;
pub mod media;
pub mod media_store;
pub mod moderation;
pub mod newsroom;
pub mod notifications;
pub mod query;
pub mod search;
mod settings;
pub mod tokens;
pub mod webhooks;

use std::sync::{Arc, RwLock};

use khabar_core::Lang;
use khabar_core::moderation::WordLists;
use khabar_search::SearchIndex;
use khabar_store::Store;

pub use error::{Failure, Kind};
pub use notifications::{Composed, EmailKind, Letters};
pub use settings::Settings;

/// What every use case needs, built once per node.
pub struct Context {
    pub store: Store,
    /// Published editions and comments, searchable.
    pub search: Arc<SearchIndex>,
    /// The site settings in force, with admins' changes laid over the file's.
    pub settings: Arc<Settings>,
    /// Absolute base of every link in mail, without a trailing slash.
    pub base_url: String,
    /// Where uploads, their variants and the site icons are kept.
    pub media: media_store::MediaStore,
    /// Composes the mail the use cases send (the theme's templates).
    letters: Arc<dyn Letters>,
    /// How webhooks are sent and where they may go (set once at start).
    webhooks: std::sync::OnceLock<webhooks::WebhookSettings>,
    /// Which origins may embed threads (set once at start).
    embed: std::sync::OnceLock<embed::EmbedSettings>,
    /// The word lists compiled, and the store's version they were built at.
    word_lists: RwLock<(i64, Arc<WordLists>)>,
}

impl Context {
    pub fn new(
        store: Store,
        search: Arc<SearchIndex>,
        settings: Arc<Settings>,
        base_url: &str,
        media: media_store::MediaStore,
        letters: Arc<dyn Letters>,
    ) -> Context {
        Context {
            store,
            search,
            settings,
            base_url: base_url.trim_end_matches('/').to_owned(),
            media,
            letters,
            webhooks: std::sync::OnceLock::new(),
            embed: std::sync::OnceLock::new(),
            word_lists: RwLock::new((-1, Arc::new(khabar_text::wordlist::WordMatcher::new([])))),
        }
    }

    /// Sets how webhooks are sent, once, before the node serves; `false`
    /// when they were already set (or read).
    pub fn set_webhook_settings(&self, settings: webhooks::WebhookSettings) -> bool {
        self.webhooks.set(settings).is_ok()
    }

    /// How webhooks are sent: as set at start, else the defaults.
    pub fn webhook_settings(&self) -> &webhooks::WebhookSettings {
        self.webhooks.get_or_init(Default::default)
    }

    /// Sets which origins may embed threads, once, before the node serves;
    /// `false` when they were already set (or read).
    pub fn set_embed_settings(&self, settings: embed::EmbedSettings) -> bool {
        self.embed.set(settings).is_ok()
    }

    /// Which origins may embed threads: as set at start, else none.
    pub fn embed_settings(&self) -> &embed::EmbedSettings {
        self.embed.get_or_init(Default::default)
    }

    /// The site settings in force: the file's, with admins' changes.
    pub fn site(&self) -> Arc<khabar_core::SiteSettings> {
        self.settings.site()
    }

    /// The site's languages, in configured order.
    pub fn languages(&self) -> Vec<Lang> {
        self.site().languages.iter().map(|l| l.code).collect()
    }

    /// A language of the site by its code.
    pub fn lang(&self, code: &str) -> Option<Lang> {
        Lang::parse(code)
            .ok()
            .filter(|lang| self.site().dir_of(*lang).is_some())
    }

    /// `lang` when the site has it, else the site's default language.
    pub fn served_lang(&self, lang: Lang) -> Lang {
        let site = self.site();
        if site.dir_of(lang).is_some() {
            lang
        } else {
            site.default_language
        }
    }

    /// Lays the stored settings over the file's again: at start and
    /// whenever the log says an admin changed them (on any node).
    pub async fn reload_site(&self) -> Result<(), khabar_store::StoreError> {
        self.settings.reload(&self.store).await
    }
}
