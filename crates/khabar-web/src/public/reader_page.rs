//! A signed-in reader's article page without rendering it for them. Plain
//! readers (not staff) who wrote nothing under the story and have no
//! warning to acknowledge all see the same page but for their CSRF token,
//! name and notification count, so it is drawn once for a stand-in and
//! each of them gets a copy with their values in place
//! (`http::cache::StandIns`). Anyone else's page is rendered for them.

use axum::body::Body;
use axum::http::HeaderValue;
use axum::response::Response;
use khabar_core::Lang;

use crate::App;
use crate::http::cache::{ContentTag, ReaderValues};
use crate::http::session::Viewer;
use crate::theme::escape_html;
use crate::theme::page::bell;

/// Which edition an article page shows: `render` marks its answer so.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EditionShown(pub(crate) i64);

/// The reader's article page from the shared render, which `render` draws
/// for a viewer when none is kept; `None`: render it for the reader.
pub(crate) async fn shared_article<F, Fut>(
    app: &App,
    lang: Lang,
    viewer: &Viewer,
    address: &str,
    render: F,
) -> Option<Response>
where
    F: FnOnce(Viewer) -> Fut,
    Fut: Future<Output = Option<Response>>,
{
    let session = viewer.session.as_ref()?;
    let role = session.account.role;
    if role.moderates() || khabar_core::newsroom::may_write(role) {
        return None;
    }
    let cache = &app.http_cache;
    let (page, outcome) = cache
        .shared_page(address, |stand_ins| {
            let mut stand_in = session.clone();
            stand_in.csrf_token = stand_ins.csrf_token.clone();
            stand_in.account.display_name = stand_ins.display_name.clone();
            // No account has id 0: no comment of the stand-in's shows.
            stand_in.account.id = 0;
            let stand_in = Viewer {
                session: Some(stand_in),
                ..viewer.clone()
            };
            let rendered = render(stand_in);
            async move {
                let response = rendered.await?;
                let edition = response.extensions().get::<EditionShown>()?.0;
                Some((response, edition))
            }
        })
        .await?;
    let facts = cache
        .reader_on_edition(&app.store, session.account.id, page.edition_id?)
        .await
        .ok()?;
    if facts.commented || facts.warning.is_some() {
        return None;
    }
    let values = ReaderValues {
        csrf_token: &session.csrf_token,
        display_name: &escape_html(&session.account.display_name),
        bell: &escape_html(&bell(app, lang, facts.unread)),
    };
    let body = cache.stand_ins().fill(&page.body, &values)?;
    let tag = ContentTag::of_copy(
        &page,
        &[values.csrf_token, values.display_name, values.bell],
    );
    let mut response = Response::new(Body::from(body));
    // Its ETag from the shared page's and the values: no hashing per copy.
    response.extensions_mut().insert(tag);
    let headers = response.headers_mut();
    headers.clone_from(&page.headers);
    headers.insert("x-cache", HeaderValue::from_static(outcome));
    Some(response)
}
