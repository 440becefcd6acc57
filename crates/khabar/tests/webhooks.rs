//! Webhooks end to end, on both stores: a receiver on 127.0.0.1 records
//! what the real node sends; signatures are checked with the reference
//! implementation of Standard Webhooks (Python's `standardwebhooks`);
//! a receiver that fails then succeeds gets the events again, later ones
//! waiting, after growing waits; one that keeps failing has its endpoint
//! disabled and the admins written to; deliveries replay; addresses on
//! loopback, private and metadata networks are refused by default; and
//! two nodes on PostgreSQL deliver each event once.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{NodeProcess, call, publish_story, spawn_app, spawn_app_with};
use khabar_core::Role;
use khabar_testkit::{TestDatabase, on_both_backends};
use serde_json::{Value, json};

const PASSWORD: &str = "harbour lights at dusk";

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    headers: Vec<(String, String)>,
    body: String,
    at: Instant,
    /// The status it was answered.
    answered: u16,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

/// An HTTP receiver on 127.0.0.1 that answers 500 to its first `failures`
/// requests (all of them with `usize::MAX`), then 204.
struct Receiver {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    async fn start(failures: usize) -> Receiver {
        use tokio::io::AsyncWriteExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        let task = tokio::spawn(async move {
            let mut answered = 0;
            while let Ok((mut socket, _)) = listener.accept().await {
                let request = common::read_request(&mut socket).await;
                let (head, body) = request.split_once("\r\n\r\n").unwrap_or((&request, ""));
                let (head, body) = (head.to_owned(), body.to_owned());
                answered += 1;
                let status = if answered <= failures { 500 } else { 204 };
                let headers = head
                    .lines()
                    .skip(1)
                    .filter_map(|l| l.split_once(':'))
                    .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
                    .collect();
                log.lock().unwrap().push(Received {
                    headers,
                    body,
                    at: Instant::now(),
                    answered: status,
                });
                let reason = if status == 500 {
                    "Internal Server Error"
                } else {
                    "No Content"
                };
                let _ = socket
                    .write_all(
                        format!("HTTP/1.1 {status} {reason}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                            .as_bytes(),
                    )
                    .await;
            }
        });
        Receiver {
            url,
            received,
            task,
        }
    }

    fn all(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits until `done` holds for what was received.
    async fn wait_until(&self, what: &str, done: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let all = self.all();
            if done(&all) {
                return all;
            }
            assert!(Instant::now() < deadline, "{what}: received {all:#?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Whether Python's `standardwebhooks` accepts `request` signed with
/// `secret`; `None` (after SKIPPED, or failing under CI=true) when the
/// package is not installed.
fn reference_verifies(secret: &str, request: &Received) -> Option<bool> {
    let input = json!({
        "secret": secret,
        "body": request.body,
        "headers": {
            "webhook-id": request.header("webhook-id"),
            "webhook-timestamp": request.header("webhook-timestamp"),
            "webhook-signature": request.header("webhook-signature"),
        },
    });
    let script = "import json, sys\n\
        try:\n    from standardwebhooks.webhooks import Webhook\nexcept ImportError:\n    print('missing'); sys.exit(0)\n\
        d = json.load(sys.stdin)\n\
        try:\n    Webhook(d['secret']).verify(d['body'], d['headers']); print('valid')\n\
        except Exception as e:\n    print('invalid', e)\n";
    let Ok(mut child) = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
    else {
        khabar_testkit::missing("the Standard Webhooks reference check", "no python3");
        return None;
    };
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("a pipe");
        stdin.write_all(input.to_string().as_bytes()).unwrap();
    }
    let output = child.wait_with_output().expect("python3 ran");
    let said = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    if said == "missing" {
        khabar_testkit::missing(
            "the Standard Webhooks reference check",
            "pip install standardwebhooks",
        );
        return None;
    }
    Some(said == "valid")
}

/// An admin account and a bearer token with the `admin` scope.
async fn admin_token(server: &khabar::Server) -> String {
    common::account(server, "root", Role::Admin, PASSWORD).await;
    let reply = call(
        server,
        "POST",
        "/tokens",
        Some(json!({ "login": "root", "password": PASSWORD, "scopes": ["read", "admin"] })),
        &[],
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    format!("Bearer {}", reply.body["token"].as_str().unwrap())
}

/// A node that may send to the receiver on loopback, retrying after
/// `retry_base` seconds (doubling) for `retry_for` seconds.
async fn node(db: &TestDatabase, retry_base: u64, retry_for: u64) -> khabar::Server {
    spawn_app_with(db, false, |config| {
        config.webhooks.allow_private = true;
        config.webhooks.retry_base = retry_base;
        config.webhooks.retry_for = retry_for;
    })
    .await
}

async fn register(server: &khabar::Server, token: &str, url: &str, types: &[&str]) -> Value {
    let reply = call(
        server,
        "POST",
        "/webhooks",
        Some(json!({ "url": url, "description": "Desk bridge", "event_types": types })),
        &[("Authorization", token)],
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body
}

async fn signed_in_order_retried_with_backoff_and_replayed(db: &TestDatabase) {
    let receiver = Receiver::start(2).await;
    let server = node(db, 1, 60).await;
    let token = admin_token(&server).await;
    let auth = [("Authorization", token.as_str())];
    let hook = register(&server, &token, &receiver.url, &["edition.published"]).await;
    let secret = hook["secret"]
        .as_str()
        .expect("the secret, once")
        .to_owned();
    assert!(secret.starts_with("whsec_"));
    let id = hook["id"].as_i64().unwrap();
    let listed = call(&server, "GET", "/webhooks", None, &auth).await;
    assert_eq!(listed.body["items"][0]["enabled"], true);
    assert!(
        listed.body["items"][0].get("secret").is_none(),
        "the secret is shown once"
    );

    let first = publish_story(server.store(), "Fishermen of Tyre count a record season").await;
    let second = publish_story(server.store(), "Port reopens after the storm").await;
    let all = receiver
        .wait_until("both stories, the first after two failures", |all| {
            all.iter().filter(|r| r.answered == 204).count() == 2
        })
        .await;
    // The first event three times (500, 500, 204), then the second: the
    // second waited while the first was retried.
    let editions: Vec<i64> = all
        .iter()
        .map(|r| r.json()["data"]["edition_id"].as_i64().unwrap())
        .collect();
    assert_eq!(editions, vec![first, first, first, second]);
    let statuses: Vec<u16> = all.iter().map(|r| r.answered).collect();
    assert_eq!(statuses, vec![500, 500, 204, 204]);
    assert_eq!(all[0].header("webhook-id"), all[2].header("webhook-id"));
    // Backoff: half the base, then at least half of twice the base.
    let waits: Vec<Duration> = all.windows(2).map(|w| w[1].at - w[0].at).collect();
    assert!(waits[0] >= Duration::from_millis(450), "{waits:?}");
    assert!(waits[1] >= Duration::from_millis(950), "{waits:?}");
    assert!(waits[1] > waits[0] / 2, "{waits:?}");

    let payload = all[2].json();
    assert_eq!(payload["type"], "edition.published");
    assert_eq!(payload["data"]["lang"], "en");
    let url = payload["data"]["urls"]["en"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{}/en/story/", server.base_url())),
        "{url}"
    );
    assert_eq!(all[2].header("content-type"), "application/json");
    for request in &all {
        if let Some(valid) = reference_verifies(&secret, request) {
            assert!(valid, "the reference implementation refused {request:#?}");
        }
    }
    if let Some(valid) = reference_verifies("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", &all[2]) {
        assert!(!valid, "another secret does not verify");
    }

    // /metrics reports how far the webhooks follower has come.
    let (status, metrics) = common::get(&server, "/metrics").await;
    assert_eq!(status, 200);
    assert!(
        metrics.contains("khabar_follower_applied_seq{follower=\"webhooks\"}"),
        "{metrics}"
    );

    // The deliveries and their answers; a replay sends the same message.
    let deliveries = call(
        &server,
        "GET",
        &format!("/webhooks/{id}/deliveries"),
        None,
        &auth,
    )
    .await;
    assert_eq!(deliveries.status, 200, "{}", deliveries.body);
    let oldest = &deliveries.body["items"][1];
    assert_eq!(
        (oldest["status"].as_str(), oldest["attempts"].as_i64()),
        (Some("delivered"), Some(3))
    );
    assert_eq!(oldest["last_status"], 204);
    assert_eq!(deliveries.body["next_before"], Value::Null, "one page");
    let older = call(
        &server,
        "GET",
        &format!(
            "/webhooks/{id}/deliveries?before={}",
            deliveries.body["items"][0]["id"]
        ),
        None,
        &auth,
    )
    .await;
    assert_eq!(older.status, 200, "{}", older.body);
    assert_eq!(older.body["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(older.body["items"][0]["id"], oldest["id"]);
    let replay = call(
        &server,
        "POST",
        &format!("/webhooks/{id}/deliveries/{}/redeliver", oldest["id"]),
        None,
        &auth,
    )
    .await;
    assert_eq!(replay.status, 202, "{}", replay.body);
    assert_eq!(replay.body["replay"], true);
    let all = receiver
        .wait_until("the replay", |all| all.len() == 5)
        .await;
    assert_eq!(all[4].header("webhook-id"), all[0].header("webhook-id"));
    assert_eq!(all[4].body, all[2].body);

    // A rotated secret: both sign during the overlap.
    let rotated = call(
        &server,
        "PATCH",
        &format!("/webhooks/{id}"),
        Some(json!({ "rotate_secret": true })),
        &auth,
    )
    .await;
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    let new_secret = rotated.body["secret"].as_str().unwrap().to_owned();
    assert_ne!(new_secret, secret);
    publish_story(server.store(), "Harbour lights at dusk").await;
    let all = receiver
        .wait_until("after the rotation", |all| all.len() == 6)
        .await;
    assert_eq!(all[5].header("webhook-signature").split(' ').count(), 2);
    for key in [&secret, &new_secret] {
        if let Some(valid) = reference_verifies(key, &all[5]) {
            assert!(valid, "{key} during the overlap");
        }
    }
    server.stop().await.unwrap();
}

async fn an_endpoint_that_keeps_failing_is_disabled_and_admins_told(db: &TestDatabase) {
    let receiver = Receiver::start(usize::MAX).await;
    let server = node(db, 1, 2).await;
    let token = admin_token(&server).await;
    let auth = [("Authorization", token.as_str())];
    let hook = register(&server, &token, &receiver.url, &["edition.published"]).await;
    let id = hook["id"].as_i64().unwrap();
    publish_story(server.store(), "Nobody is listening").await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let listed = loop {
        let listed = call(&server, "GET", "/webhooks", None, &auth).await;
        if listed.body["items"][0]["enabled"] == false {
            break listed;
        }
        assert!(
            Instant::now() < deadline,
            "never disabled: {:#?}",
            receiver.all()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(listed.body["items"][0]["disabled_reason"], "failing");
    assert!(receiver.all().len() >= 2, "retried before giving up");
    let deliveries = call(
        &server,
        "GET",
        &format!("/webhooks/{id}/deliveries"),
        None,
        &auth,
    )
    .await;
    assert_eq!(deliveries.body["items"][0]["status"], "failed");
    assert_eq!(deliveries.body["items"][0]["last_status"], 500);
    // The admin hears of it in their language, with the address and the screen.
    let mail = server.store().emails_to("root@news.example").await.unwrap();
    let (_, body, _) = mail
        .iter()
        .find(|(subject, ..)| {
            subject.contains("webhook endpoint") && subject.contains("switched off")
        })
        .unwrap_or_else(|| panic!("no notice: {mail:?}"));
    assert!(body.contains(&receiver.url), "{body}");
    assert!(body.contains("/en/admin/webhooks"), "{body}");
    assert!(body.contains("because you are an administrator"), "{body}");
    // Nothing more is sent to a disabled endpoint.
    let before = receiver.all().len();
    publish_story(server.store(), "Still nobody").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(receiver.all().len(), before);
    server.stop().await.unwrap();
}

async fn private_and_metadata_addresses_are_refused_by_default(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let token = admin_token(&server).await;
    for url in [
        "http://127.0.0.1:9/hook",
        "http://10.0.0.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/hook",
        "http://localhost:8080/hook",
    ] {
        let reply = call(
            &server,
            "POST",
            "/webhooks",
            Some(json!({ "url": url, "event_types": ["comment.created"] })),
            &[("Authorization", token.as_str())],
        )
        .await;
        assert_eq!(reply.status, 422, "{url}: {}", reply.body);
        assert_eq!(
            reply.body["error"]["code"], "webhook_address_refused",
            "{url}"
        );
        assert_eq!(reply.body["error"]["field"], "url", "{url}");
    }
    let listed = call(
        &server,
        "GET",
        "/webhooks",
        None,
        &[("Authorization", token.as_str())],
    )
    .await;
    assert_eq!(listed.body["items"], json!([]));
    server.stop().await.unwrap();
}

/// The admins' screen: register (the secret shown once), the endpoint
/// listed, its deliveries with the answer, replay, switch off, remove;
/// editors do not see it, and a form without the CSRF token is refused.
async fn admins_manage_endpoints_on_the_newsroom_screen(db: &TestDatabase) {
    let receiver = Receiver::start(0).await;
    let server = node(db, 1, 60).await;
    common::account(&server, "root", Role::Admin, PASSWORD).await;
    common::account(&server, "nadia", Role::Editor, PASSWORD).await;
    let mut editor = common::Agent::new(&server);
    let signed = editor
        .submit(
            "/en/signin",
            "/en/signin",
            &[("login", "nadia"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(signed.status, 303);
    let page = editor.get("/en/admin").await;
    assert!(
        !page.body.contains("/en/admin/webhooks"),
        "editors get no link"
    );
    assert_eq!(editor.get("/en/admin/webhooks").await.status, 403);

    let mut admin = common::Agent::new(&server);
    let signed = admin
        .submit(
            "/en/signin",
            "/en/signin",
            &[("login", "root"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(signed.status, 303);
    let page = admin.get("/ar/admin/webhooks").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("خطافات الويب"), "{}", page.body);
    let refused = admin
        .post(
            "/en/admin/webhooks",
            &[
                ("url", receiver.url.as_str()),
                ("event_type", "edition.published"),
            ],
        )
        .await;
    assert_eq!(refused.status, 403, "no CSRF token");
    let created = admin
        .submit(
            "/en/admin/webhooks",
            "/en/admin/webhooks",
            &[
                ("url", receiver.url.as_str()),
                ("description", "Wire desk"),
                ("event_type", "edition.published"),
            ],
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert!(created.body.contains("whsec_"), "the secret is shown once");
    let id = server.store().webhooks().await.unwrap()[0].id;
    let listed = admin.get("/en/admin/webhooks").await;
    assert!(listed.body.contains(&receiver.url) && !listed.body.contains("whsec_"));

    publish_story(server.store(), "A story for the wire").await;
    receiver.wait_until("the story", |all| all.len() == 1).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let delivery = loop {
        let found = server
            .store()
            .webhook_deliveries(id, None, 10)
            .await
            .unwrap();
        if found.first().is_some_and(|d| d.status == "delivered") {
            break found[0].id;
        }
        assert!(Instant::now() < deadline, "{found:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let screen = format!("/en/admin/webhooks?endpoint={id}");
    let shown = admin.get(&screen).await;
    assert!(
        shown.body.contains("HTTP 204") && shown.body.contains("Delivered"),
        "{}",
        shown.body
    );
    let replayed = admin
        .submit(
            &screen,
            &format!("/en/admin/webhooks/{id}"),
            &[("action", "replay"), ("delivery_id", &delivery.to_string())],
        )
        .await;
    assert_eq!(replayed.status, 303);
    receiver
        .wait_until("the replay", |all| all.len() == 2)
        .await;
    let off = admin
        .submit(
            &screen,
            &format!("/en/admin/webhooks/{id}"),
            &[
                ("action", "save"),
                ("url", receiver.url.as_str()),
                ("description", "Wire desk"),
                ("event_type", "edition.published"),
            ],
        )
        .await;
    assert_eq!(off.status, 303);
    let hook = server.store().webhook(id).await.unwrap();
    assert_eq!(hook.disabled_reason.as_deref(), Some("admin"));
    let removed = admin
        .submit(
            &screen,
            &format!("/en/admin/webhooks/{id}"),
            &[("action", "delete")],
        )
        .await;
    assert_eq!(removed.status, 303);
    assert!(server.store().webhooks().await.unwrap().is_empty());
    server.stop().await.unwrap();
}

/// A report is sent as `comment.reported`, and the queues crossing the
/// threshold upward as one `moderation.queue_above_threshold`, not once
/// per comment while they stay above it.
async fn reports_and_the_queue_threshold_are_sent(db: &TestDatabase) {
    let receiver = Receiver::start(0).await;
    let server = spawn_app_with(db, false, |config| {
        config.webhooks.allow_private = true;
        config.webhooks.queue_threshold = 0;
    })
    .await;
    let token = admin_token(&server).await;
    register(
        &server,
        &token,
        &receiver.url,
        &["comment.reported", "moderation.queue_above_threshold"],
    )
    .await;
    let edition = publish_story(server.store(), "A debate on the harbour fees").await;
    let base = server.base_url().to_owned();
    let writer = common::reader_token(server.store(), &base, "omar", PASSWORD).await;
    let comment = call(
        &server,
        "POST",
        &format!("/editions/{edition}/comments"),
        Some(json!({ "body": "The fees will empty the harbour." })),
        &[("Authorization", writer.as_str())],
    )
    .await;
    assert_eq!(comment.status, 201, "{}", comment.body);
    let comment_id = comment.body["id"].as_i64().unwrap();
    for reader in ["layla", "sami"] {
        let reporter = common::reader_token(server.store(), &base, reader, PASSWORD).await;
        let reported = call(
            &server,
            "POST",
            &format!("/comments/{comment_id}/reports"),
            Some(json!({ "reason": "spam" })),
            &[("Authorization", reporter.as_str())],
        )
        .await;
        assert_eq!(reported.status, 201, "{}", reported.body);
    }
    let all = receiver
        .wait_until("two reports and the threshold", |all| all.len() >= 3)
        .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let types: Vec<String> = receiver
        .all()
        .iter()
        .map(|r| r.json()["type"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        types.iter().filter(|t| *t == "comment.reported").count(),
        2,
        "{types:?}"
    );
    assert_eq!(
        types
            .iter()
            .filter(|t| *t == "moderation.queue_above_threshold")
            .count(),
        1,
        "{types:?}"
    );
    let report = all
        .iter()
        .map(Received::json)
        .find(|p| p["type"] == "comment.reported")
        .unwrap();
    assert_eq!(report["data"]["comment_id"], comment_id);
    assert_eq!(report["data"]["reason"], "spam");
    let alarm = all
        .iter()
        .map(Received::json)
        .find(|p| p["type"] == "moderation.queue_above_threshold")
        .unwrap();
    assert_eq!(alarm["data"]["threshold"], 0);
    assert!(alarm["data"]["backlog"].as_i64().unwrap() >= 1);
    server.stop().await.unwrap();
}

on_both_backends!(
    reports_and_the_queue_threshold_are_sent,
    admins_manage_endpoints_on_the_newsroom_screen,
    signed_in_order_retried_with_backoff_and_replayed,
    an_endpoint_that_keeps_failing_is_disabled_and_admins_told,
    private_and_metadata_addresses_are_refused_by_default,
);

/// Two nodes on one PostgreSQL database: each event reaches the receiver
/// once, whichever node holds the lease.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_deliver_each_event_once() {
    let Some(db) = khabar_testkit::postgres().await else {
        return;
    };
    let receiver = Receiver::start(0).await;
    let settings = [("KHABAR_WEBHOOKS__ALLOW_PRIVATE", "true")];
    let data = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let first = NodeProcess::start(&db, data[0].path(), &settings);
    let second = NodeProcess::start(&db, data[1].path(), &settings);
    let store = khabar_store::Store::open(db.url()).await.unwrap();
    let admin = store
        .create_user(khabar_store::NewUser {
            username: &khabar_core::Username::parse_for_staff("root").unwrap(),
            email: &khabar_core::Email::parse("root@news.example").unwrap(),
            display_name: &khabar_core::DisplayName::parse("Root").unwrap(),
            password_hash: "unused",
            role: Role::Admin,
            lang: khabar_core::Lang::EN,
        })
        .await
        .unwrap();
    store
        .create_webhook(khabar_store::NewWebhook {
            url: &receiver.url,
            description: "",
            event_types: &["edition.published".to_owned()],
            secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            created_by: admin,
        })
        .await
        .unwrap();
    let mut published = Vec::new();
    for n in 0..6 {
        published.push(publish_story(&store, &format!("Story {n} of the evening")).await);
    }
    let all = receiver
        .wait_until("six stories", |all| all.len() >= 6)
        .await;
    // Time for a duplicate to arrive, if one were coming.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let all = receiver.all().len().max(all.len());
    let editions: Vec<i64> = receiver
        .all()
        .iter()
        .map(|r| r.json()["data"]["edition_id"].as_i64().unwrap())
        .collect();
    assert_eq!(all, 6, "{editions:?}");
    assert_eq!(editions, published, "each once, in order");
    drop((first, second));
    store.close().await;
}
