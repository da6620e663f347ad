//! Statistical process control for KPI series: NHS England "Making Data Count" XmR charts (METHODS.md
//! section 2), their special-cause rules, variation and assurance icons, and a least-squares slope.
//!
//! Pure functions of plain numbers; the only model type used is [`Polarity`]. Values must be finite.

use crate::model::Polarity;
use serde::Serialize;

/// Constant for the process limits: mean ± 2.66·AMR (METHODS.md 2.1).
pub const LIMIT_FACTOR: f64 = 2.66;
/// Constant for the 2σ ("near") lines: (2/3)·2.66 = 1.7733… (METHODS.md 2.1).
pub const NEAR_FACTOR: f64 = 2.0 / 3.0 * 2.66;
/// Moving ranges at or above this multiple of the AMR are screened out (METHODS.md 2.1).
pub const SCREEN_FACTOR: f64 = 3.267;
/// Groups with fewer points than this have "trial limits" (METHODS.md 2.5).
pub const TRIAL_THRESHOLD: usize = 13;
/// Run length of the trend and shift rules (METHODS.md 2.2).
const RUN: usize = 7;

/// How limits are computed. `screen_outliers: false` is the Making Data Count Excel tool;
/// `fix_after: 0` uses every point of a group, `N` only its first N points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SpcOptions {
    pub screen_outliers: bool,
    pub fix_after: usize,
}

/// The centre line, average moving range and limits of one rebase group.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Limits {
    pub mean: f64,
    pub amr: f64,
    pub lower_limit: f64,
    pub upper_limit: f64,
    pub lower_2s: f64,
    pub upper_2s: f64,
}

impl Limits {
    fn from_mean_amr(mean: f64, amr: f64) -> Limits {
        Limits {
            mean,
            amr,
            lower_limit: mean - LIMIT_FACTOR * amr,
            upper_limit: mean + LIMIT_FACTOR * amr,
            lower_2s: mean - NEAR_FACTOR * amr,
            upper_2s: mean + NEAR_FACTOR * amr,
        }
    }
}

/// The special-cause rule that labels a point, in order of precedence (METHODS.md 2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    OutsideLimits,
    Trend,
    TwoInThree,
    Shift,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        ["outside_limits", "trend", "two_in_three", "shift"][self as usize]
    }
}

/// Whether a point's special cause is good, bad or neither, given the KPI's polarity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecialCause {
    None,
    Improvement,
    Concern,
    Neutral,
}

impl SpecialCause {
    pub fn as_str(self) -> &'static str {
        ["none", "improvement", "concern", "neutral"][self as usize]
    }
}

/// NHSRplotthedots point type; the last point's type is the variation icon (METHODS.md 2.2, 2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PointType {
    CommonCause,
    SpecialCauseImprovement,
    SpecialCauseConcern,
    SpecialCauseNeutralHigh,
    SpecialCauseNeutralLow,
}

impl PointType {
    pub fn as_str(self) -> &'static str {
        [
            "common_cause",
            "special_cause_improvement",
            "special_cause_concern",
            "special_cause_neutral_high",
            "special_cause_neutral_low",
        ][self as usize]
    }
}

/// The assurance icon: will the process meet its target? (METHODS.md 2.4)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Assurance {
    ConsistentPass,
    ConsistentFail,
    Inconsistent,
    NotApplicable,
}

impl Assurance {
    pub fn as_str(self) -> &'static str {
        [
            "consistent_pass",
            "consistent_fail",
            "inconsistent",
            "not_applicable",
        ][self as usize]
    }
}

/// One charted point: its group's limits and its special-cause label.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SpcPoint {
    pub mean: f64,
    pub lower_limit: f64,
    pub upper_limit: f64,
    pub lower_2s: f64,
    pub upper_2s: f64,
    pub rule: Option<Rule>,
    /// +1 above / increasing, −1 below / decreasing, 0 when no rule applies.
    pub direction: i8,
    pub special_cause: SpecialCause,
    pub point_type: PointType,
    /// The point's rebase group has fewer than 13 points (METHODS.md 2.5).
    pub trial: bool,
}

impl SpcPoint {
    /// The limits of this point's group (AMR recovered from the limits).
    pub fn limits(&self) -> Limits {
        Limits {
            mean: self.mean,
            amr: (self.upper_limit - self.mean) / LIMIT_FACTOR,
            lower_limit: self.lower_limit,
            upper_limit: self.upper_limit,
            lower_2s: self.lower_2s,
            upper_2s: self.upper_2s,
        }
    }
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// XmR limits of one group (METHODS.md 2.1).
///
/// mean = mean(y); MR_i = |y_i − y_{i−1}|; AMR = mean(MR). With `screen_outliers`, moving ranges with
/// MR_i ≥ 3.267·AMR are dropped and the AMR recomputed from the rest (if every MR is dropped, which
/// happens only when AMR = 0, the AMR stays 0). Limits are mean ± 2.66·AMR and the 2σ lines
/// mean ± (2/3)·2.66·AMR. With `fix_after = N > 0` only the first N points are used.
/// An empty series gives NaN everywhere; a single point gives a NaN AMR and limits.
pub fn xmr_limits(values: &[f64], opts: SpcOptions) -> Limits {
    let used = if opts.fix_after > 0 && values.len() > opts.fix_after {
        &values[..opts.fix_after]
    } else {
        values
    };
    if used.is_empty() {
        return Limits::from_mean_amr(f64::NAN, f64::NAN);
    }
    let m = mean(used);
    let mr: Vec<f64> = used.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    let mut amr = if mr.is_empty() { f64::NAN } else { mean(&mr) };
    if opts.screen_outliers && !mr.is_empty() {
        let cut = SCREEN_FACTOR * amr;
        let kept: Vec<f64> = mr.iter().copied().filter(|&r| r < cut).collect();
        if !kept.is_empty() {
            amr = mean(&kept);
        }
    }
    Limits::from_mean_amr(m, amr)
}

fn sign(x: f64) -> i8 {
    if x > 0.0 {
        1
    } else if x < 0.0 {
        -1
    } else {
        0
    }
}

/// The special-cause rules of METHODS.md 2.2 applied to one group with the given limits: for each
/// point the winning rule (outside limits > trend > two in three > shift) and its direction.
///
/// - Outside: y > UPL or y < LPL (strict).
/// - Trend: seven points whose six consecutive differences are all strictly positive or all
///   strictly negative (equal neighbours break it); every point of the run is flagged. A point in
///   both an increasing and a decreasing run (a peak) takes the direction of the earlier run.
/// - Two in three: a point beyond a 2σ line but not outside ("close") is flagged when some window
///   of three consecutive points containing it has at least two close points and all three
///   strictly on the same side of the mean.
/// - Shift: seven or more consecutive points strictly on one side of the mean (a point on the mean
///   breaks the run).
pub fn special_causes(values: &[f64], limits: &Limits) -> Vec<(Option<Rule>, i8)> {
    let n = values.len();
    let rtm: Vec<i8> = values.iter().map(|&y| sign(y - limits.mean)).collect();
    let outside: Vec<i8> = values
        .iter()
        .map(|&y| {
            if y > limits.upper_limit {
                1
            } else if y < limits.lower_limit {
                -1
            } else {
                0
            }
        })
        .collect();
    let close: Vec<bool> = values
        .iter()
        .zip(&outside)
        .map(|(&y, &o)| o == 0 && (y > limits.upper_2s || y < limits.lower_2s))
        .collect();

    let mut trend = vec![0i8; n];
    let mut shift = vec![0i8; n];
    if n >= RUN {
        for end in RUN - 1..n {
            let start = end + 1 - RUN;
            let diffs: Vec<i8> = (start + 1..=end)
                .map(|i| sign(values[i] - values[i - 1]))
                .collect();
            let d = diffs[0];
            if d != 0 && diffs.iter().all(|&x| x == d) {
                for t in &mut trend[start..=end] {
                    if *t == 0 {
                        *t = d;
                    }
                }
            }
            let s = rtm[start];
            if s != 0 && rtm[start..=end].iter().all(|&x| x == s) {
                for t in &mut shift[start..=end] {
                    *t = s;
                }
            }
        }
    }
    let mut two = vec![0i8; n];
    if n >= 3 {
        for start in 0..n - 2 {
            let w = start..start + 3;
            let n_close = close[w.clone()].iter().filter(|&&c| c).count();
            let s = rtm[start];
            if n_close >= 2 && s != 0 && rtm[w.clone()].iter().all(|&x| x == s) {
                for j in w {
                    if close[j] {
                        two[j] = s;
                    }
                }
            }
        }
    }
    (0..n)
        .map(|i| {
            if outside[i] != 0 {
                (Some(Rule::OutsideLimits), outside[i])
            } else if trend[i] != 0 {
                (Some(Rule::Trend), trend[i])
            } else if two[i] != 0 {
                (Some(Rule::TwoInThree), two[i])
            } else if shift[i] != 0 {
                (Some(Rule::Shift), shift[i])
            } else {
                (None, 0)
            }
        })
        .collect()
}

/// Point type from a rule's direction and the improvement direction (METHODS.md 2.2, last
/// paragraph): +1 for higher_is_better, −1 for lower_is_better, neutral for no_judgement.
fn classify(direction: i8, polarity: Polarity) -> (SpecialCause, PointType) {
    if direction == 0 {
        return (SpecialCause::None, PointType::CommonCause);
    }
    let improvement: i8 = match polarity {
        Polarity::HigherIsBetter => 1,
        Polarity::LowerIsBetter => -1,
        Polarity::NoJudgement => {
            let t = if direction > 0 {
                PointType::SpecialCauseNeutralHigh
            } else {
                PointType::SpecialCauseNeutralLow
            };
            return (SpecialCause::Neutral, t);
        }
    };
    if direction * improvement > 0 {
        (
            SpecialCause::Improvement,
            PointType::SpecialCauseImprovement,
        )
    } else {
        (SpecialCause::Concern, PointType::SpecialCauseConcern)
    }
}

/// Splits `0..n` into rebase groups: a `true` at index i > 0 starts a new group (missing flags
/// count as `false`).
fn groups(n: usize, rebase: &[bool]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..n {
        if rebase.get(i).copied().unwrap_or(false) {
            out.push(start..i);
            start = i;
        }
    }
    if n > 0 {
        out.push(start..n);
    }
    out
}

/// An XmR chart of a series (METHODS.md 2.1–2.2, 2.5): limits and rules computed separately in each
/// rebase group, each point labelled and classified by the KPI's polarity.
pub fn spc(values: &[f64], rebase: &[bool], polarity: Polarity, opts: SpcOptions) -> Vec<SpcPoint> {
    let mut out = Vec::with_capacity(values.len());
    for g in groups(values.len(), rebase) {
        let part = &values[g.clone()];
        let l = xmr_limits(part, opts);
        let trial = part.len() < TRIAL_THRESHOLD;
        for (rule, direction) in special_causes(part, &l) {
            let (special_cause, point_type) = classify(direction, polarity);
            out.push(SpcPoint {
                mean: l.mean,
                lower_limit: l.lower_limit,
                upper_limit: l.upper_limit,
                lower_2s: l.lower_2s,
                upper_2s: l.upper_2s,
                rule,
                direction,
                special_cause,
                point_type,
                trial,
            });
        }
    }
    out
}

/// The variation icon: the point type of the last point (METHODS.md 2.3); common cause when empty.
pub fn variation(points: &[SpcPoint]) -> PointType {
    points
        .last()
        .map_or(PointType::CommonCause, |p| p.point_type)
}

/// The assurance icon from the latest group's limits and the target (METHODS.md 2.4), strict
/// inequalities: target > UPL → fail for higher_is_better, pass for lower_is_better; target < LPL
/// → pass / fail; otherwise (including a target exactly on a limit) inconsistent. Not applicable
/// with no target, a no_judgement KPI, or limits that are not finite (fewer than two points).
pub fn assurance(limits: &Limits, target: Option<f64>, polarity: Polarity) -> Assurance {
    let Some(t) = target else {
        return Assurance::NotApplicable;
    };
    if polarity == Polarity::NoJudgement
        || !limits.upper_limit.is_finite()
        || !limits.lower_limit.is_finite()
    {
        return Assurance::NotApplicable;
    }
    let increase = polarity == Polarity::HigherIsBetter;
    if t > limits.upper_limit {
        if increase {
            Assurance::ConsistentFail
        } else {
            Assurance::ConsistentPass
        }
    } else if t < limits.lower_limit {
        if increase {
            Assurance::ConsistentPass
        } else {
            Assurance::ConsistentFail
        }
    } else {
        Assurance::Inconsistent
    }
}

/// Ordinary least squares slope of the values against their index (change per period);
/// `None` for fewer than two values. Published as `trend_slope` in the KPI summary data, never on
/// the pages: it is not part of Making Data Count (METHODS.md 2.6).
pub fn linear_slope(values: &[f64]) -> Option<f64> {
    let n = values.len();
    if n < 2 {
        return None;
    }
    let xm = (n - 1) as f64 / 2.0;
    let ym = mean(values);
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (i, &y) in values.iter().enumerate() {
        let dx = i as f64 - xm;
        sxy += dx * (y - ym);
        sxx += dx * dx;
    }
    Some(sxy / sxx)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HI: Polarity = Polarity::HigherIsBetter;
    const LO: Polarity = Polarity::LowerIsBetter;
    const NJ: Polarity = Polarity::NoJudgement;
    const MDC: SpcOptions = SpcOptions {
        screen_outliers: false,
        fix_after: 0,
    };
    const SCREEN: SpcOptions = SpcOptions {
        screen_outliers: true,
        fix_after: 0,
    };

    fn close(a: f64, b: f64) {
        let tol = 1e-9 * a.abs().max(b.abs()).max(1.0);
        assert!((a - b).abs() <= tol, "{a} != {b}");
    }

    fn check(l: &Limits, mean: f64, amr: f64, lower: f64, upper: f64) {
        close(l.mean, mean);
        close(l.amr, amr);
        close(l.lower_limit, lower);
        close(l.upper_limit, upper);
    }

    /// Limits for rule tests: mean and AMR chosen by hand.
    fn lim(mean: f64, amr: f64) -> Limits {
        Limits::from_mean_amr(mean, amr)
    }

    fn rules(values: &[f64], l: &Limits) -> Vec<(Option<Rule>, i8)> {
        special_causes(values, l)
    }

    const N: (Option<Rule>, i8) = (None, 0);

    #[test]
    fn limits_by_hand() {
        // y = 1..5: mean 3; MR = 1,1,1,1 → AMR 1; limits 3 ± 2.66 = 0.34, 5.66;
        // 2σ lines 3 ± 1.77333… = 1.22667, 4.77333.
        let l = xmr_limits(&[1.0, 2.0, 3.0, 4.0, 5.0], MDC);
        check(&l, 3.0, 1.0, 0.34, 5.66);
        close(l.lower_2s, 3.0 - 1.773_333_333_333_333_3);
        close(l.upper_2s, 3.0 + 1.773_333_333_333_333_3);
        // Screening changes nothing here: 3.267·1 > every MR.
        assert_eq!(xmr_limits(&[1.0, 2.0, 3.0, 4.0, 5.0], SCREEN), l);
    }

    #[test]
    fn screening_drops_large_moving_ranges() {
        // y = 10,11,10,11,10,11,10,40: mean 113/8 = 14.125.
        // MR = 1,1,1,1,1,1,30: AMR = 36/7 = 5.142857…; unscreened limits 14.125 ± 2.66·36/7.
        let y = [10.0, 11.0, 10.0, 11.0, 10.0, 11.0, 10.0, 40.0];
        let amr = 36.0 / 7.0;
        check(
            &xmr_limits(&y, MDC),
            14.125,
            amr,
            14.125 - 2.66 * amr,
            14.125 + 2.66 * amr,
        );
        // Screen: 3.267·36/7 = 16.80 ≤ 30, so 30 is dropped; AMR = 6/6 = 1; limits 11.465, 16.785.
        check(&xmr_limits(&y, SCREEN), 14.125, 1.0, 11.465, 16.785);
    }

    #[test]
    fn moving_range_exactly_on_screening_boundary_is_dropped() {
        // y = 0,433,0,433,-1,3266: MR = 433,433,433,434,3267, sum 5000 → AMR 1000.
        // 3.267·1000 = 3267 exactly in f64, so MR 3267 ≥ 3267 is dropped.
        assert_eq!(SCREEN_FACTOR * 1000.0, 3267.0);
        let y = [0.0, 433.0, 0.0, 433.0, -1.0, 3266.0];
        // mean = 4131/6 = 688.5.
        check(
            &xmr_limits(&y, MDC),
            688.5,
            1000.0,
            688.5 - 2660.0,
            688.5 + 2660.0,
        );
        // Screened AMR = 1733/4 = 433.25; 2.66·433.25 = 1152.445 → limits -463.945, 1840.945.
        check(&xmr_limits(&y, SCREEN), 688.5, 433.25, -463.945, 1840.945);
    }

    #[test]
    fn fix_after_uses_first_points_only() {
        // First 12 points alternate 10, 12: mean 11, MR all 2 → AMR 2; limits 11 ± 5.32.
        let mut y: Vec<f64> = (0..12)
            .map(|i| if i % 2 == 0 { 10.0 } else { 12.0 })
            .collect();
        y.extend([100.0, 100.0, 100.0]);
        let fixed = SpcOptions {
            screen_outliers: false,
            fix_after: 12,
        };
        check(&xmr_limits(&y, fixed), 11.0, 2.0, 5.68, 16.32);
        // All 15 points: mean (132 + 300)/15 = 28.8; MR = 2×11, 88, 0, 0 → AMR 110/14.
        let amr = 110.0 / 14.0;
        check(
            &xmr_limits(&y, MDC),
            28.8,
            amr,
            28.8 - 2.66 * amr,
            28.8 + 2.66 * amr,
        );
        let pts = spc(&y, &[], HI, fixed);
        assert_eq!(pts.len(), 15);
        for p in &pts[12..] {
            assert_eq!(p.rule, Some(Rule::OutsideLimits));
            assert_eq!(p.point_type, PointType::SpecialCauseImprovement);
            close(p.upper_limit, 16.32);
        }
        assert!(!pts[0].trial, "15 points in the group: not trial limits");
        // Fewer points than fix_after: every point is used.
        check(&xmr_limits(&y[..5], fixed), 10.8, 2.0, 5.48, 16.12);
    }

    #[test]
    fn rebase_recomputes_limits_per_phase() {
        // Phase 1: 1,2,1,2,1,2 → mean 1.5, AMR 1 → 1.5 ± 2.66 = -1.16, 4.16.
        // Phase 2: 10,12,10,12 → mean 11, AMR 2 → 11 ± 5.32 = 5.68, 16.32.
        // The jump 2 → 10 is not a moving range of either phase.
        let y = [1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 10.0, 12.0, 10.0, 12.0];
        let mut rebase = vec![false; 10];
        rebase[6] = true;
        let pts = spc(&y, &rebase, HI, MDC);
        for p in &pts[..6] {
            check(&p.limits(), 1.5, 1.0, -1.16, 4.16);
            assert_eq!(p.rule, None);
        }
        for p in &pts[6..] {
            check(&p.limits(), 11.0, 2.0, 5.68, 16.32);
            assert_eq!(p.rule, None);
        }
        // Without rebase one group: mean 5.3, and the last four points are outside or shifted.
        let one = spc(&y, &[], HI, MDC);
        close(one[0].mean, 5.3);
        assert!(one[6..].iter().all(|p| p.rule.is_some()));
    }

    #[test]
    fn trial_flag_below_thirteen_points() {
        let y12: Vec<f64> = (0..12).map(|i| (i % 3) as f64).collect();
        assert!(spc(&y12, &[], HI, MDC).iter().all(|p| p.trial));
        let y13: Vec<f64> = (0..13).map(|i| (i % 3) as f64).collect();
        assert!(spc(&y13, &[], HI, MDC).iter().all(|p| !p.trial));
        // Trial is per group: 13 points then a phase of 3.
        let mut y = y13.clone();
        y.extend([5.0, 6.0, 5.0]);
        let mut rebase = vec![false; 16];
        rebase[13] = true;
        let pts = spc(&y, &rebase, HI, MDC);
        assert!(!pts[12].trial && pts[13].trial);
    }

    #[test]
    fn outside_limits_is_strict_and_wins_over_shift() {
        // y = 10 ×11 then 30: mean 140/12 = 11.6667; MR = 0 ×10, 20 → AMR 20/11 = 1.81818;
        // UPL = 11.6667 + 2.66·1.81818 = 16.503. 30 is above; the eleven 10s are a shift below.
        let mut y = vec![10.0; 11];
        y.push(30.0);
        let l = xmr_limits(&y, MDC);
        check(
            &l,
            140.0 / 12.0,
            20.0 / 11.0,
            140.0 / 12.0 - 2.66 * 20.0 / 11.0,
            140.0 / 12.0 + 2.66 * 20.0 / 11.0,
        );
        let pts = spc(&y, &[], HI, MDC);
        assert_eq!(
            (pts[11].rule, pts[11].direction),
            (Some(Rule::OutsideLimits), 1)
        );
        assert!(pts[..11]
            .iter()
            .all(|p| p.rule == Some(Rule::Shift) && p.direction == -1));
        assert_eq!(pts[0].point_type, PointType::SpecialCauseConcern);
        assert_eq!(pts[11].special_cause, SpecialCause::Improvement);

        // A point exactly on a limit is not outside; just beyond is.
        let l = lim(0.0, 1.0);
        let r = rules(&[l.upper_limit, 0.5, l.lower_limit], &l);
        assert_eq!(r, vec![N, N, N]);
        let r = rules(&[l.upper_limit + 1e-9, 0.5, l.lower_limit - 1e-9], &l);
        assert_eq!(r[0], (Some(Rule::OutsideLimits), 1));
        assert_eq!(r[2], (Some(Rule::OutsideLimits), -1));
    }

    #[test]
    fn seven_point_trend() {
        // Limits wide enough (mean 4, AMR 10 → 4 ± 26.6; 2σ 4 ± 17.73) that only the trend applies.
        let l = lim(4.0, 10.0);
        let up = rules(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], &l);
        assert!(up.iter().all(|&r| r == (Some(Rule::Trend), 1)));
        let down = rules(&[7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0, 1.5], &l);
        assert!(down[..7].iter().all(|&r| r == (Some(Rule::Trend), -1)));
        assert_eq!(down[7], N);
        // Six points (five differences) are not a trend.
        assert!(rules(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &l)
            .iter()
            .all(|&r| r == N));
        // Equal neighbours break a trend: differences 1,1,0,1,1,1,1.
        let tie = rules(&[1.0, 2.0, 3.0, 3.0, 4.0, 5.0, 6.0, 7.0], &l);
        assert!(tie.iter().all(|&r| r == N), "{tie:?}");
        // A peak in an increasing and a decreasing run takes the earlier run's direction.
        let peak = rules(
            &[
                -2.0, -1.0, 0.0, 1.0, 2.0, 3.0, 10.0, 3.0, 2.0, 1.0, 0.0, -1.0, -2.0,
            ],
            &lim(1.0, 20.0),
        );
        assert!(peak[..7].iter().all(|&r| r == (Some(Rule::Trend), 1)));
        assert!(peak[7..].iter().all(|&r| r == (Some(Rule::Trend), -1)));
    }

    #[test]
    fn trend_takes_precedence_over_shift() {
        // All seven above the mean (0) and strictly increasing, none near: trend, not shift.
        let l = lim(0.0, 10.0);
        let r = rules(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 7.0], &l);
        assert!(r.iter().take(7).all(|&x| x == (Some(Rule::Trend), 1)));
        // The eighth point ties the seventh (no trend) but is the 8th point above: shift.
        assert_eq!(r[7], (Some(Rule::Shift), 1));
    }

    #[test]
    fn two_in_three_flags_only_close_points() {
        // mean 0, AMR 1: limits ±2.66, 2σ lines ±1.77333.
        let l = lim(0.0, 1.0);
        // Window (2.0, 0.5, 2.0) all above with two close points: only the 2.0s are flagged.
        let r = rules(&[0.1, 2.0, 0.5, 2.0, -0.1], &l);
        assert_eq!(
            r,
            vec![
                N,
                (Some(Rule::TwoInThree), 1),
                N,
                (Some(Rule::TwoInThree), 1),
                N
            ]
        );
        // Two adjacent close points below.
        let r = rules(&[-2.0, -2.0, -0.1], &l);
        assert_eq!(r[..2], [(Some(Rule::TwoInThree), -1); 2]);
        assert_eq!(r[2], N);
        // The middle point across the mean: nothing is flagged.
        assert_eq!(rules(&[2.0, -0.5, 2.0], &l), vec![N, N, N]);
        // The middle point exactly on the mean is not on the same side either.
        assert_eq!(rules(&[2.0, 0.0, 2.0], &l), vec![N, N, N]);
        // A point exactly on the 2σ line is not close.
        assert_eq!(rules(&[l.upper_2s, 2.0, 0.5], &l), vec![N, N, N]);
        // An outside point is not close: only one close point in the window.
        let r = rules(&[3.0, 2.0, 0.5], &l);
        assert_eq!(r, vec![(Some(Rule::OutsideLimits), 1), N, N]);
        // Two in three beats shift: seven points above, two of them close.
        let r = rules(&[0.5, 0.5, 2.0, 0.5, 2.0, 0.5, 0.5], &l);
        assert_eq!(r[2], (Some(Rule::TwoInThree), 1));
        assert_eq!(r[3], (Some(Rule::Shift), 1));
    }

    #[test]
    fn shift_of_seven_broken_by_a_point_on_the_mean() {
        let l = lim(0.0, 10.0);
        assert!(rules(&[1.0; 7], &l)
            .iter()
            .all(|&r| r == (Some(Rule::Shift), 1)));
        assert!(rules(&[-1.0; 9], &l)
            .iter()
            .all(|&r| r == (Some(Rule::Shift), -1)));
        assert!(rules(&[1.0; 6], &l).iter().all(|&r| r == N));
        // 1,1,1,0,1,1,1,1: the point on the mean breaks it into runs of 3 and 4.
        let r = rules(&[1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0], &l);
        assert!(r.iter().all(|&x| x == N), "{r:?}");
    }

    #[test]
    fn polarity_decides_improvement_or_concern() {
        // Hand series: 5 ×7 above a mean pulled down by 0 ×7. mean 2.5, MR = 0×6, 5, 0×6 → AMR 5/13;
        // UPL = 2.5 + 2.66·5/13 = 3.523 < 5, so the 5s are outside above and the 0s outside below.
        let mut y = vec![0.0; 7];
        y.extend([5.0; 7]);
        let hi = spc(&y, &[], HI, MDC);
        let lo = spc(&y, &[], LO, MDC);
        let nj = spc(&y, &[], NJ, MDC);
        close(hi[0].upper_limit, 2.5 + 2.66 * 5.0 / 13.0);
        assert_eq!(hi[13].rule, Some(Rule::OutsideLimits));
        assert_eq!(hi[13].point_type, PointType::SpecialCauseImprovement);
        assert_eq!(hi[0].point_type, PointType::SpecialCauseConcern);
        assert_eq!(lo[13].point_type, PointType::SpecialCauseConcern);
        assert_eq!(lo[0].point_type, PointType::SpecialCauseImprovement);
        assert_eq!(nj[13].point_type, PointType::SpecialCauseNeutralHigh);
        assert_eq!(nj[0].point_type, PointType::SpecialCauseNeutralLow);
        assert_eq!(nj[0].special_cause, SpecialCause::Neutral);
        assert_eq!(variation(&hi), PointType::SpecialCauseImprovement);
        assert_eq!(variation(&lo), PointType::SpecialCauseConcern);
        assert_eq!(variation(&[]), PointType::CommonCause);
    }

    #[test]
    fn assurance_outcomes() {
        // Limits ±2.66 around 0.
        let l = lim(0.0, 1.0);
        assert_eq!(assurance(&l, Some(3.0), HI), Assurance::ConsistentFail);
        assert_eq!(assurance(&l, Some(3.0), LO), Assurance::ConsistentPass);
        assert_eq!(assurance(&l, Some(-3.0), HI), Assurance::ConsistentPass);
        assert_eq!(assurance(&l, Some(-3.0), LO), Assurance::ConsistentFail);
        assert_eq!(assurance(&l, Some(0.0), HI), Assurance::Inconsistent);
        assert_eq!(assurance(&l, Some(0.0), LO), Assurance::Inconsistent);
        // A target exactly on a limit is inconsistent.
        assert_eq!(
            assurance(&l, Some(l.upper_limit), HI),
            Assurance::Inconsistent
        );
        assert_eq!(
            assurance(&l, Some(l.lower_limit), LO),
            Assurance::Inconsistent
        );
        assert_eq!(assurance(&l, None, HI), Assurance::NotApplicable);
        assert_eq!(assurance(&l, Some(3.0), NJ), Assurance::NotApplicable);
        let single = xmr_limits(&[1.0], MDC);
        assert_eq!(assurance(&single, Some(3.0), HI), Assurance::NotApplicable);
    }

    #[test]
    fn slope_and_names() {
        assert_eq!(linear_slope(&[1.0]), None);
        // y = 2x + 1 exactly.
        close(linear_slope(&[1.0, 3.0, 5.0, 7.0]).unwrap(), 2.0);
        // 1,3,2: x̄ = 1, ȳ = 2; Sxy = (-1)(-1) + 0 + (1)(0) = 1; Sxx = 2 → 0.5.
        close(linear_slope(&[1.0, 3.0, 2.0]).unwrap(), 0.5);
        assert_eq!(Rule::TwoInThree.as_str(), "two_in_three");
        assert_eq!(
            serde_json::to_string(&PointType::SpecialCauseNeutralHigh).unwrap(),
            "\"special_cause_neutral_high\""
        );
        assert_eq!(
            serde_json::to_string(&Rule::OutsideLimits).unwrap(),
            "\"outside_limits\""
        );
        assert_eq!(Assurance::NotApplicable.as_str(), "not_applicable");
        close(NEAR_FACTOR, 1.773_333_333_333_333_3);
    }
}
