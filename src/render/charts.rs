//! SVG charts drawn with plotters (no system fonts needed), each returned with a title and a text
//! description wired to `role="img"` so screen readers announce it; pages always put the data
//! table beside the chart.

use crate::site::chart::{Bar, Chart, Line, Mark, PairedBar, Plot};
use plotters::prelude::*;
use serde::Serialize;

/// A drawn chart ready to embed: what a template receives for each chart of a view.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DrawnChart {
    pub id: String,
    pub title: String,
    pub description: String,
    /// Inline SVG markup (trusted: built here from numbers and escaped labels).
    pub svg: String,
}

/// Draws a chart; `None` when plotters cannot draw it.
pub fn draw(chart: &Chart) -> Option<DrawnChart> {
    let (id, title, description) = (&chart.id, &chart.title, &chart.description);
    match &chart.plot {
        Plot::Bars { bars, benchmark } => bar_chart(id, title, description, bars, *benchmark),
        Plot::Lines {
            x_labels,
            lines,
            include_zero,
        } => line_chart(id, title, description, x_labels, lines, *include_zero),
        Plot::Spc {
            x_labels,
            values,
            mean,
            lower,
            upper,
            target,
            marks,
        } => spc_chart(
            id,
            title,
            description,
            x_labels,
            [values, mean, lower, upper, target],
            marks,
        ),
        Plot::PairedBars { groups } => paired_bars(id, title, description, groups),
    }
}

/// Replaces every chart in a view's template data (an object with a `$chart` plot, as
/// [`Chart`] serialises) with the drawn chart, or with null when it cannot be drawn.
pub fn draw_charts(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(map) if map.contains_key("$chart") => {
            let drawn = serde_json::from_value::<Chart>(Value::Object(std::mem::take(map)))
                .ok()
                .and_then(|c| draw(&c))
                .and_then(|d| serde_json::to_value(d).ok());
            *value = drawn.unwrap_or(Value::Null);
        }
        Value::Object(map) => map.values_mut().for_each(draw_charts),
        Value::Array(items) => items.iter_mut().for_each(draw_charts),
        _ => {}
    }
}

const BLUE: RGBColor = RGBColor(29, 112, 184);
const DARK: RGBColor = RGBColor(11, 12, 12);
const GREY: RGBColor = RGBColor(80, 90, 95);
const ORANGE: RGBColor = RGBColor(180, 70, 0);
const PURPLE: RGBColor = RGBColor(76, 44, 146);
const LIGHT_BLUE: RGBColor = RGBColor(170, 200, 230);
const FONT: &str = "sans-serif";

/// Dashed and dotted lines as one SVG path each with `stroke-dasharray`. Plotters' SVG backend
/// has no dash style and its `DashedLineSeries` writes every dash as its own element (a KPI chart's
/// three dashed lines came to 260 elements, half the page). A dashed line is drawn as a plain line
/// in a stand-in colour that [`finish`] rewrites to the real colour and dash pattern.
#[derive(Default)]
struct Dashes(Vec<(RGBColor, &'static str)>);

impl Dashes {
    /// The stand-in colour to draw a line of `colour` dashed as `pattern` (SVG dash lengths).
    fn style(&mut self, colour: RGBColor, pattern: &'static str, width: u32) -> ShapeStyle {
        let index = match self.0.iter().position(|d| *d == (colour, pattern)) {
            Some(i) => i,
            None => {
                self.0.push((colour, pattern));
                self.0.len() - 1
            }
        };
        ShapeStyle::from(&RGBColor(1, 2, index as u8)).stroke_width(width)
    }

    /// The real stroke (and dash pattern) for a `stroke="#RRGGBB"` value plotters wrote, when
    /// it is one of this chart's stand-ins.
    fn real(&self, hex: &str) -> Option<String> {
        let index = hex.strip_prefix("0102")?;
        let index = usize::from(u8::from_str_radix(index, 16).ok()?);
        let (RGBColor(r, g, b), pattern) = self.0.get(index)?;
        Some(format!(
            "stroke=\"#{r:02X}{g:02X}{b:02X}\" stroke-dasharray=\"{pattern}\""
        ))
    }
}

/// Adds `role="img"`, a title and a description to plotters' SVG, drops its XML declaration (the
/// SVG is inline), and gives dashed lines their colour and pattern; one pass over the markup.
fn finish(raw: String, dashes: &Dashes, id: &str, title: &str, description: &str) -> DrawnChart {
    let mut svg = String::with_capacity(raw.len() + title.len() + description.len() + 200);
    let mut rest = raw.as_str();
    if let Some(start) = rest.find("<?xml") {
        if let Some(end) = rest[start..].find("?>") {
            rest = &rest[start + end + 2..];
        }
    }
    rest = rest.trim();
    if let Some(pos) = rest.find("<svg") {
        if let Some(end) = rest[pos..].find('>') {
            svg.push_str(&rest[..pos]);
            svg.push_str(&format!(
                "<svg role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" focusable=\"false\" class=\"chart-svg\"{}<title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
                &rest[pos + 4..=pos + end],
                crate::render::escape_html(title),
                crate::render::escape_html(description)
            ));
            rest = &rest[pos + end + 1..];
        }
    }
    const STROKE: &str = "stroke=\"#";
    while let Some(at) = rest.find(STROKE) {
        let hex = rest.get(at + STROKE.len()..at + STROKE.len() + 6);
        match hex.and_then(|hex| dashes.real(hex)) {
            Some(real) if rest.as_bytes().get(at + STROKE.len() + 6) == Some(&b'"') => {
                svg.push_str(&rest[..at]);
                svg.push_str(&real);
                rest = &rest[at + STROKE.len() + 7..];
            }
            _ => {
                svg.push_str(&rest[..at + STROKE.len()]);
                rest = &rest[at + STROKE.len()..];
            }
        }
    }
    svg.push_str(rest);
    DrawnChart {
        id: id.to_string(),
        title: title.to_string(),
        description: description.to_string(),
        svg,
    }
}

fn nice_range(values: impl Iterator<Item = f64>, include_zero: bool) -> (f64, f64) {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if include_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    let pad = ((hi - lo).abs() * 0.08).max(hi.abs() * 0.02).max(1e-9);
    let lo = if include_zero && lo >= 0.0 {
        0.0
    } else {
        lo - pad
    };
    (lo, hi + pad)
}

fn short(label: &str, max: usize) -> String {
    if label.chars().count() > max {
        format!("{}…", label.chars().take(max - 1).collect::<String>())
    } else {
        label.to_string()
    }
}

fn fmt_tick(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{:.1}m", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if a >= 100.0 || v.fract().abs() < 1e-9 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// The label of the period at axis position `x`, for every `step`-th period; blank between.
fn period_label(x: f64, labels: &[String], step: usize) -> String {
    let i = x.round();
    let at_point = (x - i).abs() < 0.01 && i >= 0.0 && (i as usize) < labels.len();
    if at_point && (i as usize) % step == 0 {
        crate::site::format::period(&labels[i as usize])
    } else {
        String::new()
    }
}

/// Horizontal bars with confidence-interval whiskers and an optional benchmark line.
fn bar_chart(
    id: &str,
    title: &str,
    description: &str,
    bars: &[Bar],
    benchmark: Option<f64>,
) -> Option<DrawnChart> {
    if bars.is_empty() {
        return None;
    }
    let height = (bars.len() as u32 * 28 + 70).max(160);
    let values = bars
        .iter()
        .flat_map(|b| [Some(b.value), b.lower, b.upper])
        .flatten()
        .chain(benchmark);
    let (lo, hi) = nice_range(values, true);
    let n = bars.len() as f64;
    let mut raw = String::new();
    let mut dashes = Dashes::default();
    {
        let root = SVGBackend::with_string(&mut raw, (760, height)).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(210)
            .build_cartesian_2d(lo..hi, 0.0..n)
            .ok()?;
        let labels: Vec<String> = bars.iter().map(|b| short(&b.label, 30)).collect();
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(bars.len() * 2 + 1)
            .y_label_formatter(&|y| {
                let i = (n - y - 0.5).round();
                if (n - y - 0.5 - i).abs() < 0.01 && i >= 0.0 && (i as usize) < labels.len() {
                    labels[i as usize].clone()
                } else {
                    String::new()
                }
            })
            .x_label_formatter(&|x| fmt_tick(*x))
            .label_style((FONT, 15).into_font().color(&DARK))
            .max_light_lines(0)
            .bold_line_style(RGBColor(235, 235, 235))
            .draw()
            .ok()?;
        for (i, b) in bars.iter().enumerate() {
            let y = n - i as f64 - 1.0;
            let colour = if b.highlight { BLUE } else { LIGHT_BLUE };
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0_f64.max(lo), y + 0.2), (b.value, y + 0.8)],
                    colour.filled(),
                )))
                .ok()?;
            if let (Some(l), Some(u)) = (b.lower, b.upper) {
                let style = ShapeStyle::from(&DARK).stroke_width(2);
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(l, y + 0.5), (u, y + 0.5)],
                        style,
                    )))
                    .ok()?;
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(l, y + 0.35), (l, y + 0.65)],
                        style,
                    )))
                    .ok()?;
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(u, y + 0.35), (u, y + 0.65)],
                        style,
                    )))
                    .ok()?;
            }
        }
        if let Some(bm) = benchmark {
            chart
                .draw_series(LineSeries::new(
                    vec![(bm, 0.0), (bm, n)],
                    dashes.style(ORANGE, "6 4", 3),
                ))
                .ok()?;
        }
        root.present().ok()?;
    }
    Some(finish(raw, &dashes, id, title, description))
}

/// Lines over labelled periods.
fn line_chart(
    id: &str,
    title: &str,
    description: &str,
    x_labels: &[String],
    lines: &[Line],
    include_zero: bool,
) -> Option<DrawnChart> {
    if x_labels.is_empty() || lines.iter().all(|l| l.values.iter().all(Option::is_none)) {
        return None;
    }
    let (lo, hi) = nice_range(
        lines
            .iter()
            .flat_map(|l| l.values.iter().flatten().copied()),
        include_zero,
    );
    let n = x_labels.len();
    let mut raw = String::new();
    let mut dashes = Dashes::default();
    {
        let root = SVGBackend::with_string(&mut raw, (760, 340)).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let mut chart = ChartBuilder::on(&root)
            .margin(14)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(-0.5..(n as f64 - 0.5), lo..hi)
            .ok()?;
        let step = n.div_ceil(8).max(1);
        chart
            .configure_mesh()
            .x_labels(n.min(12))
            .x_label_formatter(&|x| period_label(*x, x_labels, step))
            .y_label_formatter(&|y| fmt_tick(*y))
            .label_style((FONT, 15).into_font().color(&DARK))
            .max_light_lines(0)
            .bold_line_style(RGBColor(225, 225, 225))
            .draw()
            .ok()?;
        let colours = [BLUE, ORANGE, PURPLE, GREY];
        for (k, line) in lines.iter().enumerate() {
            let colour = colours[k % colours.len()];
            let style = ShapeStyle::from(&colour).stroke_width(3);
            let mut segment: Vec<(f64, f64)> = Vec::new();
            let mut segments = Vec::new();
            for (i, v) in line.values.iter().enumerate() {
                match v {
                    Some(v) => segment.push((i as f64, *v)),
                    None if !segment.is_empty() => segments.push(std::mem::take(&mut segment)),
                    None => {}
                }
            }
            if !segment.is_empty() {
                segments.push(segment);
            }
            for seg in segments {
                if line.dashed {
                    chart
                        .draw_series(LineSeries::new(seg, dashes.style(colour, "8 5", 3)))
                        .ok()?;
                } else {
                    chart
                        .draw_series(LineSeries::new(seg.clone(), style))
                        .ok()?;
                    chart
                        .draw_series(seg.iter().map(|p| Circle::new(*p, 4, colour.filled())))
                        .ok()?;
                }
            }
        }
        root.present().ok()?;
    }
    Some(finish(raw, &dashes, id, title, description))
}

/// A Making Data Count XmR chart: points, mean, process limits, target; special-cause points are
/// marked by shape (triangle up: improvement, square: concern, diamond: neutral) and colour.
/// `series` are the values, mean, lower and upper limits and target, one per period.
fn spc_chart(
    id: &str,
    title: &str,
    description: &str,
    x_labels: &[String],
    series: [&[Option<f64>]; 5],
    marks: &[Mark],
) -> Option<DrawnChart> {
    let [values, mean, lower, upper, target] = series;
    let all = values
        .iter()
        .chain(mean)
        .chain(lower)
        .chain(upper)
        .chain(target)
        .flatten()
        .copied();
    let (lo, hi) = nice_range(all, false);
    let n = x_labels.len();
    if n == 0 {
        return None;
    }
    let mut raw = String::new();
    let mut dashes = Dashes::default();
    {
        let root = SVGBackend::with_string(&mut raw, (760, 360)).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let mut chart = ChartBuilder::on(&root)
            .margin(14)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(-0.5..(n as f64 - 0.5), lo..hi)
            .ok()?;
        let step = n.div_ceil(8).max(1);
        chart
            .configure_mesh()
            .x_labels(n.min(12))
            .x_label_formatter(&|x| period_label(*x, x_labels, step))
            .y_label_formatter(&|y| fmt_tick(*y))
            .label_style((FONT, 15).into_font().color(&DARK))
            .max_light_lines(0)
            .bold_line_style(RGBColor(225, 225, 225))
            .draw()
            .ok()?;
        let path = |series: &[Option<f64>]| -> Vec<Vec<(f64, f64)>> {
            let mut out = Vec::new();
            let mut cur = Vec::new();
            let mut last: Option<f64> = None;
            for (i, v) in series.iter().enumerate() {
                match v {
                    Some(v) => {
                        // A step in a limit (rebase) starts a new segment.
                        if last.is_some_and(|l| (l - v).abs() > 1e-12) && !cur.is_empty() {
                            out.push(std::mem::take(&mut cur));
                        }
                        cur.push((i as f64, *v));
                        last = Some(*v);
                    }
                    None => {
                        if !cur.is_empty() {
                            out.push(std::mem::take(&mut cur));
                        }
                        last = None;
                    }
                }
            }
            if !cur.is_empty() {
                out.push(cur);
            }
            out
        };
        for seg in path(upper).into_iter().chain(path(lower)) {
            let seg = if seg.len() == 1 {
                vec![(seg[0].0 - 0.4, seg[0].1), (seg[0].0 + 0.4, seg[0].1)]
            } else {
                seg
            };
            chart
                .draw_series(LineSeries::new(seg, dashes.style(GREY, "6 4", 2)))
                .ok()?;
        }
        for seg in path(mean) {
            chart
                .draw_series(LineSeries::new(
                    seg,
                    ShapeStyle::from(&DARK).stroke_width(2),
                ))
                .ok()?;
        }
        for seg in path(target) {
            chart
                .draw_series(LineSeries::new(seg, dashes.style(RED, "2 4", 3)))
                .ok()?;
        }
        let pts: Vec<(f64, f64)> = values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (i as f64, v)))
            .collect();
        chart
            .draw_series(LineSeries::new(
                pts.clone(),
                ShapeStyle::from(&GREY).stroke_width(1),
            ))
            .ok()?;
        for (i, v) in values.iter().enumerate() {
            let Some(v) = v else { continue };
            let p = (i as f64, *v);
            let mark = marks.get(i).copied().unwrap_or(Mark::Common);
            match mark {
                Mark::Common => {
                    chart
                        .draw_series(std::iter::once(Circle::new(p, 4, GREY.filled())))
                        .ok()?;
                }
                Mark::Improvement => {
                    chart
                        .draw_series(std::iter::once(TriangleMarker::new(p, 8, BLUE.filled())))
                        .ok()?;
                }
                Mark::Concern => {
                    chart
                        .draw_series(std::iter::once(
                            EmptyElement::at(p)
                                + Rectangle::new([(-6, -6), (6, 6)], ORANGE.filled()),
                        ))
                        .ok()?;
                }
                Mark::Neutral => {
                    chart
                        .draw_series(std::iter::once(Cross::new(
                            p,
                            7,
                            ShapeStyle::from(&PURPLE).stroke_width(3),
                        )))
                        .ok()?;
                }
            }
        }
        root.present().ok()?;
    }
    Some(finish(raw, &dashes, id, title, description))
}

/// Pairs of bars (discounted costs and benefits) per option.
fn paired_bars(
    id: &str,
    title: &str,
    description: &str,
    groups: &[PairedBar],
) -> Option<DrawnChart> {
    if groups.is_empty() {
        return None;
    }
    let (lo, hi) = nice_range(groups.iter().flat_map(|g| [g.costs, g.benefits]), true);
    let n = groups.len() as f64;
    let mut raw = String::new();
    let dashes = Dashes::default();
    {
        let root = SVGBackend::with_string(&mut raw, (760, 340)).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let mut chart = ChartBuilder::on(&root)
            .margin(14)
            .x_label_area_size(40)
            .y_label_area_size(72)
            .build_cartesian_2d(0.0..n, lo..hi)
            .ok()?;
        let labels: Vec<String> = groups.iter().map(|g| short(&g.label, 22)).collect();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(groups.len() * 2 + 1)
            .x_label_formatter(&|x| {
                let i = (x - 0.5).round();
                if (x - 0.5 - i).abs() < 0.01 && i >= 0.0 && (i as usize) < labels.len() {
                    labels[i as usize].clone()
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|y| format!("£{}", fmt_tick(*y)))
            .label_style((FONT, 15).into_font().color(&DARK))
            .max_light_lines(0)
            .bold_line_style(RGBColor(225, 225, 225))
            .draw()
            .ok()?;
        for (i, g) in groups.iter().enumerate() {
            let x = i as f64;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x + 0.12, 0.0), (x + 0.48, g.costs)],
                    ORANGE.filled(),
                )))
                .ok()?;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x + 0.52, 0.0), (x + 0.88, g.benefits)],
                    BLUE.filled(),
                )))
                .ok()?;
        }
        root.present().ok()?;
    }
    Some(finish(raw, &dashes, id, title, description))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_labelled_images() {
        let c = line_chart(
            "t1",
            "A <title>",
            "Rising & falling",
            &["2023".into(), "2024".into()],
            &[Line {
                name: "x".into(),
                values: vec![Some(1.0), Some(2.0)],
                dashed: false,
            }],
            false,
        )
        .unwrap();
        assert!(
            c.svg
                .starts_with("<svg role=\"img\" aria-labelledby=\"t1-title t1-desc\""),
            "{}",
            &c.svg[..120]
        );
        assert!(c.svg.contains("<title id=\"t1-title\">A &lt;title&gt;</title><desc id=\"t1-desc\">Rising &amp; falling</desc>"));
        assert!(!c.svg.contains("<?xml"));
    }

    #[test]
    fn empty_data_draws_nothing() {
        assert!(bar_chart("b", "t", "d", &[], None).is_none());
        assert!(line_chart(
            "l",
            "t",
            "d",
            &["2024".into()],
            &[Line {
                name: "x".into(),
                values: vec![None],
                dashed: false
            }],
            false
        )
        .is_none());
    }
}
