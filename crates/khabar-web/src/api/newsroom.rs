//! The newsroom's operations: getStory, createStory, createEdition,
//! updateEdition, publishEdition, unpublishEdition, listRevisions,
//! restoreRevision, listSections, createSection, updateUserRole.
//! (listStories and listUsers live in `stories` and `users`.)

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use khabar_core::{
    CommentMode, EditionContent, EditionInput, HeroImage, InvalidInput, Lang, Role, Scope, Slug,
    Username,
};
use khabar_store::{Account, Named};
use serde::Deserialize;
use serde_json::json;

use super::{ApiError, body, caller};
use crate::App;
use crate::newsroom::{Newsroom, NewsroomError, StoryDraft};
use crate::session::Viewer;

type AppState = State<Arc<App>>;

impl From<NewsroomError> for ApiError {
    fn from(error: NewsroomError) -> Self {
        let status = match &error {
            NewsroomError::Forbidden => StatusCode::FORBIDDEN,
            NewsroomError::NotFound => StatusCode::NOT_FOUND,
            NewsroomError::Conflict | NewsroomError::Taken(_) => StatusCode::CONFLICT,
            NewsroomError::Invalid(e) => return e.clone().into(),
            NewsroomError::Store(_) => {
                tracing::error!(%error, "newsroom store failure");
                return ApiError::internal();
            }
        };
        ApiError::new(status, error.code(), error.to_string())
    }
}

/// The edition fields a client sends.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditionBody {
    #[serde(default)]
    slug: Option<String>,
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
    comment_mode: Option<String>,
}

impl EditionBody {
    fn content(self) -> Result<EditionContent, InvalidInput> {
        let comment_mode = match self.comment_mode.as_deref() {
            Some(mode) => CommentMode::parse(mode)?,
            None => CommentMode::default(),
        };
        EditionContent::parse(EditionInput {
            slug: self.slug,
            headline: self.headline,
            standfirst: self.standfirst,
            body: self.body,
            dateline: self.dateline,
            hero_caption: self.hero_caption,
            hero_credit: self.hero_credit,
            comment_mode,
        })
    }
}

fn id(path: Result<Path<i64>, PathRejection>) -> Result<i64, ApiError> {
    path.map(|Path(id)| id)
        .map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such item"))
}

fn lang(code: &str) -> Result<Lang, ApiError> {
    Lang::parse(code).map_err(|e| InvalidInput { field: "lang", ..e }.into())
}

/// The caller's account for a read (`edit` scope for tokens).
async fn reader(app: &App, headers: &HeaderMap, viewer: &Viewer) -> Result<Account, ApiError> {
    Ok(caller(app, headers, viewer)
        .await?
        .authorize_read(Scope::Edit)?
        .clone())
}

/// The caller's account for a change (CSRF for sessions, `scope` for tokens).
async fn writer(
    app: &App,
    headers: &HeaderMap,
    viewer: &Viewer,
    scope: Scope,
) -> Result<Account, ApiError> {
    Ok(caller(app, headers, viewer)
        .await?
        .authorize(app, headers, scope)?
        .clone())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewStoryBody {
    #[serde(default)]
    section_id: Option<i64>,
    #[serde(default)]
    tag_ids: Vec<i64>,
    #[serde(default)]
    hero_image: Option<String>,
    lang: String,
    #[serde(default)]
    author_ids: Vec<i64>,
    edition: EditionBody,
}

pub async fn create_story(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<NewStoryBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let account = writer(&app, &headers, &viewer, Scope::Edit).await?;
    let story = body(json)?;
    let draft = StoryDraft {
        section_id: story.section_id,
        tag_ids: story.tag_ids,
        hero_image: story
            .hero_image
            .as_deref()
            .map(HeroImage::parse)
            .transpose()?,
        lang: lang(&story.lang)?,
        content: story.edition.content()?,
        author_ids: story.author_ids,
    };
    let record = Newsroom::new(&app, &account).create_story(draft).await?;
    Ok((StatusCode::CREATED, Json(record)).into_response())
}

pub async fn get_story(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    path: Result<Path<i64>, PathRejection>,
) -> Result<Response, ApiError> {
    let account = reader(&app, &headers, &viewer).await?;
    let record = Newsroom::new(&app, &account).story(id(path)?).await?;
    Ok(Json(record).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewEditionBody {
    lang: String,
    #[serde(default)]
    author_ids: Vec<i64>,
    edition: EditionBody,
}

pub async fn create_edition(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    path: Result<Path<i64>, PathRejection>,
    json: Result<Json<NewEditionBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let account = writer(&app, &headers, &viewer, Scope::Edit).await?;
    let story_id = id(path)?;
    let new = body(json)?;
    let edition = Newsroom::new(&app, &account)
        .add_edition(
            story_id,
            lang(&new.lang)?,
            &new.edition.content()?,
            new.author_ids,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(edition)).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateBody {
    /// The revision the client started from.
    revision: i64,
    #[serde(default)]
    author_ids: Option<Vec<i64>>,
    edition: EditionBody,
}

pub async fn update_edition(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    path: Result<Path<i64>, PathRejection>,
    json: Result<Json<UpdateBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let account = writer(&app, &headers, &viewer, Scope::Edit).await?;
    let edition_id = id(path)?;
    let update = body(json)?;
    let edition = Newsroom::new(&app, &account)
        .update_edition(
            edition_id,
            update.revision,
            &update.edition.content()?,
            update.author_ids,
        )
        .await?;
    Ok(Json(edition).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishBody {
    /// RFC 3339; in the future: schedule. Absent: now.
    #[serde(default)]
    at: Option<String>,
}

pub async fn publish_edition(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    path: Result<Path<i64>, PathRejection>,
    json: Result<Json<PublishBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let account = writer(&app, &headers, &viewer, Scope::Edit).await?;
    let edition_id = id(path)?;
    let publish = match json {
        Err(JsonRejection::MissingJsonContentType(_)) => PublishBody::default(),
        other => body(other)?,
    };
    let at = publish
        .at
        .as_deref()
        .map(|text| {
            text.parse::<Timestamp>().map_err(|_| {
                InvalidInput::new(
                    "at",
                    "invalid_time",
                    "an RFC 3339 time such as 2026-12-01T09:00:00+02:00",
                )
            })
        })
        .transpose()?;
    let edition = Newsroom::new(&app, &account)
        .publish(edition_id, at)
        .await?;
    Ok(Json(edition).into_response())
}

pub async fn unpublish_edition(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    path: Result<Path<i64>, PathRejection>,
) -> Result<Response, ApiError> {
    let account = writer(&app, &headers, &viewer, Scope::Edit).await?;
    let edition = Newsroom::new(&app, &account).unpublish(id(path)?).await?;
    Ok(Json(edition).into_response())
}

pub async fn list_revisions(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    path: Result<Path<i64>, PathRejection>,
) -> Result<Response, ApiError> {
    let account = reader(&app, &headers, &viewer).await?;
    let revisions = Newsroom::new(&app, &account).revisions(id(path)?).await?;
    Ok(Json(json!({ "revisions": revisions })).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestoreBody {
    /// The edition's current revision, as the client last saw it.
    revision: i64,
}

pub async fn restore_revision(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    path: Result<Path<(i64, i64)>, PathRejection>,
    json: Result<Json<RestoreBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let account = writer(&app, &headers, &viewer, Scope::Edit).await?;
    let Ok(Path((edition_id, revision))) = path else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such revision",
        ));
    };
    let current = body(json)?.revision;
    let edition = Newsroom::new(&app, &account)
        .restore(edition_id, revision, current)
        .await?;
    Ok(Json(edition).into_response())
}

pub async fn list_sections(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
) -> Result<Response, ApiError> {
    reader(&app, &headers, &viewer).await?;
    Ok(Json(json!({ "sections": app.store.section_records().await? })).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSectionBody {
    slug: String,
    /// Names by language code.
    names: BTreeMap<String, String>,
}

pub async fn create_section(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<NewSectionBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let account = writer(&app, &headers, &viewer, Scope::Edit).await?;
    let section = body(json)?;
    let slug = Slug::parse(&section.slug)?;
    let mut names = Vec::new();
    for (code, name) in section.names {
        let name = name.trim().to_owned();
        if name.is_empty() {
            continue;
        }
        names.push(Named {
            lang: lang(&code)?,
            name,
        });
    }
    let id = Newsroom::new(&app, &account)
        .create_section(&slug, &names)
        .await?;
    let created = app
        .store
        .section_records()
        .await?
        .into_iter()
        .find(|s| s.id == id);
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleBody {
    role: String,
}

pub async fn update_user_role(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    path: Result<Path<String>, PathRejection>,
    json: Result<Json<RoleBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let account = writer(&app, &headers, &viewer, Scope::Admin).await?;
    let not_found = || ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such user");
    let Ok(Path(name)) = path else {
        return Err(not_found());
    };
    let role = Role::parse(&body(json)?.role)?;
    let key = Username::parse_for_staff(&name)
        .map_err(|_| not_found())?
        .key();
    let user_id = app
        .store
        .user_id_by_key(&key)
        .await?
        .ok_or_else(not_found)?;
    Newsroom::new(&app, &account)
        .set_role(user_id, role)
        .await?;
    Ok(Json(json!({ "username": name, "role": role.as_str() })).into_response())
}
