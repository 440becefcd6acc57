//! The moderation use cases, shared by the moderators' pages and the API:
//! who may moderate what, the pipeline's inputs, queues, decisions on
//! comments and readers, word lists and settings. Permission checks live
//! here, not in templates or handlers.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use khabar_core::moderation::{
    self, CommentAction, ListKind, Policy, PolicySettings, ScopeSettings, SettingScope,
    ThreadSettings, UserAction, Verdict, WordListEntry, WordLists,
};
use khabar_core::{InvalidInput, Lang, Role, text};
use khabar_store::{
    Account, Discussion, LogEntry, LogFilter, PipelineInputs, QueueFilter, QueuePage,
    ReaderHistory, StoreError, UndoRefusal, WordListRow,
};
use khabar_text::wordlist::WordMatcher;

use crate::Context;
use crate::error::{Failure, Kind};

#[derive(Debug, thiserror::Error)]
pub enum ModerationError {
    #[error("{0}")]
    Invalid(#[from] InvalidInput),
    #[error("not found")]
    NotFound,
    /// Not a moderator, or not of this section, or not of this reader.
    #[error("{1}")]
    Forbidden(&'static str, &'static str),
    /// The decision can no longer be undone.
    #[error(transparent)]
    Undo(UndoRefusal),
    #[error(transparent)]
    Store(StoreError),
}

impl From<UndoRefusal> for ModerationError {
    fn from(refusal: UndoRefusal) -> Self {
        match refusal {
            UndoRefusal::NotADecision => ModerationError::NotFound,
            other => ModerationError::Undo(other),
        }
    }
}

impl From<StoreError> for ModerationError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => ModerationError::NotFound,
            StoreError::Invalid(e) => ModerationError::Invalid(e),
            other => ModerationError::Store(other),
        }
    }
}

impl Failure for ModerationError {
    fn invalid_input(&self) -> Option<&InvalidInput> {
        match self {
            ModerationError::Invalid(e) => Some(e),
            _ => None,
        }
    }

    fn kind(&self) -> Kind {
        match self {
            ModerationError::Invalid(_) => Kind::Invalid,
            ModerationError::NotFound => Kind::NotFound,
            ModerationError::Forbidden(..) => Kind::Forbidden,
            ModerationError::Undo(_) => Kind::Conflict,
            ModerationError::Store(_) => Kind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ModerationError::Invalid(e) => e.code,
            ModerationError::NotFound => "not_found",
            ModerationError::Forbidden(code, _) => code,
            ModerationError::Undo(refusal) => refusal.code(),
            ModerationError::Store(_) => "internal",
        }
    }
}

const NOT_A_MODERATOR: ModerationError =
    ModerationError::Forbidden("not_a_moderator", "moderators only");
const OUTSIDE_SECTIONS: ModerationError =
    ModerationError::Forbidden("outside_your_sections", "you moderate other sections");

/// A signed-in moderator and the sections they are limited to.
#[derive(Debug, Clone)]
pub struct Moderator {
    pub id: i64,
    pub username: String,
    pub role: Role,
    /// Empty: every section.
    pub sections: Vec<i64>,
}

impl Moderator {
    /// Whether they may act in a story of `section_id`.
    pub fn covers(&self, section_id: Option<i64>) -> bool {
        self.sections.is_empty() || section_id.is_some_and(|s| self.sections.contains(&s))
    }

    fn require_all_sections(&self) -> Result<(), ModerationError> {
        if self.sections.is_empty() {
            Ok(())
        } else {
            Err(OUTSIDE_SECTIONS)
        }
    }
}

/// The account as a moderator, or a refusal for everyone else.
pub async fn moderator(ctx: &Context, account: &Account) -> Result<Moderator, ModerationError> {
    let role = account.role;
    if !role.moderates() {
        return Err(NOT_A_MODERATOR);
    }
    let standing = ctx.store.standing(account.id).await?;
    Ok(Moderator {
        id: account.id,
        username: account.username.clone(),
        role,
        sections: standing.sections,
    })
}

/// The site's word lists at `version`, compiled once and rebuilt when any
/// node changed them (the store's version tells).
async fn word_lists(ctx: &Context, version: i64) -> Result<Arc<WordLists>, StoreError> {
    if let Ok(cached) = ctx.word_lists.read()
        && cached.0 == version
    {
        return Ok(cached.1.clone());
    }
    let rows = ctx.store.word_lists().await?;
    let compiled = Arc::new(WordMatcher::new(rows.into_iter().filter_map(|row| {
        let list = ListKind::parse(&row.list).ok()?;
        let lang = row.lang;
        let mode = khabar_text::wordlist::MatchMode::parse(&row.mode)?;
        Some((row.term, mode, (list, lang)))
    })));
    if let Ok(mut cached) = ctx.word_lists.write() {
        *cached = (version, compiled.clone());
    }
    Ok(compiled)
}

/// Whether an edition takes comments now: its own setting (`comment_mode`),
/// the moderators' closing, and the site's automatic closing some days
/// after `published_at`.
pub fn thread_open(
    ctx: &Context,
    published_at: Timestamp,
    comment_mode: &str,
    thread: &ThreadSettings,
    now: Timestamp,
) -> bool {
    let closed_by_age = ctx
        .site()
        .comments_close_after_days
        .is_some_and(|days| published_at + SignedDuration::from_hours(24 * i64::from(days)) < now);
    comment_mode != "closed" && !thread.closed && !closed_by_age
}

/// Runs the pipeline over a new or edited comment on `discussion`, weighed
/// with what `inputs` (read with the text) say of its author.
pub async fn verdict(
    ctx: &Context,
    discussion: &Discussion,
    inputs: &PipelineInputs,
    body: &str,
) -> Result<Verdict, StoreError> {
    let words = word_lists(ctx, inputs.word_lists_version).await?;
    let pre_moderated = if discussion.comment_mode == "pre_moderated" {
        Some(SettingScope::Story)
    } else {
        discussion.thread.pre_moderated
    };
    let policy = Policy {
        max_chars: ctx.site().comment_max_chars as usize,
        max_links: ctx.site().comment_max_links as usize,
        thread_open: thread_open(
            ctx,
            discussion.published_at,
            &discussion.comment_mode,
            &discussion.thread,
            Timestamp::now(),
        ),
        words: &words,
        settings: &inputs.policy,
        pre_moderated,
    };
    Ok(moderation::moderate(body, &inputs.history, &policy))
}

/// A page of a queue, narrowed to the moderator's sections.
pub async fn queue(
    ctx: &Context,
    moderator: &Moderator,
    mut filter: QueueFilter,
) -> Result<(QueuePage, Vec<(moderation::Queue, i64)>), ModerationError> {
    if filter.section_id.is_some() && !moderator.covers(filter.section_id) {
        return Err(OUTSIDE_SECTIONS);
    }
    filter.sections = moderator.sections.clone();
    let page = ctx.store.moderation_queue(&filter).await?;
    let counts = ctx.store.queue_counts(&filter).await?;
    Ok((page, counts))
}

/// Why a moderator may reject a comment (or no reason at all).
pub const REJECT_REASONS: [&str; 6] = [
    "offensive",
    "abusive",
    "spam",
    "off_topic",
    "personal_attack",
    "other",
];

/// A decision on one comment in the moderator's sections. Returns the
/// decision's id, to undo it by.
pub async fn moderate_comment(
    ctx: &Context,
    moderator: &Moderator,
    comment_id: i64,
    action: &CommentAction,
) -> Result<i64, ModerationError> {
    action.validate()?;
    if let CommentAction::Reject { reason, .. } = action
        && !reason.is_empty()
        && !REJECT_REASONS.contains(&reason.as_str())
    {
        return Err(InvalidInput::new(
            "reason",
            "unknown_reject_reason",
            format!("one of {}", REJECT_REASONS.join(", ")),
        )
        .into());
    }
    let context = ctx.store.comment_context(comment_id).await?;
    if !moderator.covers(context.section_id) {
        return Err(OUTSIDE_SECTIONS);
    }
    if context.author_id == moderator.id
        && !matches!(action, CommentAction::Feature | CommentAction::Unfeature)
    {
        return Err(ModerationError::Forbidden(
            "own_comment",
            "another moderator decides on your comments",
        ));
    }
    Ok(ctx
        .store
        .moderate_comment(comment_id, action, moderator.id)
        .await?)
}

/// The same decision on several comments; each is checked and logged on
/// its own. Returns the decisions' ids, and the comments that could not
/// be decided, with why.
pub async fn moderate_comments(
    ctx: &Context,
    moderator: &Moderator,
    comment_ids: &[i64],
    action: &CommentAction,
) -> (Vec<i64>, Vec<(i64, &'static str)>) {
    let mut decisions = Vec::new();
    let mut refused = Vec::new();
    for &id in comment_ids.iter().take(500) {
        match moderate_comment(ctx, moderator, id, action).await {
            Ok(decision) => decisions.push(decision),
            Err(error) => {
                if let ModerationError::Store(e) = &error {
                    tracing::error!(error = %e, comment = id, "bulk moderation failed");
                }
                refused.push((id, error.code()));
            }
        }
    }
    (decisions, refused)
}

/// An action on a reader. Moderators act on readers; admins on anyone but
/// themselves. Section-limited moderators may only warn and add notes:
/// the rest reaches every section. Returns the decision's id.
pub async fn moderate_user(
    ctx: &Context,
    moderator: &Moderator,
    user_id: i64,
    action: &UserAction,
) -> Result<i64, ModerationError> {
    if user_id == moderator.id {
        return Err(ModerationError::Forbidden(
            "own_account",
            "you cannot act on your own account",
        ));
    }
    let target = ctx.store.standing(user_id).await?;
    let target_role = target.role;
    if target_role != Role::Reader && moderator.role != Role::Admin {
        return Err(ModerationError::Forbidden(
            "staff_account",
            "only an admin acts on staff accounts",
        ));
    }
    match action {
        UserAction::LimitSections { .. } if moderator.role != Role::Admin => {
            return Err(ModerationError::Forbidden(
                "admins_only",
                "only an admin limits moderators to sections",
            ));
        }
        UserAction::Warn { .. } | UserAction::Note { .. } => {}
        _ => moderator.require_all_sections()?,
    }
    Ok(ctx
        .store
        .moderate_user(user_id, action, moderator.id)
        .await?)
}

/// How long a moderator's decision can be undone: long enough to catch a
/// slip, short enough that nobody builds on it meanwhile.
pub const UNDO_WINDOW: SignedDuration = SignedDuration::from_mins(5);

/// Undoes one decision. A moderator undoes their own decisions, an admin
/// anyone's; either still needs the comment's section (or, for actions
/// on a reader beyond warnings and notes, every section).
pub async fn undo_decision(
    ctx: &Context,
    moderator: &Moderator,
    decision_id: i64,
) -> Result<(), ModerationError> {
    let decision = ctx.store.decision(decision_id).await?;
    if decision.actor_id != moderator.id && moderator.role != Role::Admin {
        return Err(ModerationError::Forbidden(
            "not_yours",
            "a moderator undoes their own decisions only",
        ));
    }
    match decision.comment_id {
        Some(comment_id) => {
            let context = ctx.store.comment_context(comment_id).await?;
            if !moderator.covers(context.section_id) {
                return Err(OUTSIDE_SECTIONS);
            }
        }
        None if matches!(decision.action.as_str(), "warn" | "note") => {}
        None => moderator.require_all_sections()?,
    }
    ctx.store
        .undo_decision(decision_id, moderator.id, Timestamp::now(), UNDO_WINDOW)
        .await??;
    Ok(())
}

/// Undoes several decisions, newest first so that two decisions on one
/// comment unwind in order. Returns the ids undone, and those refused
/// with why.
pub async fn undo(
    ctx: &Context,
    moderator: &Moderator,
    decision_ids: &[i64],
) -> (Vec<i64>, Vec<(i64, ModerationError)>) {
    let mut ids: Vec<i64> = decision_ids.iter().take(500).copied().collect();
    ids.sort_unstable_by(|a, b| b.cmp(a));
    ids.dedup();
    let mut undone = Vec::new();
    let mut refused = Vec::new();
    for id in ids {
        match undo_decision(ctx, moderator, id).await {
            Ok(()) => undone.push(id),
            Err(error) => {
                if let ModerationError::Store(e) = &error {
                    tracing::error!(error = %e, decision = id, "undo failed");
                }
                refused.push((id, error));
            }
        }
    }
    (undone, refused)
}

pub async fn reader_history(
    ctx: &Context,
    _moderator: &Moderator,
    user_id: i64,
) -> Result<ReaderHistory, ModerationError> {
    Ok(ctx.store.reader_history(user_id).await?)
}

/// The log's entries matching `filter`, whose words are searched as a
/// search box's (`khabar_core::text::query`: a NUL is a space).
pub async fn audit_log(
    ctx: &Context,
    _moderator: &Moderator,
    filter: &LogFilter,
) -> Result<Vec<LogEntry>, ModerationError> {
    let words = |given: &Option<String>| {
        given
            .as_deref()
            .map(text::query)
            .filter(|words| !words.is_empty())
    };
    let filter = LogFilter {
        text: words(&filter.text),
        action: words(&filter.action),
        moderator: words(&filter.moderator),
        reader: words(&filter.reader),
        ..filter.clone()
    };
    Ok(ctx.store.audit_log(&filter).await?)
}

pub async fn list_word_lists(
    ctx: &Context,
    _moderator: &Moderator,
) -> Result<Vec<WordListRow>, ModerationError> {
    Ok(ctx.store.word_lists().await?)
}

/// Replaces one list; lists apply site-wide, so section-limited
/// moderators may not.
pub async fn update_word_list(
    ctx: &Context,
    moderator: &Moderator,
    lang: Lang,
    list: ListKind,
    entries: Vec<WordListEntry>,
) -> Result<usize, ModerationError> {
    moderator.require_all_sections()?;
    if ctx.site().dir_of(lang).is_none() {
        return Err(
            InvalidInput::new("lang", "unknown_language", "not a language of this site").into(),
        );
    }
    if entries.len() > moderation::MAX_LIST_ENTRIES {
        return Err(InvalidInput::new(
            "entries",
            "too_many_entries",
            format!("at most {} terms a list", moderation::MAX_LIST_ENTRIES),
        )
        .into());
    }
    let checked = entries
        .into_iter()
        .map(WordListEntry::checked)
        .collect::<Result<Vec<_>, _>>()?;
    let count = checked.len();
    ctx.store
        .replace_word_list(lang, list, &checked, moderator.id)
        .await?;
    Ok(count)
}

/// The site's policy and the settings of a scope.
pub async fn settings(
    ctx: &Context,
    moderator: &Moderator,
    scope: SettingScope,
    scope_id: i64,
) -> Result<(PolicySettings, ScopeSettings), ModerationError> {
    check_scope(ctx, moderator, scope, scope_id).await?;
    let (policy, _) = ctx.store.moderation_policy().await?;
    let settings = ctx.store.scope_settings(scope, scope_id).await?;
    Ok((policy, settings))
}

/// Stores a scope's settings and, for the site, the policy.
pub async fn update_settings(
    ctx: &Context,
    moderator: &Moderator,
    scope: SettingScope,
    scope_id: i64,
    settings: &ScopeSettings,
    policy: Option<&PolicySettings>,
) -> Result<(), ModerationError> {
    check_scope(ctx, moderator, scope, scope_id).await?;
    let settings = settings.clone().checked()?;
    if let Some(policy) = policy {
        if scope != SettingScope::Site {
            return Err(InvalidInput::new(
                "policy",
                "policy_is_site_wide",
                "the pipeline policy is set for the whole site",
            )
            .into());
        }
        ctx.store
            .set_moderation_policy(policy, moderator.id)
            .await?;
    }
    ctx.store
        .set_scope_settings(scope, scope_id, &settings, moderator.id)
        .await?;
    Ok(())
}

/// Site settings need every section; a section or story needs that one.
async fn check_scope(
    ctx: &Context,
    moderator: &Moderator,
    scope: SettingScope,
    scope_id: i64,
) -> Result<(), ModerationError> {
    match scope {
        SettingScope::Site if scope_id != 0 => Err(ModerationError::NotFound),
        SettingScope::Site => moderator.require_all_sections(),
        SettingScope::Section => {
            if moderator.covers(Some(scope_id)) {
                Ok(())
            } else {
                Err(OUTSIDE_SECTIONS)
            }
        }
        SettingScope::Story => {
            let section = ctx.store.story_section(scope_id).await?;
            if moderator.covers(section) {
                Ok(())
            } else {
                Err(OUTSIDE_SECTIONS)
            }
        }
    }
}
