//! The public site: server-rendered pages per language that work without
//! JavaScript.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{OriginalUri, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use khabar_core::{Lang, Slug};
use khabar_store::Article;
use minijinja::context;

use crate::extract::{LangSlug, PageLang, Params};
use crate::http::cache::{Public, keys};
use crate::http::paths::segment;
use crate::http::paths::story_path;
use crate::http::session::Viewer;
use crate::public::listing::ListKind;
use crate::public::listing::PER_PAGE;
use crate::public::listing::listing;
use crate::public::listing::page_number;
use crate::public::reader_page::{self, EditionShown};
use crate::public::structured_data::article_meta;
use crate::public::syndication::feeds;
use crate::theme::page::chrome;
use crate::theme::page::edition_switches;
use crate::theme::page::preferred_language;
use crate::theme::page::render;
use crate::theme::page::respond;
use crate::{App, PageError};

type AppState = State<Arc<App>>;

/// `/` sends each reader to the language their browser asks for.
/// (An imported story's old `/?p=ID` answers 301 to it.)
pub(crate) async fn choose_language(
    State(app): AppState,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    if let Some(moved) = crate::theme::page::legacy_redirect(&app, &uri).await {
        return moved;
    }
    let lang = preferred_language(&app, &headers);
    let mut response = Redirect::to(&format!("/{lang}/")).into_response();
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    response
}

/// `/ar` → `/ar/`.
pub(crate) async fn language_root(PageLang(lang): PageLang) -> Response {
    Redirect::permanent(&format!("/{lang}/")).into_response()
}

pub(crate) async fn home(
    State(app): AppState,
    PageLang(lang): PageLang,
    viewer: Viewer,
) -> Response {
    respond(&app, lang, home_page(&app, lang, &viewer).await)
}

async fn home_page(app: &App, lang: Lang, viewer: &Viewer) -> Result<Response, PageError> {
    let front = app.store.front_page(lang, Timestamp::now()).await?;
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
        context! { front => front, page_kind => "home" },
    )?;
    Ok(Public(vec![keys::HOME.into()]).on(response))
}

/// `/{lang}/about` and the other pages of [`khabar_app::front::STATIC_PAGES`]: what the
/// newsroom wrote, through the stories' Markdown sanitizer; a page not
/// written yet in this language says so in a line of the locale, so the
/// footer's links always lead somewhere.
pub(crate) async fn static_page(
    app: Arc<App>,
    lang: Lang,
    viewer: Viewer,
    page: &'static str,
) -> Response {
    let result = async {
        let written = app.store.static_page(page, lang).await?;
        let paths = app
            .languages()
            .into_iter()
            .map(|l| (l, format!("/{l}/{page}")))
            .collect();
        let default = format!("/{}/{page}", app.site().default_language);
        let chrome = chrome(
            &app,
            lang,
            &viewer,
            paths,
            Some(default),
            format!("/{lang}/{page}"),
        )
        .await?;
        let title = written
            .as_ref()
            .map(|p| p.title.clone())
            .unwrap_or_else(|| app.i18n.message(lang, &format!("page-{page}"), None));
        let response = render(
            &app,
            "page.html",
            lang,
            chrome,
            context! { page => page, title => title, written => written },
        )?;
        Ok(Public(Vec::new()).on(response))
    }
    .await;
    respond(&app, lang, result)
}

pub(crate) async fn section(
    State(app): AppState,
    viewer: Viewer,
    LangSlug(lang, slug): LangSlug,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    list(&app, ListKind::Section, lang, &slug, query, &viewer).await
}

pub(crate) async fn tag(
    State(app): AppState,
    viewer: Viewer,
    LangSlug(lang, slug): LangSlug,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    list(&app, ListKind::Tag, lang, &slug, query, &viewer).await
}

pub(crate) async fn author(
    State(app): AppState,
    viewer: Viewer,
    LangSlug(lang, slug): LangSlug,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    list(&app, ListKind::Author, lang, &slug, query, &viewer).await
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

pub(crate) async fn article(
    State(app): AppState,
    viewer: Viewer,
    LangSlug(lang, slug): LangSlug,
    Params(query): Params,
    OriginalUri(address): OriginalUri,
) -> Response {
    let (app_ref, slug_ref, query_ref) = (&*app, slug.as_str(), &query);
    let shared = reader_page::shared_article(
        app_ref,
        lang,
        &viewer,
        &address.to_string(),
        |stand_in| async move {
            article_page(app_ref, lang, slug_ref, &stand_in, query_ref, None)
                .await
                .ok()
        },
    )
    .await;
    if let Some(response) = shared {
        return response;
    }
    let page = article_page(&app, lang, slug.as_str(), &viewer, &query, None).await;
    respond(&app, lang, page)
}

/// The article page; `refusal` is a comment form of this reader's that
/// was refused, shown again with their text.
pub(crate) async fn article_page(
    app: &App,
    lang: Lang,
    slug: &str,
    viewer: &Viewer,
    query: &HashMap<String, String>,
    refusal: Option<crate::public::thread::Refusal>,
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
    let (paths, x_default) = edition_paths(app, lang, &this_path, &article);
    let editions = edition_switches(app, &article.other_editions);
    let mut chrome = chrome(app, lang, viewer, paths, Some(x_default), this_path.clone()).await?;
    chrome.feeds = vec![feeds::comments_link(
        app,
        &this_path,
        feeds::comments_title(app, lang, &article.summary.headline),
    )];
    let meta = article_meta(app, lang, &article, &format!("{}{this_path}", app.base_url));
    let cache_keys = article_keys(&article);
    let thread =
        crate::public::thread::thread_view(app, lang, &article, viewer, query, refusal).await?;
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
    let mut response = Public(cache_keys).on(response);
    response
        .extensions_mut()
        .insert(EditionShown(article.summary.id));
    Ok(response)
}

/// The story in each language it has (this edition first), and the one
/// in the site's default language for `x-default`.
fn edition_paths(
    app: &App,
    lang: Lang,
    this_path: &str,
    article: &Article,
) -> (Vec<(Lang, String)>, String) {
    let mut paths = vec![(lang, this_path.to_owned())];
    for other in &article.other_editions {
        if let Some(other_lang) = app.lang(other.lang.as_str()) {
            paths.push((other_lang, story_path(other.lang.as_str(), &other.slug)));
        }
    }
    let x_default = paths
        .iter()
        .find(|(l, _)| *l == app.site().default_language)
        .map_or_else(|| this_path.to_owned(), |(_, p)| p.clone());
    (paths, x_default)
}

/// The surrogate keys of an article page: its story, section and authors.
fn article_keys(article: &Article) -> Vec<String> {
    let summary = &article.summary;
    let mut found = vec![keys::story(summary.story_id)];
    found.extend(summary.section.iter().map(|s| keys::section(s.id)));
    found.extend(summary.authors.iter().map(|a| keys::author(a.id)));
    found
}

async fn list(
    app: &App,
    kind: ListKind,
    lang: Lang,
    slug: &Slug,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    viewer: &Viewer,
) -> Response {
    let result = match page_number(query) {
        Ok(page) => list_page(app, kind, lang, slug.as_str(), page, viewer).await,
        Err(e) => Err(e),
    };
    respond(app, lang, result)
}
