//! Contract performance: KPI RAG ratings and SPC rows, KPI summaries, contract status and
//! Procurement Act 2023 flags (METHODS.md section 4), contract performance notice ratings, and the
//! pipeline of contracts ending soon.

use super::spc::{self, Assurance, PointType, Rule, SpcOptions, SpcPoint, SpecialCause};
use crate::fingerprint::Memo;
use crate::model::config::PerformanceConfig;
use crate::model::{Contract, Kpi, Period, Polarity, Project};
use chrono::{Datelike, Months, NaiveDate};
use serde::{Serialize, Serializer};
use std::collections::{BTreeMap, BTreeSet};

/// Months ahead in which an ending contract is "expiring soon" and enters the pipeline (the
/// Procurement Act 2023 s.93 pipeline horizon, METHODS.md section 4).
pub const PIPELINE_MONTHS: u32 = 18;
/// Procurement Act 2023 s.52: contracts over the threshold need at least this many KPIs.
pub const MIN_KPIS: usize = 3;
/// Procurement Act 2023 s.71: performance is assessed at least once in this many months.
pub const ASSESSMENT_MONTHS: u32 = 12;

/// Red / amber / green against target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rag {
    Green,
    Amber,
    Red,
    NoTarget,
}

impl Rag {
    pub fn as_str(self) -> &'static str {
        ["green", "amber", "red", "no_target"][self as usize]
    }
}

/// RAG of one actual: green when the target is met (actual ≥ target for higher_is_better, ≤ for
/// lower_is_better); amber when missed by no more than `amber_tolerance` percent of |target| (a
/// relative rounding allowance of 1e-9 keeps decimal inputs such as 0.855 vs 0.9 at 5% amber); red
/// otherwise. A no_judgement KPI or a missing target gives `NoTarget`.
pub fn rag(actual: f64, target: Option<f64>, polarity: Polarity, amber_tolerance: f64) -> Rag {
    let Some(t) = target else {
        return Rag::NoTarget;
    };
    let shortfall = match polarity {
        Polarity::HigherIsBetter => t - actual,
        Polarity::LowerIsBetter => actual - t,
        Polarity::NoJudgement => return Rag::NoTarget,
    };
    if shortfall <= 0.0 {
        return Rag::Green;
    }
    let allowed = t.abs() * amber_tolerance / 100.0;
    if shortfall - allowed <= 1e-9 * t.abs() {
        Rag::Amber
    } else {
        Rag::Red
    }
}

/// One period of a KPI: a row of the `kpis` open-data table (FORMATS.md section 2) without the
/// KPI's ids, which [`PublishedKpiRow`] adds (a national project has a million rows, and the ids
/// are its KPI's).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KpiRow {
    pub period: Period,
    pub actual: Option<f64>,
    pub target: Option<f64>,
    /// Empty when there is no actual.
    pub rag: Option<Rag>,
    pub mean: Option<f64>,
    pub lower_limit: Option<f64>,
    pub upper_limit: Option<f64>,
    pub special_cause: Option<SpecialCause>,
    pub rule: Option<Rule>,
}

/// A row of the `kpis` open-data table as published, in column order: its KPI's ids, then the
/// row's fields.
#[derive(Debug, Clone, Copy)]
pub struct PublishedKpiRow<'a> {
    pub kpi: &'a KpiAnalysis,
    pub row: &'a KpiRow,
}

impl Serialize for PublishedKpiRow<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let KpiRow {
            period,
            actual,
            target,
            rag,
            mean,
            lower_limit,
            upper_limit,
            special_cause,
            rule,
        } = self.row;
        let mut row = serializer.serialize_struct("KpiRow", 11)?;
        row.serialize_field("contract_id", &self.kpi.contract_id)?;
        row.serialize_field("kpi_id", &self.kpi.kpi_id)?;
        row.serialize_field("period", period)?;
        row.serialize_field("actual", actual)?;
        row.serialize_field("target", target)?;
        row.serialize_field("rag", rag)?;
        row.serialize_field("mean", mean)?;
        row.serialize_field("lower_limit", lower_limit)?;
        row.serialize_field("upper_limit", upper_limit)?;
        row.serialize_field("special_cause", special_cause)?;
        row.serialize_field("rule", rule)?;
        row.end()
    }
}

/// One row of the `kpi_summary` table (FORMATS.md section 2: the first five columns) plus the
/// facts the pages show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KpiSummary {
    pub contract_id: String,
    pub kpi_id: String,
    /// The last point's type (METHODS.md 2.3); empty when no period has an actual.
    pub variation: Option<PointType>,
    pub assurance: Assurance,
    /// Least-squares change per period of the actuals.
    pub trend_slope: Option<f64>,
    pub kpi_name: String,
    pub unit: Option<String>,
    pub polarity: Polarity,
    pub latest_period: Option<Period>,
    pub latest_actual: Option<f64>,
    pub latest_target: Option<f64>,
    pub latest_rag: Option<Rag>,
    /// Number of periods with an actual.
    pub points: usize,
    pub trial_limits: bool,
}

/// One SPC phase of a KPI: the limits are computed from its points alone (METHODS.md 2.1; a
/// `rebase` in the returns starts a new phase at a known change of service).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Phase {
    /// The first period with an actual in the phase.
    pub start: Period,
    /// Why the limits were recalculated here, as the returns give it (`None` for the first phase,
    /// or a rebase without a reason).
    pub reason: Option<String>,
    pub points: usize,
}

/// A summary of the special-cause points of one rule and direction within a phase: "24 points
/// above the upper limit since May 2025" (METHODS.md 2.2).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpecialCauseRun {
    pub rule: Rule,
    /// +1: above the limit or mean, or rising; −1: below, or falling.
    pub direction: i8,
    pub special_cause: SpecialCause,
    pub points: usize,
    pub first: Period,
    pub last: Period,
    /// The last of these points is the KPI's latest point with an actual ("since …").
    pub ongoing: bool,
}

/// Everything computed for one KPI.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KpiAnalysis {
    pub contract_id: String,
    pub kpi_id: String,
    /// Every reported period, in period order.
    pub rows: Vec<KpiRow>,
    /// One per row with an actual, in the same order.
    pub points: Vec<SpcPoint>,
    pub summary: KpiSummary,
    /// The SPC phases, in order; more than one when the returns rebase.
    pub phases: Vec<Phase>,
    /// Special-cause points grouped by phase, rule and direction, in order of their first point.
    pub special_causes: Vec<SpecialCauseRun>,
    /// The fingerprint of the fields above, taken when `serve` first keys the KPI's page
    /// ([`KpiAnalysis::fingerprint`]) and kept while `serve` keeps this analysis. An analysis is
    /// not changed once made; a changed copy is a clone, which takes its own.
    #[serde(skip)]
    memo: Memo,
    /// Whether every number of the KPI's rows in the published KPI table is finite, found the
    /// first time the table is made ([`KpiAnalysis::rows_finite`]) and kept with the analysis.
    #[serde(skip)]
    rows_finite: Memo<bool>,
}

impl KpiAnalysis {
    /// A hash of everything computed for the KPI (`fingerprint::hash`), taken once.
    pub fn fingerprint(&self) -> u64 {
        self.memo.get_or(|| crate::fingerprint::hash(self))
    }

    /// The KPI's rows as the `kpis` open-data table publishes them, with its ids.
    pub fn published_rows(&self) -> impl Iterator<Item = PublishedKpiRow<'_>> {
        self.rows
            .iter()
            .map(move |row| PublishedKpiRow { kpi: self, row })
    }

    /// Whether every number of the KPI's published rows is finite: found by `find` the first
    /// time it is asked, then kept while `serve` keeps this analysis.
    pub fn rows_finite(&self, find: impl FnOnce(&KpiAnalysis) -> bool) -> bool {
        self.rows_finite.get_or(|| find(self))
    }
}

/// Groups a KPI's special-cause points by phase, rule and direction (METHODS.md 2.2, 2.6), so a page
/// can say "24 points above the upper limit since May 2025" instead of listing them. `points` are
/// the SPC points of the rows with an actual, in the same order.
pub fn summarise_special_causes(
    rows: &[KpiRow],
    points: &[SpcPoint],
    phases: &[Phase],
) -> Vec<SpecialCauseRun> {
    let dated: Vec<(&Period, &SpcPoint)> = rows
        .iter()
        .filter(|r| r.actual.is_some())
        .map(|r| &r.period)
        .zip(points)
        .collect();
    let latest = dated.last().map(|(p, _)| *p);
    let phase_of = |p: &Period| phases.iter().rposition(|ph| ph.start.start <= p.start);
    let mut out: Vec<(Option<usize>, SpecialCauseRun)> = Vec::new();
    for (period, pt) in dated {
        let Some(rule) = pt.rule else {
            continue;
        };
        let phase = phase_of(period);
        let same = |(ph, run): &&mut (Option<usize>, SpecialCauseRun)| {
            *ph == phase && run.rule == rule && run.direction == pt.direction
        };
        match out.iter_mut().find(same) {
            Some((_, run)) => {
                run.points += 1;
                run.last = period.clone();
            }
            None => out.push((
                phase,
                SpecialCauseRun {
                    rule,
                    direction: pt.direction,
                    special_cause: pt.special_cause,
                    points: 1,
                    first: period.clone(),
                    last: period.clone(),
                    ongoing: false,
                },
            )),
        }
    }
    out.into_iter()
        .map(|(_, mut run)| {
            run.ongoing = latest == Some(&run.last);
            run
        })
        .collect()
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// RAG and SPC for every KPI (METHODS.md 2.1–2.6), sorted by contract then KPI. Periods without an actual stay as rows
/// with no SPC values; a rebase flag on such a period passes to the next period with an actual.
/// Assurance uses the target of the latest period with an actual (else the latest target given).
pub fn analyse_kpis(project: &Project) -> Vec<KpiAnalysis> {
    analyse_kpis_reusing(project, |_| None)
}

/// [`analyse_kpis`], taking a KPI's analysis from `previous` when it has one: `previous` gives
/// only an analysis this function made of an equal KPI under the same settings (a memo), so the
/// result is the same. The KPIs `previous` has no analysis for are analysed in parallel, each on
/// its own (a pure function of the KPI and the settings), in KPI order.
pub fn analyse_kpis_reusing(
    project: &Project,
    mut previous: impl FnMut(&Kpi) -> Option<KpiAnalysis>,
) -> Vec<KpiAnalysis> {
    use rayon::prelude::*;
    let perf = &project.config.performance;
    let kept: Vec<(&Kpi, Option<KpiAnalysis>)> = project
        .kpis
        .values()
        .map(|kpi| (kpi, previous(kpi)))
        .collect();
    let mut out: Vec<KpiAnalysis> = kept
        .into_par_iter()
        .map(|(kpi, kept)| kept.unwrap_or_else(|| analyse_kpi(kpi, perf)))
        .collect();
    out.sort_by(|a, b| (&a.contract_id, &a.kpi_id).cmp(&(&b.contract_id, &b.kpi_id)));
    out
}

/// RAG and SPC for one KPI (METHODS.md 2.1–2.6), as [`analyse_kpis`] describes.
pub fn analyse_kpi(kpi: &Kpi, perf: &PerformanceConfig) -> KpiAnalysis {
    let opts = SpcOptions {
        screen_outliers: perf.spc_screen_outliers,
        fix_after: perf.spc_fix_limits_after,
    };
    let mut pts: Vec<_> = kpi.points.iter().collect();
    pts.sort_by(|a, b| a.period.cmp(&b.period));
    let (mut values, mut rebase) = (Vec::new(), Vec::new());
    let mut phases: Vec<Phase> = Vec::new();
    let (mut pending, mut reason) = (false, None);
    for p in &pts {
        pending |= p.rebase;
        if p.rebase_reason.is_some() {
            reason = p.rebase_reason.clone();
        }
        if let Some(a) = p.actual {
            if phases.is_empty() || pending {
                // A rebase on the first point starts no new phase, so its reason is dropped.
                let why = reason.take().filter(|_| !phases.is_empty());
                phases.push(Phase {
                    start: p.period.clone(),
                    reason: why,
                    points: 0,
                });
            }
            if let Some(ph) = phases.last_mut() {
                ph.points += 1;
            }
            values.push(a);
            rebase.push(pending);
            pending = false;
        }
    }
    let points = spc::spc(&values, &rebase, kpi.polarity, opts);
    let mut spc_iter = points.iter();
    let mut rows = Vec::with_capacity(pts.len());
    for p in &pts {
        let s = p.actual.and_then(|_| spc_iter.next());
        rows.push(KpiRow {
            period: p.period.clone(),
            actual: p.actual,
            target: p.target,
            rag: p
                .actual
                .map(|a| rag(a, p.target, kpi.polarity, perf.amber_tolerance)),
            mean: s.and_then(|s| finite(s.mean)),
            lower_limit: s.and_then(|s| finite(s.lower_limit)),
            upper_limit: s.and_then(|s| finite(s.upper_limit)),
            special_cause: s.map(|s| s.special_cause),
            rule: s.and_then(|s| s.rule),
        });
    }
    let latest = rows.iter().rev().find(|r| r.actual.is_some());
    let target = latest
        .and_then(|r| r.target)
        .or_else(|| rows.iter().rev().find_map(|r| r.target));
    let summary = KpiSummary {
        contract_id: kpi.contract_id.clone(),
        kpi_id: kpi.kpi_id.clone(),
        variation: (!points.is_empty()).then(|| spc::variation(&points)),
        assurance: points.last().map_or(Assurance::NotApplicable, |p| {
            spc::assurance(&p.limits(), target, kpi.polarity)
        }),
        trend_slope: spc::linear_slope(&values),
        kpi_name: kpi.name.clone(),
        unit: kpi.unit.clone(),
        polarity: kpi.polarity,
        latest_period: latest.map(|r| r.period.clone()),
        latest_actual: latest.and_then(|r| r.actual),
        latest_target: latest.and_then(|r| r.target),
        latest_rag: latest.and_then(|r| r.rag),
        points: values.len(),
        trial_limits: points.last().is_some_and(|p| p.trial),
    };
    let special_causes = summarise_special_causes(&rows, &points, &phases);
    KpiAnalysis {
        contract_id: kpi.contract_id.clone(),
        kpi_id: kpi.kpi_id.clone(),
        rows,
        points,
        summary,
        phases,
        special_causes,
        memo: Memo::default(),
        rows_finite: Memo::default(),
    }
}

/// Where a contract is relative to the as-of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContractState {
    /// as_of is before the start date.
    NotStarted,
    /// start date ≤ as_of ≤ end date.
    Live,
    /// end date < as_of ≤ extension end date.
    InExtension,
    /// as_of is after the final end date.
    Ended,
}

impl ContractState {
    pub fn as_str(self) -> &'static str {
        ["not_started", "live", "in_extension", "ended"][self as usize]
    }
}

/// A compliance or attention flag on a contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// Total value over the KPI threshold and fewer than 3 KPIs (Procurement Act 2023 s.52).
    TooFewKpis,
    /// Total value over the threshold, live (or in extension) for at least 12 months, and no KPI
    /// actual for a period ending in the 12 months before as_of (s.71: assess at least yearly).
    AssessmentOverdue,
    /// Final end date on or after as_of and no more than 18 months after it.
    ExpiringSoon,
    /// The tender evaluation found the award went to a bidder that was not top-ranked, and the
    /// tender records no reason for it.
    AwardNotTopRanked,
}

impl Flag {
    pub fn as_str(self) -> &'static str {
        [
            "too_few_kpis",
            "assessment_overdue",
            "expiring_soon",
            "award_not_top_ranked",
        ][self as usize]
    }
}

/// Procurement Act 2023 s.71 contract performance notice rating, or not yet rated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CpnRating {
    Good,
    ApproachingTarget,
    RequiresImprovement,
    Inadequate,
    /// KPI returns are in but no KPI has a target, so none can be rated (the Act's "Other").
    Other,
    /// No KPI return has an actual yet (a contract not started, or without returns).
    NotYetRated,
}

impl CpnRating {
    pub const ALL: [CpnRating; 6] = [
        CpnRating::Good,
        CpnRating::ApproachingTarget,
        CpnRating::RequiresImprovement,
        CpnRating::Inadequate,
        CpnRating::Other,
        CpnRating::NotYetRated,
    ];
    pub fn as_str(self) -> &'static str {
        [
            "good",
            "approaching_target",
            "requires_improvement",
            "inadequate",
            "other",
            "not_yet_rated",
        ][self as usize]
    }
}

/// A KPI "showing concern" (the definition the home and performance pages print beside the
/// count, and the trigger of "Requires improvement" in [`cpn_rating`]): its latest value is red,
/// its latest point is special-cause concern (METHODS.md 2.3), or it consistently fails its
/// target (METHODS.md 2.4).
pub fn shows_concern(s: &KpiSummary) -> bool {
    s.latest_rag == Some(Rag::Red)
        || s.variation == Some(PointType::SpecialCauseConcern)
        || s.assurance == Assurance::ConsistentFail
}

/// The contract performance notice rating (METHODS.md 4, Procurement Act 2023 KPIs and ratings)
/// by the rule the theme words as `rating.rule`; "rated" KPIs are those whose latest RAG is
/// green, amber or red. A contract is rated Requires improvement or Inadequate
/// exactly when at least one of its KPIs [`shows_concern`].
pub fn cpn_rating(summaries: &[&KpiSummary]) -> CpnRating {
    if summaries.iter().all(|s| s.latest_actual.is_none()) {
        return CpnRating::NotYetRated;
    }
    let rated: Vec<&&KpiSummary> = summaries
        .iter()
        .filter(|s| matches!(s.latest_rag, Some(Rag::Green | Rag::Amber | Rag::Red)))
        .collect();
    let n = rated.len();
    let red = rated
        .iter()
        .filter(|s| s.latest_rag == Some(Rag::Red))
        .count();
    let fail = rated
        .iter()
        .filter(|s| s.assurance == Assurance::ConsistentFail)
        .count();
    if n > 0 && (2 * red > n || 2 * fail > n) {
        CpnRating::Inadequate
    } else if summaries.iter().any(|s| shows_concern(s)) {
        CpnRating::RequiresImprovement
    } else if n == 0 {
        CpnRating::Other
    } else if rated.iter().any(|s| s.latest_rag == Some(Rag::Amber)) {
        CpnRating::ApproachingTarget
    } else {
        CpnRating::Good
    }
}

fn join_flags<S: Serializer>(flags: &[Flag], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&flags_to_string(flags))
}

fn flags_to_string(flags: &[Flag]) -> String {
    flags
        .iter()
        .map(|f| f.as_str())
        .collect::<Vec<_>>()
        .join(";")
}

/// The roll-up of one contract (the computed columns of the `contracts` table).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContractStatus {
    pub contract_id: String,
    pub status: ContractState,
    /// Whole months from as_of to the final end date; 0 once it has passed.
    pub months_remaining: u32,
    pub kpi_count: usize,
    /// The latest KPI period with an actual.
    pub last_assessed: Option<Period>,
    /// Serialised `;`-separated, as FORMATS.md section 2 gives.
    #[serde(serialize_with = "join_flags")]
    pub flags: Vec<Flag>,
    pub rating: CpnRating,
}

impl ContractStatus {
    pub fn flags_joined(&self) -> String {
        flags_to_string(&self.flags)
    }
}

/// Whole calendar months from `from` to `to`: the largest m with from + m months ≤ to (chrono
/// clamps to month end, so 31 Jan + 1 month = 29 Feb); 0 when `to` ≤ `from`.
pub fn whole_months(from: NaiveDate, to: NaiveDate) -> u32 {
    if to <= from {
        return 0;
    }
    let diff = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    let mut m = diff.max(0) as u32;
    while m > 0
        && from
            .checked_add_months(Months::new(m))
            .is_none_or(|d| d > to)
    {
        m -= 1;
    }
    m
}

fn within_months_after(as_of: NaiveDate, date: NaiveDate, months: u32) -> bool {
    as_of
        .checked_add_months(Months::new(months))
        .is_some_and(|limit| date <= limit)
}

/// The day the Procurement Act 2023 came into force (the Procurement Act 2023 (Commencement No. 3
/// and Transitional and Saving Provisions) Regulations 2024): procurements begun before it run
/// under the Public Contracts Regulations 2015, and the Act's KPI (s.52) and assessment (s.71)
/// duties do not apply to the contracts they award.
pub const PROCUREMENT_ACT_IN_FORCE: NaiveDate = match NaiveDate::from_ymd_opt(2025, 2, 24) {
    Some(d) => d,
    None => panic!("a valid date"),
};

/// Whether a contract was procured under the Procurement Act 2023: as the register marks it
/// (`procurement_act_2023`), else awarded on or after the day the Act came into force (its award
/// date, or its start date when no award date is given — a contract cannot start before it is
/// awarded).
pub fn procurement_act_applies(c: &Contract) -> bool {
    c.details
        .procurement_act_2023
        .unwrap_or_else(|| c.award_date.unwrap_or(c.start_date) >= PROCUREMENT_ACT_IN_FORCE)
}

/// Status, flags (METHODS.md 4: Procurement Act 2023 and transparency code) and rating of every
/// contract (sorted by contract id) as of `as_of`.
/// `not_top_ranked` holds the contracts the tender evaluation found awarded to a bidder that was
/// not top-ranked.
pub fn analyse_contracts(
    project: &Project,
    kpis: &[KpiAnalysis],
    as_of: NaiveDate,
    not_top_ranked: &BTreeSet<String>,
) -> Vec<ContractStatus> {
    let perf = &project.config.performance;
    let year_before = as_of.checked_sub_months(Months::new(ASSESSMENT_MONTHS));
    // Each contract's KPIs, grouped once (filtering every KPI per contract was quadratic).
    let mut by_contract: BTreeMap<&str, Vec<&KpiAnalysis>> = BTreeMap::new();
    for k in kpis {
        by_contract
            .entry(k.contract_id.as_str())
            .or_default()
            .push(k);
    }
    project
        .contracts
        .values()
        .map(|c| {
            let own: Vec<&KpiAnalysis> = by_contract
                .get(c.contract_id.as_str())
                .cloned()
                .unwrap_or_default();
            let end = c.final_end_date();
            let status = if as_of < c.start_date {
                ContractState::NotStarted
            } else if as_of <= c.end_date {
                ContractState::Live
            } else if as_of <= end {
                ContractState::InExtension
            } else {
                ContractState::Ended
            };
            // A KPI's rows are in period order (`analyse_kpi` sorts them), so its latest assessed
            // period is its last row with an actual: no walk over every row of every KPI.
            let last_assessed = own
                .iter()
                .filter_map(|k| k.rows.iter().rev().find(|r| r.actual.is_some()))
                .map(|r| &r.period)
                .max()
                .cloned();
            // Walks the rows: asked only of a contract the overdue flag could apply to.
            let recent = || {
                own.iter()
                    .flat_map(|k| k.rows.iter().filter(|r| r.actual.is_some()))
                    .any(|r| {
                        r.period.start <= as_of && year_before.is_some_and(|y| r.period.end >= y)
                    })
            };
            let over = c.total_value > perf.kpi_threshold_value && procurement_act_applies(c);
            let running = matches!(status, ContractState::Live | ContractState::InExtension);
            let year_in = year_before.is_some_and(|y| c.start_date <= y);
            let mut flags = Vec::new();
            if over && own.len() < MIN_KPIS {
                flags.push(Flag::TooFewKpis);
            }
            if over && running && year_in && !recent() {
                flags.push(Flag::AssessmentOverdue);
            }
            if end >= as_of && within_months_after(as_of, end, PIPELINE_MONTHS) {
                flags.push(Flag::ExpiringSoon);
            }
            if not_top_ranked.contains(&c.contract_id) {
                flags.push(Flag::AwardNotTopRanked);
            }
            let summaries: Vec<&KpiSummary> = own.iter().map(|k| &k.summary).collect();
            ContractStatus {
                contract_id: c.contract_id.clone(),
                status,
                months_remaining: whole_months(as_of, end),
                kpi_count: own.len(),
                last_assessed,
                flags,
                rating: cpn_rating(&summaries),
            }
        })
        .collect()
}

/// A contract ending within the pipeline horizon: re-procurement is due.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PipelineEntry {
    pub contract_id: String,
    pub spec_id: String,
    pub title: String,
    pub supplier: String,
    pub final_end_date: NaiveDate,
    pub months_remaining: u32,
    pub annual_value: f64,
    pub total_value: f64,
    pub rating: CpnRating,
}

/// The re-commissioning pipeline (METHODS.md 4, the s.93 pipeline notice's 18-month horizon):
/// contracts whose final end date is after `as_of` and no more than 18 months after it, sorted by
/// end date then id. The rating comes from `statuses` (not yet rated if the contract is missing).
pub fn pipeline(
    project: &Project,
    statuses: &[ContractStatus],
    as_of: NaiveDate,
) -> Vec<PipelineEntry> {
    let rating: BTreeMap<&str, CpnRating> = statuses
        .iter()
        .map(|s| (s.contract_id.as_str(), s.rating))
        .collect();
    let mut out: Vec<PipelineEntry> = project
        .contracts
        .values()
        .filter(|c| {
            let end = c.final_end_date();
            end > as_of && within_months_after(as_of, end, PIPELINE_MONTHS)
        })
        .map(|c| PipelineEntry {
            contract_id: c.contract_id.clone(),
            spec_id: c.spec_id.clone(),
            title: c.title.clone(),
            supplier: c.supplier.clone(),
            final_end_date: c.final_end_date(),
            months_remaining: whole_months(as_of, c.final_end_date()),
            annual_value: c.annual_value,
            total_value: c.total_value,
            rating: rating
                .get(c.contract_id.as_str())
                .copied()
                .unwrap_or(CpnRating::NotYetRated),
        })
        .collect();
    out.sort_by(|a, b| (a.final_end_date, &a.contract_id).cmp(&(b.final_end_date, &b.contract_id)));
    out
}

/// The date the analysis is "as of": `config.as_of`, else the latest end date of any KPI period
/// with an actual or any observation period with a value. Never the clock, so builds reproduce.
pub fn default_as_of(project: &Project) -> Option<NaiveDate> {
    if let Some(d) = project.config.as_of {
        return Some(d);
    }
    let kpi = project
        .kpis
        .values()
        .flat_map(|k| k.points.iter())
        .filter(|p| p.actual.is_some())
        .map(|p| p.period.end);
    let obs = project
        .observations
        .iter()
        .filter(|o| o.value.is_some())
        .map(|o| o.period.end);
    kpi.chain(obs).max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Contract, Kpi, KpiPoint, Observation, Origin};

    const HI: Polarity = Polarity::HigherIsBetter;
    const LO: Polarity = Polarity::LowerIsBetter;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn contract(id: &str, start: NaiveDate, end: NaiveDate, total: f64) -> Contract {
        Contract {
            contract_id: id.into(),
            spec_id: format!("SPEC-{id}"),
            title: format!("Contract {id}"),
            supplier: "Supplier Ltd".into(),
            start_date: start,
            end_date: end,
            annual_value: total / 2.0,
            total_value: total,
            tender_id: None,
            supplier_id: None,
            supplier_type: None,
            department: None,
            description: None,
            award_date: None,
            review_date: None,
            extension_end_date: None,
            procurement_route: None,
            irrecoverable_vat: None,
            details: Default::default(),
            origin: Origin::default(),
            memo: Default::default(),
        }
    }

    /// A monthly return: (year, month, actual, target, rebase).
    type Return = (i32, u32, Option<f64>, Option<f64>, bool);

    fn kpi(c: &str, k: &str, pol: Polarity, pts: &[Return]) -> Kpi {
        Kpi {
            contract_id: c.into(),
            kpi_id: k.into(),
            name: format!("KPI {k}"),
            unit: None,
            polarity: pol,
            stock_or_flow: None,
            points: pts
                .iter()
                .map(|&(y, m, actual, target, rebase)| KpiPoint {
                    period: Period::month(y, m).unwrap(),
                    actual,
                    target,
                    rebase,
                    rebase_reason: None,
                    origin: Origin::default(),
                })
                .collect(),
            origin: Origin::default(),
        }
    }

    fn add_kpi(p: &mut Project, k: Kpi) {
        p.kpis.insert((k.contract_id.clone(), k.kpi_id.clone()), k);
    }

    fn add_contract(p: &mut Project, c: Contract) {
        p.contracts.insert(c.contract_id.clone(), c);
    }

    #[test]
    fn whether_a_kpis_rows_are_finite_is_found_once_and_a_clone_finds_it_afresh() {
        let k = kpi("C1", "K1", HI, &[(2024, 1, Some(10.0), Some(9.0), false)]);
        let analysis = analyse_kpi(&k, &PerformanceConfig::default());
        assert_eq!(analysis.published_rows().count(), 1);
        let calls = std::cell::Cell::new(0);
        let find = |a: &KpiAnalysis| {
            calls.set(calls.get() + 1);
            a.rows.len() == 1
        };
        assert!(analysis.rows_finite(find));
        // Kept: the second question does not look again, whatever it would find.
        assert!(analysis.rows_finite(|_| false));
        assert_eq!(calls.get(), 1);
        // A clone may be changed, so it finds the fact for itself.
        assert!(!analysis.clone().rows_finite(|_| false));
    }

    #[test]
    fn rag_boundaries() {
        // Higher is better, target 100, tolerance 5% → amber down to 95 inclusive.
        assert_eq!(rag(100.0, Some(100.0), HI, 5.0), Rag::Green);
        assert_eq!(rag(101.0, Some(100.0), HI, 5.0), Rag::Green);
        assert_eq!(rag(95.0, Some(100.0), HI, 5.0), Rag::Amber);
        assert_eq!(rag(94.99, Some(100.0), HI, 5.0), Rag::Red);
        // Lower is better, target 100 → amber up to 105 inclusive.
        assert_eq!(rag(100.0, Some(100.0), LO, 5.0), Rag::Green);
        assert_eq!(rag(105.0, Some(100.0), LO, 5.0), Rag::Amber);
        assert_eq!(rag(105.01, Some(100.0), LO, 5.0), Rag::Red);
        // Decimal target: 0.9 − 0.855 = 0.04500000000000004 in f64, still exactly 5%.
        assert_eq!(rag(0.855, Some(0.9), HI, 5.0), Rag::Amber);
        assert_eq!(rag(0.854, Some(0.9), HI, 5.0), Rag::Red);
        // No tolerance: any miss is red.
        assert_eq!(rag(99.99, Some(100.0), HI, 0.0), Rag::Red);
        assert_eq!(rag(1.0, None, HI, 5.0), Rag::NoTarget);
        assert_eq!(
            rag(1.0, Some(1.0), Polarity::NoJudgement, 5.0),
            Rag::NoTarget
        );
        assert_eq!(
            serde_json::to_string(&Rag::NoTarget).unwrap(),
            "\"no_target\""
        );
    }

    #[test]
    fn kpi_rows_keep_missing_actuals_and_carry_rebase() {
        let mut p = Project::default();
        // Phase 1: 10, 12 → mean 11. 2024-03 has no actual but starts phase 2: 20, 22, 20 →
        // mean 62/3, MR 2, 2 → AMR 2, limits 62/3 ± 5.32.
        add_kpi(
            &mut p,
            kpi(
                "C2",
                "K1",
                HI,
                &[
                    (2024, 1, Some(10.0), Some(15.0), false),
                    (2024, 2, Some(12.0), Some(15.0), false),
                    (2024, 3, None, Some(15.0), true),
                    (2024, 4, Some(20.0), Some(15.0), false),
                    (2024, 5, Some(22.0), Some(15.0), false),
                    (2024, 6, Some(20.0), Some(21.0), false),
                ],
            ),
        );
        add_kpi(
            &mut p,
            kpi("C1", "K9", HI, &[(2024, 1, Some(1.0), None, false)]),
        );
        let a = analyse_kpis(&p);
        assert_eq!(a.len(), 2);
        assert_eq!(
            (a[0].contract_id.as_str(), a[1].contract_id.as_str()),
            ("C1", "C2")
        );
        let k = &a[1];
        assert_eq!(k.rows.len(), 6);
        assert_eq!(k.points.len(), 5);
        assert_eq!(k.rows[0].mean, Some(11.0));
        assert_eq!(k.rows[2].actual, None);
        assert_eq!(
            (k.rows[2].rag, k.rows[2].mean, k.rows[2].special_cause),
            (None, None, None)
        );
        let m = 62.0 / 3.0;
        assert!((k.rows[3].mean.unwrap() - m).abs() < 1e-9);
        assert!((k.rows[3].upper_limit.unwrap() - (m + 5.32)).abs() < 1e-9);
        assert_eq!(k.rows[0].rag, Some(Rag::Red));
        assert_eq!(k.rows[5].rag, Some(Rag::Amber)); // 20 vs 21: 4.8% short.
        let s = &k.summary;
        assert_eq!(&*s.latest_period.as_ref().unwrap().label, "2024-06");
        assert_eq!((s.latest_actual, s.latest_target), (Some(20.0), Some(21.0)));
        assert_eq!(s.latest_rag, Some(Rag::Amber));
        assert_eq!(s.points, 5);
        assert!(s.trial_limits);
        assert_eq!(s.variation, Some(PointType::CommonCause));
        // Target 21 lies inside 20.667 ± 5.32.
        assert_eq!(s.assurance, Assurance::Inconsistent);
        assert!(s.trend_slope.unwrap() > 0.0);
        // A single point: limits undefined, so empty in the row and assurance not applicable.
        assert_eq!(a[0].rows[0].mean, Some(1.0));
        assert_eq!(a[0].rows[0].upper_limit, None);
        assert_eq!(a[0].summary.assurance, Assurance::NotApplicable);
        assert_eq!(a[0].summary.latest_rag, Some(Rag::NoTarget));
    }

    /// A step change: twelve months alternating 10 and 12, then six months of 20.
    fn step_kpi(rebase: bool) -> Kpi {
        let mut pts: Vec<Return> = (0..12)
            .map(|i| {
                (
                    2024,
                    i + 1,
                    Some(if i % 2 == 0 { 10.0 } else { 12.0 }),
                    None,
                    false,
                )
            })
            .collect();
        pts.extend((1..=6).map(|m| (2025, m, Some(20.0), None, rebase && m == 1)));
        let mut k = kpi("C1", "K1", HI, &pts);
        if rebase {
            let mut points = k.points.to_vec();
            points[12].rebase_reason = Some("New pathway".into());
            k.points = points.into();
        }
        k
    }

    #[test]
    fn special_causes_are_summarised_and_a_rebase_publishes_its_reason() {
        let mut p = Project::default();
        add_kpi(&mut p, step_kpi(false));
        let a = &analyse_kpis(&p)[0];
        // One phase of 18: mean (12·11 + 6·20)/18 = 14; moving ranges 11 × 2, one 8, 5 × 0:
        // AMR 30/17, upper limit 14 + 2.66·30/17 = 18.69. The six 20s are above it; the first
        // twelve are all below the mean (a shift), and the six 10s are also beyond the lower 2σ
        // line 14 − 1.7733·30/17 = 10.87, two in every three (which takes precedence).
        assert_eq!(a.phases.len(), 1);
        let runs: Vec<(Rule, i8, usize, &str, &str, bool)> = a
            .special_causes
            .iter()
            .map(|r| {
                let (f, l) = (r.first.label.as_ref(), r.last.label.as_ref());
                (r.rule, r.direction, r.points, f, l, r.ongoing)
            })
            .collect();
        assert_eq!(
            runs,
            vec![
                (Rule::TwoInThree, -1, 6, "2024-01", "2024-11", false),
                (Rule::Shift, -1, 6, "2024-02", "2024-12", false),
                (Rule::OutsideLimits, 1, 6, "2025-01", "2025-06", true),
            ]
        );
        assert_eq!(a.special_causes[0].special_cause, SpecialCause::Concern);
        assert_eq!(a.special_causes[2].special_cause, SpecialCause::Improvement);
        // Rebased at the change: two phases, the reason on the second, and no special cause
        // (phase 1: 11 ± 5.32 with no run; phase 2: six 20s on their own mean).
        let mut p = Project::default();
        add_kpi(&mut p, step_kpi(true));
        let a = &analyse_kpis(&p)[0];
        let phases: Vec<(&str, Option<&str>, usize)> = a
            .phases
            .iter()
            .map(|ph| (ph.start.label.as_ref(), ph.reason.as_deref(), ph.points))
            .collect();
        assert_eq!(
            phases,
            vec![("2024-01", None, 12), ("2025-01", Some("New pathway"), 6)]
        );
        assert!(a.special_causes.is_empty());
    }

    fn summary(rag: Option<Rag>, variation: PointType, assurance: Assurance) -> KpiSummary {
        KpiSummary {
            contract_id: "C".into(),
            kpi_id: "K".into(),
            variation: Some(variation),
            assurance,
            trend_slope: None,
            kpi_name: "K".into(),
            unit: None,
            polarity: HI,
            latest_period: None,
            latest_actual: rag.map(|_| 1.0),
            latest_target: None,
            latest_rag: rag,
            points: 0,
            trial_limits: false,
        }
    }

    fn rate(rags: &[Option<Rag>], concern: bool, fails: usize) -> CpnRating {
        let v: Vec<KpiSummary> = rags
            .iter()
            .enumerate()
            .map(|(i, &r)| {
                let var = if concern && i == 0 {
                    PointType::SpecialCauseConcern
                } else {
                    PointType::CommonCause
                };
                let asr = if i < fails {
                    Assurance::ConsistentFail
                } else {
                    Assurance::Inconsistent
                };
                summary(r, var, asr)
            })
            .collect();
        cpn_rating(&v.iter().collect::<Vec<_>>())
    }

    #[test]
    fn cpn_rating_outcomes() {
        use Rag::*;
        let (g, a, r, n) = (Some(Green), Some(Amber), Some(Red), Some(NoTarget));
        // No value yet: not yet rated; values but no target: Other.
        assert_eq!(rate(&[], false, 0), CpnRating::NotYetRated);
        assert_eq!(rate(&[None, None], false, 0), CpnRating::NotYetRated);
        assert_eq!(rate(&[n, None], false, 0), CpnRating::Other);
        // Concern in a KPI without a target still requires improvement.
        assert_eq!(rate(&[n], true, 0), CpnRating::RequiresImprovement);
        assert_eq!(rate(&[g, g, n], false, 0), CpnRating::Good);
        assert_eq!(rate(&[g, a], false, 0), CpnRating::ApproachingTarget);
        assert_eq!(rate(&[g, g, r], false, 0), CpnRating::RequiresImprovement);
        // Exactly half red is not "most".
        assert_eq!(rate(&[r, g], false, 0), CpnRating::RequiresImprovement);
        // Special-cause concern with every KPI green.
        assert_eq!(rate(&[g, g], true, 0), CpnRating::RequiresImprovement);
        assert_eq!(rate(&[r, r, g], false, 0), CpnRating::Inadequate);
        // Two of three consistently failing, though all within amber.
        assert_eq!(rate(&[a, a, g], false, 2), CpnRating::Inadequate);
        // One of three consistently failing shows concern.
        assert_eq!(rate(&[a, a, g], false, 1), CpnRating::RequiresImprovement);
        assert_eq!(rate(&[a, a, g], false, 0), CpnRating::ApproachingTarget);
    }

    #[test]
    fn months_remaining_arithmetic() {
        assert_eq!(whole_months(d(2024, 1, 15), d(2024, 7, 14)), 5);
        assert_eq!(whole_months(d(2024, 1, 15), d(2024, 7, 15)), 6);
        assert_eq!(whole_months(d(2024, 1, 31), d(2024, 2, 29)), 1);
        assert_eq!(whole_months(d(2024, 1, 31), d(2024, 2, 28)), 0);
        assert_eq!(whole_months(d(2024, 3, 31), d(2027, 3, 31)), 36);
        assert_eq!(whole_months(d(2024, 5, 1), d(2024, 5, 1)), 0);
        assert_eq!(whole_months(d(2024, 5, 1), d(2023, 5, 1)), 0);
    }

    #[test]
    fn procurement_act_duties_apply_from_24_february_2025_or_where_marked() {
        let mut c = contract("A", d(2025, 3, 1), d(2028, 3, 31), 6e6);
        c.award_date = Some(d(2025, 2, 23));
        assert!(!procurement_act_applies(&c));
        c.award_date = Some(d(2025, 2, 24));
        assert!(procurement_act_applies(&c));
        // No award date: the start date stands in (a contract starts after its award).
        c.award_date = None;
        assert!(procurement_act_applies(&c));
        c.start_date = d(2025, 2, 23);
        assert!(!procurement_act_applies(&c));
        c.details.procurement_act_2023 = Some(true);
        assert!(procurement_act_applies(&c));
        // A big contract awarded before the Act, with no KPIs, is not flagged.
        let mut p = Project::default();
        add_contract(&mut p, contract("OLD", d(2023, 4, 1), d(2028, 3, 31), 6e6));
        let s = analyse_contracts(&p, &analyse_kpis(&p), d(2025, 3, 31), &BTreeSet::new());
        assert!(s[0].flags.is_empty(), "{:?}", s[0].flags);
    }

    #[test]
    fn contract_status_and_flags() {
        let as_of = d(2025, 3, 31);
        let mut p = Project::default();
        // Every contract here is marked as procured under the Procurement Act 2023.
        let contract = |id: &str, start, end, total| {
            let mut c = contract(id, start, end, total);
            c.details.procurement_act_2023 = Some(true);
            c
        };
        // Big, two KPIs, last actual 2024-02 (ends before 2024-03-31): too few KPIs, overdue.
        add_contract(&mut p, contract("A", d(2023, 4, 1), d(2028, 3, 31), 6e6));
        for k in ["K1", "K2"] {
            add_kpi(
                &mut p,
                kpi("A", k, HI, &[(2024, 2, Some(1.0), Some(1.0), false)]),
            );
        }
        // Big, three KPIs, an actual for 2024-03 (ends exactly 12 months before): neither flag.
        add_contract(&mut p, contract("B", d(2023, 4, 1), d(2028, 3, 31), 6e6));
        for k in ["K1", "K2", "K3"] {
            add_kpi(
                &mut p,
                kpi("B", k, HI, &[(2024, 3, Some(1.0), Some(1.0), false)]),
            );
        }
        // Exactly at the threshold, no KPIs: not over it. Ends exactly 18 months on: expiring.
        add_contract(&mut p, contract("C", d(2022, 1, 1), d(2026, 9, 30), 5e6));
        // In extension, ending 18 months and a day on: not expiring. Big, started under a year ago.
        let mut e = contract("E", d(2024, 6, 1), d(2025, 1, 31), 9e6);
        e.extension_end_date = Some(d(2026, 10, 1));
        add_contract(&mut p, e);
        add_contract(&mut p, contract("F", d(2025, 4, 1), d(2026, 3, 31), 1e3));
        add_contract(&mut p, contract("G", d(2020, 4, 1), d(2024, 3, 31), 9e6));
        let kpis = analyse_kpis(&p);
        let top: BTreeSet<String> = ["C".to_string()].into();
        let s = analyse_contracts(&p, &kpis, as_of, &top);
        let by = |id: &str| s.iter().find(|x| x.contract_id == id).unwrap();

        assert_eq!(
            by("A").flags,
            vec![Flag::TooFewKpis, Flag::AssessmentOverdue]
        );
        assert_eq!(by("A").flags_joined(), "too_few_kpis;assessment_overdue");
        assert_eq!(by("A").kpi_count, 2);
        assert_eq!(&*by("A").last_assessed.as_ref().unwrap().label, "2024-02");
        assert_eq!(by("A").status, ContractState::Live);
        assert_eq!(by("A").months_remaining, 36);
        assert_eq!(by("A").rating, CpnRating::Good);
        assert!(by("B").flags.is_empty());
        assert_eq!(
            by("C").flags,
            vec![Flag::ExpiringSoon, Flag::AwardNotTopRanked]
        );
        assert_eq!(by("C").months_remaining, 18);
        assert_eq!(by("C").rating, CpnRating::NotYetRated);
        // E: too few KPIs, but not yet a year in, so not overdue.
        assert_eq!(by("E").flags, vec![Flag::TooFewKpis]);
        assert_eq!(by("E").status, ContractState::InExtension);
        assert_eq!(by("F").status, ContractState::NotStarted);
        assert_eq!(by("G").status, ContractState::Ended);
        assert_eq!(by("G").months_remaining, 0);
        // Ended: no longer overdue or expiring, still short of KPIs.
        assert_eq!(by("G").flags, vec![Flag::TooFewKpis]);
        let json = serde_json::to_value(by("A")).unwrap();
        assert_eq!(json["flags"], "too_few_kpis;assessment_overdue");
        assert_eq!(json["status"], "live");
    }

    #[test]
    fn pipeline_eighteen_month_boundary() {
        let as_of = d(2025, 1, 15);
        let mut p = Project::default();
        add_contract(&mut p, contract("IN18", d(2022, 1, 1), d(2026, 7, 15), 1e6));
        add_contract(&mut p, contract("OUT", d(2022, 1, 1), d(2026, 7, 16), 1e6));
        add_contract(
            &mut p,
            contract("TODAY", d(2022, 1, 1), d(2025, 1, 15), 1e6),
        );
        add_contract(&mut p, contract("SOON", d(2022, 1, 1), d(2025, 2, 1), 1e6));
        let mut ext = contract("EXT", d(2022, 1, 1), d(2025, 1, 1), 1e6);
        ext.extension_end_date = Some(d(2025, 12, 31));
        add_contract(&mut p, ext);
        let kpis = analyse_kpis(&p);
        let statuses = analyse_contracts(&p, &kpis, as_of, &BTreeSet::new());
        let pl = pipeline(&p, &statuses, as_of);
        let ids: Vec<&str> = pl.iter().map(|e| e.contract_id.as_str()).collect();
        assert_eq!(ids, vec!["SOON", "EXT", "IN18"]);
        assert_eq!(pl[2].months_remaining, 18);
        assert_eq!(pl[0].months_remaining, 0);
        assert_eq!(pl[1].final_end_date, d(2025, 12, 31));
        assert_eq!(pl[0].spec_id, "SPEC-SOON");
        assert_eq!(pl[0].rating, CpnRating::NotYetRated);
    }

    #[test]
    fn as_of_never_uses_the_clock() {
        let mut p = Project::default();
        assert_eq!(default_as_of(&p), None);
        add_kpi(
            &mut p,
            kpi(
                "C",
                "K",
                HI,
                &[
                    (2024, 5, Some(1.0), None, false),
                    (2024, 9, None, Some(2.0), false),
                ],
            ),
        );
        assert_eq!(default_as_of(&p), Some(d(2024, 5, 31)));
        std::sync::Arc::make_mut(&mut p.observations).push(Observation {
            indicator_id: "I".into(),
            area_code: "E1".into(),
            period: Period::parse("2024/25").unwrap(),
            value: Some(3.0),
            lower_ci_95: None,
            upper_ci_95: None,
            lower_ci_99_8: None,
            upper_ci_99_8: None,
            count: None,
            denominator: None,
            sex: None,
            age: None,
            category_type: None,
            category: None,
            value_note: None,
            origin: Origin::default(),
        });
        assert_eq!(default_as_of(&p), Some(d(2025, 3, 31)));
        p.config.as_of = Some(d(2023, 1, 1));
        assert_eq!(default_as_of(&p), Some(d(2023, 1, 1)));
    }
}
