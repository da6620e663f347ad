//! An indicator published without Persons figures (life expectancy comes as Male and Female):
//! each sex as its own series, so pages show every sex labelled rather than the headline sex
//! alone (issue 14 item 3). The headline sex's series is the analysis' headline series; each
//! other sex's is its `Sex` breakdown rows, compared with the benchmark's same sex.

use crate::analysis::needs::{Comparison, NeedsAnalysis};
use crate::model::Period;

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
pub(crate) fn sexes(needs: &NeedsAnalysis, indicator_id: &str) -> Vec<String> {
    let Some(headline) = needs.headline_sex(indicator_id) else {
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
        .chain(others)
        .map(str::to_string)
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

#[cfg(test)]
mod tests {
    use crate::analysis::analyse;
    use crate::model::{Indicator, Observation, Period, Polarity, Project, ValueType};
    use crate::site::chart::Plot;
    use crate::site::index::Index;
    use crate::site::{area, fixture, indicator};

    /// The fixture council with life expectancy published for Female and Male only.
    fn life_expectancy() -> Project {
        let mut project = fixture::project();
        project.indicators.insert(
            "le".into(),
            Indicator {
                id: "le".into(),
                name: "Life expectancy".into(),
                value_type: ValueType::Mean,
                multiplier: 1.0,
                unit: Some("years".into()),
                polarity: Polarity::HigherIsBetter,
                decimals: Some(1),
                ..project.indicators["falls"].clone()
            },
        );
        let template = project.observations[0].clone();
        let obs = |area: &str, sex: &str, year: i32, value: f64| Observation {
            indicator_id: "le".into(),
            area_code: area.into(),
            period: Period::year(year).expect("a year"),
            value: Some(value),
            lower_ci_95: Some(value - 0.4),
            upper_ci_95: Some(value + 0.4),
            sex: Some(sex.into()),
            ..template.clone()
        };
        let mut added = Vec::new();
        for (area, base) in [("E06000001", 0.0), ("E05000001", 1.0), ("E92000001", 2.0)] {
            for year in [2022, 2023] {
                let dy = f64::from(year - 2022) / 10.0;
                added.push(obs(area, "Female", year, 80.0 + base + dy));
                added.push(obs(area, "Male", year, 76.0 + base + dy));
            }
        }
        let observations = std::sync::Arc::make_mut(&mut project.observations);
        observations.extend(added);
        observations
            .sort_by(|a, b| (&a.indicator_id, &a.area_code).cmp(&(&b.indicator_id, &b.area_code)));
        project
    }

    #[test]
    fn each_sex_is_its_own_labelled_series_on_the_indicator_and_area_pages() {
        let project = life_expectancy();
        let analysis = analyse(&project);
        let ix = Index::new(&project, &analysis);
        let (needs, id) = (&analysis.needs, "le");
        assert_eq!(super::sexes(needs, id), ["Female", "Male"]);
        assert!(super::sexes(needs, "falls").is_empty());
        let male = super::series(needs, id, "E06000001", "Male", false);
        let values: Vec<Option<f64>> = male.iter().map(|p| p.value).collect();
        assert_eq!(values, [Some(76.0), Some(76.1)]);
        // Male Hartside against male England (78.1), not female England (82.1).
        assert_eq!(male[1].benchmark, Some(78.1));

        let v = indicator::indicator_view(&ix, &project.indicators[id]);
        let chart = v.trend_chart.as_ref().unwrap();
        let Plot::Lines { lines, .. } = &chart.plot else {
            panic!("{:?}", chart.plot)
        };
        let names: Vec<(&str, bool)> = lines.iter().map(|l| (l.name.as_str(), l.dashed)).collect();
        assert_eq!(
            names,
            [
                ("Hartside, Female", false),
                ("Hartside, Male", false),
                ("England, Female", true),
                ("England, Male", true)
            ]
        );
        assert_eq!(lines[1].values, [Some(76.0), Some(76.1)]);
        assert_eq!(lines[3].values, [Some(78.0), Some(78.1)]);
        assert_eq!(lines[1].upper, [Some(76.4), Some(76.5)]);
        assert_eq!(chart.y_axis, "Value (years)");
        assert!(v.trend_by_sex);
        let rows: Vec<(&str, &str, &str, &str)> = v
            .trend_rows
            .iter()
            .map(|r| {
                (
                    r.period.as_str(),
                    r.sex.as_str(),
                    r.home.as_str(),
                    r.benchmark.as_str(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("2022", "Female", "80.0", "82.0"),
                ("2022", "Male", "76.0", "78.0"),
                ("2023", "Female", "80.1", "82.1"),
                ("2023", "Male", "76.1", "78.1")
            ]
        );

        let home = area::area_view(&ix, &project.areas["E06000001"]);
        let le: Vec<(&str, &str, &str, &str)> = home
            .rows
            .iter()
            .filter(|r| r.indicator.href.contains("/le/"))
            .map(|r| {
                (
                    r.indicator.text.as_str(),
                    r.value.as_str(),
                    r.benchmark.as_str(),
                    r.comparison.as_str(),
                )
            })
            .collect();
        // Each 0.4 either side of its value: 76.1 (75.7 to 76.5) is below England's 78.1.
        assert_eq!(
            le,
            [
                ("Life expectancy (Female)", "80.1", "82.1", "worse"),
                ("Life expectancy (Male)", "76.1", "78.1", "worse")
            ]
        );
        // The Male row's spine is drawn from the areas' male values, Hartside 76.1 and North Ward
        // 77.1: quartiles 76.35 and 76.85 between them (each a hair under in binary, so shown
        // as 76.3 and 76.8), never from the female values (80.1, 81.1).
        let male_row = home
            .rows
            .iter()
            .find(|r| r.indicator.text.ends_with("(Male)"))
            .unwrap();
        assert_eq!(male_row.spine_figures, ["76.1", "76.3", "76.8", "77.1"]);
        // An indicator counts once in the area's comparison counts.
        assert_eq!(home.counts.iter().map(|c| c.count).sum::<usize>(), 2);
    }
}
