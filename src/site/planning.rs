//! The delivery planning overview: every specification with its status, budget, funding and the
//! needs it answers, and how many specifications are at each status.

use super::format::money;
use super::index::Index;
use super::{crumbs, link, spec_path, view, words, Count, Link, Page};
use crate::model::{SpecStatus, Specification};
use serde::Serialize;
use std::collections::BTreeMap;

/// The view of `planning.html`.
#[derive(Debug, Serialize)]
pub struct PlanningView {
    pub specs: Vec<SpecLine>,
    pub by_status: Vec<Count>,
    pub engagement_count: usize,
}

/// One specification as a row of the overview.
#[derive(Debug, Serialize)]
pub struct SpecLine {
    pub link: Link,
    pub status: String,
    pub status_class: String,
    pub service_area: String,
    pub annual_budget: String,
    pub summary: String,
    pub funding: String,
    pub needs: Vec<Link>,
}

/// The planning overview page.
pub fn page<'a>(ix: &Index<'a>) -> Page<'a> {
    Page {
        path: "planning/".into(),
        template: "planning.html",
        title: ix.words.get("page.planning.title").into(),
        section: "planning",
        breadcrumbs: crumbs(ix.words, &[]),
        view: view(planning_view(ix)),
        description: ix.words.fill(
            "page.planning.description",
            &[("count", &ix.project.specifications.len())],
        ),
    }
}

/// The overview's view.
pub fn planning_view(ix: &Index) -> PlanningView {
    let project = ix.project;
    let mut by_status: BTreeMap<SpecStatus, usize> = BTreeMap::new();
    for s in project.specifications.values() {
        *by_status.entry(s.status).or_default() += 1;
    }
    PlanningView {
        specs: project
            .specifications
            .values()
            .map(|s| spec_line(ix, s))
            .collect(),
        by_status: by_status
            .into_iter()
            .map(|(k, count)| Count {
                label: words::of(ix.words, k),
                count,
            })
            .collect(),
        engagement_count: project.engagements.len(),
    }
}

fn spec_line(ix: &Index, s: &Specification) -> SpecLine {
    SpecLine {
        link: link(&spec_path(&s.id), s.title.clone()),
        status: words::of(ix.words, s.status),
        status_class: s.status.as_str().into(),
        service_area: s.service_area.clone().unwrap_or_default(),
        annual_budget: s.annual_budget.map(money).unwrap_or_else(|| "–".into()),
        summary: s.summary.clone().unwrap_or_default(),
        funding: words::funding(ix.words, s.funding),
        needs: ix.needs_links(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::fixture;

    #[test]
    fn specifications_listed_and_counted_by_status() {
        let (project, analysis) = fixture::project_and_analysis();
        let ix = Index::new(&project, &analysis);
        let v = planning_view(&ix);
        assert_eq!(
            v.by_status,
            vec![Count {
                label: "Procurement".into(),
                count: 2
            }]
        );
        assert_eq!(v.specs.len(), 2);
        let falls = &v.specs[0];
        assert_eq!(falls.link, link("planning/s1/", "Falls prevention"));
        assert_eq!(
            (
                falls.status.as_str(),
                falls.status_class.as_str(),
                falls.funding.as_str()
            ),
            ("Procurement", "procurement", "Contract")
        );
        assert_eq!(falls.annual_budget, "£120,000");
        assert_eq!(
            falls.needs,
            vec![link("needs/indicators/falls/", "Falls admissions")]
        );
        assert_eq!(v.specs[1].funding, "Grants");
        assert_eq!(v.engagement_count, 1);
    }
}
