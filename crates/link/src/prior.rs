//! How many pairs of records are one person? The prior, from deterministic rules.
//!
//! A deterministic rule is a set of fields on which two records agree exactly (full name and
//! full date of birth; an NHS number; full name and full postcode). Pairs that agree on one are
//! counted from the sizes of their groups, never listed. Most are one person; the rest are
//! coincidences, estimated as the pairs agreeing on all but one part times the chance that two
//! random records agree on that part (the smaller such product, since both count true matches
//! too). A rule finds only some matches: its recall is the chance that both records of a match
//! have every field of the rule times m of "exact" on each field (as training found it). For
//! the rules on names, the chance both have the fields is the share of records that have them,
//! squared; for an identifier, which one person's records tend to have or lack together
//! (health records carry NHS numbers), it is the share among pairs agreeing on full name and
//! date of birth, which are mostly one person. So each rule implies a number of matching pairs,
//! (agreeing − coincidences) / recall. This does not depend on which pairs blocking produced,
//! and it cannot run away the way EM's share of matches among blocked pairs can when blocks are
//! full of namesakes.
//!
//! The estimate is the median over the rules whose recall is at least [`MIN_RECALL`] — the rules
//! on names when any can be counted, since an identifier's recall depends on which kinds of
//! agency record it. A rule with no agreeing pairs beyond chance says there are next to no
//! matches, and is believed (a set with no duplicates). The prior is that number, at least one
//! pair, over all pairs; EM's share among a sample of blocked pairs is used only when no rule
//! can be counted at all.

use crate::compare::Field;
use crate::dataset::{Dataset, NONE};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// A rule whose recall is below this says too little about matches for its count to be used
/// (an identifier few records have).
pub const MIN_RECALL: f64 = 0.01;

/// More expected matches per record than this is implausible for person records: the model
/// says so in a warning.
pub const PLAUSIBLE_MATCHES_PER_RECORD: f64 = 20.0;

/// One deterministic rule's count.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RuleCount {
    pub rule: String,
    /// Pairs agreeing exactly on every field of the rule.
    pub agreeing: u64,
    /// Of those, expected coincidences (different people).
    pub coincidences: f64,
    /// The chance that a matching pair agrees on the rule.
    pub recall: f64,
    /// Matching pairs the rule implies.
    pub implied_matches: f64,
    pub used: bool,
}

/// The prior, and how it was reached.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PriorEstimate {
    pub rules: Vec<RuleCount>,
    /// Estimated pairs of records that are one person (None: no rule could say).
    pub matches: Option<f64>,
}

/// Pairs within groups of equal keys (records without a key left out), counted by sorting
/// the keys (in parallel) and summing each run's pairs.
fn agreeing_pairs<K: Ord + Send>(keys: impl Iterator<Item = Option<K>>) -> u64 {
    let mut keys: Vec<K> = keys.flatten().collect();
    keys.par_sort_unstable();
    let mut pairs = 0u64;
    let mut run = 0u64;
    for (at, key) in keys.iter().enumerate() {
        run = if at > 0 && keys[at - 1] == *key {
            run + 1
        } else {
            1
        };
        // The run's k-th member pairs with the k - 1 before it.
        pairs += run - 1;
    }
    pairs
}

/// The most parts a deterministic rule has.
const MAX_PARTS: usize = 2;

/// A record's values of `parts` but the one at `left_out` (none when it is past the end), as
/// one key; None when a part is missing.
fn parts_key(
    data: &Dataset,
    parts: &[Part],
    left_out: usize,
    r: usize,
) -> Option<[u64; MAX_PARTS]> {
    let mut key = [0; MAX_PARTS];
    for (at, part) in parts.iter().enumerate() {
        if at != left_out {
            key[at] = part.key(data, r)?;
        }
    }
    Some(key)
}

/// The parts a deterministic rule is made of.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    FullName,
    BirthDate,
    Postcode,
    NhsNumber,
    Upn,
    PncId,
}

impl Part {
    /// The record's value of this part, as one number (None when missing).
    fn key(self, data: &Dataset, r: usize) -> Option<u64> {
        let id = |v: u32| (v != NONE).then_some(u64::from(v));
        match self {
            Part::FullName => (data.rows[r].given != NONE && data.rows[r].family != NONE)
                .then(|| u64::from(data.rows[r].given) << 32 | u64::from(data.rows[r].family)),
            Part::BirthDate => {
                let b = data.rows[r].birth;
                (b.year != 0 && b.month != 0 && b.day != 0)
                    .then(|| u64::from(b.year) << 16 | u64::from(b.month) << 8 | u64::from(b.day))
            }
            Part::Postcode => id(data.rows[r].postcode).filter(|_| data.rows[r].district != NONE),
            Part::NhsNumber => id(data.rows[r].nhs_number),
            Part::Upn => id(data.rows[r].upn),
            Part::PncId => id(data.rows[r].pnc_id),
        }
    }

    /// The comparisons whose "exact" level this part is.
    fn fields(self) -> &'static [Field] {
        match self {
            Part::FullName => &[Field::GivenName, Field::FamilyName],
            Part::BirthDate => &[Field::DateOfBirth],
            Part::Postcode => &[Field::Postcode],
            Part::NhsNumber => &[Field::NhsNumber],
            Part::Upn => &[Field::Upn],
            Part::PncId => &[Field::PncId],
        }
    }
}

const RULES: [(&str, &[Part]); 5] = [
    (
        "full name + date of birth",
        &[Part::FullName, Part::BirthDate],
    ),
    ("full name + postcode", &[Part::FullName, Part::Postcode]),
    ("NHS number", &[Part::NhsNumber]),
    ("UPN", &[Part::Upn]),
    ("PNC id", &[Part::PncId]),
];

/// Among pairs of records that agree on full name and date of birth (mostly one person), the
/// share in which both records have every field of `parts` (None without such pairs).
fn present_among_reference(data: &Dataset, parts: &[Part]) -> Option<f64> {
    // (full name, date of birth, whether the record has every part), sorted: each run of
    // one name and date is a group.
    let mut records: Vec<(u64, u64, bool)> = (0..data.len())
        .filter_map(|r| {
            let name = Part::FullName.key(data, r)?;
            let date = Part::BirthDate.key(data, r)?;
            Some((name, date, parts.iter().all(|p| p.key(data, r).is_some())))
        })
        .collect();
    records.par_sort_unstable();
    let (mut all, mut both) = (0u64, 0u64);
    let mut start = 0;
    while start < records.len() {
        let group = (records[start].0, records[start].1);
        let end = start
            + records[start..]
                .iter()
                .take_while(|x| (x.0, x.1) == group)
                .count();
        let k = (end - start) as u64;
        let with = records[start..end].iter().filter(|x| x.2).count() as u64;
        all += k * (k - 1) / 2;
        both += with * with.saturating_sub(1) / 2;
        start = end;
    }
    (all > 0).then(|| both as f64 / all as f64)
}

/// Estimates the number of matching pairs; `m` is per comparison of `fields`.
pub fn estimate(data: &Dataset, fields: &[Field], m: &[Vec<f64>]) -> PriorEstimate {
    let n = data.len();
    let all_pairs = (n as f64) * (n as f64 - 1.0) / 2.0;
    let exact_m = |field: Field| {
        fields
            .iter()
            .position(|&f| f == field)
            .and_then(|at| m.get(at))
            .and_then(|row| row.first().copied())
    };
    let mut single: FxHashMap<u8, u64> = FxHashMap::default();
    let mut single_pairs = |part: Part| -> u64 {
        *single
            .entry(part as u8)
            .or_insert_with(|| agreeing_pairs((0..n).map(|r| part.key(data, r))))
    };
    let mut rules = Vec::new();
    for (name, parts) in RULES {
        let Some(m_product) = parts
            .iter()
            .flat_map(|p| p.fields())
            .map(|&f| exact_m(f))
            .try_fold(1.0, |product, m| m.map(|m| product * m))
        else {
            continue;
        };
        debug_assert!(parts.len() <= MAX_PARTS);
        let keys = |r: usize| parts_key(data, parts, MAX_PARTS, r);
        let with_all = (0..n).filter(|&r| keys(r).is_some()).count();
        if with_all < 2 {
            continue;
        }
        let agreeing = agreeing_pairs((0..n).map(keys));
        // Coincidences: pairs agreeing on every part but one, times the chance that two random
        // records agree on that one; the smallest such product.
        let coincidences = if parts.len() < 2 {
            0.0
        } else {
            (0..parts.len())
                .map(|left_out| {
                    let others =
                        agreeing_pairs((0..n).map(|r| parts_key(data, parts, left_out, r)));
                    others as f64 * single_pairs(parts[left_out]) as f64 / all_pairs
                })
                .fold(f64::INFINITY, f64::min)
        };
        // The chance that both records of a match have the rule's fields. For a rule on the
        // fields most records have, the share of records with them, squared. For an
        // identifier (which records from some kinds of agency have and others lack, so that
        // one person's records tend to have it or not together), the share among pairs that
        // agree on full name and date of birth, which are mostly matches.
        let share = with_all as f64 / n as f64;
        let both_present = if parts.contains(&Part::FullName) {
            share * share
        } else {
            present_among_reference(data, parts).unwrap_or(share * share)
        };
        let recall = both_present * m_product;
        let beyond = (agreeing as f64 - coincidences).max(0.0);
        rules.push(RuleCount {
            rule: name.to_string(),
            agreeing,
            coincidences,
            recall,
            implied_matches: if recall > 0.0 { beyond / recall } else { 0.0 },
            // Few agreeing pairs is an answer too: a set with no duplicates has none.
            used: recall >= MIN_RECALL,
        });
    }
    // An identifier's recall depends on which kinds of agency record it, which the data only
    // hints at: identifier rules count only when no rule on names can be.
    let on_names = |rule: &RuleCount| rule.rule.starts_with("full name");
    if rules.iter().any(|r| r.used && on_names(r)) {
        for rule in rules.iter_mut().filter(|r| !on_names(r)) {
            rule.used = false;
        }
    }
    let mut implied: Vec<f64> = rules
        .iter()
        .filter(|r| r.used)
        .map(|r| r.implied_matches)
        .collect();
    implied.sort_by(f64::total_cmp);
    let matches = match implied.len() {
        0 => None,
        len if len % 2 == 1 => Some(implied[len / 2]),
        len => Some((implied[len / 2 - 1] * implied[len / 2]).sqrt()),
    };
    PriorEstimate { rules, matches }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::PersonInput;
    use sightline_standard::dates::PartialDate;

    #[test]
    fn every_rule_fits_a_key() {
        assert!(RULES.iter().all(|(_, parts)| parts.len() <= MAX_PARTS));
    }

    #[test]
    fn pairs_are_counted_from_group_sizes() {
        let keys = [
            Some(1),
            Some(1),
            Some(1),
            Some(2),
            Some(2),
            None,
            None,
            Some(3),
        ];
        assert_eq!(agreeing_pairs(keys.into_iter()), 3 + 1);
    }

    #[test]
    fn each_rule_implies_matches_through_its_recall() {
        // 30 people with two records each, every field agreeing; 40 people with one.
        let mut data = Dataset::new(vec![]);
        let given = ["Ann", "Bob", "Cara", "Dev", "Eve", "Fay"];
        let family = ["Lee", "Khan", "Nowak", "Smith", "Okafor"];
        for person in 0..70u32 {
            let copies = if person < 30 { 2 } else { 1 };
            for _ in 0..copies {
                data.push(&PersonInput {
                    id: "r",
                    given_name: given[person as usize % 6],
                    family_name: family[person as usize / 6 % 5],
                    birth: PartialDate::full(
                        1990 + (person / 30) as i32,
                        1 + (person % 12) as u8,
                        1 + (person % 28) as u8,
                    ),
                    ..PersonInput::default()
                });
            }
        }
        let fields = [Field::GivenName, Field::FamilyName, Field::DateOfBirth];
        let m = vec![vec![1.0], vec![1.0], vec![1.0]];
        let estimate = estimate(&data, &fields, &m);
        let rule = &estimate.rules[0];
        assert_eq!(rule.rule, "full name + date of birth");
        assert_eq!(rule.agreeing, 30);
        assert!((rule.recall - 1.0).abs() < 1e-12);
        // With m of 0.5 for the date, the same count implies twice the matches.
        let half = super::estimate(&data, &fields, &[vec![1.0], vec![1.0], vec![0.5]]);
        assert!(half.rules[0].implied_matches > 1.9 * rule.implied_matches);
        assert_eq!(estimate.matches, Some(rule.implied_matches));
    }
}
