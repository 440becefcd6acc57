//! What one client can hold (issue 18): a head sent slowly and a silent
//! kept-alive connection are closed, one address gets a bounded number of
//! connections and live streams, the server stops accepting at its total
//! cap instead of running out of file descriptors, and a form past the
//! body limit is a 413 like a JSON body.

mod common;

use std::time::{Duration, Instant};

use common::spawn_app_with;
use khabar::{Config, Server};
use khabar_testkit::{TestDatabase, on_both_backends};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How long the test waits for the server to close a connection that a
/// one- or two-second limit should close: behaviour, not performance.
const PATIENCE: Duration = Duration::from_secs(8);

async fn connect(server: &Server) -> TcpStream {
    TcpStream::connect(server.addr())
        .await
        .expect("a connection")
}

/// Reads until the server closes the connection (or resets it); the time
/// that took, or none after `PATIENCE`.
async fn closed_within(stream: &mut TcpStream) -> Option<Duration> {
    let started = Instant::now();
    let mut buffer = [0u8; 4096];
    tokio::time::timeout(PATIENCE, async {
        while let Ok(read) = stream.read(&mut buffer).await
            && read > 0
        {}
    })
    .await
    .ok()
    .map(|()| started.elapsed())
}

/// Sends a GET on a kept-alive connection and reads its whole answer; the
/// status line.
async fn exchange(stream: &mut TcpStream, path: &str) -> String {
    let request = format!("GET {path} HTTP/1.1\r\nHost: khabar\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let read = tokio::time::timeout(PATIENCE, stream.read(&mut buffer))
            .await
            .expect("an answer in time")
            .expect("a readable answer");
        assert!(read > 0, "closed before answering");
        answer.extend_from_slice(&buffer[..read]);
        let text = String::from_utf8_lossy(&answer);
        if let Some(end) = text.find("\r\n\r\n") {
            let length: usize = text[..end]
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().ok())?
                })
                .unwrap_or(0);
            if answer.len() >= end + 4 + length {
                return text.lines().next().unwrap_or_default().to_owned();
            }
        }
    }
}

fn limits(config: &mut Config, adjust: impl FnOnce(&mut khabar_web::Limits)) {
    adjust(&mut config.limits);
}

/// A head trickled a byte at a time, and a connection that never sends
/// one, are closed once the header timeout passes; a kept-alive
/// connection that goes quiet after an answer likewise.
async fn slow_and_silent_connections_are_closed(db: &TestDatabase) {
    let server = spawn_app_with(db, false, |config| {
        limits(config, |limits| {
            limits.header_timeout = 1;
            limits.idle_timeout = 2;
        });
    })
    .await;

    let mut slow = connect(&server).await;
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: khabar\r\n")
        .await
        .unwrap();
    let trickle = async {
        for byte in b"X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if slow.write_all(&[*byte]).await.is_err() {
                break;
            }
        }
    };
    tokio::time::timeout(PATIENCE, trickle).await.ok();
    let mut silent = connect(&server).await;
    let mut kept = connect(&server).await;
    assert!(
        exchange(&mut kept, "/healthz")
            .await
            .starts_with("HTTP/1.1 200")
    );

    let (slow_closed, silent_closed, kept_closed) = tokio::join!(
        closed_within(&mut slow),
        closed_within(&mut silent),
        closed_within(&mut kept)
    );
    assert!(slow_closed.is_some(), "a trickled head kept its connection");
    assert!(silent_closed.is_some(), "a silent connection stayed open");
    assert!(
        kept_closed.is_some(),
        "an idle kept-alive connection stayed open"
    );
    server.stop().await.unwrap();
}

/// HTTP/2 (h2c) connections are closed when nothing moves for the idle
/// timeout, and when the handshake never completes.
async fn idle_http2_connections_are_closed(db: &TestDatabase) {
    let server = spawn_app_with(db, false, |config| {
        limits(config, |limits| {
            limits.header_timeout = 1;
            limits.idle_timeout = 2;
        });
    })
    .await;
    let mut preface_only = connect(&server).await;
    preface_only.write_all(b"PRI * HTTP/2.0\r\n").await.unwrap();

    let mut idle = connect(&server).await;
    let mut request = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
    // An empty SETTINGS frame, then GET /healthz (HPACK: :method GET,
    // :scheme http, :path and :authority literals) on stream 1.
    request.extend_from_slice(&[0, 0, 0, 0x4, 0, 0, 0, 0, 0]);
    let mut block = vec![0x82, 0x86, 0x04, 8];
    block.extend_from_slice(b"/healthz");
    block.extend_from_slice(&[0x01, 6]);
    block.extend_from_slice(b"khabar");
    request.extend_from_slice(&[0, 0, block.len() as u8, 0x1, 0x5, 0, 0, 0, 1]);
    request.extend_from_slice(&block);
    idle.write_all(&request).await.unwrap();

    let (preface_closed, idle_closed) =
        tokio::join!(closed_within(&mut preface_only), closed_within(&mut idle));
    assert!(
        preface_closed.is_some(),
        "an unfinished HTTP/2 preface stayed open"
    );
    assert!(
        idle_closed.is_some(),
        "an idle HTTP/2 connection stayed open"
    );
    server.stop().await.unwrap();
}

/// One address holds at most `connections_per_address` connections: the
/// next is closed at once, and once one closes a request works again.
async fn one_address_holds_a_bounded_number_of_connections(db: &TestDatabase) {
    let server = spawn_app_with(db, false, |config| {
        limits(config, |limits| limits.connections_per_address = 4);
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut stream = connect(&server).await;
        assert!(
            exchange(&mut stream, "/healthz")
                .await
                .starts_with("HTTP/1.1 200")
        );
        held.push(stream);
    }
    let mut fifth = connect(&server).await;
    let closed = closed_within(&mut fifth).await;
    assert!(
        closed.is_some_and(|took| took < Duration::from_secs(1)),
        "the fifth connection from one address was not closed at once: {closed:?}"
    );

    drop(held.pop());
    let served = async {
        loop {
            let mut stream = connect(&server).await;
            let request = b"GET /healthz HTTP/1.1\r\nHost: khabar\r\nConnection: close\r\n\r\n";
            let mut answer = String::new();
            if stream.write_all(request).await.is_ok()
                && stream.read_to_string(&mut answer).await.is_ok()
                && answer.starts_with("HTTP/1.1 200")
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(PATIENCE, served)
        .await
        .expect("a request once a connection was given back");
    server.stop().await.unwrap();
}

/// At `max_connections` the server stops accepting: a further client
/// waits (no answer, no file descriptor taken) and is served as soon as
/// another connection closes.
async fn at_the_total_cap_new_connections_wait(db: &TestDatabase) {
    let server = spawn_app_with(db, false, |config| {
        limits(config, |limits| limits.max_connections = 2);
    })
    .await;
    let mut first = connect(&server).await;
    let mut second = connect(&server).await;
    assert!(
        exchange(&mut first, "/healthz")
            .await
            .starts_with("HTTP/1.1 200")
    );
    assert!(
        exchange(&mut second, "/healthz")
            .await
            .starts_with("HTTP/1.1 200")
    );

    let mut third = connect(&server).await;
    third
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: khabar\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    let early = tokio::time::timeout(
        Duration::from_millis(500),
        third.read_to_string(&mut answer),
    )
    .await;
    assert!(early.is_err(), "answered past the cap: {answer}");

    drop(first);
    tokio::time::timeout(PATIENCE, third.read_to_string(&mut answer))
        .await
        .expect("served once a connection closed")
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    server.stop().await.unwrap();
}

/// One address may hold `live_streams_per_address` live streams; the next
/// is a 429 (a page's script retries later), on the shared stream, a
/// story's and the API's (code `too_many_streams`); closing one frees a
/// place.
async fn live_streams_per_address_are_capped(db: &TestDatabase) {
    let server = spawn_app_with(db, true, |config| {
        limits(config, |limits| limits.live_streams_per_address = 2);
    })
    .await;
    let base = server.base_url().to_owned();
    let (_, front) = common::get(&server, "/en/").await;
    let start = front.find("href=\"/en/story/").expect("a story link") + 6;
    let story = &front[start..start + front[start..].find('"').unwrap()];
    let story = story.split('#').next().unwrap().to_owned();
    let (_, page) = common::get(&server, &story).await;
    let edition: i64 = common::attribute(
        &page[page.find("data-edition=").unwrap() - 1..],
        "data-edition",
    )
    .and_then(|id| id.parse().ok())
    .expect("the edition's id on its page");

    let client = common::client();
    let open = |url: String| {
        let client = client.clone();
        async move { client.get(url).send().await.unwrap() }
    };
    let first = open(format!("{base}{story}/live")).await;
    let second = open(format!("{base}/live?editions={edition}")).await;
    assert_eq!(first.status(), 200);
    assert_eq!(second.status(), 200);

    let page_refused = open(format!("{base}{story}/live")).await;
    assert_eq!(page_refused.status(), 429);
    assert!(page_refused.headers().contains_key("retry-after"));
    let shared_refused = open(format!("{base}/live?editions={edition}")).await;
    assert_eq!(shared_refused.status(), 429);
    let api_refused = open(format!("{base}/api/v1/editions/{edition}/comments/stream")).await;
    assert_eq!(api_refused.status(), 429);
    let body: serde_json::Value = api_refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_many_streams", "{body}");

    drop(first);
    let reopened = async {
        loop {
            let again = open(format!("{base}/api/v1/editions/{edition}/comments/stream")).await;
            if again.status() == 200 {
                return again;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    let _third = tokio::time::timeout(PATIENCE, reopened)
        .await
        .expect("a stream once another closed");
    drop(second);
    server.stop().await.unwrap();
}

/// Behind a trusted proxy every reader arrives from its address: the
/// proxy is exempt from the per-address connection cap, and live streams
/// are counted per reader (`X-Forwarded-For`), not per proxy.
async fn a_trusted_proxy_is_counted_per_reader(db: &TestDatabase) {
    let server = spawn_app_with(db, true, |config| {
        config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
        limits(config, |limits| {
            limits.connections_per_address = 2;
            limits.live_streams_per_address = 1;
        });
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut stream = connect(&server).await;
        assert!(
            exchange(&mut stream, "/healthz")
                .await
                .starts_with("HTTP/1.1 200")
        );
        held.push(stream);
    }
    let (_, front) = common::get(&server, "/en/").await;
    let start = front.find("href=\"/en/story/").expect("a story link") + 6;
    let story = front[start..start + front[start..].find('"').unwrap()]
        .split('#')
        .next()
        .unwrap()
        .to_owned();
    let live = format!("{}{story}/live", server.base_url());
    let client = common::client();
    let open = |reader: &'static str| client.get(&live).header("X-Forwarded-For", reader).send();
    let first = open("203.0.113.7").await.unwrap();
    assert_eq!(first.status(), 200);
    assert_eq!(open("203.0.113.7").await.unwrap().status(), 429);
    let other = open("198.51.100.4").await.unwrap();
    assert_eq!(other.status(), 200, "another reader behind the same proxy");
    drop((first, other, held));
    server.stop().await.unwrap();
}

/// A form past the body limit is a 413 (the error page), as a JSON body
/// past it is on the API (`body_too_large`), not a 400 "unreadable form".
async fn a_huge_form_is_too_large(db: &TestDatabase) {
    let server = spawn_app_with(db, false, |_| {}).await;
    let form = format!("login=someone&password={}", "x".repeat(10 * 1024 * 1024));
    for path in ["/en/signin", "/en/signup"] {
        let answer = post_raw(&server, path, form.as_bytes()).await;
        assert!(
            answer.starts_with("HTTP/1.1 413"),
            "POST {path}: {answer:.200}"
        );
        assert!(
            answer.contains("<h1>That was too much to send</h1>"),
            "{answer}"
        );
    }
    server.stop().await.unwrap();
}

/// POSTs a form on a raw connection, reading the answer while the body is
/// still being written: the server answers once it has read past its
/// limit and closes, and a client that stops at its failed write (as
/// reqwest does) would miss the answer.
async fn post_raw(server: &Server, path: &str, body: &[u8]) -> String {
    let stream = connect(server).await;
    let (mut reader, mut writer) = stream.into_split();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: khabar\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    let body = body.to_vec();
    let writing = tokio::spawn(async move {
        let _ = writer.write_all(head.as_bytes()).await;
        let _ = writer.write_all(&body).await;
        writer
    });
    let mut answer = Vec::new();
    let mut buffer = [0u8; 8192];
    let _ = tokio::time::timeout(PATIENCE, async {
        while let Ok(read) = reader.read(&mut buffer).await
            && read > 0
        {
            answer.extend_from_slice(&buffer[..read]);
        }
    })
    .await;
    writing.abort();
    String::from_utf8_lossy(&answer).into_owned()
}

on_both_backends!(
    slow_and_silent_connections_are_closed,
    idle_http2_connections_are_closed,
    one_address_holds_a_bounded_number_of_connections,
    at_the_total_cap_new_connections_wait,
    live_streams_per_address_are_capped,
    a_trusted_proxy_is_counted_per_reader,
    a_huge_form_is_too_large,
);

/// `durability = "power-loss"` makes every commit survive a power loss:
/// SQLite syncs each commit (`synchronous` 2, FULL, where the default is
/// 1, NORMAL) and PostgreSQL sessions commit synchronously even on a
/// server whose default says otherwise.
async fn power_loss_durability_syncs_every_commit(db: &TestDatabase) {
    let postgres = db.url().starts_with("postgres");
    // A server configured to acknowledge before the WAL reaches the disk.
    let lax_url = match postgres {
        true => format!(
            "{}{}options=-c%20synchronous_commit%3Doff",
            db.url(),
            if db.url().contains('?') { "&" } else { "?" }
        ),
        false => db.url().to_owned(),
    };
    let (lax, strict) = if postgres { ("off", "on") } else { ("1", "2") };
    for (durability, expected) in [
        (khabar_store::Durability::ProcessCrash, lax),
        (khabar_store::Durability::PowerLoss, strict),
    ] {
        let server = spawn_app_with(db, false, |config| {
            config.database_url = Some(lax_url.clone());
            config.durability = durability;
        })
        .await;
        let sync = server.store().commit_sync().await.unwrap();
        assert_eq!(sync, expected, "{durability:?}");
        server.stop().await.unwrap();
    }
}

on_both_backends!(power_loss_durability_syncs_every_commit);
