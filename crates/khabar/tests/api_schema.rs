//! The served OpenAPI document accepts what the API really reads and
//! writes: a realistic sequence of calls (sign-up and sign-in, tokens, the
//! newsroom writing and publishing a story, readers commenting, reacting
//! and reporting, moderators clearing the queue and undoing, search) runs
//! against the real server, and each request body the server accepted and
//! each JSON answer is validated against the schema of its operation and
//! status in `/api/v1/openapi.json` (JSON Schema 2020-12, as OpenAPI 3.1
//! uses). A mismatch fails with the operation, the status and the JSON path.

mod common;

use std::collections::BTreeSet;

use common::{Reply, call, spawn_app, spawn_app_with};
use khabar_core::Role;
use khabar_testkit::{TestDatabase, on_both_backends};
use serde_json::{Value, json};

const PASSWORD: &str = "harbour lights at dusk";

/// The served document, and the operations the sequence has exercised.
struct Checked<'a> {
    server: &'a khabar::Server,
    document: Value,
    seen: BTreeSet<String>,
}

impl<'a> Checked<'a> {
    async fn new(server: &'a khabar::Server) -> Checked<'a> {
        let reply = call(server, "GET", "/openapi.json", None, &[]).await;
        assert_eq!(reply.status, 200);
        assert_eq!(reply.body["openapi"], "3.1.0");
        Checked {
            server,
            document: reply.body,
            seen: BTreeSet::new(),
        }
    }

    /// Calls the API and checks the exchange against the document.
    async fn call(
        &mut self,
        method: &str,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let reply = call(self.server, method, path, body.clone(), headers).await;
        if let Err(problem) = self.check(method, path, body.as_ref(), &reply) {
            panic!("{method} {path}: {problem}");
        }
        reply
    }

    /// Like `call`, and the status must be `status`.
    async fn expect(
        &mut self,
        status: u16,
        method: &str,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Value {
        let reply = self.call(method, path, body, headers).await;
        assert_eq!(reply.status, status, "{method} {path}: {}", reply.body);
        reply.body
    }

    fn check(
        &mut self,
        method: &str,
        path: &str,
        request: Option<&Value>,
        reply: &Reply,
    ) -> Result<(), String> {
        let (template, operation) = self
            .operation(method, path)
            .ok_or("no operation of the document matches")?;
        let id = operation["operationId"].as_str().unwrap_or("?").to_owned();
        let status = reply.status.to_string();
        let responses = &operation["responses"];
        let response = responses
            .get(&status)
            .ok_or_else(|| format!("{id} ({template}): status {status} is not documented"))?;
        if reply.status < 300
            && let Some(body) = request
        {
            let schema = &operation["requestBody"]["content"]["application/json"]["schema"];
            if schema.is_null() {
                return Err(format!(
                    "{id}: a JSON body was accepted but none is documented"
                ));
            }
            self.validate(schema, body)
                .map_err(|e| format!("{id}: the request body breaks its schema: {e}"))?;
        }
        let documented = &response["content"]["application/json"]["schema"];
        match (&reply.body, documented.is_null()) {
            (Value::Null, true) => {}
            (Value::Null, false) => {
                return Err(format!(
                    "{id} {status}: a JSON body is documented, none came"
                ));
            }
            (_, true) => {
                return Err(format!(
                    "{id} {status}: a JSON body came, none is documented"
                ));
            }
            (body, false) => self.validate(documented, body).map_err(|e| {
                format!("{id} {status}: the answer breaks its schema: {e}\n{body:#}")
            })?,
        }
        self.seen.insert(id);
        Ok(())
    }

    /// The operation whose path template matches `path` (query left out).
    fn operation(&self, method: &str, path: &str) -> Option<(String, Value)> {
        let path = path.split('?').next().unwrap_or(path);
        let segments: Vec<&str> = path.split('/').collect();
        let paths = self.document["paths"].as_object()?;
        // A literal segment beats a parameter: `/users/{username}` must not
        // take `/users`' calls, nor the other way round.
        let mut best: Option<(usize, &String, &Value)> = None;
        for (template, item) in paths {
            let parts: Vec<&str> = template.split('/').collect();
            if parts.len() != segments.len() {
                continue;
            }
            let fits = parts
                .iter()
                .zip(&segments)
                .all(|(part, segment)| part.starts_with('{') || part == segment);
            let Some(operation) = item.get(method.to_lowercase()) else {
                continue;
            };
            let literal = parts.iter().filter(|p| !p.starts_with('{')).count();
            if fits && best.is_none_or(|(n, _, _)| literal > n) {
                best = Some((literal, template, operation));
            }
        }
        best.map(|(_, template, operation)| (template.clone(), operation.clone()))
    }

    /// Validates `value` against `schema`, whose `$ref`s point into the
    /// document's components; the first error names its JSON path.
    fn validate(&self, schema: &Value, value: &Value) -> Result<(), String> {
        let root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "allOf": [schema],
            "components": self.document["components"],
        });
        let validator = jsonschema::draft202012::new(&root)
            .map_err(|e| format!("the schema itself is invalid: {e}"))?;
        let errors: Vec<String> = validator
            .iter_errors(value)
            .map(|e| format!("at `{}`: {e}", e.instance_path()))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("; "))
        }
    }

    /// Operations of the document the sequence never called.
    fn unseen(&self) -> Vec<String> {
        let mut all = Vec::new();
        for item in self.document["paths"].as_object().unwrap().values() {
            for operation in item.as_object().unwrap().values() {
                let id = operation["operationId"].as_str().unwrap().to_owned();
                if !self.seen.contains(&id) {
                    all.push(id);
                }
            }
        }
        all.sort();
        all
    }
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

async fn the_document_accepts_real_traffic(db: &TestDatabase) {
    let server = spawn_app_with(db, false, |config| {
        config.embed.allowed_origins = vec!["https://blog.example".to_owned()];
    })
    .await;
    let mut api = Checked::new(&server).await;
    // The checks can fail: a wrong type deep inside a `$ref` is named by path.
    let error = json!({ "$ref": "#/components/schemas/Error" });
    let wrong = json!({ "error": { "code": 5, "message": "m" } });
    let problem = api.validate(&error, &wrong).unwrap_err();
    assert!(problem.contains("/error/code"), "{problem}");

    // Accounts: sign up, the usual refusals, sign in, who am I.
    let signup = json!({ "username": "ليلى", "display_name": "ليلى", "email": "layla@news.example", "password": PASSWORD, "lang": "ar" });
    let session = api
        .expect(201, "POST", "/auth/signup", Some(signup.clone()), &[])
        .await;
    let csrf = session["csrf_token"].as_str().unwrap().to_owned();
    api.expect(409, "POST", "/auth/signup", Some(signup), &[])
        .await;
    api.expect(
        422,
        "POST",
        "/auth/signup",
        Some(json!({ "username": "x", "email": "x@news.example", "password": PASSWORD })),
        &[],
    )
    .await;
    let signin = api
        .call(
            "POST",
            "/auth/signin",
            Some(json!({ "login": "layla@news.example", "password": PASSWORD })),
            &[],
        )
        .await;
    assert_eq!(signin.status, 200);
    let cookie = signin.cookie.expect("a session cookie");
    let csrf_in = signin.body["csrf_token"].as_str().unwrap().to_owned();
    let layla = [
        ("Cookie", cookie.as_str()),
        ("X-CSRF-Token", csrf_in.as_str()),
    ];
    api.expect(200, "GET", "/me", None, &layla[..1]).await;
    api.expect(401, "GET", "/me", None, &[]).await;
    let _ = csrf;

    // Staff, and a token for each.
    for (name, role) in [
        ("nadia", Role::Editor),
        ("samir", Role::Moderator),
        ("root", Role::Admin),
        ("omar", Role::Reader),
    ] {
        common::account(&server, name, role, PASSWORD).await;
    }
    let mut token = async |login: &str, scopes: &[&str]| {
        let body = json!({ "login": login, "password": PASSWORD, "scopes": scopes, "name": "schema test" });
        let reply = api.expect(201, "POST", "/tokens", Some(body), &[]).await;
        bearer(reply["token"].as_str().unwrap())
    };
    let editor = token("nadia", &["read", "edit"]).await;
    let moderator = token("samir", &["read", "moderate"]).await;
    let admin = token("root", &["read", "edit", "admin", "moderate"]).await;
    let omar = token("omar", &["read", "comment"]).await;
    let editor = [("Authorization", editor.as_str())];
    let moderator = [("Authorization", moderator.as_str())];
    let admin = [("Authorization", admin.as_str())];
    let omar = [("Authorization", omar.as_str())];
    api.expect(200, "GET", "/me", None, &omar).await;
    api.expect(
        422,
        "POST",
        "/tokens",
        Some(json!({ "login": "omar", "password": PASSWORD, "scopes": ["admin"] })),
        &[],
    )
    .await;

    // The newsroom: a section, a story in two languages, revisions, publishing.
    api.expect(200, "GET", "/sections", None, &editor).await;
    let section = api
        .expect(
            201,
            "POST",
            "/sections",
            Some(json!({ "slug": "coast", "names": { "ar": "الساحل", "en": "Coast" } })),
            &editor,
        )
        .await;
    api.expect(
        200,
        "PATCH",
        &format!("/sections/{}", section["id"]),
        Some(json!({ "names": { "ar": "الساحل", "en": "The coast" }, "position": 1 })),
        &editor,
    )
    .await;
    let new_story = json!({
        "lang": "en",
        "section_id": section["id"],
        "edition": {
            "headline": "Fishermen of Tyre count a record harbour season",
            "standfirst": "Nets came back full all autumn.",
            "body": "The **harbour** was busy.\n\nEvery boat went out.",
            "dateline": "Tyre",
            "comment_mode": "open"
        }
    });
    let story = api
        .expect(201, "POST", "/stories", Some(new_story), &editor)
        .await;
    let story_id = story["id"].as_i64().unwrap();
    let english = story["editions"][0]["id"].as_i64().unwrap();
    api.expect(200, "GET", &format!("/stories/{story_id}"), None, &editor)
        .await;
    api.expect(
        200,
        "PUT",
        &format!("/stories/{story_id}"),
        Some(json!({ "section_id": section["id"], "tag_ids": [], "hero_image": null })),
        &editor,
    )
    .await;
    let arabic = api
        .expect(
            201,
            "POST",
            &format!("/stories/{story_id}/editions"),
            Some(json!({ "lang": "ar", "edition": { "headline": "صيادو صور يحصون موسماً قياسياً", "body": "كان **الميناء** مزدحماً." } })),
            &editor,
        )
        .await;
    let arabic = arabic["id"].as_i64().unwrap();
    let saved = api
        .expect(
            200,
            "PUT",
            &format!("/editions/{english}"),
            Some(json!({ "revision": 1, "edition": { "headline": "Fishermen of Tyre count a record season", "body": "The harbour was busy." } })),
            &editor,
        )
        .await;
    let revisions = api
        .expect(
            200,
            "GET",
            &format!("/editions/{english}/revisions"),
            None,
            &editor,
        )
        .await;
    assert!(revisions["revisions"].as_array().unwrap().len() >= 2);
    api.expect(
        200,
        "POST",
        &format!("/editions/{english}/revisions/1/restore"),
        Some(json!({ "revision": saved["revision"] })),
        &editor,
    )
    .await;
    api.expect(
        409,
        "PUT",
        &format!("/editions/{english}"),
        Some(json!({ "revision": 1, "edition": { "headline": "A stale save" } })),
        &editor,
    )
    .await;
    for edition in [english, arabic] {
        api.expect(
            200,
            "POST",
            &format!("/editions/{edition}/publish"),
            Some(json!({})),
            &editor,
        )
        .await;
    }
    api.expect(
        200,
        "GET",
        "/stories?status=published&lang=en",
        None,
        &editor,
    )
    .await;
    api.expect(404, "GET", "/stories/999999", None, &editor)
        .await;

    // The front page (editors): the English edition leads for an hour
    // under a banner; an Arabic edition cannot go on the English page.
    let until = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1)).to_string();
    let front = json!({
        "picks": [{ "edition_id": english, "pinned_until": until }],
        "breaking": { "text": "Storm warning for the harbour", "edition_id": english, "expires_at": until },
    });
    api.expect(200, "PUT", "/front/en", Some(front), &editor)
        .await;
    api.expect(200, "GET", "/front/en", None, &editor).await;
    api.expect(
        422,
        "PUT",
        "/front/en",
        Some(json!({ "picks": [{ "edition_id": arabic }] })),
        &editor,
    )
    .await;

    // The site's own pages: written by editors, read by anyone.
    let about = json!({ "title": "About the harbour desk", "body": "We report **Marsa Nour**." });
    api.expect(200, "PUT", "/pages/about/en", Some(about), &editor)
        .await;
    api.expect(200, "GET", "/pages", None, &[]).await;
    api.expect(200, "GET", "/pages/about/en", None, &[]).await;
    api.expect(404, "GET", "/pages/about/ar", None, &[]).await;
    api.expect(404, "GET", "/pages/secrets/en", None, &[]).await;
    api.expect(
        422,
        "PUT",
        "/pages/contact/en",
        Some(json!({ "title": "", "body": "A body without a title" })),
        &editor,
    )
    .await;
    api.expect(
        204,
        "PUT",
        "/pages/about/en",
        Some(json!({ "title": "", "body": "" })),
        &editor,
    )
    .await;

    // Webhooks (admins): an endpoint on a public address (a documentation
    // range; the event type never fires here), a refused private one,
    // changed and rotated, its deliveries, a replay of none, removed.
    let hook = api
        .expect(
            201,
            "POST",
            "/webhooks",
            Some(json!({
                "url": "http://203.0.113.10/hook",
                "description": "Desk bridge",
                "event_types": ["moderation.queue_above_threshold"]
            })),
            &admin,
        )
        .await;
    let hook_id = hook["id"].as_i64().unwrap();
    api.expect(
        422,
        "POST",
        "/webhooks",
        Some(json!({ "url": "http://10.0.0.1/hook", "event_types": ["comment.created"] })),
        &admin,
    )
    .await;
    api.expect(200, "GET", "/webhooks", None, &admin).await;
    api.expect(
        200,
        "PATCH",
        &format!("/webhooks/{hook_id}"),
        Some(json!({ "rotate_secret": true, "enabled": false })),
        &admin,
    )
    .await;
    api.expect(
        200,
        "GET",
        &format!("/webhooks/{hook_id}/deliveries"),
        None,
        &admin,
    )
    .await;
    api.expect(
        404,
        "POST",
        &format!("/webhooks/{hook_id}/deliveries/999999/redeliver"),
        None,
        &admin,
    )
    .await;
    api.expect(204, "DELETE", &format!("/webhooks/{hook_id}"), None, &admin)
        .await;

    // The site's settings and people's roles (admins).
    api.expect(200, "GET", "/site/settings", None, &editor)
        .await;
    api.expect(
        200,
        "PUT",
        "/site/settings",
        Some(json!({ "comment_edit_minutes": 20, "name": { "en": "Khabar", "ar": "خبر" } })),
        &admin,
    )
    .await;
    api.expect(204, "DELETE", "/site/icon", None, &admin).await;
    api.expect(200, "GET", "/users?page=1", None, &admin).await;
    api.expect(403, "GET", "/users", None, &editor).await;
    api.expect(
        200,
        "PUT",
        "/users/omar/role",
        Some(json!({ "role": "reader" })),
        &admin,
    )
    .await;

    // The discussion: comments, replies, edits, likes, reports.
    let thread = format!("/editions/{english}/comments");
    let first = api
        .expect(
            201,
            "POST",
            &thread,
            Some(json!({ "body": "Good news for the harbour, @omar." })),
            &layla,
        )
        .await;
    let first_id = first["id"].as_i64().unwrap();
    let reply = api
        .expect(
            201,
            "POST",
            &thread,
            Some(json!({ "body": "Agreed, a fine season.", "parent_id": first_id })),
            &omar,
        )
        .await;
    let reply_id = reply["id"].as_i64().unwrap();
    api.expect(
        200,
        "GET",
        &format!("{thread}?sort=newest&page=1"),
        None,
        &[],
    )
    .await;
    api.expect(200, "GET", &format!("/comments/{first_id}"), None, &[])
        .await;
    api.expect(404, "GET", "/comments/999999", None, &[]).await;
    api.expect(
        200,
        "PATCH",
        &format!("/comments/{first_id}"),
        Some(json!({ "body": "Good news for the whole harbour, @omar." })),
        &layla,
    )
    .await;
    api.expect(
        200,
        "PUT",
        &format!("/comments/{first_id}/reaction"),
        Some(json!({ "like": true })),
        &omar,
    )
    .await;
    api.expect(
        201,
        "POST",
        &format!("/comments/{reply_id}/reports"),
        Some(json!({ "reason": "spam", "note": "advertising" })),
        &layla,
    )
    .await;
    api.expect(
        409,
        "POST",
        &format!("/comments/{reply_id}/reports"),
        Some(json!({ "reason": "spam" })),
        &layla,
    )
    .await;
    api.expect(200, "GET", "/notifications", None, &omar).await;
    api.expect(204, "POST", "/notifications/read", None, &omar)
        .await;
    api.expect(200, "GET", "/users/omar?page=1", None, &[])
        .await;
    api.expect(404, "GET", "/users/nobody-here", None, &[])
        .await;

    // Moderation: a held thread, the queue, decisions, a reader, undo.
    api.expect(
        200,
        "PUT",
        &format!("/moderation/settings?scope=story&id={story_id}"),
        Some(json!({ "settings": { "pre_moderated": true, "closed": null, "message": null } })),
        &moderator,
    )
    .await;
    api.expect(200, "GET", "/moderation/settings", None, &moderator)
        .await;
    api.expect(
        200,
        "PUT",
        "/moderation/settings?scope=site",
        Some(
            json!({ "settings": {}, "policy": { "suspect_action": "flag", "hold_links": false } }),
        ),
        &admin,
    )
    .await;
    let held = api
        .expect(
            201,
            "POST",
            &thread,
            Some(json!({ "body": "Waiting for a moderator's look." })),
            &omar,
        )
        .await;
    assert_eq!(held["held_for_moderation"], true);
    let held_id = held["id"].as_i64().unwrap();
    let second = api
        .expect(
            201,
            "POST",
            &thread,
            Some(json!({ "body": "Another one in the queue." })),
            &layla,
        )
        .await;
    let queue = api
        .expect(
            200,
            "GET",
            "/moderation/queue?queue=pending&order=newest",
            None,
            &moderator,
        )
        .await;
    assert!(!queue["items"].as_array().unwrap().is_empty());
    api.expect(
        200,
        "GET",
        "/moderation/queue?queue=reported",
        None,
        &moderator,
    )
    .await;
    let decided = api
        .expect(
            200,
            "POST",
            &format!("/moderation/comments/{held_id}"),
            Some(json!({ "action": "approve" })),
            &moderator,
        )
        .await;
    api.expect(
        200,
        "POST",
        "/moderation/undo",
        Some(json!({ "decisions": [decided["decision_id"]] })),
        &moderator,
    )
    .await;
    api.expect(
        200,
        "POST",
        "/moderation/comments",
        Some(json!({ "comment_ids": [held_id, second["id"]], "action": "reject", "reason": "off_topic", "message": "Stay on the story." })),
        &moderator,
    )
    .await;
    let omar_id = reply["author_id"].as_i64().unwrap();
    api.expect(
        200,
        "GET",
        &format!("/moderation/users/{omar_id}"),
        None,
        &moderator,
    )
    .await;
    api.expect(
        200,
        "POST",
        &format!("/moderation/users/{omar_id}"),
        Some(json!({ "action": "note", "body": "Posts twice a day, mostly fine." })),
        &moderator,
    )
    .await;
    api.expect(
        200,
        "POST",
        &format!("/moderation/users/{omar_id}"),
        Some(json!({ "action": "suspend", "hours": 2 })),
        &moderator,
    )
    .await;
    api.expect(
        422,
        "POST",
        "/moderation/undo",
        Some(json!({ "decisions": [] })),
        &moderator,
    )
    .await;
    api.expect(
        200,
        "GET",
        "/moderation/log?action=reject",
        None,
        &moderator,
    )
    .await;
    api.expect(
        200,
        "PUT",
        "/moderation/word-lists/en/banned",
        Some(json!({ "entries": [{ "term": "scoundrel" }, { "term": "crook", "mode": "forms" }] })),
        &moderator,
    )
    .await;
    api.expect(200, "GET", "/moderation/word-lists", None, &moderator)
        .await;
    api.expect(403, "GET", "/moderation/queue", None, &omar)
        .await;

    // Search: stories for anyone, comments for moderators.
    api.expect(200, "GET", "/search/articles?q=harbour", None, &[])
        .await;
    api.expect(422, "GET", "/search/articles?q=", None, &[])
        .await;
    api.expect(200, "GET", "/search/comments?q=harbour", None, &moderator)
        .await;

    // Comment counts for a host site's index page (docs/embed.md).
    api.expect(
        200,
        "GET",
        "/embed/counts?url=https%3A%2F%2Fblog.example%2Fa&url=https%3A%2F%2Fblog.example%2Fb",
        None,
        &[],
    )
    .await;
    api.expect(422, "GET", "/embed/counts?url=%2Frelative", None, &[])
        .await;

    // Taking things back: a comment, an edition, an account, a session.
    api.expect(204, "DELETE", &format!("/comments/{reply_id}"), None, &omar)
        .await;
    api.expect(
        200,
        "POST",
        &format!("/editions/{arabic}/unpublish"),
        None,
        &editor,
    )
    .await;
    api.expect(
        202,
        "POST",
        "/auth/password-reset",
        Some(json!({ "email": "layla@news.example" })),
        &[],
    )
    .await;
    api.expect(
        410,
        "POST",
        "/auth/verify-email",
        Some(json!({ "token": "khe_not-a-real-link" })),
        &[],
    )
    .await;
    api.expect(
        410,
        "POST",
        "/auth/password-reset/confirm",
        Some(json!({ "token": "khe_not-a-real-link", "password": "a new long password" })),
        &[],
    )
    .await;
    api.expect(200, "GET", "/me/export", None, &layla).await;
    api.expect(
        204,
        "DELETE",
        "/me",
        Some(json!({ "password": PASSWORD })),
        &layla,
    )
    .await;
    api.expect(204, "POST", "/auth/signout", None, &omar).await;

    // Everything but the event stream and uploads went through the checks
    // (the stream is not JSON; an upload is multipart).
    let unseen = api.unseen();
    assert_eq!(
        unseen,
        ["streamComments", "updateSiteIcon", "uploadMedia"],
        "operations never checked"
    );
    server.stop().await.unwrap();
}

on_both_backends!(the_document_accepts_real_traffic);

/// Request bodies a client could get wrong quietly: each says
/// `additionalProperties: false`, and the server does refuse an unknown
/// field. The comment decisions (`CommentAction` and the bulk form, which
/// flattens it) still ignore one and say nothing; sign-up and sign-in are
/// left to their own change.
async fn request_bodies_say_they_refuse_unknown_fields(db: &TestDatabase) {
    const OPEN: [&str; 4] = ["signUp", "signIn", "moderateComment", "moderateComments"];
    let server = spawn_app(db, false).await;
    let document = call(&server, "GET", "/openapi.json", None, &[]).await.body;
    let schemas = &document["components"]["schemas"];
    let resolve = |schema: &Value| -> Value {
        let mut schema = schema.clone();
        while let Some(name) = schema["$ref"].as_str() {
            schema = schemas[name.rsplit('/').next().unwrap_or("")].clone();
        }
        schema
    };
    let mut closed = 0;
    for item in document["paths"].as_object().unwrap().values() {
        for operation in item.as_object().unwrap().values() {
            let id = operation["operationId"].as_str().unwrap();
            let body = &operation["requestBody"]["content"]["application/json"]["schema"];
            if body.is_null() || OPEN.contains(&id) {
                continue;
            }
            let body = resolve(body);
            // `Option<T>` bodies are `oneOf: [null, T]`, tagged enums a
            // `oneOf` of their variants.
            let objects: Vec<Value> = match body["oneOf"].as_array() {
                Some(variants) => variants
                    .iter()
                    .map(resolve)
                    .filter(|v| v["type"] != "null")
                    .collect(),
                None => vec![body],
            };
            for object in objects {
                assert_eq!(
                    object["additionalProperties"],
                    Value::Bool(false),
                    "{id}: its body should say additionalProperties: false"
                );
                closed += 1;
            }
        }
    }
    assert!(closed >= 20, "{closed} closed bodies");
    // And the server means it.
    for (path, body) in [
        (
            "/tokens",
            json!({ "login": "nobody", "password": PASSWORD, "scopes": ["read"], "expires": "never" }),
        ),
        (
            "/auth/password-reset",
            json!({ "email": "nobody@news.example", "cc": "x@news.example" }),
        ),
        (
            "/auth/verify-email",
            json!({ "token": "abc", "remember": true }),
        ),
    ] {
        let reply = call(&server, "POST", path, Some(body), &[]).await;
        assert_eq!(
            (reply.status, reply.body["error"]["code"].as_str()),
            (400, Some("bad_request_body")),
            "{path}: {}",
            reply.body
        );
    }
    server.stop().await.unwrap();
}

on_both_backends!(request_bodies_say_they_refuse_unknown_fields);
