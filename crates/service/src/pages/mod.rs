//! The pages: one module per part of the service, each handler taking the [`Visitor`] the gate
//! admitted. Templates are askama's, compiled with the binary and escaped by default.

pub mod account;
pub mod analysis;
pub mod audit;
pub mod calls;
pub mod returns;
pub mod users;

use crate::app::App;
use crate::error::Failure;
use crate::gate::{Visitor, see_other};
use crate::roles::Role;
use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use std::sync::Arc;

/// What every page shows around its content.
pub struct Chrome {
    /// Menu links: (address, label).
    pub nav: Vec<(String, String)>,
    /// Who is signed in; empty when nobody.
    pub who: String,
    pub csrf: String,
}

impl Chrome {
    pub fn of(visitor: &Visitor) -> Chrome {
        let mut nav = Vec::new();
        let signed_in = visitor.user.is_some() && visitor.stage == "full";
        if signed_in {
            let mut add = |to: &str, label: &str| nav.push((to.to_string(), label.to_string()));
            if visitor.has(Role::Submitter) || visitor.has(Role::Signatory) {
                add("/returns", "Returns");
            }
            if visitor.has(Role::Analyst) {
                add("/calls", "Data calls");
            }
            if visitor.has(Role::Analyst) || visitor.has(Role::Publisher) {
                add("/analysis", "Analysis");
            }
            if visitor.has(Role::Admin) || visitor.has(Role::Approver) {
                add("/users", "Users");
            }
            if visitor.has(Role::Auditor) {
                add("/audit", "Audit log");
            }
            add("/account", "Your account");
        }
        Chrome {
            nav,
            who: if signed_in {
                visitor.who()
            } else {
                String::new()
            },
            csrf: visitor.csrf.clone(),
        }
    }

    fn bare() -> Chrome {
        Chrome {
            nav: Vec::new(),
            who: String::new(),
            csrf: String::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "problem.html")]
struct ProblemPage<'a> {
    chrome: Chrome,
    title: &'a str,
    body: &'a str,
}

/// A page that says what went wrong and what to do.
pub fn problem_page(title: &str, body: &str) -> String {
    ProblemPage {
        chrome: Chrome::bare(),
        title,
        body,
    }
    .render()
    .unwrap_or_else(|_| title.to_string())
}

/// A rendered page.
pub fn page(template: &impl Template) -> Result<Response, Failure> {
    Ok(Html(template.render()?).into_response())
}

/// A rendered form page: 422 when it shows errors (the form was not accepted), else 200.
pub fn form_page(template: &impl Template, has_errors: bool) -> Result<Response, Failure> {
    let mut response = page(template)?;
    if has_errors {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

const CSS: &[u8] = include_bytes!("../../assets/govuk-frontend.min.css");
const JS: &[u8] = include_bytes!("../../assets/govuk-frontend.min.js");
const INIT: &[u8] = include_bytes!("../../assets/init.js");
const OWN_CSS: &[u8] = include_bytes!("../../assets/sightline.css");

/// The service's static files, from the binary.
pub async fn asset(Path(file): Path<String>) -> Response {
    let (body, kind) = match file.as_str() {
        "govuk-frontend.min.css" => (CSS, "text/css; charset=utf-8"),
        "sightline.css" => (OWN_CSS, "text/css; charset=utf-8"),
        "govuk-frontend.min.js" => (JS, "text/javascript; charset=utf-8"),
        "init.js" => (INIT, "text/javascript; charset=utf-8"),
        _ => return Failure::NotFound.into_response(),
    };
    let mut response = (StatusCode::OK, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    response
}

/// The start: each user to the part of the service their role uses.
pub async fn home(Extension(visitor): Extension<Visitor>) -> Response {
    let to = if visitor.has(Role::Analyst) {
        "/calls"
    } else if visitor.has(Role::Submitter) || visitor.has(Role::Signatory) {
        "/returns"
    } else if visitor.has(Role::Admin) || visitor.has(Role::Approver) {
        "/users"
    } else if visitor.has(Role::Publisher) {
        "/analysis"
    } else if visitor.has(Role::Auditor) {
        "/audit"
    } else {
        "/account"
    };
    see_other(to)
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    chrome: Chrome,
    name: String,
    email: String,
    agency: String,
    roles: Vec<&'static str>,
    codes_left: i64,
}

pub async fn account(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
) -> Result<Response, Failure> {
    let user = visitor.user()?.clone();
    let user_id = user.user_id;
    let codes_left = app
        .read(move |db| sightline_store::collection::recovery_codes_left(db, user_id))
        .await?;
    page(&AccountPage {
        chrome: Chrome::of(&visitor),
        name: user.name.clone(),
        email: user.email.clone(),
        agency: if user.agency_id.is_empty() {
            "National team".to_string()
        } else {
            user.agency_id.clone()
        },
        roles: visitor.roles.iter().map(|r| r.label()).collect(),
        codes_left,
    })
}
