//! `sightline link` and `sightline explain`: people from the workspace's person records, and the
//! evidence for any person.

use crate::Outcome;
use crate::progress::PhaseBar;
use crate::workspace::{Context, print_json};
use anyhow::Context as _;
use clap::Args;
use rustc_hash::FxHashMap;
use serde::Serialize;
use sightline_link::dataset::{Dataset, PersonInput};
use sightline_link::evaluate::{Metrics, evaluate};
use sightline_link::model::Model;
use sightline_link::{Options, Waterfall};
use sightline_standard::dates::DateFormat;
use sightline_store::linkage::{Evidence, LinkageRecord};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

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

#[derive(Serialize)]
pub struct LinkReport {
    pub run_id: i64,
    pub records: usize,
    pub people: usize,
    pairs_scored: u64,
    links_above_threshold: u64,
    /// Links above the threshold that the namesake guard refused.
    namesake_links_refused: u64,
    /// Links above the threshold that the household guard refused.
    household_links_refused: u64,
    threshold: f64,
    blocking: Vec<sightline_link::block::RuleReport>,
    phases: Vec<sightline_link::Phase>,
    refused_merges: sightline_link::cluster::Refusals,
    flagged_clusters: Vec<sightline_link::cluster::Flagged>,
    seconds: f64,
    /// The model: stored beside the run, so the stored summary leaves it out; the printed
    /// report has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    model: Option<Model>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metrics: Option<Metrics>,
    #[serde(skip_serializing_if = "Option::is_none")]
    records_without_truth: Option<usize>,
}

pub fn link(context: &Context, args: &LinkArgs) -> anyhow::Result<Outcome> {
    let report = run(context, args, !args.json)?;
    if args.json {
        print_json(&report)?;
    } else {
        print_link_report(&report)?;
    }
    Ok(Outcome::Clean)
}

/// Links every person record of the workspace and stores the result; progress on stderr.
pub fn run(context: &Context, args: &LinkArgs, show_progress: bool) -> anyhow::Result<LinkReport> {
    if !(args.threshold > 0.0 && args.threshold < 1.0) {
        anyhow::bail!(
            "--threshold must be between 0 and 1; got {}",
            args.threshold
        );
    }
    let started = Instant::now();
    let workspace = context.open()?;
    let mut store = workspace.store()?;
    let keys = workspace.keys()?;
    let progress = PhaseBar::new(show_progress);
    progress.set_message("reading person records from the vault");
    let mut data = Dataset::new(vec![]);
    let mut record_ids: Vec<i64> = Vec::new();
    let mut origin: Vec<(String, String)> = Vec::new();
    let mut agencies: FxHashMap<String, u32> = FxHashMap::default();
    let want_origin = args.truth.is_some();
    store.linkage_records(&keys, &context.user(), &mut |record: LinkageRecord| {
        let next = agencies.len() as u32;
        let source = *agencies.entry(record.agency_id.clone()).or_insert(next);
        data.push(&input(&record, source));
        record_ids.push(record.record_id);
        if want_origin {
            origin.push((record.agency_id, record.person_id));
        }
    })?;
    if data.is_empty() {
        anyhow::bail!(
            "there are no person records to link: ingest returns first (sightline ingest FILE --agency ID)"
        );
    }
    let mut options = Options {
        seed: args.seed,
        ..Options::default()
    };
    options.cluster.threshold = args.threshold;
    options.cluster.cohesion = args.cohesion;
    let linked = sightline_link::link(&data, &options, &progress);
    progress.set_message("storing people and evidence");

    let person_of = |index: usize| record_ids[linked.clustering.cluster_of[index] as usize];
    let people: Vec<(i64, i64)> = (0..data.len())
        .map(|r| (record_ids[r], person_of(r)))
        .collect();
    let evidence: Vec<Evidence> = linked
        .clustering
        .merges
        .iter()
        .map(|&(a, b, weight)| {
            let (levels, weights) =
                sightline_link::evidence(&data, &linked.model, a as usize, b as usize);
            Evidence {
                record_a: record_ids[a as usize],
                record_b: record_ids[b as usize],
                person: person_of(a as usize),
                weight,
                levels,
                weights,
            }
        })
        .collect();

    let (metrics, records_without_truth) = match &args.truth {
        Some(path) => {
            let (truth, missing) = truth_labels(path, &origin)?;
            (
                Some(evaluate(&linked.clustering.cluster_of, &truth)),
                Some(missing),
            )
        }
        None => (None, None),
    };
    let mut report = LinkReport {
        run_id: 0,
        records: data.len(),
        people: linked.clustering.clusters,
        pairs_scored: linked.pairs_scored,
        links_above_threshold: linked.links_above_threshold,
        namesake_links_refused: linked.namesake_links_refused,
        household_links_refused: linked.household_links_refused,
        threshold: args.threshold,
        blocking: linked.blocking.clone(),
        phases: linked.phases.clone(),
        refused_merges: linked.clustering.refusals.clone(),
        flagged_clusters: linked
            .clustering
            .flagged
            .iter()
            .map(|f| sightline_link::cluster::Flagged {
                cluster: record_ids[f.cluster as usize] as u32,
                ..f.clone()
            })
            .collect(),
        seconds: 0.0,
        model: None,
        metrics,
        records_without_truth,
    };
    let model = serde_json::to_value(&linked.model)?;
    let summary = serde_json::to_value(&report)?;
    let near_misses: Vec<sightline_store::linkage::NearMiss> = linked
        .near_misses
        .iter()
        .map(|&(a, b, probability)| sightline_store::linkage::NearMiss {
            record_a: record_ids[a as usize],
            record_b: record_ids[b as usize],
            probability,
        })
        .collect();
    report.run_id = store.save_linkage(
        &context.user(),
        &model,
        &summary,
        &people,
        &evidence,
        &near_misses,
    )?;
    report.model = Some(linked.model);
    progress.finish();
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

fn input<'a>(record: &'a LinkageRecord, source: u32) -> PersonInput<'a> {
    let age = record
        .age
        .zip(record.age_date.as_deref())
        .and_then(|(age, on)| {
            let on = DateFormat::Iso.parse(on)?;
            Some((u16::try_from(age).ok()?, on))
        });
    PersonInput {
        id: "",
        source: Some(source),
        // The same agency id, the same key (as the assessment reads it).
        local_key: Some(sightline_store::analysis::key64(&record.person_key)),
        given_name: &record.given_name,
        family_name: &record.family_name,
        other_names: &record.other_names,
        birth: DateFormat::Iso.parse(&record.date_of_birth),
        age,
        sex: &record.sex,
        postcode: &record.postcode,
        // A children's services record that does not say where the child lives is of its own
        // authority's child (SSDA903 and CIN census returns carry no address beyond a postcode).
        local_authority: if record.local_authority.is_empty() {
            &record.agency_local_authority
        } else {
            &record.local_authority
        },
        incident_local_authorities: record
            .incident_local_authorities
            .iter()
            .map(String::as_str)
            .collect(),
        nhs_number: &record.nhs_number,
        upn: &record.upn,
        pnc_id: &record.pnc_id,
        ..PersonInput::default()
    }
}

/// The true entity of each record from `agency_id,person_id,true_id`; records the file does not
/// name each count as an entity of their own.
fn truth_labels(path: &Path, origin: &[(String, String)]) -> anyhow::Result<(Vec<u32>, usize)> {
    let mut reader = csv::Reader::from_path(path)
        .with_context(|| format!("cannot open the truth file {}", path.display()))?;
    let headers = reader.headers()?.clone();
    let column = |name: &str| {
        headers.iter().position(|h| h == name).with_context(|| {
            format!(
                "the truth file {} has no column {name:?} (expected agency_id,person_id,true_id)",
                path.display()
            )
        })
    };
    let (agency, person, truth) = (
        column("agency_id")?,
        column("person_id")?,
        column("true_id")?,
    );
    let mut labels: FxHashMap<(String, String), String> = FxHashMap::default();
    for row in reader.records() {
        let row = row.with_context(|| format!("cannot read {}", path.display()))?;
        // Cells are restored as every reader of Sightline's CSVs does (formula injection).
        let cell =
            |at: usize| sightline_standard::cells::restore(row.get(at).unwrap_or("")).to_string();
        labels.insert((cell(agency), cell(person)), cell(truth));
    }
    let mut ids: FxHashMap<String, u32> = FxHashMap::default();
    let mut missing = 0;
    let out = origin
        .iter()
        .enumerate()
        .map(|(at, key)| {
            let label = labels.get(key).cloned().unwrap_or_else(|| {
                missing += 1;
                format!("\u{0}unlabelled {at}")
            });
            let next = ids.len() as u32;
            *ids.entry(label).or_insert(next)
        })
        .collect();
    Ok((out, missing))
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

pub fn explain(context: &Context, args: &ExplainArgs) -> anyhow::Result<Outcome> {
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
