//! People with accounts.

use khabar_text::username::{self, NameProblem};
use serde::Serialize;

use crate::{InvalidInput, text};

/// A username that passed the policy of `khabar_text::username`: NFKC,
/// PRECIS, identifier characters only, one direction, not reserved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Result<Self, InvalidInput> {
        username::normalize_username(&text::single_line("username", input)?)
            .map(Username)
            .map_err(|problem| {
                InvalidInput::new("username", problem.code(), name_problem_message(problem))
            })
    }

    /// For accounts an operator creates: reserved names (admin, مشرف…) are
    /// allowed, every other rule holds.
    pub fn parse_for_staff(input: &str) -> Result<Self, InvalidInput> {
        username::normalize_staff_username(&text::single_line("username", input)?)
            .map(Username)
            .map_err(|problem| {
                InvalidInput::new("username", problem.code(), name_problem_message(problem))
            })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What uniqueness is decided on: names with the same key look alike.
    pub fn key(&self) -> String {
        username::username_key(&self.0)
    }
}

/// A display name: freer than a username, but without bidi controls and
/// capped in length.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(input: &str) -> Result<Self, InvalidInput> {
        username::clean_display_name(&text::single_line("display_name", input)?)
            .map(DisplayName)
            .map_err(|problem| {
                let code = match problem {
                    NameProblem::TooLong => "display_name_too_long",
                    NameProblem::StackedMarks => "display_name_stacked_marks",
                    other => other.code(),
                };
                InvalidInput::new("display_name", code, name_problem_message(problem))
            })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn name_problem_message(problem: NameProblem) -> String {
    match problem {
        NameProblem::TooShort => {
            format!("use at least {} characters", username::MIN_USERNAME_CHARS)
        }
        NameProblem::TooLong => "that is too long".to_owned(),
        NameProblem::DisallowedCharacter => {
            "use letters, digits, “_”, “.” and “-” only, with no spaces or symbols".to_owned()
        }
        NameProblem::MixedDirection => "use Arabic letters or Latin letters, not both".to_owned(),
        NameProblem::MixedScript => {
            "use the letters of one alphabet, not look-alikes from another".to_owned()
        }
        NameProblem::StackedMarks => "too many accents on one letter".to_owned(),
        NameProblem::Reserved => "that name is reserved; choose another".to_owned(),
        NameProblem::Empty => "a name is required".to_owned(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, InvalidInput> {
        let email = text::single_line("email", input)?;
        let valid = email.len() <= 254
            && !email.contains(char::is_whitespace)
            && !email
                .chars()
                .any(|c| c.is_control() || "<>()[]\\,;:\"".contains(c))
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
            });
        if valid {
            Ok(Email(email))
        } else {
            Err(InvalidInput::new(
                "email",
                "invalid_email",
                format!("“{email}” is not an email address"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Reader,
    Moderator,
    Author,
    Editor,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Moderator => "moderator",
            Role::Author => "author",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    /// Moderators, editors and admins work the moderation queues.
    pub fn moderates(self) -> bool {
        matches!(self, Role::Moderator | Role::Editor | Role::Admin)
    }

    /// Anyone who speaks for the newsroom: their comments skip the pipeline.
    pub fn is_staff(self) -> bool {
        self != Role::Reader
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(Username::parse("layla").is_ok());
        assert!(Username::parse("ليلى_حداد").is_ok());
        assert_eq!(
            Username::parse("ab").unwrap_err().code,
            "username_too_short"
        );
        assert_eq!(
            Username::parse("a b c").unwrap_err().code,
            "username_bad_character"
        );
        assert_eq!(
            Username::parse("аdmin").unwrap_err().code,
            "username_reserved"
        );
        assert_eq!(Username::parse("ｌａｙｌａ").unwrap().as_str(), "layla");
        assert_eq!(
            Username::parse("Layla").unwrap().key(),
            Username::parse("layla").unwrap().key()
        );
        assert_eq!(
            DisplayName::parse("Layla \u{202E}H").unwrap().as_str(),
            "Layla H"
        );
        assert_eq!(
            Username::parse("кhalid_q").unwrap_err().code,
            "username_mixed_script"
        );
        let zalgo = format!("ab{}", "\u{0301}".repeat(20));
        assert_eq!(
            Username::parse(&zalgo).unwrap_err().code,
            "username_stacked_marks"
        );
        assert!(Username::parse("خالد_2").is_ok());
        for bad in ["lay\0la", "\u{1b}layla"] {
            assert_eq!(Username::parse(bad).unwrap_err().code, "control_character");
        }
        let blank = DisplayName::parse("\u{200B}").unwrap_err();
        assert_eq!(
            (blank.field, blank.code),
            ("display_name", "display_name_empty")
        );
        assert_eq!(
            DisplayName::parse("La\0yla").unwrap_err().code,
            "control_character"
        );
    }

    #[test]
    fn emails() {
        assert!(Email::parse("editor@news.example").is_ok());
        for bad in [
            "",
            "a",
            "a@b",
            "@b.c",
            "a@.c",
            "a b@c.d",
            "a@b.c.",
            "<a@b.c>",
            "x<a@b.c>",
            "a\u{0}@b.c",
            "a,b@c.d",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}
