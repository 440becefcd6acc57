//! HTML forms of signed-in staff: their fields, the same-site and CSRF
//! check every state change passes, and where to go back to afterwards.

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::session::Viewer;
use crate::{App, PageError, csrf};

/// A form's fields in order; a name may repeat (checkboxes).
pub(crate) type Fields = Vec<(String, String)>;

/// The first value of `name`, or "".
pub(crate) fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// The fields of a state-changing form that came from this site with the
/// viewer's CSRF token.
pub(crate) fn checked(
    app: &App,
    headers: &HeaderMap,
    viewer: &Viewer,
    form: Result<Form<Fields>, FormRejection>,
) -> Result<Fields, PageError> {
    let Ok(Form(fields)) = form else {
        return Err(PageError::BadRequest("unreadable form".into()));
    };
    if !csrf::same_site(app, headers) || !csrf::token_matches(viewer, field(&fields, "csrf_token"))
    {
        return Err(PageError::Forbidden);
    }
    Ok(fields)
}

/// A 303 to the form's `back` field if it starts with `prefix` (never to
/// another site), else to `prefix`.
pub(crate) fn redirect_within(prefix: &str, fields: &Fields) -> Response {
    let to = field(fields, "back");
    let to = if to.starts_with(prefix) && !to.contains("//") && !to.contains('\\') {
        to.to_owned()
    } else {
        prefix.to_owned()
    };
    (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response()
}
