//! The national team's analysis from the service, on the same workspace as the command line:
//! an analyst links the records of the accepted returns and previews the disclosure-controlled
//! report; a publisher — not the analyst who ran the linkage it rests on — publishes it into
//! the workspace's `published/` folder. Each step is the pipeline's, and on the audit log.

use crate::app::App;
use crate::error::Failure;
use crate::gate::Visitor;
use crate::pages::{Chrome, form_page, page};
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use sightline_pipeline::{LinkOptions, PublishOptions, Session, Silent};
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
    message: Option<String>,
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

/// Links every person record of the current returns (the store audits the read and the run).
pub async fn link(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
) -> Result<Response, Failure> {
    let session = session(&app, &visitor);
    let outcome = app
        .pool
        .run(move |_| sightline_pipeline::link(&session, &LinkOptions::default(), &Silent))
        .await;
    let message = match outcome {
        Ok(report) => format!(
            "Linkage run {}: {} records linked into {} people in {:.1} s.",
            report.run_id, report.records, report.people, report.seconds
        ),
        Err(error) => format!("Linkage could not run: {error}"),
    };
    render(&app, &visitor, Some(message)).await
}

/// The disclosure-controlled report as it would be published, written to a private temporary
/// folder and shown; nothing is kept (the store audits it as a disclosure to the analyst).
pub async fn preview(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
) -> Result<Response, Failure> {
    let session = session(&app, &visitor);
    let html = app
        .pool
        .run(move |_| {
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
            Ok(std::fs::read_to_string(written.report)?)
        })
        .await;
    match html {
        Ok(html) => {
            let mut response = Html(html).into_response();
            response.headers_mut().insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(REPORT_CSP),
            );
            Ok(response)
        }
        Err(error) => {
            render(
                &app,
                &visitor,
                Some(format!("The report could not be made: {error}")),
            )
            .await
        }
    }
}

/// Publishes the report into `published/REPORT-TIME/` of the workspace. Refused to the user
/// who ran the latest linkage run: a second person publishes.
pub async fn publish(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
) -> Result<Response, Failure> {
    let session = session(&app, &visitor);
    let who = visitor.who();
    let outcome = app
        .pool
        .run(move |desk| {
            let Some(run) = desk.store.linkage_run()? else {
                return Ok(Err("Run linkage before publishing: the report rests on it.".to_string()));
            };
            if run.user == who {
                return Ok(Err(format!(
                    "You ran linkage run {}, which the report rests on: another publisher must publish it.",
                    run.run_id
                )));
            }
            let stamp = sightline_store::audit::now().replace([':', '-'], "");
            let out = desk.dir.join("published").join(format!("report-{stamp}"));
            let written = sightline_pipeline::write_report(
                &session,
                &PublishOptions::new(out, &format!("published from the collection service; linkage run {} by {}", run.run_id, run.user)),
            )?;
            Ok(Ok(format!(
                "Published: {} files, {} cells hidden, in {}.",
                written.files,
                written.hidden,
                written.report.parent().map(|p| p.display().to_string()).unwrap_or_default()
            )))
        })
        .await?;
    let message = match outcome {
        Ok(done) => done,
        Err(refused) => refused,
    };
    render(&app, &visitor, Some(message)).await
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
