//! The moderation pipeline: every new or edited comment passes the same
//! phases, in order, as a pure function of the comment, its author's
//! history and the site's policy. Each phase may approve, hold, reject or
//! flag, and says why in machine-readable reasons that moderators see.
//!
//! Approving (staff) and rejecting end the pipeline; holds and flags
//! accumulate so a moderator sees every reason at once. The strongest
//! wins: hold over flag over approve.
//!
//! Past 800 lines only with its tests: the pipeline is about 650 lines; its
//! cases stay beside the phases they check.

use khabar_text::wordlist::{MatchMode, WordMatcher};
use serde::{Deserialize, Serialize};

use crate::{InvalidInput, Lang, text};

/// What becomes of a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Published.
    Approve,
    /// Published, and put in the moderators' "flagged" queue.
    Flag,
    /// Held until a moderator decides.
    Hold,
    /// Not published.
    Reject,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Approve => "approve",
            Action::Flag => "flag",
            Action::Hold => "hold",
            Action::Reject => "reject",
        }
    }
}

/// The phases, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Checks,
    Staff,
    BannedWords,
    SuspectWords,
    Links,
    Repeats,
    NewCommenter,
    RejectionRate,
    PreModeration,
    /// No phase held, flagged or rejected: the comment was approved
    /// automatically at the end of the pipeline.
    Passed,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Checks => "checks",
            Phase::Staff => "staff",
            Phase::BannedWords => "banned_words",
            Phase::SuspectWords => "suspect_words",
            Phase::Links => "links",
            Phase::Repeats => "repeats",
            Phase::NewCommenter => "new_commenter",
            Phase::RejectionRate => "rejection_rate",
            Phase::PreModeration => "pre_moderation",
            Phase::Passed => "passed",
        }
    }

    /// The phase that gives a pipeline reason code; none for moderators'
    /// and readers' own reasons (`spam`, `offensive`…).
    pub fn of_reason(code: &str) -> Option<Phase> {
        Some(match code {
            "thread_closed" | "too_long" | "too_many_links" => Phase::Checks,
            "staff" => Phase::Staff,
            "banned_word" => Phase::BannedWords,
            "suspect_word" => Phase::SuspectWords,
            "link" => Phase::Links,
            "repeated_text" => Phase::Repeats,
            "new_commenter" => Phase::NewCommenter,
            "rejection_rate" => Phase::RejectionRate,
            "user_pre_moderated" | "pre_moderated" => Phase::PreModeration,
            _ => return None,
        })
    }
}

/// Why a phase decided as it did: a stable code, and the detail a
/// moderator needs (which word, which setting).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub code: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

impl Reason {
    fn new(code: &str, detail: impl Into<String>) -> Self {
        Reason {
            code: code.to_owned(),
            detail: detail.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub action: Action,
    /// The phase that settled it (the first to hold, for holds).
    pub phase: Phase,
    pub reasons: Vec<Reason>,
}

/// Which list a word-list entry belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ListKind {
    Banned,
    Suspect,
}

impl ListKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ListKind::Banned => "banned",
            ListKind::Suspect => "suspect",
        }
    }

    pub fn parse(text: &str) -> Result<Self, InvalidInput> {
        match text {
            "banned" => Ok(ListKind::Banned),
            "suspect" => Ok(ListKind::Suspect),
            other => Err(InvalidInput::new(
                "list",
                "unknown_word_list",
                format!("no word list “{other}”: banned or suspect"),
            )),
        }
    }
}

/// One term of a word list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordListEntry {
    pub term: String,
    /// `word` (the default) or `substring`.
    #[serde(default = "whole_word")]
    pub mode: String,
}

fn whole_word() -> String {
    MatchMode::WholeWord.as_str().to_owned()
}

/// Terms longer than this are not words.
pub const MAX_TERM_CHARS: usize = 100;
/// Entries a single list may hold.
pub const MAX_LIST_ENTRIES: usize = 20_000;

impl WordListEntry {
    /// The entry trimmed and checked: a term of letters, a known mode.
    pub fn checked(self) -> Result<(String, MatchMode), InvalidInput> {
        let term = text::single_line("term", &self.term)?;
        let mode = MatchMode::parse(&self.mode).ok_or_else(|| {
            InvalidInput::new(
                "mode",
                "unknown_match_mode",
                format!("“{}”: word or substring", self.mode),
            )
        })?;
        if term.chars().count() > MAX_TERM_CHARS
            || khabar_text::wordlist::matching_form(&term).is_empty()
        {
            return Err(InvalidInput::new(
                "term",
                "invalid_term",
                format!("“{term}” is not a term that can be matched"),
            ));
        }
        Ok((term, mode))
    }
}

/// Every word list of the site in one matcher; each term knows its list
/// and language. All languages' lists apply to every comment: readers
/// mix languages within one comment.
pub type WordLists = WordMatcher<(ListKind, Lang)>;

/// What a suspect word does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SuspectAction {
    #[default]
    Hold,
    Flag,
}

/// The site's policy: thresholds and switches a moderator tunes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PolicySettings {
    pub suspect_action: SuspectAction,
    /// Hold every comment that carries a link.
    pub hold_links: bool,
    /// A reader's comments are held until this many were approved (0: off).
    pub new_commenter_approvals: u32,
    /// Hold a reader's comments when more than this share (percent) of
    /// their recent ones were rejected (0: off)…
    pub rejection_rate_percent: u32,
    /// …once they have at least this many recent comments.
    pub rejection_rate_min_comments: u32,
}

impl Default for PolicySettings {
    fn default() -> Self {
        PolicySettings {
            suspect_action: SuspectAction::Hold,
            hold_links: false,
            new_commenter_approvals: 0,
            rejection_rate_percent: 50,
            rejection_rate_min_comments: 5,
        }
    }
}

impl PolicySettings {
    pub fn validate(&self) -> Result<(), InvalidInput> {
        if self.rejection_rate_percent > 100 {
            return Err(InvalidInput::new(
                "rejection_rate_percent",
                "out_of_range",
                "a share between 0 and 100",
            ));
        }
        if self.new_commenter_approvals > 1_000 || self.rejection_rate_min_comments > 1_000 {
            return Err(InvalidInput::new(
                "new_commenter_approvals",
                "out_of_range",
                "at most 1000",
            ));
        }
        Ok(())
    }
}

/// Where a thread's pre-moderation comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SettingScope {
    Site,
    Section,
    Story,
}

impl SettingScope {
    pub fn as_str(self) -> &'static str {
        match self {
            SettingScope::Site => "site",
            SettingScope::Section => "section",
            SettingScope::Story => "story",
        }
    }

    pub fn parse(text: &str) -> Result<Self, InvalidInput> {
        match text {
            "site" => Ok(SettingScope::Site),
            "section" => Ok(SettingScope::Section),
            "story" => Ok(SettingScope::Story),
            other => Err(InvalidInput::new(
                "scope",
                "unknown_scope",
                format!("“{other}”: site, section or story"),
            )),
        }
    }
}

/// Everything the pipeline needs to know about the thread and the site.
pub struct Policy<'a> {
    pub max_chars: usize,
    pub max_links: usize,
    /// Whether the thread takes comments (its setting, its age, a
    /// moderator's closing).
    pub thread_open: bool,
    pub words: &'a WordLists,
    pub settings: &'a PolicySettings,
    /// The most specific scope that pre-moderates this thread, if any.
    pub pre_moderated: Option<SettingScope>,
}

/// The author as the pipeline sees them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorHistory {
    /// Moderators, authors, editors and admins.
    pub staff: bool,
    /// Comments of theirs ever approved (published), counted up to what
    /// the policy asks of new commenters (none while it asks nothing).
    pub approved: u32,
    /// Their newest comments in the recent window, and how many of those
    /// were rejected: counted up to as many as any policy's minimum asks
    /// for, and no further than their rejections could tip the rate (the
    /// store stops where the share can no longer exceed the threshold).
    pub recent: u32,
    pub recent_rejected: u32,
    /// Other comments of theirs with the same text in the repeat window.
    pub repeats: u32,
    /// A moderator put them under pre-moderation.
    pub forced_pre_moderation: bool,
}

/// Links in a text: the addresses its rendering makes clickable.
pub fn count_links(text: &str) -> usize {
    khabar_text::comment::links(text).len()
}

/// Phase 1 on its own: whether the thread is open and the text within the
/// length and link limits. Callers run it before spending rate limits on
/// a comment that cannot be posted anyway.
pub fn check(text: &str, thread_open: bool, max_chars: usize, max_links: usize) -> Option<Reason> {
    let chars = text.chars().count();
    if !thread_open {
        Some(Reason::new("thread_closed", ""))
    } else if chars > max_chars {
        Some(Reason::new("too_long", format!("{chars} > {max_chars}")))
    } else if count_links(text) > max_links {
        Some(Reason::new("too_many_links", format!("> {max_links}")))
    } else {
        None
    }
}

/// Runs the phases in order over `text` (an already normalized body).
pub fn moderate(text: &str, author: &AuthorHistory, policy: &Policy<'_>) -> Verdict {
    // 1. Length and open checks.
    if let Some(reason) = check(text, policy.thread_open, policy.max_chars, policy.max_links) {
        return Verdict {
            action: Action::Reject,
            phase: Phase::Checks,
            reasons: vec![reason],
        };
    }
    // 2. Staff speak for the newsroom.
    if author.staff {
        return Verdict {
            action: Action::Approve,
            phase: Phase::Staff,
            reasons: vec![Reason::new("staff", "")],
        };
    }
    // 3 and 4. One pass over every list.
    let hits = policy.words.find(text);
    let banned: Vec<Reason> = hits
        .iter()
        .filter(|hit| hit.tag.0 == ListKind::Banned)
        .map(|hit| Reason::new("banned_word", format!("{} ({})", hit.term, hit.tag.1)))
        .collect();
    if !banned.is_empty() {
        return Verdict {
            action: Action::Reject,
            phase: Phase::BannedWords,
            reasons: banned,
        };
    }
    let mut outcome: Option<(Action, Phase)> = None;
    let mut reasons = Vec::new();
    let mut decide = |action: Action, phase: Phase, reason: Reason| {
        if outcome.is_none_or(|(strongest, _)| action > strongest) {
            outcome = Some((action, phase));
        }
        reasons.push(reason);
    };
    let suspect_action = match policy.settings.suspect_action {
        SuspectAction::Hold => Action::Hold,
        SuspectAction::Flag => Action::Flag,
    };
    for hit in hits.iter().filter(|hit| hit.tag.0 == ListKind::Suspect) {
        decide(
            suspect_action,
            Phase::SuspectWords,
            Reason::new("suspect_word", format!("{} ({})", hit.term, hit.tag.1)),
        );
    }
    // 5. Links; the count tells a moderator what to look for.
    let links = count_links(text);
    if policy.settings.hold_links && links > 0 {
        decide(
            Action::Hold,
            Phase::Links,
            Reason::new("link", links.to_string()),
        );
    }
    // 6. The same text again.
    if author.repeats > 0 {
        decide(
            Action::Hold,
            Phase::Repeats,
            Reason::new("repeated_text", author.repeats.to_string()),
        );
    }
    // 7. New commenters earn trust.
    let needed = policy.settings.new_commenter_approvals;
    if needed > 0 && author.approved < needed {
        decide(
            Action::Hold,
            Phase::NewCommenter,
            Reason::new("new_commenter", format!("{}/{needed}", author.approved)),
        );
    }
    // 8. A record of rejections.
    let threshold = policy.settings.rejection_rate_percent;
    if threshold > 0
        && author.recent >= policy.settings.rejection_rate_min_comments.max(1)
        && author.recent_rejected * 100 > threshold * author.recent
    {
        decide(
            Action::Hold,
            Phase::RejectionRate,
            Reason::new(
                "rejection_rate",
                format!("{}/{}", author.recent_rejected, author.recent),
            ),
        );
    }
    // 9. Pre-moderation of the thread, or of this reader.
    if author.forced_pre_moderation {
        decide(
            Action::Hold,
            Phase::PreModeration,
            Reason::new("user_pre_moderated", ""),
        );
    }
    if let Some(scope) = policy.pre_moderated {
        decide(
            Action::Hold,
            Phase::PreModeration,
            Reason::new("pre_moderated", scope.as_str()),
        );
    }
    match outcome {
        Some((action, phase)) => Verdict {
            action,
            phase,
            reasons,
        },
        // Nothing held it: not pre-moderation's doing unless it held.
        None => Verdict {
            action: Action::Approve,
            phase: Phase::Passed,
            reasons,
        },
    }
}

/// The moderators' queues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Queue {
    /// Held by the pipeline or a pre-moderated thread.
    Pending,
    /// Published, reported by readers, not yet reviewed.
    Reported,
    /// Published, flagged by the pipeline, not yet reviewed.
    Flagged,
    Approved,
    Rejected,
}

impl Queue {
    pub const ALL: [Queue; 5] = [
        Queue::Pending,
        Queue::Reported,
        Queue::Flagged,
        Queue::Approved,
        Queue::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Queue::Pending => "pending",
            Queue::Reported => "reported",
            Queue::Flagged => "flagged",
            Queue::Approved => "approved",
            Queue::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Result<Self, InvalidInput> {
        Queue::ALL
            .into_iter()
            .find(|q| q.as_str() == text)
            .ok_or_else(|| {
                InvalidInput::new(
                    "queue",
                    "unknown_queue",
                    format!("“{text}”: pending, reported, flagged, approved or rejected"),
                )
            })
    }
}

/// A moderator's decision on a comment.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum CommentAction {
    Approve,
    Reject {
        #[serde(default)]
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

/// Longest message or note a moderator writes.
pub const MAX_MODERATOR_TEXT_CHARS: usize = 2_000;

impl CommentAction {
    /// Checks the free text a decision carries (the reason is checked
    /// against the site's list by the use case).
    pub fn validate(&self) -> Result<(), InvalidInput> {
        match self {
            CommentAction::Reject { message, .. } => {
                text::lines("message", message, MAX_MODERATOR_TEXT_CHARS)?;
            }
            CommentAction::Redact { note } => {
                text::lines("note", note, MAX_MODERATOR_TEXT_CHARS)?;
            }
            _ => {}
        }
        Ok(())
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            CommentAction::Approve => "approve",
            CommentAction::Reject { .. } => "reject",
            CommentAction::Feature => "feature",
            CommentAction::Unfeature => "unfeature",
            CommentAction::Redact { .. } => "redact",
        }
    }
}

/// Longest a suspension may be: a year.
pub const MAX_SUSPENSION_HOURS: u32 = 24 * 366;

/// A moderator's action on a reader.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum UserAction {
    /// They must acknowledge the message before commenting again.
    Warn {
        message: String,
    },
    Suspend {
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

impl UserAction {
    pub fn as_str(&self) -> &'static str {
        match self {
            UserAction::Warn { .. } => "warn",
            UserAction::Suspend { .. } => "suspend",
            UserAction::Unsuspend => "unsuspend",
            UserAction::Ban { .. } => "ban",
            UserAction::Unban => "unban",
            UserAction::ShadowBan => "shadow_ban",
            UserAction::Unshadow => "unshadow",
            UserAction::PreModerate => "pre_moderate",
            UserAction::StopPreModerating => "stop_pre_moderating",
            UserAction::Note { .. } => "note",
            UserAction::LimitSections { .. } => "limit_sections",
        }
    }

    /// Checks the free text and numbers an action carries.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        let written = match self {
            UserAction::Warn { message } => Some(("message", message)),
            UserAction::Note { body } => Some(("body", body)),
            _ => None,
        };
        if let Some((field, written)) = written {
            let written = text::lines(field, written, MAX_MODERATOR_TEXT_CHARS).map_err(|e| {
                InvalidInput {
                    code: if e.code == "too_long" {
                        "invalid_text"
                    } else {
                        e.code
                    },
                    ..e
                }
            })?;
            if !text::is_visible(&written) {
                return Err(InvalidInput::new(
                    field,
                    "invalid_text",
                    "between 1 and 2000 characters",
                ));
            }
        }
        if let UserAction::Suspend { hours } = self
            && !(1..=MAX_SUSPENSION_HOURS).contains(hours)
        {
            return Err(InvalidInput::new(
                "hours",
                "out_of_range",
                format!("from 1 to {MAX_SUSPENSION_HOURS} hours"),
            ));
        }
        Ok(())
    }
}

/// Settings of one scope; `None` inherits from the wider scope.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeSettings {
    #[serde(default)]
    pub pre_moderated: Option<bool>,
    #[serde(default)]
    pub closed: Option<bool>,
    /// Shown above the thread.
    #[serde(default)]
    pub message: Option<String>,
}

/// Longest message above a thread.
pub const MAX_THREAD_MESSAGE_CHARS: usize = 1_000;

impl ScopeSettings {
    /// The settings as stored: the message checked as multi-line text, and
    /// none when nothing of it shows.
    pub fn checked(self) -> Result<Self, InvalidInput> {
        let message = match self.message {
            Some(message) => Some(text::lines("message", &message, MAX_THREAD_MESSAGE_CHARS)?)
                .filter(|m| text::is_visible(m)),
            None => None,
        };
        Ok(ScopeSettings { message, ..self })
    }
}

/// What applies to one thread, with the most specific scope winning.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ThreadSettings {
    pub pre_moderated: Option<SettingScope>,
    pub closed: bool,
    pub message: Option<String>,
}

/// Resolves story over section over site.
pub fn thread_settings(
    site: &ScopeSettings,
    section: &ScopeSettings,
    story: &ScopeSettings,
) -> ThreadSettings {
    let scopes = [
        (SettingScope::Story, story),
        (SettingScope::Section, section),
        (SettingScope::Site, site),
    ];
    let pre_moderated = scopes
        .iter()
        .find_map(|(scope, s)| s.pre_moderated.map(|on| (*scope, on)))
        .and_then(|(scope, on)| on.then_some(scope));
    ThreadSettings {
        pre_moderated,
        closed: scopes.iter().find_map(|(_, s)| s.closed).unwrap_or(false),
        message: scopes
            .iter()
            .find_map(|(_, s)| s.message.clone().filter(|m| !m.trim().is_empty())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lists() -> WordLists {
        WordMatcher::new([
            (
                "حقير".to_owned(),
                MatchMode::WholeWord,
                (ListKind::Banned, Lang::AR),
            ),
            (
                "idiot".to_owned(),
                MatchMode::WholeWord,
                (ListKind::Banned, Lang::EN),
            ),
            (
                "traitor".to_owned(),
                MatchMode::WholeWord,
                (ListKind::Suspect, Lang::EN),
            ),
            (
                "خائن".to_owned(),
                MatchMode::WholeWord,
                (ListKind::Suspect, Lang::AR),
            ),
        ])
    }

    fn verdict(text: &str, author: &AuthorHistory, settings: &PolicySettings) -> Verdict {
        let words = lists();
        let policy = Policy {
            max_chars: 200,
            max_links: 2,
            thread_open: true,
            words: &words,
            settings,
            pre_moderated: None,
        };
        moderate(text, author, &policy)
    }

    fn codes(verdict: &Verdict) -> Vec<&str> {
        verdict.reasons.iter().map(|r| r.code.as_str()).collect()
    }

    #[test]
    fn plain_comments_are_approved() {
        let v = verdict(
            "A fair point about the budget",
            &AuthorHistory::default(),
            &PolicySettings::default(),
        );
        assert_eq!((v.action, codes(&v)), (Action::Approve, vec![]));
    }

    #[test]
    fn checks_come_first_and_reject() {
        let words = lists();
        let settings = PolicySettings::default();
        let staff = AuthorHistory {
            staff: true,
            ..Default::default()
        };
        let mut policy = Policy {
            max_chars: 10,
            max_links: 1,
            thread_open: false,
            words: &words,
            settings: &settings,
            pre_moderated: None,
        };
        let v = moderate("short", &staff, &policy);
        assert_eq!((v.action, v.phase), (Action::Reject, Phase::Checks));
        assert_eq!(codes(&v), ["thread_closed"]);
        policy.thread_open = true;
        let v = moderate("far too long for ten", &staff, &policy);
        assert_eq!(codes(&v), ["too_long"]);
        policy.max_chars = 50;
        let v = moderate("https://a www.b", &staff, &policy);
        assert_eq!(codes(&v), ["too_many_links"]);
    }

    #[test]
    fn staff_are_approved_even_with_listed_words() {
        let staff = AuthorHistory {
            staff: true,
            ..Default::default()
        };
        let v = verdict("idiot", &staff, &PolicySettings::default());
        assert_eq!((v.action, v.phase), (Action::Approve, Phase::Staff));
    }

    #[test]
    fn banned_words_reject_with_the_word_named() {
        let v = verdict(
            "يا حقـــير",
            &AuthorHistory::default(),
            &PolicySettings::default(),
        );
        assert_eq!((v.action, v.phase), (Action::Reject, Phase::BannedWords));
        assert_eq!(v.reasons[0].detail, "حقير (ar)");
    }

    #[test]
    fn suspect_words_hold_or_flag_by_setting() {
        let held = verdict(
            "he is a traitor",
            &AuthorHistory::default(),
            &PolicySettings::default(),
        );
        assert_eq!(
            (held.action, codes(&held)),
            (Action::Hold, vec!["suspect_word"])
        );
        let flag = PolicySettings {
            suspect_action: SuspectAction::Flag,
            ..Default::default()
        };
        let flagged = verdict("هو خائن", &AuthorHistory::default(), &flag);
        assert_eq!(
            (flagged.action, flagged.phase),
            (Action::Flag, Phase::SuspectWords)
        );
    }

    #[test]
    fn links_hold_when_the_setting_says_so() {
        let hold = PolicySettings {
            hold_links: true,
            ..Default::default()
        };
        let text = "see https://example.org";
        assert_eq!(
            verdict(text, &AuthorHistory::default(), &PolicySettings::default()).action,
            Action::Approve
        );
        let v = verdict(text, &AuthorHistory::default(), &hold);
        assert_eq!((v.action, v.phase), (Action::Hold, Phase::Links));
        assert_eq!(v.reasons, [Reason::new("link", "1")]);
        let two = verdict(
            "https://a.org and www.b.org",
            &AuthorHistory::default(),
            &hold,
        );
        assert_eq!(two.reasons, [Reason::new("link", "2")]);
    }

    #[test]
    fn approvals_name_the_phase_that_decided() {
        let v = verdict(
            "fine",
            &AuthorHistory::default(),
            &PolicySettings::default(),
        );
        assert_eq!((v.action, v.phase), (Action::Approve, Phase::Passed));
        assert_ne!(v.phase, Phase::PreModeration);
        let staff = AuthorHistory {
            staff: true,
            ..Default::default()
        };
        let v = verdict("fine", &staff, &PolicySettings::default());
        assert_eq!((v.action, v.phase), (Action::Approve, Phase::Staff));
    }

    #[test]
    fn links_and_a_pre_moderated_thread_both_give_reasons() {
        let words = lists();
        let settings = PolicySettings {
            hold_links: true,
            ..Default::default()
        };
        let policy = Policy {
            max_chars: 200,
            max_links: 5,
            thread_open: true,
            words: &words,
            settings: &settings,
            pre_moderated: Some(SettingScope::Story),
        };
        let v = moderate(
            "https://a.org www.b.org",
            &AuthorHistory::default(),
            &policy,
        );
        assert_eq!((v.action, v.phase), (Action::Hold, Phase::Links));
        assert_eq!(
            v.reasons,
            [
                Reason::new("link", "2"),
                Reason::new("pre_moderated", "story")
            ]
        );
    }

    #[test]
    fn every_pipeline_reason_knows_its_phase() {
        for (code, phase) in [
            ("too_long", Phase::Checks),
            ("staff", Phase::Staff),
            ("banned_word", Phase::BannedWords),
            ("suspect_word", Phase::SuspectWords),
            ("link", Phase::Links),
            ("repeated_text", Phase::Repeats),
            ("new_commenter", Phase::NewCommenter),
            ("rejection_rate", Phase::RejectionRate),
            ("user_pre_moderated", Phase::PreModeration),
            ("pre_moderated", Phase::PreModeration),
        ] {
            assert_eq!(Phase::of_reason(code), Some(phase), "{code}");
        }
        assert_eq!(Phase::of_reason("spam"), None);
    }

    #[test]
    fn history_phases_hold_and_keep_every_reason() {
        let settings = PolicySettings {
            new_commenter_approvals: 3,
            suspect_action: SuspectAction::Flag,
            ..Default::default()
        };
        let author = AuthorHistory {
            approved: 1,
            recent: 10,
            recent_rejected: 6,
            repeats: 2,
            forced_pre_moderation: true,
            ..Default::default()
        };
        let v = verdict("traitor", &author, &settings);
        assert_eq!(v.action, Action::Hold);
        // A flag came first, but the first hold names the phase.
        assert_eq!(v.phase, Phase::Repeats);
        assert_eq!(
            codes(&v),
            [
                "suspect_word",
                "repeated_text",
                "new_commenter",
                "rejection_rate",
                "user_pre_moderated"
            ]
        );
    }

    #[test]
    fn rejection_rate_needs_enough_comments_and_a_share_above_threshold() {
        let settings = PolicySettings::default();
        let few = AuthorHistory {
            recent: 4,
            recent_rejected: 4,
            ..Default::default()
        };
        assert_eq!(verdict("ok", &few, &settings).action, Action::Approve);
        let half = AuthorHistory {
            recent: 10,
            recent_rejected: 5,
            ..Default::default()
        };
        assert_eq!(verdict("ok", &half, &settings).action, Action::Approve);
        let most = AuthorHistory {
            recent: 10,
            recent_rejected: 6,
            ..Default::default()
        };
        assert_eq!(verdict("ok", &most, &settings).phase, Phase::RejectionRate);
    }

    #[test]
    fn pre_moderated_threads_hold_and_name_their_scope() {
        let words = lists();
        let settings = PolicySettings::default();
        let policy = Policy {
            max_chars: 200,
            max_links: 2,
            thread_open: true,
            words: &words,
            settings: &settings,
            pre_moderated: Some(SettingScope::Section),
        };
        let v = moderate("hello", &AuthorHistory::default(), &policy);
        assert_eq!((v.action, v.phase), (Action::Hold, Phase::PreModeration));
        assert_eq!(v.reasons[0].detail, "section");
    }

    #[test]
    fn the_most_specific_scope_wins() {
        let site = ScopeSettings {
            pre_moderated: Some(true),
            closed: None,
            message: Some("Be kind".into()),
        };
        let section = ScopeSettings {
            pre_moderated: Some(false),
            ..Default::default()
        };
        let story = ScopeSettings {
            closed: Some(true),
            message: Some(" ".into()),
            ..Default::default()
        };
        let t = thread_settings(&site, &section, &story);
        assert_eq!(t.pre_moderated, None);
        assert!(t.closed);
        assert_eq!(t.message.as_deref(), Some("Be kind"));
        let t = thread_settings(&site, &ScopeSettings::default(), &ScopeSettings::default());
        assert_eq!(t.pre_moderated, Some(SettingScope::Site));
    }

    #[test]
    fn actions_parse_from_json() {
        let a: UserAction = serde_json::from_str(r#"{"action":"suspend","hours":48}"#).unwrap();
        assert_eq!(a, UserAction::Suspend { hours: 48 });
        assert!(UserAction::Suspend { hours: 0 }.validate().is_err());
        assert!(
            UserAction::Warn {
                message: " ".into()
            }
            .validate()
            .is_err()
        );
        let c: CommentAction =
            serde_json::from_str(r#"{"action":"reject","reason":"abuse"}"#).unwrap();
        assert_eq!(c.as_str(), "reject");
    }

    #[test]
    fn moderators_text_is_checked_text() {
        let note = UserAction::Note {
            body: "seen\0before".into(),
        };
        let e = note.validate().unwrap_err();
        assert_eq!((e.field, e.code), ("body", "control_character"));
        let blank = UserAction::Note {
            body: "\u{200B}\u{200F}".into(),
        };
        assert_eq!(blank.validate().unwrap_err().code, "invalid_text");
        let long = UserAction::Warn {
            message: "x".repeat(2_001),
        };
        assert_eq!(long.validate().unwrap_err().code, "invalid_text");
        let redact = CommentAction::Redact { note: "a\0".into() };
        assert_eq!(redact.validate().unwrap_err().field, "note");
        let term = WordListEntry {
            term: "bad\0word".into(),
            mode: "word".into(),
        };
        assert_eq!(term.checked().unwrap_err().code, "control_character");
        let settings = ScopeSettings {
            message: Some("Be\0kind".into()),
            ..Default::default()
        };
        assert_eq!(settings.checked().unwrap_err().field, "message");
        let settings = ScopeSettings {
            message: Some(" Be kind\r\nplease ".into()),
            ..Default::default()
        };
        assert_eq!(
            settings.checked().unwrap().message.as_deref(),
            Some("Be kind\nplease")
        );
    }
}
