//! Site settings (`/{lang}/admin/settings`): the names, default language,
//! time zone, comment defaults and feed content admins change from the
//! browser, laid over the configuration file's, and the site's icon.
//! Languages and the address stay with the operator's file; moderation
//! has its own screen.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use khabar_core::newsroom::may_manage_people;
use khabar_core::{FeedContent, SiteOverrides, SiteSettings};
use minijinja::{Value, context};

use super::{Desk, Fields, after, desk_chrome, refusal};
use crate::extract::{CheckedForm, Params};
use crate::http::csrf;
use crate::http::forms::field;
use crate::theme::page::{render, respond};
use crate::{App, PageError};
use khabar_app::newsroom::{ICONS, Newsroom};

pub(super) async fn show(
    State(app): State<Arc<App>>,
    desk: Desk,
    Params(query): Params,
) -> Response {
    respond(&app, desk.lang, settings_page(&app, &desk, &query).await)
}

async fn settings_page(
    app: &App,
    desk: &Desk,
    query: &HashMap<String, String>,
) -> Result<Response, PageError> {
    let site = app.site();
    let languages: Vec<Value> = site
        .languages
        .iter()
        .map(|l| {
            context! {
                code => l.code.as_str(),
                dir => l.dir.as_str(),
                name => app.i18n.message(desk.lang, &format!("admin-language-{}", l.code), None),
                site_name => site.name_in(l.code),
            }
        })
        .collect();
    let zones: Vec<String> = jiff::tz::db()
        .available()
        .map(|name| name.to_string())
        .collect();
    let chrome = desk_chrome(app, desk, "/settings").await?;
    render(
        app,
        "admin/settings.html",
        desk.lang,
        chrome,
        context! {
            current => "settings",
            may_edit => may_manage_people(desk.role),
            site => &*site,
            icon => app.settings.icon().map(|stem| format!("/media/{ICONS}/{stem}-192.png")),
            languages => languages,
            zones => zones,
            error => refusal(app, desk.lang, query.get("error").map(String::as_str)),
            saved => query.contains_key("saved"),
        },
    )
}

/// `POST /{lang}/admin/settings`: admins only. Values equal to the
/// configuration file's are not stored, so the file stays in charge of
/// whatever nobody changed.
pub(super) async fn save(
    State(app): State<Arc<App>>,
    desk: Desk,
    CheckedForm(fields, ..): CheckedForm,
) -> Response {
    let outcome = async {
        let overrides = overrides_from(app.settings.file(), &fields)?;
        Newsroom::new(&app, &desk.account)
            .update_site_settings(&overrides)
            .await?;
        Ok(())
    }
    .await;
    let to = format!("/{}/admin/settings", desk.lang);
    match outcome {
        Ok(()) => after(&format!("{to}?saved"), Ok(())),
        Err(error) => after(&to, Err(error)),
    }
}

/// `POST /{lang}/admin/settings/icon` (`multipart/form-data`): admins
/// give the site's icon as one image in `file`, or go back to the theme's
/// with `remove`; the CSRF token comes as a field as in every form.
pub(super) async fn save_icon(
    State(app): State<Arc<App>>,
    desk: Desk,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let to = format!("/{}/admin/settings", desk.lang);
    let outcome = async {
        let unreadable = || PageError::BadRequest("unreadable form".into());
        let mut multipart = multipart.map_err(|_| unreadable())?;
        let (mut token, mut file, mut remove) = (String::new(), None, false);
        while let Some(part) = multipart.next_field().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                PageError::Rejected("file_too_large")
            } else {
                unreadable()
            }
        })? {
            match part.name().unwrap_or_default() {
                "csrf_token" => token = part.text().await.map_err(|_| unreadable())?,
                "remove" => remove = true,
                "file" => {
                    let too_large = |_| PageError::Rejected("file_too_large");
                    file = Some(part.bytes().await.map_err(too_large)?);
                }
                _ => {}
            }
        }
        if !csrf::same_site(&app, &headers) || !csrf::token_matches(&desk.viewer, &token) {
            return Err(PageError::Forbidden);
        }
        let newsroom = Newsroom::new(&app, &desk.account);
        match file.filter(|f| !f.is_empty()) {
            _ if remove => newsroom.remove_site_icon().await?,
            Some(file) => newsroom.set_site_icon(file.to_vec()).await?,
            None => return Err(PageError::Rejected("icon_required")),
        }
        Ok(())
    }
    .await;
    match outcome {
        Ok(()) => after(&format!("{to}?saved#site-icon"), Ok(())),
        Err(error) => after(&format!("{to}#site-icon"), Err(error)),
    }
}

/// The form's values that differ from the file's.
fn overrides_from(file: &SiteSettings, fields: &Fields) -> Result<SiteOverrides, PageError> {
    let number = |name: &'static str| -> Result<Option<u32>, PageError> {
        match field(fields, name).trim() {
            "" => Ok(None),
            text => text
                .parse()
                .map(Some)
                .map_err(|_| PageError::Rejected("out_of_range")),
        }
    };
    let differs = |value: Option<u32>, current: u32| value.filter(|v| *v != current);
    let mut overrides = SiteOverrides::default();
    for language in &file.languages {
        let name = field(fields, &format!("name_{}", language.code)).trim();
        if !name.is_empty() && name != file.name_in(language.code) {
            overrides.name.insert(language.code, name.to_owned());
        }
    }
    overrides.default_language = file
        .languages
        .iter()
        .map(|l| l.code)
        .find(|code| code.as_str() == field(fields, "default_language"))
        .filter(|code| *code != file.default_language);
    let zone = field(fields, "time_zone").trim();
    overrides.time_zone = (!zone.is_empty() && zone != file.time_zone).then(|| zone.to_owned());
    overrides.comment_edit_minutes =
        differs(number("comment_edit_minutes")?, file.comment_edit_minutes);
    overrides.comments_close_after_days = differs(
        number("comments_close_after_days")?,
        file.comments_close_after_days.unwrap_or(0),
    );
    overrides.comment_max_chars = differs(number("comment_max_chars")?, file.comment_max_chars);
    overrides.comment_max_links = differs(number("comment_max_links")?, file.comment_max_links);
    overrides.comments_per_minute =
        differs(number("comments_per_minute")?, file.comments_per_minute);
    let feed_content = match field(fields, "feed_content") {
        "summary" => FeedContent::Summary,
        _ => FeedContent::Full,
    };
    overrides.feed_content = (feed_content != file.feed_content).then_some(feed_content);
    Ok(overrides)
}
