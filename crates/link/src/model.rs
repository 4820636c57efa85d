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
use crate::dataset::{Dataset, Shares};
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
    /// The training sessions whose m were averaged; empty when m is the documented default
    /// ([`crate::train::default_m`]).
    #[serde(default)]
    pub m_estimated_by: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LevelModel {
    pub label: String,
    pub m: f64,
    pub u: f64,
    /// log2(m/u).
    pub weight: f64,
    pub term_frequency: bool,
    /// The lowest and highest m among the sessions that estimated it.
    #[serde(default)]
    pub m_range: Option<(f64, f64)>,
}

/// A fitted model.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Model {
    pub comparisons: Vec<ComparisonModel>,
    /// The probability that two records drawn at random are the same person.
    pub prior: f64,
    /// How the prior was reached.
    #[serde(default)]
    pub prior_source: String,
    /// The deterministic rules' counts behind the prior.
    #[serde(default)]
    pub prior_rules: Vec<crate::prior::RuleCount>,
    /// The records linked.
    #[serde(default)]
    pub records: usize,
    /// The share of matches among blocked pairs: the mean match probability of the pairs
    /// scored.
    pub blocked_match_share: f64,
    pub em_iterations: usize,
    pub u_sample_pairs: usize,
    /// The training sessions, including those refused and why.
    #[serde(default)]
    pub sessions: Vec<crate::train::Session>,
    /// What looks implausible in this model.
    #[serde(default)]
    pub warnings: Vec<String>,
    /// Where the given and family name comparisons are, found on first use.
    #[serde(skip)]
    names_at: std::sync::OnceLock<(Option<usize>, Option<usize>)>,
    /// log2 of every level's m, found on first use.
    #[serde(skip)]
    log_m: std::sync::OnceLock<Vec<Vec<f64>>>,
}

impl Model {
    /// How many other records the prior expects each record to share a person with.
    pub fn expected_matches_per_record(&self) -> f64 {
        self.prior * self.records.saturating_sub(1) as f64
    }

    pub fn fields(&self) -> Vec<Field> {
        self.comparisons.iter().map(|c| c.field).collect()
    }

    pub fn prior_weight(&self) -> f64 {
        (self.prior / (1.0 - self.prior)).log2()
    }

    /// The weight of one comparison's level in the comparison vector `gamma` of records `a`
    /// and `b` (term frequency applied).
    pub fn level_weight(&self, data: &Dataset, comparison: usize, gamma: Gamma, a: usize) -> f64 {
        let level = level_of(gamma, comparison);
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
            let row = &data.rows[a];
            let log_share = match (model.field, level) {
                (Field::GivenName, 1) => data.log_share(Shares::Given, row.given),
                (Field::GivenName, _) => data.log_share(Shares::Family, row.given),
                (Field::FamilyName, 1) => self.family_log_share(data, gamma, a),
                (Field::FamilyName, _) => data.log_share(Shares::Given, row.family),
                (Field::Postcode, _) => self.postcode_log_share(data, gamma, a),
                _ => None,
            };
            if let Some(log_share) = log_share {
                return self.log_m(comparison, usize::from(level) - 1) - log_share;
            }
        }
        entry.weight
    }

    /// log2 of a level's m (computed once for the model).
    fn log_m(&self, comparison: usize, level: usize) -> f64 {
        let table = self.log_m.get_or_init(|| {
            self.comparisons
                .iter()
                .map(|c| c.levels.iter().map(|l| l.m.log2()).collect())
                .collect()
        });
        table[comparison][level]
    }

    /// Where the given and family name comparisons are (found once).
    fn name_comparisons(&self) -> (Option<usize>, Option<usize>) {
        *self.names_at.get_or_init(|| {
            let at = |field| self.comparisons.iter().position(|c| c.field == field);
            (at(Field::GivenName), at(Field::FamilyName))
        })
    }

    /// The chance that another record shares `a`'s family name exactly. When the given names
    /// are the same too, the chance among other people with that given name: the given name
    /// has already been weighed, and full names are not independent draws of their parts
    /// ("Muhammad Khan" is far more common than "Muhammad" times "Khan"). Never below the
    /// family name's own share, so a full name rarer than its parts suggest earns nothing extra.
    fn family_log_share(&self, data: &Dataset, gamma: Gamma, a: usize) -> Option<f64> {
        let row = &data.rows[a];
        let own = data.log_share(Shares::Family, row.family)?;
        let given_exact = self
            .name_comparisons()
            .0
            .is_some_and(|at| level_of(gamma, at) == 1);
        if !given_exact {
            return Some(own);
        }
        match data.shared.family_share_within_given(row.given, row.family) {
            share if share > 0.0 => Some(own.max(share.log2())),
            _ => Some(own),
        }
    }

    /// The chance that another record shares `a`'s postcode exactly. When the family names are
    /// the same too, the chance among other people with that family name: a household shares both,
    /// so the address adds to the family name only what the family name does not already say.
    /// Never below the postcode's own share.
    fn postcode_log_share(&self, data: &Dataset, gamma: Gamma, a: usize) -> Option<f64> {
        let row = &data.rows[a];
        let own = data.log_share(Shares::Postcode, row.postcode)?;
        let family_exact = self
            .name_comparisons()
            .1
            .is_some_and(|at| level_of(gamma, at) == 1);
        if !family_exact {
            return Some(own);
        }
        match data
            .shared
            .postcode_share_within_family(row.family, row.postcode)
        {
            share if share > 0.0 => Some(own.max(share.log2())),
            _ => Some(own),
        }
    }

    /// The namesake guard: whether a pair's case rests on a full name that several people have,
    /// while nothing else is for it and its date of birth or address is against it. Such a
    /// pair is two people with one name until something besides the name says otherwise,
    /// however the weights add up.
    pub fn namesakes(&self, data: &Dataset, gamma: Gamma, a: usize) -> bool {
        let mut full_name = [false, false];
        let (mut for_it, mut against) = (0.0f64, false);
        for (at, comparison) in self.comparisons.iter().enumerate() {
            let level = level_of(gamma, at);
            match comparison.field {
                Field::GivenName => full_name[0] = level == 1,
                Field::FamilyName => full_name[1] = level == 1,
                Field::OtherNames | Field::Sex => {}
                field => {
                    let weight = self.level_weight(data, at, gamma, a);
                    if weight > 0.0 {
                        for_it += weight;
                    }
                    if weight < 0.0
                        && matches!(
                            field,
                            Field::DateOfBirth
                                | Field::Postcode
                                | Field::Town
                                | Field::LocalAuthority
                        )
                    {
                        against = true;
                    }
                }
            }
        }
        full_name == [true, true]
            && for_it <= 0.0
            && against
            && data
                .shared
                .people_with_full_name(data.rows[a].given, data.rows[a].family)
                > 1
    }

    /// The household guard: whether two records at one address with one family name, where
    /// several people of that name live, give given names that are nothing alike (not the
    /// same, a short form or a close spelling, and no alias says otherwise). Brothers, sisters,
    /// twins, a parent and a child: everything about a household agrees but who.
    pub fn household_members(&self, data: &Dataset, gamma: Gamma, a: usize) -> bool {
        // Only where the records themselves say that one person's records rarely carry
        // unrelated given names: where they often do (a set whose corruption replaces names),
        // the weights already know it and the guard would refuse one person's records.
        let replaced = self
            .name_comparisons()
            .0
            .and_then(|at| self.comparisons[at].levels.last())
            .map_or(1.0, |different| different.m);
        if replaced >= HOUSEHOLD_GUARD_MAX_REPLACED {
            return false;
        }
        let level = |field: Field| {
            self.comparisons
                .iter()
                .position(|c| c.field == field)
                .map(|at| level_of(gamma, at))
        };
        let given_different = level(Field::GivenName) == Some(8);
        let family_exact = level(Field::FamilyName) == Some(1);
        let address_exact = level(Field::Postcode) == Some(1);
        let alias = matches!(level(Field::OtherNames), Some(1 | 2));
        given_different
            && family_exact
            && address_exact
            && !alias
            && data
                .shared
                .is_household(data.rows[a].family, data.rows[a].postcode)
    }

    /// The total match weight (prior included) of a pair whose first record is `a` and whose
    /// comparison vector is `gamma` (term frequencies are those of `a`'s values, which an exact
    /// match shares with the other record).
    pub fn weight(&self, data: &Dataset, a: usize, gamma: Gamma) -> f64 {
        let mut total = self.prior_weight();
        for comparison in 0..self.comparisons.len() {
            total += self.level_weight(data, comparison, gamma, a);
        }
        total
    }
}

/// Which term-frequency share a comparison's levels take ([`Model::level_weight`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ShareKind {
    Given,
    Family,
    Postcode,
    None,
}

/// One record's term-frequency shares that most pairs need, or that depend on two of its
/// values (log2; NaN where the record has no such value), as [`Model::level_weight`] finds them
/// pair by pair with hash maps; the rarer shares of one value (swapped names, a postcode alone)
/// are read from the dataset's tables ([`Dataset::log_shares`]).
#[derive(Debug, Clone, Copy)]
struct RecordShares {
    /// The given name and the family name among their own (the shares most pairs need).
    given: f64,
    family: f64,
    /// The family name when the given names are the same too: within the given name, never
    /// below its own share.
    family_given_exact: f64,
    /// The postcode when the family names are the same too.
    postcode_family_exact: f64,
}

/// A model laid out for scoring many pairs of one dataset: every level's weight in one table
/// and every record's term-frequency shares found once, where [`Model::weight`] looks them up
/// (hash maps, logarithms) pair by pair. [`Scorer::weight`] is [`Model::weight`] bit for bit:
/// the same terms, added in the same order.
pub struct Scorer<'a> {
    data: &'a Dataset,
    prior_weight: f64,
    /// Per comparison, the weight of each level (level 0, missing, and levels past the
    /// comparison's last weigh nothing).
    weights: Vec<[f64; 16]>,
    /// Per comparison, log2 of each level's m, for the levels that take a term frequency.
    log_m: Vec<[f64; 16]>,
    /// Per comparison, bit L set when level L takes a term-frequency share.
    term_frequency: Vec<u16>,
    kinds: Vec<ShareKind>,
    given_at: Option<usize>,
    family_at: Option<usize>,
    /// log2 of each value's share among given names, family names and postcodes, by id (NaN
    /// for none).
    given_shares: &'a [f64],
    family_shares: &'a [f64],
    postcode_shares: &'a [f64],
    /// Per record (empty when no level takes a term frequency).
    shares: Vec<RecordShares>,
}

impl Model {
    /// The model laid out for scoring pairs of `data` ([`Scorer`]).
    pub fn scorer<'a>(&self, data: &'a Dataset) -> Scorer<'a> {
        use rayon::prelude::*;
        let (given_at, family_at) = self.name_comparisons();
        let mut weights = Vec::new();
        let mut log_m = Vec::new();
        let mut term_frequency = Vec::new();
        let mut kinds = Vec::new();
        for comparison in &self.comparisons {
            let (mut w, mut lm, mut tf) = ([0.0; 16], [0.0; 16], 0u16);
            for (at, entry) in comparison.levels.iter().enumerate().take(15) {
                w[at + 1] = entry.weight;
                if entry.term_frequency {
                    tf |= 1 << (at + 1);
                    lm[at + 1] = entry.m.log2();
                }
            }
            weights.push(w);
            log_m.push(lm);
            term_frequency.push(tf);
            kinds.push(match comparison.field {
                Field::GivenName => ShareKind::Given,
                Field::FamilyName => ShareKind::Family,
                Field::Postcode => ShareKind::Postcode,
                _ => ShareKind::None,
            });
        }
        let shares = if term_frequency.iter().any(|&tf| tf != 0) {
            (0..data.len())
                .into_par_iter()
                .map(|r| {
                    let row = &data.rows[r];
                    let conditional = |own: Option<f64>, share: f64| match own {
                        Some(own) if share > 0.0 => own.max(share.log2()),
                        Some(own) => own,
                        None => f64::NAN,
                    };
                    let nan = |share: Option<f64>| share.unwrap_or(f64::NAN);
                    RecordShares {
                        given: nan(data.log_share(Shares::Given, row.given)),
                        family: nan(data.log_share(Shares::Family, row.family)),
                        family_given_exact: conditional(
                            data.log_share(Shares::Family, row.family),
                            data.shared.family_share_within_given(row.given, row.family),
                        ),
                        postcode_family_exact: conditional(
                            data.log_share(Shares::Postcode, row.postcode),
                            data.shared
                                .postcode_share_within_family(row.family, row.postcode),
                        ),
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        Scorer {
            data,
            given_shares: data.log_shares(Shares::Given),
            family_shares: data.log_shares(Shares::Family),
            postcode_shares: data.log_shares(Shares::Postcode),
            prior_weight: self.prior_weight(),
            weights,
            log_m,
            term_frequency,
            kinds,
            given_at,
            family_at,
            shares,
        }
    }
}

impl Scorer<'_> {
    /// [`Model::weight`] of the pair whose first record is `a` and whose comparison vector is
    /// `gamma`.
    pub fn weight(&self, a: usize, gamma: Gamma) -> f64 {
        let mut total = self.prior_weight;
        for (at, weights) in self.weights.iter().enumerate() {
            let level = level_of(gamma, at) as usize;
            let weight = if self.term_frequency[at] >> level & 1 != 0 {
                let exact = |at: Option<usize>| at.is_some_and(|at| level_of(gamma, at) == 1);
                let row = &self.data.rows[a];
                let of =
                    |table: &[f64], id: u32| table.get(id as usize).copied().unwrap_or(f64::NAN);
                let share = match (self.kinds[at], level) {
                    (ShareKind::Given, 1) => self.shares[a].given,
                    (ShareKind::Given, _) => of(self.family_shares, row.given),
                    (ShareKind::Family, 1) if exact(self.given_at) => {
                        self.shares[a].family_given_exact
                    }
                    (ShareKind::Family, 1) => self.shares[a].family,
                    (ShareKind::Family, _) => of(self.given_shares, row.family),
                    (ShareKind::Postcode, _) if exact(self.family_at) => {
                        self.shares[a].postcode_family_exact
                    }
                    (ShareKind::Postcode, _) => of(self.postcode_shares, row.postcode),
                    (ShareKind::None, _) => f64::NAN,
                };
                if share.is_nan() {
                    weights[level]
                } else {
                    self.log_m[at][level] - share
                }
            } else {
                weights[level]
            };
            total += weight;
        }
        total
    }

    /// Reads what [`Scorer::weight`] reads of record `a` (so that it is in cache when many
    /// pairs of `a` are scored); the value means nothing.
    pub fn warm(&self, a: usize) -> u64 {
        self.shares
            .get(a)
            .map_or(0, |shares| shares.family_given_exact.to_bits())
    }

    /// The dataset the scorer was laid out for.
    pub fn data(&self) -> &Dataset {
        self.data
    }
}

/// A match weight as a probability.
pub fn probability(weight: f64) -> f64 {
    1.0 / (1.0 + (-weight).exp2())
}

/// Counts of each comparison's levels over `pairs` random pairs of distinct records: of all
/// records, or of the records in `among` (records that have a field that most lack).
pub fn count_levels(
    data: &Dataset,
    fields: &[Field],
    pairs: usize,
    seed: u64,
    among: Option<&[u32]>,
) -> Vec<Vec<f64>> {
    let mut counts: Vec<Vec<f64>> = fields.iter().map(|f| vec![0.0; f.levels().len()]).collect();
    let n = among.map_or(data.len(), <[u32]>::len);
    if n >= 2 {
        let record = |at: usize| among.map_or(at, |list| list[at] as usize);
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x755A_4D50_4C45);
        for _ in 0..pairs {
            let a = rng.random_range(0..n);
            let mut b = rng.random_range(0..n - 1);
            if b >= a {
                b += 1;
            }
            let g = gamma(data, fields, record(a), record(b));
            for (at, row) in counts.iter_mut().enumerate() {
                let level = level_of(g, at);
                if level > 0 {
                    row[usize::from(level) - 1] += 1.0;
                }
            }
        }
    }
    counts
}

/// Counts per level as probabilities, within each of the comparison's level groups
/// ([`Field::level_groups`]), with a pseudo-count on every level.
pub fn normalise(field: Field, counts: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; counts.len()];
    for group in field.level_groups() {
        let at = |level: &u8| usize::from(*level) - 1;
        let total: f64 = group
            .iter()
            .map(|l| counts.get(at(l)).copied().unwrap_or(0.0) + PSEUDO_COUNT)
            .sum();
        for level in &group {
            if let Some(slot) = out.get_mut(at(level)) {
                *slot = (counts[at(level)] + PSEUDO_COUNT) / total;
            }
        }
    }
    out
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
    fields: &[Field],
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
                let row = normalise(fields[at], &m_counts[at]);
                for (new, old) in row.iter().zip(&m[at]) {
                    change = change.max((new - old).abs());
                }
                m[at] = row;
            }
        }
        if estimate == Estimate::Everything {
            for at in (0..comparisons).filter(|&at| active[at]) {
                u[at] = normalise(fields[at], &u_counts[at]);
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
#[derive(Debug, Clone, Default)]
pub struct Estimates {
    pub prior: f64,
    pub prior_source: String,
    pub prior_rules: Vec<crate::prior::RuleCount>,
    pub blocked_match_share: f64,
    pub em_iterations: usize,
    pub u_sample_pairs: usize,
    pub sessions: Vec<crate::train::Session>,
    /// Per comparison: the sessions that estimated its m (empty: the default).
    pub m_estimated_by: Vec<Vec<String>>,
    /// Per comparison and level: the lowest and highest m among those sessions.
    pub m_spread: Vec<Vec<(f64, f64)>>,
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
        .map(|(at, &field)| {
            let estimated_by = estimates
                .m_estimated_by
                .get(at)
                .cloned()
                .unwrap_or_default();
            ComparisonModel {
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
                            m_range: estimates
                                .m_spread
                                .get(at)
                                .and_then(|row| row.get(level))
                                .copied()
                                .filter(|_| estimated_by.len() > 1),
                        }
                    })
                    .collect(),
                m_estimated_by: estimated_by,
            }
        })
        .collect();
    let mut model = Model {
        comparisons,
        prior: estimates.prior.clamp(1e-15, 0.5),
        prior_source: estimates.prior_source,
        prior_rules: estimates.prior_rules,
        records: data.len(),
        blocked_match_share: estimates.blocked_match_share,
        em_iterations: estimates.em_iterations,
        u_sample_pairs: estimates.u_sample_pairs,
        sessions: estimates.sessions,
        warnings: Vec::new(),
        names_at: std::sync::OnceLock::new(),
        log_m: std::sync::OnceLock::new(),
    };
    model.warnings = warnings(&model);
    model
}

/// The household guard stands only where fewer than this share of one person's record pairs
/// carry unrelated given names (m of "different" for the given name).
pub const HOUSEHOLD_GUARD_MAX_REPLACED: f64 = 0.05;

/// Weights of "different" on these comparisons should be well below zero: two records of one
/// person rarely disagree on them.
const STRONG_DISAGREEMENT: [Field; 4] = [
    Field::DateOfBirth,
    Field::NhsNumber,
    Field::Upn,
    Field::PncId,
];

/// What looks implausible in a model: each a sentence saying what and why it matters.
pub fn warnings(model: &Model) -> Vec<String> {
    let mut out = Vec::new();
    let expected = model.expected_matches_per_record();
    if expected > crate::prior::PLAUSIBLE_MATCHES_PER_RECORD {
        out.push(format!(
            "the prior expects each record to share a person with {expected:.1} others: implausible for person records; links will be too easy"
        ));
    }
    for comparison in &model.comparisons {
        let (Some(first), Some(last)) = (comparison.levels.first(), comparison.levels.last())
        else {
            continue;
        };
        if STRONG_DISAGREEMENT.contains(&comparison.field) && last.weight > -2.0 {
            out.push(format!(
                "{} \"{}\" weighs only {:+.2} bits (m {:.4}, u {:.4}): records that disagree on it are barely kept apart",
                comparison.name, last.label, last.weight, last.m, last.u
            ));
        }
        if matches!(
            comparison.field,
            Field::GivenName | Field::FamilyName | Field::DateOfBirth
        ) && first.weight < 2.0
        {
            out.push(format!(
                "{} \"{}\" weighs only {:+.2} bits: agreement on it is barely evidence",
                comparison.name, first.label, first.weight
            ));
        }
    }
    for session in model.sessions.iter().filter(|s| s.refused.is_some()) {
        if let Some(why) = &session.refused {
            out.push(format!(
                "training session \"{}\" was not used: {why}",
                session.rule
            ));
        }
    }
    out
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
            &fields,
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
        let normal = normalise(Field::NhsNumber, &[3.0, 1.0]);
        assert!((normal[0] - 3.5 / 5.0).abs() < 1e-12);
        // Sex: levels 1 and 4 (given names differ) and 2 and 3 (alike) are each a distribution.
        let sex = normalise(Field::Sex, &[9.5, 99.5, 0.5, 0.5]);
        assert!((sex[0] - 10.0 / 11.0).abs() < 1e-12 && (sex[3] - 1.0 / 11.0).abs() < 1e-12);
        assert!((sex[1] - 100.0 / 101.0).abs() < 1e-12);
    }
}
