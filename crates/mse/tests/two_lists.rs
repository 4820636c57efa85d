//! With two lists the only identifiable model is independence, and the estimate is
//! Lincoln–Petersen's n₁n₂/m, with Darroch's variance and Chao's log-normal interval.

use sightline_mse::{CaptureTable, Options, estimate};

fn two_lists(only_a: u64, only_b: u64, both: u64) -> CaptureTable {
    CaptureTable::from_histories(
        vec!["police".into(), "children's services".into()],
        &[(1, only_a), (2, only_b), (3, both)],
    )
    .expect("valid")
}

#[test]
fn two_lists_reduce_to_lincoln_petersen() {
    for &(a, b, m) in &[(120u64, 300u64, 40u64), (400, 250, 90), (35, 60, 12)] {
        let table = two_lists(a, b, m);
        let e = estimate(&table, &Options::default()).expect("runs");
        let e = e.estimated().expect("estimated");
        let (n1, n2, m) = ((a + m) as f64, (b + m) as f64, m as f64);
        let lincoln_petersen = n1 * n2 / m;
        assert!(
            (e.estimate - lincoln_petersen).abs() < 1e-6 * lincoln_petersen,
            "{} vs {lincoln_petersen}",
            e.estimate
        );
        // Darroch's variance and Chao's log-normal interval.
        let n = n1 + n2 - m;
        let f0 = lincoln_petersen - n;
        let var = n1 * n2 * (n1 - m) * (n2 - m) / (m * m * m);
        let c = (1.959_963_984_540_054 * (1.0 + var / (f0 * f0)).ln().sqrt()).exp();
        assert!((e.ci95[0] - (n + f0 / c)).abs() < 1e-6 * n, "{:?}", e.ci95);
        assert!((e.ci95[1] - (n + f0 * c)).abs() < 1e-6 * n, "{:?}", e.ci95);
        // Chapman's nearly unbiased version lies well inside the interval.
        let chapman = (n1 + 1.0) * (n2 + 1.0) / (m + 1.0) - 1.0;
        assert!(e.ci95[0] < chapman && chapman < e.ci95[1]);
        assert!((chapman - lincoln_petersen).abs() / lincoln_petersen < 0.1);
        // One model, and the interaction is not identifiable with two lists.
        assert_eq!(e.models.len(), 1);
        assert!(e.models[0].interactions.is_empty());
        assert_eq!(e.search.excluded_not_identifiable, 1);
    }
}
