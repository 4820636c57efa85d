//! How close is the assessment to the truth? Compares headline counts and shares with a
//! synthetic world's `truth/summary.json` (evaluation only: the pipeline never reads truth).
//! For a share, the question is whether its bounds (the share of all, if every unknown were or
//! were not in the category) contain the true share.

use crate::{AssessError, Assessment};
use serde::Serialize;
use serde_json::Value;
use std::path::Path;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TruthRow {
    pub id: String,
    /// `count`, `share`, or `estimate` (victims in all, against `victims_total`).
    pub kind: &'static str,
    pub estimate: f64,
    pub truth: f64,
    /// Relative error for counts ((estimate − truth) / truth); estimate − truth for shares.
    pub error: f64,
    pub bounds: Option<[f64; 2]>,
    /// Whether the bounds contain the truth; absent when the figure has no unknowns.
    pub within_bounds: Option<bool>,
    pub ci95: Option<[f64; 2]>,
    pub within_ci95: Option<bool>,
}

/// Reads `DIR/truth/summary.json` (or `DIR/summary.json`).
pub fn read_summary(dir: &Path) -> Result<Value, AssessError> {
    let path = [
        dir.join("truth").join("summary.json"),
        dir.join("summary.json"),
    ]
    .into_iter()
    .find(|p| p.is_file())
    .ok_or_else(|| {
        AssessError::Truth(format!(
            "no truth/summary.json under {}: pass the folder `sightline synth --out` wrote",
            dir.display()
        ))
    })?;
    let text = std::fs::read_to_string(&path)
        .map_err(|e| AssessError::Truth(format!("cannot read {}: {e}", path.display())))?;
    serde_json::from_str(&text)
        .map_err(|e| AssessError::Truth(format!("{} is not JSON: {e}", path.display())))
}

/// Pairs of (truth key, assessment figure id) for the headline shares.
const SHARES: [(&str, &str); 4] = [
    ("victims_female", "victims.sex.female"),
    ("victims_with_missing_episode", "missing.victims_missing"),
    ("offenders_aged_18_24", "offenders.age_band.18_24"),
    ("victims_aged_12_17", "victims.age_12_17.yes"),
];

/// Truth breakdowns and the assessment breakdown each corresponds to.
const BREAKDOWNS: [(&str, &str); 8] = [
    ("victims_by_sex", "victims.sex"),
    ("victims_by_ethnicity_group", "victims.ethnicity_group"),
    ("victims_by_age_band", "victims.age_band"),
    ("victims_by_nationality", "victims.nationality"),
    ("offenders_by_sex", "offenders.sex"),
    ("offenders_by_ethnicity_group", "offenders.ethnicity_group"),
    ("offenders_by_age_band", "offenders.age_band"),
    ("offenders_by_nationality", "offenders.nationality"),
];

fn count_row(id: &str, estimate: f64, truth: f64) -> TruthRow {
    TruthRow {
        id: id.to_string(),
        kind: "count",
        estimate,
        truth,
        error: if truth == 0.0 {
            0.0
        } else {
            (estimate - truth) / truth
        },
        bounds: None,
        within_bounds: None,
        ci95: None,
        within_ci95: None,
    }
}

/// The headline comparison: counts, headline shares, then every category of the breakdowns
/// the truth has (categories the assessment does not show separately are left out).
pub fn compare(assessment: &Assessment, summary: &Value) -> Vec<TruthRow> {
    let mut rows = Vec::new();
    for id in [
        "victims",
        "offenders",
        "groups",
        "offenders_in_groups",
        "incidents",
    ] {
        if let (Some(estimate), Some(truth)) = (assessment.count(id), summary[id].as_f64()) {
            rows.push(count_row(id, estimate as f64, truth));
        }
    }
    rows.extend(crate::hidden::truth_row(assessment, summary));
    // Groups as the returns can show them: the truth's own co-offending graph.
    for (id, estimate, truth) in [
        ("groups_co_offending", "groups", "co_offending_groups"),
        (
            "offenders_in_groups_co_offending",
            "offenders_in_groups",
            "offenders_in_co_offending_groups",
        ),
    ] {
        if let (Some(estimate), Some(truth)) = (assessment.count(estimate), summary[truth].as_f64())
        {
            rows.push(count_row(id, estimate as f64, truth));
        }
    }
    let mut share = |id: &str, truth: Option<f64>| {
        if let (Some(figure), Some(truth)) = (assessment.figure(id), truth)
            && let Some(estimate) = figure.share
        {
            rows.push(TruthRow {
                id: id.to_string(),
                kind: "share",
                estimate,
                truth,
                error: estimate - truth,
                bounds: figure.bounds,
                // Without unknowns the bounds are the share itself: say nothing rather than
                // report a point estimate's sampling error as a miss.
                within_bounds: figure
                    .bounds
                    .filter(|[low, high]| high - low > 1e-12)
                    .map(|[low, high]| low - 1e-9 <= truth && truth <= high + 1e-9),
                ci95: figure.ci95,
                within_ci95: figure
                    .ci95
                    .map(|[low, high]| low - 1e-9 <= truth && truth <= high + 1e-9),
            });
        }
    };
    for (key, id) in SHARES {
        share(id, summary[key]["share"].as_f64());
    }
    for (key, prefix) in BREAKDOWNS {
        let Some(categories) = summary["breakdowns"][key].as_object() else {
            continue;
        };
        for (category, value) in categories {
            share(&format!("{prefix}.{category}"), value["share"].as_f64());
        }
    }
    rows
}
