//! The commands that work on a workspace: init, agencies, ingest, returns, rejects, reveal,
//! audit.

use crate::Outcome;
use crate::progress::WithProgress;
use anyhow::{Context as _, bail};
use sha2::{Digest, Sha256};
use sightline_store::{Agency, NewReturn, Workspace};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Where the workspace is and who is working: from the global options.
pub struct Context {
    pub workspace: Option<PathBuf>,
    pub user: Option<String>,
}

impl Context {
    /// The workspace from `--workspace`, `SIGHTLINE_WORKSPACE`, or the current directory.
    pub fn open(&self) -> anyhow::Result<Workspace> {
        let dir = match &self.workspace {
            Some(dir) => dir.clone(),
            None => std::env::var_os("SIGHTLINE_WORKSPACE")
                .map(PathBuf::from)
                .map_or_else(std::env::current_dir, Ok)
                .context("cannot tell the current directory")?,
        };
        let workspace = Workspace::open(&dir, key_override().as_deref())?;
        Ok(match database_override() {
            Some(url) => workspace.with_database(&url)?,
            None => workspace,
        })
    }

    /// The user for the audit log: `--user`, else the OS user.
    pub fn user(&self) -> String {
        self.user
            .clone()
            .or_else(|| std::env::var("USER").ok())
            .or_else(|| std::env::var("LOGNAME").ok())
            .or_else(|| std::env::var("USERNAME").ok())
            .filter(|user| !user.trim().is_empty())
            .unwrap_or_else(|| "unknown".to_string())
    }
}

pub fn key_override() -> Option<PathBuf> {
    std::env::var_os("SIGHTLINE_KEY_FILE").map(PathBuf::from)
}

/// The database URL (with a login and password) that wins over a workspace's config.
pub fn database_override() -> Option<String> {
    std::env::var("SIGHTLINE_DATABASE")
        .ok()
        .filter(|url| !url.trim().is_empty())
}

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

/// Reads an agency register CSV: `agency_id`, `name`, `type`, `area`, `requested`.
/// Every problem is listed; nothing is imported unless every row is good.
pub fn read_register(path: &Path) -> anyhow::Result<(Vec<Agency>, Vec<String>)> {
    use sightline_standard::Coded;
    use sightline_standard::codes::{AGENCY_TYPE, YES_NO};
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let headers: Vec<String> = reader
        .headers()?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let mut indices = Vec::new();
    for name in ["agency_id", "name", "type", "area", "requested"] {
        match column(name) {
            Some(index) => indices.push(index),
            None => bail!(
                "{}: no '{name}' column; the register needs agency_id, name, type, area, requested",
                path.display()
            ),
        }
    }
    let mut agencies = Vec::new();
    let mut problems = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let row = index + 2;
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                problems.push(format!("row {row}: {error}"));
                continue;
            }
        };
        let cell = |i: usize| {
            sightline_standard::cells::restore(record.get(indices[i]).unwrap_or_default().trim())
                .to_string()
        };
        let agency_type = match AGENCY_TYPE.lookup(&cell(2)) {
            Coded::Code(code) => code.to_string(),
            _ => {
                problems.push(format!(
                    "row {row}: type '{}' is not one of {}",
                    cell(2),
                    AGENCY_TYPE
                        .codes
                        .iter()
                        .map(|c| c.code)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                continue;
            }
        };
        let requested = match YES_NO.lookup(&cell(4)) {
            Coded::Code("yes") => true,
            Coded::Code("no") => false,
            _ => {
                problems.push(format!(
                    "row {row}: requested '{}' is not yes or no",
                    cell(4)
                ));
                continue;
            }
        };
        if cell(0).is_empty() || cell(1).is_empty() {
            problems.push(format!("row {row}: agency_id and name are required"));
            continue;
        }
        if agencies.iter().any(|a: &Agency| a.agency_id == cell(0)) {
            problems.push(format!("row {row}: agency_id '{}' appears twice", cell(0)));
            continue;
        }
        agencies.push(Agency {
            agency_id: cell(0),
            name: cell(1),
            agency_type,
            area: cell(3),
            requested,
        });
    }
    Ok((agencies, problems))
}

pub fn agencies_import(context: &Context, file: &Path) -> anyhow::Result<Outcome> {
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

pub fn agencies_list(context: &Context, json: bool) -> anyhow::Result<Outcome> {
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

/// The identity of a return's content: its files' bytes (in any order), the profile's bytes
/// and the period.
fn content_hash(
    files: &[PathBuf],
    profile: Option<&Path>,
    period: Option<&str>,
) -> anyhow::Result<String> {
    let digest = |path: &Path| -> anyhow::Result<String> {
        let mut hasher = Sha256::new();
        let mut file =
            std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        std::io::copy(&mut file, &mut hasher)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Ok(hex::encode(hasher.finalize()))
    };
    let mut parts: Vec<String> = files
        .iter()
        .map(|f| digest(f))
        .collect::<anyhow::Result<_>>()?;
    parts.sort();
    parts.push(format!(
        "profile:{}",
        profile.map(digest).transpose()?.unwrap_or_default()
    ));
    parts.push(format!("period:{}", period.unwrap_or_default()));
    Ok(hex::encode(Sha256::digest(parts.join("\n").as_bytes())))
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

/// What storing a return did.
pub enum Ingested {
    /// The same bytes were already stored as this return.
    Already(i64),
    Stored(sightline_intake::CheckReport, sightline_store::StoredReturn),
}

/// Checks a return and stores it whole or not at all; progress on stderr if asked.
pub fn store_return(
    context: &Context,
    args: &IngestArgs,
    show_progress: bool,
) -> anyhow::Result<Ingested> {
    let workspace = context.open()?;
    let mut store = workspace.store()?;
    if store.agency(&args.agency)?.is_none() {
        bail!(
            "agency '{}' is not in the register; add it to the register file and run `sightline agencies import FILE`",
            args.agency
        );
    }
    let options = crate::check::options(args.profile.as_deref(), args.period.as_deref())?;
    let hash = content_hash(&args.files, args.profile.as_deref(), args.period.as_deref())?;
    if let Some(existing) = store.find_return(&args.agency, &hash)? {
        return Ok(Ingested::Already(existing));
    }
    let mut keys = workspace.keys()?;
    let new = NewReturn {
        agency_id: args.agency.clone(),
        period: options
            .period
            .map(|p| (p.from.to_string(), p.to.to_string())),
        // File names only: a folder path can name a person, and the store keeps it in the clear.
        files: args
            .files
            .iter()
            .map(|f| {
                f.file_name().map_or_else(
                    || f.display().to_string(),
                    |n| n.to_string_lossy().to_string(),
                )
            })
            .collect(),
        content_hash: hash,
        user: context.user(),
    };
    let stored = store.ingest(&new, &mut keys, &mut |sink| {
        let mut sink = WithProgress::new(sink, show_progress);
        let report = sightline_intake::check(&args.files, &options, &mut sink);
        sink.finish();
        report
    });
    match stored {
        Ok((report, stored)) => Ok(Ingested::Stored(report, stored)),
        // Another process stored the same bytes while this one was reading them.
        Err(sightline_store::StoreError::AlreadyStored(existing)) => {
            Ok(Ingested::Already(existing))
        }
        Err(error) => Err(error.into()),
    }
}

pub fn ingest(context: &Context, args: &IngestArgs) -> anyhow::Result<Outcome> {
    let mut out = std::io::stdout().lock();
    let (report, stored) = match store_return(context, args, !args.json)? {
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

pub fn returns(context: &Context, all: bool, json: bool) -> anyhow::Result<Outcome> {
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
    context: &Context,
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
    context: &Context,
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

pub fn backup(context: &Context, out: &Path, reason: &str) -> anyhow::Result<Outcome> {
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

pub fn restore(context: &Context, file: &Path, dir: &Path) -> anyhow::Result<Outcome> {
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

pub fn erase(context: &Context, return_id: i64, reason: Option<&str>) -> anyhow::Result<Outcome> {
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

pub fn keys_rotate(context: &Context, reason: Option<&str>) -> anyhow::Result<Outcome> {
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

pub fn audit(context: &Context, verify: bool, json: bool) -> anyhow::Result<Outcome> {
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
