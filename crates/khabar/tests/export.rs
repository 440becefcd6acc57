//! `khabar export` then `khabar import khabar` into an empty instance
//! gives the same site: the demo plus a linked Arabic/English story with
//! revisions, a thread with replies, a held comment and a deleted one are
//! exported through the CLI, imported elsewhere, and the public pages
//! (front pages, every article in both languages with its thread, feeds)
//! read the same on both; exporting the copy gives the same lines; a
//! second import changes nothing; imported replies notify no one.

mod common;

use std::ffi::OsStr;
use std::path::Path;

use common::{account, client, run_cli, spawn_app, summary_row};
use khabar_core::moderation::{Action, Phase, Verdict};
use khabar_core::{CommentBody, CommentStatus, EditionContent, EditionInput, Lang, Role};
use khabar_store::{NewComment, NewStory, Store};
use khabar_testkit::{TestDatabase, on_both_backends};

fn export(db: &TestDatabase, file: &Path) -> Vec<serde_json::Value> {
    run_cli(db, &[OsStr::new("export"), file.as_os_str()], &[]);
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// `khabar import khabar FILE --media DIR` with `flags`.
fn import(db: &TestDatabase, file: &Path, media: &Path, flags: &[&str]) -> String {
    let mut args = vec![
        OsStr::new("import"),
        OsStr::new("khabar"),
        file.as_os_str(),
        OsStr::new("--media"),
        media.as_os_str(),
    ];
    args.extend(flags.iter().map(OsStr::new));
    run_cli(db, &args, &[])
}

/// An empty database of the same backend as `db`.
async fn empty_like(db: &TestDatabase) -> TestDatabase {
    if db.is_postgres() {
        khabar_testkit::postgres()
            .await
            .expect("PostgreSQL answered a moment ago")
    } else {
        khabar_testkit::sqlite()
    }
}

fn approved() -> Verdict {
    Verdict {
        action: Action::Approve,
        phase: Phase::PreModeration,
        reasons: Vec::new(),
    }
}

async fn comment(
    store: &Store,
    edition_id: i64,
    author_id: i64,
    parent_id: Option<i64>,
    text: &str,
    status: CommentStatus,
) -> i64 {
    store
        .post_comment(NewComment {
            edition_id,
            author_id,
            body: &CommentBody::parse(text).unwrap(),
            parent_id,
            status,
            mentions: &[],
            verdict: &approved(),
        })
        .await
        .unwrap()
}

fn content(slug: &str, headline: &str, body: &str) -> EditionContent {
    EditionContent::parse(EditionInput {
        slug: Some(slug.into()),
        headline: headline.into(),
        standfirst: format!("{headline}: the standfirst."),
        body: body.into(),
        ..EditionInput::default()
    })
    .unwrap()
}

/// What the demo lacks: a story whose linked editions went through
/// revisions, and a thread with replies, a held comment and a deleted one.
/// Returns the account answered by a reply.
async fn add_discussed_story(store: &Store, editor: i64, layla: i64, omar: i64) -> i64 {
    let story = store
        .create_story(NewStory {
            section_id: None,
            tag_ids: &[],
            hero_image: None,
        })
        .await
        .unwrap();
    let en = store
        .create_edition(
            story,
            Lang::EN,
            &content("ferry-returns", "The ferry returns", "First draft."),
            &[],
            Some(editor),
        )
        .await
        .unwrap();
    let revision = store
        .update_edition(
            en,
            1,
            &content(
                "ferry-returns",
                "The ferry returns to Qantara",
                "The *ferry* runs again from **Monday**.",
            ),
            &[],
            Some(editor),
        )
        .await
        .unwrap();
    assert_eq!(revision, 2);
    let ar = store
        .create_edition(
            story,
            Lang::AR,
            &content(
                "عودة-العبارة",
                "العبارة تعود إلى القنطرة",
                "تعود العبارة يوم الاثنين.",
            ),
            &[],
            Some(editor),
        )
        .await
        .unwrap();
    let now = jiff::Timestamp::now();
    store
        .publish_editions(&[en, ar], now, Some(editor))
        .await
        .unwrap();

    let first = comment(
        store,
        en,
        layla,
        None,
        "Finally! Which pier?",
        CommentStatus::Visible,
    )
    .await;
    let reply = comment(
        store,
        en,
        omar,
        Some(first),
        "The east one, from 7am.",
        CommentStatus::Visible,
    )
    .await;
    comment(
        store,
        en,
        layla,
        Some(reply),
        "Thanks & see you there",
        CommentStatus::Visible,
    )
    .await;
    comment(
        store,
        en,
        omar,
        None,
        "Held: who pays for the fuel?",
        CommentStatus::Pending,
    )
    .await;
    let gone = comment(
        store,
        en,
        omar,
        Some(first),
        "A reply its writer deleted.",
        CommentStatus::Visible,
    )
    .await;
    comment(
        store,
        en,
        layla,
        Some(gone),
        "Answering the deleted one.",
        CommentStatus::Visible,
    )
    .await;
    store.delete_comment(gone).await.unwrap();
    comment(
        store,
        ar,
        omar,
        None,
        "خبر جميل لأهل البلدة.",
        CommentStatus::Visible,
    )
    .await;
    layla
}

async fn page(base: &str, path: &str) -> (u16, String) {
    let response = client().get(format!("{base}{path}")).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// A page as both instances should serve it: their own addresses and
/// what differs per response (nonces, tokens) made alike.
fn comparable(page: &str, base: &str) -> String {
    let page = page.replace(base, "BASE");
    let mut out = String::with_capacity(page.len());
    let mut rest = page.as_str();
    while let Some(at) = rest.find("nonce=\"") {
        out.push_str(&rest[..at + 7]);
        rest = &rest[at + 7..];
        let end = rest.find('"').unwrap_or(rest.len());
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The public addresses of every published edition, from an export.
fn article_paths(lines: &[serde_json::Value]) -> Vec<String> {
    lines
        .iter()
        .filter(|l| l["kind"] == "edition" && l["status"] == "published")
        .map(|l| {
            let slug = l["slug"].as_str().unwrap();
            let lang = l["lang"].as_str().unwrap();
            format!("/{lang}/story/{}", urlencoding(slug))
        })
        .collect()
}

fn urlencoding(slug: &str) -> String {
    percent_encoding::utf8_percent_encode(slug, percent_encoding::NON_ALPHANUMERIC)
        .to_string()
        .replace("%2D", "-")
}

/// An export without what differs between two instances by design
/// (docs/export.md): the header's time and site, pages' save times.
fn comparable_export(lines: &[serde_json::Value]) -> Vec<serde_json::Value> {
    lines
        .iter()
        .filter(|l| l["kind"] != "khabar_export")
        .map(|l| {
            let mut l = l.clone();
            if l["kind"] == "page" {
                l["updated_at"] = serde_json::Value::Null;
            }
            l
        })
        .collect()
}

async fn export_then_import_gives_the_same_site(db: &TestDatabase) {
    let source = spawn_app(db, true).await;
    let store = source.store().clone();
    let editor = account(
        &source,
        "desk_editor",
        Role::Editor,
        "a long enough password",
    )
    .await;
    let layla = account(&source, "layla", Role::Reader, "a long enough password").await;
    let omar = account(&source, "omar", Role::Reader, "a long enough password").await;
    let answered = add_discussed_story(&store, editor, layla, omar).await;
    assert!(
        store.unread_notifications(answered).await.unwrap() > 0,
        "a posted reply notifies"
    );

    let file = db.dir().join("khabar-export.jsonl");
    let first = export(db, &file);
    assert_eq!(first[0]["kind"], "khabar_export");
    assert_eq!(first[0]["version"], 1);
    assert_eq!(first.last().unwrap()["kind"], "end");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains("argon2"), "no password hashes");
    assert!(!text.contains("password"), "no secrets at all");
    let edition = first
        .iter()
        .find(|l| l["kind"] == "edition" && l["slug"] == "ferry-returns")
        .unwrap();
    assert_eq!(edition["revisions"].as_array().unwrap().len(), 2);
    assert!(
        first
            .iter()
            .any(|l| l["kind"] == "comment" && l["status"] == "pending")
    );
    assert!(
        first
            .iter()
            .any(|l| l["kind"] == "comment" && l["status"] == "deleted")
    );

    let target = empty_like(db).await;
    let media = db.dir().join("media");
    std::fs::create_dir_all(&media).unwrap();
    let dry = import(&target, &file, &media, &["--dry-run", "--invite"]);
    assert!(dry.contains("dry run: nothing was written"), "{dry}");
    let staff = first
        .iter()
        .filter(|l| l["kind"] == "user" && l["role"] != "reader")
        .count();
    assert!(
        dry.contains(&format!("would invite {staff} staff accounts")),
        "{dry}"
    );
    let published = article_paths(&first).len() as u64;
    assert!(summary_row(&dry, "editions")[0] >= published, "{dry}");
    let empty = Store::open(target.url()).await.unwrap();
    assert!(
        empty.static_pages().await.unwrap().is_empty()
            && empty.section_records().await.unwrap().is_empty(),
        "a dry run writes nothing"
    );
    empty.close().await;

    let imported = import(&target, &file, &media, &["--invite"]);
    assert!(
        imported.contains(&format!("invited {staff} staff accounts")),
        "{imported}"
    );
    let comments = first.iter().filter(|l| l["kind"] == "comment").count() as u64;
    assert_eq!(
        summary_row(&imported, "comments"),
        [comments, 0, 0, 0],
        "{imported}"
    );
    let again = import(&target, &file, &media, &["--invite"]);
    assert!(
        again.contains("invited 0 staff accounts"),
        "no one twice: {again}"
    );
    for kind in [
        "users", "sections", "tags", "stories", "editions", "comments",
    ] {
        let counts = summary_row(&again, kind);
        assert_eq!(
            &counts[..2],
            [0, 0],
            "a second import changes no {kind}: {again}"
        );
    }

    let copy = spawn_app(&target, false).await;
    // History is history: the imported replies notified no one.
    let answered_here = copy
        .store()
        .user_id_by_key(&khabar_core::Username::parse("layla").unwrap().key())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        copy.store()
            .unread_notifications(answered_here)
            .await
            .unwrap(),
        0
    );

    // The editor is invited, in the outbox the node's mailer sends; the
    // link chooses a password.
    let letters = copy
        .store()
        .emails_to("desk_editor@news.example")
        .await
        .unwrap();
    assert_eq!(letters.len(), 1, "{letters:?}");
    assert!(letters[0].0.starts_with("Your account on"), "{letters:?}");
    assert!(letters[0].1.contains("/en/reset/khe_"), "{letters:?}");
    assert!(
        copy.store()
            .emails_to("layla@news.example")
            .await
            .unwrap()
            .is_empty(),
        "readers are not invited"
    );

    // Exported again before any page is read (reads are counted).
    let second = export(&target, &target.dir().join("again.jsonl"));
    assert_eq!(comparable_export(&second), comparable_export(&first));

    let mut paths: Vec<String> = [
        "/en/",
        "/ar/",
        "/en/feed.atom",
        "/ar/feed.rss",
        "/en/feed.json",
    ]
    .map(str::to_owned)
    .to_vec();
    let articles = article_paths(&first);
    assert!(articles.len() >= 4, "{articles:?}");
    for article in &articles {
        paths.push(article.clone());
        paths.push(format!("{article}/comments.atom"));
    }
    for path in &paths {
        let (status, there) = page(source.base_url(), path).await;
        let (status_here, here) = page(copy.base_url(), path).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(status_here, 200, "{path} on the copy");
        let (here, there) = (
            comparable(&here, copy.base_url()),
            comparable(&there, source.base_url()),
        );
        if let Some((line, copied, original)) = here
            .lines()
            .zip(there.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .map(|(n, (a, b))| (n + 1, a, b))
        {
            panic!("{path} differs at line {line}:\n copy: {copied}\n original: {original}");
        }
        assert_eq!(here, there, "{path} reads the same on both");
    }
    let (_, thread) = page(copy.base_url(), "/en/story/ferry-returns").await;
    for shown in [
        "Finally! Which pier?",
        "The east one, from 7am.",
        "Thanks &amp; see you there",
        "Answering the deleted one.",
    ] {
        assert!(thread.contains(shown), "{shown} is in the copy's thread");
    }
    assert!(!thread.contains("Held: who pays"));
    assert!(!thread.contains("A reply its writer deleted."));
    let held = copy
        .store()
        .moderation_queue(&khabar_store::QueueFilter {
            queue: khabar_core::moderation::Queue::Pending,
            per_page: 50,
            ..khabar_store::QueueFilter::everything()
        })
        .await
        .unwrap();
    assert!(
        held.items
            .iter()
            .any(|i| i.comment.body.as_str() == "Held: who pays for the fuel?")
    );

    copy.stop().await.unwrap();
    source.stop().await.unwrap();
}

on_both_backends!(export_then_import_gives_the_same_site);
