//! Character classes several analyzers share.

use unicode_normalization::char::is_combining_mark;

/// Unicode's Default_Ignorable_Code_Point: zero-width characters, joiners,
/// soft hyphen, direction marks and controls (LRM, RLM, ALM, embeddings,
/// overrides, isolates), BOM, variation selectors, Hangul fillers, tags.
pub fn is_default_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Whether a character draws nothing on its own: whitespace, controls,
/// default-ignorables, combining marks (which need a letter to sit on)
/// and the blank Braille pattern, a favourite "empty" character.
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || is_default_ignorable(c)
        || is_combining_mark(c)
        || c == '\u{2800}'
}

/// Whether text shows anything at all: at least one character that is not
/// [`is_invisible`].
pub fn has_visible(text: &str) -> bool {
    text.chars().any(|c| !is_invisible(c))
}

/// Combining marks kept in a row (Arabic needs at most shadda + a vowel + a
/// little more; "zalgo" text piles up dozens).
pub const MAX_COMBINING_RUN: usize = 3;

/// Embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069):
/// they let text impersonate other text.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The longest run of combining marks in `text`.
pub fn longest_mark_run(text: &str) -> usize {
    let (mut longest, mut run) = (0, 0);
    for c in text.chars() {
        run = if is_combining_mark(c) { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_text_is_told_apart() {
        for blank in [
            "",
            " \t\n",
            "\u{200B}\u{200C}\u{200D}",
            "\u{202E}\u{2066}\u{200F}",
            "\u{0301}\u{0301}",
            "\u{2800}\u{3164}\u{FEFF}",
        ] {
            assert!(!has_visible(blank), "{blank:?}");
        }
        for shown in ["a", "\u{200B}ب", "٢", "🙂", "-"] {
            assert!(has_visible(shown), "{shown:?}");
        }
    }

    #[test]
    fn mark_runs_are_counted() {
        assert_eq!(longest_mark_run("abc"), 0);
        assert_eq!(longest_mark_run("a\u{0301}b\u{0301}\u{0302}"), 2);
        assert_eq!(
            longest_mark_run(&format!("ab{}", "\u{0301}".repeat(20))),
            20
        );
    }
}
