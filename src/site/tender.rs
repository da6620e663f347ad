//! Tender pages: every bid's evaluation (METHODS.md 4), the award check, and the contracts a
//! tender awarded.

use super::format::{money, number, percent};
use super::index::Index;
use super::{crumbs, tender_path, view, Link, Page};
use crate::analysis::tender::{BidResult, TenderEvaluation};
use crate::model::config::PriceScoring;
use serde::Serialize;

/// The view of `tender.html`.
#[derive(Debug, Serialize)]
pub struct TenderView {
    pub id: String,
    pub spec: Option<Link>,
    pub price_weight: String,
    pub quality_weight: String,
    pub social_value_weight: String,
    pub social_value_low: bool,
    pub min_social_value: String,
    pub bids: Vec<BidView>,
    pub bid_count: usize,
    pub compliant_count: usize,
    pub sme_vcse_share: String,
    pub winner: String,
    pub contracts: Vec<Link>,
    pub award_not_top: bool,
    /// How the price score was worked out, in words.
    pub price_method: String,
    pub abnormal_ratio: String,
}

/// One bid's evaluation.
#[derive(Debug, Serialize)]
pub struct BidView {
    pub supplier: String,
    pub supplier_type: String,
    pub price: String,
    pub price_score: String,
    pub quality_score: String,
    pub social_value_score: String,
    pub total_score: String,
    pub rank: String,
    pub tied: bool,
    pub compliant: bool,
    pub abnormally_low: bool,
    pub awarded: bool,
}

/// One page per evaluated tender.
pub fn pages<'a>(ix: &Index<'a>) -> Vec<Page<'a>> {
    ix.analysis
        .tenders
        .iter()
        .map(|t| Page {
            path: tender_path(&t.tender_id),
            template: "tender.html",
            title: format!("Tender {}", t.tender_id),
            section: "procurement",
            breadcrumbs: crumbs(&[("Procurement", "procurement/")]),
            view: view(tender_view(ix, t)),
            description: format!(
                "Evaluation of {} bids for {}.",
                t.bid_count,
                ix.project
                    .specifications
                    .get(&t.spec_id)
                    .map(|s| s.title.as_str())
                    .unwrap_or("a tender")
            ),
        })
        .collect()
}

/// One tender's view.
pub fn tender_view(ix: &Index, t: &TenderEvaluation) -> TenderView {
    let procurement = &ix.project.config.procurement;
    TenderView {
        id: t.tender_id.clone(),
        spec: ix.spec_link(&t.spec_id),
        price_weight: number(t.weights.price, 0),
        quality_weight: number(t.weights.quality, 0),
        social_value_weight: number(t.weights.social_value, 0),
        social_value_low: t.social_value_weight_low,
        min_social_value: number(procurement.min_social_value_weight, 0),
        bids: t.bids.iter().map(bid_view).collect(),
        bid_count: t.bid_count,
        compliant_count: t.compliant_count,
        sme_vcse_share: percent(t.sme_vcse_share),
        winner: t.winner.clone().unwrap_or_default(),
        contracts: t
            .awarded_contract_ids
            .iter()
            .filter_map(|c| ix.contract_link(c))
            .collect(),
        award_not_top: t.award_not_top_ranked,
        price_method: match procurement.price_scoring {
            PriceScoring::LowestOverBid => {
                "Price score = price weight × lowest compliant price ÷ bid price.".into()
            }
            PriceScoring::LinearDeviation => {
                "Price score = price weight × (1 − (bid − lowest) ÷ lowest), not below 0.".into()
            }
            PriceScoring::Ceiling => {
                "Price score = price weight × (ceiling − bid) ÷ (ceiling − lowest).".into()
            }
        },
        abnormal_ratio: percent(procurement.abnormally_low_ratio),
    }
}

fn bid_view(b: &BidResult) -> BidView {
    BidView {
        supplier: b.supplier.clone(),
        supplier_type: b
            .supplier_type
            .map(|x| x.label().to_string())
            .unwrap_or_default(),
        price: money(b.price),
        price_score: b.price_score.map(|x| number(x, 2)).unwrap_or_default(),
        quality_score: b.quality_score.map(|x| number(x, 2)).unwrap_or_default(),
        social_value_score: b
            .social_value_score
            .map(|x| number(x, 2))
            .unwrap_or_default(),
        total_score: b.total_score.map(|x| number(x, 2)).unwrap_or_default(),
        rank: b
            .rank
            .map(|r| r.to_string())
            .unwrap_or_else(|| "Not ranked".into()),
        tied: b.tied,
        compliant: b.compliant,
        abnormally_low: b.abnormally_low,
        awarded: b.awarded,
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
        assert_eq!(v.winner, "Helping Hands");
        assert!(!v.award_not_top);
        assert_eq!(
            v.contracts,
            vec![link(
                "performance/contracts/c1/",
                "Falls service — Helping Hands"
            )]
        );
        assert_eq!(
            v.price_method,
            "Price score = price weight × lowest compliant price ÷ bid price."
        );
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
        let acme = by_supplier("Acme Ltd");
        assert_eq!(
            (
                acme.price_score.as_str(),
                acme.quality_score.as_str(),
                acme.social_value_score.as_str(),
                acme.total_score.as_str()
            ),
            ("54.00", "24.00", "5.00", "83.00")
        );
        assert_eq!(
            (acme.rank.as_str(), acme.supplier_type.as_str()),
            ("2", "Large")
        );
        assert!(!acme.awarded);

        let pages = pages(&ix);
        assert_eq!(
            pages[0].description,
            "Evaluation of 2 bids for Falls prevention."
        );
    }
}
