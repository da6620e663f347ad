//! The home page: the four-stage commissioning cycle with headline figures and the way into each
//! stage; plus free pages and the generated accessibility statement.

use super::format::{money_short, percent};
use super::{crumbs, link, view, Link, Page};
use crate::analysis::needs::Comparison;
use crate::analysis::Analysis;
use crate::model::Project;
use crate::render::markdown::render_markdown;
use serde::Serialize;

#[derive(Serialize)]
struct Stage {
    number: usize,
    title: String,
    link: Link,
    lead: String,
    figures: Vec<(String, String)>,
    waiting: Option<String>,
    links: Vec<Link>,
}

/// The home page, free pages, and the accessibility statement.
pub fn pages<'a>(project: &'a Project, analysis: &'a Analysis) -> Vec<Page<'a>> {
    let mut pages = Vec::new();
    let home = project.config.home_area.clone().unwrap_or_default();
    let worse = project
        .indicators
        .keys()
        .filter(|i| {
            analysis
                .needs
                .latest(i, &home)
                .and_then(|r| r.comparison)
                .is_some_and(|c| matches!(c, Comparison::Worse | Comparison::Worst))
        })
        .count();
    let live = analysis
        .contracts
        .iter()
        .filter(|c| matches!(c.status.as_str(), "live" | "in_extension"))
        .count();
    let annual: f64 = project.contracts.values().map(|c| c.annual_value).sum();
    let concern = analysis
        .kpis
        .iter()
        .filter(|k| {
            k.summary.variation == Some(crate::analysis::spc::PointType::SpecialCauseConcern)
        })
        .count();
    let small_bids = project
        .bids
        .iter()
        .filter(|b| b.supplier_type.is_some_and(|t| t.is_sme_or_vcse()))
        .count();
    let stages = vec![
        Stage {
            number: 1,
            title: "Joint needs assessment".into(),
            link: link("needs/", "Needs assessment"),
            lead: "What the area needs: indicators compared with England, recent trends, and a ranked list of priorities.".into(),
            figures: vec![
                ("indicators".into(), project.indicators.len().to_string()),
                ("significantly worse than the benchmark".into(), worse.to_string()),
                ("priorities ranked".into(), analysis.priorities.len().to_string()),
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
                ("service specifications".into(), project.specifications.len().to_string()),
                ("a year planned".into(), money_short(project.specifications.values().filter_map(|s| s.annual_budget).sum())),
                ("engagement events".into(), project.engagements.len().to_string()),
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
                ("tenders evaluated".into(), analysis.tenders.len().to_string()),
                ("bids from small and voluntary organisations".into(), if project.bids.is_empty() { "–".into() } else { percent(small_bids as f64 / project.bids.len() as f64) }),
                ("grants awarded".into(), project.grants.len().to_string()),
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
                ("live contracts".into(), live.to_string()),
                ("a year under contract".into(), money_short(annual)),
                ("KPIs showing concern".into(), concern.to_string()),
            ],
            waiting: project.contracts.is_empty().then(|| "Waiting for contracts: add contracts/register and KPI returns.".into()),
            links: vec![link("performance/compliance/", "Compliance"), link("performance/pipeline/", "Pipeline")],
        },
    ];
    #[derive(Serialize)]
    struct Home {
        description: String,
        stages: Vec<Stage>,
        as_of: String,
        pipeline: usize,
    }
    pages.push(Page {
        path: String::new(),
        template: "index.html",
        title: project.config.title.clone(),
        section: "home",
        breadcrumbs: Vec::new(),
        view: view(Home {
            description: project.config.description.clone().unwrap_or_default(),
            stages,
            as_of: analysis.as_of.map(super::format::date).unwrap_or_default(),
            pipeline: analysis.pipeline.len(),
        }),
        description: project.config.description.clone().unwrap_or_else(|| {
            format!(
                "How {} commissions public services.",
                project.config.organisation
            )
        }),
    });

    #[derive(Serialize)]
    struct FreePage {
        body: String,
    }
    for p in project.pages.values() {
        pages.push(Page {
            path: format!("{}/", crate::model::slug(&p.stem)),
            template: "page.html",
            title: p.title.clone(),
            section: "about",
            breadcrumbs: crumbs(&[]),
            view: view(FreePage {
                body: render_markdown(&p.body_markdown),
            }),
            description: p.title.clone(),
        });
    }
    if !project.pages.contains_key("accessibility") {
        #[derive(Serialize)]
        struct Statement {
            organisation: String,
            contact: String,
        }
        pages.push(Page {
            path: "accessibility/".into(),
            template: "accessibility.html",
            title: "Accessibility statement".into(),
            section: "about",
            breadcrumbs: crumbs(&[]),
            view: view(Statement {
                organisation: project.config.organisation.clone(),
                contact: project.config.contact_email.clone().unwrap_or_default(),
            }),
            description: format!("Accessibility statement for {}.", project.config.title),
        });
    }
    pages
}
