//! The closed sets the API reads and writes as strings, as schema enums:
//! string fields name them with `#[schema(value_type = …)]`, so the
//! document lists every value a client may send or meet. The fields stay
//! strings so that a value outside the set is still refused by the domain
//! with its own 422 code (`unknown_role`, `unknown_reason`…). The tests
//! below hold each set to the domain's own list; `tests/api_schema.rs`
//! holds real answers to them.

use utoipa::ToSchema;

/// Never built: these only describe strings.
#[derive(ToSchema)]
#[schema(as = Role)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code, reason = "describes a string field")]
pub(crate) enum RoleName {
    Reader,
    Moderator,
    Author,
    Editor,
    Admin,
}

#[derive(ToSchema)]
#[schema(as = CommentStatus)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code, reason = "describes a string field")]
pub(crate) enum CommentStatusName {
    Visible,
    Pending,
    Deleted,
    Rejected,
    Shadowed,
}

/// Why a reader reports a comment.
#[derive(ToSchema)]
#[schema(as = ReportReason)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code, reason = "describes a string field")]
pub(crate) enum ReportReasonName {
    Offensive,
    Abusive,
    Spam,
    Other,
}

/// Why a moderator rejects a comment.
#[derive(ToSchema)]
#[schema(as = RejectReason)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code, reason = "describes a string field")]
pub(crate) enum RejectReasonName {
    Offensive,
    Abusive,
    Spam,
    OffTopic,
    PersonalAttack,
    Other,
}

/// Who may comment under an edition, and how.
#[derive(ToSchema)]
#[schema(as = CommentMode)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code, reason = "describes a string field")]
pub(crate) enum CommentModeName {
    Open,
    Closed,
    PreModerated,
}

#[derive(ToSchema)]
#[schema(as = EditionStatus)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code, reason = "describes a string field")]
pub(crate) enum EditionStatusName {
    Draft,
    Scheduled,
    Published,
    Unpublished,
}

/// Why a reader is notified.
#[derive(ToSchema)]
#[schema(as = NotificationKind)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code, reason = "describes a string field")]
pub(crate) enum NotificationKindName {
    Reply,
    Mention,
    Rejected,
}

/// A text's writing direction, from its first strong character; `auto`
/// when it has none (digits, emoji, punctuation), for the browser to decide.
#[derive(ToSchema)]
#[schema(as = Direction)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code, reason = "describes a string field")]
pub(crate) enum Direction {
    Rtl,
    Ltr,
    Auto,
}

/// A moderation queue.
#[derive(ToSchema)]
#[schema(as = Queue)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code, reason = "describes a query parameter")]
pub(crate) enum QueueName {
    Pending,
    Reported,
    Flagged,
    Approved,
    Rejected,
}

/// Where moderation settings apply.
#[derive(ToSchema)]
#[schema(as = SettingScope)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code, reason = "describes a query parameter")]
pub(crate) enum SettingScopeName {
    Site,
    Section,
    Story,
}

/// The order of a thread.
#[derive(ToSchema)]
#[schema(as = CommentSort)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code, reason = "describes a query parameter")]
pub(crate) enum CommentSortName {
    Oldest,
    Newest,
    Liked,
}

/// How a word-list term matches.
#[derive(ToSchema)]
#[schema(as = MatchMode)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code, reason = "describes a string field")]
pub(crate) enum MatchModeName {
    Word,
    Substring,
    Forms,
}

#[cfg(test)]
mod tests {
    use khabar_core::moderation::{Queue, SettingScope};
    use khabar_core::{CommentMode, CommentSort, CommentStatus, EditionStatus, ReportReason, Role};
    use utoipa::PartialSchema;

    use super::*;

    fn values<T: PartialSchema>() -> Vec<String> {
        let schema = serde_json::to_value(T::schema()).expect("a schema");
        schema["enum"]
            .as_array()
            .expect("an enum")
            .iter()
            .map(|v| v.as_str().expect("a string").to_owned())
            .collect()
    }

    /// Each set says exactly what the domain reads and writes: every
    /// value parses back to itself, and the counts match.
    #[test]
    fn each_set_is_the_domains() {
        let check = |values: Vec<String>, count: usize, parses: &dyn Fn(&str) -> Option<String>| {
            assert_eq!(values.len(), count, "{values:?}");
            for value in values {
                assert_eq!(parses(&value).as_deref(), Some(value.as_str()));
            }
        };
        check(values::<RoleName>(), 5, &|v| {
            Role::parse(v).ok().map(|r| r.as_str().to_owned())
        });
        check(values::<CommentStatusName>(), 5, &|v| {
            CommentStatus::parse(v).ok().map(|s| s.as_str().to_owned())
        });
        check(values::<ReportReasonName>(), 4, &|v| {
            ReportReason::parse(v).ok().map(|r| r.as_str().to_owned())
        });
        check(values::<CommentModeName>(), 3, &|v| {
            CommentMode::parse(v).ok().map(|m| m.as_str().to_owned())
        });
        check(values::<EditionStatusName>(), 4, &|v| {
            EditionStatus::parse(v).ok().map(|s| s.as_str().to_owned())
        });
        check(values::<MatchModeName>(), 3, &|v| {
            khabar_text::wordlist::MatchMode::parse(v).map(|m| m.as_str().to_owned())
        });
        check(values::<QueueName>(), 5, &|v| {
            Queue::parse(v).ok().map(|q| q.as_str().to_owned())
        });
        check(values::<SettingScopeName>(), 3, &|v| {
            SettingScope::parse(v).ok().map(|s| s.as_str().to_owned())
        });
        // Sorting falls back to the oldest first: each name must not.
        let sorts = values::<CommentSortName>();
        assert_eq!(sorts[0], "oldest");
        for sort in &sorts[1..] {
            assert_ne!(CommentSort::parse(sort), CommentSort::default(), "{sort}");
        }
        use khabar_text::direction::Direction as Dir;
        assert_eq!(
            values::<Direction>(),
            [Dir::Rtl, Dir::Ltr, Dir::Auto].map(Dir::as_str)
        );
        assert_eq!(
            values::<RejectReasonName>(),
            khabar_app::moderation::REJECT_REASONS
        );
    }
}
