//! The moderators' screens: the queue (keyboard-driven by
//! `moderate.js`, usable without it), a reader's history with the actions
//! on them, the audit log, and word lists and settings. Rules live in
//! `moderation`; these handlers parse, call and render.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use khabar_core::moderation::{
    CommentAction, ListKind, PolicySettings, ScopeSettings, SettingScope, SuspectAction,
    UserAction, WordListEntry,
};
use khabar_core::{InvalidInput, Lang};
use khabar_store::{LogFilter, SessionRecord};
use khabar_text::wordlist::MatchMode;
use minijinja::context;
use serde::Serialize;

use crate::api::moderation::queue_filter;
use crate::public::comments::comment_item;
use crate::http::forms::{Fields, field, redirect_within};
use khabar_app::moderation::{self, ModerationError, Moderator};
use crate::public::pages::{chrome, error_page, preferred_language, render};
use crate::http::session::Viewer;
use crate::{App, PageError};

type AppState = State<Arc<App>>;

impl From<ModerationError> for PageError {
    fn from(error: ModerationError) -> Self {
        match error {
            ModerationError::Invalid(e) => PageError::Rejected(e.code),
            ModerationError::NotFound => PageError::NotFound,
            ModerationError::Forbidden(..) => PageError::Forbidden,
            ModerationError::Undo(refusal) => PageError::Rejected(refusal.code()),
            ModerationError::Store(e) => PageError::Store(e),
        }
    }
}

/// The language and the signed-in moderator, or the page to answer with
/// (sign-in for strangers, 403 for readers).
async fn signed_in_moderator<'a>(
    app: &App,
    lang: &str,
    headers: &HeaderMap,
    viewer: &'a Viewer,
) -> Result<(Lang, &'a SessionRecord, Moderator), Box<Response>> {
    let Some(lang) = app.lang(lang) else {
        return Err(Box::new(error_page(
            app,
            preferred_language(app, headers),
            &PageError::NotFound,
        )));
    };
    let Some(session) = &viewer.session else {
        let to = format!("/{lang}/signin");
        return Err(Box::new(
            (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response(),
        ));
    };
    match moderation::moderator(app, &session.account).await {
        Ok(moderator) => Ok((lang, session, moderator)),
        Err(error) => Err(Box::new(error_page(app, lang, &error.into()))),
    }
}

/// A state change from a moderator's form: same site, right CSRF token.
async fn form_moderator(
    app: &App,
    lang: &str,
    headers: &HeaderMap,
    viewer: &Viewer,
    form: Result<Form<Fields>, FormRejection>,
) -> Result<(Lang, Moderator, Fields), Box<Response>> {
    let (lang, _, moderator) = signed_in_moderator(app, lang, headers, viewer).await?;
    let fields = crate::http::forms::checked(app, headers, viewer, form)
        .map_err(|error| Box::new(error_page(app, lang, &error)))?;
    Ok((lang, moderator, fields))
}

/// Back to where the form was, if it is one of the moderators' pages.
fn back(lang: Lang, fields: &Fields) -> Response {
    redirect_within(&format!("/{lang}/moderate"), fields)
}

/// Back to where the form was, if it is a page of this site in `lang` (a
/// story's thread settings are set from the story).
fn back_anywhere(lang: Lang, fields: &Fields) -> Response {
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

fn paths(app: &App, tail: &str) -> Vec<(Lang, String)> {
    app.languages()
        .into_iter()
        .map(|l| (l, format!("/{l}/moderate{tail}")))
        .collect()
}

#[derive(Serialize)]
struct QueueEntry {
    comment: crate::public::comments::CommentItem,
    author_id: i64,
    story_id: i64,
    /// Every reason, in words with its phase.
    reasons: Vec<String>,
    flagged: bool,
    status: String,
    story_lang: String,
    headline: String,
    story_url: String,
    parent_author: Option<String>,
    parent_body: Option<String>,
    parent_dir: &'static str,
    reports: Vec<(String, String)>,
}

/// `GET /{lang}/moderate`: a queue with its filters and counts.
pub async fn queue(
    State(app): AppState,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    headers: HeaderMap,
    viewer: Viewer,
) -> Response {
    let lang = path.map(|Path(l)| l).unwrap_or_default();
    let (lang, session, moderator) = match signed_in_moderator(&app, &lang, &headers, &viewer).await
    {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let result = async {
        let filter = queue_filter(&query).map_err(|e| PageError::Rejected(e.code))?;
        let queue_name = filter.queue.as_str();
        let (page, counts) = moderation::queue(&app, &moderator, filter.clone()).await?;
        let now = Timestamp::now();
        let items: Vec<QueueEntry> = page
            .items
            .into_iter()
            .map(|item| QueueEntry {
                author_id: item.comment.author_id,
                story_id: item.story_id,
                status: item.comment.status.to_string(),
                comment: comment_item(&app, lang, item.comment, &viewer, now),
                reasons: item
                    .reasons
                    .iter()
                    .map(|r| crate::moderation::log::reason_in_words(&app, lang, r, item.flagged))
                    .collect(),
                flagged: item.flagged,
                story_url: format!("/{}/story/{}", item.lang, crate::public::pages::segment(&item.slug)),
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
            })
            .collect();
        // The current filters, to keep across queue tabs and pages.
        let keep: Vec<(String, String)> = ["story", "section", "lang", "reason", "order"]
            .into_iter()
            .filter_map(|k| {
                query
                    .get(k)
                    .filter(|v| !v.is_empty())
                    .map(|v| (k.to_owned(), v.clone()))
            })
            .collect();
        let with = |extra: &[(&str, String)]| {
            let mut pairs: Vec<String> = keep
                .iter()
                .filter(|(k, _)| !extra.iter().any(|(e, _)| e == k))
                .map(|(k, v)| format!("{k}={}", urlencoding(v)))
                .collect();
            pairs.extend(extra.iter().map(|(k, v)| format!("{k}={}", urlencoding(v))));
            format!("/{lang}/moderate?{}", pairs.join("&"))
        };
        let tabs: Vec<_> = counts
            .iter()
            .map(|(q, n)| context! { name => q.as_str(), count => n, href => with(&[("queue", q.as_str().to_owned())]) })
            .collect();
        let this = with(&[
            ("queue", queue_name.to_owned()),
            ("page", page.page.to_string()),
        ]);
        let chrome = chrome(
            &app,
            lang,
            &viewer,
            paths(&app, ""),
            None,
            format!("/{lang}/moderate"),
        )
        .await?;
        render(
            &app,
            "moderate.html",
            lang,
            chrome,
            context! {
                queue => queue_name,
                tabs => tabs,
                items => items,
                filter => &query,
                this_url => this,
                csrf_token => &session.csrf_token,
                moderator => moderator.username,
                sections => section_choices(&app, lang).await?,
                languages => language_choices(&app),
                reasons => REASON_FILTERS,
                reject_reasons => moderation::REJECT_REASONS,
                previous_page => (page.page > 1).then(|| with(&[("queue", queue_name.to_owned()), ("page", (page.page - 1).to_string())])),
                next_page => page.has_more.then(|| with(&[("queue", queue_name.to_owned()), ("page", (page.page + 1).to_string())])),
            },
        )
    };
    result.await.unwrap_or_else(|e| error_page(&app, lang, &e))
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
pub async fn act_on_comments(
    State(app): AppState,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    viewer: Viewer,
    form: Result<Form<Fields>, FormRejection>,
) -> Response {
    let lang = path.map(|Path(l)| l).unwrap_or_default();
    let (lang, moderator, fields) = match form_moderator(&app, &lang, &headers, &viewer, form).await
    {
        Ok(found) => found,
        Err(response) => return *response,
    };
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
pub async fn reader(
    State(app): AppState,
    path: Result<Path<(String, i64)>, PathRejection>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    headers: HeaderMap,
    viewer: Viewer,
) -> Response {
    let Ok(Path((lang, user_id))) = path else {
        return error_page(
            &app,
            preferred_language(&app, &headers),
            &PageError::NotFound,
        );
    };
    let (lang, session, moderator) = match signed_in_moderator(&app, &lang, &headers, &viewer).await
    {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let result = async {
        let mut history = moderation::reader_history(&app, &moderator, user_id).await?;
        let entries =
            crate::moderation::log::log_lines(&app, lang, std::mem::take(&mut history.log));
        let tail = format!("/users/{user_id}");
        let chrome = chrome(
            &app,
            lang,
            &viewer,
            paths(&app, &tail),
            None,
            format!("/{lang}/moderate{tail}"),
        )
        .await?;
        render(
            &app,
            "moderate-user.html",
            lang,
            chrome,
            context! {
                history => history,
                entries => entries,
                csrf_token => &session.csrf_token,
                all_sections => moderator.sections.is_empty(),
                is_admin => moderator.role == khabar_core::Role::Admin,
                sections => section_choices(&app, lang).await?,
                this_url => format!("/{lang}/moderate{tail}"),
                // What the last form did, for the confirmation banner.
                said => query.map(|Query(q)| q).unwrap_or_default(),
            },
        )
    };
    result.await.unwrap_or_else(|e| error_page(&app, lang, &e))
}

/// `POST /{lang}/moderate/users/{id}`
pub async fn act_on_reader(
    State(app): AppState,
    path: Result<Path<(String, i64)>, PathRejection>,
    headers: HeaderMap,
    viewer: Viewer,
    form: Result<Form<Fields>, FormRejection>,
) -> Response {
    let Ok(Path((lang, user_id))) = path else {
        return error_page(
            &app,
            preferred_language(&app, &headers),
            &PageError::NotFound,
        );
    };
    let (lang, moderator, fields) = match form_moderator(&app, &lang, &headers, &viewer, form).await
    {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let action = match field(&fields, "action") {
        "warn" => UserAction::Warn {
            message: field(&fields, "message").to_owned(),
        },
        "suspend" => UserAction::Suspend {
            hours: field(&fields, "hours").parse().unwrap_or(0),
        },
        "unsuspend" => UserAction::Unsuspend,
        "ban" => UserAction::Ban {
            reject_comments: field(&fields, "reject_comments") == "1",
        },
        "unban" => UserAction::Unban,
        "shadow_ban" => UserAction::ShadowBan,
        "unshadow" => UserAction::Unshadow,
        "pre_moderate" => UserAction::PreModerate,
        "stop_pre_moderating" => UserAction::StopPreModerating,
        "note" => UserAction::Note {
            body: field(&fields, "body").to_owned(),
        },
        "limit_sections" => UserAction::LimitSections {
            section_ids: fields
                .iter()
                .filter(|(k, _)| k == "section_id")
                .filter_map(|(_, v)| v.parse().ok())
                .collect(),
        },
        _ => return error_page(&app, lang, &PageError::BadRequest("unknown action".into())),
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
pub async fn log(
    State(app): AppState,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    headers: HeaderMap,
    viewer: Viewer,
) -> Response {
    let lang = path.map(|Path(l)| l).unwrap_or_default();
    let (lang, _, moderator) = match signed_in_moderator(&app, &lang, &headers, &viewer).await {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let result = async {
        let filter = log_filter(&app, &query)?;
        let entries = moderation::audit_log(&app, &moderator, &filter).await?;
        let kept = log_query(&query);
        let older = (entries.len() == LOG_PAGE as usize)
            .then(|| {
                entries
                    .last()
                    .map(|e| format!("/{lang}/moderate/log?{kept}&before={}", e.id))
            })
            .flatten();
        let entries = crate::moderation::log::log_lines(&app, lang, entries);
        let chrome = chrome(
            &app,
            lang,
            &viewer,
            paths(&app, "/log"),
            None,
            format!("/{lang}/moderate/log"),
        )
        .await?;
        render(
            &app,
            "moderate-log.html",
            lang,
            chrome,
            context! {
                entries => entries,
                filter => &query,
                actions => LOG_ACTIONS,
                older => older,
                csv => format!("/{lang}/moderate/log.csv?{kept}"),
            },
        )
    };
    result.await.unwrap_or_else(|e| error_page(&app, lang, &e))
}

/// `GET /{lang}/moderate/log.csv`: the filtered log for a spreadsheet.
pub async fn log_csv(
    State(app): AppState,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    headers: HeaderMap,
    viewer: Viewer,
) -> Response {
    let lang = path.map(|Path(l)| l).unwrap_or_default();
    let (lang, _, moderator) = match signed_in_moderator(&app, &lang, &headers, &viewer).await {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let query = query.map(|Query(q)| q).unwrap_or_default();
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

/// `GET /{lang}/moderate/settings`: word lists and the site's policy.
pub async fn settings(
    State(app): AppState,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    viewer: Viewer,
) -> Response {
    let lang = path.map(|Path(l)| l).unwrap_or_default();
    let (lang, session, moderator) = match signed_in_moderator(&app, &lang, &headers, &viewer).await
    {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let result = async {
        let rows = moderation::list_word_lists(&app, &moderator).await?;
        let (policy, site) = moderation::settings(&app, &moderator, SettingScope::Site, 0)
            .await
            .unwrap_or_default();
        let mut lists = Vec::new();
        for list_lang in app.languages() {
            for list in [ListKind::Banned, ListKind::Suspect] {
                // One term a line, marked by its mode (`MatchMode::line`).
                let text: Vec<String> = rows
                    .iter()
                    .filter(|r| r.lang == list_lang && r.list == list.as_str())
                    .map(|r| match MatchMode::parse(&r.mode) {
                        Some(mode) => mode.line(&r.term),
                        None => r.term.clone(),
                    })
                    .collect();
                lists.push(context! {
                    lang => list_lang.as_str(),
                    dir => app.dir(list_lang),
                    list => list.as_str(),
                    text => text.join("\n"),
                    count => text.len(),
                });
            }
        }
        let mut sections = Vec::new();
        for section in app.store.sections(lang).await? {
            if moderator.covers(Some(section.id)) {
                let settings = app
                    .store
                    .scope_settings(SettingScope::Section, section.id)
                    .await?;
                sections.push(
                    context! { id => section.id, name => section.name, settings => settings },
                );
            }
        }
        let chrome = chrome(
            &app,
            lang,
            &viewer,
            paths(&app, "/settings"),
            None,
            format!("/{lang}/moderate/settings"),
        )
        .await?;
        render(
            &app,
            "moderate-settings.html",
            lang,
            chrome,
            context! {
                lists => lists,
                policy => policy,
                site => site,
                csrf_token => &session.csrf_token,
                may_edit => moderator.sections.is_empty(),
                sections => sections,
            },
        )
    };
    result.await.unwrap_or_else(|e| error_page(&app, lang, &e))
}

/// `POST /{lang}/moderate/word-lists`: one list from its textarea.
pub async fn save_word_list(
    State(app): AppState,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    viewer: Viewer,
    form: Result<Form<Fields>, FormRejection>,
) -> Response {
    let lang = path.map(|Path(l)| l).unwrap_or_default();
    let (lang, moderator, fields) = match form_moderator(&app, &lang, &headers, &viewer, form).await
    {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let result = async {
        let list_lang = Lang::parse(field(&fields, "list_lang")).map_err(ModerationError::from)?;
        let list = ListKind::parse(field(&fields, "list")).map_err(ModerationError::from)?;
        let entries = field(&fields, "terms")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|line| {
                let (term, mode) = MatchMode::from_line(line);
                WordListEntry {
                    term: term.to_owned(),
                    mode: mode.as_str().into(),
                }
            })
            .collect();
        moderation::update_word_list(&app, &moderator, list_lang, list, entries).await
    };
    match result.await {
        Ok(_) => back(lang, &fields),
        Err(error) => error_page(&app, lang, &error.into()),
    }
}

/// `POST /{lang}/moderate/settings`: the site's settings and policy.
pub async fn save_settings(
    State(app): AppState,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    viewer: Viewer,
    form: Result<Form<Fields>, FormRejection>,
) -> Response {
    let lang = path.map(|Path(l)| l).unwrap_or_default();
    let (lang, moderator, fields) = match form_moderator(&app, &lang, &headers, &viewer, form).await
    {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let number = |name: &'static str| -> Result<u32, ModerationError> {
        field(&fields, name)
            .trim()
            .parse()
            .map_err(|_| InvalidInput::new(name, "invalid_number", "a whole number").into())
    };
    // A section or story says yes, no, or nothing (inherit: "").
    let choice = |name: &str| match field(&fields, name) {
        "1" => Some(true),
        "0" => Some(false),
        _ => None,
    };
    let message = field(&fields, "message").trim();
    let message = (!message.is_empty()).then(|| message.to_owned());
    let scope = SettingScope::parse(field(&fields, "scope")).unwrap_or(SettingScope::Site);
    if scope != SettingScope::Site {
        let settings = ScopeSettings {
            pre_moderated: choice("pre_moderated"),
            closed: choice("closed"),
            message,
        };
        let id = field(&fields, "scope_id").parse().unwrap_or(-1);
        return match moderation::update_settings(&app, &moderator, scope, id, &settings, None).await
        {
            Ok(()) => back_anywhere(lang, &fields),
            Err(error) => error_page(&app, lang, &error.into()),
        };
    }
    let result = async {
        let policy = PolicySettings {
            suspect_action: if field(&fields, "suspect_action") == "flag" {
                SuspectAction::Flag
            } else {
                SuspectAction::Hold
            },
            hold_links: field(&fields, "hold_links") == "1",
            new_commenter_approvals: number("new_commenter_approvals")?,
            rejection_rate_percent: number("rejection_rate_percent")?,
            rejection_rate_min_comments: number("rejection_rate_min_comments")?,
        };
        let site = ScopeSettings {
            pre_moderated: Some(field(&fields, "pre_moderated") == "1"),
            closed: Some(field(&fields, "closed") == "1"),
            message,
        };
        moderation::update_settings(
            &app,
            &moderator,
            SettingScope::Site,
            0,
            &site,
            Some(&policy),
        )
        .await
    };
    match result.await {
        Ok(()) => back(lang, &fields),
        Err(error) => error_page(&app, lang, &error.into()),
    }
}

/// `GET /{lang}/moderate/live`: hints for open queues.
pub async fn live(
    State(app): AppState,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    viewer: Viewer,
) -> Response {
    let lang = path.map(|Path(l)| l).unwrap_or_default();
    match signed_in_moderator(&app, &lang, &headers, &viewer).await {
        Ok(_) => crate::public::live::moderator_events(&app),
        Err(response) => *response,
    }
}

/// `POST /{lang}/account/warning`: the reader acknowledges a warning.
pub async fn acknowledge_warning(
    State(app): AppState,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    viewer: Viewer,
    form: Result<Form<Fields>, FormRejection>,
) -> Response {
    let fallback = preferred_language(&app, &headers);
    let Some(lang) = path.ok().and_then(|Path(l)| app.lang(&l)) else {
        return error_page(&app, fallback, &PageError::NotFound);
    };
    let Some(session) = &viewer.session else {
        return error_page(&app, lang, &PageError::Forbidden);
    };
    let fields = match crate::http::forms::checked(&app, &headers, &viewer, form) {
        Ok(fields) => fields,
        Err(error) => return error_page(&app, lang, &error),
    };
    if let Err(error) = app.store.acknowledge_warning(session.account.id).await {
        return error_page(&app, lang, &error.into());
    }
    back_anywhere(lang, &fields)
}

/// `POST /{lang}/moderate/undo`: undoes the decisions named in
/// `decisions` (comma-separated), then back to the page, saying so.
pub async fn undo(
    State(app): AppState,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    viewer: Viewer,
    form: Result<Form<Fields>, FormRejection>,
) -> Response {
    let lang = path.map(|Path(l)| l).unwrap_or_default();
    let (lang, moderator, fields) = match form_moderator(&app, &lang, &headers, &viewer, form).await
    {
        Ok(found) => found,
        Err(response) => return *response,
    };
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
