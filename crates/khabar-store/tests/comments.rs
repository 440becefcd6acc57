//! Comment threads on SQLite and on PostgreSQL.

use jiff::{SignedDuration, Timestamp};
use khabar_core::moderation::{
    Action, AuthorHistory, CommentAction, Phase, PolicySettings, UserAction, Verdict,
};
use khabar_core::{
    CommentBody, CommentSort, DisplayName, EditionContent, EditionInput, Email, Lang, ReportReason,
    Role, Username,
};
use khabar_store::{
    CommentPost, CommentStatus, EditionKey, NewComment, NewStory, NewUser, Posting, PostingLimit,
    Store, StoreError, UndoRefusal,
};
use khabar_testkit::{TestDatabase, on_both_backends};

async fn open(db: &TestDatabase) -> Store {
    let store = Store::open(db.url()).await.expect("open the store");
    store.migrate().await.expect("migrate");
    store
}

async fn reader(store: &Store, name: &str) -> i64 {
    store
        .create_user(NewUser {
            username: &Username::parse(name).unwrap(),
            email: &Email::parse(&format!("{name}@news.example")).unwrap(),
            display_name: &DisplayName::parse(name).unwrap(),
            password_hash: "x",
            role: Role::Reader,
            lang: Lang::AR,
        })
        .await
        .unwrap()
}

async fn edition(store: &Store, headline: &str, publish: bool) -> i64 {
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
        ..Default::default()
    })
    .unwrap();
    let id = store
        .create_edition(story, Lang::EN, &content, &[], None)
        .await
        .unwrap();
    if publish {
        store
            .publish_edition(id, Timestamp::now(), None)
            .await
            .unwrap();
    }
    id
}

async fn post(
    store: &Store,
    edition_id: i64,
    author_id: i64,
    body: &str,
    parent_id: Option<i64>,
) -> i64 {
    store
        .post_comment(NewComment {
            edition_id,
            author_id,
            body: &CommentBody::parse(body).unwrap(),
            parent_id,
            status: CommentStatus::Visible,
            mentions: &[],
            verdict: &approved(),
        })
        .await
        .unwrap()
}

async fn replies_nest_to_depth_three_and_then_name_whom_they_answer(db: &TestDatabase) {
    let store = open(db).await;
    let (layla, samer) = (reader(&store, "layla").await, reader(&store, "samer").await);
    let edition = edition(&store, "Harbour vote", true).await;
    let top = post(&store, edition, layla, "أول تعليق", None).await;
    let one = post(&store, edition, samer, "reply one", Some(top)).await;
    let two = post(&store, edition, layla, "reply two", Some(one)).await;
    let three = post(&store, edition, samer, "reply three", Some(two)).await;
    let four = post(&store, edition, layla, "reply four", Some(three)).await;
    let other_top = post(&store, edition, samer, "second thread", None).await;
    let sibling = post(&store, edition, layla, "another reply", Some(top)).await;

    let placed = store.comment(four).await.unwrap();
    assert_eq!(
        (placed.depth, placed.parent_id, placed.root_id),
        (3, Some(two), top)
    );
    assert_eq!(placed.reply_to_username.as_deref(), Some("samer"));

    let page = store
        .thread(edition, None, CommentSort::Oldest, 1, 10)
        .await
        .unwrap();
    let ids: Vec<i64> = page.comments.iter().map(|e| e.comment.id).collect();
    assert_eq!(ids, [top, other_top]);
    let order: Vec<i64> = page.comments[0].replies.iter().map(|r| r.id).collect();
    assert_eq!(
        order,
        [one, two, three, four, sibling],
        "each reply follows what it answers"
    );
    assert_eq!(page.comments[0].reply_count, 5);
    assert_eq!(page.comments[1].reply_count, 0);

    // The thread newest first, and a reply to a comment of another edition.
    let newest = store
        .thread(edition, None, CommentSort::Newest, 1, 10)
        .await
        .unwrap();
    assert_eq!(newest.comments[0].comment.id, other_top);
    let elsewhere = edition_two(&store).await;
    let crossed = store
        .post_comment(NewComment {
            edition_id: elsewhere,
            author_id: layla,
            body: &CommentBody::parse("x").unwrap(),
            parent_id: Some(top),
            status: CommentStatus::Visible,
            mentions: &[],
            verdict: &approved(),
        })
        .await;
    assert!(matches!(crossed, Err(StoreError::NotFound)), "{crossed:?}");
}

async fn edition_two(store: &Store) -> i64 {
    edition(store, "Second story", true).await
}

async fn drafts_take_no_comments_and_counts_are_visible_only(db: &TestDatabase) {
    let store = open(db).await;
    let layla = reader(&store, "layla").await;
    let draft = edition(&store, "Not yet", false).await;
    let refused = store
        .post_comment(NewComment {
            edition_id: draft,
            author_id: layla,
            body: &CommentBody::parse("early").unwrap(),
            parent_id: None,
            status: CommentStatus::Visible,
            mentions: &[],
            verdict: &approved(),
        })
        .await;
    assert!(matches!(refused, Err(StoreError::NotFound)));

    let live = edition(&store, "Live", true).await;
    post(&store, live, layla, "one", None).await;
    let two = post(&store, live, layla, "two", None).await;
    store
        .post_comment(NewComment {
            edition_id: live,
            author_id: layla,
            body: &CommentBody::parse("held").unwrap(),
            parent_id: None,
            status: CommentStatus::Pending,
            mentions: &[],
            verdict: &approved(),
        })
        .await
        .unwrap();
    store.delete_comment(two).await.unwrap();
    let counts = store.comment_counts(&[live, draft]).await.unwrap();
    assert_eq!(counts.get(&live), Some(&1));
    assert_eq!(counts.get(&draft), None);
    // The pending comment is not in the public thread; the deleted one stays as a placeholder.
    let page = store
        .thread(live, None, CommentSort::Oldest, 1, 10)
        .await
        .unwrap();
    assert_eq!(page.comments.len(), 2);
    assert_eq!(
        (
            page.comments[1].comment.status,
            page.comments[1].comment.body.as_str()
        ),
        (CommentStatus::Deleted, "")
    );
}

async fn edits_keep_versions_and_deletions_keep_places(db: &TestDatabase) {
    let store = open(db).await;
    let (layla, samer) = (reader(&store, "layla").await, reader(&store, "samer").await);
    let edition = edition(&store, "Story", true).await;
    let top = post(&store, edition, layla, "first words", None).await;
    let reply = post(&store, edition, samer, "a reply", Some(top)).await;
    store
        .edit_comment(
            top,
            &CommentBody::parse("better words").unwrap(),
            CommentStatus::Visible,
            &approved(),
            &[samer],
        )
        .await
        .unwrap();
    let edited = store.comment(top).await.unwrap();
    assert_eq!(edited.body, "better words");
    assert_eq!(
        edited.mentions[0].username, "samer",
        "an edit names whom it mentions"
    );
    assert!(edited.edited_at.is_some());
    let versions: Vec<String> = store
        .comment_versions(top)
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.1)
        .collect();
    assert_eq!(versions, ["better words", "first words"]);

    store.delete_comment(top).await.unwrap();
    assert!(
        matches!(store.delete_comment(top).await, Err(StoreError::NotFound)),
        "once"
    );
    assert!(matches!(
        store
            .edit_comment(
                top,
                &CommentBody::parse("zombie").unwrap(),
                CommentStatus::Visible,
                &approved(),
                &[]
            )
            .await,
        Err(StoreError::NotFound)
    ));
    let page = store
        .thread(edition, None, CommentSort::Oldest, 1, 10)
        .await
        .unwrap();
    assert_eq!(page.comments[0].comment.status, CommentStatus::Deleted);
    assert_eq!(
        page.comments[0].replies[0].id, reply,
        "the reply keeps its place"
    );

    let kinds: Vec<String> = store
        .events_since(0, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .filter(|k| k.starts_with("comment."))
        .collect();
    assert_eq!(
        kinds,
        [
            "comment.created",
            "comment.created",
            "comment.edited",
            "comment.deleted"
        ]
    );
}

async fn one_like_per_reader_and_one_report(db: &TestDatabase) {
    let store = open(db).await;
    let (layla, samer, hala) = (
        reader(&store, "layla").await,
        reader(&store, "samer").await,
        reader(&store, "hala").await,
    );
    let edition = edition(&store, "Story", true).await;
    let first = post(&store, edition, layla, "first", None).await;
    let second = post(&store, edition, layla, "second", None).await;
    assert!(store.like_comment(second, samer).await.unwrap());
    assert!(
        !store.like_comment(second, samer).await.unwrap(),
        "a second like is no like"
    );
    assert!(store.like_comment(second, hala).await.unwrap());
    assert!(store.like_comment(first, hala).await.unwrap());
    assert!(store.unlike_comment(first, hala).await.unwrap());
    assert!(!store.unlike_comment(first, hala).await.unwrap());
    assert!(matches!(
        store.like_comment(9_999, hala).await,
        Err(StoreError::NotFound)
    ));

    let liked = store
        .thread(edition, None, CommentSort::MostLiked, 1, 10)
        .await
        .unwrap();
    let order: Vec<(i64, i64)> = liked
        .comments
        .iter()
        .map(|e| (e.comment.id, e.comment.like_count))
        .collect();
    assert_eq!(order, [(second, 2), (first, 0)]);

    store
        .report_comment(first, samer, ReportReason::Abusive, "insults")
        .await
        .unwrap();
    let again = store
        .report_comment(first, samer, ReportReason::Spam, "")
        .await;
    assert!(matches!(again, Err(StoreError::Taken { .. })), "{again:?}");
    store
        .report_comment(first, hala, ReportReason::Other, "بلا سبب \"'; --")
        .await
        .unwrap();
}

async fn permalinks_find_the_page_of_a_thread(db: &TestDatabase) {
    let store = open(db).await;
    let layla = reader(&store, "layla").await;
    let edition = edition(&store, "Busy story", true).await;
    let mut tops = Vec::new();
    for i in 0..25 {
        tops.push(post(&store, edition, layla, &format!("comment {i}"), None).await);
    }
    let deep = post(&store, edition, layla, "late reply", Some(tops[21])).await;
    assert_eq!(store.comment_page(tops[0], 10).await.unwrap(), (edition, 1));
    assert_eq!(
        store.comment_page(tops[10], 10).await.unwrap(),
        (edition, 2)
    );
    assert_eq!(store.comment_page(deep, 10).await.unwrap(), (edition, 3));
    let third = store
        .thread(edition, None, CommentSort::Oldest, 3, 10)
        .await
        .unwrap();
    assert!(
        third
            .comments
            .iter()
            .any(|e| e.replies.iter().any(|r| r.id == deep))
    );
    assert!(!third.has_more);
    assert!(matches!(
        store.comment_page(123_456, 10).await,
        Err(StoreError::NotFound)
    ));
}

async fn digests_come_once_a_day(db: &TestDatabase) {
    use khabar_store::EmailPreference;
    let store = open(db).await;
    let (layla, samer) = (reader(&store, "layla").await, reader(&store, "samer").await);
    store
        .set_email_preference(layla, EmailPreference::Daily)
        .await
        .unwrap();
    let edition = edition(&store, "Story", true).await;
    let top = post(&store, edition, layla, "mine", None).await;
    post(&store, edition, samer, "a reply", Some(top)).await;
    let now = Timestamp::now();
    let key = || "k".repeat(40);
    let first = store.claim_notification_emails(now, key).await.unwrap();
    assert_eq!(first.len(), 1, "the first digest goes at once");
    assert_eq!(first[0].items.len(), 1);
    post(&store, edition, samer, "another", Some(top)).await;
    let hour = now + SignedDuration::from_hours(1);
    assert!(
        store
            .claim_notification_emails(hour, key)
            .await
            .unwrap()
            .is_empty(),
        "not twice a day"
    );
    let tomorrow = now + SignedDuration::from_hours(25);
    let next = store
        .claim_notification_emails(tomorrow, key)
        .await
        .unwrap();
    assert_eq!((next.len(), next[0].items.len()), (1, 1));
    assert!(
        store
            .claim_notification_emails(tomorrow, key)
            .await
            .unwrap()
            .is_empty(),
        "claimed once"
    );
    assert!(store.unsubscribe(&"k".repeat(40)).await.unwrap());
    assert_eq!(
        store.email_preference(layla).await.unwrap(),
        EmailPreference::Never
    );
}

async fn featured_comments_lead_their_thread(db: &TestDatabase) {
    let store = open(db).await;
    let layla = reader(&store, "layla").await;
    let edition = edition(&store, "Story", true).await;
    let first = post(&store, edition, layla, "first", None).await;
    let second = post(&store, edition, layla, "second", None).await;
    let reply = post(&store, edition, layla, "reply", Some(first)).await;
    let moderator = reader(&store, "nadia").await;
    let feature = |id, action| store.moderate_comment(id, action, moderator);
    feature(second, &CommentAction::Feature).await.unwrap();
    assert!(
        matches!(
            feature(reply, &CommentAction::Feature).await,
            Err(StoreError::Invalid(e)) if e.code == "not_featurable"
        ),
        "only top-level comments"
    );
    for sort in [
        CommentSort::Oldest,
        CommentSort::Newest,
        CommentSort::MostLiked,
    ] {
        let page = store.thread(edition, None, sort, 1, 10).await.unwrap();
        assert_eq!(page.comments[0].comment.id, second, "{sort:?}");
        assert!(page.comments[0].comment.featured);
    }
    // Permalinks follow that order: one comment a page, the featured one
    // is on the first and the oldest (and its reply) on the second.
    assert_eq!(store.comment_page(second, 1).await.unwrap(), (edition, 1));
    assert_eq!(store.comment_page(first, 1).await.unwrap(), (edition, 2));
    assert_eq!(store.comment_page(reply, 1).await.unwrap(), (edition, 2));
    feature(second, &CommentAction::Unfeature).await.unwrap();
    let page = store
        .thread(edition, None, CommentSort::Oldest, 1, 10)
        .await
        .unwrap();
    assert_eq!(page.comments[0].comment.id, first);
}

async fn the_most_discussed_count_recent_visible_comments(db: &TestDatabase) {
    let store = open(db).await;
    let busy = edition(&store, "Busy thread", true).await;
    let quiet = edition(&store, "Quiet thread", true).await;
    let amal = reader(&store, "amal").await;
    for body in ["أول", "ثاني", "ثالث"] {
        post(&store, busy, amal, body, None).await;
    }
    post(&store, quiet, amal, "وحيد", None).await;
    // Held comments are not discussion readers can see.
    store
        .post_comment(NewComment {
            edition_id: quiet,
            author_id: amal,
            body: &CommentBody::parse("معلّق").unwrap(),
            parent_id: None,
            status: CommentStatus::Pending,
            mentions: &[],
            verdict: &approved(),
        })
        .await
        .unwrap();
    let hour_ago = Timestamp::now() - SignedDuration::from_hours(1);
    let found: Vec<(i64, i64)> = store
        .most_discussed(hour_ago, 10)
        .await
        .unwrap()
        .iter()
        .map(|d| (d.record.id, d.comments))
        .collect();
    assert_eq!(found, [(busy, 3), (quiet, 1)]);
    assert_eq!(store.most_discussed(hour_ago, 1).await.unwrap().len(), 1);
    // Comments before the window do not count.
    let later = Timestamp::now() + SignedDuration::from_secs(1);
    assert!(store.most_discussed(later, 10).await.unwrap().is_empty());
}

/// A post for the writer, as the app makes one: limits and the duplicate
/// rule checked inside the transaction.
fn checked_post(
    edition_id: i64,
    author_id: i64,
    body: &str,
    parent_id: Option<i64>,
    limits: &[(&str, i64)],
) -> CommentPost {
    CommentPost {
        edition_id,
        author_id,
        body: CommentBody::parse(body).unwrap(),
        parent_id,
        status: CommentStatus::Visible,
        mentions: Vec::new(),
        verdict: approved(),
        written_at: None,
        limits: limits
            .iter()
            .map(|(bucket, max)| PostingLimit {
                bucket: (*bucket).to_owned(),
                max: *max,
                window: SignedDuration::from_mins(1),
            })
            .collect(),
        duplicate_window: Some(SignedDuration::from_mins(10)),
    }
}

/// Posts all at once, as a burst of requests does, so the writer gathers
/// them into shared transactions.
async fn burst(store: &Store, posts: Vec<CommentPost>) -> Vec<Result<Posting, StoreError>> {
    let tasks: Vec<_> = posts
        .into_iter()
        .map(|post| {
            let store = store.clone();
            tokio::spawn(async move { store.post_comment_checked(post).await })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    outcomes
}

fn posted(outcomes: &[Result<Posting, StoreError>]) -> usize {
    outcomes
        .iter()
        .filter(|o| matches!(o, Ok(Posting::Posted(_))))
        .count()
}

/// Limits hold exactly when comments arrive together: each is counted in
/// arrival order inside the transaction that posts it, stops at the first
/// full limit, and counts against no later one.
async fn the_writer_counts_limits_exactly_in_a_burst(db: &TestDatabase) {
    let store = open(db).await;
    let edition = edition(&store, "Burst", true).await;
    let (rana, sami) = (reader(&store, "rana").await, reader(&store, "sami").await);
    let mut posts = Vec::new();
    for n in 0..20 {
        for (who, name) in [(rana, "rana"), (sami, "sami")] {
            let minute = format!("minute:{name}");
            let limits = [(minute.as_str(), 5), ("address", 7)];
            posts.push(checked_post(
                edition,
                who,
                &format!("{name} {n}"),
                None,
                &limits,
            ));
        }
    }
    let outcomes = burst(&store, posts).await;
    assert_eq!(
        posted(&outcomes),
        7,
        "the address's limit binds: {outcomes:?}"
    );
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, Ok(Posting::Posted(_) | Posting::Limited(_))))
    );
    let by = |who: i64| {
        outcomes
            .iter()
            .zip((0..40).map(|i| if i % 2 == 0 { rana } else { sami }))
            .filter(|(o, author)| *author == who && matches!(o, Ok(Posting::Posted(_))))
            .count()
    };
    assert!(by(rana) <= 5 && by(sami) <= 5);
    let page = store
        .thread(edition, None, CommentSort::Oldest, 1, 50)
        .await
        .unwrap();
    assert_eq!(page.comments.len(), 7);
    // Refused posts counted where they were refused: the next one waits.
    let next = store
        .post_comment_checked(checked_post(
            edition,
            rana,
            "later",
            None,
            &[("address", 7)],
        ))
        .await
        .unwrap();
    assert!(matches!(next, Posting::Limited(wait) if wait > SignedDuration::ZERO));
}

/// The same text sent many times at once is posted once.
async fn a_burst_of_one_text_posts_it_once(db: &TestDatabase) {
    let store = open(db).await;
    let edition = edition(&store, "Twice", true).await;
    let rana = reader(&store, "rana").await;
    let posts = (0..20)
        .map(|_| checked_post(edition, rana, "the same words", None, &[]))
        .collect();
    let outcomes = burst(&store, posts).await;
    assert_eq!(posted(&outcomes), 1);
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| matches!(o, Ok(Posting::Duplicate)))
            .count(),
        19
    );
    // Another edition, or another reader, may say the same.
    let other = edition_two(&store).await;
    let sami = reader(&store, "sami").await;
    for (edition, author) in [(other, rana), (edition, sami)] {
        let again = checked_post(edition, author, "the same words", None, &[]);
        assert!(matches!(
            store.post_comment_checked(again).await,
            Ok(Posting::Posted(_))
        ));
    }
}

/// A database upgraded from before comments kept a hash of their body:
/// the duplicate rule, which finds the same text by that hash, still sees
/// what was posted just before the upgrade.
async fn texts_posted_before_the_body_hash_are_compared_after_the_upgrade(db: &TestDatabase) {
    let store = open(db).await;
    let edition = edition(&store, "Upgrade", true).await;
    let rana = reader(&store, "rana").await;
    let said = || checked_post(edition, rana, "said before the upgrade", None, &[]);
    let first = store.post_comment_checked(said()).await.unwrap();
    assert!(matches!(first, Posting::Posted(_)), "{first:?}");
    // The database as it was before the migration that added the hash.
    let pool = sqlx::AnyPool::connect(db.url()).await.unwrap();
    for sql in [
        "DROP INDEX comments_repeats",
        "ALTER TABLE comments DROP COLUMN body_hash",
        "DELETE FROM _sqlx_migrations WHERE version = 19",
    ] {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    pool.close().await;
    store.migrate().await.unwrap();
    assert_eq!(
        store.post_comment_checked(said()).await.unwrap(),
        Posting::Duplicate
    );
}

/// A comment that cannot be posted fails alone: a reply to no comment is
/// not found, and one the database refuses (an author who does not exist)
/// fails its own caller while the rest of its batch is posted.
async fn a_failing_comment_fails_alone(db: &TestDatabase) {
    let store = open(db).await;
    let edition = edition(&store, "Alone", true).await;
    let rana = reader(&store, "rana").await;
    let mut posts: Vec<_> = (0..10)
        .map(|n| checked_post(edition, rana, &format!("fine {n}"), None, &[]))
        .collect();
    posts.insert(
        3,
        checked_post(edition, rana, "to nobody", Some(999_999), &[]),
    );
    posts.insert(7, checked_post(edition, 999_999, "by nobody", None, &[]));
    let outcomes = burst(&store, posts).await;
    assert!(matches!(outcomes[3], Err(StoreError::NotFound)));
    assert!(
        matches!(outcomes[7], Err(StoreError::Database(_))),
        "{:?}",
        outcomes[7]
    );
    assert_eq!(posted(&outcomes), 10);
    let page = store
        .thread(edition, None, CommentSort::Oldest, 1, 50)
        .await
        .unwrap();
    assert_eq!(page.comments.len(), 10);
    // Each posted comment has its event, once.
    let ids: Vec<i64> = outcomes
        .iter()
        .filter_map(|o| match o {
            Ok(Posting::Posted(placed)) => Some(placed.id),
            _ => None,
        })
        .collect();
    let events = store.events_since(0, 1000).await.unwrap();
    for id in ids {
        let count = events
            .iter()
            .filter(|e| e.kind == "comment.created" && e.payload["comment_id"] == id)
            .count();
        assert_eq!(count, 1, "events of comment {id}");
    }
}

/// The comment writer keeps the write connection between its batches
/// while comments keep coming, but not for the whole burst: other writes
/// (here, readers signing up) have their turn while it goes on. On SQLite
/// the write connection is the only one, so a writer that never let go
/// would hold them until the burst ended.
async fn other_writes_have_their_turn_during_a_burst(db: &TestDatabase) {
    let store = open(db).await;
    let edition = edition(&store, "Pouring", true).await;
    let rana = reader(&store, "rana").await;
    let pouring = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let posters: Vec<_> = (0..32)
        .map(|poster| {
            let (store, pouring) = (store.clone(), pouring.clone());
            tokio::spawn(async move {
                let mut posted = 0;
                while pouring.load(std::sync::atomic::Ordering::Relaxed) {
                    let body = format!("poster {poster} comment {posted}");
                    let post = checked_post(edition, rana, &body, None, &[]);
                    if let Ok(Posting::Posted(_)) = store.post_comment_checked(post).await {
                        posted += 1;
                    }
                }
                posted
            })
        })
        .collect();
    let mut signed_up = Vec::new();
    for n in 0..5 {
        let name = format!("newcomer{n}");
        // Not a timing claim: a guard against waiting for the burst's end,
        // which here never comes while this waits.
        let id = tokio::time::timeout(std::time::Duration::from_secs(20), reader(&store, &name))
            .await
            .unwrap_or_else(|_| panic!("{name} was not written while comments poured in"));
        assert!(
            pouring.load(std::sync::atomic::Ordering::Relaxed),
            "the burst is still on"
        );
        signed_up.push(id);
    }
    pouring.store(false, std::sync::atomic::Ordering::Relaxed);
    let mut posted = 0;
    for poster in posters {
        posted += poster.await.unwrap();
    }
    assert!(posted > 0, "comments were posted meanwhile");
    for id in signed_up {
        assert_eq!(store.account(id).await.unwrap().id, id);
    }
    let counts = store.comment_counts(&[edition]).await.unwrap();
    assert_eq!(counts.get(&edition).copied(), Some(posted));
}

on_both_backends!(
    other_writes_have_their_turn_during_a_burst,
    the_writer_counts_limits_exactly_in_a_burst,
    a_burst_of_one_text_posts_it_once,
    texts_posted_before_the_body_hash_are_compared_after_the_upgrade,
    a_failing_comment_fails_alone,
    the_most_discussed_count_recent_visible_comments,
    featured_comments_lead_their_thread,
    digests_come_once_a_day,
    replies_nest_to_depth_three_and_then_name_whom_they_answer,
    drafts_take_no_comments_and_counts_are_visible_only,
    edits_keep_versions_and_deletions_keep_places,
    one_like_per_reader_and_one_report,
    permalinks_find_the_page_of_a_thread,
);

/// What the pipeline says of an ordinary comment.
fn approved() -> Verdict {
    Verdict {
        action: Action::Approve,
        phase: Phase::PreModeration,
        reasons: Vec::new(),
    }
}

/// Every kind of decision undone puts back exactly what it changed: a
/// redacted body and its note, featuring, a reader's warning, suspension
/// and notes; undos are not decisions themselves, and a later action on
/// the reader (not a note) stands in the way of undoing an earlier one.
async fn decisions_undone_restore_what_they_changed(db: &TestDatabase) {
    let store = open(db).await;
    let layla = reader(&store, "layla").await;
    let moderator = reader(&store, "nadia").await;
    let edition = edition(&store, "Story", true).await;
    let comment = post(&store, edition, layla, "Call me on 0123", None).await;
    let window = SignedDuration::from_mins(5);
    let undo = |decision| store.undo_decision(decision, moderator, Timestamp::now(), window);

    let redacted = store
        .moderate_comment(
            comment,
            &CommentAction::Redact {
                note: "phone number".into(),
            },
            moderator,
        )
        .await
        .unwrap();
    let featured = store
        .moderate_comment(comment, &CommentAction::Feature, moderator)
        .await
        .unwrap();
    assert_eq!(
        undo(redacted).await.unwrap(),
        Err(UndoRefusal::Superseded),
        "featuring came after"
    );
    let undone = undo(featured).await.unwrap().unwrap();
    assert!(!store.comment(comment).await.unwrap().featured);
    assert!(undo(redacted).await.unwrap().is_ok());
    let shown = store.comment(comment).await.unwrap();
    assert_eq!(
        (shown.body.as_str(), shown.redaction_note),
        ("Call me on 0123", None)
    );
    assert!(
        matches!(store.decision(undone).await, Err(StoreError::NotFound)),
        "an undo is not undone"
    );

    let mut decisions = Vec::new();
    for action in [
        UserAction::Warn {
            message: "Mind the tone".into(),
        },
        UserAction::Note {
            body: "Shares numbers".into(),
        },
        UserAction::Suspend { hours: 24 },
    ] {
        decisions.push(
            store
                .moderate_user(layla, &action, moderator)
                .await
                .unwrap(),
        );
    }
    let [warned, noted, suspended] = decisions[..] else {
        unreachable!("three actions")
    };
    assert_eq!(undo(warned).await.unwrap(), Err(UndoRefusal::Superseded));
    undo(suspended).await.unwrap().unwrap();
    undo(noted).await.unwrap().unwrap();
    undo(warned).await.unwrap().unwrap();
    let history = store.reader_history(layla).await.unwrap();
    assert_eq!(
        (
            history.standing.warning,
            history.standing.suspended_until,
            history.notes.len()
        ),
        (None, None, 0)
    );
}

on_both_backends!(decisions_undone_restore_what_they_changed);

/// The visible counts the database keeps (migration 21) follow every way a
/// comment comes, goes or changes status: the writer's batches, posts on
/// their own, held and approved, rejected, a ban that rejects a reader's
/// comments and its undo, and deletion.
async fn kept_counts_follow_every_change(db: &TestDatabase) {
    let store = open(db).await;
    let layla = reader(&store, "layla").await;
    let omar = reader(&store, "omar").await;
    let moderator = reader(&store, "nadia").await;
    let first = edition(&store, "First", true).await;
    let second = edition_two(&store).await;
    let counts = || async { store.comment_counts(&[first, second]).await.unwrap() };
    let expect = |a: i64, b: i64| std::collections::HashMap::from([(first, a), (second, b)]);

    let mut posts: Vec<CommentPost> = (0..12)
        .map(|n| {
            let (edition, author) = match n {
                0..=5 => (first, layla),
                6..=8 => (first, omar),
                _ => (second, layla),
            };
            checked_post(edition, author, &format!("comment {n}"), None, &[])
        })
        .collect();
    posts[11].status = CommentStatus::Pending;
    let outcomes = burst(&store, posts).await;
    assert_eq!(posted(&outcomes), 12);
    assert_eq!(counts().await, expect(9, 2), "the held one is not counted");

    let held = match &outcomes[11] {
        Ok(Posting::Posted(placed)) => placed.id,
        other => panic!("posted, not {other:?}"),
    };
    store
        .moderate_comment(held, &CommentAction::Approve, moderator)
        .await
        .unwrap();
    let alone = post(&store, second, omar, "on its own", None).await;
    assert_eq!(counts().await, expect(9, 4));

    let Ok(Posting::Posted(rejected)) = &outcomes[0] else {
        panic!("posted")
    };
    store
        .moderate_comment(
            rejected.id,
            &CommentAction::Reject {
                reason: String::new(),
                message: String::new(),
            },
            moderator,
        )
        .await
        .unwrap();
    store.delete_comment(alone).await.unwrap();
    let Ok(Posting::Posted(featured)) = &outcomes[1] else {
        panic!("posted")
    };
    store
        .moderate_comment(featured.id, &CommentAction::Feature, moderator)
        .await
        .unwrap();
    assert_eq!(counts().await, expect(8, 3));

    let ban = store
        .moderate_user(
            omar,
            &UserAction::Ban {
                reject_comments: true,
            },
            moderator,
        )
        .await
        .unwrap();
    assert_eq!(
        counts().await,
        expect(5, 3),
        "the ban rejected omar's three"
    );
    store
        .undo_decision(
            ban,
            moderator,
            Timestamp::now(),
            SignedDuration::from_mins(5),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(counts().await, expect(8, 3), "the undo brought them back");
}

on_both_backends!(kept_counts_follow_every_change);

/// Whether the rejection-rate rule holds for a record, as the pipeline
/// weighs it (khabar-core's `moderate`, rule 8).
fn rejection_rule_holds(history: &AuthorHistory, policy: &PolicySettings) -> bool {
    let threshold = policy.rejection_rate_percent;
    threshold > 0
        && history.recent >= policy.rejection_rate_min_comments.max(1)
        && history.recent_rejected * 100 > threshold * history.recent
}

/// A reader's recent comments are counted only as far as their rejections
/// could tip the rejection rate, and the rule's verdict (and, when it
/// holds, the share it names) is what counting them all gives: rejections
/// old or new, below and above the threshold, before and after the
/// moderators change it.
async fn the_record_is_counted_as_far_as_rejections_can_tip_the_rate(db: &TestDatabase) {
    let store = open(db).await;
    let edition = edition(&store, "Record", true).await;
    let moderator = reader(&store, "record_moderator").await;
    let mut policy = PolicySettings {
        new_commenter_approvals: 0,
        rejection_rate_percent: 50,
        rejection_rate_min_comments: 5,
        ..PolicySettings::default()
    };
    store
        .set_moderation_policy(&policy, moderator)
        .await
        .unwrap();
    let (v, r) = (CommentStatus::Visible, CommentStatus::Rejected);
    let runs = |runs: &[(usize, CommentStatus)]| -> Vec<CommentStatus> {
        runs.iter()
            .flat_map(|&(n, status)| std::iter::repeat_n(status, n))
            .collect()
    };
    // Oldest first; what counting every comment says (None: the rule
    // does not hold).
    let cases: Vec<(Vec<CommentStatus>, Option<&str>)> = vec![
        (runs(&[(10, v)]), None),
        (runs(&[(4, r), (4, v)]), None),
        (runs(&[(6, r), (4, v)]), Some("6/10")),
        (runs(&[(3, r)]), None),
        (runs(&[(5, r)]), Some("5/5")),
        (runs(&[(6, r), (20, v)]), None),
        (runs(&[(20, v), (14, r)]), None),
        (runs(&[(5, v), (5, r), (1, v), (1, r)]), None),
        (runs(&[(4, v), (6, r), (1, v)]), Some("6/11")),
    ];
    let start = Timestamp::now() - SignedDuration::from_hours(1);
    let mut readers = Vec::new();
    for (n, (statuses, _)) in cases.iter().enumerate() {
        let author = reader(&store, &format!("record_{n}")).await;
        for (i, status) in statuses.iter().enumerate() {
            store
                .post_comment_at(
                    NewComment {
                        edition_id: edition,
                        author_id: author,
                        body: &CommentBody::parse(&format!("comment {i}")).unwrap(),
                        parent_id: None,
                        status: *status,
                        mentions: &[],
                        verdict: &approved(),
                    },
                    start + SignedDuration::from_secs(i as i64),
                )
                .await
                .unwrap();
        }
        readers.push(author);
    }
    // A reader with no rejection has their newest comment counted, no more.
    let clean = store
        .comment_inputs(EditionKey::Id(edition), readers[0], "a new one", None)
        .await
        .unwrap();
    assert_eq!(clean.pipeline.history.recent, 1);
    for ((_, expected), author) in cases.iter().zip(&readers) {
        let inputs = store
            .comment_inputs(EditionKey::Id(edition), *author, "a new one", None)
            .await
            .unwrap();
        let history = &inputs.pipeline.history;
        let holds = rejection_rule_holds(history, &policy);
        assert_eq!(holds, expected.is_some(), "reader {author}: {history:?}");
        if let Some(share) = expected {
            let named = format!("{}/{}", history.recent_rejected, history.recent);
            assert_eq!(&named, share, "the rule names the whole share");
        }
    }
    // A lower threshold counts further: six old rejections among 26 tip 20 %.
    policy.rejection_rate_percent = 20;
    store
        .set_moderation_policy(&policy, moderator)
        .await
        .unwrap();
    let inputs = store
        .comment_inputs(EditionKey::Id(edition), readers[5], "a new one", None)
        .await
        .unwrap();
    let history = &inputs.pipeline.history;
    assert!(rejection_rule_holds(history, &policy), "{history:?}");
    assert_eq!((history.recent_rejected, history.recent), (6, 26));
}

on_both_backends!(the_record_is_counted_as_far_as_rejections_can_tip_the_rate);
