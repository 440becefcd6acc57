//! The Unicode policy and the Markdown subset for reader comments.
//!
//! Bodies are stored as NFC with C0/C1 controls dropped (but `\n` and
//! `\t`), bidi overrides and isolates stripped (LRM/RLM/ALM and ZWJ/ZWNJ
//! kept: Arabic and Persian writing needs them), and runs of combining marks
//! and of tatweel capped, so no comment can smear over its neighbours.

use std::collections::HashSet;
use std::sync::LazyLock;

use ammonia::Builder;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::username::is_bidi_control;

/// Longest comment, in characters after normalization.
pub const MAX_COMMENT_CHARS: usize = 5_000;
/// Combining marks kept in a row (Arabic needs at most shadda + a vowel + a
/// little more; "zalgo" text piles up dozens).
pub const MAX_COMBINING_RUN: usize = 3;
/// Tatweel kept in a row.
pub const MAX_TATWEEL_RUN: usize = 3;
/// Mentions notified per comment; more are left as plain text.
pub const MAX_MENTIONS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentProblem {
    Empty,
    TooLong,
}

impl CommentProblem {
    pub fn code(self) -> &'static str {
        match self {
            CommentProblem::Empty => "comment_empty",
            CommentProblem::TooLong => "comment_too_long",
        }
    }
}

/// A comment body as it will be stored, or why it cannot be one.
pub fn normalize_comment(input: &str) -> Result<String, CommentProblem> {
    let text = clean(input);
    let text = text.trim();
    if text.is_empty() {
        return Err(CommentProblem::Empty);
    }
    if text.chars().count() > MAX_COMMENT_CHARS {
        return Err(CommentProblem::TooLong);
    }
    Ok(text.to_owned())
}

fn clean(input: &str) -> String {
    let unified = input.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(unified.len());
    let (mut combining, mut tatweel, mut newlines) = (0, 0, 0);
    for c in unified.nfc() {
        if is_bidi_control(c) || (c.is_control() && c != '\n' && c != '\t') {
            continue;
        }
        combining = if is_combining_mark(c) {
            combining + 1
        } else {
            0
        };
        tatweel = if c == '\u{0640}' { tatweel + 1 } else { 0 };
        newlines = if c == '\n' { newlines + 1 } else { 0 };
        if combining > MAX_COMBINING_RUN || tatweel > MAX_TATWEEL_RUN || newlines > 2 {
            continue;
        }
        out.push(c);
    }
    out
}

static COMMENT_SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut builder = Builder::default();
    builder
        .tags(HashSet::from([
            "p",
            "br",
            "em",
            "strong",
            "del",
            "code",
            "pre",
            "blockquote",
            "ul",
            "ol",
            "li",
            "a",
        ]))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("nofollow ugc noopener noreferrer"))
        .add_tag_attributes("p", &["dir"])
        .add_tag_attributes("li", &["dir"])
        .add_tag_attributes("blockquote", &["dir"]);
    builder
});

/// Runs the comment sanitizer alone (for checking that it is idempotent).
pub fn sanitize_comment_html(html: &str) -> String {
    COMMENT_SANITIZER.clean(html).to_string()
}

/// Renders a comment: Markdown without raw HTML, images or headings; links
/// marked `nofollow ugc`; each paragraph `dir="auto"` so an Arabic reply in
/// an English thread (or the reverse) reads the right way.
pub fn render_comment(body: &str) -> String {
    let parser =
        Parser::new_ext(body, Options::ENABLE_STRIKETHROUGH).filter_map(|event| match event {
            Event::Html(_) | Event::InlineHtml(_) => None,
            // Images become their alt text; headings become paragraphs.
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
            Event::Start(Tag::Heading { .. }) => Some(Event::Start(Tag::Paragraph)),
            Event::End(TagEnd::Heading(_)) => Some(Event::End(TagEnd::Paragraph)),
            other => Some(other),
        });
    let mut raw = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut raw, parser);
    let with_dir = raw
        .replace("<p>", "<p dir=\"auto\">")
        .replace("<li>", "<li dir=\"auto\">");
    COMMENT_SANITIZER.clean(&with_dir).to_string()
}

/// Turns each `@name` whose name is in `known` into a Markdown link to
/// `href(name)`, before rendering; other `@words` stay text. Uses the same
/// word rules as [`mentions`].
pub fn link_mentions(body: &str, known: &[String], href: impl Fn(&str) -> String) -> String {
    if known.is_empty() {
        return body.to_owned();
    }
    let mut out = String::with_capacity(body.len() + 32 * known.len());
    let mut rest = body;
    let mut previous: Option<char> = None;
    while let Some(at) = rest.find('@') {
        let before = &rest[..at];
        out.push_str(before);
        let prior = before.chars().last().or(previous);
        let starts_word = prior.is_none_or(|p| {
            !(p.is_ascii_alphanumeric() || matches!(p, '_' | '.' | '-' | '+' | '[' | '/'))
        });
        let after = &rest[at + 1..];
        let name_len: usize = after
            .chars()
            .take_while(|&c| {
                c.is_alphanumeric() || c == '_' || c == '-' || c == '.' || is_combining_mark(c)
            })
            .map(char::len_utf8)
            .sum();
        let name = after[..name_len].trim_end_matches(['.', '-']);
        if starts_word && known.iter().any(|k| k == name) {
            out.push_str(&format!("[@{name}]({})", href(name)));
            rest = &after[name.len()..];
            previous = name.chars().last();
        } else {
            out.push('@');
            rest = after;
            previous = Some('@');
        }
    }
    out.push_str(rest);
    out
}

/// The names mentioned as `@name`, in order, without repeats, at most
/// [`MAX_MENTIONS`]. An `@` inside a Latin word (an email address) is no
/// mention.
pub fn mentions(body: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut previous: Option<char> = None;
    let mut chars = body.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        // After a Latin letter or digit an `@` belongs to an email address;
        // after an Arabic letter it may follow a joined proclitic (و@سامر).
        let starts_word = previous
            .is_none_or(|p| !(p.is_ascii_alphanumeric() || matches!(p, '_' | '.' | '-' | '+')));
        previous = Some(c);
        if c != '@' || !starts_word {
            continue;
        }
        let start = at + 1;
        let mut end = start;
        while let Some(&(i, next)) = chars.peek() {
            if next.is_alphanumeric()
                || next == '_'
                || next == '-'
                || next == '.'
                || is_combining_mark(next)
            {
                end = i + next.len_utf8();
                previous = Some(next);
                chars.next();
            } else {
                break;
            }
        }
        let name = body[start..end].trim_end_matches(['.', '-']);
        if name.chars().count() >= 3 && !found.iter().any(|f| f == name) {
            found.push(name.to_owned());
            if found.len() == MAX_MENTIONS {
                break;
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_overrides_go_but_joiners_stay() {
        let input = "a\u{202E}b\u{2066}c\u{0007}d\u{200D}e\u{200C}f\u{200F}g\u{061C}h\r\ni\tj";
        assert_eq!(
            normalize_comment(input).unwrap(),
            "abcd\u{200D}e\u{200C}f\u{200F}g\u{061C}h\ni\tj"
        );
    }

    #[test]
    fn runs_are_capped() {
        let zalgo = format!("a{}b", "\u{0301}".repeat(40));
        assert_eq!(
            normalize_comment(&zalgo).unwrap().chars().count(),
            2 + MAX_COMBINING_RUN
        );
        assert_eq!(normalize_comment("جـــــــــميل").unwrap(), "جـــميل");
        assert_eq!(normalize_comment("a\n\n\n\n\nb").unwrap(), "a\n\nb");
        // Shadda with a vowel is ordinary Arabic and survives.
        assert_eq!(normalize_comment("مُدَرِّسَة").unwrap(), "مُدَرِّسَة");
    }

    #[test]
    fn empty_and_long_bodies_are_refused() {
        assert_eq!(
            normalize_comment(" \n\u{202E} "),
            Err(CommentProblem::Empty)
        );
        assert_eq!(
            normalize_comment(&"ب".repeat(MAX_COMMENT_CHARS + 1)),
            Err(CommentProblem::TooLong)
        );
        assert!(normalize_comment(&"ب".repeat(MAX_COMMENT_CHARS)).is_ok());
    }

    #[test]
    fn rendering_is_safe_and_marks_direction() {
        let html = render_comment(
            "# big\n\n![x](https://t.example/p.png) [site](https://example.org) <b>hi</b>\n\nمرحبا",
        );
        assert!(!html.contains("<h1") && !html.contains("<img"));
        assert!(
            html.contains(r#"rel="nofollow ugc noopener noreferrer""#),
            "{html}"
        );
        assert!(html.contains(r#"<p dir="auto">مرحبا</p>"#), "{html}");
        assert!(!html.contains("<b>"));
        for attack in [
            "<script>alert(1)</script>",
            "[x](javascript:alert(1))",
            "<img src=x onerror=alert(1)>",
            "<bdo dir=rtl>x</bdo>",
            "[x](data:text/html;base64,PHNjcmlwdD4=)",
            "<a href=\"https://x\" onclick=\"y\">z</a>",
        ] {
            let html = render_comment(attack);
            for bad in [
                "<script",
                "javascript:",
                "onerror",
                "<bdo",
                "data:",
                "onclick",
                "<img",
            ] {
                assert!(!html.to_lowercase().contains(bad), "{attack} → {html}");
            }
        }
    }

    #[test]
    fn known_mentions_become_links_and_others_stay_text() {
        let known = vec!["layla".to_owned(), "سامر".to_owned()];
        let linked = link_mentions(
            "hi @layla and @nobody, و@سامر. mail x@layla.example",
            &known,
            |n| format!("/en/user/{n}"),
        );
        assert_eq!(
            linked,
            "hi [@layla](/en/user/layla) and @nobody, و[@سامر](/en/user/سامر). mail x@layla.example"
        );
        let html = render_comment(&linked);
        assert!(
            html.contains(
                r#"<a href="/en/user/layla" rel="nofollow ugc noopener noreferrer">@layla</a>"#
            ),
            "{html}"
        );
        assert!(html.contains("@nobody"));
    }

    #[test]
    fn mentions_are_found_in_both_scripts() {
        assert_eq!(
            mentions("@layla و@سامر_ح thanks @layla!"),
            ["layla", "سامر_ح"]
        );
        assert_eq!(
            mentions("mail me at x@news.example or @ab"),
            Vec::<String>::new()
        );
        assert_eq!(mentions("(@hala.q) said"), ["hala.q"]);
        assert_eq!(mentions(&"@user1 ".repeat(3)), ["user1"]);
        let many: String = (0..20).map(|i| format!("@name{i} ")).collect();
        assert_eq!(mentions(&many).len(), MAX_MENTIONS);
    }
}
