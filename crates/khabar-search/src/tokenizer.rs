//! khabar's analyzers (`khabar_text::search`) as tantivy tokenizers, so
//! the index, the queries and the highlighted snippets all cut and fold
//! text the same way.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Stemmed by each word's script (Arabic light10, English).
pub(crate) const STEMMED: &str = "khabar_stemmed";
/// Normalized, not stemmed: exact names rank first through these.
pub(crate) const EXACT: &str = "khabar_exact";

#[derive(Clone, Copy)]
pub(crate) struct Analyzer {
    stem: bool,
}

impl Analyzer {
    pub(crate) fn stemmed() -> Self {
        Analyzer { stem: true }
    }

    pub(crate) fn exact() -> Self {
        Analyzer { stem: false }
    }

    /// The terms `text` becomes.
    pub(crate) fn terms(self, text: &str) -> Vec<String> {
        self.tokens(text).into_iter().map(|t| t.term).collect()
    }

    fn tokens(self, text: &str) -> Vec<khabar_text::search::Token> {
        if self.stem {
            khabar_text::search::stemmed_tokens(text)
        } else {
            khabar_text::search::exact_tokens(text)
        }
    }
}

pub(crate) struct Tokens {
    tokens: std::vec::IntoIter<khabar_text::search::Token>,
    current: Token,
}

impl Tokenizer for Analyzer {
    type TokenStream<'a> = Tokens;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Tokens {
        Tokens {
            tokens: self.tokens(text).into_iter(),
            current: Token::default(),
        }
    }
}

impl TokenStream for Tokens {
    fn advance(&mut self) -> bool {
        match self.tokens.next() {
            Some(token) => {
                self.current = Token {
                    offset_from: token.from,
                    offset_to: token.to,
                    position: token.position,
                    text: token.term,
                    position_length: 1,
                };
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}
