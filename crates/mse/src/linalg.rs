//! Small dense linear algebra: a Cholesky factorisation for the IRLS normal equations and a
//! rank for the design matrix. Matrices are row-major `Vec<f64>`; sizes are at most
//! 255 × 37 here (eight lists with every two-way interaction), so nothing cleverer is needed.

/// The lower-triangular Cholesky factor of the `p × p` symmetric matrix `a`, or `None` when `a`
/// is not (numerically) positive definite.
pub fn cholesky(a: &[f64], p: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; p * p];
    let scale = (0..p).map(|i| a[i * p + i].abs()).fold(0.0, f64::max);
    let tiny = scale * 1e-13;
    for j in 0..p {
        let mut d = a[j * p + j];
        for k in 0..j {
            d -= l[j * p + k] * l[j * p + k];
        }
        if d.is_nan() || d <= tiny {
            return None;
        }
        let d = d.sqrt();
        l[j * p + j] = d;
        for i in j + 1..p {
            let mut s = a[i * p + j];
            for k in 0..j {
                s -= l[i * p + k] * l[j * p + k];
            }
            l[i * p + j] = s / d;
        }
    }
    Some(l)
}

/// Solves `L Lᵀ x = b` given the Cholesky factor `l`.
pub fn cholesky_solve(l: &[f64], p: usize, b: &[f64]) -> Vec<f64> {
    let mut y = b.to_vec();
    for i in 0..p {
        let mut s = y[i];
        for k in 0..i {
            s -= l[i * p + k] * y[k];
        }
        y[i] = s / l[i * p + i];
    }
    for i in (0..p).rev() {
        let mut s = y[i];
        for k in i + 1..p {
            s -= l[k * p + i] * y[k];
        }
        y[i] = s / l[i * p + i];
    }
    y
}

/// The column rank of the `n × p` matrix `x`, by Gaussian elimination with partial pivoting.
/// Meant for 0/1 design matrices, where a fixed tolerance is safe.
pub fn column_rank(x: &[f64], n: usize, p: usize) -> usize {
    let mut m = x.to_vec();
    let mut rank = 0;
    for col in 0..p {
        if rank == n {
            break;
        }
        let (pivot, best) =
            (rank..n)
                .map(|r| (r, m[r * p + col].abs()))
                .fold(
                    (rank, 0.0),
                    |acc, cur| if cur.1 > acc.1 { cur } else { acc },
                );
        if best < 1e-9 {
            continue;
        }
        if pivot != rank {
            for c in 0..p {
                m.swap(pivot * p + c, rank * p + c);
            }
        }
        let d = m[rank * p + col];
        for r in rank + 1..n {
            let f = m[r * p + col] / d;
            if f != 0.0 {
                for c in col..p {
                    m[r * p + c] -= f * m[rank * p + c];
                }
            }
        }
        rank += 1;
    }
    rank
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_solves_a_small_system() {
        let a = [4.0, 2.0, 0.6, 2.0, 5.0, 1.0, 0.6, 1.0, 3.0];
        let l = cholesky(&a, 3).expect("positive definite");
        let x = cholesky_solve(&l, 3, &[1.0, 2.0, 3.0]);
        for i in 0..3 {
            let row: f64 = (0..3).map(|j| a[i * 3 + j] * x[j]).sum();
            assert!((row - [1.0, 2.0, 3.0][i]).abs() < 1e-12);
        }
        assert!(cholesky(&[1.0, 2.0, 2.0, 1.0], 2).is_none());
    }

    #[test]
    fn rank_of_dependent_columns() {
        // columns: 1, a, b, a+b
        let x = [1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0];
        assert_eq!(column_rank(&x, 3, 4), 3);
    }
}
