//! How many people did no list see?
//!
//! Multiple systems estimation (capture–recapture over several lists): given K lists (2 to 8)
//! and, for every combination of lists, how many people were on exactly those lists, estimate
//! how many people were on none of them, with a 95% interval, or refuse and say why the
//! overlaps cannot tell.
//!
//! # Method
//!
//! **Models.** Each model is a Poisson log-linear model for the 2^K − 1 observable cells,
//! `log E[n_h] = λ + Σ_{i ∈ h} α_i + Σ_{interactions t ⊆ h} β_t`, fitted by maximum likelihood
//! (Newton–Raphson, i.e. IRLS for the canonical link, written here with a small Cholesky
//! solver). The number on no list is estimated by exp(λ̂): the model's interactions are how
//! lists depend on each other (a child known to the police is more likely to be known to
//! children's services), and the model assumes no higher-order dependence than it contains.
//!
//! **Which models exist.** As SparseMSE (Chan, Silverman and Vincent 2019) does, each model is
//! checked before fitting: the design must have full column rank (else the total is not
//! identifiable), and the Fienberg–Rinaldo linear program must find a strictly positive table
//! with the observed margins (else some parameter runs to infinity and there is no finite MLE;
//! `src/lp.rs` has the program, and it is skipped when no observed cell is zero). An interaction between two lists that share nobody has an MLE of
//! −∞; SparseMSE keeps such a model by deleting the cells (an "extended" MLE), whereas here no
//! model includes that interaction and the search summary says so. A fit that still fails to
//! converge is excluded with its reason.
//!
//! **Model space.** Main effects plus any subset of the two-list interactions whose lists
//! overlap. With up to [`Options::max_exhaustive_pairs`] (12) such interactions every subset is
//! fitted — all models for up to five lists. Above that (six lists with most pairs overlapping,
//! up to eight lists: 2^28 models) a neighbourhood search is used instead: a greedy descent in
//! BIC from the main-effects model, then Occam's window (Madigan and Raftery 1994): every model
//! within 2 ln 1000 BIC units of the best has all its one-interaction neighbours fitted, until
//! the window holds no unexpanded model or [`Options::max_models`] is reached. Models far
//! outside the window would carry a weight below 1/1000 of the best's.
//!
//! **Averaging.** Bayesian model averaging with the BIC approximation to each model's marginal
//! likelihood (Raftery 1995), `w_m ∝ exp(−BIC_m / 2)`, equal prior weight on every model, and
//! BIC's penalty `p ln n` with n the number of people observed. BIC rather than AIC because it
//! approximates a posterior probability (which is what averaging needs) and penalises spurious
//! interactions more; the stepwise p-value selection the Home Office used picks one model and
//! then forgets it was chosen, which is how intervals come to overstate certainty
//! (Whitehead et al. 2021).
//!
//! **Interval.** Under each model the number on no list, z₀, has a log-normal distribution with
//! median ẑ₀ and log-scale variance `ln(1 + Var(λ̂) + 1/ẑ₀)` (Chao 1987's log-transformed
//! interval, with `Var(N̂) = ẑ₀² Var(λ̂) + ẑ₀`; for two lists this is exactly Darroch's variance of
//! the Lincoln–Petersen estimate). The model-averaged distribution of the total is the mixture
//! of these over models with the BIC weights; the estimate is its median and the 95% interval
//! its 2.5% and 97.5% points. So an interval is wide when plausible models disagree, not only
//! when each model is imprecise. This was chosen over a parametric bootstrap that repeats the
//! averaging because it costs one fit per model instead of hundreds of fits per model, needs no
//! randomness, and is calibrated: in `tests/coverage.rs` (N = 2,000, three to five lists,
//! capture probabilities 0.1–0.4, two positively dependent lists) the interval contains the
//! true N in 95.5% of 600 populations (odds ratio 3) and 95.8% (odds ratio 6).
//! What it does not cover is dependence the models cannot express (heterogeneity in
//! catchability shared by all lists, three-way interactions): no method based on the overlaps
//! alone can.
//!
//! **Refusals** ([`RefusalReason`]): fewer than two lists with people; fewer than
//! [`Options::min_people`] (30) people; nobody on more than one list; a list whose people are
//! all on another list (it says nothing about whom the other missed); fewer than
//! [`Options::min_overlap_people`] (7) people on more than one list; every model excluded.
//! A refusal is a normal result ([`Outcome::Refused`]); [`MseError`] is for input that is not
//! a table at all.
//!
//! **Linkage error.** Missed links inflate the estimate and false links deflate it.
//! [`estimate_linkage_alternatives`] takes several versions of the table (linkage at different
//! thresholds, or tables drawn from the match probabilities) with weights, estimates each, and
//! pools their model-averaged distributions into one mixture, so the interval covers the spread
//! between linkages as well as the spread within each.
//!
//! **Strata.** [`estimate_strata`] estimates each stratum (sex, age band, region) on its own
//! and adds them; the interval of the sum comes from seeded Monte Carlo draws from each
//! stratum's distribution.
//!
//! **Given models.** [`estimate_models`] fits the caller's models instead of searching (one
//! model: SparseMSE's "fixed" method; three-way terms allowed).
//!
//! Everything is single-threaded and deterministic: the same input and options give the same
//! output bit for bit (the seed matters only for strata).
//!
//! ```
//! use sightline_mse::{CaptureTable, Options, estimate};
//!
//! // Three lists; capture history = bitmask (1 = police, 2 = social care, 4 = health).
//! let table = CaptureTable::from_histories(
//!     vec!["police".into(), "social care".into(), "health".into()],
//!     &[(1, 310), (2, 260), (3, 95), (4, 180), (5, 30), (6, 28), (7, 12)],
//! )?;
//! let outcome = estimate(&table, &Options::default())?;
//! if let Some(e) = outcome.estimated() {
//!     assert!(e.ci95[0] < e.estimate && e.estimate < e.ci95[1]);
//!     assert_eq!(e.observed, 915);
//! }
//! # Ok::<(), sightline_mse::MseError>(())
//! ```

mod combine;
mod error;
mod estimate;
mod fit;
mod linalg;
mod lp;
mod mixture;
mod table;

pub use combine::{
    AlternativeResult, LinkageAlternative, LinkageEstimate, StratifiedEstimate, Stratum,
    StratumResult, estimate_linkage_alternatives, estimate_strata,
};
pub use error::MseError;
pub use estimate::{
    Estimate, ExcludedModel, InteractionLeftOut, InteractionWeight, ListLeftOut, ModelSummary,
    Options, Outcome, Refusal, RefusalReason, SearchSummary, estimate, estimate_models,
};
pub use fit::{Exclusion, ModelFit, fit_model};
pub use table::{CaptureHistory, CaptureTable, MAX_LISTS, MIN_LISTS};
