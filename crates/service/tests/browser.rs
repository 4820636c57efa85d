//! The journey in a real browser: Debian's Chromium, driven over WebDriver (chromium-driver),
//! against the service on a loopback port. An administrator sets up a data call and invites an
//! agency's officer; the officer sets up their authenticator, uploads a messy return, sees the
//! problem with its row number, fixes it, explains the query and signs off; the administrator
//! (also the analyst) accepts it and sees it on the dashboard and the audit log. The
//! administrator signs in with the keyboard alone; every form field on the way must have a
//! label; GOV.UK Frontend's script must run under the Content-Security-Policy. Screenshots of
//! the key pages go to `target/tmp/screenshots/`.
//!
//! Each page is also checked with axe-core (WCAG 2.1 A and AA rules), fetched from the npm
//! registry at test time into `target/tmp/` (it is not part of Sightline).
//!
//! Needs `chromium` and `chromedriver` on the PATH (scripts/test.sh installs them) and `npm`.

mod common;

use common::Service;
use fantoccini::{Client, ClientBuilder, Locator};
use sightline_service::secrets;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";

const MESSY: &str = "person_id,role,given_name,family_name,date_of_birth,sex,ethnicity,postcode
P1,victim,Amy,Stone,2008-02-30,female,White British,ZZ1 1AA
P2,victim,Beth,Cole,2009-05-01,female,Martian,ZZ1 1AB
P3,suspect,Carl,Dunn,1990-01-01,male,A1,ZZ1 1AC
";

const FIXED: &str = "person_id,role,given_name,family_name,date_of_birth,sex,ethnicity,postcode
P1,victim,Amy,Stone,2008-02-20,female,White British,ZZ1 1AA
P2,victim,Beth,Cole,2009-05-01,female,Martian,ZZ1 1AB
P3,suspect,Carl,Dunn,1990-01-01,male,A1,ZZ1 1AC
";

/// axe-core's version, fetched with npm at test time.
const AXE: &str = "4.14.1";

/// axe-core's script, from the npm registry (kept under target/tmp after the first run).
fn axe_source() -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("axe-core-{AXE}"));
    let script = dir.join("package/axe.min.js");
    if !script.exists() {
        std::fs::create_dir_all(&dir).expect("dir");
        let packed = std::process::Command::new("npm")
            .args(["pack", &format!("axe-core@{AXE}"), "--silent"])
            .current_dir(&dir)
            .status()
            .expect("npm is needed to fetch axe-core for the accessibility check");
        assert!(packed.success(), "npm pack axe-core@{AXE} failed");
        let unpacked = std::process::Command::new("tar")
            .args(["xzf", &format!("axe-core-{AXE}.tgz")])
            .current_dir(&dir)
            .status()
            .expect("tar");
        assert!(unpacked.success(), "cannot unpack axe-core");
    }
    std::fs::read_to_string(&script).expect("axe.min.js")
}

/// chromedriver on a free port, stopped when dropped.
struct Driver {
    child: std::process::Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn driver() -> Driver {
    let port = free_port();
    let child = std::process::Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("chromedriver is not on the PATH: run the tests with scripts/test.sh, which installs Debian's chromium and chromium-driver");
    Driver { child, port }
}

async fn browser(driver: &Driver) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_string(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1400"]
        }),
    );
    let url = format!("http://127.0.0.1:{}", driver.port);
    // chromedriver takes a moment to listen: try for up to about 20 seconds.
    let mut last = None;
    for _ in 0..100 {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities.clone())
            .connect(&url)
            .await
        {
            Ok(client) => return client,
            Err(error) => last = Some(error),
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("cannot start a Chromium session through chromedriver: {last:?}");
}

struct Journey {
    client: Client,
    axe: String,
    base: String,
    shots: PathBuf,
    shot: usize,
}

impl Journey {
    async fn go(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .expect("goto");
    }

    async fn fill(&self, id: &str, text: &str) {
        let field = self.client.find(Locator::Id(id)).await.expect(id);
        field.clear().await.expect("clear");
        field.send_keys(text).await.expect("type");
    }

    async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .expect("click");
    }

    /// Clicks a button or link that loads a new page, and waits until the new page has loaded
    /// (WebDriver's click can return before the form's answer arrives).
    async fn submit(&self, css: &str) {
        self.client
            .execute("window.sightlineOldPage = true;", vec![])
            .await
            .expect("mark");
        self.click(css).await;
        for _ in 0..200 {
            let loaded = self
                .client
                .execute(
                    "return window.sightlineOldPage === undefined && document.readyState === 'complete';",
                    vec![],
                )
                .await;
            if loaded.is_ok_and(|done| done == serde_json::json!(true)) {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("{css} did not load a new page");
    }

    async fn text(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .text()
            .await
            .expect("text")
    }

    async fn body(&self) -> String {
        self.text("body").await
    }

    async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("url");
        url.path().to_string()
    }

    /// Every visible form field has a label (or an aria-label), and GOV.UK Frontend's script
    /// ran (it marks the body once loaded, under the Content-Security-Policy).
    async fn check_page(&self) {
        let unlabelled = self
            .client
            .execute(
                "return Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
                   .filter(e => e.labels.length === 0 && !e.getAttribute('aria-label'))
                   .map(e => e.name || e.id);",
                vec![],
            )
            .await
            .expect("script");
        assert_eq!(
            unlabelled,
            serde_json::json!([]),
            "unlabelled fields on {}",
            self.path().await
        );
        let started = self
            .client
            .execute(
                "return document.body.classList.contains('govuk-frontend-supported');",
                vec![],
            )
            .await
            .expect("script");
        assert_eq!(
            started,
            serde_json::json!(true),
            "GOV.UK Frontend did not start on {}",
            self.path().await
        );
        // axe-core, injected by the driver (not by the page, whose policy allows no such
        // script), on WCAG 2.1 A and AA rules.
        let loaded = self
            .client
            .execute(&format!("{}\nreturn typeof axe;", self.axe), vec![])
            .await
            .expect("inject axe-core");
        assert_eq!(loaded, serde_json::json!("object"), "axe-core did not load");
        assert_eq!(
            self.axe_violations().await,
            serde_json::json!([]),
            "accessibility on {}",
            self.path().await
        );
    }

    /// The WCAG 2.1 A and AA rules axe-core finds broken on the page (axe-core injected).
    async fn axe_violations(&self) -> serde_json::Value {
        self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
                    .then(r => done(r.violations.map(v => v.id + ' (' + v.nodes.length + '): ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
                    .catch(e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .expect("axe-core")
    }

    async fn screenshot(&mut self, name: &str) {
        self.shot += 1;
        let png = self.client.screenshot().await.expect("screenshot");
        assert_eq!(&png[1..4], b"PNG");
        std::fs::write(self.shots.join(format!("{:02}-{name}.png", self.shot)), png)
            .expect("write");
    }

    /// Sets up an account from its invitation link; returns the key and the recovery codes.
    async fn set_up(&self, link: &str, password: &str) -> (String, Vec<String>) {
        self.client.goto(link).await.expect("invitation");
        self.check_page().await;
        let secret = self.text("#totp-secret").await;
        self.fill("password", password).await;
        let step = common::now() / secrets::STEP_SECONDS;
        self.fill("code", &secrets::totp_code(&secret, step).expect("code"))
            .await;
        self.submit("main form button[type=submit]").await;
        let codes: Vec<String> = {
            let items = self
                .client
                .find_all(Locator::Css("#recovery-codes li"))
                .await
                .expect("codes");
            let mut codes = Vec::new();
            for item in items {
                codes.push(item.text().await.expect("code"));
            }
            codes
        };
        assert_eq!(codes.len(), 10, "{}", self.body().await);
        (secret, codes)
    }

    async fn sign_in(&self, email: &str, password: &str, code: &str) {
        self.go("/sign-in").await;
        self.fill("email", email).await;
        self.fill("password", password).await;
        self.submit("main form button[type=submit]").await;
        assert_eq!(self.path().await, "/sign-in/code");
        self.fill("code", code).await;
        self.submit("main form button[type=submit]").await;
    }

    async fn sign_out(&self) {
        self.submit("form[action='/sign-out'] button").await;
        self.wait_for("/sign-in").await;
    }

    /// Waits for the browser to arrive at `path` (a form's answer can land after the click
    /// returns); fails with the page it is on if it never does.
    async fn wait_for(&self, path: &str) {
        for _ in 0..100 {
            if self.path().await == path {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!(
            "never reached {path}; on {}: {}",
            self.path().await,
            self.body().await
        );
    }

    /// The id (or tag) of the element with focus.
    async fn focused(&self) -> String {
        self.client
            .execute(
                "const e = document.activeElement; return e.id || e.tagName.toLowerCase();",
                vec![],
            )
            .await
            .expect("script")
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Presses Tab until `id` has focus (at most 12 times); fails if it never does.
    async fn tab_to(&self, id: &str) {
        for _ in 0..12 {
            if self.focused().await == id {
                return;
            }
            self.client
                .active_element()
                .await
                .expect("focus")
                .send_keys(TAB)
                .await
                .expect("tab");
        }
        panic!(
            "{id} cannot be reached with the Tab key on {}",
            self.path().await
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_journey_in_chromium_with_the_keyboard_and_labelled_fields() {
    let service = Service::start();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let router = sightline_service::router(Arc::clone(&service.app));
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .expect("serve");
    });
    let files = service.dir.path().join("files");
    std::fs::create_dir_all(files.join("messy")).expect("dir");
    std::fs::create_dir_all(files.join("fixed")).expect("dir");
    std::fs::write(files.join("messy/people.csv"), MESSY).expect("write");
    std::fs::write(files.join("fixed/people.csv"), FIXED).expect("write");
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&shots).expect("screenshots");

    let driver = driver();
    let client = browser(&driver).await;
    let mut j = Journey {
        client,
        axe: axe_source(),
        base: format!("http://{address}"),
        shots,
        shot: 0,
    };

    // The administrator's account, from the command line's invitation.
    let token = service.invite("ada@national.example", "", &["admin", "analyst", "auditor"]);
    let (admin_key, admin_codes) = j
        .set_up(
            &format!("{}/invitation/{token}", j.base),
            "tidy orange kettle 47",
        )
        .await;

    // Signing in with the keyboard alone: the skip link comes first.
    j.go("/sign-in").await;
    j.check_page().await;
    // The check can fail: an image without a text alternative, put on the page, is found.
    j.client
        .execute(
            "document.querySelector('main').appendChild(document.createElement('img'));",
            vec![],
        )
        .await
        .expect("script");
    let found = j.axe_violations().await;
    assert!(
        found.as_array().is_some_and(|v| v
            .iter()
            .any(|x| x.as_str().is_some_and(|x| x.starts_with("image-alt")))),
        "{found}"
    );
    j.go("/sign-in").await;
    j.screenshot("sign-in").await;
    j.client
        .active_element()
        .await
        .expect("focus")
        .send_keys(TAB)
        .await
        .expect("tab");
    assert!(
        j.client
            .execute(
                "return document.activeElement.classList.contains('govuk-skip-link');",
                vec![]
            )
            .await
            .expect("script")
            == serde_json::json!(true),
        "the first Tab reaches the skip link"
    );
    j.tab_to("email").await;
    j.client
        .active_element()
        .await
        .expect("focus")
        .send_keys("ada@national.example")
        .await
        .expect("type");
    j.tab_to("password").await;
    j.client
        .active_element()
        .await
        .expect("focus")
        .send_keys(&format!("tidy orange kettle 47{ENTER}"))
        .await
        .expect("type");
    j.wait_for("/sign-in/code").await;
    j.check_page().await;
    j.tab_to("code").await;
    let step = common::now() / secrets::STEP_SECONDS;
    let code = secrets::totp_code(&admin_key, step + 1).expect("code");
    j.client
        .active_element()
        .await
        .expect("focus")
        .send_keys(&format!("{code}{ENTER}"))
        .await
        .expect("type");
    j.wait_for("/calls").await;

    // A data call (every agency of the register is ticked).
    j.check_page().await;
    j.fill("name", "Child sexual exploitation 2025-26").await;
    j.fill("period_from", "2025-04-01").await;
    j.fill("period_to", "2026-03-31").await;
    j.fill("deadline", "2099-06-30").await;
    j.fill("close_date", "2099-07-31").await;
    j.submit("form[action='/calls'] button[type=submit]").await;
    assert_eq!(j.path().await, "/calls/1");
    assert!(j.text("#received").await.starts_with("0 of 3"));

    // The council's officer is invited.
    j.go("/users").await;
    j.check_page().await;
    j.fill("name", "Dana Officer").await;
    j.fill("email", "dana@la001.example").await;
    j.click("#agency option[value='LA001']").await;
    j.click("#role").await; // submitter, the first role
    j.click("#role-signatory").await;
    j.submit("form[action='/users'] button[type=submit]").await;
    let link = j.text("#invitation-link").await;
    assert!(link.starts_with(&j.base), "{link}");
    j.sign_out().await;

    // The officer sets up, signs in, and uploads the messy return.
    let (dana_key, _) = j.set_up(&link, "quiet harbour lamp 9").await;
    let step = common::now() / secrets::STEP_SECONDS;
    j.sign_in(
        "dana@la001.example",
        "quiet harbour lamp 9",
        &secrets::totp_code(&dana_key, step + 1).expect("code"),
    )
    .await;
    assert_eq!(j.path().await, "/returns");
    j.submit("a[href='/returns/1']").await;
    j.check_page().await;
    j.client
        .find(Locator::Id("files"))
        .await
        .expect("file input")
        .send_keys(&files.join("messy/people.csv").display().to_string())
        .await
        .expect("choose file");
    j.submit("form[action='/returns/1/upload'] button[type=submit]")
        .await;
    let summary = j.text(".govuk-error-summary").await;
    assert!(summary.contains("E003"), "{summary}");
    let problems = j.text("#problems").await;
    assert!(
        problems.contains("people.csv 2 date_of_birth"),
        "{problems}"
    );
    assert_eq!(j.text("#status").await, "In progress");
    j.check_page().await;
    j.screenshot("validation-errors").await;

    // The fix, the explanation, the sign-off.
    j.client
        .find(Locator::Id("files"))
        .await
        .expect("file input")
        .send_keys(&files.join("fixed/people.csv").display().to_string())
        .await
        .expect("choose file");
    j.submit("form[action='/returns/1/upload'] button[type=submit]")
        .await;
    assert!(!j.body().await.contains("E003"));
    j.fill("explanation-W101", "Recorded as the child described it.")
        .await;
    j.submit("form[action='/returns/1/explain'] button[type=submit]")
        .await;
    assert_eq!(j.text("#status").await, "Ready to sign off");
    j.screenshot("ready-to-sign-off").await;
    j.click("#declaration").await;
    j.submit("form[action='/returns/1/sign-off'] button[type=submit]")
        .await;
    assert_eq!(j.text("#status").await, "Submitted");
    j.sign_out().await;

    // The administrator comes back with a recovery code and accepts the return.
    j.sign_in(
        "ada@national.example",
        "tidy orange kettle 47",
        &admin_codes[0],
    )
    .await;
    j.go("/calls/1").await;
    assert!(
        j.text("#received").await.starts_with("1 of 3"),
        "{}",
        j.body().await
    );
    j.screenshot("dashboard").await;
    j.submit("a[href='/calls/1/agencies/LA001']").await;
    j.check_page().await;
    j.submit("form[action$='/accept'] button[type=submit]")
        .await;
    assert_eq!(j.text("#status").await, "Accepted", "{}", j.body().await);

    // Linkage runs as a job; the analysis page says when it has finished.
    j.go("/analysis").await;
    j.submit("form[action='/analysis/link'] button[type=submit]")
        .await;
    assert_eq!(j.path().await, "/analysis");
    let mut finished = false;
    for _ in 0..600 {
        if j.client.find(Locator::Id("job-outcome")).await.is_ok() {
            finished = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        j.go("/analysis").await;
    }
    assert!(
        finished,
        "the linkage job did not finish: {}",
        j.body().await
    );
    assert!(
        j.text("#job-outcome").await.starts_with("Linkage run 1: "),
        "{}",
        j.body().await
    );
    j.check_page().await;
    j.screenshot("analysis").await;

    // The audit log shows it all, and verifies.
    j.go("/audit").await;
    let log = j.body().await;
    for expected in [
        "signed in: ada@national.example",
        "user added: dana@la001.example",
        "upload: call 1, agency LA001, version 1",
        "signed off: call 1, agency LA001, version 2",
        "accepted: call 1, agency LA001, version 2",
    ] {
        assert!(
            log.contains(expected),
            "{expected} missing from the audit page"
        );
    }
    assert!(j.text("#verdict").await.contains("verifies"));
    j.screenshot("audit-log").await;
    j.client.close().await.expect("close");
}
