//! The store's conformance suite: every test runs on SQLite and on
//! PostgreSQL.

use jiff::{SignedDuration, Timestamp};
use khabar_core::{EditionContent, EditionInput, EditionStatus, Lang, Slug};
use khabar_store::{AuthorProfile, ListFilter, Named, NewStory, Store, StoreError};
use khabar_testkit::{TestDatabase, on_both_backends};

async fn open(db: &TestDatabase) -> Store {
    let store = Store::open(db.url()).await.expect("open the store");
    store.migrate().await.expect("migrate");
    store
}

fn content(headline: &str) -> EditionContent {
    EditionContent::parse(EditionInput {
        headline: headline.into(),
        standfirst: format!("About {headline}"),
        body: format!("Body of *{headline}*."),
        ..Default::default()
    })
    .expect("valid content")
}

fn named(ar: &str, en: &str) -> Vec<Named> {
    vec![
        Named {
            lang: Lang::AR,
            name: ar.into(),
        },
        Named {
            lang: Lang::EN,
            name: en.into(),
        },
    ]
}

/// A story in section "politics" with a published English and Arabic edition.
async fn published_pair(store: &Store, en: &str, ar: &str) -> (i64, i64, i64) {
    let section = match store.section_by_slug(Lang::EN, "politics").await.unwrap() {
        Some(s) => s.id,
        None => store
            .create_section(
                &Slug::parse("politics").unwrap(),
                1,
                &named("سياسة", "Politics"),
            )
            .await
            .unwrap(),
    };
    let story = store
        .create_story(NewStory {
            section_id: Some(section),
            tag_ids: &[],
            hero_image: None,
        })
        .await
        .unwrap();
    let en_id = store
        .create_edition(story, Lang::EN, &content(en), &[], None)
        .await
        .unwrap();
    let ar_id = store
        .create_edition(story, Lang::AR, &content(ar), &[], None)
        .await
        .unwrap();
    store
        .publish_edition(en_id, Timestamp::now(), None)
        .await
        .unwrap();
    store
        .publish_edition(ar_id, Timestamp::now(), None)
        .await
        .unwrap();
    (story, en_id, ar_id)
}

async fn migrations_apply_once_and_report_ready(db: &TestDatabase) {
    let store = open(db).await;
    store.migrate().await.expect("second migrate is a no-op");
    assert!(store.is_ready().await);
    assert!(store.has_no_stories().await.unwrap());
}

async fn editions_are_read_back_with_their_sibling(db: &TestDatabase) {
    let store = open(db).await;
    let author = store
        .create_author(
            &Slug::parse("layla-haddad").unwrap(),
            &[
                AuthorProfile {
                    lang: Lang::AR,
                    name: "ليلى حداد".into(),
                    bio: "مراسلة".into(),
                },
                AuthorProfile {
                    lang: Lang::EN,
                    name: "Layla Haddad".into(),
                    bio: "Reporter".into(),
                },
            ],
            None,
        )
        .await
        .unwrap();
    let tag = store
        .create_tag(
            &Slug::parse("elections").unwrap(),
            &named("انتخابات", "Elections"),
        )
        .await
        .unwrap();
    let story = store
        .create_story(NewStory {
            section_id: None,
            tag_ids: &[tag],
            hero_image: None,
        })
        .await
        .unwrap();
    let ar = store
        .create_edition(
            story,
            Lang::AR,
            &content("الانتخابات البلدية"),
            &[author],
            None,
        )
        .await
        .unwrap();
    let en = store
        .create_edition(
            story,
            Lang::EN,
            &content("The municipal vote"),
            &[author],
            None,
        )
        .await
        .unwrap();

    // Drafts are invisible.
    assert!(
        store
            .article(Lang::AR, "الانتخابات-البلدية")
            .await
            .unwrap()
            .is_none()
    );
    store
        .publish_edition(ar, Timestamp::now(), None)
        .await
        .unwrap();
    let article = store
        .article(Lang::AR, "الانتخابات-البلدية")
        .await
        .unwrap()
        .expect("published");
    assert_eq!(article.summary.authors[0].name, "ليلى حداد");
    assert_eq!(article.tags[0].name, "انتخابات");
    assert!(
        article.other_editions.is_empty(),
        "the English edition is still a draft"
    );

    store
        .publish_edition(en, Timestamp::now(), None)
        .await
        .unwrap();
    let article = store
        .article(Lang::AR, "الانتخابات-البلدية")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(article.other_editions[0].slug, "the-municipal-vote");
    let english = store
        .article(Lang::EN, "the-municipal-vote")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(english.summary.authors[0].name, "Layla Haddad");

    let by_author = store
        .published(Lang::EN, ListFilter::Author(author), 1, 10)
        .await
        .unwrap();
    assert_eq!(by_author.items.len(), 1);
    let by_tag = store
        .published(Lang::AR, ListFilter::Tag(tag), 1, 10)
        .await
        .unwrap();
    assert_eq!(by_tag.items[0].id, ar);

    store.unpublish_edition(en, None).await.unwrap();
    assert!(
        store
            .article(Lang::EN, "the-municipal-vote")
            .await
            .unwrap()
            .is_none()
    );
}

async fn slugs_are_unique_per_language(db: &TestDatabase) {
    let store = open(db).await;
    let story = |store: &Store| {
        let store = store.clone();
        async move {
            store
                .create_story(NewStory {
                    section_id: None,
                    tag_ids: &[],
                    hero_image: None,
                })
                .await
                .unwrap()
        }
    };
    let first = story(&store).await;
    let second = story(&store).await;
    store
        .create_edition(first, Lang::EN, &content("Harbour"), &[], None)
        .await
        .unwrap();
    // The same slug in the other language is fine.
    store
        .create_edition(first, Lang::AR, &content("Harbour"), &[], None)
        .await
        .unwrap();
    let taken = store
        .create_edition(second, Lang::EN, &content("Harbour"), &[], None)
        .await;
    assert!(
        matches!(taken, Err(StoreError::Taken { what: "slug" })),
        "{taken:?}"
    );
    // A story has one edition per language.
    let twice = store
        .create_edition(first, Lang::EN, &content("Another"), &[], None)
        .await;
    assert!(matches!(twice, Err(StoreError::Taken { .. })), "{twice:?}");
}

async fn every_save_keeps_a_revision_and_stale_saves_conflict(db: &TestDatabase) {
    let store = open(db).await;
    let (_, en, _) = published_pair(&store, "First headline", "عنوان أول").await;
    let revision = store
        .update_edition(en, 1, &content("Second headline"), &[], None)
        .await
        .unwrap();
    assert_eq!(revision, 2);
    let stale = store
        .update_edition(en, 1, &content("Lost update"), &[], None)
        .await;
    assert!(matches!(stale, Err(StoreError::Conflict)), "{stale:?}");

    let revisions = store.revisions(en).await.unwrap();
    let headlines: Vec<_> = revisions
        .iter()
        .map(|r| (r.revision, r.headline.as_str()))
        .collect();
    assert_eq!(headlines, [(2, "Second headline"), (1, "First headline")]);
    let record = store.edition(en).await.unwrap();
    assert_eq!(
        (record.revision, record.slug.as_str()),
        (2, "second-headline")
    );

    // A refused save writes no event.
    let edits = |events: Vec<khabar_store::Event>| {
        events
            .into_iter()
            .filter(|e| e.kind == "edition.edited")
            .count()
    };
    assert_eq!(edits(store.events_since(0, 100).await.unwrap()), 1);

    // The byline and comment setting are part of each revision.
    let author = store
        .create_author(
            &Slug::parse("hala").unwrap(),
            &[AuthorProfile {
                lang: Lang::EN,
                name: "Hala".into(),
                bio: String::new(),
            }],
            None,
        )
        .await
        .unwrap();
    let mut closed = content("Second headline");
    closed.comment_mode = khabar_core::CommentMode::Closed;
    store
        .update_edition(en, 2, &closed, &[author], None)
        .await
        .unwrap();
    let latest = &store.revisions(en).await.unwrap()[0];
    assert_eq!(
        (latest.author_ids.as_slice(), latest.comment_mode.as_str()),
        (&[author][..], "closed")
    );
}

async fn a_published_edition_keeps_its_old_links(db: &TestDatabase) {
    let store = open(db).await;
    let (_, en, _) = published_pair(&store, "Original headline", "عنوان").await;
    store
        .update_edition(en, 1, &content("Renamed headline"), &[], None)
        .await
        .unwrap();
    assert_eq!(
        store
            .current_slug(Lang::EN, "original-headline")
            .await
            .unwrap()
            .as_deref(),
        Some("renamed-headline")
    );
    assert_eq!(
        store
            .current_slug(Lang::AR, "original-headline")
            .await
            .unwrap(),
        None
    );

    // A new story may take the old slug back; then it no longer redirects.
    let story = store
        .create_story(NewStory {
            section_id: None,
            tag_ids: &[],
            hero_image: None,
        })
        .await
        .unwrap();
    store
        .create_edition(story, Lang::EN, &content("Original headline"), &[], None)
        .await
        .unwrap();
    assert_eq!(
        store
            .current_slug(Lang::EN, "original-headline")
            .await
            .unwrap(),
        None
    );

    // Drafts renamed before publication leave nothing behind.
    let draft = store
        .create_edition(story, Lang::AR, &content("مسودة"), &[], None)
        .await
        .unwrap();
    store
        .update_edition(draft, 1, &content("مسودة ثانية"), &[], None)
        .await
        .unwrap();
    assert_eq!(store.current_slug(Lang::AR, "مسودة").await.unwrap(), None);
}

async fn each_change_writes_its_event(db: &TestDatabase) {
    let store = open(db).await;
    let (story, en, _) = published_pair(&store, "Event source", "مصدر").await;
    store
        .update_edition(en, 1, &content("Event source, revised"), &[], None)
        .await
        .unwrap();
    store.unpublish_edition(en, None).await.unwrap();

    let events = store.events_since(0, 100).await.unwrap();
    let kinds: Vec<_> = events
        .iter()
        .filter(|e| e.edition_id == Some(en))
        .map(|e| e.kind.as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "edition.created",
            "edition.published",
            "edition.edited",
            "edition.unpublished"
        ]
    );
    assert!(events.windows(2).all(|w| w[0].seq < w[1].seq));
    // Besides the story's own, only its section's creation was logged.
    let others: Vec<_> = events
        .iter()
        .filter(|e| e.story_id != Some(story))
        .map(|e| (e.kind.as_str(), e.payload["section_id"].as_i64()))
        .collect();
    let section = store.section_records().await.unwrap()[0].id;
    assert_eq!(others, [("section.changed", Some(section))]);
    let last = events.last().unwrap();
    assert_eq!(last.payload["from"], "published");
    assert!(store.events_since(last.seq, 10).await.unwrap().is_empty());
}

async fn scheduled_editions_publish_exactly_once(db: &TestDatabase) {
    let store = open(db).await;
    let story = store
        .create_story(NewStory {
            section_id: None,
            tag_ids: &[],
            hero_image: None,
        })
        .await
        .unwrap();
    let en = store
        .create_edition(story, Lang::EN, &content("Scheduled"), &[], None)
        .await
        .unwrap();
    let past = store
        .schedule_edition(en, Timestamp::now() - SignedDuration::from_secs(5), None)
        .await;
    assert!(matches!(past, Err(StoreError::Invalid(_))), "{past:?}");

    let at = Timestamp::now() + SignedDuration::from_secs(60);
    store.schedule_edition(en, at, None).await.unwrap();
    assert!(
        store
            .publish_due(Timestamp::now())
            .await
            .unwrap()
            .is_empty()
    );

    let later = at + SignedDuration::from_secs(1);
    let (a, b) = tokio::join!(store.publish_due(later), store.publish_due(later));
    let published: Vec<i64> = a.unwrap().into_iter().chain(b.unwrap()).collect();
    assert_eq!(published, [en], "published once");
    assert_eq!(
        store.edition(en).await.unwrap().status,
        EditionStatus::Published
    );
    let publish_events = store
        .events_since(0, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "edition.published")
        .count();
    assert_eq!(publish_events, 1);
}

/// Editions published together go live in one transaction: when one of
/// them may not be published, none is, and no event is logged.
async fn editions_published_together_go_live_all_or_none(db: &TestDatabase) {
    let store = open(db).await;
    let story = store
        .create_story(NewStory {
            section_id: None,
            tag_ids: &[],
            hero_image: None,
        })
        .await
        .unwrap();
    let en = store
        .create_edition(story, Lang::EN, &content("Together"), &[], None)
        .await
        .unwrap();
    let ar = store
        .create_edition(story, Lang::AR, &content("معًا"), &[], None)
        .await
        .unwrap();
    store
        .publish_edition(ar, Timestamp::now(), None)
        .await
        .unwrap();
    let before = store.events_since(0, 100).await.unwrap().len();

    // The Arabic edition is already live: the English one, first in the
    // list and publishable alone, stays a draft.
    let refused = store
        .publish_editions(&[en, ar], Timestamp::now(), None)
        .await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(_))),
        "{refused:?}"
    );
    assert_eq!(
        store.edition(en).await.unwrap().status,
        EditionStatus::Draft
    );
    assert_eq!(store.events_since(0, 100).await.unwrap().len(), before);
    let later = Timestamp::now() + SignedDuration::from_secs(60);
    let refused = store.schedule_editions(&[en, ar], later, None).await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(_))),
        "{refused:?}"
    );
    assert_eq!(
        store.edition(en).await.unwrap().status,
        EditionStatus::Draft
    );

    // Both publishable: both go live, each with its event.
    store.unpublish_edition(ar, None).await.unwrap();
    store
        .publish_editions(&[en, ar], Timestamp::now(), None)
        .await
        .unwrap();
    for id in [en, ar] {
        assert_eq!(
            store.edition(id).await.unwrap().status,
            EditionStatus::Published
        );
    }
    let published = store
        .events_since(0, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "edition.published")
        .count();
    assert_eq!(published, 3, "the first Arabic publication and these two");
}

async fn the_front_page_shows_each_story_once_and_lists_page(db: &TestDatabase) {
    let store = open(db).await;
    for i in 0..5 {
        published_pair(&store, &format!("Story {i}"), &format!("خبر {i}")).await;
    }
    // The lead and four top stories take five; the section block shows
    // none of them again.
    let home = store.front_page(Lang::EN, Timestamp::now()).await.unwrap();
    assert_eq!(
        home.lead.as_ref().map(|e| e.headline.as_str()),
        Some("Story 4")
    );
    assert_eq!(home.top.len(), 4);
    assert!(home.sections.is_empty());
    assert!(home.more.is_empty());

    let first = store
        .published(Lang::AR, ListFilter::Latest, 1, 3)
        .await
        .unwrap();
    let second = store
        .published(Lang::AR, ListFilter::Latest, 2, 3)
        .await
        .unwrap();
    assert!(first.has_more && !second.has_more);
    assert_eq!(first.items.len() + second.items.len(), 5);
    assert_eq!(first.items[0].section.as_ref().unwrap().name, "سياسة");
}

async fn concurrent_writers_never_fail(db: &TestDatabase) {
    let store = open(db).await;
    // A second store on the same database is a second node, or the CLI
    // beside a running server: its connections are not queued behind the
    // first store's writer. Creating an edition reads, then writes, in one
    // transaction.
    let other = Store::open(db.url()).await.unwrap();
    let writers = (0..100).map(|i| {
        let store = if i % 2 == 0 {
            store.clone()
        } else {
            other.clone()
        };
        tokio::spawn(async move {
            let slug = Slug::parse(&format!("tag-{i}")).unwrap();
            store.create_tag(&slug, &named("وسم", "Tag")).await?;
            let story = store
                .create_story(NewStory {
                    section_id: None,
                    tag_ids: &[],
                    hero_image: None,
                })
                .await?;
            store
                .create_edition(story, Lang::EN, &content(&format!("Story {i}")), &[], None)
                .await
        })
    });
    for writer in writers {
        writer
            .await
            .unwrap()
            .expect("no write fails under concurrency");
    }
}

async fn one_node_holds_a_lease_and_the_next_goes_on_from_its_cursor(db: &TestDatabase) {
    use std::time::Duration;
    let store = open(db).await;
    let long = Duration::from_secs(60);
    assert_eq!(
        store.claim_lease("purger", "a", long, 7).await.unwrap(),
        Some(7)
    );
    // Held: the other node waits; the holder renews.
    assert_eq!(
        store.claim_lease("purger", "b", long, 0).await.unwrap(),
        None
    );
    assert_eq!(
        store.claim_lease("purger", "a", long, 0).await.unwrap(),
        Some(7)
    );
    assert!(store.advance_lease("purger", "a", 12).await.unwrap());
    assert!(!store.advance_lease("purger", "b", 99).await.unwrap());
    // The holder stops renewing: the other takes over where it stopped,
    // and the old holder can no longer move the cursor.
    assert_eq!(
        store
            .claim_lease("purger", "a", Duration::ZERO, 0)
            .await
            .unwrap(),
        Some(12)
    );
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert_eq!(
        store.claim_lease("purger", "b", long, 0).await.unwrap(),
        Some(12)
    );
    assert!(!store.advance_lease("purger", "a", 20).await.unwrap());
    // A holder that stops hands over at once; releasing what one does not
    // hold changes nothing.
    store.release_lease("purger", "a").await.unwrap();
    assert_eq!(
        store.claim_lease("purger", "a", long, 0).await.unwrap(),
        None
    );
    store.release_lease("purger", "b").await.unwrap();
    assert_eq!(
        store.claim_lease("purger", "a", long, 0).await.unwrap(),
        Some(12)
    );
    // Another lease is another cursor.
    assert_eq!(
        store.claim_lease("webhooks", "a", long, 3).await.unwrap(),
        Some(3)
    );
}

/// On PostgreSQL a follower waiting on `event_committed` wakes when
/// another connection (another node) commits an event; SQLite never wakes
/// it (followers poll).
async fn followers_wake_when_any_node_commits_an_event(db: &TestDatabase) {
    use std::time::Duration;
    let follower = open(db).await;
    let other_node = Store::open(db.url()).await.unwrap();
    let mut waiting = tokio::spawn({
        let follower = follower.clone();
        async move { follower.event_committed().await }
    });
    // The listener connects on first use, so the other node writes until
    // the follower wakes (PostgreSQL) or for a second (SQLite: never).
    let patience = if db.is_postgres() { 10 } else { 1 };
    let started = std::time::Instant::now();
    let mut calls = 0;
    let woke = loop {
        calls += 1;
        let story = other_node
            .create_story(NewStory {
                section_id: None,
                tag_ids: &[],
                hero_image: None,
            })
            .await
            .unwrap();
        other_node
            .create_edition(
                story,
                Lang::EN,
                &content(&format!("Wake-up call {calls}")),
                &[],
                None,
            )
            .await
            .unwrap();
        if tokio::time::timeout(Duration::from_millis(250), &mut waiting)
            .await
            .is_ok()
        {
            break true;
        }
        if started.elapsed() > Duration::from_secs(patience) {
            break false;
        }
    };
    assert_eq!(woke, db.is_postgres());
}

on_both_backends!(
    followers_wake_when_any_node_commits_an_event,
    one_node_holds_a_lease_and_the_next_goes_on_from_its_cursor,
    migrations_apply_once_and_report_ready,
    editions_are_read_back_with_their_sibling,
    slugs_are_unique_per_language,
    every_save_keeps_a_revision_and_stale_saves_conflict,
    a_published_edition_keeps_its_old_links,
    each_change_writes_its_event,
    scheduled_editions_publish_exactly_once,
    editions_published_together_go_live_all_or_none,
    the_front_page_shows_each_story_once_and_lists_page,
    concurrent_writers_never_fail,
);
