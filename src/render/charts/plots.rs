//! Bar, line and paired-bar charts: plotters draws the axes, grid and marks inside the space
//! [`Layout`] leaves, and `frame` the legend, axis titles and wrapped category labels around it.

use super::frame::{self, text_block, wrap, Frame, TextStyle};
use super::{
    colour_hex, finish, fmt_tick, line_colour, nice_range, period_axis, tick_font, Dashes, Palette,
    DARK,
};
use crate::site::chart::{Bar, Chart, Line, PairedBar, Tone};
use crate::site::format::Dec;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::fmt::Write;

/// The plot of a chart over periods (the line and SPC charts): period indices `0..n` across, with
/// no vertical grid (the period axis is drawn by `period_axis`), values from `lo` to `hi` up with
/// light horizontal grid lines and ticks.
pub(super) fn period_plot<'a, 'b>(
    area: &'a DrawingArea<SVGBackend<'b>, Shift>,
    frame: Frame,
    margin_right: u32,
    y_area: u32,
    n: usize,
    (lo, hi): (f64, f64),
    size: u32,
) -> Option<
    ChartContext<
        'a,
        SVGBackend<'b>,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
> {
    let mut plot = ChartBuilder::on(area)
        .margin_right(margin_right)
        .margin_top(6)
        .x_label_area_size(30)
        .y_label_area_size(y_area)
        .build_cartesian_2d(-0.5..(n as f64 - 0.5), lo..hi)
        .ok()?;
    plot.configure_mesh()
        .x_labels(0)
        .disable_x_mesh()
        .y_labels(if frame.narrow { 5 } else { 8 })
        .y_label_formatter(&|y| fmt_tick(*y))
        .label_style(tick_font(size).color(&DARK))
        .max_light_lines(0)
        .bold_line_style(RGBColor(225, 225, 225))
        .draw()
        .ok()?;
    Some(plot)
}

/// Where a chart's parts go at one width: the legend on top, the value axis title under it, the
/// plot, then the horizontal axis title at the bottom.
pub(super) struct Layout {
    pub frame: Frame,
    pub height: u32,
    /// The legend's markup and the space above the plot (legend and value axis title).
    pub legend: String,
    pub top: u32,
    /// Space under the plot's tick labels for the horizontal axis title.
    pub bottom: u32,
}

impl Layout {
    /// The layout of `chart` around a plot `plot_height` px tall with `tick_area` px of tick or
    /// category labels under it; `dashed` says which lines are dashed, for the legend.
    pub(super) fn new(
        chart: &Chart,
        frame: Frame,
        plot_height: u32,
        tick_area: u32,
        dashed: &[bool],
    ) -> Layout {
        let (legend, legend_height) = frame::legend(frame, &chart.legend, dashed);
        let top = legend_height + frame::y_title_height(frame, &chart.y_axis) + 6;
        let bottom = frame::y_title_height(frame, &chart.x_axis) + 6;
        Layout {
            frame,
            height: top + plot_height + tick_area + bottom + 16,
            legend,
            top,
            bottom,
        }
    }

    /// The area plotters draws in: the whole drawing less the legend and titles.
    pub(super) fn plot_area<'a>(
        &self,
        root: &DrawingArea<SVGBackend<'a>, Shift>,
    ) -> DrawingArea<SVGBackend<'a>, Shift> {
        root.margin(self.top, self.bottom, 0, 0)
    }

    /// The overlay: legend and axis titles placed around the plot's pixel range.
    pub(super) fn overlay(&self, chart: &Chart, (left, right): (i32, i32)) -> String {
        let size = self.frame.small();
        let mut out = self.legend.clone();
        let y_top = self.top - frame::y_title_height(self.frame, &chart.y_axis) - 6 + size;
        let x_top = self.height - self.bottom + size - 2;
        out.push_str(&frame::axis_titles(
            self.frame,
            (&chart.x_axis, &chart.y_axis),
            (f64::from(left), f64::from(right)),
            (f64::from(y_top), f64::from(x_top)),
        ));
        out
    }
}

/// Horizontal bars coloured by comparison with whiskers for intervals, the home area's bar
/// outlined and its label bold, the benchmark a dashed line; category labels wrapped to fit.
pub(super) fn bar_chart(
    chart: &Chart,
    frame: Frame,
    bars: &[Bar],
    benchmark: Option<f64>,
) -> Option<String> {
    if bars.is_empty() {
        return None;
    }
    let size = frame.font;
    let label_width: u32 = if frame.narrow { 140 } else { 210 };
    let labels: Vec<Vec<String>> = bars
        .iter()
        .map(|b| wrap(&b.label, size, f64::from(label_width - 12)))
        .collect();
    let most_lines = labels.iter().map(Vec::len).max().unwrap_or(1) as u32;
    let row = (most_lines * Frame::line_height(size) + 8).max(28);
    let layout = Layout::new(chart, frame, bars.len() as u32 * row, 30, &[]);
    let values = bars
        .iter()
        .flat_map(|b| [Some(b.value), b.lower, b.upper])
        .flatten()
        .chain(benchmark);
    let (lo, hi) = nice_range(values, true);
    let n = bars.len() as f64;
    let mut raw = String::new();
    let dashes = Dashes::default();
    let mut overlay = String::new();
    {
        let root =
            SVGBackend::with_string(&mut raw, (frame.width, layout.height)).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let area = layout.plot_area(&root);
        let mut plot = ChartBuilder::on(&area)
            .margin_right(if frame.narrow { 14 } else { 20 })
            .margin_top(4)
            .x_label_area_size(30)
            .y_label_area_size(label_width)
            .build_cartesian_2d(lo..hi, 0.0..n)
            .ok()?;
        plot.configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_labels(if frame.narrow { 5 } else { 8 })
            .x_label_formatter(&|x| fmt_tick(*x))
            .label_style(tick_font(size).color(&DARK))
            .max_light_lines(0)
            .bold_line_style(RGBColor(235, 235, 235))
            .draw()
            .ok()?;
        // Bars, whiskers and the benchmark line are written here rather than by plotters, so
        // each bar carries its area's comparison class (`area cmp-worse`, the map's) and name.
        let at = |x: f64, y: f64| {
            let (px, py) = plot.backend_coord(&(x, y));
            (f64::from(px), f64::from(py))
        };
        for (i, b) in bars.iter().enumerate() {
            let y = n - i as f64 - 1.0;
            let (x0, y0) = at(0.0_f64.max(lo), y + 0.8);
            let (x1, y1) = at(b.value, y + 0.2);
            let (y0, height) = (Dec(y0), Dec(y1 - y0));
            let class = match b.tone {
                Tone::Plain => "bar".to_string(),
                tone => format!("bar area cmp-{}", tone.as_str()),
            };
            let _ = write!(
                overlay,
                "<rect class=\"{class}\" x=\"{:.0}\" y=\"{y0:.0}\" width=\"{:.0}\" height=\"{:.0}\" fill=\"{}\" stroke=\"#0B0C0C\" stroke-width=\"{}\"><title>{}</title></rect>",
                Dec(x0.min(x1)),
                Dec((x1 - x0).abs()),
                height,
                colour_hex(Palette::tone(b.tone)),
                if b.highlight { 3 } else { 1 },
                crate::render::escape_html(&b.label)
            );
            if let (Some(l), Some(u)) = (b.lower, b.upper) {
                let (lx, my) = at(l, y + 0.5);
                let (ux, _) = at(u, y + 0.5);
                let (_, top) = at(l, y + 0.65);
                let (_, bottom) = at(l, y + 0.35);
                let (lx, my, ux, top, bottom) = (Dec(lx), Dec(my), Dec(ux), Dec(top), Dec(bottom));
                let _ = write!(
                    overlay,
                    "<path class=\"interval\" d=\"M{lx:.0} {my:.0}H{ux:.0}M{lx:.0} {top:.0}V{bottom:.0}M{ux:.0} {top:.0}V{bottom:.0}\" stroke=\"#0B0C0C\" stroke-width=\"2\" fill=\"none\"/>"
                );
            }
        }
        if let Some(bm) = benchmark {
            let (bx, top) = at(bm, n);
            let (_, bottom) = at(bm, 0.0);
            let (bx, top, bottom) = (Dec(bx), Dec(top), Dec(bottom));
            let _ = write!(
                overlay,
                "<path class=\"benchmark\" d=\"M{bx:.0} {top:.0}V{bottom:.0}\" stroke=\"{}\" stroke-width=\"3\" stroke-dasharray=\"6 4\" fill=\"none\"/>",
                colour_hex(Palette::BENCHMARK)
            );
        }
        let (xs, _) = plot.plotting_area().get_pixel_range();
        for (i, (b, lines)) in bars.iter().zip(&labels).enumerate() {
            let (_, cy) = plot.backend_coord(&(lo, n - i as f64 - 0.5));
            let first = f64::from(cy) + f64::from(size) * 0.35
                - f64::from((lines.len() as u32 - 1) * Frame::line_height(size)) / 2.0;
            let style = TextStyle {
                bold: b.highlight,
                ..TextStyle::new("bar-label", "end", size)
            };
            text_block(&mut overlay, style, (f64::from(xs.start - 8), first), lines);
        }
        overlay.push_str(&layout.overlay(chart, (xs.start, xs.end)));
        root.present().ok()?;
    }
    Some(finish(raw, &dashes, chart, frame, &overlay))
}

/// The number of periods between labels so that labels of `widest` px do not touch.
pub(super) fn label_step(n: usize, plot_width: f64, widest: f64) -> usize {
    let fits = ((plot_width / (widest + 14.0)).floor() as usize).max(1);
    n.div_ceil(fits).max(1)
}

/// Lines over labelled periods, with whiskers for the periods a line has an interval for.
pub(super) fn line_chart(
    chart: &Chart,
    frame: Frame,
    x_labels: &[String],
    lines: &[Line],
    include_zero: bool,
) -> Option<String> {
    if x_labels.is_empty() || lines.iter().all(|l| l.values.iter().all(Option::is_none)) {
        return None;
    }
    let size = frame.font;
    let dashed: Vec<bool> = lines.iter().map(|l| l.dashed).collect();
    let layout = Layout::new(
        chart,
        frame,
        if frame.narrow { 200 } else { 240 },
        30,
        &dashed,
    );
    let (lo, hi) = nice_range(
        lines.iter().flat_map(|l| {
            l.values
                .iter()
                .chain(&l.lower)
                .chain(&l.upper)
                .flatten()
                .copied()
        }),
        include_zero,
    );
    let n = x_labels.len();
    let y_area = if frame.narrow { 50 } else { 64 };
    let widest = x_labels
        .iter()
        .map(|l| frame::text_width(l, size))
        .fold(0.0, f64::max);
    let step = label_step(n, f64::from(frame.width - y_area - 30), widest);
    let mut raw = String::new();
    let mut dashes = Dashes::default();
    let overlay;
    {
        let root =
            SVGBackend::with_string(&mut raw, (frame.width, layout.height)).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let area = layout.plot_area(&root);
        let mut plot = period_plot(
            &area,
            frame,
            if frame.narrow { 16 } else { 24 },
            y_area,
            n,
            (lo, hi),
            size,
        )?;
        for (k, line) in lines.iter().enumerate() {
            let colour = line_colour(k);
            let whisker = ShapeStyle::from(&colour).stroke_width(2);
            for (i, (l, u)) in line.lower.iter().zip(&line.upper).enumerate() {
                let (Some(l), Some(u)) = (l, u) else { continue };
                let x = i as f64;
                plot.draw_series(std::iter::once(PathElement::new(
                    vec![(x, *l), (x, *u)],
                    whisker,
                )))
                .ok()?;
                for end in [*l, *u] {
                    plot.draw_series(std::iter::once(
                        EmptyElement::at((x, end))
                            + PathElement::new(vec![(-5, 0), (5, 0)], whisker),
                    ))
                    .ok()?;
                }
            }
            for seg in segments(&line.values) {
                if line.dashed {
                    plot.draw_series(LineSeries::new(seg, dashes.style(colour, "8 5", 3)))
                        .ok()?;
                } else {
                    let style = ShapeStyle::from(&colour).stroke_width(3);
                    plot.draw_series(LineSeries::new(seg.clone(), style)).ok()?;
                    plot.draw_series(seg.iter().map(|p| Circle::new(*p, 4, colour.filled())))
                        .ok()?;
                }
            }
        }
        let (xs, ys) = plot.plotting_area().get_pixel_range();
        let x_pixel = |i: usize| f64::from(plot.backend_coord(&(i as f64, lo)).0);
        let mut text = String::new();
        period_axis(&mut text, x_labels, step, &x_pixel, f64::from(ys.end), size);
        text.push_str(&layout.overlay(chart, (xs.start, xs.end)));
        overlay = text;
        root.present().ok()?;
    }
    Some(finish(raw, &dashes, chart, frame, &overlay))
}

/// The unbroken runs of a series as (period index, value) points; a gap ends a run.
pub(super) fn segments(values: &[Option<f64>]) -> Vec<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => current.push((i as f64, *v)),
            None if !current.is_empty() => out.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Pairs of bars (discounted costs and benefits) per option, each option's name wrapped under
/// its pair.
pub(super) fn paired_bars(chart: &Chart, frame: Frame, groups: &[PairedBar]) -> Option<String> {
    if groups.is_empty() {
        return None;
    }
    let size = frame.font;
    let y_area = if frame.narrow { 66 } else { 72 };
    let group_width = f64::from(frame.width - y_area - 30) / groups.len() as f64 - 8.0;
    let labels: Vec<Vec<String>> = groups
        .iter()
        .map(|g| wrap(&g.label, size, group_width))
        .collect();
    let most_lines = labels.iter().map(Vec::len).max().unwrap_or(1) as u32;
    let tick_area = most_lines * Frame::line_height(size) + 12;
    let layout = Layout::new(
        chart,
        frame,
        if frame.narrow { 200 } else { 240 },
        tick_area,
        &[],
    );
    let (lo, hi) = nice_range(groups.iter().flat_map(|g| [g.costs, g.benefits]), true);
    let n = groups.len() as f64;
    let mut raw = String::new();
    let dashes = Dashes::default();
    let mut overlay = String::new();
    {
        let root =
            SVGBackend::with_string(&mut raw, (frame.width, layout.height)).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let area = layout.plot_area(&root);
        let mut plot = ChartBuilder::on(&area)
            .margin_right(if frame.narrow { 12 } else { 20 })
            .margin_top(6)
            .x_label_area_size(tick_area)
            .y_label_area_size(y_area)
            .build_cartesian_2d(0.0..n, lo..hi)
            .ok()?;
        plot.configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(if frame.narrow { 5 } else { 8 })
            .y_label_formatter(&|y| format!("£{}", fmt_tick(*y)))
            .label_style(tick_font(size).color(&DARK))
            .max_light_lines(0)
            .bold_line_style(RGBColor(225, 225, 225))
            .draw()
            .ok()?;
        for (i, g) in groups.iter().enumerate() {
            let x = i as f64;
            plot.draw_series(std::iter::once(Rectangle::new(
                [(x + 0.12, 0.0), (x + 0.48, g.costs)],
                Palette::COSTS.filled(),
            )))
            .ok()?;
            plot.draw_series(std::iter::once(Rectangle::new(
                [(x + 0.52, 0.0), (x + 0.88, g.benefits)],
                Palette::BENEFITS.filled(),
            )))
            .ok()?;
        }
        let (xs, ys) = plot.plotting_area().get_pixel_range();
        for (i, lines) in labels.iter().enumerate() {
            let (cx, _) = plot.backend_coord(&(i as f64 + 0.5, lo));
            let baseline = f64::from(ys.end) + 8.0 + f64::from(size);
            text_block(
                &mut overlay,
                TextStyle::new("bar-label", "middle", size),
                (f64::from(cx), baseline),
                lines,
            );
        }
        overlay.push_str(&layout.overlay(chart, (xs.start, xs.end)));
        root.present().ok()?;
    }
    Some(finish(raw, &dashes, chart, frame, &overlay))
}
