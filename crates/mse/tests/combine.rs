//! Several tables into one figure: linkage alternatives widen the interval, strata add up,
//! and everything is the same bit for bit for the same input and seed.

mod common;

use sightline_mse::{
    CaptureTable, LinkageAlternative, Options, RefusalReason, Stratum, estimate,
    estimate_linkage_alternatives, estimate_strata,
};

/// Moves `k` people from the A&B cell to A alone and B alone (each becomes two people: a
/// missed link), or the reverse for negative `k` (false links).
fn relink(table: &CaptureTable, k: i64) -> CaptureTable {
    let mut counts = table.counts().to_vec();
    let shift = |c: u64, d: i64| (c as i64 + d) as u64;
    counts[3] = shift(counts[3], -k);
    counts[1] = shift(counts[1], k);
    counts[2] = shift(counts[2], k);
    CaptureTable::from_counts(table.list_names().to_vec(), counts).expect("valid")
}

fn alternative(label: &str, table: CaptureTable) -> LinkageAlternative {
    LinkageAlternative {
        label: label.into(),
        table,
        weight: 1.0,
    }
}

#[test]
fn identical_linkages_give_the_single_estimate() {
    let base = common::simulate(2000, &[0.3, 0.25, 0.2], 3.0, 7);
    let single = estimate(&base, &Options::default()).expect("runs");
    let single = single.estimated().expect("estimated");
    let alternatives = vec![
        alternative("a", base.clone()),
        alternative("b", base.clone()),
    ];
    let (pooled, each) =
        estimate_linkage_alternatives(&alternatives, &Options::default()).expect("runs");
    let pooled = pooled.estimated().expect("estimated");
    assert_eq!(each.len(), 2);
    assert!((pooled.estimate - single.estimate).abs() < 1e-6 * single.estimate);
    for i in 0..2 {
        assert!((pooled.ci95[i] - single.ci95[i]).abs() < 1e-6 * single.ci95[i]);
    }
}

#[test]
fn disagreeing_linkages_widen_the_interval() {
    let base = common::simulate(2000, &[0.3, 0.25, 0.2], 3.0, 11);
    let alternatives = vec![
        alternative("strict threshold: missed links", relink(&base, 25)),
        alternative("middle threshold", base.clone()),
        alternative("loose threshold: false links", relink(&base, -25)),
    ];
    let (pooled, each) =
        estimate_linkage_alternatives(&alternatives, &Options::default()).expect("runs");
    let pooled = pooled.estimated().expect("estimated");
    let estimates: Vec<_> = each
        .iter()
        .map(|r| r.outcome.estimated().expect("each estimated").clone())
        .collect();
    // Missed links inflate the estimate, false links deflate it.
    assert!(estimates[0].estimate > estimates[1].estimate);
    assert!(estimates[2].estimate < estimates[1].estimate);
    let widths: Vec<f64> = estimates.iter().map(|e| e.ci95[1] - e.ci95[0]).collect();
    let mean_width = widths.iter().sum::<f64>() / 3.0;
    println!(
        "alternatives {:?}; pooled {:.0} ({:.0}–{:.0})",
        estimates
            .iter()
            .map(|e| e.estimate.round())
            .collect::<Vec<_>>(),
        pooled.estimate,
        pooled.ci95[0],
        pooled.ci95[1]
    );
    // Wider than the middle linkage alone, and than the alternatives' average width.
    let pooled_width = pooled.ci95[1] - pooled.ci95[0];
    assert!(
        pooled_width > widths[1] && pooled_width > mean_width,
        "{widths:?}"
    );
    assert!(pooled.ci95[0] < estimates[2].estimate && estimates[0].estimate < pooled.ci95[1]);
    assert_eq!(pooled.alternatives_range[0], estimates[2].estimate);
    assert_eq!(
        pooled.observed_range,
        [base.n_observed() - 25, base.n_observed() + 25]
    );
}

#[test]
fn a_refused_linkage_refuses_the_pooled_estimate() {
    let base = common::simulate(2000, &[0.3, 0.25, 0.2], 3.0, 3);
    let nobody =
        CaptureTable::from_histories(base.list_names().to_vec(), &[(1, 100), (2, 100), (4, 100)])
            .expect("valid");
    let (pooled, _) = estimate_linkage_alternatives(
        &[alternative("good", base), alternative("no overlap", nobody)],
        &Options::default(),
    )
    .expect("runs");
    let r = pooled.refused().expect("refused");
    assert!(matches!(
        &r.reason,
        RefusalReason::AlternativeRefused { label, reason }
            if label == "no overlap" && **reason == RefusalReason::NoOverlap
    ));
}

#[test]
fn strata_add_up() {
    let girls = common::simulate(1500, &[0.3, 0.25, 0.2, 0.3], 3.0, 21);
    let boys = common::simulate(500, &[0.2, 0.3, 0.25, 0.35], 2.0, 22);
    let strata = vec![
        Stratum {
            name: "girls".into(),
            table: girls.clone(),
        },
        Stratum {
            name: "boys".into(),
            table: boys.clone(),
        },
    ];
    let (total, each) = estimate_strata(&strata, &Options::default()).expect("runs");
    let total = total.estimated().expect("estimated");
    let sum: f64 = each
        .iter()
        .map(|r| r.outcome.estimated().expect("each").estimate)
        .sum();
    assert_eq!(total.observed, girls.n_observed() + boys.n_observed());
    assert!(
        (total.estimate - sum).abs() / sum < 0.01,
        "{} vs {sum}",
        total.estimate
    );
    assert!(total.ci95[0] < total.estimate && total.estimate < total.ci95[1]);
    assert!((total.hidden - (total.estimate - total.observed as f64)).abs() < 1e-9);
    // Same seed, same bits; another seed, another Monte Carlo error.
    let (again, _) = estimate_strata(&strata, &Options::default()).expect("runs");
    assert_eq!(again.estimated().expect("e"), total);
    let other_seed = Options {
        seed: 99,
        ..Options::default()
    };
    let (other, _) = estimate_strata(&strata, &other_seed).expect("runs");
    assert_ne!(other.estimated().expect("e").ci95, total.ci95);
}

#[test]
fn same_input_same_json() {
    let table = common::read_table("uk_2013_six_lists.csv");
    let a =
        serde_json::to_string(&estimate(&table, &Options::default()).expect("runs")).expect("json");
    let b =
        serde_json::to_string(&estimate(&table, &Options::default()).expect("runs")).expect("json");
    assert_eq!(a, b);
    let value: serde_json::Value = serde_json::from_str(&a).expect("json");
    assert_eq!(value["status"], "estimated");
    assert!(value["estimate"].as_f64().is_some());
    assert_eq!(value["ci95"].as_array().map(|v| v.len()), Some(2));
    assert!(value["models"][0]["weight"].as_f64().is_some());
    let refused = CaptureTable::from_histories(vec!["A".into(), "B".into()], &[(1, 50), (2, 40)])
        .expect("valid");
    let json =
        serde_json::to_value(estimate(&refused, &Options::default()).expect("runs")).expect("json");
    assert_eq!(json["status"], "refused");
    assert_eq!(json["reason"]["kind"], "no_overlap");
}
