//! The engine against populations whose truth is known (`sightline_synth::people`): what EM
//! learns, a set with no duplicates, and whether accuracy holds as the population grows.
//!
//! The people sets are the project's realistic-name populations: many different people share
//! a common full name, so these are the conditions in which estimation can collapse.

use sightline_link::block::{self, Rule};
use sightline_link::compare::{NameMemo, gamma, gamma_memo, level_of};
use sightline_link::dataset::{Dataset, PersonInput};
use sightline_link::evaluate::evaluate;
use sightline_link::model::probability;
use sightline_link::{Options, Quiet, link};
use sightline_standard::dates::{DateFormat, parse_with};
use sightline_synth::people::{PeopleOptions, write_people};
use std::collections::HashMap;

/// A synthetic person set as a dataset, with each record's true person.
fn people(records: usize, seed: u64, first_record_only: bool) -> (Dataset, Vec<u32>) {
    let mut bytes = Vec::new();
    write_people(&mut bytes, &PeopleOptions { records, seed }).expect("written to memory");
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let headers = reader.headers().expect("a header").clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let at: HashMap<&str, usize> = [
        "record_id",
        "given_name",
        "family_name",
        "other_names",
        "date_of_birth",
        "sex",
        "postcode",
        "town",
        "nhs_number",
        "true_id",
    ]
    .into_iter()
    .map(|name| (name, column(name)))
    .collect();
    let mut data = Dataset::new(vec![]);
    let mut truth = Vec::new();
    let mut ids: HashMap<String, u32> = HashMap::new();
    for row in reader.records() {
        let row = row.expect("a row");
        let cell = |name: &str| row.get(at[name]).unwrap_or("");
        let next = ids.len() as u32;
        let true_id = cell("true_id").to_string();
        if first_record_only && ids.contains_key(&true_id) {
            continue;
        }
        truth.push(*ids.entry(true_id).or_insert(next));
        data.push(&PersonInput {
            id: cell("record_id"),
            given_name: cell("given_name"),
            family_name: cell("family_name"),
            other_names: cell("other_names"),
            birth: parse_with(cell("date_of_birth"), &DateFormat::DEFAULT),
            sex: cell("sex"),
            postcode: cell("postcode"),
            town: cell("town"),
            nhs_number: cell("nhs_number"),
            ..PersonInput::default()
        });
    }
    (data, truth)
}

/// m of every level as the truth has it: among all pairs of records of one person, the share
/// at each level of those compared on the field.
fn true_m(
    data: &Dataset,
    truth: &[u32],
    fields: &[sightline_link::compare::Field],
) -> Vec<Vec<(f64, f64)>> {
    let mut by_person: HashMap<u32, Vec<usize>> = HashMap::new();
    for (record, &person) in truth.iter().enumerate() {
        by_person.entry(person).or_default().push(record);
    }
    let mut counts: Vec<Vec<f64>> = fields.iter().map(|f| vec![0.0; f.levels().len()]).collect();
    for records in by_person.values() {
        for (i, &a) in records.iter().enumerate() {
            for &b in &records[i + 1..] {
                let g = gamma(data, fields, a, b);
                for (at, row) in counts.iter_mut().enumerate() {
                    let level = level_of(g, at);
                    if level > 0 {
                        row[usize::from(level) - 1] += 1.0;
                    }
                }
            }
        }
    }
    // (share within the level's group, pairs at the level)
    fields
        .iter()
        .zip(counts)
        .map(|(field, row)| {
            let mut out = vec![(0.0, 0.0); row.len()];
            for group in field.level_groups() {
                let total: f64 = group.iter().map(|&l| row[usize::from(l) - 1]).sum();
                for &l in &group {
                    let count = row[usize::from(l) - 1];
                    out[usize::from(l) - 1] = (count / total.max(1.0), count);
                }
            }
            out
        })
        .collect()
}

/// The scan's fast paths (name comparisons remembered, weights from the scorer's tables,
/// earlier rules' digests copied side by side) find exactly what comparing and weighing each
/// pair from scratch finds: the same comparison vector and the same weight, bit for bit, for
/// every blocked pair, and the same union of blocked pairs as asking every rule of every pair.
#[test]
fn fast_scoring_gives_what_scoring_from_scratch_gives() {
    let (data, _) = people(40_000, 5, false);
    let linked = link(&data, &Options::default(), &Quiet);
    let model = &linked.model;
    let fields = model.fields();
    let scorer = model.scorer(&data);
    let blocked = block::block(&data, &linked.rules_used, u64::MAX, &Quiet);
    assert!(
        blocked.pairs.len() > 50_000,
        "{} pairs",
        blocked.pairs.len()
    );
    let mut memo = NameMemo::default();
    let mut links = Vec::new();
    for &(a, b) in &blocked.pairs {
        let (a, b) = (a as usize, b as usize);
        let g = gamma(&data, &fields, a, b);
        // The memo answers from what it remembers of earlier pairs, and in either order.
        assert_eq!(
            gamma_memo(&data, &fields, a, b, &mut memo),
            g,
            "pair {a} {b}"
        );
        assert_eq!(
            gamma_memo(&data, &fields, b, a, &mut memo),
            gamma(&data, &fields, b, a)
        );
        let weight = model.weight(&data, a, g);
        assert_eq!(
            scorer.weight(a, g).to_bits(),
            weight.to_bits(),
            "pair {a} {b}"
        );
        if probability(weight) >= sightline_link::NEAR_MISS {
            links.push((a, b));
        }
    }
    assert_eq!(
        blocked.pairs.len() as u64,
        linked.pairs_scored,
        "the scan scores the union's pairs"
    );
    assert!(links.len() as u64 >= linked.links_above_threshold);
}

/// The union of the blocking rules, each pair once, is what asking every rule of every pair of
/// records gives.
#[test]
fn the_scanned_union_is_every_pair_some_rule_holds() {
    let (data, _) = people(1_500, 9, false);
    let rules = Rule::DEFAULT;
    let blocked = block::block(&data, &rules, u64::MAX, &Quiet);
    let key = |rule: Rule, r: usize| match rule.key(&data, r) {
        u64::MAX => None,
        key => Some(key & !block::PROBE_BIT),
    };
    let mut want = Vec::new();
    for a in 0..data.len() {
        for b in a + 1..data.len() {
            let held = rules.iter().any(|&rule| {
                key(rule, a).is_some_and(|k| key(rule, b) == Some(k))
                    && (!rule.probes_only() || rule.is_probe(&data, a) || rule.is_probe(&data, b))
            });
            if held {
                want.push((a as u32, b as u32));
            }
        }
    }
    let mut got = blocked.pairs.clone();
    got.sort_unstable();
    assert!(want.len() > 1_000, "{} pairs", want.len());
    assert_eq!(got, want);
}

#[test]
fn em_learns_the_m_the_truth_has() {
    let (data, truth) = people(60_000, 11, false);
    let linked = link(&data, &Options::default(), &Quiet);
    let model = &linked.model;
    let fields = model.fields();
    let truth_m = true_m(&data, &truth, &fields);
    let mut checked = 0;
    for (comparison, true_levels) in model.comparisons.iter().zip(&truth_m) {
        for (level, &(m_true, pairs)) in comparison.levels.iter().zip(true_levels) {
            // Levels the truth has enough of to say what m is.
            if pairs < 200.0 || m_true < 0.01 {
                continue;
            }
            let bits = (level.m / m_true).log2().abs();
            assert!(
                bits <= 1.0,
                "{} \"{}\": estimated m {:.4}, true m {:.4} ({bits:.2} bits apart; {pairs} true pairs)",
                comparison.name,
                level.label,
                level.m,
                m_true
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 12,
        "only {checked} levels had enough true pairs to check"
    );
}

#[test]
fn a_set_without_duplicates_stays_as_many_people_as_records() {
    // One record per person: households, twins and namesakes remain, matches do not.
    let (data, truth) = people(60_000, 12, true);
    assert!(truth.iter().enumerate().all(|(at, &t)| t as usize == at));
    let linked = link(&data, &Options::default(), &Quiet);
    let people = linked.clustering.clusters as f64;
    let records = data.len() as f64;
    assert!(
        (people - records).abs() <= 0.005 * records,
        "{people} people from {records} records, each a different person"
    );
    assert!(
        linked.model.expected_matches_per_record() < 0.05,
        "the prior expects {:.3} matches a record where there are none",
        linked.model.expected_matches_per_record()
    );
}

/// Accuracy must not fall as the population grows and common names are shared by more people.
/// Release builds only: a million records take a minute in an unoptimised build (run with
/// `cargo test --release -p sightline-link --test truth -- --ignored`).
#[test]
#[cfg_attr(debug_assertions, ignore)]
fn accuracy_holds_from_a_hundred_thousand_to_a_million() {
    let score = |records: usize| {
        let (data, truth) = people(records, 1, false);
        let linked = link(&data, &Options::default(), &Quiet);
        evaluate(&linked.clustering.cluster_of, &truth)
    };
    let small = score(100_000);
    let large = score(1_000_000);
    assert!(
        large.bcubed_f1 >= small.bcubed_f1 - 0.02,
        "B-cubed F1 {:.4} at 1,000,000 records against {:.4} at 100,000",
        large.bcubed_f1,
        small.bcubed_f1
    );
    assert!(
        large.bcubed_f1 >= 0.97,
        "B-cubed F1 {:.4} at 1,000,000",
        large.bcubed_f1
    );
}
