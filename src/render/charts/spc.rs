//! The Making Data Count XmR chart: points joined by a thin line, each marked by its special
//! cause in colour and shape (METHODS.md 2.2; grey circle common cause, blue triangle
//! improvement, orange square concern, purple cross neither), the mean (solid), process limits
//! (dashed) and target (dotted), each labelled at its right-hand end on the wide drawing; the
//! legend keys them all.

use super::axes::{line_path, PeriodAxes};
use super::frame::{mark_svg, text_block, Frame, TextStyle};
use super::plots::{label_step, Layout};
use super::{colour_hex, nice_range, open_svg, period_axis, Palette};
use crate::site::chart::{Chart, Mark, Plot, SpcEnds};
use plotters::style::RGBColor;

/// The runs of a limit, mean or target, as ranges of periods: a gap or a step (a rebase) starts a
/// new run, so the series holds one level (to within 1e-12) over each.
fn runs(series: &[Option<f64>]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut last: Option<f64> = None;
    for (i, v) in series.iter().enumerate() {
        match (last, v) {
            (Some(l), Some(v)) if (l - v).abs() > 1e-12 => {
                out.push(start..i);
                start = i;
            }
            (None, Some(_)) => start = i,
            (Some(_), None) => out.push(start..i),
            _ => {}
        }
        last = *v;
    }
    if last.is_some() {
        out.push(start..series.len());
    }
    out
}

/// The pixels of a run's line: a run of one period widened to a short level line; a run of one
/// number (a phase's mean or limit, a target) by its two ends, the path its every point would
/// draw (a level stretch is one segment); else each point.
fn run_pixels(
    axes: &PeriodAxes,
    series: &[Option<f64>],
    run: std::ops::Range<usize>,
) -> Vec<(i32, i32)> {
    let values: Vec<f64> = series[run.clone()].iter().flatten().copied().collect();
    let first = run.start as f64;
    match values.as_slice() {
        [] => Vec::new(),
        [v] => {
            let y = axes.y(*v);
            vec![(axes.x(first - 0.4), y), (axes.x(first + 0.4), y)]
        }
        [v, rest @ ..] if rest.iter().all(|r| r.to_bits() == v.to_bits()) => {
            let y = axes.y(*v);
            vec![(axes.x(first), y), (axes.x((run.end - 1) as f64), y)]
        }
        _ => values
            .iter()
            .enumerate()
            .map(|(i, v)| (axes.x(first + i as f64), axes.y(*v)))
            .collect(),
    }
}

/// The labels at the right-hand ends of the mean, limits and target: each at the height of its
/// line's last value, pushed apart so no two overlap, in its line's colour.
fn end_labels(
    out: &mut String,
    ends: &[(String, Option<f64>, RGBColor)],
    y_pixel: &dyn Fn(f64) -> f64,
    x: f64,
    size: u32,
) {
    let gap = f64::from(Frame::line_height(size));
    let mut placed: Vec<(f64, &str, RGBColor)> = ends
        .iter()
        .filter_map(|(label, v, colour)| v.map(|v| (y_pixel(v), label.as_str(), *colour)))
        .collect();
    placed.sort_by(|a, b| a.0.total_cmp(&b.0));
    for i in 1..placed.len() {
        if placed[i].0 < placed[i - 1].0 + gap {
            placed[i].0 = placed[i - 1].0 + gap;
        }
    }
    for (y, label, colour) in placed {
        let hex = colour_hex(colour);
        let style = TextStyle {
            fill: &hex,
            ..TextStyle::new("end-label", "start", size)
        };
        text_block(
            out,
            style,
            (x, y + f64::from(size) * 0.35),
            &[label.to_string()],
        );
    }
}

/// The last value of a series.
fn last(series: &[Option<f64>]) -> Option<f64> {
    series.iter().rev().find_map(|v| *v)
}

/// Draws an SPC chart at the width of `frame`, as SVG written directly ([`PeriodAxes`]).
pub(super) fn spc_chart(chart: &Chart, frame: Frame) -> Option<String> {
    let Plot::Spc {
        x_labels,
        values,
        mean,
        lower,
        upper,
        target,
        marks,
        end_labels: words,
    } = &chart.plot
    else {
        return None;
    };
    let n = x_labels.len();
    if n == 0 {
        return None;
    }
    let size = frame.font;
    let layout = Layout::new(chart, frame, if frame.narrow { 210 } else { 250 }, 30, &[]);
    let all = [values, mean, lower, upper, target]
        .into_iter()
        .flat_map(|s| s.iter().flatten().copied());
    let (lo, hi) = nice_range(all, false);
    let y_area = if frame.narrow { 50 } else { 64 };
    // The wide drawing keeps room on the right for the line-end labels.
    let right = if frame.narrow { 0 } else { 104 };
    let margin_right = if frame.narrow { 16 } else { 8 };
    let widest = x_labels
        .iter()
        .map(|l| super::frame::text_width(l, size))
        .fold(0.0, f64::max);
    let step = label_step(n, f64::from(frame.width - y_area - right - 30), widest);
    // The plot box: the legend and value axis title above, the period labels (30 px) and the
    // horizontal axis title below, the value labels on the left.
    let axes = PeriodAxes {
        left: y_area as i32,
        right: (frame.width - right - margin_right) as i32 - 1,
        top: (layout.top + 6) as i32,
        bottom: (layout.height - layout.bottom - 30) as i32 - 1,
        periods: n,
        lo,
        hi,
    };
    let mut svg = String::with_capacity(12 * 1024);
    open_svg(&mut svg, chart, frame, layout.height);
    axes.write_value_axis(&mut svg, if frame.narrow { 5 } else { 8 }, frame);
    let limits = colour_hex(Palette::LIMITS);
    let level = |series: &[Option<f64>]| -> Vec<Vec<(i32, i32)>> {
        runs(series)
            .into_iter()
            .map(|run| run_pixels(&axes, series, run))
            .collect()
    };
    for run in level(upper).into_iter().chain(level(lower)) {
        line_path(&mut svg, &run, &limits, 2, Some("6 4"));
    }
    for run in level(mean) {
        line_path(&mut svg, &run, &colour_hex(Palette::MEAN), 2, None);
    }
    for run in level(target) {
        line_path(&mut svg, &run, &colour_hex(Palette::TARGET), 3, Some("2 4"));
    }
    // Each value's pixel, found once for the line and its mark.
    let pixels: Vec<Option<(i32, i32)>> = values
        .iter()
        .enumerate()
        .map(|(i, v)| v.map(|v| (axes.x(i as f64), axes.y(v))))
        .collect();
    let points: Vec<(i32, i32)> = pixels.iter().flatten().copied().collect();
    line_path(&mut svg, &points, &limits, 1, None);
    // The marks are drawn over the lines, one element each, as the key draws them.
    for (i, pixel) in pixels.iter().enumerate() {
        let Some((x, y)) = pixel else { continue };
        let mark = marks.get(i).copied().unwrap_or(Mark::Common);
        mark_svg(&mut svg, mark, (f64::from(*x), f64::from(*y)));
    }
    let x_pixel = |i: usize| f64::from(axes.x(i as f64));
    period_axis(
        &mut svg,
        x_labels,
        step,
        &x_pixel,
        f64::from(axes.bottom + 1),
        size,
    );
    if !frame.narrow {
        let SpcEnds {
            mean: m,
            upper: u,
            lower: l,
            target: t,
        } = words.as_ref();
        let ends = [
            (u.clone(), last(upper), Palette::LIMITS),
            (m.clone(), last(mean), Palette::MEAN),
            (l.clone(), last(lower), Palette::LIMITS),
            (t.clone(), last(target), Palette::TARGET),
        ];
        let y_pixel = |v: f64| f64::from(axes.y(v));
        end_labels(
            &mut svg,
            &ends,
            &y_pixel,
            f64::from(axes.right + 1 + 6),
            frame.small(),
        );
    }
    svg.push_str(&layout.overlay(chart, (axes.left, axes.right + 1)));
    svg.push_str("</svg>");
    Some(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The path of every point of a run, as the chart drew each run before it was drawn by its
    /// ends.
    fn every_point(
        axes: &PeriodAxes,
        series: &[Option<f64>],
        run: std::ops::Range<usize>,
    ) -> String {
        let mut points: Vec<(f64, f64)> = run
            .clone()
            .filter_map(|i| series[i].map(|v| (i as f64, v)))
            .collect();
        if let [(x, y)] = points[..] {
            points = vec![(x - 0.4, y), (x + 0.4, y)];
        }
        let pixels: Vec<(i32, i32)> = points
            .iter()
            .map(|&(x, v)| (axes.x(x), axes.y(v)))
            .collect();
        let mut out = String::new();
        line_path(&mut out, &pixels, "#000000", 2, None);
        out
    }

    #[test]
    fn a_series_runs_between_gaps_and_steps_and_each_run_draws_as_its_every_point_would() {
        let axes = PeriodAxes {
            left: 64,
            right: 647,
            top: 83,
            bottom: 342,
            periods: 13,
            lo: 0.0,
            hi: 4.0,
        };
        let near = 2.0 + 1e-13;
        let series = [
            None,
            Some(1.0),
            Some(1.0),
            Some(1.0),
            None,
            Some(2.0),
            Some(near),
            Some(2.0),
            Some(3.0),
            None,
            Some(3.5),
            Some(2.5),
            Some(2.5),
        ];
        let found = runs(&series);
        assert_eq!(found, [1..4, 5..8, 8..9, 10..11, 11..13]);
        for run in found {
            let mut drawn = String::new();
            line_path(
                &mut drawn,
                &run_pixels(&axes, &series, run.clone()),
                "#000000",
                2,
                None,
            );
            assert_eq!(drawn, every_point(&axes, &series, run.clone()), "{run:?}");
        }
        // A level run is its two ends; values a hair apart are each point.
        assert_eq!(run_pixels(&axes, &series, 1..4).len(), 2);
        assert_eq!(run_pixels(&axes, &series, 5..8).len(), 3);
        assert_ne!(near.to_bits(), 2.0f64.to_bits());
        assert_eq!(run_pixels(&axes, &series, 8..9).len(), 2);
        assert!(runs(&[None, None]).is_empty());
    }
}
