//! Reader comments: what a body may be, where a reply goes in the thread,
//! and who may edit when.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::{InvalidInput, text};

/// Replies nest this deep; deeper replies attach at this depth.
pub const MAX_DEPTH: i64 = 3;
/// How long an author may edit a comment unless the site says otherwise.
pub const DEFAULT_EDIT_WINDOW: SignedDuration = SignedDuration::from_mins(15);

/// A comment body that passed `khabar_text::comment`'s policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct CommentBody(String);

impl CommentBody {
    pub fn parse(input: &str) -> Result<Self, InvalidInput> {
        khabar_text::comment::normalize_comment(&text::multi_line("body", input)?)
            // Zero-width characters and direction marks alone say nothing.
            .and_then(|body| {
                if text::is_visible(&body) {
                    Ok(body)
                } else {
                    Err(khabar_text::comment::CommentProblem::Empty)
                }
            })
            .map(CommentBody)
            .map_err(|problem| {
                let message = match problem {
                    khabar_text::comment::CommentProblem::Empty => {
                        "write something first".to_owned()
                    }
                    khabar_text::comment::CommentProblem::TooLong => {
                        format!(
                            "at most {} characters",
                            khabar_text::comment::MAX_COMMENT_CHARS
                        )
                    }
                };
                InvalidInput::new("body", problem.code(), message)
            })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a new comment goes, given the comment it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub parent_id: Option<i64>,
    pub depth: i64,
    /// Whom a flattened reply answers ("replying to @name").
    pub reply_to_user_id: Option<i64>,
}

/// The comment being answered, as placement needs it.
#[derive(Debug, Clone, Copy)]
pub struct ParentComment {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub depth: i64,
    pub author_id: i64,
}

/// A top-level comment, or a reply one level below its parent — except
/// below the deepest level, where it joins its parent's siblings and names
/// whom it answers.
pub fn place_reply(parent: Option<ParentComment>) -> Placement {
    match parent {
        None => Placement {
            parent_id: None,
            depth: 0,
            reply_to_user_id: None,
        },
        Some(parent) if parent.depth < MAX_DEPTH => Placement {
            parent_id: Some(parent.id),
            depth: parent.depth + 1,
            reply_to_user_id: None,
        },
        Some(parent) => Placement {
            parent_id: parent.parent_id,
            depth: MAX_DEPTH,
            reply_to_user_id: Some(parent.author_id),
        },
    }
}

/// Whether `editor_id` may still edit a comment `author_id` wrote at
/// `created_at`.
pub fn may_edit(
    author_id: i64,
    editor_id: i64,
    created_at: Timestamp,
    now: Timestamp,
    window: SignedDuration,
) -> Result<(), InvalidInput> {
    if author_id != editor_id {
        return Err(InvalidInput::new(
            "comment",
            "not_your_comment",
            "only its author may edit a comment",
        ));
    }
    if now > created_at + window {
        return Err(InvalidInput::new(
            "comment",
            "edit_window_closed",
            format!("comments can be edited for {} minutes", window.as_mins()),
        ));
    }
    Ok(())
}

/// A comment's visibility.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CommentStatus {
    Visible,
    /// Held for moderation; shown to no one but its author and moderators.
    Pending,
    /// Removed by its author: a placeholder keeps the replies in place.
    Deleted,
    /// Refused by the pipeline or a moderator.
    Rejected,
    /// Posted by a shadow-banned reader: shown to them alone.
    Shadowed,
}

impl CommentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CommentStatus::Visible => "visible",
            CommentStatus::Pending => "pending",
            CommentStatus::Deleted => "deleted",
            CommentStatus::Rejected => "rejected",
            CommentStatus::Shadowed => "shadowed",
        }
    }

    pub fn parse(text: &str) -> Result<Self, InvalidInput> {
        Ok(match text {
            "visible" => CommentStatus::Visible,
            "pending" => CommentStatus::Pending,
            "deleted" => CommentStatus::Deleted,
            "rejected" => CommentStatus::Rejected,
            "shadowed" => CommentStatus::Shadowed,
            other => {
                return Err(InvalidInput::new(
                    "status",
                    "invalid_status",
                    format!("unknown comment status “{other}”"),
                ));
            }
        })
    }
}

impl std::fmt::Display for CommentStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for CommentStatus {
    type Error = InvalidInput;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        CommentStatus::parse(&text)
    }
}

/// Why a reader reports a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportReason {
    Offensive,
    Abusive,
    Spam,
    Other,
}

impl ReportReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportReason::Offensive => "offensive",
            ReportReason::Abusive => "abusive",
            ReportReason::Spam => "spam",
            ReportReason::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Result<Self, InvalidInput> {
        Ok(match text {
            "offensive" => ReportReason::Offensive,
            "abusive" => ReportReason::Abusive,
            "spam" => ReportReason::Spam,
            "other" => ReportReason::Other,
            other => {
                return Err(InvalidInput::new(
                    "reason",
                    "unknown_reason",
                    format!("unknown report reason “{other}”"),
                ));
            }
        })
    }
}

/// The orders a thread can be read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CommentSort {
    #[default]
    Oldest,
    Newest,
    MostLiked,
}

impl CommentSort {
    pub fn parse(text: &str) -> CommentSort {
        match text {
            "newest" => CommentSort::Newest,
            "liked" => CommentSort::MostLiked,
            _ => CommentSort::Oldest,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parent(id: i64, parent_id: Option<i64>, depth: i64) -> ParentComment {
        ParentComment {
            id,
            parent_id,
            depth,
            author_id: 70 + id,
        }
    }

    #[test]
    fn replies_nest_to_depth_three_then_attach_beside() {
        assert_eq!(place_reply(None).depth, 0);
        let reply = place_reply(Some(parent(1, None, 0)));
        assert_eq!(
            (reply.parent_id, reply.depth, reply.reply_to_user_id),
            (Some(1), 1, None)
        );
        let deep = place_reply(Some(parent(3, Some(2), 2)));
        assert_eq!((deep.parent_id, deep.depth), (Some(3), 3));
        let flattened = place_reply(Some(parent(4, Some(3), 3)));
        assert_eq!(
            (
                flattened.parent_id,
                flattened.depth,
                flattened.reply_to_user_id
            ),
            (Some(3), 3, Some(74))
        );
    }

    #[test]
    fn edits_are_the_author_s_and_timed() {
        let at: Timestamp = "2026-11-29T10:00:00Z".parse().unwrap();
        let window = DEFAULT_EDIT_WINDOW;
        assert!(may_edit(1, 1, at, at + SignedDuration::from_mins(14), window).is_ok());
        assert_eq!(
            may_edit(1, 1, at, at + SignedDuration::from_mins(16), window)
                .unwrap_err()
                .code,
            "edit_window_closed"
        );
        assert_eq!(
            may_edit(1, 2, at, at, window).unwrap_err().code,
            "not_your_comment"
        );
    }

    #[test]
    fn bodies_and_reasons() {
        assert_eq!(
            CommentBody::parse("  \u{202E} ").unwrap_err().code,
            "comment_empty"
        );
        assert_eq!(CommentBody::parse(" مرحبا ").unwrap().as_str(), "مرحبا");
        assert_eq!(
            CommentBody::parse("\u{200B}\u{200C}\u{200D}\u{2066}")
                .unwrap_err()
                .code,
            "comment_empty"
        );
        assert_eq!(
            CommentBody::parse("a\0b").unwrap_err().code,
            "control_character"
        );
        assert_eq!(ReportReason::parse("spam"), Ok(ReportReason::Spam));
        assert!(ReportReason::parse("boring").is_err());
        assert_eq!(CommentSort::parse("liked"), CommentSort::MostLiked);
        assert_eq!(CommentSort::parse("?"), CommentSort::Oldest);
    }
}
