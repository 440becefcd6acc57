//! Arabic-script character classes shared by slugs and (later) search folding.

/// Harakat and related marks (fathatan … sukun) that change how a word is
/// voiced but not which word it is.
pub fn is_haraka(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{0652}' | '\u{0670}')
}

/// Tatweel stretches a word visually; it never carries meaning.
pub fn is_tatweel(c: char) -> bool {
    c == '\u{0640}'
}

/// Removes harakat and tatweel, leaving the letters.
pub fn strip_marks(text: &str) -> String {
    text.chars()
        .filter(|&c| !is_haraka(c) && !is_tatweel(c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_harakat_and_tatweel() {
        assert_eq!(strip_marks("الْكِتَابُ"), "الكتاب");
        assert_eq!(strip_marks("جـــميل"), "جميل");
        assert_eq!(strip_marks("news"), "news");
    }
}
