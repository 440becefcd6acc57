//! An edition's revision history (`GET /{lang}/admin/editions/{id}/revisions`):
//! every saved version, what each changed from the one before, word by
//! word, and a restore for each.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use khabar_core::newsroom::may_edit;
use khabar_store::Revision;
use minijinja::{Value, context};

use super::{Desk, after, desk_chrome, refusal};
use crate::extract::{CheckedForm, Id, Params, RevisionId};
use crate::http::forms::field;
use crate::theme::page::{render, respond};
use crate::{App, PageError};
use khabar_app::newsroom::Newsroom;

/// Unchanged lines kept around each change.
const CONTEXT_LINES: usize = 2;

pub(super) async fn list(
    State(app): State<Arc<App>>,
    desk: Desk,
    Id(edition_id): Id,
    Params(query): Params,
) -> Response {
    respond(
        &app,
        desk.lang,
        revisions_page(&app, &desk, edition_id, &query).await,
    )
}

async fn revisions_page(
    app: &App,
    desk: &Desk,
    edition_id: i64,
    query: &HashMap<String, String>,
) -> Result<Response, PageError> {
    let newsroom = Newsroom::new(app, &desk.account);
    let revisions = newsroom.revisions(edition_id).await?;
    let edition = app.store.edition_draft(edition_id).await?;
    let own = app.store.bylines_of(desk.account.id).await?;
    let is_own = edition.author_ids.iter().any(|id| own.contains(id));
    let edition_lang = edition.lang;
    // Newest first; each is compared with the one saved before it.
    let entries: Vec<Value> = revisions
        .iter()
        .enumerate()
        .map(|(at, revision)| {
            let before = revisions.get(at + 1);
            context! {
                revision => revision,
                current => revision.revision == edition.revision,
                changes => changes(before, revision),
            }
        })
        .collect();
    let chrome = desk_chrome(app, desk, &format!("/editions/{edition_id}/revisions")).await?;
    render(
        app,
        "admin/revisions.html",
        desk.lang,
        chrome,
        context! {
            current => "stories",
            edition => edition,
            edition_dir => app.dir(edition_lang),
            revisions => entries,
            editable => may_edit(desk.role, is_own, edition.status != khabar_core::EditionStatus::Draft),
            error => refusal(app, desk.lang, query.get("error").map(String::as_str)),
        },
    )
}

/// Reads one text field of a revision.
type TextOf = fn(&Revision) -> &str;

/// The fields that changed from `before` to `after`, each as diff lines.
fn changes(before: Option<&Revision>, after: &Revision) -> Vec<Value> {
    let fields: [(&str, TextOf); 6] = [
        ("headline", |r| &r.headline),
        ("slug", |r| &r.slug),
        ("standfirst", |r| &r.standfirst),
        ("dateline", |r| &r.dateline),
        ("body", |r| &r.body),
        ("hero_caption", |r| &r.hero_caption),
    ];
    fields
        .iter()
        .filter_map(|(name, text_of)| {
            let old = before.map(text_of).unwrap_or("");
            let new = text_of(after);
            if old == new {
                return None;
            }
            let lines: Vec<Value> = khabar_text::diff::lines(old, new, CONTEXT_LINES)
                .into_iter()
                .map(|line| match line {
                    None => Value::from(()),
                    Some(line) => context! {
                        change => line.change.as_str(),
                        parts => line.parts.into_iter().map(|(marked, text)| context! { marked, text }).collect::<Vec<_>>(),
                    },
                })
                .collect();
            Some(context! { field => name, lines => lines })
        })
        .collect()
}

/// `POST /{lang}/admin/editions/{id}/revisions/{revision}/restore`.
pub(super) async fn restore(
    State(app): State<Arc<App>>,
    desk: Desk,
    Id(edition_id): Id,
    RevisionId(revision): RevisionId,
    CheckedForm(fields, ..): CheckedForm,
) -> Response {
    let outcome = async {
        let current = field(&fields, "current_revision")
            .parse()
            .map_err(|_| PageError::BadRequest("current_revision".into()))?;
        Newsroom::new(&app, &desk.account)
            .restore(edition_id, revision, current)
            .await?;
        Ok(())
    }
    .await;
    let to = match &outcome {
        Ok(()) => match app.store.edition_draft(edition_id).await {
            Ok(edition) => format!(
                "/{}/admin/stories/{}?saved#edition-{edition_id}",
                desk.lang, edition.story_id
            ),
            Err(_) => format!("/{}/admin/stories", desk.lang),
        },
        Err(_) => format!("/{}/admin/editions/{edition_id}/revisions", desk.lang),
    };
    after(&to, outcome)
}
