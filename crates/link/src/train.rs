//! How likely is each level among records of one person? m from training sessions.
//!
//! A session takes the pairs that one blocking rule finds — all of them, or a deterministic
//! sample when there are more than [`TrainingOptions::pairs_per_session`] — leaves out the
//! comparisons that rule decides (pairs blocked on a date of birth agree on it because of the
//! blocking, not because they are one person), and estimates m by expectation–maximisation with
//! u fixed from random pairs. Sessions are dense blocks (date of birth + postcode district;
//! name sounds + district; name sounds + birth year), where most pairs are one person: blocked
//! on a name alone, the pairs of a large population are mostly namesakes, and EM takes "same
//! name" for its match class.
//!
//! A session is refused, with its reason, when its result cannot be a model of matches: it found
//! no matches, it took nearly every pair for one, or its matches mostly disagree on an identity
//! field it estimated (a date of birth, a name, an NHS number). Each comparison's m is the mean
//! over the sessions that estimated it; the spread between sessions is kept. A comparison no
//! session estimated keeps the documented default of [`default_m`], and the model says so.

use crate::Progress;
use crate::block::{Rule, RuleBlocks};
use crate::compare::{Field, Gamma, gamma};
use crate::dataset::Dataset;
use crate::model::{self, Estimate};
use serde::{Deserialize, Serialize};

/// How to train.
#[derive(Debug, Clone)]
pub struct TrainingOptions {
    /// Dense sessions, whose estimates are averaged.
    pub rules: Vec<Rule>,
    /// Broader sessions, which estimate only what no dense session could.
    pub fallback: Vec<Rule>,
    /// At most this many pairs are compared in one session (a deterministic sample of its
    /// blocks' pairs beyond that).
    pub pairs_per_session: u64,
    /// A session with fewer pairs than this is skipped.
    pub min_pairs: u64,
    pub em_iterations: usize,
    pub seed: u64,
}

impl Default for TrainingOptions {
    fn default() -> Self {
        TrainingOptions {
            rules: Rule::TRAINING.to_vec(),
            fallback: Rule::TRAINING_FALLBACK.to_vec(),
            pairs_per_session: 4_000_000,
            min_pairs: 100,
            em_iterations: 50,
            seed: 42,
        }
    }
}

/// What one training session did.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    pub rule: String,
    /// Pairs in the rule's blocks.
    pub pairs: u64,
    /// Pairs compared (all, or a sample).
    pub compared: u64,
    /// EM's share of matches among the compared pairs.
    pub match_share: f64,
    pub iterations: usize,
    /// The comparisons it estimated.
    pub estimated: Vec<String>,
    /// Why its estimates were not used, when they were not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

/// Estimated m, with where each came from.
pub struct Trained {
    /// Per comparison, per level after the null level.
    pub m: Vec<Vec<f64>>,
    /// Per comparison, the sessions whose estimates were averaged (empty: the default).
    pub estimated_by: Vec<Vec<String>>,
    /// Per comparison, per level: the lowest and highest m among those sessions.
    pub spread: Vec<Vec<(f64, f64)>>,
    pub sessions: Vec<Session>,
    pub iterations: usize,
}

/// A session estimates a comparison only if its expected matches include at least this many
/// pairs compared on it (an identifier that few records have may appear in no matching pair).
pub const MIN_MATCHED: f64 = 30.0;

/// A field compared on fewer than this share of a session's expected matches is sparse there.
const SPARSE: f64 = 0.1;

/// Per comparison, the expected number of matching pairs compared on it (non-null level),
/// under the fitted m, u and share.
fn matched_per_field(
    patterns: &[(Gamma, f64)],
    m: &[Vec<f64>],
    u: &[Vec<f64>],
    active: &[bool],
    share: f64,
) -> Vec<f64> {
    let mut out = vec![0.0; m.len()];
    for &(g, count) in patterns {
        let (mut pm, mut pu) = (share, 1.0 - share);
        for at in (0..m.len()).filter(|&at| active[at]) {
            let level = crate::compare::level_of(g, at);
            if level > 0 {
                pm *= m[at][usize::from(level) - 1];
                pu *= u[at][usize::from(level) - 1];
            }
        }
        let p = if pm + pu > 0.0 { pm / (pm + pu) } else { 0.0 };
        for (at, slot) in out.iter_mut().enumerate() {
            if active[at] && crate::compare::level_of(g, at) > 0 {
                *slot += p * count;
            }
        }
    }
    out
}

/// Comparisons that say who someone is: a session whose matches mostly disagree on one of
/// these has found something other than matches.
fn is_identity(field: Field) -> bool {
    matches!(
        field,
        Field::GivenName
            | Field::FamilyName
            | Field::DateOfBirth
            | Field::NhsNumber
            | Field::Upn
            | Field::PncId
    )
}

/// Documented m for a comparison no session could estimate: what linkage of administrative
/// person records usually shows (most records of one person agree exactly; a few per cent
/// differ by a typo, a short form or a transposition; a few disagree outright). Each row sums
/// to one, level by level as [`Field::levels`] lists them.
pub fn default_m(field: Field) -> Vec<f64> {
    let row: &[f64] = match field {
        Field::GivenName => &[0.80, 0.01, 0.04, 0.05, 0.02, 0.03, 0.02, 0.03],
        Field::FamilyName => &[0.82, 0.01, 0.06, 0.02, 0.03, 0.02, 0.01, 0.03],
        Field::OtherNames => &[0.5, 0.1, 0.4],
        Field::DateOfBirth => &[0.80, 0.02, 0.04, 0.02, 0.03, 0.04, 0.03, 0.02],
        // Each of sex's level groups sums to one: [same, differ] given names differ, and
        // [same, differ] given names alike (see `Field::level_groups`).
        Field::Sex => &[0.97, 0.99, 0.01, 0.03],
        Field::Postcode => &[0.65, 0.03, 0.05, 0.07, 0.07, 0.13],
        Field::Town | Field::LocalAuthority | Field::Extra(_) => &[0.85, 0.05, 0.10],
        Field::IncidentLocalAuthority => &[0.8, 0.2],
        Field::NhsNumber | Field::Upn | Field::PncId => &[0.97, 0.03],
    };
    row.to_vec()
}

/// Whether a pair is in a session's sample: a hash of the pair against the sampling rate, so
/// the sample does not depend on the order pairs are visited in.
pub fn sampled(a: u32, b: u32, seed: u64, rate: f64) -> bool {
    if rate >= 1.0 {
        return true;
    }
    let mut x = (u64::from(a) << 32 | u64::from(b)) ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    // splitmix64's finaliser.
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    (x >> 11) as f64 / (1u64 << 53) as f64 <= rate
}

/// Why a session's estimates cannot be a model of matches, if they cannot.
fn refusal(
    fields: &[Field],
    names: &[String],
    active: &[bool],
    m: &[Vec<f64>],
    u: &[Vec<f64>],
    share: f64,
) -> Option<String> {
    if share < 1e-6 {
        return Some("it found no matches".to_string());
    }
    for (at, &field) in fields.iter().enumerate() {
        if !active[at] || !is_identity(field) {
            continue;
        }
        let (Some(&different), Some(&exact), Some(&u_exact)) =
            (m[at].last(), m[at].first(), u[at].first())
        else {
            continue;
        };
        if different > 0.5 {
            return Some(format!(
                "most of its matches differ on {} (m of \"different\" {different:.2}): it took pairs that merely share its blocking key for matches",
                names[at]
            ));
        }
        if exact < 2.0 * u_exact {
            return Some(format!(
                "exact agreement on {} weighs less than one bit in it (m {exact:.4}, u {u_exact:.4})",
                names[at]
            ));
        }
    }
    None
}

/// Trains m in sessions; see the module docs.
pub fn train(
    data: &Dataset,
    fields: &[Field],
    u: &[Vec<f64>],
    options: &TrainingOptions,
    progress: &dyn Progress,
) -> Trained {
    let names: Vec<String> = fields.iter().map(|f| f.name(data)).collect();
    let defaults: Vec<Vec<f64>> = fields.iter().map(|&f| default_m(f)).collect();
    let mut sums: Vec<Vec<f64>> = defaults.iter().map(|row| vec![0.0; row.len()]).collect();
    let mut lows: Vec<Vec<f64>> = defaults.iter().map(|row| vec![1.0; row.len()]).collect();
    let mut highs: Vec<Vec<f64>> = defaults.iter().map(|row| vec![0.0; row.len()]).collect();
    let mut estimated_by: Vec<Vec<String>> = vec![Vec::new(); fields.len()];
    let mut sessions = Vec::new();
    let mut iterations = 0;
    let tiers = options
        .rules
        .iter()
        .map(|&rule| (rule, false))
        .chain(options.fallback.iter().map(|&rule| (rule, true)));
    for (rule, fallback) in tiers {
        let blocked_on = rule.fields();
        // A fallback session estimates only what no dense session did.
        let active: Vec<bool> = fields
            .iter()
            .enumerate()
            .map(|(at, f)| !blocked_on.contains(f) && (!fallback || estimated_by[at].is_empty()))
            .collect();
        let estimated: Vec<String> = names
            .iter()
            .zip(&active)
            .filter(|&(_, &on)| on)
            .map(|(name, _)| name.clone())
            .collect();
        // Nothing left to learn that earlier sessions have not learnt well.
        if estimated.is_empty() {
            continue;
        }
        let blocks = RuleBlocks::new(data, rule);
        if blocks.pairs < options.min_pairs {
            sessions.push(Session {
                rule: rule.name().to_string(),
                pairs: blocks.pairs,
                compared: 0,
                match_share: 0.0,
                iterations: 0,
                estimated,
                refused: Some(format!(
                    "its blocks hold {} pairs, fewer than the {} a session needs",
                    blocks.pairs, options.min_pairs
                )),
            });
            continue;
        }
        let rate = options.pairs_per_session as f64 / blocks.pairs as f64;
        let seed = options.seed ^ rule.name().len() as u64;
        let (gammas, (), compared) = blocks.scan(
            data,
            None,
            |a, b| sampled(a, b, seed, rate),
            |a, b, _: &mut ()| Some(gamma(data, fields, a as usize, b as usize)),
            progress,
        );
        let patterns = model::count_patterns(&gammas);
        let (m, share, used) = model::expectation_maximisation(
            &patterns,
            fields,
            &defaults,
            u,
            &active,
            Estimate::MAndShare,
            options.em_iterations,
        );
        iterations += used;
        // A comparison that no matching pair in the session was compared on is not estimated
        // by it: its m here is only the starting value.
        let matched = matched_per_field(&patterns, &m, u, &active, share);
        let matches = share * gammas.len() as f64;
        // An identifier few matching pairs carry on both sides (an NHS number that only health
        // records hold) and that those pairs mostly disagree on is not a model of matches: the
        // pairs compared on it are the few non-matches the session holds (twins), so the field
        // is left to another session or its default, and the session's other estimates stand.
        let sparse_and_contrary = |at: usize| {
            is_identity(fields[at])
                && matched[at] < SPARSE * matches
                && m[at].last().is_some_and(|&different| different > 0.5)
        };
        let active: Vec<bool> = active
            .iter()
            .zip(&matched)
            .enumerate()
            .map(|(at, (&on, &count))| on && count >= MIN_MATCHED && !sparse_and_contrary(at))
            .collect();
        let estimated: Vec<String> = names
            .iter()
            .zip(&active)
            .filter(|&(_, &on)| on)
            .map(|(name, _)| name.clone())
            .collect();
        let refused = refusal(fields, &names, &active, &m, u, share);
        if refused.is_none() {
            for (at, row) in m.iter().enumerate().filter(|&(at, _)| active[at]) {
                estimated_by[at].push(rule.name().to_string());
                for (level, &value) in row.iter().enumerate() {
                    sums[at][level] += value;
                    lows[at][level] = lows[at][level].min(value);
                    highs[at][level] = highs[at][level].max(value);
                }
            }
        }
        sessions.push(Session {
            rule: rule.name().to_string(),
            pairs: blocks.pairs,
            compared,
            match_share: share,
            iterations: used,
            estimated,
            refused,
        });
    }
    let m: Vec<Vec<f64>> = (0..fields.len())
        .map(|at| match estimated_by[at].len() {
            0 => defaults[at].clone(),
            count => sums[at].iter().map(|s| s / count as f64).collect(),
        })
        .collect();
    let spread = (0..fields.len())
        .map(|at| {
            if estimated_by[at].is_empty() {
                m[at].iter().map(|&v| (v, v)).collect()
            } else {
                lows[at]
                    .iter()
                    .copied()
                    .zip(highs[at].iter().copied())
                    .collect()
            }
        })
        .collect();
    Trained {
        m,
        estimated_by,
        spread,
        sessions,
        iterations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_distributions_over_every_level() {
        let fields = [
            Field::GivenName,
            Field::FamilyName,
            Field::OtherNames,
            Field::DateOfBirth,
            Field::Sex,
            Field::Postcode,
            Field::Town,
            Field::LocalAuthority,
            Field::IncidentLocalAuthority,
            Field::NhsNumber,
            Field::Upn,
            Field::PncId,
            Field::Extra(0),
        ];
        for field in fields {
            let row = default_m(field);
            assert_eq!(row.len(), field.levels().len(), "{field:?}");
            for group in field.level_groups() {
                let total: f64 = group.iter().map(|&l| row[usize::from(l) - 1]).sum();
                assert!((total - 1.0).abs() < 1e-9, "{field:?} sums to {total}");
            }
        }
    }

    #[test]
    fn a_sample_is_a_fixed_share_of_pairs() {
        let kept = (0..100_000u32)
            .filter(|&a| sampled(a, a + 1, 7, 0.25))
            .count();
        assert!((24_000..26_000).contains(&kept), "{kept}");
        assert!(sampled(3, 4, 7, 1.0));
        assert_eq!(sampled(3, 4, 7, 0.5), sampled(3, 4, 7, 0.5));
    }

    #[test]
    fn a_session_whose_matches_disagree_on_identity_is_refused() {
        let fields = [Field::DateOfBirth, Field::Sex];
        let names = vec!["date_of_birth".to_string(), "sex".to_string()];
        let u = vec![default_m(Field::DateOfBirth), vec![0.5; 4]];
        let mut m = vec![vec![0.02; 8], vec![0.5; 4]];
        m[0][7] = 0.84;
        let why = refusal(&fields, &names, &[true, true], &m, &u, 0.4);
        assert!(why.is_some_and(|w| w.contains("date_of_birth")));
        let fine = vec![default_m(Field::DateOfBirth), vec![0.5; 4]];
        let u = vec![
            vec![0.001, 0.001, 0.001, 0.01, 0.05, 0.03, 0.05, 0.857],
            vec![0.5; 4],
        ];
        assert!(refusal(&fields, &names, &[true, true], &fine, &u, 0.1).is_none());
        assert!(refusal(&fields, &names, &[true, true], &fine, &u, 0.0).is_some());
    }
}
