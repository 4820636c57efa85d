//! The audit log, for auditors: the latest events, newest first, and whether the chain
//! verifies against the checkpoint file. Subjects name records, returns and users, never a
//! child's or suspect's identifiers.

use crate::app::App;
use crate::error::Failure;
use crate::gate::Visitor;
use crate::pages::{Chrome, page};
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use sightline_store::AuditEvent;
use std::sync::Arc;

/// Events shown on the page.
const SHOWN: usize = 500;

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    events: Vec<AuditEvent>,
    total: usize,
    verdict: String,
    intact: bool,
}

pub async fn log(
    State(app): State<Arc<App>>,
    Extension(visitor): Extension<Visitor>,
) -> Result<Response, Failure> {
    let (mut events, verdict) = app
        .pool
        .run(|desk| Ok((desk.store.audit_events()?, desk.store.verify_audit())))
        .await?;
    let total = events.len();
    events.reverse();
    events.truncate(SHOWN);
    let (verdict, intact) = match verdict {
        Ok(v) => match &v.broken {
            None => (
                format!(
                    "The chain of {} events verifies{}.",
                    v.events,
                    match v.checkpoints {
                        Some(n) =>
                            format!(", and matches the {n} checkpoints kept outside the store"),
                        None => ", with no checkpoint file to compare with".to_string(),
                    }
                ),
                true,
            ),
            Some((seq, why)) => (format!("The chain is broken at event {seq}: {why}"), false),
        },
        Err(error) => (format!("The chain could not be verified: {error}"), false),
    };
    page(&AuditPage {
        chrome: Chrome::of(&visitor),
        events,
        total,
        verdict,
        intact,
    })
}
