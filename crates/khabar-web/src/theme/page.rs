//! What every page is drawn with: the chrome around it (language links,
//! who is signed in, feeds to announce), rendering a template into an
//! answer, and the error pages.

use crate::http::paths::story_path;
use crate::http::session::Viewer;
use crate::theme::i18n::negotiate;
use crate::{App, PageError};
use axum::body::Body;
use axum::extract::{OriginalUri, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use khabar_core::Lang;
use khabar_store::{EditionLink, SectionRef};
use minijinja::{Value, context};
use serde::Serialize;
use std::sync::Arc;
type AppState = State<Arc<App>>;

pub(crate) fn preferred_language(app: &App, headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| negotiate(value, &app.languages()))
        .unwrap_or(app.site().default_language)
}

/// Links to the story's other editions, each labelled in its language.
pub(crate) fn edition_switches(app: &App, others: &[EditionLink]) -> Vec<EditionSwitch> {
    others
        .iter()
        .filter_map(|other| {
            let other_lang = app.lang(other.lang.as_str())?;
            Some(EditionSwitch {
                lang: other.lang.to_string(),
                dir: app.site().dir_of(other_lang)?.as_str(),
                href: story_path(other.lang.as_str(), &other.slug),
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
    /// None on error pages, which are no page's address.
    canonical: Option<String>,
    alternates: Vec<Alternate>,
    languages: Vec<LanguageLink>,
    sections: Vec<SectionRef>,
    /// The signed-in reader, for the header's account links.
    viewer: Option<SignedIn>,
    /// Feeds of this page, announced with `<link rel="alternate">`.
    pub feeds: Vec<FeedLink>,
    /// The admins' site icon as the start of its files' addresses
    /// (`/media/icons/{stem}`, then `-32.png`…): named by the image, so a
    /// new icon is a new address. None: the theme's icons.
    icon: Option<String>,
}

#[derive(Serialize)]
struct SignedIn {
    username: String,
    display_name: String,
    csrf_token: String,
    /// The bell's words: how many notifications are unread.
    bell: String,
    /// Whether the header links to the moderation queues.
    moderates: bool,
    /// Whether the header links to the newsroom's screens.
    writes: bool,
    /// Whether the newsroom links to the admins' screens (webhooks).
    admin: bool,
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
    let mut chrome = bare_chrome(app, lang, paths, x_default, Some(canonical_path));
    chrome.viewer = signed_in(app, lang, viewer).await?;
    chrome.sections = app.store.sections(lang).await?;
    Ok(chrome)
}

/// The chrome without what needs the store: no sections, nobody signed
/// in. Error pages start from it, as they must draw without the store.
fn bare_chrome(
    app: &App,
    lang: Lang,
    paths: Vec<(Lang, String)>,
    x_default: Option<String>,
    canonical_path: Option<String>,
) -> Chrome {
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
    let locale = app
        .site()
        .languages
        .iter()
        .find(|l| l.code == lang)
        .and_then(|l| l.locale.clone())
        .unwrap_or_else(|| lang.to_string());
    Chrome {
        viewer: None,
        locale,
        site_name: app.site().name_in(lang).to_owned(),
        base_url: app.base_url.clone(),
        canonical: canonical_path.map(|path| absolute(&path)),
        alternates,
        languages,
        sections: Vec::new(),
        feeds: Vec::new(),
        icon: app
            .settings
            .icon()
            .map(|stem| format!("/media/{}/{stem}", khabar_app::newsroom::ICONS)),
    }
}

/// The header's account links for `viewer`, if signed in.
async fn signed_in(app: &App, lang: Lang, viewer: &Viewer) -> Result<Option<SignedIn>, PageError> {
    let Some(session) = &viewer.session else {
        return Ok(None);
    };
    Ok(Some(SignedIn {
        username: session.account.username.clone(),
        display_name: session.account.display_name.clone(),
        csrf_token: session.csrf_token.clone(),
        bell: if viewer.stands_in(app) {
            app.http_cache.stand_ins().bell.clone()
        } else {
            bell(
                app,
                lang,
                app.store.unread_notifications(session.account.id).await?,
            )
        },
        moderates: session.account.role.moderates(),
        writes: khabar_core::newsroom::may_write(session.account.role),
        admin: khabar_core::newsroom::may_manage_people(session.account.role),
    }))
}

/// The bell's words for `unread` notifications.
pub(crate) fn bell(app: &App, lang: Lang, unread: i64) -> String {
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("count", unread);
    app.i18n.message(lang, "notifications-link", Some(&args))
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
/// cause; the reader sees only a short message. It is drawn here without
/// the store (no sections, nobody signed in), and `dress_errors` draws it
/// again in the full chrome once it knows who is asking.
pub(crate) fn error_page(app: &App, lang: Lang, error: &PageError) -> Response {
    let status = error.status();
    if status.is_server_error() {
        tracing::error!(%error, "page failed");
    }
    let notice = ErrorNotice::new(app, lang, error);
    let chrome = bare_chrome(app, lang, Vec::new(), None, None);
    let mut response = match notice.render(app, chrome) {
        Ok(html) => html_response(status, lang, html),
        Err(template_error) => {
            tracing::error!(%template_error, "error page failed");
            (status, status.canonical_reason().unwrap_or("error")).into_response()
        }
    };
    if let PageError::TooManyRequests(seconds) = error {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from((*seconds).max(1)));
    }
    response.extensions_mut().insert(notice);
    response
}

/// What an error page says, in its language: kept on the answer so that
/// `dress_errors` can draw it in the reader's chrome.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ErrorNotice {
    #[serde(skip)]
    lang: Lang,
    status: u16,
    title: String,
    body: String,
    /// A 404 offers a search box.
    search: bool,
}

impl ErrorNotice {
    fn new(app: &App, lang: Lang, error: &PageError) -> ErrorNotice {
        let status = error.status().as_u16();
        let generic_title = || {
            app.i18n
                .message(lang, &format!("error-{status}-title"), None)
        };
        // A refusal names its reason; its own title when it has one
        // (`error-title-not_in_newsroom`), else the status's.
        let (title, body) = match error {
            PageError::Rejected(code) | PageError::NotAllowed(code) => {
                // Not the 403's "the form expired": that is the CSRF check's.
                let fallback = match error {
                    PageError::NotAllowed(_) => "error-not-allowed-body",
                    _ => "error-422-body",
                };
                (
                    app.i18n
                        .optional(lang, &format!("error-title-{code}"))
                        .unwrap_or_else(generic_title),
                    app.i18n
                        .optional(lang, &format!("error-rejected-{code}"))
                        .unwrap_or_else(|| app.i18n.message(lang, fallback, None)),
                )
            }
            PageError::TooManyRequests(seconds) => {
                let mut args = fluent_bundle::FluentArgs::new();
                args.set("minutes", seconds.div_ceil(60).max(1));
                (
                    generic_title(),
                    app.i18n.message(lang, "error-429-body", Some(&args)),
                )
            }
            _ => (
                generic_title(),
                app.i18n
                    .message(lang, &format!("error-{status}-body"), None),
            ),
        };
        ErrorNotice {
            lang,
            status,
            title,
            body,
            search: status == StatusCode::NOT_FOUND.as_u16(),
        }
    }

    fn render(&self, app: &App, chrome: Chrome) -> Result<String, PageError> {
        render_html(
            app,
            "error.html",
            self.lang,
            chrome,
            context! { error => self },
        )
    }
}

/// Draws an error page again in the site's full chrome — the sections,
/// the reader's account links — which its maker, often an extractor
/// without the store at hand, could not. Keeps the first drawing when the
/// chrome cannot be had (the store is down: the likely cause of a 500).
pub(crate) async fn dress_errors(State(app): AppState, request: Request, next: Next) -> Response {
    let viewer = request.extensions().get::<Viewer>().cloned();
    let mut response = next.run(request).await;
    let Some(notice) = response.extensions_mut().remove::<ErrorNotice>() else {
        return response;
    };
    let Some(viewer) = viewer else {
        return response;
    };
    // The language switch leads to the other languages' front pages: the
    // same address there may well fail the same way.
    match chrome(&app, notice.lang, &viewer, Vec::new(), None, String::new())
        .await
        .and_then(|mut chrome| {
            chrome.canonical = None;
            notice.render(&app, chrome)
        }) {
        Ok(html) => {
            response.headers_mut().remove(header::CONTENT_LENGTH);
            *response.body_mut() = Body::from(html);
        }
        Err(error) => tracing::warn!(%error, "error page drawn without the site's chrome"),
    }
    response
}

/// Any path no route knows: a 404 in the language of its prefix when it
/// has one, otherwise in the reader's.
pub(crate) async fn not_found(
    State(app): AppState,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    if let Some(moved) = legacy_redirect(&app, &uri).await {
        return moved;
    }
    let lang = uri
        .path()
        .split('/')
        .nth(1)
        .and_then(|prefix| app.lang(prefix))
        .unwrap_or_else(|| preferred_language(&app, &headers));
    error_page(&app, lang, &PageError::NotFound)
}

/// An imported story's address on the old site (`/2024/03/slug/`,
/// `/?p=12`) answers 301 to its edition here (docs/import.md).
pub(crate) async fn legacy_redirect(app: &App, uri: &axum::http::Uri) -> Option<Response> {
    let path = khabar_app::import::legacy_path(&uri.to_string())?;
    let (lang, slug) = app.store.legacy_target(&path).await.ok()??;
    let to = story_path(lang.as_str(), &slug);
    Some((StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, to)]).into_response())
}

/// A `<link rel="alternate">` to a feed, for the page it belongs to.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FeedLink {
    pub(crate) media_type: &'static str,
    pub(crate) title: String,
    pub(crate) href: String,
}
