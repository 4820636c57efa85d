//! Publishing: disclosure control applied to an assessment, the publication written (report,
//! tables, figures) and put on the audit log, with the log's verified head in its methodology.

use crate::Session;
use sightline_disclosure::Rules;
use sightline_store::Action;
use std::path::PathBuf;

/// How to publish.
#[derive(Clone, Debug)]
pub struct PublishOptions {
    /// The folder to write report.html, tables/ and figures.json into.
    pub out: PathBuf,
    /// No suppression, for authorised analysts: every page and file is marked
    /// OFFICIAL-SENSITIVE and the export goes on the audit log.
    pub restricted: bool,
    /// Round shown counts to the nearest multiple (e.g. 5); totals from unrounded values.
    pub round: Option<u64>,
    /// Counts from 1 to this are hidden as [c].
    pub threshold: u64,
    /// Why the report is made (for the audit log).
    pub reason: String,
}

impl PublishOptions {
    /// The published defaults (counts from 1 to 4 hidden, no rounding) into `out`.
    pub fn new(out: PathBuf, reason: &str) -> PublishOptions {
        PublishOptions {
            out,
            restricted: false,
            round: None,
            threshold: 4,
            reason: reason.to_string(),
        }
    }
}

/// What a report run wrote.
#[derive(Clone, Debug)]
pub struct Written {
    pub report: PathBuf,
    pub files: usize,
    pub hidden: usize,
}

/// Assesses the workspace, applies disclosure control and writes the publication.
pub fn write_report(session: &Session, args: &PublishOptions) -> anyhow::Result<Written> {
    if args.threshold > 100 {
        anyhow::bail!("--threshold must be at most 100; got {}", args.threshold);
    }
    if args.round == Some(0) {
        anyhow::bail!("--round must be at least 1");
    }
    let assessment = crate::assess(session, &sightline_assess::Options::default())?;
    publish(session, &assessment, args)
}

/// Applies disclosure control to an assessment of the workspace, writes the publication and
/// puts it on the workspace's audit log.
pub fn publish(
    session: &Session,
    assessment: &sightline_assess::Assessment,
    args: &PublishOptions,
) -> anyhow::Result<Written> {
    let options = sightline_publish::Options {
        rules: Rules {
            threshold: args.threshold,
            round: args.round,
        },
        restricted: args.restricted,
        audit_head: audit_head(session)?,
    };
    let publication = sightline_publish::publish(assessment, &options)?;
    let written = sightline_publish::write(&publication, &args.out)?;
    let subject = format!("{} report to {}", options.marking(), args.out.display());
    session.open()?.store()?.record_event(
        &session.user(),
        Action::Disclosure,
        &subject,
        &args.reason,
    )?;
    Ok(Written {
        report: args.out.join("report.html"),
        files: written.len(),
        hidden: publication
            .tables
            .iter()
            .map(|t| t.protected.primary + t.protected.secondary)
            .sum(),
    })
}

/// The audit log's head for the methodology, once the log has verified: a report never
/// vouches for a log that is broken.
pub fn audit_head(session: &Session) -> anyhow::Result<Option<sightline_publish::AuditHead>> {
    let verdict = session.open()?.store()?.verify_audit()?;
    if let Some((seq, why)) = verdict.broken {
        anyhow::bail!(
            "the audit log is broken at event {seq}: {why}. A report prints the log's head, so none was written; `sightline audit verify` says the same"
        );
    }
    Ok(verdict.head.and_then(|head| {
        let mac = <[u8; 32]>::try_from(hex::decode(&head.head).ok()?).ok()?;
        Some(sightline_publish::AuditHead { seq: head.seq, mac })
    }))
}
