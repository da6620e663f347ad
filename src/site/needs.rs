//! Needs assessment pages: the overview, one page per indicator and per area, and the priorities.

use super::format::{number, opt_value};
use super::index::Index;
use super::{area_path, contract_path, crumbs, indicator_path, link, spec_path, view, Link, Page};
use crate::analysis::needs::{Comparison, NeedRow};
use crate::analysis::Analysis;
use crate::model::{Indicator, Project};
use crate::render::charts::{bar_chart, line_chart, Bar, Chart, Line};
use serde::Serialize;

#[derive(Serialize)]
pub struct Cell {
    pub value: String,
    pub comparison: String,
    pub label: String,
    pub period: String,
}

#[derive(Serialize)]
struct OverviewRow {
    indicator: Link,
    unit: String,
    period: String,
    benchmark: String,
    cells: Vec<Cell>,
}

#[derive(Serialize)]
struct Domain {
    name: String,
    rows: Vec<OverviewRow>,
}

#[derive(Serialize)]
struct Overview {
    areas: Vec<Link>,
    domains: Vec<Domain>,
    benchmark_name: String,
    counts: Vec<(String, usize)>,
    indicator_count: usize,
}

/// The comparison shown by colour class and by text.
pub fn comparison_cell(row: Option<&NeedRow>, benchmark: &str) -> Cell {
    match row {
        None => Cell {
            value: "–".into(),
            comparison: "none".into(),
            label: "No data".into(),
            period: String::new(),
        },
        Some(r) => {
            let cmp = r.comparison.unwrap_or(Comparison::NotCompared);
            let label = match cmp {
                Comparison::NotCompared => "Not compared".to_string(),
                Comparison::Higher | Comparison::Lower => {
                    format!("{} than {benchmark}", cmp.label())
                }
                Comparison::Similar => format!("Similar to {benchmark}"),
                other => format!("{} than {benchmark}", other.label()),
            };
            Cell {
                value: opt_value(r.value),
                comparison: cmp.as_str().into(),
                label,
                period: r.period.label.clone(),
            }
        }
    }
}

fn unit(ind: &Indicator) -> String {
    ind.unit.clone().unwrap_or_default()
}

/// Areas in display order: home area, then its wards, then the rest, benchmark last.
pub fn ordered_areas(project: &Project) -> Vec<&crate::model::Area> {
    let home = project.config.home_area.as_deref();
    let bench = project.config.benchmark_area.as_str();
    let mut areas: Vec<&crate::model::Area> = project.areas.values().collect();
    areas.sort_by_key(|a| {
        let rank = if Some(a.code.as_str()) == home {
            0
        } else if a.code == bench {
            3
        } else if a.parent_code.as_deref() == home {
            1
        } else {
            2
        };
        (rank, a.name.clone())
    });
    areas
}

#[derive(Serialize)]
struct ContractRef {
    link: Link,
    supplier: String,
    variation: String,
    assurance: String,
    rating: String,
    rating_class: String,
}

fn contract_refs(project: &Project, ix: &Index, ids: &[&str]) -> Vec<ContractRef> {
    ids.iter()
        .filter_map(|id| project.contracts.get(*id))
        .map(|c| {
            let status = ix.status.get(c.contract_id.as_str());
            let (variation, assurance) = super::performance::kpi_summary_counts(ix, &c.contract_id);
            ContractRef {
                link: link(&contract_path(&c.contract_id), c.title.clone()),
                supplier: c.supplier.clone(),
                variation,
                assurance,
                rating: status
                    .map(|s| s.rating.label().to_string())
                    .unwrap_or_default(),
                rating_class: status
                    .map(|s| s.rating.as_str().to_string())
                    .unwrap_or_default(),
            }
        })
        .collect()
}

#[derive(Serialize)]
struct AreaRow {
    area: Link,
    is_home: bool,
    is_benchmark: bool,
    value: String,
    ci: String,
    count: String,
    denominator: String,
    method: String,
    comparison: String,
    label: String,
}

#[derive(Serialize)]
struct TrendRow {
    period: String,
    home: String,
    home_ci: String,
    benchmark: String,
}

#[derive(Serialize)]
struct BreakdownView {
    category_type: String,
    area: String,
    period: String,
    rows: Vec<(String, String, String)>,
    chart: Option<Chart>,
}

#[derive(Serialize)]
struct IndicatorView {
    id: String,
    name: String,
    domain: String,
    definition: String,
    source: String,
    unit: String,
    polarity: String,
    value_type: String,
    method: String,
    latest_period: String,
    areas: Vec<AreaRow>,
    bar_chart: Option<Chart>,
    trend_chart: Option<Chart>,
    trend_rows: Vec<TrendRow>,
    trend_summary: String,
    home_name: String,
    benchmark_name: String,
    breakdowns: Vec<BreakdownView>,
    specifications: Vec<Link>,
    contracts: Vec<ContractRef>,
    grants: Vec<Link>,
    priority: Option<Link>,
}

fn ci_text(lo: Option<f64>, hi: Option<f64>) -> String {
    match (lo, hi) {
        (Some(l), Some(h)) => format!("{} to {}", opt_value(Some(l)), opt_value(Some(h))),
        _ => "–".into(),
    }
}

fn polarity_text(ind: &Indicator) -> &'static str {
    match ind.polarity {
        crate::model::Polarity::HigherIsBetter => "A higher value is better",
        crate::model::Polarity::LowerIsBetter => "A lower value is better",
        crate::model::Polarity::NoJudgement => "Neither higher nor lower is judged better",
    }
}

fn method_text(project: &Project) -> String {
    let level = if project.config.needs.confidence == 99.8 {
        "99.8%"
    } else {
        "95%"
    };
    match project.config.needs.comparison {
        crate::model::config::ComparisonMethod::CiOverlap => format!("Compared with the benchmark by whether the benchmark value lies within the area's {level} confidence interval (Fingertips single overlapping interval, one level)."),
        crate::model::config::ComparisonMethod::CiOverlapTwoLevels => "Compared with the benchmark at two levels: within the 95% interval is similar; outside 95% but within 99.8% is better or worse; outside 99.8% is best or worst.".into(),
        crate::model::config::ComparisonMethod::None => "Areas are not compared with the benchmark.".into(),
    }
}

/// All needs pages.
pub fn pages<'a>(project: &'a Project, analysis: &'a Analysis) -> Vec<Page<'a>> {
    let ix = Index::new(project, analysis);
    let mut pages = Vec::new();
    let areas = ordered_areas(project);
    let bench_code = project.config.benchmark_area.as_str();
    let bench_name = project
        .areas
        .get(bench_code)
        .map(|a| a.name.clone())
        .unwrap_or_else(|| "England".into());
    let home = project.config.home_area.clone().unwrap_or_default();
    let home_name = project
        .areas
        .get(&home)
        .map(|a| a.name.clone())
        .unwrap_or_else(|| home.clone());

    // Overview, grouped by domain.
    let mut domains: std::collections::BTreeMap<String, Vec<OverviewRow>> = Default::default();
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for ind in project.indicators.values() {
        let cells: Vec<Cell> = areas
            .iter()
            .map(|a| comparison_cell(analysis.needs.latest(&ind.id, &a.code), &bench_name))
            .collect();
        if let Some(home_cell) = analysis.needs.latest(&ind.id, &home) {
            *counts
                .entry(
                    home_cell
                        .comparison
                        .unwrap_or(Comparison::NotCompared)
                        .label()
                        .to_string(),
                )
                .or_default() += 1;
        }
        let latest_bench = analysis.needs.latest(&ind.id, bench_code);
        domains
            .entry(ind.domain.clone().unwrap_or_else(|| "Other".into()))
            .or_default()
            .push(OverviewRow {
                indicator: link(&indicator_path(&ind.id), ind.name.clone()),
                unit: unit(ind),
                period: latest_bench
                    .map(|r| r.period.label.clone())
                    .unwrap_or_default(),
                benchmark: opt_value(latest_bench.and_then(|r| r.value)),
                cells,
            });
    }
    let overview = Overview {
        areas: areas
            .iter()
            .map(|a| link(&area_path(&a.code), a.name.clone()))
            .collect(),
        domains: domains
            .into_iter()
            .map(|(name, rows)| Domain { name, rows })
            .collect(),
        benchmark_name: bench_name.clone(),
        counts: counts.into_iter().collect(),
        indicator_count: project.indicators.len(),
    };
    pages.push(Page {
        path: "needs/".into(),
        template: "needs.html",
        title: "Joint needs assessment".into(),
        section: "needs",
        breadcrumbs: crumbs(&[]),
        view: view(overview),
        description: format!(
            "{} indicators of need across {} areas, compared with {bench_name}.",
            project.indicators.len(),
            areas.len()
        ),
    });

    // One page per indicator.
    for ind in project.indicators.values() {
        let mut rows = Vec::new();
        let mut bars = Vec::new();
        let mut latest_period = String::new();
        for a in &areas {
            let Some(r) = analysis.needs.latest(&ind.id, &a.code) else {
                continue;
            };
            let cell = comparison_cell(Some(r), &bench_name);
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
                value: opt_value(r.value),
                ci: ci_text(r.lower_ci_95, r.upper_ci_95),
                count: r.count.map(|c| number(c, 0)).unwrap_or_else(|| "–".into()),
                denominator: r
                    .denominator
                    .map(|c| number(c, 0))
                    .unwrap_or_else(|| "–".into()),
                method: r.ci_method.label().into(),
                comparison: cell.comparison,
                label: cell.label,
            });
        }
        if latest_period.is_empty() {
            latest_period = rows
                .first()
                .map(|_| {
                    analysis
                        .needs
                        .latest(&ind.id, bench_code)
                        .map(|r| r.period.label.clone())
                        .unwrap_or_default()
                })
                .unwrap_or_default();
        }
        let bench_value = analysis
            .needs
            .latest(&ind.id, bench_code)
            .and_then(|r| r.value);
        let bar = bar_chart(
            &format!("bar-{}", crate::model::slug(&ind.id)),
            &format!("{} by area, {}", ind.name, latest_period),
            &format!(
                "Bar chart of the latest value for each area with 95% confidence intervals{}. The same figures are in the table below.",
                bench_value.map(|b| format!("; the dashed line marks {bench_name} at {}", opt_value(Some(b)))).unwrap_or_default()
            ),
            &bars,
            bench_value,
        );
        // Trend of the home area against the benchmark.
        let home_series = analysis.needs.series(&ind.id, &home);
        let bench_series = analysis.needs.series(&ind.id, bench_code);
        let mut periods: Vec<&crate::model::Period> = home_series
            .iter()
            .chain(bench_series)
            .map(|r| &r.period)
            .collect();
        periods.sort();
        periods.dedup();
        let find =
            |s: &[NeedRow], p: &crate::model::Period| s.iter().find(|r| &r.period == p).cloned();
        let labels: Vec<String> = periods.iter().map(|p| p.label.clone()).collect();
        let home_values: Vec<Option<f64>> = periods
            .iter()
            .map(|p| find(home_series, p).and_then(|r| r.value))
            .collect();
        let bench_values: Vec<Option<f64>> = periods
            .iter()
            .map(|p| find(bench_series, p).and_then(|r| r.value))
            .collect();
        let trend_rows: Vec<TrendRow> = periods
            .iter()
            .map(|p| {
                let h = find(home_series, p);
                TrendRow {
                    period: p.label.clone(),
                    home: opt_value(h.as_ref().and_then(|r| r.value)),
                    home_ci: h
                        .as_ref()
                        .map(|r| ci_text(r.lower_ci_95, r.upper_ci_95))
                        .unwrap_or_else(|| "–".into()),
                    benchmark: opt_value(find(bench_series, p).and_then(|r| r.value)),
                }
            })
            .collect();
        let latest_home = analysis.needs.latest(&ind.id, &home);
        let trend_summary = match latest_home.and_then(|r| r.trend.map(|t| (t, r))) {
            Some((t, r)) => {
                let dir = r
                    .trend_direction
                    .map(|d| d.label().to_lowercase())
                    .unwrap_or_default();
                let base = format!("Recent trend for {home_name}: {}", t.label().to_lowercase());
                let detail = match (r.trend_chi_square, &r.trend_reason) {
                    (_, Some(reason)) => format!(" ({reason})"),
                    (Some(chi), None) => format!(" (χ² = {}, judged at 99.8%)", number(chi, 2)),
                    _ => String::new(),
                };
                if dir.is_empty() || dir == "not applicable" {
                    format!("{base}{detail}.")
                } else {
                    format!("{base}, {dir}{detail}.")
                }
            }
            None => String::new(),
        };
        let trend = line_chart(
            &format!("trend-{}", crate::model::slug(&ind.id)),
            &format!("{}: {} and {} over time", ind.name, home_name, bench_name),
            &format!("Line chart of {home_name} (solid) and {bench_name} (dashed) from {} to {}. The same figures are in the table below.", labels.first().cloned().unwrap_or_default(), labels.last().cloned().unwrap_or_default()),
            &labels,
            &[Line { name: home_name.clone(), values: home_values, dashed: false }, Line { name: bench_name.clone(), values: bench_values, dashed: true }],
            false,
        );
        // Inequality breakdowns.
        let mut groups: std::collections::BTreeMap<
            (String, String, String),
            Vec<&crate::analysis::needs::BreakdownRow>,
        > = Default::default();
        for b in analysis
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
        // Keep the latest period of each breakdown type and area.
        let mut latest_groups: std::collections::BTreeMap<
            (String, String),
            (String, Vec<&crate::analysis::needs::BreakdownRow>),
        > = Default::default();
        for ((t, a, p), rows) in groups {
            let keep = latest_groups
                .get(&(t.clone(), a.clone()))
                .is_none_or(|(_, r)| rows[0].period > r[0].period);
            if keep {
                latest_groups.insert((t, a), (p, rows));
            }
        }
        let breakdowns: Vec<BreakdownView> = latest_groups
            .into_iter()
            .enumerate()
            .map(|(i, ((t, a), (p, rows)))| {
                let area_name = project.areas.get(&a).map(|x| x.name.clone()).unwrap_or(a.clone());
                let bars: Vec<Bar> = rows.iter().filter_map(|r| r.value.map(|v| Bar { label: r.category.clone().unwrap_or_default(), value: v, lower: r.lower_ci_95, upper: r.upper_ci_95, highlight: true })).collect();
                BreakdownView {
                    chart: bar_chart(&format!("bd-{}-{i}", crate::model::slug(&ind.id)), &format!("{} by {}: {area_name}, {p}", ind.name, t), "Bar chart of each category's value with 95% confidence intervals. The same figures are in the table beside it.", &bars, None),
                    category_type: t,
                    area: area_name,
                    period: p,
                    rows: rows.iter().map(|r| (r.category.clone().unwrap_or_default(), opt_value(r.value), ci_text(r.lower_ci_95, r.upper_ci_95))).collect(),
                }
            })
            .collect();
        let specs: Vec<Link> = ix
            .specs_by_indicator
            .get(ind.id.as_str())
            .into_iter()
            .flatten()
            .filter_map(|s| project.specifications.get(*s))
            .map(|s| link(&spec_path(&s.id), s.title.clone()))
            .collect();
        let grants: Vec<Link> = ix
            .specs_by_indicator
            .get(ind.id.as_str())
            .into_iter()
            .flatten()
            .flat_map(|s| ix.grants_by_spec.get(s).into_iter().flatten())
            .filter_map(|g| project.grants.get(*g))
            .map(|g| {
                link(
                    &super::grant_path(&g.grant_id),
                    format!(
                        "{} — {} ({})",
                        g.title,
                        g.recipient_name,
                        super::format::money(g.amount_awarded)
                    ),
                )
            })
            .collect();
        let contracts = contract_refs(project, &ix, &ix.contracts_for_indicator(&ind.id));
        let priority = analysis
            .priorities
            .iter()
            .find(|p| p.indicator_id == ind.id)
            .map(|p| {
                link(
                    "needs/priorities/",
                    format!("Priority rank {} of {}", p.rank, analysis.priorities.len()),
                )
            });
        let v = IndicatorView {
            id: ind.id.clone(),
            name: ind.name.clone(),
            domain: ind.domain.clone().unwrap_or_default(),
            definition: ind.definition.clone().unwrap_or_default(),
            source: ind.source.clone().unwrap_or_default(),
            unit: unit(ind),
            polarity: polarity_text(ind).into(),
            value_type: ind.value_type.as_str().replace('_', " "),
            method: method_text(project),
            latest_period,
            areas: rows,
            bar_chart: bar,
            trend_chart: trend,
            trend_rows,
            trend_summary,
            home_name: home_name.clone(),
            benchmark_name: bench_name.clone(),
            breakdowns,
            specifications: specs,
            contracts,
            grants,
            priority,
        };
        pages.push(Page {
            path: indicator_path(&ind.id),
            template: "indicator.html",
            title: ind.name.clone(),
            section: "needs",
            breadcrumbs: crumbs(&[("Needs assessment", "needs/")]),
            view: view(v),
            description: format!("{}: values by area, confidence intervals, comparison with {bench_name} and recent trend.", ind.name),
        });
    }

    // One page per area: a spine-chart style summary.
    for a in &areas {
        #[derive(Serialize)]
        struct SpineRow {
            indicator: Link,
            domain: String,
            period: String,
            value: String,
            benchmark: String,
            comparison: String,
            label: String,
            trend: String,
            /// Position of the value relative to the benchmark, −100..100, for the spine bar.
            position: i32,
        }
        #[derive(Serialize)]
        struct AreaView {
            name: String,
            code: String,
            area_type: String,
            parent: Option<Link>,
            rows: Vec<SpineRow>,
            counts: Vec<(String, usize)>,
            benchmark_name: String,
        }
        let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
        let mut rows = Vec::new();
        for ind in project.indicators.values() {
            let Some(r) = analysis.needs.latest(&ind.id, &a.code) else {
                continue;
            };
            let cell = comparison_cell(Some(r), &bench_name);
            *counts
                .entry(
                    r.comparison
                        .unwrap_or(Comparison::NotCompared)
                        .label()
                        .to_string(),
                )
                .or_default() += 1;
            let position = match (r.value, r.benchmark_value) {
                (Some(v), Some(b)) if b != 0.0 => {
                    (((v - b) / b.abs()) * 100.0).clamp(-100.0, 100.0).round() as i32
                }
                _ => 0,
            };
            rows.push(SpineRow {
                indicator: link(&indicator_path(&ind.id), ind.name.clone()),
                domain: ind.domain.clone().unwrap_or_default(),
                period: r.period.label.clone(),
                value: opt_value(r.value),
                benchmark: opt_value(r.benchmark_value),
                comparison: cell.comparison,
                label: cell.label,
                trend: r.trend.map(|t| t.label().to_string()).unwrap_or_default(),
                position,
            });
        }
        rows.sort_by(|x, y| (&x.domain, &x.indicator.text).cmp(&(&y.domain, &y.indicator.text)));
        let v = AreaView {
            name: a.name.clone(),
            code: a.code.clone(),
            area_type: a.area_type.clone().unwrap_or_default(),
            parent: a
                .parent_code
                .as_ref()
                .and_then(|p| project.areas.get(p))
                .map(|p| link(&area_path(&p.code), p.name.clone())),
            rows,
            counts: counts.into_iter().collect(),
            benchmark_name: bench_name.clone(),
        };
        pages.push(Page {
            path: area_path(&a.code),
            template: "area.html",
            title: format!("{} ({})", a.name, a.code),
            section: "needs",
            breadcrumbs: crumbs(&[("Needs assessment", "needs/")]),
            view: view(v),
            description: format!(
                "Profile of {}: every indicator compared with {bench_name}.",
                a.name
            ),
        });
    }

    // Priorities.
    #[derive(Serialize)]
    struct PriorityRow {
        rank: usize,
        indicator: Link,
        size_a: String,
        seriousness_b: String,
        effectiveness_c: String,
        bpr: String,
        pearl: String,
        opr: String,
        explanation: Vec<String>,
        specifications: Vec<Link>,
        contracts: Vec<ContractRef>,
    }
    #[derive(Serialize)]
    struct PrioritiesView {
        home_name: String,
        method: String,
        rows: Vec<PriorityRow>,
        gaps: usize,
    }
    let rows: Vec<PriorityRow> = analysis
        .priorities
        .iter()
        .map(|p| {
            let ind_name = project
                .indicators
                .get(&p.indicator_id)
                .map(|i| i.name.clone())
                .unwrap_or_else(|| p.indicator_id.clone());
            PriorityRow {
                rank: p.rank,
                indicator: link(&indicator_path(&p.indicator_id), ind_name),
                size_a: number(p.size_a, 1),
                seriousness_b: number(p.seriousness_b, 1),
                effectiveness_c: number(p.effectiveness_c, 1),
                bpr: number(p.bpr, 1),
                pearl: p.pearl.clone(),
                opr: number(p.opr, 1),
                explanation: p.explanation.clone(),
                specifications: p
                    .addressed_by
                    .iter()
                    .filter_map(|s| project.specifications.get(s))
                    .map(|s| link(&spec_path(&s.id), s.title.clone()))
                    .collect(),
                contracts: contract_refs(
                    project,
                    &ix,
                    &ix.contracts_for_indicator(&p.indicator_id),
                ),
            }
        })
        .collect();
    let gaps = rows.iter().filter(|r| r.specifications.is_empty()).count();
    pages.push(Page {
        path: "needs/priorities/".into(),
        template: "priorities.html",
        title: "Priorities".into(),
        section: "needs",
        breadcrumbs: crumbs(&[("Needs assessment", "needs/")]),
        view: view(PrioritiesView { home_name: home_name.clone(), method: crate::analysis::priorities::METHOD_DESCRIPTION.to_string(), rows, gaps }),
        description: format!("The needs of {home_name} ranked by the Hanlon basic priority rating, with the services that answer each."),
    });
    let _ = contract_path;
    pages
}
