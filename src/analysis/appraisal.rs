//! Options appraisal (METHODS.md section 3): discounting each option's yearly costs and benefits
//! with the HM Treasury Green Book rates, and classing the result by the DfT value-for-money
//! categories. Pure functions of the model; knows nothing of pages or files.

use crate::model::config::DiscountSchedule;
use crate::model::{AppraisalOption, Project};
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// Green Book Table 6.1 (METHODS.md 3): the last year of each band and its rate. Years after the
/// last band take [`LAST_RATE`].
const GREEN_BOOK_BANDS: [(u32, f64); 5] = [
    (30, 0.035),
    (75, 0.030),
    (125, 0.025),
    (200, 0.020),
    (300, 0.015),
];
const LAST_RATE: f64 = 0.010;

/// The health schedule scales every standard rate by 1.5/3.5 (METHODS.md 3 gives 1.5% for years
/// 0–30 "then declines", marked [MEM]). The proportional rates are 1.5%, 1.2857%, 1.0714%,
/// 0.8571%, 0.6429% and 0.4286%; the Green Book prints them rounded (1.29%, 1.07%, 0.86%,
/// 0.64%, 0.43%). We use the unrounded ratios so the two schedules decline in step.
const HEALTH_SCALE: f64 = 1.5 / 3.5;

/// The real discount rate that applies in `year` (year 1 is the first discounted year).
fn rate(year: u32, schedule: DiscountSchedule) -> f64 {
    let standard = GREEN_BOOK_BANDS
        .iter()
        .find(|(last, _)| year <= *last)
        .map(|(_, r)| *r)
        .unwrap_or(LAST_RATE);
    match schedule {
        DiscountSchedule::GreenBook => standard,
        DiscountSchedule::GreenBookHealth => standard * HEALTH_SCALE,
    }
}

/// Discount factor for `year` years after the base year (METHODS.md 3, "Discount factor").
///
/// Year 0 is the present and is not discounted. Rates chain across the bands of Green Book
/// Table 6.1: DF_t = 1/1.035^t for t ≤ 30, then DF_t = DF_30/1.03^(t−30) for 31 ≤ t ≤ 75, and so
/// on (2.5% to year 125, 2.0% to 200, 1.5% to 300, 1.0% after). DF_30 = 0.356278 and
/// DF_31 = 0.345901. Each band is applied as one power, so year 1–30 factors are exactly
/// `1/1.035^t`.
pub fn discount_factor(year: u32, schedule: DiscountSchedule) -> f64 {
    let mut df = 1.0;
    let mut first = 1u32;
    let bands = GREEN_BOOK_BANDS
        .iter()
        .map(|(last, _)| *last)
        .chain(std::iter::once(u32::MAX));
    for last in bands {
        if year < first {
            break;
        }
        let years_in_band = year.min(last) - first + 1;
        let r = rate(first, schedule);
        df /= (1.0 + r).powi(years_in_band as i32);
        first = last.saturating_add(1);
    }
    df
}

/// DfT value-for-money category of a benefit-cost ratio (METHODS.md 3, 2015 VfM Framework
/// table). Each band includes its lower bound: a BCR of exactly 1.0 is `Low`, 2.0 is `High`,
/// 4.0 is `VeryHigh` and 0 is `Poor`. (METHODS.md notes that DfT's own treatment of exact
/// boundaries is unverified; lower-bound-inclusive is the project's documented choice.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VfmCategory {
    VeryPoor,
    Poor,
    Low,
    Medium,
    High,
    VeryHigh,
}

impl VfmCategory {
    /// Category of `bcr`; `None` for a non-finite ratio.
    pub fn from_bcr(bcr: f64) -> Option<VfmCategory> {
        if !bcr.is_finite() {
            return None;
        }
        Some(if bcr < 0.0 {
            VfmCategory::VeryPoor
        } else if bcr < 1.0 {
            VfmCategory::Poor
        } else if bcr < 1.5 {
            VfmCategory::Low
        } else if bcr < 2.0 {
            VfmCategory::Medium
        } else if bcr < 4.0 {
            VfmCategory::High
        } else {
            VfmCategory::VeryHigh
        })
    }
    pub fn as_str(self) -> &'static str {
        ["very_poor", "poor", "low", "medium", "high", "very_high"][self as usize]
    }
}

/// One year of an option's cash flow, discounted.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DiscountedYear {
    pub year: u32,
    pub cost: f64,
    pub benefit: f64,
    pub discount_factor: f64,
    pub pv_cost: f64,
    pub pv_benefit: f64,
}

/// The appraisal of one option: the `options` row of FORMATS.md section 2, then detail for pages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptionResult {
    pub spec_id: String,
    pub option_id: String,
    pub pv_costs: f64,
    pub pv_benefits: f64,
    /// Net present social value: PV(benefits) − PV(costs).
    pub npsv: f64,
    /// PV(benefits)/PV(costs) on the total cost base; `None` when PV(costs) is 0.
    pub bcr: Option<f64>,
    pub vfm_category: Option<VfmCategory>,
    /// The option with the highest NPSV in its specification.
    pub preferred: bool,
    pub option_name: String,
    pub years: Vec<DiscountedYear>,
}

/// Present values, NPSV and BCR of one option (METHODS.md 3, "Present value" and "Benefit-cost
/// ratio"). The cost base is every cost in `options.csv` (total cost, not public-sector cost only).
pub fn appraise_option(option: &AppraisalOption, schedule: DiscountSchedule) -> OptionResult {
    let years: Vec<DiscountedYear> = option
        .flows
        .iter()
        .map(|f| {
            let df = discount_factor(f.year, schedule);
            DiscountedYear {
                year: f.year,
                cost: f.cost,
                benefit: f.benefit,
                discount_factor: df,
                pv_cost: f.cost * df,
                pv_benefit: f.benefit * df,
            }
        })
        .collect();
    let pv_costs: f64 = years.iter().map(|y| y.pv_cost).sum();
    let pv_benefits: f64 = years.iter().map(|y| y.pv_benefit).sum();
    let bcr = (pv_costs != 0.0)
        .then(|| pv_benefits / pv_costs)
        .filter(|b| b.is_finite());
    OptionResult {
        spec_id: option.spec_id.clone(),
        option_id: option.option_id.clone(),
        pv_costs,
        pv_benefits,
        npsv: pv_benefits - pv_costs,
        bcr,
        vfm_category: bcr.and_then(VfmCategory::from_bcr),
        preferred: false,
        option_name: option.name.clone(),
        years,
    }
}

/// Preference order within a specification: higher NPSV first, then higher BCR (a defined BCR
/// before none), then option id ascending.
fn preference(a: &OptionResult, b: &OptionResult) -> Ordering {
    b.npsv
        .total_cmp(&a.npsv)
        .then_with(|| match (a.bcr, b.bcr) {
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        })
        .then_with(|| a.option_id.cmp(&b.option_id))
}

/// Appraises every option with the configured discount schedule (METHODS.md 3). Results are
/// grouped by specification id, options in id order within each, and exactly one option per
/// specification is marked preferred: the highest NPSV, ties broken by BCR then option id.
pub fn appraise(project: &Project) -> Vec<OptionResult> {
    let schedule = project.config.procurement.discount_rate_schedule;
    let mut by_spec: BTreeMap<&str, Vec<OptionResult>> = BTreeMap::new();
    for option in &project.options {
        by_spec
            .entry(option.spec_id.as_str())
            .or_default()
            .push(appraise_option(option, schedule));
    }
    let mut out = Vec::new();
    for (_, mut results) in by_spec {
        results.sort_by(|a, b| a.option_id.cmp(&b.option_id));
        if let Some(best) = results
            .iter()
            .enumerate()
            .min_by(|(_, a), (_, b)| preference(a, b))
            .map(|(i, _)| i)
        {
            results[best].preferred = true;
        }
        out.extend(results);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CashFlow;

    fn option(spec: &str, id: &str, flows: &[(u32, f64, f64)]) -> AppraisalOption {
        AppraisalOption {
            spec_id: spec.into(),
            option_id: id.into(),
            name: format!("Option {id}"),
            description: None,
            risk: None,
            flows: flows
                .iter()
                .map(|&(year, cost, benefit)| CashFlow {
                    year,
                    cost,
                    benefit,
                })
                .collect(),
            origin: Default::default(),
        }
    }

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(f64::MIN_POSITIVE)
    }

    #[test]
    fn green_book_published_factors() {
        let g = DiscountSchedule::GreenBook;
        assert_eq!(discount_factor(0, g), 1.0);
        assert_eq!(format!("{:.6}", discount_factor(30, g)), "0.356278");
        assert_eq!(format!("{:.6}", discount_factor(31, g)), "0.345901");
        assert!(close(
            discount_factor(76, g),
            discount_factor(75, g) / 1.025,
            1e-12
        ));
        assert!(close(
            discount_factor(301, g),
            discount_factor(300, g) / 1.01,
            1e-12
        ));
        for t in 0..=30 {
            assert!(close(
                discount_factor(t, g),
                1.0 / 1.035f64.powi(t as i32),
                1e-12
            ));
        }
    }

    #[test]
    fn health_schedule_starts_at_one_and_a_half_percent_and_declines() {
        let h = DiscountSchedule::GreenBookHealth;
        assert!(close(
            discount_factor(30, h),
            1.0 / 1.015f64.powi(30),
            1e-12
        ));
        assert!(close(
            discount_factor(31, h),
            discount_factor(30, h) / (1.0 + 0.03 * 1.5 / 3.5),
            1e-12
        ));
    }

    #[test]
    fn hand_worked_three_year_cash_flow() {
        // Year 0: cost 100, benefit 0; year 1: cost 50, benefit 120; year 2: cost 50, benefit 150.
        let o = option(
            "S",
            "A",
            &[(0, 100.0, 0.0), (1, 50.0, 120.0), (2, 50.0, 150.0)],
        );
        let r = appraise_option(&o, DiscountSchedule::GreenBook);
        let pv_c = 100.0 + 50.0 / 1.035 + 50.0 / (1.035 * 1.035);
        let pv_b = 120.0 / 1.035 + 150.0 / (1.035 * 1.035);
        assert!(close(r.pv_costs, pv_c, 1e-9), "{} vs {pv_c}", r.pv_costs);
        assert!(close(r.pv_benefits, pv_b, 1e-9));
        assert!(close(r.npsv, pv_b - pv_c, 1e-9));
        assert!(close(r.bcr.unwrap(), pv_b / pv_c, 1e-9));
        assert_eq!(r.vfm_category, Some(VfmCategory::Low));
        assert_eq!(r.years.len(), 3);
        assert!(close(
            r.years[2].discount_factor,
            1.0 / 1.035f64.powi(2),
            1e-12
        ));
    }

    #[test]
    fn vfm_boundaries_include_their_lower_bound() {
        use VfmCategory::*;
        let cases = [
            (-0.01, VeryPoor),
            (0.0, Poor),
            (0.99, Poor),
            (1.0, Low),
            (1.5, Medium),
            (1.99, Medium),
            (2.0, High),
            (3.99, High),
            (4.0, VeryHigh),
        ];
        for (bcr, cat) in cases {
            assert_eq!(VfmCategory::from_bcr(bcr), Some(cat), "bcr {bcr}");
        }
        assert_eq!(VfmCategory::from_bcr(f64::NAN), None);
        assert_eq!(
            serde_json::to_string(&VeryHigh).unwrap(),
            "\"very_high\"".to_string()
        );
    }

    #[test]
    fn zero_cost_has_no_bcr_or_category() {
        let r = appraise_option(
            &option("S", "A", &[(0, 0.0, 10.0)]),
            DiscountSchedule::GreenBook,
        );
        assert_eq!(r.bcr, None);
        assert_eq!(r.vfm_category, None);
        assert_eq!(r.npsv, 10.0);
    }

    #[test]
    fn one_preferred_option_per_spec_with_tie_breaks() {
        let p = Project {
            options: vec![
                // S1: B and C tie on NPSV (10); C has the higher BCR.
                option("S1", "B", &[(0, 10.0, 20.0)]),
                option("S1", "C", &[(0, 5.0, 15.0)]),
                option("S1", "A", &[(0, 10.0, 12.0)]),
                // S2: full tie: option id decides.
                option("S2", "Y", &[(0, 1.0, 2.0)]),
                option("S2", "X", &[(0, 1.0, 2.0)]),
            ],
            ..Project::default()
        };
        let r = appraise(&p);
        let ids: Vec<(&str, &str, bool)> = r
            .iter()
            .map(|o| (o.spec_id.as_str(), o.option_id.as_str(), o.preferred))
            .collect();
        assert_eq!(
            ids,
            vec![
                ("S1", "A", false),
                ("S1", "B", false),
                ("S1", "C", true),
                ("S2", "X", true),
                ("S2", "Y", false),
            ]
        );
    }

    #[test]
    fn option_row_serialises_fields_in_formats_order() {
        let r = appraise_option(
            &option("S", "A", &[(0, 1.0, 2.0)]),
            DiscountSchedule::GreenBook,
        );
        let text = serde_json::to_string(&r).unwrap();
        let keys = [
            "spec_id",
            "option_id",
            "pv_costs",
            "pv_benefits",
            "npsv",
            "bcr",
            "vfm_category",
            "preferred",
            "option_name",
            "years",
        ];
        let positions: Vec<usize> = keys
            .iter()
            .map(|k| text.find(&format!("\"{k}\"")).unwrap())
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
    }
}
