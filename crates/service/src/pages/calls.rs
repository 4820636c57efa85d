//! The national team's side of a data call: setting one up, the status dashboard (received
//! against expected by agency type and region, overdue agencies, a non-submitters list with
//! contacts), an agency's history, and the decision on a signed-off return — accept (it is
//! then stored as `sightline ingest` would store it) or return it for amendment.

use crate::app::App;
use crate::error::Failure;
use crate::gate::{Visitor, see_other};
use crate::pages::returns::{download, load, sealed_place};
use crate::pages::{Chrome, form_page, page};
use crate::status::{self, Tag};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::{Extension, Form};
use sightline_store::Action;
use sightline_store::collection::{self, CallAgency, DataCall, StatusEvent, Submission};
use std::collections::BTreeMap;
use std::sync::Arc;

pub struct CallRow {
    pub call: DataCall,
    pub asked: usize,
    pub received: usize,
}

#[derive(Template)]
#[template(path = "calls.html")]
struct CallsPage {
    chrome: Chrome,
    calls: Vec<CallRow>,
    agencies: Vec<(String, String, String)>,
    errors: Vec<(&'static str, String)>,
    form: CallForm,
}

#[derive(serde::Deserialize, Default, Clone)]
pub struct CallForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub period_from: String,
    #[serde(default)]
    pub period_to: String,
    #[serde(default)]
    pub deadline: String,
    #[serde(default)]
    pub close_date: String,
}

async fn render_calls(
    app: &Arc<App>,
    visitor: &Visitor,
    errors: Vec<(&'static str, String)>,
    form: CallForm,
) -> Result<Response, Failure> {
    let (calls, agencies) = app
        .pool
        .run(|desk| {
            let calls = collection::read(desk.store.as_ref(), |db| {
                let mut calls = Vec::new();
                for call in collection::calls(db)? {
                    let asked = collection::call_agencies(db, call.call_id)?;
                    calls.push(CallRow {
                        asked: asked.len(),
                        received: asked.iter().filter(|a| status::received(&a.status)).count(),
                        call,
                    });
                }
                Ok(calls)
            })?;
            let agencies = desk
                .store
                .agencies()?
                .into_iter()
                .filter(|a| a.agency.requested)
                .map(|a| (a.agency.agency_id, a.agency.name, a.agency.agency_type))
                .collect();
            Ok((calls, agencies))
        })
        .await?;
    let has_errors = !errors.is_empty();
    form_page(
        &CallsPage {
            chrome: Chrome::of(visitor),
            calls,
            agencies,
            errors: errors.clone(),
            form,
        },
        has_errors,
    )
}

pub async fn list(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
) -> Result<Response, Failure> {
    render_calls(&app, &visitor, Vec::new(), CallForm::default()).await
}

fn is_date(text: &str) -> bool {
    text.len() == 10
        && sightline_standard::dates::DateFormat::Iso
            .parse(text)
            .is_some()
}

pub async fn create(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
    Form(body): Form<Vec<(String, String)>>,
) -> Result<Response, Failure> {
    let get = |name: &str| {
        body.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let form = CallForm {
        name: get("name"),
        period_from: get("period_from"),
        period_to: get("period_to"),
        deadline: get("deadline"),
        close_date: get("close_date"),
    };
    let agencies: Vec<String> = body
        .iter()
        .filter(|(k, _)| k == "agency")
        .map(|(_, v)| v.clone())
        .collect();
    let mut errors = Vec::new();
    if form.name.is_empty() || form.name.chars().count() > 200 {
        errors.push((
            "name",
            "Enter the data call's name (200 characters or fewer)".to_string(),
        ));
    }
    for (field, value, what) in [
        ("period_from", &form.period_from, "the period's first day"),
        ("period_to", &form.period_to, "the period's last day"),
        ("deadline", &form.deadline, "the deadline"),
        ("close_date", &form.close_date, "the close date"),
    ] {
        if !is_date(value) {
            errors.push((field, format!("Enter {what} as a real date, YYYY-MM-DD")));
        }
    }
    if errors.is_empty() {
        if form.period_from > form.period_to {
            errors.push((
                "period_to",
                "The period must end on or after its first day".to_string(),
            ));
        }
        if form.deadline > form.close_date {
            errors.push((
                "close_date",
                "The close date must be on or after the deadline".to_string(),
            ));
        }
    }
    if agencies.is_empty() {
        errors.push(("agency", "Select the agencies the call asks".to_string()));
    }
    if !errors.is_empty() {
        return render_calls(&app, &visitor, errors, form).await;
    }
    let user = visitor.who();
    let call = DataCall {
        call_id: 0,
        name: form.name.clone(),
        period_from: form.period_from.clone(),
        period_to: form.period_to.clone(),
        template_version: sightline_standard::STANDARD_VERSION.to_string(),
        deadline: form.deadline.clone(),
        close_date: form.close_date.clone(),
        created_at: String::new(),
        created_by: user.clone(),
    };
    let made = app
        .pool
        .run(move |desk| {
            let known: Vec<String> = desk
                .store
                .agencies()?
                .into_iter()
                .map(|a| a.agency.agency_id)
                .collect();
            if agencies.iter().any(|a| !known.contains(a)) {
                return Ok(None);
            }
            let subject = format!("data call created: {}", call.name);
            let reason = format!(
                "{} agencies asked; deadline {}",
                agencies.len(),
                call.deadline
            );
            let mut id = 0;
            desk.store.collection_write(
                &user,
                Some((Action::Collection, &subject, &reason)),
                &mut |db| {
                    id = collection::create_call(db, &call, &agencies, &user)?;
                    Ok(())
                },
            )?;
            Ok(Some(id))
        })
        .await?;
    match made {
        Some(id) => Ok(see_other(&format!("/calls/{id}"))),
        None => {
            render_calls(
                &app,
                &visitor,
                vec![("agency", "Select agencies from the register".to_string())],
                form,
            )
            .await
        }
    }
}

pub struct Count {
    pub label: String,
    pub expected: usize,
    pub received: usize,
}

pub struct AgencyLine {
    pub asked: CallAgency,
    pub tag: Tag,
}

#[derive(Template)]
#[template(path = "call.html")]
struct CallPage {
    chrome: Chrome,
    call: DataCall,
    by_status: Vec<(Tag, usize)>,
    by_type: Vec<Count>,
    by_region: Vec<Count>,
    expected: usize,
    received: usize,
    overdue: Vec<AgencyLine>,
    agencies: Vec<AgencyLine>,
    message: Option<String>,
}

async fn call_and_agencies(
    app: &Arc<App>,
    call_id: i64,
) -> Result<(DataCall, Vec<CallAgency>), Failure> {
    let found = app
        .read(move |db| match collection::call(db, call_id)? {
            Some(call) => Ok(Some((call, collection::call_agencies(db, call_id)?))),
            None => Ok(None),
        })
        .await?;
    found.ok_or(Failure::NotFound)
}

fn counts(agencies: &[AgencyLine], key: impl Fn(&CallAgency) -> String) -> Vec<Count> {
    let mut by: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for line in agencies {
        let entry = by.entry(key(&line.asked)).or_default();
        entry.0 += 1;
        entry.1 += usize::from(status::received(&line.asked.status));
    }
    by.into_iter()
        .map(|(label, (expected, received))| Count {
            label: if label.is_empty() {
                "Not recorded".to_string()
            } else {
                label
            },
            expected,
            received,
        })
        .collect()
}

pub async fn dashboard(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
    Path(call_id): Path<i64>,
) -> Result<Response, Failure> {
    render_dashboard(&app, &visitor, call_id, None).await
}

async fn render_dashboard(
    app: &Arc<App>,
    visitor: &Visitor,
    call_id: i64,
    message: Option<String>,
) -> Result<Response, Failure> {
    let (call, asked) = call_and_agencies(app, call_id).await?;
    let today = status::today();
    let agencies: Vec<AgencyLine> = asked
        .into_iter()
        .map(|asked| {
            let tag = Tag::of(status::shown(&asked.status, &call.deadline, &today));
            AgencyLine { asked, tag }
        })
        .collect();
    let by_status = status::ALL
        .iter()
        .map(|s| {
            (
                Tag::of(s),
                agencies.iter().filter(|a| a.tag.code == *s).count(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    let overdue = agencies
        .iter()
        .filter(|a| a.tag.code == status::OVERDUE)
        .map(|a| AgencyLine {
            asked: a.asked.clone(),
            tag: a.tag.clone(),
        })
        .collect();
    page(&CallPage {
        chrome: Chrome::of(visitor),
        message,
        by_type: counts(&agencies, |a| a.agency_type.clone()),
        by_region: counts(&agencies, |a| a.region.clone()),
        expected: agencies.len(),
        received: agencies
            .iter()
            .filter(|a| status::received(&a.asked.status))
            .count(),
        by_status,
        overdue,
        agencies,
        call,
    })
}

/// Mails a reminder now to every agency of the call that has not finished.
pub async fn remind(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
    Path(call_id): Path<i64>,
) -> Result<Response, Failure> {
    call_and_agencies(&app, call_id).await?;
    let message = match crate::reminders::run(&app, Some(call_id), &visitor.who()).await {
        Ok(round) => {
            let mut text = format!("Reminders sent to {} agencies.", round.sent.len());
            if !round.without_contacts.is_empty() {
                text.push_str(&format!(
                    " {} agencies have no user to send to: {}.",
                    round.without_contacts.len(),
                    round
                        .without_contacts
                        .iter()
                        .map(|(_, a)| a.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if !round.failed.is_empty() {
                text.push_str(&format!(
                    " {} could not be sent: {}.",
                    round.failed.len(),
                    round
                        .failed
                        .iter()
                        .map(|(_, a, why)| format!("{a} ({why})"))
                        .collect::<Vec<_>>()
                        .join("; ")
                ));
            }
            text
        }
        Err(error) => format!("No reminder was sent: {error}"),
    };
    render_dashboard(&app, &visitor, call_id, Some(message)).await
}

/// The agencies that have not finished, with their users' contacts (audited: it names people).
pub async fn non_submitters(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
    Path(call_id): Path<i64>,
) -> Result<Response, Failure> {
    let (call, asked) = call_and_agencies(&app, call_id).await?;
    let today = status::today();
    let user = visitor.who();
    let rows = app
        .pool
        .run(move |desk| {
            let rows = collection::read(desk.store.as_ref(), |db| {
                let mut rows = Vec::new();
                for a in asked.iter().filter(|a| !status::finished(&a.status)) {
                    let contacts = collection::users(db, Some(&a.agency_id))?
                        .into_iter()
                        .filter(|u| u.active)
                        .map(|u| format!("{} <{}>", u.name, u.email))
                        .collect::<Vec<_>>()
                        .join("; ");
                    rows.push([
                        a.agency_id.clone(),
                        a.agency_name.clone(),
                        a.agency_type.clone(),
                        a.region.clone(),
                        status::label(status::shown(&a.status, &call.deadline, &today)).to_string(),
                        contacts,
                    ]);
                }
                Ok(rows)
            })?;
            let subject = format!("non-submitters downloaded: call {call_id}");
            desk.store.record_event(
                &user,
                Action::Disclosure,
                &subject,
                &format!("{} agencies", rows.len()),
            )?;
            Ok(rows)
        })
        .await?;
    let mut out = Vec::new();
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        writer
            .write_record([
                "agency_id",
                "agency",
                "agency_type",
                "region",
                "status",
                "contacts",
            ])
            .map_err(|e| Failure::Internal(e.into()))?;
        for row in rows {
            writer
                .write_record(
                    row.iter()
                        .map(|c| sightline_standard::cells::neutralise(c).into_owned()),
                )
                .map_err(|e| Failure::Internal(e.into()))?;
        }
        writer.flush().map_err(|e| Failure::Internal(e.into()))?;
    }
    Ok(download(
        out,
        "text/csv; charset=utf-8",
        &format!("non-submitters-call{call_id}.csv"),
    ))
}

#[derive(Template)]
#[template(path = "call_agency.html")]
struct CallAgencyPage {
    chrome: Chrome,
    call: DataCall,
    asked: CallAgency,
    tag: Tag,
    submissions: Vec<Submission>,
    signed: Option<collection::SignOff>,
    explanations: Vec<collection::Explanation>,
    history: Vec<(StatusEvent, Tag)>,
    can_decide: bool,
    has_profile: bool,
    errors: Vec<(&'static str, String)>,
}

async fn render_agency(
    app: &Arc<App>,
    visitor: &Visitor,
    call_id: i64,
    agency: &str,
    errors: Vec<(&'static str, String)>,
) -> Result<Response, Failure> {
    let loaded = load(app, call_id, agency).await?;
    let today = status::today();
    let has_errors = !errors.is_empty();
    form_page(
        &CallAgencyPage {
            chrome: Chrome::of(visitor),
            tag: Tag::of(status::shown(
                &loaded.asked.status,
                &loaded.call.deadline,
                &today,
            )),
            can_decide: loaded.asked.status == status::SUBMITTED,
            has_profile: loaded.profile.is_some(),
            signed: loaded.sign_off,
            explanations: loaded.explanations,
            history: loaded
                .history
                .into_iter()
                .map(|e| {
                    let t = Tag::of(&e.status);
                    (e, t)
                })
                .collect(),
            submissions: loaded.submissions,
            asked: loaded.asked,
            call: loaded.call,
            errors: errors.clone(),
        },
        has_errors,
    )
}

pub async fn agency(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
    Path((call_id, agency)): Path<(i64, String)>,
) -> Result<Response, Failure> {
    render_agency(&app, &visitor, call_id, &agency, Vec::new()).await
}

/// Accepts the signed-off version: its files are opened from the vault into a private
/// temporary folder and stored as a return of the agency for the call's period (the store
/// audits the ingest), and the agency's status becomes accepted.
pub async fn accept(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
    Path((call_id, agency)): Path<(i64, String)>,
) -> Result<Response, Failure> {
    let loaded = load(&app, call_id, &agency).await?;
    let Some(latest) = loaded
        .submissions
        .first()
        .cloned()
        .filter(|_| loaded.asked.status == status::SUBMITTED)
    else {
        return render_agency(
            &app,
            &visitor,
            call_id,
            &agency,
            vec![(
                "decision",
                "Only a signed-off return can be accepted".to_string(),
            )],
        )
        .await;
    };
    let user = visitor.who();
    let period = format!("{}..{}", loaded.call.period_from, loaded.call.period_to);
    let outcome = app
        .pool
        .run(move |desk| {
            let sealed = collection::read(desk.store.as_ref(), |db| {
                collection::submission_files(db, latest.submission_id)
            })?;
            let keys = desk.keys()?;
            let dir = tempfile::Builder::new()
                .prefix("sightline-accept-")
                .tempdir()?;
            std::fs::create_dir(dir.path().join("files"))?;
            // The version is stored through the profile it was checked with.
            let profile = if latest.profile.is_empty() {
                None
            } else {
                let path = dir.path().join("profile.toml");
                std::fs::write(&path, &latest.profile)?;
                Some(path)
            };
            let mut files = Vec::new();
            for (name, blob) in &sealed {
                let bytes =
                    keys.open_bytes(blob, &sealed_place(call_id, &agency, latest.version, name))?;
                let path = dir.path().join("files").join(name);
                std::fs::write(&path, bytes)?;
                files.push(path);
            }
            let session = sightline_pipeline::Session {
                workspace: Some(desk.dir.clone()),
                user: Some(user.clone()),
            };
            let options = sightline_pipeline::IngestOptions {
                files,
                agency: agency.clone(),
                profile,
                period: Some(period),
            };
            let return_id = match sightline_pipeline::store_return(
                &session,
                &options,
                &sightline_pipeline::Silent,
            )? {
                sightline_pipeline::Ingested::Stored(_, stored) => stored.return_id,
                sightline_pipeline::Ingested::Already(id) => id,
            };
            let subject = format!(
                "accepted: call {call_id}, agency {agency}, version {}",
                latest.version
            );
            let reason = format!("stored as return {return_id}");
            desk.store.collection_write(
                &user,
                Some((Action::Collection, &subject, &reason)),
                &mut |db| {
                    collection::set_submission_return(db, latest.submission_id, return_id)?;
                    collection::set_status(db, call_id, &agency, status::ACCEPTED, &reason, &user)
                },
            )?;
            Ok(())
        })
        .await;
    match outcome {
        Ok(()) => Ok(see_other(&format!(
            "/calls/{call_id}/agencies/{}",
            loaded.asked.agency_id
        ))),
        Err(error) => {
            render_agency(
                &app,
                &visitor,
                call_id,
                &loaded.asked.agency_id,
                vec![(
                    "decision",
                    format!("The return could not be stored: {error}"),
                )],
            )
            .await
        }
    }
}

#[derive(serde::Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    comment: String,
}

/// Sends the return back to the agency with what to change.
pub async fn send_back(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
    Path((call_id, agency)): Path<(i64, String)>,
    Form(form): Form<CommentForm>,
) -> Result<Response, Failure> {
    let loaded = load(&app, call_id, &agency).await?;
    let comment: String = form.comment.trim().chars().take(2000).collect();
    if loaded.asked.status != status::SUBMITTED {
        return render_agency(
            &app,
            &visitor,
            call_id,
            &agency,
            vec![(
                "decision",
                "Only a signed-off return can be returned for amendment".to_string(),
            )],
        )
        .await;
    }
    if comment.is_empty() {
        return render_agency(
            &app,
            &visitor,
            call_id,
            &agency,
            vec![("comment", "Enter what the agency must change".to_string())],
        )
        .await;
    }
    let user = visitor.who();
    app.change(
        user,
        Action::Collection,
        format!("returned for amendment: call {call_id}, agency {agency}"),
        comment.to_string(),
        move |db, user| {
            collection::set_status(db, call_id, &agency, status::RETURNED, &comment, user)
        },
    )
    .await?;
    Ok(see_other(&format!(
        "/calls/{call_id}/agencies/{}",
        loaded.asked.agency_id
    )))
}

/// The most a profile may hold.
const PROFILE_LIMIT: usize = 1_000_000;

/// Keeps the profile an agency's uploads are read through (TOML, as `sightline profile suggest`
/// drafts it), after checking that it reads.
pub async fn set_profile(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
    Path((call_id, agency)): Path<(i64, String)>,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, Failure> {
    crate::gate::check_multipart(&visitor, &mut multipart).await?;
    load(&app, call_id, &agency).await?;
    let mut text = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| Failure::TooLarge(PROFILE_LIMIT as u64))?
    {
        if field.name() == Some("profile") {
            let bytes = field
                .bytes()
                .await
                .map_err(|_| Failure::TooLarge(PROFILE_LIMIT as u64))?;
            if bytes.len() > PROFILE_LIMIT {
                return Err(Failure::TooLarge(PROFILE_LIMIT as u64));
            }
            text = Some(String::from_utf8(bytes.to_vec()));
        }
    }
    let text = match text {
        Some(Ok(text)) if !text.trim().is_empty() => text,
        Some(Err(_)) => {
            return render_agency(
                &app,
                &visitor,
                call_id,
                &agency,
                vec![(
                    "profile",
                    "The profile must be a UTF-8 text file (TOML)".to_string(),
                )],
            )
            .await;
        }
        _ => {
            return render_agency(
                &app,
                &visitor,
                call_id,
                &agency,
                vec![(
                    "profile",
                    "Choose the agency's profile file (TOML)".to_string(),
                )],
            )
            .await;
        }
    };
    if let Err(error) = sightline_intake::Profile::parse(&text, "the uploaded profile") {
        return render_agency(
            &app,
            &visitor,
            call_id,
            &agency,
            vec![("profile", format!("The profile does not read: {error}"))],
        )
        .await;
    }
    let user = visitor.who();
    let to = agency.clone();
    app.change(
        user,
        Action::Alteration,
        format!("profile set: agency {to}"),
        "".to_string(),
        move |db, user| collection::set_profile(db, &to, &text, user),
    )
    .await?;
    Ok(see_other(&format!("/calls/{call_id}/agencies/{agency}")))
}
