//! The performance dashboard: every contract with its status, rating, KPI counts and flags, and
//! how many contracts have each rating. Shared with other page kinds: a contract's KPI counts in
//! words.

use super::format::{date, money, money_short};
use super::home::Figure;
use super::index::Index;
use super::{contract_path, crumbs, link, view, words, Count, Link, Page};
use crate::analysis::performance::{shows_concern, ContractStatus, KpiAnalysis};
use crate::analysis::spc::{Assurance, PointType};
use crate::load::theme::Strings;
use crate::model::Contract;
use serde::Serialize;

/// The view of `performance.html`.
#[derive(Debug, Serialize)]
pub struct DashboardView {
    pub as_of: String,
    pub contracts: Vec<ContractLine>,
    pub ratings: Vec<Count>,
    pub rating_rule: String,
    /// The headline figures the home page also shows, worded and formatted alike.
    pub figures: Vec<Figure>,
}

/// One contract as a row of the dashboard.
#[derive(Debug, Serialize)]
pub struct ContractLine {
    pub link: Link,
    pub supplier: String,
    pub spec: Option<Link>,
    pub annual_value: String,
    pub annual_value_raw: f64,
    pub end_date: String,
    pub status: String,
    pub rating: String,
    pub rating_class: String,
    pub kpi_count: usize,
    pub concern: usize,
    pub improvement: usize,
    pub flags: Vec<String>,
}

/// "as of 1 April 2025", or "the latest data" without an `as_of` date.
pub fn as_of(ix: &Index) -> String {
    ix.analysis
        .as_of
        .map(|d| date(ix.words, d))
        .unwrap_or_else(|| ix.words.get("page.performance.no_as_of").into())
}

/// The dashboard page.
pub fn page<'a>(ix: &Index<'a>) -> Page<'a> {
    Page {
        path: "performance/".into(),
        template: "performance.html",
        title: ix.words.get("page.performance.title").into(),
        section: "performance",
        breadcrumbs: crumbs(ix.words, &[]),
        view: view(dashboard_view(ix)),
        description: ix
            .words
            .fill("page.performance.description", &[("as_of", &as_of(ix))]),
    }
}

/// The dashboard's view.
pub fn dashboard_view(ix: &Index) -> DashboardView {
    let h = &ix.analysis.headlines;
    let figure = |label: &str, value: String| Figure {
        label: label.to_string(),
        value,
        note: None,
    };
    DashboardView {
        as_of: as_of(ix),
        contracts: ix
            .project
            .contracts
            .values()
            .map(|c| contract_line(ix, c))
            .collect(),
        ratings: h
            .contracts_by_rating
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(r, n)| Count {
                label: words::of(ix.words, *r),
                count: *n,
            })
            .collect(),
        rating_rule: ix.words.get("rating.rule").to_string(),
        figures: vec![
            figure(
                ix.words.get("home.performance.live"),
                h.live_contracts.to_string(),
            ),
            figure(
                ix.words.get("home.performance.annual"),
                money_short(h.annual_value_live),
            ),
            super::home::concern_figure(ix, h.kpis_of_concern),
        ],
    }
}

fn contract_line(ix: &Index, c: &Contract) -> ContractLine {
    let status = ix.status.get(c.contract_id.as_str()).copied();
    let kpis = ix.kpis(&c.contract_id);
    let count = |p: PointType| {
        kpis.iter()
            .filter(|k| k.summary.variation == Some(p))
            .count()
    };
    ContractLine {
        link: link(&contract_path(&c.contract_id), c.title.clone()),
        supplier: c.supplier.clone(),
        spec: ix.spec_link(&c.spec_id),
        annual_value: money(c.annual_value),
        annual_value_raw: c.annual_value,
        end_date: date(ix.words, c.final_end_date()),
        status: status_words(ix.words, status),
        rating: rating_words(ix.words, status),
        rating_class: rating_class(status),
        kpi_count: kpis.len(),
        concern: kpis.iter().filter(|k| shows_concern(&k.summary)).count(),
        improvement: count(PointType::SpecialCauseImprovement),
        flags: flag_words(ix.words, status),
    }
}

/// A contract's status (not started, live, in extension, ended) in words.
pub fn status_words(w: &Strings, status: Option<&ContractStatus>) -> String {
    status.map(|s| words::of(w, s.status)).unwrap_or_default()
}

/// A contract's performance rating in words (empty when the contract has no status).
pub fn rating_words(w: &Strings, status: Option<&ContractStatus>) -> String {
    status.map(|s| words::of(w, s.rating)).unwrap_or_default()
}

/// A contract's performance rating as a CSS class suffix (`rating-…`), never page text.
pub fn rating_class(status: Option<&ContractStatus>) -> String {
    status
        .map(|s| s.rating.as_str().to_string())
        .unwrap_or_default()
}

/// A contract's flags in words.
pub fn flag_words(w: &Strings, status: Option<&ContractStatus>) -> Vec<String> {
    status
        .map(|s| s.flags.iter().map(|f| words::of(w, *f)).collect())
        .unwrap_or_default()
}

/// Plain-text counts of a contract's KPI variation and assurance, for pages along the cycle.
pub fn kpi_summary_counts(w: &Strings, kpis: &[&KpiAnalysis]) -> (String, String) {
    if kpis.is_empty() {
        return (w.get("kpi.counts_none").into(), String::new());
    }
    let mut improvement = 0;
    let mut concern = 0;
    let mut pass = 0;
    let mut fail = 0;
    let mut hit_miss = 0;
    for k in kpis {
        match k.summary.variation {
            Some(PointType::SpecialCauseImprovement) => improvement += 1,
            Some(PointType::SpecialCauseConcern) => concern += 1,
            _ => {}
        }
        match k.summary.assurance {
            Assurance::ConsistentPass => pass += 1,
            Assurance::ConsistentFail => fail += 1,
            Assurance::Inconsistent => hit_miss += 1,
            Assurance::NotApplicable => {}
        }
    }
    (
        w.fill(
            "kpi.counts_variation",
            &[
                ("count", &kpis.len()),
                ("improvement", &improvement),
                ("concern", &concern),
            ],
        ),
        w.fill(
            "kpi.counts_assurance",
            &[("pass", &pass), ("hit_miss", &hit_miss), ("fail", &fail)],
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::fixture;

    #[test]
    fn contracts_rated_and_counted() {
        let (project, analysis) = fixture::project_and_analysis();
        let ix = Index::new(&project, &analysis);
        let v = dashboard_view(&ix);
        // K1's latest actual (60) meets its target (40) without special-cause concern: Good.
        assert_eq!(
            v.ratings,
            vec![Count {
                label: "Good".into(),
                count: 1
            }]
        );
        let c = &v.contracts[0];
        assert_eq!(c.link, link("performance/contracts/c1/", "Falls service"));
        assert_eq!(
            (c.annual_value.as_str(), c.end_date.as_str()),
            ("£90,000", "31 March 2027")
        );
        assert_eq!(
            (
                c.rating.as_str(),
                c.rating_class.as_str(),
                c.status.as_str()
            ),
            ("Good", "good", "Live")
        );
        assert_eq!((c.kpi_count, c.concern, c.improvement), (1, 0, 0));
        assert!(c.flags.is_empty());
        // The rating rule is the theme's, and names every rating.
        assert!(v
            .rating_rule
            .starts_with("The rating is derived from the contract's KPIs"));
        assert!(v.rating_rule.contains("Inadequate"));
        assert_eq!(
            kpi_summary_counts(ix.words, ix.kpis("C1")),
            (
                "1 KPIs: 0 improving, 0 of concern".to_string(),
                "0 consistently meeting target, 1 hit and miss, 0 consistently failing".to_string()
            )
        );
        assert_eq!(kpi_summary_counts(ix.words, &[]).0, "No KPI returns");
    }
}
