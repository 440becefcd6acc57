//! The moderators' settings screen: the site's pipeline policy, section
//! and story settings, and the word lists.

use super::Moderating;
use crate::extract::CheckedForm;
use crate::http::forms::{Fields, field};
use crate::theme::page::{chrome, error_page, render};
use crate::{App, PageError};
use axum::extract::State;
use axum::response::Response;
use khabar_app::moderation::{self, ModerationError};
use khabar_core::moderation::{
    ListKind, PolicySettings, ScopeSettings, SettingScope, SuspectAction, WordListEntry,
};
use khabar_core::{InvalidInput, Lang};
use khabar_text::wordlist::MatchMode;
use minijinja::context;
use std::sync::Arc;

use crate::moderation::pages::{back, back_anywhere, paths};

type AppState = State<Arc<App>>;

/// `GET /{lang}/moderate/settings`: word lists and the site's policy.
pub(crate) async fn settings(State(app): AppState, on: Moderating) -> Response {
    let page = settings_page(&app, &on).await;
    page.unwrap_or_else(|e| error_page(&app, on.lang, &e))
}

async fn settings_page(app: &App, on: &Moderating) -> Result<Response, PageError> {
    let (lang, moderator) = (on.lang, &on.moderator);
    let rows = moderation::list_word_lists(app, moderator).await?;
    // Site-wide settings are for moderators of every section; a failure to
    // read them is an error page, never defaults that a save would write
    // over the real settings.
    let site_wide = if moderator.sections.is_empty() {
        Some(moderation::settings(app, moderator, SettingScope::Site, 0).await?)
    } else {
        None
    };
    let (policy, site) = site_wide.unzip();
    let this = format!("/{lang}/moderate/settings");
    let chrome = chrome(app, lang, &on.viewer, paths(app, "/settings"), None, this).await?;
    render(
        app,
        "moderate-settings.html",
        lang,
        chrome,
        context! {
            lists => word_list_texts(app, &rows),
            policy => policy,
            site => site,
            csrf_token => &on.session.csrf_token,
            may_edit => site.is_some(),
            sections => section_settings(app, lang, moderator).await?,
        },
    )
}

/// Each language's banned and suspect lists as their textareas hold them:
/// one term a line, marked by its mode (`MatchMode::line`).
fn word_list_texts(app: &App, rows: &[khabar_store::WordListRow]) -> Vec<minijinja::Value> {
    let mut lists = Vec::new();
    for list_lang in app.languages() {
        for list in [ListKind::Banned, ListKind::Suspect] {
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
    lists
}

/// The settings of each section the moderator looks after.
async fn section_settings(
    app: &App,
    lang: Lang,
    moderator: &moderation::Moderator,
) -> Result<Vec<minijinja::Value>, PageError> {
    let mut sections = Vec::new();
    for section in app.store.sections(lang).await? {
        if moderator.covers(Some(section.id)) {
            let settings = app
                .store
                .scope_settings(SettingScope::Section, section.id)
                .await?;
            sections
                .push(context! { id => section.id, name => section.name, settings => settings });
        }
    }
    Ok(sections)
}

/// `POST /{lang}/moderate/word-lists`: one list from its textarea.
pub(crate) async fn save_word_list(
    State(app): AppState,
    on: Moderating,
    CheckedForm(fields, ..): CheckedForm,
) -> Response {
    let Moderating {
        lang, moderator, ..
    } = on;
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
pub(crate) async fn save_settings(
    State(app): AppState,
    on: Moderating,
    CheckedForm(fields, ..): CheckedForm,
) -> Response {
    let Moderating {
        lang, moderator, ..
    } = on;
    let scope = SettingScope::parse(field(&fields, "scope")).unwrap_or(SettingScope::Site);
    if scope != SettingScope::Site {
        let settings = scope_settings_of(&fields);
        let id = field(&fields, "scope_id").parse().unwrap_or(-1);
        return match moderation::update_settings(&app, &moderator, scope, id, &settings, None).await
        {
            Ok(()) => back_anywhere(lang, &fields),
            Err(error) => error_page(&app, lang, &error.into()),
        };
    }
    let site = ScopeSettings {
        pre_moderated: Some(field(&fields, "pre_moderated") == "1"),
        closed: Some(field(&fields, "closed") == "1"),
        message: settings_message(&fields),
    };
    let saved = match policy_of(&fields) {
        Ok(policy) => {
            let scope = SettingScope::Site;
            moderation::update_settings(&app, &moderator, scope, 0, &site, Some(&policy)).await
        }
        Err(error) => Err(error),
    };
    match saved {
        Ok(()) => back(lang, &fields),
        Err(error) => error_page(&app, lang, &error.into()),
    }
}

/// A section's or story's settings from their form: each says yes, no,
/// or nothing (inherit: "").
fn scope_settings_of(fields: &Fields) -> ScopeSettings {
    let choice = |name: &str| match field(fields, name) {
        "1" => Some(true),
        "0" => Some(false),
        _ => None,
    };
    ScopeSettings {
        pre_moderated: choice("pre_moderated"),
        closed: choice("closed"),
        message: settings_message(fields),
    }
}

/// The message shown above a thread, when one was typed.
fn settings_message(fields: &Fields) -> Option<String> {
    let message = field(fields, "message").trim();
    (!message.is_empty()).then(|| message.to_owned())
}

/// The site's moderation policy from its form.
fn policy_of(fields: &Fields) -> Result<PolicySettings, ModerationError> {
    let number = |name: &'static str| -> Result<u32, ModerationError> {
        field(fields, name)
            .trim()
            .parse()
            .map_err(|_| InvalidInput::new(name, "invalid_number", "a whole number").into())
    };
    Ok(PolicySettings {
        suspect_action: if field(fields, "suspect_action") == "flag" {
            SuspectAction::Flag
        } else {
            SuspectAction::Hold
        },
        hold_links: field(fields, "hold_links") == "1",
        new_commenter_approvals: number("new_commenter_approvals")?,
        rejection_rate_percent: number("rejection_rate_percent")?,
        rejection_rate_min_comments: number("rejection_rate_min_comments")?,
    })
}
