//! Markdown to HTML that is safe to put in a page.
//!
//! CommonMark with raw HTML dropped, then an allowlist sanitizer, so that
//! even a mistake in the renderer cannot let script through.

use std::collections::HashSet;
use std::fmt;
use std::sync::LazyLock;

use ammonia::Builder;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

use crate::comment::escape_into;

/// Quotes and lists nested in one another, at most: deeper ones are
/// flattened into the deepest (their text kept), where a careless paste of
/// `>>>>…` or of indented lists would nest thousands deep and take the
/// sanitizer tens of milliseconds.
pub const MAX_ARTICLE_NESTING: usize = 8;
/// Most bytes of HTML per byte of Markdown: past it (and
/// [`ARTICLE_SLACK`]) a body is shown as its text, escaped, in paragraphs.
/// Stories stay far below (a table of one-character cells is 5 to 1);
/// a wide table with rows left empty was 400 to 1.
pub const ARTICLE_GROWTH: usize = 10;
/// Bytes of HTML a body may take beyond [`ARTICLE_GROWTH`] per byte.
pub const ARTICLE_SLACK: usize = 16 * 1024;

static ARTICLE_SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut builder = Builder::default();
    builder
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer"))
        .add_tag_attributes("p", &["dir"])
        .add_tag_attributes("li", &["dir"])
        .add_tag_attributes("blockquote", &["dir"]);
    builder
});

/// Renders an editor's Markdown article body. Raw HTML in the source is
/// omitted, links are limited to http, https and mailto. The HTML is at
/// most [`ARTICLE_GROWTH`] bytes per byte of Markdown plus
/// [`ARTICLE_SLACK`], quotes and lists nest at most
/// [`MAX_ARTICLE_NESTING`] deep, and the time is linear in the body's
/// length.
pub fn render_article(markdown: &str) -> String {
    let limit = markdown
        .len()
        .saturating_mul(ARTICLE_GROWTH)
        .saturating_add(ARTICLE_SLACK);
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    )
    .filter(|event| !matches!(event, Event::Html(_) | Event::InlineHtml(_)));
    let mut unsafe_html = Bounded {
        html: String::with_capacity(markdown.len() * 3 / 2),
        limit,
    };
    // The writer refuses past the limit, which ends the rendering there.
    if html::write_html_fmt(&mut unsafe_html, flatten_nesting(parser)).is_ok() {
        let clean = ARTICLE_SANITIZER.clean(&unsafe_html.html).to_string();
        if clean.len() <= limit {
            return clean;
        }
    }
    as_text(markdown)
}

/// A `String` that takes at most `limit` bytes.
struct Bounded {
    html: String,
    limit: usize,
}

impl fmt::Write for Bounded {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.html.len() + s.len() > self.limit {
            return Err(fmt::Error);
        }
        self.html.push_str(s);
        Ok(())
    }
}

/// Drops the tags of quotes and lists nested deeper than
/// [`MAX_ARTICLE_NESTING`] (and of those lists' items), keeping what is in
/// them.
fn flatten_nesting<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    // For each open quote, list and item: whether its tags are kept.
    let mut open: Vec<bool> = Vec::new();
    let mut depth = 0;
    events.filter(move |event| match event {
        Event::Start(Tag::BlockQuote(_) | Tag::List(_)) => {
            let kept = depth < MAX_ARTICLE_NESTING;
            depth += usize::from(kept);
            open.push(kept);
            kept
        }
        // An item is kept with its list.
        Event::Start(Tag::Item) => {
            let kept = open.last().copied().unwrap_or(true);
            open.push(kept);
            kept
        }
        Event::End(end @ (TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item)) => {
            let kept = open.pop().unwrap_or(true);
            if kept && !matches!(end, TagEnd::Item) {
                depth -= 1;
            }
            kept
        }
        _ => true,
    })
}

/// A body whose HTML would be out of bounds, as its text: escaped, a blank
/// line between paragraphs and line breaks kept.
fn as_text(markdown: &str) -> String {
    let mut html = String::with_capacity(markdown.len() * 5 / 4);
    for paragraph in markdown.split("\n\n") {
        let paragraph = paragraph.trim();
        if paragraph.is_empty() {
            continue;
        }
        html.push_str("<p>");
        for (i, line) in paragraph.lines().enumerate() {
            if i > 0 {
                html.push_str("<br>");
            }
            escape_into(&mut html, line);
        }
        html.push_str("</p>");
    }
    html
}

/// The words of an editor's Markdown without its markup, blocks separated
/// by blank lines: what search indexes and quotes in snippets.
pub fn plain_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    ) {
        match event {
            Event::Text(words) | Event::Code(words) => text.push_str(&words),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::TableCell,
            ) if !text.ends_with("\n\n") && !text.is_empty() => {
                text.push_str("\n\n");
            }
            _ => {}
        }
    }
    text.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_drops_the_markup() {
        assert_eq!(
            plain_text("## عنوان\n\nبلغت **61** في [المئة](https://example.org)\nتقريبًا <b>x</b>"),
            "عنوان\n\nبلغت 61 في المئة تقريبًا x"
        );
    }

    #[test]
    fn renders_common_markdown() {
        let html = render_article("## عنوان\n\nنص **مهم** و[رابط](https://example.org).");
        assert!(html.contains("<h2>عنوان</h2>"));
        assert!(html.contains("<strong>مهم</strong>"));
        assert!(html.contains(r#"href="https://example.org""#));
    }

    #[test]
    fn raw_html_and_scripts_are_dropped() {
        let html = render_article("hi <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>");
        assert!(!html.contains("<script"));
        assert!(!html.contains("onerror"));
    }

    #[test]
    fn javascript_links_are_inert() {
        let html = render_article("[x](javascript:alert(1)) [y](data:text/html,hi)");
        assert!(!html.contains("javascript:"));
        assert!(!html.contains("data:"));
    }

    #[test]
    fn deep_nesting_is_flattened_keeping_the_text() {
        // 132 KB of nested quotes before, for 4.9 KB.
        let html = render_article(&format!("{}deep", ">".repeat(4_900)));
        assert_eq!(html.matches("<blockquote>").count(), MAX_ARTICLE_NESTING);
        assert!(html.contains("<p>deep</p>"), "{html}");
        assert!(html.len() < 400, "{} bytes", html.len());
        let html = render_article(&format!("{}item", "1. ".repeat(1_600)));
        assert_eq!(html.matches("<ol>").count(), MAX_ARTICLE_NESTING);
        assert_eq!(html.matches("<li>").count(), MAX_ARTICLE_NESTING);
        assert!(html.contains("item"));
        // Nesting within the bound is kept as written.
        let html = render_article("> quoted\n>\n> - a\n>   - b\n\nafter");
        assert!(
            html.starts_with("<blockquote>\n<p>quoted</p>\n<ul>\n<li>a\n<ul>\n<li>b</li>"),
            "{html}"
        );
    }

    #[test]
    fn a_body_whose_html_would_be_out_of_bounds_is_shown_as_text() {
        // A wide table with rows left empty was 2.4 MB for 6 KB.
        let table = format!(
            "{}|\n{}|\n{}",
            "|a".repeat(1_000),
            "|-".repeat(1_000),
            "<b>\n".repeat(1_000)
        );
        let html = render_article(&table);
        assert!(html.len() <= ARTICLE_GROWTH * table.len() + ARTICLE_SLACK);
        assert!(html.starts_with("<p>|a|a|a|"), "{}", &html[..40]);
        assert!(html.ends_with("<br>&lt;b&gt;<br>&lt;b&gt;</p>"));
        // A table of ordinary size stays a table.
        let html = render_article("|a|b|c|\n|-|-|-|\n|1|2|3|\n|4||6|");
        assert!(html.contains("<td>4</td><td></td><td>6</td>"), "{html}");
    }

    #[test]
    fn sanitizing_is_idempotent() {
        let once = render_article("*a* [b](http://x.y) <b>raw</b>");
        assert_eq!(ARTICLE_SANITIZER.clean(&once).to_string(), once);
    }
}
