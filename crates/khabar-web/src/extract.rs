//! What every screen's handler used to check first, as extractors: the
//! page's language, an id from the path, a signed-in reader, and a form
//! that came from this site with the viewer's CSRF token. Each refuses the
//! way the site's pages do (the error page in the page's language, or
//! sign-in), so a handler starts from what it needs. Reading a form any
//! other way is not possible: `axum::Form` is a disallowed type outside
//! this file (see `clippy.toml`).

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, OriginalUri, Query, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use khabar_core::{Lang, Slug};
use khabar_store::{Account, SessionRecord};
use serde::de::DeserializeOwned;

use crate::http::csrf;
use crate::http::forms::{Fields, field};
use crate::http::session::Viewer;
use crate::theme::page::{error_page, preferred_language};
use crate::{App, PageError};

/// How an extractor's refusal reaches the visitor. The site's pages
/// answer with the error page and send strangers to sign in ([`Html`]);
/// a screen whose script wants JSON implements its own.
pub(crate) trait Answer: Send + Sync + 'static {
    /// `error`, in `lang`, as this kind of request wants it.
    fn refusal(app: &App, parts: &Parts, lang: Lang, error: PageError) -> Response {
        let _ = parts;
        error_page(app, lang, &error)
    }

    /// A visitor who must be signed in and is not.
    fn sign_in(app: &App, parts: &Parts, lang: Lang) -> Response {
        let _ = (app, parts);
        see_other(format!("/{lang}/signin"))
    }
}

/// The site's pages: the error page, and `/{lang}/signin` for strangers.
pub(crate) enum Html {}

impl Answer for Html {}

/// Pages worth coming back to: strangers are sent to sign in with this
/// page as `?next=`.
pub(crate) enum ComeBack {}

impl Answer for ComeBack {
    fn sign_in(_app: &App, parts: &Parts, lang: Lang) -> Response {
        see_other(format!("/{lang}/signin?next={}", request_path(parts)))
    }
}

/// Forms only a signed-in reader is shown: a stranger sending one gets a
/// 403.
pub(crate) enum Forbid {}

impl Answer for Forbid {
    fn sign_in(app: &App, _parts: &Parts, lang: Lang) -> Response {
        error_page(app, lang, &PageError::Forbidden)
    }
}

/// A 303 to `location`.
pub(crate) fn see_other(location: String) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// The path the visitor asked for, before any router nesting.
fn request_path(parts: &Parts) -> &str {
    parts
        .extensions
        .get::<OriginalUri>()
        .map_or(parts.uri.path(), |OriginalUri(uri)| uri.path())
}

/// The language a refusal is told in: the path's `/{lang}/` prefix when it
/// names a site language, else the one the browser asks for.
pub(crate) fn page_language(app: &App, parts: &Parts) -> Lang {
    request_path(parts)
        .split('/')
        .nth(1)
        .and_then(|prefix| app.lang(prefix))
        .unwrap_or_else(|| preferred_language(app, &parts.headers))
}

/// A parameter of the route's path (`{lang}`, `{id}`…), percent-decoded.
async fn path_param(parts: &mut Parts, app: &Arc<App>, name: &str) -> Option<String> {
    let params = RawPathParams::from_request_parts(parts, app).await.ok()?;
    params
        .iter()
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// The query string's parameters. An unreadable query string reads as
/// none: screens then show their defaults, never axum's plain-text 400.
pub(crate) struct Params(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let query = Query::<HashMap<String, String>>::from_request_parts(parts, state).await;
        Ok(Params(query.map(|Query(q)| q).unwrap_or_default()))
    }
}

/// The path's `{lang}` as a site language.
async fn path_lang(parts: &mut Parts, app: &Arc<App>) -> Option<Lang> {
    app.lang(&path_param(parts, app, "lang").await?)
}

/// The request's viewer, as the session middleware left it.
async fn viewer(parts: &mut Parts, app: &Arc<App>) -> Viewer {
    match Viewer::from_request_parts(parts, app).await {
        Ok(viewer) => viewer,
        Err(never) => match never {},
    }
}

/// The path's `{lang}` as a site language; anything else is the 404 page
/// (in the language the browser asks for).
pub(crate) struct PageLang(pub Lang);

impl FromRequestParts<Arc<App>> for PageLang {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Response> {
        match path_lang(parts, app).await {
            Some(lang) => Ok(PageLang(lang)),
            None => Err(moved_or_not_found(app, parts).await),
        }
    }
}

/// The path's `{lang}` and `{slug}`: a site language and a well-formed
/// slug. Anything else (an unknown language, NUL bytes, a thousand
/// characters) cannot name a page, so it is the 404 page before the
/// database is asked.
pub(crate) struct LangSlug(pub Lang, pub Slug);

impl FromRequestParts<Arc<App>> for LangSlug {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Response> {
        let lang = path_lang(parts, app).await;
        let slug = path_param(parts, app, "slug").await;
        match (lang, slug.and_then(|slug| Slug::parse(&slug).ok())) {
            (Some(lang), Some(slug)) => Ok(LangSlug(lang, slug)),
            _ => Err(moved_or_not_found(app, parts).await),
        }
    }
}

/// The 404 page in the page's language.
fn not_found(app: &App, parts: &Parts) -> Response {
    error_page(app, page_language(app, parts), &PageError::NotFound)
}

/// A path that names no language may be an imported story's old address
/// (`/old-slug/`): its 301, else the 404 page.
async fn moved_or_not_found(app: &App, parts: &Parts) -> Response {
    match crate::theme::page::legacy_redirect(app, &parts.uri).await {
        Some(moved) => moved,
        None => not_found(app, parts),
    }
}

/// A record's number from the path (a positive `{id}`): `abc`, `-1` or a
/// number too large for one is the 404 page, never axum's 400 text.
pub(crate) struct Id(pub i64);

impl FromRequestParts<Arc<App>> for Id {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Response> {
        positive(parts, app, "id").await.map(Id)
    }
}

/// The `{revision}` of an edition's path, like [`Id`].
pub(crate) struct RevisionId(pub i64);

impl FromRequestParts<Arc<App>> for RevisionId {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Response> {
        positive(parts, app, "revision").await.map(RevisionId)
    }
}

async fn positive(parts: &mut Parts, app: &Arc<App>, name: &str) -> Result<i64, Response> {
    path_param(parts, app, name)
        .await
        .and_then(|text| text.parse::<i64>().ok())
        .filter(|id| *id > 0)
        .ok_or_else(|| not_found(app, parts))
}

/// A signed-in reader on a page under the path's `{lang}`. Strangers are
/// answered as `A` says (sign-in by default); an unknown language is the
/// 404 page.
pub(crate) struct SignedIn<A: Answer = Html> {
    pub lang: Lang,
    pub session: SessionRecord,
    pub viewer: Viewer,
    answer: PhantomData<A>,
}

impl<A: Answer> SignedIn<A> {
    pub(crate) fn account(&self) -> &Account {
        &self.session.account
    }
}

impl<A: Answer> FromRequestParts<Arc<App>> for SignedIn<A> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Response> {
        let Some(lang) = path_lang(parts, app).await else {
            let lang = preferred_language(app, &parts.headers);
            return Err(A::refusal(app, parts, lang, PageError::NotFound));
        };
        let viewer = viewer(parts, app).await;
        let Some(session) = viewer.session.clone() else {
            return Err(A::sign_in(app, parts, lang));
        };
        Ok(SignedIn {
            lang,
            session,
            viewer,
            answer: PhantomData,
        })
    }
}

/// A state-changing form's fields (`Fields`, or a struct read from the
/// same body), once the request is known to come from this site with the
/// viewer's CSRF token. A form past the body limit is a 413, an
/// unreadable one a 400, a foreign or tokenless one a 403, answered as `A`
/// says in the page's language.
pub(crate) struct CheckedForm<T = Fields, A: Answer = Html>(pub T, pub PhantomData<A>);

impl<T, A> FromRequest<Arc<App>> for CheckedForm<T, A>
where
    T: DeserializeOwned + Send + 'static,
    A: Answer,
{
    type Rejection = Response;

    async fn from_request(request: Request, app: &Arc<App>) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let viewer = viewer(&mut parts, app).await;
        let refuse =
            |parts: &Parts, error| A::refusal(app, parts, page_language(app, parts), error);
        let (form, fields) = match read::<T>(&parts, body, app).await {
            Ok(read) => read,
            Err(error) => return Err(refuse(&parts, error)),
        };
        let token = field(&fields, "csrf_token");
        if !csrf::same_site(app, &parts.headers) || !csrf::token_matches(&viewer, token) {
            return Err(refuse(&parts, PageError::Forbidden));
        }
        Ok(CheckedForm(form, PhantomData))
    }
}

/// The urlencoded body as `T` and as fields (for the token): too large
/// past the body limit, else unreadable when it is not a form.
#[allow(clippy::disallowed_types, reason = "the one place a form is read")]
async fn read<T: DeserializeOwned>(
    parts: &Parts,
    body: Body,
    app: &Arc<App>,
) -> Result<(T, Fields), PageError> {
    let unreadable = || PageError::BadRequest("unreadable form".into());
    let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), app)
        .await
        .map_err(|rejection| match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => PageError::TooLarge,
            _ => unreadable(),
        })?;
    let again = || Request::from_parts(parts.clone(), Body::from(bytes.clone()));
    let axum::Form(form) = axum::Form::<T>::from_request(again(), app)
        .await
        .map_err(|_| unreadable())?;
    let axum::Form(fields) = axum::Form::<Fields>::from_request(again(), app)
        .await
        .map_err(|_| unreadable())?;
    Ok((form, fields))
}
