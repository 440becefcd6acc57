//! A story's discussion as pages show it: the thread, each comment as its
//! reader sees it, and a refused comment's details.

use crate::http::paths::segment;
use crate::http::session::Viewer;
use crate::{App, PageError};
use jiff::{SignedDuration, Timestamp};
use khabar_app::moderation;
use khabar_core::moderation::SettingScope;
use khabar_core::{CommentSort, Dir, Lang};
use khabar_store::{Article, CommentView};
use serde::Serialize;
use std::collections::HashMap;

/// Top-level comments per page of a thread.
pub(crate) const THREAD_PAGE: u32 = 20;

/// One comment as the template shows it.
#[derive(Serialize)]
pub(crate) struct CommentItem {
    id: i64,
    depth: i64,
    author_name: String,
    author_username: String,
    reply_to: Option<String>,
    /// The body as written (for the edit form).
    body: String,
    /// The body as shown (`khabar_text::comment::render_comment`).
    html: String,
    /// Worked out from the text itself: an Arabic reply in an English
    /// thread reads right to left.
    dir: &'static str,
    lang: Option<String>,
    deleted: bool,
    /// A moderator's note shown in place of a removed body.
    redaction_note: Option<String>,
    /// Held for moderation: only its author sees it, marked so, with why
    /// in plain words where telling does not help a spammer.
    pending: bool,
    held_reason: Option<String>,
    featured: bool,
    like_count: i64,
    created_at: Timestamp,
    edited: bool,
    mine: bool,
    editable: bool,
}

#[derive(Serialize)]
struct ThreadItem {
    comment: CommentItem,
    replies: Vec<CommentItem>,
    reply_count: usize,
}

/// The thread part of an article page.
#[derive(Serialize)]
pub(crate) struct ThreadView {
    count: i64,
    open: bool,
    /// The moderators' message above the thread.
    message: Option<String>,
    /// A warning the signed-in reader must acknowledge before posting.
    warning: Option<String>,
    /// For a moderator of this story: its own settings, to change in place.
    moderation: Option<khabar_core::moderation::ScopeSettings>,
    signed_in: bool,
    csrf_token: Option<String>,
    comments: Vec<ThreadItem>,
    sort: &'static str,
    page: u32,
    previous_page: Option<String>,
    next_page: Option<String>,
    /// A form this reader sent that was refused: shown again at its place
    /// with their text and the reason.
    refusal: Option<Refusal>,
}

impl ThreadView {
    /// The next page of top-level comments, if there is one (embedded
    /// threads link it at their own address, not the story's).
    pub(crate) fn next_page_number(&self) -> Option<u32> {
        self.next_page.as_ref().map(|_| self.page + 1)
    }
}

/// A refused comment form: which one (`new`, `reply-12`, `edit-12`,
/// `report-12`), what was typed in it, and why it was refused.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Refusal {
    pub(crate) form: String,
    pub(crate) text: String,
    pub(crate) message: String,
    /// Whether the page shows that form to this reader (someone else's
    /// comment has no edit form): if not, the reason heads the thread.
    pub(crate) at_form: bool,
}

/// A comment as the template shows it to `viewer`.
pub(crate) fn comment_item(
    app: &App,
    page_lang: Lang,
    comment: CommentView,
    viewer: &Viewer,
    now: Timestamp,
) -> CommentItem {
    let rendered = render_body(&comment, |name| {
        format!("/{page_lang}/user/{}", segment(name))
    });
    let direction = rendered.dir;
    let site = app.site();
    let lang = match direction {
        khabar_text::Direction::Rtl => site.languages.iter().find(|l| l.dir == Dir::Rtl),
        khabar_text::Direction::Ltr => site.languages.iter().find(|l| l.dir == Dir::Ltr),
        khabar_text::Direction::Auto => None,
    }
    .map(|l| l.code.to_string());
    let mine = viewer
        .session
        .as_ref()
        .is_some_and(|s| s.account.id == comment.author_id);
    let window = SignedDuration::from_mins(i64::from(app.site().comment_edit_minutes));
    let deleted = comment.status == khabar_core::CommentStatus::Deleted;
    let redacted = comment.redaction_note.is_some();
    CommentItem {
        id: comment.id,
        depth: comment.depth,
        author_name: comment.author_name,
        author_username: comment.author_username,
        reply_to: comment.reply_to_username,
        dir: direction.as_str(),
        lang,
        deleted,
        pending: comment.status == khabar_core::CommentStatus::Pending,
        held_reason: held_reason(app, page_lang, &comment.held_for),
        redaction_note: comment.redaction_note,
        featured: comment.featured,
        like_count: comment.like_count,
        created_at: comment.created_at,
        edited: comment.edited_at.is_some(),
        editable: mine && !deleted && !redacted && now <= comment.created_at + window,
        mine,
        html: rendered.html,
        body: comment.body,
    }
}

/// The first reason a held comment waits that its author may be told; word
/// lists stay unnamed.
fn held_reason(app: &App, lang: Lang, codes: &[String]) -> Option<String> {
    const TOLD: [&str; 5] = [
        "pre_moderated",
        "user_pre_moderated",
        "new_commenter",
        "link",
        "repeated_text",
    ];
    let code = codes.iter().find(|code| TOLD.contains(&code.as_str()))?;
    Some(
        app.i18n
            .message(lang, &format!("comments-held-{code}"), None),
    )
}

/// A comment's body as every surface shows it, its mentions linked to
/// `profile(username)`.
pub(crate) fn render_body(
    comment: &CommentView,
    profile: impl Fn(&str) -> String,
) -> khabar_text::comment::RenderedComment {
    khabar_text::comment::render_comment(&comment.body, &comment.mentions, profile)
}

pub(crate) async fn thread_view(
    app: &App,
    lang: Lang,
    article: &Article,
    viewer: &Viewer,
    query: &HashMap<String, String>,
    refusal: Option<Refusal>,
) -> Result<ThreadView, PageError> {
    let (sort, page) = order_and_page(query);
    let viewer_id = viewer.session.as_ref().map(|s| s.account.id);
    let thread = app
        .store
        .thread(article.summary.id, viewer_id, sort, page, THREAD_PAGE)
        .await?;
    let settings = app.store.thread_settings(article.summary.story_id).await?;
    let warning = match viewer_id {
        Some(id) if !viewer.stands_in(app) => app.store.standing(id).await?.warning,
        _ => None,
    };
    let moderation = story_settings_for(app, article, viewer).await?;
    let now = Timestamp::now();
    let sort_name = sort_name(sort);
    let base = format!(
        "/{lang}/story/{}?csort={sort_name}",
        segment(&article.summary.slug)
    );
    Ok(ThreadView {
        count: article.summary.comment_count,
        open: moderation::thread_open(
            app,
            article.summary.published_at,
            &article.comment_mode,
            &settings,
            now,
        ),
        message: settings.message,
        warning,
        moderation,
        signed_in: viewer.session.is_some(),
        csrf_token: viewer.session.as_ref().map(|s| s.csrf_token.clone()),
        sort: sort_name,
        page: thread.page,
        refusal,
        previous_page: (thread.page > 1)
            .then(|| format!("{base}&cpage={}#comments", thread.page - 1)),
        next_page: thread
            .has_more
            .then(|| format!("{base}&cpage={}#comments", thread.page + 1)),
        comments: thread
            .comments
            .into_iter()
            .map(|entry| thread_item(app, lang, entry, viewer, now))
            .collect(),
    })
}

/// The thread's order and page from the story page's query (`csort`,
/// `cpage`).
fn order_and_page(query: &HashMap<String, String>) -> (CommentSort, u32) {
    let sort = CommentSort::parse(query.get("csort").map(String::as_str).unwrap_or(""));
    let page = query
        .get("cpage")
        .and_then(|p| p.parse::<u32>().ok())
        .filter(|p| (1..=10_000).contains(p))
        .unwrap_or(1);
    (sort, page)
}

/// An order as the thread's links name it.
fn sort_name(sort: CommentSort) -> &'static str {
    match sort {
        CommentSort::Oldest => "oldest",
        CommentSort::Newest => "newest",
        CommentSort::MostLiked => "liked",
    }
}

/// A top-level comment and its replies as `viewer` sees them.
fn thread_item(
    app: &App,
    lang: Lang,
    entry: khabar_store::ThreadEntry,
    viewer: &Viewer,
    now: Timestamp,
) -> ThreadItem {
    ThreadItem {
        reply_count: entry.reply_count,
        comment: comment_item(app, lang, entry.comment, viewer, now),
        replies: entry
            .replies
            .into_iter()
            .map(|r| comment_item(app, lang, r, viewer, now))
            .collect(),
    }
}

/// The story's own moderation settings, for a moderator of its section
/// to change in place; none for anyone else.
async fn story_settings_for(
    app: &App,
    article: &Article,
    viewer: &Viewer,
) -> Result<Option<khabar_core::moderation::ScopeSettings>, PageError> {
    let Some(session) = &viewer.session else {
        return Ok(None);
    };
    let section = article.summary.section.as_ref().map(|s| s.id);
    match moderation::moderator(app, &session.account).await {
        Ok(moderator) if moderator.covers(section) => Ok(Some(
            app.store
                .scope_settings(SettingScope::Story, article.summary.story_id)
                .await?,
        )),
        _ => Ok(None),
    }
}
