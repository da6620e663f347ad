//! The needs assessment overview (every indicator's latest value in every area, grouped by
//! domain), and what the needs pages share: areas in display order, the comparison of a value
//! with the benchmark in words, and contracts with their KPI judgements.

use super::format::fixed;
use super::index::{Index, NeedsSide};
use super::performance::{kpi_summary_counts, rating_class, rating_words};
use super::words;
use super::{
    area_path, contract_path, crumbs, deferred_view, indicator_path, link, Count, Link, Page,
};
use crate::analysis::needs::{Comparison, NeedRow};
use crate::load::theme::Strings;
use crate::model::{Area, Contract, Indicator, Project};
use serde::Serialize;
use std::collections::BTreeMap;

/// The view of `needs.html`.
#[derive(Debug, Serialize)]
pub struct NeedsView {
    /// Every area but the benchmark, home area first.
    pub areas: Vec<Link>,
    pub home_name: String,
    /// The benchmark's own profile.
    pub benchmark_link: Option<Link>,
    pub domains: Vec<Domain>,
    pub benchmark_name: String,
    /// The home area's indicators counted by comparison with the benchmark.
    pub counts: Vec<Count>,
    pub indicator_count: usize,
    /// Small maps of each indicator, when the project has boundaries.
    pub maps: Option<super::maps::OverviewMaps>,
}

/// The indicators of one domain.
#[derive(Debug, Serialize)]
pub struct Domain {
    pub name: String,
    pub rows: Vec<OverviewRow>,
}

/// An indicator's latest value in every area.
#[derive(Debug, Serialize)]
pub struct OverviewRow {
    pub indicator: Link,
    /// The indicator's id, to find its small map.
    pub id: String,
    pub unit: String,
    pub period: String,
    pub benchmark: String,
    pub cells: Vec<Cell>,
    /// The home area's recent trend in words, its key (`increasing`, `decreasing`,
    /// `no_significant_change`, `cannot_be_calculated`) and its direction (`improving`,
    /// `worsening`, `no_change`, `not_applicable`); empty without a trend.
    pub trend: String,
    pub trend_key: String,
    pub direction: String,
}

/// A value with its comparison with the benchmark, by colour class and in words.
#[derive(Debug, Serialize, PartialEq)]
pub struct Cell {
    pub value: String,
    pub comparison: String,
    pub label: String,
    pub period: String,
}

/// A contract answering a need, with its KPI judgements and rating.
#[derive(Debug, Clone, Serialize)]
pub struct ContractRef {
    pub link: Link,
    pub supplier: String,
    pub variation: String,
    pub assurance: String,
    pub rating: String,
    pub rating_class: String,
}

/// The comparison shown by colour class and by text.
pub fn comparison_cell(w: &Strings, row: Option<&NeedRow>, benchmark: &str, decimals: u32) -> Cell {
    match row {
        None => Cell {
            value: "–".into(),
            comparison: "none".into(),
            label: w.get("comparison_with.no_data").into(),
            period: String::new(),
        },
        Some(r) => {
            let cmp = r.comparison.unwrap_or(Comparison::NotCompared);
            let label = w.fill(
                &format!("comparison_with.{}", cmp.as_str()),
                &[("benchmark", &benchmark)],
            );
            Cell {
                value: fixed(r.value, decimals),
                comparison: cmp.as_str().into(),
                label,
                period: r.period.label.to_string(),
            }
        }
    }
}

/// How an area's latest values compare with the benchmark, counted by comparison.
pub fn comparison_counts<'r>(w: &Strings, rows: impl Iterator<Item = &'r NeedRow>) -> Vec<Count> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for r in rows {
        let label = words::of(w, r.comparison.unwrap_or(Comparison::NotCompared));
        *counts.entry(label).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(label, count)| Count { label, count })
        .collect()
}

/// An indicator's name, with the sex of its headline figures when it publishes no Persons
/// figures ("Life expectancy at birth (Female)", the theme's `indicator.with_sex`).
pub(crate) fn headline_name(ix: &Index, ind: &Indicator) -> String {
    match ix.analysis.needs.headline_sex(&ind.id) {
        Some(sex) => ix.words.fill(
            "indicator.with_sex",
            &[("indicator", &ind.name), ("sex", &sex)],
        ),
        None => ind.name.clone(),
    }
}

pub(crate) fn unit(ind: &Indicator) -> String {
    ind.unit.clone().unwrap_or_default()
}

/// "l to h" at the indicator's decimal places ("80.2 to 81.0"), or "–" without both ends.
pub(crate) fn ci_text(w: &Strings, lo: Option<f64>, hi: Option<f64>, decimals: u32) -> String {
    match (lo, hi) {
        (Some(l), Some(h)) => w.fill(
            "needs.interval",
            &[
                ("lower", &fixed(Some(l), decimals)),
                ("upper", &fixed(Some(h), decimals)),
            ],
        ),
        _ => "–".into(),
    }
}

/// Areas in display order: home area, then its wards, then the rest, benchmark last.
pub fn ordered_areas(project: &Project) -> Vec<&Area> {
    let home = project.config.home_area.as_deref();
    let bench = project.config.benchmark_area.as_str();
    let mut areas: Vec<&Area> = project.areas.values().collect();
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

/// A contract with its KPI judgements and rating.
pub(super) fn contract_ref(ix: &Index, c: &Contract) -> ContractRef {
    let status = ix.status.get(c.contract_id.as_str()).copied();
    let (variation, assurance) = kpi_summary_counts(ix.words, ix.kpis(&c.contract_id));
    ContractRef {
        link: link(&contract_path(&c.contract_id), c.title.clone()),
        supplier: c.supplier.clone(),
        variation,
        assurance,
        rating: rating_words(ix.words, status),
        rating_class: rating_class(status),
    }
}

/// The needs overview page: its view reads only the needs side, so it is built when the page
/// renders and keyed by that side's identity (a KPI's change in `serve` does not build it again).
pub fn page<'a>(ix: &NeedsSide<'a>) -> Page<'a> {
    let project = ix.project;
    Page {
        path: "needs/".into(),
        template: "needs.html",
        title: ix.words.get("page.needs.title").into(),
        section: "needs",
        breadcrumbs: crumbs(ix.words, &[]),
        view: deferred_view(ix.clone(), |ix| needs_view(ix)),
        description: ix.words.fill(
            "page.needs.description",
            &[
                ("indicators", &project.indicators.len()),
                ("areas", &project.areas.len()),
                ("benchmark", &ix.benchmark_name()),
            ],
        ),
    }
}

/// The overview's view.
pub fn needs_view(ix: &Index) -> NeedsView {
    let (project, needs) = (ix.project, &ix.analysis.needs);
    let areas = ordered_areas(project);
    let bench_code = project.config.benchmark_area.as_str();
    let bench_name = ix.benchmark_name();
    let home = ix.home_code();
    let mut domains: BTreeMap<String, Vec<OverviewRow>> = BTreeMap::new();
    for ind in project.indicators.values() {
        let latest_bench = needs.latest(&ind.id, bench_code);
        let home_latest = needs.latest(&ind.id, home);
        let trend = home_latest.and_then(|r| r.trend);
        let direction = home_latest.and_then(|r| r.trend_direction);
        domains
            .entry(
                ind.domain
                    .clone()
                    .unwrap_or_else(|| ix.words.get("needs.other_domain").into()),
            )
            .or_default()
            .push(OverviewRow {
                indicator: link(&indicator_path(&ind.id), ind.name.clone()),
                id: ind.id.clone(),
                unit: unit(ind),
                period: latest_bench
                    .map(|r| r.period.label.to_string())
                    .unwrap_or_default(),
                benchmark: fixed(latest_bench.and_then(|r| r.value), ind.display_decimals()),
                cells: areas
                    .iter()
                    .filter(|a| a.code != bench_code)
                    .map(|a| {
                        let row = needs.latest(&ind.id, &a.code);
                        comparison_cell(ix.words, row, &bench_name, ind.display_decimals())
                    })
                    .collect(),
                trend: trend.map(|t| words::of(ix.words, t)).unwrap_or_default(),
                trend_key: trend.map(|t| t.as_str().to_string()).unwrap_or_default(),
                direction: direction
                    .map(|d| d.as_str().to_string())
                    .unwrap_or_default(),
            });
    }
    NeedsView {
        areas: areas
            .iter()
            .filter(|a| a.code != bench_code)
            .map(|a| link(&area_path(&a.code), a.name.clone()))
            .collect(),
        home_name: ix.home_name(),
        benchmark_link: project
            .areas
            .get(bench_code)
            .map(|a| link(&area_path(&a.code), a.name.clone())),
        maps: super::maps::overview_maps(ix.words, project, ix.analysis, &bench_name),
        domains: domains
            .into_iter()
            .map(|(name, rows)| Domain { name, rows })
            .collect(),
        benchmark_name: bench_name,
        counts: comparison_counts(
            ix.words,
            project
                .indicators
                .values()
                .filter_map(|ind| needs.latest(&ind.id, home)),
        ),
        indicator_count: project.indicators.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::fixture;

    #[test]
    fn every_area_compared_with_the_benchmark() {
        let (project, analysis) = fixture::project_and_analysis();
        let ix = Index::new(&project, &analysis);
        let v = needs_view(&ix);
        // Home area first, then its wards; the benchmark has its own column, not an area's.
        let areas: Vec<&str> = v.areas.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(areas, ["Hartside", "North Ward"]);
        assert_eq!(
            v.benchmark_link.as_ref().map(|l| l.text.as_str()),
            Some("England")
        );
        assert_eq!(v.benchmark_name, "England");
        assert_eq!(
            v.counts,
            vec![Count {
                label: "Worse".into(),
                count: 1
            }]
        );
        assert_eq!(v.domains[0].name, "Older people");
        let row = &v.domains[0].rows[0];
        assert_eq!(
            (
                row.period.as_str(),
                row.benchmark.as_str(),
                row.unit.as_str()
            ),
            ("2023", "2,000", "per 100,000")
        );
        // Hartside 2,400 (2,200 to 2,600) excludes 2,000: worse, as lower is better; North Ward
        // 2,100 (1,900 to 2,300) includes it: similar.
        assert_eq!(
            row.cells[0],
            Cell {
                value: "2,400".into(),
                comparison: "worse".into(),
                label: "Worse than England".into(),
                period: "2023".into()
            }
        );
        assert_eq!(
            (
                row.cells[1].comparison.as_str(),
                row.cells[1].label.as_ref()
            ),
            ("similar", "Similar to England")
        );
        assert_eq!(
            comparison_cell(Strings::base(), None, "England", 1).label,
            "No data"
        );
        // Outside the 99.8% interval (two-level comparison): a sentence, not "Best than".
        let ix = Index::new(&project, &analysis);
        let mut best = ix.analysis.needs.rows[0].clone();
        best.comparison = Some(Comparison::Best);
        assert_eq!(
            comparison_cell(Strings::base(), Some(&best), "England", 0).label,
            "Better than England at the 99.8% level"
        );
        assert_eq!(ci_text(Strings::base(), Some(1.0), None, 1), "–");
        assert_eq!(
            ci_text(Strings::base(), Some(80.2), Some(81.0), 1),
            "80.2 to 81.0"
        );
    }
}
