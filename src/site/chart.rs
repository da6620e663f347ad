//! Charts as data: what a page's chart shows (its series, limits, labels and marks, its legend
//! and axis titles, its title and its text alternative), as plain serialisable values. `render`
//! draws them; nothing here knows how. A view holds `Option<Chart>`: `None` when there is nothing
//! to draw. Every word a chart shows comes from the theme's `[chart]` strings.

use crate::analysis::needs::Comparison;
use crate::load::theme::Strings;
use crate::model::{Indicator, PeriodKind, ValueType};
use serde::{Deserialize, Serialize};

/// A chart of a page: its id (unique on the page), title, text alternative, axis titles, legend
/// and what it plots. Serialised with its plot under `$chart`; while a page's view is serialised
/// for its template ([`drawn_while_serialising`]), as the drawing `render` makes of it, so a
/// template receives the drawn chart (`id`, `title`, `description`, `svg`, `svg_narrow`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(remote = "Self")]
pub struct Chart {
    pub id: String,
    pub title: String,
    /// The text alternative: what the chart shows, in sentences.
    pub description: String,
    /// The horizontal and vertical axis titles, with units ("Rate per 100,000").
    pub x_axis: String,
    pub y_axis: String,
    /// What each colour, line and shape means, in the order shown.
    pub legend: Vec<LegendEntry>,
    #[serde(rename = "$chart")]
    pub plot: Plot,
}

/// How a chart is turned into what a template receives: `render`'s drawing, given to `site` so
/// that `site` never calls `render` (ARCHITECTURE.md, module graph).
/// `None` when the chart cannot be drawn: its template then receives null.
pub type Draw = fn(&Chart) -> Option<Box<dyn erased_serde::Serialize>>;

thread_local! {
    /// The drawing installed on this thread by [`drawn_while_serialising`], if any.
    static DRAW: std::cell::Cell<Option<Draw>> = const { std::cell::Cell::new(None) };
}

/// Runs `serialise` (a view's `to_value`) with every [`Chart`] it meets serialised as `draw` makes
/// it, in the same pass: a chart is drawn from its typed data, never read back from JSON.
pub fn drawn_while_serialising<T>(draw: Draw, serialise: impl FnOnce() -> T) -> T {
    /// Puts back the drawing installed before, however `serialise` ends.
    struct Restore(Option<Draw>);
    impl Drop for Restore {
        fn drop(&mut self) {
            DRAW.set(self.0);
        }
    }
    let _restore = Restore(DRAW.replace(Some(draw)));
    serialise()
}

impl Serialize for Chart {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match DRAW.get() {
            Some(draw) => match draw(self) {
                Some(drawn) => drawn.serialize(serializer),
                None => serializer.serialize_none(),
            },
            None => Chart::serialize(self, serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Chart {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Chart, D::Error> {
        Chart::deserialize(deserializer)
    }
}

/// A chart's id, title, text alternative and axis titles: what every kind of chart is given.
#[derive(Debug, Clone, PartialEq)]
pub struct Head {
    pub id: String,
    pub title: String,
    pub description: String,
    pub x_axis: String,
    pub y_axis: String,
}

/// One legend entry: the symbol drawn and the words beside it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LegendEntry {
    pub symbol: Symbol,
    pub label: String,
}

/// What a legend entry shows; `render` draws each as the chart draws the thing it names.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Symbol {
    /// Line `index` of a line chart, in its colour and dash.
    Line {
        index: usize,
    },
    /// A bar coloured by its comparison with the benchmark.
    Tone {
        tone: Tone,
    },
    /// The home area's bar, outlined.
    Home,
    /// The benchmark's value across the bars (dashed).
    Benchmark,
    /// A 95% confidence interval (whisker).
    Interval,
    /// An SPC point marked by its special cause.
    Mark {
        mark: Mark,
    },
    /// The SPC mean (solid), process limits (dashed) and target (dotted).
    Mean,
    Limits,
    Target,
    /// An option's discounted costs and benefits.
    Costs,
    Benefits,
}

/// A bar's colour: its comparison with the benchmark, as the map and spine chart colour it
/// (`cmp-better` and so on), or plain where nothing is compared.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    Best,
    Better,
    Similar,
    Worse,
    Worst,
    Higher,
    Lower,
    NotCompared,
    Plain,
}

impl Tone {
    /// The comparison's name as the map's and tables' classes use it (`cmp-worse`).
    pub fn as_str(self) -> &'static str {
        match self {
            Tone::Best => "best",
            Tone::Better => "better",
            Tone::Similar => "similar",
            Tone::Worse => "worse",
            Tone::Worst => "worst",
            Tone::Higher => "higher",
            Tone::Lower => "lower",
            Tone::NotCompared => "not_compared",
            Tone::Plain => "plain",
        }
    }

    /// The tone of a comparison; an area without one is not compared.
    pub fn of(c: Option<Comparison>) -> Tone {
        match c {
            Some(Comparison::Best) => Tone::Best,
            Some(Comparison::Better) => Tone::Better,
            Some(Comparison::Similar) => Tone::Similar,
            Some(Comparison::Worse) => Tone::Worse,
            Some(Comparison::Worst) => Tone::Worst,
            Some(Comparison::Higher) => Tone::Higher,
            Some(Comparison::Lower) => Tone::Lower,
            Some(Comparison::NotCompared) | None => Tone::NotCompared,
        }
    }
}

/// What a chart plots.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Plot {
    /// Horizontal bars with confidence-interval whiskers and an optional benchmark line.
    Bars {
        bars: Vec<Bar>,
        benchmark: Option<f64>,
    },
    /// Lines over labelled periods.
    Lines {
        /// The periods in the site's words (`Apr 2024`).
        x_labels: Vec<String>,
        lines: Vec<Line>,
        include_zero: bool,
    },
    /// A Making Data Count XmR chart: values, mean, process limits and target by period, each
    /// point marked by its special cause.
    Spc {
        /// The periods in the site's words (`Apr 2024`).
        x_labels: Vec<String>,
        values: Vec<Option<f64>>,
        mean: Vec<Option<f64>>,
        lower: Vec<Option<f64>>,
        upper: Vec<Option<f64>>,
        target: Vec<Option<f64>>,
        marks: Vec<Mark>,
        /// The words at the right-hand ends of the mean, limits and target.
        end_labels: Box<SpcEnds>,
    },
    /// Pairs of bars per group: discounted costs (left) and benefits (right).
    PairedBars { groups: Vec<PairedBar> },
}

/// One bar with an optional confidence interval, coloured by its comparison; the home area's bar
/// is outlined.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub tone: Tone,
    pub highlight: bool,
}

/// One line of a line chart; `None` values leave a gap. `lower` and `upper` are its 95%
/// confidence interval by period (empty when the series has none).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Line {
    pub name: String,
    pub values: Vec<Option<f64>>,
    pub dashed: bool,
    #[serde(default)]
    pub lower: Vec<Option<f64>>,
    #[serde(default)]
    pub upper: Vec<Option<f64>>,
}

impl Line {
    /// A line without intervals.
    pub fn plain(name: String, values: Vec<Option<f64>>, dashed: bool) -> Line {
        Line {
            name,
            values,
            dashed,
            lower: Vec::new(),
            upper: Vec::new(),
        }
    }

    /// Whether any period has both ends of an interval.
    pub fn has_intervals(&self) -> bool {
        self.lower
            .iter()
            .zip(&self.upper)
            .any(|(l, u)| l.is_some() && u.is_some())
    }
}

/// A group of two bars: present value of costs and of benefits.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PairedBar {
    pub label: String,
    pub costs: f64,
    pub benefits: f64,
}

/// How an SPC point is marked: by shape as well as colour (Making Data Count: grey common
/// cause, orange concern, blue improvement, purple neither).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    Common,
    Improvement,
    Concern,
    Neutral,
}

/// The labels at the line ends of an SPC chart.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SpcEnds {
    pub mean: String,
    pub upper: String,
    pub lower: String,
    pub target: String,
}

/// The title of an indicator's value axis, with its unit: "Rate per 100,000", "Percentage (%)".
pub fn value_axis(w: &Strings, ind: &Indicator) -> String {
    let unit = ind.unit.as_deref().unwrap_or("").trim();
    let key = match (ind.value_type, unit) {
        (_, "%") if ind.value_type != ValueType::Ratio => "chart.axis.percentage",
        (ValueType::CrudeRate, u) if !u.is_empty() => "chart.axis.rate",
        (ValueType::DirectlyStandardisedRate, u) if !u.is_empty() => "chart.axis.standardised_rate",
        (ValueType::Count, _) => "chart.axis.count",
        (_, "") => "chart.axis.value",
        _ => "chart.axis.value_in",
    };
    w.fill(key, &[("unit", &unit)])
}

/// The title of a KPI's value axis from its unit ("Percentage (%)", "Value (days)").
pub fn kpi_axis(w: &Strings, unit: Option<&str>) -> String {
    match unit.map(str::trim).unwrap_or("") {
        "%" => w.get("chart.axis.percentage").to_string(),
        "" => w.get("chart.axis.value").to_string(),
        u => w.fill("chart.axis.value_in", &[("unit", &u)]),
    }
}

/// The title of a time axis by the kind of its periods ("Month", "Financial year").
pub fn period_axis(w: &Strings, kind: Option<PeriodKind>) -> String {
    w.get(match kind {
        Some(PeriodKind::Month) => "chart.axis.month",
        Some(PeriodKind::Quarter) => "chart.axis.quarter",
        Some(PeriodKind::FinancialYear) => "chart.axis.financial_year",
        Some(PeriodKind::Year) => "chart.axis.year",
        _ => "chart.axis.period",
    })
    .to_string()
}

fn chart(head: Head, legend: Vec<LegendEntry>, plot: Plot) -> Chart {
    Chart {
        id: head.id,
        title: head.title,
        description: head.description,
        x_axis: head.x_axis,
        y_axis: head.y_axis,
        legend,
        plot,
    }
}

fn entry(symbol: Symbol, label: impl Into<String>) -> LegendEntry {
    LegendEntry {
        symbol,
        label: label.into(),
    }
}

/// The words of a bar chart's legend beyond its tones: whose bar is outlined and which line is
/// the benchmark.
pub struct BarKey<'a> {
    /// Each tone's words ("Worse than England"), in legend order.
    pub tones: Vec<(Tone, String)>,
    pub home: Option<&'a str>,
    pub benchmark: Option<(f64, &'a str)>,
}

/// A bar chart, or `None` without bars. Its legend names each tone the bars have (in the order
/// of `key.tones`), the home area's outline, the benchmark line and the intervals.
pub fn bar_chart(w: &Strings, head: Head, bars: Vec<Bar>, key: BarKey) -> Option<Chart> {
    if bars.is_empty() {
        return None;
    }
    let mut legend: Vec<LegendEntry> = key
        .tones
        .into_iter()
        .filter(|(t, _)| bars.iter().any(|b| b.tone == *t))
        .map(|(tone, label)| entry(Symbol::Tone { tone }, label))
        .collect();
    if let Some(home) = key.home.filter(|_| bars.iter().any(|b| b.highlight)) {
        legend.push(entry(
            Symbol::Home,
            w.fill("chart.legend.home", &[("name", &home)]),
        ));
    }
    if let Some((_, name)) = key.benchmark {
        legend.push(entry(Symbol::Benchmark, name));
    }
    if bars.iter().any(|b| b.lower.is_some() && b.upper.is_some()) {
        legend.push(entry(Symbol::Interval, w.get("chart.legend.interval")));
    }
    let benchmark = key.benchmark.map(|(v, _)| v);
    Some(chart(head, legend, Plot::Bars { bars, benchmark }))
}

/// A line chart, or `None` without periods or without a single value. Its legend names each
/// line and, when any line has them, the intervals.
pub fn line_chart(
    w: &Strings,
    head: Head,
    x_labels: Vec<String>,
    lines: Vec<Line>,
    include_zero: bool,
) -> Option<Chart> {
    if x_labels.is_empty() || lines.iter().all(|l| l.values.iter().all(Option::is_none)) {
        return None;
    }
    let x_labels = in_words(w, x_labels);
    let mut legend: Vec<LegendEntry> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.values.iter().any(Option::is_some))
        .map(|(index, l)| entry(Symbol::Line { index }, l.name.clone()))
        .collect();
    if lines.iter().any(Line::has_intervals) {
        legend.push(entry(Symbol::Interval, w.get("chart.legend.interval")));
    }
    Some(chart(
        head,
        legend,
        Plot::Lines {
            x_labels,
            lines,
            include_zero,
        },
    ))
}

/// Periods (`2024-04`, `2023/24`) as a chart's time axis shows them, in the site's words
/// (`Apr 2024`): made once per chart, for both its drawings, and never in another language's.
fn in_words(w: &Strings, periods: Vec<String>) -> Vec<String> {
    periods
        .iter()
        .map(|p| super::format::period_in(w, p))
        .collect()
}

/// The series of an SPC chart, one value per period.
pub struct SpcSeries {
    pub x_labels: Vec<String>,
    pub values: Vec<Option<f64>>,
    pub mean: Vec<Option<f64>>,
    pub lower: Vec<Option<f64>>,
    pub upper: Vec<Option<f64>>,
    pub target: Vec<Option<f64>>,
    pub marks: Vec<Mark>,
}

/// An SPC chart, or `None` without periods. Its legend keys the mean, the process limits, the
/// target (when there is one) and each kind of point the chart has, common cause first.
pub fn spc_chart(w: &Strings, head: Head, s: SpcSeries) -> Option<Chart> {
    if s.x_labels.is_empty() {
        return None;
    }
    let any = |v: &[Option<f64>]| v.iter().any(Option::is_some);
    let mut legend = Vec::new();
    if any(&s.mean) {
        legend.push(entry(Symbol::Mean, w.get("chart.legend.mean")));
    }
    if any(&s.lower) || any(&s.upper) {
        legend.push(entry(Symbol::Limits, w.get("chart.legend.limits")));
    }
    if any(&s.target) {
        legend.push(entry(Symbol::Target, w.get("chart.legend.target")));
    }
    for (mark, key) in [
        (Mark::Common, "chart.legend.common_cause"),
        (Mark::Improvement, "chart.legend.improvement"),
        (Mark::Concern, "chart.legend.concern"),
        (Mark::Neutral, "chart.legend.neutral"),
    ] {
        let has = s
            .marks
            .iter()
            .zip(&s.values)
            .any(|(m, v)| *m == mark && v.is_some());
        if has {
            legend.push(entry(Symbol::Mark { mark }, w.get(key)));
        }
    }
    let end_labels = Box::new(SpcEnds {
        mean: w.get("chart.end.mean").into(),
        upper: w.get("chart.end.upper").into(),
        lower: w.get("chart.end.lower").into(),
        target: w.get("chart.end.target").into(),
    });
    Some(chart(
        head,
        legend,
        Plot::Spc {
            x_labels: in_words(w, s.x_labels),
            values: s.values,
            mean: s.mean,
            lower: s.lower,
            upper: s.upper,
            target: s.target,
            marks: s.marks,
            end_labels,
        },
    ))
}

/// A paired-bar chart, or `None` without groups; its legend keys costs and benefits.
pub fn paired_bars(w: &Strings, head: Head, groups: Vec<PairedBar>) -> Option<Chart> {
    if groups.is_empty() {
        return None;
    }
    let legend = vec![
        entry(Symbol::Costs, w.get("chart.legend.costs")),
        entry(Symbol::Benefits, w.get("chart.legend.benefits")),
    ];
    Some(chart(head, legend, Plot::PairedBars { groups }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::fixture;

    fn head() -> Head {
        Head {
            id: "c".into(),
            title: "Title".into(),
            description: "Alt".into(),
            x_axis: "Period".into(),
            y_axis: "Value".into(),
        }
    }

    fn labels(c: &Chart) -> Vec<(Symbol, &str)> {
        c.legend
            .iter()
            .map(|e| (e.symbol, e.label.as_ref()))
            .collect()
    }

    #[test]
    fn empty_data_has_no_chart() {
        let w = Strings::base();
        let key = BarKey {
            tones: vec![],
            home: None,
            benchmark: None,
        };
        assert!(bar_chart(w, head(), vec![], key).is_none());
        let gap = Line::plain("x".into(), vec![None], false);
        assert!(line_chart(w, head(), vec!["2024".into()], vec![gap], false).is_none());
        assert!(paired_bars(w, head(), vec![]).is_none());
    }

    #[test]
    fn value_axes_say_what_is_measured_and_in_what_unit() {
        let w = Strings::base();
        let mut ind = fixture::project_and_analysis().0.indicators["falls"].clone();
        assert_eq!(value_axis(w, &ind), "Rate per 100,000");
        ind.value_type = ValueType::DirectlyStandardisedRate;
        assert_eq!(value_axis(w, &ind), "Age-standardised rate per 100,000");
        ind.value_type = ValueType::Proportion;
        ind.unit = Some("%".into());
        assert_eq!(value_axis(w, &ind), "Percentage (%)");
        ind.value_type = ValueType::Mean;
        ind.unit = Some("years".into());
        assert_eq!(value_axis(w, &ind), "Value (years)");
        ind.unit = None;
        assert_eq!(value_axis(w, &ind), "Value");
        assert_eq!(kpi_axis(w, Some("%")), "Percentage (%)");
        assert_eq!(kpi_axis(w, Some("days")), "Value (days)");
        assert_eq!(period_axis(w, Some(PeriodKind::Month)), "Month");
        assert_eq!(
            period_axis(w, Some(PeriodKind::FinancialYear)),
            "Financial year"
        );
        assert_eq!(period_axis(w, Some(PeriodKind::MultiYear)), "Period");
    }

    #[test]
    fn a_bar_legend_keys_the_tones_present_the_home_bar_the_benchmark_and_intervals() {
        let bar = |tone, highlight| Bar {
            label: "A".into(),
            value: 1.0,
            lower: Some(0.5),
            upper: Some(1.5),
            tone,
            highlight,
        };
        let key = BarKey {
            // Similar has no bar: it is left out of the legend.
            tones: vec![
                (Tone::Better, "Better than England".into()),
                (Tone::Similar, "Similar to England".into()),
                (Tone::Worse, "Worse than England".into()),
            ],
            home: Some("Northbridge"),
            benchmark: Some((617.0, "England")),
        };
        let bars = vec![bar(Tone::Worse, true), bar(Tone::Better, false)];
        let c = bar_chart(Strings::base(), head(), bars, key).unwrap();
        assert_eq!(
            labels(&c),
            [
                (Symbol::Tone { tone: Tone::Better }, "Better than England"),
                (Symbol::Tone { tone: Tone::Worse }, "Worse than England"),
                (Symbol::Home, "Northbridge (outlined)"),
                (Symbol::Benchmark, "England"),
                (Symbol::Interval, "95% confidence interval"),
            ]
        );
        assert_eq!(
            c.plot,
            Plot::Bars {
                bars: vec![bar(Tone::Worse, true), bar(Tone::Better, false)],
                benchmark: Some(617.0)
            }
        );
        assert_eq!(Tone::of(Some(Comparison::Worst)), Tone::Worst);
        assert_eq!(Tone::of(None), Tone::NotCompared);
    }

    #[test]
    fn an_spc_legend_keys_the_lines_and_the_kinds_of_point_it_has() {
        let s = SpcSeries {
            x_labels: vec!["2024-04".into(), "2024-05".into()],
            values: vec![Some(1.0), Some(9.0)],
            mean: vec![Some(2.0); 2],
            lower: vec![Some(0.0); 2],
            upper: vec![Some(4.0); 2],
            target: vec![None; 2],
            marks: vec![Mark::Common, Mark::Concern],
        };
        let c = spc_chart(Strings::base(), head(), s).unwrap();
        // No target: no target entry; no improvement point: no improvement entry.
        assert_eq!(
            labels(&c),
            [
                (Symbol::Mean, "Mean"),
                (Symbol::Limits, "Upper and lower process limits"),
                (
                    Symbol::Mark { mark: Mark::Common },
                    "Common cause variation"
                ),
                (
                    Symbol::Mark {
                        mark: Mark::Concern
                    },
                    "Special cause: concern"
                ),
            ]
        );
        let Plot::Spc { end_labels, .. } = &c.plot else {
            panic!("{:?}", c.plot)
        };
        assert_eq!(
            (end_labels.upper.as_str(), end_labels.lower.as_str()),
            ("Upper limit", "Lower limit")
        );
    }

    #[test]
    fn a_chart_is_marked_for_drawing_with_its_words() {
        let group = PairedBar {
            label: "A".into(),
            costs: 1.0,
            benefits: 2.0,
        };
        let c = paired_bars(Strings::base(), head(), vec![group]).unwrap();
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(v["$chart"]["kind"], "paired_bars");
        assert_eq!(v["$chart"]["groups"][0]["benefits"], 2.0);
        assert_eq!(v["description"], "Alt");
        assert_eq!(v["legend"][0]["label"], "Present value of costs");
        assert_eq!(v["legend"][1]["symbol"]["kind"], "benefits");
    }
}
