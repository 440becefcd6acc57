//! Content codings: which one a client takes, compressing a body, and a
//! small cache of compressed forms for answers the page cache does not
//! keep (theme assets, API answers).

use std::collections::{HashMap, VecDeque};
use std::io::Write;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, header};

/// Below this, compression costs more than it saves.
pub(super) const MIN_COMPRESSED_BYTES: usize = 512;
/// Brotli quality for pages made per request: close to gzip's speed, and
/// still smaller.
const BROTLI_QUALITY: u32 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Coding {
    Identity,
    Gzip,
    Brotli,
}

impl Coding {
    pub(super) fn header(self) -> Option<&'static str> {
        match self {
            Coding::Identity => None,
            Coding::Gzip => Some("gzip"),
            Coding::Brotli => Some("br"),
        }
    }

    pub(super) fn tag_suffix(self) -> &'static str {
        match self {
            Coding::Identity => "",
            Coding::Gzip => "-gz",
            Coding::Brotli => "-br",
        }
    }
}

/// The first bytes of a body's SHA-256: its ETag, and its name in the
/// cache of compressed forms.
pub(super) type ContentKey = [u8; 12];

/// Most bytes of compressed bodies kept.
const COMPRESSED_CACHE_BYTES: usize = 16 * 1024 * 1024;

/// Compressed forms of recent bodies by content and coding, so that a page
/// many readers open is compressed once per version rather than once per
/// request. Oldest out first when full.
#[derive(Default)]
pub(super) struct CompressedBodies {
    kept: std::sync::Mutex<CompressedKept>,
}

#[derive(Default)]
struct CompressedKept {
    bodies: HashMap<(ContentKey, Coding), Bytes>,
    order: VecDeque<(ContentKey, Coding)>,
    total: usize,
}

impl CompressedBodies {
    pub(super) fn get_or_compress(
        &self,
        key: ContentKey,
        coding: Coding,
        bytes: &[u8],
    ) -> Option<Bytes> {
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

/// Text, JSON, XML and SVG shrink; images and fonts are compressed already.
pub(super) fn is_compressible(headers: &HeaderMap) -> bool {
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
pub(super) fn accepted_codings(headers: &HeaderMap) -> Coding {
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
pub(super) fn matches_etag(if_none_match: &HeaderValue, etag: &str) -> bool {
    let Ok(value) = if_none_match.to_str() else {
        return false;
    };
    value.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == etag
    })
}

pub(super) fn compress(coding: Coding, bytes: &[u8]) -> Option<Vec<u8>> {
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
    use super::*;

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
