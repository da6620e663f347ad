//! The Making Data Count XmR chart: points joined by a thin line, each marked by its special
//! cause in colour and shape (METHODS.md 2.2; grey circle common cause, blue triangle
//! improvement, orange square concern, purple cross neither), the mean (solid), process limits
//! (dashed) and target (dotted), each labelled at its right-hand end on the wide drawing; the
//! legend keys them all.

use super::frame::{mark_svg, text_block, Frame, TextStyle};
use super::plots::{period_plot, Layout};
use super::{colour_hex, finish, nice_range, period_axis, Dashes, Palette};
use crate::site::chart::{Chart, Mark, Plot, SpcEnds};
use plotters::prelude::*;

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

/// Draws an SPC chart at the width of `frame`.
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
    let human: Vec<String> = x_labels
        .iter()
        .map(|l| crate::site::format::period(l))
        .collect();
    let widest = human
        .iter()
        .map(|l| super::frame::text_width(l, size))
        .fold(0.0, f64::max);
    let plot_width = f64::from(frame.width - y_area - right - 30);
    let fits = ((plot_width / (widest + 14.0)).floor() as usize).max(1);
    let step = n.div_ceil(fits).max(1);
    let mut raw = String::new();
    let mut dashes = Dashes::default();
    let mut overlay = String::new();
    {
        let root =
            SVGBackend::with_string(&mut raw, (frame.width, layout.height)).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let area = layout.plot_area(&root, right);
        let mut plot = period_plot(
            &area,
            frame,
            if frame.narrow { 16 } else { 8 },
            y_area,
            n,
            (lo, hi),
            size,
        )?;
        for run in runs(upper).into_iter().chain(runs(lower)) {
            plot.draw_series(LineSeries::new(
                run,
                dashes.style(Palette::LIMITS, "6 4", 2),
            ))
            .ok()?;
        }
        for run in runs(mean) {
            plot.draw_series(LineSeries::new(
                run,
                ShapeStyle::from(&Palette::MEAN).stroke_width(2),
            ))
            .ok()?;
        }
        for run in runs(target) {
            plot.draw_series(LineSeries::new(
                run,
                dashes.style(Palette::TARGET, "2 4", 3),
            ))
            .ok()?;
        }
        let points: Vec<(f64, f64)> = values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (i as f64, v)))
            .collect();
        plot.draw_series(LineSeries::new(
            points,
            ShapeStyle::from(&Palette::LIMITS).stroke_width(1),
        ))
        .ok()?;
        // The marks are drawn over the lines in the overlay, one element each, as the key draws them.
        for (i, v) in values.iter().enumerate() {
            let Some(v) = v else { continue };
            let (x, y) = plot.backend_coord(&(i as f64, *v));
            let mark = marks.get(i).copied().unwrap_or(Mark::Common);
            mark_svg(&mut overlay, mark, (f64::from(x), f64::from(y)));
        }
        let (xs, ys) = plot.plotting_area().get_pixel_range();
        let x_pixel = |i: usize| f64::from(plot.backend_coord(&(i as f64, lo)).0);
        period_axis(
            &mut overlay,
            x_labels,
            step,
            &x_pixel,
            f64::from(ys.end),
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
            let y_pixel = |v: f64| f64::from(plot.backend_coord(&(0.0, v)).1);
            end_labels(
                &mut overlay,
                &ends,
                &y_pixel,
                f64::from(xs.end + 6),
                frame.small(),
            );
        }
        overlay.push_str(&layout.overlay(chart, (xs.start, xs.end)));
        root.present().ok()?;
    }
    Some(finish(raw, &dashes, chart, frame, &overlay))
}
