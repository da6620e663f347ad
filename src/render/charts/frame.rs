//! The parts of a chart plotters does not draw: the legend, the axis titles and wrapped category
//! labels, laid out in SVG for one width (a wide drawing for screens, a narrow one for phones so
//! that no text is under 11 px at 390 px), from an estimate of each text's width.

use super::{colour_hex, line_colour, Hex, Palette};
use crate::render::push_escaped_html;
use crate::site::chart::{LegendEntry, Mark, Symbol};
use crate::site::format::{push_integer, push_whole, Dec};
use std::fmt::Write;

/// The size a chart is drawn at: its width, and the text size of its labels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Frame {
    pub width: u32,
    /// Tick labels and category labels, in SVG px.
    pub font: u32,
    /// The narrow drawing shown on phones.
    pub narrow: bool,
}

/// The drawing for screens wider than a phone: shown at up to 760 px, text 14–15 px.
pub(crate) const WIDE: Frame = Frame {
    width: 760,
    font: 15,
    narrow: false,
};

/// The drawing for phones: 400 px wide, so at 390 px (a 358 px column) text of 14 px shows at
/// 12.5 px and the smallest (13 px) at 11.6 px.
pub(crate) const NARROW: Frame = Frame {
    width: 400,
    font: 14,
    narrow: true,
};

impl Frame {
    /// The legend's and axis titles' text size.
    pub(crate) fn small(&self) -> u32 {
        self.font - 1
    }

    /// The height of a line of text of `size`.
    pub(crate) fn line_height(size: u32) -> u32 {
        size + 5
    }
}

/// The estimated width of `text` at `size` px in a sans-serif face (average advance 0.56 em, a
/// little more than Arial's or DejaVu Sans' lower case, so estimates err wide).
pub(crate) fn text_width(text: &str, size: u32) -> f64 {
    text.chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | '.' | ',' | '\'' | '|' | ' ' | ':' | ';' | '!' => 0.32,
            'A'..='Z' | 'm' | 'w' | '%' | '£' | '—' => 0.78,
            _ => 0.56,
        })
        .sum::<f64>()
        * f64::from(size)
}

/// `text` broken at spaces into lines no wider than `max` px at `size`; a word wider than `max`
/// is broken inside. Never cuts text off.
pub(crate) fn wrap(text: &str, size: u32, max: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let joined = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if text_width(&joined, size) <= max || current.is_empty() && text_width(word, size) <= max {
            current = joined;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        // A word wider than the line is broken where it must be.
        let mut pieces = break_word(word, size, max);
        current = pieces.pop().unwrap_or_default();
        lines.extend(pieces);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// `word` in pieces no wider than `max` px at `size`, each but the last ending in a hyphen so that
/// a reader sees one word ("Recommis-" / "sioning"), and no piece after a break shorter than three
/// letters ("homelessne-" / "ss" becomes "homelessn-" / "ess").
fn break_word(word: &str, size: u32, max: f64) -> Vec<String> {
    const SHORTEST: usize = 3;
    if text_width(word, size) <= max {
        return vec![word.to_string()];
    }
    let room = max - text_width("-", size);
    let mut pieces: Vec<Vec<char>> = vec![Vec::new()];
    for c in word.chars() {
        let piece = pieces.last_mut().expect("never empty");
        piece.push(c);
        if piece.len() > 1 && text_width(&piece.iter().collect::<String>(), size) > room {
            let carried = piece.pop().expect("just pushed");
            pieces.push(vec![carried]);
        }
    }
    // A last piece shorter than three letters takes letters from the piece before it.
    if let [.., before, last] = pieces.as_mut_slice() {
        if last.len() < SHORTEST && before.len() > SHORTEST + last.len() {
            let moved = before.split_off(before.len() - (SHORTEST - last.len()));
            last.splice(0..0, moved);
        }
    }
    let n = pieces.len();
    pieces
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let mut piece: String = p.into_iter().collect();
            if i + 1 < n {
                piece.push('-');
            }
            piece
        })
        .collect()
}

/// How a block of text is set: its class, anchor (`start`, `middle`, `end`), size, weight and
/// colour.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TextStyle<'a> {
    pub class: &'a str,
    pub anchor: &'a str,
    pub size: u32,
    pub bold: bool,
    pub fill: &'a str,
}

impl<'a> TextStyle<'a> {
    /// Dark text of `size`, anchored at `anchor`.
    pub(crate) fn new(class: &'a str, anchor: &'a str, size: u32) -> TextStyle<'a> {
        TextStyle {
            class,
            anchor,
            size,
            bold: false,
            fill: "#0B0C0C",
        }
    }
}

/// A `<text>` of one or more lines (`tspan`s), the first line's baseline at `y`.
pub(crate) fn text_block(out: &mut String, style: TextStyle, (x, y): (f64, f64), lines: &[String]) {
    let TextStyle {
        class,
        anchor,
        size,
        bold,
        fill,
    } = style;
    let weight = if bold { " font-weight=\"bold\"" } else { "" };
    // Written piece by piece, not with `write!`: a chart has dozens of labels.
    out.push_str("<text class=\"");
    out.push_str(class);
    out.push_str("\" x=\"");
    push_whole(out, x);
    out.push_str("\" y=\"");
    push_whole(out, y);
    out.push_str("\" text-anchor=\"");
    out.push_str(anchor);
    out.push_str("\" font-family=\"sans-serif\" font-size=\"");
    push_integer(out, i64::from(size));
    out.push('"');
    out.push_str(weight);
    out.push_str(" fill=\"");
    out.push_str(fill);
    out.push_str("\">");
    for (i, line) in lines.iter().enumerate() {
        if i == 0 {
            push_escaped_html(out, line);
        } else {
            out.push_str("<tspan x=\"");
            push_whole(out, x);
            out.push_str("\" dy=\"");
            push_integer(out, i64::from(Frame::line_height(size)));
            out.push_str("\">");
            push_escaped_html(out, line);
            out.push_str("</tspan>");
        }
    }
    out.push_str("</text>");
}

/// The legend laid out in rows across the frame: its markup (`<g class="chart-legend">`) and
/// height. `dashed` says which lines of a line chart are dashed.
///
/// Remembered per thread for the last few legends asked for: the KPI pages, most of a large
/// site, have a handful of different legends between them (which marks a chart shows).
pub(crate) fn legend(frame: Frame, entries: &[LegendEntry], dashed: &[bool]) -> (String, u32) {
    type Laid = (Frame, Vec<LegendEntry>, Vec<bool>, (String, u32));
    const REMEMBERED: usize = 16;
    thread_local! {
        static LAID: std::cell::RefCell<Vec<Laid>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    LAID.with_borrow_mut(|laid| {
        if let Some((.., done)) = laid
            .iter()
            .find(|(f, e, d, _)| *f == frame && e == entries && d == dashed)
        {
            return done.clone();
        }
        let done = lay_out_legend(frame, entries, dashed);
        if laid.len() == REMEMBERED {
            laid.remove(0);
        }
        laid.push((frame, entries.to_vec(), dashed.to_vec(), done.clone()));
        done
    })
}

fn lay_out_legend(frame: Frame, entries: &[LegendEntry], dashed: &[bool]) -> (String, u32) {
    if entries.is_empty() {
        return (String::new(), 0);
    }
    let size = frame.small();
    let line = f64::from(Frame::line_height(size));
    let (symbol, gap, pad) = (28.0, 6.0, 18.0);
    let right = f64::from(frame.width) - 4.0;
    let max_text = right - 4.0 - symbol - gap;
    let mut out = String::from("<g class=\"chart-legend\">");
    let (mut x, mut y, mut row_height) = (4.0_f64, 4.0_f64, line);
    for e in entries {
        let lines = wrap(&e.label, size, max_text);
        let text_w = lines
            .iter()
            .map(|l| text_width(l, size))
            .fold(0.0, f64::max);
        let width = symbol + gap + text_w;
        if x > 4.0 && x + width > right {
            x = 4.0;
            y += row_height + 4.0;
            row_height = line;
        }
        let middle = y + line / 2.0;
        draw_symbol(&mut out, e.symbol, (x, middle), dashed);
        let baseline = y + f64::from(size);
        text_block(
            &mut out,
            TextStyle::new("legend-label", "start", size),
            (x + symbol + gap, baseline),
            &lines,
        );
        row_height = row_height.max(line * lines.len() as f64);
        x += width + pad;
    }
    out.push_str("</g>");
    (out, (y + row_height + 6.0).ceil() as u32)
}

/// A legend symbol 28 px wide, centred vertically on `y`, starting at `x`.
fn draw_symbol(out: &mut String, symbol: Symbol, (x, y): (f64, f64), dashed: &[bool]) {
    let line = |out: &mut String, colour: &str, width: u32, dash: Option<&str>| {
        let dash = dash
            .map(|d| format!(" stroke-dasharray=\"{d}\""))
            .unwrap_or_default();
        let _ = write!(
            out,
            "<path d=\"M{:.0} {:.0}H{:.0}\" stroke=\"{colour}\" stroke-width=\"{width}\" fill=\"none\"{dash}/>",
            Dec(x + 1.0),
            Dec(y),
            Dec(x + 27.0)
        );
    };
    let square = |out: &mut String, fill: &str, stroke: &str, stroke_width: u32| {
        let _ = write!(
            out,
            "<rect x=\"{:.0}\" y=\"{:.0}\" width=\"20\" height=\"14\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{stroke_width}\"/>",
            Dec(x + 4.0),
            Dec(y - 7.0)
        );
    };
    match symbol {
        Symbol::Line { index } => {
            let colour = colour_hex(line_colour(index));
            if dashed.get(index).copied().unwrap_or(false) {
                line(out, &colour, 3, Some("8 5"));
            } else {
                line(out, &colour, 3, None);
                let _ = write!(
                    out,
                    "<circle cx=\"{:.0}\" cy=\"{:.0}\" r=\"4\" fill=\"{colour}\"/>",
                    Dec(x + 14.0),
                    Dec(y)
                );
            }
        }
        Symbol::Tone { tone } => square(out, &colour_hex(Palette::tone(tone)), "#0B0C0C", 1),
        Symbol::Home => square(out, "#FFFFFF", "#0B0C0C", 3),
        Symbol::Benchmark => line(out, &colour_hex(Palette::BENCHMARK), 3, Some("6 4")),
        Symbol::Interval => {
            let _ = write!(
                out,
                "<path d=\"M{:.0} {:.0}H{:.0}M{:.0} {:.0}V{:.0}M{:.0} {:.0}V{:.0}\" stroke=\"#0B0C0C\" stroke-width=\"2\" fill=\"none\"/>",
                Dec(x + 3.0), Dec(y), Dec(x + 25.0), Dec(x + 3.0), Dec(y - 5.0), Dec(y + 5.0), Dec(x + 25.0), Dec(y - 5.0), Dec(y + 5.0)
            );
        }
        Symbol::Mark { mark } => mark_svg(out, mark, (x + 14.0, y)),
        Symbol::Mean => line(out, &colour_hex(Palette::MEAN), 2, None),
        Symbol::Limits => line(out, &colour_hex(Palette::LIMITS), 2, Some("6 4")),
        Symbol::Target => line(out, &colour_hex(Palette::TARGET), 3, Some("2 4")),
        Symbol::Costs => square(out, &colour_hex(Palette::COSTS), "none", 0),
        Symbol::Benefits => square(out, &colour_hex(Palette::BENEFITS), "none", 0),
    }
}

/// An SPC point's marker centred on (`x`, `y`), the same shape and colour in the chart and its
/// key: grey circle (common cause), blue triangle (improvement), orange square (concern), purple
/// cross (neither).
pub(crate) fn mark_svg(out: &mut String, mark: Mark, (x, y): (f64, f64)) {
    // A chart's points sit on whole pixels: their markers are written from integers, without
    // rounding each coordinate as a legend's must be (`{:.0}`, ties to even).
    let whole = |v: f64| v.fract() == 0.0 && v.abs() < 1e9;
    if whole(x) && whole(y) {
        let (x, y) = (x as i64, y as i64);
        write_mark(out, mark, |dx, dy| (x + i64::from(dx), y + i64::from(dy)));
    } else {
        write_mark(out, mark, |dx, dy| {
            (Whole(x + f64::from(dx)), Whole(y + f64::from(dy)))
        });
    }
}

/// A coordinate as a marker writes it.
trait Coordinate {
    fn push_to(&self, out: &mut String);
}

impl Coordinate for i64 {
    fn push_to(&self, out: &mut String) {
        crate::site::format::push_integer(out, *self);
    }
}

/// A coordinate rounded to a whole pixel as it is written.
struct Whole(f64);

impl Coordinate for Whole {
    fn push_to(&self, out: &mut String) {
        let _ = write!(out, "{:.0}", Dec(self.0));
    }
}

/// The markers' colours, made once.
const COMMON: [u8; 7] = Hex(Palette::COMMON).bytes();
const IMPROVEMENT: [u8; 7] = Hex(Palette::IMPROVEMENT).bytes();
const CONCERN: [u8; 7] = Hex(Palette::CONCERN).bytes();
const NEUTRAL: [u8; 7] = Hex(Palette::NEUTRAL).bytes();

/// A marker's markup, each point given as an offset from its centre by `at`: text and
/// coordinates in turn, written straight into `out` (a KPI chart has three dozen markers).
fn write_mark<P: Coordinate>(out: &mut String, mark: Mark, at: impl Fn(i8, i8) -> (P, P)) {
    let hex = |bytes: &'static [u8; 7]| std::str::from_utf8(bytes).unwrap_or_default();
    let point = |out: &mut String, (dx, dy): (i8, i8), between: &str| {
        let (x, y) = at(dx, dy);
        x.push_to(out);
        out.push_str(between);
        y.push_to(out);
    };
    match mark {
        Mark::Common => {
            out.push_str("<circle cx=\"");
            point(out, (0, 0), "\" cy=\"");
            out.push_str("\" r=\"4\" fill=\"");
            out.push_str(hex(&COMMON));
        }
        Mark::Improvement => {
            out.push_str("<path d=\"M");
            point(out, (0, -7), " ");
            out.push('L');
            point(out, (7, 5), " ");
            out.push('L');
            point(out, (-7, 5), " ");
            out.push_str("Z\" fill=\"");
            out.push_str(hex(&IMPROVEMENT));
        }
        Mark::Concern => {
            out.push_str("<rect x=\"");
            point(out, (-6, -6), "\" y=\"");
            out.push_str("\" width=\"12\" height=\"12\" fill=\"");
            out.push_str(hex(&CONCERN));
        }
        Mark::Neutral => {
            out.push_str("<path d=\"M");
            point(out, (-6, -6), " ");
            out.push('L');
            point(out, (6, 6), " ");
            out.push('M');
            point(out, (-6, 6), " ");
            out.push('L');
            point(out, (6, -6), " ");
            out.push_str("\" stroke=\"");
            out.push_str(hex(&NEUTRAL));
            out.push_str("\" stroke-width=\"3");
        }
    }
    out.push_str("\"/>");
}

/// The axis titles: the value or category axis title above the plot's top-left corner (`top`
/// is its baseline), the horizontal axis title centred under the plot (`bottom` its baseline).
pub(crate) fn axis_titles(
    frame: Frame,
    (x_title, y_title): (&str, &str),
    (plot_left, plot_right): (f64, f64),
    (top, bottom): (f64, f64),
) -> String {
    let size = frame.small();
    let mut out = String::new();
    let y_lines = wrap(y_title, size, f64::from(frame.width) - 8.0);
    text_block(
        &mut out,
        TextStyle::new("axis-title axis-title-y", "start", size),
        (4.0, top),
        &y_lines,
    );
    let x_lines = wrap(x_title, size, plot_right - plot_left);
    text_block(
        &mut out,
        TextStyle::new("axis-title axis-title-x", "middle", size),
        ((plot_left + plot_right) / 2.0, bottom),
        &x_lines,
    );
    out
}

/// The height the vertical axis title takes above the plot, in lines of the small text.
pub(crate) fn y_title_height(frame: Frame, title: &str) -> u32 {
    let size = frame.small();
    wrap(title, size, f64::from(frame.width) - 8.0).len() as u32 * Frame::line_height(size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_wrap_at_spaces_and_are_never_cut() {
        // 0.56 em per lower-case letter, 0.32 per space, 0.78 per capital, at 15 px.
        assert_eq!(text_width("ab", 15), 16.8);
        let lines = wrap("Do minimum: extend the current contract", 15, 120.0);
        assert_eq!(lines, ["Do minimum:", "extend the", "current", "contract"]);
        assert_eq!(lines.join(" "), "Do minimum: extend the current contract");
        // A word wider than the line breaks inside rather than running over, with a hyphen at
        // each break.
        let long = wrap("Supercalifragilistic", 15, 60.0);
        assert!(long.len() > 1);
        assert_eq!(long.concat().replace('-', ""), "Supercalifragilistic");
        assert!(long[..long.len() - 1].iter().all(|l| l.ends_with('-')));
        assert!(long.iter().all(|l| text_width(l, 15) <= 60.0), "{long:?}");
        assert_eq!(
            wrap("Recommission with", 12, 60.0),
            ["Recommi-", "ssion", "with"]
        );
        // No piece after a break is shorter than three letters.
        assert_eq!(break_word("homelessness", 12, 80.0), ["homelessn-", "ess"]);
        // A word that fits whole is never broken, even where it would not fit with a hyphen.
        let fits = text_width("homelessness", 12);
        assert_eq!(break_word("homelessness", 12, fits), ["homelessness"]);
    }

    #[test]
    fn a_legend_flows_into_rows_that_fit_the_frame() {
        let entry = |label: &str| LegendEntry {
            symbol: Symbol::Mean,
            label: label.into(),
        };
        let entries = [
            entry("Mean"),
            entry("Upper and lower process limits"),
            entry("Target"),
        ];
        // 760 px holds all three on one row (line height 19 px): 4 + 19 + 6 = 29.
        let (svg, height) = legend(WIDE, &entries, &[]);
        assert_eq!(height, 29);
        assert!(svg.starts_with("<g class=\"chart-legend\">"));
        assert_eq!(svg.matches("class=\"legend-label\"").count(), 3);
        // 400 px at 13 px text: "Mean" and the limits fit (28 + 6 + 25.5, then 18 + 28 + 6 +
        // 172) but "Target" goes to a second row: 4 + 18 + 4 + 18 + 6 = 50.
        let (_, narrow) = legend(NARROW, &entries, &[]);
        assert_eq!(narrow, 50);
    }
}
