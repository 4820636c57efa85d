//! Who is asking, and may they? Every request passes here first: its session is read (and
//! ended if idle or too old), its route looked up in [`crate::roles::ROUTES`], and a request
//! that changes anything is checked for its origin and its CSRF token before any handler runs.
//!
//! A form's CSRF token is the session's (signed in) or the `pre` cookie's (signed out: sign-in
//! and invitation forms), sent back in the field `csrf`. A urlencoded form is checked here; a
//! multipart upload must carry `csrf` as its first field and is checked by the upload handler
//! before it reads any file ([`Visitor::check_csrf`]).

use crate::app::App;
use crate::error::Failure;
use crate::roles::{self, Access, Role};
use crate::secrets;
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use sightline_store::collection::{self, User};
use std::sync::Arc;

/// The largest urlencoded form read (uploads are multipart and have their own limit).
pub const FORM_LIMIT: usize = 64 * 1024;

/// Who is asking: a signed-in user, a browser half way through signing in, or nobody.
#[derive(Clone, Debug)]
pub struct Visitor {
    pub user: Option<User>,
    pub roles: Vec<Role>,
    /// The digest of the session token, when there is a session.
    pub session: Option<String>,
    /// `password` or `full`, when there is a session.
    pub stage: String,
    /// The token forms must send back.
    pub csrf: String,
    /// A `pre` cookie to set on the response (a signed-out visitor's first page).
    pub new_pre: Option<String>,
    /// The network address the request came from (for the per-address sign-in limit).
    pub address: std::net::IpAddr,
}

impl Visitor {
    /// The signed-in user (the gate has let only signed-in users through to routes that ask
    /// for roles).
    pub fn user(&self) -> Result<&User, Failure> {
        self.user.as_ref().ok_or(Failure::SignIn)
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Who did it, for the audit log and the status history.
    pub fn who(&self) -> String {
        self.user
            .as_ref()
            .map_or_else(|| "anonymous".to_string(), |u| u.email.clone())
    }

    /// Fails unless `token` is this visitor's CSRF token.
    pub fn check_csrf(&self, token: &str) -> Result<(), Failure> {
        if !self.csrf.is_empty() && secrets::same(token, &self.csrf) {
            Ok(())
        } else {
            Err(Failure::Csrf)
        }
    }
}

/// The cookie names: `__Host-` ones (Secure, whole site, no domain) when served over TLS.
pub fn cookie_name(app: &App, name: &str) -> String {
    if app.config.secure {
        format!("__Host-sightline-{name}")
    } else {
        format!("sightline-{name}")
    }
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, whole site; Secure over TLS.
pub fn set_cookie(app: &App, name: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
    let mut cookie = format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Strict",
        cookie_name(app, name)
    );
    if app.config.secure {
        cookie.push_str("; Secure");
    }
    if let Some(age) = max_age {
        cookie.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

/// Unix seconds now.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}

/// Reads the visitor, applies the route table and the CSRF rules, then runs the handler.
pub async fn gate(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    match admit(&app, request).await {
        Ok((request, visitor)) => {
            let new_pre = visitor.new_pre.clone();
            let mut response = next.run(request).await;
            if let Some(pre) = new_pre {
                response
                    .headers_mut()
                    .append(header::SET_COOKIE, set_cookie(&app, "pre", &pre, None));
            }
            response
        }
        Err(failure) => failure.into_response(),
    }
}

async fn admit(app: &Arc<App>, request: Request) -> Result<(Request, Visitor), Failure> {
    let path = request
        .extensions()
        .get::<MatchedPath>()
        .map(|matched| matched.as_str().to_string());
    let route = path
        .as_deref()
        .and_then(|path| roles::find(request.method(), path))
        .ok_or(Failure::NotFound)?;
    let address = request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map_or(std::net::IpAddr::from([127, 0, 0, 1]), |info| info.0.ip());
    let mut visitor = visitor(app, request.headers()).await?;
    visitor.address = address;
    let signed_in = visitor.user.is_some() && visitor.stage == "full";
    match route.access {
        Access::Public => {}
        Access::SecondFactor => {
            if visitor.user.is_none() || visitor.stage != "password" {
                return Err(Failure::SignIn);
            }
        }
        Access::Roles(_) if !signed_in => {
            return Err(if request.method() == Method::GET {
                Failure::SignIn
            } else {
                Failure::Csrf
            });
        }
        Access::Roles(_) => {
            if !roles::allows(route.access, &visitor.roles) {
                return Err(Failure::Forbidden);
            }
        }
    }
    let mut request = request;
    if request.method() != Method::GET && request.method() != Method::HEAD {
        same_origin(request.headers())?;
        request = check_form(request, &visitor).await?;
    }
    request.extensions_mut().insert(visitor.clone());
    Ok((request, visitor))
}

/// Refuses a request another site's page sent: `Sec-Fetch-Site` must be same-origin (or
/// absent: an older browser, or a non-browser client), and `Origin`, when sent, must be this
/// host.
fn same_origin(headers: &HeaderMap) -> Result<(), Failure> {
    if let Some(site) = headers.get("sec-fetch-site")
        && !matches!(site.as_bytes(), b"same-origin" | b"none")
    {
        return Err(Failure::Csrf);
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default();
        let origin = origin.to_str().unwrap_or_default();
        let bare = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"))
            .unwrap_or_default();
        if bare != host {
            return Err(Failure::Csrf);
        }
    }
    Ok(())
}

/// Checks the `csrf` field of a urlencoded form and hands the body on; leaves a multipart
/// body to its handler; refuses any other body.
async fn check_form(request: Request, visitor: &Visitor) -> Result<Request, Failure> {
    let kind = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if kind.starts_with("multipart/form-data") {
        return Ok(request);
    }
    if !kind.starts_with("application/x-www-form-urlencoded") {
        return Err(Failure::BadRequest(
            "Send the form from the service's own page".to_string(),
        ));
    }
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, FORM_LIMIT)
        .await
        .map_err(|_| Failure::TooLarge(FORM_LIMIT as u64))?;
    let token = form_urlencoded_field(&bytes, "csrf").unwrap_or_default();
    visitor.check_csrf(&token)?;
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

fn form_urlencoded_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
}

/// The visitor of a request: its session if valid, else a signed-out visitor with a `pre`
/// token.
async fn visitor(app: &Arc<App>, headers: &HeaderMap) -> Result<Visitor, Failure> {
    let pre = cookie(headers, &cookie_name(app, "pre")).filter(|t| t.len() == 64);
    let anonymous = |pre: Option<String>| -> Result<Visitor, Failure> {
        let (csrf, new_pre) = match pre {
            Some(token) => (token, None),
            None => {
                let token = secrets::token()?;
                (token.clone(), Some(token))
            }
        };
        Ok(Visitor {
            user: None,
            roles: Vec::new(),
            session: None,
            stage: String::new(),
            csrf,
            new_pre,
            address: std::net::IpAddr::from([127, 0, 0, 1]),
        })
    };
    let Some(token) = cookie(headers, &cookie_name(app, "session")) else {
        return anonymous(pre);
    };
    let hash = secrets::digest(&token);
    let idle = app.config.idle_seconds;
    let absolute = app.config.absolute_seconds;
    let found = app
        .pool
        .run(move |desk| {
            let now = now();
            let mut found = None;
            desk.store.collection_write("", None, &mut |db| {
                found = None;
                let Some(session) = collection::session(db, &hash)? else {
                    return Ok(());
                };
                if now - session.last_seen > idle || now - session.created_at > absolute {
                    collection::delete_session(db, &hash)?;
                    return Ok(());
                }
                let Some(user) = collection::user(db, session.user_id)? else {
                    return Ok(());
                };
                if !user.active {
                    collection::delete_session(db, &hash)?;
                    return Ok(());
                }
                if now - session.last_seen >= 60 {
                    collection::touch_session(db, &hash, now)?;
                }
                found = Some((session, user));
                Ok(())
            })?;
            Ok(found.map(|found| (found, hash)))
        })
        .await?;
    let Some(((session, user), hash)) = found else {
        return anonymous(pre);
    };
    let roles = user
        .roles
        .iter()
        .filter_map(|code| Role::from_code(code))
        .collect();
    Ok(Visitor {
        user: Some(user),
        roles,
        session: Some(hash),
        stage: session.stage,
        csrf: session.csrf,
        new_pre: None,
        address: std::net::IpAddr::from([127, 0, 0, 1]),
    })
}

/// A redirect after a form (303: the browser fetches the next page with GET).
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Checks the CSRF token of a multipart form, which must be its first field, before anything
/// else of it is read.
pub async fn check_multipart(
    visitor: &Visitor,
    multipart: &mut axum::extract::Multipart,
) -> Result<(), Failure> {
    let first = multipart
        .next_field()
        .await
        .map_err(|_| Failure::Csrf)?
        .ok_or(Failure::Csrf)?;
    if first.name() != Some("csrf") {
        return Err(Failure::Csrf);
    }
    let token = first.text().await.map_err(|_| Failure::Csrf)?;
    visitor.check_csrf(&token)
}
