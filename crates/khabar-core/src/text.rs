//! What stored text may contain, decided once for every field.
//!
//! Every text the domain keeps is one of two shapes, and every text type
//! and checked field of this crate is built on [`line`] or [`lines`]:
//!
//! - a *line* (a headline, a name, a term, a token's name): runs of
//!   whitespace, tabs and newlines included, become one space, and the
//!   ends are trimmed;
//! - *lines* (a story's body, a comment, a note): `\r\n` and a lone `\r`
//!   become `\n`, the ends are trimmed, and newline and tab are the only
//!   control characters kept.
//!
//! Any other control character (C0, DEL, C1; NUL above all, which
//! PostgreSQL cannot store) is refused with the code `control_character`
//! and the field's name, never silently stored or dropped. Lone
//! surrogates cannot reach this point: a Rust `str` cannot hold one,
//! serde_json refuses a `"\ud800"` escape (400 before any handler) and
//! form and query decoding turn unpaired bytes into U+FFFD.
//!
//! Search queries are the one forgiving case ([`query`]): a search box
//! drops what it cannot search for instead of refusing.
//!
//! Text that must show something (headlines, comments, display names,
//! notes) is also checked with [`is_visible`]: zero-width characters,
//! direction controls, blank fillers and combining marks without a letter
//! do not count.

use crate::InvalidInput;

/// The code of text refused for a control character.
pub const CONTROL_CHARACTER: &str = "control_character";

/// Single-line text, at most `max_chars` characters once whitespace is
/// collapsed.
pub fn line(field: &'static str, text: &str, max_chars: usize) -> Result<String, InvalidInput> {
    at_most(field, single_line(field, text)?, max_chars)
}

/// Multi-line text, at most `max_chars` characters once newlines are
/// unified.
pub fn lines(field: &'static str, text: &str, max_chars: usize) -> Result<String, InvalidInput> {
    at_most(field, multi_line(field, text)?, max_chars)
}

/// [`line`] for types whose length rule has a code of its own.
pub fn single_line(field: &'static str, text: &str) -> Result<String, InvalidInput> {
    refuse_controls(field, text, &[' ', '\t', '\n', '\r'])?;
    Ok(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// [`lines`] for types whose length rule has a code of its own.
pub fn multi_line(field: &'static str, text: &str) -> Result<String, InvalidInput> {
    refuse_controls(field, text, &['\t', '\n', '\r'])?;
    Ok(text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .trim()
        .to_owned())
}

/// Whether text shows anything: see `khabar_text::unicode::is_invisible`.
pub fn is_visible(text: &str) -> bool {
    khabar_text::unicode::has_visible(text)
}

/// A search query as searched: a control character separates words like
/// a space (a search box forgives rather than refuses), whitespace is
/// collapsed. Length limits stay the caller's.
pub fn query(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The error of text longer than `max_chars` characters.
pub fn too_long(field: &'static str, max_chars: usize) -> InvalidInput {
    InvalidInput::new(field, "too_long", format!("at most {max_chars} characters"))
}

fn at_most(field: &'static str, text: String, max_chars: usize) -> Result<String, InvalidInput> {
    if text.chars().count() > max_chars {
        Err(too_long(field, max_chars))
    } else {
        Ok(text)
    }
}

fn refuse_controls(field: &'static str, text: &str, allowed: &[char]) -> Result<(), InvalidInput> {
    match text
        .chars()
        .find(|c| c.is_control() && !allowed.contains(c))
    {
        Some(c) => Err(InvalidInput::new(
            field,
            CONTROL_CHARACTER,
            format!(
                "remove the invisible control character U+{:04X}",
                u32::from(c)
            ),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTROLS: [&str; 6] = [
        "a\0b",
        "a\u{1}b",
        "a\u{1b}[31mb",
        "a\u{7f}b",
        "a\u{85}b",
        "\0",
    ];

    #[test]
    fn a_line_is_one_line() {
        assert_eq!(line("f", "  a \t b\r\nc  ", 10).unwrap(), "a b c");
        assert_eq!(line("f", "", 10).unwrap(), "");
        assert_eq!(line("f", "ليلى حداد", 9).unwrap(), "ليلى حداد");
        assert_eq!(line("f", "abcdef", 5).unwrap_err().code, "too_long");
        for bad in CONTROLS {
            let e = line("headline", bad, 100).unwrap_err();
            assert_eq!(
                (e.field, e.code),
                ("headline", CONTROL_CHARACTER),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn lines_keep_newlines_and_tabs() {
        assert_eq!(lines("f", " a\r\nb\rc\n\td ", 100).unwrap(), "a\nb\nc\n\td");
        assert_eq!(lines("f", "abc", 2).unwrap_err().code, "too_long");
        for bad in CONTROLS {
            let e = lines("body", bad, 100).unwrap_err();
            assert_eq!((e.field, e.code), ("body", CONTROL_CHARACTER), "{bad:?}");
        }
    }

    #[test]
    fn zero_width_and_direction_marks_are_not_text() {
        assert!(is_visible("a"));
        assert!(is_visible("\u{200F}مرحبا"));
        assert!(!is_visible("\u{200B}\u{200C}\u{FEFF}"));
        assert!(!is_visible("\u{202E}\u{2067} \u{0651}"));
    }

    /// A text type of this crate (a newtype over `String`) whose methods
    /// do not go through this module would let a forgotten field store
    /// what the rule refuses: each must, or be listed here with why not.
    #[test]
    fn every_text_type_is_built_on_the_rule() {
        // An error's message, made by the code, never by a person.
        const NOT_INPUT: [&str; 1] = ["RandomnessUnavailable"];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut checked = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            for (at, _) in source.match_indices("(String);") {
                let line = source[..at].rsplit('\n').next().unwrap_or_default();
                let Some((_, name)) = line.split_once("struct ") else {
                    continue;
                };
                if NOT_INPUT.contains(&name) {
                    continue;
                }
                let start = source
                    .find(&format!("impl {name} {{"))
                    .unwrap_or_else(|| panic!("{name} has no methods in {path:?}"));
                let end = source[start..]
                    .find("\n}\n")
                    .map_or(source.len(), |e| start + e);
                assert!(
                    source[start..end].contains("text::"),
                    "{name} ({path:?}) is not built on khabar_core::text"
                );
                checked.push(name.to_owned());
            }
        }
        checked.sort();
        assert_eq!(
            checked,
            [
                "CommentBody",
                "DisplayName",
                "Email",
                "HeroImage",
                "Slug",
                "Username"
            ]
        );
    }

    #[test]
    fn queries_forgive() {
        assert_eq!(query("a\0b"), "a b");
        assert_eq!(query(" \u{1}\u{0} "), "");
        assert_eq!(query("  بلدية \n مرسى "), "بلدية مرسى");
    }
}
