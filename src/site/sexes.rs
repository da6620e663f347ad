//! An indicator published without Persons figures (life expectancy comes as Male and Female):
//! each sex as its own series, so pages show every sex labelled rather than the headline sex
//! alone (issue 14 item 3). The headline sex's series is the analysis' headline series; each
//! other sex's is its `Sex` breakdown rows, compared with the benchmark's same sex.

use crate::analysis::needs::{Comparison, NeedsAnalysis};
use crate::model::{Period, Project};

/// One period of a sex's series in an area.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Point<'a> {
    pub period: &'a Period,
    pub value: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub benchmark: Option<f64>,
    pub comparison: Option<Comparison>,
}

/// The sexes of an indicator without Persons figures, the headline sex first, then the others
/// in natural order; empty when the indicator has Persons (or unsexed) figures.
pub(crate) fn sexes(project: &Project, needs: &NeedsAnalysis, indicator_id: &str) -> Vec<String> {
    let Some(headline) = super::needs::headline_sex(project, indicator_id) else {
        return Vec::new();
    };
    let all = &needs.breakdowns;
    let start = all.partition_point(|b| b.indicator_id.as_str() < indicator_id);
    let end = all.partition_point(|b| b.indicator_id.as_str() <= indicator_id);
    let mut others: Vec<&str> = all[start..end]
        .iter()
        .filter(|b| b.category_type.as_deref() == Some("Sex"))
        .filter_map(|b| b.sex.as_deref())
        .filter(|s| *s != headline)
        .collect();
    others.sort_by(|a, b| crate::model::category::natural_cmp_opt(Some(a), Some(b)));
    others.dedup();
    std::iter::once(headline)
        .chain(others.into_iter().map(str::to_string))
        .collect()
}

/// The series of `sex` of an indicator in an area, in period order: the headline series when
/// `sex` is the headline sex (the first of [`sexes`]), else the area's `Sex` breakdown rows.
pub(crate) fn series<'a>(
    needs: &'a NeedsAnalysis,
    indicator_id: &str,
    area_code: &str,
    sex: &str,
    headline: bool,
) -> Vec<Point<'a>> {
    if headline {
        return needs
            .series(indicator_id, area_code)
            .iter()
            .map(|r| Point {
                period: &r.period,
                value: r.value,
                lower: r.lower_ci_95,
                upper: r.upper_ci_95,
                benchmark: r.benchmark_value,
                comparison: r.comparison,
            })
            .collect();
    }
    let mut points: Vec<Point> = Vec::new();
    for b in needs.breakdowns_of(indicator_id, area_code) {
        let of_sex = b.category_type.as_deref() == Some("Sex") && b.sex.as_deref() == Some(sex);
        if of_sex && points.last().is_none_or(|p| p.period != &b.period) {
            points.push(Point {
                period: &b.period,
                value: b.value,
                lower: b.lower_ci_95,
                upper: b.upper_ci_95,
                benchmark: b.benchmark_value,
                comparison: b.comparison,
            });
        }
    }
    points
}
