//! Area pages: a spine-chart profile of one area, every indicator's latest value against the
//! benchmark and the spread of the areas of its type, with its comparison, difference and trend.

use super::format::{fixed, number, period_in};
use super::index::{Index, NeedsSide};
use super::needs::{comparison_counts, ordered_areas};
use super::spine::{spine, Spine};
use super::words;
use super::{area_path, crumbs, deferred_view, indicator_path, link, Count, Link, Page};
use crate::analysis::needs::{Comparison, Trend, TrendDirection};
use crate::model::{Area, Indicator};
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
    /// The difference from the benchmark in percent of it, unclamped and signed: "+189%".
    pub difference: String,
    /// The difference's size without a sign ("189%") and its direction (`higher`, `lower`,
    /// `same`, or empty when there is none), for the words of the text alternative.
    pub difference_size: String,
    pub direction: String,
    /// The bar's length and side, −100..100, to scale with the largest difference on the page.
    pub position: i32,
    /// The trend's key (`increasing`, `decreasing`, `no_significant_change`,
    /// `cannot_be_calculated`) and whether it is `improving`, `worsening`, `no_change` or
    /// `not_applicable`; empty without a trend.
    pub trend_key: String,
    pub trend_direction: String,
    /// Where the value sits among the comparable areas (site/spine.rs).
    pub spine: Option<Spine>,
    /// The comparable areas' lowest, 25th percentile, 75th percentile and highest, formatted.
    pub spine_figures: Vec<String>,
}

/// One page per area, in display order.
pub fn pages<'a>(ix: &NeedsSide<'a>) -> Vec<Page<'a>> {
    let bench_name = ix.benchmark_name();
    ordered_areas(ix.project)
        .into_iter()
        .map(|a| Page {
            path: area_path(&a.code),
            template: "area.html",
            title: format!("{} ({})", a.name, a.code),
            section: "needs",
            breadcrumbs: crumbs(ix.words, &[(ix.words.get("crumb.needs"), "needs/")]),
            view: deferred_view(
                AreaInput {
                    needs: ix.clone(),
                    area: a,
                },
                |input| area_view(&input.needs, input.area),
            ),
            description: ix.words.fill(
                "page.area.description",
                &[("area", &a.name), ("benchmark", &bench_name)],
            ),
        })
        .collect()
}

/// What an area's view is built from when its page renders.
#[derive(Serialize)]
struct AreaInput<'a> {
    needs: NeedsSide<'a>,
    area: &'a Area,
}

/// What one row of the profile shows: an indicator's latest value in the area (of one sex, for
/// an indicator without Persons figures), its benchmark, comparison and trend.
struct Latest<'a> {
    ind: &'a Indicator,
    name: String,
    period: &'a crate::model::Period,
    value: Option<f64>,
    benchmark: Option<f64>,
    comparison: Option<Comparison>,
    trend: Option<Trend>,
    trend_direction: Option<TrendDirection>,
    /// The latest values of the comparable areas, for the spine.
    comparable: Vec<f64>,
}

/// The rows of an area's profile: each indicator's headline series, and for an indicator without
/// Persons figures each other sex too, every row naming its sex (issue 14 item 3).
fn latest_rows<'a>(ix: &Index<'a>, a: &Area) -> Vec<Latest<'a>> {
    let (project, needs) = (ix.project, &ix.analysis.needs);
    let mut out = Vec::new();
    for ind in project.indicators.values() {
        let Some(r) = needs.latest(&ind.id, &a.code) else {
            continue;
        };
        let sexes = super::sexes::sexes(needs, &ind.id);
        let named = |sex: &str| {
            ix.words.fill(
                "indicator.with_sex",
                &[("indicator", &ind.name), ("sex", &sex)],
            )
        };
        out.push(Latest {
            ind,
            name: sexes.first().map_or_else(|| ind.name.clone(), |s| named(s)),
            period: &r.period,
            value: r.value,
            benchmark: r.benchmark_value,
            comparison: r.comparison,
            trend: r.trend,
            trend_direction: r.trend_direction,
            comparable: ix.peers(&ind.id, a.area_type.as_deref()).to_vec(),
        });
        for sex in sexes.iter().skip(1) {
            let series = |code: &str| super::sexes::series(needs, &ind.id, code, sex, false);
            let Some(p) = series(&a.code).pop() else {
                continue;
            };
            out.push(Latest {
                ind,
                name: named(sex),
                period: p.period,
                value: p.value,
                benchmark: p.benchmark,
                comparison: p.comparison,
                trend: None,
                trend_direction: None,
                comparable: comparable(ix, a, &|code| series(code).pop().and_then(|p| p.value)),
            });
        }
    }
    out
}

/// One area's view.
pub fn area_view(ix: &Index, a: &Area) -> AreaView {
    let (project, needs) = (ix.project, &ix.analysis.needs);
    let bench_name = ix.benchmark_name();
    let latest = latest_rows(ix, a);
    let mut rows: Vec<SpineRow> = latest
        .iter()
        .map(|l| {
            let ind = l.ind;
            let decimals = ind.display_decimals();
            let comparison = l.comparison.unwrap_or(Comparison::NotCompared);
            let label = ix.words.fill(
                &format!("comparison_with.{}", comparison.as_str()),
                &[("benchmark", &bench_name)],
            );
            let diff = difference(l.value, l.benchmark);
            let spine = match (l.value, l.benchmark) {
                (Some(v), Some(b)) => spine(&l.comparable, b, v, ind.polarity),
                _ => None,
            };
            SpineRow {
                indicator: link(&indicator_path(&ind.id), l.name.clone()),
                domain: ind.domain.clone().unwrap_or_default(),
                period: period_in(ix.words, &l.period.label),
                value: fixed(l.value, decimals),
                benchmark: fixed(l.benchmark, decimals),
                comparison: comparison.as_str().into(),
                label,
                trend: l.trend.map(|t| words::of(ix.words, t)).unwrap_or_default(),
                difference: diff.map_or_else(|| "–".into(), signed_percent),
                difference_size: diff
                    .map(|d| format!("{}%", number(d.abs(), 0)))
                    .unwrap_or_default(),
                direction: match diff.map(|d| d.round()) {
                    Some(d) if d > 0.0 => "higher",
                    Some(d) if d < 0.0 => "lower",
                    Some(_) => "same",
                    None => "",
                }
                .into(),
                position: 0,
                trend_key: l.trend.map(|t| t.as_str().to_string()).unwrap_or_default(),
                trend_direction: l
                    .trend_direction
                    .map(|d| d.as_str().to_string())
                    .unwrap_or_default(),
                spine_figures: spine
                    .iter()
                    .flat_map(|s| [s.lowest, s.p25, s.p75, s.highest])
                    .map(|v| fixed(Some(v), decimals))
                    .collect(),
                spine,
            }
        })
        .collect();
    // Bars to scale: the largest difference on the page fills its half of the bar.
    let diffs: Vec<Option<f64>> = latest
        .iter()
        .map(|l| difference(l.value, l.benchmark))
        .collect();
    let largest = diffs.iter().flatten().fold(0.0_f64, |m, d| m.max(d.abs()));
    for (row, d) in rows.iter_mut().zip(&diffs) {
        row.position = bar_position(*d, largest);
    }
    rows.sort_by(|x, y| (&x.domain, &x.indicator.text).cmp(&(&y.domain, &y.indicator.text)));
    // Each indicator counts once, by its headline series.
    let headline = project
        .indicators
        .values()
        .filter_map(|ind| needs.latest(&ind.id, &a.code));
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
        counts: comparison_counts(ix.words, headline),
        benchmark_name: bench_name,
    }
}

/// The latest values (`latest` of each area's code) in the areas `a` is compared with: those
/// of its type (the benchmark aside), itself included.
fn comparable(ix: &Index, a: &Area, latest: &dyn Fn(&str) -> Option<f64>) -> Vec<f64> {
    let bench = ix.project.config.benchmark_area.as_str();
    ix.project
        .areas
        .values()
        .filter(|o| o.area_type == a.area_type && o.code != bench)
        .filter_map(|o| latest(&o.code))
        .collect()
}

/// The difference from the benchmark in percent of it, unclamped (METHODS.md: 19.1 against 6.60
/// is +189%).
fn difference(value: Option<f64>, benchmark: Option<f64>) -> Option<f64> {
    crate::analysis::needs::percent_difference(value?, benchmark?)
}

/// "+189%", "-50%", "0%".
fn signed_percent(d: f64) -> String {
    let whole = number(d, 0);
    if d.round() > 0.0 {
        format!("+{whole}%")
    } else {
        format!("{whole}%")
    }
}

/// A bar's length, −100..100, as a share of the largest difference on the page.
fn bar_position(d: Option<f64>, largest: f64) -> i32 {
    match d {
        Some(d) if largest > 0.0 => (d / largest * 100.0).round() as i32,
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
            (
                r.value.as_str(),
                r.benchmark.as_str(),
                r.difference.as_str()
            ),
            ("2,400", "2,000", "+20%")
        );
        assert_eq!(
            (r.difference_size.as_str(), r.direction.as_str()),
            ("20%", "higher")
        );
        // The only row is the largest difference on its page: a full half bar.
        assert_eq!(r.position, 100);
        assert_eq!(r.label, "Worse than England");
        // Spine: compared with North Ward (2,100; no area has a type). Against England's 2,000 the
        // farthest is 2,400, 400 away, so x = 50 + 50 (v − 2,000) / 400, mirrored as lower is
        // better: 2,400 → 0, 2,100 → 37.5; 25th percentile 2,175 → 28.1, 75th 2,325 → 9.4.
        let s = r.spine.as_ref().unwrap();
        assert_eq!(
            (
                s.range_left,
                s.range_width,
                s.middle_left,
                s.middle_width,
                s.value_at
            ),
            (0.0, 37.5, 9.4, 18.7, 0.0)
        );
        assert_eq!(r.spine_figures, ["2,100", "2,175", "2,325", "2,400"]);
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
        assert_eq!(ward.rows[0].difference, "+5%");
        // North Ward's 2,100 is 100 from 2,000 on the same scale: 50 − 12.5 = 37.5.
        assert_eq!(ward.rows[0].spine.as_ref().unwrap().value_at, 37.5);
        // Unclamped: 19.1 against 6.60 is +189%, 5 against 1 is +400%; no percentage of 0.
        assert_eq!(
            signed_percent(difference(Some(19.1), Some(6.60)).unwrap()),
            "+189%"
        );
        assert_eq!(
            signed_percent(difference(Some(5.0), Some(1.0)).unwrap()),
            "+400%"
        );
        assert_eq!(
            signed_percent(difference(Some(3.3), Some(6.6)).unwrap()),
            "-50%"
        );
        assert_eq!(difference(Some(5.0), Some(0.0)), None);
        assert_eq!(bar_position(Some(-50.0), 400.0), -13);
    }
}
