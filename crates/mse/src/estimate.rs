//! From one capture-history table to an estimated total: screening for data that cannot
//! identify a total, the search over models, Bayesian model averaging and the interval.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::MseError;
use crate::fit::{Exclusion, ModelFit, fit_model};
use crate::mixture::{Component, Mixture};
use crate::table::{CaptureHistory, CaptureTable};

/// The 97.5% point of the standard normal.
const Z975: f64 = 1.959_963_984_540_054;

/// Settings for an estimate. `Options::default()` is what the module docs describe.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Refuse when fewer people than this were seen on any list (default 30).
    pub min_people: u64,
    /// Refuse when fewer people than this were seen on two or more lists (default 7: Robson and
    /// Regier's 1964 rule of thumb that the two-list estimate is badly biased below about 7
    /// recaptures).
    pub min_overlap_people: u64,
    /// Consider every subset of two-list interactions when there are at most this many
    /// candidate interactions (default 12, i.e. up to 4,096 models: every model for five lists,
    /// and for six lists when three or more pairs of lists share nobody); above it, search a
    /// neighbourhood (Occam's window).
    pub max_exhaustive_pairs: usize,
    /// Occam's window for the neighbourhood search, in BIC units: models within this much of
    /// the best are expanded (default 2 ln 1000 ≈ 13.8, posterior odds of 1000 to 1).
    pub occam_window: f64,
    /// The most models the neighbourhood search fits (default 5,000).
    pub max_models: usize,
    /// Seed for the Monte Carlo sum over strata (the single-table estimate uses no randomness).
    pub seed: u64,
    /// Monte Carlo draws for the sum over strata (default 20,000).
    pub draws: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            min_people: 30,
            min_overlap_people: 7,
            max_exhaustive_pairs: 12,
            occam_window: 2.0 * 1000f64.ln(),
            max_models: 5_000,
            seed: 20_240_516,
            draws: 20_000,
        }
    }
}

impl Options {
    pub(crate) fn check(&self) -> Result<(), MseError> {
        if !(self.occam_window.is_finite() && self.occam_window > 0.0) {
            return Err(MseError::BadOption {
                name: "occam_window",
                value: self.occam_window,
                rule: "it must be a positive number of BIC units",
            });
        }
        if self.max_models < 1 {
            return Err(MseError::BadOption {
                name: "max_models",
                value: 0.0,
                rule: "at least one model must be fitted",
            });
        }
        if self.draws < 1_000 {
            return Err(MseError::BadOption {
                name: "draws",
                value: self.draws as f64,
                rule: "at least 1,000 draws are needed for a 95% interval",
            });
        }
        if self.max_exhaustive_pairs > 20 {
            return Err(MseError::BadOption {
                name: "max_exhaustive_pairs",
                value: self.max_exhaustive_pairs as f64,
                rule: "more than 2^20 models is not a search anyone should wait for",
            });
        }
        Ok(())
    }
}

/// The result of an estimate: a total with its interval, or a refusal saying why there is none.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome<T = Estimate> {
    Estimated(T),
    Refused(Refusal),
}

impl<T> Outcome<T> {
    /// The estimate, if there is one.
    pub fn estimated(&self) -> Option<&T> {
        match self {
            Outcome::Estimated(e) => Some(e),
            Outcome::Refused(_) => None,
        }
    }

    /// The refusal, if there is one.
    pub fn refused(&self) -> Option<&Refusal> {
        match self {
            Outcome::Estimated(_) => None,
            Outcome::Refused(r) => Some(r),
        }
    }
}

/// The data cannot identify a total; `message` says why in plain English.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Refusal {
    pub reason: RefusalReason,
    pub message: String,
    /// People seen on at least one list.
    pub observed: u64,
}

/// Why there is no estimate, as a code a program can act on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RefusalReason {
    /// Fewer than two lists have anyone on them.
    TooFewLists { lists_with_people: usize },
    /// Fewer people than the documented minimum.
    TooFewPeople { observed: u64, minimum: u64 },
    /// Nobody is on more than one list.
    NoOverlap,
    /// Too few people are on more than one list.
    TooLittleOverlap { on_several_lists: u64, minimum: u64 },
    /// Everyone on list `inner` is also on list `outer`.
    ListContainsAnother {
        inner: String,
        outer: String,
        inner_size: u64,
    },
    /// Every model considered was excluded.
    NoUsableModel { models_tried: usize },
    /// One of several linkage alternatives was refused.
    AlternativeRefused {
        label: String,
        reason: Box<RefusalReason>,
    },
    /// One of the strata was refused, so there is no total over strata.
    StratumRefused {
        stratum: String,
        reason: Box<RefusalReason>,
    },
}

/// A list that was left out of the estimate, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListLeftOut {
    pub list: String,
    pub reason: String,
}

/// The model-averaged estimate of the total for one table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    /// The lists used, in order.
    pub lists: Vec<String>,
    /// Lists given but not used (nobody on them).
    pub lists_left_out: Vec<ListLeftOut>,
    /// People seen on at least one list.
    pub observed: u64,
    /// Estimated total, seen or not: the median of the model-averaged distribution.
    pub estimate: f64,
    /// 95% interval for the total (2.5% and 97.5% points of the model-averaged distribution).
    pub ci95: [f64; 2],
    /// Estimated number of people on no list (`estimate − observed`).
    pub hidden: f64,
    /// 95% interval for the number on no list.
    pub hidden_ci95: [f64; 2],
    /// How the estimate was made, in one sentence.
    pub method: String,
    /// What the model search did.
    pub search: SearchSummary,
    /// The models carrying the weight, best first: enough to reach 99% of the weight, at most 20.
    pub models: Vec<ModelSummary>,
    /// For each two-list interaction considered, the total weight of models that include it.
    pub interaction_weights: Vec<InteractionWeight>,
    /// Models excluded and why (at most 20 listed; `search` has the counts).
    pub excluded_models: Vec<ExcludedModel>,
    /// Caveats a reader of the figure should see, in plain English.
    pub notes: Vec<String>,
    #[serde(skip)]
    pub(crate) mixture: Mixture,
}

impl Estimate {
    /// The quantile `q` of the model-averaged distribution of the total.
    pub fn total_quantile(&self, q: f64) -> f64 {
        self.mixture.quantile(q)
    }
}

/// One fitted model in the average.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelSummary {
    /// The two-list interactions in the model, as "A & B".
    pub interactions: Vec<String>,
    pub n_parameters: usize,
    pub deviance: f64,
    pub bic: f64,
    /// Posterior model probability (BIC approximation, equal prior over models).
    pub weight: f64,
    /// This model's estimate of the number on no list.
    pub hidden: f64,
    /// This model's estimate of the total.
    pub estimate: f64,
    /// This model's own 95% interval for the total (log-normal, Chao 1987).
    pub ci95: [f64; 2],
}

/// How much weight the models that include one interaction carry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InteractionWeight {
    pub lists: String,
    pub weight: f64,
}

/// A model with no estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExcludedModel {
    pub interactions: Vec<String>,
    pub exclusion: Exclusion,
    pub reason: String,
}

/// What the model search did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchSummary {
    /// "exhaustive", "neighbourhood", or "given" (models chosen by the caller).
    pub kind: &'static str,
    /// The two-list interactions that models could include.
    pub candidate_interactions: Vec<String>,
    /// Interactions never considered, with the reason (pairs of lists that share nobody).
    pub interactions_not_considered: Vec<InteractionLeftOut>,
    pub models_fitted: usize,
    pub models_excluded: usize,
    pub excluded_no_finite_mle: usize,
    pub excluded_not_identifiable: usize,
    pub excluded_no_convergence: usize,
    /// The neighbourhood search stopped at `Options::max_models` before Occam's window closed.
    pub stopped_at_cap: bool,
}

/// A two-list interaction that no model includes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InteractionLeftOut {
    pub lists: String,
    pub reason: String,
}

/// Estimates the total population from one capture-history table.
///
/// Returns `Err` only for bad options; data that cannot identify a total give
/// `Ok(Outcome::Refused(..))` with the reason.
pub fn estimate(table: &CaptureTable, options: &Options) -> Result<Outcome, MseError> {
    options.check()?;
    let (table, lists_left_out) = match screen(table, options) {
        Ok(screened) => screened,
        Err(refusal) => return Ok(Outcome::Refused(refusal)),
    };
    let searched = search_models(&table, options);
    Ok(average(&table, lists_left_out, searched))
}

/// Estimates the total from a given set of models instead of the search: each model is a list
/// of interaction terms (masks of two or more of `table`'s lists; three-way terms are allowed),
/// main effects always included. One model gives that model's estimate (SparseMSE's "fixed"
/// method); several are averaged with BIC weights as [`estimate`] does. The same refusals
/// apply, and `NoUsableModel` when every model given is excluded.
pub fn estimate_models(
    table: &CaptureTable,
    models: &[Vec<CaptureHistory>],
    options: &Options,
) -> Result<Outcome, MseError> {
    options.check()?;
    let n_cells = 1u32 << table.n_lists();
    for &term in models.iter().flatten() {
        if term >= n_cells || term.count_ones() < 2 {
            return Err(MseError::BadTerm(term));
        }
    }
    if models.is_empty() {
        return Err(MseError::NothingToCombine("no models were given"));
    }
    let original = table;
    let (table, lists_left_out) = match screen(table, options) {
        Ok(screened) => screened,
        Err(refusal) => return Ok(Outcome::Refused(refusal)),
    };
    // Lists with nobody on them were dropped: renumber the terms' bits.
    let kept: Vec<usize> = (0..original.n_lists())
        .filter(|&i| original.list_total(i) > 0)
        .collect();
    let remap = |term: CaptureHistory| -> Option<CaptureHistory> {
        let mut out = 0;
        for i in 0..original.n_lists() {
            if term & (1 << i) != 0 {
                out |= 1 << kept.iter().position(|&k| k == i)?;
            }
        }
        Some(out)
    };
    let log_n = (table.n_observed() as f64).ln();
    let mut candidates: Vec<CaptureHistory> = Vec::new();
    let mut evaluated = Vec::with_capacity(models.len());
    for model in models {
        let names: Vec<String> = model.iter().map(|&t| original.describe(t)).collect();
        let terms: Option<Vec<CaptureHistory>> = model.iter().map(|&t| remap(t)).collect();
        let result = match &terms {
            Some(terms) => fit_model(&table, terms).map(|fit| {
                let bic = bic_of(&fit, log_n);
                (fit, bic)
            }),
            None => Err(Exclusion::EmptyOverlap {
                lists: model
                    .iter()
                    .find(|&&t| remap(t).is_none())
                    .map(|&t| original.describe(t))
                    .unwrap_or_default(),
            }),
        };
        let terms = terms.unwrap_or_default();
        for &t in &terms {
            if !candidates.contains(&t) {
                candidates.push(t);
            }
        }
        evaluated.push(Evaluated {
            names,
            terms,
            result,
        });
    }
    candidates.sort_unstable();
    let searched = Searched {
        kind: "given",
        candidates,
        left_out: Vec::new(),
        evaluated,
        stopped_at_cap: false,
    };
    Ok(average(&table, lists_left_out, searched))
}

/// Checks that the overlaps can identify a total; drops lists with nobody on them.
fn screen(
    table: &CaptureTable,
    options: &Options,
) -> Result<(CaptureTable, Vec<ListLeftOut>), Refusal> {
    let observed = table.n_observed();
    let refuse = |reason: RefusalReason, message: String| Refusal {
        reason,
        message,
        observed,
    };
    let with_people: Vec<usize> = (0..table.n_lists())
        .filter(|&i| table.list_total(i) > 0)
        .collect();
    let left_out: Vec<ListLeftOut> = (0..table.n_lists())
        .filter(|i| !with_people.contains(i))
        .map(|i| ListLeftOut {
            list: table.list_names()[i].clone(),
            reason: "nobody is on this list".to_string(),
        })
        .collect();
    if with_people.len() < 2 {
        return Err(refuse(
            RefusalReason::TooFewLists {
                lists_with_people: with_people.len(),
            },
            format!(
                "Only {} of the {} lists has anyone on it. An estimate of the people no list saw \
                 needs at least two lists that overlap.",
                with_people.len(),
                table.n_lists()
            ),
        ));
    }
    let table = if left_out.is_empty() {
        table.clone()
    } else {
        table.keep_lists(&with_people)
    };
    if observed < options.min_people {
        return Err(refuse(
            RefusalReason::TooFewPeople {
                observed,
                minimum: options.min_people,
            },
            format!(
                "Only {observed} people were seen on any list; at least {} are needed before the \
                 overlaps say anything reliable about the people no list saw.",
                options.min_people
            ),
        ));
    }
    let several = table.n_on_several_lists();
    if several == 0 {
        return Err(refuse(
            RefusalReason::NoOverlap,
            "Nobody was found on more than one list. Without overlap between the lists there is \
             no way to tell how many people every list missed: the lists could be small samples \
             of a huge population or complete records of separate groups."
                .to_string(),
        ));
    }
    for a in 0..table.n_lists() {
        for b in 0..table.n_lists() {
            if a == b {
                continue;
            }
            let on_a = table.list_total(a);
            if on_a > 0 && table.overlap(a, b) == on_a {
                let names = table.list_names();
                let same = table.list_total(b) == on_a;
                let message = if same {
                    format!(
                        "Lists '{}' and '{}' hold exactly the same {on_a} people. Two lists that \
                         always agree cannot show how many people they both missed; treat them \
                         as one list.",
                        names[a], names[b]
                    )
                } else {
                    format!(
                        "Every one of the {on_a} people on list '{}' is also on list '{}'. \
                         '{}' then says nothing about the people '{}' missed, and the overlap \
                         cannot separate how many were missed from how closely the two lists \
                         depend on each other; merge '{}' into '{}' or leave it out.",
                        names[a], names[b], names[a], names[b], names[a], names[b]
                    )
                };
                return Err(refuse(
                    RefusalReason::ListContainsAnother {
                        inner: names[a].clone(),
                        outer: names[b].clone(),
                        inner_size: on_a,
                    },
                    message,
                ));
            }
        }
    }
    if several < options.min_overlap_people {
        return Err(refuse(
            RefusalReason::TooLittleOverlap {
                on_several_lists: several,
                minimum: options.min_overlap_people,
            },
            format!(
                "Only {several} people were found on more than one list; at least {} are needed. \
                 With so few, one more or one fewer match would change the estimate several-fold.",
                options.min_overlap_people
            ),
        ));
    }
    Ok((table, left_out))
}

/// A model in the search: a set of candidate pairs as a bitset.
type ModelKey = u32;

struct Search {
    pairs: Vec<CaptureHistory>,
    fits: BTreeMap<ModelKey, Result<(ModelFit, f64), Exclusion>>,
    kind: &'static str,
    stopped_at_cap: bool,
}

impl Search {
    fn terms(&self, key: ModelKey) -> Vec<CaptureHistory> {
        (0..self.pairs.len())
            .filter(|&b| key & (1 << b) != 0)
            .map(|b| self.pairs[b])
            .collect()
    }

    fn evaluate(&mut self, table: &CaptureTable, key: ModelKey, log_n: f64) -> Option<f64> {
        if !self.fits.contains_key(&key) {
            let result = fit_model(table, &self.terms(key)).map(|fit| {
                let bic = bic_of(&fit, log_n);
                (fit, bic)
            });
            self.fits.insert(key, result);
        }
        match &self.fits[&key] {
            Ok((_, bic)) => Some(*bic),
            Err(_) => None,
        }
    }

    fn best(&self) -> Option<(ModelKey, f64)> {
        self.fits
            .iter()
            .filter_map(|(&k, r)| r.as_ref().ok().map(|(_, bic)| (k, *bic)))
            .fold(None, |best, (k, bic)| match best {
                Some((_, b)) if b <= bic => best,
                _ => Some((k, bic)),
            })
    }
}

/// One model considered: its interactions (named and as masks of the screened table) and its
/// fit with BIC, or why it was excluded.
struct Evaluated {
    names: Vec<String>,
    terms: Vec<CaptureHistory>,
    result: Result<(ModelFit, f64), Exclusion>,
}

/// Everything the search found.
struct Searched {
    kind: &'static str,
    candidates: Vec<CaptureHistory>,
    left_out: Vec<InteractionLeftOut>,
    evaluated: Vec<Evaluated>,
    stopped_at_cap: bool,
}

impl Search {
    fn finish(self, table: &CaptureTable, left_out: Vec<InteractionLeftOut>) -> Searched {
        let evaluated = self
            .fits
            .iter()
            .map(|(&key, result)| {
                let terms = self.terms(key);
                Evaluated {
                    names: terms.iter().map(|&t| table.describe(t)).collect(),
                    terms,
                    result: result.clone(),
                }
            })
            .collect();
        Searched {
            kind: self.kind,
            candidates: self.pairs,
            left_out,
            evaluated,
            stopped_at_cap: self.stopped_at_cap,
        }
    }
}

fn bic_of(fit: &ModelFit, log_n: f64) -> f64 {
    -2.0 * fit.log_likelihood + fit.n_parameters as f64 * log_n
}

fn search_models(table: &CaptureTable, options: &Options) -> Searched {
    let k = table.n_lists();
    let mut pairs = Vec::new();
    let mut left_out = Vec::new();
    for a in 0..k {
        for b in a + 1..k {
            let mask = (1 << a) | (1 << b);
            if table.total_containing(mask) > 0 {
                pairs.push(mask);
            } else {
                left_out.push(InteractionLeftOut {
                    lists: table.describe(mask),
                    reason: Exclusion::EmptyOverlap {
                        lists: table.describe(mask),
                    }
                    .explain(),
                });
            }
        }
    }
    let log_n = (table.n_observed() as f64).ln();
    let n_pairs = pairs.len();
    let mut search = Search {
        pairs,
        fits: BTreeMap::new(),
        kind: "exhaustive",
        stopped_at_cap: false,
    };
    if n_pairs <= options.max_exhaustive_pairs {
        for key in 0..(1u32 << n_pairs) {
            search.evaluate(table, key, log_n);
        }
        return search.finish(table, left_out);
    }
    search.kind = "neighbourhood";
    // Greedy descent in BIC from the main-effects model, one interaction added or dropped at a
    // time ...
    let mut current = 0u32;
    let mut current_bic = search.evaluate(table, 0, log_n);
    loop {
        let mut improved = None;
        for b in 0..n_pairs {
            let next = current ^ (1 << b);
            if let Some(bic) = search.evaluate(table, next, log_n)
                && current_bic.is_none_or(|c| bic < c - 1e-9)
                && improved.is_none_or(|(_, best)| bic < best)
            {
                improved = Some((next, bic));
            }
        }
        match improved {
            Some((next, bic)) => {
                current = next;
                current_bic = Some(bic);
            }
            None => break,
        }
        if search.fits.len() >= options.max_models {
            search.stopped_at_cap = true;
            break;
        }
    }
    // ... then Occam's window: every model within the window of the best has all its
    // neighbours fitted, until no unexpanded model is left in the window.
    let mut expanded = std::collections::BTreeSet::new();
    'outer: while !search.stopped_at_cap {
        let Some((_, best_bic)) = search.best() else {
            break;
        };
        let to_expand: Vec<ModelKey> = search
            .fits
            .iter()
            .filter_map(|(&key, r)| match r {
                Ok((_, bic)) if *bic <= best_bic + options.occam_window => Some(key),
                _ => None,
            })
            .filter(|key| !expanded.contains(key))
            .collect();
        if to_expand.is_empty() {
            break;
        }
        for key in to_expand {
            expanded.insert(key);
            for b in 0..n_pairs {
                search.evaluate(table, key ^ (1 << b), log_n);
                if search.fits.len() >= options.max_models {
                    search.stopped_at_cap = true;
                    break 'outer;
                }
            }
        }
    }
    search.finish(table, left_out)
}

/// What a reader of the figure should be told besides the interval.
fn caveats(table: &CaptureTable, searched: &Searched, top_weight: f64) -> Vec<String> {
    let mut notes = Vec::new();
    for i in 0..table.n_lists() {
        let alone = table.count(1 << i);
        if alone > 0 && alone == table.list_total(i) {
            notes.push(format!(
                "Nobody on list '{}' is on any other list. Its {alone} people count as seen, \
                 but the models can only treat the list as independent of the others, which \
                 nothing in the data can check.",
                table.list_names()[i]
            ));
        }
    }
    if top_weight < 0.5 {
        notes.push(format!(
            "No single model is clearly best: the best carries {:.0}% of the weight, and the \
             interval spans what the plausible models say.",
            100.0 * top_weight
        ));
    }
    if searched.kind == "neighbourhood" {
        notes.push(format!(
            "With {} candidate interactions not every model was fitted: a neighbourhood search \
             (Occam's window) fitted {}.",
            searched.candidates.len(),
            searched.evaluated.len()
        ));
    }
    if searched.stopped_at_cap {
        notes.push(
            "The model search stopped at its cap before Occam's window closed; models left out \
             could change the estimate."
                .to_string(),
        );
    }
    notes
}

/// Log-normal predictive distribution of the number on no list under one model: log z₀ has
/// mean λ̂ and variance ln(1 + Var(λ̂) + 1/ẑ₀) (Chao 1987, with Var(N̂) = ẑ₀² Var(λ̂) + ẑ₀, which
/// for two lists is Darroch's multinomial variance).
pub(crate) fn model_component(fit: &ModelFit, observed: f64, weight: f64) -> Component {
    let hidden = fit.hidden();
    let sigma = (1.0 + fit.var_log_hidden + 1.0 / hidden).ln().sqrt();
    Component {
        weight,
        shift: observed,
        mu: fit.log_hidden,
        sigma,
    }
}

fn average(table: &CaptureTable, lists_left_out: Vec<ListLeftOut>, searched: Searched) -> Outcome {
    let observed = table.n_observed();
    let candidate_names: Vec<String> = searched
        .candidates
        .iter()
        .map(|&m| table.describe(m))
        .collect();
    let mut valid: Vec<(&Evaluated, &ModelFit, f64)> = Vec::new();
    let mut excluded = Vec::new();
    let (mut no_mle, mut not_ident, mut no_conv) = (0, 0, 0);
    for model in &searched.evaluated {
        match &model.result {
            Ok((fit, bic)) => valid.push((model, fit, *bic)),
            Err(exclusion) => {
                match exclusion {
                    Exclusion::NoFiniteMle | Exclusion::EmptyOverlap { .. } => no_mle += 1,
                    Exclusion::NotIdentifiable { .. } => not_ident += 1,
                    Exclusion::NoConvergence => no_conv += 1,
                }
                excluded.push((model, exclusion));
            }
        }
    }
    let models_fitted = searched.evaluated.len();
    let summary = SearchSummary {
        kind: searched.kind,
        candidate_interactions: candidate_names.clone(),
        interactions_not_considered: searched.left_out.clone(),
        models_fitted,
        models_excluded: excluded.len(),
        excluded_no_finite_mle: no_mle,
        excluded_not_identifiable: not_ident,
        excluded_no_convergence: no_conv,
        stopped_at_cap: searched.stopped_at_cap,
    };
    let excluded_models: Vec<ExcludedModel> = excluded
        .iter()
        .take(20)
        .map(|(model, exclusion)| ExcludedModel {
            interactions: model.names.clone(),
            exclusion: (*exclusion).clone(),
            reason: exclusion.explain(),
        })
        .collect();
    if valid.is_empty() {
        let first = excluded_models
            .first()
            .map(|m| m.reason.clone())
            .unwrap_or_default();
        return Outcome::Refused(Refusal {
            reason: RefusalReason::NoUsableModel {
                models_tried: models_fitted,
            },
            message: format!(
                "None of the {} models tried gives a finite, identifiable estimate; for the \
                 simplest: {first}.",
                models_fitted
            ),
            observed,
        });
    }
    let best_bic = valid.iter().map(|v| v.2).fold(f64::INFINITY, f64::min);
    let raw: Vec<f64> = valid
        .iter()
        .map(|v| (-(v.2 - best_bic) / 2.0).exp())
        .collect();
    let total_raw: f64 = raw.iter().sum();
    let weights: Vec<f64> = raw.iter().map(|r| r / total_raw).collect();
    let n = observed as f64;
    let components: Vec<Component> = valid
        .iter()
        .zip(&weights)
        .map(|((_, fit, _), &w)| model_component(fit, n, w))
        .collect();
    let Some(mixture) = Mixture::new(components.clone()) else {
        return Outcome::Refused(Refusal {
            reason: RefusalReason::NoUsableModel {
                models_tried: models_fitted,
            },
            message: "The model weights could not be computed.".to_string(),
            observed,
        });
    };
    let estimate = mixture.quantile(0.5);
    let ci95 = [mixture.quantile(0.025), mixture.quantile(0.975)];

    let mut order: Vec<usize> = (0..valid.len()).collect();
    order.sort_by(|&a, &b| weights[b].total_cmp(&weights[a]).then(a.cmp(&b)));
    let mut models = Vec::new();
    let mut cumulative = 0.0;
    for &i in &order {
        if cumulative >= 0.99 || models.len() >= 20 {
            break;
        }
        let (model, fit, bic) = valid[i];
        let c = components[i];
        cumulative += weights[i];
        models.push(ModelSummary {
            interactions: model.names.clone(),
            n_parameters: fit.n_parameters,
            deviance: fit.deviance,
            bic,
            weight: weights[i],
            hidden: fit.hidden(),
            estimate: n + fit.hidden(),
            ci95: [
                n + (c.mu - Z975 * c.sigma).exp(),
                n + (c.mu + Z975 * c.sigma).exp(),
            ],
        });
    }
    let interaction_weights = searched
        .candidates
        .iter()
        .zip(&candidate_names)
        .map(|(&term, name)| InteractionWeight {
            lists: name.clone(),
            weight: valid
                .iter()
                .zip(&weights)
                .filter(|((model, _, _), _)| model.terms.contains(&term))
                .map(|(_, w)| w)
                .sum(),
        })
        .collect();
    let top_weight = weights.iter().copied().fold(0.0, f64::max);
    let method = format!(
        "Poisson log-linear models with main effects for the {} lists and any set of two-list \
         interactions ({} search, {} models with an estimate), averaged with BIC weights; the \
         interval is the 2.5% and 97.5% points of the weighted mixture of each model's \
         log-normal distribution for the number on no list.",
        table.n_lists(),
        searched.kind,
        valid.len()
    );
    Outcome::Estimated(Estimate {
        lists: table.list_names().to_vec(),
        lists_left_out,
        observed,
        estimate,
        ci95,
        hidden: estimate - n,
        hidden_ci95: [ci95[0] - n, ci95[1] - n],
        method,
        search: summary,
        models,
        interaction_weights,
        excluded_models,
        notes: caveats(table, &searched, top_weight),
        mixture,
    })
}
