//! Moderation on the wire: queues, decisions, readers' records, the audit
//! log, word lists and settings. Request bodies convert into the domain's
//! types from `khabar_core::moderation`; answers copy the store's rows.

use std::collections::BTreeMap;

use jiff::Timestamp;
use khabar_core::moderation::{
    self as core, CommentAction, ListKind, PolicySettings, Queue, ScopeSettings, SettingScope,
    SuspectAction, UserAction, WordListEntry,
};
use khabar_store::{LogEntry, QueueItem, QueuePage, ReaderHistory, WordListRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::comments::CommentFields;

/// A moderator's decision on a comment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
#[schema(as = CommentAction)]
pub(crate) enum CommentActionBody {
    Approve,
    Reject {
        /// A reason code moderators filter by.
        #[serde(default)]
        #[schema(value_type = super::sets::RejectReasonName)]
        reason: String,
        /// Sent to the author with the notice.
        #[serde(default)]
        message: String,
    },
    Feature,
    Unfeature,
    /// The body goes; the note shows in its place.
    Redact {
        #[serde(default)]
        note: String,
    },
}

impl From<CommentActionBody> for CommentAction {
    fn from(body: CommentActionBody) -> Self {
        match body {
            CommentActionBody::Approve => CommentAction::Approve,
            CommentActionBody::Reject { reason, message } => {
                CommentAction::Reject { reason, message }
            }
            CommentActionBody::Feature => CommentAction::Feature,
            CommentActionBody::Unfeature => CommentAction::Unfeature,
            CommentActionBody::Redact { note } => CommentAction::Redact { note },
        }
    }
}

/// The same decision on a selection of comments.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct BulkCommentAction {
    #[schema(min_items = 1, max_items = 500)]
    pub(crate) comment_ids: Vec<i64>,
    #[serde(flatten)]
    pub(crate) action: CommentActionBody,
}

/// A moderator's action on a reader.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
#[schema(as = UserAction)]
pub(crate) enum UserActionBody {
    /// They must acknowledge the message before commenting again.
    Warn {
        message: String,
    },
    Suspend {
        #[schema(minimum = 1, maximum = 8784)]
        hours: u32,
    },
    Unsuspend,
    Ban {
        /// Also reject every comment of theirs still published or held.
        #[serde(default)]
        reject_comments: bool,
    },
    Unban,
    /// Their new comments are seen by them alone.
    ShadowBan,
    Unshadow,
    /// Every comment of theirs is held.
    PreModerate,
    StopPreModerating,
    Note {
        body: String,
    },
    /// Admins only: the sections a moderator moderates (none: all).
    LimitSections {
        section_ids: Vec<i64>,
    },
}

impl From<UserActionBody> for UserAction {
    fn from(body: UserActionBody) -> Self {
        match body {
            UserActionBody::Warn { message } => UserAction::Warn { message },
            UserActionBody::Suspend { hours } => UserAction::Suspend { hours },
            UserActionBody::Unsuspend => UserAction::Unsuspend,
            UserActionBody::Ban { reject_comments } => UserAction::Ban { reject_comments },
            UserActionBody::Unban => UserAction::Unban,
            UserActionBody::ShadowBan => UserAction::ShadowBan,
            UserActionBody::Unshadow => UserAction::Unshadow,
            UserActionBody::PreModerate => UserAction::PreModerate,
            UserActionBody::StopPreModerating => UserAction::StopPreModerating,
            UserActionBody::Note { body } => UserAction::Note { body },
            UserActionBody::LimitSections { section_ids } => {
                UserAction::LimitSections { section_ids }
            }
        }
    }
}

/// Why the pipeline or a moderator decided as they did.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Reason {
    #[schema(examples("banned_word", "new_commenter", "pre_moderated"))]
    pub(crate) code: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub(crate) detail: String,
}

impl From<&core::Reason> for Reason {
    fn from(r: &core::Reason) -> Self {
        Reason {
            code: r.code.clone(),
            detail: r.detail.clone(),
        }
    }
}

/// A comment in a queue, with what a moderator needs to decide at once.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct QueueEntry {
    pub(crate) comment: CommentFields,
    pub(crate) reasons: Vec<Reason>,
    pub(crate) flagged: bool,
    pub(crate) story_id: i64,
    pub(crate) section_id: Option<i64>,
    pub(crate) lang: String,
    pub(crate) headline: String,
    pub(crate) slug: String,
    pub(crate) parent_author: Option<String>,
    pub(crate) parent_body: Option<String>,
    /// Open reports, each `[reason, note]`.
    #[schema(value_type = Vec<Vec<String>>)]
    pub(crate) reports: Vec<(String, String)>,
}

impl From<&QueueItem> for QueueEntry {
    fn from(item: &QueueItem) -> Self {
        QueueEntry {
            comment: CommentFields::from(&item.comment),
            reasons: item.reasons.iter().map(Reason::from).collect(),
            flagged: item.flagged,
            story_id: item.story_id,
            section_id: item.section_id,
            lang: item.lang.to_string(),
            headline: item.headline.clone(),
            slug: item.slug.clone(),
            parent_author: item.parent_author.clone(),
            parent_body: item.parent_body.clone(),
            reports: item.reports.clone(),
        }
    }
}

/// A page of a queue and how many wait in each queue.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = QueuePage)]
pub(crate) struct QueueAnswer {
    pub(crate) items: Vec<QueueEntry>,
    pub(crate) page: u32,
    pub(crate) has_more: bool,
    /// By queue: pending, reported, flagged, approved, rejected.
    pub(crate) counts: BTreeMap<String, i64>,
}

impl QueueAnswer {
    pub(crate) fn new(page: &QueuePage, counts: Vec<(Queue, i64)>) -> Self {
        QueueAnswer {
            items: page.items.iter().map(QueueEntry::from).collect(),
            page: page.page,
            has_more: page.has_more,
            counts: counts
                .into_iter()
                .map(|(queue, n)| (queue.as_str().to_owned(), n))
                .collect(),
        }
    }
}

/// One decision, logged.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Decision {
    pub(crate) comment_id: i64,
    pub(crate) action: String,
    /// Undoes it with undoModerationDecisions for a few minutes.
    pub(crate) decision_id: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RefusedComment {
    pub(crate) comment_id: i64,
    pub(crate) code: String,
}

/// What a bulk decision did and what it refused, with why.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct BulkDecision {
    pub(crate) action: String,
    pub(crate) done: usize,
    /// One per comment decided; undo them together.
    pub(crate) decision_ids: Vec<i64>,
    pub(crate) refused: Vec<RefusedComment>,
}

/// Decisions to take back.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UndoDecisions {
    /// decision_id values from moderateComment, moderateComments or moderateUser.
    #[schema(min_items = 1, max_items = 500)]
    pub(crate) decisions: Vec<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RefusedUndo {
    pub(crate) decision_id: i64,
    /// undo_window_passed, already_undone, superseded, not_yours,
    /// outside_your_sections or not_found
    pub(crate) code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Undone {
    /// The decisions undone, newest first.
    pub(crate) undone: Vec<i64>,
    pub(crate) refused: Vec<RefusedUndo>,
}

/// One row of the audit log.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = LogEntry)]
pub(crate) struct LogItem {
    pub(crate) id: i64,
    pub(crate) at: Timestamp,
    /// The moderator; null for the pipeline.
    pub(crate) actor: Option<String>,
    /// The pipeline phase of automatic decisions.
    pub(crate) phase: Option<String>,
    pub(crate) action: String,
    pub(crate) comment_id: Option<i64>,
    pub(crate) user_id: Option<i64>,
    pub(crate) username: Option<String>,
    pub(crate) reasons: Vec<Reason>,
    pub(crate) message: String,
    /// The comment's first characters as typed, `…` after a cut; empty
    /// once redacted.
    pub(crate) excerpt: Option<String>,
    /// The edition the comment is under.
    pub(crate) headline: Option<String>,
    pub(crate) story_lang: Option<String>,
    pub(crate) slug: Option<String>,
}

impl From<&LogEntry> for LogItem {
    fn from(e: &LogEntry) -> Self {
        LogItem {
            id: e.id,
            at: e.at,
            actor: e.actor.clone(),
            phase: e.phase.clone(),
            action: e.action.to_string(),
            comment_id: e.comment_id,
            user_id: e.user_id,
            username: e.username.clone(),
            reasons: e.reasons.iter().map(Reason::from).collect(),
            message: e.message.clone(),
            excerpt: e.excerpt.clone(),
            headline: e.headline.clone(),
            story_lang: e.story_lang.map(|lang| lang.to_string()),
            slug: e.slug.clone(),
        }
    }
}

/// Entries, newest first, and the id to page back from.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AuditLog {
    pub(crate) entries: Vec<LogItem>,
    pub(crate) next_before: Option<i64>,
}

/// Where a reader stands with the moderators.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Standing {
    pub(crate) user_id: i64,
    pub(crate) username: String,
    #[schema(value_type = super::sets::RoleName)]
    pub(crate) role: String,
    pub(crate) banned: bool,
    pub(crate) shadow_banned: bool,
    pub(crate) pre_moderated: bool,
    /// A warning not yet acknowledged.
    pub(crate) warning: Option<String>,
    pub(crate) suspended_until: Option<Timestamp>,
    /// Sections a moderator is limited to (empty: all).
    pub(crate) sections: Vec<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ModeratorNote {
    pub(crate) author: String,
    pub(crate) body: String,
    pub(crate) created_at: Timestamp,
}

/// A reader's record: counts, reports, notes and every decision.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ReaderHistory)]
pub(crate) struct History {
    pub(crate) standing: Standing,
    pub(crate) approved: i64,
    pub(crate) pending: i64,
    pub(crate) rejected: i64,
    /// Reports others filed against their comments.
    pub(crate) reports_received: i64,
    pub(crate) notes: Vec<ModeratorNote>,
    pub(crate) log: Vec<LogItem>,
}

impl From<&ReaderHistory> for History {
    fn from(h: &ReaderHistory) -> Self {
        let s = &h.standing;
        History {
            standing: Standing {
                user_id: s.user_id,
                username: s.username.clone(),
                role: s.role.to_string(),
                banned: s.banned,
                shadow_banned: s.shadow_banned,
                pre_moderated: s.pre_moderated,
                warning: s.warning.clone(),
                suspended_until: s.suspended_until,
                sections: s.sections.clone(),
            },
            approved: h.approved,
            pending: h.pending,
            rejected: h.rejected,
            reports_received: h.reports_received,
            notes: h
                .notes
                .iter()
                .map(|n| ModeratorNote {
                    author: n.author.clone(),
                    body: n.body.clone(),
                    created_at: n.created_at,
                })
                .collect(),
            log: h.log.iter().map(LogItem::from).collect(),
        }
    }
}

/// The reader's record after an action, and the decision's id.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct UserDecision {
    #[serde(flatten)]
    pub(crate) history: History,
    /// Undoes it with undoModerationDecisions for a few minutes.
    pub(crate) decision_id: i64,
}

/// How a term matches.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct WordListTerm {
    #[schema(max_length = 100)]
    pub(crate) term: String,
    #[serde(default = "whole_word")]
    #[schema(default = "word", value_type = super::sets::MatchModeName)]
    pub(crate) mode: String,
}

fn whole_word() -> String {
    khabar_text::wordlist::MatchMode::WholeWord
        .as_str()
        .to_owned()
}

impl From<WordListTerm> for WordListEntry {
    fn from(t: WordListTerm) -> Self {
        WordListEntry {
            term: t.term,
            mode: t.mode,
        }
    }
}

/// One list's terms, replacing the list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = WordList)]
pub(crate) struct WordListBody {
    #[schema(max_items = 20000)]
    pub(crate) entries: Vec<WordListTerm>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ListName {
    Banned,
    Suspect,
}

impl From<ListKind> for ListName {
    fn from(list: ListKind) -> Self {
        match list {
            ListKind::Banned => ListName::Banned,
            ListKind::Suspect => ListName::Suspect,
        }
    }
}

/// A language's banned or suspect list.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WordListOf {
    pub(crate) lang: String,
    pub(crate) list: ListName,
    pub(crate) entries: Vec<WordListTerm>,
}

impl WordListOf {
    pub(crate) fn new(lang: &str, list: ListKind, rows: &[WordListRow]) -> Self {
        WordListOf {
            lang: lang.to_owned(),
            list: list.into(),
            entries: rows
                .iter()
                .filter(|r| r.lang.as_str() == lang && r.list == list.as_str())
                .map(|r| WordListTerm {
                    term: r.term.clone(),
                    mode: r.mode.clone(),
                })
                .collect(),
        }
    }
}

/// Banned and suspect lists per language.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WordLists {
    pub(crate) lists: Vec<WordListOf>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WordListUpdated {
    pub(crate) lang: String,
    pub(crate) list: ListName,
    /// Terms stored.
    pub(crate) count: usize,
}

/// A scope's settings; null inherits from the wider scope.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScopeFields {
    #[serde(default)]
    pub(crate) pre_moderated: Option<bool>,
    #[serde(default)]
    pub(crate) closed: Option<bool>,
    /// Shown above the thread.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub(crate) message: Option<String>,
}

impl From<ScopeFields> for ScopeSettings {
    fn from(s: ScopeFields) -> Self {
        ScopeSettings {
            pre_moderated: s.pre_moderated,
            closed: s.closed,
            message: s.message,
        }
    }
}

impl From<ScopeSettings> for ScopeFields {
    fn from(s: ScopeSettings) -> Self {
        ScopeFields {
            pre_moderated: s.pre_moderated,
            closed: s.closed,
            message: s.message,
        }
    }
}

/// What a suspect word does.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum SuspectChoice {
    Hold,
    Flag,
}

/// The site's policy (site scope only); a key left out keeps its default.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub(crate) struct Policy {
    pub(crate) suspect_action: SuspectChoice,
    /// Hold every comment that carries a link.
    pub(crate) hold_links: bool,
    /// A reader's comments are held until this many were approved (0: off).
    pub(crate) new_commenter_approvals: u32,
    /// Hold a reader's comments when more than this share (percent) of
    /// their recent ones were rejected (0: off)…
    #[schema(maximum = 100)]
    pub(crate) rejection_rate_percent: u32,
    /// …once they have at least this many recent comments.
    pub(crate) rejection_rate_min_comments: u32,
}

impl Default for Policy {
    fn default() -> Self {
        PolicySettings::default().into()
    }
}

impl From<PolicySettings> for Policy {
    fn from(p: PolicySettings) -> Self {
        Policy {
            suspect_action: match p.suspect_action {
                SuspectAction::Hold => SuspectChoice::Hold,
                SuspectAction::Flag => SuspectChoice::Flag,
            },
            hold_links: p.hold_links,
            new_commenter_approvals: p.new_commenter_approvals,
            rejection_rate_percent: p.rejection_rate_percent,
            rejection_rate_min_comments: p.rejection_rate_min_comments,
        }
    }
}

impl From<Policy> for PolicySettings {
    fn from(p: Policy) -> Self {
        PolicySettings {
            suspect_action: match p.suspect_action {
                SuspectChoice::Hold => SuspectAction::Hold,
                SuspectChoice::Flag => SuspectAction::Flag,
            },
            hold_links: p.hold_links,
            new_commenter_approvals: p.new_commenter_approvals,
            rejection_rate_percent: p.rejection_rate_percent,
            rejection_rate_min_comments: p.rejection_rate_min_comments,
        }
    }
}

/// A scope's settings to store, and the site's policy (site scope only).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ModerationSettingsUpdate)]
pub(crate) struct SettingsBody {
    pub(crate) settings: ScopeFields,
    #[serde(default)]
    pub(crate) policy: Option<Policy>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ScopeKind {
    Site,
    Section,
    Story,
}

/// A scope's settings and the site's policy.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ModerationSettings {
    pub(crate) scope: ScopeKind,
    /// The section or story; 0 for the site.
    pub(crate) id: i64,
    pub(crate) settings: ScopeFields,
    pub(crate) policy: Policy,
}

impl ModerationSettings {
    pub(crate) fn new(
        scope: SettingScope,
        id: i64,
        (policy, settings): (PolicySettings, ScopeSettings),
    ) -> Self {
        ModerationSettings {
            scope: match scope {
                SettingScope::Site => ScopeKind::Site,
                SettingScope::Section => ScopeKind::Section,
                SettingScope::Story => ScopeKind::Story,
            },
            id,
            settings: settings.into(),
            policy: policy.into(),
        }
    }
}
