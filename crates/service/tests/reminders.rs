//! Chasing: reminders mailed over SMTP (to a sink on loopback) to the agencies that have not
//! finished — by hand from the dashboard, and on schedule a week before the deadline and once
//! overdue, each kind once — every one kept and audited.

mod common;

use axum::http::StatusCode;
use common::{Service, smtp_sink};
use sightline_service::reminders::{self, MailConfig};
use sightline_standard::PartialDate;
use std::sync::Arc;

fn days_from_today(days: i64) -> String {
    let today = sightline_service::status::today();
    let date = sightline_standard::dates::DateFormat::Iso
        .parse(&today)
        .expect("today");
    PartialDate::from_days_since_epoch(date.days_since_epoch() + days)
        .expect("date")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agencies_that_have_not_returned_are_reminded_by_mail_once_per_kind() {
    let (address, inbox) = smtp_sink().await;
    let mut service = Service::start();
    let mut config = sightline_service::Config::new(service.workspace());
    config.mail = Some(MailConfig {
        url: format!("smtp://{address}"),
        from: "Sightline data call <datacall@national.example>".to_string(),
    });
    service.app = Arc::new(sightline_service::App::new(config).expect("app"));
    service.router = sightline_service::router(Arc::clone(&service.app));

    let mut analyst = service.signed_in("analyst@national.example", "", &["analyst"]);
    // Call 1: due in 3 days, asks LA001 and LA002. Call 2: overdue since yesterday, asks LA001.
    for (name, deadline, agencies) in [
        ("Due soon", days_from_today(3), vec!["LA001", "LA002"]),
        ("Late", days_from_today(-1), vec!["LA001"]),
    ] {
        let close = days_from_today(30);
        let mut fields = vec![
            ("name", name),
            ("period_from", "2025-04-01"),
            ("period_to", "2026-03-31"),
            ("deadline", deadline.as_str()),
            ("close_date", close.as_str()),
        ];
        fields.extend(agencies.iter().map(|a| ("agency", *a)));
        let made = analyst.post("/calls", &fields).await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    }
    // LA001 has two users (one deactivated: not mailed); LA002 has none.
    let _officer = service.signed_in("officer@la001.example", "LA001", &["submitter"]);
    let _head = service.signed_in("head@la001.example", "LA001", &["signatory", "approver"]);
    let mut admin = service.signed_in("admin@national.example", "", &["admin"]);
    admin.get("/users").await;
    let gone = service.invite("gone@la001.example", "LA001", &["submitter"]);
    let _ = gone;
    let id = service.with_store(|store| {
        sightline_store::collection::read(store, |db| {
            sightline_store::collection::user_by_email(db, "gone@la001.example")
        })
        .expect("read")
        .expect("user")
        .user_id
    });
    admin.post(&format!("/users/{id}/deactivate"), &[]).await;

    // By hand, from call 1's dashboard.
    analyst.get("/calls/1").await;
    let page = analyst.post("/calls/1/remind", &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.text_of("message").as_deref(),
        Some("Reminders sent to 1 agencies. 1 agencies have no user to send to: LA002.")
    );
    {
        let inbox = inbox.lock().expect("inbox");
        assert_eq!(inbox.len(), 1);
        let mut to = inbox[0].to.clone();
        to.sort();
        assert_eq!(to, ["head@la001.example", "officer@la001.example"]);
        assert!(inbox[0].from.contains("datacall@national.example"));
        assert!(
            inbox[0]
                .data
                .contains("Reminder: your return to Due soon is due by"),
            "{}",
            inbox[0].data
        );
        assert!(inbox[0].data.contains("holds no data"));
    }

    // On schedule: call 1 is a week from its deadline, call 2 overdue: one mail each to LA001.
    let round = reminders::run(&service.app, None, "test")
        .await
        .expect("round");
    let mut kinds: Vec<(i64, String)> = round
        .sent
        .iter()
        .map(|(c, _, k, _)| (*c, k.clone()))
        .collect();
    kinds.sort();
    assert_eq!(
        kinds,
        [
            (1, "before_deadline".to_string()),
            (2, "overdue".to_string())
        ]
    );
    assert_eq!(round.without_contacts, [(1, "LA002".to_string())]);
    assert!(
        inbox
            .lock()
            .expect("inbox")
            .iter()
            .any(|m| m.data.contains("Overdue: your return to Late"))
    );
    // Each kind once: the next round sends nothing.
    let again = reminders::run(&service.app, None, "test")
        .await
        .expect("round");
    assert!(again.sent.is_empty(), "{again:?}");
    assert_eq!(inbox.lock().expect("inbox").len(), 3);

    // Every reminder is kept and audited.
    let events = service.with_store(|store| store.audit_events().expect("events"));
    let sent: Vec<&str> = events
        .iter()
        .filter(|e| e.subject.starts_with("reminder sent"))
        .map(|e| e.subject.as_str())
        .collect();
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert!(sent.contains(&"reminder sent: call 2, agency LA001, overdue"));

    // With an SMTP server, an invitation is also mailed to the new user.
    admin.get("/users").await;
    let made = admin
        .post(
            "/users",
            &[
                ("name", "New Officer"),
                ("email", "new@la002.example"),
                ("agency", "LA002"),
                ("role", "submitter"),
            ],
        )
        .await;
    let link = made.text_of("invitation-link").expect("link shown");
    let mailed = inbox
        .lock()
        .expect("inbox")
        .iter()
        .find(|m| m.to == ["new@la002.example"])
        .cloned()
        .expect("mailed");
    // (quoted-printable: long lines are broken with "=" at their ends)
    assert!(
        mailed.data.replace("=\n", "").contains(&link),
        "{}",
        mailed.data
    );

    // Without an SMTP server, the dashboard says so and nothing is recorded.
    let plain = Service::start();
    let mut analyst = plain.signed_in("a@national.example", "", &["analyst"]);
    analyst.make_call("X", &["LA001"]).await;
    let page = analyst.post("/calls/1/remind", &[]).await;
    assert!(
        page.text_of("message")
            .is_some_and(|m| m.starts_with("No reminder was sent: no SMTP server is set")),
        "{}",
        page.body
    );
}
