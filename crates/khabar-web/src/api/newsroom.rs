//! The newsroom's operations: getStory, createStory, createEdition,
//! updateEdition, publishEdition, unpublishEdition, listRevisions,
//! restoreRevision, listSections, createSection, updateSection,
//! updateUserRole.
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
    CommentMode, EditionContent, EditionInput, HeroImage, InvalidInput, Lang, Role, Slug, Username,
};
use khabar_store::{Account, MediaText, Named};
use serde::Deserialize;

use super::access::{self, Operation};
use super::wire::newsroom::{
    Edition, Media, Overrides, Revisions, RoleChanged, Section, Sections, SiteFields,
    SiteSettingsAnswer, SiteSettingsUpdated, Story,
};
use super::{ApiError, body, caller};
use crate::App;
use crate::http::session::Viewer;
use khabar_app::media::MediaError;
use khabar_app::newsroom::{Newsroom, NewsroomError, StoryDraft};

type AppState = State<Arc<App>>;

/// The edition fields a client sends.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = EditionFields)]
pub(crate) struct EditionBody {
    /// Made from the headline when absent; Arabic slugs stay Arabic.
    #[serde(default)]
    pub(crate) slug: Option<String>,
    pub(crate) headline: String,
    #[serde(default)]
    pub(crate) standfirst: String,
    /// Markdown.
    #[serde(default)]
    pub(crate) body: String,
    #[serde(default)]
    pub(crate) dateline: String,
    #[serde(default)]
    pub(crate) hero_caption: String,
    #[serde(default)]
    pub(crate) hero_credit: String,
    #[serde(default)]
    #[schema(value_type = Option<crate::api::wire::sets::CommentModeName>)]
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

/// The caller's account, if it may call `op`.
pub(crate) async fn signed_in(
    app: &App,
    headers: &HeaderMap,
    viewer: &Viewer,
    op: &Operation,
) -> Result<Account, ApiError> {
    Ok(caller(app, headers, viewer)
        .await?
        .require(app, headers, op)?
        .clone())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewStory)]
pub(crate) struct NewStoryBody {
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

#[utoipa::path(
    post,
    path = "/stories",
    operation_id = "createStory",
    tag = "newsroom",
    summary = "A new story with its first edition, as a draft (authors, editors, admins)",
    request_body = NewStoryBody,
    responses(
        (status = 201, description = "The story", body = Story),
        (status = 400, description = "bad_request_body: not JSON of the documented shape, or an unknown field", body = crate::api::wire::ErrorBody),
        crate::api::wire::NewsroomErrors,
        (status = 409, description = "already_taken (slug)", body = crate::api::wire::ErrorBody),
        (status = 422, description = "required, too_long, invalid_slug, unknown_language, unknown_reference", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn create_story(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<NewStoryBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let account = signed_in(&app, &headers, &viewer, &access::CREATE_STORY).await?;
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
    Ok((StatusCode::CREATED, Json(Story::from(record))).into_response())
}

#[utoipa::path(
    get,
    path = "/stories/{id}",
    operation_id = "getStory",
    tag = "newsroom",
    summary = "A story with every edition in full (authors, editors, admins)",
    params(
        ("id" = i64, Path, description = "the story"),
    ),
    responses(
        (status = 200, description = "The story", body = Story),
        crate::api::wire::NewsroomErrors,
    )
)]
pub(crate) async fn get_story(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    path: Result<Path<i64>, PathRejection>,
) -> Result<Response, ApiError> {
    let account = signed_in(&app, &headers, &viewer, &access::GET_STORY).await?;
    let record = Newsroom::new(&app, &account).story(id(path)?).await?;
    Ok(Json(Story::from(record)).into_response())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = StoryUpdate)]
pub(crate) struct StoryBody {
    #[serde(default)]
    section_id: Option<i64>,
    #[serde(default)]
    tag_ids: Vec<i64>,
    #[serde(default)]
    hero_image: Option<String>,
}

/// updateStory: replaces the story's section, tags and hero image.
#[utoipa::path(
    put,
    path = "/stories/{id}",
    operation_id = "updateStory",
    tag = "newsroom",
    summary = "Replaces the story's section, tags and hero image (authors while none of their editions of it is published; editors, admins)",
    params(
        ("id" = i64, Path, description = "the story"),
    ),
    request_body = StoryBody,
    responses(
        (status = 200, description = "The story", body = Story),
        (status = 400, description = "bad_request_body: not JSON of the documented shape, or an unknown field", body = crate::api::wire::ErrorBody),
        crate::api::wire::NewsroomErrors,
        (status = 422, description = "invalid_image_location, unknown_reference", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn update_story(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    path: Result<Path<i64>, PathRejection>,
    json: Result<Json<StoryBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let account = signed_in(&app, &headers, &viewer, &access::UPDATE_STORY).await?;
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
    Ok(Json(Story::from(record)).into_response())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewEdition)]
pub(crate) struct NewEditionBody {
    lang: String,
    #[serde(default)]
    author_ids: Vec<i64>,
    edition: EditionBody,
}

#[utoipa::path(
    post,
    path = "/stories/{id}/editions",
    operation_id = "createEdition",
    tag = "newsroom",
    summary = "Adds the story's edition in another language, as a draft",
    params(
        ("id" = i64, Path, description = "the story"),
    ),
    request_body = NewEditionBody,
    responses(
        (status = 201, description = "The edition", body = Edition),
        (status = 400, description = "bad_request_body: not JSON of the documented shape, or an unknown field", body = crate::api::wire::ErrorBody),
        crate::api::wire::NewsroomErrors,
        (status = 409, description = "already_taken (an edition in that language, or the slug)", body = crate::api::wire::ErrorBody),
        (status = 422, description = "invalid fields", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn create_edition(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    path: Result<Path<i64>, PathRejection>,
    json: Result<Json<NewEditionBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let account = signed_in(&app, &headers, &viewer, &access::CREATE_EDITION).await?;
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
    Ok((StatusCode::CREATED, Json(Edition::from(edition))).into_response())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = EditionUpdate)]
pub(crate) struct UpdateBody {
    /// The revision the client started from.
    revision: i64,
    #[serde(default)]
    author_ids: Option<Vec<i64>>,
    edition: EditionBody,
}

#[utoipa::path(
    put,
    path = "/editions/{id}",
    operation_id = "updateEdition",
    tag = "newsroom",
    summary = "Saves an edition over the revision the client started from; a second editor's stale save is refused and changes nothing",
    params(
        ("id" = i64, Path, description = "the edition"),
    ),
    request_body = UpdateBody,
    responses(
        (status = 200, description = "The edition, at its new revision", body = Edition),
        (status = 400, description = "bad_request_body: not JSON of the documented shape, or an unknown field", body = crate::api::wire::ErrorBody),
        crate::api::wire::NewsroomErrors,
        (status = 409, description = "edit_conflict, already_taken (slug)", body = crate::api::wire::ErrorBody),
        (status = 422, description = "invalid fields", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn update_edition(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    path: Result<Path<i64>, PathRejection>,
    json: Result<Json<UpdateBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let account = signed_in(&app, &headers, &viewer, &access::UPDATE_EDITION).await?;
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
    Ok(Json(Edition::from(edition)).into_response())
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Publish)]
pub(crate) struct PublishBody {
    /// RFC 3339; in the future: schedule. Absent: now.
    #[serde(default)]
    #[schema(format = DateTime)]
    at: Option<String>,
}

#[utoipa::path(
    post,
    path = "/editions/{id}/publish",
    operation_id = "publishEdition",
    tag = "newsroom",
    summary = "Publishes now, or schedules when `at` is in the future (editors, admins)",
    params(
        ("id" = i64, Path, description = "the edition"),
    ),
    request_body(content = Option<PublishBody>, description = "optional"),
    responses(
        (status = 200, description = "The edition", body = Edition),
        (status = 400, description = "bad_request_body: not JSON of the documented shape, or an unknown field", body = crate::api::wire::ErrorBody),
        crate::api::wire::NewsroomErrors,
        (status = 422, description = "invalid_time, not_in_future (a schedule time in the past)", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn publish_edition(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    path: Result<Path<i64>, PathRejection>,
    json: Result<Json<PublishBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let account = signed_in(&app, &headers, &viewer, &access::PUBLISH_EDITION).await?;
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
    Ok(Json(Edition::from(edition)).into_response())
}

#[utoipa::path(
    post,
    path = "/editions/{id}/unpublish",
    operation_id = "unpublishEdition",
    tag = "newsroom",
    summary = "Takes an edition off the site (status unpublished; its address then answers 404) (editors, admins)",
    params(
        ("id" = i64, Path, description = "the edition"),
    ),
    responses(
        (status = 200, description = "The edition", body = Edition),
        crate::api::wire::NewsroomErrors,
        (status = 422, description = "not_published", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn unpublish_edition(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    path: Result<Path<i64>, PathRejection>,
) -> Result<Response, ApiError> {
    let account = signed_in(&app, &headers, &viewer, &access::UNPUBLISH_EDITION).await?;
    let edition = Newsroom::new(&app, &account).unpublish(id(path)?).await?;
    Ok(Json(Edition::from(edition)).into_response())
}

#[utoipa::path(
    get,
    path = "/editions/{id}/revisions",
    operation_id = "listRevisions",
    tag = "newsroom",
    summary = "Every saved version of an edition, newest first",
    params(
        ("id" = i64, Path, description = "the edition"),
    ),
    responses(
        (status = 200, description = "The revisions", body = Revisions),
        crate::api::wire::NewsroomErrors,
    )
)]
pub(crate) async fn list_revisions(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    path: Result<Path<i64>, PathRejection>,
) -> Result<Response, ApiError> {
    let account = signed_in(&app, &headers, &viewer, &access::LIST_REVISIONS).await?;
    let revisions = Newsroom::new(&app, &account).revisions(id(path)?).await?;
    Ok(Json(Revisions::from(revisions)).into_response())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = RestoreRevision)]
pub(crate) struct RestoreBody {
    /// The edition's current revision, as the client last saw it.
    revision: i64,
}

#[utoipa::path(
    post,
    path = "/editions/{id}/revisions/{revision}/restore",
    operation_id = "restoreRevision",
    tag = "newsroom",
    summary = "Saves an old revision's content as the newest revision",
    params(
        ("id" = i64, Path, description = "the edition"),
        ("revision" = i64, Path, description = "the revision to restore"),
    ),
    request_body = RestoreBody,
    responses(
        (status = 200, description = "The edition, at its new revision", body = Edition),
        (status = 400, description = "bad_request_body: not JSON of the documented shape, or an unknown field", body = crate::api::wire::ErrorBody),
        crate::api::wire::NewsroomErrors,
        (status = 409, description = "edit_conflict", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn restore_revision(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    path: Result<Path<(i64, i64)>, PathRejection>,
    json: Result<Json<RestoreBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let account = signed_in(&app, &headers, &viewer, &access::RESTORE_REVISION).await?;
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
    Ok(Json(Edition::from(edition)).into_response())
}

#[utoipa::path(
    get,
    path = "/sections",
    operation_id = "listSections",
    tag = "newsroom",
    summary = "Sections in menu order with their names in every language (anyone: they are the site's navigation)",
    responses(
        (status = 200, description = "The sections", body = Sections),
    )
)]
pub(crate) async fn list_sections(State(app): AppState) -> Result<Response, ApiError> {
    let sections = app.store.section_records().await?;
    Ok(Json(Sections {
        sections: sections.into_iter().map(Section::from).collect(),
    })
    .into_response())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewSection)]
pub(crate) struct NewSectionBody {
    slug: String,
    /// Names by language code.
    names: BTreeMap<String, String>,
}

#[utoipa::path(
    post,
    path = "/sections",
    operation_id = "createSection",
    tag = "newsroom",
    summary = "A new section, named per language (editors, admins)",
    request_body = NewSectionBody,
    responses(
        (status = 201, description = "The section", body = Section),
        (status = 400, description = "bad_request_body: not JSON of the documented shape, or an unknown field", body = crate::api::wire::ErrorBody),
        crate::api::wire::NewsroomErrors,
        (status = 409, description = "already_taken", body = crate::api::wire::ErrorBody),
        (status = 422, description = "invalid_slug, required, unknown_language", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn create_section(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<NewSectionBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let account = signed_in(&app, &headers, &viewer, &access::CREATE_SECTION).await?;
    let section = body(json)?;
    let slug = Slug::parse(&section.slug)?;
    let names = section_names(section.names)?;
    let id = Newsroom::new(&app, &account)
        .create_section(&slug, &names)
        .await?;
    let created = section_record(&app, id).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

/// A body's names by language code; blank ones are left out.
fn section_names(names: BTreeMap<String, String>) -> Result<Vec<Named>, ApiError> {
    let mut named = Vec::new();
    for (code, name) in names {
        let name = name.trim().to_owned();
        if name.is_empty() {
            continue;
        }
        named.push(Named {
            lang: lang(&code)?,
            name,
        });
    }
    Ok(named)
}

/// Section `id` as listSections shows it.
async fn section_record(app: &App, id: i64) -> Result<Section, ApiError> {
    app.store
        .section_records()
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .map(Section::from)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such section"))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = SectionRename)]
pub(crate) struct SectionRenameBody {
    /// Names by language code; they replace all the section's names, so a
    /// language left out loses its name.
    names: BTreeMap<String, String>,
    /// Place in the menu (lower first); unchanged when absent.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1_000_000)]
    position: Option<i64>,
}

#[utoipa::path(
    patch,
    path = "/sections/{id}",
    operation_id = "updateSection",
    tag = "newsroom",
    summary = "Renames a section (and may move it in the menu); its slug stays (editors, admins)",
    params(
        ("id" = i64, Path, description = "the section"),
    ),
    request_body = SectionRenameBody,
    responses(
        (status = 200, description = "The section", body = Section),
        (status = 400, description = "bad_request_body: not JSON of the documented shape, or an unknown field", body = crate::api::wire::ErrorBody),
        crate::api::wire::NewsroomErrors,
        (status = 422, description = "required, invalid_lang, too_long, control_character, out_of_range", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn update_section(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    path: Result<Path<i64>, PathRejection>,
    json: Result<Json<SectionRenameBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let account = signed_in(&app, &headers, &viewer, &access::UPDATE_SECTION).await?;
    let section_id = id(path)?;
    let change = body(json)?;
    let names = section_names(change.names)?;
    Newsroom::new(&app, &account)
        .rename_section(section_id, &names, change.position)
        .await?;
    Ok(Json(section_record(&app, section_id).await?).into_response())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = RoleChange)]
pub(crate) struct RoleBody {
    #[schema(value_type = crate::api::wire::sets::RoleName)]
    role: String,
}

#[utoipa::path(
    put,
    path = "/users/{username}/role",
    operation_id = "updateUserRole",
    tag = "newsroom",
    summary = "Gives another account a role: reader, moderator, author, editor or admin (admins)",
    params(
        ("username" = String, Path),
    ),
    request_body = RoleBody,
    responses(
        (status = 200, description = "username and role", body = RoleChanged),
        (status = 400, description = "bad_request_body: not JSON of the documented shape, or an unknown field", body = crate::api::wire::ErrorBody),
        crate::api::wire::NewsroomErrors,
        (status = 422, description = "unknown_role", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn update_user_role(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    path: Result<Path<String>, PathRejection>,
    json: Result<Json<RoleBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let account = signed_in(&app, &headers, &viewer, &access::UPDATE_USER_ROLE).await?;
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
    Ok(Json(RoleChanged {
        username: name,
        role: role.as_str().to_owned(),
    })
    .into_response())
}

/// uploadMedia: `multipart/form-data` with the image in `file` and, per
/// language, `alt_{lang}` and `caption_{lang}`.
#[utoipa::path(
    post,
    path = "/media",
    operation_id = "uploadMedia",
    tag = "newsroom",
    summary = "An image for the media library (authors, editors, admins): JPEG, PNG or WebP by its bytes, at most 10 MiB and 10,000 pixels a side; turned upright by its EXIF orientation and re-encoded without metadata; WebP variants 480, 960 and 1600 pixels wide where narrower than the image",
    request_body(content = crate::api::wire::newsroom::MediaUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "The image, its variants and texts", body = Media),
        (status = 400, description = "bad_request_body: not multipart/form-data", body = crate::api::wire::ErrorBody),
        crate::api::wire::NewsroomErrors,
        (status = 413, description = "file_too_large", body = crate::api::wire::ErrorBody),
        (status = 415, description = "unsupported_type", body = crate::api::wire::ErrorBody),
        (status = 422, description = "unreadable_image, image_too_large, required, unknown_language", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn upload_media(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, ApiError> {
    let account = signed_in(&app, &headers, &viewer, &access::UPLOAD_MEDIA).await?;
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
    Ok((StatusCode::CREATED, Json(Media::from(record))).into_response())
}

/// getSiteSettings: the settings in force, what admins changed over the
/// configuration file, and the file's own values.
#[utoipa::path(
    get,
    path = "/site/settings",
    operation_id = "getSiteSettings",
    tag = "newsroom",
    summary = "The site settings in force, what admins changed over the configuration file, and the file's values (any signed-in account: languages and comment limits are what a reader's client needs)",
    responses(
        (status = 200, description = "settings, overrides and file", body = SiteSettingsAnswer),
    )
)]
pub(crate) async fn get_site_settings(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
) -> Result<Response, ApiError> {
    signed_in(&app, &headers, &viewer, &access::GET_SITE_SETTINGS).await?;
    Ok(Json(SiteSettingsAnswer {
        settings: SiteFields::from(&*app.site()),
        overrides: app.store.site_overrides().await?.into(),
        file: SiteFields::from(app.settings.file()),
    })
    .into_response())
}

/// updateSiteSettings: replaces what admins changed (absent keys: the
/// file's value again).
#[utoipa::path(
    put,
    path = "/site/settings",
    operation_id = "updateSiteSettings",
    tag = "newsroom",
    summary = "Replaces what admins changed over the configuration file; a key left out takes the file's value again. Every node applies it from the events log (admins)",
    request_body = Overrides,
    responses(
        (status = 200, description = "settings and overrides", body = SiteSettingsUpdated),
        (status = 400, description = "bad_request_body: not JSON of the documented shape, or an unknown field", body = crate::api::wire::ErrorBody),
        crate::api::wire::NewsroomErrors,
        (status = 422, description = "unknown_time_zone, unknown_language, invalid_site_name, out_of_range", body = crate::api::wire::ErrorBody),
    )
)]
pub(crate) async fn update_site_settings(
    State(app): AppState,
    headers: HeaderMap,
    viewer: Viewer,
    json: Result<Json<Overrides>, JsonRejection>,
) -> Result<Response, ApiError> {
    let account = signed_in(&app, &headers, &viewer, &access::UPDATE_SITE_SETTINGS).await?;
    let overrides = khabar_core::SiteOverrides::from(body(json)?);
    Newsroom::new(&app, &account)
        .update_site_settings(&overrides)
        .await?;
    Ok(Json(SiteSettingsUpdated {
        settings: SiteFields::from(&*app.site()),
        overrides: overrides.into(),
    })
    .into_response())
}
