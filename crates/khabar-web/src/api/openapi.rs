//! The OpenAPI 3.1 document of `/api/v1`, derived by utoipa from the
//! handlers' `#[utoipa::path]` annotations and the wire types in `wire/`
//! (the same types serde reads and writes). A test checks that every
//! operation in it is routed, a snapshot keeps its shape, and another
//! validates real traffic against it.

use axum::Json;
use serde_json::Value;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{auth, comments, moderation, newsroom, search, stories, users};

pub(super) async fn serve() -> Json<Value> {
    Json(document())
}

/// The document as JSON.
pub fn document() -> Value {
    serde_json::to_value(ApiDoc::openapi()).unwrap_or(Value::Null)
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "khabar API",
        description = "Everything a reader, moderator or editor does in the browser. \
            Authenticate with the session cookie (state changes then need the session's \
            X-CSRF-Token header) or with a personal access token (Authorization: Bearer). \
            Errors are JSON: {\"error\": {\"code\", \"message\", \"field\"?}} with a stable code."
    ),
    servers((url = "/api/v1")),
    modifiers(&SecuritySchemes),
    tags(
        (name = "accounts", description = "Sign-up, sign-in, sessions, tokens and one's own data"),
        (name = "comments", description = "Threads, replies, reactions, reports and notifications"),
        (name = "moderation", description = "Queues, decisions, readers' records, the audit log, word lists and settings"),
        (name = "newsroom", description = "Stories, editions, revisions, sections, media, roles and site settings"),
        (name = "search", description = "Published stories for anyone; comments for moderators"),
    ),
    paths(
        auth::sign_up,
        auth::sign_in,
        auth::sign_out,
        auth::verify_email,
        auth::request_password_reset,
        auth::reset_password,
        auth::current_user,
        auth::delete_my_account,
        auth::export_my_data,
        auth::create_token,
        users::list,
        stories::list,
        newsroom::create_story,
        newsroom::get_story,
        newsroom::update_story,
        newsroom::create_edition,
        newsroom::update_edition,
        newsroom::publish_edition,
        newsroom::unpublish_edition,
        newsroom::list_revisions,
        newsroom::restore_revision,
        newsroom::upload_media,
        newsroom::list_sections,
        newsroom::create_section,
        newsroom::get_site_settings,
        newsroom::update_site_settings,
        newsroom::update_user_role,
        comments::list,
        comments::create,
        comments::stream,
        comments::get,
        comments::edit,
        comments::delete,
        comments::react,
        comments::report,
        comments::notifications,
        comments::mark_read,
        comments::profile,
        search::articles,
        search::comments,
        moderation::list_queue,
        moderation::moderate_comments,
        moderation::moderate_comment,
        moderation::reader_history,
        moderation::moderate_user,
        moderation::undo,
        moderation::list_audit_log,
        moderation::list_word_lists,
        moderation::update_word_list,
        moderation::get_settings,
        moderation::update_settings,
    )
)]
struct ApiDoc;

/// The two ways to authenticate: the session cookie and a bearer token.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::http::session::SESSION_COOKIE,
            ))),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A personal access token (khp_…)"))
                    .build(),
            ),
        );
    }
}
