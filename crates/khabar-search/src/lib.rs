//! khabar's search: one tantivy index of published editions and of
//! comments, in the data directory. It is derived state: `rebuild` makes
//! it from the store, `follow` keeps it current from the events log, and
//! the last event applied is stored with each commit, so a restart
//! resumes where it stopped.

mod indexer;
pub mod query;
mod tokenizer;

use std::path::Path;
use std::sync::Mutex;

use jiff::Timestamp;
use khabar_core::Lang;
use khabar_store::{Article, CommentStatus, IndexedComment};
use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DateTime, DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument,
    Term, doc,
};

pub use indexer::{follow, rebuild, resume};
use tokenizer::{Analyzer, EXACT, STEMMED};

/// Memory the writer may buffer before it flushes a segment.
const WRITER_MEMORY: usize = 50_000_000;
/// Latin words this long or longer also match with one typo.
const FUZZY_MIN_CHARS: usize = 5;
/// Most results a page may ask for.
pub const MAX_PER_PAGE: u32 = 50;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// Nothing searchable was typed.
    #[error("type a word to search for")]
    EmptyQuery,
    #[error("a search may be at most {} characters", query::MAX_QUERY_CHARS)]
    QueryTooLong,
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index: {0}")]
    Open(#[from] tantivy::directory::error::OpenDirectoryError),
    #[error("search index: {0}")]
    Store(#[from] khabar_store::StoreError),
}

impl SearchError {
    pub fn code(&self) -> &'static str {
        match self {
            SearchError::EmptyQuery => "empty_query",
            SearchError::QueryTooLong => "query_too_long",
            SearchError::Index(_) | SearchError::Open(_) | SearchError::Store(_) => "internal",
        }
    }
}

pub type Result<T, E = SearchError> = std::result::Result<T, E>;

/// The index's fields.
#[derive(Clone, Copy)]
struct Fields {
    /// `e:ID` for editions, `c:ID` for comments: what updates replace.
    key: Field,
    kind: Field,
    id: Field,
    story_id: Field,
    edition_id: Field,
    lang: Field,
    slug: Field,
    headline: Field,
    headline_exact: Field,
    /// Standfirst, body, tags, section and authors (comments: the body).
    text: Field,
    text_exact: Field,
    section: Field,
    section_name: Field,
    tags: Field,
    authors: Field,
    status: Field,
    at: Field,
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let analyzed = |tokenizer: &str, stored: bool| {
        let options = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored {
            options.set_stored()
        } else {
            options
        }
    };
    let fields = Fields {
        key: builder.add_text_field("key", STRING),
        kind: builder.add_text_field("kind", STRING),
        id: builder.add_u64_field("id", INDEXED | STORED),
        story_id: builder.add_u64_field("story_id", INDEXED | STORED),
        edition_id: builder.add_u64_field("edition_id", STORED),
        lang: builder.add_text_field("lang", STRING | STORED),
        slug: builder.add_text_field("slug", STORED),
        headline: builder.add_text_field("headline", analyzed(STEMMED, true)),
        headline_exact: builder.add_text_field("headline_exact", analyzed(EXACT, false)),
        text: builder.add_text_field("text", analyzed(STEMMED, true)),
        text_exact: builder.add_text_field("text_exact", analyzed(EXACT, false)),
        section: builder.add_text_field("section", STRING | STORED),
        section_name: builder.add_text_field("section_name", STORED),
        tags: builder.add_text_field("tags", STRING),
        authors: builder.add_text_field("authors", STRING | STORED),
        status: builder.add_text_field("status", STRING | STORED),
        at: builder.add_date_field("at", INDEXED | STORED | FAST),
    };
    (builder.build(), fields)
}

/// The index, its one writer and a reader reloaded after each commit.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
}

/// What a search for stories asks.
#[derive(Debug, Clone, Default)]
pub struct ArticleSearch {
    pub text: String,
    /// Only editions in this language (none: every language).
    pub lang: Option<Lang>,
    /// Editions in this language rank a little higher.
    pub prefer: Option<Lang>,
    pub section: Option<String>,
    pub tag: Option<String>,
    pub author: Option<String>,
    pub from: Option<Timestamp>,
    pub until: Option<Timestamp>,
    /// Newest first instead of most relevant first.
    pub newest: bool,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArticleHit {
    pub edition_id: i64,
    pub story_id: i64,
    pub lang: String,
    pub slug: String,
    pub headline: String,
    /// HTML: the text around the matches, escaped, matches in `<mark>`.
    pub snippet: String,
    pub section: Option<String>,
    pub section_name: Option<String>,
    pub published_at: Timestamp,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hits<T> {
    pub hits: Vec<T>,
    pub total: usize,
    pub page: u32,
    pub has_more: bool,
}

/// What a moderator's search for comments asks.
#[derive(Debug, Clone, Default)]
pub struct CommentSearch {
    pub text: String,
    /// A username.
    pub author: Option<String>,
    pub story_id: Option<i64>,
    pub status: Option<String>,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommentHit {
    pub comment_id: i64,
    pub edition_id: i64,
    pub story_id: i64,
    pub lang: String,
    pub author: String,
    pub status: String,
    pub snippet: String,
    pub created_at: Timestamp,
}

/// tantivy keeps a date as nanoseconds in an `i64` (years 1677 to 2262)
/// and overflows beyond; a search bound further out (`?to=0318-05-18`) is
/// clamped to that span, which holds every story.
fn date(at: Timestamp) -> DateTime {
    const LIMIT: i64 = i64::MAX / 1_000_000;
    DateTime::from_timestamp_millis(at.as_millisecond().clamp(-LIMIT, LIMIT))
}

fn timestamp(at: DateTime) -> Timestamp {
    Timestamp::from_millisecond(at.into_timestamp_millis()).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn boxed(query: impl Query + 'static, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        Box::new(query)
    } else {
        Box::new(BoostQuery::new(Box::new(query), boost))
    }
}

fn term_query(field: Field, text: &str, boost: f32) -> Box<dyn Query> {
    boxed(
        TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::WithFreqs,
        ),
        boost,
    )
}

fn must_equal(field: Field, text: &str) -> (Occur, Box<dyn Query>) {
    (
        Occur::Must,
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::Basic,
        )),
    )
}

impl SearchIndex {
    /// Opens the index in `dir`, or makes an empty one there when it is
    /// missing, unreadable or of another schema. The second value says
    /// whether it had to start empty (and so must be rebuilt).
    pub fn open(dir: &Path) -> Result<(SearchIndex, bool)> {
        let (schema, fields) = schema();
        std::fs::create_dir_all(dir).map_err(|e| {
            tantivy::TantivyError::SystemError(format!("creating {}: {e}", dir.display()))
        })?;
        let opened = tantivy::directory::MmapDirectory::open(dir)
            .map_err(SearchError::from)
            .and_then(|directory| Ok(Index::open_or_create(directory, schema.clone())?));
        let (index, fresh) = match opened {
            Ok(index) => {
                let fresh = index.load_metas()?.payload.is_none();
                (index, fresh)
            }
            Err(error) => {
                tracing::warn!(%error, dir = %dir.display(), "search index unreadable; starting it again");
                std::fs::remove_dir_all(dir)
                    .and_then(|()| std::fs::create_dir_all(dir))
                    .map_err(|e| tantivy::TantivyError::SystemError(e.to_string()))?;
                let directory = tantivy::directory::MmapDirectory::open(dir)?;
                (Index::open_or_create(directory, schema)?, true)
            }
        };
        Ok((Self::with(index, fields)?, fresh))
    }

    /// An index in memory (tests, benchmarks).
    pub fn in_memory() -> Result<SearchIndex> {
        let (schema, fields) = schema();
        Self::with(Index::create_in_ram(schema), fields)
    }

    fn with(index: Index, fields: Fields) -> Result<SearchIndex> {
        index
            .tokenizers()
            .register(STEMMED, TextAnalyzer::from(Analyzer::stemmed()));
        index
            .tokenizers()
            .register(EXACT, TextAnalyzer::from(Analyzer::exact()));
        let writer = index.writer_with_num_threads(1, WRITER_MEMORY)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
        })
    }

    fn writer(&self) -> std::sync::MutexGuard<'_, IndexWriter> {
        // A panic while holding the writer leaves it usable: tantivy's
        // writer keeps its own state consistent between commits.
        self.writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The last event applied, as stored with the last commit.
    pub fn last_seq(&self) -> Result<Option<i64>> {
        Ok(self
            .index
            .load_metas()?
            .payload
            .and_then(|p| p.parse().ok()))
    }

    /// Adds or replaces a published edition.
    pub fn put_edition(&self, article: &Article) -> Result<()> {
        let f = self.fields;
        let summary = &article.summary;
        let key = format!("e:{}", summary.id);
        let body = khabar_text::markdown::plain_text(&article.body);
        let mut text = vec![summary.standfirst.as_str(), body.as_str()];
        text.extend(article.tags.iter().map(|t| t.name.as_str()));
        text.extend(summary.section.iter().map(|s| s.name.as_str()));
        text.extend(summary.authors.iter().map(|a| a.name.as_str()));
        let text = text.join("\n\n");
        let mut document = doc!(
            f.key => key.as_str(),
            f.kind => "edition",
            f.id => summary.id as u64,
            f.story_id => summary.story_id as u64,
            f.edition_id => summary.id as u64,
            f.lang => summary.lang.as_str(),
            f.slug => summary.slug.as_str(),
            f.headline => summary.headline.as_str(),
            f.headline_exact => summary.headline.as_str(),
            f.text => text.as_str(),
            f.text_exact => text.as_str(),
            f.at => date(summary.published_at),
        );
        if let Some(section) = &summary.section {
            document.add_text(f.section, &section.slug);
            document.add_text(f.section_name, &section.name);
        }
        for tag in &article.tags {
            document.add_text(f.tags, &tag.slug);
        }
        for author in &summary.authors {
            document.add_text(f.authors, &author.slug);
        }
        let writer = self.writer();
        writer.delete_term(Term::from_field_text(f.key, &key));
        writer.add_document(document)?;
        Ok(())
    }

    /// Removes an edition (unpublished, or gone).
    pub fn remove_edition(&self, edition_id: i64) {
        let key = format!("e:{edition_id}");
        self.writer()
            .delete_term(Term::from_field_text(self.fields.key, &key));
    }

    /// Adds or replaces a comment (deleted ones are removed).
    pub fn put_comment(&self, indexed: &IndexedComment) -> Result<()> {
        let f = self.fields;
        let comment = &indexed.comment;
        let key = format!("c:{}", comment.id);
        let writer = self.writer();
        writer.delete_term(Term::from_field_text(f.key, &key));
        if comment.status == CommentStatus::Deleted {
            return Ok(());
        }
        writer.add_document(doc!(
            f.key => key.as_str(),
            f.kind => "comment",
            f.id => comment.id as u64,
            f.story_id => indexed.story_id as u64,
            f.edition_id => comment.edition_id as u64,
            f.lang => indexed.lang.as_str(),
            f.text => comment.body.as_str(),
            f.text_exact => comment.body.as_str(),
            f.authors => comment.author_username.as_str(),
            f.status => comment.status.as_str(),
            f.at => date(comment.created_at),
        ))?;
        Ok(())
    }

    /// Empties the index (before a rebuild).
    pub fn clear(&self) -> Result<()> {
        self.writer().delete_all_documents()?;
        Ok(())
    }

    /// Makes what was written searchable and records `seq` as the last
    /// event applied.
    pub fn commit(&self, seq: i64) -> Result<()> {
        {
            let mut writer = self.writer();
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&seq.to_string());
            prepared.commit()?;
        }
        self.reader.reload()?;
        Ok(())
    }

    /// The clauses for what a reader typed over the given fields: every
    /// word (in any of its forms) and phrase must match, exclusions must not.
    fn text_clauses(
        &self,
        input: &str,
        stemmed: &[(Field, f32)],
        exact: &[(Field, f32)],
    ) -> Result<Vec<(Occur, Box<dyn Query>)>> {
        if input.chars().count() > query::MAX_QUERY_CHARS {
            return Err(SearchError::QueryTooLong);
        }
        let parsed = query::parse(input);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let stem = Analyzer::stemmed();
        for word in &parsed.words {
            let terms = stem.terms(word);
            let exact_terms = Analyzer::exact().terms(word);
            if terms.len() > 1 {
                // "covid-19", "e-mail": the parts, together.
                clauses.push((Occur::Must, self.phrase(&terms, stemmed)));
                continue;
            }
            let (Some(term), Some(exact_term)) = (terms.first(), exact_terms.first()) else {
                continue;
            };
            let mut any_form: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for &(field, boost) in stemmed {
                any_form.push((Occur::Should, term_query(field, term, boost)));
            }
            // A typo is measured on the word as typed, not on its stem:
            // "electoins" is one swap from "elections".
            let latin = exact_term.chars().all(|c| c.is_ascii_alphabetic());
            let typo_tolerant = latin && exact_term.chars().count() >= FUZZY_MIN_CHARS;
            for &(field, boost) in exact {
                any_form.push((Occur::Should, term_query(field, exact_term, boost)));
                if typo_tolerant {
                    let fuzzy =
                        FuzzyTermQuery::new(Term::from_field_text(field, exact_term), 1, true);
                    any_form.push((Occur::Should, boxed(fuzzy, boost * 0.3)));
                }
            }
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any_form))));
        }
        for phrase in &parsed.phrases {
            let terms = stem.terms(phrase);
            if !terms.is_empty() {
                clauses.push((Occur::Must, self.phrase(&terms, stemmed)));
            }
        }
        if clauses.is_empty() {
            return Err(SearchError::EmptyQuery);
        }
        for word in &parsed.excluded {
            for term in stem.terms(word) {
                for &(field, _) in stemmed {
                    clauses.push((Occur::MustNot, term_query(field, &term, 1.0)));
                }
            }
        }
        Ok(clauses)
    }

    /// Terms that must stand together in one of `fields`.
    fn phrase(&self, terms: &[String], fields: &[(Field, f32)]) -> Box<dyn Query> {
        let options: Vec<(Occur, Box<dyn Query>)> = fields
            .iter()
            .map(|&(field, boost)| {
                let query: Box<dyn Query> = match terms {
                    [one] => term_query(field, one, boost),
                    _ => boxed(
                        PhraseQuery::new(
                            terms
                                .iter()
                                .map(|t| Term::from_field_text(field, t))
                                .collect(),
                        ),
                        boost,
                    ),
                };
                (Occur::Should, query)
            })
            .collect();
        Box::new(BooleanQuery::new(options))
    }

    /// Published editions matching a reader's search.
    pub fn search_articles(&self, search: &ArticleSearch) -> Result<Hits<ArticleHit>> {
        let f = self.fields;
        let mut clauses = self.text_clauses(
            &search.text,
            &[(f.headline, 3.0), (f.text, 1.0)],
            &[(f.headline_exact, 4.0), (f.text_exact, 1.5)],
        )?;
        clauses.push(must_equal(f.kind, "edition"));
        if let Some(lang) = search.lang {
            clauses.push(must_equal(f.lang, lang.as_str()));
        }
        if let Some(lang) = search.prefer {
            clauses.push((Occur::Should, term_query(f.lang, lang.as_str(), 0.5)));
        }
        for (field, value) in [
            (f.section, &search.section),
            (f.tags, &search.tag),
            (f.authors, &search.author),
        ] {
            if let Some(value) = value {
                clauses.push(must_equal(field, value));
            }
        }
        if search.from.is_some() || search.until.is_some() {
            let bound = |at: Option<Timestamp>| match at {
                Some(at) => std::ops::Bound::Included(Term::from_field_date(f.at, date(at))),
                None => std::ops::Bound::Unbounded,
            };
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(bound(search.from), bound(search.until))),
            ));
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let (addresses, total) = self.collect(
            &searcher,
            &query,
            search.newest,
            search.page,
            search.per_page,
        )?;
        let snippets = snippet_generator(&searcher, &query, f.text)?;
        let mut hits = Vec::with_capacity(addresses.len());
        for address in addresses {
            let document: TantivyDocument = searcher.doc(address)?;
            let stored = Stored(&document);
            let section = stored.text(f.section);
            hits.push(ArticleHit {
                edition_id: stored.number(f.id),
                story_id: stored.number(f.story_id),
                lang: stored.text(f.lang),
                slug: stored.text(f.slug),
                headline: stored.text(f.headline),
                snippet: highlighted(&snippets, &document),
                section_name: (!section.is_empty()).then(|| stored.text(f.section_name)),
                section: (!section.is_empty()).then_some(section),
                published_at: stored.at(f.at),
            });
        }
        Ok(page_of(hits, total, search.page, search.per_page))
    }

    /// Comments matching a moderator's search.
    pub fn search_comments(&self, search: &CommentSearch) -> Result<Hits<CommentHit>> {
        let f = self.fields;
        let mut clauses =
            self.text_clauses(&search.text, &[(f.text, 1.0)], &[(f.text_exact, 1.5)])?;
        clauses.push(must_equal(f.kind, "comment"));
        if let Some(author) = &search.author {
            clauses.push(must_equal(f.authors, author));
        }
        if let Some(status) = &search.status {
            clauses.push(must_equal(f.status, status));
        }
        if let Some(story) = search.story_id {
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_u64(f.story_id, story as u64),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let (addresses, total) =
            self.collect(&searcher, &query, true, search.page, search.per_page)?;
        let snippets = snippet_generator(&searcher, &query, f.text)?;
        let mut hits = Vec::with_capacity(addresses.len());
        for address in addresses {
            let document: TantivyDocument = searcher.doc(address)?;
            let stored = Stored(&document);
            hits.push(CommentHit {
                comment_id: stored.number(f.id),
                edition_id: stored.number(f.edition_id),
                story_id: stored.number(f.story_id),
                lang: stored.text(f.lang),
                author: stored.text(f.authors),
                status: stored.text(f.status),
                snippet: highlighted(&snippets, &document),
                created_at: stored.at(f.at),
            });
        }
        Ok(page_of(hits, total, search.page, search.per_page))
    }

    /// One page of matches, by relevance or newest first, and the count.
    fn collect(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        newest: bool,
        page: u32,
        per_page: u32,
    ) -> Result<(Vec<DocAddress>, usize)> {
        let per_page = per_page.clamp(1, MAX_PER_PAGE) as usize;
        let offset = (page.max(1) as usize - 1) * per_page;
        let top = TopDocs::with_limit(per_page).and_offset(offset);
        Ok(if newest {
            let (docs, total) = searcher.search(
                query,
                &(
                    top.order_by_fast_field::<DateTime>("at", Order::Desc),
                    Count,
                ),
            )?;
            (
                docs.into_iter().map(|(_, address)| address).collect(),
                total,
            )
        } else {
            let (docs, total) = searcher.search(query, &(top, Count))?;
            (
                docs.into_iter().map(|(_, address)| address).collect(),
                total,
            )
        })
    }
}

/// A stored document's values.
struct Stored<'a>(&'a TantivyDocument);

impl Stored<'_> {
    fn text(&self, field: Field) -> String {
        self.0
            .get_first(field)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    }

    fn number(&self, field: Field) -> i64 {
        self.0
            .get_first(field)
            .and_then(|v| v.as_u64())
            .unwrap_or_default() as i64
    }

    fn at(&self, field: Field) -> Timestamp {
        self.0
            .get_first(field)
            .and_then(|v| v.as_datetime())
            .map(timestamp)
            .unwrap_or(Timestamp::UNIX_EPOCH)
    }
}

/// Snippets of about 240 characters around the matches in `field`.
fn snippet_generator(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    field: Field,
) -> Result<SnippetGenerator> {
    let mut generator = SnippetGenerator::create(searcher, query, field)?;
    generator.set_max_num_chars(240);
    Ok(generator)
}

/// The text around the matches as HTML: escaped, matches in `<mark>`.
fn highlighted(generator: &SnippetGenerator, document: &TantivyDocument) -> String {
    let mut snippet = generator.snippet_from_doc(document);
    snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
    snippet.to_html()
}

fn page_of<T>(hits: Vec<T>, total: usize, page: u32, per_page: u32) -> Hits<T> {
    let page = page.max(1);
    let per_page = per_page.clamp(1, MAX_PER_PAGE) as usize;
    Hits {
        has_more: (page as usize) * per_page < total,
        hits,
        total,
        page,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_beyond_the_index_span_are_clamped_not_overflowed() {
        for text in ["0318-05-18T00:00:00Z", "9999-01-01T00:00:00Z"] {
            let at: Timestamp = text.parse().unwrap();
            let clamped = timestamp(date(at));
            assert!(clamped != at && clamped != Timestamp::UNIX_EPOCH, "{text}");
        }
        let now = Timestamp::from_millisecond(1_780_000_000_000).unwrap();
        assert_eq!(timestamp(date(now)), now);
    }
}
