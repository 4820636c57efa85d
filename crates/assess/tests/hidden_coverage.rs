//! Does the estimate's 95% interval contain the true number of victims often enough?
//!
//! Synthetic worlds (`sightline-synth`) at several seeds, with the synth model's own lists:
//! who each returning agency records as a victim (`returns::victims_recorded`: police forces
//! know the victims of their incidents, children's services know fewer of the victims no
//! police force knows, health bodies and charities know victims in their patch), against the
//! world's every victim, known to an agency or not. No files and no linkage: this measures the
//! estimation on the synth model's capture process with list dependence, not linkage error
//! (the full pipeline's coverage is in BENCHMARKS.md, measured by `full_pipeline` below).

use sightline_assess::hidden::{Version, estimate, type_bit};
use sightline_synth::world::{Role, World};

/// Each victim's capture history over kinds of agency, and the true number of victims.
fn lists(scale: f64, seed: u64) -> (Vec<u32>, u64) {
    let world = World::generate(scale, seed);
    let recorded = sightline_synth::returns::victims_recorded(&world, seed);
    let mut histories: Vec<u32> = Vec::new();
    let mut last = None;
    for (id, kind) in recorded {
        let bit = type_bit(kind.code());
        if last == Some(id) {
            if let Some(h) = histories.last_mut() {
                *h |= bit;
            }
        } else {
            histories.push(bit);
            last = Some(id);
        }
    }
    let truth = world
        .persons
        .iter()
        .filter(|p| p.role == Role::Victim)
        .count() as u64;
    (histories, truth)
}

#[test]
fn the_interval_contains_the_true_number_of_victims_in_nine_worlds_of_ten() {
    let seeds = 1..=24u64;
    let mut covered = 0;
    let mut errors = Vec::new();
    for seed in seeds.clone() {
        let (histories, truth) = lists(0.5, seed);
        let known = histories.len() as u64;
        assert!(
            known < truth,
            "seed {seed}: some victims are known to no agency"
        );
        let version = Version {
            label: "as linked".to_string(),
            histories,
        };
        let figure = estimate(&[version], known, 1);
        let (Some(point), Some([low, high])) = (figure.estimate, figure.ci95) else {
            panic!("seed {seed}: no estimate: {:?}", figure.refusal);
        };
        let truth = truth as f64;
        if low <= truth && truth <= high {
            covered += 1;
        }
        errors.push((point - truth).abs() / truth);
        println!(
            "seed {seed}: truth {truth}, known {known}, estimate {point:.0} ({low:.0}–{high:.0})"
        );
    }
    errors.sort_by(f64::total_cmp);
    let n = seeds.count();
    println!(
        "coverage {covered}/{n}, median relative error {:.3}",
        errors[n / 2]
    );
    assert!(covered * 10 >= n * 9, "coverage {covered}/{n} below 90%");
}
