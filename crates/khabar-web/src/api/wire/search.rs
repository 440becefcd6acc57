//! Search results on the wire.

use jiff::Timestamp;
use khabar_search::{ArticleHit, CommentHit, Hits, Suggestion};
use serde::Serialize;
use utoipa::ToSchema;

/// A published edition that matched.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ArticleMatch {
    pub(crate) edition_id: i64,
    pub(crate) story_id: i64,
    pub(crate) lang: String,
    pub(crate) slug: String,
    pub(crate) headline: String,
    /// HTML: the text around the matches, escaped, matches in `<mark>`.
    pub(crate) snippet: String,
    /// The section's slug.
    pub(crate) section: Option<String>,
    pub(crate) section_name: Option<String>,
    pub(crate) published_at: Timestamp,
}

/// A search that finds stories, offered in place of one that found none.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SearchSuggestion {
    /// The search with one word respelt (a hamza added or moved, ة for
    /// ت, one letter off): send it as `q`, the other parameters unchanged.
    pub(crate) text: String,
    /// How many stories it finds.
    pub(crate) total: usize,
}

impl From<Suggestion> for SearchSuggestion {
    fn from(suggestion: Suggestion) -> Self {
        SearchSuggestion {
            text: suggestion.text,
            total: suggestion.total,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ArticleResults {
    pub(crate) hits: Vec<ArticleMatch>,
    pub(crate) total: usize,
    pub(crate) page: u32,
    pub(crate) has_more: bool,
    /// Only when the first page is empty: the nearest search that finds
    /// something, if there is one.
    pub(crate) suggestion: Option<SearchSuggestion>,
    /// Only when the first page is empty and `lang` was given: how many
    /// stories the same search finds in every language (send it without
    /// `lang`), if any.
    pub(crate) elsewhere: Option<usize>,
}

impl From<Hits<ArticleHit>> for ArticleResults {
    fn from(hits: Hits<ArticleHit>) -> Self {
        ArticleResults {
            hits: hits
                .hits
                .into_iter()
                .map(|h| ArticleMatch {
                    edition_id: h.edition_id,
                    story_id: h.story_id,
                    lang: h.lang.to_string(),
                    slug: h.slug,
                    headline: h.headline,
                    snippet: h.snippet,
                    section: h.section,
                    section_name: h.section_name,
                    published_at: h.published_at,
                })
                .collect(),
            total: hits.total,
            page: hits.page,
            has_more: hits.has_more,
            suggestion: hits.suggestion.map(SearchSuggestion::from),
            elsewhere: hits.elsewhere,
        }
    }
}

/// A comment that matched, in any status.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CommentMatch {
    pub(crate) comment_id: i64,
    pub(crate) edition_id: i64,
    pub(crate) story_id: i64,
    pub(crate) lang: String,
    /// The author's username.
    pub(crate) author: String,
    pub(crate) status: String,
    pub(crate) snippet: String,
    pub(crate) created_at: Timestamp,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CommentResults {
    pub(crate) hits: Vec<CommentMatch>,
    pub(crate) total: usize,
    pub(crate) page: u32,
    pub(crate) has_more: bool,
}

impl From<Hits<CommentHit>> for CommentResults {
    fn from(hits: Hits<CommentHit>) -> Self {
        CommentResults {
            hits: hits
                .hits
                .into_iter()
                .map(|h| CommentMatch {
                    comment_id: h.comment_id,
                    edition_id: h.edition_id,
                    story_id: h.story_id,
                    lang: h.lang.to_string(),
                    author: h.author,
                    status: h.status.to_string(),
                    snippet: h.snippet,
                    created_at: h.created_at,
                })
                .collect(),
            total: hits.total,
            page: hits.page,
            has_more: hits.has_more,
        }
    }
}
