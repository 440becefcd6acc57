//! Stories and their editions. A story groups the editions of one piece
//! of news; an edition is that story in one language.

use serde::Serialize;

use crate::text::{self, line, lines};
use crate::{InvalidInput, Slug};

pub const MAX_HEADLINE_CHARS: usize = 300;
pub const MAX_STANDFIRST_CHARS: usize = 1_000;
pub const MAX_BODY_CHARS: usize = 200_000;
pub const MAX_SHORT_TEXT_CHARS: usize = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EditionStatus {
    Draft,
    Scheduled,
    Published,
    Unpublished,
    /// A discussion embedded on another site (docs/embed.md): commented
    /// on like a published edition, listed nowhere.
    Embedded,
}

impl EditionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EditionStatus::Draft => "draft",
            EditionStatus::Scheduled => "scheduled",
            EditionStatus::Published => "published",
            EditionStatus::Unpublished => "unpublished",
            EditionStatus::Embedded => "embedded",
        }
    }

    pub fn parse(text: &str) -> Result<Self, InvalidInput> {
        Ok(match text {
            "draft" => EditionStatus::Draft,
            "scheduled" => EditionStatus::Scheduled,
            "published" => EditionStatus::Published,
            "unpublished" => EditionStatus::Unpublished,
            "embedded" => EditionStatus::Embedded,
            other => {
                return Err(InvalidInput::new(
                    "status",
                    "invalid_status",
                    format!("unknown edition status “{other}”"),
                ));
            }
        })
    }
}

impl std::fmt::Display for EditionStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for EditionStatus {
    type Error = InvalidInput;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        EditionStatus::parse(&text)
    }
}

/// Whether readers may comment on an edition; enforced by the comments
/// capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CommentMode {
    #[default]
    Open,
    Closed,
    PreModerated,
}

impl CommentMode {
    pub fn as_str(self) -> &'static str {
        match self {
            CommentMode::Open => "open",
            CommentMode::Closed => "closed",
            CommentMode::PreModerated => "pre_moderated",
        }
    }

    pub fn parse(text: &str) -> Result<Self, InvalidInput> {
        Ok(match text {
            "open" => CommentMode::Open,
            "closed" => CommentMode::Closed,
            "pre_moderated" => CommentMode::PreModerated,
            other => {
                return Err(InvalidInput::new(
                    "comment_mode",
                    "invalid_comment_mode",
                    format!("unknown comment setting “{other}”"),
                ));
            }
        })
    }
}

/// Where a hero image lives: a path under the site's media (`/media/…`) or
/// an absolute https URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct HeroImage(String);

impl HeroImage {
    pub fn parse(input: &str) -> Result<Self, InvalidInput> {
        let text = text::single_line("hero_image", input)?;
        // Plain http images would be blocked as mixed content on an https
        // site, and the pages' Content-Security-Policy allows https only.
        let ok =
            (text.starts_with("/media/") && !text.contains("..")) || text.starts_with("https://");
        if ok && !text.contains(char::is_whitespace) && text.len() <= 2_000 {
            Ok(HeroImage(text))
        } else {
            Err(InvalidInput::new(
                "hero_image",
                "invalid_image_location",
                "a hero image is a /media/… path or an https:// address",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What an editor writes for one edition, checked for size and shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EditionContent {
    pub slug: Slug,
    pub headline: String,
    pub standfirst: String,
    /// Markdown.
    pub body: String,
    pub dateline: String,
    pub hero_caption: String,
    pub hero_credit: String,
    pub comment_mode: CommentMode,
}

/// The raw fields of an edition, as a form, the API or demo data gives them.
#[derive(Debug, Clone, Default)]
pub struct EditionInput {
    pub slug: Option<String>,
    pub headline: String,
    pub standfirst: String,
    pub body: String,
    pub dateline: String,
    pub hero_caption: String,
    pub hero_credit: String,
    pub comment_mode: CommentMode,
}

impl EditionContent {
    /// Validates the input; an absent slug is made from the headline.
    pub fn parse(input: EditionInput) -> Result<Self, InvalidInput> {
        let headline = line("headline", &input.headline, MAX_HEADLINE_CHARS)?;
        if !text::is_visible(&headline) {
            return Err(InvalidInput::new(
                "headline",
                "required",
                "a headline is required",
            ));
        }
        let slug = match input.slug.as_deref().map(str::trim) {
            Some(slug) if !slug.is_empty() => Slug::parse(slug)?,
            _ => Slug::from_headline(&headline).map_err(|_| {
                InvalidInput::new(
                    "slug",
                    "invalid_slug",
                    "the headline has no letters to make a slug from; give a slug",
                )
            })?,
        };
        Ok(EditionContent {
            slug,
            headline,
            standfirst: lines("standfirst", &input.standfirst, MAX_STANDFIRST_CHARS)?,
            body: lines("body", &input.body, MAX_BODY_CHARS)?,
            dateline: line("dateline", &input.dateline, MAX_SHORT_TEXT_CHARS)?,
            hero_caption: line("hero_caption", &input.hero_caption, MAX_SHORT_TEXT_CHARS)?,
            hero_credit: line("hero_credit", &input.hero_credit, MAX_SHORT_TEXT_CHARS)?,
            comment_mode: input.comment_mode,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(headline: &str) -> EditionInput {
        EditionInput {
            headline: headline.into(),
            ..Default::default()
        }
    }

    #[test]
    fn slug_comes_from_the_headline() {
        let content = EditionContent::parse(input("  بلدية   مرسى نور  ")).unwrap();
        assert_eq!(content.headline, "بلدية مرسى نور");
        assert_eq!(content.slug.as_str(), "بلدية-مرسى-نور");
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(
            EditionContent::parse(input(" ")).unwrap_err().code,
            "required"
        );
        assert_eq!(
            EditionContent::parse(input("\u{200B}\u{202E}"))
                .unwrap_err()
                .code,
            "required"
        );
        let nul = EditionContent::parse(input("a\0b")).unwrap_err();
        assert_eq!((nul.field, nul.code), ("headline", "control_character"));
        let body = EditionContent::parse(EditionInput {
            body: "one\0two".into(),
            ..input("Headline")
        })
        .unwrap_err();
        assert_eq!((body.field, body.code), ("body", "control_character"));
        let kept = EditionContent::parse(EditionInput {
            body: "one\r\n\ttwo".into(),
            ..input("Headline")
        })
        .unwrap();
        assert_eq!(kept.body, "one\n\ttwo");
        assert_eq!(
            EditionContent::parse(input("!!!")).unwrap_err().field,
            "slug"
        );
        let long = "x".repeat(MAX_HEADLINE_CHARS + 1);
        assert_eq!(
            EditionContent::parse(input(&long)).unwrap_err().code,
            "too_long"
        );
        assert!(HeroImage::parse("/media/../secret").is_err());
        assert!(HeroImage::parse("javascript:alert(1)").is_err());
        assert!(HeroImage::parse("/media/demo/a.svg").is_ok());
        assert!(HeroImage::parse("https://images.example/a.jpg").is_ok());
        assert!(HeroImage::parse("http://images.example/a.jpg").is_err());
        assert_eq!(
            HeroImage::parse("/media/a\0.jpg").unwrap_err().code,
            "control_character"
        );
    }

    #[test]
    fn statuses_round_trip() {
        for s in [
            EditionStatus::Draft,
            EditionStatus::Scheduled,
            EditionStatus::Published,
            EditionStatus::Unpublished,
            EditionStatus::Embedded,
        ] {
            assert_eq!(EditionStatus::parse(s.as_str()), Ok(s));
        }
        for m in [
            CommentMode::Open,
            CommentMode::Closed,
            CommentMode::PreModerated,
        ] {
            assert_eq!(CommentMode::parse(m.as_str()), Ok(m));
        }
    }
}

/// What an editor asks of an edition's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusChange {
    Publish,
    Schedule,
    Unpublish,
}

/// The status an edition moves to, or why it cannot.
pub fn change_status(
    from: EditionStatus,
    change: StatusChange,
) -> Result<EditionStatus, InvalidInput> {
    use EditionStatus::*;
    match (from, change) {
        (Draft | Scheduled | Unpublished, StatusChange::Publish) => Ok(Published),
        (Draft | Scheduled | Unpublished, StatusChange::Schedule) => Ok(Scheduled),
        (Published | Scheduled, StatusChange::Unpublish) => Ok(Unpublished),
        (Published, StatusChange::Publish) => Err(InvalidInput::new(
            "status",
            "already_published",
            "this edition is already published",
        )),
        (Published, StatusChange::Schedule) => Err(InvalidInput::new(
            "status",
            "already_published",
            "unpublish this edition before scheduling it",
        )),
        (Draft | Unpublished, StatusChange::Unpublish) => Err(InvalidInput::new(
            "status",
            "not_published",
            "this edition is not published",
        )),
        (Embedded, _) => Err(InvalidInput::new(
            "status",
            "embedded_discussion",
            "this is a discussion embedded on another site, not a story",
        )),
    }
}

#[cfg(test)]
mod status_tests {
    use super::*;

    #[test]
    fn transitions() {
        use EditionStatus::*;
        assert_eq!(change_status(Draft, StatusChange::Publish), Ok(Published));
        assert_eq!(
            change_status(Scheduled, StatusChange::Unpublish),
            Ok(Unpublished)
        );
        assert_eq!(
            change_status(Unpublished, StatusChange::Schedule),
            Ok(Scheduled)
        );
        assert!(change_status(Published, StatusChange::Publish).is_err());
        assert!(change_status(Draft, StatusChange::Unpublish).is_err());
    }
}
