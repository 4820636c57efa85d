//! What does a refused or failed request get back? A page that says what happened and what to
//! do next, with the right status; an internal failure is logged with its cause and shown only
//! as "something went wrong" (its cause may quote data).

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

#[derive(Debug)]
pub enum Failure {
    /// Not signed in: go to the sign-in page.
    SignIn,
    /// Signed in without a role the page needs.
    Forbidden,
    /// No such page, or not one of this user's (another agency's return looks like no return).
    NotFound,
    /// The form's CSRF token or origin was wrong.
    Csrf,
    /// A body over the limit, in bytes.
    TooLarge(u64),
    /// A request that makes no sense, with what to do.
    BadRequest(String),
    /// Too many attempts from this address.
    TooMany,
    Internal(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Failure {
        Failure::Internal(error)
    }
}

impl From<sightline_store::StoreError> for Failure {
    fn from(error: sightline_store::StoreError) -> Failure {
        Failure::Internal(error.into())
    }
}

impl From<askama::Error> for Failure {
    fn from(error: askama::Error) -> Failure {
        Failure::Internal(error.into())
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let (status, title, body) = match self {
            Failure::SignIn => return Redirect::to("/sign-in").into_response(),
            Failure::Forbidden => (
                StatusCode::FORBIDDEN,
                "You do not have access to this page",
                "Your account does not have a role that allows this. Ask your administrator if you need it.".to_string(),
            ),
            Failure::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "If you typed the web address, check it is correct.".to_string(),
            ),
            Failure::Csrf => (
                StatusCode::FORBIDDEN,
                "The form could not be accepted",
                "The form was out of date or sent from another site. Go back, reload the page and try again. Your browser must accept cookies from this service.".to_string(),
            ),
            Failure::TooLarge(limit) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "The file is too large",
                format!("Files sent at once must be {} MB or smaller in all. Split the return into one file per table, or remove columns the template does not ask for.", limit / 1_000_000),
            ),
            Failure::BadRequest(what) => (StatusCode::BAD_REQUEST, "There is a problem", what),
            Failure::TooMany => (
                StatusCode::TOO_MANY_REQUESTS,
                "Too many attempts",
                "There have been too many sign-in attempts from your network. Wait 15 minutes and try again.".to_string(),
            ),
            Failure::Internal(error) => {
                eprintln!("sightline serve: internal error: {error:#}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Sorry, there is a problem with the service",
                    "Try again later. If it keeps happening, tell the national team what you were doing and when.".to_string(),
                )
            }
        };
        (status, Html(crate::pages::problem_page(title, &body))).into_response()
    }
}
