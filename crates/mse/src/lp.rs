//! Does a log-linear model have a finite maximum likelihood estimate on these counts?
//!
//! Fienberg and Rinaldo (2012, Ann. Statist. 40, 996–1023) show that the MLE of a Poisson
//! log-linear model with design `A` (cells × parameters) exists if and only if the sufficient
//! statistics `t = Aᵀ n` are matched by some strictly positive table `y > 0`: `Aᵀ y = t`.
//! SparseMSE's `checkident` (Chan, Silverman and Vincent 2019) tests this with the linear
//! program
//!
//! ```text
//! maximise s  subject to  Aᵀ y = t,  y_i ≥ s for every cell,
//! ```
//!
//! whose optimum is positive exactly when the MLE exists. Here `y = s·1 + w` with `w ≥ 0`, which
//! gives the equivalent standard-form program `maximise s` subject to `s·Aᵀ1 + Aᵀw = t`,
//! `s, w ≥ 0`, solved by a dense two-phase simplex with Bland's rule (no cycling on the
//! degenerate programs these tables produce). Sizes are tiny: at most 37 constraints and 256
//! variables.

/// The largest `s` such that some table `y ≥ s` has the same sufficient statistics as the
/// observed counts. `design` is `n_cells × n_params` row-major; `t` is `Aᵀ n`.
/// Returns `None` if the program could not be solved (it always has the feasible point
/// `s = 0, w = n`, so this means numerical trouble).
pub fn max_min_cell(design: &[f64], n_cells: usize, n_params: usize, t: &[f64]) -> Option<f64> {
    // Variables: 0 = s, 1..=n_cells = w, then n_params artificials.
    let n_vars = 1 + n_cells + n_params;
    let width = n_vars + 1; // + right-hand side
    let rows = n_params;
    let mut tab = vec![0.0; (rows + 1) * width];
    for r in 0..rows {
        let row = &mut tab[r * width..(r + 1) * width];
        let mut col_sum = 0.0;
        for c in 0..n_cells {
            let a = design[c * n_params + r];
            row[1 + c] = a;
            col_sum += a;
        }
        row[0] = col_sum;
        row[1 + n_cells + r] = 1.0;
        row[n_vars] = t[r];
    }
    let mut basis: Vec<usize> = (0..rows).map(|r| 1 + n_cells + r).collect();

    // Phase 1: minimise the sum of artificials, i.e. maximise −Σ artificials.
    // Objective row holds reduced costs for a maximisation: z_j − c_j.
    let obj = rows;
    for c in 0..width {
        let mut v = 0.0;
        for r in 0..rows {
            v -= tab[r * width + c];
        }
        tab[obj * width + c] = v;
    }
    for r in 0..rows {
        tab[obj * width + 1 + n_cells + r] = 0.0;
    }
    let allowed_all = n_vars;
    if !run_simplex(&mut tab, &mut basis, rows, width, allowed_all) {
        return None;
    }
    let scale = t.iter().fold(1.0f64, |m, &v| m.max(v.abs()));
    if tab[obj * width + n_vars].abs() > 1e-9 * scale {
        return None; // infeasible: cannot happen for t = Aᵀ n
    }
    // Drive artificials out of the basis where possible.
    for r in 0..rows {
        if basis[r] > n_cells
            && let Some(c) = (0..=n_cells).find(|&c| tab[r * width + c].abs() > 1e-9)
        {
            pivot(&mut tab, rows, width, r, c);
            basis[r] = c;
        }
    }
    // Phase 2: maximise s. Reduced costs: −c_j + Σ c_B B⁻¹ a_j with c = e_0.
    for c in 0..width {
        tab[obj * width + c] = if c == 0 { -1.0 } else { 0.0 };
    }
    for r in 0..rows {
        if basis[r] == 0 {
            for c in 0..width {
                tab[obj * width + c] += tab[r * width + c];
            }
        }
    }
    // Artificials may not re-enter.
    if !run_simplex(&mut tab, &mut basis, rows, width, 1 + n_cells) {
        return None;
    }
    let s = basis
        .iter()
        .position(|&b| b == 0)
        .map(|r| tab[r * width + n_vars])
        .unwrap_or(0.0);
    Some(s.max(0.0))
}

/// Runs simplex iterations (Bland's rule) on a tableau whose last row is the objective's reduced
/// costs; entering columns are limited to `0..allowed`. Returns false on an unbounded program or
/// when the iteration cap is hit.
fn run_simplex(
    tab: &mut [f64],
    basis: &mut [usize],
    rows: usize,
    width: usize,
    allowed: usize,
) -> bool {
    let rhs = width - 1;
    let eps = 1e-11;
    for _ in 0..50_000 {
        let Some(enter) = (0..allowed).find(|&c| tab[rows * width + c] < -eps) else {
            return true;
        };
        let mut leave: Option<(usize, f64)> = None;
        for r in 0..rows {
            let a = tab[r * width + enter];
            if a > eps {
                let ratio = tab[r * width + rhs] / a;
                leave = match leave {
                    None => Some((r, ratio)),
                    Some((lr, lratio)) => {
                        if ratio < lratio - 1e-12
                            || (ratio <= lratio + 1e-12 && basis[r] < basis[lr])
                        {
                            Some((r, ratio))
                        } else {
                            Some((lr, lratio))
                        }
                    }
                };
            }
        }
        let Some((leave, _)) = leave else {
            return false;
        };
        pivot(tab, rows, width, leave, enter);
        basis[leave] = enter;
    }
    false
}

fn pivot(tab: &mut [f64], rows: usize, width: usize, r: usize, c: usize) {
    let d = tab[r * width + c];
    for j in 0..width {
        tab[r * width + j] /= d;
    }
    for i in 0..=rows {
        if i == r {
            continue;
        }
        let f = tab[i * width + c];
        if f != 0.0 {
            for j in 0..width {
                tab[i * width + j] -= f * tab[r * width + j];
            }
        }
    }
}
