//! Arabic-script character classes and folding, shared by slugs, username
//! keys, word lists and search.

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

/// Folds the spelling variants that do not change a word: harakat and
/// tatweel removed; أ إ آ ٱ → ا; ى → ي; ة → ه; Persian ی → ي and ک → ك;
/// Arabic-Indic digits → ASCII digits.
pub fn fold(text: &str) -> String {
    text.chars()
        .filter(|&c| !is_haraka(c) && !is_tatweel(c))
        .map(fold_char)
        .collect()
}

/// One letter's folded form (harakat and tatweel are the caller's to drop).
pub(crate) fn fold_char(c: char) -> char {
    match c {
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ى' | 'ی' => 'ي',
        'ة' => 'ه',
        'ک' => 'ك',
        '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
        '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_letter_variants_and_digits() {
        assert_eq!(
            fold("أحمد إبراهيم آمنة ٱلله"),
            "احمد ابراهيم امنة الله".replace('ة', "ه")
        );
        assert_eq!(fold("مستشفى مدرسة"), "مستشفي مدرسه");
        assert_eq!(fold("ی ک ٢٠٢٦ ۱۴"), "ي ك 2026 14");
        assert_eq!(fold("الْمُشْرِفـــ"), "المشرف");
    }

    #[test]
    fn strips_harakat_and_tatweel() {
        assert_eq!(strip_marks("الْكِتَابُ"), "الكتاب");
        assert_eq!(strip_marks("جـــميل"), "جميل");
        assert_eq!(strip_marks("news"), "news");
    }
}
