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
pub mod prior;
pub mod similarity;
pub mod train;

use block::{Rule, RuleReport};
use cluster::{ClusterOptions, Clustering};
use compare::{gamma, level_of};
use dataset::Dataset;
use model::{Model, probability};
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
    pub training: train::TrainingOptions,
    pub cluster: ClusterOptions,
    /// Rules holding more pairs than this per record are weighed on a sample first.
    pub weigh_rules_above_pairs_per_record: u64,
    /// A weighed rule is refused when the model expects fewer matches than this per new pair.
    pub min_rule_yield: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: 42,
            rules: Rule::DEFAULT.to_vec(),
            max_pairs_per_rule: None,
            u_sample_pairs: None,
            training: train::TrainingOptions::default(),
            cluster: ClusterOptions::default(),
            weigh_rules_above_pairs_per_record: 2,
            min_rule_yield: 2e-4,
        }
    }
}

impl Options {
    /// The guard on one blocking rule's pairs for `records` records.
    pub fn max_pairs(&self, records: u64) -> u64 {
        self.max_pairs_per_rule
            .unwrap_or_else(|| (records * 200).max(10_000_000))
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
    /// The blocking rules that were scanned (not refused), in order: what an evaluation of
    /// this run's blocking must use.
    pub rules_used: Vec<Rule>,
    pub pairs_scored: u64,
    pub links_above_threshold: u64,
    /// Links above the threshold refused by the namesake guard ([`Model::namesakes`]).
    pub namesake_links_refused: u64,
    /// Links above the threshold refused by the household guard ([`Model::household_members`]).
    pub household_links_refused: u64,
    pub clustering: Clustering,
    /// Pairs of people the run kept apart although some pair of their records scored at least
    /// [`NEAR_MISS`] (and below the threshold; pairs the guards or clustering refused are
    /// judged apart, not missed): one per pair of people, (record of one, record of the other, the highest
    /// match probability between them), ordered. The expected number of links missed is the
    /// sum of their probabilities.
    pub near_misses: Vec<(u32, u32, f64)>,
    pub phases: Vec<Phase>,
}

/// The lowest match probability a pair kept apart is remembered at, as a link possibly missed.
pub const NEAR_MISS: f64 = 0.01;

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

use block::PROBABILITY_UNIT;

/// What the scoring scan counts beside the links it keeps.
#[derive(Default)]
struct ScoringTally {
    /// The match probabilities of the pairs scored, summed in units of 2^-32.
    probability_units: u64,
    /// Links refused by the namesake guard.
    namesakes: u64,
    /// Links refused by the household guard.
    household: u64,
    /// Name comparisons remembered for the rest of the piece of work (not a count: not added).
    names: compare::NameMemo,
}

impl block::Tally for ScoringTally {
    fn add(&mut self, other: &Self) {
        self.probability_units += other.probability_units;
        self.namesakes += other.namesakes;
        self.household += other.household;
    }
}

/// Runs estimation, blocking, scoring and clustering, telling `progress` as it goes.
///
/// Pairs are never held: u comes from random pairs, m from training sessions (each a sample of
/// one dense rule's pairs), the prior from deterministic rules counted by group sizes; then the
/// union of the blocking rules is scanned once, each pair compared and scored as it is found,
/// and only links above the threshold are kept.
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
    let all_pairs = (n * n.saturating_sub(1) / 2).max(1) as f64;

    progress.phase("estimating u from random pairs", 0);
    let u_pairs = options
        .u_sample_pairs
        .unwrap_or_else(|| (data.len() * 50).clamp(100_000, 2_000_000));
    let u = estimate_u_parallel(data, &fields, u_pairs, options.seed);
    done("u from random pairs", &mut phases, &mut clock);

    progress.phase("estimating m in training sessions", 0);
    let training = train::TrainingOptions {
        seed: options.seed,
        ..options.training.clone()
    };
    let trained = train::train(data, &fields, &u, &training, progress);
    done("training m", &mut phases, &mut clock);

    progress.phase("estimating the prior from deterministic rules", 0);
    let max_pairs = options.max_pairs(n);
    let counted = prior::estimate(data, &fields, &trained.m);
    let (prior, prior_source, share_iterations) = match counted.matches {
        Some(matches) => (
            matches.max(1.0) / all_pairs,
            "deterministic rules (median of the rules' implied matches)".to_string(),
            0,
        ),
        None => {
            let (share, union_pairs, used) =
                union_share(data, &fields, &trained.m, &u, options, max_pairs);
            (
                share * union_pairs as f64 / all_pairs,
                "EM's share of matches among a sample of blocked pairs (no deterministic rule could be counted)"
                    .to_string(),
                used,
            )
        }
    };
    let estimates = model::Estimates {
        prior,
        prior_source,
        prior_rules: counted.rules,
        blocked_match_share: 0.0,
        em_iterations: trained.iterations + share_iterations,
        u_sample_pairs: u_pairs,
        sessions: trained.sessions,
        m_estimated_by: trained.estimated_by,
        m_spread: trained.spread,
    };
    let mut model = model::build(data, &fields, &trained.m, &u, estimates);
    done("prior", &mut phases, &mut clock);

    progress.phase("comparing and scoring blocked pairs", 0);
    let threshold = options.cluster.threshold;
    let threshold_weight = (threshold / (1.0 - threshold)).log2();
    let near_weight = (NEAR_MISS / (1.0 - NEAR_MISS)).log2().min(threshold_weight);
    let scorer = model.scorer(data);
    let probability_of = |a: u32, b: u32| {
        let g = gamma(data, &fields, a as usize, b as usize);
        probability(scorer.weight(a as usize, g))
    };
    let guard = block::YieldGuard {
        probability: &probability_of,
        above_pairs: (n * options.weigh_rules_above_pairs_per_record).max(1_000_000),
        min_yield: options.min_rule_yield,
        sample: 200_000,
        seed: options.seed,
    };
    let (links, tally, blocking) = block::scan_union_warming(
        data,
        &options.rules,
        max_pairs,
        Some(&guard),
        progress,
        &|r| scorer.warm(r as usize),
        |a, b, tally: &mut ScoringTally| {
            let g = compare::gamma_memo(data, &fields, a as usize, b as usize, &mut tally.names);
            let weight = scorer.weight(a as usize, g);
            tally.probability_units += (probability(weight) * PROBABILITY_UNIT) as u64;
            // (a, b, weight, whether it may link): pairs below the threshold, or refused by a
            // guard, are kept as possible missed links.
            if weight < near_weight {
                return None;
            }
            if weight < threshold_weight {
                return Some((a, b, weight, false));
            }
            // A guard's refusal is a judgement that the weight overstates the pair: it is not
            // counted as a possible missed link either.
            if model.namesakes(data, g, a as usize) {
                tally.namesakes += 1;
                return None;
            }
            if model.household_members(data, g, a as usize) {
                tally.household += 1;
                return None;
            }
            Some((a, b, weight, true))
        },
    );
    let (links, near): (Vec<_>, Vec<_>) = links.into_iter().partition(|l| l.3);
    let links: Vec<(u32, u32, f64)> = links.into_iter().map(|(a, b, w, _)| (a, b, w)).collect();
    let pairs_scored: u64 = blocking.iter().map(|r| r.new_pairs).sum();
    model.blocked_match_share = if pairs_scored == 0 {
        0.0
    } else {
        tally.probability_units as f64 / PROBABILITY_UNIT / pairs_scored as f64
    };
    done("comparing and scoring", &mut phases, &mut clock);

    progress.phase("clustering", 0);
    let clustering = cluster::cluster_scored(&scorer, &model, &links, &options.cluster);
    // Links clustering refused (ids an agency kept apart, a weak cut) are likewise its
    // judgement, not misses: only pairs below the threshold count.
    let near_misses = near_misses(
        &clustering.cluster_of,
        near.into_iter().map(|(a, b, w, _)| (a, b, w)),
    );
    done("clustering", &mut phases, &mut clock);

    let rules_used = options
        .rules
        .iter()
        .zip(&blocking)
        .filter(|(_, report)| !report.refused)
        .map(|(&rule, _)| rule)
        .collect();
    Linked {
        model,
        blocking,
        rules_used,
        pairs_scored,
        links_above_threshold: links.len() as u64,
        namesake_links_refused: tally.namesakes,
        household_links_refused: tally.household,
        clustering,
        near_misses,
        phases,
    }
}

/// One entry per pair of clusters that some scored pair joins but clustering kept apart: the
/// pair of records with the highest weight between them, as a probability; ordered by records.
fn near_misses(
    cluster_of: &[u32],
    pairs: impl Iterator<Item = (u32, u32, f64)>,
) -> Vec<(u32, u32, f64)> {
    let mut best: rustc_hash::FxHashMap<(u32, u32), (u32, u32, f64)> = Default::default();
    for (a, b, weight) in pairs {
        let (ca, cb) = (cluster_of[a as usize], cluster_of[b as usize]);
        if ca == cb {
            continue;
        }
        let key = (ca.min(cb), ca.max(cb));
        let entry = best.entry(key).or_insert((a.min(b), a.max(b), weight));
        if weight > entry.2 || (weight == entry.2 && (a.min(b), a.max(b)) < (entry.0, entry.1)) {
            *entry = (a.min(b), a.max(b), weight);
        }
    }
    let mut out: Vec<(u32, u32, f64)> = best
        .into_values()
        .map(|(a, b, weight)| (a, b, probability(weight)))
        .collect();
    out.sort_by_key(|x| (x.0, x.1));
    out
}

/// EM's share of matches (m and u fixed) among a sample of the union of blocked pairs, and the
/// number of pairs in the union: the prior when no deterministic rule can be counted.
fn union_share(
    data: &Dataset,
    fields: &[compare::Field],
    m: &[Vec<f64>],
    u: &[Vec<f64>],
    options: &Options,
    max_pairs: u64,
) -> (f64, u64, usize) {
    const SAMPLE: f64 = 4_000_000.0;
    let total: u64 = options
        .rules
        .iter()
        .map(|&rule| block::RuleBlocks::new(data, rule).pairs)
        .filter(|&pairs| pairs <= max_pairs)
        .sum();
    let rate = SAMPLE / total.max(1) as f64;
    let (gammas, (), reports) = block::scan_union(
        data,
        &options.rules,
        max_pairs,
        None,
        &Quiet,
        |a, b, _: &mut ()| {
            train::sampled(a, b, options.seed, rate)
                .then(|| gamma(data, fields, a as usize, b as usize))
        },
    );
    let union: u64 = reports.iter().map(|r| r.new_pairs).sum();
    let everyone = vec![true; fields.len()];
    let (_, share, used) = model::expectation_maximisation(
        &model::count_patterns(&gammas),
        fields,
        m,
        u,
        &everyone,
        model::Estimate::Share,
        options.training.em_iterations,
    );
    (share, union, used)
}

/// A comparison should be seen on at least this many random pairs for its u; one seen on
/// fewer (an identifier few records have) gets more pairs drawn among the records that have it.
const U_COMPARED: f64 = 50_000.0;

/// u from random pairs, drawn in fixed chunks with their own seeds so that the result does not
/// depend on the number of threads. u is the chance of each level among pairs that can be
/// compared on it (level 0, missing, is no evidence either way), so a field that most records
/// lack is estimated from pairs of the records that have it.
fn estimate_u_parallel(
    data: &Dataset,
    fields: &[compare::Field],
    pairs: usize,
    seed: u64,
) -> Vec<Vec<f64>> {
    const CHUNKS: u64 = 16;
    let draw = |fields: &[compare::Field], pairs: usize, seed: u64, among: Option<&[u32]>| {
        let per_chunk = pairs.div_ceil(CHUNKS as usize);
        let parts: Vec<Vec<Vec<f64>>> = (0..CHUNKS)
            .into_par_iter()
            .map(|chunk| {
                let seed = seed.wrapping_add(chunk.wrapping_mul(0x9E37_79B9));
                model::count_levels(data, fields, per_chunk, seed, among)
            })
            .collect();
        let mut total: Vec<Vec<f64>> = fields.iter().map(|f| vec![0.0; f.levels().len()]).collect();
        for part in &parts {
            for (row, part_row) in total.iter_mut().zip(part) {
                for (value, p) in row.iter_mut().zip(part_row) {
                    *value += p;
                }
            }
        }
        total
    };
    let mut counts = draw(fields, pairs, seed, None);
    for (at, &field) in fields.iter().enumerate() {
        if counts[at].iter().sum::<f64>() >= U_COMPARED {
            continue;
        }
        let among: Vec<u32> = (0..data.len())
            .filter(|&r| compare::has(data, field, r))
            .map(|r| r as u32)
            .collect();
        let more = draw(&[field], pairs, seed ^ (at as u64 + 1), Some(&among));
        for (value, extra) in counts[at].iter_mut().zip(&more[0]) {
            *value += extra;
        }
    }
    fields
        .iter()
        .zip(&counts)
        .map(|(&field, row)| model::normalise(field, row))
        .collect()
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
    /// The first default blocking rule that pairs the records, when they were at hand to ask
    /// ("none": no rule pairs them, so they were never compared).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked_by: Option<String>,
    /// A guard that refuses the link whatever its weight, when the records were at hand.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guard: Option<String>,
}

/// Each comparison's level and weight (term frequency applied) for records `a` and `b`: what a
/// stored link keeps as its evidence.
pub fn evidence(data: &Dataset, model: &Model, a: usize, b: usize) -> (Vec<u8>, Vec<f64>) {
    let g = gamma(data, &model.fields(), a, b);
    (0..model.comparisons.len())
        .map(|at| (level_of(g, at), model.level_weight(data, at, g, a)))
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
        blocked_by: None,
        guard: None,
    }
}

/// The evidence for records `a` and `b`, comparison by comparison.
pub fn explain(data: &Dataset, model: &Model, a: usize, b: usize) -> Waterfall {
    let (levels, weights) = evidence(data, model, a, b);
    let mut waterfall = waterfall(model, &levels, &weights);
    let rule = Rule::DEFAULT.iter().find(|rule| {
        let key = rule.key(data, a);
        key != u64::MAX
            && key == rule.key(data, b)
            && (rule.is_probe(data, a) || rule.is_probe(data, b))
    });
    waterfall.blocked_by = Some(rule.map_or("none".to_string(), |r| r.name().to_string()));
    let g = gamma(data, &model.fields(), a, b);
    waterfall.guard = if model.namesakes(data, g, a) {
        Some("namesakes: a full name several people have, and nothing else for the link".into())
    } else if model.household_members(data, g, a) {
        Some("household: one family name at one address, given names nothing alike".into())
    } else {
        None
    };
    waterfall
}
