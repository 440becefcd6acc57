//! The discussion under a story, through the real server, on SQLite and on
//! PostgreSQL.

mod common;

use common::{Agent, clear_posting_limits, spawn_app, spawn_app_with};
use khabar_core::moderation::{CommentAction, UserAction};
use khabar_core::{CommentMode, EditionContent, EditionInput, Lang, Role};
use khabar_testkit::{TestDatabase, on_both_backends};
use serde_json::json;

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
        r#"<div class="comment-body" dir="rtl" lang="ar"><p dir="rtl">تعليق **أول** &lt;script&gt;alert(1)&lt;/script&gt;</p>"#
    ));
    assert!(page.contains(r#"<div class="comment-body" dir="ltr" lang="en">"#));
    assert!(page.contains(r#"rel="nofollow ugc noopener noreferrer""#));
    assert!(
        !page.contains("<script>alert(1)"),
        "raw HTML never comes through"
    );
    assert!(
        page.contains("سجّل الدخول أو أنشئ حسابًا لتشارك في النقاش")
            && page.contains("/ar/signin?next=")
            && page.contains("/ar/signup?next="),
        "readers without an account are asked to sign in or sign up"
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
        .submit(&path, &edit, &[("body", "second draft <with> @ sam")])
        .await;
    assert_eq!(mine.status, 303);
    let page = Agent::new(&server).get(&path).await.body;
    assert!(page.contains("second draft") && page.contains("معدَّل") && !page.contains("hijacked"));
    // An edit follows the same rules: its mention is linked.
    assert!(page.contains(r#"<a class="mention" href="/ar/user/sam"><bdi>@sam</bdi></a>"#));

    // The history shows each text as typed, to the author alone (and the
    // section's moderators).
    let history = format!("/ar/comments/{id}/history");
    let own = layla.get(&history).await;
    assert_eq!(own.status, 200);
    assert!(
        own.body.contains("second draft &lt;with&gt;") && own.body.contains(">first draft</p>"),
        "{}",
        own.body
    );
    assert!(
        layla
            .get(&path)
            .await
            .body
            .contains(&format!("href=\"{history}\"")),
        "the author's 'edited' leads there"
    );
    assert_eq!(sam.get(&history).await.status, 404);
    assert_eq!(Agent::new(&server).get(&history).await.status, 303);

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
            clear_posting_limits(&server, "layla").await;
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

/// Sets how the Arabic edition at `path` takes comments.
async fn set_comment_mode(server: &khabar::Server, path: &str, mode: CommentMode) {
    let slug = percent_decode(path.trim_start_matches("/ar/story/"));
    let store = server.store();
    let article = store.article(Lang::AR, &slug).await.unwrap().unwrap();
    let record = store.edition(article.summary.id).await.unwrap();
    let content = EditionContent::parse(EditionInput {
        slug: Some(slug.clone()),
        headline: article.summary.headline.clone(),
        body: article.body.clone(),
        comment_mode: mode,
        ..Default::default()
    })
    .unwrap();
    store
        .update_edition(article.summary.id, record.revision, &content, &[], None)
        .await
        .unwrap();
}

async fn closed_and_premoderated_threads(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let mut layla = reader(&server, "layla").await;
    let path = story(&mut layla).await;
    let set_mode = |mode: CommentMode| set_comment_mode(&server, &path, mode);

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
        config.site.comments_close_after_days = Some(0);
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
        page.contains(r#"<a class="mention" href="/ar/user/layla"><bdi>@layla</bdi></a>"#),
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
        clear_posting_limits(&server, "layla").await;
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

/// Posts a comment form the way the page's script does, asking for JSON.
async fn comment_by_script(
    agent: &mut Agent<'_>,
    story: &str,
    body: &str,
) -> (u16, serde_json::Value) {
    let page = agent.get(story).await.body;
    let token = common::form_token(&page).unwrap_or_default();
    let answer = agent
        .post_json(
            &format!("{story}/comments"),
            &[("csrf_token", &token), ("body", body)],
        )
        .await;
    (
        answer.status,
        serde_json::from_str(&answer.body).unwrap_or_default(),
    )
}

/// The text between `start` and the next `end` in `html`.
fn between<'h>(html: &'h str, start: &str, end: &str) -> Option<&'h str> {
    let from = html.find(start)? + start.len();
    Some(&html[from..from + html[from..].find(end)?])
}

async fn words_are_shown_as_typed_everywhere(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let mut layla = reader(&server, "layla").await;
    let mut sam = reader(&server, "sam").await;
    let path = story(&mut layla).await;
    let first = comment_id(&comment(&mut layla, &path, "رأيي في الخبر", None).await);
    let typed = "if a<b and c>d then the budget fails\n<sarcasm>What a great plan</sarcasm>\n\nPress <Enter> to send";
    let reply = comment(&mut sam, &path, typed, Some(&first)).await;
    assert_eq!(reply.status, 303);
    let reply_id = comment_id(&reply);
    let shown = concat!(
        r#"<p dir="ltr">if a&lt;b and c&gt;d then the budget fails<br>&lt;sarcasm&gt;What a great plan&lt;/sarcasm&gt;</p>"#,
        r#"<p dir="ltr">Press &lt;Enter&gt; to send</p>"#
    );

    // The page: every character, both paragraphs and the line break.
    let page = Agent::new(&server).get(&path).await.body;
    assert!(
        page.contains(shown),
        "page: {}",
        between(&page, &format!("id=\"comment-{reply_id}\""), "</article>").unwrap_or("")
    );
    // The API: the body as typed and the same HTML.
    let edition = between(&page, "data-edition=\"", "\"")
        .expect("the edition id")
        .to_owned();
    let api = common::call(
        &server,
        "GET",
        &format!("/editions/{edition}/comments"),
        None,
        &[],
    )
    .await;
    assert_eq!(api.status, 200);
    let listed = api.body.to_string();
    assert!(
        listed.contains(&serde_json::to_string(typed).unwrap()),
        "API body: {listed}"
    );
    let shown_json = serde_json::to_string(shown).unwrap();
    assert!(
        listed.contains(&shown_json[1..shown_json.len() - 1]),
        "API html: {listed}"
    );
    // The comments feed: the same HTML, escaped once more for XML.
    let feed = Agent::new(&server)
        .get(&format!("{path}/comments.atom"))
        .await
        .body;
    assert!(
        feed.contains(
            "if a&amp;lt;b and c&amp;gt;d then the budget fails&lt;br&gt;&amp;lt;sarcasm&amp;gt;"
        ),
        "feed: {feed}"
    );
    // The email to the reader replied to: the text as typed and as HTML.
    let emails = emails_for(&server, "layla@news.example", 2).await;
    let (_, text, _) = emails
        .iter()
        .find(|(subject, _, _)| {
            !subject.contains("تأكيد") && !subject.to_lowercase().contains("confirm")
        })
        .expect("a notification email");
    assert!(
        text.contains("if a<b and c>d then the budget fails")
            && text.contains("Press <Enter> to send"),
        "email: {text}"
    );

    // Empty once normalized: refused with the reason, nothing stored.
    let before = Agent::new(&server)
        .get(&path)
        .await
        .body
        .matches("class=\"comment ")
        .count();
    let empty = comment(&mut sam, &path, " \u{202E}\u{2066} \n ", None).await;
    assert_eq!(empty.status, 422);
    assert!(
        empty.body.contains("اكتب شيئًا") || empty.body.contains("form-error"),
        "{}",
        empty.body
    );
    let after = Agent::new(&server)
        .get(&path)
        .await
        .body
        .matches("class=\"comment ")
        .count();
    assert_eq!(before, after, "nothing stored");

    // `@ name` as readers type it is a mention: linked and notified.
    comment(
        &mut sam,
        &path,
        "@ layla\nagreed — a map by neighbourhood would help",
        None,
    )
    .await;
    let page = Agent::new(&server).get(&path).await.body;
    assert!(
        page.contains(r#"<p dir="ltr"><a class="mention" href="/ar/user/layla"><bdi>@layla</bdi></a><br>agreed"#),
        "spaced mention linked"
    );
    let list = layla.get("/ar/notifications").await.body;
    assert!(
        list.contains("ذكرك \u{2068}sam\u{2069}"),
        "and notified: {list}"
    );
    server.stop().await.unwrap();
}

async fn held_and_refused_comments_stay_with_their_author(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let mut layla = reader(&server, "layla").await;
    let mut sam = reader(&server, "sam").await;
    let path = story(&mut layla).await;
    let heading = |page: &str| {
        between(page, "<h2 id=\"comments-heading\">", "</h2>")
            .unwrap_or("")
            .to_owned()
    };
    let counted = heading(&Agent::new(&server).get(&path).await.body);

    // In a pre-moderated thread the author sees a held comment at once,
    // marked and with why; others neither see nor count it.
    set_comment_mode(&server, &path, CommentMode::PreModerated).await;
    let (status, answer) = comment_by_script(&mut sam, &path, "see <this> first").await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["status"], "pending");
    let id = answer["id"].as_i64().expect("an id");
    let html = answer["html"].as_str().unwrap_or("");
    assert!(html.contains("class=\"held\""), "marked held: {html}");
    assert!(html.contains("see &lt;this&gt; first"), "{html}");
    let own = sam.get(&path).await.body;
    assert!(
        own.contains(&format!("id=\"comment-{id}\"")),
        "the author sees it in place"
    );
    assert!(
        own.contains("يقرأ مشرفٌ التعليقات على هذا الخبر قبل ظهورها."),
        "and why"
    );
    let other = Agent::new(&server).get(&path).await.body;
    assert!(
        !other.contains(&format!("id=\"comment-{id}\"")),
        "others do not"
    );
    assert_eq!(heading(&other), counted, "nor count it");
    // The script gets a comment rendered for its reader, with the reader's
    // own buttons; a held one is nobody else's to fetch.
    let fragment = sam.get(&format!("/ar/comments/{id}/fragment")).await;
    assert_eq!(fragment.status, 200);
    assert!(fragment.body.contains("/edit\""), "the author's edit form");
    let stranger = Agent::new(&server)
        .get(&format!("/ar/comments/{id}/fragment"))
        .await;
    assert_eq!(stranger.status, 404, "a held comment is its author's alone");
    set_comment_mode(&server, &path, CommentMode::Open).await;

    // A duplicate is refused next to the form, with the text kept, both
    // for the plain form and for the script.
    let words = "if a<b then <no> budget\nsecond line";
    assert_eq!(comment(&mut layla, &path, words, None).await.status, 303);
    let again = comment(&mut layla, &path, words, None).await;
    assert_eq!(again.status, 422);
    let form =
        between(&again.body, "id=\"new-comment\"", "</form>").expect("the comment form again");
    assert!(
        form.contains(">if a&lt;b then &lt;no&gt; budget\nsecond line</textarea>"),
        "text kept: {form}"
    );
    assert!(
        form.contains("role=\"alert\""),
        "the reason beside it: {form}"
    );
    let (status, refusal) = comment_by_script(&mut layla, &path, words).await;
    assert_eq!(status, 422);
    assert_eq!(refusal["code"], "duplicate_comment");
    assert!(refusal["message"].as_str().is_some_and(|m| !m.is_empty()));

    // A refused reply comes back in its own form, open, with its text.
    let parent = comment_id(&comment(&mut sam, &path, "a visible one", None).await);
    let too_many = "https://a.example https://b.example https://c.example https://d.example https://e.example https://f.example <x>";
    let reply = comment(&mut layla, &path, too_many, Some(&parent)).await;
    assert_eq!(reply.status, 422);
    let form = between(
        &reply.body,
        &format!("id=\"comment-{parent}\""),
        "</article>",
    )
    .unwrap_or("");
    assert!(
        form.contains("<details class=\"comment-reply\" open>"),
        "the reply form open: {form}"
    );
    assert!(
        form.contains("https://f.example &lt;x&gt;</textarea>"),
        "its text kept: {form}"
    );

    // Too fast: the wait in words, the text kept.
    let mut last = None;
    for n in 0..12 {
        let answer = comment(&mut sam, &path, &format!("quick {n} <b>"), None).await;
        if answer.status == 429 {
            last = Some(answer);
            break;
        }
    }
    let limited = last.expect("the posting limit");
    assert!(limited.retry_after.is_some());
    assert!(
        limited.body.contains("&lt;b&gt;</textarea>"),
        "text kept under the limit"
    );
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

/// A reader's id, from their username.
async fn reader_id(server: &khabar::Server, name: &str) -> i64 {
    let key = khabar_core::Username::parse(name).unwrap().key();
    server.store().user_id_by_key(&key).await.unwrap().unwrap()
}

/// Comments in the moderators' reported queue.
async fn reported(server: &khabar::Server) -> usize {
    let filter = khabar_store::QueueFilter {
        queue: khabar_core::moderation::Queue::Reported,
        story_id: None,
        section_id: None,
        lang: None,
        reason: None,
        newest_first: false,
        page: 1,
        per_page: 50,
        sections: Vec::new(),
    };
    let page = server.store().moderation_queue(&filter).await.unwrap();
    page.items
        .iter()
        .filter(|item| !item.reports.is_empty())
        .count()
}

async fn barred_readers_neither_like_nor_report(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let mut layla = reader(&server, "layla").await;
    let mut sam = reader(&server, "sam").await;
    let mut rami = reader(&server, "rami").await;
    let moderator = common::account(&server, "desk_mod", Role::Moderator, PASSWORD).await;
    let path = story(&mut layla).await;
    let first = comment_id(&comment(&mut layla, &path, "أول تعليق", None).await);
    let second = comment_id(&comment(&mut layla, &path, "ثاني تعليق", None).await);
    let report = |id: &str| format!("/ar/comments/{id}/report");
    let like = |id: &str| format!("/ar/comments/{id}/like");
    let filed = sam
        .submit(&path, &report(&first), &[("reason", "abusive")])
        .await;
    assert_eq!(filed.status, 303);
    assert_eq!(reported(&server).await, 1);

    // A ban takes the reader's open reports out of the queue, and stops
    // them liking and reporting, by form and by API alike.
    let ban = UserAction::Ban {
        reject_comments: false,
    };
    let sam_id = reader_id(&server, "sam").await;
    let api_token = common::call(
        &server,
        "POST",
        "/tokens",
        Some(json!({ "login": "sam", "password": PASSWORD, "scopes": ["read", "comment"], "name": "t" })),
        &[],
    )
    .await;
    let bearer = format!("Bearer {}", api_token.body["token"].as_str().unwrap());
    server
        .store()
        .moderate_user(sam_id, &ban, moderator)
        .await
        .unwrap();
    assert_eq!(reported(&server).await, 0, "a banned reader's report");
    let refused = sam
        .submit(&path, &report(&second), &[("reason", "spam")])
        .await;
    assert_ne!(refused.status, 303, "a banned reader reports");
    assert_ne!(sam.submit(&path, &like(&second), &[]).await.status, 303);
    let by_api = common::call(
        &server,
        "PUT",
        &format!("/comments/{second}/reaction"),
        Some(json!({ "like": true })),
        &[("Authorization", &bearer)],
    )
    .await;
    assert_eq!(
        (by_api.status, by_api.body["error"]["code"].as_str()),
        (403, Some("banned"))
    );
    let by_api = common::call(
        &server,
        "POST",
        &format!("/comments/{second}/reports"),
        Some(json!({ "reason": "spam" })),
        &[("Authorization", &bearer)],
    )
    .await;
    assert_eq!(
        (by_api.status, by_api.body["error"]["code"].as_str()),
        (403, Some("banned"))
    );

    // A suspended reader likes nothing until the suspension ends.
    let rami_id = reader_id(&server, "rami").await;
    let until = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(2);
    server.store().suspend(rami_id, Some(until)).await.unwrap();
    assert_ne!(rami.submit(&path, &like(&second), &[]).await.status, 303);
    assert_ne!(
        rami.submit(&path, &report(&second), &[("reason", "spam")])
            .await
            .status,
        303
    );
    let liked = server
        .store()
        .comment(second.parse().unwrap())
        .await
        .unwrap()
        .like_count;
    assert_eq!(liked, 0, "no like from a barred reader counted");
    assert_eq!(reported(&server).await, 0);
    server.store().suspend(rami_id, None).await.unwrap();
    assert_eq!(rami.submit(&path, &like(&second), &[]).await.status, 303);
    server.stop().await.unwrap();
}

async fn replies_only_to_visible_comments(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let mut hidden_author = reader(&server, "hiddenone").await;
    let mut sam = reader(&server, "sam").await;
    let moderator = common::account(&server, "desk_mod", Role::Moderator, PASSWORD).await;
    let path = story(&mut sam).await;
    let refused_id = comment_id(&comment(&mut hidden_author, &path, "سيُرفض", None).await);
    let reject = CommentAction::Reject {
        reason: "abusive".into(),
        message: String::new(),
    };
    server
        .store()
        .moderate_comment(refused_id.parse().unwrap(), &reject, moderator)
        .await
        .unwrap();
    let reply = comment(&mut sam, &path, "ردّ على تعليق مرفوض", Some(&refused_id)).await;
    assert_eq!(reply.status, 404, "a reply to a refused comment");
    let page = Agent::new(&server).get(&path).await.body;
    assert!(!page.contains("ردّ على تعليق مرفوض"), "nothing was posted");
    assert!(!page.contains("hiddenone"), "nor its author named");

    // The API says the same; a visible comment still takes replies.
    let api_token = common::call(
        &server,
        "POST",
        "/tokens",
        Some(json!({ "login": "sam", "password": PASSWORD, "scopes": ["read", "comment"], "name": "t" })),
        &[],
    )
    .await;
    let bearer = format!("Bearer {}", api_token.body["token"].as_str().unwrap());
    let edition = server
        .store()
        .comment(refused_id.parse().unwrap())
        .await
        .unwrap()
        .edition_id;
    let comments = format!("/editions/{edition}/comments");
    let parent: i64 = refused_id.parse().unwrap();
    let by_api = common::call(
        &server,
        "POST",
        &comments,
        Some(json!({ "body": "ردّ آخر", "parent_id": parent })),
        &[("Authorization", &bearer)],
    )
    .await;
    assert_eq!(by_api.status, 404, "{}", by_api.body);
    assert!(!by_api.body.to_string().contains("hiddenone"));
    let visible = comment_id(&comment(&mut hidden_author, &path, "ظاهر", None).await);
    let fine = comment(&mut sam, &path, "ردّ مقبول", Some(&visible)).await;
    assert_eq!(fine.status, 303);
    server.stop().await.unwrap();
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
    words_are_shown_as_typed_everywhere,
    held_and_refused_comments_stay_with_their_author,
    barred_readers_neither_like_nor_report,
    replies_only_to_visible_comments,
);
