//! Error pages through the real server on port 0, on SQLite and on
//! PostgreSQL: the status, the site's chrome (header, sections, search,
//! language switch, the reader's own links), the page's language, a search
//! box on a 404, and the reason for a refusal in words rather than numbers.

mod common;

use common::{Agent, html_lang_dir, spawn_app};
use khabar_core::Role;
use khabar_testkit::{TestDatabase, on_both_backends};

const PASSWORD: &str = "harbour lights at dusk";

/// The text of the page's first `<h1>`.
fn heading(html: &str) -> &str {
    html.split_once("<h1>")
        .and_then(|(_, rest)| rest.split_once("</h1>"))
        .map_or("", |(heading, _)| heading.trim())
}

/// The parts every page's header has: the masthead, the section links,
/// the search box and the switch to the other language.
fn assert_chrome(html: &str, lang: &str, other: &str, what: &str) {
    assert_eq!(
        html_lang_dir(html).0,
        lang,
        "{what} is in the path's language"
    );
    for part in [
        "class=\"masthead\"".to_owned(),
        format!("href=\"/{lang}/section/"),
        format!("action=\"/{lang}/search\""),
        format!("hreflang=\"{other}\""),
        "rel=\"icon\"".to_owned(),
    ] {
        assert!(html.contains(&part), "{what} has {part}");
    }
}

/// A member of the site signed in through the sign-in form.
async fn signed_in<'a>(server: &'a khabar::Server, name: &str, role: Role) -> Agent<'a> {
    common::account(server, name, role, PASSWORD).await;
    let mut agent = Agent::new(server);
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

async fn a_missing_page_is_a_404_in_the_sites_chrome_with_search(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let mut stranger = Agent::new(&server);
    for (lang, other, title) in [
        ("en", "ar", "Page not found"),
        ("ar", "en", "الصفحة غير موجودة"),
    ] {
        for path in [
            format!("/{lang}/no-such-page"),
            format!("/{lang}/story/no-such-story"),
        ] {
            let answer = stranger.get(&path).await;
            assert_eq!(answer.status, 404, "{path}");
            assert_chrome(&answer.body, lang, other, &path);
            assert_eq!(heading(&answer.body), title, "{path}");
            assert!(
                answer.body.contains("class=\"error-search\""),
                "{path} offers a search"
            );
            assert!(answer.body.contains("noindex"), "{path}");
            assert!(!answer.body.contains("rel=\"canonical\""), "{path}");
        }
    }
    // Outside the languages' paths, in the language the browser asks for.
    let answer = common::client()
        .get(format!("{}/no-such-file.txt", server.base_url()))
        .header("Accept-Language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 404);
    assert_chrome(&answer.text().await.unwrap(), "en", "ar", "a bare path");
    server.stop().await.unwrap();
}

on_both_backends!(a_missing_page_is_a_404_in_the_sites_chrome_with_search);

async fn a_reader_without_a_role_is_told_so(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let mut reader = signed_in(&server, "ahmad", Role::Reader).await;
    let cases = [
        ("/en/admin", "en", "ar", "You need a newsroom role"),
        (
            "/ar/admin/stories",
            "ar",
            "en",
            "تحتاج إلى دور في غرفة الأخبار",
        ),
        ("/en/moderate", "en", "ar", "You need a moderator role"),
        ("/ar/moderate", "ar", "en", "تحتاج إلى دور المشرف"),
    ];
    for (path, lang, other, title) in cases {
        let answer = reader.get(path).await;
        assert_eq!(answer.status, 403, "{path}");
        assert_chrome(&answer.body, lang, other, path);
        assert_eq!(heading(&answer.body), title, "{path}");
        // The reader's own links: the header knows who is asking.
        assert!(answer.body.contains("<bdi>ahmad</bdi>"), "{path}");
        assert!(!answer.body.contains("expired"), "{path}");
        assert!(!answer.body.contains("انتهت صلاحية"), "{path}");
    }
    // A form without its token is still the expired form it was.
    let refused = reader.post("/en/signout", &[]).await;
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("The form had expired"));
    assert_chrome(&refused.body, "en", "ar", "a form without its token");
    server.stop().await.unwrap();
}

on_both_backends!(a_reader_without_a_role_is_told_so);

async fn a_refusal_is_explained_not_numbered(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let mut moderator = signed_in(&server, "salma", Role::Moderator).await;
    for (lang, other, title, reason) in [
        (
            "en",
            "ar",
            "That could not be done",
            "There is no such queue.",
        ),
        ("ar", "en", "تعذّر تنفيذ ذلك", "لا يوجد طابور بهذا الاسم."),
    ] {
        let path = format!("/{lang}/moderate?queue=nope");
        let answer = moderator.get(&path).await;
        assert_eq!(answer.status, 422, "{path}");
        assert_chrome(&answer.body, lang, other, &path);
        assert_eq!(heading(&answer.body), title, "{path}");
        assert!(answer.body.contains(reason), "{path}");
        assert!(!answer.body.contains(">422<"), "{path}: no bare number");
    }
    server.stop().await.unwrap();
}

on_both_backends!(a_refusal_is_explained_not_numbered);

async fn icons_and_manifests_answer_in_each_language(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    for (path, media_type) in [
        ("/favicon.ico", "image/x-icon"),
        ("/apple-touch-icon.png", "image/png"),
        ("/manifest.webmanifest", "application/manifest+json"),
    ] {
        let answer = common::client()
            .get(format!("{}{path}", server.base_url()))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "{path}");
        assert_eq!(answer.headers()["content-type"], media_type, "{path}");
    }
    for (lang, dir, other) in [("ar", "rtl", "en"), ("en", "ltr", "ar")] {
        let (status, body) = common::get(&server, &format!("/{lang}/manifest.webmanifest")).await;
        assert_eq!(status, 200);
        let manifest: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(manifest["lang"], lang);
        assert_eq!(manifest["dir"], dir);
        assert_eq!(manifest["start_url"], format!("/{lang}/"));
        assert!(manifest["name"].as_str().is_some_and(|n| !n.is_empty()));
        assert!(
            manifest["translations"][other]["name"]
                .as_str()
                .is_some_and(|n| !n.is_empty() && n != manifest["name"])
        );
        // Every icon it names is served.
        for icon in manifest["icons"].as_array().unwrap() {
            let src = icon["src"].as_str().unwrap();
            assert_eq!(common::get(&server, src).await.0, 200, "{src}");
        }
        // Pages link their language's manifest and a sharing image.
        let (_, home) = common::get(&server, &format!("/{lang}/")).await;
        assert!(home.contains(&format!("href=\"/{lang}/manifest.webmanifest\"")));
        assert!(home.contains("property=\"og:image\""));
    }
    assert_eq!(
        common::get(&server, "/xx/manifest.webmanifest").await.0,
        404
    );
    server.stop().await.unwrap();
}

on_both_backends!(icons_and_manifests_answer_in_each_language);
