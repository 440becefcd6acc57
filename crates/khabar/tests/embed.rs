//! The discussion on another site (docs/embed.md) over HTTP, on both
//! stores: a host page's thread opens on first use, once however many
//! pages ask at once, under its normalized URL or the one an alias names;
//! only allowed origins get a thread, may frame it, and may read counts
//! across origins; the sign-in popup's page mints a token that comments
//! (posts, likes, reports, edits and deletes its own) and reads the
//! reader's notifications, nothing else, and stops working when it
//! expires; embedded threads page past 20 comments at their own address,
//! answer listComments and getComment, and show in no listing, feed,
//! sitemap, search or newsroom list; refusals are worded in the thread's
//! language; the thread page is kept by the page cache with its frame
//! policy; one address opens at most 120 new threads an hour.
//! The browser side is in `embed_browser.rs`.

mod common;

use common::{Agent, account, call, clear_posting_limits, client, spawn_app, spawn_app_with};
use khabar_app::embed::Alias;
use khabar_core::Role;
use khabar_testkit::{TestDatabase, on_both_backends};
use serde_json::json;

const PASSWORD: &str = "harbour lights at dusk";
const HOST: &str = "https://blog.example";

async fn embedding_server(db: &TestDatabase) -> khabar::Server {
    spawn_app_with(db, false, |config| {
        config.embed.allowed_origins = vec![HOST.to_owned(), "http://127.0.0.1:9".to_owned()];
        config.embed.aliases = vec![
            Alias {
                from: "https://m.blog.example/vote".to_owned(),
                to: "https://blog.example/vote".to_owned(),
            },
            Alias {
                from: "https://blog.example/live/*".to_owned(),
                to: "https://blog.example/live".to_owned(),
            },
        ];
    })
    .await
}

/// A thread page: status, its headers, and its edition's id.
struct Frame {
    status: u16,
    csp: String,
    x_frame_options: Option<String>,
    edition: Option<i64>,
    body: String,
}

async fn frame(server: &khabar::Server, lang: &str, url: &str, title: &str) -> Frame {
    frame_at(server.base_url(), lang, url, title).await
}

async fn frame_at(base: &str, lang: &str, url: &str, title: &str) -> Frame {
    let answer = client()
        .get(format!("{base}/embed/{lang}/thread"))
        .query(&[("url", url), ("title", title)])
        .send()
        .await
        .unwrap();
    let header = |name: &str| {
        answer
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let csp = header("content-security-policy").unwrap_or_default();
    let x_frame_options = header("x-frame-options");
    let status = answer.status().as_u16();
    let body = answer.text().await.unwrap();
    let edition = body
        .split("data-edition=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .and_then(|id| id.parse().ok());
    Frame {
        status,
        csp,
        x_frame_options,
        edition,
        body,
    }
}

/// GET /api/v1/embed/counts for `urls`, from a page of `origin`: the
/// counts in order and the CORS header answered.
async fn counts(
    server: &khabar::Server,
    urls: &[&str],
    origin: &str,
) -> (u16, serde_json::Value, Option<String>) {
    let query: Vec<(&str, &str)> = urls.iter().map(|url| ("url", *url)).collect();
    let answer = client()
        .get(format!("{}/api/v1/embed/counts", server.base_url()))
        .query(&query)
        .header("Origin", origin)
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let cors = answer
        .headers()
        .get("access-control-allow-origin")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, answer.json().await.unwrap(), cors)
}

async fn threads_open_once_per_page_for_allowed_origins_only(db: &TestDatabase) {
    let server = embedding_server(db).await;

    // First use opens the thread, in the host page's language and direction,
    // framed by the allowed origins only.
    let first = frame(
        &server,
        "ar",
        "https://blog.example/vote?utm_source=feed&fbclid=x#top",
        "التصويت في البلدية",
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert!(first.body.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(first.body.contains("التصويت في البلدية"));
    assert!(
        first
            .csp
            .contains("frame-ancestors https://blog.example http://127.0.0.1:9"),
        "{}",
        first.csp
    );
    assert_eq!(first.x_frame_options, None);
    let edition = first.edition.expect("the thread's edition");

    // The same page however it is written, and through an alias: one thread.
    for url in [
        "https://blog.example/vote",
        "HTTPS://BLOG.example:443/vote/",
        "https://m.blog.example/vote?utm_campaign=z",
    ] {
        let again = frame(&server, "en", url, "Another title").await;
        assert_eq!(again.edition, Some(edition), "{url}");
    }
    let live_1 = frame(&server, "en", "https://blog.example/live/1", "Live").await;
    let live_2 = frame(&server, "en", "https://blog.example/live/2", "Live").await;
    assert_eq!(live_1.edition, live_2.edition);
    assert_ne!(live_1.edition, Some(edition));
    // English where asked; a language the site does not have: its
    // default (Arabic).
    assert!(live_1.body.contains("<html lang=\"en\" dir=\"ltr\">"));
    let french = frame(&server, "fr", "https://blog.example/fr", "Vote").await;
    assert_eq!(french.status, 200);
    assert!(french.body.contains("<html lang=\"ar\" dir=\"rtl\">"));

    // Pages asking at once for a new thread all get the one thread.
    let mut many = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let base = server.base_url().to_owned();
        many.spawn(async move {
            frame_at(&base, "en", "https://blog.example/race", "Race")
                .await
                .edition
        });
    }
    let editions: Vec<Option<i64>> = many.join_all().await;
    assert!(editions[0].is_some());
    assert!(editions.iter().all(|e| *e == editions[0]), "{editions:?}");

    // Another origin gets no thread; nor does a URL that is not one.
    let refused = frame(&server, "en", "https://evil.example/vote", "Vote").await;
    assert_eq!(refused.status, 403);
    assert!(
        refused
            .body
            .contains("does not show its discussions on that website")
    );
    assert_eq!(refused.edition, None);
    assert!(refused.csp.contains("frame-ancestors https://blog.example"));
    let refused = frame(&server, "en", "javascript:alert(1)", "Vote").await;
    assert_eq!(refused.status, 422);
    assert!(
        server
            .store()
            .embed_thread("https://evil.example/vote")
            .await
            .unwrap()
            .is_none()
    );

    // A reader comments with a token; counts follow, by every spelling
    // of the page, readable across origins by the allowed ones only.
    account(&server, "salma", Role::Reader, PASSWORD).await;
    let minted = call(
        &server,
        "POST",
        "/tokens",
        Some(json!({"login": "salma", "password": PASSWORD, "scopes": ["comment"]})),
        &[],
    )
    .await;
    let bearer = format!("Bearer {}", minted.body["token"].as_str().unwrap());
    let posted = call(
        &server,
        "POST",
        &format!("/editions/{edition}/comments"),
        Some(json!({"body": "صوّتُ صباحًا، والطابور كان طويلًا."})),
        &[("Authorization", &bearer)],
    )
    .await;
    assert_eq!(posted.status, 201, "{}", posted.body);
    let pages = [
        "https://blog.example/vote",
        "https://m.blog.example/vote",
        "https://blog.example/never-embedded",
    ];
    let (status, body, cors) = counts(&server, &pages, HOST).await;
    assert_eq!(status, 200);
    assert_eq!(cors.as_deref(), Some(HOST));
    assert_eq!(
        body,
        json!({"counts": [
            {"url": pages[0], "count": 1},
            {"url": pages[1], "count": 1},
            {"url": pages[2], "count": 0},
        ]})
    );
    let (status, _, cors) = counts(&server, &pages, "https://evil.example").await;
    assert_eq!(status, 200);
    assert_eq!(cors, None);
    let (status, body, _) = counts(&server, &["/relative"], HOST).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("invalid_url"))
    );
    let hundred_and_one: Vec<&str> = std::iter::repeat_n("https://blog.example/a", 101).collect();
    let (status, body, _) = counts(&server, &hundred_and_one, HOST).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("too_many_urls"))
    );

    // Moderators see it in the same queues, labelled with the host page.
    account(&server, "rami", Role::Reader, PASSWORD).await;
    let rami = call(
        &server,
        "POST",
        "/tokens",
        Some(json!({"login": "rami", "password": PASSWORD, "scopes": ["comment"]})),
        &[],
    )
    .await;
    let rami = format!("Bearer {}", rami.body["token"].as_str().unwrap());
    let comment_id = posted.body["id"].as_i64().unwrap();
    let reported = call(
        &server,
        "POST",
        &format!("/comments/{comment_id}/reports"),
        Some(json!({"reason": "spam"})),
        &[("Authorization", &rami)],
    )
    .await;
    assert!(reported.status < 300, "{}", reported.body);
    account(&server, "noura", Role::Moderator, PASSWORD).await;
    let mut moderator = Agent::new(&server);
    let signed_in = moderator
        .submit(
            "/en/signin",
            "/en/signin",
            &[("login", "noura"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(signed_in.status, 303);
    let queue = moderator.get("/en/moderate?queue=reported").await;
    assert_eq!(queue.status, 200);
    assert!(queue.body.contains("On another site:"), "{}", queue.body);
    assert!(queue.body.contains("href=\"https://blog.example/vote\""));
    assert!(queue.body.contains("التصويت في البلدية"));

    // A notification's link to the comment leads to the host page.
    let permalink = moderator.get(&format!("/en/comment/{comment_id}")).await;
    assert_eq!(permalink.status, 303);
    assert_eq!(
        permalink.location.as_deref(),
        Some("https://blog.example/vote#khabar-thread")
    );

    // The thread page shows the comment; it is listed nowhere else.
    let shown = frame(&server, "ar", "https://blog.example/vote", "").await;
    assert!(shown.body.contains("والطابور كان طويلًا"));
    let slug = format!(
        "embed-{}",
        server
            .store()
            .embed_thread("https://blog.example/vote")
            .await
            .unwrap()
            .unwrap()
            .story_id
    );
    let mut agent = Agent::new(&server);
    assert_eq!(agent.get(&format!("/ar/story/{slug}")).await.status, 404);
    for path in ["/ar/", "/ar/feed.xml", "/sitemap.xml", "/en/"] {
        let page = agent.get(path).await;
        assert!(!page.body.contains("التصويت في البلدية"), "{path}");
        assert!(!page.body.contains(&slug), "{path}");
    }
    let index = agent.get("/sitemap.xml").await.body;
    for file in index.split("<loc>").skip(1) {
        let file = file.split("</loc>").next().unwrap();
        let path = file.strip_prefix(server.base_url()).unwrap_or(file);
        assert!(!agent.get(path).await.body.contains(&slug), "{path}");
    }
    let search = call(
        &server,
        "GET",
        "/search/articles?q=%D8%A7%D9%84%D8%AA%D8%B5%D9%88%D9%8A%D8%AA&lang=ar",
        None,
        &[],
    )
    .await;
    assert!(!search.body.to_string().contains(&slug), "{}", search.body);
    account(&server, "desk", Role::Editor, PASSWORD).await;
    let desk = call(
        &server,
        "POST",
        "/tokens",
        Some(json!({"login": "desk", "password": PASSWORD, "scopes": ["edit"]})),
        &[],
    )
    .await;
    let desk = format!("Bearer {}", desk.body["token"].as_str().unwrap());
    let stories = call(
        &server,
        "GET",
        "/stories",
        None,
        &[("Authorization", &desk)],
    )
    .await;
    assert_eq!(stories.status, 200);
    assert!(
        !stories.body.to_string().contains(&slug),
        "{}",
        stories.body
    );

    server.stop().await.unwrap();
}

async fn the_popup_mints_a_short_lived_comment_token(db: &TestDatabase) {
    let server = embedding_server(db).await;
    let edition = frame(&server, "en", "https://blog.example/token", "Tokens")
        .await
        .edition
        .unwrap();
    account(&server, "karim", Role::Reader, PASSWORD).await;
    let mut reader = Agent::new(&server);

    // Not signed in: sign in first, then come back.
    let answer = reader.get("/embed/signed-in?lang=ar").await;
    assert_eq!(answer.status, 303);
    assert_eq!(
        answer.location.as_deref(),
        Some("/ar/signin?next=%2Fembed%2Fsigned%2Din%3Flang%3Dar")
    );
    let signed_in = reader
        .submit(
            "/ar/signin?next=%2Fembed%2Fsigned%2Din%3Flang%3Dar",
            "/ar/signin",
            &[
                ("login", "karim"),
                ("password", PASSWORD),
                ("next", "/embed/signed-in?lang=ar"),
            ],
        )
        .await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    assert_eq!(
        signed_in.location.as_deref(),
        Some("/embed/signed-in?lang=ar")
    );
    let page = reader.get("/embed/signed-in?lang=ar").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<html lang=\"ar\" dir=\"rtl\">"));
    let token = page
        .body
        .split("data-token=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a token")
        .to_owned();
    let bearer = format!("Bearer {token}");

    // It comments, without cookies and so without CSRF, and reads the
    // reader's notifications; nothing else.
    let posted = call(
        &server,
        "POST",
        &format!("/editions/{edition}/comments"),
        Some(json!({"body": "From the host page."})),
        &[("Authorization", &bearer)],
    )
    .await;
    assert_eq!(posted.status, 201, "{}", posted.body);
    let notifications = call(
        &server,
        "GET",
        "/notifications",
        None,
        &[("Authorization", &bearer)],
    )
    .await;
    assert_eq!(notifications.status, 200, "{}", notifications.body);
    let stories = call(
        &server,
        "GET",
        "/stories",
        None,
        &[("Authorization", &bearer)],
    )
    .await;
    assert_eq!(stories.status, 403, "{}", stories.body);

    // An expired token works no more.
    let karim = server
        .store()
        .user_id_by_key(&khabar_core::Username::parse("karim").unwrap().key())
        .await
        .unwrap()
        .unwrap();
    let old = "khp_expired-token-for-the-test";
    server
        .store()
        .create_access_token_until(
            karim,
            "Embedded discussion",
            &khabar_core::secret::hash_token(old),
            "comment",
            Some(jiff::Timestamp::now() - jiff::SignedDuration::from_mins(1)),
        )
        .await
        .unwrap();
    let expired = call(
        &server,
        "POST",
        &format!("/editions/{edition}/comments"),
        Some(json!({"body": "Too late."})),
        &[("Authorization", &format!("Bearer {old}"))],
    )
    .await;
    assert_eq!(expired.status, 401);
    assert_eq!(expired.body["error"]["code"], "invalid_token");
    server.stop().await.unwrap();
}

/// The API's refusals by code as a thread page words them (its
/// `data-messages`, HTML-escaped JSON).
fn messages(page: &str) -> serde_json::Value {
    let escaped = page
        .split("data-messages=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page's messages");
    let json = escaped
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#x27;", "'")
        .replace("&#x2f;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    serde_json::from_str(&json).expect("messages as JSON")
}

/// The token the sign-in popup hands the iframe, for a reader `name`
/// signed in on this site.
async fn popup_token(server: &khabar::Server, name: &str) -> String {
    account(server, name, Role::Reader, PASSWORD).await;
    let mut reader = Agent::new(server);
    let signed_in = reader
        .submit(
            "/en/signin",
            "/en/signin",
            &[("login", name), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    let page = reader.get("/embed/signed-in?lang=en").await;
    assert!(page.body.contains(&format!("data-username=\"{name}\"")));
    let token = page
        .body
        .split("data-token=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a token");
    format!("Bearer {token}")
}

async fn readers_act_on_embedded_threads_with_the_popup_token(db: &TestDatabase) {
    let server = embedding_server(db).await;
    let url = "https://blog.example/bridge";
    let edition = frame(&server, "ar", url, "الجسر").await.edition.unwrap();
    let salma = popup_token(&server, "salma").await;
    let rami = popup_token(&server, "rami").await;

    // 21 top-level comments: the thread page shows 20 and links the rest.
    let mut ids = Vec::new();
    for n in 0..21 {
        if n % 3 == 0 {
            clear_posting_limits(&server, "salma").await;
        }
        let posted = call(
            &server,
            "POST",
            &format!("/editions/{edition}/comments"),
            Some(json!({"body": format!("ملاحظة رقم {n} عن الجسر")})),
            &[("Authorization", &salma)],
        )
        .await;
        assert_eq!(posted.status, 201, "{}", posted.body);
        ids.push(posted.body["id"].as_i64().unwrap());
    }
    let first = frame(&server, "ar", url, "").await;
    assert!(first.body.contains(&format!("id=\"comment-{}\"", ids[19])));
    assert!(!first.body.contains(&format!("id=\"comment-{}\"", ids[20])));
    // Each comment names its author, so the iframe knows the reader's own.
    assert!(first.body.contains("data-author=\"salma\""));
    let more = first
        .body
        .split("data-more")
        .next()
        .and_then(|head| head.rsplit("href=\"").next())
        .and_then(|rest| rest.split('"').next())
        .expect("a link to more comments")
        .replace("&amp;", "&");
    assert!(more.starts_with("/embed/ar/thread?"), "{more}");
    assert!(more.contains("cpage=2"), "{more}");
    let second = client()
        .get(format!("{}{more}", server.base_url()))
        .send()
        .await
        .unwrap();
    assert!(
        second.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors https://blog.example")
    );
    let second = second.text().await.unwrap();
    assert!(second.contains(&format!("id=\"comment-{}\"", ids[20])));
    assert!(!second.contains(&format!("id=\"comment-{}\"", ids[0])));
    assert!(!second.contains("data-more>"));

    // The thread is public: listComments and getComment answer for it.
    let listed = call(
        &server,
        "GET",
        &format!("/editions/{edition}/comments?page=2"),
        None,
        &[],
    )
    .await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert_eq!(listed.body["comments"][0]["comment"]["id"], json!(ids[20]));
    assert_eq!(listed.body["has_more"], json!(false));
    let one = call(&server, "GET", &format!("/comments/{}", ids[0]), None, &[]).await;
    assert_eq!(one.status, 200, "{}", one.body);
    assert_eq!(one.body["body"], json!("ملاحظة رقم 0 عن الجسر"));

    // The popup's token likes, reports, edits and deletes as the article
    // page does, and reads the reader's notifications.
    let liked = call(
        &server,
        "PUT",
        &format!("/comments/{}/reaction", ids[0]),
        Some(json!({"like": true})),
        &[("Authorization", &rami)],
    )
    .await;
    assert_eq!(liked.status, 200, "{}", liked.body);
    assert_eq!(liked.body["like_count"], json!(1));
    let reported = call(
        &server,
        "POST",
        &format!("/comments/{}/reports", ids[1]),
        Some(json!({"reason": "spam", "note": "إعلان"})),
        &[("Authorization", &rami)],
    )
    .await;
    assert_eq!(reported.status, 201, "{}", reported.body);
    let edited = call(
        &server,
        "PATCH",
        &format!("/comments/{}", ids[2]),
        Some(json!({"body": "ملاحظة مصححة عن الجسر"})),
        &[("Authorization", &salma)],
    )
    .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    assert!(edited.body["html"].as_str().unwrap().contains("مصححة"));
    let not_hers = call(
        &server,
        "PATCH",
        &format!("/comments/{}", ids[3]),
        Some(json!({"body": "ليس تعليقي"})),
        &[("Authorization", &rami)],
    )
    .await;
    assert_eq!(not_hers.body["error"]["code"], json!("not_your_comment"));
    let deleted = call(
        &server,
        "DELETE",
        &format!("/comments/{}", ids[3]),
        None,
        &[("Authorization", &salma)],
    )
    .await;
    assert_eq!(deleted.status, 204);
    clear_posting_limits(&server, "rami").await;
    let reply = call(
        &server,
        "POST",
        &format!("/editions/{edition}/comments"),
        Some(json!({"body": "أوافقك تمامًا", "parent_id": ids[0]})),
        &[("Authorization", &rami)],
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let mut unread = json!(null);
    for _ in 0..50 {
        let notifications = call(
            &server,
            "GET",
            "/notifications",
            None,
            &[("Authorization", &salma)],
        )
        .await;
        assert_eq!(notifications.status, 200, "{}", notifications.body);
        unread = notifications.body["unread"].clone();
        if unread == json!(1) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(unread, json!(1), "the reply reaches salma's notifications");
    // Nothing beyond commenting and the reader's own account.
    let queue = call(
        &server,
        "GET",
        "/moderation/queue",
        None,
        &[("Authorization", &salma)],
    )
    .await;
    assert_eq!(queue.status, 403, "{}", queue.body);

    // Refusals come in the thread's language, by the API's codes.
    let arabic = frame(&server, "ar", url, "").await.body;
    assert_eq!(
        messages(&arabic)["not_your_comment"],
        json!("لا يغيّر التعليقَ إلا كاتبه.")
    );
    let english = frame(&server, "en", url, "").await.body;
    assert_eq!(
        messages(&english)["already_reported"],
        json!("You have already reported this comment. Thank you.")
    );
    server.stop().await.unwrap();
}

async fn the_thread_page_is_kept_with_its_frame_policy(db: &TestDatabase) {
    let server = embedding_server(db).await;
    // A page rendered before the page cache follows the log is not kept.
    common::cache_in_play(server.base_url()).await;
    let url = "https://blog.example/cached";
    let ask = || async {
        client()
            .get(format!("{}/embed/en/thread", server.base_url()))
            .query(&[("url", url), ("title", "Cached")])
            .send()
            .await
            .unwrap()
    };
    let first = ask().await;
    assert_eq!(first.status(), 200);
    let edition = {
        let body = first.text().await.unwrap();
        body.split("data-edition=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap()
    };
    let kept = ask().await;
    let header = |name: &str| {
        kept.headers()
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    assert_eq!(header("x-cache"), "hit");
    assert!(
        header("content-security-policy").contains("frame-ancestors https://blog.example"),
        "{}",
        header("content-security-policy")
    );
    assert_eq!(header("x-frame-options"), "");
    // Kept by shared caches; browsers ask again each time (a reader who
    // commented reloads).
    assert!(
        header("cache-control").starts_with("public, max-age=0, must-revalidate"),
        "{}",
        header("cache-control")
    );
    assert!(header("vary").contains("Cookie"), "{}", header("vary"));
    assert!(header("surrogate-key").contains("story-"));

    // A comment changes the page: the next answer shows it.
    let salma = popup_token(&server, "salma").await;
    let posted = call(
        &server,
        "POST",
        &format!("/editions/{edition}/comments"),
        Some(json!({"body": "Kept pages follow the thread."})),
        &[("Authorization", &salma)],
    )
    .await;
    assert_eq!(posted.status, 201, "{}", posted.body);
    let mut shown = false;
    for _ in 0..50 {
        if ask()
            .await
            .text()
            .await
            .unwrap()
            .contains("Kept pages follow the thread.")
        {
            shown = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(shown, "the kept page is dropped when the thread changes");
    // Refusals are not kept.
    let refused = client()
        .get(format!("{}/embed/en/thread", server.base_url()))
        .query(&[("url", "https://evil.example/x"), ("title", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    assert!(
        refused.headers()["cache-control"]
            .to_str()
            .unwrap()
            .starts_with("private")
    );
    server.stop().await.unwrap();
}

async fn embedding_is_off_unless_origins_are_configured(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let off = frame(&server, "en", "https://blog.example/vote", "Vote").await;
    assert_eq!(off.status, 404);
    assert!(off.csp.contains("frame-ancestors 'none'"), "{}", off.csp);
    let (status, body, cors) = counts(&server, &["https://blog.example/vote"], HOST).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("embed_off"))
    );
    assert_eq!(cors, None);
    let mut agent = Agent::new(&server);
    assert_eq!(agent.get("/embed/signed-in").await.status, 404);
    // The host page's script is there all the same, tagged for caches.
    let script = client()
        .get(format!("{}/embed.js", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(script.status(), 200);
    let tag = script.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(script.headers()["cache-control"], "public, max-age=3600");
    assert!(script.text().await.unwrap().contains("khabar-thread"));
    let again = client()
        .get(format!("{}/embed.js", server.base_url()))
        .header("If-None-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    server.stop().await.unwrap();
}

async fn an_address_opens_a_bounded_number_of_new_threads(db: &TestDatabase) {
    let server = embedding_server(db).await;
    let first = frame(&server, "en", "https://blog.example/page-0", "Page").await;
    assert_eq!(first.status, 200);
    for n in 1..120 {
        let url = format!("https://blog.example/page-{n}");
        assert_eq!(
            frame(&server, "en", &url, "Page").await.status,
            200,
            "{url}"
        );
    }
    let refused = frame(&server, "en", "https://blog.example/page-120", "Page").await;
    assert_eq!(refused.status, 429);
    // Threads that exist still open.
    let again = frame(&server, "en", "https://blog.example/page-0", "Page").await;
    assert_eq!(again.edition, first.edition);
    server.stop().await.unwrap();
}

on_both_backends!(
    an_address_opens_a_bounded_number_of_new_threads,
    threads_open_once_per_page_for_allowed_origins_only,
    the_popup_mints_a_short_lived_comment_token,
    embedding_is_off_unless_origins_are_configured,
    readers_act_on_embedded_threads_with_the_popup_token,
    the_thread_page_is_kept_with_its_frame_policy,
);
