//! What a reader clicks, in a real browser (headless Chromium): both front
//! pages, an article in each language, the edition switch, right-to-left
//! layout that mirrors, and a phone-sized window.

mod common;

use common::spawn_app;
use khabar_testkit::browser::Browser;
use khabar_testkit::{TestDatabase, on_both_backends};
use serde_json::{Value, json};

/// `[lang, dir, computed direction]` of the page.
const PAGE_DIRECTION: &str = "return [document.documentElement.lang, document.documentElement.dir, \
     getComputedStyle(document.body).direction];";

/// Whether the brand sits to the right of the language switch (mirrored).
const BRAND_ON_THE_RIGHT: &str = "const brand = document.querySelector('.brand').getBoundingClientRect(); \
     const other = document.querySelector('.language-switch').getBoundingClientRect(); \
     return brand.left > other.left;";

async fn reader_switches_editions_and_arabic_mirrors(db: &TestDatabase) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = spawn_app(db, true).await;
    let base = server.base_url().to_owned();

    browser.goto(&format!("{base}/ar/")).await;
    assert_eq!(
        browser.eval(PAGE_DIRECTION, json!([])).await,
        json!(["ar", "rtl", "rtl"])
    );
    assert_eq!(
        browser.eval(BRAND_ON_THE_RIGHT, json!([])).await,
        Value::Bool(true)
    );

    browser.goto(&format!("{base}/en/")).await;
    assert_eq!(
        browser.eval(PAGE_DIRECTION, json!([])).await,
        json!(["en", "ltr", "ltr"])
    );
    assert_eq!(
        browser.eval(BRAND_ON_THE_RIGHT, json!([])).await,
        Value::Bool(false)
    );

    // Front page → lead story → its Arabic edition → back to English.
    browser.click(".card-lead .card-headline a").await;
    browser.wait_for(".story-body").await;
    let english_url = browser.current_url().await;
    assert!(english_url.contains("/en/story/"), "{english_url}");
    let switch = "return [document.querySelector('.edition-switch a').textContent.trim(), \
                  getComputedStyle(document.querySelector('.edition-switch a')).direction];";
    assert_eq!(
        browser.eval(switch, json!([])).await,
        json!(["اقرأ هذا الخبر بالعربية", "rtl"])
    );
    browser.click(".edition-switch a").await;
    browser.wait_for("html[lang=ar] .story-body").await;
    let arabic_url = browser.current_url().await;
    assert!(arabic_url.contains("/ar/story/"), "{arabic_url}");
    assert_eq!(
        browser.eval(PAGE_DIRECTION, json!([])).await,
        json!(["ar", "rtl", "rtl"])
    );
    assert_eq!(
        browser.eval(switch, json!([])).await,
        json!(["Read this story in English", "ltr"])
    );
    // In Arabic a paragraph's first line starts at the right edge of the
    // column: the first word's box touches the column's right side.
    let body_aligned_right = "const p = document.querySelector('.story-body p'); \
        const range = document.createRange(); range.setStart(p.firstChild, 0); range.setEnd(p.firstChild, 1); \
        const first = range.getBoundingClientRect(); const column = p.getBoundingClientRect(); \
        return Math.abs(first.right - column.right) < 2 && first.left > column.left + 50;";
    assert_eq!(
        browser.eval(body_aligned_right, json!([])).await,
        Value::Bool(true)
    );
    browser.click(".edition-switch a").await;
    browser.wait_for("html[lang=en] .story-body").await;
    assert_eq!(browser.current_url().await, english_url);

    // On a phone-sized window nothing scrolls sideways.
    browser.resize(390, 844).await;
    browser.goto(&arabic_url).await;
    let overflow = "return document.documentElement.scrollWidth - window.innerWidth;";
    let extra = browser
        .eval(overflow, json!([]))
        .await
        .as_i64()
        .unwrap_or(i64::MAX);
    assert!(
        extra <= 0,
        "the Arabic article scrolls sideways by {extra}px on a phone"
    );

    browser.quit().await;
    server.stop().await.unwrap();
}

on_both_backends!(reader_switches_editions_and_arabic_mirrors);

/// `[lang, dir, text of the h1]`.
const PAGE_HEADING: &str = "return [document.documentElement.lang, document.documentElement.dir, \
     document.querySelector('h1').textContent.trim()];";

async fn a_reader_signs_up_and_in_in_both_languages(db: &TestDatabase) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = spawn_app(db, false).await;
    let base = server.base_url().to_owned();

    // Both pages exist in both languages, each in its own direction.
    for (path, expected) in [
        ("/en/signup", json!(["en", "ltr", "Create an account"])),
        ("/ar/signin", json!(["ar", "rtl", "تسجيل الدخول"])),
    ] {
        browser.goto(&format!("{base}{path}")).await;
        assert_eq!(
            browser.eval(PAGE_HEADING, json!([])).await,
            expected,
            "{path}"
        );
    }

    // Arabic sign-up, first with a reserved name in disguise.
    browser.goto(&format!("{base}/ar/signup")).await;
    assert_eq!(
        browser.eval(PAGE_HEADING, json!([])).await,
        json!(["ar", "rtl", "إنشاء حساب"])
    );
    browser.type_into("#username", "مُشرِف").await;
    browser.type_into("#email", "reader@news.example").await;
    browser
        .type_into("#password", "harbour lights at dusk")
        .await;
    browser.click(".stacked-form button[type=submit]").await;
    browser.wait_for(".field-error").await;
    let error = "const input = document.querySelector('#username'); \
                 return [input.getAttribute('aria-invalid'), document.querySelector('.field-error').textContent.trim()];";
    assert_eq!(
        browser.eval(error, json!([])).await,
        json!(["true", "هذا الاسم محجوز. يرجى اختيار اسم آخر."])
    );
    // The form keeps what was typed, except the password.
    let kept = "return [document.querySelector('#email').value, document.querySelector('#password').value];";
    assert_eq!(
        browser.eval(kept, json!([])).await,
        json!(["reader@news.example", ""])
    );

    browser
        .eval("document.querySelector('#username').value = '';", json!([]))
        .await;
    browser.type_into("#username", "قارئ_المرفأ").await;
    browser
        .type_into("#password", "harbour lights at dusk")
        .await;
    browser.click(".stacked-form button[type=submit]").await;
    // Signed in, wherever sign-up lands.
    browser.wait_for(".account-links bdi").await;
    let header_name = "return document.querySelector('.account-links bdi').textContent;";
    assert_eq!(
        browser.eval(header_name, json!([])).await,
        json!("قارئ_المرفأ")
    );

    // Sign out from the header, then sign in on the English page.
    browser.click(".account-links button[type=submit]").await;
    browser.wait_for_url("/ar/").await;
    browser.goto(&format!("{base}/en/signin")).await;
    assert_eq!(
        browser.eval(PAGE_HEADING, json!([])).await,
        json!(["en", "ltr", "Sign in"])
    );
    browser.type_into("#login", "reader@news.example").await;
    browser
        .type_into("#password", "harbour lights at dusk")
        .await;
    browser.click(".stacked-form button[type=submit]").await;
    browser.wait_for_url("/en/").await;
    assert_eq!(
        browser.eval(header_name, json!([])).await,
        json!("قارئ_المرفأ")
    );

    browser.quit().await;
    server.stop().await.unwrap();
}

on_both_backends!(a_reader_signs_up_and_in_in_both_languages);

async fn a_new_comment_appears_on_an_open_page(db: &TestDatabase) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = spawn_app(db, true).await;
    let base = server.base_url().to_owned();
    let mut writer = common::Agent::new(&server);
    writer
        .submit(
            "/en/signup",
            "/en/signup",
            &[
                ("username", "writer"),
                ("email", "writer@news.example"),
                ("password", "harbour lights at dusk"),
            ],
        )
        .await;
    let home = writer.get("/en/").await.body;
    let start = home.find("href=\"/en/story/").unwrap() + 6;
    let path = home[start..start + home[start..].find(['"', '#']).unwrap()].to_owned();

    browser.goto(&format!("{base}{path}")).await;
    // Give the page a moment to open its event stream.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let posted = writer
        .submit(
            &path,
            &format!("{path}/comments"),
            &[("body", "تعليق يظهر مباشرة")],
        )
        .await;
    let id = posted
        .location
        .unwrap()
        .rsplit("#comment-")
        .next()
        .unwrap()
        .to_owned();
    browser
        .wait_for(&format!("#comment-{id} .comment-body"))
        .await;
    let shown = format!(
        "return document.querySelector('#comment-{id} .comment-body').getAttribute('dir');"
    );
    assert_eq!(browser.eval(&shown, json!([])).await, json!("rtl"));

    browser.quit().await;
    server.stop().await.unwrap();
}

on_both_backends!(a_new_comment_appears_on_an_open_page);

async fn an_arabic_comment_gets_a_live_english_reply(db: &TestDatabase) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = spawn_app(db, true).await;
    let base = server.base_url().to_owned();

    // Layla signs up in Arabic and comments on the lead story.
    browser.goto(&format!("{base}/ar/signup")).await;
    browser.type_into("#username", "layla").await;
    browser.type_into("#email", "layla@news.example").await;
    browser
        .type_into("#password", "harbour lights at dusk")
        .await;
    browser.click(".stacked-form button[type=submit]").await;
    // Signed in, wherever sign-up lands.
    browser.wait_for(".account-links bdi").await;
    browser.goto(&format!("{base}/ar/")).await;
    browser.click(".card-lead .card-headline a").await;
    browser.wait_for("#new-comment").await;
    browser
        .type_into("#new-comment", "هذا تعليقي الأول على الخبر")
        .await;
    browser.click(".comment-form button[type=submit]").await;
    browser.wait_for(".comment-body[dir=rtl]").await;
    let story_url = browser.current_url().await;
    // Posted without a reload: a plain form would have landed on ?cpage=1#comment-….
    assert!(!story_url.contains("cpage"), "{story_url}");
    let story_path = story_url
        .trim_start_matches(&base)
        .split(['?', '#'])
        .next()
        .unwrap()
        .to_owned();
    let first_id: i64 = browser
        .eval(
            "return document.querySelector('.comment').id.replace('comment-', '');",
            json!([]),
        )
        .await
        .as_str()
        .and_then(|id| id.parse().ok())
        .expect("the comment's id");
    let bell = "return document.querySelector('.bell').textContent.trim();";
    assert_eq!(browser.eval(bell, json!([])).await, json!("الإشعارات"));

    // Sam replies in English, mentioning her, from another browser.
    let mut sam = signed_up(&server, "en", "sam", "sam@news.example").await;
    let reply_id = reply(
        &mut sam,
        &story_path,
        "@layla I see it differently, but thank you",
        first_id,
    )
    .await;

    // It arrives without a reload, left to right, and the bell counts it.
    browser
        .wait_for(&format!("#comment-{reply_id} .comment-body[dir=ltr]"))
        .await;
    for _ in 0..50 {
        if browser.eval(bell, json!([])).await == json!("الإشعارات (1)") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(browser.eval(bell, json!([])).await, json!("الإشعارات (1)"));
    let mention = format!(
        "return document.querySelector('#comment-{reply_id} a[href=\"/ar/user/layla\"]') !== null;"
    );
    assert_eq!(browser.eval(&mention, json!([])).await, json!(true));

    // An English reply that opens with an Arabic reader's mention is a
    // left-to-right paragraph with the name isolated whole.
    signed_up(&server, "ar", "نادر_ص", "nader@news.example").await;
    let mixed_id = reply(
        &mut sam,
        &story_path,
        "@نادر_ص agreed — a map by neighbourhood would help",
        first_id,
    )
    .await;
    browser.wait_for(&format!("#comment-{mixed_id} bdi")).await;
    let layout = browser
        .eval(
            &format!(
                "const body = document.querySelector('#comment-{mixed_id} .comment-body');
                 const p = body.querySelector('p'), bdi = p.querySelector('bdi');
                 return [getComputedStyle(body).direction, getComputedStyle(p).direction,
                         getComputedStyle(bdi).direction, bdi.textContent];"
            ),
            json!([]),
        )
        .await;
    assert_eq!(layout, json!(["ltr", "ltr", "rtl", "@نادر_ص"]));
    // Its time reads as people say it, in the page's language, with the
    // full date kept for hovering.
    let time = browser
        .eval(
            &format!(
                "const t = document.querySelector('#comment-{mixed_id} time');
                 return [t.textContent, t.title];"
            ),
            json!([]),
        )
        .await;
    assert_eq!(time[0], json!("الآن"), "{time}");
    assert!(
        time[1].as_str().is_some_and(|full| full.contains("2")),
        "{time}"
    );

    browser
        .eval(
            &format!("document.getElementById('comment-{first_id}').scrollIntoView();"),
            json!([]),
        )
        .await;
    let shot = browser
        .screenshot(&format!(
            "mixed-thread-{}",
            if db.is_postgres() {
                "postgres"
            } else {
                "sqlite"
            }
        ))
        .await;
    assert!(
        std::fs::metadata(shot)
            .map(|m| m.len() > 1_000)
            .unwrap_or(false)
    );

    browser.quit().await;
    server.stop().await.unwrap();
}

on_both_backends!(an_arabic_comment_gets_a_live_english_reply);

/// Text of the first element matching the selector inside the edition
/// column of `lang` (`arguments[0]`, `arguments[1]`).
const IN_EDITION: &str = "const el = document.querySelector(`.edition[data-lang=\"${arguments[0]}\"] ${arguments[1]}`); \
     return el ? (el.value !== undefined && el.tagName !== 'BUTTON' ? el.value : el.textContent.trim()) : null;";

/// The headline inside the edition's preview frame.
const PREVIEW_HEADLINE: &str = "const frame = document.querySelector(`.edition[data-lang=\"${arguments[0]}\"] .preview-frame`); \
     const h = frame && frame.contentDocument && frame.contentDocument.querySelector('.story-headline'); \
     return h ? h.textContent.trim() : null;";

async fn an_editor_writes_both_editions_and_schedules_them(db: &TestDatabase) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    // Beirut is UTC+2 or +3: a schedule read as UTC would be hours off.
    let server = common::spawn_app_with(db, false, |config| {
        config.site.time_zone = "Asia/Beirut".into();
    })
    .await;
    let base = server.base_url().to_owned();
    common::account(
        &server,
        "desk",
        khabar_core::Role::Editor,
        "harbour lights at dusk",
    )
    .await;

    browser.goto(&format!("{base}/en/signin")).await;
    browser.type_into("#login", "desk").await;
    browser
        .type_into("#password", "harbour lights at dusk")
        .await;
    browser.click(".stacked-form button[type=submit]").await;
    browser.wait_for("a[href='/en/admin']").await;

    // A new story in English; the editor opens on it.
    browser.goto(&format!("{base}/en/admin/stories/new")).await;
    browser
        .type_into("#headline", "Night ferry returns to the harbour")
        .await;
    browser.click(".stacked-form button[type=submit]").await;
    browser
        .wait_for(".edition[data-lang='en'] .body-input")
        .await;
    let editor_url = browser.current_url().await;
    assert!(editor_url.contains("/en/admin/stories/"), "{editor_url}");

    // Typing into a draft: the preview follows and the draft saves itself.
    let en_body = ".edition[data-lang='en'] .body-input";
    browser
        .type_into(en_body, "The last crossing now leaves at **midnight**.")
        .await;
    browser
        .wait_for_true("document.querySelector(\".edition[data-lang='en'] [data-save-state]\").dataset.kind === 'saved'")
        .await;
    browser
        .wait_for_true("(() => { const f = document.querySelector(\".edition[data-lang='en'] .preview-frame\"); \
                        const s = f && f.contentDocument && f.contentDocument.querySelector('.story-body strong'); \
                        return !!s && s.textContent === 'midnight'; })()")
        .await;
    assert_eq!(
        browser.eval(PREVIEW_HEADLINE, json!(["en"])).await,
        json!("Night ferry returns to the harbour")
    );
    // The slug came from the headline.
    assert_eq!(
        browser
            .eval(IN_EDITION, json!(["en", "input[name=slug]"]))
            .await,
        json!("night-ferry-returns-to-the-harbour")
    );

    // Someone else saves the same edition meanwhile (through the API).
    let story_id: i64 = editor_url
        .rsplit('/')
        .next()
        .and_then(|tail| tail.split(['?', '#']).next())
        .and_then(|id| id.parse().ok())
        .expect("a story id in the editor's address");
    let record = server.store().story_record(story_id).await.unwrap();
    let en_edition = record.editions[0].clone();
    let other = common::account(
        &server,
        "nightdesk",
        khabar_core::Role::Editor,
        "another long passphrase",
    )
    .await;
    server
        .store()
        .update_edition(
            en_edition.id,
            en_edition.revision,
            &khabar_core::EditionContent::parse(khabar_core::EditionInput {
                headline: "Night ferry returns to the harbour".into(),
                body: "Their version of the story.".into(),
                ..Default::default()
            })
            .unwrap(),
            &en_edition.author_ids,
            Some(other),
        )
        .await
        .unwrap();
    // The next autosave is refused, says why, and keeps what was typed.
    browser
        .type_into(en_body, " Tickets cost two dinars.")
        .await;
    browser
        .wait_for_true("document.querySelector(\".edition[data-lang='en'] [data-save-state]\").dataset.kind === 'conflict'")
        .await;
    let status = browser
        .eval(
            "return document.querySelector('.editor-status').textContent;",
            json!([]),
        )
        .await;
    assert!(
        status
            .as_str()
            .unwrap_or("")
            .contains("Someone else saved this edition"),
        "{status}"
    );
    let typed = browser.eval(IN_EDITION, json!(["en", ".body-input"])).await;
    assert_eq!(
        typed,
        json!("The last crossing now leaves at **midnight**. Tickets cost two dinars.")
    );
    // Ctrl+S then saves it on purpose over theirs, which stays in the history.
    browser.press_with_control('s').await;
    browser
        .wait_for_true("document.querySelector(\".edition[data-lang='en'] [data-save-state]\").dataset.kind === 'saved'")
        .await;
    let saved = server.store().edition_draft(en_edition.id).await.unwrap();
    assert!(
        saved.body.ends_with("Tickets cost two dinars."),
        "{}",
        saved.body
    );
    let history = server.store().revisions(en_edition.id).await.unwrap();
    assert!(
        history
            .iter()
            .any(|r| r.body == "Their version of the story.")
    );

    // The Arabic edition, written in its own direction beside the English.
    browser
        .type_into(
            ".edition-missing[lang='ar'] input[name=headline]",
            "عودة العبّارة الليلية إلى الميناء",
        )
        .await;
    browser
        .click(".edition-missing[lang='ar'] button[type=submit]")
        .await;
    browser
        .wait_for(".edition[data-lang='ar'] .body-input")
        .await;
    browser
        .type_into(
            ".edition[data-lang='ar'] .body-input",
            "تغادر الرحلة الأخيرة الآن عند **منتصف الليل**.",
        )
        .await;
    browser
        .wait_for_true("document.querySelector(\".edition[data-lang='ar'] [data-save-state]\").dataset.kind === 'saved'")
        .await;
    let directions = "return ['ar', 'en'].map(l => getComputedStyle(document.querySelector(`.edition[data-lang=\"${l}\"] .body-input`)).direction);";
    assert_eq!(
        browser.eval(directions, json!([])).await,
        json!(["rtl", "ltr"])
    );
    // On a wide window the editions stand side by side.
    let side_by_side = "const a = document.querySelector(\".edition[data-lang='ar']\").getBoundingClientRect(); \
        const e = document.querySelector(\".edition[data-lang='en']\").getBoundingClientRect(); \
        return Math.abs(a.top - e.top) < 2;";
    browser.resize(1400, 1000).await;
    assert_eq!(
        browser.eval(side_by_side, json!([])).await,
        Value::Bool(true)
    );

    // The same editor with Arabic screens: kept as the test's screenshot.
    let arabic_editor = editor_url.replace("/en/admin/", "/ar/admin/");
    browser.goto(&arabic_editor).await;
    browser
        .wait_for(".edition[data-lang='ar'] .preview-frame")
        .await;
    browser
        .wait_for_true("(() => { const f = document.querySelector(\".edition[data-lang='ar'] .preview-frame\"); \
                        return !!(f.contentDocument && f.contentDocument.querySelector('.story-headline')); })()")
        .await;
    assert_eq!(
        browser.eval(PAGE_DIRECTION, json!([])).await,
        json!(["ar", "rtl", "rtl"])
    );
    assert_eq!(
        browser.eval(PREVIEW_HEADLINE, json!(["ar"])).await,
        json!("عودة العبّارة الليلية إلى الميناء")
    );
    // The editions side by side, in view.
    browser
        .eval(
            "document.querySelector('.placement').open = false; \
             document.querySelector('.editions').scrollIntoView(); return true;",
            json!([]),
        )
        .await;
    let backend = if db.is_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    let shot = browser.screenshot(&format!("editor-ar-{backend}")).await;
    assert!(std::fs::metadata(&shot).unwrap().len() > 10_000);

    // Both editions scheduled for the next whole minute (the form's
    // precision) at least a few seconds ahead, in Beirut time.
    let zone = jiff::tz::TimeZone::get("Asia/Beirut").unwrap();
    let soon = (jiff::Timestamp::now() + jiff::SignedDuration::from_secs(8)).to_zoned(zone.clone());
    let minute = soon
        .datetime()
        .round(
            jiff::civil::DateTimeRound::new()
                .smallest(jiff::Unit::Minute)
                .mode(jiff::RoundMode::Ceil),
        )
        .unwrap();
    let at = minute.strftime("%Y-%m-%dT%H:%M").to_string();
    for lang in ["en", "ar"] {
        let set = "document.querySelector(`.edition[data-lang=\"${arguments[0]}\"] input[name=at]`).value = arguments[1]; return true;";
        browser.eval(set, json!([lang, at])).await;
        browser
            .click(&format!(".edition[data-lang='{lang}'] [data-schedule]"))
            .await;
        browser
            .wait_for(&format!(
                ".edition[data-lang='{lang}'][data-status='scheduled']"
            ))
            .await;
    }
    let scheduled = server.store().edition_draft(en_edition.id).await.unwrap();
    let expected = minute.to_zoned(zone).unwrap().timestamp();
    assert_eq!(scheduled.scheduled_at, Some(expected));

    // Not before their time: then the scheduler publishes them, and a
    // reader follows one to the other.
    assert_eq!(
        common::get(&server, "/en/story/night-ferry-returns-to-the-harbour")
            .await
            .0,
        404
    );
    let mut live = false;
    for _ in 0..750 {
        let (status, _) =
            common::get(&server, "/en/story/night-ferry-returns-to-the-harbour").await;
        let (ar_status, _) = common::get(
            &server,
            &format!(
                "/ar/story/{}",
                common::segment("عودة-العبارة-الليلية-إلى-الميناء")
            ),
        )
        .await;
        if status == 200 && ar_status == 200 {
            live = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(live, "the scheduled editions did not go live");
    // Text typed into a live edition is saved only on request; typed
    // and left unsaved, it is still there when the editor comes back.
    browser.goto(&editor_url).await;
    browser
        .wait_for(".edition[data-lang='en'][data-status='published'] .body-input")
        .await;
    browser.type_into(en_body, " Children ride free.").await;
    browser
        .wait_for_true("document.querySelector(\".edition[data-lang='en'] [data-save-state]\").dataset.kind === 'unsaved'")
        .await;
    browser.goto(&editor_url).await;
    browser.wait_for(".edition[data-lang='en'] .recovery").await;
    browser
        .click(".edition[data-lang='en'] .recovery .primary-button")
        .await;
    browser.press_with_control('s').await;
    browser
        .wait_for_true("document.querySelector(\".edition[data-lang='en'] [data-save-state]\").dataset.kind === 'saved'")
        .await;
    let (_, page) = common::get(&server, "/en/story/night-ferry-returns-to-the-harbour").await;
    assert!(
        page.contains("Children ride free."),
        "the saved correction is not live"
    );

    browser
        .goto(&format!(
            "{base}/en/story/night-ferry-returns-to-the-harbour"
        ))
        .await;
    browser.wait_for(".edition-switch a").await;
    browser.click(".edition-switch a").await;
    browser.wait_for("html[lang=ar] .story-body").await;
    assert_eq!(
        browser
            .eval(
                "return document.querySelector('.story-headline').textContent.trim();",
                json!([])
            )
            .await,
        json!("عودة العبّارة الليلية إلى الميناء")
    );
    browser.click(".edition-switch a").await;
    browser.wait_for("html[lang=en] .story-body").await;
    assert!(
        browser
            .current_url()
            .await
            .ends_with("/en/story/night-ferry-returns-to-the-harbour")
    );

    browser.quit().await;
    server.stop().await.unwrap();
}

on_both_backends!(an_editor_writes_both_editions_and_schedules_them);

/// Every published edition's id and page path.
async fn story_pages(server: &khabar::Server) -> Vec<(i64, String)> {
    let filter = khabar_store::NewsroomFilter {
        status: Some(khabar_core::EditionStatus::Published),
        ..khabar_store::NewsroomFilter::default()
    };
    let page = server
        .store()
        .newsroom_editions(&filter, 1, 100)
        .await
        .unwrap();
    page.items
        .iter()
        .map(|e| {
            let record = &e.record;
            let path = format!("/{}/story/{}", record.lang, common::segment(&record.slug));
            (record.id, path)
        })
        .collect()
}

/// A new reader signed up through the API: their session cookie's value.
async fn reader(server: &khabar::Server, name: &str) -> String {
    let password = "harbour lights at dusk";
    let signup =
        json!({ "username": name, "email": format!("{name}@news.example"), "password": password });
    let signed_up = common::call(server, "POST", "/auth/signup", Some(signup), &[]).await;
    assert_eq!(signed_up.status, 201, "{}", signed_up.body);
    let cookie = signed_up.cookie.expect("a session cookie");
    cookie.trim_start_matches("khabar_session=").to_owned()
}

/// A reader signed up through the `lang` form, as another browser.
async fn signed_up<'a>(
    server: &'a khabar::Server,
    lang: &str,
    name: &str,
    email: &str,
) -> common::Agent<'a> {
    let mut agent = common::Agent::new(server);
    let form = format!("/{lang}/signup");
    let fields = [
        ("username", name),
        ("email", email),
        ("password", "harbour lights at dusk"),
    ];
    agent.submit(&form, &form, &fields).await;
    agent
}

/// Posts a reply through the plain form and returns its id.
async fn reply(agent: &mut common::Agent<'_>, story: &str, body: &str, parent: i64) -> String {
    let parent = parent.to_string();
    let answer = agent
        .submit(
            story,
            &format!("{story}/comments"),
            &[("body", body), ("parent", &parent)],
        )
        .await;
    let location = answer.location.expect("a redirect to the reply");
    location
        .rsplit("#comment-")
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The discussion's heading as a fresh anonymous page shows it.
async fn heading_of(server: &khabar::Server, path: &str) -> String {
    let (_, page) = common::get(server, path).await;
    let start = page.find("id=\"comments-heading\">").expect("a heading") + 22;
    let end = start + page[start..].find("</h2>").expect("the heading's end");
    page[start..end].trim().to_owned()
}

/// A moderator's bearer token to comment with: staff comments are never
/// held, whatever the demo's threads ask of readers.
async fn staff_writer(server: &khabar::Server, name: &str) -> String {
    let password = "harbour lights at dusk";
    common::account(server, name, khabar_core::Role::Moderator, password).await;
    let scopes = json!({ "login": name, "password": password, "scopes": ["read", "comment"], "name": "test" });
    let token = common::call(server, "POST", "/tokens", Some(scopes), &[]).await;
    format!("Bearer {}", token.body["token"].as_str().expect("a token"))
}

/// Posts a comment on an edition through the API and returns its id and
/// the heading the page then shows (once the page cache has heard of it).
async fn comment_on(
    server: &khabar::Server,
    bearer: &str,
    (edition, path): &(i64, String),
    body: &str,
) -> (i64, String) {
    let before = heading_of(server, path).await;
    let posted = common::call(
        server,
        "POST",
        &format!("/editions/{edition}/comments"),
        Some(json!({ "body": body })),
        &[("Authorization", bearer)],
    )
    .await;
    assert_eq!(posted.status, 201, "{}", posted.body);
    assert_eq!(posted.body["held_for_moderation"], false, "{}", posted.body);
    let id = posted.body["id"].as_i64().expect("the comment's id");
    for _ in 0..100 {
        let after = heading_of(server, path).await;
        if after != before {
            return (id, after);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the count under {path} did not rise from {before}");
}

/// Loads a story in the current tab and waits until it is live.
async fn open_live(browser: &Browser, url: &str) {
    browser.goto(url).await;
    browser.wait_for("#comments[data-seen]").await;
}

/// Waits until comment `id` is on the page as a signed-in reader sees
/// another's comment (reply, like, report) and the heading reads `heading`.
async fn wait_for_live_comment(browser: &Browser, id: i64, heading: &str) {
    for button in [
        "form[action$='/like']",
        "details.comment-reply",
        "details.comment-report",
    ] {
        browser.wait_for(&format!("#comment-{id} {button}")).await;
    }
    browser
        .wait_for_true(&format!(
            "document.getElementById('comments-heading').textContent.trim() === {}",
            json!(heading)
        ))
        .await;
}

async fn twelve_stories_stay_live_in_tabs_and_in_a_row(db: &TestDatabase) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = spawn_app(db, true).await;
    let base = server.base_url().to_owned();
    let stories = story_pages(&server).await;
    assert!(
        stories.len() >= 13,
        "the demo has {} editions",
        stories.len()
    );
    let session = reader(&server, "tabreader").await;
    let writer = staff_writer(&server, "tabwriter").await;
    browser.goto(&format!("{base}/en/")).await;
    browser.add_cookie("khabar_session", &session).await;

    // Twelve stories in twelve tabs: over HTTP/1.1 a stream per page would
    // have stalled the seventh.
    let mut tabs = Vec::new();
    for (i, (_, path)) in stories.iter().take(12).enumerate() {
        if i > 0 {
            browser.new_tab().await;
        }
        open_live(&browser, &format!("{base}{path}")).await;
        tabs.push(browser.window().await);
    }
    browser.switch_to(&tabs[6]).await;
    let (id, heading) = comment_on(
        &server,
        &writer,
        &stories[6],
        "Seen live in the seventh tab",
    )
    .await;
    wait_for_live_comment(&browser, id, &heading).await;

    // Twelve stories one after another in one tab, the back-forward cache
    // keeping those left behind.
    let in_a_row: Vec<_> = stories.iter().cycle().skip(3).take(12).collect();
    for (_, path) in &in_a_row {
        open_live(&browser, &format!("{base}{path}")).await;
    }
    let (id, heading) = comment_on(
        &server,
        &writer,
        in_a_row[11],
        "تعليق يظهر مباشرة في آخر صفحة",
    )
    .await;
    wait_for_live_comment(&browser, id, &heading).await;

    // Back to the page before: what was posted there meanwhile arrives.
    let (id, heading) = comment_on(
        &server,
        &writer,
        in_a_row[10],
        "Posted while the page was away",
    )
    .await;
    browser.eval("history.back();", json!([])).await;
    browser.wait_for_url(&in_a_row[10].1).await;
    wait_for_live_comment(&browser, id, &heading).await;

    browser.quit().await;
    server.stop().await.unwrap();
}

on_both_backends!(twelve_stories_stay_live_in_tabs_and_in_a_row);

/// Whether this page ever opened a live stream of its own.
const OPENED_A_STREAM: &str = "return performance.getEntriesByType('resource') \
     .some((entry) => entry.name.includes('/live?'));";

async fn visible_pages_share_one_stream(db: &TestDatabase) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = spawn_app(db, true).await;
    let base = server.base_url().to_owned();
    let stories = story_pages(&server).await;
    let writer = staff_writer(&server, "windowwriter").await;

    // Eight windows, each page visible: more than HTTP/1.1's six
    // connections, were each to hold its own.
    let mut windows = Vec::new();
    for (i, (_, path)) in stories.iter().take(8).enumerate() {
        if i > 0 {
            browser.new_window().await;
        }
        open_live(&browser, &format!("{base}{path}")).await;
        windows.push(browser.window().await);
    }
    for i in [2, 7] {
        let (id, heading) = comment_on(&server, &writer, &stories[i], "One stream for all").await;
        browser.switch_to(&windows[i]).await;
        browser
            .wait_for(&format!("#comment-{id} .comment-body"))
            .await;
        browser
            .wait_for_true(&format!(
                "document.getElementById('comments-heading').textContent.trim() === {}",
                json!(heading)
            ))
            .await;
    }
    let mut streams = 0;
    for window in &windows {
        browser.switch_to(window).await;
        if browser.eval(OPENED_A_STREAM, json!([])).await == json!(true) {
            streams += 1;
        }
    }
    assert_eq!(streams, 1, "one page holds the browser's stream");

    browser.quit().await;
    server.stop().await.unwrap();
}

on_both_backends!(visible_pages_share_one_stream);

async fn the_comment_form_answers_in_place(db: &TestDatabase) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = spawn_app(db, true).await;
    let base = server.base_url().to_owned();
    let (edition, path) = story_pages(&server).await.remove(0);
    let story_id = server.store().edition(edition).await.unwrap().story_id;
    let editor = common::account(&server, "deskeditor", khabar_core::Role::Admin, "x").await;
    let session = reader(&server, "formreader").await;
    browser.goto(&format!("{base}/en/")).await;
    browser.add_cookie("khabar_session", &session).await;
    open_live(&browser, &format!("{base}{path}")).await;

    // Refused: the reason by the form, the text kept, no page left.
    let links = "https://a.example https://b.example https://c.example \
                 https://d.example https://e.example https://f.example";
    browser.type_into("#new-comment", links).await;
    browser.click(".comment-form button[type=submit]").await;
    browser
        .wait_for(".comment-form .form-error[role=alert] + button[type=submit]")
        .await;
    assert_eq!(
        browser
            .eval(
                "return document.getElementById('new-comment').value;",
                json!([])
            )
            .await,
        json!(links)
    );
    assert!(!browser.current_url().await.contains("cpage"));

    // Held: shown at once to its author alone, marked, and the box cleared.
    let held = khabar_core::moderation::ScopeSettings {
        pre_moderated: Some(true),
        ..Default::default()
    };
    server
        .store()
        .set_scope_settings(
            khabar_core::moderation::SettingScope::Story,
            story_id,
            &held,
            editor,
        )
        .await
        .unwrap();
    browser
        .eval(
            "document.getElementById('new-comment').value = '';",
            json!([]),
        )
        .await;
    browser
        .type_into("#new-comment", "Waiting for a moderator")
        .await;
    browser.click(".comment-form button[type=submit]").await;
    browser
        .wait_for(".comment-list .comment.pending[data-mine] .held")
        .await;
    assert_eq!(
        browser
            .eval(
                "return [document.getElementById('new-comment').value, \
                 document.querySelectorAll('.comment-form .form-error').length];",
                json!([])
            )
            .await,
        json!(["", 0])
    );
    let (_, anonymous) = common::get(&server, &path).await;
    assert!(!anonymous.contains("Waiting for a moderator"));

    browser.quit().await;
    server.stop().await.unwrap();
}

on_both_backends!(the_comment_form_answers_in_place);

/// A story whose readers' comments all wait for a moderator, on a server
/// that lets readers post quickly (these tests fill queues; the limits
/// have their own tests).
struct Desk {
    server: khabar::Server,
    edition: i64,
    story: i64,
}

impl Desk {
    async fn open(db: &TestDatabase) -> Desk {
        let server = common::spawn_app_with(db, true, |c| c.site.comments_per_minute = 100).await;
        let (edition, _) = story_pages(&server).await.remove(0);
        let story = server.store().edition(edition).await.unwrap().story_id;
        let chief = common::account(&server, "deskchief", khabar_core::Role::Admin, "x").await;
        let held = khabar_core::moderation::ScopeSettings {
            pre_moderated: Some(true),
            ..Default::default()
        };
        server
            .store()
            .set_scope_settings(
                khabar_core::moderation::SettingScope::Story,
                story,
                &held,
                chief,
            )
            .await
            .unwrap();
        Desk {
            server,
            edition,
            story,
        }
    }

    /// A bearer token for `name`, a new account of `role`, with `scopes`.
    async fn token(&self, name: &str, role: khabar_core::Role, scopes: &[&str]) -> String {
        let password = "harbour lights at dusk";
        common::account(&self.server, name, role, password).await;
        let body = json!({ "login": name, "password": password, "scopes": scopes, "name": "test" });
        let token = common::call(&self.server, "POST", "/tokens", Some(body), &[]).await;
        format!("Bearer {}", token.body["token"].as_str().expect("a token"))
    }

    /// Posts `body` as the reader holding `bearer`; it is held. Its id.
    async fn held(&self, bearer: &str, body: &str) -> i64 {
        let posted = common::call(
            &self.server,
            "POST",
            &format!("/editions/{}/comments", self.edition),
            Some(json!({ "body": body })),
            &[("Authorization", bearer)],
        )
        .await;
        assert_eq!(posted.status, 201, "{}", posted.body);
        assert_eq!(posted.body["held_for_moderation"], true, "{}", posted.body);
        posted.body["id"].as_i64().expect("the comment's id")
    }

    /// Signs the browser in as a new moderator; returns a token of theirs
    /// to check the queues with.
    async fn moderator_in(&self, browser: &Browser, name: &str) -> String {
        self.signed_in_as(
            browser,
            name,
            khabar_core::Role::Moderator,
            &["read", "moderate"],
        )
        .await
    }

    /// Signs the browser in as `name`, a new account of `role`; returns a
    /// token of theirs with `scopes`.
    async fn signed_in_as(
        &self,
        browser: &Browser,
        name: &str,
        role: khabar_core::Role,
        scopes: &[&str],
    ) -> String {
        let bearer = self.token(name, role, scopes).await;
        let body = json!({ "login": name, "password": "harbour lights at dusk" });
        let signed_in = common::call(&self.server, "POST", "/auth/signin", Some(body), &[]).await;
        assert_eq!(signed_in.status, 200, "{}", signed_in.body);
        let cookie = signed_in.cookie.expect("a session cookie");
        browser
            .goto(&format!("{}/en/", self.server.base_url()))
            .await;
        browser
            .add_cookie(
                "khabar_session",
                cookie.trim_start_matches("khabar_session="),
            )
            .await;
        bearer
    }

    /// Opens this story's queue in `lang` (every item on one page).
    async fn open_queue(&self, browser: &Browser, lang: &str) {
        let url = format!(
            "{}/{lang}/moderate?story={}&per_page=200",
            self.server.base_url(),
            self.story
        );
        browser.goto(&url).await;
        browser.wait_for(".mod-item.current").await;
    }

    /// The ids in `queue` for this story and the queues' counts, as the
    /// API tells `bearer`.
    async fn queue(&self, bearer: &str, queue: &str) -> (Vec<i64>, Value) {
        let path = format!(
            "/moderation/queue?queue={queue}&story={}&per_page=200",
            self.story
        );
        let answer = common::call(
            &self.server,
            "GET",
            &path,
            None,
            &[("Authorization", bearer)],
        )
        .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        let ids = answer.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|item| item["comment"]["id"].as_i64().expect("an id"))
            .collect();
        (ids, answer.body["counts"].clone())
    }
}

/// Presses the key at `code` as a layout types `key` there (WebDriver
/// only sends characters, placed on a US layout): on the focused element.
const PRESS_ON_LAYOUT: &str = "const [key, code, shiftKey] = arguments; \
     const target = document.activeElement || document.body; \
     target.dispatchEvent(new KeyboardEvent('keydown', { key, code, shiftKey, bubbles: true, cancelable: true }));";

const QUEUE_IDS: &str =
    "return [...document.querySelectorAll('.mod-item')].map(i => Number(i.dataset.id));";
const CURRENT_ID: &str = "const c = document.querySelector('.mod-item.current'); return c ? Number(c.dataset.id) : null;";
const TOAST: &str = "return document.querySelector('.mod-toast-text').textContent;";

async fn press_on_layout(browser: &Browser, key: &str, code: &str) {
    browser
        .eval(PRESS_ON_LAYOUT, json!([key, code, code == "Slash"]))
        .await;
}

async fn a_moderator_clears_the_queue_on_an_arabic_layout(db: &TestDatabase) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let desk = Desk::open(db).await;
    let salma = desk
        .token("salma", khabar_core::Role::Reader, &["read", "comment"])
        .await;
    let mut ids = Vec::new();
    for body in [
        "تحليل هادئ ومفيد للخبر",
        "كلام خارج الموضوع تمامًا",
        "سؤال عن مصدر الأرقام",
        "شكرًا على التغطية",
    ] {
        ids.push(desk.held(&salma, body).await);
    }
    let moderator = desk.moderator_in(&browser, "layout_desk").await;
    desk.open_queue(&browser, "ar").await;
    assert_eq!(browser.eval(QUEUE_IDS, json!([])).await, json!(ids));

    // Shift and the key right of '.' ('؟' here) opens the help, in Arabic
    // with the keys' Latin letters; Escape closes it.
    press_on_layout(&browser, "؟", "Slash").await;
    let help = browser
        .eval(
            "const h = document.getElementById('mod-keys'); return [h.hidden, h.textContent];",
            json!([]),
        )
        .await;
    assert_eq!(help[0], false);
    let help = help[1].as_str().unwrap();
    assert!(
        help.contains("التراجع عن القرار الأخير") && help.contains('z'),
        "{help}"
    );
    press_on_layout(&browser, "Escape", "Escape").await;

    // Neither with Control held nor while typing in a field.
    browser
        .eval(
            "document.activeElement.dispatchEvent(new KeyboardEvent('keydown', \
             { key: 'ق', code: 'KeyR', ctrlKey: true, bubbles: true }));",
            json!([]),
        )
        .await;
    browser
        .eval(
            "const field = document.querySelector('.mod-item textarea'); \
             field.dispatchEvent(new KeyboardEvent('keydown', { key: 'ق', code: 'KeyR', bubbles: true }));",
            json!([]),
        )
        .await;
    assert_eq!(browser.eval(QUEUE_IDS, json!([])).await, json!(ids));

    // A Latin layout's letters keep their meaning wherever they sit
    // (Dvorak: j and k are on the C and V keys).
    press_on_layout(&browser, "j", "KeyC").await;
    assert_eq!(browser.eval(CURRENT_ID, json!([])).await, json!(ids[1]));
    press_on_layout(&browser, "k", "KeyV").await;
    assert_eq!(browser.eval(CURRENT_ID, json!([])).await, json!(ids[0]));

    // ت (j) and ن (k) move; ش (a) approves, ق (r) rejects, ء (x) selects
    // and ش then approves the selection.
    press_on_layout(&browser, "ت", "KeyJ").await;
    assert_eq!(browser.eval(CURRENT_ID, json!([])).await, json!(ids[1]));
    press_on_layout(&browser, "ن", "KeyK").await;
    press_on_layout(&browser, "ش", "KeyA").await;
    assert_eq!(browser.eval(CURRENT_ID, json!([])).await, json!(ids[1]));
    browser
        .wait_for_true(
            "document.querySelector('.mod-toast-text').textContent.includes('قُبل تعليق')",
        )
        .await;
    press_on_layout(&browser, "ق", "KeyR").await;
    browser
        .wait_for_true(
            "document.querySelector('.mod-toast-text').textContent.includes('رُفض تعليق')",
        )
        .await;
    press_on_layout(&browser, "ء", "KeyX").await;
    press_on_layout(&browser, "ت", "KeyJ").await;
    press_on_layout(&browser, "ء", "KeyX").await;
    press_on_layout(&browser, "ش", "KeyA").await;
    browser.wait_for(".mod-empty").await;
    let toast = browser.eval(TOAST, json!([])).await;
    assert!(
        toast.as_str().unwrap().contains("قُبلت التعليقات المحددة"),
        "{toast}"
    );
    // The tab's count follows the server's answers.
    browser
        .wait_for_true(
            "document.querySelector('[data-queue-tab=pending] .mod-count').dataset.count === '0'",
        )
        .await;
    browser.screenshot("moderation-arabic-layout").await;

    let (waiting, _) = desk.queue(&moderator, "pending").await;
    assert!(waiting.is_empty(), "{waiting:?}");
    let (approved, _) = desk.queue(&moderator, "approved").await;
    for id in [ids[0], ids[2], ids[3]] {
        assert!(approved.contains(&id), "{id} in {approved:?}");
    }
    let (rejected, _) = desk.queue(&moderator, "rejected").await;
    assert_eq!(rejected, vec![ids[1]]);
    browser.quit().await;
    desk.server.stop().await.unwrap();
}

on_both_backends!(a_moderator_clears_the_queue_on_an_arabic_layout);

async fn a_rejection_is_undone_by_key(db: &TestDatabase) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let desk = Desk::open(db).await;
    let salma = desk
        .token("salma", khabar_core::Role::Reader, &["read", "comment"])
        .await;
    let mut ids = Vec::new();
    for body in [
        "First, on the water deal",
        "Second: a slip of the finger",
        "Third, on the dam",
        "Fourth, on the rivers",
    ] {
        ids.push(desk.held(&salma, body).await);
    }
    let troll = desk
        .token("troll", khabar_core::Role::Reader, &["read", "comment"])
        .await;
    let mut all = ids.clone();
    for body in ["Provocation one", "Provocation two"] {
        all.push(desk.held(&troll, body).await);
    }
    let moderator = desk.moderator_in(&browser, "undo_desk").await;
    desk.open_queue(&browser, "en").await;

    // r rejects the second: a toast says so with Undo, the third is next.
    browser.press("j").await;
    browser.press("r").await;
    browser
        .wait_for_true(
            "document.querySelector('.mod-toast-text').textContent.includes('Rejected the comment by') \
             && !document.querySelector('.mod-undo').hidden",
        )
        .await;
    assert_eq!(browser.eval(CURRENT_ID, json!([])).await, json!(ids[2]));
    let (rejected, _) = desk.queue(&moderator, "rejected").await;
    assert_eq!(rejected, vec![ids[1]]);

    // z brings it back in its place, with the focus, still pending.
    browser.press("z").await;
    browser
        .wait_for_true("document.querySelector('.mod-toast-text').textContent.includes('Undone')")
        .await;
    assert_eq!(browser.eval(QUEUE_IDS, json!([])).await, json!(all));
    assert_eq!(browser.eval(CURRENT_ID, json!([])).await, json!(ids[1]));
    let (pending, counts) = desk.queue(&moderator, "pending").await;
    assert_eq!(pending, all);
    assert_eq!(counts["rejected"], 0, "{counts}");
    browser
        .wait_for_true(
            "document.querySelector('[data-queue-tab=pending] .mod-count').dataset.count === '6'",
        )
        .await;

    // A bulk approval (x on two, then a) is undone by u alike.
    browser.press("xjxa").await;
    browser
        .wait_for_true("document.querySelector('.mod-toast-text').textContent.includes('Approved the selected comments')")
        .await;
    assert_eq!(
        browser.eval(QUEUE_IDS, json!([])).await,
        json!([ids[0], ids[3], all[4], all[5]])
    );
    browser.press("u").await;
    browser
        .wait_for_true("document.querySelector('.mod-toast-text').textContent.includes('Undone')")
        .await;
    assert_eq!(browser.eval(QUEUE_IDS, json!([])).await, json!(all));
    let (pending, _) = desk.queue(&moderator, "pending").await;
    assert_eq!(pending, all);

    // b b bans the troll, rejecting both comments; z brings both back.
    browser.press("jjj").await;
    assert_eq!(browser.eval(CURRENT_ID, json!([])).await, json!(all[4]));
    browser.press("bb").await;
    browser
        .wait_for_true("document.querySelector('.mod-toast-text').textContent.includes('Banned')")
        .await;
    assert_eq!(browser.eval(QUEUE_IDS, json!([])).await, json!(ids));
    browser.press("z").await;
    browser
        .wait_for_true("document.querySelector('.mod-toast-text').textContent.includes('Undone')")
        .await;
    assert_eq!(browser.eval(QUEUE_IDS, json!([])).await, json!(all));
    let (pending, _) = desk.queue(&moderator, "pending").await;
    assert_eq!(pending, all);
    browser.screenshot("moderation-undone").await;
    browser.quit().await;
    desk.server.stop().await.unwrap();
}

on_both_backends!(a_rejection_is_undone_by_key);

/// Fixed and sticky boxes that overlap the last queue item on screen.
const COVERING_THE_LAST_ITEM: &str = "const items = document.querySelectorAll('.mod-item'); \
     const last = items[items.length - 1].getBoundingClientRect(); \
     return [...document.querySelectorAll('body *')].filter(e => { \
       const position = getComputedStyle(e).position; \
       if (position !== 'fixed' && position !== 'sticky') return false; \
       const r = e.getBoundingClientRect(); \
       return r.width > 0 && r.height > 0 && r.left < last.right && r.right > last.left \
         && r.top < last.bottom && r.bottom > last.top; \
     }).map(e => e.className || e.tagName);";

const TO_THE_END: &str = "window.scrollTo(0, document.documentElement.scrollHeight);";

/// Nothing fixed or sticky covers the last item, whether the page is
/// scrolled to its end or the keys brought the item into view (its
/// bottom then meets the window's, where the empty bar used to sit).
async fn assert_last_item_uncovered(browser: &Browser, what: &str) {
    let covering = browser.eval(COVERING_THE_LAST_ITEM, json!([])).await;
    assert_eq!(covering, json!([]), "{what}, brought into view by the keys");
    browser.eval(TO_THE_END, json!([])).await;
    let covering = browser.eval(COVERING_THE_LAST_ITEM, json!([])).await;
    assert_eq!(covering, json!([]), "{what}, at the page's end");
}

async fn nothing_fixed_covers_the_queue_on_a_phone(db: &TestDatabase) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let desk = Desk::open(db).await;
    let salma = desk
        .token("salma", khabar_core::Role::Reader, &["read", "comment"])
        .await;
    for n in 1..=5 {
        let body = format!(
            "Comment {n}: a long thought on sharing the river's water between neighbours, in several lines\nso that it wraps on a phone"
        );
        desk.held(&salma, &body).await;
    }
    desk.moderator_in(&browser, "phone_desk").await;
    browser.resize(390, 800).await;
    for lang in ["en", "ar"] {
        desk.open_queue(&browser, lang).await;
        browser.press("jjjj").await;
        assert_last_item_uncovered(&browser, lang).await;
        browser
            .screenshot(&format!("moderation-phone-end-{lang}"))
            .await;
    }
    // With a decision's toast showing: a approves the last item, and the
    // one before, now last, takes the focus.
    browser.press("jjjja").await;
    browser.wait_for(".mod-toast.shown").await;
    assert_last_item_uncovered(&browser, "with the toast").await;
    browser.screenshot("moderation-phone-end-toast").await;
    // And on a desktop.
    browser.resize(1280, 800).await;
    browser.press("jjja").await;
    browser.wait_for(".mod-toast.shown").await;
    assert_last_item_uncovered(&browser, "on a desktop, with the toast").await;
    browser.screenshot("moderation-desktop-end-toast").await;
    browser.quit().await;
    desk.server.stop().await.unwrap();
}

on_both_backends!(nothing_fixed_covers_the_queue_on_a_phone);

/// Clears 200 held comments by keyboard alone (a, and r for every third)
/// and prints the pace; the test asserts only the outcome.
async fn a_moderator_clears_two_hundred_comments_by_keyboard(db: &TestDatabase) {
    const COMMENTS: usize = 200;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let desk = Desk::open(db).await;
    let mut readers = Vec::new();
    for name in ["salma", "omar", "hala", "karim"] {
        readers.push(
            desk.token(name, khabar_core::Role::Reader, &["read", "comment"])
                .await,
        );
    }
    for n in 0..COMMENTS {
        let body = format!("Comment number {n} on the water-sharing story");
        desk.held(&readers[n % readers.len()], &body).await;
    }
    let moderator = desk.moderator_in(&browser, "speed_desk").await;
    let (_, before) = desk.queue(&moderator, "pending").await;
    assert_eq!(before["pending"], COMMENTS);
    desk.open_queue(&browser, "en").await;
    assert_eq!(
        browser
            .eval(QUEUE_IDS, json!([]))
            .await
            .as_array()
            .unwrap()
            .len(),
        COMMENTS
    );

    let gone = "return !document.getElementById('item-' + arguments[0]);";
    let started = std::time::Instant::now();
    let mut steps = Vec::with_capacity(COMMENTS);
    for n in 0..COMMENTS {
        let id = browser.eval(CURRENT_ID, json!([])).await;
        let step = std::time::Instant::now();
        browser.press(if n % 3 == 0 { "r" } else { "a" }).await;
        while browser.eval(gone, json!([id])).await != json!(true) {
            assert!(step.elapsed().as_secs() < 10, "item {id} did not leave");
        }
        steps.push(step.elapsed());
    }
    // Done once the server has answered every decision.
    browser.wait_for(".mod-empty").await;
    let total = started.elapsed();
    steps.sort();
    println!(
        "cleared {COMMENTS} comments by keyboard in {:.1} s: {:.0} decisions per minute; \
         key to the item leaving: median {} ms, slowest {} ms",
        total.as_secs_f64(),
        COMMENTS as f64 * 60.0 / total.as_secs_f64(),
        steps[COMMENTS / 2].as_millis(),
        steps[COMMENTS - 1].as_millis()
    );

    let rejected = COMMENTS.div_ceil(3);
    let (waiting, counts) = desk.queue(&moderator, "pending").await;
    assert!(waiting.is_empty(), "{waiting:?}");
    assert_eq!(counts["pending"], 0, "{counts}");
    assert_eq!(counts["rejected"], rejected, "{counts}");
    assert_eq!(
        counts["approved"].as_u64().unwrap() - before["approved"].as_u64().unwrap(),
        (COMMENTS - rejected) as u64,
        "{counts}"
    );
    // The tabs' counts follow the server's.
    let badges = "['pending', 'approved', 'rejected'].map(q => \
         document.querySelector(`[data-queue-tab=${q}] .mod-count`).dataset.count).join()";
    browser
        .wait_for_true(&format!(
            "{badges} === {}",
            json!(format!("0,{},{}", counts["approved"], counts["rejected"]))
        ))
        .await;
    browser.quit().await;
    desk.server.stop().await.unwrap();
}

on_both_backends!(a_moderator_clears_two_hundred_comments_by_keyboard);

/// The queue's pending, approved and rejected counts as its tabs show them.
const BADGES: &str = "['pending', 'approved', 'rejected'].map(q => \
     document.querySelector(`[data-queue-tab=${q}] .mod-count`).dataset.count).join()";

async fn the_queue_follows_other_moderators_live(db: &TestDatabase) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let desk = Desk::open(db).await;
    let salma = desk
        .token("salma", khabar_core::Role::Reader, &["read", "comment"])
        .await;
    let mut ids = Vec::new();
    for body in ["One on the dam", "Two on the river", "Three on the deal"] {
        ids.push(desk.held(&salma, body).await);
    }
    let mine = desk.moderator_in(&browser, "live_desk").await;
    let other = desk
        .token(
            "other_desk",
            khabar_core::Role::Moderator,
            &["read", "moderate"],
        )
        .await;
    desk.open_queue(&browser, "en").await;
    browser.wait_for(".mod[data-listening]").await;
    let (_, counts) = desk.queue(&mine, "pending").await;
    let approved = counts["approved"].clone();

    // Another moderator rejects the second: it leaves here, counts follow.
    let decided = common::call(
        &desk.server,
        "POST",
        &format!("/moderation/comments/{}", ids[1]),
        Some(json!({ "action": "reject" })),
        &[("Authorization", &other)],
    )
    .await;
    assert_eq!(decided.status, 200, "{}", decided.body);
    browser
        .wait_for_true(&format!(
            "!document.getElementById('item-{}') && {BADGES} === '2,{approved},1'",
            ids[1]
        ))
        .await;

    // Their undo brings it back: announced, and '.' loads it.
    let undone = common::call(
        &desk.server,
        "POST",
        "/moderation/undo",
        Some(json!({ "decisions": [decided.body["decision_id"]] })),
        &[("Authorization", &other)],
    )
    .await;
    assert_eq!(undone.status, 200, "{}", undone.body);
    browser
        .wait_for_true(&format!(
            "!document.querySelector('.mod-fresh').hidden && {BADGES} === '3,{approved},0'"
        ))
        .await;
    browser.press(".").await;
    browser
        .wait_for_true(&format!(
            "document.querySelectorAll('.mod-item').length === {}",
            ids.len()
        ))
        .await;
    assert_eq!(browser.eval(QUEUE_IDS, json!([])).await, json!(ids));

    // An undo the server refuses says why in the toast: this rejection
    // was already undone elsewhere (through the API).
    browser.press("r").await;
    browser
        .wait_for(".mod-toast.shown .mod-undo:not([hidden])")
        .await;
    let log = common::call(
        &desk.server,
        "GET",
        "/moderation/log",
        None,
        &[("Authorization", &mine)],
    )
    .await;
    let decision = log.body["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["comment_id"] == ids[0] && e["action"] == "reject")
        .expect("the rejection in the log")["id"]
        .clone();
    let undone = common::call(
        &desk.server,
        "POST",
        "/moderation/undo",
        Some(json!({ "decisions": [decision] })),
        &[("Authorization", &mine)],
    )
    .await;
    assert_eq!(undone.status, 200, "{}", undone.body);
    browser.press("z").await;
    browser
        .wait_for_true(
            "document.querySelector('.mod-toast-text').textContent === 'That decision was already undone.'",
        )
        .await;
    browser.quit().await;
    desk.server.stop().await.unwrap();
}

on_both_backends!(the_queue_follows_other_moderators_live);

/// The pages looked at in both languages and at both widths: a name for
/// the screenshots and a path under `/{lang}` (`{story}` stands for the
/// language's lead story). Add a page here to have it checked too.
const LOOKED_AT: &[(&str, &str)] = &[
    ("home", "/"),
    ("article", "{story}"),
    ("search", "/search?q=%D9%85%D8%B1%D8%B3%D9%89"),
    ("not-found", "/no-such-page"),
    ("sign-up", "/signup"),
];

/// `[innerWidth, scrollWidth, the header's height]`.
const LAYOUT: &str = "return [window.innerWidth, document.documentElement.scrollWidth, \
     document.querySelector('header.masthead').getBoundingClientRect().height];";

/// Each page of `LOOKED_AT`, in Arabic and English, at 1280 and 390 px:
/// a screenshot under `target/screenshots/` for people to look at; on a
/// phone nothing scrolls sideways and the header stays compact; no page
/// logs an error (a missing icon was one).
async fn every_page_fits_both_widths_in_both_languages(db: &TestDatabase) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = spawn_app(db, true).await;
    let base = server.base_url().to_owned();
    let stories = story_pages(&server).await;
    let mut problems = Vec::new();
    for lang in ["ar", "en"] {
        let story = stories
            .iter()
            .map(|(_, path)| path)
            .find(|path| path.starts_with(&format!("/{lang}/")))
            .expect("a demo story in each language")
            .clone();
        for (name, path) in LOOKED_AT {
            let url = match *path {
                "{story}" => format!("{base}{story}"),
                path => format!("{base}/{lang}{path}"),
            };
            for width in [1280, 390] {
                browser.resize(width, 900).await;
                browser.goto(&url).await;
                browser
                    .wait_for_true("document.fonts.status === 'loaded'")
                    .await;
                browser
                    .screenshot_in("screenshots", &format!("{lang}-{name}-{width}"))
                    .await;
                let layout = browser.eval(LAYOUT, json!([])).await;
                let [inner, scroll, header] =
                    [0, 1, 2].map(|i| layout[i].as_f64().unwrap_or(f64::MAX));
                assert_eq!(inner, f64::from(width), "the window's inner width");
                if scroll > inner {
                    problems.push(format!(
                        "{lang} {name} at {width}px scrolls sideways: {scroll} > {inner}"
                    ));
                }
                if width == 390 && header > 64.0 {
                    problems.push(format!(
                        "{lang} {name} at 390px: the header is {header}px tall"
                    ));
                }
                // The 404 itself is one: Chromium logs every answer
                // that is not a success, the page's own included.
                let own = format!("{url} - ");
                let errors = browser.console_errors().await;
                for error in errors.into_iter().filter(|e| !e.starts_with(&own)) {
                    problems.push(format!("{lang} {name} at {width}px logged: {error}"));
                }
            }
        }
    }
    // On a phone the sections fold into the menu, which opens over the
    // page with every section in reach.
    browser.resize(390, 900).await;
    for lang in ["ar", "en"] {
        browser.goto(&format!("{base}/{lang}/")).await;
        browser.click(".nav-menu summary").await;
        browser
            .wait_for_true("document.querySelector('.nav-menu').open")
            .await;
        browser
            .screenshot_in("screenshots", &format!("{lang}-menu-390"))
            .await;
        let reach = "const links = [...document.querySelectorAll('.nav-menu-panel a')]; \
            return [links.filter(a => a.href.includes('/section/') && a.getBoundingClientRect().height > 0).length, \
            document.querySelectorAll('.section-nav a[href*=\"/section/\"]').length, \
            document.documentElement.scrollWidth <= window.innerWidth];";
        let seen = browser.eval(reach, json!([])).await;
        assert!(
            seen[0].as_i64().unwrap_or(0) > 0,
            "{lang}: the menu shows sections"
        );
        assert_eq!(seen[0], seen[1], "{lang}: the menu holds every section");
        assert_eq!(seen[2], Value::Bool(true), "{lang}: the open menu fits");
    }
    browser.quit().await;
    server.stop().await.unwrap();
    assert!(problems.is_empty(), "{problems:#?}");
}

on_both_backends!(every_page_fits_both_widths_in_both_languages);

/// axe-core's script, installed by `.ci/run` (`npm ci` in tools/browser),
/// or `None` with a notice when it is missing outside CI.
fn axe_core() -> Option<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tools/browser/node_modules/axe-core/axe.min.js");
    match std::fs::read_to_string(&path) {
        Ok(script) => Some(script),
        Err(error) => {
            khabar_testkit::missing(
                "axe-core checks",
                &format!(
                    "{} cannot be read ({error}); run `npm ci` in tools/browser",
                    path.display()
                ),
            );
            None
        }
    }
}

/// axe-core's violations on the page (its default rules: WCAG 2.x A and
/// AA and best practices), each as a line that says which rule, how
/// bad, where and where to read about it. Frames are left out: the
/// editor's preview is a sandboxed frame axe cannot talk to (it would
/// wait a minute for it), and what it shows is the article, checked as
/// a page of its own.
const AXE_RUN: &str = "return axe.run(document, { iframes: false }).then(r => r.violations.map(v => \
     `${v.id} (${v.impact}): ${v.help}; at ${v.nodes.map(n => n.target.join(' ')).join(' | ')}; ${v.helpUrl}`));";

/// Loads `url` in `browser`, runs axe-core there and adds what it finds
/// to `problems`.
async fn audit(browser: &Browser, axe: &str, url: &str, problems: &mut Vec<String>) {
    browser.goto(url).await;
    browser.eval(axe, json!([])).await;
    let found = browser.eval(AXE_RUN, json!([])).await;
    let Some(violations) = found.as_array() else {
        panic!("axe-core gave no list of violations on {url}: {found}");
    };
    for violation in violations {
        problems.push(format!("{url}: {}", violation.as_str().unwrap_or_default()));
    }
}

/// axe-core finds nothing on the reader's pages, the error pages, the
/// newsroom's screens and the moderation queue, in both languages.
async fn axe_finds_no_violations(db: &TestDatabase) {
    let Some(axe) = axe_core() else {
        return;
    };
    let Some(browser) = Browser::start().await else {
        return;
    };
    let desk = Desk::open(db).await;
    let base = desk.server.base_url().to_owned();
    let stories = story_pages(&desk.server).await;
    // The queue holds a comment in each language.
    let commenter = desk
        .token(
            "axe_reader",
            khabar_core::Role::Reader,
            &["read", "comment"],
        )
        .await;
    desk.held(
        &commenter,
        "The ferry timetable was posted at the harbour office.",
    )
    .await;
    desk.held(&commenter, "جدول العبارات معلّق عند مكتب الميناء.")
        .await;

    let mut problems = Vec::new();
    let langs = ["ar", "en"];
    for lang in langs {
        let story = stories
            .iter()
            .map(|(_, path)| path)
            .find(|path| path.starts_with(&format!("/{lang}/")))
            .expect("a demo story in each language");
        let found = if lang == "ar" {
            "%D9%85%D8%B1%D8%B3%D9%89"
        } else {
            "harbour"
        };
        for path in [
            format!("/{lang}/"),
            story.clone(),
            format!("/{lang}/search?q={found}"),
            format!("/{lang}/search?q=zqxjvw"),
            format!("/{lang}/signup"),
            format!("/{lang}/signin"),
            format!("/{lang}/about"),
            format!("/{lang}/no-such-page"),
        ] {
            audit(&browser, &axe, &format!("{base}{path}"), &mut problems).await;
        }
    }
    // A reader asking for the newsroom: 403.
    desk.signed_in_as(
        &browser,
        "axe_visitor",
        khabar_core::Role::Reader,
        &["read"],
    )
    .await;
    for lang in langs {
        audit(
            &browser,
            &axe,
            &format!("{base}/{lang}/admin"),
            &mut problems,
        )
        .await;
    }
    desk.signed_in_as(&browser, "axe_chief", khabar_core::Role::Admin, &["read"])
        .await;
    for lang in langs {
        for path in [
            "/admin".to_owned(),
            "/admin/stories".to_owned(),
            format!("/admin/stories/{}", desk.story),
            "/admin/front".to_owned(),
            "/admin/people".to_owned(),
            "/admin/pages".to_owned(),
            "/admin/settings".to_owned(),
            "/admin/webhooks".to_owned(),
            "/moderate".to_owned(),
        ] {
            audit(
                &browser,
                &axe,
                &format!("{base}/{lang}{path}"),
                &mut problems,
            )
            .await;
        }
    }
    browser.quit().await;
    desk.server.stop().await.unwrap();
    assert!(
        problems.is_empty(),
        "axe-core found {} violations:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

on_both_backends!(axe_finds_no_violations);
