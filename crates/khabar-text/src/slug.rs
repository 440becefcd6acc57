//! Readable URL slugs in any script: Arabic headlines keep Arabic slugs.

use unicode_normalization::UnicodeNormalization;

use crate::arabic;

/// Longest slug we produce, in characters.
pub const MAX_SLUG_CHARS: usize = 80;

/// Turns a headline into a slug: NFKC, lowercase, harakat and tatweel
/// dropped, letters and digits of every script kept, every other run of
/// characters collapsed into one `-`.
pub fn slugify(text: &str) -> String {
    let folded: String = arabic::strip_marks(&text.nfkc().collect::<String>()).to_lowercase();
    let mut slug = String::with_capacity(folded.len());
    let mut pending_dash = false;
    let mut chars = 0;
    for c in folded.chars() {
        if c.is_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                if chars + 1 >= MAX_SLUG_CHARS {
                    break;
                }
                slug.push('-');
                chars += 1;
            }
            pending_dash = false;
            if chars >= MAX_SLUG_CHARS {
                break;
            }
            slug.push(c);
            chars += 1;
        } else {
            pending_dash = true;
        }
    }
    slug
}

/// Whether `text` is already a slug as [`slugify`] makes them.
pub fn is_slug(text: &str) -> bool {
    !text.is_empty() && slugify(text) == text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_headline() {
        assert_eq!(
            slugify("Harbour vote: turnout rises — again!"),
            "harbour-vote-turnout-rises-again"
        );
    }

    #[test]
    fn arabic_headline_stays_arabic() {
        assert_eq!(
            slugify("الانتخاباتُ البلديّة في مرسى نور"),
            "الانتخابات-البلدية-في-مرسى-نور"
        );
    }

    #[test]
    fn digits_and_presentation_forms() {
        assert_eq!(slugify("ﻻ ٢٠٢٦"), "لا-٢٠٢٦");
    }

    #[test]
    fn nothing_sluggable() {
        assert_eq!(slugify("—!?"), "");
        assert!(!is_slug(""));
        assert!(is_slug("a-b"));
        assert!(!is_slug("a--b"));
        assert!(!is_slug("A"));
    }

    #[test]
    fn long_headlines_are_cut() {
        let long = "word ".repeat(100);
        let slug = slugify(&long);
        assert!(slug.chars().count() <= MAX_SLUG_CHARS);
        assert!(!slug.ends_with('-'));
    }
}
