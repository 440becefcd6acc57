//! A real browser for tests: Debian's Chromium driven through ChromeDriver
//! with fantoccini, a WebDriver client, over plain HTTP on 127.0.0.1 (no
//! TLS). Skipped with a notice when ChromeDriver is missing, except under
//! `CI=true`.
//!
//! The helpers below are what the tests speak: CSS selectors, script
//! expressions to wait for, window handles as strings; every command
//! panics with what it was doing when the browser refuses it or does not
//! answer within a minute.

use std::future::Future;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::error::CmdError;
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand, WindowHandle};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

/// How long one WebDriver command may take before the test fails.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

pub struct Browser {
    driver: Child,
    client: Client,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts ChromeDriver and a headless Chromium session, or returns
    /// `None` (with a notice) when they are not installed outside CI.
    pub async fn start() -> Option<Browser> {
        Browser::start_with(&[], json!({})).await
    }

    /// [`Browser::start`] with more command-line `args` and profile
    /// `prefs` (such as `{"profile.cookie_controls_mode": 1}`).
    pub async fn start_with(extra_args: &[&str], prefs: Value) -> Option<Browser> {
        let (Some(driver_path), Some(chromium)) = (find("chromedriver"), find("chromium")) else {
            crate::missing(
                "browser tests",
                "chromium and chromium-driver are not installed",
            );
            return None;
        };
        let (mut driver, port) = start_driver(&driver_path).await;
        let profile = tempfile::tempdir().expect("a browser profile directory");
        let mut args: Vec<String> = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--window-size=1200,900",
        ]
        .map(str::to_owned)
        .into();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        args.extend(extra_args.iter().map(|arg| (*arg).to_owned()));
        let mut capabilities = Capabilities::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": chromium, "args": args, "prefs": prefs }),
        );
        // The page's console, for `console_errors`.
        capabilities.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
        let connected = tokio::time::timeout(
            COMMAND_TIMEOUT,
            ClientBuilder::new(HttpConnector::new())
                .capabilities(capabilities)
                .connect(&format!("http://127.0.0.1:{port}")),
        )
        .await;
        let client = match connected {
            Ok(Ok(client)) => client,
            failed => {
                let _ = driver.kill();
                let _ = driver.wait();
                match failed {
                    Ok(Err(error)) => panic!("WebDriver new session: {error}"),
                    _ => panic!("WebDriver new session: no answer within 60 s"),
                }
            }
        };
        Some(Browser {
            driver,
            client,
            _profile: profile,
        })
    }

    /// Loads `url` and waits for the page to finish loading.
    pub async fn goto(&self, url: &str) {
        run(&format!("goto {url}"), self.client.goto(url)).await;
    }

    pub async fn current_url(&self) -> String {
        run("current url", self.client.current_url()).await.into()
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

    /// Runs `script` (a function body; `arguments` holds `args`, a JSON
    /// array) in the page.
    pub async fn eval(&self, script: &str, args: Value) -> Value {
        let args = match args {
            Value::Array(args) => args,
            Value::Null => Vec::new(),
            other => vec![other],
        };
        run("execute script", self.client.execute(script, args)).await
    }

    /// Clicks the first element matching `css`.
    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        run(&format!("click {css}"), element.click()).await;
    }

    /// Types `text` into the first element matching `css`.
    pub async fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        run(&format!("type into {css}"), element.send_keys(text)).await;
    }

    /// Presses `keys` one after another on whatever has the focus, as a
    /// person at the keyboard would (W3C key actions).
    pub async fn press(&self, keys: &str) {
        let actions = keys.chars().fold(keyboard(), |actions, key| {
            actions
                .then(KeyAction::Down { value: key })
                .then(KeyAction::Up { value: key })
        });
        run("key actions", self.client.perform_actions(actions)).await;
    }

    /// Presses `key` with Control held, as for Ctrl+S.
    pub async fn press_with_control(&self, key: char) {
        const CONTROL: char = '\u{E009}';
        let actions = keyboard()
            .then(KeyAction::Down { value: CONTROL })
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key })
            .then(KeyAction::Up { value: CONTROL });
        run("key actions", self.client.perform_actions(actions)).await;
    }

    async fn find(&self, css: &str) -> fantoccini::elements::Element {
        run(&format!("find {css}"), self.client.find(Locator::Css(css))).await
    }

    /// Saves a PNG of the window under `target/test-artifacts/` (kept by CI
    /// as evidence of what the page looked like) and returns its path.
    pub async fn screenshot(&self, name: &str) -> std::path::PathBuf {
        self.screenshot_in("test-artifacts", name).await
    }

    /// Saves a PNG of the window as `target/{folder}/{name}.png` and
    /// returns its path.
    pub async fn screenshot_in(&self, folder: &str, name: &str) -> std::path::PathBuf {
        let png = run("screenshot", self.client.screenshot()).await;
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../target")
            .join(folder);
        std::fs::create_dir_all(&folder).expect("an artifacts folder");
        let path = folder.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("the screenshot is written");
        path
    }

    /// Opens a new tab, switches to it and returns its window handle.
    pub async fn new_tab(&self) -> String {
        self.open_window(true).await
    }

    /// Opens a new window (its page visible beside the others), switches
    /// to it and returns its handle.
    pub async fn new_window(&self) -> String {
        self.open_window(false).await
    }

    async fn open_window(&self, as_tab: bool) -> String {
        let opened = run("new window", self.client.new_window(as_tab)).await;
        let handle = String::from(opened.handle);
        self.switch_to(&handle).await;
        handle
    }

    /// The handles of every open window (tab), popups included.
    pub async fn windows(&self) -> Vec<String> {
        run("window handles", self.client.windows())
            .await
            .into_iter()
            .map(String::from)
            .collect()
    }

    /// Sends the commands that follow into the iframe matching `css`.
    pub async fn enter_frame(&self, css: &str) {
        let frame = self.find(css).await;
        run(&format!("enter frame {css}"), frame.enter_frame()).await;
    }

    /// Sends the commands that follow to the frame around the current one.
    pub async fn leave_frame(&self) {
        run("leave frame", self.client.enter_parent_frame()).await;
    }

    /// The handle of the window (tab) commands go to.
    pub async fn window(&self) -> String {
        run("window handle", self.client.window()).await.into()
    }

    /// Sends the commands that follow to the window (tab) `handle`.
    pub async fn switch_to(&self, handle: &str) {
        let window = WindowHandle::try_from(handle).expect("a window handle");
        run("switch window", self.client.switch_to_window(window)).await;
    }

    /// Sets a cookie for the current page's site, as a signed-in
    /// session made outside the browser.
    pub async fn add_cookie(&self, name: &str, value: &str) {
        let cookie = json!({ "name": name, "value": value, "path": "/", "httpOnly": true });
        run("add cookie", self.client.issue_cmd(AddCookie(cookie))).await;
    }

    /// What the pages logged as errors (scripts' errors, resources that
    /// failed to load) since the last call, each as Chromium words it.
    pub async fn console_errors(&self) -> Vec<String> {
        let entries = run("browser log", self.client.issue_cmd(BrowserLog)).await;
        entries
            .as_array()
            .into_iter()
            .flatten()
            .filter(|entry| entry["level"] == "SEVERE")
            .map(|entry| entry["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    pub async fn resize(&self, width: u32, height: u32) {
        run("resize window", self.client.set_window_size(width, height)).await;
    }

    /// Ends the session and the driver.
    pub async fn quit(mut self) {
        let _ = tokio::time::timeout(COMMAND_TIMEOUT, self.client.clone().close()).await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    /// A test that panicked never reached `quit`: its Chromium, which
    /// would outlive ChromeDriver, is asked to exit (SIGTERM, so that it
    /// takes its helpers along) before the driver is killed.
    fn drop(&mut self) {
        for pid in children_of(self.driver.id()) {
            let _ = Command::new("kill")
                .arg(pid.to_string())
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// The processes whose parent is `parent`, from `/proc` (none elsewhere).
fn children_of(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            // `pid (name) state ppid …`; the name may hold spaces and parentheses.
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
                stat.rsplit_once(')')
                    .and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok())
                    == Some(parent)
            })
        })
        .collect()
}

/// WebDriver's Add Cookie with no domain, so that ChromeDriver takes the
/// page's host: fantoccini's own `add_cookie` sends `"domain": null`, which
/// ChromeDriver refuses, and an explicit `127.0.0.1` is refused too.
#[derive(Debug)]
struct AddCookie(Value);

impl WebDriverCompatibleCommand for AddCookie {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/cookie", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({ "cookie": self.0 }).to_string()),
        )
    }
}

/// ChromeDriver's console log (`goog:loggingPrefs`), which W3C WebDriver
/// has no command for; each read empties it.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({ "type": "browser" }).to_string()),
        )
    }
}

/// A fresh key input source; every sequence of key presses uses one id.
fn keyboard() -> KeyActions {
    KeyActions::new("keyboard".to_owned())
}

/// Awaits one WebDriver command, panicking with `what` when the browser
/// refuses it or does not answer in time.
async fn run<T>(what: &str, command: impl Future<Output = Result<T, CmdError>>) -> T {
    match tokio::time::timeout(COMMAND_TIMEOUT, command).await {
        Ok(Ok(value)) => value,
        Ok(Err(error)) => panic!("WebDriver {what}: {error}"),
        Err(_) => panic!("WebDriver {what}: no answer within 60 s"),
    }
}

/// ChromeDriver listening on a port of its own. The port is picked free
/// and then handed over, so another test's server may take it first (the
/// driver then exits), and under CI's load the driver may be slow to
/// listen: either way it gets another port and more time, three times.
async fn start_driver(path: &str) -> (Child, u16) {
    for _ in 0..3 {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut driver = Command::new(path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return (driver, port);
            }
            if matches!(driver.try_wait(), Ok(Some(_))) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let _ = driver.kill();
        let _ = driver.wait();
    }
    panic!("chromedriver did not listen on a port of its own in three tries of 20 s");
}

fn find(program: &str) -> Option<String> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
        .map(|found| found.display().to_string())
}
