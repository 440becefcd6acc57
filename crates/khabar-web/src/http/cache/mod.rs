//! HTTP caching for every GET: a strong ETag from the bytes sent, 304
//! answers to conditional requests, Cache-Control by kind of page, the
//! surrogate keys a CDN purges by, and br/gzip compression.
//!
//! Compression happens here rather than in a separate layer because a
//! strong ETag names exact bytes: the gzip and brotli forms of a page each
//! get their own tag (`"…-gz"`, `"…-br"`), and a 304 never needs the
//! compressed body at all.

use std::collections::{HashMap, VecDeque};
use std::io::Write;
use std::sync::Arc;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::http::session::{SESSION_COOKIE, cookie};

/// How long caches may keep public pages, and where purges go.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CacheSettings {
    /// Seconds a browser may show a public page without asking again.
    pub max_age: u32,
    /// Seconds a shared cache (CDN) may keep a public page; purges end it
    /// sooner when `purge_url` is set.
    pub shared_max_age: u32,
    /// Seconds a stale page may still be served while it is refetched.
    pub stale_while_revalidate: u32,
    /// Where purge requests are POSTed when stories or comments change
    /// (`Surrogate-Key` header and a JSON body); unset: no purges.
    pub purge_url: Option<String>,
    /// Sent as `Authorization: Bearer …` with each purge.
    pub purge_token: Option<String>,
}

impl Default for CacheSettings {
    fn default() -> Self {
        CacheSettings {
            max_age: 60,
            shared_max_age: 300,
            stale_while_revalidate: 600,
            purge_url: None,
            purge_token: None,
        }
    }
}

impl CacheSettings {
    fn public_header(&self) -> HeaderValue {
        let value = format!(
            "public, max-age={}, s-maxage={}, stale-while-revalidate={}, stale-if-error=86400",
            self.max_age, self.shared_max_age, self.stale_while_revalidate
        );
        HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("public, max-age=60"))
    }
}

/// What the caching layer keeps between requests.
#[derive(Default)]
pub struct HttpCache {
    settings: CacheSettings,
    compressed: CompressedBodies,
}

impl HttpCache {
    pub fn new(settings: CacheSettings) -> HttpCache {
        HttpCache {
            settings,
            compressed: CompressedBodies::default(),
        }
    }
}

/// The surrogate keys a response is tagged with; a purge of any of them
/// drops it from the CDN.
pub mod keys {
    /// Every public page: its name, languages and dates change with the
    /// site settings.
    pub const SITE: &str = "site";
    pub const HOME: &str = "home";
    pub const FEEDS: &str = "feeds";
    pub const SITEMAPS: &str = "sitemaps";

    pub fn story(id: i64) -> String {
        format!("story-{id}")
    }

    pub fn section(id: i64) -> String {
        format!("section-{id}")
    }

    pub fn tag(id: i64) -> String {
        format!("tag-{id}")
    }

    pub fn author(id: i64) -> String {
        format!("author-{id}")
    }
}

/// The surrogate keys of every page a batch of logged changes touched.
/// A published story changes its own pages, the lists it is on, the home
/// pages, feeds and sitemaps; a comment changes its story's pages.
pub async fn purge_keys(
    store: &khabar_store::Store,
    events: &[khabar_store::Event],
) -> Result<std::collections::BTreeSet<String>, khabar_store::StoreError> {
    use std::collections::BTreeSet;
    let mut purged = BTreeSet::new();
    // A batch often holds many events of one story (an edit, its publish,
    // a run of comments): each story's places are read once.
    let mut changed_stories = BTreeSet::new();
    let mut checked_editions = std::collections::BTreeMap::new();
    for event in events {
        if event.kind == khabar_core::EventKind::SiteSettingsChanged.as_str() {
            purged.insert(keys::SITE.to_owned());
        }
        let Some(story_id) = event.story_id else {
            continue;
        };
        match event.kind.as_str() {
            "edition.published" | "edition.unpublished" => {
                changed_stories.insert(story_id);
            }
            "edition.edited" => {
                // A draft's edits change no public page.
                let Some(edition_id) = event.edition_id else {
                    continue;
                };
                let public = match checked_editions.get(&edition_id) {
                    Some(public) => *public,
                    None => {
                        let public = store.edition(edition_id).await?.status
                            == khabar_core::EditionStatus::Published;
                        *checked_editions.entry(edition_id).or_insert(public)
                    }
                };
                if public {
                    changed_stories.insert(story_id);
                }
            }
            kind if kind.starts_with("comment.") => {
                purged.insert(keys::story(story_id));
            }
            _ => {}
        }
    }
    if !changed_stories.is_empty() {
        purged.extend([keys::HOME, keys::FEEDS, keys::SITEMAPS].map(String::from));
    }
    for story_id in changed_stories {
        let places = store.story_places(story_id).await?;
        purged.insert(keys::story(story_id));
        purged.extend(places.section_id.map(keys::section));
        purged.extend(places.tag_ids.into_iter().map(keys::tag));
        purged.extend(places.author_ids.into_iter().map(keys::author));
    }
    Ok(purged)
}

/// Marks a response as the same for every anonymous reader, so shared
/// caches may keep it; the keys name what it shows. Unmarked responses
/// are private.
#[derive(Debug, Clone, Default)]
pub struct Public(pub Vec<String>);

impl Public {
    pub fn on(self, mut response: Response) -> Response {
        response.extensions_mut().insert(self);
        response
    }
}

/// Bodies larger than this are streamed as they are, without a tag.
const MAX_TAGGED_BYTES: usize = 8 * 1024 * 1024;
/// Below this, compression costs more than it saves.
const MIN_COMPRESSED_BYTES: usize = 512;
/// Brotli quality for pages made per request: close to gzip's speed, and
/// still smaller.
const BROTLI_QUALITY: u32 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Coding {
    Identity,
    Gzip,
    Brotli,
}

impl Coding {
    fn header(self) -> Option<&'static str> {
        match self {
            Coding::Identity => None,
            Coding::Gzip => Some("gzip"),
            Coding::Brotli => Some("br"),
        }
    }

    fn tag_suffix(self) -> &'static str {
        match self {
            Coding::Identity => "",
            Coding::Gzip => "-gz",
            Coding::Brotli => "-br",
        }
    }
}

pub async fn layer(State(cache): State<Arc<HttpCache>>, request: Request, next: Next) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return next.run(request).await;
    }
    let headers = request.headers();
    let if_none_match = headers.get(header::IF_NONE_MATCH).cloned();
    let accepted = accepted_codings(headers);
    let signed_in = cookie(headers, SESSION_COOKIE).is_some();
    let mut response = next.run(request).await;

    let public = response.extensions_mut().remove::<Public>();
    let shareable = public.is_some()
        && !signed_in
        && !response.headers().contains_key(header::SET_COOKIE)
        && !response.headers().contains_key(header::CACHE_CONTROL);
    let response_headers = response.headers_mut();
    if shareable {
        response_headers.insert(header::CACHE_CONTROL, cache.settings.public_header());
        response_headers.append(header::VARY, HeaderValue::from_static("Cookie"));
        let mut keys = public.map(|p| p.0).unwrap_or_default();
        keys.push(keys::SITE.to_owned());
        if let Ok(value) = HeaderValue::from_str(&keys.join(" ")) {
            response_headers.insert("surrogate-key", value);
        }
        if let Ok(value) = HeaderValue::from_str(&keys.join(",")) {
            response_headers.insert("cache-tag", value);
        }
    } else if !response_headers.contains_key(header::CACHE_CONTROL) {
        // A signed-in reader's pages stay off disk; anything else the
        // browser may keep, but must ask again about, with its ETag.
        response_headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(if signed_in {
                "private, no-store"
            } else {
                "private, no-cache"
            }),
        );
    }

    if !is_taggable(&response) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_TAGGED_BYTES).await else {
        // `is_taggable` checked the size; a body that fails to read is
        // a handler's error and ends as one.
        return Response::from_parts(parts, Body::empty());
    };
    let compressible = is_compressible(&parts.headers);
    if compressible {
        parts
            .headers
            .append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    }
    let coding = if compressible && bytes.len() >= MIN_COMPRESSED_BYTES {
        accepted
    } else {
        Coding::Identity
    };
    let digest = Sha256::digest(&bytes);
    let key: ContentKey = digest[..12].try_into().unwrap_or_default();
    let etag = format!("\"{}{}\"", hex::encode(key), coding.tag_suffix());
    if let Ok(value) = HeaderValue::from_str(&etag) {
        parts.headers.insert(header::ETAG, value);
    }
    if if_none_match.is_some_and(|value| matches_etag(&value, &etag)) {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        parts.headers.remove(header::CONTENT_TYPE);
        return Response::from_parts(parts, Body::empty());
    }
    let body = match cache.compressed.get_or_compress(key, coding, &bytes) {
        Some(compressed) => {
            if let Some(name) = coding.header() {
                parts
                    .headers
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static(name));
            }
            compressed
        }
        None => bytes,
    };
    parts
        .headers
        .insert(header::CONTENT_LENGTH, body.len().into());
    Response::from_parts(parts, Body::from(body))
}

/// The first bytes of a body's SHA-256: its ETag, and its name in the
/// cache of compressed forms.
type ContentKey = [u8; 12];

/// Most bytes of compressed bodies kept.
const COMPRESSED_CACHE_BYTES: usize = 16 * 1024 * 1024;

/// Compressed forms of recent bodies by content and coding, so that a page
/// many readers open is compressed once per version rather than once per
/// request. Oldest out first when full.
#[derive(Default)]
pub struct CompressedBodies {
    kept: std::sync::Mutex<CompressedKept>,
}

#[derive(Default)]
struct CompressedKept {
    bodies: HashMap<(ContentKey, Coding), Bytes>,
    order: VecDeque<(ContentKey, Coding)>,
    total: usize,
}

impl CompressedBodies {
    fn get_or_compress(&self, key: ContentKey, coding: Coding, bytes: &[u8]) -> Option<Bytes> {
        if coding == Coding::Identity {
            return None;
        }
        if let Some(found) = self
            .kept
            .lock()
            .ok()
            .and_then(|kept| kept.bodies.get(&(key, coding)).cloned())
        {
            return Some(found);
        }
        let compressed = Bytes::from(compress(coding, bytes)?);
        if let Ok(mut kept) = self.kept.lock()
            && compressed.len() <= COMPRESSED_CACHE_BYTES
            && !kept.bodies.contains_key(&(key, coding))
        {
            while kept.total + compressed.len() > COMPRESSED_CACHE_BYTES {
                let Some(oldest) = kept.order.pop_front() else {
                    break;
                };
                if let Some(gone) = kept.bodies.remove(&oldest) {
                    kept.total -= gone.len();
                }
            }
            kept.total += compressed.len();
            kept.order.push_back((key, coding));
            kept.bodies.insert((key, coding), compressed.clone());
        }
        Some(compressed)
    }
}

/// A complete, modest 200 whose bytes nobody has tagged yet: pages, feeds,
/// API answers and theme assets, but not live streams or uploaded files
/// (those carry Last-Modified from the file server).
fn is_taggable(response: &Response) -> bool {
    let headers = response.headers();
    response.status() == StatusCode::OK
        && !headers.contains_key(header::ETAG)
        && !headers.contains_key(header::LAST_MODIFIED)
        && !headers.contains_key(header::CONTENT_ENCODING)
        && !headers
            .get(header::CONTENT_TYPE)
            .is_some_and(|t| t.as_bytes().starts_with(b"text/event-stream"))
        && axum::body::HttpBody::size_hint(response.body())
            .exact()
            .is_some_and(|size| size <= MAX_TAGGED_BYTES as u64)
}

fn is_compressible(headers: &HeaderMap) -> bool {
    let Some(content_type) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|t| t.to_str().ok())
    else {
        return false;
    };
    content_type.starts_with("text/")
        || content_type.contains("json")
        || content_type.contains("xml")
        || content_type.starts_with("image/svg")
}

/// The best coding the client accepts: br, then gzip. A coding with
/// `q=0` is refused.
fn accepted_codings(headers: &HeaderMap) -> Coding {
    let Some(value) = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
    else {
        return Coding::Identity;
    };
    let accepts = |name: &str| {
        value.split(',').any(|item| {
            let mut parts = item.split(';').map(str::trim);
            parts.next().is_some_and(|n| n.eq_ignore_ascii_case(name))
                && !parts.any(|p| {
                    p.strip_prefix("q=")
                        .is_some_and(|q| q.parse::<f32>().is_ok_and(|q| q <= 0.0))
                })
        })
    };
    if accepts("br") {
        Coding::Brotli
    } else if accepts("gzip") {
        Coding::Gzip
    } else {
        Coding::Identity
    }
}

/// `If-None-Match` uses the weak comparison: `W/"x"` matches `"x"`.
fn matches_etag(if_none_match: &HeaderValue, etag: &str) -> bool {
    let Ok(value) = if_none_match.to_str() else {
        return false;
    };
    value.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == etag
    })
}

fn compress(coding: Coding, bytes: &[u8]) -> Option<Vec<u8>> {
    match coding {
        Coding::Identity => None,
        Coding::Gzip => {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            encoder.write_all(bytes).ok()?;
            encoder.finish().ok()
        }
        Coding::Brotli => {
            let mut out = Vec::with_capacity(bytes.len() / 3);
            let params = brotli::enc::BrotliEncoderParams {
                quality: BROTLI_QUALITY as i32,
                ..Default::default()
            };
            brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).ok()?;
            Some(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::response::IntoResponse;
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    /// One request through the layer, to a handler that answers `page`
    /// marked public, plus `extra` headers.
    async fn through_layer(
        method: Method,
        request_headers: &[(&str, &str)],
        extra: &'static [(&'static str, &'static str)],
    ) -> Response {
        let handler = move || async move {
            let mut response = "خبر — a page for everyone. ".repeat(40).into_response();
            for (name, value) in extra {
                response
                    .headers_mut()
                    .insert(*name, HeaderValue::from_static(value));
            }
            Public(vec!["story-1".into(), keys::HOME.into()]).on(response)
        };
        let router = Router::new().route("/", get(handler).post(handler)).layer(
            axum::middleware::from_fn_with_state(Arc::new(HttpCache::default()), layer),
        );
        let mut request = Request::builder().method(method).uri("/");
        for (name, value) in request_headers {
            request = request.header(*name, *value);
        }
        router
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap()
    }

    fn value(response: &Response, name: header::HeaderName) -> String {
        response
            .headers()
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect::<Vec<_>>()
            .join(", ")
    }

    #[tokio::test]
    async fn public_answers_are_shared_tagged_and_validated() {
        let response = through_layer(Method::GET, &[], &[]).await;
        assert!(value(&response, header::CACHE_CONTROL).starts_with("public, max-age=60"));
        assert_eq!(value(&response, header::VARY), "Cookie, Accept-Encoding");
        assert_eq!(response.headers()["surrogate-key"], "story-1 home site");
        assert_eq!(response.headers()["cache-tag"], "story-1,home,site");
        let etag = value(&response, header::ETAG);
        // HEAD is tagged as GET is; the tag answers 304.
        let head = through_layer(Method::HEAD, &[], &[]).await;
        assert_eq!(value(&head, header::ETAG), etag);
        let again = through_layer(Method::GET, &[("if-none-match", &etag)], &[]).await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        // Changes are left alone.
        let post = through_layer(Method::POST, &[], &[]).await;
        assert!(post.headers().get(header::ETAG).is_none());
        assert!(post.headers().get(header::CACHE_CONTROL).is_none());
    }

    #[tokio::test]
    async fn a_signed_in_reader_or_a_cookie_keeps_an_answer_private() {
        let signed_in = through_layer(Method::GET, &[("cookie", "khabar_session=abc")], &[]).await;
        assert_eq!(
            value(&signed_in, header::CACHE_CONTROL),
            "private, no-store"
        );
        assert!(signed_in.headers().get("surrogate-key").is_none());
        let sets_cookie = through_layer(
            Method::GET,
            &[],
            &[("set-cookie", "khabar_form=x; HttpOnly")],
        )
        .await;
        assert_eq!(
            value(&sets_cookie, header::CACHE_CONTROL),
            "private, no-cache"
        );
        let decided = through_layer(Method::GET, &[], &[("cache-control", "no-store")]).await;
        assert_eq!(value(&decided, header::CACHE_CONTROL), "no-store");
    }

    fn with(name: header::HeaderName, value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn codings_are_chosen_by_preference_and_refusal() {
        let pick = |value| accepted_codings(&with(header::ACCEPT_ENCODING, value));
        assert_eq!(pick("gzip, deflate, br"), Coding::Brotli);
        assert_eq!(pick("gzip"), Coding::Gzip);
        assert_eq!(pick("br;q=0, gzip;q=0.5"), Coding::Gzip);
        assert_eq!(pick("identity"), Coding::Identity);
        assert_eq!(accepted_codings(&HeaderMap::new()), Coding::Identity);
    }

    #[test]
    fn if_none_match_compares_weakly_and_in_lists() {
        let etag = "\"abc-br\"";
        for value in ["\"abc-br\"", "W/\"abc-br\"", "\"x\", \"abc-br\"", "*"] {
            assert!(
                matches_etag(&HeaderValue::from_static(value), etag),
                "{value}"
            );
        }
        for value in ["\"abc\"", "\"abc-gz\"", ""] {
            assert!(
                !matches_etag(&HeaderValue::from_static(value), etag),
                "{value}"
            );
        }
    }

    #[test]
    fn a_body_is_compressed_once_per_version() {
        let cache = CompressedBodies::default();
        let page = "صفحة ".repeat(500);
        let first = cache
            .get_or_compress([1; 12], Coding::Brotli, page.as_bytes())
            .unwrap();
        // Same key: the kept bytes come back, whatever is passed.
        let again = cache
            .get_or_compress([1; 12], Coding::Brotli, b"other")
            .unwrap();
        assert_eq!(first.as_ptr(), again.as_ptr());
        let gzip = cache
            .get_or_compress([1; 12], Coding::Gzip, page.as_bytes())
            .unwrap();
        assert_ne!(first, gzip);
        assert!(
            cache
                .get_or_compress([1; 12], Coding::Identity, page.as_bytes())
                .is_none()
        );
        let kept = cache.kept.lock().unwrap();
        assert_eq!(kept.total, first.len() + gzip.len());
        assert_eq!(kept.order.len(), 2);
    }

    #[test]
    fn compressed_bodies_come_back_whole() {
        let text = "خبر عاجل — breaking news. ".repeat(200);
        let gz = compress(Coding::Gzip, text.as_bytes()).unwrap();
        let mut decoded = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut decoded)
            .unwrap();
        assert_eq!(decoded, text);
        let br = compress(Coding::Brotli, text.as_bytes()).unwrap();
        let mut decoded = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut decoded).unwrap();
        assert_eq!(decoded, text.as_bytes());
        assert!(br.len() < text.len() / 10);
    }
}
