//! The newsroom's screens under `/{lang}/admin`, in the editor's language:
//! the dashboard, the story list, the editor (made livelier by
//! `editor.js`, usable without it), revisions, people and settings. Every
//! rule is the `newsroom` use cases'; these handlers parse, call and render.

mod dashboard;
mod editor;
mod front;
mod pages;
mod people;
mod revisions;
mod settings;
mod stories;
mod webhooks;

use std::sync::Arc;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use khabar_core::newsroom::may_write;
use khabar_core::{Lang, Role};
use khabar_store::Account;

use crate::extract::{Html, SignedIn};
use crate::http::forms::{Fields, field};
use crate::http::session::Viewer;
use crate::theme::page::{Chrome, chrome, error_page};
use crate::{App, PageError};

pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/{lang}/admin", get(dashboard::show))
        .route(
            "/{lang}/admin/stories",
            get(stories::list).post(stories::create),
        )
        .route("/{lang}/admin/stories/new", get(stories::new_story))
        .route("/{lang}/admin/stories/{id}", get(editor::show))
        .route(
            "/{lang}/admin/stories/{id}/placement",
            post(editor::save_placement),
        )
        .route(
            "/{lang}/admin/stories/{id}/editions",
            post(editor::add_edition),
        )
        .route(
            "/{lang}/admin/stories/{id}/publish",
            post(editor::publish_together),
        )
        .route(
            "/{lang}/admin/editions/{id}/synced",
            post(editor::mark_synced),
        )
        .route("/{lang}/admin/editions/{id}", post(editor::save_edition))
        .route("/{lang}/admin/editions/{id}/publish", post(editor::publish))
        .route(
            "/{lang}/admin/editions/{id}/unpublish",
            post(editor::unpublish),
        )
        .route(
            "/{lang}/admin/editions/{id}/revisions",
            get(revisions::list),
        )
        .route(
            "/{lang}/admin/editions/{id}/revisions/{revision}/restore",
            post(revisions::restore),
        )
        .route("/{lang}/admin/preview", post(editor::preview))
        .route("/{lang}/admin/people", get(people::show))
        .route("/{lang}/admin/people/role", post(people::set_role))
        .route("/{lang}/admin/sections", post(people::create_section))
        .route("/{lang}/admin/sections/{id}", post(people::rename_section))
        .route("/{lang}/admin/tags", post(people::create_tag))
        .route("/{lang}/admin/authors", post(people::create_author))
        .route("/{lang}/admin/front", get(front::show).post(front::save))
        .route("/{lang}/admin/pages", get(pages::show).post(pages::save))
        .route(
            "/{lang}/admin/settings",
            get(settings::show).post(settings::save),
        )
        .route(
            "/{lang}/admin/webhooks",
            get(webhooks::show).post(webhooks::create),
        )
        .route("/{lang}/admin/webhooks/{id}", post(webhooks::act))
        .route(
            "/{lang}/admin/settings/icon",
            post(settings::save_icon).layer(axum::extract::DefaultBodyLimit::max(
                khabar_app::media::MAX_UPLOAD_BYTES + 64 * 1024,
            )),
        )
}

/// A signed-in member of the newsroom (author, editor or admin) at work
/// in the screens of the path's `{lang}`. As an extractor it answers for
/// the handler when there is none: sign-in for strangers, 403 for readers
/// and moderators, 404 for an unknown language.
pub(crate) struct Desk {
    pub lang: Lang,
    pub account: Account,
    pub role: Role,
    pub viewer: Viewer,
}

impl FromRequestParts<Arc<App>> for Desk {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Desk, Response> {
        let SignedIn {
            lang,
            session,
            viewer,
            ..
        } = SignedIn::<Html>::from_request_parts(parts, app).await?;
        let role = session.account.role;
        if !may_write(role) {
            return Err(error_page(
                app,
                lang,
                &PageError::NotAllowed("not_in_newsroom"),
            ));
        }
        Ok(Desk {
            lang,
            account: session.account,
            role,
            viewer,
        })
    }
}

/// The page chrome for a desk screen at `tail` (under `/{lang}/admin`),
/// with the language switch leading to the same screen.
async fn desk_chrome(app: &App, desk: &Desk, tail: &str) -> Result<Chrome, PageError> {
    let paths = app
        .languages()
        .into_iter()
        .map(|l| (l, format!("/{l}/admin{tail}")))
        .collect();
    let this = format!("/{}/admin{tail}", desk.lang);
    chrome(app, desk.lang, &desk.viewer, paths, None, this).await
}

/// After a form: back to `to`, with the refusal's code for the page to
/// explain when there was one.
fn after(to: &str, outcome: Result<(), PageError>) -> Response {
    let to = match outcome {
        Ok(()) => to.to_owned(),
        Err(PageError::Rejected(code)) => with_query(to, "error", code),
        Err(PageError::NotFound) => with_query(to, "error", "not_found"),
        Err(PageError::Forbidden | PageError::NotAllowed(_)) => {
            with_query(to, "error", "forbidden")
        }
        // A form the browser could not have sent (a tampered field).
        Err(PageError::BadRequest(_)) => with_query(to, "error", "bad_request"),
        Err(error) => {
            tracing::error!(%error, "a newsroom form failed");
            with_query(to, "error", "internal")
        }
    };
    (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response()
}

/// `path` with `name=value` added to its query (before any fragment).
fn with_query(path: &str, name: &str, value: &str) -> String {
    let (path, fragment) = path.split_once('#').map_or((path, ""), |(p, f)| (p, f));
    let glue = if path.contains('?') { '&' } else { '?' };
    let fragment = if fragment.is_empty() {
        String::new()
    } else {
        format!("#{fragment}")
    };
    format!("{path}{glue}{name}={value}{fragment}")
}

/// The explanation of a refusal code from `?error=`, in `lang`; codes
/// without their own text get the general one.
fn refusal(app: &App, lang: Lang, code: Option<&str>) -> Option<String> {
    let code = code?;
    if !code.chars().all(|c| c.is_ascii_lowercase() || c == '_') || code.len() > 40 {
        return None;
    }
    let key = format!("admin-error-{}", code.replace('_', "-"));
    Some(app.i18n.optional(lang, &key).unwrap_or_else(|| {
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("code", code.to_owned());
        app.i18n.message(lang, "admin-error-other", Some(&args))
    }))
}

/// A time as a `datetime-local` input shows it, in the site's zone.
fn local_input(app: &App, at: Timestamp) -> String {
    at.to_zoned(app.i18n.time_zone())
        .datetime()
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

/// A `datetime-local` value read in the site's time zone.
fn from_local_input(app: &App, text: &str) -> Option<Timestamp> {
    let civil: jiff::civil::DateTime = text.trim().parse().ok()?;
    civil
        .to_zoned(app.i18n.time_zone())
        .ok()
        .map(|z| z.timestamp())
}

/// The site's language codes and the direction of each, as the edition
/// tables want them (`languages`, `dirs`).
fn language_table(
    app: &App,
) -> (
    Vec<String>,
    std::collections::BTreeMap<String, &'static str>,
) {
    let languages = app.languages();
    let dirs = languages
        .iter()
        .map(|l| (l.as_str().to_owned(), app.dir(*l)))
        .collect();
    (
        languages.iter().map(|l| l.as_str().to_owned()).collect(),
        dirs,
    )
}

/// A site language as forms show it: code, direction, and its name in
/// the desk's language.
fn language_choice(app: &App, desk: &Desk, lang: Lang) -> minijinja::Value {
    minijinja::context! {
        code => lang.as_str(),
        dir => app.dir(lang),
        name => app.i18n.message(desk.lang, &format!("admin-language-{lang}"), None),
    }
}

/// Ids from repeated form fields such as `tag_id`.
fn ids(fields: &Fields, name: &str) -> Vec<i64> {
    fields
        .iter()
        .filter(|(k, _)| k == name)
        .filter_map(|(_, v)| v.parse().ok())
        .collect()
}

fn optional_id(fields: &Fields, name: &str) -> Option<i64> {
    field(fields, name).parse().ok()
}
