//! Tender evaluation (METHODS.md section 4): MEAT scores for price, quality and social value,
//! ranking (bids not compliant or excluded are never scored), abnormally low bids, whether the
//! award went to the top-ranked bid and whether a reason is recorded, each tender's status, and
//! cost per unit of output for live contracts. Pure functions of the model; weights that do not
//! sum to 100 are the loader's diagnostic, not this module's.

use super::disclosure::{self, PublishedTender};
use crate::model::config::{PriceScoring, ProcurementConfig};
use crate::model::{
    AwardReason, Bid, BidPublication, EvaluationWeights, Project, Specification, SupplierType,
    Tender,
};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Weights used when a specification has no `[evaluation]` table: price 40, quality 50, social
/// value 10. Ten is the PPN 06/20 and PPN 002 minimum for social value (METHODS.md 4), and
/// 40/50 is a common quality-led split for care and support services.
pub const DEFAULT_WEIGHTS: EvaluationWeights = EvaluationWeights {
    price: 40.0,
    quality: 50.0,
    social_value: 10.0,
};

/// One bid, scored: the `evaluation` row of FORMATS.md section 2, then detail for pages. A bid
/// that is not compliant, or whose supplier was excluded, is listed but never scored or ranked:
/// its scores are `None`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BidResult {
    pub tender_id: String,
    pub supplier: String,
    pub price: f64,
    pub price_score: Option<f64>,
    pub quality_score: Option<f64>,
    pub social_value_score: Option<f64>,
    pub total_score: Option<f64>,
    /// Standard competition rank ("1224") among evaluated bids; `None` for a bid not evaluated.
    pub rank: Option<u32>,
    pub compliant: bool,
    pub abnormally_low: bool,
    pub awarded: bool,
    pub supplier_type: Option<SupplierType>,
    /// Shares its rank with another evaluated bid.
    pub tied: bool,
    pub excluded: bool,
}

impl BidResult {
    /// Scored and ranked: compliant and not excluded.
    pub fn is_evaluated(&self) -> bool {
        self.compliant && !self.excluded
    }
}

/// Where a tender stands at the reporting date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TenderStatus {
    /// Open for bids: the submission deadline is after the reporting date (or there are no bids
    /// and no deadline yet).
    Open,
    /// Bids are in and being evaluated; no contract yet.
    Evaluation,
    /// A contract in the register came from it, or its award decision date has passed.
    Awarded,
    /// The procurement was abandoned.
    Cancelled,
}

impl TenderStatus {
    pub const ALL: [TenderStatus; 4] = [
        TenderStatus::Open,
        TenderStatus::Evaluation,
        TenderStatus::Awarded,
        TenderStatus::Cancelled,
    ];
    pub fn as_str(self) -> &'static str {
        ["open", "evaluation", "awarded", "cancelled"][self as usize]
    }
}

/// The evaluation of one tender.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TenderEvaluation {
    pub tender_id: String,
    pub spec_id: String,
    pub weights: EvaluationWeights,
    /// Evaluated bids by rank (then supplier), then the others by supplier.
    pub bids: Vec<BidResult>,
    pub bid_count: usize,
    /// Bids scored and ranked: compliant, from suppliers not excluded.
    pub compliant_count: usize,
    /// Share (0–1) of all bids whose supplier type is SME or VCSE; bids of unknown type count in
    /// the denominator.
    pub sme_vcse_share: f64,
    /// The social value weight is below `min_social_value_weight`.
    pub social_value_weight_low: bool,
    /// Contracts in the register with this `tender_id`, in id order.
    pub awarded_contract_ids: Vec<String>,
    /// The top-ranked supplier; with a tie for first, the first in supplier order.
    pub winner: Option<String>,
    /// Some contract for this tender went to a supplier that is not ranked first.
    pub award_not_top_ranked: bool,
    /// The contracts behind `award_not_top_ranked`, in id order.
    pub not_top_ranked_contract_ids: Vec<String>,
    /// The recorded reason an award did not go to the top-ranked bid (tenders.csv).
    pub award_reason: Option<AwardReason>,
    pub status: TenderStatus,
    /// What is published of the bids: the tender's own setting, else `[procurement]`'s.
    pub publication: BidPublication,
    /// The bids as `publication` publishes them ([`disclosure::published`]), computed once for
    /// the tender pages and every data file.
    pub published: PublishedTender,
}

impl TenderEvaluation {
    /// The award went past the top-ranked bid and no reason is recorded: the one condition the
    /// pages and the contracts table flag.
    pub fn award_unexplained(&self) -> bool {
        self.award_not_top_ranked && self.award_reason.is_none()
    }
}

/// Supplier names compare trimmed and case-insensitively.
pub fn same_supplier(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// Price score of `bid` under the configured method (METHODS.md 4, "Price scoring methods"),
/// with W = `weight` and `lowest` the lowest compliant price:
/// - lowest over bid: W × lowest/bid;
/// - linear deviation: W × max(0, 1 − (bid − lowest)/lowest);
/// - ceiling: W × (ceiling − bid)/(ceiling − lowest).
///
/// A bid at or below the lowest scores W (this covers a zero lowest price and a ceiling equal to
/// the lowest bid); every score is clamped to [0, W], so a bid above the ceiling scores 0.
pub fn price_score(method: PriceScoring, weight: f64, bid: f64, lowest: f64, ceiling: f64) -> f64 {
    if bid <= lowest {
        return weight;
    }
    let share = match method {
        PriceScoring::LowestOverBid => lowest / bid,
        PriceScoring::LinearDeviation if lowest > 0.0 => 1.0 - (bid - lowest) / lowest,
        PriceScoring::LinearDeviation => 0.0,
        PriceScoring::Ceiling if ceiling > lowest => (ceiling - bid) / (ceiling - lowest),
        PriceScoring::Ceiling => 0.0,
    };
    weight * share.clamp(0.0, 1.0)
}

/// Weighted score of a marked question set (METHODS.md 4, "Quality score" and "Social value"):
/// score/max × weight, with the ratio clamped to [0, 1] and 0 when `max` is not positive.
pub fn weighted_score(score: f64, max: f64, weight: f64) -> f64 {
    if max > 0.0 {
        weight * (score / max).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// The ceiling for [`PriceScoring::Ceiling`]: the specification's whole-term budget
/// (annual_budget × term_years) when both are given, else the highest evaluated bid.
fn ceiling(spec: Option<&Specification>, evaluated_prices: &[f64]) -> f64 {
    spec.and_then(|s| Some(s.annual_budget? * s.term_years?))
        .unwrap_or_else(|| evaluated_prices.iter().copied().fold(f64::MIN, f64::max))
}

fn nearly_equal(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Abnormally low (METHODS.md 4; GLOSSARY): an evaluated bid's price < ratio × mean price of the
/// OTHER evaluated bids. It needs at least one other evaluated bid; a bid not evaluated is never
/// flagged.
fn abnormally_low(index: usize, bids: &[&Bid], ratio: f64) -> bool {
    let others: Vec<f64> = bids
        .iter()
        .enumerate()
        .filter(|(i, b)| *i != index && b.is_evaluated())
        .map(|(_, b)| b.price)
        .collect();
    if others.is_empty() || !bids[index].is_evaluated() {
        return false;
    }
    let mean = others.iter().sum::<f64>() / others.len() as f64;
    bids[index].price < ratio * mean
}

/// Scores one bid; `None` scores for a bid that is not evaluated.
fn score_bid(
    b: &Bid,
    weights: EvaluationWeights,
    method: PriceScoring,
    lowest: f64,
    ceiling: f64,
) -> [Option<f64>; 4] {
    if !b.is_evaluated() {
        return [None; 4];
    }
    let price = if lowest.is_finite() {
        price_score(method, weights.price, b.price, lowest, ceiling)
    } else {
        0.0
    };
    let quality = weighted_score(b.quality_score, b.quality_max, weights.quality);
    let social = weighted_score(
        b.social_value_score,
        b.social_value_max,
        weights.social_value,
    );
    [
        Some(price),
        Some(quality),
        Some(social),
        Some(price + quality + social),
    ]
}

/// Standard competition ranking among evaluated bids by MEAT total (METHODS.md 4); totals within 1e-9 (relative) tie. Sorts
/// the results by rank, then supplier, bids not evaluated last.
fn rank(results: &mut [BidResult]) {
    let total = |r: &BidResult| r.total_score.unwrap_or(f64::NEG_INFINITY);
    let mut order: Vec<usize> = (0..results.len())
        .filter(|&i| results[i].total_score.is_some())
        .collect();
    order.sort_by(|&a, &b| {
        total(&results[b])
            .total_cmp(&total(&results[a]))
            .then_with(|| results[a].supplier.cmp(&results[b].supplier))
    });
    for (pos, &i) in order.iter().enumerate() {
        let rank = match pos {
            0 => 1,
            _ => {
                let prev = order[pos - 1];
                if nearly_equal(total(&results[prev]), total(&results[i])) {
                    results[prev].rank.unwrap_or(1)
                } else {
                    pos as u32 + 1
                }
            }
        };
        results[i].rank = Some(rank);
    }
    let ranks: Vec<Option<u32>> = results.iter().map(|r| r.rank).collect();
    for (i, r) in results.iter_mut().enumerate() {
        r.tied = r.rank.is_some()
            && ranks
                .iter()
                .enumerate()
                .any(|(j, other)| j != i && *other == r.rank);
    }
    results.sort_by(|a, b| {
        (a.rank.is_none(), a.rank, &a.supplier).cmp(&(b.rank.is_none(), b.rank, &b.supplier))
    });
}

/// The tender's status at `as_of` (see [`TenderStatus`]).
fn status(
    tender: Option<&Tender>,
    awarded: bool,
    has_bids: bool,
    as_of: Option<NaiveDate>,
) -> TenderStatus {
    let dates = tender.map(|t| t.dates).unwrap_or_default();
    let passed = |d: Option<NaiveDate>| matches!((d, as_of), (Some(d), Some(a)) if d <= a);
    if tender.is_some_and(|t| t.cancelled) {
        TenderStatus::Cancelled
    } else if awarded || passed(dates.award_decision) {
        TenderStatus::Awarded
    } else if match (dates.submission_deadline, as_of) {
        (Some(deadline), Some(a)) => deadline > a,
        (Some(_), None) => !has_bids,
        (None, _) => !has_bids,
    } {
        TenderStatus::Open
    } else {
        TenderStatus::Evaluation
    }
}

/// Scores, ranks and flags one tender's bids (METHODS.md 4: MEAT scoring, abnormally low bids).
fn evaluate_tender(
    project: &Project,
    tender_id: &str,
    bids: &[&Bid],
    as_of: Option<NaiveDate>,
) -> TenderEvaluation {
    let config: &ProcurementConfig = &project.config.procurement;
    let tender = project.tenders.get(tender_id);
    let spec_id = tender
        .map(|t| t.spec_id.clone())
        .or_else(|| bids.first().map(|b| b.spec_id.clone()))
        .unwrap_or_default();
    let spec = project.specifications.get(&spec_id);
    let weights = spec.and_then(|s| s.evaluation).unwrap_or(DEFAULT_WEIGHTS);
    let evaluated_prices: Vec<f64> = bids
        .iter()
        .filter(|b| b.is_evaluated())
        .map(|b| b.price)
        .collect();
    let lowest = evaluated_prices
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min);
    let ceiling = ceiling(spec, &evaluated_prices);
    let contracts: Vec<_> = project
        .contracts
        .values()
        .filter(|c| c.tender_id.as_deref() == Some(tender_id))
        .collect();

    let mut results: Vec<BidResult> = bids
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let [price_score, quality_score, social_value_score, total_score] =
                score_bid(b, weights, config.price_scoring, lowest, ceiling);
            BidResult {
                tender_id: tender_id.to_string(),
                supplier: b.supplier.clone(),
                price: b.price,
                price_score,
                quality_score,
                social_value_score,
                total_score,
                rank: None,
                compliant: b.compliant,
                abnormally_low: abnormally_low(i, bids, config.abnormally_low_ratio),
                awarded: contracts
                    .iter()
                    .any(|c| same_supplier(&c.supplier, &b.supplier)),
                supplier_type: b.supplier_type,
                tied: false,
                excluded: b.excluded,
            }
        })
        .collect();
    rank(&mut results);

    let top: Vec<&str> = results
        .iter()
        .filter(|r| r.rank == Some(1))
        .map(|r| r.supplier.as_str())
        .collect();
    let not_top: Vec<String> = if top.is_empty() {
        Vec::new()
    } else {
        contracts
            .iter()
            .filter(|c| !top.iter().any(|s| same_supplier(s, &c.supplier)))
            .map(|c| c.contract_id.clone())
            .collect()
    };
    let sme_vcse = bids
        .iter()
        .filter(|b| b.supplier_type.is_some_and(SupplierType::is_sme_or_vcse))
        .count();
    let status = status(tender, !contracts.is_empty(), !bids.is_empty(), as_of);
    let publication = tender
        .and_then(|t| t.bid_publication)
        .unwrap_or(config.bid_publication);
    TenderEvaluation {
        published: disclosure::published(publication, status, &results),
        tender_id: tender_id.to_string(),
        spec_id,
        weights,
        bid_count: bids.len(),
        compliant_count: evaluated_prices.len(),
        sme_vcse_share: if bids.is_empty() {
            0.0
        } else {
            sme_vcse as f64 / bids.len() as f64
        },
        social_value_weight_low: weights.social_value < config.min_social_value_weight,
        awarded_contract_ids: contracts.iter().map(|c| c.contract_id.clone()).collect(),
        winner: top.first().map(|s| s.to_string()),
        award_not_top_ranked: !not_top.is_empty(),
        not_top_ranked_contract_ids: not_top,
        award_reason: tender.and_then(|t| t.award_reason),
        status,
        publication,
        bids: results,
    }
}

/// Evaluates every tender — those with bids in `project.bids` and those with a notice in
/// `project.tenders` — in id order (METHODS.md 4). Weights come from the specification's
/// `[evaluation]` table, or [`DEFAULT_WEIGHTS`] when it has none; the lowest price is taken over
/// evaluated bids only. A bid is `awarded` when a contract in the register has its tender id and
/// the same supplier (trimmed, case-insensitive). Status is judged at `as_of`.
pub fn evaluate_tenders(project: &Project, as_of: Option<NaiveDate>) -> Vec<TenderEvaluation> {
    let mut by_tender: BTreeMap<&str, Vec<&Bid>> = project
        .tenders
        .keys()
        .map(|id| (id.as_str(), Vec::new()))
        .collect();
    for bid in &project.bids {
        by_tender
            .entry(bid.tender_id.as_str())
            .or_default()
            .push(bid);
    }
    by_tender
        .into_iter()
        .map(|(id, bids)| evaluate_tender(project, id, &bids, as_of))
        .collect()
}

/// Contract ids awarded to a supplier other than the top-ranked bidder with no recorded award
/// reason (the `award_not_top_ranked` flag of the `contracts` table, FORMATS.md section 2).
pub fn award_not_top_ranked(evals: &[TenderEvaluation]) -> BTreeSet<String> {
    evals
        .iter()
        .filter(|e| e.award_unexplained())
        .flat_map(|e| e.not_top_ranked_contract_ids.iter().cloned())
        .collect()
}

#[cfg(test)]
#[path = "tender_tests.rs"]
mod tests;
