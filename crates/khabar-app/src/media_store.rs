//! Where media files live: the data directory's `media` folder (the
//! default) or an S3-compatible bucket. Uploads, their variants, the site
//! icons and the demo's images are written, read, listed and served only
//! through [`MediaStore`], so every node of a site sees the same files
//! whichever backend holds them.

use std::fmt;
use std::path::Path as FsPath;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::stream::{BoxStream, StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{BackoffConfig, GetOptions, GetRange, ObjectStore, PutPayload, RetryConfig};
use serde::{Deserialize, Serialize};

use crate::error::{Failure, Kind};

/// Which backend holds the media.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// `<data_dir>/media`, as before there was a choice.
    #[default]
    Local,
    /// A bucket of AWS S3 or any server that speaks its API.
    S3,
}

/// The `[media]` section of the configuration. The credentials are best
/// given by the environment (`KHABAR_MEDIA__ACCESS_KEY_ID`,
/// `KHABAR_MEDIA__SECRET_ACCESS_KEY`, or the usual `AWS_*` variables) and
/// are never printed.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MediaSettings {
    pub store: Backend,
    pub bucket: Option<String>,
    /// The bucket's region [default: `us-east-1`, which most S3-compatible
    /// servers accept].
    pub region: Option<String>,
    /// An S3-compatible server's address, such as `http://127.0.0.1:9000`;
    /// unset for AWS itself.
    pub endpoint: Option<String>,
    /// `https://endpoint/bucket/key` addresses rather than
    /// `https://bucket.endpoint/key`, as MinIO and most self-hosted
    /// servers want.
    pub path_style: bool,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    /// Where readers fetch media, such as `https://media.news.example`:
    /// the bucket, or a CDN in front of it or of khabar's `/media/`. Pages
    /// link there; with a bucket, khabar's own `/media/…` redirects there.
    pub public_base_url: Option<String>,
}

impl fmt::Debug for MediaSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |set: &Option<String>| set.as_ref().map(|_| "(set)");
        f.debug_struct("MediaSettings")
            .field("store", &self.store)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("path_style", &self.path_style)
            .field("access_key_id", &hidden(&self.access_key_id))
            .field("secret_access_key", &hidden(&self.secret_access_key))
            .field("public_base_url", &self.public_base_url)
            .finish()
    }
}

impl MediaSettings {
    /// The first setting that cannot work, as (key, message).
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        if self.store == Backend::S3 && self.bucket.as_deref().is_none_or(str::is_empty) {
            return Err(("media.bucket", "required when media.store is \"s3\"".into()));
        }
        let web = |url: &str| url.starts_with("https://") || url.starts_with("http://");
        if let Some(url) = &self.endpoint
            && !web(url)
        {
            return Err((
                "media.endpoint",
                format!("“{url}” is not an http:// or https:// address"),
            ));
        }
        if let Some(url) = &self.public_base_url
            && !web(url)
        {
            return Err((
                "media.public_base_url",
                format!("“{url}” is not an http:// or https:// address"),
            ));
        }
        Ok(())
    }

    /// The store these settings name; `media_dir` is the local folder
    /// (created when missing).
    pub fn open(&self, media_dir: &FsPath) -> Result<MediaStore, MediaStoreError> {
        let store: Arc<dyn ObjectStore> = match self.store {
            Backend::Local => return MediaStore::local(media_dir, self.public_base_url.clone()),
            Backend::S3 => {
                let mut builder = AmazonS3Builder::from_env()
                    .with_bucket_name(self.bucket.clone().unwrap_or_default())
                    .with_region(self.region.as_deref().unwrap_or("us-east-1"))
                    .with_virtual_hosted_style_request(!self.path_style)
                    .with_retry(RETRY);
                if let Some(endpoint) = &self.endpoint {
                    builder = builder
                        .with_allow_http(endpoint.starts_with("http://"))
                        .with_endpoint(endpoint);
                }
                if let Some(key) = &self.access_key_id {
                    builder = builder.with_access_key_id(key);
                }
                if let Some(secret) = &self.secret_access_key {
                    builder = builder.with_secret_access_key(secret);
                }
                Arc::new(builder.build()?)
            }
        };
        let describe = format!(
            "the S3 bucket {}",
            self.bucket.as_deref().unwrap_or_default()
        );
        Ok(MediaStore::new(
            store,
            describe,
            self.public_base_url.clone(),
            true,
        ))
    }
}

/// A reader waits for an image: a few quick retries of a failing bucket,
/// not object_store's ten within three minutes (past the request timeout).
const RETRY: RetryConfig = RetryConfig {
    backoff: BackoffConfig {
        init_backoff: std::time::Duration::from_millis(100),
        max_backoff: std::time::Duration::from_secs(2),
        base: 2.0,
    },
    max_retries: 3,
    retry_timeout: std::time::Duration::from_secs(15),
};

#[derive(Debug, thiserror::Error)]
pub enum MediaStoreError {
    /// A name that cannot be a media file's (`..`, empty parts).
    #[error("no such media file")]
    BadName,
    #[error("the media store failed: {0}")]
    Backend(#[from] object_store::Error),
    #[error("the media folder cannot be made: {0}")]
    Folder(#[from] std::io::Error),
}

impl Failure for MediaStoreError {
    fn kind(&self) -> Kind {
        match self {
            MediaStoreError::BadName => Kind::NotFound,
            MediaStoreError::Backend(object_store::Error::NotFound { .. }) => Kind::NotFound,
            MediaStoreError::Backend(_) | MediaStoreError::Folder(_) => Kind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self.kind() {
            Kind::NotFound => "not_found",
            _ => "media_store_failed",
        }
    }
}

/// A file's size, version tag and time, as the store reports them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobMeta {
    /// The name under the media root, such as `uploads/3fa4….jpg`.
    pub name: String,
    pub size: u64,
    /// A strong HTTP entity tag, quoted: S3's, or the local file's inode,
    /// time and size.
    pub etag: String,
    pub modified: jiff::Timestamp,
}

/// Part of a file, as a `Range` header asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Bytes `start..end`.
    Bounded(u64, u64),
    /// From `start` to the end.
    From(u64),
    /// The last so many bytes.
    Last(u64),
}

/// A file's bytes as they arrive, with what is known of it.
pub struct Blob {
    pub meta: BlobMeta,
    /// The bytes sent: `start..end` of `meta.size`.
    pub range: std::ops::Range<u64>,
    pub body: BoxStream<'static, Result<Bytes, MediaStoreError>>,
}

/// The media files of a site, wherever they are kept.
#[derive(Clone)]
pub struct MediaStore {
    inner: Arc<dyn ObjectStore>,
    /// For messages: "the folder …" or "the S3 bucket …".
    describe: String,
    public_base_url: Option<String>,
    /// Whether the files are elsewhere than this machine (a bucket).
    remote: bool,
}

impl fmt::Debug for MediaStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe)
    }
}

impl fmt::Display for MediaStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe)
    }
}

impl MediaStore {
    fn new(
        inner: Arc<dyn ObjectStore>,
        describe: String,
        public_base_url: Option<String>,
        remote: bool,
    ) -> MediaStore {
        MediaStore {
            inner,
            describe,
            public_base_url: public_base_url.map(|url| url.trim_end_matches('/').to_owned()),
            remote,
        }
    }

    /// The files under `dir` (created when missing).
    pub fn local(
        dir: &FsPath,
        public_base_url: Option<String>,
    ) -> Result<MediaStore, MediaStoreError> {
        std::fs::create_dir_all(dir)?;
        let inner = Arc::new(LocalFileSystem::new_with_prefix(dir)?);
        Ok(MediaStore::new(
            inner,
            format!("the folder {}", dir.display()),
            public_base_url,
            false,
        ))
    }

    /// Where readers' browsers fetch the media file `name` (`uploads/…`):
    /// the public base URL's, else khabar's own `/media/…`.
    pub fn public_url(&self, name: &str) -> String {
        match &self.public_base_url {
            Some(base) => format!("{base}/{name}"),
            None => format!("/media/{name}"),
        }
    }

    /// Where readers fetch media from, when not from khabar's `/media/`.
    pub fn public_base_url(&self) -> Option<&str> {
        self.public_base_url.as_deref()
    }

    /// Where khabar's `/media/{name}` sends a reader instead of answering
    /// itself: the public address, when the files are in a bucket. A CDN
    /// in front of the local store fetches from `/media/`, which must then
    /// answer.
    pub fn redirect(&self, name: &str) -> Option<String> {
        (self.remote && self.public_base_url.is_some()).then(|| self.public_url(name))
    }

    /// Writes `bytes` as `name` unless a file of that name and size is
    /// there already (names come from the content's hash). A reader never
    /// sees half a file: the local store writes aside and renames, S3
    /// shows an object once its upload completes. Returns whether it wrote.
    pub async fn put(&self, name: &str, bytes: Vec<u8>) -> Result<bool, MediaStoreError> {
        let path = path_of(name)?;
        if self
            .head(name)
            .await?
            .is_some_and(|meta| meta.size == bytes.len() as u64)
        {
            return Ok(false);
        }
        self.inner.put(&path, PutPayload::from(bytes)).await?;
        Ok(true)
    }

    /// What is known of `name`, if it is there.
    pub async fn head(&self, name: &str) -> Result<Option<BlobMeta>, MediaStoreError> {
        let path = path_of(name)?;
        match self.inner.head(&path).await {
            Ok(meta) => Ok(Some(blob_meta(meta))),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }

    /// `name`'s bytes, or `part` of them, streamed; `None` when there is no
    /// such file. A part beyond the end is an error of kind `Invalid`.
    pub async fn get(
        &self,
        name: &str,
        part: Option<Part>,
    ) -> Result<Option<Blob>, MediaStoreError> {
        let path = path_of(name)?;
        let options = GetOptions {
            range: part.map(|part| match part {
                Part::Bounded(start, end) => GetRange::Bounded(start..end),
                Part::From(start) => GetRange::Offset(start),
                Part::Last(n) => GetRange::Suffix(n),
            }),
            ..GetOptions::default()
        };
        let got = match self.inner.get_opts(&path, options).await {
            Ok(got) => got,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(error) => return Err(error.into()),
        };
        let meta = blob_meta(got.meta.clone());
        let range = got.range.clone();
        let body = got.into_stream().map_err(MediaStoreError::from).boxed();
        Ok(Some(Blob { meta, range, body }))
    }

    /// `name`'s whole bytes, if it is there.
    pub async fn read(&self, name: &str) -> Result<Option<Vec<u8>>, MediaStoreError> {
        let path = path_of(name)?;
        match self.inner.get(&path).await {
            Ok(got) => Ok(Some(got.bytes().await?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }

    /// Every file under `prefix` (`""` for all), in no particular order.
    pub async fn list(&self, prefix: &str) -> Result<Vec<BlobMeta>, MediaStoreError> {
        let prefix = match prefix {
            "" => None,
            prefix => Some(path_of(prefix)?),
        };
        self.inner
            .list(prefix.as_ref())
            .map_ok(blob_meta)
            .map_err(MediaStoreError::from)
            .try_collect()
            .await
    }

    /// Removes `name`; a file already gone is no error.
    pub async fn delete(&self, name: &str) -> Result<(), MediaStoreError> {
        match self.inner.delete(&path_of(name)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(error.into()),
        }
    }
}

/// A media name as the store's path: no empty, `.` or `..` parts, no
/// backslash or control character, nothing hidden.
fn path_of(name: &str) -> Result<Path, MediaStoreError> {
    let plain = !name.is_empty()
        && !name.starts_with('/')
        && !name.contains(['\\', '#'])
        && !name.chars().any(char::is_control)
        && name.split('/').all(|part| !part.starts_with('.'));
    if !plain {
        return Err(MediaStoreError::BadName);
    }
    Path::parse(name).map_err(|_| MediaStoreError::BadName)
}

fn blob_meta(meta: object_store::ObjectMeta) -> BlobMeta {
    let tag = meta.e_tag.unwrap_or_else(|| {
        format!(
            "{:x}-{:x}",
            meta.last_modified.timestamp_micros(),
            meta.size
        )
    });
    BlobMeta {
        name: meta.location.to_string(),
        size: meta.size,
        etag: format!("\"{}\"", tag.trim_matches('"')),
        modified: jiff::Timestamp::from_second(meta.last_modified.timestamp())
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH),
    }
}

/// What [`copy_all`] did or, on a dry run, would do.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CopyReport {
    pub copied: u64,
    pub copied_bytes: u64,
    /// Already in the target with the same size.
    pub skipped: u64,
}

/// Copies every file of `from` into `to`, leaving those already there
/// with the same size (names are content hashes); calls `progress(done,
/// total)` after each. With `dry_run`, only counts.
pub async fn copy_all(
    from: &MediaStore,
    to: &MediaStore,
    dry_run: bool,
    progress: impl Fn(u64, u64),
) -> Result<CopyReport, MediaStoreError> {
    let mut files = from.list("").await?;
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let total = files.len() as u64;
    let mut report = CopyReport::default();
    for (done, file) in files.iter().enumerate() {
        if to
            .head(&file.name)
            .await?
            .is_some_and(|there| there.size == file.size)
        {
            report.skipped += 1;
        } else {
            if !dry_run {
                let path = path_of(&file.name)?;
                let bytes = from.inner.get(&path).await?.bytes().await?;
                to.inner.put(&path, PutPayload::from(bytes)).await?;
            }
            report.copied += 1;
            report.copied_bytes += file.size;
        }
        progress(done as u64 + 1, total);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_could_leave_the_media_root_are_refused() {
        for bad in [
            "",
            "/etc/passwd",
            "../secret",
            "uploads/../../x",
            "uploads//x",
            "uploads/.hidden",
            "a\\b",
            "a\0b",
            "uploads/x.jpg#1",
        ] {
            assert!(
                matches!(path_of(bad), Err(MediaStoreError::BadName)),
                "{bad:?}"
            );
        }
        assert!(path_of("uploads/0123abcd.jpg").is_ok());
        assert!(path_of("demo/harbour-dawn.svg").is_ok());
    }

    #[test]
    fn settings_name_what_cannot_work_and_never_show_the_secret() {
        let mut settings = MediaSettings {
            store: Backend::S3,
            ..MediaSettings::default()
        };
        assert_eq!(settings.check().unwrap_err().0, "media.bucket");
        settings.bucket = Some("news".into());
        settings.endpoint = Some("minio:9000".into());
        assert_eq!(settings.check().unwrap_err().0, "media.endpoint");
        settings.endpoint = Some("http://127.0.0.1:9000".into());
        settings.public_base_url = Some("cdn.example".into());
        assert_eq!(settings.check().unwrap_err().0, "media.public_base_url");
        settings.public_base_url = None;
        assert!(settings.check().is_ok());
        settings.access_key_id = Some("AKIAEXAMPLEKEY".into());
        settings.secret_access_key = Some("wJalrXUtnFEMI/K7MDENG".into());
        let shown = format!("{settings:?}");
        assert!(
            !shown.contains("AKIAEXAMPLEKEY") && !shown.contains("wJalrXUtnFEMI"),
            "{shown}"
        );
        assert!(
            shown.contains("secret_access_key: Some(\"(set)\")"),
            "{shown}"
        );
    }

    #[tokio::test]
    async fn local_files_round_trip_and_copy_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = MediaStore::local(&dir.path().join("media"), None).unwrap();
        assert!(
            store
                .put("uploads/a.png", b"0123456789".to_vec())
                .await
                .unwrap()
        );
        assert!(
            !store
                .put("uploads/a.png", b"0123456789".to_vec())
                .await
                .unwrap()
        );
        assert_eq!(
            std::fs::read(dir.path().join("media/uploads/a.png")).unwrap(),
            b"0123456789"
        );
        let meta = store.head("uploads/a.png").await.unwrap().unwrap();
        assert_eq!((meta.name.as_str(), meta.size), ("uploads/a.png", 10));
        assert!(meta.etag.starts_with('"') && meta.etag.ends_with('"'));
        let part = store
            .get("uploads/a.png", Some(Part::Bounded(2, 5)))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(part.range, 2..5);
        let bytes: Vec<Bytes> = part.body.try_collect().await.unwrap();
        assert_eq!(bytes.concat(), b"234");
        assert!(store.get("uploads/b.png", None).await.unwrap().is_none());
        assert_eq!(store.public_url("uploads/a.png"), "/media/uploads/a.png");

        let other = MediaStore::local(
            &dir.path().join("other"),
            Some("https://cdn.example/".into()),
        )
        .unwrap();
        assert_eq!(
            other.public_url("uploads/a.png"),
            "https://cdn.example/uploads/a.png"
        );
        let copied = copy_all(&store, &other, true, |_, _| {}).await.unwrap();
        assert_eq!((copied.copied, copied.skipped), (1, 0));
        assert!(other.list("").await.unwrap().is_empty());
        copy_all(&store, &other, false, |_, _| {}).await.unwrap();
        let again = copy_all(&store, &other, false, |_, _| {}).await.unwrap();
        assert_eq!((again.copied, again.skipped), (0, 1));
        store.delete("uploads/a.png").await.unwrap();
        assert!(store.head("uploads/a.png").await.unwrap().is_none());
    }
}
