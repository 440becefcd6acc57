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
use crate::App;
use crate::public::pages::{render, respond};

/// Items in each of the dashboard's lists.
const PER_LIST: u32 = 8;

pub async fn show(State(app): State<Arc<App>>, desk: Desk) -> Response {
    let result = async {
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
        let waiting = if desk.role.moderates() {
            // Narrowed to the moderator's sections, as their queue is.
            let moderator = khabar_app::moderation::moderator(&app, &desk.account).await?;
            let counts = app
                .store
                .queue_counts(&QueueFilter {
                    queue: Queue::Pending,
                    story_id: None,
                    section_id: None,
                    lang: None,
                    reason: None,
                    newest_first: false,
                    page: 1,
                    per_page: 1,
                    sections: moderator.sections,
                })
                .await?;
            Some(
                counts
                    .into_iter()
                    .filter(|(queue, _)| {
                        matches!(queue, Queue::Pending | Queue::Reported | Queue::Flagged)
                    })
                    .map(|(queue, count)| context! { queue => queue.as_str(), count => count })
                    .collect::<Vec<_>>(),
            )
        } else {
            None
        };
        let (languages, dirs) = language_table(&app);
        let chrome = desk_chrome(&app, &desk, "").await?;
        render(
            &app,
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
    .await;
    respond(&app, desk.lang, result)
}
