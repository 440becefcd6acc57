//! The discussion on another site (docs/embed.md): which origins may embed
//! khabar's threads, how a host page's URL becomes its thread's key, the
//! thread opened on first use, and comment counts for host index pages.

use std::collections::HashMap;

use khabar_core::{InvalidInput, Lang, text};
use khabar_store::{EmbedThread, NewEmbedThread, RateDecision, StoreError};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::Context;
use crate::error::{Failure, Kind};

/// Longest host page URL taken, in bytes.
const MAX_URL_BYTES: usize = 2_048;
/// Longest host page title kept, in characters.
const MAX_TITLE_CHARS: usize = 300;
/// URLs one counts request may name.
pub const MAX_COUNT_URLS: usize = 100;
/// New threads one address may open per hour: host pages open them as
/// readers arrive, but a script inventing URLs must not fill the store.
const NEW_THREADS_PER_HOUR: i64 = 120;
/// Query parameters that say where a reader came from, not which page.
const TRACKING: [&str; 2] = ["fbclid", "gclid"];

#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error("{0}")]
    Invalid(#[from] InvalidInput),
    /// No origin may embed threads (`[embed] allowed_origins` is empty).
    #[error("embedding is off on this site")]
    Off,
    #[error("pages of {0} may not embed this site's discussions")]
    OriginNotAllowed(String),
    #[error("too many new discussions from this address; retry later")]
    TooMany(jiff::SignedDuration),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Failure for EmbedError {
    fn invalid_input(&self) -> Option<&InvalidInput> {
        match self {
            EmbedError::Invalid(e) => Some(e),
            _ => None,
        }
    }

    fn kind(&self) -> Kind {
        match self {
            EmbedError::Invalid(_) => Kind::Invalid,
            EmbedError::Off => Kind::NotFound,
            EmbedError::OriginNotAllowed(_) => Kind::Forbidden,
            EmbedError::TooMany(wait) => Kind::TooMany(*wait),
            EmbedError::Store(e) => e.kind(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            EmbedError::Invalid(e) => e.code,
            EmbedError::Off => "embed_off",
            EmbedError::OriginNotAllowed(_) => "origin_not_allowed",
            EmbedError::TooMany(_) => "too_many_attempts",
            EmbedError::Store(e) => e.code(),
        }
    }
}

/// Several host URLs sharing one thread: `from` is a URL, or a prefix when
/// it ends in `*`; `to` the URL whose thread they share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alias {
    pub from: String,
    pub to: String,
}

/// `[embed]` as the use cases read it: origins and aliases normalized.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmbedSettings {
    origins: Vec<String>,
    /// (normalized `from`, whether it is a prefix, normalized `to`).
    aliases: Vec<(String, bool, String)>,
}

impl EmbedSettings {
    /// Checks and normalizes the configured origins (`https://host[:port]`)
    /// and aliases.
    pub fn new(origins: &[String], aliases: &[Alias]) -> Result<EmbedSettings, InvalidInput> {
        let origins = origins
            .iter()
            .map(|origin| checked_origin(origin))
            .collect::<Result<Vec<_>, _>>()?;
        let aliases = aliases
            .iter()
            .map(|alias| {
                let (from, prefix) = match alias.from.strip_suffix('*') {
                    Some(stem) => (stem, true),
                    None => (alias.from.as_str(), false),
                };
                let from = normalize(from)?.key;
                // A prefix keeps its trailing slash: `/blog/*` is not `/blog-x`.
                let from = if prefix && alias.from.ends_with("/*") && !from.ends_with('/') {
                    format!("{from}/")
                } else {
                    from
                };
                Ok((from, prefix, normalize(&alias.to)?.key))
            })
            .collect::<Result<Vec<_>, InvalidInput>>()?;
        Ok(EmbedSettings { origins, aliases })
    }

    /// Whether any origin may embed threads.
    pub fn enabled(&self) -> bool {
        !self.origins.is_empty()
    }

    /// The origins that may embed threads, as `scheme://host[:port]`.
    pub fn origins(&self) -> &[String] {
        &self.origins
    }

    /// Whether pages of `origin` (as a browser sends it) may embed threads.
    pub fn allows(&self, origin: &str) -> bool {
        self.origins.iter().any(|allowed| allowed == origin)
    }

    /// The key of the thread `page` may have here: its normalized URL, or
    /// the one an alias maps it to; refused unless its origin may embed
    /// or an alias (the operator's word that it belongs here) maps it.
    pub fn thread_key(&self, page: &PageUrl) -> Result<String, EmbedError> {
        if !self.enabled() {
            return Err(EmbedError::Off);
        }
        if !self.allows(&page.origin) && self.alias_of(page).is_none() {
            return Err(EmbedError::OriginNotAllowed(page.origin.clone()));
        }
        Ok(self.key_of(page))
    }

    /// The key of the thread a host page shares: its normalized URL, or
    /// the one an alias maps it to.
    fn key_of(&self, page: &PageUrl) -> String {
        self.alias_of(page)
            .map_or_else(|| page.key.clone(), str::to_owned)
    }

    /// The URL an alias maps `page` to, if one does.
    fn alias_of(&self, page: &PageUrl) -> Option<&str> {
        self.aliases
            .iter()
            .find(|(from, prefix, _)| {
                if *prefix {
                    page.key.starts_with(from.as_str())
                } else {
                    page.key == *from
                }
            })
            .map(|(_, _, to)| to.as_str())
    }
}

fn checked_origin(origin: &str) -> Result<String, InvalidInput> {
    let wrong = || {
        InvalidInput::new(
            "allowed_origins",
            "invalid_origin",
            format!("“{origin}” is not an origin such as https://blog.example"),
        )
    };
    let url = Url::parse(origin.trim()).map_err(|_| wrong())?;
    if !matches!(url.scheme(), "http" | "https")
        || url.host().is_none()
        || url.path() != "/"
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(wrong());
    }
    Ok(url.origin().ascii_serialization())
}

/// A host page's URL as khabar keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageUrl {
    /// Scheme and host lowercase, default port, fragment, credentials and
    /// tracking parameters dropped, no trailing slash but the root's.
    pub key: String,
    /// `scheme://host[:port]`.
    pub origin: String,
}

/// Normalizes an absolute http(s) URL: the same page reached by slightly
/// different addresses gets one key.
pub fn normalize(url: &str) -> Result<PageUrl, InvalidInput> {
    let wrong = |why: &str| InvalidInput::new("url", "invalid_url", why.to_owned());
    if url.len() > MAX_URL_BYTES {
        return Err(wrong("the page URL is too long"));
    }
    let mut parsed = Url::parse(url.trim()).map_err(|_| wrong("not an absolute URL"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(wrong("not an http or https URL"));
    }
    parsed.set_fragment(None);
    // Both succeed for http(s) URLs with a host.
    let _ = parsed.set_username("");
    let _ = parsed.set_password(None);
    let kept: Vec<(String, String)> = parsed
        .query_pairs()
        .filter(|(name, _)| !name.starts_with("utm_") && !TRACKING.contains(&name.as_ref()))
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    if kept.is_empty() {
        parsed.set_query(None);
    } else {
        parsed.query_pairs_mut().clear().extend_pairs(kept);
    }
    let path = parsed.path().to_owned();
    if path.len() > 1 && path.ends_with('/') {
        parsed.set_path(path.trim_end_matches('/'));
    }
    Ok(PageUrl {
        origin: parsed.origin().ascii_serialization(),
        key: parsed.to_string(),
    })
}

/// The thread of the host page `url` (titled `title`, in `lang`), opened
/// now if it has none; refused unless the page's origin may embed, and
/// past [`NEW_THREADS_PER_HOUR`] new ones from the `client` address.
pub async fn open_thread(
    ctx: &Context,
    client: &str,
    url: &str,
    title: &str,
    lang: Lang,
) -> Result<EmbedThread, EmbedError> {
    let settings = ctx.embed_settings();
    if !settings.enabled() {
        return Err(EmbedError::Off);
    }
    let page = normalize(url)?;
    let key = settings.thread_key(&page)?;
    if let Some(thread) = ctx.store.embed_thread(&key).await? {
        return Ok(thread);
    }
    let bucket = format!("embed-thread:{client}");
    let hour = jiff::SignedDuration::from_hours(1);
    if let RateDecision::Limited { retry_after } = ctx
        .store
        .count_attempt(&bucket, NEW_THREADS_PER_HOUR, hour, jiff::Timestamp::now())
        .await?
    {
        return Err(EmbedError::TooMany(retry_after));
    }
    let title = thread_title(title, &page);
    Ok(ctx
        .store
        .open_embed_thread(NewEmbedThread {
            url_key: &key,
            url: &page.key,
            title: &title,
            origin: &page.origin,
            lang,
        })
        .await?)
}

/// The title a thread keeps for its host page: `title` as one line, or
/// the page's URL when that cannot be shown (no reason to refuse a
/// thread).
pub fn thread_title(title: &str, page: &PageUrl) -> String {
    text::line("title", title, MAX_TITLE_CHARS)
        .ok()
        .filter(|title| text::is_visible(title))
        .unwrap_or_else(|| page.key.clone())
}

/// The visible comments on each host page of `urls` (a page without a
/// thread yet has none), keyed by the URL as given.
pub async fn counts(ctx: &Context, urls: &[String]) -> Result<HashMap<String, i64>, EmbedError> {
    if urls.len() > MAX_COUNT_URLS {
        return Err(InvalidInput::new(
            "url",
            "too_many_urls",
            format!("at most {MAX_COUNT_URLS} URLs at once"),
        )
        .into());
    }
    let settings = ctx.embed_settings();
    if !settings.enabled() {
        return Err(EmbedError::Off);
    }
    let keys = urls
        .iter()
        .map(|url| Ok(settings.key_of(&normalize(url)?)))
        .collect::<Result<Vec<_>, InvalidInput>>()?;
    let mut distinct = keys.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let found = ctx.store.embed_comment_counts(&distinct).await?;
    Ok(urls
        .iter()
        .zip(keys)
        .map(|(url, key)| (url.clone(), found.get(&key).copied().unwrap_or(0)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(url: &str) -> String {
        normalize(url).unwrap().key
    }

    #[test]
    fn one_page_one_key() {
        let plain = "https://blog.example/2026/vote";
        for variant in [
            "https://blog.example/2026/vote",
            "HTTPS://Blog.Example/2026/vote",
            "https://blog.example:443/2026/vote",
            "https://blog.example/2026/vote/",
            "https://blog.example/2026/vote#comments",
            "https://blog.example/2026/vote?utm_source=x&utm_medium=y",
            "https://blog.example/2026/vote?fbclid=abc",
            "https://blog.example/2026/vote?gclid=abc#top",
            "https://reader:secret@blog.example/2026/vote",
        ] {
            assert_eq!(key(variant), plain, "{variant}");
        }
        assert_eq!(
            key("http://blog.example:8080/"),
            "http://blog.example:8080/"
        );
        assert_eq!(key("https://blog.example"), "https://blog.example/");
        // Other parameters name another page, in their order.
        assert_eq!(
            key("https://blog.example/list?page=2&utm_campaign=z&lang=ar"),
            "https://blog.example/list?page=2&lang=ar"
        );
        assert_eq!(
            normalize("https://blog.example:8443/a").unwrap().origin,
            "https://blog.example:8443"
        );
        // Non-ASCII paths stay one key however they were written.
        assert_eq!(
            key("https://blog.example/خبر"),
            key("https://blog.example/%D8%AE%D8%A8%D8%B1/")
        );
    }

    #[test]
    fn bad_urls_are_refused() {
        for url in [
            "/relative",
            "javascript:alert(1)",
            "ftp://blog.example/",
            "data:text/html,hi",
            "",
        ] {
            assert_eq!(normalize(url).unwrap_err().code, "invalid_url", "{url}");
        }
        let long = format!("https://blog.example/{}", "a".repeat(MAX_URL_BYTES));
        assert_eq!(normalize(&long).unwrap_err().code, "invalid_url");
    }

    #[test]
    fn aliases_map_urls_and_prefixes_to_one_thread() {
        let settings = EmbedSettings::new(
            &["https://blog.example".to_owned()],
            &[
                Alias {
                    from: "https://m.blog.example/vote".to_owned(),
                    to: "https://blog.example/vote".to_owned(),
                },
                Alias {
                    from: "https://blog.example/live/*".to_owned(),
                    to: "https://blog.example/live".to_owned(),
                },
            ],
        )
        .unwrap();
        let key = |url: &str| settings.key_of(&normalize(url).unwrap());
        assert_eq!(
            key("https://m.blog.example/vote/"),
            "https://blog.example/vote"
        );
        assert_eq!(
            key("https://blog.example/live/1"),
            "https://blog.example/live"
        );
        assert_eq!(
            key("https://blog.example/live/2?utm_source=a"),
            "https://blog.example/live"
        );
        assert_eq!(
            key("https://blog.example/lively"),
            "https://blog.example/lively"
        );
        assert!(settings.allows("https://blog.example"));
        assert!(!settings.allows("https://m.blog.example"));
    }

    #[test]
    fn origins_are_checked() {
        let settings = EmbedSettings::new(&["HTTPS://Blog.Example:443/".to_owned()], &[]).unwrap();
        assert_eq!(settings.origins(), ["https://blog.example"]);
        for wrong in [
            "blog.example",
            "https://blog.example/path",
            "ftp://blog.example",
        ] {
            assert_eq!(
                EmbedSettings::new(&[wrong.to_owned()], &[])
                    .unwrap_err()
                    .code,
                "invalid_origin",
                "{wrong}"
            );
        }
        assert!(!EmbedSettings::default().enabled());
    }
}
