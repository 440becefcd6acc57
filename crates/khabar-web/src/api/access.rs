//! What every API operation needs of its caller, in one table. Handlers
//! check it through [`Caller::require`](super::Caller::require); the OpenAPI
//! document's `security` entries and its 401/403 answers are written from
//! it (`openapi::FromAccessTable`), so the document and the check cannot
//! disagree; `tests/access.rs` calls every documented operation as every
//! kind of caller against it.
//!
//! A session and a token are held to the same rule: a session carries every
//! scope its account's role allows (`Scope::allowed_for`), a token the scopes
//! it was granted that the role still allows. Finer rules (authors change
//! only their own drafts, section-limited moderators, a reader's standing)
//! stay in the use cases, which both kinds of caller reach alike.

use khabar_core::newsroom::{may_keep_sections, may_publish};
use khabar_core::{Role, Scope};

/// Who may call an operation.
#[derive(Debug, Clone, Copy)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// A signed-in caller holding the scope.
    Scope(Scope),
    /// Holding the scope, and of a role the rule lets through (the
    /// newsroom's own rule from `khabar_core::newsroom`): editors publish.
    ScopeAndRole(Scope, fn(Role) -> bool),
    /// Any signed-in caller, whatever its scopes: a token may always revoke
    /// itself.
    SignedIn,
    /// A session (which must send the password again), or a token holding
    /// `admin`, so that a leaked reading token cannot delete anyone.
    SessionOrAdminToken,
}

/// An operation of the API and what it needs.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// The document's `operationId`.
    pub id: &'static str,
    pub access: Access,
    /// Changes state: a session must also send its CSRF token.
    pub changes: bool,
}

const fn read(id: &'static str, access: Access) -> Operation {
    Operation {
        id,
        access,
        changes: false,
    }
}

const fn change(id: &'static str, access: Access) -> Operation {
    Operation {
        id,
        access,
        changes: true,
    }
}

const PUBLIC: Access = Access::Public;
const SIGNED_IN: Access = Access::SignedIn;
const READ: Access = Access::Scope(Scope::Read);
const COMMENT: Access = Access::Scope(Scope::Comment);
const MODERATE: Access = Access::Scope(Scope::Moderate);
const EDIT: Access = Access::Scope(Scope::Edit);
const ADMIN: Access = Access::Scope(Scope::Admin);
const PUBLISH: Access = Access::ScopeAndRole(Scope::Edit, may_publish);

/// Every role, for listing who may call what.
pub const ROLES: [Role; 5] = [
    Role::Reader,
    Role::Moderator,
    Role::Author,
    Role::Editor,
    Role::Admin,
];

impl Access {
    /// Whether an account of `role` may call the operation (a token also
    /// needs the scope).
    pub fn admits(self, role: Role) -> bool {
        match self {
            Access::Public | Access::SignedIn | Access::SessionOrAdminToken => true,
            Access::Scope(scope) => scope.allowed_for(role),
            Access::ScopeAndRole(scope, rule) => scope.allowed_for(role) && rule(role),
        }
    }

    /// The scope a token needs, if any.
    pub fn scope(self) -> Option<Scope> {
        match self {
            Access::Public | Access::SignedIn => None,
            Access::SessionOrAdminToken => Some(Scope::Admin),
            Access::Scope(scope) | Access::ScopeAndRole(scope, _) => Some(scope),
        }
    }
}

pub(crate) const SIGN_UP: Operation = change("signUp", PUBLIC);
pub(crate) const SIGN_IN: Operation = change("signIn", PUBLIC);
pub(crate) const SIGN_OUT: Operation = change("signOut", SIGNED_IN);
pub(crate) const VERIFY_EMAIL: Operation = change("verifyEmail", PUBLIC);
pub(crate) const REQUEST_PASSWORD_RESET: Operation = change("requestPasswordReset", PUBLIC);
pub(crate) const RESET_PASSWORD: Operation = change("resetPassword", PUBLIC);
pub(crate) const GET_CURRENT_USER: Operation = read("getCurrentUser", READ);
pub(crate) const DELETE_MY_ACCOUNT: Operation =
    change("deleteMyAccount", Access::SessionOrAdminToken);
pub(crate) const EXPORT_MY_DATA: Operation = read("exportMyData", READ);
pub(crate) const CREATE_ACCESS_TOKEN: Operation = change("createAccessToken", PUBLIC);
pub(crate) const LIST_USERS: Operation = read("listUsers", ADMIN);
pub(crate) const LIST_STORIES: Operation = read("listStories", EDIT);
pub(crate) const CREATE_STORY: Operation = change("createStory", EDIT);
pub(crate) const GET_STORY: Operation = read("getStory", EDIT);
pub(crate) const UPDATE_STORY: Operation = change("updateStory", EDIT);
pub(crate) const CREATE_EDITION: Operation = change("createEdition", EDIT);
pub(crate) const UPDATE_EDITION: Operation = change("updateEdition", EDIT);
pub(crate) const PUBLISH_EDITION: Operation = change("publishEdition", PUBLISH);
pub(crate) const UNPUBLISH_EDITION: Operation = change("unpublishEdition", PUBLISH);
pub(crate) const LIST_REVISIONS: Operation = read("listRevisions", EDIT);
pub(crate) const RESTORE_REVISION: Operation = change("restoreRevision", EDIT);
pub(crate) const UPLOAD_MEDIA: Operation = change("uploadMedia", EDIT);
/// The sections are the public site's navigation.
pub(crate) const LIST_SECTIONS: Operation = read("listSections", PUBLIC);
pub(crate) const CREATE_SECTION: Operation = change(
    "createSection",
    Access::ScopeAndRole(Scope::Edit, may_keep_sections),
);
/// Who may create sections may rename them.
pub(crate) const UPDATE_SECTION: Operation = change(
    "updateSection",
    Access::ScopeAndRole(Scope::Edit, may_keep_sections),
);
/// Languages, comment limits and the site's name: what a reader's client
/// needs to behave as the site does.
pub(crate) const GET_SITE_SETTINGS: Operation = read("getSiteSettings", READ);
pub(crate) const UPDATE_SITE_SETTINGS: Operation = change("updateSiteSettings", ADMIN);
pub(crate) const UPDATE_SITE_ICON: Operation = change("updateSiteIcon", ADMIN);
pub(crate) const REMOVE_SITE_ICON: Operation = change("removeSiteIcon", ADMIN);
pub(crate) const UPDATE_USER_ROLE: Operation = change("updateUserRole", ADMIN);
/// Arranging the front page speaks for the newsroom, as publishing does.
pub(crate) const GET_FRONT_PAGE: Operation = read("getFrontPage", PUBLISH);
pub(crate) const UPDATE_FRONT_PAGE: Operation = change("updateFrontPage", PUBLISH);
/// The site's own pages are public; writing them speaks for the newsroom.
pub(crate) const LIST_PAGES: Operation = read("listPages", PUBLIC);
pub(crate) const GET_PAGE: Operation = read("getPage", PUBLIC);
pub(crate) const UPDATE_PAGE: Operation = change("updatePage", PUBLISH);
/// Webhooks send the site's events elsewhere: admins only.
pub(crate) const LIST_WEBHOOKS: Operation = read("listWebhooks", ADMIN);
pub(crate) const CREATE_WEBHOOK: Operation = change("createWebhook", ADMIN);
pub(crate) const UPDATE_WEBHOOK: Operation = change("updateWebhook", ADMIN);
pub(crate) const DELETE_WEBHOOK: Operation = change("deleteWebhook", ADMIN);
pub(crate) const LIST_WEBHOOK_DELIVERIES: Operation = read("listWebhookDeliveries", ADMIN);
pub(crate) const REDELIVER_WEBHOOK: Operation = change("redeliverWebhook", ADMIN);
pub(crate) const LIST_COMMENTS: Operation = read("listComments", PUBLIC);
pub(crate) const CREATE_COMMENT: Operation = change("createComment", COMMENT);
pub(crate) const STREAM_COMMENTS: Operation = read("streamComments", PUBLIC);
pub(crate) const GET_COMMENT: Operation = read("getComment", PUBLIC);
pub(crate) const EDIT_COMMENT: Operation = change("editComment", COMMENT);
pub(crate) const DELETE_COMMENT: Operation = change("deleteComment", COMMENT);
pub(crate) const REACT_TO_COMMENT: Operation = change("reactToComment", COMMENT);
pub(crate) const REPORT_COMMENT: Operation = change("reportComment", COMMENT);
pub(crate) const LIST_NOTIFICATIONS: Operation = read("listNotifications", READ);
pub(crate) const MARK_NOTIFICATIONS_READ: Operation = change("markNotificationsRead", READ);
pub(crate) const GET_USER_PROFILE: Operation = read("getUserProfile", PUBLIC);
/// Host sites' index pages show them to anyone.
pub(crate) const COUNT_EMBED_COMMENTS: Operation = read("countEmbedComments", PUBLIC);
pub(crate) const SEARCH_ARTICLES: Operation = read("searchArticles", PUBLIC);
pub(crate) const SEARCH_COMMENTS: Operation = read("searchComments", MODERATE);
pub(crate) const LIST_MODERATION_QUEUE: Operation = read("listModerationQueue", MODERATE);
pub(crate) const MODERATE_COMMENTS: Operation = change("moderateComments", MODERATE);
pub(crate) const MODERATE_COMMENT: Operation = change("moderateComment", MODERATE);
pub(crate) const GET_READER_HISTORY: Operation = read("getReaderHistory", MODERATE);
pub(crate) const MODERATE_USER: Operation = change("moderateUser", MODERATE);
pub(crate) const UNDO_MODERATION_DECISIONS: Operation = change("undoModerationDecisions", MODERATE);
pub(crate) const LIST_AUDIT_LOG: Operation = read("listAuditLog", MODERATE);
pub(crate) const LIST_WORD_LISTS: Operation = read("listWordLists", MODERATE);
pub(crate) const UPDATE_WORD_LIST: Operation = change("updateWordList", MODERATE);
pub(crate) const GET_MODERATION_SETTINGS: Operation = read("getModerationSettings", MODERATE);
pub(crate) const UPDATE_MODERATION_SETTINGS: Operation =
    change("updateModerationSettings", MODERATE);

/// Every operation; the document's `operationId`s must be exactly these.
pub const OPERATIONS: &[Operation] = &[
    SIGN_UP,
    SIGN_IN,
    SIGN_OUT,
    VERIFY_EMAIL,
    REQUEST_PASSWORD_RESET,
    RESET_PASSWORD,
    GET_CURRENT_USER,
    DELETE_MY_ACCOUNT,
    EXPORT_MY_DATA,
    CREATE_ACCESS_TOKEN,
    LIST_USERS,
    LIST_STORIES,
    CREATE_STORY,
    GET_STORY,
    UPDATE_STORY,
    CREATE_EDITION,
    UPDATE_EDITION,
    PUBLISH_EDITION,
    UNPUBLISH_EDITION,
    LIST_REVISIONS,
    RESTORE_REVISION,
    UPLOAD_MEDIA,
    LIST_SECTIONS,
    CREATE_SECTION,
    UPDATE_SECTION,
    GET_SITE_SETTINGS,
    UPDATE_SITE_SETTINGS,
    UPDATE_SITE_ICON,
    REMOVE_SITE_ICON,
    UPDATE_USER_ROLE,
    GET_FRONT_PAGE,
    UPDATE_FRONT_PAGE,
    LIST_PAGES,
    GET_PAGE,
    UPDATE_PAGE,
    LIST_WEBHOOKS,
    CREATE_WEBHOOK,
    UPDATE_WEBHOOK,
    DELETE_WEBHOOK,
    LIST_WEBHOOK_DELIVERIES,
    REDELIVER_WEBHOOK,
    LIST_COMMENTS,
    CREATE_COMMENT,
    STREAM_COMMENTS,
    GET_COMMENT,
    EDIT_COMMENT,
    DELETE_COMMENT,
    REACT_TO_COMMENT,
    REPORT_COMMENT,
    LIST_NOTIFICATIONS,
    MARK_NOTIFICATIONS_READ,
    GET_USER_PROFILE,
    COUNT_EMBED_COMMENTS,
    SEARCH_ARTICLES,
    SEARCH_COMMENTS,
    LIST_MODERATION_QUEUE,
    MODERATE_COMMENTS,
    MODERATE_COMMENT,
    GET_READER_HISTORY,
    MODERATE_USER,
    UNDO_MODERATION_DECISIONS,
    LIST_AUDIT_LOG,
    LIST_WORD_LISTS,
    UPDATE_WORD_LIST,
    GET_MODERATION_SETTINGS,
    UPDATE_MODERATION_SETTINGS,
];

/// The table's entry for `id`.
pub fn operation(id: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|op| op.id == id)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// Each documented operation has exactly one entry, and only reads
    /// (GET) go without the CSRF token.
    #[test]
    fn the_table_and_the_document_name_the_same_operations() {
        let document = crate::api::openapi_document();
        let mut documented = BTreeSet::new();
        for (path, item) in document["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("operations") {
                let id = op["operationId"].as_str().expect("an operationId");
                let entry = operation(id)
                    .unwrap_or_else(|| panic!("{method} {path}: {id} has no access entry"));
                assert_eq!(entry.changes, method != "get", "{id}: changes");
                assert!(documented.insert(id), "{id} twice");
            }
        }
        let table: BTreeSet<&str> = OPERATIONS.iter().map(|op| op.id).collect();
        assert_eq!(table.len(), OPERATIONS.len(), "an id twice in the table");
        assert_eq!(table, documented);
    }
}
