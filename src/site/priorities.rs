//! The priorities page: the home area's needs ranked by the Hanlon basic priority rating
//! (METHODS.md 5), with the specifications and contracts that answer each.

use super::format::number;
use super::index::Index;
use super::needs::{contract_refs, ContractRef};
use super::{crumbs, indicator_path, link, view, Link, Page};
use crate::analysis::priorities::Priority;
use serde::Serialize;

/// The view of `priorities.html`.
#[derive(Debug, Serialize)]
pub struct PrioritiesView {
    pub home_name: String,
    pub method: String,
    pub rows: Vec<PriorityRow>,
    /// Priorities no specification addresses.
    pub gaps: usize,
}

/// One ranked need.
#[derive(Debug, Serialize)]
pub struct PriorityRow {
    pub rank: usize,
    pub indicator: Link,
    pub size_a: String,
    pub seriousness_b: String,
    pub effectiveness_c: String,
    pub bpr: String,
    /// The five PEARL checks in order: propriety, economics, acceptability, resources, legality.
    pub pearl: Vec<bool>,
    pub opr: String,
    pub explanation: Vec<String>,
    pub specifications: Vec<Link>,
    pub contracts: Vec<ContractRef>,
}

/// The priorities page.
pub fn page<'a>(ix: &Index<'a>) -> Page<'a> {
    let home_name = ix.home_name();
    Page {
        path: "needs/priorities/".into(),
        template: "priorities.html",
        title: "Priorities".into(),
        section: "needs",
        breadcrumbs: crumbs(&[("Needs assessment", "needs/")]),
        view: view(priorities_view(ix)),
        description: format!("The needs of {home_name} ranked by the Hanlon basic priority rating, with the services that answer each."),
    }
}

/// The priorities page's view.
pub fn priorities_view(ix: &Index) -> PrioritiesView {
    let rows: Vec<PriorityRow> = ix
        .analysis
        .priorities
        .iter()
        .map(|p| priority_row(ix, p))
        .collect();
    PrioritiesView {
        home_name: ix.home_name(),
        method: ix.words.get("priorities.method").to_string(),
        gaps: rows.iter().filter(|r| r.specifications.is_empty()).count(),
        rows,
    }
}

fn priority_row(ix: &Index, p: &Priority) -> PriorityRow {
    let name = ix
        .project
        .indicators
        .get(&p.indicator_id)
        .map(|i| i.name.clone())
        .unwrap_or_else(|| p.indicator_id.clone());
    PriorityRow {
        rank: p.rank,
        indicator: link(&indicator_path(&p.indicator_id), name),
        size_a: number(p.size_a, 1),
        seriousness_b: number(p.seriousness_b, 1),
        effectiveness_c: number(p.effectiveness_c, 1),
        bpr: number(p.bpr, 1),
        pearl: p.pearl.chars().map(|c| c == '1').collect(),
        opr: number(p.opr, 1),
        explanation: p.explanation.clone(),
        specifications: p
            .addressed_by
            .iter()
            .filter_map(|s| ix.spec_link(s))
            .collect(),
        contracts: contract_refs(ix, &ix.contracts_for_indicator(&p.indicator_id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::fixture;

    #[test]
    fn priorities_with_the_services_that_answer_them() {
        let (project, analysis) = fixture::project_and_analysis();
        let ix = Index::new(&project, &analysis);
        let v = priorities_view(&ix);
        assert_eq!((v.home_name.as_str(), v.gaps), ("Hartside", 0));
        assert!(v
            .method
            .starts_with("Each indicator is scored with the Hanlon method."));
        let r = &v.rows[0];
        assert_eq!(r.rank, 1);
        assert_eq!(
            r.indicator,
            link("needs/indicators/falls/", "Falls admissions")
        );
        assert_eq!(
            r.specifications,
            vec![link("planning/s1/", "Falls prevention")]
        );
        assert_eq!(r.contracts[0].link.text, "Falls service");
    }
}
