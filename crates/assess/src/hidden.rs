//! How many victims does no agency know? The overlap between the kinds of agency that know
//! victims (police, children's services, health, education, charities) estimates how many
//! victims none of them knows: multiple systems estimation (`sightline-mse`), with the
//! linkage's own uncertainty carried into the interval.
//!
//! **Lists.** A list is a kind of agency (the register's `agency_type`). A linked person is on
//! a list when a record from an agency of that kind identifies them as a victim: the record's
//! role is `victim`, or the agency's incidents involve them as a victim. A record that says
//! only "at risk" (a CIN factor, a concern) puts nobody on a list: the population estimated is
//! victims, and a list must name its own members. A list with fewer than
//! [`MIN_LIST_SIZE`] victims is merged with the other small lists into "other agencies" when
//! together they reach it, or else left out; either way the figure says so and why.
//!
//! **Linkage error.** Missed links inflate the estimate (one child counted twice, on two lists
//! that look as if they did not overlap) and false links deflate it. The estimate is made
//! under [`LINKAGE_DRAWS`] + 1 versions of the people: the linkage as stored, and draws in
//! which each stored link holds with its own match probability (records one agency gave the
//! same id always stay together), each near miss between two victims (a pair of their records
//! the run scored at 0.01 or more but did not join) is made with its probability under a prior
//! drawn, once per draw, between the run's and the victims' own ([`crate::group_prior`]:
//! victims' records are far more often one child than records at large, but how much more the
//! evidence is worth among them varies with scale), and links no pair scored are made again at the level of
//! capture histories: as many (Poisson) as the model expects false links among the victims'
//! links, each joining a victim on one list alone with a victim on another list alone, the
//! pair of lists chosen in proportion to the victims on both. Seeded.
//! `sightline-mse` pools the model-averaged distributions of all versions with equal weights,
//! so the interval covers the spread between linkages as well as within each. If the linkage
//! missed more links than it expects false ones, the estimate is still too high; the figure
//! says so.
//!
//! **Estimate.** `sightline_mse::estimate_linkage_alternatives` with its defaults: log-linear
//! models with every set of two-list interactions, averaged with BIC weights; refused, with the
//! reason, when the overlaps cannot identify a total (too few people, no overlap, a list inside
//! another, ...).
//!
//! **No strata.** The estimate is not made by sex: sex is not recorded for a third of
//! victims, and a child on more lists is more likely to have it recorded somewhere, so a
//! stratum of recorded sex would depend on capture, which the strata must not.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use sightline_mse::{
    CaptureTable, InteractionWeight, LinkageAlternative, ModelSummary, Outcome, RefusalReason,
    SearchSummary,
};
use sightline_store::analysis::Analysis;

use crate::people::People;

/// The figure's id, as scripts read it from `assess --json`.
pub const FIGURE_ID: &str = "victims.estimated_total";
/// A list with fewer victims than this is merged with other small lists or left out.
pub const MIN_LIST_SIZE: u64 = 20;
/// Draws of the linkage from its match probabilities, beside the linkage as stored.
pub const LINKAGE_DRAWS: usize = 19;

/// The kinds of agency that can be lists, in the order their bits take.
pub const LIST_TYPES: [(&str, &str); 6] = [
    ("police", "police forces"),
    ("childrens_services", "children's services"),
    ("health", "health bodies"),
    ("education", "education"),
    ("charity", "charities"),
    ("other", "other agencies"),
];

/// The bit of an agency type among [`LIST_TYPES`] (unknown types count as `other`).
pub fn type_bit(agency_type: &str) -> u32 {
    let at = LIST_TYPES
        .iter()
        .position(|(code, _)| *code == agency_type)
        .unwrap_or(LIST_TYPES.len() - 1);
    1 << at
}

/// One list used in the estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListUsed {
    /// The list's code: an agency type, or `other_agencies` for small lists merged.
    pub list: String,
    pub label: String,
    /// The agency types it holds.
    pub agency_types: Vec<String>,
    /// Victims on the list (as linked).
    pub people: u64,
}

/// A kind of agency that is not a list of its own, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListLeftOut {
    pub list: String,
    pub label: String,
    pub people: u64,
    /// `merged` (into other agencies) or `left_out`.
    pub action: &'static str,
    pub reason: String,
}

/// The victims on exactly one combination of lists (as linked).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overlap {
    /// The lists' codes, in list order.
    pub lists: Vec<String>,
    pub people: u64,
}

/// The models behind the estimate (under the linkage as stored).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelInfo {
    pub method: String,
    /// The models carrying most of the weight, best first (at most five).
    pub models: Vec<ModelSummary>,
    pub interaction_weights: Vec<InteractionWeight>,
    pub search: SearchSummary,
    pub notes: Vec<String>,
}

/// What the versions of the linkage did to the estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkageSpread {
    /// Versions of the people estimated: the linkage as stored and the draws.
    pub alternatives: usize,
    pub seed: u64,
    /// The fewest and most victims on the lists under the versions.
    pub observed_range: [u64; 2],
    /// The smallest and largest of the versions' own estimates.
    pub alternatives_range: [f64; 2],
    pub method: String,
    pub not_covered: String,
}

/// Why there is no estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoEstimate {
    /// A code a program can act on (`too_few_lists`, `too_few_people`, `no_overlap`,
    /// `list_contains_another`, ...).
    pub kind: String,
    pub message: String,
}

/// The estimated number of victims in all, known to an agency or not.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HiddenPopulation {
    /// [`FIGURE_ID`].
    pub id: String,
    pub label: String,
    /// `estimated` or `refused`.
    pub status: &'static str,
    /// Victims on the lists used (linked people, as linked): the base of the estimate.
    pub known: u64,
    pub known_label: String,
    /// Victims in the assessment (on any list, used or not).
    pub victims: u64,
    /// Estimated victims in all (the median of the pooled distribution); absent when refused.
    pub estimate: Option<f64>,
    /// 95% interval for the total.
    pub ci95: Option<[f64; 2]>,
    /// Estimated victims known to no agency (`estimate − known`).
    pub hidden: Option<f64>,
    pub hidden_ci95: Option<[f64; 2]>,
    pub lists: Vec<ListUsed>,
    pub lists_left_out: Vec<ListLeftOut>,
    /// Victims on each combination of lists, as linked (every non-empty combination, zeros
    /// included), in the order of their bitmask.
    pub overlaps: Vec<Overlap>,
    pub model: Option<ModelInfo>,
    pub linkage: Option<LinkageSpread>,
    pub refusal: Option<NoEstimate>,
    /// What the estimate assumes, in plain words.
    pub assumptions: Vec<String>,
}

/// One version of who is a victim on which kinds of agency: a capture history (bits of
/// [`LIST_TYPES`]) per victim.
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    pub label: String,
    pub histories: Vec<u32>,
}

/// The assumptions every estimate rests on.
fn assumptions() -> Vec<String> {
    vec![
        "The lists are of one population: every victim could have been known to each kind of agency over the same period and area.".to_string(),
        "Linkage finds the same child across agencies: the interval allows for the links the linkage model doubts, for the links it nearly made between two victims, and for as many links no pair of records showed as it expects false ones; if it missed more, the estimate is too high.".to_string(),
        "How the lists depend on each other is captured by pairs of lists (a child known to the police more likely to be known to children's services); children whom every kind of agency is less likely to see make the estimate too low.".to_string(),
        "Nobody is on a list by mistake: a child wrongly recorded as a victim is counted as one.".to_string(),
    ]
}

/// The capture history, as stored, of every victim, and `draws` versions with links drawn
/// from their match probabilities (seeded).
pub fn versions(data: &Analysis, people: &People, draws: usize, seed: u64) -> Vec<Version> {
    let bit_of_agency: Vec<u32> = data
        .agencies
        .iter()
        .map(|a| type_bit(&a.agency.agency_type))
        .collect();
    let victim_keys: FxHashSet<u64> = data
        .involvements
        .iter()
        .filter(|i| &*i.role == "victim")
        .map(|i| i.person_key)
        .collect();
    // The list bit each record puts its person on (0: the record names no victim).
    let record_bit: Vec<u32> = data
        .people
        .iter()
        .map(|r| {
            let victim = r.roles.split(';').any(|role| role == "victim")
                || victim_keys.contains(&r.person_key);
            if victim {
                bit_of_agency.get(r.agency).copied().unwrap_or(0)
            } else {
                0
            }
        })
        .collect();
    // Only the records of victims as linked matter: splitting anyone else makes no victim.
    let mut records: Vec<usize> = Vec::new();
    let mut linked: Vec<u32> = Vec::new();
    for person in people.people.iter().filter(|p| p.victim) {
        let history = person.records.iter().fold(0, |h, &r| h | record_bit[r]);
        if history != 0 {
            linked.push(history);
        }
        records.extend(&person.records);
    }
    let mut out = vec![Version {
        label: "as linked".to_string(),
        histories: linked,
    }];
    if draws == 0 {
        return out;
    }
    records.sort_unstable();
    let slot_of: FxHashMap<i64, usize> = records
        .iter()
        .enumerate()
        .map(|(slot, &r)| (data.people[r].record_id, slot))
        .collect();
    // Records one agency gave the same id are one person in every version.
    let mut same_key: Vec<(usize, u64, usize)> = records
        .iter()
        .enumerate()
        .map(|(slot, &r)| (data.people[r].agency, data.people[r].person_key, slot))
        .collect();
    same_key.sort_unstable();
    let links: Vec<(usize, usize, f64)> = data
        .links
        .iter()
        .filter_map(|l| {
            Some((
                *slot_of.get(&l.record_a)?,
                *slot_of.get(&l.record_b)?,
                l.probability,
            ))
        })
        .collect();
    // Near misses between two victims: links the run did not make, each made in a draw with
    // its probability under a prior drawn between the run's and the victims' (`group_prior`).
    let prior = crate::group_prior::GroupPrior::new(people, data.linkage_prior, &|p| p.victim);
    let near: Vec<(usize, usize, f64)> = data
        .near_misses
        .iter()
        .filter_map(|&(a, b, probability)| {
            Some((*slot_of.get(&a)?, *slot_of.get(&b)?, probability))
        })
        .collect();
    // As many links missed as the model expects false ones among the victims' links: at the
    // linkage threshold missed and false links balance (ARCHITECTURE.md, `link`).
    let expected_false: f64 = links.iter().map(|&(_, _, p)| 1.0 - p).sum();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for draw in 1..=draws {
        let mut parent: Vec<usize> = (0..records.len()).collect();
        for pair in same_key.windows(2) {
            if pair[0].0 == pair[1].0 && pair[0].1 == pair[1].1 {
                union(&mut parent, pair[0].2, pair[1].2);
            }
        }
        for &(a, b, probability) in &links {
            if rng.random::<f64>() < probability {
                union(&mut parent, a, b);
            }
        }
        let draw_prior = prior.part(rng.random::<f64>());
        for &(a, b, probability) in &near {
            if rng.random::<f64>() < draw_prior.reweigh(probability) {
                union(&mut parent, a, b);
            }
        }
        let mut history: FxHashMap<usize, u32> = FxHashMap::default();
        let mut roots: Vec<usize> = Vec::new();
        for (slot, &r) in records.iter().enumerate() {
            let root = find(&mut parent, slot);
            let entry = history.entry(root).or_insert_with(|| {
                roots.push(root);
                0
            });
            *entry |= record_bit[r];
        }
        let mut histories: Vec<u32> = roots
            .iter()
            .filter_map(|root| history.get(root).copied().filter(|&h| h != 0))
            .collect();
        let missed = poisson(&mut rng, expected_false);
        add_missed_links(&mut histories, missed, &mut rng);
        out.push(Version {
            label: format!("draw {draw}"),
            histories,
        });
    }
    out
}

/// A Poisson draw with mean `mean` (normal approximation above 50).
fn poisson(rng: &mut ChaCha8Rng, mean: f64) -> usize {
    if mean.is_nan() || mean <= 0.0 {
        return 0;
    }
    if mean > 50.0 {
        // Box–Muller.
        let (u, v): (f64, f64) = (rng.random::<f64>().max(f64::MIN_POSITIVE), rng.random());
        let z = (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos();
        return (mean + mean.sqrt() * z).round().max(0.0) as usize;
    }
    let limit = (-mean).exp();
    let (mut k, mut product) = (0usize, rng.random::<f64>());
    while product > limit {
        k += 1;
        product *= rng.random::<f64>();
    }
    k
}

/// Makes `missed` links the linkage may have missed, at the level of capture histories: a
/// missed link leaves one child as two people, each on part of the child's lists. A pair of
/// lists is chosen in proportion to the victims on both, then a victim on only the first and
/// one on only the second become one victim on both (the links no one can see are most likely
/// where most children are on both lists). Pairs with nobody to join are skipped.
fn add_missed_links(histories: &mut Vec<u32>, missed: usize, rng: &mut ChaCha8Rng) {
    if missed == 0 {
        return;
    }
    let n_types = LIST_TYPES.len();
    let mut pairs: Vec<(usize, usize, u64)> = Vec::new();
    for a in 0..n_types {
        for b in a + 1..n_types {
            let both = (1u32 << a) | (1u32 << b);
            let n = histories.iter().filter(|&&h| h & both == both).count() as u64;
            if n > 0 {
                pairs.push((a, b, n));
            }
        }
    }
    let total: u64 = pairs.iter().map(|p| p.2).sum();
    if total == 0 {
        return;
    }
    // Victims on exactly one list, by list.
    let mut alone: Vec<Vec<usize>> = vec![Vec::new(); n_types];
    for (at, &h) in histories.iter().enumerate() {
        if h.count_ones() == 1 {
            alone[h.trailing_zeros() as usize].push(at);
        }
    }
    for _ in 0..missed {
        let mut pick = rng.random_range(0..total);
        let Some(&(a, b, _)) = pairs.iter().find(|p| {
            if pick < p.2 {
                true
            } else {
                pick -= p.2;
                false
            }
        }) else {
            continue;
        };
        if alone[a].is_empty() || alone[b].is_empty() {
            continue;
        }
        let at = rng.random_range(0..alone[a].len());
        let i = alone[a].swap_remove(at);
        let at = rng.random_range(0..alone[b].len());
        let j = alone[b].swap_remove(at);
        histories[i] |= histories[j];
        histories[j] = 0;
    }
    histories.retain(|&h| h != 0);
}

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        let (root, child) = if ra < rb { (ra, rb) } else { (rb, ra) };
        parent[child] = root;
    }
}

/// Which kinds of agency are lists: (lists as sets of type bits, what was left out). Decided
/// on the first version (the linkage as stored).
/// A list as chosen: its code, label, the type bits it holds and its victims.
struct List {
    code: String,
    label: String,
    mask: u32,
    people: u64,
}

fn choose_lists(histories: &[u32]) -> (Vec<List>, Vec<ListLeftOut>) {
    let size = |mask: u32| histories.iter().filter(|&&h| h & mask != 0).count() as u64;
    let mut lists = Vec::new();
    let mut small: Vec<(usize, u64)> = Vec::new();
    for (at, (code, label)) in LIST_TYPES.iter().enumerate() {
        let people = size(1 << at);
        if people == 0 {
            continue;
        }
        if people >= MIN_LIST_SIZE {
            lists.push(List {
                code: code.to_string(),
                label: label.to_string(),
                mask: 1u32 << at,
                people,
            });
        } else {
            small.push((at, people));
        }
    }
    let merged_mask = small.iter().fold(0u32, |m, (at, _)| m | (1 << at));
    let merged_size = size(merged_mask);
    let mut left_out = Vec::new();
    let merge = small.len() >= 2 && merged_size >= MIN_LIST_SIZE;
    for &(at, people) in &small {
        let (code, label) = LIST_TYPES[at];
        left_out.push(ListLeftOut {
            list: code.to_string(),
            label: label.to_string(),
            people,
            action: if merge { "merged" } else { "left_out" },
            reason: if merge {
                format!(
                    "fewer than {MIN_LIST_SIZE} victims; merged with the other small lists into one list of {merged_size}"
                )
            } else {
                format!(
                    "fewer than {MIN_LIST_SIZE} victims, too few to tell whom the other lists missed; its victims on no other list are left out of the estimate"
                )
            },
        });
    }
    if merge {
        lists.push(List {
            code: "other_agencies".to_string(),
            label: "other agencies together".to_string(),
            mask: merged_mask,
            people: merged_size,
        });
    }
    (lists, left_out)
}

/// The capture table of one version over the chosen lists.
fn table(histories: &[u32], lists: &[List]) -> Option<CaptureTable> {
    let mut counts = vec![0u64; 1 << lists.len()];
    for &h in histories {
        let cell = lists
            .iter()
            .enumerate()
            .filter(|(_, list)| h & list.mask != 0)
            .fold(0usize, |c, (i, _)| c | (1 << i));
        if cell != 0 {
            counts[cell] += 1;
        }
    }
    // The lists are named by their labels, which the models and any refusal quote.
    CaptureTable::from_counts(lists.iter().map(|l| l.label.clone()).collect(), counts).ok()
}

/// The estimate from versions of the capture histories (the first is the linkage as stored).
pub fn estimate(versions: &[Version], victims: u64, seed: u64) -> HiddenPopulation {
    let first: &[u32] = versions.first().map_or(&[], |v| &v.histories);
    let (lists, lists_left_out) = choose_lists(first);
    let mut figure = HiddenPopulation {
        id: FIGURE_ID.to_string(),
        label: "Victims in all, known to an agency or not (estimated from the overlap between the lists)".to_string(),
        status: "refused",
        known: 0,
        known_label: "victims (linked people) on the lists used".to_string(),
        victims,
        estimate: None,
        ci95: None,
        hidden: None,
        hidden_ci95: None,
        lists: lists
            .iter()
            .map(|List { code, label, mask, people }| ListUsed {
                list: code.clone(),
                label: label.clone(),
                agency_types: LIST_TYPES
                    .iter()
                    .enumerate()
                    .filter(|(at, _)| mask & (1 << at) != 0)
                    .map(|(_, (c, _))| c.to_string())
                    .collect(),
                people: *people,
            })
            .collect(),
        lists_left_out,
        overlaps: Vec::new(),
        model: None,
        linkage: None,
        refusal: None,
        assumptions: assumptions(),
    };
    let tables: Option<Vec<CaptureTable>> = versions
        .iter()
        .map(|v| table(&v.histories, &lists))
        .collect();
    let (Some(tables), true) = (tables, lists.len() >= 2) else {
        figure.known = first
            .iter()
            .filter(|&&h| lists.iter().any(|l| h & l.mask != 0))
            .count() as u64;
        figure.refusal = Some(NoEstimate {
            kind: "too_few_lists".to_string(),
            message: format!(
                "Fewer than two kinds of agency each know at least {MIN_LIST_SIZE} victims, so there is no overlap between lists to estimate from."
            ),
        });
        return figure;
    };
    let as_linked = &tables[0];
    figure.known = as_linked.n_observed();
    figure.overlaps = (1..as_linked.counts().len())
        .map(|h| Overlap {
            lists: lists
                .iter()
                .enumerate()
                .filter(|(i, _)| h & (1 << i) != 0)
                .map(|(_, l)| l.code.clone())
                .collect(),
            people: as_linked.counts()[h],
        })
        .collect();
    let alternatives: Vec<LinkageAlternative> = versions
        .iter()
        .zip(tables)
        .map(|(v, table)| LinkageAlternative {
            label: v.label.clone(),
            table,
            weight: 1.0,
        })
        .collect();
    let options = sightline_mse::Options {
        seed,
        ..sightline_mse::Options::default()
    };
    let (pooled, each) = match sightline_mse::estimate_linkage_alternatives(&alternatives, &options)
    {
        Ok(result) => result,
        Err(error) => {
            figure.refusal = Some(NoEstimate {
                kind: "error".to_string(),
                message: error.to_string(),
            });
            return figure;
        }
    };
    if let Some(e) = each.first().and_then(|r| r.outcome.estimated()) {
        figure.model = Some(ModelInfo {
            method: e.method.clone(),
            models: e.models.iter().take(5).cloned().collect(),
            interaction_weights: e.interaction_weights.clone(),
            search: e.search.clone(),
            notes: e.notes.clone(),
        });
    }
    match pooled {
        Outcome::Estimated(pooled) => {
            let known = figure.known as f64;
            figure.status = "estimated";
            figure.estimate = Some(pooled.estimate);
            figure.ci95 = Some(pooled.ci95);
            figure.hidden = Some(pooled.estimate - known);
            figure.hidden_ci95 = Some([pooled.ci95[0] - known, pooled.ci95[1] - known]);
            figure.linkage = Some(LinkageSpread {
                alternatives: versions.len(),
                seed,
                observed_range: pooled.observed_range,
                alternatives_range: pooled.alternatives_range,
                method: pooled.method,
                not_covered: "Links between two victims that no pair of their records showed (not even as a near miss) are made again at the level of the lists' overlaps, as many as the linkage model expects false links among the victims' links; they are not found. If the linkage missed more than that, the estimate is too high.".to_string(),
            });
        }
        Outcome::Refused(refusal) => {
            let reason = match &refusal.reason {
                RefusalReason::AlternativeRefused { label, reason } if label == "as linked" => {
                    reason.as_ref()
                }
                other => other,
            };
            figure.refusal = Some(NoEstimate {
                kind: refusal_kind(reason).to_string(),
                message: each
                    .first()
                    .and_then(|r| r.outcome.refused())
                    .map_or(refusal.message.clone(), |r| r.message.clone()),
            });
        }
    }
    figure
}

fn refusal_kind(reason: &RefusalReason) -> &'static str {
    match reason {
        RefusalReason::TooFewLists { .. } => "too_few_lists",
        RefusalReason::TooFewPeople { .. } => "too_few_people",
        RefusalReason::NoOverlap => "no_overlap",
        RefusalReason::TooLittleOverlap { .. } => "too_little_overlap",
        RefusalReason::ListContainsAnother { .. } => "list_contains_another",
        RefusalReason::NoUsableModel { .. } => "no_usable_model",
        RefusalReason::AlternativeRefused { .. } => "linkage_version_refused",
        RefusalReason::StratumRefused { .. } => "stratum_refused",
    }
}

/// The figure for the assessment: every version of the linkage, estimated and pooled.
pub fn hidden_population(data: &Analysis, people: &People, seed: u64) -> HiddenPopulation {
    let victims = people.people.iter().filter(|p| p.victim).count() as u64;
    let versions = versions(data, people, LINKAGE_DRAWS, seed);
    estimate(&versions, victims, seed)
}

/// The estimate against the synthetic world's `victims_total` (victims known to an agency or
/// not): relative error, and whether the 95% interval holds the truth.
pub fn truth_row(
    assessment: &crate::Assessment,
    summary: &serde_json::Value,
) -> Option<crate::truth::TruthRow> {
    let figure = &assessment.hidden_population;
    let (estimate, ci95, truth) = (
        figure.estimate?,
        figure.ci95?,
        summary["victims_total"].as_f64()?,
    );
    Some(crate::truth::TruthRow {
        id: FIGURE_ID.to_string(),
        kind: "estimate",
        estimate,
        truth,
        error: if truth == 0.0 {
            0.0
        } else {
            (estimate - truth) / truth
        },
        bounds: None,
        within_bounds: None,
        ci95: Some(ci95),
        within_ci95: Some(ci95[0] <= truth && truth <= ci95[1]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Histories of `n` children over three lists, each list catching independently.
    fn population(n: usize, p: [f64; 3], seed: u64) -> Vec<u32> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..n)
            .map(|_| {
                (0..3).fold(0u32, |h, i| {
                    if rng.random::<f64>() < p[i] {
                        h | [1, 2, 16][i]
                    } else {
                        h
                    }
                })
            })
            .filter(|&h| h != 0)
            .collect()
    }

    fn version(histories: Vec<u32>) -> Version {
        Version {
            label: "as linked".to_string(),
            histories,
        }
    }

    #[test]
    fn independent_lists_give_an_interval_around_the_truth() {
        let histories = population(3000, [0.5, 0.4, 0.3], 3);
        let figure = estimate(&[version(histories.clone())], histories.len() as u64, 1);
        assert_eq!(figure.status, "estimated");
        let [low, high] = figure.ci95.expect("interval");
        assert!(low <= 3000.0 && 3000.0 <= high, "{low}–{high}");
        assert_eq!(figure.known, histories.len() as u64);
        let lists: Vec<&str> = figure.lists.iter().map(|l| l.list.as_str()).collect();
        assert_eq!(lists, ["police", "childrens_services", "charity"]);
        assert_eq!(figure.overlaps.len(), 7);
        assert_eq!(
            figure.overlaps.iter().map(|o| o.people).sum::<u64>(),
            figure.known
        );
        let hidden = figure.hidden.expect("hidden");
        assert!((figure.estimate.expect("estimate") - figure.known as f64 - hidden).abs() < 1e-9);
    }

    #[test]
    fn a_list_inside_another_is_refused_with_its_reason() {
        // Everyone children's services know, the police know too.
        let mut histories = vec![1u32; 200];
        histories.extend(vec![3u32; 60]);
        let figure = estimate(&[version(histories)], 260, 1);
        assert_eq!(figure.status, "refused");
        assert!(figure.estimate.is_none() && figure.ci95.is_none());
        let refusal = figure.refusal.expect("refusal");
        assert_eq!(refusal.kind, "list_contains_another");
        // No overlap at all.
        let mut histories = vec![1u32; 100];
        histories.extend(vec![2u32; 100]);
        let refusal = estimate(&[version(histories)], 200, 1)
            .refusal
            .expect("refusal");
        assert_eq!(refusal.kind, "no_overlap");
        // One list only.
        let refusal = estimate(&[version(vec![1u32; 100])], 100, 1)
            .refusal
            .expect("refusal");
        assert_eq!(refusal.kind, "too_few_lists");
    }

    #[test]
    fn small_lists_are_merged_or_left_out_with_the_reason() {
        let mut histories = population(2000, [0.5, 0.4, 0.0], 5);
        // Health 12 and education 10: merged into one list of 22.
        histories.extend(vec![4u32; 12]);
        histories.extend(vec![8u32 | 1; 10]);
        let figure = estimate(&[version(histories.clone())], 0, 1);
        let lists: Vec<&str> = figure.lists.iter().map(|l| l.list.as_str()).collect();
        assert_eq!(lists, ["police", "childrens_services", "other_agencies"]);
        assert_eq!(figure.lists[2].people, 22);
        assert_eq!(figure.lists[2].agency_types, ["health", "education"]);
        assert!(figure.lists_left_out.iter().all(|l| l.action == "merged"));
        // Health alone (12) is too small and has nobody to merge with: left out, and its
        // victims on no other list with it.
        histories.retain(|&h| h & 8 == 0);
        let figure = estimate(&[version(histories.clone())], 0, 1);
        assert_eq!(figure.lists.len(), 2);
        assert_eq!(figure.lists_left_out[0].action, "left_out");
        assert_eq!(figure.known, histories.len() as u64 - 12);
    }

    /// Two agencies (police, children's services); each child a record in each, joined by a
    /// link of probability `p`.
    fn linked_pairs(children: i64, p: f64) -> Analysis {
        use sightline_store::analysis::{LinkRow, PersonRow, Text};
        let agency = |id: &str, kind: &str| sightline_store::AgencySummary {
            agency: sightline_store::Agency {
                agency_id: id.to_string(),
                name: id.to_string(),
                agency_type: kind.to_string(),
                area: String::new(),
                requested: true,
                region: String::new(),
            },
            returns: 1,
            rows_accepted: 0,
            rows_rejected: 0,
        };
        let mut data = Analysis {
            agencies: vec![
                agency("POL01", "police"),
                agency("LA01", "childrens_services"),
            ],
            linkage_run: Some(1),
            ..Analysis::default()
        };
        for child in 0..children {
            for (at, record_id) in [(0usize, 2 * child + 1), (1, 2 * child + 2)] {
                data.people.push(PersonRow {
                    record_id,
                    agency: at,
                    person_key: record_id as u64,
                    person: Some(2 * child + 1),
                    roles: Text::from("victim"),
                    ..PersonRow::default()
                });
            }
            data.links.push(LinkRow {
                record_a: 2 * child + 1,
                record_b: 2 * child + 2,
                probability: p,
            });
        }
        data
    }

    #[test]
    fn sure_links_give_the_linkage_as_stored_in_every_draw_and_doubtful_ones_split_people() {
        let data = linked_pairs(50, 1.0);
        let people = crate::people::people(&data);
        let all = versions(&data, &people, 5, 7);
        assert_eq!(all.len(), 6);
        for version in &all {
            assert_eq!(version.histories, vec![3u32; 50], "{}", version.label);
        }
        // Links at one half: about half the children become two people, one on each list,
        // and about as many missed links (200 expected) are made again between people on one
        // list each; every record stays on its list.
        let data = linked_pairs(400, 0.5);
        let people = crate::people::people(&data);
        let all = versions(&data, &people, 3, 7);
        assert_eq!(all[0].histories, vec![3u32; 400]);
        for version in &all[1..] {
            let on_lists: u32 = version.histories.iter().map(|h| h.count_ones()).sum();
            assert_eq!(on_lists, 800);
            assert!((340..460).contains(&version.histories.len()));
        }
        assert!(all[1..].iter().any(|v| v.histories.len() != 400));
        // The same seed, the same draws.
        assert_eq!(all, versions(&data, &people, 3, 7));
        assert_ne!(all, versions(&data, &people, 3, 8));
    }

    #[test]
    fn versions_that_lose_links_widen_the_interval() {
        let linked = population(3000, [0.5, 0.4, 0.3], 9);
        let single = estimate(&[version(linked.clone())], 0, 1);
        // A version in which 40 people on police and children's services are two people
        // each (missed links, or false links undone).
        let mut split = linked.clone();
        let mut moved = 0;
        for h in split.iter_mut() {
            if *h == 3 && moved < 40 {
                *h = 1;
                moved += 1;
            }
        }
        split.extend(vec![2u32; 40]);
        let versions = [
            version(linked),
            Version {
                label: "draw 1".to_string(),
                histories: split,
            },
        ];
        let pooled = estimate(&versions, 0, 1);
        let (a, b) = (single.ci95.expect("ci"), pooled.ci95.expect("ci"));
        assert!(b[1] > a[1], "{a:?} {b:?}");
        assert!(pooled.estimate > single.estimate);
        let spread = pooled.linkage.expect("linkage");
        assert_eq!(spread.alternatives, 2);
        assert!(spread.alternatives_range[1] > spread.alternatives_range[0]);
    }
}
