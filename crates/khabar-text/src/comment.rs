//! The Unicode policy and the Markdown subset for reader comments.
//!
//! Bodies are stored as NFC with C0/C1 controls dropped (but `\n` and
//! `\t`), bidi overrides and isolates stripped (LRM/RLM/ALM and ZWJ/ZWNJ
//! kept: Arabic and Persian writing needs them), and runs of combining marks
//! and of tatweel capped, so no comment can smear over its neighbours.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::direction::{Direction, detect_direction};
use crate::unicode::{MAX_COMBINING_RUN, is_bidi_control};

/// Longest comment, in characters after normalization.
pub const MAX_COMMENT_CHARS: usize = 5_000;
/// Tatweel kept in a row.
pub const MAX_TATWEEL_RUN: usize = 3;
/// Mentions notified per comment; more are left as plain text.
pub const MAX_MENTIONS: usize = 10;
/// Paragraphs (`<p>`) in a rendered comment, quotes and lines in their own
/// direction included. Past it the rest of the comment is one last
/// paragraph of its lines as typed (a `>` stays text), so a comment of
/// thousands of one-character lines costs no more markup than a letter.
pub const MAX_BLOCKS: usize = 50;
/// Bytes of markup (tags and the escaped `href`) the links and mentions of
/// one comment may add to their text; later ones stay text. About thirty
/// ordinary addresses fit, where the moderation pipeline holds a comment
/// long before.
pub const MAX_LINK_MARKUP: usize = 4_096;
/// Markup around one paragraph at most:
/// `<blockquote dir="auto"><p dir="auto">…</p></blockquote>`.
const BLOCK_MARKUP: usize = 54;

/// The most bytes [`render_comment`] gives for a body of `body_len` bytes:
/// six per byte (`"` is escaped to `&quot;`, a line break becomes `<br>`)
/// plus the markup of [`MAX_BLOCKS`] paragraphs and [`MAX_LINK_MARKUP`].
pub const fn max_rendered_len(body_len: usize) -> usize {
    6 * body_len + MAX_BLOCKS * BLOCK_MARKUP + MAX_LINK_MARKUP
}

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

/// A reader the comment mentions, as the store knows them: `@username`,
/// `@ username` and `@ Display Name` written in the body link to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mentioned {
    pub username: String,
    pub display_name: String,
}

/// A comment made ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedComment {
    pub html: String,
    /// From the first strong character outside mentions, links and
    /// quotes: an English reply that opens with an Arabic @mention is
    /// still a left-to-right comment.
    pub dir: Direction,
}

/// What comments support, documented next to the comment box: the text is
/// shown exactly as typed (escaped, never stripped), a blank line starts a
/// paragraph and a line break is kept, `http(s)://` and `www.` addresses
/// become links, `@name` (also `@ name`) of a mentioned reader becomes a
/// link to them, and lines starting with `>` are a quote (one level).
/// Pages, feeds, email and the API all show comments through this.
///
/// The output is bounded by construction, whatever the body: at most
/// [`MAX_BLOCKS`] paragraphs, links and mentions within
/// [`MAX_LINK_MARKUP`], [`max_rendered_len`] bytes in all, in time linear
/// in the body's length.
pub fn render_comment(
    body: &str,
    people: &[Mentioned],
    profile: impl Fn(&str) -> String,
) -> RenderedComment {
    let blocks = blocks(body);
    let mut link_markup = 0;
    // Paragraphs left for lines in their own direction once every block
    // has its first.
    let mut spare = MAX_BLOCKS.saturating_sub(blocks.len());
    // Each block as runs of lines in one direction: a reader who writes a
    // line in English and the next in Arabic gets each line aligned its
    // own way (a change of direction starts a new `<p>`).
    let mut rendered: Vec<(bool, Vec<(Direction, String)>)> = Vec::with_capacity(blocks.len());
    for block in &blocks {
        let mut runs: Vec<(Direction, String)> = Vec::new();
        for line in &block.lines {
            let (mut html, mut plain) = (String::with_capacity(line.len() + 8), String::new());
            let mut links = Links {
                people,
                profile: &profile,
                markup: &mut link_markup,
            };
            inline(line, &mut links, &mut html, &mut plain);
            let own = detect_direction(&plain);
            match runs.last_mut() {
                Some((dir, run))
                    if own == Direction::Auto
                        || *dir == own
                        || *dir == Direction::Auto
                        || spare == 0 =>
                {
                    if *dir == Direction::Auto {
                        *dir = own;
                    }
                    run.push_str("<br>");
                    run.push_str(&html);
                }
                Some(_) => {
                    spare -= 1;
                    runs.push((own, html));
                }
                None => runs.push((own, html)),
            }
        }
        rendered.push((block.quote, runs));
    }
    let first_strong = |quotes: bool| {
        rendered
            .iter()
            .filter(|(quote, _)| *quote == quotes)
            .flat_map(|(_, runs)| runs.iter().map(|(dir, _)| *dir))
            .find(|dir| *dir != Direction::Auto)
    };
    let dir = first_strong(false)
        .or_else(|| first_strong(true))
        .unwrap_or_else(|| detect_direction(body));
    let resolved = |own: Direction| if own == Direction::Auto { dir } else { own };
    let mut html = String::with_capacity(body.len() * 5 / 4 + 32 * rendered.len());
    for (quote, runs) in rendered {
        if quote {
            let first = runs.first().map_or(dir, |(own, _)| resolved(*own));
            html.push_str(&format!("<blockquote dir=\"{}\">", first.as_str()));
        }
        for (i, (own, inner)) in runs.iter().enumerate() {
            let class = if i > 0 { " class=\"line\"" } else { "" };
            html.push_str(&format!(
                "<p{class} dir=\"{}\">{inner}</p>",
                resolved(*own).as_str()
            ));
        }
        if quote {
            html.push_str("</blockquote>");
        }
    }
    RenderedComment { html, dir }
}

/// A run of lines: a paragraph, or a quote (lines starting with `>`).
struct Block<'a> {
    quote: bool,
    lines: Vec<&'a str>,
}

/// At most [`MAX_BLOCKS`]: the last one allowed takes the rest of the body
/// as typed, a blank line kept as an empty line.
fn blocks(body: &str) -> Vec<Block<'_>> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut open = false;
    let mut lines = body.split('\n');
    while let Some(line) = lines.next() {
        if line.trim().is_empty() {
            open = false;
            continue;
        }
        let (quote, text) = match line.trim_start().strip_prefix('>') {
            Some(rest) => (true, rest.strip_prefix(' ').unwrap_or(rest)),
            None => (false, line),
        };
        let full = blocks.len() + 1 >= MAX_BLOCKS;
        match blocks.last_mut() {
            Some(last) if open && last.quote == quote => last.lines.push(text),
            _ if full => {
                let mut rest: Vec<&str> = std::iter::once(line)
                    .chain(lines.map(|line| if line.trim().is_empty() { "" } else { line }))
                    .collect();
                while rest.last().is_some_and(|line| line.is_empty()) {
                    rest.pop();
                }
                blocks.push(Block {
                    quote: false,
                    lines: rest,
                });
                break;
            }
            _ => blocks.push(Block {
                quote,
                lines: vec![text],
            }),
        }
        open = true;
    }
    blocks
}

/// What links and mentions need: the readers who may be mentioned, their
/// profile addresses, and the markup spent on links so far in the comment.
struct Links<'a, F> {
    people: &'a [Mentioned],
    profile: &'a F,
    markup: &'a mut usize,
}

impl<F: Fn(&str) -> String> Links<'_, F> {
    /// Appends `<a …>{inner}</a>` to `html` if what it adds to `typed` (the
    /// escaped text it stands for) fits in what is left of
    /// [`MAX_LINK_MARKUP`], else `typed` alone.
    fn anchor(
        &mut self,
        html: &mut String,
        open: impl FnOnce(&mut String),
        inner: &str,
        typed: &str,
    ) {
        let before = html.len();
        open(html);
        html.push_str(inner);
        html.push_str("</a>");
        let markup = (html.len() - before).saturating_sub(typed.len());
        if *self.markup + markup <= MAX_LINK_MARKUP {
            *self.markup += markup;
        } else {
            html.truncate(before);
            html.push_str(typed);
        }
    }
}

/// One line's text, escaped, with its links and mentions; `plain` gets the
/// words outside them (for the direction).
fn inline<F: Fn(&str) -> String>(
    line: &str,
    links: &mut Links<'_, F>,
    html: &mut String,
    plain: &mut String,
) {
    let mut previous: Option<char> = None;
    let mut at = 0;
    while let Some(c) = line[at..].chars().next() {
        if starts_word(previous)
            && let Some(url) = link_at(&line[at..])
        {
            let href = if url.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("www.")) {
                format!("https://{url}")
            } else {
                url.to_owned()
            };
            let mut shown = String::with_capacity(url.len());
            escape_into(&mut shown, url);
            let open = |html: &mut String| {
                html.push_str("<a href=\"");
                escape_into(html, &href);
                html.push_str("\" rel=\"nofollow ugc noopener noreferrer\">");
            };
            links.anchor(html, open, &shown, &shown);
            at += url.len();
            previous = url.chars().last();
            continue;
        }
        if c == '@'
            && mention_may_start(previous)
            && let Some((len, name, username)) = mention_at(&line[at..], links.people)
        {
            let mut inner = String::from("<bdi>@");
            escape_into(&mut inner, name);
            inner.push_str("</bdi>");
            let mut typed = String::with_capacity(len);
            escape_into(&mut typed, &line[at..at + len]);
            let href = (links.profile)(username);
            let open = |html: &mut String| {
                html.push_str("<a class=\"mention\" href=\"");
                escape_into(html, &href);
                html.push_str("\">");
            };
            links.anchor(html, open, &inner, &typed);
            at += len;
            previous = name.chars().last();
            continue;
        }
        let mut buffer = [0; 4];
        escape_into(html, c.encode_utf8(&mut buffer));
        plain.push(c);
        previous = Some(c);
        at += c.len_utf8();
    }
}

pub(crate) fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' => out.push(' '),
            other => out.push(other),
        }
    }
}

fn starts_word(previous: Option<char>) -> bool {
    previous.is_none_or(|p| !(p.is_alphanumeric() || p == '_' || is_combining_mark(p)))
}

/// After a Latin letter or digit an `@` belongs to an email address;
/// after an Arabic letter it may follow a joined proclitic (و@سامر).
fn mention_may_start(previous: Option<char>) -> bool {
    previous.is_none_or(|p| !(p.is_ascii_alphanumeric() || matches!(p, '_' | '.' | '-' | '+')))
}

/// The address starting `text`, as the reader typed it, without the
/// punctuation that ends the sentence around it. Linear in the address's
/// length: a line of schemes or of closing brackets costs no more than
/// its length.
fn link_at(text: &str) -> Option<&str> {
    let scheme = ["https://", "http://", "www."].into_iter().find(|s| {
        text.get(..s.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(s))
    })?;
    // A host starts with a letter or digit: checked before looking for
    // the address's end, and never trimmed below as punctuation.
    if !text[scheme.len()..]
        .chars()
        .next()
        .is_some_and(char::is_alphanumeric)
    {
        return None;
    }
    let end = text
        .char_indices()
        .find(|&(_, c)| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '،' | '؛' | '\u{061F}'))
        .map_or(text.len(), |(i, _)| i);
    let mut url = &text[..end];
    // Closing brackets in excess of opening ones, kept as the end is trimmed.
    let excess = |open: char, close: char| {
        url.chars()
            .map(|c| isize::from(c == close) - isize::from(c == open))
            .sum::<isize>()
    };
    let (mut parens, mut brackets) = (excess('(', ')'), excess('[', ']'));
    while let Some(last) = url.chars().last() {
        let trailing = match last {
            '.' | ',' | ':' | ';' | '!' | '?' | '\'' | '*' | '_' => true,
            ')' => parens > 0,
            ']' => brackets > 0,
            _ => false,
        };
        if !trailing {
            break;
        }
        match last {
            ')' => parens -= 1,
            ']' => brackets -= 1,
            _ => {}
        }
        url = &url[..url.len() - last.len_utf8()];
    }
    Some(url)
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-' || c == '.' || is_combining_mark(c)
}

/// Display names are matched by up to this many words after `@ `.
const MENTION_WORDS: usize = 3;

/// The ways the `@` starting `text` may name a reader, longest first, each
/// as (bytes it covers from the `@`, the name as written): `@name` gives
/// one, `@ Two Words` gives "Two Words" and "Two".
fn mention_forms(text: &str) -> Vec<(usize, &str)> {
    let after = &text[1..];
    let name_end = |s: &str| {
        let len: usize = s
            .chars()
            .take_while(|&c| is_name_char(c))
            .map(char::len_utf8)
            .sum();
        s[..len].trim_end_matches(['.', '-']).len()
    };
    let direct = name_end(after);
    if direct > 0 {
        return vec![(1 + direct, &after[..direct])];
    }
    let spaces = after.len() - after.trim_start_matches(' ').len();
    if spaces == 0 || spaces > 2 {
        return Vec::new();
    }
    let start = 1 + spaces;
    let mut forms = Vec::new();
    let mut end = start;
    for _ in 0..MENTION_WORDS {
        let word = name_end(&text[end..]);
        if word == 0 {
            break;
        }
        end += word;
        forms.push((end, &text[start..end]));
        // One space between the words of a display name.
        if !text[end..].starts_with(' ') {
            break;
        }
        end += 1;
    }
    forms.reverse();
    forms
}

/// The mention starting `text`, if it names one of `people`: (bytes it
/// covers, the name as written, whose username).
fn mention_at<'a, 'p>(text: &'a str, people: &'p [Mentioned]) -> Option<(usize, &'a str, &'p str)> {
    mention_forms(text).into_iter().find_map(|(len, name)| {
        let folded = name.to_lowercase();
        people
            .iter()
            .find(|p| {
                p.username.to_lowercase() == folded || p.display_name.to_lowercase() == folded
            })
            .map(|p| (len, name, p.username.as_str()))
    })
}

/// Each `@` that may mention someone, as the names it may stand for,
/// longest first (`@ Salma Nasr` may be "Salma Nasr" or "Salma"); at most
/// [`MAX_MENTIONS`] of them, without repeats. The caller keeps the first
/// name of each that is a reader.
pub fn mention_candidates(body: &str) -> Vec<Vec<String>> {
    let mut found: Vec<Vec<String>> = Vec::new();
    for line in body.split('\n') {
        let mut previous: Option<char> = None;
        for (at, c) in line.char_indices() {
            if c == '@' && mention_may_start(previous) {
                let forms: Vec<String> = mention_forms(&line[at..])
                    .into_iter()
                    .map(|(_, name)| name.to_owned())
                    .filter(|name| name.chars().count() >= 3)
                    .collect();
                if !forms.is_empty() && !found.contains(&forms) {
                    found.push(forms);
                    if found.len() == MAX_MENTIONS {
                        return found;
                    }
                }
            }
            previous = Some(c);
        }
    }
    found
}

/// The addresses a comment writes, as the renderer finds them (the
/// moderation pipeline counts these), also those it leaves as text past
/// [`MAX_LINK_MARKUP`].
pub fn links(body: &str) -> Vec<&str> {
    let mut found = Vec::new();
    for line in body.split('\n') {
        let mut previous: Option<char> = None;
        let mut at = 0;
        while let Some(c) = line[at..].chars().next() {
            if starts_word(previous)
                && let Some(url) = link_at(&line[at..])
            {
                found.push(url);
                at += url.len();
                previous = url.chars().last();
                continue;
            }
            previous = Some(c);
            at += c.len_utf8();
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

    fn render(body: &str, people: &[Mentioned]) -> RenderedComment {
        render_comment(body, people, |name| format!("/en/user/{name}"))
    }

    fn person(username: &str, display_name: &str) -> Mentioned {
        Mentioned {
            username: username.to_owned(),
            display_name: display_name.to_owned(),
        }
    }

    #[test]
    fn text_that_looks_like_html_is_shown_as_typed() {
        for (typed, shown) in [
            (
                "if a<b and c>d then the budget fails",
                "if a&lt;b and c&gt;d then the budget fails",
            ),
            (
                "<sarcasm>What a great plan</sarcasm>",
                "&lt;sarcasm&gt;What a great plan&lt;/sarcasm&gt;",
            ),
            ("Press <Enter> to send", "Press &lt;Enter&gt; to send"),
            ("<b></b>", "&lt;b&gt;&lt;/b&gt;"),
            ("*not* _emphasis_ # heading", "*not* _emphasis_ # heading"),
        ] {
            assert_eq!(
                render(typed, &[]).html,
                format!(r#"<p dir="ltr">{shown}</p>"#)
            );
        }
    }

    #[test]
    fn paragraphs_line_breaks_and_quotes_are_kept() {
        let html = render(
            "> the budget is fine\n> says the minister\nIt is not.\nSee the tables.\n\nSecond paragraph.",
            &[],
        )
        .html;
        assert_eq!(
            html,
            concat!(
                r#"<blockquote dir="ltr"><p dir="ltr">the budget is fine<br>says the minister</p></blockquote>"#,
                r#"<p dir="ltr">It is not.<br>See the tables.</p>"#,
                r#"<p dir="ltr">Second paragraph.</p>"#
            )
        );
        // Deeper quoting is flattened to one level; its marks stay text.
        assert_eq!(
            render(&">".repeat(50), &[]).html,
            format!(
                r#"<blockquote dir="auto"><p dir="auto">{}</p></blockquote>"#,
                "&gt;".repeat(49)
            )
        );
    }

    /// The issue's comments (#18): `>` × 4,900 was 137 KB of nested
    /// quotes, `- ` × 2,400 was 98 KB of nested lists.
    #[test]
    fn the_issues_comments_render_near_their_size() {
        let quotes = normalize_comment(&">".repeat(4_900)).unwrap();
        let html = render(&quotes, &[]).html;
        assert_eq!(html.matches("<blockquote").count(), 1);
        assert_eq!(html.len(), 19_650, "one quote of 4,899 escaped `>`");
        let dashes = normalize_comment(&"- ".repeat(2_400)).unwrap();
        let html = render(&dashes, &[]).html;
        assert_eq!(html.len(), 4_817, "one paragraph of the dashes as typed");
    }

    #[test]
    fn paragraphs_past_the_cap_are_one_last_paragraph_as_typed() {
        let body = ">a\nb\n".repeat(1_000);
        let html = render(&body, &[]).html;
        assert_eq!(html.matches("<p").count(), MAX_BLOCKS);
        // 71,000 bytes before, 14 times the body.
        assert_eq!(html.len(), 15_425);
        // The 50th paragraph holds the rest, its quote marks as text.
        assert!(
            html.ends_with(&format!(
                "<p dir=\"ltr\">b{}</p>",
                "<br>&gt;a<br>b".repeat(1_000 - 25)
            )),
            "{}",
            &html[html.len() - 200..]
        );
        // Blank lines in the rest are kept as empty lines.
        let html = render(&"a\n\n".repeat(100), &[]).html;
        assert_eq!(html.matches("<p").count(), MAX_BLOCKS);
        assert!(html.ends_with("a<br><br>a</p>"), "{html}");
        // Lines in their own direction count as paragraphs too; past the cap
        // they are line breaks.
        let html = render(&"a\nب\n".repeat(1_250), &[]).html;
        assert_eq!(html.matches("<p").count(), MAX_BLOCKS);
        assert!(html.ends_with("ب<br>a<br>ب</p>"));
    }

    #[test]
    fn links_and_mentions_past_the_markup_budget_stay_text() {
        let body = "www.a ".repeat(833);
        let html = render(body.trim_end(), &[]).html;
        let linked = html.matches("<a ").count();
        assert!((30..100).contains(&linked), "{linked} links");
        assert!(html.ends_with("www.a www.a</p>"));
        assert!(html.len() <= max_rendered_len(body.len()));
        let people = [person("abc", "Abc Def")];
        let html = render("@abc @ Abc Def ".repeat(300).trim_end(), &people).html;
        let linked = html.matches("<a ").count();
        assert!((30..100).contains(&linked), "{linked} mentions");
        assert_eq!(html.matches("<bdi>").count(), linked);
        assert!(html.ends_with("@abc @ Abc Def</p>"), "{html}");
    }

    #[test]
    fn an_address_is_found_in_time_linear_in_its_length() {
        // Quadratic before: 87 ms for one 5,000-character comment.
        let closing = format!("www.a{}", ")".repeat(4_995));
        assert_eq!(links(&closing), ["www.a"]);
        assert_eq!(links(&format!("www.a({}", ")".repeat(9))), ["www.a()"]);
        assert!(links(&"www.!".repeat(1_000)).is_empty());
    }

    #[test]
    fn addresses_become_links_without_the_sentence_around_them() {
        let html = render(
            "See https://example.org/a_(b). Or (www.example.com/x), then http://x.example?q=1&r=2!",
            &[],
        )
        .html;
        assert_eq!(
            html,
            concat!(
                r#"<p dir="ltr">See <a href="https://example.org/a_(b)" rel="nofollow ugc noopener noreferrer">https://example.org/a_(b)</a>. "#,
                r#"Or (<a href="https://www.example.com/x" rel="nofollow ugc noopener noreferrer">www.example.com/x</a>), "#,
                r#"then <a href="http://x.example?q=1&amp;r=2" rel="nofollow ugc noopener noreferrer">http://x.example?q=1&amp;r=2</a>!</p>"#
            )
        );
        assert_eq!(
            links("https://a.example www.b.example nohttps://c x@www.d"),
            ["https://a.example", "www.b.example", "www.d"]
        );
        for attack in [
            "javascript:alert(1)",
            "https://x.example\"onmouseover=\"alert(1)",
            "data:text/html;base64,PHNjcmlwdD4=",
        ] {
            let html = render(attack, &[]).html;
            assert!(!html.contains("href=\"javascript") && !html.contains("href=\"data"));
            assert!(!html.contains("\"onmouseover"), "{html}");
        }
    }

    #[test]
    fn mentions_link_the_readers_named_in_every_written_form() {
        let people = [
            person("voiceofreason", "Voice"),
            person("salma_n", "Salma Nasr"),
        ];
        let html = render(
            "@ voiceofreason\nyou and @Salma_N agree; so does @ Salma Nasr. @nobody too, mail x@salma_n.example",
            &people,
        )
        .html;
        assert_eq!(
            html,
            concat!(
                r#"<p dir="ltr"><a class="mention" href="/en/user/voiceofreason"><bdi>@voiceofreason</bdi></a><br>"#,
                r#"you and <a class="mention" href="/en/user/salma_n"><bdi>@Salma_N</bdi></a> agree; "#,
                r#"so does <a class="mention" href="/en/user/salma_n"><bdi>@Salma Nasr</bdi></a>. "#,
                r#"@nobody too, mail x@salma_n.example</p>"#
            )
        );
    }

    #[test]
    fn direction_comes_from_the_words_outside_mentions_links_and_quotes() {
        let people = [person("سلمى_نصر", "سلمى"), person("omar_k", "Omar")];
        let reply = render(
            "@سلمى_نصر agreed — a map by neighbourhood would help",
            &people,
        );
        assert_eq!(reply.dir, Direction::Ltr);
        assert!(
            reply.html.starts_with(r#"<p dir="ltr"><a class="mention""#),
            "{}",
            reply.html
        );
        let arabic = render("@omar_k أوافقك الرأي https://example.org", &people);
        assert_eq!(arabic.dir, Direction::Rtl);
        let quoted = render("> كلام الوزير\nI disagree", &people);
        assert_eq!(quoted.dir, Direction::Ltr);
        assert!(quoted.html.starts_with(r#"<blockquote dir="rtl">"#));
        // Each line in its own direction; a line without letters stays
        // with the one before.
        let mixed = render(
            "@omar_k the city pays a third.\n2026\nبالعربي: المدينة تدفع الثلث.",
            &people,
        );
        assert!(
            mixed.html.ends_with(concat!(
                r#"the city pays a third.<br>2026</p>"#,
                r#"<p class="line" dir="rtl">بالعربي: المدينة تدفع الثلث.</p>"#
            )),
            "{}",
            mixed.html
        );
        assert_eq!(render("@omar_k", &people).dir, Direction::Ltr);
        assert_eq!(render("123", &people).dir, Direction::Auto);
    }

    #[test]
    fn mention_candidates_cover_each_written_form() {
        assert_eq!(
            mention_candidates(
                "@layla و@سامر_ح thanks @layla!\n@ voiceofreason\n@ Salma Nasr said"
            ),
            vec![
                vec!["layla".to_owned()],
                vec!["سامر_ح".to_owned()],
                vec!["voiceofreason".to_owned()],
                vec![
                    "Salma Nasr said".to_owned(),
                    "Salma Nasr".to_owned(),
                    "Salma".to_owned()
                ],
            ]
        );
        assert!(mention_candidates("mail me at x@news.example or @ab").is_empty());
        assert_eq!(
            mention_candidates("(@hala.q) said"),
            vec![vec!["hala.q".to_owned()]]
        );
        let many: String = (0..20).map(|i| format!("@name{i} ")).collect();
        assert_eq!(mention_candidates(&many).len(), MAX_MENTIONS);
    }
}
