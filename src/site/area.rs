//! Area pages: a spine-chart style profile of one area, every indicator's latest value against
//! the benchmark with its comparison and trend.

use super::format::opt_value;
use super::index::Index;
use super::needs::{comparison_cell, comparison_counts, ordered_areas};
use super::{area_path, crumbs, indicator_path, link, view, Count, Link, Page};
use crate::model::Area;
use serde::Serialize;

/// The view of `area.html`.
#[derive(Debug, Serialize)]
pub struct AreaView {
    pub name: String,
    pub code: String,
    pub area_type: String,
    pub parent: Option<Link>,
    pub rows: Vec<SpineRow>,
    /// The area's indicators counted by comparison with the benchmark.
    pub counts: Vec<Count>,
    pub benchmark_name: String,
}

/// An indicator's latest value in the area, against the benchmark.
#[derive(Debug, Serialize)]
pub struct SpineRow {
    pub indicator: Link,
    pub domain: String,
    pub period: String,
    pub value: String,
    pub benchmark: String,
    pub comparison: String,
    pub label: String,
    pub trend: String,
    /// Position of the value relative to the benchmark, −100..100, for the spine bar.
    pub position: i32,
}

/// One page per area, in display order.
pub fn pages<'a>(ix: &Index<'a>) -> Vec<Page<'a>> {
    let bench_name = ix.benchmark_name();
    ordered_areas(ix.project)
        .into_iter()
        .map(|a| Page {
            path: area_path(&a.code),
            template: "area.html",
            title: format!("{} ({})", a.name, a.code),
            section: "needs",
            breadcrumbs: crumbs(&[("Needs assessment", "needs/")]),
            view: view(area_view(ix, a)),
            description: format!(
                "Profile of {}: every indicator compared with {bench_name}.",
                a.name
            ),
        })
        .collect()
}

/// One area's view.
pub fn area_view(ix: &Index, a: &Area) -> AreaView {
    let (project, needs) = (ix.project, &ix.analysis.needs);
    let bench_name = ix.benchmark_name();
    let latest: Vec<_> = project
        .indicators
        .values()
        .filter_map(|ind| needs.latest(&ind.id, &a.code).map(|r| (ind, r)))
        .collect();
    let mut rows: Vec<SpineRow> = latest
        .iter()
        .map(|(ind, r)| {
            let cell = comparison_cell(Some(r), &bench_name);
            SpineRow {
                indicator: link(&indicator_path(&ind.id), ind.name.clone()),
                domain: ind.domain.clone().unwrap_or_default(),
                period: r.period.label.clone(),
                value: opt_value(r.value),
                benchmark: opt_value(r.benchmark_value),
                comparison: cell.comparison,
                label: cell.label,
                trend: r.trend.map(|t| t.label().to_string()).unwrap_or_default(),
                position: spine_position(r.value, r.benchmark_value),
            }
        })
        .collect();
    rows.sort_by(|x, y| (&x.domain, &x.indicator.text).cmp(&(&y.domain, &y.indicator.text)));
    AreaView {
        name: a.name.clone(),
        code: a.code.clone(),
        area_type: a.area_type.clone().unwrap_or_default(),
        parent: a
            .parent_code
            .as_ref()
            .and_then(|p| project.areas.get(p))
            .map(|p| link(&area_path(&p.code), p.name.clone())),
        rows,
        counts: comparison_counts(latest.iter().map(|(_, r)| *r)),
        benchmark_name: bench_name,
    }
}

/// How far a value lies from the benchmark, in percent of the benchmark, within ±100.
fn spine_position(value: Option<f64>, benchmark: Option<f64>) -> i32 {
    match (value, benchmark) {
        (Some(v), Some(b)) if b != 0.0 => {
            (((v - b) / b.abs()) * 100.0).clamp(-100.0, 100.0).round() as i32
        }
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::fixture;

    #[test]
    fn an_area_against_the_benchmark() {
        let (project, analysis) = fixture::project_and_analysis();
        let ix = Index::new(&project, &analysis);
        let home = area_view(&ix, &project.areas["E06000001"]);
        // (2,400 − 2,000) / 2,000 = 20% above the benchmark.
        let r = &home.rows[0];
        assert_eq!(
            (r.value.as_str(), r.benchmark.as_str(), r.position),
            ("2,400", "2,000", 20)
        );
        assert_eq!(r.label, "Worse than England");
        assert_eq!(
            home.counts,
            vec![Count {
                label: "Worse".into(),
                count: 1
            }]
        );
        assert!(home.parent.is_none());
        let ward = area_view(&ix, &project.areas["E05000001"]);
        assert_eq!(
            ward.parent,
            Some(link("needs/areas/e06000001/", "Hartside"))
        );
        assert_eq!(ward.rows[0].position, 5);
        assert_eq!(spine_position(Some(5.0), Some(1.0)), 100);
        assert_eq!(spine_position(Some(5.0), Some(0.0)), 0);
    }
}
