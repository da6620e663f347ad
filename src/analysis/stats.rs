//! Pure numerics for public-health indicators: confidence intervals for proportions and crude
//! rates, the gamma / chi-square quantile behind the exact Poisson method, and the weighted
//! least-squares slope of the Fingertips recent-trend test. No model types.

/// z for a two-sided 95% interval: Φ⁻¹(0.975) (METHODS.md 1.1).
pub const Z95: f64 = 1.959963984540054;
/// z for a two-sided 99.8% interval: Φ⁻¹(0.999) (METHODS.md 1.1). Not 3.29.
pub const Z99_8: f64 = 3.090232306167813;
/// χ²(1 df) critical value at p = 0.002, the significance threshold of the trend test (METHODS.md 1.4).
pub const TREND_CHI_SQUARE_CRITICAL: f64 = 9.54953570608324;
/// Counts below this use the exact Poisson method; this many and above use Byar's (METHODS.md 1.2).
pub const BYAR_MIN_COUNT: f64 = 10.0;

/// The z of a two-sided interval at `confidence` (a fraction such as 0.95): the two published
/// levels return the constants; any other level is computed as sqrt(qchisq(confidence, 1)).
pub fn z_for_confidence(confidence: f64) -> f64 {
    if confidence == 0.95 {
        Z95
    } else if confidence == 0.998 {
        Z99_8
    } else {
        chi_square_quantile(confidence, 1.0).sqrt()
    }
}

/// Wilson score interval for O events out of n, on the 0–1 scale (METHODS.md 1.1, PHEindicatormethods
/// `wilson_lower` / `wilson_upper`). O = 0 gives a lower limit of exactly 0 and O = n an upper limit of
/// exactly 1. Returns `None` for the inputs the reference rejects: O < 0, n ≤ 0, O > n, or non-finite.
pub fn wilson_interval(o: f64, n: f64, z: f64) -> Option<(f64, f64)> {
    if !(o.is_finite() && n.is_finite() && z.is_finite()) || o < 0.0 || n <= 0.0 || o > n {
        return None;
    }
    let z2 = z * z;
    let root = z * (z2 + 4.0 * o * (1.0 - o / n)).sqrt();
    let denom = 2.0 * (n + z2);
    let lower = if o == 0.0 {
        0.0
    } else {
        (2.0 * o + z2 - root) / denom
    };
    let upper = if o == n {
        1.0
    } else {
        (2.0 * o + z2 + root) / denom
    };
    Some((lower, upper))
}

/// Byar's approximation to the Poisson interval for a count O, on the count scale (METHODS.md 1.2,
/// PHEindicatormethods `byars_lower` / `byars_upper`). The lower limit is `None` when it comes out
/// negative (the reference's NA) or when O ≤ 0, where the formula is undefined.
pub fn byar_interval(o: f64, z: f64) -> (Option<f64>, f64) {
    let lower = if o > 0.0 {
        let l = o * (1.0 - 1.0 / (9.0 * o) - z / (3.0 * o.sqrt())).powi(3);
        (l >= 0.0).then_some(l)
    } else {
        None
    };
    let o1 = o + 1.0;
    let upper = o1 * (1.0 - 1.0 / (9.0 * o1) + z / (3.0 * o1.sqrt())).powi(3);
    (lower, upper)
}

/// Exact Poisson interval for a count O at `confidence` (a fraction, e.g. 0.95), on the count scale
/// (METHODS.md 1.2): lower = qchisq((1−c)/2, 2·O)/2, upper = qchisq(c + (1−c)/2, 2·O + 2)/2.
/// O = 0 gives a lower limit of exactly 0.
pub fn exact_poisson_interval(o: f64, confidence: f64) -> (f64, f64) {
    let alpha = (1.0 - confidence) / 2.0;
    let lower = gamma_quantile(alpha, o);
    let upper = gamma_quantile_upper(alpha, o + 1.0);
    (lower, upper)
}

/// Which crude-rate interval method was used (METHODS.md 1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateCiMethod {
    Exact,
    Byar,
}

/// A crude rate and its interval, already divided by the population and multiplied.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateInterval {
    pub rate: f64,
    /// `None` when Byar's lower limit is negative (the reference's NA).
    pub lower: Option<f64>,
    pub upper: f64,
    pub method: RateCiMethod,
}

/// Crude rate O / population × multiplier with its interval (METHODS.md 1.2): the exact method for
/// O < 10, Byar's for O ≥ 10 (9 events exact, 10 Byar's). `z` and `confidence` must describe the
/// same level (e.g. `Z95` and 0.95). `None` when O < 0, population ≤ 0 or an input is not finite.
pub fn crude_rate_interval(
    o: f64,
    population: f64,
    multiplier: f64,
    z: f64,
    confidence: f64,
) -> Option<RateInterval> {
    if !(o.is_finite() && population.is_finite() && multiplier.is_finite())
        || o < 0.0
        || population <= 0.0
    {
        return None;
    }
    let scale = multiplier / population;
    let (lower, upper, method) = if o < BYAR_MIN_COUNT {
        let (l, u) = exact_poisson_interval(o, confidence);
        (Some(l), u, RateCiMethod::Exact)
    } else {
        let (l, u) = byar_interval(o, z);
        (l, u, RateCiMethod::Byar)
    };
    Some(RateInterval {
        rate: o * scale,
        lower: lower.map(|l| l * scale),
        upper: upper * scale,
        method,
    })
}

/// The chi-square quantile qchisq(p, df) = 2 · qgamma(p, df/2).
pub fn chi_square_quantile(p: f64, df: f64) -> f64 {
    2.0 * gamma_quantile(p, df / 2.0)
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error about 1e-15).
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1−x) = π / sin(πx).
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = C[0];
    for (i, c) in C.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// Regularised incomplete gamma functions (P(a, x), Q(a, x)) = lower and upper tails, by the series
/// for x < a + 1 and Lentz's continued fraction otherwise.
pub fn regularised_gamma(a: f64, x: f64) -> (f64, f64) {
    if x <= 0.0 {
        return (0.0, 1.0);
    }
    let log_prefix = a * x.ln() - x - ln_gamma(a);
    if x < a + 1.0 {
        let mut term = 1.0 / a;
        let mut sum = term;
        let mut ap = a;
        for _ in 0..10_000 {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * 1e-17 {
                break;
            }
        }
        let p = (sum * log_prefix.exp()).min(1.0);
        (p, 1.0 - p)
    } else {
        const TINY: f64 = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / TINY;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..10_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < TINY {
                d = TINY;
            }
            c = b + an / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < 1e-17 {
                break;
            }
        }
        let q = (log_prefix.exp() * h).min(1.0);
        (1.0 - q, q)
    }
}

/// qgamma(p, shape = a, rate = 1): the x with P(a, x) = p. Shape 0 gives 0 (R's qchisq(p, 0) = 0).
pub fn gamma_quantile(p: f64, a: f64) -> f64 {
    invert_gamma(p, a, false)
}

/// The x with Q(a, x) = q, i.e. qgamma(1 − q, a), solved on the upper tail for accuracy near 1.
fn gamma_quantile_upper(q: f64, a: f64) -> f64 {
    invert_gamma(q, a, true)
}

/// Safeguarded Newton iteration with a bisection fallback, to about 1e-15 relative. `upper` solves
/// Q(a, x) = target, otherwise P(a, x) = target. Each step solves on the smaller tail.
fn invert_gamma(target: f64, a: f64, upper: bool) -> f64 {
    if a <= 0.0 || target.is_nan() {
        return 0.0;
    }
    // Work with the lower-tail probability p and its complement q, both known accurately.
    let (p, q) = if upper {
        (1.0 - target, target)
    } else {
        (target, 1.0 - target)
    };
    if p <= 0.0 {
        return 0.0;
    }
    if q <= 0.0 {
        return f64::INFINITY;
    }
    // f(x) = P(x) − p, increasing in x; evaluated as q − Q(x) when the upper tail is the smaller.
    let use_upper = q < p;
    let f = |x: f64| {
        let (px, qx) = regularised_gamma(a, x);
        if use_upper {
            q - qx
        } else {
            px - p
        }
    };
    let ln_ga = ln_gamma(a);
    let density = |x: f64| ((a - 1.0) * x.ln() - x - ln_ga).exp();
    // Bracket the root.
    let mut lo = 0.0;
    let mut hi = a.max(1.0);
    while f(hi) < 0.0 {
        lo = hi;
        hi *= 2.0;
        if hi > 1e300 {
            return f64::INFINITY;
        }
    }
    // Wilson–Hilferty start, clamped into the bracket.
    let z = chi_square_wh_z(p);
    let t = 1.0 - 1.0 / (9.0 * a) + z / (3.0 * a.sqrt());
    let mut x = a * t * t * t;
    if !(x > lo && x < hi) {
        x = 0.5 * (lo + hi);
    }
    for _ in 0..300 {
        let fx = f(x);
        if fx == 0.0 {
            return x;
        }
        if fx < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        let d = density(x);
        let mut next = if d > 0.0 && d.is_finite() {
            x - fx / d
        } else {
            f64::NAN
        };
        if !(next > lo && next < hi) {
            next = 0.5 * (lo + hi);
        }
        if (next - x).abs() <= 1e-15 * x.abs() || (hi - lo) <= 1e-16 * hi {
            return next;
        }
        x = next;
    }
    x
}

/// A rough normal quantile for the starting point only (Abramowitz & Stegun 26.2.23).
fn chi_square_wh_z(p: f64) -> f64 {
    let pp = if p < 0.5 { p } else { 1.0 - p };
    let t = (-2.0 * pp.max(1e-300).ln()).sqrt();
    let z = t
        - (2.515517 + 0.802853 * t + 0.010328 * t * t)
            / (1.0 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
    if p < 0.5 {
        -z
    } else {
        z
    }
}

/// One point of the recent-trend fit: time index t, value y and its 95% limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrendPoint {
    pub t: f64,
    pub y: f64,
    pub lower_95: f64,
    pub upper_95: f64,
}

/// Weighted least-squares slope with w = 1/se², se = (UCI95 − LCI95)/3.92 (METHODS.md 1.4):
/// b = (Σw·Σwyt − Σwt·Σwy) / (Σw·Σwt² − (Σwt)²). Returns (b, Σw, denominator), or `None` when a
/// width is not positive or the denominator is not positive (fewer than two distinct times).
pub fn weighted_slope(points: &[TrendPoint]) -> Option<(f64, f64, f64)> {
    let (mut sw, mut swt, mut swy, mut swyt, mut swt2) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for p in points {
        let se = (p.upper_95 - p.lower_95) / 3.92;
        if !(se > 0.0 && se.is_finite()) {
            return None;
        }
        let w = 1.0 / (se * se);
        sw += w;
        swt += w * p.t;
        swy += w * p.y;
        swyt += w * p.y * p.t;
        swt2 += w * p.t * p.t;
    }
    let denom = sw * swt2 - swt * swt;
    if denom.is_nan() || denom <= 0.0 {
        return None;
    }
    Some(((sw * swyt - swt * swy) / denom, sw, denom))
}

/// The outcome of the CI-path trend test (METHODS.md 1.4).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrendFit {
    pub slope: f64,
    /// χ² = (b/β)², β = sqrt(Σw / (Σw·Σwt² − (Σwt)²)).
    pub chi_square: f64,
    /// All six slopes (all points, and each point left out) share a sign; a slope of 0 is positive.
    pub robust: bool,
    /// `robust` and χ² > 9.54953570608324.
    pub significant: bool,
}

/// The Fingertips recent-trend test on the CI path (METHODS.md 1.4): weighted slope, χ², the
/// leave-one-out robustness check and significance at 99.8%. `None` when a slope cannot be fitted.
pub fn trend_test(points: &[TrendPoint]) -> Option<TrendFit> {
    let (b, sw, denom) = weighted_slope(points)?;
    let beta = (sw / denom).sqrt();
    let chi_square = (b / beta).powi(2);
    let positive = b >= 0.0;
    let mut robust = true;
    for skip in 0..points.len() {
        let rest: Vec<TrendPoint> = points
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, p)| *p)
            .collect();
        match weighted_slope(&rest) {
            Some((s, _, _)) if (s >= 0.0) == positive => {}
            _ => robust = false,
        }
    }
    Some(TrendFit {
        slope: b,
        chi_square,
        robust,
        significant: robust && chi_square > TREND_CHI_SQUARE_CRITICAL,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64, rel: f64) {
        assert!(
            (a - b).abs() <= rel * b.abs().max(1e-300),
            "{a} is not within {rel} of {b}"
        );
    }

    #[test]
    fn gamma_quantile_matches_known_chi_square_quantiles() {
        // Reference values from mpmath at 30 digits (= R's qchisq).
        close(chi_square_quantile(0.975, 10.0), 20.483177350807394, 1e-13);
        close(chi_square_quantile(0.025, 10.0), 3.246972780236841, 1e-13);
        close(chi_square_quantile(0.999, 2.0), 13.815510557964274, 1e-13);
        close(chi_square_quantile(0.975, 12.0), 23.336664158645336, 1e-13);
        close(chi_square_quantile(0.001, 18.0), 4.90484880872755, 1e-13);
        close(chi_square_quantile(0.999, 20.0), 45.31474661812586, 1e-13);
        // The z constants and the trend critical value are chi-square(1) quantiles.
        close(chi_square_quantile(0.95, 1.0).sqrt(), Z95, 1e-14);
        close(chi_square_quantile(0.998, 1.0).sqrt(), Z99_8, 1e-14);
        close(
            chi_square_quantile(0.998, 1.0),
            TREND_CHI_SQUARE_CRITICAL,
            1e-13,
        );
        assert_eq!(chi_square_quantile(0.025, 0.0), 0.0);
        // qchisq(0.999, 2) = −2·ln(0.001) in closed form.
        close(chi_square_quantile(0.999, 2.0), -2.0 * 0.001f64.ln(), 1e-13);
    }

    #[test]
    fn exact_interval_for_five_events() {
        // lower = qchisq(0.025, 10)/2 = 3.2469727802/2; upper = qchisq(0.975, 12)/2 = 23.3366641586/2.
        let (l, u) = exact_poisson_interval(5.0, 0.95);
        close(l, 1.6234863901184206, 1e-13);
        close(u, 11.668332079322668, 1e-13);
        // O = 0: lower exactly 0, upper = qchisq(0.975, 2)/2 = −ln(0.025) = 3.6888794541.
        let (l0, u0) = exact_poisson_interval(0.0, 0.95);
        assert_eq!(l0, 0.0);
        close(u0, -(0.025f64.ln()), 1e-13);
    }

    #[test]
    fn wilson_fifty_of_two_hundred() {
        // z² = 3.841458820694124; root = z·sqrt(z² + 4·50·0.75) = z·sqrt(153.8414588207) = 24.31005…
        // lower = (100 + z² − root)/(2·(200 + z²)) = 79.53140… / 407.68292… = 0.1950816800…
        // upper = (100 + z² + root)/407.68292… = 0.3143409831…
        let (l, u) = wilson_interval(50.0, 200.0, Z95).unwrap();
        close(l, 0.19508168006817497, 1e-12);
        close(u, 0.31434098312045833, 1e-12);
    }

    #[test]
    fn wilson_edges_and_invalid_inputs() {
        let (l, u) = wilson_interval(0.0, 20.0, Z95).unwrap();
        assert_eq!(l, 0.0);
        // upper = (z² + z·|z|)/(2(20 + z²)) = z²/(20 + z²) = 3.8414588/23.8414588 = 0.16112515…
        close(u, 3.841458820694124 / 23.841458820694124, 1e-12);
        let (l, u) = wilson_interval(20.0, 20.0, Z99_8).unwrap();
        assert_eq!(u, 1.0);
        assert!(l < 1.0 && l > 0.0);
        assert!(wilson_interval(-1.0, 10.0, Z95).is_none());
        assert!(wilson_interval(11.0, 10.0, Z95).is_none());
        assert!(wilson_interval(1.0, 0.0, Z95).is_none());
    }

    #[test]
    fn byar_ten_events() {
        // lower = 10·(1 − 1/90 − z/(3·√10))³ = 10·0.78229…³ = 4.7874499…
        // upper = 11·(1 − 1/99 + z/(3·√11))³ = 11·1.18688…³ = 18.3914586…
        let (l, u) = byar_interval(10.0, Z95);
        close(l.unwrap(), 4.787449913967563, 1e-12);
        close(u, 18.391458605756473, 1e-12);
        // A negative lower limit is NA: O = 1 at 99.8% gives 1·(1 − 1/9 − 3.09/3)³ < 0.
        assert_eq!(byar_interval(1.0, Z99_8).0, None);
    }

    #[test]
    fn crude_rate_switches_at_ten_events() {
        let r9 = crude_rate_interval(9.0, 50_000.0, 100_000.0, Z95, 0.95).unwrap();
        assert_eq!(r9.method, RateCiMethod::Exact);
        close(r9.rate, 18.0, 1e-15);
        // qchisq(0.025, 18)/2 = 4.1153730974 → ×2 per 100,000 of 50,000.
        close(r9.lower.unwrap(), 8.230746194756665, 1e-12);
        // qchisq(0.975, 20)/2 = 17.0848034514 → ×2.
        close(r9.upper, 34.16960690283834, 1e-12);
        let r10 = crude_rate_interval(10.0, 50_000.0, 100_000.0, Z95, 0.95).unwrap();
        assert_eq!(r10.method, RateCiMethod::Byar);
        close(r10.lower.unwrap(), 2.0 * 4.787449913967563, 1e-12);
        close(r10.upper, 2.0 * 18.391458605756473, 1e-12);
        let r11 = crude_rate_interval(11.0, 50_000.0, 100_000.0, Z95, 0.95).unwrap();
        assert_eq!(r11.method, RateCiMethod::Byar);
        assert!(r11.lower.unwrap() > r10.lower.unwrap());
        assert!(crude_rate_interval(5.0, 0.0, 100_000.0, Z95, 0.95).is_none());
    }

    #[test]
    fn trend_of_a_straight_line_with_equal_widths() {
        // y = 10, 11, 12, 13, 14 at t = 1..5, every CI 95% width 3.92 ⇒ se = 1, w = 1.
        // Σw = 5, Σwt = 15, Σwt² = 55, Σwy = 60, Σwyt = 190.
        // b = (5·190 − 15·60)/(5·55 − 225) = 50/50 = 1; β = sqrt(5/50) = 0.316227766;
        // χ² = (1/0.316227766)² = 10 > 9.5495 and every leave-one-out slope is 1 ⇒ significant.
        let pts: Vec<TrendPoint> = (1..=5)
            .map(|t| {
                let y = 9.0 + t as f64;
                TrendPoint {
                    t: t as f64,
                    y,
                    lower_95: y - 1.96,
                    upper_95: y + 1.96,
                }
            })
            .collect();
        let fit = trend_test(&pts).unwrap();
        close(fit.slope, 1.0, 1e-12);
        close(fit.chi_square, 10.0, 1e-12);
        assert!(fit.robust && fit.significant);
    }

    fn points(ys: &[f64]) -> Vec<TrendPoint> {
        // Limits ±1.96 around 0 give a width of exactly 3.92, so se = 1 and w = 1 with no rounding.
        ys.iter()
            .enumerate()
            .map(|(i, &y)| TrendPoint {
                t: (i + 1) as f64,
                y,
                lower_95: -1.96,
                upper_95: 1.96,
            })
            .collect()
    }

    #[test]
    fn a_zero_slope_counts_as_positive() {
        // Flat series: every slope is exactly 0, which counts as positive: robust, χ² = 0, not significant.
        let fit = trend_test(&points(&[7.0; 5])).unwrap();
        assert_eq!(fit.slope, 0.0);
        assert!(fit.robust && !fit.significant);
        // y = 0,0,0,0,1: b = (5·5 − 15·1)/50 = 0.2, χ² = 0.2²/(5/50) = 0.4. Leaving out t = 5 gives a
        // slope of exactly 0, which counts with the positive ones, so the check is still robust.
        let fit = trend_test(&points(&[0.0, 0.0, 0.0, 0.0, 1.0])).unwrap();
        close(fit.slope, 0.2, 1e-15);
        close(fit.chi_square, 0.4, 1e-14);
        assert!(fit.robust && !fit.significant);
        // y = 1,0,0,0,1: b = 0 (positive) but leaving out t = 5 gives a negative slope: not robust.
        let fit = trend_test(&points(&[1.0, 0.0, 0.0, 0.0, 1.0])).unwrap();
        assert_eq!(fit.slope, 0.0);
        assert!(!fit.robust);
    }

    proptest! {
        #[test]
        fn wilson_contains_the_proportion(n in 1u32..5000, frac in 0.0f64..=1.0, high in any::<bool>()) {
            let o = (frac * n as f64).round();
            let z = if high { Z99_8 } else { Z95 };
            let (l, u) = wilson_interval(o, n as f64, z).unwrap();
            let p = o / n as f64;
            prop_assert!(l <= u);
            prop_assert!(l <= p + 1e-12 && p <= u + 1e-12);
            prop_assert!(l >= 0.0 && u <= 1.0 + 1e-15);
        }

        #[test]
        fn more_events_never_widen_wilson(k in 1u32..200, m in 1u32..50, scale in 2u32..20) {
            // Same proportion k/(k+m), n scaled up: the interval cannot get wider.
            let (o1, n1) = (k as f64, (k + m) as f64);
            let (o2, n2) = (o1 * scale as f64, n1 * scale as f64);
            let (l1, u1) = wilson_interval(o1, n1, Z95).unwrap();
            let (l2, u2) = wilson_interval(o2, n2, Z95).unwrap();
            prop_assert!(u2 - l2 <= u1 - l1 + 1e-12);
        }

        #[test]
        fn rate_interval_contains_the_rate(o in 0u32..2000, pop in 100.0f64..1e6, high in any::<bool>()) {
            let (z, c) = if high { (Z99_8, 0.998) } else { (Z95, 0.95) };
            let r = crude_rate_interval(o as f64, pop, 100_000.0, z, c).unwrap();
            let lower = r.lower.unwrap_or(0.0);
            prop_assert!(lower <= r.rate * (1.0 + 1e-12));
            prop_assert!(r.rate <= r.upper);
            prop_assert!(lower <= r.upper);
        }
    }
}
