use std::fmt;

use serde::Serialize;

use crate::{InvalidInput, text};

/// A URL slug: letters and digits of any script joined by single dashes,
/// lowercase, as `khabar_text::slugify` makes them. Arabic slugs are allowed.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    pub fn parse(input: &str) -> Result<Self, InvalidInput> {
        let text = text::single_line("slug", input)?;
        if khabar_text::slug::is_slug(&text) {
            Ok(Slug(text))
        } else {
            let suggestion = khabar_text::slugify(&text);
            let hint = if suggestion.is_empty() {
                String::new()
            } else {
                format!("; try “{suggestion}”")
            };
            Err(InvalidInput::new(
                "slug",
                "invalid_slug",
                format!(
                    "“{text}” is not a slug: use lowercase letters and digits joined by single dashes{hint}"
                ),
            ))
        }
    }

    /// The slug made from a headline, if it has any letter or digit.
    pub fn from_headline(headline: &str) -> Result<Self, InvalidInput> {
        Slug::parse(&khabar_text::slugify(headline))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Slug({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_and_latin_slugs() {
        assert!(Slug::parse("مرسى-نور").is_ok());
        assert!(Slug::parse("harbour-vote-2026").is_ok());
        let err = Slug::parse("Harbour Vote").unwrap_err();
        assert!(err.message.contains("harbour-vote"), "{}", err.message);
        assert!(Slug::parse("../etc").is_err());
        assert_eq!(
            Slug::from_headline("Harbour Vote!").unwrap().as_str(),
            "harbour-vote"
        );
    }
}
