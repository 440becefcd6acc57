//! What a reader typed, understood without ever failing: words,
//! "quoted phrases" and -exclusions. Anything else is plain text.

/// At most this many characters are searched for.
pub const MAX_QUERY_CHARS: usize = 200;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// Words every result must contain (in any form of the word).
    pub words: Vec<String>,
    /// Runs of words that must stand together.
    pub phrases: Vec<String>,
    /// Words no result may contain.
    pub excluded: Vec<String>,
}

impl Parsed {
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.phrases.is_empty()
    }
}

/// Splits `input` into words, phrases and exclusions. An unclosed quote
/// runs to the end; a lone `-` or `"` is ignored.
pub fn parse(input: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let mut rest = input.trim();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('"') {
            let (phrase, tail) = after.split_once('"').unwrap_or((after, ""));
            if !phrase.trim().is_empty() {
                parsed.phrases.push(phrase.trim().to_owned());
            }
            rest = tail.trim_start();
            continue;
        }
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (word, tail) = rest.split_at(end);
        rest = tail.trim_start();
        match word.strip_prefix('-') {
            Some(excluded) if !excluded.is_empty() => parsed.excluded.push(excluded.to_owned()),
            Some(_) => {}
            None => parsed.words.push(word.to_owned()),
        }
    }
    parsed
}

/// A parsed search written back as text that parses to it again: words,
/// then "phrases", then -exclusions.
pub fn unparse(parsed: &Parsed) -> String {
    let words = parsed.words.iter().cloned();
    let phrases = parsed.phrases.iter().map(|p| format!("\"{p}\""));
    let excluded = parsed.excluded.iter().map(|w| format!("-{w}"));
    words
        .chain(phrases)
        .chain(excluded)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_phrases_and_exclusions() {
        let parsed = parse(r#"  انتخابات "مرسى نور" -البلدية port  "#);
        assert_eq!(parsed.words, ["انتخابات", "port"]);
        assert_eq!(parsed.phrases, ["مرسى نور"]);
        assert_eq!(parsed.excluded, ["البلدية"]);
    }

    #[test]
    fn unparse_gives_the_same_search() {
        let parsed = parse(r#"  انتخابات "مرسى نور" -البلدية port  "#);
        let text = unparse(&parsed);
        assert_eq!(text, r#"انتخابات port "مرسى نور" -البلدية"#);
        assert_eq!(parse(&text), parsed);
    }

    #[test]
    fn odd_input_is_plain_text() {
        assert_eq!(parse(r#""unclosed phrase"#).phrases, ["unclosed phrase"]);
        assert_eq!(parse("- \"\" a-b").words, ["a-b"]);
        assert!(parse("  -  \"  \" ").is_empty());
        assert_eq!(
            parse("AND OR (x) title:y *").words,
            ["AND", "OR", "(x)", "title:y", "*"]
        );
    }
}
