//! Tender pages: each tender as a notice — what, how, when, how much, who won — then its
//! evaluation (METHODS.md 4) as the publication policy allows it
//! ([`crate::analysis::disclosure`]), with the award check; and the tenders list at
//! `procurement/tenders/`, grouped by status. Codes (status, procedure, date kinds, award
//! reasons, policy, price method) go to the theme, which words them.

use super::format::{date, money, number, percent};
use super::index::Index;
use super::words;
use super::{crumbs, tender_path, view, Link, Page};
use crate::analysis::disclosure::PublishedBid;
use crate::analysis::tender::{TenderEvaluation, TenderStatus};
use crate::load::theme::Strings;
use crate::model::config::PriceScoring;
use crate::model::Tender;
use serde::Serialize;

/// The view of `tender.html`.
#[derive(Debug, Serialize)]
pub struct TenderView {
    pub id: String,
    /// The notice's title; empty for a tender known only from its bids.
    pub title: String,
    pub description: String,
    pub lot: Option<LotView>,
    pub spec: Option<Link>,
    /// `open`, `evaluation`, `awarded` or `cancelled`.
    pub status: &'static str,
    /// A procedure code (FORMATS.md), worded by the theme.
    pub procedure: Option<&'static str>,
    pub cpv_codes: Vec<String>,
    pub estimated_value: String,
    /// (date kind code, date) in the order a procurement passes them.
    pub dates: Vec<(&'static str, String)>,
    pub notices: Vec<NoticeView>,
    pub documents: Vec<ExternalLink>,
    /// Contracts awarded from the tender, with supplier and value.
    pub awards: Vec<AwardView>,
    pub award_not_top: bool,
    /// An award reason code, when the award did not go to the top-ranked bid and one is recorded.
    pub award_reason: Option<&'static str>,
    pub max_lots_per_supplier: String,
    /// `winner_only`, `named_without_scores` or `full`.
    pub policy: &'static str,
    pub bids: Vec<BidView>,
    pub unnamed_count: usize,
    pub withheld_count: usize,
    pub withheld_evaluated_count: usize,
    pub distribution: Option<DistributionView>,
    pub bid_count: usize,
    pub compliant_count: usize,
    pub not_evaluated_count: usize,
    pub sme_vcse_share: String,
    pub price_weight: String,
    pub quality_weight: String,
    pub social_value_weight: String,
    pub social_value_low: bool,
    pub min_social_value: String,
    /// `lowest_over_bid`, `linear_deviation` or `ceiling`.
    pub price_method: &'static str,
    pub abnormal_ratio: String,
}

/// A tender that is one lot of a procurement, and the procurement's other lots.
#[derive(Debug, Serialize, PartialEq)]
pub struct LotView {
    pub id: String,
    pub title: String,
    pub others: Vec<(String, Link)>,
}

/// A notice on Find a Tender (`find_a_tender`) or Contracts Finder (`contracts_finder`).
#[derive(Debug, Serialize, PartialEq)]
pub struct NoticeView {
    pub service: &'static str,
    pub reference: String,
    pub url: String,
}

/// A link off the site (a document or notice), shown as given.
#[derive(Debug, Serialize, PartialEq)]
pub struct ExternalLink {
    pub title: String,
    pub url: String,
}

/// A contract awarded from the tender.
#[derive(Debug, Serialize, PartialEq)]
pub struct AwardView {
    pub supplier: String,
    pub contract: Option<Link>,
    pub value: String,
    pub date: String,
}

/// The anonymised range and median of the withheld bids.
#[derive(Debug, Serialize, PartialEq)]
pub struct DistributionView {
    pub price_low: String,
    pub price_median: String,
    pub price_high: String,
    pub score_low: String,
    pub score_median: String,
    pub score_high: String,
}

/// One published bid; figures are empty strings when withheld (`figures` false) or when the
/// bid was not evaluated.
#[derive(Debug, Serialize)]
pub struct BidView {
    pub supplier: String,
    pub supplier_type: String,
    pub figures: bool,
    pub price: String,
    pub price_score: String,
    pub quality_score: String,
    pub social_value_score: String,
    pub total_score: String,
    pub rank: String,
    pub tied: bool,
    pub compliant: bool,
    pub excluded: bool,
    pub abnormally_low: bool,
    pub awarded: bool,
}

/// The view of `tenders.html`: every tender, grouped by status in the order open, evaluation,
/// awarded, cancelled; empty groups are kept so the page's filter links always land.
#[derive(Debug, Serialize)]
pub struct TendersView {
    pub groups: Vec<StatusGroup>,
    pub count: usize,
}

#[derive(Debug, Serialize)]
pub struct StatusGroup {
    pub status: &'static str,
    pub tenders: Vec<TenderLine>,
}

/// A tender in the list.
#[derive(Debug, Serialize, PartialEq)]
pub struct TenderLine {
    pub link: Link,
    pub lot: String,
    pub spec: Option<Link>,
    pub procedure: Option<&'static str>,
    pub estimated_value: String,
    pub publication: String,
    pub deadline: String,
    pub bid_count: usize,
    pub suppliers: Vec<String>,
}

/// The page title: the notice's title and lot title, else "Tender ID".
fn title(w: &Strings, t: &TenderEvaluation, notice: Option<&Tender>) -> String {
    match notice {
        Some(n) => match &n.lot_title {
            Some(lot) => w.fill("tender.with_lot", &[("tender", &n.title), ("lot", lot)]),
            None => n.title.clone(),
        },
        None => w.fill("tender.untitled", &[("tender", &t.tender_id)]),
    }
}

/// A link to a tender's page, titled as the page is.
pub fn tender_link(ix: &Index, t: &TenderEvaluation) -> Link {
    super::link(
        &tender_path(&t.tender_id),
        title(ix.words, t, ix.project.tenders.get(&t.tender_id)),
    )
}

/// The suppliers awarded contracts from a tender, in contract id order.
pub fn awarded_suppliers(ix: &Index, t: &TenderEvaluation) -> Vec<String> {
    t.awarded_contract_ids
        .iter()
        .filter_map(|c| ix.project.contracts.get(c))
        .map(|c| c.supplier.clone())
        .collect()
}

/// One page per tender, then the tenders list.
pub fn pages<'a>(ix: &Index<'a>) -> Vec<Page<'a>> {
    let mut pages: Vec<Page> = ix
        .analysis
        .tenders
        .iter()
        .map(|t| {
            let notice = ix.project.tenders.get(&t.tender_id);
            Page {
                path: tender_path(&t.tender_id),
                template: "tender.html",
                title: title(ix.words, t, notice),
                section: "procurement",
                breadcrumbs: crumbs(
                    ix.words,
                    &[
                        (ix.words.get("crumb.procurement"), "procurement/"),
                        (ix.words.get("crumb.tenders"), "procurement/tenders/"),
                    ],
                ),
                view: view(tender_view(ix, t)),
                description: ix.words.fill(
                    "page.tender.description",
                    &[
                        ("tender", &t.tender_id),
                        (
                            "specification",
                            &ix.project
                                .specifications
                                .get(&t.spec_id)
                                .map(|s| s.title.as_str())
                                .unwrap_or(ix.words.get("page.tender.no_specification")),
                        ),
                        ("bids", &t.bid_count),
                    ],
                ),
            }
        })
        .collect();
    if !ix.analysis.tenders.is_empty() {
        pages.push(Page {
            path: "procurement/tenders/".into(),
            template: "tenders.html",
            title: ix.words.get("page.tenders.title").into(),
            section: "procurement",
            breadcrumbs: crumbs(
                ix.words,
                &[(ix.words.get("crumb.procurement"), "procurement/")],
            ),
            view: view(tenders_view(ix)),
            description: ix.words.fill(
                "page.tenders.description",
                &[("count", &ix.analysis.tenders.len())],
            ),
        });
    }
    pages
}

fn lot_view(ix: &Index, notice: &Tender) -> Option<LotView> {
    let id = notice.lot.clone()?;
    let others = ix
        .project
        .tenders
        .values()
        .filter(|o| o.procurement_id == notice.procurement_id && o.tender_id != notice.tender_id)
        .map(|o| {
            let text = o.lot_title.clone().unwrap_or_else(|| o.title.clone());
            (
                o.lot.clone().unwrap_or_default(),
                super::link(&tender_path(&o.tender_id), text),
            )
        })
        .collect();
    Some(LotView {
        id,
        title: notice.lot_title.clone().unwrap_or_default(),
        others,
    })
}

/// The notice's dates with their kind codes, in procurement order.
fn dates(ix: &Index, notice: &Tender) -> Vec<(&'static str, String)> {
    let d = notice.dates;
    [
        ("publication", d.publication),
        ("clarification_deadline", d.clarification_deadline),
        ("submission_deadline", d.submission_deadline),
        ("award_decision", d.award_decision),
        ("standstill_end", d.standstill_end),
        ("contract_signature", d.contract_signature),
    ]
    .into_iter()
    .filter_map(|(kind, d)| Some((kind, date(ix.words, d?))))
    .collect()
}

/// One tender's view.
pub fn tender_view(ix: &Index, t: &TenderEvaluation) -> TenderView {
    let procurement = &ix.project.config.procurement;
    let notice = ix.project.tenders.get(&t.tender_id);
    let p = &t.published;
    let awards = t
        .awarded_contract_ids
        .iter()
        .filter_map(|id| ix.project.contracts.get(id))
        .map(|c| AwardView {
            supplier: c.supplier.clone(),
            contract: ix.contract_link(&c.contract_id),
            value: money(c.total_value),
            date: c.award_date.map(|d| date(ix.words, d)).unwrap_or_default(),
        })
        .collect();
    TenderView {
        id: t.tender_id.clone(),
        title: notice.map(|n| n.title.clone()).unwrap_or_default(),
        description: notice
            .and_then(|n| n.description.clone())
            .unwrap_or_default(),
        lot: notice.and_then(|n| lot_view(ix, n)),
        spec: ix.spec_link(&t.spec_id),
        status: t.status.as_str(),
        procedure: notice.and_then(|n| n.procedure).map(|p| p.as_str()),
        cpv_codes: notice.map(|n| n.cpv_codes.clone()).unwrap_or_default(),
        estimated_value: notice
            .and_then(|n| n.estimated_value)
            .map(money)
            .unwrap_or_default(),
        dates: notice.map(|n| dates(ix, n)).unwrap_or_default(),
        notices: notice
            .map(|n| {
                n.notices
                    .iter()
                    .map(|x| NoticeView {
                        service: x.service,
                        reference: x.reference.clone().unwrap_or_default(),
                        url: x.url.clone().unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        documents: notice
            .map(|n| {
                n.documents
                    .iter()
                    .map(|d| ExternalLink {
                        title: d.title.clone(),
                        url: d.url.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        awards,
        award_not_top: t.award_not_top_ranked,
        award_reason: t
            .award_reason
            .filter(|_| t.award_not_top_ranked)
            .map(|r| r.as_str()),
        max_lots_per_supplier: notice
            .and_then(|n| n.max_lots_per_supplier)
            .map(|n| n.to_string())
            .unwrap_or_default(),
        policy: p.policy.as_str(),
        bids: p.bids.iter().map(|b| bid_view(ix, b)).collect(),
        unnamed_count: p.unnamed_count,
        withheld_count: p.withheld_count,
        withheld_evaluated_count: p.withheld_evaluated_count,
        distribution: p.distribution.map(|d| DistributionView {
            price_low: money(d.price_low),
            price_median: money(d.price_median),
            price_high: money(d.price_high),
            score_low: number(d.score_low, 0),
            score_median: number(d.score_median, 0),
            score_high: number(d.score_high, 0),
        }),
        bid_count: t.bid_count,
        compliant_count: t.compliant_count,
        not_evaluated_count: t.bid_count - t.compliant_count,
        sme_vcse_share: percent(t.sme_vcse_share),
        price_weight: number(t.weights.price, 0),
        quality_weight: number(t.weights.quality, 0),
        social_value_weight: number(t.weights.social_value, 0),
        social_value_low: t.social_value_weight_low,
        min_social_value: number(procurement.min_social_value_weight, 0),
        price_method: match procurement.price_scoring {
            PriceScoring::LowestOverBid => "lowest_over_bid",
            PriceScoring::LinearDeviation => "linear_deviation",
            PriceScoring::Ceiling => "ceiling",
        },
        abnormal_ratio: percent(procurement.abnormally_low_ratio),
    }
}

fn bid_view(ix: &Index, b: &PublishedBid) -> BidView {
    let f = b.figures.as_ref();
    let score = |x: Option<f64>| x.map(|x| number(x, 2)).unwrap_or_default();
    BidView {
        supplier: b.supplier.clone(),
        supplier_type: b
            .supplier_type
            .map(|x| words::of(ix.words, x))
            .unwrap_or_default(),
        figures: f.is_some(),
        price: f.map(|f| money(f.price)).unwrap_or_default(),
        price_score: score(f.and_then(|f| f.price_score)),
        quality_score: score(f.and_then(|f| f.quality_score)),
        social_value_score: score(f.and_then(|f| f.social_value_score)),
        total_score: score(f.and_then(|f| f.total_score)),
        rank: f
            .and_then(|f| f.rank)
            .map(|r| r.to_string())
            .unwrap_or_default(),
        tied: f.is_some_and(|f| f.tied),
        compliant: b.compliant,
        excluded: b.excluded,
        abnormally_low: f.is_some_and(|f| f.abnormally_low),
        awarded: b.awarded,
    }
}

/// The tenders list, grouped by status.
pub fn tenders_view(ix: &Index) -> TendersView {
    let groups = TenderStatus::ALL
        .iter()
        .map(|&status| StatusGroup {
            status: status.as_str(),
            tenders: ix
                .analysis
                .tenders
                .iter()
                .filter(|t| t.status == status)
                .map(|t| tender_line(ix, t))
                .collect(),
        })
        .collect();
    TendersView {
        groups,
        count: ix.analysis.tenders.len(),
    }
}

fn tender_line(ix: &Index, t: &TenderEvaluation) -> TenderLine {
    let notice = ix.project.tenders.get(&t.tender_id);
    let dates = notice.map(|n| n.dates).unwrap_or_default();
    TenderLine {
        link: tender_link(ix, t),
        lot: notice.and_then(|n| n.lot.clone()).unwrap_or_default(),
        spec: ix.spec_link(&t.spec_id),
        procedure: notice.and_then(|n| n.procedure).map(|p| p.as_str()),
        estimated_value: notice
            .and_then(|n| n.estimated_value)
            .map(money)
            .unwrap_or_default(),
        publication: dates
            .publication
            .map(|d| date(ix.words, d))
            .unwrap_or_default(),
        deadline: dates
            .submission_deadline
            .map(|d| date(ix.words, d))
            .unwrap_or_default(),
        bid_count: t.bid_count,
        suppliers: awarded_suppliers(ix, t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::{fixture, link};

    #[test]
    fn bids_scored_ranked_and_awarded() {
        let (project, analysis) = fixture::project_and_analysis();
        let ix = Index::new(&project, &analysis);
        let v = tender_view(&ix, &analysis.tenders[0]);
        assert_eq!(v.id, "T1");
        assert_eq!(v.spec, Some(link("planning/s1/", "Falls prevention")));
        assert_eq!(
            (
                v.price_weight.as_str(),
                v.quality_weight.as_str(),
                v.social_value_weight.as_str()
            ),
            ("60", "30", "10")
        );
        // 10% social value is not below the 10% minimum.
        assert!(!v.social_value_low);
        assert_eq!(v.min_social_value, "10");
        assert_eq!((v.bid_count, v.compliant_count), (2, 2));
        assert_eq!(v.sme_vcse_share, "50%");
        assert!(!v.award_not_top);
        assert_eq!(v.award_reason, None);
        assert_eq!(
            v.awards,
            vec![AwardView {
                supplier: "Helping Hands".into(),
                contract: Some(link(
                    "performance/contracts/c1/",
                    "Falls service — Helping Hands"
                )),
                value: "£270,000".into(),
                date: "1 March 2024".into(),
            }]
        );
        assert_eq!(v.price_method, "lowest_over_bid");
        assert_eq!((v.status, v.policy), ("awarded", "named_without_scores"));
        assert_eq!(v.abnormal_ratio, "80%");
        // Helping Hands: price 60 × 90,000 / 90,000 = 60, quality 70/100 × 30 = 21, social value
        // 8/10 × 10 = 8: 89. Acme: 60 × 90,000 / 100,000 = 54, 24, 5: 83.
        let by_supplier = |name: &str| v.bids.iter().find(|b| b.supplier == name).unwrap();
        let hands = by_supplier("Helping Hands");
        assert_eq!(
            (
                hands.price_score.as_str(),
                hands.quality_score.as_str(),
                hands.social_value_score.as_str(),
                hands.total_score.as_str()
            ),
            ("60.00", "21.00", "8.00", "89.00")
        );
        assert_eq!(
            (
                hands.rank.as_str(),
                hands.supplier_type.as_str(),
                hands.price.as_str()
            ),
            ("1", "VCSE", "£90,000")
        );
        assert!(hands.awarded && hands.compliant && !hands.abnormally_low && !hands.tied);
        // Acme lost: named, as the award notice names it, its price and scores withheld.
        let acme = by_supplier("Acme Ltd");
        assert!(!acme.figures && !acme.awarded && acme.compliant);
        assert_eq!(
            (
                acme.price.as_str(),
                acme.total_score.as_str(),
                acme.rank.as_str()
            ),
            ("", "", "")
        );
        assert_eq!((v.withheld_count, v.distribution.is_none()), (1, true));

        let pages = pages(&ix);
        assert_eq!(
            pages[0].description,
            "Tender T1 for Falls prevention: 2 bids."
        );
    }
}
