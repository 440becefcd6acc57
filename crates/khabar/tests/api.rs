//! The JSON API through the real server, on SQLite and on PostgreSQL.

mod common;

use common::{Reply, call, client, spawn_app};
use khabar_core::{Lang, Role};
use khabar_testkit::{TestDatabase, on_both_backends};
use serde_json::{Value, json};

const PASSWORD: &str = "harbour lights at dusk";

async fn staff(server: &khabar::Server, name: &str, role: Role) {
    common::account(server, name, role, PASSWORD).await;
}

async fn token(server: &khabar::Server, login: &str, scopes: &[&str]) -> Reply {
    call(
        server,
        "POST",
        "/tokens",
        Some(json!({ "login": login, "password": PASSWORD, "scopes": scopes, "name": "test" })),
        &[],
    )
    .await
}

async fn sessions_through_the_api(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let signup = json!({ "username": "ليلى", "email": "layla@news.example", "password": PASSWORD, "lang": "ar" });
    let reply = call(&server, "POST", "/auth/signup", Some(signup.clone()), &[]).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.body["user"]["username"], "ليلى");
    assert_eq!(reply.body["user"]["lang"], "ar");
    let cookie = reply.cookie.expect("a session cookie");
    let csrf = reply.body["csrf_token"].as_str().unwrap().to_owned();

    let mut twin = signup.clone();
    twin["email"] = json!("other@news.example");
    let again = call(&server, "POST", "/auth/signup", Some(twin), &[]).await;
    assert_eq!(
        (
            again.status,
            again.body["error"]["code"].as_str(),
            again.body["error"]["field"].as_str()
        ),
        (409, Some("username_taken"), Some("username"))
    );
    // Another name with a used address: not refused, so not revealed.
    let mut same_email = signup.clone();
    same_email["username"] = json!("laylatwo");
    let same_email = call(&server, "POST", "/auth/signup", Some(same_email), &[]).await;
    assert_eq!((same_email.status, same_email.cookie), (202, None));

    let me = call(&server, "GET", "/me", None, &[("Cookie", &cookie)]).await;
    assert_eq!(
        (me.status, me.body["auth"].as_str()),
        (200, Some("session"))
    );

    // A cookie-authenticated change needs the CSRF header, from this site.
    let no_token = call(
        &server,
        "POST",
        "/auth/signout",
        None,
        &[("Cookie", &cookie)],
    )
    .await;
    assert_eq!(
        (no_token.status, no_token.body["error"]["code"].as_str()),
        (403, Some("csrf_failed"))
    );
    let cross = call(
        &server,
        "POST",
        "/auth/signout",
        None,
        &[
            ("Cookie", &cookie),
            ("X-CSRF-Token", &csrf),
            ("Sec-Fetch-Site", "cross-site"),
        ],
    )
    .await;
    assert_eq!(cross.status, 403);
    assert_eq!(
        call(&server, "GET", "/me", None, &[("Cookie", &cookie)])
            .await
            .status,
        200,
        "still signed in"
    );
    let out = call(
        &server,
        "POST",
        "/auth/signout",
        None,
        &[("Cookie", &cookie), ("X-CSRF-Token", &csrf)],
    )
    .await;
    assert_eq!(out.status, 204);
    let me = call(&server, "GET", "/me", None, &[("Cookie", &cookie)]).await;
    assert_eq!(
        (me.status, me.body["error"]["code"].as_str()),
        (401, Some("not_signed_in"))
    );

    // Sign in again; wrong passwords and unknown accounts answer alike.
    let ok = call(
        &server,
        "POST",
        "/auth/signin",
        Some(json!({ "login": "layla@news.example", "password": PASSWORD })),
        &[],
    )
    .await;
    assert_eq!(ok.status, 200);
    assert_ne!(
        ok.cookie.as_deref(),
        Some(cookie.as_str()),
        "a new session id"
    );
    for login in ["ليلى", "nobody"] {
        let wrong = call(
            &server,
            "POST",
            "/auth/signin",
            Some(json!({ "login": login, "password": "not the password" })),
            &[],
        )
        .await;
        assert_eq!(
            (wrong.status, wrong.body["error"]["code"].as_str()),
            (401, Some("wrong_credentials")),
            "{login}"
        );
    }
    server.stop().await.unwrap();
}

async fn tokens_carry_scopes_and_roles(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    call(
        &server,
        "POST",
        "/auth/signup",
        Some(json!({ "username": "reader", "email": "reader@news.example", "password": PASSWORD })),
        &[],
    )
    .await;
    staff(&server, "chief", Role::Admin).await;

    let refused = token(&server, "reader", &["read", "moderate"]).await;
    assert_eq!(
        (refused.status, refused.body["error"]["code"].as_str()),
        (422, Some("scope_not_allowed"))
    );
    let unknown = token(&server, "reader", &["root"]).await;
    assert_eq!(unknown.body["error"]["code"], "unknown_scope");

    let reader = token(&server, "reader", &["read", "comment"]).await;
    assert_eq!(reader.status, 201, "{}", reader.body);
    let reader_token = reader.body["token"].as_str().unwrap().to_owned();
    assert!(reader_token.starts_with("khp_"));
    let bearer = format!("Bearer {reader_token}");
    let me = call(&server, "GET", "/me", None, &[("Authorization", &bearer)]).await;
    assert_eq!((me.status, me.body["auth"].as_str()), (200, Some("token")));
    assert_eq!(me.body["scopes"], json!(["read", "comment"]));

    // A reader's token is refused on editor and admin operations.
    let users = call(
        &server,
        "GET",
        "/users",
        None,
        &[("Authorization", &bearer)],
    )
    .await;
    assert_eq!(users.status, 403);
    let stories = call(
        &server,
        "GET",
        "/stories",
        None,
        &[("Authorization", &bearer)],
    )
    .await;
    assert_eq!(stories.status, 403);
    // A reader's session is refused too: the role decides, not the credential.
    let reader_cookie = call(
        &server,
        "POST",
        "/auth/signin",
        Some(json!({ "login": "reader", "password": PASSWORD })),
        &[],
    )
    .await
    .cookie
    .unwrap();
    let by_session = call(
        &server,
        "GET",
        "/stories",
        None,
        &[("Cookie", &reader_cookie)],
    )
    .await;
    assert_eq!(
        (by_session.status, by_session.body["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );

    staff(&server, "desk", Role::Editor).await;
    let editor = token(&server, "desk", &["read", "edit"]).await.body["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let stories = call(
        &server,
        "GET",
        "/stories",
        None,
        &[("Authorization", &format!("Bearer {editor}"))],
    )
    .await;
    assert_eq!(stories.status, 200, "{}", stories.body);
    let users = call(
        &server,
        "GET",
        "/users",
        None,
        &[("Authorization", &format!("Bearer {editor}"))],
    )
    .await;
    assert_eq!(users.status, 403, "an editor is no admin");

    // An admin's token works there only with the admin scope.
    let admin_read = token(&server, "chief", &["read"]).await.body["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let users = call(
        &server,
        "GET",
        "/users",
        None,
        &[("Authorization", &format!("Bearer {admin_read}"))],
    )
    .await;
    assert_eq!(
        (users.status, users.body["error"]["code"].as_str()),
        (403, Some("insufficient_scope"))
    );
    let admin = token(&server, "chief", &["read", "admin"]).await.body["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let users = call(
        &server,
        "GET",
        "/users",
        None,
        &[("Authorization", &format!("Bearer {admin}"))],
    )
    .await;
    assert_eq!(users.status, 200, "{}", users.body);
    assert_eq!(users.body["items"].as_array().map(Vec::len), Some(3));

    // Unknown and revoked tokens.
    let forged = call(
        &server,
        "GET",
        "/me",
        None,
        &[("Authorization", "Bearer khp_forged")],
    )
    .await;
    assert_eq!(
        (forged.status, forged.body["error"]["code"].as_str()),
        (401, Some("invalid_token"))
    );
    let out = call(
        &server,
        "POST",
        "/auth/signout",
        None,
        &[("Authorization", &bearer)],
    )
    .await;
    assert_eq!(out.status, 204);
    assert_eq!(
        call(&server, "GET", "/me", None, &[("Authorization", &bearer)])
            .await
            .status,
        401
    );
    server.stop().await.unwrap();
}

async fn bad_requests_get_json_errors(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let url = format!("{}/api/v1/auth/signup", server.base_url());
    let malformed = client()
        .post(&url)
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    let body: Value = malformed.json().await.unwrap();
    assert_eq!(body["error"]["code"], "bad_request_body");

    let long = "x".repeat(5_000);
    let cases = [
        (
            json!({ "username": long, "email": "a@b.example", "password": PASSWORD }),
            "username",
            "username_too_long",
        ),
        (
            json!({ "username": "lay\u{202E}la", "email": "a@b.example", "password": PASSWORD }),
            "username",
            "username_bad_character",
        ),
        (
            json!({ "username": "samira", "email": "nope", "password": PASSWORD }),
            "email",
            "invalid_email",
        ),
        (
            json!({ "username": "samira", "email": "a@b.example", "password": "1234567890" }),
            "password",
            "password_too_common",
        ),
        (
            json!({ "username": "samira", "email": "a@b.example", "password": PASSWORD, "lang": "fr" }),
            "lang",
            "unknown_language",
        ),
    ];
    for (body, field, code) in cases {
        let reply = call(&server, "POST", "/auth/signup", Some(body), &[]).await;
        assert_eq!(reply.status, 422, "{code}");
        assert_eq!(
            (
                reply.body["error"]["field"].as_str(),
                reply.body["error"]["code"].as_str()
            ),
            (Some(field), Some(code))
        );
    }
    let long_name = json!({ "username": "samira", "display_name": "ن".repeat(61), "email": "a@b.example", "password": PASSWORD });
    let reply = call(&server, "POST", "/auth/signup", Some(long_name), &[]).await;
    assert_eq!(
        (reply.status, reply.body["error"]["code"].as_str()),
        (422, Some("display_name_too_long"))
    );
    let huge = json!({ "login": "x".repeat(100_000), "password": "y".repeat(100_000) });
    let reply = call(&server, "POST", "/auth/signin", Some(huge), &[]).await;
    assert!(
        reply.status == 401 || reply.status == 413,
        "{}",
        reply.status
    );
    let wrong_types = json!({ "username": 42, "email": ["a"], "password": null });
    let reply = call(&server, "POST", "/auth/signup", Some(wrong_types), &[]).await;
    assert_eq!(
        (reply.status, reply.body["error"]["code"].as_str()),
        (400, Some("bad_request_body"))
    );
    let unknown = call(&server, "GET", "/no-such-thing", None, &[]).await;
    assert_eq!(
        (unknown.status, unknown.body["error"]["code"].as_str()),
        (404, Some("unknown_operation"))
    );

    // Guessing through the API is limited like the form.
    call(
        &server,
        "POST",
        "/auth/signup",
        Some(json!({ "username": "target", "email": "t@news.example", "password": PASSWORD })),
        &[],
    )
    .await;
    let mut last = None;
    for _ in 0..6 {
        last = Some(call(&server, "POST", "/tokens", Some(json!({ "login": "target", "password": "wrong guess here", "scopes": ["read"] })), &[]).await);
    }
    let last = last.unwrap();
    assert_eq!(
        (last.status, last.body["error"]["code"].as_str()),
        (429, Some("too_many_attempts"))
    );
    assert!(last.retry_after.is_some());
    server.stop().await.unwrap();
}

async fn every_documented_operation_is_served(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let reply = call(&server, "GET", "/openapi.json", None, &[]).await;
    assert_eq!(reply.status, 200);
    let document = reply.body;
    let mut operations = Vec::new();
    for (path, methods) in document["paths"].as_object().unwrap() {
        for (method, operation) in methods.as_object().unwrap() {
            operations.push(operation["operationId"].as_str().unwrap().to_owned());
            let answer = call(&server, &method.to_uppercase(), path, Some(json!({})), &[]).await;
            assert_ne!(
                answer.body["error"]["code"], "unknown_operation",
                "{method} {path} is documented but not routed"
            );
            assert_ne!(answer.status, 405, "{method} {path}");
        }
    }
    for expected in [
        "signUp",
        "signIn",
        "signOut",
        "getCurrentUser",
        "createAccessToken",
        "listUsers",
        "listStories",
        "listComments",
        "getComment",
        "createComment",
        "editComment",
        "deleteComment",
        "reactToComment",
        "reportComment",
        "streamComments",
        "listNotifications",
        "markNotificationsRead",
        "getUserProfile",
        "getStory",
        "createStory",
        "createEdition",
        "updateEdition",
        "publishEdition",
        "unpublishEdition",
        "listRevisions",
        "restoreRevision",
        "listSections",
        "createSection",
        "updateUserRole",
        "uploadMedia",
        "updateStory",
        "getSiteSettings",
        "updateSiteSettings",
    ] {
        assert!(
            operations.iter().any(|o| o == expected),
            "{expected} missing"
        );
    }
    server.stop().await.unwrap();
}

/// The token in the newest link sent to `address`.
async fn link_token(server: &khabar::Server, address: &str) -> String {
    let emails = server.store().emails_to(address).await.unwrap();
    let (_, body, _) = emails.first().expect("an email");
    let start = body.find("khe_").expect("a link");
    body[start..start + 68].to_owned()
}

async fn email_links_verify_and_reset(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let signup = json!({ "username": "hala", "email": "hala@news.example", "password": PASSWORD, "lang": "ar" });
    let cookie = call(&server, "POST", "/auth/signup", Some(signup), &[])
        .await
        .cookie
        .unwrap();
    let emails = server.store().emails_to("hala@news.example").await.unwrap();
    assert_eq!(emails.len(), 1);
    assert!(
        emails[0].0.starts_with("أكّد بريدك الإلكتروني"),
        "in the reader's language: {}",
        emails[0].0
    );

    let verify = link_token(&server, "hala@news.example").await;
    let reply = call(
        &server,
        "POST",
        "/auth/verify-email",
        Some(json!({ "token": verify })),
        &[],
    )
    .await;
    assert_eq!(reply.status, 204);
    let me = call(&server, "GET", "/me", None, &[("Cookie", &cookie)]).await;
    assert_eq!(me.body["user"]["email_verified"], true);
    let again = call(
        &server,
        "POST",
        "/auth/verify-email",
        Some(json!({ "token": verify })),
        &[],
    )
    .await;
    assert_eq!(
        (again.status, again.body["error"]["code"].as_str()),
        (410, Some("link_invalid"))
    );

    // Reset: the answer is the same for an unknown address.
    for address in ["hala@news.example", "nobody@news.example"] {
        let reply = call(
            &server,
            "POST",
            "/auth/password-reset",
            Some(json!({ "email": address })),
            &[],
        )
        .await;
        assert_eq!(reply.status, 202, "{address}");
    }
    // The message is written in the background.
    let mut reset = String::new();
    for _ in 0..200 {
        if server
            .store()
            .emails_to("hala@news.example")
            .await
            .unwrap()
            .len()
            == 2
        {
            reset = link_token(&server, "hala@news.example").await;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(!reset.is_empty(), "a reset email was queued");
    assert!(
        server
            .store()
            .emails_to("nobody@news.example")
            .await
            .unwrap()
            .is_empty()
    );

    // A weak password is refused without spending the link.
    let weak = call(
        &server,
        "POST",
        "/auth/password-reset/confirm",
        Some(json!({ "token": reset, "password": "password123" })),
        &[],
    )
    .await;
    assert_eq!(
        (weak.status, weak.body["error"]["code"].as_str()),
        (422, Some("password_too_common"))
    );
    // A token minted before the reset must not survive it.
    let minted = token(&server, "hala", &["read"]).await.body["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let new_password = "a brand new passphrase";
    let done = call(
        &server,
        "POST",
        "/auth/password-reset/confirm",
        Some(json!({ "token": reset, "password": new_password })),
        &[],
    )
    .await;
    assert_eq!(done.status, 204);
    assert_eq!(
        call(&server, "GET", "/me", None, &[("Cookie", &cookie)])
            .await
            .status,
        401,
        "sessions ended"
    );
    let bearer = format!("Bearer {minted}");
    let after = call(&server, "GET", "/me", None, &[("Authorization", &bearer)]).await;
    assert_eq!(
        after.status, 401,
        "tokens minted before the reset are revoked"
    );
    let reused = call(
        &server,
        "POST",
        "/auth/password-reset/confirm",
        Some(json!({ "token": reset, "password": "another new passphrase" })),
        &[],
    )
    .await;
    assert_eq!(reused.status, 410);
    let signin = call(
        &server,
        "POST",
        "/auth/signin",
        Some(json!({ "login": "hala", "password": new_password })),
        &[],
    )
    .await;
    assert_eq!(signin.status, 200);
    server.stop().await.unwrap();
}

async fn export_and_delete_my_account(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let reply = call(
        &server,
        "POST",
        "/auth/signup",
        Some(json!({ "username": "samer", "email": "samer@news.example", "password": PASSWORD })),
        &[],
    )
    .await;
    let cookie = reply.cookie.unwrap();
    let csrf = reply.body["csrf_token"].as_str().unwrap().to_owned();
    let reading = token(&server, "samer", &["read"]).await.body["token"]
        .as_str()
        .unwrap()
        .to_owned();

    let export = call(
        &server,
        "GET",
        "/me/export",
        None,
        &[("Authorization", &format!("Bearer {reading}"))],
    )
    .await;
    assert_eq!(export.status, 200);
    assert_eq!(export.body["account"]["email"], "samer@news.example");
    assert_eq!(
        export.body["access_tokens"].as_array().map(Vec::len),
        Some(1)
    );
    let text = export.body.to_string();
    assert!(
        !text.contains("argon2") && !text.contains("khp_") && !text.contains("token_hash"),
        "no secrets: {text}"
    );

    // A reading token cannot delete the account; a wrong password cannot either.
    let by_token = call(
        &server,
        "DELETE",
        "/me",
        Some(json!({ "password": PASSWORD })),
        &[("Authorization", &format!("Bearer {reading}"))],
    )
    .await;
    assert_eq!(
        (by_token.status, by_token.body["error"]["code"].as_str()),
        (403, Some("insufficient_scope"))
    );
    let wrong = call(
        &server,
        "DELETE",
        "/me",
        Some(json!({ "password": "not my password" })),
        &[("Cookie", &cookie), ("X-CSRF-Token", &csrf)],
    )
    .await;
    assert_eq!(
        (wrong.status, wrong.body["error"]["code"].as_str()),
        (403, Some("wrong_password"))
    );

    let deleted = call(
        &server,
        "DELETE",
        "/me",
        Some(json!({ "password": PASSWORD })),
        &[("Cookie", &cookie), ("X-CSRF-Token", &csrf)],
    )
    .await;
    assert_eq!(deleted.status, 204);
    assert_eq!(
        call(&server, "GET", "/me", None, &[("Cookie", &cookie)])
            .await
            .status,
        401
    );
    assert_eq!(
        call(
            &server,
            "GET",
            "/me",
            None,
            &[("Authorization", &format!("Bearer {reading}"))]
        )
        .await
        .status,
        401
    );
    let signin = call(
        &server,
        "POST",
        "/auth/signin",
        Some(json!({ "login": "samer@news.example", "password": PASSWORD })),
        &[],
    )
    .await;
    assert_eq!(signin.status, 401);
    server.stop().await.unwrap();
}

async fn the_discussion_through_the_api(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    for name in ["layla", "sam"] {
        let signup = json!({ "username": name, "email": format!("{name}@news.example"), "password": PASSWORD });
        call(&server, "POST", "/auth/signup", Some(signup), &[]).await;
    }
    let layla = format!(
        "Bearer {}",
        token(&server, "layla", &["read", "comment"]).await.body["token"]
            .as_str()
            .unwrap()
    );
    let sam = format!(
        "Bearer {}",
        token(&server, "sam", &["read", "comment"]).await.body["token"]
            .as_str()
            .unwrap()
    );
    let reading = format!(
        "Bearer {}",
        token(&server, "sam", &["read"]).await.body["token"]
            .as_str()
            .unwrap()
    );
    let edition = server
        .store()
        .published(Lang::AR, khabar_store::ListFilter::Latest, 1, 1)
        .await
        .unwrap()
        .items[0]
        .id;
    let comments = format!("/editions/{edition}/comments");

    let refused = call(
        &server,
        "POST",
        &comments,
        Some(json!({ "body": "hi" })),
        &[("Authorization", &reading)],
    )
    .await;
    assert_eq!(
        (refused.status, refused.body["error"]["code"].as_str()),
        (403, Some("insufficient_scope"))
    );
    let created = call(
        &server,
        "POST",
        &comments,
        Some(json!({ "body": "تعليق **ليلى**" })),
        &[("Authorization", &layla)],
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let first = created.body["id"].as_i64().unwrap();
    assert!(
        created.body["html"]
            .as_str()
            .unwrap()
            .contains(r#"<p dir="rtl">تعليق **ليلى**</p>"#),
        "shown as typed: {}",
        created.body
    );
    let reply = json!({ "body": "Replying to @layla in English", "parent_id": first });
    let replied = call(
        &server,
        "POST",
        &comments,
        Some(reply),
        &[("Authorization", &sam)],
    )
    .await;
    assert_eq!(replied.status, 201);
    assert!(
        replied.body["html"]
            .as_str()
            .unwrap()
            .contains(r#"href="/ar/user/layla""#)
    );

    let listed = call(&server, "GET", &comments, None, &[]).await;
    assert_eq!(listed.body["comments"][0]["reply_count"], 1);
    let one = call(&server, "GET", &format!("/comments/{first}"), None, &[]).await;
    assert_eq!(one.body["author_username"], "layla");

    let path = format!("/comments/{first}");
    let hijack = call(
        &server,
        "PATCH",
        &path,
        Some(json!({ "body": "mine now" })),
        &[("Authorization", &sam)],
    )
    .await;
    assert_eq!(
        (hijack.status, hijack.body["error"]["code"].as_str()),
        (422, Some("not_your_comment"))
    );
    let edited = call(
        &server,
        "PATCH",
        &path,
        Some(json!({ "body": "تعليق معدّل" })),
        &[("Authorization", &layla)],
    )
    .await;
    assert_eq!(
        (edited.status, edited.body["body"].as_str()),
        (200, Some("تعليق معدّل"))
    );

    let reaction = format!("{path}/reaction");
    for _ in 0..2 {
        let liked = call(
            &server,
            "PUT",
            &reaction,
            Some(json!({ "like": true })),
            &[("Authorization", &sam)],
        )
        .await;
        assert_eq!(liked.body["like_count"], 1, "once per reader");
    }
    let reports = format!("{path}/reports");
    assert_eq!(
        call(
            &server,
            "POST",
            &reports,
            Some(json!({ "reason": "spam" })),
            &[("Authorization", &sam)]
        )
        .await
        .status,
        201
    );
    let again = call(
        &server,
        "POST",
        &reports,
        Some(json!({ "reason": "spam" })),
        &[("Authorization", &sam)],
    )
    .await;
    assert_eq!(
        (again.status, again.body["error"]["code"].as_str()),
        (409, Some("already_reported"))
    );

    let notes = call(
        &server,
        "GET",
        "/notifications",
        None,
        &[("Authorization", &layla)],
    )
    .await;
    assert_eq!(notes.body["unread"], 1);
    assert_eq!(notes.body["notifications"][0]["kind"], "reply");
    assert_eq!(
        call(
            &server,
            "POST",
            "/notifications/read",
            None,
            &[("Authorization", &layla)]
        )
        .await
        .status,
        204
    );
    assert_eq!(
        call(
            &server,
            "GET",
            "/notifications",
            None,
            &[("Authorization", &layla)]
        )
        .await
        .body["unread"],
        0
    );

    let profile = call(&server, "GET", "/users/sam", None, &[]).await;
    assert_eq!(profile.body["profile"]["username"], "sam");
    assert_eq!(
        profile.body["comments"]["items"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(
        call(&server, "GET", "/users/nobody", None, &[])
            .await
            .status,
        404
    );

    assert_eq!(
        call(&server, "DELETE", &path, None, &[("Authorization", &sam)])
            .await
            .status,
        422
    );
    assert_eq!(
        call(&server, "DELETE", &path, None, &[("Authorization", &layla)])
            .await
            .status,
        204
    );
    let listed = call(&server, "GET", &comments, None, &[]).await;
    assert_eq!(listed.body["comments"][0]["comment"]["status"], "deleted");

    let stream = client()
        .get(format!(
            "{}/api/v1/editions/{edition}/comments/stream",
            server.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    drop(stream);
    assert_eq!(
        call(&server, "GET", "/editions/999999/comments", None, &[])
            .await
            .status,
        404
    );
    server.stop().await.unwrap();
}

on_both_backends!(
    the_discussion_through_the_api,
    email_links_verify_and_reset,
    export_and_delete_my_account,
    sessions_through_the_api,
    tokens_carry_scopes_and_roles,
    bad_requests_get_json_errors,
    every_documented_operation_is_served,
);
