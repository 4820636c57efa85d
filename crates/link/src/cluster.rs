//! Which records are one person? Clustering that does not chain.
//!
//! Links are taken strongest first. Two clusters are merged only when the link is above the
//! threshold *and* the clusters agree as wholes: every record of one is scored against every
//! record of the other, and the mean match probability across that cut must reach the
//! cohesion threshold. So a chain A–B–C whose ends disagree stops at the weak end instead of
//! swallowing everything it touches, as connected components do. Two records that one source
//! gave different ids are never merged (the source says they are different people); records
//! that one source gave the same id are merged first. Merges refused, and clusters that look
//! wrong (large, or held together by a weak cut), are counted and reported.

use crate::compare::{NameMemo, gamma_memo};
use crate::dataset::{Dataset, NONE};
use crate::model::{Model, Scorer, probability};
use rayon::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Copy, Serialize)]
pub struct ClusterOptions {
    /// A link must reach this match probability to be considered. Below one half on purpose:
    /// a link is only a candidate until the clusters it would join agree as wholes (cohesion),
    /// and the true pairs no blocking rule finds are missed links the threshold cannot see, so
    /// a threshold at one half still leaves people overcounted (1.4% on the realistic-name
    /// populations; 1.0% at 0.3, with the same precision and the national figures unchanged).
    pub threshold: f64,
    /// The mean match probability across the cut between two clusters must reach this.
    pub cohesion: f64,
    /// Clusters are not grown past this many records.
    pub max_size: usize,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        ClusterOptions {
            threshold: 0.3,
            cohesion: 0.3,
            max_size: 200,
        }
    }
}

/// A cluster worth a look.
#[derive(Debug, Clone, Serialize)]
pub struct Flagged {
    pub cluster: u32,
    pub size: usize,
    /// The weakest mean probability across a cut at which it was merged.
    pub weakest_cut: f64,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Refusals {
    /// Links between records a source said are different people.
    pub source_says_different: u64,
    /// Links whose clusters did not agree as wholes.
    pub not_cohesive: u64,
    /// Links that would have grown a cluster past the maximum size.
    pub too_large: u64,
}

pub struct Clustering {
    /// Cluster number per record: clusters are numbered by their first record.
    pub cluster_of: Vec<u32>,
    pub clusters: usize,
    pub refusals: Refusals,
    pub flagged: Vec<Flagged>,
    /// The links that merged clusters: (a, b, match weight).
    pub merges: Vec<(u32, u32, f64)>,
}

struct Clusters {
    parent: Vec<u32>,
    members: Vec<Vec<u32>>,
    /// (source, local key) of the members that have one.
    sources: Vec<Vec<(u32, u64)>>,
    weakest: Vec<f64>,
}

impl Clusters {
    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let up = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = up;
            x = up;
        }
        x
    }

    fn conflict(&self, a: u32, b: u32) -> bool {
        let (sa, sb) = (&self.sources[a as usize], &self.sources[b as usize]);
        sa.iter()
            .any(|(source, key)| sb.iter().any(|(s, k)| s == source && k != key))
    }

    fn union(&mut self, a: u32, b: u32, cut: f64) {
        // Keep the smaller index as the root so that numbering does not depend on order.
        let (root, child) = if a < b { (a, b) } else { (b, a) };
        self.parent[child as usize] = root;
        let moved = std::mem::take(&mut self.members[child as usize]);
        self.members[root as usize].extend(moved);
        let moved = std::mem::take(&mut self.sources[child as usize]);
        for entry in moved {
            if !self.sources[root as usize].contains(&entry) {
                self.sources[root as usize].push(entry);
            }
        }
        let weakest = self.weakest[child as usize].min(cut);
        self.weakest[root as usize] = self.weakest[root as usize].min(weakest);
    }
}

/// Clusters records from scored links `(a, b, weight)`.
pub fn cluster(
    data: &Dataset,
    model: &Model,
    links: &[(u32, u32, f64)],
    options: &ClusterOptions,
) -> Clustering {
    cluster_scored(&model.scorer(data), model, links, options)
}

/// [`cluster`] with the model already laid out for the dataset.
pub fn cluster_scored(
    scorer: &Scorer,
    model: &Model,
    links: &[(u32, u32, f64)],
    options: &ClusterOptions,
) -> Clustering {
    let data = scorer.data();
    let n = data.len();
    let mut clusters = Clusters {
        parent: (0..n as u32).collect(),
        members: (0..n as u32).map(|r| vec![r]).collect(),
        sources: (0..n)
            .map(|r| {
                if data.source[r] != NONE && data.local_key[r] != u64::MAX {
                    vec![(data.source[r], data.local_key[r])]
                } else {
                    Vec::new()
                }
            })
            .collect(),
        weakest: vec![1.0; n],
    };
    // The same id from the same source: one person, whatever the fields say.
    let mut by_key: Vec<(u32, u64, u32)> = (0..n)
        .filter(|&r| data.source[r] != NONE && data.local_key[r] != u64::MAX)
        .map(|r| (data.source[r], data.local_key[r], r as u32))
        .collect();
    by_key.sort_unstable();
    for pair in by_key.windows(2) {
        if pair[0].0 == pair[1].0 && pair[0].1 == pair[1].1 {
            let (a, b) = (clusters.find(pair[0].2), clusters.find(pair[1].2));
            if a != b {
                clusters.union(a, b, 1.0);
            }
        }
    }

    let threshold_weight = (options.threshold / (1.0 - options.threshold)).log2();
    let mut order: Vec<&(u32, u32, f64)> = links
        .iter()
        .filter(|(_, _, w)| *w >= threshold_weight)
        .collect();
    // Links are distinct pairs, so no two are equal under this order: an unstable sort gives
    // the one order there is.
    order.par_sort_unstable_by(|x, y| y.2.total_cmp(&x.2).then(x.0.cmp(&y.0)).then(x.1.cmp(&y.1)));
    let mut names = NameMemo::default();
    let fields = model.fields();
    let mut refusals = Refusals::default();
    let mut merges = Vec::new();
    for &&(a, b, weight) in &order {
        let (ra, rb) = (clusters.find(a), clusters.find(b));
        if ra == rb {
            continue;
        }
        if clusters.conflict(ra, rb) {
            refusals.source_says_different += 1;
            continue;
        }
        let (ma, mb) = (
            &clusters.members[ra as usize],
            &clusters.members[rb as usize],
        );
        if ma.len() + mb.len() > options.max_size {
            refusals.too_large += 1;
            continue;
        }
        let cut = if ma.len() == 1 && mb.len() == 1 {
            probability(weight)
        } else {
            let mut total = 0.0;
            for &x in ma {
                for &y in mb {
                    let g = gamma_memo(data, &fields, x as usize, y as usize, &mut names);
                    total += probability(scorer.weight(x as usize, g));
                }
            }
            total / (ma.len() * mb.len()) as f64
        };
        if cut < options.cohesion {
            refusals.not_cohesive += 1;
            continue;
        }
        clusters.union(ra, rb, cut);
        merges.push((a, b, weight));
    }

    let mut cluster_of = vec![0u32; n];
    let mut count = 0;
    let mut flagged = Vec::new();
    for r in 0..n as u32 {
        let root = clusters.find(r);
        cluster_of[r as usize] = root;
        if root == r {
            count += 1;
            let size = clusters.members[r as usize].len();
            let weakest = clusters.weakest[r as usize];
            let reason = if size * 2 > options.max_size {
                Some(format!(
                    "{size} records: near the maximum of {}",
                    options.max_size
                ))
            } else if size > 2 && weakest < (options.cohesion + 1.0) / 2.0 {
                Some(format!(
                    "merged across a weak cut (mean probability {weakest:.2})"
                ))
            } else {
                None
            };
            if let Some(reason) = reason {
                flagged.push(Flagged {
                    cluster: r,
                    size,
                    weakest_cut: weakest,
                    reason,
                });
            }
        }
    }
    Clustering {
        cluster_of,
        clusters: count,
        refusals,
        flagged,
        merges,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::{Field, gamma};
    use crate::dataset::PersonInput;
    use crate::model::{Estimates, build};
    use sightline_standard::dates::PartialDate;

    /// A and C share a name with B, who has no date of birth; A's and C's dates differ by
    /// decades. Connected components would make one person of all three.
    fn chain(sources: [Option<(u32, u64)>; 3]) -> (Dataset, Model, Vec<(u32, u32, f64)>) {
        let mut data = Dataset::new(vec!["name".to_string()]);
        let births = [
            PartialDate::full(2008, 4, 7),
            None,
            PartialDate::full(1970, 1, 1),
        ];
        for (birth, source) in births.into_iter().zip(sources) {
            data.push(&PersonInput {
                id: "r",
                source: source.map(|s| s.0),
                local_key: source.map(|s| s.1),
                birth,
                extras: vec!["KATIE SMITH"],
                ..PersonInput::default()
            });
        }
        let fields = [Field::DateOfBirth, Field::Extra(0)];
        let m = vec![
            vec![0.9, 0.02, 0.02, 0.02, 0.02, 0.01, 0.009, 0.001],
            vec![0.9, 0.05, 0.05],
        ];
        let u = vec![
            vec![0.001, 0.001, 0.001, 0.001, 0.01, 0.01, 0.02, 0.956],
            vec![0.001, 0.009, 0.99],
        ];
        let estimates = Estimates {
            prior: 0.1,
            ..Estimates::default()
        };
        let model = build(&data, &fields, &m, &u, estimates);
        let links = [(0u32, 1u32), (1, 2)]
            .iter()
            .map(|&(a, b)| {
                let g = gamma(&data, &fields, a as usize, b as usize);
                (a, b, model.weight(&data, a as usize, g))
            })
            .collect();
        (data, model, links)
    }

    #[test]
    fn a_chain_whose_ends_disagree_is_not_one_person() {
        let (data, model, links) = chain([None; 3]);
        let a_c = gamma(&data, &model.fields(), 0, 2);
        assert!(
            probability(model.weight(&data, 0, a_c)) < 0.2,
            "the ends disagree"
        );
        let cohesive = ClusterOptions {
            threshold: 0.5,
            cohesion: 0.6,
            max_size: 50,
        };
        let split = cluster(&data, &model, &links, &cohesive);
        assert_eq!(split.clusters, 2);
        assert_eq!(split.refusals.not_cohesive, 1);
        let components = ClusterOptions {
            cohesion: 0.0,
            ..cohesive
        };
        assert_eq!(cluster(&data, &model, &links, &components).clusters, 1);
    }

    #[test]
    fn what_a_source_says_about_identity_wins() {
        // A and B: one agency, different ids → never merged, however alike.
        let (data, model, links) = chain([Some((0, 1)), Some((0, 2)), None]);
        let options = ClusterOptions {
            threshold: 0.5,
            cohesion: 0.0,
            max_size: 50,
        };
        let result = cluster(&data, &model, &links, &options);
        assert_ne!(result.cluster_of[0], result.cluster_of[1]);
        assert_eq!(result.refusals.source_says_different, 1);
        // A and C: one agency, the same id → one person, though their dates disagree.
        let (data, model, _) = chain([Some((0, 1)), None, Some((0, 1))]);
        let result = cluster(&data, &model, &[], &options);
        assert_eq!(result.cluster_of[0], result.cluster_of[2]);
        assert_eq!(result.clusters, 2);
    }
}
