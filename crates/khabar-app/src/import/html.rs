//! The HTML of an exported post or comment turned into what khabar keeps:
//! Markdown for a story body (the article pipeline drops raw HTML, so it
//! must be converted, not copied), plain text for a comment (the comment
//! pipeline escapes what it is given and finds links itself).
//!
//! Covered: paragraphs (also WordPress' blank-line paragraphs), headings,
//! emphasis, links, images, lists, quotes, line breaks, preformatted text;
//! scripts, styles and frames are dropped with their content, and any
//! other tag is dropped keeping its text.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

/// Tags whose content is dropped with them.
const DROPPED: &[&str] = &[
    "script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "form",
];

/// A story body's HTML as Markdown; `image` gives the address an image
/// source is served at here (`None`: the image is left out).
pub(super) fn to_markdown(html: &str, image: &dyn Fn(&str) -> Option<String>) -> String {
    let mut w = Writer::new(Mode::Markdown);
    walk(html, &mut w, image);
    w.finish()
}

/// A comment's HTML as the text its writer meant: paragraphs and line
/// breaks kept, a link as its text and address.
pub(super) fn to_text(html: &str) -> String {
    let mut w = Writer::new(Mode::Text);
    walk(html, &mut w, &|_| None);
    w.finish()
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Markdown,
    Text,
}

struct Writer {
    mode: Mode,
    out: String,
    /// `> ` per quote level, and the indent of open lists.
    prefix: String,
    lists: Vec<Option<u32>>,
    /// Open links: their address, and where their text starts.
    links: Vec<(Option<String>, usize)>,
    pre: u32,
    /// A space is owed before the next text.
    space: bool,
}

impl Writer {
    fn new(mode: Mode) -> Writer {
        Writer {
            mode,
            out: String::new(),
            prefix: String::new(),
            lists: Vec::new(),
            links: Vec::new(),
            pre: 0,
            space: false,
        }
    }

    fn at_line_start(&self) -> bool {
        self.out.is_empty() || self.out.ends_with('\n')
    }

    /// Ends the current block with a blank line.
    fn block(&mut self) {
        self.space = false;
        if self.out.is_empty() {
            return;
        }
        while self.out.ends_with(' ') {
            self.out.pop();
        }
        let prefix = self.prefix.trim_end().to_owned();
        if !self.out.ends_with('\n') {
            self.out.push('\n');
        }
        if !self.out.ends_with("\n\n") && !self.out.ends_with(&format!("\n{prefix}\n")) {
            self.out.push_str(&prefix);
            self.out.push('\n');
        }
    }

    fn line_break(&mut self) {
        self.space = false;
        if self.mode == Mode::Markdown && !self.at_line_start() {
            self.out.push('\\');
        }
        self.out.push('\n');
    }

    fn start_line(&mut self) {
        if self.at_line_start() {
            let prefix = self.prefix.clone();
            self.out.push_str(&prefix);
        }
    }

    fn raw(&mut self, text: &str) {
        self.start_line();
        let after_prefix = !self.prefix.is_empty() && self.out.ends_with(&self.prefix);
        if self.space && !self.out.ends_with([' ', '\n']) && !after_prefix {
            self.out.push(' ');
        }
        self.space = false;
        self.out.push_str(text);
    }

    fn text(&mut self, text: &str) {
        if self.pre > 0 {
            self.out.push_str(text);
            return;
        }
        // WordPress keeps paragraphs as blank lines in the stored HTML.
        let mut paragraphs = text.split("\n\n").peekable();
        while let Some(paragraph) = paragraphs.next() {
            let mut words = paragraph.split_whitespace().peekable();
            if paragraph.starts_with(char::is_whitespace) {
                self.space = true;
            }
            while let Some(word) = words.next() {
                let word = match self.mode {
                    Mode::Markdown => escape(word),
                    Mode::Text => word.to_owned(),
                };
                self.raw(&word);
                self.space = words.peek().is_some();
            }
            if paragraph.ends_with(char::is_whitespace) {
                self.space = true;
            }
            if paragraphs.peek().is_some() {
                self.block();
            }
        }
    }

    fn finish(mut self) -> String {
        self.block();
        self.out.trim().to_owned()
    }
}

/// Markdown's own characters in text, backslash-escaped.
fn escape(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for (i, c) in word.char_indices() {
        let special = matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '!'
        ) || (i == 0 && matches!(c, '-' | '+'));
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// An address fit for a Markdown link.
fn link_target(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let allowed = ["http://", "https://", "mailto:", "/"]
        .iter()
        .any(|scheme| lower.starts_with(scheme));
    (allowed && !lower.starts_with("//")).then(|| {
        url.replace(' ', "%20")
            .replace('(', "%28")
            .replace(')', "%29")
    })
}

/// Runs html5ever's tokenizer (the HTML parser ammonia already builds) over
/// `html`: tags, attributes, comments and character references are read
/// as a browser reads them.
fn tokens(html: &str) -> Vec<Token> {
    let tokenizer = Tokenizer::new(Tokens::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.take()
}

/// Collects the tokens; switches to raw text inside elements whose content
/// is no markup (`<script>a<b</script>`), as the tree builder would.
#[derive(Default)]
struct Tokens(RefCell<Vec<Token>>);

impl TokenSink for Tokens {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let raw = match &token {
            Token::TagToken(tag) if tag.kind == TagKind::StartTag => match tag.name.as_ref() {
                "script" => Some(RawKind::ScriptData),
                "style" | "iframe" | "noscript" | "xmp" => Some(RawKind::Rawtext),
                "textarea" | "title" => Some(RawKind::Rcdata),
                _ => None,
            },
            _ => None,
        };
        self.0.borrow_mut().push(token);
        raw.map_or(TokenSinkResult::Continue, TokenSinkResult::RawData)
    }
}

fn walk(html: &str, w: &mut Writer, image: &dyn Fn(&str) -> Option<String>) {
    let mut dropping: Option<String> = None;
    for token in tokens(html) {
        match token {
            Token::CharacterTokens(text) if dropping.is_none() => w.text(&text),
            Token::TagToken(tag) => {
                let tag = Tag::from(tag);
                if let Some(name) = &dropping {
                    if tag.closing && &tag.name == name {
                        dropping = None;
                    }
                    continue;
                }
                if !tag.closing && !tag.self_closing && DROPPED.contains(&tag.name.as_str()) {
                    dropping = Some(tag.name.clone());
                    continue;
                }
                element(&tag, w, image);
            }
            _ => {}
        }
    }
}

fn element(tag: &Tag, w: &mut Writer, image: &dyn Fn(&str) -> Option<String>) {
    let markdown = w.mode == Mode::Markdown;
    match (tag.name.as_str(), tag.closing) {
        ("p" | "div" | "figure" | "figcaption" | "section" | "article" | "table" | "tr", _) => {
            w.block();
        }
        ("br", _) => w.line_break(),
        ("hr", false) => {
            w.block();
            if markdown {
                w.raw("---");
                w.block();
            }
        }
        ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", closing) => {
            w.block();
            if markdown && !closing {
                let level = tag.name[1..].parse::<usize>().unwrap_or(2);
                w.raw(&format!("{} ", "#".repeat(level)));
            }
        }
        ("blockquote", false) => {
            w.block();
            w.prefix.push_str("> ");
        }
        ("blockquote", true) => {
            w.block();
            let quote = w.prefix.trim_end().to_owned();
            if w.out.ends_with(&format!("\n{quote}\n")) {
                w.out.truncate(w.out.len() - quote.len() - 1);
            }
            let keep = w.prefix.len().saturating_sub(2);
            w.prefix.truncate(keep);
            w.block();
        }
        ("ul" | "ol", false) => {
            w.block();
            w.lists.push((tag.name == "ol").then_some(0));
        }
        ("ul" | "ol", true) => {
            w.lists.pop();
            w.block();
        }
        ("li", false) => {
            w.space = false;
            if !w.at_line_start() {
                w.out.push('\n');
            }
            let depth = w.lists.len().saturating_sub(1);
            let marker = match w.lists.last_mut() {
                Some(Some(n)) => {
                    *n += 1;
                    format!("{n}. ")
                }
                _ => "- ".to_owned(),
            };
            w.raw(&format!("{}{marker}", "    ".repeat(depth)));
        }
        ("li", true) if !w.at_line_start() => w.out.push('\n'),
        ("strong" | "b", _) if markdown => w.raw("**"),
        ("em" | "i", _) if markdown => w.raw("*"),
        ("pre", false) => {
            w.block();
            if markdown {
                w.raw("```\n");
            }
            w.pre += 1;
        }
        ("pre", true) => {
            w.pre = w.pre.saturating_sub(1);
            if markdown {
                if !w.out.ends_with('\n') {
                    w.out.push('\n');
                }
                w.raw("```");
            }
            w.block();
        }
        ("a", false) => {
            let target = tag.attr("href").and_then(|href| link_target(&href));
            if markdown && target.is_some() {
                w.raw("[");
            }
            w.links.push((target, w.out.len()));
        }
        ("a", true) => match w.links.pop() {
            Some((Some(target), _)) if markdown => w.out.push_str(&format!("]({target})")),
            Some((Some(target), start)) => {
                let label = w.out.get(start..).unwrap_or("").trim().to_owned();
                if label != target && !target.starts_with('/') {
                    w.raw(&format!(" ({target})"));
                }
            }
            _ => {}
        },
        ("img", false) => {
            let Some(src) = tag
                .attr("src")
                .and_then(|src| image(&src))
                .and_then(|src| link_target(&src))
            else {
                return;
            };
            let alt = tag.attr("alt").unwrap_or_default();
            if markdown {
                w.raw(&format!("![{}]({src})", escape(&alt)));
            }
        }
        _ => {}
    }
}

struct Tag {
    name: String,
    closing: bool,
    self_closing: bool,
    attrs: Vec<(String, String)>,
}

impl From<html5ever::tokenizer::Tag> for Tag {
    fn from(tag: html5ever::tokenizer::Tag) -> Tag {
        Tag {
            name: tag.name.to_string(),
            closing: tag.kind == TagKind::EndTag,
            self_closing: tag.self_closing,
            attrs: tag
                .attrs
                .into_iter()
                .map(|a| (a.name.local.to_string(), a.value.to_string()))
                .collect(),
        }
    }
}

impl Tag {
    fn attr(&self, name: &str) -> Option<String> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }
}

/// The text of an HTML fragment (a title, a term's name): character
/// references resolved, tags left out.
pub(super) fn decode_entities(text: &str) -> String {
    tokens(text)
        .into_iter()
        .filter_map(|token| match token {
            Token::CharacterTokens(text) => Some(text.to_string()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(html: &str) -> String {
        to_markdown(html, &|src| Some(format!("/media/{src}")))
    }

    #[test]
    fn paragraphs_emphasis_links_and_images() {
        assert_eq!(
            md(
                "<p>One <strong>bold</strong> and <em>soft</em> word.</p><p>A <a href=\"https://x.test/a b\">link</a>.</p>"
            ),
            "One **bold** and *soft* word.\n\nA [link](https://x.test/a%20b)."
        );
        assert_eq!(
            to_markdown("<img src=\"https://x.test/a (1).jpg\">", &|s| Some(
                s.to_owned()
            )),
            "![](https://x.test/a%20%281%29.jpg)"
        );
        assert_eq!(
            md("<img src=\"a.jpg\" alt=\"An [odd] one\" />"),
            "![An \\[odd\\] one](/media/a.jpg)"
        );
    }

    #[test]
    fn wordpress_blank_line_paragraphs_and_block_comments() {
        assert_eq!(
            md(
                "<!-- wp:paragraph -->\nFirst line\n\nSecond *not* emphasis\n<!-- /wp:paragraph -->"
            ),
            "First line\n\nSecond \\*not\\* emphasis"
        );
    }

    #[test]
    fn headings_lists_quotes_and_breaks() {
        assert_eq!(
            md(
                "<h2>Title</h2><ul><li>a</li><li>b</li></ul><ol><li>one</li></ol><blockquote><p>said</p></blockquote>x<br/>y"
            ),
            "## Title\n\n- a\n- b\n\n1. one\n\n> said\n\nx\\\ny"
        );
    }

    #[test]
    fn scripts_and_unsafe_links_are_dropped() {
        assert_eq!(
            md("<p>a<script>alert(1)</script> <a href=\"javascript:alert(1)\">b</a></p>"),
            "a b"
        );
        assert_eq!(md("1 < 2 &amp; 3 &#1575;"), "1 \\< 2 & 3 ا");
        // Read as a browser reads it: a `>` inside a quoted attribute, any
        // named reference, a `<` in a script's text.
        assert_eq!(
            md(
                "<a title=\"a>b\" href=\"https://x.test\">caf&eacute;</a><script>if (a<b) {}</script>"
            ),
            "[café](https://x.test)"
        );
    }

    #[test]
    fn comments_become_text() {
        assert_eq!(
            to_text(
                "<p>Hello <b>there</b> &amp; <a href=\"https://x.test/\">see</a></p><p>a<br>b</p>"
            ),
            "Hello there & see (https://x.test/)\n\na\nb"
        );
    }
}
