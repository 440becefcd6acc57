//! The site's own pages (`/{lang}/admin/pages?page=about`): About,
//! Contact, Privacy, Terms and the corrections policy, written by editors
//! in every language of the site, in Markdown as stories are.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use khabar_app::front::{FrontDesk, STATIC_PAGES};
use minijinja::context;

use super::{Desk, after, desk_chrome, language_choice, refusal};
use crate::extract::{CheckedForm, Params};
use crate::http::forms::field;
use crate::theme::page::{render, respond};
use crate::{App, PageError};

pub(super) async fn show(
    State(app): State<Arc<App>>,
    desk: Desk,
    Params(query): Params,
) -> Response {
    respond(&app, desk.lang, pages_page(&app, &desk, &query).await)
}

async fn pages_page(
    app: &App,
    desk: &Desk,
    query: &HashMap<String, String>,
) -> Result<Response, PageError> {
    let asked = query.get("page").map(String::as_str).unwrap_or("about");
    let page = STATIC_PAGES
        .iter()
        .find(|p| **p == asked)
        .ok_or(PageError::NotFound)?;
    let may_write = FrontDesk::may_curate(desk.role);
    let written = if may_write {
        FrontDesk::new(app, &desk.account).pages().await?
    } else {
        Vec::new()
    };
    let languages: Vec<_> = app.languages();
    let list: Vec<_> = STATIC_PAGES
        .iter()
        .map(|p| {
            context! {
                page => p,
                written => languages
                    .iter()
                    .filter(|l| written.iter().any(|w| w.page == *p && w.lang == **l))
                    .map(|l| language_choice(app, desk, *l))
                    .collect::<Vec<_>>(),
            }
        })
        .collect();
    let editions: Vec<_> = languages
        .iter()
        .map(|l| {
            let text = written.iter().find(|w| w.page == *page && w.lang == *l);
            context! {
                language => language_choice(app, desk, *l),
                title => text.map(|t| t.title.clone()).unwrap_or_default(),
                body => text.map(|t| t.body.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let chrome = desk_chrome(app, desk, &format!("/pages?page={page}")).await?;
    render(
        app,
        "admin/pages.html",
        desk.lang,
        chrome,
        context! {
            current => "pages",
            may_write => may_write,
            page => page,
            pages => list,
            editions => editions,
            error => refusal(app, desk.lang, query.get("error").map(String::as_str)),
            saved => query.contains_key("saved"),
        },
    )
}

/// `POST /{lang}/admin/pages`: one page in one language (`page`,
/// `page_lang`, `title`, `body`); an empty title and body remove it.
pub(super) async fn save(
    State(app): State<Arc<App>>,
    desk: Desk,
    CheckedForm(fields, ..): CheckedForm,
) -> Response {
    let page = field(&fields, "page");
    let to = match STATIC_PAGES.iter().find(|p| **p == page) {
        Some(page) => format!("/{}/admin/pages?page={page}", desk.lang),
        None => format!("/{}/admin/pages", desk.lang),
    };
    let outcome = async {
        let lang = app
            .lang(field(&fields, "page_lang"))
            .ok_or(PageError::NotFound)?;
        FrontDesk::new(&app, &desk.account)
            .write_page(page, lang, field(&fields, "title"), field(&fields, "body"))
            .await?;
        Ok(())
    }
    .await;
    match outcome {
        Ok(()) => after(&format!("{to}&saved"), Ok(())),
        Err(error) => after(&to, Err(error)),
    }
}
