//! Needs assessment statistics: confidence intervals, benchmark comparison and recent trend for every
//! indicator × area × period (METHODS.md 1.1–1.4), producing the published `needs` table.
//!
//! Rules this module fixes (the project's documented choices):
//! - **Headline series.** Only observations without a category (`Observation::is_headline`) form
//!   series. For each indicator (over all areas): if any observation has no sex or sex "Persons",
//!   those are the headline sex; otherwise the alphabetically first sex (a female-only indicator).
//!   Within that, the most frequent age label is the indicator's own age band (ties: the
//!   alphabetically first, `None` first). One row per period: a further observation for the same
//!   period, and every other sex and age, is kept as a breakdown row (category type `Sex`, `Age`).
//! - **Intervals.** Each level (95%, 99.8%) keeps its given limits when both are present; otherwise
//!   it is computed from count and denominator where possible (proportion: Wilson × multiplier;
//!   crude rate: exact below 10 events, Byar's from 10). `ci_method` says where the 95% interval came
//!   from (`given` when the 95% limits were given, even if the 99.8% ones were computed).
//! - **Comparison** uses the 95% interval, or the 99.8% one when `[needs] confidence = 99.8`,
//!   against the benchmark's value for the same period, sex and age (an age-specific series is
//!   compared with the benchmark's same age band, as Fingertips does). Every row is compared; the
//!   benchmark's own uncategorised rows are `not_compared`. The trend is only on the latest row of
//!   each headline series.
//! - **Trend.** A missing period (the next period does not start the day after the previous one
//!   ends) breaks the unbroken run, as an invalid point does.

use crate::analysis::stats::{self, RateCiMethod, TrendPoint, Z95, Z99_8};
use crate::model::config::ComparisonMethod;
use crate::model::{Indicator, Observation, Period, Polarity, Project, ValueType};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::Range;

/// Writes a count or denominator as an integer when it is whole (`18762`, not `18762.0`), so the
/// CSV and JSON data files show counts as counts; a fractional count (a weighted survey) stays as
/// it is.
pub fn whole_when_integral<S: serde::Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => s.serialize_some(&(*x as i64)),
        Some(x) => s.serialize_some(x),
        None => s.serialize_none(),
    }
}

/// The difference of a value from its benchmark as a percentage of the benchmark,
/// (value − benchmark) / |benchmark| × 100, unclamped: 19.1 against 6.60 is +189%. `None` when
/// the benchmark is 0 (no percentage follows) or either is not finite.
pub fn percent_difference(value: f64, benchmark: f64) -> Option<f64> {
    let d = (value - benchmark) / benchmark.abs() * 100.0;
    (benchmark != 0.0 && d.is_finite()).then_some(d)
}

/// Where a row's 95% interval came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CiMethod {
    Given,
    Wilson,
    Byar,
    Exact,
    None,
}

impl CiMethod {
    pub fn as_str(self) -> &'static str {
        ["given", "wilson", "byar", "exact", "none"][self as usize]
    }
}

/// Result of comparing an area with the benchmark, after the polarity adjustment (METHODS.md 1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    Better,
    Similar,
    Worse,
    Best,
    Worst,
    Higher,
    Lower,
    NotCompared,
}

impl Comparison {
    pub fn as_str(self) -> &'static str {
        [
            "better",
            "similar",
            "worse",
            "best",
            "worst",
            "higher",
            "lower",
            "not_compared",
        ][self as usize]
    }
    /// Worse or worst: significantly worse than the benchmark.
    pub fn is_worse(self) -> bool {
        matches!(self, Comparison::Worse | Comparison::Worst)
    }
    pub fn is_better(self) -> bool {
        matches!(self, Comparison::Better | Comparison::Best)
    }
}

/// The recent-trend result (METHODS.md 1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    Increasing,
    Decreasing,
    NoSignificantChange,
    CannotBeCalculated,
}

impl Trend {
    pub fn as_str(self) -> &'static str {
        [
            "increasing",
            "decreasing",
            "no_significant_change",
            "cannot_be_calculated",
        ][self as usize]
    }
}

/// Whether the trend is good news, given the indicator's polarity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrendDirection {
    Improving,
    Worsening,
    NoChange,
    NotApplicable,
}

impl TrendDirection {
    pub fn as_str(self) -> &'static str {
        ["improving", "worsening", "no_change", "not_applicable"][self as usize]
    }
}

/// One row of the published `needs` table (FORMATS.md section 2): indicator × area × period of the
/// headline series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NeedRow {
    pub indicator_id: String,
    pub area_code: String,
    pub period: Period,
    pub value: Option<f64>,
    pub lower_ci_95: Option<f64>,
    pub upper_ci_95: Option<f64>,
    pub lower_ci_99_8: Option<f64>,
    pub upper_ci_99_8: Option<f64>,
    pub ci_method: CiMethod,
    pub benchmark_value: Option<f64>,
    pub comparison: Option<Comparison>,
    pub trend: Option<Trend>,
    pub trend_chi_square: Option<f64>,
    pub trend_direction: Option<TrendDirection>,
    #[serde(serialize_with = "whole_when_integral")]
    pub count: Option<f64>,
    #[serde(serialize_with = "whole_when_integral")]
    pub denominator: Option<f64>,
    /// Why the trend could not be calculated.
    pub trend_reason: Option<TrendReason>,
    /// The publisher's note on the value (Fingertips `Value note`), as given.
    pub value_note: Option<String>,
}

/// An inequality breakdown (category) or non-headline sex/age row: intervals and comparison, no trend.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreakdownRow {
    pub indicator_id: String,
    pub area_code: String,
    pub period: Period,
    pub category_type: Option<String>,
    pub category: Option<String>,
    pub sex: Option<String>,
    pub age: Option<String>,
    pub value: Option<f64>,
    pub lower_ci_95: Option<f64>,
    pub upper_ci_95: Option<f64>,
    pub lower_ci_99_8: Option<f64>,
    pub upper_ci_99_8: Option<f64>,
    pub ci_method: CiMethod,
    pub benchmark_value: Option<f64>,
    pub comparison: Option<Comparison>,
    #[serde(serialize_with = "whole_when_integral")]
    pub count: Option<f64>,
    #[serde(serialize_with = "whole_when_integral")]
    pub denominator: Option<f64>,
    /// The publisher's note on the value (Fingertips `Value note`), as given.
    pub value_note: Option<String>,
}

/// Every needs statistic of a project, with an index by (indicator, area).
#[derive(Debug, Clone, Default)]
pub struct NeedsAnalysis {
    /// Headline rows sorted by indicator, area, period.
    pub rows: Vec<NeedRow>,
    /// Breakdown rows sorted by indicator, area, period, category type, then category, sex and
    /// age in their natural order (`model::category`).
    pub breakdowns: Vec<BreakdownRow>,
    /// Indicator, then area code: the range of `rows` of that headline series (nested so a
    /// lookup borrows its keys rather than allocating them).
    index: BTreeMap<String, BTreeMap<String, Range<usize>>>,
    /// Indicator → the sex its headline figures are for, for an indicator with no Persons (or
    /// unsexed) figures (life expectancy comes as Male and Female): the alphabetically first sex.
    headline_sexes: BTreeMap<String, String>,
    /// Distinct for every analysis made: `serve`'s cache keeps an analysis for the next build
    /// only while the project's needs side (settings, indicators, areas, maps, observations) is
    /// equal, so pages made from the needs side alone are keyed by it ([`NeedsAnalysis::identity`]).
    identity: crate::fingerprint::Identity,
    /// Whether every number of `rows`, and of `breakdowns`, as the needs tables publish them is
    /// finite: found the first time the tables are made ([`NeedsAnalysis::tables_finite`]) and
    /// kept with the analysis.
    rows_finite: crate::fingerprint::Memo<bool>,
    breakdowns_finite: crate::fingerprint::Memo<bool>,
}

impl NeedsAnalysis {
    /// Whether every number of the headline rows, and of the breakdown rows, is finite as the
    /// needs tables publish them: found by `rows` and `breakdowns` the first time it is asked,
    /// then kept while `serve` keeps this analysis.
    pub fn tables_finite(
        &self,
        rows: impl FnOnce(&[NeedRow]) -> bool,
        breakdowns: impl FnOnce(&[BreakdownRow]) -> bool,
    ) -> (bool, bool) {
        (
            self.rows_finite.get_or(|| rows(&self.rows)),
            self.breakdowns_finite
                .get_or(|| breakdowns(&self.breakdowns)),
        )
    }

    /// A key that changes whenever the needs side of the project or its analysis may have: see
    /// the `identity` field.
    pub fn identity(&self) -> u64 {
        self.identity.get()
    }

    /// Builds the analysis from rows already sorted by indicator, area, period.
    pub fn from_rows(rows: Vec<NeedRow>, breakdowns: Vec<BreakdownRow>) -> NeedsAnalysis {
        let mut index: BTreeMap<String, BTreeMap<String, Range<usize>>> = BTreeMap::new();
        // Sorted, so each series is one run of rows: looked up once per series, not per row.
        let mut start = 0;
        for series in
            rows.chunk_by(|a, b| (&a.indicator_id, &a.area_code) == (&b.indicator_id, &b.area_code))
        {
            let r = &series[0];
            let areas = match index.get_mut(r.indicator_id.as_str()) {
                Some(areas) => areas,
                None => index.entry(r.indicator_id.clone()).or_default(),
            };
            let range = start..start + series.len();
            start = range.end;
            match areas.get_mut(r.area_code.as_str()) {
                Some(known) => known.end = range.end,
                None => {
                    areas.insert(r.area_code.clone(), range);
                }
            }
        }
        NeedsAnalysis {
            rows,
            breakdowns,
            index,
            headline_sexes: BTreeMap::new(),
            identity: Default::default(),
            rows_finite: Default::default(),
            breakdowns_finite: Default::default(),
        }
    }

    /// The sex an indicator's headline figures are for when it publishes no Persons figures (as
    /// the headline series takes it); `None` when Persons (or unsexed) figures exist.
    pub fn headline_sex(&self, indicator_id: &str) -> Option<&str> {
        self.headline_sexes.get(indicator_id).map(String::as_str)
    }

    /// True when the project has no needs data: every observation is a headline or a breakdown row.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.breakdowns.is_empty()
    }

    /// The headline series of an indicator in an area, in period order (empty if none).
    pub fn series(&self, indicator_id: &str, area_code: &str) -> &[NeedRow] {
        self.index
            .get(indicator_id)
            .and_then(|areas| areas.get(area_code))
            .map(|r| &self.rows[r.clone()])
            .unwrap_or(&[])
    }

    /// The latest-period row of an indicator's headline series in an area.
    pub fn latest(&self, indicator_id: &str, area_code: &str) -> Option<&NeedRow> {
        self.series(indicator_id, area_code).last()
    }

    /// The breakdown rows of an indicator in an area, sorted by period, category type, then
    /// category, sex and age (empty if none).
    pub fn breakdowns_of(&self, indicator_id: &str, area_code: &str) -> &[BreakdownRow] {
        fn key(b: &BreakdownRow) -> (&str, &str) {
            (b.indicator_id.as_str(), b.area_code.as_str())
        }
        let start = self
            .breakdowns
            .partition_point(|b| key(b) < (indicator_id, area_code));
        let end = self
            .breakdowns
            .partition_point(|b| key(b) <= (indicator_id, area_code));
        &self.breakdowns[start..end]
    }

    /// The (indicator, area) pairs that have a headline series, sorted.
    pub fn series_keys(&self) -> impl Iterator<Item = (&str, &str)> {
        self.index
            .iter()
            .flat_map(|(i, areas)| areas.keys().map(move |a| (i.as_str(), a.as_str())))
    }
}

/// Intervals of one observation at both levels.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Intervals {
    value: Option<f64>,
    l95: Option<f64>,
    u95: Option<f64>,
    l998: Option<f64>,
    u998: Option<f64>,
    method: CiMethod,
}

/// Computes or keeps the intervals of an observation (METHODS.md 1.1 Wilson for proportions, 1.2
/// exact/Byar's for crude rates); see the module doc for the given-versus-computed rule.
fn intervals(obs: &Observation, indicator: Option<&Indicator>) -> Intervals {
    let given95 = obs.lower_ci_95.is_some() && obs.upper_ci_95.is_some();
    let given998 = obs.lower_ci_99_8.is_some() && obs.upper_ci_99_8.is_some();
    let mut out = Intervals {
        value: obs.value,
        l95: obs.lower_ci_95,
        u95: obs.upper_ci_95,
        l998: obs.lower_ci_99_8,
        u998: obs.upper_ci_99_8,
        method: if given95 {
            CiMethod::Given
        } else {
            CiMethod::None
        },
    };
    let (Some(ind), Some(o), Some(n)) = (indicator, obs.count, obs.denominator) else {
        return out;
    };
    let m = ind.multiplier;
    // Each level: (z, confidence) → (lower, upper, method) on the indicator's scale.
    let compute = |z: f64, c: f64| -> Option<(Option<f64>, Option<f64>, CiMethod)> {
        match ind.value_type {
            ValueType::Proportion => {
                let (l, u) = stats::wilson_interval(o, n, z)?;
                Some((Some(l * m), Some(u * m), CiMethod::Wilson))
            }
            ValueType::CrudeRate => {
                let r = stats::crude_rate_interval(o, n, m, z, c)?;
                let method = match r.method {
                    RateCiMethod::Exact => CiMethod::Exact,
                    RateCiMethod::Byar => CiMethod::Byar,
                };
                Some((r.lower, Some(r.upper), method))
            }
            _ => None,
        }
    };
    let computable = match ind.value_type {
        ValueType::Proportion => stats::wilson_interval(o, n, Z95).is_some(),
        ValueType::CrudeRate => o >= 0.0 && n > 0.0,
        _ => false,
    };
    if computable && out.value.is_none() {
        out.value = Some(o / n * m);
    }
    if !given95 {
        if let Some((l, u, method)) = compute(Z95, 0.95) {
            (out.l95, out.u95, out.method) = (l, u, method);
        }
    }
    if !given998 {
        if let Some((l, u, _)) = compute(Z99_8, 0.998) {
            (out.l998, out.u998) = (l, u);
        }
    }
    out
}

/// The raw comparison before the polarity adjustment: `Better` means above the benchmark.
/// METHODS.md 1.3 method 1 (`CiOverlap`, at `level` = the configured confidence) and method 17
/// (`CiOverlapTwoLevels`). Both ends of an interval count as inside. `None`: no valid interval.
fn raw_comparison(
    method: ComparisonMethod,
    value: f64,
    benchmark: f64,
    ci: &Intervals,
    use_99_8: bool,
) -> Option<Comparison> {
    let side = |above: Comparison, below: Comparison| {
        if value > benchmark {
            above
        } else {
            below
        }
    };
    match method {
        ComparisonMethod::None => None,
        ComparisonMethod::CiOverlap => {
            let (l, u) = if use_99_8 {
                (ci.l998?, ci.u998?)
            } else {
                (ci.l95?, ci.u95?)
            };
            if l <= benchmark && benchmark <= u {
                Some(Comparison::Similar)
            } else {
                Some(side(Comparison::Better, Comparison::Worse))
            }
        }
        ComparisonMethod::CiOverlapTwoLevels => {
            let (l95, u95, l998, u998) = (ci.l95?, ci.u95?, ci.l998?, ci.u998?);
            Some(if l95 <= benchmark && benchmark <= u95 {
                Comparison::Similar
            } else if l998 <= benchmark && benchmark <= l95 {
                Comparison::Better
            } else if u95 <= benchmark && benchmark <= u998 {
                Comparison::Worse
            } else {
                side(Comparison::Best, Comparison::Worst)
            })
        }
    }
}

/// The polarity adjustment of METHODS.md 1.3: low-is-good swaps better/worse and best/worst;
/// no-judgement reports better/best as higher and worse/worst as lower.
pub fn adjust_for_polarity(raw: Comparison, polarity: Polarity) -> Comparison {
    use Comparison::*;
    match (polarity, raw) {
        (Polarity::HigherIsBetter, c) => c,
        (Polarity::LowerIsBetter, Better) => Worse,
        (Polarity::LowerIsBetter, Worse) => Better,
        (Polarity::LowerIsBetter, Best) => Worst,
        (Polarity::LowerIsBetter, Worst) => Best,
        (Polarity::LowerIsBetter, c) => c,
        (Polarity::NoJudgement, Better | Best) => Higher,
        (Polarity::NoJudgement, Worse | Worst) => Lower,
        (Polarity::NoJudgement, c) => c,
    }
}

/// Compares a value and its intervals with the benchmark value (METHODS.md 1.3, then polarity).
fn compare(
    project: &Project,
    indicator: Option<&Indicator>,
    value: Option<f64>,
    ci: &Intervals,
    benchmark: Option<f64>,
) -> Comparison {
    let (Some(ind), Some(v), Some(b)) = (indicator, value, benchmark) else {
        return Comparison::NotCompared;
    };
    let use_99_8 = project.config.needs.confidence == 99.8;
    raw_comparison(project.config.needs.comparison, v, b, ci, use_99_8)
        .map(|raw| adjust_for_polarity(raw, ind.polarity))
        .unwrap_or(Comparison::NotCompared)
}

/// Why a series' recent trend could not be calculated (METHODS.md 1.4). Pages word it from the
/// theme (`indicator.trend_reason.CODE`); the `needs` data file carries the sentence FORMATS.md
/// section 2 documents for its `trend_reason` column, which this type serialises to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrendReason {
    /// The value type is not a proportion or crude rate.
    NotProportionOrRate,
    /// Some period is not a single year.
    NotSingleYears,
    /// The series has fewer points than the test needs.
    TooFewPoints(usize),
    /// The unbroken run of valid points back from the latest is shorter than the test needs.
    TooFewValidPoints(usize),
    /// Every point's interval has no width, so nothing weights them.
    NoIntervalWidth,
}

impl TrendReason {
    pub fn as_str(self) -> &'static str {
        match self {
            TrendReason::NotProportionOrRate => "not_proportion_or_rate",
            TrendReason::NotSingleYears => "not_single_years",
            TrendReason::TooFewPoints(_) => "too_few_points",
            TrendReason::TooFewValidPoints(_) => "too_few_valid_points",
            TrendReason::NoIntervalWidth => "no_interval_width",
        }
    }

    /// The number of points the test needs, where the reason is a shortfall of them.
    pub fn points(self) -> Option<usize> {
        match self {
            TrendReason::TooFewPoints(n) | TrendReason::TooFewValidPoints(n) => Some(n),
            _ => None,
        }
    }
}

impl Serialize for TrendReason {
    /// The `trend_reason` cell of the published `needs` table (the data file's documented text,
    /// the same whatever the site's language).
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            TrendReason::NotProportionOrRate => {
                s.serialize_str("value type is not a proportion or crude rate")
            }
            TrendReason::NotSingleYears => s.serialize_str("periods are not single years"),
            TrendReason::TooFewPoints(points) => {
                s.collect_str(&format_args!("fewer than {points} points"))
            }
            TrendReason::TooFewValidPoints(points) => s.collect_str(&format_args!(
                "fewer than {points} consecutive valid points up to the latest period \
                 (each needs a value, count, denominator and 95% interval, and a count \
                 different from the denominator)"
            )),
            TrendReason::NoIntervalWidth => {
                s.serialize_str("the confidence intervals have no width to weight the points")
            }
        }
    }
}

/// The outcome of the recent-trend test for one series.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendResult {
    pub trend: Trend,
    pub chi_square: Option<f64>,
    pub reason: Option<TrendReason>,
}

fn cannot(reason: TrendReason) -> TrendResult {
    TrendResult {
        trend: Trend::CannotBeCalculated,
        chi_square: None,
        reason: Some(reason),
    }
}

/// Recent trend of a headline series (METHODS.md 1.4, CI path): validity checks, the last `points`
/// valid points of the unbroken run back from the latest, weighted slope, χ² and robustness check.
/// The direction comes from the sign of the fitted slope.
pub fn recent_trend(rows: &[NeedRow], value_type: Option<ValueType>, points: usize) -> TrendResult {
    if !matches!(
        value_type,
        Some(ValueType::Proportion | ValueType::CrudeRate)
    ) {
        return cannot(TrendReason::NotProportionOrRate);
    }
    if rows.iter().any(|r| r.period.year_range() != 1) {
        return cannot(TrendReason::NotSingleYears);
    }
    if rows.len() < points {
        return cannot(TrendReason::TooFewPoints(points));
    }
    let valid = |r: &NeedRow| {
        matches!(
            (r.value, r.count, r.denominator, r.lower_ci_95, r.upper_ci_95),
            (Some(_), Some(c), Some(d), Some(_), Some(_)) if c != d
        )
    };
    let mut run = 0;
    for (i, r) in rows.iter().enumerate().rev() {
        if !valid(r) {
            break;
        }
        run += 1;
        if run == points {
            break;
        }
        let adjacent = i > 0 && rows[i - 1].period.end.succ_opt() == Some(r.period.start);
        if !adjacent {
            break;
        }
    }
    if run < points {
        return cannot(TrendReason::TooFewValidPoints(points));
    }
    let pts: Vec<TrendPoint> = rows[rows.len() - points..]
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            Some(TrendPoint {
                t: (i + 1) as f64,
                y: r.value?,
                lower_95: r.lower_ci_95?,
                upper_95: r.upper_ci_95?,
            })
        })
        .collect();
    let Some(fit) = stats::trend_test(&pts) else {
        return cannot(TrendReason::NoIntervalWidth);
    };
    let trend = if !fit.significant {
        Trend::NoSignificantChange
    } else if fit.slope > 0.0 {
        Trend::Increasing
    } else {
        Trend::Decreasing
    };
    TrendResult {
        trend,
        chi_square: Some(fit.chi_square),
        reason: None,
    }
}

/// Whether a trend is good news for an indicator of this polarity.
pub fn trend_direction(trend: Trend, polarity: Polarity) -> TrendDirection {
    match (trend, polarity) {
        (Trend::CannotBeCalculated, _) | (_, Polarity::NoJudgement) => {
            TrendDirection::NotApplicable
        }
        (Trend::NoSignificantChange, _) => TrendDirection::NoChange,
        (Trend::Increasing, Polarity::HigherIsBetter)
        | (Trend::Decreasing, Polarity::LowerIsBetter) => TrendDirection::Improving,
        _ => TrendDirection::Worsening,
    }
}

fn is_persons(sex: &Option<String>) -> bool {
    sex.as_deref()
        .is_none_or(|s| s.trim().eq_ignore_ascii_case("persons"))
}

/// The headline series of an indicator: its sex (`None` matches rows with no sex or `Persons`)
/// and its age band.
#[derive(Debug, Clone, PartialEq)]
struct Headline {
    persons: bool,
    sex: Option<String>,
    age: Option<String>,
}

impl Headline {
    fn matches(&self, o: &Observation) -> bool {
        let sex_ok = if self.persons {
            is_persons(&o.sex)
        } else {
            o.sex == self.sex
        };
        sex_ok && o.age == self.age
    }
}

/// The headline series of each indicator, over every area: Persons (or no sex given) where the
/// indicator has such rows, else the alphabetically first sex; at the indicator's own age band, the
/// most frequent age among those rows (ties: the alphabetically first, `None` first).
/// `headline_obs` are the uncategorised observations sorted by indicator, so each indicator's are
/// one run.
fn headlines<'o>(headline_obs: &[&'o Observation]) -> BTreeMap<&'o str, Headline> {
    headline_obs
        .chunk_by(|a, b| a.indicator_id == b.indicator_id)
        .map(|obs| {
            let id = obs[0].indicator_id.as_str();
            let persons = obs.iter().any(|o| is_persons(&o.sex));
            let sex = if persons {
                None
            } else {
                obs.iter().filter_map(|o| o.sex.clone()).min()
            };
            let sex_ok = |o: &&&Observation| {
                if persons {
                    is_persons(&o.sex)
                } else {
                    o.sex == sex
                }
            };
            let mut ages: BTreeMap<Option<&str>, usize> = BTreeMap::new();
            for o in obs.iter().filter(sex_ok) {
                *ages.entry(o.age.as_deref()).or_default() += 1;
            }
            let top = ages.values().copied().max().unwrap_or(0);
            let age = ages
                .iter()
                .find(|(_, &n)| n == top)
                .and_then(|(a, _)| a.map(str::to_string));
            (id, Headline { persons, sex, age })
        })
        .collect()
}

/// Splits the uncategorised observations of one (indicator, area) into the headline series (one
/// per period, sorted) and the rest (other sexes and ages, and a second row for a period).
fn pick_headline<'o>(
    obs: &[&'o Observation],
    headline: Option<&Headline>,
) -> (Vec<&'o Observation>, Vec<&'o Observation>) {
    let (mut head, mut rest) = (Vec::new(), Vec::new());
    let mut seen: BTreeMap<&Period, ()> = BTreeMap::new();
    for &o in obs {
        if headline.is_none_or(|h| h.matches(o)) && seen.insert(&o.period, ()).is_none() {
            head.push(o);
        } else {
            rest.push(o);
        }
    }
    head.sort_by(|a, b| a.period.cmp(&b.period));
    (head, rest)
}

/// The breakdown an uncategorised row that is not the headline series stands for: its sex, its
/// age, or both, against the headline's.
fn sex_age_breakdown(o: &Observation, h: Option<&Headline>) -> (Option<String>, Option<String>) {
    let Some(h) = h else {
        return (None, None);
    };
    let sex_differs = if h.persons {
        !is_persons(&o.sex)
    } else {
        o.sex != h.sex
    };
    let age_differs = o.age != h.age;
    let sex = o.sex.clone().unwrap_or_default();
    let age = o.age.clone().unwrap_or_default();
    match (sex_differs, age_differs) {
        (true, false) => (Some("Sex".into()), Some(sex)),
        (false, true) => (Some("Age".into()), Some(age)),
        (true, true) => (Some("Sex and age".into()), Some(format!("{sex}, {age}"))),
        (false, false) => (None, None),
    }
}

/// The benchmark's value for each (indicator, period, sex, age): its uncategorised rows only, so an
/// age- or sex-specific series is compared with the benchmark's same age and sex (as Fingertips
/// compares them), never with its all-ages or persons value.
type BenchKey<'a> = (&'a str, &'a Period, Option<&'a str>, Option<&'a str>);

fn bench_key(o: &Observation) -> BenchKey<'_> {
    let sex = if is_persons(&o.sex) {
        None
    } else {
        o.sex.as_deref()
    };
    (&o.indicator_id, &o.period, sex, o.age.as_deref())
}

/// How many (indicator, area) series are analysed in parallel before their rows join the rest.
const SERIES_PER_BATCH: usize = 1024;

/// What each headline series is analysed against: shared, read-only, by every series.
struct SeriesContext<'p, 'a> {
    project: &'p Project,
    headline: &'a BTreeMap<&'p str, Headline>,
    bench: &'a BTreeMap<BenchKey<'p>, f64>,
    bench_area: &'p str,
}

impl<'p> SeriesContext<'p, '_> {
    /// The headline rows of one (indicator, area), in period order, each with its intervals and
    /// benchmark comparison, and the series' trend on its latest row (METHODS.md 1.1–1.4); and the
    /// observations of the pair that are not its headline series, for the breakdowns.
    fn series(&self, obs: &[&'p Observation]) -> (Vec<NeedRow>, Vec<&'p Observation>) {
        let project = self.project;
        let Some(first) = obs.first() else {
            return (Vec::new(), Vec::new());
        };
        let (ind_id, area) = (first.indicator_id.as_str(), first.area_code.as_str());
        let indicator = project.indicators.get(ind_id);
        let (head, rest) = pick_headline(obs, self.headline.get(ind_id));
        let mut rows = Vec::with_capacity(head.len());
        for o in head {
            let ci = intervals(o, indicator);
            let benchmark_value = self.bench.get(&bench_key(o)).copied();
            let comparison = if area == self.bench_area {
                Comparison::NotCompared
            } else {
                compare(project, indicator, ci.value, &ci, benchmark_value)
            };
            rows.push(NeedRow {
                indicator_id: o.indicator_id.clone(),
                area_code: o.area_code.clone(),
                period: o.period.clone(),
                value: ci.value,
                lower_ci_95: ci.l95,
                upper_ci_95: ci.u95,
                lower_ci_99_8: ci.l998,
                upper_ci_99_8: ci.u998,
                ci_method: ci.method,
                benchmark_value,
                comparison: Some(comparison),
                trend: None,
                trend_chi_square: None,
                trend_direction: None,
                count: o.count,
                denominator: o.denominator,
                trend_reason: None,
                value_note: o.value_note.clone(),
            });
        }
        if rows.is_empty() {
            return (rows, rest);
        }
        let t = recent_trend(
            &rows,
            indicator.map(|i| i.value_type),
            project.config.needs.trend_points,
        );
        let polarity = indicator
            .map(|i| i.polarity)
            .unwrap_or(Polarity::NoJudgement);
        let row = rows.last_mut().expect("series is not empty");
        row.trend = Some(t.trend);
        row.trend_chi_square = t.chi_square;
        row.trend_direction = Some(trend_direction(t.trend, polarity));
        row.trend_reason = t.reason;
        (rows, rest)
    }
}

/// Computes every needs statistic of the project (METHODS.md 1.1–1.4). Every row of every series
/// is compared with the benchmark's value for the same period, sex and age (Fingertips compares
/// each period); the benchmark's own uncategorised rows are not compared. The trend is on the
/// latest row of each headline series.
pub fn analyse_needs(project: &Project) -> NeedsAnalysis {
    // The headline observations grouped by (indicator, area), in that order, each group in the
    // order read: a stable sort, which is one pass over observations that come grouped (as
    // Fingertips exports and most registers do), where a map took a search per observation.
    let (mut headline_obs, mut others): (Vec<&Observation>, Vec<&Observation>) =
        project.observations.iter().partition(|o| o.is_headline());
    headline_obs.par_sort_by(|a, b| {
        (a.indicator_id.as_str(), a.area_code.as_str())
            .cmp(&(b.indicator_id.as_str(), b.area_code.as_str()))
    });
    let headline = headlines(&headline_obs);
    let bench_area = project.config.benchmark_area.as_str();
    let mut bench: BTreeMap<BenchKey, f64> = BTreeMap::new();
    for o in project.observations.iter() {
        if o.area_code == bench_area && o.is_headline() {
            let indicator = project.indicators.get(&o.indicator_id);
            if let Some(v) = intervals(o, indicator).value {
                bench.entry(bench_key(o)).or_insert(v);
            }
        }
    }
    // Room for every headline observation, the most there can be: grown by doubling, the list
    // would hold up to twice the memory its rows need for as long as the analysis is kept.
    let mut rows = Vec::with_capacity(headline_obs.len());
    let context = SeriesContext {
        project,
        headline: &headline,
        bench: &bench,
        bench_area,
    };
    // Series are analysed in parallel a batch at a time. Each batch's rows are moved into `rows`
    // in series order while the next batch is analysed (the move is the first touch of `rows`'
    // fresh memory, which the kernel zeroes): only two batches' rows are ever held twice.
    let mut series = headline_obs
        .chunk_by(|a, b| a.indicator_id == b.indicator_id && a.area_code == b.area_code);
    let mut made: Vec<(Vec<NeedRow>, Vec<&Observation>)> = Vec::new();
    loop {
        let batch: Vec<&[&Observation]> = series.by_ref().take(SERIES_PER_BATCH).collect();
        let last = batch.is_empty();
        let done = std::mem::take(&mut made);
        let (next, ()) = rayon::join(
            || -> Vec<(Vec<NeedRow>, Vec<&Observation>)> {
                batch
                    .into_par_iter()
                    .map(|obs| context.series(obs))
                    .collect()
            },
            || {
                for (series_rows, rest) in done {
                    rows.extend(series_rows);
                    others.extend(rest);
                }
            },
        );
        if last {
            break;
        }
        made = next;
    }
    let mut breakdowns: Vec<BreakdownRow> = others
        .into_par_iter()
        .map(|o| {
            let indicator = project.indicators.get(&o.indicator_id);
            let ci = intervals(o, indicator);
            let benchmark_value = bench.get(&bench_key(o)).copied();
            let (category_type, category) = if o.is_headline() {
                sex_age_breakdown(o, headline.get(o.indicator_id.as_str()))
            } else {
                (o.category_type.clone(), o.category.clone())
            };
            let comparison = if o.area_code == bench_area && o.is_headline() {
                Comparison::NotCompared
            } else {
                compare(project, indicator, ci.value, &ci, benchmark_value)
            };
            BreakdownRow {
                indicator_id: o.indicator_id.clone(),
                area_code: o.area_code.clone(),
                period: o.period.clone(),
                category_type,
                category,
                sex: o.sex.clone(),
                age: o.age.clone(),
                value: ci.value,
                lower_ci_95: ci.l95,
                upper_ci_95: ci.u95,
                lower_ci_99_8: ci.l998,
                upper_ci_99_8: ci.u998,
                ci_method: ci.method,
                benchmark_value,
                comparison: Some(comparison),
                count: o.count,
                denominator: o.denominator,
                value_note: o.value_note.clone(),
            }
        })
        .collect();
    // Natural order within a period: deprivation most to least deprived, age bands by age, then
    // the rest alphabetically (model::category).
    breakdowns.par_sort_by(|a, b| {
        use crate::model::category::natural_cmp_opt as nat;
        (&a.indicator_id, &a.area_code, &a.period, &a.category_type)
            .cmp(&(&b.indicator_id, &b.area_code, &b.period, &b.category_type))
            .then_with(|| nat(a.category.as_deref(), b.category.as_deref()))
            .then_with(|| nat(a.sex.as_deref(), b.sex.as_deref()))
            .then_with(|| nat(a.age.as_deref(), b.age.as_deref()))
    });
    let mut analysis = NeedsAnalysis::from_rows(rows, breakdowns);
    analysis.headline_sexes = headline
        .into_iter()
        .filter_map(|(id, h)| Some((id.to_string(), h.sex.filter(|_| !h.persons)?)))
        .collect();
    analysis
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Config;

    pub(crate) fn indicator(id: &str, vt: ValueType, multiplier: f64, p: Polarity) -> Indicator {
        Indicator {
            id: id.into(),
            name: format!("Indicator {id}"),
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

    /// An observation with value, 95% limits, count and denominator (any may be missing).
    pub(crate) fn obs(ind: &str, area: &str, period: &str, v: [Option<f64>; 5]) -> Observation {
        Observation {
            indicator_id: ind.into(),
            area_code: area.into(),
            period: Period::parse(period).unwrap(),
            value: v[0],
            lower_ci_95: v[1],
            upper_ci_95: v[2],
            lower_ci_99_8: None,
            upper_ci_99_8: None,
            count: v[3],
            denominator: v[4],
            sex: None,
            age: None,
            category_type: None,
            category: None,
            value_note: None,
            origin: Default::default(),
        }
    }

    fn project(indicators: Vec<Indicator>, observations: Vec<Observation>) -> Project {
        Project {
            config: Config::default(),
            indicators: indicators.into_iter().map(|i| (i.id.clone(), i)).collect(),
            observations: observations.into(),
            ..Default::default()
        }
    }

    fn close(a: f64, b: f64, rel: f64) {
        assert!(
            (a - b).abs() <= rel * b.abs(),
            "{a} is not within {rel} of {b}"
        );
    }

    const ENG: &str = "E92000001";
    const HOME: &str = "E08000099";

    #[test]
    fn series_in_several_batches_and_read_out_of_order_keep_their_rows_in_order() {
        // More series than one parallel batch, each series' periods read newest first and
        // interleaved with every other series'.
        let areas: Vec<String> = (0..SERIES_PER_BATCH + 77)
            .map(|i| format!("E{i:08}"))
            .collect();
        let mut observations = Vec::new();
        for period in ["2023", "2021", "2022"] {
            for (i, area) in areas.iter().enumerate().rev() {
                let value = i as f64 + period.parse::<f64>().unwrap() / 10_000.0;
                observations.push(obs(
                    "P",
                    area,
                    period,
                    [Some(value), None, None, None, None],
                ));
            }
        }
        let p = project(
            vec![indicator(
                "P",
                ValueType::Proportion,
                100.0,
                Polarity::HigherIsBetter,
            )],
            observations,
        );
        let a = analyse_needs(&p);
        assert_eq!(a.rows.len(), 3 * areas.len());
        assert!(a.rows.windows(2).all(|w| {
            (&w[0].indicator_id, &w[0].area_code, &w[0].period)
                < (&w[1].indicator_id, &w[1].area_code, &w[1].period)
        }));
        // A series of the second batch: its own values, in period order, the trend on its latest.
        let area = &areas[SERIES_PER_BATCH + 40];
        let series = a.series("P", area);
        let periods: Vec<&str> = series.iter().map(|r| &*r.period.label).collect();
        assert_eq!(periods, ["2021", "2022", "2023"]);
        assert_eq!(
            series[0].value,
            Some((SERIES_PER_BATCH + 40) as f64 + 0.2021)
        );
        assert_eq!(
            series.iter().map(|r| r.trend.is_some()).collect::<Vec<_>>(),
            [false, false, true]
        );
    }

    #[test]
    fn intervals_are_computed_from_counts() {
        let p = project(
            vec![
                indicator("P", ValueType::Proportion, 100.0, Polarity::HigherIsBetter),
                indicator(
                    "R",
                    ValueType::CrudeRate,
                    100_000.0,
                    Polarity::LowerIsBetter,
                ),
            ],
            vec![
                obs(
                    "P",
                    HOME,
                    "2023",
                    [None, None, None, Some(50.0), Some(200.0)],
                ),
                obs(
                    "R",
                    HOME,
                    "2022",
                    [None, None, None, Some(9.0), Some(50_000.0)],
                ),
                obs(
                    "R",
                    HOME,
                    "2023",
                    [None, None, None, Some(10.0), Some(50_000.0)],
                ),
                obs(
                    "R",
                    ENG,
                    "2023",
                    [Some(20.0), Some(1.0), Some(2.0), Some(10.0), None],
                ),
            ],
        );
        let a = analyse_needs(&p);
        let r = a.latest("P", HOME).unwrap();
        // Wilson 50/200 (see stats tests) × 100.
        close(r.value.unwrap(), 25.0, 1e-15);
        close(r.lower_ci_95.unwrap(), 19.508168006817497, 1e-12);
        close(r.upper_ci_95.unwrap(), 31.434098312045833, 1e-12);
        assert!(r.lower_ci_99_8.unwrap() < r.lower_ci_95.unwrap());
        assert_eq!(r.ci_method, CiMethod::Wilson);
        // 9 events: exact; 10 events: Byar's (METHODS.md 1.2 switch).
        let rs = a.series("R", HOME);
        assert_eq!(
            (rs[0].ci_method, rs[1].ci_method),
            (CiMethod::Exact, CiMethod::Byar)
        );
        close(rs[0].lower_ci_95.unwrap(), 8.230746194756665, 1e-12);
        close(rs[1].upper_ci_95.unwrap(), 2.0 * 18.391458605756473, 1e-12);
        // Latest home rate 20 per 100,000 vs England 20: inside [9.57, 36.78] → similar.
        assert_eq!(rs[1].benchmark_value, Some(20.0));
        assert_eq!(rs[1].comparison, Some(Comparison::Similar));
        // Every period is compared: 2022's home rate has no England value to compare with.
        assert_eq!(rs[0].comparison, Some(Comparison::NotCompared));
        // Given limits are kept and marked given; the benchmark itself is not compared.
        let e = a.latest("R", ENG).unwrap();
        assert_eq!((e.ci_method, e.lower_ci_95), (CiMethod::Given, Some(1.0)));
        assert_eq!(e.comparison, Some(Comparison::NotCompared));
        assert!(a.series("R", "nowhere").is_empty());
    }

    #[test]
    fn comparison_method_1_and_polarity() {
        let ci = |l: f64, u: f64| Intervals {
            value: None,
            l95: Some(l),
            u95: Some(u),
            l998: Some(l - 1.0),
            u998: Some(u + 1.0),
            method: CiMethod::Given,
        };
        let m1 = ComparisonMethod::CiOverlap;
        // The benchmark exactly on an end of the interval is inside: similar.
        assert_eq!(
            raw_comparison(m1, 12.0, 10.0, &ci(10.0, 14.0), false),
            Some(Comparison::Similar)
        );
        assert_eq!(
            raw_comparison(m1, 12.0, 14.0, &ci(10.0, 14.0), false),
            Some(Comparison::Similar)
        );
        assert_eq!(
            raw_comparison(m1, 12.0, 9.9, &ci(10.0, 14.0), false),
            Some(Comparison::Better)
        );
        assert_eq!(
            raw_comparison(m1, 12.0, 14.1, &ci(10.0, 14.0), false),
            Some(Comparison::Worse)
        );
        // At 99.8% the wider interval [9, 15] holds 9.9.
        assert_eq!(
            raw_comparison(m1, 12.0, 9.9, &ci(10.0, 14.0), true),
            Some(Comparison::Similar)
        );
        // Method 17: between LCI99.8 and LCI95 → better; beyond LCI99.8 → best.
        let m17 = ComparisonMethod::CiOverlapTwoLevels;
        assert_eq!(
            raw_comparison(m17, 12.0, 9.5, &ci(10.0, 14.0), false),
            Some(Comparison::Better)
        );
        assert_eq!(
            raw_comparison(m17, 12.0, 8.0, &ci(10.0, 14.0), false),
            Some(Comparison::Best)
        );
        assert_eq!(
            raw_comparison(m17, 12.0, 15.0, &ci(10.0, 14.0), false),
            Some(Comparison::Worse)
        );
        assert_eq!(
            raw_comparison(m17, 12.0, 16.0, &ci(10.0, 14.0), false),
            Some(Comparison::Worst)
        );
        assert_eq!(
            raw_comparison(ComparisonMethod::None, 1.0, 2.0, &ci(0.0, 0.5), false),
            None
        );
        use Comparison::*;
        assert_eq!(adjust_for_polarity(Better, Polarity::LowerIsBetter), Worse);
        assert_eq!(adjust_for_polarity(Worst, Polarity::LowerIsBetter), Best);
        assert_eq!(adjust_for_polarity(Best, Polarity::NoJudgement), Higher);
        assert_eq!(adjust_for_polarity(Worse, Polarity::NoJudgement), Lower);
        assert_eq!(adjust_for_polarity(Similar, Polarity::NoJudgement), Similar);
        assert_eq!(Worse.as_str(), "worse");
        assert_eq!(
            serde_json::to_string(&NotCompared).unwrap(),
            "\"not_compared\""
        );
    }

    /// Five yearly points y = 10..14 with given 95% limits y ± 1.96 (se = 1, w = 1), count ≠ denominator.
    fn rising(ind: &str, years: &[i32]) -> Vec<Observation> {
        years
            .iter()
            .enumerate()
            .map(|(i, y)| {
                let v = 10.0 + i as f64;
                obs(
                    ind,
                    HOME,
                    &y.to_string(),
                    [
                        Some(v),
                        Some(v - 1.96),
                        Some(v + 1.96),
                        Some(v),
                        Some(100.0),
                    ],
                )
            })
            .collect()
    }

    #[test]
    fn recent_trend_on_the_ci_path() {
        // Hand calculation: t = 1..5, w = 1: Σw = 5, Σwt = 15, Σwt² = 55, Σwy = 60, Σwyt = 190;
        // b = (5·190 − 15·60)/(5·55 − 15²) = 1; β = sqrt(5/50); χ² = 10 > 9.5495; every
        // leave-one-out slope is 1 → increasing; higher is better → improving.
        let mut o = rising("P", &[2019, 2020, 2021, 2022, 2023]);
        o.extend(rising("L", &[2019, 2020, 2021, 2022, 2023]));
        o.extend(rising("D", &[2019, 2020, 2021, 2022, 2023]));
        o.extend(rising("G", &[2017, 2018, 2020, 2021, 2022, 2023]));
        o.extend(rising("F", &[2020, 2021, 2022, 2023]));
        let p = project(
            vec![
                indicator("P", ValueType::Proportion, 100.0, Polarity::HigherIsBetter),
                indicator("L", ValueType::CrudeRate, 100.0, Polarity::LowerIsBetter),
                indicator(
                    "D",
                    ValueType::DirectlyStandardisedRate,
                    100.0,
                    Polarity::HigherIsBetter,
                ),
                indicator("G", ValueType::Proportion, 100.0, Polarity::HigherIsBetter),
                indicator("F", ValueType::Proportion, 100.0, Polarity::NoJudgement),
            ],
            o,
        );
        let a = analyse_needs(&p);
        let r = a.latest("P", HOME).unwrap();
        assert_eq!(r.trend, Some(Trend::Increasing));
        close(r.trend_chi_square.unwrap(), 10.0, 1e-9);
        assert_eq!(r.trend_direction, Some(TrendDirection::Improving));
        assert_eq!(r.trend_reason, None);
        assert_eq!(a.series("P", HOME)[3].trend, None);
        let l = a.latest("L", HOME).unwrap();
        assert_eq!(l.trend_direction, Some(TrendDirection::Worsening));
        let d = a.latest("D", HOME).unwrap();
        assert_eq!(d.trend, Some(Trend::CannotBeCalculated));
        assert_eq!(d.trend_reason, Some(TrendReason::NotProportionOrRate));
        assert_eq!(d.trend_direction, Some(TrendDirection::NotApplicable));
        // Six points, but 2019 is missing: the unbroken run back from 2023 has only 4.
        let g = a.latest("G", HOME).unwrap();
        assert_eq!(g.trend, Some(Trend::CannotBeCalculated));
        assert_eq!(g.trend_reason, Some(TrendReason::TooFewValidPoints(5)));
        let f = a.latest("F", HOME).unwrap();
        assert_eq!(f.trend, Some(Trend::CannotBeCalculated));
        assert_eq!(f.trend_reason, Some(TrendReason::TooFewPoints(5)));
        // The data file's cell is the sentence FORMATS.md documents.
        let cell = |r: TrendReason| serde_json::to_value(r).unwrap();
        assert_eq!(cell(TrendReason::TooFewPoints(5)), "fewer than 5 points");
        assert!(cell(TrendReason::TooFewValidPoints(5))
            .as_str()
            .unwrap()
            .starts_with("fewer than 5 consecutive valid points up to the latest period (each"));
    }

    #[test]
    fn invalid_latest_point_and_flat_series() {
        let mut o = rising("P", &[2018, 2019, 2020, 2021, 2022, 2023]);
        o[5].count = Some(100.0); // count = denominator breaks the run at the latest point
        let mut flat = rising("Q", &[2019, 2020, 2021, 2022, 2023]);
        for x in &mut flat {
            (x.value, x.lower_ci_95, x.upper_ci_95) = (Some(0.0), Some(-1.96), Some(1.96));
        }
        o.extend(flat);
        let p = project(
            vec![
                indicator("P", ValueType::Proportion, 100.0, Polarity::HigherIsBetter),
                indicator("Q", ValueType::Proportion, 100.0, Polarity::HigherIsBetter),
            ],
            o,
        );
        let a = analyse_needs(&p);
        assert_eq!(
            a.latest("P", HOME).unwrap().trend,
            Some(Trend::CannotBeCalculated)
        );
        // Zero slope: counts as positive, robust, but χ² = 0: no significant change.
        let q = a.latest("Q", HOME).unwrap();
        assert_eq!(q.trend, Some(Trend::NoSignificantChange));
        assert_eq!(q.trend_chi_square, Some(0.0));
        assert_eq!(q.trend_direction, Some(TrendDirection::NoChange));
    }

    #[test]
    fn headline_rule_and_breakdowns() {
        let base = obs("P", HOME, "2023", [Some(5.0), None, None, None, None]);
        let mut male = base.clone();
        male.sex = Some("Male".into());
        male.value = Some(6.0);
        let mut persons = base.clone();
        persons.sex = Some("Persons".into());
        let mut cat = base.clone();
        cat.category_type = Some("Deprivation decile".into());
        cat.category = Some("Most deprived".into());
        let mut only_female = obs("P", "X", "2023", [Some(7.0), None, None, None, None]);
        only_female.sex = Some("Female".into());
        let p = project(
            vec![indicator(
                "P",
                ValueType::Score,
                1.0,
                Polarity::HigherIsBetter,
            )],
            vec![male, persons, cat, only_female],
        );
        let a = analyse_needs(&p);
        let r = a.latest("P", HOME).unwrap();
        assert_eq!(r.value, Some(5.0));
        assert_eq!(r.ci_method, CiMethod::None);
        // The headline is Persons for the indicator as a whole: an area with only a Female row
        // has no headline series, and its row is a sex breakdown.
        assert!(a.latest("P", "X").is_none());
        assert_eq!(a.breakdowns.len(), 3);
        assert_eq!(a.breakdowns[0].category.as_deref(), Some("Most deprived"));
        assert_eq!(
            (
                a.breakdowns[1].category_type.as_deref(),
                a.breakdowns[1].category.as_deref()
            ),
            (Some("Sex"), Some("Male"))
        );
        assert_eq!(a.breakdowns[2].category.as_deref(), Some("Female"));
    }

    #[test]
    fn differences_are_to_scale_and_counts_whole() {
        // 19.1 against 6.60: (19.1 − 6.6) / 6.6 = 189.39%, not clamped at 100%.
        let d = percent_difference(19.1, 6.60).unwrap();
        assert!((d - 189.393_939_393_939_4).abs() < 1e-9);
        assert_eq!(percent_difference(3.3, 6.6), Some(-50.0));
        assert_eq!(percent_difference(1.0, 0.0), None);
        #[derive(Serialize)]
        struct W {
            #[serde(serialize_with = "whole_when_integral")]
            c: Option<f64>,
        }
        let json = |c| serde_json::to_string(&W { c }).unwrap();
        assert_eq!(json(Some(18762.0)), r#"{"c":18762}"#);
        assert_eq!(json(Some(2.5)), r#"{"c":2.5}"#);
        assert_eq!(json(None), r#"{"c":null}"#);
        let csv = crate::publish::data::to_csv(&[W { c: Some(18762.0) }], &["c"]).unwrap();
        assert_eq!(String::from_utf8(csv).unwrap(), "c\n18762\n");
    }
}
