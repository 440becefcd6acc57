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
    browser.wait_for_url("/ar/account").await;
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
    browser.wait_for_url("/ar/account").await;
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
    let mut sam = common::Agent::new(&server);
    sam.submit(
        "/en/signup",
        "/en/signup",
        &[
            ("username", "sam"),
            ("email", "sam@news.example"),
            ("password", "harbour lights at dusk"),
        ],
    )
    .await;
    let reply = sam
        .submit(
            &story_path,
            &format!("{story_path}/comments"),
            &[
                ("body", "@layla I see it differently, but thank you"),
                ("parent", &first_id.to_string()),
            ],
        )
        .await;
    let reply_id = reply
        .location
        .unwrap()
        .rsplit("#comment-")
        .next()
        .unwrap()
        .to_owned();

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
