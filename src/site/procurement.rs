//! Procurement pages: options appraisals, tender evaluations with the award check, grants, and
//! value for money across contracts.

use super::format::{date, money, number, percent};
use super::index::Index;
use super::{
    contract_path, crumbs, grant_path, link, options_path, spec_path, tender_path, view, Link, Page,
};
use crate::analysis::Analysis;
use crate::model::{Funding, Project};
use crate::render::charts::{paired_bars, Chart};
use serde::Serialize;
use std::collections::BTreeMap;

fn register_link(g: &crate::model::Grant) -> Option<Link> {
    if let Some(n) = &g.recipient_charity_number {
        return Some(Link { href: format!("https://register-of-charities.charitycommission.gov.uk/charity-search/-/charity-details/{}", n.trim()), text: format!("Charity {n}") });
    }
    g.recipient_company_number.as_ref().map(|n| Link {
        href: format!(
            "https://find-and-update.company-information.service.gov.uk/company/{}",
            n.trim()
        ),
        text: format!("Company {n}"),
    })
}

/// All procurement pages.
pub fn pages<'a>(project: &'a Project, analysis: &'a Analysis) -> Vec<Page<'a>> {
    let ix = Index::new(project, analysis);
    let mut pages = Vec::new();

    // Overview: every specification's route to market.
    #[derive(Serialize)]
    struct Route {
        spec: Link,
        status: String,
        funding: String,
        options: Option<Link>,
        tenders: Vec<(Link, usize, String)>,
        grants: usize,
        contracts: Vec<Link>,
    }
    #[derive(Serialize)]
    struct VfmRow {
        contract: Link,
        service_area: String,
        annual_value: String,
        output: String,
        cost_per_unit: String,
        unit: String,
        basis: String,
    }
    #[derive(Serialize)]
    struct Overview {
        routes: Vec<Route>,
        tender_count: usize,
        bid_count: usize,
        sme_vcse_share: String,
        vfm: Vec<(String, Vec<VfmRow>)>,
        grants_total: String,
        grant_count: usize,
    }
    let routes: Vec<Route> = project
        .specifications
        .values()
        .map(|s| Route {
            spec: link(&spec_path(&s.id), s.title.clone()),
            status: s.status.label().into(),
            funding: match s.funding {
                Funding::Contract => "Contract".into(),
                Funding::Grant => "Grants".into(),
            },
            options: ix
                .options_by_spec
                .contains_key(s.id.as_str())
                .then(|| link(&options_path(&s.id), "Options appraisal")),
            tenders: ix
                .tenders_by_spec
                .get(s.id.as_str())
                .into_iter()
                .flatten()
                .map(|t| {
                    (
                        link(&tender_path(&t.tender_id), t.tender_id.clone()),
                        t.bid_count,
                        t.winner.clone().unwrap_or_default(),
                    )
                })
                .collect(),
            grants: ix.grants_by_spec.get(s.id.as_str()).map_or(0, Vec::len),
            contracts: ix
                .contracts_by_spec
                .get(s.id.as_str())
                .into_iter()
                .flatten()
                .filter_map(|c| project.contracts.get(*c))
                .map(|c| link(&contract_path(&c.contract_id), c.supplier.clone()))
                .collect(),
        })
        .collect();
    let mut vfm: BTreeMap<String, Vec<VfmRow>> = BTreeMap::new();
    for v in &analysis.value_for_money {
        let Some(c) = project.contracts.get(&v.contract_id) else {
            continue;
        };
        vfm.entry(v.service_area.clone().unwrap_or_else(|| "Other".into()))
            .or_default()
            .push(VfmRow {
                contract: link(
                    &contract_path(&c.contract_id),
                    format!("{} — {}", c.title, c.supplier),
                ),
                service_area: v.service_area.clone().unwrap_or_default(),
                annual_value: money(v.annual_value),
                output: number(v.output_per_year, 0),
                cost_per_unit: v.cost_per_unit.map(money).unwrap_or_else(|| "–".into()),
                unit: v.unit.clone().unwrap_or_else(|| "unit".into()),
                basis: v.basis.to_string(),
            });
    }
    let bids = project.bids.len();
    let small = project
        .bids
        .iter()
        .filter(|b| b.supplier_type.is_some_and(|t| t.is_sme_or_vcse()))
        .count();
    pages.push(Page {
        path: "procurement/".into(),
        template: "procurement.html",
        title: "Procurement".into(),
        section: "procurement",
        breadcrumbs: crumbs(&[]),
        view: view(Overview {
            routes,
            tender_count: analysis.tenders.len(),
            bid_count: bids,
            sme_vcse_share: if bids == 0 { "–".into() } else { percent(small as f64 / bids as f64) },
            vfm: vfm.into_iter().collect(),
            grants_total: money(project.grants.values().map(|g| g.amount_awarded).sum()),
            grant_count: project.grants.len(),
        }),
        description: "How each service is bought: options appraisal, competition, evaluation, award and value for money.".into(),
    });

    // Options appraisals, one page per specification.
    let mut by_spec: BTreeMap<&str, Vec<&crate::analysis::appraisal::OptionResult>> =
        BTreeMap::new();
    for o in &analysis.options {
        by_spec.entry(o.spec_id.as_str()).or_default().push(o);
    }
    for (spec_id, options) in by_spec {
        let Some(spec) = project.specifications.get(spec_id) else {
            continue;
        };
        #[derive(Serialize)]
        struct OptionView {
            id: String,
            name: String,
            description: String,
            risk: String,
            pv_costs: String,
            pv_benefits: String,
            npsv: String,
            bcr: String,
            vfm: String,
            vfm_class: String,
            preferred: bool,
            years: Vec<(u32, String, String, String, String, String)>,
        }
        let models: BTreeMap<&str, &crate::model::AppraisalOption> = project
            .options
            .iter()
            .filter(|o| o.spec_id == spec_id)
            .map(|o| (o.option_id.as_str(), o))
            .collect();
        let views: Vec<OptionView> = options
            .iter()
            .map(|o| {
                let m = models.get(o.option_id.as_str());
                OptionView {
                    id: o.option_id.clone(),
                    name: o.option_name.clone(),
                    description: m.and_then(|m| m.description.clone()).unwrap_or_default(),
                    risk: m.and_then(|m| m.risk.clone()).unwrap_or_default(),
                    pv_costs: money(o.pv_costs),
                    pv_benefits: money(o.pv_benefits),
                    npsv: money(o.npsv),
                    bcr: o.bcr.map(|b| number(b, 2)).unwrap_or_else(|| "–".into()),
                    vfm: o
                        .vfm_category
                        .map(|v| v.label().to_string())
                        .unwrap_or_else(|| "Not defined".into()),
                    vfm_class: o
                        .vfm_category
                        .map(|v| v.as_str().to_string())
                        .unwrap_or_default(),
                    preferred: o.preferred,
                    years: o
                        .years
                        .iter()
                        .map(|y| {
                            (
                                y.year,
                                money(y.cost),
                                money(y.benefit),
                                number(y.discount_factor, 6),
                                money(y.pv_cost),
                                money(y.pv_benefit),
                            )
                        })
                        .collect(),
                }
            })
            .collect();
        let chart: Option<Chart> = paired_bars(
            &format!("options-{}", crate::model::slug(spec_id)),
            &format!("Discounted costs and benefits of each option: {}", spec.title),
            "Pairs of bars per option: present value of costs (orange, left) and of benefits (blue, right). The same figures are in the table below.",
            &options.iter().map(|o| (o.option_name.clone(), o.pv_costs, o.pv_benefits)).collect::<Vec<_>>(),
        );
        #[derive(Serialize)]
        struct AppraisalView {
            spec: Link,
            options: Vec<OptionView>,
            chart: Option<Chart>,
            preferred: String,
            schedule: String,
        }
        let preferred = options
            .iter()
            .find(|o| o.preferred)
            .map(|o| o.option_name.clone())
            .unwrap_or_default();
        pages.push(Page {
            path: options_path(spec_id),
            template: "options.html",
            title: format!("Options appraisal: {}", spec.title),
            section: "procurement",
            breadcrumbs: crumbs(&[("Procurement", "procurement/")]),
            view: view(AppraisalView {
                spec: link(&spec_path(spec_id), spec.title.clone()),
                options: views,
                chart,
                preferred,
                schedule: match project.config.procurement.discount_rate_schedule {
                    crate::model::config::DiscountSchedule::GreenBook => "HM Treasury Green Book social time preference rate: 3.5% a year for years 0 to 30, then 3.0%, 2.5%, 2.0%, 1.5% and 1.0%; year 0 is not discounted.".into(),
                    crate::model::config::DiscountSchedule::GreenBookHealth => "Green Book health discount rate: 1.5% a year for years 0 to 30, then declining in proportion.".into(),
                },
            }),
            description: format!("Green Book appraisal of the options for {}.", spec.title),
        });
    }

    // Tenders.
    for t in &analysis.tenders {
        let spec = project.specifications.get(&t.spec_id);
        #[derive(Serialize)]
        struct BidView {
            supplier: String,
            supplier_type: String,
            price: String,
            price_score: String,
            quality_score: String,
            social_value_score: String,
            total_score: String,
            rank: String,
            tied: bool,
            compliant: bool,
            abnormally_low: bool,
            awarded: bool,
        }
        #[derive(Serialize)]
        struct TenderView {
            id: String,
            spec: Option<Link>,
            price_weight: String,
            quality_weight: String,
            social_value_weight: String,
            social_value_low: bool,
            min_social_value: String,
            bids: Vec<BidView>,
            bid_count: usize,
            compliant_count: usize,
            sme_vcse_share: String,
            winner: String,
            contracts: Vec<Link>,
            award_not_top: bool,
            price_method: String,
            abnormal_ratio: String,
        }
        let v = TenderView {
            id: t.tender_id.clone(),
            spec: spec.map(|s| link(&spec_path(&s.id), s.title.clone())),
            price_weight: number(t.weights.price, 0),
            quality_weight: number(t.weights.quality, 0),
            social_value_weight: number(t.weights.social_value, 0),
            social_value_low: t.social_value_weight_low,
            min_social_value: number(project.config.procurement.min_social_value_weight, 0),
            bids: t
                .bids
                .iter()
                .map(|b| BidView {
                    supplier: b.supplier.clone(),
                    supplier_type: b
                        .supplier_type
                        .map(|x| x.label().to_string())
                        .unwrap_or_default(),
                    price: money(b.price),
                    price_score: number(b.price_score, 2),
                    quality_score: number(b.quality_score, 2),
                    social_value_score: number(b.social_value_score, 2),
                    total_score: number(b.total_score, 2),
                    rank: b
                        .rank
                        .map(|r| r.to_string())
                        .unwrap_or_else(|| "Not ranked".into()),
                    tied: b.tied,
                    compliant: b.compliant,
                    abnormally_low: b.abnormally_low,
                    awarded: b.awarded,
                })
                .collect(),
            bid_count: t.bid_count,
            compliant_count: t.compliant_count,
            sme_vcse_share: percent(t.sme_vcse_share),
            winner: t.winner.clone().unwrap_or_default(),
            contracts: t
                .awarded_contract_ids
                .iter()
                .filter_map(|c| project.contracts.get(c))
                .map(|c| {
                    link(
                        &contract_path(&c.contract_id),
                        format!("{} — {}", c.title, c.supplier),
                    )
                })
                .collect(),
            award_not_top: t.award_not_top_ranked,
            price_method: match project.config.procurement.price_scoring {
                crate::model::config::PriceScoring::LowestOverBid => {
                    "Price score = price weight × lowest compliant price ÷ bid price.".into()
                }
                crate::model::config::PriceScoring::LinearDeviation => {
                    "Price score = price weight × (1 − (bid − lowest) ÷ lowest), not below 0."
                        .into()
                }
                crate::model::config::PriceScoring::Ceiling => {
                    "Price score = price weight × (ceiling − bid) ÷ (ceiling − lowest).".into()
                }
            },
            abnormal_ratio: percent(project.config.procurement.abnormally_low_ratio),
        };
        pages.push(Page {
            path: tender_path(&t.tender_id),
            template: "tender.html",
            title: format!("Tender {}", t.tender_id),
            section: "procurement",
            breadcrumbs: crumbs(&[("Procurement", "procurement/")]),
            view: view(v),
            description: format!(
                "Evaluation of {} bids for {}.",
                t.bid_count,
                spec.map(|s| s.title.as_str()).unwrap_or("a tender")
            ),
        });
    }

    // Grants.
    #[derive(Serialize)]
    struct GrantLine {
        link: Link,
        recipient: String,
        register: Option<Link>,
        amount: String,
        award_date: String,
        programme: String,
        spec: Option<Link>,
        area: String,
    }
    let grant_line = |g: &crate::model::Grant| GrantLine {
        link: link(&grant_path(&g.grant_id), g.title.clone()),
        recipient: g.recipient_name.clone(),
        register: register_link(g),
        amount: money(g.amount_awarded),
        award_date: date(g.award_date),
        programme: g.programme.clone().unwrap_or_default(),
        spec: g
            .spec_id
            .as_ref()
            .and_then(|s| project.specifications.get(s))
            .map(|s| link(&spec_path(&s.id), s.title.clone())),
        area: g
            .area_code
            .as_ref()
            .map(|a| {
                project
                    .areas
                    .get(a)
                    .map(|x| x.name.clone())
                    .unwrap_or(a.clone())
            })
            .unwrap_or_default(),
    };
    let total: f64 = project.grants.values().map(|g| g.amount_awarded).sum();
    let mut by_programme: BTreeMap<String, (usize, f64)> = BTreeMap::new();
    let mut by_area: BTreeMap<String, (usize, f64)> = BTreeMap::new();
    let mut by_year: BTreeMap<String, (usize, f64)> = BTreeMap::new();
    for g in project.grants.values() {
        for (map, key) in [
            (
                &mut by_programme,
                g.programme.clone().unwrap_or_else(|| "No programme".into()),
            ),
            (
                &mut by_area,
                g.area_code
                    .as_ref()
                    .map(|a| {
                        project
                            .areas
                            .get(a)
                            .map(|x| x.name.clone())
                            .unwrap_or(a.clone())
                    })
                    .unwrap_or_else(|| "Whole area".into()),
            ),
            (
                &mut by_year,
                chrono::Datelike::year(&g.award_date).to_string(),
            ),
        ] {
            let e = map.entry(key).or_default();
            e.0 += 1;
            e.1 += g.amount_awarded;
        }
    }
    let summarise = |m: BTreeMap<String, (usize, f64)>| -> Vec<(String, usize, String, String)> {
        m.into_iter()
            .map(|(k, (n, v))| {
                (
                    k,
                    n,
                    money(v),
                    if total > 0.0 {
                        percent(v / total)
                    } else {
                        "–".into()
                    },
                )
            })
            .collect()
    };
    let small: f64 = project
        .grants
        .values()
        .filter(|g| g.small_local == Some(true))
        .map(|g| g.amount_awarded)
        .sum();
    #[derive(Serialize)]
    struct GrantsView {
        total: String,
        count: usize,
        small_share: String,
        by_programme: Vec<(String, usize, String, String)>,
        by_area: Vec<(String, usize, String, String)>,
        by_year: Vec<(String, usize, String, String)>,
        grants: Vec<GrantLine>,
    }
    pages.push(Page {
        path: "procurement/grants/".into(),
        template: "grants.html",
        title: "Grants to voluntary and community organisations".into(),
        section: "procurement",
        breadcrumbs: crumbs(&[("Procurement", "procurement/")]),
        view: view(GrantsView {
            total: money(total),
            count: project.grants.len(),
            small_share: if total > 0.0 {
                percent(small / total)
            } else {
                "–".into()
            },
            by_programme: summarise(by_programme),
            by_area: summarise(by_area),
            by_year: summarise(by_year),
            grants: project.grants.values().map(grant_line).collect(),
        }),
        description: format!(
            "{} grants worth {} to voluntary, community and social enterprise organisations.",
            project.grants.len(),
            money(total)
        ),
    });
    for g in project.grants.values() {
        #[derive(Serialize)]
        struct GrantView {
            line: GrantLine,
            id: String,
            title: String,
            description: String,
            start: String,
            end: String,
            open_call: String,
            org_id: String,
        }
        pages.push(Page {
            path: grant_path(&g.grant_id),
            template: "grant.html",
            title: g.title.clone(),
            section: "procurement",
            breadcrumbs: crumbs(&[
                ("Procurement", "procurement/"),
                ("Grants", "procurement/grants/"),
            ]),
            view: view(GrantView {
                line: grant_line(g),
                id: g.grant_id.clone(),
                title: g.title.clone(),
                description: g.description.clone(),
                start: g.start_date.map(date).unwrap_or_default(),
                end: g.end_date.map(date).unwrap_or_default(),
                open_call: match g.from_open_call {
                    Some(true) => "Yes".into(),
                    Some(false) => "No".into(),
                    None => String::new(),
                },
                org_id: crate::publish::giving::recipient_id(g, &project.config),
            }),
            description: format!(
                "Grant of {} to {}.",
                money(g.amount_awarded),
                g.recipient_name
            ),
        });
    }
    pages
}
