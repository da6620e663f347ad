//! Cost per unit of output of each contract whose specification names an `output_kpi`: the
//! annual value divided by the average stock or the yearly flow the KPI reports (METHODS.md 4.1,
//! project copy in docs/METHODS.md).

use crate::model::{Kpi, PeriodKind, Project, Specification, StockOrFlow};
use serde::Serialize;

/// How the yearly output was found from the KPI's returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputMethod {
    /// A stock: the mean of the latest year's counts (or of every count, with less than a year).
    AverageOfStock,
    /// A flow with at least a year of returns: the sum of the latest year's counts.
    SumOfYear,
    /// A flow with less than a year of returns: their mean times the periods in a year.
    AnnualisedMean,
}

impl OutputMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            OutputMethod::AverageOfStock => "average_of_stock",
            OutputMethod::SumOfYear => "sum_of_year",
            OutputMethod::AnnualisedMean => "annualised_mean",
        }
    }
}

/// What the output figure is built from, for the words beside it ("average of 12 monthly
/// caseloads", "sum of 12 monthly totals").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OutputBasis {
    pub stock_or_flow: StockOrFlow,
    /// True when neither the specification nor the returns said stock or flow and it was guessed
    /// from the KPI's name ([`StockOrFlow::guess`]); validation warns.
    pub guessed: bool,
    pub method: OutputMethod,
    /// How many returns the figure is built from.
    pub periods: usize,
    /// Their period kind (all of one kind: the latest return's).
    pub period_kind: PeriodKind,
}

/// Cost per unit of output of a contract whose specification names an `output_kpi`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueForMoney {
    pub contract_id: String,
    pub service_area: Option<String>,
    pub annual_value: f64,
    pub output_kpi: String,
    /// The average stock, or the flow in a year.
    pub output_per_year: f64,
    /// annual_value / output_per_year; `None` when output is not positive.
    pub cost_per_unit: Option<f64>,
    /// The specification's `output_unit`, else the KPI's unit.
    pub unit: Option<String>,
    pub basis: OutputBasis,
}

/// Whether a specification's output KPI is a stock or a flow, and whether that was guessed: the
/// specification's `output_stock_or_flow`, else the returns' `stock_or_flow`, else the guess from
/// the KPI's name (METHODS.md 4.1).
pub fn stock_or_flow(spec: &Specification, kpi: &Kpi) -> (StockOrFlow, bool) {
    match spec.output_stock_or_flow.or(kpi.stock_or_flow) {
        Some(s) => (s, false),
        None => (StockOrFlow::guess(&kpi.name), true),
    }
}

/// Reporting periods in a year for a period kind (a multi-year period is a fraction of one).
fn periods_per_year(kind: PeriodKind, years: i32) -> f64 {
    match kind {
        PeriodKind::Day => 365.0,
        PeriodKind::Month => 12.0,
        PeriodKind::Quarter => 4.0,
        PeriodKind::Year | PeriodKind::FinancialYear => 1.0,
        PeriodKind::MultiYear => 1.0 / years.max(1) as f64,
    }
}

/// Yearly output of a KPI's actuals, in period order, as (kind, years spanned, value) (METHODS.md
/// 4.1), with how it was found, from how many returns, and their period kind. Only returns of the
/// latest return's period kind count. A stock is the mean of the latest
/// year's returns (all of them with less than a year); a flow is the sum of the latest year's
/// returns, or with less than a year their mean times the periods in a year.
pub fn output_per_year(
    points: &[(PeriodKind, i32, f64)],
    measure: StockOrFlow,
) -> Option<(f64, OutputMethod, usize, PeriodKind)> {
    let &(kind, years, _) = points.last()?;
    let per_year = periods_per_year(kind, years);
    let same: Vec<f64> = points
        .iter()
        .filter(|(k, _, _)| *k == kind)
        .map(|(_, _, v)| *v)
        .collect();
    let n = (per_year.round() as usize).max(1);
    let year = &same[same.len().saturating_sub(n)..];
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (output, method, periods) = match measure {
        StockOrFlow::Stock => (mean(year), OutputMethod::AverageOfStock, year.len()),
        StockOrFlow::Flow if per_year >= 1.0 && same.len() >= n => {
            (year.iter().sum(), OutputMethod::SumOfYear, n)
        }
        StockOrFlow::Flow => (
            mean(&same) * per_year,
            OutputMethod::AnnualisedMean,
            same.len(),
        ),
    };
    Some((output, method, periods, kind))
}

/// Cost per unit of output for every contract (in id order) whose specification sets
/// `output_kpi` and which reports that KPI with at least one actual.
pub fn value_for_money(project: &Project) -> Vec<ValueForMoney> {
    let mut out = Vec::new();
    for contract in project.contracts.values() {
        let Some(spec) = project.specifications.get(&contract.spec_id) else {
            continue;
        };
        let Some(kpi_id) = &spec.output_kpi else {
            continue;
        };
        let Some(kpi) = project
            .kpis
            .get(&(contract.contract_id.clone(), kpi_id.clone()))
        else {
            continue;
        };
        let mut points: Vec<_> = kpi
            .points
            .iter()
            .filter_map(|p| Some((&p.period, p.actual?)))
            .collect();
        points.sort_by_key(|(p, _)| p.start);
        let points: Vec<(PeriodKind, i32, f64)> = points
            .into_iter()
            .map(|(p, v)| (p.kind, p.year_range(), v))
            .collect();
        let (measure, guessed) = stock_or_flow(spec, kpi);
        let Some((output, method, periods, period_kind)) = output_per_year(&points, measure) else {
            continue;
        };
        out.push(ValueForMoney {
            contract_id: contract.contract_id.clone(),
            service_area: spec.service_area.clone(),
            annual_value: contract.annual_value,
            output_kpi: kpi_id.clone(),
            output_per_year: output,
            cost_per_unit: (output > 0.0).then(|| contract.annual_value / output),
            unit: spec.output_unit.clone().or_else(|| kpi.unit.clone()),
            basis: OutputBasis {
                stock_or_flow: measure,
                guessed,
                method,
                periods,
                period_kind,
            },
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Contract, Funding, KpiPoint, Period, Polarity, SpecStatus};
    use chrono::NaiveDate;

    fn spec(id: &str) -> Specification {
        Specification {
            id: id.into(),
            title: id.into(),
            status: SpecStatus::Live,
            service_area: None,
            summary: None,
            addresses: vec![],
            annual_budget: None,
            term_years: None,
            extension_years: None,
            commissioners: vec![],
            providers_engaged: None,
            outcomes: vec![],
            social_value: vec![],
            milestones: vec![],
            evaluation: None,
            funding: Funding::Contract,
            output_kpi: None,
            output_unit: None,
            output_stock_or_flow: None,
            links: vec![],
            body_markdown: String::new(),
            origin: Default::default(),
            body_line: 0,
        }
    }

    fn contract(id: &str, spec_id: &str, annual_value: f64) -> Contract {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        Contract {
            contract_id: id.into(),
            spec_id: spec_id.into(),
            title: id.into(),
            supplier: "Supplier".into(),
            start_date: d(2024, 4, 1),
            end_date: d(2027, 3, 31),
            annual_value,
            total_value: annual_value * 3.0,
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
            origin: Default::default(),
            memo: Default::default(),
        }
    }

    /// Monthly returns from April 2024.
    fn monthly_kpi(name: &str, values: &[f64], measure: Option<StockOrFlow>) -> Kpi {
        Kpi {
            contract_id: "C1".into(),
            kpi_id: "K-OUT".into(),
            name: name.into(),
            unit: Some("people".into()),
            polarity: Polarity::HigherIsBetter,
            stock_or_flow: measure,
            points: values
                .iter()
                .enumerate()
                .map(|(i, v)| KpiPoint {
                    period: Period::month(2024 + (i as i32 + 3) / 12, (i as u32 + 3) % 12 + 1)
                        .unwrap(),
                    actual: Some(*v),
                    target: None,
                    rebase: false,
                    rebase_reason: None,
                    origin: Default::default(),
                })
                .collect(),
            origin: Default::default(),
        }
    }

    fn project(kpi: Kpi) -> Project {
        let mut p = Project::default();
        let mut s = spec("S1");
        s.output_kpi = Some("K-OUT".into());
        p.specifications.insert("S1".into(), s);
        p.contracts
            .insert("C1".into(), contract("C1", "S1", 120_000.0));
        p.kpis.insert(("C1".into(), "K-OUT".into()), kpi);
        p
    }

    /// A caseload of about 1,500 people a month: £120,000 ÷ the average caseload, not ÷ twelve
    /// caseloads added up.
    #[test]
    fn stock_kpi_divides_by_the_average_caseload() {
        // 14 months: the first two (100 each) fall outside the latest year, whose twelve
        // caseloads 1,480 … 1,535 average 18,090 / 12 = 1,507.5.
        let mut v = vec![100.0, 100.0];
        v.extend([
            1480.0, 1490.0, 1500.0, 1510.0, 1520.0, 1535.0, 1495.0, 1505.0, 1515.0, 1500.0, 1510.0,
            1530.0,
        ]);
        let stock = Some(StockOrFlow::Stock);
        let r = &value_for_money(&project(monthly_kpi("In treatment", &v, stock)))[0];
        assert_eq!(r.output_per_year, 1507.5);
        // £120,000 ÷ 1,507.5 = £79.60 per person a year (the old sum gave £6.63).
        assert!((r.cost_per_unit.unwrap() - 79.601_990_049_751_24).abs() < 1e-9);
        assert_eq!(r.basis.method, OutputMethod::AverageOfStock);
        assert_eq!(
            (r.basis.periods, r.basis.period_kind),
            (12, PeriodKind::Month)
        );
        assert!(!r.basis.guessed);
        // Three months only: the average of the three.
        let r = &value_for_money(&project(monthly_kpi("x", &[10.0, 20.0, 30.0], stock)))[0];
        assert_eq!((r.output_per_year, r.basis.periods), (20.0, 3));
        assert_eq!(r.cost_per_unit, Some(6000.0));
    }

    /// Referrals are a flow: the latest twelve months are summed.
    #[test]
    fn flow_kpi_divides_by_the_yearly_sum() {
        let flow = Some(StockOrFlow::Flow);
        // 14 months: the first two (1,000 each) fall outside the last 12 (10 each): 120 a year,
        // £120,000 ÷ 120 = £1,000 per referral.
        let mut v = vec![1000.0, 1000.0];
        v.extend([10.0; 12]);
        let r = &value_for_money(&project(monthly_kpi("Referrals", &v, flow)))[0];
        assert_eq!(r.output_per_year, 120.0);
        assert_eq!(r.cost_per_unit, Some(1000.0));
        assert_eq!(r.basis.method, OutputMethod::SumOfYear);
        assert_eq!(r.basis.periods, 12);
        assert_eq!(r.unit.as_deref(), Some("people"));
        // Three months with a mean of 20: 240 a year, £500 each.
        let r = &value_for_money(&project(monthly_kpi("x", &[10.0, 20.0, 30.0], flow)))[0];
        assert_eq!(
            (r.output_per_year, r.basis.method),
            (240.0, OutputMethod::AnnualisedMean)
        );
        assert_eq!((r.cost_per_unit, r.basis.periods), (Some(500.0), 3));
    }

    /// Nothing says: guessed from the name, and the specification wins over the returns.
    #[test]
    fn stock_or_flow_guessed_from_the_name_or_set_by_the_specification() {
        let k = monthly_kpi("People in structured treatment", &[1.0], None);
        let mut s = spec("S1");
        assert_eq!(stock_or_flow(&s, &k), (StockOrFlow::Stock, true));
        let k = monthly_kpi("Referrals received", &[1.0], None);
        assert_eq!(stock_or_flow(&s, &k), (StockOrFlow::Flow, true));
        let k = monthly_kpi("Referrals received", &[1.0], Some(StockOrFlow::Stock));
        assert_eq!(stock_or_flow(&s, &k), (StockOrFlow::Stock, false));
        s.output_stock_or_flow = Some(StockOrFlow::Flow);
        assert_eq!(stock_or_flow(&s, &k), (StockOrFlow::Flow, false));
    }
}
