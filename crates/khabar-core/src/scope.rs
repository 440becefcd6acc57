//! What a personal access token may do, and what each role may grant.

use serde::Serialize;

use crate::{InvalidInput, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Read what the account can see (its data, its notifications).
    Read,
    /// Post, edit and react to comments.
    Comment,
    /// Moderation queues and actions.
    Moderate,
    /// Write and publish stories.
    Edit,
    /// Users and site settings.
    Admin,
}

impl Scope {
    pub const ALL: [Scope; 5] = [
        Scope::Read,
        Scope::Comment,
        Scope::Moderate,
        Scope::Edit,
        Scope::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Comment => "comment",
            Scope::Moderate => "moderate",
            Scope::Edit => "edit",
            Scope::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Result<Scope, InvalidInput> {
        Scope::ALL
            .into_iter()
            .find(|scope| scope.as_str() == text)
            .ok_or_else(|| {
                InvalidInput::new(
                    "scopes",
                    "unknown_scope",
                    format!("“{text}” is not a scope (read, comment, moderate, edit, admin)"),
                )
            })
    }

    /// Whether someone with `role` may hold a token with this scope.
    pub fn allowed_for(self, role: Role) -> bool {
        match self {
            Scope::Read | Scope::Comment => true,
            Scope::Moderate => role.moderates(),
            Scope::Edit => matches!(role, Role::Author | Role::Editor | Role::Admin),
            Scope::Admin => role == Role::Admin,
        }
    }
}

/// A set of scopes, stored space-separated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Scopes(Vec<Scope>);

impl Scopes {
    /// Parses requested scopes and checks that `role` may grant each.
    pub fn grant(requested: &[String], role: Role) -> Result<Scopes, InvalidInput> {
        let mut scopes = Vec::new();
        for text in requested {
            let scope = Scope::parse(text.trim())?;
            if !scope.allowed_for(role) {
                return Err(InvalidInput::new(
                    "scopes",
                    "scope_not_allowed",
                    format!(
                        "a {} cannot hold the “{}” scope",
                        role.as_str(),
                        scope.as_str()
                    ),
                ));
            }
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
        if scopes.is_empty() {
            return Err(InvalidInput::new(
                "scopes",
                "no_scopes",
                "name at least one scope",
            ));
        }
        scopes.sort();
        Ok(Scopes(scopes))
    }

    /// Reads the stored form; unknown words are dropped.
    pub fn from_stored(text: &str) -> Scopes {
        Scopes(
            text.split_whitespace()
                .filter_map(|s| Scope::parse(s).ok())
                .collect(),
        )
    }

    pub fn to_stored(&self) -> String {
        self.0
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn contains(&self, scope: Scope) -> bool {
        self.0.contains(&scope)
    }
}

impl Role {
    pub fn parse(text: &str) -> Result<Role, InvalidInput> {
        Ok(match text {
            "reader" => Role::Reader,
            "moderator" => Role::Moderator,
            "author" => Role::Author,
            "editor" => Role::Editor,
            "admin" => Role::Admin,
            other => {
                return Err(InvalidInput::new(
                    "role",
                    "unknown_role",
                    format!("unknown role “{other}”"),
                ));
            }
        })
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for Role {
    type Error = InvalidInput;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Role::parse(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn roles_grant_only_their_scopes() {
        assert!(Scopes::grant(&words(&["read", "comment"]), Role::Reader).is_ok());
        assert_eq!(
            Scopes::grant(&words(&["moderate"]), Role::Reader)
                .unwrap_err()
                .code,
            "scope_not_allowed"
        );
        assert_eq!(
            Scopes::grant(&words(&["admin"]), Role::Editor)
                .unwrap_err()
                .code,
            "scope_not_allowed"
        );
        assert!(Scopes::grant(&words(&["edit", "moderate"]), Role::Editor).is_ok());
        assert_eq!(
            Scopes::grant(&words(&["root"]), Role::Admin)
                .unwrap_err()
                .code,
            "unknown_scope"
        );
        assert_eq!(
            Scopes::grant(&[], Role::Admin).unwrap_err().code,
            "no_scopes"
        );
        let scopes = Scopes::grant(&words(&["comment", "read", "read"]), Role::Reader).unwrap();
        assert_eq!(scopes.to_stored(), "read comment");
        assert_eq!(Scopes::from_stored("read comment bogus"), scopes);
    }
}
