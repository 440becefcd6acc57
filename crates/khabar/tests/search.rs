//! Search through the real server, on SQLite and on PostgreSQL: Arabic
//! morphology (singular, dual, sound and broken plurals, clitics) and
//! spelling variants, English stems, mixed-script queries matching a
//! story's editions together, suggestions when nothing matches, the
//! ranking order, the query syntax, unpublished and edited stories,
//! filters, the page, and comments for moderators.

mod common;

use std::time::Duration;

use common::{Agent, client, spawn_app};
use khabar_core::{EditionContent, EditionInput, Lang, Role};
use khabar_store::{NewStory, Store};
use khabar_testkit::{TestDatabase, on_both_backends};
use serde_json::Value;

/// A story with one edition, published now unless `publish` is false.
async fn story(store: &Store, lang: Lang, headline: &str, body: &str, publish: bool) -> i64 {
    let story = store
        .create_story(NewStory {
            section_id: None,
            tag_ids: &[],
            hero_image: None,
        })
        .await
        .unwrap();
    let content = EditionContent::parse(EditionInput {
        headline: headline.to_owned(),
        standfirst: String::new(),
        body: body.to_owned(),
        ..Default::default()
    })
    .unwrap();
    let edition = store
        .create_edition(story, lang, &content, &[], None)
        .await
        .unwrap();
    if publish {
        store
            .publish_edition(edition, jiff::Timestamp::now(), None)
            .await
            .unwrap();
    }
    edition
}

async fn search(server: &khabar::Server, query: &str) -> (u16, Value) {
    let response = client()
        .get(format!("{}/api/v1/search/articles", server.base_url()))
        .query(&[("q", query)])
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The headlines a search finds, waiting up to 3 s for `expected` (the
/// index follows the events log, a fraction of a second behind).
async fn found(server: &khabar::Server, query: &str, expected: &[&str]) -> Vec<String> {
    let mut headlines = Vec::new();
    for _ in 0..30 {
        let (status, body) = search(server, query).await;
        assert_eq!(status, 200, "{query}: {body}");
        headlines = body["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["headline"].as_str().unwrap().to_owned())
            .collect();
        if expected.iter().all(|e| headlines.iter().any(|h| h == e)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    headlines
}

const ELECTIONS: &str = "نتائج الانتخابات في المدينة";
const VOTERS: &str = "والانتخاباتُ البلدية تجذب الناخبين";
const SCHOOL: &str = "افتتاح مدرسة جديدة في الحي";
const PALESTINE: &str = "وفد من فلسطين يزور بيروت";
const FRANCE: &str = "معرض كتاب تنظمه فرنسا";
const HOSPITAL: &str = "توسعة مستشفى المدينة";
const ENGLISH: &str = "Election night in Marsa Nour";
const MIXED: &str = "Port workers vote in the harbour district";

async fn morphology_and_spelling_find_each_other(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let store = server.store().clone();
    story(&store, Lang::AR, ELECTIONS, "جرت الانتخابات بهدوء.", true).await;
    story(&store, Lang::AR, VOTERS, "حضر الناخبون مبكرًا.", true).await;
    story(
        &store,
        Lang::AR,
        SCHOOL,
        "استقبلت المدرسة تلاميذها الأوائل.",
        true,
    )
    .await;
    story(&store, Lang::AR, PALESTINE, "زار الوفد العاصمة.", true).await;
    story(&store, Lang::AR, FRANCE, "معرض في الساحة.", true).await;
    story(&store, Lang::AR, HOSPITAL, "أضيف جناح جديد.", true).await;
    story(
        &store,
        Lang::EN,
        ENGLISH,
        "The elections drew long queues; انتخابات هادئة.",
        true,
    )
    .await;
    story(
        &store,
        Lang::EN,
        MIXED,
        "Dockers elected a new committee.",
        true,
    )
    .await;
    story(
        &store,
        Lang::AR,
        "مسودة عن الانتخابات لم تنشر",
        "سرية",
        false,
    )
    .await;

    // والانتخابات, الانتخابات and انتخابات find each other.
    for query in ["والانتخابات", "الانتخابات", "انتخابات"] {
        let hits = found(&server, query, &[ELECTIONS, VOTERS, ENGLISH]).await;
        for expected in [ELECTIONS, VOTERS, ENGLISH] {
            assert!(hits.iter().any(|h| h == expected), "{query} → {hits:?}");
        }
        assert!(
            !hits.iter().any(|h| h.contains("مسودة")),
            "drafts are never found"
        );
    }
    for (query, headline) in [
        // Diacritics on either side make no difference.
        ("الانْتِخاباتِ", ELECTIONS),
        ("الناخبين", VOTERS),
        // Hamza and alef variants, ة/ه and ى/ي fold.
        ("افتتاح", SCHOOL),
        ("إفتتاح", SCHOOL),
        ("مدرسه", SCHOOL),
        ("مستشفي", HOSPITAL),
    ] {
        assert!(
            found(&server, query, &[headline])
                .await
                .contains(&headline.to_owned()),
            "{query}"
        );
    }
    // Names are not clipped into other words.
    assert_eq!(found(&server, "فلسطين", &[PALESTINE]).await, [PALESTINE]);
    assert_eq!(found(&server, "بيروت", &[PALESTINE]).await, [PALESTINE]);
    assert_eq!(found(&server, "فرنسا", &[FRANCE]).await, [FRANCE]);
    // English stems, and one typo in a long Latin word.
    for query in ["election", "elections", "ELECTED", "electoins"] {
        let hits = found(&server, query, &[ENGLISH]).await;
        assert!(hits.contains(&ENGLISH.to_owned()), "{query} → {hits:?}");
    }
    // A mixed query needs both words; the result is marked with its language.
    let (_, body) = search(&server, "Marsa انتخابات").await;
    assert_eq!(body["hits"][0]["headline"], ENGLISH);
    assert_eq!(body["hits"][0]["lang"], "en");
    assert_eq!(body["total"], 1);
    // Phrases and exclusions; operators never fail.
    assert_eq!(
        found(&server, "\"harbour district\"", &[MIXED]).await,
        [MIXED]
    );
    assert!(found(&server, "\"district harbour\"", &[]).await.is_empty());
    assert_eq!(
        found(&server, "انتخابات -الناخبين -Marsa", &[ELECTIONS]).await,
        [ELECTIONS]
    );
    for odd in ["title:port AND (vote", "\"", "*?", "vote OR"] {
        assert_eq!(
            search(&server, odd).await.0,
            if odd == "\"" || odd == "*?" { 422 } else { 200 },
            "{odd}"
        );
    }
    // Empty and overlong queries get a clear answer.
    let (status, body) = search(&server, "   ").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("empty_query"))
    );
    let (status, body) = search(&server, &"كلمة ".repeat(60)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("query_too_long"))
    );
    // Snippets highlight the match in the text as written.
    let (_, body) = search(&server, "بهدوء").await;
    let snippet = body["hits"][0]["snippet"].as_str().unwrap();
    assert!(snippet.contains("<mark>بهدوء</mark>"), "{snippet}");
    // A typo's snippet marks the word it was taken for.
    let (_, body) = search(&server, "electoins").await;
    let snippet = body["hits"][0]["snippet"].as_str().unwrap();
    assert!(snippet.contains("<mark>elections</mark>"), "{snippet}");
    server.stop().await.unwrap();
}

async fn publishing_editing_and_unpublishing_reach_search(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let store = server.store().clone();
    let edition = story(
        &store,
        Lang::EN,
        "Ferry timetable changes",
        "Boats leave earlier.",
        true,
    )
    .await;
    assert_eq!(
        found(&server, "ferry", &["Ferry timetable changes"])
            .await
            .len(),
        1
    );

    // Edited: found by its new words at once, not by the old ones.
    let record = store.edition(edition).await.unwrap();
    let content = EditionContent::parse(EditionInput {
        slug: Some(record.slug.clone()),
        headline: "Ferry timetable changes".into(),
        body: "Lighthouse keepers protest the new schedule.".into(),
        ..Default::default()
    })
    .unwrap();
    store
        .update_edition(edition, record.revision, &content, &[], None)
        .await
        .unwrap();
    assert_eq!(
        found(&server, "lighthouse", &["Ferry timetable changes"])
            .await
            .len(),
        1
    );
    assert!(found(&server, "boats", &[]).await.is_empty());

    // Unpublished: never found again.
    store.unpublish_edition(edition, None).await.unwrap();
    for _ in 0..30 {
        if found(&server, "ferry", &[]).await.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(found(&server, "ferry", &[]).await.is_empty());

    // A restart keeps the index and catches up with what it missed.
    story(
        &store,
        Lang::EN,
        "Harbour crane repaired",
        "Work done.",
        true,
    )
    .await;
    let config_dir = db.dir().to_owned();
    server.stop().await.unwrap();
    let server = spawn_app(db, false).await;
    assert!(config_dir.join("search-index").exists());
    assert_eq!(
        found(&server, "crane", &["Harbour crane repaired"])
            .await
            .len(),
        1
    );
    server.stop().await.unwrap();

    // A corrupt index is rebuilt at start, and a missing one too.
    let crane_found = |server: khabar::Server| async move {
        let hits = found(&server, "crane", &["Harbour crane repaired"]).await;
        server.stop().await.unwrap();
        hits.len()
    };
    std::fs::write(config_dir.join("search-index/meta.json"), b"{ not json").unwrap();
    assert_eq!(crane_found(spawn_app(db, false).await).await, 1);
    std::fs::remove_dir_all(config_dir.join("search-index")).unwrap();
    assert_eq!(crane_found(spawn_app(db, false).await).await, 1);
}

async fn the_search_page_in_both_languages(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let mut reader = Agent::new(&server);
    // The demo's stories, in the page's language first, the other marked.
    let page = reader
        .get("/ar/search?q=%D8%A7%D9%84%D8%A7%D9%86%D8%AA%D8%AE%D8%A7%D8%A8%D8%A7%D8%AA")
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<mark>"), "highlighted matches");
    assert!(
        !page.body.contains("**"),
        "snippets quote the words, not the Markdown"
    );
    assert!(page.body.contains("class=\"search-result\""));
    // Filters: a section narrows, an unknown tag finds nothing, and a
    // section's page searches within it.
    let home = reader.get("/en/").await.body;
    let start = home.find("href=\"/en/section/").unwrap() + "href=\"/en/section/".len();
    let section = &home[start..start + home[start..].find('"').unwrap()];
    let (_, all) = search(&server, "the").await;
    let narrowed: Value = client()
        .get(format!("{}/api/v1/search/articles", server.base_url()))
        .query(&[("q", "the"), ("section", section)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (all, narrowed) = (
        all["total"].as_u64().unwrap(),
        narrowed["total"].as_u64().unwrap(),
    );
    assert!(
        narrowed > 0 && narrowed < all,
        "{section}: {narrowed} of {all}"
    );
    let none: Value = client()
        .get(format!(
            "{}/api/v1/search/articles?q=the&tag=no-such-tag",
            server.base_url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(none["total"], 0);
    let section_page = reader.get(&format!("/en/section/{section}")).await.body;
    assert!(section_page.contains(&format!("name=\"section\" value=\"{section}\"")));
    let empty = reader.get("/en/search?q=").await;
    assert!(empty.status == 200 && empty.body.contains("Search every story"));
    let bad = reader.get("/en/search?q=port&from=yesterday").await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Give dates as year-month-day."));
    let nothing = reader.get("/en/search?q=zzzqqq").await;
    assert!(nothing.body.contains("found") && !nothing.body.contains("class=\"search-result\""));

    // Comments, for moderators only.
    common::account(
        &server,
        "search_mod",
        Role::Moderator,
        "harbour lights at dusk",
    )
    .await;
    let mut moderator = Agent::new(&server);
    moderator
        .submit(
            "/en/signin",
            "/en/signin",
            &[
                ("login", "search_mod"),
                ("password", "harbour lights at dusk"),
            ],
        )
        .await;
    assert_eq!(reader.get("/en/moderate/search?q=x").await.status, 303);
    let page = moderator.get("/en/moderate/search?q=zzz").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("comments found"),
        "comments, not stories"
    );
    server.stop().await.unwrap();

    // `khabar reindex` rebuilds it from the database, with progress.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_khabar"))
        .arg("--data")
        .arg(db.dir())
        .arg("reindex")
        .env("KHABAR_DATABASE_URL", db.url())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The demo's editions and comments, and what this test wrote: how
    // many the demo holds changes with it, so the count is read back and
    // must match the progress bar's.
    let documents: usize = stdout
        .split_once("search index rebuilt: ")
        .and_then(|(_, rest)| rest.split_once(" documents"))
        .and_then(|(count, _)| count.parse().ok())
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(documents > 10, "{stdout}");
    let progress = format!("[##############################] {documents}/{documents}");
    assert!(String::from_utf8_lossy(&output.stderr).contains(&progress));
    let server = spawn_app(db, true).await;
    assert!(!found(&server, "انتخابات", &[]).await.is_empty());
    server.stop().await.unwrap();
}

/// Moderators find comments of every status by words, author, story and
/// status; readers may not search comments.
async fn moderators_search_comments(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let store = server.store().clone();
    let edition = story(&store, Lang::AR, "نقاش حول الميناء", "نص.", true).await;
    let story_id = store.edition(edition).await.unwrap().story_id;
    let password = "harbour lights at dusk";
    common::account(&server, "layla_reader", Role::Reader, password).await;
    common::account(&server, "desk_searcher", Role::Moderator, password).await;
    let token = |login: &'static str, scopes: &'static [&'static str]| {
        let url = format!("{}/api/v1/tokens", server.base_url());
        async move {
            let reply: Value = client()
                .post(url)
                .json(
                    &serde_json::json!({ "login": login, "password": password, "scopes": scopes }),
                )
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            reply["token"].as_str().unwrap().to_owned()
        }
    };
    let reader = token("layla_reader", &["read", "comment"]).await;
    let moderator = token("desk_searcher", &["read", "moderate"]).await;
    for body in [
        "الصيادون غاضبون من الرسوم",
        "Fishermen are angry about the fees",
    ] {
        let status = client()
            .post(format!(
                "{}/api/v1/editions/{edition}/comments",
                server.base_url()
            ))
            .bearer_auth(&reader)
            .json(&serde_json::json!({ "body": body }))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 201);
    }
    let search = |query: String, token: String| {
        let url = format!("{}/api/v1/search/comments?{query}", server.base_url());
        async move {
            let response = client().get(url).bearer_auth(token).send().await.unwrap();
            (
                response.status().as_u16(),
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    // Both comments are indexed a fraction of a second after posting.
    let settled = |query: String| {
        let search = &search;
        let moderator = moderator.clone();
        async move {
            let mut body = Value::Null;
            for _ in 0..30 {
                body = search(query.clone(), moderator.clone()).await.1;
                if body["total"] == 1 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            body
        }
    };
    let body = settled(format!("q=%D8%B5%D9%8A%D8%A7%D8%AF&story={story_id}")).await;
    assert_eq!(body["total"], 1, "صياد finds الصيادون: {body}");
    assert_eq!(body["hits"][0]["author"], "layla_reader");
    let by_author = settled("q=fisherman&author=layla_reader&status=visible".into()).await;
    assert_eq!(by_author["total"], 1, "{by_author}");
    let (_, wrong_status) = search("q=fisherman&status=rejected".into(), moderator.clone()).await;
    assert_eq!(wrong_status["total"], 0);
    let (status, _) = search("q=fisherman".into(), reader).await;
    assert_eq!(status, 403, "readers may not search comments");
    server.stop().await.unwrap();
}

/// A story with an edition in each language, published `days_ago`.
async fn bilingual(
    store: &Store,
    days_ago: i64,
    arabic: (&str, &str),
    english: (&str, &str),
) -> i64 {
    let story = store
        .create_story(NewStory {
            section_id: None,
            tag_ids: &[],
            hero_image: None,
        })
        .await
        .unwrap();
    let at = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24 * days_ago);
    for (lang, (headline, body)) in [(Lang::AR, arabic), (Lang::EN, english)] {
        let content = EditionContent::parse(EditionInput {
            headline: headline.to_owned(),
            body: body.to_owned(),
            ..Default::default()
        })
        .unwrap();
        let edition = store
            .create_edition(story, lang, &content, &[], None)
            .await
            .unwrap();
        store.publish_edition(edition, at, None).await.unwrap();
    }
    story
}

/// A page's result headlines, in order.
fn result_headlines(html: &str) -> Vec<String> {
    html.split("class=\"search-result\"")
        .skip(1)
        .map(|result| {
            let link = &result[result.find("<a href=").unwrap()..];
            let text = &link[link.find('>').unwrap() + 1..];
            text[..text.find("</a>").unwrap()].to_owned()
        })
        .collect()
}

/// Singular, dual, sound and broken plurals and clitics find each other;
/// a protected name is not a common word.
async fn every_form_of_a_word_finds_the_others(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let store = server.store().clone();
    const TRAINS: &str = "تشغيل القطارات الجديدة";
    const MINISTERS: &str = "الوزراء يجتمعون";
    const CITIES: &str = "افتتاح مستشفى في المدينتين";
    const BAHRAIN: &str = "البحرين تستضيف البطولة";
    const VOLCANO: &str = "بركان يثور";
    story(&store, Lang::AR, TRAINS, "ثلاثة قطارات كهربائية.", true).await;
    story(
        &store,
        Lang::AR,
        MINISTERS,
        "أقر مجلس الوزراء الموازنة.",
        true,
    )
    .await;
    story(&store, Lang::AR, CITIES, "لخدمة سكان المدينتين.", true).await;
    story(&store, Lang::AR, BAHRAIN, "بطولة الشطرنج.", true).await;
    story(&store, Lang::AR, VOLCANO, "غطى الرماد القرى.", true).await;
    for (query, headline) in [
        ("قطار", TRAINS),
        ("بالقطار", TRAINS),
        ("وزير", MINISTERS),
        ("فالوزير", MINISTERS),
        ("وزيرة", MINISTERS),
        ("مدينة", CITIES),
        ("مدن", CITIES),
        ("والمدن", CITIES),
        ("مستشفيات", CITIES),
        ("قرية", VOLCANO),
    ] {
        let hits = found(&server, query, &[headline]).await;
        assert!(hits.contains(&headline.to_owned()), "{query} → {hits:?}");
    }
    assert_eq!(found(&server, "بحرين", &[BAHRAIN]).await, [BAHRAIN]);
    // The sea is not Bahrain, nor a pond a volcano.
    assert!(found(&server, "البحر", &[]).await.is_empty());
    assert!(found(&server, "بركة", &[]).await.is_empty());
    server.stop().await.unwrap();
}

/// Words in both scripts match a story whose two editions hold them
/// between them; it is one result, in the page's language.
async fn mixed_scripts_match_a_story_in_the_readers_language(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let store = server.store().clone();
    let ferry = bilingual(
        &store,
        1,
        ("عودة العبارة إلى مرسى نور", "استأنفت العبارة رحلاتها."),
        ("The ferry is back", "Crossings resumed after repairs."),
    )
    .await;
    bilingual(
        &store,
        2,
        ("قطار جديد إلى مرسى نور", "رحلة أقصر."),
        ("A new train to the coast", "A shorter trip."),
    )
    .await;
    found(&server, "ferry", &["The ferry is back"]).await;
    let (status, body) = search(&server, "مرسى نور ferry").await;
    assert_eq!(status, 200);
    assert_eq!(body["total"], 1, "{body}");
    assert_eq!(body["hits"][0]["story_id"], ferry);
    let mut reader = Agent::new(&server);
    for (lang, headline) in [
        ("ar", "عودة العبارة إلى مرسى نور"),
        ("en", "The ferry is back"),
    ] {
        let page = reader
            .get(&format!(
                "/{lang}/search?q=%D9%85%D8%B1%D8%B3%D9%89+%D9%86%D9%88%D8%B1+ferry"
            ))
            .await;
        assert_eq!(page.status, 200);
        assert_eq!(result_headlines(&page.body), [headline], "{lang}");
    }
    // Asked for one language, the story shows in it.
    let body: Value = client()
        .get(format!("{}/api/v1/search/articles", server.base_url()))
        .query(&[("q", "ferry مرسى"), ("lang", "ar")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["total"], 1, "{body}");
    assert_eq!(body["hits"][0]["lang"], "ar");
    server.stop().await.unwrap();
}

/// A search that finds nothing gets the nearest spelling that does, and
/// the stories it finds in the other language.
async fn empty_results_suggest_a_search_that_finds(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let store = server.store().clone();
    const OFFICIAL: &str = "مسؤول في الوزارة يعلن القرار";
    story(
        &store,
        Lang::AR,
        OFFICIAL,
        "قال مسؤول إن القرار نهائي.",
        true,
    )
    .await;
    story(
        &store,
        Lang::EN,
        "Harbour crane repaired",
        "Work done.",
        true,
    )
    .await;
    // Words near قطار "train": بطار is the stem of بطاريات "batteries"
    // but no word anyone writes, and مطار "airport" differs in the first
    // letter of a short word: neither may be offered for it.
    const BATTERIES: &str = "بطاريات جديدة للحافلات";
    const AIRPORT: &str = "صالة جديدة في المطار";
    const SCHOOL: &str = "افتتاح مدرسة في الحي";
    for headline in [BATTERIES, AIRPORT, SCHOOL] {
        story(&store, Lang::AR, headline, "نص الخبر.", true).await;
    }
    found(&server, "مسؤول", &[OFFICIAL]).await;
    found(&server, "crane", &["Harbour crane repaired"]).await;
    found(&server, "بطارية", &[BATTERIES]).await;
    found(&server, "مطار", &[AIRPORT]).await;
    found(&server, "مدرسة", &[SCHOOL]).await;
    let mut reader = Agent::new(&server);
    // Hamza on another seat.
    let page = reader
        .get("/ar/search?q=%D9%85%D8%B3%D8%A6%D9%88%D9%84")
        .await;
    assert_eq!(page.status, 200);
    assert!(result_headlines(&page.body).is_empty());
    assert!(
        page.body.contains("class=\"search-suggestion\""),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(">مسؤول</a>"),
        "the suggestion is the word respelt"
    );
    assert!(
        page.body
            .contains("href=\"/ar/search?q=%D9%85%D8%B3%D8%A4%D9%88%D9%84\"")
    );
    // One letter off, in a short Latin word (long ones already match).
    let page = reader.get("/en/search?q=cran").await;
    assert!(page.body.contains(">crane</a>"), "{}", page.body);
    // A language filter that hides the only story: the other language is
    // offered.
    let page = reader.get("/en/search?q=crane&lang=ar").await;
    assert!(result_headlines(&page.body).is_empty());
    assert!(page.body.contains("class=\"search-elsewhere\""));
    assert!(page.body.contains("href=\"/en/search?q=crane\""));
    // Words found nowhere and near nothing: no suggestion.
    let page = reader.get("/en/search?q=zzzqqq").await;
    assert!(!page.body.contains("search-suggestion"));
    // قطار is near only a stem and a word with another first letter.
    let page = reader.get("/ar/search?q=%D9%82%D8%B7%D8%A7%D8%B1").await;
    assert!(result_headlines(&page.body).is_empty());
    assert!(!page.body.contains("search-suggestion"), "{}", page.body);

    // The API answers with the same help.
    let suggested = |body: &Value| body["suggestion"]["text"].as_str().map(str::to_owned);
    for (typed, respelt) in [
        ("مسئول", "مسؤول"), // hamza on another seat
        ("مسول", "مسؤول"),  // hamza left out
        ("مدرست", "مدرسة"), // ة written ت
        ("cran", "crane"),  // a Latin typo
    ] {
        let (status, body) = search(&server, typed).await;
        assert_eq!(status, 200);
        assert_eq!(body["total"], 0, "{typed}: {body}");
        assert_eq!(
            suggested(&body).as_deref(),
            Some(respelt),
            "{typed}: {body}"
        );
        assert_eq!(body["suggestion"]["total"], 1, "{typed}: {body}");
        assert!(body["elsewhere"].is_null(), "{body}");
    }
    for typed in ["قطار", "zzzqqq"] {
        let (_, body) = search(&server, typed).await;
        assert!(body["suggestion"].is_null(), "{typed}: {body}");
    }
    let body: Value = client()
        .get(format!("{}/api/v1/search/articles", server.base_url()))
        .query(&[("q", "crane"), ("lang", "ar")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["total"], 0, "{body}");
    assert_eq!(body["elsewhere"], 1, "{body}");
    // A search that finds stories needs no help.
    let (_, body) = search(&server, "crane").await;
    assert!(body["suggestion"].is_null() && body["elsewhere"].is_null());
    // The API's document describes both.
    let document: Value = client()
        .get(format!("{}/api/v1/openapi.json", server.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let schemas = &document["components"]["schemas"];
    let results = &schemas["ArticleResults"]["properties"];
    assert!(results["suggestion"].is_object(), "{results}");
    assert!(results["elsewhere"].is_object(), "{results}");
    assert!(schemas["SearchSuggestion"]["properties"]["text"].is_object());
    server.stop().await.unwrap();
}

/// Relevance order: the headline above the body, words together above
/// scattered, and the newer story first when they match alike.
async fn ranking_headline_phrase_and_recency(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let store = server.store().clone();
    story(
        &store,
        Lang::EN,
        "Quiet evening downtown",
        "The lighthouse keeper spoke to the council about the harbour.",
        true,
    )
    .await;
    story(
        &store,
        Lang::EN,
        "Lighthouse keeper retires",
        "After forty years he spoke to the council about the harbour.",
        true,
    )
    .await;
    let hits = found(
        &server,
        "lighthouse",
        &["Quiet evening downtown", "Lighthouse keeper retires"],
    )
    .await;
    assert_eq!(hits[0], "Lighthouse keeper retires", "{hits:?}");

    story(
        &store,
        Lang::AR,
        "سوق السمك",
        "افتتح سوق السمك في مرسى نور أمام الزوار صباح اليوم",
        true,
    )
    .await;
    story(
        &store,
        Lang::AR,
        "سوق الخضار",
        "افتتح سوق الخضار في مرسى الحي أمام نور الصباح اليوم",
        true,
    )
    .await;
    let hits = found(&server, "مرسى نور", &["سوق السمك", "سوق الخضار"]).await;
    assert_eq!(hits[..2], ["سوق السمك", "سوق الخضار"], "{hits:?}");

    for (days, headline) in [(30, "Ferry timetable old"), (2, "Ferry timetable new")] {
        let story_id = store
            .create_story(NewStory {
                section_id: None,
                tag_ids: &[],
                hero_image: None,
            })
            .await
            .unwrap();
        let content = EditionContent::parse(EditionInput {
            headline: headline.to_owned(),
            body: "The winter timetable for the island ferry.".to_owned(),
            ..Default::default()
        })
        .unwrap();
        let edition = store
            .create_edition(story_id, Lang::EN, &content, &[], None)
            .await
            .unwrap();
        let at = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24 * days);
        store.publish_edition(edition, at, None).await.unwrap();
    }
    let hits = found(
        &server,
        "island ferry",
        &["Ferry timetable old", "Ferry timetable new"],
    )
    .await;
    assert_eq!(hits, ["Ferry timetable new", "Ferry timetable old"]);
    server.stop().await.unwrap();
}

on_both_backends!(
    every_form_of_a_word_finds_the_others,
    mixed_scripts_match_a_story_in_the_readers_language,
    empty_results_suggest_a_search_that_finds,
    ranking_headline_phrase_and_recency,
    morphology_and_spelling_find_each_other,
    publishing_editing_and_unpublishing_reach_search,
    the_search_page_in_both_languages,
    moderators_search_comments,
);
