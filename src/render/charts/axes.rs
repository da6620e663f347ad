//! The plot box of a chart over periods drawn as SVG directly: where a period and a value fall
//! in pixels, the value axis with its ticks, labels and light grid, and lines through points
//! as single paths. Pixel for pixel what plotters drew (its mapping and "nice" tick values are
//! ported below), without its generic backend: the SPC chart is on every KPI page, most of a
//! large site, and drawing it through plotters was a quarter of rendering.

use super::{fmt_tick, Frame};
use std::fmt::Write;

/// The pixel box of a plot over periods `0..n` across and values `lo..hi` up, in plotters'
/// convention: `left..=right` and `top..=bottom` are the pixels the plot area covers.
#[derive(Debug, Clone, Copy)]
pub(super) struct PeriodAxes {
    pub(super) left: i32,
    pub(super) right: i32,
    pub(super) top: i32,
    pub(super) bottom: i32,
    pub(super) periods: usize,
    pub(super) lo: f64,
    pub(super) hi: f64,
}

impl PeriodAxes {
    /// The horizontal pixel of (fractional) period index `i`: periods sit at the middle of equal
    /// slots, `-0.5..n-0.5` across the box.
    pub(super) fn x(&self, i: f64) -> i32 {
        let n = self.periods as f64;
        map(i, (-0.5, n - 0.5), (self.left, self.right))
    }

    /// The vertical pixel of value `v` (larger values higher up).
    pub(super) fn y(&self, v: f64) -> i32 {
        map(v, (self.lo, self.hi), (self.bottom, self.top))
    }

    /// The value axis: light grid lines across the box at each tick value, the axis line with
    /// its tick marks and labels on the left, and the horizontal axis line under the box. At
    /// most `ticks` tick values, chosen as plotters chooses them.
    pub(super) fn write_value_axis(&self, out: &mut String, ticks: usize, frame: Frame) {
        let values = key_points((self.lo, self.hi), ticks);
        let (left, right, top, bottom) = (self.left, self.right, self.top, self.bottom);
        let axis_x = left - 1;
        // Written piece by piece, not with `write!`: a KPI page draws this axis twice.
        out.push_str("<path class=\"grid\" d=\"");
        for v in &values {
            out.push('M');
            int(out, left);
            out.push(' ');
            int(out, self.y(*v));
            out.push('H');
            int(out, right);
        }
        out.push_str("\" stroke=\"#E1E1E1\" stroke-width=\"1\" fill=\"none\"/>");
        out.push_str("<path class=\"axis\" d=\"M");
        int(out, axis_x);
        out.push(' ');
        int(out, top);
        out.push('V');
        int(out, bottom);
        for v in &values {
            out.push('M');
            int(out, axis_x - 5);
            out.push(' ');
            int(out, self.y(*v));
            out.push('H');
            int(out, axis_x);
        }
        out.push('M');
        int(out, left);
        out.push(' ');
        int(out, bottom + 1);
        out.push('H');
        int(out, right);
        out.push_str("\" stroke=\"#000000\" stroke-width=\"1\" fill=\"none\"/>");
        for v in &values {
            out.push_str("<text class=\"tick-label\" x=\"");
            int(out, axis_x - 9);
            out.push_str("\" y=\"");
            int(out, self.y(*v));
            out.push_str(
                "\" dy=\"0.5ex\" text-anchor=\"end\" font-family=\"sans-serif\" font-size=\"",
            );
            crate::site::format::push_integer(out, i64::from(frame.font));
            out.push_str("\" fill=\"#0B0C0C\">");
            out.push_str(&fmt_tick(*v));
            out.push_str("</text>");
        }
    }
}

/// A pixel coordinate written into `out`, as `{v}` writes it, without `fmt`.
fn int(out: &mut String, v: i32) {
    crate::site::format::push_integer(out, i64::from(v));
}

/// A line through `points` (pixels) as one `<path>` of `stroke`, `width` px wide and dashed as
/// `dash` (SVG dash lengths) when given. Points along a level stretch are one horizontal segment,
/// which draws the same line: a limit held over 36 months is `M72 109H638`, not 36 points.
pub(super) fn line_path(
    out: &mut String,
    points: &[(i32, i32)],
    stroke: &str,
    width: u32,
    dash: Option<&str>,
) {
    let Some(&(x0, y0)) = points.first() else {
        return;
    };
    // Coordinates written straight into `out`: a KPI chart's points are one long path.
    out.push_str("<path d=\"M");
    int(out, x0);
    out.push(' ');
    int(out, y0);
    for (i, &(x, y)) in points.iter().enumerate().skip(1) {
        let (_, before) = points[i - 1];
        let level_on = points.get(i + 1).is_some_and(|&(_, after)| after == y);
        if y == before && level_on {
            continue;
        }
        if y == before {
            out.push('H');
            int(out, x);
        } else {
            out.push('L');
            int(out, x);
            out.push(' ');
            int(out, y);
        }
    }
    let _ = write!(
        out,
        "\" stroke=\"{stroke}\" stroke-width=\"{width}\" fill=\"none\""
    );
    if let Some(dash) = dash {
        let _ = write!(out, " stroke-dasharray=\"{dash}\"");
    }
    out.push_str("/>");
}

/// Plotters' linear mapping of `v` from `range` onto the pixels `limit.0..=limit.1` (either way
/// round), rounding as it does (`plotters` 0.3.7, `coord/ranged1d/types/numeric.rs`, MIT).
fn map(v: f64, range: (f64, f64), limit: (i32, i32)) -> i32 {
    if range.0 == range.1 {
        return (limit.1 - limit.0) / 2;
    }
    let logic = (v - range.0) / (range.1 - range.0);
    let length = limit.1 - limit.0;
    if length == 0 {
        return limit.1;
    }
    if logic.is_infinite() {
        return if logic.is_sign_positive() {
            limit.1
        } else {
            limit.0
        };
    }
    if length > 0 {
        limit.0 + (f64::from(length) * logic + 1e-3).floor() as i32
    } else {
        limit.0 + (f64::from(length) * logic - 1e-3).ceil() as i32
    }
}

/// At most `max_points` "nice" values (multiples of 1, 2 or 5 times a power of ten) across
/// `range`: plotters' `compute_f64_key_points` (0.3.7, MIT), so axes keep the ticks they had.
fn key_points(range: (f64, f64), max_points: usize) -> Vec<f64> {
    if max_points == 0 {
        return vec![];
    }
    let range = (range.0.min(range.1), range.1.max(range.0));
    if range.0.is_nan() || range.1.is_nan() {
        return vec![];
    }
    if (range.0 - range.1).abs() < f64::EPSILON {
        return vec![range.0];
    }
    let mut scale = 10f64.powf((range.1 - range.0).log(10.0).floor());
    let mut granularity = scale / 10.0;
    fn rem_euclid(a: f64, b: f64) -> f64 {
        let r = if b > 0.0 {
            a - (a / b).floor() * b
        } else {
            a - (a / b).ceil() * b
        };
        if (r - b).abs() < f64::EPSILON {
            0.0
        } else {
            r
        }
    }
    if 1 + ((range.1 - range.0) / scale).floor() as usize > max_points {
        scale *= 10.0;
        granularity *= 10.0;
    }
    'outer: loop {
        let old_scale = scale;
        for next in [2.0, 5.0, 10.0] {
            let mut new_left = range.0 - rem_euclid(range.0, old_scale / next);
            if new_left < range.0 {
                new_left += old_scale / next;
            }
            let new_right = range.1 - rem_euclid(range.1, old_scale / next);
            let points = 1.0 + ((new_right - new_left) / old_scale * next);
            if points.round() as usize > max_points {
                break 'outer;
            }
            scale = old_scale / next;
        }
        scale = old_scale / 10.0;
        granularity /= 10.0;
    }
    let mut out = vec![];
    let left = {
        let mut value = range.0 - rem_euclid(range.0, scale);
        if value < range.0 {
            value += scale;
        }
        value
    };
    let left_base = (left / granularity).floor() * granularity;
    let mut left_relative = left - left_base;
    let right = range.1 - rem_euclid(range.1, scale);
    while (right - left_relative - left_base) >= -f64::EPSILON {
        let rounded = (left_relative / granularity).round() * granularity;
        if rounded < 0.0 {
            left_relative += granularity;
        }
        out.push(left_relative + left_base);
        left_relative += scale;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_nice_values_inside_the_range() {
        assert_eq!(key_points((346.0, 431.0), 8), [360.0, 380.0, 400.0, 420.0]);
        assert_eq!(key_points((5.0, 5.0), 8), [5.0]);
    }

    /// The port agrees with plotters itself, tick for tick and pixel for pixel, over ranges from
    /// rates to costs in millions, both widths' tick counts and both directions of mapping.
    #[test]
    fn the_port_agrees_with_plotters() {
        use plotters::coord::ranged1d::Ranged;
        use plotters::coord::types::RangedCoordf64;
        let ranges = [
            (346.0, 431.0),
            (0.0, 1.0),
            (-0.37, 0.91),
            (0.0, 117.3),
            (12_345.6, 98_765.4),
            (-2.5e6, 7.25e6),
            (0.001, 0.0042),
            (99.5, 100.5),
        ];
        for (lo, hi) in ranges {
            let theirs = RangedCoordf64::from(lo..hi);
            for ticks in [5, 8] {
                assert_eq!(
                    key_points((lo, hi), ticks),
                    theirs.key_points(ticks),
                    "{lo}..{hi}"
                );
            }
            for k in 0..=40 {
                let v = lo + (hi - lo) * f64::from(k) / 40.0;
                for limit in [(342, 83), (64, 647), (343, 124)] {
                    assert_eq!(
                        map(v, (lo, hi), limit),
                        theirs.map(&v, limit),
                        "{v} {limit:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn pixels_round_as_plotters_rounds() {
        // A KPI chart of 36 months 760 px wide: the box is 64..=647 across and 83..=342 down.
        let axes = PeriodAxes {
            left: 64,
            right: 647,
            top: 83,
            bottom: 342,
            periods: 36,
            lo: 346.0,
            hi: 431.0,
        };
        assert_eq!((axes.x(0.0), axes.x(35.0)), (72, 638));
        assert_eq!((axes.y(346.0), axes.y(431.0)), (342, 83));
    }

    #[test]
    fn level_stretches_are_one_segment() {
        let mut out = String::new();
        let points = [(72, 109), (88, 109), (104, 109), (120, 100), (136, 100)];
        line_path(&mut out, &points, "#505A5F", 2, Some("6 4"));
        assert_eq!(
            out,
            "<path d=\"M72 109H104L120 100H136\" stroke=\"#505A5F\" stroke-width=\"2\" fill=\"none\" stroke-dasharray=\"6 4\"/>"
        );
    }
}
