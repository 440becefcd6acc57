//! How stories leave the site: feeds for readers and aggregators,
//! sitemaps and robots.txt for search engines. Every address in them is
//! absolute, every text safe for XML 1.0.

pub(crate) mod feeds;
pub(crate) mod sitemaps;

use jiff::Timestamp;

/// A time as RFC 3339 / W3C-DTF in UTC, to the second.
pub(crate) fn rfc3339(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A time as RFC 822 (RSS 2.0).
pub(crate) fn rfc822(at: Timestamp) -> String {
    jiff::fmt::rfc2822::DateTimePrinter::new()
        .timestamp_to_rfc9110_string(&at)
        .unwrap_or_default()
}

/// Drops what XML 1.0 cannot carry at all (C0 controls but tab and line
/// breaks, U+FFFE, U+FFFF); escaping is the template's job.
pub(crate) fn xml_safe(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
        })
        .collect()
}

/// Rewrites the site-relative links of rendered HTML to absolute ones:
/// feed readers show content away from the site.
fn absolute_links(html: &str, base_url: &str) -> String {
    html.replace("href=\"/", &format!("href=\"{base_url}/"))
        .replace("src=\"/", &format!("src=\"{base_url}/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_cannot_be_broken_by_control_characters() {
        assert_eq!(xml_safe("a\u{0}b\u{1b}c\td\ne\u{FFFF}"), "abc\td\ne");
        assert_eq!(xml_safe("خبر — news"), "خبر — news");
    }

    #[test]
    fn times_are_formatted_for_each_standard() {
        let at: Timestamp = "2026-11-29T06:46:31.5Z".parse().unwrap();
        assert_eq!(rfc3339(at), "2026-11-29T06:46:31Z");
        assert_eq!(rfc822(at), "Sun, 29 Nov 2026 06:46:31 GMT");
    }

    #[test]
    fn relative_links_become_absolute() {
        assert_eq!(
            absolute_links(
                r#"<a href="/en/story/x">x</a> <a href="https://o.example/">o</a>"#,
                "https://news.example"
            ),
            r#"<a href="https://news.example/en/story/x">x</a> <a href="https://o.example/">o</a>"#
        );
    }
}
