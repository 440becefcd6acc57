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
use khabar_store::{Account, MediaText, Named};
use serde::Deserialize;
use serde_json::json;

use super::{ApiError, body, caller};
use crate::App;
use crate::media::MediaError;
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
            NewsroomError::Media(MediaError::TooLarge) => StatusCode::PAYLOAD_TOO_LARGE,
            NewsroomError::Media(MediaError::UnsupportedType) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            NewsroomError::Media(MediaError::Io(_)) => {
                tracing::error!(%error, "saving an upload failed");
                return ApiError::internal();
            }
            NewsroomError::Media(_) => StatusCode::UNPROCESSABLE_ENTITY,
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
    pub(crate) slug: Option<String>,
    pub(crate) headline: String,
    #[serde(default)]
    pub(crate) standfirst: String,
    #[serde(default)]
    pub(crate) body: String,
    #[serde(default)]
    pub(crate) dateline: String,
    #[serde(default)]
    pub(crate) hero_caption: String,
    #[serde(default)]
    pub(crate) hero_credit: String,
    #[serde(default)]
    pub(crate) comment_mode: Option<String>,
}

impl EditionBody {
    pub(crate) fn content(self) -> Result<EditionContent, InvalidInput> {
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
pub struct StoryBody {
    #[serde(default)]
    section_id: Option<i64>,
    #[serde(default)]
    tag_ids: Vec<i64>,
    #[serde(default)]
    hero_image: Option<String>,
}

/// updateStory: replaces the story's section, tags and hero image.
pub async fn update_story(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    path: Result<Path<i64>, PathRejection>,
    json: Result<Json<StoryBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let account = writer(&app, &headers, &viewer, Scope::Edit).await?;
    let story_id = id(path)?;
    let story = body(json)?;
    let hero_image = story
        .hero_image
        .as_deref()
        .map(HeroImage::parse)
        .transpose()?;
    let record = Newsroom::new(&app, &account)
        .update_story(story_id, story.section_id, story.tag_ids, hero_image)
        .await?;
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

/// uploadMedia: `multipart/form-data` with the image in `file` and, per
/// language, `alt_{lang}` and `caption_{lang}`.
pub async fn upload_media(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, ApiError> {
    let account = writer(&app, &headers, &viewer, Scope::Edit).await?;
    let mut multipart =
        multipart.map_err(|e| ApiError::bad_body(format!("send multipart/form-data: {e}")))?;
    let mut file = None;
    let mut texts: BTreeMap<Lang, MediaText> = BTreeMap::new();
    let too_large = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::from(NewsroomError::Media(MediaError::TooLarge))
        } else {
            ApiError::bad_body(e.body_text())
        }
    };
    while let Some(field) = multipart.next_field().await.map_err(too_large)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            file = Some(field.bytes().await.map_err(too_large)?.to_vec());
            continue;
        }
        let Some((kind, code)) = name.split_once('_') else {
            continue;
        };
        let Some(lang) = app.lang(code) else {
            return Err(InvalidInput::new(
                "lang",
                "unknown_language",
                format!("“{code}” is not a language of this site"),
            )
            .into());
        };
        let value = field.text().await.map_err(too_large)?;
        let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
        let text = texts.entry(lang).or_insert(MediaText {
            alt: String::new(),
            caption: String::new(),
        });
        match kind {
            "alt" => text.alt = value,
            "caption" => text.caption = value,
            _ => {}
        }
    }
    let file = file.ok_or_else(|| {
        InvalidInput::new("file", "required", "send the image in the `file` field")
    })?;
    let record = Newsroom::new(&app, &account)
        .upload_media(file, texts.into_iter().collect())
        .await?;
    Ok((StatusCode::CREATED, Json(record)).into_response())
}

/// getSiteSettings: the settings in force, what admins changed over the
/// configuration file, and the file's own values.
pub async fn get_site_settings(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
) -> Result<Response, ApiError> {
    reader(&app, &headers, &viewer).await?;
    Ok(Json(json!({
        "settings": &*app.site(),
        "overrides": app.store.site_overrides().await?,
        "file": app.file_site(),
    }))
    .into_response())
}

/// updateSiteSettings: replaces what admins changed (absent keys: the
/// file's value again).
pub async fn update_site_settings(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<khabar_core::SiteOverrides>, JsonRejection>,
) -> Result<Response, ApiError> {
    let account = writer(&app, &headers, &viewer, Scope::Admin).await?;
    let overrides = body(json)?;
    Newsroom::new(&app, &account)
        .update_site_settings(&overrides)
        .await?;
    Ok(Json(json!({ "settings": &*app.site(), "overrides": overrides })).into_response())
}
