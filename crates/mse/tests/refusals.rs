//! Each way the overlaps can fail to identify a total gives a refusal with its reason, not a
//! number and not an error.

use sightline_mse::{CaptureTable, Options, RefusalReason, estimate, estimate_models};

fn table(names: &[&str], histories: &[(u32, u64)]) -> CaptureTable {
    CaptureTable::from_histories(names.iter().map(|s| s.to_string()).collect(), histories)
        .expect("valid table")
}

fn refusal(t: &CaptureTable) -> (RefusalReason, String) {
    let outcome = estimate(t, &Options::default()).expect("runs");
    let r = outcome.refused().expect("refused");
    (r.reason.clone(), r.message.clone())
}

#[test]
fn one_list_with_people_is_refused() {
    let (reason, message) = refusal(&table(&["A", "B", "C"], &[(1, 500)]));
    assert_eq!(
        reason,
        RefusalReason::TooFewLists {
            lists_with_people: 1
        }
    );
    assert!(message.contains("at least two lists"), "{message}");
}

#[test]
fn too_few_people_is_refused() {
    let (reason, message) = refusal(&table(&["A", "B"], &[(1, 10), (2, 8), (3, 4)]));
    assert_eq!(
        reason,
        RefusalReason::TooFewPeople {
            observed: 22,
            minimum: 30
        }
    );
    assert!(message.contains("Only 22 people"), "{message}");
}

#[test]
fn no_overlap_is_refused() {
    let (reason, message) = refusal(&table(&["A", "B", "C"], &[(1, 100), (2, 80), (4, 60)]));
    assert_eq!(reason, RefusalReason::NoOverlap);
    assert!(
        message.contains("Nobody was found on more than one list"),
        "{message}"
    );
}

#[test]
fn a_list_inside_another_is_refused_in_words() {
    // Everyone on C is also on A.
    let t = table(
        &["police", "health", "charity"],
        &[(1, 200), (2, 150), (3, 40), (5, 25), (7, 5)],
    );
    let (reason, message) = refusal(&t);
    assert_eq!(
        reason,
        RefusalReason::ListContainsAnother {
            inner: "charity".into(),
            outer: "police".into(),
            inner_size: 30
        }
    );
    assert!(
        message.contains("Every one of the 30 people on list 'charity' is also on list 'police'"),
        "{message}"
    );
    assert!(message.contains("merge"), "{message}");
}

#[test]
fn identical_lists_are_refused() {
    let t = table(&["A", "B", "C"], &[(3, 50), (4, 80), (7, 10)]);
    let (reason, message) = refusal(&t);
    assert!(matches!(reason, RefusalReason::ListContainsAnother { .. }));
    assert!(message.contains("exactly the same 60 people"), "{message}");
}

#[test]
fn too_little_overlap_is_refused() {
    let t = table(
        &["A", "B", "C"],
        &[(1, 100), (2, 80), (4, 60), (3, 2), (6, 3)],
    );
    let (reason, _) = refusal(&t);
    assert_eq!(
        reason,
        RefusalReason::TooLittleOverlap {
            on_several_lists: 5,
            minimum: 7
        }
    );
}

/// SparseMSE's Artificial_3 pattern (Chan, Silverman and Vincent 2019, Table 2), scaled so
/// that screening passes: C shares nobody with A or B. With the A×B interaction the linear
/// program finds no finite MLE; A×C has an empty overlap. Given only those models, there is
/// no estimate.
#[test]
fn every_model_excluded_is_refused() {
    let t = table(&["A", "B", "C"], &[(1, 40), (2, 30), (4, 20), (3, 12)]);
    let outcome =
        estimate_models(&t, &[vec![0b011], vec![0b101]], &Options::default()).expect("runs");
    let r = outcome.refused().expect("refused");
    assert_eq!(r.reason, RefusalReason::NoUsableModel { models_tried: 2 });
    assert!(r.message.contains("None of the 2 models"), "{}", r.message);
    // The full search still has the main-effects model.
    let outcome = estimate(&t, &Options::default()).expect("runs");
    let e = outcome.estimated().expect("main effects model");
    assert_eq!(e.search.excluded_no_finite_mle, 1);
    assert_eq!(e.excluded_models[0].interactions, vec!["A & B".to_string()]);
    assert!(e.excluded_models[0].reason.contains("infinity"));
    assert!(
        e.notes
            .iter()
            .any(|n| n.starts_with("Nobody on list 'C' is on any other list")),
        "{:?}",
        e.notes
    );
}

#[test]
fn lists_with_nobody_are_left_out_and_said_so() {
    let t = table(&["A", "B", "empty"], &[(1, 100), (2, 80), (3, 30)]);
    let outcome = estimate(&t, &Options::default()).expect("runs");
    let e = outcome
        .estimated()
        .expect("estimated from the two lists with people");
    assert_eq!(e.lists, vec!["A".to_string(), "B".to_string()]);
    assert_eq!(e.lists_left_out.len(), 1);
    assert_eq!(e.lists_left_out[0].list, "empty");
    assert!((e.estimate - 130.0 * 110.0 / 30.0).abs() < 1e-6);
}
