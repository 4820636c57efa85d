//! The distribution of the total that model averaging (and linkage alternatives, and strata)
//! produce: a weighted mixture of shifted log-normal components, N = shift + exp(μ + σ Z).
//! Quantiles are found by bisection on the mixture's distribution function; sampling (for sums
//! over strata) uses a seeded ChaCha generator and the Box–Muller transform.

use rand::Rng;

/// One component: with probability `weight`, the total is `shift + exp(mu + sigma · Z)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Component {
    pub weight: f64,
    pub shift: f64,
    pub mu: f64,
    pub sigma: f64,
}

/// A finite mixture of shifted log-normals; weights are normalised on construction.
#[derive(Debug, Clone, PartialEq)]
pub struct Mixture {
    components: Vec<Component>,
}

impl Mixture {
    /// Builds the mixture; components with zero weight are dropped. `None` if nothing is left.
    pub fn new(components: Vec<Component>) -> Option<Mixture> {
        let total: f64 = components.iter().map(|c| c.weight).sum();
        if !(total > 0.0 && total.is_finite()) {
            return None;
        }
        let components = components
            .into_iter()
            .filter(|c| c.weight > 0.0)
            .map(|c| Component {
                weight: c.weight / total,
                ..c
            })
            .collect::<Vec<_>>();
        (!components.is_empty()).then_some(Mixture { components })
    }

    /// The components, weights summing to 1.
    pub fn components(&self) -> &[Component] {
        &self.components
    }

    /// P(total ≤ x).
    pub fn cdf(&self, x: f64) -> f64 {
        self.components
            .iter()
            .map(|c| {
                if x <= c.shift {
                    return 0.0;
                }
                let z = (x - c.shift).ln();
                let p = if c.sigma > 0.0 {
                    normal_cdf((z - c.mu) / c.sigma)
                } else if z >= c.mu {
                    1.0
                } else {
                    0.0
                };
                c.weight * p
            })
            .sum()
    }

    /// The `q`-quantile, by bisection to a relative precision of about 1e-12.
    pub fn quantile(&self, q: f64) -> f64 {
        let mut lo = self
            .components
            .iter()
            .map(|c| c.shift)
            .fold(f64::INFINITY, f64::min);
        let mut hi = self
            .components
            .iter()
            .map(|c| c.shift + (c.mu + 40.0 * c.sigma.max(0.0)).min(700.0).exp())
            .fold(f64::NEG_INFINITY, f64::max);
        for _ in 0..400 {
            let mid = 0.5 * (lo + hi);
            if mid <= lo || mid >= hi {
                break;
            }
            if self.cdf(mid) < q {
                lo = mid;
            } else {
                hi = mid;
            }
            if hi - lo <= 1e-12 * hi.abs().max(1.0) {
                break;
            }
        }
        0.5 * (lo + hi)
    }

    /// One draw from the mixture.
    pub fn sample<R: Rng>(&self, rng: &mut R) -> f64 {
        let u: f64 = rng.random();
        let mut acc = 0.0;
        let mut chosen = self.components[self.components.len() - 1];
        for c in &self.components {
            acc += c.weight;
            if u < acc {
                chosen = *c;
                break;
            }
        }
        let z = standard_normal(rng);
        chosen.shift + (chosen.mu + chosen.sigma * z).exp()
    }
}

/// A standard normal draw by Box–Muller (one of the pair; simple and reproducible).
pub fn standard_normal<R: Rng>(rng: &mut R) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>(); // (0, 1]
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Φ(x), the standard normal distribution function.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

/// The complementary error function, W. J. Cody's rational approximations (1969), relative
/// error below 1e-15 over the real line.
#[allow(clippy::excessive_precision)] // Cody's published coefficients, kept as printed
pub fn erfc(x: f64) -> f64 {
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    if x < 0.5 {
        return 1.0 - erf_small(x);
    }
    if x > 27.0 {
        return 0.0;
    }
    let (p, q): (&[f64], &[f64]) = if x <= 4.0 {
        (
            &[
                1.23033935479799725e3,
                2.05107837782607147e3,
                1.71204761263407058e3,
                8.81952221241769090e2,
                2.98635138197400131e2,
                6.61191906371416295e1,
                8.88314979438837594e0,
                5.64188496988670089e-1,
                2.15311535474403846e-8,
            ],
            &[
                1.23033935480374942e3,
                3.43936767414372164e3,
                4.36261909014324716e3,
                3.29079923573345963e3,
                1.62138957456669019e3,
                5.37181101862009858e2,
                1.17693950891312499e2,
                1.57449261107098347e1,
                1.0,
            ],
        )
    } else {
        let z = 1.0 / (x * x);
        let p = [
            6.58749161529837803e-4,
            1.60837851487422766e-2,
            1.25781726111229246e-1,
            3.60344899949804439e-1,
            3.05326634961232344e-1,
            1.63153871373020978e-2,
        ];
        let q = [
            2.33520497626869185e-3,
            6.05183413124413191e-2,
            5.27905102951428412e-1,
            1.87295284992346725e0,
            2.56852019228982242e0,
            1.0,
        ];
        let num = horner(&p, z);
        let den = horner(&q, z);
        let r = z * num / den;
        let s = (1.0 / std::f64::consts::PI).sqrt();
        return (-x * x).exp() / x * (s - r);
    };
    (-x * x).exp() * horner(p, x) / horner(q, x)
}

#[allow(clippy::excessive_precision)]
fn erf_small(x: f64) -> f64 {
    let p = [
        3.20937758913846947e3,
        3.77485237685302021e2,
        1.13864154151050156e2,
        3.16112374387056560e0,
        1.85777706184603153e-1,
    ];
    let q = [
        2.84423683343917062e3,
        1.28261652607737228e3,
        2.44024637934444173e2,
        2.36012909523441209e1,
        1.0,
    ];
    let z = x * x;
    x * horner(&p, z) / horner(&q, z)
}

/// Evaluates Σ c_i xⁱ with coefficients in increasing order.
fn horner(c: &[f64], x: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, &v| acc * x + v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_cdf_matches_known_values() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-15);
        assert!((normal_cdf(1.959963984540054) - 0.975).abs() < 1e-13);
        assert!((normal_cdf(-1.0) - 0.15865525393145707).abs() < 1e-13);
        assert!((normal_cdf(-3.0) - 0.0013498980316301).abs() < 1e-14);
        assert!((normal_cdf(0.3) - 0.6179114221889527).abs() < 1e-13);
        assert!((normal_cdf(5.0) - 0.9999997133484281).abs() < 1e-14);
    }

    #[test]
    fn single_component_quantiles_are_log_normal() {
        let m = Mixture::new(vec![Component {
            weight: 2.0,
            shift: 100.0,
            mu: 5.0,
            sigma: 0.2,
        }])
        .expect("one component");
        let upper = m.quantile(0.975);
        let expected = 100.0 + (5.0 + 0.2 * 1.959963984540054f64).exp();
        assert!((upper - expected).abs() < 1e-6, "{upper} vs {expected}");
        assert!((m.quantile(0.5) - (100.0 + 5.0f64.exp())).abs() < 1e-6);
    }
}
