//! The moderators' screens: the queue (keyboard-driven by
//! `moderate.js`, usable without it), a reader's history with the actions
//! on them, the audit log, and word lists and settings. Rules live in
//! `moderation`; these handlers parse, call and render.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use khabar_core::Lang;
use khabar_core::moderation::{CommentAction, UserAction};
use khabar_store::LogFilter;
use minijinja::context;
use serde::Serialize;

use super::Moderating;
use crate::extract::{CheckedForm, Forbid, Id, Params, SignedIn};
use crate::http::forms::{Fields, field, redirect_within};
use crate::http::session::Viewer;
use crate::public::thread::comment_item;
use crate::theme::page::{chrome, error_page, render};
use crate::{App, PageError};
use khabar_app::moderation::{self};
use khabar_app::query::queue_filter;

type AppState = State<Arc<App>>;

/// Back to where the form was, if it is one of the moderators' pages.
pub(crate) fn back(lang: Lang, fields: &Fields) -> Response {
    redirect_within(&format!("/{lang}/moderate"), fields)
}

/// Back to where the form was, if it is a page of this site in `lang` (a
/// story's thread settings are set from the story).
pub(crate) fn back_anywhere(lang: Lang, fields: &Fields) -> Response {
    redirect_within(&format!("/{lang}/"), fields)
}

/// The sections as forms need them: id and name (lists elsewhere show
/// slugs, never ids).
async fn section_choices(app: &App, lang: Lang) -> Result<Vec<minijinja::Value>, PageError> {
    Ok(app
        .store
        .sections(lang)
        .await?
        .into_iter()
        .map(|s| context! { id => s.id, name => s.name })
        .collect())
}

pub(crate) fn paths(app: &App, tail: &str) -> Vec<(Lang, String)> {
    app.languages()
        .into_iter()
        .map(|l| (l, format!("/{l}/moderate{tail}")))
        .collect()
}

#[derive(Serialize)]
struct QueueEntry {
    comment: crate::public::thread::CommentItem,
    author_id: i64,
    story_id: i64,
    /// Every reason, in words with its phase.
    reasons: Vec<String>,
    flagged: bool,
    status: String,
    story_lang: String,
    headline: String,
    story_url: String,
    /// The story is a discussion embedded on another site: its link goes
    /// to the host page.
    on_host: bool,
    parent_author: Option<String>,
    parent_body: Option<String>,
    parent_dir: &'static str,
    reports: Vec<(String, String)>,
}

/// `GET /{lang}/moderate`: a queue with its filters and counts.
pub(crate) async fn queue(State(app): AppState, on: Moderating, Params(query): Params) -> Response {
    let page = queue_page(&app, &on, &query).await;
    page.unwrap_or_else(|e| error_page(&app, on.lang, &e))
}

async fn queue_page(
    app: &App,
    on: &Moderating,
    query: &HashMap<String, String>,
) -> Result<Response, PageError> {
    let lang = on.lang;
    let filter = queue_filter(query)?;
    let queue_name = filter.queue.as_str();
    let (page, counts) = moderation::queue(app, &on.moderator, filter.clone()).await?;
    let now = Timestamp::now();
    let items: Vec<QueueEntry> = page
        .items
        .into_iter()
        .map(|item| queue_entry(app, lang, &on.viewer, now, item))
        .collect();
    let links = QueueLinks::new(lang, query);
    let tabs: Vec<_> = counts
        .iter()
        .map(|(q, n)| context! { name => q.as_str(), count => n, href => links.to(q.as_str(), None) })
        .collect();
    let this = format!("/{lang}/moderate");
    let chrome = chrome(app, lang, &on.viewer, paths(app, ""), None, this).await?;
    render(
        app,
        "moderate.html",
        lang,
        chrome,
        context! {
            queue => queue_name,
            tabs => tabs,
            items => items,
            filter => query,
            this_url => links.to(queue_name, Some(page.page)),
            csrf_token => &on.session.csrf_token,
            moderator => &on.moderator.username,
            sections => section_choices(app, lang).await?,
            languages => language_choices(app),
            reasons => REASON_FILTERS,
            reject_reasons => moderation::REJECT_REASONS,
            previous_page => (page.page > 1).then(|| links.to(queue_name, Some(page.page - 1))),
            next_page => page.has_more.then(|| links.to(queue_name, Some(page.page + 1))),
        },
    )
}

/// One held, flagged or reported comment as the queue shows it.
fn queue_entry(
    app: &App,
    lang: Lang,
    viewer: &Viewer,
    now: Timestamp,
    item: khabar_store::QueueItem,
) -> QueueEntry {
    QueueEntry {
        author_id: item.comment.author_id,
        story_id: item.story_id,
        status: item.comment.status.to_string(),
        comment: comment_item(app, lang, item.comment, viewer, now),
        reasons: item
            .reasons
            .iter()
            .map(|r| crate::moderation::log::reason_in_words(app, lang, r, item.flagged))
            .collect(),
        flagged: item.flagged,
        on_host: item.host_url.is_some(),
        story_url: item.host_url.unwrap_or_else(|| {
            format!(
                "/{}/story/{}",
                item.lang,
                crate::http::paths::segment(&item.slug)
            )
        }),
        story_lang: item.lang.to_string(),
        headline: item.headline,
        parent_dir: item
            .parent_body
            .as_deref()
            .map(|b| khabar_text::detect_direction(b).as_str())
            .unwrap_or("auto"),
        parent_author: item.parent_author,
        parent_body: item
            .parent_body
            .map(|b| b.chars().take(280).collect::<String>()),
        reports: item.reports,
    }
}

/// Links between the queue's tabs and pages that keep its filters.
struct QueueLinks {
    lang: Lang,
    keep: Vec<(String, String)>,
}

impl QueueLinks {
    fn new(lang: Lang, query: &HashMap<String, String>) -> QueueLinks {
        let keep = ["story", "section", "lang", "reason", "order"]
            .into_iter()
            .filter_map(|k| {
                query
                    .get(k)
                    .filter(|v| !v.is_empty())
                    .map(|v| (k.to_owned(), v.clone()))
            })
            .collect();
        QueueLinks { lang, keep }
    }

    /// Queue `queue`, at `page` when given, with the current filters.
    fn to(&self, queue: &str, page: Option<u32>) -> String {
        let mut pairs: Vec<String> = self
            .keep
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencoding(v)))
            .collect();
        pairs.push(format!("queue={}", urlencoding(queue)));
        if let Some(page) = page {
            pairs.push(format!("page={page}"));
        }
        format!("/{}/moderate?{}", self.lang, pairs.join("&"))
    }
}

/// The site's languages as a filter offers them: code and own name, as
/// the language switch names them.
fn language_choices(app: &App) -> Vec<minijinja::Value> {
    app.languages()
        .into_iter()
        .map(
            |l| context! { code => l.as_str(), name => app.i18n.message(l, "language-name", None) },
        )
        .collect()
}

/// Reason codes a moderator filters by: the pipeline's and readers'.
const REASON_FILTERS: [&str; 11] = [
    "banned_word",
    "suspect_word",
    "link",
    "repeated_text",
    "new_commenter",
    "rejection_rate",
    "user_pre_moderated",
    "pre_moderated",
    "offensive",
    "abusive",
    "spam",
];

fn urlencoding(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn comment_action(fields: &Fields) -> Result<CommentAction, PageError> {
    Ok(match field(fields, "action") {
        "approve" => CommentAction::Approve,
        "reject" => CommentAction::Reject {
            reason: field(fields, "reason").to_owned(),
            message: field(fields, "message").to_owned(),
        },
        "feature" => CommentAction::Feature,
        "unfeature" => CommentAction::Unfeature,
        "redact" => CommentAction::Redact {
            note: field(fields, "note").to_owned(),
        },
        _ => return Err(PageError::BadRequest("unknown action".into())),
    })
}

/// `POST /{lang}/moderate/comments`: one decision on the selected
/// comments (`comment_id` repeated), or on the one named.
pub(crate) async fn act_on_comments(
    State(app): AppState,
    on: Moderating,
    CheckedForm(fields, ..): CheckedForm,
) -> Response {
    let Moderating {
        lang, moderator, ..
    } = on;
    let action = match comment_action(&fields) {
        Ok(action) => action,
        Err(error) => return error_page(&app, lang, &error),
    };
    let ids: Vec<i64> = fields
        .iter()
        .filter(|(k, _)| k == "comment_id")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let decisions = if let [id] = ids[..] {
        match moderation::moderate_comment(&app, &moderator, id, &action).await {
            Ok(decision) => vec![decision],
            Err(error) => return error_page(&app, lang, &error.into()),
        }
    } else {
        moderation::moderate_comments(&app, &moderator, &ids, &action)
            .await
            .0
    };
    if decisions.is_empty() {
        return back(lang, &fields);
    }
    back_saying(
        lang,
        &fields,
        &[("done", &ids_list(&decisions)), ("did", action.as_str())],
    )
}

/// `GET /{lang}/moderate/users/{id}`: a reader's record and the actions.
pub(crate) async fn reader(
    State(app): AppState,
    Id(user_id): Id,
    on: Moderating,
    // What the last form did, for the confirmation banner.
    Params(said): Params,
) -> Response {
    let page = reader_page(&app, &on, user_id, said).await;
    page.unwrap_or_else(|e| error_page(&app, on.lang, &e))
}

async fn reader_page(
    app: &App,
    on: &Moderating,
    user_id: i64,
    said: HashMap<String, String>,
) -> Result<Response, PageError> {
    let (lang, moderator) = (on.lang, &on.moderator);
    let mut history = moderation::reader_history(app, moderator, user_id).await?;
    let entries = crate::moderation::log::log_lines(app, lang, std::mem::take(&mut history.log));
    let tail = format!("/users/{user_id}");
    let this = format!("/{lang}/moderate{tail}");
    let chrome = chrome(app, lang, &on.viewer, paths(app, &tail), None, this.clone()).await?;
    render(
        app,
        "moderate-user.html",
        lang,
        chrome,
        context! {
            history => history,
            entries => entries,
            csrf_token => &on.session.csrf_token,
            all_sections => moderator.sections.is_empty(),
            is_admin => moderator.role == khabar_core::Role::Admin,
            sections => section_choices(app, lang).await?,
            this_url => this,
            said => said,
        },
    )
}

/// `POST /{lang}/moderate/users/{id}`
pub(crate) async fn act_on_reader(
    State(app): AppState,
    Id(user_id): Id,
    on: Moderating,
    CheckedForm(fields, ..): CheckedForm,
) -> Response {
    let Moderating {
        lang, moderator, ..
    } = on;
    let Some(action) = user_action(&fields) else {
        return error_page(&app, lang, &PageError::BadRequest("unknown action".into()));
    };
    match moderation::moderate_user(&app, &moderator, user_id, &action).await {
        Ok(decision) => back_saying(
            lang,
            &fields,
            &[("done", &decision.to_string()), ("did", action.as_str())],
        ),
        Err(error) => error_page(&app, lang, &error.into()),
    }
}

/// The action a reader's form asks for, if it names one.
fn user_action(fields: &Fields) -> Option<UserAction> {
    Some(match field(fields, "action") {
        "warn" => UserAction::Warn {
            message: field(fields, "message").to_owned(),
        },
        "suspend" => UserAction::Suspend {
            hours: field(fields, "hours").parse().unwrap_or(0),
        },
        "unsuspend" => UserAction::Unsuspend,
        "ban" => UserAction::Ban {
            reject_comments: field(fields, "reject_comments") == "1",
        },
        "unban" => UserAction::Unban,
        "shadow_ban" => UserAction::ShadowBan,
        "unshadow" => UserAction::Unshadow,
        "pre_moderate" => UserAction::PreModerate,
        "stop_pre_moderating" => UserAction::StopPreModerating,
        "note" => UserAction::Note {
            body: field(fields, "body").to_owned(),
        },
        "limit_sections" => UserAction::LimitSections {
            section_ids: fields
                .iter()
                .filter(|(k, _)| k == "section_id")
                .filter_map(|(_, v)| v.parse().ok())
                .collect(),
        },
        _ => return None,
    })
}

/// The log filters a page or export asks for: words, moderator, reader,
/// action and dates (whole days in the site's time zone, both included).
fn log_filter(app: &App, query: &HashMap<String, String>) -> Result<LogFilter, PageError> {
    let text = |key: &str| {
        query
            .get(key)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let day = |key: &str, days_after: i64| -> Result<Option<Timestamp>, PageError> {
        text(key)
            .map(|value| {
                value
                    .parse::<jiff::civil::Date>()
                    .ok()
                    .and_then(|date| date.checked_add(jiff::Span::new().days(days_after)).ok())
                    .and_then(|date| date.to_zoned(app.i18n.time_zone()).ok())
                    .map(|zoned| zoned.timestamp())
                    .ok_or(PageError::Rejected("invalid_date"))
            })
            .transpose()
    };
    Ok(LogFilter {
        text: text("q"),
        moderator: text("moderator"),
        reader: text("reader"),
        action: text("action"),
        since: day("from", 0)?,
        until: day("to", 1)?,
        before: query.get("before").and_then(|b| b.parse().ok()),
        limit: LOG_PAGE,
        ..Default::default()
    })
}

/// Entries a log page shows.
const LOG_PAGE: u32 = 100;
/// Entries an export holds at most (the store's limit).
const LOG_EXPORT: u32 = 500;

/// Actions a moderator filters the log by.
const LOG_ACTIONS: [&str; 23] = [
    "approve",
    "hold",
    "flag",
    "reject",
    "feature",
    "unfeature",
    "redact",
    "warn",
    "suspend",
    "unsuspend",
    "ban",
    "unban",
    "shadow_ban",
    "unshadow",
    "pre_moderate",
    "stop_pre_moderating",
    "note",
    "limit_sections",
    "warning_acknowledged",
    "undo",
    "word_list_updated",
    "settings_updated",
    "policy_updated",
];

/// The query without paging, to carry filters to the next page and the
/// export.
fn log_query(query: &HashMap<String, String>) -> String {
    let mut pairs: Vec<String> = ["q", "moderator", "reader", "action", "from", "to"]
        .into_iter()
        .filter_map(|k| {
            query
                .get(k)
                .filter(|v| !v.trim().is_empty())
                .map(|v| format!("{k}={}", urlencoding(v)))
        })
        .collect();
    pairs.sort();
    pairs.join("&")
}

/// `GET /{lang}/moderate/log`: the audit log as sentences, filtered.
pub(crate) async fn log(State(app): AppState, on: Moderating, Params(query): Params) -> Response {
    let page = log_page(&app, &on, &query).await;
    page.unwrap_or_else(|e| error_page(&app, on.lang, &e))
}

async fn log_page(
    app: &App,
    on: &Moderating,
    query: &HashMap<String, String>,
) -> Result<Response, PageError> {
    let lang = on.lang;
    let filter = log_filter(app, query)?;
    let entries = moderation::audit_log(app, &on.moderator, &filter).await?;
    let kept = log_query(query);
    let older = (entries.len() == LOG_PAGE as usize)
        .then(|| {
            entries
                .last()
                .map(|e| format!("/{lang}/moderate/log?{kept}&before={}", e.id))
        })
        .flatten();
    let entries = crate::moderation::log::log_lines(app, lang, entries);
    let this = format!("/{lang}/moderate/log");
    let chrome = chrome(app, lang, &on.viewer, paths(app, "/log"), None, this).await?;
    render(
        app,
        "moderate-log.html",
        lang,
        chrome,
        context! {
            entries => entries,
            filter => query,
            actions => LOG_ACTIONS,
            older => older,
            csv => format!("/{lang}/moderate/log.csv?{kept}"),
        },
    )
}

/// `GET /{lang}/moderate/log.csv`: the filtered log for a spreadsheet.
pub(crate) async fn log_csv(
    State(app): AppState,
    on: Moderating,
    Params(query): Params,
) -> Response {
    let Moderating {
        lang, moderator, ..
    } = on;
    let result = async {
        let filter = LogFilter {
            limit: LOG_EXPORT,
            ..log_filter(&app, &query)?
        };
        let entries = moderation::audit_log(&app, &moderator, &filter).await?;
        let lines = crate::moderation::log::log_lines(&app, lang, entries);
        Ok::<_, PageError>(crate::moderation::log::log_csv(&app, lang, &lines))
    };
    match result.await {
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"moderation-log.csv\"",
                ),
                (header::CACHE_CONTROL, "private, no-store"),
            ],
            csv,
        )
            .into_response(),
        Err(error) => error_page(&app, lang, &error),
    }
}

/// `GET /{lang}/moderate/live`: hints for open queues.
pub(crate) async fn live(State(app): AppState, _on: Moderating) -> Response {
    crate::public::live::moderator_events(&app)
}

/// `POST /{lang}/account/warning`: the reader acknowledges a warning.
/// Only a signed-in reader was shown one: strangers get a 403.
pub(crate) async fn acknowledge_warning(
    State(app): AppState,
    reader: SignedIn<Forbid>,
    CheckedForm(fields, ..): CheckedForm,
) -> Response {
    let lang = reader.lang;
    if let Err(error) = app.store.acknowledge_warning(reader.account().id).await {
        return error_page(&app, lang, &error.into());
    }
    back_anywhere(lang, &fields)
}

/// `POST /{lang}/moderate/undo`: undoes the decisions named in
/// `decisions` (comma-separated), then back to the page, saying so.
pub(crate) async fn undo(
    State(app): AppState,
    on: Moderating,
    CheckedForm(fields, ..): CheckedForm,
) -> Response {
    let Moderating {
        lang, moderator, ..
    } = on;
    let ids: Vec<i64> = field(&fields, "decisions")
        .split(',')
        .filter_map(|id| id.trim().parse().ok())
        .collect();
    let (undone, mut refused) = moderation::undo(&app, &moderator, &ids).await;
    if undone.is_empty() {
        let error = if refused.is_empty() {
            PageError::BadRequest("no decision named".into())
        } else {
            refused.swap_remove(0).1.into()
        };
        return error_page(&app, lang, &error);
    }
    back_saying(lang, &fields, &[("undone", &undone.len().to_string())])
}

/// Back to the moderators' page the form was on, with what just happened
/// in its query, for the page's confirmation (and Undo button).
fn back_saying(lang: Lang, fields: &Fields, said: &[(&str, &str)]) -> Response {
    let home = format!("/{lang}/moderate");
    let to = crate::http::forms::return_path(field(fields, "back"))
        .filter(|to| to.starts_with(&home))
        .unwrap_or(&home);
    let query: Vec<String> = said
        .iter()
        .map(|(key, value)| format!("{key}={}", urlencoding(value)))
        .collect();
    let separator = if to.contains('?') { '&' } else { '?' };
    let location = format!("{to}{separator}{}", query.join("&"));
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

fn ids_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}
