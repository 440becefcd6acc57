//! The OpenAPI 3.1 document of `/api/v1`, derived by utoipa from the
//! handlers' `#[utoipa::path]` annotations and the wire types in `wire/`
//! (the same types serde reads and writes). A test checks that every
//! operation in it is routed, a snapshot keeps its shape, and another
//! validates real traffic against it.

use axum::Json;
use khabar_core::{Role, Scope};
use serde_json::Value;
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{AdditionalProperties, Schema};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::access::{self, Access};
use super::{
    auth, comments, embed, front, moderation, newsroom, pages, search, site_icon, stories, users,
    webhooks,
};

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
            An operation's `bearer` security names the scope it needs; a session holds every \
            scope its account's role allows, a token the scopes it was granted that the role \
            still allows, so both are refused alike (403). \
            Errors are JSON: {\"error\": {\"code\", \"message\", \"field\"?}} with a stable code."
    ),
    servers((url = "/api/v1")),
    modifiers(&SecuritySchemes, &FromAccessTable, &ClosedVariants),
    tags(
        (name = "accounts", description = "Sign-up, sign-in, sessions, tokens and one's own data"),
        (name = "comments", description = "Threads, replies, reactions, reports and notifications"),
        (name = "moderation", description = "Queues, decisions, readers' records, the audit log, word lists and settings"),
        (name = "newsroom", description = "Stories, editions, revisions, sections, media, roles and site settings"),
        (name = "search", description = "Published stories for anyone; comments for moderators"),
        (name = "webhooks", description = "Endpoints told of the site's events, signed per Standard Webhooks, and their deliveries"),
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
        newsroom::update_section,
        newsroom::get_site_settings,
        newsroom::update_site_settings,
        site_icon::update_site_icon,
        site_icon::remove_site_icon,
        front::get_front_page,
        front::update_front_page,
        pages::list_pages,
        pages::get_page,
        pages::update_page,
        webhooks::list,
        webhooks::create,
        webhooks::update,
        webhooks::delete,
        webhooks::deliveries,
        webhooks::redeliver,
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
        embed::counts,
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

/// Each operation's `security` from the access table (the same entry its
/// handler checks), and the error answers every operation of its kind can
/// give, so that no handler writes them by hand: 401 and 403 from the
/// table, 400, 413 and 422 for a request body, 404 for a path parameter, 422
/// for query parameters. A handler's own description of a status is kept
/// (for 403, after the table's reasons).
struct FromAccessTable;

impl Modify for FromAccessTable {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                let entry = operation
                    .operation_id
                    .as_deref()
                    .and_then(access::operation);
                // The access table's own test names any operation missing.
                if let Some(entry) = entry {
                    declare(operation, entry);
                }
            }
        }
    }
}

fn declare(operation: &mut Operation, entry: &access::Operation) {
    let bearer = match entry.access {
        Access::Public => None,
        access => Some(
            access
                .scope()
                .map(Scope::as_str)
                .into_iter()
                .collect::<Vec<_>>(),
        ),
    };
    operation.security = bearer.map(|scopes| {
        vec![
            SecurityRequirement::new("session", Vec::<&str>::new()),
            SecurityRequirement::new("bearer", scopes),
        ]
    });
    // Who may call it, which `security` cannot say.
    if !matches!(entry.access, Access::Public) {
        let roles: Vec<&str> = access::ROLES
            .into_iter()
            .filter(|role| entry.access.admits(*role))
            .map(Role::as_str)
            .collect();
        operation
            .extensions
            .get_or_insert_with(Default::default)
            .merge(ExtensionsBuilder::new().add("x-roles", roles).build());
    }
    if operation.security.is_some() {
        answer(
            operation,
            "401",
            "not_signed_in: no session or token; invalid_token: an unknown or revoked token",
        );
        let mut gate = Vec::new();
        if entry.access.scope().is_some() {
            gate.push("insufficient_scope: the token lacks the scope");
        }
        if !access::ROLES
            .into_iter()
            .all(|role| entry.access.admits(role))
        {
            gate.push(
                "forbidden: the account's role does not allow it (a session holds every scope its role allows)",
            );
        }
        if entry.changes {
            gate.push("csrf_failed: a session without its X-CSRF-Token, or from another site");
        }
        if let Some(RefOr::T(own)) = operation.responses.responses.get("403") {
            gate.push(&own.description);
        }
        let forbidden = gate.join("; ");
        operation.responses.responses.remove("403");
        if !forbidden.is_empty() {
            answer(operation, "403", &forbidden);
        }
    }
    if operation.request_body.is_some() {
        answer(
            operation,
            "400",
            "bad_request_body: not of the documented shape, or an unknown field",
        );
        answer(operation, "413", "body_too_large");
        answer(operation, "422", "A field breaks a rule; `field` names it");
    }
    let parameters = operation.parameters.as_deref().unwrap_or_default();
    let has = |place: ParameterIn| parameters.iter().any(|p| p.parameter_in == place);
    let (path, query) = (has(ParameterIn::Path), has(ParameterIn::Query));
    if path {
        answer(operation, "404", "not_found: no such item");
    }
    if query {
        answer(
            operation,
            "422",
            "A query parameter is out of range; `field` names it",
        );
    }
}

/// Documents `status` as an error answer, unless the handler already does.
fn answer(operation: &mut Operation, status: &str, description: &str) {
    if operation.responses.responses.contains_key(status) {
        return;
    }
    let error = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("Error")))
        .build();
    operation.responses.responses.insert(
        status.to_owned(),
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content("application/json", error)
                .build(),
        ),
    );
}

/// utoipa leaves the variants of a tagged enum open even when serde denies
/// unknown fields; these are closed as the server reads them. (The comment
/// decisions stay open: the bulk form flattens them beside `comment_ids`,
/// which a closed variant would refuse.)
struct ClosedVariants;

impl Modify for ClosedVariants {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        if let Some(RefOr::T(Schema::OneOf(one_of))) = components.schemas.get_mut("UserAction") {
            for variant in &mut one_of.items {
                if let RefOr::T(Schema::Object(object)) = variant {
                    object.additional_properties =
                        Some(Box::new(AdditionalProperties::FreeForm(false)));
                }
            }
        }
    }
}
