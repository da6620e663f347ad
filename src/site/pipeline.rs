//! The re-commissioning pipeline: contracts ending within 18 months, with their rating and the
//! needs their specification answers (where the commissioning cycle starts again).

use super::format::{date, money};
use super::index::Index;
use super::performance::as_of;
use super::words;
use super::{contract_path, crumbs, link, view, Link, Page};
use serde::Serialize;

/// The view of `pipeline.html`.
#[derive(Debug, Serialize)]
pub struct PipelineView {
    pub as_of: String,
    pub rows: Vec<PipelineRow>,
    pub total_annual: String,
}

/// A contract coming to its end.
#[derive(Debug, Serialize)]
pub struct PipelineRow {
    pub link: Link,
    pub supplier: String,
    pub end: String,
    pub months_remaining: u32,
    pub annual_value: String,
    pub total_value: String,
    pub rating: String,
    pub rating_class: String,
    pub spec: Option<Link>,
    pub needs: Vec<Link>,
}

/// The pipeline page.
pub fn page<'a>(ix: &Index<'a>) -> Page<'a> {
    Page {
        path: "performance/pipeline/".into(),
        template: "pipeline.html",
        title: ix.words.get("page.pipeline.title").into(),
        section: "performance",
        breadcrumbs: crumbs(
            ix.words,
            &[(ix.words.get("crumb.performance"), "performance/")],
        ),
        view: view(pipeline_view(ix)),
        description: ix.words.get("page.pipeline.description").into(),
    }
}

/// The pipeline's view.
pub fn pipeline_view(ix: &Index) -> PipelineView {
    let pipeline = &ix.analysis.pipeline;
    PipelineView {
        as_of: as_of(ix),
        rows: pipeline
            .iter()
            .map(|p| PipelineRow {
                link: link(&contract_path(&p.contract_id), p.title.clone()),
                supplier: p.supplier.clone(),
                end: date(ix.words, p.final_end_date),
                months_remaining: p.months_remaining,
                annual_value: money(p.annual_value),
                total_value: money(p.total_value),
                rating: words::of(ix.words, p.rating),
                rating_class: p.rating.as_str().to_string(),
                spec: ix.spec_link(&p.spec_id),
                needs: ix
                    .project
                    .specifications
                    .get(&p.spec_id)
                    .map(|s| ix.needs_links(s))
                    .unwrap_or_default(),
            })
            .collect(),
        total_annual: money(pipeline.iter().map(|p| p.annual_value).sum()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::fixture;

    #[test]
    fn a_contract_near_its_end_is_in_the_pipeline() {
        let (mut project, _) = fixture::project_and_analysis();
        project.config.as_of = Some(crate::site::fixture::day(2026, 4, 1));
        let analysis = crate::analysis::analyse(&project);
        let ix = Index::new(&project, &analysis);
        let v = pipeline_view(&ix);
        assert_eq!(v.as_of, "1 April 2026");
        assert_eq!(v.total_annual, "£90,000");
        let r = &v.rows[0];
        assert_eq!((r.end.as_str(), r.months_remaining), ("31 March 2027", 11));
        assert_eq!(r.spec, Some(link("planning/s1/", "Falls prevention")));
        assert_eq!(
            r.needs,
            vec![link("needs/indicators/falls/", "Falls admissions")]
        );
    }
}
