//! The demo: the whole pipeline on synthetic data, from nothing to a published report, in one
//! folder that a later demo may replace (synth → init → register → ingest → link → assess →
//! report).

use crate::{IngestOptions, Ingested, LinkOptions, Progress, PublishOptions, Session, Silent};
use anyhow::Context as _;
use sightline_store::Workspace;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Marks a folder as made by the demo, so that a later demo may replace it.
pub const DEMO_MARKER: &str = ".sightline-demo";

/// Where the demo writes, and the synthetic world it draws.
#[derive(Clone, Debug)]
pub struct DemoOptions {
    /// The folder for everything the demo makes: new, empty, or an earlier demo's (replaced).
    pub out: PathBuf,
    /// Multiplies the population (1 = the 2011 assessment's size).
    pub scale: f64,
    pub seed: u64,
}

/// A stage of the demo, with what it made.
#[derive(Clone, Debug)]
pub enum DemoStage {
    /// An earlier demo's folder is being replaced (before stage 1).
    Replacing {
        dir: PathBuf,
    },
    Synth {
        agencies: usize,
        returns: usize,
        rows: u64,
        defects: usize,
        dir: PathBuf,
    },
    Init {
        dir: PathBuf,
    },
    Register {
        agencies: usize,
    },
    Ingest {
        returns: usize,
        accepted: u64,
        rejected: u64,
    },
    Link {
        records: usize,
        people: usize,
    },
    Assess {
        victims: u64,
        offenders: u64,
        groups: usize,
    },
    Report {
        files: usize,
        hidden: usize,
    },
}

impl DemoStage {
    /// How many numbered stages the demo has.
    pub const STAGES: usize = 7;

    /// The stage's number (1 to 7) and name; none for the replacement notice.
    pub fn numbered(&self) -> Option<(usize, &'static str)> {
        Some(match self {
            DemoStage::Replacing { .. } => return None,
            DemoStage::Synth { .. } => (1, "synth"),
            DemoStage::Init { .. } => (2, "init"),
            DemoStage::Register { .. } => (3, "register"),
            DemoStage::Ingest { .. } => (4, "ingest"),
            DemoStage::Link { .. } => (5, "link"),
            DemoStage::Assess { .. } => (6, "assess"),
            DemoStage::Report { .. } => (7, "report"),
        })
    }
}

/// What the demo made, in all.
#[derive(Clone, Debug)]
pub struct DemoReport {
    pub returns: usize,
    pub rejected: u64,
    pub records: usize,
    pub people: usize,
    pub groups: usize,
    /// The published report's HTML file.
    pub report: PathBuf,
    pub seconds: f64,
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

/// synth → init → agencies import → ingest every return → link → assess → report, into
/// `args.out` (refused if it holds anything but an earlier demo); `user` works for the audit
/// log, and `progress` hears each stage as it ends.
pub fn demo(
    args: &DemoOptions,
    user: Option<&str>,
    progress: &dyn Progress,
) -> anyhow::Result<DemoReport> {
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
        progress.demo_stage(
            &DemoStage::Replacing {
                dir: args.out.clone(),
            },
            0.0,
        );
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
    let done = |stage: DemoStage, started: Instant| {
        progress.demo_stage(&stage, started.elapsed().as_secs_f64());
    };

    let started = Instant::now();
    let generated = sightline_synth::generate(&syn, args.scale, args.seed)
        .with_context(|| format!("cannot write the synthetic returns to {}", syn.display()))?;
    done(
        DemoStage::Synth {
            agencies: generated.agencies,
            returns: generated.returns,
            rows: generated.rows,
            defects: generated.defects,
            dir: syn.clone(),
        },
        started,
    );

    let started = Instant::now();
    Workspace::init(&ws, crate::key_override().as_deref())?;
    done(DemoStage::Init { dir: ws.clone() }, started);
    let session = Session {
        workspace: Some(ws.clone()),
        user: user.map(str::to_string),
    };

    let started = Instant::now();
    let (agencies, problems) = crate::read_register(&syn.join("agencies.csv"))?;
    if let Some(problem) = problems.first() {
        anyhow::bail!("the synthetic register has problems: {problem}");
    }
    session
        .open()?
        .store()?
        .import_agencies(&agencies, &session.user())?;
    done(
        DemoStage::Register {
            agencies: agencies.len(),
        },
        started,
    );

    let started = Instant::now();
    let (mut returns, mut accepted, mut rejected) = (0, 0, 0);
    for dir in entries(&syn.join("returns"), true)? {
        let agency = dir
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let profile = syn.join("profiles").join(format!("{agency}.toml"));
        let ingest = IngestOptions {
            files: entries(&dir, false)?,
            agency: agency.clone(),
            profile: profile.exists().then_some(profile),
            period: None,
        };
        if let Ingested::Stored(report, _) = crate::store_return(&session, &ingest, &Silent)
            .with_context(|| format!("ingesting the return of {agency}"))?
        {
            returns += 1;
            rejected += report.rows_rejected();
            accepted += report.tables.iter().map(|t| t.accepted).sum::<u64>();
        }
    }
    done(
        DemoStage::Ingest {
            returns,
            accepted,
            rejected,
        },
        started,
    );

    let started = Instant::now();
    let linked = crate::link(&session, &LinkOptions::default(), &Silent)?;
    done(
        DemoStage::Link {
            records: linked.records,
            people: linked.people,
        },
        started,
    );

    let started = Instant::now();
    let assessment = crate::assess(&session, &sightline_assess::Options::default())?;
    let groups = assessment.groups.first().map_or(0, |g| g.groups.len());
    done(
        DemoStage::Assess {
            victims: assessment.count("victims").unwrap_or(0),
            offenders: assessment.count("offenders").unwrap_or(0),
            groups,
        },
        started,
    );

    let started = Instant::now();
    let written = crate::publish(
        &session,
        &assessment,
        &PublishOptions::new(args.out.join("report"), "demo"),
    )?;
    done(
        DemoStage::Report {
            files: written.files,
            hidden: written.hidden,
        },
        started,
    );
    Ok(DemoReport {
        returns,
        rejected,
        records: linked.records,
        people: linked.people,
        groups,
        report: written.report,
        seconds: total.elapsed().as_secs_f64(),
    })
}
