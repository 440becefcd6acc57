//! Migrations per backend, embedded in the binary.

use std::borrow::Cow;

use futures_util::future::BoxFuture;
use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};

use crate::{Backend, Result, Store};

/// (version, description, SQL) for each backend, oldest first.
const SQLITE: &[(i64, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/sqlite/0001_foundation.sql"),
    ),
    (
        2,
        "accounts",
        include_str!("../migrations/sqlite/0002_accounts.sql"),
    ),
    (
        3,
        "comments",
        include_str!("../migrations/sqlite/0003_comments.sql"),
    ),
];
const POSTGRES: &[(i64, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/postgres/0001_foundation.sql"),
    ),
    (
        2,
        "accounts",
        include_str!("../migrations/postgres/0002_accounts.sql"),
    ),
    (
        3,
        "comments",
        include_str!("../migrations/postgres/0003_comments.sql"),
    ),
];

#[derive(Debug)]
struct Embedded(&'static [(i64, &'static str, &'static str)]);

impl MigrationSource<'static> for Embedded {
    fn resolve(self) -> BoxFuture<'static, Result<Vec<Migration>, BoxDynError>> {
        Box::pin(async move {
            Ok(self
                .0
                .iter()
                .map(|&(version, description, sql)| {
                    Migration::new(
                        version,
                        Cow::Borrowed(description),
                        MigrationType::Simple,
                        Cow::Borrowed(sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

fn migrations(backend: Backend) -> Embedded {
    Embedded(match backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    })
}

impl Store {
    /// Applies every pending migration; safe to run on every start and from
    /// several nodes at once (PostgreSQL takes an advisory lock).
    pub async fn migrate(&self) -> Result<()> {
        let migrator = Migrator::new(migrations(self.backend)).await?;
        migrator.run(&self.write).await?;
        Ok(())
    }
}

pub(crate) async fn is_up_to_date(store: &Store) -> Result<bool> {
    let latest = migrations(store.backend).0.last().map(|m| m.0).unwrap_or(0);
    let applied: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = TRUE")
            .fetch_one(&store.read)
            .await?;
    Ok(applied == Some(latest))
}
