//! Webhooks: the event types admins subscribe endpoints to, which entries
//! of the events log they come from, how a message is signed (the
//! Standard Webhooks convention) and which addresses are never called.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::InvalidInput;
use crate::secret::RandomnessUnavailable;

/// What an endpoint can be told of. The names are part of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WebhookEvent {
    EditionPublished,
    EditionUpdated,
    EditionUnpublished,
    EditionScheduled,
    StoryCreated,
    CommentCreated,
    CommentApproved,
    CommentRejected,
    CommentReported,
    ReaderWarned,
    ReaderSuspended,
    ReaderBanned,
    /// The moderation queues went from at most the threshold to above it.
    QueueAboveThreshold,
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 13] = [
        WebhookEvent::EditionPublished,
        WebhookEvent::EditionUpdated,
        WebhookEvent::EditionUnpublished,
        WebhookEvent::EditionScheduled,
        WebhookEvent::StoryCreated,
        WebhookEvent::CommentCreated,
        WebhookEvent::CommentApproved,
        WebhookEvent::CommentRejected,
        WebhookEvent::CommentReported,
        WebhookEvent::ReaderWarned,
        WebhookEvent::ReaderSuspended,
        WebhookEvent::ReaderBanned,
        WebhookEvent::QueueAboveThreshold,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEvent::EditionPublished => "edition.published",
            WebhookEvent::EditionUpdated => "edition.updated",
            WebhookEvent::EditionUnpublished => "edition.unpublished",
            WebhookEvent::EditionScheduled => "edition.scheduled",
            WebhookEvent::StoryCreated => "story.created",
            WebhookEvent::CommentCreated => "comment.created",
            WebhookEvent::CommentApproved => "comment.approved",
            WebhookEvent::CommentRejected => "comment.rejected",
            WebhookEvent::CommentReported => "comment.reported",
            WebhookEvent::ReaderWarned => "reader.warned",
            WebhookEvent::ReaderSuspended => "reader.suspended",
            WebhookEvent::ReaderBanned => "reader.banned",
            WebhookEvent::QueueAboveThreshold => "moderation.queue_above_threshold",
        }
    }

    pub fn parse(text: &str) -> Result<WebhookEvent, InvalidInput> {
        WebhookEvent::ALL
            .into_iter()
            .find(|event| event.as_str() == text)
            .ok_or_else(|| {
                InvalidInput::new(
                    "event_types",
                    "unknown_event_type",
                    format!("no webhook event type “{text}”"),
                )
            })
    }

    /// The event type an entry of the events log is, if any: its kind
    /// and, for moderation, the action in its payload. Whether an edited
    /// edition is live or a created edition starts its story is the
    /// caller's to check (the log does not say).
    pub fn from_log(kind: &str, payload: &serde_json::Value) -> Option<WebhookEvent> {
        let action = payload["action"].as_str().unwrap_or_default();
        Some(match (kind, action) {
            ("edition.published", _) => WebhookEvent::EditionPublished,
            ("edition.edited", _) => WebhookEvent::EditionUpdated,
            ("edition.unpublished", _) => WebhookEvent::EditionUnpublished,
            ("edition.scheduled", _) => WebhookEvent::EditionScheduled,
            ("edition.created", _) => WebhookEvent::StoryCreated,
            ("comment.created", _) => WebhookEvent::CommentCreated,
            ("comment.reported", _) => WebhookEvent::CommentReported,
            ("comment.moderated", "approve") => WebhookEvent::CommentApproved,
            ("comment.moderated", "reject") => WebhookEvent::CommentRejected,
            ("user.moderated", "warn") => WebhookEvent::ReaderWarned,
            ("user.moderated", "suspend") => WebhookEvent::ReaderSuspended,
            ("user.moderated", "ban") => WebhookEvent::ReaderBanned,
            _ => return None,
        })
    }
}

/// An endpoint's signing secret in the convention's form: `whsec_` and
/// 24 random bytes in base64.
pub fn generate_secret() -> Result<String, RandomnessUnavailable> {
    let mut bytes = [0u8; 24];
    getrandom::getrandom(&mut bytes).map_err(|e| RandomnessUnavailable(e.to_string()))?;
    Ok(format!("whsec_{}", STANDARD.encode(bytes)))
}

/// The `webhook-signature` entry for one secret: `v1,` and the base64
/// HMAC-SHA256 of `{id}.{timestamp}.{body}` keyed with the secret's bytes.
/// `None` for a secret not in the `whsec_<base64>` form.
pub fn sign(secret: &str, message_id: &str, timestamp: i64, body: &str) -> Option<String> {
    let key = STANDARD.decode(secret.strip_prefix("whsec_")?).ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{message_id}.{timestamp}.").as_bytes());
    mac.update(body.as_bytes());
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// Why khabar will not call an address unless the configuration allows
/// it: the machine itself, private and link-local networks, cloud
/// metadata services. `None`: a public address.
pub fn refused_address(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => refused_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => refused_v4(v4),
            None => refused_v6(v6),
        },
    }
}

fn refused_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip == Ipv4Addr::new(169, 254, 169, 254) || ip == Ipv4Addr::new(100, 100, 100, 200) {
        Some("metadata")
    } else if ip.is_unspecified() || a == 0 {
        Some("unspecified")
    } else if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_private() || (a == 100 && (64..128).contains(&b)) {
        // 100.64.0.0/10 is carrier-grade NAT: private in practice.
        Some("private")
    } else if ip.is_link_local() {
        Some("link_local")
    } else if ip.is_multicast() || ip.is_broadcast() || a >= 240 {
        Some("not_unicast")
    } else {
        None
    }
}

fn refused_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let first = ip.segments()[0];
    if ip == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) {
        Some("metadata")
    } else if ip.is_unspecified() {
        Some("unspecified")
    } else if ip.is_loopback() {
        Some("loopback")
    } else if first & 0xfe00 == 0xfc00 {
        Some("unique_local")
    } else if first & 0xffc0 == 0xfe80 {
        Some("link_local")
    } else if ip.is_multicast() {
        Some("not_unicast")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_types_round_trip_and_unknown_ones_are_refused() {
        for event in WebhookEvent::ALL {
            assert_eq!(WebhookEvent::parse(event.as_str()).unwrap(), event);
        }
        assert_eq!(
            WebhookEvent::parse("edition.deleted").unwrap_err().code,
            "unknown_event_type"
        );
    }

    #[test]
    fn log_entries_map_to_event_types() {
        let action = |a: &str| serde_json::json!({ "action": a });
        let none = serde_json::Value::Null;
        assert_eq!(
            WebhookEvent::from_log("comment.moderated", &action("approve")),
            Some(WebhookEvent::CommentApproved)
        );
        assert_eq!(
            WebhookEvent::from_log("user.moderated", &action("ban")),
            Some(WebhookEvent::ReaderBanned)
        );
        assert_eq!(
            WebhookEvent::from_log("user.moderated", &action("unban")),
            None
        );
        assert_eq!(WebhookEvent::from_log("comment.liked", &none), None);
        assert_eq!(
            WebhookEvent::from_log("edition.edited", &none),
            Some(WebhookEvent::EditionUpdated)
        );
    }

    #[test]
    fn signatures_follow_the_convention() {
        // The example of the Standard Webhooks specification's libraries.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let signature = sign(
            secret,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(
            signature.as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
        assert_eq!(sign("nope", "id", 1, "{}"), None);
        let fresh = generate_secret().unwrap();
        assert!(fresh.starts_with("whsec_") && sign(&fresh, "id", 1, "{}").is_some());
    }

    #[test]
    fn private_and_metadata_addresses_are_refused() {
        let refused = |text: &str| refused_address(text.parse().unwrap());
        assert_eq!(refused("127.0.0.1"), Some("loopback"));
        assert_eq!(refused("10.0.0.1"), Some("private"));
        assert_eq!(refused("192.168.1.9"), Some("private"));
        assert_eq!(refused("169.254.169.254"), Some("metadata"));
        assert_eq!(refused("169.254.1.1"), Some("link_local"));
        assert_eq!(refused("0.0.0.0"), Some("unspecified"));
        assert_eq!(refused("::1"), Some("loopback"));
        assert_eq!(refused("::"), Some("unspecified"));
        assert_eq!(refused("::ffff:127.0.0.1"), Some("loopback"));
        assert_eq!(refused("fd00:ec2::254"), Some("metadata"));
        assert_eq!(refused("fd12::1"), Some("unique_local"));
        assert_eq!(refused("fe80::1"), Some("link_local"));
        assert_eq!(refused("93.184.215.14"), None);
        assert_eq!(refused("2606:2800:21f:cb07:6820:80da:af6b:8b2c"), None);
    }
}
