//! Several `khabar serve` processes on one database, on loopback: a comment
//! posted through one node reaches a page open on the other; a scheduled
//! edition is published once though every node's scheduler runs; and when
//! one node is killed under load the other keeps serving and no
//! acknowledged write is lost; the node sending cache purges can die or
//! stop and another goes on, purging each change once.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::PurgeEndpoint;
use jiff::Timestamp;
use khabar_core::{EditionContent, EditionInput, Lang};
use khabar_store::{NewStory, NewsroomFilter, Store};
use khabar_testkit::{TestDatabase, on_both_backends};
use serde_json::{Value, json};

const PASSWORD: &str = "harbour lights at dusk";

/// A node as its own process, and the address it serves.
struct Node {
    child: Child,
    base: String,
    _data: tempfile::TempDir,
}

impl Node {
    fn start(db: &TestDatabase, demo: bool) -> Node {
        Node::start_with(db, demo, &[])
    }

    /// A node with extra settings as `KHABAR_*` environment variables.
    fn start_with(db: &TestDatabase, demo: bool, settings: &[(&str, &str)]) -> Node {
        let data = tempfile::tempdir().unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_khabar"));
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(data.path())
            .env("KHABAR_DATABASE_URL", db.url())
            // The load below comes from four readers on one address.
            .env("KHABAR_SITE__COMMENTS_PER_MINUTE", "1000")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        command.envs(settings.iter().copied());
        if demo {
            command.arg("--demo");
        }
        let mut child = command.spawn().expect("the khabar binary starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line
            .split_whitespace()
            .find(|word| word.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .trim_end_matches('/')
            .to_owned();
        Node {
            child,
            base,
            _data: data,
        }
    }

    /// SIGTERM: the node finishes what it does and hands its leases over.
    fn stop(&mut self) {
        let stopped = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill(1) runs");
        assert!(stopped.success());
        let _ = self.child.wait();
    }

    /// SIGKILL: no goodbye, no draining.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

/// Posts a comment on `edition` through `node`; the new comment's id when
/// the node acknowledged it.
async fn post(node_base: &str, token: &str, edition: i64, body: &str) -> Option<i64> {
    let answer = client()
        .post(format!("{node_base}/api/v1/editions/{edition}/comments"))
        .header("Authorization", token)
        .json(&json!({ "body": body }))
        .send()
        .await
        .ok()?;
    if answer.status() != 201 {
        return None;
    }
    answer.json::<Value>().await.ok()?["id"].as_i64()
}

async fn nodes_share_one_database(db: &TestDatabase) {
    let mut first = Node::start(db, true);
    let second = Node::start(db, false);
    let store = Store::open(db.url()).await.unwrap();
    let editions = store
        .newsroom_editions(
            &NewsroomFilter {
                status: Some(khabar_core::EditionStatus::Published),
                lang: Some(Lang::EN),
                ..NewsroomFilter::default()
            },
            1,
            1,
        )
        .await
        .unwrap();
    let edition = editions.items[0].record.clone();

    // A page open on the second node hears of a comment posted through
    // the first.
    let mut stream = client()
        .get(format!("{}/en/story/{}/live", second.base, edition.slug))
        .timeout(Duration::from_secs(15))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    let amal = common::reader_token(&store, &first.base, "amal", PASSWORD).await;
    let posted = post(&first.base, &amal, edition.id, "Seen from the other node")
        .await
        .expect("the first node takes the comment");
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut heard = String::new();
    while !heard.contains("Seen from the other node") {
        assert!(
            Instant::now() < deadline,
            "comment {posted} never reached the second node's page: {heard}"
        );
        match tokio::time::timeout(Duration::from_secs(10), stream.chunk()).await {
            Ok(Ok(Some(chunk))) => heard.push_str(&String::from_utf8_lossy(&chunk)),
            other => panic!("the live stream ended: {other:?}"),
        }
    }
    drop(stream);

    // Both schedulers run; the edition is published once.
    let (_, scheduled) = draft_story(&store, "Night ferry timetable").await;
    store
        .schedule_edition(
            scheduled,
            Timestamp::now() + jiff::SignedDuration::from_millis(1500),
            None,
        )
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    while store.edition_draft(scheduled).await.unwrap().status
        != khabar_core::EditionStatus::Published
    {
        assert!(
            Instant::now() < deadline,
            "the scheduled edition was not published"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Give the slower scheduler its chance to publish it again.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let published = store
        .events_since(0, 100_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "edition.published" && e.edition_id == Some(scheduled))
        .count();
    assert_eq!(published, 1);
    for node in [&first, &second] {
        let page = client()
            .get(format!("{}/en/story/night-ferry-timetable", node.base))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200, "{}", node.base);
    }

    // Four readers post through both nodes for three seconds; the first
    // node is killed after one.
    let mut tokens = Vec::new();
    for name in ["basma", "fadi", "hiba", "yusuf"] {
        tokens.push(common::reader_token(&store, &second.base, name, PASSWORD).await);
    }
    let started = Instant::now();
    let killed_at = Duration::from_secs(1);
    let load = |token: String, worker: usize| {
        let bases = [first.base.clone(), second.base.clone()];
        async move {
            // (node, moment, id) of every acknowledged comment.
            let mut acknowledged = Vec::new();
            let mut n = 0;
            while started.elapsed() < Duration::from_secs(3) {
                let node = n % 2;
                let body = format!("Load comment {worker}-{n}");
                let at = started.elapsed();
                if let Some(id) = post(&bases[node], &token, edition.id, &body).await {
                    acknowledged.push((node, at, id));
                }
                n += 1;
            }
            acknowledged
        }
    };
    let workers: Vec<_> = tokens
        .into_iter()
        .enumerate()
        .map(|(worker, token)| tokio::spawn(load(token, worker)))
        .collect();
    tokio::time::sleep(killed_at).await;
    first.kill();
    let mut acknowledged = Vec::new();
    for worker in workers {
        acknowledged.extend(worker.await.unwrap());
    }
    let before = acknowledged
        .iter()
        .filter(|(node, _, _)| *node == 0)
        .count();
    let after_on_second = acknowledged
        .iter()
        .filter(|(node, at, _)| *node == 1 && *at > killed_at + Duration::from_millis(200))
        .count();
    assert!(
        before > 0,
        "the first node took nothing before it was killed"
    );
    assert!(
        after_on_second > 0,
        "the second node stopped serving when the first was killed"
    );
    for (_, _, id) in &acknowledged {
        store
            .comment(*id)
            .await
            .unwrap_or_else(|e| panic!("acknowledged comment {id} is lost: {e}"));
    }
    eprintln!(
        "{} comments acknowledged ({before} by the killed node), {after_on_second} by the survivor after the kill",
        acknowledged.len()
    );
    store.close().await;
}

/// A new story with an English draft, straight in the store: the story's
/// and the edition's ids.
async fn draft_story(store: &Store, headline: &str) -> (i64, i64) {
    let story = store
        .create_story(NewStory {
            section_id: None,
            tag_ids: &[],
            hero_image: None,
        })
        .await
        .unwrap();
    let content = EditionContent::parse(EditionInput {
        headline: headline.into(),
        body: "Filed by the nodes test.".into(),
        ..Default::default()
    })
    .unwrap();
    let edition = store
        .create_edition(story, Lang::EN, &content, &[], None)
        .await
        .unwrap();
    (story, edition)
}

/// [`draft_story`], published now.
async fn publish_story(store: &Store, headline: &str) -> (i64, i64) {
    let (story, edition) = draft_story(store, headline).await;
    store
        .publish_edition(edition, Timestamp::now(), None)
        .await
        .unwrap();
    (story, edition)
}

/// The node sending the CDN's purges dies: another takes over when its
/// lease runs out (15 s) and goes on from the shared cursor; a node that
/// stops gracefully hands over at once. Every change is purged once.
async fn the_purge_lease_passes_on_when_its_holder_dies(db: &TestDatabase) {
    let endpoint = PurgeEndpoint::start(0).await;
    let settings = [
        ("KHABAR_CACHE__PURGE_URL", endpoint.url.as_str()),
        ("KHABAR_CACHE__PURGE_TOKEN", "purge-secret"),
    ];
    let mut holder = Node::start_with(db, false, &settings);
    let store = Store::open(db.url()).await.unwrap();
    let first = format!(
        "story-{}",
        publish_story(&store, "Lighthouse keeper retires").await.0
    );
    endpoint.wait_for(std::slice::from_ref(&first)).await;

    // A second node waits for the lease; the holder dies without a word.
    let mut heir = Node::start_with(db, false, &settings);
    // The endpoint logs a purge before the holder records it sent: let it
    // record, or the heir rightly sends it again.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    holder.kill();
    let second = format!(
        "story-{}",
        publish_story(&store, "Ferry fares frozen").await.0
    );
    endpoint
        .wait_for_within(std::slice::from_ref(&second), Duration::from_secs(45))
        .await;

    // The heir stops gracefully: a third node purges the next change long
    // before the heir's lease would have run out.
    let third_node = Node::start_with(db, false, &settings);
    heir.stop();
    let third = format!(
        "story-{}",
        publish_story(&store, "Harbour lights repaired").await.0
    );
    endpoint
        .wait_for_within(std::slice::from_ref(&third), Duration::from_secs(10))
        .await;

    // Time for a wrong second purge to arrive.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for key in [&first, &second, &third] {
        assert_eq!(
            endpoint.landed(key),
            1,
            "{key}: {:?}",
            endpoint.received.lock().unwrap()
        );
    }
    drop(third_node);
    endpoint.task.abort();
}

/// What one node knows, every node knows: a session or a token made
/// through one works on the other, a reader's posting limit counts posts through both,
/// and a story published anywhere is found by every node's search.
async fn sessions_limits_and_search_hold_across_nodes(db: &TestDatabase) {
    let strict = [("KHABAR_SITE__COMMENTS_PER_MINUTE", "5")];
    let first = Node::start_with(db, true, &strict);
    let second = Node::start_with(db, false, &strict);
    let store = Store::open(db.url()).await.unwrap();
    let token = common::reader_token(&store, &first.base, "nadia", PASSWORD).await;
    let me = client()
        .get(format!("{}/api/v1/me", second.base))
        .header("Authorization", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200, "a token minted through the first node");
    // A reader signed in through one node is signed in on the other.
    let signed_in = client()
        .post(format!("{}/api/v1/auth/signin", first.base))
        .json(&json!({ "login": "nadia", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200);
    let cookie = signed_in
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_owned();
    let me: Value = client()
        .get(format!("{}/api/v1/me", second.base))
        .header("Cookie", cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["user"]["username"], "nadia", "{me}");

    let (_, edition) = publish_story(&store, "Saltmarsh herons counted at dawn").await;
    // Five a minute, wherever they are posted: the sixth is refused.
    let mut statuses = Vec::new();
    for n in 0..6 {
        let node = if n % 2 == 0 { &first } else { &second };
        let answer = client()
            .post(format!("{}/api/v1/editions/{edition}/comments", node.base))
            .header("Authorization", &token)
            .json(&json!({ "body": format!("Heron count comment {n}") }))
            .send()
            .await
            .unwrap();
        statuses.push(answer.status().as_u16());
    }
    assert_eq!(statuses, [201, 201, 201, 201, 201, 429]);

    // Each node's own search index follows the shared log.
    for node in [&first, &second] {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let found = client()
                .get(format!("{}/api/v1/search/articles", node.base))
                .query(&[("q", "herons")])
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            if found.contains("Saltmarsh herons counted at dawn") {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{} did not index it: {found}",
                node.base
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

on_both_backends!(
    nodes_share_one_database,
    sessions_limits_and_search_hold_across_nodes,
    the_purge_lease_passes_on_when_its_holder_dies
);
