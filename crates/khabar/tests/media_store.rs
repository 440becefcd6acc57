//! Media on an S3-compatible store: moto's S3 server (`pip install
//! 'moto[server]'`) started by each test on loopback, on both database
//! backends. Uploads and their variants land in the bucket and khabar serves
//! them with entity tags, 304s and ranges; with a public base URL pages link
//! the bucket; `khabar migrate-media` copies an existing media folder once;
//! two nodes with their own data directories serve what the other uploaded.
//! Without moto_server the S3 tests say SKIPPED (and fail under `CI=true`);
//! the local store's test needs nothing.

mod common;

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use common::{call, client, run_cli_in, spawn_app_with};
use khabar::Config;
use khabar_app::media_store::{Backend, MediaSettings};
use khabar_core::Role;
use khabar_testkit::images::picture;
use khabar_testkit::{TestDatabase, on_both_backends};
use serde_json::{Value, json};

const PASSWORD: &str = "harbour lights at dusk";
/// moto accepts any credentials; these only have to be present.
const KEY: &str = "testing";

/// moto's S3 server on a free loopback port, killed when dropped.
struct Moto {
    child: Child,
    endpoint: String,
}

impl Moto {
    /// The server, or `None` (after saying SKIPPED) when neither
    /// `moto_server` nor Python's `moto.server` module runs.
    async fn start() -> Option<Moto> {
        let launchers: [(&str, &[&str]); 2] =
            [("moto_server", &[]), ("python3", &["-m", "moto.server"])];
        for (program, first) in launchers {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free port")
                .port();
            let spawned = Command::new(program)
                .args(first)
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn();
            let Ok(child) = spawned else {
                continue;
            };
            let mut moto = Moto {
                child,
                endpoint: format!("http://127.0.0.1:{port}"),
            };
            let deadline = Instant::now() + Duration::from_secs(30);
            loop {
                if client().get(&moto.endpoint).send().await.is_ok() {
                    return Some(moto);
                }
                // Python without moto exits at once.
                if moto.child.try_wait().ok().flatten().is_some() {
                    break;
                }
                assert!(Instant::now() < deadline, "{program} did not answer");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        khabar_testkit::missing(
            "S3 media tests",
            "moto_server not installed (pip install 'moto[server]')",
        );
        None
    }

    /// A new, empty bucket everyone may read, as a public bucket behind
    /// `public_base_url` is, and as lets the tests read it without signing.
    async fn bucket(&self) -> String {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "khabar-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let made = client()
            .put(format!("{}/{name}", self.endpoint))
            .header("x-amz-acl", "public-read")
            .send()
            .await
            .unwrap();
        assert!(made.status().is_success(), "{}", made.status());
        name
    }

    /// The bucket's keys, read straight from the server.
    async fn keys(&self, bucket: &str) -> Vec<String> {
        let listing = client()
            .get(format!("{}/{bucket}?list-type=2", self.endpoint))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let mut keys: Vec<String> = listing
            .split("<Key>")
            .skip(1)
            .filter_map(|rest| rest.split_once("</Key>").map(|(key, _)| key.to_owned()))
            .collect();
        keys.sort();
        keys
    }

    /// An object's bytes, read straight from the server.
    async fn object(&self, bucket: &str, key: &str) -> Vec<u8> {
        let response = client()
            .get(format!("{}/{bucket}/{key}", self.endpoint))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{key}");
        response.bytes().await.unwrap().to_vec()
    }

    /// The `[media]` settings for `bucket`.
    fn settings(&self, bucket: &str) -> MediaSettings {
        MediaSettings {
            store: Backend::S3,
            bucket: Some(bucket.to_owned()),
            region: Some("us-east-1".into()),
            endpoint: Some(self.endpoint.clone()),
            path_style: true,
            access_key_id: Some(KEY.into()),
            secret_access_key: Some(KEY.into()),
            public_base_url: None,
        }
    }

    /// The same as `KHABAR_*` variables, for the binary.
    fn variables(&self, bucket: &str) -> Vec<(&'static str, String)> {
        vec![
            ("KHABAR_MEDIA__STORE", "s3".into()),
            ("KHABAR_MEDIA__BUCKET", bucket.to_owned()),
            ("KHABAR_MEDIA__ENDPOINT", self.endpoint.clone()),
            ("KHABAR_MEDIA__PATH_STYLE", "true".into()),
            ("KHABAR_MEDIA__ACCESS_KEY_ID", KEY.into()),
            ("KHABAR_MEDIA__SECRET_ACCESS_KEY", KEY.into()),
        ]
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn spawn_with_media(db: &TestDatabase, data: &str, media: MediaSettings) -> khabar::Server {
    spawn_app_with(db, false, |config: &mut Config| {
        config.data_dir = db.dir().join(data);
        config.media = media;
    })
    .await
}

async fn bearer(server: &khabar::Server, name: &str, role: Role) -> String {
    common::account(server, name, role, PASSWORD).await;
    let reply = call(
        server,
        "POST",
        "/tokens",
        Some(json!({ "login": name, "password": PASSWORD, "scopes": ["read", "edit"], "name": "desk" })),
        &[],
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    format!("Bearer {}", reply.body["token"].as_str().unwrap())
}

/// POSTs `image` to `/api/v1/media`; returns the record.
async fn upload(server: &khabar::Server, auth: &str, image: &[u8]) -> Value {
    let boundary = "khabar-media-store-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(image);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let response = client()
        .post(format!("{}/api/v1/media", server.base_url()))
        .header("Authorization", auth)
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

/// The record's original and variants, as names under the media root.
fn names(record: &Value) -> Vec<String> {
    let mut names: Vec<String> = std::iter::once(&record["path"])
        .chain(
            record["variants"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| &v["path"]),
        )
        .map(|p| p.as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

async fn media(server: &khabar::Server, name: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = client().get(format!("{}/media/{name}", server.base_url()));
    for (header, value) in headers {
        request = request.header(*header, *value);
    }
    request.send().await.unwrap()
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn uploads_land_in_the_bucket_and_are_served_from_it(db: &TestDatabase) {
    let Some(moto) = Moto::start().await else {
        return;
    };
    let bucket = moto.bucket().await;
    let server = spawn_with_media(db, "node", moto.settings(&bucket)).await;
    let author = bearer(&server, "nadia", Role::Author).await;
    let record = upload(
        &server,
        &author,
        &picture(1200, 800, image::ImageFormat::Jpeg),
    )
    .await;
    let names = names(&record);
    assert_eq!(names.len(), 3, "the original and two variants: {record}");
    assert_eq!(moto.keys(&bucket).await, names, "each file in the bucket");
    assert!(
        !db.dir().join("node/media/uploads").exists(),
        "nothing written to the local media folder"
    );

    let name = record["path"].as_str().unwrap();
    let stored = moto.object(&bucket, name).await;
    let first = media(&server, name, &[]).await;
    assert_eq!(first.status(), 200);
    assert_eq!(header(&first, "content-type"), "image/jpeg");
    assert_eq!(
        header(&first, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert!(header(&first, "content-security-policy").starts_with("sandbox"));
    let etag = header(&first, "etag");
    assert!(etag.starts_with('"') && etag.len() > 2, "{etag:?}");
    assert!(!header(&first, "last-modified").is_empty());
    assert_eq!(first.bytes().await.unwrap().to_vec(), stored);

    let again = media(&server, name, &[("If-None-Match", &etag)]).await;
    assert_eq!(again.status(), 304);
    assert_eq!(header(&again, "etag"), etag);
    assert!(again.bytes().await.unwrap().is_empty());
    let changed = media(&server, name, &[("If-None-Match", "\"another\"")]).await;
    assert_eq!(changed.status(), 200);

    let part = media(&server, name, &[("Range", "bytes=0-9")]).await;
    assert_eq!(part.status(), 206);
    assert_eq!(
        header(&part, "content-range"),
        format!("bytes 0-9/{}", stored.len())
    );
    assert_eq!(part.bytes().await.unwrap().to_vec(), stored[..10]);
    let beyond = media(
        &server,
        name,
        &[("Range", &format!("bytes={}-", stored.len()))],
    )
    .await;
    assert_eq!(beyond.status(), 416);

    for missing in [
        "uploads/0000000000000000.jpg",
        "uploads/..%2F..%2Fsecret",
        "nothing",
    ] {
        assert_eq!(
            media(&server, missing, &[]).await.status(),
            404,
            "{missing}"
        );
    }
    server.stop().await.unwrap();
}

/// The default store, as before: files under `<data_dir>/media`, now with
/// entity tags, 304s and ranges too.
async fn the_local_store_serves_its_folder_as_before(db: &TestDatabase) {
    let server = spawn_with_media(db, "node", MediaSettings::default()).await;
    let author = bearer(&server, "nadia", Role::Author).await;
    let record = upload(
        &server,
        &author,
        &picture(600, 400, image::ImageFormat::Png),
    )
    .await;
    let name = record["path"].as_str().unwrap();
    let on_disk = std::fs::read(db.dir().join("node/media").join(name)).unwrap();
    let first = media(&server, name, &[]).await;
    assert_eq!(first.status(), 200);
    assert_eq!(header(&first, "content-type"), "image/png");
    assert_eq!(
        header(&first, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    let etag = header(&first, "etag");
    let modified = header(&first, "last-modified");
    assert_eq!(first.bytes().await.unwrap().to_vec(), on_disk);
    let again = media(&server, name, &[("If-None-Match", &etag)]).await;
    assert_eq!(again.status(), 304);
    let since = media(&server, name, &[("If-Modified-Since", &modified)]).await;
    assert_eq!(since.status(), 304);
    let tail = media(&server, name, &[("Range", "bytes=-4")]).await;
    assert_eq!(tail.status(), 206);
    assert_eq!(
        tail.bytes().await.unwrap().to_vec(),
        on_disk[on_disk.len() - 4..]
    );
    // A file put there by hand (a restored backup) is served too.
    std::fs::create_dir_all(db.dir().join("node/media/demo")).unwrap();
    std::fs::write(db.dir().join("node/media/demo/map.svg"), "<svg/>").unwrap();
    let named = media(&server, "demo/map.svg", &[]).await;
    assert_eq!(named.status(), 200);
    assert_eq!(header(&named, "cache-control"), "public, max-age=86400");
    assert_eq!(header(&named, "content-type"), "image/svg+xml");
    server.stop().await.unwrap();
}

async fn with_a_public_base_url_pages_link_the_bucket(db: &TestDatabase) {
    let Some(moto) = Moto::start().await else {
        return;
    };
    let bucket = moto.bucket().await;
    let public = format!("{}/{bucket}", moto.endpoint);
    let mut settings = moto.settings(&bucket);
    settings.public_base_url = Some(public.clone());
    let server = spawn_with_media(db, "node", settings).await;
    let editor = bearer(&server, "desk", Role::Editor).await;
    let record = upload(
        &server,
        &editor,
        &picture(1200, 800, image::ImageFormat::Jpeg),
    )
    .await;
    let name = record["path"].as_str().unwrap();
    let story = call(
        &server,
        "POST",
        "/stories",
        Some(json!({
            "lang": "en",
            "hero_image": format!("/media/{name}"),
            "edition": { "headline": "Boats at dawn", "body": "A photo story." }
        })),
        &[("Authorization", &editor)],
    )
    .await;
    assert_eq!(story.status, 201, "{}", story.body);
    let edition = story.body["editions"][0]["id"].as_i64().unwrap();
    let published = call(
        &server,
        "POST",
        &format!("/editions/{edition}/publish"),
        None,
        &[("Authorization", &editor)],
    )
    .await;
    assert!(published.status < 300, "{}", published.body);

    let (status, page) = common::get(&server, "/en/story/boats-at-dawn").await;
    assert_eq!(status, 200);
    let stem = name.trim_end_matches(".jpg");
    assert!(
        page.contains(&format!(
            "<img src=\"{public}/{name}\" srcset=\"{public}/{stem}-480.webp 480w, "
        )),
        "the hero links the bucket: {page}"
    );
    assert!(
        page.contains(&format!(
            "<meta property=\"og:image\" content=\"{public}/{name}\""
        )),
        "the link preview too"
    );
    assert!(!page.contains("\"/media/"), "no image through khabar");
    // The bucket serves what the page links, and khabar's own address
    // sends a reader there.
    let image = moto.object(&bucket, name).await;
    assert!(image.starts_with(&[0xff, 0xd8]), "a JPEG");
    let old = media(&server, name, &[]).await;
    assert_eq!(old.status(), 308);
    assert_eq!(header(&old, "location"), format!("{public}/{name}"));
    server.stop().await.unwrap();
}

/// `khabar migrate-media` with the bucket configured by the environment.
fn migrate_media(
    db: &TestDatabase,
    data: &std::path::Path,
    moto: &Moto,
    bucket: &str,
    extra: &[&str],
) -> String {
    let env = moto.variables(bucket);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let args: Vec<&std::ffi::OsStr> = std::iter::once("migrate-media")
        .chain(extra.iter().copied())
        .map(std::ffi::OsStr::new)
        .collect();
    run_cli_in(db, data, &args, &env)
}

async fn migrate_media_copies_a_media_folder_once(db: &TestDatabase) {
    let Some(moto) = Moto::start().await else {
        return;
    };
    let bucket = moto.bucket().await;
    // A site that has kept its media on disk so far.
    let local = spawn_with_media(db, "node", MediaSettings::default()).await;
    let author = bearer(&local, "nadia", Role::Author).await;
    let record = upload(
        &local,
        &author,
        &picture(1000, 600, image::ImageFormat::Jpeg),
    )
    .await;
    let chart = upload(&local, &author, &picture(300, 200, image::ImageFormat::Png)).await;
    local.stop().await.unwrap();
    let data = db.dir().join("node");
    let mut files = names(&record);
    files.extend(names(&chart));
    files.sort();
    // 480 and 960 pixel variants of the photo; the chart is too narrow.
    assert_eq!(files.len(), 4);
    for file in &files {
        assert!(data.join("media").join(file).is_file(), "{file} on disk");
    }

    let dry = migrate_media(db, &data, &moto, &bucket, &["--dry-run"]);
    assert!(dry.contains("would copy 4 files"), "{dry}");
    assert!(
        moto.keys(&bucket).await.is_empty(),
        "a dry run copies nothing"
    );

    let first = migrate_media(db, &data, &moto, &bucket, &[]);
    assert!(
        first.contains("copied 4 files") && first.contains("0 already there"),
        "{first}"
    );
    assert_eq!(moto.keys(&bucket).await, files);
    for file in &files {
        assert_eq!(
            moto.object(&bucket, file).await,
            std::fs::read(data.join("media").join(file)).unwrap(),
            "{file} copied whole"
        );
    }
    let second = migrate_media(db, &data, &moto, &bucket, &[]);
    assert!(
        second.contains("copied 0 files") && second.contains("4 already there"),
        "{second}"
    );

    // The site now serves from the bucket, without the folder.
    std::fs::remove_dir_all(data.join("media")).unwrap();
    let moved = spawn_with_media(db, "node", moto.settings(&bucket)).await;
    let name = record["path"].as_str().unwrap();
    let served = media(&moved, name, &[]).await;
    assert_eq!(served.status(), 200);
    assert_eq!(
        served.bytes().await.unwrap().to_vec(),
        moto.object(&bucket, name).await
    );
    moved.stop().await.unwrap();
}

async fn two_nodes_serve_media_uploaded_on_the_other(db: &TestDatabase) {
    let Some(moto) = Moto::start().await else {
        return;
    };
    let bucket = moto.bucket().await;
    let a = spawn_with_media(db, "a", moto.settings(&bucket)).await;
    let b = spawn_with_media(db, "b", moto.settings(&bucket)).await;
    let on_a = bearer(&a, "nadia", Role::Author).await;
    let on_b = bearer(&b, "omar", Role::Author).await;
    let from_a = upload(&a, &on_a, &picture(800, 600, image::ImageFormat::Jpeg)).await;
    let from_b = upload(&b, &on_b, &picture(640, 480, image::ImageFormat::Png)).await;
    for (record, other) in [(&from_a, &b), (&from_b, &a)] {
        for name in names(record) {
            let served = media(other, &name, &[]).await;
            assert_eq!(served.status(), 200, "{name}");
            assert_eq!(
                served.bytes().await.unwrap().to_vec(),
                moto.object(&bucket, &name).await,
                "{name}"
            );
        }
    }
    assert!(!db.dir().join("a/media/uploads").exists());
    assert!(!db.dir().join("b/media/uploads").exists());
    a.stop().await.unwrap();
    b.stop().await.unwrap();
}

on_both_backends!(
    the_local_store_serves_its_folder_as_before,
    uploads_land_in_the_bucket_and_are_served_from_it,
    with_a_public_base_url_pages_link_the_bucket,
    migrate_media_copies_a_media_folder_once,
    two_nodes_serve_media_uploaded_on_the_other,
);
