//! Copying a whole instance between stores, in both directions: SQLite →
//! PostgreSQL (a newsroom outgrowing one machine) and PostgreSQL → SQLite.

use jiff::Timestamp;
use khabar_core::moderation::{Action, Phase, Verdict};
use khabar_core::{
    CommentBody, CommentSort, DisplayName, EditionContent, EditionInput, Email, Lang, ReportReason,
    Role, Username,
};
use khabar_store::{CommentStatus, NewComment, NewStory, NewUser, Store, StoreError};
use khabar_testkit::TestDatabase;

async fn open(db: &TestDatabase) -> Store {
    let store = Store::open(db.url()).await.expect("open the store");
    store.migrate().await.expect("migrate");
    store
}

async fn user(store: &Store, name: &str, display: &str) -> i64 {
    store
        .create_user(NewUser {
            username: &Username::parse(name).unwrap(),
            email: &Email::parse(&format!("{name}@news.example")).unwrap(),
            display_name: &DisplayName::parse(display).unwrap(),
            password_hash: "x",
            role: Role::Reader,
            lang: Lang::AR,
        })
        .await
        .unwrap()
}

/// A small instance with something in the tables that matter: an Arabic
/// edition, a thread with replies, a like, a report, a moderation policy
/// change, and a counter past its largest row (a deleted token).
async fn fill(store: &Store) -> i64 {
    let layla = user(store, "layla", "ليلى").await;
    let samer = user(store, "samer", "Samer").await;
    let story = store
        .create_story(NewStory {
            section_id: None,
            tag_ids: &[],
            hero_image: None,
        })
        .await
        .unwrap();
    let content = EditionContent::parse(EditionInput {
        headline: "تصويت المرفأ".into(),
        body: "نص **الخبر** مع سطر ثانٍ\nand an English line".into(),
        ..Default::default()
    })
    .unwrap();
    let edition = store
        .create_edition(story, Lang::AR, &content, &[], None)
        .await
        .unwrap();
    store
        .publish_edition(edition, Timestamp::now(), None)
        .await
        .unwrap();
    let verdict = Verdict {
        action: Action::Approve,
        phase: Phase::PreModeration,
        reasons: Vec::new(),
    };
    let mut parent = None;
    for (i, author) in [layla, samer, layla, samer].into_iter().enumerate() {
        let id = store
            .post_comment(NewComment {
                edition_id: edition,
                author_id: author,
                body: &CommentBody::parse(&format!("تعليق رقم {i} — comment {i}")).unwrap(),
                parent_id: parent,
                status: CommentStatus::Visible,
                mentions: &[],
                verdict: &verdict,
            })
            .await
            .unwrap();
        parent = Some(id);
    }
    let first = parent.unwrap() - 3;
    store.like_comment(first, samer).await.unwrap();
    store
        .report_comment(first, samer, ReportReason::Spam, "")
        .await
        .unwrap();
    let leaver = user(store, "leaver", "Leaver").await;
    store
        .create_access_token(leaver, "gone", "hash-of-gone", "read")
        .await
        .unwrap();
    store.delete_account(leaver).await.unwrap();
    edition
}

async fn copies_everything_once(from: &TestDatabase, to: &TestDatabase) {
    let source = open(from).await;
    let target = open(to).await;
    let edition = fill(&source).await;

    let mut reported = Vec::new();
    let copied = source
        .copy_into(&target, |p| reported.push((p.rows_done, p.rows_total)))
        .await
        .unwrap();
    let total = copied.iter().map(|t| t.rows).sum::<u64>();
    assert_eq!(
        reported.last(),
        Some(&(total, total)),
        "progress ends at all"
    );
    assert!(reported.windows(2).all(|w| w[0].0 <= w[1].0));
    let rows = |table: &str| copied.iter().find(|t| t.table == table).unwrap().rows;
    assert_eq!(rows("comments"), 4);
    assert_eq!(rows("users"), 3);
    assert_eq!(rows("comment_likes"), 1);
    assert_eq!(rows("moderation_policy"), 1, "the seeded row is replaced");
    assert_eq!(
        target.table_checksums().await.unwrap(),
        source.table_checksums().await.unwrap(),
        "the same rows on both sides"
    );

    // The copy reads as the original does.
    let thread = |store: Store| async move {
        let page = store
            .thread(edition, None, CommentSort::Oldest, 1, 10)
            .await
            .unwrap();
        page.comments
            .iter()
            .flat_map(|e| {
                std::iter::once(format!("{:?}", e.comment))
                    .chain(e.replies.iter().map(|r| format!("{r:?}")))
            })
            .collect::<Vec<_>>()
    };
    let original = thread(source.clone()).await;
    assert_eq!(original.len(), 4, "the whole reply chain");
    assert_eq!(thread(target.clone()).await, original);
    let article = target.edition(edition).await.unwrap();
    assert_eq!(article.headline, "تصويت المرفأ");

    // Counters go on past the source's, deleted rows included.
    let next_user = user(&target, "newcomer", "Newcomer").await;
    assert_eq!(next_user, 4);
    let token = target
        .create_access_token(next_user, "new", "hash-of-new", "read")
        .await
        .unwrap();
    assert_eq!(token, 2, "id 1 belonged to a deleted token");

    // A second run finds the target in use and adds nothing.
    let before = target.table_checksums().await.unwrap();
    let again = source.copy_into(&target, |_| {}).await;
    assert!(
        matches!(again, Err(StoreError::TargetNotEmpty { ref table, .. }) if table == "users"),
        "{again:?}"
    );
    assert_eq!(target.table_checksums().await.unwrap(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_copies_into_postgres() {
    let from = khabar_testkit::sqlite();
    if let Some(to) = khabar_testkit::postgres().await {
        copies_everything_once(&from, &to).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_copies_into_sqlite() {
    if let Some(from) = khabar_testkit::postgres().await {
        copies_everything_once(&from, &khabar_testkit::sqlite()).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_behind_on_migrations_is_refused() {
    let from = khabar_testkit::sqlite();
    let source = open(&from).await;
    let to = khabar_testkit::sqlite();
    let unmigrated = Store::open(to.url()).await.unwrap();
    let refused = source.copy_into(&unmigrated, |_| {}).await;
    assert!(
        matches!(refused, Err(StoreError::NotMigrated { which: "target" })),
        "{refused:?}"
    );
}
