//! People and names (`GET /{lang}/admin/people`): accounts and their
//! roles (admins change them), and the sections, tags and bylines with
//! their names in every language (editors add them and rename sections).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use khabar_core::newsroom::{may_keep_sections, may_manage_people};
use khabar_core::{Lang, Role, Slug, Username};
use khabar_store::AuthorProfile;
use minijinja::{Value, context};

use super::{Desk, Fields, after, desk_chrome, language_choice, refusal};
use crate::extract::{CheckedForm, Id, Params};
use crate::http::forms::field;
use crate::theme::page::{render, respond};
use crate::{App, PageError};
use khabar_app::newsroom::Newsroom;

/// Accounts listed at once.
const USERS_PER_PAGE: u32 = 100;

const ROLES: [Role; 5] = [
    Role::Reader,
    Role::Moderator,
    Role::Author,
    Role::Editor,
    Role::Admin,
];

pub(super) async fn show(
    State(app): State<Arc<App>>,
    desk: Desk,
    Params(query): Params,
) -> Response {
    respond(&app, desk.lang, people_page(&app, &desk, &query).await)
}

async fn people_page(
    app: &App,
    desk: &Desk,
    query: &HashMap<String, String>,
) -> Result<Response, PageError> {
    let page = query
        .get("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1u32)
        .clamp(1, 10_000);
    let users = app.store.list_users(page, USERS_PER_PAGE).await?;
    let languages: Vec<Value> = app
        .languages()
        .into_iter()
        .map(|l| language_choice(app, desk, l))
        .collect();
    let chrome = desk_chrome(app, desk, "/people").await?;
    render(
        app,
        "admin/people.html",
        desk.lang,
        chrome,
        context! {
            current => "people",
            me => desk.account.id,
            users => users.items,
            next_page => users.has_more.then(|| page + 1),
            roles => ROLES.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
            manages_people => may_manage_people(desk.role),
            keeps_names => may_keep_sections(desk.role),
            languages => languages,
            sections => app.store.section_records().await?,
            tags => app.store.tag_records().await?,
            authors => app.store.author_records().await?,
            error => refusal(app, desk.lang, query.get("error").map(String::as_str)),
            renamed => query.contains_key("renamed"),
        },
    )
}

fn people_path(desk: &Desk) -> String {
    format!("/{}/admin/people", desk.lang)
}

/// `name_{lang}` fields, for each site language that has one.
fn names(app: &App, fields: &Fields) -> Vec<(Lang, String)> {
    app.languages()
        .into_iter()
        .filter_map(|lang| {
            let name = field(fields, &format!("name_{lang}")).trim();
            (!name.is_empty()).then(|| (lang, name.to_owned()))
        })
        .collect()
}

fn slug_of(fields: &Fields) -> Result<Slug, PageError> {
    Slug::parse(field(fields, "slug").trim()).map_err(PageError::from)
}

/// `POST /{lang}/admin/people/role`: an admin gives someone a role.
pub(super) async fn set_role(
    State(app): State<Arc<App>>,
    desk: Desk,
    CheckedForm(fields, ..): CheckedForm,
) -> Response {
    let outcome = async {
        let role = Role::parse(field(&fields, "role"))?;
        let key = Username::parse_for_staff(field(&fields, "username"))
            .map_err(|_| PageError::NotFound)?
            .key();
        let user_id = app
            .store
            .user_id_by_key(&key)
            .await?
            .ok_or(PageError::NotFound)?;
        Newsroom::new(&app, &desk.account)
            .set_role(user_id, role)
            .await?;
        Ok(())
    }
    .await;
    after(&people_path(&desk), outcome)
}

/// `POST /{lang}/admin/sections`.
pub(super) async fn create_section(
    State(app): State<Arc<App>>,
    desk: Desk,
    CheckedForm(fields, ..): CheckedForm,
) -> Response {
    create_named(&app, desk, fields, Named::Section).await
}

/// `POST /{lang}/admin/sections/{id}`: new names for a section; the
/// editor lands back on the list, told it was saved.
pub(super) async fn rename_section(
    State(app): State<Arc<App>>,
    desk: Desk,
    Id(section_id): Id,
    CheckedForm(fields, ..): CheckedForm,
) -> Response {
    let outcome = async {
        let mut names: Vec<khabar_store::Named> = names(&app, &fields)
            .into_iter()
            .map(|(lang, name)| khabar_store::Named { lang, name })
            .collect();
        // The form shows the site's languages only; names in others are
        // kept rather than dropped unseen.
        let shown = app.languages();
        let section = app
            .store
            .section_records()
            .await?
            .into_iter()
            .find(|s| s.id == section_id)
            .ok_or(PageError::NotFound)?;
        for (code, name) in section.names {
            if let Ok(lang) = Lang::parse(&code)
                && !shown.contains(&lang)
            {
                names.push(khabar_store::Named { lang, name });
            }
        }
        Newsroom::new(&app, &desk.account)
            .rename_section(section_id, &names, None)
            .await?;
        Ok(())
    }
    .await;
    let to = people_path(&desk);
    match outcome {
        Ok(()) => after(&format!("{to}?renamed#sections"), Ok(())),
        Err(error) => after(&format!("{to}#sections"), Err(error)),
    }
}

/// `POST /{lang}/admin/tags`.
pub(super) async fn create_tag(
    State(app): State<Arc<App>>,
    desk: Desk,
    CheckedForm(fields, ..): CheckedForm,
) -> Response {
    create_named(&app, desk, fields, Named::Tag).await
}

/// What a slug-and-names form makes.
enum Named {
    Section,
    Tag,
}

async fn create_named(app: &App, desk: Desk, fields: Fields, what: Named) -> Response {
    let outcome = async {
        let slug = slug_of(&fields)?;
        let names: Vec<khabar_store::Named> = names(app, &fields)
            .into_iter()
            .map(|(lang, name)| khabar_store::Named { lang, name })
            .collect();
        let newsroom = Newsroom::new(app, &desk.account);
        match what {
            Named::Section => newsroom.create_section(&slug, &names).await?,
            Named::Tag => newsroom.create_tag(&slug, &names).await?,
        };
        Ok(())
    }
    .await;
    after(&people_path(&desk), outcome)
}

/// `POST /{lang}/admin/authors`: a byline, optionally an account's.
pub(super) async fn create_author(
    State(app): State<Arc<App>>,
    desk: Desk,
    CheckedForm(fields, ..): CheckedForm,
) -> Response {
    let outcome = async {
        let profiles: Vec<AuthorProfile> = names(&app, &fields)
            .into_iter()
            .map(|(lang, name)| AuthorProfile {
                lang,
                name,
                bio: field(&fields, &format!("bio_{lang}")).trim().to_owned(),
            })
            .collect();
        let user_id = match field(&fields, "username").trim() {
            "" => None,
            name => {
                let key = Username::parse_for_staff(name)
                    .map_err(|_| PageError::Rejected("unknown_user"))?
                    .key();
                Some(
                    app.store
                        .user_id_by_key(&key)
                        .await?
                        .ok_or(PageError::Rejected("unknown_user"))?,
                )
            }
        };
        Newsroom::new(&app, &desk.account)
            .create_author(&slug_of(&fields)?, &profiles, user_id)
            .await?;
        Ok(())
    }
    .await;
    after(&people_path(&desk), outcome)
}
