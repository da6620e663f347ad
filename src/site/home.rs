//! The home page: the four-stage commissioning cycle with headline figures and the way into each
//! stage.

use super::format::{date, money_short, percent};
use super::index::Index;
use super::{link, view, Link, Page};
use serde::Serialize;

/// The view of `index.html`.
#[derive(Debug, Serialize)]
pub struct HomeView {
    pub description: String,
    pub stages: Vec<Stage>,
    pub as_of: String,
    /// Contracts in the re-commissioning pipeline.
    pub pipeline: usize,
}

/// A stage of the commissioning cycle.
#[derive(Debug, Serialize)]
pub struct Stage {
    pub number: usize,
    pub title: String,
    pub link: Link,
    pub lead: String,
    pub figures: Vec<Figure>,
    /// What the stage waits for, when the project has none of its data yet.
    pub waiting: Option<String>,
    pub links: Vec<Link>,
}

/// A headline figure: its value and what it counts.
#[derive(Debug, Serialize, PartialEq)]
pub struct Figure {
    pub label: String,
    pub value: String,
    /// What the figure counts, where its label alone could be read more than one way.
    pub note: Option<String>,
}

fn figure(label: &str, value: String) -> Figure {
    Figure {
        label: label.into(),
        value,
        note: None,
    }
}

/// The "KPIs showing concern" headline with its definition; the dashboard shows the same.
pub fn concern_figure(ix: &Index, count: usize) -> Figure {
    Figure {
        label: ix.words.get("kpi.concern").into(),
        value: count.to_string(),
        note: Some(ix.words.get("kpi.concern_means").into()),
    }
}

/// The home page.
pub fn page<'a>(ix: &Index<'a>) -> Page<'a> {
    let config = &ix.project.config;
    Page {
        path: String::new(),
        template: "index.html",
        title: config.title.clone(),
        section: "home",
        breadcrumbs: Vec::new(),
        view: view(home_view(ix)),
        description: config
            .description
            .clone()
            .unwrap_or_else(|| format!("How {} commissions public services.", config.organisation)),
    }
}

/// The home page's view.
pub fn home_view(ix: &Index) -> HomeView {
    HomeView {
        description: ix.project.config.description.clone().unwrap_or_default(),
        stages: stages(ix),
        as_of: ix.analysis.as_of.map(date).unwrap_or_default(),
        pipeline: ix.analysis.pipeline.len(),
    }
}

/// The four stages with their headline figures.
fn stages(ix: &Index) -> Vec<Stage> {
    let (project, analysis) = (ix.project, ix.analysis);
    // Headline figures are computed once (analysis::headlines) so other pages show the same.
    let h = &analysis.headlines;
    let (worse, live, annual, concern) = (
        h.indicators_worse,
        h.live_contracts,
        h.annual_value_live,
        h.kpis_of_concern,
    );
    let small_bids = project
        .bids
        .iter()
        .filter(|b| b.supplier_type.is_some_and(|t| t.is_sme_or_vcse()))
        .count();
    vec![
        Stage {
            number: 1,
            title: "Joint needs assessment".into(),
            link: link("needs/", "Needs assessment"),
            lead: "What the area needs: indicators compared with England, recent trends, and a ranked list of priorities.".into(),
            figures: vec![
                figure("indicators", project.indicators.len().to_string()),
                figure("significantly worse than the benchmark", worse.to_string()),
                figure("priorities ranked", analysis.priorities.len().to_string()),
            ],
            waiting: project.observations.is_empty().then(|| "Waiting for needs data: add indicator values to needs/.".into()),
            links: vec![link("needs/priorities/", "Priorities")],
        },
        Stage {
            number: 2,
            title: "Delivery planning".into(),
            link: link("planning/", "Delivery planning"),
            lead: "How services are designed: specifications, social value, resources, co-design with residents and providers.".into(),
            figures: vec![
                figure("service specifications", project.specifications.len().to_string()),
                figure("a year planned", money_short(project.specifications.values().filter_map(|s| s.annual_budget).sum())),
                figure("engagement events", project.engagements.len().to_string()),
            ],
            waiting: project.specifications.is_empty().then(|| "Waiting for specifications: add Markdown files to specifications/.".into()),
            links: vec![link("planning/resources/", "Resources"), link("planning/engagement/", "You said, we did")],
        },
        Stage {
            number: 3,
            title: "Procurement".into(),
            link: link("procurement/", "Procurement"),
            lead: "How services are bought: options appraisal, competition, evaluation and award, and grants to the voluntary sector.".into(),
            figures: vec![
                figure("tenders evaluated", analysis.tenders.len().to_string()),
                figure("bids from small and voluntary organisations", if project.bids.is_empty() { "–".into() } else { percent(small_bids as f64 / project.bids.len() as f64) }),
                figure("grants awarded", project.grants.len().to_string()),
            ],
            waiting: (project.bids.is_empty() && project.options.is_empty()).then(|| "Waiting for procurement data: add procurement/options.csv and bids.csv.".into()),
            links: vec![link("procurement/grants/", "Grants")],
        },
        Stage {
            number: 4,
            title: "Performance management".into(),
            link: link("performance/", "Performance"),
            lead: "How services perform: every KPI judged with statistical process control, legal duties checked, and contracts due for re-commissioning.".into(),
            figures: vec![
                figure("live contracts", live.to_string()),
                figure("a year under contract", money_short(annual)),
                concern_figure(ix, concern),
            ],
            waiting: project.contracts.is_empty().then(|| "Waiting for contracts: add contracts/register and KPI returns.".into()),
            links: vec![link("performance/compliance/", "Compliance"), link("performance/pipeline/", "Pipeline")],
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::fixture;

    #[test]
    fn the_cycle_in_headline_figures() {
        let (project, analysis) = fixture::project_and_analysis();
        let ix = Index::new(&project, &analysis);
        let v = home_view(&ix);
        let figures: Vec<Vec<(&str, &str)>> = v
            .stages
            .iter()
            .map(|s| {
                s.figures
                    .iter()
                    .map(|f| (f.label.as_str(), f.value.as_str()))
                    .collect()
            })
            .collect();
        assert_eq!(
            figures,
            [
                vec![
                    ("indicators", "1"),
                    ("significantly worse than the benchmark", "1"),
                    ("priorities ranked", "1")
                ],
                vec![
                    ("service specifications", "2"),
                    ("a year planned", "£120k"),
                    ("engagement events", "1")
                ],
                vec![
                    ("tenders evaluated", "1"),
                    ("bids from small and voluntary organisations", "50%"),
                    ("grants awarded", "2")
                ],
                vec![
                    ("live contracts", "1"),
                    ("a year under contract", "£90k"),
                    ("KPIs showing concern", "0")
                ],
            ]
        );
        assert!(v.stages.iter().all(|s| s.waiting.is_none()));
        assert_eq!(
            page(&ix).description,
            "How Hartside Council commissions public services."
        );
    }
}
