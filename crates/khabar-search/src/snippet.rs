//! Snippets: the text around a result's matches, as HTML.
//!
//! tantivy's `SnippetGenerator` finds the matches by running the field's
//! analyzer over the whole stored text again, which stems every word of
//! every result: with a news vocabulary (most words of a story not in the
//! per-thread stem cache) that was three quarters of a search's time. The
//! index already knows where each query term is: the positions stored for
//! the field. So only the words' boundaries are found in the text
//! (`exact_tokens`, which numbers words as the indexed analyzer does),
//! and the matches are the positions the index gives. The fragment chosen
//! and its HTML are those of tantivy's generator.

use std::ops::Range;

use tantivy::postings::Postings;
use tantivy::query::Query;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocSet, Score, Searcher, Term};

use crate::tokenizer::Analyzer;

/// Bytes of text a snippet may span.
const SNIPPET_BYTES: usize = 240;

/// Cuts snippets around one query's matches in one text.
pub(crate) struct Snippets {
    /// The query's terms in the text with their weights: rarer terms
    /// weigh more, as in tantivy (1 / (1 + documents with the term)).
    terms: Vec<(Term, Score)>,
}

impl Snippets {
    /// The matches of `query` in the text indexed as `stemmed`, and as
    /// `written` (the same words, numbered alike, unstemmed) for the
    /// words no stemmed term stands for: a typo's spellings.
    pub(crate) fn new(
        searcher: &Searcher,
        query: &dyn Query,
        stemmed: Field,
        written: Option<Field>,
    ) -> tantivy::Result<Self> {
        let mut stems: Vec<Term> = Vec::new();
        let mut spellings: Vec<&Term> = Vec::new();
        query.query_terms(&mut |term, _| {
            if term.value().as_str().is_none() {
                return;
            }
            if term.field() == stemmed {
                stems.push(term.clone());
            } else if Some(term.field()) == written {
                spellings.push(term);
            }
        });
        let mut terms = stems.clone();
        for spelling in spellings {
            let value = spelling.value();
            let stem = Analyzer::stemmed()
                .terms(value.as_str().unwrap_or_default())
                .into_iter()
                .next();
            let covered = stem.is_some_and(|stem| {
                stems
                    .iter()
                    .any(|t| t.value().as_str() == Some(stem.as_str()))
            });
            if !covered {
                terms.push(spelling.clone());
            }
        }
        terms.sort();
        terms.dedup();
        let mut weighed = Vec::with_capacity(terms.len());
        for term in terms {
            let documents = searcher.doc_freq(&term)?;
            if documents > 0 {
                weighed.push((term, 1.0 / (1.0 + documents as Score)));
            }
        }
        Ok(Snippets { terms: weighed })
    }

    /// The snippet of `text`, the field's stored value in the document
    /// at `address`: escaped, matches in `<mark>`; empty if none.
    pub(crate) fn html(
        &self,
        searcher: &Searcher,
        address: DocAddress,
        text: &str,
    ) -> tantivy::Result<String> {
        // As tantivy does: its fragments are cut from the trimmed text.
        let text = text.trim();
        let matches = self.matches(searcher, address)?;
        if matches.is_empty() {
            return Ok(String::new());
        }
        Ok(render(text, &best_fragment(text, &matches)))
    }

    /// Where the query's terms are in the document: positions (word
    /// numbers) with their weights, in order.
    fn matches(
        &self,
        searcher: &Searcher,
        address: DocAddress,
    ) -> tantivy::Result<Vec<(u32, Score)>> {
        let segment = searcher.segment_reader(address.segment_ord);
        let mut matches = Vec::new();
        let mut positions = Vec::new();
        for (term, weight) in &self.terms {
            let index = segment.inverted_index(term.field())?;
            let Some(mut postings) =
                index.read_postings(term, IndexRecordOption::WithFreqsAndPositions)?
            else {
                continue;
            };
            // A fresh list stands on its first document: seeking back from
            // a later one is not allowed.
            let target = address.doc_id;
            if postings.doc() <= target && postings.seek(target) == target {
                postings.positions(&mut positions);
                matches.extend(positions.iter().map(|&at| (at, *weight)));
            }
        }
        // A word matched in several fields is one match, of its rarest
        // form's weight.
        matches.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
        matches.dedup_by_key(|&mut (at, _)| at);
        Ok(matches)
    }
}

/// A run of text and the matches in it.
#[derive(Default)]
struct Fragment {
    score: Score,
    text: Range<usize>,
    marks: Vec<Range<usize>>,
}

/// tantivy's choice: the text cut, from its start, into runs of words
/// spanning at most [`SNIPPET_BYTES`]; the run whose matches weigh most,
/// the first of equals.
fn best_fragment(text: &str, matches: &[(u32, Score)]) -> Fragment {
    let mut best = Fragment::default();
    let mut current = Fragment::default();
    let mut matches = matches.iter().peekable();
    for token in khabar_text::search::exact_tokens(text) {
        if token.to - current.text.start > SNIPPET_BYTES {
            let next = Fragment {
                text: token.from..token.from,
                ..Fragment::default()
            };
            let done = std::mem::replace(&mut current, next);
            if done.score > best.score {
                best = done;
            }
        }
        current.text.end = token.to;
        while let Some(&&(at, weight)) = matches.peek() {
            if at as usize > token.position {
                break;
            }
            if at as usize == token.position {
                current.score += weight;
                current.marks.push(token.from..token.to);
            }
            matches.next();
        }
    }
    if current.score > best.score {
        best = current;
    }
    best
}

/// The fragment as HTML: escaped, its matches in `<mark>`.
fn render(text: &str, fragment: &Fragment) -> String {
    let mut html = String::with_capacity(fragment.text.len() + 16 * fragment.marks.len());
    let mut from = fragment.text.start;
    for mark in &fragment.marks {
        escape_into(&mut html, &text[from..mark.start]);
        html.push_str("<mark>");
        escape_into(&mut html, &text[mark.clone()]);
        html.push_str("</mark>");
        from = mark.end;
    }
    escape_into(&mut html, &text[from..fragment.text.end]);
    html
}

/// HTML-escapes `text` as tantivy's snippets do (`& < > " '`).
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use tantivy::query::{BooleanQuery, Occur, TermQuery};
    use tantivy::schema::{Schema, TextFieldIndexing, TextOptions, Value};
    use tantivy::snippet::SnippetGenerator;
    use tantivy::tokenizer::TextAnalyzer;
    use tantivy::{Index, TantivyDocument, doc};

    use super::*;
    use crate::tokenizer::{Analyzer, STEMMED};

    /// The snippets cut from the index's positions are the ones tantivy's
    /// generator cuts by analyzing the text again.
    #[test]
    fn snippets_are_tantivys_without_restemming() {
        let mut schema = Schema::builder();
        let text = schema.add_text_field(
            "text",
            TextOptions::default().set_stored().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(STEMMED)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        );
        let index = Index::create_in_ram(schema.build());
        index
            .tokenizers()
            .register(STEMMED, TextAnalyzer::from(Analyzer::stemmed()));
        let filler = "the harbour council met on Tuesday to talk about the budget. ".repeat(6);
        let texts = [
            format!(
                "  {filler} The elections & the <voters> of \"Marsa Nour\"'s port. {filler} election"
            ),
            format!(
                "وقالت الوزارة إن الانتخابات البلدية ستجري في مرسى نور. {filler} وللانتخابات موعد"
            ),
            "A ferry, ferries and the ferry's crew: ferried.".to_owned(),
            format!("{filler}{filler} nothing to see"),
            "الوزراء والوزير وزير في الميناء".to_owned(),
        ];
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for body in &texts {
            writer.add_document(doc!(text => body.as_str())).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        for words in [
            "elections port",
            "انتخابات مرسى",
            "ferry",
            "وزير ميناء",
            "budget",
            "absent",
        ] {
            let clauses = Analyzer::stemmed()
                .terms(words)
                .into_iter()
                .map(|term| {
                    let term = Term::from_field_text(text, &term);
                    let query: Box<dyn Query> =
                        Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
                    (Occur::Should, query)
                })
                .collect();
            let query = BooleanQuery::new(clauses);
            let ours = Snippets::new(&searcher, &query, text, None).unwrap();
            let mut theirs = SnippetGenerator::create(&searcher, &query, text).unwrap();
            theirs.set_max_num_chars(SNIPPET_BYTES);
            for doc_id in 0..texts.len() as u32 {
                let address = DocAddress::new(0, doc_id);
                let document: TantivyDocument = searcher.doc(address).unwrap();
                let stored = document.get_first(text).and_then(|v| v.as_str()).unwrap();
                let mut expected = theirs.snippet_from_doc(&document);
                expected.set_snippet_prefix_postfix("<mark>", "</mark>");
                assert_eq!(
                    ours.html(&searcher, address, stored).unwrap(),
                    expected.to_html(),
                    "{words} in {doc_id}"
                );
            }
        }
    }
}
