//! The front page and the site's own pages (issue 21), on SQLite and on
//! PostgreSQL, through the real server: editors' picks and their order,
//! pins and the breaking banner that expire without a write, the
//! automatic order that leads with an image, no story twice on the page,
//! most read and most discussed, static pages in both languages and the
//! footer that links them, and a curation change on the next anonymous
//! request.

mod common;

use jiff::{SignedDuration, Timestamp};
use khabar_core::moderation::{Action, Phase, Verdict};
use khabar_core::{CommentBody, EditionContent, EditionInput, HeroImage, Lang, Role, Slug};
use khabar_store::{
    Breaking, CommentStatus, FrontPick, FrontPlan, Named, NewComment, NewStory, Store,
};
use khabar_testkit::{TestDatabase, on_both_backends};

use common::{Agent, get, spawn_app};

const PASSWORD: &str = "front pages at dawn";

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

async fn section(store: &Store, slug: &str) -> i64 {
    store
        .create_section(
            &Slug::parse(slug).unwrap(),
            1,
            &[
                Named {
                    lang: Lang::EN,
                    name: slug.to_uppercase(),
                },
                Named {
                    lang: Lang::AR,
                    name: format!("قسم {slug}"),
                },
            ],
        )
        .await
        .unwrap()
}

/// A story published `hours_ago` in English and Arabic, in `section`,
/// with an image or not; the English edition's id.
async fn story(
    store: &Store,
    section_id: Option<i64>,
    headline: &str,
    image: bool,
    hours_ago: i64,
) -> i64 {
    let hero = image.then(|| HeroImage::parse("https://images.example/harbour.jpg").unwrap());
    let story = store
        .create_story(NewStory {
            section_id,
            tag_ids: &[],
            hero_image: hero.as_ref(),
        })
        .await
        .unwrap();
    let at = Timestamp::now() - SignedDuration::from_hours(hours_ago);
    let mut english = 0;
    for (lang, text) in [
        (Lang::EN, headline.to_owned()),
        (Lang::AR, format!("خبر: {headline}")),
    ] {
        let content = EditionContent::parse(EditionInput {
            headline: text,
            body: "Filed for the front page tests.".into(),
            ..Default::default()
        })
        .unwrap();
        let edition = store
            .create_edition(story, lang, &content, &[], None)
            .await
            .unwrap();
        store.publish_edition(edition, at, None).await.unwrap();
        if lang == Lang::EN {
            english = edition;
        }
    }
    english
}

/// The part of the home page's HTML from `start` to the end of the first
/// card or section after it.
fn block<'a>(html: &'a str, start: &str) -> &'a str {
    let at = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} on the page"));
    let rest = &html[at..];
    let end = ["</article>", "</section>"]
        .iter()
        .filter_map(|e| rest.find(e))
        .min()
        .unwrap_or(rest.len());
    &rest[..end]
}

async fn the_editor_picks_the_lead_and_the_next_request_shows_it(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let store = server.store();
    let politics = section(store, "politics").await;
    story(store, Some(politics), "Pictured harbour vote", true, 5).await;
    let text_only = story(store, Some(politics), "Newest words only", false, 1).await;

    // Nothing picked: the newest story with an image leads, not the newest.
    let (status, home) = get(&server, "/en/").await;
    assert_eq!(status, 200);
    let lead = block(&home, "<div class=\"front-lead\">");
    assert!(lead.contains("Pictured harbour vote"), "{lead}");
    assert!(!lead.contains("card-no-image"));
    // Served again from the page cache until something changes.
    assert_eq!(get(&server, "/en/").await.1, home);

    let mut desk = signed_in(&server, "chief", Role::Editor).await;
    let id = text_only.to_string();
    let saved = desk
        .submit(
            "/en/admin/front?edition=en",
            "/en/admin/front",
            &[
                ("edition", "en"),
                ("pick", &id),
                ("until", ""),
                ("op", "save"),
            ],
        )
        .await;
    assert_eq!(
        saved.location.as_deref(),
        Some("/en/admin/front?edition=en&saved")
    );
    // The next anonymous request shows the editor's lead, as a text card.
    let (_, home) = get(&server, "/en/").await;
    let lead = block(&home, "<div class=\"front-lead\">");
    assert!(lead.contains("Newest words only"), "{lead}");
    assert!(lead.contains("card-lead card-no-image"), "{lead}");
    assert!(!lead.contains("<img"));
    // Each language has its own front page: the Arabic one is untouched.
    let (_, arabic) = get(&server, "/ar/").await;
    assert!(block(&arabic, "<div class=\"front-lead\">").contains("Pictured harbour vote"));

    // A pick in another language's edition, or a pin already over, is refused.
    let arabic_edition = store
        .front_page(Lang::AR, Timestamp::now())
        .await
        .unwrap()
        .lead
        .unwrap()
        .id
        .to_string();
    let refused = desk
        .submit(
            "/en/admin/front",
            "/en/admin/front",
            &[
                ("edition", "en"),
                ("pick", &arabic_edition),
                ("until", ""),
                ("op", "save"),
            ],
        )
        .await;
    assert_eq!(
        refused.location.as_deref(),
        Some("/en/admin/front?edition=en&error=not_published_here")
    );
    let past = desk
        .submit(
            "/en/admin/front",
            "/en/admin/front",
            &[
                ("edition", "en"),
                ("pick", &id),
                ("until", "2001-01-01T10:00"),
                ("op", "save"),
            ],
        )
        .await;
    assert_eq!(
        past.location.as_deref(),
        Some("/en/admin/front?edition=en&error=in_the_past")
    );

    // Readers and authors cannot arrange it.
    let mut reader = signed_in(&server, "someone", Role::Reader).await;
    assert_eq!(reader.get("/en/admin/front").await.status, 403);
    let mut author = signed_in(&server, "stringer", Role::Author).await;
    let forbidden = author
        .submit(
            "/en/admin/front",
            "/en/admin/front",
            &[("edition", "en"), ("op", "save")],
        )
        .await;
    assert_eq!(
        forbidden.location.as_deref(),
        Some("/en/admin/front?edition=en&error=forbidden")
    );
    server.stop().await.unwrap();
}

async fn the_desk_orders_with_buttons(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let store = server.store();
    let a = story(store, None, "Alpha", true, 3).await.to_string();
    let b = story(store, None, "Bravo", true, 2).await.to_string();
    let mut desk = signed_in(&server, "chief", Role::Editor).await;
    let fields = |op: &'static str| {
        vec![
            ("edition", "en"),
            ("pick", a.as_str()),
            ("until", ""),
            ("pick", b.as_str()),
            ("until", ""),
            ("op", op),
        ]
    };
    let moved = desk
        .submit("/en/admin/front", "/en/admin/front", &fields("down-0"))
        .await;
    let to = moved.location.expect("back to the desk");
    assert_eq!(to, "/en/admin/front?edition=en&saved&moved=1&by=down");
    // Without the script the page comes back with the focus on the moved
    // story: its "up" button, as "down" is now disabled at the bottom.
    let page = desk.get(&to).await.body;
    let alpha = &page[page
        .find("value=\"up-1\"")
        .expect("the second row's up button")..];
    let alpha = &alpha[..alpha.find('>').unwrap()];
    assert!(alpha.contains("autofocus"), "{alpha}");
    assert_eq!(page.matches("autofocus").count(), 1);
    // The script's words for the live region, in the page's language.
    assert!(page.contains("role=\"status\" data-front-announce"));
    assert!(page.contains(
        "data-moved=\"“\u{2068}{headline}\u{2069}” is now number \u{2068}{position}\u{2069} of \u{2068}{count}\u{2069}. Save to keep this order.\""
    ));
    let arabic = desk.get("/ar/admin/front?edition=en").await.body;
    assert!(arabic.contains("الآن في المرتبة"));
    let plan = store.front_plan(Lang::EN).await.unwrap();
    let order: Vec<String> = plan
        .picks
        .iter()
        .map(|p| p.edition_id.to_string())
        .collect();
    assert_eq!(order, [b.clone(), a.clone()]);
    let page = desk.get("/en/admin/front?edition=en").await.body;
    assert!(page.find("Bravo").unwrap() < page.find("Alpha").unwrap());
    desk.submit("/en/admin/front", "/en/admin/front", &fields("remove-1"))
        .await;
    assert_eq!(store.front_plan(Lang::EN).await.unwrap().picks.len(), 1);
    server.stop().await.unwrap();
}

async fn pins_and_the_breaking_banner_expire_without_a_write(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let store = server.store();
    let old = story(store, None, "Pinned older story", true, 30).await;
    let newest = story(store, None, "Newest story", true, 1).await;
    let now = Timestamp::now();
    let hour = SignedDuration::from_hours(1);
    store
        .save_front_plan(
            Lang::EN,
            &FrontPlan {
                picks: vec![FrontPick {
                    edition_id: old,
                    pinned_until: Some(now + hour),
                }],
                breaking: Some(Breaking {
                    text: "Harbour closed by a storm".into(),
                    edition_id: Some(newest),
                    expires_at: now + hour,
                }),
            },
            None,
        )
        .await
        .unwrap();
    let during = store.front_page(Lang::EN, now).await.unwrap();
    assert_eq!(during.lead.unwrap().id, old);
    let banner = during.breaking.unwrap();
    assert_eq!(banner.text, "Harbour closed by a storm");
    assert!(banner.slug.is_some());
    let (_, home) = get(&server, "/en/").await;
    assert!(home.contains("class=\"breaking\""));
    assert!(home.contains("Harbour closed by a storm"));

    // Past their time, with nothing written: the automatic order leads
    // again and the banner is gone.
    let after = store.front_page(Lang::EN, now + hour * 2).await.unwrap();
    assert_eq!(after.lead.unwrap().id, newest);
    assert!(after.breaking.is_none());
    // The pick still shows below the lead: it is one of the newest.
    assert!(after.top.iter().any(|s| s.id == old));
    server.stop().await.unwrap();
}

async fn no_story_shows_twice_and_grids_fit_their_stories(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let store = server.store();
    let politics = section(store, "politics").await;
    let culture = section(store, "culture").await;
    for n in 0..9 {
        story(
            store,
            Some(politics),
            &format!("Politics {n}"),
            n % 2 == 0,
            n,
        )
        .await;
    }
    story(store, Some(culture), "Culture alone", false, 20).await;
    story(store, None, "Without a section", true, 40).await;
    let front = store.front_page(Lang::EN, Timestamp::now()).await.unwrap();
    let mut ids: Vec<i64> = front.lead.iter().map(|s| s.id).collect();
    ids.extend(front.top.iter().map(|s| s.id));
    assert_eq!(ids.len(), khabar_store::FRONT_SLOTS);
    for block in &front.sections {
        assert!(!block.editions.is_empty() && block.editions.len() <= 4);
        ids.extend(block.editions.iter().map(|s| s.id));
    }
    ids.extend(front.more.iter().map(|s| s.id));
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count, "no story twice");
    assert_eq!(count, 11, "every story somewhere");
    // Politics keeps four of its nine after the five above; culture its one.
    let (_, home) = get(&server, "/en/").await;
    assert!(block(&home, "id=\"section-politics\"").contains("Politics"));
    assert!(
        home.contains("class=\"grid grid-4\""),
        "four in a row of four"
    );
    assert!(
        home.contains("class=\"grid grid-1\""),
        "one alone fills its row"
    );
    assert!(home.contains("Without a section"));
    server.stop().await.unwrap();
}

async fn most_read_and_most_discussed_per_language(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let store = server.store().clone();
    let quiet = story(&store, None, "Quiet story", true, 2).await;
    let busy = story(&store, None, "Busy story", true, 3).await;
    let reader = common::account(&server, "talker", Role::Reader, PASSWORD).await;
    let approved = Verdict {
        action: Action::Approve,
        phase: Phase::PreModeration,
        reasons: Vec::new(),
    };
    for n in 0..3 {
        store
            .post_comment(NewComment {
                edition_id: busy,
                author_id: reader,
                body: &CommentBody::parse(&format!("Comment {n} on the busy story")).unwrap(),
                parent_id: None,
                status: CommentStatus::Visible,
                mentions: &[],
                verdict: &approved,
            })
            .await
            .unwrap();
    }
    let discussed = store
        .most_discussed_in(
            Lang::EN,
            Timestamp::now() - SignedDuration::from_hours(1),
            5,
        )
        .await
        .unwrap();
    assert_eq!(discussed.iter().map(|s| s.id).collect::<Vec<_>>(), [busy]);
    assert!(
        store
            .most_discussed_in(
                Lang::AR,
                Timestamp::now() - SignedDuration::from_hours(1),
                5
            )
            .await
            .unwrap()
            .is_empty(),
        "comments on the English edition only"
    );

    // Reads are counted per node in memory, from the page cache too, and
    // stored when the node flushes (at the latest when it stops).
    let quiet_slug = store.edition(quiet).await.unwrap().slug;
    for _ in 0..3 {
        assert_eq!(
            get(&server, &format!("/en/story/{quiet_slug}")).await.0,
            200
        );
    }
    assert_eq!(get(&server, "/en/story/no-such-story").await.0, 404);
    server.stop().await.unwrap();
    let store = Store::open(db.url()).await.unwrap();
    let read = store
        .most_read(Lang::EN, Timestamp::now(), 5)
        .await
        .unwrap();
    assert_eq!(read.iter().map(|s| s.id).collect::<Vec<_>>(), [quiet]);
    let front = store.front_page(Lang::EN, Timestamp::now()).await.unwrap();
    assert_eq!(front.most_read[0].id, quiet);
    assert_eq!(front.most_discussed[0].id, busy);
}

async fn static_pages_in_both_languages_and_the_footer(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let store = server.store();
    section(store, "politics").await;
    // Not written yet: the footer's links still lead to a page.
    let (status, unwritten) = get(&server, "/en/about").await;
    assert_eq!(status, 200);
    assert!(unwritten.contains("has not written this page"));

    let mut desk = signed_in(&server, "chief", Role::Editor).await;
    let saved = desk
        .submit(
            "/en/admin/pages?page=about",
            "/en/admin/pages",
            &[
                ("page", "about"),
                ("page_lang", "en"),
                ("title", "About the harbour desk"),
                (
                    "body",
                    "We report **Marsa Nour**.\n\n<script>alert(1)</script>",
                ),
            ],
        )
        .await;
    assert_eq!(
        saved.location.as_deref(),
        Some("/en/admin/pages?page=about&saved")
    );
    desk.submit(
        "/en/admin/pages?page=about",
        "/en/admin/pages",
        &[
            ("page", "about"),
            ("page_lang", "ar"),
            ("title", "عن مكتب الميناء"),
            ("body", "نغطي أخبار **مرسى نور**."),
        ],
    )
    .await;
    let (status, about) = get(&server, "/en/about").await;
    assert_eq!(status, 200);
    assert!(about.contains("About the harbour desk"));
    assert!(about.contains("<strong>Marsa Nour</strong>"));
    assert!(!about.contains("<script>alert"));
    let (_, arabic) = get(&server, "/ar/about").await;
    assert_eq!(common::html_lang_dir(&arabic), ("ar".into(), "rtl".into()));
    assert!(arabic.contains("عن مكتب الميناء"));
    assert!(arabic.contains("<strong>مرسى نور</strong>"));

    // An edit shows on the next request.
    desk.submit(
        "/en/admin/pages?page=about",
        "/en/admin/pages",
        &[
            ("page", "about"),
            ("page_lang", "en"),
            ("title", "About our newsroom"),
            ("body", "Edited."),
        ],
    )
    .await;
    assert!(
        get(&server, "/en/about")
            .await
            .1
            .contains("About our newsroom")
    );
    let unknown = desk
        .submit(
            "/en/admin/pages",
            "/en/admin/pages",
            &[
                ("page", "secrets"),
                ("page_lang", "en"),
                ("title", "x"),
                ("body", "y"),
            ],
        )
        .await;
    assert_eq!(
        unknown.location.as_deref(),
        Some("/en/admin/pages?error=not_found")
    );

    // The footer of every page: the site's pages, the feeds, the sections
    // and the other language.
    let (_, home) = get(&server, "/en/").await;
    let footer = &home[home.find("<footer").expect("a footer")..];
    for link in [
        "href=\"/en/about\"",
        "href=\"/en/contact\"",
        "href=\"/en/privacy\"",
        "href=\"/en/terms\"",
        "href=\"/en/corrections\"",
        "href=\"/en/feed.atom\"",
        "href=\"/en/feed.rss\"",
        "href=\"/en/section/politics\"",
        "href=\"/ar/\"",
    ] {
        assert!(footer.contains(link), "{link} in the footer");
    }
    let (_, arabic_home) = get(&server, "/ar/").await;
    let footer = &arabic_home[arabic_home.find("<footer").unwrap()..];
    assert!(footer.contains("href=\"/ar/privacy\"") && footer.contains("href=\"/en/\""));
    server.stop().await.unwrap();
}

/// A token for `name`, a new account of `role`, holding `scopes`.
async fn token_of(server: &khabar::Server, name: &str, role: Role, scopes: &[&str]) -> String {
    common::account(server, name, role, PASSWORD).await;
    let reply = common::call(
        server,
        "POST",
        "/tokens",
        Some(serde_json::json!({ "login": name, "password": PASSWORD, "scopes": scopes })),
        &[],
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    format!("Bearer {}", reply.body["token"].as_str().unwrap())
}

/// The site's own pages through the API (anyone reads, editors write) and
/// in the sitemap in each language they are written in, naming each other.
async fn static_pages_through_the_api_and_in_the_sitemap(db: &TestDatabase) {
    use serde_json::json;
    let server = spawn_app(db, false).await;
    let base = server.base_url().to_owned();
    let editor = token_of(&server, "chief", Role::Editor, &["edit"]).await;
    let editor = [("Authorization", editor.as_str())];
    let author = token_of(&server, "writer", Role::Author, &["edit"]).await;
    let author = [("Authorization", author.as_str())];

    let sitemap = || async { get(&server, "/sitemaps/pages.xml").await.1 };
    assert!(!sitemap().await.contains("/about</loc>"), "nothing written");

    let about = json!({ "title": "About the harbour desk", "body": "We report **Marsa Nour**." });
    let refused = common::call(
        &server,
        "PUT",
        "/pages/about/en",
        Some(about.clone()),
        &author,
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let saved = common::call(&server, "PUT", "/pages/about/en", Some(about), &editor).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.body["title"], "About the harbour desk");
    assert_eq!(saved.body["url"], format!("{base}/en/about"));
    // The public page shows it on the next request.
    assert!(
        get(&server, "/en/about")
            .await
            .1
            .contains("About the harbour desk")
    );

    // In one language: listed alone, with no alternates.
    let xml = sitemap().await;
    // The `<url>` element of `loc`, if listed.
    let entry = |xml: &str, loc: &str| {
        let at = xml.find(&format!("<loc>{base}{loc}</loc>"))?;
        let from = xml[..at].rfind("<url>")?;
        let to = at + xml[at..].find("</url>")?;
        Some(xml[from..to].to_owned())
    };
    let english = entry(&xml, "/en/about").expect("/en/about in the sitemap");
    assert!(!english.contains("hreflang"), "{english}");
    assert!(english.contains("<lastmod>"));
    assert!(entry(&xml, "/ar/about").is_none(), "not written in Arabic");

    let arabic = json!({ "title": "عن مكتب الميناء", "body": "نغطي أخبار **مرسى نور**." });
    let saved = common::call(&server, "PUT", "/pages/about/ar", Some(arabic), &editor).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let xml = sitemap().await;
    for loc in ["/en/about", "/ar/about"] {
        let entry = entry(&xml, loc).unwrap_or_else(|| panic!("{loc} in the sitemap"));
        for (hreflang, href) in [
            ("en", "/en/about"),
            ("ar", "/ar/about"),
            ("x-default", "/ar/about"),
        ] {
            assert!(
                entry.contains(&format!(
                    "<xhtml:link rel=\"alternate\" hreflang=\"{hreflang}\" href=\"{base}{href}\"/>"
                )),
                "{loc}: {hreflang}\n{entry}"
            );
        }
    }

    // Anyone reads them.
    let listed = common::call(&server, "GET", "/pages", None, &[]).await;
    assert_eq!(listed.status, 200);
    let items: Vec<(String, String)> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["page"].as_str().unwrap().into(),
                p["lang"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        items,
        [("about".into(), "ar".into()), ("about".into(), "en".into())]
    );
    let one = common::call(&server, "GET", "/pages/about/ar", None, &[]).await;
    assert_eq!(one.body["title"], "عن مكتب الميناء");
    assert_eq!(one.body["body"], "نغطي أخبار **مرسى نور**.");
    for missing in ["/pages/contact/en", "/pages/secrets/en", "/pages/about/fr"] {
        let reply = common::call(&server, "GET", missing, None, &[]).await;
        assert_eq!(reply.status, 404, "{missing}");
        assert_eq!(reply.body["error"]["code"], "not_found");
    }
    let untitled = common::call(
        &server,
        "PUT",
        "/pages/contact/en",
        Some(json!({ "title": " ", "body": "Write to us." })),
        &editor,
    )
    .await;
    assert_eq!(untitled.status, 422);
    assert_eq!(untitled.body["error"]["code"], "required");
    assert_eq!(untitled.body["error"]["field"], "title");

    // Removed in English: gone from the API and the sitemap, and the
    // Arabic page no longer names an English one.
    let removed = common::call(
        &server,
        "PUT",
        "/pages/about/en",
        Some(json!({ "title": "", "body": "" })),
        &editor,
    )
    .await;
    assert_eq!(removed.status, 204);
    assert_eq!(
        common::call(&server, "GET", "/pages/about/en", None, &[])
            .await
            .status,
        404
    );
    let xml = sitemap().await;
    assert!(entry(&xml, "/en/about").is_none());
    assert!(!entry(&xml, "/ar/about").unwrap().contains("hreflang"));
    server.stop().await.unwrap();
}

async fn the_demo_front_page_is_curated(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    for lang in ["en", "ar"] {
        let (status, home) = get(&server, &format!("/{lang}/")).await;
        assert_eq!(status, 200);
        assert!(home.contains("class=\"breaking\""), "{lang} banner");
        assert!(home.contains("card-no-image"), "{lang} a text card");
        assert!(home.contains("most-read-heading"), "{lang} most read");
        assert!(
            home.contains("most-discussed-heading"),
            "{lang} most discussed"
        );
        let (status, about) = get(&server, &format!("/{lang}/about")).await;
        assert_eq!(status, 200);
        assert!(
            !about.contains("class=\"empty\""),
            "{lang} about is written"
        );
    }
    server.stop().await.unwrap();
}

on_both_backends!(
    the_editor_picks_the_lead_and_the_next_request_shows_it,
    the_desk_orders_with_buttons,
    pins_and_the_breaking_banner_expire_without_a_write,
    no_story_shows_twice_and_grids_fit_their_stories,
    most_read_and_most_discussed_per_language,
    static_pages_in_both_languages_and_the_footer,
    static_pages_through_the_api_and_in_the_sitemap,
    the_demo_front_page_is_curated,
);
