//! The front page desk (`/{lang}/admin/front?edition=ar`): editors pick
//! the lead and the top stories of each language's front page, order them
//! with up and down buttons (a plain form; `front.js` adds dragging), keep
//! each until a time, and set a breaking-news banner that expires.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use jiff::Timestamp;
use khabar_app::front::{BreakingRequest, FrontDesk, MAX_BREAKING_CHARS};
use khabar_core::Lang;
use khabar_store::{FRONT_SLOTS, ListFilter};
use minijinja::context;

use super::{
    Desk, Fields, after, desk_chrome, from_local_input, language_choice, local_input, refusal,
};
use crate::extract::{CheckedForm, Params};
use crate::http::forms::field;
use crate::theme::page::{render, respond};
use crate::{App, PageError};

/// Recent stories offered to pick from.
const OFFERED: u32 = 40;

pub(super) async fn show(
    State(app): State<Arc<App>>,
    desk: Desk,
    Params(query): Params,
) -> Response {
    respond(&app, desk.lang, front_page(&app, &desk, &query).await)
}

/// The language whose front page is arranged: `?edition=`, else the desk's.
fn front_lang(app: &App, desk: &Desk, asked: Option<&str>) -> Lang {
    asked.and_then(|code| app.lang(code)).unwrap_or(desk.lang)
}

async fn front_page(
    app: &App,
    desk: &Desk,
    query: &HashMap<String, String>,
) -> Result<Response, PageError> {
    let lang = front_lang(app, desk, query.get("edition").map(String::as_str));
    let now = Timestamp::now();
    let may_curate = FrontDesk::may_curate(desk.role);
    let plan = if may_curate {
        FrontDesk::new(app, &desk.account).plan(lang).await?
    } else {
        khabar_store::FrontPlan::default()
    };
    let recent = app
        .store
        .published(lang, ListFilter::Latest, 1, OFFERED)
        .await?
        .items;
    let picked_ids: Vec<i64> = plan.picks.iter().map(|p| p.edition_id).collect();
    let picked = app.store.summaries(lang, &picked_ids).await?;
    let mut picks = Vec::new();
    let mut expired = Vec::new();
    for pick in &plan.picks {
        let Some(story) = picked.iter().find(|s| s.id == pick.edition_id) else {
            // Unpublished since: it no longer shows and is dropped on save.
            continue;
        };
        if pick.pinned_until.is_some_and(|until| until <= now) {
            expired.push(story.headline.clone());
        } else {
            picks.push(context! {
                id => story.id,
                headline => &story.headline,
                has_image => story.hero_image.is_some(),
                until => pick.pinned_until.map(|t| local_input(app, t)).unwrap_or_default(),
            });
        }
    }
    let offered: Vec<_> = recent
        .iter()
        .filter(|s| !picked_ids.contains(&s.id))
        .map(|s| context! { id => s.id, headline => &s.headline, has_image => s.hero_image.is_some() })
        .collect();
    let breaking = plan
        .breaking
        .as_ref()
        .filter(|b| b.expires_at > now)
        .map(|b| {
            context! {
                text => &b.text,
                edition_id => b.edition_id,
                until => local_input(app, b.expires_at),
            }
        });
    let languages: Vec<_> = app
        .languages()
        .into_iter()
        .map(|l| language_choice(app, desk, l))
        .collect();
    let chrome = desk_chrome(app, desk, &format!("/front?edition={lang}")).await?;
    render(
        app,
        "admin/front.html",
        desk.lang,
        chrome,
        context! {
            current => "front",
            may_curate => may_curate,
            front_lang => language_choice(app, desk, lang),
            languages => languages,
            picks => picks,
            expired => expired,
            offered => offered,
            recent => recent.iter().map(|s| context! { id => s.id, headline => &s.headline }).collect::<Vec<_>>(),
            breaking => breaking,
            slots => FRONT_SLOTS,
            max_breaking => MAX_BREAKING_CHARS,
            error => refusal(app, desk.lang, query.get("error").map(String::as_str)),
            saved => query.contains_key("saved"),
            moved => query.get("moved").and_then(|n| n.parse::<usize>().ok()),
            moved_by => query.get("by").filter(|by| *by == "up" || *by == "down"),
        },
    )
}

/// `POST /{lang}/admin/front`: the picks in the order sent (`pick` and
/// `until`, one pair a row), changed by the button pressed (`op`: `up-N`,
/// `down-N`, `remove-N`, `add`, `clear-breaking`, or `save`).
pub(super) async fn save(
    State(app): State<Arc<App>>,
    desk: Desk,
    CheckedForm(fields, ..): CheckedForm,
) -> Response {
    let lang = front_lang(&app, &desk, Some(field(&fields, "edition")));
    let to = format!("/{}/admin/front?edition={lang}", desk.lang);
    let outcome = async {
        let (picks, breaking) = arrangement(&app, &fields)?;
        FrontDesk::new(&app, &desk.account)
            .arrange(lang, picks, breaking)
            .await?;
        Ok(())
    }
    .await;
    match outcome {
        // A story moved by a button keeps the keyboard's focus on the
        // page that comes back (the script moves it without a reload).
        Ok(()) => match moved(&fields) {
            Some((row, by)) => after(&format!("{to}&saved&moved={row}&by={by}"), Ok(())),
            None => after(&format!("{to}&saved"), Ok(())),
        },
        Err(error) => after(&to, Err(error)),
    }
}

/// Where an up or down button moved a story: (its new row, "up" or "down").
fn moved(fields: &Fields) -> Option<(usize, &'static str)> {
    let rows = values(fields, "pick").len();
    let op = field(fields, "op");
    if let Some(n) = op.strip_prefix("up-").and_then(|n| n.parse::<usize>().ok()) {
        return (n > 0 && n < rows).then(|| (n - 1, "up"));
    }
    let n: usize = op.strip_prefix("down-")?.parse().ok()?;
    (n + 1 < rows).then_some((n + 1, "down"))
}

type Picks = Vec<(i64, Option<Timestamp>)>;

fn arrangement(app: &App, fields: &Fields) -> Result<(Picks, Option<BreakingRequest>), PageError> {
    let bad = || PageError::BadRequest("unreadable front page form".into());
    let ids: Vec<&str> = values(fields, "pick");
    let untils: Vec<&str> = values(fields, "until");
    if ids.len() != untils.len() {
        return Err(bad());
    }
    let mut picks: Picks = Vec::with_capacity(ids.len() + 1);
    for (id, until) in ids.iter().zip(&untils) {
        let id: i64 = id.parse().map_err(|_| bad())?;
        let until = match until.trim() {
            "" => None,
            text => Some(from_local_input(app, text).ok_or(PageError::Rejected("bad_time"))?),
        };
        picks.push((id, until));
    }
    let op = field(fields, "op");
    let row = |prefix: &str| -> Option<usize> {
        op.strip_prefix(prefix)?
            .parse()
            .ok()
            .filter(|n| *n < picks.len())
    };
    if let Some(n) = row("up-") {
        if n > 0 {
            picks.swap(n, n - 1);
        }
    } else if let Some(n) = row("down-") {
        if n + 1 < picks.len() {
            picks.swap(n, n + 1);
        }
    } else if let Some(n) = row("remove-") {
        picks.remove(n);
    } else if op == "add" {
        let id: i64 = field(fields, "add").parse().map_err(|_| bad())?;
        let place = field(fields, "add_at");
        if place == "lead" {
            picks.insert(0, (id, None));
        } else {
            picks.push((id, None));
        }
    }
    let text = field(fields, "breaking_text").trim();
    let breaking = if op == "clear-breaking" || text.is_empty() {
        None
    } else {
        let until = from_local_input(app, field(fields, "breaking_until"))
            .ok_or(PageError::Rejected("bad_time"))?;
        Some(BreakingRequest {
            text: text.to_owned(),
            edition_id: field(fields, "breaking_link").parse().ok(),
            expires_at: until,
        })
    };
    Ok((picks, breaking))
}

fn values<'a>(fields: &'a Fields, name: &str) -> Vec<&'a str> {
    fields
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .collect()
}
