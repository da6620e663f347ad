//! Specification pages: what a service must do, the needs it answers (with their priority and
//! comparison), social value and its delivery, milestones, and every step of its cycle (options,
//! tenders, contracts, grants, engagement).

use super::engagement::{response_view, ResponseView};
use super::format::{date, money, number};
use super::index::Index;
use super::markdown::render_markdown;
use super::words;
use super::{
    crumbs, engagement_path, grant_link, indicator_path, link, options_path, spec_path,
    tender_path, view, Link, Page,
};
use crate::model::{SocialValueCommitment, SpecStatus, Specification};
use serde::Serialize;

/// The view of `specification.html`.
#[derive(Debug, Serialize)]
pub struct SpecView {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub status: String,
    pub status_class: String,
    pub service_area: String,
    pub annual_budget: String,
    pub whole_life: String,
    pub term: String,
    pub commissioners: Vec<String>,
    pub providers_engaged: String,
    pub outcomes: Vec<String>,
    pub social_value: Vec<SocialValueView>,
    pub milestones: Vec<MilestoneView>,
    pub evaluation: Option<WeightsView>,
    pub funding: String,
    /// The specification's Markdown body as sanitised HTML.
    pub body: String,
    pub needs: Vec<NeedRef>,
    pub contracts: Vec<Link>,
    pub tenders: Vec<Link>,
    pub grants: Vec<Link>,
    pub options: Option<Link>,
    pub engagements: Vec<Link>,
    pub responses: Vec<ResponseView>,
    pub links: Vec<Link>,
}

/// A need the specification answers, with its priority rank and its comparison with the
/// benchmark in the home area.
#[derive(Debug, Serialize)]
pub struct NeedRef {
    pub link: Link,
    pub priority: String,
    pub comparison: String,
    pub comparison_label: String,
}

/// A social value commitment and what its KPI has delivered so far.
#[derive(Debug, Serialize)]
pub struct SocialValueView {
    pub theme: String,
    pub measure: String,
    pub target: String,
    pub delivered: String,
}

/// A dated milestone.
#[derive(Debug, Serialize)]
pub struct MilestoneView {
    pub date: String,
    pub event: String,
}

/// Tender evaluation weights, in percent.
#[derive(Debug, Serialize)]
pub struct WeightsView {
    pub price: String,
    pub quality: String,
    pub social_value: String,
}

/// One page per specification.
pub fn pages<'a>(ix: &Index<'a>) -> Vec<Page<'a>> {
    ix.project
        .specifications
        .values()
        .map(|s| Page {
            path: spec_path(&s.id),
            template: "specification.html",
            title: s.title.clone(),
            section: "planning",
            breadcrumbs: crumbs(ix.words, &[(ix.words.get("crumb.planning"), "planning/")]),
            view: view(spec_view(ix, s)),
            description: s.summary.clone().unwrap_or_else(|| {
                ix.words.fill(
                    "page.specification.description",
                    &[("specification", &s.title)],
                )
            }),
        })
        .collect()
}

/// One specification's view.
pub fn spec_view(ix: &Index, s: &Specification) -> SpecView {
    let project = ix.project;
    let whole_life = match (s.annual_budget, s.term_years) {
        (Some(b), Some(t)) => money(b * (t + s.extension_years.unwrap_or(0.0))),
        _ => "–".into(),
    };
    let term = match (s.term_years, s.extension_years) {
        (Some(t), Some(e)) if e > 0.0 => ix.words.fill(
            "specification.term_with_extension",
            &[("years", &number(t, 0)), ("extension", &number(e, 0))],
        ),
        (Some(t), _) => ix
            .words
            .fill("specification.term", &[("years", &number(t, 0))]),
        _ => "–".into(),
    };
    SpecView {
        id: s.id.clone(),
        title: s.title.clone(),
        summary: s.summary.clone().unwrap_or_default(),
        status: words::of(ix.words, s.status),
        status_class: s.status.as_str().into(),
        service_area: s.service_area.clone().unwrap_or_default(),
        annual_budget: s.annual_budget.map(money).unwrap_or_else(|| "–".into()),
        whole_life,
        term,
        commissioners: s.commissioners.clone(),
        providers_engaged: s
            .providers_engaged
            .map(|p| p.to_string())
            .unwrap_or_else(|| "–".into()),
        outcomes: s.outcomes.clone(),
        social_value: s
            .social_value
            .iter()
            .map(|sv| social_value_view(ix, s, sv))
            .collect(),
        milestones: s
            .milestones
            .iter()
            .map(|m| MilestoneView {
                date: date(ix.words, m.date),
                event: m.event.clone(),
            })
            .collect(),
        evaluation: s.evaluation.map(|e| WeightsView {
            price: number(e.price, 0),
            quality: number(e.quality, 0),
            social_value: number(e.social_value, 0),
        }),
        funding: match s.funding {
            crate::model::Funding::Contract => {
                ix.words.get("specification.funding_contract").into()
            }
            crate::model::Funding::Grant => ix.words.get("specification.funding_grant").into(),
        },
        body: render_markdown(&s.body_markdown),
        needs: need_refs(ix, s),
        contracts: ix.contract_links(&s.id),
        tenders: ix
            .tenders_by_spec
            .get(s.id.as_str())
            .into_iter()
            .flatten()
            .map(|t| {
                link(
                    &tender_path(&t.tender_id),
                    ix.words.fill(
                        "specification.tender_link",
                        &[("tender", &t.tender_id), ("bids", &t.bid_count)],
                    ),
                )
            })
            .collect(),
        grants: ix
            .grants_by_spec
            .get(s.id.as_str())
            .into_iter()
            .flatten()
            .filter_map(|g| project.grants.get(*g))
            .map(grant_link)
            .collect(),
        options: ix.options_by_spec.contains_key(s.id.as_str()).then(|| {
            link(
                &options_path(&s.id),
                ix.words.get("procurement.options_link"),
            )
        }),
        engagements: ix
            .engagements_by_spec
            .get(s.id.as_str())
            .into_iter()
            .flatten()
            .filter_map(|e| project.engagements.get(*e))
            .map(|e| {
                link(
                    &engagement_path(&e.id),
                    ix.words.fill(
                        "specification.engagement_link",
                        &[("event", &e.title), ("date", &date(ix.words, e.date))],
                    ),
                )
            })
            .collect(),
        responses: project
            .responses
            .iter()
            .filter(|r| r.spec_id == s.id)
            .map(|r| response_view(ix, r))
            .collect(),
        links: s
            .links
            .iter()
            .map(|l| Link {
                href: l.url.clone(),
                text: l.title.clone(),
            })
            .collect(),
    }
}

/// The needs a specification answers, with their priority and comparison in the home area.
fn need_refs(ix: &Index, s: &Specification) -> Vec<NeedRef> {
    let (project, analysis) = (ix.project, ix.analysis);
    let (home, bench) = (ix.home_code(), ix.benchmark_name());
    s.addresses
        .iter()
        .filter_map(|i| project.indicators.get(i))
        .map(|i| {
            let cell = super::needs::comparison_cell(
                ix.words,
                analysis.needs.latest(&i.id, home),
                &bench,
                i.display_decimals(),
            );
            NeedRef {
                link: link(&indicator_path(&i.id), i.name.clone()),
                priority: analysis
                    .priorities
                    .iter()
                    .find(|p| p.indicator_id == i.id)
                    .map(|p| {
                        ix.words
                            .fill("specification.priority_rank", &[("rank", &p.rank)])
                    })
                    .unwrap_or_default(),
                comparison: cell.comparison,
                comparison_label: cell.label,
            }
        })
        .collect()
}

/// What a social value commitment's KPI has delivered across the specification's contracts.
fn social_value_view(ix: &Index, s: &Specification, sv: &SocialValueCommitment) -> SocialValueView {
    let delivered = sv
        .kpi_id
        .as_ref()
        .and_then(|k| {
            let contracts = ix.contracts_by_spec.get(s.id.as_str())?;
            let mut total = 0.0;
            let mut found = false;
            for c in contracts {
                for ka in ix
                    .kpis_by_contract
                    .get(c)
                    .into_iter()
                    .flatten()
                    .filter(|x| &x.kpi_id == k)
                {
                    found = true;
                    total += ka.rows.iter().filter_map(|r| r.actual).sum::<f64>();
                }
            }
            found.then(|| {
                ix.words
                    .fill("social_value.so_far", &[("total", &number(total, 0))])
            })
        })
        .unwrap_or_else(|| {
            if matches!(s.status, SpecStatus::Live | SpecStatus::Awarded) {
                ix.words.get("social_value.not_reported").into()
            } else {
                ix.words.get("social_value.not_live").into()
            }
        });
    SocialValueView {
        theme: sv.theme.clone(),
        measure: sv.measure.clone(),
        target: sv.target.map(|t| number(t, 0)).unwrap_or_default(),
        delivered,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::fixture;

    #[test]
    fn a_specification_joins_its_cycle() {
        let (project, analysis) = fixture::project_and_analysis();
        let ix = Index::new(&project, &analysis);
        let v = spec_view(&ix, &project.specifications["S1"]);
        // £120,000 a year for 3 years plus 1 year's extension.
        assert_eq!(
            (v.annual_budget.as_str(), v.whole_life.as_str()),
            ("£120,000", "£480,000")
        );
        assert_eq!(v.term, "3 years, with up to 1 years' extension");
        let weights = v.evaluation.as_ref().unwrap();
        assert_eq!(
            (
                weights.price.as_str(),
                weights.quality.as_str(),
                weights.social_value.as_str()
            ),
            ("60", "30", "10")
        );
        assert_eq!(v.milestones[0].date, "12 September 2023");
        assert_eq!(v.funding, "Contract");
        // Hartside's 2,400 (2,200 to 2,600) is above England's 2,000, and lower is better.
        assert_eq!(v.needs.len(), 1);
        assert_eq!(
            v.needs[0].link,
            link("needs/indicators/falls/", "Falls admissions")
        );
        assert_eq!(v.needs[0].comparison, "worse");
        assert_eq!(v.needs[0].comparison_label, "Worse than England");
        assert_eq!(v.needs[0].priority, "rank 1");
        assert_eq!(v.contracts[0].text, "Falls service — Helping Hands");
        assert_eq!(
            v.tenders,
            vec![link("procurement/tenders/t1/", "Tender T1 (2 bids)")]
        );
        assert_eq!(
            v.options.as_ref().unwrap().href,
            "procurement/options/s1/index.html"
        );
        assert_eq!(
            v.engagements,
            vec![link(
                "planning/engagement/e1/",
                "Falls workshop (20 November 2023)"
            )]
        );
        assert_eq!(v.responses[0].status, "Done");
        let grants = spec_view(&ix, &project.specifications["S2"]);
        assert_eq!(
            grants.funding,
            "Grants to voluntary and community organisations"
        );
        assert_eq!(grants.grants[1].text, "Grant G2 — Youth Club (£15,000)");
    }
}
