//! The comment use cases — post, edit, delete, like, report — shared by the
//! forms and (later) the API. Thread settings and rate limits live here.

use jiff::{SignedDuration, Timestamp};
use khabar_core::comment::may_edit;
use khabar_core::moderation::{Action, Verdict};
use khabar_core::{CommentBody, InvalidInput, Lang, ReportReason};
use khabar_store::{
    Account, Article, CommentInputs, CommentPost, CommentStatus, CommentView, Discussion,
    EditionKey, Posting, PostingLimit, RateDecision, Standing, StoreError,
};

use crate::error::{Failure, Kind};
use crate::{Context, moderation};

/// The same text posted again within this time is a duplicate.
const DUPLICATE_WINDOW: SignedDuration = SignedDuration::from_mins(10);
/// Reports a reader may file per hour.
const REPORTS_PER_HOUR: i64 = 20;

#[derive(Debug, thiserror::Error)]
pub enum CommentError {
    #[error("{0}")]
    Invalid(#[from] InvalidInput),
    #[error("comments on this story are closed")]
    Closed,
    #[error("no such comment or story")]
    NotFound,
    #[error("slow down, then retry")]
    TooMany(SignedDuration),
    #[error("you have already reported this comment")]
    AlreadyReported,
    /// A moderator suspended the reader until then.
    #[error("you may post again after {0}")]
    Suspended(Timestamp),
    #[error("you may no longer comment on this site")]
    Banned,
    /// A moderator's warning the reader must acknowledge first.
    #[error("acknowledge the moderators' warning first: {0}")]
    Warned(String),
    /// The pipeline refused the comment (kept for moderators).
    #[error("this comment breaks the community rules and was not published")]
    Rejected,
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for CommentError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => CommentError::NotFound,
            StoreError::Invalid(e) => CommentError::Invalid(e),
            other => CommentError::Store(other),
        }
    }
}

impl Failure for CommentError {
    fn invalid_input(&self) -> Option<&InvalidInput> {
        match self {
            CommentError::Invalid(e) => Some(e),
            _ => None,
        }
    }

    fn kind(&self) -> Kind {
        match self {
            CommentError::Invalid(_) | CommentError::Rejected => Kind::Invalid,
            CommentError::Closed | CommentError::AlreadyReported => Kind::Conflict,
            CommentError::NotFound => Kind::NotFound,
            CommentError::TooMany(wait) => Kind::TooMany(*wait),
            CommentError::Suspended(_) | CommentError::Banned | CommentError::Warned(_) => {
                Kind::Forbidden
            }
            CommentError::Store(_) => Kind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            CommentError::Invalid(e) => e.code,
            CommentError::Closed => "comments_closed",
            CommentError::NotFound => "not_found",
            CommentError::TooMany(_) => "too_many_attempts",
            CommentError::AlreadyReported => "already_reported",
            CommentError::Suspended(_) => "suspended",
            CommentError::Banned => "banned",
            CommentError::Warned(_) => "warning_unacknowledged",
            CommentError::Rejected => "comment_rejected",
            CommentError::Store(_) => "internal",
        }
    }
}

/// Refuses readers a moderator has barred, for now or for good: from
/// posting, and from liking and reporting alike.
fn may_comment(standing: &Standing) -> Result<(), CommentError> {
    if standing.banned {
        return Err(CommentError::Banned);
    }
    if let Some(until) = standing.suspended_until {
        return Err(CommentError::Suspended(until));
    }
    if let Some(warning) = &standing.warning {
        return Err(CommentError::Warned(warning.clone()));
    }
    Ok(())
}

/// The pipeline's first phase, run before a comment spends any rate
/// limit: its refusals are the reader's mistakes, answered as such.
fn checked(ctx: &Context, discussion: &Discussion, body: &CommentBody) -> Result<(), CommentError> {
    let max_chars = ctx.site().comment_max_chars;
    let open = moderation::thread_open(
        ctx,
        discussion.published_at,
        &discussion.comment_mode,
        &discussion.thread,
        Timestamp::now(),
    );
    let reason = khabar_core::moderation::check(
        body.as_str(),
        open,
        max_chars as usize,
        ctx.site().comment_max_links as usize,
    );
    match reason.as_ref().map(|r| r.code.as_str()) {
        None => Ok(()),
        Some("thread_closed") => Err(CommentError::Closed),
        Some("too_long") => Err(InvalidInput::new(
            "body",
            "comment_too_long",
            format!("at most {max_chars} characters"),
        )
        .into()),
        Some(_) => {
            Err(InvalidInput::new("body", "too_many_links", "too many links in one comment").into())
        }
    }
}

/// What the pipeline's verdict makes of a comment.
fn status_of(verdict: &Verdict, standing: &Standing) -> CommentStatus {
    match verdict.action {
        Action::Reject => CommentStatus::Rejected,
        Action::Hold => CommentStatus::Pending,
        Action::Approve | Action::Flag if standing.shadow_banned => CommentStatus::Shadowed,
        Action::Approve | Action::Flag => CommentStatus::Visible,
    }
}

async fn limit(
    ctx: &Context,
    kind: &str,
    subject: &str,
    max: i64,
    window: SignedDuration,
) -> Result<(), CommentError> {
    let bucket = format!("{kind}:{subject}");
    match ctx
        .store
        .count_attempt(&bucket, max, window, Timestamp::now())
        .await?
    {
        RateDecision::Allowed { .. } => Ok(()),
        RateDecision::Limited { retry_after } => Err(CommentError::TooMany(retry_after)),
    }
}

/// The counter of comments posted, by `outcome`: `published`, `held`,
/// `rejected` or `shadowed` (a shadow-banned reader's, shown only to them).
pub const COMMENTS_METRIC: &str = "khabar_comments_total";

/// A comment posted: its id, status, and the language of its edition.
#[derive(Debug, Clone)]
pub struct Posted {
    pub status: CommentStatus,
    pub lang: Lang,
    /// The new comment as a reader's view shows it, made from what the
    /// writer answered rather than read back.
    pub view: CommentView,
}

/// Posts a comment (or a reply) on a published edition. Pre-moderated
/// threads hold it as pending.
///
/// One read before the writer: the edition with its thread settings, the
/// author's standing and record, and the policy, in one query.
pub async fn post(
    ctx: &Context,
    author: &Account,
    client: &str,
    edition: EditionKey<'_>,
    parent_id: Option<i64>,
    body: &str,
) -> Result<Posted, CommentError> {
    let body = CommentBody::parse(body)?;
    let CommentInputs {
        discussion,
        pipeline: inputs,
    } = ctx
        .store
        .comment_inputs(edition, author.id, body.as_str(), None)
        .await?;
    let discussion = discussion.ok_or(CommentError::NotFound)?;
    checked(ctx, &discussion, &body)?;
    may_comment(&inputs.standing)?;
    let mentions = mentioned_readers(ctx, body.as_str()).await?;
    let verdict = moderation::verdict(ctx, &discussion, &inputs, body.as_str()).await?;
    let status = status_of(&verdict, &inputs.standing);
    let per_minute = i64::from(ctx.site().comments_per_minute);
    let reader = author.id.to_string();
    let limit = |kind: &str, subject: &str, max: i64, window: SignedDuration| PostingLimit {
        bucket: format!("{kind}:{subject}"),
        max,
        window,
    };
    // Counted in the writer's transaction, in this order, so that they hold
    // exactly however many posts arrive at once. An address is allowed
    // more: several readers may share it.
    let limits = vec![
        limit(
            "comment-minute",
            &reader,
            per_minute,
            SignedDuration::from_mins(1),
        ),
        limit(
            "comment-ip",
            client,
            per_minute * 4,
            SignedDuration::from_mins(1),
        ),
        limit(
            "comment-day",
            &reader,
            i64::from(ctx.site().comments_per_day),
            SignedDuration::from_hours(24),
        ),
    ];
    let mentions_anyone = !mentions.is_empty();
    let held_for = match status {
        CommentStatus::Pending => verdict.reasons.iter().map(|r| r.code.clone()).collect(),
        _ => Vec::new(),
    };
    let posting = ctx
        .store
        .post_comment_checked(CommentPost {
            edition_id: discussion.edition_id,
            author_id: author.id,
            body: body.clone(),
            parent_id,
            status,
            mentions,
            verdict,
            written_at: None,
            limits,
            duplicate_window: Some(DUPLICATE_WINDOW),
        })
        .await?;
    let placed = match posting {
        Posting::Posted(placed) => placed,
        Posting::Limited(wait) => return Err(CommentError::TooMany(wait)),
        Posting::Duplicate => {
            return Err(
                InvalidInput::new("body", "duplicate_comment", "you posted this already").into(),
            );
        }
    };
    let outcome = match status {
        CommentStatus::Pending => "held",
        CommentStatus::Rejected => "rejected",
        CommentStatus::Shadowed => "shadowed",
        _ => "published",
    };
    metrics::counter!(COMMENTS_METRIC, "outcome" => outcome).increment(1);
    if status == CommentStatus::Rejected {
        return Err(CommentError::Rejected);
    }
    let mut view = CommentView {
        id: placed.id,
        edition_id: discussion.edition_id,
        parent_id: placed.parent_id,
        root_id: placed.root_id,
        depth: placed.depth,
        author_id: author.id,
        author_username: author.username.clone(),
        author_name: author.display_name.clone(),
        reply_to_username: placed.reply_to_username,
        body: body.as_str().to_owned(),
        status,
        like_count: 0,
        featured: false,
        created_at: placed.created_at,
        edited_at: None,
        redaction_note: None,
        held_for,
        mentions: Vec::new(),
    };
    if mentions_anyone {
        ctx.store
            .fill_mentions(std::slice::from_mut(&mut view))
            .await?;
    }
    Ok(Posted {
        status,
        lang: discussion.lang,
        view,
    })
}

/// The readers a body mentions: each `@` names the reader whose username
/// is its longest written form that is one, or else whose display name it
/// is, when only one reader has it. Other `@words` stay text.
async fn mentioned_readers(ctx: &Context, body: &str) -> Result<Vec<i64>, CommentError> {
    let sites = khabar_text::comment::mention_candidates(body);
    let names: Vec<String> = sites.iter().flatten().cloned().collect();
    let keys: Vec<String> = names
        .iter()
        .filter_map(|name| khabar_core::Username::parse_for_staff(name).ok())
        .map(|username| username.key())
        .collect();
    let (by_key, by_name) = ctx.store.mention_targets(&keys, &names).await?;
    let reader = |name: &str| {
        let by_username = khabar_core::Username::parse_for_staff(name)
            .ok()
            .and_then(|username| by_key.get(&username.key()));
        by_username
            .or_else(|| by_name.get(&name.to_lowercase()))
            .or_else(|| by_name.get(&name.to_ascii_lowercase()))
            .copied()
    };
    let mut found = Vec::new();
    for forms in &sites {
        if let Some(id) = forms.iter().find_map(|name| reader(name))
            && !found.contains(&id)
        {
            found.push(id);
        }
    }
    Ok(found)
}

/// Edits the reader's own comment within the edit window.
pub async fn edit(
    ctx: &Context,
    author: &Account,
    comment_id: i64,
    body: &str,
) -> Result<CommentStatus, CommentError> {
    let body = CommentBody::parse(body)?;
    let comment = ctx.store.comment(comment_id).await?;
    let window = SignedDuration::from_mins(i64::from(ctx.site().comment_edit_minutes));
    may_edit(
        comment.author_id,
        author.id,
        comment.created_at,
        Timestamp::now(),
        window,
    )?;
    if !matches!(
        comment.status,
        CommentStatus::Visible | CommentStatus::Pending | CommentStatus::Shadowed
    ) {
        return Err(CommentError::NotFound);
    }
    let CommentInputs {
        discussion,
        pipeline: inputs,
    } = ctx
        .store
        .comment_inputs(
            EditionKey::Id(comment.edition_id),
            author.id,
            body.as_str(),
            Some(comment_id),
        )
        .await?;
    may_comment(&inputs.standing)?;
    let discussion = discussion.ok_or(CommentError::NotFound)?;
    checked(ctx, &discussion, &body)?;
    let verdict = moderation::verdict(ctx, &discussion, &inputs, body.as_str()).await?;
    let status = status_of(&verdict, &inputs.standing);
    let mentions = mentioned_readers(ctx, body.as_str()).await?;
    ctx.store
        .edit_comment(comment_id, &body, status, &verdict, &mentions)
        .await?;
    if status == CommentStatus::Rejected {
        return Err(CommentError::Rejected);
    }
    Ok(status)
}

/// A comment's earlier texts, as typed, newest first: for its author and
/// for the moderators of its section, nobody else (a reader who took
/// something back is not exposed by the history).
pub async fn history(
    ctx: &Context,
    viewer: &Account,
    comment_id: i64,
) -> Result<(CommentView, Article, Vec<(i64, String, Timestamp)>), CommentError> {
    let comment = ctx.store.comment(comment_id).await?;
    let article = ctx
        .store
        .published_article(comment.edition_id)
        .await?
        .ok_or(CommentError::NotFound)?;
    let moderates = match moderation::moderator(ctx, viewer).await {
        Ok(moderator) => moderator.covers(article.summary.section.as_ref().map(|s| s.id)),
        Err(_) => false,
    };
    if comment.author_id != viewer.id && !moderates {
        return Err(CommentError::NotFound);
    }
    let versions = ctx.store.comment_versions(comment_id).await?;
    Ok((comment, article, versions))
}

/// Deletes the reader's own comment (a placeholder stays).
pub async fn delete(ctx: &Context, author: &Account, comment_id: i64) -> Result<(), CommentError> {
    let comment = ctx.store.comment(comment_id).await?;
    if comment.author_id != author.id {
        return Err(InvalidInput::new(
            "comment",
            "not_your_comment",
            "only its author may delete a comment",
        )
        .into());
    }
    ctx.store.delete_comment(comment_id).await?;
    Ok(())
}

/// Likes (or takes back the like of) a visible comment.
pub async fn like(
    ctx: &Context,
    author: &Account,
    comment_id: i64,
    liked: bool,
) -> Result<(), CommentError> {
    may_comment(&ctx.store.standing(author.id).await?)?;
    let comment = ctx.store.comment(comment_id).await?;
    if comment.status != CommentStatus::Visible {
        return Err(CommentError::NotFound);
    }
    if liked {
        ctx.store.like_comment(comment_id, author.id).await?;
    } else {
        ctx.store.unlike_comment(comment_id, author.id).await?;
    }
    Ok(())
}

/// Reports a comment with a reason and an optional note.
pub async fn report(
    ctx: &Context,
    author: &Account,
    comment_id: i64,
    reason: &str,
    note: &str,
) -> Result<(), CommentError> {
    let reason = ReportReason::parse(reason)?;
    may_comment(&ctx.store.standing(author.id).await?)?;
    let note: String = note
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .take(1_000)
        .collect();
    limit(
        ctx,
        "report",
        &author.id.to_string(),
        REPORTS_PER_HOUR,
        SignedDuration::from_hours(1),
    )
    .await?;
    ctx.store
        .report_comment(comment_id, author.id, reason, note.trim())
        .await
        .map_err(|e| match e {
            StoreError::Taken { .. } => CommentError::AlreadyReported,
            other => other.into(),
        })
}
