//! The data call from end to end through the service's pages: an administrator sets up a call
//! and invites an agency's user; the user sets up their account, uploads a return with a bad
//! row, sees the problem with its row number, fixes it, explains the query, signs off; the
//! analyst accepts, and the return is in the store with the whole story on the audit log.

mod common;

use axum::http::StatusCode;
use common::Service;

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_return_goes_from_invitation_to_accepted_with_every_step_audited() {
    journey(Service::start()).await;
}

/// The same on the shared store (needs the PostgreSQL server the tests are given).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_journey_on_postgresql() {
    journey(Service::start_on(true)).await;
}

async fn journey(service: Service) {
    // The administrator (also the analyst) sets up their account from the CLI's invitation.
    let admin_token = service.invite("ada@national.example", "", &["admin", "analyst"]);
    let mut admin = service.browser();
    admin
        .accept_invitation_and_sign_in(
            &admin_token,
            "ada@national.example",
            "tidy orange kettle 47",
        )
        .await;
    assert_eq!(admin.get("/").await.location, "/calls");

    // A data call asking two councils.
    admin.get("/calls").await;
    let made = admin
        .make_call("Child sexual exploitation 2025-26", &["LA001", "LA002"])
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let call = made.location.clone();
    assert_eq!(call, "/calls/1");
    let dashboard = admin.get(&call).await;
    assert_eq!(
        dashboard.text_of("received").as_deref(),
        Some("0 of 2 agencies have returned (signed off, accepted or nil).")
    );

    // An invalid call is refused with what to fix, and nothing is made.
    let bad = admin
        .post(
            "/calls",
            &[
                ("name", ""),
                ("period_from", "2025-13-01"),
                ("period_to", "2026-03-31"),
                ("deadline", "2099-06-30"),
                ("close_date", "2099-01-01"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("Enter the data call&#x27;s name")
            || bad.body.contains("Enter the data call's name")
            || bad.body.contains("Enter the data call&#39;s name"),
        "{}",
        bad.body
    );
    assert!(
        bad.body.contains("period&#x27;s first day")
            || bad.body.contains("period's first day")
            || bad.body.contains("period&#39;s first day")
    );

    // The administrator invites the council's data officer, who submits and signs off.
    admin.get("/users").await;
    let invited = admin
        .post(
            "/users",
            &[
                ("name", "Dana Officer"),
                ("email", "dana@la001.example"),
                ("agency", "LA001"),
                ("role", "submitter"),
                ("role", "signatory"),
            ],
        )
        .await;
    assert_eq!(invited.status, StatusCode::OK, "{}", invited.body);
    let link = invited
        .text_of("invitation-link")
        .expect("the link is shown once");
    let token = link.rsplit('/').next().expect("token").to_string();

    let mut dana = service.browser();
    dana.accept_invitation_and_sign_in(&token, "dana@la001.example", "quiet harbour lamp 9")
        .await;
    let returns = dana.get("/returns").await;
    assert!(returns.body.contains("Child sexual exploitation 2025-26"));
    assert!(returns.body.contains("Not started"));

    // The template download moves the status on.
    let template = dana.get("/returns/1/template.xlsx").await;
    assert_eq!(template.status, StatusCode::OK);
    assert_eq!(&template.bytes[..2], b"PK", "an XLSX is a zip");
    let page = dana.get("/returns/1").await;
    assert_eq!(
        page.text_of("status").as_deref(),
        Some("Template downloaded")
    );

    // The messy upload: an impossible date rejects row 2; an unknown ethnicity is a query.
    let uploaded = dana
        .upload(
            "/returns/1/upload",
            &[("people.csv", MESSY.as_bytes())],
            false,
        )
        .await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.body);
    let page = dana.get("/returns/1").await;
    assert_eq!(page.text_of("status").as_deref(), Some("In progress"));
    assert!(page.body.contains("E003"), "{}", page.body);
    assert!(page.body.contains("date_of_birth"));
    assert!(
        page.body.contains("<td class=\"govuk-table__cell\">2</td>"),
        "row 2 is named"
    );
    assert!(page.body.contains("W101"));
    assert!(
        !page.body.contains("/returns/1/sign-off"),
        "no sign-off while rows are rejected"
    );

    // The problems as CSV, with the row and the value.
    let problems_link = "/returns/1/submissions/1/problems.csv";
    let problems = dana.get(problems_link).await;
    assert_eq!(problems.status, StatusCode::OK);
    assert!(
        problems
            .body
            .starts_with("rule,severity,file,sheet,table,row,column")
    );
    assert!(
        problems
            .body
            .contains("E003,error,people.csv,,people,2,date_of_birth,date_of_birth,2008-02-30"),
        "{}",
        problems.body
    );

    // The fix, then the explanation of the query.
    dana.upload(
        "/returns/1/upload",
        &[("people.csv", FIXED.as_bytes())],
        false,
    )
    .await;
    let page = dana.get("/returns/1").await;
    assert!(page.body.contains("Version 2"));
    assert!(!page.body.contains("E003"));
    assert_eq!(
        page.text_of("status").as_deref(),
        Some("In progress"),
        "the query is not explained yet"
    );
    let explained = dana
        .post(
            "/returns/1/explain",
            &[
                ("rule", "W101"),
                (
                    "explanation",
                    "Recorded as the child described it; the record system allows free text.",
                ),
            ],
        )
        .await;
    assert_eq!(
        explained.status,
        StatusCode::SEE_OTHER,
        "{}",
        explained.body
    );
    let page = dana.get("/returns/1").await;
    assert_eq!(page.text_of("status").as_deref(), Some("Ready to sign off"));

    // Sign-off needs the declaration.
    let refused = dana.post("/returns/1/sign-off", &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let signed = dana
        .post("/returns/1/sign-off", &[("declaration", "yes")])
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let page = dana.get("/returns/1").await;
    assert_eq!(page.text_of("status").as_deref(), Some("Submitted"));
    assert!(page.body.contains("Signed off by dana@la001.example"));
    // A signed-off return can no longer change.
    let late = dana
        .upload(
            "/returns/1/upload",
            &[("people.csv", MESSY.as_bytes())],
            false,
        )
        .await;
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The analyst sees it received and accepts it: it is stored as a return.
    let dashboard = admin.get("/calls/1").await;
    assert_eq!(
        dashboard.text_of("received").as_deref(),
        Some("1 of 2 agencies have returned (signed off, accepted or nil).")
    );
    // Received against asked, by region (from the register's optional region column).
    let by_region: String = dashboard
        .body
        .split("By region")
        .nth(1)
        .unwrap_or_default()
        .split("</table>")
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    assert!(by_region.contains("North</td><tdclass=\"govuk-table__cellgovuk-table__cell--numeric\">1</td><tdclass=\"govuk-table__cellgovuk-table__cell--numeric\">1</td>"), "{by_region}");
    assert!(by_region.contains("South</td><tdclass=\"govuk-table__cellgovuk-table__cell--numeric\">0</td><tdclass=\"govuk-table__cellgovuk-table__cell--numeric\">1</td>"), "{by_region}");
    let agency = admin.get("/calls/1/agencies/LA001").await;
    assert!(
        agency.body.contains("W101"),
        "the explanation is shown to the analyst"
    );
    let accepted = admin.post("/calls/1/agencies/LA001/accept", &[]).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let agency = admin.get("/calls/1/agencies/LA001").await;
    assert_eq!(agency.text_of("status").as_deref(), Some("Accepted"));

    // The analyst links the records and previews the report; the publisher, a second person,
    // publishes it; the analyst may not.
    let feedback = dana.get("/returns/1/feedback").await;
    assert_eq!(
        feedback.text_of("linked").as_deref(),
        Some("The national team has not linked the records since your return was accepted.")
    );
    let linked = service.run_job(&mut admin, "/analysis/link").await;
    assert!(
        linked
            .text_of("job-outcome")
            .is_some_and(|m| m.starts_with("Linkage run 1: 3 records linked into 3 people")),
        "{}",
        linked.body
    );
    assert!(
        linked
            .text_of("job-finished")
            .is_some_and(|m| m.starts_with("Linkage, started by ")),
        "{}",
        linked.body
    );
    assert!(linked.text_of("job-running").is_none());
    // A preview is made as a job and kept for the analyst who asked for it.
    let none_yet = admin.get("/analysis/preview").await;
    assert!(
        none_yet
            .text_of("message")
            .is_some_and(|m| m.starts_with("You have no preview yet")),
        "{}",
        none_yet.body
    );
    let ready = service.run_job(&mut admin, "/analysis/preview").await;
    assert!(ready.text_of("preview-link").is_some(), "{}", ready.body);
    let preview = admin.get("/analysis/preview").await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.body.contains("the national picture</title>"));
    assert_eq!(
        preview.headers["content-security-policy"],
        sightline_service::pages::analysis::REPORT_CSP
    );
    let mut other_analyst = service.signed_in("ola@national.example", "", &["analyst"]);
    let theirs = other_analyst.get("/analysis/preview").await;
    assert!(
        !theirs.body.contains("the national picture</title>")
            && theirs.text_of("message").is_some(),
        "a preview is shown only to whoever made it: {}",
        theirs.body
    );
    let refused = admin.post("/analysis/publish", &[]).await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "the analyst has no publisher role"
    );
    let mut publisher = service.signed_in("pat@national.example", "", &["publisher"]);
    let published = service.run_job(&mut publisher, "/analysis/publish").await;
    assert!(
        published
            .text_of("job-outcome")
            .is_some_and(|m| m.starts_with("Published:")),
        "{}",
        published.body
    );
    // An analyst reads a record's identifiers only with a reason, and it is audited.
    admin.get("/reveal").await;
    let short = admin
        .post("/reveal", &[("record", "1"), ("reason", "check")])
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!short.body.contains("Stone"));
    let shown = admin
        .post(
            "/reveal",
            &[
                ("record", "1"),
                ("reason", "checking a doubtful link before publication"),
            ],
        )
        .await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert!(
        shown.body.contains("Stone") && shown.body.contains("2008-02-20"),
        "{}",
        shown.body
    );
    let missing = admin
        .post(
            "/reveal",
            &[("record", "999"), ("reason", "checking a doubtful link")],
        )
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Who ran the linkage may not publish what rests on it, whatever their roles.
    let mut both = service.signed_in("both@national.example", "", &["analyst", "publisher"]);
    service.run_job(&mut both, "/analysis/link").await;
    let own = both.post("/analysis/publish", &[]).await;
    assert!(
        own.text_of("message")
            .is_some_and(|m| m.contains("another publisher must publish it")),
        "{}",
        own.body
    );
    let feedback = dana.get("/returns/1/feedback").await;
    assert_eq!(
        feedback.text_of("linked").as_deref(),
        Some(
            "0 of your 3 person records were linked to a record another agency sent. Which agency is never shown."
        )
    );
    assert!(feedback.text_of("score").is_some(), "{}", feedback.body);
    assert!(feedback.body.contains("date of birth"));

    let (stored, agencies, events, verdict) = service.with_store(|store| {
        (
            store.returns(false).expect("returns"),
            store.agencies().expect("agencies"),
            store.audit_events().expect("events"),
            store.verify_audit().expect("verify"),
        )
    });
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].agency_id, "LA001");
    let la001 = agencies
        .into_iter()
        .find(|a| a.agency.agency_id == "LA001")
        .expect("LA001");
    assert_eq!(
        (la001.rows_accepted, la001.rows_rejected),
        (3, 0),
        "the fixed version was stored, all three rows"
    );

    // The non-submitters list names LA002 with its contacts (none yet).
    let csv = admin.get("/calls/1/non-submitters.csv").await;
    assert!(
        csv.body.contains("LA002,Children's services 002"),
        "{}",
        csv.body
    );
    assert!(!csv.body.contains("LA001,"));

    // Everything is on the audit log, and the chain verifies.
    let subjects: Vec<&str> = events.iter().map(|e| e.subject.as_str()).collect();
    for expected in [
        "account set up: ada@national.example",
        "signed in: ada@national.example",
        "data call created: Child sexual exploitation 2025-26",
        "user added: dana@la001.example",
        "template downloaded: call 1, agency LA001",
        "upload: call 1, agency LA001, version 1",
        "problems downloaded: call 1, agency LA001, version 1",
        "upload: call 1, agency LA001, version 2",
        "query explained: call 1, agency LA001, version 2, rule W101",
        "signed off: call 1, agency LA001, version 2",
        "accepted: call 1, agency LA001, version 2",
        "problems shown: call 1, agency LA001, version 1",
    ] {
        assert!(
            subjects.contains(&expected),
            "{expected} missing from {subjects:#?}"
        );
    }
    assert!(verdict.broken.is_none());
    assert!(
        events.iter().any(|e| e.action == "consultation"
            && e.user == "ada@national.example"
            && e.reason == "checking a doubtful link before publication"),
        "the reveal is a consultation with its reason"
    );
}

const CLEAN: &str = "person_id,role,given_name,family_name,date_of_birth,sex,postcode
Q1,victim,Amy,Stone,2008-02-20,female,ZZ1 1AA
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_return_sent_back_for_amendment_is_fixed_and_signed_off_again() {
    let service = Service::start();
    let mut analyst = service.signed_in("analyst@national.example", "", &["analyst"]);
    analyst.make_call("Call", &["LA002"]).await;
    let mut officer = service.signed_in(
        "officer@la002.example",
        "LA002",
        &["submitter", "signatory"],
    );
    officer
        .upload(
            "/returns/1/upload",
            &[("people.csv", CLEAN.as_bytes())],
            false,
        )
        .await;
    officer.get("/returns/1").await;
    officer
        .post("/returns/1/sign-off", &[("declaration", "yes")])
        .await;

    // Sent back with what to change: a comment is required.
    analyst.get("/calls/1/agencies/LA002").await;
    let bare = analyst
        .post("/calls/1/agencies/LA002/return", &[("comment", "  ")])
        .await;
    assert_eq!(bare.status, StatusCode::UNPROCESSABLE_ENTITY);
    let sent = analyst
        .post(
            "/calls/1/agencies/LA002/return",
            &[("comment", "Please add the missing episodes table.")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    // Nothing can be accepted until it is signed off again.
    let early = analyst.post("/calls/1/agencies/LA002/accept", &[]).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);

    let page = officer.get("/returns/1").await;
    assert_eq!(
        page.text_of("status").as_deref(),
        Some("Returned for amendment")
    );
    assert!(page.body.contains("Please add the missing episodes table."));
    // A new version, signed off again, is accepted.
    let second = CLEAN.replace("Q1,victim,Amy", "Q1,victim,Amelia");
    officer
        .upload(
            "/returns/1/upload",
            &[("people.csv", second.as_bytes())],
            false,
        )
        .await;
    officer.get("/returns/1").await;
    officer
        .post("/returns/1/sign-off", &[("declaration", "yes")])
        .await;
    assert_eq!(
        officer.get("/returns/1").await.text_of("status").as_deref(),
        Some("Submitted")
    );
    analyst.get("/calls/1/agencies/LA002").await;
    let accepted = analyst.post("/calls/1/agencies/LA002/accept", &[]).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    let history = analyst.get("/calls/1/agencies/LA002").await.body;
    let order: Vec<usize> = [
        "Not started",
        "Ready to sign off",
        "Submitted",
        "Returned for amendment",
        "Accepted",
    ]
    .iter()
    .map(|s| {
        history
            .find(&format!(">{s}</strong></td>"))
            .unwrap_or(usize::MAX)
    })
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "the history keeps every status in order: {order:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_that_cannot_be_read_get_a_reason_and_nothing_crashes() {
    let service = Service::start();
    let mut analyst = service.signed_in("analyst@national.example", "", &["analyst"]);
    analyst.make_call("Call", &["LA001"]).await;
    let mut officer = service.signed_in(
        "officer@la001.example",
        "LA001",
        &["submitter", "signatory"],
    );
    for (name, bytes) in [
        ("return.xlsx", b"PK\x03\x04 this is not a workbook".to_vec()),
        ("notes.csv", b"what,is,this\n1,2,3\n".to_vec()),
        ("empty.csv", Vec::new()),
    ] {
        let sent = officer
            .upload("/returns/1/upload", &[(name, &bytes)], false)
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{name}: {}", sent.body);
        let page = officer.get("/returns/1").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("The files could not be read")
                || page.body.contains("govuk-error-summary"),
            "{name}: {}",
            page.body
        );
        assert!(
            !page.body.contains("/tmp/"),
            "{name}: no server path is shown"
        );
        assert_eq!(
            page.text_of("status").as_deref(),
            Some("In progress"),
            "{name}"
        );
        assert!(
            !page.body.contains("/returns/1/sign-off"),
            "{name}: cannot be signed off"
        );
    }
}

const OWN_LAYOUT: &str = "Patient Ref|Concern|Given Name|Family Name|Date of Birth|Sex|Post Code
X-1|victim|Amy|Stone|20080220|female|ZZ1 1AA
X-2|victim|Beth|Cole|20090501|female|ZZ1 1AB
";

const PROFILE: &str = r#"name = "Health body 01"
date_formats = ["yyyymmdd"]

[tables.people]
file = "patients"

[tables.people.columns]
person_id = "Patient Ref"
role = "Concern"
given_name = "Given Name"
family_name = "Family Name"
date_of_birth = "Date of Birth"
sex = "Sex"
postcode = "Post Code"
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agency_with_its_own_layout_submits_through_its_profile() {
    let service = Service::start();
    let mut analyst = service.signed_in("analyst@national.example", "", &["analyst"]);
    analyst.make_call("Call", &["LA001"]).await;
    let mut officer = service.signed_in(
        "officer@la001.example",
        "LA001",
        &["submitter", "signatory"],
    );
    // Without a profile the export does not read.
    officer.get("/returns/1").await;
    assert_eq!(
        officer.get("/returns/1/profile.toml").await.status,
        StatusCode::NOT_FOUND
    );
    officer
        .upload(
            "/returns/1/upload",
            &[("patients.csv", OWN_LAYOUT.as_bytes())],
            false,
        )
        .await;
    let page = officer.get("/returns/1").await;
    assert!(!page.body.contains("2 rows accepted"), "{}", page.body);

    // A profile that does not read is refused with why; a good one is kept.
    analyst.get("/calls/1/agencies/LA001").await;
    let bad = analyst
        .upload_field(
            "/calls/1/agencies/LA001/profile",
            "profile",
            "bad.toml",
            b"[tables.people\n",
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("The profile does not read"));
    let mut profile_form = analyst.clone_session();
    let kept = profile_form
        .upload_field(
            "/calls/1/agencies/LA001/profile",
            "profile",
            "LA001.toml",
            PROFILE.as_bytes(),
        )
        .await;
    assert_eq!(kept.status, StatusCode::SEE_OTHER, "{}", kept.body);
    assert!(
        analyst
            .get("/calls/1/agencies/LA001")
            .await
            .body
            .contains("read through its profile")
    );

    // The officer downloads it, uploads again, and the export reads; accepted through it.
    let downloaded = officer.get("/returns/1/profile.toml").await;
    assert_eq!(downloaded.body, PROFILE);
    officer.get("/returns/1").await;
    officer
        .upload(
            "/returns/1/upload",
            &[("patients.csv", OWN_LAYOUT.as_bytes())],
            false,
        )
        .await;
    let page = officer.get("/returns/1").await;
    assert!(
        page.body.contains("2 rows accepted, 0 rejected"),
        "{}",
        page.body
    );
    officer
        .post("/returns/1/sign-off", &[("declaration", "yes")])
        .await;
    analyst.get("/calls/1/agencies/LA001").await;
    let accepted = analyst.post("/calls/1/agencies/LA001/accept", &[]).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let rows = service.with_store(|store| {
        store
            .agencies()
            .expect("agencies")
            .into_iter()
            .find(|a| a.agency.agency_id == "LA001")
            .map(|a| a.rows_accepted)
    });
    assert_eq!(rows, Some(2));
}

/// An agency's return goes from upload to accepted (one version, signed off).
async fn accepted(service: &Service, analyst: &mut common::Browser, agency: &str, csv: &str) {
    let mut officer = service.signed_in(
        &format!("officer@{}.example", agency.to_lowercase()),
        agency,
        &["submitter", "signatory"],
    );
    officer.get("/returns/1").await;
    let sent = officer
        .upload(
            "/returns/1/upload",
            &[("people.csv", csv.as_bytes())],
            false,
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    officer.get("/returns/1").await;
    officer
        .post("/returns/1/sign-off", &[("declaration", "yes")])
        .await;
    analyst.get(&format!("/calls/1/agencies/{agency}")).await;
    let done = analyst
        .post(&format!("/calls/1/agencies/{agency}/accept"), &[])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feedback_is_kept_while_the_store_stays_and_follows_it_when_it_moves() {
    let service = Service::start();
    let mut analyst = service.signed_in("analyst@national.example", "", &["analyst"]);
    analyst.make_call("Call", &["LA001", "LA002"]).await;
    let first = "person_id,role,given_name,family_name,date_of_birth,sex,postcode
Q1,victim,Amy,Stone,2008-02-20,female,ZZ1 1AA
Q2,victim,Bella,Marsh,2009-07-11,female,ZZ2 2BB
Q3,suspect,Carl,Dune,1990-01-05,male,ZZ3 3CC
";
    accepted(&service, &mut analyst, "LA001", first).await;
    service.run_job(&mut analyst, "/analysis/link").await;
    let mut officer = service.signed_in("reader@la001.example", "LA001", &["submitter"]);
    let before = officer.get("/returns/1/feedback").await;
    assert_eq!(
        before.text_of("linked").as_deref(),
        Some(
            "0 of your 3 person records were linked to a record another agency sent. Which agency is never shown."
        ),
        "{}",
        before.body
    );
    // Kept: asked again with nothing changed, the same feedback, not worked out again.
    let kept = service
        .app
        .feedback
        .current(&service.app, sightline_service::feedback::work_out)
        .await
        .expect("feedback");
    let again = service
        .app
        .feedback
        .current(&service.app, sightline_service::feedback::work_out)
        .await
        .expect("feedback");
    assert!(std::sync::Arc::ptr_eq(&kept, &again));

    // Another agency sends two of the same people; once accepted and linked, LA001's feedback
    // says so.
    let second = "person_id,role,given_name,family_name,date_of_birth,sex,postcode
R1,victim,Amy,Stone,2008-02-20,female,ZZ1 1AA
R2,suspect,Carl,Dune,1990-01-05,male,ZZ3 3CC
R3,victim,Dora,Pike,2010-03-30,female,ZZ4 4DD
";
    accepted(&service, &mut analyst, "LA002", second).await;
    // The analysis page says what the latest run does not hold yet.
    let waiting = analyst.get("/analysis").await;
    assert!(
        waiting.text_of("waiting").is_some_and(|w| w
            .starts_with("3 person records of the current returns came in after linkage run 1")),
        "{}",
        waiting.body
    );
    let linked = service.run_job(&mut analyst, "/analysis/link").await;
    assert!(linked.text_of("waiting").is_none(), "{}", linked.body);
    let moved = service
        .app
        .feedback
        .current(&service.app, sightline_service::feedback::work_out)
        .await
        .expect("feedback");
    assert!(!std::sync::Arc::ptr_eq(&kept, &moved));
    let after = officer.get("/returns/1/feedback").await;
    assert_eq!(
        after.text_of("linked").as_deref(),
        Some(
            "2 of your 3 person records were linked to a record another agency sent. Which agency is never shown."
        ),
        "{}",
        after.body
    );
    let mut other = service.signed_in("reader@la002.example", "LA002", &["submitter"]);
    let theirs = other.get("/returns/1/feedback").await;
    assert!(
        theirs
            .text_of("linked")
            .is_some_and(|t| t.starts_with("2 of your 3 ")),
        "{}",
        theirs.body
    );
}
