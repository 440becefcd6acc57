//! The in-memory page cache (issue 19), through the real server on SQLite
//! and on PostgreSQL: anonymous public pages are answered from memory
//! (`x-cache: hit`), HEAD and `If-None-Match` too; after every kind of
//! change (comments, likes, moderation decisions and thread settings,
//! bans, account deletion, publishing by hand or by the scheduler, slug
//! and headline changes, unpublishing, site settings, sections) the very
//! next request, anonymous or signed in, shows it, on the node that made
//! it and on another node sharing the database; one reader's page never
//! reaches another; and memory stays under its bound.
//!
//! Each test collects what went wrong and fails once at the end with the
//! whole list, so that one run names every change kind that was stale.

mod common;

use std::io::Read;
use std::time::{Duration, Instant};

use common::spawn_app_with;
use khabar::Server;
use khabar_core::{Lang, Role};
use khabar_testkit::{TestDatabase, on_both_backends};
use serde_json::{Value, json};

const PASSWORD: &str = "harbour lights at dusk";

/// How long another PostgreSQL node may take to show a change: its
/// LISTEN/NOTIFY wake-up arrives in milliseconds; the followers' fallback
/// tick is 300 ms or more, so only the notification explains success.
const NOTIFIED_WITHIN: Duration = Duration::from_millis(200);
/// SQLite nodes get no notification (the store assumes one node per
/// file): another node's change can only arrive with the cache's own tick
/// of the log, once a second.
const TICKED_WITHIN: Duration = Duration::from_millis(2500);

/// What went wrong in one test, reported together at the end.
struct Checks {
    store: &'static str,
    failures: Vec<String>,
}

impl Checks {
    fn new(db: &TestDatabase) -> Checks {
        Checks {
            store: if db.is_postgres() {
                "postgres"
            } else {
                "sqlite"
            },
            failures: Vec::new(),
        }
    }

    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if !ok {
            let what = what();
            eprintln!("[{}] FAILED: {what}", self.store);
            self.failures.push(what);
        }
    }

    fn finish(self) {
        assert!(
            self.failures.is_empty(),
            "{} check(s) failed on {}:\n- {}",
            self.failures.len(),
            self.store,
            self.failures.join("\n- ")
        );
    }
}

/// One answer, as a client sees it.
#[derive(Debug, Clone)]
struct Seen {
    status: u16,
    /// The `x-cache` header: `hit`, `miss`, `stale`, or none.
    cache: Option<String>,
    etag: Option<String>,
    location: Option<String>,
    /// Decoded from gzip or brotli when it came so.
    body: String,
}

impl Seen {
    fn hit(&self) -> bool {
        self.cache.as_deref() == Some("hit")
    }
}

/// A request to `base` (a node's address) with `headers`, its body decoded.
async fn fetch(base: &str, method: &str, path: &str, headers: &[(&str, &str)]) -> Seen {
    let url = format!("{base}{path}");
    let client = common::client();
    let mut request = match method {
        "HEAD" => client.head(url),
        _ => client.get(url),
    };
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("a response");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (cache, etag, location, coding) = (
        header("x-cache"),
        header("etag"),
        header("location"),
        header("content-encoding"),
    );
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap_or_default();
    let mut decoded = Vec::new();
    match coding.as_deref() {
        Some("gzip") => {
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_end(&mut decoded)
                .expect("gzip");
        }
        Some("br") => {
            brotli::Decompressor::new(&bytes[..], 4096)
                .read_to_end(&mut decoded)
                .expect("brotli");
        }
        _ => decoded = bytes.to_vec(),
    }
    Seen {
        status,
        cache,
        etag,
        location,
        body: String::from_utf8_lossy(&decoded).into_owned(),
    }
}

/// An anonymous GET.
async fn anonymous(base: &str, path: &str) -> Seen {
    fetch(base, "GET", path, &[]).await
}

/// Someone with an account: a session cookie for pages and a bearer
/// token for the API, both made through the node at `base`.
#[derive(Clone)]
struct Person {
    id: i64,
    name: String,
    /// `khabar_session=…`
    cookie: String,
    /// `Bearer …`
    bearer: String,
}

impl Person {
    async fn page(&self, base: &str, path: &str) -> Seen {
        fetch(base, "GET", path, &[("Cookie", &self.cookie)]).await
    }

    /// Calls `/api/v1{path}` on the node at `base` with the token.
    async fn api(&self, base: &str, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!("{base}/api/v1{path}");
        let client = common::client();
        let mut request = match method {
            "POST" => client.post(url),
            "PUT" => client.put(url),
            "PATCH" => client.patch(url),
            "DELETE" => client.delete(url),
            _ => client.get(url),
        };
        request = request.header("Authorization", &self.bearer);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("a response");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Posts a comment; its id.
    async fn comment(&self, base: &str, edition: i64, body: &str) -> i64 {
        let (status, reply) = self
            .api(
                base,
                "POST",
                &format!("/editions/{edition}/comments"),
                Some(json!({ "body": body })),
            )
            .await;
        assert_eq!(status, 201, "{} comments: {reply}", self.name);
        reply["id"].as_i64().expect("the comment's id")
    }
}

/// An account of `role` made on `server`, signed in through `base` (the
/// same node, or another on the same database).
async fn person(server: &Server, base: &str, name: &str, role: Role) -> Person {
    let id = common::account(server, name, role, PASSWORD).await;
    let scopes: &[&str] = match role {
        Role::Reader => &["read", "comment"],
        Role::Moderator => &["read", "comment", "moderate"],
        Role::Admin => &["read", "edit", "admin"],
        _ => &["read", "edit"],
    };
    let client = common::client();
    let token: Value = client
        .post(format!("{base}/api/v1/tokens"))
        .json(&json!({ "login": name, "password": PASSWORD, "scopes": scopes, "name": "cache" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Person {
        id,
        name: name.to_owned(),
        cookie: session_cookie(base, name).await,
        bearer: format!("Bearer {}", token["token"].as_str().expect("a token")),
    }
}

/// A new session of `name`'s, signed in through `base`: `khabar_session=…`.
async fn session_cookie(base: &str, name: &str) -> String {
    let signed_in = common::client()
        .post(format!("{base}/api/v1/auth/signin"))
        .json(&json!({ "login": name, "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200, "{name} signs in");
    signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("khabar_session="))
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_owned()
}

/// A demo node that lets the tests post as fast as they need.
async fn node(db: &TestDatabase, demo: bool) -> Server {
    let server = spawn_app_with(db, demo, |config| config.site.comments_per_minute = 1000).await;
    common::cache_in_play(server.base_url()).await;
    server
}

/// A demo node and a second node on the same database with a data
/// directory of its own (kept alive by the returned guard), both serving
/// through their page caches.
async fn two_nodes(db: &TestDatabase) -> (Server, Server, tempfile::TempDir) {
    let first = node(db, true).await;
    let second_data = tempfile::tempdir().unwrap();
    let second = spawn_app_with(db, false, |config| {
        config.data_dir = second_data.path().to_owned();
        config.site.comments_per_minute = 1000;
    })
    .await;
    common::cache_in_play(second.base_url()).await;
    (first, second, second_data)
}

/// How long the second node may take to show the first node's change.
fn second_node_within(db: &TestDatabase) -> Duration {
    if db.is_postgres() {
        NOTIFIED_WITHIN
    } else {
        TICKED_WITHIN
    }
}

/// The demo's English lead story (the newest, first on the home page):
/// its path, edition id and story id. Read from the store, so that no page
/// is in memory before a test asks for it.
async fn lead_story(server: &Server) -> (String, i64, i64) {
    let newest = server
        .store()
        .published(Lang::EN, khabar_store::ListFilter::Latest, 1, 1)
        .await
        .unwrap()
        .items
        .remove(0);
    (
        format!("/en/story/{}", common::segment(&newest.slug)),
        newest.id,
        newest.story_id,
    )
}

/// Asks for each page twice anonymously: the second answer must come from
/// memory, or what follows proves nothing about the cache.
async fn warm(checks: &mut Checks, base: &str, paths: &[String], before: &str) {
    for path in paths {
        anonymous(base, path).await;
        let again = anonymous(base, path).await;
        checks.check(again.hit(), || {
            format!(
                "before {before}: {path} was not served from memory the second time (x-cache {:?}, status {})",
                again.cache, again.status
            )
        });
    }
}

/// The comment count a list page's card shows for the story at `path`.
fn card_count(list: &str, path: &str) -> Option<String> {
    let link = format!("href=\"{path}#comments\">");
    let start = list.find(&link)? + link.len();
    let end = start + list[start..].find('<')?;
    Some(list[start..end].to_owned())
}

/// Whether `page` shows `text` (as a whole body, or within it).
fn shows(page: &Seen, text: &str) -> bool {
    page.body.contains(text)
}

/// Polls `path` on `base` (anonymously, or as `person`), sending
/// requests until `within` has passed, until one answers with `ready`:
/// when that request was sent and when it was answered, or `None`. A
/// request sent within the bound counts even if its rendering ends after
/// it: the node knew of the change when it began.
async fn arrives(
    base: &str,
    path: &str,
    person: Option<&Person>,
    within: Duration,
    ready: impl Fn(&Seen) -> bool,
) -> Option<(Duration, Duration)> {
    let started = Instant::now();
    loop {
        let sent = started.elapsed();
        let seen = match person {
            Some(person) => person.page(base, path).await,
            None => anonymous(base, path).await,
        };
        if ready(&seen) {
            return Some((sent, started.elapsed()));
        }
        if started.elapsed() > within {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

// ---------------------------------------------------------------------------

/// Home, section page, article, feed and the comment list API: a miss,
/// then a hit with the same bytes and ETag; HEAD and `If-None-Match` from
/// memory; each coding on its own; private answers never marked.
async fn public_pages_are_served_from_memory(db: &TestDatabase) {
    let server = node(db, true).await;
    let base = server.base_url();
    let mut checks = Checks::new(db);
    let (article, edition, _) = lead_story(&server).await;
    let pages = [
        article.clone(),
        "/en/".to_owned(),
        "/ar/".to_owned(),
        "/en/section/politics".to_owned(),
        "/en/feed.atom".to_owned(),
        format!("/api/v1/editions/{edition}/comments"),
    ];
    for path in &pages {
        let first = anonymous(base, path).await;
        let second = anonymous(base, path).await;
        checks.check(first.status == 200, || format!("{path}: {}", first.status));
        checks.check(first.cache.as_deref() == Some("miss"), || {
            format!("{path}: first answer x-cache {:?}, not miss", first.cache)
        });
        checks.check(second.hit(), || {
            format!("{path}: second answer x-cache {:?}, not hit", second.cache)
        });
        checks.check(first.body == second.body, || {
            format!("{path}: the hit's bytes differ from the miss's")
        });
        checks.check(first.etag.is_some() && first.etag == second.etag, || {
            format!("{path}: ETags {:?} then {:?}", first.etag, second.etag)
        });

        let head = fetch(base, "HEAD", path, &[]).await;
        checks.check(
            head.status == 200 && head.hit() && head.etag == first.etag && head.body.is_empty(),
            || {
                format!(
                    "{path}: HEAD answered {} x-cache {:?} etag {:?} with {} bytes",
                    head.status,
                    head.cache,
                    head.etag,
                    head.body.len()
                )
            },
        );
        if let Some(etag) = &first.etag {
            let revalidated = fetch(base, "GET", path, &[("If-None-Match", etag)]).await;
            checks.check(
                revalidated.status == 304
                    && revalidated.hit()
                    && revalidated.etag.as_deref() == Some(etag.as_str())
                    && revalidated.body.is_empty(),
                || {
                    format!(
                        "{path}: If-None-Match {etag} answered {} x-cache {:?} etag {:?}",
                        revalidated.status, revalidated.cache, revalidated.etag
                    )
                },
            );
            let other = fetch(base, "GET", path, &[("If-None-Match", "\"not-this-one\"")]).await;
            checks.check(other.status == 200 && other.body == first.body, || {
                format!("{path}: a stale If-None-Match answered {}", other.status)
            });
        }

        // Each coding is its own entry with its own tag, and decodes to
        // the same page.
        for coding in ["gzip", "br"] {
            let coded = fetch(base, "GET", path, &[("Accept-Encoding", coding)]).await;
            let again = fetch(base, "GET", path, &[("Accept-Encoding", coding)]).await;
            checks.check(again.hit() && again.body == first.body, || {
                format!(
                    "{path} in {coding}: second answer x-cache {:?}, same bytes decoded: {}",
                    again.cache,
                    again.body == first.body
                )
            });
            if first.body.len() >= 512 && path.starts_with("/en/story") {
                checks.check(coded.etag != first.etag, || {
                    format!("{path} in {coding}: the same ETag as the identity form")
                });
            }
            if let Some(etag) = &again.etag {
                let revalidated = fetch(
                    base,
                    "GET",
                    path,
                    &[("Accept-Encoding", coding), ("If-None-Match", etag)],
                )
                .await;
                checks.check(revalidated.status == 304, || {
                    format!(
                        "{path} in {coding}: If-None-Match answered {}",
                        revalidated.status
                    )
                });
            }
        }
    }

    // The query is part of the address; another page of a list is another
    // entry.
    let second_page = anonymous(base, "/en/section/politics?page=2").await;
    checks.check(second_page.cache.as_deref() != Some("hit"), || {
        "/en/section/politics?page=2 was a hit on its first request".to_owned()
    });

    // The root follows each reader's Accept-Language, in any order.
    for (language, expected) in [
        ("en", "/en/"),
        ("ar", "/ar/"),
        ("en", "/en/"),
        ("ar", "/ar/"),
    ] {
        let root = fetch(base, "GET", "/", &[("Accept-Language", language)]).await;
        checks.check(root.location.as_deref() == Some(expected), || {
            format!(
                "/ with Accept-Language {language} sent to {:?} ({:?})",
                root.location, root.cache
            )
        });
    }

    // What the page cache never keeps carries no x-cache header: errors,
    // private pages, POSTs.
    let missing = anonymous(base, "/en/story/no-such-story").await;
    let missing_again = anonymous(base, "/en/story/no-such-story").await;
    checks.check(
        missing.status == 404 && missing.cache.is_none() && missing_again.cache.is_none(),
        || {
            format!(
                "a 404 carried x-cache {:?} / {:?}",
                missing.cache, missing_again.cache
            )
        },
    );
    let reader = person(&server, base, "lina", Role::Reader).await;
    let account = reader.page(base, "/en/account").await;
    checks.check(account.status == 200 && account.cache.is_none(), || {
        format!(
            "the account page answered {} with x-cache {:?}",
            account.status, account.cache
        )
    });
    let posted = common::client()
        .post(format!("{base}/api/v1/editions/{edition}/comments"))
        .header("Authorization", &reader.bearer)
        .json(&json!({ "body": "A post is never cached" }))
        .send()
        .await
        .unwrap();
    checks.check(
        posted.status() == 201 && !posted.headers().contains_key("x-cache"),
        || {
            format!(
                "a comment POST answered {} with x-cache {:?}",
                posted.status(),
                posted.headers().get("x-cache")
            )
        },
    );
    checks.finish();
    server.stop().await.unwrap();
}

/// A comment posted (through the form and the API), edited and deleted by
/// its author: the next anonymous and signed-in requests of the article,
/// the comment list and the home page's count show it.
async fn comment_changes_show_on_the_next_request(db: &TestDatabase) {
    let server = node(db, true).await;
    let base = server.base_url();
    let mut checks = Checks::new(db);
    let (article, edition, _) = lead_story(&server).await;
    let list = format!("/api/v1/editions/{edition}/comments");
    let author = person(&server, base, "rana", Role::Reader).await;
    let bystander = person(&server, base, "omar", Role::Reader).await;
    let pages = vec![
        article.clone(),
        list.clone(),
        "/en/".to_owned(),
        "/en/section/politics".to_owned(),
    ];

    // Posted through the API.
    warm(&mut checks, base, &pages, "a comment is posted").await;
    bystander.page(base, &article).await;
    let count_before = card_count(&anonymous(base, "/en/").await.body, &article);
    let section_count_before = card_count(
        &anonymous(base, "/en/section/politics").await.body,
        &article,
    );
    let id = author
        .comment(base, edition, "Tidewater comment first posted")
        .await;
    let fresh = anonymous(base, &article).await;
    checks.check(shows(&fresh, "Tidewater comment first posted"), || {
        format!(
            "comment posted: the next anonymous {article} does not show it ({:?})",
            fresh.cache
        )
    });
    let listed = anonymous(base, &list).await;
    checks.check(shows(&listed, "Tidewater comment first posted"), || {
        format!(
            "comment posted: the next anonymous {list} does not show it ({:?})",
            listed.cache
        )
    });
    let home = anonymous(base, "/en/").await;
    let count_after = card_count(&home.body, &article);
    checks.check(count_after.is_some() && count_after != count_before, || {
        format!(
            "comment posted: the home page's count for {article} is still {count_after:?} (before: {count_before:?}, x-cache {:?})",
            home.cache
        )
    });
    let section = anonymous(base, "/en/section/politics").await;
    let section_count_after = card_count(&section.body, &article);
    checks.check(
        section_count_after.is_some() && section_count_after != section_count_before,
        || {
            format!(
                "comment posted: the section page's count for {article} is still {section_count_after:?} (before: {section_count_before:?}, x-cache {:?})",
                section.cache
            )
        },
    );
    let own_home = bystander.page(base, "/en/").await;
    checks.check(card_count(&own_home.body, &article).is_some(), || {
        "comment posted: a signed-in reader's next home page has no count for the story".to_owned()
    });
    let theirs = bystander.page(base, &article).await;
    checks.check(shows(&theirs, "Tidewater comment first posted"), || {
        format!("comment posted: another reader's next {article} does not show it")
    });
    let own = author.page(base, &article).await;
    checks.check(shows(&own, "Tidewater comment first posted"), || {
        format!("comment posted: its author's next {article} does not show it")
    });

    // Posted through the form, the signed-in reader's page first this time.
    warm(
        &mut checks,
        base,
        &pages,
        "a comment is posted through the form",
    )
    .await;
    let mut browser = common::Agent::new(&server);
    let cookie = author.cookie.split_once('=').unwrap();
    browser.set_cookie(cookie.0, cookie.1);
    let posted = browser
        .submit(
            &article,
            &format!("{article}/comments"),
            &[("body", "Saltpan comment from the form")],
        )
        .await;
    checks.check(posted.status == 303, || {
        format!("the comment form answered {}", posted.status)
    });
    let own = author.page(base, &article).await;
    checks.check(shows(&own, "Saltpan comment from the form"), || {
        "form comment: its author's next page does not show it".to_owned()
    });
    let fresh = anonymous(base, &article).await;
    checks.check(shows(&fresh, "Saltpan comment from the form"), || {
        format!(
            "form comment: the next anonymous {article} does not show it ({:?})",
            fresh.cache
        )
    });

    // Liked: the count under the comment (likes are not in the events
    // log's list of changes, but anonymous readers see the count).
    warm(&mut checks, base, &pages, "a comment is liked").await;
    let (status, reply) = bystander
        .api(
            base,
            "PUT",
            &format!("/comments/{id}/reaction"),
            Some(json!({ "like": true })),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    let authors = author.page(base, &article).await;
    assert!(
        shows(&authors, "class=\"likes\">\u{2068}1\u{2069} like<"),
        "the comment's author, whose page is their own, sees the like"
    );
    let fresh = anonymous(base, &article).await;
    checks.check(
        shows(&fresh, "class=\"likes\">\u{2068}1\u{2069} like<"),
        || {
            format!(
                "comment liked: the next anonymous {article} does not show the like ({:?})",
                fresh.cache
            )
        },
    );

    // Edited.
    warm(&mut checks, base, &pages, "a comment is edited").await;
    let (status, reply) = author
        .api(
            base,
            "PATCH",
            &format!("/comments/{id}"),
            Some(json!({ "body": "Tidewater comment as amended" })),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    for path in [&article, &list] {
        let fresh = anonymous(base, path).await;
        checks.check(
            shows(&fresh, "Tidewater comment as amended")
                && !shows(&fresh, "Tidewater comment first posted"),
            || {
                format!(
                    "comment edited: the next anonymous {path} shows the old text ({:?})",
                    fresh.cache
                )
            },
        );
    }
    let theirs = bystander.page(base, &article).await;
    checks.check(shows(&theirs, "Tidewater comment as amended"), || {
        "comment edited: another reader's next page shows the old text".to_owned()
    });
    let own = author.page(base, &article).await;
    checks.check(shows(&own, "Tidewater comment as amended"), || {
        "comment edited: its author's next page shows the old text".to_owned()
    });

    // Deleted by its author: the signed-in pages asked first.
    warm(&mut checks, base, &pages, "a comment is deleted").await;
    bystander.page(base, &article).await;
    let (status, reply) = author
        .api(base, "DELETE", &format!("/comments/{id}"), None)
        .await;
    assert!(status == 200 || status == 204, "{status} {reply}");
    let own = author.page(base, &article).await;
    checks.check(!shows(&own, "Tidewater comment as amended"), || {
        "comment deleted: its author's next page still shows it".to_owned()
    });
    let theirs = bystander.page(base, &article).await;
    checks.check(!shows(&theirs, "Tidewater comment as amended"), || {
        "comment deleted: another reader's next page still shows it".to_owned()
    });
    for path in [&article, &list] {
        let fresh = anonymous(base, path).await;
        checks.check(!shows(&fresh, "Tidewater comment as amended"), || {
            format!(
                "comment deleted: the next anonymous {path} still shows it ({:?})",
                fresh.cache
            )
        });
    }
    checks.finish();
    server.stop().await.unwrap();
}

/// A held comment approved, another rejected, a visible one removed.
async fn moderation_decisions_show_on_the_next_request(db: &TestDatabase) {
    let server = node(db, true).await;
    let base = server.base_url();
    let mut checks = Checks::new(db);
    let (article, edition, _) = lead_story(&server).await;
    let list = format!("/api/v1/editions/{edition}/comments");
    let author = person(&server, base, "salma", Role::Reader).await;
    let bystander = person(&server, base, "yusuf", Role::Reader).await;
    let moderator = person(&server, base, "mod_hana", Role::Moderator).await;
    // Comments naming the suspect word wait for a moderator.
    let (status, reply) = moderator
        .api(
            base,
            "PUT",
            "/moderation/word-lists/en/suspect",
            Some(json!({ "entries": [{ "term": "barnacle" }] })),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    let pages = vec![article.clone(), list.clone()];
    let decide = |id: i64, action: Value| {
        let moderator = moderator.clone();
        async move {
            let (status, reply) = moderator
                .api(
                    base,
                    "POST",
                    &format!("/moderation/comments/{id}"),
                    Some(action),
                )
                .await;
            assert_eq!(status, 200, "decision on {id}: {reply}");
        }
    };

    // Approved.
    let held = author
        .comment(base, edition, "Barnacle comment awaiting approval")
        .await;
    warm(&mut checks, base, &pages, "a held comment is approved").await;
    bystander.page(base, &article).await;
    let before = anonymous(base, &article).await;
    assert!(
        !shows(&before, "Barnacle comment awaiting approval"),
        "held comments are not public"
    );
    decide(held, json!({ "action": "approve" })).await;
    for path in &pages {
        let fresh = anonymous(base, path).await;
        checks.check(shows(&fresh, "Barnacle comment awaiting approval"), || {
            format!(
                "held comment approved: the next anonymous {path} does not show it ({:?})",
                fresh.cache
            )
        });
    }
    let theirs = bystander.page(base, &article).await;
    checks.check(shows(&theirs, "Barnacle comment awaiting approval"), || {
        "held comment approved: another reader's next page does not show it".to_owned()
    });

    // Rejected while held: gone from its author's own page too.
    let refused = author
        .comment(base, edition, "Barnacle comment to be refused")
        .await;
    let own = author.page(base, &article).await;
    checks.check(shows(&own, "Barnacle comment to be refused"), || {
        "a held comment is not shown to its author".to_owned()
    });
    warm(&mut checks, base, &pages, "a held comment is rejected").await;
    decide(refused, json!({ "action": "reject", "reason": "spam" })).await;
    let own = author.page(base, &article).await;
    checks.check(!shows(&own, "Barnacle comment to be refused"), || {
        "held comment rejected: its author's next page still shows it as held".to_owned()
    });
    for path in &pages {
        let fresh = anonymous(base, path).await;
        checks.check(!shows(&fresh, "Barnacle comment to be refused"), || {
            format!("held comment rejected: the next anonymous {path} shows it")
        });
    }

    // A visible comment removed.
    let visible = bystander
        .comment(base, edition, "Plainspoken comment later removed")
        .await;
    warm(&mut checks, base, &pages, "a visible comment is removed").await;
    let theirs = bystander.page(base, &article).await;
    checks.check(shows(&theirs, "Plainspoken comment later removed"), || {
        "a visible comment is not on its author's page".to_owned()
    });
    decide(visible, json!({ "action": "reject", "reason": "spam" })).await;
    for path in &pages {
        let fresh = anonymous(base, path).await;
        checks.check(!shows(&fresh, "Plainspoken comment later removed"), || {
            format!(
                "visible comment removed: the next anonymous {path} still shows it ({:?})",
                fresh.cache
            )
        });
    }
    let other = author.page(base, &article).await;
    checks.check(!shows(&other, "Plainspoken comment later removed"), || {
        "visible comment removed: another reader's next page still shows it".to_owned()
    });

    // Redacted: the note takes the body's place.
    let redacted = bystander
        .comment(base, edition, "Comment with a phone number 555")
        .await;
    warm(&mut checks, base, &pages, "a comment is redacted").await;
    decide(
        redacted,
        json!({ "action": "redact", "note": "personal details" }),
    )
    .await;
    let fresh = anonymous(base, &article).await;
    checks.check(!shows(&fresh, "Comment with a phone number 555"), || {
        format!(
            "comment redacted: the next anonymous {article} still shows its body ({:?})",
            fresh.cache
        )
    });

    // The thread's own settings, by story, section and site: a message
    // above it and closing it change the page.
    let (_, _, story) = lead_story(&server).await;
    let section = server
        .store()
        .story_section(story)
        .await
        .unwrap()
        .expect("the lead story has a section");
    let scopes = [
        (format!("scope=story&id={story}"), "story"),
        (format!("scope=section&id={section}"), "section"),
        ("scope=site".to_owned(), "site"),
    ];
    for (query, scope) in &scopes {
        let message = format!("Thread note set for the {scope}");
        warm(
            &mut checks,
            base,
            std::slice::from_ref(&article),
            &format!("a {scope} thread message"),
        )
        .await;
        bystander.page(base, &article).await;
        let (status, reply) = moderator
            .api(
                base,
                "PUT",
                &format!("/moderation/settings?{query}"),
                Some(json!({ "settings": { "message": message, "closed": true } })),
            )
            .await;
        assert_eq!(status, 200, "{scope}: {reply}");
        let fresh = anonymous(base, &article).await;
        checks.check(
            shows(&fresh, &message) && shows(&fresh, "Comments on this story are closed."),
            || {
                format!(
                    "{scope} thread closed with a message: the next anonymous {article} shows neither ({:?})",
                    fresh.cache
                )
            },
        );
        let theirs = bystander.page(base, &article).await;
        checks.check(
            shows(&theirs, &message) && !theirs.body.contains("id=\"new-comment\""),
            || format!("{scope} thread closed with a message: a signed-in reader's next page still offers the form or lacks the message ({:?})", theirs.cache),
        );
        // Open again, without the message, for the next scope.
        let (status, reply) = moderator
            .api(
                base,
                "PUT",
                &format!("/moderation/settings?{query}"),
                Some(json!({ "settings": {} })),
            )
            .await;
        assert_eq!(status, 200, "{scope}: {reply}");
        let fresh = anonymous(base, &article).await;
        checks.check(!shows(&fresh, &message), || {
            format!(
                "{scope} thread reopened: the next anonymous {article} still shows the message ({:?})",
                fresh.cache
            )
        });
    }
    checks.finish();
    server.stop().await.unwrap();
}

/// What is done to an account shows on the pages that carry its
/// comments: a ban that rejects them, and the reader deleting the account
/// (their name must go from every page at once: it is personal data).
async fn account_changes_show_on_the_next_request(db: &TestDatabase) {
    let server = node(db, true).await;
    let base = server.base_url();
    let mut checks = Checks::new(db);
    let (article, edition, _) = lead_story(&server).await;
    let list = format!("/api/v1/editions/{edition}/comments");
    let moderator = person(&server, base, "mod_nabil", Role::Moderator).await;
    let banned = person(&server, base, "bassel_banned", Role::Reader).await;
    let leaving = person(&server, base, "dalia_leaving", Role::Reader).await;
    let reader = person(&server, base, "reem_reader", Role::Reader).await;
    let pages = vec![article.clone(), list.clone()];

    banned
        .comment(base, edition, "Comment of a reader soon banned")
        .await;
    warm(
        &mut checks,
        base,
        &pages,
        "a ban that rejects the reader's comments",
    )
    .await;
    reader.page(base, &article).await;
    let (status, reply) = moderator
        .api(
            base,
            "POST",
            &format!("/moderation/users/{}", banned.id),
            Some(json!({ "action": "ban", "reject_comments": true })),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    for path in &pages {
        let fresh = anonymous(base, path).await;
        checks.check(!shows(&fresh, "Comment of a reader soon banned"), || {
            format!(
                "ban rejecting comments: the next anonymous {path} still shows the comment ({:?})",
                fresh.cache
            )
        });
    }
    let theirs = reader.page(base, &article).await;
    checks.check(!shows(&theirs, "Comment of a reader soon banned"), || {
        format!(
            "ban rejecting comments: a signed-in reader's next page still shows the comment ({:?})",
            theirs.cache
        )
    });

    leaving
        .comment(base, edition, "Comment of a reader about to leave")
        .await;
    let before = anonymous(base, &article).await;
    assert!(
        shows(&before, "dalia_leaving"),
        "the comment shows its author"
    );
    warm(&mut checks, base, &pages, "an account is deleted").await;
    reader.page(base, &article).await;
    // Through the account page's form, as a reader does it.
    let mut browser = common::Agent::new(&server);
    let (name, value) = leaving.cookie.split_once('=').unwrap();
    browser.set_cookie(name, value);
    let deleted = browser
        .submit(
            "/en/account",
            "/en/account/delete",
            &[("current_password", PASSWORD)],
        )
        .await;
    assert!(
        deleted.status == 200 && deleted.body.contains("Your account was deleted"),
        "{}",
        deleted.body
    );
    // The moderator's page is rendered for them: it shows what a page
    // made now shows.
    let rendered = moderator.page(base, &article).await;
    assert!(
        !shows(&rendered, "dalia_leaving"),
        "a page rendered after the deletion no longer names its owner"
    );
    for path in &pages {
        let fresh = anonymous(base, path).await;
        checks.check(!shows(&fresh, "dalia_leaving"), || {
            format!(
                "account deleted: the next anonymous {path} still names its owner ({:?})",
                fresh.cache
            )
        });
    }
    let theirs = reader.page(base, &article).await;
    checks.check(!shows(&theirs, "dalia_leaving"), || {
        format!(
            "account deleted: a signed-in reader's next page still names its owner ({:?})",
            theirs.cache
        )
    });
    checks.finish();
    server.stop().await.unwrap();
}

/// Publish, a headline and slug change (the old address redirects), and
/// unpublish: the article, the home page, the section page and the feeds.
async fn newsroom_changes_show_on_the_next_request(db: &TestDatabase) {
    let server = node(db, true).await;
    let base = server.base_url();
    let mut checks = Checks::new(db);
    let editor = person(&server, base, "desk", Role::Editor).await;
    let reader = person(&server, base, "nour", Role::Reader).await;
    let (_, sections) = editor.api(base, "GET", "/sections", None).await;
    let politics = sections["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["slug"] == "politics")
        .expect("the demo's politics section")["id"]
        .as_i64()
        .unwrap();
    let (status, created) = editor
        .api(
            base,
            "POST",
            "/stories",
            Some(json!({
                "lang": "en", "section_id": politics,
                "edition": { "headline": "Lagoon ferry returns", "body": "The lagoon ferry runs again." }
            })),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let edition = created["editions"][0]["id"].as_i64().unwrap();
    let lists = vec![
        "/en/".to_owned(),
        "/en/section/politics".to_owned(),
        "/en/feed.atom".to_owned(),
        "/en/section/politics/feed.atom".to_owned(),
    ];

    // Published.
    warm(&mut checks, base, &lists, "a story is published").await;
    reader.page(base, "/en/").await;
    let (status, reply) = editor
        .api(base, "POST", &format!("/editions/{edition}/publish"), None)
        .await;
    assert_eq!(status, 200, "{reply}");
    for path in &lists {
        let fresh = anonymous(base, path).await;
        checks.check(shows(&fresh, "Lagoon ferry returns"), || {
            format!(
                "published: the next anonymous {path} does not list it ({:?})",
                fresh.cache
            )
        });
    }
    let theirs = reader.page(base, "/en/").await;
    checks.check(shows(&theirs, "Lagoon ferry returns"), || {
        "published: a signed-in reader's next home page does not list it".to_owned()
    });
    let old = "/en/story/lagoon-ferry-returns".to_owned();
    let page = anonymous(base, &old).await;
    checks.check(
        page.status == 200 && shows(&page, "Lagoon ferry returns"),
        || format!("published: {old} answered {}", page.status),
    );

    // A new headline and slug: the old address redirects to the new one.
    let mut pages = lists.clone();
    pages.push(old.clone());
    warm(&mut checks, base, &pages, "a headline and slug change").await;
    reader.page(base, &old).await;
    let (status, reply) = editor
        .api(
            base,
            "PUT",
            &format!("/editions/{edition}"),
            Some(json!({ "revision": created["editions"][0]["revision"].as_i64().unwrap_or(1) + 1,
                "edition": { "slug": "lagoon-ferry-sails-nightly", "headline": "Lagoon ferry sails nightly",
                    "body": "The lagoon ferry runs again, nightly." } })),
        )
        .await;
    if status == 409 {
        // The revision after publishing is the store's to count; take it.
        let (_, story) = editor
            .api(base, "GET", &format!("/stories/{}", created["id"]), None)
            .await;
        let revision = story["editions"][0]["revision"].as_i64().unwrap();
        let (status, reply) = editor
            .api(
                base,
                "PUT",
                &format!("/editions/{edition}"),
                Some(json!({ "revision": revision,
                    "edition": { "slug": "lagoon-ferry-sails-nightly", "headline": "Lagoon ferry sails nightly",
                        "body": "The lagoon ferry runs again, nightly." } })),
            )
            .await;
        assert_eq!(status, 200, "{reply}");
    } else {
        assert_eq!(status, 200, "{reply}");
    }
    let new = "/en/story/lagoon-ferry-sails-nightly";
    let moved = anonymous(base, &old).await;
    checks.check(
        moved.status == 301 && moved.location.as_deref().is_some_and(|l| l.ends_with(new)),
        || {
            format!(
                "slug changed: the next anonymous {old} answered {} to {:?} ({:?})",
                moved.status, moved.location, moved.cache
            )
        },
    );
    let moved = reader.page(base, &old).await;
    checks.check(moved.status == 301, || {
        format!(
            "slug changed: a signed-in reader's next {old} answered {}",
            moved.status
        )
    });
    let page = anonymous(base, new).await;
    checks.check(
        page.status == 200 && shows(&page, "Lagoon ferry sails nightly"),
        || format!("slug changed: {new} answered {}", page.status),
    );
    for path in &lists {
        let fresh = anonymous(base, path).await;
        checks.check(
            shows(&fresh, "Lagoon ferry sails nightly") && !shows(&fresh, "Lagoon ferry returns"),
            || {
                format!(
                    "headline changed: the next anonymous {path} shows the old one ({:?})",
                    fresh.cache
                )
            },
        );
    }
    let theirs = reader.page(base, "/en/").await;
    checks.check(shows(&theirs, "Lagoon ferry sails nightly"), || {
        "headline changed: a signed-in reader's next home page shows the old one".to_owned()
    });

    // Unpublished: gone from everywhere, the signed-in reader asking first.
    let mut pages = lists.clone();
    pages.push(new.to_owned());
    warm(&mut checks, base, &pages, "a story is unpublished").await;
    reader.page(base, new).await;
    let (status, reply) = editor
        .api(
            base,
            "POST",
            &format!("/editions/{edition}/unpublish"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    let theirs = reader.page(base, new).await;
    checks.check(theirs.status == 404 || theirs.status == 410, || {
        format!(
            "unpublished: a signed-in reader's next {new} answered {}",
            theirs.status
        )
    });
    let gone = anonymous(base, new).await;
    checks.check(gone.status == 404 || gone.status == 410, || {
        format!(
            "unpublished: the next anonymous {new} answered {} ({:?})",
            gone.status, gone.cache
        )
    });
    for path in &lists {
        let fresh = anonymous(base, path).await;
        checks.check(!shows(&fresh, "Lagoon ferry sails nightly"), || {
            format!(
                "unpublished: the next anonymous {path} still lists it ({:?})",
                fresh.cache
            )
        });
    }

    // Published by the scheduler, with no request: the first request after
    // the store says it is published lists it.
    let (status, created) = editor
        .api(
            base,
            "POST",
            "/stories",
            Some(json!({
                "lang": "en", "section_id": politics,
                "edition": { "headline": "Night tide timetable", "body": "High water moves later." }
            })),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let scheduled = created["editions"][0]["id"].as_i64().unwrap();
    let at = jiff::Timestamp::now() + jiff::SignedDuration::from_millis(1500);
    let (status, reply) = editor
        .api(
            base,
            "POST",
            &format!("/editions/{scheduled}/publish"),
            Some(json!({ "at": at.to_string() })),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    warm(&mut checks, base, &lists, "the scheduler publishes a story").await;
    let deadline = Instant::now() + Duration::from_secs(15);
    while server
        .store()
        .edition_draft(scheduled)
        .await
        .unwrap()
        .status
        != khabar_core::EditionStatus::Published
    {
        assert!(
            Instant::now() < deadline,
            "the scheduler did not publish it"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    for path in &lists {
        let fresh = anonymous(base, path).await;
        checks.check(shows(&fresh, "Night tide timetable"), || {
            format!(
                "published by the scheduler: the next anonymous {path} does not list it ({:?})",
                fresh.cache
            )
        });
    }
    checks.finish();
    server.stop().await.unwrap();
}

/// The site's name changed in the settings screen and through the API, a
/// section created and renamed: every page's header and navigation.
async fn site_and_section_changes_show_on_every_page(db: &TestDatabase) {
    let server = node(db, true).await;
    let base = server.base_url();
    let mut checks = Checks::new(db);
    let (article, _, _) = lead_story(&server).await;
    let reader = person(&server, base, "huda", Role::Reader).await;
    let editor = person(&server, base, "desk", Role::Editor).await;
    let pages = vec![
        "/en/".to_owned(),
        article.clone(),
        "/en/section/politics".to_owned(),
        "/en/feed.atom".to_owned(),
    ];

    // Through the settings screen.
    common::account(&server, "chief", Role::Admin, PASSWORD).await;
    let mut admin = common::Agent::new(&server);
    let signed = admin
        .submit(
            "/en/signin",
            "/en/signin",
            &[("login", "chief"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(signed.status, 303);
    warm(
        &mut checks,
        base,
        &pages,
        "the site is renamed in the settings screen",
    )
    .await;
    reader.page(base, &article).await;
    let saved = admin
        .submit(
            "/en/admin/settings",
            "/en/admin/settings",
            &[
                ("name_en", "Harbour Post"),
                ("name_ar", "خبر"),
                ("default_language", "ar"),
                ("time_zone", "UTC"),
                ("comment_edit_minutes", "15"),
                ("comments_close_after_days", "0"),
                ("comment_max_chars", "2000"),
                ("comment_max_links", "5"),
                ("comments_per_minute", "60"),
                ("feed_content", "summary"),
            ],
        )
        .await;
    assert_eq!(saved.location.as_deref(), Some("/en/admin/settings?saved"));
    for path in &pages {
        let fresh = anonymous(base, path).await;
        checks.check(shows(&fresh, "Harbour Post"), || {
            format!(
                "site renamed (screen): the next anonymous {path} shows the old name ({:?})",
                fresh.cache
            )
        });
    }
    let theirs = reader.page(base, &article).await;
    checks.check(shows(&theirs, "Harbour Post"), || {
        "site renamed (screen): a signed-in reader's next article shows the old name".to_owned()
    });

    // Through the API, the signed-in reader first.
    let chief = person(&server, base, "chief_api", Role::Admin).await;
    warm(
        &mut checks,
        base,
        &pages,
        "the site is renamed through the API",
    )
    .await;
    reader.page(base, "/en/").await;
    let (status, reply) = chief
        .api(
            base,
            "PUT",
            "/site/settings",
            Some(json!({ "name": { "en": "Quayside Courier" } })),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    let theirs = reader.page(base, "/en/").await;
    checks.check(shows(&theirs, "Quayside Courier"), || {
        "site renamed (API): a signed-in reader's next home page shows the old name".to_owned()
    });
    for path in &pages {
        let fresh = anonymous(base, path).await;
        checks.check(
            shows(&fresh, "Quayside Courier") && !shows(&fresh, "Harbour Post"),
            || {
                format!(
                    "site renamed (API): the next anonymous {path} shows the old name ({:?})",
                    fresh.cache
                )
            },
        );
    }

    // A section created: every page's navigation names it.
    let navigated = vec![
        "/en/".to_owned(),
        article.clone(),
        "/en/section/politics".to_owned(),
    ];
    warm(&mut checks, base, &navigated, "a section is created").await;
    let (status, made) = editor
        .api(
            base,
            "POST",
            "/sections",
            Some(json!({ "slug": "harbour", "names": { "en": "Harbour Desk", "ar": "الميناء" } })),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    for path in &navigated {
        let fresh = anonymous(base, path).await;
        checks.check(shows(&fresh, "Harbour Desk"), || {
            format!(
                "section created: the next anonymous {path} lacks it in the navigation ({:?})",
                fresh.cache
            )
        });
    }

    // The politics section renamed: navigation, its page, its stories'
    // pages.
    let (_, sections) = editor.api(base, "GET", "/sections", None).await;
    let politics = sections["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["slug"] == "politics")
        .expect("the demo's politics section")
        .clone();
    let mut renamed_pages = navigated.clone();
    renamed_pages.push("/ar/".to_owned());
    warm(&mut checks, base, &renamed_pages, "a section is renamed").await;
    reader.page(base, "/en/section/politics").await;
    let (status, reply) = editor
        .api(
            base,
            "PATCH",
            &format!("/sections/{}", politics["id"]),
            Some(json!({ "names": { "en": "Statecraft", "ar": "فن الحكم" } })),
        )
        .await;
    checks.check(status == 200, || {
        format!(
            "renaming a section through PATCH /api/v1/sections/{} answered {status}: {reply}",
            politics["id"]
        )
    });
    if status == 200 {
        for path in &navigated {
            let fresh = anonymous(base, path).await;
            checks.check(shows(&fresh, "Statecraft"), || {
                format!(
                    "section renamed: the next anonymous {path} shows the old name ({:?})",
                    fresh.cache
                )
            });
        }
        let arabic = anonymous(base, "/ar/").await;
        checks.check(shows(&arabic, "فن الحكم"), || {
            format!(
                "section renamed: the next anonymous /ar/ shows the old name ({:?})",
                arabic.cache
            )
        });
        let theirs = reader.page(base, "/en/section/politics").await;
        checks.check(shows(&theirs, "Statecraft"), || {
            "section renamed: a signed-in reader's next section page shows the old name".to_owned()
        });
    }
    checks.finish();
    server.stop().await.unwrap();
}

/// A change made through one node reaches another node's memory on the
/// same database: on PostgreSQL through its LISTEN/NOTIFY wake-up within
/// 200 ms, for anonymous readers and for the change's author signed in
/// there.
async fn another_node_shows_each_change(db: &TestDatabase) {
    let (first, second, _second_data) = two_nodes(db).await;
    let (a, b) = (first.base_url(), second.base_url());
    let within = second_node_within(db);
    let mut checks = Checks::new(db);
    let (article, edition, _) = lead_story(&first).await;
    let list = format!("/api/v1/editions/{edition}/comments");
    let author = person(&first, a, "farah", Role::Reader).await;
    let moderator = person(&first, a, "mod_sami", Role::Moderator).await;
    let editor = person(&first, a, "desk", Role::Editor).await;
    let chief = person(&first, a, "chief", Role::Admin).await;
    let mut timings = Vec::new();

    // Checks that `path` on the second node, anonymous and as `who`,
    // shows the change within the bound.
    macro_rules! reaches {
        ($change:expr, $path:expr, $who:expr, $ready:expr) => {{
            let path: &str = $path;
            let ready = $ready;
            let anon = arrives(b, path, None, within, &ready).await;
            checks.check(anon.is_some(), || {
                format!(
                    "{}: the second node's anonymous {path} was still stale after {within:?}",
                    $change
                )
            });
            let who: Option<&Person> = $who;
            if let Some(who) = who {
                let own = arrives(b, path, Some(who), within, &ready).await;
                checks.check(own.is_some(), || {
                    format!(
                        "{}: {}'s {path} on the second node was still stale after {within:?}",
                        $change, who.name
                    )
                });
            }
            timings.push(format!(
                "{} {path}: fresh answer to a request sent at {:?}, answered at {:?}",
                $change,
                anon.map(|(sent, _)| sent),
                anon.map(|(_, answered)| answered)
            ));
        }};
    }

    let pages = vec![article.clone(), list.clone(), "/en/".to_owned()];
    warm(&mut checks, b, &pages, "a comment through the other node").await;
    author.page(b, &article).await;
    let id = author
        .comment(a, edition, "Estuary comment from the first node")
        .await;
    reaches!("comment posted", &article, Some(&author), |s: &Seen| shows(
        s,
        "Estuary comment from the first node"
    ));
    reaches!("comment posted", &list, None, |s: &Seen| shows(
        s,
        "Estuary comment from the first node"
    ));

    warm(&mut checks, b, &pages, "an edit through the other node").await;
    let (status, reply) = author
        .api(
            a,
            "PATCH",
            &format!("/comments/{id}"),
            Some(json!({ "body": "Estuary comment, corrected" })),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    reaches!("comment edited", &article, Some(&author), |s: &Seen| shows(
        s,
        "Estuary comment, corrected"
    ));

    warm(&mut checks, b, &pages, "a removal through the other node").await;
    let (status, reply) = moderator
        .api(
            a,
            "POST",
            &format!("/moderation/comments/{id}"),
            Some(json!({ "action": "reject", "reason": "spam" })),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    reaches!("comment removed", &article, Some(&author), |s: &Seen| {
        !shows(s, "Estuary comment, corrected")
    });
    reaches!("comment removed", &list, None, |s: &Seen| !shows(
        s,
        "Estuary comment, corrected"
    ));

    // A headline edited on the first node.
    let slug = article.trim_start_matches("/en/story/");
    let summary = first
        .store()
        .article(
            Lang::EN,
            &percent_encoding::percent_decode_str(slug)
                .decode_utf8()
                .unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    let record = first.store().edition(summary.summary.id).await.unwrap();
    warm(
        &mut checks,
        b,
        &pages,
        "a headline edit through the other node",
    )
    .await;
    let (status, reply) = editor
        .api(
            a,
            "PUT",
            &format!("/editions/{edition}"),
            Some(json!({ "revision": record.revision, "edition": {
                "slug": summary.summary.slug, "headline": "Breakwater headline rewritten",
                "body": summary.body } })),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    reaches!(
        "headline edited",
        &article,
        Some(&author),
        |s: &Seen| shows(s, "Breakwater headline rewritten")
    );
    reaches!("headline edited", "/en/", None, |s: &Seen| shows(
        s,
        "Breakwater headline rewritten"
    ));

    // The site renamed on the first node.
    warm(
        &mut checks,
        b,
        &pages,
        "a settings change through the other node",
    )
    .await;
    let (status, reply) = chief
        .api(
            a,
            "PUT",
            "/site/settings",
            Some(json!({ "name": { "en": "Pier Gazette" } })),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    reaches!("site renamed", "/en/", Some(&author), |s: &Seen| shows(
        s,
        "Pier Gazette"
    ));
    reaches!("site renamed", &article, None, |s: &Seen| shows(
        s,
        "Pier Gazette"
    ));

    // A section renamed on the first node.
    let (_, sections) = editor.api(a, "GET", "/sections", None).await;
    let politics = sections["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["slug"] == "politics")
        .expect("the demo's politics section")["id"]
        .clone();
    warm(
        &mut checks,
        b,
        &pages,
        "a section rename through the other node",
    )
    .await;
    let (status, reply) = editor
        .api(
            a,
            "PATCH",
            &format!("/sections/{politics}"),
            Some(json!({ "names": { "en": "Statecraft", "ar": "فن الحكم" } })),
        )
        .await;
    checks.check(status == 200, || {
        format!("PATCH /api/v1/sections/{politics} answered {status}: {reply}")
    });
    if status == 200 {
        reaches!("section renamed", "/en/", Some(&author), |s: &Seen| shows(
            s,
            "Statecraft"
        ));
    }

    eprintln!("[{}] second node caught up: {timings:#?}", checks.store);
    checks.finish();
    second.stop().await.unwrap();
    first.stop().await.unwrap();
}

/// One reader's page never reaches another reader or an anonymous one:
/// name in the header, form token, own held comment; in both orders; and a
/// bearer token's answer is neither taken from nor left in the anonymous
/// cache when it differs.
async fn one_readers_page_never_reaches_another(db: &TestDatabase) {
    let server = node(db, true).await;
    let base = server.base_url();
    let mut checks = Checks::new(db);
    let (article, edition, _) = lead_story(&server).await;
    let moderator = person(&server, base, "mod_rami", Role::Moderator).await;
    let (status, reply) = moderator
        .api(
            base,
            "PUT",
            "/moderation/word-lists/en/suspect",
            Some(json!({ "entries": [{ "term": "cormorant" }] })),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    let x = person(&server, base, "xenia_reader", Role::Reader).await;
    let y = person(&server, base, "yara_reader", Role::Reader).await;
    x.comment(base, edition, "Cormorant comment held for Xenia alone")
        .await;

    // Signed in first: X's page, then Y's, then an anonymous one.
    let own = x.page(base, &article).await;
    let token = common::form_token(&own.body).unwrap_or_default();
    checks.check(
        shows(&own, "<bdi>xenia_reader</bdi>")
            && !token.is_empty()
            && shows(&own, "Cormorant comment held for Xenia alone"),
        || "X's own page lacks X's name, form token or held comment".to_owned(),
    );
    let own_again = x.page(base, &article).await;
    let token_again = common::form_token(&own_again.body).unwrap_or_default();
    for (who, seen) in [
        ("reader Y", y.page(base, &article).await),
        ("an anonymous reader", anonymous(base, &article).await),
        ("an anonymous reader again", anonymous(base, &article).await),
        ("reader Y again", y.page(base, &article).await),
    ] {
        checks.check(!shows(&seen, "xenia_reader"), || {
            format!("{who} saw X's name ({:?})", seen.cache)
        });
        checks.check(
            [&token, &token_again]
                .iter()
                .all(|t| t.is_empty() || !shows(&seen, t)),
            || format!("{who} saw X's form token ({:?})", seen.cache),
        );
        checks.check(
            !shows(&seen, "Cormorant comment held for Xenia alone"),
            || format!("{who} saw X's held comment ({:?})", seen.cache),
        );
    }
    let ys = y.page(base, &article).await;
    checks.check(
        shows(&ys, "<bdi>yara_reader</bdi>") && ys.body.contains("name=\"body\""),
        || "reader Y's page lacks Y's name or the comment form".to_owned(),
    );

    // Anonymous first (kept in memory), then signed in: the signed-in page
    // is the reader's own.
    let path = "/en/section/politics";
    anonymous(base, path).await;
    let kept = anonymous(base, path).await;
    checks.check(kept.hit(), || {
        format!("{path} was not kept ({:?})", kept.cache)
    });
    let signed = x.page(base, path).await;
    checks.check(shows(&signed, "<bdi>xenia_reader</bdi>"), || {
        format!(
            "X's {path} after an anonymous one lacks X's name ({:?})",
            signed.cache
        )
    });
    anonymous(base, &article).await;
    let signed = x.page(base, &article).await;
    checks.check(
        shows(&signed, "<bdi>xenia_reader</bdi>")
            && signed.body.contains("name=\"body\"")
            && shows(&signed, "Cormorant comment held for Xenia alone"),
        || format!("X's article after an anonymous one lacks X's name, the form or X's held comment ({:?})", signed.cache),
    );
    let after = anonymous(base, path).await;
    checks.check(!shows(&after, "xenia_reader"), || {
        format!(
            "the anonymous {path} after X's shows X's name ({:?})",
            after.cache
        )
    });

    // The comment list API with X's token: if it shows X's held comment it
    // was made for X, not taken from memory; and it is never kept for
    // others. Both orders.
    let list = format!("/api/v1/editions/{edition}/comments");
    for order in ["anonymous first", "token first"] {
        if order == "anonymous first" {
            anonymous(base, &list).await;
            anonymous(base, &list).await;
        } else {
            // A new comment makes the list change, so the token's request
            // comes first to an empty place.
            y.comment(
                base,
                edition,
                &format!("Plain comment before the {order} round"),
            )
            .await;
        }
        let with_token = fetch(base, "GET", &list, &[("Authorization", &x.bearer)]).await;
        let anonymous_list = anonymous(base, &list).await;
        checks.check(with_token.status == 200, || {
            format!(
                "{order}: the list with a token answered {}",
                with_token.status
            )
        });
        if shows(&with_token, "Cormorant comment held for Xenia alone") {
            checks.check(!with_token.hit(), || {
                format!("{order}: the token's list, with X's held comment, came from memory")
            });
        } else if with_token.hit() {
            checks.check(with_token.body == anonymous_list.body, || {
                format!(
                    "{order}: the token's list came from memory yet differs from the anonymous one"
                )
            });
        }
        checks.check(
            !shows(&anonymous_list, "Cormorant comment held for Xenia alone"),
            || {
                format!(
                    "{order}: the anonymous list shows X's held comment ({:?})",
                    anonymous_list.cache
                )
            },
        );
    }
    checks.finish();
    server.stop().await.unwrap();
}

/// The text of the header's notification bell, signed-in pages only.
fn bell(page: &Seen) -> Option<String> {
    let start = page.body.find("class=\"bell\"")?;
    let start = start + page.body[start..].find('>')? + 1;
    let end = start + page.body[start..].find('<')?;
    Some(page.body[start..end].to_owned())
}

/// Plain readers' article pages are copies of one shared render with each
/// reader's token, name and bell put in: each reader gets only their own,
/// and whoever differs more (a moderator, the author of a comment there,
/// a warned reader) gets a page of their own whatever was shared before.
async fn shared_renders_carry_only_their_readers_parts(db: &TestDatabase) {
    let server = node(db, true).await;
    let base = server.base_url();
    let mut checks = Checks::new(db);
    let (article, edition, _) = lead_story(&server).await;
    let other_edition = server
        .store()
        .published(Lang::EN, khabar_store::ListFilter::Latest, 2, 1)
        .await
        .unwrap()
        .items
        .remove(0)
        .id;
    let moderator = person(&server, base, "mod_lama", Role::Moderator).await;
    let x = person(&server, base, "xavier_reader", Role::Reader).await;
    let y = person(&server, base, "yasmin_reader", Role::Reader).await;
    let w = person(&server, base, "wael_reader", Role::Reader).await;

    // X has an unread notification: Y replied to X on another story.
    let parent = x
        .comment(base, other_edition, "Question on the other story")
        .await;
    let (status, reply) = y
        .api(
            base,
            "POST",
            &format!("/editions/{other_edition}/comments"),
            Some(json!({ "body": "An answer for Xavier", "parent_id": parent })),
        )
        .await;
    assert_eq!(status, 201, "{reply}");

    // The moderator first, then plain readers and an anonymous one.
    let moderators = moderator.page(base, &article).await;
    checks.check(shows(&moderators, "class=\"mod-thread\""), || {
        "the moderator's article page lacks the thread's moderation controls".to_owned()
    });
    let ys = y.page(base, &article).await;
    let xs = x.page(base, &article).await;
    let ys_again = y.page(base, &article).await;
    let anonymous_page = anonymous(base, &article).await;
    for (who, seen) in [
        ("Y after the moderator", &ys),
        ("X", &xs),
        ("Y again", &ys_again),
        ("an anonymous reader", &anonymous_page),
    ] {
        checks.check(!shows(seen, "class=\"mod-thread\""), || {
            format!("{who} got the moderator's controls ({:?})", seen.cache)
        });
        checks.check(!shows(seen, "mod_lama"), || {
            format!("{who} got the moderator's name ({:?})", seen.cache)
        });
    }
    checks.check(
        shows(&xs, "<bdi>xavier_reader</bdi>") && !shows(&xs, "yasmin_reader"),
        || format!("X's page does not name X alone ({:?})", xs.cache),
    );
    checks.check(
        shows(&ys_again, "<bdi>yasmin_reader</bdi>") && !shows(&ys_again, "xavier_reader"),
        || format!("Y's page does not name Y alone ({:?})", ys_again.cache),
    );
    let (x_bell, y_bell) = (bell(&xs), bell(&ys_again));
    checks.check(
        x_bell.as_deref().is_some_and(|b| b.contains('1'))
            && y_bell.as_deref().is_some_and(|b| !b.contains('1')),
        || format!("bells: X {x_bell:?} (one unread), Y {y_bell:?} (none)"),
    );
    // Each page's form token is its reader's own: the account page (never
    // shared) shows the same one, and a form posted with it is taken.
    let y_token = common::form_token(&ys_again.body);
    let y_account = common::form_token(&y.page(base, "/en/account").await.body);
    checks.check(y_token.is_some() && y_token == y_account, || {
        format!("Y's article page carries token {y_token:?}, Y's account page {y_account:?}")
    });
    let x_token = common::form_token(&xs.body);
    checks.check(x_token.is_some() && x_token != y_token, || {
        "X's and Y's article pages carry the same form token".to_owned()
    });
    let posted = common::client()
        .post(format!("{base}{article}/comments"))
        .header("Cookie", &y.cookie)
        .form(&[
            ("csrf_token", y_token.as_deref().unwrap_or("")),
            ("body", "Posted with the shared page's token"),
        ])
        .send()
        .await
        .unwrap();
    checks.check(posted.status() == 303, || {
        format!(
            "a comment posted with the token of Y's shared page answered {}",
            posted.status()
        )
    });

    // Y has now written under the story; X's comment makes X's page X's
    // own: X's delete form, not on Y's or the anonymous page.
    let mine = x
        .comment(base, edition, "Xavier's own visible comment")
        .await;
    let delete = format!("/en/comments/{mine}/delete");
    let ys = y.page(base, &article).await;
    let xs = x.page(base, &article).await;
    let anonymous_page = anonymous(base, &article).await;
    checks.check(shows(&xs, &delete), || {
        format!(
            "X's page lacks the delete form of X's comment ({:?})",
            xs.cache
        )
    });
    checks.check(!shows(&ys, &delete), || {
        format!(
            "Y's page has the delete form of X's comment ({:?})",
            ys.cache
        )
    });
    checks.check(!shows(&anonymous_page, &delete), || {
        "the anonymous page has X's delete form".to_owned()
    });
    // A plain reader who wrote nothing here, then the moderator: the
    // moderator's page is still the moderator's.
    w.page(base, &article).await;
    let moderators = moderator.page(base, &article).await;
    checks.check(
        shows(&moderators, "class=\"mod-thread\"") && shows(&moderators, "mod_lama"),
        || {
            format!(
                "after a plain reader, the moderator's page lacks the controls or the name ({:?})",
                moderators.cache
            )
        },
    );

    // W is warned: W's next page asks W to acknowledge; no one else's does.
    let before = w.page(base, &article).await;
    checks.check(!shows(&before, "/en/account/warning"), || {
        "W was asked to acknowledge a warning before one was sent".to_owned()
    });
    let (status, reply) = moderator
        .api(
            base,
            "POST",
            &format!("/moderation/users/{}", w.id),
            Some(json!({ "action": "warn", "message": "Mind the harbour tone" })),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    let warned = w.page(base, &article).await;
    checks.check(
        shows(&warned, "Mind the harbour tone") && shows(&warned, "/en/account/warning"),
        || {
            format!(
                "W's next page after a warning does not show it ({:?})",
                warned.cache
            )
        },
    );
    for (who, seen) in [
        ("reader Y", y.page(base, &article).await),
        ("an anonymous reader", anonymous(base, &article).await),
    ] {
        checks.check(!shows(&seen, "Mind the harbour tone"), || {
            format!("{who} saw W's warning ({:?})", seen.cache)
        });
    }
    checks.finish();
    server.stop().await.unwrap();
}

/// The page cache's own account of what it holds, from `/readyz`:
/// `page_cache.bytes` and `page_cache.capacity`.
async fn reported(base: &str) -> Option<(u64, u64)> {
    let ready: Value = common::client()
        .get(format!("{base}/readyz"))
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()?;
    let cache = &ready["page_cache"];
    Some((cache["bytes"].as_u64()?, cache["capacity"].as_u64()?))
}

/// Started with `[cache] memory_mb = 1`, the node crawls every page
/// reachable from both home pages and many thread, list and tracked-link
/// addresses besides, four times what 1 MiB holds. Asserted: the cache's
/// own report in `/readyz` (bytes held, at most its capacity of exactly
/// 1 MiB); a second crawl in the same order finds something in memory but
/// no more than the bound could hold; and every page reads the same both
/// times. (Which pages stay is the eviction policy's choice: a
/// scan-resistant cache rightly keeps the first pages and churns the rest,
/// so no single page's fate is asserted.)
async fn memory_stays_within_its_bound(db: &TestDatabase) {
    let file = db.dir().join("khabar.toml");
    std::fs::write(&file, "[cache]\nmemory_mb = 1\n").unwrap();
    let (mut config, _) = khabar::Config::load(Some(&file), &khabar::Overrides::default())
        .expect("the cache's memory bound is a configuration key");
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.data_dir = db.dir().to_owned();
    config.database_url = Some(db.url().to_owned());
    config.site.comments_per_minute = 1000;
    let server = Server::start(config, true)
        .await
        .expect("the server starts");
    let base = server.base_url();
    common::cache_in_play(base).await;
    let mut checks = Checks::new(db);
    let (article, edition, _) = lead_story(&server).await;

    // Comments, so that thread pages exist and weigh something.
    let reader = person(&server, base, "crawler_reader", Role::Reader).await;
    for n in 0..45 {
        reader
            .comment(
                base,
                edition,
                &format!("Crawl comment {n}: {}", "words of some weight ".repeat(12)),
            )
            .await;
    }

    // Every public page reachable from the two home pages, breadth first.
    let mut queue: std::collections::VecDeque<String> =
        ["/en/".to_owned(), "/ar/".to_owned()].into();
    let mut seen = std::collections::BTreeSet::new();
    let mut crawled: Vec<(String, String)> = Vec::new();
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone()) || crawled.len() >= 400 {
            continue;
        }
        let page = anonymous(base, &path).await;
        if page.status != 200 {
            continue;
        }
        for (at, _) in page.body.match_indices("href=\"/") {
            let start = at + 6;
            let Some(end) = page.body[start..].find(['"', '#']).map(|e| start + e) else {
                continue;
            };
            let link = page.body[start..end].replace("&amp;", "&");
            let public = (link.starts_with("/en/") || link.starts_with("/ar/"))
                && ![
                    "/admin",
                    "/signin",
                    "/signup",
                    "/moderate",
                    "/account",
                    "/notifications",
                    "/search",
                    "/live",
                    "/reset",
                ]
                .iter()
                .any(|private| link.contains(private));
            if public && !seen.contains(&link) {
                queue.push_back(link);
            }
        }
        crawled.push((path, page.body));
    }
    // Many distinct addresses of the same pages, each its own entry:
    // thread pages, list pages, and a shared link's tracking parameters,
    // until the crawl has read four times the bound.
    let mut total: usize = crawled.iter().map(|(_, body)| body.len()).sum();
    let mut n = 0;
    while total < 4 * 1024 * 1024 && n < 300 {
        n += 1;
        for path in [
            format!("{article}?cpage={n}"),
            format!("/en/section/politics?page={n}"),
            format!("/ar/?page={n}"),
            format!("{article}?utm_source=share{n}"),
        ] {
            let page = anonymous(base, &path).await;
            if page.status == 200 {
                total += page.body.len();
                crawled.push((path, page.body));
            }
        }
    }
    eprintln!(
        "[{}] crawled {} pages, {} KB",
        checks.store,
        crawled.len(),
        total / 1024
    );
    assert!(
        total > 3 * 1024 * 1024,
        "the crawl must exceed the 1 MB bound several times: {total} bytes"
    );

    // The server's own account: within the bound, which is 1 MiB.
    const BOUND: u64 = 1024 * 1024;
    match reported(base).await {
        Some((bytes, capacity)) => {
            eprintln!(
                "[{}] after the crawl the cache reports {bytes} bytes of {capacity}",
                checks.store
            );
            checks.check(bytes <= capacity && capacity == BOUND, || {
                format!("after the crawl the cache holds {bytes} bytes with a capacity of {capacity}; the bound is {BOUND}")
            });
        }
        None => checks.check(false, || {
            "/readyz has no page_cache.bytes and .capacity".to_owned()
        }),
    }

    // And as a reader sees it: read the whole crawl again in the same
    // order. A cache holding more than its bound would answer most of it
    // from memory; within 1 MiB, the pages answered from memory weigh at
    // most about that (twice it, for pages let in while others are
    // pushed out). Every page reads as it did, from memory or not.
    let mut hits = 0;
    let mut hit_bytes = 0;
    for (path, body) in &crawled {
        let again = anonymous(base, path).await;
        if again.hit() {
            hits += 1;
            hit_bytes += again.body.len() as u64;
        }
        checks.check(&again.body == body, || {
            format!(
                "{path} reads differently on a second crawl ({:?})",
                again.cache
            )
        });
    }
    eprintln!(
        "[{}] second crawl: {hits} of {} pages from memory, {} KB",
        checks.store,
        crawled.len(),
        hit_bytes / 1024
    );
    checks.check(hits > 0, || {
        "the second crawl found nothing in memory".to_owned()
    });
    checks.check(hit_bytes <= 2 * BOUND, || {
        format!(
            "the second crawl of {} KB found {} KB in memory: more than the bound holds",
            total / 1024,
            hit_bytes / 1024
        )
    });
    if let Some((bytes, capacity)) = reported(base).await {
        checks.check(bytes <= capacity, || {
            format!("after the second crawl the cache holds {bytes} bytes of {capacity}")
        });
    }
    checks.finish();
    server.stop().await.unwrap();
}

/// Polls `probe` until it answers true or `within` passes: whether it did.
async fn comes_true(within: Duration, mut probe: impl AsyncFnMut() -> bool) -> bool {
    let started = Instant::now();
    loop {
        if probe().await {
            return true;
        }
        if started.elapsed() > within {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// The status of `path` on `base` for someone's cookie or bearer token.
async fn status_for(base: &str, path: &str, header: (&str, &str)) -> u16 {
    fetch(base, "GET", path, &[header]).await.status
}

/// Sessions, access tokens and readers' parts in a page are kept in memory
/// beside the pages (`readers` in `/readyz`), so they must follow every
/// change the way pages do: a sign-out, the sessions a password change
/// ends, a revoked token, a new role, a reply that rings a reader's bell
/// and reading it. Each change is made on the first node; the node that
/// made it answers the next request with it, and the second node (which
/// kept the old state in memory) within the bound.
async fn signed_in_checks_follow_every_account_change(db: &TestDatabase) {
    let (first, second, _second_data) = two_nodes(db).await;
    let (a, b) = (first.base_url(), second.base_url());
    let within = second_node_within(db);
    let mut checks = Checks::new(db);
    let (_, edition, _) = lead_story(&first).await;
    let leaving = person(&first, a, "sara_signs_out", Role::Reader).await;
    let careful = person(&first, a, "omar_new_password", Role::Reader).await;
    let promoted = person(&first, a, "huda_promoted", Role::Reader).await;
    let x = person(&first, a, "xena_bell", Role::Reader).await;
    let y = person(&first, a, "yusuf_replies", Role::Reader).await;
    let chief = person(&first, a, "chief_ed", Role::Admin).await;
    let signed_in = |who: &Person| ("Cookie", who.cookie.clone());

    // Each node keeps what it read: a second request is from memory.
    for base in [a, b] {
        for who in [&leaving, &careful, &promoted, &x] {
            for _ in 0..2 {
                let (name, value) = signed_in(who);
                assert_eq!(status_for(base, "/en/account", (name, &value)).await, 200);
            }
        }
        for who in [&careful, &x] {
            let token = ("Authorization", who.bearer.as_str());
            for _ in 0..2 {
                assert_eq!(status_for(base, "/api/v1/notifications", token).await, 200);
            }
        }
    }
    let kept = readers_report(b).await;
    checks.check(
        kept["sessions"].as_u64() >= Some(4) && kept["hits"].as_u64() >= Some(4),
        || format!("the second node kept no sessions in memory: {kept}"),
    );

    // Signing out through the page's form.
    let mut browser = common::Agent::new(&first);
    let (name, value) = leaving.cookie.split_once('=').unwrap();
    browser.set_cookie(name, value);
    let out = browser.submit("/en/account", "/en/signout", &[]).await;
    assert!(matches!(out.status, 200 | 303), "sign-out: {}", out.status);
    let cookie = ("Cookie", leaving.cookie.as_str());
    checks.check(status_for(a, "/en/account", cookie).await != 200, || {
        "sign-out: the node that ended the session still knows it".to_owned()
    });
    let ended = comes_true(within, async || {
        status_for(b, "/en/account", cookie).await != 200
    })
    .await;
    checks.check(ended, || {
        format!("sign-out: the second node still knew the session after {within:?}")
    });

    // A new password ends the person's other sessions and tokens.
    let other = session_cookie(a, &careful.name).await;
    let mut browser = common::Agent::new(&first);
    let (name, value) = other.split_once('=').unwrap();
    browser.set_cookie(name, value);
    let changed = browser
        .submit(
            "/en/account",
            "/en/account/password",
            &[
                ("current_password", PASSWORD),
                ("password", "a brand new passphrase here"),
            ],
        )
        .await;
    assert!(
        matches!(changed.status, 200 | 303),
        "password change: {}",
        changed.body
    );
    let cookie = ("Cookie", careful.cookie.as_str());
    checks.check(status_for(a, "/en/account", cookie).await != 200, || {
        "new password: the node that made it still knows an older session".to_owned()
    });
    let ended = comes_true(within, async || {
        status_for(b, "/en/account", cookie).await != 200
    })
    .await;
    checks.check(ended, || {
        format!("new password: the second node still knew an older session after {within:?}")
    });
    let token = ("Authorization", careful.bearer.as_str());
    let revoked = comes_true(within, async || {
        status_for(b, "/api/v1/notifications", token).await == 401
    })
    .await;
    checks.check(revoked, || {
        format!("new password: the second node still took an older token after {within:?}")
    });

    // A new role: the moderation queue opens to them everywhere.
    let (status, reply) = chief
        .api(
            a,
            "PUT",
            "/users/huda_promoted/role",
            Some(json!({ "role": "moderator" })),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    let cookie = ("Cookie", promoted.cookie.as_str());
    checks.check(status_for(a, "/en/moderate", cookie).await == 200, || {
        "new role: the node that gave it does not know it".to_owned()
    });
    let opened = comes_true(within, async || {
        status_for(b, "/en/moderate", cookie).await == 200
    })
    .await;
    checks.check(opened, || {
        format!("new role: the second node did not know it after {within:?}")
    });

    // A reply rings the bell on X's pages; reading the notification stills it.
    let other_article = {
        let item = first
            .store()
            .published(Lang::EN, khabar_store::ListFilter::Latest, 2, 1)
            .await
            .unwrap()
            .items
            .remove(0);
        format!("/en/story/{}", common::segment(&item.slug))
    };
    for _ in 0..2 {
        x.page(b, &other_article).await;
    }
    let parent = x.comment(a, edition, "A question for whoever knows").await;
    let (status, reply) = y
        .api(
            a,
            "POST",
            &format!("/editions/{edition}/comments"),
            Some(json!({ "body": "An answer for Xena", "parent_id": parent })),
        )
        .await;
    assert_eq!(status, 201, "{reply}");
    let rang = comes_true(within, async || {
        bell(&x.page(b, &other_article).await).is_some_and(|count| count.contains('1'))
    })
    .await;
    checks.check(rang, || {
        format!("a reply: the second node's page did not ring the bell after {within:?}")
    });
    let (status, reply) = x.api(a, "POST", "/notifications/read", None).await;
    assert!(matches!(status, 200 | 204), "{reply}");
    checks.check(
        bell(&x.page(a, &other_article).await).is_none_or(|count| !count.contains('1')),
        || "notifications read: the node that marked them still rings".to_owned(),
    );
    let stilled = comes_true(within, async || {
        bell(&x.page(b, &other_article).await).is_none_or(|count| !count.contains('1'))
    })
    .await;
    checks.check(stilled, || {
        format!("notifications read: the second node still rang after {within:?}")
    });

    // A comment changes its writer's parts in pages, not their token: a
    // reader posting one after another is not read from the store again.
    x.comment(a, edition, "A remark after the answer").await;
    let before = readers_report(a).await;
    x.comment(a, edition, "And one more remark").await;
    let after = readers_report(a).await;
    checks.check(after["misses"] == before["misses"], || {
        format!("a comment made the node read its writer's token again: {before} then {after}")
    });
    checks.finish();
    second.stop().await.unwrap();
    first.stop().await.unwrap();
}

/// While comments pour in, the commented article is rendered by one
/// request at a time: anonymous readers asking meanwhile get the page as
/// last rendered (`x-cache: stale`), whole and never an error, instead of
/// each waiting to render it again. Whoever commented still sees their
/// comment on their next request, and once the comments stop, the next
/// anonymous reader gets the page with all of them.
async fn a_page_being_rendered_is_served_in_its_grace(db: &TestDatabase) {
    /// Enough comments to see the grace many times over, below the
    /// default daily limit.
    const MOST_COMMENTS: usize = 150;
    let server = node(db, true).await;
    let base = server.base_url().to_owned();
    let mut checks = Checks::new(db);
    let (article, edition, _) = lead_story(&server).await;
    let author = person(&server, &base, "rana", Role::Reader).await;
    warm(
        &mut checks,
        &base,
        std::slice::from_ref(&article),
        "the burst",
    )
    .await;
    let posting = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let poster = tokio::spawn({
        let (author, base, posting) = (author.clone(), base.clone(), posting.clone());
        async move {
            for n in 0..MOST_COMMENTS {
                if !posting.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
                author
                    .comment(&base, edition, &format!("Grace comment number {n}"))
                    .await;
            }
        }
    });
    let readers: Vec<_> = (0..6)
        .map(|_| {
            let (base, article, posting) = (base.clone(), article.clone(), posting.clone());
            tokio::spawn(async move {
                let mut seen = Vec::new();
                while posting.load(std::sync::atomic::Ordering::SeqCst) {
                    seen.push(anonymous(&base, &article).await);
                }
                seen
            })
        })
        .collect();
    poster.await.expect("the poster");
    posting.store(false, std::sync::atomic::Ordering::SeqCst);
    let mut stale = 0;
    for reader in readers {
        for page in reader.await.expect("a reader") {
            // Whole: its own address in its links, and its end.
            let whole = shows(&page, &article) && shows(&page, "</html>");
            checks.check(page.status == 200 && whole, || {
                format!(
                    "during the burst {article} answered {} (x-cache {:?}), whole: {whole}",
                    page.status, page.cache
                )
            });
            stale += usize::from(page.cache.as_deref() == Some("stale"));
        }
    }
    checks.check(stale > 0, || {
        format!(
            "{MOST_COMMENTS} comments posted while 6 readers read {article}: no stale page served"
        )
    });
    let reported = common::get_json(&format!("{base}/readyz")).await["page_cache"]["stale"]
        .as_u64()
        .unwrap_or_default();
    checks.check(reported as usize >= stale, || {
        format!("/readyz counts {reported} stale pages served; the readers saw {stale}")
    });

    // Quiet again: nobody is rendering, so nothing stale is served. The
    // thread pages oldest first, so the newest comment shows in the count.
    author
        .comment(&base, edition, "Grace comment after the burst")
        .await;
    let counts = server.store().comment_counts(&[edition]).await.unwrap();
    let visible = counts.get(&edition).copied();
    let own = author.page(&base, &article).await;
    checks.check(heading_count(&own) == visible, || {
        format!(
            "the author's next {article} counts {:?} comments, the store {visible:?} ({:?})",
            heading_count(&own),
            own.cache
        )
    });
    let next = anonymous(&base, &article).await;
    checks.check(
        next.cache.as_deref() != Some("stale") && heading_count(&next) == visible,
        || {
            format!(
                "after the burst the next anonymous {article} ({:?}) counts {:?} comments, the store {visible:?}",
                next.cache,
                heading_count(&next)
            )
        },
    );
    checks.finish();
    server.stop().await.unwrap();
}

/// The comment count an article's discussion heading says.
fn heading_count(page: &Seen) -> Option<i64> {
    let heading = page.body.split("id=\"comments-heading\"").nth(1)?;
    let text = heading.split("</h2>").next()?;
    text.chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()
}

/// The `readers` part of the page cache's report in `/readyz`.
async fn readers_report(base: &str) -> Value {
    common::get_json(&format!("{base}/readyz")).await["page_cache"]["readers"].clone()
}

on_both_backends!(
    public_pages_are_served_from_memory,
    comment_changes_show_on_the_next_request,
    moderation_decisions_show_on_the_next_request,
    account_changes_show_on_the_next_request,
    newsroom_changes_show_on_the_next_request,
    site_and_section_changes_show_on_every_page,
    another_node_shows_each_change,
    one_readers_page_never_reaches_another,
    shared_renders_carry_only_their_readers_parts,
    memory_stays_within_its_bound,
    signed_in_checks_follow_every_account_change,
    a_page_being_rendered_is_served_in_its_grace,
);
