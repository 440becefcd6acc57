//! The story list (`GET /{lang}/admin/stories`), narrowed like
//! `listStories`, and starting a story (`/{lang}/admin/stories/new`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use khabar_core::{CommentMode, EditionContent, EditionInput};
use khabar_store::NewsroomEdition;
use minijinja::{Value, context};

use super::{Desk, after, desk_chrome, language_choice, language_table, optional_id, refusal};
use crate::extract::{CheckedForm, Params};
use crate::http::forms::field;
use crate::theme::page::{render, respond};
use crate::{App, PageError};
use khabar_app::newsroom::{Newsroom, StoryDraft};
use khabar_app::query::list_filter;

/// Stories per page (each with all its editions).
const PER_PAGE: u32 = 30;

type AppState = State<Arc<App>>;

pub(super) async fn list(State(app): AppState, desk: Desk, Params(query): Params) -> Response {
    respond(&app, desk.lang, list_page(&app, &desk, &query).await)
}

async fn list_page(
    app: &App,
    desk: &Desk,
    query: &HashMap<String, String>,
) -> Result<Response, PageError> {
    let filter = list_filter(query)?;
    let page = query
        .get("page")
        .and_then(|p| p.parse::<u32>().ok())
        .unwrap_or(1)
        .clamp(1, 10_000);
    let found = Newsroom::new(app, &desk.account)
        .story_list(&filter, page, PER_PAGE)
        .await?;
    let page_link = |page: u32| {
        let mut pairs: Vec<String> = ["status", "lang", "section", "author", "q"]
            .iter()
            .filter_map(|name| {
                let value = query.get(*name).filter(|v| !v.is_empty())?;
                Some(format!(
                    "{name}={}",
                    percent_encoding::utf8_percent_encode(
                        value,
                        percent_encoding::NON_ALPHANUMERIC
                    )
                ))
            })
            .collect();
        pairs.push(format!("page={page}"));
        format!("/{}/admin/stories?{}", desk.lang, pairs.join("&"))
    };
    let sections = section_choices(app, desk).await?;
    let authors: Vec<Value> = app
        .store
        .author_records()
        .await?
        .iter()
        .map(|a| context! { id => a.id, name => a.name_in(desk.lang) })
        .collect();
    let (languages, dirs) = language_table(app);
    let chrome = desk_chrome(app, desk, "/stories").await?;
    render(
        app,
        "admin/stories.html",
        desk.lang,
        chrome,
        context! {
            current => "stories",
            stories => by_story(found.items),
            dirs => dirs,
            sections => sections,
            authors => authors,
            languages => languages,
            filter => query,
            previous_page => (page > 1).then(|| page_link(page - 1)),
            next_page => found.has_more.then(|| page_link(page + 1)),
        },
    )
}

/// The page's editions grouped by story, in the order the first edition
/// of each story comes (the most recently changed), each group's editions
/// by language.
fn by_story(items: Vec<NewsroomEdition>) -> Vec<Value> {
    let mut groups: Vec<(i64, Vec<NewsroomEdition>)> = Vec::new();
    for item in items {
        match groups
            .iter_mut()
            .find(|(id, _)| *id == item.record.story_id)
        {
            Some((_, editions)) => editions.push(item),
            None => groups.push((item.record.story_id, vec![item])),
        }
    }
    groups
        .into_iter()
        .map(|(story_id, mut editions)| {
            editions.sort_by(|a, b| a.record.lang.as_str().cmp(b.record.lang.as_str()));
            let languages = editions
                .first()
                .map(|e| e.story_languages.clone())
                .unwrap_or_default();
            context! { story_id => story_id, editions => editions, languages => languages }
        })
        .collect()
}

/// Sections as `{id, name}` in the desk's language, in menu order, for
/// pickers and filters.
pub(super) async fn section_choices(app: &App, desk: &Desk) -> Result<Vec<Value>, PageError> {
    Ok(app
        .store
        .sections(desk.lang)
        .await?
        .into_iter()
        .map(|s| context! { id => s.id, name => s.name })
        .collect())
}

/// `GET /{lang}/admin/stories/new`: the first edition's language and
/// headline; the editor takes over from there.
pub(super) async fn new_story(State(app): AppState, desk: Desk, Params(query): Params) -> Response {
    let result = async {
        let chrome = desk_chrome(&app, &desk, "/stories/new").await?;
        let languages: Vec<Value> = app
            .languages()
            .into_iter()
            .map(|l| language_choice(&app, &desk, l))
            .collect();
        render(
            &app,
            "admin/new-story.html",
            desk.lang,
            chrome,
            context! {
                current => "new",
                languages => languages,
                sections => section_choices(&app, &desk).await?,
                error => refusal(&app, desk.lang, query.get("error").map(String::as_str)),
            },
        )
    }
    .await;
    respond(&app, desk.lang, result)
}

/// `POST /{lang}/admin/stories`: creates the story and opens its editor.
pub(super) async fn create(
    State(app): AppState,
    desk: Desk,
    CheckedForm(fields, ..): CheckedForm,
) -> Response {
    let created = async {
        let edition_lang = app
            .lang(field(&fields, "edition_lang"))
            .ok_or(PageError::Rejected("unknown_language"))?;
        let content = EditionContent::parse(EditionInput {
            headline: field(&fields, "headline").to_owned(),
            comment_mode: CommentMode::default(),
            ..EditionInput::default()
        })?;
        let record = Newsroom::new(&app, &desk.account)
            .create_story(StoryDraft {
                section_id: optional_id(&fields, "section_id"),
                tag_ids: Vec::new(),
                hero_image: None,
                lang: edition_lang,
                content,
                author_ids: Vec::new(),
            })
            .await?;
        Ok::<_, PageError>(record.id)
    }
    .await;
    match created {
        Ok(id) => {
            let to = format!("/{}/admin/stories/{id}", desk.lang);
            (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response()
        }
        Err(error) => after(&format!("/{}/admin/stories/new", desk.lang), Err(error)),
    }
}
