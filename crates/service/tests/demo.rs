//! `sightline demo --serve` as the README says: the demo's workspace becomes a data call, and
//! each account printed signs in with its password and authenticator key; the demonstration
//! council's submitter uploads the messy file and sees its problem.

mod common;

use axum::http::StatusCode;
use common::{Browser, outside};
use sightline_service::secrets;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_serves_a_data_call_every_printed_account_can_use() {
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("demo");
    let prepared = {
        let out = out.clone();
        outside(move || {
            let options = sightline_pipeline::DemoOptions {
                out: out.clone(),
                scale: 0.05,
                seed: 3,
            };
            sightline_pipeline::demo(&options, Some("demo"), &sightline_pipeline::Silent)
                .expect("demo");
            sightline_service::demo::prepare(&out.join("ws"), &out, "demo").expect("prepare")
        })
    };
    assert_eq!(prepared.accounts.len(), 7);
    let app = Arc::new(
        sightline_service::App::new(sightline_service::Config::new(out.join("ws"))).expect("app"),
    );
    let router = sightline_service::router(Arc::clone(&app));
    let browser = || Browser::new(router.clone());

    // Every account signs in with what was printed, and lands on its part of the service.
    let step = common::now() / secrets::STEP_SECONDS;
    for account in &prepared.accounts {
        let mut b = browser();
        b.sign_in(&account.email, &account.password, &account.key, step)
            .await;
        let home = b.get("/").await;
        let expected = match account.role {
            "analyst" => "/calls",
            "submitter" | "signatory" => "/returns",
            "admin" | "approver" => "/users",
            "publisher" => "/analysis",
            _ => "/audit",
        };
        assert_eq!(home.location, expected, "{}", account.role);
    }

    // The analyst's dashboard: the demo's returns are accepted, DEMO01 has not started.
    let analyst = prepared
        .accounts
        .iter()
        .find(|a| a.role == "analyst")
        .expect("analyst");
    let mut b = browser();
    b.sign_in(&analyst.email, &analyst.password, &analyst.key, step + 1)
        .await;
    let dashboard = b.get("/calls/1").await;
    assert!(dashboard.body.contains("Demonstration council"));
    assert!(dashboard.body.contains("Accepted"));
    // The synthetic agencies' profiles are kept for their uploads.
    let profiles = std::fs::read_dir(out.join("syn/profiles"))
        .expect("profiles")
        .count();
    assert!(profiles > 0);
    let with_profile = std::fs::read_dir(out.join("syn/profiles"))
        .expect("profiles")
        .flatten()
        .map(|e| {
            e.path()
                .file_stem()
                .expect("stem")
                .to_string_lossy()
                .into_owned()
        })
        .next()
        .expect("one");
    let agency_page = b.get(&format!("/calls/1/agencies/{with_profile}")).await;
    assert!(
        agency_page.body.contains("read through its profile"),
        "{with_profile}"
    );

    // The submitter uploads the messy file and sees the impossible date on row 2.
    let submitter = prepared
        .accounts
        .iter()
        .find(|a| a.role == "submitter")
        .expect("submitter");
    let mut b = browser();
    b.sign_in(
        &submitter.email,
        &submitter.password,
        &submitter.key,
        step + 1,
    )
    .await;
    b.get("/returns/1").await;
    let messy = std::fs::read(&prepared.messy).expect("messy file");
    let sent = b
        .upload("/returns/1/upload", &[("people.csv", &messy)], false)
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    let page = b.get("/returns/1").await;
    assert!(
        page.body.contains("E003") && page.body.contains("W101"),
        "{}",
        page.body
    );
}
