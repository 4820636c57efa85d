//! `sightline dedupe`: the linkage engine on any person CSV, no workspace.

use anyhow::{Context as _, bail};
use clap::Args;
use serde::Serialize;
use sightline_link::cluster::ClusterOptions;
use sightline_link::dataset::{Dataset, PersonInput, Prepared};
use sightline_link::evaluate::{Metrics, evaluate};
use sightline_link::{Linked, Options, Phase};
use sightline_standard::dates::{DateFormat, parse_with};
use sightline_standard::fold::fold_header;
use std::borrow::Cow;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Args)]
pub struct DedupeArgs {
    /// A CSV of person records, one per row, with a header row.
    file: PathBuf,
    /// The column holding each record's id.
    #[arg(long)]
    id: String,
    /// FIELD=COLUMN pairs: FIELD is given_name, family_name, other_names, date_of_birth, sex,
    /// postcode, town, local_authority, nhs_number, upn, pnc_id, incident_local_authorities
    /// (where the record's incidents took place, `;`-separated), source and source_id (the
    /// agency a record came from and its own id for the person: the same id from one source
    /// is one person, different ids are different people), or extra:NAME. Columns whose
    /// header is a field's name are mapped without being listed.
    #[arg(long, value_delimiter = ',')]
    columns: Vec<String>,
    /// A column with the true entity of each record: prints accuracy.
    #[arg(long)]
    truth: Option<String>,
    /// Write `id,cluster_id` here.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Links must reach this match probability.
    #[arg(long, default_value_t = ClusterOptions::default().threshold)]
    threshold: f64,
    /// Two clusters merge only if the mean match probability between their records reaches this.
    #[arg(long, default_value_t = ClusterOptions::default().cohesion)]
    cohesion: f64,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Show the evidence for pairs of record ids, e.g. `--explain A,B` or `--explain A,B,C,D`.
    #[arg(long, value_delimiter = ',')]
    explain: Vec<String>,
    #[arg(long)]
    json: bool,
}

/// The standard's person fields, in the order `read` destructures them.
const FIELDS: [&str; 14] = [
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "sex",
    "postcode",
    "town",
    "local_authority",
    "nhs_number",
    "upn",
    "pnc_id",
    "incident_local_authorities",
    "source",
    "source_id",
];

/// The field (its index in [`FIELDS`]) a header names, when `--columns` does not say otherwise.
fn field_for_header(header: &str) -> Option<usize> {
    let folded = fold_header(header);
    FIELDS
        .iter()
        .position(|field| fold_header(field) == folded)
        .or(match folded.as_str() {
            "forename" | "firstname" => Some(0),
            "surname" | "lastname" => Some(1),
            "dob" | "birthdate" => Some(3),
            "gender" => Some(4),
            _ => None,
        })
}

/// Where each field is in the file: `fields` in the order of [`FIELDS`].
struct Layout {
    id: usize,
    truth: Option<usize>,
    fields: [Option<usize>; FIELDS.len()],
    extras: Vec<(String, usize)>,
}

fn layout(headers: &[String], args: &DedupeArgs) -> anyhow::Result<Layout> {
    let find = |name: &str| -> anyhow::Result<usize> {
        headers
            .iter()
            .position(|h| h == name)
            .or_else(|| {
                headers
                    .iter()
                    .position(|h| fold_header(h) == fold_header(name))
            })
            .with_context(|| {
                format!(
                    "no column {name:?} in the file; its columns are: {}",
                    headers.join(", ")
                )
            })
    };
    let id = find(&args.id)?;
    let truth = args.truth.as_deref().map(find).transpose()?;
    let mut fields = [None; FIELDS.len()];
    let mut extras = Vec::new();
    for pair in &args.columns {
        let Some((field, column)) = pair.split_once('=') else {
            bail!("--columns takes FIELD=COLUMN pairs; got {pair:?}");
        };
        let column = find(column.trim())?;
        let field = field.trim();
        if let Some(name) = field.strip_prefix("extra:") {
            extras.push((name.to_string(), column));
        } else if let Some(slot) = FIELDS.iter().position(|f| *f == field) {
            fields[slot] = Some(column);
        } else {
            bail!(
                "unknown field {field:?} in --columns; fields are {} and extra:NAME",
                FIELDS.join(", ")
            );
        }
    }
    if args.columns.is_empty() {
        for (at, header) in headers.iter().enumerate() {
            if let Some(slot) = field_for_header(header)
                && at != id
                && Some(at) != truth
                && fields[slot].is_none()
            {
                fields[slot] = Some(at);
            }
        }
    }
    if fields.iter().all(Option::is_none) && extras.is_empty() {
        bail!(
            "no column to compare: name them with --columns FIELD=COLUMN (fields: {})",
            FIELDS.join(", ")
        );
    }
    Ok(Layout {
        id,
        truth,
        fields,
        extras,
    })
}

/// A cell as text (UTF-8, else Windows-1252), trimmed, and restored if it was neutralised
/// against formula injection (as `--out` writes ids).
fn text(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(sightline_standard::cells::restore(text.trim())),
        Err(_) => Cow::Owned(
            sightline_standard::cells::restore(
                encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(bytes)
                    .0
                    .trim(),
            )
            .to_string(),
        ),
    }
}

/// Records are handed from the reading thread to the dataset this many at a time.
const BATCH: usize = 4096;

/// What the reading thread found besides the records it sent.
struct ReadOutcome {
    /// Each record's truth label, numbered in order of first appearance.
    truth: Vec<u32>,
    /// (record, row) of records whose id's hash an earlier record had: each is checked
    /// against the ids themselves once all are read.
    repeated: Vec<(usize, u64)>,
    /// The error that stopped the reading, if one did.
    error: Option<anyhow::Error>,
}

/// Reads the file into a dataset, with each record's truth label if asked.
///
/// One thread reads the CSV and folds and parses each record ([`Prepared::new`]); this one
/// interns them, in file order, as they come: the dataset is the same as when one thread does
/// both.
fn read(path: &Path, args: &DedupeArgs) -> anyhow::Result<(Dataset, Vec<u32>)> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let headers: Vec<String> = reader
        .byte_headers()
        .with_context(|| format!("cannot read the header row of {}", path.display()))?
        .iter()
        .map(|h| text(h).trim_start_matches('\u{feff}').to_string())
        .collect();
    let layout = layout(&headers, args)?;
    let mut data = Dataset::new(layout.extras.iter().map(|(n, _)| n.clone()).collect());
    let (batches, received) = std::sync::mpsc::sync_channel::<Vec<Prepared>>(16);
    let outcome = std::thread::scope(|scope| {
        let reading = scope.spawn(|| prepare_records(reader, &layout, path, args, batches));
        for batch in received {
            for record in batch {
                data.push_prepared(record);
            }
        }
        reading.join()
    });
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(panic) => std::panic::resume_unwind(panic),
    };
    // A repeated id is reported before whatever stopped the reading, as it came first.
    if !outcome.repeated.is_empty() {
        let mut first: rustc_hash::FxHashMap<&str, usize> = Default::default();
        for (record, id) in data.ids.iter().enumerate() {
            first.entry(id).or_insert(record);
        }
        for &(record, line) in &outcome.repeated {
            let id = &data.ids[record];
            if first.get(&**id).is_some_and(|&at| at < record) {
                bail!(
                    "{} row {line}: id {:?} appears twice; ids must be unique",
                    path.display(),
                    &**id
                );
            }
        }
    }
    if let Some(error) = outcome.error {
        return Err(error);
    }
    Ok((data, outcome.truth))
}

/// Reads every row of `reader` (after the header), sending the records prepared in batches.
fn prepare_records(
    mut reader: csv::Reader<std::fs::File>,
    layout: &Layout,
    path: &Path,
    args: &DedupeArgs,
    batches: std::sync::mpsc::SyncSender<Vec<Prepared>>,
) -> ReadOutcome {
    let mut outcome = ReadOutcome {
        truth: Vec::new(),
        repeated: Vec::new(),
        error: None,
    };
    let mut truth_ids: rustc_hash::FxHashMap<String, u32> = Default::default();
    let mut row = csv::ByteRecord::new();
    let mut seen_ids: rustc_hash::FxHashSet<u64> = Default::default();
    let mut sources: rustc_hash::FxHashMap<String, u32> = Default::default();
    let mut batch = Vec::with_capacity(BATCH);
    let mut records = 0usize;
    let mut line = 1u64;
    loop {
        match reader.read_byte_record(&mut row) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                outcome.error = Some(
                    anyhow::Error::new(error)
                        .context(format!("cannot read {} after line {line}", path.display())),
                );
                break;
            }
        }
        line += 1;
        let cell = |at: usize| text(row.get(at).unwrap_or(b""));
        let id = cell(layout.id);
        if id.is_empty() {
            outcome.error = Some(anyhow::anyhow!(
                "{} row {line}: the id column {:?} is empty; every record needs an id",
                path.display(),
                args.id
            ));
            break;
        }
        let mut hasher = rustc_hash::FxHasher::default();
        std::hash::Hash::hash(id.as_ref(), &mut hasher);
        if !seen_ids.insert(std::hash::Hasher::finish(&hasher)) {
            outcome.repeated.push((records, line));
        }
        let values: [Cow<str>; FIELDS.len()] =
            std::array::from_fn(|slot| layout.fields[slot].map_or(Cow::Borrowed(""), cell));
        let extras: Vec<Cow<str>> = layout.extras.iter().map(|(_, at)| cell(*at)).collect();
        let [
            given_name,
            family_name,
            other_names,
            date_of_birth,
            sex,
            postcode,
            town,
            local_authority,
            nhs_number,
            upn,
            pnc_id,
            incident_local_authorities,
            source,
            source_id,
        ] = &values;
        // What a source says of identity, when the file says which source and which of its ids.
        let (source, local_key) = if source.is_empty() || source_id.is_empty() {
            (None, None)
        } else {
            let next = sources.len() as u32;
            let source = *sources.entry(source.to_string()).or_insert(next);
            let mut hasher = rustc_hash::FxHasher::default();
            std::hash::Hash::hash(source_id.as_ref(), &mut hasher);
            (Some(source), Some(std::hash::Hasher::finish(&hasher)))
        };
        let input = PersonInput {
            id: &id,
            given_name,
            family_name,
            other_names,
            birth: parse_with(date_of_birth, &DateFormat::DEFAULT),
            sex,
            postcode,
            town,
            local_authority,
            nhs_number,
            upn,
            pnc_id,
            extras: extras.iter().map(|e| e.as_ref()).collect(),
            incident_local_authorities: incident_local_authorities
                .split(';')
                .map(str::trim)
                .filter(|place| !place.is_empty())
                .collect(),
            source,
            local_key,
            ..PersonInput::default()
        };
        batch.push(Prepared::new(&input));
        records += 1;
        if batch.len() == BATCH
            && batches
                .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                .is_err()
        {
            break;
        }
        if let Some(at) = layout.truth {
            let label = cell(at).to_string();
            let next = truth_ids.len() as u32;
            outcome.truth.push(*truth_ids.entry(label).or_insert(next));
        }
    }
    if !batch.is_empty() {
        // The receiver only stops listening when this thread is done.
        let _ = batches.send(batch);
    }
    outcome
}

#[derive(Serialize)]
struct Report<'a> {
    records: usize,
    entities: usize,
    seconds: f64,
    pairs_scored: u64,
    links_above_threshold: u64,
    /// Links above the threshold that the namesake guard refused.
    namesake_links_refused: u64,
    /// Links above the threshold that the household guard refused.
    household_links_refused: u64,
    threshold: f64,
    blocking: &'a [sightline_link::block::RuleReport],
    phases: &'a [Phase],
    refused_merges: &'a sightline_link::cluster::Refusals,
    flagged_clusters: usize,
    model: &'a sightline_link::model::Model,
    #[serde(skip_serializing_if = "Option::is_none")]
    metrics: Option<Metrics>,
    /// True matching pairs that blocking let through, against the truth.
    #[serde(skip_serializing_if = "Option::is_none")]
    blocking_recall: Option<BlockingRecall>,
    /// Blocked pairs by match probability band, against the truth.
    #[serde(skip_serializing_if = "Option::is_none")]
    calibration: Option<Vec<sightline_link::evaluate::CalibrationBand>>,
}

#[derive(Serialize)]
struct BlockingRecall {
    blocked: u64,
    all: u64,
    rules: Vec<sightline_link::evaluate::RuleRecall>,
}

pub fn dedupe(args: &DedupeArgs) -> anyhow::Result<crate::Outcome> {
    if !(args.threshold > 0.0 && args.threshold < 1.0) {
        bail!(
            "--threshold must be between 0 and 1; got {}",
            args.threshold
        );
    }
    let started = Instant::now();
    let progress = crate::progress::PhaseBar::new(!args.json);
    progress.set_message(format!("reading {}", args.file.display()));
    let (data, truth) = read(&args.file, args)?;
    let mut options = Options {
        seed: args.seed,
        ..Options::default()
    };
    options.cluster.threshold = args.threshold;
    options.cluster.cohesion = args.cohesion;
    let linked = sightline_link::link(&data, &options, &progress);
    progress.finish();
    let seconds = started.elapsed().as_secs_f64();
    let metrics = (!truth.is_empty()).then(|| evaluate(&linked.clustering.cluster_of, &truth));
    let blocking_recall = (!truth.is_empty()).then(|| {
        let (rules, all) =
            sightline_link::evaluate::blocking_recall(&data, &linked.rules_used, u64::MAX, &truth);
        BlockingRecall {
            blocked: rules.iter().map(|r| r.new_true_pairs).sum(),
            all,
            rules,
        }
    });
    let calibration = (!truth.is_empty()).then(|| {
        sightline_link::evaluate::calibration(
            &data,
            &linked.model,
            &linked.rules_used,
            u64::MAX,
            &truth,
        )
    });
    if let Some(out) = &args.out {
        write_clusters(out, &data, &linked)?;
    }
    if !args.explain.is_empty() {
        return explain_pairs(args, &data, &linked);
    }
    let report = Report {
        records: data.len(),
        entities: linked.clustering.clusters,
        seconds,
        pairs_scored: linked.pairs_scored,
        links_above_threshold: linked.links_above_threshold,
        namesake_links_refused: linked.namesake_links_refused,
        household_links_refused: linked.household_links_refused,
        threshold: args.threshold,
        blocking: &linked.blocking,
        phases: &linked.phases,
        refused_merges: &linked.clustering.refusals,
        flagged_clusters: linked.clustering.flagged.len(),
        model: &linked.model,
        metrics,
        blocking_recall,
        calibration,
    };
    if args.json {
        crate::workspace::print_json(&report)?;
    } else {
        print_report(&report)?;
    }
    Ok(crate::Outcome::Clean)
}

/// The waterfall of each pair of `--explain`.
fn explain_pairs(
    args: &DedupeArgs,
    data: &Dataset,
    linked: &Linked,
) -> anyhow::Result<crate::Outcome> {
    if !args.explain.len().is_multiple_of(2) {
        bail!(
            "--explain takes pairs of record ids (A,B or A,B,C,D); got {} ids",
            args.explain.len()
        );
    }
    let index: rustc_hash::FxHashMap<&str, usize> = data
        .ids
        .iter()
        .enumerate()
        .map(|(at, id)| (&**id, at))
        .collect();
    let find = |id: &str| {
        index
            .get(id)
            .copied()
            .with_context(|| format!("no record with id {id:?} in {}", args.file.display()))
    };
    let mut explained = Vec::new();
    for pair in args.explain.chunks(2) {
        let (a, b) = (pair[0].as_str(), pair[1].as_str());
        let (ra, rb) = (find(a)?, find(b)?);
        let waterfall = sightline_link::explain(data, &linked.model, ra, rb);
        let same = linked.clustering.cluster_of[ra] == linked.clustering.cluster_of[rb];
        explained.push((a, b, same, waterfall));
    }
    if args.json {
        let list: Vec<serde_json::Value> = explained
            .iter()
            .map(|(a, b, same, waterfall)| {
                serde_json::json!({"a": a, "b": b, "same_cluster": same, "waterfall": waterfall})
            })
            .collect();
        let value = match list.as_slice() {
            [one] => one.clone(),
            _ => serde_json::Value::Array(list),
        };
        crate::workspace::print_json(&value)?;
        return Ok(crate::Outcome::Clean);
    }
    let mut out = std::io::stdout().lock();
    for (a, b, same, waterfall) in &explained {
        crate::render::waterfall(&mut out, a, b, waterfall, *same)?;
    }
    Ok(crate::Outcome::Clean)
}

fn write_clusters(out: &Path, data: &Dataset, linked: &Linked) -> anyhow::Result<()> {
    use sightline_standard::cells::neutralise;
    let mut writer =
        csv::Writer::from_path(out).with_context(|| format!("cannot write {}", out.display()))?;
    writer.write_record(["id", "cluster_id"])?;
    for (record, &cluster) in linked.clustering.cluster_of.iter().enumerate() {
        // Ids come from the input file: neutralised as every CSV Sightline writes.
        writer.write_record([
            neutralise(&data.ids[record]).as_bytes(),
            neutralise(&data.ids[cluster as usize]).as_bytes(),
        ])?;
    }
    writer.flush()?;
    Ok(())
}

fn print_report(report: &Report) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} records → {} people in {:.1} s ({} pairs scored, {} links at p ≥ {}).",
        report.records,
        report.entities,
        report.seconds,
        report.pairs_scored,
        report.links_above_threshold,
        report.threshold
    )?;
    crate::render::linkage_model(&mut out, report.model)?;
    crate::render::blocking_rules(&mut out, report.blocking)?;
    let refused = report.refused_merges;
    writeln!(
        out,
        "Links refused: {} (namesakes: a common full name and nothing else for them), {} (members of one household). Merges refused: {} (a source says different people), {} (clusters disagree), {} (too large); {} clusters flagged for review.",
        report.namesake_links_refused,
        report.household_links_refused,
        refused.source_says_different,
        refused.not_cohesive,
        refused.too_large,
        report.flagged_clusters
    )?;
    crate::render::linkage_timing_and_accuracy(
        &mut out,
        report.phases,
        report.metrics.as_ref(),
        "entities",
    )?;
    if let Some(recall) = &report.blocking_recall {
        writeln!(
            out,
            "Blocking let through {} of {} true matching pairs ({:.2}%).",
            recall.blocked,
            recall.all,
            100.0 * recall.blocked as f64 / recall.all.max(1) as f64
        )?;
        for rule in &recall.rules {
            writeln!(
                out,
                "  {:<56} {:>12} new pairs, {:>10} of them one person",
                rule.rule, rule.new_pairs, rule.new_true_pairs
            )?;
        }
    }
    if let Some(bands) = &report.calibration {
        writeln!(
            out,
            "Calibration against the truth (blocked pairs by match probability):"
        )?;
        for band in bands {
            writeln!(
                out,
                "  {:>5} – {:<5} {:>12} pairs: mean probability {:.4}, truly one person {:.4}",
                band.from, band.to, band.pairs, band.mean_probability, band.true_share
            )?;
        }
    }
    Ok(())
}
