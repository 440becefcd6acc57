//! The public site through the real server on port 0, on SQLite and on
//! PostgreSQL.

mod common;

use std::time::Duration;

use common::{alternates, client, get, html_lang_dir, path_of, spawn_app};
use jiff::{SignedDuration, Timestamp};
use khabar_core::{EditionContent, EditionInput, Lang};
use khabar_store::NewStory;
use khabar_testkit::{TestDatabase, on_both_backends};

async fn root_follows_accept_language(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let cases = [
        (Some("en-US,en;q=0.9,ar;q=0.8"), "/en/"),
        (Some("ar-LB,ar;q=0.9,en;q=0.5"), "/ar/"),
        (Some("fr-FR, en;q=0.3, ar;q=0.6"), "/ar/"),
        (Some("de-DE,fr;q=0.8"), "/ar/"),
        (Some("en;q=0, ar;q=0.1"), "/ar/"),
        (Some("*"), "/ar/"),
        (None, "/ar/"),
    ];
    for (header, expected) in cases {
        let mut request = client().get(format!("{}/", server.base_url()));
        if let Some(header) = header {
            request = request.header("Accept-Language", header);
        }
        let response = request.send().await.unwrap();
        assert!(response.status().is_redirection(), "{header:?}");
        assert_eq!(response.headers()["location"], expected, "{header:?}");
        assert_eq!(response.headers()["vary"], "Accept-Language");
    }
    server.stop().await.unwrap();
}

async fn every_page_kind_has_its_lang_and_dir(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let (_, home) = get(&server, "/en/").await;
    let article_path = first_story_link(&home, "en");
    for (lang, dir) in [("ar", "rtl"), ("en", "ltr")] {
        let (_, home) = get(&server, &format!("/{lang}/")).await;
        let story = first_story_link(&home, lang);
        let (_, article) = get(&server, &story).await;
        let author = link_with(&article, &format!("/{lang}/author/"));
        let tag = link_with(&article, &format!("/{lang}/tag/"));
        let pages = [
            (format!("/{lang}/"), 200),
            (format!("/{lang}/section/politics"), 200),
            (tag, 200),
            (author, 200),
            (story, 200),
            (format!("/{lang}/story/no-such-story"), 404),
            (format!("/{lang}/section/politics?page=abc"), 400),
        ];
        for (path, status) in pages {
            let (got, html) = get(&server, &path).await;
            assert_eq!(got, status, "{path}");
            assert_eq!(
                html_lang_dir(&html),
                (lang.to_owned(), dir.to_owned()),
                "{path}"
            );
        }
    }
    assert!(article_path.starts_with("/en/story/"));
    // An unknown language prefix is a 404 in the reader's language.
    let response = client()
        .get(format!("{}/fr/", server.base_url()))
        .header("Accept-Language", "en-GB")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let html = response.text().await.unwrap();
    assert_eq!(html_lang_dir(&html), ("en".to_owned(), "ltr".to_owned()));
    let (status, html) = get(&server, "/fr/story/x").await;
    assert_eq!(
        (status, html_lang_dir(&html)),
        (404, ("ar".to_owned(), "rtl".to_owned()))
    );
    server.stop().await.unwrap();
}

async fn editions_link_each_other_with_reciprocal_hreflang(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let (_, home) = get(&server, "/en/").await;
    let english = first_story_link(&home, "en");
    let (status, english_html) = get(&server, &english).await;
    assert_eq!(status, 200);
    let english_alternates = alternates(&english_html);
    let arabic_url = english_alternates
        .iter()
        .find(|(lang, _)| lang == "ar")
        .map(|(_, href)| href.clone())
        .expect("an Arabic alternate");
    assert!(arabic_url.starts_with("http://"), "absolute: {arabic_url}");
    let x_default = english_alternates
        .iter()
        .find(|(lang, _)| lang == "x-default")
        .expect("x-default");
    assert_eq!(
        x_default.1, arabic_url,
        "x-default is the default language's edition"
    );
    assert!(
        english_html.contains("اقرأ هذا الخبر بالعربية"),
        "the switch speaks Arabic"
    );
    assert!(english_html.contains(&format!(
        "rel=\"canonical\" href=\"{}{english}\"",
        server.base_url()
    )));

    let (status, arabic_html) = get(&server, &path_of(&server, &arabic_url)).await;
    assert_eq!(status, 200, "{arabic_url}");
    let arabic_alternates = alternates(&arabic_html);
    assert!(
        arabic_alternates.contains(&("en".to_owned(), format!("{}{english}", server.base_url()))),
        "reciprocal: {arabic_alternates:?}"
    );
    assert!(arabic_alternates.contains(&("ar".to_owned(), arabic_url.clone())));
    assert!(arabic_html.contains("Read this story in English"));

    // The Arabic-only story names only itself.
    let store = server.store();
    let mut arabic_only = None;
    for summary in store
        .published(Lang::AR, khabar_store::ListFilter::Latest, 1, 50)
        .await
        .unwrap()
        .items
    {
        let article = store
            .article(Lang::AR, &summary.slug)
            .await
            .unwrap()
            .unwrap();
        if article.other_editions.is_empty() {
            arabic_only = Some(summary);
        }
    }
    let arabic_only = arabic_only.expect("the demo has an Arabic-only story");
    let (status, html) = get(&server, &format!("/ar/story/{}", encode(&arabic_only.slug))).await;
    assert_eq!(status, 200);
    let hreflangs: Vec<String> = alternates(&html).into_iter().map(|(l, _)| l).collect();
    assert_eq!(hreflangs, ["ar", "x-default"]);
    assert!(!html.contains("Read this story in English"));
    server.stop().await.unwrap();
}

async fn home_and_list_pages_announce_each_other(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let base = server.base_url().to_owned();
    for path in ["/", "/section/politics"] {
        let en_path = format!("/en{path}");
        let ar_path = format!("/ar{path}");
        let (_, english) = get(&server, &en_path).await;
        let (_, arabic) = get(&server, &ar_path).await;
        for html in [&english, &arabic] {
            let found = alternates(html);
            assert!(
                found.contains(&("en".into(), format!("{base}{en_path}"))),
                "{path}: {found:?}"
            );
            assert!(
                found.contains(&("ar".into(), format!("{base}{ar_path}"))),
                "{path}: {found:?}"
            );
            assert!(found.iter().any(|(lang, _)| lang == "x-default"), "{path}");
        }
    }
    server.stop().await.unwrap();
}

async fn scheduled_story_goes_live_without_a_request(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let store = server.store().clone();
    let story = store
        .create_story(NewStory {
            section_id: None,
            tag_ids: &[],
            hero_image: None,
        })
        .await
        .unwrap();
    let content = EditionContent::parse(EditionInput {
        headline: "Night ferry timetable changes".into(),
        body: "The ferry leaves later.".into(),
        ..Default::default()
    })
    .unwrap();
    let edition = store
        .create_edition(story, Lang::EN, &content, &[], None)
        .await
        .unwrap();
    store
        .schedule_edition(
            edition,
            Timestamp::now() + SignedDuration::from_millis(1200),
            None,
        )
        .await
        .unwrap();
    // Watch the database only: no HTTP request may trigger the publication.
    let deadline = Timestamp::now() + SignedDuration::from_secs(10);
    while store.edition(edition).await.unwrap().status != khabar_core::EditionStatus::Published {
        assert!(
            Timestamp::now() < deadline,
            "the scheduler did not publish in time"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let kinds: Vec<String> = store
        .events_since(0, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        ["edition.created", "edition.scheduled", "edition.published"]
    );
    let (status, html) = get(&server, "/en/story/night-ferry-timetable-changes").await;
    assert_eq!(status, 200);
    assert!(html.contains("Night ferry timetable changes"));
    server.stop().await.unwrap();
}

async fn edits_show_at_once_and_unpublished_stories_vanish(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let store = server.store().clone();
    let (_, home) = get(&server, "/en/").await;
    let path = first_story_link(&home, "en");
    let slug = path.trim_start_matches("/en/story/").to_owned();
    let article = store.article(Lang::EN, &slug).await.unwrap().unwrap();
    let record = store.edition(article.summary.id).await.unwrap();
    let content = EditionContent::parse(EditionInput {
        slug: Some(slug.clone()),
        headline: "A corrected headline".into(),
        body: article.body.clone(),
        ..Default::default()
    })
    .unwrap();
    store
        .update_edition(record.id, record.revision, &content, &[], None)
        .await
        .unwrap();
    let (_, html) = get(&server, &path).await;
    assert!(html.contains("A corrected headline"));
    let revisions = store.revisions(record.id).await.unwrap();
    assert_eq!(revisions.len(), 2);
    assert_eq!(revisions[0].headline, "A corrected headline");
    assert_eq!(revisions[1].headline, article.summary.headline);

    // A new slug: the old address answers 301 with the new one.
    let renamed = EditionContent::parse(EditionInput {
        slug: Some("a-corrected-slug".into()),
        headline: "A corrected headline".into(),
        body: article.body.clone(),
        ..Default::default()
    })
    .unwrap();
    store
        .update_edition(record.id, record.revision + 1, &renamed, &[], None)
        .await
        .unwrap();
    let response = client()
        .get(format!("{}{path}", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 301);
    assert_eq!(response.headers()["location"], "/en/story/a-corrected-slug");
    let path = "/en/story/a-corrected-slug".to_owned();

    store.unpublish_edition(record.id, None).await.unwrap();
    let (status, html) = get(&server, &path).await;
    assert_eq!(status, 404);
    assert!(html.contains("Page not found"));
    let (_, home) = get(&server, "/en/").await;
    assert!(!home.contains("A corrected headline"));
    server.stop().await.unwrap();
}

async fn health_and_readiness(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let (status, body) = get(&server, "/healthz").await;
    assert_eq!((status, body.contains("alive")), (200, true));
    let (status, body) = get(&server, "/readyz").await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(if db.is_postgres() {
        "postgres"
    } else {
        "sqlite"
    }));
    server.stop().await.unwrap();
}

async fn odd_paths_and_headers_never_fail(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let long = "a".repeat(4000);
    let paths = [
        "/".to_owned(),
        "//".into(),
        "/fr/".into(),
        "/xx".into(),
        "/AR/".into(),
        "/ar".into(),
        "/ar//".into(),
        "/ar/story/".into(),
        "/ar/story/%FF%FE".into(),
        "/ar/story/%00".into(),
        "/ar/story/%".into(),
        "/en/story/..%2F..%2Fetc%2Fpasswd".into(),
        "/assets/..%2F..%2FCargo.toml".into(),
        "/assets/../../Cargo.toml".into(),
        "/media/..%2Fkhabar.db".into(),
        "/media/%2e%2e/khabar.db".into(),
        "/en/section/politics?page=0".into(),
        "/en/section/politics?page=-1".into(),
        "/en/section/politics?page=99999999999999999999".into(),
        "/en/section/politics?page=2&page=3".into(),
        "/en/section/politics?%ZZ=1".into(),
        "/en/tag/%D8%A7".into(),
        format!("/en/story/{long}"),
        format!("/{long}"),
        "/en/story/\u{202e}evil".into(),
        "/readyz?x=1".into(),
        "/ar/story/%D9%85%D8%B1%D8%B3%D9%89".into(),
    ];
    let headers: [(&str, &str); 8] = [
        ("Accept-Language", "en;q=nan, ar;q=inf"),
        ("Accept-Language", ";;;,,,q=1"),
        ("Accept-Language", "\u{0627}\u{0644}"),
        ("Accept-Language", "*;q=0.5, xx-YY;q=1"),
        ("Cookie", "=; ;=;"),
        ("If-None-Match", "\"\u{0}\""),
        ("Range", "bytes=99999999-1"),
        ("Host", "[::1"),
    ];
    for path in &paths {
        for (name, value) in headers {
            let status = raw_get(&server, path, &format!("{name}: {value}")).await;
            assert!(status < 500, "{path} with {name}: {value} → {status}");
        }
    }
    // Paths that try to leave the theme or the media folder find nothing.
    for path in [
        "/assets/..%2F..%2FCargo.toml",
        "/assets/%2e%2e/%2e%2e/Cargo.toml",
        "/media/..%2Fkhabar.db",
        "/media/%2e%2e/khabar.db",
        "/media/demo/..%2F..%2Fkhabar.db",
    ] {
        let status = raw_get(&server, path, "Accept: */*").await;
        assert!(status == 404 || status == 400, "{path} → {status}");
    }
    let (status, _) = get(&server, "/media/demo/harbour-vote.svg").await;
    assert_eq!(status, 200, "the control case: real media is served");
    server.stop().await.unwrap();
}

async fn a_bad_config_stops_start_up_with_the_key_named(db: &TestDatabase) {
    let file = db.dir().join("khabar.toml");
    let cases = [
        (
            "[site]\ntime_zone = \"Mars/Olympus_Mons\"\n",
            "site.time_zone",
        ),
        (
            "[site]\ndefault_language = \"fr\"\n",
            "site.default_language",
        ),
        ("[log]\nformat = \"xml\"\n", "format"),
        ("[site]\nbase_url = \"news.example\"\n", "site.base_url"),
    ];
    for (text, key) in cases {
        std::fs::write(&file, text).unwrap();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_khabar"))
            .args(["--config"])
            .arg(&file)
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(db.dir())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run khabar");
        // A config that is wrongly accepted starts a server; do not wait on it.
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while child.try_wait().unwrap().is_none() {
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                panic!("khabar started with a bad config: {text}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{text}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(key), "{key} not named in: {stderr}");
    }
}

on_both_backends!(
    root_follows_accept_language,
    every_page_kind_has_its_lang_and_dir,
    editions_link_each_other_with_reciprocal_hreflang,
    home_and_list_pages_announce_each_other,
    scheduled_story_goes_live_without_a_request,
    edits_show_at_once_and_unpublished_stories_vanish,
    health_and_readiness,
    odd_paths_and_headers_never_fail,
);

#[tokio::test]
async fn bad_config() {
    a_bad_config_stops_start_up_with_the_key_named(&khabar_testkit::sqlite()).await;
}

/// A GET written by hand, so that paths and headers no HTTP client would
/// send reach the server as they are. Returns the status code.
async fn raw_get(server: &khabar::Server, path: &str, header: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{header}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response))
        .await
        .unwrap_or_else(|_| panic!("no answer within 10 s to {path} with {header}"))
        .unwrap_or_default();
    let head = String::from_utf8_lossy(&response[..response.len().min(64)]).into_owned();
    head.split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| {
            // A connection closed without an answer is the server refusing
            // malformed input at the protocol level: not a crash, not a 500.
            assert!(response.is_empty(), "unparseable response: {head}");
            400
        })
}

fn first_story_link(html: &str, lang: &str) -> String {
    link_with(html, &format!("/{lang}/story/"))
}

fn link_with(html: &str, prefix: &str) -> String {
    let needle = format!("href=\"{prefix}");
    let start = html
        .find(&needle)
        .unwrap_or_else(|| panic!("no link to {prefix}"))
        + "href=\"".len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_owned()
}

fn encode(slug: &str) -> String {
    slug.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
