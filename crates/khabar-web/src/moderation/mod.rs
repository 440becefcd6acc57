//! The moderators' screens: queues, a reader's record, settings, word
//! lists and the audit log in words.

pub(crate) mod log;
pub(crate) mod pages;
pub(crate) mod search;
pub(crate) mod settings;

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::Response;
use khabar_app::moderation::{self, Moderator};
use khabar_core::Lang;
use khabar_store::SessionRecord;

use crate::App;
use crate::extract::{Html, SignedIn};
use crate::http::session::Viewer;
use crate::theme::page::error_page;

/// A signed-in moderator (or admin) at work in the screens of the path's
/// `{lang}`, with the sections they look after. As an extractor it
/// answers for the handler when there is none: sign-in for strangers, 403
/// for readers and writers, 404 for an unknown language.
pub(crate) struct Moderating {
    pub lang: Lang,
    pub session: SessionRecord,
    pub moderator: Moderator,
    pub viewer: Viewer,
}

impl FromRequestParts<Arc<App>> for Moderating {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Response> {
        let SignedIn {
            lang,
            session,
            viewer,
            ..
        } = SignedIn::<Html>::from_request_parts(parts, app).await?;
        match moderation::moderator(app, &session.account).await {
            Ok(moderator) => Ok(Moderating {
                lang,
                session,
                moderator,
                viewer,
            }),
            Err(error) => Err(error_page(app, lang, &error.into())),
        }
    }
}
