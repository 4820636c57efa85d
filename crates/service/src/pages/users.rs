//! Who may use the service: an administrator adds national and agency users; an agency's
//! approver adds and removes their own agency's. A new user (or one whose second factor was
//! reset) gets an invitation link, valid for 7 days and once, shown once to whoever made it.

use crate::app::App;
use crate::error::Failure;
use crate::gate::{Visitor, now};
use crate::pages::{Chrome, form_page};
use crate::roles::Role;
use crate::secrets;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::{Extension, Form};
use sightline_store::Action;
use sightline_store::collection::{self, NewUser, User};
use std::sync::Arc;

/// How long an invitation link works.
pub const INVITATION_SECONDS: i64 = 7 * 24 * 60 * 60;

pub struct UserRow {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub agency: String,
    pub roles: String,
    pub state: &'static str,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    chrome: Chrome,
    errors: Vec<(&'static str, String)>,
    rows: Vec<UserRow>,
    /// The agencies a new user may belong to: (id, name); the national team is "".
    agencies: Vec<(String, String)>,
    roles: Vec<(&'static str, &'static str)>,
    /// A link just made, shown once: (for whom, address).
    invited: Option<(String, String)>,
    admin: bool,
}

/// The agency whose users this visitor manages: `None` for an administrator (all).
fn scope(visitor: &Visitor) -> Result<Option<String>, Failure> {
    if visitor.has(Role::Admin) {
        Ok(None)
    } else {
        Ok(Some(visitor.user()?.agency_id.clone()))
    }
}

async fn render(
    app: &Arc<App>,
    visitor: &Visitor,
    errors: Vec<(&'static str, String)>,
    invited: Option<(String, String)>,
) -> Result<Response, Failure> {
    let scope = scope(visitor)?;
    let admin = scope.is_none();
    let (users, agencies) = app
        .pool
        .run(move |desk| {
            let users = collection::read(desk.store.as_ref(), |db| {
                collection::users(db, scope.as_deref())
            })?;
            let agencies = if admin {
                desk.store
                    .agencies()?
                    .into_iter()
                    .map(|a| (a.agency.agency_id, a.agency.name))
                    .collect()
            } else {
                Vec::new()
            };
            Ok((users, agencies))
        })
        .await?;
    let now = now();
    let rows = users
        .into_iter()
        .map(|u: User| UserRow {
            state: if !u.active {
                "Deactivated"
            } else if u.password_hash.is_empty() {
                "Invited"
            } else if u.locked_until > now {
                "Locked"
            } else {
                "Active"
            },
            active: u.active,
            user_id: u.user_id,
            name: u.name,
            email: u.email,
            agency: if u.agency_id.is_empty() {
                "National team".to_string()
            } else {
                u.agency_id
            },
            roles: u
                .roles
                .iter()
                .filter_map(|r| Role::from_code(r))
                .map(Role::label)
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let roles = Role::ALL
        .into_iter()
        .filter(|r| admin || !r.national())
        .map(|r| (r.code(), r.label()))
        .collect();
    let has_errors = !errors.is_empty();
    form_page(
        &UsersPage {
            chrome: Chrome::of(visitor),
            rows,
            agencies,
            roles,
            invited,
            admin,
            errors: errors.clone(),
        },
        has_errors,
    )
}

pub async fn list(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
) -> Result<Response, Failure> {
    render(&app, &visitor, Vec::new(), None).await
}

/// The address of an invitation, on the host the request came to.
fn invitation_link(headers: &HeaderMap, app: &App, token: &str) -> String {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if app.config.secure { "https" } else { "http" };
    format!("{scheme}://{host}/invitation/{token}")
}

/// The fields of the new-user form (roles arrive as repeated `role` fields).
fn fields(body: &[(String, String)], name: &str) -> Vec<String> {
    body.iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_string())
        .collect()
}

pub async fn add(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
    headers: HeaderMap,
    Form(body): Form<Vec<(String, String)>>,
) -> Result<Response, Failure> {
    let scope = scope(&visitor)?;
    let first = |name: &str| fields(&body, name).into_iter().next().unwrap_or_default();
    let email = first("email").to_lowercase();
    let name = first("name");
    let agency_id = match &scope {
        Some(own) => own.clone(),
        None => first("agency"),
    };
    let roles: Vec<Role> = fields(&body, "role")
        .iter()
        .filter_map(|r| Role::from_code(r))
        .collect();
    let mut errors = Vec::new();
    if email.len() > 254
        || email.contains(char::is_whitespace)
        || email.split('@').count() != 2
        || email.ends_with('@')
        || email.starts_with('@')
    {
        errors.push((
            "email",
            "Enter an email address in the correct format, like name@example.org".to_string(),
        ));
    }
    if name.is_empty() || name.chars().count() > 100 {
        errors.push((
            "name",
            "Enter the user's full name (100 characters or fewer)".to_string(),
        ));
    }
    if roles.is_empty() {
        errors.push(("role", "Select at least one role".to_string()));
    }
    if roles.iter().any(|r| r.national() != agency_id.is_empty()) {
        errors.push((
            "role",
            "National roles are for the national team only, and agency roles for agency users only"
                .to_string(),
        ));
    }
    if !errors.is_empty() {
        return render(&app, &visitor, errors, None).await;
    }
    let token = secrets::token()?;
    let by = visitor.who();
    let new = NewUser {
        email: email.clone(),
        name,
        agency_id: agency_id.clone(),
        roles: roles.iter().map(|r| r.code().to_string()).collect(),
    };
    let added = app
        .pool
        .run({
            let token = token.clone();
            move |desk| invite(&mut *desk.store, &new, &by, &token).map(|made| made.map(|_| ()))
        })
        .await?;
    match added {
        Ok(()) => {
            let link = invitation_link(&headers, &app, &token);
            let shown = mail_invitation(&app, &email, &link).await;
            render(&app, &visitor, Vec::new(), Some((shown, link))).await
        }
        Err("agency") => {
            render(
                &app,
                &visitor,
                vec![("agency", "Select an agency from the register".to_string())],
                None,
            )
            .await
        }
        Err(_) => {
            render(
                &app,
                &visitor,
                vec![(
                    "email",
                    "A user with this email address already exists".to_string(),
                )],
                None,
            )
            .await
        }
    }
}

/// Makes a user with an invitation (token `token`, valid [`INVITATION_SECONDS`]), audited.
/// Refuses (with the field at fault) an agency not in the register or an email already used.
pub fn invite(
    store: &mut dyn sightline_store::Store,
    new: &NewUser,
    by: &str,
    token: &str,
) -> anyhow::Result<Result<i64, &'static str>> {
    if !new.agency_id.is_empty() && store.agency(&new.agency_id)?.is_none() {
        return Ok(Err("agency"));
    }
    if collection::read(store, |db| collection::user_by_email(db, &new.email))?.is_some() {
        return Ok(Err("email"));
    }
    let subject = format!("user added: {}", new.email);
    let reason = format!(
        "agency {}; roles {}",
        if new.agency_id.is_empty() {
            "national team"
        } else {
            &new.agency_id
        },
        new.roles.join(", ")
    );
    let digest = secrets::digest(token);
    let mut id = 0;
    store.collection_write(by, Some((Action::Access, &subject, &reason)), &mut |db| {
        id = collection::create_user(db, new, by)?;
        collection::create_invitation(db, &digest, id, now() + INVITATION_SECONDS)
    })?;
    Ok(Ok(id))
}

/// The user `user_id`, if this visitor manages them (else not found: another agency's users
/// look like no users).
async fn managed(app: &Arc<App>, visitor: &Visitor, user_id: i64) -> Result<User, Failure> {
    let scope = scope(visitor)?;
    let user = app.read(move |db| collection::user(db, user_id)).await?;
    user.filter(|u| scope.as_ref().is_none_or(|own| *own == u.agency_id))
        .ok_or(Failure::NotFound)
}

pub async fn deactivate(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
    Path(user_id): Path<i64>,
) -> Result<Response, Failure> {
    let user = managed(&app, &visitor, user_id).await?;
    if Some(user.user_id) == visitor.user.as_ref().map(|u| u.user_id) {
        return render(
            &app,
            &visitor,
            vec![(
                "users",
                "You cannot deactivate your own account".to_string(),
            )],
            None,
        )
        .await;
    }
    let by = visitor.who();
    app.change(
        by,
        Action::Access,
        format!("user deactivated: {}", user.email),
        "".to_string(),
        move |db, _| {
            collection::set_active(db, user.user_id, false)?;
            collection::delete_user_sessions(db, user.user_id)
        },
    )
    .await?;
    render(&app, &visitor, Vec::new(), None).await
}

/// Takes away a user's password and second factor and makes a new invitation: the way back
/// for a user who lost their authenticator app and recovery codes.
pub async fn reset(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
    headers: HeaderMap,
    Path(user_id): Path<i64>,
) -> Result<Response, Failure> {
    let user = managed(&app, &visitor, user_id).await?;
    let token = secrets::token()?;
    let digest = secrets::digest(&token);
    let by = visitor.who();
    let email = user.email.clone();
    app.change(
        by,
        Action::Access,
        format!("sign-in reset: {}", user.email),
        ("password and second factor cleared; new invitation").to_string(),
        move |db, _| {
            collection::clear_credentials(db, user.user_id)?;
            collection::set_active(db, user.user_id, true)?;
            collection::create_invitation(db, &digest, user.user_id, now() + INVITATION_SECONDS)
        },
    )
    .await?;
    let link = invitation_link(&headers, &app, &token);
    let shown = mail_invitation(&app, &email, &link).await;
    render(&app, &visitor, Vec::new(), Some((shown, link))).await
}

/// Mails an invitation link when the service has an SMTP server; says to whom the link went
/// (or must be sent) for the page.
async fn mail_invitation(app: &App, email: &str, link: &str) -> String {
    let Some(mail) = &app.config.mail else {
        return email.to_string();
    };
    let body = format!(
        "You have been given an account on the data call service.\n\n\
         Open this link to choose a password and add the service to an authenticator app. It works once, within 7 days:\n\n{link}\n\n\
         If you did not expect this, tell the national team and do not open the link.\n"
    );
    match crate::reminders::send(
        mail,
        &[email.to_string()],
        "Your account on the data call service",
        &body,
    )
    .await
    {
        Ok(()) => format!("{email} (it was also emailed to them)"),
        Err(error) => format!("{email} (emailing it failed: {error})"),
    }
}
