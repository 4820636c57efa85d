//! Linking from the vault: every person record of the current returns into people, stored with
//! the model and each link's evidence, and the report of the run.

use crate::{Progress, Session};
use anyhow::Context as _;
use rustc_hash::FxHashMap;
use serde::Serialize;
use sightline_link::Options;
use sightline_link::dataset::{Dataset, PersonInput, Prepared};
use sightline_link::evaluate::{Metrics, evaluate};
use sightline_link::model::Model;
use sightline_standard::dates::DateFormat;
use sightline_store::linkage::{Evidence, LinkageRecord};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// How to link.
#[derive(Clone, Debug)]
pub struct LinkOptions {
    /// A truth file (`agency_id,person_id,true_id`, as `synth` writes in truth/records.csv):
    /// the report gives accuracy against it.
    pub truth: Option<PathBuf>,
    /// Links must reach this match probability.
    pub threshold: f64,
    /// Two clusters merge only if the mean match probability between their records reaches this.
    pub cohesion: f64,
    pub seed: u64,
}

impl Default for LinkOptions {
    fn default() -> LinkOptions {
        let cluster = sightline_link::cluster::ClusterOptions::default();
        LinkOptions {
            truth: None,
            threshold: cluster.threshold,
            cohesion: cluster.cohesion,
            seed: 42,
        }
    }
}

#[derive(Serialize)]
pub struct LinkReport {
    pub run_id: i64,
    pub records: usize,
    pub people: usize,
    pub pairs_scored: u64,
    pub links_above_threshold: u64,
    /// Links above the threshold that the namesake guard refused.
    pub namesake_links_refused: u64,
    /// Links above the threshold that the household guard refused.
    pub household_links_refused: u64,
    pub threshold: f64,
    pub blocking: Vec<sightline_link::block::RuleReport>,
    pub phases: Vec<sightline_link::Phase>,
    pub refused_merges: sightline_link::cluster::Refusals,
    pub flagged_clusters: Vec<sightline_link::cluster::Flagged>,
    pub seconds: f64,
    /// The model: stored beside the run, so the stored summary leaves it out; the report
    /// returned has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<Model>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Metrics>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub records_without_truth: Option<usize>,
}

/// Links every person record of the workspace's current returns and stores the people, the
/// model and each link's evidence as a new linkage run (on the audit log); `progress` hears
/// each phase.
pub fn link(
    session: &Session,
    args: &LinkOptions,
    progress: &dyn Progress,
) -> anyhow::Result<LinkReport> {
    if !(args.threshold > 0.0 && args.threshold < 1.0) {
        anyhow::bail!(
            "--threshold must be between 0 and 1; got {}",
            args.threshold
        );
    }
    let started = Instant::now();
    let workspace = session.open()?;
    let mut store = workspace.store()?;
    let keys = workspace.keys()?;
    progress.phase("reading person records from the vault", 0);
    let Read {
        data,
        record_ids,
        origin,
    } = read(store.as_mut(), &keys, &session.user(), args.truth.is_some())?;
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
    let linked = sightline_link::link(&data, &options, progress);
    progress.phase("storing people and evidence", 0);

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
        &session.user(),
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

/// Records handed to the interning thread at a time.
const BATCH: usize = 4096;

/// The person records of the current returns, as linkage takes them.
struct Read {
    data: Dataset,
    /// Each record's id in the store, in dataset order.
    record_ids: Vec<i64>,
    /// Each record's agency and person id, when a truth file is to be compared.
    origin: Vec<(String, String)>,
}

/// Reads every person record of the current returns from the vault into a dataset, with each
/// record's id and (`want_origin`, for `--truth`) its agency and person id, in the store's
/// order.
///
/// This thread reads and opens the records and folds and parses each ([`Prepared::new`]);
/// another interns them in the same order as they come, so the dataset is the same as when one
/// thread does both.
fn read(
    store: &mut dyn sightline_store::Store,
    keys: &sightline_store::Keys,
    user: &str,
    want_origin: bool,
) -> anyhow::Result<Read> {
    type Batch = Vec<(i64, Prepared, Option<(String, String)>)>;
    let mut agencies: FxHashMap<String, u32> = FxHashMap::default();
    let (batches, received) = std::sync::mpsc::sync_channel::<Batch>(16);
    std::thread::scope(|scope| {
        let interning = scope.spawn(move || {
            let mut data = Dataset::new(vec![]);
            let mut record_ids: Vec<i64> = Vec::new();
            let mut origin: Vec<(String, String)> = Vec::new();
            for batch in received {
                for (record_id, prepared, from) in batch {
                    data.push_prepared(prepared);
                    record_ids.push(record_id);
                    origin.extend(from);
                }
            }
            Read {
                data,
                record_ids,
                origin,
            }
        });
        let mut batch: Batch = Vec::with_capacity(BATCH);
        let mut stopped = false;
        let outcome = store.linkage_records(keys, user, &mut |record: LinkageRecord| {
            if stopped {
                return;
            }
            let source = match agencies.get(&record.agency_id) {
                Some(&source) => source,
                None => {
                    let next = agencies.len() as u32;
                    agencies.insert(record.agency_id.clone(), next);
                    next
                }
            };
            let prepared = Prepared::new(&input(&record, source));
            let from = want_origin.then_some((record.agency_id, record.person_id));
            batch.push((record.record_id, prepared, from));
            if batch.len() == BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                // The interning thread only stops listening if it failed: its join says why.
                stopped = batches.send(full).is_err();
            }
        });
        if !batch.is_empty() {
            let _ = batches.send(batch);
        }
        drop(batches);
        let read = match interning.join() {
            Ok(read) => read,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        outcome?;
        Ok(read)
    })
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
