//! Charts as data: what a page's chart shows (its series, limits, labels and marks, its title and
//! its text alternative), as plain serialisable values. `render` draws them; nothing here knows
//! how. A view holds `Option<Chart>`: `None` when there is nothing to draw.

use serde::{Deserialize, Serialize};

/// A chart of a page: its id (unique on the page), title, text alternative and what it plots.
/// Serialised with its plot under `$chart`, which is how `render` finds the charts to draw in a
/// view; a template receives the drawn chart (`id`, `title`, `description`, `svg`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Chart {
    pub id: String,
    pub title: String,
    /// The text alternative: what the chart shows, in sentences.
    pub description: String,
    #[serde(rename = "$chart")]
    pub plot: Plot,
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
        x_labels: Vec<String>,
        lines: Vec<Line>,
        include_zero: bool,
    },
    /// A Making Data Count XmR chart: values, mean, process limits and target by period, each
    /// point marked by its special cause.
    Spc {
        x_labels: Vec<String>,
        values: Vec<Option<f64>>,
        mean: Vec<Option<f64>>,
        lower: Vec<Option<f64>>,
        upper: Vec<Option<f64>>,
        target: Vec<Option<f64>>,
        marks: Vec<Mark>,
    },
    /// Pairs of bars per group: discounted costs (left) and benefits (right).
    PairedBars { groups: Vec<PairedBar> },
}

/// One bar with an optional confidence interval.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub highlight: bool,
}

/// One line of a line chart; `None` values leave a gap.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Line {
    pub name: String,
    pub values: Vec<Option<f64>>,
    pub dashed: bool,
}

/// A group of two bars: present value of costs and of benefits.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PairedBar {
    pub label: String,
    pub costs: f64,
    pub benefits: f64,
}

/// How an SPC point is marked: by shape as well as colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    Common,
    Improvement,
    Concern,
    Neutral,
}

fn chart(id: &str, title: &str, description: &str, plot: Plot) -> Chart {
    Chart {
        id: id.into(),
        title: title.into(),
        description: description.into(),
        plot,
    }
}

/// A bar chart, or `None` without bars.
pub fn bar_chart(
    id: &str,
    title: &str,
    description: &str,
    bars: Vec<Bar>,
    benchmark: Option<f64>,
) -> Option<Chart> {
    (!bars.is_empty()).then(|| chart(id, title, description, Plot::Bars { bars, benchmark }))
}

/// A line chart, or `None` without periods or without a single value.
pub fn line_chart(
    id: &str,
    title: &str,
    description: &str,
    x_labels: Vec<String>,
    lines: Vec<Line>,
    include_zero: bool,
) -> Option<Chart> {
    if x_labels.is_empty() || lines.iter().all(|l| l.values.iter().all(Option::is_none)) {
        return None;
    }
    Some(chart(
        id,
        title,
        description,
        Plot::Lines {
            x_labels,
            lines,
            include_zero,
        },
    ))
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

/// An SPC chart, or `None` without periods.
pub fn spc_chart(id: &str, title: &str, description: &str, s: SpcSeries) -> Option<Chart> {
    (!s.x_labels.is_empty()).then(|| {
        chart(
            id,
            title,
            description,
            Plot::Spc {
                x_labels: s.x_labels,
                values: s.values,
                mean: s.mean,
                lower: s.lower,
                upper: s.upper,
                target: s.target,
                marks: s.marks,
            },
        )
    })
}

/// A paired-bar chart, or `None` without groups.
pub fn paired_bars(
    id: &str,
    title: &str,
    description: &str,
    groups: Vec<PairedBar>,
) -> Option<Chart> {
    (!groups.is_empty()).then(|| chart(id, title, description, Plot::PairedBars { groups }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_data_has_no_chart() {
        assert!(bar_chart("b", "t", "d", vec![], None).is_none());
        let gap = Line {
            name: "x".into(),
            values: vec![None],
            dashed: false,
        };
        assert!(line_chart("l", "t", "d", vec!["2024".into()], vec![gap], false).is_none());
        assert!(paired_bars("p", "t", "d", vec![]).is_none());
    }

    #[test]
    fn a_chart_is_marked_for_drawing() {
        let c = paired_bars(
            "p",
            "Title",
            "Alt",
            vec![PairedBar {
                label: "A".into(),
                costs: 1.0,
                benefits: 2.0,
            }],
        )
        .unwrap();
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(v["$chart"]["kind"], "paired_bars");
        assert_eq!(v["$chart"]["groups"][0]["benefits"], 2.0);
        assert_eq!(v["description"], "Alt");
    }
}
