//! Several tables into one figure: alternative linkages of the same people (so the interval
//! carries the linkage's own uncertainty), and strata whose totals add up.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::error::MseError;
use crate::estimate::{Estimate, Options, Outcome, Refusal, RefusalReason, estimate};
use crate::mixture::{Component, Mixture};
use crate::table::CaptureTable;

/// One version of the capture-history table, e.g. from linkage at one match threshold or one
/// draw from the linkage model's match probabilities, with how much to believe it.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkageAlternative {
    pub label: String,
    pub table: CaptureTable,
    /// Relative weight (any positive number; normalised over the alternatives). Use equal
    /// weights for draws from match probabilities.
    pub weight: f64,
}

/// The estimate under one linkage alternative.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlternativeResult {
    pub label: String,
    /// Normalised weight.
    pub weight: f64,
    pub outcome: Outcome,
}

/// The estimate pooled over linkage alternatives.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkageEstimate {
    pub lists: Vec<String>,
    /// The fewest and most people observed under the alternatives.
    pub observed_range: [u64; 2],
    /// Median of the pooled distribution of the total.
    pub estimate: f64,
    /// 95% interval of the pooled distribution: it covers both the uncertainty within each
    /// linkage and the differences between them.
    pub ci95: [f64; 2],
    /// The smallest and largest of the alternatives' own estimates.
    pub alternatives_range: [f64; 2],
    pub method: String,
}

/// Estimates the total under each linkage alternative and pools them.
///
/// The pooled distribution of the total is the mixture, with the alternatives' weights, of each
/// alternative's model-averaged distribution (itself a mixture over models): the Bayesian
/// answer when the linkage is one more unknown with the weights as its probabilities, and the
/// analytic counterpart of pooling bootstrap replicates across linkages. If the alternatives
/// agree it gives their common interval; the more they differ, the wider it gets.
///
/// If any alternative is refused the pooled result is refused with that alternative's reason:
/// a linkage under which the data cannot identify a total is a linkage under which nobody
/// should quote one.
pub fn estimate_linkage_alternatives(
    alternatives: &[LinkageAlternative],
    options: &Options,
) -> Result<(Outcome<LinkageEstimate>, Vec<AlternativeResult>), MseError> {
    let first = alternatives.first().ok_or(MseError::NothingToCombine(
        "no linkage alternatives were given",
    ))?;
    let mut total_weight = 0.0;
    for (index, alt) in alternatives.iter().enumerate() {
        if !(alt.weight.is_finite() && alt.weight > 0.0) {
            return Err(MseError::BadWeight {
                index,
                weight: alt.weight,
            });
        }
        if alt.table.list_names() != first.table.list_names() {
            return Err(MseError::ListsDiffer {
                index,
                expected: first.table.list_names().to_vec(),
                found: alt.table.list_names().to_vec(),
            });
        }
        total_weight += alt.weight;
    }
    let mut results = Vec::with_capacity(alternatives.len());
    for alt in alternatives {
        results.push(AlternativeResult {
            label: alt.label.clone(),
            weight: alt.weight / total_weight,
            outcome: estimate(&alt.table, options)?,
        });
    }
    if let Some((result, refusal)) = results
        .iter()
        .find_map(|r| r.outcome.refused().map(|refusal| (r, refusal)))
    {
        let pooled = Outcome::Refused(Refusal {
            reason: RefusalReason::AlternativeRefused {
                label: result.label.clone(),
                reason: Box::new(refusal.reason.clone()),
            },
            message: format!(
                "Under linkage '{}' there is no estimate: {}",
                result.label, refusal.message
            ),
            observed: refusal.observed,
        });
        return Ok((pooled, results));
    }
    let estimates: Vec<(&Estimate, f64)> = results
        .iter()
        .filter_map(|r| r.outcome.estimated().map(|e| (e, r.weight)))
        .collect();
    let components: Vec<Component> = estimates
        .iter()
        .flat_map(|(e, w)| {
            e.mixture.components().iter().map(move |c| Component {
                weight: c.weight * w,
                ..*c
            })
        })
        .collect();
    let mixture = Mixture::new(components).ok_or(MseError::NothingToCombine(
        "the alternatives carry no weight",
    ))?;
    let observed_min = estimates.iter().map(|(e, _)| e.observed).min().unwrap_or(0);
    let observed_max = estimates.iter().map(|(e, _)| e.observed).max().unwrap_or(0);
    let est_min = estimates
        .iter()
        .map(|(e, _)| e.estimate)
        .fold(f64::INFINITY, f64::min);
    let est_max = estimates
        .iter()
        .map(|(e, _)| e.estimate)
        .fold(f64::NEG_INFINITY, f64::max);
    let pooled = LinkageEstimate {
        lists: first.table.list_names().to_vec(),
        observed_range: [observed_min, observed_max],
        estimate: mixture.quantile(0.5),
        ci95: [mixture.quantile(0.025), mixture.quantile(0.975)],
        alternatives_range: [est_min, est_max],
        method: format!(
            "Each of {} linkage alternatives estimated on its own (model-averaged); their \
             distributions for the total pooled with the alternatives' weights.",
            alternatives.len()
        ),
    };
    Ok((Outcome::Estimated(pooled), results))
}

/// One stratum's table (e.g. girls aged 13–15 in one region).
#[derive(Debug, Clone, PartialEq)]
pub struct Stratum {
    pub name: String,
    pub table: CaptureTable,
}

/// The estimate for one stratum.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StratumResult {
    pub stratum: String,
    pub outcome: Outcome,
}

/// The total over strata.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StratifiedEstimate {
    pub lists: Vec<String>,
    pub observed: u64,
    /// Median of the distribution of the sum of the strata's totals.
    pub estimate: f64,
    pub ci95: [f64; 2],
    pub hidden: f64,
    pub hidden_ci95: [f64; 2],
    pub method: String,
}

/// Estimates each stratum on its own and adds them up.
///
/// Each stratum gets its own models (lists may depend on each other differently for boys and
/// girls); the strata are taken as independent, and the distribution of the sum is found from
/// `Options::draws` seeded Monte Carlo draws from each stratum's model-averaged distribution.
/// If any stratum is refused the total is refused with that stratum's reason (merge strata
/// until each can be estimated).
pub fn estimate_strata(
    strata: &[Stratum],
    options: &Options,
) -> Result<(Outcome<StratifiedEstimate>, Vec<StratumResult>), MseError> {
    let first = strata
        .first()
        .ok_or(MseError::NothingToCombine("no strata were given"))?;
    for (index, s) in strata.iter().enumerate() {
        if s.table.list_names() != first.table.list_names() {
            return Err(MseError::ListsDiffer {
                index,
                expected: first.table.list_names().to_vec(),
                found: s.table.list_names().to_vec(),
            });
        }
    }
    options.check()?;
    let mut results = Vec::with_capacity(strata.len());
    for s in strata {
        results.push(StratumResult {
            stratum: s.name.clone(),
            outcome: estimate(&s.table, options)?,
        });
    }
    let observed: u64 = strata.iter().map(|s| s.table.n_observed()).sum();
    if let Some((result, refusal)) = results
        .iter()
        .find_map(|r| r.outcome.refused().map(|refusal| (r, refusal)))
    {
        let total = Outcome::Refused(Refusal {
            reason: RefusalReason::StratumRefused {
                stratum: result.stratum.clone(),
                reason: Box::new(refusal.reason.clone()),
            },
            message: format!(
                "Stratum '{}' has no estimate, so neither does the total: {}",
                result.stratum, refusal.message
            ),
            observed,
        });
        return Ok((total, results));
    }
    let mixtures: Vec<&Mixture> = results
        .iter()
        .filter_map(|r| r.outcome.estimated().map(|e| &e.mixture))
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut sums = Vec::with_capacity(options.draws);
    for _ in 0..options.draws {
        sums.push(mixtures.iter().map(|m| m.sample(&mut rng)).sum::<f64>());
    }
    sums.sort_by(f64::total_cmp);
    let q = |p: f64| -> f64 {
        // Linear interpolation between order statistics (type 7).
        let h = (sums.len() - 1) as f64 * p;
        let lo = h.floor() as usize;
        let hi = (lo + 1).min(sums.len() - 1);
        sums[lo] + (h - lo as f64) * (sums[hi] - sums[lo])
    };
    let n = observed as f64;
    let (median, lower, upper) = (q(0.5), q(0.025), q(0.975));
    let total = StratifiedEstimate {
        lists: first.table.list_names().to_vec(),
        observed,
        estimate: median,
        ci95: [lower, upper],
        hidden: median - n,
        hidden_ci95: [lower - n, upper - n],
        method: format!(
            "Each of {} strata estimated on its own (model-averaged); the total's distribution \
             is the sum of independent draws from each stratum's ({} draws, seed {}).",
            strata.len(),
            options.draws,
            options.seed
        ),
    };
    Ok((Outcome::Estimated(total), results))
}
