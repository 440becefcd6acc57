//! Working out the writing direction of a piece of text from its strong
//! characters, so that each block can carry its own `dir`.

use unicode_bidi::{Direction as BidiDirection, get_base_direction};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ltr,
    Rtl,
    /// No strong character: let the browser decide (`dir="auto"`).
    Auto,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
            Direction::Auto => "auto",
        }
    }
}

/// The direction of the first strong character, as the Unicode bidi
/// algorithm's paragraph level rule (P2) would pick it.
pub fn detect_direction(text: &str) -> Direction {
    match get_base_direction(text) {
        BidiDirection::Ltr => Direction::Ltr,
        BidiDirection::Rtl => Direction::Rtl,
        BidiDirection::Mixed => Direction::Auto,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_strong_character_decides() {
        assert_eq!(detect_direction("مرحبا world"), Direction::Rtl);
        assert_eq!(detect_direction("Hello مرحبا"), Direction::Ltr);
        assert_eq!(detect_direction("123 ، !"), Direction::Auto);
        assert_eq!(detect_direction(""), Direction::Auto);
    }
}
