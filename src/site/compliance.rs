//! The Procurement Act 2023 compliance page: contracts over the KPI threshold with fewer than
//! three KPIs (s.52) or no performance assessment in the last 12 months (s.71).

use super::format::{money, period_in};
use super::index::Index;
use super::performance::as_of;
use super::{contract_path, crumbs, link, view, words, Link, Page};
use crate::analysis::performance::{procurement_act_applies, Flag, PROCUREMENT_ACT_IN_FORCE};
use serde::Serialize;

/// The view of `compliance.html`.
#[derive(Debug, Serialize)]
pub struct ComplianceView {
    pub as_of: String,
    pub threshold: String,
    /// Contracts procured under the Act whose total value is over the threshold.
    pub in_scope: usize,
    /// The day the Act came into force, for the rule the page states.
    pub in_force: String,
    pub rows: Vec<ComplianceRow>,
}

/// A contract with a compliance flag.
#[derive(Debug, Serialize)]
pub struct ComplianceRow {
    pub link: Link,
    pub supplier: String,
    pub total_value: String,
    pub kpi_count: usize,
    pub last_assessed: String,
    pub flags: Vec<String>,
}

/// The compliance page.
pub fn page<'a>(ix: &Index<'a>) -> Page<'a> {
    Page {
        path: "performance/compliance/".into(),
        template: "compliance.html",
        title: ix.words.get("page.compliance.title").into(),
        section: "performance",
        breadcrumbs: crumbs(
            ix.words,
            &[(ix.words.get("crumb.performance"), "performance/")],
        ),
        view: view(compliance_view(ix)),
        description: ix.words.get("page.compliance.description").into(),
    }
}

fn is_compliance(f: &Flag) -> bool {
    matches!(f, Flag::TooFewKpis | Flag::AssessmentOverdue)
}

/// The compliance page's view.
pub fn compliance_view(ix: &Index) -> ComplianceView {
    let project = ix.project;
    let threshold = project.config.performance.kpi_threshold_value;
    let rows = ix
        .analysis
        .contracts
        .iter()
        .filter(|s| s.flags.iter().any(is_compliance))
        .filter_map(|s| project.contracts.get(&s.contract_id).map(|c| (s, c)))
        .map(|(s, c)| ComplianceRow {
            link: link(&contract_path(&c.contract_id), c.title.clone()),
            supplier: c.supplier.clone(),
            total_value: money(c.total_value),
            kpi_count: s.kpi_count,
            last_assessed: s
                .last_assessed
                .as_ref()
                .map(|p| period_in(ix.words, &p.label))
                .unwrap_or_else(|| ix.words.get("compliance.never_assessed").into()),
            flags: s
                .flags
                .iter()
                .filter(|f| is_compliance(f))
                .map(|f| words::of(ix.words, *f))
                .collect(),
        })
        .collect();
    ComplianceView {
        as_of: as_of(ix),
        threshold: money(threshold),
        in_scope: project
            .contracts
            .values()
            .filter(|c| c.total_value > threshold && procurement_act_applies(c))
            .count(),
        in_force: super::format::date(ix.words, PROCUREMENT_ACT_IN_FORCE),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::fixture;

    #[test]
    fn a_small_contract_is_out_of_scope() {
        let (mut project, analysis) = fixture::project_and_analysis();
        let ix = Index::new(&project, &analysis);
        let v = compliance_view(&ix);
        // £270,000 is under the £5m threshold.
        assert_eq!((v.threshold.as_str(), v.in_scope), ("£5,000,000", 0));
        assert!(v.rows.is_empty());
        // Over the threshold with one KPI, but awarded (1 March 2024) before the Procurement Act
        // 2023 came into force: not in scope.
        project.config.performance.kpi_threshold_value = 100_000.0;
        let analysis = crate::analysis::analyse(&project);
        let ix = Index::new(&project, &analysis);
        let v = compliance_view(&ix);
        assert_eq!((v.in_scope, v.in_force.as_str()), (0, "24 February 2025"));
        assert!(v.rows.is_empty());
        // Marked as procured under the Act: flagged under s.52.
        for c in project.contracts.values_mut() {
            c.details.procurement_act_2023 = Some(true);
        }
        let analysis = crate::analysis::analyse(&project);
        let ix = Index::new(&project, &analysis);
        let v = compliance_view(&ix);
        assert_eq!(v.in_scope, 1);
        assert_eq!(
            v.rows[0].flags,
            vec!["Fewer than 3 KPIs (Procurement Act 2023 s.52)"]
        );
        assert_eq!(
            (v.rows[0].kpi_count, v.rows[0].total_value.as_str()),
            (1, "£270,000")
        );
    }
}
