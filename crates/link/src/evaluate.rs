//! How good is a clustering, against the truth? Pairwise and B-cubed precision, recall and F1,
//! and the error in the number of people, all from one contingency count in linear time.

use rustc_hash::FxHashMap;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Metrics {
    pub records: usize,
    pub entities: usize,
    pub true_entities: usize,
    pub pairwise_precision: f64,
    pub pairwise_recall: f64,
    pub pairwise_f1: f64,
    pub bcubed_precision: f64,
    pub bcubed_recall: f64,
    pub bcubed_f1: f64,
    /// 100 × (entities − true entities) / true entities.
    pub entity_count_error_pct: f64,
    pub largest_cluster: usize,
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

fn pairs(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// What one blocking rule added to the union, against the truth.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RuleRecall {
    pub rule: String,
    /// Pairs no earlier rule found.
    pub new_pairs: u64,
    /// Of those, pairs that are truly one person.
    pub new_true_pairs: u64,
}

/// How many of the true matching pairs blocking let through to be compared, rule by rule, and
/// how many true matching pairs there are. Pairs that no blocking rule finds can never be
/// linked directly, whatever the model says.
pub fn blocking_recall(
    data: &crate::dataset::Dataset,
    rules: &[crate::block::Rule],
    max_pairs: u64,
    truth: &[u32],
) -> (Vec<RuleRecall>, u64) {
    use crate::block::{Earlier, RuleBlocks};
    let mut earlier = Earlier::new(data.len(), rules.len());
    let mut out = Vec::new();
    for &rule in rules {
        let blocks = RuleBlocks::new(data, rule);
        if blocks.pairs > max_pairs {
            continue;
        }
        let (found, (), new_pairs) = blocks.scan(
            data,
            Some(&earlier),
            |_, _| true,
            |a, b, _: &mut ()| (truth.get(a as usize) == truth.get(b as usize)).then_some(()),
            &crate::Quiet,
        );
        out.push(RuleRecall {
            rule: rule.name().to_string(),
            new_pairs,
            new_true_pairs: found.len() as u64,
        });
        earlier.push(&blocks.keys, rule.probes_only());
    }
    let mut sizes: FxHashMap<u32, u64> = FxHashMap::default();
    for &t in truth {
        *sizes.entry(t).or_insert(0) += 1;
    }
    (out, sizes.values().map(|&c| pairs(c)).sum())
}

/// One band of match probability among blocked pairs: how many pairs the model put in it, the
/// mean probability it gave them, and the share that are truly one person.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CalibrationBand {
    pub from: f64,
    pub to: f64,
    pub pairs: u64,
    pub mean_probability: f64,
    pub true_share: f64,
}

/// How well the model's match probabilities agree with the truth, over every blocked pair:
/// in a well-calibrated model, the pairs given 0.3 are one person three times in ten.
pub fn calibration(
    data: &crate::dataset::Dataset,
    model: &crate::model::Model,
    rules: &[crate::block::Rule],
    max_pairs: u64,
    truth: &[u32],
) -> Vec<CalibrationBand> {
    const EDGES: [f64; 11] = [0.0, 0.001, 0.01, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1.0];
    #[derive(Default)]
    struct Bands([(u64, u64, u64); 10]);
    impl crate::block::Tally for Bands {
        fn add(&mut self, other: &Self) {
            for (x, y) in self.0.iter_mut().zip(&other.0) {
                x.0 += y.0;
                x.1 += y.1;
                x.2 += y.2;
            }
        }
    }
    let fields = model.fields();
    let (_, bands, _) = crate::block::scan_union(
        data,
        rules,
        max_pairs,
        None,
        &crate::Quiet,
        |a, b, bands: &mut Bands| -> Option<()> {
            let g = crate::compare::gamma(data, &fields, a as usize, b as usize);
            let p = crate::model::probability(model.weight(data, a as usize, g));
            let at = EDGES[1..].iter().position(|&edge| p < edge).unwrap_or(9);
            let band = &mut bands.0[at];
            band.0 += 1;
            band.1 += (p * 4_294_967_296.0) as u64;
            band.2 += u64::from(truth.get(a as usize) == truth.get(b as usize));
            None
        },
    );
    bands
        .0
        .iter()
        .enumerate()
        .map(|(at, &(pairs, units, matches))| CalibrationBand {
            from: EDGES[at],
            to: EDGES[at + 1],
            pairs,
            mean_probability: units as f64 / 4_294_967_296.0 / pairs.max(1) as f64,
            true_share: matches as f64 / pairs.max(1) as f64,
        })
        .collect()
}

/// Compares predicted clusters with true entities, record by record (same length).
pub fn evaluate(predicted: &[u32], truth: &[u32]) -> Metrics {
    let n = predicted.len().min(truth.len());
    let mut cells: FxHashMap<(u32, u32), u64> = FxHashMap::default();
    let mut cluster_sizes: FxHashMap<u32, u64> = FxHashMap::default();
    let mut truth_sizes: FxHashMap<u32, u64> = FxHashMap::default();
    for r in 0..n {
        *cells.entry((predicted[r], truth[r])).or_insert(0) += 1;
        *cluster_sizes.entry(predicted[r]).or_insert(0) += 1;
        *truth_sizes.entry(truth[r]).or_insert(0) += 1;
    }
    let true_positive_pairs: u64 = cells.values().map(|&c| pairs(c)).sum();
    let predicted_pairs: u64 = cluster_sizes.values().map(|&c| pairs(c)).sum();
    let true_pairs: u64 = truth_sizes.values().map(|&c| pairs(c)).sum();
    let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let pairwise_precision = ratio(true_positive_pairs, predicted_pairs);
    let pairwise_recall = ratio(true_positive_pairs, true_pairs);
    // B-cubed: each record in cell (c, t) contributes |c ∩ t| / |c| and |c ∩ t| / |t|.
    let (mut precision, mut recall) = (0.0, 0.0);
    for (&(c, t), &count) in &cells {
        let count = count as f64;
        precision += count * count / cluster_sizes[&c] as f64;
        recall += count * count / truth_sizes[&t] as f64;
    }
    let records = n.max(1) as f64;
    let (bcubed_precision, bcubed_recall) = (precision / records, recall / records);
    let entities = cluster_sizes.len();
    let true_entities = truth_sizes.len();
    Metrics {
        records: n,
        entities,
        true_entities,
        pairwise_precision,
        pairwise_recall,
        pairwise_f1: f1(pairwise_precision, pairwise_recall),
        bcubed_precision,
        bcubed_recall,
        bcubed_f1: f1(bcubed_precision, bcubed_recall),
        entity_count_error_pct: if true_entities == 0 {
            0.0
        } else {
            100.0 * (entities as f64 - true_entities as f64) / true_entities as f64
        },
        largest_cluster: cluster_sizes.values().copied().max().unwrap_or(0) as usize,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_and_known_imperfect_clusterings() {
        let truth = [1, 1, 1, 2, 2, 3];
        let perfect = evaluate(&[7, 7, 7, 8, 8, 9], &truth);
        assert_eq!(perfect.bcubed_f1, 1.0);
        assert_eq!(perfect.pairwise_f1, 1.0);
        assert_eq!(perfect.entity_count_error_pct, 0.0);
        // Everyone merged: 15 predicted pairs, 4 true.
        let merged = evaluate(&[0; 6], &truth);
        assert!((merged.pairwise_precision - 4.0 / 15.0).abs() < 1e-12);
        assert_eq!(merged.pairwise_recall, 1.0);
        // B-cubed precision: (3·3/6 + 2·2/6 + 1·1/6) / 6 = 14/36.
        assert!((merged.bcubed_precision - 14.0 / 36.0).abs() < 1e-12);
        assert_eq!(merged.bcubed_recall, 1.0);
        assert!((merged.entity_count_error_pct + 100.0 * 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(merged.largest_cluster, 6);
        // Everyone apart: precision 1, B-cubed recall (3·1/3 + 2·1/2 + 1) / 6 = 1/2.
        let apart = evaluate(&[0, 1, 2, 3, 4, 5], &truth);
        assert_eq!(apart.pairwise_recall, 0.0);
        assert_eq!(apart.bcubed_precision, 1.0);
        assert!((apart.bcubed_recall - 0.5).abs() < 1e-12);
        assert_eq!(apart.entity_count_error_pct, 100.0);
    }
}
