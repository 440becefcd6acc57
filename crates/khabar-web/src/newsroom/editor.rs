//! The editor (`GET /{lang}/admin/stories/{id}`): a story's editions side
//! by side, each in its own direction, with its placement (section, tags,
//! hero image), bylines, publishing and translation status. The forms work
//! alone; `editor.js` adds the live preview, autosave, Ctrl+S and keeping
//! unsaved text across a closed tab.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use khabar_core::newsroom::{may_edit, may_publish, publish_warnings};
use khabar_core::{EditionContent, EditionStatus, HeroImage, Lang, Slug};
use khabar_store::{
    Article, AuthorRef, EditionDraft, EditionLink, EditionSummary, NewsroomFilter, StoryRecord,
    TagRef,
};
use minijinja::{Value, context};
use serde::Deserialize;
use serde_json::json;

use super::stories::section_choices;
use super::{
    Desk, Fields, after, desk_chrome, from_local_input, ids, language_choice, local_input,
    optional_id, refusal,
};
use crate::api::newsroom::EditionBody;
use crate::extract::{CheckedForm, Id, Params};
use crate::http::forms::field;
use crate::http::paths::segment;
use crate::theme::page::{chrome, edition_switches, render_html, render_with_status, respond};
use crate::{App, PageError, http::csrf};
use khabar_app::newsroom::Newsroom;

type AppState = State<Arc<App>>;

/// Images offered by the hero picker.
const MEDIA_CHOICES: u32 = 24;

fn story_path(lang: Lang, story_id: i64) -> String {
    format!("/{lang}/admin/stories/{story_id}")
}

pub(super) async fn show(
    State(app): State<Arc<App>>,
    desk: Desk,
    Id(story_id): Id,
    Params(query): Params,
) -> Response {
    let result = editor_page(&app, &desk, story_id, &query, None).await;
    respond(&app, desk.lang, result)
}

/// A save that was refused: the text it carried goes back into the form,
/// so nothing typed is lost, with the reason above it.
struct Refused<'a> {
    edition_id: i64,
    fields: &'a Fields,
    code: &'static str,
}

async fn editor_page(
    app: &App,
    desk: &Desk,
    story_id: i64,
    query: &HashMap<String, String>,
    refused: Option<Refused<'_>>,
) -> Result<Response, PageError> {
    let newsroom = Newsroom::new(app, &desk.account);
    let story = newsroom.story(story_id).await?;
    let status = app
        .store
        .newsroom_editions(
            &NewsroomFilter {
                story_id: Some(story_id),
                ..NewsroomFilter::default()
            },
            1,
            50,
        )
        .await?;
    let own = app.store.bylines_of(desk.account.id).await?;
    let sections = section_choices(app, desk).await?;
    let authors = app.store.author_records().await?;
    let tags = app.store.tag_records().await?;
    let media = app.store.recent_media(MEDIA_CHOICES).await?;
    let editions: Vec<Value> = story
        .editions
        .iter()
        .map(|edition| {
            let lang = edition.lang;
            let is_own = edition.author_ids.iter().any(|id| own.contains(id));
            let edition = match &refused {
                Some(refused) if refused.edition_id == edition.id => {
                    with_form_text(edition, refused.fields)
                }
                _ => edition.clone(),
            };
            let behind = status
                .items
                .iter()
                .find(|item| item.record.id == edition.id)
                .map(|item| item.behind.clone())
                .unwrap_or_default();
            let byline: Vec<Value> = authors
                .iter()
                .map(|a| {
                    context! {
                        id => a.id,
                        name => a.name_in(lang),
                        checked => edition.author_ids.contains(&a.id),
                    }
                })
                .collect();
            context! {
                warnings => warnings(app, desk.lang, &story, &edition),
                edition => edition,
                dir => app.dir(lang),
                language_name => app.i18n.message(desk.lang, &format!("admin-language-{}", edition.lang), None),
                editable => may_edit(desk.role, is_own, edition.status != EditionStatus::Draft),
                scheduled_local => edition.scheduled_at.map(|at| local_input(app, at)),
                public_path => (edition.status == EditionStatus::Published)
                    .then(|| format!("/{}/story/{}", edition.lang, segment(&edition.slug))),
                behind => behind,
                byline => byline,
            }
        })
        .collect();
    let missing: Vec<Value> = app
        .languages()
        .into_iter()
        .filter(|l| !story.editions.iter().any(|e| e.lang == *l))
        .map(|l| language_choice(app, desk, l))
        .collect();
    let tag_choices: Vec<Value> = tags
        .iter()
        .map(|t| context! { id => t.id, name => t.name_in(desk.lang), checked => story.tag_ids.contains(&t.id) })
        .collect();
    let media_choices: Vec<Value> = media
        .iter()
        .map(|m| {
            let url = m.url();
            context! {
                url => url,
                thumb => m.variants.first().map(|v| format!("/media/{}", v.path)).unwrap_or_else(|| m.url()),
                alt => m.texts.get(desk.lang.as_str()).map(|t| t.alt.clone()).unwrap_or_default(),
                alts => m.texts.iter().map(|(lang, t)| (lang.clone(), t.alt.clone())).collect::<std::collections::BTreeMap<_, _>>(),
                checked => story.hero_image.as_deref() == Some(url.as_str()),
            }
        })
        .collect();
    let hero_elsewhere = story
        .hero_image
        .as_deref()
        .filter(|hero| !media.iter().any(|m| &m.url() == hero));
    let chrome = desk_chrome(app, desk, &format!("/stories/{story_id}")).await?;
    let (status, error) = match &refused {
        Some(refused) => (
            if refused.code == "edit_conflict" {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            },
            refusal(app, desk.lang, Some(refused.code)),
        ),
        None => (
            StatusCode::OK,
            refusal(app, desk.lang, query.get("error").map(String::as_str)),
        ),
    };
    render_with_status(
        app,
        status,
        "admin/editor.html",
        desk.lang,
        chrome,
        context! {
            current => "stories",
            story => story,
            editions => editions,
            missing => missing,
            sections => sections,
            tags => tag_choices,
            media => media_choices,
            hero_elsewhere => hero_elsewhere,
            may_publish => may_publish(desk.role),
            time_zone => app.site().time_zone,
            error => error,
            saved => query.contains_key("saved"),
            synced => query.contains_key("synced"),
            to_publish => story.editions.iter().any(|e| e.status != EditionStatus::Published),
            confirmation => confirmation(app, desk, &story, query),
        },
    )
}

/// What `edition` lacks for publishing (`publish_warnings`), in `lang`.
fn warnings(app: &App, lang: Lang, story: &StoryRecord, edition: &EditionDraft) -> Vec<String> {
    publish_warnings(!edition.author_ids.is_empty(), story.hero_image.is_some())
        .into_iter()
        .map(|code| {
            let key = format!("admin-warning-{}", code.replace('_', "-"));
            app.i18n.message(lang, &key, None)
        })
        .collect()
}

/// What a publish or schedule just did, from the redirect's query
/// (`published=` or `scheduled=`, edition ids joined by `.`): read back
/// from the store, so the confirmation says what is true now, with each
/// edition's public address and, when scheduled, its time in the site's
/// zone.
fn confirmation(
    app: &App,
    desk: &Desk,
    story: &StoryRecord,
    query: &HashMap<String, String>,
) -> Option<Value> {
    let (kind, list) = query
        .get("published")
        .map(|ids| ("published", ids))
        .or_else(|| query.get("scheduled").map(|ids| ("scheduled", ids)))?;
    let items: Vec<Value> = list
        .split('.')
        .filter_map(|id| id.parse::<i64>().ok())
        .filter_map(|id| story.editions.iter().find(|e| e.id == id))
        .map(|edition| {
            let path = format!("/{}/story/{}", edition.lang, segment(&edition.slug));
            context! {
                lang => edition.lang,
                dir => app.dir(edition.lang),
                headline => edition.headline,
                language_name => app.i18n.message(desk.lang, &format!("admin-language-{}", edition.lang), None),
                status => edition.status,
                // Shown as read (an Arabic slug in letters, not escapes);
                // the link itself is `path`.
                url => format!("{}/{}/story/{}", app.base_url, edition.lang, edition.slug),
                path => path,
                at => edition.scheduled_at.map(|at| app.i18n.date_time(desk.lang, at)),
                warnings => warnings(app, desk.lang, story, edition),
            }
        })
        .collect();
    (!items.is_empty()).then(|| context! { kind => kind, items => items })
}

/// The editor's address with what just happened for the page to confirm.
fn confirmed(desk: &Desk, story_id: i64, editions: &[EditionDraft]) -> String {
    let kind = if editions
        .iter()
        .all(|e| e.status == EditionStatus::Published)
    {
        "published"
    } else {
        "scheduled"
    };
    let ids: Vec<String> = editions.iter().map(|e| e.id.to_string()).collect();
    format!(
        "{}?{kind}={}#confirmation",
        story_path(desk.lang, story_id),
        ids.join(".")
    )
}

/// `edition` with the text and byline a refused form carried; the
/// revision stays the server's, so saving again replaces the other
/// version on purpose (which keeps its place in the history).
fn with_form_text(edition: &EditionDraft, fields: &Fields) -> EditionDraft {
    let text = |name: &str| field(fields, name).to_owned();
    EditionDraft {
        slug: text("slug"),
        headline: text("headline"),
        standfirst: text("standfirst"),
        body: text("body"),
        dateline: text("dateline"),
        hero_caption: text("hero_caption"),
        hero_credit: text("hero_credit"),
        author_ids: ids(fields, "author_id"),
        ..edition.clone()
    }
}

/// The edition's text from the editor's form, read as the API reads it.
fn content_of(fields: &Fields) -> Result<EditionContent, PageError> {
    let text = |name: &str| field(fields, name).to_owned();
    EditionBody {
        slug: Some(text("slug")),
        headline: text("headline"),
        standfirst: text("standfirst"),
        body: text("body"),
        dateline: text("dateline"),
        hero_caption: text("hero_caption"),
        hero_credit: text("hero_credit"),
        comment_mode: Some(text("comment_mode")).filter(|mode| !mode.is_empty()),
    }
    .content()
    .map_err(PageError::from)
}

/// Where a form about an edition goes back to: its story's editor.
async fn edition_story(app: &App, desk: &Desk, edition_id: i64) -> String {
    match app.store.edition_draft(edition_id).await {
        Ok(edition) => format!(
            "{}#edition-{edition_id}",
            story_path(desk.lang, edition.story_id)
        ),
        Err(_) => format!("/{}/admin/stories", desk.lang),
    }
}

/// `POST /{lang}/admin/editions/{id}`: saves an edition's text and byline
/// (the form's fallback for what `editor.js` does through the API), and
/// with `synced=1` marks it up to date with its siblings.
pub(super) async fn save_edition(
    State(app): State<Arc<App>>,
    desk: Desk,
    Id(edition_id): Id,
    CheckedForm(fields, ..): CheckedForm,
) -> Response {
    let outcome = update_edition(&app, &desk, edition_id, &fields).await;
    let to = edition_story(&app, &desk, edition_id).await;
    // Refused text is shown again, not dropped by a redirect.
    if let Err(PageError::Rejected(code)) = outcome
        && let Ok(edition) = app.store.edition_draft(edition_id).await
    {
        let refused = Refused {
            edition_id,
            fields: &fields,
            code,
        };
        let query = HashMap::new();
        let page = editor_page(&app, &desk, edition.story_id, &query, Some(refused)).await;
        return respond(&app, desk.lang, page);
    }
    after(&to, outcome)
}

/// Saves the edition's text and byline from its form.
async fn update_edition(
    app: &App,
    desk: &Desk,
    edition_id: i64,
    fields: &Fields,
) -> Result<(), PageError> {
    let revision = field(fields, "revision")
        .parse()
        .map_err(|_| PageError::BadRequest("revision".into()))?;
    let content = content_of(fields)?;
    let authors = Some(ids(fields, "author_id"));
    let newsroom = Newsroom::new(app, &desk.account);
    newsroom
        .update_edition(edition_id, revision, &content, authors)
        .await?;
    // "This save brings it up to date with the other editions."
    if field(fields, "synced") == "1" {
        newsroom.mark_synced(edition_id).await?;
    }
    Ok(())
}

/// `POST /{lang}/admin/stories/{id}/editions`: another language's edition.
pub(super) async fn add_edition(
    State(app): State<Arc<App>>,
    desk: Desk,
    Id(story_id): Id,
    CheckedForm(fields, ..): CheckedForm,
) -> Response {
    let outcome = async {
        let edition_lang = app
            .lang(field(&fields, "edition_lang"))
            .ok_or(PageError::Rejected("unknown_language"))?;
        let content = content_of(&fields)?;
        Newsroom::new(&app, &desk.account)
            .add_edition(story_id, edition_lang, &content, Vec::new())
            .await?;
        Ok(())
    }
    .await;
    after(&story_path(desk.lang, story_id), outcome)
}

/// `POST /{lang}/admin/stories/{id}/placement`: section, tags and hero.
pub(super) async fn save_placement(
    State(app): State<Arc<App>>,
    desk: Desk,
    Id(story_id): Id,
    CheckedForm(fields, ..): CheckedForm,
) -> Response {
    let outcome = async {
        let hero = match field(&fields, "hero_image").trim() {
            "" => None,
            hero => Some(HeroImage::parse(hero)?),
        };
        Newsroom::new(&app, &desk.account)
            .update_story(
                story_id,
                optional_id(&fields, "section_id"),
                ids(&fields, "tag_id"),
                hero,
            )
            .await?;
        Ok(())
    }
    .await;
    after(&story_path(desk.lang, story_id), outcome)
}

/// `POST /{lang}/admin/editions/{id}/publish`: now, or at a time in the
/// site's time zone (`at`, as a `datetime-local` gives it).
pub(super) async fn publish(
    State(app): State<Arc<App>>,
    desk: Desk,
    Id(edition_id): Id,
    CheckedForm(fields, ..): CheckedForm,
) -> Response {
    let outcome = async {
        let at = publish_time(&app, &fields)?;
        let edition = Newsroom::new(&app, &desk.account)
            .publish(edition_id, at)
            .await?;
        Ok(confirmed(&desk, edition.story_id, &[edition]))
    }
    .await;
    match outcome {
        Ok(to) => after(&to, Ok(())),
        Err(error) => after(&edition_story(&app, &desk, edition_id).await, Err(error)),
    }
}

/// When a publish form asks for: now, or (`when=schedule`) at `at`, a
/// `datetime-local` value in the site's time zone.
fn publish_time(app: &App, fields: &Fields) -> Result<Option<Timestamp>, PageError> {
    match (field(fields, "when"), field(fields, "at")) {
        ("schedule", at) => Ok(Some(
            from_local_input(app, at).ok_or(PageError::Rejected("invalid_time"))?,
        )),
        _ => Ok(None),
    }
}

/// `POST /{lang}/admin/stories/{id}/publish`: the editions ticked
/// (`edition_id`, repeated) published together now, or scheduled for one
/// time (`when=schedule`, `at`).
pub(super) async fn publish_together(
    State(app): State<Arc<App>>,
    desk: Desk,
    Id(story_id): Id,
    CheckedForm(fields, ..): CheckedForm,
) -> Response {
    let outcome = async {
        let at = publish_time(&app, &fields)?;
        let done = Newsroom::new(&app, &desk.account)
            .publish_together(story_id, &ids(&fields, "edition_id"), at)
            .await?;
        Ok(confirmed(&desk, story_id, &done))
    }
    .await;
    match outcome {
        Ok(to) => after(&to, Ok(())),
        Err(error) => after(&story_path(desk.lang, story_id), Err(error)),
    }
}

/// `POST /{lang}/admin/editions/{id}/synced`: the editor says this
/// edition now says what its siblings say.
pub(super) async fn mark_synced(
    State(app): State<Arc<App>>,
    desk: Desk,
    Id(edition_id): Id,
    CheckedForm(..): CheckedForm,
) -> Response {
    let outcome = Newsroom::new(&app, &desk.account)
        .mark_synced(edition_id)
        .await
        .map_err(PageError::from);
    match outcome {
        Ok(edition) => after(
            &format!(
                "{}?synced#edition-{edition_id}",
                story_path(desk.lang, edition.story_id)
            ),
            Ok(()),
        ),
        Err(error) => after(&edition_story(&app, &desk, edition_id).await, Err(error)),
    }
}

/// `POST /{lang}/admin/editions/{id}/unpublish`: takes it down (or calls
/// off its schedule).
pub(super) async fn unpublish(
    State(app): State<Arc<App>>,
    desk: Desk,
    Id(edition_id): Id,
    CheckedForm(..): CheckedForm,
) -> Response {
    let outcome = Newsroom::new(&app, &desk.account)
        .unpublish(edition_id)
        .await
        .map(|_| ())
        .map_err(PageError::from);
    after(&edition_story(&app, &desk, edition_id).await, outcome)
}

/// What the editor sends to see an edition before it is saved.
#[derive(Debug, Deserialize)]
pub(super) struct PreviewBody {
    story_id: i64,
    lang: String,
    #[serde(default)]
    slug: String,
    headline: String,
    #[serde(default)]
    standfirst: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    dateline: String,
    #[serde(default)]
    hero_caption: String,
    #[serde(default)]
    hero_credit: String,
    #[serde(default)]
    author_ids: Vec<i64>,
}

/// `POST /{lang}/admin/preview` (JSON, with the session's CSRF token in
/// `X-CSRF-Token`): the unsaved edition rendered by the public page's own
/// template, and the slug its headline suggests.
pub(super) async fn preview(
    State(app): AppState,
    desk: Desk,
    headers: HeaderMap,
    json: Result<Json<PreviewBody>, JsonRejection>,
) -> Response {
    let token = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !csrf::same_site(&app, &headers) || !csrf::token_matches(&desk.viewer, token) {
        return (StatusCode::FORBIDDEN, Json(json!({ "error": "forbidden" }))).into_response();
    }
    let Ok(Json(body)) = json else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": "bad_request" })),
        )
            .into_response();
    };
    match preview_page(&app, &desk, body).await {
        Ok(found) => Json(found).into_response(),
        Err(error) => {
            let status = error.status();
            if status.is_server_error() {
                tracing::error!(%error, "preview failed");
            }
            let code = match error {
                PageError::Rejected(code) => code,
                PageError::NotFound => "not_found",
                _ => "internal",
            };
            (status, Json(json!({ "error": code }))).into_response()
        }
    }
}

async fn preview_page(
    app: &App,
    desk: &Desk,
    body: PreviewBody,
) -> Result<serde_json::Value, PageError> {
    let lang = app.lang(&body.lang).ok_or(PageError::NotFound)?;
    let story: StoryRecord = Newsroom::new(app, &desk.account)
        .story(body.story_id)
        .await?;
    let suggested = Slug::from_headline(&body.headline)
        .map(|s| s.as_str().to_owned())
        .unwrap_or_default();
    let slug = if body.slug.trim().is_empty() {
        suggested.clone()
    } else {
        body.slug.trim().to_owned()
    };
    let section = match story.section_id {
        Some(id) => app
            .store
            .sections(lang)
            .await?
            .into_iter()
            .find(|s| s.id == id),
        None => None,
    };
    let tags = app
        .store
        .tag_records()
        .await?
        .into_iter()
        .filter(|t| story.tag_ids.contains(&t.id))
        .map(|t| TagRef {
            id: t.id,
            name: t.name_in(lang).to_owned(),
            slug: t.slug,
        })
        .collect();
    let author_records = app.store.author_records().await?;
    let authors = body
        .author_ids
        .iter()
        .filter_map(|id| author_records.iter().find(|a| a.id == *id))
        .map(|a| AuthorRef {
            id: a.id,
            slug: a.slug.clone(),
            name: a.name_in(lang).to_owned(),
            bio: String::new(),
        })
        .collect();
    // The page's own join finds the hero by its path; so does the preview,
    // however old the image.
    let hero = match story.hero_image.as_deref() {
        Some(hero) => app
            .store
            .media_at(hero)
            .await?
            .map(|m| m.hero(lang.as_str())),
        None => None,
    };
    let now = Timestamp::now();
    let article = Article {
        summary: EditionSummary {
            id: 0,
            story_id: story.id,
            lang,
            slug: slug.clone(),
            headline: body.headline.trim().to_owned(),
            standfirst: body.standfirst.trim().to_owned(),
            hero_image: story.hero_image.clone(),
            hero_caption: body.hero_caption,
            hero,
            published_at: now,
            updated_at: now,
            section,
            authors,
            comment_count: 0,
        },
        body: body.body,
        dateline: body.dateline,
        hero_credit: body.hero_credit,
        comment_mode: String::new(),
        tags,
        other_editions: story
            .editions
            .iter()
            .filter(|e| e.lang != lang && e.status == EditionStatus::Published)
            .map(|e| EditionLink {
                lang: e.lang,
                slug: e.slug.clone(),
                headline: e.headline.clone(),
            })
            .collect(),
    };
    let editions = edition_switches(app, &article.other_editions);
    let this_path = format!("/{lang}/story/{}", segment(&slug));
    let chrome = chrome(
        app,
        lang,
        &desk.viewer,
        vec![(lang, this_path.clone())],
        None,
        this_path,
    )
    .await?;
    let html = render_html(
        app,
        "admin/preview.html",
        lang,
        chrome,
        context! { article => article, editions => editions, was_updated => false },
    )?;
    Ok(json!({
        "html": html,
        "slug": suggested,
    }))
}
