//! Moderation through the real server, on SQLite and on PostgreSQL: which
//! queue each pipeline path leads to, every action in the audit log, what
//! bans, suspensions, warnings and shadow bans do to a reader, and who may
//! moderate what.

mod common;

use common::{Agent, client, spawn_app_with};
use khabar_core::{Lang, Role};
use khabar_store::{EditionSummary, ListFilter};
use khabar_testkit::{TestDatabase, on_both_backends};
use serde_json::{Value, json};

const PASSWORD: &str = "harbour lights at dusk";

struct Site {
    server: khabar::Server,
}

impl Site {
    async fn start(db: &TestDatabase) -> Site {
        Site {
            // Each test posts many comments quickly; the rate limits have
            // their own tests.
            server: spawn_app_with(db, true, |c| c.site.comments_per_minute = 100).await,
        }
    }

    /// A user of `role` and a token with every scope the role may hold.
    async fn person(&self, name: &str, role: Role) -> (i64, String) {
        let id = common::account(&self.server, name, role, PASSWORD).await;
        let scopes: &[&str] = if role.moderates() {
            &["read", "comment", "moderate"]
        } else {
            &["read", "comment"]
        };
        let reply = self
            .call(
                None,
                "POST",
                "/tokens",
                Some(json!({ "login": name, "password": PASSWORD, "scopes": scopes })),
            )
            .await;
        assert_eq!(reply.0, 201, "token for {name}: {}", reply.1);
        (id, reply.1["token"].as_str().unwrap().to_owned())
    }

    async fn call(
        &self,
        token: Option<&str>,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let url = format!("{}/api/v1{path}", self.server.base_url());
        let mut request = match method {
            "POST" => client().post(url),
            "PUT" => client().put(url),
            _ => client().get(url),
        };
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Posts a comment; (status, comment id or error code).
    async fn post(&self, token: &str, edition: i64, body: &str) -> (u16, Value) {
        let (status, reply) = self
            .call(
                Some(token),
                "POST",
                &format!("/editions/{edition}/comments"),
                Some(json!({ "body": body })),
            )
            .await;
        if status == 201 {
            (status, reply["id"].clone())
        } else {
            (status, reply["error"]["code"].clone())
        }
    }

    /// The ids in a queue, as `moderator` sees it.
    async fn queue(&self, moderator: &str, query: &str) -> (Vec<i64>, Value) {
        let (status, reply) = self
            .call(
                Some(moderator),
                "GET",
                &format!("/moderation/queue?{query}"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{reply}");
        let ids = reply["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["comment"]["id"].as_i64().unwrap())
            .collect();
        (ids, reply["counts"].clone())
    }

    async fn decide(&self, moderator: &str, comment: &Value, action: Value) -> (u16, Value) {
        self.call(
            Some(moderator),
            "POST",
            &format!("/moderation/comments/{comment}"),
            Some(action),
        )
        .await
    }

    async fn act_on(&self, moderator: &str, user: i64, action: Value) -> (u16, Value) {
        self.call(
            Some(moderator),
            "POST",
            &format!("/moderation/users/{user}"),
            Some(action),
        )
        .await
    }

    /// Published English editions, with their sections.
    async fn editions(&self) -> Vec<EditionSummary> {
        self.server
            .store()
            .published(Lang::EN, ListFilter::Latest, 1, 50)
            .await
            .unwrap()
            .items
    }

    async fn settings(&self, moderator: &str, query: &str, body: Value) {
        let (status, reply) = self
            .call(
                Some(moderator),
                "PUT",
                &format!("/moderation/settings?{query}"),
                Some(body),
            )
            .await;
        assert_eq!(status, 200, "{reply}");
    }

    async fn words(&self, moderator: &str, lang: &str, list: &str, entries: Value) {
        let (status, reply) = self
            .call(
                Some(moderator),
                "PUT",
                &format!("/moderation/word-lists/{lang}/{list}"),
                Some(json!({ "entries": entries })),
            )
            .await;
        assert_eq!(status, 200, "{reply}");
    }
}

fn has(ids: &[i64], id: &Value) -> bool {
    ids.contains(&id.as_i64().unwrap())
}

async fn each_pipeline_path_leads_to_its_queue(db: &TestDatabase) {
    let site = Site::start(db).await;
    let (_, moderator) = site.person("nadia_mod", Role::Moderator).await;
    let editions = site.editions().await;
    let story = editions[0].id;
    site.words(&moderator, "en", "banned", json!([{ "term": "scumbag" }]))
        .await;
    site.words(&moderator, "ar", "banned", json!([{ "term": "حقير" }]))
        .await;
    site.words(&moderator, "en", "suspect", json!([{ "term": "traitor" }]))
        .await;

    // Banned words are rejected, evasions included, and kept for review.
    let (_, reader) = site.person("reader_one", Role::Reader).await;
    for evasion in [
        "You s.c.u.m.b.a.g",
        "يا حقـــيـر",
        "ٱنت حَقِير",
        "SСUMBAG (Cyrillic С)",
    ] {
        let (status, code) = site.post(&reader, story, evasion).await;
        assert_eq!(
            (status, code.as_str()),
            (422, Some("comment_rejected")),
            "{evasion}"
        );
    }
    let (rejected, counts) = site.queue(&moderator, "queue=rejected").await;
    assert_eq!(rejected.len(), 4);
    assert_eq!(counts["rejected"], 4);
    // Innocent words that contain a banned term pass.
    let (status, innocent) = site
        .post(&reader, story, "The scumbagless class passed")
        .await;
    assert_eq!(status, 201, "{innocent}");

    // Suspect words hold by default…
    let (_, held) = site.post(&reader, story, "he is a traitor").await;
    let (pending, _) = site.queue(&moderator, "queue=pending").await;
    assert!(has(&pending, &held));
    // …and flag (published) when the policy says so.
    let mut policy = json!({ "suspect_action": "flag", "hold_links": true, "new_commenter_approvals": 0,
        "rejection_rate_percent": 0, "rejection_rate_min_comments": 5 });
    site.settings(
        &moderator,
        "scope=site",
        json!({ "settings": {}, "policy": policy }),
    )
    .await;
    let (status, flagged) = site.post(&reader, editions[1].id, "what a traitor").await;
    assert_eq!(status, 201);
    let (flagged_queue, _) = site.queue(&moderator, "queue=flagged").await;
    assert!(has(&flagged_queue, &flagged));
    let (approved, _) = site.queue(&moderator, "queue=approved").await;
    assert!(has(&approved, &flagged), "flagged comments are published");

    // Links are held when the setting says so.
    let (_, linked) = site.post(&reader, story, "see https://example.org/x").await;
    // The same text again, on another story: held.
    let (_, first) = site
        .post(&reader, editions[2].id, "Copy pasted opinion")
        .await;
    let (_, repeat) = site
        .post(&reader, editions[3].id, "Copy pasted opinion")
        .await;
    let (pending, _) = site.queue(&moderator, "queue=pending").await;
    assert!(has(&pending, &linked) && has(&pending, &repeat) && !has(&pending, &first));
    let (_, reasons) = site
        .queue(&moderator, "queue=pending&reason=repeated_text")
        .await;
    assert_eq!(
        reasons["pending"], 1,
        "the reason filter narrows the counts"
    );

    // New commenters wait for N approvals.
    policy["hold_links"] = json!(false);
    policy["new_commenter_approvals"] = json!(2);
    site.settings(
        &moderator,
        "scope=site",
        json!({ "settings": {}, "policy": policy }),
    )
    .await;
    let (_, newcomer) = site.person("newcomer", Role::Reader).await;
    let (_, first) = site.post(&newcomer, story, "My very first comment").await;
    let (pending, _) = site.queue(&moderator, "queue=pending").await;
    assert!(has(&pending, &first));
    site.decide(&moderator, &first, json!({ "action": "approve" }))
        .await;
    let (_, second) = site.post(&newcomer, story, "My second comment").await;
    site.decide(&moderator, &second, json!({ "action": "approve" }))
        .await;
    let (status, third) = site.post(&newcomer, story, "Trusted by now").await;
    let (pending, _) = site.queue(&moderator, "queue=pending").await;
    assert!(
        status == 201 && !has(&pending, &third),
        "two approvals earn trust"
    );

    // A reader with many recent rejections (4 of 10) is held.
    policy["new_commenter_approvals"] = json!(0);
    policy["rejection_rate_percent"] = json!(30);
    policy["rejection_rate_min_comments"] = json!(4);
    site.settings(
        &moderator,
        "scope=site",
        json!({ "settings": {}, "policy": policy }),
    )
    .await;
    let (_, after_rejections) = site
        .post(&reader, editions[4].id, "Ordinary words now")
        .await;
    let (pending, _) = site
        .queue(&moderator, "queue=pending&reason=rejection_rate")
        .await;
    assert!(has(&pending, &after_rejections));

    // Pre-moderation by story, by section, by the whole site.
    let (_, calm) = site.person("calm_reader", Role::Reader).await;
    let target = &editions[5];
    site.settings(
        &moderator,
        &format!("scope=story&id={}", target.story_id),
        json!({ "settings": { "pre_moderated": true } }),
    )
    .await;
    let (_, by_story) = site
        .post(&calm, target.id, "Held by the story's setting")
        .await;
    let section = editions
        .iter()
        .find(|e| e.section.is_some() && e.story_id != target.story_id)
        .unwrap();
    let section_id = section.section.as_ref().unwrap().id;
    site.settings(
        &moderator,
        &format!("scope=section&id={section_id}"),
        json!({ "settings": { "pre_moderated": true, "message": "Keep it civil" } }),
    )
    .await;
    let (_, by_section) = site
        .post(&calm, section.id, "Held by the section's setting")
        .await;
    let (pending, _) = site
        .queue(&moderator, "queue=pending&reason=pre_moderated")
        .await;
    assert!(has(&pending, &by_story) && has(&pending, &by_section));
    let (_, view) = site
        .call(
            Some(&moderator),
            "GET",
            &format!("/moderation/settings?scope=section&id={section_id}"),
            None,
        )
        .await;
    assert_eq!(view["settings"]["message"], "Keep it civil");

    // Reports put a published comment in the reported queue until decided.
    let (_, reporter) = site.person("reporter", Role::Reader).await;
    let (_, fine) = site
        .post(&calm, editions[6].id, "A sharp but fair remark")
        .await;
    let (status, _) = site
        .call(
            Some(&reporter),
            "POST",
            &format!("/comments/{fine}/reports"),
            Some(json!({ "reason": "abusive" })),
        )
        .await;
    assert_eq!(status, 201);
    let (reported, _) = site
        .queue(&moderator, "queue=reported&reason=abusive")
        .await;
    assert_eq!(reported, vec![fine.as_i64().unwrap()]);
    site.decide(&moderator, &fine, json!({ "action": "approve" }))
        .await;
    let (reported, counts) = site.queue(&moderator, "queue=reported").await;
    assert!(reported.is_empty() && counts["reported"] == 0);

    // A held comment approved is published; one rejected leaves the queue
    // and its author hears why.
    site.decide(&moderator, &held, json!({ "action": "approve" }))
        .await;
    let (status, shown) = site
        .call(None, "GET", &format!("/comments/{held}"), None)
        .await;
    assert_eq!((status, shown["status"].as_str()), (200, Some("visible")));
    let (status, _) = site
        .decide(
            &moderator,
            &linked,
            json!({ "action": "reject", "reason": "spam", "message": "No adverts" }),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = site
        .call(None, "GET", &format!("/comments/{linked}"), None)
        .await;
    assert_eq!(status, 404, "rejected comments are not shown");
    let (_, notes) = site
        .call(Some(&reader), "GET", "/notifications", None)
        .await;
    assert!(notes.to_string().contains("rejected"), "{notes}");
    let (status, reply) = site
        .decide(
            &moderator,
            &repeat,
            json!({ "action": "reject", "reason": "made-up" }),
        )
        .await;
    assert_eq!(
        (status, reply["error"]["code"].as_str()),
        (422, Some("unknown_reject_reason"))
    );
}

async fn every_decision_is_in_the_audit_log(db: &TestDatabase) {
    let site = Site::start(db).await;
    let (_, admin) = site.person("chief_admin", Role::Admin).await;
    let (reader_id, reader) = site.person("loud_reader", Role::Reader).await;
    let editions = site.editions().await;
    let (_, one) = site.post(&reader, editions[0].id, "First thought").await;
    let (_, two) = site.post(&reader, editions[0].id, "Second thought").await;

    for action in [
        json!({ "action": "feature" }),
        json!({ "action": "unfeature" }),
        json!({ "action": "redact", "note": "personal details" }),
    ] {
        let (status, reply) = site.decide(&admin, &one, action).await;
        assert_eq!(status, 200, "{reply}");
    }
    let (status, _) = site
        .call(
            Some(&admin),
            "POST",
            "/moderation/comments",
            Some(json!({ "action": "reject", "comment_ids": [two], "reason": "off_topic" })),
        )
        .await;
    assert_eq!(status, 200);
    let actions = [
        json!({ "action": "warn", "message": "Mind the tone" }),
        json!({ "action": "note", "body": "Argues in good faith, mostly" }),
        json!({ "action": "suspend", "hours": 24 }),
        json!({ "action": "unsuspend" }),
        json!({ "action": "pre_moderate" }),
        json!({ "action": "stop_pre_moderating" }),
        json!({ "action": "shadow_ban" }),
        json!({ "action": "unshadow" }),
        json!({ "action": "ban" }),
        json!({ "action": "unban" }),
    ];
    for action in &actions {
        let (status, reply) = site.act_on(&admin, reader_id, action.clone()).await;
        assert_eq!(status, 200, "{action}: {reply}");
    }
    let (_, history) = site
        .call(
            Some(&admin),
            "GET",
            &format!("/moderation/users/{reader_id}"),
            None,
        )
        .await;
    let logged: Vec<&str> = history["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in actions
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .chain(["feature", "unfeature", "redact", "reject", "approve"])
    {
        assert!(logged.contains(&action), "{action} missing from {logged:?}");
    }
    // Automatic decisions name their phase; moderators' name the moderator.
    let auto = history["log"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["actor"].is_null())
        .unwrap();
    // Nothing held it: the approval is the whole pipeline's, not
    // pre-moderation's (the thread is open).
    assert_eq!(auto["phase"], "passed");
    assert_eq!(history["notes"][0]["body"], "Argues in good faith, mostly");
    assert_eq!(history["rejected"], 1);
    assert_eq!(history["standing"]["warning"], "Mind the tone");

    // The log is searchable.
    let (_, found) = site
        .call(
            Some(&admin),
            "GET",
            "/moderation/log?q=personal%20details",
            None,
        )
        .await;
    let entries = found["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        (entries[0]["action"].as_str(), entries[0]["actor"].as_str()),
        (Some("redact"), Some("chief_admin"))
    );
    // A redacted comment shows the note, not the body.
    let (_, redacted) = site
        .call(None, "GET", &format!("/comments/{one}"), None)
        .await;
    assert_eq!(
        (
            redacted["body"].as_str(),
            redacted["redaction_note"].as_str()
        ),
        (Some(""), Some("personal details"))
    );
}

async fn what_actions_do_to_a_reader(db: &TestDatabase) {
    let site = Site::start(db).await;
    let (_, moderator) = site.person("desk_mod", Role::Moderator).await;
    let (id, reader) = site.person("hot_head", Role::Reader).await;
    let (_, other) = site.person("bystander", Role::Reader).await;
    let story = site.editions().await[0].id;

    // A warning must be acknowledged before commenting again.
    site.act_on(
        &moderator,
        id,
        json!({ "action": "warn", "message": "No insults" }),
    )
    .await;
    let (status, code) = site.post(&reader, story, "Trying anyway").await;
    assert_eq!(
        (status, code.as_str()),
        (403, Some("warning_unacknowledged"))
    );
    site.server.store().acknowledge_warning(id).await.unwrap();
    assert_eq!(site.post(&reader, story, "Point taken").await.0, 201);

    // A suspension ends.
    site.server
        .store()
        .suspend(
            id,
            Some(jiff::Timestamp::now() + jiff::SignedDuration::from_millis(800)),
        )
        .await
        .unwrap();
    let (status, code) = site.post(&reader, story, "Still here").await;
    assert_eq!((status, code.as_str()), (403, Some("suspended")));
    tokio::time::sleep(std::time::Duration::from_millis(1_000)).await;
    assert_eq!(site.post(&reader, story, "Back again").await.0, 201);

    // A shadow-banned reader sees their comment; nobody else does.
    site.act_on(&moderator, id, json!({ "action": "shadow_ban" }))
        .await;
    let (status, hidden) = site.post(&reader, story, "Shouting into the void").await;
    assert_eq!(status, 201);
    let (_, thread) = site
        .call(
            Some(&other),
            "GET",
            &format!("/editions/{story}/comments"),
            None,
        )
        .await;
    assert!(!thread.to_string().contains("Shouting into the void"));
    let (status, _) = site
        .call(None, "GET", &format!("/comments/{hidden}"), None)
        .await;
    assert_eq!(status, 404);
    let server = &site.server;
    let mut browser = Agent::new(server);
    let answer = browser
        .submit(
            "/en/signin",
            "/en/signin",
            &[("login", "hot_head"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(answer.status, 303);
    let slug = site.editions().await[0].slug.clone();
    let own_page = browser.get(&format!("/en/story/{slug}")).await.body;
    assert!(
        own_page.contains("Shouting into the void"),
        "the author sees it"
    );
    let (_, _) = site
        .act_on(&moderator, id, json!({ "action": "unshadow" }))
        .await;

    // A ban, rejecting their comments, ends the discussion for them.
    let (status, reply) = site
        .act_on(
            &moderator,
            id,
            json!({ "action": "ban", "reject_comments": true }),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["approved"], 0, "every comment of theirs was rejected");
    let (status, code) = site.post(&reader, story, "Let me in").await;
    assert_eq!((status, code.as_str()), (403, Some("banned")));
    // The thread page tells them why, in their language.
    let page = browser
        .submit(
            &format!("/en/story/{slug}"),
            &format!("/en/story/{slug}/comments"),
            &[("body", "Form post")],
        )
        .await;
    assert_eq!(page.status, 422);
}

async fn who_may_moderate_what(db: &TestDatabase) {
    let site = Site::start(db).await;
    let (_, admin) = site.person("site_admin", Role::Admin).await;
    let (limited_id, limited) = site.person("sport_mod", Role::Moderator).await;
    let (reader_id, reader) = site.person("plain_reader", Role::Reader).await;
    let editions = site.editions().await;
    let mut by_section = editions.iter().filter(|e| e.section.is_some());
    let mine = by_section.next().unwrap().clone();
    let mine_section = mine.section.as_ref().unwrap().id;
    let elsewhere = editions
        .iter()
        .find(|e| e.section.as_ref().is_some_and(|s| s.id != mine_section))
        .unwrap()
        .clone();
    let (status, _) = site
        .act_on(
            &admin,
            limited_id,
            json!({ "action": "limit_sections", "section_ids": [mine_section] }),
        )
        .await;
    assert_eq!(status, 200);
    site.settings(
        &admin,
        "scope=site",
        json!({ "settings": { "pre_moderated": true } }),
    )
    .await;
    let (_, here) = site
        .post(&reader, mine.id, "In the moderator's section")
        .await;
    let (_, there) = site.post(&reader, elsewhere.id, "In another section").await;

    // The limited moderator's queue holds their section only…
    let (pending, counts) = site.queue(&limited, "queue=pending").await;
    assert_eq!(
        (pending, counts["pending"].as_i64()),
        (vec![here.as_i64().unwrap()], Some(1))
    );
    let (status, _) = site
        .call(
            Some(&limited),
            "GET",
            &format!(
                "/moderation/queue?section={}",
                elsewhere.section.as_ref().unwrap().id
            ),
            None,
        )
        .await;
    assert_eq!(status, 403);
    // …and they cannot act elsewhere, nor on site-wide things.
    let (status, reply) = site
        .decide(&limited, &there, json!({ "action": "approve" }))
        .await;
    assert_eq!(
        (status, reply["error"]["code"].as_str()),
        (403, Some("outside_your_sections"))
    );
    assert_eq!(
        site.decide(&limited, &here, json!({ "action": "approve" }))
            .await
            .0,
        200
    );
    let (status, _) = site
        .act_on(&limited, reader_id, json!({ "action": "ban" }))
        .await;
    assert_eq!(status, 403);
    assert_eq!(
        site.act_on(
            &limited,
            reader_id,
            json!({ "action": "warn", "message": "Easy" })
        )
        .await
        .0,
        200
    );
    let (status, _) = site
        .call(
            Some(&limited),
            "PUT",
            "/moderation/word-lists/en/banned",
            Some(json!({ "entries": [] })),
        )
        .await;
    assert_eq!(status, 403);
    // Their settings screen says why the site-wide form is not theirs
    // instead of showing a form of made-up defaults.
    let mut limited_page = Agent::new(&site.server);
    limited_page
        .submit(
            "/en/signin",
            "/en/signin",
            &[("login", "sport_mod"), ("password", PASSWORD)],
        )
        .await;
    let settings = limited_page.get("/en/moderate/settings").await;
    assert_eq!(settings.status, 200);
    assert!(
        settings
            .body
            .contains("set by moderators of the whole site")
    );
    assert!(!settings.body.contains("mod-settings\""));
    let (status, _) = site
        .call(
            Some(&limited),
            "PUT",
            &format!("/moderation/settings?scope=story&id={}", elsewhere.story_id),
            Some(json!({ "settings": { "closed": true } })),
        )
        .await;
    assert_eq!(status, 403);
    // Moderators do not act on staff; only admins limit sections.
    let (status, _) = site
        .act_on(&limited, limited_id, json!({ "action": "unban" }))
        .await;
    assert_eq!(status, 403);

    // Readers are refused every moderation operation, whatever they send.
    for (method, path, body) in [
        ("GET", "/moderation/queue".to_owned(), None),
        (
            "POST",
            format!("/moderation/comments/{there}"),
            Some(json!({ "action": "approve" })),
        ),
        (
            "POST",
            format!("/moderation/users/{limited_id}"),
            Some(json!({ "action": "ban" })),
        ),
        ("GET", "/moderation/log".to_owned(), None),
        ("GET", "/moderation/word-lists".to_owned(), None),
        (
            "PUT",
            "/moderation/word-lists/en/banned".to_owned(),
            Some(json!({ "entries": [] })),
        ),
        ("GET", "/moderation/settings".to_owned(), None),
        (
            "PUT",
            "/moderation/settings".to_owned(),
            Some(json!({ "settings": {} })),
        ),
    ] {
        let (status, reply) = site.call(Some(&reader), method, &path, body).await;
        assert_eq!(status, 403, "{method} {path}: {reply}");
        let (status, _) = site.call(None, method, &path, None).await;
        assert_eq!(status, 401, "{method} {path} anonymous");
    }
    let mut page = Agent::new(&site.server);
    page.submit(
        "/en/signin",
        "/en/signin",
        &[("login", "plain_reader"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(page.get("/en/moderate").await.status, 403);
}

/// How many items the queue page shows.
const ITEMS: &str = "return document.querySelectorAll('.mod-item').length;";

async fn a_moderator_clears_a_queue_with_the_keyboard(db: &TestDatabase) {
    let Some(browser) = khabar_testkit::browser::Browser::start().await else {
        return;
    };
    let site = Site::start(db).await;
    let (_, admin) = site.person("chief_editor", Role::Admin).await;
    site.person("night_desk", Role::Moderator).await;
    site.settings(
        &admin,
        "scope=site",
        json!({ "settings": { "pre_moderated": true } }),
    )
    .await;
    let story = site.editions().await[0].id;
    let (_, first) = site.person("first_reader", Role::Reader).await;
    let (_, second) = site.person("second_reader", Role::Reader).await;
    let (troll_id, troll) = site.person("troll_reader", Role::Reader).await;
    let (_, approve_me) = site.post(&first, story, "تحليل هادئ ومفيد للخبر").await;
    let (_, reject_me) = site
        .post(&second, story, "Off-topic rant about something else")
        .await;
    site.post(&troll, story, "Provocation one").await;
    site.post(&troll, story, "Provocation two, in English and عربي")
        .await;

    let base = site.server.base_url().to_owned();
    browser.goto(&format!("{base}/en/signin")).await;
    browser.type_into("#login", "night_desk").await;
    browser.type_into("#password", PASSWORD).await;
    browser.click(".stacked-form button[type=submit]").await;
    // Moderators land on their queue.
    browser.wait_for_url("/en/moderate").await;

    browser.goto(&format!("{base}/ar/moderate")).await;
    browser.wait_for(".mod-item.current").await;
    assert_eq!(browser.eval(ITEMS, json!([])).await, json!(4));
    let direction = "return [document.documentElement.dir, \
        getComputedStyle(document.querySelector('.mod-item .comment-body')).direction];";
    assert_eq!(
        browser.eval(direction, json!([])).await,
        json!(["rtl", "rtl"])
    );
    browser.screenshot("moderation-queue-ar").await;

    // Help opens and closes with "?".
    browser.press("?").await;
    assert_eq!(
        browser
            .eval(
                "return !document.getElementById('mod-keys').hidden;",
                json!([])
            )
            .await,
        json!(true)
    );
    browser.press("?").await;
    // j/k move; a approves the first, r rejects the next, b b bans the troll.
    browser.press("jk").await;
    browser.press("a").await;
    browser
        .wait_for(&format!(".mod-item.current#item-{reject_me}"))
        .await;
    browser.press("r").await;
    browser
        .wait_for(".mod-item.current[data-username=troll_reader]")
        .await;
    browser.press("bb").await;
    browser.wait_for(".mod-empty").await;
    assert_eq!(browser.eval(ITEMS, json!([])).await, json!(0));
    // The tab's count follows the server, which answers after the keys.
    browser
        .wait_for_true(
            "document.querySelector('[data-queue-tab=pending] .mod-count').getAttribute('data-count') === '0'",
        )
        .await;
    browser.resize(390, 844).await;
    browser.screenshot("moderation-queue-cleared-phone").await;

    // The decisions are real.
    let (_, moderator) = site.person("checker_mod", Role::Moderator).await;
    let (pending, _) = site.queue(&moderator, "queue=pending").await;
    assert!(pending.is_empty());
    let (approved, _) = site.queue(&moderator, "queue=approved").await;
    assert!(has(&approved, &approve_me));
    let (rejected, _) = site.queue(&moderator, "queue=rejected").await;
    assert!(has(&rejected, &reject_me) && rejected.len() == 3);
    let (_, history) = site
        .call(
            Some(&moderator),
            "GET",
            &format!("/moderation/users/{troll_id}"),
            None,
        )
        .await;
    assert_eq!(history["standing"]["banned"], true);
    browser.quit().await;
}

/// The moderators' pages work as plain forms: thread settings from the
/// story itself, the queue's buttons, a reader's page, settings and lists,
/// and the log's search.
async fn the_screens_work_without_javascript(db: &TestDatabase) {
    let site = Site::start(db).await;
    let (_, admin) = site.person("page_admin", Role::Admin).await;
    site.person("page_mod", Role::Moderator).await;
    let (reader_id, reader) = site.person("page_reader", Role::Reader).await;
    let edition = site.editions().await[0].clone();
    let story = format!("/en/story/{}", edition.slug);
    let mut moderator = Agent::new(&site.server);
    moderator
        .submit(
            "/en/signin",
            "/en/signin",
            &[("login", "page_mod"), ("password", PASSWORD)],
        )
        .await;

    // From the story: pre-moderate it, with a message above the thread.
    let page = moderator.get(&story).await.body;
    assert!(
        page.contains("Moderate this discussion") && page.contains("/en/moderate\">Moderation</a>")
    );
    let scope_id = edition.story_id.to_string();
    let back = format!("{story}#comments");
    let saved = moderator
        .submit(
            &story,
            "/en/moderate/settings",
            &[
                ("scope", "story"),
                ("scope_id", &scope_id),
                ("pre_moderated", "1"),
                ("closed", ""),
                ("message", "Facts first, please"),
                ("back", &back),
            ],
        )
        .await;
    assert_eq!(
        (saved.status, saved.location.as_deref()),
        (303, Some(back.as_str()))
    );
    let (status, held) = site.post(&reader, edition.id, "A held thought").await;
    assert_eq!(status, 201);
    let public = Agent::new(&site.server).get(&story).await.body;
    assert!(public.contains("Facts first, please") && !public.contains("A held thought"));

    // The queue shows it in context with its reasons; its button approves.
    let queue = moderator.get("/en/moderate").await.body;
    assert!(
        queue.contains("A held thought")
            && plain(&queue).contains("held: this story is pre-moderated")
    );
    assert!(queue.contains(&edition.headline));
    let held_id = held.to_string();
    let decided = moderator
        .submit(
            "/en/moderate",
            "/en/moderate/comments",
            &[
                ("comment_id", &held_id),
                ("action", "approve"),
                ("back", "/en/moderate?queue=pending"),
            ],
        )
        .await;
    // Back to the queue, which confirms what was done.
    let location = decided.location.unwrap_or_default();
    assert!(
        location.starts_with("/en/moderate?queue=pending&done=")
            && location.ends_with("&did=approve"),
        "{location}"
    );
    assert!(
        Agent::new(&site.server)
            .get(&story)
            .await
            .body
            .contains("A held thought")
    );
    // A form cannot send the moderator elsewhere.
    let elsewhere = moderator
        .submit(
            "/en/moderate",
            "/en/moderate/comments",
            &[
                ("comment_id", &held_id),
                ("action", "feature"),
                ("back", "https://evil.example/"),
            ],
        )
        .await;
    let location = elsewhere.location.unwrap_or_default();
    assert!(location.starts_with("/en/moderate?done="), "{location}");

    // A reader's page: standing, counts, a note, a warning.
    let user_page = format!("/ar/moderate/users/{reader_id}");
    for fields in [
        [
            ("action", "note"),
            ("body", "Usually constructive"),
            ("back", user_page.as_str()),
        ],
        [
            ("action", "warn"),
            ("message", "Stay on topic"),
            ("back", user_page.as_str()),
        ],
    ] {
        assert_eq!(
            moderator
                .submit(&user_page, &user_page, &fields)
                .await
                .status,
            303
        );
    }
    let page = moderator.get(&user_page).await.body;
    assert!(page.contains("Usually constructive") && page.contains("Stay on topic"));
    assert!(page.contains("dir=\"rtl\"") && page.contains("تنبيه لم يُقرأ بعد"));
    // The reader sees the warning above the thread and acknowledges it.
    let mut reader_page = Agent::new(&site.server);
    reader_page
        .submit(
            "/en/signin",
            "/en/signin",
            &[("login", "page_reader"), ("password", PASSWORD)],
        )
        .await;
    assert!(reader_page.get(&story).await.body.contains("Stay on topic"));
    let acknowledged = reader_page
        .submit(&story, "/en/account/warning", &[("back", &back)])
        .await;
    assert_eq!(acknowledged.location.as_deref(), Some(back.as_str()));
    assert_eq!(site.post(&reader, edition.id, "Understood").await.0, 201);

    // Word lists from their textareas; a leading * means inside words, a
    // leading ~ every form of the word.
    let saved = moderator
        .submit(
            "/en/moderate/settings",
            "/en/moderate/word-lists",
            &[
                ("list_lang", "en"),
                ("list", "banned"),
                ("terms", "rotten\n*blight\n~villain\n"),
                ("back", "/en/moderate/settings"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303);
    let (_, lists) = site
        .call(Some(&admin), "GET", "/moderation/word-lists", None)
        .await;
    let english = lists["lists"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["lang"] == "en" && l["list"] == "banned")
        .unwrap();
    assert_eq!(
        english["entries"],
        json!([
            { "term": "blight", "mode": "substring" },
            { "term": "rotten", "mode": "word" },
            { "term": "villain", "mode": "forms" }
        ])
    );
    assert!(
        moderator
            .get("/en/moderate/settings")
            .await
            .body
            .contains("*blight")
    );
    assert_eq!(
        site.post(&reader, edition.id, "Such blighted plans")
            .await
            .1,
        "comment_rejected"
    );

    // Rejecting with a reason and a message for the author, from the form.
    let (_, rejected) = site.post(&reader, edition.id, "Another held thought").await;
    let rejected_id = rejected.to_string();
    moderator
        .submit(
            "/en/moderate",
            "/en/moderate/comments",
            &[
                ("comment_id", &rejected_id),
                ("action", "reject"),
                ("reason", "off_topic"),
                ("message", "Please keep to the story"),
            ],
        )
        .await;
    let notes = reader_page.get("/en/notifications").await.body;
    assert!(notes.contains("Please keep to the story"), "{notes}");

    // An admin limits a moderator to sections from the moderator's page.
    let (mod_id, _) = site.person("section_mod", Role::Moderator).await;
    let mut chief = Agent::new(&site.server);
    chief
        .submit(
            "/en/signin",
            "/en/signin",
            &[("login", "page_admin"), ("password", PASSWORD)],
        )
        .await;
    let mod_page = format!("/en/moderate/users/{mod_id}");
    let section_id = edition.section.as_ref().unwrap().id.to_string();
    let limited = chief
        .submit(
            &mod_page,
            &mod_page,
            &[("action", "limit_sections"), ("section_id", &section_id)],
        )
        .await;
    assert_eq!(limited.status, 303);
    let (_, standing) = site
        .call(
            Some(&admin),
            "GET",
            &format!("/moderation/users/{mod_id}"),
            None,
        )
        .await;
    assert_eq!(
        standing["standing"]["sections"],
        json!([edition.section.as_ref().unwrap().id])
    );

    // A filter that makes no sense is answered in words.
    let bogus = moderator.get("/en/moderate?queue=bogus").await;
    assert_eq!(bogus.status, 422);
    assert!(bogus.body.contains("There is no such queue."));

    // The log finds decisions by words in them.
    let log = moderator.get("/en/moderate/log?q=constructive").await.body;
    assert!(log.contains("added a note on") && log.contains("@page_reader"));
}

on_both_backends!(
    the_screens_work_without_javascript,
    a_moderator_clears_a_queue_with_the_keyboard,
    each_pipeline_path_leads_to_its_queue,
    every_decision_is_in_the_audit_log,
    what_actions_do_to_a_reader,
    who_may_moderate_what,
    every_reason_reads_in_words,
    the_log_filters_and_exports,
);

/// An entry marked "all forms" catches plurals (broken ones too), clitics
/// and inflections, and nothing that merely looks like it.
async fn banned_words_in_all_their_forms(db: &TestDatabase) {
    let site = Site::start(db).await;
    let (_, moderator) = site.person("forms_mod", Role::Moderator).await;
    let story = site.editions().await[0].id;
    site.words(
        &moderator,
        "ar",
        "banned",
        json!([{ "term": "كلب", "mode": "forms" }, { "term": "خائن", "mode": "forms" }]),
    )
    .await;
    site.words(
        &moderator,
        "en",
        "banned",
        json!([{ "term": "idiot", "mode": "forms" }]),
    )
    .await;
    let (_, reader) = site.person("forms_reader", Role::Reader).await;
    for insult in ["أنتم كلاب", "والكلاب تنبح", "يا خونة", "what idiots"] {
        let (status, code) = site.post(&reader, story, insult).await;
        assert_eq!(
            (status, code.as_str()),
            (422, Some("comment_rejected")),
            "{insult}"
        );
    }
    for innocent in [
        "كلبشة الشرطة كانت مشدودة",
        "خيانة الأمانة جريمة",
        "an idiom of the region",
    ] {
        let (status, reply) = site.post(&reader, story, innocent).await;
        assert_eq!(status, 201, "{innocent}: {reply}");
    }
    // The settings screen writes the entry back as it reads it.
    let page = site
        .call(Some(&moderator), "GET", "/moderation/word-lists", None)
        .await
        .1;
    assert!(page.to_string().contains(r#""mode":"forms""#), "{page}");
}

on_both_backends!(banned_words_in_all_their_forms);

/// Undo a decision: what `POST /moderation/undo` answers, and whether the
/// comment, its reports and the reader's notifications are as before.
async fn undo_call(site: &Site, moderator: &str, decisions: Value) -> (u16, Value) {
    site.call(
        Some(moderator),
        "POST",
        "/moderation/undo",
        Some(json!({ "decisions": decisions })),
    )
    .await
}

/// The kinds of a reader's notifications, newest first.
async fn notification_kinds(site: &Site, reader: &str) -> Vec<String> {
    let (status, reply) = site.call(Some(reader), "GET", "/notifications", None).await;
    assert_eq!(status, 200, "{reply}");
    reply["notifications"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .filter_map(|n| n["kind"].as_str().map(str::to_owned))
        .collect()
}

/// A rejection undone: the comment is published again, its report is
/// open again, the reader's rejection notice is gone; the undo is logged
/// and cannot be repeated. The same through the forms, without script.
async fn a_rejection_undone_restores_the_comment(db: &TestDatabase) {
    let site = Site::start(db).await;
    let (_, moderator) = site.person("undo_mod", Role::Moderator).await;
    let (_, reader) = site.person("undo_reader", Role::Reader).await;
    let (_, reporter) = site.person("undo_reporter", Role::Reader).await;
    let story = site.editions().await[0].id;
    let (_, comment) = site.post(&reader, story, "A blunt remark").await;
    let (status, _) = site
        .call(
            Some(&reporter),
            "POST",
            &format!("/comments/{comment}/reports"),
            Some(json!({ "reason": "abusive" })),
        )
        .await;
    assert_eq!(status, 201);

    let (status, decided) = site
        .decide(
            &moderator,
            &comment,
            json!({ "action": "reject", "reason": "abusive", "message": "Too harsh" }),
        )
        .await;
    assert_eq!(status, 200, "{decided}");
    let decision = decided["decision_id"].clone();
    assert!(
        notification_kinds(&site, &reader)
            .await
            .contains(&"rejected".to_owned())
    );
    let (reported, _) = site.queue(&moderator, "queue=reported").await;
    assert!(reported.is_empty());

    let (status, undone) = undo_call(&site, &moderator, json!([decision])).await;
    assert_eq!(
        (status, &undone["undone"]),
        (200, &json!([decision])),
        "{undone}"
    );
    let (status, shown) = site
        .call(None, "GET", &format!("/comments/{comment}"), None)
        .await;
    assert_eq!((status, shown["status"].as_str()), (200, Some("visible")));
    let (reported, _) = site.queue(&moderator, "queue=reported").await;
    assert!(has(&reported, &comment), "its report is open again");
    assert!(
        !notification_kinds(&site, &reader)
            .await
            .contains(&"rejected".to_owned())
    );

    let (status, again) = undo_call(&site, &moderator, json!([decision])).await;
    assert_eq!(
        (status, again["error"]["code"].as_str()),
        (409, Some("already_undone"))
    );
    let log = site
        .server
        .store()
        .audit_log(&khabar_store::LogFilter {
            action: Some("undo".to_owned()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(
        (
            log[0].comment_id,
            log[0].actor.as_deref(),
            log[0].message.as_str()
        ),
        (comment.as_i64(), Some("undo_mod"), "reject")
    );

    // Without script: the queue confirms the decision and offers Undo.
    let mut page = Agent::new(&site.server);
    page.submit(
        "/en/signin",
        "/en/signin",
        &[("login", "undo_mod"), ("password", PASSWORD)],
    )
    .await;
    let id = comment.to_string();
    let rejected = page
        .submit(
            "/en/moderate?queue=reported",
            "/en/moderate/comments",
            &[
                ("action", "reject"),
                ("comment_id", &id),
                ("back", "/en/moderate?queue=reported"),
            ],
        )
        .await;
    assert_eq!(rejected.status, 303);
    let location = rejected.location.unwrap_or_default();
    assert!(
        location.contains("&done=") && location.ends_with("&did=reject"),
        "{location}"
    );
    let confirmed = page.get(&location).await.body;
    assert!(
        confirmed.contains("Rejected\u{2069} \u{2068}one comment.")
            && confirmed.contains("/en/moderate/undo"),
        "{confirmed}"
    );
    let done = location
        .split("done=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .unwrap_or_default()
        .to_owned();
    let undone = page
        .submit(
            &location,
            "/en/moderate/undo",
            &[
                ("decisions", &done),
                ("back", "/en/moderate?queue=reported"),
            ],
        )
        .await;
    let back = undone.location.unwrap_or_default();
    assert_eq!(
        (undone.status, back.as_str()),
        (303, "/en/moderate?queue=reported&undone=1")
    );
    let page_after = page.get(&back).await.body;
    assert!(
        page_after.contains("Undone: everything is as it was")
            && page_after.contains("A blunt remark")
    );
}

/// Approving a held reply notified the parent's author; undone, the
/// notification is withdrawn and the reply waits in the queue again.
/// Bulk decisions are undone together.
async fn an_approval_undone_withdraws_its_notifications(db: &TestDatabase) {
    let site = Site::start(db).await;
    let (_, moderator) = site.person("approve_mod", Role::Moderator).await;
    let (_, author) = site.person("thread_author", Role::Reader).await;
    let (_, replier) = site.person("thread_replier", Role::Reader).await;
    let edition = site.editions().await[1].clone();
    let (_, parent) = site.post(&author, edition.id, "Opening point").await;
    site.settings(
        &moderator,
        &format!("scope=story&id={}", edition.story_id),
        json!({ "settings": { "pre_moderated": true } }),
    )
    .await;
    let (status, reply) = site
        .call(
            Some(&replier),
            "POST",
            &format!("/editions/{}/comments", edition.id),
            Some(json!({ "body": "A held answer", "parent_id": parent })),
        )
        .await;
    assert_eq!(status, 201, "{reply}");
    let reply = reply["id"].clone();
    let (_, other) = site.post(&replier, edition.id, "Another held one").await;
    let (pending, _) = site.queue(&moderator, "queue=pending").await;
    assert!(has(&pending, &reply) && has(&pending, &other));

    let (status, decided) = site
        .call(
            Some(&moderator),
            "POST",
            "/moderation/comments",
            Some(json!({ "action": "approve", "comment_ids": [reply, other] })),
        )
        .await;
    assert_eq!(status, 200, "{decided}");
    let decisions = decided["decision_ids"].clone();
    assert_eq!(decisions.as_array().map(Vec::len), Some(2), "{decided}");
    assert!(
        notification_kinds(&site, &author)
            .await
            .contains(&"reply".to_owned())
    );
    let (pending, _) = site.queue(&moderator, "queue=pending").await;
    assert!(pending.is_empty());

    let (status, undone) = undo_call(&site, &moderator, decisions).await;
    assert_eq!(status, 200, "{undone}");
    assert_eq!(undone["undone"].as_array().map(Vec::len), Some(2));
    assert!(notification_kinds(&site, &author).await.is_empty());
    let (pending, counts) = site.queue(&moderator, "queue=pending").await;
    assert!(has(&pending, &reply) && has(&pending, &other));
    assert_eq!(counts["pending"], 2);
    let (status, _) = site
        .call(None, "GET", &format!("/comments/{reply}"), None)
        .await;
    assert_eq!(status, 404, "held again, so not shown");
}

/// A ban that rejected the reader's comments, undone: the reader may
/// comment again and their comments are back.
async fn a_ban_undone_restores_the_reader(db: &TestDatabase) {
    let site = Site::start(db).await;
    let (_, moderator) = site.person("ban_mod", Role::Moderator).await;
    let (reader_id, reader) = site.person("banned_reader", Role::Reader).await;
    let story = site.editions().await[0].id;
    let (_, comment) = site.post(&reader, story, "Before the ban").await;
    let (status, banned) = site
        .act_on(
            &moderator,
            reader_id,
            json!({ "action": "ban", "reject_comments": true }),
        )
        .await;
    assert_eq!(status, 200, "{banned}");
    assert_eq!(banned["standing"]["banned"], true);
    let (status, _) = site.post(&reader, story, "While banned").await;
    assert_eq!(status, 403);
    let (status, _) = site
        .call(None, "GET", &format!("/comments/{comment}"), None)
        .await;
    assert_eq!(status, 404);

    let (status, undone) = undo_call(&site, &moderator, json!([banned["decision_id"]])).await;
    assert_eq!(status, 200, "{undone}");
    let (_, history) = site
        .call(
            Some(&moderator),
            "GET",
            &format!("/moderation/users/{reader_id}"),
            None,
        )
        .await;
    assert_eq!(history["standing"]["banned"], false);
    let (status, shown) = site
        .call(None, "GET", &format!("/comments/{comment}"), None)
        .await;
    assert_eq!((status, shown["status"].as_str()), (200, Some("visible")));
    let (status, _) = site.post(&reader, story, "After the undo").await;
    assert_eq!(status, 201);

    // Without script: the reader's page confirms the ban and undoes it.
    let mut page = Agent::new(&site.server);
    page.submit(
        "/en/signin",
        "/en/signin",
        &[("login", "ban_mod"), ("password", PASSWORD)],
    )
    .await;
    let reader_page = format!("/en/moderate/users/{reader_id}");
    let banned = page
        .submit(
            &reader_page,
            &reader_page,
            &[("action", "ban"), ("back", &reader_page)],
        )
        .await;
    let location = banned.location.unwrap_or_default();
    assert!(
        location.starts_with(&format!("{reader_page}?done=")),
        "{location}"
    );
    let confirmed = page.get(&location).await.body;
    assert!(confirmed.contains("Banned") && confirmed.contains("/en/moderate/undo"));
    let done = location
        .split("done=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .unwrap_or_default()
        .to_owned();
    let undone = page
        .submit(
            &location,
            "/en/moderate/undo",
            &[("decisions", &done), ("back", &reader_page)],
        )
        .await;
    assert_eq!(undone.location, Some(format!("{reader_page}?undone=1")));
    let (status, _) = site.post(&reader, story, "Still welcome").await;
    assert_eq!(status, 201);
}

/// Undo is refused after the window, for another moderator's decision
/// (an admin may), and after a later decision on the same comment.
async fn undo_is_refused_when_late_or_not_yours(db: &TestDatabase) {
    let site = Site::start(db).await;
    let (mod_id, moderator) = site.person("first_mod", Role::Moderator).await;
    let (_, colleague) = site.person("second_mod", Role::Moderator).await;
    let (_, admin) = site.person("undo_admin", Role::Admin).await;
    let (_, reader) = site.person("refused_reader", Role::Reader).await;
    let story = site.editions().await[0].id;
    let (_, comment) = site.post(&reader, story, "Decide on me").await;
    let (_, decided) = site
        .decide(&moderator, &comment, json!({ "action": "reject" }))
        .await;
    let decision = decided["decision_id"].as_i64().unwrap();

    let (status, refused) = undo_call(&site, &colleague, json!([decision])).await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (403, Some("not_yours"))
    );
    // Past the window (the store is asked as if minutes had gone by).
    let window = khabar_app::moderation::UNDO_WINDOW;
    let late = jiff::Timestamp::now() + window + jiff::SignedDuration::from_secs(1);
    let answer = site
        .server
        .store()
        .undo_decision(decision, mod_id, late, window)
        .await
        .unwrap();
    assert_eq!(answer, Err(khabar_store::UndoRefusal::WindowPassed));
    let (status, _) = undo_call(&site, &admin, json!([decision])).await;
    assert_eq!(status, 200, "an admin undoes anyone's decision");

    // A later decision stands in the way of undoing an earlier one.
    let (_, first) = site
        .decide(&moderator, &comment, json!({ "action": "reject" }))
        .await;
    site.decide(&admin, &comment, json!({ "action": "approve" }))
        .await;
    let (status, refused) = undo_call(&site, &moderator, json!([first["decision_id"]])).await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (409, Some("superseded"))
    );
    let (status, refused) = undo_call(&site, &moderator, json!([999_999])).await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
}

on_both_backends!(
    a_rejection_undone_restores_the_comment,
    an_approval_undone_withdraws_its_notifications,
    a_ban_undone_restores_the_reader,
    undo_is_refused_when_late_or_not_yours,
);

/// Page text without the isolation marks Fluent puts around arguments.
fn plain(html: &str) -> String {
    html.replace(['\u{2068}', '\u{2069}'], "")
}

/// The part of `page` from the element whose opening tag holds `marker`
/// to the next element with `end` (or the end of the page).
fn part<'p>(page: &'p str, marker: &str, end: &str) -> &'p str {
    let start = page
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not in the page"));
    let rest = &page[start + marker.len()..];
    &page[start..start + marker.len() + rest.find(end).unwrap_or(rest.len())]
}

async fn signed_in<'a>(site: &'a Site, name: &str) -> Agent<'a> {
    let mut agent = Agent::new(&site.server);
    let answer = agent
        .submit(
            "/en/signin",
            "/en/signin",
            &[("login", name), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(answer.status, 303, "{name} signs in");
    agent
}

/// Every phase's reason reads as a sentence in both languages, on the
/// queue and in the log; a comment with links in a pre-moderated thread
/// gives both reasons; an automatic approval is not called pre-moderation.
async fn every_reason_reads_in_words(db: &TestDatabase) {
    let site = Site::start(db).await;
    let (_, moderator) = site.person("words_mod", Role::Moderator).await;
    let editions = site.editions().await;
    site.words(&moderator, "en", "banned", json!([{ "term": "scumbag" }]))
        .await;
    site.words(&moderator, "en", "suspect", json!([{ "term": "traitor" }]))
        .await;
    let policy = |links: bool, approvals: u32, percent: u32| {
        json!({ "settings": {}, "policy": { "suspect_action": "hold", "hold_links": links,
            "new_commenter_approvals": approvals, "rejection_rate_percent": percent,
            "rejection_rate_min_comments": 2 } })
    };
    site.settings(&moderator, "scope=site", policy(true, 0, 0))
        .await;

    let (_, staff) = site.post(&moderator, editions[0].id, "Staff here").await;
    let (_, passed_reader) = site.person("open_reader", Role::Reader).await;
    let (_, passed) = site
        .post(
            &passed_reader,
            editions[0].id,
            "An open thread welcomes this",
        )
        .await;
    let (_, rude) = site.person("rude_reader", Role::Reader).await;
    let (status, _) = site.post(&rude, editions[0].id, "you scumbag").await;
    assert_eq!(status, 422);
    let (_, suspect) = site.post(&rude, editions[0].id, "he is a traitor").await;
    // Links in a pre-moderated story: both reasons.
    let target = &editions[1];
    site.settings(
        &moderator,
        &format!("scope=story&id={}", target.story_id),
        json!({ "settings": { "pre_moderated": true } }),
    )
    .await;
    let (_, linker) = site.person("link_reader", Role::Reader).await;
    let (_, linked) = site
        .post(
            &linker,
            target.id,
            "see https://a.example and www.b.example",
        )
        .await;
    site.settings(&moderator, "scope=site", policy(false, 0, 0))
        .await;
    let (_, copier) = site.person("copy_reader", Role::Reader).await;
    for edition in &editions[2..4] {
        site.post(&copier, edition.id, "Copy pasted opinion").await;
    }
    let (_, repeated) = site
        .post(&copier, editions[4].id, "Copy pasted opinion")
        .await;
    // 1 of 2 recent comments rejected is over 30 %.
    site.settings(&moderator, "scope=site", policy(false, 0, 30))
        .await;
    let (_, rate) = site.post(&rude, editions[5].id, "Calmer words").await;
    site.settings(&moderator, "scope=site", policy(false, 3, 0))
        .await;
    let (newcomer_id, newcomer) = site.person("new_reader", Role::Reader).await;
    let (_, first) = site.post(&newcomer, editions[0].id, "Hello all").await;
    site.decide(&moderator, &first, json!({ "action": "approve" }))
        .await;
    let (_, fresh) = site.post(&newcomer, editions[0].id, "Hello again").await;
    site.settings(&moderator, "scope=site", policy(false, 0, 0))
        .await;
    let (watched_id, watched) = site.person("watched_reader", Role::Reader).await;
    site.act_on(&moderator, watched_id, json!({ "action": "pre_moderate" }))
        .await;
    let (_, premod) = site.post(&watched, editions[0].id, "Watched words").await;
    assert!(newcomer_id > 0);

    let mut page = signed_in(&site, "words_mod").await;
    let item = |queue: &str, id: &Value| {
        part(queue, &format!("id=\"item-{id}\""), "class=\"mod-item\"").to_owned()
    };
    for (lang, expected) in [
        (
            "en",
            [
                "held: suspect word «traitor» (phase: suspect words)",
                "held: two links (phase: links)",
                "held: this story is pre-moderated (phase: pre-moderation)",
                "held: repeated text (3 times) (phase: repeats)",
                "held: many rejected comments (",
                "held: new commenter, 1 of 3 approvals (phase: new commenter)",
                "held: the reader is pre-moderated (phase: pre-moderation)",
            ],
        ),
        (
            "ar",
            [
                "عُلِّق للمراجعة: كلمة مريبة «traitor» (المرحلة: الكلمات المريبة)",
                "عُلِّق للمراجعة: رابطان (المرحلة: الروابط)",
                "عُلِّق للمراجعة: هذا الخبر خاضع للمراجعة المسبقة (المرحلة: المراجعة المسبقة)",
                "عُلِّق للمراجعة: نص مكرر (",
                "عُلِّق للمراجعة: رُفض كثير من تعليقاته الأخيرة (",
                "عُلِّق للمراجعة: معلِّق جديد، نال ",
                "عُلِّق للمراجعة: القارئ خاضع للمراجعة المسبقة (المرحلة: المراجعة المسبقة)",
            ],
        ),
    ] {
        let queue = plain(
            &page
                .get(&format!("/{lang}/moderate?queue=pending"))
                .await
                .body,
        );
        let ids = [
            &suspect, &linked, &linked, &repeated, &rate, &fresh, &premod,
        ];
        for (id, sentence) in ids.iter().zip(expected) {
            assert!(
                item(&queue, id).contains(sentence),
                "{lang} {id}: {sentence}"
            );
        }
        let reasons = part(&queue, "<ol class=\"mod-list\">", "</ol>");
        assert!(
            !reasons.contains("{\"") && !reasons.contains("\"code\""),
            "{lang}"
        );
        let rejected = plain(
            &page
                .get(&format!("/{lang}/moderate?queue=rejected"))
                .await
                .body,
        );
        let banned = if lang == "en" {
            "rejected: banned word «scumbag» (phase: banned words)"
        } else {
            "رُفض: كلمة محظورة «scumbag» (المرحلة: الكلمات المحظورة)"
        };
        assert!(rejected.contains(banned), "{lang}");

        // The log says the same, and reads the rest in words.
        let log = plain(&page.get(&format!("/{lang}/moderate/log")).await.body);
        let entries = part(&log, "<ol class=\"mod-log\">", "</ol>\n");
        assert!(!entries.contains('{'), "{lang}: no raw data in the log");
        for sentence in expected.iter().chain([&banned]) {
            assert!(entries.contains(sentence), "{lang} log: {sentence}");
        }
        let (staff_words, passed_words, automatic) = if lang == "en" {
            (
                "approved automatically: the author is newsroom staff (phase: staff)",
                "approved automatically: every check passed",
                "Automatic, all checks passed",
            )
        } else {
            (
                "نُشر تلقائيًا: الكاتب من فريق التحرير (المرحلة: فريق التحرير)",
                "نُشر تلقائيًا: اجتاز جميع المراحل",
                "آليًا، اجتياز جميع المراحل",
            )
        };
        let staff_entry = part(entries, "Staff here", "</li>");
        assert!(staff_entry.contains(staff_words), "{lang}: {staff_entry}");
        // Open thread: approved automatically, never "pre-moderation".
        let open = entries
            .split("<time ")
            .find(|e| e.contains("An open thread welcomes this"))
            .unwrap();
        assert!(
            open.contains(automatic) && open.contains(passed_words),
            "{lang}: {open}"
        );
        assert!(!open.contains("pre-moderation") && !open.contains("المراجعة المسبقة"));
        // The story's setting in words, not as data.
        let setting = if lang == "en" {
            "pre-moderation on, comments as above"
        } else {
            "المراجعة المسبقة مفعّلة، والتعليق كما في الأعلى"
        };
        assert!(entries.contains(setting), "{lang}");
    }
    assert!(staff.is_i64() && passed.is_i64());
}

/// The log filters by moderator, reader, action and date, exports the same
/// as CSV for moderators only, and the queue names languages.
async fn the_log_filters_and_exports(db: &TestDatabase) {
    let site = Site::start(db).await;
    let (_, first_mod) = site.person("first_mod", Role::Moderator).await;
    let (_, second_mod) = site.person("second_mod", Role::Moderator).await;
    let (_, arabic_reader) = site.person("arabic_reader", Role::Reader).await;
    let (_, other_reader) = site.person("other_reader", Role::Reader).await;
    let editions = site.editions().await;
    let text = "رأيي أن \"الخطة\" لن تنجح";
    let (_, arabic) = site.post(&arabic_reader, editions[0].id, text).await;
    let (_, other) = site
        .post(&other_reader, editions[0].id, "A plain remark")
        .await;
    let (status, _) = site
        .decide(
            &first_mod,
            &arabic,
            json!({ "action": "reject", "reason": "spam", "message": "قل \"لا\" للإعلانات" }),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = site
        .decide(&second_mod, &other, json!({ "action": "feature" }))
        .await;
    assert_eq!(status, 200);

    let mut page = signed_in(&site, "first_mod").await;
    let mut log = async |query: &str| {
        let answer = page.get(&format!("/en/moderate/log?{query}")).await;
        assert_eq!(answer.status, 200, "{query}");
        let body = plain(&answer.body);
        // As a browser lays it out: runs of spaces are one.
        let list = "<ol class=\"mod-log\">";
        let entries = if body.contains(list) {
            part(&body, list, "</ol>\n")
        } else {
            part(&body, "<h1>", "</section>")
        };
        entries.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let by_first = log("moderator=first_mod").await;
    assert!(by_first.contains("@first_mod") && !by_first.contains("@second_mod"));
    // The sentence: who, what, whose comment, its words, its story.
    assert!(by_first.contains("rejected the comment by"), "{by_first}");
    assert!(by_first.contains("@arabic_reader") && by_first.contains("&quot;الخطة&quot;"));
    assert!(by_first.contains(&format!("lang=\"en\"><bdi>{}", editions[0].headline)));
    assert!(by_first.contains("rejected: Spam") && by_first.contains("message to the author"));
    let by_reader = log("reader=other_reader").await;
    assert!(by_reader.contains("A plain remark") && !by_reader.contains("الخطة"));
    let features = log("action=feature").await;
    assert!(features.contains("@second_mod") && !features.contains("@first_mod"));
    assert!(log("to=2000-01-01").await.contains("None yet."));
    assert!(
        log("from=2000-01-01&moderator=second_mod")
            .await
            .contains("@second_mod")
    );
    let bad_date = page.get("/en/moderate/log?from=yesterday").await;
    assert_eq!(bad_date.status, 422);
    assert!(bad_date.body.contains("That is not a date"));

    // CSV: a header, Arabic intact, quotes doubled, the same filters.
    let csv = page.get("/ar/moderate/log.csv?moderator=first_mod").await;
    assert_eq!(csv.status, 200);
    let body = plain(&csv.body);
    assert!(
        body.starts_with('\u{feff}'),
        "a byte-order mark for spreadsheets"
    );
    let mut lines = body.trim_start_matches('\u{feff}').split("\r\n");
    assert_eq!(
        lines.next(),
        Some(
            "\"الوقت\",\"المشرف\",\"المرحلة\",\"الإجراء\",\"القارئ\",\"رقم التعليق\",\"الخبر\",\"مقتطف\",\"الأسباب\",\"الرسالة\""
        )
    );
    let row = lines.find(|l| l.contains("arabic_reader")).unwrap();
    assert!(row.contains("\"رأيي أن \"\"الخطة\"\" لن تنجح\""), "{row}");
    assert!(row.contains("\"قل \"\"لا\"\" للإعلانات\"") && row.contains("first_mod"));
    assert!(!body.contains("second_mod"));
    // Moderators only.
    let mut reader = signed_in(&site, "other_reader").await;
    assert_eq!(reader.get("/en/moderate/log.csv").await.status, 403);
    let stranger = Agent::new(&site.server).get("/en/moderate/log.csv").await;
    assert_eq!(
        (stranger.status, stranger.location.as_deref()),
        (303, Some("/en/signin"))
    );

    // The queue's language filter names the languages.
    let queue = page.get("/en/moderate").await.body;
    let select = part(&queue, "<select name=\"lang\">", "</select>");
    assert!(select.contains(">العربية</option>") && select.contains(">English</option>"));
    assert!(!select.contains(">ar</option>") && !select.contains(">en</option>"));
}
