//! One shape for every use case's failure: a stable machine code (the API's
//! `error.code`, the key of the page's localized message
//! `error-rejected-{code}`), the kind of failure (which every adapter turns
//! into its answer in one place: an HTTP status, a CLI message) and the
//! field it concerns.

use jiff::SignedDuration;
use khabar_core::InvalidInput;
use khabar_store::StoreError;

/// What went wrong, as far as the caller's answer is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The input is wrong; the message says how (422).
    Invalid,
    NotFound,
    /// Not signed in, or wrong credentials (401).
    Unauthorized,
    /// Signed in, but not allowed (403).
    Forbidden,
    /// Against the current state: taken, closed, changed meanwhile (409).
    Conflict,
    /// A link or token that no longer works (410).
    Gone,
    /// A limit was reached; retry after the wait (429).
    TooMany(SignedDuration),
    /// An upload over the size limit (413).
    TooLarge,
    /// An upload of a type not accepted (415).
    UnsupportedType,
    /// Our fault; logged, and the caller sees no details (500).
    Internal,
}

/// Implemented by every use case's error type.
pub trait Failure: std::error::Error {
    /// Stable machine-readable code, e.g. `username_taken`.
    fn code(&self) -> &'static str;
    fn kind(&self) -> Kind;
    /// The wrong input, when that is the failure: its message is the one
    /// to show (the error's own text also names the field).
    fn invalid_input(&self) -> Option<&InvalidInput> {
        None
    }
    /// The input field the failure concerns, if one does.
    fn field(&self) -> Option<&'static str> {
        self.invalid_input().map(|e| e.field)
    }
}

impl Failure for InvalidInput {
    fn code(&self) -> &'static str {
        self.code
    }

    fn kind(&self) -> Kind {
        Kind::Invalid
    }

    fn invalid_input(&self) -> Option<&InvalidInput> {
        Some(self)
    }
}

impl Failure for StoreError {
    fn code(&self) -> &'static str {
        match self {
            StoreError::NotFound => "not_found",
            StoreError::Invalid(e) => e.code,
            _ => "internal",
        }
    }

    fn kind(&self) -> Kind {
        match self {
            StoreError::NotFound => Kind::NotFound,
            StoreError::Invalid(_) => Kind::Invalid,
            _ => Kind::Internal,
        }
    }

    fn invalid_input(&self) -> Option<&InvalidInput> {
        match self {
            StoreError::Invalid(e) => Some(e),
            _ => None,
        }
    }
}
