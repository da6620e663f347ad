//! SVG charts, each with its legend, axis titles, title and text description wired to
//! `role="img"` so screen readers announce it; pages always put the data table beside the chart.
//! Each chart is drawn twice: at 760 px for screens and at 400 px for phones (CSS shows one), so
//! its text is never under 11 px on a 390 px phone. The SPC chart, on every KPI page, is written
//! directly ([`axes`]); the bar and line charts are drawn with plotters (no system fonts needed).

mod axes;
mod frame;
mod plots;
mod spc;

use crate::site::chart::{Chart, Plot, Tone};
use crate::site::format::Dec;
pub(crate) use frame::{Frame, NARROW, WIDE};
use plotters::prelude::*;
use serde::Serialize;

/// A drawn chart ready to embed: what a template receives for each chart of a view.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DrawnChart {
    pub id: String,
    pub title: String,
    pub description: String,
    /// Inline SVG markup for screens (trusted: built here from numbers and escaped labels).
    pub svg: String,
    /// The same chart laid out for phones.
    pub svg_narrow: String,
}

/// Draws a chart at both widths; `None` when plotters cannot draw it.
pub fn draw(chart: &Chart) -> Option<DrawnChart> {
    Some(DrawnChart {
        id: chart.id.clone(),
        title: chart.title.clone(),
        description: chart.description.clone(),
        svg: draw_at(chart, WIDE)?,
        svg_narrow: draw_at(chart, NARROW)?,
    })
}

/// One drawing of a chart, at the width of `frame`.
pub(crate) fn draw_at(chart: &Chart, frame: Frame) -> Option<String> {
    match &chart.plot {
        Plot::Bars { bars, benchmark } => plots::bar_chart(chart, frame, bars, *benchmark),
        Plot::Lines {
            x_labels,
            lines,
            include_zero,
        } => plots::line_chart(chart, frame, x_labels, lines, *include_zero),
        Plot::Spc { .. } => spc::spc_chart(chart, frame),
        Plot::PairedBars { groups } => plots::paired_bars(chart, frame, groups),
    }
}

/// A chart as its template receives it: drawn, or null when it cannot be drawn. Installed by
/// `pages` while each view is serialised ([`crate::site::chart::drawn_while_serialising`]).
pub fn drawn_value(chart: &Chart) -> Option<Box<dyn erased_serde::Serialize>> {
    draw(chart).map(|d| Box::new(d) as Box<dyn erased_serde::Serialize>)
}

const BLUE: RGBColor = RGBColor(29, 112, 184);
const DARK: RGBColor = RGBColor(11, 12, 12);
const GREY: RGBColor = RGBColor(80, 90, 95);
const ORANGE: RGBColor = RGBColor(180, 70, 0);
const PURPLE: RGBColor = RGBColor(76, 44, 146);
const FONT: &str = "sans-serif";

/// Plotters' tick label font drawn at `size` px: its SVG backend writes a font size of the given
/// size divided by 1.24, so the size asked for is that much larger.
fn tick_font(size: u32) -> FontDesc<'static> {
    (FONT, f64::from(size) * 1.24).into_font()
}

/// The colours of what charts draw, in one place so a legend symbol matches its mark.
pub(crate) struct Palette;

impl Palette {
    pub(crate) const BENCHMARK: RGBColor = ORANGE;
    pub(crate) const MEAN: RGBColor = DARK;
    pub(crate) const LIMITS: RGBColor = GREY;
    /// Dark red: 5.6:1 on white, so its end label reads as text.
    pub(crate) const TARGET: RGBColor = RGBColor(200, 30, 30);
    /// Making Data Count: grey common cause, orange concern, blue improvement, purple neither.
    pub(crate) const COMMON: RGBColor = RGBColor(117, 124, 128);
    pub(crate) const CONCERN: RGBColor = RGBColor(200, 90, 0);
    pub(crate) const IMPROVEMENT: RGBColor = RGBColor(0, 94, 184);
    pub(crate) const NEUTRAL: RGBColor = PURPLE;
    pub(crate) const COSTS: RGBColor = ORANGE;
    pub(crate) const BENEFITS: RGBColor = BLUE;

    /// A bar's fill by its comparison: the map's colours (`.area.cmp-*` in style.css).
    pub(crate) fn tone(tone: Tone) -> RGBColor {
        match tone {
            Tone::Best => RGBColor(0, 112, 60),
            Tone::Better => RGBColor(79, 158, 108),
            Tone::Similar => RGBColor(255, 191, 71),
            Tone::Worse => RGBColor(212, 53, 28),
            Tone::Worst => RGBColor(148, 37, 20),
            Tone::Higher => RGBColor(86, 148, 202),
            Tone::Lower => RGBColor(194, 218, 240),
            Tone::NotCompared => RGBColor(177, 180, 182),
            Tone::Plain => BLUE,
        }
    }
}

/// The colour of line `index` of a line chart.
pub(crate) fn line_colour(index: usize) -> RGBColor {
    [BLUE, ORANGE, PURPLE, GREY][index % 4]
}

/// `#RRGGBB` of a colour.
pub(crate) fn colour_hex(colour: RGBColor) -> String {
    Hex(colour).to_string()
}

/// A colour written as `#RRGGBB` where it is formatted, without a string of its own.
#[derive(Clone, Copy)]
pub(crate) struct Hex(pub RGBColor);

impl Hex {
    /// `#RRGGBB`'s bytes (`#{r:02X}{g:02X}{b:02X}`), made by hand so that a colour used for every
    /// mark of a chart can be made once, as a constant.
    pub(crate) const fn bytes(self) -> [u8; 7] {
        const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
        let RGBColor(r, g, b) = self.0;
        [
            b'#',
            DIGITS[(r >> 4) as usize],
            DIGITS[(r & 15) as usize],
            DIGITS[(g >> 4) as usize],
            DIGITS[(g & 15) as usize],
            DIGITS[(b >> 4) as usize],
            DIGITS[(b & 15) as usize],
        ]
    }
}

impl std::fmt::Display for Hex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hex = self.bytes();
        f.write_str(std::str::from_utf8(&hex).map_err(|_| std::fmt::Error)?)
    }
}

/// Dashed and dotted lines as one SVG path each with `stroke-dasharray`. Plotters' SVG backend
/// has no dash style and its `DashedLineSeries` writes every dash as its own element (the KPI
/// chart's three dashed lines, when plotters drew it, came to 260 elements, half the page). A
/// dashed line is drawn as a plain line in a stand-in colour that [`finish`] rewrites to the real
/// colour and dash pattern.
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

/// The opening `<svg>` tag of a chart's drawing at `frame`, with `size` (its width, height,
/// viewBox and namespace attributes, ending in `>`), then its title and description, the
/// accessible name and description `role="img"` announces. The narrow drawing's ids end in
/// `-narrow`, so both drawings can sit on one page.
fn write_head(out: &mut String, chart: &Chart, frame: Frame, size: &str) {
    use crate::render::push_escaped_html;
    use std::fmt::Write;
    let (id, class) = if frame.narrow {
        (format!("{}-narrow", chart.id), "chart-svg chart-narrow")
    } else {
        (chart.id.clone(), "chart-svg chart-wide")
    };
    let _ = write!(
        out,
        "<svg role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" focusable=\"false\" class=\"{class}\" {size}<title id=\"{id}-title\">"
    );
    push_escaped_html(out, &chart.title);
    let _ = write!(out, "</title><desc id=\"{id}-desc\">");
    push_escaped_html(out, &chart.description);
    out.push_str("</desc>");
}

/// The opening of a chart drawn directly (not by plotters): its head, `height` px tall at the
/// frame's width, and a white background.
fn open_svg(out: &mut String, chart: &Chart, frame: Frame, height: u32) {
    use std::fmt::Write;
    let width = frame.width;
    write_head(
        out,
        chart,
        frame,
        &format!("width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\">"),
    );
    let _ = write!(
        out,
        "<rect width=\"{width}\" height=\"{height}\" fill=\"#FFFFFF\"/>"
    );
}

/// Gives plotters' SVG its head ([`write_head`]: `role="img"`, a class, a title and a
/// description), drops its XML declaration (the SVG is inline), gives dashed lines their colour
/// and pattern, and adds the `overlay` (legend, axis titles, labels) before its end; one pass
/// over the markup.
fn finish(raw: String, dashes: &Dashes, chart: &Chart, frame: Frame, overlay: &str) -> String {
    let (title, description) = (&chart.title, &chart.description);
    let mut svg =
        String::with_capacity(raw.len() + title.len() + description.len() + overlay.len() + 200);
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
            write_head(
                &mut svg,
                chart,
                frame,
                rest[pos + 4..=pos + end].trim_start(),
            );
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
    match rest.rfind("</svg>") {
        Some(end) => {
            svg.push_str(&rest[..end]);
            svg.push_str(overlay);
            svg.push_str(&rest[end..]);
        }
        None => svg.push_str(rest),
    }
    // Plotters writes the tick font's size as it divided it ("15.000000000000002"): say "15".
    let drawn = format!("font-size=\"{}\"", f64::from(frame.font) * 1.24 / 1.24);
    let exact = format!("font-size=\"{}\"", frame.font);
    if drawn != exact {
        svg = svg.replace(&drawn, &exact);
    }
    svg
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

fn fmt_tick(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{:.1}m", Dec(v / 1e6))
    } else if a >= 1e4 {
        format!("{:.0}k", Dec(v / 1e3))
    } else if a >= 100.0 || v.fract().abs() < 1e-9 {
        format!("{:.0}", Dec(v))
    } else if a >= 1.0 {
        format!("{:.1}", Dec(v))
    } else {
        format!("{:.2}", Dec(v))
    }
}

/// The time axis of a line or SPC chart, written into `out`: a tick and the period's label, in
/// the site's words ("Apr 2024", [`crate::site::chart`]), at every `step`-th period, from the first, under the plot's `bottom` edge.
/// Plotters would write a tick, a grid line and a (mostly empty) label at every period: a KPI
/// chart of 36 months had 30 empty labels and 60 lines more than it shows.
fn period_axis(
    out: &mut String,
    labels: &[String],
    step: usize,
    x_pixel: &dyn Fn(usize) -> f64,
    bottom: f64,
    size: u32,
) {
    use std::fmt::Write;
    let mut ticks = String::new();
    for i in (0..labels.len()).step_by(step.max(1)) {
        let x = x_pixel(i);
        let _ = write!(ticks, "M{:.0} {:.0}v5", Dec(x), Dec(bottom));
        frame::text_block(
            out,
            frame::TextStyle::new("tick-label", "middle", size),
            (x, bottom + 7.0 + f64::from(size)),
            std::slice::from_ref(&labels[i]),
        );
    }
    let _ = write!(
        out,
        "<path class=\"period-ticks\" d=\"{ticks}\" stroke=\"#000000\" stroke-width=\"1\" fill=\"none\"/>"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::theme::Strings;
    use crate::site::chart::{self, Bar, BarKey, Head, Line, Mark, SpcSeries};

    #[test]
    fn a_colour_is_written_as_six_upper_case_hex_digits() {
        assert_eq!(colour_hex(RGBColor(0, 94, 184)), "#005EB8");
        assert_eq!(colour_hex(RGBColor(255, 191, 7)), "#FFBF07");
        for v in [0u8, 9, 10, 15, 16, 127, 128, 200, 255] {
            let c = RGBColor(v, 255 - v, v / 2);
            let expected = format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2);
            assert_eq!(colour_hex(c), expected);
        }
    }

    fn head(id: &str) -> Head {
        Head {
            id: id.into(),
            title: "A <title>".into(),
            description: "Rising & falling".into(),
            x_axis: "Financial year".into(),
            y_axis: "Rate per 100,000".into(),
        }
    }

    /// The font sizes of an SVG's text.
    fn sizes(svg: &str) -> Vec<f64> {
        svg.split("font-size=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next()?.parse().ok())
            .collect()
    }

    #[test]
    fn charts_are_labelled_images_at_two_widths() {
        let w = Strings::base();
        let lines = vec![
            Line {
                name: "Northbridge".into(),
                values: vec![Some(710.0), Some(760.0)],
                dashed: false,
                lower: vec![Some(678.0), Some(727.0)],
                upper: vec![Some(744.0), Some(796.0)],
            },
            Line::plain("England".into(), vec![Some(587.0), Some(591.0)], true),
        ];
        let spec = chart::line_chart(
            w,
            head("t1"),
            vec!["2019/20".into(), "2020/21".into()],
            lines,
            false,
        )
        .unwrap();
        let c = draw(&spec).unwrap();
        assert!(
            c.svg.starts_with("<svg role=\"img\" aria-labelledby=\"t1-title t1-desc\" focusable=\"false\" class=\"chart-svg chart-wide\" width=\"760\""),
            "{}",
            &c.svg[..200]
        );
        assert!(c.svg.contains("<title id=\"t1-title\">A &lt;title&gt;</title><desc id=\"t1-desc\">Rising &amp; falling</desc>"));
        assert!(c.svg_narrow.starts_with("<svg role=\"img\" aria-labelledby=\"t1-narrow-title t1-narrow-desc\" focusable=\"false\" class=\"chart-svg chart-narrow\" width=\"400\""));
        for svg in [&c.svg, &c.svg_narrow] {
            assert!(!svg.contains("<?xml"));
            // The legend names both lines and the intervals; both axes have titles.
            let legend = &svg[svg.find("<g class=\"chart-legend\">").unwrap()..];
            for label in [">Northbridge<", ">England<", ">95% confidence interval<"] {
                assert!(legend.contains(label), "{label}");
            }
            assert!(svg.contains("class=\"axis-title axis-title-x\""));
            assert!(
                svg.contains(">Financial year</text>") && svg.contains(">Rate per 100,000</text>")
            );
            assert!(svg.ends_with("</svg>"));
        }
        // The narrow drawing's smallest text is 13 px: 11.6 px in a phone's 358 px column.
        assert_eq!(sizes(&c.svg).into_iter().fold(99.0, f64::min), 14.0);
        assert_eq!(sizes(&c.svg_narrow).into_iter().fold(99.0, f64::min), 13.0);
        assert!(!c.svg.contains("15.000000000000002"));

        // In a view serialised for its template the chart is its drawing, in the same pass;
        // serialised otherwise (before, after) it is its data.
        let view = serde_json::json!({"chart": spec});
        assert_eq!(view["chart"]["$chart"]["kind"], "lines");
        let drawn = chart::drawn_while_serialising(drawn_value, || {
            serde_json::to_value(vec![&spec, &spec]).unwrap()
        });
        assert_eq!(drawn[1]["svg"].as_str(), Some(c.svg.as_str()));
        assert_eq!(drawn[0]["svg_narrow"].as_str(), Some(c.svg_narrow.as_str()));
        assert_eq!(drawn[0]["title"], "A <title>");
        assert!(drawn[0].get("$chart").is_none());
        assert!(serde_json::to_value(&spec).unwrap().get("$chart").is_some());
    }

    #[test]
    fn bars_take_the_colour_of_their_comparison() {
        let bar = |label: &str, tone, highlight| Bar {
            label: label.into(),
            value: 700.0,
            lower: None,
            upper: None,
            tone,
            highlight,
        };
        let bars = vec![
            bar("Northbridge", Tone::Worse, true),
            bar(
                "A long area name that has to wrap onto lines",
                Tone::Better,
                false,
            ),
        ];
        let key = BarKey {
            tones: vec![
                (Tone::Better, "Better than England".into()),
                (Tone::Worse, "Worse than England".into()),
            ],
            home: Some("Northbridge"),
            benchmark: Some((617.0, "England")),
        };
        let spec = chart::bar_chart(Strings::base(), head("b"), bars, key).unwrap();
        let c = draw(&spec).unwrap();
        // The map's colours: worse #D4351C, better #4F9E6C; the home bar's outline is 3 px.
        assert!(c.svg.contains("fill=\"#D4351C\"") && c.svg.contains("fill=\"#4F9E6C\""));
        // Each bar carries the map's class for its comparison and its area's name.
        assert!(c.svg.contains("<rect class=\"bar area cmp-worse\""));
        assert!(c.svg.contains("fill=\"#D4351C\" stroke=\"#0B0C0C\" stroke-width=\"3\"><title>Northbridge</title></rect>"));
        assert!(c.svg.contains("<rect class=\"bar area cmp-better\""));
        assert!(c
            .svg
            .contains("font-weight=\"bold\" fill=\"#0B0C0C\">Northbridge</text>"));
        // The long label is wrapped, whole, never cut with an ellipsis.
        assert!(!c.svg_narrow.contains('…'));
        assert!(c.svg_narrow.contains("<tspan"));
        let words: String = c
            .svg_narrow
            .split("class=\"bar-label\"")
            .nth(2)
            .unwrap()
            .split("</text>")
            .next()
            .unwrap()
            .into();
        for word in ["long", "area", "name", "wrap", "lines"] {
            assert!(words.contains(word), "{words}");
        }
    }

    #[test]
    fn spc_points_are_marked_by_colour_and_shape_and_the_lines_labelled() {
        let s = SpcSeries {
            x_labels: vec!["2024-04".into(), "2024-05".into(), "2024-06".into()],
            values: vec![Some(10.0), Some(14.0), Some(6.0)],
            mean: vec![Some(10.0); 3],
            lower: vec![Some(7.0); 3],
            upper: vec![Some(13.0); 3],
            target: vec![Some(12.0); 3],
            marks: vec![Mark::Common, Mark::Concern, Mark::Improvement],
        };
        let spec = chart::spc_chart(Strings::base(), head("s"), s).unwrap();
        let c = draw(&spec).unwrap();
        // Grey circle, orange square, blue triangle: each in the chart and again in the key.
        assert_eq!(c.svg.matches("fill=\"#C85A00\"").count(), 2);
        assert_eq!(c.svg.matches("Z\" fill=\"#005EB8\"").count(), 2);
        assert_eq!(c.svg.matches("r=\"4\" fill=\"#757C80\"").count(), 2);
        for end in [">Mean<", ">Upper limit<", ">Lower limit<", ">Target<"] {
            assert!(c.svg.contains(end), "{end}");
        }
        // The phone drawing names them in its legend only.
        assert!(!c.svg_narrow.contains(">Upper limit<"));
        assert!(c.svg_narrow.contains(">Upper and lower process limits<"));
        assert!(c.svg.contains(">Apr 2024</text>") && !c.svg.contains("2024-04"));
    }

    #[test]
    fn empty_data_draws_nothing() {
        let w = Strings::base();
        assert!(chart::bar_chart(
            w,
            head("b"),
            vec![],
            BarKey {
                tones: vec![],
                home: None,
                benchmark: None
            }
        )
        .is_none());
        let gap = Line::plain("x".into(), vec![None], false);
        assert!(chart::line_chart(w, head("l"), vec!["2024".into()], vec![gap], false).is_none());
    }
}
