//! `khabar export`: the whole instance as documented JSON lines
//! (docs/export.md), written as the store reads it — never held whole.

use std::collections::BTreeMap;
use std::io::Write;

use khabar_store::{ExportRecord, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("writing the export: {0}")]
    Write(#[from] std::io::Error),
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

impl ExportError {
    /// A stable code for the CLI and logs.
    pub fn code(&self) -> &'static str {
        match self {
            ExportError::Write(_) => "write_failed",
            ExportError::Store(_) => "internal",
        }
    }
}

/// Writes the instance known as `site` (its base URL) to `out`, one record
/// a line; `progress(records, kind)` follows. Returns how many records of
/// each kind it wrote.
pub async fn export(
    store: &Store,
    site: &str,
    mut out: impl Write,
    mut progress: impl FnMut(u64, &str),
) -> Result<BTreeMap<String, u64>, ExportError> {
    let mut written: BTreeMap<String, u64> = BTreeMap::new();
    let mut records = 0;
    store
        .export(site, |record: ExportRecord| -> Result<(), ExportError> {
            serde_json::to_writer(&mut out, &record).map_err(std::io::Error::from)?;
            out.write_all(b"\n")?;
            *written.entry(record.kind().to_owned()).or_default() += 1;
            records += 1;
            progress(records, record.kind());
            Ok(())
        })
        .await?;
    out.flush()?;
    Ok(written)
}
