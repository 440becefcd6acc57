//! Copying a whole instance into another, empty database — SQLite to
//! PostgreSQL when a newsroom outgrows one machine, or back — verified
//! table by table.
//!
//! The source is read inside one snapshot, so a copy taken while it still
//! serves is consistent (if already stale). The target is written inside
//! one transaction and committed only when every table's row count and
//! checksum, read back from the target, equal the source's: a failed or
//! interrupted copy leaves the target as empty as it was, and running it
//! again can never double a row. Ids are kept, with each table's counter,
//! so links, search documents, caches and media stay valid.

use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Row, Transaction};

use crate::migrate::schema_tables;
use crate::{Backend, Result, Store, StoreError};

/// At most this many bound values per `INSERT`: well inside both
/// backends' limits, and few round trips.
const VALUES_PER_INSERT: usize = 4000;

/// One table copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCopy {
    pub table: String,
    pub rows: u64,
    /// A checksum of the table's rows that ignores their order (the
    /// backends sort text differently); equal on both sides.
    pub checksum: String,
}

/// How far a copy got, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub struct CopyProgress<'a> {
    pub table: &'a str,
    pub rows_done: u64,
    pub rows_total: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Integer,
    Text,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    name: String,
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Value {
    Integer(Option<i64>),
    Text(Option<String>),
}

impl Store {
    /// Copies every row of this store into `target`, which must be migrated
    /// to the same version and hold nothing but what the migrations put
    /// there. Returns each table's count and checksum, in copy order.
    pub async fn copy_into(
        &self,
        target: &Store,
        mut progress: impl FnMut(CopyProgress<'_>),
    ) -> Result<Vec<TableCopy>> {
        for (store, which) in [(self, "source"), (target, "target")] {
            if !store.is_ready().await {
                return Err(StoreError::NotMigrated { which });
            }
        }
        let tables = schema_tables();
        let mut source = self.snapshot().await?;
        let mut into = target.begin_write().await?;

        // Refuse before writing anything: a table the migrations do not
        // know, or a target that already holds data.
        for name in table_names(&mut source, self.backend).await? {
            if !tables.iter().any(|t| t.name == name) {
                return Err(StoreError::SchemaDiffers { table: name });
            }
        }
        let mut columns = Vec::with_capacity(tables.len());
        let mut rows_total = 0;
        for table in &tables {
            let here = table_columns(&mut source, self.backend, &table.name).await?;
            let there = table_columns(&mut into, target.backend, &table.name).await?;
            if here != there || here.is_empty() {
                return Err(StoreError::SchemaDiffers {
                    table: table.name.clone(),
                });
            }
            columns.push(here);
            rows_total += count(&mut source, &table.name).await?;
            let present = count(&mut into, &table.name).await?;
            if present > 0 && !table.seeded {
                return Err(StoreError::TargetNotEmpty {
                    table: table.name.clone(),
                    rows: present,
                });
            }
        }

        let mut copied = Vec::with_capacity(tables.len());
        let mut rows_done = 0;
        for (table, columns) in tables.iter().zip(&columns) {
            progress(CopyProgress {
                table: &table.name,
                rows_done,
                rows_total,
            });
            if table.seeded {
                sqlx::query(&format!("DELETE FROM {}", table.name))
                    .execute(&mut *into)
                    .await?;
            }
            let sent = copy_table(&mut source, &mut into, &table.name, columns, |rows| {
                progress(CopyProgress {
                    table: &table.name,
                    rows_done: rows_done + rows,
                    rows_total,
                });
            })
            .await?;
            rows_done += sent.rows;
            if let Some(column) = &table.identity {
                let counter = high_water(&mut source, self.backend, &table.name, column).await?;
                set_high_water(&mut into, target.backend, &table.name, column, counter).await?;
            }
            let stored = checksum_table(&mut into, &table.name, columns).await?;
            if stored != sent {
                return Err(StoreError::CopyMismatch {
                    table: table.name.clone(),
                    detail: format!(
                        "{} rows with checksum {} sent, {} rows with checksum {} stored",
                        sent.rows, sent.checksum, stored.rows, stored.checksum
                    ),
                });
            }
            copied.push(sent);
        }
        into.commit().await?;
        progress(CopyProgress {
            table: "",
            rows_done,
            rows_total,
        });
        Ok(copied)
    }

    /// Every table's row count and checksum, as [`Store::copy_into`]
    /// reports them: comparing two stores' shows whether they hold the
    /// same rows.
    pub async fn table_checksums(&self) -> Result<Vec<TableCopy>> {
        let mut snapshot = self.snapshot().await?;
        let mut sums = Vec::new();
        for table in schema_tables() {
            let columns = table_columns(&mut snapshot, self.backend, &table.name).await?;
            sums.push(checksum_table(&mut snapshot, &table.name, &columns).await?);
        }
        Ok(sums)
    }

    /// A read-only transaction that sees one moment of the database.
    pub(crate) async fn snapshot(&self) -> Result<Transaction<'static, Any>> {
        let mut tx = self.read.begin().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *tx)
                .await?;
        }
        // SQLite's snapshot starts at the first read, which comes next.
        Ok(tx)
    }
}

/// Streams one table from `source` into `into` in batches, hashing what it
/// sends. Rows go in by their first column (the id), so a reply's parent
/// comment is always there before it.
async fn copy_table(
    source: &mut AnyConnection,
    into: &mut AnyConnection,
    table: &str,
    columns: &[Column],
    mut sent: impl FnMut(u64),
) -> Result<TableCopy> {
    let names = column_list(columns);
    let select = format!("SELECT {names} FROM {table} ORDER BY 1");
    let per_insert = (VALUES_PER_INSERT / columns.len()).max(1);
    let mut sum = RowSum::default();
    let mut batch: Vec<Vec<Value>> = Vec::with_capacity(per_insert);
    let mut rows = sqlx::query(&select).fetch(&mut *source);
    while let Some(row) = rows.try_next().await? {
        let values = read_row(&row, columns)?;
        sum.add(&values);
        batch.push(values);
        if batch.len() == per_insert {
            insert(into, table, &names, &batch).await?;
            batch.clear();
            sent(sum.rows);
        }
    }
    if !batch.is_empty() {
        insert(into, table, &names, &batch).await?;
        sent(sum.rows);
    }
    Ok(sum.finish(table))
}

async fn insert(
    into: &mut AnyConnection,
    table: &str,
    names: &str,
    batch: &[Vec<Value>],
) -> Result<()> {
    let width = batch.first().map_or(0, Vec::len);
    let tuples: Vec<String> = (0..batch.len())
        .map(|row| {
            let params: Vec<String> = (1..=width)
                .map(|column| format!("${}", row * width + column))
                .collect();
            format!("({})", params.join(", "))
        })
        .collect();
    let sql = format!("INSERT INTO {table} ({names}) VALUES {}", tuples.join(", "));
    let mut query = sqlx::query(&sql);
    for value in batch.iter().flatten() {
        query = match value {
            Value::Integer(v) => query.bind(*v),
            Value::Text(v) => query.bind(v.clone()),
        };
    }
    query.execute(&mut *into).await?;
    Ok(())
}

async fn checksum_table(
    conn: &mut AnyConnection,
    table: &str,
    columns: &[Column],
) -> Result<TableCopy> {
    let select = format!("SELECT {} FROM {table}", column_list(columns));
    let mut sum = RowSum::default();
    let mut rows = sqlx::query(&select).fetch(&mut *conn);
    while let Some(row) = rows.try_next().await? {
        sum.add(&read_row(&row, columns)?);
    }
    Ok(sum.finish(table))
}

fn read_row(row: &AnyRow, columns: &[Column]) -> Result<Vec<Value>> {
    columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            Ok(match column.kind {
                Kind::Integer => Value::Integer(row.try_get(i)?),
                Kind::Text => Value::Text(row.try_get(i)?),
            })
        })
        .collect()
}

fn column_list(columns: &[Column]) -> String {
    columns
        .iter()
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// An order-independent checksum: the wrapping sum of each row's SHA-256
/// (its first 16 bytes), so both sides agree however they sort.
#[derive(Default)]
struct RowSum {
    rows: u64,
    sum: u128,
}

impl RowSum {
    fn add(&mut self, values: &[Value]) {
        let mut hash = Sha256::new();
        for value in values {
            match value {
                Value::Integer(None) | Value::Text(None) => hash.update([0]),
                Value::Integer(Some(n)) => {
                    hash.update([1]);
                    hash.update(n.to_be_bytes());
                }
                Value::Text(Some(text)) => {
                    hash.update([2]);
                    hash.update((text.len() as u64).to_be_bytes());
                    hash.update(text.as_bytes());
                }
            }
        }
        let digest = hash.finalize();
        let mut first = [0u8; 16];
        first.copy_from_slice(&digest[..16]);
        self.sum = self.sum.wrapping_add(u128::from_be_bytes(first));
        self.rows += 1;
    }

    fn finish(self, table: &str) -> TableCopy {
        TableCopy {
            table: table.to_owned(),
            rows: self.rows,
            checksum: format!("{:032x}", self.sum),
        }
    }
}

async fn count(conn: &mut AnyConnection, table: &str) -> Result<u64> {
    let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&mut *conn)
        .await?;
    Ok(rows.max(0) as u64)
}

/// The tables in the database, without the migrations' own bookkeeping.
async fn table_names(conn: &mut AnyConnection, backend: Backend) -> Result<Vec<String>> {
    let sql = match backend {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_schema WHERE type = 'table'
             AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'"
        }
        Backend::Postgres => {
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
             AND table_name <> '_sqlx_migrations'"
        }
    };
    Ok(sqlx::query_scalar(sql).fetch_all(&mut *conn).await?)
}

/// A table's columns in their order, each read as a whole number or text:
/// the schema uses nothing else (times are Unix milliseconds, flags 0/1).
async fn table_columns(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &str,
) -> Result<Vec<Column>> {
    let sql = match backend {
        Backend::Sqlite => "SELECT name, type FROM pragma_table_info($1) ORDER BY cid",
        Backend::Postgres => {
            "SELECT column_name::text, data_type::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1
             ORDER BY ordinal_position"
        }
    };
    let rows: Vec<(String, String)> = sqlx::query_as(sql)
        .bind(table)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(name, declared)| Column {
            name,
            kind: if declared.to_ascii_uppercase().contains("INT") {
                Kind::Integer
            } else {
                Kind::Text
            },
        })
        .collect())
}

/// The highest id a table's counter has handed out, deleted rows included,
/// so the target never hands out an id the source already used.
async fn high_water(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &str,
    column: &str,
) -> Result<i64> {
    let counter: Option<i64> = match backend {
        Backend::Sqlite => {
            sqlx::query_scalar("SELECT seq FROM sqlite_sequence WHERE name = $1")
                .bind(table)
                .fetch_optional(&mut *conn)
                .await?
        }
        Backend::Postgres => {
            sqlx::query_scalar(
                "SELECT pg_sequence_last_value(pg_get_serial_sequence($1, $2)::regclass)",
            )
            .bind(table)
            .bind(column)
            .fetch_one(&mut *conn)
            .await?
        }
    };
    let largest: Option<i64> = sqlx::query_scalar(&format!("SELECT MAX({column}) FROM {table}"))
        .fetch_one(&mut *conn)
        .await?;
    Ok(counter.unwrap_or(0).max(largest.unwrap_or(0)))
}

async fn set_high_water(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &str,
    column: &str,
    counter: i64,
) -> Result<()> {
    if counter < 1 {
        return Ok(());
    }
    match backend {
        Backend::Sqlite => {
            // Explicit ids already moved the counter to the largest copied;
            // deleted rows past it need it set.
            sqlx::query("DELETE FROM sqlite_sequence WHERE name = $1")
                .bind(table)
                .execute(&mut *conn)
                .await?;
            sqlx::query("INSERT INTO sqlite_sequence (name, seq) VALUES ($1, $2)")
                .bind(table)
                .bind(counter)
                .execute(&mut *conn)
                .await?;
        }
        Backend::Postgres => {
            sqlx::query("SELECT setval(pg_get_serial_sequence($1, $2), $3)")
                .bind(table)
                .bind(column)
                .bind(counter)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}
