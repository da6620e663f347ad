//! The headline figures that appear on more than one page (the home page, the performance
//! dashboard, the resources page), computed once so every page shows the same number.

use super::needs::NeedsAnalysis;
use super::performance::{shows_concern, ContractState, ContractStatus, CpnRating, KpiAnalysis};
use crate::model::Project;
use serde::Serialize;

/// Headline counts and sums of a project.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Headlines {
    /// Indicators whose latest value at the home area is significantly worse than the benchmark.
    pub indicators_worse: usize,
    /// Contracts live or in extension on the as-of date.
    pub live_contracts: usize,
    /// The annual value of those contracts: "a year under contract".
    pub annual_value_live: f64,
    pub kpis: usize,
    /// KPIs that [`shows_concern`]: the same test that rates a contract "Requires improvement".
    pub kpis_of_concern: usize,
    /// Contracts by status, in status order, every status listed (zero counts included).
    pub contracts_by_status: Vec<(ContractState, usize)>,
    /// Contracts by rating, in rating order, every rating listed (zero counts included).
    pub contracts_by_rating: Vec<(CpnRating, usize)>,
}

/// Counts and sums the headline figures once (see [`Headlines`]).
pub fn headlines(
    project: &Project,
    needs: &NeedsAnalysis,
    kpis: &[KpiAnalysis],
    contracts: &[ContractStatus],
) -> Headlines {
    let home = project.config.home_area.as_deref().unwrap_or("");
    let indicators_worse = project
        .indicators
        .keys()
        .filter(|i| {
            needs
                .latest(i, home)
                .and_then(|r| r.comparison)
                .is_some_and(|c| c.is_worse())
        })
        .count();
    let running =
        |s: &&ContractStatus| matches!(s.status, ContractState::Live | ContractState::InExtension);
    let annual_value_live = contracts
        .iter()
        .filter(running)
        .filter_map(|s| project.contracts.get(&s.contract_id))
        .map(|c| c.annual_value)
        .sum();
    let states = [
        ContractState::NotStarted,
        ContractState::Live,
        ContractState::InExtension,
        ContractState::Ended,
    ];
    Headlines {
        indicators_worse,
        live_contracts: contracts.iter().filter(running).count(),
        annual_value_live,
        kpis: kpis.len(),
        kpis_of_concern: kpis.iter().filter(|k| shows_concern(&k.summary)).count(),
        contracts_by_status: states
            .iter()
            .map(|&st| (st, contracts.iter().filter(|c| c.status == st).count()))
            .collect(),
        contracts_by_rating: CpnRating::ALL
            .iter()
            .map(|&r| (r, contracts.iter().filter(|c| c.rating == r).count()))
            .collect(),
    }
}
