//! `khabar migrate-data`: a newsroom that started on the embedded SQLite
//! default moves its whole instance — the demo stories plus generated
//! reader discussion — onto PostgreSQL, and everything arrives once.

mod common;

use std::process::{Command, Output};

use common::{client, spawn_app};
use khabar_core::moderation::{Action, Phase, Verdict};
use khabar_core::password::hash_password;
use khabar_core::{CommentBody, DisplayName, Email, Lang, ReportReason, Role, Username};
use khabar_store::{CommentStatus, NewComment, NewUser, NewsroomFilter, Store};
use khabar_testkit::TestDatabase;
use serde_json::{Value, json};

const PASSWORD: &str = "harbour lights at dusk";
const READERS: usize = 30;
const COMMENTS: usize = 1200;

fn migrate_data(from: &TestDatabase, to: &TestDatabase) -> Output {
    Command::new(env!("CARGO_BIN_EXE_khabar"))
        .args([
            "migrate-data",
            "--from",
            from.url(),
            "--to",
            to.url(),
            "--data",
        ])
        .arg(from.dir())
        .output()
        .expect("the khabar binary runs")
}

/// A small deterministic generator: the same discussion on every run.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// The ids of every published edition.
async fn published_editions(store: &Store) -> Vec<i64> {
    let filter = NewsroomFilter {
        status: Some(khabar_core::EditionStatus::Published),
        ..NewsroomFilter::default()
    };
    let page = store.newsroom_editions(&filter, 1, 100).await.unwrap();
    page.items.iter().map(|e| e.record.id).collect()
}

/// Readers and a discussion under every published edition: threads,
/// mentions (and their notifications), likes, reports, edits, deletions.
async fn discuss(store: &Store) -> usize {
    let verdict = Verdict {
        action: Action::Approve,
        phase: Phase::PreModeration,
        reasons: Vec::new(),
    };
    let hash = hash_password(PASSWORD).unwrap();
    let mut readers = Vec::new();
    for i in 0..READERS {
        let name = format!("reader{i}");
        let display = if i % 2 == 0 {
            format!("قارئ {i}")
        } else {
            format!("Reader {i}")
        };
        let id = store
            .create_user(NewUser {
                username: &Username::parse(&name).unwrap(),
                email: &Email::parse(&format!("{name}@readers.example")).unwrap(),
                display_name: &DisplayName::parse(&display).unwrap(),
                password_hash: &hash,
                role: Role::Reader,
                lang: if i % 2 == 0 { Lang::AR } else { Lang::EN },
            })
            .await
            .unwrap();
        readers.push((id, name));
    }
    let editions = published_editions(store).await;
    let mut dice = Dice(9);
    let mut posted: Vec<(i64, i64)> = Vec::new();
    // Deleted comments take no replies.
    let mut deleted: Vec<i64> = Vec::new();
    for n in 0..COMMENTS {
        let edition = editions[dice.below(editions.len())];
        let (author, _) = readers[dice.below(READERS)];
        let earlier: Vec<i64> = posted
            .iter()
            .filter(|(e, id)| *e == edition && !deleted.contains(id))
            .map(|(_, id)| *id)
            .collect();
        let parent =
            (!earlier.is_empty() && dice.below(2) == 0).then(|| earlier[dice.below(earlier.len())]);
        let (mentioned, mention_name) = &readers[dice.below(READERS)];
        let mentions = if n % 7 == 0 { vec![*mentioned] } else { vec![] };
        let body = if n % 7 == 0 {
            format!("@{mention_name} ما رأيك؟ التعليق {n} — what do you think?")
        } else if n % 2 == 0 {
            format!("تعليق رقم {n} على الخبر، مع **رأي** واضح")
        } else {
            format!("Comment number {n}, with a [link](https://news.example/{n})")
        };
        let id = store
            .post_comment(NewComment {
                edition_id: edition,
                author_id: author,
                body: &CommentBody::parse(&body).unwrap(),
                parent_id: parent,
                status: CommentStatus::Visible,
                mentions: &mentions,
                verdict: &verdict,
            })
            .await
            .unwrap();
        posted.push((edition, id));
        let (liker, _) = readers[dice.below(READERS)];
        if n % 3 == 0 && liker != author {
            store.like_comment(id, liker).await.unwrap();
        }
        if n % 50 == 0 {
            store
                .report_comment(id, liker, ReportReason::Spam, "تكرار")
                .await
                .ok();
        }
        if n % 40 == 1 {
            let edited = CommentBody::parse(&format!("{body} (edited)")).unwrap();
            store
                .edit_comment(id, &edited, CommentStatus::Visible, &verdict, &mentions)
                .await
                .unwrap();
        }
        if n % 90 == 2 {
            store.delete_comment(id).await.unwrap();
            deleted.push(id);
        }
    }
    posted.len()
}

/// What a reader sees of every published edition's discussion, page by
/// page, with the node's own address taken out.
async fn discussions(base: &str, editions: &[i64]) -> Vec<String> {
    let mut seen = Vec::new();
    for edition in editions {
        for page in 1.. {
            let answer: Value = client()
                .get(format!(
                    "{base}/api/v1/editions/{edition}/comments?sort=oldest&page={page}"
                ))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let comments = answer["comments"].as_array().cloned().unwrap_or_default();
            if comments.is_empty() {
                break;
            }
            seen.push(answer.to_string().replace(base, "BASE"));
        }
    }
    seen
}

/// The search API's answer for `words`, with the node's address taken out.
async fn search(base: &str, words: &str) -> String {
    client()
        .get(format!("{base}/api/v1/search/articles"))
        .query(&[("q", words)])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .replace(base, "BASE")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_and_its_discussion_move_to_postgres_once() {
    let Some(to) = khabar_testkit::postgres().await else {
        return;
    };
    let from = khabar_testkit::sqlite();

    // The demo instance on SQLite, a discussion under it, and a reader's
    // personal access token minted through the site.
    let source = spawn_app(&from, true).await;
    let demo_comments = source
        .store()
        .table_checksums()
        .await
        .unwrap()
        .iter()
        .find(|t| t.table == "comments")
        .map_or(0, |t| t.rows as usize);
    let posted = demo_comments + discuss(source.store()).await;
    let token: Value = client()
        .post(format!("{}/api/v1/tokens", source.base_url()))
        .json(&json!({ "login": "reader3", "password": PASSWORD, "scopes": ["read", "comment"], "name": "phone" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = format!("Bearer {}", token["token"].as_str().expect("a token"));
    let editions = published_editions(source.store()).await;
    assert!(editions.len() >= 9, "the demo's editions");
    let source_base = source.base_url().to_owned();
    let before = discussions(&source_base, &editions).await;
    assert!(before.len() > editions.len(), "threads of several pages");
    let search_before = search(&source_base, "انتخابات").await;
    assert!(search_before.contains("Marsa Nour") || search_before.contains("مرسى نور"));
    source.stop().await.unwrap();

    // The copy.
    let output = migrate_data(&from, &to);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("every table's row count and checksum match"),
        "{stdout}"
    );
    let comments_line = stdout
        .lines()
        .find(|line| line.starts_with("comments "))
        .expect("the comments table's line");
    assert_eq!(
        comments_line.split_whitespace().nth(1),
        Some(posted.to_string().as_str()),
        "{comments_line}"
    );

    // Both databases hold the same rows, table by table.
    let sqlite = Store::open(from.url()).await.unwrap();
    let postgres = Store::open(to.url()).await.unwrap();
    let sums = sqlite.table_checksums().await.unwrap();
    assert_eq!(postgres.table_checksums().await.unwrap(), sums);
    let rows = |table: &str| sums.iter().find(|t| t.table == table).unwrap().rows;
    assert_eq!(rows("comments"), posted as u64);
    assert!(rows("comment_likes") > 100 && rows("notifications") > 100);
    assert!(rows("comment_versions") > 0 && rows("comment_reports") > 0);
    assert!(rows("sessions") + rows("access_tokens") > 0);

    // Run again, nothing doubles: the target is refused as in use.
    let again = migrate_data(&from, &to);
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("the target database is not empty"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(postgres.table_checksums().await.unwrap(), sums);
    sqlite.close().await;
    postgres.close().await;

    // A node on PostgreSQL serves the same discussion, finds the same
    // stories, and honours the token minted before the move.
    let moved = spawn_app(&to, false).await;
    assert_eq!(discussions(moved.base_url(), &editions).await, before);
    assert_eq!(search(moved.base_url(), "انتخابات").await, search_before);
    let me: Value = client()
        .get(format!("{}/api/v1/me", moved.base_url()))
        .header("Authorization", &token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["user"]["username"], "reader3", "{me}");
    let reply = client()
        .post(format!(
            "{}/api/v1/editions/{}/comments",
            moved.base_url(),
            editions[0]
        ))
        .header("Authorization", &token)
        .json(&json!({ "body": "أول تعليق بعد الانتقال" }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        reply.status(),
        201,
        "new ids do not collide with copied ones"
    );
    moved.stop().await.unwrap();
}
