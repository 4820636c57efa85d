//! `sightline link` and `sightline explain`: people from the workspace's person records, and the
//! evidence for any person.

use crate::Outcome;
use crate::progress::PhaseBar;
use crate::workspace::print_json;
use anyhow::Context as _;
use clap::Args;
use serde::Serialize;
use sightline_link::Waterfall;
use sightline_link::model::Model;
use sightline_pipeline::{LinkOptions, LinkReport, Session};
use std::io::Write as _;
use std::path::PathBuf;

#[derive(Args)]
pub struct LinkArgs {
    /// A truth file (`agency_id,person_id,true_id`, as `synth` writes in truth/records.csv):
    /// prints accuracy.
    #[arg(long)]
    pub truth: Option<PathBuf>,
    /// Links must reach this match probability.
    #[arg(long, default_value_t = sightline_link::cluster::ClusterOptions::default().threshold)]
    pub threshold: f64,
    /// Two clusters merge only if the mean match probability between their records reaches this.
    #[arg(long, default_value_t = sightline_link::cluster::ClusterOptions::default().cohesion)]
    pub cohesion: f64,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    #[arg(long)]
    pub json: bool,
}

impl LinkArgs {
    /// How to link, as the pipeline takes it.
    pub fn options(&self) -> LinkOptions {
        LinkOptions {
            truth: self.truth.clone(),
            threshold: self.threshold,
            cohesion: self.cohesion,
            seed: self.seed,
        }
    }
}

pub fn link(context: &Session, args: &LinkArgs) -> anyhow::Result<Outcome> {
    let progress = PhaseBar::new(!args.json);
    let report = sightline_pipeline::link(context, &args.options(), &progress)?;
    if args.json {
        print_json(&report)?;
    } else {
        print_link_report(&report)?;
    }
    Ok(Outcome::Clean)
}

fn print_link_report(report: &LinkReport) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Linkage run {}: {} person records → {} people in {:.1} s ({} pairs scored, {} links at p ≥ {}).",
        report.run_id,
        report.records,
        report.people,
        report.seconds,
        report.pairs_scored,
        report.links_above_threshold,
        report.threshold
    )?;
    if let Some(model) = &report.model {
        crate::render::linkage_model(&mut out, model)?;
    }
    crate::render::blocking_rules(&mut out, &report.blocking)?;
    let refused = &report.refused_merges;
    writeln!(
        out,
        "Links refused: {} (namesakes: a common full name and nothing else for them), {} (members of one household). Merges refused: {} (an agency gave different ids), {} (records disagree), {} (too large).",
        report.namesake_links_refused,
        report.household_links_refused,
        refused.source_says_different,
        refused.not_cohesive,
        refused.too_large
    )?;
    if !report.flagged_clusters.is_empty() {
        writeln!(
            out,
            "{} people to review (sightline explain PERSON):",
            report.flagged_clusters.len()
        )?;
        for flagged in report.flagged_clusters.iter().take(10) {
            writeln!(
                out,
                "  person {}: {} records, {}",
                flagged.cluster, flagged.size, flagged.reason
            )?;
        }
    }
    crate::render::linkage_timing_and_accuracy(
        &mut out,
        &report.phases,
        report.metrics.as_ref(),
        "people",
    )?;
    writeln!(out, "The combination is on the audit log.")?;
    Ok(())
}

#[derive(Args)]
pub struct ExplainArgs {
    /// A person (numbered by its first record) or any person record id.
    id: i64,
    /// Show the records' identifiers (read from the vault; audited).
    #[arg(long)]
    reveal: bool,
    #[arg(long)]
    reason: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Link {
    record_a: i64,
    record_b: i64,
    waterfall: Waterfall,
}

pub fn explain(context: &Session, args: &ExplainArgs) -> anyhow::Result<Outcome> {
    let reason = if args.reveal {
        Some(crate::workspace::require_reason(args.reason.as_deref())?)
    } else {
        None
    };
    let workspace = context.open()?;
    let mut store = workspace.store()?;
    let run = store
        .linkage_run()?
        .context("nothing is linked yet: run sightline link first")?;
    let person = store.person_of(run.run_id, args.id)?.with_context(|| {
        format!(
            "record {} is not in linkage run {} (records ingested since need sightline link again)",
            args.id, run.run_id
        )
    })?;
    let model: Model = serde_json::from_value(run.model.clone())
        .context("the stored linkage model cannot be read")?;
    let (members, evidence) = store.person(run.run_id, person)?;
    let links: Vec<Link> = evidence
        .iter()
        .map(|e| Link {
            record_a: e.record_a,
            record_b: e.record_b,
            waterfall: sightline_link::waterfall(&model, &e.levels, &e.weights),
        })
        .collect();
    let mut identities = Vec::new();
    if let Some(reason) = reason {
        let keys = workspace.keys()?;
        for member in &members {
            identities.push(store.reveal_person(
                member.record_id,
                &keys,
                &context.user(),
                reason,
            )?);
        }
    }
    if args.json {
        print_json(&serde_json::json!({
            "run_id": run.run_id,
            "person": person,
            "records": members,
            "links": links,
            "identities": identities,
        }))?;
        return Ok(Outcome::Clean);
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Person {person} (linkage run {}): {} records.",
        run.run_id,
        members.len()
    )?;
    for member in &members {
        writeln!(
            out,
            "  record {:<8} return {:<4} {:<12} roles {:<16} born {:<6} sex {:<12} key {}",
            member.record_id,
            member.return_id,
            member.agency_id,
            member.roles,
            member.birth_year.map_or("?".to_string(), |y| y.to_string()),
            member.sex,
            member.person_key.get(..12).unwrap_or(&member.person_key)
        )?;
    }
    for identity in &identities {
        let fields: Vec<String> = identity
            .fields
            .iter()
            .map(|(f, v)| format!("{f}={v}"))
            .collect();
        writeln!(
            out,
            "  record {}: {}",
            identity.record_id,
            fields.join(", ")
        )?;
    }
    for link in &links {
        writeln!(out)?;
        crate::render::waterfall(
            &mut out,
            &format!("record {}", link.record_a),
            &format!("record {}", link.record_b),
            &link.waterfall,
            true,
        )?;
    }
    if !identities.is_empty() {
        writeln!(out, "This look is on the audit log.")?;
    }
    Ok(Outcome::Clean)
}
