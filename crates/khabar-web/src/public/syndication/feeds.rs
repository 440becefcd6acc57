//! Feeds: Atom, RSS 2.0 and JSON Feed of each language and of each
//! section, tag and author in it, and an Atom feed of each story's
//! comments. One model serves the three formats; each entry carries its
//! language and its text sits in an element with its direction.

use std::sync::Arc;

use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use khabar_core::{FeedContent, Lang};
use khabar_store::{CommentView, EditionSummary, FeedEntry, ListFilter};
use minijinja::context;
use serde::Serialize;

use super::{absolute_links, rfc822, rfc3339, xml_safe};
use crate::http::cache::{Public, keys};
use crate::http::paths::{lang_and_slug, segment};
use crate::public::listing::{ListKind, listing};
use crate::theme::assets::content_type_of;
use crate::theme::page::FeedLink;
use crate::theme::page::error_page;
use crate::{App, PageError};

/// Stories in a feed: a day's news on a busy site.
const FEED_STORIES: u32 = 30;
/// Comments in a story's comment feed.
const FEED_COMMENTS: u32 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Atom,
    Rss,
    Json,
}

impl Format {
    pub(crate) const ALL: [Format; 3] = [Format::Atom, Format::Rss, Format::Json];

    pub(crate) fn extension(self) -> &'static str {
        match self {
            Format::Atom => "atom",
            Format::Rss => "rss",
            Format::Json => "json",
        }
    }

    fn media_type(self) -> &'static str {
        match self {
            Format::Atom => "application/atom+xml",
            Format::Rss => "application/rss+xml",
            Format::Json => "application/feed+json",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Format::Atom => "Atom",
            Format::Rss => "RSS",
            Format::Json => "JSON Feed",
        }
    }
}

/// The three feeds at `{path}/feed.{atom,rss,json}`.
pub(crate) fn links(app: &App, path: &str, title: &str) -> Vec<FeedLink> {
    Format::ALL
        .iter()
        .map(|format| FeedLink {
            media_type: format.media_type(),
            title: format!("{title} ({})", format.label()),
            href: format!("{}{path}/feed.{}", app.base_url, format.extension()),
        })
        .collect()
}

/// The comment feed of a story page.
pub(crate) fn comments_link(app: &App, story_path: &str, title: String) -> FeedLink {
    FeedLink {
        media_type: Format::Atom.media_type(),
        title,
        href: format!("{}{story_path}/comments.atom", app.base_url),
    }
}

#[derive(Debug, Serialize)]
struct Feed {
    lang: String,
    dir: &'static str,
    /// The site's name: the feed's author for entries without a byline.
    publisher: String,
    title: String,
    subtitle: String,
    id: String,
    self_url: String,
    page_url: String,
    updated: String,
    updated_rfc822: String,
    entries: Vec<Entry>,
}

#[derive(Debug, Serialize)]
struct Entry {
    id: String,
    url: String,
    lang: String,
    dir: &'static str,
    title: String,
    summary: String,
    /// The summary as HTML (RSS descriptions and JSON Feed are HTML).
    summary_html: String,
    /// HTML, absent when the site sends summaries only.
    content_html: Option<String>,
    published: String,
    published_rfc822: String,
    updated: String,
    authors: Vec<Person>,
    categories: Vec<String>,
    image: Option<String>,
    image_type: &'static str,
}

#[derive(Debug, Serialize)]
struct Person {
    name: String,
    url: String,
}

/// `/{lang}/feed.{format}`: the newest stories of a language.
pub(crate) async fn latest(
    app: Arc<App>,
    path: Result<Path<String>, PathRejection>,
    format: Format,
) -> Response {
    let Some(lang) = path.ok().and_then(|Path(code)| app.lang(&code)) else {
        return error_page(&app, app.site().default_language, &PageError::NotFound);
    };
    let page_path = format!("/{lang}/");
    let result = stories_feed(
        &app,
        lang,
        ListFilter::Latest,
        app.site().name_in(lang).to_owned(),
        &page_path,
        &format!("/{lang}"),
        format,
    )
    .await
    .map(|response| Public(vec![keys::FEEDS.into(), keys::HOME.into()]).on(response));
    result.unwrap_or_else(|error| error_page(&app, lang, &error))
}

/// `/{lang}/{section,tag,author}/{slug}/feed.{format}`.
pub(crate) async fn listed(
    app: Arc<App>,
    path: Result<Path<(String, String)>, PathRejection>,
    kind: ListKind,
    format: Format,
) -> Response {
    let Some((lang, slug)) = lang_and_slug(&app, path) else {
        return error_page(&app, app.site().default_language, &PageError::NotFound);
    };
    let result = async {
        let listing = listing(&app, kind, lang, slug.as_str()).await?;
        let page_path = format!("/{lang}/{}/{}", kind.path_part(), segment(slug.as_str()));
        let title = format!("{} — {}", app.site().name_in(lang), listing.title);
        let response = stories_feed(
            &app,
            lang,
            listing.filter,
            title,
            &page_path,
            &page_path,
            format,
        )
        .await?;
        Ok(Public(vec![keys::FEEDS.into(), listing.key]).on(response))
    }
    .await;
    result.unwrap_or_else(|error| error_page(&app, lang, &error))
}

/// `/{lang}/story/{slug}/comments.atom`: the newest visible comments.
pub(crate) async fn comments(
    app: Arc<App>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    let Some((lang, slug)) = lang_and_slug(&app, path) else {
        return error_page(&app, app.site().default_language, &PageError::NotFound);
    };
    let result = comments_feed(&app, lang, slug.as_str()).await;
    result.unwrap_or_else(|error| error_page(&app, lang, &error))
}

async fn stories_feed(
    app: &App,
    lang: Lang,
    filter: ListFilter,
    title: String,
    page_path: &str,
    feed_base: &str,
    format: Format,
) -> Result<Response, PageError> {
    let stories = app.store.feed_entries(lang, filter, FEED_STORIES).await?;
    let entries: Vec<Entry> = stories
        .iter()
        .map(|story| story_entry(app, story))
        .collect();
    let updated = stories
        .iter()
        .map(|s| s.summary.updated_at)
        .max()
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let self_url = format!("{}{feed_base}/feed.{}", app.base_url, format.extension());
    let feed = Feed {
        lang: lang.to_string(),
        dir: app.dir(lang),
        publisher: xml_safe(app.site().name_in(lang)),
        title: xml_safe(&title),
        subtitle: app.i18n.message(lang, "footer-tagline", None),
        id: self_url.clone(),
        self_url,
        page_url: format!("{}{page_path}", app.base_url),
        updated: rfc3339(updated),
        updated_rfc822: rfc822(updated),
        entries,
    };
    render(app, &feed, format)
}

fn story_entry(app: &App, story: &FeedEntry) -> Entry {
    let summary: &EditionSummary = &story.summary;
    let lang = summary.lang;
    let content_html = match app.site().feed_content {
        FeedContent::Full => Some(absolute_links(
            &xml_safe(&khabar_text::render_article(&story.body)),
            &app.base_url,
        )),
        FeedContent::Summary => None,
    };
    Entry {
        id: tag_uri(
            &app.base_url,
            summary.published_at,
            &format!("edition-{}", summary.id),
        ),
        url: format!(
            "{}/{}/story/{}",
            app.base_url,
            summary.lang,
            segment(&summary.slug)
        ),
        lang: summary.lang.to_string(),
        dir: app.dir(lang),
        title: xml_safe(&summary.headline),
        summary: xml_safe(&summary.standfirst),
        summary_html: minijinja::HtmlEscape(&xml_safe(&summary.standfirst)).to_string(),
        content_html,
        published: rfc3339(summary.published_at),
        published_rfc822: rfc822(summary.published_at),
        updated: rfc3339(summary.updated_at),
        authors: summary
            .authors
            .iter()
            .map(|author| Person {
                name: xml_safe(&author.name),
                url: format!(
                    "{}/{}/author/{}",
                    app.base_url,
                    summary.lang,
                    segment(&author.slug)
                ),
            })
            .collect(),
        categories: summary
            .section
            .iter()
            .map(|section| xml_safe(&section.name))
            .collect(),
        image: summary
            .hero_image
            .as_deref()
            .map(|image| crate::public::media::absolute(app, image)),
        image_type: summary
            .hero_image
            .as_deref()
            .map(content_type_of)
            .unwrap_or_default(),
    }
}

async fn comments_feed(app: &App, lang: Lang, slug: &str) -> Result<Response, PageError> {
    let article = app
        .store
        .article(lang, slug)
        .await?
        .ok_or(PageError::NotFound)?;
    let summary = &article.summary;
    let comments = app.store.recent_comments(summary.id, FEED_COMMENTS).await?;
    let story_path = format!("/{lang}/story/{}", segment(slug));
    let entries = comments
        .iter()
        .filter(|comment| comment.redaction_note.is_none())
        .map(|comment| comment_entry(app, lang, summary, comment))
        .collect();
    let updated = comments
        .iter()
        .map(|c| c.edited_at.unwrap_or(c.created_at))
        .max()
        .unwrap_or(summary.published_at);
    let self_url = format!("{}{story_path}/comments.atom", app.base_url);
    let feed = Feed {
        lang: lang.to_string(),
        dir: app.dir(lang),
        publisher: xml_safe(app.site().name_in(lang)),
        title: comments_title(app, lang, &summary.headline),
        subtitle: String::new(),
        id: self_url.clone(),
        self_url,
        page_url: format!("{}{story_path}#comments", app.base_url),
        updated: rfc3339(updated),
        updated_rfc822: rfc822(updated),
        entries,
    };
    Ok(Public(vec![keys::story(summary.story_id)]).on(render(app, &feed, Format::Atom)?))
}

/// "Comments on <headline>", in the story's language.
pub(crate) fn comments_title(app: &App, lang: Lang, headline: &str) -> String {
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("headline", xml_safe(headline));
    app.i18n.message(lang, "feed-comments-title", Some(&args))
}

fn comment_entry(app: &App, lang: Lang, story: &EditionSummary, comment: &CommentView) -> Entry {
    let rendered = crate::public::thread::render_body(comment, |name| {
        format!("{}/{lang}/user/{}", app.base_url, segment(name))
    });
    let written = comment.created_at;
    Entry {
        id: tag_uri(&app.base_url, written, &format!("comment-{}", comment.id)),
        url: format!("{}/{lang}/comment/{}", app.base_url, comment.id),
        // A comment's language is unknown; its direction is worked out
        // from its letters.
        lang: String::new(),
        dir: rendered.dir.as_str(),
        title: xml_safe(&format!("{} — {}", comment.author_name, story.headline)),
        summary: String::new(),
        summary_html: String::new(),
        content_html: Some(absolute_links(&xml_safe(&rendered.html), &app.base_url)),
        published: rfc3339(written),
        published_rfc822: rfc822(written),
        updated: rfc3339(comment.edited_at.unwrap_or(written)),
        authors: vec![Person {
            name: xml_safe(&comment.author_name),
            url: format!(
                "{}/{lang}/user/{}",
                app.base_url,
                segment(&comment.author_username)
            ),
        }],
        categories: Vec::new(),
        image: None,
        image_type: "",
    }
}

fn render(app: &App, feed: &Feed, format: Format) -> Result<Response, PageError> {
    let body = match format {
        Format::Atom | Format::Rss => {
            let template = format!("feeds/{}.xml", format.extension());
            app.templates
                .get_template(&template)?
                .render(context! { feed => feed })?
        }
        Format::Json => json_feed(feed).to_string(),
    };
    let content_type = format!("{}; charset=utf-8", format.media_type());
    Ok(([(header::CONTENT_TYPE, content_type)], body).into_response())
}

/// JSON Feed 1.1; each item's HTML sits in an element carrying its
/// direction, as JSON has no place for it.
fn json_feed(feed: &Feed) -> serde_json::Value {
    let items: Vec<serde_json::Value> = feed
        .entries
        .iter()
        .map(|entry| {
            let mut item = serde_json::json!({
                "id": entry.id,
                "url": entry.url,
                "title": entry.title,
                "summary": entry.summary,
                "date_published": entry.published,
                "date_modified": entry.updated,
                "language": entry.lang,
                "authors": entry.authors.iter().map(|a| serde_json::json!({"name": a.name, "url": a.url})).collect::<Vec<_>>(),
                "tags": entry.categories,
            });
            let html = entry.content_html.as_deref().unwrap_or(&entry.summary_html);
            item["content_html"] = format!(
                "<div lang=\"{}\" dir=\"{}\">{html}</div>",
                entry.lang, entry.dir
            )
            .into();
            if let Some(image) = &entry.image {
                item["image"] = image.clone().into();
            }
            item
        })
        .collect();
    serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "description": feed.subtitle,
        "home_page_url": feed.page_url,
        "feed_url": feed.self_url,
        "language": feed.lang,
        "items": items,
    })
}

/// A `tag:` URI (RFC 4151): an entry's id stays the same when its slug or
/// the site's scheme changes.
fn tag_uri(base_url: &str, minted: Timestamp, specific: &str) -> String {
    let host = base_url
        .split("://")
        .nth(1)
        .unwrap_or(base_url)
        .split(['/', ':'])
        .next()
        .unwrap_or_default();
    format!("tag:{host},{}:{specific}", minted.strftime("%Y-%m-%d"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_ids_are_tag_uris_without_ports() {
        let at: Timestamp = "2026-03-01T10:00:00Z".parse().unwrap();
        assert_eq!(
            tag_uri("http://127.0.0.1:8080", at, "edition-7"),
            "tag:127.0.0.1,2026-03-01:edition-7"
        );
        assert_eq!(
            tag_uri("https://news.example/", at, "comment-9"),
            "tag:news.example,2026-03-01:comment-9"
        );
    }
}
