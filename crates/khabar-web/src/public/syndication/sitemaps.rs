//! Sitemaps for search engines: an index, the list pages and the site's
//! own written pages of every language, every published edition (split at 50,000 addresses, each with
//! its other editions as `hreflang` alternates), a Google News sitemap of
//! the last two days, and robots.txt naming them.

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jiff::{SignedDuration, Timestamp};
use minijinja::context;
use serde::Serialize;

use super::{rfc3339, xml_safe};
use crate::http::cache::{Public, keys};
use crate::http::paths::segment;
use crate::theme::page::error_page;
use crate::{App, PageError};

/// The sitemap protocol's limit of addresses per file.
pub(crate) const URLS_PER_SITEMAP: u32 = 50_000;
/// Google News reads stories of the last two days, at most 1,000.
const NEWS_WINDOW: SignedDuration = SignedDuration::from_hours(48);
const NEWS_MAX_URLS: u32 = 1_000;

const XML: &str = "application/xml; charset=utf-8";

#[derive(Debug, Serialize)]
struct SitemapRef {
    loc: String,
    lastmod: Option<String>,
}

#[derive(Debug, Serialize)]
struct UrlEntry {
    loc: String,
    lastmod: Option<String>,
    alternates: Vec<Alternate>,
}

#[derive(Debug, Clone, Serialize)]
struct Alternate {
    hreflang: String,
    href: String,
}

#[derive(Debug, Serialize)]
struct NewsUrl {
    loc: String,
    publication: String,
    language: String,
    published: String,
    title: String,
}

type AppState = State<Arc<App>>;

/// `/sitemap.xml`: the index of every sitemap file.
pub(crate) async fn index(State(app): AppState) -> Response {
    let result = async {
        let mut sitemaps = vec![SitemapRef {
            loc: format!("{}/sitemaps/pages.xml", app.base_url),
            lastmod: None,
        }];
        let chunks = app.store.sitemap_chunks(URLS_PER_SITEMAP).await?;
        sitemaps.extend(chunks.iter().enumerate().map(|(i, chunk)| SitemapRef {
            loc: format!("{}/sitemaps/stories-{}.xml", app.base_url, i + 1),
            lastmod: Some(rfc3339(chunk.last_modified)),
        }));
        sitemaps.push(SitemapRef {
            loc: format!("{}/sitemaps/news.xml", app.base_url),
            lastmod: None,
        });
        xml(
            &app,
            "sitemaps/index.xml",
            context! { sitemaps => sitemaps },
        )
    }
    .await;
    respond(&app, result)
}

/// `/sitemaps/{pages,news,stories-N}.xml`.
pub(crate) async fn file(
    State(app): AppState,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let name = path.map(|Path(name)| name).unwrap_or_default();
    let result = match name.as_str() {
        "pages.xml" => pages(&app).await,
        "news.xml" => news(&app).await,
        other => match other
            .strip_prefix("stories-")
            .and_then(|rest| rest.strip_suffix(".xml"))
            .and_then(|n| n.parse::<u32>().ok())
        {
            Some(number) if number >= 1 => stories(&app, number - 1).await,
            _ => Err(PageError::NotFound),
        },
    };
    respond(&app, result)
}

/// Home, section, tag and author pages in every language, each naming
/// its versions in the others.
async fn pages(app: &App) -> Result<Response, PageError> {
    let slugs = app.store.listing_slugs().await?;
    let mut paths = vec![String::new()];
    for (part, list) in [
        ("section", &slugs.sections),
        ("tag", &slugs.tags),
        ("author", &slugs.authors),
    ] {
        paths.extend(list.iter().map(|slug| format!("{part}/{}", segment(slug))));
    }
    let languages = app.languages();
    let address = |lang: &khabar_core::Lang, path: &str| format!("{}/{lang}/{path}", app.base_url);
    let mut urls = Vec::with_capacity(paths.len() * languages.len());
    for path in &paths {
        let mut alternates: Vec<Alternate> = languages
            .iter()
            .map(|lang| Alternate {
                hreflang: lang.to_string(),
                href: address(lang, path),
            })
            .collect();
        alternates.push(Alternate {
            hreflang: "x-default".into(),
            href: address(&app.site().default_language, path),
        });
        for lang in &languages {
            urls.push(UrlEntry {
                loc: address(lang, path),
                lastmod: None,
                alternates: alternates.clone(),
            });
        }
    }
    urls.extend(static_pages(app, &languages).await?);
    // Beyond the protocol's limit a crawler would drop the file whole.
    urls.truncate(URLS_PER_SITEMAP as usize);
    xml(app, "sitemaps/urls.xml", context! { urls => urls })
}

/// The site's own pages (about, contact…) in each language they are
/// written in, naming the page's other written languages; an unwritten
/// language's address only says the page is not there yet.
async fn static_pages(
    app: &App,
    languages: &[khabar_core::Lang],
) -> Result<Vec<UrlEntry>, PageError> {
    let written = app.store.static_pages().await?;
    let address = |lang: &khabar_core::Lang, page: &str| format!("{}/{lang}/{page}", app.base_url);
    let mut urls = Vec::with_capacity(written.len());
    for page in khabar_app::front::STATIC_PAGES {
        let texts: Vec<_> = written
            .iter()
            .filter(|w| w.page == page && languages.contains(&w.lang))
            .collect();
        // A page in one language has no alternates to name.
        let mut alternates = Vec::new();
        if texts.len() > 1 {
            alternates.extend(texts.iter().map(|w| Alternate {
                hreflang: w.lang.to_string(),
                href: address(&w.lang, page),
            }));
            let default = app.site().default_language;
            if texts.iter().any(|w| w.lang == default) {
                alternates.push(Alternate {
                    hreflang: "x-default".into(),
                    href: address(&default, page),
                });
            }
        }
        urls.extend(texts.iter().map(|w| UrlEntry {
            loc: address(&w.lang, page),
            lastmod: Some(rfc3339(w.updated_at)),
            alternates: alternates.clone(),
        }));
    }
    Ok(urls)
}

/// One file of published editions; an edition with others links them.
async fn stories(app: &App, chunk: u32) -> Result<Response, PageError> {
    let entries = app.store.sitemap_entries(chunk, URLS_PER_SITEMAP).await?;
    if entries.is_empty() {
        return Err(PageError::NotFound);
    }
    let address =
        |lang: &str, slug: &str| format!("{}/{lang}/story/{}", app.base_url, segment(slug));
    let urls: Vec<UrlEntry> = entries
        .iter()
        .map(|entry| UrlEntry {
            loc: address(entry.lang.as_str(), &entry.slug),
            lastmod: Some(rfc3339(entry.updated_at)),
            alternates: if entry.alternates.len() > 1 {
                entry
                    .alternates
                    .iter()
                    .map(|(lang, slug)| Alternate {
                        hreflang: lang.to_string(),
                        href: address(lang.as_str(), slug),
                    })
                    .collect()
            } else {
                Vec::new()
            },
        })
        .collect();
    xml(app, "sitemaps/urls.xml", context! { urls => urls })
}

/// Stories of the last two days, for Google News.
async fn news(app: &App) -> Result<Response, PageError> {
    let since = Timestamp::now() - NEWS_WINDOW;
    let entries = app.store.published_since(since, NEWS_MAX_URLS).await?;
    let urls: Vec<NewsUrl> = entries
        .iter()
        .filter_map(|entry| {
            let lang = app.lang(entry.lang.as_str())?;
            Some(NewsUrl {
                loc: format!("{}/{lang}/story/{}", app.base_url, segment(&entry.slug)),
                publication: xml_safe(app.site().name_in(lang)),
                language: entry.lang.to_string(),
                published: rfc3339(entry.published_at),
                title: xml_safe(&entry.headline),
            })
        })
        .collect();
    xml(app, "sitemaps/news.xml", context! { urls => urls })
}

/// `/robots.txt`: everything public may be crawled; accounts, moderation,
/// search results and the API may not. Names the sitemaps.
pub(crate) async fn robots(State(app): AppState) -> Response {
    let mut text = String::from("User-agent: *\nDisallow: /api/\n");
    for lang in app.languages() {
        for private in [
            "account",
            "moderate",
            "notifications",
            "search",
            "signin",
            "signup",
            "reset",
            "verify",
            "unsubscribe",
        ] {
            text.push_str(&format!("Disallow: /{lang}/{private}\n"));
        }
    }
    text.push_str(&format!(
        "\nSitemap: {base}/sitemap.xml\nSitemap: {base}/sitemaps/news.xml\n",
        base = app.base_url
    ));
    Public(vec![keys::SITEMAPS.into()]).on((
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response())
}

fn xml(app: &App, template: &str, page: minijinja::Value) -> Result<Response, PageError> {
    let body = app.templates.get_template(template)?.render(page)?;
    Ok(Public(vec![keys::SITEMAPS.into()])
        .on(([(header::CONTENT_TYPE, XML)], body).into_response()))
}

fn respond(app: &App, result: Result<Response, PageError>) -> Response {
    result.unwrap_or_else(|error| error_page(app, app.site().default_language, &error))
}
