//! One log-linear model fitted to one table: log E[n_h] = λ + Σ main effects + the chosen
//! interactions, by Poisson maximum likelihood (Newton–Raphson, which for the canonical log link
//! is IRLS) on the 2^K − 1 observable cells. The unobserved cell's expectation is exp(λ).
//!
//! Before fitting, the model is checked as SparseMSE's `checkident` does: the design must have
//! full column rank (otherwise the total is not identifiable) and the linear program of
//! [`crate::lp`] must show that a finite MLE exists. An interaction between two lists that share
//! nobody is refused by name before that, since its MLE is −∞.

use serde::Serialize;

use crate::linalg::{cholesky, cholesky_solve, column_rank};
use crate::lp::max_min_cell;
use crate::table::{CaptureHistory, CaptureTable};

/// Why a model gives no estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Exclusion {
    /// An interaction between lists that share nobody: its MLE is minus infinity.
    EmptyOverlap { lists: String },
    /// The design does not have full rank: more parameters than the cells can separate.
    NotIdentifiable { rank: usize, n_parameters: usize },
    /// No strictly positive table has the observed margins (Fienberg–Rinaldo linear program):
    /// some parameter runs off to infinity.
    NoFiniteMle,
    /// Newton–Raphson did not converge, or produced a non-finite estimate.
    NoConvergence,
}

impl Exclusion {
    /// The reason in plain English.
    pub fn explain(&self) -> String {
        match self {
            Exclusion::EmptyOverlap { lists } => format!(
                "nobody is on both {lists}, so a term for how those lists depend on each other \
                 would be minus infinity"
            ),
            Exclusion::NotIdentifiable { rank, n_parameters } => format!(
                "the model has {n_parameters} parameters but the overlaps can separate only {rank}"
            ),
            Exclusion::NoFiniteMle => "the overlaps have zeros in places that push a parameter \
                                       to infinity (no finite maximum likelihood estimate)"
                .to_string(),
            Exclusion::NoConvergence => "the fit did not converge to a finite estimate".to_string(),
        }
    }
}

/// A fitted model.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFit {
    /// The interaction terms (each a mask of two or more lists).
    pub terms: Vec<CaptureHistory>,
    /// Number of parameters: intercept, one per list, one per term.
    pub n_parameters: usize,
    /// λ, the log of the expected count on no list.
    pub log_hidden: f64,
    /// Var(λ̂) from the inverse Fisher information.
    pub var_log_hidden: f64,
    /// Poisson deviance against the saturated fit of the observed cells.
    pub deviance: f64,
    /// Maximised Poisson log-likelihood, without the Σ log n_h! constant.
    pub log_likelihood: f64,
    /// Newton iterations used.
    pub iterations: usize,
}

impl ModelFit {
    /// The estimated number of people on no list, exp(λ̂).
    pub fn hidden(&self) -> f64 {
        self.log_hidden.exp()
    }
}

/// The design matrix over the observable cells 1..2^K: intercept, main effects, then `terms`.
pub(crate) fn design(n_lists: usize, terms: &[CaptureHistory]) -> (Vec<f64>, usize, usize) {
    let n_cells = (1usize << n_lists) - 1;
    let p = 1 + n_lists + terms.len();
    let mut x = vec![0.0; n_cells * p];
    for row in 0..n_cells {
        let h = (row + 1) as u32;
        let r = &mut x[row * p..(row + 1) * p];
        r[0] = 1.0;
        for i in 0..n_lists {
            if h & (1 << i) != 0 {
                r[1 + i] = 1.0;
            }
        }
        for (k, &t) in terms.iter().enumerate() {
            if h & t == t {
                r[1 + n_lists + k] = 1.0;
            }
        }
    }
    (x, n_cells, p)
}

/// Fits the model with main effects and `terms` to `table`, after the checks above.
pub fn fit_model(table: &CaptureTable, terms: &[CaptureHistory]) -> Result<ModelFit, Exclusion> {
    let n_lists = table.n_lists();
    for &t in terms {
        if t.count_ones() >= 2 && table.total_containing(t) == 0 {
            return Err(Exclusion::EmptyOverlap {
                lists: table.describe(t),
            });
        }
    }
    let (x, n_cells, p) = design(n_lists, terms);
    let rank = column_rank(&x, n_cells, p);
    if rank < p {
        return Err(Exclusion::NotIdentifiable {
            rank,
            n_parameters: p,
        });
    }
    let y: Vec<f64> = table.counts()[1..].iter().map(|&c| c as f64).collect();
    let mut t = vec![0.0; p];
    for (c, &yc) in y.iter().enumerate() {
        if yc != 0.0 {
            for (j, tj) in t.iter_mut().enumerate() {
                *tj += x[c * p + j] * yc;
            }
        }
    }
    // With every observed cell positive the counts themselves are a strictly positive table
    // with the observed margins, so the MLE exists; only zeros need the linear program.
    if y.contains(&0.0) {
        let total: f64 = y.iter().sum();
        match max_min_cell(&x, n_cells, p, &t) {
            Some(s) if s > 1e-9 * total.max(1.0) / n_cells as f64 => {}
            _ => return Err(Exclusion::NoFiniteMle),
        }
    }
    newton(&x, n_cells, p, &y)
        .ok_or(Exclusion::NoConvergence)
        .map(|(beta, var0, ll, deviance, iterations)| ModelFit {
            terms: terms.to_vec(),
            n_parameters: p,
            log_hidden: beta[0],
            var_log_hidden: var0,
            deviance,
            log_likelihood: ll,
            iterations,
        })
}

type NewtonResult = (Vec<f64>, f64, f64, f64, usize);

/// Poisson regression by Newton–Raphson with step halving. Returns β, Var(β̂₀), the
/// log-likelihood (without the factorial constant), the deviance and the iterations used.
fn newton(x: &[f64], n: usize, p: usize, y: &[f64]) -> Option<NewtonResult> {
    // Start from a least-squares fit of log(y + 0.5), the usual IRLS start.
    let start_w: Vec<f64> = y.iter().map(|&v| v + 0.5).collect();
    let start_r: Vec<f64> = start_w.iter().map(|&w| w * w.ln()).collect();
    let mut beta = solve_normal(x, n, p, &start_w, &start_r)?.0;
    let mut eta;
    eta = linear_predictor(x, n, p, &beta);
    let mut ll = log_likelihood(y, &eta)?;
    let mut iterations = 0;
    let mut converged = false;
    for it in 1..=100 {
        iterations = it;
        let mu: Vec<f64> = eta.iter().map(|e| e.exp()).collect();
        // Newton step: (Xᵀ W X) δ = Xᵀ (y − μ), W = diag(μ).
        let resid: Vec<f64> = y.iter().zip(&mu).map(|(a, b)| a - b).collect();
        let (delta, _) = solve_normal(x, n, p, &mu, &resid)?;
        let mut step = 1.0;
        let mut accepted = false;
        for _ in 0..30 {
            let trial: Vec<f64> = beta.iter().zip(&delta).map(|(b, d)| b + step * d).collect();
            let trial_eta = linear_predictor(x, n, p, &trial);
            if let Some(trial_ll) = log_likelihood(y, &trial_eta)
                && trial_ll >= ll - 1e-12 * ll.abs().max(1.0)
            {
                let gain = trial_ll - ll;
                beta = trial;
                eta = trial_eta;
                ll = trial_ll;
                accepted = true;
                if gain.abs() <= 1e-11 * ll.abs().max(1.0) {
                    converged = true;
                }
                break;
            }
            step *= 0.5;
        }
        if !accepted {
            // No step improves: at the optimum to machine precision.
            converged = true;
        }
        if converged {
            break;
        }
    }
    if !converged || beta.iter().any(|b| !b.is_finite() || b.abs() > 60.0) {
        return None;
    }
    let mu: Vec<f64> = eta.iter().map(|e| e.exp()).collect();
    let (_, l) = solve_normal(x, n, p, &mu, &vec![0.0; n])?;
    let mut e0 = vec![0.0; p];
    e0[0] = 1.0;
    let var0 = cholesky_solve(&l, p, &e0)[0];
    let deviance = 2.0
        * y.iter()
            .zip(&mu)
            .map(|(&yi, &mi)| {
                if yi > 0.0 {
                    yi * (yi / mi).ln() - (yi - mi)
                } else {
                    mi
                }
            })
            .sum::<f64>();
    if !var0.is_finite() || var0 < 0.0 {
        return None;
    }
    Some((beta, var0, ll, deviance.max(0.0), iterations))
}

fn linear_predictor(x: &[f64], n: usize, p: usize, beta: &[f64]) -> Vec<f64> {
    (0..n)
        .map(|c| {
            x[c * p..(c + 1) * p]
                .iter()
                .zip(beta)
                .map(|(a, b)| a * b)
                .sum()
        })
        .collect()
}

fn log_likelihood(y: &[f64], eta: &[f64]) -> Option<f64> {
    let mut ll = 0.0;
    for (&yi, &e) in y.iter().zip(eta) {
        if e > 700.0 {
            return None;
        }
        ll += yi * e - e.exp();
    }
    ll.is_finite().then_some(ll)
}

/// Solves (Xᵀ W X) δ = Xᵀ r and returns δ with the Cholesky factor of Xᵀ W X. With r = W z it
/// is the weighted least-squares fit of z; with r = y − μ and W = diag(μ), the Newton step.
fn solve_normal(
    x: &[f64],
    n: usize,
    p: usize,
    w: &[f64],
    r: &[f64],
) -> Option<(Vec<f64>, Vec<f64>)> {
    let mut a = vec![0.0; p * p];
    let mut b = vec![0.0; p];
    for c in 0..n {
        let row = &x[c * p..(c + 1) * p];
        let wc = w[c];
        for i in 0..p {
            let xi = row[i];
            if xi == 0.0 {
                continue;
            }
            b[i] += xi * r[c];
            let wxi = wc * xi;
            for j in 0..=i {
                a[i * p + j] += wxi * row[j];
            }
        }
    }
    for i in 0..p {
        for j in 0..i {
            a[j * p + i] = a[i * p + j];
        }
    }
    let l = cholesky(&a, p)?;
    Some((cholesky_solve(&l, p, &b), l))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(names: &[&str], histories: &[(u32, u64)]) -> CaptureTable {
        CaptureTable::from_histories(names.iter().map(|s| s.to_string()).collect(), histories)
            .expect("valid table")
    }

    #[test]
    fn two_lists_give_lincoln_petersen() {
        let t = table(&["A", "B"], &[(1, 60), (2, 90), (3, 30)]);
        let fit = fit_model(&t, &[]).expect("fits");
        assert!((fit.hidden() - 60.0 * 90.0 / 30.0).abs() < 1e-6);
        // Var(log z0) = 1/n10 + 1/n01 + 1/n11 for the 2×2 table.
        let v = 1.0 / 60.0 + 1.0 / 90.0 + 1.0 / 30.0;
        assert!((fit.var_log_hidden - v).abs() < 1e-9);
        assert!(fit.deviance < 1e-8);
        assert!(matches!(
            fit_model(&t, &[3]),
            Err(Exclusion::NotIdentifiable { .. })
        ));
    }

    // SparseMSE's Artificial_3 (Chan, Silverman and Vincent 2019, Table 2): A 40, B 30, C 20,
    // AB 6. With AB in the model the linear program finds no finite MLE; without it the main
    // effects model is fine; AC and BC have empty overlaps.
    #[test]
    fn artificial_3_checks_as_sparsemse_does() {
        let t = table(&["A", "B", "C"], &[(1, 40), (2, 30), (4, 20), (3, 6)]);
        assert!(fit_model(&t, &[]).is_ok());
        assert_eq!(fit_model(&t, &[0b011]), Err(Exclusion::NoFiniteMle));
        assert!(matches!(
            fit_model(&t, &[0b101]),
            Err(Exclusion::EmptyOverlap { .. })
        ));
    }

    #[test]
    fn a_zero_cell_that_forces_a_boundary_is_caught() {
        // A ⊂ B: nobody on A without B. With the A×B term the fit would put those cells at 0.
        let t = table(
            &["A", "B", "C"],
            &[(3, 20), (2, 50), (4, 40), (6, 10), (7, 5)],
        );
        assert_eq!(fit_model(&t, &[0b011]), Err(Exclusion::NoFiniteMle));
    }

    #[test]
    fn saturated_three_list_model_fits_exactly() {
        let t = table(
            &["A", "B", "C"],
            &[(1, 50), (2, 40), (3, 12), (4, 30), (5, 9), (6, 8), (7, 3)],
        );
        let fit = fit_model(&t, &[0b011, 0b101, 0b110]).expect("fits");
        assert!(fit.deviance < 1e-7);
        // Saturated: z0 = n1 n2 n4 n7 / (n3 n5 n6) (no three-way interaction).
        let z0 = 50.0 * 40.0 * 30.0 * 3.0 / (12.0 * 9.0 * 8.0);
        assert!((fit.hidden() - z0).abs() / z0 < 1e-8);
    }
}
