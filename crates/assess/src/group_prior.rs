//! How likely is a near miss between two victims (or two offenders) to be one person?
//!
//! The linkage model's match probability is its Bayes factor for the pair's evidence on top of
//! a prior for two records drawn from everyone linked. Two records that both belong to victims
//! are far more often one child than two records drawn at random (victims are known to several
//! agencies each; most records are of children known once), so the same evidence is worth more
//! among them. [`GroupPrior`] keeps the pair's Bayes factor and replaces the prior with the
//! share of pairs of the group's records that the linkage joined: Σ k(k−1)/2 over the group's
//! people, of R(R−1)/2 for its R records.
//!
//! This holds only where two of the group's records agree by chance no more often than two
//! records drawn from everyone, which is what the Bayes factor assumes. Measured against the
//! truth of a synthetic world (seed 11, BENCHMARKS.md): among the 45 near misses between two
//! victims, 18 are one child; the model's probabilities sum to 3.9, reweighed to 16.4. Among
//! the 377 between two offenders, 9 are one person; the model's probabilities sum to 27.6, and
//! reweighed to 181: offenders' records (young men, common names, aliases only) agree by chance
//! far more often than records at large. So the group's prior is used for victims and not for
//! offenders.
//!
//! Nor does it hold at every scale: at scale 10 (seed 1) the 1,768 near misses between two
//! victims hold 122 that are one child, where the model's probabilities sum to 124 and the
//! reweighed ones to 527. Chance pairs grow with the square of the victims, missed links with
//! their number. So the victims' count range takes the group's prior (its lower end is then
//! conservative), and each hidden-population draw takes a prior drawn between the run's and
//! the group's ([`GroupPrior::part`], uniform on the log-odds scale): the interval spans both.

use crate::people::{People, Person};

/// The odds ratio between a group's prior and the linkage run's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroupPrior {
    odds_ratio: f64,
}

impl GroupPrior {
    /// The run's own prior: probabilities unchanged.
    pub const RUN: GroupPrior = GroupPrior { odds_ratio: 1.0 };

    /// For the people that `holds`, under a run whose prior is `run_prior` (no reweighing
    /// without one, or when the group has no linked pair).
    pub fn new(people: &People, run_prior: Option<f64>, holds: &dyn Fn(&Person) -> bool) -> Self {
        let (records, linked) = people
            .people
            .iter()
            .filter(|p| holds(p))
            .map(|p| p.records.len() as f64)
            .fold((0.0, 0.0), |(r, m), k| (r + k, m + k * (k - 1.0) / 2.0));
        let pairs = records * (records - 1.0) / 2.0;
        let odds = |p: f64| p / (1.0 - p);
        let odds_ratio = match run_prior {
            Some(prior) if prior > 0.0 && prior < 1.0 && linked > 0.0 && linked < pairs => {
                odds(linked / pairs) / odds(prior)
            }
            _ => 1.0,
        };
        GroupPrior { odds_ratio }
    }

    /// Part of the way from the run's prior to the group's, on the log-odds scale: `share` 0 is
    /// the run's, 1 the group's.
    pub fn part(&self, share: f64) -> GroupPrior {
        GroupPrior {
            odds_ratio: self.odds_ratio.powf(share.clamp(0.0, 1.0)),
        }
    }

    /// A match probability given under the run's prior, under the group's.
    pub fn reweigh(&self, probability: f64) -> f64 {
        if !(probability > 0.0 && probability < 1.0) {
            return probability;
        }
        let odds = probability / (1.0 - probability) * self.odds_ratio;
        odds / (1.0 + odds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_is_kept_and_the_prior_replaced() {
        // Odds ratio 9: a pair at 0.25 (odds 1/3) is at 0.75 (odds 3).
        let prior = GroupPrior { odds_ratio: 9.0 };
        assert!((prior.reweigh(0.25) - 0.75).abs() < 1e-12);
        assert_eq!(prior.reweigh(0.0), 0.0);
        assert_eq!(prior.reweigh(1.0), 1.0);
        assert!(
            (prior.part(0.5).reweigh(0.25) - 0.5).abs() < 1e-12,
            "odds 1/3 × 3"
        );
        assert!((prior.part(0.0).reweigh(0.25) - 0.25).abs() < 1e-12);
        let same = GroupPrior { odds_ratio: 1.0 };
        assert!((same.reweigh(0.3) - 0.3).abs() < 1e-12);
    }
}
