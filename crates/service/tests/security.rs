//! What the service refuses: every route tried as every role and as nobody against the route
//! table; forms without their CSRF token or from another site; old, idle and signed-out
//! sessions; repeated wrong passwords and codes; a replayed code; another agency's data.

mod common;

use axum::http::StatusCode;
use common::{Browser, Service, now};
use sightline_service::roles::{Access, ROUTES, Role};
use sightline_service::secrets;

const RETURN: &str = "person_id,role,given_name,family_name,date_of_birth,sex,postcode
P1,victim,Amy,Stone,2008-02-20,female,ZZ1 1AA
";

/// Call 1 asks LA001 and LA002; LA001 has uploaded version 1 (submission 1).
async fn with_a_call(service: &Service) -> Browser {
    let mut analyst = service.signed_in("setup-analyst@national.example", "", &["analyst"]);
    let made = analyst.make_call("Call", &["LA001", "LA002"]).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let mut submitter = service.signed_in("setup-submitter@la001.example", "LA001", &["submitter"]);
    let sent = submitter
        .upload(
            "/returns/1/upload",
            &[("people.csv", RETURN.as_bytes())],
            false,
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    analyst
}

fn concrete(path: &str) -> String {
    path.replace("{file}", "govuk-frontend.min.css")
        .replace("{token}", &"0".repeat(64))
        .replace("{call}", "1")
        .replace("{agency}", "LA001")
        .replace("{user}", "2")
        .replace("{submission}", "1")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_as_every_role_and_as_nobody_matches_the_route_table() {
    let service = Service::start();
    with_a_call(&service).await;
    let mut checked = 0;
    for (n, route) in ROUTES.iter().enumerate() {
        let path = concrete(route.path);
        let post = route.method == axum::http::Method::POST;
        // Nobody.
        let mut nobody = service.browser();
        nobody.get("/sign-in").await;
        let page = if post {
            nobody.post(&path, &[]).await
        } else {
            nobody.get(&path).await
        };
        match route.access {
            Access::Public => assert!(
                page.status != StatusCode::FORBIDDEN && page.location != "/sign-in"
                    || route.path == "/sign-out",
                "{} {path} refused nobody: {}",
                route.method,
                page.status
            ),
            Access::Roles(_) if post => assert_eq!(
                page.status,
                StatusCode::FORBIDDEN,
                "{} {path} as nobody",
                route.method
            ),
            _ => assert_eq!(
                (page.status, page.location.as_str()),
                (StatusCode::SEE_OTHER, "/sign-in"),
                "{} {path} as nobody",
                route.method
            ),
        }
        // Each role, alone.
        for role in Role::ALL {
            let agency = if role.national() { "" } else { "LA001" };
            let email = format!("{}-{n}@example.org", role.code());
            let mut browser = service.signed_in(&email, agency, &[role.code()]);
            let page = if post {
                browser.post(&path, &[]).await
            } else {
                browser.get(&path).await
            };
            let allowed = match route.access {
                Access::Public => true,
                Access::SecondFactor => false,
                Access::Roles(roles) => roles.is_empty() || roles.contains(&role),
            };
            if allowed {
                assert!(
                    page.status != StatusCode::FORBIDDEN
                        && (page.location != "/sign-in" || route.path == "/sign-out"),
                    "{} {path} as {role:?} should be allowed: {} {}",
                    route.method,
                    page.status,
                    page.location
                );
            } else if route.access == Access::SecondFactor {
                assert_eq!(
                    (page.status, page.location.as_str()),
                    (StatusCode::SEE_OTHER, "/sign-in"),
                    "{} {path} as {role:?}",
                    route.method
                );
            } else {
                assert_eq!(
                    page.status,
                    StatusCode::FORBIDDEN,
                    "{} {path} as {role:?} should be refused",
                    route.method
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, ROUTES.len() * Role::ALL.len());
    // A path in no route is not found for anyone.
    let mut admin = service.signed_in("admin-x@example.org", "", &["admin"]);
    assert_eq!(
        admin.get("/admin/secret").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agency_never_reaches_another_agencys_return_by_guessing() {
    let service = Service::start();
    let mut analyst = with_a_call(&service).await;
    // A second call asks LA001 only.
    analyst.make_call("Only LA001", &["LA001"]).await;
    let mut other = service.signed_in(
        "officer@la002.example",
        "LA002",
        &["submitter", "signatory", "approver"],
    );
    // LA001's submission 1, by its id, through LA002's own call page: not found.
    assert_eq!(
        other
            .get("/returns/1/submissions/1/problems.csv")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A call that did not ask LA002: not found, and it is not in LA002's list.
    assert_eq!(other.get("/returns/2").await.status, StatusCode::NOT_FOUND);
    assert!(!other.get("/returns").await.body.contains("Only LA001"));
    // LA002's own page of call 1 shows nothing of LA001's upload.
    let own = other.get("/returns/1").await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(!own.body.contains("Version 1") && !own.body.contains("setup-submitter"));
    // Its approver sees and manages only LA002's users.
    let users = other.get("/users").await;
    assert!(!users.body.contains("setup-submitter@la001.example"));
    let la001_user = 2; // setup-submitter, made second
    assert_eq!(
        other
            .post(&format!("/users/{la001_user}/deactivate"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .post(&format!("/users/{la001_user}/reset"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // And it cannot make a national user or a user of another agency.
    let made = other
        .post(
            "/users",
            &[
                ("name", "X"),
                ("email", "x@la002.example"),
                ("agency", "LA001"),
                ("role", "analyst"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::UNPROCESSABLE_ENTITY);
    let made = other
        .post(
            "/users",
            &[
                ("name", "Y"),
                ("email", "y@la002.example"),
                ("agency", "LA001"),
                ("role", "submitter"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::OK);
    let agency = service.with_store(|store| {
        sightline_store::collection::read(store, |db| {
            sightline_store::collection::user_by_email(db, "y@la002.example")
        })
        .expect("read")
        .expect("made")
        .agency_id
    });
    assert_eq!(
        agency, "LA002",
        "an approver's new user is in the approver's agency, whatever the form says"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forms_without_the_token_or_from_another_site_are_refused() {
    let service = Service::start();
    with_a_call(&service).await;
    let mut submitter = service.signed_in("csrf@la001.example", "LA001", &["submitter"]);
    let good = submitter.last.clone();
    let nil = |csrf: &str| format!("csrf={csrf}&reason=none");
    // No token, a wrong one, another session's.
    assert_eq!(
        submitter
            .post_raw("/returns/1/nil", "reason=none".to_string(), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        submitter
            .post_raw("/returns/1/nil", nil(&"f".repeat(64)), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let other = service.signed_in("csrf2@la001.example", "LA001", &["submitter"]);
    assert_eq!(
        submitter
            .post_raw("/returns/1/nil", nil(&other.last), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // The right token from another site's page.
    assert_eq!(
        submitter
            .post_raw(
                "/returns/1/nil",
                nil(&good),
                &[("origin", "https://evil.example")]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        submitter
            .post_raw(
                "/returns/1/nil",
                nil(&good),
                &[("sec-fetch-site", "cross-site")]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // A body that is not a form.
    let json = submitter
        .post_raw(
            "/returns/1/nil",
            "{}".to_string(),
            &[("content-type", "application/json")],
        )
        .await;
    assert_eq!(json.status, StatusCode::BAD_REQUEST);
    // An upload whose token is not its first field is refused before a file is read.
    let late = submitter
        .upload(
            "/returns/1/upload",
            &[("people.csv", RETURN.as_bytes())],
            true,
        )
        .await;
    assert_eq!(late.status, StatusCode::FORBIDDEN);
    submitter.last = "0".repeat(64);
    let wrong = submitter
        .upload(
            "/returns/1/upload",
            &[("people.csv", RETURN.as_bytes())],
            false,
        )
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    // None of them changed anything; the right form from this site does.
    let page = submitter.get("/returns/1").await;
    assert_eq!(
        page.text_of("status").as_deref(),
        Some("Ready to sign off"),
        "{}",
        page.body
    );
    let done = submitter
        .post_raw(
            "/returns/1/nil",
            nil(&good),
            &[
                ("origin", "http://localhost"),
                ("sec-fetch-site", "same-origin"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        submitter
            .get("/returns/1")
            .await
            .text_of("status")
            .as_deref(),
        Some("Nil return")
    );
    // Signed-out forms (sign-in) need the `pre` cookie's token.
    let mut nobody = service.browser();
    let form = nobody.get("/sign-in").await;
    assert!(form.headers.get_all("set-cookie").iter().any(|c| {
        let c = c.to_str().unwrap_or_default();
        c.starts_with("sightline-pre=") && c.contains("HttpOnly") && c.contains("SameSite=Strict")
    }));
    let body = "email=a%40b.org&password=whatever-long-enough".to_string();
    assert_eq!(
        nobody.post_raw("/sign-in", body, &[]).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_end_when_idle_too_old_or_signed_out_and_are_replaced_at_sign_in() {
    let service = Service::start();
    // Idle past 30 minutes.
    let mut idle = service.signed_in("idle@example.org", "", &["auditor"]);
    assert_eq!(idle.get("/audit").await.status, StatusCode::OK);
    service.age_sessions("idle@example.org", 31 * 60, 31 * 60);
    assert_eq!(idle.get("/audit").await.location, "/sign-in");
    // Older than 12 hours, though in use.
    let mut old = service.signed_in("old@example.org", "", &["auditor"]);
    service.age_sessions("old@example.org", 12 * 3600 + 1, 0);
    assert_eq!(old.get("/audit").await.location, "/sign-in");
    // Signed out: the token no longer works, even if kept.
    let mut out = service.signed_in("out@example.org", "", &["auditor"]);
    let token = out.cookies["sightline-session"].clone();
    let page = out.post("/sign-out", &[]).await;
    assert_eq!(page.location, "/sign-in");
    assert!(
        !out.cookies.contains_key("sightline-session"),
        "the cookie is cleared"
    );
    out.cookies.insert("sightline-session".to_string(), token);
    assert_eq!(out.get("/audit").await.location, "/sign-in");

    // At sign-in the token changes twice: after the password, and after the code; the first
    // is worthless afterwards. The cookie is HttpOnly and SameSite=Strict.
    let invitation = service.invite("rotate@example.org", "", &["auditor"]);
    let mut browser = service.browser();
    let form = browser.get(&format!("/invitation/{invitation}")).await;
    let secret = form.field("secret").expect("secret");
    let step = now() / secrets::STEP_SECONDS;
    browser
        .post(
            &format!("/invitation/{invitation}"),
            &[
                ("secret", &secret),
                ("password", "tidy orange kettle 47"),
                ("code", &secrets::totp_code(&secret, step).expect("code")),
            ],
        )
        .await;
    browser.get("/sign-in").await;
    let half = browser
        .post(
            "/sign-in",
            &[
                ("email", "rotate@example.org"),
                ("password", "tidy orange kettle 47"),
            ],
        )
        .await;
    let cookie = half
        .headers
        .get("set-cookie")
        .expect("cookie")
        .to_str()
        .expect("text")
        .to_string();
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Path=/"),
        "{cookie}"
    );
    let first = browser.cookies["sightline-session"].clone();
    // Half signed in reaches only the code page.
    assert_eq!(browser.get("/audit").await.location, "/sign-in");
    browser.get("/sign-in/code").await;
    let code = secrets::totp_code(&secret, step + 1).expect("code");
    assert_eq!(
        browser
            .post("/sign-in/code", &[("code", &code)])
            .await
            .location,
        "/"
    );
    let second = browser.cookies["sightline-session"].clone();
    assert_ne!(first, second);
    assert_eq!(browser.get("/audit").await.status, StatusCode::OK);
    let mut stale = service.browser();
    stale.cookies.insert("sightline-session".to_string(), first);
    assert_eq!(stale.get("/audit").await.location, "/sign-in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_lock_the_account_and_codes_are_used_once() {
    let service = Service::start();
    let token = service.invite("lock@example.org", "", &["auditor"]);
    let mut browser = service.browser();
    let (secret, used) = browser
        .accept_invitation_and_sign_in(&token, "lock@example.org", "tidy orange kettle 47")
        .await;
    // The invitation worked once: the link is now refused.
    let again = browser.get(&format!("/invitation/{token}")).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(again.body.contains("expired or has been used"));
    // The code just used (step + 1) is refused a second time: sign out, in again with it.
    browser.post("/sign-out", &[]).await;
    browser.get("/sign-in").await;
    browser
        .post(
            "/sign-in",
            &[
                ("email", "lock@example.org"),
                ("password", "tidy orange kettle 47"),
            ],
        )
        .await;
    browser.get("/sign-in/code").await;
    let replay = secrets::totp_code(&secret, used).expect("code");
    let refused = browser.post("/sign-in/code", &[("code", &replay)]).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a replayed code is refused"
    );
    // A recovery code works once.
    // (The codes were shown at setup; take one from a fresh account instead.)
    let token = service.invite("recover@example.org", "", &["auditor"]);
    let step = now() / secrets::STEP_SECONDS;
    let mut other = service.browser();
    let form = other.get(&format!("/invitation/{token}")).await;
    let key = form.field("secret").expect("secret");
    let shown = other
        .post(
            &format!("/invitation/{token}"),
            &[
                ("secret", &key),
                ("password", "quiet harbour lamp 9"),
                ("code", &secrets::totp_code(&key, step).expect("code")),
            ],
        )
        .await;
    let codes: Vec<String> = shown
        .body
        .split("<li>")
        .skip(1)
        .filter_map(|li| li.split("</li>").next())
        .filter(|c| c.len() == 11 && c.contains('-'))
        .map(str::to_string)
        .collect();
    assert_eq!(codes.len(), 10, "{}", shown.body);
    for attempt in 0..2 {
        other.get("/sign-in").await;
        other
            .post(
                "/sign-in",
                &[
                    ("email", "recover@example.org"),
                    ("password", "quiet harbour lamp 9"),
                ],
            )
            .await;
        other.get("/sign-in/code").await;
        let page = other
            .post("/sign-in/code", &[("code", &codes[0].to_uppercase())])
            .await;
        if attempt == 0 {
            assert_eq!(page.location, "/", "{}", page.body);
            other.post("/sign-out", &[]).await;
        } else {
            assert_eq!(
                page.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "a used recovery code is refused"
            );
        }
    }

    // Five wrong passwords lock the account: the right one is then refused too.
    let mut attacker = service.browser();
    for _ in 0..5 {
        attacker.get("/sign-in").await;
        let page = attacker
            .post(
                "/sign-in",
                &[
                    ("email", "lock@example.org"),
                    ("password", "not the password"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let mut owner = service.browser();
    owner.get("/sign-in").await;
    let page = owner
        .post(
            "/sign-in",
            &[
                ("email", "lock@example.org"),
                ("password", "tidy orange kettle 47"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("locked"), "{}", page.body);
    let events = service.with_store(|store| store.audit_events().expect("events"));
    assert!(
        events
            .iter()
            .any(|e| e.subject == "sign-in failed: lock@example.org"
                && e.reason.contains("account locked"))
    );
    // An unknown email is refused the same way, and audited without the text typed.
    let mut stranger = service.browser();
    stranger.get("/sign-in").await;
    let page = stranger
        .post(
            "/sign-in",
            &[
                ("email", "nobody@example.org"),
                ("password", "whatever it is"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("Enter a correct email address and password")
    );
    let events = service.with_store(|store| store.audit_events().expect("events"));
    assert!(
        !events
            .iter()
            .any(|e| e.subject.contains("nobody@example.org"))
    );

    // One address: after 20 failures in 15 minutes, every sign-in from it waits.
    for _ in 0..20 {
        stranger.get("/sign-in").await;
        stranger
            .post(
                "/sign-in",
                &[
                    ("email", "nobody@example.org"),
                    ("password", "whatever it is"),
                ],
            )
            .await;
    }
    stranger.get("/sign-in").await;
    let page = stranger
        .post(
            "/sign-in",
            &[
                ("email", "recover@example.org"),
                ("password", "quiet harbour lamp 9"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_the_security_headers() {
    let service = Service::start();
    let mut browser = service.browser();
    for path in [
        "/sign-in",
        "/assets/govuk-frontend.min.css",
        "/nowhere",
        "/calls",
    ] {
        let page = browser.get(path).await;
        let header = |name: &str| {
            page.headers
                .get(name)
                .map(|v| v.to_str().unwrap_or_default().to_string())
                .unwrap_or_default()
        };
        assert_eq!(
            header("content-security-policy"),
            sightline_service::CSP,
            "{path}"
        );
        assert!(header("content-security-policy").contains("frame-ancestors 'none'"));
        assert!(!header("content-security-policy").contains("unsafe"));
        assert_eq!(header("x-content-type-options"), "nosniff");
        assert_eq!(header("x-frame-options"), "DENY");
        assert_eq!(header("referrer-policy"), "same-origin");
    }
    // Pages are never cached; no page has an inline script or style.
    let page = browser.get("/sign-in").await;
    assert_eq!(page.headers["cache-control"], "no-store");
    assert!(
        !page.body.contains("<script>")
            && !page.body.contains("style=")
            && !page.body.contains("<style")
    );
    assert!(
        page.body
            .contains("<script type=\"module\" src=\"/assets/init.js\"></script>")
    );
    // The bundled CSS names no font or image of GOV.UK's own.
    let css = browser.get("/assets/govuk-frontend.min.css").await;
    assert!(!css.body.contains("GDS Transport") && !css.body.contains("url("));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_over_the_limit_is_refused_before_it_is_kept() {
    let service = Service::start();
    with_a_call(&service).await;
    let mut submitter = service.signed_in("big@la001.example", "LA001", &["submitter"]);
    // A small limit for the test: the service's is 200 MB.
    let mut config = sightline_service::Config::new(service.workspace());
    config.max_upload_bytes = 10_000;
    let app = std::sync::Arc::new(sightline_service::App::new(config).expect("app"));
    let small = common::Service {
        dir: tempfile::tempdir().expect("dir"),
        router: sightline_service::router(std::sync::Arc::clone(&app)),
        app,
        database: None,
    };
    let mut browser = small.browser();
    browser.cookies = submitter.cookies.clone();
    browser.last = submitter.last.clone();
    let mut big =
        String::from("person_id,role,given_name,family_name,date_of_birth,sex,postcode\n");
    while big.len() < 20_000 {
        big.push_str("P1,victim,Amy,Stone,2008-02-20,female,ZZ1 1AA\n");
    }
    let page = browser
        .upload(
            "/returns/1/upload",
            &[("people.csv", big.as_bytes())],
            false,
        )
        .await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", page.body);
    assert!(page.body.contains("too large"));
    // Nothing was kept: LA001 still has only the setup's version.
    let own = submitter.get("/returns/1").await;
    assert!(own.body.contains("Version 1") && !own.body.contains("Version 2"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guessable_password_is_refused_when_an_account_is_set_up() {
    let service = Service::start();
    let token = service.invite("new@la001.example", "LA001", &["submitter"]);
    let mut browser = service.browser();
    let setup = browser.get(&format!("/invitation/{token}")).await;
    let secret = setup.field("secret").expect("secret on the page");
    let code = secrets::totp_code(&secret, now() / secrets::STEP_SECONDS).expect("code");
    // Twelve characters and more, but among the commonest breached passwords or a keyboard
    // walk: refused with a reason, and the invitation still stands.
    for weak in ["1q2w3e4r5t6y", "dragonmonkey12"] {
        let refused = browser
            .post(
                &format!("/invitation/{token}"),
                &[("secret", &secret), ("password", weak), ("code", &code)],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{weak}");
        assert!(
            refused.body.contains("Password is too easy to guess"),
            "{weak}: {}",
            refused.body
        );
        assert!(!refused.body.contains("recovery-codes"));
    }
    browser
        .accept_invitation_and_sign_in(&token, "new@la001.example", "tidy orange kettle 47")
        .await;
}
