//! `sightline report` (the published assessment) and `sightline demo` (the whole pipeline on
//! synthetic data, from nothing to a report).

use crate::Outcome;
use crate::link::LinkArgs;
use crate::render::thousands;
use crate::workspace::{Context, IngestArgs, Ingested, key_override, read_register, store_return};
use anyhow::Context as _;
use clap::Args;
use sightline_disclosure::Rules;
use sightline_store::{Action, Workspace};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Args)]
pub struct ReportArgs {
    /// The folder to write report.html, tables/ and figures.json into.
    #[arg(long)]
    out: PathBuf,
    /// No suppression, for authorised analysts: every page and file is marked
    /// OFFICIAL-SENSITIVE and the export goes on the audit log.
    #[arg(long)]
    restricted: bool,
    /// Round shown counts to the nearest multiple (e.g. 5); totals from unrounded values.
    #[arg(long)]
    round: Option<u64>,
    /// Counts from 1 to this are hidden as [c].
    #[arg(long, default_value_t = 4)]
    threshold: u64,
    /// Why the report is made (for the audit log).
    #[arg(long, default_value = "publication")]
    reason: String,
}

/// What a report run wrote.
pub struct Written {
    pub report: PathBuf,
    pub files: usize,
    pub hidden: usize,
}

/// Assesses the workspace, applies disclosure control and writes the publication.
pub fn write_report(context: &Context, args: &ReportArgs) -> anyhow::Result<Written> {
    if args.threshold > 100 {
        anyhow::bail!("--threshold must be at most 100; got {}", args.threshold);
    }
    if args.round == Some(0) {
        anyhow::bail!("--round must be at least 1");
    }
    let data = context.open()?.store()?.analysis()?;
    let assessment = sightline_assess::assess(&data, &sightline_assess::Options::default())?;
    publish(context, &assessment, args)
}

/// Applies disclosure control to an assessment of the workspace, writes the publication and
/// puts it on the workspace's audit log.
fn publish(
    context: &Context,
    assessment: &sightline_assess::Assessment,
    args: &ReportArgs,
) -> anyhow::Result<Written> {
    let options = sightline_publish::Options {
        rules: Rules {
            threshold: args.threshold,
            round: args.round,
        },
        restricted: args.restricted,
        audit_head: audit_head(context)?,
    };
    let publication = sightline_publish::publish(assessment, &options)?;
    let written = sightline_publish::write(&publication, &args.out)?;
    let subject = format!("{} report to {}", options.marking(), args.out.display());
    context.open()?.store()?.record_event(
        &context.user(),
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
fn audit_head(context: &Context) -> anyhow::Result<Option<sightline_publish::AuditHead>> {
    let verdict = context.open()?.store()?.verify_audit()?;
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

pub fn report(context: &Context, args: &ReportArgs) -> anyhow::Result<Outcome> {
    let written = write_report(context, args)?;
    println!(
        "Wrote {} files ({}; {} cells hidden) to {}.",
        written.files,
        if args.restricted {
            "OFFICIAL-SENSITIVE, nothing hidden"
        } else {
            "OFFICIAL"
        },
        written.hidden,
        args.out.display()
    );
    println!("Open {}", written.report.display());
    Ok(Outcome::Clean)
}

/// Marks a folder as made by `demo`, so that a later demo may replace it.
const DEMO_MARKER: &str = ".sightline-demo";

#[derive(Args)]
pub struct DemoArgs {
    /// The folder for everything the demo makes: new, empty, or an earlier demo's (replaced).
    #[arg(long, default_value = "sightline-demo")]
    out: PathBuf,
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

fn stage(number: usize, name: &str, started: Instant, detail: &str) {
    eprintln!(
        "[{number}/7] {name:<8} {detail} ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
}

/// The files (or, `dirs`, the folders) directly in `dir`, sorted.
fn entries(dir: &Path, dirs: bool) -> anyhow::Result<Vec<PathBuf>> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| if dirs { p.is_dir() } else { p.is_file() })
        .collect();
    found.sort();
    Ok(found)
}

/// synth → init → agencies import → ingest every return → link → assess → report.
pub fn demo(context: &Context, args: &DemoArgs) -> anyhow::Result<Outcome> {
    let total = Instant::now();
    let marker = args.out.join(DEMO_MARKER);
    let occupied = args.out.exists()
        && std::fs::read_dir(&args.out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true);
    if occupied && !marker.exists() {
        anyhow::bail!(
            "{} already exists and is not an earlier demo: remove it, or pass --out with a new folder",
            args.out.display()
        );
    }
    if occupied {
        eprintln!("Replacing the earlier demo in {}", args.out.display());
        std::fs::remove_dir_all(&args.out)
            .with_context(|| format!("cannot remove the earlier demo in {}", args.out.display()))?;
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    std::fs::write(
        &marker,
        "Made by `sightline demo`; a later demo may replace this folder.\n",
    )
    .with_context(|| format!("cannot write {}", marker.display()))?;
    if !(args.scale > 0.0 && args.scale <= 1000.0) {
        anyhow::bail!(
            "--scale must be above 0 and at most 1000; got {}",
            args.scale
        );
    }
    let syn = args.out.join("syn");
    let ws = args.out.join("ws");

    let started = Instant::now();
    let generated = sightline_synth::generate(&syn, args.scale, args.seed)
        .with_context(|| format!("cannot write the synthetic returns to {}", syn.display()))?;
    stage(
        1,
        "synth",
        started,
        &format!(
            "{} agencies, {} returns, {} rows ({} deliberately invalid) in {}",
            generated.agencies,
            generated.returns,
            thousands(generated.rows),
            thousands(generated.defects as u64),
            syn.display()
        ),
    );

    let started = Instant::now();
    Workspace::init(&ws, key_override().as_deref())?;
    stage(2, "init", started, &format!("workspace {}", ws.display()));
    let context = Context {
        workspace: Some(ws.clone()),
        user: context.user.clone(),
    };

    let started = Instant::now();
    let (agencies, problems) = read_register(&syn.join("agencies.csv"))?;
    if let Some(problem) = problems.first() {
        anyhow::bail!("the synthetic register has problems: {problem}");
    }
    context
        .open()?
        .store()?
        .import_agencies(&agencies, &context.user())?;
    stage(
        3,
        "register",
        started,
        &format!("{} agencies", agencies.len()),
    );

    let started = Instant::now();
    let (mut returns, mut accepted, mut rejected) = (0, 0, 0);
    for dir in entries(&syn.join("returns"), true)? {
        let agency = dir
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let profile = syn.join("profiles").join(format!("{agency}.toml"));
        let ingest = IngestArgs {
            files: entries(&dir, false)?,
            agency: agency.clone(),
            profile: profile.exists().then_some(profile),
            period: None,
            json: true,
        };
        if let Ingested::Stored(report, _) = store_return(&context, &ingest, false)
            .with_context(|| format!("ingesting the return of {agency}"))?
        {
            returns += 1;
            rejected += report.rows_rejected();
            accepted += report.tables.iter().map(|t| t.accepted).sum::<u64>();
        }
    }
    stage(
        4,
        "ingest",
        started,
        &format!(
            "{returns} returns: {} rows stored, {} rejected with reasons",
            thousands(accepted),
            thousands(rejected)
        ),
    );

    let started = Instant::now();
    let linked = crate::link::run(
        &context,
        &LinkArgs {
            truth: None,
            threshold: sightline_link::cluster::ClusterOptions::default().threshold,
            cohesion: sightline_link::cluster::ClusterOptions::default().cohesion,
            seed: 42,
            json: true,
        },
        false,
    )?;
    stage(
        5,
        "link",
        started,
        &format!(
            "{} person records → {} people",
            thousands(linked.records as u64),
            thousands(linked.people as u64)
        ),
    );

    let started = Instant::now();
    let data = context.open()?.store()?.analysis()?;
    let assessment = sightline_assess::assess(&data, &sightline_assess::Options::default())?;
    let groups = assessment.groups.first().map_or(0, |g| g.groups.len());
    stage(
        6,
        "assess",
        started,
        &format!(
            "{} victims, {} offenders, {} groups",
            thousands(assessment.count("victims").unwrap_or(0)),
            thousands(assessment.count("offenders").unwrap_or(0)),
            thousands(groups as u64)
        ),
    );

    let started = Instant::now();
    let report_dir = args.out.join("report");
    let written = publish(
        &context,
        &assessment,
        &ReportArgs {
            out: report_dir,
            restricted: false,
            round: None,
            threshold: 4,
            reason: "demo".to_string(),
        },
    )?;
    stage(
        7,
        "report",
        started,
        &format!("{} files, {} cells hidden", written.files, written.hidden),
    );
    println!(
        "Demo finished in {:.1} s: {returns} returns, {} rows rejected, {} records → {} people, {} groups.",
        total.elapsed().as_secs_f64(),
        thousands(rejected),
        thousands(linked.records as u64),
        thousands(linked.people as u64),
        thousands(groups as u64),
    );
    println!("Report: {}", written.report.display());
    Ok(Outcome::Clean)
}
