//! HTML forms: their fields and where to go back to afterwards. They are
//! read only through `extract::CheckedForm`, which checks that a form came
//! from this site with the viewer's CSRF token.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// A form's fields in order; a name may repeat (checkboxes).
pub(crate) type Fields = Vec<(String, String)>;

/// The first value of `name`, or "".
pub(crate) fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// A 303 to the form's `back` field if it is a same-site path under
/// `prefix`, else to `prefix`.
pub(crate) fn redirect_within(prefix: &str, fields: &Fields) -> Response {
    let to = return_path(field(fields, "back"))
        .filter(|to| to.starts_with(prefix))
        .unwrap_or(prefix);
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response()
}

/// Longer return paths are refused: ours are a story address and an anchor.
const MAX_RETURN_PATH: usize = 1_024;

/// `raw` if it is a path on this site, safe to send a reader back to: one
/// leading `/` (never `//` or `/\`, which browsers read as another host),
/// printable ASCII only (so no scheme can precede it, no controls, no
/// spaces), no backslash, and the same once percent-decoded, since some
/// servers and browsers decode before they resolve.
pub(crate) fn return_path(raw: &str) -> Option<&str> {
    // Raw paths are printable ASCII only; decoded ones may hold spaces and
    // UTF-8 (an Arabic slug).
    fn plain_path(path: &[u8], decoded: bool) -> bool {
        path.first() == Some(&b'/')
            && !matches!(path.get(1), Some(b'/' | b'\\'))
            && path.iter().all(|&b| {
                b != b'\\' && (b.is_ascii_graphic() || (decoded && (b == b' ' || !b.is_ascii())))
            })
    }
    if raw.len() > MAX_RETURN_PATH || !plain_path(raw.as_bytes(), false) {
        return None;
    }
    // Decode until nothing changes, so double encoding hides nothing either.
    let mut current = raw.as_bytes().to_vec();
    loop {
        let decoded: Vec<u8> = percent_encoding::percent_decode(&current).collect();
        if decoded == current {
            return Some(raw);
        }
        if !plain_path(&decoded, true) {
            return None;
        }
        current = decoded;
    }
}

#[cfg(test)]
mod tests {
    use super::return_path;

    #[test]
    fn return_paths_stay_on_this_site() {
        for good in [
            "/en/story/some-slug#new-comment",
            "/ar/story/%D8%AE%D8%A8%D8%B1#new-comment",
            "/en/",
            "/en/search?q=a%20b",
        ] {
            assert_eq!(return_path(good), Some(good), "{good}");
        }
        let long = format!("/en/{}", "a".repeat(2_000));
        for bad in [
            "",
            "en/story",
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "/\\\\evil.example",
            "https:evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            " /en/",
            "/en/ story",
            "/en/\tstory",
            "/\u{0}",
            "/en/خبر",
            "/%2F%2Fevil.example",
            "/%2fevil.example",
            "%2F%2Fevil.example",
            "/%5Cevil.example",
            "/%252F%252Fevil.example",
            "/en/%0D%0ALocation:%20https://evil.example",
            "/%09/evil.example",
            &long,
        ] {
            assert_eq!(return_path(bad), None, "{bad:?}");
        }
    }
}
