//! Webhooks (docs/webhooks.md): admins register endpoints for event
//! types; the events log becomes signed messages, queued per endpoint.
//! Sending them is the webhooks worker's job; which addresses it may
//! call is decided here, at registration and again at every delivery.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use khabar_core::newsroom::may_manage_people;
use khabar_core::webhook::{WebhookEvent, generate_secret, refused_address};
use khabar_core::{EditionStatus, InvalidInput, Lang, text};
use khabar_store::{
    Account, EditionRecord, Event, NewWebhook, StoreError, Webhook, WebhookChange, WebhookDelivery,
    WebhookMessage,
};

use crate::Context;
use crate::error::{Failure, Kind};
use crate::notifications::{EmailKind, NotificationError};

/// Longest endpoint address, in bytes.
const MAX_URL_BYTES: usize = 2000;
/// Longest description, in characters.
const MAX_DESCRIPTION_CHARS: usize = 200;
/// Most endpoints a site may register.
const MAX_ENDPOINTS: usize = 50;
/// How long resolving an endpoint's host may take.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);
/// The alarm that remembers whether the queues are above the threshold.
const QUEUE_ALARM: &str = "moderation_queue";

/// How webhooks are sent, from the configuration's `[webhooks]`.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// Call loopback, private, link-local and metadata addresses too.
    pub allow_private: bool,
    /// Ranges called even though they are not public.
    pub allow: Vec<ipnet::IpNet>,
    /// The first retry's wait; each next one doubles it.
    pub retry_base: SignedDuration,
    /// How long a message is retried before its endpoint is disabled.
    pub retry_for: SignedDuration,
    /// How long a rotated secret keeps signing beside the new one.
    pub rotation_overlap: SignedDuration,
    /// The moderation queues' size above which the threshold event is sent.
    pub queue_threshold: i64,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        WebhookSettings {
            allow_private: false,
            allow: Vec::new(),
            retry_base: SignedDuration::from_secs(10),
            retry_for: SignedDuration::from_hours(24),
            rotation_overlap: SignedDuration::from_hours(24),
            queue_threshold: 50,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("only admins manage webhooks")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Invalid(#[from] InvalidInput),
    #[error("the secret could not be made: {0}")]
    Internal(String),
    #[error("store: {0}")]
    Store(StoreError),
}

impl From<StoreError> for WebhookError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => WebhookError::NotFound,
            StoreError::Invalid(e) => WebhookError::Invalid(e),
            other => WebhookError::Store(other),
        }
    }
}

impl Failure for WebhookError {
    fn invalid_input(&self) -> Option<&InvalidInput> {
        match self {
            WebhookError::Invalid(e) => Some(e),
            _ => None,
        }
    }

    fn kind(&self) -> Kind {
        match self {
            WebhookError::Forbidden => Kind::Forbidden,
            WebhookError::NotFound => Kind::NotFound,
            WebhookError::Invalid(_) => Kind::Invalid,
            WebhookError::Internal(_) | WebhookError::Store(_) => Kind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            WebhookError::Forbidden => "forbidden",
            WebhookError::NotFound => "not_found",
            WebhookError::Invalid(e) => e.code,
            WebhookError::Internal(_) | WebhookError::Store(_) => "internal",
        }
    }
}

type Result<T, E = WebhookError> = std::result::Result<T, E>;

/// What an admin registers.
#[derive(Debug, Clone, Default)]
pub struct WebhookInput {
    pub url: String,
    pub description: String,
    pub event_types: Vec<String>,
}

/// What an admin changes; `None` keeps the field.
#[derive(Debug, Clone, Default)]
pub struct WebhookUpdate {
    pub url: Option<String>,
    pub description: Option<String>,
    pub event_types: Option<Vec<String>>,
    pub enabled: Option<bool>,
    /// A new secret; the current one keeps signing for the overlap.
    pub rotate_secret: bool,
}

/// An endpoint and, once (on creation or rotation), its new secret.
#[derive(Debug, Clone)]
pub struct Registered {
    pub webhook: Webhook,
    pub secret: Option<String>,
}

/// An admin at work on webhooks.
pub struct Webhooks<'a> {
    ctx: &'a Context,
}

impl<'a> Webhooks<'a> {
    /// Admins only.
    pub fn new(ctx: &'a Context, account: &Account) -> Result<Webhooks<'a>> {
        if may_manage_people(account.role) {
            Ok(Webhooks { ctx })
        } else {
            Err(WebhookError::Forbidden)
        }
    }

    pub async fn list(&self) -> Result<Vec<Webhook>> {
        Ok(self.ctx.store.webhooks().await?)
    }

    pub async fn get(&self, id: i64) -> Result<Webhook> {
        Ok(self.ctx.store.webhook(id).await?)
    }

    /// Registers an endpoint after checking where it points; the secret
    /// is shown this once.
    pub async fn create(&self, account: &Account, input: &WebhookInput) -> Result<Registered> {
        let url = checked_url(&input.url, self.ctx.webhook_settings()).await?;
        let description = checked_description(&input.description)?;
        let event_types = checked_event_types(&input.event_types)?;
        if self.ctx.store.webhooks().await?.len() >= MAX_ENDPOINTS {
            return Err(InvalidInput::new(
                "url",
                "too_many_webhooks",
                format!("a site has at most {MAX_ENDPOINTS} webhook endpoints"),
            )
            .into());
        }
        let secret = generate_secret().map_err(|e| WebhookError::Internal(e.to_string()))?;
        let id = self
            .ctx
            .store
            .create_webhook(NewWebhook {
                url: &url,
                description: &description,
                event_types: &event_types,
                secret: &secret,
                created_by: account.id,
            })
            .await?;
        Ok(Registered {
            webhook: self.ctx.store.webhook(id).await?,
            secret: Some(secret),
        })
    }

    pub async fn update(&self, id: i64, update: &WebhookUpdate) -> Result<Registered> {
        let url = match &update.url {
            Some(url) => Some(checked_url(url, self.ctx.webhook_settings()).await?),
            None => None,
        };
        let description = update
            .description
            .as_deref()
            .map(checked_description)
            .transpose()?;
        let event_types = update
            .event_types
            .as_deref()
            .map(checked_event_types)
            .transpose()?;
        let secret = if update.rotate_secret {
            Some(generate_secret().map_err(|e| WebhookError::Internal(e.to_string()))?)
        } else {
            None
        };
        let until = Timestamp::now() + self.ctx.webhook_settings().rotation_overlap;
        let webhook = self
            .ctx
            .store
            .update_webhook(
                id,
                &WebhookChange {
                    url: url.as_deref(),
                    description: description.as_deref(),
                    event_types: event_types.as_deref(),
                    enabled: update.enabled,
                    rotate: secret.as_deref().map(|s| (s, until)),
                },
            )
            .await?;
        Ok(Registered { webhook, secret })
    }

    pub async fn delete(&self, id: i64) -> Result<()> {
        Ok(self.ctx.store.delete_webhook(id).await?)
    }

    /// An endpoint's latest deliveries, newest first.
    /// An endpoint's deliveries, newest first, older than `before` if given.
    pub async fn deliveries(
        &self,
        id: i64,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<WebhookDelivery>> {
        Ok(self
            .ctx
            .store
            .webhook_deliveries(id, before, i64::from(limit.clamp(1, 200)))
            .await?)
    }

    /// Sends a delivery again (same message id and body), after what the
    /// endpoint has queued.
    pub async fn redeliver(&self, id: i64, delivery_id: i64) -> Result<WebhookDelivery> {
        Ok(self.ctx.store.redeliver_webhook(id, delivery_id).await?)
    }
}

fn checked_description(description: &str) -> Result<String, InvalidInput> {
    text::line("description", description, MAX_DESCRIPTION_CHARS)
}

fn checked_event_types(types: &[String]) -> Result<Vec<String>, InvalidInput> {
    let mut parsed = types
        .iter()
        .map(|t| WebhookEvent::parse(t))
        .collect::<Result<Vec<_>, _>>()?;
    if parsed.is_empty() {
        return Err(InvalidInput::new(
            "event_types",
            "no_event_types",
            "choose at least one event type",
        ));
    }
    parsed.sort_unstable();
    parsed.dedup();
    Ok(parsed.iter().map(|e| e.as_str().to_owned()).collect())
}

/// An endpoint address as stored: http or https, a host, no credentials,
/// and a host that resolves only to addresses webhooks may be sent to.
async fn checked_url(url: &str, settings: &WebhookSettings) -> Result<String, InvalidInput> {
    let parsed = parse_url(url)?;
    resolve(&parsed, settings).await?;
    Ok(parsed.to_string())
}

fn parse_url(url: &str) -> Result<url::Url, InvalidInput> {
    let bad = |message: &str| InvalidInput::new("url", "invalid_webhook_url", message.to_owned());
    if url.len() > MAX_URL_BYTES {
        return Err(bad("the address is too long"));
    }
    let parsed = url::Url::parse(url.trim()).map_err(|_| bad("not an http or https address"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(bad("not an http or https address"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(bad("the address may not carry a user name or password"));
    }
    Ok(parsed)
}

/// Where a webhook is sent: the host as written and the one address to
/// connect to, resolved once.
#[derive(Debug, Clone)]
pub struct Destination {
    pub host: String,
    pub address: SocketAddr,
}

/// Resolves an endpoint's host and refuses it when any address it
/// resolves to is one webhooks are not sent to (unless the settings allow
/// it). The caller connects to the returned address only.
pub async fn destination(
    url: &str,
    settings: &WebhookSettings,
) -> Result<Destination, InvalidInput> {
    resolve(&parse_url(url)?, settings).await
}

async fn resolve(url: &url::Url, settings: &WebhookSettings) -> Result<Destination, InvalidInput> {
    let host = url.host_str().unwrap_or_default().to_owned();
    let port = url.port_or_known_default().unwrap_or(443);
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addresses: Vec<SocketAddr> = match bare.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host((bare, port)))
            .await
            .ok()
            .and_then(|found| found.ok())
            .map(|found| found.collect())
            .unwrap_or_default(),
    };
    let Some(first) = addresses.first().copied() else {
        return Err(InvalidInput::new(
            "url",
            "unresolvable_webhook_host",
            format!("“{host}” does not resolve to an address"),
        ));
    };
    for address in &addresses {
        let ip = address.ip();
        if let Some(why) = refused_address(ip)
            && !settings.allow_private
            && !settings.allow.iter().any(|net| net.contains(&ip))
        {
            return Err(InvalidInput::new(
                "url",
                "webhook_address_refused",
                format!(
                    "“{host}” is {ip}, a {} address; webhooks are only sent there when [webhooks] in the configuration allows it",
                    why.replace('_', "-")
                ),
            ));
        }
    }
    Ok(Destination {
        host: bare.to_owned(),
        address: first,
    })
}

/// Writes to every admin, in their language, that `hook` kept failing and
/// was switched off, with a link to the webhooks screen.
pub async fn tell_admins_disabled(ctx: &Context, hook: &Webhook) -> Result<(), NotificationError> {
    for (recipient, lang) in ctx.store.admin_addresses().await? {
        let lang = Lang::parse(&lang).unwrap_or(ctx.site().default_language);
        let screen = format!("{}/{}/admin/webhooks", ctx.base_url, lang.as_str());
        ctx.send_account_link(
            &recipient,
            lang,
            EmailKind::WebhookDisabled,
            &hook.url,
            &screen,
        )
        .await?;
    }
    Ok(())
}

/// The messages a stretch of the events log makes for the event types in
/// `subscribed`, in log order: each event of such a type, and the queue
/// threshold event when the queues crossed it (docs/webhooks.md). The
/// threshold is watched only while an endpoint is sent it.
pub async fn messages_for(
    ctx: &Context,
    events: &[Event],
    subscribed: &HashSet<String>,
) -> Result<Vec<WebhookMessage>, StoreError> {
    let mut messages = Vec::new();
    let mut queue_moved = None;
    // A burst of comments names the same story again and again.
    let mut editions = HashMap::new();
    for event in events {
        if event.kind.starts_with("comment.") || event.kind == "user.moderated" {
            queue_moved = Some(event);
        }
        let Some(kind) = WebhookEvent::from_log(&event.kind, &event.payload)
            .filter(|kind| subscribed.contains(kind.as_str()))
        else {
            continue;
        };
        let Some(data) = event_data(ctx, kind, event, &mut editions).await? else {
            continue;
        };
        messages.push(message(event.seq, kind, event.created_at, data, ""));
    }
    if let Some(event) = queue_moved
        && subscribed.contains(WebhookEvent::QueueAboveThreshold.as_str())
    {
        let backlog = ctx.store.moderation_backlog().await?;
        let threshold = ctx.webhook_settings().queue_threshold;
        let above = backlog > threshold;
        let was_above = ctx.store.set_webhook_alarm(QUEUE_ALARM, above).await?;
        if above && !was_above {
            let data = serde_json::json!({ "backlog": backlog, "threshold": threshold });
            messages.push(message(
                event.seq,
                WebhookEvent::QueueAboveThreshold,
                event.created_at,
                data,
                "_queue",
            ));
        }
    }
    Ok(messages)
}

fn message(
    seq: i64,
    kind: WebhookEvent,
    at: Timestamp,
    data: serde_json::Value,
    suffix: &str,
) -> WebhookMessage {
    let payload = serde_json::json!({
        "type": kind.as_str(),
        "timestamp": at.to_string(),
        "data": data,
    });
    WebhookMessage {
        event_seq: seq,
        event_type: kind.as_str().to_owned(),
        message_id: format!("msg_khabar_{seq}{suffix}"),
        payload: payload.to_string(),
    }
}

/// The `data` of an event's message; `None` when it is not sent (an
/// edited draft, a second edition's creation, a story since deleted).
async fn event_data(
    ctx: &Context,
    kind: WebhookEvent,
    event: &Event,
    read: &mut HashMap<i64, Vec<EditionRecord>>,
) -> Result<Option<serde_json::Value>, StoreError> {
    let payload = &event.payload;
    let mut data = serde_json::json!({ "event_seq": event.seq });
    if let Some(story_id) = event.story_id {
        let editions = match read.entry(story_id) {
            Entry::Occupied(kept) => kept.into_mut(),
            Entry::Vacant(slot) => slot.insert(ctx.store.story_editions(story_id).await?),
        };
        let this = editions
            .iter()
            .find(|e| Some(e.id) == event.edition_id)
            .or(editions.first());
        let Some(this) = this else {
            return Ok(None);
        };
        let skip = match kind {
            WebhookEvent::EditionUpdated => this.status != EditionStatus::Published,
            WebhookEvent::StoryCreated => editions.first().map(|e| e.id) != event.edition_id,
            _ => false,
        };
        if skip {
            return Ok(None);
        }
        let urls: serde_json::Map<String, serde_json::Value> = editions
            .iter()
            .filter(|e| e.status == EditionStatus::Published)
            .map(|e| {
                let url = story_url(&ctx.base_url, e.lang.as_str(), &e.slug);
                (e.lang.as_str().to_owned(), url.into())
            })
            .collect();
        data["story_id"] = story_id.into();
        data["edition_id"] = this.id.into();
        data["lang"] = this.lang.as_str().into();
        data["slug"] = this.slug.as_str().into();
        data["headline"] = this.headline.as_str().into();
        data["status"] = this.status.as_str().into();
        data["urls"] = urls.into();
    }
    for key in ["comment_id", "parent_id", "user_id", "reason", "action"] {
        if let Some(value) = payload.get(key).filter(|v| !v.is_null()) {
            data[key] = value.clone();
        }
    }
    if kind == WebhookEvent::CommentCreated
        && let Some(status) = payload.get("status")
    {
        data["comment_status"] = status.clone();
    }
    data["actor_id"] = event.actor_id.into();
    Ok(Some(data))
}

/// A story's public address in one language (`/{lang}/story/{slug}`,
/// the slug percent-encoded) under the site's base URL.
fn story_url(base_url: &str, lang: &str, slug: &str) -> String {
    match url::Url::parse(base_url) {
        Ok(mut url) => {
            if let Ok(mut segments) = url.path_segments_mut() {
                segments.pop_if_empty().extend([lang, "story", slug]);
            }
            url.to_string()
        }
        Err(_) => format!("{base_url}/{lang}/story/{slug}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn story_urls_encode_arabic_slugs() {
        assert_eq!(
            story_url("https://news.example", "ar", "انتخابات-2026"),
            "https://news.example/ar/story/%D8%A7%D9%86%D8%AA%D8%AE%D8%A7%D8%A8%D8%A7%D8%AA-2026"
        );
        assert_eq!(
            story_url("http://127.0.0.1:8080/news", "en", "vote"),
            "http://127.0.0.1:8080/news/en/story/vote"
        );
    }

    #[test]
    fn event_types_are_checked_and_kept_in_order() {
        let types = |list: &[&str]| {
            checked_event_types(&list.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>())
        };
        assert_eq!(
            types(&["comment.created", "edition.published", "comment.created"]).unwrap(),
            vec!["edition.published", "comment.created"]
        );
        assert_eq!(types(&[]).unwrap_err().code, "no_event_types");
        assert_eq!(types(&["nope"]).unwrap_err().code, "unknown_event_type");
    }

    #[tokio::test]
    async fn addresses_are_refused_unless_allowed() {
        let strict = WebhookSettings::default();
        for url in [
            "http://127.0.0.1/hook",
            "http://10.0.0.1/hook",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]:8080/hook",
            "http://localhost/hook",
            "http://[fd00:ec2::254]/",
        ] {
            let refused = destination(url, &strict).await.unwrap_err();
            assert_eq!(refused.code, "webhook_address_refused", "{url}");
        }
        for url in ["ftp://example.com/", "http://user:pw@example.com/", "hook"] {
            assert_eq!(
                destination(url, &strict).await.unwrap_err().code,
                "invalid_webhook_url",
                "{url}"
            );
        }
        let allowed = WebhookSettings {
            allow: vec!["10.0.0.0/8".parse().unwrap()],
            ..WebhookSettings::default()
        };
        let found = destination("http://10.0.0.1:9000/hook", &allowed)
            .await
            .unwrap();
        assert_eq!(found.address, "10.0.0.1:9000".parse().unwrap());
        assert!(destination("http://127.0.0.1/", &allowed).await.is_err());
        let open = WebhookSettings {
            allow_private: true,
            ..WebhookSettings::default()
        };
        assert_eq!(
            destination("http://[::1]:81/", &open)
                .await
                .unwrap()
                .address,
            "[::1]:81".parse().unwrap()
        );
    }
}
