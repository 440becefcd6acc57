//! Markdown to HTML that is safe to put in a page.
//!
//! CommonMark with raw HTML dropped, then an allowlist sanitizer, so that
//! even a mistake in the renderer cannot let script through.

use std::collections::HashSet;
use std::sync::LazyLock;

use ammonia::Builder;
use pulldown_cmark::{Event, Options, Parser, TagEnd, html};

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
/// omitted, links are limited to http, https and mailto.
pub fn render_article(markdown: &str) -> String {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    )
    .filter(|event| !matches!(event, Event::Html(_) | Event::InlineHtml(_)));
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, parser);
    ARTICLE_SANITIZER.clean(&unsafe_html).to_string()
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
    fn sanitizing_is_idempotent() {
        let once = render_article("*a* [b](http://x.y) <b>raw</b>");
        assert_eq!(ARTICLE_SANITIZER.clean(&once).to_string(), once);
    }
}
