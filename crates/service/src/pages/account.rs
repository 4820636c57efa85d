//! Signing in and out, and setting up an account from an invitation.
//!
//! Sign-in is two steps: the password makes a session of stage `password`, which reaches only
//! the code page; a TOTP code (each time step accepted once) or an unused recovery code turns
//! it into a new session of stage `full` (the token is replaced, so a token seen before
//! sign-in is worthless after it). Failures count against the account (locked for 15 minutes
//! after 5) and against the address (20 in 15 minutes), and each is on the audit log.

use crate::app::{App, LOCK_AFTER, LOCK_SECONDS};
use crate::error::Failure;
use crate::gate::{Visitor, now, see_other, set_cookie};
use crate::pages::{Chrome, form_page, page};
use crate::secrets;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use sightline_store::Action;
use sightline_store::collection::{self, User};
use std::sync::Arc;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    error: Option<String>,
    email: String,
}

pub async fn sign_in_form(Extension(visitor): Extension<Visitor>) -> Result<Response, Failure> {
    page(&SignInPage {
        chrome: Chrome::of(&visitor),
        error: None,
        email: String::new(),
    })
}

#[derive(serde::Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

const WRONG: &str = "Enter a correct email address and password";
const LOCKED: &str = "This account is locked after too many attempts. Try again in 15 minutes, or ask your administrator";

/// The seal's place for a user's TOTP secret.
pub fn totp_place(user_id: i64) -> String {
    format!("users/{user_id}/totp")
}

pub async fn sign_in(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
    Form(form): Form<SignInForm>,
) -> Result<Response, Failure> {
    let now = now();
    if app.address_blocked(visitor.address, now) {
        return Err(Failure::TooMany);
    }
    let email = form.email.trim().to_lowercase();
    let lookup = email.clone();
    let user: Option<User> = app
        .read(move |db| collection::user_by_email(db, &lookup))
        .await?;
    let hash = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| secrets::decoy_hash().to_string());
    let password = form.password;
    let matches = tokio::task::spawn_blocking(move || secrets::verify_password(&password, &hash))
        .await
        .map_err(|e| Failure::Internal(e.into()))?;
    let usable = user
        .as_ref()
        .is_some_and(|u| u.active && u.locked_until <= now && !u.password_hash.is_empty());
    if !(matches && usable) {
        app.address_failed(visitor.address, now);
        let locked = user.as_ref().is_some_and(|u| u.locked_until > now);
        record_failure(&app, user, "password refused").await?;
        return form_page(
            &SignInPage {
                chrome: Chrome::of(&visitor),
                error: Some(if locked { LOCKED } else { WRONG }.to_string()),
                email,
            },
            true,
        );
    }
    let Some(user) = user else {
        return Err(Failure::SignIn);
    };
    let token = secrets::token()?;
    let csrf = secrets::token()?;
    let digest = secrets::digest(&token);
    let old = visitor.session.clone();
    app.pool
        .run(move |desk| {
            desk.store.collection_write("", None, &mut |db| {
                if let Some(old) = &old {
                    collection::delete_session(db, old)?;
                }
                collection::create_session(db, &digest, user.user_id, &csrf, "password", now)
            })?;
            Ok(())
        })
        .await?;
    let mut response = see_other("/sign-in/code");
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&app, "session", &token, None),
    );
    Ok(response)
}

/// Counts a failed sign-in against the account (locking it at the limit) and audits it.
async fn record_failure(app: &Arc<App>, user: Option<User>, what: &str) -> Result<(), Failure> {
    let what = what.to_string();
    app.pool
        .run(move |desk| {
            let now = now();
            match &user {
                Some(user) => {
                    let lock = (user.failed_logins + 1 >= LOCK_AFTER).then_some(now + LOCK_SECONDS);
                    let reason = if lock.is_some() {
                        format!("{what}; account locked for {} minutes", LOCK_SECONDS / 60)
                    } else {
                        what.clone()
                    };
                    let subject = format!("sign-in failed: {}", user.email);
                    desk.store.collection_write(
                        &user.email,
                        Some((Action::Access, &subject, &reason)),
                        &mut |db| collection::login_failed(db, user.user_id, lock),
                    )?;
                }
                None => {
                    desk.store.record_event(
                        "anonymous",
                        Action::Access,
                        "sign-in failed: an email address with no account",
                        &what,
                    )?;
                }
            }
            Ok(())
        })
        .await?;
    Ok(())
}

#[derive(Template)]
#[template(path = "code.html")]
struct CodePage {
    chrome: Chrome,
    error: Option<String>,
}

pub async fn code_form(Extension(visitor): Extension<Visitor>) -> Result<Response, Failure> {
    page(&CodePage {
        chrome: Chrome::of(&visitor),
        error: None,
    })
}

#[derive(serde::Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

pub async fn code(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
    Form(form): Form<CodeForm>,
) -> Result<Response, Failure> {
    let now = now();
    if app.address_blocked(visitor.address, now) {
        return Err(Failure::TooMany);
    }
    let user = visitor.user()?.clone();
    let old = visitor.session.clone().unwrap_or_default();
    let token = secrets::token()?;
    let csrf = secrets::token()?;
    let digest = secrets::digest(&token);
    let code = form.code;
    let checked = user.clone();
    let how: Option<&'static str> = app
        .pool
        .run(move |desk| {
            let user = checked;
            if user.locked_until > now {
                return Ok(None);
            }
            let keys = desk.keys()?;
            let secret = match &user.totp_sealed {
                Some(sealed) => keys.open(sealed, &totp_place(user.user_id))?,
                None => return Ok(None),
            };
            let mut how = None;
            let subject = format!("signed in: {}", user.email);
            let step = secrets::totp_step(&secret, &code, now);
            let recovery = secrets::recovery_digest(&code);
            // The check and the change are one transaction: a code used twice at once is
            // accepted once.
            let mut accepted = false;
            desk.store.collection_write(&user.email, None, &mut |db| {
                accepted = match step {
                    Some(step) => collection::take_totp_step(db, user.user_id, step)?,
                    None => {
                        code.chars().filter(|c| c.is_ascii_alphanumeric()).count() == 10
                            && collection::take_recovery_code(db, user.user_id, &recovery)?
                    }
                };
                if accepted {
                    collection::delete_session(db, &old)?;
                    collection::create_session(db, &digest, user.user_id, &csrf, "full", now)?;
                    collection::login_succeeded(db, user.user_id)?;
                }
                Ok(())
            })?;
            if accepted {
                let with = if step.is_some() {
                    "with an authenticator code"
                } else {
                    "with a recovery code"
                };
                desk.store
                    .record_event(&user.email, Action::Access, &subject, with)?;
                how = Some(with);
            }
            Ok(how)
        })
        .await?;
    if how.is_none() {
        app.address_failed(visitor.address, now);
        let locked = user.locked_until > now;
        record_failure(&app, Some(user), "security code refused").await?;
        return form_page(
            &CodePage {
                chrome: Chrome::of(&visitor),
                error: Some(if locked {
                    LOCKED.to_string()
                } else {
                    "Enter the code your authenticator app shows now, or an unused recovery code"
                        .to_string()
                }),
            },
            true,
        );
    }
    let mut response = see_other("/");
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&app, "session", &token, None),
    );
    Ok(response)
}

pub async fn sign_out(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
) -> Result<Response, Failure> {
    if let Some(session) = visitor.session.clone() {
        let who = visitor.who();
        app.change(
            who,
            Action::Access,
            format!("signed out: {}", visitor.who()),
            "".to_string(),
            move |db, _| collection::delete_session(db, &session),
        )
        .await?;
    }
    let mut response = see_other("/sign-in");
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(&app, "session", "", Some(0)));
    Ok(response.into_response())
}

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationPage {
    chrome: Chrome,
    errors: Vec<(&'static str, String)>,
    token: String,
    name: String,
    email: String,
    secret: String,
    uri: String,
}

#[derive(Template)]
#[template(path = "recovery.html")]
struct RecoveryPage {
    chrome: Chrome,
    codes: Vec<String>,
}

/// The user an invitation token is for, if it is unused and unexpired.
async fn invited(app: &Arc<App>, token: &str) -> Result<User, Failure> {
    let digest = secrets::digest(token);
    let user = app
        .read(
            move |db| match collection::invitation(db, &digest, now())? {
                Some(id) => collection::user(db, id),
                None => Ok(None),
            },
        )
        .await?;
    user.filter(|u| u.active).ok_or_else(|| {
        Failure::BadRequest(
            "This link has expired or has been used. Ask your administrator for a new one."
                .to_string(),
        )
    })
}

pub async fn invitation_form(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
    Path(token): Path<String>,
) -> Result<Response, Failure> {
    let user = invited(&app, &token).await?;
    let secret = secrets::totp_secret()?;
    page(&InvitationPage {
        chrome: Chrome::of(&visitor),
        errors: Vec::new(),
        uri: secrets::otpauth_uri(&secret, &user.email),
        token,
        name: user.name,
        email: user.email,
        secret,
    })
}

#[derive(serde::Deserialize)]
pub struct InvitationForm {
    #[serde(default)]
    secret: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

pub async fn invitation(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
    Path(token): Path<String>,
    Form(form): Form<InvitationForm>,
) -> Result<Response, Failure> {
    let user = invited(&app, &token).await?;
    let now = now();
    let mut errors = Vec::new();
    if let Some(problem) = secrets::password_problem(&form.password, &user.email) {
        errors.push(("password", problem));
    }
    let secret_ok = form.secret.len() == 32;
    let step = secrets::totp_step(&form.secret, &form.code, now).filter(|_| secret_ok);
    if step.is_none() {
        errors.push((
            "code",
            "Enter the 6-digit code your authenticator app shows for this key".to_string(),
        ));
    }
    let Some(step) = step.filter(|_| errors.is_empty()) else {
        return form_page(
            &InvitationPage {
                chrome: Chrome::of(&visitor),
                errors,
                token,
                uri: secrets::otpauth_uri(&form.secret, &user.email),
                name: user.name,
                email: user.email,
                secret: form.secret,
            },
            true,
        );
    };
    let password = form.password;
    let hash = tokio::task::spawn_blocking(move || secrets::hash_password(&password))
        .await
        .map_err(|e| Failure::Internal(e.into()))??;
    let codes = secrets::recovery_codes()?;
    let digests: Vec<String> = codes.iter().map(|c| secrets::recovery_digest(c)).collect();
    let token_digest = secrets::digest(&token);
    let secret = form.secret;
    let set = app
        .pool
        .run(move |desk| {
            let mut keys = desk.keys()?;
            let sealed = keys.seal(&secret, &totp_place(user.user_id))?;
            let subject = format!("account set up: {}", user.email);
            let mut used = false;
            let written = desk.store.collection_write(
                &user.email,
                Some((
                    Action::Access,
                    &subject,
                    "password and authenticator app set",
                )),
                &mut |db| {
                    used = collection::use_invitation(db, &token_digest, now)?;
                    if !used {
                        // Rolls the transaction back: the link was used (or expired) meanwhile.
                        return Err(sightline_store::StoreError::Conflict(
                            "invitation already used".to_string(),
                        ));
                    }
                    collection::set_credentials(db, user.user_id, &hash, &sealed, step, &digests)
                },
            );
            match written {
                Ok(()) => Ok(true),
                Err(sightline_store::StoreError::Conflict(_)) if !used => Ok(false),
                Err(error) => Err(error.into()),
            }
        })
        .await?;
    if !set {
        return Err(Failure::BadRequest(
            "This link has expired or has been used. Ask your administrator for a new one."
                .to_string(),
        ));
    }
    page(&RecoveryPage {
        chrome: Chrome::of(&visitor),
        codes,
    })
}
