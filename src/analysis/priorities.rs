//! Prioritisation of needs at the home area by the Hanlon basic priority rating with PEARL
//! (METHODS.md 5), producing the published `priorities` table.
//!
//! The project fixes the scale BPR = (A + 2B) × C / 3 (maximum 100) and OPR = BPR × P×E×A×R×L.
//! How A, B and C are derived from the data is worded by the theme (`priorities.method` in
//! `themes/default/i18n/en-GB.toml`), which the priorities page prints; an indicator's `size`, `seriousness`, `effectiveness` and `pearl` in
//! `indicators.csv` always win over the derived scores.

use crate::analysis::needs::{Comparison, NeedRow, NeedsAnalysis, TrendDirection};
use crate::model::{Indicator, Polarity, Project, ValueType};
use serde::Serialize;

/// One row of the published `priorities` table (FORMATS.md section 2).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Priority {
    pub rank: usize,
    pub indicator_id: String,
    pub size_a: f64,
    pub seriousness_b: f64,
    pub effectiveness_c: f64,
    pub bpr: f64,
    /// Five 0/1 flags, e.g. `11110`.
    pub pearl: String,
    pub opr: f64,
    /// The percentage of the population affected that A was scored from (METHODS.md 5.1), when
    /// one follows from the indicator; unrounded.
    pub affected_share: Option<f64>,
    /// How A was found.
    pub size_basis: SizeBasis,
    /// Ids of the specifications that address the indicator, sorted.
    pub addressed_by: Vec<String>,
    /// The home area's latest value the scores used, and its period's label.
    pub value: f64,
    pub period: String,
    /// The benchmark comparison and trend direction the scores used.
    pub comparison: Comparison,
    pub trend_direction: TrendDirection,
}

impl Priority {
    /// `addressed_by` as the `;`-separated cell FORMATS.md section 2 publishes.
    pub fn addressed_by_joined(&self) -> String {
        self.addressed_by.join(";")
    }
}

/// Basic priority rating (METHODS.md 5): (A + 2B) × C / 3, at most 100 for A, B, C ≤ 10.
pub fn basic_priority_rating(a: f64, b: f64, c: f64) -> f64 {
    (a + 2.0 * b) * c / 3.0
}

/// Overall priority rating (METHODS.md 5): BPR × P×E×A×R×L.
pub fn overall_priority_rating(bpr: f64, pearl: [bool; 5]) -> f64 {
    if pearl.iter().all(|&f| f) {
        bpr
    } else {
        0.0
    }
}

/// Size score A from the percentage of the population affected, NACCHO bands (METHODS.md 5).
pub fn size_from_percent(percent: f64) -> f64 {
    match percent {
        p if p >= 25.0 => 10.0,
        p if p >= 10.0 => 8.0,
        p if p >= 1.0 => 6.0,
        p if p >= 0.1 => 4.0,
        p if p >= 0.01 => 2.0,
        _ => 0.0,
    }
}

/// Where the size score A came from (METHODS.md 5.1, project copy in docs/METHODS.md).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SizeBasis {
    /// The needs assessment team set A in `indicators.csv`.
    SetByTeam,
    /// The team set the percentage affected (`affected_share`).
    ShareSetByTeam,
    /// A lower-is-better or no-judgement percentage: the share is the value.
    Value,
    /// A higher-is-better percentage: the share is its complement, 100 − value.
    Complement,
    /// A lower-is-better or no-judgement rate: the share is the rate per person.
    RatePerPerson,
    /// No share follows from the value: the middle score.
    NoShare(NoShareReason),
}

/// Why no share of the population follows from an indicator's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoShareReason {
    /// A rate where higher is better counts something good (detections, support given).
    RateHigherIsBetter,
    Score,
    Ratio,
    /// An average, such as life expectancy.
    Mean,
    /// A count without its population.
    Count,
}

impl SizeBasis {
    /// The code in the published `priorities` table (`size_basis`).
    pub fn as_str(self) -> &'static str {
        match self {
            SizeBasis::SetByTeam => "set_by_team",
            SizeBasis::ShareSetByTeam => "share_set_by_team",
            SizeBasis::Value => "value",
            SizeBasis::Complement => "complement",
            SizeBasis::RatePerPerson => "rate_per_person",
            SizeBasis::NoShare(_) => "middle_score",
        }
    }
}

/// The percentage of the population affected and how it follows from what the indicator measures
/// (METHODS.md 5.1): a lower-is-better (or no-judgement) percentage is the share itself, a
/// higher-is-better percentage its complement 100 − value, a lower-is-better (or no-judgement)
/// crude or standardised rate the rate per person as a percentage; anything else gives no share.
/// The team's `affected_share` wins over all of these.
pub fn percent_affected(value: f64, indicator: &Indicator) -> (Option<f64>, SizeBasis) {
    if let Some(share) = indicator.affected_share {
        return (Some(share), SizeBasis::ShareSetByTeam);
    }
    let m = indicator.multiplier;
    let higher_is_better = indicator.polarity == Polarity::HigherIsBetter;
    match indicator.value_type {
        ValueType::Proportion if m > 0.0 => {
            let pct = value / m * 100.0;
            if higher_is_better {
                (Some((100.0 - pct).max(0.0)), SizeBasis::Complement)
            } else {
                (Some(pct), SizeBasis::Value)
            }
        }
        ValueType::CrudeRate | ValueType::DirectlyStandardisedRate if m > 0.0 => {
            if higher_is_better {
                let why = NoShareReason::RateHigherIsBetter;
                (None, SizeBasis::NoShare(why))
            } else {
                (Some(value / m * 100.0), SizeBasis::RatePerPerson)
            }
        }
        ValueType::Score => (None, SizeBasis::NoShare(NoShareReason::Score)),
        ValueType::Ratio => (None, SizeBasis::NoShare(NoShareReason::Ratio)),
        ValueType::Count => (None, SizeBasis::NoShare(NoShareReason::Count)),
        _ => (None, SizeBasis::NoShare(NoShareReason::Mean)),
    }
}

/// Seriousness score B from the comparison, the gap to the benchmark and the trend (METHODS.md 5).
pub fn seriousness(
    comparison: Comparison,
    value: f64,
    benchmark: Option<f64>,
    direction: TrendDirection,
) -> f64 {
    let mut b: f64 = if comparison.is_worse() {
        6.0
    } else if comparison.is_better() {
        1.0
    } else {
        3.0
    };
    if comparison.is_worse() {
        if let Some(bv) = benchmark.filter(|bv| *bv != 0.0) {
            let gap = ((value - bv) / bv).abs();
            // Whole 10% steps; the small epsilon keeps 0.3 (= 3 × 0.1 in decimals) at 3 points.
            b += ((gap * 10.0 + 1e-9).floor()).min(3.0);
        }
    }
    if direction == TrendDirection::Worsening {
        b += 1.0;
    }
    b.min(10.0)
}

fn pearl_string(pearl: [bool; 5]) -> String {
    pearl.iter().map(|&f| if f { '1' } else { '0' }).collect()
}

/// Scores one indicator at the home area from its latest row (METHODS.md 5); rank is set later.
fn score(project: &Project, ind: &Indicator, row: &NeedRow, value: f64) -> Priority {
    let comparison = row.comparison.unwrap_or(Comparison::NotCompared);
    let direction = row.trend_direction.unwrap_or(TrendDirection::NotApplicable);
    let (share, basis) = percent_affected(value, ind);
    let (size_a, size_basis) = match ind.size {
        Some(a) => (a, SizeBasis::SetByTeam),
        None => (share.map_or(5.0, size_from_percent), basis),
    };
    let seriousness_b = ind
        .seriousness
        .unwrap_or_else(|| seriousness(comparison, value, row.benchmark_value, direction));
    let effectiveness_c = ind.effectiveness.unwrap_or(5.0);
    let (size_a, seriousness_b, effectiveness_c) = (
        size_a.clamp(0.0, 10.0),
        seriousness_b.clamp(0.0, 10.0),
        effectiveness_c.clamp(0.0, 10.0),
    );
    let pearl = ind.pearl.unwrap_or([true; 5]);
    let bpr = basic_priority_rating(size_a, seriousness_b, effectiveness_c);
    let opr = overall_priority_rating(bpr, pearl);
    let mut addressed_by: Vec<String> = project
        .specifications
        .values()
        .filter(|s| s.addresses.iter().any(|a| a == &ind.id))
        .map(|s| s.id.clone())
        .collect();
    addressed_by.sort();
    Priority {
        rank: 0,
        indicator_id: ind.id.clone(),
        size_a,
        seriousness_b,
        effectiveness_c,
        bpr,
        pearl: pearl_string(pearl),
        opr,
        affected_share: share.filter(|_| size_basis != SizeBasis::SetByTeam),
        size_basis,
        addressed_by,
        value,
        period: row.period.label.to_string(),
        comparison,
        trend_direction: direction,
    }
}

/// Ranks every indicator with a latest value at `config.home_area` (METHODS.md 5): by OPR, then
/// BPR, descending, then indicator id; equal OPR and BPR share a rank (1, 2, 2, 4). Empty when no
/// home area is set.
pub fn prioritise(project: &Project, needs: &NeedsAnalysis) -> Vec<Priority> {
    let Some(home) = project.config.home_area.as_deref() else {
        return Vec::new();
    };
    let mut out: Vec<Priority> = project
        .indicators
        .values()
        .filter_map(|ind| {
            let row = needs.latest(&ind.id, home)?;
            Some(score(project, ind, row, row.value?))
        })
        .collect();
    out.sort_by(|a, b| {
        b.opr
            .total_cmp(&a.opr)
            .then(b.bpr.total_cmp(&a.bpr))
            .then_with(|| a.indicator_id.cmp(&b.indicator_id))
    });
    for i in 0..out.len() {
        out[i].rank = if i > 0 && out[i].opr == out[i - 1].opr && out[i].bpr == out[i - 1].bpr {
            out[i - 1].rank
        } else {
            i + 1
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::needs::{CiMethod, Trend};
    use crate::model::{Config, Period, SpecStatus, Specification};

    fn indicator(id: &str, vt: ValueType, multiplier: f64, p: Polarity) -> Indicator {
        Indicator {
            id: id.into(),
            name: id.into(),
            domain: None,
            value_type: vt,
            multiplier,
            unit: None,
            polarity: p,
            polarity_source: Default::default(),
            definition: None,
            source: None,
            size: None,
            seriousness: None,
            effectiveness: None,
            pearl: None,
            affected_share: None,
            decimals: None,
        }
    }

    fn row(id: &str, value: f64, bench: f64, c: Comparison, d: TrendDirection) -> NeedRow {
        NeedRow {
            indicator_id: id.into(),
            area_code: "HOME".into(),
            period: Period::parse("2023").unwrap(),
            value: Some(value),
            lower_ci_95: None,
            upper_ci_95: None,
            lower_ci_99_8: None,
            upper_ci_99_8: None,
            ci_method: CiMethod::Given,
            benchmark_value: Some(bench),
            comparison: Some(c),
            trend: Some(Trend::NoSignificantChange),
            trend_chi_square: None,
            trend_direction: Some(d),
            count: None,
            denominator: None,
            trend_reason: None,
            value_note: None,
        }
    }

    fn spec(id: &str, addresses: &[&str]) -> Specification {
        Specification {
            id: id.into(),
            title: id.into(),
            status: SpecStatus::Planning,
            service_area: None,
            summary: None,
            addresses: addresses.iter().map(|s| s.to_string()).collect(),
            annual_budget: None,
            term_years: None,
            extension_years: None,
            commissioners: vec![],
            providers_engaged: None,
            outcomes: vec![],
            social_value: vec![],
            milestones: vec![],
            evaluation: None,
            funding: Default::default(),
            output_kpi: None,
            output_unit: None,
            output_stock_or_flow: None,
            links: vec![],
            body_markdown: String::new(),
            origin: Default::default(),
            body_line: 0,
        }
    }

    #[test]
    fn ratings_follow_the_hanlon_formula() {
        // (6 + 2·6) × 5 / 3 = 30; the maximum (10 + 20) × 10 / 3 = 100.
        assert_eq!(basic_priority_rating(6.0, 6.0, 5.0), 30.0);
        assert_eq!(basic_priority_rating(10.0, 10.0, 10.0), 100.0);
        assert_eq!(overall_priority_rating(30.0, [true; 5]), 30.0);
        assert_eq!(
            overall_priority_rating(30.0, [true, true, true, true, false]),
            0.0
        );
    }

    #[test]
    fn size_and_seriousness_scores() {
        let prop = indicator("P", ValueType::Proportion, 100.0, Polarity::HigherIsBetter);
        let rate = indicator(
            "R",
            ValueType::CrudeRate,
            100_000.0,
            Polarity::LowerIsBetter,
        );
        // Higher is better: 88% with the good outcome → 12% affected → band 10–25% → 8.
        assert_eq!(
            percent_affected(88.0, &prop),
            (Some(12.0), SizeBasis::Complement)
        );
        assert_eq!(size_from_percent(12.0), 8.0);
        // 500 per 100,000 = 0.5% → band 0.1–1% → 4; band edges belong to the higher band.
        assert_eq!(
            percent_affected(500.0, &rate),
            (Some(0.5), SizeBasis::RatePerPerson)
        );
        assert_eq!(size_from_percent(0.5), 4.0);
        assert_eq!(size_from_percent(25.0), 10.0);
        assert_eq!(size_from_percent(0.009), 0.0);
        // Worse, 13 vs 10: gap 30% → +3, base 6 → 9; worsening → 10; a cap keeps it at 10.
        let d = TrendDirection::NoChange;
        assert_eq!(seriousness(Comparison::Worse, 13.0, Some(10.0), d), 9.0);
        let w = TrendDirection::Worsening;
        assert_eq!(seriousness(Comparison::Worst, 20.0, Some(10.0), w), 10.0);
        // Worse by 15%: one whole 10% step.
        assert_eq!(seriousness(Comparison::Worse, 8.5, Some(10.0), d), 7.0);
        assert_eq!(seriousness(Comparison::Similar, 13.0, Some(10.0), w), 4.0);
        assert_eq!(seriousness(Comparison::Better, 13.0, Some(10.0), d), 1.0);
        assert_eq!(seriousness(Comparison::NotCompared, 13.0, None, d), 3.0);
    }

    /// The worked examples of METHODS.md 5.1, one per value type.
    #[test]
    fn size_follows_what_the_indicator_measures() {
        use NoShareReason::*;
        let lo = Polarity::LowerIsBetter;
        let hib = Polarity::HigherIsBetter;
        // Smoking prevalence 14.2%, lower is better: 14.2% affected → 8.
        let smoking = indicator("S", ValueType::Proportion, 100.0, lo);
        assert_eq!(
            percent_affected(14.2, &smoking),
            (Some(14.2), SizeBasis::Value)
        );
        // Still at home after reablement 78.4%, higher is better: 100 − 78.4 = 21.6% → 8.
        let home = indicator("H", ValueType::Proportion, 100.0, hib);
        let (share, basis) = percent_affected(78.4, &home);
        assert!((share.unwrap() - 21.6).abs() < 1e-9);
        assert_eq!(
            (basis, size_from_percent(share.unwrap())),
            (SizeBasis::Complement, 8.0)
        );
        // Physically active 62.0% → 38% inactive → 10 (the old rule scored 62% → 10 as well, but
        // 97% active scored 10 and now scores 3% → 6).
        assert_eq!(
            percent_affected(97.0, &home),
            (Some(3.0), SizeBasis::Complement)
        );
        assert_eq!(size_from_percent(3.0), 6.0);
        // Alcohol admissions 612 per 100,000, lower is better: 0.612% → 4.
        let alcohol = indicator("A", ValueType::CrudeRate, 100_000.0, lo);
        let (share, basis) = percent_affected(612.0, &alcohol);
        assert!((share.unwrap() - 0.612).abs() < 1e-12);
        assert_eq!(
            (basis, size_from_percent(0.612)),
            (SizeBasis::RatePerPerson, 4.0)
        );
        // Under-18 conceptions 13.9 per 1,000: 1.39% → 6.
        let conceptions = indicator("U", ValueType::CrudeRate, 1000.0, lo);
        let (share, _) = percent_affected(13.9, &conceptions);
        assert!((share.unwrap() - 1.39).abs() < 1e-12);
        assert_eq!(size_from_percent(1.39), 6.0);
        // Detection rate, higher is better: no share.
        let chlamydia = indicator("C", ValueType::CrudeRate, 100_000.0, hib);
        assert_eq!(
            percent_affected(2400.0, &chlamydia),
            (None, SizeBasis::NoShare(RateHigherIsBetter))
        );
        // Life expectancy 78.9 years, a score, a ratio, a count: no share, the middle score.
        let le = indicator("L", ValueType::Mean, 1.0, hib);
        assert_eq!(
            percent_affected(78.9, &le),
            (None, SizeBasis::NoShare(Mean))
        );
        let score = indicator("Q", ValueType::Score, 1.0, hib);
        assert_eq!(
            percent_affected(18.9, &score),
            (None, SizeBasis::NoShare(Score))
        );
        let ratio = indicator("R", ValueType::Ratio, 1.0, lo);
        assert_eq!(
            percent_affected(16.7, &ratio),
            (None, SizeBasis::NoShare(Ratio))
        );
        let count = indicator("N", ValueType::Count, 1.0, lo);
        assert_eq!(
            percent_affected(120.0, &count),
            (None, SizeBasis::NoShare(Count))
        );
        // The team's share wins over the value: 30% → 10.
        let mut set = home.clone();
        set.affected_share = Some(30.0);
        assert_eq!(
            percent_affected(78.4, &set),
            (Some(30.0), SizeBasis::ShareSetByTeam)
        );
    }

    /// A higher-is-better percentage is scored from the people without the outcome, and the
    /// priorities page says so.
    #[test]
    fn higher_is_better_percentage_priority() {
        let mut p = Project {
            config: Config {
                home_area: Some("HOME".into()),
                ..Config::default()
            },
            ..Default::default()
        };
        let mut ind = indicator(
            "90643",
            ValueType::Proportion,
            100.0,
            Polarity::HigherIsBetter,
        );
        ind.name = "Older people still at home 91 days after discharge".into();
        p.indicators.insert("90643".into(), ind);
        // 78% at home, England 82%, worse: A = size(22%) = 8; B = 6 (4.9% gap: no step); C = 5.
        // BPR = (8 + 2·6) × 5 / 3 = 33.33…
        let nc = TrendDirection::NoChange;
        let needs = NeedsAnalysis::from_rows(
            vec![row("90643", 78.0, 82.0, Comparison::Worse, nc)],
            vec![],
        );
        let got = &prioritise(&p, &needs)[0];
        assert_eq!(got.size_a, 8.0);
        assert_eq!(got.size_basis, SizeBasis::Complement);
        assert!((got.affected_share.unwrap() - 22.0).abs() < 1e-12);
        assert_eq!(got.seriousness_b, 6.0);
        assert!((got.bpr - 100.0 / 3.0).abs() < 1e-12);
        // What the priorities page explains the scores from (site::priorities::explanation).
        assert_eq!((got.value, got.period.as_str()), (78.0, "2023"));
    }

    #[test]
    fn prioritise_ranks_with_ties_and_overrides() {
        let mut p = Project {
            config: Config {
                home_area: Some("HOME".into()),
                ..Config::default()
            },
            ..Default::default()
        };
        let hib = Polarity::HigherIsBetter;
        // A: 12%, lower is better → 8; worse by 30% → B 9; C 5 → (8 + 18)·5/3 = 43.33…
        p.indicators.insert(
            "A".into(),
            indicator("A", ValueType::Proportion, 100.0, Polarity::LowerIsBetter),
        );
        // B and C: scores → A 5, B 3, C 5 → (5 + 6)·5/3 = 18.33…: a tie.
        p.indicators
            .insert("B".into(), indicator("B", ValueType::Score, 1.0, hib));
        p.indicators
            .insert("C".into(), indicator("C", ValueType::Score, 1.0, hib));
        // D: overrides A 10, B 10, C 10 → 100, but PEARL 11110 → OPR 0: last.
        let mut d = indicator("D", ValueType::Score, 1.0, hib);
        (d.size, d.seriousness, d.effectiveness) = (Some(10.0), Some(10.0), Some(10.0));
        d.pearl = Some([true, true, true, true, false]);
        p.indicators.insert("D".into(), d);
        // E: no value at home → not listed.
        p.indicators
            .insert("E".into(), indicator("E", ValueType::Score, 1.0, hib));
        p.specifications.insert("S2".into(), spec("S2", &["A"]));
        p.specifications
            .insert("S1".into(), spec("S1", &["A", "B"]));
        let nc = TrendDirection::NoChange;
        let needs = NeedsAnalysis::from_rows(
            vec![
                row("A", 12.0, 17.142857142857142, Comparison::Worse, nc),
                row("B", 50.0, 50.0, Comparison::Similar, nc),
                row("C", 50.0, 50.0, Comparison::Similar, nc),
                row("D", 1.0, 1.0, Comparison::Similar, nc),
            ],
            vec![],
        );
        let got = prioritise(&p, &needs);
        let ids: Vec<(&str, usize)> = got
            .iter()
            .map(|p| (p.indicator_id.as_str(), p.rank))
            .collect();
        assert_eq!(ids, vec![("A", 1), ("B", 2), ("C", 2), ("D", 4)]);
        // A: 12 vs 17.14 is 30% below: B = 6 + 3 = 9.
        assert_eq!((got[0].size_a, got[0].seriousness_b), (8.0, 9.0));
        assert!((got[0].bpr - 130.0 / 3.0).abs() < 1e-12);
        assert_eq!(got[0].addressed_by_joined(), "S1;S2");
        assert_eq!(got[1].addressed_by, vec!["S1".to_string()]);
        assert_eq!((got[3].bpr, got[3].opr), (100.0, 0.0));
        assert_eq!(got[3].pearl, "11110");
        assert_eq!(got[1].pearl, "11111");
        p.config.home_area = None;
        assert!(prioritise(&p, &needs).is_empty());
    }
}
