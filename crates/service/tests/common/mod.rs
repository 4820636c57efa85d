//! A browser without a screen for the service's tests: requests go through the real router
//! (gate, pages, store threads) on a real workspace with an SQLite store, with a cookie jar, so
//! that every test signs in, sends forms and follows the service the way a browser does.

#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt as _;
use sightline_service::{App, Config, secrets};
use sightline_store::collection::{self, NewUser};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use tower::ServiceExt as _;

/// A workspace with an agency register, and the service on it.
pub struct Service {
    pub dir: tempfile::TempDir,
    pub app: Arc<App>,
    pub router: axum::Router,
    /// The PostgreSQL database the store is in, when it is not the embedded file.
    pub database: Option<sightline_store::testing::TestDatabase>,
}

pub const REGISTER: &str = "agency_id,name,type,area,requested,region
POL01,Police force 01,police,E23000001,yes,North
LA001,Children's services 001,childrens_services,E06000001,yes,North
LA002,Children's services 002,childrens_services,E06000002,yes,South
";

impl Service {
    /// The service on an embedded store.
    pub fn start() -> Service {
        Service::start_on(false)
    }

    /// The service on an embedded store, or on a new PostgreSQL database.
    pub fn start_on(postgres: bool) -> Service {
        let dir = tempfile::tempdir().expect("tempdir");
        let ws = dir.path().join("ws");
        let made = ws.clone();
        let database = outside(move || {
            let database = postgres.then(sightline_store::testing::TestDatabase::create);
            match &database {
                Some(database) => {
                    sightline_store::Workspace::init_with(&made, None, Some(&database.url))
                        .expect("init on PostgreSQL");
                }
                None => {
                    sightline_store::Workspace::init(&made, None).expect("init");
                }
            }
            database
        });
        let register = dir.path().join("agencies.csv");
        std::fs::write(&register, REGISTER).expect("register");
        let (agencies, problems) =
            sightline_pipeline::read_register(&register).expect("read register");
        assert!(problems.is_empty(), "{problems:?}");
        let opened = ws.clone();
        outside(move || {
            let workspace = sightline_store::Workspace::open(&opened, None).expect("open");
            workspace
                .store()
                .expect("store")
                .import_agencies(&agencies, "test")
                .expect("import");
        });
        let app = Arc::new(App::new(Config::new(ws)).expect("app"));
        let router = sightline_service::router(Arc::clone(&app));
        Service {
            dir,
            app,
            router,
            database,
        }
    }

    pub fn workspace(&self) -> PathBuf {
        self.dir.path().join("ws")
    }

    /// Runs `work` on a store of the workspace, on a thread outside the async runtime (the
    /// PostgreSQL client must not run inside it).
    pub fn with_store<T: Send>(
        &self,
        work: impl FnOnce(&mut dyn sightline_store::Store) -> T + Send,
    ) -> T {
        let ws = self.workspace();
        outside(move || {
            let mut store = sightline_store::Workspace::open(&ws, None)
                .expect("open")
                .store()
                .expect("store");
            work(&mut *store)
        })
    }

    /// Waits for the analysis job that is running, if any, to end.
    pub fn wait_for_jobs(&self) {
        let jobs = std::sync::Arc::clone(&self.app.jobs);
        outside(move || jobs.wait_until_idle());
    }

    /// Starts an analysis job (`path`: link, preview or publish) from the analysis page as
    /// `browser`, waits for it to end, and gives the analysis page after it.
    pub async fn run_job(&self, browser: &mut Browser, path: &str) -> Page {
        browser.get("/analysis").await;
        let started = browser.post(path, &[]).await;
        assert_eq!(
            (started.status, started.location.as_str()),
            (StatusCode::SEE_OTHER, "/analysis"),
            "{path} runs as a job: {}",
            started.body
        );
        self.wait_for_jobs();
        browser.get("/analysis").await
    }

    /// Makes a user and returns their invitation token.
    pub fn invite(&self, email: &str, agency: &str, roles: &[&str]) -> String {
        let token = secrets::token().expect("token");
        let new = NewUser {
            email: email.to_string(),
            name: format!("User {email}"),
            agency_id: agency.to_string(),
            roles: roles.iter().map(|r| r.to_string()).collect(),
        };
        self.with_store(|store| {
            sightline_service::pages::users::invite(store, &new, "test", &token)
                .expect("invite")
                .expect("invited")
        });
        token
    }

    /// Ages a user's sessions, past the service: made `made` seconds earlier, last used
    /// `used` seconds earlier.
    pub fn age_sessions(&self, email: &str, made: i64, used: i64) {
        self.with_store(|store| {
        store
            .collection_write("test", None, &mut |db| {
                let user = collection::user_by_email(db, email)?.expect("user");
                db.execute(
                    "UPDATE sessions SET created_at = created_at - ?2, last_seen = last_seen - ?3 WHERE user_id = ?1",
                    &[user.user_id.into(), made.into(), used.into()],
                )?;
                Ok(())
            })
            .expect("age");
        });
    }

    /// A browser already signed in as a new user with these roles, through a session made in
    /// the store (for tests of what a role may reach, not of signing in).
    pub fn signed_in(&self, email: &str, agency: &str, roles: &[&str]) -> Browser {
        let _ = self.invite(email, agency, roles);
        let token = secrets::token().expect("token");
        let csrf = secrets::token().expect("token");
        self.with_store(|store| {
            store
                .collection_write("test", None, &mut |db| {
                    let user = collection::user_by_email(db, email)?.expect("user");
                    collection::create_session(
                        db,
                        &secrets::digest(&token),
                        user.user_id,
                        &csrf,
                        "full",
                        now(),
                    )
                })
                .expect("session");
        });
        let mut browser = self.browser();
        browser
            .cookies
            .insert("sightline-session".to_string(), token);
        browser.last = csrf;
        browser
    }

    pub fn browser(&self) -> Browser {
        Browser {
            router: self.router.clone(),
            cookies: BTreeMap::new(),
            last: String::new(),
        }
    }
}

impl Drop for Service {
    /// Drops the PostgreSQL database (if any) outside the async runtime: its client blocks.
    fn drop(&mut self) {
        if let Some(database) = self.database.take() {
            outside(move || drop(database));
        }
    }
}

/// Runs `work` on a thread of its own, outside any async runtime.
pub fn outside<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| scope.spawn(work).join().expect("the thread ran"))
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
}

/// A response as a test reads it.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub location: String,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Page {
    /// The value of the first `<input ... name="NAME" value="...">` of the page.
    pub fn field(&self, name: &str) -> Option<String> {
        let at = self.body.find(&format!("name=\"{name}\" value=\""))?;
        let rest = &self.body[at + name.len() + 15..];
        Some(unescape(&rest[..rest.find('"')?]))
    }

    /// The text of the element with this id.
    pub fn text_of(&self, id: &str) -> Option<String> {
        let at = self.body.find(&format!("id=\"{id}\""))?;
        let rest = &self.body[at..];
        let start = rest.find('>')? + 1;
        let end = rest[start..].find('<')?;
        Some(unescape(rest[start..start + end].trim()))
    }
}

fn unescape(text: &str) -> String {
    text.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

pub struct Browser {
    router: axum::Router,
    pub cookies: BTreeMap<String, String>,
    /// The last page's CSRF token, sent with the next form.
    pub last: String,
}

impl Browser {
    /// A browser with no cookies on a router.
    pub fn new(router: axum::Router) -> Browser {
        Browser {
            router,
            cookies: BTreeMap::new(),
            last: String::new(),
        }
    }

    async fn send(&mut self, request: Request<Body>) -> Page {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        for cookie in headers.get_all(header::SET_COOKIE) {
            let text = cookie.to_str().expect("cookie");
            let pair = text.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                if text.contains("Max-Age=0") {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_string(), value.to_string());
                }
            }
        }
        let location = headers
            .get(header::LOCATION)
            .map(|l| l.to_str().expect("location").to_string())
            .unwrap_or_default();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        let body = String::from_utf8_lossy(&bytes).to_string();
        let page = Page {
            status,
            location,
            headers,
            body,
            bytes,
        };
        if let Some(csrf) = page.field("csrf") {
            self.last = csrf;
        }
        page
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let request = Request::get(path)
            .header(header::HOST, "localhost")
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .expect("request");
        self.send(request).await
    }

    /// Makes a data call for 2025-26, due in 2099, asking these agencies (as an analyst).
    pub async fn make_call(&mut self, name: &str, agencies: &[&str]) -> Page {
        let mut fields = vec![
            ("name", name),
            ("period_from", "2025-04-01"),
            ("period_to", "2026-03-31"),
            ("deadline", "2099-06-30"),
            ("close_date", "2099-07-31"),
        ];
        fields.extend(agencies.iter().map(|agency| ("agency", *agency)));
        self.post("/calls", &fields).await
    }

    /// Sends a form with the last page's CSRF token added.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.last.clone();
        let mut all: Vec<(&str, &str)> = vec![("csrf", &csrf)];
        all.extend_from_slice(fields);
        let body = serde_urlencoded::to_string(&all).expect("form");
        self.post_raw(path, body, &[]).await
    }

    /// Sends a form as it is, with extra headers.
    pub async fn post_raw(&mut self, path: &str, body: String, headers: &[(&str, &str)]) -> Page {
        let mut request = Request::post(path)
            .header(header::HOST, "localhost")
            .header(header::COOKIE, self.cookie_header());
        if !headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        {
            request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(Body::from(body)).expect("request");
        self.send(request).await
    }

    /// Uploads one file in a field of this name, the `csrf` field first.
    pub async fn upload_field(
        &mut self,
        path: &str,
        field: &str,
        name: &str,
        bytes: &[u8],
    ) -> Page {
        self.multipart(path, field, &[(name, bytes)], false).await
    }

    /// Another browser with this one's cookies and token.
    pub fn clone_session(&self) -> Browser {
        Browser {
            router: self.router.clone(),
            cookies: self.cookies.clone(),
            last: self.last.clone(),
        }
    }

    /// Uploads files as a browser's multipart form does, `csrf` first unless `csrf_last`.
    pub async fn upload(&mut self, path: &str, files: &[(&str, &[u8])], csrf_last: bool) -> Page {
        self.multipart(path, "files", files, csrf_last).await
    }

    /// Sends files in a multipart form's field `field`, with the `csrf` field first or last.
    async fn multipart(
        &mut self,
        path: &str,
        field: &str,
        files: &[(&str, &[u8])],
        csrf_last: bool,
    ) -> Page {
        let boundary = "----sightline-test-boundary";
        let mut body: Vec<u8> = Vec::new();
        let csrf_part = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n",
            self.last
        );
        if !csrf_last {
            body.extend_from_slice(csrf_part.as_bytes());
        }
        for (name, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        if csrf_last {
            body.extend_from_slice(csrf_part.as_bytes());
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let request = Request::post(path)
            .header(header::HOST, "localhost")
            .header(header::COOKIE, self.cookie_header())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .expect("request");
        self.send(request).await
    }

    /// Sets up an invited account (password and the authenticator key shown), then signs in
    /// with a code one step ahead (the setup's own step is used). Returns the key and the time
    /// step of the code that signed in.
    pub async fn accept_invitation_and_sign_in(
        &mut self,
        token: &str,
        email: &str,
        password: &str,
    ) -> (String, i64) {
        let setup = self.get(&format!("/invitation/{token}")).await;
        assert_eq!(setup.status, StatusCode::OK, "{}", setup.body);
        let secret = setup.field("secret").expect("secret on the page");
        let step = now() / secrets::STEP_SECONDS;
        let code = secrets::totp_code(&secret, step).expect("code");
        let done = self
            .post(
                &format!("/invitation/{token}"),
                &[("secret", &secret), ("password", password), ("code", &code)],
            )
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        assert!(done.body.contains("recovery-codes"), "{}", done.body);
        self.sign_in(email, password, &secret, step + 1).await;
        (secret, step + 1)
    }

    pub async fn sign_in(&mut self, email: &str, password: &str, secret: &str, step: i64) {
        self.get("/sign-in").await;
        let after_password = self
            .post("/sign-in", &[("email", email), ("password", password)])
            .await;
        assert_eq!(
            after_password.status,
            StatusCode::SEE_OTHER,
            "{}",
            after_password.body
        );
        assert_eq!(after_password.location, "/sign-in/code");
        self.get("/sign-in/code").await;
        let code = secrets::totp_code(secret, step).expect("code");
        let signed = self.post("/sign-in/code", &[("code", &code)]).await;
        assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
        assert_eq!(signed.location, "/");
    }
}

/// A message the SMTP sink received.
#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

/// An SMTP server on loopback that keeps every message it is sent (enough of RFC 5321 for a
/// client: greeting, EHLO, MAIL, RCPT, DATA, QUIT).
pub async fn smtp_sink() -> (std::net::SocketAddr, Arc<std::sync::Mutex<Vec<Mail>>>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let kept: Arc<std::sync::Mutex<Vec<Mail>>> = Arc::default();
    let inbox = Arc::clone(&kept);
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let inbox = Arc::clone(&inbox);
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                let mut mail = Mail {
                    from: String::new(),
                    to: Vec::new(),
                    data: String::new(),
                };
                while let Ok(Some(line)) = lines.next_line().await {
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250 sink\r\n"
                    } else if upper.starts_with("MAIL FROM:") {
                        mail.from = line[10..].trim().to_string();
                        b"250 OK\r\n"
                    } else if upper.starts_with("RCPT TO:") {
                        mail.to
                            .push(line[8..].trim().trim_matches(['<', '>']).to_string());
                        b"250 OK\r\n"
                    } else if upper == "DATA" {
                        let _ = write.write_all(b"354 go on\r\n").await;
                        while let Ok(Some(data)) = lines.next_line().await {
                            if data == "." {
                                break;
                            }
                            mail.data.push_str(&data);
                            mail.data.push('\n');
                        }
                        if let Ok(mut inbox) = inbox.lock() {
                            inbox.push(mail.clone());
                        }
                        mail = Mail {
                            from: String::new(),
                            to: Vec::new(),
                            data: String::new(),
                        };
                        b"250 kept\r\n"
                    } else if upper == "QUIT" {
                        let _ = write.write_all(b"221 bye\r\n").await;
                        break;
                    } else {
                        b"250 OK\r\n"
                    };
                    if write.write_all(reply).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    (address, kept)
}
