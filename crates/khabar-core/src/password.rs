//! Passwords: a length floor, a list of common passwords shipped in the
//! binary, and Argon2id hashing.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::InvalidInput;

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest accepted: hashing has a cost, and no one types more.
pub const MAX_PASSWORD_CHARS: usize = 256;

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common-passwords.txt")
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect()
});

/// Checks a new password against the policy. `personal` holds what the
/// password must not simply repeat (username, email).
pub fn check_new_password(password: &str, personal: &[&str]) -> Result<(), InvalidInput> {
    let count = password.chars().count();
    if count < MIN_PASSWORD_CHARS {
        return Err(InvalidInput::new(
            "password",
            "password_too_short",
            format!("a password has at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if count > MAX_PASSWORD_CHARS {
        return Err(InvalidInput::new(
            "password",
            "password_too_long",
            format!("a password has at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    let lowered = password.to_lowercase();
    let repeats_personal = personal
        .iter()
        .any(|p| !p.is_empty() && lowered.contains(&p.to_lowercase()));
    let one_character = password.chars().all(|c| password.starts_with(c));
    if COMMON.contains(lowered.as_str()) || repeats_personal || one_character {
        return Err(InvalidInput::new(
            "password",
            "password_too_common",
            "this password is too easy to guess; choose another",
        ));
    }
    Ok(())
}

/// Hashes a password with Argon2id (the crate's recommended parameters).
/// CPU-heavy: call it off the async worker threads.
pub fn hash_password(password: &str) -> Result<String, InvalidInput> {
    use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
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

/// A hash of a password nobody has, verified against when an account does
/// not exist so that sign-in takes as long either way.
pub static DECOY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("decoy password that matches nothing").unwrap_or_default());

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("anything", "not a hash"));
        assert!(!verify_password("anything", &DECOY_HASH));
    }

    #[test]
    fn weak_passwords_are_refused() {
        let code = |p: &str| {
            check_new_password(p, &["layla", "layla@news.example"])
                .err()
                .map(|e| e.code)
        };
        assert_eq!(code("short"), Some("password_too_short"));
        assert_eq!(code("Password123"), Some("password_too_common"));
        assert_eq!(code("ضصثقفغعهخح"), Some("password_too_common"));
        assert_eq!(code("aaaaaaaaaaaa"), Some("password_too_common"));
        assert_eq!(code("my-layla-2026!"), Some("password_too_common"));
        assert_eq!(code(&"x".repeat(300)), Some("password_too_long"));
        assert_eq!(code("harbour lights at dusk"), None);
    }
}
