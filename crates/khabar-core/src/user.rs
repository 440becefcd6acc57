//! People with accounts. The full username policy (PRECIS, confusables)
//! arrives with the accounts capability; this is the shape it will keep.

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::InvalidInput;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    /// NFKC, 3–32 characters, letters, digits, `_`, `.` and `-` of any
    /// single script direction, starting with a letter.
    pub fn parse(text: &str) -> Result<Self, InvalidInput> {
        let name: String = text.trim().nfkc().collect();
        let count = name.chars().count();
        if !(3..=32).contains(&count) {
            return Err(InvalidInput::new(
                "username",
                "invalid_length",
                "a username has 3 to 32 characters",
            ));
        }
        let starts_with_letter = name.chars().next().is_some_and(char::is_alphabetic);
        let allowed = name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !starts_with_letter || !allowed {
            return Err(InvalidInput::new(
                "username",
                "invalid_characters",
                "a username starts with a letter and has only letters, digits, “_”, “.” and “-”",
            ));
        }
        Ok(Username(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(text: &str) -> Result<Self, InvalidInput> {
        let email = text.trim();
        let valid = email.len() <= 254
            && !email.contains(char::is_whitespace)
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
            });
        if valid {
            Ok(Email(email.to_owned()))
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(Username::parse("layla").is_ok());
        assert!(Username::parse("ليلى_حداد").is_ok());
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("1abc").is_err());
        assert!(Username::parse("a b c").is_err());
        assert_eq!(Username::parse("ｌａｙｌａ").unwrap().as_str(), "layla");
    }

    #[test]
    fn emails() {
        assert!(Email::parse("editor@news.example").is_ok());
        for bad in ["", "a", "a@b", "@b.c", "a@.c", "a b@c.d", "a@b.c."] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Hashes a password with Argon2id (the crate's recommended parameters).
/// CPU-heavy: call it off the async worker threads.
pub fn hash_password(password: &str) -> Result<String, InvalidInput> {
    use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(InvalidInput::new(
            "password",
            "password_too_short",
            format!("a password has at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| InvalidInput::new("password", "password_unhashable", e.to_string()))
}

/// Whether `password` matches an Argon2 PHC string.
pub fn verify_password(password: &str, phc: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(phc).is_ok_and(|hash| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

#[cfg(test)]
mod password_tests {
    use super::*;

    #[test]
    fn hashes_verify_and_short_passwords_are_refused() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert_eq!(
            hash_password("short").unwrap_err().code,
            "password_too_short"
        );
    }
}
