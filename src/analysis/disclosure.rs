//! What is published of each tender's bids under its publication policy (FORMATS.md,
//! `bid_publication`). [`published`] runs once per tender, in the evaluation
//! ([`TenderEvaluation::published`]); the tender pages, `data/evaluation`, `data/tenders` and the
//! OCDS package all read that, so nothing withheld in one of them is published in another.
//!
//! Why the default withholds: under the Procurement Act 2023 the assessment of each tender goes
//! privately to its supplier (s.50 assessment summaries), and the contract award notice names the
//! suppliers that took part; competitors' prices and scores are commercially sensitive and a
//! council does not publish them. The successful supplier's evaluated price and scores are
//! published, since its contract value is public anyway.

#[cfg(doc)]
use super::tender::TenderEvaluation;
use super::tender::{BidResult, TenderStatus};
use crate::model::{BidPublication, SupplierType};
use serde::Serialize;

/// Fewest withheld evaluated bids for which a distribution is published: with one or two, the
/// range would be the bids themselves.
pub const MIN_DISTRIBUTION_BIDS: usize = 3;

/// A published bid's figures: everything the evaluation found about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BidFigures {
    pub price: f64,
    pub price_score: Option<f64>,
    pub quality_score: Option<f64>,
    pub social_value_score: Option<f64>,
    pub total_score: Option<f64>,
    pub rank: Option<u32>,
    pub tied: bool,
    pub abnormally_low: bool,
}

/// A bid as published: its supplier and standing, with figures only when the policy allows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublishedBid {
    pub supplier: String,
    pub supplier_type: Option<SupplierType>,
    pub compliant: bool,
    pub excluded: bool,
    pub awarded: bool,
    /// `None`: the price and scores are withheld.
    pub figures: Option<BidFigures>,
}

/// The withheld bids' prices and total scores, anonymised: the range rounded outwards and the
/// median rounded, prices to two significant figures and scores to whole points, so that no
/// figure is a bidder's exact price or score unless it was already a round number.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Distribution {
    pub price_low: f64,
    pub price_median: f64,
    pub price_high: f64,
    pub score_low: f64,
    pub score_median: f64,
    pub score_high: f64,
}

/// What is published of one tender's bids.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublishedTender {
    pub policy: BidPublication,
    /// Named bids: those with figures first (in rank order), then the rest by supplier, so the
    /// order does not give away a withheld ranking.
    pub bids: Vec<PublishedBid>,
    /// Bids not named at all.
    pub unnamed_count: usize,
    /// Bids whose price and scores are withheld (named or not).
    pub withheld_count: usize,
    /// Of those, bids that were evaluated (their figures feed the distribution).
    pub withheld_evaluated_count: usize,
    /// Present when at least [`MIN_DISTRIBUTION_BIDS`] evaluated bids are withheld.
    pub distribution: Option<Distribution>,
}

/// Rounds `x` to two significant figures with `f` (floor, ceil or round) applied at that scale.
fn two_figures(x: f64, f: fn(f64) -> f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(x.abs().log10().floor() as i32 - 1);
    f(x / scale) * scale
}

/// The median of sorted values.
fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// The anonymised distribution of the withheld evaluated bids, or `None` for too few.
pub fn distribution(withheld: &[&BidResult]) -> Option<Distribution> {
    let mut prices: Vec<f64> = withheld.iter().map(|b| b.price).collect();
    let mut scores: Vec<f64> = withheld.iter().filter_map(|b| b.total_score).collect();
    if scores.len() < MIN_DISTRIBUTION_BIDS {
        return None;
    }
    prices.sort_by(f64::total_cmp);
    scores.sort_by(f64::total_cmp);
    Some(Distribution {
        price_low: two_figures(prices[0], f64::floor),
        price_median: two_figures(median(&prices), f64::round),
        price_high: two_figures(prices[prices.len() - 1], f64::ceil),
        score_low: scores[0].floor(),
        score_median: median(&scores).round(),
        score_high: scores[scores.len() - 1].ceil(),
    })
}

/// Whether a bid is named, and whether its figures are published, under `policy`. Before a
/// tender is awarded no bidder is named except under `full`: the award notice is where the
/// suppliers are first named.
fn shown(policy: BidPublication, bid: &BidResult, awarded: bool) -> (bool, bool) {
    match policy {
        BidPublication::Full => (true, true),
        _ if bid.awarded => (true, true),
        BidPublication::NamedWithoutScores => (awarded, false),
        BidPublication::WinnerOnly => (false, false),
    }
}

/// What publication `policy` publishes of a tender's `bids` at its `status`.
pub fn published(
    policy: BidPublication,
    status: TenderStatus,
    bids: &[BidResult],
) -> PublishedTender {
    let awarded = status == TenderStatus::Awarded;
    let mut with_figures = Vec::new();
    let mut named = Vec::new();
    let mut withheld = Vec::new();
    let mut unnamed_count = 0;
    for b in bids {
        let (name, figures) = shown(policy, b, awarded);
        if !figures {
            withheld.push(b);
        }
        let published = PublishedBid {
            supplier: b.supplier.clone(),
            supplier_type: b.supplier_type,
            compliant: b.compliant,
            excluded: b.excluded,
            awarded: b.awarded,
            figures: figures.then_some(BidFigures {
                price: b.price,
                price_score: b.price_score,
                quality_score: b.quality_score,
                social_value_score: b.social_value_score,
                total_score: b.total_score,
                rank: b.rank,
                tied: b.tied,
                abnormally_low: b.abnormally_low,
            }),
        };
        match (name, figures) {
            (_, true) => with_figures.push(published),
            (true, false) => named.push(published),
            (false, _) => unnamed_count += 1,
        }
    }
    named.sort_by(|a, b| a.supplier.cmp(&b.supplier));
    with_figures.extend(named);
    let evaluated: Vec<&BidResult> = withheld
        .iter()
        .copied()
        .filter(|b| b.is_evaluated())
        .collect();
    PublishedTender {
        policy,
        bids: with_figures,
        unnamed_count,
        withheld_count: withheld.len(),
        withheld_evaluated_count: evaluated.len(),
        distribution: distribution(&evaluated),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_figures_rounds_at_the_second_significant_digit() {
        assert_eq!(two_figures(28_600_000.0, f64::floor), 28_000_000.0);
        assert_eq!(two_figures(28_600_000.0, f64::ceil), 29_000_000.0);
        assert_eq!(two_figures(1_248_000.0, f64::round), 1_200_000.0);
        assert_eq!(two_figures(950.0, f64::ceil), 950.0);
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[1.0, 2.0, 9.0]), 2.0);
        assert_eq!(median(&[1.0, 2.0, 4.0, 9.0]), 3.0);
    }
}
