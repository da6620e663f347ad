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

/// The runs of a limit or mean as (period index, value) points: a gap or a step (a rebase)
/// starts a new run, and a run of one point is widened to a short level line.
fn runs(series: &[Option<f64>]) -> Vec<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    let mut last: Option<f64> = None;
    for (i, v) in series.iter().enumerate() {
        match v {
            Some(v) => {
                if last.is_some_and(|l| (l - v).abs() > 1e-12) && !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                current.push((i as f64, *v));
                last = Some(*v);
            }
            None => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                last = None;
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out.into_iter()
        .map(|run| match run.as_slice() {
            [(x, y)] => vec![(x - 0.4, *y), (x + 0.4, *y)],
            _ => run,
        })
        .collect()
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
    let level = |run: Vec<(f64, f64)>| -> Vec<(i32, i32)> {
        run.into_iter()
            .map(|(i, v)| (axes.x(i), axes.y(v)))
            .collect()
    };
    let limits = colour_hex(Palette::LIMITS);
    for run in runs(upper).into_iter().chain(runs(lower)) {
        line_path(&mut svg, &level(run), &limits, 2, Some("6 4"));
    }
    for run in runs(mean) {
        line_path(&mut svg, &level(run), &colour_hex(Palette::MEAN), 2, None);
    }
    for run in runs(target) {
        line_path(
            &mut svg,
            &level(run),
            &colour_hex(Palette::TARGET),
            3,
            Some("2 4"),
        );
    }
    let points: Vec<(i32, i32)> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (axes.x(i as f64), axes.y(v))))
        .collect();
    line_path(&mut svg, &points, &limits, 1, None);
    // The marks are drawn over the lines, one element each, as the key draws them.
    for (i, v) in values.iter().enumerate() {
        let Some(v) = v else { continue };
        let mark = marks.get(i).copied().unwrap_or(Mark::Common);
        mark_svg(
            &mut svg,
            mark,
            (f64::from(axes.x(i as f64)), f64::from(axes.y(*v))),
        );
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
