//! `/media/…`: uploads, their variants, the site icons and the demo's
//! images, from whichever store holds them (the local folder or a bucket),
//! so any node serves what another uploaded. Names made from the content's
//! hash never change, so browsers and CDNs keep them a year; conditional
//! and range requests are answered as a file server would. With a public
//! base URL pages link media there; in front of a bucket, this address
//! only redirects there (a CDN in front of the local store fetches here).

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use khabar_app::media_store::{BlobMeta, Part};

use crate::App;
use crate::http::error::PageError;
use crate::theme::page::{error_page, preferred_language};

type AppState = State<std::sync::Arc<App>>;

/// Names from a content hash (`3fa4…e1.jpg`, `3fa4…e1-480.webp`): the
/// bytes behind them never change.
const HASHED: &str = "public, max-age=31536000, immutable";
/// Other names (the demo's images): revalidated within the day.
const NAMED: &str = "public, max-age=86400";
/// Hex digits of the hash that starts an upload's or icon's name.
const HASH_DIGITS: usize = 16;

pub(crate) async fn file(
    State(app): AppState,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Response {
    let Ok(Path(name)) = path else {
        return missing(&app, &headers);
    };
    if let Some(elsewhere) = app.media.redirect(&name) {
        return Redirect::permanent(&elsewhere).into_response();
    }
    match answer(&app, &name, &headers).await {
        Ok(Some(response)) => response,
        Ok(None) => missing(&app, &headers),
        Err(error) => error_page(
            &app,
            preferred_language(&app, &headers),
            &PageError::from_failure(&error),
        ),
    }
}

/// A page's image address made absolute for feeds and link previews: a
/// `/media/…` one where readers fetch media (the public bucket or CDN, or
/// this site).
pub(crate) fn absolute(app: &App, address: &str) -> String {
    let address = match address.strip_prefix("/media/") {
        Some(name) => app.media.public_url(name),
        None => address.to_owned(),
    };
    absolute_url(&app.base_url, &address)
}

/// A site-relative address made absolute; others are left as they are.
fn absolute_url(base_url: &str, url: &str) -> String {
    if url.starts_with('/') && !url.starts_with("//") {
        format!("{base_url}{url}")
    } else {
        url.to_owned()
    }
}

fn missing(app: &App, headers: &HeaderMap) -> Response {
    error_page(app, preferred_language(app, headers), &PageError::NotFound)
}

/// The file's answer, or `None` when there is no such file.
async fn answer(
    app: &App,
    name: &str,
    headers: &HeaderMap,
) -> Result<Option<Response>, khabar_app::media_store::MediaStoreError> {
    let cache = if content_named(name) { HASHED } else { NAMED };
    let conditional = headers.contains_key(header::IF_NONE_MATCH)
        || headers.contains_key(header::IF_MODIFIED_SINCE)
        || headers.contains_key(header::RANGE);
    // One request to the store for a plain GET; a conditional or partial
    // one needs the tag and size first.
    let mut part = None;
    if conditional {
        let Some(meta) = app.media.head(name).await? else {
            return Ok(None);
        };
        if unchanged(headers, &meta) {
            let mut response = StatusCode::NOT_MODIFIED.into_response();
            describe(response.headers_mut(), &meta, cache);
            return Ok(Some(response));
        }
        match wanted_part(headers, &meta) {
            Wanted::Whole => {}
            Wanted::Part(wanted) => part = Some(wanted),
            Wanted::Unsatisfiable => {
                let mut response = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
                insert(
                    response.headers_mut(),
                    header::CONTENT_RANGE,
                    &format!("bytes */{}", meta.size),
                );
                return Ok(Some(response));
            }
        }
    }
    let Some(blob) = app.media.get(name, part).await? else {
        return Ok(None);
    };
    let status = if part.is_some() {
        StatusCode::PARTIAL_CONTENT
    } else {
        StatusCode::OK
    };
    let mut response = (status, Body::from_stream(blob.body)).into_response();
    let out = response.headers_mut();
    describe(out, &blob.meta, cache);
    insert(out, header::CONTENT_TYPE, content_type(name));
    insert(
        out,
        header::CONTENT_LENGTH,
        &(blob.range.end - blob.range.start).to_string(),
    );
    if part.is_some() {
        insert(
            out,
            header::CONTENT_RANGE,
            &format!(
                "bytes {}-{}/{}",
                blob.range.start,
                blob.range.end.saturating_sub(1),
                blob.meta.size
            ),
        );
    }
    Ok(Some(response))
}

/// The headers a file's 200, 206 and 304 share.
fn describe(out: &mut HeaderMap, meta: &BlobMeta, cache: &str) {
    insert(out, header::ETAG, &meta.etag);
    insert(out, header::LAST_MODIFIED, &http_date(meta.modified));
    insert(out, header::CACHE_CONTROL, cache);
    insert(out, header::ACCEPT_RANGES, "bytes");
}

fn insert(out: &mut HeaderMap, name: header::HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        out.insert(name, value);
    }
}

/// Whether the reader's copy is current: by its tags when it sends them
/// (`If-None-Match` wins), else by its time.
fn unchanged(headers: &HeaderMap, meta: &BlobMeta) -> bool {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if let Some(tags) = text(header::IF_NONE_MATCH) {
        return tags
            .split(',')
            .map(str::trim)
            .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == meta.etag);
    }
    text(header::IF_MODIFIED_SINCE)
        .and_then(parse_http_date)
        .is_some_and(|since| meta.modified <= since)
}

enum Wanted {
    Whole,
    Part(Part),
    Unsatisfiable,
}

/// The one range of `Range: bytes=…` when it applies to this version of
/// the file (`If-Range`); several ranges or another unit get the whole.
fn wanted_part(headers: &HeaderMap, meta: &BlobMeta) -> Wanted {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let Some(spec) = text(header::RANGE).and_then(|r| r.trim().strip_prefix("bytes=")) else {
        return Wanted::Whole;
    };
    if text(header::IF_RANGE).is_some_and(|tag| tag.trim() != meta.etag) || spec.contains(',') {
        return Wanted::Whole;
    }
    let Some((start, end)) = spec.trim().split_once('-') else {
        return Wanted::Whole;
    };
    let number = |s: &str| s.trim().parse::<u64>().ok();
    let size = meta.size;
    let part = match (start.trim().is_empty(), end.trim().is_empty()) {
        (true, false) => match number(end) {
            Some(0) => return Wanted::Unsatisfiable,
            Some(n) => Part::Last(n.min(size)),
            None => return Wanted::Whole,
        },
        (false, true) => match number(start) {
            Some(start) if start < size => Part::From(start),
            Some(_) => return Wanted::Unsatisfiable,
            None => return Wanted::Whole,
        },
        (false, false) => match (number(start), number(end)) {
            (Some(start), Some(end)) if start <= end && start < size => {
                Part::Bounded(start, end.saturating_add(1).min(size))
            }
            (Some(start), Some(end)) if start <= end => return Wanted::Unsatisfiable,
            _ => return Wanted::Whole,
        },
        (true, true) => return Wanted::Whole,
    };
    if size == 0 {
        return Wanted::Unsatisfiable;
    }
    Wanted::Part(part)
}

const HTTP_DATE: &str = "%a, %d %b %Y %H:%M:%S GMT";

fn http_date(at: jiff::Timestamp) -> String {
    at.strftime(HTTP_DATE).to_string()
}

fn parse_http_date(text: &str) -> Option<jiff::Timestamp> {
    let civil = jiff::civil::DateTime::strptime(HTTP_DATE, text.trim()).ok()?;
    civil
        .to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

/// Whether `name`'s file part begins with the content hash uploads and
/// icons are named by.
fn content_named(name: &str) -> bool {
    let file = name.rsplit('/').next().unwrap_or(name);
    file.len() > HASH_DIGITS
        && file.as_bytes()[..HASH_DIGITS]
            .iter()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
        && matches!(file.as_bytes()[HASH_DIGITS], b'.' | b'-')
}

/// By the name's extension, which khabar chose from the sniffed bytes.
fn content_type(name: &str) -> &'static str {
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match extension.as_deref() {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("svg") => "image/svg+xml",
        Some("gif") => "image/gif",
        Some("avif") => "image/avif",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(size: u64) -> BlobMeta {
        BlobMeta {
            name: "uploads/0123456789abcdef.jpg".into(),
            size,
            etag: "\"abc\"".into(),
            modified: jiff::Timestamp::from_second(1_700_000_000).unwrap(),
        }
    }

    fn range(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::RANGE, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn ranges_as_a_file_server_reads_them() {
        let m = meta(100);
        let part = |v: &str| match wanted_part(&range(v), &m) {
            Wanted::Part(p) => Some(p),
            Wanted::Whole => None,
            Wanted::Unsatisfiable => Some(Part::Last(u64::MAX)),
        };
        assert_eq!(part("bytes=0-9"), Some(Part::Bounded(0, 10)));
        assert_eq!(part("bytes=90-200"), Some(Part::Bounded(90, 100)));
        assert_eq!(part("bytes=95-"), Some(Part::From(95)));
        assert_eq!(part("bytes=-5"), Some(Part::Last(5)));
        assert_eq!(part("bytes=100-"), Some(Part::Last(u64::MAX)));
        assert_eq!(part("bytes=0-1,5-6"), None);
        assert_eq!(part("items=0-1"), None);
        assert_eq!(part("bytes=x-1"), None);
    }

    #[test]
    fn tags_and_dates_decide_freshness() {
        let m = meta(1);
        let mut headers = HeaderMap::new();
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"x\", W/\"abc\""),
        );
        assert!(unchanged(&headers, &m));
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"x\""));
        assert!(!unchanged(&headers, &m));
        let mut headers = HeaderMap::new();
        let date = http_date(m.modified);
        assert_eq!(date, "Tue, 14 Nov 2023 22:13:20 GMT");
        headers.insert(
            header::IF_MODIFIED_SINCE,
            HeaderValue::from_str(&date).unwrap(),
        );
        assert!(unchanged(&headers, &m));
    }

    #[test]
    fn only_hash_named_files_are_kept_a_year() {
        assert!(content_named("uploads/0123456789abcdef.jpg"));
        assert!(content_named("uploads/0123456789abcdef-480.webp"));
        assert!(content_named("icons/0123456789abcdef.ico"));
        assert!(!content_named("demo/harbour-vote.svg"));
        assert!(!content_named("uploads/0123456789ABCDEF.jpg"));
        assert!(!content_named("0123456789abcdef"));
    }
}
