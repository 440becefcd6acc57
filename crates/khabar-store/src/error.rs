use khabar_core::InvalidInput;

/// Everything the store can refuse or fail at. `code()` is stable and is
/// what the HTTP layer and the CLI report.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Invalid(#[from] InvalidInput),
    /// A uniqueness rule refused the write (a slug taken, a name in use).
    #[error("{what} is already taken")]
    Taken { what: &'static str },
    /// Someone else saved first (optimistic locking).
    #[error("this was changed by someone else since you opened it")]
    Conflict,
    #[error("database URLs start with sqlite:// or postgres://")]
    UnsupportedUrl,
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A copy between stores found one not migrated to the latest version.
    #[error(
        "the {which} database is not migrated to this version of khabar (run `khabar migrate` on it)"
    )]
    NotMigrated { which: &'static str },
    /// A copy's target already holds data.
    #[error("the target database is not empty: {table} has {rows} rows")]
    TargetNotEmpty { table: String, rows: u64 },
    /// The two databases' tables differ, or one has a table khabar's
    /// migrations do not make.
    #[error("the table {table} differs from khabar's schema")]
    SchemaDiffers { table: String },
    /// What a copy read back from the target is not what it sent.
    #[error("the copy of {table} does not match: {detail}")]
    CopyMismatch { table: String, detail: String },
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// The comment writer stopped (the store is closing).
    #[error("the comment writer has stopped")]
    WriterGone,
}

impl StoreError {
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::NotFound => "not_found",
            StoreError::Invalid(e) => e.code,
            StoreError::Taken { .. } => "already_taken",
            StoreError::Conflict => "edit_conflict",
            StoreError::UnsupportedUrl => "unsupported_database_url",
            StoreError::Database(_) => "database_error",
            StoreError::NotMigrated { .. } => "not_migrated",
            StoreError::TargetNotEmpty { .. } => "target_not_empty",
            StoreError::SchemaDiffers { .. } => "schema_differs",
            StoreError::CopyMismatch { .. } => "copy_mismatch",
            StoreError::Migration(_) => "migration_failed",
            StoreError::WriterGone => "writer_stopped",
        }
    }

    /// Turns a unique-constraint violation into [`StoreError::Taken`].
    pub(crate) fn taken_if_unique(error: sqlx::Error, what: &'static str) -> StoreError {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Taken { what },
            _ => StoreError::Database(error),
        }
    }
}
