//! Bad input (issue 18): what a careless client or an attacker sends must
//! get a 4xx in bounded time, never a 5xx, and must not take the server
//! down. NUL and C0 controls go into every string field of every JSON
//! request body the served OpenAPI document describes, every string query
//! parameter, and every text field of every form the site's pages show to
//! an administrator (both found at run time, so a new field is covered
//! without touching this file); then invalid UTF-8, 10 MB and deeply nested
//! bodies, traversal paths sent byte for byte, slow headers and bodies, and
//! hundreds of idle connections.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use common::{Agent, account, attribute, call, client, spawn_app, spawn_app_with};
use khabar::Server;
use khabar_core::Role;
use khabar_testkit::{TestDatabase, on_both_backends};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const PASSWORD: &str = "harbour lights at dusk";
/// Strings no stored text may hold: NUL, other C0 controls, DEL.
const NASTY: [&str; 3] = ["a\u{0}b", "line\u{1}\u{8}\u{1b}[31m\u{7f}", "\u{0}"];
/// The longest one bad request may take: behaviour, not performance.
const BOUND: Duration = Duration::from_secs(10);
/// The head timeout the slow-connection test serves with (`limits.header_timeout`).
const HEADER_TIMEOUT_SECS: u64 = 2;
/// How long a trickling or idle connection may stay open: the head timeout
/// above, or for a body the server's 30 s request timeout, with a margin.
const SLOW_BOUND: Duration = Duration::from_secs(45);

/// An administrator's bearer token with every scope, minted through the API.
async fn admin_token(server: &Server) -> String {
    account(server, "warden", Role::Admin, PASSWORD).await;
    let reply = call(
        server,
        "POST",
        "/tokens",
        Some(json!({
            "login": "warden",
            "password": PASSWORD,
            "name": "sweep",
            "scopes": ["read", "comment", "edit", "moderate", "admin"],
        })),
        &[],
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    format!("Bearer {}", reply.body["token"].as_str().expect("a token"))
}

/// The schema `schema` refers to, through `$ref`s into the document.
fn resolve<'a>(document: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..32 {
        let Some(reference) = schema["$ref"].as_str() else {
            break;
        };
        let pointer = reference.trim_start_matches('#');
        schema = document.pointer(pointer).unwrap_or(&Value::Null);
    }
    schema
}

/// A plausible value for `schema`: every property present, every array
/// with one item, so that every string the schema allows is a leaf.
fn sample(document: &Value, schema: &Value, depth: usize) -> Value {
    let schema = resolve(document, schema);
    if depth > 8 {
        return Value::Null;
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema[key].as_array() {
            let option = options
                .iter()
                .find(|o| resolve(document, o)["type"] != "null")
                .unwrap_or(&Value::Null);
            return sample(document, option, depth + 1);
        }
    }
    if let Some(parts) = schema["allOf"].as_array() {
        let mut merged = serde_json::Map::new();
        for part in parts {
            if let Value::Object(fields) = sample(document, part, depth + 1) {
                merged.extend(fields);
            }
        }
        return Value::Object(merged);
    }
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        return first.clone();
    }
    let kind = match &schema["type"] {
        Value::Array(kinds) => kinds.iter().find(|k| *k != "null").cloned(),
        Value::Null if schema["properties"].is_object() => Some(json!("object")),
        other => Some(other.clone()),
    }
    .unwrap_or(Value::Null);
    match kind.as_str() {
        Some("string") => match schema["format"].as_str() {
            Some("date-time") => json!("2030-01-01T08:00:00Z"),
            Some("email") => json!("sweep@news.example"),
            _ => json!("Harbour lights"),
        },
        Some("integer") => schema["minimum"]
            .as_i64()
            .map_or(json!(1), |m| json!(m.max(1))),
        Some("number") => json!(1.0),
        Some("boolean") => json!(false),
        Some("array") => json!([sample(document, &schema["items"], depth + 1)]),
        Some("object") => {
            let mut fields = serde_json::Map::new();
            if let Some(properties) = schema["properties"].as_object() {
                for (name, property) in properties {
                    fields.insert(name.clone(), sample(document, property, depth + 1));
                }
            }
            Value::Object(fields)
        }
        _ => Value::Null,
    }
}

/// JSON pointers of every string leaf of `value`.
fn string_leaves(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::String(_) => out.push(at),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                string_leaves(item, format!("{at}/{i}"), out);
            }
        }
        Value::Object(fields) => {
            for (name, field) in fields {
                let escaped = name.replace('~', "~0").replace('/', "~1");
                string_leaves(field, format!("{at}/{escaped}"), out);
            }
        }
        _ => {}
    }
}

/// `/editions/{id}/comments` with each path parameter the first value of
/// its closed set, `en` for a language, or 1 (demo content has an
/// edition, a story, a comment and a user 1), so that the request reaches
/// the reading of its body.
fn concrete(document: &Value, template: &str, operation: &Value) -> String {
    let value_of = |name: &str| {
        let parameter = operation["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| resolve(document, p))
            .find(|p| p["in"] == "path" && p["name"] == name);
        parameter
            .and_then(|p| resolve(document, &p["schema"])["enum"].get(0).cloned())
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| match name {
                // Closed sets the document may not spell out yet.
                "lang" => "en".to_owned(),
                "list" => "banned".to_owned(),
                "page" => "about".to_owned(),
                _ => "1".to_owned(),
            })
    };
    template
        .split('/')
        .map(
            |part| match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(name) => value_of(name),
                None => part.to_owned(),
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}

/// What a sweep found: every case that got a 5xx, no answer in time, or
/// a status other than the one it must have, so that one run lists them all.
#[derive(Default)]
struct Findings {
    tried: usize,
    failures: Vec<String>,
}

impl Findings {
    /// Sends one request and records it unless the answer came in time and
    /// was not a 5xx; returns the status (0 without an answer).
    async fn send(&mut self, request: reqwest::RequestBuilder, what: &str) -> u16 {
        self.tried += 1;
        let started = Instant::now();
        let answer = tokio::time::timeout(BOUND, async {
            let response = request.send().await?;
            let status = response.status().as_u16();
            Ok::<_, reqwest::Error>((status, response.text().await.unwrap_or_default()))
        })
        .await;
        match answer {
            Err(_) => self.fail(format!("{what}: no answer within {BOUND:?}")),
            Ok(Err(error)) => self.fail(format!("{what}: {error}")),
            Ok(Ok((status, body))) => {
                if status >= 500 {
                    let body: String = body.chars().take(200).collect();
                    self.fail(format!("{what}: {status} {body}"));
                } else if started.elapsed() >= BOUND {
                    self.fail(format!("{what}: took {:?}", started.elapsed()));
                }
                return status;
            }
        }
        0
    }

    fn fail(&mut self, failure: String) {
        self.failures.push(failure);
    }

    /// Fails the test with every finding.
    fn assert_none(&self, sweep: &str) {
        assert!(
            self.failures.is_empty(),
            "{sweep}: {} of {} cases failed:\n{}",
            self.failures.len(),
            self.tried,
            self.failures.join("\n")
        );
    }
}

/// The API's operations as (method, path template, operation).
fn operations(document: &Value) -> Vec<(String, String, Value)> {
    let mut all = Vec::new();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                all.push((method.to_uppercase(), path.clone(), operation.clone()));
            }
        }
    }
    all
}

fn request(method: &str, url: &str) -> reqwest::RequestBuilder {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET);
    client().request(method, url)
}

async fn api_fields_refuse_nul_and_controls(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let token = admin_token(&server).await;
    let document = call(&server, "GET", "/openapi.json", None, &[]).await.body;
    let api = format!("{}/api/v1", server.base_url());
    let (mut bodies, mut fields, mut parameters) = (0, 0, 0);
    let mut findings = Findings::default();
    for (method, template, operation) in operations(&document) {
        let path = concrete(&document, &template, &operation);
        let schema = &operation["requestBody"]["content"]["application/json"]["schema"];
        if !schema.is_null() {
            bodies += 1;
            let valid = sample(&document, schema, 0);
            let mut leaves = Vec::new();
            string_leaves(&valid, String::new(), &mut leaves);
            for leaf in leaves {
                fields += 1;
                for nasty in NASTY {
                    let mut body = valid.clone();
                    if let Some(slot) = body.pointer_mut(&leaf) {
                        *slot = json!(nasty);
                    }
                    let what = format!("{method} {template} with {leaf} = {nasty:?}");
                    let sent = request(&method, &format!("{api}{path}"))
                        .header("Authorization", &token)
                        .json(&body);
                    findings.send(sent, &what).await;
                }
            }
        }
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            let parameter = resolve(&document, parameter);
            let kind = &resolve(&document, &parameter["schema"])["type"];
            let is_string = kind == "string"
                || kind
                    .as_array()
                    .is_some_and(|k| k.contains(&json!("string")));
            if parameter["in"] != "query" || !is_string {
                continue;
            }
            let name = parameter["name"].as_str().unwrap_or_default();
            parameters += 1;
            for nasty in NASTY {
                let what = format!("{method} {template}?{name}={nasty:?}");
                let sent = request(&method, &format!("{api}{path}"))
                    .header("Authorization", &token)
                    .query(&[(name, nasty)]);
                findings.send(sent, &what).await;
            }
        }
    }
    findings.assert_none("NUL and controls in the API");
    assert!(
        bodies >= 10 && fields >= 30,
        "the document describes {bodies} bodies, {fields} string fields"
    );
    eprintln!(
        "NUL and controls in {fields} string fields of {bodies} request bodies and {parameters} query parameters"
    );
    server.stop().await.unwrap();
}

/// A `<form>` of a page: where it goes, how, and its fields with the
/// values the page gave them.
struct Form {
    page: String,
    action: String,
    get: bool,
    fields: Vec<(String, String)>,
    /// Names of fields a person types into.
    typed: Vec<String>,
}

/// The forms of a page, read with the little HTML this needs.
fn forms(page: &str, html: &str) -> Vec<Form> {
    let mut found = Vec::new();
    for (start, _) in html.match_indices("<form") {
        let Some(end) = html[start..].find("</form>") else {
            continue;
        };
        let body = &html[start..start + end];
        let tag = &body[..body.find('>').unwrap_or(body.len())];
        let action = attribute(tag, "action").unwrap_or_else(|| page.to_owned());
        let get = attribute(tag, "method").is_none_or(|m| m.eq_ignore_ascii_case("get"));
        let mut form = Form {
            page: page.to_owned(),
            action,
            get,
            fields: Vec::new(),
            typed: Vec::new(),
        };
        for element in ["<input", "<textarea", "<select"] {
            for (at, _) in body.match_indices(element) {
                let tag = &body[at..at + body[at..].find('>').unwrap_or(body.len() - at)];
                let Some(name) = attribute(tag, "name") else {
                    continue;
                };
                let kind = attribute(tag, "type").unwrap_or_else(|| "text".into());
                if ["checkbox", "radio", "file", "submit", "button"].contains(&kind.as_str()) {
                    continue;
                }
                let value = if element == "<select" {
                    body[at..]
                        .find("<option")
                        .and_then(|o| attribute(&body[at + o..], "value"))
                        .unwrap_or_default()
                } else {
                    attribute(tag, "value").unwrap_or_default()
                };
                let typed = element == "<textarea"
                    || ["text", "search", "email", "password", "url"].contains(&kind.as_str());
                if typed {
                    form.typed.push(name.clone());
                }
                let value = if typed && value.is_empty() {
                    "Harbour lights".into()
                } else {
                    value
                };
                form.fields.push((name, value));
            }
        }
        found.push(form);
    }
    found
}

/// Pages an administrator reaches from the home page and the staff
/// screens, breadth first, at most `limit`; their forms.
async fn crawl(agent: &mut Agent<'_>, limit: usize) -> Vec<Form> {
    let mut queue: Vec<String> = [
        "/en/",
        "/ar/",
        "/en/account",
        "/en/admin",
        "/en/admin/stories/new",
        "/en/admin/people",
        "/en/moderate",
        "/en/moderate/log",
        "/en/search",
        "/en/notifications",
    ]
    .map(str::to_owned)
    .to_vec();
    let mut seen = BTreeSet::new();
    let mut found = Vec::new();
    while let Some(page) = (!queue.is_empty()).then(|| queue.remove(0)) {
        if seen.len() >= limit || !seen.insert(page.clone()) {
            continue;
        }
        let answer = agent.get(&page).await;
        assert!(answer.status < 500, "GET {page}: {}", answer.status);
        found.extend(forms(&page, &answer.body));
        for (at, _) in answer.body.match_indices("href=\"/") {
            let link = &answer.body[at + 6..];
            let link = &link[..link.find('"').unwrap_or(0)];
            let skip = [
                "signout", "/live", ".csv", "export", "/media/", "/assets/", "#",
            ];
            if (link.starts_with("/en/") || link.starts_with("/ar/"))
                && !skip.iter().any(|s| link.contains(s))
            {
                queue.push(link.replace("&amp;", "&"));
            }
        }
    }
    found
}

async fn forms_refuse_nul_and_controls(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    account(&server, "warden", Role::Admin, PASSWORD).await;
    let mut agent = Agent::new(&server);
    let signed_in = agent
        .submit(
            "/en/signin",
            "/en/signin",
            &[("login", "warden"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(signed_in.status, 303);
    let found = crawl(&mut agent, 60).await;
    let mut kinds = BTreeMap::new();
    for form in found {
        // One of each form: the same action with the same fields.
        let names: Vec<&str> = form.fields.iter().map(|(n, _)| n.as_str()).collect();
        let shape = format!(
            "{} {} {}",
            form.get,
            strip_ids(&form.action),
            names.join(",")
        );
        kinds.entry(shape).or_insert(form);
    }
    let mut findings = Findings::default();
    for form in kinds.values().filter(|f| !f.typed.is_empty()) {
        for field in &form.typed {
            for nasty in NASTY {
                // A fresh form token from the page the form is on.
                let page = agent.get(&form.page).await;
                let token = common::form_token(&page.body).unwrap_or_default();
                let fields: Vec<(&str, &str)> = form
                    .fields
                    .iter()
                    .map(|(name, value)| match name.as_str() {
                        "csrf_token" => (name.as_str(), token.as_str()),
                        _ if name == field => (name.as_str(), nasty),
                        _ => (name.as_str(), value.as_str()),
                    })
                    .collect();
                let what = format!(
                    "{} {} (a form on {}) with {field} = {nasty:?}",
                    if form.get { "GET" } else { "POST" },
                    form.action,
                    form.page
                );
                let answer = if form.get {
                    let query = query_string(&fields);
                    let separator = if form.action.contains('?') { '&' } else { '?' };
                    agent
                        .get(&format!("{}{separator}{query}", form.action))
                        .await
                } else {
                    agent.post(&form.action, &fields).await
                };
                findings.tried += 1;
                if answer.status >= 500 {
                    findings.fail(format!("{what}: {}", answer.status));
                }
            }
        }
    }
    assert!(
        kinds.len() >= 10,
        "only {} forms found: {:?}",
        kinds.len(),
        kinds.keys()
    );
    eprintln!(
        "{} form submissions with NUL or controls, over {} kinds of form",
        findings.tried,
        kinds.len()
    );
    findings.assert_none("NUL and controls in forms");
    server.stop().await.unwrap();
}

/// `/en/comments/12/edit` as `/en/comments/N/edit`.
fn strip_ids(action: &str) -> String {
    action
        .split('/')
        .map(|part| {
            if part.chars().all(|c| c.is_ascii_digit()) {
                "N"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// `a=1&b=2`, percent-encoded.
fn query_string(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(name, value)| format!("{}={}", common::segment(name), common::segment(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The resident memory of this process (the server runs in it), in KiB.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Sends a 10 MB body as a client that does not wait for permission:
/// the head, then (unless the server has answered already, as it may once
/// it has read the length) the body. Whether the answer is right: 413, or
/// any other 4xx given before the body was read (a wrong path or a
/// missing right needs no body).
async fn huge(
    server: &Server,
    method: &str,
    path: &str,
    content_type: &str,
    token: &str,
) -> Result<(), u16> {
    const SIZE: usize = 10 * 1024 * 1024;
    let address = server.base_url().trim_start_matches("http://");
    let Ok(mut stream) = TcpStream::connect(address).await else {
        return Err(0);
    };
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {token}\r\n\
         Content-Type: {content_type}\r\nContent-Length: {SIZE}\r\nConnection: close\r\n\r\n"
    );
    if stream.write_all(head.as_bytes()).await.is_err() {
        return Err(0);
    }
    let mut answer = vec![0u8; 4096];
    let early = tokio::time::timeout(Duration::from_secs(3), stream.read(&mut answer)).await;
    let (read, early) = match early {
        Ok(Ok(n)) => (n, true),
        _ => {
            // No early answer: send the body, then read what comes.
            let chunk = vec![b'x'; 64 * 1024];
            for _ in 0..SIZE / chunk.len() {
                if stream.write_all(&chunk).await.is_err() {
                    break;
                }
            }
            match tokio::time::timeout(BOUND, stream.read(&mut answer)).await {
                Ok(Ok(n)) => (n, false),
                _ => (0, false),
            }
        }
    };
    let status: u16 = String::from_utf8_lossy(&answer[..read])
        .split_whitespace()
        .nth(1)
        .and_then(|status| status.parse().ok())
        .unwrap_or(0);
    if status == 413 || (early && (400..500).contains(&status)) {
        Ok(())
    } else {
        Err(status)
    }
}

async fn broken_huge_and_nested_bodies_are_refused(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let token = admin_token(&server).await;
    let document = call(&server, "GET", "/openapi.json", None, &[]).await.body;
    let api = format!("{}/api/v1", server.base_url());
    let before = rss_kib();
    let json_operations: Vec<(String, String)> = operations(&document)
        .into_iter()
        .filter(|(_, _, op)| op["requestBody"]["content"]["application/json"].is_object())
        .map(|(method, template, op)| (method, concrete(&document, &template, &op)))
        .collect();
    let invalid_utf8: &[u8] =
        b"{\"body\": \"\xff\xfe\xc0\xaf bad\", \"headline\": \"\xed\xa0\x80\"}";
    let nested = "[".repeat(100_000);
    let nested_objects = "{\"a\":".repeat(50_000);
    let mut findings = Findings::default();
    for (method, path) in &json_operations {
        let url = format!("{api}{path}");
        for (label, body) in [
            ("invalid UTF-8", invalid_utf8.to_vec()),
            ("100k [", nested.clone().into_bytes()),
            ("50k {", nested_objects.clone().into_bytes()),
        ] {
            let what = format!("{method} {path} with {label}");
            let sent = request(method, &url)
                .header("Authorization", &token)
                .header("Content-Type", "application/json")
                .body(body);
            let status = findings.send(sent, &what).await;
            if (200..400).contains(&status) {
                findings.fail(format!("{what}: accepted ({status})"));
            }
        }
    }
    // 10 MB bodies: too large, whatever their kind.
    for (method, path) in &json_operations {
        let path = format!("/api/v1{path}");
        findings.tried += 1;
        if let Err(status) = huge(&server, method, &path, "application/json", &token).await {
            findings.fail(format!(
                "{method} {path} with 10 MB of JSON: {status}, not 413"
            ));
        }
    }
    for path in ["/en/signin", "/en/signup"] {
        findings.tried += 1;
        let form = "application/x-www-form-urlencoded";
        if let Err(status) = huge(&server, "POST", path, form, "Bearer none").await {
            findings.fail(format!("POST {path} with a 10 MB form: {status}, not 413"));
        }
    }
    // Invalid UTF-8 in a form, a path and a query.
    let sent = client()
        .post(format!("{}/en/signin", server.base_url()))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(b"login=\xff\xfe&password=%ff%c0%af".to_vec());
    findings
        .send(sent, "a sign-in form with invalid UTF-8")
        .await;
    for path in [
        "/en/story/%ff%fe",
        "/en/search?q=%ff%c0%af",
        "/%ed%a0%80/",
        "/api/v1/search/articles?q=%ff",
    ] {
        let sent = client().get(format!("{}{path}", server.base_url()));
        findings.send(sent, path).await;
    }
    let grown = rss_kib().saturating_sub(before) / 1024;
    // Still serving.
    assert_eq!(common::get(&server, "/en/").await.0, 200);
    eprintln!(
        "{} bad bodies, paths and queries; memory grew {grown} MiB",
        findings.tried
    );
    findings.assert_none("broken, huge and nested bodies");
    assert!(
        grown < 512,
        "memory grew by {grown} MiB over the bad bodies"
    );
    server.stop().await.unwrap();
}

/// Sends `raw` as is on a new connection and reads the answer until the
/// server closes or `BOUND` passes; the answer's status and text.
async fn raw_exchange(server: &Server, raw: &[u8]) -> (u16, String) {
    let address = server.base_url().trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&address).await.expect("a connection");
    stream.write_all(raw).await.expect("the request is sent");
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(BOUND, stream.read_to_end(&mut answer)).await;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

async fn traversal_paths_stay_inside(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    // Something to reach for next to the media directory.
    std::fs::write(db.dir().join("secret.txt"), "the harbour master's secret").unwrap();
    let paths = [
        "/assets/../../etc/passwd",
        "/assets/..%2f..%2f..%2fetc%2fpasswd",
        "/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/assets/..%5c..%5c..%5cetc%5cpasswd",
        "/assets/%252e%252e%252f%252e%252e%252fetc%252fpasswd",
        "/assets/....//....//....//etc/passwd",
        "/assets/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
        "/assets/app.css%00.png",
        "/assets//etc/passwd",
        "/media/../secret.txt",
        "/media/..%2fsecret.txt",
        "/media/..%2f..%2f..%2fetc%2fpasswd",
        "/media/%2e%2e/secret.txt",
        "/media/..\\secret.txt",
        "/media/%00",
        "/media//etc/passwd",
        "/en/story/..%2f..%2fetc%2fpasswd",
        "//etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
    ];
    for path in paths {
        let raw = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        let (status, text) = raw_exchange(&server, raw.as_bytes()).await;
        assert!((1..500).contains(&status), "{path}: {status} {text}");
        assert!(
            !text.contains("root:")
                && !text.contains("harbour master's secret")
                && !text.contains("SQLite format"),
            "{path} reached outside: {text}"
        );
    }
    assert_eq!(common::get(&server, "/en/").await.0, 200);
    server.stop().await.unwrap();
}

/// Writes `head` then trickles `trickle` a byte a second; how long until
/// the server closed the connection or answered (or `SLOW_BOUND`).
async fn trickle(address: String, head: &'static [u8], trickle: &'static [u8]) -> Duration {
    let started = Instant::now();
    let Ok(mut stream) = TcpStream::connect(&address).await else {
        return started.elapsed();
    };
    if stream.write_all(head).await.is_err() {
        return started.elapsed();
    }
    let (mut reader, mut writer) = stream.split();
    let drip = async {
        for byte in trickle.iter().cycle() {
            tokio::time::sleep(Duration::from_secs(1)).await;
            if writer.write_all(&[*byte]).await.is_err() {
                break;
            }
        }
    };
    let mut buffer = [0u8; 1024];
    let _ = tokio::time::timeout(SLOW_BOUND, async {
        tokio::select! {
            _ = drip => {}
            _ = reader.read(&mut buffer) => {}
        }
    })
    .await;
    started.elapsed()
}

async fn slow_and_idle_connections_are_closed(db: &TestDatabase) {
    let server = spawn_app_with(db, true, |config| {
        config.limits.header_timeout = HEADER_TIMEOUT_SECS;
        // All of this comes from one address; the per-address cap has its
        // own test, this one is about timeouts.
        config.limits.connections_per_address = 1_000;
    })
    .await;
    let address = server.base_url().trim_start_matches("http://").to_owned();

    // A slow head, and a slow body after a complete head, trickled a byte
    // a second while the rest goes on.
    let slow_header = tokio::spawn(trickle(
        address.clone(),
        b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\n",
        b"X-Slow: 1\r\n",
    ));
    let slow_body = tokio::spawn(trickle(
        address.clone(),
        b"POST /api/v1/auth/signin HTTP/1.1\r\nHost: 127.0.0.1\r\n\
          Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n",
        b"{\"login\": \"a\"}",
    ));

    // Hundreds of connections that say nothing; a reader who asks
    // meanwhile is served at once.
    let mut idle = Vec::new();
    for _ in 0..500 {
        idle.push(TcpStream::connect(&address).await.expect("a connection"));
    }
    let started = Instant::now();
    assert_eq!(common::get(&server, "/en/").await.0, 200);
    assert!(started.elapsed() < BOUND, "took {:?}", started.elapsed());
    // Every idle one is closed by the head timeout.
    let started = Instant::now();
    let mut still_open = 0;
    for stream in &mut idle {
        let mut byte = [0u8; 1];
        let left = SLOW_BOUND.saturating_sub(started.elapsed());
        if tokio::time::timeout(left, stream.read(&mut byte))
            .await
            .is_err()
        {
            still_open += 1;
        }
    }
    let idle_took = started.elapsed();
    assert_eq!(
        still_open, 0,
        "{still_open} of 500 idle connections still open after {idle_took:?}"
    );

    let head_bound = Duration::from_secs(HEADER_TIMEOUT_SECS + 5);
    let header_took = slow_header.await.unwrap();
    let body_took = slow_body.await.unwrap();
    // Less than a second: the connection was refused, not timed out.
    let second = Duration::from_secs(1);
    assert!(
        (second..head_bound).contains(&header_took),
        "a head trickled a byte a second was closed after {header_took:?}"
    );
    assert!(
        (second..SLOW_BOUND).contains(&body_took),
        "a body trickled a byte a second was closed after {body_took:?}"
    );
    assert_eq!(common::get(&server, "/en/").await.0, 200);
    eprintln!(
        "slow head closed after {header_took:?}, slow body after {body_took:?}, 500 idle after {idle_took:?}"
    );
    server.stop().await.unwrap();
}

on_both_backends!(
    api_fields_refuse_nul_and_controls,
    forms_refuse_nul_and_controls,
    broken_huge_and_nested_bodies_are_refused,
    traversal_paths_stay_inside,
    slow_and_idle_connections_are_closed,
);
