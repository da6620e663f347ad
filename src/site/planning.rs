//! Delivery planning pages: specifications with their needs, social value, milestones, engagement
//! and funding; the resources view; and the co-design ("you said, we did") pages.

use super::format::{date, money, money_short, number, percent};
use super::index::Index;
use super::{
    contract_path, crumbs, engagement_path, grant_path, indicator_path, link, options_path,
    spec_path, tender_path, view, Link, Page,
};
use crate::analysis::Analysis;
use crate::model::{Funding, Project, ResponseStatus, SpecStatus, Specification};
use crate::render::markdown::render_markdown;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
struct SpecLine {
    link: Link,
    status: String,
    status_class: String,
    service_area: String,
    annual_budget: String,
    summary: String,
    funding: String,
    needs: Vec<Link>,
}

fn spec_line(s: &Specification, project: &Project) -> SpecLine {
    SpecLine {
        link: link(&spec_path(&s.id), s.title.clone()),
        status: s.status.label().into(),
        status_class: s.status.as_str().into(),
        service_area: s.service_area.clone().unwrap_or_default(),
        annual_budget: s.annual_budget.map(money).unwrap_or_else(|| "–".into()),
        summary: s.summary.clone().unwrap_or_default(),
        funding: match s.funding {
            Funding::Contract => "Contract".into(),
            Funding::Grant => "Grants".into(),
        },
        needs: s
            .addresses
            .iter()
            .filter_map(|i| project.indicators.get(i))
            .map(|i| link(&indicator_path(&i.id), i.name.clone()))
            .collect(),
    }
}

#[derive(Serialize)]
struct Response {
    you_said: String,
    we_did: String,
    status: String,
    status_class: String,
    reason: String,
    engagement: Option<Link>,
    spec: Option<Link>,
}

fn response_view(r: &crate::model::Response, project: &Project) -> Response {
    Response {
        you_said: r.you_said.clone(),
        we_did: r.we_did.clone(),
        status: r.status.label().into(),
        status_class: r.status.as_str().into(),
        reason: r.reason.clone().unwrap_or_default(),
        engagement: project
            .engagements
            .get(&r.engagement_id)
            .map(|e| link(&engagement_path(&e.id), e.title.clone())),
        spec: project
            .specifications
            .get(&r.spec_id)
            .map(|s| link(&spec_path(&s.id), s.title.clone())),
    }
}

/// All planning pages.
pub fn pages<'a>(project: &'a Project, analysis: &'a Analysis) -> Vec<Page<'a>> {
    let ix = Index::new(project, analysis);
    let mut pages = Vec::new();
    #[derive(Serialize)]
    struct Overview {
        specs: Vec<SpecLine>,
        by_status: Vec<(String, usize)>,
        engagement_count: usize,
    }
    let mut by_status: BTreeMap<SpecStatus, usize> = BTreeMap::new();
    for s in project.specifications.values() {
        *by_status.entry(s.status).or_default() += 1;
    }
    pages.push(Page {
        path: "planning/".into(),
        template: "planning.html",
        title: "Delivery planning".into(),
        section: "planning",
        breadcrumbs: crumbs(&[]),
        view: view(Overview {
            specs: project.specifications.values().map(|s| spec_line(s, project)).collect(),
            by_status: by_status.into_iter().map(|(k, v)| (k.label().to_string(), v)).collect(),
            engagement_count: project.engagements.len(),
        }),
        description: format!("{} service specifications: what each service must do, the needs it answers and how it is funded.", project.specifications.len()),
    });

    for s in project.specifications.values() {
        #[derive(Serialize)]
        struct NeedRef {
            link: Link,
            priority: String,
            comparison: String,
            comparison_label: String,
        }
        let home = project.config.home_area.clone().unwrap_or_default();
        let bench = project
            .areas
            .get(&project.config.benchmark_area)
            .map(|a| a.name.clone())
            .unwrap_or_else(|| "England".into());
        let needs: Vec<NeedRef> = s
            .addresses
            .iter()
            .filter_map(|i| project.indicators.get(i))
            .map(|i| {
                let cell =
                    super::needs::comparison_cell(analysis.needs.latest(&i.id, &home), &bench);
                NeedRef {
                    link: link(&indicator_path(&i.id), i.name.clone()),
                    priority: analysis
                        .priorities
                        .iter()
                        .find(|p| p.indicator_id == i.id)
                        .map(|p| format!("rank {}", p.rank))
                        .unwrap_or_default(),
                    comparison: cell.comparison,
                    comparison_label: cell.label,
                }
            })
            .collect();
        let contracts: Vec<Link> = ix
            .contracts_by_spec
            .get(s.id.as_str())
            .into_iter()
            .flatten()
            .filter_map(|c| project.contracts.get(*c))
            .map(|c| {
                link(
                    &contract_path(&c.contract_id),
                    format!("{} — {}", c.title, c.supplier),
                )
            })
            .collect();
        let tenders: Vec<Link> = ix
            .tenders_by_spec
            .get(s.id.as_str())
            .into_iter()
            .flatten()
            .map(|t| {
                link(
                    &tender_path(&t.tender_id),
                    format!("Tender {} ({} bids)", t.tender_id, t.bid_count),
                )
            })
            .collect();
        let grants: Vec<Link> = ix
            .grants_by_spec
            .get(s.id.as_str())
            .into_iter()
            .flatten()
            .filter_map(|g| project.grants.get(*g))
            .map(|g| {
                link(
                    &grant_path(&g.grant_id),
                    format!(
                        "{} — {} ({})",
                        g.title,
                        g.recipient_name,
                        money(g.amount_awarded)
                    ),
                )
            })
            .collect();
        let engagements: Vec<Link> = ix
            .engagements_by_spec
            .get(s.id.as_str())
            .into_iter()
            .flatten()
            .filter_map(|e| project.engagements.get(*e))
            .map(|e| {
                link(
                    &engagement_path(&e.id),
                    format!("{} ({})", e.title, date(e.date)),
                )
            })
            .collect();
        let responses: Vec<Response> = project
            .responses
            .iter()
            .filter(|r| r.spec_id == s.id)
            .map(|r| response_view(r, project))
            .collect();
        #[derive(Serialize)]
        struct SocialValue {
            theme: String,
            measure: String,
            target: String,
            delivered: String,
        }
        let social_value: Vec<SocialValue> = s
            .social_value
            .iter()
            .map(|sv| {
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
                        found.then(|| format!("{} so far", number(total, 0)))
                    })
                    .unwrap_or_else(|| {
                        if matches!(s.status, SpecStatus::Live | SpecStatus::Awarded) {
                            "Not yet reported".into()
                        } else {
                            "Contract not yet live".into()
                        }
                    });
                SocialValue {
                    theme: sv.theme.clone(),
                    measure: sv.measure.clone(),
                    target: sv.target.map(|t| number(t, 0)).unwrap_or_default(),
                    delivered,
                }
            })
            .collect();
        #[derive(Serialize)]
        struct SpecView {
            id: String,
            title: String,
            summary: String,
            status: String,
            status_class: String,
            service_area: String,
            annual_budget: String,
            whole_life: String,
            term: String,
            commissioners: Vec<String>,
            providers_engaged: String,
            outcomes: Vec<String>,
            social_value: Vec<SocialValue>,
            milestones: Vec<(String, String)>,
            evaluation: Option<(String, String, String)>,
            funding: String,
            body: String,
            needs: Vec<NeedRef>,
            contracts: Vec<Link>,
            tenders: Vec<Link>,
            grants: Vec<Link>,
            options: Option<Link>,
            engagements: Vec<Link>,
            responses: Vec<Response>,
            links: Vec<Link>,
        }
        let whole_life = match (s.annual_budget, s.term_years) {
            (Some(b), Some(t)) => money(b * (t + s.extension_years.unwrap_or(0.0))),
            _ => "–".into(),
        };
        let term = match (s.term_years, s.extension_years) {
            (Some(t), Some(e)) if e > 0.0 => format!(
                "{} years, with up to {} years' extension",
                number(t, 0),
                number(e, 0)
            ),
            (Some(t), _) => format!("{} years", number(t, 0)),
            _ => "–".into(),
        };
        let v = SpecView {
            id: s.id.clone(),
            title: s.title.clone(),
            summary: s.summary.clone().unwrap_or_default(),
            status: s.status.label().into(),
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
            social_value,
            milestones: s
                .milestones
                .iter()
                .map(|m| (date(m.date), m.event.clone()))
                .collect(),
            evaluation: s.evaluation.map(|e| {
                (
                    number(e.price, 0),
                    number(e.quality, 0),
                    number(e.social_value, 0),
                )
            }),
            funding: match s.funding {
                Funding::Contract => "Contract".into(),
                Funding::Grant => "Grants to voluntary and community organisations".into(),
            },
            body: render_markdown(&s.body_markdown),
            needs,
            contracts,
            tenders,
            grants,
            options: ix
                .options_by_spec
                .contains_key(s.id.as_str())
                .then(|| link(&options_path(&s.id), "Options appraisal")),
            engagements,
            responses,
            links: s
                .links
                .iter()
                .map(|l| Link {
                    href: l.url.clone(),
                    text: l.title.clone(),
                })
                .collect(),
        };
        pages.push(Page {
            path: spec_path(&s.id),
            template: "specification.html",
            title: s.title.clone(),
            section: "planning",
            breadcrumbs: crumbs(&[("Delivery planning", "planning/")]),
            view: view(v),
            description: s
                .summary
                .clone()
                .unwrap_or_else(|| format!("Service specification: {}", s.title)),
        });
    }

    // Resources: budgets by status and by service area, contracts and grants counted.
    #[derive(Serialize)]
    struct Sum {
        name: String,
        count: usize,
        budget: String,
        share: String,
    }
    let total: f64 = project
        .specifications
        .values()
        .filter_map(|s| s.annual_budget)
        .sum();
    let mut by_status: BTreeMap<SpecStatus, (usize, f64)> = BTreeMap::new();
    let mut by_area: BTreeMap<String, (usize, f64)> = BTreeMap::new();
    for s in project.specifications.values() {
        let e = by_status.entry(s.status).or_default();
        e.0 += 1;
        e.1 += s.annual_budget.unwrap_or(0.0);
        let e = by_area
            .entry(s.service_area.clone().unwrap_or_else(|| "Not set".into()))
            .or_default();
        e.0 += 1;
        e.1 += s.annual_budget.unwrap_or(0.0);
    }
    let sum = |name: String, (count, budget): (usize, f64)| Sum {
        name,
        count,
        budget: money(budget),
        share: if total > 0.0 {
            percent(budget / total)
        } else {
            "–".into()
        },
    };
    let contract_annual: f64 = project
        .contracts
        .values()
        .filter(|c| {
            analysis
                .as_of
                .is_none_or(|d| c.start_date <= d && c.final_end_date() >= d)
        })
        .map(|c| c.annual_value)
        .sum();
    let grants_total: f64 = project.grants.values().map(|g| g.amount_awarded).sum();
    let bids = &project.bids;
    let sme_vcse = bids
        .iter()
        .filter(|b| b.supplier_type.is_some_and(|t| t.is_sme_or_vcse()))
        .count();
    #[derive(Serialize)]
    struct Resources {
        total: String,
        by_status: Vec<Sum>,
        by_area: Vec<Sum>,
        live_contracts_annual: String,
        grants_total: String,
        grant_count: usize,
        providers_engaged: u32,
        market_events: Vec<(String, String, Link)>,
        bids: usize,
        sme_vcse_share: String,
        tenders: Vec<(Link, usize, String)>,
    }
    let market_events: Vec<(String, String, Link)> = project
        .specifications
        .values()
        .flat_map(|s| {
            s.milestones
                .iter()
                .filter(|m| {
                    m.event.to_lowercase().contains("market")
                        || m.event.to_lowercase().contains("provider")
                })
                .map(move |m| (m.date, m.event.clone(), s))
        })
        .map(|(d, e, s)| (date(d), e, link(&spec_path(&s.id), s.title.clone())))
        .collect();
    let resources = Resources {
        total: money(total),
        by_status: by_status
            .into_iter()
            .map(|(k, v)| sum(k.label().to_string(), v))
            .collect(),
        by_area: by_area.into_iter().map(|(k, v)| sum(k, v)).collect(),
        live_contracts_annual: money(contract_annual),
        grants_total: money(grants_total),
        grant_count: project.grants.len(),
        providers_engaged: project
            .specifications
            .values()
            .filter_map(|s| s.providers_engaged)
            .sum(),
        market_events,
        bids: bids.len(),
        sme_vcse_share: if bids.is_empty() {
            "–".into()
        } else {
            percent(sme_vcse as f64 / bids.len() as f64)
        },
        tenders: analysis
            .tenders
            .iter()
            .map(|t| {
                (
                    link(
                        &tender_path(&t.tender_id),
                        format!("Tender {}", t.tender_id),
                    ),
                    t.bid_count,
                    percent(t.sme_vcse_share),
                )
            })
            .collect(),
    };
    pages.push(Page {
        path: "planning/resources/".into(),
        template: "resources.html",
        title: "Resources and supplier development".into(),
        section: "planning",
        breadcrumbs: crumbs(&[("Delivery planning", "planning/")]),
        view: view(resources),
        description: format!(
            "Budgets by status and service area ({} a year in all), and the market of providers.",
            money_short(total)
        ),
    });

    // Engagement.
    #[derive(Serialize)]
    struct EventLine {
        link: Link,
        date: String,
        audience: Vec<String>,
        participants: String,
        specs: Vec<Link>,
    }
    let event_line = |e: &crate::model::Engagement| EventLine {
        link: link(&engagement_path(&e.id), e.title.clone()),
        date: date(e.date),
        audience: e.audience.clone(),
        participants: e
            .participants
            .map(|p| p.to_string())
            .unwrap_or_else(|| "–".into()),
        specs: e
            .specs
            .iter()
            .filter_map(|s| project.specifications.get(s))
            .map(|s| link(&spec_path(&s.id), s.title.clone()))
            .collect(),
    };
    let mut events: Vec<&crate::model::Engagement> = project.engagements.values().collect();
    events.sort_by(|a, b| b.date.cmp(&a.date).then(a.id.cmp(&b.id)));
    #[derive(Serialize)]
    struct EngagementIndex {
        events: Vec<EventLine>,
        participants: u32,
        done: usize,
        in_progress: usize,
        not_taken_forward: usize,
    }
    let count = |st: ResponseStatus| project.responses.iter().filter(|r| r.status == st).count();
    pages.push(Page {
        path: "planning/engagement/".into(),
        template: "engagement_index.html",
        title: "Co-design and consultation".into(),
        section: "planning",
        breadcrumbs: crumbs(&[("Delivery planning", "planning/")]),
        view: view(EngagementIndex {
            events: events.iter().map(|e| event_line(e)).collect(),
            participants: project
                .engagements
                .values()
                .filter_map(|e| e.participants)
                .sum(),
            done: count(ResponseStatus::Done),
            in_progress: count(ResponseStatus::InProgress),
            not_taken_forward: count(ResponseStatus::NotTakenForward),
        }),
        description:
            "What residents, service users and providers told us, and what changed because of it."
                .into(),
    });
    for e in project.engagements.values() {
        #[derive(Serialize)]
        struct EventView {
            line: EventLine,
            title: String,
            body: String,
            responses: Vec<Response>,
        }
        pages.push(Page {
            path: engagement_path(&e.id),
            template: "engagement.html",
            title: e.title.clone(),
            section: "planning",
            breadcrumbs: crumbs(&[
                ("Delivery planning", "planning/"),
                ("Co-design and consultation", "planning/engagement/"),
            ]),
            view: view(EventView {
                line: event_line(e),
                title: e.title.clone(),
                body: render_markdown(&e.body_markdown),
                responses: project
                    .responses
                    .iter()
                    .filter(|r| r.engagement_id == e.id)
                    .map(|r| response_view(r, project))
                    .collect(),
            }),
            description: format!(
                "{} ({}): what we heard and what we did.",
                e.title,
                date(e.date)
            ),
        });
    }
    pages
}
