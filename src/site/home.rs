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
        description: config.description.clone().unwrap_or_else(|| {
            ix.words.fill(
                "page.home.description",
                &[("organisation", &config.organisation)],
            )
        }),
    }
}

/// The home page's view.
pub fn home_view(ix: &Index) -> HomeView {
    HomeView {
        description: ix.project.config.description.clone().unwrap_or_default(),
        stages: stages(ix),
        as_of: ix
            .analysis
            .as_of
            .map(|d| date(ix.words, d))
            .unwrap_or_default(),
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
    let w = ix.words;
    let figure = |key: &str, value: String| figure(w.get(key), value);
    let stage = |number: usize, key: &str, href: &str, figures: Vec<Figure>, empty: bool| Stage {
        number,
        title: w.get(&format!("home.{key}.title")).into(),
        link: link(href, w.get(&format!("home.{key}.link"))),
        lead: w.get(&format!("home.{key}.lead")).into(),
        figures,
        waiting: empty.then(|| w.get(&format!("home.{key}.waiting")).into()),
        links: Vec::new(),
    };
    let small_share = if project.bids.is_empty() {
        "–".into()
    } else {
        percent(small_bids as f64 / project.bids.len() as f64)
    };
    let planned: f64 = project
        .specifications
        .values()
        .filter_map(|s| s.annual_budget)
        .sum();
    vec![
        Stage {
            links: vec![link("needs/priorities/", w.get("home.needs.priorities"))],
            ..stage(
                1,
                "needs",
                "needs/",
                vec![
                    figure(
                        "home.needs.indicators",
                        project.indicators.len().to_string(),
                    ),
                    figure("home.needs.worse", worse.to_string()),
                    figure("home.needs.ranked", analysis.priorities.len().to_string()),
                ],
                analysis.needs.is_empty(),
            )
        },
        Stage {
            links: vec![
                link("planning/resources/", w.get("home.planning.resources")),
                link("planning/engagement/", w.get("home.planning.engagement")),
            ],
            ..stage(
                2,
                "planning",
                "planning/",
                vec![
                    figure(
                        "home.planning.specifications",
                        project.specifications.len().to_string(),
                    ),
                    figure("home.planning.planned", money_short(planned)),
                    figure(
                        "home.planning.events",
                        project.engagements.len().to_string(),
                    ),
                ],
                project.specifications.is_empty(),
            )
        },
        Stage {
            links: vec![link(
                "procurement/grants/",
                w.get("home.procurement.grants"),
            )],
            ..stage(
                3,
                "procurement",
                "procurement/",
                vec![
                    figure(
                        "home.procurement.tenders",
                        analysis.tenders.len().to_string(),
                    ),
                    figure("home.procurement.small_bids", small_share),
                    figure(
                        "home.procurement.grants_awarded",
                        project.grants.len().to_string(),
                    ),
                ],
                project.bids.is_empty() && project.options.is_empty(),
            )
        },
        Stage {
            links: vec![
                link(
                    "performance/compliance/",
                    w.get("home.performance.compliance"),
                ),
                link("performance/pipeline/", w.get("home.performance.pipeline")),
            ],
            ..stage(
                4,
                "performance",
                "performance/",
                vec![
                    figure("home.performance.live", live.to_string()),
                    figure("home.performance.annual", money_short(annual)),
                    concern_figure(ix, concern),
                ],
                project.contracts.is_empty(),
            )
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
                    .map(|f| (f.label.as_ref(), f.value.as_str()))
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
