//! Webhook endpoints and deliveries, on SQLite and on PostgreSQL.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use khabar_core::{DisplayName, EditionContent, EditionInput, Email, Lang, Role, Username};
use khabar_store::{
    Attempt, AttemptOutcome, NewStory, NewUser, NewWebhook, Store, StoreError, WebhookChange,
    WebhookMessage,
};
use khabar_testkit::{TestDatabase, on_both_backends};

async fn open(db: &TestDatabase) -> Store {
    let store = Store::open(db.url()).await.expect("open the store");
    store.migrate().await.expect("migrate");
    store
}

/// Logs one event (an edition created) and returns its sequence number.
async fn log_event(store: &Store, headline: &str) -> i64 {
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
        body: "Body.".into(),
        ..Default::default()
    })
    .unwrap();
    store
        .create_edition(story, Lang::EN, &content, &[], None)
        .await
        .unwrap();
    store.latest_event_seq().await.unwrap()
}

async fn admin(store: &Store) -> i64 {
    store
        .create_user(NewUser {
            username: &Username::parse("hooker").unwrap(),
            email: &Email::parse("hooks@news.example").unwrap(),
            display_name: &DisplayName::parse("Hook Admin").unwrap(),
            password_hash: "x",
            role: Role::Admin,
            lang: Lang::EN,
        })
        .await
        .unwrap()
}

fn message(seq: i64, event_type: &str) -> WebhookMessage {
    WebhookMessage {
        event_seq: seq,
        event_type: event_type.into(),
        message_id: format!("msg_{seq}_{event_type}"),
        payload: format!(r#"{{"type":"{event_type}","seq":{seq}}}"#),
    }
}

async fn endpoints_are_registered_changed_rotated_and_deleted(db: &TestDatabase) {
    let store = open(db).await;
    let creator = admin(&store).await;
    let types = vec!["comment.created".to_owned(), "edition.published".to_owned()];
    let id = store
        .create_webhook(NewWebhook {
            url: "https://hooks.example/in",
            description: "Slack bridge",
            event_types: &types,
            secret: "whsec_AAAA",
            created_by: creator,
        })
        .await
        .unwrap();
    let hook = store.webhook(id).await.unwrap();
    assert_eq!(hook.event_types, types);
    assert_eq!(hook.disabled_reason, None);
    assert_eq!(hook.signing_secrets(Timestamp::now()), vec!["whsec_AAAA"]);
    let until = Timestamp::now() + SignedDuration::from_hours(24);
    let rotated = store
        .update_webhook(
            id,
            &WebhookChange {
                rotate: Some(("whsec_BBBB", until)),
                description: Some("Bridge"),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(rotated.secret, "whsec_BBBB");
    assert_eq!(rotated.description, "Bridge");
    assert_eq!(rotated.url, "https://hooks.example/in");
    assert_eq!(
        rotated.signing_secrets(Timestamp::now()),
        vec!["whsec_BBBB", "whsec_AAAA"]
    );
    // After the overlap only the new secret signs.
    assert_eq!(
        rotated.signing_secrets(until + SignedDuration::from_secs(1)),
        vec!["whsec_BBBB"]
    );
    let disabled = store
        .update_webhook(
            id,
            &WebhookChange {
                enabled: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(disabled.disabled_reason.as_deref(), Some("admin"));
    assert!(disabled.disabled_at.is_some());
    let enabled = store
        .update_webhook(
            id,
            &WebhookChange {
                enabled: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(enabled.disabled_reason, None);
    assert_eq!(store.webhooks().await.unwrap().len(), 1);
    store.delete_webhook(id).await.unwrap();
    assert!(matches!(
        store.delete_webhook(id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.update_webhook(id, &WebhookChange::default()).await,
        Err(StoreError::NotFound)
    ));
}

async fn deliveries_queue_once_in_order_and_retry_then_give_up(db: &TestDatabase) {
    let store = open(db).await;
    let creator = admin(&store).await;
    let before = log_event(&store, "Before the endpoint").await;
    let types = vec!["story.created".to_owned()];
    let id = store
        .create_webhook(NewWebhook {
            url: "https://hooks.example/in",
            description: "",
            event_types: &types,
            secret: "whsec_AAAA",
            created_by: creator,
        })
        .await
        .unwrap();
    let first = log_event(&store, "First").await;
    let second = log_event(&store, "Second").await;
    let long = Duration::from_secs(60);
    store.claim_lease("webhooks", "a", long, 0).await.unwrap();
    let messages = [
        message(before, "story.created"),
        message(first, "story.created"),
        message(first, "comment.created"),
        message(second, "story.created"),
    ];
    assert!(
        store
            .queue_webhook_messages("webhooks", "a", second, &messages)
            .await
            .unwrap()
    );
    // Queuing again (a node that took over) adds nothing; a node that
    // does not hold the lease queues nothing.
    store.claim_lease("webhooks", "a", long, 0).await.unwrap();
    assert!(
        store
            .queue_webhook_messages("webhooks", "a", second, &messages)
            .await
            .unwrap()
    );
    assert!(
        !store
            .queue_webhook_messages("webhooks", "b", second, &messages)
            .await
            .unwrap()
    );
    let queued = store.webhook_deliveries(id, None, 10).await.unwrap();
    let seqs: Vec<i64> = queued.iter().map(|d| d.event_seq).collect();
    assert_eq!(
        seqs,
        vec![second, first],
        "newest first, each once, none from before"
    );

    // The head of the queue is due; the second waits behind it.
    let now = Timestamp::now();
    let due = store.due_webhook_deliveries(now, 10).await.unwrap();
    assert_eq!(due.len(), 1);
    let (hook, head) = &due[0];
    assert_eq!((hook.id, head.event_seq), (id, first));
    let retry_at = now + SignedDuration::from_secs(30);
    store
        .record_webhook_attempt(
            head.id,
            &Attempt {
                at: now,
                status: Some(503),
                body: Some("busy"),
                error: None,
                outcome: AttemptOutcome::Retry(retry_at),
            },
        )
        .await
        .unwrap();
    assert!(
        store
            .due_webhook_deliveries(now, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let later = store.due_webhook_deliveries(retry_at, 10).await.unwrap();
    assert_eq!(later[0].1.id, head.id, "the earlier event is retried first");
    assert_eq!(later[0].1.attempts, 1);
    assert_eq!(later[0].1.last_status, Some(503));
    assert_eq!(later[0].1.last_body.as_deref(), Some("busy"));
    store
        .record_webhook_attempt(
            head.id,
            &Attempt {
                at: retry_at,
                status: Some(204),
                body: Some(""),
                error: None,
                outcome: AttemptOutcome::Delivered,
            },
        )
        .await
        .unwrap();
    assert_eq!(store.webhook(id).await.unwrap().delivered_seq, first);
    let next = store.due_webhook_deliveries(retry_at, 10).await.unwrap();
    assert_eq!(next[0].1.event_seq, second);
    store
        .record_webhook_attempt(
            next[0].1.id,
            &Attempt {
                at: retry_at,
                status: None,
                body: None,
                error: Some("connection refused"),
                outcome: AttemptOutcome::GiveUp,
            },
        )
        .await
        .unwrap();
    let hook = store.webhook(id).await.unwrap();
    assert_eq!(hook.disabled_reason.as_deref(), Some("failing"));
    assert!(
        store
            .due_webhook_deliveries(retry_at, 10)
            .await
            .unwrap()
            .is_empty()
    );
    // A disabled endpoint is queued nothing new.
    let third = log_event(&store, "Third").await;
    store.claim_lease("webhooks", "a", long, 0).await.unwrap();
    store
        .queue_webhook_messages("webhooks", "a", third, &[message(third, "story.created")])
        .await
        .unwrap();
    assert_eq!(
        store.webhook_deliveries(id, None, 10).await.unwrap().len(),
        2
    );

    // A replay goes to the back of the queue with the same id and body.
    let failed = store.webhook_deliveries(id, None, 10).await.unwrap()[0].clone();
    assert_eq!(failed.status, "failed");
    let replay = store.redeliver_webhook(id, failed.id).await.unwrap();
    assert!(replay.replay);
    assert_eq!(
        (
            replay.message_id.as_str(),
            replay.payload.as_str(),
            replay.status.as_str()
        ),
        (
            failed.message_id.as_str(),
            failed.payload.as_str(),
            "pending"
        )
    );
    assert!(matches!(
        store.redeliver_webhook(id + 1, failed.id).await,
        Err(StoreError::NotFound)
    ));
    store
        .update_webhook(
            id,
            &WebhookChange {
                enabled: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let due = store
        .due_webhook_deliveries(Timestamp::now(), 10)
        .await
        .unwrap();
    assert_eq!(due[0].1.id, replay.id);
    // Week-old finished deliveries go; the queued replay stays.
    let pruned = store
        .prune(Timestamp::now() + SignedDuration::from_hours(24 * 8))
        .await
        .unwrap();
    assert_eq!(pruned.webhook_deliveries, 2);
    assert_eq!(
        store.webhook_deliveries(id, None, 10).await.unwrap().len(),
        1
    );
}

async fn the_queue_alarm_reports_crossings(db: &TestDatabase) {
    let store = open(db).await;
    assert_eq!(store.moderation_backlog().await.unwrap(), 0);
    assert!(!store.set_webhook_alarm("queue", true).await.unwrap());
    assert!(store.set_webhook_alarm("queue", true).await.unwrap());
    assert!(store.set_webhook_alarm("queue", false).await.unwrap());
    assert!(!store.set_webhook_alarm("queue", false).await.unwrap());
}

on_both_backends!(
    endpoints_are_registered_changed_rotated_and_deleted,
    deliveries_queue_once_in_order_and_retry_then_give_up,
    the_queue_alarm_reports_crossings,
);
