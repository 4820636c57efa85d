//! An agency's side of a data call: its calls, and for each the return page — upload,
//! validation at once, the problems as CSV, explanations of queries, sign-off, a nil return or
//! "unable to provide". Every page works on the signed-in user's own agency: the agency is
//! never taken from the address, and another agency's submission looks like no submission.

use crate::app::App;
use crate::error::Failure;
use crate::gate::{Visitor, see_other};
use crate::pages::{Chrome, form_page, page};
use crate::roles::Role;
use crate::status::{self, Tag};
use crate::validation::{self, Validation};
use askama::Template;
use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use sightline_store::Action;
use sightline_store::collection::{
    self, CallAgency, DataCall, Explanation, NewSubmission, SignOff, StatusEvent, Submission,
};
use std::sync::Arc;
use tokio::io::AsyncWriteExt as _;

/// The most files one upload may hold.
pub const MAX_FILES: usize = 20;

/// The seal's place of a submission's file or report.
pub fn sealed_place(call: i64, agency: &str, version: i64, name: &str) -> String {
    format!("submission/{call}/{agency}/{version}/{name}")
}

pub struct CallLine {
    pub call: DataCall,
    pub tag: Tag,
}

#[derive(Template)]
#[template(path = "returns.html")]
struct ReturnsPage {
    chrome: Chrome,
    agency: String,
    calls: Vec<CallLine>,
}

fn own_agency(visitor: &Visitor) -> Result<String, Failure> {
    let agency = visitor.user()?.agency_id.clone();
    if agency.is_empty() {
        return Err(Failure::Forbidden);
    }
    Ok(agency)
}

pub async fn list(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
) -> Result<Response, Failure> {
    let agency = own_agency(&visitor)?;
    let of = agency.clone();
    let calls = app
        .read(move |db| {
            let mut out = Vec::new();
            for call in collection::calls_of_agency(db, &of)? {
                let asked = collection::call_agency(db, call.call_id, &of)?;
                out.push((call, asked));
            }
            Ok(out)
        })
        .await?;
    let today = status::today();
    let calls = calls
        .into_iter()
        .filter_map(|(call, asked)| {
            let asked = asked?;
            let tag = Tag::of(status::shown(&asked.status, &call.deadline, &today));
            Some(CallLine { call, tag })
        })
        .collect();
    page(&ReturnsPage {
        chrome: Chrome::of(&visitor),
        agency,
        calls,
    })
}

/// What the return page needs: the call, this agency's place in it, its versions (newest
/// first), the latest version's validation, explanations and sign-off, and the history.
pub struct Loaded {
    pub call: DataCall,
    pub asked: CallAgency,
    pub submissions: Vec<Submission>,
    pub validation: Option<Validation>,
    pub explanations: Vec<Explanation>,
    pub sign_off: Option<SignOff>,
    pub history: Vec<StatusEvent>,
    /// The profile the agency's uploads are read through, if it has one.
    pub profile: Option<String>,
}

/// Why a return may no longer change.
const LOCKED: &str = "This return can no longer be changed: it has been signed off or accepted, or the data call has closed";

impl Loaded {
    /// The agency's return may still change: not signed off or accepted, and the call not closed.
    pub fn changeable(&self) -> bool {
        !matches!(
            self.asked.status.as_str(),
            status::SUBMITTED | status::ACCEPTED
        ) && status::today() <= self.call.close_date
    }
}

/// Loads a call for an agency; not found if the call did not ask it.
pub async fn load(app: &Arc<App>, call_id: i64, agency: &str) -> Result<Loaded, Failure> {
    let agency = agency.to_string();
    let loaded = app
        .pool
        .run(move |desk| {
            let read = collection::read(desk.store.as_ref(), |db| {
                let (Some(call), Some(asked)) = (
                    collection::call(db, call_id)?,
                    collection::call_agency(db, call_id, &agency)?,
                ) else {
                    return Ok(None);
                };
                let mut sealed = None;
                let submissions = collection::submissions(db, call_id, &agency)?;
                let (explanations, sign_off) = match submissions.first() {
                    Some(latest) => {
                        sealed =
                            collection::submission_report(db, latest.submission_id, "report.json")?
                                .map(|s| (s, latest.version));
                        (
                            collection::explanations(db, latest.submission_id)?,
                            collection::sign_off_of(db, latest.submission_id)?,
                        )
                    }
                    None => (Vec::new(), None),
                };
                let history = collection::status_events(db, call_id, &agency)?;
                let profile = collection::profile(db, &agency)?;
                let loaded = Loaded {
                    profile,
                    call,
                    asked,
                    submissions,
                    validation: None,
                    explanations,
                    sign_off,
                    history,
                };
                Ok(Some((loaded, sealed)))
            })?;
            let Some((mut loaded, sealed)) = read else {
                return Ok(None);
            };
            if let Some((sealed, version)) = sealed {
                let keys = desk.keys()?;
                let place = sealed_place(call_id, &loaded.asked.agency_id, version, "report.json");
                let json = keys.open_bytes(&sealed, &place)?;
                loaded.validation = serde_json::from_slice(&json).ok();
            }
            Ok(Some(loaded))
        })
        .await?;
    loaded.ok_or(Failure::NotFound)
}

pub struct QueryLine {
    pub code: String,
    pub title: String,
    pub count: u64,
    pub explanation: String,
}

#[derive(Template)]
#[template(path = "return.html")]
struct ReturnPage {
    chrome: Chrome,
    call: DataCall,
    tag: Tag,
    reason: String,
    latest: Option<Submission>,
    validation: Option<Validation>,
    queries: Vec<QueryLine>,
    sign_off: Option<SignOff>,
    submissions: Vec<Submission>,
    history: Vec<(StatusEvent, Tag)>,
    can_upload: bool,
    can_sign: bool,
    can_explain: bool,
    has_profile: bool,
    errors: Vec<(&'static str, String)>,
    max_mb: usize,
}

async fn render(
    app: &Arc<App>,
    visitor: &Visitor,
    call_id: i64,
    errors: Vec<(&'static str, String)>,
) -> Result<Response, Failure> {
    let agency = own_agency(visitor)?;
    let loaded = load(app, call_id, &agency).await?;
    render_loaded(app, visitor, loaded, errors)
}

fn render_loaded(
    app: &Arc<App>,
    visitor: &Visitor,
    loaded: Loaded,
    errors: Vec<(&'static str, String)>,
) -> Result<Response, Failure> {
    let today = status::today();
    let stored = loaded.asked.status.as_str();
    let open = today.as_str() <= loaded.call.close_date.as_str();
    let editable = loaded.changeable();
    let queries = loaded
        .validation
        .as_ref()
        .map(|v| {
            v.rules
                .iter()
                .filter(|r| !r.error)
                .map(|r| QueryLine {
                    code: r.code.clone(),
                    title: r.title.clone(),
                    count: r.count,
                    explanation: loaded
                        .explanations
                        .iter()
                        .find(|e| e.rule == r.code)
                        .map(|e| e.explanation.clone())
                        .unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    let has_errors = !errors.is_empty();
    form_page(
        &ReturnPage {
            chrome: Chrome::of(visitor),
            tag: Tag::of(status::shown(stored, &loaded.call.deadline, &today)),
            reason: loaded.asked.reason.clone(),
            latest: loaded.submissions.first().cloned(),
            can_upload: editable && visitor.has(Role::Submitter),
            can_explain: editable && visitor.has(Role::Submitter) && !loaded.submissions.is_empty(),
            can_sign: open && stored == status::READY && visitor.has(Role::Signatory),
            has_profile: loaded.profile.is_some(),
            validation: loaded.validation,
            queries,
            sign_off: loaded.sign_off,
            submissions: loaded.submissions,
            history: loaded
                .history
                .into_iter()
                .map(|e| {
                    let tag = Tag::of(&e.status);
                    (e, tag)
                })
                .collect(),
            call: loaded.call,
            errors: errors.clone(),
            max_mb: app.config.max_upload_bytes / 1_000_000,
        },
        has_errors,
    )
}

pub async fn show(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
    Path(call_id): Path<i64>,
) -> Result<Response, Failure> {
    let agency = own_agency(&visitor)?;
    let loaded = load(&app, call_id, &agency).await?;
    // The problems listed quote the return's cells: showing them is a consultation.
    if let Some(version) = loaded
        .submissions
        .first()
        .filter(|s| s.errors + s.queries > 0)
        .map(|s| s.version)
    {
        let user = visitor.who();
        app.pool
            .run(move |desk| {
                let subject =
                    format!("problems shown: call {call_id}, agency {agency}, version {version}");
                desk.store.record_event(
                    &user,
                    Action::Consultation,
                    &subject,
                    "the agency's own return page",
                )?;
                Ok(())
            })
            .await?;
    }
    render_loaded(&app, &visitor, loaded, Vec::new())
}

/// The status after an upload, an explanation or a fix: ready when nothing rejects a row and
/// every query is explained.
fn status_after(validation: &Validation, explained: &[String]) -> &'static str {
    let unexplained = validation
        .queries()
        .iter()
        .any(|q| !explained.iter().any(|e| e == q));
    if validation.errors() == 0 && !unexplained && validation.unreadable.is_none() {
        status::READY
    } else {
        status::IN_PROGRESS
    }
}

/// Receives files (the `csrf` field first, checked before any file is read), checks them as
/// `sightline check` does, and keeps them sealed as the agency's next version.
pub async fn upload(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
    Path(call_id): Path<i64>,
    mut multipart: Multipart,
) -> Result<Response, Failure> {
    let agency = own_agency(&visitor)?;
    crate::gate::check_multipart(&visitor, &mut multipart).await?;
    let loaded = load(&app, call_id, &agency).await?;
    if !loaded.changeable() {
        return render(&app, &visitor, call_id, vec![("files", LOCKED.to_string())]).await;
    }
    let dir = tempfile::Builder::new()
        .prefix("sightline-upload-")
        .tempdir()
        .map_err(|e| Failure::Internal(e.into()))?;
    std::fs::create_dir(dir.path().join("files")).map_err(|e| Failure::Internal(e.into()))?;
    let profile_path = match &loaded.profile {
        Some(text) => {
            let path = dir.path().join("profile.toml");
            std::fs::write(&path, text).map_err(|e| Failure::Internal(e.into()))?;
            Some(path)
        }
        None => None,
    };
    let mut paths = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let limit = app.config.max_upload_bytes as u64;
    let mut total = 0u64;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| Failure::TooLarge(limit))?
    {
        if field.name() != Some("files") {
            continue;
        }
        let sent = field.file_name().unwrap_or_default().to_string();
        if sent.is_empty() {
            continue;
        }
        if paths.len() == MAX_FILES {
            return render(
                &app,
                &visitor,
                call_id,
                vec![("files", format!("Send at most {MAX_FILES} files at once"))],
            )
            .await;
        }
        let mut name = validation::safe_name(&sent, paths.len());
        while names.contains(&name) {
            name.insert(0, '_');
        }
        let path = dir.path().join("files").join(&name);
        let mut file = tokio::fs::File::create(&path)
            .await
            .map_err(|e| Failure::Internal(e.into()))?;
        while let Some(chunk) = field.chunk().await.map_err(|_| Failure::TooLarge(limit))? {
            total += chunk.len() as u64;
            if total > limit {
                return Err(Failure::TooLarge(limit));
            }
            file.write_all(&chunk)
                .await
                .map_err(|e| Failure::Internal(e.into()))?;
        }
        file.flush()
            .await
            .map_err(|e| Failure::Internal(e.into()))?;
        names.push(name);
        paths.push(path);
    }
    if paths.is_empty() {
        return render(
            &app,
            &visitor,
            call_id,
            vec![(
                "files",
                "Select the return's files: CSV files or a workbook".to_string(),
            )],
        )
        .await;
    }
    let period = format!("{}..{}", loaded.call.period_from, loaded.call.period_to);
    let _turn = app
        .checking
        .acquire()
        .await
        .map_err(|e| Failure::Internal(e.into()))?;
    let checked = tokio::task::spawn_blocking(move || {
        validation::check(&paths, profile_path.as_deref(), &period).map(|c| (c, paths))
    })
    .await
    .map_err(|e| Failure::Internal(e.into()))??;
    let (checked, paths) = checked;
    let user = visitor.who();
    let profile_text = loaded.profile.clone();
    app.pool
        .run(move |desk| {
            let _dir = dir;
            let mut keys = desk.keys()?;
            let version = collection::read(desk.store.as_ref(), |db| {
                Ok(collection::submissions(db, call_id, &agency)?
                    .first()
                    .map_or(1, |s| s.version + 1))
            })?;
            let mut files = Vec::new();
            for (name, path) in names.iter().zip(&paths) {
                let bytes = std::fs::read(path)?;
                files.push((
                    name.clone(),
                    keys.seal_bytes(&bytes, &sealed_place(call_id, &agency, version, name))?,
                ));
            }
            let report = serde_json::to_vec(&checked.validation)?;
            let reports = vec![
                (
                    "report.json",
                    keys.seal_bytes(
                        &report,
                        &sealed_place(call_id, &agency, version, "report.json"),
                    )?,
                ),
                (
                    "problems.csv",
                    keys.seal_bytes(
                        &checked.problems_csv,
                        &sealed_place(call_id, &agency, version, "problems.csv"),
                    )?,
                ),
            ];
            let (accepted, rejected) = checked.validation.rows();
            let new = NewSubmission {
                call_id,
                agency_id: agency.clone(),
                user: user.clone(),
                files: names.clone(),
                content_hash: checked.content_hash.clone(),
                rows_accepted: accepted as i64,
                rows_rejected: rejected as i64,
                errors: checked.validation.errors() as i64,
                queries: checked.validation.queries().len() as i64,
                profile: profile_text.clone().unwrap_or_default(),
            };
            let next = status_after(&checked.validation, &[]);
            let subject = format!("upload: call {call_id}, agency {agency}, version {version}");
            let reason = format!(
                "{} files; {accepted} rows accepted, {rejected} rejected; {} errors, {} queries",
                names.len(),
                new.errors,
                new.queries
            );
            desk.store.collection_write(
                &user,
                Some((Action::Collection, &subject, &reason)),
                &mut |db| {
                    collection::add_submission(db, &new, version, &files, &reports)?;
                    collection::set_status(db, call_id, &agency, next, "", &user)
                },
            )?;
            Ok(())
        })
        .await?;
    Ok(see_other(&format!("/returns/{call_id}#validation")))
}

/// The latest version, if the agency has one and it may still change.
async fn latest_open(
    app: &Arc<App>,
    call_id: i64,
    agency: &str,
) -> Result<(Loaded, Submission), Failure> {
    let loaded = load(app, call_id, agency).await?;
    let latest = loaded
        .submissions
        .first()
        .cloned()
        .ok_or_else(|| Failure::BadRequest("Upload the return first".to_string()))?;
    if !loaded.changeable() {
        return Err(Failure::BadRequest(LOCKED.to_string()));
    }
    Ok((loaded, latest))
}

#[derive(serde::Deserialize)]
pub struct ExplainForm {
    #[serde(default)]
    rule: String,
    #[serde(default)]
    explanation: String,
}

/// Keeps why a query stands; the return is ready to sign off once every query has one and
/// nothing rejects a row.
pub async fn explain(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
    Path(call_id): Path<i64>,
    Form(form): Form<ExplainForm>,
) -> Result<Response, Failure> {
    let agency = own_agency(&visitor)?;
    let (loaded, latest) = latest_open(&app, call_id, &agency).await?;
    let explanation = form.explanation.trim().to_string();
    let Some(validation) = loaded.validation else {
        return Err(Failure::NotFound);
    };
    if !validation.queries().contains(&form.rule.as_str()) {
        return render(
            &app,
            &visitor,
            call_id,
            vec![(
                "explanations",
                "Choose a query of the latest upload to explain".to_string(),
            )],
        )
        .await;
    }
    if explanation.is_empty() || explanation.chars().count() > 1000 {
        return render(
            &app,
            &visitor,
            call_id,
            vec![(
                "explanations",
                format!(
                    "Enter why query {} stands, in 1000 characters or fewer",
                    form.rule
                ),
            )],
        )
        .await;
    }
    let mut explained: Vec<String> = loaded.explanations.iter().map(|e| e.rule.clone()).collect();
    explained.push(form.rule.clone());
    let next = status_after(&validation, &explained);
    let user = visitor.who();
    let rule = form.rule;
    app.change(
        user,
        Action::Collection,
        format!(
            "query explained: call {call_id}, agency {agency}, version {}, rule {rule}",
            latest.version
        ),
        "".to_string(),
        move |db, user| {
            collection::explain(db, latest.submission_id, &rule, &explanation, user)?;
            if loaded.asked.status != next {
                collection::set_status(db, call_id, &agency, next, "", user)?;
            }
            Ok(())
        },
    )
    .await?;
    Ok(see_other(&format!("/returns/{call_id}#queries")))
}

#[derive(serde::Deserialize)]
pub struct SignOffForm {
    #[serde(default)]
    declaration: String,
}

/// The declaration a signatory makes.
pub const DECLARATION: &str = "I confirm that this return is complete and accurate to the best of my knowledge, and that I am authorised to submit it for my organisation.";

pub async fn sign_off(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
    Path(call_id): Path<i64>,
    Form(form): Form<SignOffForm>,
) -> Result<Response, Failure> {
    let agency = own_agency(&visitor)?;
    let (loaded, latest) = latest_open(&app, call_id, &agency).await?;
    if loaded.asked.status != status::READY {
        return render(&app, &visitor, call_id, vec![("sign-off", "The return can be signed off once nothing rejects a row and every query is explained".to_string())]).await;
    }
    if form.declaration != "yes" {
        return render(
            &app,
            &visitor,
            call_id,
            vec![(
                "declaration",
                "Confirm the declaration to sign the return off".to_string(),
            )],
        )
        .await;
    }
    let user = visitor.who();
    app.change(
        user,
        Action::Collection,
        format!(
            "signed off: call {call_id}, agency {agency}, version {}",
            latest.version
        ),
        latest.content_hash.to_string(),
        move |db, user| {
            collection::sign_off(
                db,
                latest.submission_id,
                user,
                DECLARATION,
                &latest.content_hash,
            )?;
            collection::set_status(db, call_id, &agency, status::SUBMITTED, "", user)
        },
    )
    .await?;
    Ok(see_other(&format!("/returns/{call_id}")))
}

#[derive(serde::Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

async fn finish_without_data(
    app: &Arc<App>,
    visitor: &Visitor,
    call_id: i64,
    next: &'static str,
    reason: String,
) -> Result<Response, Failure> {
    let agency = own_agency(visitor)?;
    let loaded = load(app, call_id, &agency).await?;
    if !loaded.changeable() {
        return Err(Failure::BadRequest(LOCKED.to_string()));
    }
    let user = visitor.who();
    app.change(
        user,
        Action::Collection,
        format!("{}: call {call_id}, agency {agency}", status::label(next)),
        reason.to_string(),
        move |db, user| collection::set_status(db, call_id, &agency, next, &reason, user),
    )
    .await?;
    Ok(see_other(&format!("/returns/{call_id}")))
}

/// The agency has nothing to report for the period.
pub async fn nil(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
    Path(call_id): Path<i64>,
    Form(form): Form<ReasonForm>,
) -> Result<Response, Failure> {
    let reason = form.reason.trim().chars().take(1000).collect();
    finish_without_data(&app, &visitor, call_id, status::NIL_RETURN, reason).await
}

/// The agency cannot send a return, and says why.
pub async fn unable(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
    Path(call_id): Path<i64>,
    Form(form): Form<ReasonForm>,
) -> Result<Response, Failure> {
    let reason: String = form.reason.trim().chars().take(1000).collect();
    if reason.is_empty() {
        return render(
            &app,
            &visitor,
            call_id,
            vec![(
                "unable-reason",
                "Enter why your organisation cannot provide a return".to_string(),
            )],
        )
        .await;
    }
    finish_without_data(&app, &visitor, call_id, status::UNABLE, reason).await
}

/// A version's problems as CSV, for the agency that sent it (audited: it quotes the return).
pub async fn problems(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
    Path((call_id, submission_id)): Path<(i64, i64)>,
) -> Result<Response, Failure> {
    let agency = own_agency(&visitor)?;
    let user = visitor.who();
    let csv = app
        .pool
        .run(move |desk| {
            let found = collection::read(desk.store.as_ref(), |db| {
                Ok(match collection::submission(db, submission_id)? {
                    Some(s) if s.call_id == call_id && s.agency_id == agency => {
                        collection::submission_report(db, submission_id, "problems.csv")?
                            .map(|sealed| (s, sealed))
                    }
                    _ => None,
                })
            })?;
            let Some((submission, sealed)) = found else {
                return Ok(None);
            };
            let keys = desk.keys()?;
            let csv = keys.open_bytes(
                &sealed,
                &sealed_place(call_id, &agency, submission.version, "problems.csv"),
            )?;
            let subject = format!(
                "problems downloaded: call {call_id}, agency {agency}, version {}",
                submission.version
            );
            desk.store
                .record_event(&user, Action::Disclosure, &subject, "")?;
            Ok(Some((csv, submission.version)))
        })
        .await?;
    let (csv, version) = csv.ok_or(Failure::NotFound)?;
    Ok(download(
        csv,
        "text/csv; charset=utf-8",
        &format!("problems-call{call_id}-v{version}.csv"),
    ))
}

/// A file to save, not to show.
pub fn download(bytes: Vec<u8>, kind: &'static str, name: &str) -> Response {
    let mut response = Body::from(bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// The return template (XLSX); the first download moves a not-started agency on.
pub async fn template(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
    Path(call_id): Path<i64>,
) -> Result<Response, Failure> {
    let agency = own_agency(&visitor)?;
    let loaded = load(&app, call_id, &agency).await?;
    let bytes = tokio::task::spawn_blocking(|| -> anyhow::Result<Vec<u8>> {
        let dir = tempfile::tempdir()?;
        let written = sightline_template::write_template(dir.path())?;
        let workbook = written
            .iter()
            .find(|p| p.extension().is_some_and(|e| e == "xlsx"))
            .ok_or_else(|| anyhow::anyhow!("the template has no workbook"))?;
        Ok(std::fs::read(workbook)?)
    })
    .await
    .map_err(|e| Failure::Internal(e.into()))??;
    if loaded.asked.status == status::NOT_STARTED {
        let user = visitor.who();
        app.change(
            user,
            Action::Disclosure,
            format!("template downloaded: call {call_id}, agency {agency}"),
            "".to_string(),
            move |db, user| {
                collection::set_status(db, call_id, &agency, status::TEMPLATE_DOWNLOADED, "", user)
            },
        )
        .await?;
    }
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "sightline-return-template.xlsx",
    ))
}

pub struct FieldLine {
    pub field: String,
    pub completeness: String,
    pub validity: String,
    pub consistency: String,
}

#[derive(Template)]
#[template(path = "feedback.html")]
struct FeedbackPage {
    chrome: Chrome,
    call: DataCall,
    accepted: bool,
    score: Option<String>,
    fields: Vec<FieldLine>,
    rejected: Vec<(String, String, u64)>,
    /// (records linked to another agency's, records in the run).
    linked: Option<(u64, u64)>,
    formula: String,
}

fn share(figure: &sightline_assess::figure::Figure) -> String {
    match figure.share {
        Some(share) => format!("{} of {} ({:.0}%)", figure.n, figure.base, share * 100.0),
        None => "no records".to_string(),
    }
}

/// What the national team's analysis says of the agency's own data once its return is
/// accepted: its data quality score and fields, its rejected rows by rule, and how many of its
/// records the latest linkage run joined to another agency's records — never whose.
pub async fn feedback(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
    Path(call_id): Path<i64>,
) -> Result<Response, Failure> {
    let agency = own_agency(&visitor)?;
    let loaded = load(&app, call_id, &agency).await?;
    let accepted = loaded.asked.status == status::ACCEPTED;
    let mut page_data = FeedbackPage {
        chrome: Chrome::of(&visitor),
        call: loaded.call,
        accepted,
        score: None,
        fields: Vec::new(),
        rejected: Vec::new(),
        linked: None,
        formula: String::new(),
    };
    if accepted {
        let all = app
            .feedback
            .current(&app, crate::feedback::work_out)
            .await?;
        page_data.formula = all.formula.clone();
        let own = all.of(&agency);
        page_data.linked = own.and_then(|own| own.linked);
        if let Some(quality) = own.and_then(|own| own.quality.as_ref()) {
            page_data.score = Some(format!("{:.0}", quality.score));
            page_data.fields = quality
                .fields
                .iter()
                .map(|f| FieldLine {
                    field: f.field.replace('_', " "),
                    completeness: share(&f.completeness),
                    validity: share(&f.validity),
                    consistency: f
                        .consistency
                        .as_ref()
                        .map_or_else(|| "no one to compare with".to_string(), share),
                })
                .collect();
            page_data.rejected = quality
                .rejected_by_rule
                .iter()
                .map(|r| (r.table.clone(), r.rule.clone(), r.rows))
                .collect();
        }
    }
    page(&page_data)
}

/// The agency's profile (how its own export maps onto the standard), to check a return with
/// `sightline check --profile` before sending it.
pub async fn profile(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
    Path(call_id): Path<i64>,
) -> Result<Response, Failure> {
    let agency = own_agency(&visitor)?;
    let loaded = load(&app, call_id, &agency).await?;
    let text = loaded.profile.ok_or(Failure::NotFound)?;
    Ok(download(
        text.into_bytes(),
        "application/toml; charset=utf-8",
        &format!("{agency}.toml"),
    ))
}
