//! Contract pages: the contract's facts, status and rating with its flags, each KPI's latest
//! judgement, the tender that awarded it, the needs it answers and its social value delivered.

use super::format::{date, money, number, opt_value, period_in};
use super::index::Index;
use super::performance::{flag_words, rating_class, rating_words, status_words};
use super::{contract_path, crumbs, kpi_path, link, tender_path, view, words, Link, Page};
use crate::analysis::performance::{Flag, KpiAnalysis};
use crate::model::Contract;
use serde::Serialize;

/// The view of `contract.html`.
#[derive(Debug, Serialize)]
pub struct ContractView {
    pub id: String,
    pub title: String,
    pub supplier: String,
    pub supplier_type: String,
    pub supplier_id: String,
    pub description: String,
    pub department: String,
    pub start: String,
    pub end: String,
    pub final_end: String,
    pub award_date: String,
    pub annual_value: String,
    pub total_value: String,
    pub route: String,
    pub status: String,
    pub months_remaining: String,
    pub rating: String,
    pub rating_class: String,
    pub rating_rule: String,
    pub flags: Vec<String>,
    pub kpis: Vec<KpiLine>,
    pub specification: Option<Link>,
    pub needs: Vec<Link>,
    pub tender: Option<Link>,
    pub award_rows: Vec<AwardRow>,
    pub award_not_top: bool,
    pub social_value: Vec<SocialValueRow>,
}

/// A KPI's latest value and judgement, as a row of its contract's page.
#[derive(Debug, Serialize)]
pub struct KpiLine {
    pub link: Link,
    pub unit: String,
    pub latest_period: String,
    pub latest_actual: String,
    pub latest_target: String,
    pub rag: String,
    pub rag_label: String,
    pub variation_icon: String,
    pub variation_label: String,
    pub assurance_icon: String,
    pub assurance_label: String,
    pub trial: bool,
}

/// A ranked bid of the tender that awarded the contract.
#[derive(Debug, Serialize)]
pub struct AwardRow {
    pub supplier: String,
    pub rank: String,
    pub total: String,
    pub awarded: bool,
}

/// A social value commitment of the contract's specification and what its KPI reports.
#[derive(Debug, Serialize)]
pub struct SocialValueRow {
    pub theme: String,
    pub measure: String,
    pub target: String,
    pub delivered: String,
}

/// A contract's page.
pub fn page<'a>(ix: &Index<'a>, c: &Contract) -> Page<'a> {
    Page {
        path: contract_path(&c.contract_id),
        template: "contract.html",
        title: c.title.clone(),
        section: "performance",
        breadcrumbs: crumbs(
            ix.words,
            &[(ix.words.get("crumb.performance"), "performance/")],
        ),
        view: view(contract_view(ix, c)),
        description: ix.words.fill(
            "page.contract.description",
            &[("contract", &c.title), ("supplier", &c.supplier)],
        ),
    }
}

/// A contract's view.
pub fn contract_view(ix: &Index, c: &Contract) -> ContractView {
    let status = ix.status.get(c.contract_id.as_str()).copied();
    let spec = ix.project.specifications.get(&c.spec_id);
    let tender = c.tender_id.as_ref().and_then(|t| ix.tender.get(t.as_str()));
    ContractView {
        id: c.contract_id.clone(),
        title: c.title.clone(),
        supplier: c.supplier.clone(),
        supplier_type: c
            .supplier_type
            .map(|t| words::of(ix.words, t))
            .unwrap_or_default(),
        supplier_id: c.supplier_id.clone().unwrap_or_default(),
        description: c.description.clone().unwrap_or_default(),
        department: c.department.clone().unwrap_or_default(),
        start: date(ix.words, c.start_date),
        end: date(ix.words, c.end_date),
        final_end: date(ix.words, c.final_end_date()),
        award_date: c.award_date.map(|d| date(ix.words, d)).unwrap_or_default(),
        annual_value: money(c.annual_value),
        total_value: money(c.total_value),
        route: c
            .procurement_route
            .map(|r| words::of(ix.words, r))
            .unwrap_or_default(),
        status: status_words(ix, status),
        months_remaining: status
            .map(|s| s.months_remaining.to_string())
            .unwrap_or_default(),
        rating: rating_words(ix, status),
        rating_class: rating_class(status),
        rating_rule: ix.words.get("rating.rule").to_string(),
        flags: flag_words(ix, status),
        kpis: ix
            .kpis(&c.contract_id)
            .iter()
            .map(|k| kpi_line(ix, k))
            .collect(),
        specification: ix.spec_link(&c.spec_id),
        needs: spec.map(|s| ix.needs_links(s)).unwrap_or_default(),
        tender: tender.map(|t| {
            link(
                &tender_path(&t.tender_id),
                ix.words
                    .fill("tender.untitled", &[("tender", &t.tender_id)]),
            )
        }),
        // Only the bids whose figures the tender's publication policy publishes.
        award_rows: tender
            .map(|t| {
                t.published
                    .bids
                    .iter()
                    .filter_map(|b| {
                        let f = b.figures.as_ref()?;
                        Some(AwardRow {
                            supplier: b.supplier.clone(),
                            rank: f.rank?.to_string(),
                            total: number(f.total_score?, 1),
                            awarded: b.awarded,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default(),
        award_not_top: status.is_some_and(|s| s.flags.contains(&Flag::AwardNotTopRanked)),
        social_value: spec
            .map(|s| {
                s.social_value
                    .iter()
                    .map(|sv| SocialValueRow {
                        theme: sv.theme.clone(),
                        measure: sv.measure.clone(),
                        target: sv.target.map(|t| number(t, 0)).unwrap_or_default(),
                        delivered: delivered(ix, ix.kpis(&c.contract_id), sv.kpi_id.as_deref()),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// The total a social value KPI has reported, to its latest period.
fn delivered(ix: &Index, kpis: &[&KpiAnalysis], kpi_id: Option<&str>) -> String {
    kpi_id
        .and_then(|k| kpis.iter().find(|x| x.kpi_id == k))
        .map(|k| {
            let total: f64 = k.rows.iter().filter_map(|r| r.actual).sum();
            let period = k
                .summary
                .latest_period
                .as_ref()
                .map(|p| period_in(ix.words, &p.label));
            ix.words.fill(
                "social_value.delivered_to",
                &[
                    ("total", &number(total, 0)),
                    ("period", &period.unwrap_or_default()),
                ],
            )
        })
        .unwrap_or_else(|| ix.words.get("social_value.not_reported").into())
}

fn kpi_line(ix: &Index, k: &KpiAnalysis) -> KpiLine {
    let s = &k.summary;
    let (rag, rag_label) = words::rag(ix.words, s.latest_rag);
    let (variation_icon, variation_label) =
        words::variation_icon(ix.words, s.variation, s.polarity);
    let (assurance_icon, assurance_label) = words::assurance_icon(ix.words, s.assurance);
    KpiLine {
        link: link(&kpi_path(&k.contract_id, &k.kpi_id), s.kpi_name.clone()),
        unit: s.unit.clone().unwrap_or_default(),
        latest_period: s
            .latest_period
            .as_ref()
            .map(|p| period_in(ix.words, &p.label))
            .unwrap_or_default(),
        latest_actual: opt_value(s.latest_actual),
        latest_target: opt_value(s.latest_target),
        rag,
        rag_label,
        variation_icon,
        variation_label,
        assurance_icon,
        assurance_label,
        trial: s.trial_limits,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::fixture;

    #[test]
    fn a_contract_with_its_kpis_and_award() {
        let (project, analysis) = fixture::project_and_analysis();
        let ix = Index::new(&project, &analysis);
        let v = contract_view(&ix, &project.contracts["C1"]);
        assert_eq!(
            (v.start.as_str(), v.final_end.as_str()),
            ("1 April 2024", "31 March 2027")
        );
        assert_eq!(
            (v.annual_value.as_str(), v.total_value.as_str()),
            ("£90,000", "£270,000")
        );
        assert_eq!(
            (v.supplier_type.as_str(), v.award_date.as_str()),
            ("VCSE", "1 March 2024")
        );
        assert_eq!((v.rating.as_str(), v.status.as_str()), ("Good", "Live"));
        assert_eq!(
            v.specification,
            Some(link("planning/s1/", "Falls prevention"))
        );
        assert_eq!(
            v.needs,
            vec![link("needs/indicators/falls/", "Falls admissions")]
        );
        assert_eq!(v.tender, Some(link("procurement/tenders/t1/", "Tender T1")));
        let ranks: Vec<(&str, &str, &str, bool)> = v
            .award_rows
            .iter()
            .map(|r| {
                (
                    r.supplier.as_str(),
                    r.rank.as_str(),
                    r.total.as_str(),
                    r.awarded,
                )
            })
            .collect();
        // Under the default publication policy only the winner's rank and score are shown.
        assert_eq!(ranks, vec![("Helping Hands", "1", "89.0", true)]);
        assert!(!v.award_not_top);
        let k = &v.kpis[0];
        assert_eq!(
            k.link,
            link("performance/contracts/c1/k1/", "People supported")
        );
        assert_eq!(
            (
                k.latest_period.as_str(),
                k.latest_actual.as_str(),
                k.latest_target.as_str()
            ),
            ("Jul 2024", "60", "40")
        );
        assert_eq!(
            (k.rag.as_str(), k.rag_label.as_str()),
            ("green", "Met target")
        );
        assert_eq!(k.variation_icon, "common_cause");
        assert_eq!(
            (k.assurance_icon.as_str(), k.assurance_label.as_str()),
            ("inconsistent", "Assurance: will hit and miss the target")
        );
        assert!(k.trial);
    }
}
