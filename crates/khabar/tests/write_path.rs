//! The write path's promises (issue 20), through the real HTTP API with
//! every request of a burst fired at once: each comment limit refuses
//! exactly at its threshold under concurrency (per reader per minute, per
//! address per minute, per reader per day); a burst of one text from one
//! reader makes one comment; and on PostgreSQL both hold across two nodes
//! on one database. Every request is answered, with a status its promise
//! allows: none is dropped and none fails with a 5xx. What the thread holds
//! afterwards is exactly what was acknowledged. (`kill -9` during a burst
//! is tests/crash.rs.)

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use common::{NodeProcess, publish_story, reader_token, spawn_app_with};
use khabar_core::{CommentSort, Username};
use khabar_store::Store;
use khabar_testkit::{TestDatabase, on_both_backends};
use serde_json::{Value, json};
use tokio::sync::Barrier;

const PASSWORD: &str = "harbour lights at dusk";
const MINUTE: Duration = Duration::from_secs(60);
const DAY: Duration = Duration::from_secs(24 * 60 * 60);
/// The site's default `comments_per_minute` (`KHABAR_SITE__COMMENTS_PER_MINUTE`
/// for a node as a process).
const PER_MINUTE: usize = 5;

/// One post to send: through which node, as whom, on what, saying what.
struct Post {
    base: String,
    token: String,
    edition: i64,
    body: String,
}

/// A node's answer to a post.
#[derive(Debug)]
struct Answer {
    status: u16,
    retry_after: Option<String>,
    json: Value,
}

/// Sends every post at once, each from its own task, the tasks released
/// together; the answers in the posts' order. A post without an answer (a
/// connection refused or dropped, or nothing within 30 s) fails the test.
async fn fire(posts: Vec<Post>) -> Vec<Answer> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client");
    let start = Arc::new(Barrier::new(posts.len()));
    let tasks: Vec<_> = posts
        .into_iter()
        .enumerate()
        .map(|(n, post)| {
            let request = client
                .post(format!(
                    "{}/api/v1/editions/{}/comments",
                    post.base, post.edition
                ))
                .header("Authorization", &post.token)
                .json(&json!({ "body": post.body }));
            let start = start.clone();
            tokio::spawn(async move {
                start.wait().await;
                let response = request
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("post {n} got no answer: {e}"));
                let status = response.status().as_u16();
                let retry_after = response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                let text = response
                    .text()
                    .await
                    .unwrap_or_else(|e| panic!("post {n}'s answer was cut: {e}"));
                Answer {
                    status,
                    retry_after,
                    json: serde_json::from_str(&text).unwrap_or(Value::Null),
                }
            })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("a poster's task"));
    }
    answers
}

/// What a burst's answers came to: the comments it made.
struct Outcome {
    /// Every comment answered 201.
    accepted: BTreeSet<i64>,
    /// Those of them not held for a moderator.
    visible: BTreeSet<i64>,
}

/// Checks that the answers are exactly `expected` (status, how many): so
/// every request is accounted for, and none is a 5xx. Each 201 names a
/// comment of its own; each 429 says `too_many_attempts` with a
/// Retry-After between 1 s and `window`; each 422 says `duplicate_comment`.
fn expect(answers: &[Answer], expected: &[(u16, usize)], window: Duration) -> Outcome {
    let mut tally: BTreeMap<u16, usize> = BTreeMap::new();
    for answer in answers {
        *tally.entry(answer.status).or_default() += 1;
    }
    let wanted: BTreeMap<u16, usize> = expected.iter().copied().collect();
    assert_eq!(
        tally,
        wanted,
        "statuses of {} posts fired together",
        answers.len()
    );
    let mut accepted = BTreeSet::new();
    let mut visible = BTreeSet::new();
    for answer in answers {
        let json = &answer.json;
        match answer.status {
            201 => {
                let id = json["id"]
                    .as_i64()
                    .unwrap_or_else(|| panic!("no id: {json}"));
                assert!(accepted.insert(id), "comment {id} acknowledged twice");
                if json["held_for_moderation"] == false {
                    visible.insert(id);
                }
            }
            429 => {
                assert_eq!(json["error"]["code"], "too_many_attempts", "{json}");
                let wait: u64 = answer
                    .retry_after
                    .as_deref()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| panic!("a 429 without Retry-After seconds: {answer:?}"));
                assert!(
                    (1..=window.as_secs()).contains(&wait),
                    "Retry-After {wait} s for a {window:?} window"
                );
            }
            422 => {
                assert_eq!(json["error"]["code"], "duplicate_comment", "{json}");
                assert_eq!(json["error"]["field"], "body", "{json}");
            }
            _ => unreachable!("the tally above allows no other status"),
        }
    }
    Outcome { accepted, visible }
}

/// A new reader and their API token (read, comment) minted through the
/// node at `base`: (token, id).
async fn reader(store: &Store, base: &str, name: &str) -> (String, i64) {
    let token = reader_token(store, base, name, PASSWORD).await;
    let key = Username::parse(name).unwrap().key();
    let id = store
        .user_id_by_key(&key)
        .await
        .unwrap()
        .expect("the reader");
    (token, id)
}

/// Checks that the thread holds exactly the acknowledged comments: in the
/// store, as each of `readers` sees it (every visible comment and their
/// own held ones); and through the API of every node of `bases`, which
/// lists the visible ones.
async fn thread_is(
    store: &Store,
    bases: &[&str],
    edition: i64,
    readers: &[i64],
    outcome: &Outcome,
) {
    let mut stored = BTreeSet::new();
    for reader in readers {
        let thread = store
            .thread(edition, Some(*reader), CommentSort::Oldest, 1, 10_000)
            .await
            .unwrap();
        for entry in thread.comments {
            stored.insert(entry.comment.id);
            stored.extend(entry.replies.iter().map(|reply| reply.id));
        }
    }
    assert_eq!(stored, outcome.accepted, "the stored thread");
    let client = common::client();
    for base in bases {
        let mut listed = BTreeSet::new();
        for page in 1.. {
            let thread: Value = client
                .get(format!("{base}/api/v1/editions/{edition}/comments"))
                .query(&[("page", page)])
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let items = thread["comments"].as_array().expect("a thread");
            for item in items {
                listed.insert(item["comment"]["id"].as_i64().expect("an id"));
                for reply in item["replies"].as_array().expect("replies") {
                    listed.insert(reply["id"].as_i64().expect("an id"));
                }
            }
            if thread["has_more"] != true {
                break;
            }
        }
        assert_eq!(listed, outcome.visible, "the thread {base} lists");
    }
}

/// Posts of `count` different texts by one reader.
fn different_texts(base: &str, token: &str, edition: i64, who: &str, count: usize) -> Vec<Post> {
    (0..count)
        .map(|n| Post {
            base: base.to_owned(),
            token: token.to_owned(),
            edition,
            body: format!("{who}'s note {n}: the ferry left the quay ahead of the squall."),
        })
        .collect()
}

/// One reader fires 30 different comments at once; five a minute (the
/// default) are taken, the rest refused.
async fn per_reader_per_minute(db: &TestDatabase) {
    let server = spawn_app_with(db, false, |config| {
        config.site.comments_per_minute = PER_MINUTE as u32;
    })
    .await;
    let store = server.store();
    let base = server.base_url();
    let edition = publish_story(store, "Ferry timetable changes for the storm").await;
    let (token, amira) = reader(store, base, "amira").await;

    let answers = fire(different_texts(base, &token, edition, "amira", 30)).await;
    let outcome = expect(
        &answers,
        &[(201, PER_MINUTE), (429, 30 - PER_MINUTE)],
        MINUTE,
    );
    thread_is(store, &[base], edition, &[amira], &outcome).await;
    server.stop().await.unwrap();
}

/// Six readers on one address (every test client is 127.0.0.1, and no
/// proxy is trusted) each fire as many comments as a reader may post in a
/// minute, together: the address takes four readers' worth.
async fn per_address_per_minute(db: &TestDatabase) {
    const READERS: usize = 6;
    const RATE: usize = 6;
    let server = spawn_app_with(db, false, |config| {
        config.site.comments_per_minute = RATE as u32;
        // The address is the peer's unless it is a trusted proxy's.
        config.trusted_proxies.clear();
    })
    .await;
    let store = server.store();
    let base = server.base_url();
    let edition = publish_story(store, "Harbour wall repairs begin").await;
    let mut posts = Vec::new();
    let mut readers = Vec::new();
    for n in 0..READERS {
        let name = format!("neighbour{n}");
        let (token, id) = reader(store, base, &name).await;
        readers.push(id);
        posts.extend(different_texts(base, &token, edition, &name, RATE));
    }

    let answers = fire(posts).await;
    let outcome = expect(
        &answers,
        &[(201, 4 * RATE), (429, (READERS - 4) * RATE)],
        MINUTE,
    );
    thread_is(store, &[base], edition, &readers, &outcome).await;
    server.stop().await.unwrap();
}

/// A reader with seven comments a day left fires twenty at once.
async fn per_reader_per_day(db: &TestDatabase) {
    let server = spawn_app_with(db, false, |config| {
        config.site.comments_per_minute = 60;
        config.site.comments_per_day = 7;
    })
    .await;
    let store = server.store();
    let base = server.base_url();
    let edition = publish_story(store, "Lifeboat crew named for the season").await;
    let (token, samir) = reader(store, base, "samir").await;

    let answers = fire(different_texts(base, &token, edition, "samir", 20)).await;
    let outcome = expect(&answers, &[(201, 7), (429, 13)], DAY);
    thread_is(store, &[base], edition, &[samir], &outcome).await;
    server.stop().await.unwrap();
}

/// `count` posts of one text by one reader, spread over `bases` in turn.
fn same_text(bases: &[&str], token: &str, edition: i64, count: usize) -> Vec<Post> {
    (0..count)
        .map(|n| Post {
            base: bases[n % bases.len()].to_owned(),
            token: token.to_owned(),
            edition,
            body: "The lighthouse keeper deserves a medal for last night.".to_owned(),
        })
        .collect()
}

/// A double submit twenty times over: one comment, the others refused as
/// duplicates.
async fn one_text_once(db: &TestDatabase) {
    let server = spawn_app_with(db, false, |config| config.site.comments_per_minute = 60).await;
    let store = server.store();
    let base = server.base_url();
    let edition = publish_story(store, "Lighthouse keeper guides trawler home").await;
    let (token, huda) = reader(store, base, "huda").await;

    let answers = fire(same_text(&[base], &token, edition, 20)).await;
    let outcome = expect(&answers, &[(201, 1), (422, 19)], MINUTE);
    thread_is(store, &[base], edition, &[huda], &outcome).await;
    server.stop().await.unwrap();
}

/// The answer to a post is built from what the writer answered, not read
/// back: it must be the comment as the API reads it afterwards, for a
/// top-level comment that mentions someone, replies down to the deepest
/// level, and a reply below it that joins its parent's siblings and names
/// whom it answers.
async fn the_answer_is_the_comment_as_read(db: &TestDatabase) {
    let server = spawn_app_with(db, false, |config| config.site.comments_per_minute = 60).await;
    let store = server.store();
    let base = server.base_url();
    let edition = publish_story(store, "Night ferry crosses in calm water").await;
    let (maha, _) = reader(store, base, "maha").await;
    let (nabil, _) = reader(store, base, "nabil").await;
    let client = common::client();
    let mut parent: Option<i64> = None;
    let bodies = [
        "Calm crossing tonight, @nabil — were you aboard?",
        "I was, the deck was quiet.",
        "Did the café stay open?",
        "Until midnight, yes.",
        "Good to know for next week.",
    ];
    for (n, body) in bodies.iter().enumerate() {
        let token = if n % 2 == 0 { &maha } else { &nabil };
        let answer = client
            .post(format!("{base}/api/v1/editions/{edition}/comments"))
            .header("Authorization", token)
            .json(&json!({ "body": body, "parent_id": parent }))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 201, "post {n}");
        let mut posted: Value = answer.json().await.unwrap();
        assert_eq!(posted["held_for_moderation"], false);
        posted
            .as_object_mut()
            .unwrap()
            .remove("held_for_moderation");
        let id = posted["id"].as_i64().expect("an id");
        let read = common::get_json(&format!("{base}/api/v1/comments/{id}")).await;
        assert_eq!(posted, read, "post {n}: the answer and the comment as read");
        parent = Some(id);
    }
    let last = common::get_json(&format!("{base}/api/v1/comments/{}", parent.unwrap())).await;
    assert_eq!(last["reply_to_username"], "nabil", "{last}");
    server.stop().await.unwrap();
}

on_both_backends!(
    per_reader_per_minute,
    per_address_per_minute,
    per_reader_per_day,
    one_text_once,
    the_answer_is_the_comment_as_read
);

/// Two `khabar serve` processes on `db` with `settings`; each has a data
/// directory of its own.
fn two_nodes(
    db: &TestDatabase,
    settings: &[(&str, &str)],
) -> [(NodeProcess, tempfile::TempDir); 2] {
    [(), ()].map(|()| {
        let data = tempfile::tempdir().unwrap();
        (NodeProcess::start(db, data.path(), settings), data)
    })
}

/// Scenario one with the burst split over two nodes on one PostgreSQL
/// database: still five.
async fn per_reader_per_minute_across_nodes(db: &TestDatabase) {
    let nodes = two_nodes(db, &[("KHABAR_SITE__COMMENTS_PER_MINUTE", "5")]);
    let bases = [nodes[0].0.base.as_str(), nodes[1].0.base.as_str()];
    let store = Store::open(db.url()).await.unwrap();
    let edition = publish_story(&store, "Two quays, one ferry").await;
    let (token, rania) = reader(&store, bases[0], "rania").await;

    let mut posts = different_texts(bases[0], &token, edition, "rania", 30);
    for post in posts.iter_mut().skip(1).step_by(2) {
        post.base = bases[1].to_owned();
    }
    let answers = fire(posts).await;
    let outcome = expect(
        &answers,
        &[(201, PER_MINUTE), (429, 30 - PER_MINUTE)],
        MINUTE,
    );
    thread_is(&store, &bases, edition, &[rania], &outcome).await;
    store.close().await;
}

/// The duplicate burst split over two nodes on one PostgreSQL database:
/// still one comment.
async fn one_text_once_across_nodes(db: &TestDatabase) {
    let nodes = two_nodes(db, &[("KHABAR_SITE__COMMENTS_PER_MINUTE", "60")]);
    let bases = [nodes[0].0.base.as_str(), nodes[1].0.base.as_str()];
    let store = Store::open(db.url()).await.unwrap();
    let edition = publish_story(&store, "Trawler crew thanks the lighthouse").await;
    let (token, tariq) = reader(&store, bases[0], "tariq").await;

    let answers = fire(same_text(&bases, &token, edition, 20)).await;
    let outcome = expect(&answers, &[(201, 1), (422, 19)], MINUTE);
    thread_is(&store, &bases, edition, &[tariq], &outcome).await;
    store.close().await;
}

/// Several nodes share a database on PostgreSQL only: these run there.
mod across_two_nodes {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn per_reader_per_minute_postgres() {
        if let Some(db) = khabar_testkit::postgres().await {
            super::per_reader_per_minute_across_nodes(&db).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_text_once_postgres() {
        if let Some(db) = khabar_testkit::postgres().await {
            super::one_text_once_across_nodes(&db).await;
        }
    }
}
