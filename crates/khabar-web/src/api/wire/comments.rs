//! The discussion on the wire: comments, threads, notifications, profiles.

use jiff::Timestamp;
use khabar_store::{AuthoredComment, CommentView, Notification, Profile, ThreadEntry};
use serde::Serialize;
use utoipa::ToSchema;

/// A comment as stored: deleted comments have an empty body.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CommentFields {
    pub(crate) id: i64,
    pub(crate) edition_id: i64,
    pub(crate) parent_id: Option<i64>,
    pub(crate) root_id: i64,
    pub(crate) depth: i64,
    pub(crate) author_id: i64,
    pub(crate) author_username: String,
    pub(crate) author_name: String,
    pub(crate) reply_to_username: Option<String>,
    /// Markdown, as written.
    pub(crate) body: String,
    #[schema(value_type = super::sets::CommentStatusName)]
    pub(crate) status: String,
    pub(crate) like_count: i64,
    pub(crate) featured: bool,
    pub(crate) created_at: Timestamp,
    pub(crate) edited_at: Option<Timestamp>,
    /// Set when a moderator removed the body; shown in its place.
    pub(crate) redaction_note: Option<String>,
    /// The usernames the body mentions.
    pub(crate) mentions: Vec<String>,
}

impl From<&CommentView> for CommentFields {
    fn from(c: &CommentView) -> Self {
        CommentFields {
            id: c.id,
            edition_id: c.edition_id,
            parent_id: c.parent_id,
            root_id: c.root_id,
            depth: c.depth,
            author_id: c.author_id,
            author_username: c.author_username.clone(),
            author_name: c.author_name.clone(),
            reply_to_username: c.reply_to_username.clone(),
            body: c.body.clone(),
            status: c.status.to_string(),
            like_count: c.like_count,
            featured: c.featured,
            created_at: c.created_at,
            edited_at: c.edited_at,
            redaction_note: c.redaction_note.clone(),
            mentions: c.mentions.iter().map(|m| m.username.clone()).collect(),
        }
    }
}

/// A comment with its body rendered (mentions linked).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Comment {
    #[serde(flatten)]
    pub(crate) comment: CommentFields,
    /// The body as safe HTML.
    pub(crate) html: String,
    /// The body's writing direction.
    #[schema(value_type = super::sets::Direction)]
    pub(crate) dir: String,
}

/// A comment just written or edited.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PostedComment {
    #[serde(flatten)]
    pub(crate) comment: Comment,
    /// It waits for a moderator before others see it.
    pub(crate) held_for_moderation: bool,
}

/// A top-level comment with all its replies in reading order.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ThreadItem {
    pub(crate) comment: Comment,
    pub(crate) replies: Vec<Comment>,
    pub(crate) reply_count: usize,
}

impl ThreadItem {
    pub(crate) fn new(entry: &ThreadEntry, render: impl Fn(&CommentView) -> Comment) -> Self {
        ThreadItem {
            comment: render(&entry.comment),
            replies: entry.replies.iter().map(&render).collect(),
            reply_count: entry.reply_count,
        }
    }
}

/// A page of an edition's thread.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Thread {
    pub(crate) comments: Vec<ThreadItem>,
    pub(crate) page: u32,
    pub(crate) has_more: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReactionResult {
    pub(crate) like_count: i64,
    pub(crate) liked: bool,
}

/// A notification with what it is about.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct NotificationItem {
    pub(crate) id: i64,
    #[schema(value_type = super::sets::NotificationKindName)]
    pub(crate) kind: String,
    pub(crate) comment_id: i64,
    pub(crate) actor_name: Option<String>,
    pub(crate) created_at: Timestamp,
    pub(crate) read: bool,
    pub(crate) lang: String,
    pub(crate) headline: String,
    /// The comment's text as its author wrote it.
    pub(crate) body: String,
    /// A moderator's words, on a rejection.
    pub(crate) message: Option<String>,
}

impl From<Notification> for NotificationItem {
    fn from(n: Notification) -> Self {
        NotificationItem {
            id: n.id,
            kind: n.kind.to_string(),
            comment_id: n.comment_id,
            actor_name: n.actor_name,
            created_at: n.created_at,
            read: n.read,
            lang: n.lang.to_string(),
            headline: n.headline,
            body: n.body,
            message: n.message,
        }
    }
}

/// The newest notifications and how many are unread.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Notifications {
    pub(crate) notifications: Vec<NotificationItem>,
    pub(crate) unread: i64,
}

/// A reader's public profile.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PublicProfile {
    pub(crate) id: i64,
    pub(crate) username: String,
    pub(crate) display_name: String,
    pub(crate) joined_at: Timestamp,
}

/// A comment in its author's history, with the story it is on.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AuthoredCommentItem {
    pub(crate) id: i64,
    pub(crate) body: String,
    pub(crate) created_at: Timestamp,
    pub(crate) lang: String,
    pub(crate) slug: String,
    pub(crate) headline: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AuthoredCommentPage {
    pub(crate) items: Vec<AuthoredCommentItem>,
    pub(crate) page: u32,
    pub(crate) has_more: bool,
}

/// A reader's profile and a page of their visible comments.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct UserProfile {
    pub(crate) profile: PublicProfile,
    pub(crate) comments: AuthoredCommentPage,
}

impl UserProfile {
    pub(crate) fn new(profile: Profile, comments: khabar_store::Page<AuthoredComment>) -> Self {
        UserProfile {
            profile: PublicProfile {
                id: profile.id,
                username: profile.username,
                display_name: profile.display_name,
                joined_at: profile.joined_at,
            },
            comments: AuthoredCommentPage {
                items: comments
                    .items
                    .into_iter()
                    .map(|c| AuthoredCommentItem {
                        id: c.id,
                        body: c.body,
                        created_at: c.created_at,
                        lang: c.lang.to_string(),
                        slug: c.slug,
                        headline: c.headline,
                    })
                    .collect(),
                page: comments.page,
                has_more: comments.has_more,
            },
        }
    }
}
