//! Indicator pages: an indicator's latest value in every area with confidence intervals and the
//! comparison with the benchmark (METHODS.md 1), its trend in the home area, its inequality
//! breakdowns, and the priority, specifications, contracts and grants that answer it.

use super::chart::{
    bar_chart, line_chart, period_axis, value_axis, Bar, BarKey, Chart, Head, Line, Tone,
};
use super::format::{fixed, number};
use super::index::{Index, NeedsSide};
use super::needs::{ci_text, comparison_cell, ordered_areas, unit, ContractRef};
use super::words;
use super::{area_path, crumbs, deferred_view, grant_link, indicator_path, link, Link, Page};
use crate::analysis::needs::{BreakdownRow, TrendDirection};
use crate::load::theme::Strings;
use crate::model::config::ComparisonMethod;
use crate::model::{Indicator, Period, Polarity};
use serde::Serialize;
use std::collections::BTreeMap;

/// The view of `indicator.html`.
#[derive(Debug, Serialize)]
pub struct IndicatorView {
    pub id: String,
    pub name: String,
    pub domain: String,
    pub definition: String,
    pub source: String,
    pub unit: String,
    pub polarity: String,
    /// `metadata`, `fingertips_labels` or `not_given`: the page says where the polarity came from.
    pub polarity_source: &'static str,
    pub value_type: String,
    /// How areas are compared with the benchmark, in words.
    pub method: String,
    /// The sex the headline figures are for, when the indicator has no Persons figures.
    pub headline_sex: Option<String>,
    pub latest_period: String,
    /// One choropleth per boundary file with areas that have data (site/maps.rs).
    pub maps: Vec<super::maps::MapView>,
    pub areas: Vec<AreaRow>,
    /// Some area's value has a note: the table shows a notes column.
    pub has_value_notes: bool,
    pub bar_chart: Option<Chart>,
    pub trend_chart: Option<Chart>,
    pub trend_rows: Vec<TrendRow>,
    /// The trend shows each sex as its own series: the table has a sex column.
    pub trend_by_sex: bool,
    pub trend_summary: String,
    pub home_name: String,
    pub benchmark_name: String,
    pub breakdowns: Vec<BreakdownView>,
    pub specifications: Vec<Link>,
    pub contracts: Vec<ContractRef>,
    pub grants: Vec<Link>,
    pub priority: Option<Link>,
}

/// An area's latest value of the indicator.
#[derive(Debug, Serialize)]
pub struct AreaRow {
    pub area: Link,
    pub is_home: bool,
    pub is_benchmark: bool,
    pub value: String,
    pub ci: String,
    pub count: String,
    pub denominator: String,
    pub method: String,
    pub comparison: String,
    pub label: String,
    /// The publisher's note on the value (Fingertips `Value note`), shown beside it.
    pub value_note: String,
}

/// One period of the home area's trend beside the benchmark's (of one sex, when the indicator
/// has no Persons figures).
#[derive(Debug, Serialize)]
pub struct TrendRow {
    pub period: String,
    /// The row's sex when the trend shows each sex (empty otherwise).
    pub sex: String,
    pub home: String,
    pub home_ci: String,
    pub benchmark: String,
}

/// The latest values of one inequality breakdown (category type) in one area.
#[derive(Debug, Serialize)]
pub struct BreakdownView {
    pub category_type: String,
    pub area: String,
    pub period: String,
    pub rows: Vec<CategoryRow>,
    pub chart: Option<Chart>,
    /// The rows hold more than one sex (or age band): each row says which (never mixed unseen).
    pub show_sex: bool,
    pub show_age: bool,
}

/// One category of a breakdown.
#[derive(Debug, Serialize)]
pub struct CategoryRow {
    pub category: String,
    /// The row's sex and age band, when the table holds more than one.
    pub sex: String,
    pub age: String,
    pub value: String,
    pub ci: String,
}

/// One page per indicator.
pub fn pages<'a>(ix: &NeedsSide<'a>) -> Vec<Page<'a>> {
    let bench_name = ix.benchmark_name();
    ix.project
        .indicators
        .values()
        .map(|ind| Page {
            path: indicator_path(&ind.id),
            template: "indicator.html",
            title: ind.name.clone(),
            section: "needs",
            breadcrumbs: crumbs(ix.words, &[(ix.words.get("crumb.needs"), "needs/")]),
            view: deferred_view(
                IndicatorInput {
                    needs: ix.clone(),
                    indicator: ind,
                    links: links(ix, ind),
                },
                |input| needs_view(&input.needs, input.indicator, input.links.clone()),
            ),
            description: ix.words.fill(
                "page.indicator.description",
                &[("indicator", &ind.name), ("benchmark", &bench_name)],
            ),
        })
        .collect()
}

/// What an indicator's page links to along the cycle: made with the page, since a contract's
/// rating moves with its KPIs, which the needs side does not include.
#[derive(Debug, Clone, Serialize)]
struct Links {
    specifications: Vec<Link>,
    contracts: Vec<ContractRef>,
    grants: Vec<Link>,
    priority: Option<Link>,
}

/// What an indicator's view is built from when its page renders.
#[derive(Serialize)]
struct IndicatorInput<'a> {
    needs: NeedsSide<'a>,
    indicator: &'a Indicator,
    links: Links,
}

fn links(ix: &Index, ind: &Indicator) -> Links {
    let (project, analysis) = (ix.project, ix.analysis);
    let specs = ix
        .specs_by_indicator
        .get(ind.id.as_str())
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    Links {
        specifications: specs.iter().filter_map(|s| ix.spec_link(s)).collect(),
        contracts: ix.contract_refs(&ix.contracts_for_indicator(&ind.id)),
        grants: specs
            .iter()
            .flat_map(|s| ix.grants_by_spec.get(s).into_iter().flatten())
            .filter_map(|g| project.grants.get(*g))
            .map(grant_link)
            .collect(),
        priority: analysis
            .priorities
            .iter()
            .find(|p| p.indicator_id == ind.id)
            .map(|p| {
                link(
                    "needs/priorities/",
                    ix.words.fill(
                        "indicator.priority_rank",
                        &[("rank", &p.rank), ("of", &analysis.priorities.len())],
                    ),
                )
            }),
    }
}

/// One indicator's view.
pub fn indicator_view(ix: &Index, ind: &Indicator) -> IndicatorView {
    needs_view(ix, ind, links(ix, ind))
}

/// An indicator's view from the needs side of `ix` and the page's `links`.
fn needs_view(ix: &Index, ind: &Indicator, links: Links) -> IndicatorView {
    let (project, analysis) = (ix.project, ix.analysis);
    let (rows, bars, latest_period) = area_rows(ix, ind);
    let bar = area_bars(ix, ind, bars, &latest_period);
    let bench_name = ix.benchmark_name();
    let (trend_chart, trend_rows) = trend(ix, ind);
    IndicatorView {
        id: ind.id.clone(),
        name: ind.name.clone(),
        domain: ind.domain.clone().unwrap_or_default(),
        definition: ind.definition.clone().unwrap_or_default(),
        source: ind.source.clone().unwrap_or_default(),
        unit: unit(ind),
        polarity: polarity_text(ix.words, ind.polarity),
        polarity_source: ind.polarity_source.as_str(),
        value_type: words::of(ix.words, ind.value_type),
        method: method_text(ix),
        headline_sex: ix.analysis.needs.headline_sex(&ind.id).map(str::to_string),
        maps: super::maps::indicator_maps(
            ix.words,
            project,
            analysis,
            ind,
            &bench_name,
            &latest_period,
            &indicator_path(&ind.id),
        ),
        latest_period,
        has_value_notes: rows.iter().any(|r| !r.value_note.is_empty()),
        areas: rows,
        bar_chart: bar,
        trend_chart,
        trend_by_sex: trend_rows.iter().any(|r| !r.sex.is_empty()),
        trend_rows,
        trend_summary: trend_summary(ix, ind),
        home_name: ix.home_name(),
        benchmark_name: bench_name,
        breakdowns: breakdowns(ix, ind),
        specifications: links.specifications,
        contracts: links.contracts,
        grants: links.grants,
        priority: links.priority,
    }
}

/// Each area's latest value in display order, the bars of the chart (every area but the
/// benchmark) with the words of their comparison, and the period the chart shows (the home
/// area's, else the benchmark's).
fn area_rows(ix: &Index, ind: &Indicator) -> (Vec<AreaRow>, Vec<(Bar, String)>, String) {
    let needs = &ix.analysis.needs;
    let bench_code = ix.project.config.benchmark_area.as_str();
    let bench_name = ix.benchmark_name();
    let home = ix.home_code();
    let mut rows = Vec::new();
    let mut bars = Vec::new();
    let mut latest_period = String::new();
    for a in ordered_areas(ix.project) {
        let Some(r) = needs.latest(&ind.id, &a.code) else {
            continue;
        };
        let cell = comparison_cell(ix.words, Some(r), &bench_name, ind.display_decimals());
        if a.code == home {
            latest_period = r.period.label.to_string();
        }
        if let Some(v) = r.value {
            if a.code != bench_code {
                let bar = Bar {
                    label: a.name.clone(),
                    value: v,
                    lower: r.lower_ci_95,
                    upper: r.upper_ci_95,
                    tone: Tone::of(r.comparison),
                    highlight: a.code == home,
                };
                bars.push((bar, cell.label.clone()));
            }
        }
        rows.push(AreaRow {
            area: link(&area_path(&a.code), a.name.clone()),
            is_home: a.code == home,
            is_benchmark: a.code == bench_code,
            value: fixed(r.value, ind.display_decimals()),
            ci: ci_text(
                ix.words,
                r.lower_ci_95,
                r.upper_ci_95,
                ind.display_decimals(),
            ),
            count: r.count.map(|c| number(c, 0)).unwrap_or_else(|| "–".into()),
            denominator: r
                .denominator
                .map(|c| number(c, 0))
                .unwrap_or_else(|| "–".into()),
            method: words::of(ix.words, r.ci_method),
            comparison: cell.comparison,
            label: cell.label,
            value_note: r.value_note.clone().unwrap_or_default(),
        });
    }
    if latest_period.is_empty() && !rows.is_empty() {
        latest_period = needs
            .latest(&ind.id, bench_code)
            .map(|r| r.period.label.to_string())
            .unwrap_or_default();
    }
    (rows, bars, latest_period)
}

/// The bar chart of every area's latest value but the benchmark's, coloured by comparison, with
/// the benchmark as a dashed line; its legend words each comparison as the table does.
fn area_bars(
    ix: &Index,
    ind: &Indicator,
    bars: Vec<(Bar, String)>,
    latest_period: &str,
) -> Option<Chart> {
    let w = ix.words;
    let bench_name = ix.benchmark_name();
    let bench_value = ix
        .analysis
        .needs
        .latest(&ind.id, &ix.project.config.benchmark_area)
        .and_then(|r| r.value);
    let mut tones: Vec<(Tone, String)> = Vec::new();
    for (bar, label) in &bars {
        if !tones.iter().any(|(t, _)| *t == bar.tone) {
            tones.push((bar.tone, label.clone()));
        }
    }
    tones.sort();
    let bars = bars.into_iter().map(|(bar, _)| bar).collect();
    let indicator = super::needs::headline_name(ix, ind);
    let mut description = w.fill("chart.alt.by_area", &[("benchmark", &bench_name)]);
    if let Some(b) = bench_value {
        let value = fixed(Some(b), ind.display_decimals());
        description.push(' ');
        description.push_str(&w.fill(
            "chart.alt.benchmark_line",
            &[("benchmark", &bench_name), ("value", &value)],
        ));
    }
    description.push(' ');
    description.push_str(w.get("chart.alt.table_below"));
    let home = ix.home_name();
    bar_chart(
        w,
        Head {
            id: format!("bar-{}", crate::model::slug(&ind.id)),
            title: w.fill(
                "chart.title.by_area",
                &[("indicator", &indicator), ("period", &latest_period)],
            ),
            description,
            x_axis: value_axis(w, ind),
            y_axis: w.get("chart.axis.area").into(),
        },
        bars,
        BarKey {
            tones,
            home: Some(&home),
            benchmark: bench_value.map(|v| (v, bench_name.as_str())),
        },
    )
}

/// The home area's values over time beside the benchmark's, with the home area's 95% intervals:
/// a line chart and its table. An indicator without Persons figures has a series per sex in each.
fn trend(ix: &Index, ind: &Indicator) -> (Option<Chart>, Vec<TrendRow>) {
    use super::sexes::{self, Point};
    let (w, needs) = (ix.words, &ix.analysis.needs);
    let (home_name, bench_name) = (ix.home_name(), ix.benchmark_name());
    let bench_code = ix.project.config.benchmark_area.as_str();
    let sexes = sexes::sexes(needs, &ind.id);
    // (sex, home series, benchmark series); one unnamed sex without a per-sex trend.
    let series: Vec<(String, Vec<Point>, Vec<Point>)> = if sexes.is_empty() {
        vec![(
            String::new(),
            sexes::series(needs, &ind.id, ix.home_code(), "", true),
            sexes::series(needs, &ind.id, bench_code, "", true),
        )]
    } else {
        sexes
            .iter()
            .enumerate()
            .map(|(i, sex)| {
                (
                    sex.clone(),
                    sexes::series(needs, &ind.id, ix.home_code(), sex, i == 0),
                    sexes::series(needs, &ind.id, bench_code, sex, i == 0),
                )
            })
            .collect()
    };
    let decimals = ind.display_decimals();
    let mut periods: Vec<&Period> = series
        .iter()
        .flat_map(|(_, h, b)| h.iter().chain(b).map(|p| p.period))
        .collect();
    periods.sort();
    periods.dedup();
    fn find<'p>(s: &[Point<'p>], p: &Period) -> Option<Point<'p>> {
        s.iter().find(|x| x.period == p).cloned()
    }
    let labels: Vec<String> = periods.iter().map(|p| p.label.to_string()).collect();
    let column = |s: &[Point], f: fn(&Point) -> Option<f64>| -> Vec<Option<f64>> {
        periods
            .iter()
            .map(|p| find(s, p).and_then(|x| f(&x)))
            .collect()
    };
    let mut rows = Vec::new();
    for p in &periods {
        for (sex, home, bench) in &series {
            let h = find(home, p);
            rows.push(TrendRow {
                period: p.label.to_string(),
                sex: sex.clone(),
                home: fixed(h.as_ref().and_then(|x| x.value), decimals),
                home_ci: h
                    .as_ref()
                    .map(|x| ci_text(ix.words, x.lower, x.upper, decimals))
                    .unwrap_or_else(|| "–".into()),
                benchmark: fixed(find(bench, p).and_then(|x| x.value), decimals),
            });
        }
    }
    let named = |area: &str, sex: &str| {
        if sex.is_empty() {
            area.to_string()
        } else {
            w.fill("chart.legend.area_sex", &[("area", &area), ("sex", &sex)])
        }
    };
    let mut lines = Vec::new();
    for (sex, home, _) in &series {
        lines.push(Line {
            name: named(&home_name, sex),
            values: column(home, |x| x.value),
            dashed: false,
            lower: column(home, |x| x.lower),
            upper: column(home, |x| x.upper),
        });
    }
    for (sex, _, bench) in &series {
        lines.push(Line::plain(
            named(&bench_name, sex),
            column(bench, |x| x.value),
            true,
        ));
    }
    let first = labels
        .first()
        .map(|l| super::format::period_in(w, l))
        .unwrap_or_default();
    let last = labels
        .last()
        .map(|l| super::format::period_in(w, l))
        .unwrap_or_default();
    let alt_key = if sexes.is_empty() {
        "chart.alt.trend"
    } else {
        "chart.alt.trend_by_sex"
    };
    let description = format!(
        "{} {}",
        w.fill(
            alt_key,
            &[
                ("home", &home_name),
                ("benchmark", &bench_name),
                ("from", &first),
                ("to", &last)
            ],
        ),
        w.get("chart.alt.table_below")
    );
    let chart = line_chart(
        w,
        Head {
            id: format!("trend-{}", crate::model::slug(&ind.id)),
            title: w.fill(
                "chart.title.trend",
                &[
                    ("indicator", &ind.name),
                    ("home", &home_name),
                    ("benchmark", &bench_name),
                ],
            ),
            description,
            x_axis: period_axis(w, periods.first().map(|p| p.kind)),
            y_axis: value_axis(w, ind),
        },
        labels,
        lines,
        false,
    );
    (chart, rows)
}

/// The recent trend in the home area in a sentence (empty without one).
fn trend_summary(ix: &Index, ind: &Indicator) -> String {
    let w = ix.words;
    let latest_home = ix.analysis.needs.latest(&ind.id, ix.home_code());
    let Some((t, r)) = latest_home.and_then(|r| r.trend.map(|t| (t, r))) else {
        return String::new();
    };
    let direction = match r.trend_direction {
        None | Some(TrendDirection::NotApplicable) => String::new(),
        Some(d) => w
            .get(&format!("indicator.trend_direction.{}", d.as_str()))
            .into(),
    };
    let detail = match (r.trend_chi_square, &r.trend_reason) {
        (_, Some(reason)) => w.fill(
            &format!("indicator.trend_reason.{}", reason.as_str()),
            &[("points", &reason.points().unwrap_or_default())],
        ),
        (Some(chi), None) => w.fill(
            "indicator.trend_chi_square",
            &[("chi_square", &number(chi, 2))],
        ),
        _ => String::new(),
    };
    w.fill(
        "indicator.trend",
        &[
            ("area", &ix.home_name()),
            (
                "trend",
                &w.get(&format!("indicator.trend_is.{}", t.as_str())),
            ),
            ("direction", &direction),
            ("detail", &detail),
        ],
    )
}

/// The latest period of each inequality breakdown (category type) in each area.
fn breakdowns(ix: &Index, ind: &Indicator) -> Vec<BreakdownView> {
    let mut groups: BTreeMap<(String, String, String), Vec<&BreakdownRow>> = BTreeMap::new();
    for b in ix
        .analysis
        .needs
        .breakdowns
        .iter()
        .filter(|b| b.indicator_id == ind.id)
    {
        groups
            .entry((
                b.category_type.clone().unwrap_or_default(),
                b.area_code.clone(),
                b.period.label.to_string(),
            ))
            .or_default()
            .push(b);
    }
    let mut latest: BTreeMap<(String, String), (String, Vec<&BreakdownRow>)> = BTreeMap::new();
    for ((t, a, p), rows) in groups {
        let keep = latest
            .get(&(t.clone(), a.clone()))
            .is_none_or(|(_, r)| rows[0].period > r[0].period);
        if keep {
            latest.insert((t, a), (p, rows));
        }
    }
    latest
        .into_iter()
        .enumerate()
        .map(|(i, ((t, a), (p, rows)))| {
            let area_name = ix.area_name(&a);
            let distinct = |f: &dyn Fn(&BreakdownRow) -> Option<&str>| {
                rows.iter()
                    .map(|r| f(r))
                    .collect::<std::collections::BTreeSet<_>>()
                    .len()
                    > 1
            };
            let show_sex = distinct(&|r| r.sex.as_deref());
            let show_age = distinct(&|r| r.age.as_deref());
            let shown =
                |v: &Option<String>, show: bool| v.clone().filter(|_| show).unwrap_or_default();
            let label = |r: &BreakdownRow| {
                let mut parts = vec![r.category.clone().unwrap_or_default()];
                parts.extend([shown(&r.sex, show_sex), shown(&r.age, show_age)]);
                parts.retain(|p| !p.is_empty());
                parts.join(", ")
            };
            let bars: Vec<Bar> = rows
                .iter()
                .filter_map(|r| {
                    r.value.map(|v| Bar {
                        label: label(r),
                        value: v,
                        lower: r.lower_ci_95,
                        upper: r.upper_ci_95,
                        tone: Tone::Plain,
                        highlight: false,
                    })
                })
                .collect();
            let w = ix.words;
            let head = Head {
                id: format!("bd-{}-{i}", crate::model::slug(&ind.id)),
                title: w.fill(
                    "chart.title.breakdown",
                    &[
                        ("indicator", &ind.name),
                        ("category", &t),
                        ("area", &area_name),
                        ("period", &p),
                    ],
                ),
                description: format!(
                    "{} {}",
                    w.get("chart.alt.breakdown"),
                    w.get("chart.alt.table_beside")
                ),
                x_axis: value_axis(w, ind),
                y_axis: t.clone(),
            };
            let key = BarKey {
                tones: vec![(Tone::Plain, w.get("chart.legend.value").into())],
                home: None,
                benchmark: None,
            };
            BreakdownView {
                chart: bar_chart(w, head, bars, key),
                category_type: t,
                area: area_name,
                period: p,
                rows: rows
                    .iter()
                    .map(|r| CategoryRow {
                        category: r.category.clone().unwrap_or_default(),
                        sex: shown(&r.sex, show_sex),
                        age: shown(&r.age, show_age),
                        value: fixed(r.value, ind.display_decimals()),
                        ci: ci_text(
                            ix.words,
                            r.lower_ci_95,
                            r.upper_ci_95,
                            ind.display_decimals(),
                        ),
                    })
                    .collect(),
                show_sex,
                show_age,
            }
        })
        .collect()
}

fn polarity_text(w: &Strings, p: Polarity) -> String {
    w.get(&format!("indicator.polarity.{}", p.as_str())).into()
}

fn method_text(ix: &Index) -> String {
    let needs = &ix.project.config.needs;
    let level = if needs.confidence == 99.8 {
        "99.8%"
    } else {
        "95%"
    };
    let key = match needs.comparison {
        ComparisonMethod::CiOverlap => "indicator.comparison_method.ci_overlap",
        ComparisonMethod::CiOverlapTwoLevels => "indicator.comparison_method.ci_overlap_two_levels",
        ComparisonMethod::None => "indicator.comparison_method.none",
    };
    ix.words.fill(key, &[("level", &level)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::chart::Plot;
    use crate::site::fixture;

    #[test]
    fn an_indicator_by_area_over_time_and_along_the_cycle() {
        let (project, analysis) = fixture::project_and_analysis();
        let ix = Index::new(&project, &analysis);
        let v = indicator_view(&ix, &project.indicators["falls"]);
        assert_eq!(
            (v.polarity.as_str(), v.value_type.as_str()),
            ("A lower value is better", "crude rate")
        );
        assert!(v.method.starts_with("Compared with the benchmark by whether the benchmark value lies within the area's 95% confidence interval"));
        assert_eq!(v.latest_period, "2023");
        let rows: Vec<(&str, &str, &str, &str)> = v
            .areas
            .iter()
            .map(|r| {
                (
                    r.area.text.as_str(),
                    r.value.as_str(),
                    r.ci.as_str(),
                    r.comparison.as_str(),
                )
            })
            .collect();
        assert_eq!(rows[0], ("Hartside", "2,400", "2,200 to 2,600", "worse"));
        assert_eq!(
            rows[1],
            ("North Ward", "2,100", "1,900 to 2,300", "similar")
        );
        assert!(v.areas[0].is_home && v.areas[2].is_benchmark);
        let trend: Vec<(&str, &str, &str)> = v
            .trend_rows
            .iter()
            .map(|r| (r.period.as_str(), r.home.as_str(), r.benchmark.as_str()))
            .collect();
        assert_eq!(
            trend,
            [("2022", "2,300", "1,950"), ("2023", "2,400", "2,000")]
        );
        assert_eq!(
            (v.home_name.as_str(), v.benchmark_name.as_str()),
            ("Hartside", "England")
        );
        let bar = v.bar_chart.as_ref().unwrap();
        assert_eq!(bar.title, "Falls admissions by area, 2023");
        assert_eq!(
            (bar.x_axis.as_str(), bar.y_axis.as_str()),
            ("Rate per 100,000", "Area")
        );
        // Bars take their comparison's colour and the table's words; Hartside is home.
        let Plot::Bars { bars, benchmark } = &bar.plot else {
            panic!("{:?}", bar.plot)
        };
        let tones: Vec<(&str, Tone, bool)> = bars
            .iter()
            .map(|b| (b.label.as_ref(), b.tone, b.highlight))
            .collect();
        assert_eq!(
            tones,
            [
                ("Hartside", Tone::Worse, true),
                ("North Ward", Tone::Similar, false)
            ]
        );
        assert_eq!(*benchmark, Some(2000.0));
        let legend: Vec<&str> = bar.legend.iter().map(|e| e.label.as_ref()).collect();
        assert_eq!(
            legend,
            [
                "Similar to England",
                "Worse than England",
                "Hartside (outlined)",
                "England",
                "95% confidence interval"
            ]
        );
        // The trend: Hartside solid with its intervals, England dashed; periods on the x axis.
        let trend_chart = v.trend_chart.as_ref().unwrap();
        let Plot::Lines { lines, .. } = &trend_chart.plot else {
            panic!("{:?}", trend_chart.plot)
        };
        assert_eq!(
            (
                lines[0].name.as_str(),
                lines[0].dashed,
                lines[1].name.as_str(),
                lines[1].dashed
            ),
            ("Hartside", false, "England", true)
        );
        assert_eq!(lines[0].values, [Some(2300.0), Some(2400.0)]);
        assert_eq!(lines[0].upper[1], Some(2600.0));
        assert_eq!(trend_chart.x_axis, "Year");
        assert!(!v.trend_by_sex);
        assert_eq!(
            v.specifications,
            vec![link("planning/s1/", "Falls prevention")]
        );
        assert_eq!(v.contracts[0].supplier, "Helping Hands");
        assert_eq!(v.contracts[0].rating, "Good");
        assert_eq!(
            v.priority,
            Some(link("needs/priorities/", "Priority rank 1 of 1"))
        );
        assert!(v.breakdowns.is_empty() && v.grants.is_empty());
    }
}
