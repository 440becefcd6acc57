//! Words one typo away from what a reader typed, as the index has them.
//!
//! tantivy's `FuzzyTermQuery` walks a Levenshtein automaton over a
//! field's whole term dictionary, segment by segment, every time a query
//! holding it runs: a two-script search runs its words twice (to find
//! stories, then to score them), and a suggestion counts several
//! respelt searches. Here the walk is done once per word and field of a
//! search, and its terms are then matched as a set (`TermSetQuery`,
//! constant score as the fuzzy query's), which also lets snippets mark
//! the words the typo matched.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder, SINK_STATE};
use tantivy::schema::Field;
use tantivy::{Searcher, Term};
use tantivy_fst::Automaton;

/// Most spellings one typo may stand for. A word of five letters or
/// more has a handful in a news vocabulary; the bound keeps a query
/// built from a pathological dictionary small.
const MAX_SPELLINGS: usize = 256;

/// One edit away, a swap of two neighbours counting as one edit.
/// Building it is costly, so it is built once.
static ONE_EDIT: LazyLock<LevenshteinAutomatonBuilder> =
    LazyLock::new(|| LevenshteinAutomatonBuilder::new(1, true));

/// The terms of `field` at most one edit from `word` (itself included
/// if the index has it), in every segment `searcher` sees.
pub(crate) fn one_typo_away(
    searcher: &Searcher,
    field: Field,
    word: &str,
) -> tantivy::Result<Vec<Term>> {
    let automaton = WithinOneEdit(ONE_EDIT.build_dfa(word));
    let mut spellings = BTreeSet::new();
    for segment in searcher.segment_readers() {
        let index = segment.inverted_index(field)?;
        let mut terms = index.terms().search(&automaton).into_stream()?;
        while spellings.len() < MAX_SPELLINGS && terms.advance() {
            if !spellings.contains(terms.key()) {
                spellings.insert(terms.key().to_vec());
            }
        }
    }
    Ok(spellings
        .into_iter()
        .filter_map(|bytes| String::from_utf8(bytes).ok())
        .map(|text| Term::from_field_text(field, &text))
        .collect())
}

/// A Levenshtein automaton, walked over a term dictionary.
struct WithinOneEdit(DFA);

impl Automaton for WithinOneEdit {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}
