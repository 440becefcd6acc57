//! Properties of the text policies over arbitrary input, Arabic-heavy.

use khabar_text::comment::{
    MAX_BLOCKS, Mentioned, max_rendered_len, normalize_comment, render_comment,
};
use khabar_text::markdown::{ARTICLE_GROWTH, ARTICLE_SLACK, MAX_ARTICLE_NESTING};
use khabar_text::unicode::is_bidi_control;
use khabar_text::username::{normalize_username, username_key};
use khabar_text::{render_article, slugify};
use proptest::prelude::*;

/// Strings mixing Arabic, Latin, marks, controls, bidi controls and
/// Markdown/HTML punctuation.
fn messy() -> impl Strategy<Value = String> {
    let pieces = prop::collection::vec(
        prop_oneof![
            "[a-zA-Z0-9 ]{0,8}",
            "[\u{0621}-\u{064A}\u{064B}-\u{0652}\u{0640} ]{0,8}",
            "[\u{202A}-\u{202E}\u{2066}-\u{2069}\u{200B}-\u{200F}\u{0000}-\u{001F}]{0,3}",
            "[<>\"'&/\\[\\]()*_`#@!:=;.-]{0,6}",
            Just("<script>alert(1)</script>".to_owned()),
            Just("[x](javascript:alert(1))".to_owned()),
            Just("<img src=x onerror=alert(1)>".to_owned()),
        ],
        0..12,
    );
    pieces.prop_map(|parts| parts.concat())
}

/// What an attacker pastes: a few formatting pieces, each repeated up to
/// thousands of times, up to about 12 KB (more than a comment may hold,
/// since stored bodies from before a rule must render too).
fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just(">"),
        Just("> "),
        Just("- "),
        Just("* "),
        Just("1. "),
        Just("\n"),
        Just("\n\n"),
        Just(" \n"),
        Just("a\n"),
        Just("ب\n"),
        Just("a\n\n"),
        Just(">a\nb\n"),
        Just("a\nب\n"),
        Just("\u{200F}a\u{200E}ب\n"),
        Just("@abc "),
        Just("@ Abc Def "),
        Just("@"),
        Just("www.a "),
        Just("https://x.example/?a=1&b='2'\"3 "),
        Just("www."),
        Just(")"),
        Just("&"),
        Just("\""),
        Just("|a"),
        Just("|-"),
        Just("|\n"),
        Just("*"),
        Just("["),
        Just("\u{200F}"),
        Just("\u{200E}"),
        Just("\u{061C}"),
        Just("\u{202E}"),
        Just("\u{200B}"),
    ];
    prop::collection::vec((piece, 1..2_000usize), 1..6).prop_map(|runs| {
        let mut text = String::new();
        for (piece, times) in runs {
            text.push_str(&piece.repeat(times));
            if text.len() > 12_000 {
                break;
            }
        }
        text
    })
}

/// How deep `tag` nests in `html` at most.
fn nesting(html: &str, tag: &str) -> usize {
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let (mut depth, mut deepest) = (0usize, 0);
    for (at, _) in html.match_indices('<') {
        if html[at..].starts_with(&open) {
            depth += 1;
            deepest = deepest.max(depth);
        } else if html[at..].starts_with(&close) {
            depth = depth.saturating_sub(1);
        }
    }
    deepest
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn rendered_comments_are_bounded(input in prop_oneof![hostile(), messy()]) {
        let people = [Mentioned { username: "abc".to_owned(), display_name: "Abc Def".to_owned() }];
        let profile = |name: &str| format!("/en/user/{name}");
        // Stored bodies are normalized; older ones or a caller's may not be.
        let normalized = normalize_comment(&input).ok();
        for body in [Some(input.clone()), normalized].into_iter().flatten() {
            let html = render_comment(&body, &people, profile).html;
            prop_assert!(html.len() <= max_rendered_len(body.len()), "{} bytes for {}", html.len(), body.len());
            prop_assert!(html.matches("<p").count() <= MAX_BLOCKS);
            prop_assert!(nesting(&html, "blockquote") <= 1);
        }
    }

    #[test]
    fn rendered_articles_are_bounded(input in prop_oneof![hostile(), messy()]) {
        let html = render_article(&input);
        prop_assert!(html.len() <= ARTICLE_GROWTH * input.len() + ARTICLE_SLACK, "{} bytes for {}", html.len(), input.len());
        prop_assert!(nesting(&html, "blockquote") <= MAX_ARTICLE_NESTING);
        prop_assert!(nesting(&html, "ul") + nesting(&html, "ol") <= 2 * MAX_ARTICLE_NESTING);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn comment_normalization_is_idempotent_and_strips_bidi(input in messy()) {
        if let Ok(once) = normalize_comment(&input) {
            prop_assert!(!once.chars().any(is_bidi_control));
            prop_assert!(!once.chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
            prop_assert_eq!(normalize_comment(&once), Ok(once.clone()));
        }
    }

    #[test]
    fn rendered_comments_and_articles_are_inert(input in messy()) {
        let comment = render_comment(&input, &[], |name| format!("/en/user/{name}")).html;
        for (html, images_allowed) in [(comment, false), (render_article(&input), true)] {
            // Text may say anything (escaped); tags must carry nothing active.
            for tag in tags(&html) {
                let name = tag.split([' ', '/', '>']).next().unwrap_or("");
                prop_assert!(!["script", "iframe", "bdo", "style", "object"].contains(&name), "{} in {}", tag, html);
                prop_assert!(images_allowed || name != "img", "image in a comment: {}", html);
                prop_assert!(!tag.contains(" on"), "event handler in {}", html);
                prop_assert!(!tag.contains("javascript:") && !tag.contains("data:"), "active URL in {}", html);
            }
        }
    }

    #[test]
    fn a_rendered_comment_shows_every_character_typed(input in messy()) {
        let Ok(body) = normalize_comment(&input) else { return Ok(()) };
        let html = render_comment(&body, &[], |name| format!("/en/user/{name}")).html;
        // Its text, without tags and line structure, is the body without
        // line structure and quote marks.
        let shown = unescape(&strip_tags(&html));
        let typed: String = body
            .split('\n')
            .filter(|line| !line.trim().is_empty())
            .map(|line| match line.trim_start().strip_prefix('>') {
                Some(rest) => rest.strip_prefix(' ').unwrap_or(rest),
                None => line,
            })
            .collect::<String>()
            .replace('\t', " ");
        prop_assert_eq!(shown, typed);
    }

    #[test]
    fn slugs_are_stable(input in messy()) {
        let slug = slugify(&input);
        prop_assert_eq!(slugify(&slug), slug.clone());
        prop_assert!(!slug.contains(['/', '?', '#', ' ']));
    }

    #[test]
    fn accepted_usernames_are_fixed_points(input in messy()) {
        if let Ok(name) = normalize_username(&input) {
            prop_assert_eq!(normalize_username(&name), Ok(name.clone()));
            prop_assert_eq!(username_key(&name), username_key(&name.to_uppercase()));
        }
    }
}

/// The inside of every tag, lowercased (`a href="…"`, `/p`).
fn tags(html: &str) -> Vec<String> {
    html.split('<')
        .skip(1)
        .filter_map(|rest| rest.split_once('>').map(|(tag, _)| tag.to_lowercase()))
        .collect()
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
