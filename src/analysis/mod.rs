//! Analysis: pure functions of the validated model that compute every published statistic. Knows
//! nothing of templates, charts or files.

pub mod appraisal;
pub mod disclosure;
pub mod headlines;
pub mod needs;
pub mod performance;
pub mod priorities;
pub mod spc;
pub mod stats;
pub mod tender;
pub mod unit_cost;

use crate::model::{KpiPoint, Project};
use chrono::NaiveDate;
use std::sync::Arc;

/// Every statistic computed for a project, in one place for the pages and data files.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// Reporting date: `as_of` from the config, else the latest date in the data (never the clock).
    pub as_of: Option<NaiveDate>,
    pub needs: needs::NeedsAnalysis,
    pub priorities: Vec<priorities::Priority>,
    pub options: Vec<appraisal::OptionResult>,
    pub tenders: Vec<tender::TenderEvaluation>,
    pub value_for_money: Vec<unit_cost::ValueForMoney>,
    pub kpis: Vec<performance::KpiAnalysis>,
    pub contracts: Vec<performance::ContractStatus>,
    pub pipeline: Vec<performance::PipelineEntry>,
    /// Figures shown on more than one page, computed once.
    pub headlines: headlines::Headlines,
}

/// Runs every analysis over a validated project.
pub fn analyse(project: &Project) -> Analysis {
    let series = SeriesFacts::of(project);
    let needs = needs::analyse_needs(project);
    let kpis = performance::analyse_kpis(project);
    finish(project, series, needs, kpis)
}

/// [`analyse`] for a build that keeps no model after it: the observations are taken out of the
/// project once the needs statistics are made from them, and freed while the KPIs are analysed;
/// the KPI return values are taken out once the KPIs are analysed (`Project::release_observations`,
/// `Project::release_kpi_returns`) and returned, for the caller to free where it does not wait
/// on it. So a series and its analysis are in memory together only while it is analysed, and no
/// core stops to free them. The same statistics as [`analyse`]; nothing after the analysis reads
/// the raw series (ARCHITECTURE.md, invariant 10).
pub fn analyse_releasing(project: &mut Project) -> (Analysis, Vec<Arc<[KpiPoint]>>) {
    let (series, needs) = rayon::join(
        || SeriesFacts::of(project),
        || needs::analyse_needs(project),
    );
    let observations = project.release_observations();
    let (kpis, ()) = rayon::join(
        || performance::analyse_kpis(project),
        move || drop(observations),
    );
    let returns = project.release_kpi_returns();
    (finish(project, series, needs, kpis), returns)
}

/// [`analyse`] given the project's needs statistics (`needs::analyse_needs`) and KPI analyses
/// (`performance::analyse_kpis`), the two largest parts, which a caller may have kept from an
/// earlier analysis of the same indicators, observations, KPIs and settings.
pub fn analyse_with(
    project: &Project,
    needs: needs::NeedsAnalysis,
    kpis: Vec<performance::KpiAnalysis>,
) -> Analysis {
    finish(project, SeriesFacts::of(project), needs, kpis)
}

/// What the rest of the analysis takes from the raw series (observations and KPI returns),
/// besides the needs statistics and KPI analyses: taken first, so the series can be freed.
struct SeriesFacts {
    as_of: Option<NaiveDate>,
    value_for_money: Vec<unit_cost::ValueForMoney>,
}

impl SeriesFacts {
    fn of(project: &Project) -> SeriesFacts {
        SeriesFacts {
            as_of: performance::default_as_of(project),
            value_for_money: unit_cost::value_for_money(project),
        }
    }
}

/// The analysis from its parts; reads no observation or KPI return value.
fn finish(
    project: &Project,
    series: SeriesFacts,
    needs: needs::NeedsAnalysis,
    kpis: Vec<performance::KpiAnalysis>,
) -> Analysis {
    let SeriesFacts {
        as_of,
        value_for_money,
    } = series;
    let priorities = priorities::prioritise(project, &needs);
    let options = appraisal::appraise(project);
    let tenders = tender::evaluate_tenders(project, as_of);
    let not_top = tender::award_not_top_ranked(&tenders);
    let (contracts, pipeline) = match as_of {
        Some(d) => {
            let contracts = performance::analyse_contracts(project, &kpis, d, &not_top);
            let pipeline = performance::pipeline(project, &contracts, d);
            (contracts, pipeline)
        }
        None => (Vec::new(), Vec::new()),
    };
    let headlines = headlines::headlines(project, &needs, &kpis, &contracts);
    Analysis {
        headlines,
        as_of,
        needs,
        priorities,
        options,
        tenders,
        value_for_money,
        kpis,
        contracts,
        pipeline,
    }
}
