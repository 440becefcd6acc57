//! The discussion on another site in a real browser (docs/embed.md), on
//! both stores. Host pages are served by a small server here on another
//! site (`blog.test`, mapped to 127.0.0.1 in Chromium), which embeds an
//! Arabic thread and an English one; Chromium blocks third-party cookies
//! (checked: the iframe can keep none); a reader signs in through the
//! popup and comments from the host page, and the comment appears live in
//! a second window; they reply, like, report (a second report is refused
//! in Arabic), edit their comment and delete their reply, see the bell
//! count an answer, load the thread's second page in place, then sign out
//! (the token is revoked); screenshots of both threads at 390 and 1280
//! pixels; a page of a disallowed origin (`evil.test`) gets no frame and
//! cannot read the counts.

mod common;

use common::{account, clear_posting_limits, read_request, reader_token, spawn_app_with};
use khabar_core::{Lang, Role};
use khabar_store::NewEmbedThread;
use khabar_testkit::browser::Browser;
use khabar_testkit::{TestDatabase, on_both_backends};
use serde_json::{Value, json};

const PASSWORD: &str = "harbour lights at dusk";

/// The host site: `/ar.html` (Arabic page, language from `<html lang>`),
/// `/en.html` (English, from `data-lang`), `/counts.html` (reads the
/// counts API), whatever host name it is reached by.
struct HostSite {
    port: u16,
    task: tokio::task::JoinHandle<()>,
}

impl HostSite {
    /// Listens at once (its port goes in khabar's allowed origins); serves
    /// once told khabar's address.
    async fn bind() -> (HostSite, tokio::sync::oneshot::Sender<String>) {
        use tokio::io::AsyncWriteExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (tell, told) = tokio::sync::oneshot::channel::<String>();
        let task = tokio::spawn(async move {
            let khabar = told.await.unwrap_or_default();
            while let Ok((mut socket, _)) = listener.accept().await {
                let khabar = khabar.clone();
                tokio::spawn(async move {
                    let request = read_request(&mut socket).await;
                    let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
                    let (status, body) = match host_page(&path, &khabar, port) {
                        Some(page) => ("200 OK", page),
                        None => ("404 Not Found", "not here".to_owned()),
                    };
                    let answer = format!(
                        "HTTP/1.1 {status}\r\ncontent-type: text/html; charset=utf-8\r\n\
                         content-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = socket.write_all(answer.as_bytes()).await;
                });
            }
        });
        (HostSite { port, task }, tell)
    }
}

/// The thread the Arabic page embeds, on the allowed site, whichever
/// host serves the page.
fn vote_url(port: u16) -> String {
    format!("http://blog.test:{port}/2026/municipal-vote")
}

fn host_page(path: &str, khabar: &str, port: u16) -> Option<String> {
    // The host page notes when the iframe has loaded, whatever it holds
    // (a frame the browser refused loads an error page).
    let script = format!(
        "<script>new MutationObserver(function () {{\
         var f = document.querySelector('#khabar-thread iframe');\
         if (f && !f.hasAttribute('data-watched')) {{ f.setAttribute('data-watched', '');\
         f.addEventListener('load', function () {{ document.body.setAttribute('data-frame-loaded', ''); }}); }}\
         }}).observe(document.getElementById('khabar-thread'), {{ childList: true }});</script>\
         <script src=\"{khabar}/embed.js\" async></script>"
    );
    Some(match path {
        "/ar.html" => format!(
            "<!doctype html><html lang=\"ar\" dir=\"rtl\"><head><meta charset=\"utf-8\">\
             <title>مدونة الحي</title></head><body><h1>التصويت في البلدية</h1>\
             <div id=\"khabar-thread\" data-url=\"{}\" data-title=\"التصويت في البلدية\"></div>\
             {script}</body></html>",
            vote_url(port)
        ),
        "/en.html" => format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <title>Neighbourhood blog</title></head><body><h1>The bridge reopens</h1>\
             <div id=\"khabar-thread\" data-url=\"http://blog.test:{port}/2026/bridge\" \
             data-title=\"The bridge reopens\" data-lang=\"en\"></div>{script}</body></html>"
        ),
        "/counts.html" => format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Index</title>\
             </head><body><script>\
             fetch({api:?} + encodeURIComponent({url:?}))\
             .then(function (a) {{ return a.json(); }})\
             .then(function (b) {{ document.body.setAttribute('data-counts', JSON.stringify(b)); }},\
             function () {{ document.body.setAttribute('data-counts', 'refused'); }});\
             </script></body></html>",
            api = format!("{khabar}/api/v1/embed/counts?url="),
            url = vote_url(port),
        ),
        _ => return None,
    })
}

/// Waits (up to 3 s) until the live stream has re-rendered the comment
/// `selector`, marked `data-probe` before an action.
async fn replaced(browser: &Browser, selector: &str) {
    let check = format!("return !document.querySelector('{selector}').hasAttribute('data-probe');");
    for _ in 0..30 {
        if browser.eval(&check, json!([])).await == json!(true) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Waits until the window's iframe has been sized by its content.
const FRAME_SIZED: &str = "document.querySelector('#khabar-thread iframe') !== null && \
     /px$/.test(document.querySelector('#khabar-thread iframe').style.blockSize)";

/// Inside a frame: `[lang, dir, whether a cookie set here is kept]`.
const FRAME_FACTS: &str = "document.cookie = 'khabar_probe=1; path=/'; \
     return [document.documentElement.lang, document.documentElement.dir, \
     document.cookie.indexOf('khabar_probe=1') >= 0];";

async fn a_host_page_embeds_threads_and_a_reader_comments_through_the_popup(db: &TestDatabase) {
    // Two names for 127.0.0.1 that are other sites than khabar's.
    let resolve = "--host-resolver-rules=MAP blog.test 127.0.0.1, MAP evil.test 127.0.0.1";
    let block_third_party = json!({
        "profile.cookie_controls_mode": 1,
        "profile.block_third_party_cookies": true,
    });
    let Some(browser) = Browser::start_with(&[resolve], block_third_party).await else {
        return;
    };
    let (host, tell) = HostSite::bind().await;
    let port = host.port;
    let server = spawn_app_with(db, false, |config| {
        config.embed.allowed_origins = vec![format!("http://blog.test:{port}")];
    })
    .await;
    tell.send(server.base_url().to_owned()).unwrap();
    account(&server, "salma", Role::Reader, PASSWORD).await;

    // The Arabic page's thread already holds 21 comments of another
    // reader's: a page of 20, and a link to more.
    let thread = server
        .store()
        .open_embed_thread(NewEmbedThread {
            url_key: &vote_url(port),
            url: &vote_url(port),
            title: "التصويت في البلدية",
            origin: &format!("http://blog.test:{port}"),
            lang: Lang::AR,
        })
        .await
        .unwrap();
    let rami = reader_token(server.store(), server.base_url(), "rami", PASSWORD).await;
    let mut ramis = Vec::new();
    for n in 0..21 {
        if n % 3 == 0 {
            clear_posting_limits(&server, "rami").await;
        }
        let posted = common::call(
            &server,
            "POST",
            &format!("/editions/{}/comments", thread.edition_id),
            Some(json!({"body": format!("رأي رامي رقم {n} في التصويت")})),
            &[("Authorization", &rami)],
        )
        .await;
        assert_eq!(posted.status, 201, "{}", posted.body);
        ramis.push(posted.body["id"].as_i64().unwrap());
    }

    // The Arabic page: its thread in Arabic, right to left, sized to fit.
    let blog = format!("http://blog.test:{}", host.port);
    browser.goto(&format!("{blog}/ar.html")).await;
    browser.wait_for_true(FRAME_SIZED).await;
    let main = browser.window().await;
    browser.enter_frame("#khabar-thread iframe").await;
    browser.wait_for("[data-sign-in]").await;
    let facts = browser.eval(FRAME_FACTS, json!([])).await;
    assert_eq!(
        facts,
        json!(["ar", "rtl", false]),
        "third-party cookies must be blocked"
    );
    assert_eq!(
        browser
            .eval(
                "return [document.querySelectorAll('.comment-list > li').length, \
                 document.querySelector('a[data-more]') !== null];",
                json!([])
            )
            .await,
        json!([20, true])
    );

    // A second window on the same page, to see the comment arrive.
    let second = browser.new_window().await;
    browser.goto(&format!("{blog}/ar.html")).await;
    browser.wait_for_true(FRAME_SIZED).await;
    browser.enter_frame("#khabar-thread iframe").await;
    browser
        .wait_for_true("document.querySelector('[data-live]').hasAttribute('data-seen')")
        .await;
    browser.switch_to(&main).await;
    browser.enter_frame("#khabar-thread iframe").await;

    // Sign in through the popup: a first-party window of khabar's.
    let before = browser.windows().await;
    browser.click("button[data-sign-in]").await;
    let mut popup = None;
    for _ in 0..100 {
        popup = browser
            .windows()
            .await
            .into_iter()
            .find(|w| !before.contains(w));
        if popup.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let popup = popup.expect("the sign-in popup opens");
    browser.switch_to(&popup).await;
    browser.wait_for("#login").await;
    // First party: cookies work here.
    assert_eq!(browser.eval(FRAME_FACTS, json!([])).await[2], json!(true));
    browser.type_into("#login", "salma").await;
    browser.type_into("#password", PASSWORD).await;
    browser.click("form button[type=submit]").await;
    // The popup hands over the token and closes itself.
    for _ in 0..100 {
        if !browser.windows().await.contains(&popup) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        !browser.windows().await.contains(&popup),
        "the popup closes"
    );

    // Back in the host page's iframe: signed in, comment.
    browser.switch_to(&main).await;
    browser.enter_frame("#khabar-thread iframe").await;
    browser
        .wait_for_true("!document.querySelector('form[data-signed-in]').hidden")
        .await;
    let reader = browser
        .eval(
            "return document.querySelector('[data-reader]').textContent;",
            json!([]),
        )
        .await;
    assert_eq!(reader, json!("salma"));
    let words = "صوّتُ صباحًا، والطابور كان طويلًا.";
    browser.type_into("#new-comment", words).await;
    browser
        .click("form[data-signed-in] button[type=submit]")
        .await;
    let shown = format!(
        "Array.from(document.querySelectorAll('.comment-body')).some(function (b) {{ return b.textContent.indexOf({}) >= 0; }})",
        json!(words)
    );
    browser.wait_for_true(&shown).await;

    // It arrived live in the second window, without a reload.
    browser.switch_to(&second).await;
    browser.enter_frame("#khabar-thread iframe").await;
    browser.wait_for_true(&shown).await;
    browser.leave_frame().await;

    // A reply from the first, placed under the comment it answers.
    browser.switch_to(&main).await;
    browser.enter_frame("#khabar-thread iframe").await;
    browser.click("article.comment button[data-reply]").await;
    browser
        .wait_for_true("!document.querySelector('[data-replying]').hidden")
        .await;
    let reply = "Same here, an hour in the queue.";
    browser.type_into("#new-comment", reply).await;
    browser
        .click("form[data-signed-in] button[type=submit]")
        .await;
    browser
        .wait_for_true(&format!(
            "Array.from(document.querySelectorAll('.comment-replies .comment-body')).some(function (b) {{ return b.textContent.indexOf({}) >= 0; }})",
            json!(reply)
        ))
        .await;

    // A like, shown pressed; the count arrives live.
    let rami_first = format!("#comment-{}", ramis[0]);
    browser
        .click(&format!("{rami_first} button[data-like]"))
        .await;
    browser
        .wait_for_true(&format!(
            "document.querySelector('{rami_first} button[data-like]').getAttribute('aria-pressed') === 'true' \
             && document.querySelector('{rami_first} .likes') !== null"
        ))
        .await;

    // A report, with a reason; reporting again is refused in Arabic (the
    // API's code, the site's words).
    let rami_second = format!("#comment-{}", ramis[1]);
    let marked = format!("document.querySelector('{rami_second}').setAttribute('data-probe', '');");
    browser.eval(&marked, json!([])).await;
    for attempt in 0..2 {
        if attempt == 1 {
            // The report re-renders the comment live: act on its new self.
            replaced(&browser, &rami_second).await;
        }
        browser
            .click(&format!("{rami_second} button[data-report]"))
            .await;
        browser
            .wait_for(&format!("{rami_second} form.embed-report"))
            .await;
        browser
            .eval(
                &format!(
                    "document.querySelector('{rami_second} form.embed-report select').value = 'spam';"
                ),
                json!([]),
            )
            .await;
        browser
            .click(&format!(
                "{rami_second} form.embed-report button[type=submit]"
            ))
            .await;
        browser
            .wait_for_true(&format!(
                "document.querySelector('{rami_second} form.embed-report') === null \
                 || !document.querySelector('{rami_second} form.embed-report [data-error]').hidden"
            ))
            .await;
    }
    let refusal = browser
        .eval(
            &format!(
                "return document.querySelector('{rami_second} form.embed-report [data-error]').textContent;"
            ),
            json!([]),
        )
        .await;
    assert_eq!(refusal, json!("أبلغت عن هذا التعليق من قبل. شكرًا لك."));
    browser
        .click(&format!("{rami_second} form.embed-report [data-cancel]"))
        .await;

    // The reader's own comment: edited in place (its words as written),
    // no Report on it, and no Edit on others'.
    let mine = browser
        .eval(
            "var c = Array.from(document.querySelectorAll('article.comment[data-author=salma]')) \
             .find(function (c) { return c.closest('.comment-replies') === null; }); return c.id;",
            json!([]),
        )
        .await;
    let mine = format!("#{}", mine.as_str().unwrap());
    assert_eq!(
        browser
            .eval(
                &format!(
                    "return [!document.querySelector('{mine} button[data-report]').hidden, \
                     !document.querySelector('{rami_first} button[data-edit]').hidden];"
                ),
                json!([])
            )
            .await,
        json!([false, false])
    );
    browser.click(&format!("{mine} button[data-edit]")).await;
    browser.wait_for(&format!("{mine} form.embed-edit")).await;
    assert_eq!(
        browser
            .eval(
                &format!("return document.querySelector('{mine} form.embed-edit textarea').value;"),
                json!([])
            )
            .await,
        json!(words)
    );
    let corrected = "صوّتُ ظهرًا، والطابور كان قصيرًا.";
    browser
        .eval(
            &format!(
                "document.querySelector('{mine} form.embed-edit textarea').value = {};",
                json!(corrected)
            ),
            json!([]),
        )
        .await;
    browser
        .click(&format!("{mine} form.embed-edit button[type=submit]"))
        .await;
    browser
        .wait_for_true(&format!(
            "document.querySelector('{mine} .comment-body').textContent.indexOf({}) >= 0",
            json!(corrected)
        ))
        .await;

    // The reply is deleted: its placeholder arrives live.
    let reply_id = browser
        .eval(
            "return document.querySelector('.comment-replies article.comment[data-author=salma]').id;",
            json!([]),
        )
        .await;
    let reply_id = format!("#{}", reply_id.as_str().unwrap());
    browser
        .click(&format!("{reply_id} button[data-delete]"))
        .await;
    browser
        .wait_for(&format!("{reply_id} .comment-deleted"))
        .await;

    // Someone answers the reader: the bell counts it, and leads to the
    // notifications page on this site.
    let mine_id: i64 = mine.trim_start_matches("#comment-").parse().unwrap();
    clear_posting_limits(&server, "rami").await;
    let answered = common::call(
        &server,
        "POST",
        &format!("/editions/{}/comments", thread.edition_id),
        Some(json!({"body": "وأنا صوّتُ مساءً", "parent_id": mine_id})),
        &[("Authorization", &rami)],
    )
    .await;
    assert_eq!(answered.status, 201, "{}", answered.body);
    browser
        .wait_for_true("document.querySelector('[data-bell]').classList.contains('unread')")
        .await;
    let bell = browser
        .eval(
            "var b = document.querySelector('[data-bell]'); return [b.textContent, b.getAttribute('href')];",
            json!([]),
        )
        .await;
    assert_eq!(bell, json!(["الإشعارات (1)", "/ar/notifications"]));

    // More comments: the second page, in place; the reader's comment that
    // arrived live is on it and is not shown twice.
    browser.click("a[data-more]").await;
    browser
        .wait_for_true("document.querySelector('a[data-more]') === null")
        .await;
    assert_eq!(
        browser
            .eval(
                &format!(
                    "return [document.querySelectorAll('.comment-list > li').length, \
                     document.querySelectorAll('{mine}').length];"
                ),
                json!([])
            )
            .await,
        json!([22, 1])
    );
    for width in [390, 1280] {
        browser.leave_frame().await;
        browser.resize(width, 900).await;
        browser
            .eval(
                "document.querySelector('#khabar-thread').scrollIntoView();",
                json!([]),
            )
            .await;
        browser.screenshot(&format!("embed-ar-{width}")).await;
        browser.enter_frame("#khabar-thread iframe").await;
    }
    browser.leave_frame().await;

    // Signing out in the first forgets the token and revokes it.
    browser.switch_to(&main).await;
    browser.enter_frame("#khabar-thread iframe").await;
    let token = browser
        .eval(
            "return JSON.parse(sessionStorage.getItem('khabar-embed-token') || 'null');",
            json!([]),
        )
        .await;
    browser.click("button[data-sign-out]").await;
    browser
        .wait_for_true("document.querySelector('form[data-signed-in]').hidden")
        .await;
    browser.leave_frame().await;
    let token = token["token"]
        .as_str()
        .expect("the token in the tab's sessionStorage");
    let bearer = format!("Bearer {token}");
    let mut refused = 0;
    for _ in 0..100 {
        let reply = common::call(&server, "GET", "/me", None, &[("Authorization", &bearer)]).await;
        refused = reply.status;
        if refused == 401 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(refused, 401, "the token is revoked");

    // The English page: its own thread, in English, left to right.
    browser.goto(&format!("{blog}/en.html")).await;
    browser.wait_for_true(FRAME_SIZED).await;
    browser.enter_frame("#khabar-thread iframe").await;
    browser.wait_for("#comments-heading").await;
    let facts = browser.eval(FRAME_FACTS, json!([])).await;
    assert_eq!(facts, json!(["en", "ltr", false]));
    assert_eq!(
        browser.eval(&format!("return {shown};"), json!([])).await,
        json!(false)
    );
    // Seen signed in, with a comment to act on, at a phone's width and a
    // desktop's.
    let bridge = server
        .store()
        .embed_thread(&format!("http://blog.test:{port}/2026/bridge"))
        .await
        .unwrap()
        .unwrap();
    clear_posting_limits(&server, "rami").await;
    let posted = common::call(
        &server,
        "POST",
        &format!("/editions/{}/comments", bridge.edition_id),
        Some(json!({"body": "The new bridge has a cycle lane at last."})),
        &[("Authorization", &rami)],
    )
    .await;
    assert_eq!(posted.status, 201, "{}", posted.body);
    browser.wait_for("article.comment[data-author=rami]").await;
    let salma = common::call(
        &server,
        "POST",
        "/tokens",
        Some(json!({"login": "salma", "password": PASSWORD, "scopes": ["comment", "read"]})),
        &[],
    )
    .await;
    let stored = json!({
        "token": salma.body["token"],
        "name": "salma",
        "username": "salma",
        "expires": 4_102_444_800_000_i64,
    });
    browser
        .eval(
            "sessionStorage.setItem('khabar-embed-token', arguments[0]);",
            json!([stored.to_string()]),
        )
        .await;
    browser.leave_frame().await;
    // Reloaded, the page is asked for again (the page cache may take a
    // moment to let the old one go): the comment, with buttons for her.
    let acted_on = "return document.querySelector('article.comment[data-author=rami] button[data-report]') !== null;";
    let mut ready = json!(false);
    for _ in 0..20 {
        browser.goto(&format!("{blog}/en.html")).await;
        browser.wait_for_true(FRAME_SIZED).await;
        browser.enter_frame("#khabar-thread iframe").await;
        browser.wait_for("[data-signed-in-bar]").await;
        ready = browser.eval(acted_on, json!([])).await;
        browser.leave_frame().await;
        if ready == json!(true) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert_eq!(ready, json!(true), "the reloaded thread shows the comment");
    for width in [390, 1280] {
        browser.resize(width, 900).await;
        browser
            .eval(
                "document.querySelector('#khabar-thread').scrollIntoView();",
                json!([]),
            )
            .await;
        browser.screenshot(&format!("embed-en-{width}")).await;
    }

    // The allowed site's index page reads the counts across origins: the
    // comment and its reply.
    browser.goto(&format!("{blog}/counts.html")).await;
    browser
        .wait_for_true("document.body.hasAttribute('data-counts')")
        .await;
    let counts: Value = serde_json::from_str(
        browser
            .eval(
                "return document.body.getAttribute('data-counts');",
                json!([]),
            )
            .await
            .as_str()
            .unwrap(),
    )
    .expect("counts as JSON");
    // Rami's 21, the reader's comment and Rami's answer to it (the
    // reader's deleted reply counts no more).
    assert_eq!(counts["counts"][0]["count"], json!(23), "{counts}");

    // Another site gets nothing: no frame, no counts.
    let evil = format!("http://evil.test:{}", host.port);
    browser.goto(&format!("{evil}/counts.html")).await;
    browser
        .wait_for_true("document.body.hasAttribute('data-counts')")
        .await;
    assert_eq!(
        browser
            .eval(
                "return document.body.getAttribute('data-counts');",
                json!([])
            )
            .await,
        json!("refused")
    );
    browser.goto(&format!("{evil}/ar.html")).await;
    browser
        .wait_for_true("document.body.hasAttribute('data-frame-loaded')")
        .await;
    let sized = browser
        .eval(&format!("return {FRAME_SIZED};"), json!([]))
        .await;
    assert_eq!(sized, json!(false));
    browser.enter_frame("#khabar-thread iframe").await;
    let inside = browser
        .eval(
            "return document.querySelector('[data-edition]') === null;",
            json!([]),
        )
        .await;
    assert_eq!(
        inside,
        json!(true),
        "a disallowed origin must not frame the thread"
    );
    browser.leave_frame().await;

    browser.quit().await;
    host.task.abort();
    server.stop().await.unwrap();
}

on_both_backends!(a_host_page_embeds_threads_and_a_reader_comments_through_the_popup);
