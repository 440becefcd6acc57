//! Crash test (issues 18 and 20): `khabar serve` is killed with SIGKILL in
//! the middle of a burst of comment posts from 32 concurrent posters,
//! several times over, and restarted on the same database and data
//! directory. Every comment the server answered 201 for is there
//! afterwards, once, with its id and body; no comment, acknowledged or
//! not, is in the thread twice; and the search index, which the node keeps
//! in its data directory, finds a story published just before each kill
//! without `khabar reindex`.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::{Duration, Instant};

use common::{NodeProcess, publish_story};
use khabar_core::{CommentSort, CommentStatus, Username};
use khabar_store::Store;
use khabar_testkit::{TestDatabase, on_both_backends};
use serde_json::{Value, json};

const PASSWORD: &str = "harbour lights at dusk";
const ROUNDS: usize = 4;
/// Concurrent posters, two to a reader (a token is minted by signing in,
/// and one address may sign in 30 times in 15 minutes).
const POSTERS: usize = 32;
const READERS: usize = POSTERS / 2;
/// How long the burst runs before the kill, and how long the posters go on
/// trying after it (their posts then fail: the node is gone).
const BEFORE_KILL: Duration = Duration::from_millis(1200);
const BURST: Duration = Duration::from_millis(1800);
/// How long a restarted node may take to index what it missed.
const CATCH_UP: Duration = Duration::from_secs(20);
/// A word per round no other text has, to search for.
const WORDS: [&str; ROUNDS] = ["quillwort", "samphire", "bladderwrack", "glasswort"];

/// The node under test: every poster shares one address and posts fast,
/// so no limit refuses the burst.
fn start_node(db: &TestDatabase, data: &Path) -> NodeProcess {
    NodeProcess::start(
        db,
        data,
        &[
            ("KHABAR_SITE__COMMENTS_PER_MINUTE", "100000"),
            ("KHABAR_SITE__COMMENTS_PER_DAY", "100000"),
        ],
    )
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("an HTTP client")
}

/// Posts comments on `edition` back to back until `until`; the id and body
/// of each one the node answered 201 for.
async fn burst(
    base: String,
    token: String,
    edition: i64,
    poster: usize,
    round: usize,
    until: Instant,
) -> Vec<(i64, String)> {
    let client = client();
    let mut acknowledged = Vec::new();
    let mut n = 0;
    while Instant::now() < until {
        let body = format!("Round {round}, poster {poster}, note {n}: the tide came in early.");
        n += 1;
        let answer = client
            .post(format!("{base}/api/v1/editions/{edition}/comments"))
            .header("Authorization", &token)
            .json(&json!({ "body": body }))
            .send()
            .await;
        match answer {
            Ok(answer) if answer.status() == 201 => {
                // A 201 whose body was cut by the kill was still acknowledged
                // only if its id arrived.
                if let Ok(created) = answer.json::<Value>().await
                    && let Some(id) = created["id"].as_i64()
                {
                    acknowledged.push((id, body));
                }
            }
            Ok(answer) => {
                let status = answer.status().as_u16();
                assert!(status < 500, "a post answered {status}");
            }
            // The node is gone: wait for the round to end.
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    acknowledged
}

async fn search_finds(base: &str, word: &str) -> bool {
    let Ok(answer) = client()
        .get(format!("{base}/api/v1/search/articles"))
        .query(&[("q", word)])
        .send()
        .await
    else {
        return false;
    };
    answer.text().await.is_ok_and(|text| text.contains(word))
}

async fn acknowledged_comments_survive_kill_9(db: &TestDatabase) {
    let data = tempfile::tempdir().unwrap();
    let mut node = start_node(db, data.path());
    let store = Store::open(db.url()).await.unwrap();
    let edition = publish_story(&store, "Saltmarsh survey begins").await;
    let mut tokens = Vec::new();
    for n in 0..READERS {
        tokens
            .push(common::reader_token(&store, &node.base, &format!("poster{n}"), PASSWORD).await);
    }

    let mut acknowledged: Vec<(i64, String)> = Vec::new();
    for (round, word) in WORDS.iter().enumerate() {
        let until = Instant::now() + BURST;
        let workers: Vec<_> = (0..POSTERS)
            .map(|poster| {
                tokio::spawn(burst(
                    node.base.clone(),
                    tokens[poster % READERS].clone(),
                    edition,
                    poster,
                    round,
                    until,
                ))
            })
            .collect();
        tokio::time::sleep(BEFORE_KILL / 2).await;
        // Published while comments pour in, and killed before the node can
        // be expected to have committed it to its index.
        publish_story(&store, &format!("Survey counts {word} on the flats")).await;
        tokio::time::sleep(BEFORE_KILL / 2).await;
        node.kill();
        let mut this_round = 0;
        for worker in workers {
            let got = worker.await.unwrap();
            this_round += got.len();
            acknowledged.extend(got);
        }
        assert!(
            this_round > 0,
            "round {round}: no post was acknowledged before the kill"
        );
        node = start_node(db, data.path());
    }

    // The thread as each poster sees it: every visible comment, and their
    // own held ones.
    let mut thread: BTreeMap<i64, String> = BTreeMap::new();
    for n in 0..READERS {
        let key = Username::parse(&format!("poster{n}")).unwrap().key();
        let reader = store.user_id_by_key(&key).await.unwrap().expect("a poster");
        let seen = store
            .thread(edition, Some(reader), CommentSort::Oldest, 1, 1_000_000)
            .await
            .unwrap();
        for entry in seen.comments {
            thread.insert(entry.comment.id, entry.comment.body);
        }
    }
    let mut listed: HashMap<&str, Vec<i64>> = HashMap::new();
    for (id, body) in &thread {
        listed.entry(body.as_str()).or_default().push(*id);
    }
    // Each post has a body of its own: one there twice was stored twice,
    // whether or not it was acknowledged.
    for (body, ids) in &listed {
        assert_eq!(ids.len(), 1, "{body:?} is in the thread as {ids:?}");
    }
    // Every acknowledged comment once, with its id and body.
    for (id, body) in &acknowledged {
        let stored = store
            .comment(*id)
            .await
            .unwrap_or_else(|e| panic!("acknowledged comment {id} is lost: {e}"));
        assert_eq!(&stored.body, body, "comment {id}");
        assert!(
            matches!(
                stored.status,
                CommentStatus::Visible | CommentStatus::Pending
            ),
            "acknowledged comment {id} is {:?}",
            stored.status
        );
        assert_eq!(
            listed.get(body.as_str()),
            Some(&vec![*id]),
            "comment {id} ({body}) is not in the thread exactly once"
        );
    }

    // The index caught up with every story published before a kill,
    // without a rebuild.
    for word in WORDS {
        let deadline = Instant::now() + CATCH_UP;
        while !search_finds(&node.base, word).await {
            assert!(
                Instant::now() < deadline,
                "search does not find the story with {word:?} {CATCH_UP:?} after the restart"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    eprintln!(
        "{ROUNDS} kills: {} comments acknowledged, all present once; {} in the thread",
        acknowledged.len(),
        thread.len()
    );
    store.close().await;
}

on_both_backends!(acknowledged_comments_survive_kill_9);
