//! Spine-chart geometry, the Fingertips way: for one indicator, the range of the comparable areas
//! (lowest, 25th to 75th percentile, highest) and the area's value, placed on a 0–100 scale whose
//! centre (50) is the benchmark and whose half-width is the greatest distance of any of them from
//! it, turned so that better is always on the right (METHODS.md 1.5: spine charts). Pure numbers:
//! the theme draws them.

use crate::model::Polarity;
use serde::Serialize;

/// Positions on the 0–100 scale (50 is the benchmark; the right is better, or higher where the
/// indicator has no polarity), with the figures they stand for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spine {
    /// Left and right ends of the whole range (the worst and best comparable area).
    pub range_left: f64,
    pub range_right: f64,
    /// Left and right ends of the middle half (25th to 75th percentile).
    pub middle_left: f64,
    pub middle_right: f64,
    /// Widths of the range and the middle half (right minus left), for drawing.
    pub range_width: f64,
    pub middle_width: f64,
    /// The area's own value.
    pub value_at: f64,
    /// The figures, for the text alternative.
    pub lowest: f64,
    pub p25: f64,
    pub p75: f64,
    pub highest: f64,
    /// Number of comparable areas.
    pub areas: usize,
}

/// The `p`-th quantile (0–1) of sorted values by linear interpolation between closest ranks
/// (Hyndman and Fan type 7, Excel's PERCENTILE.INC).
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - h.floor()) * (sorted[hi] - sorted[lo])
}

/// The spine of one indicator for one area: `comparable` are the latest values of the areas it is
/// compared with (itself included); `None` when there is nothing to place.
pub fn spine(comparable: &[f64], benchmark: f64, value: f64, polarity: Polarity) -> Option<Spine> {
    let mut sorted: Vec<f64> = comparable
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    if sorted.is_empty() || !benchmark.is_finite() || !value.is_finite() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let (lowest, highest) = (sorted[0], sorted[sorted.len() - 1]);
    let (p25, p75) = (quantile(&sorted, 0.25), quantile(&sorted, 0.75));
    let half = [lowest, highest, value]
        .iter()
        .map(|v| (v - benchmark).abs())
        .fold(0.0, f64::max);
    let half = if half > 0.0 { half } else { 1.0 };
    let flip = polarity == Polarity::LowerIsBetter;
    let at = |v: f64| {
        let x = 50.0 + 50.0 * (v - benchmark) / half;
        let x = if flip { 100.0 - x } else { x };
        (x * 10.0).round() / 10.0
    };
    let (range_left, range_right) = order(at(lowest), at(highest));
    let (middle_left, middle_right) = order(at(p25), at(p75));
    Some(Spine {
        range_left,
        range_right,
        middle_left,
        middle_right,
        range_width: ((range_right - range_left) * 10.0).round() / 10.0,
        middle_width: ((middle_right - middle_left) * 10.0).round() / 10.0,
        value_at: at(value),
        lowest,
        p25,
        p75,
        highest,
        areas: sorted.len(),
    })
}

fn order(a: f64, b: f64) -> (f64, f64) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The positions left to right: range, middle half, middle half, range, then the value.
    fn placed(s: &Spine) -> (f64, f64, f64, f64, f64) {
        (
            s.range_left,
            s.middle_left,
            s.middle_right,
            s.range_right,
            s.value_at,
        )
    }

    // Worked by hand. Values 10, 20, 30, 40, 50; benchmark 25; the area's value 40.
    // 25th percentile: rank (5 − 1) × 0.25 = 1 → 20; 75th: rank 3 → 40.
    // Half-width: the farthest of 10, 50 and 40 from 25 is 50, 25 away; x = 50 + 50 (v − 25) / 25.
    // Lowest 10 → 20, 25th 20 → 40, 75th 40 → 80, highest 50 → 100, value 40 → 80.
    #[test]
    fn higher_is_better_puts_higher_values_right() {
        let s = spine(
            &[30.0, 10.0, 50.0, 20.0, 40.0],
            25.0,
            40.0,
            Polarity::HigherIsBetter,
        )
        .unwrap();
        assert_eq!(placed(&s), (20.0, 40.0, 80.0, 100.0, 80.0));
        assert_eq!(
            (s.lowest, s.p25, s.p75, s.highest, s.areas),
            (10.0, 20.0, 40.0, 50.0, 5)
        );
    }

    // The same figures with lower better are mirrored: x' = 100 − x. Highest 50 → 0 (worst, left),
    // 75th 40 → 20, 25th 20 → 60, lowest 10 → 80, value 40 → 20.
    #[test]
    fn lower_is_better_is_mirrored_so_better_stays_right() {
        let s = spine(
            &[30.0, 10.0, 50.0, 20.0, 40.0],
            25.0,
            40.0,
            Polarity::LowerIsBetter,
        )
        .unwrap();
        assert_eq!(placed(&s), (0.0, 20.0, 60.0, 80.0, 20.0));
    }

    // Four values 2, 4, 6, 9 interpolate: 25th at rank 0.75 → 2 + 0.75 × 2 = 3.5; 75th at rank
    // 2.25 → 6 + 0.25 × 3 = 6.75. Benchmark 5, value 9 (the farthest, 4 away):
    // x = 50 + 12.5 (v − 5): 2 → 12.5, 3.5 → 31.25 (31.3), 6.75 → 71.875 (71.9), 9 → 100.
    #[test]
    fn percentiles_interpolate_between_ranks() {
        let s = spine(&[9.0, 2.0, 6.0, 4.0], 5.0, 9.0, Polarity::NoJudgement).unwrap();
        assert_eq!((s.p25, s.p75), (3.5, 6.75));
        assert_eq!(placed(&s), (12.5, 31.3, 71.9, 100.0, 100.0));
        assert_eq!((s.range_width, s.middle_width), (87.5, 40.6));
    }

    #[test]
    fn a_lone_area_on_the_benchmark_sits_in_the_middle() {
        let s = spine(&[7.0], 7.0, 7.0, Polarity::HigherIsBetter).unwrap();
        assert_eq!(
            (s.range_left, s.range_right, s.value_at),
            (50.0, 50.0, 50.0)
        );
        assert!(spine(&[], 7.0, 7.0, Polarity::HigherIsBetter).is_none());
        assert!(spine(&[1.0], f64::NAN, 7.0, Polarity::HigherIsBetter).is_none());
    }
}
