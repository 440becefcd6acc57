/// A value that does not satisfy the rules of its type. `field` names what
/// was wrong so that forms, the API and the CLI can point at it; `code` is
/// stable for machines.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InvalidInput {
    pub field: &'static str,
    pub code: &'static str,
    pub message: String,
}

impl InvalidInput {
    pub fn new(field: &'static str, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            code,
            message: message.into(),
        }
    }
}
