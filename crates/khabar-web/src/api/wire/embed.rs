//! Embedded discussions (docs/embed.md) on the wire.

use serde::Serialize;
use utoipa::ToSchema;

/// The comment counts of host pages, in the order asked.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = EmbedCounts)]
pub(crate) struct EmbedCounts {
    pub(crate) counts: Vec<EmbedCount>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct EmbedCount {
    /// The URL as asked.
    pub(crate) url: String,
    /// Visible comments of its discussion; 0 before it has one.
    pub(crate) count: i64,
}
