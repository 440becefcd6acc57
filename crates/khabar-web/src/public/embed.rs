//! The discussion on another site (docs/embed.md): `/embed.js` for the host
//! page, the thread's page inside the host's iframe, and the end of the
//! sign-in popup that hands that iframe a token.
//!
//! The iframe is a third-party context: browsers that block third-party
//! cookies send it none, so its page is the same for every reader and the
//! reader's credential is a short-lived token minted on a first-party page
//! (the popup) and passed to the iframe by `postMessage`.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use jiff::{SignedDuration, Timestamp};
use khabar_app::embed;
use khabar_core::Lang;
use minijinja::context;

use crate::extract::{Params, see_other};
use crate::http::cache::{Public, Revalidated, keys};
use crate::http::session::Viewer;
use crate::public::thread::thread_view;
use crate::theme::assets::tagged;
use crate::theme::page::{error_page, html_response, preferred_language};
use crate::{App, PageError};

type AppState = State<Arc<App>>;

/// How long a host page may use `/embed.js` before asking again.
const SCRIPT_CACHE: &str = "public, max-age=3600";
/// How long a token minted for an embedded discussion works: a reading
/// session's worth; the popup mints another when it runs out.
const TOKEN_LIFETIME: SignedDuration = SignedDuration::from_hours(2);
/// What that token may do: comment (post, reply, edit, delete, like,
/// report) and read the reader's own account (the notifications bell);
/// never moderate, edit stories or administer.
const EMBED_SCOPES: [&str; 2] = ["comment", "read"];

/// `GET /embed.js`: the host page's script, from the theme.
pub(crate) async fn script(State(app): AppState, headers: HeaderMap) -> Response {
    match app.theme.file("assets/embed.js") {
        Some(bytes) => tagged("embed.js", bytes.into_owned(), SCRIPT_CACHE, &headers),
        None => error_page(
            &app,
            preferred_language(&app, &headers),
            &PageError::NotFound,
        ),
    }
}

/// The page's language from its path, or the site's default for one it
/// does not have (a host page in a third language).
fn language(app: &App, path: Result<Path<String>, PathRejection>) -> Lang {
    path.ok()
        .and_then(|Path(code)| app.lang(&code))
        .unwrap_or(app.site().default_language)
}

/// `GET /embed/{lang}/thread?url=…&title=…`: the thread of a host page,
/// opened on first use, for the host's iframe. Only the configured origins
/// may frame it, and only their pages get a thread.
pub(crate) async fn thread(
    State(app): AppState,
    path: Result<Path<String>, PathRejection>,
    viewer: Viewer,
    Params(query): Params,
) -> Response {
    let lang = language(&app, path);
    let page = async {
        let url = query.get("url").map(String::as_str).unwrap_or("");
        let title = query.get("title").map(String::as_str).unwrap_or("");
        let opened = embed::open_thread(&app, &viewer.ip, url, title, lang).await;
        let thread = opened.map_err(|error| match error {
            embed::EmbedError::Store(e) => PageError::Store(e),
            other => PageError::from_failure(&other),
        })?;
        let article = app
            .store
            .embedded_article(thread.edition_id)
            .await?
            .ok_or(PageError::NotFound)?;
        // No cookie reaches a third-party iframe: everyone sees the same
        // page, and signs in through the popup.
        let anonymous = Viewer {
            session: None,
            ip: String::new(),
            user_agent: String::new(),
            form_token: None,
        };
        let view = thread_view(&app, lang, &article, &anonymous, &query, None).await?;
        let more = view
            .next_page_number()
            .map(|page| more_address(lang, url, title, page));
        let html = app.templates.get_template("embed.html")?.render(context! {
            lang => lang.as_str(),
            dir => app.dir(lang),
            thread => view,
            more => more,
            messages => serde_json::to_string(&messages(&app, lang)).unwrap_or_default(),
            edit_minutes => app.site().comment_edit_minutes,
            // Numbers the iframe writes (the bell's count) as the site's
            // pages write them in this language.
            locale => app
                .site()
                .languages
                .iter()
                .find(|l| l.code == lang)
                .and_then(|l| l.locale.clone())
                .unwrap_or_else(|| lang.to_string()),
            article => context! { id => article.summary.id },
            host => context! {
                url => thread.url,
                title => thread.title,
                origins => app.embed_settings().origins(),
            },
        })?;
        let mut response = html_response(axum::http::StatusCode::OK, lang, html);
        // The same for every reader (no cookie reaches it): kept by the
        // page cache and CDNs until the thread changes, its frame policy
        // with it. Browsers ask again each time: a reader who commented
        // and reloads is no different to them from anyone else.
        response.extensions_mut().insert(Revalidated);
        Ok::<_, PageError>(Public(vec![keys::story(article.summary.story_id)]).on(response))
    }
    .await;
    let mut response = match page {
        Ok(response) => response,
        Err(error) => error_page(&app, lang, &error),
    };
    response
        .headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, frame_policy(&app));
    response
}

/// The address of the thread's `page`th page of top-level comments, which
/// the iframe fetches to show more in place.
fn more_address(lang: Lang, url: &str, title: &str, page: u32) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("url", url)
        .append_pair("title", title)
        .append_pair("cpage", &page.to_string())
        .finish();
    format!("/embed/{lang}/thread?{query}")
}

/// The API's refusals the iframe may meet (their stable codes), worded in
/// the thread's language: the API answers in English, the reader reads
/// the thread's language.
fn messages(app: &App, lang: Lang) -> BTreeMap<String, String> {
    const REFUSALS: [&str; 14] = [
        "comments_closed",
        "comment_empty",
        "comment_too_long",
        "not_your_comment",
        "edit_window_closed",
        "already_reported",
        "unknown_reason",
        "too_many_links",
        "duplicate_comment",
        "suspended",
        "banned",
        "warning_unacknowledged",
        "comment_rejected",
        "invalid_page",
    ];
    let mut found: BTreeMap<String, String> = REFUSALS
        .iter()
        .map(|code| {
            let key = format!("error-rejected-{code}");
            (code.to_string(), app.i18n.message(lang, &key, None))
        })
        .collect();
    for (code, key) in [
        ("too_many_attempts", "error-429-title"),
        ("not_found", "error-404-title"),
        ("invalid_token", "embed-signed-out"),
        ("network", "embed-error-network"),
        ("other", "error-500-title"),
    ] {
        found.insert(code.to_owned(), app.i18n.message(lang, key, None));
    }
    found
}

/// The site's policy, but framed by the allowed origins (none when
/// embedding is off).
fn frame_policy(app: &App) -> HeaderValue {
    let origins = app.embed_settings().origins();
    let ancestors = if origins.is_empty() {
        "'none'".to_owned()
    } else {
        origins.join(" ")
    };
    let policy = format!(
        concat!(crate::page_sources!(), "; frame-ancestors {}"),
        ancestors
    );
    // Origins were parsed as URLs: printable ASCII.
    HeaderValue::from_str(&policy).unwrap_or(HeaderValue::from_static("frame-ancestors 'none'"))
}

/// `GET /embed/signed-in?lang=…`: the sign-in popup's last page. A reader
/// signed in on this site (first party: the popup's cookies are sent) gets
/// a token that may comment and read their notifications
/// ([`EMBED_SCOPES`]), for two hours, handed to the opener (the
/// discussion's iframe, on this origin) by `postMessage`; anyone else is
/// sent to sign in first and comes back here.
pub(crate) async fn signed_in(
    State(app): AppState,
    viewer: Viewer,
    Params(query): Params,
) -> Response {
    let lang = query
        .get("lang")
        .and_then(|code| app.lang(code))
        .unwrap_or(app.site().default_language);
    if !app.embed_settings().enabled() {
        return error_page(&app, lang, &PageError::NotFound);
    }
    let Some(session) = &viewer.session else {
        let back = format!("/embed/signed-in?lang={lang}");
        let next = percent_encoding::utf8_percent_encode(&back, percent_encoding::NON_ALPHANUMERIC);
        return see_other(format!("/{lang}/signin?next={next}"));
    };
    let expires = Timestamp::now() + TOKEN_LIFETIME;
    let page = async {
        let token = khabar_app::tokens::create_until(
            &app.store,
            &session.account,
            "Embedded discussion",
            &EMBED_SCOPES.map(str::to_owned),
            Some(expires),
        )
        .await
        .map_err(|error| {
            tracing::error!(%error, "could not mint an embedded discussion's token");
            PageError::Internal
        })?;
        let html = app
            .templates
            .get_template("embed-signed-in.html")?
            .render(context! {
                lang => lang.as_str(),
                dir => app.dir(lang),
                token => token.token,
                name => session.account.display_name,
                username => session.account.username,
                expires => expires.as_millisecond(),
            })?;
        Ok::<_, PageError>(html_response(axum::http::StatusCode::OK, lang, html))
    }
    .await;
    let mut response = match page {
        Ok(response) => response,
        Err(error) => error_page(&app, lang, &error),
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
