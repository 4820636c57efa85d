//! How much is each level worth? The Fellegi–Sunter model: for every comparison level, m (the
//! chance of that level when the two records are the same person) and u (when they are not),
//! and the prior chance that two random records are the same person.
//!
//! u comes from random pairs, m and the share of matches among blocked pairs from
//! expectation–maximisation over the blocked pairs' comparison vectors, counted by pattern, so
//! each iteration costs the number of distinct patterns, not of pairs. Match weights are
//! log2(m/u); term-frequency adjustment replaces u for an exact name or postcode match with
//! that value's frequency, so that "Smith" weighs less than "Przybylski".

use crate::compare::{Field, Gamma, gamma, level_of};
use crate::dataset::Dataset;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// Pseudo-count added to every level when estimating probabilities, so that a level never
/// seen still has a finite weight.
const PSEUDO_COUNT: f64 = 0.5;

/// The estimated parameters of one comparison.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ComparisonModel {
    pub field: Field,
    pub name: String,
    /// One entry per level after the null level.
    pub levels: Vec<LevelModel>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LevelModel {
    pub label: String,
    pub m: f64,
    pub u: f64,
    /// log2(m/u).
    pub weight: f64,
    pub term_frequency: bool,
}

/// A fitted model.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Model {
    pub comparisons: Vec<ComparisonModel>,
    /// The probability that two records drawn at random are the same person.
    pub prior: f64,
    /// The share of matches among blocked pairs, as EM found it.
    pub blocked_match_share: f64,
    pub em_iterations: usize,
    pub u_sample_pairs: usize,
}

impl Model {
    pub fn fields(&self) -> Vec<Field> {
        self.comparisons.iter().map(|c| c.field).collect()
    }

    pub fn prior_weight(&self) -> f64 {
        (self.prior / (1.0 - self.prior)).log2()
    }

    /// The weight of one comparison's level for records `a` and `b` (term frequency applied).
    pub fn level_weight(&self, data: &Dataset, comparison: usize, level: u8, a: usize) -> f64 {
        if level == 0 {
            return 0.0;
        }
        let model = &self.comparisons[comparison];
        let Some(entry) = model.levels.get(usize::from(level) - 1) else {
            return 0.0;
        };
        if entry.term_frequency {
            // Exact: the chance another record has this value in the same field. Swapped: the
            // chance another record has this record's given name as its family name, and the
            // other way round.
            let share = match (model.field, level) {
                (Field::GivenName, 1) => data.given_tf.share(data.given[a]),
                (Field::GivenName, _) => data.family_tf.share(data.given[a]),
                (Field::FamilyName, 1) => data.family_tf.share(data.family[a]),
                (Field::FamilyName, _) => data.given_tf.share(data.family[a]),
                (Field::Postcode, _) => data.postcode_tf.share(data.postcode[a]),
                _ => 0.0,
            };
            if share > 0.0 {
                let floor = 1.0 / (data.len().max(2) as f64);
                return (entry.m / share.max(floor)).log2();
            }
        }
        entry.weight
    }

    /// The total match weight (prior included) of a pair whose first record is `a` and whose
    /// comparison vector is `gamma` (term frequencies are those of `a`'s values, which an exact
    /// match shares with the other record).
    pub fn weight(&self, data: &Dataset, a: usize, gamma: Gamma) -> f64 {
        let mut total = self.prior_weight();
        for comparison in 0..self.comparisons.len() {
            total += self.level_weight(data, comparison, level_of(gamma, comparison), a);
        }
        total
    }
}

/// A match weight as a probability.
pub fn probability(weight: f64) -> f64 {
    1.0 / (1.0 + (-weight).exp2())
}

/// u for every level from `pairs` random pairs of distinct records.
pub fn estimate_u(data: &Dataset, fields: &[Field], pairs: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut counts: Vec<Vec<f64>> = fields.iter().map(|f| vec![0.0; f.levels().len()]).collect();
    let n = data.len();
    if n >= 2 {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x755A_4D50_4C45);
        for _ in 0..pairs {
            let a = rng.random_range(0..n);
            let mut b = rng.random_range(0..n - 1);
            if b >= a {
                b += 1;
            }
            let g = gamma(data, fields, a, b);
            for (at, row) in counts.iter_mut().enumerate() {
                let level = level_of(g, at);
                if level > 0 {
                    row[usize::from(level) - 1] += 1.0;
                }
            }
        }
    }
    counts.into_iter().map(|row| normalise(&row)).collect()
}

fn normalise(counts: &[f64]) -> Vec<f64> {
    let total: f64 = counts.iter().sum::<f64>() + PSEUDO_COUNT * counts.len() as f64;
    counts.iter().map(|c| (c + PSEUDO_COUNT) / total).collect()
}

/// Comparison vectors counted by pattern.
pub fn count_patterns(gammas: &[Gamma]) -> Vec<(Gamma, f64)> {
    let mut counts: FxHashMap<Gamma, f64> = FxHashMap::default();
    for &g in gammas {
        *counts.entry(g).or_insert(0.0) += 1.0;
    }
    let mut patterns: Vec<(Gamma, f64)> = counts.into_iter().collect();
    patterns.sort_unstable_by_key(|&(g, _)| g);
    patterns
}

/// What EM may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Estimate {
    /// m, u and the share of matches (classic two-class EM).
    Everything,
    /// m and the share; u stays the random-pair estimate, as in Splink. Anchoring the
    /// non-match class stops EM from settling on "pairs with common names" as its match class.
    MAndShare,
    /// The share alone, m and u fixed.
    Share,
}

/// m starting values: favouring the best levels, the last ("different") rare.
pub fn starting_m(fields: &[Field]) -> Vec<Vec<f64>> {
    fields
        .iter()
        .map(|field| {
            let levels = field.levels().len();
            let mut row: Vec<f64> = (0..levels).map(|at| 0.5f64.powi(at as i32 + 1)).collect();
            if let Some(last) = row.last_mut() {
                *last = 0.02;
            }
            let total: f64 = row.iter().sum();
            row.iter().map(|p| p / total).collect()
        })
        .collect()
}

/// Expectation–maximisation over counted patterns. Only comparisons marked `active` take part
/// (the others are ignored in both steps and their m is returned unchanged): a training
/// session over pairs blocked on a field must leave that field out, since the blocking, not
/// the person, made those pairs agree on it. Returns (m, share, iterations).
pub fn expectation_maximisation(
    patterns: &[(Gamma, f64)],
    start_m: &[Vec<f64>],
    u_random: &[Vec<f64>],
    active: &[bool],
    estimate: Estimate,
    max_iterations: usize,
) -> (Vec<Vec<f64>>, f64, usize) {
    let mut m = start_m.to_vec();
    let mut u = u_random.to_vec();
    let mut share = 0.01;
    let mut iterations = 0;
    let comparisons = m.len().min(active.len());
    for _ in 0..max_iterations {
        iterations += 1;
        let mut m_counts: Vec<Vec<f64>> = m.iter().map(|row| vec![0.0; row.len()]).collect();
        let mut u_counts = m_counts.clone();
        let (mut matched, mut total) = (0.0, 0.0);
        for &(g, count) in patterns {
            let (mut pm, mut pu) = (share, 1.0 - share);
            for at in (0..comparisons).filter(|&at| active[at]) {
                let level = level_of(g, at);
                if level > 0 {
                    pm *= m[at][usize::from(level) - 1];
                    pu *= u[at][usize::from(level) - 1];
                }
            }
            let p = if pm + pu > 0.0 { pm / (pm + pu) } else { 0.0 };
            matched += p * count;
            total += count;
            for at in (0..comparisons).filter(|&at| active[at]) {
                let level = level_of(g, at);
                if level > 0 {
                    m_counts[at][usize::from(level) - 1] += p * count;
                    u_counts[at][usize::from(level) - 1] += (1.0 - p) * count;
                }
            }
        }
        let new_share = if total > 0.0 { matched / total } else { 0.0 };
        let mut change = (new_share - share).abs();
        if estimate != Estimate::Share {
            for at in (0..comparisons).filter(|&at| active[at]) {
                let row = normalise(&m_counts[at]);
                for (new, old) in row.iter().zip(&m[at]) {
                    change = change.max((new - old).abs());
                }
                m[at] = row;
            }
        }
        if estimate == Estimate::Everything {
            for at in (0..comparisons).filter(|&at| active[at]) {
                u[at] = normalise(&u_counts[at]);
            }
        }
        share = new_share.clamp(1e-9, 1.0 - 1e-9);
        if change < 1e-5 {
            break;
        }
    }
    (m, share, iterations)
}

/// What was estimated besides m and u.
pub struct Estimates {
    pub prior: f64,
    pub blocked_match_share: f64,
    pub em_iterations: usize,
    pub u_sample_pairs: usize,
}

/// Builds the model from estimated m and u.
pub fn build(
    data: &Dataset,
    fields: &[Field],
    m: &[Vec<f64>],
    u: &[Vec<f64>],
    estimates: Estimates,
) -> Model {
    let comparisons = fields
        .iter()
        .enumerate()
        .map(|(at, &field)| ComparisonModel {
            field,
            name: field.name(data),
            levels: field
                .levels()
                .iter()
                .enumerate()
                .map(|(level, label)| {
                    let (m, u) = (m[at][level], u[at][level]);
                    LevelModel {
                        label: (*label).to_string(),
                        m,
                        u,
                        weight: (m / u).log2(),
                        term_frequency: field.term_frequency_level(level as u8 + 1),
                    }
                })
                .collect(),
        })
        .collect();
    Model {
        comparisons,
        prior: estimates.prior.clamp(1e-12, 0.5),
        blocked_match_share: estimates.blocked_match_share,
        em_iterations: estimates.em_iterations,
        u_sample_pairs: estimates.u_sample_pairs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three comparisons with three levels each: matches mostly agree, non-matches mostly
    /// differ. EM must recover m and the share of matches from the pattern counts alone.
    #[test]
    fn em_recovers_a_known_answer() {
        let fields = [Field::Extra(0), Field::Extra(1), Field::Extra(2)];
        let m_true = [0.8, 0.15, 0.05];
        let u_true = [0.01, 0.09, 0.9];
        let (matches, non_matches) = (20_000.0, 180_000.0);
        let mut patterns = Vec::new();
        for x in 0..3usize {
            for y in 0..3usize {
                for z in 0..3usize {
                    let count = matches * m_true[x] * m_true[y] * m_true[z]
                        + non_matches * u_true[x] * u_true[y] * u_true[z];
                    let g = (x as u64 + 1) | ((y as u64 + 1) << 4) | ((z as u64 + 1) << 8);
                    patterns.push((g, count));
                }
            }
        }
        let u_start = vec![vec![0.05, 0.15, 0.8]; 3];
        let (m, share, iterations) = expectation_maximisation(
            &patterns,
            &starting_m(&fields),
            &u_start,
            &[true; 3],
            Estimate::Everything,
            500,
        );
        assert!(iterations > 1);
        assert!((share - 0.1).abs() < 0.005, "share {share}");
        for row in &m {
            for (got, want) in row.iter().zip(m_true.iter()) {
                assert!((got - want).abs() < 0.01, "m {row:?}");
            }
        }
    }

    #[test]
    fn weights_follow_m_over_u() {
        assert!((probability(0.0) - 0.5).abs() < 1e-12);
        assert!(probability(10.0) > 0.999);
        assert!(probability(-10.0) < 0.001);
        let normal = normalise(&[3.0, 1.0]);
        assert!((normal[0] - 3.5 / 5.0).abs() < 1e-12);
    }
}
