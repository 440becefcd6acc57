//! Fresh databases for tests on both backends.
//!
//! SQLite databases live in a temporary directory. PostgreSQL ones are a
//! fresh schema in the database named by `KHABAR_TEST_DATABASE_URL`
//! (default `postgres://postgres@127.0.0.1:5432/test`), dropped afterwards.
//! When PostgreSQL cannot be reached its tests are skipped with a notice on
//! stderr — except under `CI=true`, where that is a failure.

pub mod browser;
pub mod images;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::{Connection, Executor, PgConnection};

const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

pub struct TestDatabase {
    url: String,
    dir: tempfile::TempDir,
    postgres_schema: Option<(String, String)>,
}

impl TestDatabase {
    /// The URL to open the store with.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A scratch directory for the test (data dir, media, config files).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres_schema.is_some()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((server_url, schema)) = self.postgres_schema.take() {
            // Drop runs inside the test's runtime; a thread of its own
            // may block on another one.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(runtime) = runtime {
                    runtime.block_on(async {
                        if let Ok(mut conn) = PgConnection::connect(&server_url).await {
                            let _ = conn
                                .execute(format!("DROP SCHEMA IF EXISTS {schema} CASCADE").as_str())
                                .await;
                        }
                    });
                }
            })
            .join();
        }
    }
}

/// A new, empty SQLite database file.
pub fn sqlite() -> TestDatabase {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path: PathBuf = dir.path().join("khabar.db");
    TestDatabase {
        url: format!("sqlite://{}", path.display()),
        dir,
        postgres_schema: None,
    }
}

/// A new, empty PostgreSQL schema, or `None` (with a notice) when no server
/// is reachable outside CI.
pub async fn postgres() -> Option<TestDatabase> {
    let server_url = std::env::var("KHABAR_TEST_DATABASE_URL")
        .unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned());
    let mut conn = match PgConnection::connect(&server_url).await {
        Ok(conn) => conn,
        Err(error) => {
            missing(
                "PostgreSQL tests",
                &format!(
                    "cannot reach {server_url} ({error}); set KHABAR_TEST_DATABASE_URL to run them"
                ),
            );
            return None;
        }
    };
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let schema = format!(
        "khabar_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    );
    conn.execute(format!("CREATE SCHEMA {schema}").as_str())
        .await
        .expect("create a test schema");
    let separator = if server_url.contains('?') { '&' } else { '?' };
    let url = format!("{server_url}{separator}options=-c%20search_path%3D{schema}");
    Some(TestDatabase {
        url,
        dir: tempfile::tempdir().expect("a temporary directory"),
        postgres_schema: Some((server_url, schema)),
    })
}

/// A test dependency is missing: under `CI=true` that fails the test;
/// otherwise the tests that need it are skipped with a notice written
/// straight to stderr (the harness hides `print!` output of passing tests,
/// and a skip must be seen).
pub fn missing(what: &str, why: &str) {
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(!in_ci, "CI=true but {what} cannot run: {why}");
    // One notice per missing part, however many tests it skips.
    static NOTICED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let first = NOTICED.lock().is_ok_and(|mut noticed| {
        let first = !noticed.iter().any(|w| w == what);
        if first {
            noticed.push(what.to_owned());
        }
        first
    });
    if first {
        let _ = writeln!(std::io::stderr(), "\nSKIPPED: {what} — {why}.\n");
    }
}

/// Generates, for each named `async fn(&TestDatabase)`, one test per
/// backend: `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = $crate::sqlite();
                super::$name(&db).await;
            }

            #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = $crate::postgres().await {
                    super::$name(&db).await;
                }
            }
        }
    )*};
}
