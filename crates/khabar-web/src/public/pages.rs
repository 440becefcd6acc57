//! The public site: server-rendered pages per language that work without
//! JavaScript.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use khabar_core::{Lang, Slug};
use khabar_store::{EditionLink, ListFilter, SectionRef};
use minijinja::{Value, context};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use crate::http::cache::{Public, keys};
use crate::theme::i18n::negotiate;
use crate::http::session::Viewer;
use crate::public::structured_data::article_meta;
use crate::public::syndication::feeds::{self, FeedLink};
use crate::{App, PageError};

type AppState = State<Arc<App>>;

/// Stories on a list page and on the home page.
const PER_PAGE: u32 = 12;
const HOME_LATEST: u32 = 6;
const HOME_PER_SECTION: u32 = 3;
/// No list is paged further than this; deeper offsets only cost the database.
const MAX_PAGE: u32 = 1_000;

/// Characters kept as they are in a path segment; everything else,
/// including every non-ASCII letter of an Arabic slug, is percent-encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

pub(crate) fn segment(text: &str) -> String {
    utf8_percent_encode(text, SEGMENT).to_string()
}

/// `/` sends each reader to the language their browser asks for.
pub async fn choose_language(State(app): AppState, headers: HeaderMap) -> Response {
    let lang = preferred_language(&app, &headers);
    let mut response = Redirect::to(&format!("/{lang}/")).into_response();
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    response
}

pub(crate) fn preferred_language(app: &App, headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| negotiate(value, &app.languages()))
        .unwrap_or(app.site().default_language)
}

/// `/ar` → `/ar/`.
pub async fn language_root(
    State(app): AppState,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Response {
    match path.ok().and_then(|Path(code)| app.lang(&code)) {
        Some(lang) => Redirect::permanent(&format!("/{lang}/")).into_response(),
        None => error_page(
            &app,
            preferred_language(&app, &headers),
            &PageError::NotFound,
        ),
    }
}

pub async fn home(
    State(app): AppState,
    viewer: Viewer,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Response {
    let Some(lang) = path.ok().and_then(|Path(code)| app.lang(&code)) else {
        return error_page(
            &app,
            preferred_language(&app, &headers),
            &PageError::NotFound,
        );
    };
    respond(&app, lang, home_page(&app, lang, &viewer).await)
}

async fn home_page(app: &App, lang: Lang, viewer: &Viewer) -> Result<Response, PageError> {
    let home = app.store.home(lang, HOME_LATEST, HOME_PER_SECTION).await?;
    let paths = app
        .languages()
        .into_iter()
        .map(|l| (l, format!("/{l}/")))
        .collect();
    let mut chrome = chrome(
        app,
        lang,
        viewer,
        paths,
        Some("/".to_owned()),
        format!("/{lang}/"),
    )
    .await?;
    chrome.feeds = feeds::links(app, &format!("/{lang}"), app.site().name_in(lang));
    let response = render(
        app,
        "home.html",
        lang,
        chrome,
        context! { home => home, page_kind => "home" },
    )?;
    Ok(Public(vec![keys::HOME.into()]).on(response))
}

pub async fn section(
    State(app): AppState,
    viewer: Viewer,
    path: Result<Path<(String, String)>, PathRejection>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    headers: HeaderMap,
) -> Response {
    list(&app, ListKind::Section, path, query, &headers, &viewer).await
}

pub async fn tag(
    State(app): AppState,
    viewer: Viewer,
    path: Result<Path<(String, String)>, PathRejection>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    headers: HeaderMap,
) -> Response {
    list(&app, ListKind::Tag, path, query, &headers, &viewer).await
}

pub async fn author(
    State(app): AppState,
    viewer: Viewer,
    path: Result<Path<(String, String)>, PathRejection>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    headers: HeaderMap,
) -> Response {
    list(&app, ListKind::Author, path, query, &headers, &viewer).await
}

/// The kinds of list page, each of which also has feeds.
#[derive(Clone, Copy)]
pub(crate) enum ListKind {
    Section,
    Tag,
    Author,
}

impl ListKind {
    pub(crate) fn path_part(self) -> &'static str {
        match self {
            ListKind::Section => "section",
            ListKind::Tag => "tag",
            ListKind::Author => "author",
        }
    }
}

/// A section, tag or author found by its slug.
pub(crate) struct Listing {
    pub filter: ListFilter,
    pub title: String,
    pub description: String,
    /// The surrogate key of every page that lists it.
    pub key: String,
}

pub(crate) async fn listing(
    app: &App,
    kind: ListKind,
    lang: Lang,
    slug: &str,
) -> Result<Listing, PageError> {
    let store = &app.store;
    Ok(match kind {
        ListKind::Section => {
            let section = store
                .section_by_slug(lang, slug)
                .await?
                .ok_or(PageError::NotFound)?;
            Listing {
                filter: ListFilter::Section(section.id),
                title: section.name,
                description: String::new(),
                key: keys::section(section.id),
            }
        }
        ListKind::Tag => {
            let tag = store
                .tag_by_slug(lang, slug)
                .await?
                .ok_or(PageError::NotFound)?;
            Listing {
                filter: ListFilter::Tag(tag.id),
                title: tag.name,
                description: String::new(),
                key: keys::tag(tag.id),
            }
        }
        ListKind::Author => {
            let author = store
                .author_by_slug(lang, slug)
                .await?
                .ok_or(PageError::NotFound)?;
            Listing {
                filter: ListFilter::Author(author.id),
                title: author.name,
                description: author.bio,
                key: keys::author(author.id),
            }
        }
    })
}

async fn list(
    app: &App,
    kind: ListKind,
    path: Result<Path<(String, String)>, PathRejection>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    headers: &HeaderMap,
    viewer: &Viewer,
) -> Response {
    let Some((lang, slug)) = lang_and_slug(app, path) else {
        return error_page(app, preferred_language(app, headers), &PageError::NotFound);
    };
    let slug = slug.as_str();
    let result = match page_number(query) {
        Ok(page) => list_page(app, kind, lang, slug, page, viewer).await,
        Err(e) => Err(e),
    };
    respond(app, lang, result)
}

fn page_number(
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<u32, PageError> {
    let Ok(Query(query)) = query else {
        return Err(PageError::BadRequest("unreadable query string".into()));
    };
    match query.get("page") {
        None => Ok(1),
        Some(text) => match text.parse::<u32>() {
            Ok(page) if (1..=MAX_PAGE).contains(&page) => Ok(page),
            _ => Err(PageError::BadRequest(format!(
                "page must be a number from 1 to {MAX_PAGE}"
            ))),
        },
    }
}

async fn list_page(
    app: &App,
    kind: ListKind,
    lang: Lang,
    slug: &str,
    page: u32,
    viewer: &Viewer,
) -> Result<Response, PageError> {
    let listing = listing(app, kind, lang, slug).await?;
    let stories = app
        .store
        .published(lang, listing.filter, page, PER_PAGE)
        .await?;
    if page > 1 && stories.items.is_empty() {
        return Err(PageError::NotFound);
    }
    let base = |l: Lang| format!("/{l}/{}/{}", kind.path_part(), segment(slug));
    let paths = app.languages().into_iter().map(|l| (l, base(l))).collect();
    // Page N in one language need not exist in another (they hold different
    // numbers of stories): only first pages announce alternates.
    let (x_default, canonical) = if page == 1 {
        (Some(base(app.site().default_language)), base(lang))
    } else {
        (None, format!("{}?page={page}", base(lang)))
    };
    let mut chrome = chrome(app, lang, viewer, paths, x_default, canonical).await?;
    let this_page = base(lang);
    let feed_title = format!("{} — {}", app.site().name_in(lang), listing.title);
    chrome.feeds = feeds::links(app, &this_page, &feed_title);
    let response = render(
        app,
        "list.html",
        lang,
        chrome,
        context! {
            kind => kind.path_part(),
            slug => slug,
            title => listing.title,
            description => listing.description,
            stories => stories,
            current_section => matches!(kind, ListKind::Section).then_some(slug),
            previous_page => (page > 1).then(|| if page == 2 { this_page.clone() } else { format!("{this_page}?page={}", page - 1) }),
            next_page => stories.has_more.then(|| format!("{this_page}?page={}", page + 1)),
        },
    )?;
    Ok(Public(vec![listing.key]).on(response))
}

pub async fn article(
    State(app): AppState,
    viewer: Viewer,
    path: Result<Path<(String, String)>, PathRejection>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let Some((lang, slug)) = lang_and_slug(&app, path) else {
        return error_page(
            &app,
            preferred_language(&app, &headers),
            &PageError::NotFound,
        );
    };
    respond(
        &app,
        lang,
        article_page(
            &app,
            lang,
            slug.as_str(),
            &viewer,
            &query.map(|q| q.0).unwrap_or_default(),
            None,
        )
        .await,
    )
}

/// A site language and a well-formed slug from the path. Anything else —
/// an unknown language, NUL bytes, a thousand characters — cannot name a
/// page, so it is a 404 before the database is asked.
pub(crate) fn lang_and_slug(
    app: &App,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Option<(Lang, Slug)> {
    let Path((code, slug)) = path.ok()?;
    Some((app.lang(&code)?, Slug::parse(&slug).ok()?))
}

/// The article page; `refusal` is a comment form of this reader's that
/// was refused, shown again with their text.
pub(crate) async fn article_page(
    app: &App,
    lang: Lang,
    slug: &str,
    viewer: &Viewer,
    query: &HashMap<String, String>,
    refusal: Option<crate::public::comments::Refusal>,
) -> Result<Response, PageError> {
    let Some(article) = app.store.article(lang, slug).await? else {
        // A story whose slug changed after publication keeps its old links.
        return match app.store.current_slug(lang, slug).await? {
            Some(current) => {
                let to = format!("/{lang}/story/{}", segment(&current));
                Ok((StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, to)]).into_response())
            }
            None => Err(PageError::NotFound),
        };
    };
    let this_path = story_path(lang.as_str(), slug);
    let mut paths = vec![(lang, this_path.clone())];
    for other in &article.other_editions {
        if let Some(other_lang) = app.lang(&other.lang) {
            paths.push((other_lang, story_path(&other.lang, &other.slug)));
        }
    }
    let x_default = paths
        .iter()
        .find(|(l, _)| *l == app.site().default_language)
        .map(|(_, p)| p.clone())
        .unwrap_or_else(|| this_path.clone());
    let editions = edition_switches(app, &article.other_editions);
    let mut chrome = chrome(app, lang, viewer, paths, Some(x_default), this_path.clone()).await?;
    chrome.feeds = vec![feeds::comments_link(
        app,
        &this_path,
        feeds::comments_title(app, lang, &article.summary.headline),
    )];
    let meta = article_meta(app, lang, &article, &format!("{}{this_path}", app.base_url));
    let mut cache_keys = vec![keys::story(article.summary.story_id)];
    cache_keys.extend(article.summary.section.iter().map(|s| keys::section(s.id)));
    cache_keys.extend(article.summary.authors.iter().map(|a| keys::author(a.id)));
    let thread =
        crate::public::comments::thread_view(app, lang, &article, viewer, query, refusal).await?;
    let current_section = article.summary.section.as_ref().map(|s| s.slug.clone());
    // Corrections minutes after publication are not worth an "updated" line.
    let was_updated = article.summary.updated_at
        > article.summary.published_at + jiff::SignedDuration::from_mins(5);
    let response = render(
        app,
        "article.html",
        lang,
        chrome,
        context! {
            article => article,
            editions => editions,
            current_section => current_section,
            was_updated => was_updated,
            thread => thread,
            meta => meta,
        },
    )?;
    Ok(Public(cache_keys).on(response))
}

/// A story's public address in one language.
fn story_path(lang: &str, slug: &str) -> String {
    format!("/{lang}/story/{}", segment(slug))
}

/// Links to the story's other editions, each labelled in its language.
pub(crate) fn edition_switches(app: &App, others: &[EditionLink]) -> Vec<EditionSwitch> {
    others
        .iter()
        .filter_map(|other| {
            let other_lang = app.lang(&other.lang)?;
            Some(EditionSwitch {
                lang: other.lang.clone(),
                dir: app.site().dir_of(other_lang)?.as_str(),
                href: story_path(&other.lang, &other.slug),
                label: app.i18n.message(other_lang, "read-this-story", None),
            })
        })
        .collect()
}

/// A link to the story in another language, labelled in that language.
#[derive(Serialize)]
pub(crate) struct EditionSwitch {
    lang: String,
    dir: &'static str,
    href: String,
    label: String,
}

/// The parts of every page: site name, navigation, alternates, canonical.
#[derive(Serialize)]
pub(crate) struct Chrome {
    site_name: String,
    /// The page language's locale (`ar-u-nu-arab`…), for scripts that
    /// format in it.
    locale: String,
    base_url: String,
    canonical: String,
    alternates: Vec<Alternate>,
    languages: Vec<LanguageLink>,
    sections: Vec<SectionRef>,
    /// The signed-in reader, for the header's account links.
    viewer: Option<SignedIn>,
    /// Feeds of this page, announced with `<link rel="alternate">`.
    pub feeds: Vec<FeedLink>,
}

#[derive(Serialize)]
struct SignedIn {
    username: String,
    display_name: String,
    csrf_token: String,
    /// Unread notifications, for the bell.
    unread: i64,
    /// Whether the header links to the moderation queues.
    moderates: bool,
    /// Whether the header links to the newsroom's screens.
    writes: bool,
}

#[derive(Serialize)]
struct Alternate {
    hreflang: String,
    href: String,
}

#[derive(Serialize)]
struct LanguageLink {
    lang: String,
    dir: &'static str,
    href: String,
    name: String,
}

/// `paths` holds this page in each language it exists in (itself
/// included); they become the language switch and, when there is an
/// `x_default`, the `hreflang` alternates.
pub(crate) async fn chrome(
    app: &App,
    lang: Lang,
    viewer: &Viewer,
    paths: Vec<(Lang, String)>,
    x_default: Option<String>,
    canonical_path: String,
) -> Result<Chrome, PageError> {
    let absolute = |path: &str| format!("{}{path}", app.base_url);
    let mut alternates = Vec::new();
    if let Some(x_default) = x_default {
        alternates.extend(paths.iter().map(|(l, path)| Alternate {
            hreflang: l.to_string(),
            href: absolute(path),
        }));
        alternates.push(Alternate {
            hreflang: "x-default".into(),
            href: absolute(&x_default),
        });
    }
    let languages = app
        .site()
        .languages
        .iter()
        .filter(|l| l.code != lang)
        .map(|l| LanguageLink {
            lang: l.code.to_string(),
            dir: l.dir.as_str(),
            href: paths
                .iter()
                .find(|(code, _)| *code == l.code)
                .map(|(_, path)| path.clone())
                .unwrap_or_else(|| format!("/{}/", l.code)),
            name: app.i18n.message(l.code, "language-name", None),
        })
        .collect();
    let signed_in = match &viewer.session {
        Some(session) => Some(SignedIn {
            username: session.account.username.clone(),
            display_name: session.account.display_name.clone(),
            csrf_token: session.csrf_token.clone(),
            unread: app.store.unread_notifications(session.account.id).await?,
            moderates: khabar_core::Role::parse(&session.account.role)
                .is_ok_and(khabar_core::Role::moderates),
            writes: khabar_core::Role::parse(&session.account.role)
                .is_ok_and(khabar_core::newsroom::may_write),
        }),
        None => None,
    };
    let locale = app
        .site()
        .languages
        .iter()
        .find(|l| l.code == lang)
        .and_then(|l| l.locale.clone())
        .unwrap_or_else(|| lang.to_string());
    Ok(Chrome {
        viewer: signed_in,
        locale,
        site_name: app.site().name_in(lang).to_owned(),
        base_url: app.base_url.clone(),
        canonical: absolute(&canonical_path),
        alternates,
        languages,
        sections: app.store.sections(lang).await?,
        feeds: Vec::new(),
    })
}

pub(crate) fn render(
    app: &App,
    template: &str,
    lang: Lang,
    chrome: Chrome,
    page: Value,
) -> Result<Response, PageError> {
    render_with_status(app, StatusCode::OK, template, lang, chrome, page)
}

/// Renders a page. Whether caches may keep it is the caching layer's call
/// (`http_cache`): a signed-in reader's pages are never stored.
pub(crate) fn render_with_status(
    app: &App,
    status: StatusCode,
    template: &str,
    lang: Lang,
    chrome: Chrome,
    page: Value,
) -> Result<Response, PageError> {
    let html = render_html(app, template, lang, chrome, page)?;
    Ok(html_response(status, lang, html))
}

/// A page's HTML in `lang`, in that language's direction.
pub(crate) fn render_html(
    app: &App,
    template: &str,
    lang: Lang,
    chrome: Chrome,
    page: Value,
) -> Result<String, PageError> {
    Ok(app.templates.get_template(template)?.render(context! {
        lang => lang.as_str(),
        dir => app.dir(lang),
        chrome => chrome,
        ..page
    })?)
}

pub(crate) fn html_response(status: StatusCode, lang: Lang, html: String) -> Response {
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(lang.as_str()) {
        response
            .headers_mut()
            .insert(header::CONTENT_LANGUAGE, value);
    }
    response
}

pub(crate) fn respond(app: &App, lang: Lang, result: Result<Response, PageError>) -> Response {
    result.unwrap_or_else(|error| error_page(app, lang, &error))
}

/// A localized error page. Server-side failures are logged with their
/// cause; the reader sees only a short message.
pub(crate) fn error_page(app: &App, lang: Lang, error: &PageError) -> Response {
    let status = error.status();
    if status.is_server_error() {
        tracing::error!(%error, "page failed");
    }
    let dir = app.dir(lang);
    let retry_after = match error {
        PageError::TooManyRequests(seconds) => Some(*seconds),
        _ => None,
    };
    let reason = match error {
        PageError::Rejected(code) => Some(*code),
        _ => None,
    };
    let rendered = app
        .templates
        .get_template("error.html")
        .and_then(|template| {
            template.render(context! {
                lang => lang.as_str(),
                dir => dir,
                status => status.as_u16(),
                site_name => app.site().name_in(lang),
                minutes => retry_after.map(|s| s.div_ceil(60).max(1)),
            reason => reason,
            })
        });
    let mut response = match rendered {
        Ok(html) => html_response(status, lang, html),
        Err(template_error) => {
            tracing::error!(%template_error, "error page failed");
            (status, status.canonical_reason().unwrap_or("error")).into_response()
        }
    };
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    }
    response
}

/// Any path no route knows: a 404 in the language of its prefix when it
/// has one, otherwise in the reader's.
pub async fn not_found(
    State(app): AppState,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    let lang = uri
        .path()
        .split('/')
        .nth(1)
        .and_then(|prefix| app.lang(prefix))
        .unwrap_or_else(|| preferred_language(&app, &headers));
    error_page(&app, lang, &PageError::NotFound)
}

/// Theme assets (CSS, scripts, icons). Addresses named by the file's
/// current hash never change content, so they are cached for a year.
pub async fn asset(
    State(app): AppState,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Response {
    let file = path
        .ok()
        .and_then(|Path(path)| Some((app.theme.asset(&path)?, path)));
    let Some(((bytes, current), path)) = file else {
        return error_page(
            &app,
            preferred_language(&app, &headers),
            &PageError::NotFound,
        );
    };
    let content_type = content_type_of(&path);
    let cache_control = if current {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, cache_control),
        ],
        bytes.into_owned(),
    )
        .into_response()
}

/// A file's media type from its extension: theme assets, and images named
/// in feeds (uploads are named by their sniffed type).
pub(crate) fn content_type_of(path: &str) -> &'static str {
    match path
        .rsplit('.')
        .next()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("gif") => "image/gif",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}
