//! The access matrix: every operation of the served `/api/v1/openapi.json`
//! is called as anonymous, as a session and as a token of each role (the
//! token holding every scope its role may hold), and as a suspended and a
//! banned reader, on a seeded site. Each answer is held to the table below:
//! never a 5xx; a status the document lists for the operation; 401 exactly
//! for anonymous callers of operations that need an account; 403
//! (`forbidden` for the role, `insufficient_scope` for the token) exactly
//! where the table refuses the caller; a session and a token of one account
//! answered alike on every read. The document's `security` and `x-roles`
//! must say what the table says, and an operation the document gains
//! without an entry here fails the test.

mod common;

use std::collections::BTreeMap;

use common::{Reply, call, spawn_app};
use khabar_core::Role;
use khabar_testkit::{TestDatabase, on_both_backends};
use serde_json::{Value, json};

const PASSWORD: &str = "harbour lights at dusk";

/// What an operation needs, as this test expects it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Need {
    Anyone,
    /// Signed in, and the role may hold the scope (a token: and holds it).
    Scope(&'static str),
    /// As `Scope`, and one of these roles.
    ScopeFor(&'static str, &'static [Role]),
    /// Signed in, any scope.
    SignedIn,
    /// A session, or a token with `admin`.
    SessionOrAdminToken,
}

use Need::{Anyone, Scope, ScopeFor, SessionOrAdminToken, SignedIn};

/// Editors and admins publish and keep the sections.
const DESK: &[Role] = &[Role::Editor, Role::Admin];

/// Refusals that depend on the item, not the caller, so stay with the use
/// case (403 `forbidden` to a session and a token alike): an author
/// changes only stories whose byline they are in, and the seeded story is
/// an editor's.
const BY_THE_ITEM: &[(&str, Role)] = &[("updateStory", Role::Author)];

const EXPECTED: &[(&str, Need)] = &[
    ("signUp", Anyone),
    ("signIn", Anyone),
    ("signOut", SignedIn),
    ("verifyEmail", Anyone),
    ("requestPasswordReset", Anyone),
    ("resetPassword", Anyone),
    ("getCurrentUser", Scope("read")),
    ("deleteMyAccount", SessionOrAdminToken),
    ("exportMyData", Scope("read")),
    ("createAccessToken", Anyone),
    ("listUsers", Scope("admin")),
    ("listStories", Scope("edit")),
    ("createStory", Scope("edit")),
    ("getStory", Scope("edit")),
    ("updateStory", Scope("edit")),
    ("createEdition", Scope("edit")),
    ("updateEdition", Scope("edit")),
    ("publishEdition", ScopeFor("edit", DESK)),
    ("unpublishEdition", ScopeFor("edit", DESK)),
    ("listRevisions", Scope("edit")),
    ("restoreRevision", Scope("edit")),
    ("uploadMedia", Scope("edit")),
    // The public site's navigation.
    ("listSections", Anyone),
    ("createSection", ScopeFor("edit", DESK)),
    ("updateSection", ScopeFor("edit", DESK)),
    // What a reader's client needs: languages, comment limits, the name.
    ("getSiteSettings", Scope("read")),
    ("updateSiteSettings", Scope("admin")),
    ("updateSiteIcon", Scope("admin")),
    ("removeSiteIcon", Scope("admin")),
    ("updateUserRole", Scope("admin")),
    ("getFrontPage", ScopeFor("edit", DESK)),
    ("updateFrontPage", ScopeFor("edit", DESK)),
    // The site's own pages are public pages; writing them is the desk's.
    ("listPages", Anyone),
    ("getPage", Anyone),
    ("updatePage", ScopeFor("edit", DESK)),
    // Webhooks send the site's events elsewhere.
    ("listWebhooks", Scope("admin")),
    ("createWebhook", Scope("admin")),
    ("updateWebhook", Scope("admin")),
    ("deleteWebhook", Scope("admin")),
    ("listWebhookDeliveries", Scope("admin")),
    ("redeliverWebhook", Scope("admin")),
    ("listComments", Anyone),
    ("createComment", Scope("comment")),
    ("streamComments", Anyone),
    ("getComment", Anyone),
    ("editComment", Scope("comment")),
    ("deleteComment", Scope("comment")),
    ("reactToComment", Scope("comment")),
    ("reportComment", Scope("comment")),
    ("listNotifications", Scope("read")),
    ("markNotificationsRead", Scope("read")),
    ("getUserProfile", Anyone),
    ("countEmbedComments", Anyone),
    ("searchArticles", Anyone),
    ("searchComments", Scope("moderate")),
    ("listModerationQueue", Scope("moderate")),
    ("moderateComments", Scope("moderate")),
    ("moderateComment", Scope("moderate")),
    ("getReaderHistory", Scope("moderate")),
    ("moderateUser", Scope("moderate")),
    ("undoModerationDecisions", Scope("moderate")),
    ("listAuditLog", Scope("moderate")),
    ("listWordLists", Scope("moderate")),
    ("updateWordList", Scope("moderate")),
    ("getModerationSettings", Scope("moderate")),
    ("updateModerationSettings", Scope("moderate")),
];

/// The scopes a role may hold, as `khabar_core::Scope::allowed_for` says.
fn scopes_of(role: Role) -> Vec<&'static str> {
    let mut scopes = vec!["read", "comment"];
    if role.moderates() {
        scopes.push("moderate");
    }
    if matches!(role, Role::Author | Role::Editor | Role::Admin) {
        scopes.push("edit");
    }
    if role == Role::Admin {
        scopes.push("admin");
    }
    scopes
}

/// A caller of the matrix.
struct Caller {
    label: String,
    role: Option<Role>,
    token: bool,
    /// Suspended or banned: may read its own data, not post, react or report.
    barred: bool,
    headers: Vec<(String, String)>,
}

impl Caller {
    fn headers(&self) -> Vec<(&str, &str)> {
        self.headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    /// Whether the gate lets this caller through to `need`'s operation.
    fn passes(&self, need: Need) -> Result<(), u16> {
        let Some(role) = self.role else {
            return match need {
                Anyone => Ok(()),
                _ => Err(401),
            };
        };
        let allowed = match need {
            Anyone | SignedIn => true,
            Scope(scope) => scopes_of(role).contains(&scope),
            ScopeFor(scope, roles) => scopes_of(role).contains(&scope) && roles.contains(&role),
            SessionOrAdminToken => !self.token || role == Role::Admin,
        };
        if allowed { Ok(()) } else { Err(403) }
    }
}

/// Signs `login` in: a session (cookie and CSRF token) and a token holding
/// every scope its role may hold.
async fn callers_of(server: &khabar::Server, login: &str, role: Role, barred: bool) -> [Caller; 2] {
    let signin = call(
        server,
        "POST",
        "/auth/signin",
        Some(json!({ "login": login, "password": PASSWORD })),
        &[],
    )
    .await;
    assert_eq!(signin.status, 200, "{login} signs in: {}", signin.body);
    let cookie = signin.cookie.expect("a session cookie");
    let csrf = signin.body["csrf_token"].as_str().unwrap().to_owned();
    let token = call(
        server,
        "POST",
        "/tokens",
        Some(json!({ "login": login, "password": PASSWORD, "scopes": scopes_of(role), "name": "matrix" })),
        &[],
    )
    .await;
    assert_eq!(token.status, 201, "{login}'s token: {}", token.body);
    let bearer = format!("Bearer {}", token.body["token"].as_str().unwrap());
    [
        Caller {
            label: format!("{login} ({role}) session"),
            role: Some(role),
            token: false,
            barred,
            headers: vec![("Cookie".into(), cookie), ("X-CSRF-Token".into(), csrf)],
        },
        Caller {
            label: format!("{login} ({role}) token"),
            role: Some(role),
            token: true,
            barred,
            headers: vec![("Authorization".into(), bearer)],
        },
    ]
}

/// The seeded site's ids, for filling path templates.
struct Site {
    story: i64,
    edition: i64,
    comment: i64,
    reader: i64,
}

impl Site {
    fn fill(&self, id: &str, template: &str) -> String {
        // The event stream never ends for a published edition: an unknown
        // one answers at once, which is all the gate needs.
        if id == "streamComments" {
            return template.replace("{id}", "0");
        }
        let id_of = if template.starts_with("/stories/") {
            self.story
        } else if template.starts_with("/editions/") {
            self.edition
        } else if template.starts_with("/moderation/users/") {
            self.reader
        } else {
            self.comment
        };
        template
            .replace("{id}", &id_of.to_string())
            .replace("{revision}", "1")
            .replace("{username}", "layla")
            .replace("{lang}", "en")
            .replace("{page}", "about")
            .replace("{list}", "banned")
            .replace("{delivery_id}", "1")
    }

    /// A body the operation can act on: a real comment, reaction and
    /// report, so that a barred reader is refused for standing and not for
    /// an empty body; `{}` for the rest.
    fn body(&self, id: &str) -> Value {
        match id {
            "createComment" | "editComment" => json!({ "body": "A fair account of the season." }),
            "reactToComment" => json!({ "like": true }),
            "reportComment" => json!({ "reason": "spam" }),
            _ => json!({}),
        }
    }
}

async fn seed(server: &khabar::Server) -> Site {
    for (name, role) in [
        ("root", Role::Admin),
        ("nadia", Role::Editor),
        ("amal", Role::Author),
        ("samir", Role::Moderator),
        ("omar", Role::Reader),
        ("layla", Role::Reader),
        ("sami", Role::Reader),
        ("badr", Role::Reader),
    ] {
        common::account(server, name, role, PASSWORD).await;
    }
    let token = async |login: &str, scopes: &[&str]| {
        let reply = call(
            server,
            "POST",
            "/tokens",
            Some(json!({ "login": login, "password": PASSWORD, "scopes": scopes })),
            &[],
        )
        .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        format!("Bearer {}", reply.body["token"].as_str().unwrap())
    };
    let editor = token("nadia", &["edit"]).await;
    let editor = [("Authorization", editor.as_str())];
    let story = call(
        server,
        "POST",
        "/stories",
        Some(json!({ "lang": "en", "edition": { "headline": "Fishermen of Tyre count a record season", "body": "The harbour was busy.", "comment_mode": "open" } })),
        &editor,
    )
    .await;
    assert_eq!(story.status, 201, "{}", story.body);
    let edition = story.body["editions"][0]["id"].as_i64().unwrap();
    let published = call(
        server,
        "POST",
        &format!("/editions/{edition}/publish"),
        Some(json!({})),
        &editor,
    )
    .await;
    assert_eq!(published.status, 200, "{}", published.body);
    let layla = token("layla", &["comment"]).await;
    let comment = call(
        server,
        "POST",
        &format!("/editions/{edition}/comments"),
        Some(json!({ "body": "Good news for the harbour." })),
        &[("Authorization", layla.as_str())],
    )
    .await;
    assert_eq!(comment.status, 201, "{}", comment.body);
    Site {
        story: story.body["id"].as_i64().unwrap(),
        edition,
        comment: comment.body["id"].as_i64().unwrap(),
        reader: comment.body["author_id"].as_i64().unwrap(),
    }
}

/// Bars `login` as an admin does: `action` is a `moderateUser` body.
async fn bar(server: &khabar::Server, admin: &[(&str, &str)], login: &str, action: Value) {
    let users = call(server, "GET", "/users?page=1", None, admin).await;
    let id = users.body["items"]
        .as_array()
        .and_then(|users| users.iter().find(|u| u["username"] == login))
        .and_then(|u| u["id"].as_i64())
        .expect("the reader to bar");
    let reply = call(
        server,
        "POST",
        &format!("/moderation/users/{id}"),
        Some(action),
        admin,
    )
    .await;
    assert_eq!(reply.status, 200, "{login}: {}", reply.body);
}

fn code(reply: &Reply) -> &str {
    reply.body["error"]["code"].as_str().unwrap_or("")
}

async fn every_operation_answers_each_caller_as_its_access_says(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let site = seed(&server).await;

    let mut callers = vec![Caller {
        label: "anonymous".into(),
        role: None,
        token: false,
        barred: false,
        headers: vec![],
    }];
    for (login, role) in [
        ("omar", Role::Reader),
        ("amal", Role::Author),
        ("nadia", Role::Editor),
        ("samir", Role::Moderator),
        ("root", Role::Admin),
    ] {
        callers.extend(callers_of(&server, login, role, false).await);
    }
    callers.extend(callers_of(&server, "sami", Role::Reader, true).await);
    callers.extend(callers_of(&server, "badr", Role::Reader, true).await);
    let admin = callers
        .iter()
        .find(|c| c.token && c.role == Some(Role::Admin))
        .map(Caller::headers)
        .expect("an admin token");
    bar(
        &server,
        &admin,
        "sami",
        json!({ "action": "suspend", "hours": 48 }),
    )
    .await;
    bar(&server, &admin, "badr", json!({ "action": "ban" })).await;

    let document = call(&server, "GET", "/openapi.json", None, &[]).await.body;
    let expected: BTreeMap<&str, Need> = EXPECTED.iter().copied().collect();
    assert_eq!(
        expected.len(),
        EXPECTED.len(),
        "an operation twice in EXPECTED"
    );
    let mut operations = Vec::new();
    for (template, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("operations") {
            let id = operation["operationId"].as_str().expect("an operationId");
            let need = *expected
                .get(id)
                .unwrap_or_else(|| panic!("no expectation for operationId {id}"));
            check_declared(id, need, operation);
            let documented: Vec<String> = operation["responses"]
                .as_object()
                .map(|r| r.keys().cloned().collect())
                .unwrap_or_default();
            operations.push((
                method.to_uppercase(),
                template.clone(),
                id.to_owned(),
                need,
                documented,
            ));
        }
    }
    assert_eq!(
        operations.len(),
        expected.len(),
        "EXPECTED names operations the document lacks"
    );
    // Ending a session or deleting an account last keeps every caller alive
    // for the rest.
    operations.sort_by_key(|(_, _, id, _, _)| match id.as_str() {
        "deleteMyAccount" => 1,
        "signOut" => 2,
        _ => 0,
    });

    let mut checks = 0;
    let mut undocumented = std::collections::BTreeSet::new();
    for (method, template, id, need, documented) in &operations {
        let path = site.fill(id, template);
        let mut answers = Vec::new();
        for caller in &callers {
            let body = (method != "GET").then(|| site.body(id));
            let reply = call(&server, method, &path, body, &caller.headers()).await;
            let what = format!(
                "{method} {path} ({id}) as {}: {} {}",
                caller.label, reply.status, reply.body
            );
            assert!(reply.status < 500, "{what}");
            if !documented.contains(&reply.status.to_string()) {
                undocumented.insert(format!("{id} {} {}", reply.status, code(&reply)));
            }
            let gated = match reply.status {
                401 => Some(401),
                403 if matches!(code(&reply), "insufficient_scope" | "forbidden") => Some(403),
                _ => None,
            };
            let by_the_item = caller
                .role
                .is_some_and(|role| BY_THE_ITEM.contains(&(id.as_str(), role)));
            if by_the_item {
                assert_eq!((reply.status, code(&reply)), (403, "forbidden"), "{what}");
            } else {
                assert_eq!(gated, caller.passes(*need).err(), "{what}");
            }
            assert_ne!(code(&reply), "csrf_failed", "{what}");
            // Suspended and banned readers read their own data but do not
            // post, react or report.
            if caller.barred
                && matches!(
                    id.as_str(),
                    "createComment" | "reactToComment" | "reportComment"
                )
            {
                assert_eq!(reply.status, 403, "{what}");
            }
            if caller.barred
                && matches!(
                    id.as_str(),
                    "getCurrentUser" | "exportMyData" | "listNotifications"
                )
            {
                assert_eq!(reply.status, 200, "{what}");
            }
            answers.push((caller, reply.status));
            checks += 1;
        }
        // A read answers a session and a token of one account alike.
        if method == "GET" {
            for pair in answers[1..].chunks(2) {
                if let [(session, a), (token, b)] = pair {
                    assert_eq!(a, b, "{id}: {} and {} disagree", session.label, token.label);
                }
            }
        }
    }
    assert!(
        undocumented.is_empty(),
        "answers the document does not list: {undocumented:#?}"
    );
    eprintln!(
        "access matrix: {} operations x {} callers = {checks} checks",
        operations.len(),
        callers.len()
    );
    server.stop().await.unwrap();
}

/// The document's `security` and `x-roles` say what the table says.
fn check_declared(id: &str, need: Need, operation: &Value) {
    let roles: Option<Vec<&str>> = operation["x-roles"]
        .as_array()
        .map(|roles| roles.iter().filter_map(Value::as_str).collect());
    let admitted = match need {
        Anyone => None,
        _ => Some(
            [
                Role::Reader,
                Role::Moderator,
                Role::Author,
                Role::Editor,
                Role::Admin,
            ]
            .into_iter()
            .filter(|role| match need {
                Scope(scope) => scopes_of(*role).contains(&scope),
                ScopeFor(scope, roles) => scopes_of(*role).contains(&scope) && roles.contains(role),
                _ => true,
            })
            .map(Role::as_str)
            .collect(),
        ),
    };
    assert_eq!(roles, admitted, "{id}: the document's x-roles");
    let security = &operation["security"];
    let declared: Option<Vec<String>> = security.as_array().map(|alternatives| {
        alternatives
            .iter()
            .filter_map(|a| a.get("bearer"))
            .flat_map(|s| s.as_array().cloned().unwrap_or_default())
            .filter_map(|s| s.as_str().map(str::to_owned))
            .collect()
    });
    let wanted = match need {
        Anyone => None,
        SignedIn => Some(vec![]),
        Scope(scope) | ScopeFor(scope, _) => Some(vec![scope.to_owned()]),
        SessionOrAdminToken => Some(vec!["admin".to_owned()]),
    };
    assert_eq!(declared, wanted, "{id}: the document's security");
}

on_both_backends!(every_operation_answers_each_caller_as_its_access_says);

/// A demoted account's old token keeps no more than its new role: it says
/// so, and is refused as the role is.
async fn a_demoted_accounts_token_holds_only_what_its_role_allows(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    common::account(&server, "root", Role::Admin, PASSWORD).await;
    common::account(&server, "nadia", Role::Editor, PASSWORD).await;
    let [_, admin] = callers_of(&server, "root", Role::Admin, false).await;
    let [session, token] = callers_of(&server, "nadia", Role::Editor, false).await;
    let me = call(&server, "GET", "/me", None, &token.headers()).await;
    assert_eq!(
        me.body["scopes"],
        json!(["read", "comment", "moderate", "edit"])
    );
    let demoted = call(
        &server,
        "PUT",
        "/users/nadia/role",
        Some(json!({ "role": "reader" })),
        &admin.headers(),
    )
    .await;
    assert_eq!(demoted.status, 200, "{}", demoted.body);
    for caller in [&session, &token] {
        let me = call(&server, "GET", "/me", None, &caller.headers()).await;
        assert_eq!(
            me.body["scopes"],
            json!(["read", "comment"]),
            "{}",
            caller.label
        );
        let stories = call(&server, "GET", "/stories", None, &caller.headers()).await;
        assert_eq!(
            (stories.status, code(&stories)),
            (403, "forbidden"),
            "{}",
            caller.label
        );
    }
    server.stop().await.unwrap();
}

on_both_backends!(a_demoted_accounts_token_holds_only_what_its_role_allows);
