//! The national team's analysis from the service, on the same workspace as the command line:
//! an analyst links the records of the accepted returns and previews the disclosure-controlled
//! report; a publisher — not the analyst who ran the linkage it rests on — publishes it into
//! the workspace's `published/` folder. Each step is the pipeline's, and on the audit log; the
//! three long ones run as jobs (`jobs.rs`) and this page says how they are going.

use crate::app::App;
use crate::error::Failure;
use crate::gate::{Visitor, see_other};
use crate::jobs::{Done, Kind, Steps};
use crate::pages::{Chrome, form_page, page};
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use sightline_pipeline::{LinkOptions, PublishOptions, Session};
use sightline_store::Store;
use sightline_store::linkage::LinkageRun;
use std::sync::Arc;

/// The report's own policy: it is one self-contained file with inline styles and SVG, and no
/// script at all; sandboxed so that nothing in it can act as the service.
pub const REPORT_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; sandbox";

#[derive(Template)]
#[template(path = "analysis.html")]
struct AnalysisPage {
    chrome: Chrome,
    run: Option<(i64, String, String, i64, i64)>,
    published: Vec<String>,
    /// Why what was asked did not start.
    message: Option<String>,
    running: Option<String>,
    /// The last job: who and when, and its outcome.
    last: Option<(String, Result<String, String>)>,
    /// When this user's latest preview was made.
    preview: Option<String>,
    /// Person records of the current returns that the latest linkage run does not hold.
    waiting: u64,
    can_link: bool,
    can_publish: bool,
}

async fn render(
    app: &Arc<App>,
    visitor: &Visitor,
    message: Option<String>,
) -> Result<Response, Failure> {
    let (run, published) = app
        .pool
        .run(|desk| {
            let run = desk
                .store
                .linkage_run()?
                .map(|r| (r.run_id, r.at, r.user, r.records, r.people));
            let mut published: Vec<String> = std::fs::read_dir(desk.dir.join("published"))
                .map(|entries| {
                    entries
                        .filter_map(|e| e.ok())
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default();
            published.sort();
            published.reverse();
            Ok((run, published))
        })
        .await?;
    page(&AnalysisPage {
        chrome: Chrome::of(visitor),
        run,
        published,
        message,
        running: app.jobs.running().map(|job| job.describe()),
        last: app
            .jobs
            .last()
            .map(|job| (job.describe(), job.outcome.clone())),
        preview: app.jobs.preview(&visitor.who()).map(|p| p.made),
        waiting: *app
            .waiting_for_linkage
            .current(app, |store| Ok(store.records_after_linkage()?))
            .await?,
        can_link: visitor.has(crate::roles::Role::Analyst),
        can_publish: visitor.has(crate::roles::Role::Publisher),
    })
}

pub async fn show(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
) -> Result<Response, Failure> {
    render(&app, &visitor, None).await
}

fn session(app: &App, visitor: &Visitor) -> Session {
    Session {
        workspace: Some(app.config.workspace.clone()),
        user: Some(visitor.who()),
    }
}

/// Starts a job and sends the browser to the analysis page, which says how it is going; or,
/// when another job is running, shows the page with what to wait for.
async fn start(
    app: &Arc<App>,
    visitor: &Visitor,
    kind: Kind,
    work: impl FnOnce(&Steps) -> anyhow::Result<Done> + Send + 'static,
) -> Result<Response, Failure> {
    match app.jobs.start(kind, &visitor.who(), work) {
        Ok(()) => Ok(see_other("/analysis")),
        Err(running) => {
            let message = format!(
                "{} did not start: {} Wait for it to finish, then try again.",
                kind.label(),
                running.describe()
            );
            render(app, visitor, Some(message)).await
        }
    }
}

/// Links every person record of the current returns (the store audits the read and the run),
/// as a job.
pub async fn link(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
) -> Result<Response, Failure> {
    let session = session(&app, &visitor);
    start(&app, &visitor, Kind::Link, move |steps| {
        let report = sightline_pipeline::link(&session, &LinkOptions::default(), steps)?;
        Ok(Done::Message(format!(
            "Linkage run {}: {} records linked into {} people in {:.1} s.",
            report.run_id, report.records, report.people, report.seconds
        )))
    })
    .await
}

/// Makes the disclosure-controlled report as it would be published, as a job, in a private
/// temporary folder removed after; the HTML is kept for this analyst only, until they make
/// another (the store audits it as a disclosure to the analyst).
pub async fn make_preview(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
) -> Result<Response, Failure> {
    let session = session(&app, &visitor);
    start(&app, &visitor, Kind::Preview, move |_| {
        let dir = tempfile::Builder::new()
            .prefix("sightline-preview-")
            .tempdir()?;
        let written = sightline_pipeline::write_report(
            &session,
            &PublishOptions::new(
                dir.path().to_path_buf(),
                "preview in the collection service",
            ),
        )?;
        Ok(Done::Preview(std::fs::read_to_string(written.report)?))
    })
    .await
}

/// This analyst's latest preview, sandboxed: it may not run script or act as the service.
pub async fn preview(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
) -> Result<Response, Failure> {
    let Some(preview) = app.jobs.preview(&visitor.who()) else {
        let message = "You have no preview yet: make one with the button below; it is kept for you until you make another.";
        return render(&app, &visitor, Some(message.to_string())).await;
    };
    let mut response = Html(preview.html).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(REPORT_CSP),
    );
    Ok(response)
}

/// Why `who` may not publish now: no linkage run, or they ran the one the report rests on (a
/// second person publishes); the run the report rests on when they may.
fn may_publish(store: &dyn Store, who: &str) -> anyhow::Result<Result<LinkageRun, String>> {
    let Some(run) = store.linkage_run()? else {
        return Ok(Err(
            "Run linkage before publishing: the report rests on it.".to_string(),
        ));
    };
    if run.user == who {
        return Ok(Err(format!(
            "You ran linkage run {}, which the report rests on: another publisher must publish it.",
            run.run_id
        )));
    }
    Ok(Ok(run))
}

/// Publishes the report into `published/REPORT-TIME/` of the workspace, as a job. Refused to
/// the user who ran the latest linkage run, at once and again when the job starts (a linkage
/// run may have finished in between).
pub async fn publish(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
) -> Result<Response, Failure> {
    let who = visitor.who();
    let checked = app
        .pool
        .run(move |desk| may_publish(desk.store.as_ref(), &who))
        .await?;
    if let Err(refused) = checked {
        return render(&app, &visitor, Some(refused)).await;
    }
    let session = session(&app, &visitor);
    let dir = app.config.workspace.clone();
    start(&app, &visitor, Kind::Publish, move |_| {
        let workspace = session.open()?;
        let store = workspace.store()?;
        let who = session.user.clone().unwrap_or_default();
        let run = may_publish(store.as_ref(), &who)?.map_err(anyhow::Error::msg)?;
        drop(store);
        let stamp = sightline_store::audit::now().replace([':', '-'], "");
        let out = dir.join("published").join(format!("report-{stamp}"));
        let written = sightline_pipeline::write_report(
            &session,
            &PublishOptions::new(
                out,
                &format!(
                    "published from the collection service; linkage run {} by {}",
                    run.run_id, run.user
                ),
            ),
        )?;
        Ok(Done::Message(format!(
            "Published: {} files, {} cells hidden, in {}.",
            written.files,
            written.hidden,
            written
                .report
                .parent()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        )))
    })
    .await
}

#[derive(Template)]
#[template(path = "reveal.html")]
struct RevealPage {
    chrome: Chrome,
    errors: Vec<(&'static str, String)>,
    record: String,
    identity: Option<sightline_store::Identity>,
}

pub async fn reveal_form(Extension(visitor): Extension<Visitor>) -> Result<Response, Failure> {
    page(&RevealPage {
        chrome: Chrome::of(&visitor),
        errors: Vec::new(),
        record: String::new(),
        identity: None,
    })
}

#[derive(serde::Deserialize)]
pub struct RevealForm {
    #[serde(default)]
    record: String,
    #[serde(default)]
    reason: String,
}

/// A person record's identifiers, read from the vault with a reason: a consultation event on
/// the audit log, written with the read, as `sightline reveal` does.
pub async fn reveal(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
    axum::Form(form): axum::Form<RevealForm>,
) -> Result<Response, Failure> {
    let reason: String = form.reason.trim().chars().take(500).collect();
    let record = form.record.trim().parse::<i64>().ok();
    let mut errors = Vec::new();
    if record.is_none() {
        errors.push((
            "record",
            "Enter the person record's number, as `explain` and the report give it".to_string(),
        ));
    }
    if reason.chars().count() < 10 {
        errors.push(("reason", "Enter why you need to see this person's identifiers (at least 10 characters): it goes on the audit log".to_string()));
    }
    let mut identity = None;
    if let (Some(record), true) = (record, errors.is_empty()) {
        let who = visitor.who();
        let found = app
            .pool
            .run(move |desk| {
                let keys = desk.keys()?;
                Ok(desk.store.reveal_person(record, &keys, &who, &reason).ok())
            })
            .await?;
        match found {
            Some(found) => identity = Some(found),
            None => errors.push(("record", format!("There is no person record {record} whose identifiers can be read (not stored, or erased)"))),
        }
    }
    let has_errors = !errors.is_empty();
    form_page(
        &RevealPage {
            chrome: Chrome::of(&visitor),
            record: form.record,
            errors: errors.clone(),
            identity,
        },
        has_errors,
    )
}
