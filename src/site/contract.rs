//! Contract pages: the contract's facts, status and rating with its flags, each KPI's latest
//! judgement, the tender that awarded it, the needs it answers and its social value delivered.
//! Built as the page renders, like a KPI's: a national site has thousands of contracts, and a
//! `serve` rebuild keys an unchanged contract's page without building its view.

use super::format::{date, money, number, opt_value, period_in};
use super::index::Index;
use super::performance::{flag_words, rating_class, rating_words, status_words};
use super::{
    contract_fingerprint, contract_path, crumbs, deferred_view, kpi_path, link, tender_path, words,
    words_fingerprint, Link, Page,
};
use crate::analysis::disclosure::PublishedBid;
use crate::analysis::performance::{ContractStatus, Flag, KpiAnalysis, Rag};
use crate::analysis::spc::{Assurance, PointType};
use crate::load::theme::Strings;
use crate::model::{Contract, Period, Polarity, SocialValueCommitment};
use serde::Serialize;

/// Everything a contract's view is built from. The render cache keys a contract page by this
/// struct's derived `Serialize` form, so a field added here is in the key without being listed
/// anywhere.
#[derive(Debug, Serialize)]
pub struct ContractInput<'a> {
    /// In the key as its fingerprint.
    #[serde(serialize_with = "contract_fingerprint")]
    pub contract: &'a Contract,
    pub status: Option<&'a ContractStatus>,
    /// The specification's page, titled with its title.
    pub specification: Option<Link>,
    /// The indicators the specification addresses.
    pub needs: Vec<Link>,
    /// The specification's social value commitments, each with what its KPI has delivered.
    pub social_value: Vec<(&'a SocialValueCommitment, Option<Delivered<'a>>)>,
    /// The tender that awarded the contract: its id and its bids as its policy publishes them.
    pub tender: Option<(&'a str, &'a [PublishedBid])>,
    /// The contract's KPIs' latest judgements: a change to a KPI's series that leaves them as
    /// they were leaves the contract's page as it was.
    pub kpis: Vec<KpiShown<'a>>,
    /// The theme's words (in the key as the hash of the whole table).
    #[serde(serialize_with = "words_fingerprint")]
    pub words: &'a Strings,
}

/// What a contract's page shows of one of its KPIs: its latest judgement, not its series.
#[derive(Debug, Clone, Serialize)]
pub struct KpiShown<'a> {
    pub contract_id: &'a str,
    pub kpi_id: &'a str,
    pub name: &'a str,
    pub unit: Option<&'a str>,
    pub latest_period: Option<&'a Period>,
    pub latest_actual: Option<f64>,
    pub latest_target: Option<f64>,
    pub latest_rag: Option<Rag>,
    pub variation: Option<PointType>,
    pub polarity: Polarity,
    pub assurance: Assurance,
    pub trial_limits: bool,
}

impl<'a> KpiShown<'a> {
    fn of(k: &'a KpiAnalysis) -> KpiShown<'a> {
        let s = &k.summary;
        KpiShown {
            contract_id: &k.contract_id,
            kpi_id: &k.kpi_id,
            name: &s.kpi_name,
            unit: s.unit.as_deref(),
            latest_period: s.latest_period.as_ref(),
            latest_actual: s.latest_actual,
            latest_target: s.latest_target,
            latest_rag: s.latest_rag,
            variation: s.variation,
            polarity: s.polarity,
            assurance: s.assurance,
            trial_limits: s.trial_limits,
        }
    }
}

/// What a social value KPI has reported: the total of its actuals, to its latest period.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Delivered<'a> {
    pub total: f64,
    pub latest_period: Option<&'a Period>,
}

impl<'a> ContractInput<'a> {
    /// What the contract's page shows, gathered from the index.
    pub fn of(ix: &Index<'a>, c: &'a Contract) -> ContractInput<'a> {
        let spec = ix.project.specifications.get(&c.spec_id);
        let tender = c.tender_id.as_ref().and_then(|t| ix.tender.get(t.as_str()));
        let kpis = ix.kpis(&c.contract_id);
        ContractInput {
            contract: c,
            status: ix.status.get(c.contract_id.as_str()).copied(),
            specification: ix.spec_link(&c.spec_id),
            needs: spec.map(|s| ix.needs_links(s)).unwrap_or_default(),
            social_value: spec
                .into_iter()
                .flat_map(|s| &s.social_value)
                .map(|sv| (sv, delivered_by(kpis, sv.kpi_id.as_deref())))
                .collect(),
            tender: tender.map(|t| (t.tender_id.as_str(), t.published.bids.as_slice())),
            kpis: kpis.iter().map(|k| KpiShown::of(k)).collect(),
            words: ix.words,
        }
    }
}

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
pub fn page<'a>(ix: &Index<'a>, c: &'a Contract) -> Page<'a> {
    Page {
        path: contract_path(&c.contract_id),
        template: "contract.html",
        title: c.title.clone(),
        section: "performance",
        breadcrumbs: crumbs(
            ix.words,
            &[(ix.words.get("crumb.performance"), "performance/")],
        ),
        view: deferred_view(ContractInput::of(ix, c), contract_view),
        description: ix.words.fill(
            "page.contract.description",
            &[("contract", &c.title), ("supplier", &c.supplier)],
        ),
    }
}

/// A contract's view.
pub fn contract_view(input: &ContractInput) -> ContractView {
    let ContractInput {
        contract: c,
        status,
        words: w,
        ..
    } = *input;
    ContractView {
        id: c.contract_id.clone(),
        title: c.title.clone(),
        supplier: c.supplier.clone(),
        supplier_type: c.supplier_type.map(|t| words::of(w, t)).unwrap_or_default(),
        supplier_id: c.supplier_id.clone().unwrap_or_default(),
        description: c.description.clone().unwrap_or_default(),
        department: c.department.clone().unwrap_or_default(),
        start: date(w, c.start_date),
        end: date(w, c.end_date),
        final_end: date(w, c.final_end_date()),
        award_date: c.award_date.map(|d| date(w, d)).unwrap_or_default(),
        annual_value: money(c.annual_value),
        total_value: money(c.total_value),
        route: c
            .procurement_route
            .map(|r| words::of(w, r))
            .unwrap_or_default(),
        status: status_words(w, status),
        months_remaining: status
            .map(|s| s.months_remaining.to_string())
            .unwrap_or_default(),
        rating: rating_words(w, status),
        rating_class: rating_class(status),
        rating_rule: w.get("rating.rule").to_string(),
        flags: flag_words(w, status),
        kpis: input.kpis.iter().map(|k| kpi_line(w, k)).collect(),
        specification: input.specification.clone(),
        needs: input.needs.clone(),
        tender: input.tender.map(|(tender_id, _)| {
            link(
                &tender_path(tender_id),
                w.fill("tender.untitled", &[("tender", &tender_id)]),
            )
        }),
        // Only the bids whose figures the tender's publication policy publishes.
        award_rows: input
            .tender
            .map(|(_, bids)| {
                bids.iter()
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
        social_value: input
            .social_value
            .iter()
            .map(|(sv, delivered)| SocialValueRow {
                theme: sv.theme.clone(),
                measure: sv.measure.clone(),
                target: sv.target.map(|t| number(t, 0)).unwrap_or_default(),
                delivered: delivered_words(w, delivered.as_ref()),
            })
            .collect(),
    }
}

/// What the KPI a social value commitment names (when it is one of the contract's) has delivered.
fn delivered_by<'a>(kpis: &[&'a KpiAnalysis], kpi_id: Option<&str>) -> Option<Delivered<'a>> {
    let k = kpis.iter().find(|x| Some(x.kpi_id.as_str()) == kpi_id)?;
    Some(Delivered {
        total: k.rows.iter().filter_map(|r| r.actual).sum(),
        latest_period: k.summary.latest_period.as_ref(),
    })
}

/// The total a social value KPI has reported, to its latest period, in words.
fn delivered_words(w: &Strings, delivered: Option<&Delivered>) -> String {
    let Some(d) = delivered else {
        return w.get("social_value.not_reported").into();
    };
    let period = d.latest_period.map(|p| period_in(w, &p.label));
    w.fill(
        "social_value.delivered_to",
        &[
            ("total", &number(d.total, 0)),
            ("period", &period.unwrap_or_default()),
        ],
    )
}

fn kpi_line(w: &Strings, k: &KpiShown) -> KpiLine {
    let (rag, rag_label) = words::rag(w, k.latest_rag);
    let (variation_icon, variation_label) = words::variation_icon(w, k.variation, k.polarity);
    let (assurance_icon, assurance_label) = words::assurance_icon(w, k.assurance);
    KpiLine {
        link: link(&kpi_path(k.contract_id, k.kpi_id), k.name.to_string()),
        unit: k.unit.unwrap_or_default().to_string(),
        latest_period: k
            .latest_period
            .map(|p| period_in(w, &p.label))
            .unwrap_or_default(),
        latest_actual: opt_value(k.latest_actual),
        latest_target: opt_value(k.latest_target),
        rag,
        rag_label,
        variation_icon,
        variation_label,
        assurance_icon,
        assurance_label,
        trial: k.trial_limits,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::fixture;

    /// A contract page's key follows what its view shows (its KPIs' latest judgements, its
    /// tender's bids, its specification's needs), without the view being built.
    #[test]
    fn a_contract_pages_key_follows_its_kpis_tender_and_needs() {
        let (project, analysis) = fixture::project_and_analysis();
        let ix = Index::new(&project, &analysis);
        let c = &project.contracts["C1"];
        let key = |input: &ContractInput| crate::fingerprint::hash(input);
        let first = key(&ContractInput::of(&ix, c));
        assert_eq!(key(&ContractInput::of(&ix, c)), first, "the same inputs");
        let mut input = ContractInput::of(&ix, c);
        assert_eq!(input.kpis[0].latest_actual, Some(60.0));
        input.kpis[0].latest_actual = Some(61.0);
        assert_ne!(key(&input), first, "a KPI's latest value changed");
        let mut input = ContractInput::of(&ix, c);
        assert!(input.tender.is_some());
        input.tender = None;
        assert_ne!(key(&input), first, "no tender");
        let mut input = ContractInput::of(&ix, c);
        input.needs[0].text.push_str(" (renamed)");
        assert_ne!(key(&input), first, "an indicator renamed");
    }

    #[test]
    fn a_contract_with_its_kpis_and_award() {
        let (project, analysis) = fixture::project_and_analysis();
        let ix = Index::new(&project, &analysis);
        let v = contract_view(&ContractInput::of(&ix, &project.contracts["C1"]));
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
