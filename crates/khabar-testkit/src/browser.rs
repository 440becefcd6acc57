//! A real browser for tests: Debian's Chromium driven through ChromeDriver
//! over the W3C WebDriver protocol (plain HTTP and JSON, so no client crate
//! is needed). Skipped with a notice when ChromeDriver is missing, except
//! under `CI=true`.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    http: reqwest::Client,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts ChromeDriver and a headless Chromium session, or returns
    /// `None` (with a notice) when they are not installed outside CI.
    pub async fn start() -> Option<Browser> {
        let (Some(driver_path), Some(chromium)) = (find("chromedriver"), find("chromium")) else {
            crate::missing(
                "browser tests",
                "chromium and chromium-driver are not installed",
            );
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let driver = Command::new(driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("an HTTP client");
        let base = format!("http://127.0.0.1:{port}");
        let profile = tempfile::tempdir().expect("a browser profile directory");
        let mut browser = Browser {
            driver,
            base,
            session: String::new(),
            http,
            _profile: profile,
        };
        for _ in 0..100 {
            if browser
                .http
                .get(format!("{}/status", browser.base))
                .send()
                .await
                .is_ok()
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--window-size=1200,900",
            &format!("--user-data-dir={}", browser._profile.path().display()),
        ];
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": chromium, "args": args }
        }}});
        let created = browser.call("POST", "/session", capabilities).await;
        browser.session = created["sessionId"]
            .as_str()
            .expect("a WebDriver session id")
            .to_owned();
        Some(browser)
    }

    async fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}{path}", self.base);
        let request = match method {
            "GET" => self.http.get(url),
            "DELETE" => self.http.delete(url),
            _ => self.http.post(url).json(&body),
        };
        let response: Value = request
            .send()
            .await
            .expect("ChromeDriver answers")
            .json()
            .await
            .expect("ChromeDriver answers JSON");
        let value = response.get("value").cloned().unwrap_or(Value::Null);
        if let Some(error) = value.get("error") {
            panic!("WebDriver {method} {path}: {error} {}", value["message"]);
        }
        value
    }

    fn session_path(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    /// Loads `url` and waits for the page to finish loading.
    pub async fn goto(&self, url: &str) {
        self.call("POST", &self.session_path("/url"), json!({ "url": url }))
            .await;
    }

    pub async fn current_url(&self) -> String {
        let value = self
            .call("GET", &self.session_path("/url"), Value::Null)
            .await;
        value.as_str().unwrap_or_default().to_owned()
    }

    /// Waits (up to 10 s) until the page's URL ends with `suffix` and the
    /// page has loaded: a click may return before the next page arrives.
    pub async fn wait_for_url(&self, suffix: &str) -> String {
        self.wait_until(|url| url.ends_with(suffix), "true", suffix)
            .await
    }

    /// Waits (up to 10 s) until an element matching `css` is on a loaded page.
    pub async fn wait_for(&self, css: &str) {
        let check = format!("document.querySelector({}) !== null", json!(css));
        self.wait_until(|_| true, &check, css).await;
    }

    /// Waits (up to 10 s) until the script expression `check` is true on
    /// a loaded page.
    pub async fn wait_for_true(&self, check: &str) {
        self.wait_until(|_| true, check, check).await;
    }

    async fn wait_until(
        &self,
        url_ok: impl Fn(&str) -> bool,
        page_check: &str,
        what: &str,
    ) -> String {
        let script = format!("return document.readyState === 'complete' && ({page_check});");
        let mut url = String::new();
        for _ in 0..100 {
            url = self.current_url().await;
            if url_ok(&url) && self.eval(&script, json!([])).await == Value::Bool(true) {
                return url;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the browser did not reach {what} within 10 s; it is at {url}");
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the page.
    pub async fn eval(&self, script: &str, args: Value) -> Value {
        self.call(
            "POST",
            &self.session_path("/execute/sync"),
            json!({ "script": script, "args": args }),
        )
        .await
    }

    /// Clicks the first element matching `css` and waits for any navigation.
    pub async fn click(&self, css: &str) {
        let found = self
            .call(
                "POST",
                &self.session_path("/element"),
                json!({ "using": "css selector", "value": css }),
            )
            .await;
        let id = found[ELEMENT_KEY]
            .as_str()
            .expect("an element id")
            .to_owned();
        self.call(
            "POST",
            &self.session_path(&format!("/element/{id}/click")),
            json!({}),
        )
        .await;
    }

    /// Types `text` into the first element matching `css`.
    pub async fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css).await;
        self.call(
            "POST",
            &self.session_path(&format!("/element/{id}/value")),
            json!({ "text": text }),
        )
        .await;
    }

    /// Presses `keys` one after another on whatever has the focus, as a
    /// person at the keyboard would (W3C key actions).
    pub async fn press(&self, keys: &str) {
        let actions: Vec<Value> = keys
            .chars()
            .flat_map(|key| {
                [
                    json!({ "type": "keyDown", "value": key.to_string() }),
                    json!({ "type": "keyUp", "value": key.to_string() }),
                ]
            })
            .collect();
        self.call(
            "POST",
            &self.session_path("/actions"),
            json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] }),
        )
        .await;
    }

    /// Presses `key` with Control held, as for Ctrl+S.
    pub async fn press_with_control(&self, key: char) {
        const CONTROL: &str = "\u{E009}";
        let key = key.to_string();
        let actions = json!([
            { "type": "keyDown", "value": CONTROL },
            { "type": "keyDown", "value": key },
            { "type": "keyUp", "value": key },
            { "type": "keyUp", "value": CONTROL },
        ]);
        self.call(
            "POST",
            &self.session_path("/actions"),
            json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] }),
        )
        .await;
    }

    async fn find(&self, css: &str) -> String {
        let found = self
            .call(
                "POST",
                &self.session_path("/element"),
                json!({ "using": "css selector", "value": css }),
            )
            .await;
        found[ELEMENT_KEY]
            .as_str()
            .expect("an element id")
            .to_owned()
    }

    /// Saves a PNG of the window under `target/test-artifacts/` (kept by CI
    /// as evidence of what the page looked like) and returns its path.
    pub async fn screenshot(&self, name: &str) -> std::path::PathBuf {
        use base64::Engine;
        let value = self
            .call("GET", &self.session_path("/screenshot"), Value::Null)
            .await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(value.as_str().unwrap_or_default())
            .expect("a base64 screenshot");
        let folder =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/test-artifacts");
        std::fs::create_dir_all(&folder).expect("an artifacts folder");
        let path = folder.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("the screenshot is written");
        path
    }

    /// Opens a new tab, switches to it and returns its window handle.
    pub async fn new_tab(&self) -> String {
        self.open_window("tab").await
    }

    /// Opens a new window (its page visible beside the others), switches
    /// to it and returns its handle.
    pub async fn new_window(&self) -> String {
        self.open_window("window").await
    }

    async fn open_window(&self, kind: &str) -> String {
        let value = self
            .call(
                "POST",
                &self.session_path("/window/new"),
                json!({ "type": kind }),
            )
            .await;
        let handle = value["handle"]
            .as_str()
            .expect("a window handle")
            .to_owned();
        self.switch_to(&handle).await;
        handle
    }

    /// The handle of the window (tab) commands go to.
    pub async fn window(&self) -> String {
        let value = self
            .call("GET", &self.session_path("/window"), Value::Null)
            .await;
        value.as_str().expect("a window handle").to_owned()
    }

    /// Sends the commands that follow to the window (tab) `handle`.
    pub async fn switch_to(&self, handle: &str) {
        self.call(
            "POST",
            &self.session_path("/window"),
            json!({ "handle": handle }),
        )
        .await;
    }

    /// Sets a cookie for the current page's site, as a signed-in
    /// session made outside the browser.
    pub async fn add_cookie(&self, name: &str, value: &str) {
        self.call(
            "POST",
            &self.session_path("/cookie"),
            json!({ "cookie": { "name": name, "value": value, "path": "/", "httpOnly": true } }),
        )
        .await;
    }

    pub async fn resize(&self, width: u32, height: u32) {
        self.call(
            "POST",
            &self.session_path("/window/rect"),
            json!({ "width": width, "height": height }),
        )
        .await;
    }

    /// Ends the session and the driver.
    pub async fn quit(mut self) {
        let _ = self
            .http
            .delete(format!("{}{}", self.base, self.session_path("")))
            .send()
            .await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}

fn find(program: &str) -> Option<String> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
        .map(|found| found.display().to_string())
}
