//! Secrets handed to people (session cookies, access tokens, email links):
//! random, and stored only as a hash so a copy of the database cannot be
//! replayed.

use sha2::{Digest, Sha256};

/// A fresh secret and the hash to store for it.
#[derive(Debug, Clone)]
pub struct Secret {
    /// Give this to the person; never store it.
    pub token: String,
    /// Store this; look the token up by hashing it again.
    pub hash: String,
}

#[derive(Debug, thiserror::Error)]
#[error("the system random number generator failed: {0}")]
pub struct RandomnessUnavailable(pub(crate) String);

impl Secret {
    /// 32 random bytes from the operating system, hex encoded, with a
    /// readable prefix (`khs_` session, `khp_` personal token, `khe_` email
    /// link) so that a leaked token says what it is.
    pub fn generate(prefix: &str) -> Result<Secret, RandomnessUnavailable> {
        let mut bytes = [0u8; 32];
        getrandom::getrandom(&mut bytes).map_err(|e| RandomnessUnavailable(e.to_string()))?;
        let token = format!("{prefix}{}", hex::encode(bytes));
        let hash = hash_token(&token);
        Ok(Secret { token, hash })
    }
}

/// The stored form of a token.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares two strings in time independent of where they differ, for
/// CSRF tokens and the like.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_unique_and_hash_consistently() {
        let a = Secret::generate("khs_").unwrap();
        let b = Secret::generate("khs_").unwrap();
        assert_ne!(a.token, b.token);
        assert!(a.token.starts_with("khs_") && a.token.len() == 4 + 64);
        assert_eq!(hash_token(&a.token), a.hash);
        assert_ne!(a.hash, a.token);
    }

    #[test]
    fn constant_time_comparison() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
