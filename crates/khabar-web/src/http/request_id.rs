//! Every request gets an id: the one a proxy in front sent in
//! `X-Request-Id` when it looks like an id, else a new UUID. The id is in
//! the request's tracing span (so every log line written while answering
//! carries it, in JSON logs as `request_id`) and goes back in the
//! response's `X-Request-Id`.

use axum::extract::Request;
use axum::http::HeaderName;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Span;

pub(crate) const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Longest id taken from a client.
const MAX_LEN: usize = 128;

/// Whether a client's id may be used as it is: short, and of characters
/// that ids (UUIDs, trace ids such as `Root=1-5e1b…`) are made of, so
/// that it cannot forge a log line or carry a reader's text.
fn sane(id: &[u8]) -> bool {
    !id.is_empty()
        && id.len() <= MAX_LEN
        && id
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"-_.:=+/@".contains(&b))
}

/// Drops an incoming `X-Request-Id` that is not [`sane`] (or comes more
/// than once), so that the next layer makes a new one.
pub(crate) async fn screen(mut request: Request, next: Next) -> Response {
    let headers = request.headers();
    let mut given = headers.get_all(&REQUEST_ID).iter();
    let keep = matches!((given.next(), given.next()), (Some(id), None) if sane(id.as_bytes()));
    if !keep {
        request.headers_mut().remove(&REQUEST_ID);
    }
    next.run(request).await
}

/// The span every request is answered in.
pub(crate) fn span(request: &Request) -> Span {
    let id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = request.uri().path(),
        request_id = id,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_that_look_like_ids_are_kept() {
        assert!(sane(b"0b6f7c1e-6a55-4c8e-9d1e-3b1f2a9c7d10"));
        assert!(sane(b"Root=1-5e1b4151-5ac6c58f5b5daa6532e4f1c1"));
        assert!(!sane(b""));
        assert!(!sane(b"id with spaces"));
        assert!(!sane(b"line\nbreak"));
        assert!(!sane("عربي".as_bytes()));
        assert!(!sane(&[b'a'; MAX_LEN + 1]));
        assert!(sane(&[b'a'; MAX_LEN]));
    }
}
