//! The resources page: budgets by status and service area, live contract and grant spending, and
//! the market of providers (engagement events, bids, SME and voluntary share per tender).

use super::format::{date, money, money_short, percent};
use super::index::Index;
use super::words;
use super::{crumbs, link, spec_path, view, Link, Page};
use crate::model::SpecStatus;
use serde::Serialize;
use std::collections::BTreeMap;

/// The view of `resources.html`.
#[derive(Debug, Serialize)]
pub struct ResourcesView {
    pub total: String,
    pub by_status: Vec<BudgetTotal>,
    pub by_area: Vec<BudgetTotal>,
    pub live_contracts_annual: String,
    pub grants_total: String,
    pub grant_count: usize,
    pub providers_engaged: u32,
    pub market_events: Vec<MarketEvent>,
    pub bids: usize,
    pub sme_vcse_share: String,
    pub tenders: Vec<TenderMarket>,
}

/// The specifications of one status or service area and their annual budget.
#[derive(Debug, Serialize, PartialEq)]
pub struct BudgetTotal {
    pub name: String,
    pub count: usize,
    pub budget: String,
    pub share: String,
}

/// A milestone that engaged the market of providers.
#[derive(Debug, Serialize, PartialEq)]
pub struct MarketEvent {
    pub date: String,
    pub event: String,
    pub spec: Link,
}

/// A tender's bids and the share from SMEs and voluntary organisations.
#[derive(Debug, Serialize, PartialEq)]
pub struct TenderMarket {
    pub tender: Link,
    /// The specification the tender buys.
    pub service: Option<Link>,
    pub bid_count: usize,
    pub sme_vcse_share: String,
}

/// The resources page.
pub fn page<'a>(ix: &Index<'a>) -> Page<'a> {
    let total: f64 = ix
        .project
        .specifications
        .values()
        .filter_map(|s| s.annual_budget)
        .sum();
    Page {
        path: "planning/resources/".into(),
        template: "resources.html",
        title: ix.words.get("page.resources.title").into(),
        section: "planning",
        breadcrumbs: crumbs(ix.words, &[(ix.words.get("crumb.planning"), "planning/")]),
        view: view(resources_view(ix)),
        description: ix.words.fill(
            "page.resources.description",
            &[("total", &money_short(total))],
        ),
    }
}

/// The resources page's view.
pub fn resources_view(ix: &Index) -> ResourcesView {
    let (project, analysis) = (ix.project, ix.analysis);
    let specs = &project.specifications;
    let total: f64 = specs.values().filter_map(|s| s.annual_budget).sum();
    let mut by_status: BTreeMap<SpecStatus, (usize, f64)> = BTreeMap::new();
    let mut by_area: BTreeMap<String, (usize, f64)> = BTreeMap::new();
    for s in specs.values() {
        let e = by_status.entry(s.status).or_default();
        e.0 += 1;
        e.1 += s.annual_budget.unwrap_or(0.0);
        let e = by_area
            .entry(
                s.service_area
                    .clone()
                    .unwrap_or_else(|| ix.words.get("resources.no_service_area").into()),
            )
            .or_default();
        e.0 += 1;
        e.1 += s.annual_budget.unwrap_or(0.0);
    }
    let sum = |name: String, (count, budget): (usize, f64)| BudgetTotal {
        name,
        count,
        budget: money(budget),
        share: if total > 0.0 {
            percent(budget / total)
        } else {
            "–".into()
        },
    };
    let bids = &project.bids;
    let sme_vcse = bids
        .iter()
        .filter(|b| b.supplier_type.is_some_and(|t| t.is_sme_or_vcse()))
        .count();
    ResourcesView {
        total: money(total),
        by_status: by_status
            .into_iter()
            .map(|(k, v)| sum(words::of(ix.words, k), v))
            .collect(),
        by_area: by_area.into_iter().map(|(k, v)| sum(k, v)).collect(),
        // The home page's "a year under contract", computed and formatted once.
        live_contracts_annual: money_short(analysis.headlines.annual_value_live),
        grants_total: money(project.grants.values().map(|g| g.amount_awarded).sum()),
        grant_count: project.grants.len(),
        providers_engaged: specs.values().filter_map(|s| s.providers_engaged).sum(),
        market_events: market_events(ix),
        bids: bids.len(),
        sme_vcse_share: if bids.is_empty() {
            "–".into()
        } else {
            percent(sme_vcse as f64 / bids.len() as f64)
        },
        tenders: analysis
            .tenders
            .iter()
            .map(|t| TenderMarket {
                tender: super::tender::tender_link(ix, t),
                service: ix.spec_link(&t.spec_id),
                bid_count: t.bid_count,
                sme_vcse_share: percent(t.sme_vcse_share),
            })
            .collect(),
    }
}

/// Milestones that mention the market or providers, specification by specification.
fn market_events(ix: &Index) -> Vec<MarketEvent> {
    ix.project
        .specifications
        .values()
        .flat_map(|s| {
            s.milestones
                .iter()
                .filter(|m| {
                    m.event.to_lowercase().contains("market")
                        || m.event.to_lowercase().contains("provider")
                })
                .map(move |m| MarketEvent {
                    date: date(ix.words, m.date),
                    event: m.event.clone(),
                    spec: link(&spec_path(&s.id), s.title.clone()),
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::fixture;

    #[test]
    fn budgets_and_the_market() {
        let (project, analysis) = fixture::project_and_analysis();
        let ix = Index::new(&project, &analysis);
        let v = resources_view(&ix);
        // Only S1 has a budget: £120,000, all of it at "Procurement" and in "Adult care".
        assert_eq!(v.total, "£120,000");
        let all = BudgetTotal {
            name: "Procurement".into(),
            count: 2,
            budget: "£120,000".into(),
            share: "100%".into(),
        };
        assert_eq!(v.by_status, vec![all]);
        assert_eq!(v.by_area[0].name, "Adult care");
        assert_eq!((v.grants_total.as_str(), v.grant_count), ("£20,000", 2));
        assert_eq!(
            v.market_events,
            vec![MarketEvent {
                date: "12 September 2023".into(),
                event: "Market engagement event".into(),
                spec: link("planning/s1/", "Falls prevention"),
            }]
        );
        assert_eq!((v.bids, v.sme_vcse_share.as_str()), (2, "50%"));
        assert_eq!(
            v.tenders,
            vec![TenderMarket {
                tender: link("procurement/tenders/t1/", "Tender T1"),
                service: Some(link("planning/s1/", "Falls prevention")),
                bid_count: 2,
                sme_vcse_share: "50%".into(),
            }]
        );
    }
}
