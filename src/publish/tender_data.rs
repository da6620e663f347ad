//! Rows of the `evaluation` and `tenders` open-data tables (FORMATS.md section 2), built from what
//! each tender's publication policy publishes ([`crate::analysis::disclosure`]): a withheld
//! price or score is an empty cell, an unnamed bid no row at all.

use crate::analysis::disclosure::PublishedTender;
use crate::analysis::tender::TenderEvaluation;
use crate::model::{Project, Tender};
use chrono::NaiveDate;
use serde::Serialize;

/// One published bid: the `evaluation` table.
#[derive(Debug, Serialize)]
pub struct EvaluationRow<'a> {
    pub tender_id: &'a str,
    pub supplier: String,
    pub price: Option<f64>,
    pub price_score: Option<f64>,
    pub quality_score: Option<f64>,
    pub social_value_score: Option<f64>,
    pub total_score: Option<f64>,
    pub rank: Option<u32>,
    pub compliant: bool,
    pub abnormally_low: Option<bool>,
    pub awarded: bool,
    pub supplier_type: Option<&'static str>,
    pub tied: Option<bool>,
    pub excluded: bool,
    /// The price and scores are withheld under the publication policy.
    pub figures_withheld: bool,
}

/// One tender (or lot): the `tenders` table.
#[derive(Debug, Serialize)]
pub struct TenderRow<'a> {
    pub tender_id: &'a str,
    pub procurement_id: &'a str,
    pub lot: Option<&'a str>,
    pub title: Option<&'a str>,
    pub spec_id: &'a str,
    pub status: &'static str,
    pub procedure: Option<&'static str>,
    pub cpv_codes: String,
    pub estimated_value: Option<f64>,
    pub publication_date: Option<NaiveDate>,
    pub submission_deadline: Option<NaiveDate>,
    pub award_decision_date: Option<NaiveDate>,
    pub standstill_end_date: Option<NaiveDate>,
    pub contract_signature_date: Option<NaiveDate>,
    pub find_a_tender_reference: Option<&'a str>,
    pub contracts_finder_reference: Option<&'a str>,
    pub bid_count: usize,
    pub evaluated_bid_count: usize,
    pub bid_publication: &'static str,
    pub withheld_bid_count: usize,
    pub withheld_price_low: Option<f64>,
    pub withheld_price_median: Option<f64>,
    pub withheld_price_high: Option<f64>,
    pub withheld_score_low: Option<f64>,
    pub withheld_score_median: Option<f64>,
    pub withheld_score_high: Option<f64>,
    pub award_reason: Option<&'static str>,
    pub award_not_top_ranked_unexplained: bool,
}

/// The evaluation rows of every tender, in tender order, bids as published.
pub fn evaluation_rows(evals: &[TenderEvaluation]) -> Vec<EvaluationRow<'_>> {
    let mut rows = Vec::new();
    for e in evals {
        for b in &e.published.bids {
            let f = b.figures.as_ref();
            rows.push(EvaluationRow {
                tender_id: &e.tender_id,
                price: f.map(|f| f.price),
                price_score: f.and_then(|f| f.price_score),
                quality_score: f.and_then(|f| f.quality_score),
                social_value_score: f.and_then(|f| f.social_value_score),
                total_score: f.and_then(|f| f.total_score),
                rank: f.and_then(|f| f.rank),
                compliant: b.compliant,
                abnormally_low: f.map(|f| f.abnormally_low),
                awarded: b.awarded,
                supplier_type: b.supplier_type.map(|t| t.as_str()),
                tied: f.map(|f| f.tied),
                excluded: b.excluded,
                figures_withheld: f.is_none(),
                supplier: b.supplier.clone(),
            });
        }
    }
    rows
}

fn notice_ref<'a>(t: Option<&'a Tender>, service: &str) -> Option<&'a str> {
    t?.notices
        .iter()
        .find(|n| n.service == service)?
        .reference
        .as_deref()
}

/// The tenders rows, one per evaluated or noticed tender, in tender order.
pub fn tender_rows<'a>(project: &'a Project, evals: &'a [TenderEvaluation]) -> Vec<TenderRow<'a>> {
    evals
        .iter()
        .map(|e| {
            let t = project.tenders.get(&e.tender_id);
            let p: &PublishedTender = &e.published;
            let d = p.distribution;
            let dates = t.map(|t| t.dates).unwrap_or_default();
            TenderRow {
                tender_id: &e.tender_id,
                procurement_id: t.map_or(&e.tender_id, |t| &t.procurement_id),
                lot: t.and_then(|t| t.lot.as_deref()),
                title: t.map(|t| t.title.as_str()),
                spec_id: &e.spec_id,
                status: e.status.as_str(),
                procedure: t.and_then(|t| t.procedure).map(|p| p.as_str()),
                cpv_codes: t.map(|t| t.cpv_codes.join(";")).unwrap_or_default(),
                estimated_value: t.and_then(|t| t.estimated_value),
                publication_date: dates.publication,
                submission_deadline: dates.submission_deadline,
                award_decision_date: dates.award_decision,
                standstill_end_date: dates.standstill_end,
                contract_signature_date: dates.contract_signature,
                find_a_tender_reference: notice_ref(t, "find_a_tender"),
                contracts_finder_reference: notice_ref(t, "contracts_finder"),
                bid_count: e.bid_count,
                evaluated_bid_count: e.compliant_count,
                bid_publication: p.policy.as_str(),
                withheld_bid_count: p.withheld_count,
                withheld_price_low: d.map(|d| d.price_low),
                withheld_price_median: d.map(|d| d.price_median),
                withheld_price_high: d.map(|d| d.price_high),
                withheld_score_low: d.map(|d| d.score_low),
                withheld_score_median: d.map(|d| d.score_median),
                withheld_score_high: d.map(|d| d.score_high),
                award_reason: e.award_reason.map(|r| r.as_str()),
                award_not_top_ranked_unexplained: e.award_unexplained(),
            }
        })
        .collect()
}
