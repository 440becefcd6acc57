//! `soak`: a long mixed load against a running khabar server on this
//! machine, reporting per interval whether memory, file descriptors and
//! latency stay flat.
//!
//! `--connections` reader tasks each own one keep-alive connection and GET
//! the `--path`s round-robin, back to back. Beside them, `--posters` tasks
//! POST new comments to `--post-comments EDITION` at `--post-rate` comments
//! a second in all, each with a bearer token from `--tokens` and a body no
//! one sent before (the server refuses duplicates; a reader may post 200 a
//! day, so the rate, not a closed loop, keeps the tokens from running out).
//!
//! Every `--interval` it reads the server's resident memory
//! (`/proc/PID/status`, VmRSS) and open descriptors (`/proc/PID/fd`) and
//! prints a row with that interval's answers, p50/p99/max of reads and
//! posts, unexpected statuses and errors. At the end it compares the last
//! interval with the second (the first warms caches and pools).
//!
//! A separate binary rather than a mode of `khabar-bench`: the soak runs
//! for minutes with hundreds of connections and samples another process,
//! where `khabar-bench` measures one short run; they share only the
//! loopback rule, repeated here.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use clap::Parser;
use hdrhistogram::Histogram;
use reqwest::Url;
use reqwest::header::{AUTHORIZATION, HeaderValue};
use reqwest::redirect::Policy;
use serde_json::json;
use tokio::time::Instant;

const MAX_DURATION: Duration = Duration::from_secs(3600);
const MAX_CONNECTIONS: u16 = 2000;
/// The top of the latency histograms, and the longest `--timeout`.
const MAX_TIMEOUT: Duration = Duration::from_secs(60);
/// Pause after a failed request so a dead server is not hammered in a spin.
const ERROR_BACKOFF: Duration = Duration::from_millis(50);

/// Soak a running khabar server on this machine with mixed reading and
/// posting, sampling its memory, descriptors and p99 per interval.
#[derive(Parser, Debug)]
#[command(name = "soak", version, about)]
struct Cli {
    /// Base URL of the server: http://127.0.0.1:PORT.
    #[arg(long)]
    url: String,
    /// The server's process id, whose /proc entries are sampled.
    #[arg(long)]
    pid: u32,
    /// A path to GET (repeatable, round-robin), such as /en/story/SLUG.
    #[arg(long = "path", value_name = "PATH", required = true)]
    paths: Vec<String>,
    /// The edition whose comments the posters add to.
    #[arg(long, value_name = "EDITION_ID", requires = "tokens")]
    post_comments: Option<u64>,
    /// A file with one bearer token (read + comment scopes) per line.
    #[arg(long, value_name = "FILE")]
    tokens: Option<PathBuf>,
    /// Reading connections.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u16).range(1..=i64::from(MAX_CONNECTIONS)))]
    connections: u16,
    /// Posting connections, beside the reading ones; each waits for its
    /// answer, so there must be enough for the rate at the latency reached.
    #[arg(long, default_value_t = 32)]
    posters: u16,
    /// Comments posted per second, over all posters.
    #[arg(long, default_value_t = 20.0)]
    post_rate: f64,
    /// How long to run (e.g. 10m, 90s; at most 60m).
    #[arg(long, default_value = "10m", value_parser = parse_duration)]
    duration: Duration,
    /// How often to sample and print a row.
    #[arg(long, default_value = "60s", value_parser = parse_duration)]
    interval: Duration,
    /// Longest one request may take before it counts as an error.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    timeout: Duration,
    /// Also write the rows as JSON to this file.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
}

/// Parses `20s`, `500ms`, `10m` or a bare number of seconds.
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
        .map_err(|_| format!("`{text}` is not a duration such as 20s or 10m"))?;
    if !value.is_finite() || value <= 0.0 {
        return Err(format!("`{text}` is not a positive duration"));
    }
    Duration::try_from_secs_f64(value * scale).map_err(|e| format!("`{text}`: {e}"))
}

/// The base URL, refused unless it is plain HTTP to 127.0.0.1.
fn loopback_base(raw: &str) -> anyhow::Result<Url> {
    let url = Url::parse(raw).with_context(|| format!("--url `{raw}` is not a URL"))?;
    if url.scheme() != "http" || url.host_str() != Some("127.0.0.1") || url.path() != "/" {
        bail!("--url must be http://127.0.0.1:PORT, the server's origin on this machine");
    }
    Ok(url)
}

fn target_url(base: &Url, path: &str) -> anyhow::Result<Url> {
    if !path.starts_with('/') || path.starts_with("//") || path.contains('\\') {
        bail!("--path `{path}` must be an absolute path such as /en/");
    }
    let url = base
        .join(path)
        .with_context(|| format!("--path `{path}`"))?;
    if url.origin() != base.origin() {
        bail!("--path `{path}` leads away from {base}");
    }
    Ok(url)
}

fn client(timeout: Duration) -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(Policy::none())
        .pool_max_idle_per_host(1)
        .connect_timeout(timeout)
        .resolve("localhost", SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .user_agent(concat!("khabar-soak/", env!("CARGO_PKG_VERSION")))
        .build()
        .context("building the HTTP client")
}

/// What one interval saw, over all connections.
struct Window {
    reads: Histogram<u32>,
    posts: Histogram<u32>,
    /// Reads answered other than 2xx, posts answered other than 201.
    unexpected: u64,
    /// Answers of 500 and above (also counted in `unexpected`).
    server_errors: u64,
    errors: u64,
    first_problem: Option<String>,
}

impl Window {
    fn new(template: &Histogram<u32>) -> Window {
        Window {
            reads: template.clone(),
            posts: template.clone(),
            unexpected: 0,
            server_errors: 0,
            errors: 0,
            first_problem: None,
        }
    }
}

/// An error with its causes: reqwest's own message names only the URL.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = format!("error: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// Sends one request, reads the body in full and records it in the window.
async fn exchange(
    window: &Mutex<Window>,
    request: reqwest::RequestBuilder,
    posting: bool,
    timeout: Duration,
) {
    let start = Instant::now();
    let outcome = tokio::time::timeout(timeout, async {
        let response = request.send().await?;
        let status = response.status().as_u16();
        let body = response.bytes().await?;
        Ok::<_, reqwest::Error>((status, body))
    })
    .await;
    let micros = u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX);
    let failed = {
        let Ok(mut window) = window.lock() else {
            return;
        };
        match outcome {
            Ok(Ok((status, body))) => {
                let histogram = if posting {
                    &mut window.posts
                } else {
                    &mut window.reads
                };
                histogram.saturating_record(micros.max(1));
                let expected = if posting {
                    status == 201
                } else {
                    (200..300).contains(&status)
                };
                if !expected {
                    window.unexpected += 1;
                    if status >= 500 {
                        window.server_errors += 1;
                    }
                    if window.first_problem.is_none() {
                        let start =
                            String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
                        window.first_problem = Some(format!("{status} {}", start.trim()));
                    }
                }
                false
            }
            Ok(Err(error)) => {
                window.errors += 1;
                window.first_problem.get_or_insert_with(|| chain(&error));
                true
            }
            Err(_) => {
                window.errors += 1;
                window
                    .first_problem
                    .get_or_insert(format!("no answer within {timeout:?}"));
                true
            }
        }
    };
    if failed {
        tokio::time::sleep(ERROR_BACKOFF).await;
    }
}

async fn reader(
    id: usize,
    urls: Arc<Vec<Url>>,
    window: Arc<Mutex<Window>>,
    cli: Arc<Cli>,
    deadline: Instant,
) {
    let Ok(client) = client(cli.timeout) else {
        return;
    };
    let mut next = id % urls.len();
    while Instant::now() < deadline {
        let request = client.get(urls[next].clone());
        next = (next + 1) % urls.len();
        exchange(&window, request, false, cli.timeout).await;
    }
}

/// A comment body distinct per poster, counter and run.
fn comment_body(id: usize, counter: u64, seed: u64) -> String {
    format!("soak comment {id}-{counter} {seed:016x}")
}

struct Posting {
    url: Url,
    tokens: Vec<HeaderValue>,
    every: Duration,
    seed: u64,
}

async fn poster(
    id: usize,
    posting: Arc<Posting>,
    window: Arc<Mutex<Window>>,
    cli: Arc<Cli>,
    deadline: Instant,
) {
    let Posting {
        url,
        tokens,
        every,
        seed,
    } = &*posting;
    let Ok(client) = client(cli.timeout) else {
        return;
    };
    let posters = usize::from(cli.posters).max(1);
    let mut ticks = tokio::time::interval(*every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut counter = 0u64;
    loop {
        ticks.tick().await;
        if Instant::now() >= deadline {
            break;
        }
        // Poster `id` of P uses tokens id, id+P, … in turn, spreading the
        // posts over every token (each may post 200 a day).
        let index = (id + posters * counter as usize) % tokens.len();
        let body = json!({ "body": comment_body(id, counter, *seed) });
        counter += 1;
        let request = client
            .post(url.clone())
            .header(AUTHORIZATION, tokens[index].clone())
            .json(&body);
        exchange(&window, request, true, cli.timeout).await;
    }
}

fn read_tokens(path: &std::path::Path) -> anyhow::Result<Vec<HeaderValue>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading --tokens {}", path.display()))?;
    let mut tokens = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let token = line.trim();
        if token.is_empty() || token.starts_with('#') {
            continue;
        }
        let mut value = HeaderValue::try_from(format!("Bearer {token}"))
            .map_err(|_| anyhow::anyhow!("--tokens: line {} is not a token", number + 1))?;
        value.set_sensitive(true);
        tokens.push(value);
    }
    if tokens.is_empty() {
        bail!("--tokens {} holds no token", path.display());
    }
    Ok(tokens)
}

/// The server's resident memory in KiB and its open descriptors.
fn sample_process(pid: u32) -> anyhow::Result<(u64, usize)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("process {pid} is gone"))?;
    let rss = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no VmRSS in /proc/PID/status")?;
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .context("reading /proc/PID/fd")?
        .count();
    Ok((rss, fds))
}

struct Row {
    at: Duration,
    rss_kib: u64,
    fds: usize,
    reads: u64,
    read_p50: f64,
    read_p99: f64,
    read_max: f64,
    posts: u64,
    post_p99: f64,
    unexpected: u64,
    server_errors: u64,
    errors: u64,
}

fn millis(histogram: &Histogram<u32>, quantile: f64) -> f64 {
    if histogram.is_empty() {
        0.0
    } else {
        histogram.value_at_quantile(quantile) as f64 / 1000.0
    }
}

fn row_of(at: Duration, (rss_kib, fds): (u64, usize), window: &Window) -> Row {
    Row {
        at,
        rss_kib,
        fds,
        reads: window.reads.len(),
        read_p50: millis(&window.reads, 0.5),
        read_p99: millis(&window.reads, 0.99),
        read_max: millis(&window.reads, 1.0),
        posts: window.posts.len(),
        post_p99: millis(&window.posts, 0.99),
        unexpected: window.unexpected,
        server_errors: window.server_errors,
        errors: window.errors,
    }
}

fn print_header() {
    println!(
        "{:>6}  {:>8}  {:>5}  {:>8}  {:>7}  {:>8}  {:>8}  {:>9}  {:>6}  {:>8}  {:>10}  {:>5}  {:>6}",
        "time",
        "RSS MiB",
        "fds",
        "reads",
        "read/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "posts",
        "post p99",
        "unexpected",
        "5xx",
        "errors"
    );
}

fn print_row(row: &Row, interval: Duration) {
    println!(
        "{:>5}s  {:>8.1}  {:>5}  {:>8}  {:>7.0}  {:>8.1}  {:>8.1}  {:>9.1}  {:>6}  {:>8.1}  {:>10}  {:>5}  {:>6}",
        row.at.as_secs(),
        row.rss_kib as f64 / 1024.0,
        row.fds,
        row.reads,
        row.reads as f64 / interval.as_secs_f64(),
        row.read_p50,
        row.read_p99,
        row.read_max,
        row.posts,
        row.post_p99,
        row.unexpected,
        row.server_errors,
        row.errors,
    );
}

async fn run(cli: Cli) -> anyhow::Result<Vec<Row>> {
    if cli.duration > MAX_DURATION {
        bail!("--duration must be at most {MAX_DURATION:?}");
    }
    if cli.timeout > MAX_TIMEOUT {
        bail!("--timeout must be at most {MAX_TIMEOUT:?}");
    }
    if cli.interval > cli.duration {
        bail!("--interval must not be longer than --duration");
    }
    if !(cli.post_rate.is_finite() && cli.post_rate >= 0.0) {
        bail!("--post-rate must be a non-negative number");
    }
    let base = loopback_base(&cli.url)?;
    let urls = cli
        .paths
        .iter()
        .map(|path| target_url(&base, path))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let urls = Arc::new(urls);
    let baseline = sample_process(cli.pid)?;
    let top = u64::try_from(MAX_TIMEOUT.as_micros()).unwrap_or(u64::MAX);
    let template = Histogram::<u32>::new_with_bounds(1, top, 3).context("latency histogram")?;
    let window = Arc::new(Mutex::new(Window::new(&template)));
    let start = Instant::now();
    let deadline = start + cli.duration;
    let interval = cli.interval;
    let cli = Arc::new(cli);

    let mut tasks = Vec::new();
    for id in 0..usize::from(cli.connections) {
        tasks.push(tokio::spawn(reader(
            id,
            Arc::clone(&urls),
            Arc::clone(&window),
            Arc::clone(&cli),
            deadline,
        )));
    }
    if let (Some(edition), Some(file)) = (cli.post_comments, &cli.tokens)
        && cli.posters > 0
        && cli.post_rate > 0.0
    {
        let posting = Arc::new(Posting {
            url: target_url(&base, &format!("/api/v1/editions/{edition}/comments"))?,
            tokens: read_tokens(file)?,
            every: Duration::from_secs_f64(f64::from(cli.posters) / cli.post_rate),
            seed: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or_default(),
        });
        for id in 0..usize::from(cli.posters) {
            tasks.push(tokio::spawn(poster(
                id,
                Arc::clone(&posting),
                Arc::clone(&window),
                Arc::clone(&cli),
                deadline,
            )));
        }
    }

    eprintln!(
        "soak: {} reading + {} posting connections for {:?}; the server had {:.1} MiB and {} fds before",
        cli.connections,
        cli.posters,
        cli.duration,
        baseline.0 as f64 / 1024.0,
        baseline.1
    );
    print_header();
    let mut rows = Vec::new();
    let mut ticks = tokio::time::interval_at(start + interval, interval);
    let mut first_problem = None;
    loop {
        ticks.tick().await;
        let now = Instant::now();
        let sample = sample_process(cli.pid)?;
        let fresh = Window::new(&template);
        let done = {
            let mut guard = window
                .lock()
                .map_err(|_| anyhow::anyhow!("a connection panicked"))?;
            std::mem::replace(&mut *guard, fresh)
        };
        if first_problem.is_none() {
            first_problem.clone_from(&done.first_problem);
        }
        let row = row_of(now - start, sample, &done);
        print_row(&row, interval);
        rows.push(row);
        if now + interval / 2 >= deadline {
            break;
        }
    }
    for task in tasks {
        task.await.context("a connection task failed")?;
    }
    if let Some(problem) = first_problem {
        println!("\nfirst unexpected answer or error: {problem}");
    }
    Ok(rows)
}

/// The verdict: the last interval against the second one.
fn summary(rows: &[Row]) -> String {
    let (Some(second), Some(last)) = (rows.get(1).or(rows.first()), rows.last()) else {
        return "no interval completed".into();
    };
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    format!(
        "from {}s to {}s: RSS {:.1} → {:.1} MiB (×{:.2}), fds {} → {} , read p99 {:.1} → {:.1} ms (×{:.2}); \
         over the whole run {} reads, {} posts, {} unexpected answers ({} of them 5xx), {} errors",
        second.at.as_secs(),
        last.at.as_secs(),
        second.rss_kib as f64 / 1024.0,
        last.rss_kib as f64 / 1024.0,
        ratio(last.rss_kib as f64, second.rss_kib as f64),
        second.fds,
        last.fds,
        second.read_p99,
        last.read_p99,
        ratio(last.read_p99, second.read_p99),
        rows.iter().map(|r| r.reads).sum::<u64>(),
        rows.iter().map(|r| r.posts).sum::<u64>(),
        rows.iter().map(|r| r.unexpected).sum::<u64>(),
        rows.iter().map(|r| r.server_errors).sum::<u64>(),
        rows.iter().map(|r| r.errors).sum::<u64>(),
    )
}

fn rows_json(rows: &[Row]) -> serde_json::Value {
    json!(
        rows.iter()
            .map(|r| json!({
                "at_s": r.at.as_secs(),
                "rss_kib": r.rss_kib,
                "fds": r.fds,
                "reads": r.reads,
                "read_p50_ms": r.read_p50,
                "read_p99_ms": r.read_p99,
                "read_max_ms": r.read_max,
                "posts": r.posts,
                "post_p99_ms": r.post_p99,
                "unexpected": r.unexpected,
                "server_errors": r.server_errors,
                "errors": r.errors,
            }))
            .collect::<Vec<_>>()
    )
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let json_file = cli.json.clone();
    match run(cli).await {
        Ok(rows) => {
            println!("\n{}", summary(&rows));
            if let Some(file) = json_file
                && let Err(error) = std::fs::write(&file, format!("{:#}\n", rows_json(&rows)))
            {
                eprintln!("soak: writing {}: {error}", file.display());
                return ExitCode::FAILURE;
            }
            if rows.iter().any(|r| r.server_errors > 0) {
                eprintln!("soak: the server answered 5xx");
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("soak: {error:#}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_loopback_origin() {
        assert!(loopback_base("http://127.0.0.1:8080").is_ok());
        for refused in [
            "http://10.0.0.1:8080",
            "https://127.0.0.1",
            "http://127.0.0.1/en/",
        ] {
            assert!(loopback_base(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert!(parse_duration("0s").is_err());
    }

    #[test]
    fn this_process_is_sampled() -> anyhow::Result<()> {
        let (rss, fds) = sample_process(std::process::id())?;
        assert!(rss > 0 && fds > 0);
        Ok(())
    }
}
