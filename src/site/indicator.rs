//! Indicator pages: an indicator's latest value in every area with confidence intervals and the
//! comparison with the benchmark (METHODS.md 1), its trend in the home area, its inequality
//! breakdowns, and the priority, specifications, contracts and grants that answer it.

use super::chart::{bar_chart, line_chart, Bar, Chart, Line};
use super::format::{fixed, number};
use super::index::Index;
use super::needs::{ci_text, comparison_cell, contract_refs, ordered_areas, unit, ContractRef};
use super::words;
use super::{area_path, crumbs, grant_link, indicator_path, link, view, Link, Page};
use crate::analysis::needs::{BreakdownRow, NeedRow, TrendDirection};
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

/// One period of the home area's trend beside the benchmark's.
#[derive(Debug, Serialize)]
pub struct TrendRow {
    pub period: String,
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
pub fn pages<'a>(ix: &Index<'a>) -> Vec<Page<'a>> {
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
            view: view(indicator_view(ix, ind)),
            description: ix.words.fill(
                "page.indicator.description",
                &[("indicator", &ind.name), ("benchmark", &bench_name)],
            ),
        })
        .collect()
}

/// One indicator's view.
pub fn indicator_view(ix: &Index, ind: &Indicator) -> IndicatorView {
    let (project, analysis) = (ix.project, ix.analysis);
    let (rows, bars, latest_period) = area_rows(ix, ind);
    let bench_code = project.config.benchmark_area.as_str();
    let bench_name = ix.benchmark_name();
    let bench_value = analysis
        .needs
        .latest(&ind.id, bench_code)
        .and_then(|r| r.value);
    let bar = bar_chart(
        &format!("bar-{}", crate::model::slug(&ind.id)),
        &format!("{} by area, {}", ind.name, latest_period),
        &format!(
            "Bar chart of the latest value for each area with 95% confidence intervals{}. The same figures are in the table below.",
            bench_value.map(|b| format!("; the dashed line marks {bench_name} at {}", fixed(Some(b), ind.display_decimals()))).unwrap_or_default()
        ),
        bars,
        bench_value,
    );
    let (trend_chart, trend_rows) = trend(ix, ind);
    let specs = ix
        .specs_by_indicator
        .get(ind.id.as_str())
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    IndicatorView {
        id: ind.id.clone(),
        name: ind.name.clone(),
        domain: ind.domain.clone().unwrap_or_default(),
        definition: ind.definition.clone().unwrap_or_default(),
        source: ind.source.clone().unwrap_or_default(),
        unit: unit(ind),
        polarity: polarity_text(ix.words, ind.polarity),
        polarity_source: ind.polarity_source.as_str(),
        value_type: ind.value_type.as_str().replace('_', " "),
        method: method_text(ix),
        headline_sex: super::needs::headline_sex(project, &ind.id),
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
        trend_rows,
        trend_summary: trend_summary(ix, ind),
        home_name: ix.home_name(),
        benchmark_name: bench_name,
        breakdowns: breakdowns(ix, ind),
        specifications: specs.iter().filter_map(|s| ix.spec_link(s)).collect(),
        contracts: contract_refs(ix, &ix.contracts_for_indicator(&ind.id)),
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

/// Each area's latest value in display order, the bars of the chart (every area but the
/// benchmark), and the period the chart shows (the home area's, else the benchmark's).
fn area_rows(ix: &Index, ind: &Indicator) -> (Vec<AreaRow>, Vec<Bar>, String) {
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
            latest_period = r.period.label.clone();
        }
        if let Some(v) = r.value {
            if a.code != bench_code {
                bars.push(Bar {
                    label: a.name.clone(),
                    value: v,
                    lower: r.lower_ci_95,
                    upper: r.upper_ci_95,
                    highlight: a.code == home,
                });
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
            .map(|r| r.period.label.clone())
            .unwrap_or_default();
    }
    (rows, bars, latest_period)
}

/// The home area's values over time beside the benchmark's: a line chart and its table.
fn trend(ix: &Index, ind: &Indicator) -> (Option<Chart>, Vec<TrendRow>) {
    let needs = &ix.analysis.needs;
    let (home_name, bench_name) = (ix.home_name(), ix.benchmark_name());
    let home_series = needs.series(&ind.id, ix.home_code());
    let bench_series = needs.series(&ind.id, &ix.project.config.benchmark_area);
    let decimals = ind.display_decimals();
    let mut periods: Vec<&Period> = home_series
        .iter()
        .chain(bench_series)
        .map(|r| &r.period)
        .collect();
    periods.sort();
    periods.dedup();
    let find = |s: &'_ [NeedRow], p: &Period| s.iter().find(|r| &r.period == p).cloned();
    let labels: Vec<String> = periods.iter().map(|p| p.label.clone()).collect();
    let values = |s: &[NeedRow]| -> Vec<Option<f64>> {
        periods
            .iter()
            .map(|p| find(s, p).and_then(|r| r.value))
            .collect()
    };
    let rows = periods
        .iter()
        .map(|p| {
            let h = find(home_series, p);
            TrendRow {
                period: p.label.clone(),
                home: fixed(h.as_ref().and_then(|r| r.value), decimals),
                home_ci: h
                    .as_ref()
                    .map(|r| ci_text(ix.words, r.lower_ci_95, r.upper_ci_95, decimals))
                    .unwrap_or_else(|| "–".into()),
                benchmark: fixed(find(bench_series, p).and_then(|r| r.value), decimals),
            }
        })
        .collect();
    let chart = line_chart(
        &format!("trend-{}", crate::model::slug(&ind.id)),
        &format!("{}: {} and {} over time", ind.name, home_name, bench_name),
        &format!("Line chart of {home_name} (solid) and {bench_name} (dashed) from {} to {}. The same figures are in the table below.", labels.first().cloned().unwrap_or_default(), labels.last().cloned().unwrap_or_default()),
        labels,
        vec![
            Line { name: home_name.clone(), values: values(home_series), dashed: false },
            Line { name: bench_name.clone(), values: values(bench_series), dashed: true },
        ],
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
                b.period.label.clone(),
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
                rows.iter().map(|r| f(r)).collect::<std::collections::BTreeSet<_>>().len() > 1
            };
            let show_sex = distinct(&|r| r.sex.as_deref());
            let show_age = distinct(&|r| r.age.as_deref());
            let shown = |v: &Option<String>, show: bool| {
                v.clone().filter(|_| show).unwrap_or_default()
            };
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
                        highlight: true,
                    })
                })
                .collect();
            BreakdownView {
                chart: bar_chart(&format!("bd-{}-{i}", crate::model::slug(&ind.id)), &format!("{} by {}: {area_name}, {p}", ind.name, t), "Bar chart of each category's value with 95% confidence intervals. The same figures are in the table beside it.", bars, None),
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
                        ci: ci_text(ix.words, r.lower_ci_95, r.upper_ci_95, ind.display_decimals()),
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
        assert_eq!(
            v.bar_chart.as_ref().map(|c| c.title.as_str()),
            Some("Falls admissions by area, 2023")
        );
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
