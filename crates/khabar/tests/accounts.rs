//! Accounts through the real server: sign-up, sign-in, sign-out, sessions,
//! and the attacks a site with heated discussion must expect — on SQLite
//! and on PostgreSQL.

mod common;

use common::{Agent, spawn_app, spawn_app_with};
use khabar_core::{Role, Username};
use khabar_testkit::{TestDatabase, on_both_backends};

const PASSWORD: &str = "harbour lights at dusk";

async fn sign_up(agent: &mut Agent<'_>, lang: &str, username: &str, email: &str) -> common::Answer {
    agent
        .submit(
            &format!("/{lang}/signup"),
            &format!("/{lang}/signup"),
            &[
                ("username", username),
                ("display_name", username),
                ("email", email),
                ("password", PASSWORD),
            ],
        )
        .await
}

async fn user_exists(server: &khabar::Server, username: &str) -> bool {
    let key = Username::parse(username)
        .map(|u| u.key())
        .unwrap_or_default();
    server
        .store()
        .credentials(&key, "")
        .await
        .unwrap()
        .is_some()
}

async fn a_reader_signs_up_signs_out_and_back_in(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let mut reader = Agent::new(&server);
    let answer = sign_up(&mut reader, "ar", "ليلى", "layla@news.example").await;
    assert_eq!(
        (answer.status, answer.location.as_deref()),
        (303, Some("/ar/welcome"))
    );
    let session_cookie = answer
        .set_cookies
        .iter()
        .find(|c| c.starts_with("khabar_session="))
        .expect("a session cookie");
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(session_cookie.contains(flag), "{session_cookie}");
    }
    assert!(!session_cookie.contains("Secure"), "plain http in tests");

    // The welcome says what to do next and leads on, not to the settings.
    let welcome = reader.get("/ar/welcome").await;
    assert_eq!(welcome.status, 200);
    assert!(welcome.body.contains("أكّد بريدك الإلكتروني"));
    assert!(welcome.body.contains("layla@news.example"));
    assert!(
        welcome
            .body
            .contains("href=\"/ar/\">الانتقال إلى الصفحة الأولى")
    );

    let account = reader.get("/ar/account").await;
    assert_eq!(account.status, 200);
    assert!(account.body.contains("<bdi>ليلى</bdi>"));
    assert!(account.body.contains("layla@news.example"));

    // Sign out: the cookie goes and the old session no longer works.
    let old_session = reader.cookie("khabar_session").unwrap().to_owned();
    let home = reader.get("/ar/").await;
    let token = common::form_token(&home.body).expect("the sign-out form");
    let out = reader.post("/ar/signout", &[("csrf_token", &token)]).await;
    assert_eq!(out.status, 303);
    assert!(reader.cookie("khabar_session").is_none());
    let mut replay = Agent::new(&server);
    replay.set_cookie("khabar_session", &old_session);
    assert_eq!(
        replay.get("/ar/account").await.location.as_deref(),
        Some("/ar/signin")
    );

    // Back in, by email or by a differently-cased username.
    for login in ["layla@news.example", "ليلى"] {
        let mut agent = Agent::new(&server);
        let answer = agent
            .submit(
                "/en/signin",
                "/en/signin",
                &[("login", login), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(
            (answer.status, answer.location.as_deref()),
            (303, Some("/en/")),
            "{login}"
        );
        assert_eq!(agent.get("/en/account").await.status, 200);
    }
    server.stop().await.unwrap();
}

async fn forms_without_a_valid_token_change_nothing(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let fields = [
        ("username", "samer"),
        ("email", "samer@news.example"),
        ("password", PASSWORD),
    ];

    // No token, a made-up token, and another browser's token.
    let mut agent = Agent::new(&server);
    agent.get("/en/signup").await;
    assert_eq!(agent.post("/en/signup", &fields).await.status, 403);
    let mut with_wrong = fields.to_vec();
    with_wrong.push((
        "csrf_token",
        "khf_0000000000000000000000000000000000000000000000000000000000000000",
    ));
    assert_eq!(agent.post("/en/signup", &with_wrong).await.status, 403);
    let mut other = Agent::new(&server);
    let token = common::form_token(&other.get("/en/signup").await.body).unwrap();
    let mut with_other = fields.to_vec();
    with_other.push(("csrf_token", &token));
    assert_eq!(agent.post("/en/signup", &with_other).await.status, 403);

    // The right token from another site's page.
    let mut cross_site = Agent::new(&server);
    cross_site.origin = Some("https://evil.example".into());
    let answer = cross_site.submit("/en/signup", "/en/signup", &fields).await;
    assert_eq!(answer.status, 403);
    assert!(answer.body.contains("This request was refused"));
    assert!(!user_exists(&server, "samer").await, "nothing was created");

    // Signed in, the sign-out form needs the session's token.
    let mut reader = Agent::new(&server);
    sign_up(&mut reader, "en", "samer", "samer@news.example").await;
    assert_eq!(
        reader
            .post("/en/signout", &[("csrf_token", "nope")])
            .await
            .status,
        403
    );
    assert_eq!(
        reader.get("/en/account").await.status,
        200,
        "still signed in"
    );
    server.stop().await.unwrap();
}

async fn a_planted_session_is_never_promoted(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let mut owner = Agent::new(&server);
    sign_up(&mut owner, "en", "victim", "victim@news.example").await;

    // An attacker plants a session id of their choosing before sign-in.
    let planted = format!("khs_{}", "ab".repeat(32));
    let mut victim = Agent::new(&server);
    victim.set_cookie("khabar_session", &planted);
    let answer = victim
        .submit(
            "/en/signin",
            "/en/signin",
            &[("login", "victim"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(answer.status, 303);
    let fresh = victim.cookie("khabar_session").unwrap().to_owned();
    assert_ne!(fresh, planted, "sign-in issues a new session id");
    let mut attacker = Agent::new(&server);
    attacker.set_cookie("khabar_session", &planted);
    assert_eq!(
        attacker.get("/en/account").await.location.as_deref(),
        Some("/en/signin")
    );

    // Signing in again from a signed-in browser replaces its session too.
    let token = common::form_token(&victim.get("/en/").await.body).unwrap();
    let again = victim
        .post(
            "/en/signin",
            &[
                ("csrf_token", &token),
                ("login", "victim"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(again.status, 303);
    let newest = victim.cookie("khabar_session").unwrap().to_owned();
    assert_ne!(newest, fresh);
    let mut stale = Agent::new(&server);
    stale.set_cookie("khabar_session", &fresh);
    assert_eq!(
        stale.get("/en/account").await.location.as_deref(),
        Some("/en/signin")
    );
    assert!(
        victim
            .get("/en/account")
            .await
            .body
            .contains("<bdi>victim</bdi>")
    );
    server.stop().await.unwrap();
}

async fn password_guessing_is_slowed_then_blocked(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let mut owner = Agent::new(&server);
    sign_up(&mut owner, "en", "nadine", "nadine@news.example").await;

    let mut guesser = Agent::new(&server);
    let mut unknown = Agent::new(&server);
    for attempt in 1..=5 {
        let wrong = guesser
            .submit(
                "/en/signin",
                "/en/signin",
                &[("login", "nadine"), ("password", "guess number one")],
            )
            .await;
        assert_eq!(wrong.status, 401, "attempt {attempt}");
        // No enumeration: an unknown account answers alike.
        let missing = unknown
            .submit(
                "/en/signin",
                "/en/signin",
                &[("login", "nobody-here"), ("password", "guess number one")],
            )
            .await;
        assert_eq!(missing.status, 401);
        let message = |body: &str| body.contains("That username or password is not right.");
        assert!(message(&wrong.body) && message(&missing.body));
    }
    // Now even the right password waits.
    let blocked = guesser
        .submit(
            "/en/signin",
            "/en/signin",
            &[("login", "nadine"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(blocked.status, 429);
    let retry: u64 = blocked.retry_after.as_deref().unwrap().parse().unwrap();
    assert!((1..=15).contains(&retry), "{retry}");
    assert!(blocked.body.contains("Too many attempts"));
    let arabic = guesser
        .submit(
            "/ar/signin",
            "/ar/signin",
            &[("login", "nadine"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(arabic.status, 429);
    assert!(arabic.body.contains("محاولات كثيرة"));
    server.stop().await.unwrap();
}

async fn one_counter_per_account_whatever_name_is_typed(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let mut owner = Agent::new(&server);
    sign_up(&mut owner, "en", "yara", "yara@news.example").await;
    let mut guesser = Agent::new(&server);
    for login in [
        "yara",
        "YARA",
        "yara@news.example",
        "Yara@News.example",
        "yara",
    ] {
        let answer = guesser
            .submit(
                "/en/signin",
                "/en/signin",
                &[("login", login), ("password", "a wrong guess")],
            )
            .await;
        assert_eq!(answer.status, 401, "{login}");
    }
    let blocked = guesser
        .submit(
            "/en/signin",
            "/en/signin",
            &[("login", "yara@news.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(
        blocked.status, 429,
        "the email shares the username's counter"
    );

    // Many guesses at once: the ones beyond the free allowance wait their turn.
    let mut other = Agent::new(&server);
    sign_up(&mut other, "en", "omar", "omar@news.example").await;
    let attempts = (0..12).map(|_| {
        let base = server.base_url().to_owned();
        tokio::spawn(async move {
            common::client()
                .post(format!("{base}/api/v1/auth/signin"))
                .json(&serde_json::json!({ "login": "omar", "password": "a wrong guess" }))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        })
    });
    let mut verified = 0;
    for attempt in attempts {
        match attempt.await.unwrap() {
            401 => verified += 1,
            429 => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert!(verified <= 6, "{verified} parallel guesses were checked");
    server.stop().await.unwrap();
}

async fn hostile_sign_in_input_never_fails_the_server(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let long = "ش".repeat(3_000);
    for login in [
        "a\u{0}b",
        "\u{0}",
        long.as_str(),
        "x@y\u{1}.example",
        "%00",
        "' OR 1=1 --",
    ] {
        let mut agent = Agent::new(&server);
        let answer = agent
            .submit(
                "/en/signin",
                "/en/signin",
                &[("login", login), ("password", "whatever it is")],
            )
            .await;
        assert_eq!(answer.status, 401, "{login:?}");
        let api = common::client()
            .post(format!("{}/api/v1/auth/signin", server.base_url()))
            .json(&serde_json::json!({ "login": login, "password": "whatever it is" }))
            .send()
            .await
            .unwrap();
        assert_eq!(api.status(), 401, "{login:?}");
        let reset = common::client()
            .post(format!("{}/api/v1/auth/password-reset", server.base_url()))
            .json(&serde_json::json!({ "email": login }))
            .send()
            .await
            .unwrap();
        assert_eq!(reset.status(), 422, "{login:?}");
    }
    server.stop().await.unwrap();
}

async fn bad_usernames_and_inputs_get_clear_answers(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let mut first = Agent::new(&server);
    sign_up(&mut first, "en", "layla", "layla@news.example").await;
    let long = "x".repeat(10_000);
    let cases: Vec<(&str, &str, &str, &str)> = vec![
        // A Cyrillic а among Latin letters: refused for mixing scripts.
        ("lаyla", "cyr@news.example", "en", "one alphabet"),
        ("Layla", "case@news.example", "en", "looks just like it"),
        ("аdmin", "adm@news.example", "en", "reserved"),
        ("مُشرِف", "mod@news.example", "ar", "محجوز"),
        (
            "lay\u{202E}al",
            "bidi@news.example",
            "en",
            "no spaces, symbols or emoji",
        ),
        ("layla_ليلى", "mixed@news.example", "ar", "لا الاثنتين معًا"),
        (&long, "long@news.example", "en", "at most 32 characters"),
        ("samira", "not-an-email", "en", "not an email address"),
    ];
    for (username, email, lang, expected) in cases {
        let mut agent = Agent::new(&server);
        let answer = sign_up(&mut agent, lang, username, email).await;
        assert_eq!(answer.status, 422, "{username:?} {email}");
        assert!(
            answer.body.contains(expected),
            "{username:?}: no “{expected}”"
        );
        assert!(answer.body.contains("aria-invalid=\"true\"") || expected.contains("email"));
    }
    // A weak password, and a form of nonsense.
    let mut agent = Agent::new(&server);
    let weak = agent
        .submit(
            "/en/signup",
            "/en/signup",
            &[
                ("username", "samira"),
                ("email", "s@news.example"),
                ("password", "password123"),
            ],
        )
        .await;
    assert_eq!(weak.status, 422);
    assert!(weak.body.contains("too easy to guess"));
    let garbage = agent
        .post("/en/signup", &[("username", "\u{0}\u{1}")])
        .await;
    assert!(
        garbage.status == 403 || garbage.status == 400,
        "{}",
        garbage.status
    );

    // SQL metacharacters are just characters.
    let mut quoted = Agent::new(&server);
    let answer = quoted
        .submit(
            "/en/signup",
            "/en/signup",
            &[
                ("username", "obrien"),
                ("display_name", "O'Brien'); DROP TABLE users;--"),
                ("email", "o'brien@news.example"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(answer.status, 303);
    let account = quoted.get("/en/account").await.body;
    assert!(account.contains("O&#39;Brien&#39;); DROP TABLE users;--"));
    assert!(user_exists(&server, "layla").await);
    server.stop().await.unwrap();
}

async fn a_reader_ends_a_session_elsewhere(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let mut laptop = Agent::new(&server);
    sign_up(&mut laptop, "en", "hala", "hala@news.example").await;
    let mut phone = Agent::new(&server);
    phone
        .submit(
            "/en/signin",
            "/en/signin",
            &[("login", "hala"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(phone.get("/en/account").await.status, 200);

    let page = laptop.get("/en/account").await.body;
    assert!(page.contains("This browser"));
    let token = common::form_token(&page).unwrap();
    let marker = "name=\"session\" value=\"";
    let start = page.find(marker).expect("another session listed") + marker.len();
    let other = &page[start..start + 16];
    let answer = laptop
        .post(
            "/en/account/sessions/end",
            &[("csrf_token", &token), ("session", other)],
        )
        .await;
    assert_eq!(answer.status, 303);
    assert_eq!(
        phone.get("/en/account").await.location.as_deref(),
        Some("/en/signin")
    );
    assert_eq!(laptop.get("/en/account").await.status, 200);
    server.stop().await.unwrap();
}

async fn the_mailer_writes_messages_when_no_smtp_is_set(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let mut reader = Agent::new(&server);
    sign_up(&mut reader, "ar", "ليلى", "layla@news.example").await;
    let folder = db.dir().join("mail");
    let mut found = None;
    for _ in 0..100 {
        if let Some(entry) = std::fs::read_dir(&folder).ok().and_then(|mut d| d.next()) {
            found = Some(std::fs::read_to_string(entry.unwrap().path()).unwrap());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let eml = found.expect("an .eml file within 10 s");
    assert!(eml.contains("To: layla@news.example"), "{eml}");
    assert!(eml.contains("multipart/alternative"));
    assert!(
        eml.contains("dir=3D\"rtl\"") || eml.contains("dir=\"rtl\""),
        "the HTML part reads right to left"
    );
    let sent = server
        .store()
        .emails_to("layla@news.example")
        .await
        .unwrap();
    assert!(sent[0].2, "marked sent");
    server.stop().await.unwrap();
}

async fn account_changes_need_the_password(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let mut laptop = Agent::new(&server);
    sign_up(&mut laptop, "en", "rami", "rami@news.example").await;
    let mut phone = Agent::new(&server);
    phone
        .submit(
            "/en/signin",
            "/en/signin",
            &[("login", "rami"), ("password", PASSWORD)],
        )
        .await;

    let wrong = laptop
        .submit(
            "/en/account",
            "/en/account/password",
            &[
                ("current_password", "not it at all"),
                ("password", "a fresh passphrase"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("Your current password is not right."));
    let changed = laptop
        .submit(
            "/en/account",
            "/en/account/password",
            &[
                ("current_password", PASSWORD),
                ("password", "a fresh passphrase"),
            ],
        )
        .await;
    assert_eq!(
        changed.location.as_deref(),
        Some("/en/account?changed=password")
    );
    assert!(
        laptop
            .get("/en/account?changed=password")
            .await
            .body
            .contains("You were signed out everywhere else.")
    );
    assert_eq!(
        phone.get("/en/account").await.location.as_deref(),
        Some("/en/signin"),
        "other sessions ended"
    );

    let email = laptop
        .submit(
            "/en/account",
            "/en/account/email",
            &[
                ("current_password", "a fresh passphrase"),
                ("email", "rami@elsewhere.example"),
            ],
        )
        .await;
    assert_eq!(email.status, 303);
    let page = laptop.get("/en/account").await.body;
    assert!(page.contains("rami@elsewhere.example") && page.contains("not yet confirmed"));
    assert_eq!(
        server
            .store()
            .emails_to("rami@elsewhere.example")
            .await
            .unwrap()
            .len(),
        1
    );

    let export = laptop.get("/en/account/export").await;
    assert_eq!(export.status, 200);
    assert!(export.body.contains("\"username\": \"rami\""));
    assert!(!export.body.contains("argon2"));

    let deleted = laptop
        .submit(
            "/en/account",
            "/en/account/delete",
            &[("current_password", "a fresh passphrase")],
        )
        .await;
    assert_eq!(deleted.status, 200);
    assert!(deleted.body.contains("Your account was deleted"));
    assert_eq!(
        laptop.get("/en/account").await.location.as_deref(),
        Some("/en/signin")
    );
    let mut again = Agent::new(&server);
    let signin = again
        .submit(
            "/en/signin",
            "/en/signin",
            &[
                ("login", "rami@elsewhere.example"),
                ("password", "a fresh passphrase"),
            ],
        )
        .await;
    assert_eq!(signin.status, 401);
    server.stop().await.unwrap();
}

async fn reset_by_email_link_in_the_browser_forms(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let mut owner = Agent::new(&server);
    sign_up(&mut owner, "ar", "نادين", "nadine@news.example").await;
    let mut someone = Agent::new(&server);
    let known = someone
        .submit(
            "/ar/reset",
            "/ar/reset",
            &[("email", "nadine@news.example")],
        )
        .await;
    let unknown = someone
        .submit("/ar/reset", "/ar/reset", &[("email", "ghost@news.example")])
        .await;
    assert_eq!((known.status, unknown.status), (200, 200));
    assert_eq!(
        known
            .body
            .replace(&common::form_token(&known.body).unwrap_or_default(), ""),
        unknown
            .body
            .replace(&common::form_token(&unknown.body).unwrap_or_default(), ""),
        "same answer"
    );
    let mut link = None;
    for _ in 0..200 {
        let emails = server
            .store()
            .emails_to("nadine@news.example")
            .await
            .unwrap();
        if let Some((_, body, _)) = emails
            .iter()
            .find(|(subject, _, _)| subject.contains("كلمة مرور جديدة"))
        {
            let start = body.find("/ar/reset/").unwrap();
            link = Some(body[start..start + 10 + 68].to_owned());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let link = link.expect("a reset email in Arabic");
    let answer = someone
        .submit(&link, &link, &[("password", "a new harbour passphrase")])
        .await;
    assert_eq!(answer.status, 200);
    assert!(answer.body.contains("غُيّرت كلمة مرورك"));
    assert_eq!(
        owner.get("/ar/account").await.location.as_deref(),
        Some("/ar/signin")
    );
    let reused = someone
        .submit(&link, &link, &[("password", "yet another passphrase")])
        .await;
    assert_eq!(reused.status, 410);
    server.stop().await.unwrap();
}

async fn sign_ups_and_resets_are_rate_limited(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    for n in 1..=10 {
        let mut agent = Agent::new(&server);
        let answer = sign_up(
            &mut agent,
            "en",
            &format!("reader{n}"),
            &format!("reader{n}@news.example"),
        )
        .await;
        assert_eq!(answer.status, 303, "sign-up {n}");
    }
    let mut eleventh = Agent::new(&server);
    let answer = sign_up(&mut eleventh, "ar", "reader11", "reader11@news.example").await;
    assert_eq!(answer.status, 429);
    assert!(answer.retry_after.is_some());
    assert!(answer.body.contains("محاولات كثيرة"));

    let mut someone = Agent::new(&server);
    for n in 1..=3 {
        let answer = someone
            .submit(
                "/en/reset",
                "/en/reset",
                &[("email", "reader1@news.example")],
            )
            .await;
        assert_eq!(answer.status, 200, "reset {n}");
    }
    let answer = someone
        .submit(
            "/en/reset",
            "/en/reset",
            &[("email", "reader1@news.example")],
        )
        .await;
    assert_eq!(answer.status, 429);
    server.stop().await.unwrap();
}

/// The first link in `html` whose address starts with `prefix`.
fn link(html: &str, prefix: &str) -> String {
    let needle = format!("href=\"{prefix}");
    let start = html
        .find(&needle)
        .unwrap_or_else(|| panic!("no link to {prefix}"))
        + "href=\"".len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_owned()
}

async fn signing_in_or_up_from_a_discussion_returns_to_the_comment_box(db: &TestDatabase) {
    let server = spawn_app(db, true).await;
    let mut reader = Agent::new(&server);
    let story = link(&reader.get("/ar/").await.body, "/ar/story/");
    let story = story.split('#').next().unwrap().to_owned();
    let back = format!("{story}#new-comment");

    // The thread offers both, each carrying the way back to its comment box.
    let thread = reader.get(&story).await.body;
    let sign_up_link = link(&thread, "/ar/signup?next=");
    let sign_in_link = link(&thread, "/ar/signin?next=");
    let hidden = format!("name=\"next\" value=\"{back}\"");
    let form = reader.get(&sign_up_link).await.body;
    assert!(form.contains(&hidden), "{sign_up_link}");
    assert!(reader.get(&sign_in_link).await.body.contains(&hidden));

    // Signing up lands on the welcome, which leads back to the story.
    let answer = reader
        .submit(
            &sign_up_link,
            "/ar/signup",
            &[
                ("username", "سلمى"),
                ("email", "salma@news.example"),
                ("password", PASSWORD),
                ("next", &back),
            ],
        )
        .await;
    assert_eq!(answer.status, 303);
    let welcome = answer.location.expect("a redirect");
    assert!(welcome.starts_with("/ar/welcome?next="), "{welcome}");
    let page = reader.get(&welcome).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(&format!("href=\"{back}\"")),
        "{}",
        page.body
    );
    assert!(page.body.contains("العودة إلى الخبر"));
    // There the comment box waits under the anchor the link names.
    assert!(reader.get(&story).await.body.contains("id=\"new-comment\""));

    // Signing in returns straight to the story.
    let mut elsewhere = Agent::new(&server);
    let answer = elsewhere
        .submit(
            &sign_in_link,
            "/ar/signin",
            &[("login", "سلمى"), ("password", PASSWORD), ("next", &back)],
        )
        .await;
    assert_eq!(
        (answer.status, answer.location.as_deref()),
        (303, Some(back.as_str()))
    );
    // Already signed in, the form sends the reader on at once.
    assert_eq!(
        elsewhere.get(&sign_in_link).await.location.as_deref(),
        Some(back.as_str())
    );
    server.stop().await.unwrap();
}

async fn return_paths_to_other_sites_are_refused(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let mut owner = Agent::new(&server);
    sign_up(&mut owner, "en", "nour", "nour@news.example").await;
    let attempts = [
        "//evil.example",
        "https:evil.example",
        "/\\evil.example",
        "/%2F%2Fevil.example",
        "%2F%2Fevil.example",
        "https://evil.example",
        "javascript:alert(1)",
    ];
    for next in attempts {
        let query = format!("?next={}", common::segment(next));
        let mut agent = Agent::new(&server);
        let form = agent.get(&format!("/en/signin{query}")).await.body;
        assert!(!form.contains("name=\"next\""), "{next}: not carried on");
        let answer = agent
            .submit(
                "/en/signin",
                "/en/signin",
                &[("login", "nour"), ("password", PASSWORD), ("next", next)],
            )
            .await;
        assert_eq!(
            (answer.status, answer.location.as_deref()),
            (303, Some("/en/")),
            "{next}"
        );
        let welcome = agent.get(&format!("/en/welcome{query}")).await.body;
        assert!(welcome.contains("href=\"/en/\""), "{next}");
        assert!(!welcome.contains("evil") && !welcome.contains("javascript:"));
    }
    // Sign-up falls back to the plain welcome.
    for next in ["//evil.example", "/%2F%2Fevil.example"] {
        let mut agent = Agent::new(&server);
        let name = format!("reader{}", next.len());
        let answer = agent
            .submit(
                "/en/signup",
                "/en/signup",
                &[
                    ("username", &name),
                    ("email", &format!("{name}@news.example")),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(answer.location.as_deref(), Some("/en/welcome"), "{next}");
    }
    server.stop().await.unwrap();
}

async fn forms_report_every_problem_at_once_and_keep_what_was_typed(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let mut agent = Agent::new(&server);
    let answer = agent
        .submit(
            "/en/signup",
            "/en/signup",
            &[
                ("username", "x"),
                ("display_name", "Xavier"),
                ("email", "not-an-email"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(answer.status, 422);
    for message in [
        "A username needs at least 3 characters.",
        "That is not an email address.",
        "A password needs at least 10 characters.",
    ] {
        assert!(answer.body.contains(message), "no “{message}”");
    }
    assert_eq!(answer.body.matches("aria-invalid=\"true\"").count(), 3);
    for kept in ["value=\"x\"", "value=\"Xavier\"", "value=\"not-an-email\""] {
        assert!(answer.body.contains(kept), "{kept}");
    }
    assert!(
        !answer.body.contains("value=\"short\""),
        "never the password"
    );

    // Refused for another reason, the password comes back empty and says so.
    sign_up(
        &mut Agent::new(&server),
        "en",
        "karim",
        "karim@news.example",
    )
    .await;
    let taken = sign_up(&mut agent, "ar", "karim", "other@news.example").await;
    assert_eq!(taken.status, 422);
    assert!(taken.body.contains("value=\"other@news.example\""));
    assert!(taken.body.contains("لم نحتفظ بكلمة المرور"));
    assert!(!taken.body.contains(PASSWORD));

    // Sign-in names each empty field; a wrong pair keeps the login.
    let empty = agent
        .submit(
            "/en/signin",
            "/en/signin",
            &[("login", ""), ("password", "")],
        )
        .await;
    assert_eq!(empty.status, 422);
    assert!(
        empty
            .body
            .contains("Please type your username or email address.")
    );
    assert!(empty.body.contains("Please type your password."));
    let wrong = agent
        .submit(
            "/en/signin",
            "/en/signin",
            &[("login", "karim"), ("password", "not the one")],
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("value=\"karim\""));
    assert!(wrong.body.contains("please type it again"));

    // A wrong current password and a weak new one, both at once.
    let mut karim = Agent::new(&server);
    karim
        .submit(
            "/en/signin",
            "/en/signin",
            &[("login", "karim"), ("password", PASSWORD)],
        )
        .await;
    let change = karim
        .submit(
            "/en/account",
            "/en/account/password",
            &[("current_password", "wrong guess"), ("password", "short")],
        )
        .await;
    assert_eq!(change.status, 422);
    assert!(change.body.contains("Your current password is not right."));
    assert!(
        change
            .body
            .contains("A password needs at least 10 characters.")
    );
    let email = karim
        .submit(
            "/en/account",
            "/en/account/email",
            &[("current_password", PASSWORD), ("email", "nope")],
        )
        .await;
    assert_eq!(email.status, 422);
    assert!(email.body.contains("value=\"nope\""));
    assert!(email.body.contains("id=\"email-current-error\""));
    server.stop().await.unwrap();
}

/// Every kind of form is read through the one CSRF check: a newsroom, a
/// moderation and a reader's form without their token (or with another's)
/// are refused and change nothing; ids in paths that are not ids are the
/// 404 page, never a 400.
async fn every_form_needs_its_token_and_ids_are_numbers(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    common::account(&server, "rania", Role::Admin, PASSWORD).await;
    let mut admin = Agent::new(&server);
    let signed_in = admin
        .submit(
            "/en/signin",
            "/en/signin",
            &[("login", "rania"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(signed_in.status, 303);
    let forms: [(&str, &[(&str, &str)]); 4] = [
        (
            "/en/admin/people/role",
            &[("username", "rania"), ("role", "reader")],
        ),
        (
            "/en/moderate/settings",
            &[("scope", "site"), ("closed", "1")],
        ),
        ("/en/notifications/read", &[]),
        ("/en/account/email-notifications", &[("email", "never")]),
    ];
    for (path, fields) in forms {
        let bare = admin.post(path, fields).await;
        assert_eq!(bare.status, 403, "{path} without a token");
        assert!(bare.body.contains("This request was refused"), "{path}");
        let mut forged = fields.to_vec();
        forged.push(("csrf_token", "khs_not-the-session-token"));
        assert_eq!(admin.post(path, &forged).await.status, 403, "{path}");
    }
    // Nothing changed: still an admin, the threads still open.
    let people = admin.get("/en/admin/people").await;
    assert_eq!(people.status, 200, "still on the newsroom's staff");
    let settings = admin.get("/en/moderate/settings").await;
    assert_eq!(settings.status, 200, "still a moderator");
    // With the session's token the same kind of form goes through.
    let token = common::form_token(&admin.get("/en/notifications").await.body).unwrap();
    let read = admin
        .post("/en/notifications/read", &[("csrf_token", &token)])
        .await;
    assert_eq!(
        (read.status, read.location.as_deref()),
        (303, Some("/en/notifications"))
    );

    let mut stranger = Agent::new(&server);
    let not_ids = [
        "/en/comments/abc/history",
        "/en/comments/-1/history",
        "/en/comments/0/history",
        "/en/comments/99999999999999999999/history",
        "/en/comment/abc",
        "/en/moderate/users/x1",
    ];
    for agent in [&mut admin, &mut stranger] {
        for path in not_ids {
            let answer = agent.get(path).await;
            assert_eq!(answer.status, 404, "{path}");
            assert!(
                answer.body.contains("Page not found"),
                "{path}: the 404 page"
            );
        }
    }
    let answer = admin.get("/ar/comments/abc/history").await;
    assert_eq!(answer.status, 404);
    assert!(
        answer.body.contains("lang=\"ar\""),
        "in the page's language"
    );
    let answer = admin.get("/en/admin/stories/1e3").await;
    assert_eq!(answer.status, 404);
    assert!(answer.body.contains("Page not found"));
    server.stop().await.unwrap();
}

/// The value a response's `Set-Cookie` gives cookie `name`, if it sets one.
fn cookie_set(answer: &common::Answer, name: &str) -> Option<String> {
    answer
        .set_cookies
        .iter()
        .filter_map(|c| c.split(';').next()?.split_once('='))
        .find(|(key, value)| *key == name && !value.is_empty())
        .map(|(_, value)| value.to_owned())
}

/// Signs in through the form from a browser at `address` (the server
/// trusts the loopback proxy that says so), sending `device` as the
/// known-device cookie.
async fn sign_in_from(
    server: &khabar::Server,
    address: &str,
    login: &str,
    password: &str,
    device: Option<&str>,
) -> common::Answer {
    let base = server.base_url();
    let device = device
        .map(|d| format!("khabar_device={d}"))
        .unwrap_or_default();
    let form = common::client()
        .get(format!("{base}/en/signin"))
        .header("X-Forwarded-For", address)
        .header("Cookie", &device)
        .send()
        .await
        .unwrap();
    let form_cookie = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("khabar_form="))
        .and_then(|c| c.split(';').next())
        .unwrap_or("")
        .to_owned();
    let token = common::form_token(&form.text().await.unwrap()).unwrap();
    let response = common::client()
        .post(format!("{base}/en/signin"))
        .header("X-Forwarded-For", address)
        .header("Cookie", format!("{form_cookie}; {device}"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("login", login),
            ("password", password),
        ])
        .send()
        .await
        .unwrap();
    let headers = response.headers().clone();
    common::Answer {
        status: response.status().as_u16(),
        location: headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        set_cookies: headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect(),
        retry_after: headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        body: response.text().await.unwrap_or_default(),
    }
}

async fn a_strangers_guesses_never_lock_the_owner_out(db: &TestDatabase) {
    let server = spawn_app_with(db, false, |config| {
        config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    common::account(&server, "nadine", Role::Reader, PASSWORD).await;
    let (stranger, elsewhere) = ("203.0.113.7", "198.51.100.9");
    // The owner signed in once from the stranger's café: that browser is known.
    let before = sign_in_from(&server, stranger, "nadine", PASSWORD, None).await;
    assert_eq!(before.status, 303);
    let device = cookie_set(&before, "khabar_device").expect("a known-device cookie");
    let flags = before
        .set_cookies
        .iter()
        .find(|c| c.starts_with("khabar_device="))
        .unwrap();
    assert!(
        flags.contains("HttpOnly") && flags.contains("Max-Age=2592000"),
        "{flags}"
    );

    let mut answers = Vec::new();
    for _ in 0..7 {
        let guess = sign_in_from(&server, stranger, "nadine", "a wrong guess", None).await;
        answers.push(guess.status);
    }
    assert_eq!(answers, [401, 401, 401, 401, 401, 429, 429]);

    // The owner, from anywhere else, signs in at once.
    let owner = sign_in_from(&server, elsewhere, "nadine", PASSWORD, None).await;
    assert_eq!(owner.status, 303, "{}", owner.body);
    assert!(cookie_set(&owner, "khabar_session").is_some());
    // And from the stranger's own address, in the browser that signed in before.
    let known = sign_in_from(&server, stranger, "nadine", PASSWORD, Some(&device)).await;
    assert_eq!(known.status, 303, "{}", known.body);
    // A cookie that is not a known browser's changes nothing.
    let forged = sign_in_from(&server, stranger, "nadine", PASSWORD, Some("khd_forged")).await;
    assert_eq!(forged.status, 429);

    // The stranger is still slowed, and told for how long.
    let again = sign_in_from(&server, stranger, "nadine", "another guess", None).await;
    assert_eq!(again.status, 429);
    let wait: u64 = again.retry_after.as_deref().unwrap().parse().unwrap();
    assert!((1..=30).contains(&wait), "{wait}");
    server.stop().await.unwrap();
}

async fn sign_up_does_not_tell_who_has_an_account(db: &TestDatabase) {
    let server = spawn_app(db, false).await;
    let mut owner = Agent::new(&server);
    sign_up(&mut owner, "ar", "نادين", "nadine@news.example").await;
    let mut someone = Agent::new(&server);
    let fresh = sign_up(&mut someone, "en", "fresh", "fresh@news.example").await;
    let mut prober = Agent::new(&server);
    let known = sign_up(&mut prober, "en", "prober", "Nadine@News.example").await;
    // The same answer as a new address's, without a session to sign in to.
    assert_eq!(
        (known.status, known.location.as_deref()),
        (fresh.status, fresh.location.as_deref())
    );
    assert_eq!(known.location.as_deref(), Some("/en/welcome"));
    assert!(!known.body.contains("email"), "{}", known.body);
    assert!(cookie_set(&known, "khabar_session").is_none());
    assert!(!user_exists(&server, "prober").await);
    // …and lands on a page that says a message went to the address, with
    // the ways in for someone who forgot they have an account.
    let landed = prober.get("/en/welcome").await;
    assert_eq!(landed.status, 200);
    assert!(
        landed
            .body
            .contains("We sent a message to the address you gave")
    );
    assert!(landed.body.contains("href=\"/en/reset\""));
    // A username is public: that one may be said to be taken.
    let mut twin = Agent::new(&server);
    let taken = sign_up(&mut twin, "en", "fresh", "other@news.example").await;
    assert_eq!(taken.status, 422);

    // The owner hears of it, in their language, once an hour at most.
    sign_up(&mut prober, "en", "prober2", "nadine@news.example").await;
    let mut notices = Vec::new();
    for _ in 0..100 {
        notices = server
            .store()
            .emails_to("nadine@news.example")
            .await
            .unwrap()
            .into_iter()
            .filter(|(subject, _, _)| subject.contains("حاول أحدهم التسجيل"))
            .collect();
        if !notices.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(notices.len(), 1, "one notice for two tries");
    let body = &notices[0].1;
    assert!(body.contains("/ar/signin"), "{body}");
    server.stop().await.unwrap();
}

async fn guesses_from_many_addresses_slow_the_account_never_refuse_it(db: &TestDatabase) {
    let server = spawn_app_with(db, false, |config| {
        config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    common::account(&server, "omar", Role::Reader, PASSWORD).await;
    // One guess from each of many addresses: no pair, no address is over
    // its limit, so only the account's own count can answer them.
    for n in 1..=22 {
        let address = format!("203.0.113.{n}");
        let guess = serde_json::json!({ "login": "omar", "password": "a wrong guess" });
        let answer = common::call(
            &server,
            "POST",
            "/auth/signin",
            Some(guess),
            &[("X-Forwarded-For", &address)],
        )
        .await;
        assert_eq!(answer.status, 401, "guess {n}");
    }
    // The owner, from yet another address, waits a moment and is let in.
    let started = std::time::Instant::now();
    let owner = sign_in_from(&server, "198.51.100.9", "omar", PASSWORD, None).await;
    assert_eq!(owner.status, 303, "{}", owner.body);
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(500),
        "slowed: {:?}",
        started.elapsed()
    );
    server.stop().await.unwrap();
}

on_both_backends!(
    every_form_needs_its_token_and_ids_are_numbers,
    signing_in_or_up_from_a_discussion_returns_to_the_comment_box,
    return_paths_to_other_sites_are_refused,
    forms_report_every_problem_at_once_and_keep_what_was_typed,
    one_counter_per_account_whatever_name_is_typed,
    hostile_sign_in_input_never_fails_the_server,
    sign_ups_and_resets_are_rate_limited,
    the_mailer_writes_messages_when_no_smtp_is_set,
    account_changes_need_the_password,
    reset_by_email_link_in_the_browser_forms,
    a_reader_signs_up_signs_out_and_back_in,
    forms_without_a_valid_token_change_nothing,
    a_planted_session_is_never_promoted,
    password_guessing_is_slowed_then_blocked,
    bad_usernames_and_inputs_get_clear_answers,
    a_reader_ends_a_session_elsewhere,
    a_strangers_guesses_never_lock_the_owner_out,
    sign_up_does_not_tell_who_has_an_account,
    guesses_from_many_addresses_slow_the_account_never_refuse_it,
);
