//! Domain events: what others (search, live pages, caches, webhooks) must
//! learn of. Each is written to the events log in the same transaction as
//! the change it reports.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    EditionCreated,
    EditionEdited,
    EditionScheduled,
    EditionPublished,
    EditionUnpublished,
    CommentCreated,
    CommentEdited,
    CommentDeleted,
    CommentModerated,
    /// A reader reported a comment. The payload holds `comment_id` and
    /// the `reason`.
    CommentReported,
    /// A reader liked a comment or took a like back: its count changed.
    CommentLiked,
    UserModerated,
    /// A person deleted their account: their name leaves every page.
    AccountDeleted,
    /// What a signed-in person's requests are checked against changed:
    /// a session or access token ended, a password, address, role or
    /// warning changed, notifications were read. Nodes forget what they
    /// kept about the person. The payload holds `user_id`.
    AccountChanged,
    /// A thread's moderation settings (closed, pre-moderated, the message
    /// above it) changed for a story, a section or the site. The payload
    /// holds its `scope` and `id`.
    ThreadSettingsChanged,
    /// An admin changed the site's settings; every node reloads them.
    SiteSettingsChanged,
    /// A section was created or renamed: every page's navigation names the
    /// sections. The payload holds its `section_id`.
    SectionChanged,
    /// Editors rearranged a language's front page (picks, pins, the
    /// breaking-news banner). The payload holds its `lang`.
    FrontPageChanged,
    /// A static page (about, contact…) was written or removed in one
    /// language. The payload holds its `page`.
    StaticPageChanged,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::EditionCreated => "edition.created",
            EventKind::EditionEdited => "edition.edited",
            EventKind::EditionScheduled => "edition.scheduled",
            EventKind::EditionPublished => "edition.published",
            EventKind::EditionUnpublished => "edition.unpublished",
            EventKind::CommentCreated => "comment.created",
            EventKind::CommentEdited => "comment.edited",
            EventKind::CommentDeleted => "comment.deleted",
            EventKind::CommentModerated => "comment.moderated",
            EventKind::CommentReported => "comment.reported",
            EventKind::CommentLiked => "comment.liked",
            EventKind::UserModerated => "user.moderated",
            EventKind::AccountDeleted => "user.deleted",
            EventKind::AccountChanged => "user.changed",
            EventKind::ThreadSettingsChanged => "moderation.settings_changed",
            EventKind::SiteSettingsChanged => "site.settings_changed",
            EventKind::SectionChanged => "section.changed",
            EventKind::FrontPageChanged => "front.changed",
            EventKind::StaticPageChanged => "page.changed",
        }
    }
}
