//! Person linkage: which records are the same person?
//!
//! Probabilistic linkage in the Fellegi–Sunter tradition. [`dataset`] holds the records in a
//! form cheap to compare; [`compare`] sorts a pair into levels per field; [`block`] chooses the
//! pairs worth comparing; [`model`] estimates how much each level is worth (u from random
//! pairs, m by EM, term frequencies for names and postcodes); [`cluster`] turns scored links into
//! people without chaining; [`evaluate`] measures the result against a truth. [`link`] runs the
//! whole sequence; [`explain`] shows the evidence for one pair. Deterministic: the same records
//! and seed give the same people.

pub mod block;
pub mod cluster;
pub mod compare;
pub mod dataset;
pub mod evaluate;
pub mod model;
pub mod nicknames;
pub mod similarity;

use block::{Blocked, Rule, RuleReport};
use cluster::{ClusterOptions, Clustering};
use compare::{Gamma, gamma, level_of};
use dataset::Dataset;
use model::Model;
use rayon::prelude::*;
use serde::Serialize;
use std::time::Instant;

/// How to link.
#[derive(Debug, Clone)]
pub struct Options {
    pub seed: u64,
    pub rules: Vec<Rule>,
    /// A blocking rule holding more pairs than this is refused (default: 200 per record, at
    /// least ten million).
    pub max_pairs_per_rule: Option<u64>,
    /// Random pairs for u (default: 50 per record, at least 100,000, at most 2,000,000).
    pub u_sample_pairs: Option<usize>,
    pub em_iterations: usize,
    pub cluster: ClusterOptions,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: 42,
            rules: Rule::DEFAULT.to_vec(),
            max_pairs_per_rule: None,
            u_sample_pairs: None,
            em_iterations: 50,
            cluster: ClusterOptions::default(),
        }
    }
}

/// How long a phase took.
#[derive(Debug, Clone, Serialize)]
pub struct Phase {
    pub phase: String,
    pub seconds: f64,
}

/// The result of linking.
pub struct Linked {
    pub model: Model,
    pub blocking: Vec<RuleReport>,
    pub pairs_scored: u64,
    pub links_above_threshold: u64,
    pub clustering: Clustering,
    pub phases: Vec<Phase>,
}

/// What a caller hears while records are linked: each phase as it starts, with the amount of
/// work in it when that is known (0 when not), and the work done as it is done.
pub trait Progress: Sync {
    fn phase(&self, name: &str, total: u64);
    fn advance(&self, done: u64);
}

/// Progress nobody watches.
pub struct Quiet;

impl Progress for Quiet {
    fn phase(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64) {}
}

/// Pairs handled between two progress reports.
const PROGRESS_CHUNK: usize = 1 << 16;

/// Runs blocking, estimation, scoring and clustering, telling `progress` as it goes.
pub fn link(data: &Dataset, options: &Options, progress: &dyn Progress) -> Linked {
    let mut phases = Vec::new();
    let mut clock = Instant::now();
    let done = |name: &str, phases: &mut Vec<Phase>, clock: &mut Instant| {
        phases.push(Phase {
            phase: name.to_string(),
            seconds: clock.elapsed().as_secs_f64(),
        });
        *clock = Instant::now();
    };
    let fields = compare::comparisons_for(data);
    let n = data.len() as u64;

    progress.phase("estimating u from random pairs", 0);
    let u_pairs = options
        .u_sample_pairs
        .unwrap_or_else(|| (data.len() * 50).clamp(100_000, 2_000_000));
    let u = estimate_u_parallel(data, &fields, u_pairs, options.seed);
    done("u from random pairs", &mut phases, &mut clock);

    progress.phase("blocking", options.rules.len() as u64);
    let max_pairs = options
        .max_pairs_per_rule
        .unwrap_or_else(|| (n * 200).max(10_000_000));
    let Blocked { pairs, rules } = block::block(data, &options.rules, max_pairs, progress);
    done("blocking", &mut phases, &mut clock);

    progress.phase("comparing blocked pairs", pairs.len() as u64);
    let gammas: Vec<Gamma> = pairs
        .par_chunks(PROGRESS_CHUNK)
        .flat_map_iter(|chunk| {
            let out: Vec<Gamma> = chunk
                .iter()
                .map(|&(a, b)| gamma(data, &fields, a as usize, b as usize))
                .collect();
            progress.advance(chunk.len() as u64);
            out
        })
        .collect();
    done("comparing", &mut phases, &mut clock);

    progress.phase("estimating m by expectation-maximisation", 0);
    let (m, share, iterations) = train(data, &fields, &pairs, &gammas, &u, options);
    let all_pairs = (n * n.saturating_sub(1) / 2).max(1) as f64;
    let prior = share * pairs.len() as f64 / all_pairs;
    let estimates = model::Estimates {
        prior,
        blocked_match_share: share,
        em_iterations: iterations,
        u_sample_pairs: u_pairs,
    };
    let model = model::build(data, &fields, &m, &u, estimates);
    done("expectation-maximisation", &mut phases, &mut clock);

    progress.phase("scoring pairs", pairs.len() as u64);
    let threshold = options.cluster.threshold;
    let threshold_weight = (threshold / (1.0 - threshold)).log2();
    let links: Vec<(u32, u32, f64)> = pairs
        .par_chunks(PROGRESS_CHUNK)
        .zip(gammas.par_chunks(PROGRESS_CHUNK))
        .flat_map_iter(|(pairs, gammas)| {
            let out: Vec<(u32, u32, f64)> = pairs
                .iter()
                .zip(gammas)
                .filter_map(|(&(a, b), &g)| {
                    let weight = model.weight(data, a as usize, g);
                    (weight >= threshold_weight).then_some((a, b, weight))
                })
                .collect();
            progress.advance(pairs.len() as u64);
            out
        })
        .collect();
    done("scoring", &mut phases, &mut clock);

    progress.phase("clustering", 0);
    let clustering = cluster::cluster(data, &model, &links, &options.cluster);
    done("clustering", &mut phases, &mut clock);

    Linked {
        model,
        blocking: rules,
        pairs_scored: pairs.len() as u64,
        links_above_threshold: links.len() as u64,
        clustering,
        phases,
    }
}

/// Estimates m in training sessions, each over the blocked pairs that one rule finds and
/// leaving out the comparisons that rule blocks on; each comparison's m is the mean over the
/// sessions that estimated it (a comparison no session could estimate keeps its m from EM over
/// all pairs). Then the share of matches among all blocked pairs, m and u fixed.
fn train(
    data: &Dataset,
    fields: &[compare::Field],
    pairs: &[(u32, u32)],
    gammas: &[Gamma],
    u: &[Vec<f64>],
    options: &Options,
) -> (Vec<Vec<f64>>, f64, usize) {
    let all_patterns = model::count_patterns(gammas);
    let everyone = vec![true; fields.len()];
    let (fallback, _, mut iterations) = model::expectation_maximisation(
        &all_patterns,
        &model::starting_m(fields),
        u,
        &everyone,
        model::Estimate::MAndShare,
        options.em_iterations,
    );
    let mut sums: Vec<Vec<f64>> = fields.iter().map(|f| vec![0.0; f.levels().len()]).collect();
    let mut sessions = vec![0usize; fields.len()];
    for rule in Rule::TRAINING {
        let keys: Vec<u64> = (0..data.len())
            .into_par_iter()
            .map(|r| rule.key(data, r))
            .collect();
        let selected: Vec<Gamma> = pairs
            .iter()
            .zip(gammas)
            .filter(|&(&(a, b), _)| {
                let key = keys[a as usize];
                key != u64::MAX && key == keys[b as usize]
            })
            .map(|(_, &g)| g)
            .collect();
        if selected.len() < 100 {
            continue;
        }
        let blocked_on = rule.fields();
        let active: Vec<bool> = fields.iter().map(|f| !blocked_on.contains(f)).collect();
        let (m, _, used) = model::expectation_maximisation(
            &model::count_patterns(&selected),
            &model::starting_m(fields),
            u,
            &active,
            model::Estimate::MAndShare,
            options.em_iterations,
        );
        iterations += used;
        for (at, row) in m.iter().enumerate().filter(|&(at, _)| active[at]) {
            sessions[at] += 1;
            for (sum, value) in sums[at].iter_mut().zip(row) {
                *sum += value;
            }
        }
    }
    let m: Vec<Vec<f64>> = (0..fields.len())
        .map(|at| match sessions[at] {
            0 => fallback[at].clone(),
            count => sums[at].iter().map(|s| s / count as f64).collect(),
        })
        .collect();
    let (m, share, used) = model::expectation_maximisation(
        &all_patterns,
        &m,
        u,
        &everyone,
        model::Estimate::Share,
        options.em_iterations,
    );
    (m, share, iterations + used)
}

/// u from random pairs, drawn in fixed chunks with their own seeds so that the result does not
/// depend on the number of threads.
fn estimate_u_parallel(
    data: &Dataset,
    fields: &[compare::Field],
    pairs: usize,
    seed: u64,
) -> Vec<Vec<f64>> {
    const CHUNKS: usize = 16;
    let per_chunk = pairs.div_ceil(CHUNKS);
    let parts: Vec<Vec<Vec<f64>>> = (0..CHUNKS as u64)
        .into_par_iter()
        .map(|chunk| {
            model::estimate_u(
                data,
                fields,
                per_chunk,
                seed.wrapping_add(chunk.wrapping_mul(0x9E37_79B9)),
            )
        })
        .collect();
    // Each chunk's estimate is normalised; the mean of equal-sized chunks is the estimate.
    let mut mean: Vec<Vec<f64>> = fields.iter().map(|f| vec![0.0; f.levels().len()]).collect();
    for part in &parts {
        for (row, part_row) in mean.iter_mut().zip(part) {
            for (value, p) in row.iter_mut().zip(part_row) {
                *value += p / CHUNKS as f64;
            }
        }
    }
    mean
}

/// One comparison's part in a pair's evidence.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub comparison: String,
    pub level: String,
    pub m: Option<f64>,
    pub u: Option<f64>,
    pub weight: f64,
    pub term_frequency_adjusted: bool,
}

/// The evidence for one pair, comparison by comparison: a waterfall from the prior to the
/// final probability.
#[derive(Debug, Clone, Serialize)]
pub struct Waterfall {
    pub prior_weight: f64,
    pub steps: Vec<Step>,
    pub total_weight: f64,
    pub probability: f64,
}

/// Each comparison's level and weight (term frequency applied) for records `a` and `b`: what a
/// stored link keeps as its evidence.
pub fn evidence(data: &Dataset, model: &Model, a: usize, b: usize) -> (Vec<u8>, Vec<f64>) {
    let g = gamma(data, &model.fields(), a, b);
    (0..model.comparisons.len())
        .map(|at| {
            let level = level_of(g, at);
            (level, model.level_weight(data, at, level, a))
        })
        .unzip()
}

/// The waterfall of a pair from its levels and weights (as [`evidence`] gives them, or as
/// stored).
pub fn waterfall(model: &Model, levels: &[u8], weights: &[f64]) -> Waterfall {
    let steps: Vec<Step> = model
        .comparisons
        .iter()
        .enumerate()
        .map(|(at, comparison)| {
            let level = levels.get(at).copied().unwrap_or(0);
            let entry = (level > 0)
                .then(|| comparison.levels.get(usize::from(level) - 1))
                .flatten();
            let weight = weights.get(at).copied().unwrap_or(0.0);
            Step {
                comparison: comparison.name.clone(),
                level: entry.map_or("missing on one side (no evidence)".to_string(), |e| {
                    e.label.clone()
                }),
                m: entry.map(|e| e.m),
                u: entry.map(|e| e.u),
                weight,
                term_frequency_adjusted: entry
                    .is_some_and(|e| e.term_frequency && (weight - e.weight).abs() > 1e-3),
            }
        })
        .collect();
    let total_weight = model.prior_weight() + steps.iter().map(|s| s.weight).sum::<f64>();
    Waterfall {
        prior_weight: model.prior_weight(),
        steps,
        total_weight,
        probability: model::probability(total_weight),
    }
}

/// The evidence for records `a` and `b`, comparison by comparison.
pub fn explain(data: &Dataset, model: &Model, a: usize, b: usize) -> Waterfall {
    let (levels, weights) = evidence(data, model, a, b);
    waterfall(model, &levels, &weights)
}
