//! Chasing: which asked agencies get a reminder today, and sending it over SMTP.
//!
//! An agency that has not finished (signed off, accepted, nil, unable) gets one reminder a
//! week before the deadline (`before_deadline`) and one once it is overdue (`overdue`, until the
//! close date); an analyst may also remind every unfinished agency of a call at once
//! (`manual:TIME`). Each goes to the agency's active users, is kept in the `reminders` table and
//! is an audit event. Mail leaves through the SMTP server of `--smtp` (`smtp://host:port`,
//! `smtp://host:port?tls=required` for STARTTLS, `smtps://host` for implicit TLS; a login as
//! `smtp://user:password@host`), each send bounded by a timeout.

use crate::app::App;
use crate::status;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sightline_store::Action;
use sightline_store::collection::{self, CallAgency, DataCall};
use std::sync::Arc;

/// Where mail leaves from.
#[derive(Clone, Debug)]
pub struct MailConfig {
    /// The SMTP server, as a URL.
    pub url: String,
    /// The sender, e.g. `Sightline data call <datacall@example.gov.uk>`.
    pub from: String,
}

/// Days before the deadline the first reminder goes.
pub const DAYS_BEFORE: i64 = 7;

/// The reminder an asked agency is due today, if any.
pub fn due(call: &DataCall, asked: &CallAgency, today: &str) -> Option<&'static str> {
    if status::finished(&asked.status) {
        return None;
    }
    let days = |text: &str| {
        sightline_standard::dates::DateFormat::Iso
            .parse(text)
            .map(|d| d.days_since_epoch())
    };
    let (deadline, close, now) = (days(&call.deadline)?, days(&call.close_date)?, days(today)?);
    if now > deadline && now <= close {
        Some("overdue")
    } else if now >= deadline - DAYS_BEFORE && now <= deadline {
        Some("before_deadline")
    } else {
        None
    }
}

fn text(call: &DataCall, asked: &CallAgency, kind: &str) -> (String, String) {
    let subject = match kind {
        "overdue" => format!("Overdue: your return to {}", call.name),
        _ => format!(
            "Reminder: your return to {} is due by {}",
            call.name, call.deadline
        ),
    };
    let body = format!(
        "{}: the national team asked your organisation for a return to \"{}\" (the period {} to {}).\n\n\
         Its deadline {} {}, and returns are taken until {}. Its status now: {}.\n\n\
         Sign in to the data call service to upload your return, make a nil return, or tell us you are unable to provide one.\n\n\
         This message names no person and holds no data. Do not reply with data: send returns only through the service.\n",
        asked.agency_name,
        call.name,
        call.period_from,
        call.period_to,
        if kind == "overdue" { "was" } else { "is" },
        call.deadline,
        call.close_date,
        status::label(status::shown(
            &asked.status,
            &call.deadline,
            &status::today()
        )),
    );
    (subject, body)
}

/// Sends one message to `to` (each address a recipient of its own copy's envelope).
pub async fn send(
    config: &MailConfig,
    to: &[String],
    subject: &str,
    body: &str,
) -> anyhow::Result<()> {
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.url)?
        .timeout(Some(std::time::Duration::from_secs(20)))
        .build();
    let mut message = Message::builder()
        .from(config.from.parse()?)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN);
    for address in to {
        message = message.to(address.parse()?);
    }
    transport.send(message.body(body.to_string())?).await?;
    Ok(())
}

/// What a round of reminders did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Round {
    /// (call, agency, kind, addresses) of each reminder sent.
    pub sent: Vec<(i64, String, String, usize)>,
    /// Agencies due a reminder with no active user to send it to.
    pub without_contacts: Vec<(i64, String)>,
    /// Sends that failed, with why (tried again next round).
    pub failed: Vec<(i64, String, String)>,
}

/// Sends the reminders due today (or, with `manual` for a call, to every unfinished agency of
/// it), by `user`.
pub async fn run(app: &Arc<App>, manual: Option<i64>, user: &str) -> anyhow::Result<Round> {
    let Some(mail) = app.config.mail.clone() else {
        anyhow::bail!(
            "no SMTP server is set: start the service with --smtp URL --mail-from ADDRESS"
        );
    };
    let today = status::today();
    let stamp = sightline_store::audit::now();
    let plan = app
        .read(move |db| {
            let mut plan = Vec::new();
            let calls = match manual {
                Some(id) => collection::call(db, id)?.into_iter().collect(),
                None => collection::calls(db)?,
            };
            for call in calls {
                for asked in collection::call_agencies(db, call.call_id)? {
                    let kind = match manual {
                        Some(_) if !status::finished(&asked.status) => {
                            format!("manual:{stamp}")
                        }
                        Some(_) => continue,
                        None => match due(&call, &asked, &today) {
                            Some(kind)
                                if !collection::reminded(
                                    db,
                                    call.call_id,
                                    &asked.agency_id,
                                    kind,
                                )? =>
                            {
                                kind.to_string()
                            }
                            _ => continue,
                        },
                    };
                    let contacts: Vec<String> = collection::users(db, Some(&asked.agency_id))?
                        .into_iter()
                        .filter(|u| u.active)
                        .map(|u| u.email)
                        .collect();
                    plan.push((call.clone(), asked, kind, contacts));
                }
            }
            Ok(plan)
        })
        .await?;
    let mut round = Round::default();
    for (call, asked, kind, contacts) in plan {
        if contacts.is_empty() {
            round
                .without_contacts
                .push((call.call_id, asked.agency_id.clone()));
            continue;
        }
        let (subject, body) = text(&call, &asked, &kind);
        if let Err(error) = send(&mail, &contacts, &subject, &body).await {
            round
                .failed
                .push((call.call_id, asked.agency_id.clone(), error.to_string()));
            continue;
        }
        let (call_id, agency, recorded, n) = (
            call.call_id,
            asked.agency_id.clone(),
            kind.clone(),
            contacts.len(),
        );
        let user = user.to_string();
        app.pool
            .run(move |desk| {
                let subject = format!("reminder sent: call {call_id}, agency {agency}, {recorded}");
                let reason = format!("to {n} addresses");
                desk.store.collection_write(
                    &user,
                    Some((Action::Disclosure, &subject, &reason)),
                    &mut |db| collection::add_reminder(db, call_id, &agency, &recorded, n as i64),
                )?;
                Ok(())
            })
            .await?;
        round
            .sent
            .push((call.call_id, asked.agency_id, kind, contacts.len()));
    }
    Ok(round)
}

/// Sends the reminders due, every hour, while the service runs.
pub async fn every_hour(app: Arc<App>) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        tick.tick().await;
        match run(&app, None, "sightline serve").await {
            Ok(round) => {
                for (call, agency, why) in round.failed {
                    eprintln!(
                        "sightline serve: reminder to {agency} (call {call}) not sent: {why}"
                    );
                }
            }
            Err(error) => eprintln!("sightline serve: reminders: {error:#}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call() -> DataCall {
        DataCall {
            call_id: 1,
            name: "Call".to_string(),
            period_from: "2025-04-01".to_string(),
            period_to: "2026-03-31".to_string(),
            template_version: String::new(),
            deadline: "2026-06-30".to_string(),
            close_date: "2026-07-31".to_string(),
            created_at: String::new(),
            created_by: String::new(),
        }
    }

    fn asked(status: &str) -> CallAgency {
        CallAgency {
            call_id: 1,
            agency_id: "LA001".to_string(),
            agency_name: "Council".to_string(),
            agency_type: String::new(),
            region: String::new(),
            status: status.to_string(),
            reason: String::new(),
        }
    }

    #[test]
    fn a_week_before_the_deadline_then_overdue_until_the_close_date() {
        let (call, waiting) = (call(), asked(status::IN_PROGRESS));
        assert_eq!(due(&call, &waiting, "2026-06-22"), None);
        assert_eq!(due(&call, &waiting, "2026-06-23"), Some("before_deadline"));
        assert_eq!(due(&call, &waiting, "2026-06-30"), Some("before_deadline"));
        assert_eq!(due(&call, &waiting, "2026-07-01"), Some("overdue"));
        assert_eq!(due(&call, &waiting, "2026-07-31"), Some("overdue"));
        assert_eq!(due(&call, &waiting, "2026-08-01"), None);
        assert_eq!(due(&call, &asked(status::SUBMITTED), "2026-07-01"), None);
        assert_eq!(due(&call, &asked(status::UNABLE), "2026-06-25"), None);
    }
}
