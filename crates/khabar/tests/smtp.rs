//! The mailer speaks SMTP to a configured server: here a minimal one on
//! loopback that records what it is sent.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Agent, spawn_app_with};
use khabar_testkit::{TestDatabase, on_both_backends};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// Accepts SMTP sessions on 127.0.0.1 and keeps each message's DATA.
async fn fake_smtp_server() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let store = received.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let store = store.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 fake ESMTP\r\n").await;
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            store.lock().unwrap().push(data.take().unwrap_or_default());
                            let _ = write.write_all(b"250 queued\r\n").await;
                        } else {
                            body.push_str(&line);
                            body.push('\n');
                        }
                        continue;
                    }
                    let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 fake\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    let _ = write.write_all(reply).await;
                }
            });
        }
    });
    (port, received)
}

async fn verification_mail_goes_out_over_smtp(db: &TestDatabase) {
    let (port, received) = fake_smtp_server().await;
    let server = spawn_app_with(db, false, |config| {
        config.mail.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        config.mail.from = "Khabar Desk <desk@news.example>".into();
    })
    .await;
    let mut reader = Agent::new(&server);
    reader
        .submit(
            "/en/signup",
            "/en/signup",
            &[
                ("username", "mona"),
                ("email", "mona@news.example"),
                ("password", "harbour lights at dusk"),
            ],
        )
        .await;
    let mut message = None;
    for _ in 0..100 {
        if let Some(first) = received.lock().unwrap().first() {
            message = Some(first.clone());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let message = message.expect("a message reached the SMTP server within 10 s");
    assert!(
        message.contains("From: \"Khabar Desk\" <desk@news.example>")
            || message.contains("From: Khabar Desk <desk@news.example>"),
        "{message}"
    );
    assert!(message.contains("To: mona@news.example"));
    assert!(message.contains("multipart/alternative"));
    let sent = server.store().emails_to("mona@news.example").await.unwrap();
    for _ in 0..200 {
        if server.store().emails_to("mona@news.example").await.unwrap()[0].2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        server.store().emails_to("mona@news.example").await.unwrap()[0].2,
        "marked sent: {sent:?}"
    );
    assert!(
        !db.dir().join("mail").exists(),
        "nothing written to files when SMTP is set"
    );
    server.stop().await.unwrap();
}

on_both_backends!(verification_mail_goes_out_over_smtp);
