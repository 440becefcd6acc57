//! Comments written to weigh on every reader (issue 18), through the real
//! server on SQLite and on PostgreSQL: the issue's `>` × 4,900 and
//! `- ` × 2,400, and the shapes that still multiplied their size (a quote
//! and a paragraph line after line, a change of direction line after line,
//! a mention repeated), keep the article page and the comment list API
//! within a few bytes per byte written.

mod common;

use common::{Agent, call, spawn_app};
use khabar_testkit::{TestDatabase, on_both_backends};
use khabar_text::comment::max_rendered_len;
use serde_json::json;

const PASSWORD: &str = "harbour lights at dusk";
/// Bytes a comment's own markup (author, date, buttons, forms) may take on
/// the article page besides its body.
const PAGE_CHROME: usize = 4 * 1024;

async fn reader<'a>(server: &'a khabar::Server, name: &str) -> Agent<'a> {
    let mut agent = Agent::new(server);
    let answer = agent
        .submit(
            "/en/signup",
            "/en/signup",
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

async fn comments_cannot_weigh_on_every_reader(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let mut writer = reader(&server, "heavy_writer").await;
    let home = writer.get("/en/").await.body;
    let start = home.find("href=\"/en/story/").expect("a story") + 6;
    let story = home[start..start + home[start..].find(['"', '#']).unwrap()].to_owned();
    // What every reader gets: the page as an anonymous visitor sees it
    // (the author's own also holds each body in its edit form).
    let mut visitor = Agent::new(&server);
    let before = visitor.get(&story).await.body.len();

    let hostile = [
        ">".repeat(4_900),
        "- ".repeat(2_400),
        ">a\nb\n".repeat(830),
        "a\nب\n".repeat(830),
        "@heavy_writer ".repeat(330),
    ];
    // The per-minute posting limits are not what this test is about.
    let key = khabar_core::Username::parse("heavy_writer").unwrap().key();
    let writer_id = server.store().user_id_by_key(&key).await.unwrap().unwrap();
    let (mut ids, mut stored) = (Vec::new(), Vec::new());
    for body in &hostile {
        for bucket in [
            format!("comment-minute:{writer_id}"),
            "comment-ip:127.0.0.1".to_owned(),
        ] {
            server.store().clear_attempts(&bucket).await.unwrap();
        }
        let answer = writer
            .submit(&story, &format!("{story}/comments"), &[("body", body)])
            .await;
        let opening: String = body.chars().take(20).collect();
        assert_eq!(answer.status, 303, "posted: {opening:?}");
        let location = answer.location.expect("a redirect to the comment");
        let id: i64 = location
            .rsplit("#comment-")
            .next()
            .unwrap()
            .parse()
            .unwrap();
        stored.push(server.store().comment(id).await.unwrap().body);
        ids.push(id);
    }
    let written: usize = stored.iter().map(String::len).sum();

    // The article page grows by each body's bounded rendering and its
    // chrome; it grew by 14 times the body for the third before.
    let page = visitor.get(&story).await.body;
    for id in &ids {
        assert!(
            page.contains(&format!("comment-{id}")),
            "comment {id} is shown"
        );
    }
    let allowed: usize = stored
        .iter()
        .map(|body| max_rendered_len(body.len()) + PAGE_CHROME)
        .sum();
    let grown = page.len() - before;
    assert!(
        grown <= allowed,
        "the page grew by {grown} bytes for {written} written (at most {allowed})"
    );
    assert!(grown <= 4 * written, "{grown} bytes for {written}");

    // The comment list API: each html within the bound, each comment a few
    // bytes per byte written (the body is in it too).
    let edition = server.store().comment(ids[0]).await.unwrap().edition_id;
    let list = format!("/editions/{edition}/comments?sort=newest");
    let answer = call(&server, "GET", &list, None, &[]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let listed = answer.body["comments"]
        .as_array()
        .expect("a list of comments");
    for id in &ids {
        let item = &listed
            .iter()
            .find(|item| item["comment"]["id"] == json!(id))
            .expect("each hostile comment is listed")["comment"];
        let body = item["body"].as_str().unwrap();
        let html = item["html"].as_str().unwrap();
        let size = item.to_string().len();
        assert!(
            size <= 6 * body.len() + 1_024,
            "{size} bytes of JSON for {}",
            body.len()
        );
        assert!(
            html.len() <= max_rendered_len(body.len()).min(4 * body.len() + 4_096),
            "{} bytes of HTML for {}",
            html.len(),
            body.len()
        );
    }
    server.stop().await.unwrap();
}

on_both_backends!(comments_cannot_weigh_on_every_reader);
