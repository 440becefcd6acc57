//! `khabar import wordpress`: a WordPress export with Polylang
//! translations, a three-level discussion (one comment held, one spam, one
//! in the trash), a category, a tag and an image beside the export comes
//! in through the CLI, and the site serves it page by page; a second run
//! changes nothing, a local edit survives a re-import, a dry run writes
//! nothing.

mod common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use common::{client, run_cli, spawn_app, spawn_app_with, summary_row};
use khabar_core::moderation::Queue;
use khabar_core::{EditionContent, EditionInput, Lang};
use khabar_store::{QueueFilter, Store};
use khabar_testkit::{TestDatabase, on_both_backends};

const FIXTURE: &str = include_str!("fixtures/import/wordpress.xml");
const DISQUS: &str = include_str!("fixtures/import/disqus.xml");
const GHOST: &str = include_str!("fixtures/import/ghost.json");

/// The export and its uploads folder, written beside each other.
fn export_dir(db: &TestDatabase) -> (PathBuf, PathBuf) {
    let dir = db.dir().join("old-site");
    let uploads = dir.join("uploads");
    std::fs::create_dir_all(uploads.join("2024/03")).unwrap();
    let picture = khabar_testkit::images::picture(640, 400, image::ImageFormat::Jpeg);
    std::fs::write(uploads.join("2024/03/harbour-cranes.jpg"), picture).unwrap();
    let file = dir.join("export.xml");
    std::fs::write(&file, FIXTURE).unwrap();
    (file, uploads)
}

/// Runs `khabar import wordpress` on `file`; its standard output.
fn import(db: &TestDatabase, file: &Path, uploads: &Path, dry_run: bool) -> String {
    let mut args = vec![
        OsStr::new("wordpress"),
        file.as_os_str(),
        OsStr::new("--media"),
    ];
    args.push(uploads.as_os_str());
    run_import(db, &args, dry_run)
}

/// Runs `khabar import ARGS` on `db`; its standard output.
fn run_import(db: &TestDatabase, args: &[&OsStr], dry_run: bool) -> String {
    run_import_with(db, args, dry_run, &[])
}

/// [`run_import`] with more settings in the environment.
fn run_import_with(
    db: &TestDatabase,
    args: &[&OsStr],
    dry_run: bool,
    env: &[(&str, &str)],
) -> String {
    let mut all = vec![OsStr::new("import")];
    all.extend_from_slice(args);
    if dry_run {
        all.push(OsStr::new("--dry-run"));
    }
    run_cli(db, &all, env)
}

async fn editions(store: &Store) -> i64 {
    let page = store
        .newsroom_editions(&Default::default(), 1, 100)
        .await
        .unwrap();
    page.items.len() as i64
}

async fn page(base: &str, path: &str) -> (u16, String) {
    let response = client().get(format!("{base}{path}")).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

async fn location(base: &str, path: &str) -> (u16, String) {
    let response = client().get(format!("{base}{path}")).send().await.unwrap();
    let to = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (response.status().as_u16(), to)
}

async fn wordpress_archive_comes_in(db: &TestDatabase) {
    let (file, uploads) = export_dir(db);

    let dry = import(db, &file, &uploads, true);
    assert!(dry.contains("dry run: nothing was written"), "{dry}");
    assert_eq!(summary_row(&dry, "editions"), [3, 0, 0, 0], "{dry}");
    let store = Store::open(db.url()).await.unwrap();
    store.migrate().await.unwrap();
    assert_eq!(editions(&store).await, 0, "a dry run writes nothing");

    let first = import(db, &file, &uploads, false);
    // Two published editions of one story, and the draft.
    assert_eq!(summary_row(&first, "stories"), [2, 0, 0, 0], "{first}");
    assert_eq!(summary_row(&first, "editions"), [3, 0, 0, 0], "{first}");
    assert_eq!(summary_row(&first, "sections"), [1, 0, 0, 0], "{first}");
    assert_eq!(summary_row(&first, "tags"), [1, 0, 0, 0], "{first}");
    assert_eq!(summary_row(&first, "media"), [1, 0, 0, 0], "{first}");
    // Five on the English edition and one on the Arabic; the trash skipped.
    assert_eq!(summary_row(&first, "comments"), [6, 0, 0, 1], "{first}");
    assert!(
        first.contains("skipped comments 112: in the trash"),
        "{first}"
    );
    assert_eq!(editions(&store).await, 3);

    let again = import(db, &file, &uploads, false);
    assert_eq!(summary_row(&again, "editions"), [0, 0, 3, 0], "{again}");
    assert_eq!(summary_row(&again, "comments"), [0, 0, 6, 1], "{again}");
    assert_eq!(summary_row(&again, "media"), [0, 0, 1, 0], "{again}");
    assert_eq!(editions(&store).await, 3, "a second run changes nothing");

    let server = spawn_app(db, false).await;
    let base = server.base_url();
    let (status, english) = page(base, "/en/story/east-quay-opens").await;
    assert_eq!(status, 200, "{english}");
    assert!(english.contains("Port of Qantara opens its new east quay"));
    assert!(
        english.contains("<strong>east quay</strong>"),
        "the body kept its emphasis"
    );
    assert!(!english.contains("old embed"), "the script is gone");
    assert!(english.contains("Economy") && english.contains("Ports"));
    let arabic_path = "/ar/story/%D8%B1%D8%B5%D9%8A%D9%81-%D8%B4%D8%B1%D9%82%D9%8A";
    assert!(english.contains(arabic_path), "the editions are linked");
    // The thread: three levels shown, the held and the spam one not.
    for shown in [
        "Will the fish market move",
        "Not this year",
        "Third level: thanks for checking &amp; asking.",
    ] {
        assert!(english.contains(shown), "{shown} is shown");
    }
    assert!(!english.contains("Held for review"));
    assert!(!english.contains("cheap watches"));
    let image = english
        .split("/media/uploads/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the image is in the page");
    let (status, _) = page(base, &format!("/media/uploads/{image}")).await;
    assert_eq!(status, 200, "the imported image is served");

    let (status, arabic) = page(base, arabic_path).await;
    assert_eq!(status, 200);
    assert!(arabic.contains("ميناء القنطرة يفتتح رصيفه الشرقي الجديد"));
    assert!(arabic.contains("اقتصاد") && arabic.contains("خبر جميل لصيادي البلدة."));

    // The search index followed the events log the import wrote.
    let mut found = String::new();
    for _ in 0..50 {
        found = client()
            .get(format!("{base}/api/v1/search/articles"))
            .query(&[("q", "Qantara quay")])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if found.contains("Port of Qantara opens its new east quay") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        found.contains("Port of Qantara opens its new east quay"),
        "{found}"
    );

    let queue = server
        .store()
        .moderation_queue(&QueueFilter {
            queue: Queue::Pending,
            per_page: 50,
            ..QueueFilter::everything()
        })
        .await
        .unwrap();
    let held: Vec<&str> = queue
        .items
        .iter()
        .map(|i| i.comment.body.as_str())
        .collect();
    assert_eq!(held, ["Held for review: who paid for the quay?"]);

    // Imported comments are history: the reply to Layla Fares' comment
    // notified her of nothing (no bell, so no mail either).
    let layla = server
        .store()
        .user_id_by_key(&khabar_core::Username::parse("Layla_Fares").unwrap().key())
        .await
        .unwrap()
        .expect("her comment's account");
    assert_eq!(server.store().unread_notifications(layla).await.unwrap(), 0);

    // The old addresses.
    assert_eq!(
        location(base, "/2024/03/11/east-quay-opens/").await,
        (301, "/en/story/east-quay-opens".to_owned())
    );
    assert_eq!(
        location(base, "/?p=12").await,
        (301, arabic_path.to_owned())
    );
    assert_eq!(
        location(
            base,
            "/ar/2024/03/11/%D8%B1%D8%B5%D9%8A%D9%81-%D8%B4%D8%B1%D9%82%D9%8A/"
        )
        .await,
        (301, arabic_path.to_owned())
    );
    assert_eq!(
        location(base, "/?p=20").await.0,
        303,
        "the draft is not public"
    );

    // Edited here, then the export changes: the local edit stays.
    let draft = server
        .store()
        .edition_draft(
            server
                .store()
                .edition_by_slug(Lang::EN, "east-quay-opens")
                .await
                .unwrap()
                .unwrap(),
        )
        .await
        .unwrap();
    let edited = EditionContent::parse(EditionInput {
        slug: Some(draft.slug.clone()),
        headline: "The east quay opens, corrected here".into(),
        body: draft.body.clone(),
        ..EditionInput::default()
    })
    .unwrap();
    server
        .store()
        .update_edition(draft.id, draft.revision, &edited, &draft.author_ids, None)
        .await
        .unwrap();
    std::fs::write(
        &file,
        FIXTURE.replace("after two years of work", "after three years of work"),
    )
    .unwrap();
    let third = import(db, &file, &uploads, false);
    assert_eq!(summary_row(&third, "editions"), [0, 0, 2, 1], "{third}");
    assert!(
        third.contains("changed here since it was imported"),
        "{third}"
    );
    let kept = server.store().edition_draft(draft.id).await.unwrap();
    assert_eq!(kept.headline, "The east quay opens, corrected here");
    assert!(kept.body.contains("two years"));
    server.stop().await.unwrap();
    store.close().await;
}

/// A Disqus discussion joins the stories a WordPress import brought, by
/// their old addresses.
async fn disqus_discussions_join_their_stories(db: &TestDatabase) {
    let (file, uploads) = export_dir(db);
    import(db, &file, &uploads, false);
    let disqus = db.dir().join("old-site/disqus.xml");
    std::fs::write(&disqus, DISQUS).unwrap();
    let args = [OsStr::new("disqus"), disqus.as_os_str()];

    let dry = run_import(db, &args, true);
    assert_eq!(summary_row(&dry, "comments"), [5, 0, 0, 1], "{dry}");
    let first = run_import(db, &args, false);
    // Five placed (the deleted one as a placeholder: it has a reply);
    // the one on a page that is no story skipped.
    assert_eq!(summary_row(&first, "comments"), [5, 0, 0, 1], "{first}");
    assert_eq!(summary_row(&first, "threads"), [0, 0, 2, 1], "{first}");
    assert!(
        first.contains("no story here has the address https://old.example.org/about-us/"),
        "{first}"
    );
    let again = run_import(db, &args, false);
    assert_eq!(summary_row(&again, "comments"), [0, 0, 5, 1], "{again}");

    let server = spawn_app(db, false).await;
    let (status, english) = page(server.base_url(), "/en/story/east-quay-opens").await;
    assert_eq!(status, 200);
    assert!(english.contains("Disqus said it first: the quay is huge."));
    assert!(english.contains("Answering the deleted one, three deep."));
    assert!(!english.contains("A reply that its writer deleted."));
    assert!(!english.contains("free cruise tickets"));
    // A thread at an edition's own address here.
    let arabic = "/ar/story/%D8%B1%D8%B5%D9%8A%D9%81-%D8%B4%D8%B1%D9%82%D9%8A";
    let (status, arabic) = page(server.base_url(), arabic).await;
    assert_eq!(status, 200);
    assert!(arabic.contains("تعليق من ديسكس على النسخة العربية"));
    server.stop().await.unwrap();

    // Once the old site embeds discussions from here, the page that is no
    // story finds its embedded discussion (opened now), its comment with it.
    let embedding = [(
        "KHABAR_EMBED__ALLOWED_ORIGINS",
        r#"["https://old.example.org"]"#,
    )];
    let dry = run_import_with(db, &args, true, &embedding);
    assert_eq!(summary_row(&dry, "threads"), [1, 0, 2, 0], "{dry}");
    let embedded = run_import_with(db, &args, false, &embedding);
    assert_eq!(
        summary_row(&embedded, "threads"),
        [1, 0, 2, 0],
        "{embedded}"
    );
    assert_eq!(
        summary_row(&embedded, "comments"),
        [1, 0, 5, 0],
        "{embedded}"
    );
    let again = run_import_with(db, &args, false, &embedding);
    assert_eq!(summary_row(&again, "threads"), [0, 0, 3, 0], "{again}");
    assert_eq!(summary_row(&again, "comments"), [0, 0, 6, 0], "{again}");
    let server = spawn_app_with(db, false, |config| {
        config.embed.allowed_origins = vec!["https://old.example.org".to_owned()];
    })
    .await;
    let thread = server
        .store()
        .embed_thread("https://old.example.org/about-us")
        .await
        .unwrap()
        .expect("an embedded discussion for the page");
    assert_eq!(thread.title, "About us");
    let frame = format!(
        "/embed/en/thread?url={}",
        common::segment("https://old.example.org/about-us/")
    );
    let (status, frame) = page(server.base_url(), &frame).await;
    assert_eq!(status, 200, "{frame}");
    assert!(frame.contains("A comment on a page that is not a story."));
    server.stop().await.unwrap();
}

/// A Ghost site: its posts, primary tag as section, tags, an Arabic post
/// (internal tag `#ar`) with its feature image, old addresses.
async fn ghost_site_comes_in(db: &TestDatabase) {
    let dir = db.dir().join("ghost");
    let images = dir.join("images");
    std::fs::create_dir_all(images.join("2024/04")).unwrap();
    let picture = khabar_testkit::images::picture(640, 400, image::ImageFormat::Jpeg);
    std::fs::write(images.join("2024/04/market.jpg"), picture).unwrap();
    let file = dir.join("ghost.json");
    std::fs::write(&file, GHOST).unwrap();
    let args = [
        OsStr::new("ghost"),
        file.as_os_str(),
        OsStr::new("--media"),
        images.as_os_str(),
    ];
    let first = run_import(db, &args, false);
    assert_eq!(summary_row(&first, "stories"), [2, 0, 0, 0], "{first}");
    assert_eq!(summary_row(&first, "editions"), [2, 0, 0, 0], "{first}");
    assert_eq!(summary_row(&first, "sections"), [1, 0, 0, 0], "{first}");
    assert_eq!(summary_row(&first, "tags"), [1, 0, 0, 0], "{first}");
    assert_eq!(summary_row(&first, "media"), [1, 0, 0, 0], "{first}");
    let again = run_import(db, &args, false);
    assert_eq!(summary_row(&again, "editions"), [0, 0, 2, 0], "{again}");

    let server = spawn_app(db, false).await;
    let base = server.base_url();
    let (status, arabic) = page(base, "/ar/story/qantara-fish-market").await;
    assert_eq!(status, 200, "{arabic}");
    assert!(arabic.contains("سوق السمك في القنطرة ينتقل إلى الرصيف الشرقي"));
    assert!(arabic.contains("<strong>الرصيف الشرقي</strong>"));
    assert!(
        arabic.contains("/media/uploads/"),
        "the image is served from here"
    );
    let (status, english) = page(base, "/en/story/ferry-summer-timetable").await;
    assert_eq!(status, 200);
    assert!(english.contains("<em>evening</em>"));
    assert_eq!(
        location(base, "/qantara-fish-market/").await,
        (301, "/ar/story/qantara-fish-market".to_owned())
    );
    server.stop().await.unwrap();
}

on_both_backends!(
    wordpress_archive_comes_in,
    disqus_discussions_join_their_stories,
    ghost_site_comes_in
);
