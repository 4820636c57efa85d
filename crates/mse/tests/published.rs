//! Published examples reproduced: the UK 2013 six-list modern slavery data (Home Office
//! estimate 10,000–13,000) and the other tables SparseMSE ships.

mod common;

use sightline_mse::{Options, estimate};

#[test]
fn explore() {
    for name in [
        "uk_2013_six_lists.csv",
        "uk_2013_five_lists.csv",
        "netherlands.csv",
        "new_orleans.csv",
        "us_western_site.csv",
    ] {
        let table = common::read_table(name);
        let t = std::time::Instant::now();
        let out = estimate(&table, &Options::default()).expect("runs");
        let e = out.estimated().expect("estimated");
        println!(
            "{name}: obs {} est {:.0} ci {:.0}-{:.0} search {} fitted {} excl {} ({:?})",
            e.observed,
            e.estimate,
            e.ci95[0],
            e.ci95[1],
            e.search.kind,
            e.search.models_fitted,
            e.search.models_excluded,
            t.elapsed()
        );
        for m in e.models.iter().take(5) {
            println!(
                "   w {:.3} est {:.0} {:?} bic {:.1} ci {:.0}-{:.0}",
                m.weight, m.estimate, m.interactions, m.bic, m.ci95[0], m.ci95[1]
            );
        }
    }
}
