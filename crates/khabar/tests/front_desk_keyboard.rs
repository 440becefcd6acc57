//! The front page desk from the keyboard, in a real browser (issue 21):
//! an up or down button moves the story at once, the focus stays on the
//! moved story, a live region says its new place in the page's language,
//! and Save keeps the order shown.

mod common;

use khabar_core::{Lang, Role};
use khabar_testkit::browser::Browser;
use khabar_testkit::{TestDatabase, on_both_backends};
use serde_json::{Value, json};

const PASSWORD: &str = "front pages at dawn";
const ENTER: &str = "\u{E007}";

/// The focused button's value, its story's headline, and the live region.
const FOCUS: &str = "const a = document.activeElement; \
    return [a.value || '', (a.closest('li') && a.closest('li').querySelector('.front-pick-headline').textContent) || '', \
    document.querySelector('[data-front-announce]').textContent];";

async fn the_front_desk_reorders_from_the_keyboard(db: &TestDatabase) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = common::spawn_app(db, true).await;
    let base = server.base_url().to_owned();
    common::account(&server, "chief", Role::Editor, PASSWORD).await;
    browser.goto(&format!("{base}/en/signin")).await;
    browser.type_into("input[name=login]", "chief").await;
    browser
        .type_into("input[name=password]", &format!("{PASSWORD}{ENTER}"))
        .await;
    browser.wait_for_url("/en/admin").await;

    for (lang, first_place, second_place) in [
        (
            "en",
            "is now number \u{2068}1\u{2069} of",
            "is now number \u{2068}2\u{2069} of",
        ),
        (
            "ar",
            "الآن في المرتبة \u{2068}1\u{2069} من",
            "الآن في المرتبة \u{2068}2\u{2069} من",
        ),
    ] {
        browser
            .goto(&format!("{base}/{lang}/admin/front?edition=en"))
            .await;
        browser
            .wait_for("[data-front-picks] .front-pick + .front-pick")
            .await;
        let second = browser
            .eval(
                "const b = document.querySelector('button[value=up-1]'); b.focus(); \
                 return b.closest('li').querySelector('.front-pick-headline').textContent;",
                json!([]),
            )
            .await;
        // Up: the story leads; its "up" is now disabled, so "down" of the
        // same row has the focus.
        browser.press(ENTER).await;
        let state = browser.eval(FOCUS, json!([])).await;
        assert_eq!(state[0], "down-0", "{lang}: {state}");
        assert_eq!(state[1], second, "{lang}: the moved story keeps the focus");
        let said = state[2].as_str().unwrap_or_default();
        assert!(said.contains(first_place), "{lang}: {said}");
        assert!(said.contains(second.as_str().unwrap()), "{lang}: {said}");
        // Down again: back in second place, the focus still on it.
        browser.press(ENTER).await;
        let state = browser.eval(FOCUS, json!([])).await;
        assert_eq!(state[0], "down-1", "{lang}: {state}");
        assert_eq!(state[1], second);
        assert!(state[2].as_str().unwrap_or_default().contains(second_place));
        assert!(browser.console_errors().await.is_empty(), "{lang}");
    }

    // Moved up once more and saved: the order shown is the order kept.
    let second = browser
        .eval(
            "const b = document.querySelector('button[value=up-1]'); b.focus(); \
             return Number(b.closest('li').querySelector('input[name=pick]').value);",
            json!([]),
        )
        .await;
    browser.press(ENTER).await;
    browser.click("button[value=save]").await;
    browser.wait_for_url("&saved").await;
    let plan = server.store().front_plan(Lang::EN).await.unwrap();
    assert_eq!(Value::from(plan.picks[0].edition_id), second);
    browser.quit().await;
    server.stop().await.unwrap();
}

on_both_backends!(the_front_desk_reorders_from_the_keyboard);
