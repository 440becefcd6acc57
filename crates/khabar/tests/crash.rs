//! Crash test (issue 18): `khabar serve` is killed with SIGKILL in the
//! middle of a burst of comment posts, several times over, and restarted on
//! the same database and data directory. Every comment the server answered
//! 201 for is there afterwards, once, with its id and body; and the search
//! index, which the node keeps in its data directory, finds a story
//! published just before each kill without `khabar reindex`.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use khabar_core::{CommentSort, EditionContent, EditionInput, Lang};
use khabar_store::{NewStory, Store};
use khabar_testkit::{TestDatabase, on_both_backends};
use serde_json::{Value, json};

const PASSWORD: &str = "harbour lights at dusk";
const ROUNDS: usize = 4;
const POSTERS: usize = 8;
/// How long the burst runs before the kill, and how long the posters go on
/// trying after it (their posts then fail: the node is gone).
const BEFORE_KILL: Duration = Duration::from_millis(1200);
const BURST: Duration = Duration::from_millis(1800);
/// How long a restarted node may take to index what it missed.
const CATCH_UP: Duration = Duration::from_secs(20);
/// A word per round no other text has, to search for.
const WORDS: [&str; ROUNDS] = ["quillwort", "samphire", "bladderwrack", "glasswort"];

/// One `khabar serve` process on the test's database and a data directory
/// that outlives it.
struct Node {
    child: Child,
    base: String,
}

impl Node {
    fn start(db: &TestDatabase, data: &Path) -> Node {
        let mut child = Command::new(env!("CARGO_BIN_EXE_khabar"))
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(data)
            .env("KHABAR_DATABASE_URL", db.url())
            // All the posters share one address and post fast.
            .env("KHABAR_SITE__COMMENTS_PER_MINUTE", "100000")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the khabar binary starts");
        let mut line = String::new();
        if let Some(stdout) = child.stdout.take() {
            let _ = BufReader::new(stdout).read_line(&mut line);
        }
        let base = line
            .split_whitespace()
            .find(|word| word.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .trim_end_matches('/')
            .to_owned();
        Node { child, base }
    }

    /// SIGKILL: no draining, no index commit, no goodbye.
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
        .timeout(Duration::from_secs(10))
        .build()
        .expect("an HTTP client")
}

/// A published English story, straight in the store as an editor's desk
/// would leave it; the edition's id.
async fn publish_story(store: &Store, headline: &str) -> i64 {
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
        body: "Filed by the crash test.".into(),
        ..Default::default()
    })
    .unwrap();
    let edition = store
        .create_edition(story, Lang::EN, &content, &[], None)
        .await
        .unwrap();
    store
        .publish_edition(edition, Timestamp::now(), None)
        .await
        .unwrap();
    edition
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
    let mut node = Node::start(db, data.path());
    let store = Store::open(db.url()).await.unwrap();
    let edition = publish_story(&store, "Saltmarsh survey begins").await;
    let mut tokens = Vec::new();
    for n in 0..POSTERS {
        tokens
            .push(common::reader_token(&store, &node.base, &format!("poster{n}"), PASSWORD).await);
    }

    let mut acknowledged: Vec<(i64, String)> = Vec::new();
    for (round, word) in WORDS.iter().enumerate() {
        let until = Instant::now() + BURST;
        let workers: Vec<_> = tokens
            .iter()
            .enumerate()
            .map(|(poster, token)| {
                tokio::spawn(burst(
                    node.base.clone(),
                    token.clone(),
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
        node = Node::start(db, data.path());
    }

    // Every acknowledged comment once, with its id and body.
    let thread = store
        .thread(edition, None, CommentSort::Oldest, 1, 1_000_000)
        .await
        .unwrap();
    let mut listed: HashMap<&str, Vec<i64>> = HashMap::new();
    for entry in &thread.comments {
        listed
            .entry(entry.comment.body.as_str())
            .or_default()
            .push(entry.comment.id);
    }
    for (id, body) in &acknowledged {
        let stored = store
            .comment(*id)
            .await
            .unwrap_or_else(|e| panic!("acknowledged comment {id} is lost: {e}"));
        assert_eq!(&stored.body, body, "comment {id}");
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
        thread.comments.len()
    );
    store.close().await;
}

on_both_backends!(acknowledged_comments_survive_kill_9);
