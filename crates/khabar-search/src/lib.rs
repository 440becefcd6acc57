//! khabar's search: one tantivy index of published editions and of
//! comments, in the data directory. It is derived state: `rebuild` makes
//! it from the store, `follow` keeps it current from the events log, and
//! the last event applied is stored with each commit, so a restart
//! resumes where it stopped.

mod indexer;
pub mod query;
mod snippet;
mod stories;
mod tokenizer;
mod typos;

use std::cmp::Reverse;
use std::collections::HashSet;
use std::path::Path;
use std::sync::Mutex;

use jiff::Timestamp;
use khabar_core::Lang;
use khabar_store::{Article, CommentStatus, IndexedComment};
use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DateTime, DocAddress, DocId, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Score,
    SegmentReader, TantivyDocument, Term, doc,
};

pub use indexer::{follow, rebuild, resume};
use snippet::Snippets;
use stories::{StoryIds, StoryScores, StorySet};
use tokenizer::{Analyzer, EXACT, STEMMED};

/// Memory the writer may buffer before it flushes a segment.
const WRITER_MEMORY: usize = 50_000_000;
/// Latin words this long or longer also match with one typo.
const FUZZY_MIN_CHARS: usize = 5;
/// Most results a page may ask for.
pub const MAX_PER_PAGE: u32 = 50;
/// The analysis the index was built with, stored with each commit: an
/// index made by another version (other stems, another lexicon) is
/// rebuilt when the node starts. Bump it with any change to how text
/// becomes terms (`khabar_text::search`, `khabar_text::plurals`).
const ANALYSIS: u32 = 3;
/// Candidate spellings tried when a search finds nothing.
const MAX_SUGGESTION_TRIES: usize = 5;

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
    /// The blocking task a commit ran on did not finish it (the runtime
    /// is stopping, or the commit panicked).
    #[error("search index: the commit was interrupted")]
    Interrupted,
}

impl SearchError {
    pub fn code(&self) -> &'static str {
        match self {
            SearchError::EmptyQuery => "empty_query",
            SearchError::QueryTooLong => "query_too_long",
            SearchError::Index(_)
            | SearchError::Open(_)
            | SearchError::Store(_)
            | SearchError::Interrupted => "internal",
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
        story_id: builder.add_u64_field("story_id", INDEXED | STORED | FAST),
        edition_id: builder.add_u64_field("edition_id", STORED),
        lang: builder.add_text_field("lang", STRING | STORED | FAST),
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
    /// When nothing matched: the nearest search that finds something.
    pub suggestion: Option<Suggestion>,
    /// When nothing matched in the language asked for: how many stories
    /// the same search finds in every language.
    pub elsewhere: Option<usize>,
}

/// A search that finds something, in place of one that did not: a
/// word's spelling corrected (a hamza missing, extra or on another seat;
/// one letter off).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    pub text: String,
    pub total: usize,
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
                let payload = index.load_metas()?.payload;
                let fresh = committed_seq(payload.as_deref()).is_none();
                if payload.is_some() && fresh {
                    tracing::info!(
                        dir = %dir.display(),
                        "search index made by another analysis; rebuilding it"
                    );
                }
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

    /// The last event applied, as stored with the last commit; none if
    /// the index was made by another analysis (it must be rebuilt).
    pub fn last_seq(&self) -> Result<Option<i64>> {
        Ok(committed_seq(self.index.load_metas()?.payload.as_deref()))
    }

    /// Documents (editions and comments) searches see now.
    pub fn documents(&self) -> u64 {
        self.reader.searcher().num_docs()
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
            prepared.set_payload(&format!("{seq} analysis {ANALYSIS}"));
            prepared.commit()?;
        }
        self.reader.reload()?;
        Ok(())
    }

    /// What a reader typed as queries over the given fields: every word
    /// (in any of its forms) and phrase must match, exclusions must not.
    fn text_query(
        &self,
        searcher: &tantivy::Searcher,
        input: &str,
        stemmed: &[(Field, f32)],
        exact: &[(Field, f32)],
    ) -> Result<TextQuery> {
        if input.chars().count() > query::MAX_QUERY_CHARS {
            return Err(SearchError::QueryTooLong);
        }
        let parsed = query::parse(input);
        let mut text = TextQuery::default();
        let mut scripts = HashSet::new();
        let mut all_terms = Vec::new();
        let stem = Analyzer::stemmed();
        for word in &parsed.words {
            let terms = stem.terms(word);
            let exact_terms = Analyzer::exact().terms(word);
            scripts.extend(exact_terms.iter().filter_map(|t| script(t)));
            all_terms.extend(terms.iter().cloned());
            if terms.len() > 1 {
                // "covid-19", "e-mail": the parts, together.
                text.required.push(self.phrase(&terms, stemmed));
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
                    let spellings = typos::one_typo_away(searcher, field, exact_term)?;
                    if !spellings.is_empty() {
                        let any_spelling = TermSetQuery::new(spellings);
                        any_form.push((Occur::Should, boxed(any_spelling, boost * 0.3)));
                    }
                }
            }
            text.required.push(Box::new(BooleanQuery::new(any_form)));
        }
        for phrase in &parsed.phrases {
            let terms = stem.terms(phrase);
            if !terms.is_empty() {
                scripts.extend(
                    Analyzer::exact()
                        .terms(phrase)
                        .iter()
                        .filter_map(|t| script(t)),
                );
                text.required.push(self.phrase(&terms, stemmed));
            }
        }
        if text.required.is_empty() {
            return Err(SearchError::EmptyQuery);
        }
        for word in &parsed.excluded {
            for term in stem.terms(word) {
                for &(field, _) in stemmed {
                    text.excluded.push(term_query(field, &term, 1.0));
                }
            }
        }
        text.mixed = scripts.len() > 1 && text.required.len() > 1;
        // The words as the reader typed them, next to each other, rank
        // above the same words scattered.
        if all_terms.len() > 1 && !text.mixed {
            let together: Vec<(Field, f32)> = stemmed.iter().map(|&(f, b)| (f, b * 2.0)).collect();
            text.together = Some(self.phrase(&all_terms, &together));
        }
        Ok(text)
    }

    /// The clauses for what a reader typed, matched edition by edition.
    fn text_clauses(&self, text: TextQuery) -> Vec<(Occur, Box<dyn Query>)> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        clauses.extend(text.required.into_iter().map(|q| (Occur::Must, q)));
        clauses.extend(text.excluded.into_iter().map(|q| (Occur::MustNot, q)));
        clauses.extend(text.together.into_iter().map(|q| (Occur::Should, q)));
        clauses
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

    /// The filters of a story search but its language: editions only, of
    /// a section, tag, author and time span.
    fn article_filters(&self, search: &ArticleSearch) -> Vec<(Occur, Box<dyn Query>)> {
        let f = self.fields;
        let mut clauses = vec![must_equal(f.kind, "edition")];
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
        clauses
    }

    /// Published editions matching a reader's search; when none does, the
    /// nearest search that finds something, and how many the same search
    /// finds in every language if one was asked for.
    pub fn search_articles(&self, search: &ArticleSearch) -> Result<Hits<ArticleHit>> {
        let mut hits = self.find_articles(search)?;
        if hits.total == 0 && search.page <= 1 {
            hits.suggestion = self.suggest(search)?;
            if search.lang.is_some() {
                let everywhere = ArticleSearch {
                    lang: None,
                    ..search.clone()
                };
                let total = self.count_articles(&everywhere)?;
                hits.elsewhere = (total > 0).then_some(total);
            }
        }
        Ok(hits)
    }

    /// What a reader typed, as a query over editions' headlines and texts.
    fn article_text_query(&self, searcher: &tantivy::Searcher, text: &str) -> Result<TextQuery> {
        let f = self.fields;
        self.text_query(
            searcher,
            text,
            &[(f.headline, 3.0), (f.text, 1.0)],
            &[(f.headline_exact, 4.0), (f.text_exact, 1.5)],
        )
    }

    /// How many results `search` has, without scoring or reading any:
    /// what a suggestion or the other-language link needs.
    fn count_articles(&self, search: &ArticleSearch) -> Result<usize> {
        let searcher = self.reader.searcher();
        let text = self.article_text_query(&searcher, &search.text)?;
        if text.mixed {
            return Ok(self.collect_stories(&searcher, text, search)?.2);
        }
        let mut clauses = self.text_clauses(text);
        clauses.extend(self.article_filters(search));
        clauses.extend(
            search
                .lang
                .map(|lang| must_equal(self.fields.lang, lang.as_str())),
        );
        Ok(searcher.search(&BooleanQuery::new(clauses), &Count)?)
    }

    fn find_articles(&self, search: &ArticleSearch) -> Result<Hits<ArticleHit>> {
        let f = self.fields;
        let searcher = self.reader.searcher();
        let text = self.article_text_query(&searcher, &search.text)?;
        let prefer = search
            .prefer
            .map(|lang| (Occur::Should, term_query(f.lang, lang.as_str(), 0.5)));
        let only = search.lang.map(|lang| must_equal(f.lang, lang.as_str()));
        let (query, addresses, total) = if text.mixed {
            self.collect_stories(&searcher, text, search)?
        } else {
            let mut clauses = self.text_clauses(text);
            clauses.extend(self.article_filters(search));
            clauses.extend(only);
            clauses.extend(prefer);
            let query = BooleanQuery::new(clauses);
            let (addresses, total) = self.collect(
                &searcher,
                &query,
                search.newest,
                search.page,
                search.per_page,
            )?;
            (query, addresses, total)
        };
        let snippets = Snippets::new(&searcher, &query, f.text, Some(f.text_exact))?;
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
                snippet: snippets.html(&searcher, address, stored.str(f.text))?,
                section_name: (!section.is_empty()).then(|| stored.text(f.section_name)),
                section: (!section.is_empty()).then_some(section),
                published_at: stored.at(f.at),
            });
        }
        Ok(page_of(hits, total, search.page, search.per_page))
    }

    /// A search whose words are in more than one script (`مرسى نور
    /// ferry`) matches stories: each word or phrase must be found in one
    /// of a story's editions, not all in the same one. Each story is one
    /// result, shown in the language asked for or preferred if it has
    /// that edition (else by its best-matching one), ranked by what all
    /// its editions match. Returns the query (for snippets), one page of
    /// the editions shown, and how many stories matched.
    fn collect_stories(
        &self,
        searcher: &tantivy::Searcher,
        text: TextQuery,
        search: &ArticleSearch,
    ) -> Result<(BooleanQuery, Vec<DocAddress>, usize)> {
        let f = self.fields;
        let filters = self.article_filters(search);
        let with_filters = |query: &dyn Query| -> BooleanQuery {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query.box_clone())];
            clauses.extend(filters.iter().map(|(occur, q)| (*occur, q.box_clone())));
            BooleanQuery::new(clauses)
        };
        // The stories each word is found in, narrowed word by word.
        let mut stories: Option<StorySet> = None;
        for required in &text.required {
            let found = searcher.search(&with_filters(required.as_ref()), &StoryIds)?;
            let narrowed: StorySet = match stories {
                Some(so_far) => so_far.intersection(&found),
                None => found,
            };
            if narrowed.is_empty() {
                let query = BooleanQuery::new(Vec::new());
                return Ok((query, Vec::new(), 0));
            }
            stories = Some(narrowed);
        }
        let stories = stories.unwrap_or_default();
        // Their editions that match any of the words, scored story by story.
        let any_word: Vec<(Occur, Box<dyn Query>)> = text
            .required
            .into_iter()
            .map(|q| (Occur::Should, q))
            .collect();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, Box::new(BooleanQuery::new(any_word)))];
        clauses.extend(text.excluded.into_iter().map(|q| (Occur::MustNot, q)));
        clauses.extend(filters);
        if let Some(lang) = search.lang {
            clauses.push(must_equal(f.lang, lang.as_str()));
        }
        let query = BooleanQuery::new(clauses);
        let shown_lang = search.lang.or(search.prefer).map(|l| l.as_str().to_owned());
        let found = searcher.search(&query, &StoryScores::new(stories, shown_lang))?;
        // Each story's rank computed once; only the stories up to the
        // page asked for are sorted (tens of thousands may match).
        let mut ranked: Vec<(Reverse<(i64, i64)>, DocAddress)> = found
            .into_iter()
            .flatten()
            .map(|found| {
                let relevance = if search.newest {
                    0
                } else {
                    relevance(found.score)
                };
                (Reverse((relevance, found.at)), found.shown)
            })
            .collect();
        let total = ranked.len();
        let per_page = search.per_page.clamp(1, MAX_PER_PAGE) as usize;
        let offset = (search.page.max(1) as usize - 1) * per_page;
        let end = (offset + per_page).min(total);
        if end < total {
            ranked.select_nth_unstable_by_key(end, |&(rank, _)| rank);
            ranked.truncate(end);
        }
        ranked.sort_unstable_by_key(|&(rank, _)| rank);
        let page = ranked
            .into_iter()
            .skip(offset)
            .map(|(_, shown)| shown)
            .collect();
        Ok((query, page, total))
    }

    /// The nearest search to `search` that finds something: one word
    /// that is found nowhere respelt. Spelling variants come first (a
    /// hamza missing, extra or on another seat: مسئول → مسؤول, رييس →
    /// رئيس, سما → سماء; ة written ت: مدرست → مدرسة), then one letter off
    /// (in a short Arabic word, not its first letter: قطار never becomes
    /// بطار or مطار). A respelling is offered only if the index has it
    /// written as a word ([`SearchIndex::written`]), never because it is
    /// some other word's stem. Latin words of five letters or more
    /// already match with one typo.
    fn suggest(&self, search: &ArticleSearch) -> Result<Option<Suggestion>> {
        let parsed = query::parse(&search.text);
        let searcher = self.reader.searcher();
        for (i, word) in parsed.words.iter().enumerate() {
            let exact = Analyzer::exact().terms(word);
            let [typed] = exact.as_slice() else { continue };
            if self.stem_count(&searcher, typed)? > 0 {
                continue;
            }
            for edits in [spelling_variants(typed), one_letter_off(typed)] {
                let mut candidates = Vec::new();
                for candidate in edits {
                    let count = self.written(&searcher, &candidate)?;
                    if count > 0 {
                        candidates.push((count, candidate));
                    }
                }
                candidates.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
                for (_, candidate) in candidates.into_iter().take(MAX_SUGGESTION_TRIES) {
                    let mut words = parsed.words.clone();
                    words[i] = candidate;
                    let text = query::unparse(&query::Parsed {
                        words,
                        ..parsed.clone()
                    });
                    let respelt = ArticleSearch {
                        text: text.clone(),
                        ..search.clone()
                    };
                    let total = self.count_articles(&respelt)?;
                    if total > 0 {
                        return Ok(Some(Suggestion { text, total }));
                    }
                }
            }
        }
        Ok(None)
    }

    /// How many headlines and texts have a word of `word`'s stem.
    fn stem_count(&self, searcher: &tantivy::Searcher, word: &str) -> Result<u64> {
        let Some(term) = Analyzer::stemmed().terms(word).into_iter().next() else {
            return Ok(0);
        };
        let mut count = 0;
        for field in [self.fields.headline, self.fields.text] {
            count += searcher.doc_freq(&Term::from_field_text(field, &term))?;
        }
        Ok(count)
    }

    /// How many headlines and texts have `word` written as it is, alone
    /// or (Arabic) behind the article or a conjunction or preposition
    /// (الوزير، والوزير، للوزير for وزير). A stem is not a word:
    /// بطار (of بطارية "battery") is in the stemmed fields but written
    /// nowhere, so it is never offered. The stem is looked up first
    /// because most respellings are found in no form at all.
    fn written(&self, searcher: &tantivy::Searcher, word: &str) -> Result<u64> {
        if self.stem_count(searcher, word)? == 0 {
            return Ok(0);
        }
        let Some(term) = Analyzer::exact().terms(word).into_iter().next() else {
            return Ok(0);
        };
        let clitics: &[&str] = if script(&term) == Some("arabic") {
            &["", "ال", "وال", "بال", "لل", "و", "ب", "ل"]
        } else {
            &[""]
        };
        let mut count = 0;
        for clitic in clitics {
            let written = format!("{clitic}{term}");
            for field in [self.fields.headline_exact, self.fields.text_exact] {
                count += searcher.doc_freq(&Term::from_field_text(field, &written))?;
            }
        }
        Ok(count)
    }

    /// Comments matching a moderator's search.
    pub fn search_comments(&self, search: &CommentSearch) -> Result<Hits<CommentHit>> {
        let f = self.fields;
        let searcher = self.reader.searcher();
        let text = self.text_query(
            &searcher,
            &search.text,
            &[(f.text, 1.0)],
            &[(f.text_exact, 1.5)],
        )?;
        let mut clauses = self.text_clauses(text);
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
        let (addresses, total) =
            self.collect(&searcher, &query, true, search.page, search.per_page)?;
        let snippets = Snippets::new(&searcher, &query, f.text, Some(f.text_exact))?;
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
                snippet: snippets.html(&searcher, address, stored.str(f.text))?,
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
            // Equally relevant matches, newest first.
            let ranked = top.tweak_score(|segment: &SegmentReader| {
                let at = segment.fast_fields().date("at").ok();
                move |doc: DocId, score: Score| {
                    let at = at
                        .as_ref()
                        .and_then(|column| column.first(doc))
                        .map_or(0, |at| at.into_timestamp_secs());
                    (relevance(score), at)
                }
            });
            let (docs, total) = searcher.search(query, &(ranked, Count))?;
            (
                docs.into_iter().map(|(_, address)| address).collect(),
                total,
            )
        })
    }
}

/// What a reader typed, as queries.
#[derive(Default)]
struct TextQuery {
    /// One per word or phrase: each must match.
    required: Vec<Box<dyn Query>>,
    /// Words no result may contain.
    excluded: Vec<Box<dyn Query>>,
    /// For ranking only: all the words, next to each other.
    together: Option<Box<dyn Query>>,
    /// The words are in more than one script (`مرسى نور ferry`).
    mixed: bool,
}

/// The script of a word as the index has it: Arabic, Latin, or neither.
fn script(term: &str) -> Option<&'static str> {
    let first = term.chars().next()?;
    if matches!(first, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{0870}'..='\u{08FF}')
    {
        Some("arabic")
    } else if first.is_alphabetic() && first < '\u{0250}' {
        Some("latin")
    } else {
        None
    }
}

/// A score as a rank: scores within about 5 % of each other are equally
/// relevant (and then the newer story ranks first).
fn relevance(score: Score) -> i64 {
    if score > 0.0 {
        // Rounded half away from zero, as `round` does, but without its
        // call into libm: this runs for every document a search matches.
        let scaled = score.ln() * 20.0;
        (scaled + 0.5f32.copysign(scaled)) as i64
    } else {
        i64::MIN
    }
}

/// The hamza alone and on its seats.
const HAMZAS: [char; 3] = ['ء', 'ؤ', 'ئ'];
/// Letters a hamza may be written on, or that stand in for one when it
/// is left out (normalization has already folded أ إ آ into ا).
const HAMZA_SEATS: [char; 6] = ['ء', 'ؤ', 'ئ', 'ا', 'و', 'ي'];

/// The spellings of an Arabic word (normalized) that readers commonly
/// get wrong, as they would be written right: its hamza written
/// otherwise (a seat exchanged for another, مسئول مسؤول, رييس رئيس; a
/// hamza added, سما سماء, مسول مسؤول; or dropped) and a final ت that
/// should be ة (مدرست مدرسة). An exchange always involves a hamza: ا و ي
/// among themselves are other words (قال قول قيل), and a first letter
/// is left alone, since a hamza there sits on ا, which normalization
/// already folds. The variants ة/ه, ى/ي and أ/ا need no respelling:
/// normalization makes them one.
fn spelling_variants(word: &str) -> Vec<String> {
    if script(word) != Some("arabic") {
        return Vec::new();
    }
    let letters: Vec<char> = word.chars().collect();
    let mut out = Vec::new();
    for (i, c) in letters.iter().enumerate().skip(1) {
        if !HAMZA_SEATS.contains(c) {
            continue;
        }
        for seat in HAMZA_SEATS.iter().filter(|s| *s != c) {
            if HAMZAS.contains(c) || HAMZAS.contains(seat) {
                let mut respelt = letters.clone();
                respelt[i] = *seat;
                out.push(respelt.into_iter().collect());
            }
        }
        if HAMZAS.contains(c) {
            let mut respelt = letters.clone();
            respelt.remove(i);
            out.push(respelt.into_iter().collect());
        }
    }
    for i in 1..=letters.len() {
        for hamza in HAMZAS {
            let mut respelt = letters.clone();
            respelt.insert(i, hamza);
            out.push(respelt.into_iter().collect());
        }
    }
    if let Some(stem) = word.strip_suffix('ت')
        && stem.chars().count() >= 2
    {
        out.push(format!("{stem}ة"));
    }
    out.sort();
    out.dedup();
    out.retain(|w: &String| w != word);
    out
}

/// Arabic words this short or shorter keep their first letter and have
/// no letter changed when respelt one letter off: with so few letters
/// that makes another common word (قطار مطار قرار) rather than fixing a
/// typo.
const SHORT_ARABIC: usize = 4;

/// A word with one letter dropped, added, changed or two swapped, in its
/// own script (Arabic letters, or a–z); a short Arabic word keeps its
/// first letter and has none changed ([`SHORT_ARABIC`]).
fn one_letter_off(word: &str) -> Vec<String> {
    let alphabet: Vec<char> = match script(word) {
        // The letters that survive normalization (no أ إ آ ى ة).
        Some("arabic") => ('\u{0621}'..='\u{064A}')
            .filter(|c| !matches!(c, 'أ' | 'إ' | 'آ' | 'ى' | 'ة' | '\u{063B}'..='\u{0640}'))
            .collect(),
        Some("latin") if word.chars().all(|c| c.is_ascii_lowercase()) => ('a'..='z').collect(),
        _ => return Vec::new(),
    };
    let letters: Vec<char> = word.chars().collect();
    let short = script(word) == Some("arabic") && letters.len() <= SHORT_ARABIC;
    let first = usize::from(short);
    // A short Arabic word with a letter changed is another word far more
    // often than the one meant (قطار قرار قصار): only letters dropped,
    // added or swapped are tried for it.
    let changes: &[char] = if short { &[] } else { &alphabet };
    let mut out = Vec::new();
    for i in first..letters.len() {
        let mut respelt = letters.clone();
        respelt.remove(i);
        out.push(respelt);
        if i + 1 < letters.len() {
            let mut respelt = letters.clone();
            respelt.swap(i, i + 1);
            out.push(respelt);
        }
        for &c in changes {
            if c != letters[i] {
                let mut respelt = letters.clone();
                respelt[i] = c;
                out.push(respelt);
            }
        }
    }
    for i in first..=letters.len() {
        for &c in &alphabet {
            let mut respelt = letters.clone();
            respelt.insert(i, c);
            out.push(respelt);
        }
    }
    let mut out: Vec<String> = out
        .into_iter()
        .filter(|w| w.len() > 1)
        .map(|w| w.into_iter().collect())
        .collect();
    out.sort();
    out.dedup();
    out.retain(|w| w != word);
    out
}

/// The event sequence a commit's payload names, if it was made by this
/// analysis (`"{seq} analysis {ANALYSIS}"`).
fn committed_seq(payload: Option<&str>) -> Option<i64> {
    let (seq, analysis) = payload?.split_once(" analysis ")?;
    (analysis.parse::<u32>().ok()? == ANALYSIS)
        .then(|| seq.parse().ok())
        .flatten()
}

/// A stored document's values.
struct Stored<'a>(&'a TantivyDocument);

impl Stored<'_> {
    fn str(&self, field: Field) -> &str {
        self.0
            .get_first(field)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
    }

    fn text(&self, field: Field) -> String {
        self.str(field).to_owned()
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

fn page_of<T>(hits: Vec<T>, total: usize, page: u32, per_page: u32) -> Hits<T> {
    let page = page.max(1);
    let per_page = per_page.clamp(1, MAX_PER_PAGE) as usize;
    Hits {
        has_more: (page as usize) * per_page < total,
        hits,
        total,
        page,
        suggestion: None,
        elsewhere: None,
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

    fn has(words: &[String], word: &str) -> bool {
        words.iter().any(|w| w == word)
    }

    #[test]
    fn spelling_variants_respell_hamza_and_ta_marbuta_only() {
        // A seat exchanged, a hamza added, ت that should be ة.
        assert!(has(&spelling_variants("مسئول"), "مسؤول"));
        assert!(has(&spelling_variants("رييس"), "رئيس"));
        assert!(has(&spelling_variants("مسول"), "مسؤول"));
        assert!(has(&spelling_variants("سما"), "سماء"));
        assert!(has(&spelling_variants("مدرست"), "مدرسة"));
        // ا و ي among themselves are other words, not hamza fixes.
        assert!(!has(&spelling_variants("قول"), "قال"));
        assert!(!has(&spelling_variants("قول"), "قيل"));
        // A first letter stays: a hamza there is on ا, already folded.
        assert!(spelling_variants("امر").iter().all(|w| w.starts_with('ا')));
        assert!(spelling_variants("ferry").is_empty());
    }

    #[test]
    fn short_arabic_words_keep_their_first_letter() {
        let near = one_letter_off("قطار");
        assert!(!has(&near, "بطار") && !has(&near, "مطار"));
        assert!(near.iter().all(|w| w.starts_with('ق')), "{near:?}");
        assert!(!has(&near, "قرار") && !has(&near, "قطاع"));
        // Dropped or added (ة is written ه here, as normalized).
        assert!(has(&near, "قطر") && has(&near, "قطاره"));
        assert!(has(&one_letter_off("مسؤولن"), "مسؤولين"));
        // Longer words and Latin words may change anywhere.
        assert!(has(&one_letter_off("انتخاب"), "نتخاب"));
        assert!(has(&one_letter_off("cran"), "crane"));
        assert!(has(&one_letter_off("bsu"), "bus"));
    }
}
