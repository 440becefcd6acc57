//! Accounts, sessions and tokens on the wire.

use jiff::Timestamp;
use khabar_app::tokens::NewToken;
use khabar_core::{Scope, Scopes};
use khabar_store::{Account, UserSummary};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An account as its owner (or an admin) sees it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct User {
    pub(crate) id: i64,
    pub(crate) username: String,
    pub(crate) display_name: String,
    pub(crate) email: String,
    #[schema(value_type = super::sets::RoleName)]
    pub(crate) role: String,
    #[schema(examples("ar", "en"))]
    pub(crate) lang: String,
    pub(crate) email_verified: bool,
    pub(crate) created_at: Timestamp,
}

impl From<&Account> for User {
    fn from(a: &Account) -> Self {
        User {
            id: a.id,
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            email: a.email.clone(),
            role: a.role.to_string(),
            lang: a.lang.to_string(),
            email_verified: a.email_verified,
            created_at: a.created_at,
        }
    }
}

/// A new session: the account and the CSRF token for later changes.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Session {
    pub(crate) user: User,
    /// Send as X-CSRF-Token on state changes.
    pub(crate) csrf_token: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum AuthKind {
    Session,
    Token,
}

/// The calling account and how the call was authenticated.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CurrentUser {
    pub(crate) user: User,
    pub(crate) auth: AuthKind,
    pub(crate) scopes: Vec<ScopeName>,
}

/// What a token may do.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = Scope)]
pub(crate) enum ScopeName {
    Read,
    Comment,
    Moderate,
    Edit,
    Admin,
}

impl ScopeName {
    /// The scopes of a set, in their order.
    pub(crate) fn all_in(scopes: &Scopes) -> Vec<ScopeName> {
        Scope::ALL
            .iter()
            .filter(|s| scopes.contains(**s))
            .map(|s| ScopeName::from(*s))
            .collect()
    }
}

impl From<Scope> for ScopeName {
    fn from(scope: Scope) -> Self {
        match scope {
            Scope::Read => ScopeName::Read,
            Scope::Comment => ScopeName::Comment,
            Scope::Moderate => ScopeName::Moderate,
            Scope::Edit => ScopeName::Edit,
            Scope::Admin => ScopeName::Admin,
        }
    }
}

/// A new personal access token, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AccessToken {
    pub(crate) id: i64,
    pub(crate) name: String,
    /// Shown once; stored only as a hash.
    pub(crate) token: String,
    pub(crate) scopes: Vec<ScopeName>,
}

impl From<NewToken> for AccessToken {
    fn from(t: NewToken) -> Self {
        AccessToken {
            id: t.id,
            name: t.name,
            token: t.token,
            scopes: ScopeName::all_in(&t.scopes),
        }
    }
}

/// A user as the admins' list shows them.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct UserSummaryItem {
    pub(crate) id: i64,
    pub(crate) username: String,
    pub(crate) display_name: String,
    #[schema(value_type = super::sets::RoleName)]
    pub(crate) role: String,
    pub(crate) created_at: Timestamp,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct UserPage {
    pub(crate) items: Vec<UserSummaryItem>,
    pub(crate) page: u32,
    pub(crate) has_more: bool,
}

impl From<khabar_store::Page<UserSummary>> for UserPage {
    fn from(page: khabar_store::Page<UserSummary>) -> Self {
        UserPage {
            items: page
                .items
                .into_iter()
                .map(|u| UserSummaryItem {
                    id: u.id,
                    username: u.username,
                    display_name: u.display_name,
                    role: u.role.to_string(),
                    created_at: u.created_at,
                })
                .collect(),
            page: page.page,
            has_more: page.has_more,
        }
    }
}

/// Everything kept about the account (never secrets): `exported_at`,
/// `account`, `sessions` and `access_tokens`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(as = Export, value_type = Object)]
#[serde(transparent)]
pub(crate) struct ExportBody(pub(crate) serde_json::Value);
