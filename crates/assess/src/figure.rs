//! What is a figure? One number with everything needed to quote it correctly: n, its base N
//! and what N is, whether unknowns are in N, the unknowns by kind, the share n/N with its
//! Wilson 95% interval, the bounds of the share of all, and the funnel from the whole
//! population to N. Nothing downstream computes a percentage itself.
//!
//! A figure also says whether what it counts was collected: by every agency that could hold a
//! member of its population (`collected`), by some of them, the base then restricted to the
//! people they know (`partly_collected`), or by none (`not_collected`, never a 0%); and a figure
//! whose base is empty says so (`no_data`) instead of "0 of 0".

use serde::Serialize;

/// The unknown values behind a base, by kind. The kinds are never merged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Unknowns {
    pub not_recorded: u64,
    pub not_known: u64,
    pub refused: u64,
    pub not_stated: u64,
    /// Text the agency gave that maps to no code.
    pub unmapped: u64,
    /// The agency was asked and made no return.
    pub no_return: u64,
    /// No agency that knows the person recorded this at all (did not return the table, or
    /// left the field empty on every record).
    pub not_collected: u64,
}

impl Unknowns {
    pub fn total(&self) -> u64 {
        self.not_recorded
            + self.not_known
            + self.refused
            + self.not_stated
            + self.unmapped
            + self.no_return
            + self.not_collected
    }

    /// The unknowns that could have been known: all but `not_collected`.
    pub fn collectable(&self) -> u64 {
        self.total() - self.not_collected
    }

    /// Counts `value` if it is an unknown kind; returns whether it was. A blank is not recorded.
    pub fn count(&mut self, value: &str) -> bool {
        match unknown_kind(value) {
            Some(kind) => {
                *self.slot(kind) += 1;
                true
            }
            None => false,
        }
    }

    fn slot(&mut self, kind: &str) -> &mut u64 {
        match kind {
            "not_known" => &mut self.not_known,
            "refused" => &mut self.refused,
            "not_stated" => &mut self.not_stated,
            "unmapped" => &mut self.unmapped,
            "no_return" => &mut self.no_return,
            "not_collected" => &mut self.not_collected,
            _ => &mut self.not_recorded,
        }
    }

    /// The count of one kind, by its code.
    pub fn get(&self, kind: &str) -> u64 {
        match kind {
            "not_recorded" => self.not_recorded,
            "not_known" => self.not_known,
            "refused" => self.refused,
            "not_stated" => self.not_stated,
            "unmapped" => self.unmapped,
            "no_return" => self.no_return,
            "not_collected" => self.not_collected,
            _ => 0,
        }
    }
}

/// The unknown kinds, in the order they are shown.
pub const UNKNOWN_KINDS: [&str; 7] = [
    "not_recorded",
    "not_known",
    "refused",
    "not_stated",
    "unmapped",
    "no_return",
    "not_collected",
];

/// The unknown kind a value is, if it is one (a blank is `not_recorded`).
pub fn unknown_kind(value: &str) -> Option<&'static str> {
    match value {
        "" | "not_recorded" => Some("not_recorded"),
        "not_known" => Some("not_known"),
        "refused" => Some("refused"),
        "not_stated" => Some("not_stated"),
        "unmapped" => Some("unmapped"),
        "no_return" => Some("no_return"),
        "not_collected" => Some("not_collected"),
        _ => None,
    }
}

/// One step from the whole population to a figure's base.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    pub label: String,
    pub count: u64,
}

pub fn step(label: impl Into<String>, count: u64) -> Step {
    Step {
        label: label.into(),
        count,
    }
}

/// A share with its base. See the module documentation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    pub id: String,
    pub label: String,
    pub n: u64,
    pub base: u64,
    pub base_label: String,
    pub unknowns_in_base: bool,
    pub unknown: Unknowns,
    /// n / base; absent when the base is 0.
    pub share: Option<f64>,
    /// Wilson score interval for the share, 95%.
    pub ci95: Option<[f64; 2]>,
    /// The share of all (base and unknowns) if no unknown, or every unknown, were in this
    /// category.
    pub bounds: Option<[f64; 2]>,
    pub funnel: Vec<Step>,
    pub status: Status,
    /// Which agencies could record what the figure counts, when that is not every agency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collection: Option<Collection>,
    /// What to say instead of a share when there is none to give (`not_collected`, `no_data`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
}

/// Whether a figure could be computed, and from whose data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every agency that holds a member of the population could have recorded it.
    Collected,
    /// Some could; the base is restricted to the people they know.
    PartlyCollected,
    /// None could: there is no figure, and it is not zero.
    NotCollected,
    /// It was collected, but the base is empty.
    NoData,
}

/// "among victims known to the 41 agencies that returned the missing-episodes table".
pub fn among(population_label: &str, agencies: u64, source: &str) -> String {
    let noun = if agencies == 1 { "agency" } else { "agencies" };
    format!("among {population_label} known to the {agencies} {noun} that {source}")
}

/// Who could record what a figure counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Collection {
    /// What an agency had to do for it to be recorded, as a verb phrase ("returned the
    /// missing-episodes table", "recorded outcomes").
    pub source: String,
    /// Agencies that did.
    pub agencies: u64,
    /// Agencies holding a member of the population.
    pub of_agencies: u64,
    /// Members of the population known only to agencies that did not, left out of the base.
    pub left_out: u64,
    /// What the population is ("victims", "incidents").
    pub population_label: String,
}

impl Collection {
    /// "among victims known to the 41 agencies that returned the missing-episodes table".
    pub fn among(&self) -> String {
        among(&self.population_label, self.agencies, &self.source)
    }

    /// "not collected: no agency returned the missing-episodes table".
    pub fn none(&self) -> String {
        format!("not collected: no agency {}", self.source)
    }

    pub fn status(&self) -> Status {
        if self.agencies == 0 {
            Status::NotCollected
        } else if self.left_out > 0 || self.agencies < self.of_agencies {
            Status::PartlyCollected
        } else {
            Status::Collected
        }
    }
}

/// z for a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

/// The Wilson score interval for `n` of `base` at 95%.
pub fn wilson(n: u64, base: u64) -> Option<[f64; 2]> {
    if base == 0 || n > base {
        return None;
    }
    let (n, base) = (n as f64, base as f64);
    let p = n / base;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * base)) / (1.0 + z2 / base);
    let half = Z95 / (1.0 + z2 / base) * (p * (1.0 - p) / base + z2 / (4.0 * base * base)).sqrt();
    Some([(centre - half).max(0.0), (centre + half).min(1.0)])
}

impl Figure {
    /// n of `base` known values, with `unknown` left out of the base: the share of the known,
    /// and the bounds of the share of all.
    pub fn of_known(
        id: impl Into<String>,
        label: impl Into<String>,
        n: u64,
        base: u64,
        base_label: impl Into<String>,
        unknown: Unknowns,
        funnel: Vec<Step>,
    ) -> Figure {
        // The share of all: everyone the figure is about, including those no agency of theirs
        // could record it for.
        let all = base + unknown.total();
        let bounds = (all > 0).then(|| {
            [
                n as f64 / all as f64,
                (n + unknown.total()) as f64 / all as f64,
            ]
        });
        let base_label = base_label.into();
        let statement = (base == 0).then(|| empty(&base_label, unknown.collectable()));
        Figure {
            id: id.into(),
            label: label.into(),
            n,
            base,
            base_label,
            unknowns_in_base: false,
            unknown,
            share: (base > 0).then(|| n as f64 / base as f64),
            ci95: wilson(n, base),
            bounds,
            funnel,
            status: if base == 0 {
                Status::NoData
            } else {
                Status::Collected
            },
            collection: None,
            statement,
        }
    }

    /// n of `base`, where the base includes `unknown` (a share of all); the bounds run from
    /// the share to what it would be if every unknown were in this category.
    pub fn of_all(
        id: impl Into<String>,
        label: impl Into<String>,
        n: u64,
        base: u64,
        base_label: impl Into<String>,
        unknown: Unknowns,
        funnel: Vec<Step>,
    ) -> Figure {
        let share = (base > 0).then(|| n as f64 / base as f64);
        let bounds = share.map(|s| [s, ((n + unknown.total()) as f64 / base as f64).min(1.0)]);
        let base_label = base_label.into();
        let statement = (base == 0).then(|| empty(&base_label, 0));
        Figure {
            id: id.into(),
            label: label.into(),
            n,
            base,
            base_label,
            unknowns_in_base: true,
            unknown,
            share,
            ci95: wilson(n, base),
            bounds,
            funnel,
            status: if base == 0 {
                Status::NoData
            } else {
                Status::Collected
            },
            collection: None,
            statement,
        }
    }

    /// The figure with who could record it: not collected (no share, not zero) when nobody
    /// could; otherwise the collection is kept so that the base can be said to be restricted.
    pub fn collected(mut self, collection: Collection) -> Figure {
        match collection.status() {
            Status::NotCollected => {
                self.status = Status::NotCollected;
                self.statement = Some(collection.none());
                self.n = 0;
                self.base = 0;
                self.share = None;
                self.ci95 = None;
                self.bounds = None;
            }
            Status::PartlyCollected if self.status != Status::NoData => {
                self.status = Status::PartlyCollected;
            }
            _ => {}
        }
        self.collection = Some(collection);
        self
    }

    /// Whether there is a share to quote.
    pub fn quotable(&self) -> bool {
        matches!(self.status, Status::Collected | Status::PartlyCollected) && self.share.is_some()
    }
}

/// "no data: there are no victims with information on going missing".
fn empty(base_label: &str, unknown: u64) -> String {
    if unknown > 0 {
        format!("no data: every value was unknown, so there are no {base_label}")
    } else {
        format!("no data: there are no {base_label}")
    }
}

/// A count that is not a share: how many of something.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Count {
    pub id: String,
    pub label: String,
    pub n: u64,
    /// For a count of people: how far linkage may have it wrong, by its own model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linkage: Option<LinkageUncertainty>,
}

/// How far a count of linked people may be from the truth by the linkage model's own
/// probabilities: each link is false with probability 1 − p, each near miss a missed link with
/// probability p, independently. The range does not net the two against each other: its low
/// end takes every expected missed link as real (fewer people), its high end every expected
/// false link (more people), each with 1.96 standard deviations of its own. It rests on the
/// model's probabilities being calibrated, which they are only approximately (BENCHMARKS.md
/// gives how often the range held the truth on synthetic worlds).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkageUncertainty {
    /// Links within these people that the model expects to join different people.
    pub expected_false_links: f64,
    /// Links between two of these people the model expects it missed.
    pub expected_missed_links: f64,
    /// n + expected false links − expected missed links.
    pub estimate: f64,
    /// The range: n − missed − 1.96 sd(missed) to n + false + 1.96 sd(false).
    pub range: [u64; 2],
}

impl LinkageUncertainty {
    /// From the count, and (p) for each link and each near miss among these people.
    pub fn new(n: u64, links: &[f64], near_misses: &[f64]) -> LinkageUncertainty {
        let false_links: f64 = links.iter().map(|p| 1.0 - p).sum();
        let missed: f64 = near_misses.iter().sum();
        let sd = |ps: &[f64]| ps.iter().map(|p| p * (1.0 - p)).sum::<f64>().sqrt();
        let n_f = n as f64;
        LinkageUncertainty {
            expected_false_links: false_links,
            expected_missed_links: missed,
            estimate: n_f + false_links - missed,
            range: [
                (n_f - missed - Z95 * sd(near_misses)).floor().max(0.0) as u64,
                (n_f + false_links + Z95 * sd(links)).ceil() as u64,
            ],
        }
    }
}

pub fn count(id: impl Into<String>, label: impl Into<String>, n: u64) -> Count {
    Count {
        id: id.into(),
        label: label.into(),
        n,
        linkage: None,
    }
}

/// A distribution of one attribute over one base: one figure per category (share of the
/// known) and one per unknown kind present (share of all).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breakdown {
    pub id: String,
    pub label: String,
    pub base_label: String,
    /// Everyone in the population, known or not.
    pub population: u64,
    /// Those with a known value: the base of the categories.
    pub known: u64,
    pub unknown: Unknowns,
    /// Those with a known value, of the population.
    pub recorded: Figure,
    pub categories: Vec<Figure>,
    pub unknowns: Vec<Figure>,
}

/// How a breakdown orders its categories.
#[derive(Debug, Clone, Copy)]
pub enum Order<'a> {
    /// Largest first, then by code.
    Largest,
    /// This order; categories not named follow, largest first.
    Fixed(&'a [&'a str]),
    /// The k largest, then the rest as `other`.
    Top(usize),
}

/// A breakdown of `values` (one per member of the population). `funnel` leads to the
/// population; each category's funnel adds the step to the known.
pub fn breakdown<'v>(
    id: &str,
    label: &str,
    base_label: &str,
    funnel: &[Step],
    values: impl IntoIterator<Item = &'v str>,
    order: Order<'_>,
) -> Breakdown {
    let mut unknown = Unknowns::default();
    let mut counts: std::collections::BTreeMap<&str, u64> = std::collections::BTreeMap::new();
    let mut population = 0;
    for value in values {
        population += 1;
        if !unknown.count(value) {
            *counts.entry(value).or_default() += 1;
        }
    }
    let known = population - unknown.total();
    let mut categories: Vec<(String, u64)> = counts
        .into_iter()
        .map(|(value, n)| (value.to_string(), n))
        .collect();
    categories.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    match order {
        Order::Largest => {}
        Order::Fixed(codes) => {
            let rank = |code: &str| codes.iter().position(|c| *c == code).unwrap_or(codes.len());
            categories.sort_by_key(|(code, _)| rank(code));
        }
        Order::Top(k) if categories.len() > k => {
            let other: u64 = categories[k..].iter().map(|(_, n)| n).sum();
            categories.truncate(k);
            categories.push(("other".to_string(), other));
        }
        Order::Top(_) => {}
    }
    let mut to_known = funnel.to_vec();
    to_known.push(step(format!("{base_label} with {label} known"), known));
    let known_label = format!("{base_label} with {label} known");
    let figures = categories
        .into_iter()
        .map(|(code, n)| {
            Figure::of_known(
                format!("{id}.{code}"),
                code,
                n,
                known,
                known_label.clone(),
                unknown,
                to_known.clone(),
            )
        })
        .collect();
    let unknowns = UNKNOWN_KINDS
        .iter()
        .filter(|kind| unknown.get(kind) > 0)
        .map(|kind| {
            Figure::of_all(
                format!("{id}.{kind}"),
                *kind,
                unknown.get(kind),
                population,
                base_label,
                Unknowns::default(),
                funnel.to_vec(),
            )
        })
        .collect();
    // People no agency of theirs could record it for are outside the base of `recorded`.
    let recorded = Figure::of_all(
        format!("{id}.recorded"),
        format!("{label} known"),
        known,
        population - unknown.not_collected,
        base_label,
        Unknowns::default(),
        funnel.to_vec(),
    );
    Breakdown {
        id: id.to_string(),
        label: label.to_string(),
        base_label: base_label.to_string(),
        population,
        known,
        unknown,
        recorded,
        categories: figures,
        unknowns,
    }
}

impl Breakdown {
    /// The breakdown with who could record it: `agencies` of the `of_agencies` agencies
    /// holding a member of the population did (`source`, a verb phrase); members known only
    /// to the others carry the value `not_collected`. With none, every figure is not collected.
    pub fn collected(mut self, source: &str, agencies: u64, of_agencies: u64) -> Breakdown {
        let collection = Collection {
            source: source.to_string(),
            agencies,
            of_agencies,
            left_out: self.unknown.not_collected,
            population_label: self.base_label.clone(),
        };
        self.recorded = self.recorded.collected(collection.clone());
        self.categories = std::mem::take(&mut self.categories)
            .into_iter()
            .map(|f| f.collected(collection.clone()))
            .collect();
        self
    }
}

/// Median and quartiles of a sample (nearest rank on the sorted values).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quartiles {
    pub id: String,
    pub label: String,
    /// How many values, and of what.
    pub n: u64,
    pub base_label: String,
    pub q1: Option<i64>,
    pub median: Option<i64>,
    pub q3: Option<i64>,
}

pub fn quartiles(id: &str, label: &str, base_label: &str, mut values: Vec<i64>) -> Quartiles {
    values.sort_unstable();
    let at = |q: f64| -> Option<i64> {
        if values.is_empty() {
            return None;
        }
        let rank = ((q * values.len() as f64).ceil() as usize).clamp(1, values.len());
        values.get(rank - 1).copied()
    };
    Quartiles {
        id: id.to_string(),
        label: label.to_string(),
        n: values.len() as u64,
        base_label: base_label.to_string(),
        q1: at(0.25),
        median: at(0.5),
        q3: at(0.75),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn wilson_matches_textbook_values() {
        // Newcombe (1998), example: 81 of 263 → 0.2553 to 0.3662.
        let [low, high] = wilson(81, 263).unwrap_or_default();
        assert!(
            (low - 0.2553).abs() < 1e-4 && (high - 0.3662).abs() < 1e-4,
            "{low} {high}"
        );
        // 0 of 10 → 0 to 0.2775; 10 of 10 → 0.7225 to 1.
        let [low, high] = wilson(0, 10).unwrap_or_default();
        assert!(low.abs() < 1e-12 && (high - 0.2775).abs() < 1e-4);
        let [low, high] = wilson(10, 10).unwrap_or_default();
        assert!((low - 0.7225).abs() < 1e-4 && (high - 1.0).abs() < 1e-12);
        assert_eq!(wilson(1, 0), None);
    }

    #[test]
    fn wilson_intervals_cover_the_true_share_95_percent_of_the_time() {
        // 1,000 simulated figures, each with its own true share (5% to 95%) and base (30 to
        // 2,000), drawn from a seeded generator; then 1,000 of the example (56% of 639).
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2011);
        let draw = |p: f64, n: u64, rng: &mut rand_chacha::ChaCha8Rng| {
            let hits = (0..n).filter(|_| rng.random::<f64>() < p).count() as u64;
            let [low, high] = wilson(hits, n).unwrap_or_default();
            low <= p && p <= high
        };
        let samples = 1000;
        let mut covered = 0;
        for _ in 0..samples {
            let p = rng.random_range(0.05..0.95);
            let n = rng.random_range(30..2000u64);
            covered += u32::from(draw(p, n, &mut rng));
        }
        let coverage = f64::from(covered) / f64::from(samples);
        assert!(
            (0.93..=0.97).contains(&coverage),
            "random shares: coverage {coverage}"
        );
        let mut covered = 0;
        for _ in 0..samples {
            covered += u32::from(draw(0.56, 639, &mut rng));
        }
        let coverage = f64::from(covered) / f64::from(samples);
        assert!(
            (0.93..=0.97).contains(&coverage),
            "56% of 639: coverage {coverage}"
        );
    }

    #[test]
    fn a_breakdown_keeps_unknown_kinds_apart_and_bounds_the_share_of_all() {
        let values = [
            "white",
            "white",
            "white",
            "asian",
            "",
            "refused",
            "not_known",
            "not_known",
        ];
        let b = breakdown(
            "victims.ethnicity",
            "ethnicity",
            "victims",
            &[step("victims", 8)],
            values,
            Order::Largest,
        );
        assert_eq!((b.population, b.known), (8, 4));
        assert_eq!(
            (
                b.unknown.not_recorded,
                b.unknown.refused,
                b.unknown.not_known
            ),
            (1, 1, 2)
        );
        let white = &b.categories[0];
        assert_eq!(
            (white.id.as_str(), white.n, white.base),
            ("victims.ethnicity.white", 3, 4)
        );
        assert_eq!(white.share, Some(0.75));
        assert_eq!(white.bounds, Some([3.0 / 8.0, 7.0 / 8.0]));
        assert!(!white.unknowns_in_base);
        assert_eq!(white.funnel.last().map(|s| s.count), Some(4));
        let kinds: Vec<&str> = b.unknowns.iter().map(|f| f.label.as_str()).collect();
        assert_eq!(kinds, ["not_recorded", "not_known", "refused"]);
        assert!(b.unknowns.iter().all(|f| f.unknowns_in_base && f.base == 8));
    }

    #[test]
    fn top_categories_gather_the_rest_as_other_and_quartiles_use_nearest_rank() {
        let values = ["GBR", "GBR", "GBR", "POL", "POL", "ROU", "PAK"];
        let b = breakdown("n", "nationality", "victims", &[], values, Order::Top(2));
        let codes: Vec<(&str, u64)> = b
            .categories
            .iter()
            .map(|f| (f.label.as_str(), f.n))
            .collect();
        assert_eq!(codes, [("GBR", 3), ("POL", 2), ("other", 2)]);
        let q = quartiles("d", "days", "victims", vec![40, 10, 30, 20]);
        assert_eq!((q.q1, q.median, q.q3), (Some(10), Some(20), Some(30)));
        assert_eq!(quartiles("d", "days", "victims", vec![]).median, None);
    }
}
