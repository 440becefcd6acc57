//! Accounts, sessions and rate limits, on SQLite and on PostgreSQL.

use jiff::{SignedDuration, Timestamp};
use khabar_core::secret::Secret;
use khabar_core::{DisplayName, Email, Lang, Role, Username};
use khabar_store::{NewSession, NewUser, RateDecision, Store, StoreError};
use khabar_testkit::{TestDatabase, on_both_backends};

async fn open(db: &TestDatabase) -> Store {
    let store = Store::open(db.url()).await.expect("open the store");
    store.migrate().await.expect("migrate");
    store
}

async fn user(store: &Store, name: &str, email: &str) -> Result<i64, StoreError> {
    store
        .create_user(NewUser {
            username: &Username::parse(name).unwrap(),
            email: &Email::parse(email).unwrap(),
            display_name: &DisplayName::parse(name).unwrap(),
            password_hash: "$argon2id$not-a-real-hash",
            role: Role::Reader,
            lang: Lang::AR,
        })
        .await
}

async fn lookalike_usernames_cannot_both_exist(db: &TestDatabase) {
    let store = open(db).await;
    user(&store, "layla", "layla@news.example").await.unwrap();
    // `1ayla`: a digit one that looks like an l (a Cyrillic а no longer
    // parses: usernames keep to one script).
    for twin in ["Layla", "LAYLA", "1ayla"] {
        let taken = user(&store, twin, &format!("{}@other.example", twin.len())).await;
        assert!(
            matches!(taken, Err(StoreError::Taken { what: "username" })),
            "{twin}: {taken:?}"
        );
    }
    user(&store, "منى", "mona@news.example").await.unwrap();
    let taken = user(&store, "مُنى", "mona2@news.example").await;
    assert!(matches!(taken, Err(StoreError::Taken { .. })), "{taken:?}");
    let taken = user(&store, "samer", "LAYLA@news.example").await;
    assert!(
        matches!(taken, Err(StoreError::Taken { what: "email" })),
        "{taken:?}"
    );

    // SQL metacharacters are stored verbatim.
    let quoted = DisplayName::parse("O'Brien \"; DROP TABLE users; --").unwrap();
    let id = store
        .create_user(NewUser {
            username: &Username::parse("obrien").unwrap(),
            email: &Email::parse("o'brien@news.example").unwrap(),
            display_name: &quoted,
            password_hash: "x",
            role: Role::Reader,
            lang: Lang::EN,
        })
        .await
        .unwrap();
    let account = store.account(id).await.unwrap();
    assert_eq!(account.display_name, "O'Brien \"; DROP TABLE users; --");
    assert_eq!(account.email, "o'brien@news.example");
}

async fn credentials_by_username_key_or_email(db: &TestDatabase) {
    let store = open(db).await;
    let id = user(&store, "layla", "Layla@News.example").await.unwrap();
    let key = Username::parse("LAYLA").unwrap().key();
    assert_eq!(
        store.credentials(&key, "").await.unwrap().map(|c| c.0),
        Some(id)
    );
    assert_eq!(
        store
            .credentials("", "layla@news.example")
            .await
            .unwrap()
            .map(|c| c.0),
        Some(id)
    );
    assert_eq!(
        store
            .credentials("nobody", "nobody@x.example")
            .await
            .unwrap(),
        None
    );
}

async fn sessions_live_end_and_expire(db: &TestDatabase) {
    let store = open(db).await;
    let layla = user(&store, "layla", "layla@news.example").await.unwrap();
    let samer = user(&store, "samer", "samer@news.example").await.unwrap();
    let mut secrets = Vec::new();
    for (who, lifetime) in [(layla, 3600), (layla, 3600), (samer, 3600), (layla, -1)] {
        let secret = Secret::generate("khs_").unwrap();
        store
            .create_session(NewSession {
                token_hash: &secret.hash,
                user_id: who,
                csrf_token: "csrf",
                user_agent: "Firefox",
                ip: "127.0.0.1",
                lifetime: SignedDuration::from_secs(lifetime),
            })
            .await
            .unwrap();
        secrets.push(secret);
    }
    let now = Timestamp::now();
    let found = store
        .session(&secrets[0].hash, now)
        .await
        .unwrap()
        .expect("live");
    assert_eq!(found.account.username, "layla");
    assert!(
        store
            .session(&secrets[3].hash, now)
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    assert!(
        store
            .session(&secrets[0].token, now)
            .await
            .unwrap()
            .is_none(),
        "looked up by hash only"
    );

    let listed = store.sessions_of(layla, now).await.unwrap();
    assert_eq!(listed.len(), 2);
    // Samer cannot end Layla's session, even knowing its id.
    assert!(!store.end_session_of(samer, &listed[0].id).await.unwrap());
    assert!(!store.end_session_of(layla, "%").await.unwrap());
    assert!(store.end_session_of(layla, &listed[0].id).await.unwrap());
    assert_eq!(store.sessions_of(layla, now).await.unwrap().len(), 1);

    store.end_session(&secrets[2].hash).await.unwrap();
    assert!(
        store
            .session(&secrets[2].hash, now)
            .await
            .unwrap()
            .is_none()
    );
}

async fn rate_limits_count_block_and_reset(db: &TestDatabase) {
    let store = open(db).await;
    let now = Timestamp::now();
    let window = SignedDuration::from_mins(10);
    for expected in 1..=3 {
        assert_eq!(
            store
                .count_attempt("signup:ip:1", 3, window, now)
                .await
                .unwrap(),
            RateDecision::Allowed { hits: expected }
        );
    }
    let limited = store
        .count_attempt("signup:ip:1", 3, window, now)
        .await
        .unwrap();
    assert!(
        matches!(limited, RateDecision::Limited { retry_after } if retry_after > SignedDuration::from_mins(9)),
        "{limited:?}"
    );
    // Another bucket is untouched; a new window starts afresh.
    assert_eq!(
        store
            .count_attempt("signup:ip:2", 3, window, now)
            .await
            .unwrap(),
        RateDecision::Allowed { hits: 1 }
    );
    let later = now + SignedDuration::from_mins(11);
    assert_eq!(
        store
            .count_attempt("signup:ip:1", 3, window, later)
            .await
            .unwrap(),
        RateDecision::Allowed { hits: 1 }
    );

    store
        .block("signin:login:layla", now + SignedDuration::from_secs(30))
        .await
        .unwrap();
    let blocked = store.blocked_for("signin:login:layla", now).await.unwrap();
    assert!(blocked.is_some_and(|d| d > SignedDuration::from_secs(29)));
    assert!(matches!(
        store
            .count_attempt("signin:login:layla", 100, window, now)
            .await
            .unwrap(),
        RateDecision::Limited { .. }
    ));
    store.clear_attempts("signin:login:layla").await.unwrap();
    assert_eq!(
        store.blocked_for("signin:login:layla", now).await.unwrap(),
        None
    );

    // Concurrent attempts all count.
    let attempts = (0..20).map(|_| {
        let store = store.clone();
        tokio::spawn(async move { store.count_attempt("burst", 10, window, now).await.unwrap() })
    });
    let mut allowed = 0;
    for attempt in attempts {
        if matches!(attempt.await.unwrap(), RateDecision::Allowed { .. }) {
            allowed += 1;
        }
    }
    assert_eq!(allowed, 10);
}

async fn spent_records_are_pruned(db: &TestDatabase) {
    let store = open(db).await;
    let layla = user(&store, "layla", "layla@news.example").await.unwrap();
    let secret = Secret::generate("khs_").unwrap();
    store
        .create_session(NewSession {
            token_hash: &secret.hash,
            user_id: layla,
            csrf_token: "c",
            user_agent: "",
            ip: "",
            lifetime: SignedDuration::from_hours(1),
        })
        .await
        .unwrap();
    let now = Timestamp::now();
    store
        .count_attempt("old", 5, SignedDuration::from_mins(1), now)
        .await
        .unwrap();
    assert_eq!(
        store.prune(now).await.unwrap().sessions,
        0,
        "live sessions stay"
    );
    let later = now + SignedDuration::from_hours(48);
    let pruned = store.prune(later).await.unwrap();
    assert_eq!((pruned.sessions, pruned.rate_limits), (1, 1));
    assert!(store.session(&secret.hash, now).await.unwrap().is_none());
}

async fn mentions_name_readers_by_key_or_by_a_display_name_only_one_has(db: &TestDatabase) {
    let store = open(db).await;
    let mut ids = Vec::new();
    for (name, shown) in [
        ("salma1", "Salma Nasr"),
        ("salma2", "salma nasr"),
        ("omar_k", "Omar Khatib"),
    ] {
        let id = store
            .create_user(NewUser {
                username: &Username::parse(name).unwrap(),
                email: &Email::parse(&format!("{name}@news.example")).unwrap(),
                display_name: &DisplayName::parse(shown).unwrap(),
                password_hash: "$argon2id$not-a-real-hash",
                role: Role::Reader,
                lang: Lang::EN,
            })
            .await
            .unwrap();
        ids.push(id);
    }
    let keys = vec![
        Username::parse("OMAR_K").unwrap().key(),
        "nobody".to_owned(),
    ];
    let names = vec!["Salma Nasr".to_owned(), "Omar Khatib".to_owned()];
    let (by_key, by_name) = store.mention_targets(&keys, &names).await.unwrap();
    assert_eq!(by_key.len(), 1);
    assert_eq!(by_key.get(&keys[0]), Some(&ids[2]));
    // Two readers go by "Salma Nasr" (case aside): that name names nobody.
    assert_eq!(by_name.get("salma nasr"), None);
    assert_eq!(by_name.get("omar khatib"), Some(&ids[2]));
}

on_both_backends!(
    mentions_name_readers_by_key_or_by_a_display_name_only_one_has,
    spent_records_are_pruned,
    lookalike_usernames_cannot_both_exist,
    credentials_by_username_key_or_email,
    sessions_live_end_and_expire,
    rate_limits_count_block_and_reset,
);
