//! The discussion under a story, through the real server, on SQLite and on
//! PostgreSQL.

mod common;

use common::{Agent, spawn_app, spawn_app_with};
use khabar_core::{CommentMode, EditionContent, EditionInput, Lang};
use khabar_testkit::{TestDatabase, on_both_backends};

const PASSWORD: &str = "harbour lights at dusk";

async fn reader<'a>(server: &'a khabar::Server, name: &str) -> Agent<'a> {
    let mut agent = Agent::new(server);
    let answer = agent
        .submit(
            "/ar/signup",
            "/ar/signup",
            &[
                ("username", name),
                ("email", &format!("{name}@news.example")),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(answer.status, 303, "sign-up of {name}");
    agent
}

/// The Arabic lead story's path.
async fn story(agent: &mut Agent<'_>) -> String {
    let home = agent.get("/ar/").await.body;
    let start = home.find("href=\"/ar/story/").unwrap() + 6;
    let end = start + home[start..].find(['"', '#']).unwrap();
    home[start..end].to_owned()
}

async fn comment(
    agent: &mut Agent<'_>,
    story: &str,
    body: &str,
    parent: Option<&str>,
) -> common::Answer {
    let mut fields = vec![("body", body)];
    if let Some(parent) = parent {
        fields.push(("parent", parent));
    }
    agent
        .submit(story, &format!("{story}/comments"), &fields)
        .await
}

fn comment_id(answer: &common::Answer) -> String {
    let location = answer
        .location
        .as_deref()
        .expect("a redirect to the comment");
    location.rsplit("#comment-").next().unwrap().to_owned()
}

async fn readers_discuss_in_both_directions(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let mut layla = reader(&server, "layla").await;
    let mut sam = reader(&server, "sam").await;
    let path = story(&mut layla).await;

    let first = comment(
        &mut layla,
        &path,
        "تعليق **أول** <script>alert(1)</script>",
        None,
    )
    .await;
    assert_eq!(first.status, 303);
    let first_id = comment_id(&first);
    let reply = comment(
        &mut sam,
        &path,
        "A reply [link](https://example.org) in English",
        Some(&first_id),
    )
    .await;
    assert_eq!(reply.status, 303);

    let page = Agent::new(&server).get(&path).await.body;
    assert!(
        page.contains("<h2 id=\"comments-heading\">تعليقان</h2>"),
        "the Arabic dual"
    );
    assert!(page.contains(
        r#"<div class="comment-body" dir="rtl" lang="ar"><p dir="auto">تعليق <strong>أول</strong>"#
    ));
    assert!(page.contains(r#"<div class="comment-body" dir="ltr" lang="en">"#));
    assert!(page.contains(r#"rel="nofollow ugc noopener noreferrer""#));
    assert!(
        !page.contains("<script>alert(1)"),
        "raw HTML never comes through"
    );
    assert!(
        page.contains("سجّل الدخول لتشارك في النقاش"),
        "readers without an account are asked to sign in"
    );
    assert!(!page.contains("name=\"body\""), "and get no form");

    // Counts reach the lists.
    let home = Agent::new(&server).get("/ar/").await.body;
    assert!(home.contains("#comments\">تعليقان</a>"));

    // Three more make "few" in Arabic: ٥ تعليقات with Latin digits by default.
    for n in 0..3 {
        comment(&mut layla, &path, &format!("تعليق رقم {n}"), None).await;
    }
    let page = Agent::new(&server).get(&path).await.body;
    // Fluent isolates the number (U+2068 … U+2069) so it keeps its direction.
    assert!(page.contains(">\u{2068}5\u{2069} تعليقات<"), "few form");
    server.stop().await.unwrap();
}

async fn comment_forms_are_protected(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let mut layla = reader(&server, "layla").await;
    let path = story(&mut layla).await;
    let no_token = layla
        .post(&format!("{path}/comments"), &[("body", "forged")])
        .await;
    assert_eq!(no_token.status, 403);
    let mut stranger = Agent::new(&server);
    let anonymous = stranger
        .post(
            &format!("{path}/comments"),
            &[("body", "hi"), ("csrf_token", "x")],
        )
        .await;
    assert_eq!(anonymous.location.as_deref(), Some("/ar/signin"));
    let empty = comment(&mut layla, &path, " \u{202E} ", None).await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("اكتب شيئًا قبل النشر."));
    let page = Agent::new(&server).get(&path).await.body;
    assert!(page.contains("لا تعليقات بعد"), "nothing was posted");
    server.stop().await.unwrap();
}

async fn authors_edit_and_delete_others_cannot(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let mut layla = reader(&server, "layla").await;
    let mut sam = reader(&server, "sam").await;
    let path = story(&mut layla).await;
    let id = comment_id(&comment(&mut layla, &path, "first draft", None).await);
    let reply_id = comment_id(&comment(&mut sam, &path, "a reply", Some(&id)).await);

    let edit = format!("/ar/comments/{id}/edit");
    let by_other = sam.submit(&path, &edit, &[("body", "hijacked")]).await;
    assert_eq!(by_other.status, 422);
    assert!(by_other.body.contains("لا يغيّر التعليقَ إلا كاتبه."));
    let mine = layla
        .submit(&path, &edit, &[("body", "second draft")])
        .await;
    assert_eq!(mine.status, 303);
    let page = Agent::new(&server).get(&path).await.body;
    assert!(page.contains("second draft") && page.contains("معدَّل") && !page.contains("hijacked"));

    let delete = format!("/ar/comments/{id}/delete");
    assert_eq!(sam.submit(&path, &delete, &[]).await.status, 422);
    assert_eq!(layla.submit(&path, &delete, &[]).await.status, 303);
    let page = Agent::new(&server).get(&path).await.body;
    assert!(page.contains("حُذف هذا التعليق.") && !page.contains("second draft"));
    assert!(
        page.contains(&format!("id=\"comment-{reply_id}\"")),
        "the reply keeps its place"
    );
    server.stop().await.unwrap();
}

async fn likes_reports_and_permalinks(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let mut layla = reader(&server, "layla").await;
    let mut sam = reader(&server, "sam").await;
    let path = story(&mut layla).await;
    let mut ids = Vec::new();
    for n in 0..22 {
        ids.push(comment_id(
            &comment(&mut layla, &path, &format!("comment {n}"), None).await,
        ));
        if n % 5 == 4 {
            // Stay under the per-minute posting limits (reader and address).
            for bucket in ["comment-minute:1", "comment-ip:127.0.0.1"] {
                server.store().clear_attempts(bucket).await.unwrap();
            }
        }
    }
    let like = format!("/ar/comments/{}/like", ids[0]);
    sam.submit(&path, &like, &[]).await;
    sam.submit(&path, &like, &[]).await;
    let page = Agent::new(&server)
        .get(&format!("{path}?csort=liked"))
        .await
        .body;
    assert!(
        page.contains("إعجاب واحد"),
        "one like, however often pressed"
    );

    let report = format!("/ar/comments/{}/report", ids[1]);
    let first = sam
        .submit(&path, &report, &[("reason", "abusive"), ("note", "شتائم")])
        .await;
    assert_eq!(first.status, 303);
    let again = sam.submit(&path, &report, &[("reason", "spam")]).await;
    assert_eq!(again.status, 422);
    assert!(again.body.contains("أبلغت عن هذا التعليق من قبل."));
    let bad_reason = sam
        .submit(
            &path,
            &format!("/ar/comments/{}/report", ids[2]),
            &[("reason", "boring")],
        )
        .await;
    assert_eq!(bad_reason.status, 422);

    // The 21st top-level comment is on the second page.
    let permalink = Agent::new(&server)
        .get(&format!("/ar/comment/{}", ids[21]))
        .await;
    let location = permalink.location.expect("a redirect");
    assert!(
        location.ends_with(&format!("?cpage=2#comment-{}", ids[21])),
        "{location}"
    );
    let second = Agent::new(&server)
        .get(location.split('#').next().unwrap())
        .await
        .body;
    assert!(second.contains(&format!("id=\"comment-{}\"", ids[21])));
    assert_eq!(
        Agent::new(&server).get("/ar/comment/999999").await.status,
        404
    );
    server.stop().await.unwrap();
}

async fn closed_and_premoderated_threads(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let mut layla = reader(&server, "layla").await;
    let path = story(&mut layla).await;
    let slug = percent_decode(path.trim_start_matches("/ar/story/"));
    let store = server.store().clone();
    let article = store.article(Lang::AR, &slug).await.unwrap().unwrap();
    let set_mode = |mode: CommentMode| {
        let store = store.clone();
        let slug = slug.clone();
        let body = article.body.clone();
        let headline = article.summary.headline.clone();
        async move {
            let id = store
                .article(Lang::AR, &slug)
                .await
                .unwrap()
                .unwrap()
                .summary
                .id;
            let record = store.edition(id).await.unwrap();
            let content = EditionContent::parse(EditionInput {
                slug: Some(slug.clone()),
                headline,
                body,
                comment_mode: mode,
                ..Default::default()
            })
            .unwrap();
            store
                .update_edition(id, record.revision, &content, &[], None)
                .await
                .unwrap();
        }
    };

    set_mode(CommentMode::PreModerated).await;
    assert_eq!(
        comment(&mut layla, &path, "held for review", None)
            .await
            .status,
        303
    );
    let page = Agent::new(&server).get(&path).await.body;
    assert!(
        !page.contains("held for review") && page.contains("لا تعليقات بعد"),
        "pending comments are not public"
    );

    set_mode(CommentMode::Closed).await;
    let page = layla.get(&path).await.body;
    // Closed: no form posts to the thread (her held comment, shown to her
    // alone, keeps its edit form).
    assert!(
        page.contains("أُغلق التعليق على هذا الخبر.")
            && !page.contains(&format!("{path}/comments\""))
    );
    let refused = comment(&mut layla, &path, "too late", None).await;
    assert_eq!(refused.status, 422);
    server.stop().await.unwrap();
}

async fn threads_close_by_age_when_the_site_says_so(db: &TestDatabase) {
    let server = spawn_app_with(db, true, |config| {
        config.site.comments_close_after_days = Some(0)
    })
    .await;
    let mut layla = reader(&server, "layla").await;
    let path = story(&mut layla).await;
    let page = layla.get(&path).await.body;
    assert!(page.contains("أُغلق التعليق على هذا الخبر."));
    assert_eq!(
        comment(&mut layla, &path, "after closing", None)
            .await
            .status,
        422
    );
    server.stop().await.unwrap();
}

async fn mentions_replies_notifications_and_profiles(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let mut layla = reader(&server, "layla").await;
    let mut sam = reader(&server, "sam").await;
    let path = story(&mut layla).await;
    let first = comment_id(&comment(&mut layla, &path, "رأيي في الخبر", None).await);
    comment(
        &mut sam,
        &path,
        "@layla أوافقك، و@nobody_here لا يوجد",
        Some(&first),
    )
    .await;

    // The existing reader's name is a link to her profile; the other stays text.
    let page = Agent::new(&server).get(&path).await.body;
    assert!(
        page.contains(
            r#"<a href="/ar/user/layla" rel="nofollow ugc noopener noreferrer">@layla</a>"#
        ),
        "linked mention"
    );
    assert!(page.contains("@nobody_here") && !page.contains("/ar/user/nobody_here"));

    // Layla was replied to and mentioned: one notification (the reply).
    let home = layla.get("/ar/").await.body;
    assert!(
        home.contains("الإشعارات (\u{2068}1\u{2069})"),
        "the bell counts one"
    );
    let list = layla.get("/ar/notifications").await.body;
    assert!(list.contains("ردّ \u{2068}sam\u{2069} على تعليقك"), "{list}");
    let token = common::form_token(&list).unwrap();
    layla
        .post("/ar/notifications/read", &[("csrf_token", &token)])
        .await;
    assert!(
        !layla.get("/ar/").await.body.contains("الإشعارات (\u{2068}1"),
        "read"
    );

    // A mention alone notifies too, not the author herself.
    comment(&mut sam, &path, "ping @layla", None).await;
    comment(&mut layla, &path, "أنا @layla أذكر نفسي", None).await;
    let list = layla.get("/ar/notifications").await.body;
    assert!(list.contains("ذكرك \u{2068}sam\u{2069}"));
    assert_eq!(list.matches("class=\"unread\"").count(), 1);

    // Public profile with the comment history.
    let profile = Agent::new(&server).get("/ar/user/sam").await;
    assert_eq!(profile.status, 200);
    assert!(profile.body.contains("ping") && profile.body.contains("أوافقك"));
    assert_eq!(
        Agent::new(&server).get("/ar/user/nobody_here").await.status,
        404
    );
    assert_eq!(Agent::new(&server).get("/ar/user/%00").await.status, 404);
    let anonymous = Agent::new(&server).get("/ar/notifications").await;
    assert_eq!(anonymous.location.as_deref(), Some("/ar/signin"));
    server.stop().await.unwrap();
}

/// Emails queued for `address` once the notifier has run (up to 10 s).
async fn emails_for(
    server: &khabar::Server,
    address: &str,
    at_least: usize,
) -> Vec<(String, String, bool)> {
    for _ in 0..100 {
        let emails = server.store().emails_to(address).await.unwrap();
        if emails.len() >= at_least {
            return emails;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    server.store().emails_to(address).await.unwrap()
}

async fn replies_are_emailed_by_preference_and_unsubscribe_works(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let mut layla = reader(&server, "layla").await;
    let mut sam = reader(&server, "sam").await;
    let path = story(&mut layla).await;
    let verification = server
        .store()
        .emails_to("layla@news.example")
        .await
        .unwrap()
        .len();

    let first = comment_id(&comment(&mut layla, &path, "رأيي", None).await);
    comment(&mut sam, &path, "ردّ على ليلى", Some(&first)).await;
    let emails = emails_for(&server, "layla@news.example", verification + 1).await;
    assert_eq!(emails.len(), verification + 1, "one notification email");
    let (subject, body, _) = &emails[0];
    assert_eq!(subject, "جديد لك في خبر");
    assert!(body.contains("ردّ \u{2068}sam\u{2069} على تعليقك"), "{body}");
    let start = body.find("/ar/unsubscribe/").expect("an unsubscribe link");
    let link = body[start..].split_whitespace().next().unwrap().to_owned();

    let answer = Agent::new(&server).get(&link).await;
    assert_eq!(answer.status, 200);
    assert!(answer.body.contains("لن نرسل بعد اليوم"));
    assert_eq!(
        Agent::new(&server)
            .get("/ar/unsubscribe/not-a-real-key-0000000000000000000")
            .await
            .status,
        404
    );
    comment(&mut sam, &path, "ردّ آخر", Some(&first)).await;
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(
        server
            .store()
            .emails_to("layla@news.example")
            .await
            .unwrap()
            .len(),
        verification + 1,
        "unsubscribed"
    );

    // Sam prefers a daily digest: a reply does not mail him at once.
    let page = sam.get("/ar/account").await.body;
    let token = common::form_token(&page).unwrap();
    let saved = sam
        .post(
            "/ar/account/email-notifications",
            &[("csrf_token", &token), ("email", "daily")],
        )
        .await;
    assert_eq!(saved.status, 303);
    assert!(
        sam.get("/ar/account")
            .await
            .body
            .contains(r#"value="daily" checked"#)
    );
    let before = server
        .store()
        .emails_to("sam@news.example")
        .await
        .unwrap()
        .len();
    let sams = comment_id(&comment(&mut sam, &path, "تعليق سامر", None).await);
    comment(&mut layla, &path, "ردّ على سامر", Some(&sams)).await;
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let after = server
        .store()
        .emails_to("sam@news.example")
        .await
        .unwrap()
        .len();
    assert!(after <= before + 1, "at most the first digest of the day");
    server.stop().await.unwrap();
}

/// Reads a server-sent event stream until `wanted` events have arrived
/// (or 10 s pass); returns (id, data) pairs.
async fn read_events(response: &mut reqwest::Response, wanted: usize) -> Vec<(i64, String)> {
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut events = Vec::new();
    while events.len() < wanted {
        let chunk = tokio::time::timeout_at(deadline, response.chunk()).await;
        let Ok(Ok(Some(bytes))) = chunk else { break };
        text.push_str(&String::from_utf8_lossy(&bytes));
        while let Some(end) = text.find("\n\n") {
            let block: String = text.drain(..end + 2).collect();
            let id = block
                .lines()
                .find_map(|l| l.strip_prefix("id: "))
                .and_then(|v| v.parse().ok());
            let data: String = block
                .lines()
                .filter_map(|l| l.strip_prefix("data: "))
                .collect();
            if let Some(id) = id {
                events.push((id, data));
            }
        }
    }
    events
}

async fn comments_arrive_live_and_reconnects_miss_nothing(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let mut layla = reader(&server, "layla").await;
    let path = story(&mut layla).await;
    let live_url = format!("{}{path}/live", server.base_url());
    let mut stream = common::client().get(&live_url).send().await.unwrap();
    assert_eq!(stream.headers()["content-type"], "text/event-stream");

    let first = comment_id(&comment(&mut layla, &path, "live one", None).await);
    let events = read_events(&mut stream, 1).await;
    assert_eq!(events.len(), 1, "the new comment arrived");
    let (first_seq, data) = &events[0];
    assert!(
        data.contains(&format!("\"comment_id\":{first}")) && data.contains("live one"),
        "{data}"
    );
    drop(stream);

    // While the page is away: a reply and an edit.
    comment(&mut layla, &path, "while away", Some(&first)).await;
    layla
        .submit(
            &path,
            &format!("/ar/comments/{first}/edit"),
            &[("body", "live one, edited")],
        )
        .await;

    let mut resumed = common::client()
        .get(&live_url)
        .header("Last-Event-ID", first_seq.to_string())
        .send()
        .await
        .unwrap();
    let caught_up = read_events(&mut resumed, 2).await;
    assert_eq!(caught_up.len(), 2, "both missed events, {caught_up:?}");
    assert!(
        caught_up[0].0 > *first_seq && caught_up[1].0 > caught_up[0].0,
        "in order, none repeated"
    );
    assert!(caught_up[0].1.contains("while away"));
    assert!(
        caught_up[1].1.contains("comment.edited") && caught_up[1].1.contains("live one, edited")
    );

    // Then the live feed continues on the same connection.
    comment(&mut layla, &path, "after the catch-up", None).await;
    let next = read_events(&mut resumed, 1).await;
    assert_eq!(next.len(), 1);
    assert!(next[0].0 > caught_up[1].0 && next[0].1.contains("after the catch-up"));
    server.stop().await.unwrap();
}

async fn posting_limits_hold(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let mut layla = reader(&server, "layla").await;
    let path = story(&mut layla).await;
    let links = "https://a.example https://b.example https://c.example https://d.example https://e.example https://f.example";
    let answer = comment(&mut layla, &path, links, None).await;
    assert_eq!(answer.status, 422);
    assert!(answer.body.contains("روابط أكثر"));
    assert_eq!(
        comment(&mut layla, &path, "مرة واحدة", None).await.status,
        303
    );
    let twice = comment(&mut layla, &path, "مرة واحدة", None).await;
    assert_eq!(twice.status, 422);
    assert!(twice.body.contains("نشرت هذا التعليق من قبل."));
    // The duplicate counted as an attempt: three more fill the minute.
    for n in 0..3 {
        assert_eq!(
            comment(&mut layla, &path, &format!("تعليق {n}"), None)
                .await
                .status,
            303,
            "{n}"
        );
    }
    let sixth = comment(&mut layla, &path, "السادس في دقيقة", None).await;
    assert_eq!(sixth.status, 429);
    assert!(sixth.retry_after.is_some());
    server.stop().await.unwrap();
}

async fn suspended_readers_cannot_post(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let mut layla = reader(&server, "layla").await;
    let path = story(&mut layla).await;
    let id = server
        .store()
        .user_id_by_key(&khabar_core::Username::parse("layla").unwrap().key())
        .await
        .unwrap()
        .unwrap();
    let until = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(2);
    server.store().suspend(id, Some(until)).await.unwrap();
    let refused = comment(&mut layla, &path, "لن يُنشر", None).await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("حسابك موقوف عن التعليق"));
    assert!(
        !Agent::new(&server)
            .get(&path)
            .await
            .body
            .contains("لن يُنشر"),
        "nothing was posted"
    );
    server.store().suspend(id, None).await.unwrap();
    assert_eq!(comment(&mut layla, &path, "عدت", None).await.status, 303);
    server.stop().await.unwrap();
}

/// Known XSS vectors: each must come out of a real page inert.
const XSS_CORPUS: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<bdo dir=rtl>txet</bdo>",
    "<a href=\"&#106;avascript:alert(1)\">x</a>",
    "[x](&#x6A;avascript:alert(1))",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "\"><script>alert(1)</script>",
    "`<script>` in code is text",
    "<meta http-equiv=refresh content=0;url=javascript:alert(1)>",
];

async fn every_known_xss_vector_comes_out_inert(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let mut layla = reader(&server, "layla").await;
    let path = story(&mut layla).await;
    for (n, vector) in XSS_CORPUS.iter().enumerate() {
        // A counter keeps the posts distinct; the limits are cleared for the corpus.
        let answer = comment(&mut layla, &path, &format!("{vector} #{n}"), None).await;
        assert!(
            answer.status == 303 || answer.status == 422,
            "{vector}: {}",
            answer.status
        );
        for bucket in ["comment-minute:1", "comment-ip:127.0.0.1"] {
            server.store().clear_attempts(bucket).await.unwrap();
        }
    }
    // A bidi override in a comment never reaches the page.
    comment(&mut layla, &path, "abc\u{202E}fed\u{2066}", None).await;
    let mut discussion = String::new();
    for page in 1..=2 {
        let html = Agent::new(&server)
            .get(&format!("{path}?cpage={page}"))
            .await
            .body;
        let start = html.find("id=\"comments\"").unwrap();
        let end = html.find("<footer class=\"site-footer\">").unwrap();
        discussion.push_str(&html[start..end]);
    }
    let discussion = discussion.as_str();
    for tag in discussion
        .split('<')
        .skip(1)
        .filter_map(|t| t.split_once('>').map(|(tag, _)| tag.to_lowercase()))
    {
        let name = tag.split([' ', '/']).next().unwrap_or("");
        assert!(
            ![
                "script", "iframe", "svg", "img", "object", "embed", "style", "meta", "bdo",
                "math", "body", "input"
            ]
            .contains(&name)
                || (name == "script"
                    && tag.starts_with("script src=\"/assets/live.")
                    && tag.ends_with(".js\" defer")),
            "active tag in the thread: <{tag}>"
        );
        assert!(!tag.contains(" on"), "handler: <{tag}>");
        assert!(
            !tag.contains("javascript:") && !tag.contains("vbscript:") && !tag.contains("data:"),
            "URL: <{tag}>"
        );
    }
    assert!(
        !discussion.contains('\u{202E}') && !discussion.contains('\u{2066}'),
        "bidi controls stripped"
    );
    assert!(discussion.contains("abcfed"));
    server.stop().await.unwrap();
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

on_both_backends!(
    readers_discuss_in_both_directions,
    comment_forms_are_protected,
    authors_edit_and_delete_others_cannot,
    likes_reports_and_permalinks,
    closed_and_premoderated_threads,
    threads_close_by_age_when_the_site_says_so,
    comments_arrive_live_and_reconnects_miss_nothing,
    mentions_replies_notifications_and_profiles,
    replies_are_emailed_by_preference_and_unsubscribe_works,
    posting_limits_hold,
    suspended_readers_cannot_post,
    every_known_xss_vector_comes_out_inert,
);
