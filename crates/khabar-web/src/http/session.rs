//! Who is asking: the session cookie, looked up on every request, and the
//! client's address and agent for session lists and rate limits.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use jiff::{SignedDuration, Timestamp};
use khabar_core::secret::hash_token;
use khabar_store::SessionRecord;

use crate::App;

pub const SESSION_COOKIE: &str = "khabar_session";
/// The double-submit token that protects forms shown before sign-in.
pub const FORM_COOKIE: &str = "khabar_form";
/// `last_seen_at` is written at most this often per session.
const TOUCH_EVERY: SignedDuration = SignedDuration::from_mins(5);
/// Longest User-Agent kept for the session list.
const MAX_USER_AGENT: usize = 200;

/// The signed-in person, if any, and facts about the request.
#[derive(Clone, Debug)]
pub struct Viewer {
    pub session: Option<SessionRecord>,
    pub ip: String,
    pub user_agent: String,
    /// The pre-sign-in form token from the request's cookie, if it had one.
    pub form_token: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Viewer>()
            .cloned()
            .unwrap_or_else(|| Viewer {
                session: None,
                ip: "unknown".into(),
                user_agent: String::new(),
                form_token: None,
            }))
    }
}

impl Viewer {
    /// Whether this is the stand-in reader a page shared by signed-in
    /// readers is drawn for (`http::cache::StandIns`): it has no account.
    pub fn stands_in(&self, app: &App) -> bool {
        let stand_in = &app.http_cache.stand_ins().csrf_token;
        !stand_in.is_empty()
            && self
                .session
                .as_ref()
                .is_some_and(|s| s.csrf_token == *stand_in)
    }

    /// Who is asking, as the account use cases see it.
    pub fn client(&self) -> khabar_app::accounts::Client<'_> {
        khabar_app::accounts::Client {
            ip: &self.ip,
            user_agent: &self.user_agent,
            session: self.session.as_ref(),
        }
    }
}

/// The value of cookie `name` in a request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, Secure when the
/// site is served over https. `max_age` 0 deletes the cookie.
pub fn set_cookie(app: &App, name: &str, value: &str, max_age: SignedDuration) -> HeaderValue {
    cookie_header(name, value, max_age, app.base_url.starts_with("https://"))
}

fn cookie_header(name: &str, value: &str, max_age: SignedDuration, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let text = format!(
        "{name}={value}; Max-Age={}; Path=/; HttpOnly; SameSite=Lax{secure}",
        max_age.as_secs().max(0)
    );
    HeaderValue::from_str(&text)
        .unwrap_or_else(|_| HeaderValue::from_static("khabar_invalid=; Max-Age=0"))
}

/// The client's address for rate limits and session lists: the socket peer,
/// or, when the peer is a trusted proxy, the last address in
/// `X-Forwarded-For` that is not one. IPv6 clients are counted by their /64,
/// the block one subscriber gets.
fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> String {
    match client_ip(peer, headers, trusted) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// The client's address: the peer, or when the peer is a trusted proxy,
/// the last address it says it forwarded for that is not a proxy too.
pub(crate) fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    let mut client = peer;
    if trusted.contains(&peer) {
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|part| part.trim().parse::<IpAddr>().ok())
            .collect::<Vec<_>>();
        if let Some(found) = forwarded.iter().rev().find(|ip| !trusted.contains(ip)) {
            client = *found;
        }
    }
    client
}

/// Loads the session named by the request's cookie into its extensions.
pub async fn load_viewer(
    State(app): State<Arc<App>>,
    mut request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    let ip = peer
        .map(|peer| client_address(peer, headers, &app.trusted_proxies))
        .unwrap_or_else(|| "unknown".into());
    let user_agent: String = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .chars()
        .take(MAX_USER_AGENT)
        .collect();
    let form_token = cookie(headers, FORM_COOKIE)
        .filter(|token| token.len() == 68 && token.is_ascii())
        .map(str::to_owned);
    let token = cookie(headers, SESSION_COOKIE)
        .filter(|t| t.len() <= 128)
        .map(str::to_owned);
    let mut session = None;
    if let Some(token) = token {
        let now = Timestamp::now();
        let cache = &app.http_cache;
        match cache.session(&app.store, &hash_token(&token), now).await {
            Ok(Some(found)) => {
                if found.last_seen_at + TOUCH_EVERY < now
                    && let Err(error) = cache
                        .touch_session(&app.store, &found.token_hash, now)
                        .await
                {
                    tracing::warn!(%error, "could not record session use");
                }
                session = Some(found);
            }
            Ok(None) => {}
            Err(error) => tracing::warn!(%error, "session lookup failed"),
        }
    }
    request.extensions_mut().insert(Viewer {
        session,
        ip,
        user_agent,
        form_token,
    });
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_http_only_lax_and_secure_over_https() {
        let https = cookie_header(
            "khabar_session",
            "khs_x",
            SignedDuration::from_hours(1),
            true,
        );
        assert_eq!(
            https,
            "khabar_session=khs_x; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax; Secure"
        );
        let http = cookie_header("khabar_session", "", SignedDuration::ZERO, false);
        assert_eq!(
            http,
            "khabar_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"
        );
    }

    #[test]
    fn client_addresses_behind_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, 203.0.113.7"),
        );
        assert_eq!(client_address(proxy, &headers, &[proxy]), "203.0.113.7");
        // An untrusted peer's header is a lie it can tell.
        assert_eq!(client_address(proxy, &headers, &[]), "10.0.0.2");
        let v6: IpAddr = "2001:db8:aa:bb:1:2:3:4".parse().unwrap();
        assert_eq!(
            client_address(v6, &HeaderMap::new(), &[]),
            "2001:db8:aa:bb::/64"
        );
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(client_address(mapped, &HeaderMap::new(), &[]), "192.0.2.1");
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; khabar_session=khs_y;b=2"),
        );
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("khs_y"));
        assert_eq!(cookie(&headers, "c"), None);
    }
}
