//! The OpenAPI 3.1 document of `/api/v1`. Written out here, next to the
//! routes it describes; a test checks that every operation in it is routed
//! and a snapshot keeps its shape.

use axum::Json;
use serde_json::{Value, json};

pub async fn serve() -> Json<Value> {
    Json(document())
}

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
    })
}

fn json_body(schema: &str) -> Value {
    json!({
        "required": true,
        "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } }
    })
}

fn json_response(description: &str, schema: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } }
    })
}

pub fn document() -> Value {
    let mut document = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "khabar API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Everything a reader, moderator or editor does in the browser. \
                Authenticate with the session cookie (state changes then need the session's \
                X-CSRF-Token header) or with a personal access token (Authorization: Bearer). \
                Errors are JSON: {\"error\": {\"code\", \"message\", \"field\"?}} with a stable code."
        },
        "servers": [{ "url": "/api/v1" }],
        "components": {
            "securitySchemes": {
                "session": { "type": "apiKey", "in": "cookie", "name": "khabar_session" },
                "bearer": { "type": "http", "scheme": "bearer", "description": "A personal access token (khp_…)" }
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": { "error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {
                            "code": { "type": "string", "examples": ["username_taken", "csrf_failed"] },
                            "message": { "type": "string" },
                            "field": { "type": "string" }
                        }
                    }}
                },
                "User": {
                    "type": "object",
                    "required": ["id", "username", "display_name", "email", "role", "lang", "email_verified", "created_at"],
                    "properties": {
                        "id": { "type": "integer" },
                        "username": { "type": "string" },
                        "display_name": { "type": "string" },
                        "email": { "type": "string" },
                        "role": { "enum": ["reader", "moderator", "author", "editor", "admin"] },
                        "lang": { "type": "string", "examples": ["ar", "en"] },
                        "email_verified": { "type": "boolean" },
                        "created_at": { "type": "string", "format": "date-time" }
                    }
                },
                "SignUp": {
                    "type": "object",
                    "required": ["username", "email", "password"],
                    "properties": {
                        "username": { "type": "string", "minLength": 3, "maxLength": 32 },
                        "display_name": { "type": "string", "maxLength": 60 },
                        "email": { "type": "string", "format": "email" },
                        "password": { "type": "string", "minLength": 10, "maxLength": 256 },
                        "lang": { "type": "string" }
                    }
                },
                "SignIn": {
                    "type": "object",
                    "required": ["login", "password"],
                    "properties": {
                        "login": { "type": "string", "description": "username or email address" },
                        "password": { "type": "string" }
                    }
                },
                "Session": {
                    "type": "object",
                    "required": ["user", "csrf_token"],
                    "properties": {
                        "user": { "$ref": "#/components/schemas/User" },
                        "csrf_token": { "type": "string", "description": "send as X-CSRF-Token on state changes" }
                    }
                },
                "CurrentUser": {
                    "type": "object",
                    "required": ["user", "auth", "scopes"],
                    "properties": {
                        "user": { "$ref": "#/components/schemas/User" },
                        "auth": { "enum": ["session", "token"] },
                        "scopes": { "type": "array", "items": { "$ref": "#/components/schemas/Scope" } }
                    }
                },
                "Scope": { "enum": ["read", "comment", "moderate", "edit", "admin"] },
                "NewComment": {
                    "type": "object",
                    "required": ["body"],
                    "properties": { "body": { "type": "string", "maxLength": 5000 }, "parent_id": { "type": "integer" } }
                },
                "CommentEdit": { "type": "object", "required": ["body"], "properties": { "body": { "type": "string" } } },
                "Reaction": { "type": "object", "required": ["like"], "properties": { "like": { "type": "boolean" } } },
                "Report": {
                    "type": "object",
                    "required": ["reason"],
                    "properties": { "reason": { "enum": ["offensive", "abusive", "spam", "other"] }, "note": { "type": "string", "maxLength": 1000 } }
                },
                "LinkToken": { "type": "object", "required": ["token"], "properties": { "token": { "type": "string" } } },
                "EmailAddress": { "type": "object", "required": ["email"], "properties": { "email": { "type": "string", "format": "email" } } },
                "Password": { "type": "object", "required": ["password"], "properties": { "password": { "type": "string" } } },
                "PasswordReset": {
                    "type": "object",
                    "required": ["token", "password"],
                    "properties": { "token": { "type": "string" }, "password": { "type": "string", "minLength": 10 } }
                },
                "TokenRequest": {
                    "type": "object",
                    "required": ["login", "password", "scopes"],
                    "properties": {
                        "login": { "type": "string" },
                        "password": { "type": "string" },
                        "name": { "type": "string", "maxLength": 100 },
                        "scopes": { "type": "array", "items": { "$ref": "#/components/schemas/Scope" }, "minItems": 1 }
                    }
                },
                "AccessToken": {
                    "type": "object",
                    "required": ["id", "name", "token", "scopes"],
                    "properties": {
                        "id": { "type": "integer" },
                        "name": { "type": "string" },
                        "token": { "type": "string", "description": "shown once; stored only as a hash" },
                        "scopes": { "type": "array", "items": { "$ref": "#/components/schemas/Scope" } }
                    }
                },
                "UserPage": {
                    "type": "object",
                    "required": ["items", "page", "has_more"],
                    "properties": {
                        "items": { "type": "array", "items": { "type": "object", "properties": {
                            "id": { "type": "integer" }, "username": { "type": "string" },
                            "display_name": { "type": "string" }, "role": { "type": "string" },
                            "created_at": { "type": "string", "format": "date-time" }
                        }}},
                        "page": { "type": "integer" },
                        "has_more": { "type": "boolean" }
                    }
                }
            }
        },
        "paths": {
            "/auth/signup": { "post": {
                "operationId": "signUp",
                "summary": "Create a reader account and sign in",
                "requestBody": json_body("SignUp"),
                "responses": {
                    "201": json_response("Signed up and in; sets the session cookie", "Session"),
                    "409": error_response("username_taken or email_taken"),
                    "422": error_response("A field breaks a rule; `field` names it"),
                    "429": error_response("Too many sign-ups from this address")
                }
            }},
            "/auth/signin": { "post": {
                "operationId": "signIn",
                "summary": "Sign in with a username or email and a password",
                "requestBody": json_body("SignIn"),
                "responses": {
                    "200": json_response("Signed in; sets the session cookie", "Session"),
                    "401": error_response("wrong_credentials, the same whether the account exists or not"),
                    "429": error_response("Too many attempts; see Retry-After")
                }
            }},
            "/auth/signout": { "post": {
                "operationId": "signOut",
                "summary": "End the calling session, or revoke the calling token",
                "security": [{ "session": [] }, { "bearer": [] }],
                "responses": {
                    "204": { "description": "Signed out" },
                    "401": error_response("Not signed in"),
                    "403": error_response("csrf_failed")
                }
            }},
            "/auth/verify-email": { "post": {
                "operationId": "verifyEmail",
                "summary": "Use the link sent to confirm an email address",
                "requestBody": json_body("LinkToken"),
                "responses": {
                    "204": { "description": "The address is confirmed" },
                    "410": error_response("link_invalid: expired, used or unknown")
                }
            }},
            "/auth/password-reset": { "post": {
                "operationId": "requestPasswordReset",
                "summary": "Send a password-reset link, if an account uses the address",
                "requestBody": json_body("EmailAddress"),
                "responses": {
                    "202": { "description": "Accepted; the same whether the account exists or not" },
                    "422": error_response("invalid_email"),
                    "429": error_response("Too many requests for this address or client")
                }
            }},
            "/auth/password-reset/confirm": { "post": {
                "operationId": "resetPassword",
                "summary": "Choose a new password with a reset link; every session ends",
                "requestBody": json_body("PasswordReset"),
                "responses": {
                    "204": { "description": "Password changed" },
                    "410": error_response("link_invalid"),
                    "422": error_response("The new password breaks a rule")
                }
            }},
            "/me": {
                "get": {
                    "operationId": "getCurrentUser",
                    "summary": "The signed-in account",
                    "security": [{ "session": [] }, { "bearer": ["read"] }],
                    "responses": {
                        "200": json_response("The account and how the call was authenticated", "CurrentUser"),
                        "401": error_response("Not signed in, or an unknown token")
                    }
                },
                "delete": {
                    "operationId": "deleteMyAccount",
                    "summary": "Delete the account (password required); comments stay as a deleted account's",
                    "security": [{ "session": [] }, { "bearer": ["admin"] }],
                    "requestBody": json_body("Password"),
                    "responses": {
                        "204": { "description": "Deleted" },
                        "401": error_response("Not signed in"),
                        "403": error_response("wrong_password, csrf_failed or insufficient_scope")
                    }
                }
            },
            "/me/export": { "get": {
                "operationId": "exportMyData",
                "summary": "Everything kept about the account, as JSON",
                "security": [{ "session": [] }, { "bearer": ["read"] }],
                "responses": {
                    "200": { "description": "The account, its sessions and tokens (never secrets)",
                             "content": { "application/json": { "schema": { "type": "object" } } } },
                    "401": error_response("Not signed in")
                }
            }},
            "/tokens": { "post": {
                "operationId": "createAccessToken",
                "summary": "Username and password in, bearer token out",
                "requestBody": json_body("TokenRequest"),
                "responses": {
                    "201": json_response("The new token, shown this once", "AccessToken"),
                    "401": error_response("wrong_credentials"),
                    "422": error_response("unknown_scope or scope_not_allowed for the account's role"),
                    "429": error_response("Too many attempts")
                }
            }},
            "/editions/{id}/comments": {
                "get": {
                    "operationId": "listComments",
                    "summary": "A page of an edition's thread: top-level comments with all their replies",
                    "parameters": [
                        { "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } },
                        { "name": "sort", "in": "query", "schema": { "enum": ["oldest", "newest", "liked"] } },
                        { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1 } }
                    ],
                    "responses": {
                        "200": { "description": "Comments, each with body (Markdown) and html", "content": { "application/json": { "schema": { "type": "object" } } } },
                        "404": error_response("No such published edition")
                    }
                },
                "post": {
                    "operationId": "createComment",
                    "summary": "Comment on an edition, or reply with parent_id",
                    "security": [{ "session": [] }, { "bearer": ["comment"] }],
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } }],
                    "requestBody": json_body("NewComment"),
                    "responses": {
                        "201": { "description": "The comment; held_for_moderation when the thread is pre-moderated", "content": { "application/json": { "schema": { "type": "object" } } } },
                        "409": error_response("comments_closed"),
                        "422": error_response("comment_empty, comment_too_long"),
                        "429": error_response("Posting too fast")
                    }
                }
            },
            "/editions/{id}/comments/stream": { "get": {
                "operationId": "streamComments",
                "summary": "Server-sent events of the thread; reconnect with Last-Event-ID to catch up",
                "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } }],
                "responses": { "200": { "description": "text/event-stream", "content": { "text/event-stream": { "schema": { "type": "string" } } } } }
            }},
            "/comments/{id}": {
                "get": {
                    "operationId": "getComment",
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } }],
                    "responses": {
                        "200": { "description": "The comment", "content": { "application/json": { "schema": { "type": "object" } } } },
                        "404": error_response("No such comment")
                    }
                },
                "patch": {
                    "operationId": "editComment",
                    "summary": "Edit one's own comment within the edit window",
                    "security": [{ "session": [] }, { "bearer": ["comment"] }],
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } }],
                    "requestBody": json_body("CommentEdit"),
                    "responses": {
                        "200": { "description": "The edited comment", "content": { "application/json": { "schema": { "type": "object" } } } },
                        "422": error_response("not_your_comment, edit_window_closed")
                    }
                },
                "delete": {
                    "operationId": "deleteComment",
                    "summary": "Delete one's own comment; a placeholder keeps the replies in place",
                    "security": [{ "session": [] }, { "bearer": ["comment"] }],
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } }],
                    "responses": { "204": { "description": "Deleted" }, "422": error_response("not_your_comment") }
                }
            },
            "/comments/{id}/reaction": { "put": {
                "operationId": "reactToComment",
                "summary": "Like (or take back the like of) a comment; once per reader",
                "security": [{ "session": [] }, { "bearer": ["comment"] }],
                "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } }],
                "requestBody": json_body("Reaction"),
                "responses": { "200": { "description": "The new like count", "content": { "application/json": { "schema": { "type": "object" } } } } }
            }},
            "/comments/{id}/reports": { "post": {
                "operationId": "reportComment",
                "security": [{ "session": [] }, { "bearer": ["comment"] }],
                "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } }],
                "requestBody": json_body("Report"),
                "responses": { "201": { "description": "Reported" }, "409": error_response("already_reported"), "422": error_response("unknown_reason") }
            }},
            "/notifications": { "get": {
                "operationId": "listNotifications",
                "security": [{ "session": [] }, { "bearer": ["read"] }],
                "responses": { "200": { "description": "Newest notifications and the unread count", "content": { "application/json": { "schema": { "type": "object" } } } } }
            }},
            "/notifications/read": { "post": {
                "operationId": "markNotificationsRead",
                "security": [{ "session": [] }, { "bearer": ["read"] }],
                "responses": { "204": { "description": "All read" } }
            }},
            "/users/{username}": { "get": {
                "operationId": "getUserProfile",
                "parameters": [
                    { "name": "username", "in": "path", "required": true, "schema": { "type": "string" } },
                    { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1 } }
                ],
                "responses": {
                    "200": { "description": "Display name, join date and visible comments", "content": { "application/json": { "schema": { "type": "object" } } } },
                    "404": error_response("No such reader")
                }
            }},
            "/stories": { "get": {
                "operationId": "listStories",
                "summary": "Editions in every status, most recently changed first, with their story's translation status (authors, editors, admins)",
                "security": [{ "session": [] }, { "bearer": ["edit"] }],
                "parameters": [
                    { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1 } },
                    { "name": "status", "in": "query", "schema": { "enum": ["draft", "scheduled", "published", "unpublished"] } },
                    { "name": "lang", "in": "query", "schema": { "type": "string" } },
                    { "name": "section", "in": "query", "schema": { "type": "integer" }, "description": "section id" },
                    { "name": "author", "in": "query", "schema": { "type": "integer" }, "description": "author id" },
                    { "name": "q", "in": "query", "schema": { "type": "string", "maxLength": 200 }, "description": "words in the headline" }
                ],
                "responses": {
                    "200": { "description": "items (edition fields, section_id, story_languages: the languages the story has; behind: [{lang, revisions}] for each other edition that saved revisions since this one's text last changed), page, has_more", "content": { "application/json": { "schema": { "type": "object" } } } },
                    "422": error_response("invalid_status, invalid_id, query_too_long, invalid_lang"),
                    "401": error_response("Not signed in"),
                    "403": error_response("forbidden (role) or insufficient_scope (token)")
                }
            }},
            "/users": { "get": {
                "operationId": "listUsers",
                "summary": "Users, 50 a page (admins only)",
                "security": [{ "session": [] }, { "bearer": ["admin"] }],
                "parameters": [{ "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1 } }],
                "responses": {
                    "200": json_response("A page of users", "UserPage"),
                    "401": error_response("Not signed in"),
                    "403": error_response("forbidden (role) or insufficient_scope (token)")
                }
            }}
        }
    });
    extend(&mut document["components"]["schemas"], moderation_schemas());
    extend(&mut document["paths"], moderation_paths());
    extend(&mut document["components"]["schemas"], newsroom_schemas());
    document["paths"]["/stories"]["post"] = create_story_operation();
    extend(&mut document["paths"], newsroom_paths());
    document
}

fn newsroom_schemas() -> Value {
    json!({
        "EditionFields": {
            "type": "object",
            "required": ["headline"],
            "properties": {
                "slug": { "type": "string", "description": "made from the headline when absent; Arabic slugs stay Arabic" },
                "headline": { "type": "string" },
                "standfirst": { "type": "string" },
                "body": { "type": "string", "description": "Markdown" },
                "dateline": { "type": "string" },
                "hero_caption": { "type": "string" },
                "hero_credit": { "type": "string" },
                "comment_mode": { "enum": ["open", "closed", "pre_moderated"] }
            }
        },
        "NewStory": {
            "type": "object",
            "required": ["lang", "edition"],
            "properties": {
                "lang": { "type": "string" },
                "section_id": { "type": "integer" },
                "tag_ids": { "type": "array", "items": { "type": "integer" } },
                "hero_image": { "type": "string" },
                "author_ids": { "type": "array", "items": { "type": "integer" }, "description": "the byline; empty: the caller's own author profiles" },
                "edition": { "$ref": "#/components/schemas/EditionFields" }
            }
        },
        "NewEdition": {
            "type": "object",
            "required": ["lang", "edition"],
            "properties": {
                "lang": { "type": "string" },
                "author_ids": { "type": "array", "items": { "type": "integer" } },
                "edition": { "$ref": "#/components/schemas/EditionFields" }
            }
        },
        "EditionUpdate": {
            "type": "object",
            "required": ["revision", "edition"],
            "properties": {
                "revision": { "type": "integer", "description": "the revision the client started from; a stale one is refused with edit_conflict" },
                "author_ids": { "type": "array", "items": { "type": "integer" } },
                "edition": { "$ref": "#/components/schemas/EditionFields" }
            }
        },
        "EditionDraft": {
            "type": "object",
            "description": "An edition in any status: id, story_id, lang, slug, headline, standfirst, body, dateline, hero_caption, hero_credit, comment_mode, status (draft, scheduled, published, unpublished), revision, scheduled_at, published_at, updated_at, author_ids"
        },
        "Story": {
            "type": "object",
            "properties": {
                "id": { "type": "integer" },
                "section_id": { "type": ["integer", "null"] },
                "tag_ids": { "type": "array", "items": { "type": "integer" } },
                "hero_image": { "type": ["string", "null"] },
                "editions": { "type": "array", "items": { "$ref": "#/components/schemas/EditionDraft" } }
            }
        },
        "SiteOverrides": {
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "name": { "type": "object", "additionalProperties": { "type": "string" }, "description": "the site's name by language code" },
                "default_language": { "type": "string" },
                "time_zone": { "type": "string", "description": "IANA name, e.g. Asia/Beirut" },
                "comment_edit_minutes": { "type": "integer", "minimum": 0, "maximum": 1440 },
                "comments_close_after_days": { "type": "integer", "minimum": 0, "maximum": 3650, "description": "0: never" },
                "comment_max_chars": { "type": "integer", "minimum": 100, "maximum": 5000 },
                "comment_max_links": { "type": "integer", "minimum": 0, "maximum": 50 },
                "comments_per_minute": { "type": "integer", "minimum": 1, "maximum": 60 },
                "feed_content": { "enum": ["full", "summary"] }
            }
        },
        "Section": {
            "type": "object",
            "properties": {
                "id": { "type": "integer" },
                "slug": { "type": "string" },
                "position": { "type": "integer" },
                "names": { "type": "object", "additionalProperties": { "type": "string" }, "description": "by language code" }
            }
        }
    })
}

/// Errors every newsroom change can answer.
fn newsroom_errors(mut responses: Value) -> Value {
    extend(
        &mut responses,
        json!({
            "401": error_response("Not signed in"),
            "403": error_response("forbidden (role: authors change only their own unpublished editions; editors publish), csrf_failed, insufficient_scope"),
            "404": error_response("not_found"),
        }),
    );
    responses
}

fn create_story_operation() -> Value {
    json!({
        "operationId": "createStory",
        "summary": "A new story with its first edition, as a draft (authors, editors, admins)",
        "security": [{ "session": [] }, { "bearer": ["edit"] }],
        "requestBody": json_body("NewStory"),
        "responses": newsroom_errors(json!({
            "201": json_response("The story", "Story"),
            "409": error_response("already_taken (slug)"),
            "422": error_response("required, too_long, invalid_slug, unknown_language, unknown_reference")
        }))
    })
}

fn newsroom_paths() -> Value {
    let id =
        json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } });
    let edit = json!([{ "session": [] }, { "bearer": ["edit"] }]);
    json!({
        "/stories/{id}": {
            "get": {
                "operationId": "getStory",
                "summary": "A story with every edition in full (authors, editors, admins)",
                "security": edit, "parameters": [id],
                "responses": newsroom_errors(json!({ "200": json_response("The story", "Story") }))
            },
            "put": {
                "operationId": "updateStory",
                "summary": "Replaces the story's section, tags and hero image (authors while none of their editions of it is published; editors, admins)",
                "security": edit, "parameters": [id],
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                    "type": "object",
                    "properties": {
                        "section_id": { "type": ["integer", "null"] },
                        "tag_ids": { "type": "array", "items": { "type": "integer" } },
                        "hero_image": { "type": ["string", "null"], "description": "a /media/… path or an https:// address" }
                    }
                } } } },
                "responses": newsroom_errors(json!({
                    "200": json_response("The story", "Story"),
                    "422": error_response("invalid_image_location, unknown_reference")
                }))
            }
        },
        "/stories/{id}/editions": { "post": {
            "operationId": "createEdition",
            "summary": "Adds the story's edition in another language, as a draft",
            "security": edit, "parameters": [id],
            "requestBody": json_body("NewEdition"),
            "responses": newsroom_errors(json!({
                "201": json_response("The edition", "EditionDraft"),
                "409": error_response("already_taken (an edition in that language, or the slug)"),
                "422": error_response("invalid fields")
            }))
        }},
        "/editions/{id}": { "put": {
            "operationId": "updateEdition",
            "summary": "Saves an edition over the revision the client started from; a second editor's stale save is refused and changes nothing",
            "security": edit, "parameters": [id],
            "requestBody": json_body("EditionUpdate"),
            "responses": newsroom_errors(json!({
                "200": json_response("The edition, at its new revision", "EditionDraft"),
                "409": error_response("edit_conflict, already_taken (slug)"),
                "422": error_response("invalid fields")
            }))
        }},
        "/editions/{id}/publish": { "post": {
            "operationId": "publishEdition",
            "summary": "Publishes now, or schedules when `at` is in the future (editors, admins)",
            "security": edit, "parameters": [id],
            "requestBody": { "required": false, "content": { "application/json": { "schema": {
                "type": "object", "properties": { "at": { "type": "string", "format": "date-time" } }
            } } } },
            "responses": newsroom_errors(json!({
                "200": json_response("The edition", "EditionDraft"),
                "422": error_response("invalid_time, not_in_future (a schedule time in the past)")
            }))
        }},
        "/editions/{id}/unpublish": { "post": {
            "operationId": "unpublishEdition",
            "summary": "Takes an edition off the site (status unpublished; its address then answers 404) (editors, admins)",
            "security": edit, "parameters": [id],
            "responses": newsroom_errors(json!({ "200": json_response("The edition", "EditionDraft") }))
        }},
        "/editions/{id}/revisions": { "get": {
            "operationId": "listRevisions",
            "summary": "Every saved version of an edition, newest first",
            "security": edit, "parameters": [id],
            "responses": newsroom_errors(json!({ "200": { "description": "revisions: revision, editor_id, saved_at and the content fields", "content": { "application/json": { "schema": { "type": "object" } } } } }))
        }},
        "/editions/{id}/revisions/{revision}/restore": { "post": {
            "operationId": "restoreRevision",
            "summary": "Saves an old revision's content as the newest revision",
            "security": edit,
            "parameters": [id, { "name": "revision", "in": "path", "required": true, "schema": { "type": "integer" } }],
            "requestBody": { "required": true, "content": { "application/json": { "schema": {
                "type": "object", "required": ["revision"],
                "properties": { "revision": { "type": "integer", "description": "the edition's current revision" } }
            } } } },
            "responses": newsroom_errors(json!({
                "200": json_response("The edition, at its new revision", "EditionDraft"),
                "409": error_response("edit_conflict")
            }))
        }},
        "/media": { "post": {
            "operationId": "uploadMedia",
            "summary": "An image for the media library (authors, editors, admins): JPEG, PNG or WebP by its bytes, at most 10 MiB and 10,000 pixels a side; turned upright by its EXIF orientation and re-encoded without metadata; WebP variants 480, 960 and 1600 pixels wide where narrower than the image",
            "security": edit,
            "requestBody": { "required": true, "content": { "multipart/form-data": { "schema": {
                "type": "object", "required": ["file"],
                "properties": {
                    "file": { "type": "string", "format": "binary" },
                    "alt_ar": { "type": "string" }, "caption_ar": { "type": "string" },
                    "alt_en": { "type": "string" }, "caption_en": { "type": "string" }
                },
                "description": "alt_{lang} and caption_{lang} for each language of the site"
            } } } },
            "responses": newsroom_errors(json!({
                "201": { "description": "id, path and variants (under /media/), content_type, width, height, bytes, texts by language", "content": { "application/json": { "schema": { "type": "object" } } } },
                "413": error_response("file_too_large"),
                "415": error_response("unsupported_type"),
                "422": error_response("unreadable_image, image_too_large, required, unknown_language")
            }))
        }},
        "/sections": {
            "get": {
                "operationId": "listSections",
                "summary": "Sections in menu order with their names in every language (authors, editors, admins)",
                "security": edit,
                "responses": newsroom_errors(json!({ "200": { "description": "sections", "content": { "application/json": { "schema": { "type": "object", "properties": { "sections": { "type": "array", "items": { "$ref": "#/components/schemas/Section" } } } } } } } }))
            },
            "post": {
                "operationId": "createSection",
                "summary": "A new section, named per language (editors, admins)",
                "security": edit,
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                    "type": "object", "required": ["slug", "names"],
                    "properties": { "slug": { "type": "string" }, "names": { "type": "object", "additionalProperties": { "type": "string" } } }
                } } } },
                "responses": newsroom_errors(json!({
                    "201": json_response("The section", "Section"),
                    "409": error_response("already_taken"),
                    "422": error_response("invalid_slug, required")
                }))
            }
        },
        "/site/settings": {
            "get": {
                "operationId": "getSiteSettings",
                "summary": "The site settings in force, what admins changed over the configuration file, and the file's values (authors, editors, admins)",
                "security": edit,
                "responses": newsroom_errors(json!({ "200": { "description": "settings, overrides and file", "content": { "application/json": { "schema": { "type": "object", "properties": {
                    "settings": { "type": "object" },
                    "overrides": { "$ref": "#/components/schemas/SiteOverrides" },
                    "file": { "type": "object" }
                } } } } } }))
            },
            "put": {
                "operationId": "updateSiteSettings",
                "summary": "Replaces what admins changed over the configuration file; a key left out takes the file's value again. Every node applies it from the events log (admins)",
                "security": [{ "session": [] }, { "bearer": ["admin"] }],
                "requestBody": json_body("SiteOverrides"),
                "responses": newsroom_errors(json!({
                    "200": { "description": "settings and overrides", "content": { "application/json": { "schema": { "type": "object" } } } },
                    "422": error_response("unknown_time_zone, unknown_language, invalid_site_name, out_of_range")
                }))
            }
        },
        "/users/{username}/role": { "put": {
            "operationId": "updateUserRole",
            "summary": "Gives another account a role: reader, moderator, author, editor or admin (admins)",
            "security": [{ "session": [] }, { "bearer": ["admin"] }],
            "parameters": [{ "name": "username", "in": "path", "required": true, "schema": { "type": "string" } }],
            "requestBody": { "required": true, "content": { "application/json": { "schema": {
                "type": "object", "required": ["role"],
                "properties": { "role": { "enum": ["reader", "moderator", "author", "editor", "admin"] } }
            } } } },
            "responses": newsroom_errors(json!({
                "200": { "description": "username and role", "content": { "application/json": { "schema": { "type": "object" } } } },
                "422": error_response("unknown_role")
            }))
        }}
    })
}

/// Adds `more`'s members to the object `into`.
fn extend(into: &mut Value, more: Value) {
    if let (Some(into), Value::Object(more)) = (into.as_object_mut(), more) {
        into.extend(more);
    }
}

fn moderation_schemas() -> Value {
    json!({
                "CommentAction": {
                    "type": "object",
                    "required": ["action"],
                    "properties": {
                        "action": { "enum": ["approve", "reject", "feature", "unfeature", "redact"] },
                        "reason": { "type": "string", "description": "reject: a reason code moderators filter by" },
                        "message": { "type": "string", "description": "reject: sent to the author" },
                        "note": { "type": "string", "description": "redact: shown in place of the body" }
                    }
                },
                "BulkCommentAction": {
                    "allOf": [{ "$ref": "#/components/schemas/CommentAction" }],
                    "required": ["comment_ids"],
                    "properties": { "comment_ids": { "type": "array", "items": { "type": "integer" }, "minItems": 1, "maxItems": 500 } }
                },
                "UserAction": {
                    "type": "object",
                    "required": ["action"],
                    "properties": {
                        "action": { "enum": ["warn", "suspend", "unsuspend", "ban", "unban", "shadow_ban", "unshadow",
                            "pre_moderate", "stop_pre_moderating", "note", "limit_sections"] },
                        "message": { "type": "string", "description": "warn: what the reader must acknowledge" },
                        "hours": { "type": "integer", "minimum": 1, "maximum": 8784, "description": "suspend" },
                        "reject_comments": { "type": "boolean", "description": "ban: also reject their published and held comments" },
                        "body": { "type": "string", "description": "note" },
                        "section_ids": { "type": "array", "items": { "type": "integer" }, "description": "limit_sections (admins): empty for all" }
                    }
                },
                "Decision": {
                    "type": "object",
                    "required": ["comment_id", "action", "decision_id"],
                    "properties": {
                        "comment_id": { "type": "integer" }, "action": { "type": "string" },
                        "decision_id": { "type": "integer", "description": "undoes it with undoModerationDecisions for a few minutes" }
                    }
                },
                "BulkDecision": {
                    "type": "object",
                    "required": ["action", "done", "decision_ids", "refused"],
                    "properties": {
                        "action": { "type": "string" }, "done": { "type": "integer" },
                        "decision_ids": { "type": "array", "items": { "type": "integer" }, "description": "one per comment decided; undo them together" },
                        "refused": { "type": "array", "items": { "type": "object", "required": ["comment_id", "code"], "properties": {
                            "comment_id": { "type": "integer" }, "code": { "type": "string" } } } }
                    }
                },
                "UndoDecisions": {
                    "type": "object",
                    "required": ["decisions"],
                    "properties": { "decisions": { "type": "array", "items": { "type": "integer" }, "minItems": 1, "maxItems": 500,
                        "description": "decision_id values from moderateComment, moderateComments or moderateUser" } }
                },
                "Undone": {
                    "type": "object",
                    "required": ["undone", "refused"],
                    "properties": {
                        "undone": { "type": "array", "items": { "type": "integer" }, "description": "the decisions undone, newest first" },
                        "refused": { "type": "array", "items": { "type": "object", "required": ["decision_id", "code"], "properties": {
                            "decision_id": { "type": "integer" },
                            "code": { "enum": ["undo_window_passed", "already_undone", "superseded", "not_yours", "outside_your_sections", "not_found"] } } } }
                    }
                },
                "ReaderHistory": {
                    "type": "object",
                    "required": ["standing", "approved", "pending", "rejected", "reports_received", "notes", "log"],
                    "properties": {
                        "standing": { "type": "object" },
                        "approved": { "type": "integer" }, "pending": { "type": "integer" }, "rejected": { "type": "integer" },
                        "reports_received": { "type": "integer" },
                        "notes": { "type": "array", "items": { "type": "object" } },
                        "log": { "type": "array", "items": { "$ref": "#/components/schemas/LogEntry" } }
                    }
                },
                "LogEntry": {
                    "type": "object",
                    "required": ["id", "at", "action", "reasons", "message"],
                    "properties": {
                        "id": { "type": "integer" }, "at": { "type": "string", "format": "date-time" },
                        "actor": { "type": ["string", "null"], "description": "the moderator; null for the pipeline" },
                        "phase": { "type": ["string", "null"], "description": "the pipeline phase of automatic decisions" },
                        "action": { "type": "string" }, "comment_id": { "type": ["integer", "null"] },
                        "user_id": { "type": ["integer", "null"] }, "username": { "type": ["string", "null"] },
                        "reasons": { "type": "array", "items": { "$ref": "#/components/schemas/Reason" } },
                        "message": { "type": "string" }
                    }
                },
                "Reason": {
                    "type": "object",
                    "required": ["code"],
                    "properties": { "code": { "type": "string", "examples": ["banned_word", "new_commenter", "pre_moderated"] }, "detail": { "type": "string" } }
                },
                "QueuePage": {
                    "type": "object",
                    "required": ["items", "page", "has_more", "counts"],
                    "properties": {
                        "items": { "type": "array", "items": { "type": "object", "description": "comment, reasons, flagged, story_id, section_id, lang, headline, slug, parent_author, parent_body, reports" } },
                        "page": { "type": "integer" }, "has_more": { "type": "boolean" },
                        "counts": { "type": "object", "additionalProperties": { "type": "integer" } }
                    }
                },
                "WordList": {
                    "type": "object",
                    "required": ["entries"],
                    "properties": { "entries": { "type": "array", "maxItems": 20000, "items": {
                        "type": "object", "required": ["term"],
                        "properties": { "term": { "type": "string", "maxLength": 100 }, "mode": { "enum": ["word", "substring", "forms"], "default": "word" } }
                    }}}
                },
                "ModerationSettings": {
                    "type": "object",
                    "required": ["settings"],
                    "properties": {
                        "settings": { "type": "object", "description": "null inherits from the wider scope", "properties": {
                            "pre_moderated": { "type": ["boolean", "null"] }, "closed": { "type": ["boolean", "null"] }, "message": { "type": ["string", "null"], "maxLength": 1000 }
                        }},
                        "policy": { "type": "object", "description": "site scope only", "properties": {
                            "suspect_action": { "enum": ["hold", "flag"] }, "hold_links": { "type": "boolean" },
                            "new_commenter_approvals": { "type": "integer", "minimum": 0 },
                            "rejection_rate_percent": { "type": "integer", "minimum": 0, "maximum": 100 },
                            "rejection_rate_min_comments": { "type": "integer", "minimum": 0 }
                        }}
                    }
                }
    })
}

fn moderation_paths() -> Value {
    json!({
            "/search/articles": { "get": {
                "operationId": "searchArticles",
                "summary": "Published stories in every language: any form of an Arabic or English word, with or without diacritics; \"phrases\", -exclusions, one typo in Latin words of 5+ letters",
                "parameters": [
                    { "name": "q", "in": "query", "required": true, "schema": { "type": "string", "maxLength": 200 } },
                    { "name": "lang", "in": "query", "schema": { "type": "string" }, "description": "only this language" },
                    { "name": "section", "in": "query", "schema": { "type": "string" }, "description": "section slug" },
                    { "name": "tag", "in": "query", "schema": { "type": "string" }, "description": "tag slug" },
                    { "name": "author", "in": "query", "schema": { "type": "string" }, "description": "author slug" },
                    { "name": "from", "in": "query", "schema": { "type": "string", "format": "date" } },
                    { "name": "to", "in": "query", "schema": { "type": "string", "format": "date" } },
                    { "name": "sort", "in": "query", "schema": { "enum": ["relevance", "newest"] } },
                    { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 1000 } }
                ],
                "responses": {
                    "200": { "description": "hits (edition_id, story_id, lang, slug, headline, snippet as HTML with <mark>, section, published_at), total, page, has_more", "content": { "application/json": { "schema": { "type": "object" } } } },
                    "422": error_response("empty_query, query_too_long, invalid_date")
                }
            }},
            "/search/comments": { "get": {
                "operationId": "searchComments",
                "summary": "Comments of every status by text, author, story and status (moderators)",
                "security": [{ "session": [] }, { "bearer": ["moderate"] }],
                "parameters": [
                    { "name": "q", "in": "query", "required": true, "schema": { "type": "string", "maxLength": 200 } },
                    { "name": "author", "in": "query", "schema": { "type": "string" }, "description": "username" },
                    { "name": "story", "in": "query", "schema": { "type": "integer" } },
                    { "name": "status", "in": "query", "schema": { "enum": ["visible", "pending", "rejected", "shadowed"] } },
                    { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1 } }
                ],
                "responses": {
                    "200": { "description": "hits (comment_id, edition_id, story_id, lang, author, status, snippet, created_at), total, page, has_more", "content": { "application/json": { "schema": { "type": "object" } } } },
                    "403": error_response("not_a_moderator")
                }
            }},
            "/moderation/queue": { "get": {
                "operationId": "listModerationQueue",
                "summary": "A page of a queue with counts per queue (moderators; section-limited moderators see their sections)",
                "security": [{ "session": [] }, { "bearer": ["moderate"] }],
                "parameters": [
                    { "name": "queue", "in": "query", "schema": { "enum": ["pending", "reported", "flagged", "approved", "rejected"], "default": "pending" } },
                    { "name": "story", "in": "query", "schema": { "type": "integer" } },
                    { "name": "section", "in": "query", "schema": { "type": "integer" } },
                    { "name": "lang", "in": "query", "schema": { "type": "string" } },
                    { "name": "reason", "in": "query", "schema": { "type": "string" } },
                    { "name": "order", "in": "query", "schema": { "enum": ["oldest", "newest"], "default": "oldest" } },
                    { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1 } },
                    { "name": "per_page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 200 } }
                ],
                "responses": { "200": json_response("Queue items", "QueuePage"), "403": error_response("not_a_moderator or outside_your_sections") }
            }},
            "/moderation/comments": { "post": {
                "operationId": "moderateComments",
                "summary": "The same decision on a selection; each is checked and logged on its own",
                "security": [{ "session": [] }, { "bearer": ["moderate"] }],
                "requestBody": json_body("BulkCommentAction"),
                "responses": { "200": json_response("How many were done, their decision ids, and which were refused, with why", "BulkDecision") }
            }},
            "/moderation/comments/{id}": { "post": {
                "operationId": "moderateComment",
                "security": [{ "session": [] }, { "bearer": ["moderate"] }],
                "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } }],
                "requestBody": json_body("CommentAction"),
                "responses": { "200": json_response("Decided and logged", "Decision"), "403": error_response("not_a_moderator, outside_your_sections or own_comment"), "404": error_response("not_found") }
            }},
            "/moderation/users/{id}": {
                "get": {
                    "operationId": "getReaderHistory",
                    "security": [{ "session": [] }, { "bearer": ["moderate"] }],
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } }],
                    "responses": { "200": json_response("Counts, reports, actions and notes", "ReaderHistory") }
                },
                "post": {
                    "operationId": "moderateUser",
                    "security": [{ "session": [] }, { "bearer": ["moderate"] }],
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } }],
                    "requestBody": json_body("UserAction"),
                    "responses": { "200": { "description": "The reader's record after the action, and the decision's id", "content": { "application/json": { "schema": {
                        "allOf": [{ "$ref": "#/components/schemas/ReaderHistory" }],
                        "required": ["decision_id"],
                        "properties": { "decision_id": { "type": "integer", "description": "undoes it with undoModerationDecisions for a few minutes" } } } } } },
                        "403": error_response("staff_account, own_account, admins_only or outside_your_sections") }
                }
            },
            "/moderation/undo": { "post": {
                "operationId": "undoModerationDecisions",
                "summary": "Undoes moderators' decisions made in the last five minutes: the comment or reader as before, its reports reopened, the notifications it sent withdrawn; logged as undo. A moderator undoes their own decisions, an admin anyone's",
                "security": [{ "session": [] }, { "bearer": ["moderate"] }],
                "requestBody": json_body("UndoDecisions"),
                "responses": {
                    "200": json_response("The decisions undone, and any refused with why", "Undone"),
                    "403": error_response("not_yours or outside_your_sections (when none could be undone)"),
                    "404": error_response("not_found: no such decision, or not one that can be undone"),
                    "409": error_response("undo_window_passed, already_undone or superseded (a later decision changed it; when none could be undone)"),
                    "422": error_response("invalid_selection")
                }
            }},
            "/moderation/log": { "get": {
                "operationId": "listAuditLog",
                "summary": "Every decision, human or automatic, newest first; never edited",
                "security": [{ "session": [] }, { "bearer": ["moderate"] }],
                "parameters": [
                    { "name": "q", "in": "query", "schema": { "type": "string" } },
                    { "name": "user", "in": "query", "schema": { "type": "integer" } },
                    { "name": "comment", "in": "query", "schema": { "type": "integer" } },
                    { "name": "action", "in": "query", "schema": { "type": "string" } },
                    { "name": "before", "in": "query", "schema": { "type": "integer" } }
                ],
                "responses": { "200": { "description": "Entries and the id to page back from", "content": { "application/json": { "schema": { "type": "object", "properties": {
                    "entries": { "type": "array", "items": { "$ref": "#/components/schemas/LogEntry" } }, "next_before": { "type": ["integer", "null"] } } } } } } }
            }},
            "/moderation/word-lists": { "get": {
                "operationId": "listWordLists",
                "security": [{ "session": [] }, { "bearer": ["moderate"] }],
                "responses": { "200": { "description": "Banned and suspect lists per language", "content": { "application/json": { "schema": { "type": "object" } } } } }
            }},
            "/moderation/word-lists/{lang}/{list}": { "put": {
                "operationId": "updateWordList",
                "summary": "Replaces one list (moderators of every section)",
                "security": [{ "session": [] }, { "bearer": ["moderate"] }],
                "parameters": [
                    { "name": "lang", "in": "path", "required": true, "schema": { "type": "string" } },
                    { "name": "list", "in": "path", "required": true, "schema": { "enum": ["banned", "suspect"] } }
                ],
                "requestBody": json_body("WordList"),
                "responses": { "200": { "description": "Stored; every node uses it for the next comment" }, "422": error_response("invalid_term, unknown_match_mode or too_many_entries") }
            }},
            "/moderation/settings": {
                "get": {
                    "operationId": "getModerationSettings",
                    "security": [{ "session": [] }, { "bearer": ["moderate"] }],
                    "parameters": [
                        { "name": "scope", "in": "query", "schema": { "enum": ["site", "section", "story"], "default": "site" } },
                        { "name": "id", "in": "query", "schema": { "type": "integer" } }
                    ],
                    "responses": { "200": json_response("The scope's settings and the site's policy", "ModerationSettings") }
                },
                "put": {
                    "operationId": "updateModerationSettings",
                    "security": [{ "session": [] }, { "bearer": ["moderate"] }],
                    "parameters": [
                        { "name": "scope", "in": "query", "schema": { "enum": ["site", "section", "story"], "default": "site" } },
                        { "name": "id", "in": "query", "schema": { "type": "integer" } }
                    ],
                    "requestBody": json_body("ModerationSettings"),
                    "responses": { "200": json_response("Stored", "ModerationSettings"), "403": error_response("outside_your_sections") }
                }
            }
    })
}
