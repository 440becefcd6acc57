//! Layered configuration: built-in defaults, then a TOML file, then
//! `KHABAR_*` environment variables (nested keys joined by `__`, e.g.
//! `KHABAR_SITE__TIME_ZONE`), then command-line flags.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::error::Kind;
use figment::providers::{Env, Format, Serialized, Toml};
use khabar_core::SiteSettings;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Where the SQLite database, search index and media live.
    pub data_dir: PathBuf,
    /// `postgres://…` to use PostgreSQL; unset for SQLite in `data_dir`.
    pub database_url: Option<String>,
    /// A theme folder whose files override the embedded default theme.
    pub theme_dir: Option<PathBuf>,
    /// Addresses of proxies in front of khabar (load balancer, CDN) whose
    /// `X-Forwarded-For` names the reader; without them every reader
    /// behind the proxy shares its rate limits.
    #[serde(default)]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// What an acknowledged write survives: `process-crash` (the default)
    /// or `power-loss` (SQLite syncs every commit); see docs/durability.md.
    #[serde(default)]
    pub durability: khabar_store::Durability,
    /// Timeouts and caps on connections and live streams.
    #[serde(default)]
    pub limits: khabar_web::Limits,
    pub log: LogSettings,
    pub mail: MailSettings,
    /// Cache lifetimes of public pages and the CDN purge address.
    #[serde(default)]
    pub cache: khabar_web::http::cache::CacheSettings,
    /// Where uploads live: `<data_dir>/media` or an S3-compatible bucket.
    #[serde(default)]
    pub media: khabar_app::media_store::MediaSettings,
    /// Who may read `/metrics`: a bearer token, allowed networks, or by
    /// default this machine only.
    #[serde(default)]
    pub metrics: khabar_web::http::metrics::MetricsAccess,
    /// Where webhooks may be sent and how long they are retried.
    #[serde(default)]
    pub webhooks: WebhookConfig,
    /// Which other sites may embed discussions (docs/embed.md).
    #[serde(default)]
    pub embed: EmbedConfig,
    pub site: SiteSettings,
}

/// `[embed]` (docs/embed.md).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EmbedConfig {
    /// Origins whose pages may embed discussions, such as
    /// `https://blog.example`; none (the default) turns embedding off.
    pub allowed_origins: Vec<String>,
    /// Host URLs that share one discussion: `from` a URL, or a prefix
    /// ending in `*`; `to` the URL whose discussion they share.
    pub aliases: Vec<khabar_app::embed::Alias>,
}

impl EmbedConfig {
    /// The use cases' form of these settings, or the key that is wrong
    /// and why.
    pub fn settings(&self) -> Result<khabar_app::embed::EmbedSettings, (&'static str, String)> {
        khabar_app::embed::EmbedSettings::new(&self.allowed_origins, &self.aliases).map_err(|e| {
            let key = if e.field == "allowed_origins" {
                "embed.allowed_origins"
            } else {
                "embed.aliases"
            };
            (key, e.message)
        })
    }
}

/// `[webhooks]` (docs/webhooks.md).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebhookConfig {
    /// Send to loopback, private, link-local and metadata addresses too
    /// (a test receiver, an intranet).
    pub allow_private: bool,
    /// Networks sent to even though they are not public, as CIDRs.
    pub allow: Vec<ipnet::IpNet>,
    /// Seconds before the first retry; each next one waits twice as long.
    pub retry_base: u64,
    /// Seconds a message is retried before its endpoint is disabled.
    pub retry_for: u64,
    /// Hours a rotated secret keeps signing beside the new one.
    pub rotation_overlap_hours: u64,
    /// Held, reported and flagged comments above which the
    /// `moderation.queue_above_threshold` event is sent.
    pub queue_threshold: i64,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        let app = khabar_app::webhooks::WebhookSettings::default();
        WebhookConfig {
            allow_private: app.allow_private,
            allow: app.allow,
            retry_base: app.retry_base.as_secs().unsigned_abs(),
            retry_for: app.retry_for.as_secs().unsigned_abs(),
            rotation_overlap_hours: (app.rotation_overlap.as_secs() / 3600).unsigned_abs(),
            queue_threshold: app.queue_threshold,
        }
    }
}

impl WebhookConfig {
    /// The use cases' and worker's form of these settings.
    pub fn settings(&self) -> khabar_app::webhooks::WebhookSettings {
        let secs =
            |n: u64| jiff::SignedDuration::from_secs(i64::try_from(n).unwrap_or(i64::MAX / 2));
        khabar_app::webhooks::WebhookSettings {
            allow_private: self.allow_private,
            allow: self.allow.clone(),
            retry_base: secs(self.retry_base.max(1)),
            retry_for: secs(self.retry_for),
            rotation_overlap: secs(self.rotation_overlap_hours.saturating_mul(3600)),
            queue_threshold: self.queue_threshold,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailSettings {
    /// The sender, such as `Khabar <newsroom@news.example>`.
    pub from: String,
    /// `smtps://user:password@smtp.example:465` (TLS) or
    /// `smtp://…?tls=required` (STARTTLS). Unset: messages are written as
    /// `.eml` files under `<data_dir>/mail` and their links logged.
    pub smtp_url: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub format: LogFormat,
    /// A tracing filter such as `info` or `khabar=debug,sqlx=warn`;
    /// `RUST_LOG` wins when set.
    pub level: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./khabar-data"),
            database_url: None,
            theme_dir: None,
            trusted_proxies: Vec::new(),
            durability: Default::default(),
            limits: Default::default(),
            log: LogSettings {
                format: LogFormat::Text,
                level: "info".into(),
            },
            mail: MailSettings {
                from: "Khabar <newsroom@localhost>".into(),
                smtp_url: None,
            },
            cache: Default::default(),
            media: Default::default(),
            metrics: Default::default(),
            webhooks: Default::default(),
            embed: Default::default(),
            site: SiteSettings::default(),
        }
    }
}

/// Flags that override everything else.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<SocketAddr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration file {0} does not exist")]
    MissingFile(PathBuf),
    #[error("configuration: {0}")]
    Unreadable(Box<figment::Error>),
    #[error("configuration key `{key}`: {message}")]
    Invalid { key: &'static str, message: String },
}

/// Whether an SMTP URL keeps passwords and links off the wire in clear: TLS
/// from the start, STARTTLS required, or a server on this machine.
fn smtp_is_encrypted(url: &str) -> bool {
    let loopback = ["smtp://127.0.0.1", "smtp://localhost", "smtp://[::1]"];
    url.starts_with("smtps://")
        || url.contains("tls=required")
        || loopback.iter().any(|prefix| {
            url.strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '/', '?']))
        })
}

/// Environment variables that share the prefix but are not settings.
const NOT_SETTINGS: &[&str] = &["config", "test_database_url"];

/// The `KHABAR_*` variables read as settings, without `ignored` (dotted
/// keys such as `site.colour`).
fn environment(ignored: &[String]) -> Env {
    let ignored = ignored.to_vec();
    Env::prefixed("KHABAR_").split("__").filter(move |key| {
        let is = |other: &str| key.as_str().eq_ignore_ascii_case(other);
        !NOT_SETTINGS.iter().any(|other| is(other)) && !ignored.iter().any(|other| is(other))
    })
}

/// The variable that sets a dotted key: `site.time_zone` is
/// `KHABAR_SITE__TIME_ZONE`.
fn variable(key: &str) -> String {
    format!("KHABAR_{}", key.replace('.', "__").to_ascii_uppercase())
}

/// When `error` is an unknown key that came from the environment (a
/// wrapper script's `KHABAR_BIN`, a typo): the key, and a warning naming
/// the variable and the closest known key. A file's unknown key stays an
/// error.
fn unknown_variable(error: &figment::Error, from_env: &[String]) -> Option<(String, String)> {
    let Kind::UnknownField(field, expected) = &error.kind else {
        return None;
    };
    // The path names the unknown key itself, as the environment spells it.
    let parents = match error.path.last() {
        Some(last) if last.eq_ignore_ascii_case(field) => &error.path[..error.path.len() - 1],
        _ => &error.path[..],
    };
    let parent: String = parents
        .iter()
        .map(|part| format!("{}.", part.to_ascii_lowercase()))
        .collect();
    let key = format!("{parent}{}", field.to_ascii_lowercase());
    if !from_env
        .iter()
        .any(|known| known.eq_ignore_ascii_case(&key))
    {
        return None;
    }
    let field = field.to_ascii_lowercase();
    let closest = expected
        .iter()
        .map(|candidate| (strsim::levenshtein(&field, candidate), candidate))
        .min()
        .filter(|(distance, _)| *distance <= 2.max(field.len() / 3));
    let hint = match closest {
        Some((_, candidate)) => format!(
            " (did you mean {}?)",
            variable(&format!("{parent}{candidate}"))
        ),
        None => String::new(),
    };
    let warning = format!(
        "ignoring the environment variable {}: not a configuration key{hint}",
        variable(&key)
    );
    Some((key, warning))
}

impl Config {
    /// The configuration, and warnings for `KHABAR_*` environment
    /// variables that name no setting (they are ignored: a wrapper script
    /// may set its own). A bad value for a known key is an error.
    pub fn load(
        file: Option<&Path>,
        overrides: &Overrides,
    ) -> Result<(Config, Vec<String>), ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            if !file.is_file() {
                return Err(ConfigError::MissingFile(file.to_owned()));
            }
            figment = figment.merge(Toml::file_exact(file));
        }
        let from_env: Vec<String> = environment(&[])
            .iter()
            .map(|(key, _)| key.into_string())
            .collect();
        let mut ignored = Vec::new();
        let mut warnings = Vec::new();
        // Serde names one unknown key at a time: drop it and read again.
        let config: Config = loop {
            let read = figment
                .clone()
                .merge(environment(&ignored))
                .merge(Serialized::defaults(overrides))
                .extract();
            match read {
                Ok(config) => break config,
                Err(error) => match unknown_variable(&error, &from_env) {
                    Some((key, warning)) if !ignored.contains(&key) => {
                        ignored.push(key);
                        warnings.push(warning);
                    }
                    _ => return Err(ConfigError::Unreadable(Box::new(error))),
                },
            }
        };
        if let Err((key, message)) = config.metrics.check() {
            return Err(ConfigError::Invalid { key, message });
        }
        if let Err((key, message)) = config.media.check() {
            return Err(ConfigError::Invalid { key, message });
        }
        if let Err((key, message)) = config.embed.settings() {
            return Err(ConfigError::Invalid { key, message });
        }
        if let Err((key, message)) = config.limits.check() {
            return Err(ConfigError::Invalid {
                key,
                message: message.into(),
            });
        }
        config.site.validate().map_err(|e| ConfigError::Invalid {
            key: e.field,
            message: e.message,
        })?;
        if let Some(url) = &config.cache.purge_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            return Err(ConfigError::Invalid {
                key: "cache.purge_url",
                message: format!("“{url}” is not an http:// or https:// address"),
            });
        }
        if config.site.base_url.is_none() && !config.listen.ip().is_loopback() {
            return Err(ConfigError::Invalid {
                key: "site.base_url",
                message: format!(
                    "required when listening on {} (not loopback): canonical links and hreflang \
                     alternates need the public address, such as https://news.example",
                    config.listen
                ),
            });
        }
        if config
            .mail
            .from
            .parse::<lettre::message::Mailbox>()
            .is_err()
        {
            return Err(ConfigError::Invalid {
                key: "mail.from",
                message: format!(
                    "“{}” is not an address such as Khabar <newsroom@news.example>",
                    config.mail.from
                ),
            });
        }
        if let Some(url) = &config.mail.smtp_url
            && (lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(url).is_err()
                || !smtp_is_encrypted(url))
        {
            return Err(ConfigError::Invalid {
                key: "mail.smtp_url",
                message: "use smtps://user:password@host:465 or smtp://user:password@host:587?tls=required".into(),
            });
        }
        if let Some(url) = &config.database_url
            && !url.is_empty()
            && khabar_store::Backend::of_url(url).is_err()
        {
            return Err(ConfigError::Invalid {
                key: "database_url",
                message: "must start with postgres:// or sqlite://".into(),
            });
        }
        Ok((config, warnings))
    }

    /// The database to use: `database_url`, or SQLite in the data dir.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.is_empty() => url.clone(),
            _ => format!("sqlite://{}", self.data_dir.join("khabar.db").display()),
        }
    }

    /// Where messages go when no SMTP server is configured.
    pub fn mail_dir(&self) -> PathBuf {
        self.data_dir.join("mail")
    }

    /// The local media folder: the store's when `media.store` is
    /// `local`, and what `khabar migrate-media` copies from.
    pub fn media_dir(&self) -> PathBuf {
        self.data_dir.join("media")
    }

    /// The media store the configuration names.
    pub fn media_store(
        &self,
    ) -> Result<khabar_app::media_store::MediaStore, khabar_app::media_store::MediaStoreError> {
        self.media.open(&self.media_dir())
    }

    /// The search index: derived from the database, rebuilt when missing.
    pub fn search_dir(&self) -> PathBuf {
        self.data_dir.join("search-index")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_toml(text: &str) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("khabar.toml");
        std::fs::write(&path, text).unwrap();
        Config::load(Some(&path), &Overrides::default()).map(|(config, _)| config)
    }

    #[test]
    fn file_values_apply_over_defaults() {
        let config =
            load_toml("[site]\ntime_zone = \"Asia/Beirut\"\ndefault_language = \"en\"\n").unwrap();
        assert_eq!(config.site.time_zone, "Asia/Beirut");
        assert_eq!(config.site.default_language.as_str(), "en");
        assert_eq!(config.listen.port(), 8080);
    }

    #[test]
    fn bad_values_name_their_key() {
        let err = load_toml("[site]\ntime_zone = \"Mars/Olympus\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("site.time_zone"), "{err}");
        let err = load_toml("listen = \"not an address\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("listen"), "{err}");
        let err = load_toml("[site]\ndefault_language = \"ARABIC\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("default_language"), "{err}");
        let err = load_toml("colour = \"red\"\n").unwrap_err().to_string();
        assert!(err.contains("colour"), "{err}");
        let err = load_toml("[mail]\nfrom = \"not an address\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("mail.from"), "{err}");
        let err = load_toml("[mail]\nsmtp_url = \"ftp://x\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("mail.smtp_url"), "{err}");
        let plain = load_toml("[mail]\nsmtp_url = \"smtp://u:p@mail.example:25\"\n");
        assert!(
            plain.unwrap_err().to_string().contains("mail.smtp_url"),
            "plain SMTP to another host"
        );
        for fine in [
            "smtps://u:p@mail.example:465",
            "smtp://u:p@mail.example:587?tls=required",
            "smtp://127.0.0.1:2525",
        ] {
            assert!(
                load_toml(&format!("[mail]\nsmtp_url = \"{fine}\"\n")).is_ok(),
                "{fine}"
            );
        }
        let err = load_toml("this is not toml").unwrap_err().to_string();
        assert!(err.contains("khabar.toml"), "{err}");
    }

    #[test]
    fn a_public_listener_needs_a_base_url() {
        let err = load_toml("listen = \"0.0.0.0:8080\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("site.base_url"), "{err}");
        let config =
            load_toml("listen = \"0.0.0.0:8080\"\n[site]\nbase_url = \"https://news.example\"\n")
                .unwrap();
        assert_eq!(
            config.site.base_url.as_deref(),
            Some("https://news.example")
        );
    }

    #[test]
    fn flags_win() {
        let overrides = Overrides {
            listen: Some("127.0.0.1:9999".parse().unwrap()),
            data_dir: Some("/tmp/elsewhere".into()),
        };
        let (config, _) = Config::load(None, &overrides).unwrap();
        assert_eq!(config.listen.port(), 9999);
        assert!(
            config
                .database_url()
                .starts_with("sqlite:///tmp/elsewhere/")
        );
    }
}
