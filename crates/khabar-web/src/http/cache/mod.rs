//! HTTP caching for every GET: a strong ETag from the bytes sent, 304
//! answers to conditional requests, Cache-Control by kind of page, the
//! surrogate keys a CDN purges by, br/gzip compression, and the page
//! cache: anonymous pages rendered once and served from memory until the
//! events log touches one of their keys (`pages.rs`).
//!
//! Compression happens here rather than in a separate layer because a
//! strong ETag names exact bytes: the gzip and brotli forms of a page each
//! get their own tag (`"…-gz"`, `"…-br"`), and a 304 never needs the
//! compressed body at all.

mod coding;
pub mod keys;
mod pages;
mod personal;
mod readers;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use jiff::Timestamp;
use khabar_app::Context;
use khabar_store::{ReaderOnPage, SessionRecord, Store, StoreError, TokenRecord};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::http::session::{SESSION_COOKIE, cookie};
use coding::{
    Coding, CompressedBodies, ContentKey, MIN_COMPRESSED_BYTES, accepted_codings, compress,
    is_compressible, matches_etag,
};
pub use keys::purge_keys;
pub(crate) use pages::Page;
use pages::Served;
pub use pages::{PageCache, PageCacheReport};
pub(crate) use personal::{ReaderValues, StandIns};
use readers::Readers;
pub use readers::ReadersReport;

/// How long caches may keep public pages, where purges go, and how much
/// memory rendered pages may take.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CacheSettings {
    /// Seconds a browser may show a public page without asking again; the
    /// page cache renders a page again after as long, changed or not.
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
    /// Megabytes of rendered pages kept in memory (0: none); the least
    /// useful go first when full.
    pub memory_mb: u32,
}

impl Default for CacheSettings {
    fn default() -> Self {
        CacheSettings {
            max_age: 60,
            shared_max_age: 300,
            stale_while_revalidate: 600,
            purge_url: None,
            purge_token: None,
            memory_mb: 64,
        }
    }
}

impl CacheSettings {
    /// For a [`Revalidated`] page: browsers ask again each time (a 304 when
    /// unchanged); shared caches keep it as any public page.
    fn revalidated_header(&self) -> HeaderValue {
        let value = format!(
            "public, max-age=0, must-revalidate, s-maxage={}",
            self.shared_max_age
        );
        HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("no-cache"))
    }

    fn public_header(&self) -> HeaderValue {
        let value = format!(
            "public, max-age={}, s-maxage={}, stale-while-revalidate={}, stale-if-error=86400",
            self.max_age, self.shared_max_age, self.stale_while_revalidate
        );
        HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("public, max-age=60"))
    }
}

/// What the caching layer keeps between requests.
pub struct HttpCache {
    settings: CacheSettings,
    compressed: CompressedBodies,
    /// Rendered anonymous pages; none without a context to follow the
    /// log with, or with `memory_mb = 0`.
    pages: Option<Arc<PageCache>>,
    /// The markers of the pages signed-in readers share.
    stand_ins: StandIns,
}

impl Default for HttpCache {
    fn default() -> Self {
        HttpCache::new(CacheSettings::default(), None)
    }
}

impl HttpCache {
    pub fn new(settings: CacheSettings, ctx: Option<Arc<Context>>) -> HttpCache {
        let capacity = u64::from(settings.memory_mb) * 1024 * 1024;
        let lifetime = Duration::from_secs(u64::from(settings.max_age.max(1)));
        let pages = ctx
            .filter(|_| capacity > 0)
            .map(|ctx| Arc::new(PageCache::new(ctx, capacity, lifetime)));
        HttpCache {
            settings,
            compressed: CompressedBodies::default(),
            pages,
            stand_ins: StandIns::new(),
        }
    }

    pub(crate) fn stand_ins(&self) -> &StandIns {
        &self.stand_ins
    }

    /// The page plain signed-in readers of `address` share (drawn for the
    /// stand-in reader), kept, or made now by `render`, which also names
    /// the edition shown. With it, whether it was kept (`"hit"`) or made
    /// (`"miss"`). `None`: the page cache cannot vouch for it now.
    pub(crate) async fn shared_page<F, Fut>(
        &self,
        address: &str,
        render: F,
    ) -> Option<(Arc<Page>, &'static str)>
    where
        F: FnOnce(&StandIns) -> Fut,
        Fut: Future<Output = Option<(Response, i64)>>,
    {
        let pages = self.pages.as_ref()?;
        if !self.stand_ins.usable() {
            return None;
        }
        let rendered_at = pages.ready().await?;
        let key = format!("reader {address}");
        // A signed-in reader may have just commented: never a stale page.
        let turn = match pages.find(&key, false).await {
            Ok((page, _)) => return Some((page, "hit")),
            Err(turn) => turn,
        };
        let rendered = render(&self.stand_ins).await;
        if let Some(turn) = &turn {
            turn.rendered();
        }
        let (response, edition_id) = rendered?;
        if !pages::keepable(response.status()) {
            return None;
        }
        let mut keys = response.extensions().get::<Public>()?.0.clone();
        keys.push(keys::SITE.to_owned());
        let (parts, body) = response.into_parts();
        let body = to_bytes(body, MAX_TAGGED_BYTES).await.ok()?;
        let page = Arc::new(Page {
            tag: content_key(&[&body]),
            headers: parts.headers,
            body,
            gzip: None,
            brotli: None,
            keys,
            rendered_at,
            born: Instant::now(),
            edition_id: Some(edition_id),
        });
        pages.missed();
        pages.keep(key, page.clone());
        Some((page, "miss"))
    }

    /// The page cache, to follow the log and report on.
    pub fn pages(&self) -> Option<&Arc<PageCache>> {
        self.pages.as_ref()
    }

    /// Where the log stands applied, if memory may answer now.
    async fn vouched(&self) -> Option<(&Readers, Option<i64>)> {
        let pages = self.pages.as_ref()?;
        Some((&pages.readers, pages.ready().await))
    }

    /// The live session with this hash, from memory while the log vouches
    /// for it ([`readers`]).
    pub(crate) async fn session(
        &self,
        store: &Store,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<SessionRecord>, StoreError> {
        match self.vouched().await {
            Some((readers, read_at)) => readers.session(store, read_at, token_hash, now).await,
            None => store.session(token_hash, now).await,
        }
    }

    /// Records that a session was used at `now`.
    pub(crate) async fn touch_session(
        &self,
        store: &Store,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        store.touch_session(token_hash, now).await?;
        if let Some(pages) = &self.pages {
            pages.readers.session_used(token_hash, now);
        }
        Ok(())
    }

    /// The unrevoked access token with this hash; see [`HttpCache::session`].
    pub(crate) async fn access_token(
        &self,
        store: &Store,
        token_hash: &str,
    ) -> Result<Option<TokenRecord>, StoreError> {
        match self.vouched().await {
            Some((readers, read_at)) => readers.access_token(store, read_at, token_hash).await,
            None => store.access_token(token_hash).await,
        }
    }

    /// Records that an access token was used at `now`.
    pub(crate) async fn touch_access_token(
        &self,
        store: &Store,
        token: &TokenRecord,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        store.touch_access_token(token.id, now).await?;
        if let Some(pages) = &self.pages {
            pages.readers.token_used(token_hash, now);
        }
        Ok(())
    }

    /// A reader's part in an edition; see [`HttpCache::session`].
    pub(crate) async fn reader_on_edition(
        &self,
        store: &Store,
        user_id: i64,
        edition_id: i64,
    ) -> Result<ReaderOnPage, StoreError> {
        match self.vouched().await {
            Some((readers, read_at)) => {
                readers
                    .reader_on_edition(store, read_at, user_id, edition_id)
                    .await
            }
            None => store.reader_on_edition(user_id, edition_id).await,
        }
    }
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

/// Marks a [`Public`] response that browsers must ask about again before
/// each use, while the page cache and CDNs keep it: a page whose readers
/// cannot be told apart by a cookie, though some of them just changed it
/// (an embedded discussion, where the reader who commented reloads).
#[derive(Debug, Clone, Copy)]
pub struct Revalidated;

/// Bodies larger than this are streamed as they are, without a tag.
const MAX_TAGGED_BYTES: usize = 8 * 1024 * 1024;

/// What a GET asked for that decides the answer's form.
struct Asked {
    if_none_match: Option<HeaderValue>,
    coding: Coding,
    /// The address to find the page under, for a reader nobody knows
    /// (no session, no token) while the page cache is on.
    page_address: Option<String>,
    /// Pages are kept from GET answers only: a HEAD's body may be empty.
    keeps: bool,
}

pub async fn layer(State(cache): State<Arc<HttpCache>>, request: Request, next: Next) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return next.run(request).await;
    }
    let headers = request.headers();
    let signed_in = cookie(headers, SESSION_COOKIE).is_some();
    let anonymous = !signed_in && !headers.contains_key(header::AUTHORIZATION);
    let asked = Asked {
        if_none_match: headers.get(header::IF_NONE_MATCH).cloned(),
        coding: accepted_codings(headers),
        page_address: anonymous.then(|| request.uri().to_string()),
        keeps: request.method() == Method::GET,
    };
    // Served from memory when fresh; otherwise the log position the
    // rendering counts on.
    let mut rendered_at = None;
    let mut turn = None;
    if let (Some(pages), Some(address)) = (&cache.pages, &asked.page_address)
        && let Some(position) = pages.ready().await
    {
        match pages.find(address, true).await {
            Ok((page, served)) => {
                let outcome = match served {
                    Served::Fresh => "hit",
                    Served::Stale => "stale",
                };
                return serve_page(pages, address, page, &asked, outcome);
            }
            Err(waited) => turn = waited,
        }
        rendered_at = Some(position);
    }
    let mut response = next.run(request).await;
    if let Some(turn) = &turn {
        turn.rendered();
    }

    let public = response.extensions_mut().remove::<Public>();
    let revalidated = response.extensions_mut().remove::<Revalidated>().is_some();
    let shareable = public.is_some()
        && !signed_in
        && !response.headers().contains_key(header::SET_COOKIE)
        && !response.headers().contains_key(header::CACHE_CONTROL);
    let mut keys = Vec::new();
    let response_headers = response.headers_mut();
    if shareable {
        let policy = if revalidated {
            cache.settings.revalidated_header()
        } else {
            cache.settings.public_header()
        };
        response_headers.insert(header::CACHE_CONTROL, policy);
        response_headers.append(header::VARY, HeaderValue::from_static("Cookie"));
        keys = public.map(|p| p.0).unwrap_or_default();
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
    let tag = match parts.extensions.remove::<ContentTag>() {
        Some(ContentTag(tag)) => tag,
        None => content_key(&[&bytes]),
    };
    if shareable
        && asked.keeps
        && let (Some(pages), Some(address), Some(rendered_at)) =
            (&cache.pages, &asked.page_address, rendered_at)
    {
        let page = Arc::new(Page {
            headers: parts.headers,
            body: bytes,
            gzip: None,
            brotli: None,
            tag,
            keys,
            rendered_at,
            born: Instant::now(),
            edition_id: None,
        });
        pages.missed();
        pages.keep(address.clone(), page.clone());
        return serve_page(pages, address, page, &asked, "miss");
    }
    let coding = if compressible && bytes.len() >= MIN_COMPRESSED_BYTES {
        asked.coding
    } else {
        Coding::Identity
    };
    let etag = etag_of(tag, coding);
    if let Some(value) = &etag {
        parts.headers.insert(header::ETAG, value.clone());
    }
    if not_modified(&asked, etag.as_ref()) {
        return answer_not_modified(parts);
    }
    let body = match cache.compressed.get_or_compress(tag, coding, &bytes) {
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

/// A kept page in the form this request takes; a compressed form made
/// now is kept with it.
fn serve_page(
    pages: &PageCache,
    address: &str,
    mut page: Arc<Page>,
    asked: &Asked,
    outcome: &'static str,
) -> Response {
    let coding = if is_compressible(&page.headers) && page.body.len() >= MIN_COMPRESSED_BYTES {
        asked.coding
    } else {
        Coding::Identity
    };
    if page.body_in(coding).is_none()
        && let Some(compressed) = compress(coding, &page.body)
    {
        page = Arc::new(page.with_form(coding, Bytes::from(compressed)));
        pages.keep(address.to_owned(), page.clone());
    }
    let (coding, body) = match page.body_in(coding) {
        Some(body) => (coding, body.clone()),
        None => (Coding::Identity, page.body.clone()),
    };
    let mut response = Response::new(Body::empty());
    let headers = response.headers_mut();
    headers.clone_from(&page.headers);
    headers.insert("x-cache", HeaderValue::from_static(outcome));
    let etag = etag_of(page.tag, coding);
    if let Some(value) = &etag {
        headers.insert(header::ETAG, value.clone());
    }
    if not_modified(asked, etag.as_ref()) {
        let (parts, _) = response.into_parts();
        return answer_not_modified(parts);
    }
    if let Some(name) = coding.header() {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(name));
    }
    headers.insert(header::CONTENT_LENGTH, body.len().into());
    *response.body_mut() = Body::from(body);
    response
}

/// What names a body whose bytes the handler already knows the names of
/// (a reader's copy of a shared page): the layer does not hash it again.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ContentTag(pub(crate) ContentKey);

impl ContentTag {
    /// The name of a shared page with these values put in.
    pub(crate) fn of_copy(page: &Page, values: &[&str]) -> ContentTag {
        let mut parts: Vec<&[u8]> = vec![&page.tag];
        parts.extend(values.iter().map(|v| v.as_bytes()));
        ContentTag(content_key(&parts))
    }
}

/// The first bytes of the SHA-256 of `parts`, each length-prefixed.
fn content_key(parts: &[&[u8]]) -> ContentKey {
    let mut hasher = Sha256::new();
    for part in parts {
        if parts.len() > 1 {
            hasher.update((part.len() as u64).to_le_bytes());
        }
        hasher.update(part);
    }
    hasher.finalize()[..12].try_into().unwrap_or_default()
}

/// The strong ETag of a body's form in `coding`.
fn etag_of(tag: ContentKey, coding: Coding) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!("\"{}{}\"", hex::encode(tag), coding.tag_suffix())).ok()
}

fn not_modified(asked: &Asked, etag: Option<&HeaderValue>) -> bool {
    match (&asked.if_none_match, etag.and_then(|e| e.to_str().ok())) {
        (Some(candidates), Some(etag)) => matches_etag(candidates, etag),
        _ => false,
    }
}

fn answer_not_modified(mut parts: axum::http::response::Parts) -> Response {
    parts.status = StatusCode::NOT_MODIFIED;
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_TYPE);
    Response::from_parts(parts, Body::empty())
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
}
