//! What stored text may contain (issue 18), through the real server on
//! SQLite and on PostgreSQL, which cannot store NUL: a NUL in each field
//! the issue names is a 4xx naming the field, never a 500; a search for
//! `a%00b` answers; invisible comments and display names, stacked
//! combining marks and usernames mixing look-alike scripts are refused,
//! while ordinary Arabic and Latin names still sign up.

mod common;

use common::{Agent, Reply, account, call, spawn_app};
use khabar::Server;
use khabar_core::{Lang, Role};
use khabar_store::ListFilter;
use khabar_testkit::{TestDatabase, on_both_backends};
use serde_json::{Value, json};

const PASSWORD: &str = "harbour lights at dusk";

/// A bearer token of a new account of `role` with `scopes`.
async fn bearer(server: &Server, name: &str, role: Role, scopes: &[&str]) -> String {
    account(server, name, role, PASSWORD).await;
    let reply = call(
        server,
        "POST",
        "/tokens",
        Some(json!({ "login": name, "password": PASSWORD, "scopes": scopes })),
        &[],
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    format!("Bearer {}", reply.body["token"].as_str().unwrap())
}

async fn as_(server: &Server, auth: &str, method: &str, path: &str, body: Value) -> Reply {
    call(server, method, path, Some(body), &[("Authorization", auth)]).await
}

/// The reply's status, error code and field.
fn refusal(reply: &Reply) -> (u16, &str, &str) {
    let error = &reply.body["error"];
    (
        reply.status,
        error["code"].as_str().unwrap_or(""),
        error["field"].as_str().unwrap_or(""),
    )
}

async fn nul_in_each_field_is_refused_by_name(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let chief = bearer(
        &server,
        "chief",
        Role::Admin,
        &["read", "edit", "moderate", "admin"],
    )
    .await;
    let reader = account(&server, "reader_one", Role::Reader, PASSWORD).await;

    let token = call(
        &server,
        "POST",
        "/tokens",
        Some(json!({
            "login": "chief", "password": PASSWORD, "scopes": ["read"], "name": "laptop\u{0}"
        })),
        &[],
    )
    .await;
    assert_eq!(refusal(&token), (422, "control_character", "name"));
    // A lone surrogate cannot be a Rust string: JSON holding one is not
    // JSON the API reads.
    let surrogate = common::client()
        .post(format!("{}/api/v1/tokens", server.base_url()))
        .header("Content-Type", "application/json")
        .body(format!(
            r#"{{"login":"chief","password":"{PASSWORD}","scopes":["read"],"name":"a\ud800b"}}"#
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(surrogate.status(), 400);

    for (edition, field) in [
        (json!({ "headline": "Night\u{0}ferry" }), "headline"),
        (
            json!({ "headline": "Night ferry", "body": "The ferry\u{0} runs." }),
            "body",
        ),
    ] {
        let story = as_(
            &server,
            &chief,
            "POST",
            "/stories",
            json!({ "lang": "en", "edition": edition }),
        )
        .await;
        assert_eq!(refusal(&story), (422, "control_character", field));
    }

    let words = as_(
        &server,
        &chief,
        "PUT",
        "/moderation/word-lists/en/banned",
        json!({ "entries": [{ "term": "scum\u{0}bag" }] }),
    )
    .await;
    assert_eq!(refusal(&words), (422, "control_character", "term"));

    let note = as_(
        &server,
        &chief,
        "POST",
        &format!("/moderation/users/{reader}"),
        json!({ "action": "note", "body": "seen\u{0}before" }),
    )
    .await;
    assert_eq!(refusal(&note), (422, "control_character", "body"));

    let message = as_(
        &server,
        &chief,
        "PUT",
        "/moderation/settings?scope=site",
        json!({ "settings": { "message": "Be\u{0} kind" } }),
    )
    .await;
    assert_eq!(refusal(&message), (422, "control_character", "message"));

    // The breaking banner: a NUL is refused, a text that shows nothing
    // (only a joiner and spaces) is no text.
    let hour_on = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1)).to_string();
    for (text, code) in [
        ("Harbour\u{0}closed", "control_character"),
        ("\u{200D}  ", "required"),
    ] {
        let banner = as_(
            &server,
            &chief,
            "PUT",
            "/front/en",
            json!({ "picks": [], "breaking": { "text": text, "expires_at": hour_on } }),
        )
        .await;
        assert_eq!(refusal(&banner), (422, code, "breaking_text"), "{text:?}");
    }

    // A search box forgives: the NUL separates words like a space.
    let listed = call(
        &server,
        "GET",
        "/stories?q=a%00b",
        None,
        &[("Authorization", &chief)],
    )
    .await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let found = call(&server, "GET", "/search/articles?q=a%00b", None, &[]).await;
    assert_eq!(found.status, 200, "{}", found.body);
    let log = call(
        &server,
        "GET",
        "/moderation/log?q=a%00b",
        None,
        &[("Authorization", &chief)],
    )
    .await;
    assert_eq!(log.status, 200, "{}", log.body);
    let page = Agent::new(&server).get("/en/search?q=a%00b").await;
    assert_eq!(page.status, 200);
    server.stop().await.unwrap();
}

async fn invisible_and_disguised_text_is_refused(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let commenter = bearer(&server, "reader_two", Role::Reader, &["read", "comment"]).await;
    let edition = server
        .store()
        .published(Lang::EN, ListFilter::Latest, 1, 1)
        .await
        .unwrap()
        .items[0]
        .id;
    let blank = as_(
        &server,
        &commenter,
        "POST",
        &format!("/editions/{edition}/comments"),
        json!({ "body": "\u{200B}\u{200C}\u{200D} \u{2066}\u{202E}" }),
    )
    .await;
    assert_eq!(refusal(&blank), (422, "comment_empty", "body"));

    let sign_up = |username: &str, display_name: &str, n: usize| {
        json!({
            "username": username,
            "display_name": display_name,
            "email": format!("person{n}@news.example"),
            "password": PASSWORD,
            "lang": "en",
        })
    };
    let zalgo = format!("ab{}", "\u{0301}".repeat(20));
    for (n, (username, display_name, expected)) in [
        (
            "samira_h",
            "\u{200B}",
            ("display_name_empty", "display_name"),
        ),
        (zalgo.as_str(), "", ("username_stacked_marks", "username")),
        ("кhalid_q", "", ("username_mixed_script", "username")),
        ("khalid\u{0}", "", ("control_character", "username")),
    ]
    .into_iter()
    .enumerate()
    {
        let reply = call(
            &server,
            "POST",
            "/auth/signup",
            Some(sign_up(username, display_name, n)),
            &[],
        )
        .await;
        assert_eq!(
            refusal(&reply),
            (422, expected.0, expected.1),
            "{username:?} {display_name:?}"
        );
    }
    for (n, username) in ["khalid_q", "خالد_2", "سامر٢", "Nguyễn.An"]
        .into_iter()
        .enumerate()
    {
        let reply = call(
            &server,
            "POST",
            "/auth/signup",
            Some(sign_up(username, "", 10 + n)),
            &[],
        )
        .await;
        assert_eq!(reply.status, 201, "{username}: {}", reply.body);
    }
    server.stop().await.unwrap();
}

on_both_backends!(
    nul_in_each_field_is_refused_by_name,
    invisible_and_disguised_text_is_refused,
);
