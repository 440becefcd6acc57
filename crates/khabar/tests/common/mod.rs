//! `spawn_app`: the real khabar node on port 0 over a fresh database.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use khabar::{Config, Server};
use khabar_core::password::hash_password;
use khabar_core::{DisplayName, Email, Lang, Role, Username};
use khabar_store::NewUser;
use khabar_testkit::TestDatabase;

pub(crate) async fn spawn_app(db: &TestDatabase, demo: bool) -> Server {
    spawn_app_with(db, demo, |_| {}).await
}

/// `spawn_app` with a configuration adjusted by `adjust`.
pub(crate) async fn spawn_app_with(
    db: &TestDatabase,
    demo: bool,
    adjust: impl FnOnce(&mut Config),
) -> Server {
    let mut config = Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: db.dir().to_owned(),
        database_url: Some(db.url().to_owned()),
        ..Config::default()
    };
    adjust(&mut config);
    Server::start(config, demo)
        .await
        .expect("the server starts")
}

/// An account made straight in the store, as `khabar admin create --role`
/// does; its password is `password`. Returns its id.
pub(crate) async fn account(server: &Server, name: &str, role: Role, password: &str) -> i64 {
    server
        .store()
        .create_user(NewUser {
            username: &Username::parse_for_staff(name).unwrap(),
            email: &Email::parse(&format!("{name}@news.example")).unwrap(),
            display_name: &DisplayName::parse(name).unwrap(),
            password_hash: &hash_password(password).unwrap(),
            role,
            lang: Lang::EN,
        })
        .await
        .unwrap()
}

/// A reader account made in `store` with `password` and a bearer token
/// for it (read, comment) minted through the node at `base`: for tests
/// that run khabar as a child process.
pub(crate) async fn reader_token(
    store: &khabar_store::Store,
    base: &str,
    name: &str,
    password: &str,
) -> String {
    store
        .create_user(NewUser {
            username: &Username::parse(name).unwrap(),
            email: &Email::parse(&format!("{name}@news.example")).unwrap(),
            display_name: &DisplayName::parse(name).unwrap(),
            password_hash: &hash_password(password).unwrap(),
            role: Role::Reader,
            lang: Lang::EN,
        })
        .await
        .unwrap();
    let answer: serde_json::Value = client()
        .post(format!("{base}/api/v1/tokens"))
        .json(&serde_json::json!({
            "login": name, "password": password, "scopes": ["read", "comment"], "name": "test"
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    format!("Bearer {}", answer["token"].as_str().expect("a token"))
}

pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client")
}

/// GETs `url` and reads its body as JSON.
pub(crate) async fn get_json(url: &str) -> serde_json::Value {
    client()
        .get(url)
        .send()
        .await
        .expect("a response")
        .json()
        .await
        .expect("a JSON body")
}

/// Waits (at most 5 s) until the node at `base` serves public pages
/// through its page cache: not before its log follower started, and on
/// PostgreSQL not before its LISTEN connection is up (until then another
/// node's change could go unnoticed, so it renders every page afresh).
/// The sitemap index is the probe, a page no test looks at.
pub(crate) async fn cache_in_play(base: &str) {
    let started = std::time::Instant::now();
    loop {
        let answer = client()
            .get(format!("{base}/sitemap.xml"))
            .send()
            .await
            .expect("a response");
        if answer.headers().contains_key("x-cache") {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{base} never served a page through its cache"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// GETs `path` and returns (status, body).
pub(crate) async fn get(server: &Server, path: &str) -> (u16, String) {
    let response = client()
        .get(format!("{}{path}", server.base_url()))
        .send()
        .await
        .expect("a response");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

/// The `lang` and `dir` of a page's `<html>` element.
pub(crate) fn html_lang_dir(html: &str) -> (String, String) {
    let start = html.find("<html").expect("an <html> element");
    let tag = &html[start..start + html[start..].find('>').expect("a closed tag")];
    (
        attribute(tag, "lang").unwrap_or_default(),
        attribute(tag, "dir").unwrap_or_default(),
    )
}

/// `(hreflang, href)` of every `<link rel="alternate" hreflang>`.
pub(crate) fn alternates(html: &str) -> Vec<(String, String)> {
    html.match_indices("<link rel=\"alternate\" hreflang=")
        .map(|(start, _)| {
            let tag = &html[start..start + html[start..].find('>').unwrap()];
            (
                attribute(tag, "hreflang").unwrap(),
                attribute(tag, "href").unwrap(),
            )
        })
        .collect()
}

/// The value of attribute `name` in an HTML start tag.
pub(crate) fn attribute(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = start + tag[start..].find('"')?;
    Some(tag[start..end].replace("&amp;", "&"))
}

/// The path part of an absolute URL on the server.
pub(crate) fn path_of(server: &Server, url: &str) -> String {
    url.strip_prefix(server.base_url())
        .unwrap_or(url)
        .to_owned()
}

/// A reader's browser without the browser: keeps cookies between requests
/// and fills in the form token the way a page would.
pub(crate) struct Agent<'a> {
    server: &'a Server,
    cookies: std::collections::BTreeMap<String, String>,
    /// Sent as `X-Forwarded-For`-free `Origin`, when set.
    pub origin: Option<String>,
}

pub(crate) struct Answer {
    pub status: u16,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
    pub retry_after: Option<String>,
    pub body: String,
}

impl<'a> Agent<'a> {
    pub(crate) fn new(server: &'a Server) -> Self {
        Agent {
            server,
            cookies: Default::default(),
            origin: None,
        }
    }

    pub(crate) fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    pub(crate) fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.insert(name.to_owned(), value.to_owned());
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> Answer {
        let mut request = request.header("Cookie", self.cookie_header());
        if let Some(origin) = &self.origin {
            request = request.header("Origin", origin);
        }
        let response = request.send().await.expect("a response");
        let headers = response.headers().clone();
        let set_cookies: Vec<String> = headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect();
        for cookie in &set_cookies {
            let pair = cookie.split(';').next().unwrap_or("");
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() || cookie.contains("Max-Age=0") {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_owned(), value.to_owned());
                }
            }
        }
        Answer {
            status: response.status().as_u16(),
            location: headers
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            retry_after: headers
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            set_cookies,
            body: response.text().await.unwrap_or_default(),
        }
    }

    pub(crate) async fn get(&mut self, path: &str) -> Answer {
        let request = client().get(format!("{}{path}", self.server.base_url()));
        self.send(request).await
    }

    pub(crate) async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let request = client()
            .post(format!("{}{path}", self.server.base_url()))
            .form(fields);
        self.send(request).await
    }

    /// Posts `body` as it is, with its Content-Type: a multipart form.
    pub(crate) async fn post_body(
        &mut self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Answer {
        let request = client()
            .post(format!("{}{path}", self.server.base_url()))
            .header("Content-Type", content_type)
            .body(body);
        self.send(request).await
    }

    /// Posts a form as a page's script does, asking for JSON back.
    pub(crate) async fn post_json(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let request = client()
            .post(format!("{}{path}", self.server.base_url()))
            .header("Accept", "application/json")
            .form(fields);
        self.send(request).await
    }

    /// Loads `page`, takes the form token from it and posts `fields` to
    /// `action` with it.
    pub(crate) async fn submit(
        &mut self,
        page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> Answer {
        let form = self.get(page).await;
        let token = form_token(&form.body).unwrap_or_default();
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post(action, &all).await
    }
}

/// The first `csrf_token` value in a page.
pub(crate) fn form_token(html: &str) -> Option<String> {
    let start = html.find("name=\"csrf_token\" value=\"")? + "name=\"csrf_token\" value=\"".len();
    let end = start + html[start..].find('"')?;
    Some(html[start..end].to_owned())
}

/// A path segment as the site writes it: an Arabic slug percent-encoded.
pub(crate) fn segment(text: &str) -> String {
    const KEPT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(text, KEPT).to_string()
}

/// An API answer: status, JSON body, the session cookie it set, Retry-After.
pub(crate) struct Reply {
    pub status: u16,
    pub body: serde_json::Value,
    pub cookie: Option<String>,
    pub retry_after: Option<String>,
}

/// Calls `/api/v1{path}` with an optional JSON body and headers.
pub(crate) async fn call(
    server: &Server,
    method: &str,
    path: &str,
    body: Option<serde_json::Value>,
    headers: &[(&str, &str)],
) -> Reply {
    let url = format!("{}/api/v1{path}", server.base_url());
    let mut request = match method {
        "POST" => client().post(url),
        "DELETE" => client().delete(url),
        "PATCH" => client().patch(url),
        "PUT" => client().put(url),
        _ => client().get(url),
    };
    if let Some(body) = body {
        request = request.json(&body);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("khabar_session=") && !c.contains("Max-Age=0"))
        .map(|c| c.split(';').next().unwrap_or("").to_owned());
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let text = response.text().await.unwrap_or_default();
    Reply {
        status,
        body: serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        cookie,
        retry_after,
    }
}

/// A stand-in for a CDN's purge API on loopback: records each request's
/// `Surrogate-Key` header, answering 503 to the first `failures` of them.
pub(crate) struct PurgeEndpoint {
    pub url: String,
    pub received: Arc<Mutex<Vec<String>>>,
    pub task: tokio::task::JoinHandle<()>,
}

/// One HTTP/1.1 request read from `socket`: its head, then as much body
/// as its Content-Length says, as text.
pub(crate) async fn read_request(socket: &mut tokio::net::TcpStream) -> String {
    use tokio::io::AsyncReadExt;
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    while let Ok(n) = socket.read(&mut buffer).await {
        if n == 0 {
            break;
        }
        request.extend_from_slice(&buffer[..n]);
        let text = String::from_utf8_lossy(&request).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                })
                .unwrap_or(0);
            if request.len() >= end + 4 + length {
                break;
            }
        }
    }
    String::from_utf8_lossy(&request).to_string()
}

impl PurgeEndpoint {
    pub(crate) async fn start(failures: usize) -> PurgeEndpoint {
        use tokio::io::AsyncWriteExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/purge", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        let task = tokio::spawn(async move {
            let mut answered = 0;
            while let Ok((mut socket, _)) = listener.accept().await {
                let text = read_request(&mut socket).await;
                let keys = text
                    .lines()
                    .find_map(|l| {
                        let lower = l.to_ascii_lowercase();
                        lower
                            .starts_with("surrogate-key:")
                            .then(|| l[14..].trim().to_owned())
                    })
                    .unwrap_or_default();
                answered += 1;
                let status = if answered <= failures {
                    "503 Service Unavailable"
                } else {
                    "200 OK"
                };
                let token = text
                    .to_ascii_lowercase()
                    .contains("authorization: bearer purge-secret");
                // Purges without the token are logged as refused.
                let logged = if token { &status[..3] } else { "401" };
                log.lock().unwrap().push(format!("{logged} {keys}"));
                let _ = socket
                    .write_all(
                        format!(
                            "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                        )
                        .as_bytes(),
                    )
                    .await;
            }
        });
        PurgeEndpoint {
            url,
            received,
            task,
        }
    }

    /// Waits until a successful purge names every key of `keys`.
    pub(crate) async fn wait_for(&self, keys: &[String]) {
        self.wait_for_within(keys, Duration::from_secs(15)).await;
    }

    /// How many successful purges named `key`.
    pub(crate) fn landed(&self, key: &str) -> usize {
        self.received
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.starts_with("200") && l.split(' ').any(|k| k == key))
            .count()
    }

    /// [`PurgeEndpoint::wait_for`], giving up after `patience`.
    pub(crate) async fn wait_for_within(&self, keys: &[String], patience: Duration) {
        let deadline = std::time::Instant::now() + patience;
        loop {
            let found = self.received.lock().unwrap().iter().any(|line| {
                let mut words = line.split(' ');
                words.next() == Some("200") && {
                    let named: Vec<&str> = words.collect();
                    keys.iter().all(|k| named.contains(&k.as_str()))
                }
            });
            if found {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no purge of {keys:?}; received {:?}",
                self.received.lock().unwrap()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// `khabar serve` as a child process of the test, on `db` with its data
/// directory at `data` (which may outlive it, for a restart) and extra
/// settings as `KHABAR_*` environment variables: for tests that kill a
/// node or run several on one database. Killed when dropped.
pub(crate) struct NodeProcess {
    child: std::process::Child,
    /// `http://127.0.0.1:port`, without a trailing slash.
    pub base: String,
}

impl NodeProcess {
    pub(crate) fn start(
        db: &TestDatabase,
        data: &std::path::Path,
        settings: &[(&str, &str)],
    ) -> Self {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_khabar"))
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(data)
            .env("KHABAR_DATABASE_URL", db.url())
            .envs(settings.iter().copied())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the khabar binary starts");
        // The node names its address on its first line, once it listens.
        let mut line = String::new();
        if let Some(stdout) = child.stdout.take() {
            let _ = std::io::BufReader::new(stdout).read_line(&mut line);
        }
        let base = line
            .split_whitespace()
            .find(|word| word.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .trim_end_matches('/')
            .to_owned();
        NodeProcess { child, base }
    }

    /// SIGKILL: no draining, no goodbye.
    pub(crate) fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A published English story with `headline`, straight in the store as an
/// editor's desk would leave it; the edition's id.
pub(crate) async fn publish_story(store: &khabar_store::Store, headline: &str) -> i64 {
    publish_story_with(
        store,
        khabar_core::EditionInput {
            headline: headline.into(),
            body: "Filed by a test.".into(),
            ..Default::default()
        },
    )
    .await
}

/// A published English story with the edition `input` describes; the
/// edition's id.
pub(crate) async fn publish_story_with(
    store: &khabar_store::Store,
    input: khabar_core::EditionInput,
) -> i64 {
    let story = store
        .create_story(khabar_store::NewStory {
            section_id: None,
            tag_ids: &[],
            hero_image: None,
        })
        .await
        .unwrap();
    let content = khabar_core::EditionContent::parse(input).unwrap();
    let edition = store
        .create_edition(story, Lang::EN, &content, &[], None)
        .await
        .unwrap();
    store
        .publish_edition(edition, jiff::Timestamp::now(), None)
        .await
        .unwrap();
    edition
}

/// Forgets a reader's (and the loopback address's) recent posts, for tests
/// that post more than the per-minute limits allow.
pub(crate) async fn clear_posting_limits(server: &Server, name: &str) {
    let key = Username::parse(name).unwrap().key();
    let id = server.store().user_id_by_key(&key).await.unwrap().unwrap();
    for bucket in [
        format!("comment-minute:{id}"),
        "comment-ip:127.0.0.1".to_owned(),
    ] {
        server.store().clear_attempts(&bucket).await.unwrap();
    }
}

/// The numbers of an import summary's row: created, updated, unchanged,
/// skipped.
pub(crate) fn summary_row(summary: &str, entity: &str) -> Vec<u64> {
    summary
        .lines()
        .find(|line| line.split_whitespace().next() == Some(entity))
        .unwrap_or_else(|| panic!("no {entity} row in:\n{summary}"))
        .split_whitespace()
        .skip(1)
        .map(|n| n.parse().unwrap())
        .collect()
}

/// Runs the `khabar` binary with `args` on `db` (and `env` besides), and
/// fails the test unless it succeeds; its standard output.
pub(crate) fn run_cli(
    db: &TestDatabase,
    args: &[&std::ffi::OsStr],
    env: &[(&str, &str)],
) -> String {
    run_cli_in(db, db.dir(), args, env)
}

/// [`run_cli`] with `data` as the data directory.
pub(crate) fn run_cli_in(
    db: &TestDatabase,
    data: &std::path::Path,
    args: &[&std::ffi::OsStr],
    env: &[(&str, &str)],
) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_khabar"))
        .args(args)
        .arg("--data")
        .arg(data)
        .env("KHABAR_DATABASE_URL", db.url())
        .envs(env.iter().copied())
        .output()
        .expect("the khabar binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "khabar {args:?} failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}
