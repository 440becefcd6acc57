//! The newsroom through the API, on SQLite and on PostgreSQL: who may
//! write, edit and publish what, optimistic locking, revisions and restore,
//! sections and roles.

mod common;

use common::{Reply, call, spawn_app};
use khabar_core::{Lang, Role, Slug};
use khabar_store::AuthorProfile;
use khabar_testkit::{TestDatabase, on_both_backends};
use serde_json::{Value, json};

const PASSWORD: &str = "harbour lights at dusk";

/// A staff account with a bearer token for `scopes`; returns the
/// Authorization header value.
async fn bearer(server: &khabar::Server, name: &str, role: Role, scopes: &[&str]) -> String {
    common::account(server, name, role, PASSWORD).await;
    let reply = call(
        server,
        "POST",
        "/tokens",
        Some(json!({ "login": name, "password": PASSWORD, "scopes": scopes, "name": "desk" })),
        &[],
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    format!("Bearer {}", reply.body["token"].as_str().unwrap())
}

async fn as_(
    server: &khabar::Server,
    auth: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Reply {
    call(server, method, path, body, &[("Authorization", auth)]).await
}

fn code(reply: &Reply) -> &str {
    reply.body["error"]["code"].as_str().unwrap_or("")
}

async fn roles_decide_who_writes_edits_and_publishes(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let store = server.store().clone();
    let author = bearer(&server, "nadia", Role::Author, &["read", "edit"]).await;
    let other_author = bearer(&server, "karim", Role::Author, &["read", "edit"]).await;
    let editor = bearer(&server, "desk", Role::Editor, &["read", "edit"]).await;
    // A reader's token cannot even hold the edit scope.
    let reader = bearer(&server, "ahmad", Role::Reader, &["read", "comment"]).await;
    // Nadia writes as an author profile linked to her account.
    let nadia_id = store.list_users(1, 50).await.unwrap().items[0].id;
    let nadia_byline = store
        .create_author(
            &Slug::parse("nadia-issa").unwrap(),
            &[AuthorProfile {
                lang: Lang::EN,
                name: "Nadia Issa".into(),
                bio: String::new(),
            }],
            Some(nadia_id),
        )
        .await
        .unwrap();

    let sections = as_(
        &server,
        &editor,
        "POST",
        "/sections",
        Some(json!({
            "slug": "harbour", "names": { "ar": "الميناء", "en": "Harbour" }
        })),
    )
    .await;
    assert_eq!(sections.status, 201, "{}", sections.body);
    let section_id = sections.body["id"].as_i64().unwrap();
    assert_eq!(sections.body["names"]["ar"], "الميناء");
    let refused = as_(
        &server,
        &author,
        "POST",
        "/sections",
        Some(json!({
            "slug": "gossip", "names": { "en": "Gossip" }
        })),
    )
    .await;
    assert_eq!((refused.status, code(&refused)), (403, "forbidden"));
    let listed = as_(&server, &author, "GET", "/sections", None).await;
    assert_eq!(listed.body["sections"][0]["slug"], "harbour");

    // A reader cannot write; an author can, and stands in the byline.
    let new_story = json!({
        "lang": "en",
        "section_id": section_id,
        "edition": { "headline": "Night ferry returns for the summer", "body": "The ferry runs again." }
    });
    let refused = as_(
        &server,
        &reader,
        "POST",
        "/stories",
        Some(new_story.clone()),
    )
    .await;
    assert_eq!(
        (refused.status, code(&refused)),
        (403, "insufficient_scope")
    );
    let created = as_(&server, &author, "POST", "/stories", Some(new_story)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let story_id = created.body["id"].as_i64().unwrap();
    let edition = &created.body["editions"][0];
    let edition_id = edition["id"].as_i64().unwrap();
    assert_eq!(edition["status"], "draft");
    assert_eq!(edition["slug"], "night-ferry-returns-for-the-summer");
    assert_eq!(edition["author_ids"], json!([nadia_byline]));

    // The Arabic edition keeps an Arabic slug.
    let arabic = as_(
        &server,
        &author,
        "POST",
        &format!("/stories/{story_id}/editions"),
        Some(json!({
            "lang": "ar",
            "edition": { "headline": "عودة العبّارة الليلية في الصيف", "body": "تعود العبارة." }
        })),
    )
    .await;
    assert_eq!(arabic.status, 201, "{}", arabic.body);
    assert_eq!(arabic.body["slug"], "عودة-العبارة-الليلية-في-الصيف");
    let again = as_(
        &server,
        &author,
        "POST",
        &format!("/stories/{story_id}/editions"),
        Some(json!({
            "lang": "ar", "edition": { "headline": "نسخة ثانية" }
        })),
    )
    .await;
    assert_eq!((again.status, code(&again)), (409, "already_taken"));
    // Another author's story is not Nadia's to add to, nor is someone
    // else's byline hers to sign with.
    let karims = as_(
        &server,
        &other_author,
        "POST",
        "/stories",
        Some(json!({
            "lang": "en", "edition": { "headline": "Karim's market report" }
        })),
    )
    .await;
    assert_eq!(karims.status, 201, "{}", karims.body);
    let intrusion = as_(
        &server,
        &author,
        "POST",
        &format!("/stories/{}/editions", karims.body["id"]),
        Some(json!({
            "lang": "ar", "edition": { "headline": "تقرير السوق" }
        })),
    )
    .await;
    assert_eq!((intrusion.status, code(&intrusion)), (403, "forbidden"));
    let borrowed = as_(&server, &author, "POST", "/stories", Some(json!({
        "lang": "en", "author_ids": [999_999], "edition": { "headline": "Signed by someone else" }
    }))).await;
    assert_eq!((borrowed.status, code(&borrowed)), (403, "forbidden"));
    let unknown = as_(
        &server,
        &editor,
        "POST",
        "/stories",
        Some(json!({
            "lang": "en", "author_ids": [999_999], "edition": { "headline": "A byline nobody has" }
        })),
    )
    .await;
    assert_eq!((unknown.status, code(&unknown)), (422, "unknown_reference"));
    assert_eq!(unknown.body["error"]["field"], "author_ids");
    let french = as_(
        &server,
        &editor,
        "POST",
        "/stories",
        Some(json!({
            "lang": "fr", "edition": { "headline": "Une histoire" }
        })),
    )
    .await;
    assert_eq!((french.status, code(&french)), (422, "unknown_language"));
    // The refused byline's story (it would have been number 3) was taken
    // back with its failed edition.
    let orphan = as_(&server, &editor, "GET", "/stories/3", None).await;
    assert_eq!(orphan.status, 404, "{}", orphan.body);

    // Another author may not touch Nadia's draft; nor may an author publish.
    let update = |revision: i64, headline: &str| json!({ "revision": revision, "edition": { "headline": headline, "body": "The ferry runs again, nightly." } });
    let path = format!("/editions/{edition_id}");
    let refused = as_(
        &server,
        &other_author,
        "PUT",
        &path,
        Some(update(1, "Taken over")),
    )
    .await;
    assert_eq!((refused.status, code(&refused)), (403, "forbidden"));
    let saved = as_(
        &server,
        &author,
        "PUT",
        &path,
        Some(update(1, "Night ferry back for summer")),
    )
    .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.body["revision"], 2);
    let refused = as_(&server, &author, "POST", &format!("{path}/publish"), None).await;
    assert_eq!((refused.status, code(&refused)), (403, "forbidden"));

    // The editor publishes; the author can no longer change it, the editor can.
    let published = as_(&server, &editor, "POST", &format!("{path}/publish"), None).await;
    assert_eq!(published.status, 200, "{}", published.body);
    assert_eq!(published.body["status"], "published");
    let (status, _) = common::get(&server, "/en/story/night-ferry-back-for-summer").await;
    assert_eq!(status, 200);
    let refused = as_(
        &server,
        &author,
        "PUT",
        &path,
        Some(update(2, "Quiet change")),
    )
    .await;
    assert_eq!((refused.status, code(&refused)), (403, "forbidden"));
    let fixed = as_(
        &server,
        &editor,
        "PUT",
        &path,
        Some(update(2, "Night ferry back for the summer")),
    )
    .await;
    assert_eq!(fixed.body["revision"], 3, "{}", fixed.body);

    // Story-wide fields: out of the author's hands once published.
    let story_path = format!("/stories/{story_id}");
    let moved = json!({ "section_id": null, "tag_ids": [], "hero_image": "https://images.example/ferry.jpg" });
    let refused = as_(&server, &author, "PUT", &story_path, Some(moved.clone())).await;
    assert_eq!((refused.status, code(&refused)), (403, "forbidden"));
    let changed = as_(&server, &editor, "PUT", &story_path, Some(moved)).await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.body["section_id"], Value::Null);
    assert_eq!(
        changed.body["hero_image"],
        "https://images.example/ferry.jpg"
    );
    let (_, page) = common::get(&server, "/en/story/night-ferry-back-for-the-summer").await;
    assert!(page.contains("src=\"https://images.example/ferry.jpg\""));
    let unknown = as_(
        &server,
        &editor,
        "PUT",
        &story_path,
        Some(json!({ "section_id": 999_999 })),
    )
    .await;
    assert_eq!((unknown.status, code(&unknown)), (422, "unknown_reference"));
    let bad_image = as_(
        &server,
        &editor,
        "PUT",
        &story_path,
        Some(json!({ "hero_image": "http://plain.example/x.jpg" })),
    )
    .await;
    assert_eq!(
        (bad_image.status, code(&bad_image)),
        (422, "invalid_image_location")
    );

    // Scheduling, then unpublishing.
    let ar_id = arabic.body["id"].as_i64().unwrap();
    let later = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(2)).to_string();
    let scheduled = as_(
        &server,
        &editor,
        "POST",
        &format!("/editions/{ar_id}/publish"),
        Some(json!({ "at": later })),
    )
    .await;
    assert_eq!(scheduled.body["status"], "scheduled", "{}", scheduled.body);
    // Scheduled is out of the author's hands: nothing unreviewed goes live.
    let ar_path = format!("/editions/{ar_id}");
    let late = json!({ "revision": 1, "edition": { "headline": "عنوان لم يراجعه أحد" } });
    let refused = as_(&server, &author, "PUT", &ar_path, Some(late)).await;
    assert_eq!((refused.status, code(&refused)), (403, "forbidden"));
    let restore = as_(
        &server,
        &author,
        "POST",
        &format!("{ar_path}/revisions/1/restore"),
        Some(json!({ "revision": 1 })),
    )
    .await;
    assert_eq!((restore.status, code(&restore)), (403, "forbidden"));
    let past = as_(
        &server,
        &editor,
        "POST",
        &format!("{path}/publish"),
        Some(json!({ "at": "2020-01-01T00:00:00Z" })),
    )
    .await;
    assert_eq!((past.status, code(&past)), (422, "not_in_future"));
    let bad_time = as_(
        &server,
        &editor,
        "POST",
        &format!("/editions/{ar_id}/publish"),
        Some(json!({ "at": "tomorrow" })),
    )
    .await;
    assert_eq!((bad_time.status, code(&bad_time)), (422, "invalid_time"));
    let pulled = as_(&server, &editor, "POST", &format!("{path}/unpublish"), None).await;
    assert_eq!(pulled.body["status"], "unpublished", "{}", pulled.body);
    let (status, _) = common::get(&server, "/en/story/night-ferry-back-for-the-summer").await;
    assert_eq!(status, 404);

    // A token without the edit scope is refused even for an editor.
    let read_only = bearer(&server, "copydesk", Role::Editor, &["read"]).await;
    let refused = as_(
        &server,
        &read_only,
        "GET",
        &format!("/stories/{story_id}"),
        None,
    )
    .await;
    assert_eq!(
        (refused.status, code(&refused)),
        (403, "insufficient_scope")
    );
    let story = as_(
        &server,
        &editor,
        "GET",
        &format!("/stories/{story_id}"),
        None,
    )
    .await;
    assert_eq!(story.body["editions"].as_array().unwrap().len(), 2);
    assert_eq!(
        story.body["section_id"],
        Value::Null,
        "moved out of its section above"
    );
    let missing = as_(&server, &editor, "GET", "/stories/999999", None).await;
    assert_eq!((missing.status, code(&missing)), (404, "not_found"));
    server.stop().await.unwrap();
}

async fn a_stale_save_is_refused_and_revisions_restore(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let editor = bearer(&server, "desk", Role::Editor, &["read", "edit"]).await;
    let second = bearer(&server, "nightdesk", Role::Editor, &["read", "edit"]).await;
    let created = as_(
        &server,
        &editor,
        "POST",
        "/stories",
        Some(json!({
            "lang": "en",
            "edition": { "headline": "Harbour wall repairs begin", "body": "First draft." }
        })),
    )
    .await;
    let edition_id = created.body["editions"][0]["id"].as_i64().unwrap();
    let path = format!("/editions/{edition_id}");
    let save = |revision: i64, body: &str| json!({ "revision": revision, "edition": { "headline": "Harbour wall repairs begin", "slug": "harbour-wall", "body": body } });
    // Both open revision 1; the first save wins, the second is refused and
    // changes nothing.
    let first = as_(
        &server,
        &editor,
        "PUT",
        &path,
        Some(save(1, "Second draft by the desk.")),
    )
    .await;
    assert_eq!(first.body["revision"], 2, "{}", first.body);
    let stale = as_(
        &server,
        &second,
        "PUT",
        &path,
        Some(save(1, "Night desk's version.")),
    )
    .await;
    assert_eq!((stale.status, code(&stale)), (409, "edit_conflict"));
    assert!(
        stale.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("someone else")
    );
    let story = as_(
        &server,
        &editor,
        "GET",
        &format!("/stories/{}", created.body["id"]),
        None,
    )
    .await;
    assert_eq!(
        story.body["editions"][0]["body"],
        "Second draft by the desk."
    );
    // Reloaded, the second editor saves over revision 2.
    let third = as_(
        &server,
        &second,
        "PUT",
        &path,
        Some(save(2, "Night desk's version.")),
    )
    .await;
    assert_eq!(third.body["revision"], 3);

    let revisions = as_(&server, &editor, "GET", &format!("{path}/revisions"), None).await;
    let list = revisions.body["revisions"].as_array().unwrap();
    let bodies: Vec<&str> = list.iter().map(|r| r["body"].as_str().unwrap()).collect();
    assert_eq!(
        bodies,
        [
            "Night desk's version.",
            "Second draft by the desk.",
            "First draft."
        ]
    );

    // Restoring revision 1 makes revision 4 with its text; history stays.
    let stale = as_(
        &server,
        &editor,
        "POST",
        &format!("{path}/revisions/1/restore"),
        Some(json!({ "revision": 2 })),
    )
    .await;
    assert_eq!((stale.status, code(&stale)), (409, "edit_conflict"));
    let restored = as_(
        &server,
        &editor,
        "POST",
        &format!("{path}/revisions/1/restore"),
        Some(json!({ "revision": 3 })),
    )
    .await;
    assert_eq!(restored.status, 200, "{}", restored.body);
    assert_eq!(restored.body["revision"], 4);
    assert_eq!(restored.body["body"], "First draft.");
    assert_eq!(restored.body["slug"], "harbour-wall-repairs-begin");
    let revisions = as_(&server, &editor, "GET", &format!("{path}/revisions"), None).await;
    assert_eq!(revisions.body["revisions"].as_array().unwrap().len(), 4);
    let missing = as_(
        &server,
        &editor,
        "POST",
        &format!("{path}/revisions/99/restore"),
        Some(json!({ "revision": 4 })),
    )
    .await;
    assert_eq!(missing.status, 404);
    let invalid = as_(
        &server,
        &editor,
        "PUT",
        &path,
        Some(json!({ "revision": 4, "edition": { "headline": "" } })),
    )
    .await;
    assert_eq!(
        (invalid.status, invalid.body["error"]["field"].as_str()),
        (422, Some("headline"))
    );
    server.stop().await.unwrap();
}

async fn admins_give_roles(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let admin = bearer(&server, "chief", Role::Admin, &["read", "admin", "edit"]).await;
    // An editor's token cannot hold the admin scope, so role changes are
    // out of its reach twice over.
    let editor = bearer(&server, "desk", Role::Editor, &["read", "edit"]).await;
    common::account(&server, "sami", Role::Reader, PASSWORD).await;
    let refused = as_(
        &server,
        &editor,
        "PUT",
        "/users/sami/role",
        Some(json!({ "role": "author" })),
    )
    .await;
    assert_eq!(
        (refused.status, code(&refused)),
        (403, "insufficient_scope")
    );
    let made = as_(
        &server,
        &admin,
        "PUT",
        "/users/sami/role",
        Some(json!({ "role": "author" })),
    )
    .await;
    assert_eq!(made.status, 200, "{}", made.body);
    let users = as_(&server, &admin, "GET", "/users", None).await;
    let sami = users.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "sami")
        .unwrap()
        .clone();
    assert_eq!(sami["role"], "author");
    let own = as_(
        &server,
        &admin,
        "PUT",
        "/users/chief/role",
        Some(json!({ "role": "reader" })),
    )
    .await;
    assert_eq!(own.status, 403, "an admin cannot demote themselves");
    let unknown = as_(
        &server,
        &admin,
        "PUT",
        "/users/sami/role",
        Some(json!({ "role": "owner" })),
    )
    .await;
    assert_eq!((unknown.status, code(&unknown)), (422, "unknown_role"));
    let nobody = as_(
        &server,
        &admin,
        "PUT",
        "/users/nobody/role",
        Some(json!({ "role": "author" })),
    )
    .await;
    assert_eq!(nobody.status, 404);
    server.stop().await.unwrap();
}

/// A multipart/form-data body: text fields, then the file (with a name and
/// type that need not be true); returns (Content-Type, body).
fn multipart_body(file: Option<(&str, &str, &[u8])>, fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    let boundary = "khabar-test-boundary-7f3a";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((filename, content_type, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// POSTs `/api/v1/media` as multipart/form-data: the file (with a name
/// and type that need not be true) and text fields.
async fn upload(
    server: &khabar::Server,
    auth: &str,
    file: Option<(&str, &str, &[u8])>,
    fields: &[(&str, &str)],
) -> Reply {
    let (content_type, body) = multipart_body(file, fields);
    let response = common::client()
        .post(format!("{}/api/v1/media", server.base_url()))
        .header("Authorization", auth)
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    Reply {
        status,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
        cookie: None,
        retry_after: None,
    }
}

async fn fetch_media(server: &khabar::Server, path: &str) -> (String, Vec<u8>) {
    let response = common::client()
        .get(format!("{}/media/{path}", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    (content_type, response.bytes().await.unwrap().to_vec())
}

async fn images_are_sniffed_stripped_and_resized(db: &TestDatabase) {
    use khabar_testkit::images::{EXIF_LOCATION, jpeg_with_exif, picture};
    let server = spawn_app(db, false).await;
    let author = bearer(&server, "nadia", Role::Author, &["read", "edit"]).await;

    // A phone photo taken on its side, with a location in its EXIF.
    let photo = jpeg_with_exif(2000, 1200);
    let reply = upload(
        &server,
        &author,
        Some(("harbour.jpg", "image/jpeg", &photo)),
        &[
            ("alt_ar", "قوارب الصيد عند رصيف الميناء"),
            ("caption_ar", "الميناء القديم صباحاً"),
            ("alt_en", "Fishing boats at the harbour quay"),
        ],
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let media = &reply.body;
    assert_eq!(
        (media["width"].as_u64(), media["height"].as_u64()),
        (Some(1200), Some(2000))
    );
    assert_eq!(media["content_type"], "image/jpeg");
    assert_eq!(media["texts"]["ar"]["alt"], "قوارب الصيد عند رصيف الميناء");
    assert_eq!(media["texts"]["ar"]["caption"], "الميناء القديم صباحاً");
    assert_eq!(media["texts"]["en"]["caption"], "");
    let widths: Vec<u64> = media["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["width"].as_u64().unwrap())
        .collect();
    assert_eq!(widths, [480, 960]);
    let (content_type, original) = fetch_media(&server, media["path"].as_str().unwrap()).await;
    assert_eq!(content_type, "image/jpeg");
    assert!(!original.windows(4).any(|w| w == b"Exif"), "EXIF kept");
    assert!(
        !original
            .windows(EXIF_LOCATION.len())
            .any(|w| w == EXIF_LOCATION)
    );
    for variant in media["variants"].as_array().unwrap() {
        let (content_type, bytes) = fetch_media(&server, variant["path"].as_str().unwrap()).await;
        assert_eq!(content_type, "image/webp");
        let decoded = image::load_from_memory(&bytes).unwrap();
        assert_eq!(
            u64::from(decoded.width()),
            variant["width"].as_u64().unwrap()
        );
        assert!(
            !bytes
                .windows(EXIF_LOCATION.len())
                .any(|w| w == EXIF_LOCATION)
        );
    }

    // As a story's hero image, the page offers the variants by width.
    let editor = bearer(&server, "desk", Role::Editor, &["read", "edit"]).await;
    let path = media["path"].as_str().unwrap();
    let story = as_(
        &server,
        &editor,
        "POST",
        "/stories",
        Some(json!({
            "lang": "en",
            "hero_image": format!("/media/{path}"),
            "edition": { "headline": "Boats at dawn", "body": "A photo story." }
        })),
    )
    .await;
    assert_eq!(story.status, 201, "{}", story.body);
    let edition_id = story.body["editions"][0]["id"].as_i64().unwrap();
    as_(
        &server,
        &editor,
        "POST",
        &format!("/editions/{edition_id}/publish"),
        None,
    )
    .await;
    let (_, page) = common::get(&server, "/en/story/boats-at-dawn").await;
    let stem = path.trim_end_matches(".jpg");
    let srcset = format!(
        "srcset=\"/media/{stem}-480.webp 480w, /media/{stem}-960.webp 960w, /media/{path} 1200w\""
    );
    assert!(page.contains(&srcset), "{srcset} not in the page");
    assert!(
        page.contains("alt=\"Fishing boats at the harbour quay\" width=\"1200\" height=\"2000\"")
    );
    let (_, home) = common::get(&server, "/en/").await;
    assert!(home.contains(&srcset), "the card offers the variants too");

    // The same file again is the same entry.
    let again = upload(
        &server,
        &author,
        Some(("again.jpg", "image/jpeg", &photo)),
        &[],
    )
    .await;
    assert_eq!(again.body["id"], media["id"], "{}", again.body);
    assert_eq!(
        again.body["texts"]["ar"]["alt"],
        "قوارب الصيد عند رصيف الميناء"
    );

    // A small PNG keeps its type and needs no variants.
    let png = picture(300, 200, image::ImageFormat::Png);
    let reply = upload(
        &server,
        &author,
        Some(("chart.png", "image/png", &png)),
        &[],
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.body["content_type"], "image/png");
    assert_eq!(reply.body["variants"], json!([]));

    // The name and the declared type are not believed.
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>";
    let reply = upload(
        &server,
        &author,
        Some(("photo.jpg", "image/jpeg", svg)),
        &[],
    )
    .await;
    assert_eq!((reply.status, code(&reply)), (415, "unsupported_type"));
    let mut broken = photo.clone();
    broken.truncate(600);
    let reply = upload(
        &server,
        &author,
        Some(("cut.jpg", "image/jpeg", &broken)),
        &[],
    )
    .await;
    assert_eq!((reply.status, code(&reply)), (422, "unreadable_image"));
    // A few dozen bytes that would decode to 6,300 × 6,300: refused from
    // the header, never decoded.
    let bomb = khabar_testkit::images::png_header(6_300, 6_300);
    let reply = upload(
        &server,
        &author,
        Some(("bomb.png", "image/png", &bomb)),
        &[],
    )
    .await;
    assert_eq!((reply.status, code(&reply)), (422, "image_too_large"));
    let huge = vec![0xFFu8; 10 * 1024 * 1024 + 1];
    let reply = upload(
        &server,
        &author,
        Some(("huge.jpg", "image/jpeg", &huge)),
        &[],
    )
    .await;
    assert_eq!(reply.status, 413, "{}", reply.body);
    let reply = upload(&server, &author, None, &[("alt_en", "no file")]).await;
    assert_eq!((reply.status, code(&reply)), (422, "required"));
    let reply = upload(
        &server,
        &author,
        Some(("x.png", "image/png", &png)),
        &[("alt_fr", "non")],
    )
    .await;
    assert_eq!((reply.status, code(&reply)), (422, "unknown_language"));

    // Readers cannot upload.
    let reader = bearer(&server, "ahmad", Role::Reader, &["read", "comment"]).await;
    let reply = upload(&server, &reader, Some(("x.png", "image/png", &png)), &[]).await;
    assert_eq!(reply.status, 403);
    server.stop().await.unwrap();
}

async fn the_story_list_filters_and_shows_translation_status(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let editor = bearer(&server, "desk", Role::Editor, &["read", "edit"]).await;
    let section = as_(
        &server,
        &editor,
        "POST",
        "/sections",
        Some(json!({
            "slug": "harbour", "names": { "en": "Harbour" }
        })),
    )
    .await;
    let section_id = section.body["id"].as_i64().unwrap();
    let ferry = as_(
        &server,
        &editor,
        "POST",
        "/stories",
        Some(json!({
            "lang": "en", "section_id": section_id,
            "edition": { "headline": "Night Ferry timetable", "body": "Later departures." }
        })),
    )
    .await;
    let story_id = ferry.body["id"].as_i64().unwrap();
    let en_id = ferry.body["editions"][0]["id"].as_i64().unwrap();
    let arabic = as_(&server, &editor, "POST", &format!("/stories/{story_id}/editions"), Some(json!({
        "lang": "ar", "edition": { "headline": "مواعيد العبارة الليلية", "body": "رحلات متأخرة." }
    }))).await;
    let ar_id = arabic.body["id"].as_i64().unwrap();
    // The Arabic desk revises twice more; the English edition stays put.
    for (revision, body) in [
        (1, "رحلات متأخرة أكثر."),
        (2, "رحلات متأخرة حتى منتصف الليل."),
    ] {
        let saved = as_(&server, &editor, "PUT", &format!("/editions/{ar_id}"), Some(json!({
            "revision": revision, "edition": { "headline": "مواعيد العبارة الليلية", "body": body }
        }))).await;
        assert_eq!(saved.status, 200, "{}", saved.body);
    }
    as_(
        &server,
        &editor,
        "POST",
        "/stories",
        Some(json!({
            "lang": "en", "edition": { "headline": "Fees cut by 100% for rowing boats" }
        })),
    )
    .await;
    as_(
        &server,
        &editor,
        "POST",
        &format!("/editions/{en_id}/publish"),
        None,
    )
    .await;

    let list = |query: String| {
        let editor = editor.clone();
        let server = &server;
        async move {
            let reply = as_(server, &editor, "GET", &format!("/stories{query}"), None).await;
            assert_eq!(reply.status, 200, "{query}: {}", reply.body);
            reply.body["items"].as_array().unwrap().clone()
        }
    };
    let all = list("".into()).await;
    assert_eq!(all.len(), 3);
    let english = all.iter().find(|e| e["id"] == en_id).unwrap();
    assert_eq!(english["story_languages"], json!(["ar", "en"]));
    // Two Arabic revisions were saved after the English edition changed;
    // the Arabic edition's creation, a translation, is not one of them.
    assert_eq!(english["behind"], json!([{ "lang": "ar", "revisions": 2 }]));
    let arabic = all.iter().find(|e| e["id"] == ar_id).unwrap();
    assert_eq!(arabic["behind"], json!([]));
    let fees = all
        .iter()
        .find(|e| e["headline"].as_str().unwrap().starts_with("Fees"))
        .unwrap();
    assert_eq!(
        fees["story_languages"],
        json!(["en"]),
        "its Arabic edition is missing"
    );

    let headlines = |items: Vec<Value>| -> Vec<String> {
        items
            .iter()
            .map(|e| e["headline"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        headlines(list("?status=published".into()).await),
        ["Night Ferry timetable"]
    );
    assert_eq!(
        headlines(list("?lang=ar".into()).await),
        ["مواعيد العبارة الليلية"]
    );
    assert_eq!(list(format!("?section={section_id}")).await.len(), 2);
    assert_eq!(
        headlines(list("?q=FERRY".into()).await),
        ["Night Ferry timetable"]
    );
    assert_eq!(
        headlines(list("?q=100%25".into()).await),
        ["Fees cut by 100% for rowing boats"]
    );
    assert!(
        list("?q=1_0".into()).await.is_empty(),
        "an underscore is a letter, not a wildcard"
    );
    assert_eq!(
        headlines(list("?q=%D8%A7%D9%84%D8%B9%D8%A8%D8%A7%D8%B1%D8%A9".into()).await),
        ["مواعيد العبارة الليلية"]
    );
    let bad = as_(&server, &editor, "GET", "/stories?status=lost", None).await;
    assert_eq!((bad.status, code(&bad)), (422, "invalid_status"));
    server.stop().await.unwrap();
}

/// A staff member signed in through the sign-in form.
async fn signed_in<'a>(server: &'a khabar::Server, name: &str, role: Role) -> common::Agent<'a> {
    common::account(server, name, role, PASSWORD).await;
    let mut agent = common::Agent::new(server);
    let answer = agent
        .submit(
            "/en/signin",
            "/en/signin",
            &[("login", name), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(answer.status, 303, "{name} signs in");
    agent
}

/// The value of the input named `name` in the form of the edition `id`.
fn edition_input(page: &str, edition_id: i64, name: &str) -> String {
    let form = &page[page
        .find(&format!("action=\"/en/admin/editions/{edition_id}\""))
        .expect("the edition's form")..];
    let at = form
        .find(&format!("name=\"{name}\" value=\""))
        .expect("the input")
        + format!("name=\"{name}\" value=\"").len();
    form[at..at + form[at..].find('"').unwrap()].to_owned()
}

async fn the_desk_screens_work_as_plain_forms(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let mut editor = signed_in(&server, "desk", Role::Editor).await;
    let mut author = signed_in(&server, "nadia", Role::Author).await;
    let mut reader = signed_in(&server, "ahmad", Role::Reader).await;

    // Strangers are sent to sign in; readers are refused.
    let mut stranger = common::Agent::new(&server);
    let answer = stranger.get("/en/admin").await;
    assert_eq!(
        (answer.status, answer.location.as_deref()),
        (303, Some("/en/signin"))
    );
    assert_eq!(reader.get("/en/admin/stories").await.status, 403);
    let dashboard = editor.get("/ar/admin").await;
    assert_eq!(dashboard.status, 200);
    assert_eq!(
        common::html_lang_dir(&dashboard.body),
        ("ar".into(), "rtl".into())
    );
    assert!(dashboard.body.contains("المسودات"));

    // A section made on the people screen, then a story started in it.
    let made = editor
        .submit(
            "/en/admin/people",
            "/en/admin/sections",
            &[
                ("slug", "harbour"),
                ("name_en", "Harbour"),
                ("name_ar", "الميناء"),
            ],
        )
        .await;
    assert_eq!(made.location.as_deref(), Some("/en/admin/people"));
    let people = editor.get("/en/admin/people").await.body;
    assert!(people.contains("الميناء") && people.contains("harbour"));
    let refused = author
        .submit(
            "/en/admin/people",
            "/en/admin/tags",
            &[("slug", "ferries"), ("name_en", "Ferries")],
        )
        .await;
    assert_eq!(
        refused.location.as_deref(),
        Some("/en/admin/people?error=forbidden")
    );
    let section_id = server.store().section_records().await.unwrap()[0]
        .id
        .to_string();
    let created = editor
        .submit(
            "/en/admin/stories/new",
            "/en/admin/stories",
            &[
                ("edition_lang", "en"),
                ("headline", "Ferry fares fall"),
                ("section_id", &section_id),
            ],
        )
        .await;
    let editor_path = created.location.expect("the editor's address");
    let story_id: i64 = editor_path.rsplit('/').next().unwrap().parse().unwrap();
    let page = editor.get(&editor_path).await.body;
    let story = server.store().story_record(story_id).await.unwrap();
    let edition_id = story.editions[0].id;
    assert_eq!(edition_input(&page, edition_id, "slug"), "ferry-fares-fall");
    // Fluent isolates the language's name from the sentence around it.
    assert!(
        page.contains("\u{2068}Arabic\u{2069} edition missing"),
        "translation status shown"
    );

    // Saving the form; a stale copy is refused and says why.
    let save = |revision: &'static str, body: &'static str| {
        [
            ("revision", revision),
            ("headline", "Ferry fares fall"),
            ("slug", "ferry-fares-fall"),
            ("body", body),
            ("comment_mode", "open"),
        ]
    };
    let action = format!("/en/admin/editions/{edition_id}");
    let saved = editor
        .submit(
            &editor_path,
            &action,
            &save("1", "Fares fall by a third on the night crossing."),
        )
        .await;
    assert_eq!(
        saved.location,
        Some(format!("{editor_path}#edition-{edition_id}"))
    );
    let stale = editor
        .submit(&editor_path, &action, &save("1", "Fares fall by half."))
        .await;
    // The page comes back with the reason and the refused text in the form.
    assert_eq!(stale.status, 409);
    assert!(
        stale
            .body
            .contains("Someone else saved this edition after you opened it")
    );
    assert!(stale.body.contains(">Fares fall by half.</textarea>"));
    // A too-long headline keeps the text too.
    let long = "Ferry ".repeat(100);
    let too_long = editor
        .submit(
            &editor_path,
            &action,
            &[
                ("revision", "2"),
                ("headline", long.as_str()),
                ("body", "Kept body."),
            ],
        )
        .await;
    assert_eq!(too_long.status, 422);
    assert!(too_long.body.contains(">Kept body.</textarea>"));
    assert_eq!(
        server.store().edition_draft(edition_id).await.unwrap().body,
        "Fares fall by a third on the night crossing."
    );

    // A third revision changes two words; the history marks them, and
    // restores the second.
    editor
        .submit(
            &editor_path,
            &action,
            &save("2", "Fares fall by half on the night crossing."),
        )
        .await;
    let history = editor
        .get(&format!("/en/admin/editions/{edition_id}/revisions"))
        .await
        .body;
    assert!(history.contains("<mark>half</mark>"), "{history}");
    assert!(history.contains("<mark>a third</mark>"), "{history}");
    let restored = editor
        .submit(
            &format!("/en/admin/editions/{edition_id}/revisions"),
            &format!("/en/admin/editions/{edition_id}/revisions/2/restore"),
            &[("current_revision", "3")],
        )
        .await;
    assert!(restored.location.unwrap().contains("?saved#edition-"));
    assert_eq!(
        server.store().edition_draft(edition_id).await.unwrap().body,
        "Fares fall by a third on the night crossing."
    );

    // A schedule in the past is refused, not published at once.
    let publish = format!("/en/admin/editions/{edition_id}/publish");
    let past = editor
        .submit(
            &editor_path,
            &publish,
            &[("when", "schedule"), ("at", "2020-01-01T09:00")],
        )
        .await;
    assert!(past.location.unwrap().contains("error=not_in_future"));
    let by_author = author
        .submit(&editor_path, &publish, &[("when", "now")])
        .await;
    assert!(by_author.location.unwrap().contains("error=forbidden"));
    let now = editor
        .submit(&editor_path, &publish, &[("when", "now")])
        .await;
    assert!(!now.location.unwrap().contains("error"));
    assert_eq!(
        common::get(&server, "/en/story/ferry-fares-fall").await.0,
        200
    );

    // The story list narrows by status and language.
    let published = editor.get("/en/admin/stories?status=published").await.body;
    assert!(published.contains("Ferry fares fall"));
    let arabic = editor.get("/en/admin/stories?lang=ar").await.body;
    assert!(!arabic.contains("Ferry fares fall"));

    // The preview renders unsaved Markdown with the public template, for
    // the session's own pages only.
    let token = common::form_token(&editor.get(&editor_path).await.body).unwrap();
    let session = editor.cookie("khabar_session").unwrap().to_owned();
    let preview = |token: String| {
        common::client()
            .post(format!("{}/en/admin/preview", server.base_url()))
            .header("Cookie", format!("khabar_session={session}"))
            .header("X-CSRF-Token", token)
            .json(&json!({
                "story_id": story_id, "lang": "ar",
                "headline": "انخفاض أجرة العبّارة", "body": "تنخفض **الأجرة** الليلة."
            }))
            .send()
    };
    let shown: Value = preview(token).await.unwrap().json().await.unwrap();
    let html = shown["html"].as_str().unwrap();
    assert!(html.contains("<strong>الأجرة</strong>"), "{html}");
    assert!(html.contains("class=\"story-headline\">انخفاض أجرة العبّارة</h1>"));
    assert_eq!(common::html_lang_dir(html), ("ar".into(), "rtl".into()));
    assert_eq!(shown["slug"], "انخفاض-أجرة-العبارة");
    assert_eq!(preview("forged".into()).await.unwrap().status(), 403);

    server.stop().await.unwrap();
}

/// An admin sets the site's icon from one image on the settings screen:
/// every node serves the favicon, touch icon and manifest icons made from
/// it, and its pages link them by new addresses; removing it brings the
/// theme's back. Through the API as well.
async fn the_site_icon_is_set_by_admins_on_every_node(db: &TestDatabase) {
    use khabar_testkit::images::picture;
    let first = spawn_app(db, false).await;
    // A second node sharing the media folder, as deployments must.
    let second_data = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(db.dir().join("media"), second_data.path().join("media")).unwrap();
    let second = common::spawn_app_with(db, false, |config| {
        config.data_dir = second_data.path().to_owned();
    })
    .await;
    let fetch = |server: &khabar::Server, path: &str, etag: Option<&str>| {
        let mut request = common::client().get(format!("{}{path}", server.base_url()));
        if let Some(etag) = etag {
            request = request.header("If-None-Match", etag);
        }
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .map(|v| v.to_str().unwrap().to_owned())
                    .unwrap_or_default()
            };
            let (kind, tag) = (header("content-type"), header("etag"));
            (status, kind, tag, response.bytes().await.unwrap().to_vec())
        }
    };
    let side = |png: &[u8]| {
        let image = image::load_from_memory_with_format(png, image::ImageFormat::Png).unwrap();
        (image.width(), image.height())
    };
    let (status, kind, theme_tag, theme_ico) = fetch(&first, "/favicon.ico", None).await;
    assert_eq!((status, kind.as_str()), (200, "image/x-icon"));
    assert!(theme_tag.starts_with('"'), "an ETag: {theme_tag}");
    for node in [&first, &second] {
        let home = common::get(node, "/en/").await.1;
        assert!(home.contains("<link rel=\"icon\" href=\"/favicon.ico\""));
    }

    let mut admin = signed_in(&first, "chief", Role::Admin).await;
    let mut editor = signed_in(&first, "desk", Role::Editor).await;
    let square = picture(600, 600, image::ImageFormat::Png);
    let form = |agent_page: String, file: Option<&[u8]>, remove: bool| {
        let token = common::form_token(&agent_page).unwrap();
        let mut fields = vec![("csrf_token", token)];
        if remove {
            fields.push(("remove", "1".to_owned()));
        }
        let fields: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
        multipart_body(file.map(|f| ("icon.png", "image/png", f)), &fields)
    };
    let action = "/en/admin/settings/icon";
    let page = editor.get("/en/admin/settings").await.body;
    let (kind, body) = form(page, Some(&square), false);
    let refused = editor.post_body(action, &kind, body).await;
    assert!(refused.location.unwrap().contains("error=forbidden"));
    assert_eq!(first.store().site_icon().await.unwrap(), None);
    // Not an image: refused, with the reason on the screen.
    let page = admin.get("/en/admin/settings").await.body;
    let (kind, body) = form(page, Some(b"GIF89a not really"), false);
    let refused = admin.post_body(action, &kind, body).await;
    let to = refused.location.unwrap();
    assert!(to.contains("error=unsupported_type"), "{to}");
    assert!(
        admin
            .get(&to)
            .await
            .body
            .contains("Only JPEG, PNG and WebP images are accepted.")
    );

    // A wide image: centred on a square, every size made.
    let wide = picture(900, 500, image::ImageFormat::Jpeg);
    let page = admin.get("/en/admin/settings").await.body;
    let (kind, body) = form(page, Some(&wide), false);
    let saved = admin.post_body(action, &kind, body).await;
    assert_eq!(
        saved.location.as_deref(),
        Some("/en/admin/settings?saved#site-icon")
    );
    let stem = first.store().site_icon().await.unwrap().expect("an icon");
    let at = |size: u32| format!("/media/icons/{stem}-{size}.png");
    for size in [32, 180, 192, 512] {
        let (status, kind, _, png) = fetch(&first, &at(size), None).await;
        assert_eq!((status, kind.as_str()), (200, "image/png"), "{size}");
        assert_eq!(side(&png), (size, size));
    }
    let manifest = common::get_json(&format!("{}/ar/manifest.webmanifest", first.base_url())).await;
    let sources: Vec<&str> = manifest["icons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["src"].as_str().unwrap())
        .collect();
    assert_eq!(sources, [at(192), at(512)]);
    let settings = admin.get("/en/admin/settings").await.body;
    assert!(settings.contains(&at(192)) && settings.contains("Your icon is in use."));

    // Every node: pages link the new files, the fixed addresses serve them
    // under a new ETag, and a browser holding it is told nothing changed.
    for node in [&first, &second] {
        let mut linked = false;
        for _ in 0..100 {
            let home = common::get(node, "/ar/").await.1;
            if home.contains(&format!("<link rel=\"icon\" href=\"{}\"", at(32))) {
                assert!(home.contains(&format!(
                    "<link rel=\"apple-touch-icon\" href=\"{}\"",
                    at(180)
                )));
                linked = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(linked, "{} links the new icon", node.base_url());
        let (status, kind, tag, ico) = fetch(node, "/favicon.ico", None).await;
        assert_eq!((status, kind.as_str()), (200, "image/x-icon"));
        assert_ne!(tag, theme_tag);
        assert_eq!(&ico[..4], &[0, 0, 1, 0], "an icon file");
        assert_eq!(side(&ico[22..]), (32, 32), "holding the 32 px PNG");
        assert_eq!(fetch(node, "/favicon.ico", Some(&tag)).await.0, 304);
        assert_eq!(fetch(node, "/favicon.ico", Some(&theme_tag)).await.0, 200);
        let (_, kind, _, touch) = fetch(node, "/apple-touch-icon.png", None).await;
        assert_eq!(kind, "image/png");
        assert_eq!(side(&touch), (180, 180));
    }

    // The API: admins only; the answer names the files.
    let api_admin = bearer(&first, "api-chief", Role::Admin, &["read", "edit", "admin"]).await;
    let api_editor = bearer(&first, "api-desk", Role::Editor, &["read", "edit"]).await;
    let put = |auth: String, file: &[u8]| {
        let (kind, body) = multipart_body(Some(("icon.png", "image/png", file)), &[]);
        let request = common::client()
            .put(format!("{}/api/v1/site/icon", first.base_url()))
            .header("Authorization", auth)
            .header("Content-Type", kind)
            .body(body);
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    assert_eq!(put(api_editor.clone(), &square).await.0, 403);
    let (status, answer) = put(api_admin.clone(), &square).await;
    assert_eq!(status, 200, "{answer}");
    let stem = first.store().site_icon().await.unwrap().unwrap();
    assert_eq!(
        answer["files"][0]["src"],
        format!("/media/icons/{stem}-32.png")
    );
    assert_eq!(answer["files"][3]["size"], 512);
    let (status, answer) = put(api_admin.clone(), b"not an image").await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (415, Some("unsupported_type"))
    );
    let removed = as_(&first, &api_editor, "DELETE", "/site/icon", None).await;
    assert_eq!(removed.status, 403);

    // Removed on the screen: the theme's icons again.
    let page = admin.get("/en/admin/settings").await.body;
    let (kind, body) = form(page, None, true);
    let removed = admin.post_body(action, &kind, body).await;
    assert_eq!(
        removed.location.as_deref(),
        Some("/en/admin/settings?saved#site-icon")
    );
    assert_eq!(first.store().site_icon().await.unwrap(), None);
    let (_, _, tag, ico) = fetch(&first, "/favicon.ico", None).await;
    assert_eq!((tag, ico), (theme_tag, theme_ico));
    assert!(
        common::get(&first, "/en/")
            .await
            .1
            .contains("<link rel=\"icon\" href=\"/favicon.ico\"")
    );
    let removed = as_(&first, &api_admin, "DELETE", "/site/icon", None).await;
    assert_eq!(removed.status, 204);
    second.stop().await.unwrap();
    first.stop().await.unwrap();
}

async fn site_settings_change_from_the_browser_on_every_node(db: &TestDatabase) {
    let first = spawn_app(db, false).await;
    // A second node on the same database, with its own data folder.
    let second_data = tempfile::tempdir().unwrap();
    let second = common::spawn_app_with(db, false, |config| {
        config.data_dir = second_data.path().to_owned();
    })
    .await;
    let mut admin = signed_in(&first, "chief", Role::Admin).await;
    let mut editor = signed_in(&first, "desk", Role::Editor).await;

    let form = editor.get("/en/admin/settings").await.body;
    assert!(form.contains("Only admins change the site"));
    let refused = editor
        .submit(
            "/en/admin/settings",
            "/en/admin/settings",
            &[("name_en", "Editor's Post")],
        )
        .await;
    assert!(refused.location.unwrap().contains("error=forbidden"));

    let fields = [
        ("name_en", "Harbour Post"),
        ("name_ar", "خبر"),
        ("default_language", "en"),
        ("time_zone", "Asia/Beirut"),
        ("comment_edit_minutes", "15"),
        ("comments_close_after_days", "0"),
        ("comment_max_chars", "2000"),
        ("comment_max_links", "5"),
        ("comments_per_minute", "5"),
        ("feed_content", "summary"),
    ];
    let saved = admin
        .submit("/en/admin/settings", "/en/admin/settings", &fields)
        .await;
    assert_eq!(saved.location.as_deref(), Some("/en/admin/settings?saved"));
    // Only what differs from the configuration file is kept.
    let kept = first.store().site_overrides().await.unwrap();
    assert_eq!(kept.name.len(), 1);
    assert_eq!(kept.comment_edit_minutes, None);
    assert_eq!(kept.comment_max_chars, Some(2_000));
    assert_eq!(kept.default_language, Some(Lang::EN));
    assert!(
        common::get(&first, "/en/")
            .await
            .1
            .contains("<title>Harbour Post</title>")
    );
    // The other node follows the log.
    let mut followed = false;
    for _ in 0..100 {
        if common::get(&second, "/en/")
            .await
            .1
            .contains("<title>Harbour Post</title>")
        {
            followed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(followed, "the second node did not take the new name");
    let to_english = common::client()
        .get(format!("{}/", second.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(to_english.headers()["location"], "/en/");

    // Through the API: a bad zone is refused with its field; an empty
    // document gives the file's values back.
    let api_admin = bearer(&first, "api-chief", Role::Admin, &["read", "edit", "admin"]).await;
    let bad = as_(
        &first,
        &api_admin,
        "PUT",
        "/site/settings",
        Some(json!({ "time_zone": "Mars/Olympus" })),
    )
    .await;
    assert_eq!((bad.status, code(&bad)), (422, "unknown_time_zone"));
    assert_eq!(bad.body["error"]["field"], "time_zone");
    let long = as_(
        &first,
        &api_admin,
        "PUT",
        "/site/settings",
        Some(json!({ "comment_max_chars": 9000 })),
    )
    .await;
    assert_eq!((long.status, code(&long)), (422, "out_of_range"));
    let reset = as_(&first, &api_admin, "PUT", "/site/settings", Some(json!({}))).await;
    assert_eq!(reset.status, 200, "{}", reset.body);
    let now = as_(&first, &api_admin, "GET", "/site/settings", None).await;
    assert_eq!(now.body["settings"]["name"]["en"], "Khabar");
    assert_eq!(now.body["settings"]["time_zone"], "UTC");

    second.stop().await.unwrap();
    first.stop().await.unwrap();
}

/// A page's section navigation (the same on every page).
fn section_nav(page: &str) -> &str {
    let start = page
        .find("class=\"wrap section-nav\"")
        .expect("the section navigation");
    let end = start + page[start..].find("</nav>").expect("its end");
    &page[start..end]
}

/// The logged `section.changed` events: section and actor of each.
async fn section_events(store: &khabar_store::Store) -> Vec<(i64, Option<i64>)> {
    store
        .events_since(0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "section.changed")
        .map(|e| {
            assert_eq!((e.story_id, e.edition_id), (None, None));
            (e.payload["section_id"].as_i64().unwrap(), e.actor_id)
        })
        .collect()
}

async fn a_renamed_section_shows_on_the_next_request_of_every_page(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let store = server.store().clone();
    let editor = bearer(&server, "desk", Role::Editor, &["read", "edit"]).await;
    let author = bearer(&server, "nadia", Role::Author, &["read", "edit"]).await;
    let made = as_(
        &server,
        &editor,
        "POST",
        "/sections",
        Some(json!({ "slug": "harbour", "names": { "ar": "الميناء", "en": "Harbour" } })),
    )
    .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let id = made.body["id"].as_i64().unwrap();
    // Creating one is announced too: the navigation gains it.
    let created = section_events(&store).await;
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].0, id);
    assert!(created[0].1.is_some(), "the editor is the actor");

    // A published story in it, so the home page has a block for it and the
    // search index has its name.
    let story = as_(
        &server,
        &editor,
        "POST",
        "/stories",
        Some(json!({
            "lang": "en", "section_id": id,
            "edition": { "headline": "Night ferry returns for the summer", "body": "The ferry runs again." }
        })),
    )
    .await;
    assert_eq!(story.status, 201, "{}", story.body);
    let edition_id = story.body["editions"][0]["id"].as_i64().unwrap();
    let published = as_(
        &server,
        &editor,
        "POST",
        &format!("/editions/{edition_id}/publish"),
        None,
    )
    .await;
    assert_eq!(published.status, 200, "{}", published.body);

    // Every page is seen once before the rename, so a cache holds it.
    let mut reader = signed_in(&server, "ahmad", Role::Reader).await;
    let pages = ["/en/", "/ar/", "/en/section/harbour", "/en/search?q=ferry"];
    for path in pages {
        let (status, page) = common::get(&server, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(section_nav(&page).contains("الميناء") || section_nav(&page).contains("Harbour"));
        assert_eq!(reader.get(path).await.status, 200, "{path} signed in");
    }
    assert!(section_nav(&common::get(&server, "/en/").await.1).contains("Harbour"));
    // So that what follows tests invalidation, not a fresh rendering.
    let again = common::client()
        .get(format!("{}/en/section/harbour", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        again.headers().get("x-cache").map(|v| v.as_bytes()),
        Some(&b"hit"[..]),
        "the section page was served from memory before the rename"
    );

    // Refusals: an author, an unknown section, a body of the wrong shape,
    // names that are no names, a position off the scale.
    let path = format!("/sections/{id}");
    let rename = |names: Value| Some(json!({ "names": names }));
    let refused = as_(
        &server,
        &author,
        "PATCH",
        &path,
        rename(json!({ "en": "Gossip" })),
    )
    .await;
    assert_eq!((refused.status, code(&refused)), (403, "forbidden"));
    let unknown = as_(
        &server,
        &editor,
        "PATCH",
        "/sections/999999",
        rename(json!({ "en": "Nowhere" })),
    )
    .await;
    assert_eq!((unknown.status, code(&unknown)), (404, "not_found"));
    let unknown_field = as_(
        &server,
        &editor,
        "PATCH",
        &path,
        Some(json!({ "names": { "en": "Port" }, "slug": "port" })),
    )
    .await;
    assert_eq!(unknown_field.status, 400, "{}", unknown_field.body);
    let blank = as_(
        &server,
        &editor,
        "PATCH",
        &path,
        rename(json!({ "en": "  " })),
    )
    .await;
    assert_eq!((blank.status, code(&blank)), (422, "required"));
    let far = as_(
        &server,
        &editor,
        "PATCH",
        &path,
        Some(json!({ "names": { "en": "Port" }, "position": -1 })),
    )
    .await;
    assert_eq!((far.status, code(&far)), (422, "out_of_range"));
    assert_eq!(
        section_events(&store).await.len(),
        1,
        "nothing refused is logged"
    );

    // Renamed through the API: answered as listSections shows it.
    let renamed = as_(
        &server,
        &editor,
        "PATCH",
        &path,
        Some(json!({ "names": { "ar": "المرفأ", "en": "Port" }, "position": 5 })),
    )
    .await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    assert_eq!(
        renamed.body,
        json!({ "id": id, "slug": "harbour", "position": 5, "names": { "ar": "المرفأ", "en": "Port" } })
    );
    let listed = as_(&server, &author, "GET", "/sections", None).await;
    assert_eq!(listed.body["sections"], json!([renamed.body]));

    // The very next request of every page shows the new name, signed in
    // or not.
    let shows = async |reader: &mut common::Agent<'_>, en: &str, ar: &str, gone: &str| {
        for path in pages {
            let (_, anonymous) = common::get(&server, path).await;
            let signed_in = reader.get(path).await.body;
            for page in [&anonymous, &signed_in] {
                let nav = section_nav(page);
                let name = if path.starts_with("/ar/") { ar } else { en };
                assert!(nav.contains(name), "{path}: {nav}");
                assert!(!nav.contains(gone), "{path} still shows {gone}: {nav}");
            }
        }
        let (_, home) = common::get(&server, "/en/").await;
        assert!(
            home.contains(&format!(">{en}</a>")),
            "the home page's block"
        );
        let (_, section) = common::get(&server, "/en/section/harbour").await;
        assert!(
            section.contains(&format!("<h1>{en}</h1>")),
            "the section page's title"
        );
    };
    shows(&mut reader, "Port", "المرفأ", "Harbour").await;
    let logged = section_events(&store).await;
    assert_eq!(logged.len(), 2, "{logged:?}");
    assert_eq!(
        logged[1], created[0],
        "the same section, by the same editor"
    );

    // The search index follows the log and files the story under the new
    // name.
    let mut indexed = Value::Null;
    for _ in 0..100 {
        let found = call(&server, "GET", "/search/articles?q=ferry", None, &[]).await;
        indexed = found.body["hits"][0]["section_name"].clone();
        if indexed == "Port" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(indexed, "Port", "the search index kept the old name");

    // Renamed on the newsroom screen: a form per section, filled with its
    // names; the editor lands back on the list and is told.
    let mut desk = signed_in(&server, "chief", Role::Editor).await;
    let action = format!("/en/admin/sections/{id}");
    let people = desk.get("/en/admin/people").await.body;
    assert!(people.contains(&format!("action=\"{action}\"")));
    assert!(people.contains("value=\"المرفأ\"") && people.contains("value=\"Port\""));
    let saved = desk
        .submit(
            "/en/admin/people",
            &action,
            &[("name_en", "Quay"), ("name_ar", "الرصيف")],
        )
        .await;
    assert_eq!(
        saved.location.as_deref(),
        Some("/en/admin/people?renamed#sections")
    );
    let people = desk.get("/en/admin/people?renamed").await.body;
    assert!(people.contains("Section renamed"), "the confirmation");
    assert!(people.contains("Quay") && !people.contains("value=\"Port\""));
    let arabic = desk.get("/ar/admin/people?renamed").await.body;
    assert!(arabic.contains("أُعيدت تسمية القسم"));
    shows(&mut reader, "Quay", "الرصيف", "Port").await;
    assert_eq!(section_events(&store).await.len(), 3);

    // The screen refuses an author, an unknown section and a form without
    // its token, and changes nothing.
    let mut writer = signed_in(&server, "karim", Role::Author).await;
    let refused = writer
        .submit("/en/admin/people", &action, &[("name_en", "Gossip")])
        .await;
    assert_eq!(
        refused.location.as_deref(),
        Some("/en/admin/people?error=forbidden#sections")
    );
    let unknown = desk
        .submit(
            "/en/admin/people",
            "/en/admin/sections/999999",
            &[("name_en", "Nowhere")],
        )
        .await;
    assert_eq!(
        unknown.location.as_deref(),
        Some("/en/admin/people?error=not_found#sections")
    );
    let blank = desk
        .submit("/en/admin/people", &action, &[("name_en", " ")])
        .await;
    assert_eq!(
        blank.location.as_deref(),
        Some("/en/admin/people?error=required#sections")
    );
    let forged = desk.post(&action, &[("name_en", "Forged")]).await;
    assert_eq!(forged.status, 403);
    assert_eq!(
        store.section_records().await.unwrap()[0].names["en"],
        "Quay"
    );
    assert_eq!(section_events(&store).await.len(), 3);
    server.stop().await.unwrap();
}

/// The id of the story an editor's address (`/en/admin/stories/{id}…`) is of.
fn story_of(location: &str) -> i64 {
    location
        .trim_start_matches("/en/admin/stories/")
        .split(['?', '#', '/'])
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// A story started on the desk in English, with an Arabic edition added;
/// returns (story, English edition, Arabic edition).
async fn bilingual_story(
    server: &khabar::Server,
    editor: &mut common::Agent<'_>,
    english: &str,
    arabic: &str,
) -> (i64, i64, i64) {
    let created = editor
        .submit(
            "/en/admin/stories/new",
            "/en/admin/stories",
            &[("edition_lang", "en"), ("headline", english)],
        )
        .await;
    let story_id = story_of(&created.location.expect("the editor's address"));
    let path = format!("/en/admin/stories/{story_id}");
    let added = editor
        .submit(
            &path,
            &format!("/en/admin/stories/{story_id}/editions"),
            &[("edition_lang", "ar"), ("headline", arabic)],
        )
        .await;
    assert_eq!(added.location.as_deref(), Some(path.as_str()));
    let story = server.store().story_record(story_id).await.unwrap();
    let id = |lang: Lang| story.editions.iter().find(|e| e.lang == lang).unwrap().id;
    (story_id, id(Lang::EN), id(Lang::AR))
}

/// Publishing both editions is one transaction: when one of them may not
/// be published, the other does not go live either.
async fn publishing_both_is_all_or_none(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let store = server.store().clone();
    let mut editor = signed_in(&server, "desk", Role::Editor).await;
    let (story_id, en_id, ar_id) =
        bilingual_story(&server, &mut editor, "Tide tables", "جداول المد").await;
    let path = format!("/en/admin/stories/{story_id}");
    let together = format!("/en/admin/stories/{story_id}/publish");
    let (en, ar) = (en_id.to_string(), ar_id.to_string());
    let one = editor
        .submit(&path, &together, &[("edition_id", &ar), ("when", "now")])
        .await;
    assert!(one.location.unwrap().contains("published="));

    // The Arabic edition is live already, so publishing both is refused,
    // and the English edition, ticked first, stays a draft.
    let both = [
        ("edition_id", en.as_str()),
        ("edition_id", &ar),
        ("when", "now"),
    ];
    let refused = editor.submit(&path, &together, &both).await;
    let to = refused.location.expect("back to the editor");
    assert!(to.contains("error=already_published"), "{to}");
    let page = editor.get(&to).await.body;
    assert!(
        !page.contains("id=\"confirmation-title\""),
        "nothing confirmed"
    );
    let en_status = store.edition_draft(en_id).await.unwrap().status;
    assert_eq!(en_status, khabar_core::EditionStatus::Draft);
    assert_eq!(common::get(&server, "/en/story/tide-tables").await.0, 404);

    // Scheduling both is refused the same way.
    let scheduled = [
        ("edition_id", en.as_str()),
        ("edition_id", &ar),
        ("when", "schedule"),
        ("at", "2031-03-04T09:30"),
    ];
    let refused = editor.submit(&path, &together, &scheduled).await;
    assert!(
        refused
            .location
            .unwrap()
            .contains("error=already_published")
    );
    let en_now = store.edition_draft(en_id).await.unwrap();
    assert_eq!(en_now.status, khabar_core::EditionStatus::Draft);
    assert!(en_now.scheduled_at.is_none());

    // An edition of another story is not published along.
    let (other_id, other_en, _) =
        bilingual_story(&server, &mut editor, "Sea wall", "سور البحر").await;
    let stray = [
        ("edition_id", en.as_str()),
        ("edition_id", &other_en.to_string()),
        ("when", "now"),
    ];
    let refused = editor.submit(&path, &together, &stray).await;
    assert!(refused.location.unwrap().contains("error=not_found"));
    let other = store.story_record(other_id).await.unwrap();
    assert!(
        other
            .editions
            .iter()
            .all(|e| e.status == khabar_core::EditionStatus::Draft)
    );
    assert_eq!(
        store.edition_draft(en_id).await.unwrap().status,
        khabar_core::EditionStatus::Draft
    );
    server.stop().await.unwrap();
}

async fn publishing_confirms_what_went_live_and_warns(db: &TestDatabase) {
    let server =
        common::spawn_app_with(db, false, |c| c.site.time_zone = "Asia/Beirut".into()).await;
    let store = server.store().clone();
    // An editor without a byline of their own: their first story makes one.
    let mut editor = signed_in(&server, "desk", Role::Editor).await;
    let (story_id, en_id, ar_id) = bilingual_story(
        &server,
        &mut editor,
        "Ferry fares fall",
        "انخفاض أجرة العبّارة",
    )
    .await;
    let story = store.story_record(story_id).await.unwrap();
    let bylines = store.author_records().await.unwrap();
    assert_eq!(bylines.len(), 1, "one byline made for the editor");
    for edition in &story.editions {
        assert_eq!(
            edition.author_ids,
            [bylines[0].id],
            "the writer is the byline"
        );
    }
    assert_eq!(bylines[0].name_in(Lang::AR), "desk");

    // Before publishing: the story has no lead image, and the page says so.
    let path = format!("/en/admin/stories/{story_id}");
    let page = editor.get(&path).await.body;
    assert!(page.contains("No lead image: the story shows as a text card"));
    assert!(!page.contains("No byline"), "the byline is set");
    assert!(page.contains(&format!("name=\"edition_id\" value=\"{en_id}\" checked")));
    assert!(page.contains(&format!("name=\"edition_id\" value=\"{ar_id}\" checked")));

    // Both editions together; the redirect carries what to confirm.
    let together = format!("/en/admin/stories/{story_id}/publish");
    let en = en_id.to_string();
    let ar = ar_id.to_string();
    let none = editor.submit(&path, &together, &[("when", "now")]).await;
    assert!(none.location.unwrap().contains("error=no_edition_chosen"));
    let done = editor
        .submit(
            &path,
            &together,
            &[("edition_id", &en), ("edition_id", &ar), ("when", "now")],
        )
        .await;
    let to = done.location.expect("back to the editor");
    assert_eq!(to, format!("{path}?published={en_id}.{ar_id}#confirmation"));
    let confirmed = editor.get(&to).await.body;
    assert!(confirmed.contains("id=\"confirmation-title\">Published</h2>"));
    assert!(confirmed.contains("The \u{2068}English\u{2069} edition is live:"));
    assert!(confirmed.contains("The \u{2068}Arabic\u{2069} edition is live:"));
    // Both addresses in full, as a reader would read them.
    for shown in [
        "/en/story/ferry-fares-fall",
        "/ar/story/انخفاض-أجرة-العبارة",
    ] {
        assert!(
            confirmed.contains(&format!("{}{shown}</span>", server.base_url())),
            "{shown}"
        );
    }
    let arabic_path = format!("/ar/story/{}", common::segment("انخفاض-أجرة-العبارة"));
    for public in ["/en/story/ferry-fares-fall", arabic_path.as_str()] {
        assert!(
            confirmed.contains(&format!("href=\"{public}\"")),
            "{public}"
        );
        assert_eq!(
            common::get(&server, public).await.0,
            200,
            "{public} is live"
        );
    }
    // The warning again, after.
    assert!(confirmed.contains("class=\"warning\">No lead image"));
    // Publishing again is refused as a whole.
    let again = editor
        .submit(&path, &together, &[("edition_id", &en), ("when", "now")])
        .await;
    assert!(again.location.unwrap().contains("error=already_published"));

    // One edition of two.
    let (one_id, one_en, one_ar) = bilingual_story(
        &server,
        &mut editor,
        "Harbour lights return",
        "عودة أضواء الميناء",
    )
    .await;
    let one_path = format!("/en/admin/stories/{one_id}");
    let done = editor
        .submit(
            &one_path,
            &format!("/en/admin/stories/{one_id}/publish"),
            &[("edition_id", &one_ar.to_string()), ("when", "now")],
        )
        .await;
    let to = done.location.unwrap();
    assert_eq!(to, format!("{one_path}?published={one_ar}#confirmation"));
    let confirmed = editor.get(&to).await.body;
    assert!(confirmed.contains("The \u{2068}Arabic\u{2069} edition is live:"));
    assert!(!confirmed.contains("The \u{2068}English\u{2069} edition is live:"));
    let status = |id: i64| {
        let store = store.clone();
        async move { store.edition_draft(id).await.unwrap().status }
    };
    assert_eq!(status(one_en).await, khabar_core::EditionStatus::Draft);

    // Scheduling one edition confirms the time in the site's zone.
    let scheduled = editor
        .submit(
            &one_path,
            &format!("/en/admin/editions/{one_en}/publish"),
            &[("when", "schedule"), ("at", "2031-03-04T09:30")],
        )
        .await;
    let to = scheduled.location.unwrap();
    assert_eq!(to, format!("{one_path}?scheduled={one_en}#confirmation"));
    let at = store
        .edition_draft(one_en)
        .await
        .unwrap()
        .scheduled_at
        .unwrap();
    // 09:30 in Beirut is 07:30 UTC in March (winter time, UTC+2).
    assert_eq!(at.to_string(), "2031-03-04T07:30:00Z");
    let confirmed = editor.get(&to).await.body;
    assert!(confirmed.contains("id=\"confirmation-title\">Scheduled</h2>"));
    assert!(
        confirmed.contains("(\u{2068}Asia/Beirut\u{2069} time)"),
        "the zone is named"
    );
    let line = &confirmed[confirmed.find("edition goes live on").expect("the time")..];
    assert!(line[..120].contains("9:30"), "{}", &line[..120]);
    assert!(line[..120].contains("2031"), "{}", &line[..120]);
    // The same confirmation in Arabic.
    let arabic = editor
        .get(&format!("/ar/admin/stories/{one_id}?scheduled={one_en}"))
        .await
        .body;
    assert!(arabic.contains("تُنشر النسخة"), "Arabic confirmation");
    assert!(arabic.contains("\u{2068}Asia/Beirut\u{2069}"));

    // A story written with no byline (imported, say) warns of that too.
    let bare = store
        .create_story(khabar_store::NewStory {
            section_id: None,
            tag_ids: &[],
            hero_image: None,
        })
        .await
        .unwrap();
    let content = khabar_core::EditionContent::parse(khabar_core::EditionInput {
        headline: "Unsigned brief".into(),
        ..Default::default()
    })
    .unwrap();
    store
        .create_edition(bare, Lang::EN, &content, &[], None)
        .await
        .unwrap();
    let page = editor.get(&format!("/en/admin/stories/{bare}")).await.body;
    assert!(page.contains("No byline: readers will not see who wrote this edition."));
    // Warned, not refused.
    let bare_en = store.story_record(bare).await.unwrap().editions[0].id;
    let done = editor
        .submit(
            &format!("/en/admin/stories/{bare}"),
            &format!("/en/admin/editions/{bare_en}/publish"),
            &[("when", "now")],
        )
        .await;
    let confirmed = editor.get(&done.location.unwrap()).await.body;
    assert!(confirmed.contains("class=\"warning\">No byline"));
    server.stop().await.unwrap();
}

async fn translation_status_is_exact(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let editor_token = bearer(&server, "desk", Role::Editor, &["read", "edit"]).await;
    let mut editor = common::Agent::new(&server);
    editor
        .submit(
            "/en/signin",
            "/en/signin",
            &[("login", "desk"), ("password", PASSWORD)],
        )
        .await;
    // Both editions written in full, one after the other.
    let made = as_(
        &server,
        &editor_token,
        "POST",
        "/stories",
        Some(json!({ "lang": "en", "edition": { "headline": "Tide tables", "body": "High water at six." } })),
    )
    .await;
    let story_id = made.body["id"].as_i64().unwrap();
    let en_id = made.body["editions"][0]["id"].as_i64().unwrap();
    let arabic = as_(
        &server,
        &editor_token,
        "POST",
        &format!("/stories/{story_id}/editions"),
        Some(json!({ "lang": "ar", "edition": { "headline": "جداول المد", "body": "المد العالي في السادسة." } })),
    )
    .await;
    let ar_id = arabic.body["id"].as_i64().unwrap();
    let behind = |id: i64| {
        let token = editor_token.clone();
        let server = &server;
        async move {
            let reply = as_(server, &token, "GET", "/stories", None).await;
            let items = reply.body["items"].as_array().unwrap().clone();
            items
                .iter()
                .find(|e| e["id"] == id)
                .map(|e| e["behind"].clone())
                .unwrap_or_else(|| panic!("edition {id} listed: {}", reply.body))
        }
    };
    assert_eq!(
        behind(en_id).await,
        json!([]),
        "just written: neither behind"
    );
    assert_eq!(behind(ar_id).await, json!([]));

    // The English edition changes: the Arabic one is behind it, not the
    // other way round.
    let saved = as_(
        &server,
        &editor_token,
        "PUT",
        &format!("/editions/{en_id}"),
        Some(json!({
            "revision": 1, "edition": { "headline": "Tide tables", "body": "High water at seven." }
        })),
    )
    .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(
        behind(ar_id).await,
        json!([{ "lang": "en", "revisions": 1 }])
    );
    assert_eq!(behind(en_id).await, json!([]));
    // The editor sees it and is offered to mark the Arabic edition updated.
    let path = format!("/en/admin/stories/{story_id}");
    let page = editor.get(&path).await.body;
    assert!(page.contains(&format!("action=\"/en/admin/editions/{ar_id}/synced\"")));
    assert!(!page.contains(&format!("action=\"/en/admin/editions/{en_id}/synced\"")));

    // The translation is updated and marked so: neither is behind.
    let saved = as_(&server, &editor_token, "PUT", &format!("/editions/{ar_id}"), Some(json!({
        "revision": 1, "edition": { "headline": "جداول المد", "body": "المد العالي في السابعة." }
    }))).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let marked = editor
        .submit(&path, &format!("/en/admin/editions/{ar_id}/synced"), &[])
        .await;
    assert_eq!(
        marked.location,
        Some(format!("{path}?synced#edition-{ar_id}"))
    );
    assert_eq!(behind(ar_id).await, json!([]));
    assert_eq!(
        behind(en_id).await,
        json!([]),
        "the update is no change to catch up on"
    );
    assert!(
        editor
            .get(&format!("{path}?synced"))
            .await
            .body
            .contains("Marked as up to date")
    );

    // Again: the English edition changes, and the Arabic one is saved from
    // its form with "this brings it up to date" ticked (the box is ticked
    // for an edition that is behind).
    let saved = as_(
        &server,
        &editor_token,
        "PUT",
        &format!("/editions/{en_id}"),
        Some(json!({
            "revision": 2, "edition": { "headline": "Tide tables", "body": "High water at eight." }
        })),
    )
    .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let page = editor.get(&path).await.body;
    let ar_form = &page[page
        .find(&format!("action=\"/en/admin/editions/{ar_id}\""))
        .unwrap()..];
    assert!(ar_form.contains("name=\"synced\" value=\"1\" checked"));
    let en_form = &page[page
        .find(&format!("action=\"/en/admin/editions/{en_id}\""))
        .unwrap()..];
    assert!(
        !en_form[..en_form.find("</form>").unwrap()]
            .contains("name=\"synced\" value=\"1\" checked")
    );
    let saved = editor
        .submit(
            &path,
            &format!("/en/admin/editions/{ar_id}"),
            &[
                ("revision", "2"),
                ("headline", "جداول المد"),
                ("body", "المد العالي في الثامنة."),
                ("comment_mode", "open"),
                ("synced", "1"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303);
    assert_eq!(behind(ar_id).await, json!([]));
    assert_eq!(behind(en_id).await, json!([]));

    // Publishing changes no text and puts nobody behind.
    as_(
        &server,
        &editor_token,
        "POST",
        &format!("/editions/{en_id}/publish"),
        None,
    )
    .await;
    assert_eq!(behind(ar_id).await, json!([]));
    server.stop().await.unwrap();
}

async fn the_story_list_groups_editions_by_story(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let mut editor = signed_in(&server, "desk", Role::Editor).await;
    let (story_id, en_id, ar_id) = bilingual_story(
        &server,
        &mut editor,
        "Market reopens",
        "السوق يعيد فتح أبوابه",
    )
    .await;
    let created = editor
        .submit(
            "/en/admin/stories/new",
            "/en/admin/stories",
            &[("edition_lang", "en"), ("headline", "Lone English brief")],
        )
        .await;
    let lone = story_of(&created.location.unwrap());
    editor
        .submit(
            &format!("/en/admin/stories/{story_id}"),
            &format!("/en/admin/editions/{en_id}/publish"),
            &[("when", "schedule"), ("at", "2031-05-06T10:15")],
        )
        .await;

    for lang in ["en", "ar"] {
        let list = editor.get(&format!("/{lang}/admin/stories")).await.body;
        let group = &list[list
            .find(&format!("id=\"story-{story_id}\""))
            .expect("the story's group")..];
        let group = &group[..group.find("</tbody>").unwrap()];
        // Both editions in the one group, named in their own languages.
        assert!(group.contains(&format!("#edition-{en_id}\"")));
        assert!(group.contains(&format!("#edition-{ar_id}\"")));
        assert!(
            group.contains("lang=\"ar\" dir=\"rtl\">العربية</span>"),
            "{group}"
        );
        assert!(
            group.contains("lang=\"en\" dir=\"ltr\">English</span>"),
            "{group}"
        );
        assert!(
            !group.contains(">en<") && !group.contains(">ar<"),
            "no raw codes"
        );
        assert!(group.contains("status-scheduled") && group.contains("status-draft"));
        assert!(group.contains("2031"), "the scheduled time is shown");
        // The English-only story says its Arabic edition is missing.
        let lone_group = &list[list.find(&format!("id=\"story-{lone}\"")).unwrap()..];
        let lone_group = &lone_group[..lone_group.find("</tbody>").unwrap()];
        assert!(lone_group.contains("edition-missing-row"));
    }
    let english = editor.get("/en/admin/stories").await.body;
    assert!(english.contains("\u{2068}Arabic\u{2069} edition missing"));
    server.stop().await.unwrap();
}

/// The story list pages by stories (30 a page), not editions: a story
/// whose editions were changed far apart in time still shows whole.
async fn the_story_list_pages_by_story(db: &TestDatabase) {
    use khabar_core::{EditionContent, EditionInput};
    use khabar_store::NewStory;
    let server = spawn_app(db, false).await;
    let store = server.store().clone();
    let content = |headline: String| {
        EditionContent::parse(EditionInput {
            headline,
            body: "The harbour was busy.".into(),
            ..Default::default()
        })
        .unwrap()
    };
    let new_story = || async {
        store
            .create_story(NewStory {
                section_id: None,
                tag_ids: &[],
                hero_image: None,
            })
            .await
            .unwrap()
    };
    // Its Arabic edition the oldest of all, its English one the newest:
    // by editions, 62 other rows would come between them.
    let apart = new_story().await;
    let apart_ar = store
        .create_edition(apart, Lang::AR, &content("خبر قديم".into()), &[], None)
        .await
        .unwrap();
    let mut all = vec![apart];
    for n in 0..31 {
        let story = new_story().await;
        for lang in [Lang::EN, Lang::AR] {
            store
                .create_edition(
                    story,
                    lang,
                    &content(format!("Story {n} {lang}")),
                    &[],
                    None,
                )
                .await
                .unwrap();
        }
        all.push(story);
    }
    let apart_en = store
        .create_edition(apart, Lang::EN, &content("An old story".into()), &[], None)
        .await
        .unwrap();

    let mut editor = signed_in(&server, "desk", Role::Editor).await;
    let groups = |list: &str| -> Vec<(i64, usize)> {
        list.split("id=\"story-")
            .skip(1)
            .map(|group| {
                let id = group[..group.find('"').unwrap()].parse().unwrap();
                let group = &group[..group.find("</tbody>").unwrap()];
                (id, group.matches("#edition-").count())
            })
            .collect()
    };
    let first = editor.get("/en/admin/stories").await.body;
    let on_first = groups(&first);
    assert_eq!(on_first.len(), 30, "30 stories on a page");
    assert!(first.contains("page=2"), "a next page");
    let apart_group = &first[first.find(&format!("id=\"story-{apart}\"")).unwrap()..];
    let apart_group = &apart_group[..apart_group.find("</tbody>").unwrap()];
    assert!(apart_group.contains(&format!("#edition-{apart_en}\"")));
    assert!(apart_group.contains(&format!("#edition-{apart_ar}\"")));
    let second = editor.get("/en/admin/stories?page=2").await.body;
    let on_second = groups(&second);
    assert_eq!(on_second.len(), 2, "{on_second:?}");
    assert!(!second.contains("page=3"), "no third page");
    // Every story once, with both its editions.
    let mut seen: Vec<i64> = on_first
        .iter()
        .chain(&on_second)
        .map(|(id, _)| *id)
        .collect();
    assert!(
        on_first
            .iter()
            .chain(&on_second)
            .all(|(_, editions)| *editions == 2)
    );
    seen.sort();
    all.sort();
    assert_eq!(seen, all);
    server.stop().await.unwrap();
}

async fn sign_in_lands_staff_on_the_desk_and_readers_where_they_were(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    for (name, role) in [
        ("desk", Role::Editor),
        ("nadia", Role::Author),
        ("ahmad", Role::Reader),
    ] {
        common::account(&server, name, role, PASSWORD).await;
    }
    let sign_in = |name: &'static str, next: Option<&'static str>| {
        let server = &server;
        async move {
            let mut agent = common::Agent::new(server);
            let mut fields = vec![("login", name), ("password", PASSWORD)];
            if let Some(next) = next {
                fields.push(("next", next));
            }
            let answer = agent.submit("/en/signin", "/en/signin", &fields).await;
            assert_eq!(answer.status, 303, "{name} signs in");
            answer.location.unwrap()
        }
    };
    // Staff: the dashboard, even from an article; a newsroom screen they
    // were sent from is kept.
    assert_eq!(sign_in("desk", None).await, "/en/admin");
    assert_eq!(
        sign_in("nadia", Some("/en/story/some-story")).await,
        "/en/admin"
    );
    assert_eq!(
        sign_in("desk", Some("/en/admin/stories/7")).await,
        "/en/admin/stories/7"
    );
    // Readers: back where they were, or the front page.
    assert_eq!(sign_in("ahmad", None).await, "/en/");
    assert_eq!(
        sign_in("ahmad", Some("/en/search?q=ferry")).await,
        "/en/search?q=ferry"
    );
    // Nowhere else.
    for evil in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "/%2F%2Fevil.example",
    ] {
        assert_eq!(sign_in("ahmad", Some(evil)).await, "/en/", "{evil}");
    }

    // The header's link has no `next`: the page the reader came from is
    // where they return, when it is on this site.
    let form = |referer: String| {
        let url = format!("{}/en/signin", server.base_url());
        async move {
            common::client()
                .get(url)
                .header("Referer", referer)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let page = form(format!(
        "{}/en/story/tide-tables#comments",
        server.base_url()
    ))
    .await;
    assert!(
        page.contains("name=\"next\" value=\"/en/story/tide-tables#comments\""),
        "the reader's page kept"
    );
    for elsewhere in [
        "https://evil.example/en/story/x".to_owned(),
        format!("{}//evil.example", server.base_url()),
        format!("{}/en/signin", server.base_url()),
    ] {
        let page = form(elsewhere.clone()).await;
        assert!(!page.contains("name=\"next\""), "{elsewhere}");
    }
    server.stop().await.unwrap();
}

on_both_backends!(
    publishing_both_is_all_or_none,
    publishing_confirms_what_went_live_and_warns,
    translation_status_is_exact,
    the_story_list_groups_editions_by_story,
    the_story_list_pages_by_story,
    sign_in_lands_staff_on_the_desk_and_readers_where_they_were,
    the_desk_screens_work_as_plain_forms,
    site_settings_change_from_the_browser_on_every_node,
    the_site_icon_is_set_by_admins_on_every_node,
    the_story_list_filters_and_shows_translation_status,
    images_are_sniffed_stripped_and_resized,
    roles_decide_who_writes_edits_and_publishes,
    a_stale_save_is_refused_and_revisions_restore,
    admins_give_roles,
    a_renamed_section_shows_on_the_next_request_of_every_page,
);
