//! Feeds, sitemaps, structured data and HTTP caching, through the real
//! server, on SQLite and on PostgreSQL.

mod common;

use std::time::Duration;

use common::{Agent, PurgeEndpoint, client, spawn_app, spawn_app_with};
use jiff::Timestamp;
use khabar_core::{EditionContent, EditionInput, FeedContent, HeroImage, Lang, Role, Slug};
use khabar_store::{AuthorProfile, ListFilter, Named, NewStory, Store};
use khabar_testkit::{TestDatabase, on_both_backends};

const PASSWORD: &str = "harbour lights at dusk";

/// `path` percent-decoded, as a reader sees it.
fn decoded(path: &str) -> String {
    percent_encoding::percent_decode_str(path)
        .decode_utf8_lossy()
        .into_owned()
}

async fn fetch(server: &khabar::Server, path: &str) -> reqwest::Response {
    let response = client()
        .get(format!("{}{path}", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response
}

async fn parse_feed(server: &khabar::Server, path: &str, media_type: &str) -> feed_rs::model::Feed {
    let response = fetch(server, path).await;
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with(media_type),
        "{path}: {content_type}"
    );
    let bytes = response.bytes().await.unwrap();
    feed_rs::parser::parse(&bytes[..]).unwrap_or_else(|e| panic!("{path} does not parse: {e}"))
}

/// The first words of a Markdown body, as they appear in its HTML.
fn opening_words(markdown: &str) -> Vec<String> {
    khabar_text::markdown::plain_text(markdown)
        .split_whitespace()
        .filter(|w| w.chars().all(char::is_alphanumeric))
        .take(4)
        .map(str::to_owned)
        .collect()
}

async fn feeds_parse_and_keep_content_and_dates(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let store = server.store().clone();
    let base = server.base_url().to_owned();
    for lang in [Lang::AR, Lang::EN] {
        let stories = store
            .feed_entries(lang, ListFilter::Latest, 30)
            .await
            .unwrap();
        assert!(stories.len() >= 4);
        for (format, media_type) in [
            ("atom", "application/atom+xml"),
            ("rss", "application/rss+xml"),
            ("json", "application/feed+json"),
        ] {
            let path = format!("/{lang}/feed.{format}");
            let feed = parse_feed(&server, &path, media_type).await;
            assert_eq!(feed.language.as_deref(), Some(lang.as_str()), "{path}");
            assert_eq!(feed.entries.len(), stories.len(), "{path}");
            for (entry, story) in feed.entries.iter().zip(&stories) {
                let summary = &story.summary;
                assert_eq!(entry.title.as_ref().unwrap().content, summary.headline);
                let published = entry.published.expect("a publication date");
                assert_eq!(published.timestamp(), summary.published_at.as_second());
                let link = &entry.links[0].href;
                assert!(link.starts_with(&base), "absolute: {link}");
                assert_eq!(
                    decoded(link),
                    format!("{base}/{lang}/story/{}", summary.slug)
                );
                let html = entry
                    .content
                    .as_ref()
                    .and_then(|c| c.body.clone())
                    .expect("full content");
                let dir = if lang == Lang::AR { "rtl" } else { "ltr" };
                assert!(html.contains(&format!("dir=\"{dir}\"")), "{path}: {html}");
                for word in opening_words(&story.body) {
                    assert!(html.contains(&word), "{path}: “{word}” missing");
                }
                let authors: Vec<&str> = entry.authors.iter().map(|a| a.name.as_str()).collect();
                let bylines: Vec<&str> = summary.authors.iter().map(|a| a.name.as_str()).collect();
                assert_eq!(authors, bylines, "{path}");
            }
        }
    }

    // Section, tag and author feeds hold their own stories only.
    let (_, article) = common::get(&server, "/en/story/marsa-nour-municipal-vote").await;
    let section = between(&article, "class=\"kicker\" href=\"", "\"");
    let author = format!(
        "/en/author/{}",
        between(&article, "href=\"/en/author/", "\"")
    );
    let tag = between(&article, "href=\"/en/tag/", "\"");
    for list in [section, author, format!("/en/tag/{tag}")] {
        let feed = parse_feed(
            &server,
            &format!("{list}/feed.atom"),
            "application/atom+xml",
        )
        .await;
        assert!(!feed.entries.is_empty(), "{list}");
        assert!(
            feed.entries.iter().any(|e| e.links[0]
                .href
                .ends_with("/en/story/marsa-nour-municipal-vote")),
            "{list}"
        );
        let listed = store
            .feed_entries(Lang::EN, ListFilter::Latest, 30)
            .await
            .unwrap()
            .len();
        assert!(feed.entries.len() <= listed);
        // The page announces the feeds.
        let (_, page) = common::get(&server, &list).await;
        for format in ["atom", "rss", "json"] {
            assert!(
                page.contains(&format!("href=\"{base}{list}/feed.{format}\"")),
                "{list} does not link its {format} feed"
            );
        }
    }
    let (status, _) = common::get(&server, "/en/section/no-such-section/feed.rss").await;
    assert_eq!(status, 404);
    let (_, home) = common::get(&server, "/ar/").await;
    assert!(home.contains(&format!(
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"خبر (Atom)\" href=\"{base}/ar/feed.atom\">"
    )));

    // A story's comments, newest first, with their authors.
    let mut reader = Agent::new(&server);
    let answer = reader
        .submit(
            "/en/signup",
            "/en/signup",
            &[
                ("username", "feedreader"),
                ("email", "feedreader@news.example"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(answer.status, 303);
    let story = "/en/story/marsa-nour-municipal-vote";
    for body in ["First thought on the count.", "مداخلة ثانية حول النتائج."] {
        let answer = reader
            .submit(story, &format!("{story}/comments"), &[("body", body)])
            .await;
        assert_eq!(answer.status, 303, "{}", answer.body);
    }
    let (_, page) = common::get(&server, story).await;
    assert!(page.contains(&format!("href=\"{base}{story}/comments.atom\"")));
    let feed = parse_feed(
        &server,
        &format!("{story}/comments.atom"),
        "application/atom+xml",
    )
    .await;
    let newest = &feed.entries[0];
    let html = newest.content.as_ref().unwrap().body.clone().unwrap();
    assert!(
        html.contains("مداخلة ثانية حول النتائج.") && html.contains("dir=\"rtl\""),
        "{html}"
    );
    assert_eq!(newest.authors[0].name, "feedreader");
    let older = feed.entries[1]
        .content
        .as_ref()
        .unwrap()
        .body
        .clone()
        .unwrap();
    assert!(older.contains("First thought on the count.") && older.contains("dir=\"ltr\""));
    server.stop().await.unwrap();

    // A site that sends summaries keeps its bodies at home.
    let server = spawn_app_with(db, false, |config| {
        config.site.feed_content = FeedContent::Summary;
    })
    .await;
    publish_story(
        server.store(),
        "A short summary story",
        "The body stays on the site.",
    )
    .await;
    for format in ["atom", "rss", "json"] {
        let feed = parse_feed(&server, &format!("/en/feed.{format}"), "application/").await;
        let entry = &feed.entries[0];
        let content = entry
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .unwrap_or_default();
        assert!(!content.contains("The body stays on the site."), "{format}");
        // Plain text where the format wants text, escaped where it wants HTML.
        let summary = entry.summary.as_ref().unwrap().content.clone();
        let escaped = "fees &lt; costs &amp; more.";
        // RSS descriptions are HTML; Atom (type="text") and JSON Feed
        // summaries are text.
        match format {
            "rss" => assert!(summary.contains(escaped), "{format}: {summary}"),
            _ => assert_eq!(summary, "What the standfirst says: fees < costs & more."),
        }
        if format == "json" {
            assert!(content.contains(escaped), "{content}");
        }
    }
    server.stop().await.unwrap();
}

/// The text between the first `start` and the `end` after it.
fn between(text: &str, start: &str, end: &str) -> String {
    let from = text.find(start).unwrap_or_else(|| panic!("no {start}")) + start.len();
    text[from..from + text[from..].find(end).unwrap()].to_owned()
}

/// Publishes a one-edition English story; returns (story id, edition id).
async fn publish_story(store: &Store, headline: &str, body: &str) -> (i64, i64) {
    let story = store
        .create_story(NewStory {
            section_id: None,
            tag_ids: &[],
            hero_image: None,
        })
        .await
        .unwrap();
    let content = EditionContent::parse(EditionInput {
        headline: headline.into(),
        standfirst: "What the standfirst says: fees < costs & more.".into(),
        body: body.into(),
        ..Default::default()
    })
    .unwrap();
    let edition = store
        .create_edition(story, Lang::EN, &content, &[], None)
        .await
        .unwrap();
    store
        .publish_edition(edition, Timestamp::now(), None)
        .await
        .unwrap();
    (story, edition)
}

/// Validates `xml` against one of the schemas in `tests/schemas`; false
/// when xmllint is missing (outside CI), after saying so.
fn validate(xml: &str, schema: &str) -> bool {
    let schema = format!("{}/tests/schemas/{schema}", env!("CARGO_MANIFEST_DIR"));
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), xml).unwrap();
    let output = std::process::Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema", &schema])
        .arg(file.path())
        .output();
    match output {
        Ok(output) => {
            assert!(
                output.status.success(),
                "{} against {schema}:\n{}\n{xml}",
                file.path().display(),
                String::from_utf8_lossy(&output.stderr)
            );
            true
        }
        Err(_) => {
            khabar_testkit::missing(
                "the XML Schema validation",
                "xmllint is not installed (apt-get install libxml2-utils)",
            );
            false
        }
    }
}

/// The `<loc>` values of a sitemap or index.
fn locations(xml: &str) -> Vec<String> {
    xml.split("<loc>")
        .skip(1)
        .map(|part| part[..part.find("</loc>").unwrap()].to_owned())
        .collect()
}

async fn sitemaps_validate_and_name_every_edition(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let store = server.store().clone();
    let base = server.base_url().to_owned();

    let robots = fetch(&server, "/robots.txt").await.text().await.unwrap();
    assert!(robots.contains(&format!("Sitemap: {base}/sitemap.xml")));
    assert!(robots.contains(&format!("Sitemap: {base}/sitemaps/news.xml")));
    assert!(robots.contains("Disallow: /ar/moderate") && robots.contains("Disallow: /api/"));

    let index = fetch(&server, "/sitemap.xml").await.text().await.unwrap();
    validate(&index, "siteindex.xsd");
    let files = locations(&index);
    assert!(files.contains(&format!("{base}/sitemaps/pages.xml")));
    assert!(files.contains(&format!("{base}/sitemaps/news.xml")));
    let mut story_urls = Vec::new();
    for file in &files {
        let path = file.strip_prefix(&base).unwrap();
        let xml = fetch(&server, path).await.text().await.unwrap();
        validate(&xml, "sitemap.xsd");
        if path.starts_with("/sitemaps/stories-") {
            story_urls.extend(locations(&xml).iter().map(|l| decoded(l)));
            // Both editions of the lead story name each other.
            if xml.contains("marsa-nour-municipal-vote</loc>") {
                assert!(xml.contains(&format!(
                    "<xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"{base}/en/story/marsa-nour-municipal-vote\"/>"
                )));
                assert!(xml.contains("<xhtml:link rel=\"alternate\" hreflang=\"ar\""));
            }
        }
        if path == "/sitemaps/news.xml" {
            assert!(xml.contains("<news:language>ar</news:language>"));
            assert!(xml.contains("<news:name>خبر</news:name>"));
        }
        if path == "/sitemaps/pages.xml" {
            assert!(xml.contains(&format!("<loc>{base}/ar/</loc>")));
            assert!(xml.contains("hreflang=\"x-default\""));
        }
    }
    // Every published edition, once.
    let mut expected = Vec::new();
    for lang in [Lang::AR, Lang::EN] {
        for story in store
            .published(lang, ListFilter::Latest, 1, 1_000)
            .await
            .unwrap()
            .items
        {
            expected.push(format!("{base}/{lang}/story/{}", story.slug));
        }
    }
    expected.sort();
    story_urls.sort();
    assert_eq!(story_urls, expected);

    // Files split at a size: every edition lands in exactly one.
    let per_file = 3;
    let chunks = store.sitemap_chunks(per_file).await.unwrap();
    assert_eq!(chunks.len(), expected.len().div_ceil(per_file as usize));
    let mut seen = Vec::new();
    for (i, chunk) in chunks.iter().enumerate() {
        let entries = store.sitemap_entries(i as u32, per_file).await.unwrap();
        assert_eq!(entries.len() as i64, chunk.urls);
        assert!(entries.len() <= per_file as usize);
        let newest = entries.iter().map(|e| e.updated_at).max().unwrap();
        assert_eq!(newest, chunk.last_modified);
        seen.extend(
            entries
                .into_iter()
                .map(|e| format!("{base}/{}/story/{}", e.lang, e.slug)),
        );
    }
    seen.sort();
    assert_eq!(seen, expected);
    let (status, _) = common::get(&server, "/sitemaps/stories-99.xml").await;
    assert_eq!(status, 404);
    let (status, _) = common::get(&server, "/sitemaps/stories-0.xml").await;
    assert_eq!(status, 404);
    server.stop().await.unwrap();
}

async fn article_pages_carry_json_ld_and_previews(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let base = server.base_url().to_owned();
    let store = server.store().clone();
    for (lang, slug) in [
        (Lang::EN, "marsa-nour-municipal-vote".to_owned()),
        (
            Lang::AR,
            store
                .feed_entries(Lang::AR, ListFilter::Latest, 1)
                .await
                .unwrap()[0]
                .summary
                .slug
                .clone(),
        ),
    ] {
        let article = store.article(lang, &slug).await.unwrap().unwrap();
        let path = format!("/{lang}/story/{}", common::segment(&slug));
        let (_, html) = common::get(&server, &path).await;
        let json = between(&html, "<script type=\"application/ld+json\">", "</script>");
        let data: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(data["@type"], "NewsArticle");
        assert_eq!(data["headline"], article.summary.headline);
        assert_eq!(data["inLanguage"], lang.as_str());
        assert_eq!(data["dateline"], article.dateline);
        let published: Timestamp = data["datePublished"].as_str().unwrap().parse().unwrap();
        assert_eq!(
            published.as_second(),
            article.summary.published_at.as_second()
        );
        assert!(data["dateModified"].as_str().unwrap().ends_with('Z'));
        let authors = data["author"].as_array().unwrap();
        assert_eq!(authors.len(), article.summary.authors.len());
        assert_eq!(authors[0]["name"], article.summary.authors[0].name);
        assert!(
            authors[0]["url"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{base}/{lang}/author/"))
        );
        assert!(
            data["image"][0]
                .as_str()
                .unwrap()
                .starts_with(&format!("{base}/media/"))
        );
        assert_eq!(
            data["publisher"]["name"],
            if lang == Lang::AR { "خبر" } else { "Khabar" }
        );
        assert_eq!(
            decoded(data["url"].as_str().unwrap()),
            format!("{base}/{lang}/story/{slug}")
        );

        for tag in [
            "<meta property=\"og:type\" content=\"article\">".to_owned(),
            format!(
                "<meta property=\"og:title\" content=\"{}\">",
                article.summary.headline
            ),
            format!(
                "<meta name=\"description\" content=\"{}\">",
                article.summary.standfirst
            ),
            format!("<meta property=\"og:image\" content=\"{base}/media/"),
            "<meta name=\"twitter:card\" content=\"summary_large_image\">".to_owned(),
            format!(
                "<meta property=\"og:locale\" content=\"{}\">",
                if lang == Lang::AR { "ar_AR" } else { "en_US" }
            ),
        ] {
            let tag = tag.replace('\'', "&#39;");
            assert!(html.contains(&tag), "{path}: {tag}");
        }
    }
    server.stop().await.unwrap();
}

/// (status, headers, body) of a GET with extra request headers.
async fn get_with(
    server: &khabar::Server,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let mut request = client().get(format!("{}{path}", server.base_url()));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.bytes().await.unwrap().to_vec())
}

fn header(headers: &reqwest::header::HeaderMap, name: &str) -> String {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(", ")
}

async fn conditional_gets_and_cache_headers(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let story = "/en/story/marsa-nour-municipal-vote";
    // Pages, feeds, sitemaps and API answers all answer 304 to their tag.
    for path in [
        story,
        "/ar/",
        "/en/feed.rss",
        "/sitemap.xml",
        "/api/v1/search/articles?q=harbour",
        "/api/v1/openapi.json",
    ] {
        let (status, headers, body) = get_with(&server, path, &[]).await;
        assert_eq!(status, 200, "{path}");
        let etag = header(&headers, "etag");
        assert!(
            etag.starts_with('"') && etag.ends_with('"'),
            "{path}: strong tag {etag}"
        );
        let (status, again, empty) = get_with(&server, path, &[("if-none-match", &etag)]).await;
        assert_eq!(status, 304, "{path}");
        assert!(empty.is_empty());
        assert_eq!(header(&again, "etag"), etag);
        assert_eq!(
            header(&again, "cache-control"),
            header(&headers, "cache-control")
        );
        let (status, _, same) =
            get_with(&server, path, &[("if-none-match", "\"something-else\"")]).await;
        assert_eq!((status, same), (200, body), "{path}");
    }

    // An anonymous story page may be kept by shared caches, tagged.
    let (_, headers, plain) = get_with(&server, story, &[]).await;
    let cache_control = header(&headers, "cache-control");
    assert!(cache_control.starts_with("public,") && cache_control.contains("s-maxage="));
    assert!(cache_control.contains("stale-while-revalidate="));
    let vary = header(&headers, "vary");
    assert!(
        vary.contains("Cookie") && vary.contains("Accept-Encoding"),
        "{vary}"
    );
    let keys = header(&headers, "surrogate-key");
    assert!(keys.split(' ').any(|k| k.starts_with("story-")), "{keys}");
    assert!(keys.split(' ').any(|k| k.starts_with("section-")), "{keys}");
    assert!(keys.split(' ').any(|k| k == "site"), "{keys}");
    assert_eq!(header(&headers, "cache-tag"), keys.replace(' ', ","));

    // Compressed forms decode to the same page and carry their own tags.
    let (_, br_headers, br) = get_with(&server, story, &[("accept-encoding", "br, gzip")]).await;
    assert_eq!(header(&br_headers, "content-encoding"), "br");
    let mut unpacked = Vec::new();
    brotli::BrotliDecompress(&mut &br[..], &mut unpacked).unwrap();
    assert_eq!(unpacked, plain);
    assert!(br.len() * 3 < plain.len());
    let (_, gz_headers, gz) = get_with(&server, story, &[("accept-encoding", "gzip")]).await;
    assert_eq!(header(&gz_headers, "content-encoding"), "gzip");
    let mut unpacked = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut unpacked).unwrap();
    assert_eq!(unpacked, plain);
    let tags = [
        header(&headers, "etag"),
        header(&br_headers, "etag"),
        header(&gz_headers, "etag"),
    ];
    assert!(
        tags[0] != tags[1] && tags[1] != tags[2] && tags[0] != tags[2],
        "{tags:?}"
    );

    // A signed-in reader's page is never public.
    common::account(&server, "subscriber", Role::Reader, PASSWORD).await;
    let mut reader = Agent::new(&server);
    let answer = reader
        .submit(
            "/en/signin",
            "/en/signin",
            &[("login", "subscriber"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(answer.status, 303);
    let session = format!(
        "khabar_session={}",
        reader.cookie("khabar_session").unwrap()
    );
    for path in [
        story,
        "/en/",
        "/en/feed.atom",
        "/en/account",
        "/api/v1/notifications",
    ] {
        let (_, headers, _) = get_with(&server, path, &[("cookie", &session)]).await;
        let cache_control = header(&headers, "cache-control");
        assert!(
            cache_control.starts_with("private"),
            "{path}: {cache_control}"
        );
        assert!(headers.get("surrogate-key").is_none(), "{path}");
    }
    // Forms that set a cookie are never public either.
    let (_, headers, _) = get_with(&server, "/en/signin", &[]).await;
    assert!(header(&headers, "cache-control").starts_with("private"));

    // Assets named by their content are kept for good; other names are not.
    let (_, _, page) = get_with(&server, "/en/", &[]).await;
    let page = String::from_utf8(page).unwrap();
    let css = between(&page, "<link rel=\"stylesheet\" href=\"", "\"");
    assert!(
        css.starts_with("/assets/site.") && css.len() > "/assets/site.css".len(),
        "{css}"
    );
    let (status, headers, _) = get_with(&server, &css, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(
        header(&headers, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    for stale in ["/assets/site.css", "/assets/site.0123456789.css"] {
        let (status, headers, _) = get_with(&server, stale, &[]).await;
        assert_eq!(status, 200);
        assert!(
            !header(&headers, "cache-control").contains("immutable"),
            "{stale}"
        );
    }
    server.stop().await.unwrap();
}

async fn a_publish_sends_its_purge(db: &TestDatabase) {
    // The first purge fails: it is sent again until it lands.
    let endpoint = PurgeEndpoint::start(1).await;
    let server = spawn_app_with(db, false, |config| {
        config.cache.purge_url = Some(endpoint.url.clone());
        config.cache.purge_token = Some("purge-secret".into());
    })
    .await;
    // A second node on the same database purges the same CDN: one of the
    // two holds the purge lease, so each change is purged once.
    let second_data = tempfile::tempdir().unwrap();
    let second = spawn_app_with(db, false, |config| {
        config.data_dir = second_data.path().to_owned();
        config.cache.purge_url = Some(endpoint.url.clone());
        config.cache.purge_token = Some("purge-secret".into());
    })
    .await;
    let store = server.store().clone();
    let section = store
        .create_section(
            &Slug::parse("economy").unwrap(),
            1,
            &[Named {
                lang: Lang::EN,
                name: "Economy".into(),
            }],
        )
        .await
        .unwrap();
    let author = store
        .create_author(
            &Slug::parse("rami-saad").unwrap(),
            &[AuthorProfile {
                lang: Lang::EN,
                name: "Rami Saad".into(),
                bio: String::new(),
            }],
            None,
        )
        .await
        .unwrap();
    let story = store
        .create_story(NewStory {
            section_id: Some(section),
            tag_ids: &[],
            hero_image: None,
        })
        .await
        .unwrap();
    let content = EditionContent::parse(EditionInput {
        headline: "Port fees fall for small boats".into(),
        body: "The harbour board cut fees.".into(),
        ..Default::default()
    })
    .unwrap();
    let edition = store
        .create_edition(story, Lang::EN, &content, &[author], None)
        .await
        .unwrap();
    store
        .publish_edition(edition, Timestamp::now(), None)
        .await
        .unwrap();
    let expected: Vec<String> = [
        format!("story-{story}"),
        format!("section-{section}"),
        format!("author-{author}"),
        "home".into(),
        "feeds".into(),
        "sitemaps".into(),
    ]
    .into();
    endpoint.wait_for(&expected).await;
    assert!(
        endpoint.received.lock().unwrap()[0].starts_with("503"),
        "the first attempt was refused"
    );
    // Give the other node time to (wrongly) send it again.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let story_key = format!("story-{story}");
    assert_eq!(
        endpoint.landed(&story_key),
        1,
        "{:?}",
        endpoint.received.lock().unwrap()
    );
    // The page it purges carries those keys.
    let (_, headers, _) = get_with(&server, "/en/story/port-fees-fall-for-small-boats", &[]).await;
    let keys = header(&headers, "surrogate-key");
    for key in &expected[..3] {
        assert!(keys.split(' ').any(|k| k == key), "{key} not in {keys}");
    }

    // A comment purges its story's pages.
    common::account(&server, "boatowner", Role::Reader, PASSWORD).await;
    let mut reader = Agent::new(&server);
    let answer = reader
        .submit(
            "/en/signin",
            "/en/signin",
            &[("login", "boatowner"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(answer.status, 303);
    endpoint.received.lock().unwrap().clear();
    let path = "/en/story/port-fees-fall-for-small-boats";
    let answer = reader
        .submit(
            path,
            &format!("{path}/comments"),
            &[("body", "About time.")],
        )
        .await;
    assert!(answer.location.unwrap().contains("#comment-"));
    endpoint.wait_for(&[format!("story-{story}")]).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(endpoint.landed(&story_key), 1);
    second.stop().await.unwrap();
    server.stop().await.unwrap();
    endpoint.task.abort();
}

/// A name in Arabic and in English.
fn names(ar: &str, en: &str) -> [Named; 2] {
    [
        Named {
            lang: Lang::AR,
            name: ar.into(),
        },
        Named {
            lang: Lang::EN,
            name: en.into(),
        },
    ]
}

/// Hides what changes from run to run: times.
fn mask_times(text: &str) -> String {
    let mut text = text.to_owned();
    for (pattern, mask) in [
        ("9999-99-99T99:99:99Z", "<time>"),
        ("AAA, 99 AAA 9999 99:99:99 GMT", "<time>"),
        ("9999-99-99", "<date>"),
    ] {
        let fits = |window: &[u8]| {
            window.iter().zip(pattern.bytes()).all(|(&c, p)| match p {
                b'9' => c.is_ascii_digit(),
                b'A' => c.is_ascii_alphabetic(),
                literal => c == literal,
            })
        };
        let bytes = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes.len() - i >= pattern.len() && fits(&bytes[i..i + pattern.len()]) {
                out.push_str(mask);
                i += pattern.len();
            } else {
                let c = text[i..].chars().next().unwrap();
                out.push(c);
                i += c.len_utf8();
            }
        }
        text = out;
    }
    text
}

/// Compares `current` with the insta snapshot `tests/snapshots/{name}.snap`.
/// After an intended change, rerun with `INSTA_UPDATE=always` (or review
/// with `cargo insta review`) and commit the snapshot; under `CI=true` a
/// mismatch fails and writes nothing.
fn snapshot(name: &str, current: &str) {
    insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!(name, current);
    });
}

async fn every_format_keeps_its_shape(db: &TestDatabase) {
    let server = spawn_app_with(db, false, |config| {
        config.site.base_url = Some("https://news.example".into());
    })
    .await;
    let store = server.store().clone();
    let section = store
        .create_section(
            &Slug::parse("economy").unwrap(),
            1,
            &names("اقتصاد", "Economy"),
        )
        .await
        .unwrap();
    let tag = store
        .create_tag(&Slug::parse("fishing").unwrap(), &names("صيد", "Fishing"))
        .await
        .unwrap();
    let author = store
        .create_author(
            &Slug::parse("rami-saad").unwrap(),
            &[
                AuthorProfile {
                    lang: Lang::AR,
                    name: "رامي سعد".into(),
                    bio: String::new(),
                },
                AuthorProfile {
                    lang: Lang::EN,
                    name: "Rami Saad".into(),
                    bio: String::new(),
                },
            ],
            None,
        )
        .await
        .unwrap();
    let story = store
        .create_story(NewStory {
            section_id: Some(section),
            tag_ids: &[tag],
            hero_image: Some(&HeroImage::parse("/media/boats.webp").unwrap()),
        })
        .await
        .unwrap();
    for (lang, headline, standfirst, body) in [
        (
            Lang::EN,
            "Port fees fall for small boats",
            "The harbour board halves what fishing crews pay.",
            "Crews landing under two tonnes pay **half** from Monday.\n\nSee [the board's notice](/en/section/economy).",
        ),
        (
            Lang::AR,
            "خفض رسوم الميناء للقوارب الصغيرة",
            "مجلس الميناء يخفض رسوم الصيادين إلى النصف.",
            "تدفع القوارب التي تفرغ أقل من طنين **نصف** الرسوم ابتداءً من الاثنين.",
        ),
    ] {
        let content = EditionContent::parse(EditionInput {
            headline: headline.into(),
            standfirst: standfirst.into(),
            body: body.into(),
            dateline: if lang == Lang::AR {
                "مرسى نور"
            } else {
                "Marsa Nour"
            }
            .into(),
            ..Default::default()
        })
        .unwrap();
        let edition = store
            .create_edition(story, lang, &content, &[author], None)
            .await
            .unwrap();
        store
            .publish_edition(edition, Timestamp::now(), None)
            .await
            .unwrap();
    }
    common::account(&server, "skipper", Role::Reader, PASSWORD).await;
    let local = format!("http://{}", server.addr());
    let text = |path: &'static str| {
        let url = format!("{local}{path}");
        async move {
            let response = client().get(url).send().await.unwrap();
            assert_eq!(response.status(), 200, "{path}");
            response.text().await.unwrap()
        }
    };
    // A comment, posted as a reader would (the `Agent` helper speaks to
    // `base_url`, which here is the public name, not this server).
    let signin = format!("{local}/en/signin");
    let form = client().get(&signin).send().await.unwrap();
    let cookie = form.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let token = common::form_token(&form.text().await.unwrap()).unwrap();
    let signed = client()
        .post(&signin)
        .header("cookie", &cookie)
        .header("origin", "https://news.example")
        .form(&[
            ("csrf_token", token.as_str()),
            ("login", "skipper"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), 303);
    let session = signed.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let page = client()
        .get(format!("{local}/en/story/port-fees-fall-for-small-boats"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = common::form_token(&page).unwrap();
    let posted = client()
        .post(format!(
            "{local}/en/story/port-fees-fall-for-small-boats/comments"
        ))
        .header("cookie", &session)
        .header("origin", "https://news.example")
        .form(&[
            ("csrf_token", token.as_str()),
            ("body", "Good news for the quay."),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 303);

    let json = |text: String| {
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        serde_json::to_string_pretty(&value).unwrap() + "\n"
    };
    snapshot("feed.atom", &mask_times(&text("/ar/feed.atom").await));
    snapshot("feed.rss", &mask_times(&text("/en/feed.rss").await));
    snapshot(
        "feed.json",
        &mask_times(&json(text("/ar/section/economy/feed.json").await)),
    );
    snapshot(
        "comments.atom",
        &mask_times(&text("/en/story/port-fees-fall-for-small-boats/comments.atom").await),
    );
    snapshot("sitemap.xml", &mask_times(&text("/sitemap.xml").await));
    snapshot(
        "sitemap-pages.xml",
        &mask_times(&text("/sitemaps/pages.xml").await),
    );
    snapshot(
        "sitemap-stories-1.xml",
        &mask_times(&text("/sitemaps/stories-1.xml").await),
    );
    snapshot(
        "sitemap-news.xml",
        &mask_times(&text("/sitemaps/news.xml").await),
    );
    snapshot("robots.txt", &text("/robots.txt").await);
    let article = text("/en/story/port-fees-fall-for-small-boats").await;
    let ld = between(
        &article,
        "<script type=\"application/ld+json\">",
        "</script>",
    );
    snapshot("news-article.jsonld", &mask_times(&json(ld)));
    server.stop().await.unwrap();
}

on_both_backends!(
    every_format_keeps_its_shape,
    feeds_parse_and_keep_content_and_dates,
    sitemaps_validate_and_name_every_edition,
    article_pages_carry_json_ld_and_previews,
    conditional_gets_and_cache_headers,
    a_publish_sends_its_purge,
);
