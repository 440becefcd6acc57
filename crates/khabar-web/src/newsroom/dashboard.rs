//! `GET /{lang}/admin`: what needs the newsroom now — drafts, what is
//! scheduled, what went out lately, comments waiting, and where readers
//! are talking.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use jiff::{SignedDuration, Timestamp};
use khabar_core::moderation::Queue;
use khabar_store::{NewsroomFilter, QueueFilter};
use minijinja::context;

use super::{Desk, desk_chrome, language_table};
use crate::theme::page::{render, respond};
use crate::{App, PageError};

/// Items in each of the dashboard's lists.
const PER_LIST: u32 = 8;

pub(super) async fn show(State(app): State<Arc<App>>, desk: Desk) -> Response {
    respond(&app, desk.lang, dashboard_page(&app, &desk).await)
}

async fn dashboard_page(app: &App, desk: &Desk) -> Result<Response, PageError> {
    let list = |status: khabar_core::EditionStatus| NewsroomFilter {
        status: Some(status),
        ..NewsroomFilter::default()
    };
    let drafts = app
        .store
        .newsroom_editions(&list(khabar_core::EditionStatus::Draft), 1, PER_LIST)
        .await?;
    let scheduled = app
        .store
        .newsroom_editions(&list(khabar_core::EditionStatus::Scheduled), 1, PER_LIST)
        .await?;
    let published = app
        .store
        .newsroom_editions(&list(khabar_core::EditionStatus::Published), 1, PER_LIST)
        .await?;
    let week_ago = Timestamp::now() - SignedDuration::from_hours(24 * 7);
    let discussed = app.store.most_discussed(week_ago, PER_LIST).await?;
    let waiting = waiting_counts(app, desk).await?;
    let (languages, dirs) = language_table(app);
    let chrome = desk_chrome(app, desk, "").await?;
    render(
        app,
        "admin/dashboard.html",
        desk.lang,
        chrome,
        context! {
            current => "dashboard",
            role => desk.role.as_str(),
            drafts => drafts.items,
            scheduled => scheduled.items,
            published => published.items,
            discussed => discussed,
            waiting => waiting,
            languages => languages,
            dirs => dirs,
        },
    )
}

/// The moderation queues' counts, for a desk member who moderates:
/// narrowed to their sections, as their queue is.
async fn waiting_counts(
    app: &App,
    desk: &Desk,
) -> Result<Option<Vec<minijinja::Value>>, PageError> {
    if !desk.role.moderates() {
        return Ok(None);
    }
    let moderator = khabar_app::moderation::moderator(app, &desk.account).await?;
    let counts = app
        .store
        .queue_counts(&QueueFilter {
            sections: moderator.sections,
            ..QueueFilter::everything()
        })
        .await?;
    Ok(Some(
        counts
            .into_iter()
            .filter(|(queue, _)| matches!(queue, Queue::Pending | Queue::Reported | Queue::Flagged))
            .map(|(queue, count)| context! { queue => queue.as_str(), count => count })
            .collect(),
    ))
}
