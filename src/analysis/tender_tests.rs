//! Tests of tender evaluation: a hand-worked evaluation, each price method, ranking ties,
//! award checks, and property tests of the score bounds.

use super::*;
use crate::model::{Contract, Funding, SpecStatus};
use chrono::NaiveDate;
use proptest::prelude::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

pub(crate) fn spec(id: &str) -> Specification {
    Specification {
        id: id.into(),
        title: format!("Service {id}"),
        status: SpecStatus::Procurement,
        service_area: Some("Public health".into()),
        summary: None,
        addresses: vec![],
        annual_budget: None,
        term_years: None,
        extension_years: None,
        commissioners: vec![],
        providers_engaged: None,
        outcomes: vec![],
        social_value: vec![],
        milestones: vec![],
        evaluation: None,
        funding: Funding::Contract,
        output_kpi: None,
        output_unit: None,
        output_stock_or_flow: None,
        links: vec![],
        body_markdown: String::new(),
        origin: Default::default(),
        body_line: 0,
    }
}

fn bid(supplier: &str, price: f64, q: f64, sv: f64, compliant: bool) -> Bid {
    Bid {
        tender_id: "T1".into(),
        spec_id: "S1".into(),
        supplier: supplier.into(),
        price,
        quality_score: q,
        quality_max: 50.0,
        social_value_score: sv,
        social_value_max: 10.0,
        compliant,
        excluded: false,
        supplier_type: None,
        supplier_id: None,
        origin: Default::default(),
    }
}

fn contract(id: &str, tender: Option<&str>, supplier: &str) -> Contract {
    let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    Contract {
        contract_id: id.into(),
        spec_id: "S1".into(),
        title: format!("Contract {id}"),
        supplier: supplier.into(),
        start_date: d(2025, 4, 1),
        end_date: d(2030, 3, 31),
        annual_value: 120_000.0,
        total_value: 600_000.0,
        tender_id: tender.map(str::to_string),
        supplier_id: None,
        supplier_type: None,
        department: None,
        description: None,
        award_date: None,
        review_date: None,
        extension_end_date: None,
        procurement_route: None,
        irrecoverable_vat: None,
        details: Default::default(),
        origin: Default::default(),
        memo: Default::default(),
    }
}

/// The three-bid tender worked by hand below.
fn three_bid_project() -> Project {
    let mut p = Project::default();
    let mut s = spec("S1");
    s.evaluation = Some(EvaluationWeights {
        price: 40.0,
        quality: 50.0,
        social_value: 10.0,
    });
    p.specifications.insert("S1".into(), s);
    let mut a = bid("Supplier A", 100_000.0, 40.0, 6.0, true);
    a.supplier_type = Some(SupplierType::Sme);
    let mut b = bid("Supplier B", 80_000.0, 30.0, 8.0, true);
    b.supplier_type = Some(SupplierType::Vcse);
    let mut c = bid("Supplier C", 125_000.0, 50.0, 10.0, true);
    c.supplier_type = Some(SupplierType::Large);
    p.bids = vec![a, b, c];
    p
}

#[test]
fn hand_worked_three_bid_evaluation() {
    // Lowest compliant price 80,000. Weights 40/50/10.
    // A: price 40×80/100 = 32;   quality 50×40/50 = 40; social value 10×6/10 = 6;  total 78.
    // B: price 40×80/80 = 40;    quality 50×30/50 = 30; social value 10×8/10 = 8;  total 78.
    // C: price 40×80/125 = 25.6; quality 50;            social value 10;           total 85.6.
    // Ranks: C 1; A and B tie at 2. Abnormally low (0.8): B 80,000 < 0.8 × mean(100,000,
    // 125,000) = 90,000; A 100,000 ≥ 0.8 × 102,500 = 82,000.
    let mut p = three_bid_project();
    p.contracts
        .insert("C1".into(), contract("C1", Some("T1"), "  supplier a "));
    let evals = evaluate_tenders(&p, None);
    assert_eq!(evals.len(), 1);
    let e = &evals[0];
    let expected = [
        (
            "Supplier C",
            25.6,
            50.0,
            10.0,
            85.6,
            Some(1),
            false,
            false,
            false,
        ),
        (
            "Supplier A",
            32.0,
            40.0,
            6.0,
            78.0,
            Some(2),
            true,
            false,
            true,
        ),
        (
            "Supplier B",
            40.0,
            30.0,
            8.0,
            78.0,
            Some(2),
            true,
            true,
            false,
        ),
    ];
    assert_eq!(e.bids.len(), 3);
    for (r, (sup, ps, qs, svs, tot, rank, tied, low, awarded)) in e.bids.iter().zip(expected) {
        assert_eq!(r.supplier, sup);
        let got = |x: Option<f64>| x.expect("an evaluated bid is scored");
        assert!(
            close(got(r.price_score), ps),
            "{sup} price {:?}",
            r.price_score
        );
        assert!(close(got(r.quality_score), qs), "{sup} quality");
        assert!(close(got(r.social_value_score), svs), "{sup} social value");
        assert!(
            close(got(r.total_score), tot),
            "{sup} total {:?}",
            r.total_score
        );
        assert_eq!(r.rank, rank, "{sup}");
        assert_eq!(r.tied, tied, "{sup}");
        assert_eq!(r.abnormally_low, low, "{sup}");
        assert_eq!(r.awarded, awarded, "{sup}");
    }
    assert_eq!(e.winner.as_deref(), Some("Supplier C"));
    assert!(e.award_not_top_ranked);
    assert_eq!(e.awarded_contract_ids, vec!["C1".to_string()]);
    assert!(close(e.sme_vcse_share, 2.0 / 3.0));
    assert!(!e.social_value_weight_low);
    assert_eq!((e.bid_count, e.compliant_count), (3, 3));
    assert_eq!(
        award_not_top_ranked(&evals).into_iter().collect::<Vec<_>>(),
        vec!["C1".to_string()]
    );
}

#[test]
fn award_to_the_top_bid_is_not_flagged_and_default_weights_apply() {
    let mut p = three_bid_project();
    p.specifications.get_mut("S1").unwrap().evaluation = None;
    p.config.procurement.min_social_value_weight = 15.0;
    p.contracts
        .insert("C1".into(), contract("C1", Some("T1"), "SUPPLIER C"));
    let e = &evaluate_tenders(&p, None)[0];
    assert_eq!(e.weights, DEFAULT_WEIGHTS);
    assert!(!e.award_not_top_ranked);
    assert!(e.social_value_weight_low);
    assert!(award_not_top_ranked(std::slice::from_ref(e)).is_empty());
}

#[test]
fn non_compliant_and_excluded_bids_are_never_scored_or_ranked() {
    let mut p = three_bid_project();
    p.bids.push(bid("Supplier D", 50_000.0, 50.0, 10.0, false));
    let mut e_bid = bid("Supplier E", 60_000.0, 50.0, 10.0, true);
    e_bid.excluded = true;
    p.bids.push(e_bid);
    let e = &evaluate_tenders(&p, None)[0];
    let d = &e.bids[3];
    let x = &e.bids[4];
    for (b, name) in [(d, "Supplier D"), (x, "Supplier E")] {
        assert_eq!(
            (b.supplier.as_str(), b.rank, b.tied, b.abnormally_low),
            (name, None, false, false)
        );
        assert_eq!(
            [
                b.price_score,
                b.quality_score,
                b.social_value_score,
                b.total_score
            ],
            [None; 4]
        );
    }
    assert!(x.excluded && x.compliant && !d.compliant);
    // Still 80,000 is the lowest evaluated price: B keeps the full price weight.
    let b = e.bids.iter().find(|b| b.supplier == "Supplier B").unwrap();
    assert_eq!(b.price_score, Some(40.0));
    assert_eq!((e.bid_count, e.compliant_count), (5, 3));
}

#[test]
fn linear_deviation_and_ceiling_methods() {
    use PriceScoring::*;
    // Linear deviation: 40 × (1 − (100 − 80)/80) = 30; a bid at double the lowest scores 0.
    assert!(close(
        price_score(LinearDeviation, 40.0, 100.0, 80.0, 0.0),
        30.0
    ));
    assert!(close(
        price_score(LinearDeviation, 40.0, 170.0, 80.0, 0.0),
        0.0
    ));
    // Ceiling 150: 40 × (150 − 100)/(150 − 80) = 28.571428...; above the ceiling scores 0.
    assert!(close(
        price_score(Ceiling, 40.0, 100.0, 80.0, 150.0),
        40.0 * 50.0 / 70.0
    ));
    assert!(close(price_score(Ceiling, 40.0, 160.0, 80.0, 150.0), 0.0));
    assert!(close(price_score(Ceiling, 40.0, 80.0, 80.0, 80.0), 40.0));
}

#[test]
fn ceiling_is_the_whole_term_budget_when_given() {
    let mut p = three_bid_project();
    p.config.procurement.price_scoring = PriceScoring::Ceiling;
    let s = p.specifications.get_mut("S1").unwrap();
    s.annual_budget = Some(30_000.0);
    s.term_years = Some(5.0);
    let e = &evaluate_tenders(&p, None)[0];
    let a = e.bids.iter().find(|b| b.supplier == "Supplier A").unwrap();
    // 40 × (150,000 − 100,000)/(150,000 − 80,000)
    assert!(close(a.price_score.unwrap(), 40.0 * 50.0 / 70.0));
    // Without a budget the ceiling is the highest compliant bid: C scores 0.
    p.specifications.get_mut("S1").unwrap().annual_budget = None;
    let e = &evaluate_tenders(&p, None)[0];
    let c = e.bids.iter().find(|b| b.supplier == "Supplier C").unwrap();
    assert_eq!(c.price_score, Some(0.0));
}

#[test]
fn bid_row_serialises_fields_in_formats_order() {
    let e = &evaluate_tenders(&three_bid_project(), None)[0];
    let text = serde_json::to_string(&e.bids[0]).unwrap();
    let keys = [
        "tender_id",
        "supplier",
        "price",
        "price_score",
        "quality_score",
        "social_value_score",
        "total_score",
        "rank",
        "compliant",
        "abnormally_low",
        "awarded",
        "supplier_type",
        "tied",
    ];
    let pos: Vec<usize> = keys
        .iter()
        .map(|k| text.find(&format!("\"{k}\"")).unwrap())
        .collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "{text}");
}

fn arb_bids() -> impl Strategy<Value = Vec<Bid>> {
    prop::collection::vec(
        (1.0f64..1e7, 0.0f64..=50.0, 0.0f64..=10.0, any::<bool>()),
        1..8,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (price, q, sv, c))| bid(&format!("Supplier {i}"), price, q, sv, c))
            .collect()
    })
}

fn arb_method() -> impl Strategy<Value = PriceScoring> {
    prop_oneof![
        Just(PriceScoring::LowestOverBid),
        Just(PriceScoring::LinearDeviation),
        Just(PriceScoring::Ceiling),
    ]
}

proptest! {
    #[test]
    fn lowest_compliant_bid_gets_the_full_price_weight(bids in arb_bids()) {
        let mut p = three_bid_project();
        p.bids = bids;
        let e = &evaluate_tenders(&p, None)[0];
        let lowest = e.bids.iter().filter(|b| b.compliant).map(|b| b.price).fold(f64::INFINITY, f64::min);
        for b in e.bids.iter().filter(|b| b.compliant && b.price == lowest) {
            prop_assert_eq!(b.price_score, Some(e.weights.price));
        }
    }

    #[test]
    fn no_score_exceeds_its_weight(bids in arb_bids(), method in arb_method()) {
        let mut p = three_bid_project();
        p.config.procurement.price_scoring = method;
        p.bids = bids;
        let e = &evaluate_tenders(&p, None)[0];
        let w = e.weights;
        for b in &e.bids {
            if !b.compliant {
                prop_assert_eq!(b.total_score, None);
                continue;
            }
            let s = |x: Option<f64>| x.unwrap_or(f64::NAN);
            prop_assert!((0.0..=w.price).contains(&s(b.price_score)), "{:?}", b);
            prop_assert!((0.0..=w.quality).contains(&s(b.quality_score)), "{:?}", b);
            prop_assert!((0.0..=w.social_value).contains(&s(b.social_value_score)), "{:?}", b);
            prop_assert!(s(b.total_score) <= w.price + w.quality + w.social_value + 1e-9);
            prop_assert_eq!(b.rank.is_some(), b.compliant);
        }
    }
}
