//! The commands that work on a workspace: init, agencies, ingest, returns, rejects, reveal,
//! audit.

use crate::Outcome;
use crate::progress::ReturnBar;
use anyhow::bail;
use sightline_pipeline::{IngestOptions, Ingested, Session, key_override, read_register};
use sightline_store::Workspace;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Pretty JSON on stdout (a closed pipe surfaces as an io error, which `main` ignores).
pub fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    writeln!(stdout)?;
    Ok(())
}

pub fn init(dir: &Path, database: Option<&str>) -> anyhow::Result<Outcome> {
    let mut out = std::io::stdout().lock();
    // The URL as given (a password in it is used, never written to the config).
    let (workspace, notes) = Workspace::init_with(dir, key_override().as_deref(), database)?;
    writeln!(out, "Created a workspace in {}:", workspace.dir.display())?;
    writeln!(out, "  store    {}", workspace.store)?;
    for note in &notes {
        writeln!(out, "  note     {note}")?;
    }
    writeln!(
        out,
        "  key      {} (keep it safe: without it the names in the vault cannot be read)",
        workspace.key_path.display()
    )?;
    writeln!(
        out,
        "Next: sightline agencies import AGENCIES.csv --workspace {}",
        workspace.dir.display()
    )?;
    Ok(Outcome::Clean)
}

pub fn agencies_import(context: &Session, file: &Path) -> anyhow::Result<Outcome> {
    let mut out = std::io::stdout().lock();
    let workspace = context.open()?;
    let (agencies, problems) = read_register(file)?;
    if !problems.is_empty() {
        eprintln!(
            "{}: {} problems; nothing imported:",
            file.display(),
            problems.len()
        );
        for problem in &problems {
            eprintln!("  {problem}");
        }
        return Ok(Outcome::Problems);
    }
    let count = workspace
        .store()?
        .import_agencies(&agencies, &context.user())?;
    writeln!(out, "Imported {count} agencies into the register.")?;
    Ok(Outcome::Clean)
}

pub fn agencies_list(context: &Session, json: bool) -> anyhow::Result<Outcome> {
    let mut out = std::io::stdout().lock();
    let agencies = context.open()?.store()?.agencies()?;
    if json {
        print_json(&agencies)?;
        return Ok(Outcome::Clean);
    }
    let requested = agencies.iter().filter(|a| a.agency.requested).count();
    let returned = agencies.iter().filter(|a| a.returns > 0).count();
    writeln!(
        out,
        "{} agencies; {requested} asked for a return; {returned} returned.",
        agencies.len()
    )?;
    writeln!(
        out,
        "{:<14} {:<20} {:<8} {:>9} {:>7} {:>9} {:>9}  name",
        "agency", "type", "area", "requested", "returns", "accepted", "rejected"
    )?;
    for a in &agencies {
        writeln!(
            out,
            "{:<14} {:<20} {:<8} {:>9} {:>7} {:>9} {:>9}  {}",
            a.agency.agency_id,
            a.agency.agency_type,
            a.agency.area,
            if a.agency.requested { "yes" } else { "no" },
            a.returns,
            a.rows_accepted,
            a.rows_rejected,
            a.agency.name
        )?;
    }
    Ok(Outcome::Clean)
}

#[derive(clap::Args)]
pub struct IngestArgs {
    /// The return's files: CSVs and/or workbooks.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The agency that sent it (as in the register).
    #[arg(long)]
    pub agency: String,
    /// How the files map onto the standard.
    #[arg(long)]
    pub profile: Option<PathBuf>,
    /// The period the return covers, FROM..TO.
    #[arg(long)]
    pub period: Option<String>,
    #[arg(long)]
    pub json: bool,
}

impl IngestArgs {
    /// The return to store, as the pipeline takes it.
    pub fn options(&self) -> IngestOptions {
        IngestOptions {
            files: self.files.clone(),
            agency: self.agency.clone(),
            profile: self.profile.clone(),
            period: self.period.clone(),
        }
    }
}

pub fn ingest(context: &Session, args: &IngestArgs) -> anyhow::Result<Outcome> {
    let mut out = std::io::stdout().lock();
    let progress = ReturnBar::new(!args.json);
    let (report, stored) =
        match sightline_pipeline::store_return(context, &args.options(), &progress)? {
            Ingested::Already(existing) => {
                if args.json {
                    print_json(
                        &serde_json::json!({ "already_ingested": existing, "return_id": existing }),
                    )?;
                } else {
                    writeln!(
                        out,
                        "Already ingested as return {existing}; nothing changed."
                    )?;
                }
                return Ok(Outcome::Clean);
            }
            Ingested::Stored(report, stored) => (report, stored),
        };
    let rejected = report.rows_rejected();
    if args.json {
        print_json(&serde_json::json!({
            "return_id": stored.return_id,
            "superseded": stored.superseded,
            "tables": report.tables,
            "rules": report.rules,
        }))?;
    } else {
        writeln!(
            out,
            "Stored return {} from {}.",
            stored.return_id, args.agency
        )?;
        for old in &stored.superseded {
            writeln!(
                out,
                "  It supersedes return {old} (same agency and period), kept in the history."
            )?;
        }
        writeln!(
            out,
            "  {:<18} {:>10} {:>10} {:>10}",
            "table", "read", "accepted", "rejected"
        )?;
        for table in &report.tables {
            writeln!(
                out,
                "  {:<18} {:>10} {:>10} {:>10}",
                table.table.name(),
                table.read,
                table.accepted,
                table.rejected
            )?;
        }
        if rejected > 0 {
            writeln!(
                out,
                "{rejected} rows rejected; see them with: sightline rejects {}",
                stored.return_id
            )?;
        }
    }
    Ok(if rejected > 0 {
        Outcome::Problems
    } else {
        Outcome::Clean
    })
}

pub fn returns(context: &Session, all: bool, json: bool) -> anyhow::Result<Outcome> {
    let mut out = std::io::stdout().lock();
    let returns = context.open()?.store()?.returns(all)?;
    if json {
        print_json(&returns)?;
        return Ok(Outcome::Clean);
    }
    if returns.is_empty() {
        writeln!(
            out,
            "No returns yet. Store one with: sightline ingest FILE... --agency ID"
        )?;
    }
    for r in &returns {
        let period = match (&r.period_from, &r.period_to) {
            (Some(from), Some(to)) => format!("{from}..{to}"),
            _ => "no period".to_string(),
        };
        let mut status = match r.superseded_by {
            Some(by) => format!("superseded by {by}"),
            None => r.status.clone(),
        };
        if let Some(review) = &r.review_date {
            status.push_str(&format!(" · review {review}"));
        }
        if let Some(erasure) = &r.erased {
            status.push_str(&format!(
                " · identifiers erased {} by {} ({})",
                erasure.at, erasure.user, erasure.reason
            ));
        }
        writeln!(
            out,
            "return {} · {} · {period} · {} · {} by {} · {}",
            r.return_id,
            r.agency_id,
            status,
            r.ingested_at,
            r.user,
            &r.content_hash[..12.min(r.content_hash.len())]
        )?;
        writeln!(out, "  files: {}", r.files.join(", "))?;
        for t in &r.tables {
            writeln!(
                out,
                "  {:<18} read {:>8}  accepted {:>8}  rejected {:>8}",
                t.table, t.read, t.accepted, t.rejected
            )?;
        }
    }
    Ok(Outcome::Clean)
}

pub fn require_reason(reason: Option<&str>) -> anyhow::Result<&str> {
    match reason.map(str::trim) {
        Some(reason) if !reason.is_empty() => Ok(reason),
        _ => bail!("reading identifiers needs --reason TEXT: it is written to the audit log"),
    }
}

pub fn rejects(
    context: &Session,
    return_id: i64,
    reveal: bool,
    reason: Option<&str>,
    json: bool,
) -> anyhow::Result<Outcome> {
    let mut out = std::io::stdout().lock();
    let workspace = context.open()?;
    let mut store = workspace.store()?;
    let rows = if reveal {
        let reason = require_reason(reason)?;
        store.reveal_rejects(return_id, &workspace.keys()?, &context.user(), reason)?
    } else {
        store.rejects(return_id)?
    };
    if json {
        print_json(&rows)?;
        return Ok(Outcome::Clean);
    }
    writeln!(out, "{} rejected rows in return {return_id}.", rows.len())?;
    for row in &rows {
        writeln!(
            out,
            "  {} {} row {}: {} (columns: {})",
            row.table,
            row.file,
            row.row,
            row.rules.join(", "),
            row.columns.join(", ")
        )?;
        if let Some(revealed) = &row.revealed {
            for reason in revealed["reasons"].as_array().into_iter().flatten() {
                writeln!(
                    out,
                    "      {} {}",
                    reason["rule"].as_str().unwrap_or_default(),
                    reason["message"].as_str().unwrap_or_default()
                )?;
            }
        }
    }
    if !reveal && !rows.is_empty() {
        writeln!(
            out,
            "Values are in the vault: add --reveal --reason TEXT to see them (audited)."
        )?;
    }
    Ok(Outcome::Clean)
}

pub fn reveal(
    context: &Session,
    record_id: i64,
    reason: Option<&str>,
    json: bool,
) -> anyhow::Result<Outcome> {
    let mut out = std::io::stdout().lock();
    let reason = require_reason(reason)?;
    let workspace = context.open()?;
    let identity =
        workspace
            .store()?
            .reveal_person(record_id, &workspace.keys()?, &context.user(), reason)?;
    if json {
        print_json(&identity)?;
    } else {
        writeln!(
            out,
            "Person record {} (return {}, agency {}):",
            identity.record_id, identity.return_id, identity.agency_id
        )?;
        for (field, value) in &identity.fields {
            writeln!(out, "  {field:<14} {value}")?;
        }
        writeln!(out, "This look is on the audit log.")?;
    }
    Ok(Outcome::Clean)
}

pub fn backup(context: &Session, out: &Path, reason: &str) -> anyhow::Result<Outcome> {
    let workspace = context.open()?;
    let head = workspace.backup(out, &context.user(), reason)?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "Wrote a backup of the store to {}.", out.display())?;
    if let Some((seq, head)) = head {
        writeln!(stdout, "  its audit log ends at event {seq} {head}")?;
    }
    writeln!(
        stdout,
        "The key file is not in it: keep {} apart from the backup. Restore with: SIGHTLINE_KEY_FILE=KEY sightline restore {} DIR",
        workspace.key_path.display(),
        out.display()
    )?;
    Ok(Outcome::Clean)
}

pub fn restore(context: &Session, file: &Path, dir: &Path) -> anyhow::Result<Outcome> {
    let Some(key) = key_override() else {
        bail!(
            "restoring needs the store's key file, kept apart from the backup: give it with SIGHTLINE_KEY_FILE=PATH"
        );
    };
    let (workspace, head) = Workspace::restore(file, dir, &key, &context.user())?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Restored {} into a workspace in {}:",
        file.display(),
        workspace.dir.display()
    )?;
    writeln!(out, "  store    {}", workspace.store)?;
    writeln!(out, "  key      {}", workspace.key_path.display())?;
    if let Some(head) = head {
        writeln!(
            out,
            "  audit    the backup's log verified to event {} {}; the restore is on the log after it",
            head.seq, head.head
        )?;
    }
    Ok(Outcome::Clean)
}

pub fn erase(context: &Session, return_id: i64, reason: Option<&str>) -> anyhow::Result<Outcome> {
    let reason = match reason.map(str::trim) {
        Some(reason) if !reason.is_empty() => reason,
        _ => bail!(
            "erasing needs --reason TEXT: it is written to the audit log and told to anyone who asks for these identifiers later"
        ),
    };
    let erasure = context
        .open()?
        .store()?
        .erase_return(return_id, &context.user(), reason)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Erased the identifiers of return {return_id} ({}). Its rows, counts and the audit log remain.",
        erasure.at
    )?;
    writeln!(
        out,
        "Backups taken before now still hold its key, under the workspace key: they expire with that key (`sightline keys rotate`, then destroy the retired key)."
    )?;
    Ok(Outcome::Clean)
}

pub fn keys_rotate(context: &Session, reason: Option<&str>) -> anyhow::Result<Outcome> {
    let reason = match reason.map(str::trim) {
        Some(reason) if !reason.is_empty() => reason,
        _ => bail!("rotating the key needs --reason TEXT: it is written to the audit log"),
    };
    let workspace = context.open()?;
    let (resealed, retired) = workspace.rotate_keys(&context.user(), reason)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Re-sealed the vault under a new key, now in {}: {} returns' data keys re-wrapped, {} values of older returns re-sealed.",
        workspace.key_path.display(),
        resealed.return_keys,
        resealed.values
    )?;
    writeln!(
        out,
        "The old key is kept in {}: backups made before now need it; keep it with them, or destroy it if there are none.",
        retired.display()
    )?;
    writeln!(
        out,
        "Other workspaces on this store need the new key file (SIGHTLINE_KEY_FILE)."
    )?;
    Ok(Outcome::Clean)
}

pub fn audit(context: &Session, verify: bool, json: bool) -> anyhow::Result<Outcome> {
    let mut out = std::io::stdout().lock();
    let store = context.open()?.store()?;
    if verify {
        let verdict = store.verify_audit()?;
        if json {
            print_json(&verdict)?;
        }
        return Ok(match verdict.broken {
            None => {
                if !json {
                    writeln!(out, "The audit log's {} events are intact.", verdict.events)?;
                    if verdict.unkeyed_events > 0 {
                        writeln!(
                            out,
                            "  events 1 to {} were chained with plain SHA-256 before the keyed chain; the keyed events after them vouch for them",
                            verdict.unkeyed_events
                        )?;
                    }
                    if let Some(head) = &verdict.head {
                        writeln!(out, "  head     event {} {}", head.seq, head.head)?;
                    }
                    match verdict.checkpoints {
                        Some(lines) => writeln!(
                            out,
                            "  checkpoint {lines} heads recorded outside the store agree with it"
                        )?,
                        None => writeln!(
                            out,
                            "  checkpoint none: this workspace has no {} (made by `init`), so removing the newest events could not be seen",
                            sightline_store::audit::CHECKPOINT_FILE
                        )?,
                    }
                }
                Outcome::Clean
            }
            Some((seq, why)) => {
                if !json {
                    writeln!(out, "The audit log is broken at event {seq}: {why}.")?;
                }
                Outcome::Problems
            }
        });
    }
    let events = store.audit_events()?;
    if json {
        print_json(&events)?;
        return Ok(Outcome::Clean);
    }
    for e in &events {
        let why = if e.reason.is_empty() {
            String::new()
        } else {
            format!(" — why: {}", e.reason)
        };
        writeln!(
            out,
            "{:>5} {} {:<12} {:<14} {}{why}",
            e.seq, e.at, e.user, e.action, e.subject
        )?;
    }
    Ok(Outcome::Clean)
}
