//! `khabar-bench`: a small closed-loop HTTP load generator for a running
//! khabar server.
//!
//! Each of `--connections` tasks owns one keep-alive HTTP/1.1 connection and
//! sends GET requests back to back, reading every body in full, until the
//! deadline; the `--path`s are taken round-robin. Answers that arrive during
//! the warm-up are not counted. The report gives, per path and overall, the
//! answers per second, latency percentiles (p50, p90, p99, max), the count of
//! non-2xx answers and of requests that got no answer at all (errors).
//!
//! With `--post-comments EDITION_ID --tokens FILE` the connections instead
//! POST new comments to `/api/v1/editions/EDITION_ID/comments`, each with a
//! distinct body and a bearer token from FILE; there only 201 counts as
//! success, and every other status is counted as non-2xx. A post still in
//! flight at the deadline is awaited (up to `--timeout`), and the report
//! adds, for the whole run (warm-up and those last posts included), how
//! many posts were answered 201 and how many got no answer, so a script
//! can compare them with the comments the store holds afterwards.
//!
//! Only loopback targets are accepted, the run is bounded in time, proxies
//! are ignored and redirects are not followed, so the traffic never leaves
//! this machine.
//!
//! Why not wrk or oha: HTTP itself is reqwest's and the histograms are
//! hdrhistogram's; what is written here is the loop around them, for what
//! those tools do not measure. The comment benchmarks post with each
//! reader's own bearer token, a body no one sent before (the server refuses
//! duplicates) and only 201 as success; several paths share one run with a
//! row each; the warm-up is left out of the figures; and the scripts read
//! the JSON report. wrk would need a Lua script per mode and reports one
//! row for all paths; oha has no warm-up, per-path rows or per-connection
//! tokens, and is not a Debian package.
//!
//! Past 800 lines only with its tests (about 140).

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use clap::Parser;
use hdrhistogram::Histogram;
use reqwest::Url;
use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
use reqwest::redirect::Policy;
use serde_json::json;
use tokio::time::Instant;

/// Longest measured phase.
const MAX_DURATION: Duration = Duration::from_secs(300);
/// Longest warm-up.
const MAX_WARMUP: Duration = Duration::from_secs(60);
/// Longest a single request may take; also the top of the histograms.
const MAX_TIMEOUT: Duration = Duration::from_secs(60);
const MAX_CONNECTIONS: u16 = 256;
const MAX_PATHS: usize = 16;
/// Most bearer tokens read from `--tokens`, and the largest such file.
const MAX_TOKENS: usize = 100_000;
const MAX_TOKEN_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// How much of a refused POST's answer is kept to show in the report.
const REJECTION_SNIPPET: usize = 300;
/// Pause after a failed request so a dead server is not hammered in a spin.
const ERROR_BACKOFF: Duration = Duration::from_millis(10);

/// Load-test a running khabar server on this machine and report requests/s
/// and latency percentiles.
#[derive(Parser, Debug)]
#[command(name = "khabar-bench", version, about)]
struct Cli {
    /// Base URL of the server: http:// with host 127.0.0.1, localhost or [::1].
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// A URL path to request, such as /en/story/SLUG; repeat it for several,
    /// which are used round-robin.
    #[arg(
        long = "path",
        value_name = "PATH",
        required_unless_present = "post_comments",
        conflicts_with = "post_comments"
    )]
    paths: Vec<String>,
    /// Instead of GETs, POST new comments to
    /// /api/v1/editions/EDITION_ID/comments (201 is success).
    #[arg(long, value_name = "EDITION_ID", requires = "tokens")]
    post_comments: Option<u64>,
    /// With --post-comments: a file with one bearer token per line. Each
    /// connection posts with its own tokens: connection c uses tokens c,
    /// c+connections, … in turn (token c mod n if there are fewer tokens).
    #[arg(long, value_name = "FILE", requires = "post_comments")]
    tokens: Option<PathBuf>,
    /// Concurrent connections, each one task sending requests back to back.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..=i64::from(MAX_CONNECTIONS)))]
    connections: u16,
    /// How long to measure, after the warm-up (e.g. 20s, 500ms, 2m; at most 300s).
    #[arg(long, default_value = "20s", value_parser = parse_duration)]
    duration: Duration,
    /// How long to send load before measuring (at most 60s).
    #[arg(long, default_value = "2s", value_parser = parse_duration)]
    warmup: Duration,
    /// Longest one request may take before it counts as an error (at most 60s).
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    timeout: Duration,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// A header sent with every request, `Name: value` (repeatable), e.g.
    /// a session cookie or a bearer token for pages behind a sign-in. Its
    /// value is never printed.
    #[arg(long = "header", value_name = "NAME: VALUE", value_parser = parse_header)]
    headers: Vec<(HeaderName, HeaderValue)>,
}

fn parse_header(text: &str) -> Result<(HeaderName, HeaderValue), String> {
    let (name, value) = text
        .split_once(':')
        .ok_or_else(|| "expected `Name: value`".to_owned())?;
    let name = HeaderName::from_bytes(name.trim().as_bytes()).map_err(|e| e.to_string())?;
    let mut value = HeaderValue::from_str(value.trim()).map_err(|e| e.to_string())?;
    value.set_sensitive(true);
    Ok((name, value))
}

/// Parses `20s`, `500ms`, `2m` or a bare number of seconds (`1.5`).
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, scale) = if let Some(n) = text.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('m') {
        (n, 60.0)
    } else {
        (text, 1.0)
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a duration such as 20s, 500ms or 2m"))?;
    if !value.is_finite() || value < 0.0 {
        return Err(format!("`{text}` is not a non-negative duration"));
    }
    Duration::try_from_secs_f64(value * scale).map_err(|e| format!("`{text}`: {e}"))
}

/// The base URL, refused unless it is plain HTTP to a loopback host.
fn loopback_base(raw: &str) -> anyhow::Result<Url> {
    let url = Url::parse(raw).with_context(|| format!("--url `{raw}` is not a URL"))?;
    if url.scheme() != "http" {
        bail!("--url must use http:// (this load generator has no TLS)");
    }
    // The URL parser lowercases names and writes addresses canonically
    // (`127.1` and `2130706433` become `127.0.0.1`, `[0::1]` becomes `[::1]`).
    let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    if !loopback {
        bail!(
            "refusing to load-test {}: the host must be 127.0.0.1, localhost or [::1]",
            url.host_str().unwrap_or("(no host)")
        );
    }
    if !url.username().is_empty() || url.password().is_some() {
        bail!("--url must not carry credentials");
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        bail!("--url is the server's origin only; give the pages with --path");
    }
    Ok(url)
}

/// `path` on the base, refused if it would lead to another origin.
fn target_url(base: &Url, path: &str) -> anyhow::Result<Url> {
    if !path.starts_with('/') || path.starts_with("//") || path.contains('\\') {
        bail!("--path `{path}` must be an absolute path such as /en/");
    }
    let url = base
        .join(path)
        .with_context(|| format!("--path `{path}` is not a valid URL path"))?;
    if url.origin() != base.origin() {
        bail!("--path `{path}` leads away from {base}");
    }
    Ok(url)
}

/// One client per connection: no proxy, no redirects, at most one pooled
/// connection, and `localhost` pinned to the loopback addresses.
fn client(
    timeout: Duration,
    headers: &[(HeaderName, HeaderValue)],
) -> anyhow::Result<reqwest::Client> {
    let loopback = [
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        SocketAddr::from((Ipv6Addr::LOCALHOST, 0)),
    ];
    reqwest::Client::builder()
        .no_proxy()
        .redirect(Policy::none())
        .pool_max_idle_per_host(1)
        .resolve_to_addrs("localhost", &loopback)
        .connect_timeout(timeout)
        .user_agent(concat!("khabar-bench/", env!("CARGO_PKG_VERSION")))
        .default_headers(headers.iter().cloned().collect())
        .build()
        .context("building the HTTP client")
}

/// What one path got on one connection (or, merged, on all of them).
#[derive(Clone)]
struct PathStats {
    /// Latency in microseconds of every answer, whatever its status.
    latency: Histogram<u32>,
    non_2xx: BTreeMap<u16, u64>,
    errors: BTreeMap<&'static str, u64>,
    bytes: u64,
    first_error: Option<String>,
    /// Status and start of the body of the first unsuccessful answer.
    first_rejection: Option<String>,
}

impl PathStats {
    fn new(template: &Histogram<u32>) -> PathStats {
        PathStats {
            latency: template.clone(),
            non_2xx: BTreeMap::new(),
            errors: BTreeMap::new(),
            bytes: 0,
            first_error: None,
            first_rejection: None,
        }
    }

    /// Records an answer; `success` is false for a status the mode does not
    /// accept (non-2xx for GETs, anything but 201 for comment posts), which
    /// is then counted as non-2xx.
    fn answer(&mut self, status: u16, bytes: u64, elapsed: Duration, success: bool) {
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.latency.saturating_record(micros.max(1));
        self.bytes += bytes;
        if !success {
            *self.non_2xx.entry(status).or_default() += 1;
        }
    }

    fn rejection(&mut self, status: u16, snippet: Option<String>) {
        if self.first_rejection.is_none() {
            let snippet = snippet.unwrap_or_default();
            self.first_rejection = Some(format!("{status} {}", snippet.trim()));
        }
    }

    fn error(&mut self, kind: &'static str, message: String) {
        *self.errors.entry(kind).or_default() += 1;
        self.first_error.get_or_insert(message);
    }

    fn merge(&mut self, other: &PathStats) -> anyhow::Result<()> {
        self.latency
            .add(&other.latency)
            .context("merging latency histograms")?;
        for (status, n) in &other.non_2xx {
            *self.non_2xx.entry(*status).or_default() += n;
        }
        for (kind, n) in &other.errors {
            *self.errors.entry(kind).or_default() += n;
        }
        self.bytes += other.bytes;
        if self.first_error.is_none() {
            self.first_error.clone_from(&other.first_error);
        }
        if self.first_rejection.is_none() {
            self.first_rejection.clone_from(&other.first_rejection);
        }
        Ok(())
    }

    fn answers(&self) -> u64 {
        self.latency.len()
    }

    fn non_2xx_total(&self) -> u64 {
        self.non_2xx.values().sum()
    }

    fn errors_total(&self) -> u64 {
        self.errors.values().sum()
    }

    fn millis_at(&self, quantile: f64) -> f64 {
        if self.answers() == 0 {
            return 0.0;
        }
        self.latency.value_at_quantile(quantile) as f64 / 1000.0
    }

    fn max_millis(&self) -> f64 {
        if self.answers() == 0 {
            return 0.0;
        }
        self.latency.max() as f64 / 1000.0
    }
}

fn error_kind(error: &reqwest::Error) -> &'static str {
    if error.is_connect() {
        "connect"
    } else if error.is_timeout() {
        "timeout"
    } else if error.is_body() || error.is_decode() {
        "body"
    } else if error.is_request() {
        "request"
    } else {
        "other"
    }
}

/// GETs `url` and reads the whole body; returns the status and body size.
async fn fetch(client: &reqwest::Client, url: &Url) -> Result<(u16, u64), reqwest::Error> {
    let (status, bytes, _) = send(client.get(url.clone()), |_| false).await?;
    Ok((status, bytes))
}

/// Sends `request` and reads the whole body; returns the status, the body
/// size and, if `keep(status)`, the start of the body as text.
async fn send(
    request: reqwest::RequestBuilder,
    keep: impl Fn(u16) -> bool,
) -> Result<(u16, u64, Option<String>), reqwest::Error> {
    let mut response = request.send().await?;
    let status = response.status().as_u16();
    let mut kept = keep(status).then(Vec::new);
    let mut bytes = 0u64;
    while let Some(chunk) = response.chunk().await? {
        bytes += chunk.len() as u64;
        if let Some(kept) = kept.as_mut()
            && kept.len() < REJECTION_SNIPPET
        {
            let room = REJECTION_SNIPPET - kept.len();
            kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
        }
    }
    let snippet = kept.map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
    Ok((status, bytes, snippet))
}

/// Reads bearer tokens, one a line; blank lines and `#` lines are skipped.
/// A token is never echoed in an error message.
fn read_tokens(path: &Path) -> anyhow::Result<Vec<HeaderValue>> {
    let shown = path.display();
    let size = std::fs::metadata(path)
        .with_context(|| format!("--tokens {shown}"))?
        .len();
    if size > MAX_TOKEN_FILE_BYTES {
        bail!("--tokens {shown} is larger than {MAX_TOKEN_FILE_BYTES} bytes");
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading --tokens {shown}"))?;
    let mut tokens = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let token = line.trim();
        if token.is_empty() || token.starts_with('#') {
            continue;
        }
        if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
            bail!(
                "--tokens {shown}: line {} holds more than one word",
                number + 1
            );
        }
        let mut value = HeaderValue::try_from(format!("Bearer {token}")).map_err(|_| {
            anyhow::anyhow!(
                "--tokens {shown}: line {} is not usable in a header",
                number + 1
            )
        })?;
        value.set_sensitive(true);
        tokens.push(value);
        if tokens.len() > MAX_TOKENS {
            bail!("--tokens {shown} holds more than {MAX_TOKENS} tokens");
        }
    }
    if tokens.is_empty() {
        bail!("--tokens {shown} holds no token");
    }
    Ok(tokens)
}

/// The indexes of the tokens connection `id` of `connections` posts with:
/// `id`, `id + connections`, … when there are enough tokens, otherwise
/// token `id mod count` alone.
fn tokens_for(id: usize, connections: usize, count: usize) -> Vec<usize> {
    if count <= id || connections == 0 {
        return vec![id % count.max(1)];
    }
    (id..count).step_by(connections).collect()
}

/// A well-mixed 64-bit value from `x` (SplitMix64's finaliser).
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The body of comment number `counter` from connection `id`: distinct per
/// connection and counter, and per run through `seed`.
fn comment_body(id: usize, counter: u64, seed: u64) -> String {
    let suffix = mix(seed ^ mix((id as u64) << 40 ^ counter));
    format!("bench comment {id}-{counter} {suffix:016x}")
}

/// Outcomes of every post of a run, warm-up and the posts in flight at the
/// deadline included: what a script compares with the store afterwards.
#[derive(Clone, Copy, Default)]
struct PostTally {
    /// Answered 201.
    created: u64,
    /// Sent, but no answer came (reset, timeout): each may or may not
    /// have been stored.
    unsettled: u64,
}

impl PostTally {
    fn add(&mut self, other: PostTally) {
        self.created += other.created;
        self.unsettled += other.unsettled;
    }
}

struct PostPlan {
    tokens: Vec<HeaderValue>,
    seed: u64,
}

struct Plan {
    urls: Arc<Vec<Url>>,
    /// Set when posting comments (to the one URL in `urls`).
    post: Option<PostPlan>,
    connections: usize,
    measure_from: Instant,
    deadline: Instant,
    timeout: Duration,
}

/// One connection: requests back to back until the deadline. Requests that
/// start before `measure_from` warm up and are not counted; a GET still in
/// flight at the deadline is dropped uncounted, a post is awaited (up to
/// the timeout) and counted only in the tally.
async fn connection(
    id: usize,
    client: reqwest::Client,
    plan: Arc<Plan>,
    template: Histogram<u32>,
) -> (Vec<PathStats>, PostTally) {
    let mut tally = PostTally::default();
    let urls = &plan.urls;
    let mut stats: Vec<PathStats> = urls.iter().map(|_| PathStats::new(&template)).collect();
    let mut next = id % urls.len();
    let own_tokens = plan
        .post
        .as_ref()
        .map(|post| tokens_for(id, plan.connections, post.tokens.len()))
        .unwrap_or_default();
    let mut counter = 0u64;
    while Instant::now() < plan.deadline {
        let index = next;
        next = (next + 1) % urls.len();
        let request = match &plan.post {
            None => client.get(urls[index].clone()),
            Some(post) => {
                let token = &post.tokens[own_tokens[(counter as usize) % own_tokens.len()]];
                let body = json!({ "body": comment_body(id, counter, post.seed) });
                counter += 1;
                client
                    .post(urls[index].clone())
                    .header(AUTHORIZATION, token.clone())
                    .json(&body)
            }
        };
        let posting = plan.post.is_some();
        let success = move |status: u16| {
            if posting {
                status == 201
            } else {
                (200..300).contains(&status)
            }
        };
        let start = Instant::now();
        let measured = start >= plan.measure_from;
        let own_limit = start + plan.timeout;
        let keep_rejection = measured && stats[index].first_rejection.is_none();
        // A post is never dropped at the deadline: its outcome is tallied.
        let limit = if posting {
            own_limit
        } else {
            own_limit.min(plan.deadline)
        };
        let outcome = tokio::time::timeout_at(
            limit,
            send(request, |status| keep_rejection && !success(status)),
        )
        .await;
        let elapsed = start.elapsed();
        let in_time = Instant::now() <= plan.deadline;
        match outcome {
            Ok(Ok((status, bytes, snippet))) => {
                if posting && status == 201 {
                    tally.created += 1;
                }
                if !in_time {
                    break;
                }
                if measured {
                    let ok = success(status);
                    stats[index].answer(status, bytes, elapsed, ok);
                    if !ok {
                        stats[index].rejection(status, snippet);
                    }
                }
            }
            Ok(Err(error)) => {
                // A post that failed to connect was never sent.
                if posting && !error.is_connect() {
                    tally.unsettled += 1;
                }
                if !in_time {
                    break;
                }
                if measured {
                    stats[index].error(error_kind(&error), format!("{}: {error}", urls[index]));
                }
                tokio::time::sleep(ERROR_BACKOFF).await;
            }
            Err(_) if posting => {
                tally.unsettled += 1;
                if !in_time {
                    break;
                }
                if measured {
                    stats[index].error(
                        "timeout",
                        format!("{}: no full answer within {:?}", urls[index], plan.timeout),
                    );
                }
            }
            Err(_) if own_limit < plan.deadline => {
                if measured {
                    stats[index].error(
                        "timeout",
                        format!("{}: no full answer within {:?}", urls[index], plan.timeout),
                    );
                }
            }
            Err(_) => break,
        }
    }
    (stats, tally)
}

/// One request to every path before the run, so that a server that is not
/// there is a clear error rather than a table of failures.
async fn preflight(
    urls: &[Url],
    timeout: Duration,
    headers: &[(HeaderName, HeaderValue)],
) -> anyhow::Result<()> {
    let client = client(timeout, headers)?;
    for url in urls {
        let (status, _) = tokio::time::timeout(timeout, fetch(&client, url))
            .await
            .map_err(|_| anyhow::anyhow!("{url} did not answer within {timeout:?}"))?
            .with_context(|| format!("cannot fetch {url}; is the server running?"))?;
        if !(200..300).contains(&status) {
            eprintln!("khabar-bench: warning: {url} answers {status}");
        }
    }
    Ok(())
}

struct Report {
    base: Url,
    posting: bool,
    connections: u16,
    duration: Duration,
    warmup: Duration,
    paths: Vec<(String, PathStats)>,
    total: PathStats,
    /// When posting: every post's outcome, warm-up included.
    tally: Option<PostTally>,
}

async fn run(cli: Cli) -> anyhow::Result<Report> {
    if cli.duration.is_zero() || cli.duration > MAX_DURATION {
        bail!("--duration must be more than 0 and at most {MAX_DURATION:?}");
    }
    if cli.warmup > MAX_WARMUP {
        bail!("--warmup must be at most {MAX_WARMUP:?}");
    }
    if cli.timeout.is_zero() || cli.timeout > MAX_TIMEOUT {
        bail!("--timeout must be more than 0 and at most {MAX_TIMEOUT:?}");
    }
    if cli.paths.len() > MAX_PATHS {
        bail!("at most {MAX_PATHS} --path values");
    }
    let base = loopback_base(&cli.url)?;
    let (labels, post) = match (cli.post_comments, &cli.tokens) {
        (Some(edition), Some(file)) => {
            let tokens = read_tokens(file)?;
            let seed = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or_default()
                ^ u64::from(std::process::id());
            if !cli.json {
                eprintln!(
                    "khabar-bench: posting comments to edition {edition} with {} token(s)",
                    tokens.len()
                );
            }
            let path = format!("/api/v1/editions/{edition}/comments");
            (vec![path], Some(PostPlan { tokens, seed }))
        }
        (Some(_), None) => bail!("--post-comments needs --tokens"),
        (None, _) => (cli.paths.clone(), None),
    };
    let urls = labels
        .iter()
        .map(|path| target_url(&base, path))
        .collect::<anyhow::Result<Vec<_>>>()?;
    // In posting mode this GETs the edition's comment list, which shows
    // that the server is up and the edition exists, without posting.
    preflight(&urls, cli.timeout, &cli.headers).await?;

    let top = u64::try_from(MAX_TIMEOUT.as_micros()).unwrap_or(u64::MAX);
    let template = Histogram::<u32>::new_with_bounds(1, top, 3).context("latency histogram")?;
    let start = Instant::now();
    let posting = post.is_some();
    let plan = Arc::new(Plan {
        urls: Arc::new(urls),
        post,
        connections: usize::from(cli.connections),
        measure_from: start + cli.warmup,
        deadline: start + cli.warmup + cli.duration,
        timeout: cli.timeout,
    });
    if !cli.json {
        eprintln!(
            "khabar-bench: {} connection(s), warm-up {}, measuring {} …",
            cli.connections,
            seconds(cli.warmup),
            seconds(cli.duration)
        );
    }
    let mut tasks = Vec::with_capacity(usize::from(cli.connections));
    for id in 0..usize::from(cli.connections) {
        let client = client(cli.timeout, &cli.headers)?;
        tasks.push(tokio::spawn(connection(
            id,
            client,
            Arc::clone(&plan),
            template.clone(),
        )));
    }

    let mut per_path: Vec<PathStats> = plan
        .urls
        .iter()
        .map(|_| PathStats::new(&template))
        .collect();
    let mut tally = PostTally::default();
    for task in tasks {
        let (stats, own) = task.await.context("a connection task failed")?;
        tally.add(own);
        for (merged, stats) in per_path.iter_mut().zip(&stats) {
            merged.merge(stats)?;
        }
    }
    let mut total = PathStats::new(&template);
    for stats in &per_path {
        total.merge(stats)?;
    }
    let labels = if posting {
        labels
            .into_iter()
            .map(|path| format!("POST {path}"))
            .collect()
    } else {
        labels
    };
    Ok(Report {
        base,
        posting,
        connections: cli.connections,
        duration: cli.duration,
        warmup: cli.warmup,
        paths: labels.into_iter().zip(per_path).collect(),
        total,
        tally: posting.then_some(tally),
    })
}

impl Report {
    fn rate(&self, stats: &PathStats) -> f64 {
        stats.answers() as f64 / self.duration.as_secs_f64()
    }

    fn stats_json(&self, stats: &PathStats) -> serde_json::Value {
        let non_2xx: BTreeMap<String, u64> = stats
            .non_2xx
            .iter()
            .map(|(status, n)| (status.to_string(), *n))
            .collect();
        json!({
            "answers": stats.answers(),
            "requests_per_sec": round2(self.rate(stats)),
            "latency_ms": {
                "p50": stats.millis_at(0.50),
                "p90": stats.millis_at(0.90),
                "p99": stats.millis_at(0.99),
                "max": stats.max_millis(),
                "mean": round2(stats.latency.mean() / 1000.0),
            },
            "non_2xx": stats.non_2xx_total(),
            "non_2xx_by_status": non_2xx,
            "errors": stats.errors_total(),
            "errors_by_kind": stats.errors,
            "first_error": stats.first_error,
            "first_rejection": stats.first_rejection,
            "body_bytes": stats.bytes,
        })
    }

    fn json(&self) -> serde_json::Value {
        let paths: Vec<serde_json::Value> = self
            .paths
            .iter()
            .map(|(path, stats)| {
                let mut value = self.stats_json(stats);
                value["path"] = json!(path);
                value
            })
            .collect();
        json!({
            "url": self.base.as_str().trim_end_matches('/'),
            "mode": if self.posting { "post-comments" } else { "get" },
            "connections": self.connections,
            "duration_s": self.duration.as_secs_f64(),
            "warmup_s": self.warmup.as_secs_f64(),
            "paths": paths,
            "total": self.stats_json(&self.total),
            // Posting only: the whole run's 201s and posts with no answer.
            "created": self.tally.map(|t| t.created),
            "unsettled": self.tally.map(|t| t.unsettled),
        })
    }

    fn table(&self) -> String {
        let mut rows: Vec<(String, &PathStats)> = self
            .paths
            .iter()
            .map(|(path, stats)| (display_path(path), stats))
            .collect();
        if self.paths.len() > 1 {
            rows.push(("all".into(), &self.total));
        }
        let width = rows
            .iter()
            .map(|(p, _)| p.chars().count())
            .max()
            .unwrap_or(4)
            .max(4);
        let mut out = format!(
            "{}  {} connections  {} measured after {} warm-up\n\n",
            self.base.as_str().trim_end_matches('/'),
            self.connections,
            seconds(self.duration),
            seconds(self.warmup),
        );
        out.push_str(&format!(
            "{:<width$}  {:>8}  {:>9}  {:>8}  {:>8}  {:>8}  {:>8}  {:>7}  {:>6}\n",
            "path", "answers", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "non-2xx", "errors"
        ));
        for (path, stats) in &rows {
            out.push_str(&format!(
                "{:<width$}  {:>8}  {:>9.1}  {:>8.2}  {:>8.2}  {:>8.2}  {:>8.2}  {:>7}  {:>6}\n",
                path,
                stats.answers(),
                self.rate(stats),
                stats.millis_at(0.50),
                stats.millis_at(0.90),
                stats.millis_at(0.99),
                stats.max_millis(),
                stats.non_2xx_total(),
                stats.errors_total(),
            ));
        }
        if !self.total.non_2xx.is_empty() {
            let statuses: Vec<String> = self
                .total
                .non_2xx
                .iter()
                .map(|(status, n)| format!("{status}×{n}"))
                .collect();
            let what = if self.posting {
                "answers other than 201"
            } else {
                "non-2xx answers"
            };
            out.push_str(&format!("\n{what}: {}\n", statuses.join(", ")));
            if let Some(first) = &self.total.first_rejection {
                out.push_str(&format!("first of them: {first}\n"));
            }
        }
        if let Some(tally) = self.tally {
            out.push_str(&format!(
                "\nwhole run, warm-up and the last posts included: {} answered 201, {} with no answer\n",
                tally.created, tally.unsettled
            ));
        }
        if !self.total.errors.is_empty() {
            let kinds: Vec<String> = self
                .total
                .errors
                .iter()
                .map(|(kind, n)| format!("{kind}×{n}"))
                .collect();
            out.push_str(&format!("\nerrors: {}\n", kinds.join(", ")));
            if let Some(first) = &self.total.first_error {
                out.push_str(&format!("first error: {first}\n"));
            }
        }
        out
    }
}

/// A path as the table shows it: percent-escapes decoded when they spell
/// UTF-8 (Arabic slugs), and cut to a readable length.
fn display_path(path: &str) -> String {
    const LONGEST: usize = 48;
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = bytes
            .get(i + 1..i + 3)
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (bytes[i], escaped) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                i += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    let text = String::from_utf8(decoded).unwrap_or_else(|_| path.to_owned());
    if text.chars().count() <= LONGEST {
        text
    } else {
        let mut cut: String = text.chars().take(LONGEST - 1).collect();
        cut.push('…');
        cut
    }
}

/// `20s`, `0.5s`.
fn seconds(duration: Duration) -> String {
    format!("{}s", duration.as_secs_f64())
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli).await {
        Ok(report) => {
            if json {
                println!("{:#}", report.json());
            } else {
                print!("{}", report.table());
            }
            if report.total.answers() == 0 {
                eprintln!("khabar-bench: no request was answered during the measured phase");
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("khabar-bench: {error:#}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("20s"), Ok(Duration::from_secs(20)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1.5"), Ok(Duration::from_millis(1500)));
        assert!(parse_duration("-1s").is_err());
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("NaNs").is_err());
    }

    #[test]
    fn only_loopback_targets() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:8080/",
            "http://LOCALHOST",
            "http://[::1]:9000",
            "http://127.1:8080",
            "http://[0:0::1]:8080",
        ] {
            assert!(loopback_base(ok).is_ok(), "{ok}");
        }
        for refused in [
            "http://10.0.0.1:8080",
            "http://192.168.1.2",
            "http://example.com",
            "http://localhost.example.com",
            "http://127.0.0.2:8080",
            "http://[::2]",
            "https://127.0.0.1",
            "http://user:pw@127.0.0.1",
            "http://127.0.0.1/en/",
        ] {
            assert!(loopback_base(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn paths_stay_on_the_origin() -> anyhow::Result<()> {
        let base = loopback_base("http://127.0.0.1:8080")?;
        assert_eq!(
            target_url(&base, "/en/story/x?a=1")?.as_str(),
            "http://127.0.0.1:8080/en/story/x?a=1"
        );
        for refused in [
            "//example.com/x",
            "/\\example.com",
            "http://example.com/",
            "en/",
        ] {
            assert!(target_url(&base, refused).is_err(), "{refused}");
        }
        Ok(())
    }

    #[test]
    fn paths_display_decoded_and_short() {
        assert_eq!(display_path("/en/"), "/en/");
        assert_eq!(display_path("/ar/story/%D8%A7%D8%B1"), "/ar/story/ار");
        assert_eq!(display_path("/x/%ZZ%"), "/x/%ZZ%");
        assert_eq!(display_path("/x/%FF"), "/x/%FF");
        let long = format!("/en/story/{}", "a".repeat(80));
        assert_eq!(display_path(&long).chars().count(), 48);
        assert!(display_path(&long).ends_with('…'));
    }

    #[test]
    fn stats_count_and_merge() -> anyhow::Result<()> {
        let template = Histogram::<u32>::new_with_bounds(1, 60_000_000, 3)?;
        let mut a = PathStats::new(&template);
        a.answer(200, 10, Duration::from_millis(2), true);
        a.answer(404, 5, Duration::from_millis(4), false);
        let mut b = PathStats::new(&template);
        b.error("connect", "refused".into());
        b.answer(200, 10, Duration::from_secs(120), true);
        b.rejection(429, Some(" {\"error\": \"slow down\"}\n".into()));
        a.merge(&b)?;
        assert_eq!(a.answers(), 3);
        assert_eq!(a.non_2xx_total(), 1);
        assert_eq!(a.errors_total(), 1);
        assert_eq!(a.bytes, 25);
        assert!(a.max_millis() >= 59_000.0);
        assert_eq!(a.first_error.as_deref(), Some("refused"));
        assert_eq!(
            a.first_rejection.as_deref(),
            Some("429 {\"error\": \"slow down\"}")
        );
        Ok(())
    }

    #[test]
    fn tokens_are_shared_out() {
        // Fewer tokens than connections: round-robin.
        assert_eq!(tokens_for(0, 4, 3), vec![0]);
        assert_eq!(tokens_for(3, 4, 3), vec![0]);
        assert_eq!(tokens_for(2, 4, 1), vec![0]);
        // As many or more: each connection its own, disjoint, all used.
        assert_eq!(tokens_for(1, 4, 4), vec![1]);
        assert_eq!(tokens_for(1, 4, 10), vec![1, 5, 9]);
        let mut all: Vec<usize> = (0..4).flat_map(|id| tokens_for(id, 4, 10)).collect();
        all.sort_unstable();
        assert_eq!(all, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn comment_bodies_differ() {
        let mut seen = std::collections::HashSet::new();
        for id in 0..8 {
            for counter in 0..1000 {
                assert!(seen.insert(comment_body(id, counter, 42)));
            }
        }
        assert!(comment_body(3, 7, 42).starts_with("bench comment 3-7 "));
        assert_ne!(comment_body(3, 7, 42), comment_body(3, 7, 43));
    }

    #[test]
    fn token_files_are_read() -> anyhow::Result<()> {
        let dir = std::env::temp_dir().join(format!("khabar-bench-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let file = dir.join("tokens");
        std::fs::write(&file, "# posters\nkh_one\n\n  kh_two  \n")?;
        let tokens = read_tokens(&file)?;
        assert_eq!(tokens.len(), 2);
        assert_eq!(tokens[1].to_str()?, "Bearer kh_two");
        assert!(tokens[0].is_sensitive());
        std::fs::write(&file, "kh one\n")?;
        assert!(read_tokens(&file).is_err());
        std::fs::write(&file, "\n")?;
        assert!(read_tokens(&file).is_err());
        std::fs::remove_dir_all(&dir)?;
        Ok(())
    }
}
