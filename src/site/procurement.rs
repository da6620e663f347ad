//! The procurement overview page: every specification's route to market (options appraisal,
//! tenders, grants, contracts) and value for money across contracts.

use super::format::{money, number, percent};
use super::index::Index;
use super::words;
use super::{contract_path, crumbs, link, options_path, spec_path, view, Link, Page};
use crate::model::Specification;
use serde::Serialize;
use std::collections::BTreeMap;

/// The view of `procurement.html`.
#[derive(Debug, Serialize)]
pub struct ProcurementView {
    pub routes: Vec<Route>,
    pub tender_count: usize,
    pub bid_count: usize,
    pub sme_vcse_share: String,
    pub vfm: Vec<VfmGroup>,
    pub grants_total: String,
    pub grant_count: usize,
}

/// How one specification is bought.
#[derive(Debug, Serialize)]
pub struct Route {
    pub spec: Link,
    pub status: String,
    pub funding: String,
    pub options: Option<Link>,
    pub tenders: Vec<RouteTender>,
    pub grants: usize,
    pub contracts: Vec<Link>,
}

/// A tender on a specification's route: its page, how many bids it drew, the suppliers it was
/// awarded to (never the ranking, which the publication policy may withhold).
#[derive(Debug, Serialize)]
pub struct RouteTender {
    pub link: Link,
    pub bid_count: usize,
    pub winner: String,
}

/// The value-for-money rows of one service area.
#[derive(Debug, Serialize)]
pub struct VfmGroup {
    pub service_area: String,
    pub rows: Vec<VfmRow>,
}

/// One contract's cost per unit of output.
#[derive(Debug, Serialize)]
pub struct VfmRow {
    pub contract: Link,
    pub service_area: String,
    pub annual_value: String,
    pub output: String,
    pub cost_per_unit: String,
    pub unit: String,
    /// How the output was found, for the words the template shows.
    pub basis: crate::analysis::unit_cost::OutputBasis,
}

/// The procurement overview page.
pub fn page<'a>(ix: &Index<'a>) -> Page<'a> {
    Page {
        path: "procurement/".into(),
        template: "procurement.html",
        title: ix.words.get("page.procurement.title").into(),
        section: "procurement",
        breadcrumbs: crumbs(ix.words, &[]),
        view: view(procurement_view(ix)),
        description: ix.words.get("page.procurement.description").into(),
    }
}

/// The overview's view.
pub fn procurement_view(ix: &Index) -> ProcurementView {
    let (project, analysis) = (ix.project, ix.analysis);
    let bids = project.bids.len();
    let small = project
        .bids
        .iter()
        .filter(|b| b.supplier_type.is_some_and(|t| t.is_sme_or_vcse()))
        .count();
    ProcurementView {
        routes: project
            .specifications
            .values()
            .map(|s| route(ix, s))
            .collect(),
        tender_count: analysis.tenders.len(),
        bid_count: bids,
        sme_vcse_share: if bids == 0 {
            "–".into()
        } else {
            percent(small as f64 / bids as f64)
        },
        vfm: vfm_groups(ix),
        grants_total: money(project.grants.values().map(|g| g.amount_awarded).sum()),
        grant_count: project.grants.len(),
    }
}

fn route(ix: &Index, s: &Specification) -> Route {
    Route {
        spec: link(&spec_path(&s.id), s.title.clone()),
        status: words::of(ix.words, s.status),
        funding: words::funding(ix.words, s.funding),
        options: ix.options_by_spec.contains_key(s.id.as_str()).then(|| {
            link(
                &options_path(&s.id),
                ix.words.get("procurement.options_link"),
            )
        }),
        tenders: ix
            .tenders_by_spec
            .get(s.id.as_str())
            .into_iter()
            .flatten()
            .map(|t| RouteTender {
                link: super::tender::tender_link(ix, t),
                bid_count: t.bid_count,
                winner: super::tender::awarded_suppliers(ix, t).join("; "),
            })
            .collect(),
        grants: ix.grants_by_spec.get(s.id.as_str()).map_or(0, Vec::len),
        contracts: ix
            .contracts_by_spec
            .get(s.id.as_str())
            .into_iter()
            .flatten()
            .filter_map(|c| ix.project.contracts.get(*c))
            .map(|c| link(&contract_path(&c.contract_id), c.supplier.clone()))
            .collect(),
    }
}

/// Value for money by service area (contracts without one under "Other"), areas in order.
fn vfm_groups(ix: &Index) -> Vec<VfmGroup> {
    let mut groups: BTreeMap<String, Vec<VfmRow>> = BTreeMap::new();
    for v in &ix.analysis.value_for_money {
        let Some(contract) = ix.contract_link(&v.contract_id) else {
            continue;
        };
        groups
            .entry(
                v.service_area
                    .clone()
                    .unwrap_or_else(|| ix.words.get("procurement.other_service_area").into()),
            )
            .or_default()
            .push(VfmRow {
                contract,
                service_area: v.service_area.clone().unwrap_or_default(),
                annual_value: money(v.annual_value),
                output: number(v.output_per_year, 0),
                cost_per_unit: v.cost_per_unit.map(money).unwrap_or_else(|| "–".into()),
                unit: v
                    .unit
                    .clone()
                    .unwrap_or_else(|| ix.words.get("procurement.default_unit").into()),
                basis: v.basis,
            });
    }
    groups
        .into_iter()
        .map(|(service_area, rows)| VfmGroup { service_area, rows })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::fixture;

    #[test]
    fn routes_totals_and_value_for_money() {
        let (project, analysis) = fixture::project_and_analysis();
        let ix = Index::new(&project, &analysis);
        let v = procurement_view(&ix);
        assert_eq!((v.tender_count, v.bid_count), (1, 2));
        // One of the two bids is from a VCSE.
        assert_eq!(v.sme_vcse_share, "50%");
        assert_eq!((v.grants_total.as_str(), v.grant_count), ("£20,000", 2));

        let falls = &v.routes[0];
        assert_eq!(falls.spec, link("planning/s1/", "Falls prevention"));
        assert_eq!(
            (falls.status.as_str(), falls.funding.as_str()),
            ("Procurement", "Contract")
        );
        assert_eq!(
            falls.options.as_ref().map(|l| l.href.as_str()),
            Some("procurement/options/s1/index.html")
        );
        assert_eq!(falls.tenders.len(), 1);
        let t = &falls.tenders[0];
        assert_eq!(t.link, link("procurement/tenders/t1/", "Tender T1"));
        assert_eq!((t.bid_count, t.winner.as_str()), (2, "Helping Hands"));
        assert_eq!(
            falls.contracts,
            vec![link("performance/contracts/c1/", "Helping Hands")]
        );
        let grants = &v.routes[1];
        assert_eq!((grants.funding.as_str(), grants.grants), ("Grants", 2));
        assert!(grants.options.is_none() && grants.tenders.is_empty());

        // K1 reports four months (30, 40, 50, 60): less than a year, so the mean times 12 = 540
        // people a year, and £90,000 / 540 = £166.67 per person.
        assert_eq!(v.vfm.len(), 1);
        assert_eq!(v.vfm[0].service_area, "Adult care");
        let row = &v.vfm[0].rows[0];
        assert_eq!(row.contract.text, "Falls service — Helping Hands");
        assert_eq!(
            (
                row.annual_value.as_str(),
                row.output.as_str(),
                row.cost_per_unit.as_str()
            ),
            ("£90,000", "540", "£167")
        );
        assert_eq!(row.unit, "person");
        // Nothing says stock or flow: "People supported" is guessed a flow.
        use crate::analysis::unit_cost::OutputMethod;
        assert_eq!(row.basis.method, OutputMethod::AnnualisedMean);
        assert_eq!((row.basis.periods, row.basis.guessed), (4, true));
    }
}
